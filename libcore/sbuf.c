/* SPDX-License-Identifier: MIT */
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

void sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	if (!sbuf_grow(sb, n))
		return;
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = 0;
}

void sbuf_puts(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
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
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n < 0 || !sbuf_grow(sb, (size_t)n))
		return;
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	sbuf_vprintf(sb, fmt, ap);
	va_end(ap);
}

void sbuf_u64(struct sbuf *sb, uint64_t v)
{
	char tmp[20];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	sbuf_add(sb, tmp + i, sizeof(tmp) - i);
}

static const char hexdig[] = "0123456789abcdef";

void sbuf_hex(struct sbuf *sb, const uint8_t *p, size_t n)
{
	if (!sbuf_grow(sb, 2 * n))
		return;
	for (size_t i = 0; i < n; i++) {
		sb->buf[sb->len++] = hexdig[p[i] >> 4];
		sb->buf[sb->len++] = hexdig[p[i] & 15];
	}
	sb->buf[sb->len] = 0;
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
	for (int i = 0; i < 4; i++) {
		if (i)
			sbuf_putc(sb, '.');
		sbuf_u64(sb, a[i]);
	}
}

void sbuf_ip6(struct sbuf *sb, const uint8_t a[16])
{
	uint16_t w[8];
	int best = -1, bestlen = 0;

	for (int i = 0; i < 8; i++)
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
	/* RFC 5952: longest run (>= 2) of zero words becomes "::", first wins */
	for (int i = 0; i < 8;) {
		int j = i;

		while (j < 8 && !w[j])
			j++;
		if (j - i > bestlen && j - i >= 2) {
			best = i;
			bestlen = j - i;
		}
		i = j > i ? j : i + 1;
	}
	if (best == 0 && bestlen == 5 && w[5] == 0xffff) {	/* ::ffff:a.b.c.d */
		sbuf_puts(sb, "::ffff:");
		sbuf_ip4(sb, a + 12);
		return;
	}
	for (int i = 0; i < 8; i++) {
		if (i == best) {
			sbuf_puts(sb, "::");
			i += bestlen - 1;
			continue;
		}
		if (i && i != best + bestlen)
			sbuf_putc(sb, ':');
		sbuf_printf(sb, "%x", w[i]);
	}
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
