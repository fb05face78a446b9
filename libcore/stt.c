/* SPDX-License-Identifier: MIT */
/*
 * STT, Stateless Transport Tunneling (draft-davie-stt-08), after TCP on
 * destination port 7471.  STT rides on TSO: one STT frame is sent as one
 * large TCP-like segment that the NIC cuts into MSS-sized segments, all
 * with the same TCP header except the sequence number, so the TCP fields
 * mean (draft section 3.1):
 *   seq:  the STT frame length (high 16 bits), the offset of this
 *         segment in the frame (low 16 bits)
 *   ack:  the frame identifier
 * Only the segment with offset 0 starts with the STT frame header:
 *
 *   | version | flags | L4 offset | reserved |   max segment size  |
 *   | PCP V  VLAN ID  |          context ID (64 bits) ...
 *   ...               | padding (16 bits)  | inner Ethernet frame ...
 *
 * flags: 0x01 checksum verified, 0x02 checksum partial, 0x04 IPv4,
 * 0x08 TCP, 0xf0 reserved.  A later segment (offset not 0) carries the
 * middle of an inner frame and no header: shown as a continuation
 * (stt.continuation), never decoded further.  The first segment of a frame
 * cut in several carries only the start of the inner frame: the inner
 * decoder reports what it cannot see.
 *
 * Checks: the 18 header bytes captured; version 0; a payload after them.
 *
 * Layer: libcore, a layer parser below decode.c; calls pkt_err.c and
 * cursor.h.
 */
#include "layers.h"

bool gnv_decode_stt(struct gnv_pkt *pk, struct gnv_cur *c)
{
	struct gnv_geneve *g = &pk->gnv;
	struct gnv_tun *t = &pk->tun;
	const struct gnv_l4 *l4 = &pk->outer.l4;
	size_t start = c->off;
	const uint8_t *p;

	t->kind = GNV_TUN_STT;
	g->off = (uint32_t)start;
	if (l4->seq & 0xffff) {
		/* a later TSO segment: the middle of an STT frame */
		g->present = true;
		t->stt_cont = true;
		t->hdr_size = 0;
		g->inner_off = (uint32_t)start;
		gnv_pkt_error(pk, GNV_E_STT_CONT, start);
		return false;
	}
	p = gnv_cur_pull(c, GNV_STT_HDR_SIZE);
	if (!p) {
		gnv_pkt_trunc(pk, c, GNV_STT_HDR_SIZE, GNV_E_STT_TRUNC, start);
		return false;
	}
	g->present = true;
	t->hdr_size = GNV_STT_HDR_SIZE;
	g->ver = p[0];
	t->flags = p[1];
	t->stt_l4off = p[2];
	t->stt_rsvd = p[3];
	t->stt_mss = gnv_be16(p + 4);
	t->stt_vlan = gnv_be16(p + 6);
	t->stt_ctx = (uint64_t)gnv_be32(p + 8) << 32 | gnv_be32(p + 12);
	t->stt_pad = gnv_be16(p + 16);
	g->vni = (uint32_t)(t->stt_ctx & 0xffffff);
	g->proto = 0x6558;
	g->inner_off = (uint32_t)c->off;
	if (g->ver) {
		gnv_pkt_error(pk, GNV_E_STT_VERSION, start);
		return false;
	}
	return true;
}
