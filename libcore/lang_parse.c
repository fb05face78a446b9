/* SPDX-License-Identifier: MIT */
/*
 * The packet language: field tables and the parser (see lang.h).
 *
 *   text   = layer *( "/" layer )
 *   layer  = NAME *( FIELD "=" VALUE )
 *   VALUE  = word | '"' text with \" \\ \n \t \xNN '"'
 *
 * Layer: libcore; calls optreg (named options), num, msg and libc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lang.h"
#include "msg.h"
#include "num.h"
#include "optreg.h"
#include "ovsnot.h"

#define M(x) ((uint16_t)offsetof(struct gnv_layer, u.x))

/*  name    type      flags        member        max     woff wsize shift bits alias help */
#define F(n, t, fl, m, mx, wo, ws, sh, wb, al, h) \
	{ n, t, fl, M(m), mx, wo, ws, sh, wb, al, h }

static const struct gnv_lfield f_eth[] = {
	F("dst", FT_MAC, 0, eth.dst, 0, 0, 6, 0, 0, -1, "destination MAC (02:00:00:00:00:02; inner 02:00:00:00:01:02)"),
	F("src", FT_MAC, 0, eth.src, 0, 6, 6, 0, 0, -1, "source MAC (02:00:00:00:00:01; inner 02:00:00:00:01:01)"),
	F("type", FT_U16, FF_HEXOUT, eth.type, 0xffff, 12, 2, 0, 0, -1, "EtherType (from the next layer; 0x88b5 before payload)"),
};

static const struct gnv_lfield f_vlan[] = {
	F("id", FT_U16, 0, vlan.id, 4095, 0, 2, 0, 12, -1, "VLAN id (1)"),
	F("pcp", FT_U8, 0, vlan.pcp, 7, 0, 2, 13, 3, -1, "priority code point (0)"),
	F("dei", FT_U8, 0, vlan.dei, 1, 0, 2, 12, 1, -1, "drop eligible (0)"),
	F("tpid", FT_U16, FF_HEXOUT, vlan.tpid, 0xffff, -2, 2, 0, 0, -1, "tag protocol id (0x8100; 0x88a8 when another vlan follows)"),
	F("type", FT_U16, FF_HEXOUT, vlan.type, 0xffff, 2, 2, 0, 0, -1, "EtherType after the tag (from the next layer)"),
};

static const struct gnv_lfield f_arp[] = {
	F("op", FT_U16, 0, arp.op, 0xffff, 6, 2, 0, 0, -1, "1 request, 2 reply (1)"),
	F("sha", FT_MAC, 0, arp.sha, 0, 8, 6, 0, 0, -1, "sender MAC (the eth source)"),
	F("spa", FT_IP4, 0, arp.spa, 0, 14, 4, 0, 0, -1, "sender IPv4 (the ipv4 src default)"),
	F("tha", FT_MAC, 0, arp.tha, 0, 18, 6, 0, 0, -1, "target MAC (00:00:00:00:00:00)"),
	F("tpa", FT_IP4, 0, arp.tpa, 0, 24, 4, 0, 0, -1, "target IPv4 (the ipv4 dst default)"),
	F("htype", FT_U16, 0, arp.htype, 0xffff, 0, 2, 0, 0, -1, "hardware type (1)"),
	F("ptype", FT_U16, FF_HEXOUT, arp.ptype, 0xffff, 2, 2, 0, 0, -1, "protocol type (0x0800)"),
	F("hlen", FT_U8, 0, arp.hlen, 0xff, 4, 1, 0, 0, -1, "hardware address length (6)"),
	F("plen", FT_U8, 0, arp.plen, 0xff, 5, 1, 0, 0, -1, "protocol address length (4)"),
};

static const struct gnv_lfield f_ip4[] = {
	F("src", FT_IP4, 0, ip4.src, 0, 12, 4, 0, 0, -1, "source (192.0.2.1; inner 10.0.0.1)"),
	F("dst", FT_IP4, 0, ip4.dst, 0, 16, 4, 0, 0, -1, "destination (192.0.2.2; inner 10.0.0.2)"),
	F("ttl", FT_U8, 0, ip4.ttl, 0xff, 8, 1, 0, 0, -1, "time to live (64)"),
	F("tos", FT_U8, FF_HEXOUT, ip4.tos, 0xff, 1, 1, 0, 0, -1, "type of service byte (0)"),
	F("dscp", FT_U8, FF_ALIAS, ip4.tos, 63, 1, 1, 2, 6, 3, "DSCP: the upper 6 bits of tos"),
	F("ecn", FT_U8, FF_ALIAS, ip4.tos, 3, 1, 1, 0, 2, 3, "ECN: the lower 2 bits of tos"),
	F("id", FT_U16, 0, ip4.id, 0xffff, 4, 2, 0, 0, -1, "identification (0)"),
	F("df", FT_U8, 0, ip4.df, 1, 6, 2, 14, 1, -1, "don't fragment (0)"),
	F("mf", FT_U8, 0, ip4.mf, 1, 6, 2, 13, 1, -1, "more fragments (0)"),
	F("rf", FT_U8, 0, ip4.rf, 1, 6, 2, 15, 1, -1, "reserved flag (0)"),
	F("frag", FT_U16, 0, ip4.frag, 8191, 6, 2, 0, 13, -1, "fragment offset in 8-byte units (0)"),
	F("proto", FT_U8, 0, ip4.proto, 0xff, 9, 1, 0, 0, -1, "protocol (from the next layer; 253 before payload)"),
	F("len", FT_U16, 0, ip4.len, 0xffff, 2, 2, 0, 0, -1, "total length (computed)"),
	F("ihl", FT_U8, 0, ip4.ihl, 15, 0, 1, 0, 4, -1, "header length in words (5 + options)"),
	F("csum", FT_CSUM, FF_HEXOUT | FF_NOVARY, ip4.csum, 0xffff, 10, 2, 0, 0, -1, "header checksum: auto, bad, zero or a number (auto)"),
	F("opts", FT_HEX, FF_NOVARY, ip4.opts, 40, 0, 0, 0, 0, -1, "options, hex, a multiple of 4 bytes (none)"),
};

