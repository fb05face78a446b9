/* SPDX-License-Identifier: MIT */
/*
 * Geneve base header and option TLVs (RFC 8926 section 3).
 *
 *   0                   1                   2                   3
 *  |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
 *  |        Virtual Network Identifier (VNI)       |    Reserved   |
 *  |                    Variable-Length Options                    |
 *
 *  option: |        Option Class           |C|    Type     |R|R|R| Length  |
 *          |                 Option Data (Length * 4 bytes)                |
 *
 * Checks: version 0; Opt Len within the UDP payload; each option within
 * Opt Len and the options exactly filling it; the C bit set exactly when
 * a critical option is present; reserved bits (warnings: ignored on
 * receipt, but a sender should clear them).
 */
#include "layers.h"
#include "opt_tlv.h"
#include "optreg.h"

bool gnv_decode_geneve(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_geneve *g)
{
	size_t start = c->off, left = gnv_cur_left(c), optsz, base, end;
	struct gnv_opt_iter it;
	struct gnv_tlv t;
	const uint8_t *p;
	bool complete = true;

	g->off = (uint32_t)start;
	if (left < 8) {
		gnv_pkt_error(pk, GNV_E_GNV_SHORT, start);
		return false;
	}
	p = gnv_cur_pull(c, 8);
	if (!p) {
		gnv_pkt_error(pk, GNV_E_GNV_TRUNC, start);
		return false;
	}
	g->present = true;
	g->ver = p[0] >> 6;
	g->opt_size = (uint8_t)((p[0] & 0x3f) * 4);
	g->oam = p[1] & 0x80;
	g->crit = p[1] & 0x40;
	g->rsvd1 = p[1] & 0x3f;
	g->proto = gnv_be16(p + 2);
	g->vni = gnv_be24(p + 4);
	g->rsvd2 = p[7];
	if (g->ver != 0) {
		/* a different version means a different format: stop here */
		gnv_pkt_error(pk, GNV_E_GNV_VERSION, start);
		return false;
	}
	if (g->rsvd1 || g->rsvd2)
		gnv_pkt_error(pk, GNV_E_GNV_RSVD, g->rsvd1 ? start + 1 : start + 7);

	optsz = g->opt_size;
	if (optsz > left - 8) {
		gnv_pkt_error(pk, GNV_E_GNV_OPTLEN, start);
		optsz = left - 8;
		complete = false;
	}
	base = c->off;
	end = base + optsz;
	gnv_opt_iter_init(&it, c->base + base, gnv_cur_avail(c), optsz);
	/* an option whose data is unreadable is still listed (hdr_only) */
	while (gnv_opt_next(&it, &t) || it.hdr_only) {
		struct gnv_opt *o = NULL;

		if (g->nopt < GNV_MAX_OPTS) {
			o = &g->opt[g->nopt++];
			o->cls = t.cls;
			o->type = t.type;
			o->rsvd = t.rsvd;
			o->size = t.size;
			o->off = (uint32_t)(base + t.off);
			if (o->rsvd)
				gnv_pkt_error(pk, GNV_E_GNV_OPT_RSVD, o->off + 3u);
			if (t.critical)
				g->any_critical = true;
		}
		if (it.hdr_only)
			break;
		if (o && gnv_opt_layout_bad(pk, o))
			gnv_pkt_error(pk, GNV_E_GNV_OPT_LAYOUT, o->off);
	}
	if (it.status != GNV_OK) {
		gnv_pkt_error(pk, it.err, base + it.err_off);
		complete = false;
	}
	if (g->any_critical && !g->crit)
		gnv_pkt_error(pk, GNV_E_GNV_CRIT_NO_C, start + 1);
	else if (g->crit && !g->any_critical && complete)
		gnv_pkt_error(pk, GNV_E_GNV_C_NO_CRIT, start + 1);
	c->off = end;
	g->inner_off = (uint32_t)end;
	/* an option overrun leaves the inner frame's start unknown */
	return complete || (pk->status != GNV_INVALID && c->off <= c->cap);
}
