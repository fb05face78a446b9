/* SPDX-License-Identifier: MIT */
/*
 * The packet pipeline (see pipeline.h for the stages): the forwarding
 * decision for one packet, the encapsulation that carries it out, and
 * the counters, flow entries and trace entries that record it.
 * Layer: router; calls libcore (decode, csum, cursor, flowhash, the
 * option codec opt_tlv/opt_genv), tables.h, dropring.h, and reply.h for
 * the bytes of every answer (ICMP errors, ARP, ND, echo) and the ICMP
 * limiter.
 *
 * Layout of the caller's buffer for a frame from a port:
 *
 *   frame - headroom                      frame               frame + size
 *   |.......... headroom ..........|geneve|opts| inner eth | ip ...      |
 *                                  ^ out->data on RT_FORWARD
 *
 * Answers (reply.h) go into the same buffer: ICMP errors in front of the
 * quoted IP packet, neighbour advertisements in the headroom, ARP and
 * echo replies in place.
 *
 * Every decision appends a trace entry when a trace is given; with a
 * dry-run trace no counter, flow entry or rate limiter changes.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <linux/if_ether.h>
#include "../libcore/csum.h"
#include "../libcore/cursor.h"
#include "../libcore/ecn.h"
#include "../libcore/flowhash.h"
#include "../libcore/opt_genv.h"
#include "../libcore/opt_tlv.h"
#include "dpath.h"
#include "health.h"
#include "dropring.h"
#include "nat.h"
#include "ep_proxied.h"
#include "ep_scaled.h"
#include "hop.h"
#include "pipeline.h"
#include "policy.h"
#include "qos.h"
#include "reply.h"


const char *rt_verdict_name(enum rt_verdict v)
{
	switch (v) {
	case RT_DROP: return "drop";
	case RT_DELIVER: return "deliver";
	case RT_FORWARD: return "forward";
	case RT_REPLY: return "reply";
	case RT_CONTROL: return "control";
	case RT_EGRESS: return "egress";
	}
	return "?";
}

void rt_trace_init(struct rt_trace *tr, bool dry_run)
{
	tr->dry_run = dry_run;
	tr->overflow = false;
	tr->n = 0;
}

void rt_trace_stage(struct rt_trace *tr, const char *stage, const char *decision,
		    const char *fmt, ...)
{
	struct rt_trace_entry *e;
	va_list ap;

	if (tr->n >= RT_TRACE_MAX) {
		tr->overflow = true;
		return;
	}
	e = &tr->e[tr->n++];
	snprintf(e->stage, sizeof(e->stage), "%s", stage);
	snprintf(e->decision, sizeof(e->decision), "%s", decision);
	va_start(ap, fmt);
	vsnprintf(e->detail, sizeof(e->detail), fmt, ap);
	va_end(ap);
}

#define TR(c, stage, dec, ...) \
	do { if ((c)->tr) rt_trace_stage((c)->tr, stage, dec, __VA_ARGS__); } while (0)

/* Everything one packet's decisions need. */
struct ctx {
	struct rt_tables *t;
	struct rt_trace *tr;
	bool live;		/* counters and state may change */
	struct rt_out *out;
	struct gnv_pkt *pk;
	struct rt_port *pt;	/* ingress port (from a port) */
	struct rt_vpc *v;
	struct rt_ep *src;	/* sending endpoint (from a port) */
	const struct rt_ep *inner_src;	/* underlay: the inner source's endpoint, or NULL */
	const struct rt_ul_meta *meta;	/* underlay: what the socket saw */
	struct rt_flow *flow;	/* this packet's flow entry (live runs only) */
	uint8_t *frame;		/* from a port: the frame; underlay: the payload */
	size_t size, headroom;
	struct rt_dp_note dpn;	/* the direct path's last decision (trace only) */
	bool to_scaled;		/* sent to a scaled endpoint's backend (eptype scaled) */
	bool from_gw;		/* translated back in by the VPC's gateway (eptype gateway) */
	const struct rt_ep *proxied;	/* sent to this proxied endpoint's proxy (ep_proxied.h) */
};

static const char *addr_s(char *buf, const struct gnv_addr *a)
{
	return rt_addr_fmt(buf, RT_ADDR_STR, a->family, a->a);
}

