/* SPDX-License-Identifier: MIT */
/*
 * Building frames from a spec, once (gnv_build) or many times (gnv_plan).
 *
 * Layer: libcore; calls lang.h's tables, csum, flowhash, num, opt_tlv,
 * msg, cursor.h and libc.
 */
#include <errno.h>
#include <string.h>
#include "build.h"
#include "csum.h"
#include "cursor.h"
#include "flowhash.h"
#include "msg.h"
#include "num.h"
#include "opt_tlv.h"

static const uint8_t def_mac[2][2][6] = {
	{ { 2, 0, 0, 0, 0, 1 }, { 2, 0, 0, 0, 0, 2 } },
	{ { 2, 0, 0, 0, 1, 1 }, { 2, 0, 0, 0, 1, 2 } },
};
static const uint8_t def_ip4[2][2][4] = {
	{ { 192, 0, 2, 1 }, { 192, 0, 2, 2 } },
	{ { 10, 0, 0, 1 }, { 10, 0, 0, 2 } },
};
static const uint8_t def_ip6[2][2][16] = {
	{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, { 0x20, 0x01, 0x0d, 0xb8, [15] = 2 } },
	{ { 0xfd, 0x00, [15] = 1 }, { 0xfd, 0x00, [15] = 2 } },
};

static uint16_t next_ethertype(const struct gnv_layer *res, int i, int n)
{
	uint16_t t;

	if (i + 1 >= n)
		return 0x88b5;
	if (res[i + 1].kind == LK_VLAN)
		return res[i + 1].u.vlan.tpid;
	t = gnv_lkind_ethertype(res[i + 1].kind);
	return t && res[i + 1].kind != LK_ETH ? t : 0x88b5;
}

/* Fill the defaults of unset fields, last layer first (types look ahead). */
static uint32_t layer_size(const struct gnv_layer *r);

/* STT's TCP sequence number: the STT frame length (the bytes after the TCP
 * header up to the outer level's padding) << 16, segment offset 0. */
static uint32_t stt_seq(const struct gnv_spec *s, const struct gnv_layer *res, int i)
{
	uint32_t len = 0;

	for (int j = i + 1; j < s->nlayer; j++) {
		if (res[j].kind == LK_PAD && res[j].level <= s->l[i].level)
			break;
		len += layer_size(&res[j]);
	}
	return (len > 0xffff ? 0xffff : len) << 16;
}

