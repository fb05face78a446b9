/* SPDX-License-Identifier: MIT */
/*
 * Super-frame segmentation, partial checksum completion and TCP segment
 * coalescing (see tso.h).
 *
 * Checksums: every segment's TCP/UDP checksum is summed from scratch over
 * its own header and payload.  The payload has to be summed anyway (it is
 * new in every segment) and the headers are at most 60 bytes, so an
 * incremental update from the super-frame's (partial, unfinished)
 * checksum would save nothing; the IPv4 header checksum likewise.  The
 * coalescer does not re-sum payload at all: a merged frame leaves with a
 * partial checksum (NEEDS_CSUM) that the receiving stack trusts or the
 * next segmenter completes.
 *
 * Layer: libcore; calls csum and libc.
 */
#include <errno.h>
#include <string.h>
#include "cursor.h"
#include "csum.h"
#include "tso.h"

#define TCP_FIN	0x01
#define TCP_SYN	0x02
#define TCP_RST	0x04
#define TCP_PSH	0x08
#define TCP_ACK	0x10
#define TCP_URG	0x20
#define TCP_ECE	0x40
#define TCP_CWR	0x80

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

int tso_vnet_get(const uint8_t *p, size_t n, struct tso_vnet *h)
{
	if (n < TSO_VNET_HDR_SIZE)
		return -EINVAL;
	h->flags = p[0];
	h->gso_type = p[1];
	h->hdr_len = le16(p + 2);
	h->gso_size = le16(p + 4);
	h->csum_start = le16(p + 6);
	h->csum_offset = le16(p + 8);
	return 0;
}

void tso_vnet_put(uint8_t *p, const struct tso_vnet *h)
{
	p[0] = h->flags;
	p[1] = h->gso_type;
	put_le16(p + 2, h->hdr_len);
	put_le16(p + 4, h->gso_size);
	put_le16(p + 6, h->csum_start);
	put_le16(p + 8, h->csum_offset);
}

int tso_parse(const uint8_t *f, size_t size, struct tso_info *ti)
{
	size_t l3 = 14, l4, end;
	uint16_t type;
	uint8_t proto;

	if (size < 14)
		return -EINVAL;
	type = gnv_be16(f + 12);
	if (type == 0x8100) {
		if (size < 18)
			return -EINVAL;
		type = gnv_be16(f + 16);
		l3 = 18;
	}
	if (type == 0x0800) {
		size_t ihl, tot;

		if (size < l3 + 20 || f[l3] >> 4 != 4)
			return -EINVAL;
		ihl = (size_t)(f[l3] & 0xf) * 4;
		tot = gnv_be16(f + l3 + 2);
		if (ihl < 20 || tot < ihl || l3 + tot > size)
			return -EINVAL;
		if (gnv_be16(f + l3 + 6) & 0x3fff)
			return -EPROTONOSUPPORT;	/* a fragment */
		proto = f[l3 + 9];
		l4 = l3 + ihl;
		end = l3 + tot;
		ti->family = 4;
	} else if (type == 0x86dd) {
		if (size < l3 + 40 || f[l3] >> 4 != 6)
			return -EINVAL;
		end = l3 + 40 + gnv_be16(f + l3 + 4);
		if (end > size)
			return -EINVAL;
		proto = f[l3 + 6];
		l4 = l3 + 40;
		ti->family = 6;
	} else {
		return -EPROTONOSUPPORT;
	}
	if (proto == 6) {
		size_t doff;

		if (end < l4 + 20)
			return -EINVAL;
		doff = (size_t)(f[l4 + 12] >> 4) * 4;
		if (doff < 20 || l4 + doff > end)
			return -EINVAL;
		ti->payload = (uint16_t)(l4 + doff);
	} else if (proto == 17) {
		if (end < l4 + 8)
			return -EINVAL;
		ti->payload = (uint16_t)(l4 + 8);
	} else {
		return -EPROTONOSUPPORT;
	}
	ti->l3 = (uint16_t)l3;
	ti->l4 = (uint16_t)l4;
	ti->proto = proto;
	ti->size = (uint32_t)end;
	return 0;
}

int tso_csum_complete(uint8_t *f, size_t size, uint16_t csum_start, uint16_t csum_offset)
{
	size_t at = (size_t)csum_start + csum_offset;
	uint16_t v;

	if (csum_start >= size || at + 2 > size)
		return -EINVAL;
	v = csum_fold(csum_partial(f + csum_start, size - csum_start, 0));
	/* 0 and 0xffff are the same sum; UDP reserves 0 for "none" */
	gnv_put16(f + at, v ? v : 0xffff);
	return 0;
}

