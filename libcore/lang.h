/* SPDX-License-Identifier: MIT */
/*
 * The genv packet language, shared by `craft`, `decode -v` and `trace`.
 *
 *   eth / ipv4 src=10.200.0.1 / udp / geneve vni=100 opt=ovn:in=1,out=10
 *       / eth / ipv4 / tcp dport=80 flags=S / payload len=64
 *
 * Layers are separated by '/', fields are keyword=value, every field is
 * optional.  Parsing fills a struct gnv_spec: the layers in wire order,
 * each with a bit per field the text set explicitly.  Unset fields get
 * defaults when the packet is built (build.h): addresses, ports, TTLs
 * from fixed defaults, types and protocols from the next layer, lengths
 * and checksums from the bytes.  Overrides (len=, csum=, optlen=, ver=,
 * critical=) build malformed packets on purpose.
 *
 * Levels: the layers before the first geneve are level 0 (outer), those
 * after it level 1 (inner), and so on.  A 'pad' layer adds bytes that the
 * IP and UDP lengths of its level do not count (Ethernet padding); the
 * next pad closes the level outside it.
 *
 * One field table per layer (gnv_lang_layers[]) drives parsing, printing,
 * building, --vary and the man page; see lang_parse.c.
 *
 * Layer: libcore; lang_parse.c and lang_print.c call only libcore and
 * libc.
 */
#ifndef GENV_LANG_H
#define GENV_LANG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "pkt.h"
#include "sbuf.h"

#define GNV_SPEC_MAX_LAYERS	24
#define GNV_SPEC_POOL		65535	/* hex/text/option bytes of one spec: a whole frame */
#define GNV_FRAME_MAX		65535

enum gnv_lkind {
	LK_ETH, LK_VLAN, LK_ARP, LK_IPV4, LK_IPV6, LK_UDP, LK_TCP, LK_ICMP,
	LK_ICMP6, LK_GENEVE, LK_PAYLOAD, LK_PAD,
	LK_VXLAN, LK_GPE, LK_GRE, LK_NVGRE,	/* the other tunnels (vxlan.c, gre.c) */
	LK_GUE,					/* gue.c */
	LK_STT,					/* stt.c, after tcp */
	LK__COUNT
};

/* Layers that start a new level (what follows is the encapsulated frame). */
static inline bool gnv_lkind_is_tunnel(int k)
{
	return k == LK_GENEVE || k == LK_VXLAN || k == LK_GPE || k == LK_GRE || k == LK_NVGRE ||
	       k == LK_GUE || k == LK_STT;
}

/* Tunnels carried in UDP (the rest, GRE and NVGRE, directly in IP). */
static inline bool gnv_lkind_is_udp_tunnel(int k)
{
	return k == LK_GENEVE || k == LK_VXLAN || k == LK_GPE || k == LK_GUE;
}

enum gnv_csum_mode {
	GNV_CS_AUTO = 0,	/* computed */
	GNV_CS_BAD,		/* computed, then made wrong (+1) */
	GNV_CS_ZERO,		/* 0: "no checksum" for UDP */
	GNV_CS_SET,		/* val, as given */
};

struct gnv_csum_spec {
	uint8_t mode;
	uint16_t val;
};

enum gnv_crit_mode { GNV_CRIT_0 = 0, GNV_CRIT_1 = 1, GNV_CRIT_AUTO = 2 };

/* Bytes held in gnv_spec.pool. */
struct gnv_blob {
	uint16_t off, size;
};

