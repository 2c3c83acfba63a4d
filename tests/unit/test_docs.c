/* SPDX-License-Identifier: Apache-2.0 */
/* docs/syscalls.md is exactly what the table prints. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "syscalls/print.h"
#include "syscalls/table.h"

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n + 4096 > cap) {
			cap = cap ? 2 * cap : 65536;
			buf = realloc(buf, cap);
			assert_non_null(buf);
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static char *print_to_string(int markdown, size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);

	assert_non_null(f);
	assert_int_equal(syscalls_print(f, markdown), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_docs_up_to_date(void **state)
{
	const char *src = getenv("MOAT_SOURCE_DIR");
	char path[4096];
	size_t want_len = 0, have_len = 0;
	char *want, *have;

	assert_non_null(src);
	snprintf(path, sizeof(path), "%s/docs/syscalls.md", src);
	want = print_to_string(1, &want_len);
	have = read_file(path, &have_len);
	if (!have)
		fail_msg("%s is missing: run `make docs`", path);
	if (have_len != want_len || memcmp(have, want, want_len) != 0) {
		size_t i = 0;

		while (i < have_len && i < want_len && have[i] == want[i])
			i++;
		fail_msg("%s differs from the syscall table at byte %zu: run `make docs` "
			 "(moat syscalls --markdown > docs/syscalls.md)",
			 path, i);
	}
	free(want);
	free(have);
}

static void test_text_listing(void **state)
{
	size_t len;
	char *text = print_to_string(0, &len);
	unsigned lines = 0;

	for (size_t i = 0; i < len; i++)
		lines += text[i] == '\n';
	/* header, one line per row, a blank line and the footnote */
	assert_int_equal(lines, syscall_table_len + 3);
	assert_non_null(strstr(text, "\nopenat "));
	assert_non_null(strstr(text, "EAFNOSUPPORT"));
	free(text);
}

static void test_markdown_shape(void **state)
{
	size_t len;
	char *md = print_to_string(1, &len);
	unsigned rows = 0;

	assert_true(strncmp(md, "# System calls\n", 15) == 0);
	assert_non_null(strstr(md, "moat syscalls --markdown"));
	assert_non_null(strstr(md, "make docs"));
	for (unsigned r = 0; r < syscall_table_len; r++) {
		char needle[128];

		snprintf(needle, sizeof(needle), "\n| %d | %s | ", syscall_table[r].nr,
			 syscall_table[r].name);
		rows += strstr(md, needle) != NULL;
	}
	assert_int_equal(rows, syscall_table_len);
	free(md);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_docs_up_to_date),
	    cmocka_unit_test(test_text_listing),
	    cmocka_unit_test(test_markdown_shape),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