static const char *mac_s(char *buf, const uint8_t *m)
{
	snprintf(buf, 18, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
	return buf;
}

static const char *eptype_s(unsigned int type)
{
	static const char *const n[] = { "simple", "scaled", "proxied", "gateway" };

	return type < 4 ? n[type] : "?";
}

/* A sample of the dropped packet for `genv trace drops` (live only). */
static void drop_note(struct ctx *c, enum rt_drop reason)
{
	struct rt_tables *t = c->t;

	if (!t->run.drops)
		return;
	rt_dropring_note(t->run.drops, t->run.now_ns, reason, c->meta ? NULL : c->pt ? c->pt->name : "?",
			 c->meta ? &c->meta->src : NULL, t->cfg.self.addr_set ? &t->cfg.self.addr : NULL,
			 c->v || (c->meta && c->pk->gnv.present), c->v ? c->v->vni : c->pk->gnv.vni,
			 c->frame, c->size);
}

static enum rt_verdict drop(struct ctx *c, enum rt_drop reason, const char *stage,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

static enum rt_verdict drop(struct ctx *c, enum rt_drop reason, const char *stage,
			    const char *fmt, ...)
{
	va_list ap;

	c->out->verdict = RT_DROP;
	c->out->reason = reason;
	c->out->data = NULL;
	c->out->size = 0;
	if (c->tr) {
		char detail[RT_TRACE_DETAIL];

		va_start(ap, fmt);
		vsnprintf(detail, sizeof(detail), fmt, ap);
		va_end(ap);
		rt_trace_stage(c->tr, stage, "drop", "%s: %s", rt_drop_name(reason), detail);
	}
	if (c->live) {
		c->t->run.st.drops++;
		c->t->run.st.drop[reason]++;
		if (c->v) {
			c->v->st.c.drops++;
			c->v->st.drop[reason]++;
		}
		if (c->pt)
			c->pt->st.c.drops++;
		if (c->src)
			c->src->c.drops++;
		drop_note(c, reason);
	}
	return RT_DROP;
}

/* The direct path's hooks (dpath.h) explain themselves in a note. */
#define DP_NOTE(c) ((c)->tr ? &(c)->dpn : NULL)
static void dp_trace(struct ctx *c)
{
	if (c->tr && c->dpn.decision)
		rt_trace_stage(c->tr, "direct", c->dpn.decision, "%s", c->dpn.detail);
	c->dpn.decision = NULL;
}

/* ---- flows ---- */

_Static_assert(RT_DROP__COUNT <= 256 && RT_PATH__COUNT <= 256, "flow fields are uint8_t");

/*
 * Count the packet in its flow entry and remember the entry: the routing
 * decisions below record the path (flow_path), flow_done the verdict.
 * Nothing in a dry run (c->flow stays NULL).
 */
/* Two addresses of alen bytes (4 or 16) equal: memcmp with a constant
 * size, which the compiler inlines (with alen itself it calls libc's,
 * ~6% of a packet in bench/pipeline.sh's profile). */
static inline bool addr_eq_n(const uint8_t *a, const uint8_t *b, size_t alen)
{
	return alen == 4 ? !memcmp(a, b, 4) : !memcmp(a, b, 16);
}

static void flow_note(struct ctx *c, const struct gnv_layers *l, uint32_t hash)
{
	struct rt_flows *f = &c->v->flows;
	struct rt_flow *set, *victim = NULL;
	uint8_t fam = l->ip.version;
	size_t alen = fam == 6 ? 16 : 4;

	if (!c->live || !f->e)
		return;
	set = &f->e[(hash & (f->nsets - 1)) * 4];
	for (int i = 0; i < 4; i++) {
		struct rt_flow *e = &set[i];

		if (e->family == fam && e->hash == hash && e->proto == l->ip.proto &&
		    e->sport == l->l4.sport && e->dport == l->l4.dport &&
		    addr_eq_n(e->src, l->ip.src.a, alen) && addr_eq_n(e->dst, l->ip.dst.a, alen)) {
			e->pkts++;
			e->bytes += c->size;
			e->last_ns = c->t->run.now_ns;
			e->path = RT_PATH_NONE;
			e->dst_ep = false;
			e->host.family = 0;
			if (c->src || c->inner_src)
				e->src_ep = true;
			c->flow = e;
			return;
		}
		if (!victim || (victim->family && (!e->family || e->last_ns < victim->last_ns)))
			victim = e;
	}
	if (victim->family)
		f->evictions++;
	memset(victim, 0, sizeof(*victim));
	victim->family = fam;
	victim->proto = l->ip.proto;
	victim->sport = l->l4.sport;
	victim->dport = l->l4.dport;
	memcpy(victim->src, l->ip.src.a, alen);
	memcpy(victim->dst, l->ip.dst.a, alen);
	victim->hash = hash;
	victim->pkts = 1;
	victim->bytes = c->size;
	victim->first_ns = victim->last_ns = c->t->run.now_ns;
	/* from a port the sender passed anti-spoofing; from the underlay the
	 * trust check looked the source up */
	victim->src_ep = c->src || c->inner_src;
	c->flow = victim;
}

/* The path chosen for this packet; host: its underlay peer, or NULL. */
static void flow_path(struct ctx *c, enum rt_path path, const struct gnv_addr *host)
{
	if (!c->flow)
		return;
	c->flow->path = (uint8_t)path;
	if (host)
		c->flow->host = *host;
	else
		c->flow->host.family = 0;
}

static void flow_dst(struct ctx *c, const struct rt_ep *d)
{
	if (c->flow)
		c->flow->dst_ep = d != NULL;
}

/* After the pipeline: the packet's verdict. */
static void flow_done(struct ctx *c)
{
	if (!c->flow)
		return;
	c->flow->verdict = (uint8_t)c->out->verdict;
	c->flow->reason = (uint8_t)c->out->reason;
}

/* ---- policy ---- */

/*
 * The network-policy stage (policy.h) for a packet about to be delivered
 * or sent: src/dst are the endpoints of the addresses when known; l the
 * inner headers with offsets into frame.  False: dropped.
 */
static bool policy_pass(struct ctx *c, const struct gnv_layers *l, const struct rt_ep *src,
			const struct rt_ep *dst, uint32_t src_id, const uint8_t *frame, size_t size)
{
	struct rt_pol_pkt pp = { c->v, src, dst, src_id, c->meta != NULL, l, frame, size };
	struct rt_pol_res res;
	enum rt_drop why;

	why = rt_policy_check(c->t, &pp, c->live, c->tr != NULL, &res);
	if (c->flow) {
		c->flow->pol = res.how;
		c->flow->pol_rule = res.rule;
	}
	if (why != RT_DROP_NONE) {
		drop(c, why, "policy", "%s", res.why);
		return false;
	}
	if (res.how != RT_POL_HOW_NONE)
		TR(c, "policy", rt_pol_how_name(res.how), "%s", res.why);
	return true;
}

/* The identity number an underlay packet carries (its genv identity option), or 0. */
static uint32_t carried_ident(const struct ctx *c)
{
	const struct gnv_geneve *g = &c->pk->gnv;
	uint32_t id = 0;

	for (unsigned int i = 0; i < g->nopt; i++)
		if (g->opt[i].cls == c->t->cfg.lim.genv_class && (g->opt[i].type & 0x7f) == GENV_OPT_IDENT &&
		    !gnv_opt_ident_get(c->frame + g->opt[i].off + GNV_OPT_HDR_SIZE, g->opt[i].size, &id))
			return id;
	return 0;
}

/* ---- shared helpers ---- */

static bool ip_multicast(const struct gnv_ip *ip)
{
	if (ip->version == 4)
		return ip->dst.a[0] >= 224 || !memcmp(ip->dst.a, "\xff\xff\xff\xff", 4);
	return ip->dst.a[0] == 0xff;
}

static bool ip_unspecified(const struct gnv_addr *a)
{
	static const uint8_t zero[16];

	return !memcmp(a->a, zero, a->family == 6 ? 16 : 4);
}

static size_t alen_of(int family)
{
	return family == 6 ? 16 : 4;
}

/* Index into n choices from the flow hash (not the low bits: flow tables
 * use those). */
static unsigned int pick(uint32_t hash, unsigned int n)
{
	return (unsigned int)(((uint64_t)(hash >> 8) * n) >> 24);
}

static uint8_t ecn_of(const struct gnv_ip *ip)
{
	return ip->tos & 3;
}

/* Set the ECN bits of the IP header at p (RFC 6040 decapsulation). */
static void set_ecn(uint8_t *p, int version, uint8_t ecn)
{
	gnv_ip_set_ds(p, version, (uint8_t)((gnv_ip_ds(p, version) & 0xfc) | ecn));
}

/* ---- replies from a port: ICMP errors, ARP, ND, echo ---- */

/*
 * Build an ICMP error about the frame's IP packet back to the sender.
 * v4: dest-unreachable (type 3, code) or frag-needed (code 4, mtu);
 * v6: type/code given (1 = unreachable, 2 = packet too big with mtu).
 */
static enum rt_verdict icmp_error(struct ctx *c, enum rt_drop reason, uint8_t type,
				  uint8_t code, uint32_t mtu, const char *why)
{
	const struct gnv_layers *l = &c->pk->outer;
	const struct gnv_ip *ip = &l->ip;
	struct rt_tables *t = c->t;
	uint8_t src[16], *r;
	size_t rsize;
	char a[RT_ADDR_STR];

	/* never an error about an error, nor about a non-first fragment */
	if ((ip->version == 4 && l->l4.proto == 1 && l->l4.type != 8 && l->l4.type != 0) ||
	    (ip->version == 6 && l->l4.proto == 58 && l->l4.type < 128) ||
	    (ip->fragment && ip->frag_off))
		return drop(c, reason, "icmp", "%s; no ICMP error about an ICMP error or fragment", why);
	if (!c->pt)
		return drop(c, reason, "icmp", "%s; from the underlay side: no ICMP error", why);
	if (!c->v || !rt_gateway_of(t, c->v, ip->version, ip->src.a, src))
		return drop(c, reason, "icmp", "%s; sender has no gateway address", why);
	if (!rt_reply_icmp_allowed(t, c->live))
		return drop(c, RT_DROP_ICMP_RATE, "icmp", "%s; ICMP limit %u/s reached", why,
			    t->cfg.lim.icmp_rate);
	if (c->live)
		drop_note(c, reason);	/* before the error is written over the frame's head */
	r = rt_reply_icmp_error(c->frame, c->size, l, t->cfg.self.mac, src, type, code, mtu, &rsize);
	c->out->verdict = RT_REPLY;
	c->out->reason = reason;
	c->out->port = (int)(c->pt - t->cfg.port);
	c->out->data = r;
	c->out->size = rsize;
	TR(c, "icmp", "reply", "%s; ICMP%s type %u code %u%s to %s", why,
	   ip->version == 6 ? "v6" : "", type, code, mtu ? " with mtu" : "",
	   rt_addr_fmt(a, sizeof(a), ip->version, ip->src.a));
	if (c->live) {
		t->run.st.drops++;
		t->run.st.drop[reason]++;
		t->run.st.replies++;
		c->v->st.c.drops++;
		c->v->st.drop[reason]++;
		c->v->st.replies++;
		c->pt->st.c.drops++;
		c->pt->st.icmp_sent++;
		c->pt->st.c.tx_pkts++;
		c->pt->st.c.tx_bytes += c->out->size;
		if (c->src)
			c->src->c.drops++;
	}
	return RT_REPLY;
}

static enum rt_verdict reply_done(struct ctx *c, uint8_t *data, size_t size)
{
	c->out->verdict = RT_REPLY;
	c->out->reason = RT_DROP_NONE;
	c->out->port = (int)(c->pt - c->t->cfg.port);
	c->out->data = data;
	c->out->size = size;
	if (c->live) {
		c->t->run.st.replies++;
		c->pt->st.c.tx_pkts++;
		c->pt->st.c.tx_bytes += size;
		if (c->v)
			c->v->st.replies++;
	}
	return RT_REPLY;
}

/* The MAC that answers for target in the sender's VPC: an endpoint's own
 * MAC, else the gateway MAC (the router takes the packet and routes it).
 * NULL when target is outside the VPC. */
static const uint8_t *answer_mac(struct ctx *c, int family, const uint8_t *target,
				 bool *is_gw, char *why, size_t whysz)
{
	const struct rt_ep *e = rt_ep_find(c->t, c->v->vni, family, target);
	uint8_t gw[16];
	char a[RT_ADDR_STR];

	*is_gw = false;
	if (e) {
		snprintf(why, whysz, "endpoint %s vpc %u",
			 rt_addr_fmt(a, sizeof(a), family, target), c->v->vni);
		return e->mac;
	}
	if (!rt_gateway_of(c->t, c->v, family, target, gw))
		return NULL;
	*is_gw = addr_eq_n(gw, target, alen_of(family));
	snprintf(why, whysz, "%s %s vpc %u", *is_gw ? "gateway" : "routed address",
		 rt_addr_fmt(a, sizeof(a), family, target), c->v->vni);
	return c->t->cfg.self.mac;
}

static enum rt_verdict do_arp(struct ctx *c)
{
	const struct gnv_arp *arp = &c->pk->outer.arp;
	const struct rt_port *pt = c->pt;
	const uint8_t *mac;
	char why[96], a[RT_ADDR_STR], b[18];
	bool is_gw;

	if (!arp->present || arp->htype != 1 || arp->ptype != ETH_P_IP)
		return drop(c, RT_DROP_FRAME_MALFORMED, "arp", "not Ethernet/IPv4 ARP");
	if (memcmp(arp->sha, c->pk->outer.eth.src, 6))
		return drop(c, RT_DROP_SPOOF_MAC, "spoof", "ARP sender %s differs from the frame's source",
			    mac_s(b, arp->sha));
	/* the sender: an endpoint of this port with that MAC (and IP, unless a probe) */
	c->src = NULL;
	for (unsigned int i = 0; i < pt->nep && !c->src; i++) {
		struct rt_ep *e = &c->t->cfg.ep[pt->ep[i]];

		if (!memcmp(e->mac, arp->sha, 6) && e->family == 4 &&
		    (!memcmp(e->ip, arp->spa, 4) || !memcmp(arp->spa, "\0\0\0\0", 4)))
			c->src = e;
	}
	if (!c->src) {
		bool mac_known = false;

		for (unsigned int i = 0; i < pt->nep; i++)
			mac_known |= !memcmp(c->t->cfg.ep[pt->ep[i]].mac, arp->sha, 6);
		return drop(c, mac_known ? RT_DROP_SPOOF_IP : RT_DROP_SPOOF_MAC, "spoof",
			    "ARP from %s %s: not an endpoint of port %s", mac_s(b, arp->sha),
			    rt_addr_fmt(a, sizeof(a), 4, arp->spa), pt->name);
	}
	c->v = &c->t->cfg.vpc[c->src->vpc];
	c->out->vni = c->v->vni;
	TR(c, "spoof", "pass", "endpoint %s mac %s port %s vpc %u",
	   rt_addr_fmt(a, sizeof(a), 4, c->src->ip), mac_s(b, c->src->mac), pt->name, c->v->vni);
	if (c->live) {
		c->src->c.rx_pkts++;
		c->src->c.rx_bytes += c->size;
		c->v->st.c.rx_pkts++;
		c->v->st.c.rx_bytes += c->size;
	}
	if (arp->op != 1)
		return drop(c, RT_DROP_ARP_IGNORED, "arp", "op %u is not a request", arp->op);
	if (!memcmp(arp->tpa, arp->spa, 4))
		return drop(c, RT_DROP_ARP_IGNORED, "arp", "gratuitous ARP for %s",
			    rt_addr_fmt(a, sizeof(a), 4, arp->tpa));
	mac = answer_mac(c, 4, arp->tpa, &is_gw, why, sizeof(why));
	if (!mac)
		return drop(c, RT_DROP_ARP_IGNORED, "arp", "target %s is outside VPC %u",
			    rt_addr_fmt(a, sizeof(a), 4, arp->tpa), c->v->vni);
	TR(c, "arp", "reply", "%s is-at %s (%s)", rt_addr_fmt(a, sizeof(a), 4, arp->tpa),
	   mac_s(b, mac), why);
	if (c->live)
		c->pt->st.arp_replies++;
	return reply_done(c, c->frame, rt_reply_arp(c->frame, arp, mac));
}

/* IPv6 neighbour solicitation -> advertisement (RFC 4861 4.3, 4.4). */
static enum rt_verdict do_nd(struct ctx *c)
{
	const struct gnv_layers *l = &c->pk->outer;
	const uint8_t *ns = c->frame + l->l4.off, *mac;
	uint8_t target[16], *r;
	char why[96], a[RT_ADDR_STR], b[18];
	size_t avail = c->size - l->l4.off;
	bool is_gw;

	if (l->l4.type != 135)
		return drop(c, RT_DROP_ND_IGNORED, "nd", "ICMPv6 type %u is not answered", l->l4.type);
	if (l->ip.ttl != 255 || avail < 24 || l->l4.code)
		return drop(c, RT_DROP_ND_IGNORED, "nd", "invalid solicitation (hop limit %u, %zu bytes)",
			    l->ip.ttl, avail);
	if (ip_unspecified(&l->ip.src))
		return drop(c, RT_DROP_ND_IGNORED, "nd", "duplicate address detection is not answered");
	memcpy(target, ns + 8, 16);
	if (target[0] == 0xff)
		return drop(c, RT_DROP_ND_IGNORED, "nd", "multicast target");
	if (!memcmp(target, c->src->ip, 16))
		return drop(c, RT_DROP_ND_IGNORED, "nd", "solicitation for the sender's own address");
	mac = answer_mac(c, 6, target, &is_gw, why, sizeof(why));
	if (!mac)
		return drop(c, RT_DROP_ND_IGNORED, "nd", "target %s is outside VPC %u",
			    rt_addr_fmt(a, sizeof(a), 6, target), c->v->vni);
	r = rt_reply_na(c->frame, l->eth.src, l->ip.src.a, mac, target, mac == c->t->cfg.self.mac);
	TR(c, "nd", "reply", "%s is-at %s (%s)", rt_addr_fmt(a, sizeof(a), 6, target), mac_s(b, mac), why);
	if (c->live)
		c->pt->st.nd_replies++;
	return reply_done(c, r, RT_REPLY_NA_SIZE);
}

/* Echo request to a gateway address: answer in place. */
static enum rt_verdict do_echo(struct ctx *c)
{
	const struct gnv_layers *l = &c->pk->outer;
	char a[RT_ADDR_STR];

	rt_reply_echo(c->frame, l, c->t->cfg.self.mac);
	TR(c, "gateway", "reply", "echo reply from gateway %s",
	   rt_addr_fmt(a, sizeof(a), l->ip.version, l->ip.dst.a));
	return reply_done(c, c->frame, c->size);
}

/* ---- encapsulation ---- */

/* Largest inner IP packet that fits the underlay with opt_size option bytes. */
static uint32_t path_mtu(const struct rt_tables *t, const struct gnv_addr *dst, size_t opt_size)
{
	size_t outer = (dst->family == 6 ? 40 : 20) + 8 + GNV_HDR_SIZE + opt_size + ETH_HLEN;

	return t->cfg.self.mtu > outer ? (uint32_t)(t->cfg.self.mtu - outer) : 0;
}

/* Size of the options rt_encap writes. */
static size_t encap_opt_size(const struct ctx *c, bool rts)
{
	size_t n = GENV_EPTYPE_OPT_SIZE;

	if (c->src)
		n += c->src->opt_size + rt_qos_opt_size(c->src);
	if (rts)
		n += GENV_RTS_OPT_SIZE(c->t->cfg.self.addr.family);
	/* never with RTS (the proxy's host is a direct path), so within the
	 * room tables.c keeps for RTS */
	if (c->proxied)
		n += GENV_ODST_OPT_SIZE(c->proxied->family);
	return n;
}

/* The identity option goes critical (and with it the C bit) only into a
 * VPC with network policies: there a receiver that cannot enforce them
 * must drop the packet; elsewhere one that ignores it loses nothing. */
static bool ident_critical(const struct ctx *c)
{
	return c->v->npol != 0;
}

/*
 * The options of an encapsulated frame (encap_opt_size bytes at p): the
 * sender's endpoint type, the endpoint's stored options, then RTS when
 * asked.  tables.c keeps room for eptype and RTS next to every
 * endpoint's options.  Headers come from the codec's inline
 * gnv_opt_hdr_write and the data follows opt_genv.h's layouts: the same
 * bytes as gnv_opt_eptype_put / gnv_opt_rts_put (test_rt_pipeline checks
 * that), without their out-of-line calls and zero fills on every packet
 * (about 100 instructions for RTS).
 */
static void write_opts(struct ctx *c, uint8_t *p, bool rts)
{
	const struct rt_tables *t = c->t;
	uint16_t cls = t->cfg.lim.genv_class;

	gnv_opt_hdr_write(p, cls, GENV_OPT_EPTYPE, GENV_EPTYPE_SIZE);
	gnv_put32(p + GNV_OPT_HDR_SIZE,
		  (uint32_t)(c->proxied ? EP_PROXIED : c->to_scaled ? EP_SCALED : c->from_gw ? EP_GATEWAY :
			     c->src ? c->src->type : EP_SIMPLE) << 24);
	p += GENV_EPTYPE_OPT_SIZE;
	if (c->proxied) {
		gnv_opt_hdr_write(p, cls, GENV_OPT_ODST, GENV_ODST_OPT_SIZE(c->proxied->family) - GNV_OPT_HDR_SIZE);
		gnv_opt_odst_write(p + GNV_OPT_HDR_SIZE, c->proxied->mac, c->proxied->family, c->proxied->ip);
		p += GENV_ODST_OPT_SIZE(c->proxied->family);
	}
	p = rt_qos_opt_write(t, c->src, p);
	if (c->src && c->src->opt_size) {
		/* wire TLVs checked when stored (tables.c): copied as they are;
		 * the first is the identity, critical only where policy needs it */
		memcpy(p, c->src->opts, c->src->opt_size);
		if (ident_critical(c))
			p[2] |= GNV_OPT_CRITICAL;
		p += c->src->opt_size;
	}
	if (rts) {
		bool v6 = t->cfg.self.addr.family == 6;

		gnv_opt_hdr_write(p, cls, GENV_OPT_RTS, v6 ? GENV_RTS6_SIZE : GENV_RTS4_SIZE);
		p += GNV_OPT_HDR_SIZE;
		p[0] = 0;		/* flags */
		p[1] = v6 ? 6 : 4;
		memcpy(p + 2, t->cfg.self.mac, 6);
		memcpy(p + 8, t->cfg.self.addr.a, v6 ? 16 : 4);
	}
}

/* The role of the host a path leads to, as the trace names it. */
static const char *path_role(enum rt_path path)
{
	return path == RT_PATH_DIRECT ? "endpoint" : path == RT_PATH_BOUNCER ? "bouncer" : "divider";
}

/*
 * Encapsulate the frame to underlay host 'to'.  path: RT_PATH_DIRECT (to
 * the endpoint's host), _BOUNCER or _DIVIDER (the RTS option goes only
 * on these indirect paths).  dst: the destination endpoint when known
 * (its MAC goes into the inner frame).
 */
static enum rt_verdict encap(struct ctx *c, const struct rt_host *to, enum rt_path path,
			     const struct rt_ep *dst, struct rt_net *via_net, uint32_t hash)
{
	struct rt_tables *t = c->t;
	const struct gnv_layers *l = &c->pk->outer;
	bool rts = t->cfg.self.rts && t->cfg.self.addr_set && path != RT_PATH_DIRECT;
	size_t osz = encap_opt_size(c, rts);
	uint32_t mtu = path_mtu(t, &to->addr, osz);
	uint8_t *g;
	char a[RT_ADDR_STR];

	flow_path(c, path, &to->addr);
	if (dst && dst->mtu && dst->mtu < mtu)
		mtu = dst->mtu;
	if (l->ip.tot_len > mtu) {
		char why[80];

		snprintf(why, sizeof(why), "%u-byte packet exceeds path MTU %u to %s",
			 l->ip.tot_len, mtu, addr_s(a, &to->addr));
		if (l->ip.version == 4)
			return icmp_error(c, RT_DROP_MTU, 3, 4, mtu, why);
		return icmp_error(c, RT_DROP_MTU, 2, 0, mtu, why);
	}
	TR(c, "mtu", "pass", "%u <= path MTU %u (underlay %u, %zu option bytes)",
	   l->ip.tot_len, mtu, t->cfg.self.mtu, osz);
	if (c->src && (c->src->qos.cls || c->src->qos.rate)) {
		char why[RT_TRACE_DETAIL];

		/* cppcheck-suppress legacyUninitvar ; why is passed only when c->tr, and drop() and TR() read it only then */
		if (!rt_qos_egress(t, c->src, c->size, c->live, c->tr ? why : NULL, sizeof(why)))
			return drop(c, RT_DROP_QOS_RATE, "qos", "%s", why);
		TR(c, "qos", "pass", "%s", why);
	}
	/* inner Ethernet: to the endpoint's MAC; from the gateway when routed */
	if (dst)
		memcpy(c->frame, dst->mac, 6);
	if (!memcmp(l->eth.dst, t->cfg.self.mac, 6))
		memcpy(c->frame + 6, t->cfg.self.mac, 6);
	g = c->frame - GNV_HDR_SIZE - osz;
	g[0] = (uint8_t)(osz / 4);
	g[1] = c->src && c->src->opt_size &&
	       (ident_critical(c) || gnv_opt_any_critical(c->src->opts, c->src->opt_size)) ? 0x40 : 0;
	write_opts(c, g + GNV_HDR_SIZE, rts);
	gnv_put16(g + 2, ETH_P_TEB);
	gnv_put24(g + 4, c->v->vni);
	g[7] = 0;
	c->out->verdict = RT_FORWARD;
	c->out->reason = RT_DROP_NONE;
	c->out->dst = to->addr;
	c->out->data = g;
	c->out->size = c->size + GNV_HDR_SIZE + osz;
	c->out->tos = rt_qos_outer_ds(t, c->src, ecn_of(&l->ip));
	c->out->ttl = t->cfg.self.ttl;
	c->out->sport = flow_sport(hash);
	TR(c, "encap", "forward", "geneve vni %u to %s %s (%zu option bytes%s), flow port %u tos 0x%02x",
	   c->v->vni, path_role(path), addr_s(a, &to->addr), osz, rts ? ", rts" : "", c->out->sport,
	   c->out->tos);
	if (c->live) {
		t->run.st.forwarded++;
		c->v->st.forwarded++;
		c->v->st.c.tx_pkts++;
		c->v->st.c.tx_bytes += c->out->size;
		if (via_net) {
			via_net->c.tx_pkts++;
			via_net->c.tx_bytes += c->out->size;
		}
		if (dst) {
			struct rt_ep *d = &t->cfg.ep[rt_ep_index(t, dst)];

			d->c.tx_pkts++;
			d->c.tx_bytes += c->size;
		}
	}
	return RT_FORWARD;
}

/* Pick one of n hosts by flow hash, skipping this router; RT_NONE when
 * only this router is listed. */
static uint32_t pick_host(const struct rt_tables *t, const uint16_t *h, unsigned int n,
			  uint32_t hash)
{
	uint16_t cand[RT_EP_MAX_HOSTS > RT_MAX_BOUNCERS ? RT_EP_MAX_HOSTS : RT_MAX_BOUNCERS];
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (!rt_host_is_self(t, h[i]))
			cand[k++] = h[i];
	if (!k)
		return RT_NONE;
	return cand[pick(hash, k)];
}

static enum rt_verdict deliver_local(struct ctx *c, struct rt_ep *d, const struct gnv_layers *l,
				     uint8_t *frame, size_t size, bool from_port)
{
	struct rt_tables *t = c->t;
	struct rt_port *dp = rt_port_get(t, d->port);
	uint32_t mtu;
	char a[RT_ADDR_STR], b[18];

	flow_path(c, from_port ? RT_PATH_LOCAL : RT_PATH_DECAP, from_port ? NULL : &c->meta->src);
	if (!dp)
		return drop(c, RT_DROP_NO_ROUTE, "deliver", "port %d of the endpoint is gone", d->port);
	mtu = d->mtu ? d->mtu : dp->mtu;
	if (l->ip.tot_len > mtu) {
		char why[80];

		snprintf(why, sizeof(why), "%u-byte packet exceeds MTU %u of port %s",
			 l->ip.tot_len, mtu, dp->name);
		if (!from_port)
			return drop(c, RT_DROP_MTU, "mtu", "%s", why);
		return icmp_error(c, RT_DROP_MTU, l->ip.version == 4 ? 3 : 2,
				  l->ip.version == 4 ? 4 : 0, mtu, why);
	}
	if (!memcmp(frame, t->cfg.self.mac, 6))
		memcpy(frame + 6, t->cfg.self.mac, 6);
	memcpy(frame, d->mac, 6);
	c->out->verdict = RT_DELIVER;
	c->out->reason = RT_DROP_NONE;
	c->out->port = d->port;
	c->out->data = frame;
	c->out->size = size;
	TR(c, "deliver", "deliver", "endpoint %s mac %s on port %s",
	   rt_addr_fmt(a, sizeof(a), d->family, d->ip), mac_s(b, d->mac), dp->name);
	if (c->live) {
		t->run.st.delivered++;
		c->v->st.delivered++;
		c->v->st.c.tx_pkts++;
		c->v->st.c.tx_bytes += size;
		d->c.tx_pkts++;
		d->c.tx_bytes += size;
		dp->st.c.tx_pkts++;
		dp->st.c.tx_bytes += size;
	}
	return RT_DELIVER;
}

static bool hosts_include_self(const struct rt_tables *t, const uint16_t *h, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (rt_host_is_self(t, h[i]))
			return true;
	return false;
}

/* ---- scaled endpoints (ep_scaled.h) ---- */

/* A flow to scaled endpoint d: its backend (pinned in connection tracking
 * or picked by Maglev), the inner destination rewritten.  The backend's
 * endpoint, or NULL when it is none of this VPC (routed by address). */
static struct rt_ep *scaled_dst(struct ctx *c, struct rt_ep *d, uint8_t *buf, uint32_t hash)
{
	struct gnv_layers *l = c->meta ? &c->pk->inner : &c->pk->outer;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];
	bool pinned;
	int i;

	if (d->type == EP_PROXIED) {
		if (!rt_proxied_redirect(d, l->ip.src.a)) {
			TR(c, "proxied", "from proxy", "%s is the proxy of %s: not redirected",
			   addr_s(a, &l->ip.src), rt_addr_fmt(b, sizeof(b), d->family, d->ip));
			return d;
		}
		/* the table edit gave d its proxy and connection tracking: a
		 * failure here is not expected, and then nothing was rewritten */
		if (rt_scaled_dnat(c->t, d, l, buf, c->v->vni, hash, c->live, c->flow, &pinned) < 0)
			return d;
		c->proxied = d;
		TR(c, "proxied", pinned ? "pinned" : "proxy", "%s -> proxy %s, original destination in the option",
		   rt_addr_fmt(a, sizeof(a), d->family, d->ip), addr_s(b, &l->ip.dst));
		return rt_ep_find(c->t, c->v->vni, l->ip.version, l->ip.dst.a);
	}
	i = rt_scaled_dnat(c->t, d, l, buf, c->v->vni, hash, c->live, c->flow, &pinned);
	if (i < 0)
		return d;
	c->to_scaled = true;
	TR(c, "scaled", pinned ? "pinned" : "maglev", "%s -> backend %s (%d of %u, %s)",
	   rt_addr_fmt(a, sizeof(a), d->family, d->ip),
	   addr_s(b, &l->ip.dst), i + 1, d->sc->n,
	   pinned ? "the flow's backend in conntrack" : "Maglev slot of the flow hash");
	return rt_ep_find(c->t, c->v->vni, l->ip.version, l->ip.dst.a);
}

/* A reply from a scaled endpoint's backend: the VIP back as its source. */
static void scaled_src(struct ctx *c, uint8_t *buf)
{
	struct gnv_layers *l = c->meta ? &c->pk->inner : &c->pk->outer;
	char a[RT_ADDR_STR];

	if (rt_scaled_reply(c->t, l, buf, c->v->vni, c->live))
		TR(c, "scaled", "reply", "source rewritten to the scaled endpoint %s", addr_s(a, &l->ip.src));
}

/* ---- gateway endpoints (nat.h) ---- */

/* The VPC's gateway endpoint lists this host among its hosts. */
static bool gw_here(const struct rt_tables *t, const struct rt_vpc *v)
{
	const struct rt_ep *g = rt_vpc_gateway(t, v);

	return g && hosts_include_self(t, g->host, g->nhost);
}

static bool nat_env(struct ctx *c, struct rt_nat_env *x, const struct rt_ep *g)
{
	struct rt_tables *t = c->t;

	if (!t->run.ct || !t->cfg.self.addr_set || t->cfg.self.addr.family != 4)
		return false;
	x->ct = t->run.ct;
	x->st = &t->run.nat;
	memcpy(x->self, t->cfg.self.addr.a, 4);
	x->lo = g ? g->nat_lo : 0;
	x->hi = g ? g->nat_hi : 0;
	x->now_ns = t->run.now_ns;
	x->live = c->live;
	return true;
}

/* This host is the VPC's gateway: the packet l (offsets into buf) leaves
 * the overlay with source NAT, as a plain IP packet (RT_EGRESS). */
static enum rt_verdict gw_out(struct ctx *c, struct gnv_layers *l, uint8_t *buf)
{
	struct rt_nat_env x;
	struct rt_nat_map m;
	enum rt_drop why;
	char msg[RT_TRACE_DETAIL];

	flow_path(c, RT_PATH_NAT, NULL);
	if (!nat_env(c, &x, rt_vpc_gateway(c->t, c->v)))
		return drop(c, RT_DROP_NAT_UNSUPPORTED, "nat", "this host has no IPv4 underlay address");
	msg[0] = 0;	/* worded only for a trace: snprintf costs more than the NAT */
	why = rt_nat_out(&x, c->v->vni, l, buf, &m, c->tr ? msg : NULL, sizeof(msg));
	if (why != RT_DROP_NONE)
		return drop(c, why, "nat", "%s", msg);
	TR(c, "nat", "egress", "%s", msg);
	c->out->verdict = RT_EGRESS;
	c->out->reason = RT_DROP_NONE;
	c->out->data = buf + l->ip.off;
	c->out->size = l->ip.tot_len;
	if (c->live) {
		c->v->st.c.tx_pkts++;
		c->v->st.c.tx_bytes += l->ip.tot_len;
	}
	return RT_EGRESS;
}

/* From a port, to an address outside the VPC's CIDRs: to the gateway
 * host (the flow hash picks one of several), or out here when this host
 * is one. */
static enum rt_verdict to_gateway(struct ctx *c, struct gnv_layers *l, uint8_t *frame, uint32_t hash)
{
	const struct rt_ep *g = rt_vpc_gateway(c->t, c->v);
	uint32_t hi;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];

	if (gw_here(c->t, c->v)) {
		TR(c, "gateway", "local", "vpc %u gateway %s: this host", c->v->vni,
		   rt_addr_fmt(a, sizeof(a), 4, g->ip));
		return gw_out(c, l, frame);
	}
	hi = pick_host(c->t, g->host, g->nhost, hash);
	TR(c, "gateway", "gateway", "vpc %u gateway %s on host %s", c->v->vni,
	   rt_addr_fmt(a, sizeof(a), 4, g->ip), addr_s(b, &c->t->cfg.host[hi].addr));
	return encap(c, &c->t->cfg.host[hi], RT_PATH_GATEWAY, NULL, NULL, hash);
}