int gnv_spec_resolve(const struct gnv_spec *s, struct gnv_layer *res, char *err, size_t errsz)
{
	int n = s->nlayer;

	for (int i = n - 1; i >= 0; i--) {
		struct gnv_layer *r = &res[i];
		int lv = s->l[i].level ? 1 : 0;
		int nk = i + 1 < n ? s->l[i + 1].kind : -1;

		*r = s->l[i];
		switch (r->kind) {
		case LK_ETH:
			if (!GNV_ISSET(r, F_ETH_DST))
				memcpy(r->u.eth.dst, def_mac[lv][1], 6);
			if (!GNV_ISSET(r, F_ETH_SRC))
				memcpy(r->u.eth.src, def_mac[lv][0], 6);
			if (!GNV_ISSET(r, F_ETH_TYPE))
				r->u.eth.type = next_ethertype(res, i, n);
			break;
		case LK_VLAN:
			if (!GNV_ISSET(r, F_VLAN_ID))
				r->u.vlan.id = 1;
			if (!GNV_ISSET(r, F_VLAN_TPID))
				r->u.vlan.tpid = nk == LK_VLAN ? 0x88a8 : 0x8100;
			if (!GNV_ISSET(r, F_VLAN_TYPE))
				r->u.vlan.type = next_ethertype(res, i, n);
			break;
		case LK_ARP: {
			const uint8_t *sha = def_mac[lv][0];

			for (int j = i - 1; j >= 0; j--)
				if (s->l[j].kind == LK_ETH) {
					if (GNV_ISSET(&s->l[j], F_ETH_SRC))
						sha = s->l[j].u.eth.src;
					break;
				}
			if (!GNV_ISSET(r, F_ARP_OP))
				r->u.arp.op = 1;
			if (!GNV_ISSET(r, F_ARP_HTYPE))
				r->u.arp.htype = 1;
			if (!GNV_ISSET(r, F_ARP_PTYPE))
				r->u.arp.ptype = 0x0800;
			if (!GNV_ISSET(r, F_ARP_HLEN))
				r->u.arp.hlen = 6;
			if (!GNV_ISSET(r, F_ARP_PLEN))
				r->u.arp.plen = 4;
			if (!GNV_ISSET(r, F_ARP_SHA))
				memcpy(r->u.arp.sha, sha, 6);
			if (!GNV_ISSET(r, F_ARP_SPA))
				memcpy(r->u.arp.spa, def_ip4[lv][0], 4);
			if (!GNV_ISSET(r, F_ARP_TPA))
				memcpy(r->u.arp.tpa, def_ip4[lv][1], 4);
			break;
		}
		case LK_IPV4:
			if (!GNV_ISSET(r, F_IP4_SRC))
				memcpy(r->u.ip4.src, def_ip4[lv][0], 4);
			if (!GNV_ISSET(r, F_IP4_DST))
				memcpy(r->u.ip4.dst, def_ip4[lv][1], 4);
			if (!GNV_ISSET(r, F_IP4_TTL))
				r->u.ip4.ttl = 64;
			if (!GNV_ISSET(r, F_IP4_PROTO))
				r->u.ip4.proto = nk >= 0 && gnv_lkind_ipproto(nk) ? gnv_lkind_ipproto(nk) : 253;
			if (!GNV_ISSET(r, F_IP4_IHL))
				r->u.ip4.ihl = (uint8_t)(5 + r->u.ip4.opts.size / 4);
			break;
		case LK_IPV6:
			if (!GNV_ISSET(r, F_IP6_SRC))
				memcpy(r->u.ip6.src, def_ip6[lv][0], 16);
			if (!GNV_ISSET(r, F_IP6_DST))
				memcpy(r->u.ip6.dst, def_ip6[lv][1], 16);
			if (!GNV_ISSET(r, F_IP6_HLIM))
				r->u.ip6.hlim = 64;
			if (!GNV_ISSET(r, F_IP6_NH))
				r->u.ip6.nh = nk >= 0 && gnv_lkind_ipproto(nk) ? gnv_lkind_ipproto(nk) : 59;
			break;
		case LK_UDP:
			if (!GNV_ISSET(r, F_UDP_SPORT))
				r->u.udp.sport = gnv_lkind_is_udp_tunnel(nk) ? 0 : 40000;
			if (!GNV_ISSET(r, F_UDP_DPORT))
				r->u.udp.dport = nk == LK_GENEVE ? GNV_PORT : nk == LK_VXLAN ? GNV_VXLAN_PORT :
						 nk == LK_GPE ? GNV_GPE_PORT : nk == LK_GUE ? GNV_GUE_PORT : 9;
			break;
		case LK_VXLAN:
			if (!GNV_ISSET(r, F_VX_FLAGS))
				r->u.vx.flags = GNV_ISSET(r, F_VX_GBP) ? 0x88 : 0x08;
			break;
		case LK_GPE:
			if (!GNV_ISSET(r, F_GPE_FLAGS))
				r->u.vx.flags = 0x0c;
			if (!GNV_ISSET(r, F_GPE_NP))
				r->u.vx.np = nk == LK_IPV4 ? 1 : nk == LK_IPV6 ? 2 : 3;
			break;
		case LK_GRE:
			if (!GNV_ISSET(r, F_GRE_FLAGS))
				r->u.gre.flags = (uint16_t)((GNV_ISSET(r, F_GRE_CSUM) ? 0x8000 : 0) |
							    (GNV_ISSET(r, F_GRE_KEY) ? 0x2000 : 0) |
							    (GNV_ISSET(r, F_GRE_SEQ) ? 0x1000 : 0));
			if (!GNV_ISSET(r, F_GRE_PROTO))
				r->u.gre.proto = nk == LK_IPV4 ? 0x0800 : nk == LK_IPV6 ? 0x86dd : 0x6558;
			break;
		case LK_GUE:
			if (!GNV_ISSET(r, F_GUE_PROTO))
				r->u.gue.proto = nk == LK_IPV4 ? 4 : nk == LK_IPV6 ? 41 : nk == LK_ETH ? 143 : 0;
			if (!GNV_ISSET(r, F_GUE_HLEN))
				r->u.gue.hlen = (uint8_t)(r->u.gue.ext.size / 4);
			break;
		case LK_NVGRE:
			if (!GNV_ISSET(r, F_NVGRE_FLAGS))
				r->u.gre.flags = 0x2000;
			if (!GNV_ISSET(r, F_NVGRE_PROTO))
				r->u.gre.proto = 0x6558;
			break;
		case LK_TCP:
			if (!GNV_ISSET(r, F_TCP_SPORT))
				r->u.tcp.sport = 40000;
			if (!GNV_ISSET(r, F_TCP_DPORT))
				r->u.tcp.dport = nk == LK_STT ? GNV_STT_PORT : 80;
			if (!GNV_ISSET(r, F_TCP_FLAGS))
				r->u.tcp.flags = nk == LK_STT ? 0x18 : 0x02;	/* STT: PA, as Linux sends it */
			if (!GNV_ISSET(r, F_TCP_SEQ) && nk == LK_STT)
				r->u.tcp.seq = stt_seq(s, res, i);
			if (!GNV_ISSET(r, F_TCP_WIN))
				r->u.tcp.win = 65535;
			if (!GNV_ISSET(r, F_TCP_DOFF))
				r->u.tcp.doff = (uint8_t)(5 + r->u.tcp.opts.size / 4);
			break;
		case LK_ICMP:
		case LK_ICMP6:
			if (!GNV_ISSET(r, F_ICMP_TYPE))
				r->u.icmp.type = r->kind == LK_ICMP ? 8 : 128;
			break;
		case LK_GENEVE:
			if (!GNV_ISSET(r, F_GNV_CRIT))
				r->u.gnv.crit = GNV_CRIT_AUTO;
			if (!GNV_ISSET(r, F_GNV_PROTO))
				r->u.gnv.proto = nk == LK_IPV4 ? 0x0800 : nk == LK_IPV6 ? 0x86dd : 0x6558;
			if (!GNV_ISSET(r, F_GNV_OPTLEN)) {
				if (r->u.gnv.opts.size > 252)
					return gnv_errf(err, errsz, -EINVAL, "layer %d 'geneve': %u bytes of options, more than Opt Len can say (252); set optlen= to build it anyway",
							r->pos, r->u.gnv.opts.size);
				r->u.gnv.optlen = (uint8_t)(r->u.gnv.opts.size / 4);
			}
			break;
		case LK_PAYLOAD:
		case LK_PAD:
			if (!GNV_ISSET(r, F_DATA_LEN))
				r->u.data.len = r->u.data.data.size;
			break;
		}
	}
	return 0;
}

static uint32_t layer_size(const struct gnv_layer *r)
{
	switch (r->kind) {
	case LK_ETH: return 14;
	case LK_VLAN: return 4;
	case LK_ARP: return 28;
	case LK_IPV4: return 20u + r->u.ip4.opts.size;
	case LK_IPV6: return 40u + r->u.ip6.ext.size;
	case LK_UDP: return 8;
	case LK_TCP: return 20u + r->u.tcp.opts.size;
	case LK_ICMP: case LK_ICMP6: return 8;
	case LK_GENEVE: return 8u + r->u.gnv.opts.size;
	case LK_VXLAN: case LK_GPE: case LK_NVGRE: return 8;
	case LK_GRE: return gnv_gre_hdr_size(r->u.gre.flags);
	case LK_GUE: return r->u.gue.ver == 1 ? 0 : 4u + r->u.gue.ext.size;
	case LK_STT: return GNV_STT_HDR_SIZE;
	default: return r->u.data.len;
	}
}

