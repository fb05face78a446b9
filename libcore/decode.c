/* SPDX-License-Identifier: MIT */
/*
 * gnv_decode(): walk a frame from the link layer to the inner L4 header.
 *
 *   link (eth [vlan] | raw | sll) -> ip -> udp --dport 6081--> geneve
 *        -> inner (eth -> arp | ip -> l4)  by Geneve protocol type
 *   ... udp --dport 4789 (4790)--> vxlan (gpe) -> inner eth (by next protocol)
 *   ... ip --proto 47--> gre | nvgre -> inner by GRE protocol type
 *   ... udp --dport 6080--> gue -> inner by GUE proto (variant 1: IP)
 *   ... tcp --dport 7471--> stt -> inner eth (first segment only)
 *
 * Geneve is recognised by UDP destination port only (RFC 8926 3.3), never
 * by source port.  Every layer reads through the checked cursor.
 *
 * Layer: libcore, the top of the decoder.  Calls the layer parsers
 * (eth.c, ip.c, l4.c, geneve.c, vxlan.c, gre.c, gue.c, stt.c, through layers.h), pkt_err.c and libc;
 * nothing below calls back up here.
 */
#include <stddef.h>
#include <string.h>
#include "layers.h"
#include "opt_genv.h"

void gnv_decode_cfg_default(struct gnv_decode_cfg *cfg)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->linktype = GNV_LINK_ETH;
	cfg->port = GNV_PORT;
	cfg->genv_class = GENV_CLASS_DEFAULT;
}

void gnv_decode_cfg_tunnels(struct gnv_decode_cfg *cfg)
{
	cfg->vxlan_port = GNV_VXLAN_PORT;
	cfg->gpe_port = GNV_GPE_PORT;
	cfg->gue_port = GNV_GUE_PORT;
	cfg->stt_port = GNV_STT_PORT;
	cfg->gre = true;
}

static bool port_in(const uint64_t *set, uint16_t one, uint16_t port)
{
	return set ? set[port >> 6] >> (port & 63) & 1 : one && port == one;
}

static void decode_inner(struct gnv_pkt *pk, struct gnv_cur *c,
			 const struct gnv_decode_cfg *cfg);

/* From an EtherType on: ARP or IP, then L4.  True when the cursor was left
 * at a UDP payload (the caller may look for Geneve there).  Outer GRE
 * (IP protocol 47) is decoded here, with its inner frame. */
static bool decode_l3(struct gnv_pkt *pk, struct gnv_cur *c, uint16_t type,
		      struct gnv_layers *l, const struct gnv_decode_cfg *cfg)
{
	bool ok;

	switch (type) {
	case 0x0806:
		gnv_decode_arp(pk, c, &l->arp);
		return false;
	case 0x0800:
		ok = gnv_decode_ip4(pk, c, &l->ip, cfg);
		break;
	case 0x86dd:
		ok = gnv_decode_ip6(pk, c, &l->ip);
		break;
	default:
		return false;
	}
	if (!ok)
		return false;
	if (l->ip.proto == 47 && l == &pk->outer && cfg->gre && !l->ip.fragment) {
		pk->is_geneve = true;
		if (gnv_decode_gre(pk, c, cfg) && !cfg->outer_only)
			decode_inner(pk, c, cfg);
		return false;
	}
	return gnv_decode_l4(pk, c, &l->ip, &l->l4, cfg);
}

static void decode_inner(struct gnv_pkt *pk, struct gnv_cur *c,
			 const struct gnv_decode_cfg *cfg)
{
	static const struct { uint8_t empty, proto, proto_off; } codes[] = {
		[GNV_TUN_GENEVE] = { GNV_E_GNV_EMPTY, GNV_E_GNV_PROTO, 2 },
		[GNV_TUN_VXLAN] = { GNV_E_VX_EMPTY, GNV_E_VX_PROTO, 3 },
		[GNV_TUN_GPE] = { GNV_E_VX_EMPTY, GNV_E_VX_PROTO, 3 },
		[GNV_TUN_GRE] = { GNV_E_GRE_EMPTY, GNV_E_GRE_PROTO, 2 },
		[GNV_TUN_NVGRE] = { GNV_E_GRE_EMPTY, GNV_E_GRE_PROTO, 2 },
		[GNV_TUN_GUE] = { GNV_E_GUE_EMPTY, GNV_E_GUE_PROTO, 1 },
		[GNV_TUN_STT] = { GNV_E_STT_EMPTY, GNV_E_STT_EMPTY, 0 },
	};
	struct gnv_layers *in = &pk->inner;
	uint16_t type = pk->gnv.proto;
	uint8_t k = pk->tun.kind;

	if (gnv_cur_left(c) == 0) {
		if (!pk->gnv.oam && (type == 0x6558 || type == 0x0800 || type == 0x86dd))
			gnv_pkt_error(pk, codes[k].empty, c->off);
		return;
	}
	if (type != 0x6558 && type != 0x0800 && type != 0x86dd) {
		gnv_pkt_error(pk, codes[k].proto, pk->gnv.off + codes[k].proto_off);
		return;
	}
	pk->in_inner = true;
	if (type == 0x6558) {
		if (!gnv_decode_eth(pk, c, &in->eth))
			goto out;
		type = in->eth.type;
	}
	decode_l3(pk, c, type, in, cfg);
out:
	pk->in_inner = false;
}