/* Underlay, to a local endpoint: an original-destination option (a
 * packet redirected to a proxy) must fit its layout.  False: dropped. */
static bool proxied_in(struct ctx *c, const struct gnv_geneve *g, const uint8_t *payload)
{
	struct gnv_odst od;
	char why[RT_TRACE_DETAIL], a[RT_ADDR_STR];
	int r = rt_proxied_ingress(c->t, g, payload, &od, why, sizeof(why));

	if (r < 0) {
		drop(c, RT_DROP_PROXY_MALFORMED, "proxied", "%s", why);
		return false;
	}
	if (r > 0)
		TR(c, "proxied", "original", "original destination %s (the proxy acts on it)",
		   addr_s(a, &od.addr));
	return true;
}

/* ---- from a port ---- */

/* The frame's own headers are broken.  What a tenant carries inside UDP
 * (even Geneve to port 6081) is its business: those errors do not count. */
static bool outer_invalid(const struct gnv_pkt *pk)
{
	for (unsigned int i = 0; i < pk->nerr; i++) {
		unsigned int code = pk->err[i].code;

		if (pk->err[i].inner || (code >= GNV_E_GNV_TRUNC && code <= GNV_E_GNV_EMPTY))
			continue;
		if (gnv_err_severity(code) != GNV_SEV_WARNING)
			return true;
	}
	return false;
}

