/* SPDX-License-Identifier: MIT */
/*
 * Geneve option TLVs on the wire (RFC 8926 section 3.5): the one walk and
 * the one writer of option bytes in genv.  They work on raw bytes (a
 * packet's option area, or an option blob a router keeps), not on struct
 * gnv_pkt.  Layer: libcore; calls only cursor.h, err.h and libc.
 *
 *   |        Option Class           |C|    Type     |R|R|R| Length  |
 *   |                 Option Data (Length * 4 bytes)                |
 *
 * Reading: gnv_opt_iter_init() over the options, then gnv_opt_next() until
 * it returns false.  Every option it returns lies wholly inside both the
 * captured bytes and the claimed option area.  When it stops early,
 * it->status says why, like the rest of libcore:
 *   GNV_OK         the options ended where they should (clean end)
 *   GNV_TRUNCATED  the capture ends inside an option (GNV_E_GNV_OPT_TRUNC)
 *   GNV_INVALID    an option runs past the claimed area (GNV_E_GNV_OPT_OVERRUN)
 * it->err and it->err_off (bytes from the start of the options) name the
 * problem.  When the header of the bad option was readable (its data was
 * not), it->hdr_only is true and *o holds that header with o->data NULL,
 * so a decoder can still list the option.
 *
 *	struct gnv_opt_iter it;
 *	struct gnv_tlv o;
 *
 *	gnv_opt_iter_init(&it, blob, size, size);
 *	while (gnv_opt_next(&it, &o))
 *		use(o.cls, o.type, o.data, o.size);
 *	if (it.status != GNV_OK)
 *		malformed(it.err, it.err_off);
 *
 * Writing: struct gnv_optbuf over the caller's buffer; gnv_opt_append()
 * adds one option (4-byte header + data padded with zeros to 4 bytes),
 * checking the data size (at most 124 bytes) and the room left, which is
 * never more than Geneve's 252 option bytes (Opt Len is 6 bits of words).
 */
#ifndef GENV_OPT_TLV_H
#define GENV_OPT_TLV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "cursor.h"
#include "err.h"

#define GNV_OPT_HDR_SIZE	4
#define GNV_OPT_DATA_MAX	124	/* 5-bit length field: 31 words */
#define GNV_OPT_SPACE		252	/* 6-bit Opt Len: 63 words */
#define GNV_OPT_CRITICAL	0x80	/* the C bit, the top bit of the type */

/* One option as the iterator sees it. */
struct gnv_tlv {
	uint16_t cls;
	uint8_t type;		/* as on the wire, critical bit included */
	uint8_t rsvd;		/* the 3 reserved bits (should be 0) */
	bool critical;		/* type & GNV_OPT_CRITICAL */
	uint8_t size;		/* data bytes: length field * 4 */
	const uint8_t *data;	/* size bytes; NULL when not readable */
	uint32_t off;		/* offset of the option header in the walked bytes */
};

struct gnv_opt_iter {
	const uint8_t *base;	/* first byte of the options */
	size_t off;		/* next option, from base */
	size_t cap;		/* bytes readable from base */
	size_t end;		/* bytes the options claim (Opt Len * 4) */
	enum gnv_status status;	/* why the walk stopped; GNV_OK so far */
	enum gnv_errcode err;	/* GNV_E_GNV_OPT_TRUNC or _OVERRUN */
	size_t err_off;		/* where, from base */
	bool hdr_only;		/* the bad option's header is in *o */
};

/* Walk 'end' claimed bytes of options at p, of which 'cap' were captured. */
static inline void gnv_opt_iter_init(struct gnv_opt_iter *it, const uint8_t *p,
				     size_t cap, size_t end)
{
	it->base = p;
	it->off = 0;
	it->cap = cap < end ? cap : end;
	it->end = end;
	it->status = GNV_OK;
	it->err = GNV_E_GNV_OPT_OVERRUN;
	it->err_off = 0;
	it->hdr_only = false;
}

static inline bool gnv_opt_stop_(struct gnv_opt_iter *it, enum gnv_status st,
				 enum gnv_errcode code, size_t off)
{
	it->status = st;
	it->err = code;
	it->err_off = off;
	it->off = it->end;
	return false;
}

