/* SPDX-License-Identifier: MIT */
/*
 * Router tables: VPCs, networks, endpoints, underlay hosts, ports.
 * (Data model: shared/reference "Mizar lineage"; issue "genv route".)
 *
 *   VNI --hash--> rt_vpc --LPM over its nets--> rt_net (bouncers)
 *   (VNI, IP) --open-addressing hash--> rt_ep (local port | remote hosts)
 *   port index --> rt_port --(MAC, IP)--> its endpoints (anti-spoofing)
 *   (VPC, outer source host) --hash--> rt_vpc_host (who may send into a VPC)
 *
 * Every table is sized once by rt_tables_new() from struct rt_limits and
 * never grows: lookups are O(1) (endpoint, VPC, host) or O(number of
 * distinct prefix lengths) (networks).  Updates run in the control path
 * between packet batches (single thread: no locks).  Each update function
 * validates everything first; on error it returns -errno with a message
 * in err and changes nothing.  Updates never reallocate a table; the only
 * allocations are an endpoint's option blob and a VPC's flow table, both
 * made before anything is committed.
 *
 * Objects are referred to by index (stable while the object exists);
 * pointers returned by lookups stay valid until the object is deleted.
 *
 * Layer: router.  tables.c makes the tables and does the lookups,
 * tables_edit.c the checked updates; both call prefix, libcore and libc,
 * and tables.c dropring (the tables own the drop ring and the mirror).
 * Neither calls the pipeline, the config language or the loop above it.
 */
#ifndef GENV_RT_TABLES_H
#define GENV_RT_TABLES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "dpcache.h"
#include "ext.h"
#include "labels.h"
#include "maglev.h"
#include "nat.h"
#include "prefix.h"
#include "qos_types.h"
#include "scaled.h"
#include "stats.h"

#define RT_VNI_MIN		1	/* a VPC id: genv-route(8), genv.conf(5) */
#define RT_VNI_MAX		GNV_VNI_MAX
#define RT_NAME_MAX		32	/* VPC names, host id (with the NUL) */
#define RT_PORT_NAME_MAX	16	/* IFNAMSIZ */
#define RT_NETNS_MAX		64	/* add port NAME netns NS: a name or a path */
#define RT_VPC_MAX_CIDRS	8
#define RT_MAX_DIVIDERS		8
#define RT_MAX_BOUNCERS		8
#define RT_MAX_PEERS		8	/* `peers`: trusted senders besides the VPC's hosts */
#define RT_EP_MAX_HOSTS		8
#define RT_NS_NAME_MAX		64	/* a namespace name (DNS label) with the NUL */
#define RT_NS_DEFAULT		"default"
#define RT_PORT_MAX_EPS		8	/* endpoints behind one port (IPv4 + IPv6 ...) */
#define RT_OPT_SPACE		252	/* Geneve option bytes */
#define RT_MTU_MIN		576
#define RT_MTU_MAX		65535
#define RT_DEFAULT_PORT_MTU	1400
#define RT_DEFAULT_UL_MTU	1500
#define RT_DEFAULT_TTL		64
#define RT_NONE			UINT32_MAX	/* "no index" */

/* Sizes fixed at start.  Zero fields take the defaults. */
struct rt_limits {
	uint32_t max_vpcs;	/* 4096 */
	uint32_t max_nets;	/* 16384 */
	uint32_t max_eps;	/* 65536 */
	uint32_t max_hosts;	/* 4096 underlay peers (at most 65535) */
	uint32_t max_vpc_hosts;	/* (VPC, host) trust pairs: max_eps + max_nets +
				 * 16 * max_vpcs (at most max_vpcs * max_hosts) */
	uint32_t max_ports;	/* 256 local ports */
	uint32_t flows_per_vpc;	/* 1024 flow entries per VPC (power of two, >= 4) */
	uint32_t max_ns;	/* 4096 namespaces (all VPCs) */
	uint32_t max_idents;	/* identities (distinct label sets): max_eps */
	uint32_t max_policies;	/* 16384 policies (all VPCs) */
	uint32_t ct_entries;	/* 262144 tracked connections (rounded up to a power of two) */
	uint32_t icmp_rate;	/* ICMP errors per second, whole router: 100 */
	uint32_t dp_size;	/* direct-path cache entries at start: 4096
				 * (`set host cache N` resizes it) */
	uint16_t genv_class;	/* class of genv's options: GENV_CLASS_DEFAULT */
};