struct gnv_l_eth { uint8_t dst[6], src[6]; uint16_t type; };
struct gnv_l_vlan { uint16_t id, tpid, type; uint8_t pcp, dei; };
struct gnv_l_arp {
	uint16_t htype, ptype, op;
	uint8_t hlen, plen;
	uint8_t sha[6], spa[4], tha[6], tpa[4];
};
struct gnv_l_ip4 {
	uint8_t src[4], dst[4];
	uint8_t ttl, tos, proto, ihl, df, mf, rf;
	uint16_t id, frag, len;
	struct gnv_csum_spec csum;
	struct gnv_blob opts;
};
struct gnv_l_ip6 {
	uint8_t src[16], dst[16];
	uint8_t hlim, tc, nh;
	uint32_t flow;
	uint16_t plen;
	struct gnv_blob ext;	/* extension headers, verbatim */
};
struct gnv_l_udp {
	uint16_t sport, dport, len;
	struct gnv_csum_spec csum;
};
struct gnv_l_tcp {
	uint16_t sport, dport, flags, win, urg;
	uint32_t seq, ack;
	uint8_t doff;		/* 32-bit words */
	uint8_t rsvd;
	struct gnv_csum_spec csum;
	struct gnv_blob opts;
};
struct gnv_l_icmp {
	uint8_t type, code;
	uint16_t id, seq;
	struct gnv_csum_spec csum;
};
struct gnv_l_geneve {
	uint8_t ver, optlen, oam, crit, rsvd, rsvd2;
	uint16_t proto;
	uint32_t vni;
	struct gnv_blob opts;	/* option TLVs as on the wire */
};
struct gnv_l_vxlan {		/* vxlan and gpe */
	uint8_t flags, gbpflags, np, rsvd2;
	uint16_t gbp, rsvd;
	uint32_t vni;
};
struct gnv_l_gre {		/* gre and nvgre */
	uint16_t flags, proto, rsvd1;
	uint32_t key, seq, vsid;
	uint8_t flowid;
	struct gnv_csum_spec csum;
};
struct gnv_l_gue {
	uint8_t ver, c, hlen, proto;	/* ver 1: no header (the IP packet) */
	uint16_t flags;
	struct gnv_blob ext;		/* extension fields (hlen words) */
};
struct gnv_l_stt {
	uint8_t ver, flags, l4off, rsvd, pcp, v;
	uint16_t mss, vid, pad;
	uint32_t ctx_hi, ctx;		/* the 64-bit context id, high and low words */
};
struct gnv_l_data {		/* payload and pad */
	uint16_t len;
	struct gnv_blob data;
};

struct gnv_layer {
	uint8_t kind;		/* enum gnv_lkind */
	uint8_t level;		/* geneve layers before this one */
	uint8_t pos;		/* 1-based position in the text; 0 = filled in */
	uint64_t set;		/* bit i: field i of the layer's table was given */
	union {
		struct gnv_l_eth eth;
		struct gnv_l_vlan vlan;
		struct gnv_l_arp arp;
		struct gnv_l_ip4 ip4;
		struct gnv_l_ip6 ip6;
		struct gnv_l_udp udp;
		struct gnv_l_tcp tcp;
		struct gnv_l_icmp icmp;
		struct gnv_l_geneve gnv;
		struct gnv_l_data data;
		struct gnv_l_vxlan vx;
		struct gnv_l_gre gre;
		struct gnv_l_gue gue;
		struct gnv_l_stt stt;
	} u;
};

struct gnv_spec {
	uint16_t genv_class;	/* class of genv's named options */
	const struct gnv_optreg *optreg;	/* layouts from an options file, or NULL */
	const struct gnv_tlvmap *tlvmap;	/* geneve tun_metadataN= words (ovsnot.h), or NULL */
	uint8_t nlayer;
	struct gnv_layer l[GNV_SPEC_MAX_LAYERS];
	uint32_t pool_used;
	uint8_t pool[GNV_SPEC_POOL];
};

/* ---- the field tables ---- */

enum gnv_ftype {
	FT_U8, FT_U16, FT_U32,	/* numbers, range 0..max */
	FT_MAC, FT_IP4, FT_IP6,
	FT_CSUM,		/* auto | bad | zero | number */
	FT_TCPFLAGS,		/* letters FSRPAUECN or a number */
	FT_CRIT,		/* auto | 0 | 1 */
	FT_OPT,			/* geneve opt=: named or CLASS:TYPE:HEX (repeatable) */
	FT_OPTHEX,		/* geneve opthex=: raw option TLV bytes (repeatable) */
	FT_HEX,			/* bytes */
	FT_TEXT,		/* bytes given as text */
};