static enum rt_verdict port_packet(struct ctx *c, int port)
{
	struct rt_tables *t = c->t;
	struct rt_out *out = c->out;
	uint8_t *frame = c->frame;
	size_t size = c->size, headroom = c->headroom;
	struct gnv_decode_cfg cfg;
	const struct gnv_layers *l = &c->pk->outer;
	struct rt_ep *d;
	struct rt_net *n = NULL;
	uint32_t hash, hi;
	int fam;
	char a[RT_ADDR_STR], b[18], p[RT_PREFIX_STR];

	memset(out, 0, sizeof(*out));
	out->port = port;
	c->pt = rt_port_get(t, port);
	if (c->live)
		t->run.st.port_rx++;
	if (!c->pt)
		return drop(c, RT_DROP_PORT_UNKNOWN, "port", "port %d is not configured", port);
	if (c->live) {
		c->pt->st.c.rx_pkts++;
		c->pt->st.c.rx_bytes += size;
	}
	TR(c, "port", "pass", "port %s (index %d), %zu bytes", c->pt->name, port, size);
	if (headroom < RT_HEADROOM)
		return drop(c, RT_DROP_HEADROOM, "port", "%zu bytes of headroom, need %d",
			    headroom, RT_HEADROOM);
	if (!c->pt->nep)
		return drop(c, RT_DROP_PORT_NO_EP, "port", "port %s holds no endpoint", c->pt->name);