void rt_limits_default(struct rt_limits *l);

/*
 * The limits an operator sets (genv route run --limit, --max-endpoints),
 * by name: vpcs, nets, endpoints, hosts, ports, flows (per VPC, a power of
 * two), namespaces, identities, policies, conntrack.
 * rt_limits_parse(): "NAME=N[,NAME=N...]" into l (the fields it names,
 * those before a bad one too: parse into a copy to keep l); 0, or -EINVAL with a message in err naming the bad word: an unknown
 * name, a value that is not a number, 0, above the table's maximum (what
 * rt_tables_new() accepts), or a flow count that is not a power of two.
 * rt_limit_get(): the i-th limit's name and value in l, NULL past the last.
 */
#define RT_LIMIT_MAX_EPS	(1u << 28)	/* the largest endpoint table */
int rt_limits_parse(struct rt_limits *l, const char *spec, char *err, size_t errsz);
const char *rt_limit_get(const struct rt_limits *l, unsigned int i, uint32_t *val);

/* An underlay peer, interned: endpoints, bouncers and dividers refer to
 * hosts by index (uint16_t). */
struct rt_host {
	struct gnv_addr addr;
	uint32_t refs;		/* 0: free slot */
	bool down;		/* its router's lease in the store expired (store.c) */
};

/* The path a flow's last packet took (rt_path_name(): stable names). */
#define RT_PATHS(X) \
	X(NONE,    "-",       "no path chosen (dropped or answered before routing)") \
	X(LOCAL,   "local",   "from a port to a local endpoint") \
	X(DIRECT,  "direct",  "encapsulated straight to the remote endpoint's host") \
	X(BOUNCER, "bouncer", "encapsulated to a bouncer of the destination's network") \
	X(DIVIDER, "divider", "encapsulated to a divider of the VPC") \
	X(DECAP,   "decap",   "from the underlay, decapsulated to a local endpoint") \
	X(FORWARD, "forward", "from the underlay, relayed onward as bouncer or divider") \
	X(GATEWAY, "gateway", "encapsulated to the VPC's gateway host (destination outside its CIDRs)") \
	X(NAT,     "nat",     "translated by this gateway host: out to the underlay side, or a reply back in")

enum rt_path {
#define RT_X(e, n, d) RT_PATH_##e,
	RT_PATHS(RT_X)
#undef RT_X
	RT_PATH__COUNT
};

const char *rt_path_name(unsigned int path);	/* "direct"; "?" when out of range */
int rt_path_lookup(const char *name);		/* -1 when unknown */

/*
 * One flow (inner 5-tuple, one direction) and what the router did with
 * its last packet.  src_ep/dst_ep: the source/destination address is an
 * endpoint of the VPC (the endpoint's overlay IP is the flow's address);
 * the source is looked up when the entry is made (from a port it is the
 * sender, checked on every packet).  host: the underlay peer of the
 * path -- next hop for direct/bouncer/divider/forward, the outer source
 * for decap; family 0 for none.
 */
struct rt_flow {
	uint8_t family;		/* 0: empty slot */
	uint8_t proto;
	uint16_t sport, dport;
	uint8_t path;		/* enum rt_path */
	uint8_t verdict;	/* enum rt_verdict (pipeline.h) */
	uint8_t reason;		/* enum rt_drop: RT_DROP_NONE unless dropped */
	uint8_t pol;		/* enum rt_pol_how (policy.h) of the last packet */
	uint32_t pol_rule;	/* the rule that allowed it, or RT_NONE */
	bool src_ep, dst_ep;
	uint8_t src[16], dst[16];
	struct gnv_addr host;
	uint32_t hash;
	uint64_t pkts, bytes;
	uint64_t first_ns, last_ns;	/* rt_tables_set_now() clock */
	/* a flow to a scaled or proxied endpoint (ep_scaled.h): its backend
	 * as of config generation pin_gen, confirmed in conntrack at pin_ns;
	 * packets and bytes not yet added to the conntrack entry */
	uint32_t pin_gen, pin_pkts;
	uint16_t pin_idx;
	uint64_t pin_ns, pin_bytes;
};

