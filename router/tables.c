/* SPDX-License-Identifier: MIT */
/*
 * Router tables (see tables.h): making and freeing them, and the lookups
 * of the packet path.  Open-addressing hash indexes with linear probing,
 * sized at start to at most half full; the checked edits that fill them
 * (and the backward-shift deletion that keeps probes short) are in
 * tables_edit.c, the hash functions both use in tables_int.h.
 * Calls prefix, dropring (the tables own the drop ring), ext (the
 * extensions' state is freed with the tables), libcore and libc.
 */
#include <sys/mman.h>
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/num.h"
#include "../libcore/optreg.h"
#include "conntrack.h"
#include "dropring.h"
#include "scaled.h"
#include "policy_obj.h"
#include "tables.h"
#include "tables_int.h"

/* the drop ring keeps port names without knowing the tables */
_Static_assert(RT_DROP_PORT_SIZE == RT_PORT_NAME_MAX, "drop records hold a port name");

static const char *const path_names[] = {
#define RT_X(e, n, d) n,
	RT_PATHS(RT_X)
#undef RT_X
};

const char *rt_path_name(unsigned int path)
{
	return path < RT_PATH__COUNT ? path_names[path] : "?";
}

int rt_path_lookup(const char *name)
{
	for (unsigned int i = 0; i < RT_PATH__COUNT; i++)
		if (!strcmp(path_names[i], name))
			return (int)i;
	return -1;
}

void rt_limits_default(struct rt_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_vpcs = 4096;
	l->max_nets = 16384;
	l->max_eps = 65536;
	l->max_hosts = 4096;
	l->max_vpc_hosts = 0;	/* from the others: rt_tables_new() */
	l->max_ports = 256;
	l->flows_per_vpc = 1024;
	l->icmp_rate = 100;
	l->max_ns = 4096;
	l->max_idents = 0;	/* max_eps */
	l->max_policies = 16384;
	l->ct_entries = 262144;
	l->dp_size = RT_DP_DEFAULT_SIZE;
	l->genv_class = GENV_CLASS_DEFAULT;
}

/* the limits by name: what --limit sets and `show host` prints */
static const struct {
	const char *name;
	size_t off;
	uint32_t min, max;	/* the range rt_tables_new() accepts */
} limit_names[] = {
	{ "vpcs", offsetof(struct rt_limits, max_vpcs), 1, 1u << 24 },
	{ "nets", offsetof(struct rt_limits, max_nets), 1, 1u << 28 },
	{ "endpoints", offsetof(struct rt_limits, max_eps), 1, RT_LIMIT_MAX_EPS },
	{ "hosts", offsetof(struct rt_limits, max_hosts), 1, 65535 },
	{ "ports", offsetof(struct rt_limits, max_ports), 1, 32767 },
	{ "flows", offsetof(struct rt_limits, flows_per_vpc), 4, 1u << 20 },
	{ "namespaces", offsetof(struct rt_limits, max_ns), 1, 1u << 24 },
	{ "identities", offsetof(struct rt_limits, max_idents), 1, 1u << 28 },
	{ "policies", offsetof(struct rt_limits, max_policies), 1, 1u << 24 },
	{ "conntrack", offsetof(struct rt_limits, ct_entries), 1, 1u << 28 },
};

const char *rt_limit_get(const struct rt_limits *l, unsigned int i, uint32_t *val)
{
	if (i >= sizeof(limit_names) / sizeof(limit_names[0]))
		return NULL;
	memcpy(val, (const char *)l + limit_names[i].off, sizeof(*val));
	return limit_names[i].name;
}

