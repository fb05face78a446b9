/* SPDX-License-Identifier: MIT */
/*
 * GUE, Generic UDP Encapsulation (draft-ietf-intarea-gue-09), after UDP
 * on the GUE port (decode --gue-port; 6080 by default: GUE has no IANA
 * port, Linux's 'ip fou add port N gue' takes any).
 *
 *  variant 0: |0 0|C|  Hlen   |  Proto/ctype  |             Flags             |
 *             |        extension fields (Hlen 32-bit words)  ...           |
 *  variant 1: |0 1|  the first bits of an IPv4 (0100) or IPv6 (0110) header
 *
 * Variant 0 with C clear carries the IP protocol Proto (4 IPv4, 41 IPv6,
 * 143 Ethernet are decoded); with C set it is a control message of type
 * ctype, not decoded further.  Variant 1 is the IP packet itself, no GUE
 * header.  The flags and extension fields are shown, not interpreted.
 *
 * Checks: the variant 0 or 1 (and then IP version 4 or 6); the Hlen words
 * captured; the protocol known; a payload after a data header.
 *
 * Layer: libcore, a layer parser below decode.c; calls pkt_err.c and
 * cursor.h.
 */
#include "layers.h"

#define GUE_C	0x20

/* GUE Proto (an IP protocol number) -> the inner EtherType, 0 if none. */
uint16_t gnv_gue_ethertype(uint8_t proto)
{
	switch (proto) {
	case 4: return 0x0800;
	case 41: return 0x86dd;
	case 143: return 0x6558;	/* Ethernet (IANA protocol 143) */
	default: return 0;
	}
}

bool gnv_decode_gue(struct gnv_pkt *pk, struct gnv_cur *c)
{
	struct gnv_geneve *g = &pk->gnv;
	struct gnv_tun *t = &pk->tun;
	size_t start = c->off, ext;
	const uint8_t *p;

	t->kind = GNV_TUN_GUE;
	g->off = (uint32_t)start;
	if (gnv_cur_check(c, 1) != GNV_OK) {
		gnv_pkt_trunc(pk, c, 1, GNV_E_GUE_TRUNC, start);
		return false;
	}
	p = gnv_cur_ptr(c);
	t->flags = p[0];
	g->ver = p[0] >> 6;
	if (g->ver == 1) {
		/* variant 1: the inner IP header starts here */
		g->present = true;
		t->hdr_size = 0;
		t->next_proto = (p[0] >> 4) == 4 ? 4 : (p[0] >> 4) == 6 ? 41 : 0;
		g->proto = gnv_gue_ethertype(t->next_proto);
		if (!g->proto) {
			gnv_pkt_error(pk, GNV_E_GUE_VERSION, start);
			return false;
		}
		g->inner_off = (uint32_t)start;
		return true;
	}
	if (g->ver) {
		gnv_pkt_error(pk, GNV_E_GUE_VERSION, start);
		return false;
	}
	p = gnv_cur_pull(c, 4);
	if (!p) {
		gnv_pkt_trunc(pk, c, 4, GNV_E_GUE_TRUNC, start);
		return false;
	}
	t->gue_hlen = p[0] & 0x1f;
	t->next_proto = p[1];
	t->gue_flags = gnv_be16(p + 2);
	ext = 4u * t->gue_hlen;
	if (!gnv_cur_pull(c, ext)) {
		gnv_pkt_trunc(pk, c, ext, GNV_E_GUE_TRUNC, start + 4);
		return false;
	}
	g->present = true;
	t->hdr_size = (uint8_t)(4 + ext);
	if (p[0] & GUE_C) {
		/* a control message: nothing to decode after it */
		g->oam = true;
		g->proto = 0;
		g->inner_off = (uint32_t)c->off;
		return false;
	}
	g->proto = gnv_gue_ethertype(p[1]);
	g->inner_off = (uint32_t)c->off;
	return true;
}