static const struct gnv_lfield f_ip6[] = {
	F("src", FT_IP6, 0, ip6.src, 0, 8, 16, 0, 0, -1, "source (2001:db8::1; inner fd00::1)"),
	F("dst", FT_IP6, 0, ip6.dst, 0, 24, 16, 0, 0, -1, "destination (2001:db8::2; inner fd00::2)"),
	F("hlim", FT_U8, 0, ip6.hlim, 0xff, 7, 1, 0, 0, -1, "hop limit (64)"),
	F("tc", FT_U8, FF_HEXOUT, ip6.tc, 0xff, 0, 4, 20, 8, -1, "traffic class (0)"),
	F("dscp", FT_U8, FF_ALIAS, ip6.tc, 63, 0, 4, 22, 6, 3, "DSCP: the upper 6 bits of tc"),
	F("ecn", FT_U8, FF_ALIAS, ip6.tc, 3, 0, 4, 20, 2, 3, "ECN: the lower 2 bits of tc"),
	F("flow", FT_U32, FF_HEXOUT, ip6.flow, 0xfffff, 0, 4, 0, 20, -1, "flow label (0)"),
	F("nh", FT_U8, 0, ip6.nh, 0xff, 6, 1, 0, 0, -1, "next header (from the next layer; 59 before payload)"),
	F("plen", FT_U16, 0, ip6.plen, 0xffff, 4, 2, 0, 0, -1, "payload length (computed)"),
	F("ext", FT_HEX, FF_NOVARY, ip6.ext, 2048, 0, 0, 0, 0, -1, "extension headers, hex, verbatim (none; set nh to the first)"),
};

static const struct gnv_lfield f_udp[] = {
	F("sport", FT_U16, 0, udp.sport, 0xffff, 0, 2, 0, 0, -1, "source port (before geneve: from the inner flow hash, 49152-65535; else 40000)"),
	F("dport", FT_U16, 0, udp.dport, 0xffff, 2, 2, 0, 0, -1, "destination port (6081 before geneve; else 9)"),
	F("len", FT_U16, 0, udp.len, 0xffff, 4, 2, 0, 0, -1, "length (computed)"),
	F("csum", FT_CSUM, FF_HEXOUT | FF_NOVARY, udp.csum, 0xffff, 6, 2, 0, 0, -1, "checksum: auto, bad, zero or a number (auto)"),
};

static const struct gnv_lfield f_tcp[] = {
	F("sport", FT_U16, 0, tcp.sport, 0xffff, 0, 2, 0, 0, -1, "source port (40000)"),
	F("dport", FT_U16, 0, tcp.dport, 0xffff, 2, 2, 0, 0, -1, "destination port (80)"),
	F("seq", FT_U32, 0, tcp.seq, 0xffffffff, 4, 4, 0, 0, -1, "sequence number (0)"),
	F("ack", FT_U32, 0, tcp.ack, 0xffffffff, 8, 4, 0, 0, -1, "acknowledgement number (0)"),
	F("flags", FT_TCPFLAGS, 0, tcp.flags, 0x1ff, 12, 2, 0, 9, -1, "flags, letters FSRPAUECN or a number (S)"),
	F("win", FT_U16, 0, tcp.win, 0xffff, 14, 2, 0, 0, -1, "window (65535)"),
	F("urg", FT_U16, 0, tcp.urg, 0xffff, 18, 2, 0, 0, -1, "urgent pointer (0)"),
	F("doff", FT_U8, 0, tcp.doff, 15, 12, 1, 4, 4, -1, "data offset in words (5 + options)"),
	F("csum", FT_CSUM, FF_HEXOUT | FF_NOVARY, tcp.csum, 0xffff, 16, 2, 0, 0, -1, "checksum: auto, bad, zero or a number (auto)"),
	F("opts", FT_HEX, FF_NOVARY, tcp.opts, 40, 0, 0, 0, 0, -1, "options, hex, a multiple of 4 bytes (none)"),
	F("rsvd", FT_U8, 0, tcp.rsvd, 7, 12, 2, 9, 3, -1, "the 3 reserved bits before the flags (0)"),
};

static const struct gnv_lfield f_icmp[] = {
	F("type", FT_U8, 0, icmp.type, 0xff, 0, 1, 0, 0, -1, "type (8 echo request; icmp6 128)"),
	F("code", FT_U8, 0, icmp.code, 0xff, 1, 1, 0, 0, -1, "code (0)"),
	F("id", FT_U16, 0, icmp.id, 0xffff, 4, 2, 0, 0, -1, "identifier: bytes 4-5 (0)"),
	F("seq", FT_U16, 0, icmp.seq, 0xffff, 6, 2, 0, 0, -1, "sequence: bytes 6-7 (0)"),
	F("csum", FT_CSUM, FF_HEXOUT | FF_NOVARY, icmp.csum, 0xffff, 2, 2, 0, 0, -1, "checksum: auto, bad, zero or a number (auto)"),
};

