/* SPDX-License-Identifier: MIT */
/*
 * The pcap file reader (see pcap_file.h): file header, then one record
 * at a time, each length checked against the bytes left before use.
 *
 * Layer: libcore; calls only pkt.h (link types).
 */
#include <errno.h>
#include <string.h>
#include "pcap_file.h"
#include "sbuf.h"
#include "pkt.h"

static const char *const err_code[] = {
	[GNV_PCAP_OK] = "ok",
#define X(e, c, m) [GNV_PCAP_E_##e] = (c),
	GNV_PCAP_ERRORS(X)
#undef X
};

static const char *const err_msg[] = {
	[GNV_PCAP_OK] = "",
#define X(e, c, m) [GNV_PCAP_E_##e] = (m),
	GNV_PCAP_ERRORS(X)
#undef X
};

const char *gnv_pcap_err_code(enum gnv_pcap_err e)
{
	return (unsigned int)e < GNV_PCAP_E__COUNT ? err_code[e] : "?";
}

const char *gnv_pcap_err_msg(enum gnv_pcap_err e)
{
	return (unsigned int)e < GNV_PCAP_E__COUNT ? err_msg[e] : "";
}

/* Callers check that 4 bytes are there. */
static inline uint32_t rd32(const struct gnv_pcap *p, size_t off)
{
	return gnv_pcap_rd32(p, off);
}

static inline uint16_t rd16(const struct gnv_pcap *p, size_t off)
{
	uint16_t v;

	memcpy(&v, p->buf + off, 2);
	return p->swap ? __builtin_bswap16(v) : v;
}

void gnv_pcap_set_err(struct gnv_pcap *p, enum gnv_pcap_err e, size_t off)
{
	if (e < GNV_PCAP_E_REC_SIZE)
		p->err_caplen = 0;
	p->err = e;
	p->err_off = off;
}

static int fail(struct gnv_pcap *p, enum gnv_pcap_err e, size_t off)
{
	gnv_pcap_set_err(p, e, off);
	return -EINVAL;
}

int gnv_pcap_open(struct gnv_pcap *p, const uint8_t *buf, size_t size)
{
	uint32_t magic;

	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->size = size;
	if (size < GNV_PCAP_FILE_HDR)
		return fail(p, GNV_PCAP_E_SHORT, 0);
	memcpy(&magic, buf, 4);
	switch (magic) {
	case 0xa1b2c3d4:
		break;
	case 0xa1b23c4d:
		p->nsec = true;
		break;
	case 0xd4c3b2a1:
		p->swap = true;
		break;
	case 0x4d3cb2a1:
		p->swap = p->nsec = true;
		break;
	default:
		return fail(p, GNV_PCAP_E_MAGIC, 0);
	}
	p->major = rd16(p, 4);
	p->minor = rd16(p, 6);
	p->snaplen = rd32(p, 16);
	/* the top bits of the link type say whether frames carry an FCS */
	p->linktype = rd32(p, 20) & 0x0fffffff;
	p->off = GNV_PCAP_FILE_HDR;
	if (p->major < 2)
		return fail(p, GNV_PCAP_E_VERSION, 4);
	switch (p->linktype) {
	case 1:
		p->link = GNV_LINK_ETH;
		break;
	case 12:	/* DLT_RAW's number on some systems, found in files */
	case 101:
		p->link = GNV_LINK_RAW;
		break;
	case 113:
		p->link = GNV_LINK_SLL;
		break;
	default:
		return fail(p, GNV_PCAP_E_LINKTYPE, 20);
	}
	return 0;
}

bool gnv_pcap_plausible(const struct gnv_pcap *p, size_t off)
{
	uint32_t caplen, len;

	if (off > p->size || p->size - off < GNV_PCAP_REC_HDR)
		return false;
	caplen = rd32(p, off + 8);
	len = rd32(p, off + 12);
	return caplen && caplen <= GNV_PCAP_MAX_CAPLEN && caplen <= len &&
	       len <= GNV_PCAP_MAX_CAPLEN &&
	       rd32(p, off + 4) < (p->nsec ? 1000000000u : 1000000u) &&
	       caplen <= p->size - off - GNV_PCAP_REC_HDR;
}

size_t gnv_pcap_find_record(const struct gnv_pcap *p, size_t from, size_t scan, unsigned int chain)
{
	size_t lim;

	if (from > p->size)
		return SIZE_MAX;
	lim = p->size - from > scan ? from + scan : p->size;
	for (size_t q = from; q < lim; q++) {
		size_t r = q;
		unsigned int k;

		for (k = 0; k < chain && r < p->size && gnv_pcap_plausible(p, r); k++)
			r += GNV_PCAP_REC_HDR + rd32(p, r + 8);
		if (k == chain || r == p->size)
			return q;
	}
	return SIZE_MAX;
}

/* ---- the writer ---- */

static void put32(struct sbuf *sb, uint32_t v)
{
	sbuf_add(sb, (const char *)&v, 4);
}

static void put16(struct sbuf *sb, uint16_t v)
{
	sbuf_add(sb, (const char *)&v, 2);
}

void gnv_pcap_put_header(struct sbuf *sb, uint32_t linktype, uint32_t snaplen)
{
	put32(sb, 0xa1b2c3d4);
	put16(sb, 2);
	put16(sb, 4);
	put32(sb, 0);		/* thiszone */
	put32(sb, 0);		/* sigfigs */
	put32(sb, snaplen);
	put32(sb, linktype);
}

void gnv_pcap_put_record(struct sbuf *sb, uint32_t sec, uint32_t usec,
			 const uint8_t *data, uint32_t caplen, uint32_t len)
{
	put32(sb, sec);
	put32(sb, usec);
	put32(sb, caplen);
	put32(sb, len);
	sbuf_add(sb, (const char *)data, caplen);
}

void gnv_pcapng_put_section(struct sbuf *sb)
{
	put32(sb, 0x0a0d0d0a);	/* section header block */
	put32(sb, 28);
	put32(sb, 0x1a2b3c4d);	/* byte-order magic */
	put16(sb, 1);
	put16(sb, 0);
	put32(sb, 0xffffffff);	/* section length: not given */
	put32(sb, 0xffffffff);
	put32(sb, 28);
}

void gnv_pcapng_put_interface(struct sbuf *sb, uint32_t linktype, uint32_t snaplen)
{
	put32(sb, 1);		/* interface description block */
	put32(sb, 20);
	put16(sb, (uint16_t)linktype);
	put16(sb, 0);
	put32(sb, snaplen);
	put32(sb, 20);
}

void gnv_pcapng_put_packet(struct sbuf *sb, uint32_t ifid, uint64_t sec, uint32_t usec,
			   const uint8_t *data, uint32_t caplen, uint32_t len)
{
	static const char pad[4];
	uint32_t padded = (caplen + 3) & ~3u, blen = 32 + padded;
	uint64_t ts = sec * 1000000u + usec;

	put32(sb, 6);		/* enhanced packet block */
	put32(sb, blen);
	put32(sb, ifid);
	put32(sb, (uint32_t)(ts >> 32));
	put32(sb, (uint32_t)ts);
	put32(sb, caplen);
	put32(sb, len);
	sbuf_add(sb, (const char *)data, caplen);
	sbuf_add(sb, pad, padded - caplen);
	put32(sb, blen);
}