int rt_limits_parse(struct rt_limits *l, const char *spec, char *err, size_t errsz)
{
	const char *p = spec;

	for (;;) {
		size_t n = strcspn(p, ",="), vn;
		unsigned int i;
		uint64_t v;

		for (i = 0; i < sizeof(limit_names) / sizeof(limit_names[0]); i++)
			if (strlen(limit_names[i].name) == n && !strncmp(p, limit_names[i].name, n))
				break;
		if (i == sizeof(limit_names) / sizeof(limit_names[0])) {
			snprintf(err, errsz, "'%.*s': unknown limit (expected vpcs, nets, endpoints, hosts, ports, "
				 "flows, namespaces, identities, policies or conntrack)", (int)n, p);
			return -EINVAL;
		}
		if (p[n] != '=') {
			snprintf(err, errsz, "'%.*s': expected %s=N", (int)n, p, limit_names[i].name);
			return -EINVAL;
		}
		vn = strcspn(p + n + 1, ",");
		if (num_parse_span(p + n + 1, vn, limit_names[i].min, limit_names[i].max, &v) ||
		    (limit_names[i].off == offsetof(struct rt_limits, flows_per_vpc) && (v & (v - 1)))) {
			snprintf(err, errsz, "'%.*s': expected %s=N, %u..%u%s", (int)(n + 1 + vn), p,
				 limit_names[i].name, limit_names[i].min, limit_names[i].max,
				 limit_names[i].min == 4 ? " and a power of two" : "");
			return -EINVAL;
		}
		memcpy((char *)l + limit_names[i].off, &(uint32_t){ (uint32_t)v }, sizeof(uint32_t));
		p += n + 1 + vn;
		if (!*p)
			return 0;
		p++;	/* ',' */
	}
}

/* ---- memory ---- */

/*
 * Large tables (the endpoint array and index at a million entries) are
 * mapped with transparent huge pages where the kernel allows it: a random
 * lookup then costs cache misses but no TLB walk.  Small ones use calloc.
 * Both come back zeroed.
 */
#define BIG_ALLOC	(2u << 20)