static const struct gnv_lfield f_gnv[] = {
	F("vni", FT_U32, 0, gnv.vni, 0xffffff, 4, 4, 8, 24, -1, "virtual network identifier (0)"),
	F("ver", FT_U8, 0, gnv.ver, 3, 0, 1, 6, 2, -1, "version (0)"),
	F("oam", FT_U8, 0, gnv.oam, 1, 1, 1, 7, 1, -1, "O bit, control packet (0)"),
	F("critical", FT_CRIT, 0, gnv.crit, 2, 1, 1, 6, 1, -1, "C bit: auto (set iff a critical option is present), 0 or 1"),
	F("proto", FT_U16, FF_HEXOUT, gnv.proto, 0xffff, 2, 2, 0, 0, -1, "protocol type (from the next layer: eth 0x6558, ipv4 0x0800, ipv6 0x86dd)"),
	F("optlen", FT_U8, 0, gnv.optlen, 63, 0, 1, 0, 6, -1, "Opt Len in 4-byte words (computed from the options)"),
	F("rsvd", FT_U8, 0, gnv.rsvd, 63, 1, 1, 0, 6, -1, "the 6 reserved flag bits (0)"),
	F("rsvd2", FT_U8, 0, gnv.rsvd2, 0xff, 7, 1, 0, 0, -1, "the reserved byte after the VNI (0)"),
	F("opt", FT_OPT, FF_REPEAT | FF_NOVARY, gnv.opts, 0, 0, 0, 0, 0, -1, "an option: NAME:FIELDS or CLASS:TYPE:HEX (repeatable)"),
	F("opthex", FT_OPTHEX, FF_REPEAT | FF_NOVARY, gnv.opts, 0, 0, 0, 0, 0, -1, "option bytes as on the wire, header included (repeatable)"),
};

static const struct gnv_lfield f_vxlan[] = {
	F("vni", FT_U32, 0, vx.vni, 0xffffff, 4, 4, 8, 24, -1, "VXLAN network identifier (0)"),
	F("gbp", FT_U16, 0, vx.gbp, 0xffff, 2, 2, 0, 0, -1, "group policy id, the Cilium/Calico identity (0; giving it sets the G flag)"),
	F("gbpflags", FT_U8, FF_HEXOUT, vx.gbpflags, 0xff, 1, 1, 0, 0, -1, "GBP flags byte: 0x40 D don't learn, 0x08 A policy applied (0)"),
	F("flags", FT_U8, FF_HEXOUT, vx.flags, 0xff, 0, 1, 0, 0, -1, "flags: 0x08 I, 0x80 G (0x08; 0x88 with gbp=)"),
	F("rsvd2", FT_U8, 0, vx.rsvd2, 0xff, 7, 1, 0, 0, -1, "the reserved byte after the VNI (0)"),
};

static const struct gnv_lfield f_gpe[] = {
	F("vni", FT_U32, 0, vx.vni, 0xffffff, 4, 4, 8, 24, -1, "VXLAN network identifier (0)"),
	F("np", FT_U8, 0, vx.np, 0xff, 3, 1, 0, 0, -1, "next protocol (from the next layer: ipv4 1, ipv6 2, eth 3)"),
	F("flags", FT_U8, FF_HEXOUT, vx.flags, 0xff, 0, 1, 0, 0, -1, "flags: version 0x30, 0x08 I, 0x04 P, 0x02 B, 0x01 O (0x0c)"),
	F("rsvd", FT_U16, FF_HEXOUT, vx.rsvd, 0xffff, 1, 2, 0, 0, -1, "the 16 reserved bits after the flags (0)"),
	F("rsvd2", FT_U8, 0, vx.rsvd2, 0xff, 7, 1, 0, 0, -1, "the reserved byte after the VNI (0)"),
};

static const struct gnv_lfield f_gre[] = {
	F("key", FT_U32, FF_HEXOUT | FF_NOVARY, gre.key, 0xffffffff, 0, 0, 0, 0, -1, "key; giving it sets the K flag (none)"),
	F("seq", FT_U32, FF_NOVARY, gre.seq, 0xffffffff, 0, 0, 0, 0, -1, "sequence number; giving it sets the S flag (none)"),
	F("csum", FT_CSUM, FF_HEXOUT | FF_NOVARY, gre.csum, 0xffff, 0, 0, 0, 0, -1, "checksum: auto, bad, zero or a number; giving it sets the C flag (none)"),
	F("proto", FT_U16, FF_HEXOUT, gre.proto, 0xffff, 2, 2, 0, 0, -1, "protocol type (from the next layer: eth 0x6558, ipv4 0x0800, ipv6 0x86dd)"),
	F("flags", FT_U16, FF_HEXOUT, gre.flags, 0xffff, 0, 2, 0, 0, -1, "flags and version (from csum=, key=, seq=: C 0x8000, K 0x2000, S 0x1000)"),
	F("rsvd1", FT_U16, FF_HEXOUT | FF_NOVARY, gre.rsvd1, 0xffff, 0, 0, 0, 0, -1, "the reserved half word after the checksum (0)"),
};

static const struct gnv_lfield f_nvgre[] = {
	F("vsid", FT_U32, 0, gre.vsid, 0xffffff, 4, 4, 8, 24, -1, "virtual subnet id (0)"),
	F("flowid", FT_U8, 0, gre.flowid, 0xff, 7, 1, 0, 0, -1, "flow id, the key's low byte (0)"),
	F("proto", FT_U16, FF_HEXOUT, gre.proto, 0xffff, 2, 2, 0, 0, -1, "protocol type (0x6558)"),
	F("flags", FT_U16, FF_HEXOUT, gre.flags, 0xffff, 0, 2, 0, 0, -1, "GRE flags and version (0x2000, K)"),
};