	gnv_decode_cfg_default(&cfg);
	cfg.no_csum = true;
	cfg.outer_only = true;		/* a tenant's own Geneve is payload */
	cfg.genv_class = t->cfg.lim.genv_class;
	gnv_decode(c->pk, frame, (uint32_t)size, (uint32_t)size, &cfg);
	if (!l->eth.present)
		return drop(c, RT_DROP_FRAME_MALFORMED, "parse", "%zu bytes: no Ethernet header", size);
	if (l->eth.nvlan)
		return drop(c, RT_DROP_FRAME_VLAN, "parse", "VLAN %u tag", l->eth.vlan[0].tci & 0xfff);
	if (l->eth.type == ETH_P_ARP) {
		if (outer_invalid(c->pk))
			return drop(c, RT_DROP_FRAME_MALFORMED, "parse", "%s",
				    gnv_err_msg(c->pk->err[0].code));
		TR(c, "parse", "arp", "ARP op %u %s -> %s", l->arp.op,
		   rt_addr_fmt(a, sizeof(a), 4, l->arp.spa), rt_addr_fmt(p, sizeof(p), 4, l->arp.tpa));
		return do_arp(c);
	}
	if (l->eth.type != ETH_P_IP && l->eth.type != ETH_P_IPV6)
		return drop(c, RT_DROP_FRAME_ETHERTYPE, "parse", "EtherType 0x%04x", l->eth.type);
	if (outer_invalid(c->pk) || !l->ip.version)
		return drop(c, RT_DROP_FRAME_MALFORMED, "parse", "%s",
			    c->pk->nerr ? gnv_err_msg(c->pk->err[0].code) : "no IP header");
	fam = l->ip.version;
	TR(c, "parse", "ip", "IPv%d %s -> %s proto %u, %u bytes", fam,
	   addr_s(a, &l->ip.src), addr_s(p, &l->ip.dst), l->ip.proto, l->ip.tot_len);

	/* anti-spoofing: the frame's source must be one of the port's endpoints;
	 * neighbour discovery and MLD may come from a link-local address */
	c->src = rt_ep_by_port(t, port, l->eth.src, fam, l->ip.src.a);
	if (!c->src && fam == 6 && l->l4.proto == 58 && l->l4.type >= 130 && l->l4.type <= 143 &&
	    (ip_unspecified(&l->ip.src) || (l->ip.src.a[0] == 0xfe && (l->ip.src.a[1] & 0xc0) == 0x80)))
		for (unsigned int i = 0; i < c->pt->nep && !c->src; i++) {
			struct rt_ep *e = &t->cfg.ep[c->pt->ep[i]];

			if (e->family == 6 && !memcmp(e->mac, l->eth.src, 6))
				c->src = e;
		}
	if (!c->src) {
		const struct rt_ep *owner = NULL;

		for (unsigned int i = 0; i < c->pt->nep && !owner; i++)
			if (!memcmp(t->cfg.ep[c->pt->ep[i]].mac, l->eth.src, 6))
				owner = &t->cfg.ep[c->pt->ep[i]];
		/* drops are reported in the VPC of the MAC's endpoint, if any */
		if (owner)
			c->v = &t->cfg.vpc[owner->vpc];
		/* a VM's own multicast chatter (MLD, router solicitations from a
		 * stack the endpoint does not use) is not spoofing */
		if (owner && ((fam == 6 && l->ip.dst.a[0] == 0xff) ||
			      (fam == 4 && ((l->ip.dst.a[0] & 0xf0) == 0xe0 ||
					    !memcmp(l->ip.dst.a, "\xff\xff\xff\xff", 4)))))
			return drop(c, RT_DROP_MULTICAST, "spoof",
				    "%s -> %s: multicast from endpoint MAC %s, not carried",
				    addr_s(a, &l->ip.src), addr_s(p, &l->ip.dst), mac_s(b, l->eth.src));
		return drop(c, owner ? RT_DROP_SPOOF_IP : RT_DROP_SPOOF_MAC, "spoof",
			    "%s %s is not an endpoint of port %s", mac_s(b, l->eth.src),
			    addr_s(a, &l->ip.src), c->pt->name);
	}
	c->v = &t->cfg.vpc[c->src->vpc];
	out->vni = c->v->vni;
	TR(c, "spoof", "pass", "endpoint %s mac %s type %s vpc %u%s%s", addr_s(a, &l->ip.src),
	   mac_s(b, l->eth.src), eptype_s(c->src->type), c->v->vni, c->v->name[0] ? " " : "",
	   c->v->name);
	if (c->live) {
		c->src->c.rx_pkts++;
		c->src->c.rx_bytes += size;
		c->v->st.c.rx_pkts++;
		c->v->st.c.rx_bytes += size;
	}
	if (fam == 6 && l->l4.proto == 58 && l->l4.type >= 130 && l->l4.type <= 143)
		return do_nd(c);
	if (ip_multicast(&l->ip))
		return drop(c, RT_DROP_MULTICAST, "parse", "destination %s", addr_s(a, &l->ip.dst));

	hash = flow_hash_layers(l, 0);
	out->flow_hash = hash;
	flow_note(c, l, hash);