/*
 * memset through a pointer the compiler cannot see through: a memset of a
 * constant few hundred bytes is otherwise inlined as 'rep stos', whose
 * start-up cost made it the largest part of gnv_decode(); the library's
 * memset uses vector stores.
 */
static void *(*volatile zero_fn)(void *, int, size_t) = memset;

static inline void zero(void *p, size_t n)
{
	zero_fn(p, 0, n);
}

enum gnv_status gnv_decode(struct gnv_pkt *pk, const uint8_t *data,
			   uint32_t caplen, uint32_t len,
			   const struct gnv_decode_cfg *cfg)
{
	struct gnv_cur c;
	uint16_t type;

	/* Reset only what the next decode relies on: the error array and the
	 * option array count by nerr/nopt, and in outer-only mode the inner
	 * layers are marked absent rather than cleared (zeroing dominated the
	 * cost of --stats). */
	memset(pk, 0, offsetof(struct gnv_pkt, err));
	zero(&pk->is_geneve, offsetof(struct gnv_pkt, gnv) - offsetof(struct gnv_pkt, is_geneve));
	memset(&pk->gnv, 0, offsetof(struct gnv_geneve, opt));
	pk->gnv.off = pk->gnv.inner_off = 0;
	if (cfg->outer_only) {
		pk->inner.eth.present = pk->inner.arp.present = false;
		pk->inner.ip.version = pk->inner.l4.proto = 0;
	} else {
		zero(&pk->inner, sizeof(pk->inner));
	}
	pk->data = data;
	pk->caplen = caplen;
	pk->len = len < caplen ? caplen : len;
	pk->genv_class = cfg->genv_class;
	pk->optreg = cfg->optreg;
	pk->ignore = cfg->ignore;	/* the array: no copy per frame */
	gnv_cur_init(&c, data, caplen, pk->len);

	switch (cfg->linktype) {
	case GNV_LINK_GENEVE:
		/* a UDP payload from a socket (the router's underlay) */
		pk->is_geneve = true;
		if (gnv_decode_geneve(pk, &c, &pk->gnv) && !cfg->outer_only)
			decode_inner(pk, &c, cfg);
		return pk->status;
	case GNV_LINK_RAW: {
		const uint8_t *p = gnv_cur_check(&c, 1) == GNV_OK ? gnv_cur_ptr(&c) : NULL;

		if (!p) {
			gnv_pkt_trunc(pk, &c, 1, GNV_E_IP4_TRUNC, 0);
			return pk->status;
		}
		type = (p[0] >> 4) == 6 ? 0x86dd : 0x0800;
		break;
	}
	case GNV_LINK_SLL: {
		const uint8_t *p = gnv_cur_pull(&c, 16);

		if (!p) {
			gnv_pkt_trunc(pk, &c, 16, GNV_E_ETH_TRUNC, c.off);
			return pk->status;
		}
		type = gnv_be16(p + 14);
		pk->outer.eth.type = type;
		break;
	}
	case GNV_LINK_SLL2: {
		const uint8_t *p = gnv_cur_pull(&c, 20);

		if (!p) {
			gnv_pkt_trunc(pk, &c, 20, GNV_E_ETH_TRUNC, c.off);
			return pk->status;
		}
		type = gnv_be16(p);
		pk->outer.eth.type = type;
		break;
	}
	default:
		if (!gnv_decode_eth(pk, &c, &pk->outer.eth))
			return pk->status;
		type = pk->outer.eth.type;
		break;
	}

	if (!decode_l3(pk, &c, type, &pk->outer, cfg)) {
		const struct gnv_l4 *l4 = &pk->outer.l4;

		if (l4->proto == 6 && l4->payload_off && cfg->stt_port && l4->dport == cfg->stt_port) {
			pk->is_geneve = true;
			if (gnv_decode_stt(pk, &c) && !cfg->outer_only)
				decode_inner(pk, &c, cfg);
		}
		return pk->status;
	}
	if (pk->outer.l4.proto != 17)
		return pk->status;
	if (cfg->ports ? !(cfg->ports[pk->outer.l4.dport >> 6] >> (pk->outer.l4.dport & 63) & 1) :
	    pk->outer.l4.dport != cfg->port) {
		bool gpe = port_in(cfg->gpe_ports, cfg->gpe_port, pk->outer.l4.dport);

		if (!gpe && port_in(cfg->gue_ports, cfg->gue_port, pk->outer.l4.dport)) {
			pk->is_geneve = true;
			if (gnv_decode_gue(pk, &c) && !cfg->outer_only)
				decode_inner(pk, &c, cfg);
			return pk->status;
		}
		if (!gpe && !port_in(cfg->vxlan_ports, cfg->vxlan_port, pk->outer.l4.dport))
			return pk->status;
		pk->is_geneve = true;
		if (gnv_decode_vxlan(pk, &c, gpe) && !cfg->outer_only)
			decode_inner(pk, &c, cfg);
		return pk->status;
	}
	pk->is_geneve = true;
	if (!gnv_decode_geneve(pk, &c, &pk->gnv))
		return pk->status;
	if (!cfg->outer_only)
		decode_inner(pk, &c, cfg);
	return pk->status;
}