static uint32_t l4_pseudo(const uint8_t *f, const struct tso_info *ti, uint32_t len)
{
	if (ti->family == 4)
		return csum_pseudo4(f + ti->l3 + 12, f + ti->l3 + 16, ti->proto, len);
	return csum_pseudo6(f + ti->l3 + 8, f + ti->l3 + 24, ti->proto, len);
}

static size_t l4_check_at(const struct tso_info *ti)
{
	return ti->l4 + (ti->proto == 6 ? 16u : 6u);
}

static void ip4_check_fill(uint8_t *f, const struct tso_info *ti)
{
	size_t ihl = (size_t)ti->l4 - ti->l3;

	gnv_put16(f + ti->l3 + 10, 0);
	gnv_put16(f + ti->l3 + 10, csum_fold(csum_partial(f + ti->l3, ihl, 0)));
}

void tso_csum_fill(uint8_t *f, const struct tso_info *ti)
{
	uint32_t len = ti->size - ti->l4;
	uint16_t v;

	if (ti->family == 4)
		ip4_check_fill(f, ti);
	gnv_put16(f + l4_check_at(ti), 0);
	v = csum_fold(csum_partial(f + ti->l4, len, l4_pseudo(f, ti, len)));
	gnv_put16(f + l4_check_at(ti), v ? v : 0xffff);
}

/* Does the frame's L4 checksum (and IPv4 header checksum) verify? */
static bool csum_ok(const uint8_t *f, const struct tso_info *ti)
{
	uint32_t len = ti->size - ti->l4;

	if (ti->family == 4 && csum_fold(csum_partial(f + ti->l3, (size_t)ti->l4 - ti->l3, 0)))
		return false;
	return csum_fold(csum_partial(f + ti->l4, len, l4_pseudo(f, ti, len))) == 0;
}

int tso_gso_proto(const struct tso_vnet *h)
{
	switch (h->gso_type & ~TSO_GSO_ECN) {
	case TSO_GSO_NONE:
		return 0;
	case TSO_GSO_TCPV4:
	case TSO_GSO_TCPV6:
		return 6;
	case TSO_GSO_UDP_L4:
		return 17;
	default:
		return -EPROTONOSUPPORT;
	}
}

/* ---- segmenter ---- */

int tso_seg_init(struct tso_seg *s, const uint8_t *f, size_t size, uint32_t mss, uint8_t proto)
{
	uint32_t plen;
	int ret;

	memset(s, 0, sizeof(*s));
	if (!mss || mss > 65535)
		return -EINVAL;
	ret = tso_parse(f, size, &s->ti);
	if (ret)
		return ret;
	if (proto && proto != s->ti.proto)
		return -EINVAL;
	if ((size_t)s->ti.payload - s->ti.l3 + mss > 65535)
		mss = 65535 - (uint32_t)(s->ti.payload - s->ti.l3);
	plen = s->ti.size - s->ti.payload;
	s->f = f;
	s->mss = mss;
	s->count = plen ? (plen + mss - 1) / mss : 1;
	if (s->ti.proto == 6)
		s->seq = gnv_be32(f + s->ti.l4 + 4);
	if (s->ti.family == 4)
		s->ip_id = gnv_be16(f + s->ti.l3 + 4);
	return 0;
}

size_t tso_seg_max_size(const struct tso_seg *s)
{
	uint32_t plen = s->ti.size - s->ti.payload;

	return (size_t)s->ti.payload + (plen < s->mss ? plen : s->mss);
}

int tso_seg_next(struct tso_seg *s, uint8_t *buf, size_t cap)
{
	const struct tso_info *ti = &s->ti;
	uint32_t plen = ti->size - ti->payload, chunk;
	struct tso_info sti;
	size_t n;

	if (s->index >= s->count)
		return 0;
	chunk = plen - s->off < s->mss ? plen - s->off : s->mss;
	n = (size_t)ti->payload + chunk;
	if (cap < n)
		return -ENOSPC;
	memcpy(buf, s->f, ti->payload);
	memcpy(buf + ti->payload, s->f + ti->payload + s->off, chunk);
	if (ti->family == 4) {
		gnv_put16(buf + ti->l3 + 2, (uint16_t)(n - ti->l3));
		gnv_put16(buf + ti->l3 + 4, (uint16_t)(s->ip_id + s->index));
	} else {
		gnv_put16(buf + ti->l3 + 4, (uint16_t)(n - ti->l3 - 40));
	}
	if (ti->proto == 6) {
		uint8_t *fl = buf + ti->l4 + 13;

		gnv_put32(buf + ti->l4 + 4, s->seq + s->off);
		if (s->index + 1u < s->count)
			*fl &= (uint8_t)~(TCP_FIN | TCP_PSH);
		if (s->index)
			*fl &= (uint8_t)~TCP_CWR;
	} else {
		gnv_put16(buf + ti->l4 + 4, (uint16_t)(n - ti->l4));
	}
	sti = *ti;
	sti.size = (uint32_t)n;
	tso_csum_fill(buf, &sti);
	s->off += chunk;
	s->index++;
	return (int)n;
}