	/* destination: endpoint, gateway, network (bouncer), VPC (divider) */
	d = rt_ep_find(t, c->v->vni, fam, l->ip.dst.a);
	if (d && d->sc)
		d = scaled_dst(c, d, frame, hash);
	flow_dst(c, d);
	if (d) {
		if (d->port >= 0) {
			TR(c, "endpoint", "local", "%s vpc %u on port %s", addr_s(a, &l->ip.dst),
			   c->v->vni, t->cfg.port[d->port].name);
			if (!policy_pass(c, l, c->src, d, 0, frame, size))
				return RT_DROP;
			scaled_src(c, frame);
			return deliver_local(c, d, l, frame, size, true);
		}
		if (!policy_pass(c, l, c->src, d, 0, frame, size))
			return RT_DROP;
		hi = d->type == EP_SCALED ? d->host[pick(hash, d->nhost)] : d->host[0];
		TR(c, "endpoint", "remote", "%s vpc %u type %s on host %s%s", addr_s(a, &l->ip.dst),
		   c->v->vni, eptype_s(d->type), addr_s(p, &t->cfg.host[hi].addr),
		   d->type == EP_SCALED && d->nhost > 1 ? " (flow hash)" : "");
		return encap(c, &t->cfg.host[hi], RT_PATH_DIRECT, d, NULL, hash);
	}
	TR(c, "endpoint", "miss", "no endpoint %s in vpc %u", addr_s(a, &l->ip.dst), c->v->vni);
	if (rt_vpc_cidr_of(c->v, fam, l->ip.dst.a)) {
		uint8_t gw[16];

		if (rt_gateway_of(t, c->v, fam, l->ip.dst.a, gw) &&
		    addr_eq_n(gw, l->ip.dst.a, alen_of(fam))) {
			if ((fam == 4 && l->l4.proto == 1 && l->l4.type == 8) ||
			    (fam == 6 && l->l4.proto == 58 && l->l4.type == 128))
				return do_echo(c);
			return drop(c, RT_DROP_NO_ROUTE, "gateway", "%s is the gateway; only echo is answered",
				    addr_s(a, &l->ip.dst));
		}
		n = rt_net_lookup(t, c->v, fam, l->ip.dst.a);
		if (!policy_pass(c, l, c->src, NULL, 0, frame, size))
			return RT_DROP;
		/* direct path: a host learned from a return-to-sender answer */
		const struct rt_host *dh = rt_dp_route(t, c->v, c->src, (uint8_t)fam, l->ip.dst.a, c->live, DP_NOTE(c));
		dp_trace(c);
		if (dh)
			return encap(c, dh, RT_PATH_DIRECT, NULL, NULL, hash);
		if (n) {
			hi = pick_host(t, n->bouncer, n->nbouncer, hash);
			TR(c, "network", hi == RT_NONE ? "no bouncer" : "bouncer", "%s%s%s",
			   rt_prefix_fmt(p, sizeof(p), &n->p),
			   hi == RT_NONE ? "" : " bouncer ",
			   hi == RT_NONE ? "" : addr_s(a, &t->cfg.host[hi].addr));
			if (hi != RT_NONE)
				return encap(c, &t->cfg.host[hi], RT_PATH_BOUNCER, NULL, n, hash);
		} else {
			TR(c, "network", "miss", "no network for %s", addr_s(a, &l->ip.dst));
		}
	}
	if (!rt_vpc_cidr_of(c->v, fam, l->ip.dst.a) && !policy_pass(c, l, c->src, NULL, 0, frame, size))
		return RT_DROP;
	if (fam == 4 && rt_vpc_gateway(t, c->v) && !rt_vpc_cidr_of(c->v, fam, l->ip.dst.a))
		return to_gateway(c, &c->pk->outer, frame, hash);
	hi = pick_host(t, c->v->divider, c->v->ndivider, hash);
	if (hi != RT_NONE) {
		TR(c, "divider", "divider", "vpc %u divider %s (of %u)", c->v->vni,
		   addr_s(a, &t->cfg.host[hi].addr), c->v->ndivider);
		return encap(c, &t->cfg.host[hi], RT_PATH_DIVIDER, NULL, NULL, hash);
	}
	TR(c, "divider", "none", "vpc %u has no divider", c->v->vni);
	if (fam == 4)
		return icmp_error(c, RT_DROP_NO_ROUTE, 3, n || rt_vpc_cidr_of(c->v, 4, l->ip.dst.a) ? 1 : 0,
				  0, "no route");
	return icmp_error(c, RT_DROP_NO_ROUTE, 1, n || rt_vpc_cidr_of(c->v, 6, l->ip.dst.a) ? 3 : 0,
			  0, "no route");
}

/* ---- from the underlay ---- */

/* A remote endpoint that lives on host index h. */
static bool ep_on_host(const struct rt_ep *e, uint32_t h)
{
	for (unsigned int i = 0; i < e->nhost; i++)
		if (e->host[i] == h)
			return true;
	return false;
}

/* Host hs holds the VPC's gateway endpoint: it sends the replies it
 * translated back (any source outside the VPC). */
static bool gw_sender(const struct rt_tables *t, const struct rt_vpc *v, uint32_t hs)
{
	const struct rt_ep *g = rt_vpc_gateway(t, v);

	return g && ep_on_host(g, hs);
}

static const char *vh_roles(char *buf, size_t size, const struct rt_vpc_host *vh)
{
	snprintf(buf, size, "%s%s%s", vh->eps ? ", endpoint host" : "",
		 vh->relays ? ", bouncer/divider" : "", vh->peers ? ", peer" : "");
	return buf + 2;
}

/*
 * The inner source may come from this sender: a relay (bouncer or divider
 * of the VPC) carries anyone's traffic; otherwise an endpoint's packets
 * come from one of its own hosts, and a source that is no endpoint of the
 * VPC (a gateway's traffic, an endpoint this host was not told of) only
 * from a peer.  False: dropped (spoof.remote).
 */
static bool inner_src_ok(struct ctx *c, const struct rt_vpc_host *vh, uint32_t hs,
			 const struct gnv_ip *ip)
{
	const struct rt_ep *e = c->inner_src;
	const struct rt_tables *t = c->t;
	char a[RT_ADDR_STR], b[RT_ADDR_STR], s[RT_ADDR_STR];

	if (vh->relays) {
		TR(c, "spoof", "pass", "%s relayed by bouncer/divider %s", addr_s(a, &ip->src),
		   addr_s(s, &c->meta->src));
		return true;
	}
	if (!e && gw_sender(t, c->v, hs)) {
		TR(c, "spoof", "pass", "%s is no endpoint; from the gateway host %s", addr_s(a, &ip->src),
		   addr_s(s, &c->meta->src));
		return true;
	}
	if (!e && !vh->peers) {
		drop(c, RT_DROP_SPOOF_REMOTE, "spoof",
		     "%s is no endpoint of vpc %u and %s is no bouncer, divider or peer",
		     addr_s(a, &ip->src), c->v->vni, addr_s(s, &c->meta->src));
		return false;
	}
	if (!e) {
		TR(c, "spoof", "pass", "%s is no endpoint; from peer %s", addr_s(a, &ip->src),
		   addr_s(s, &c->meta->src));
		return true;
	}
	if (e->port >= 0) {
		drop(c, RT_DROP_SPOOF_REMOTE, "spoof", "endpoint %s lives on this host, not on %s",
		     addr_s(a, &ip->src), addr_s(s, &c->meta->src));
		return false;
	}
	if (!ep_on_host(e, hs)) {
		drop(c, RT_DROP_SPOOF_REMOTE, "spoof", "endpoint %s lives on %s%s, not on %s",
		     addr_s(a, &ip->src), addr_s(b, &t->cfg.host[e->host[0]].addr),
		     e->nhost > 1 ? " ..." : "", addr_s(s, &c->meta->src));
		return false;
	}
	TR(c, "spoof", "pass", "endpoint %s on host %s", addr_s(a, &ip->src), addr_s(s, &c->meta->src));
	return true;
}

static bool known_critical(const struct rt_tables *t, const struct gnv_opt *o)
{
	uint8_t type = o->type & 0x7f;

	return o->cls == t->cfg.lim.genv_class && type >= GENV_OPT_LABEL && type <= GENV_OPT_LAST;
}

static enum rt_verdict underlay_packet(struct ctx *c)
{
	struct rt_tables *t = c->t;
	struct rt_out *out = c->out;
	const struct rt_ul_meta *meta = c->meta;
	uint8_t *payload = c->frame;
	size_t size = c->size;
	struct gnv_pkt *pk = c->pk;
	const struct gnv_geneve *g = &pk->gnv;
	const struct gnv_layers *l = &pk->inner;
	struct gnv_decode_cfg cfg;
	const struct rt_vpc_host *vh;
	struct rt_net *n;
	struct rt_ep *d;
	uint32_t hash, hi = RT_NONE;
	bool self_b, self_d;
	int fam, hs;
	char a[RT_ADDR_STR], p[RT_PREFIX_STR], s[RT_ADDR_STR];