static const struct gnv_lfield f_gue[] = {
	F("proto", FT_U8, 0, gue.proto, 0xff, 1, 1, 0, 0, -1, "IP protocol carried (from the next layer: ipv4 4, ipv6 41, eth 143); with c=1 the control type"),
	F("ver", FT_U8, 0, gue.ver, 3, 0, 1, 6, 2, -1, "variant: 0, or 1 (no GUE header: the IPv4/IPv6 packet follows the UDP header) (0)"),
	F("c", FT_U8, 0, gue.c, 1, 0, 1, 5, 1, -1, "C bit: a control message, proto is its type (0)"),
	F("hlen", FT_U8, 0, gue.hlen, 31, 0, 1, 0, 5, -1, "extension fields in 32-bit words (from ext=)"),
	F("flags", FT_U16, FF_HEXOUT, gue.flags, 0xffff, 2, 2, 0, 0, -1, "the 16 flag bits (0)"),
	F("ext", FT_HEX, FF_NOVARY, gue.ext, 124, 0, 0, 0, 0, -1, "extension fields, hex, a multiple of 4 bytes (none)"),
};

static const struct gnv_lfield f_stt[] = {
	F("ctx", FT_U32, FF_HEXOUT, stt.ctx, 0xffffffff, 12, 4, 0, 0, -1, "context id, its low 32 bits (0)"),
	F("ctx_hi", FT_U32, FF_HEXOUT, stt.ctx_hi, 0xffffffff, 8, 4, 0, 0, -1, "context id, its high 32 bits (0)"),
	F("flags", FT_U8, FF_HEXOUT, stt.flags, 0xff, 1, 1, 0, 0, -1, "0x01 checksum verified, 0x02 checksum partial, 0x04 IPv4, 0x08 TCP (0)"),
	F("mss", FT_U16, 0, stt.mss, 0xffff, 4, 2, 0, 0, -1, "maximum segment size (0)"),
	F("vlan", FT_U16, 0, stt.vid, 4095, 6, 2, 0, 12, -1, "VLAN id (0; set v=1 for it to count)"),
	F("pcp", FT_U8, 0, stt.pcp, 7, 6, 2, 13, 3, -1, "VLAN priority code point (0)"),
	F("v", FT_U8, 0, stt.v, 1, 6, 2, 12, 1, -1, "V: the VLAN fields are valid (0)"),
	F("l4off", FT_U8, 0, stt.l4off, 0xff, 2, 1, 0, 0, -1, "L4 offset in the inner frame (0)"),
	F("ver", FT_U8, 0, stt.ver, 0xff, 0, 1, 0, 0, -1, "version (0)"),
	F("rsvd", FT_U8, 0, stt.rsvd, 0xff, 3, 1, 0, 0, -1, "the reserved byte (0)"),
	F("pad", FT_U16, 0, stt.pad, 0xffff, 16, 2, 0, 0, -1, "the 2 padding bytes (0)"),
};

static const struct gnv_lfield f_data[] = {
	F("len", FT_U16, FF_NOVARY, data.len, 0xffff, 0, 0, 0, 0, -1, "size in bytes: zeros, or hex/text padded or cut (the data size)"),
	F("hex", FT_HEX, FF_NOVARY, data.data, 0xffff, 0, 0, 0, 0, -1, "bytes in hex"),
	F("text", FT_TEXT, FF_NOVARY, data.data, 0xffff, 0, 0, 0, 0, -1, "bytes as text (quote with \"...\")"),
};

#define T(n, h, f) { n, h, f, (uint8_t)(sizeof(f) / sizeof((f)[0])) }
const struct gnv_ldesc gnv_lang_layers[LK__COUNT] = {
	[LK_ETH] = T("eth", "Ethernet II", f_eth),
	[LK_VLAN] = T("vlan", "802.1Q / 802.1ad tag", f_vlan),
	[LK_ARP] = T("arp", "ARP for IPv4 over Ethernet", f_arp),
	[LK_IPV4] = T("ipv4", "IPv4", f_ip4),
	[LK_IPV6] = T("ipv6", "IPv6", f_ip6),
	[LK_UDP] = T("udp", "UDP", f_udp),
	[LK_TCP] = T("tcp", "TCP", f_tcp),
	[LK_ICMP] = T("icmp", "ICMP", f_icmp),
	[LK_ICMP6] = T("icmp6", "ICMPv6", f_icmp),
	[LK_GENEVE] = T("geneve", "Geneve (RFC 8926)", f_gnv),
	[LK_PAYLOAD] = T("payload", "data after the headers", f_data),
	[LK_PAD] = T("pad", "bytes after the IP packet of this level (not counted in its lengths)", f_data),
	[LK_VXLAN] = T("vxlan", "VXLAN (RFC 7348) with group policy (GBP)", f_vxlan),
	[LK_GPE] = T("vxlan-gpe", "VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe)", f_gpe),
	[LK_GRE] = T("gre", "GRE (RFC 2784, 2890)", f_gre),
	[LK_NVGRE] = T("nvgre", "NVGRE (RFC 7637)", f_nvgre),
	[LK_GUE] = T("gue", "GUE, Generic UDP Encapsulation (draft-ietf-intarea-gue)", f_gue),
	[LK_STT] = T("stt", "STT, Stateless Transport Tunneling (draft-davie-stt), after tcp", f_stt),
};

static const struct { const char *alias; enum gnv_lkind kind; } layer_aliases[] = {
	{ "ip", LK_IPV4 }, { "ip6", LK_IPV6 }, { "ether", LK_ETH }, { "raw", LK_PAYLOAD },
	{ "gpe", LK_GPE },
};

int gnv_lang_field(enum gnv_lkind kind, const char *name, size_t n)
{
	const struct gnv_ldesc *d = &gnv_lang_layers[kind];

	for (int i = 0; i < d->nf; i++)
		if (strlen(d->f[i].name) == n && !strncmp(d->f[i].name, name, n))
			return i;
	return -1;
}

