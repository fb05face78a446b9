/* SPDX-License-Identifier: MIT */
/*
 * The decoded form of one frame.  Decoders fill it (decode.c and the layer
 * files), renderers read it (print_text.c, print_json.c, lang_print.c), and
 * the router and trace use it too.  It holds offsets into the caller's
 * buffer, never copies of the payload, and it is reused from packet to
 * packet: nothing is allocated.
 *
 *   frame = outer eth [vlan..] / outer ip / udp dport=6081 / geneve [opts]
 *           / inner eth | inner ip (by geneve proto) / l4 / payload
 *
 * Layer: libcore; header only, uses err.h and libc.
 */
#ifndef GENV_PKT_H
#define GENV_PKT_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include "err.h"

#define GNV_PORT		6081
#define GNV_VXLAN_PORT		4789	/* RFC 7348 */
#define GNV_GPE_PORT		4790	/* VXLAN-GPE */
#define GNV_GUE_PORT		6080	/* GUE: no IANA port; genv's default (gue.c) */
#define GNV_STT_PORT		7471	/* STT, TCP destination port (draft-davie-stt) */
#define GNV_STT_HDR_SIZE	18	/* the STT frame header, padding included */
#define GNV_HDR_SIZE		8	/* the Geneve header before the options */
#define GNV_MAX_ERRS		16
#define GNV_MAX_OPTS		63	/* 252 bytes of options / 4 */
#define GNV_VNI_MAX		0xFFFFFFu	/* the VNI is 24 bits */
#define GNV_MAX_VLANS		2
#define GNV_MAX_IP6_EXT		8

enum gnv_linktype {
	GNV_LINK_ETH = 1,	/* DLT_EN10MB */
	GNV_LINK_RAW = 101,	/* DLT_RAW: IPv4 or IPv6 by version nibble */
	GNV_LINK_SLL = 113,	/* DLT_LINUX_SLL (any device) */
	GNV_LINK_SLL2 = 276,	/* DLT_LINUX_SLL2: the same with interface index and direction */
	GNV_LINK_GENEVE = 0x10000, /* not a DLT: starts at the Geneve header (a UDP payload) */
};

struct gnv_addr {
	uint8_t family;		/* 0 none, 4, 6 */
	uint8_t a[16];		/* IPv4 in the first 4 bytes */
};

/* Same family and address (4 bytes compared unless the family is 6). */
static inline bool gnv_addr_eq(const struct gnv_addr *x, const struct gnv_addr *y)
{
	return x->family == y->family && !memcmp(x->a, y->a, x->family == 6 ? 16 : 4);
}

struct gnv_eth {
	bool present;
	uint8_t dst[6];
	uint8_t src[6];
	uint8_t nvlan;
	struct {
		uint16_t tpid;		/* 0x8100 or 0x88a8 */
		uint16_t tci;		/* pcp:3 dei:1 vid:12 */
	} vlan[GNV_MAX_VLANS];
	uint16_t type;		/* EtherType after the tags */
	uint32_t off;
};

struct gnv_arp {
	bool present;
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	uint8_t sha[6], tha[6];
	uint8_t spa[4], tpa[4];
	uint32_t off;
};

enum gnv_csum_state {
	GNV_CSUM_NA = 0,	/* no checksum here (or not reached) */
	GNV_CSUM_OK,
	GNV_CSUM_BAD,
	GNV_CSUM_ZERO,		/* UDP: sender did not compute one */
	GNV_CSUM_UNVERIFIED,	/* truncated capture, fragment, or not asked */
	GNV_CSUM_PARTIAL,	/* pseudo-header sum only: offload pending */
};

struct gnv_ip {
	uint8_t version;	/* 0 when absent */
	uint8_t proto;		/* upper-layer protocol (after IPv6 ext headers) */
	uint8_t ttl;		/* TTL or hop limit */
	uint8_t tos;		/* TOS or traffic class (DSCP << 2 | ECN) */
	struct gnv_addr src, dst;
	uint16_t hdr_size;	/* IPv4 IHL*4; IPv6 40 + extension headers */
	uint32_t tot_len;	/* bytes the header claims (after GSO/jumbo fixups) */
	uint16_t id;		/* IPv4 id, or IPv6 fragment id low bits */
	uint16_t frag_off;	/* fragment offset in bytes/8 */
	bool df, mf;
	bool fragment;		/* non-first fragments carry no L4 header */
	bool len_from_frame;	/* length 0 on the wire: GSO / BIG TCP */
	uint32_t flow_label;	/* IPv6 */
	uint16_t hcsum;		/* IPv4 header checksum as on the wire */
	enum gnv_csum_state hcsum_state;
	uint8_t n_ext;		/* IPv6 extension headers walked */
	uint8_t ext[GNV_MAX_IP6_EXT];
	uint32_t jumbo_len;	/* IPv6 jumbo payload option, if any */
	uint32_t off;
};