#define FF_HEXOUT	0x01	/* print as 0x%0*x */
#define FF_ALIAS	0x02	/* sets bits of another field; never printed */
#define FF_REPEAT	0x04	/* may be given more than once */
#define FF_NOVARY	0x08	/* no fixed wire position: --vary refuses it */

struct gnv_lfield {
	const char *name;
	uint8_t type;		/* enum gnv_ftype */
	uint8_t flags;
	uint16_t moff;		/* offsetof member in struct gnv_layer */
	uint32_t max;		/* numbers: largest value */
	int8_t woff;		/* wire: byte offset from the layer start */
	uint8_t wsize;		/* wire: bytes of the containing big-endian word */
	uint8_t wshift, wbits;	/* wire: bit position and width in that word */
	int8_t alias;		/* FF_ALIAS: index of the field it changes */
	const char *help;	/* one line, with the default */
};

struct gnv_ldesc {
	const char *name;
	const char *help;
	const struct gnv_lfield *f;
	uint8_t nf;
};

extern const struct gnv_ldesc gnv_lang_layers[LK__COUNT];

/* Field indexes in the tables (bit i of gnv_layer.set); test_lang checks them. */
enum { F_ETH_DST, F_ETH_SRC, F_ETH_TYPE };
enum { F_VLAN_ID, F_VLAN_PCP, F_VLAN_DEI, F_VLAN_TPID, F_VLAN_TYPE };
enum { F_ARP_OP, F_ARP_SHA, F_ARP_SPA, F_ARP_THA, F_ARP_TPA, F_ARP_HTYPE, F_ARP_PTYPE, F_ARP_HLEN, F_ARP_PLEN };
enum { F_IP4_SRC, F_IP4_DST, F_IP4_TTL, F_IP4_TOS, F_IP4_DSCP, F_IP4_ECN, F_IP4_ID, F_IP4_DF, F_IP4_MF, F_IP4_RF, F_IP4_FRAG, F_IP4_PROTO, F_IP4_LEN, F_IP4_IHL, F_IP4_CSUM, F_IP4_OPTS };
enum { F_IP6_SRC, F_IP6_DST, F_IP6_HLIM, F_IP6_TC, F_IP6_DSCP, F_IP6_ECN, F_IP6_FLOW, F_IP6_NH, F_IP6_PLEN, F_IP6_EXT };
enum { F_UDP_SPORT, F_UDP_DPORT, F_UDP_LEN, F_UDP_CSUM };
enum { F_TCP_SPORT, F_TCP_DPORT, F_TCP_SEQ, F_TCP_ACK, F_TCP_FLAGS, F_TCP_WIN, F_TCP_URG, F_TCP_DOFF, F_TCP_CSUM, F_TCP_OPTS, F_TCP_RSVD };
enum { F_ICMP_TYPE, F_ICMP_CODE, F_ICMP_ID, F_ICMP_SEQ, F_ICMP_CSUM };
enum { F_GNV_VNI, F_GNV_VER, F_GNV_OAM, F_GNV_CRIT, F_GNV_PROTO, F_GNV_OPTLEN, F_GNV_RSVD, F_GNV_RSVD2, F_GNV_OPT, F_GNV_OPTHEX };
enum { F_DATA_LEN, F_DATA_HEX, F_DATA_TEXT };
enum { F_VX_VNI, F_VX_GBP, F_VX_GBPFLAGS, F_VX_FLAGS, F_VX_RSVD2 };
enum { F_GPE_VNI, F_GPE_NP, F_GPE_FLAGS, F_GPE_RSVD, F_GPE_RSVD2 };
enum { F_GRE_KEY, F_GRE_SEQ, F_GRE_CSUM, F_GRE_PROTO, F_GRE_FLAGS, F_GRE_RSVD1 };
enum { F_NVGRE_VSID, F_NVGRE_FLOWID, F_NVGRE_PROTO, F_NVGRE_FLAGS };
enum { F_GUE_PROTO, F_GUE_VER, F_GUE_C, F_GUE_HLEN, F_GUE_FLAGS, F_GUE_EXT };
enum { F_STT_CTX, F_STT_CTXHI, F_STT_FLAGS, F_STT_MSS, F_STT_VLAN, F_STT_PCP, F_STT_V,
       F_STT_L4OFF, F_STT_VER, F_STT_RSVD, F_STT_PAD };

