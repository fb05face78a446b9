/* SPDX-License-Identifier: MIT */
/*
 * UDP (RFC 768), TCP (RFC 9293), ICMP (RFC 792), ICMPv6 (RFC 4443).
 *
 *  UDP: | sport | dport | length | checksum |
 *  TCP: | sport | dport | seq | ack | off/flags | window | csum | urg |
 *  ICMP: | type | code | checksum | (echo: id | seq) |
 *
 * Checksums are verified when the whole segment was captured and is not a
 * fragment.  A checksum equal to the pseudo-header sum alone is "partial":
 * the packet was captured on the sending host before checksum offload.
 *
 * Layer: libcore, a layer parser below decode.c; calls csum, pkt_err.c
 * and cursor.h.
 */
#include "csum.h"
#include "layers.h"

static uint32_t pseudo(const struct gnv_ip *ip, uint8_t proto, uint32_t len)
{
	if (ip->version == 4)
		return csum_pseudo4(ip->src.a, ip->dst.a, proto, len);
	return csum_pseudo6(ip->src.a, ip->dst.a, proto, len);
}

/* Verify the checksum of [start, start+len); returns the state. */
static enum gnv_csum_state verify(const struct gnv_cur *c, size_t start, size_t len,
				  const struct gnv_ip *ip, uint8_t proto, bool use_pseudo,
				  uint16_t wire, const struct gnv_decode_cfg *cfg)
{
	uint32_t ps = 0;

	if (cfg->no_csum || ip->fragment || start + len > c->cap)
		return GNV_CSUM_UNVERIFIED;
	if (use_pseudo)
		ps = pseudo(ip, proto, (uint32_t)len);
	if (csum_fold(csum_partial(c->base + start, len, ps)) == 0)
		return GNV_CSUM_OK;
	if (use_pseudo) {
		uint16_t partial = (uint16_t)~csum_fold(ps);

		if (wire == partial)
			return GNV_CSUM_PARTIAL;
	}
	return GNV_CSUM_BAD;
}

static bool decode_udp(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_ip *ip,
		       struct gnv_l4 *l4, const struct gnv_decode_cfg *cfg)
{
	size_t start = c->off, left = gnv_cur_left(c), ulen;
	const uint8_t *p = gnv_cur_pull(c, 8);
	bool overrun = false;

	if (!p) {
		gnv_pkt_trunc(pk, c, 8, GNV_E_UDP_TRUNC, start);
		return false;
	}
	l4->sport = gnv_be16(p);
	l4->dport = gnv_be16(p + 2);
	l4->ulen = gnv_be16(p + 4);
	l4->csum = gnv_be16(p + 6);
	ulen = l4->ulen;
	if (ip->len_from_frame && ulen != left) {
		/* GSO super-packet: the UDP length is per segment or wrapped */
		ulen = left;
	} else if (ulen < 8) {
		gnv_pkt_error(pk, GNV_E_UDP_LEN, start + 4);
		return false;
	} else if (ulen > left && ip->fragment) {
		/* first fragment: the datagram goes on in later fragments, so its
		 * payload (Geneve included) cannot be decoded from this one */
		l4->payload_off = (uint32_t)c->off;
		l4->payload_size = (uint32_t)(ulen - 8);
		l4->csum_state = GNV_CSUM_UNVERIFIED;
		return false;
	} else if (ulen > left) {
		gnv_pkt_error(pk, GNV_E_UDP_OVERRUN, start + 4);
		ulen = left;
		overrun = true;
	} else if (ulen < left) {
		gnv_pkt_error(pk, GNV_E_UDP_SHORT, start + 4);
	}
	gnv_cur_limit(c, ulen - 8);
	l4->payload_off = (uint32_t)c->off;
	l4->payload_size = (uint32_t)(ulen - 8);
	if (l4->csum == 0) {
		l4->csum_state = GNV_CSUM_ZERO;
		if (ip->version == 6)
			gnv_pkt_error(pk, GNV_E_UDP6_CSUM_ZERO, start + 6);
	} else if (overrun) {
		l4->csum_state = GNV_CSUM_UNVERIFIED;	/* its length is a lie */
	} else if (ip->len_from_frame) {
		l4->csum_state = verify(c, start, ulen, ip, 17, true, l4->csum, cfg);
		if (l4->csum_state == GNV_CSUM_BAD)	/* partial over the true length */
			l4->csum_state = GNV_CSUM_UNVERIFIED;
		else if (l4->csum_state == GNV_CSUM_PARTIAL)
			gnv_pkt_error(pk, GNV_E_UDP_CSUM_PARTIAL, start + 6);
	} else {
		l4->csum_state = verify(c, start, ulen, ip, 17, true, l4->csum, cfg);
		if (l4->csum_state == GNV_CSUM_BAD)
			gnv_pkt_error(pk, GNV_E_UDP_CSUM, start + 6);
		else if (l4->csum_state == GNV_CSUM_PARTIAL)
			gnv_pkt_error(pk, GNV_E_UDP_CSUM_PARTIAL, start + 6);
	}
	return true;
}