struct gnv_l4 {
	uint8_t proto;		/* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6; 0 none */
	uint16_t sport, dport;
	uint16_t csum;		/* as on the wire */
	enum gnv_csum_state csum_state;
	uint16_t ulen;		/* UDP length field */
	uint32_t seq, ack;	/* TCP */
	uint16_t flags;		/* TCP flags: FIN 0x01 .. CWR 0x80, NS 0x100 */
	uint16_t win;
	uint8_t doff;		/* TCP header bytes */
	uint8_t type, code;	/* ICMP / ICMPv6 */
	uint16_t icmp_id, icmp_seq;	/* echo request/reply */
	uint32_t off;
	uint32_t payload_off;	/* first byte after the L4 header */
	uint32_t payload_size;	/* claimed payload bytes */
};

struct gnv_layers {
	struct gnv_eth eth;
	struct gnv_arp arp;
	struct gnv_ip ip;
	struct gnv_l4 l4;
};

struct gnv_opt {
	uint16_t cls;
	uint8_t type;		/* high bit: critical */
	uint8_t rsvd;		/* the 3 reserved bits */
	uint8_t size;		/* data bytes (length field * 4) */
	uint32_t off;		/* offset of the option header in the frame */
};

static inline bool gnv_opt_critical(const struct gnv_opt *o)
{
	return o->type & 0x80;
}

struct gnv_geneve {
	bool present;
	uint8_t ver;
	uint8_t opt_size;	/* Opt Len * 4 */
	bool oam, crit;
	uint8_t rsvd1;		/* 6 reserved flag bits */
	uint16_t proto;
	uint32_t vni;
	uint8_t rsvd2;
	uint8_t nopt;
	bool any_critical;
	struct gnv_opt opt[GNV_MAX_OPTS];
	uint32_t off;		/* offset of the Geneve header */
	uint32_t inner_off;	/* first byte after the options */
};

/* The first option of class cls and type (with or without the critical
 * bit) in g, or NULL. */
static inline const struct gnv_opt *gnv_geneve_opt(const struct gnv_geneve *g, uint16_t cls, uint8_t type)
{
	for (unsigned int i = 0; i < g->nopt; i++)
		if (g->opt[i].cls == cls && (g->opt[i].type & 0x7f) == (type & 0x7f))
			return &g->opt[i];
	return NULL;
}

/*
 * The tunnel the frame was decoded through.  Geneve fills struct
 * gnv_geneve alone; the others fill its common fields too (present, vni,
 * proto as the inner EtherType, off, inner_off, oam) and their own here.
 */
enum gnv_tun_kind {
	GNV_TUN_GENEVE = 0,
	GNV_TUN_VXLAN,		/* RFC 7348, with the GBP extension */
	GNV_TUN_GPE,		/* VXLAN-GPE (draft-ietf-nvo3-vxlan-gpe) */
	GNV_TUN_GRE,		/* RFC 2784, RFC 2890 */
	GNV_TUN_NVGRE,		/* RFC 7637: GRE, key only, proto 0x6558 */
	GNV_TUN_GUE,		/* draft-ietf-intarea-gue: variant 0 or 1 */
	GNV_TUN_STT,		/* draft-davie-stt: over TCP, context id */
};

struct gnv_tun {
	uint8_t kind;		/* enum gnv_tun_kind */
	uint8_t hdr_size;	/* bytes of the tunnel header */
	uint8_t flags;		/* VXLAN/GPE: the flags byte */
	bool gbp;		/* VXLAN G bit: the group policy id is valid */
	uint8_t gbp_flags;	/* VXLAN byte 1: D 0x40 (don't learn), A 0x08 (applied) */
	uint16_t gbp_id;	/* VXLAN group policy id (Cilium/Calico identity) */
	uint8_t next_proto;	/* GPE: 1 IPv4, 2 IPv6, 3 Ethernet, 4 NSH, 5 MPLS;
				 * GUE: proto (IP protocol) or, with C, ctype */
	uint8_t gue_hlen;	/* GUE variant 0: extension words after the 4 bytes
				 * (flags: the first byte; variant in gnv.ver) */
	uint16_t gue_flags;	/* GUE variant 0: the 16 flag bits */
	bool stt_cont;		/* STT: a later segment (TCP seq low 16 bits not 0), no header */
	uint8_t stt_l4off, stt_rsvd;	/* STT: L4 offset, reserved byte (flags: flags, version: gnv.ver) */
	uint16_t stt_mss, stt_vlan, stt_pad;	/* STT: MSS, PCP/V/VLAN ID, padding */
	uint64_t stt_ctx;	/* STT: the 64-bit context id (gnv.vni: its low 24 bits) */
	uint16_t gre_flags;	/* GRE: the flags and version word */
	uint16_t gre_csum;
	enum gnv_csum_state gre_csum_state;
	uint32_t key, seq;	/* GRE key (NVGRE: VSID << 8 | FlowID), sequence */
};

