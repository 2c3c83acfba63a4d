/* SPDX-License-Identifier: Apache-2.0 */
#include "error.h"

#include <stdio.h>
#include <errno.h>
#include <string.h>

static int error_vset(struct moat_error *err, int errnum, int with_reason, const char *fmt,
		      va_list ap)
{
	int n;

	err->code = errnum ? errnum : EINVAL;
	n = vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	if (with_reason && errnum && n >= 0 && (size_t)n < sizeof(err->msg))
		snprintf(err->msg + n, sizeof(err->msg) - n, ": %s", strerror(errnum));
	return -err->code;
}

int moat_error_set(struct moat_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, 1, fmt, ap);
	va_end(ap);
	return r;
}

int moat_error_setx(struct moat_error *err, int errnum, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = error_vset(err, errnum, 0, fmt, ap);
	va_end(ap);
	return r;
}

int moat_error_prefix(struct moat_error *err, const char *fmt, ...)
{
	char prefix[512], old[sizeof(err->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	snprintf(err->msg, sizeof(err->msg), "%s: %s", prefix, old);
	return -err->code;
}

void moat_error_print(const struct moat_error *err)
{
	fprintf(stderr, "moat: %s\n", err->msg);
}