static void decode_tcp(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_ip *ip,
		       struct gnv_l4 *l4, const struct gnv_decode_cfg *cfg)
{
	size_t start = c->off, left = gnv_cur_left(c);
	const uint8_t *p = gnv_cur_pull(c, 20);

	if (!p) {
		gnv_pkt_trunc(pk, c, 20, GNV_E_TCP_TRUNC, start);
		return;
	}
	l4->sport = gnv_be16(p);
	l4->dport = gnv_be16(p + 2);
	l4->seq = gnv_be32(p + 4);
	l4->ack = gnv_be32(p + 8);
	l4->doff = (uint8_t)((p[12] >> 4) * 4);
	l4->flags = (uint16_t)((p[12] & 1) << 8 | p[13]);
	l4->win = gnv_be16(p + 14);
	l4->csum = gnv_be16(p + 16);
	if (l4->doff < 20 || l4->doff > left) {
		gnv_pkt_error(pk, GNV_E_TCP_DOFF, start + 12);
		return;
	}
	if (l4->doff > 20 && !gnv_cur_pull(c, l4->doff - 20u)) {
		gnv_pkt_trunc(pk, c, l4->doff - 20u, GNV_E_TCP_TRUNC, start + 20);
		return;
	}
	l4->payload_off = (uint32_t)c->off;
	l4->payload_size = (uint32_t)(left - l4->doff);
	l4->csum_state = verify(c, start, left, ip, 6, true, l4->csum, cfg);
	if (l4->csum_state == GNV_CSUM_BAD)
		gnv_pkt_error(pk, GNV_E_TCP_CSUM, start + 16);
	else if (l4->csum_state == GNV_CSUM_PARTIAL)
		gnv_pkt_error(pk, GNV_E_TCP_CSUM_PARTIAL, start + 16);
}

static void decode_icmp(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_ip *ip,
			struct gnv_l4 *l4, const struct gnv_decode_cfg *cfg, bool v6)
{
	size_t start = c->off, left = gnv_cur_left(c);
	const uint8_t *p = gnv_cur_pull(c, 4);

	if (!p) {
		gnv_pkt_trunc(pk, c, 4, GNV_E_ICMP_TRUNC, start);
		return;
	}
	l4->type = p[0];
	l4->code = p[1];
	l4->csum = gnv_be16(p + 2);
	/* echo request/reply carry id and sequence */
	if ((!v6 && (l4->type == 0 || l4->type == 8)) ||
	    (v6 && (l4->type == 128 || l4->type == 129))) {
		p = gnv_cur_pull(c, 4);
		if (!p) {
			gnv_pkt_trunc(pk, c, 4, GNV_E_ICMP_TRUNC, start + 4);
			return;
		}
		l4->icmp_id = gnv_be16(p);
		l4->icmp_seq = gnv_be16(p + 2);
	}
	l4->payload_off = (uint32_t)c->off;
	l4->payload_size = (uint32_t)(start + left - c->off);
	l4->csum_state = verify(c, start, left, ip, 58, v6, l4->csum, cfg);
	if (l4->csum_state == GNV_CSUM_PARTIAL)
		l4->csum_state = GNV_CSUM_BAD;
	if (l4->csum_state == GNV_CSUM_BAD)
		gnv_pkt_error(pk, GNV_E_ICMP_CSUM, start + 2);
}

bool gnv_decode_l4(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_ip *ip,
		   struct gnv_l4 *l4, const struct gnv_decode_cfg *cfg)
{
	l4->off = (uint32_t)c->off;
	if (ip->fragment && ip->frag_off)
		return false;
	switch (ip->proto) {
	case 17:
		l4->proto = 17;
		return decode_udp(pk, c, ip, l4, cfg);
	case 6:
		l4->proto = 6;
		decode_tcp(pk, c, ip, l4, cfg);
		return false;
	case 1:
		if (ip->version != 4)
			return false;
		l4->proto = 1;
		decode_icmp(pk, c, ip, l4, cfg, false);
		return false;
	case 58:
		if (ip->version != 6)
			return false;
		l4->proto = 58;
		decode_icmp(pk, c, ip, l4, cfg, true);
		return false;
	}
	return false;
}
