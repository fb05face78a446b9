/* SPDX-License-Identifier: MIT */
/*
 * Messages for people: an error formatted into the caller's buffer (the
 * one helper behind every `char *err, size_t errsz` API in genv), and the
 * edit distance behind "did you mean".  Layer: libcore; calls only libc.
 */
#ifndef GENV_MSG_H
#define GENV_MSG_H

#include <stdarg.h>
#include <stddef.h>

/*
 * Format a message into err (errsz bytes; nothing when err is NULL or
 * errsz 0) and return ret, so a caller writes
 *	return gnv_errf(err, errsz, -EINVAL, "'%s' is not a port", s);
 */
int gnv_errf(char *err, size_t errsz, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int gnv_verrf(char *err, size_t errsz, int ret, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* Levenshtein distance between a[0..la-1] and b[0..lb-1]; GNV_EDIT_FAR
 * when either is GNV_EDIT_MAXLEN bytes or longer. */
#define GNV_EDIT_MAXLEN	63
#define GNV_EDIT_FAR	99
size_t gnv_edit_distance(const char *a, size_t la, const char *b, size_t lb);

/* The name closest to w[0..n-1] at a distance below maxd (first wins on
 * ties), or NULL: the "did you mean" candidate. */
const char *gnv_closest(const char *w, size_t n, const char *const *names, size_t count,
			size_t maxd);

/* The offset of the first control byte in n bytes (below 0x20 but tab,
 * or 0x7f), or -1: what a command line may not hold (a NUL would end it
 * early).  The control socket, the file loader and the lexer use it. */
long gnv_ctl_byte(const char *s, size_t n);

#endif
