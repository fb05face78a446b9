/* SPDX-License-Identifier: MIT */
/*
 * The growable string buffer (sbuf.h).  Layer: libcore; calls only libc.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sbuf.h"

static bool sbuf_grow(struct sbuf *sb, size_t need)
{
	size_t cap;
	char *nb;

	if (sb->oom)
		return false;
	if (sb->len + need + 1 <= sb->cap)
		return true;
	cap = sb->cap ? sb->cap : 256;
	while (cap < sb->len + need + 1)
		cap *= 2;
	nb = realloc(sb->buf, cap);
	if (!nb) {
		sb->oom = true;
		return false;
	}
	sb->buf = nb;
	sb->cap = cap;
	return true;
}

void sbuf_free(struct sbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
	sb->oom = false;
}

void sbuf_add_slow(struct sbuf *sb, const char *s, size_t n)
{
	if (!sbuf_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
}

void sbuf_putc_slow(struct sbuf *sb, char c)
{
	if (!sbuf_grow(sb, 1))
		return;
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = 0;
}

void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap)
{
	va_list ap2;
	size_t room;
	int n;

	/* one pass when the text fits in the room left (it almost always
	 * does: the buffer is reused), a second one after growing */
	if (sb->oom)
		return;
	if (sb->cap - sb->len < 64 && !sbuf_grow(sb, 64))
		return;
	room = sb->cap - sb->len;
	va_copy(ap2, ap);
	n = vsnprintf(sb->buf + sb->len, room, fmt, ap2);
	va_end(ap2);
	if (n < 0) {
		sb->buf[sb->len] = 0;
		return;
	}
	if ((size_t)n >= room) {
		sb->buf[sb->len] = 0;
		if (!sbuf_grow(sb, (size_t)n))
			return;
		vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	}
	sb->len += (size_t)n;
}

void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

static const char hexdig[] = "0123456789abcdef";

/* Decimal digits of v into the end of t[20]; returns the first one. */
static char *dec(char *end, uint64_t v)
{
	char *p = end;

	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

void sbuf_u64(struct sbuf *sb, uint64_t v)
{
	char tmp[20], *p = dec(tmp + sizeof(tmp), v);

	sbuf_add(sb, p, (size_t)(tmp + sizeof(tmp) - p));
}

/* "a.b.c.d" into t (at least 16 bytes); returns the length. */
static size_t ip4_text(char *t, const uint8_t a[4])
{
	size_t n = 0;

	for (int i = 0; i < 4; i++) {
		unsigned int v = a[i];

		if (i)
			t[n++] = '.';
		if (v >= 100)
			t[n++] = (char)('0' + v / 100);
		if (v >= 10)
			t[n++] = (char)('0' + v / 10 % 10);
		t[n++] = (char)('0' + v % 10);
	}
	return n;
}

/* The two digits of every byte value. */
static const char hex2[513] =
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f"
	"404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f"
	"606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f"
	"808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f"
	"a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf"
	"c0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedf"
	"e0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";

void sbuf_hex(struct sbuf *sb, const uint8_t *p, size_t n)
{
	char *o;

	if (!sbuf_grow(sb, 2 * n))
		return;
	o = sb->buf + sb->len;
	for (size_t i = 0; i < n; i++, o += 2)
		memcpy(o, hex2 + 2 * p[i], 2);
	*o = 0;
	sb->len += 2 * n;
}

void sbuf_mac(struct sbuf *sb, const uint8_t m[6])
{
	char t[17];

	for (int i = 0; i < 6; i++) {
		t[3 * i] = hexdig[m[i] >> 4];
		t[3 * i + 1] = hexdig[m[i] & 15];
		if (i < 5)
			t[3 * i + 2] = ':';
	}
	sbuf_add(sb, t, sizeof(t));
}

void sbuf_ip4(struct sbuf *sb, const uint8_t a[4])
{
	char t[16];

	sbuf_add(sb, t, ip4_text(t, a));
}

size_t sbuf_fmt_ip6(char *t, const uint8_t a[16])
{
	unsigned int w[8], zero = 0;
	int best = -1, bestlen = 1, run = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		w[i] = (unsigned int)a[2 * i] << 8 | a[2 * i + 1];
		zero |= (unsigned int)!w[i] << i;
	}
	/* RFC 5952: the longest run (>= 2) of zero words becomes "::", the
	 * first of equal runs wins */
	if (zero) {
		for (int i = 0; i < 8; i++) {
			run = zero >> i & 1 ? run + 1 : 0;
			if (run > bestlen) {
				bestlen = run;
				best = i - run + 1;
			}
		}
	}
	if (best < 0)
		bestlen = 0;
	if (best == 0 && bestlen == 5 && w[5] == 0xffff) {	/* ::ffff:a.b.c.d */
		/* NOLINTNEXTLINE(bugprone-not-null-terminated-result): ip4_text terminates it */
		memcpy(t, "::ffff:", 7);
		return 7 + ip4_text(t + 7, a + 12);
	}
	for (int i = 0; i < 8; i++) {
		unsigned int v = w[i];

		if (i == best) {
			t[n++] = ':';
			t[n++] = ':';
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			t[n++] = ':';
		/* %x: no leading zeros */
		if (v >> 12)
			t[n++] = hexdig[v >> 12];
		if (v >> 8)
			t[n++] = hexdig[(v >> 8) & 15];
		if (v >> 4)
			t[n++] = hexdig[(v >> 4) & 15];
		t[n++] = hexdig[v & 15];
	}
	return n;
}

void sbuf_ip6(struct sbuf *sb, const uint8_t a[16])
{
	char t[48];

	sbuf_add(sb, t, sbuf_fmt_ip6(t, a));
}

void sbuf_escaped(struct sbuf *sb, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c >= 0x20 && c < 0x7f) {
			sbuf_putc(sb, (char)c);
		} else {
			char t[4] = { '\\', 'x', hexdig[c >> 4], hexdig[c & 15] };

			sbuf_add(sb, t, 4);
		}
	}
}