static uint64_t member_value(const struct gnv_layer *r, const struct gnv_lfield *f)
{
	const uint8_t *m = (const uint8_t *)r + f->moff;
	uint16_t x16;
	uint32_t x32;

	switch (f->type) {
	case FT_U16: case FT_TCPFLAGS: memcpy(&x16, m, 2); return x16;
	case FT_U32: memcpy(&x32, m, 4); return x32;
	default: return *m;
	}
}

/* Write v into the bit field (wsize bytes at p, wshift/wbits). */
static void put_bits(uint8_t *p, unsigned int wsize, unsigned int shift, unsigned int bits, uint64_t v)
{
	uint64_t mask, w;

	if (!bits || bits >= 64) {
		gnv_put_be(p, wsize, v);
		return;
	}
	mask = ((1ull << bits) - 1) << shift;
	w = gnv_get_be(p, wsize);
	w = (w & ~mask) | ((v << shift) & mask);
	gnv_put_be(p, wsize, w);
}

/* Bytes of layer i: headers with every field, no lengths or checksums. */
static void write_layer(const struct gnv_spec *s, const struct gnv_layout *lay, int i, uint8_t *buf)
{
	const struct gnv_layer *r = &lay->res[i];
	const struct gnv_ldesc *d = &gnv_lang_layers[r->kind];
	uint8_t *p = buf + lay->off[i];
	const struct gnv_blob *blob = NULL;
	uint32_t hdr = 0;

	memset(p, 0, lay->size[i]);
	if (!lay->size[i])
		return;		/* GUE variant 1: no header */
	if (r->kind == LK_IPV4)
		p[0] = 0x40;
	else if (r->kind == LK_IPV6)
		p[0] = 0x60;
	for (int fi = 0; fi < d->nf; fi++) {
		const struct gnv_lfield *f = &d->f[fi];
		const uint8_t *m = (const uint8_t *)r + f->moff;

		if ((f->flags & (FF_ALIAS | FF_NOVARY)) || !f->wsize)
			continue;
		if (f->woff < 0 && (i == 0 || lay->off[i] < (uint32_t)-f->woff))
			continue;
		switch (f->type) {
		case FT_MAC: case FT_IP4: case FT_IP6:
			memcpy(p + f->woff, m, f->wsize);
			break;
		case FT_CRIT: {
			uint8_t c = *m;

			if (c == GNV_CRIT_AUTO)
				c = gnv_opt_any_critical(s->pool + r->u.gnv.opts.off, r->u.gnv.opts.size);
			put_bits(p + f->woff, f->wsize, f->wshift, f->wbits, c);
			break;
		}
		default:
			put_bits(p + f->woff, f->wsize, f->wshift, f->wbits, member_value(r, f));
			break;
		}
	}
	switch (r->kind) {
	case LK_IPV4: blob = &r->u.ip4.opts; hdr = 20; break;
	case LK_IPV6: blob = &r->u.ip6.ext; hdr = 40; break;
	case LK_TCP: blob = &r->u.tcp.opts; hdr = 20; break;
	case LK_GENEVE: blob = &r->u.gnv.opts; hdr = 8; break;
	case LK_GUE: blob = &r->u.gue.ext; hdr = 4; break;
	case LK_PAYLOAD: case LK_PAD: blob = &r->u.data.data; break;
	default: break;
	}
	if (r->kind == LK_GRE) {
		/* the optional words, in order, as the flags say */
		uint8_t *q = p + 4;

		if (r->u.gre.flags & 0x8000) {
			gnv_put16(q + 2, r->u.gre.rsvd1);	/* the checksum: fix_csum() */
			q += 4;
		}
		if (r->u.gre.flags & 0x2000) {
			gnv_put_be(q, 4, r->u.gre.key);
			q += 4;
		}
		if (r->u.gre.flags & 0x1000)
			gnv_put_be(q, 4, r->u.gre.seq);
	}
	if (blob && blob->size) {
		uint32_t n = blob->size;

		if (n > lay->size[i] - hdr)
			n = lay->size[i] - hdr;
		memcpy(p + hdr, s->pool + blob->off, n);
	}
}

static const struct gnv_csum_spec *csum_of(const struct gnv_layer *r)
{
	switch (r->kind) {
	case LK_IPV4: return &r->u.ip4.csum;
	case LK_UDP: return &r->u.udp.csum;
	case LK_TCP: return &r->u.tcp.csum;
	case LK_ICMP: case LK_ICMP6: return &r->u.icmp.csum;
	case LK_GRE: return r->u.gre.flags & 0x8000 ? &r->u.gre.csum : NULL;
	default: return NULL;
	}
}

/* The checksum region of layer i, if it has one.  Returns false if not. */
static bool region_of(const struct gnv_layout *lay, int i, struct gnv_csum_region *rg)
{
	const struct gnv_layer *r = &lay->res[i];
	const struct gnv_layer *ip = i > 0 ? &lay->res[i - 1] : NULL;
	uint32_t off = lay->off[i];

	memset(rg, 0, sizeof(*rg));
	if (ip && ip->kind != LK_IPV4 && ip->kind != LK_IPV6)
		ip = NULL;
	switch (r->kind) {
	case LK_IPV4:
		rg->start = off;
		rg->end = off + r->u.ip4.ihl * 4u;
		rg->csum_off = off + 10;
		break;
	case LK_UDP: case LK_TCP: case LK_ICMP: case LK_ICMP6:
		rg->start = off;
		rg->end = lay->end[i];
		rg->csum_off = off + (r->kind == LK_UDP ? 6 : r->kind == LK_TCP ? 16 : 2);
		rg->udp = r->kind == LK_UDP;
		if (ip && r->kind != LK_ICMP && !(r->kind == LK_ICMP6 && ip->kind != LK_IPV6)) {
			rg->ps_start = lay->off[i - 1] + (ip->kind == LK_IPV4 ? 12 : 8);
			rg->ps_end = rg->ps_start + (ip->kind == LK_IPV4 ? 8 : 32);
		}
		break;
	case LK_GRE:		/* RFC 2784: header and payload, no pseudo-header */
		if (!(r->u.gre.flags & 0x8000))
			return false;
		rg->start = off;
		rg->end = lay->end[i];
		rg->csum_off = off + 4;
		break;
	default:
		return false;
	}
	if (rg->end > lay->total)
		rg->end = lay->total;
	if (rg->end < rg->start)
		rg->end = rg->start;
	return rg->csum_off + 2 <= lay->total;
}