/*
 * The next option into *o: true when one was read whole.  False at the
 * end of the options or when the walk stopped (see it->status).  Inline:
 * the decoder calls it for every option of every frame.
 */
static inline bool gnv_opt_next(struct gnv_opt_iter *it, struct gnv_tlv *o)
{
	size_t off = it->off, size;
	const uint8_t *p;

	it->hdr_only = false;
	if (off >= it->end)
		return false;
	if (it->end - off < GNV_OPT_HDR_SIZE)
		return gnv_opt_stop_(it, GNV_INVALID, GNV_E_GNV_OPT_OVERRUN, off);
	if (it->cap < off + GNV_OPT_HDR_SIZE)
		return gnv_opt_stop_(it, GNV_TRUNCATED, GNV_E_GNV_OPT_TRUNC, off);
	p = it->base + off;
	o->cls = gnv_be16(p);
	o->type = p[2];
	o->rsvd = p[3] >> 5;
	o->critical = p[2] & GNV_OPT_CRITICAL;
	o->size = (uint8_t)((p[3] & 0x1fu) * 4);
	o->off = (uint32_t)off;
	o->data = NULL;
	size = o->size;
	off += GNV_OPT_HDR_SIZE;
	if (size > it->end - off) {
		it->hdr_only = true;
		return gnv_opt_stop_(it, GNV_INVALID, GNV_E_GNV_OPT_OVERRUN, off - 1);
	}
	if (size > it->cap - off) {
		it->hdr_only = true;
		return gnv_opt_stop_(it, GNV_TRUNCATED, GNV_E_GNV_OPT_TRUNC, off);
	}
	o->data = p + GNV_OPT_HDR_SIZE;
	it->off = off + size;
	return true;
}

/* True when the options at p exactly fill size bytes (a blob to store). */
bool gnv_opt_blob_ok(const uint8_t *p, size_t size);

/* True when any whole option at p (size bytes) has the critical bit;
 * a malformed tail is ignored. */
bool gnv_opt_any_critical(const uint8_t *p, size_t size);

/*
 * Find options of class cls whose type, critical bit aside, is 'type'.
 * Returns how many there are (0: none) with the first in *o (o may be
 * NULL), or -EINVAL when the options do not exactly fill size bytes.
 */
int gnv_opt_find(const uint8_t *p, size_t size, uint16_t cls, uint8_t type,
		 struct gnv_tlv *o);

/* Is o genv's option 'type' (class cls, critical bit aside)? */
static inline bool gnv_opt_is(const struct gnv_tlv *o, uint16_t cls, uint8_t type)
{
	return o->cls == cls && (o->type & 0x7f) == type;
}

/* ---- writing ---- */

struct gnv_optbuf {
	uint8_t *buf;
	size_t size;		/* bytes written */
	size_t cap;		/* room: min(buffer, GNV_OPT_SPACE) */
};

/* Write options into buf (bufsize bytes; more than 252 are not used). */
static inline void gnv_optbuf_init(struct gnv_optbuf *b, uint8_t *buf, size_t bufsize)
{
	b->buf = buf;
	b->size = 0;
	b->cap = bufsize < GNV_OPT_SPACE ? bufsize : GNV_OPT_SPACE;
}

/*
 * Append one option header for dsize data bytes (rounded up to 4) and
 * return its data area, zero-filled, for the caller to fill in.  NULL
 * when dsize > 124 or there is no room (nothing is written).
 */
uint8_t *gnv_opt_reserve(struct gnv_optbuf *b, uint16_t cls, uint8_t type, size_t dsize);

/*
 * Append one option: class, type (critical bit included), dsize bytes of
 * data, zero padding to 4.  0, -EINVAL (dsize > 124) or -ENOSPC.
 */
int gnv_opt_append(struct gnv_optbuf *b, uint16_t cls, uint8_t type,
		   const void *data, size_t dsize);

/* Write one option header at p for size data bytes (a multiple of 4,
 * at most 124): the caller has checked the room. */
static inline void gnv_opt_hdr_write(uint8_t *p, uint16_t cls, uint8_t type, size_t size)
{
	gnv_put16(p, cls);
	p[2] = type;
	p[3] = (uint8_t)(size / 4);
}

#endif
