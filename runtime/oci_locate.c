/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Where a value is in config.json's text. jansson keeps no positions for
 * values, so a message about a value is placed by walking the original bytes
 * along the field path: a small scanner that skips what it does not descend
 * into and never reads past the end, even on malformed text.
 */
#include "oci_parse.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

static size_t skip_ws(const char *t, size_t len, size_t i)
{
	while (i < len && (t[i] == ' ' || t[i] == '\t' || t[i] == '\n' || t[i] == '\r'))
		i++;
	return i;
}

/* t[i] is '"'; the index just past the closing quote, or len when unterminated. */
static size_t skip_string(const char *t, size_t len, size_t i)
{
	for (i++; i < len; i++) {
		if (t[i] == '\\')
			i++;
		else if (t[i] == '"')
			return i + 1;
	}
	return len;
}

/* The index just past the value starting at t[i]; len when malformed. */
static size_t skip_value(const char *t, size_t len, size_t i)
{
	size_t depth = 0;

	if (i >= len)
		return len;
	if (t[i] == '"')
		return skip_string(t, len, i);
	if (t[i] != '{' && t[i] != '[') {
		size_t start = i;

		while (i < len && !strchr(",}] \t\r\n", t[i]))
			i++;
		return i == start ? len : i;
	}
	while (i < len) {
		if (t[i] == '"') {
			i = skip_string(t, len, i);
			continue;
		}
		if (t[i] == '{' || t[i] == '[') {
			depth++;
		} else if (t[i] == '}' || t[i] == ']') {
			if (--depth == 0)
				return i + 1;
		}
		i++;
	}
	return len;
}

static int hex4(const char *t, size_t len, size_t i, unsigned *out)
{
	unsigned v = 0;

	if (i + 4 > len)
		return -1;
	for (size_t k = 0; k < 4; k++) {
		char c = t[i + k];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (unsigned)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (unsigned)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (unsigned)(c - 'A' + 10);
		else
			return -1;
	}
	*out = v;
	return 0;
}