static uint16_t region_sum(const uint8_t *buf, const struct gnv_layout *lay, int i,
			   const struct gnv_csum_region *rg)
{
	const struct gnv_layer *r = &lay->res[i];
	uint32_t sum = 0;

	if (rg->ps_end) {
		uint32_t len = rg->end - rg->start;
		uint8_t proto = gnv_lkind_ipproto(r->kind);

		if (r->kind == LK_UDP)
			len = gnv_be16(buf + rg->start + 4);
		sum = rg->ps_end - rg->ps_start == 8 ?
			csum_pseudo4(buf + rg->ps_start, buf + rg->ps_start + 4, proto, len) :
			csum_pseudo6(buf + rg->ps_start, buf + rg->ps_start + 16, proto, len);
	}
	return csum_fold(csum_partial(buf + rg->start, rg->end - rg->start, sum));
}

/* Compute the checksum of layer i per its mode. */
static void fix_csum(uint8_t *buf, const struct gnv_layout *lay, int i)
{
	const struct gnv_csum_spec *cs = csum_of(&lay->res[i]);
	struct gnv_csum_region rg;
	uint16_t v;

	if (!cs || !region_of(lay, i, &rg))
		return;
	if (cs->mode == GNV_CS_SET || cs->mode == GNV_CS_ZERO) {
		gnv_put16(buf + rg.csum_off, cs->mode == GNV_CS_SET ? cs->val : 0);
		return;
	}
	gnv_put16(buf + rg.csum_off, 0);
	v = region_sum(buf, lay, i, &rg);
	if (rg.udp && !v)
		v = 0xffff;
	if (cs->mode == GNV_CS_BAD) {
		v = (uint16_t)(v + 1);
		if (!v)
			v = 1;
	}
	gnv_put16(buf + rg.csum_off, v);
}

uint16_t gnv_flow_sport_of(const uint8_t *inner, size_t n, uint16_t proto)
{
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;

	if (n > GNV_FRAME_MAX)
		n = GNV_FRAME_MAX;
	gnv_decode_cfg_default(&cfg);
	cfg.no_csum = true;
	cfg.outer_only = true;
	if (proto == 0x6558)
		cfg.linktype = GNV_LINK_ETH;
	else if (proto == 0x0800 || proto == 0x86dd)
		cfg.linktype = GNV_LINK_RAW;
	else
		return flow_sport(flow_hash_bytes(inner, (uint32_t)(n < 64 ? n : 64), 0));
	gnv_decode(&pk, inner, (uint32_t)n, (uint32_t)n, &cfg);
	return flow_sport(flow_hash_layers(&pk.outer, 0));
}

static bool sport_auto(const struct gnv_layout *lay, int i, int n)
{
	return lay->res[i].kind == LK_UDP && i + 1 < n && gnv_lkind_is_udp_tunnel(lay->res[i + 1].kind) &&
	       !GNV_ISSET(&lay->res[i], F_UDP_SPORT);
}

/* Flow-hash source ports and checksums, innermost first. */
static void finalize(uint8_t *buf, const struct gnv_layout *lay, int n)
{
	for (int i = n - 1; i >= 0; i--) {
		if (sport_auto(lay, i, n)) {
			uint32_t in = lay->off[i + 1] + lay->size[i + 1];
			uint32_t end = lay->end[i] > in ? lay->end[i] : in;

			gnv_put16(buf + lay->off[i],
				  gnv_flow_sport_of(buf + in, end - in, gnv_layer_inner_type(&lay->res[i + 1])));
		}
		fix_csum(buf, lay, i);
	}
}

int gnv_spec_linktype(const struct gnv_spec *spec)
{
	if (spec->nlayer && (spec->l[0].kind == LK_IPV4 || spec->l[0].kind == LK_IPV6))
		return GNV_LINK_RAW;
	return GNV_LINK_ETH;
}

void gnv_extents(const struct gnv_layer *res, int n, const uint32_t *off,
		 const uint32_t *size, uint32_t total, uint32_t *end)
{
	int pads = 0;

	for (int i = 0; i < n; i++)
		pads += res[i].kind == LK_PAD;
	if (!pads) {
		/* the common case: every length counts to the end */
		for (int i = 0; i < n; i++)
			end[i] = total;
		return;
	}
	/* what the lengths of layer i count: up to the pad closing its level */
	for (int i = 0; i < n; i++) {
		int lv = res[i].level;

		end[i] = total;
		if (res[i].kind == LK_PAD) {
			end[i] = off[i] + size[i];
			continue;
		}
		for (int j = i + 1, closes = -1, base = -1; j < n; j++) {
			if (res[j].kind != LK_PAD) {
				base = res[j].level;
				closes = base;
				continue;
			}
			if (base < 0) {
				base = lv;
				closes = lv;
			}
			if (closes <= lv) {
				end[i] = off[j];
				break;
			}
			closes--;
		}
	}
}