/*
 * Per VPC flow table: 4-way set associative, nsets * 4 entries, a new
 * flow replaces the least recently seen entry of its set.  Bounded
 * memory, O(1), no allocation per packet.
 */
struct rt_flows {
	struct rt_flow *e;
	uint32_t nsets;		/* power of two */
	uint64_t evictions;
};

struct rt_vpc {
	bool used;
	uint32_t vni;
	char name[RT_NAME_MAX];		/* "" when unnamed */
	uint8_t ncidr;
	struct rt_prefix cidr[RT_VPC_MAX_CIDRS];
	uint8_t ndivider;
	uint16_t divider[RT_MAX_DIVIDERS];	/* host indexes */
	uint8_t npeer;
	uint16_t peer[RT_MAX_PEERS];	/* host indexes: `peers` (dump/show print them) */
	uint32_t nnet, nep;		/* objects that refer to this VPC */
	uint32_t nns, npol;		/* its namespaces (explicit ones) and policies */
	uint64_t plen4;			/* bit L: a net of prefix length L (IPv4) */
	uint64_t plen6[3];		/* bits 0..128 (IPv6) */
	struct rt_flows flows;
	struct rt_vpc_stats st;
	uint8_t direct;			/* enum rt_dp_mode (dpath.h): RT_DP_ON */
	uint32_t gw_ep1;		/* 1 + index of its gateway endpoint (nat.h); 0: none */
};

struct rt_net {
	bool used;
	uint32_t vni;
	uint32_t vpc;			/* index */
	struct rt_prefix p;
	uint8_t gw[16];			/* gateway address answered by ARP/ND */
	bool gw_explicit;		/* given in the command (dump prints it) */
	uint8_t nbouncer;
	uint16_t bouncer[RT_MAX_BOUNCERS];	/* host indexes */
	struct rt_counters c;		/* packets routed to its bouncers */
};

struct rt_ep {
	bool used;
	uint8_t family;			/* 4 or 6 */
	uint8_t type;			/* enum genv_eptype (libcore/optreg.h) */
	uint8_t nhost;
	uint32_t vni;
	uint32_t vpc;			/* index */
	uint32_t ns;			/* namespace index */
	uint32_t ident;			/* identity index (its label set) */
	int32_t port;			/* local port index, or -1 when remote */
	uint16_t mtu;			/* 0: from the port (local) / host (remote) */
	uint16_t opt_size;		/* bytes at opts */
	uint8_t ip[16];
	uint8_t mac[6];
	uint16_t host[RT_EP_MAX_HOSTS];	/* remote: host indexes */
	/*
	 * Options this endpoint's packets carry, as wire TLVs ready to copy:
	 * first the genv identity option (always), then the extra options
	 * given with `opt`.  The endpoint-type option is written by
	 * the pipeline.  NULL when opt_size is 0.
	 */
	uint8_t *opts;
	struct rt_counters c;
	struct rt_ep_qos qos;		/* class and rate limit (router/qos.h) */
	struct rt_bucket bucket;	/* its token bucket */
	struct rt_scaled *sc;		/* scaled with backends (ep_scaled.h), else NULL */
	uint16_t nat_lo, nat_hi;	/* type gateway: `nat-ports` (nat.h) */
};

struct rt_port {
	bool used;
	char name[RT_PORT_NAME_MAX];
	uint16_t mtu;
	uint8_t nep;
	uint32_t ep[RT_PORT_MAX_EPS];	/* endpoint indexes */
	struct rt_port_stats st;
	/* an AF_XDP port (add port xdp NAME ...): its options */
	bool xdp, xdp_busy_poll;
	uint8_t xdp_queues, xdp_mode;
	uint16_t xdp_frame_size;
	uint16_t xdp_ring;		/* descriptors per AF_XDP ring */
	char netns[RT_NETNS_MAX];	/* a TAP port made in that namespace, "" = the router's */
};

/*
 * A namespace of a VPC (Kubernetes' namespace): a name and labels, which
 * always hold kubernetes.io/metadata.name=NAME.  `default` exists in
 * every VPC without being added (explicit false: made when an endpoint
 * or policy first names it, freed when nothing does).
 */
