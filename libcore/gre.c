/* SPDX-License-Identifier: MIT */
/*
 * GRE (RFC 2784, key and sequence number from RFC 2890) and NVGRE
 * (RFC 7637), over IPv4 or IPv6 (IP protocol 47).
 *
 *   |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
 *   |      Checksum (optional)      |       Reserved1 (optional)    |
 *   |                         Key (optional)                        |
 *   |                 Sequence Number (optional)                    |
 *
 *   NVGRE: K set, C and S clear, protocol 0x6558 (Ethernet), and the key
 *   is |  Virtual Subnet ID (VSID)  (24 bits)     |  FlowID (8)   |
 *
 * Checks: version 0 (1 is PPTP's enhanced GRE: not decoded); R, s and
 * bit 5 clear (RFC 2784 says discard); the other reserved bits and
 * Reserved1 clear (warnings); the checksum over header and payload when
 * C is set and the packet was captured whole.
 *
 * Layer: libcore, a layer parser below decode.c; calls csum, pkt_err.c
 * and cursor.h.
 */
#include "csum.h"
#include "layers.h"

#define GRE_C		0x8000
#define GRE_R		0x4000
#define GRE_K		0x2000
#define GRE_S		0x1000
#define GRE_DISCARD	0x4c00	/* R, s, Recur bit 5: RFC 2784 bits 1, 4, 5 */
#define GRE_RSVD	0x03f8	/* bits 6-12: ignored on receipt */
#define GRE_VER		0x0007

bool gnv_decode_gre(struct gnv_pkt *pk, struct gnv_cur *c, const struct gnv_decode_cfg *cfg)
{
	struct gnv_geneve *g = &pk->gnv;
	struct gnv_tun *t = &pk->tun;
	size_t start = c->off, left = gnv_cur_left(c), hdr = 4;
	const uint8_t *p;
	uint16_t fl;

	t->kind = GNV_TUN_GRE;
	g->off = (uint32_t)start;
	p = gnv_cur_pull(c, 4);
	if (!p) {
		gnv_pkt_trunc(pk, c, 4, GNV_E_GRE_TRUNC, start);
		return false;
	}
	fl = gnv_be16(p);
	t->gre_flags = fl;
	g->proto = gnv_be16(p + 2);
	g->ver = fl & GRE_VER;
	if (g->ver) {
		gnv_pkt_error(pk, GNV_E_GRE_VERSION, start);
		return false;
	}
	if (fl & GRE_DISCARD) {
		gnv_pkt_error(pk, GNV_E_GRE_FLAGS, start);
		return false;
	}
	hdr = gnv_gre_hdr_size(fl);
	p = gnv_cur_pull(c, hdr - 4);
	if (!p) {
		gnv_pkt_trunc(pk, c, hdr - 4, GNV_E_GRE_TRUNC, start);
		return false;
	}
	g->present = true;
	t->hdr_size = (uint8_t)hdr;
	if (fl & GRE_C) {
		t->gre_csum = gnv_be16(p);
		if (cfg->no_csum || start + left > c->cap) {
			t->gre_csum_state = GNV_CSUM_UNVERIFIED;
		} else {
			t->gre_csum_state = csum_fold(csum_partial(c->base + start, left, 0)) ?
					    GNV_CSUM_BAD : GNV_CSUM_OK;
			if (t->gre_csum_state == GNV_CSUM_BAD)
				gnv_pkt_error(pk, GNV_E_GRE_CSUM, start + 4);
		}
		if (gnv_be16(p + 2))
			gnv_pkt_error(pk, GNV_E_GRE_RSVD, start + 6);
		p += 4;
	}
	if (fl & GRE_K) {
		t->key = gnv_be32(p);
		p += 4;
	}
	if (fl & GRE_S)
		t->seq = gnv_be32(p);
	if (fl & GRE_RSVD)
		gnv_pkt_error(pk, GNV_E_GRE_RSVD, start);
	if ((fl & (GRE_C | GRE_K | GRE_S)) == GRE_K && g->proto == 0x6558) {
		t->kind = GNV_TUN_NVGRE;
		g->vni = t->key >> 8;
	}
	g->inner_off = (uint32_t)c->off;
	return true;
}