/* The inverse of write_layer for the fields with a wire position. */
void gnv_layer_read(struct gnv_layer *l, const uint8_t *p, uint32_t before)
{
	const struct gnv_ldesc *d = &gnv_lang_layers[l->kind];

	for (int fi = 0; fi < d->nf; fi++) {
		const struct gnv_lfield *f = &d->f[fi];
		uint8_t *m = (uint8_t *)l + f->moff;
		uint64_t v, w;

		if ((f->flags & (FF_ALIAS | FF_NOVARY)) || !f->wsize)
			continue;
		if (f->woff < 0 && before < (uint32_t)-f->woff)
			continue;
		switch (f->type) {
		case FT_MAC: case FT_IP4: case FT_IP6:
			memcpy(m, p + f->woff, f->wsize);
			continue;
		default:
			break;
		}
		w = gnv_get_be(p + f->woff, f->wsize);
		v = f->wbits ? (w >> f->wshift) & ((1ull << f->wbits) - 1) : w;
		switch (f->type) {
		case FT_U16: case FT_TCPFLAGS: {
			uint16_t x = (uint16_t)v;
			memcpy(m, &x, 2);
			break;
		}
		case FT_U32: {
			uint32_t x = (uint32_t)v;
			memcpy(m, &x, 4);
			break;
		}
		default:
			*m = (uint8_t)v;
			break;
		}
	}
}

uint64_t gnv_layer_value(const struct gnv_layer *r, const struct gnv_lfield *f)
{
	return member_value(r, f);
}

int gnv_build_ex(const struct gnv_spec *s, uint8_t *buf, size_t bufsize,
		 size_t *outsize, struct gnv_layout *lay, char *err, size_t errsz)
{
	struct gnv_layout local;
	uint64_t total = 0;
	int n = s->nlayer, ret;

	if (!lay)
		lay = &local;
	if (err && errsz)
		err[0] = 0;
	ret = gnv_spec_resolve(s, lay->res, err, errsz);
	if (ret)
		return ret;
	for (int i = 0; i < n; i++) {
		lay->off[i] = (uint32_t)total;
		lay->size[i] = layer_size(&lay->res[i]);
		total += lay->size[i];
	}
	if (total > GNV_FRAME_MAX)
		return gnv_errf(err, errsz, -EMSGSIZE, "the packet is %llu bytes, more than %d",
				(unsigned long long)total, GNV_FRAME_MAX);
	if (total > bufsize)
		return gnv_errf(err, errsz, -ENOSPC, "the packet is %llu bytes, the buffer %zu",
				(unsigned long long)total, bufsize);
	lay->total = (uint32_t)total;
	gnv_extents(lay->res, n, lay->off, lay->size, lay->total, lay->end);
	for (int i = 0; i < n; i++)
		write_layer(s, lay, i, buf);
	for (int i = 0; i < n; i++) {
		const struct gnv_layer *r = &lay->res[i];
		uint8_t *p = buf + lay->off[i];
		uint32_t ext = lay->end[i] - lay->off[i];

		if (r->kind == LK_IPV4 && !GNV_ISSET(r, F_IP4_LEN))
			gnv_put16(p + 2, (uint16_t)ext);
		else if (r->kind == LK_IPV6 && !GNV_ISSET(r, F_IP6_PLEN))
			gnv_put16(p + 4, (uint16_t)(ext >= 40 ? ext - 40 : 0));
		else if (r->kind == LK_UDP && !GNV_ISSET(r, F_UDP_LEN))
			gnv_put16(p + 4, (uint16_t)ext);
	}
	finalize(buf, lay, n);
	*outsize = lay->total;
	return 0;
}

int gnv_build(const struct gnv_spec *spec, uint8_t *buf, size_t bufsize, size_t *outsize)
{
	return gnv_build_ex(spec, buf, bufsize, outsize, NULL, NULL, 0);
}

int gnv_lang_build(const char *text, uint16_t genv_class, uint8_t *buf, size_t bufsize,
		   size_t *outsize, char *err, size_t errsz)
{
	struct gnv_spec spec;
	int ret;

	gnv_spec_init(&spec, genv_class);
	ret = gnv_lang_parse(text, &spec, err, errsz);
	if (ret)
		return ret;
	return gnv_build_ex(&spec, buf, bufsize, outsize, NULL, err, errsz);
}

/* ---- --vary ---- */

static int vary_value(const struct gnv_lfield *f, const char *s, uint64_t *v, uint8_t hi6[8],
		      bool *hi_set)
{
	uint8_t a[16];

	switch (f->type) {
	case FT_MAC:
		if (parse_mac(s, a))
			return -EINVAL;
		*v = gnv_get_be(a, 6);
		return 0;
	case FT_IP4:
		if (parse_ip4(s, a))
			return -EINVAL;
		*v = gnv_get_be(a, 4);
		return 0;
	case FT_IP6:
		if (parse_ip6(s, a))
			return -EINVAL;
		if (*hi_set && memcmp(hi6, a, 8))
			return -ERANGE;
		memcpy(hi6, a, 8);
		*hi_set = true;
		*v = gnv_get_be(a + 8, 8);
		return 0;
	case FT_TCPFLAGS:
		if (*s >= '0' && *s <= '9')
			return num_parse_u64(s, 0, f->max, v);
		{
			static const char letters[] = "FSRPAUECN";
			uint64_t fl = 0;

			if (!*s)
				return -EINVAL;
			for (; *s; s++) {
				const char *p = strchr(letters, *s);

				if (!p)
					return -EINVAL;
				fl |= 1u << (p - letters);
			}
			*v = fl;
			return 0;
		}
	case FT_CRIT:
		return num_parse_u64(s, 0, 1, v);
	default:
		return num_parse_u64(s, 0, f->max, v);
	}
}

int gnv_vary_parse(const struct gnv_spec *spec, const char *text,
		   struct gnv_vary *v, char *err, size_t errsz)
{
	char buf[256], *eq, *name, *dot, *range, *dash;
	int level = -1, kind = -1, best = -1, bestf = -1;
	const struct gnv_lfield *f;
	uint8_t hi6[8];
	bool hi_set = false;
	int ret;