static void *big_calloc(size_t n, size_t size)
{
	size_t bytes;
	void *p;

	if (size && n > SIZE_MAX / size)
		return NULL;
	bytes = n * size;
	if (bytes < BIG_ALLOC)
		return calloc(n ? n : 1, size ? size : 1);
	bytes = (bytes + BIG_ALLOC - 1) & ~(size_t)(BIG_ALLOC - 1);
	p = mmap(NULL, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
#ifdef MADV_HUGEPAGE
	madvise(p, bytes, MADV_HUGEPAGE);
#endif
	return p;
}

static void big_free(void *p, size_t n, size_t size)
{
	size_t bytes = n * size;

	if (!p)
		return;
	if (bytes < BIG_ALLOC) {
		free(p);
		return;
	}
	munmap(p, (bytes + BIG_ALLOC - 1) & ~(size_t)(BIG_ALLOC - 1));
}

/* Zeroed slots for a hash table: a power of two >= need (at least 16). */
static void *slots_alloc(uint64_t need, size_t size, uint32_t *mask, int *err)
{
	uint64_t n = 16;
	void *p;

	while (n < need)
		n <<= 1;
	*err = -ENOSPC;
	if (n > (1ull << 31))
		return NULL;
	*err = -ENOMEM;
	p = big_calloc(n, size);
	if (p)
		*mask = (uint32_t)(n - 1);
	return p;
}

static int index_init(struct rt_index *ix, uint32_t nobj)
{
	int err;

	ix->s = slots_alloc((uint64_t)nobj * 2, sizeof(*ix->s), &ix->mask, &err);
	return ix->s ? 0 : err;
}

static void index_free(struct rt_index *ix)
{
	if (ix->s)
		big_free(ix->s, (size_t)ix->mask + 1, sizeof(*ix->s));
}

/*
 * The trust table (rt_vpc_host): max_vpc_hosts pairs (the edits check),
 * at most 3/4 full so probes stay short and a free slot always ends them.
 * Defaults: 147,456 pairs, 2^18 slots of 16 bytes: 4 MiB.
 */
static int vh_init(struct rt_tables *t, const struct rt_limits *l)
{
	uint64_t pairs = l->max_vpc_hosts;
	int err;

	t->cfg.vh = slots_alloc(pairs + pairs / 3 + 1, sizeof(*t->cfg.vh), &t->cfg.vh_mask, &err);
	return t->cfg.vh ? 0 : err;
}

/* ---- create / free ---- */

static bool pow2(uint32_t v)
{
	return v && !(v & (v - 1));
}

struct rt_tables *rt_tables_new(const struct rt_limits *lim)
{
	struct rt_limits d;
	struct rt_tables *t;

	rt_limits_default(&d);
	if (lim) {
		if (lim->max_vpcs) d.max_vpcs = lim->max_vpcs;
		if (lim->max_nets) d.max_nets = lim->max_nets;
		if (lim->max_eps) d.max_eps = lim->max_eps;
		if (lim->max_hosts) d.max_hosts = lim->max_hosts;
		if (lim->max_vpc_hosts) d.max_vpc_hosts = lim->max_vpc_hosts;
		if (lim->max_ports) d.max_ports = lim->max_ports;
		if (lim->flows_per_vpc) d.flows_per_vpc = lim->flows_per_vpc;
		if (lim->icmp_rate) d.icmp_rate = lim->icmp_rate;
		if (lim->genv_class) d.genv_class = lim->genv_class;
		if (lim->max_ns) d.max_ns = lim->max_ns;
		if (lim->max_idents) d.max_idents = lim->max_idents;
		if (lim->max_policies) d.max_policies = lim->max_policies;
		if (lim->ct_entries) d.ct_entries = lim->ct_entries;
		if (lim->dp_size) d.dp_size = lim->dp_size;
	}
	if (!d.max_idents)
		d.max_idents = d.max_eps;
	if (d.max_hosts > 65535 || d.max_ports > 32767 || d.max_eps > RT_LIMIT_MAX_EPS ||
	    d.max_vpcs > (1u << 24) || d.max_nets > (1u << 28) ||
	    !pow2(d.flows_per_vpc) || d.flows_per_vpc < 4 || d.max_ns > (1u << 24) ||
	    d.max_idents > (1u << 28) || d.max_policies > (1u << 24) || d.ct_entries > (1u << 28) ||
	    d.dp_size > RT_DP_MAX_SIZE)
		return NULL;
	if (!d.max_vpc_hosts) {
		/* typically an endpoint shares its host with others of its VPC;
		 * count one pair each, and the relays and peers */
		uint64_t n = (uint64_t)d.max_eps + d.max_nets +
			     (uint64_t)d.max_vpcs * (RT_MAX_DIVIDERS + RT_MAX_PEERS);

		d.max_vpc_hosts = n > UINT32_MAX ? UINT32_MAX : (uint32_t)n;
	}
	if ((uint64_t)d.max_vpc_hosts > (uint64_t)d.max_vpcs * d.max_hosts)
		d.max_vpc_hosts = (uint32_t)((uint64_t)d.max_vpcs * d.max_hosts);
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->cfg.lim = d;
	t->cfg.self.mtu = RT_DEFAULT_UL_MTU;
	t->cfg.self.ttl = RT_DEFAULT_TTL;
	t->cfg.self.offload = true;
	rt_qos_defaults(t->cfg.self.qos);
	/* locally administered, "gv" + 0x0001: the gateway MAC */
	memcpy(t->cfg.self.mac, "\x02\x67\x76\x00\x00\x01", 6);
	t->cfg.vpc = big_calloc(d.max_vpcs, sizeof(*t->cfg.vpc));
	t->cfg.net = big_calloc(d.max_nets, sizeof(*t->cfg.net));
	t->cfg.ep = big_calloc(d.max_eps, sizeof(*t->cfg.ep));
	t->cfg.host = calloc(d.max_hosts, sizeof(*t->cfg.host));
	t->cfg.port = calloc(d.max_ports, sizeof(*t->cfg.port));
	t->cfg.free_ep = malloc(sizeof(*t->cfg.free_ep) * d.max_eps);
	t->cfg.ns = big_calloc(d.max_ns, sizeof(*t->cfg.ns));
	t->cfg.ident = big_calloc(d.max_idents, sizeof(*t->cfg.ident));
	t->cfg.pol = rt_policies_new(d.max_policies);
	if (!t->cfg.vpc || !t->cfg.net || !t->cfg.ep || !t->cfg.host || !t->cfg.port || !t->cfg.free_ep ||
	    !t->cfg.ns || !t->cfg.ident || !t->cfg.pol ||
	    index_init(&t->cfg.ns_ix, d.max_ns) || index_init(&t->cfg.ident_ix, d.max_idents) ||
	    index_init(&t->cfg.vpc_ix, d.max_vpcs) || index_init(&t->cfg.net_ix, d.max_nets) ||
	    index_init(&t->cfg.ep_ix, d.max_eps) || index_init(&t->cfg.host_ix, d.max_hosts) || vh_init(t, &d) ||
	    !(t->run.drops = rt_dropring_new()) ||
	    rt_dp_configure(&t->dp, d.dp_size, RT_DP_DEFAULT_AGE)) {
		rt_tables_free(t);
		return NULL;
	}
	for (uint32_t i = 0; i < d.max_eps; i++)
		t->cfg.free_ep[i] = d.max_eps - 1 - i;
	t->cfg.nfree_ep = d.max_eps;
	return t;
}

void rt_tables_free(struct rt_tables *t)
{
	if (!t)
		return;
	if (t->cfg.vpc)
		for (uint32_t i = 0; i < t->cfg.lim.max_vpcs; i++)
			free(t->cfg.vpc[i].flows.e);
	if (t->cfg.ep)
		for (uint32_t i = 0; i < t->cfg.lim.max_eps; i++)
			free(t->cfg.ep[i].opts);
	if (t->cfg.ep)
		for (uint32_t i = 0; i < t->cfg.lim.max_eps; i++)
			rt_scaled_release(&t->cfg.ep[i].sc, &t->cfg.maglev_retired);
	rt_maglev_reclaim(&t->cfg.maglev_retired);
	free(t->hl);	/* one block (health.h) */
	if (t->cfg.ns)
		for (uint32_t i = 0; i < t->cfg.lim.max_ns; i++)
			rt_lset_free(&t->cfg.ns[i].labels);
	if (t->cfg.ident)
		for (uint32_t i = 0; i < t->cfg.lim.max_idents; i++)
			if (t->cfg.ident[i].used) {
				rt_lset_free(t->cfg.ident[i].labels);
				free(t->cfg.ident[i].labels);
			}
	big_free(t->cfg.ns, t->cfg.lim.max_ns, sizeof(*t->cfg.ns));
	big_free(t->cfg.ident, t->cfg.lim.max_idents, sizeof(*t->cfg.ident));
	index_free(&t->cfg.ns_ix);
	index_free(&t->cfg.ident_ix);
	rt_policies_free(t->cfg.pol);
	rt_ct_free(t->run.ct);
	rt_dp_free(&t->dp);
	big_free(t->cfg.vpc, t->cfg.lim.max_vpcs, sizeof(*t->cfg.vpc));
	big_free(t->cfg.net, t->cfg.lim.max_nets, sizeof(*t->cfg.net));
	big_free(t->cfg.ep, t->cfg.lim.max_eps, sizeof(*t->cfg.ep));
	free(t->cfg.host);
	free(t->cfg.port);
	free(t->cfg.free_ep);
	index_free(&t->cfg.vpc_ix);
	index_free(&t->cfg.net_ix);
	index_free(&t->cfg.ep_ix);
	index_free(&t->cfg.host_ix);
	if (t->cfg.vh)
		big_free(t->cfg.vh, (size_t)t->cfg.vh_mask + 1, sizeof(*t->cfg.vh));
	rt_dropring_free(t->run.drops);
	rt_dropring_free(t->run.mirror);
	rt_exts_free(&t->exts);
	free(t);
}

size_t rt_tables_memory(const struct rt_tables *t)
{
	size_t m = sizeof(*t);

	m += (size_t)t->dp.size * sizeof(*t->dp.e) + (size_t)t->dp.nbucket * sizeof(*t->dp.bucket);
	m += (size_t)t->cfg.lim.max_vpcs * sizeof(*t->cfg.vpc);
	m += (size_t)t->cfg.lim.max_nets * sizeof(*t->cfg.net);
	m += (size_t)t->cfg.lim.max_eps * (sizeof(*t->cfg.ep) + sizeof(*t->cfg.free_ep));
	m += (size_t)t->cfg.lim.max_hosts * sizeof(*t->cfg.host);
	m += (size_t)t->cfg.lim.max_ports * sizeof(*t->cfg.port);
	m += rt_dropring_memory(t->run.drops);
	m += ((size_t)t->cfg.vpc_ix.mask + 1 + t->cfg.net_ix.mask + 1 + t->cfg.ep_ix.mask + 1 +
	      t->cfg.host_ix.mask + 1) * sizeof(struct rt_slot);
	m += ((size_t)t->cfg.vh_mask + 1) * sizeof(*t->cfg.vh);
	m += (size_t)t->cfg.lim.max_ns * sizeof(*t->cfg.ns) +
	     (size_t)t->cfg.lim.max_idents * sizeof(*t->cfg.ident) +
	     ((size_t)t->cfg.ns_ix.mask + 1 + t->cfg.ident_ix.mask + 1) * sizeof(struct rt_slot);
	m += rt_policies_memory(t->cfg.pol) + rt_ct_memory(t->run.ct);
	for (uint32_t i = 0; i < t->cfg.lim.max_vpcs; i++)
		if (t->cfg.vpc[i].used)
			m += (size_t)t->cfg.vpc[i].flows.nsets * 4 * sizeof(struct rt_flow);
	for (uint32_t i = 0; i < t->cfg.lim.max_eps; i++)
		if (t->cfg.ep[i].used)
			m += t->cfg.ep[i].opt_size;
	return m;
}

void rt_tables_clear_stats(struct rt_tables *t)
{
	memset(&t->run.st, 0, sizeof(t->run.st));
	memset(&t->dp.st, 0, sizeof(t->dp.st));

	for (uint32_t i = 0; i < t->cfg.lim.max_vpcs; i++)
		if (t->cfg.vpc[i].used) {
			memset(&t->cfg.vpc[i].st, 0, sizeof(t->cfg.vpc[i].st));
			t->cfg.vpc[i].flows.evictions = 0;
			memset(t->cfg.vpc[i].flows.e, 0,
			       (size_t)t->cfg.vpc[i].flows.nsets * 4 * sizeof(struct rt_flow));
		}
	for (uint32_t i = 0; i < t->cfg.lim.max_nets; i++)
		memset(&t->cfg.net[i].c, 0, sizeof(t->cfg.net[i].c));
	for (uint32_t i = 0; i < t->cfg.lim.max_eps; i++)
		memset(&t->cfg.ep[i].c, 0, sizeof(t->cfg.ep[i].c));
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++)
		memset(&t->cfg.port[i].st, 0, sizeof(t->cfg.port[i].st));
}