	memset(out, 0, sizeof(*out));
	out->port = -1;
	if (c->live)
		t->run.st.underlay_rx++;
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = GNV_LINK_GENEVE;
	cfg.no_csum = true;
	cfg.genv_class = t->cfg.lim.genv_class;
	gnv_decode(pk, payload, (uint32_t)size, (uint32_t)size, &cfg);
	TR(c, "underlay", "pass", "from %s, %zu bytes, ttl %u tos 0x%02x", addr_s(s, &meta->src),
	   size, meta->ttl, meta->tos);
	if (!g->present)
		return drop(c, RT_DROP_GNV_MALFORMED, "geneve", "%zu bytes: shorter than the Geneve header",
			    size);
	if (g->ver)
		return drop(c, RT_DROP_GNV_VERSION, "geneve", "version %u", g->ver);
	for (unsigned int i = 0; i < pk->nerr; i++)
		if (!pk->err[i].inner && gnv_err_severity(pk->err[i].code) != GNV_SEV_WARNING)
			return drop(c, RT_DROP_GNV_MALFORMED, "geneve", "%s (%s)",
				    gnv_err_msg(pk->err[i].code), gnv_err_code(pk->err[i].code));
	for (unsigned int i = 0; i < g->nopt; i++)
		if (gnv_opt_critical(&g->opt[i]) && !known_critical(t, &g->opt[i]))
			return drop(c, RT_DROP_GNV_CRITICAL, "options",
				    "critical option class 0x%04x type 0x%02x", g->opt[i].cls,
				    g->opt[i].type);
	TR(c, "geneve", "pass", "vni %u, %u options (%u bytes)%s%s", g->vni, g->nopt, g->opt_size,
	   g->oam ? ", O" : "", g->crit ? ", C" : "");
	out->vni = g->vni;
	c->v = rt_vpc_find(t, g->vni);
	if (g->oam) {
		char why[RT_TRACE_DETAIL];
		bool taken;
		enum rt_drop dr = rt_dp_on_control(t, &meta->src, pk, payload, c->live, DP_NOTE(c), &taken, why,
						   sizeof(why));

		dp_trace(c);

		if (dr != RT_DROP_NONE)
			return drop(c, dr, "direct", "%s", why);
		if (!taken) {	/* a health keepalive (health.h) */
			dr = rt_hl_on_control(t, &meta->src, pk, payload, c->live, &taken, why, sizeof(why));
			if (dr != RT_DROP_NONE)
				return drop(c, dr, "health", "%s", why);
			if (taken)
				TR(c, "health", "pass", "%s", why);
		}
		out->verdict = RT_CONTROL;
		out->data = payload;
		out->size = size;
		TR(c, "control", "control", "O bit: to the control handler");
		if (c->live) {
			t->run.st.control++;
			if (c->v)
				c->v->st.control++;
		}
		return RT_CONTROL;
	}
	if (g->proto != ETH_P_TEB)
		return drop(c, RT_DROP_GNV_PROTO, "geneve", "protocol type 0x%04x", g->proto);
	if (!c->v)
		return drop(c, RT_DROP_VNI_UNKNOWN, "vpc", "no VPC with VNI %u", g->vni);
	TR(c, "vpc", "pass", "vpc %u%s%s", c->v->vni, c->v->name[0] ? " " : "", c->v->name);
	/* trust: only the VPC's own hosts send into it (tables.h, rt_vpc_host) */
	vh = rt_vpc_host_by_addr(t, rt_vpc_index(t, c->v), &meta->src);	/* one lookup */
	hs = vh ? vh->host : -1;
	if (!vh)
		return drop(c, RT_DROP_UNKNOWN_PEER, "peer",
			    "%s is no endpoint host, bouncer, divider or peer of vpc %u",
			    addr_s(s, &meta->src), c->v->vni);
	TR(c, "peer", "pass", "%s: %s of vpc %u", addr_s(s, &meta->src),
	   vh_roles(p, sizeof(p), vh), c->v->vni);
	if (c->live) {
		c->v->st.c.rx_pkts++;
		c->v->st.c.rx_bytes += size;
	}
	if (!l->eth.present || !l->ip.version || l->eth.nvlan)
		return drop(c, RT_DROP_INNER_MALFORMED, "parse", "inner frame is not IPv4/IPv6 over Ethernet");
	for (unsigned int i = 0; i < pk->nerr; i++)
		if (pk->err[i].inner && gnv_err_severity(pk->err[i].code) != GNV_SEV_WARNING)
			return drop(c, RT_DROP_INNER_MALFORMED, "parse", "%s (%s)",
				    gnv_err_msg(pk->err[i].code), gnv_err_code(pk->err[i].code));
	fam = l->ip.version;
	TR(c, "parse", "ip", "inner IPv%d %s -> %s proto %u, %u bytes", fam, addr_s(a, &l->ip.src),
	   addr_s(p, &l->ip.dst), l->ip.proto, l->ip.tot_len);
	/* once per packet: the trust check and the flow record use it */
	c->inner_src = rt_ep_find(t, g->vni, fam, l->ip.src.a);
	if (!inner_src_ok(c, vh, (uint32_t)hs, &l->ip))
		return RT_DROP;
	if (ip_multicast(&l->ip))
		return drop(c, RT_DROP_MULTICAST, "parse", "destination %s", addr_s(a, &l->ip.dst));
	hash = flow_hash_layers(l, 0);
	out->flow_hash = hash;
	flow_note(c, l, hash);

	d = rt_ep_find(t, g->vni, fam, l->ip.dst.a);
	flow_dst(c, d);
	if (d && d->sc && d->type == EP_PROXIED && rt_proxied_redirect(d, l->ip.src.a))
		return drop(c, RT_DROP_PROXY_BYPASS, "proxied",
			    "%s is a proxied endpoint: only its proxy sends to it, the sender's router redirects",
			    addr_s(a, &l->ip.dst));
	if (d && d->sc && d->type != EP_PROXIED)
		return drop(c, RT_DROP_NO_ROUTE, "scaled",
			    "%s is a scaled endpoint: the sender's router picks its backend",
			    addr_s(a, &l->ip.dst));
	if (d && d->port >= 0) {
		uint8_t *inner = payload + g->inner_off;
		uint8_t oe = meta->tos & 3, ie = ecn_of(&l->ip);
		char why[RT_TRACE_DETAIL];
		int ne, q;

		TR(c, "endpoint", "local", "%s vpc %u on port %s", addr_s(a, &l->ip.dst), g->vni,
		   rt_port_get(t, d->port) ? t->cfg.port[d->port].name : "?");
		if (!policy_pass(c, l, c->inner_src, d, carried_ident(c), payload, size))
			return RT_DROP;
		/* RFC 6040 section 4.2 (normal mode; libcore/ecn.h) */
		ne = gnv_ecn_decap(oe, ie);
		if (ne == GNV_ECN_DROP)
			return drop(c, RT_DROP_ECN, "ecn", "outer CE, inner not-ECT");
		if (ne != ie) {
			TR(c, "ecn", "mark", "inner ECN %u -> %u (outer %u)", ie, ne, oe);
			set_ecn(payload + l->ip.off, fam, (uint8_t)ne);
		}
		q = rt_qos_ingress(t, g, payload, payload + l->ip.off, fam, c->tr ? why : NULL, sizeof(why));
		if (q < 0)
			return drop(c, RT_DROP_QOS_MALFORMED, "qos", "%s", why);
		if (q > 0)
			TR(c, "qos", "class", "%s", why);
		if (!proxied_in(c, g, payload))
			return RT_DROP;
		rt_dp_on_deliver(t, c->v, &meta->src, pk, payload, c->live, DP_NOTE(c));
		dp_trace(c);
		scaled_src(c, payload);
		return deliver_local(c, d, l, inner, size - g->inner_off, false);
	}
	if (!d && fam == 4 && gw_here(t, c->v) && !rt_vpc_cidr_of(c->v, fam, l->ip.dst.a))
		return gw_out(c, &pk->inner, payload);
	/* not local: forward onward only as this VPC's divider or the net's bouncer */
	n = rt_net_lookup(t, c->v, fam, l->ip.dst.a);
	self_b = n && hosts_include_self(t, n->bouncer, n->nbouncer);
	self_d = hosts_include_self(t, c->v->divider, c->v->ndivider);
	if (!self_b && !self_d)
		rt_dp_on_not_local(t, c->v, &meta->src, pk, c->live, DP_NOTE(c));
	dp_trace(c);
	if (!self_b && !self_d)
		return drop(c, RT_DROP_NOT_LOCAL, "endpoint", "%s vpc %u is %s and this host is not its bouncer or divider",
			    addr_s(a, &l->ip.dst), g->vni, d ? "remote" : "unknown");
	if (self_b)
		TR(c, "role", "bouncer", "this host is a bouncer of %s", rt_prefix_fmt(p, sizeof(p), &n->p));
	else
		TR(c, "role", "divider", "this host is a divider of vpc %u", g->vni);
	if (d) {
		hi = d->type == EP_SCALED ? d->host[pick(hash, d->nhost)] : d->host[0];
		TR(c, "endpoint", "remote", "%s vpc %u type %s on host %s", addr_s(a, &l->ip.dst), g->vni,
		   eptype_s(d->type), addr_s(p, &t->cfg.host[hi].addr));
	} else if (n && !self_b) {
		hi = pick_host(t, n->bouncer, n->nbouncer, hash);
		TR(c, "network", hi == RT_NONE ? "no bouncer" : "bouncer", "%s%s%s",
		   rt_prefix_fmt(p, sizeof(p), &n->p), hi == RT_NONE ? "" : " bouncer ",
		   hi == RT_NONE ? "" : addr_s(a, &t->cfg.host[hi].addr));
	}
	if (hi == RT_NONE)
		return drop(c, RT_DROP_NO_ROUTE, "endpoint", "no endpoint %s in vpc %u here",
			    addr_s(a, &l->ip.dst), g->vni);
	flow_path(c, RT_PATH_FORWARD, &t->cfg.host[hi].addr);
	/* hosts are interned: the sender is host hs (looked up above) */
	if (rt_host_is_self(t, hi) || hi == (uint32_t)hs)
		return drop(c, RT_DROP_LOOP, "forward", "next hop %s is %s",
			    addr_s(a, &t->cfg.host[hi].addr), rt_host_is_self(t, hi) ? "this host" : "the sender");
	if (rt_hop_ttl(meta->ttl, t->cfg.self.ttl, &out->ttl) != RT_DROP_NONE)
		return drop(c, RT_DROP_TTL, "ttl", "outer TTL 1 from %s", addr_s(a, &meta->src));
	out->verdict = RT_FORWARD;
	out->reason = RT_DROP_NONE;
	out->dst = t->cfg.host[hi].addr;
	out->data = payload;
	out->size = size;
	out->tos = meta->tos;
	out->sport = flow_sport(hash);
	TR(c, "forward", "forward", "onward to %s, ttl %u", addr_s(a, &out->dst), out->ttl);
	if (c->live) {
		t->run.st.forwarded++;
		c->v->st.forwarded++;
		c->v->st.c.tx_pkts++;
		c->v->st.c.tx_bytes += size;
		if (d) {
			d->c.tx_pkts++;
			d->c.tx_bytes += size;
		} else if (n) {
			n->c.tx_pkts++;
			n->c.tx_bytes += size;
		}
	}
	return RT_FORWARD;
}