	memset(v, 0, sizeof(*v));
	if (strlen(text) >= sizeof(buf))
		return gnv_errf(err, errsz, -EINVAL, "--vary: '%s' is too long", text);
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above */
	strcpy(buf, text);
	eq = strchr(buf, '=');
	if (!eq || eq == buf || !eq[1])
		return gnv_errf(err, errsz, -EINVAL, "--vary: '%s' is not FIELD=RANGE (e.g. vni=1-1000, inner.sport=random)", text);
	*eq = 0;
	range = eq + 1;
	name = buf;
	if (!strncmp(name, "outer.", 6)) {
		level = 0;
		name += 6;
	} else if (!strncmp(name, "inner.", 6)) {
		level = 1;
		name += 6;
	}
	dot = strchr(name, '.');
	if (dot) {
		*dot = 0;
		for (int k = 0; k < LK__COUNT; k++)
			if (!strcmp(gnv_lang_layers[k].name, name))
				kind = k;
		if (kind < 0)
			return gnv_errf(err, errsz, -EINVAL, "--vary: '%s' is not a layer", name);
		name = dot + 1;
	}
	for (int i = 0; i < spec->nlayer; i++) {
		const struct gnv_layer *l = &spec->l[i];
		int fi;

		if (level >= 0 && l->level != level)
			continue;
		if (kind >= 0 && l->kind != kind)
			continue;
		fi = gnv_lang_field(l->kind, name, strlen(name));
		if (fi >= 0) {
			best = i;
			bestf = fi;
		}
	}
	if (best < 0)
		return gnv_errf(err, errsz, -EINVAL, "--vary: no %s%s%s%s layer of this packet has a field '%s'",
				level == 0 ? "outer " : level == 1 ? "inner " : "",
				kind >= 0 ? "'" : "", kind >= 0 ? gnv_lang_layers[kind].name : "",
				kind >= 0 ? "'" : "", name);
	f = &gnv_lang_layers[spec->l[best].kind].f[bestf];
	if (f->flags & FF_NOVARY)
		return gnv_errf(err, errsz, -EINVAL, "--vary: '%s' of '%s' cannot vary (no fixed place in the packet)",
				f->name, gnv_lang_layers[spec->l[best].kind].name);
	v->layer = (uint8_t)best;
	v->field = (uint8_t)bestf;
	{
		unsigned int bits = f->type == FT_MAC ? 48 : f->type == FT_IP4 ? 32 :
				    f->type == FT_IP6 ? 64 : f->wbits ? f->wbits : f->wsize * 8u;
		uint64_t fmax = bits >= 64 ? UINT64_MAX : (1ull << bits) - 1;

		if (f->type != FT_MAC && f->type != FT_IP4 && f->type != FT_IP6 && f->max < fmax)
			fmax = f->max;
		if (f->type == FT_CRIT)
			fmax = 1;
		v->lo = 0;
		v->hi = fmax;
	}
	if (!strcmp(range, "random")) {
		v->random = true;
		if (f->type == FT_IP6) {
			/* keep the /64 of the packet; randomise the interface id */
			v->lo = 0;
		}
		return 0;
	}
	{
		size_t rl = strlen(range);

		if (rl > 7 && !strcmp(range + rl - 7, "/random")) {
			v->random = true;
			range[rl - 7] = 0;
		}
	}
	/* LO-HI; IPv6 addresses contain no '-', MACs neither */
	dash = strchr(range, '-');
	if (dash)
		*dash = 0;
	ret = vary_value(f, range, &v->lo, hi6, &hi_set);
	if (!ret)
		ret = dash ? vary_value(f, dash + 1, &v->hi, hi6, &hi_set) : 0;
	if (!dash)
		v->hi = v->lo;
	if (ret == -ERANGE && f->type == FT_IP6)
		return gnv_errf(err, errsz, -EINVAL, "--vary: %s: an IPv6 range may differ in the last 64 bits only", f->name);
	if (ret)
		return gnv_errf(err, errsz, -EINVAL, "--vary: %s: '%s' is not a value or range of values for it", f->name, text);
	if (v->lo > v->hi)
		return gnv_errf(err, errsz, -EINVAL, "--vary: %s: the range is empty (%s)", f->name, eq + 1);
	if (f->type == FT_IP6 && hi_set) {
		const uint8_t *a = spec->l[best].u.ip6.src;

		if (f->moff == offsetof(struct gnv_layer, u.ip6.dst))
			a = spec->l[best].u.ip6.dst;
		if (GNV_ISSET(&spec->l[best], bestf) && memcmp(a, hi6, 8))
			return gnv_errf(err, errsz, -EINVAL, "--vary: %s: the range is outside the /64 of the packet's address", f->name);
	}
	return 0;
}

static uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dull;
}

/* The 16-bit word at even offset w as region rg sees it; 'old' overlays
 * [ooff, ooff+on) with the bytes before the change. */
static uint16_t region_word(const struct gnv_plan *p, const struct gnv_csum_region *rg, uint32_t w,
			    const uint8_t *old, uint32_t ooff, uint32_t on)
{
	uint16_t v = 0;

	for (uint32_t k = 0; k < 2; k++) {
		uint32_t b = w + k;
		uint8_t x;

		if (!((b >= rg->start && b < rg->end) || (b >= rg->ps_start && b < rg->ps_end)))
			continue;
		if (b == rg->csum_off || b == rg->csum_off + 1)
			continue;
		x = old && b >= ooff && b < ooff + on ? old[b - ooff] : p->buf[b];
		v |= (uint16_t)(x << (k ? 0 : 8));
	}
	return v;
}