static size_t utf8_encode(unsigned cp, char *out)
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		out[0] = (char)(0xc0 | (cp >> 6));
		out[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		out[0] = (char)(0xe0 | (cp >> 12));
		out[1] = (char)(0x80 | ((cp >> 6) & 0x3f));
		out[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	out[0] = (char)(0xf0 | (cp >> 18));
	out[1] = (char)(0x80 | ((cp >> 12) & 0x3f));
	out[2] = (char)(0x80 | ((cp >> 6) & 0x3f));
	out[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/* Decode the string at t[i] ('"') while comparing it with key. Returns 1 when
 * equal, 0 when not, -1 when malformed; *end is just past the closing quote. */
static int string_equals(const char *t, size_t len, size_t i, const char *key, size_t *end)
{
	size_t klen = strlen(key), k = 0;
	int equal = 1;

	for (i++; i < len && t[i] != '"'; i++) {
		char buf[4];
		size_t n = 1;

		buf[0] = t[i];
		if (t[i] == '\\') {
			if (++i >= len)
				return -1;
			switch (t[i]) {
			case 'b':
				buf[0] = '\b';
				break;
			case 'f':
				buf[0] = '\f';
				break;
			case 'n':
				buf[0] = '\n';
				break;
			case 'r':
				buf[0] = '\r';
				break;
			case 't':
				buf[0] = '\t';
				break;
			case '"':
			case '\\':
			case '/':
				buf[0] = t[i];
				break;
			case 'u': {
				unsigned cp, lo;

				if (hex4(t, len, i + 1, &cp) < 0)
					return -1;
				i += 4;
				if (cp >= 0xd800 && cp < 0xdc00 && i + 2 < len &&
				    t[i + 1] == '\\' && t[i + 2] == 'u' &&
				    hex4(t, len, i + 3, &lo) == 0 && lo >= 0xdc00 && lo < 0xe000) {
					cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
					i += 6;
				}
				n = utf8_encode(cp, buf);
				break;
			}
			default:
				return -1;
			}
		}
		if (equal && (k + n > klen || memcmp(key + k, buf, n) != 0))
			equal = 0;
		k += n;
	}
	if (i >= len)
		return -1;
	*end = i + 1;
	return equal && k == klen;
}

/* The value of member key in the object at t[pos] ('{'): its offset in *found
 * (0 when absent, the last one when repeated). -1 when malformed. */
static int find_member(const char *t, size_t len, size_t pos, const char *key, size_t *found)
{
	size_t i = skip_ws(t, len, pos + 1);

	*found = 0;
	if (i < len && t[i] == '}')
		return 0;
	while (i < len) {
		int eq;

		if (t[i] != '"')
			return -1;
		eq = string_equals(t, len, i, key, &i);
		if (eq < 0)
			return -1;
		i = skip_ws(t, len, i);
		if (i >= len || t[i] != ':')
			return -1;
		i = skip_ws(t, len, i + 1);
		if (i >= len)
			return -1;
		if (eq)
			*found = i;
		i = skip_ws(t, len, skip_value(t, len, i));
		if (i >= len)
			return -1;
		if (t[i] == '}')
			return 0;
		if (t[i] != ',')
			return -1;
		i = skip_ws(t, len, i + 1);
	}
	return -1;
}

/* Element index of the array at t[pos] ('['), as find_member. */
static int find_element(const char *t, size_t len, size_t pos, size_t index, size_t *found)
{
	size_t i = skip_ws(t, len, pos + 1);

	*found = 0;
	if (i < len && t[i] == ']')
		return 0;
	for (size_t n = 0; i < len; n++) {
		if (n == index) {
			*found = i;
			return 0;
		}
		i = skip_ws(t, len, skip_value(t, len, i));
		if (i >= len)
			return -1;
		if (t[i] == ']')
			return 0;
		if (t[i] != ',')
			return -1;
		i = skip_ws(t, len, i + 1);
	}
	return -1;
}

int oci_json_locate(const char *text, size_t len, const struct oci_json_step *path, size_t depth,
		    size_t *offset)
{
	size_t pos = skip_ws(text, len, 0);
	int resolved = 0;

	if (pos >= len)
		return -EINVAL;
	*offset = pos;
	for (size_t s = 0; s < depth; s++) {
		size_t found;
		int r;

		if (path[s].key && text[pos] == '{')
			r = find_member(text, len, pos, path[s].key, &found);
		else if (!path[s].key && text[pos] == '[')
			r = find_element(text, len, pos, path[s].index, &found);
		else
			return resolved; /* not a container of that kind */
		if (r < 0)
			return -EINVAL;
		if (!found)
			return resolved;
		pos = found;
		*offset = pos;
		resolved++;
	}
	return resolved;
}

void oci_json_line_column(const char *text, size_t len, size_t offset, int *line, int *column)
{
	int l = 1, c = 1;

	for (size_t i = 0; i < offset && i < len; i++) {
		if (text[i] == '\n') {
			l++;
			c = 1;
		} else if (((unsigned char)text[i] & 0xc0) != 0x80) {
			c++;
		}
	}
	*line = l;
	*column = c;
}

/* Is the literal t[0..n) an integer that does not fit in int64? */
static bool integer_overflows(const char *t, size_t n)
{
	char buf[32];
	size_t digits = n - (t[0] == '-');

	if (digits == 0)
		return false;
	for (size_t i = t[0] == '-'; i < n; i++)
		if (t[i] < '0' || t[i] > '9')
			return false;
	if (n >= sizeof(buf))
		return true;
	memcpy(buf, t, n);
	buf[n] = '\0';
	errno = 0;
	(void)strtoll(buf, NULL, 10);
	return errno == ERANGE;
}

void oci_json_widen_integers(char *text, size_t len)
{
	size_t i = 0;

	while (i < len) {
		if (text[i] == '"') {
			i = skip_string(text, len, i);
		} else if (text[i] == '-' || (text[i] >= '0' && text[i] <= '9')) {
			size_t start = i;

			while (i < len && strchr("0123456789+-.eE", text[i]))
				i++;
			/* At least 19 digits, so two can become an exponent. */
			if (integer_overflows(text + start, i - start))
				memcpy(text + i - 2, "e2", 2);
		} else {
			i++;
		}
	}
}
