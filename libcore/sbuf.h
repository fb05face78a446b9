/* SPDX-License-Identifier: MIT */
/*
 * A growable string buffer for renderers.  It grows (rarely) and is then
 * reused, so steady-state rendering does not allocate per packet.  On
 * allocation failure it stays truncated and sets 'oom'.
 *
 * Layer: libcore; sbuf.c calls only libc.
 */
#ifndef GENV_SBUF_H
#define GENV_SBUF_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct sbuf {
	char *buf;
	size_t len;
	size_t cap;
	bool oom;
};

#define SBUF_INIT { 0 }

void sbuf_free(struct sbuf *sb);
static inline void sbuf_reset(struct sbuf *sb) { sb->len = 0; if (sb->buf) sb->buf[0] = 0; }
void sbuf_add_slow(struct sbuf *sb, const char *s, size_t n);
/* Append n bytes (inline when they fit: the buffer is reused, so they
 * almost always do). */
static inline void sbuf_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n < sb->cap && !sb->oom) {
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): cap > 0 only with a buffer */
		memcpy(sb->buf + sb->len, s, n);
		sb->len += n;
		sb->buf[sb->len] = 0;
		return;
	}
	sbuf_add_slow(sb, s, n);
}
static inline void sbuf_puts(struct sbuf *sb, const char *s)
{
	sbuf_add(sb, s, strlen(s));
}
void sbuf_putc_slow(struct sbuf *sb, char c);
static inline void sbuf_putc(struct sbuf *sb, char c)
{
	if (sb->len + 2 <= sb->cap) {	/* room for c and the NUL */
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = 0;
		return;
	}
	sbuf_putc_slow(sb, c);
}
void sbuf_printf(struct sbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void sbuf_vprintf(struct sbuf *sb, const char *fmt, va_list ap);
void sbuf_u64(struct sbuf *sb, uint64_t v);	/* fast decimal */
void sbuf_hex(struct sbuf *sb, const uint8_t *p, size_t n); /* lowercase, no separators */
void sbuf_mac(struct sbuf *sb, const uint8_t mac[6]);
void sbuf_ip4(struct sbuf *sb, const uint8_t a[4]);
void sbuf_ip6(struct sbuf *sb, const uint8_t a[16]);	/* RFC 5952 */
/* The text of sbuf_ip6 into t (48 bytes or more, not terminated); its length. */
size_t sbuf_fmt_ip6(char *t, const uint8_t a[16]);
/* Printable text: control bytes and non-ASCII shown as \xNN. */
void sbuf_escaped(struct sbuf *sb, const char *s);
static inline const char *sbuf_str(struct sbuf *sb) { return sb->buf ? sb->buf : ""; }

#endif