/* csum_update16() (RFC 1624 eqn. 3), inline: patch applies it per word. */
static inline uint16_t upd16(uint16_t csum, uint16_t old, uint16_t new_)
{
	uint32_t s = (uint16_t)~csum + (uint16_t)~old + (uint32_t)new_;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

/* A few bytes: fixed-size copies the compiler inlines (patch runs several
 * times per crafted packet; a memcpy call per field was a third of it). */
static inline void copy_small(uint8_t *d, const uint8_t *s, uint32_t n)
{
	switch (n) {
	case 1: d[0] = s[0]; break;
	case 2: memcpy(d, s, 2); break;
	case 3: memcpy(d, s, 3); break;
	case 4: memcpy(d, s, 4); break;
	case 6: memcpy(d, s, 6); break;
	default: memcpy(d, s, n); break;
	}
}

static void patch(struct gnv_plan *p, uint32_t off, const uint8_t *nv, uint32_t n, uint32_t mask, int depth)
{
	uint8_t ow[18];
	const uint8_t *old = ow + (off & 1);	/* the n old bytes at off */
	uint32_t w0 = off & ~1u, w1 = (off + n + 1) & ~1u;

	if (n > 16 || w1 > p->size)
		return;
	copy_small(ow, p->buf + w0, w1 - w0);
	copy_small(p->buf + off, nv, n);
	if (p->slow || depth > 6)
		return;
	for (; mask; mask &= mask - 1) {
		int r = __builtin_ctz(mask);
		const struct gnv_csum_region *rg = &p->reg[r];
		uint16_t cs, oldcs;
		uint8_t csb[2];

		cs = oldcs = gnv_be16(p->buf + rg->csum_off);
		if ((w0 >= rg->start && w1 <= rg->end &&
		     (rg->csum_off + 2 <= w0 || rg->csum_off >= w1)) ||
		    (w0 >= rg->ps_start && w1 <= rg->ps_end)) {
			/* whole words inside the region: the common case */
			for (uint32_t w = w0; w < w1; w += 2)
				cs = upd16(cs, gnv_be16(ow + (w - w0)), gnv_be16(p->buf + w));
		} else {
			for (uint32_t w = w0; w < w1; w += 2)
				cs = csum_update16(cs, region_word(p, rg, w, old, off, n),
						   region_word(p, rg, w, NULL, 0, 0));
		}
		if (rg->udp && !cs)
			cs = 0xffff;
		if (cs == oldcs)
			continue;
		gnv_put16(csb, cs);
		patch(p, rg->csum_off, csb, 2, p->cmask[r], depth + 1);
	}
}

static bool hash_fast_map(struct gnv_plan *p, struct gnv_hash_entry *h, int layer, const struct gnv_lfield *f)
{
	const struct gnv_layout *lay = &p->lay;
	int first_ip = -1, first_l4 = -1;

	for (int i = 0; i < p->spec->nlayer; i++) {
		int k = lay->res[i].kind;

		if (lay->res[i].level != h->level)
			continue;
		if (first_ip < 0 && (k == LK_IPV4 || k == LK_IPV6))
			first_ip = i;
		else if (first_ip >= 0 && first_l4 < 0 && (k == LK_UDP || k == LK_TCP))
			first_l4 = i;
	}
	if (layer == first_ip && (!strcmp(f->name, "src") || !strcmp(f->name, "dst"))) {
		h->ip_size = lay->res[layer].kind == LK_IPV4 ? 4 : 16;
		h->map_off[0] = lay->off[layer] + (h->ip_size == 4 ? 12 : 8);
		h->map_off[1] = h->map_off[0] + h->ip_size;
		return true;
	}
	if (layer == first_l4 && (!strcmp(f->name, "sport") || !strcmp(f->name, "dport"))) {
		h->map_off[2] = lay->off[layer];
		h->map_off[3] = lay->off[layer] + 2;
		return true;
	}
	return false;
}

/* The checksum regions that cover [off, off+n) (all but 'skip'). */
static uint32_t regions_over(const struct gnv_plan *p, uint32_t off, uint32_t n, int skip)
{
	uint32_t mask = 0;

	for (int r = 0; r < p->nreg; r++) {
		/* cppcheck-suppress negativeIndex ; r is 0..nreg-1; skip (-1: none) is only compared */
		const struct gnv_csum_region *rg = &p->reg[r];

		if (r != skip && ((off < rg->end && off + n > rg->start) ||
				  (off < rg->ps_end && off + n > rg->ps_start)))
			mask |= 1u << r;
	}
	return mask;
}

int gnv_plan_init(struct gnv_plan *p, const struct gnv_spec *spec,
		  const struct gnv_vary *v, int nvary, uint64_t seed,
		  uint8_t *buf, size_t bufsize, char *err, size_t errsz)
{
	int ret, n = spec->nlayer;

	memset(p, 0, sizeof(*p));
	if (nvary > GNV_MAX_VARY)
		return gnv_errf(err, errsz, -EINVAL, "at most %d --vary options", GNV_MAX_VARY);
	p->spec = spec;
	p->buf = buf;
	p->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
	ret = gnv_build_ex(spec, buf, bufsize, &p->size, &p->lay, err, errsz);
	if (ret)
		return ret;
	memcpy(p->vary, v, (size_t)nvary * sizeof(*v));
	p->nvary = nvary;
	for (int i = 0; i < n; i++) {
		const struct gnv_csum_spec *cs = csum_of(&p->lay.res[i]);
		struct gnv_csum_region *rg = &p->reg[p->nreg];

		if (!cs || (cs->mode != GNV_CS_AUTO && cs->mode != GNV_CS_BAD))
			continue;
		if (!region_of(&p->lay, i, rg))
			continue;
		if ((rg->start & 1) || (rg->ps_start & 1))
			p->slow = true;
		p->nreg++;
	}
	for (int k = 0; k < nvary; k++) {
		struct gnv_vary *x = &p->vary[k];
		const struct gnv_lfield *f = &gnv_lang_layers[spec->l[x->layer].kind].f[x->field];
		int32_t woff = (int32_t)p->lay.off[x->layer] + f->woff;

		if (woff < 0)
			return gnv_errf(err, errsz, -EINVAL, "--vary: '%s' has no place in this packet", f->name);
		x->woff = (uint32_t)woff;
		x->wsize = f->wsize;
		x->wshift = f->wshift;
		x->wbits = f->wbits;
		if (f->type == FT_IP6) {
			x->woff += 8;
			x->wsize = 8;
		}
		if (x->woff + x->wsize > p->size)
			return gnv_errf(err, errsz, -EINVAL, "--vary: '%s' lies outside the packet", f->name);
	}
	for (int i = 0; i + 1 < n && p->nhash < 4; i++) {
		struct gnv_hash_entry *h;
		bool explicit = false;

		if (!sport_auto(&p->lay, i, n))
			continue;
		for (int k = 0; k < nvary; k++)
			if (p->vary[k].layer == i && p->vary[k].woff == p->lay.off[i])
				explicit = true;	/* --vary of this sport wins */
		if (explicit)
			continue;
		h = &p->hash[p->nhash++];
		h->sport_off = p->lay.off[i];
		h->inner_off = p->lay.off[i + 1] + p->lay.size[i + 1];
		h->inner_end = p->lay.end[i] > h->inner_off ? p->lay.end[i] : h->inner_off;
		h->proto = gnv_layer_inner_type(&p->lay.res[i + 1]);
		h->level = (uint8_t)(p->lay.res[i].level + 1);
		h->fast = true;
		for (int k = 0; k < nvary; k++) {
			int L = p->vary[k].layer;
			const struct gnv_lfield *f = &gnv_lang_layers[spec->l[L].kind].f[p->vary[k].field];

			if (p->vary[k].woff < h->inner_off || p->vary[k].woff >= h->inner_end)
				continue;
			h->affected = true;
			if (p->lay.res[L].level != h->level || !hash_fast_map(p, h, L, f))
				h->fast = false;
		}
		if (h->affected && h->fast) {
			struct gnv_decode_cfg cfg;
			struct gnv_pkt tmp;

			gnv_decode_cfg_default(&cfg);
			cfg.no_csum = true;
			cfg.outer_only = true;
			cfg.linktype = h->proto == 0x6558 ? GNV_LINK_ETH : GNV_LINK_RAW;
			if (h->proto != 0x6558 && h->proto != 0x0800 && h->proto != 0x86dd)
				h->fast = false;
			else {
				gnv_decode(&tmp, buf + h->inner_off, h->inner_end - h->inner_off,
					   h->inner_end - h->inner_off, &cfg);
				h->tpl = tmp.outer;
				if (h->map_off[0] && h->tpl.ip.version != (h->ip_size == 4 ? 4 : 6))
					h->fast = false;
				if (h->map_off[2] && h->tpl.l4.proto != 6 && h->tpl.l4.proto != 17)
					h->fast = false;
			}
		}
	}
	for (int k = 0; k < nvary; k++)
		p->vmask[k] = regions_over(p, p->vary[k].woff, p->vary[k].wsize, -1);
	for (int r = 0; r < p->nreg; r++)
		p->cmask[r] = regions_over(p, p->reg[r].csum_off, 2, r);
	for (int k = 0; k < p->nhash; k++)
		p->hmask[k] = regions_over(p, p->hash[k].sport_off, 2, -1);
	return 0;
}

/* Packet i's value of vary k into the frame (checksums follow unless slow). */
static void vary_write(struct gnv_plan *p, int k, uint64_t i)
{
	const struct gnv_vary *v = &p->vary[k];
	uint64_t span = v->hi - v->lo + 1, val, w, mask;
	unsigned int bits = v->wbits ? v->wbits : v->wsize * 8u;
	uint8_t nb[8];

	if (v->random)
		val = span ? v->lo + rng_next(&p->rng) % span : rng_next(&p->rng);
	else
		val = span ? v->lo + i % span : v->lo + i;
	w = gnv_get_be(p->buf + v->woff, v->wsize);
	mask = bits >= 64 ? UINT64_MAX : ((1ull << bits) - 1) << v->wshift;
	w = (w & ~mask) | ((val << v->wshift) & mask);
	gnv_put_be(nb, v->wsize, w);
	patch(p, v->woff, nb, v->wsize, p->vmask[k], 0);
}

void gnv_plan_next(struct gnv_plan *p, uint64_t i)
{
	if (p->slow) {
		/* odd layout: write the fields, then recompute from scratch */
		for (int k = 0; k < p->nvary; k++)
			vary_write(p, k, i);
		finalize(p->buf, &p->lay, p->spec->nlayer);
		return;
	}
	for (int k = 0; k < p->nvary; k++)
		vary_write(p, k, i);
	/* flow-hash source ports, innermost first */
	for (int k = p->nhash - 1; k >= 0; k--) {
		struct gnv_hash_entry *h = &p->hash[k];
		uint16_t sport;
		uint8_t sb[2];

		if (!h->affected)
			continue;
		if (h->fast) {
			struct gnv_layers *t = &h->tpl;

			if (h->map_off[0]) {
				memcpy(t->ip.src.a, p->buf + h->map_off[0], h->ip_size);
				memcpy(t->ip.dst.a, p->buf + h->map_off[1], h->ip_size);
			}
			if (h->map_off[2]) {
				t->l4.sport = gnv_be16(p->buf + h->map_off[2]);
				t->l4.dport = gnv_be16(p->buf + h->map_off[3]);
			}
			sport = flow_sport(flow_hash_layers(t, 0));
		} else {
			sport = gnv_flow_sport_of(p->buf + h->inner_off, h->inner_end - h->inner_off, h->proto);
		}
		gnv_put16(sb, sport);
		patch(p, h->sport_off, sb, 2, p->hmask[k], 0);
	}
}
