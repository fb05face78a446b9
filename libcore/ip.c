/* SPDX-License-Identifier: MIT */
/*
 * IPv4 (RFC 791) and IPv6 (RFC 8200) headers.
 *
 *  IPv4: |ver|ihl| tos | total length | id | flags|frag off | ttl | proto |
 *        | header checksum | src | dst | options (ihl*4 - 20) |
 *  IPv6: |ver| tc | flow label | payload length | next hdr | hop limit |
 *        | src (16) | dst (16) | extension headers ... |
 *
 * Lengths: the header's claim is checked against the bytes the enclosing
 * layer claims (invalid when it overruns) and apart from what was captured
 * (truncated).  Length 0 means a GSO / BIG TCP super-packet captured before
 * segmentation (IPv6: RFC 2675 jumbo option, or none at all as Linux BIG
 * TCP does); its length is then taken from the frame, with a warning.
 *
 * Layer: libcore, a layer parser below decode.c; calls csum, pkt_err.c,
 * cursor.h and libc.
 */
#include <string.h>
#include "csum.h"
#include "layers.h"

static void ip4_options(struct gnv_pkt *pk, const uint8_t *p, size_t n, size_t off)
{
	size_t i = 0;

	while (i < n) {
		uint8_t t = p[i];

		if (t == 0)		/* end of option list */
			return;
		if (t == 1) {		/* no-op */
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n) {
			gnv_pkt_error(pk, GNV_E_IP4_OPTIONS, off + i);
			return;
		}
		i += p[i + 1];
	}
}

bool gnv_decode_ip4(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_ip *ip,
		    const struct gnv_decode_cfg *cfg)
{
	size_t start = c->off, left = gnv_cur_left(c);
	const uint8_t *p;
	unsigned int hl, tot;
	uint16_t fo;

	ip->off = (uint32_t)start;
	if (gnv_cur_check(c, 1) == GNV_OK && (gnv_cur_ptr(c)[0] >> 4) != 4) {
		ip->version = gnv_cur_ptr(c)[0] >> 4;
		gnv_pkt_error(pk, GNV_E_IP_VERSION, start);
		return false;
	}
	p = gnv_cur_pull(c, 20);
	if (!p) {
		gnv_pkt_trunc(pk, c, 20, GNV_E_IP4_TRUNC, start);
		return false;
	}
	ip->version = 4;
	hl = (p[0] & 15) * 4u;
	ip->tos = p[1];
	tot = gnv_be16(p + 2);
	ip->id = gnv_be16(p + 4);
	fo = gnv_be16(p + 6);
	ip->df = fo & 0x4000;
	ip->mf = fo & 0x2000;
	ip->frag_off = fo & 0x1fff;
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->hcsum = gnv_be16(p + 10);
	ip->src.family = ip->dst.family = 4;
	memcpy(ip->src.a, p + 12, 4);
	memcpy(ip->dst.a, p + 16, 4);
	ip->hdr_size = (uint16_t)hl;
	if (hl < 20) {
		gnv_pkt_error(pk, GNV_E_IP4_IHL, start);
		return false;
	}
	if (tot == 0) {
		ip->len_from_frame = true;
		tot = (unsigned int)(left > 0xffffffu ? 0xffffffu : left);
		gnv_pkt_error(pk, GNV_E_IP4_LEN_ZERO, start + 2);
	}
	ip->tot_len = tot;
	if (tot < hl) {
		gnv_pkt_error(pk, GNV_E_IP4_TOTLEN, start + 2);
		return false;
	}
	if (tot > left) {
		gnv_pkt_error(pk, GNV_E_IP4_OVERRUN, start + 2);
		tot = (unsigned int)left;	/* decode what there is */
	}
	if (hl > 20) {
		p = gnv_cur_pull(c, hl - 20);
		if (!p) {
			gnv_pkt_error(pk, gnv_cur_check(c, hl - 20) == GNV_INVALID ?
				      GNV_E_IP4_IHL : GNV_E_IP4_TRUNC, start);
			return false;
		}
		ip4_options(pk, p, hl - 20, start + 20);
	}
	if (!cfg->no_csum) {
		uint16_t s = csum_fold(csum_partial(c->base + start, hl, 0));

		ip->hcsum_state = s == 0 ? GNV_CSUM_OK : GNV_CSUM_BAD;
		if (s)
			gnv_pkt_error(pk, GNV_E_IP4_CSUM, start + 10);
	} else {
		ip->hcsum_state = GNV_CSUM_UNVERIFIED;
	}
	gnv_cur_limit(c, tot - hl);
	if (ip->mf || ip->frag_off) {
		ip->fragment = true;
		gnv_pkt_error(pk, GNV_E_IP_FRAGMENT, start + 6);
		if (ip->frag_off)
			return false;
	}
	return true;
}