/* ---- lookups ---- */

struct rt_vpc *rt_vpc_find(const struct rt_tables *t, uint32_t vni)
{
	uint32_t h = rt_hash_vpc(vni), i = h & t->cfg.vpc_ix.mask;
	const struct rt_slot *s;

	for (;; i = (i + 1) & t->cfg.vpc_ix.mask) {
		s = &t->cfg.vpc_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h && t->cfg.vpc[s->idx].vni == vni)
			return &t->cfg.vpc[s->idx];
	}
}

struct rt_ns *rt_ns_find(const struct rt_tables *t, uint32_t vni, const char *name)
{
	uint32_t h = rt_hash_ns(vni, name), i = h & t->cfg.ns_ix.mask;
	const struct rt_slot *s;

	for (;; i = (i + 1) & t->cfg.ns_ix.mask) {
		s = &t->cfg.ns_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h && t->cfg.ns[s->idx].vni == vni && !strcmp(t->cfg.ns[s->idx].name, name))
			return &t->cfg.ns[s->idx];
	}
}

struct rt_ident *rt_ident_find(const struct rt_tables *t, uint32_t vni, uint32_t id)
{
	uint32_t h = rt_hash_ident(vni, id), i = h & t->cfg.ident_ix.mask;
	const struct rt_slot *s;