/* ---- from the underlay side (gateway NAT, nat.h) ---- */

static enum rt_verdict outside_packet(struct ctx *c)
{
	struct rt_tables *t = c->t;
	struct gnv_layers *l = &c->pk->outer;
	struct gnv_decode_cfg cfg;
	struct rt_nat_env x;
	struct rt_nat_map m;
	struct rt_ep *d;
	enum rt_drop why;
	enum rt_verdict v;
	uint32_t hash, hi;
	char msg[RT_TRACE_DETAIL], a[RT_ADDR_STR];

	memset(c->out, 0, sizeof(*c->out));
	c->out->port = -1;
	if (c->headroom < RT_HEADROOM)
		return drop(c, RT_DROP_HEADROOM, "outside", "%zu bytes of headroom, need %d",
			    c->headroom + ETH_HLEN, RT_HEADROOM + ETH_HLEN);
	/* an Ethernet header in front: the frame the VM gets, routed by us */
	memcpy(c->frame, t->cfg.self.mac, 6);
	memcpy(c->frame + 6, t->cfg.self.mac, 6);
	gnv_put16(c->frame + 12, ETH_P_IP);
	gnv_decode_cfg_default(&cfg);
	cfg.no_csum = true;
	cfg.outer_only = true;
	cfg.genv_class = t->cfg.lim.genv_class;
	gnv_decode(c->pk, c->frame, (uint32_t)c->size, (uint32_t)c->size, &cfg);
	if (outer_invalid(c->pk) || l->ip.version != 4)
		return drop(c, RT_DROP_NAT_UNSUPPORTED, "outside", "%s",
			    l->ip.version == 6 ? "IPv6 is not translated" :
			    c->pk->nerr ? gnv_err_msg(c->pk->err[0].code) : "no IPv4 header");
	TR(c, "outside", "pass", "IPv4 %s -> %s proto %u, %u bytes", addr_s(a, &l->ip.src),
	   addr_s(msg, &l->ip.dst), l->ip.proto, l->ip.tot_len);
	if (!nat_env(c, &x, NULL))
		return drop(c, RT_DROP_NAT_UNSUPPORTED, "nat", "this host has no IPv4 underlay address");
	msg[0] = 0;
	why = rt_nat_in(&x, l, c->frame, c->size, &m, c->tr ? msg : NULL, sizeof(msg));
	if (why != RT_DROP_NONE)
		return drop(c, why, "nat", "%s", msg);
	TR(c, "nat", "ingress", "%s", msg);
	c->v = rt_vpc_find(t, m.vni);
	if (!c->v)
		return drop(c, RT_DROP_VNI_UNKNOWN, "vpc", "no VPC with VNI %u", m.vni);
	c->out->vni = m.vni;
	c->from_gw = true;
	hash = flow_hash_layers(l, 0);
	c->out->flow_hash = hash;
	flow_note(c, l, hash);
	d = rt_ep_find(t, m.vni, 4, m.vm);
	flow_dst(c, d);
	if (!d || (d->port < 0 && !d->nhost))
		return drop(c, RT_DROP_NO_ROUTE, "endpoint", "no endpoint %s in vpc %u",
			    rt_addr_fmt(a, sizeof(a), 4, m.vm), m.vni);
	if (!policy_pass(c, l, NULL, d, 0, c->frame, c->size))
		return RT_DROP;
	if (d->port >= 0) {
		v = deliver_local(c, d, l, c->frame, c->size, true);
	} else {
		hi = d->host[0];
		if (rt_host_is_self(t, hi))
			return drop(c, RT_DROP_LOOP, "forward", "endpoint %s names this host",
				    rt_addr_fmt(a, sizeof(a), 4, m.vm));
		v = encap(c, &t->cfg.host[hi], RT_PATH_DIRECT, d, NULL, hash);
	}
	if (v == RT_DELIVER || v == RT_FORWARD)
		flow_path(c, RT_PATH_NAT, v == RT_FORWARD ? &c->out->dst : NULL);
	return v;
}

enum rt_verdict rt_from_outside(struct rt_tables *t, uint8_t *pkt, size_t size, size_t headroom,
				struct rt_out *out, struct rt_trace *tr)
{
	struct ctx cx = { .t = t, .tr = tr, .live = !(tr && tr->dry_run), .out = out,
			  .pk = &t->scratch, .frame = pkt - ETH_HLEN, .size = size + ETH_HLEN,
			  .headroom = headroom >= ETH_HLEN ? headroom - ETH_HLEN : 0 };
	enum rt_verdict v;

	if (headroom < ETH_HLEN) {
		cx.frame = pkt;
		cx.size = size;
	}
	v = outside_packet(&cx);
	flow_done(&cx);
	return v;
}

/* The pipelines, then the verdict into the packet's flow entry. */
static enum rt_verdict from_port(struct rt_tables *t, int port, uint8_t *frame, size_t size,
				 size_t headroom, struct rt_out *out, struct rt_trace *tr)
{
	struct ctx cx = { .t = t, .tr = tr, .live = !(tr && tr->dry_run), .out = out,
			  .pk = &t->scratch, .frame = frame, .size = size, .headroom = headroom };

	enum rt_verdict v = port_packet(&cx, port);

	flow_done(&cx);
	return v;
}

static enum rt_verdict from_underlay(struct rt_tables *t, const struct rt_ul_meta *meta,
				     uint8_t *payload, size_t size, size_t headroom,
				     struct rt_out *out, struct rt_trace *tr)
{
	struct ctx cx = { .t = t, .tr = tr, .live = !(tr && tr->dry_run), .out = out,
			  .pk = &t->scratch, .frame = payload, .size = size, .headroom = headroom,
			  .meta = meta };

	enum rt_verdict v = underlay_packet(&cx);

	flow_done(&cx);
	return v;
}

/* ---- the packet mirror (`mirror on`, genv trace capture --router) ---- */

static bool mirroring(const struct rt_tables *t, const struct rt_trace *tr)
{
	return rt_mirror_on(t->run.mirror, t->run.now_ns) && !(tr && tr->dry_run);
}

static void mirror_tx(struct rt_tables *t, const struct rt_out *out)
{
	const struct gnv_addr *self = t->cfg.self.addr_set ? &t->cfg.self.addr : NULL;
	const struct rt_port *pt;

	switch (out->verdict) {
	case RT_DELIVER:
	case RT_REPLY:
		pt = rt_port_get(t, out->port);
		rt_mirror_note(t->run.mirror, t->run.now_ns, RT_REC_TX, pt ? pt->name : "?", NULL, NULL,
			       out->vni != 0, out->vni, out->data, out->size);
		break;
	case RT_FORWARD:
		rt_mirror_note(t->run.mirror, t->run.now_ns, RT_REC_TX, NULL, &out->dst, self, true, out->vni,
			       out->data, out->size);
		break;
	case RT_CONTROL:
	case RT_DROP:
	case RT_EGRESS:
		break;
	}
}

enum rt_verdict rt_from_port(struct rt_tables *t, int port, uint8_t *frame, size_t size,
			     size_t headroom, struct rt_out *out, struct rt_trace *tr)
{
	struct rt_drop_rec *rx;
	enum rt_verdict v;

	if (!mirroring(t, tr))
		return from_port(t, port, frame, size, headroom, out, tr);
	/* before the pipeline rewrites the frame in place; its VPC after */
	rx = rt_mirror_note(t->run.mirror, t->run.now_ns, RT_REC_RX,
			    rt_port_get(t, port) ? t->cfg.port[port].name : "?", NULL, NULL, false, 0,
			    frame, size);
	v = from_port(t, port, frame, size, headroom, out, tr);
	if (rx && out->vni) {
		rx->vni = out->vni;
		rx->vni_known = true;
	}
	mirror_tx(t, out);
	return v;
}

enum rt_verdict rt_from_underlay(struct rt_tables *t, const struct rt_ul_meta *meta,
				 uint8_t *payload, size_t size, size_t headroom,
				 struct rt_out *out, struct rt_trace *tr)
{
	struct rt_drop_rec *rx;
	enum rt_verdict v;

	if (!mirroring(t, tr))
		return from_underlay(t, meta, payload, size, headroom, out, tr);
	rx = rt_mirror_note(t->run.mirror, t->run.now_ns, RT_REC_RX, NULL, &meta->src,
			    t->cfg.self.addr_set ? &t->cfg.self.addr : NULL, false, 0, payload, size);
	v = from_underlay(t, meta, payload, size, headroom, out, tr);
	if (rx && out->vni) {
		rx->vni = out->vni;
		rx->vni_known = true;
	}
	mirror_tx(t, out);
	return v;
}

void rt_count_oversize(struct rt_tables *t, int port, const struct rt_ul_meta *meta,
		       const uint8_t *data, size_t size)
{
	struct rt_port *pt = meta ? NULL : rt_port_get(t, port);

	t->run.st.drops++;
	t->run.st.drop[RT_DROP_FRAME_OVERSIZE]++;
	if (pt)
		pt->st.c.drops++;
	if (t->run.drops)
		rt_dropring_note(t->run.drops, t->run.now_ns, RT_DROP_FRAME_OVERSIZE,
				 meta ? NULL : pt ? pt->name : "?", meta ? &meta->src : NULL,
				 t->cfg.self.addr_set ? &t->cfg.self.addr : NULL, false, 0, data, size);
}

void rt_count_tx_error(struct rt_tables *t, const struct rt_out *out)
{
	(void)out;
	t->run.st.tx_errors++;
}