/* GPE Next Protocol -> the inner EtherType (0x6558 Ethernet), 0 if none. */
uint16_t gnv_gpe_ethertype(uint8_t np);
/* GUE proto (IP protocol 4, 41, 143) -> the inner EtherType, 0 if none. */
uint16_t gnv_gue_ethertype(uint8_t proto);

/* GRE header bytes by its flags word: 4, plus 4 each for C, K and S. */
static inline unsigned int gnv_gre_hdr_size(uint16_t flags)
{
	return 4u + (flags & 0x8000 ? 4u : 0) + (flags & 0x2000 ? 4u : 0) + (flags & 0x1000 ? 4u : 0);
}

/* Does the tunnel carry a virtual network id (VNI, VSID)? */
static inline bool gnv_tun_has_vni(uint8_t kind)
{
	return kind != GNV_TUN_GRE && kind != GNV_TUN_GUE;
}

struct gnv_optreg;

/* The ignore masks: GNV_IGNORE_WORDS 64-bit words per frame level. */
#define GNV_IGNORE_WORDS	2
static inline bool gnv_ignore_has(const uint64_t *ign, bool inner, unsigned int code)
{
	return ign[(inner ? GNV_IGNORE_WORDS : 0) + code / 64] >> (code % 64) & 1;
}

static inline void gnv_ignore_add(uint64_t *ign, bool inner, unsigned int code)
{
	ign[(inner ? GNV_IGNORE_WORDS : 0) + code / 64] |= 1ull << (code % 64);
}

struct gnv_decode_cfg {
	int linktype;		/* enum gnv_linktype */
	uint16_t port;		/* Geneve UDP destination port, 6081 */
	const uint64_t *ports;	/* or several: a 65536-bit set (NULL: port alone) */
	uint16_t genv_class;	/* class of genv's own options */
	const struct gnv_optreg *optreg;	/* layouts from an options file, or NULL */
	bool no_csum;		/* skip checksum verification (fast stats) */
	bool outer_only;	/* stop after the Geneve options */
	uint64_t ignore[2 * GNV_IGNORE_WORDS];	/* bit per enum gnv_errcode, outer
				 * words then inner words (gnv_ignore_has):
				 * not reported, no effect on the status */
	/* the other tunnels, off by default (the router's tenant frames are
	 * payload): gnv_decode_cfg_tunnels() turns them on */
	uint16_t vxlan_port;	/* VXLAN (4789; 0 none), unless vxlan_ports */
	uint16_t gpe_port;	/* VXLAN-GPE (4790; 0 none), unless gpe_ports */
	uint16_t gue_port;	/* GUE (6080; 0 none), unless gue_ports */
	const uint64_t *vxlan_ports, *gpe_ports, *gue_ports;	/* 65536-bit sets, or NULL */
	uint16_t stt_port;	/* STT, TCP destination port (7471; 0 none) */
	bool gre;		/* decode GRE and NVGRE (IP protocol 47) */
};

struct gnv_pkt {
	const uint8_t *data;
	uint32_t caplen;	/* bytes captured */
	uint32_t len;		/* bytes on the wire */
	enum gnv_status status;
	uint8_t nerr;
	bool err_overflow;	/* more errors than GNV_MAX_ERRS */
	struct gnv_err err[GNV_MAX_ERRS];
	bool is_geneve;		/* a tunnel header decoded (Geneve, or tun.kind) */
	bool in_inner;		/* decoder state: errors belong to the inner frame */
	uint16_t genv_class;	/* copied from the config for renderers */
	const struct gnv_optreg *optreg;	/* the same (optreg.h) */
	const uint64_t *ignore;	/* the config's: codes gnv_pkt_error() drops */
	struct gnv_layers outer;
	struct gnv_tun tun;	/* which tunnel; cleared with the outer layers */
	struct gnv_geneve gnv;
	struct gnv_layers inner;
};

/*
 * Decode one frame.  Always fills what it can and returns pk->status; all
 * problems are listed in pk->err.  Safe on any input of any length.
 */
enum gnv_status gnv_decode(struct gnv_pkt *pk, const uint8_t *data,
			   uint32_t caplen, uint32_t len,
			   const struct gnv_decode_cfg *cfg);

void gnv_decode_cfg_default(struct gnv_decode_cfg *cfg);
/* VXLAN on 4789, VXLAN-GPE on 4790, GUE on 6080, GRE and NVGRE: what
 * decode shows. */
void gnv_decode_cfg_tunnels(struct gnv_decode_cfg *cfg);

/* Record a problem; keeps the worst status.  Used by the layer decoders. */
void gnv_pkt_error(struct gnv_pkt *pk, enum gnv_errcode code, size_t offset);

bool gnv_pkt_has_error(const struct gnv_pkt *pk, enum gnv_errcode code);

#endif
