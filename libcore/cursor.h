/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked cursor over untrusted bytes.
 *
 *   0                 off              cap          end
 *   |-----consumed----|----readable-----|--claimed---|
 *
 * 'cap' is how much was captured; 'end' is how far the enclosing header
 * says this layer extends (it may lie beyond the capture, never the other
 * way round).  A read past 'cap' but within 'end' is a truncated capture;
 * a read past 'end' is an invalid packet.  Multi-byte fields are read byte
 * by byte in network order: no struct overlays, no unaligned loads.
 */
#ifndef GENV_CURSOR_H
#define GENV_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include "err.h"

struct gnv_cur {
	const uint8_t *base;	/* start of the frame */
	size_t off;
	size_t cap;
	size_t end;
};

static inline void gnv_cur_init(struct gnv_cur *c, const uint8_t *p,
				size_t caplen, size_t len)
{
	c->base = p;
	c->off = 0;
	c->end = len < caplen ? caplen : len;
	c->cap = caplen;
}

/* Bytes claimed but not yet consumed, and bytes readable now. */
static inline size_t gnv_cur_left(const struct gnv_cur *c)
{
	return c->end - c->off;
}

static inline size_t gnv_cur_avail(const struct gnv_cur *c)
{
	size_t lim = c->cap < c->end ? c->cap : c->end;
	return lim > c->off ? lim - c->off : 0;
}

/* GNV_OK when n bytes can be read, else why not. */
static inline enum gnv_status gnv_cur_check(const struct gnv_cur *c, size_t n)
{
	if (n > gnv_cur_left(c))
		return GNV_INVALID;
	if (n > gnv_cur_avail(c))
		return GNV_TRUNCATED;
	return GNV_OK;
}

/* Return a pointer to n readable bytes and advance, or NULL (nothing moves). */
static inline const uint8_t *gnv_cur_pull(struct gnv_cur *c, size_t n)
{
	const uint8_t *p;

	if (gnv_cur_check(c, n) != GNV_OK)
		return NULL;
	p = c->base + c->off;
	c->off += n;
	return p;
}

/* Narrow the claimed end to n bytes from here; n must not exceed left. */
static inline void gnv_cur_limit(struct gnv_cur *c, size_t n)
{
	if (n < gnv_cur_left(c))
		c->end = c->off + n;
}

static inline const uint8_t *gnv_cur_ptr(const struct gnv_cur *c)
{
	return c->base + c->off;
}

static inline uint16_t gnv_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint32_t gnv_be24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static inline uint32_t gnv_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline void gnv_put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void gnv_put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static inline void gnv_put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* n (0..8) bytes big-endian, for fields of any width up to 64 bits. */
static inline uint64_t gnv_get_be(const uint8_t *p, unsigned int n)
{
	uint64_t v = 0;

	for (unsigned int i = 0; i < n; i++)
		v = v << 8 | p[i];
	return v;
}

static inline void gnv_put_be(uint8_t *p, unsigned int n, uint64_t v)
{
	for (unsigned int i = n; i-- > 0; v >>= 8)
		p[i] = (uint8_t)v;
}

#endif