struct rt_ns {
	bool used;
	bool explicit_;			/* added with `add ns` (dump prints it) */
	uint32_t vni, vpc;
	char name[RT_NS_NAME_MAX];
	struct rt_lset labels;
	uint32_t eps, pols;		/* endpoints and policies that name it */
};

/*
 * An identity: a (namespace, label set) of a VPC that some endpoint has,
 * and its number (rt_ident_hash), which rides in the identity option.
 * The same labels give the same number on every host (it is a hash of
 * them); two label sets of one VPC with the same number are refused.
 * An endpoint may pin the number (`identity N`): routers of a store get
 * it allocated there (genv-store(5)), with no collisions.
 */
struct rt_ident {
	bool used;
	uint32_t vni, vpc, ns;
	uint32_t id;			/* number on the wire, never 0 */
	bool pinned;			/* given (`identity N`, the store's), not the hash */
	uint32_t refs;			/* endpoints */
	struct rt_lset *labels;		/* malloc'd: the array stays small */
};

/* This router. */
struct rt_self {
	bool addr_set;
	struct gnv_addr addr;		/* underlay address (v4 or v6) */
	char id[RT_NAME_MAX];		/* "" = none: shown as the address */
	uint8_t mac[6];			/* answers ARP/ND for gateways */
	uint16_t mtu;			/* underlay MTU (RT_DEFAULT_UL_MTU) */
	uint8_t dscp;			/* outer DSCP (pipe model), 0 */
	uint8_t ttl;			/* outer TTL on encapsulation, 64 */
	bool rts;			/* attach an RTS option via bouncer/divider */
	bool offload;			/* set host offload: virtio headers, UDP GSO/GRO (on) */
	struct rt_qos_class qos[RT_QOS_CLASSES];	/* `set qos` (router/qos.h) */
};

/* Internal hash index: slot = (tag, object index). */
struct rt_slot {
	uint32_t tag;			/* hash | 1; 0 = empty */
	uint32_t idx;
};

struct rt_index {
	struct rt_slot *s;
	uint32_t mask;			/* slots - 1 */
};

/*
 * Trust of the underlay: one entry per (VPC, host) pair that an object of
 * the VPC names, with its references counted by role.  A Geneve packet is
 * accepted into a VPC only from a host with an entry (else drop
 * underlay.unknown_peer); relays (bouncers, dividers) may carry any inner
 * source, peers any source that is no endpoint of the VPC, and an
 * endpoint's packets must come from one of its own hosts (else drop
 * spoof.remote).  Open addressing (linear probing) keyed by (vpc, host),
 * max_vpc_hosts pairs in a table sized at start (at most 3/4 full); the
 * checked edits refuse a pair beyond that (ENOSPC), keep the counts and
 * free an entry when they all reach 0.
 */
struct rt_vpc_host {
	uint32_t vpc;			/* VPC index */
	uint16_t host;			/* host index */
	uint16_t peers;			/* in the VPC's peers list (0 or 1) */
	uint32_t eps;			/* rt_ep.host[] entries of the VPC's endpoints */
	uint32_t relays;		/* rt_net.bouncer[] of its nets, its rt_vpc.divider[] */
};

struct rt_dropring;
struct rt_policies;
struct rt_ct;
struct rt_scaled;
struct rt_health;

/*
 * What the operator said: the objects and their indexes, as the command
 * language and --state files describe them (per-object counters and a
 * VPC's flow table live in the objects, next to what they count).
 */
struct rt_config {
	struct rt_limits lim;
	struct rt_self self;
	struct rt_vpc *vpc;		/* [max_vpcs] */
	struct rt_net *net;		/* [max_nets] */
	struct rt_ep *ep;		/* [max_eps] */
	struct rt_host *host;		/* [max_hosts] */
	struct rt_port *port;		/* [max_ports] */
	struct rt_ns *ns;		/* [max_ns] */
	struct rt_ident *ident;		/* [max_idents] */
	struct rt_policies *pol;	/* policies and their compiled tables (policy.h) */
	struct rt_index vpc_ix, net_ix, ep_ix, host_ix;
	struct rt_index ns_ix;		/* (VNI, name) */
	struct rt_index ident_ix;	/* (VNI, identity number) */
	struct rt_vpc_host *vh;		/* trust entries [vh_mask + 1] */
	uint32_t vh_mask, nvh;
	uint32_t nvpc, nnet, nep, nhost, nport, nns, nident;
	uint32_t *free_ep;		/* stack of free endpoint indexes */
	uint32_t nfree_ep;
	uint64_t gen;			/* bumped by every change (persist when it moves) */
	bool pol_dirty;			/* policy inputs changed: recompile (rt_policy_commit) */
	bool pol_defer;			/* loading a file: commit once at its end (state.c) */
	uint32_t nscaled;		/* endpoints with backends (ep_scaled.h) */
	struct rt_maglev *maglev_retired;	/* replaced tables, freed between batches */
};