static bool is_ext(uint8_t nh)
{
	switch (nh) {
	case 0: case 43: case 44: case 51: case 60: case 135: case 139: case 140:
		return true;
	}
	return false;
}

/* Hop-by-hop options: find a jumbo payload length (RFC 2675). */
static void ip6_hbh(struct gnv_pkt *pk, struct gnv_ip *ip, const uint8_t *p,
		    size_t n, size_t off)
{
	size_t i = 2;

	while (i < n) {
		if (p[i] == 0) {	/* Pad1 */
			i++;
			continue;
		}
		if (i + 1 >= n || i + 2 + p[i + 1] > n) {
			gnv_pkt_error(pk, GNV_E_IP6_EXT, off + i);
			return;
		}
		if (p[i] == 0xc2 && p[i + 1] == 4)
			ip->jumbo_len = gnv_be32(p + i + 2);
		i += 2u + p[i + 1];
	}
}

bool gnv_decode_ip6(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_ip *ip)
{
	size_t start = c->off, left = gnv_cur_left(c);
	const uint8_t *p;
	uint32_t plen;
	uint8_t nh;

	ip->off = (uint32_t)start;
	if (gnv_cur_check(c, 1) == GNV_OK && (gnv_cur_ptr(c)[0] >> 4) != 6) {
		ip->version = gnv_cur_ptr(c)[0] >> 4;
		gnv_pkt_error(pk, GNV_E_IP_VERSION, start);
		return false;
	}
	p = gnv_cur_pull(c, 40);
	if (!p) {
		gnv_pkt_trunc(pk, c, 40, GNV_E_IP6_TRUNC, start);
		return false;
	}
	ip->version = 6;
	ip->tos = (uint8_t)((p[0] & 15) << 4 | p[1] >> 4);
	ip->flow_label = (uint32_t)(p[1] & 15) << 16 | gnv_be16(p + 2);
	plen = gnv_be16(p + 4);
	nh = p[6];
	ip->ttl = p[7];
	ip->src.family = ip->dst.family = 6;
	memcpy(ip->src.a, p + 8, 16);
	memcpy(ip->dst.a, p + 24, 16);
	ip->hdr_size = 40;

	/* walk extension headers; the payload length check comes after the
	 * hop-by-hop header, which may carry a jumbo length */
	while (is_ext(nh)) {
		size_t eoff = c->off, elen;

		if (ip->n_ext == GNV_MAX_IP6_EXT) {
			gnv_pkt_error(pk, GNV_E_IP6_EXT_DEPTH, eoff);
			return false;
		}
		p = gnv_cur_pull(c, 2);
		if (!p) {
			gnv_pkt_error(pk, gnv_cur_check(c, 2) == GNV_INVALID ?
				      GNV_E_IP6_EXT : GNV_E_IP6_EXT_TRUNC, eoff);
			return false;
		}
		if (nh == 44)
			elen = 8;
		else if (nh == 51)
			elen = (p[1] + 2u) * 4;
		else
			elen = (p[1] + 1u) * 8;
		c->off = eoff;
		p = gnv_cur_pull(c, elen);
		if (!p) {
			gnv_pkt_error(pk, gnv_cur_check(c, elen) == GNV_INVALID ?
				      GNV_E_IP6_EXT : GNV_E_IP6_EXT_TRUNC, eoff);
			return false;
		}
		if (nh == 0 && ip->n_ext == 0)
			ip6_hbh(pk, ip, p, elen, eoff);
		if (nh == 44) {
			uint16_t fo = gnv_be16(p + 2);

			ip->frag_off = fo >> 3;
			ip->mf = fo & 1;
			ip->id = (uint16_t)gnv_be32(p + 4);
			ip->fragment = true;
		}
		ip->ext[ip->n_ext++] = nh;
		ip->hdr_size = (uint16_t)(ip->hdr_size + elen);
		nh = p[0];
	}
	ip->proto = nh;

	if (plen == 0) {
		if (ip->jumbo_len)
			plen = ip->jumbo_len;
		else {
			ip->len_from_frame = true;
			gnv_pkt_error(pk, GNV_E_IP6_LEN_ZERO, start + 4);
			plen = (uint32_t)(left - 40);
		}
	}
	ip->tot_len = plen + 40;
	if ((size_t)plen + 40 < ip->hdr_size) {	/* a jumbo length may wrap 32 bits */
		gnv_pkt_error(pk, GNV_E_IP6_EXT, start + 4);
		return false;
	}
	if ((size_t)plen + 40 > left) {
		gnv_pkt_error(pk, GNV_E_IP6_OVERRUN, start + 4);
		plen = (uint32_t)(left - 40);
	}
	gnv_cur_limit(c, plen + 40 - ip->hdr_size);
	if (ip->fragment) {
		gnv_pkt_error(pk, GNV_E_IP_FRAGMENT, start);
		if (ip->frag_off)
			return false;
	}
	return nh != 59;	/* no next header */
}
