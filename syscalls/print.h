/* SPDX-License-Identifier: Apache-2.0 */
/* `moat syscalls` and docs/syscalls.md, printed from the syscall table. */
#ifndef MOAT_SYSCALLS_PRINT_H
#define MOAT_SYSCALLS_PRINT_H

#include <stdio.h>

/*
 * Print the table: a plain-text listing (name, number, disposition, errno,
 * note), or with markdown set the exact contents of docs/syscalls.md.
 * Returns 0 or -errno (a failed write).
 */
int syscalls_print(FILE *out, int markdown);

/* "EPERM" for EPERM and so on for the errnos the table uses; NULL otherwise. */
const char *errno_name(int errnum);

#endif