	for (;; i = (i + 1) & t->cfg.ident_ix.mask) {
		s = &t->cfg.ident_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h && t->cfg.ident[s->idx].vni == vni && t->cfg.ident[s->idx].id == id)
			return &t->cfg.ident[s->idx];
	}
}

struct rt_ep *rt_ep_find(const struct rt_tables *t, uint32_t vni, int family, const uint8_t *ip)
{
	uint8_t key[16] = { 0 };
	uint32_t h, i;
	const struct rt_slot *s;

	memcpy(key, ip, family == 6 ? 16 : 4);
	h = rt_hash_ep(vni, family, key);
	for (i = h & t->cfg.ep_ix.mask;; i = (i + 1) & t->cfg.ep_ix.mask) {
		s = &t->cfg.ep_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h) {
			struct rt_ep *e = &t->cfg.ep[s->idx];

			if (e->vni == vni && e->family == family && !memcmp(e->ip, key, 16))
				return e;
		}
	}
}

#define RT_BATCH	16

unsigned int rt_ep_find_batch(const struct rt_tables *t, const struct rt_ep_key *keys,
			      unsigned int n, struct rt_ep **res)
{
	uint32_t h[RT_BATCH], cand[RT_BATCH];
	unsigned int found = 0;

	for (unsigned int base = 0; base < n; base += RT_BATCH) {
		unsigned int m = n - base < RT_BATCH ? n - base : RT_BATCH;
		const struct rt_ep_key *k = keys + base;

		for (unsigned int i = 0; i < m; i++) {
			h[i] = rt_hash_ep(k[i].vni, k[i].family, k[i].ip);
			__builtin_prefetch(&t->cfg.ep_ix.s[h[i] & t->cfg.ep_ix.mask]);
		}
		/* the first slot whose tag matches: almost always the entry */
		for (unsigned int i = 0; i < m; i++) {
			uint32_t j = h[i] & t->cfg.ep_ix.mask;

			cand[i] = RT_NONE;
			for (; t->cfg.ep_ix.s[j].tag; j = (j + 1) & t->cfg.ep_ix.mask)
				if (t->cfg.ep_ix.s[j].tag == h[i]) {
					cand[i] = t->cfg.ep_ix.s[j].idx;
					__builtin_prefetch(&t->cfg.ep[cand[i]]);
					break;
				}
		}
		for (unsigned int i = 0; i < m; i++) {
			struct rt_ep *e = NULL;

			if (cand[i] != RT_NONE) {
				e = &t->cfg.ep[cand[i]];
				if (e->vni != k[i].vni || e->family != k[i].family ||
				    memcmp(e->ip, k[i].ip, 16))
					e = rt_ep_find(t, k[i].vni, k[i].family, k[i].ip);
			}
			res[base + i] = e;
			found += e != NULL;
		}
	}
	return found;
}