/* What the router does with it: router-wide counters, the clock, the ICMP
 * limiter and the packet rings. */
struct rt_runstate {
	struct rt_stats st;
	uint64_t now_ns;		/* set per batch by the loop */
	uint64_t icmp_tokens_ns;	/* ICMP rate limiter (token bucket in time) */
	struct rt_dropring *drops;	/* sampled dropped packets (dropring.h) */
	struct rt_dropring *mirror;	/* packet mirror, made by `mirror on` (dropring.h) */
	struct rt_ct *ct;		/* connection tracking (conntrack.h) */
	struct rt_nat_stats nat;	/* gateway NAT (nat.h) */
};

struct rt_tables {
	struct rt_config cfg;
	struct rt_runstate run;
	struct gnv_pkt scratch;		/* per packet: the pipeline's decode (handed to extensions) */
	struct rt_exts exts;		/* extensions: verbs, control hook, state (ext.h) */
	struct rt_dpcache dp;		/* direct path: endpoint -> host (dpcache.h, dpath.h) */
	struct rt_health *hl;		/* backend health checks (health.h), made when needed */
};

/* NULL limits: defaults.  NULL on allocation failure. */
struct rt_tables *rt_tables_new(const struct rt_limits *lim);
void rt_tables_free(struct rt_tables *t);
/* Monotonic clock for flow timestamps and the ICMP limiter. */
static inline void rt_tables_set_now(struct rt_tables *t, uint64_t now_ns) { t->run.now_ns = now_ns; }
/* Bytes used by the tables (arrays, indexes, blobs, flow tables). */
size_t rt_tables_memory(const struct rt_tables *t);
/* Zero every counter (objects stay). */
void rt_tables_clear_stats(struct rt_tables *t);

/* ---- lookups (fast path; no allocation) ---- */

struct rt_vpc *rt_vpc_find(const struct rt_tables *t, uint32_t vni);
struct rt_ep *rt_ep_find(const struct rt_tables *t, uint32_t vni, int family, const uint8_t *ip);
/*
 * Many endpoint lookups at once (a batch of packets): hashes first, then
 * prefetches of the index slots, then of the endpoint records, then the
 * compares, so the memory latency of one lookup overlaps the others.
 * res[i] = rt_ep_find(keys[i]); returns how many were found.  Any n.
 */
struct rt_ep_key {
	uint32_t vni;
	uint8_t family;
	uint8_t ip[16];		/* IPv4 in the first 4 bytes, the rest zero */
};
unsigned int rt_ep_find_batch(const struct rt_tables *t, const struct rt_ep_key *keys,
			      unsigned int n, struct rt_ep **res);

/* Longest prefix among the nets of VPC v, or NULL. */
struct rt_net *rt_net_lookup(const struct rt_tables *t, const struct rt_vpc *v,
			     int family, const uint8_t *ip);
/* Exact prefix. */
struct rt_net *rt_net_find(const struct rt_tables *t, uint32_t vni, const struct rt_prefix *p);
/* The endpoint of port with this MAC and IP (anti-spoofing), or NULL. */
struct rt_ep *rt_ep_by_port(const struct rt_tables *t, int port, const uint8_t mac[6],
			    int family, const uint8_t *ip);
struct rt_port *rt_port_get(const struct rt_tables *t, int port);	/* NULL if unused */
int rt_port_find(const struct rt_tables *t, const char *name);		/* index or -1 */
/* The interned host with this address: its index, or -1.  O(1). */
int rt_host_find(const struct rt_tables *t, const struct gnv_addr *a);
/* The trust entry of (VPC index, host index), or NULL when the host is no
 * endpoint host, bouncer, divider or peer of that VPC.  O(1). */
