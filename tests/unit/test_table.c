/* SPDX-License-Identifier: Apache-2.0 */
/* The syscall table against the kernel headers and sentry/handlers.h. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "syscalls/table.h"
#include "syscalls/print.h"
#include "sentry/handlers.h"

/* Generated at build time by tests/CMakeLists.txt. */
static const struct {
	const char *name;
	int nr;
} header_nrs[] = {
#define HEADER_NR(name, nr) {#name, nr},
#include "header_nrs.h"
};

static const struct {
	const char *name;
	sentry_handler_fn fn;
} handlers[] = {
#define HANDLER(name) {#name, sentry_sys_##name},
#include "handler_names.h"
};

/* Syscalls newer than the installed headers (syscalls/nr_extra.h). */
#define EXTRA_FIRST 451
#define EXTRA_LAST  469

static int header_max_nr(void)
{
	int max = -1;

	for (size_t i = 0; i < sizeof(header_nrs) / sizeof(header_nrs[0]); i++)
		if (header_nrs[i].nr > max)
			max = header_nrs[i].nr;
	return max;
}

static void test_header_syscalls_have_one_row(void **state)
{
	size_t n = sizeof(header_nrs) / sizeof(header_nrs[0]);

	assert_true(n >= 300); /* the generated list is not empty or truncated */
	for (size_t i = 0; i < n; i++) {
		const struct syscall_row *row = syscall_by_nr(header_nrs[i].nr);
		unsigned same = 0;

		if (!row || strcmp(row->name, header_nrs[i].name) != 0)
			fail_msg("__NR_%s (%d) has no row of that name (found %s)",
				 header_nrs[i].name, header_nrs[i].nr, row ? row->name : "none");
		for (unsigned r = 0; r < syscall_table_len; r++)
			same += syscall_table[r].nr == header_nrs[i].nr;
		assert_int_equal(same, 1);
	}
}

static void test_rows_are_header_or_newer(void **state)
{
	size_t n = sizeof(header_nrs) / sizeof(header_nrs[0]);
	int max = header_max_nr();
	unsigned extra = 0;

	for (unsigned r = 0; r < syscall_table_len; r++) {
		const struct syscall_row *row = &syscall_table[r];
		int in_header = 0;

		for (size_t i = 0; i < n; i++)
			if (header_nrs[i].nr == row->nr &&
			    strcmp(header_nrs[i].name, row->name) == 0)
				in_header = 1;
		if (in_header)
			continue;
		if (row->nr <= max || row->nr < EXTRA_FIRST || row->nr > EXTRA_LAST)
			fail_msg("row %s (%d) is neither in the headers nor a newer syscall",
				 row->name, row->nr);
		extra++;
	}
	/* Every number 451..469 has a row, whether from the headers or nr_extra.h. */
	for (int nr = EXTRA_FIRST; nr <= EXTRA_LAST; nr++)
		if (!syscall_by_nr(nr))
			fail_msg("no row for syscall %d", nr);
	assert_int_equal(syscall_table_len, n + extra);
}

static void test_names_unique_numbers_ascending(void **state)
{
	for (unsigned r = 0; r < syscall_table_len; r++) {
		if (r > 0 && syscall_table[r].nr <= syscall_table[r - 1].nr)
			fail_msg("%s (%d) follows %s (%d)", syscall_table[r].name,
				 syscall_table[r].nr, syscall_table[r - 1].name,
				 syscall_table[r - 1].nr);
		for (unsigned s = 0; s < r; s++)
			if (strcmp(syscall_table[r].name, syscall_table[s].name) == 0)
				fail_msg("%s has two rows", syscall_table[r].name);
	}
}

static void test_lookups_agree(void **state)
{
	unsigned found = 0;

	for (unsigned r = 0; r < syscall_table_len; r++) {
		const struct syscall_row *row = &syscall_table[r];

		assert_ptr_equal(syscall_by_nr(row->nr), row);
		assert_ptr_equal(syscall_by_name(row->name), row);
	}
	for (int nr = -2; nr < 1200; nr++)
		found += syscall_by_nr(nr) != NULL;
	assert_int_equal(found, syscall_table_len);
	assert_null(syscall_by_nr(-1));
	assert_null(syscall_by_nr(0x40000000 | 39));
	assert_null(syscall_by_name("no_such_syscall"));
	assert_null(syscall_by_name(NULL));
	assert_string_equal(disposition_name(DISP_NATIVE), "native");
	assert_string_equal(disposition_name(DISP_DENIED), "denied");
}