struct rt_net *rt_net_find(const struct rt_tables *t, uint32_t vni, const struct rt_prefix *p)
{
	uint32_t h = rt_hash_net(vni, p), i;
	const struct rt_slot *s;

	for (i = h & t->cfg.net_ix.mask;; i = (i + 1) & t->cfg.net_ix.mask) {
		s = &t->cfg.net_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h) {
			struct rt_net *n = &t->cfg.net[s->idx];

			if (n->vni == vni && n->p.family == p->family && n->p.len == p->len &&
			    !memcmp(n->p.a, p->a, 16))
				return n;
		}
	}
}

static bool plen_has(const struct rt_vpc *v, int family, unsigned int len)
{
	if (family == 4)
		return (v->plen4 >> len) & 1;
	return (v->plen6[len / 64] >> (len % 64)) & 1;
}

struct rt_net *rt_net_lookup(const struct rt_tables *t, const struct rt_vpc *v,
			     int family, const uint8_t *ip)
{
	struct rt_prefix p;
	int len;

	if (family == 4 ? !v->plen4 : !(v->plen6[0] | v->plen6[1] | v->plen6[2]))
		return NULL;
	p.family = (uint8_t)family;
	for (len = (int)rt_addr_bits(family); len >= 0; len--) {
		struct rt_net *n;

		if (!plen_has(v, family, (unsigned int)len))
			continue;
		p.len = (uint8_t)len;
		rt_addr_mask(p.a, ip, family, (unsigned int)len);
		n = rt_net_find(t, v->vni, &p);
		if (n)
			return n;
	}
	return NULL;
}

struct rt_ep *rt_ep_by_port(const struct rt_tables *t, int port, const uint8_t mac[6],
			    int family, const uint8_t *ip)
{
	const struct rt_port *pt = rt_port_get(t, port);

	if (!pt)
		return NULL;
	for (unsigned int i = 0; i < pt->nep; i++) {
		struct rt_ep *e = &t->cfg.ep[pt->ep[i]];

		/* constant sizes: inlined, not a libc call per packet */
		if (!memcmp(e->mac, mac, 6) && e->family == family &&
		    (family == 6 ? !memcmp(e->ip, ip, 16) : !memcmp(e->ip, ip, 4)))
			return e;
	}
	return NULL;
}