const struct rt_vpc_host *rt_vpc_host_find(const struct rt_tables *t, uint32_t vpc, uint32_t host);
/* The same from the sender's address (the packet path): one hash lookup,
 * the entry's host is the sender's host index.  O(1). */
const struct rt_vpc_host *rt_vpc_host_by_addr(const struct rt_tables *t, uint32_t vpc,
					      const struct gnv_addr *a);
bool rt_host_is_self(const struct rt_tables *t, uint32_t idx);
/* The VPC CIDR containing ip, or NULL. */
const struct rt_prefix *rt_vpc_cidr_of(const struct rt_vpc *v, int family, const uint8_t *ip);
/* The namespace (VNI, name), or NULL. */
struct rt_ns *rt_ns_find(const struct rt_tables *t, uint32_t vni, const char *name);
/* The identity with this number in VPC vni, or NULL.  O(1): the packet path. */
struct rt_ident *rt_ident_find(const struct rt_tables *t, uint32_t vni, uint32_t id);
/* Gateway address for ip in VPC v: its net's gw, else the first address of
 * the VPC CIDR holding it.  False when ip is in no CIDR of v. */
bool rt_gateway_of(const struct rt_tables *t, const struct rt_vpc *v, int family,
		   const uint8_t *ip, uint8_t gw[16]);

static inline uint32_t rt_vpc_index(const struct rt_tables *t, const struct rt_vpc *v)
{
	return (uint32_t)(v - t->cfg.vpc);
}
static inline uint32_t rt_ep_index(const struct rt_tables *t, const struct rt_ep *e)
{
	return (uint32_t)(e - t->cfg.ep);
}
/* The gateway endpoint of VPC v (nat.h), or NULL. */
static inline struct rt_ep *rt_vpc_gateway(const struct rt_tables *t, const struct rt_vpc *v)
{
	return v->gw_ep1 ? &t->cfg.ep[v->gw_ep1 - 1] : NULL;
}

/* ---- updates (control path; tables_edit.c) ---- */

/* What `add vpc` / `set vpc` give. */
struct rt_vpc_spec {
	uint32_t vni;
	char name[RT_NAME_MAX];
	uint8_t ncidr;
	struct rt_prefix cidr[RT_VPC_MAX_CIDRS];
	uint8_t ndivider;
	struct gnv_addr divider[RT_MAX_DIVIDERS];
	uint8_t npeer;
	struct gnv_addr peer[RT_MAX_PEERS];	/* `peers` */
	uint8_t direct;				/* enum rt_dp_mode */
};

struct rt_net_spec {
	uint32_t vni;
	struct rt_prefix p;
	bool gw_set;
	uint8_t gw[16];
	uint8_t nbouncer;
	struct gnv_addr bouncer[RT_MAX_BOUNCERS];
};

struct rt_ep_spec {
	uint32_t vni;
	uint8_t family;
	uint8_t ip[16];
	uint8_t mac[6];
	uint8_t type;			/* enum genv_eptype */
	int32_t port;			/* local port index, or -1 */
	uint8_t nhost;
	struct gnv_addr host[RT_EP_MAX_HOSTS];
	char ns[RT_NS_NAME_MAX];	/* "" = default */
	char labels[RT_LSET_TEXT_MAX];	/* "k=v,k=v" ("" none) */
	uint32_t identity;		/* `identity N` (the store allocates it); 0: rt_ident_hash */
	uint16_t opt_size;		/* extra option TLVs (wire form) */
	uint8_t opts[RT_OPT_SPACE];
	uint16_t mtu;			/* 0: default */
	struct rt_ep_qos qos;		/* `qos`, `rate`, `burst` */
	uint16_t nbackend;		/* scaled: `backends` (ep_scaled.h) */
	struct rt_maglev_backend backend[RT_MAGLEV_MAX_BACKENDS];
	uint16_t nat_lo, nat_hi;	/* gateway: `nat-ports` (0: RT_NAT_PORT_LO..HI) */
	bool has_proxy;			/* proxied: `proxy IP` (ep_proxied.h) */
	uint8_t proxy[16];
	struct rt_hl_cfg health;		/* scaled: `health`, `health-interval`, `health-timeout` */
};

