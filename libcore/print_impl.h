/* SPDX-License-Identifier: MIT */
/*
 * Private to the renderers (print_text.c, print_json.c): inline appenders
 * that write straight into an sbuf when it has room -- it almost always
 * has, being reused from frame to frame -- and fall back to the sbuf
 * functions to grow it.  Rendering millions of frames is mostly this.
 *
 * Layer: libcore, header only; uses sbuf, cursor.h and libc.
 */
#ifndef GENV_PRINT_IMPL_H
#define GENV_PRINT_IMPL_H

#include <stdint.h>
#include <string.h>
#include "cursor.h"
#include "print.h"
#include "sbuf.h"

static inline void w_add(struct sbuf *sb, const char *s, size_t n)
{
	if (sb->len + n < sb->cap) {
		memcpy(sb->buf + sb->len, s, n);
		sb->len += n;
		sb->buf[sb->len] = 0;
	} else {
		sbuf_add(sb, s, n);
	}
}

static inline void w_putc(struct sbuf *sb, char c)
{
	if (sb->len + 1 < sb->cap) {
		sb->buf[sb->len++] = c;
		sb->buf[sb->len] = 0;
	} else {
		sbuf_putc(sb, c);
	}
}

static inline void w_puts(struct sbuf *sb, const char *s)
{
	w_add(sb, s, strlen(s));
}

static inline void w_u64(struct sbuf *sb, uint64_t v)
{
	char t[20];
	size_t i = sizeof(t);

	if (v < 10 && sb->len + 1 < sb->cap) {	/* flags, versions, zeros */
		sb->buf[sb->len++] = (char)('0' + v);
		sb->buf[sb->len] = 0;
		return;
	}
	if (sb->len + sizeof(t) < sb->cap) {
		/* digits straight into the buffer, right to left */
		size_t n = 1;
		char *o;

		for (uint64_t x = v; x >= 10; x /= 10)
			n++;
		o = sb->buf + sb->len + n;
		*o = 0;
		do {
			*--o = (char)('0' + v % 10);
			v /= 10;
		} while (v);
		sb->len += n;
		return;
	}
	do {
		t[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	w_add(sb, t + i, sizeof(t) - i);
}

static inline void w_ip4(struct sbuf *sb, const uint8_t a[4])
{
	char t[16];
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
	w_add(sb, t, n);
}


/*
 * The option cache (struct gnv_optcache, print.h).  optcache_find() returns
 * the entry holding the text of the TLV at tlv (size bytes, at most 128),
 * or NULL with *victim the entry to fill: the caller renders the option
 * and hands the text to optcache_store().
 */
static inline struct gnv_optcache_ent *optcache_find(struct gnv_optcache *c, const uint8_t *tlv,
						     uint32_t size, uint16_t cls,
						     struct gnv_optcache_ent **victim)
{
	uint32_t h = gnv_be32(tlv) * 0x9e3779b1u ^ cls;
	struct gnv_optcache_ent *set;

	if (size >= 8)
		h = ((h ^ gnv_be32(tlv + 4)) * 0x85ebca6bu ^ gnv_be32(tlv + size - 4)) * 0xc2b2ae35u;
	set = c->e[(h ^ h >> 16) % GNV_OPTCACHE_SETS];
	for (int w = 0; w < GNV_OPTCACHE_WAYS; w++) {
		struct gnv_optcache_ent *e = &set[w];

		if (e->size == size && e->genv_class == cls && !memcmp(e->tlv, tlv, size)) {
			e->used = ++c->clock;
			return e;
		}
	}
	*victim = set[1].used < set[0].used ? &set[1] : &set[0];
	return NULL;
}

/* Keep text[0..n-1] for the TLV in e; ok false (or too long) empties e. */
static inline void optcache_store(struct gnv_optcache *c, struct gnv_optcache_ent *e,
				  const uint8_t *tlv, uint32_t size, uint16_t cls,
				  const char *text, size_t n, bool ok)
{
	if (!ok || n > sizeof(e->text)) {
		e->size = 0;
		return;
	}
	memcpy(e->text, text, n);
	e->tlen = (uint16_t)n;
	memcpy(e->tlv, tlv, size);
	e->size = (uint8_t)size;
	e->genv_class = cls;
	e->used = ++c->clock;
}

/* Empty: only size and used are read before an entry is filled. */
static inline void optcache_clear(struct gnv_optcache *c)
{
	c->clock = 0;
	for (int s = 0; s < GNV_OPTCACHE_SETS; s++)
		for (int w = 0; w < GNV_OPTCACHE_WAYS; w++)
			c->e[s][w].size = 0, c->e[s][w].used = 0;
}

void gnv_w_ip6(struct sbuf *sb, const uint8_t a[16]);

#endif