struct rt_port *rt_port_get(const struct rt_tables *t, int port)
{
	if (port < 0 || (uint32_t)port >= t->cfg.lim.max_ports || !t->cfg.port[port].used)
		return NULL;
	return &t->cfg.port[port];
}

int rt_port_find(const struct rt_tables *t, const char *name)
{
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++)
		if (t->cfg.port[i].used && !strcmp(t->cfg.port[i].name, name))
			return (int)i;
	return -1;
}

static const struct rt_host *host_get(const struct rt_tables *t, uint32_t idx)
{
	if (idx >= t->cfg.lim.max_hosts || !t->cfg.host[idx].refs)
		return NULL;
	return &t->cfg.host[idx];
}

/* a as a key: the hash reads 8 bytes of an IPv4 address, so what follows
 * is zeroed (constant sizes: the packet path calls this, no libc call).
 * False for a family that is neither. */
static bool addr_key(const struct gnv_addr *a, struct gnv_addr *k)
{
	k->family = a->family;
	memset(k->a, 0, sizeof(k->a));
	if (a->family == 6)
		memcpy(k->a, a->a, 16);
	else if (a->family == 4)
		memcpy(k->a, a->a, 4);
	else
		return false;
	return true;
}

int rt_host_find(const struct rt_tables *t, const struct gnv_addr *a)
{
	struct gnv_addr k;
	uint32_t h, i;
	const struct rt_slot *s;

	if (!addr_key(a, &k))
		return -1;
	h = rt_hash_addr(&k);
	for (i = h & t->cfg.host_ix.mask;; i = (i + 1) & t->cfg.host_ix.mask) {
		s = &t->cfg.host_ix.s[i];
		if (!s->tag)
			return -1;
		if (s->tag == h && t->cfg.host[s->idx].addr.family == k.family &&
		    !memcmp(t->cfg.host[s->idx].addr.a, k.a, 16))
			return (int)s->idx;
	}
}

const struct rt_vpc_host *rt_vpc_host_find(const struct rt_tables *t, uint32_t vpc, uint32_t host)
{
	uint32_t i;
	const struct rt_vpc_host *e;

	if (host >= t->cfg.lim.max_hosts || !t->cfg.host[host].refs)
		return NULL;
	for (i = rt_hash_vpc_host(&t->cfg, vpc, host) & t->cfg.vh_mask;; i = (i + 1) & t->cfg.vh_mask) {
		e = &t->cfg.vh[i];
		if (!(e->eps | e->relays | e->peers))
			return NULL;
		if (e->vpc == vpc && e->host == host)
			return e;
	}
}

const struct rt_vpc_host *rt_vpc_host_by_addr(const struct rt_tables *t, uint32_t vpc,
					      const struct gnv_addr *a)
{
	struct gnv_addr k;
	uint32_t i;
	const struct rt_vpc_host *e;

	if (!addr_key(a, &k))
		return NULL;
	for (i = rt_hash_vpc_addr(vpc, rt_hash_addr(&k)) & t->cfg.vh_mask;; i = (i + 1) & t->cfg.vh_mask) {
		const struct gnv_addr *h;

		e = &t->cfg.vh[i];
		if (!(e->eps | e->relays | e->peers))
			return NULL;
		h = &t->cfg.host[e->host].addr;
		if (e->vpc == vpc && h->family == k.family && !memcmp(h->a, k.a, 16))
			return e;
	}
}

bool rt_host_is_self(const struct rt_tables *t, uint32_t idx)
{
	const struct rt_host *h = host_get(t, idx);

	return h && t->cfg.self.addr_set && gnv_addr_eq(&h->addr, &t->cfg.self.addr);
}

const struct rt_prefix *rt_vpc_cidr_of(const struct rt_vpc *v, int family, const uint8_t *ip)
{
	return rt_prefix_first_of(v->cidr, v->ncidr, family, ip);
}

bool rt_gateway_of(const struct rt_tables *t, const struct rt_vpc *v, int family,
		   const uint8_t *ip, uint8_t gw[16])
{
	const struct rt_net *n;
	const struct rt_prefix *c = rt_vpc_cidr_of(v, family, ip);

	if (!c)
		return false;
	n = rt_net_lookup(t, v, family, ip);
	if (n)
		memcpy(gw, n->gw, 16);
	else
		rt_prefix_first(c, gw);
	return true;
}