/* ---- coalescer ---- */

void tso_coal_init(struct tso_coal *c, uint8_t *const *bufs, unsigned int nbuf, size_t cap,
		   bool verify)
{
	memset(c, 0, sizeof(*c));
	if (nbuf > TSO_COAL_OPEN * 2)
		nbuf = TSO_COAL_OPEN * 2;
	c->bufs = bufs;
	c->nbuf = nbuf;
	c->cap = cap;
	c->verify = verify;
	tso_coal_reset(c);
}

void tso_coal_reset(struct tso_coal *c)
{
	c->n = 0;
	c->nopen = 0;
	c->nfree = c->nbuf;
	for (unsigned int i = 0; i < c->nbuf; i++)
		c->free[i] = c->bufs[i];
}

/* Same link header, addresses and ports; the caller checked the offsets. */
static bool same_flow(const uint8_t *a, const uint8_t *b, const struct tso_info *ti)
{
	if (memcmp(a, b, ti->l3))
		return false;
	if (ti->family == 4 && memcmp(a + ti->l3 + 12, b + ti->l3 + 12, 8))
		return false;
	if (ti->family == 6 && memcmp(a + ti->l3 + 8, b + ti->l3 + 8, 32))
		return false;
	return !memcmp(a + ti->l4, b + ti->l4, 4);
}

/* Everything that must be equal for a segment to join: IP fields other
 * than lengths, id and checksum (TOS, TTL, DF, options, flow label), the
 * acknowledgement and the TCP options.  Sequence, window and flags are
 * checked by the caller. */
static bool same_headers(const uint8_t *a, const uint8_t *b, const struct tso_info *ti)
{
	size_t l3 = ti->l3, l4 = ti->l4;

	if (ti->family == 4) {
		if (memcmp(a + l3, b + l3, 2) || memcmp(a + l3 + 6, b + l3 + 6, 4) ||
		    memcmp(a + l3 + 20, b + l3 + 20, l4 - l3 - 20))
			return false;
	} else if (memcmp(a + l3, b + l3, 4) || memcmp(a + l3 + 6, b + l3 + 6, 2)) {
		return false;
	}
	return !memcmp(a + l4 + 8, b + l4 + 8, 5) &&		/* ack, data offset */
	       !memcmp(a + l4 + 20, b + l4 + 20, (size_t)ti->payload - l4 - 20);
}

static void close_ent(struct tso_coal *c, unsigned int slot)
{
	c->ent[c->open_idx[slot]].open = false;
	c->open_idx[slot] = c->open_idx[--c->nopen];
}

/* A TCP segment that may start or continue a merge: data, and no flag
 * that must stay on a segment of its own.  PSH and FIN may end one. */
static bool mergeable(const uint8_t *f, const struct tso_info *ti)
{
	uint8_t fl = f[ti->l4 + 13];

	return ti->proto == 6 && ti->size > ti->payload && (fl & TCP_ACK) &&
	       !(fl & (TCP_SYN | TCP_RST | TCP_URG));
}

static int try_merge(struct tso_coal *c, struct tso_coal_ent *e, const uint8_t *f,
		     const struct tso_info *ti)
{
	const uint8_t *h = e->o.data;
	uint32_t plen = ti->size - ti->payload;
	uint8_t fl = f[ti->l4 + 13], efl = h[ti->l4 + 13];
	uint8_t *b;

	if (gnv_be32(f + ti->l4 + 4) != e->next_seq || plen > e->mss || (fl & TCP_CWR) ||
	    (fl & ~(TCP_PSH | TCP_FIN)) != (efl & ~TCP_CWR) ||
	    e->o.size + plen > c->cap || e->o.size + plen - ti->l3 > 65535 ||
	    !same_headers(h, f, ti))
		return 0;
	if (!e->buf) {
		if (!c->nfree)
			return 0;
		e->buf = c->free[--c->nfree];
		memcpy(e->buf, e->o.data, e->o.size);
		e->o.data = e->buf;
	}
	b = e->buf;
	memcpy(b + e->o.size, f + ti->payload, plen);
	e->o.size += plen;
	e->o.segs++;
	e->next_seq += plen;
	memcpy(b + ti->l4 + 14, f + ti->l4 + 14, 2);		/* the newest window */
	b[ti->l4 + 13] |= fl & (TCP_PSH | TCP_FIN);
	return 1;
}

