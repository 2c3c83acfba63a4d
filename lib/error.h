/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The one error idiom of moat's setup code: a fallible function returns 0 or a
 * negative errno and, when it fails, fills a struct moat_error with a message
 * naming the thing and the operation. Callers add context on the way up with
 * moat_error_prefix(), so what the user finally reads is
 * "moat: --rw /x: bind mount: No such file or directory".
 */
#ifndef MOAT_LIB_ERROR_H
#define MOAT_LIB_ERROR_H

#include <stdarg.h>

struct moat_error {
	int code; /* positive errno, 0 when none */
	char msg[1024];
};

/* Record errnum (positive) with a formatted message; returns -errnum. */
int moat_error_set(struct moat_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same without appending strerror(errnum). */
int moat_error_setx(struct moat_error *err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prepend "context: " to an existing message; returns -err->code. */
int moat_error_prefix(struct moat_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Print "moat: <msg>" on stderr. */
void moat_error_print(const struct moat_error *err);

#endif