static void test_columns_are_consistent(void **state)
{
	for (unsigned r = 0; r < syscall_table_len; r++) {
		const struct syscall_row *row = &syscall_table[r];
		int trapped_with_handler = row->disp == DISP_EMULATED || row->disp == DISP_CHECKED;

		if (trapped_with_handler != (row->handler != NULL))
			fail_msg("%s: %s row %s a handler", row->name, disposition_name(row->disp),
				 row->handler ? "has" : "lacks");
		if (row->disp == DISP_DENIED && row->deny_errno <= 0)
			fail_msg("%s: denied without an errno", row->name);
		if (row->nrules && row->disp != DISP_NATIVE && row->disp != DISP_DENIED &&
		    row->disp != DISP_EMULATED)
			fail_msg("%s: only native, denied and emulated rows may have rules",
				 row->name);
		if (row->nrules && row->disp != DISP_EMULATED && row->deny_errno <= 0)
			fail_msg("%s: a row with rules needs a fallback errno", row->name);
		if (!row->nrules && row->disp != DISP_DENIED && row->deny_errno != 0)
			fail_msg("%s: errno on a row that never uses it", row->name);
		if (row->deny_errno && !errno_name(row->deny_errno))
			fail_msg("%s: errno %d has no name for the docs", row->name,
				 row->deny_errno);
		if (!row->note || strlen(row->note) < 8 || strchr(row->note, '\n'))
			fail_msg("%s: needs a one-line note", row->name);
		if (row->self & ~(unsigned)(SELF_SENTRY | SELF_GOFER))
			fail_msg("%s: unknown self bits %#x", row->name, row->self);
		for (unsigned k = 0; k < row->nrules; k++) {
			const struct arg_rule *rule = &row->rules[k];

			if (rule->nconds == 0 || rule->nconds > RULE_MAX_CONDS)
				fail_msg("%s: rule %u has %u conditions", row->name, k,
					 rule->nconds);
			for (unsigned c = 0; c < rule->nconds; c++)
				if (rule->conds[c].arg > 5 || rule->conds[c].mask == 0 ||
				    rule->conds[c].op > RULE_NE)
					fail_msg("%s: rule %u condition %u is malformed", row->name,
						 k, c);
		}
	}
}

/* Hard rule of the design: a syscall that takes a path is never native. */
static void test_no_native_path(void **state)
{
	unsigned paths = 0;

	for (unsigned r = 0; r < syscall_table_len; r++) {
		const struct syscall_row *row = &syscall_table[r];

		for (int a = 0; a < 6; a++) {
			if (row->args[a] != ARG_PATH)
				continue;
			paths++;
			if (row->disp == DISP_NATIVE)
				fail_msg("%s takes a path (argument %d) and is native", row->name,
					 a);
		}
		for (int a = 0; a < 6; a++)
			if (row->args[a] > ARG_SOCKADDR)
				fail_msg("%s: argument %d has no role %u", row->name, a,
					 row->args[a]);
	}
	assert_true(paths > 60);
}

/* Each handler of sentry/handlers.h is the handler of the row of its name, and only there. */
static void test_handlers_match_rows(void **state)
{
	size_t n = sizeof(handlers) / sizeof(handlers[0]);
	unsigned with_handler = 0;

	assert_true(n > 0);
	for (size_t i = 0; i < n; i++) {
		const struct syscall_row *row = syscall_by_name(handlers[i].name);

		if (!row)
			fail_msg("sentry_sys_%s has no row", handlers[i].name);
		if (row->handler != handlers[i].fn)
			fail_msg("row %s does not point at sentry_sys_%s", row->name,
				 handlers[i].name);
		for (unsigned r = 0; r < syscall_table_len; r++)
			if (syscall_table[r].handler == handlers[i].fn && &syscall_table[r] != row)
				fail_msg("sentry_sys_%s is also the handler of %s",
					 handlers[i].name, syscall_table[r].name);
	}
	for (unsigned r = 0; r < syscall_table_len; r++)
		with_handler += syscall_table[r].handler != NULL;
	assert_int_equal(with_handler, n);
}

/* The classification the design fixes, spot-checked from the other direction. */
static void test_key_dispositions(void **state)
{
	static const struct {
		const char *name;
		enum disposition disp;
		int err;
	} want[] = {
	    {"read", DISP_NATIVE, 0},
	    {"openat", DISP_EMULATED, 0},
	    {"uname", DISP_EMULATED, 0},
	    {"execve", DISP_CHECKED, 0},
	    {"connect", DISP_CHECKED, 0},
	    {"clone3", DISP_DENIED, ENOSYS},
	    {"mount", DISP_DENIED, EPERM},
	    {"unshare", DISP_DENIED, EPERM},
	    {"bpf", DISP_DENIED, EPERM},
	    {"io_uring_setup", DISP_DENIED, EPERM},
	    {"socket", DISP_NATIVE, EAFNOSUPPORT},
	    {"clone", DISP_NATIVE, EPERM},
	    {"ioctl", DISP_DENIED, EPERM},
	    {"fchmodat2", DISP_DENIED, ENOSYS},
	};

	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct syscall_row *row = syscall_by_name(want[i].name);

		assert_non_null(row);
		if (row->disp != want[i].disp || row->deny_errno != want[i].err)
			fail_msg("%s is %s/%d", want[i].name, disposition_name(row->disp),
				 row->deny_errno);
	}
	assert_non_null(syscall_by_name("socket")->rules);
	assert_true(syscall_by_name("read")->self & SELF_SENTRY);
	assert_true(syscall_by_name("openat2")->self & SELF_GOFER);
	assert_false(syscall_by_name("socket")->self & (SELF_SENTRY | SELF_GOFER));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_header_syscalls_have_one_row),
	    cmocka_unit_test(test_rows_are_header_or_newer),
	    cmocka_unit_test(test_names_unique_numbers_ascending),
	    cmocka_unit_test(test_lookups_agree),
	    cmocka_unit_test(test_columns_are_consistent),
	    cmocka_unit_test(test_no_native_path),
	    cmocka_unit_test(test_handlers_match_rows),
	    cmocka_unit_test(test_key_dispositions),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