#define GNV_ISSET(l, f)	(((l)->set >> (f)) & 1)


/* Field index by name in a layer, or -1. */
int gnv_lang_field(enum gnv_lkind kind, const char *name, size_t n);

/* ---- parse, print, format ---- */

/* Empty spec; genv_class is the class of genv's named options. */
void gnv_spec_init(struct gnv_spec *spec, uint16_t genv_class);

/*
 * Parse the language into spec (initialise it first with gnv_spec_init).
 * Omitted outer layers are filled in: a text starting with geneve gets
 * eth / ipv4 / udp, one starting with udp, tcp or icmp gets eth / ipv4,
 * icmp6 gets eth / ipv6, vlan or arp gets eth, and a geneve or L4 layer
 * not preceded by what carries it gets udp and/or ipv4 inserted.  A text
 * starting with ipv4/ipv6 is a raw IP frame; one starting with payload is
 * raw bytes.  Returns 0, or -EINVAL with one line in err naming the layer,
 * the field and the problem.
 */
int gnv_lang_parse(const char *text, struct gnv_spec *spec, char *err, size_t errsz);

/* Print a spec in the language: set fields only (what the text said). */
void gnv_spec_print(const struct gnv_spec *spec, struct sbuf *sb);

/*
 * Render a decoded packet in the language, printing only what differs
 * from what craft computes by default (a checksum only when it is wrong,
 * a length only when inconsistent, ...), so that building the text gives
 * back the captured bytes.  The text of a frame with errors (or an odd
 * layout) is parsed and built again and compared with the frame; when it
 * does not reproduce it, every field is made explicit, then the layers
 * that do not fit are given as 'payload hex=' (down to the whole frame).
 * Returns 0, or -ENOSPC when the frame exceeds GNV_FRAME_MAX.  Uses about
 * 100 KiB of stack; gnv_lang_format_ctx() does not.
 */
int gnv_lang_format(const struct gnv_pkt *pk, struct sbuf *sb);

/*
 * The same, faster for a stream of packets: ctx keeps scratch space and a
 * cache of option texts (naming an option and checking that the name
 * encodes back to the same bytes is the costly part).  Make one per
 * stream with gnv_lang_ctx_new() (about 250 KiB), free with
 * gnv_lang_ctx_free().  ctx NULL is gnv_lang_format().
 */
struct gnv_lang_ctx;
struct gnv_lang_ctx *gnv_lang_ctx_new(void);
void gnv_lang_ctx_free(struct gnv_lang_ctx *ctx);
/* Print a frame's options as one opt=geneve({...}...) in Open vSwitch's
 * notation (ovsnot.h) when it can express them (decode --opt-format ovs). */
void gnv_lang_ctx_opt_ovs(struct gnv_lang_ctx *ctx, bool on);
/* With opt_ovs, options the map names print as tun_metadataN=VALUE. */
struct gnv_tlvmap;
void gnv_lang_ctx_tlvmap(struct gnv_lang_ctx *ctx, const struct gnv_tlvmap *map);
int gnv_lang_format_ctx(struct gnv_lang_ctx *ctx, const struct gnv_pkt *pk, struct sbuf *sb);

/* Fill spec from a decoded packet (the structured form gnv_lang_format
 * prints first).  Exposed for tests and for trace. */
int gnv_spec_from_pkt(const struct gnv_pkt *pk, struct gnv_spec *spec);

/* Internal helpers shared by lang_parse.c, lang_print.c and build.c. */
int gnv_spec_add_bytes(struct gnv_spec *spec, struct gnv_blob *b,
		       const uint8_t *p, size_t n);
uint16_t gnv_lkind_ethertype(enum gnv_lkind k);	/* 0 when none */
uint8_t gnv_lkind_ipproto(enum gnv_lkind k);	/* 0 when none */
/* The EtherType of what a tunnel layer carries (Geneve proto, GPE next
 * protocol, VXLAN 0x6558, GRE proto), 0 when not a tunnel. */
uint16_t gnv_layer_inner_type(const struct gnv_layer *l);

#endif