uint16_t gnv_lkind_ethertype(enum gnv_lkind k)
{
	switch (k) {
	case LK_IPV4: return 0x0800;
	case LK_IPV6: return 0x86dd;
	case LK_ARP: return 0x0806;
	case LK_VLAN: return 0x8100;
	case LK_ETH: return 0x6558;
	default: return 0;
	}
}

uint16_t gnv_layer_inner_type(const struct gnv_layer *l)
{
	switch (l->kind) {
	case LK_GENEVE: return l->u.gnv.proto;
	case LK_VXLAN: case LK_STT: return 0x6558;
	case LK_GPE: return gnv_gpe_ethertype(l->u.vx.np);
	case LK_GRE: case LK_NVGRE: return l->u.gre.proto;
	case LK_GUE:
		if (l->u.gue.ver == 1)
			return 0x0800;	/* or IPv6: the flow hash looks at the version */
		return l->u.gue.c ? 0 : gnv_gue_ethertype(l->u.gue.proto);
	default: return 0;
	}
}

uint8_t gnv_lkind_ipproto(enum gnv_lkind k)
{
	switch (k) {
	case LK_UDP: return 17;
	case LK_TCP: return 6;
	case LK_ICMP: return 1;
	case LK_GRE: case LK_NVGRE: return 47;
	case LK_ICMP6: return 58;
	case LK_IPV4: return 4;
	case LK_IPV6: return 41;
	case LK_ETH: return 143;	/* RFC 8986 Ethernet */
	default: return 0;
	}
}

void gnv_spec_init(struct gnv_spec *spec, uint16_t genv_class)
{
	spec->genv_class = genv_class;
	spec->optreg = NULL;
	spec->tlvmap = NULL;
	spec->nlayer = 0;
	spec->pool_used = 0;
	memset(spec->l, 0, sizeof(spec->l));
}

int gnv_spec_add_bytes(struct gnv_spec *spec, struct gnv_blob *b,
		       const uint8_t *p, size_t n)
{
	if (n > GNV_SPEC_POOL - spec->pool_used)
		return -ENOSPC;
	if (b->size && b->off + b->size != spec->pool_used)
		return -EINVAL;	/* blobs grow only at the end of the pool */
	if (!b->size)
		b->off = (uint16_t)spec->pool_used;
	if (n)
		memcpy(spec->pool + spec->pool_used, p, n);
	spec->pool_used += (uint32_t)n;
	b->size = (uint16_t)(b->size + n);
	return 0;
}

/* ---- errors ---- */

struct pctx {
	struct gnv_spec *spec;
	char *err;
	size_t errsz;
	int pos;		/* 1-based layer position */
	const char *lname;
};

