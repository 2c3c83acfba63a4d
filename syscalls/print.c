/* SPDX-License-Identifier: Apache-2.0 */
/* `moat syscalls` and docs/syscalls.md, printed from the syscall table. */
#include "print.h"

#include <errno.h>

#include "table.h"
#include "../lib/cleanup.h"

const char *errno_name(int errnum)
{
	switch (errnum) {
	case EPERM:
		return "EPERM";
	case ENOENT:
		return "ENOENT";
	case EACCES:
		return "EACCES";
	case EINVAL:
		return "EINVAL";
	case ENOTTY:
		return "ENOTTY";
	case ENOSYS:
		return "ENOSYS";
	case EOPNOTSUPP:
		return "EOPNOTSUPP";
	case EAFNOSUPPORT:
		return "EAFNOSUPPORT";
	case EPROTONOSUPPORT:
		return "EPROTONOSUPPORT";
	}
	return NULL;
}

/* The errno column: for denied rows and for the fallback of rows with rules. */
static const char *row_errno(const struct syscall_row *row, char *buf, size_t len)
{
	const char *name;

	if (row->deny_errno == 0)
		return "";
	name = errno_name(row->deny_errno);
	if (name)
		return name;
	snprintf(buf, len, "%d", row->deny_errno);
	return buf;
}

static const char *row_self(const struct syscall_row *row)
{
	switch (row->self & (SELF_SENTRY | SELF_GOFER)) {
	case SELF_SENTRY:
		return "sentry";
	case SELF_GOFER:
		return "gofer";
	case SELF_SENTRY | SELF_GOFER:
		return "sentry, gofer";
	}
	return "";
}

/* Markdown table cells: a '|' would end the cell. */
static void put_cell(FILE *out, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputc('\\', out);
		fputc(*s, out);
	}
}

static void print_text(FILE *out)
{
	char buf[16];

	fprintf(out, "%-24s %4s  %-12s %-13s %s\n", "NAME", "NR", "DISPOSITION", "ERRNO", "NOTE");
	for (unsigned i = 0; i < syscall_table_len; i++) {
		const struct syscall_row *row = &syscall_table[i];
		char disp[16];

		snprintf(disp, sizeof(disp), "%s%s", disposition_name(row->disp),
			 row->nrules ? "*" : "");
		fprintf(out, "%-24s %4d  %-12s %-13s %s\n", row->name, row->nr, disp,
			row_errno(row, buf, sizeof(buf)), row->note);
	}
	fprintf(out, "\n* argument-conditional: see the note. Other numbers, and the i386 and "
		     "x32 ABIs, get ENOSYS.\n");
}

static const char markdown_intro[] =
    "# System calls\n"
    "\n"
    "This file is generated from the syscall table (`syscalls/table.def`) by\n"
    "`moat syscalls --markdown`; run `make docs` after changing the table. Do not\n"
    "edit it by hand: `tests/unit/test_docs.c` fails when it differs from the table.\n"
    "\n"
    "Every x86_64 system call has one row. The disposition says what the\n"
    "workload's seccomp filter does with it:\n"
    "\n"
    "- **native**: allowed in BPF; it acts only on objects the workload already holds.\n"
    "- **emulated**: trapped; the sentry implements it, paths through the gofer.\n"
    "- **checked**: trapped; validated through the gofer, then the kernel runs it.\n"
    "- **denied**: a fixed errno from BPF; it never reaches the sentry.\n"
    "- **unknown**: trapped; the sentry logs it and answers ENOSYS.\n"
    "\n"
    "A `*` marks an argument-conditional row. A native one is allowed only for the\n"
    "arguments its note names; other calls are trapped and the sentry answers with\n"
    "the errno shown. A denied one fails with the errno only for the arguments its\n"
    "note names and is allowed otherwise. Numbers not in the table, and the i386\n"
    "and x32 ABIs, get ENOSYS from BPF.\n"
    "\n"
    "The last column marks the syscalls on the seccomp allowlists of moat's own\n"
    "sentry and gofer processes (everything else kills them).\n"
    "\n";

static void print_markdown(FILE *out)
{
	unsigned count[DISP_UNKNOWN + 1] = {0}, conditional = 0, sentry = 0, gofer = 0;
	char buf[16];

	for (unsigned i = 0; i < syscall_table_len; i++) {
		const struct syscall_row *row = &syscall_table[i];

		count[row->disp]++;
		conditional += row->nrules != 0;
		sentry += (row->self & SELF_SENTRY) != 0;
		gofer += (row->self & SELF_GOFER) != 0;
	}

	fputs(markdown_intro, out);
	fprintf(out, "| disposition | syscalls |\n|---|---:|\n");
	for (int d = DISP_NATIVE; d <= DISP_UNKNOWN; d++)
		fprintf(out, "| %s | %u |\n", disposition_name(d), count[d]);
	fprintf(out, "| total | %u |\n\n", syscall_table_len);
	fprintf(out,
		"%u rows are argument-conditional. The sentry's allowlist has %u syscalls, "
		"the gofer's %u.\n\n",
		conditional, sentry, gofer);

	fprintf(out, "| nr | name | disposition | errno | note | own use |\n"
		     "|---:|---|---|---|---|---|\n");
	for (unsigned i = 0; i < syscall_table_len; i++) {
		const struct syscall_row *row = &syscall_table[i];

		fprintf(out, "| %d | %s | %s%s | %s | ", row->nr, row->name,
			disposition_name(row->disp), row->nrules ? "\\*" : "",
			row_errno(row, buf, sizeof(buf)));
		put_cell(out, row->note);
		fprintf(out, " | %s |\n", row_self(row));
	}
}

int syscalls_print(FILE *out, int markdown)
{
	if (markdown)
		print_markdown(out);
	else
		print_text(out);
	if (fflush(out) != 0 || ferror(out))
		return -(errno ? errno : EIO);
	return 0;
}
