/* SPDX-License-Identifier: MIT */
/*
 * VXLAN (RFC 7348) with the Group Based Policy extension
 * (draft-smith-vxlan-group-policy), and VXLAN-GPE
 * (draft-ietf-nvo3-vxlan-gpe).  Both are 8 bytes after UDP; which one is
 * told by the UDP destination port (4789, 4790), never by the bits.
 *
 *  VXLAN: |G|R|R|R|I|R|R|R|R|D|R|R|A|R|R|R|      Group Policy ID          |
 *         |        VXLAN Network Identifier (VNI)         |   Reserved    |
 *  GPE:   |R|R|Ver|I|P|B|O|          Reserved             | Next Protocol |
 *         |        VXLAN Network Identifier (VNI)         |   Reserved    |
 *
 * Checks: the I flag set; GPE version 0; reserved bits clear (warnings:
 * ignored on receipt); the next protocol known.  The inner frame is
 * Ethernet for VXLAN and by Next Protocol for GPE.
 *
 * Layer: libcore, a layer parser below decode.c; calls pkt_err.c and
 * cursor.h.
 */
#include "layers.h"

#define VX_G	0x80
#define VX_I	0x08
#define GPE_P	0x04
#define GPE_O	0x01

/* GPE Next Protocol -> EtherType of the inner frame, 0 when not decoded. */
uint16_t gnv_gpe_ethertype(uint8_t np)
{
	switch (np) {
	case 1: return 0x0800;
	case 2: return 0x86dd;
	case 3: return 0x6558;
	default: return 0;
	}
}

bool gnv_decode_vxlan(struct gnv_pkt *pk, struct gnv_cur *c, bool gpe)
{
	struct gnv_geneve *g = &pk->gnv;
	struct gnv_tun *t = &pk->tun;
	size_t start = c->off;
	const uint8_t *p;
	bool rsvd;

	t->kind = gpe ? GNV_TUN_GPE : GNV_TUN_VXLAN;
	g->off = (uint32_t)start;
	if (gnv_cur_left(c) < 8) {
		gnv_pkt_error(pk, GNV_E_VX_SHORT, start);
		return false;
	}
	p = gnv_cur_pull(c, 8);
	if (!p) {
		gnv_pkt_error(pk, GNV_E_VX_TRUNC, start);
		return false;
	}
	g->present = true;
	t->hdr_size = 8;
	t->flags = p[0];
	g->vni = gnv_be24(p + 4);
	g->rsvd2 = p[7];
	if (!(p[0] & VX_I))
		gnv_pkt_error(pk, GNV_E_VX_FLAGS, start);
	if (gpe) {
		t->next_proto = p[3];
		g->ver = (p[0] >> 4) & 3;
		g->oam = p[0] & GPE_O;
		g->proto = gnv_gpe_ethertype(p[3]);
		if (g->ver) {
			gnv_pkt_error(pk, GNV_E_VX_VERSION, start);
			return false;
		}
		/* the two top bits and the 16 after the flags; B and P are
		 * flags of their own (P clear: the next protocol is unset) */
		rsvd = (p[0] & 0xc0) || p[1] || p[2] || p[7];
	} else {
		t->gbp = p[0] & VX_G;
		g->proto = 0x6558;
		if (t->gbp) {
			t->gbp_flags = p[1];
			t->gbp_id = gnv_be16(p + 2);
			rsvd = (p[0] & 0x77) || (p[1] & ~0x48) || p[7];
		} else {
			rsvd = (p[0] & 0x77) || p[1] || p[2] || p[3] || p[7];
		}
	}
	if (rsvd)
		gnv_pkt_error(pk, GNV_E_VX_RSVD, start);
	g->inner_off = (uint32_t)c->off;
	return true;
}