int tso_coal_add(struct tso_coal *c, uint64_t ctx, const uint8_t *f, size_t size)
{
	struct tso_coal_ent *e;
	struct tso_info ti;
	bool tcp, ok;

	tcp = tso_parse(f, size, &ti) == 0 && ti.proto == 6;
	ok = tcp && mergeable(f, &ti) && (!c->verify || csum_ok(f, &ti));
	if (tcp) {
		/* the flow's open entry: merge, or close it (order) */
		for (unsigned int s = 0; s < c->nopen; s++) {
			e = &c->ent[c->open_idx[s]];
			if (e->o.ctx != ctx || memcmp(&e->ti, &ti, offsetof(struct tso_info, size)) ||
			    !same_flow(e->o.data, f, &ti))
				continue;
			if (ok && try_merge(c, e, f, &ti)) {
				if ((f[ti.l4 + 13] & (TCP_PSH | TCP_FIN)) || ti.size - ti.payload < e->mss)
					close_ent(c, s);
				return 1;
			}
			close_ent(c, s);
			break;
		}
	}
	if (c->n >= TSO_COAL_MAX)
		return -ENOSPC;
	e = &c->ent[c->n];
	memset(e, 0, sizeof(*e));
	e->o.data = f;
	e->o.size = tcp ? ti.size : size;
	e->o.ctx = ctx;
	e->o.segs = 1;
	if (ok && !(f[ti.l4 + 13] & (TCP_PSH | TCP_FIN))) {
		e->ti = ti;
		e->mss = (uint16_t)(ti.size - ti.payload);
		e->next_seq = gnv_be32(f + ti.l4 + 4) + e->mss;
		e->open = true;
		if (c->nopen == TSO_COAL_OPEN) {
			/* the oldest open flow gives way */
			unsigned int old = 0;

			for (unsigned int s = 1; s < c->nopen; s++)
				if (c->open_idx[s] < c->open_idx[old])
					old = s;
			close_ent(c, old);
		}
		c->open_idx[c->nopen++] = (uint8_t)c->n;
	}
	c->n++;
	return 0;
}

int tso_coal_add_raw(struct tso_coal *c, uint64_t ctx, const uint8_t *f, size_t size,
		     const struct tso_vnet *vh)
{
	struct tso_coal_ent *e;

	if (c->n >= TSO_COAL_MAX)
		return -ENOSPC;
	/* nothing queued before it for the port may grow past it */
	for (unsigned int s = c->nopen; s-- > 0;)
		if (c->ent[c->open_idx[s]].o.ctx == ctx)
			close_ent(c, s);
	e = &c->ent[c->n++];
	memset(e, 0, sizeof(*e));
	e->o.data = f;
	e->o.size = size;
	e->o.ctx = ctx;
	e->o.vh = *vh;
	e->o.segs = 1;
	return 0;
}

unsigned int tso_coal_flush(struct tso_coal *c)
{
	while (c->nopen)
		close_ent(c, 0);
	for (unsigned int i = 0; i < c->n; i++) {
		struct tso_coal_ent *e = &c->ent[i];
		struct tso_info *ti = &e->ti;
		uint8_t *b = e->buf;
		uint32_t len;

		if (e->o.segs < 2)
			continue;
		ti->size = (uint32_t)e->o.size;
		if (ti->family == 4) {
			gnv_put16(b + ti->l3 + 2, (uint16_t)(ti->size - ti->l3));
			ip4_check_fill(b, ti);
		} else {
			gnv_put16(b + ti->l3 + 4, (uint16_t)(ti->size - ti->l3 - 40));
		}
		/* partial: the pseudo-header sum, not complemented */
		len = ti->size - ti->l4;
		gnv_put16(b + ti->l4 + 16, (uint16_t)~csum_fold(l4_pseudo(b, ti, len)));
		e->o.vh.flags = TSO_F_NEEDS_CSUM;
		e->o.vh.gso_type = ti->family == 4 ? TSO_GSO_TCPV4 : TSO_GSO_TCPV6;
		if (b[ti->l4 + 13] & TCP_CWR)
			e->o.vh.gso_type |= TSO_GSO_ECN;
		e->o.vh.hdr_len = ti->payload;
		e->o.vh.gso_size = e->mss;
		e->o.vh.csum_start = ti->l4;
		e->o.vh.csum_offset = 16;
	}
	return c->n;
}
