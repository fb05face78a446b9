/* SPDX-License-Identifier: MIT */
/*
 * Messages for people: error formatting and "did you mean" (see msg.h).
 * Layer: libcore; calls only libc.
 */
#include <stdio.h>
#include <string.h>
#include "msg.h"

int gnv_verrf(char *err, size_t errsz, int ret, const char *fmt, va_list ap)
{
	if (err && errsz)
		vsnprintf(err, errsz, fmt, ap);
	return ret;
}

int gnv_errf(char *err, size_t errsz, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	gnv_verrf(err, errsz, ret, fmt, ap);
	va_end(ap);
	return ret;
}

size_t gnv_edit_distance(const char *a, size_t la, const char *b, size_t lb)
{
	size_t prev[GNV_EDIT_MAXLEN + 1], cur[GNV_EDIT_MAXLEN + 1];

	if (la >= GNV_EDIT_MAXLEN || lb >= GNV_EDIT_MAXLEN)
		return GNV_EDIT_FAR;
	for (size_t j = 0; j <= lb; j++)
		prev[j] = j;
	for (size_t i = 1; i <= la; i++) {
		cur[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t sub = prev[j - 1] + (a[i - 1] != b[j - 1]);
			size_t del = prev[j] + 1, ins = cur[j - 1] + 1;

			cur[j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
		}
		memcpy(prev, cur, (lb + 1) * sizeof(size_t));
	}
	return prev[lb];
}

const char *gnv_closest(const char *w, size_t n, const char *const *names, size_t count,
			size_t maxd)
{
	const char *best = NULL;
	size_t bestd = maxd;

	for (size_t i = 0; i < count; i++) {
		size_t d = gnv_edit_distance(w, n, names[i], strlen(names[i]));

		if (d < bestd) {
			bestd = d;
			best = names[i];
		}
	}
	return best;
}

long gnv_ctl_byte(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (((unsigned char)s[i] < 0x20 && s[i] != '\t') || s[i] == 0x7f)
			return (long)i;
	return -1;
}