/* All return 0 or -errno (EEXIST, ENOENT, ENOSPC, EINVAL, EBUSY, ENOMEM)
 * with one line in err; nothing changes on error. */
int rt_vpc_add(struct rt_tables *t, const struct rt_vpc_spec *s, char *err, size_t errsz);
/* Replace name, dividers and peers (CIDRs too, if no net/endpoint falls outside). */
int rt_vpc_set(struct rt_tables *t, const struct rt_vpc_spec *s, char *err, size_t errsz);
/* EBUSY while nets or endpoints refer to it. */
int rt_vpc_del(struct rt_tables *t, uint32_t vni, char *err, size_t errsz);

int rt_net_add(struct rt_tables *t, const struct rt_net_spec *s, char *err, size_t errsz);
int rt_net_set(struct rt_tables *t, const struct rt_net_spec *s, char *err, size_t errsz);
int rt_net_del(struct rt_tables *t, uint32_t vni, const struct rt_prefix *p, char *err, size_t errsz);

int rt_ep_add(struct rt_tables *t, const struct rt_ep_spec *s, char *err, size_t errsz);
/* Replace every attribute of an existing endpoint (move, relabel): the
 * new spec is validated as a whole, then swapped in place. */
int rt_ep_set(struct rt_tables *t, const struct rt_ep_spec *s, char *err, size_t errsz);
int rt_ep_del(struct rt_tables *t, uint32_t vni, int family, const uint8_t *ip,
	      char *err, size_t errsz);
/* Fill a spec from an existing object (the starting point for `set`). */
void rt_vpc_to_spec(const struct rt_tables *t, const struct rt_vpc *v, struct rt_vpc_spec *s);
void rt_net_to_spec(const struct rt_tables *t, const struct rt_net *n, struct rt_net_spec *s);
void rt_ep_to_spec(const struct rt_tables *t, const struct rt_ep *e, struct rt_ep_spec *s);

/* Ports: check first (free slot, unique name, MTU), then the caller
 * creates the device for slot *index, then commits with rt_port_add. */
int rt_port_check(const struct rt_tables *t, const char *name, unsigned int mtu,
		  int *index, char *err, size_t errsz);
int rt_port_add(struct rt_tables *t, int index, const char *name, unsigned int mtu,
		char *err, size_t errsz);
/* EBUSY while endpoints use it. */
int rt_port_del_check(const struct rt_tables *t, int index, char *err, size_t errsz);
void rt_port_del(struct rt_tables *t, int index);
int rt_port_set_mtu(struct rt_tables *t, int index, unsigned int mtu, char *err, size_t errsz);

/* This host: fields not flagged are kept. */
struct rt_self_spec {
	bool addr_set, id_set, mac_set, mtu_set, dscp_set, ttl_set, rts_set, offload_set;
	bool offload;
	struct gnv_addr addr;
	char id[RT_NAME_MAX];
	uint8_t mac[6];
	uint16_t mtu;
	uint8_t dscp, ttl;
	bool rts;
};
/* Namespaces: labels is "k=v,..." or "" (none). */
int rt_ns_add(struct rt_tables *t, uint32_t vni, const char *name, const char *labels,
	      char *err, size_t errsz);
int rt_ns_set(struct rt_tables *t, uint32_t vni, const char *name, const char *labels,
	      char *err, size_t errsz);
/* EBUSY while endpoints or policies name it. */
int rt_ns_del(struct rt_tables *t, uint32_t vni, const char *name, char *err, size_t errsz);
/* For policies (policy.c): the namespace, made implicitly when it is
 * `default`; NULL with a message otherwise. */
struct rt_ns *rt_ns_ref(struct rt_tables *t, uint32_t vni, const char *name, char *err, size_t errsz);
void rt_ns_unref(struct rt_tables *t, struct rt_ns *ns);
static inline uint32_t rt_ns_index(const struct rt_tables *t, const struct rt_ns *n)
{
	return (uint32_t)(n - t->cfg.ns);
}

int rt_self_check(const struct rt_tables *t, const struct rt_self_spec *s, char *err, size_t errsz);
int rt_self_set(struct rt_tables *t, const struct rt_self_spec *s, char *err, size_t errsz);

#endif