__attribute__((format(printf, 2, 3)))
static int perr(struct pctx *c, const char *fmt, ...)
{
	va_list ap;
	int n = 0;

	if (!c->errsz)
		return -EINVAL;
	if (c->pos && c->lname)
		n = snprintf(c->err, c->errsz, "layer %d '%s': ", c->pos, c->lname);
	else if (c->pos)
		n = snprintf(c->err, c->errsz, "layer %d: ", c->pos);
	if (n < 0 || (size_t)n >= c->errsz)
		return -EINVAL;
	va_start(ap, fmt);
	gnv_verrf(c->err + n, c->errsz - (size_t)n, -EINVAL, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Closest of the names (for "did you mean"), or NULL. */
static const char *closest(const char *w, size_t n, const char *const *names, size_t count)
{
	return gnv_closest(w, n, names, count, n <= 2 ? 2 : 3);
}

/* ---- values ---- */

static void put_member(struct gnv_layer *l, const struct gnv_lfield *f, uint32_t v)
{
	uint8_t *m = (uint8_t *)l + f->moff;

	switch (f->type) {
	case FT_U16: case FT_TCPFLAGS: {
		uint16_t x = (uint16_t)v;
		memcpy(m, &x, 2);
		break;
	}
	case FT_U32: memcpy(m, &v, 4); break;
	default: *m = (uint8_t)v; break;
	}
}

static int parse_number(struct pctx *c, const struct gnv_lfield *f, const char *v, uint64_t *out)
{
	int ret = num_parse_u64(v, 0, f->max, out);

	if (ret == -ERANGE)
		return perr(c, "%s: '%s' is out of range (0-%lu)", f->name, v, (unsigned long)f->max);
	if (ret)
		return perr(c, "%s: '%s' is not a number", f->name, v);
	return 0;
}

static int parse_tcpflags(const char *v, uint64_t *out)
{
	static const char letters[] = "FSRPAUECN";
	uint64_t fl = 0;

	if (!*v)
		return -EINVAL;
	if (*v >= '0' && *v <= '9')
		return num_parse_u64(v, 0, 0x1ff, out);
	for (; *v; v++) {
		const char *p = *v == '.' ? letters + 4 : strchr(letters, *v);

		if (!p || !*v)
			return -EINVAL;
		fl |= 1u << (p - letters);
	}
	*out = fl;
	return 0;
}

static int add_option(struct pctx *c, struct gnv_layer *l, const char *v)
{
	uint8_t tlv[128], data[128];
	uint16_t cls = 0;
	uint8_t type = 0;
	size_t size = 0;
	char emsg[160];
	int ret;

	if (gnv_ovs_is_notation(v)) {
		/* Open vSwitch's geneve({...}{...}): several options at once */
		uint8_t tlvs[4 * GNV_MAX_OPTS];
		size_t n = 0;

		if (gnv_ovs_parse(v, tlvs, sizeof(tlvs), &n, emsg, sizeof(emsg)))
			return perr(c, "opt: %s", emsg);
		if (gnv_spec_add_bytes(c->spec, &l->u.gnv.opts, tlvs, n))
			return perr(c, "opt: too many option bytes");
		return 0;
	}
	memset(data, 0, sizeof(data));
	emsg[0] = 0;
	ret = gnv_opt_encode_reg(c->spec->optreg, v, c->spec->genv_class, &cls, &type, data, &size, emsg, sizeof(emsg));
	if (ret)
		return perr(c, "opt: %s", emsg[0] ? emsg : "cannot encode option");
	if (size > 124)
		return perr(c, "opt: option data is %zu bytes (at most 124)", size);
	size = (size + 3) & ~(size_t)3;
	tlv[0] = (uint8_t)(cls >> 8);
	tlv[1] = (uint8_t)cls;
	tlv[2] = type;
	tlv[3] = (uint8_t)(size / 4);
	memcpy(tlv + 4, data, size);
	if (gnv_spec_add_bytes(c->spec, &l->u.gnv.opts, tlv, size + 4))
		return perr(c, "opt: too many option bytes");
	return 0;
}

/* Decode a double-quoted value in place: returns length or -1. */
static int unquote(char *s, size_t *n)
{
	char *w = s;
	const char *r = s + 1;

	for (;;) {
		char ch = *r++;

		if (!ch)
			return -1;
		if (ch == '"')
			break;
		if (ch == '\\') {
			ch = *r++;
			switch (ch) {
			case 'n': ch = '\n'; break;
			case 't': ch = '\t'; break;
			case 'r': ch = '\r'; break;
			case '0': ch = 0; break;
			case '\\': case '"': break;
			case 'x': {
				unsigned int x = 0;

				for (int k = 0; k < 2; k++) {
					char h = (char)(r[k] | 0x20);

					if (h >= '0' && h <= '9')
						x = x * 16 + (unsigned int)(h - '0');
					else if (h >= 'a' && h <= 'f')
						x = x * 16 + (unsigned int)(h - 'a' + 10);
					else
						return -1;
				}
				ch = (char)x;
				r += 2;
				break;
			}
			default: return -1;
			}
		}
		*w++ = ch;
	}
	if (*r)
		return -1;	/* text after the closing quote */
	*n = (size_t)(w - s);
	return 0;
}

static int set_field(struct pctx *c, struct gnv_layer *l, int fi, char *v, size_t vlen)
{
	const struct gnv_lfield *f = &gnv_lang_layers[l->kind].f[fi];
	uint8_t *m = (uint8_t *)l + f->moff;
	uint64_t x;
	size_t n;
	int ret;

	if ((l->set & (1ull << fi)) && !(f->flags & FF_REPEAT))
		return perr(c, "'%s' is given twice", f->name);
	l->set |= 1ull << fi;
	if (v[0] == '"' && f->type != FT_TEXT)
		return perr(c, "%s: quotes are only for text=", f->name);
	switch (f->type) {
	case FT_U8: case FT_U16: case FT_U32:
		ret = parse_number(c, f, v, &x);
		if (ret)
			return ret;
		if (f->flags & FF_ALIAS) {
			const struct gnv_lfield *t = &gnv_lang_layers[l->kind].f[f->alias];
			unsigned int sh = (unsigned int)(f->wshift - t->wshift);
			uint8_t mask = (uint8_t)(((1u << f->wbits) - 1) << sh);

			*m = (uint8_t)((*m & ~mask) | ((x << sh) & mask));
			l->set |= 1ull << f->alias;
			return 0;
		}
		put_member(l, f, (uint32_t)x);
		return 0;
	case FT_TCPFLAGS:
		ret = parse_tcpflags(v, &x);
		if (ret == -ERANGE)
			return perr(c, "flags: '%s' is out of range (0-0x1ff)", v);
		if (ret)
			return perr(c, "flags: '%s' is not TCP flags (letters FSRPAUECN, e.g. SA, or a number)", v);
		put_member(l, f, (uint32_t)x);
		return 0;
	case FT_MAC:
		if (parse_mac(v, m))
			return perr(c, "%s: '%s' is not a MAC address", f->name, v);
		return 0;
	case FT_IP4:
		if (parse_ip4(v, m))
			return perr(c, "%s: '%s' is not an IPv4 address", f->name, v);
		return 0;
	case FT_IP6:
		if (parse_ip6(v, m))
			return perr(c, "%s: '%s' is not an IPv6 address", f->name, v);
		return 0;
	case FT_CSUM: {
		struct gnv_csum_spec cs = { GNV_CS_AUTO, 0 };

		if (!strcmp(v, "auto"))
			cs.mode = GNV_CS_AUTO;
		else if (!strcmp(v, "bad"))
			cs.mode = GNV_CS_BAD;
		else if (!strcmp(v, "zero"))
			cs.mode = GNV_CS_ZERO;
		else {
			ret = num_parse_u64(v, 0, 0xffff, &x);
			if (ret)
				return perr(c, "csum: '%s' is not auto, bad, zero or a 16-bit number", v);
			cs.mode = GNV_CS_SET;
			cs.val = (uint16_t)x;
		}
		memcpy(m, &cs, sizeof(cs));
		return 0;
	}
	case FT_CRIT:
		if (!strcmp(v, "auto"))
			*m = GNV_CRIT_AUTO;
		else if (!strcmp(v, "0"))
			*m = GNV_CRIT_0;
		else if (!strcmp(v, "1"))
			*m = GNV_CRIT_1;
		else
			return perr(c, "critical: '%s' is not auto, 0 or 1", v);
		return 0;
	case FT_OPT:
		if (!*v)
			return perr(c, "opt: empty option");
		return add_option(c, l, v);
	case FT_OPTHEX: case FT_HEX: {
		struct gnv_blob *b = (struct gnv_blob *)m;
		size_t room = GNV_SPEC_POOL - c->spec->pool_used;

		if (f->type == FT_HEX && f->max < room)
			room = f->max;
		if (b->size && b->off + b->size != c->spec->pool_used)
			return perr(c, "%s: cannot append", f->name);
		ret = parse_hex(v, c->spec->pool + c->spec->pool_used, room, &n);
		if (ret == -ERANGE)
			return perr(c, "%s: too many bytes (at most %zu)", f->name, room);
		if (ret)
			return perr(c, "%s: '%s' is not hex bytes", f->name, v);
		if ((l->kind == LK_IPV4 || l->kind == LK_TCP || l->kind == LK_GUE) && n % 4)
			return perr(c, "%s: %zu bytes is not a multiple of 4", f->name, n);
		if (l->kind == LK_IPV6 && n % 8)
			return perr(c, "%s: %zu bytes is not a multiple of 8", f->name, n);
		if (!b->size)
			b->off = (uint16_t)c->spec->pool_used;
		b->size = (uint16_t)(b->size + n);
		c->spec->pool_used += (uint32_t)n;
		if (f->type == FT_HEX && (l->kind == LK_PAYLOAD || l->kind == LK_PAD) &&
		    (l->set & (1ull << 2)))
			return perr(c, "give hex= or text=, not both");
		return 0;
	}
	case FT_TEXT: {
		struct gnv_blob *b = (struct gnv_blob *)m;

		if (l->set & (1ull << 1))
			return perr(c, "give hex= or text=, not both");
		n = vlen;
		if (v[0] == '"' && unquote(v, &n))
			return perr(c, "text: unterminated quote or bad escape in %s", v);
		if (n > f->max || gnv_spec_add_bytes(c->spec, b, (const uint8_t *)v, n))
			return perr(c, "text: too long");
		return 0;
	}
	}
	return perr(c, "%s: unsupported field", f->name);
}

/* ---- layers ---- */

static int layer_lookup(const char *w, size_t n)
{
	for (int k = 0; k < LK__COUNT; k++)
		if (strlen(gnv_lang_layers[k].name) == n && !strncmp(gnv_lang_layers[k].name, w, n))
			return k;
	for (size_t i = 0; i < sizeof(layer_aliases) / sizeof(layer_aliases[0]); i++)
		if (strlen(layer_aliases[i].alias) == n && !strncmp(layer_aliases[i].alias, w, n))
			return layer_aliases[i].kind;
	return -1;
}

static int insert_layer(struct gnv_spec *s, int at, enum gnv_lkind kind)
{
	if (s->nlayer >= GNV_SPEC_MAX_LAYERS)
		return -ENOSPC;
	memmove(&s->l[at + 1], &s->l[at], (size_t)(s->nlayer - at) * sizeof(s->l[0]));
	memset(&s->l[at], 0, sizeof(s->l[0]));
	s->l[at].kind = (uint8_t)kind;
	s->nlayer++;
	return 0;
}

static bool is_ip(int k)
{
	return k == LK_IPV4 || k == LK_IPV6;
}

/* Fill in the layers the text left out (see lang.h). */
static int fill_in(struct gnv_spec *s)
{
	static const enum gnv_lkind geneve_outer[] = { LK_ETH, LK_IPV4, LK_UDP };
	int k = s->l[0].kind, ret = 0, n = 0;

	if (gnv_lkind_is_udp_tunnel(k))
		n = 3;
	else if (k == LK_GRE || k == LK_NVGRE)
		n = 2;
	else if (k == LK_UDP || k == LK_TCP || k == LK_ICMP)
		n = 2;
	else if (k == LK_STT) {
		ret = insert_layer(s, 0, LK_TCP);
		n = 2;
	}
	else if (k == LK_VLAN || k == LK_ARP)
		n = 1;
	else if (k == LK_ICMP6) {
		ret = insert_layer(s, 0, LK_IPV6);
		n = 1;
	}
	for (int i = n - 1; i >= 0 && !ret; i--)
		ret = insert_layer(s, 0, geneve_outer[i]);
	for (int i = 1; i < s->nlayer && !ret; i++) {
		int prev = s->l[i - 1].kind;

		k = s->l[i].kind;
		if (gnv_lkind_is_udp_tunnel(k) && prev != LK_UDP)
			ret = insert_layer(s, i, LK_UDP);
		else if (k == LK_STT && prev != LK_TCP)
			ret = insert_layer(s, i, LK_TCP);
		else if ((k == LK_GRE || k == LK_NVGRE) && !is_ip(prev))
			ret = insert_layer(s, i, LK_IPV4);
		else if ((k == LK_UDP || k == LK_TCP || k == LK_ICMP) && !is_ip(prev))
			ret = insert_layer(s, i, LK_IPV4);
		else if (k == LK_ICMP6 && !is_ip(prev))
			ret = insert_layer(s, i, LK_IPV6);
		else
			continue;
		i--;	/* what was inserted may need a carrier too */
	}
	return ret;
}

static bool is_space(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r';
}

/* Next word in [*p, end): stops at blanks and '/', honours "..." and
 * keeps a '/' inside (...) or {...} (OVS's masks: opt=geneve({...,0x1/0xf})),
 * and the mask of an OVS word tun_metadataN=0x1234/0xffff */
static bool ovs_mask(const char *p, size_t n)
{
	return n > 12 && !strncmp(p, "tun_metadata", 12) && memchr(p, '=', n) &&
	       p[n + 1] == '0' && (p[n + 2] | 0x20) == 'x';
}

static size_t next_word(const char *p, bool *unterminated)
{
	size_t n = 0;
	bool q = false;
	unsigned int depth = 0;

	*unterminated = false;
	while (p[n] && (q || (!is_space(p[n]) && (p[n] != '/' || depth || ovs_mask(p, n))))) {
		if (p[n] == '\\' && q && p[n + 1]) {
			n += 2;
			continue;
		}
		if (p[n] == '"')
			q = !q;
		else if (!q && (p[n] == '(' || p[n] == '{'))
			depth++;
		else if (!q && depth && (p[n] == ')' || p[n] == '}'))
			depth--;
		n++;
	}
	*unterminated = q;
	return n;
}

/* The parse, with room for the longest word of text in word (no fixed
 * limit on a word: a 64 KB frame's payload hex is one). */
static int lang_parse(const char *text, struct gnv_spec *spec, char *err, size_t errsz,
		      char *word)
{
	struct pctx c = { spec, err, errsz, 0, NULL };
	const char *p = text;
	struct gnv_layer *l = NULL;
	bool need_layer = true;
	int ret;

	if (errsz)
		err[0] = 0;
	spec->nlayer = 0;
	spec->pool_used = 0;
	for (;;) {
		size_t n;
		bool unterm;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		if (*p == '/') {
			if (need_layer) {
				c.pos = spec->nlayer + 1;
				c.lname = NULL;
				return perr(&c, "empty layer (a '/' with nothing before it)");
			}
			need_layer = true;
			p++;
			continue;
		}
		n = next_word(p, &unterm);
		if (unterm)
			return perr(&c, "unterminated quote in '%s'", p);
		memcpy(word, p, n);
		word[n] = 0;
		p += n;
		if (need_layer) {
			int k = layer_lookup(word, n);

			c.pos = spec->nlayer + 1;
			c.lname = NULL;
			if (k < 0) {
				const char *names[LK__COUNT];
				const char *best;

				for (int i = 0; i < LK__COUNT; i++)
					names[i] = gnv_lang_layers[i].name;
				if (strchr(word, '='))
					return perr(&c, "'%s' is a field, but a layer name must come first", word);
				best = closest(word, n, names, LK__COUNT);
				if (best)
					return perr(&c, "'%s' is not a layer (did you mean '%s'?)", word, best);
				return perr(&c, "'%s' is not a layer (eth vlan arp ipv4 ipv6 udp tcp icmp icmp6 geneve vxlan vxlan-gpe gre nvgre gue stt payload pad)", word);
			}
			if (spec->nlayer >= GNV_SPEC_MAX_LAYERS)
				return perr(&c, "too many layers (at most %d)", GNV_SPEC_MAX_LAYERS);
			l = &spec->l[spec->nlayer++];
			memset(l, 0, sizeof(*l));
			l->kind = (uint8_t)k;
			l->pos = (uint8_t)c.pos;
			c.lname = gnv_lang_layers[k].name;
			need_layer = false;
			continue;
		}
		{
			char *eq = strchr(word, '=');
			const struct gnv_ldesc *d = &gnv_lang_layers[l->kind];
			size_t klen = eq ? (size_t)(eq - word) : n;
			int fi = gnv_lang_field(l->kind, word, klen);

			if (fi < 0 && l->kind == LK_GENEVE && gnv_tlvmap_index(word, n) >= 0) {
				/* Open vSwitch's tun_metadataN=VALUE, by the TLV map */
				uint8_t tlv[4 + 124];
				size_t tn = 0;
				char emsg[200];

				if (gnv_tlvmap_encode(spec->tlvmap, word, n, tlv, sizeof(tlv), &tn, emsg, sizeof(emsg)))
					return perr(&c, "%s", emsg);
				if (gnv_spec_add_bytes(spec, &l->u.gnv.opts, tlv, tn))
					return perr(&c, "opt: too many option bytes");
				l->set |= 1ull << F_GNV_OPT;
				continue;
			}
			if (fi < 0) {
				const char *names[32];
				const char *best;
				int li = layer_lookup(word, klen);

				for (int i = 0; i < d->nf; i++)
					names[i] = d->f[i].name;
				best = closest(word, klen, names, d->nf);
				word[klen] = 0;
				if (!eq && li >= 0)
					return perr(&c, "'%s' is a layer: separate layers with '/'", word);
				if (best)
					return perr(&c, "'%s' is not a %s field (did you mean '%s'?)", word, d->name, best);
				return perr(&c, "'%s' is not a %s field", word, d->name);
			}
			if (!eq)
				return perr(&c, "'%s' needs a value (%s=...)", word, word);
			ret = set_field(&c, l, fi, eq + 1, n - klen - 1);
			if (ret)
				return ret;
		}
	}
	if (!spec->nlayer) {
		c.pos = 0;
		return perr(&c, "empty packet description");
	}
	if (need_layer) {
		c.pos = spec->nlayer + 1;
		c.lname = NULL;
		return perr(&c, "empty layer (the text ends with '/')");
	}
	c.pos = 0;
	if (fill_in(spec))
		return perr(&c, "too many layers once the missing ones are filled in (at most %d)",
			    GNV_SPEC_MAX_LAYERS);
	for (int i = 0, lv = 0; i < spec->nlayer; i++) {
		spec->l[i].level = (uint8_t)lv;
		if (gnv_lkind_is_tunnel(spec->l[i].kind))
			lv++;
	}
	return 0;
}

int gnv_lang_parse(const char *text, struct gnv_spec *spec, char *err, size_t errsz)
{
	char small[512], *word = small;
	size_t n = strlen(text);
	int ret;

	if (n >= sizeof(small) && !(word = malloc(n + 1))) {
		if (errsz)
			snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	ret = lang_parse(text, spec, err, errsz, word);
	if (word != small)
		free(word);
	return ret;
}
