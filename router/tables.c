/* SPDX-License-Identifier: MIT */
/*
 * Router tables (see tables.h).  Open-addressing hash indexes with linear
 * probing and backward-shift deletion (no tombstones, so lookups stay
 * short however many updates happen), sized at start to at most half
 * full.  Every update checks everything, then commits steps that cannot
 * fail.
 */
#include <arpa/inet.h>
#include <sys/mman.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/cursor.h"
#include "../libcore/num.h"
#include "../libcore/optreg.h"
#include "dropring.h"
#include "tables.h"

static const char *const drop_names[] = {
#define RT_X(e, n, d) n,
	RT_DROPS(RT_X)
#undef RT_X
};
static const char *const drop_descs[] = {
#define RT_X(e, n, d) d,
	RT_DROPS(RT_X)
#undef RT_X
};

const char *rt_drop_name(unsigned int reason)
{
	return reason < RT_DROP__COUNT ? drop_names[reason] : "?";
}

const char *rt_drop_desc(unsigned int reason)
{
	return reason < RT_DROP__COUNT ? drop_descs[reason] : "?";
}

int rt_drop_lookup(const char *name)
{
	for (unsigned int i = 0; i < RT_DROP__COUNT; i++)
		if (!strcmp(drop_names[i], name))
			return (int)i;
	return -1;
}

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

__attribute__((format(printf, 3, 4)))
static int fail(char *err, size_t errsz, const char *fmt, ...)
{
	va_list ap;

	if (err && errsz) {
		va_start(ap, fmt);
		vsnprintf(err, errsz, fmt, ap);
		va_end(ap);
	}
	return 0;
}

#define FAIL(code, ...) do { fail(err, errsz, __VA_ARGS__); return -(code); } while (0)

const char *rt_addr_fmt(char *buf, size_t n, int family, const uint8_t *a)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

const char *rt_prefix_fmt(char *buf, size_t n, const struct rt_prefix *p)
{
	char a[RT_ADDR_STR];

	snprintf(buf, n, "%s/%u", rt_addr_fmt(a, sizeof(a), p->family, p->a), p->len);
	return buf;
}

void rt_limits_default(struct rt_limits *l)
{
	memset(l, 0, sizeof(*l));
	l->max_vpcs = 4096;
	l->max_nets = 16384;
	l->max_eps = 65536;
	l->max_hosts = 4096;
	l->max_ports = 256;
	l->flows_per_vpc = 1024;
	l->icmp_rate = 100;
	l->genv_class = GENV_CLASS_DEFAULT;
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

/* ---- hashing ---- */

static inline uint64_t mix64(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t hash_key(uint32_t a, int family, const uint8_t *ip, uint32_t b)
{
	uint64_t h = ((uint64_t)a << 8 | (uint64_t)family) ^ ((uint64_t)b << 40);

	h = mix64(h ^ load64(ip));
	if (family == 6)
		h = mix64(h ^ load64(ip + 8));
	/* the top bit marks a used slot; the low bits pick the home slot */
	return (uint32_t)h | 0x80000000u;
}

static inline uint32_t hash_ep(uint32_t vni, int family, const uint8_t *ip)
{
	return hash_key(vni, family, ip, 0);
}

static inline uint32_t hash_net(uint32_t vni, const struct rt_prefix *p)
{
	return hash_key(vni, p->family, p->a, (uint32_t)p->len + 1);
}

static inline uint32_t hash_vpc(uint32_t vni)
{
	return (uint32_t)mix64((uint64_t)vni + 0x9e3779b97f4a7c15ull) | 0x80000000u;
}

static inline uint32_t hash_addr(const struct gnv_addr *a)
{
	return hash_key(0xabcdu, a->family, a->a, 7);
}

static int index_init(struct rt_index *ix, uint32_t nobj)
{
	uint64_t n = 16;

	while (n < (uint64_t)nobj * 2)
		n <<= 1;
	if (n > (1ull << 31))
		return -ENOSPC;
	ix->s = big_calloc(n, sizeof(*ix->s));
	if (!ix->s)
		return -ENOMEM;
	ix->mask = (uint32_t)(n - 1);
	return 0;
}

static void index_free(struct rt_index *ix)
{
	if (ix->s)
		big_free(ix->s, (size_t)ix->mask + 1, sizeof(*ix->s));
}

static void index_insert(struct rt_index *ix, uint32_t tag, uint32_t idx)
{
	uint32_t i = tag & ix->mask;

	while (ix->s[i].tag)
		i = (i + 1) & ix->mask;
	ix->s[i].tag = tag;
	ix->s[i].idx = idx;
}

/* Remove the slot holding object idx (tag known). */
static void index_remove(struct rt_index *ix, uint32_t tag, uint32_t idx)
{
	uint32_t i = tag & ix->mask, j, k;

	while (ix->s[i].tag && !(ix->s[i].tag == tag && ix->s[i].idx == idx))
		i = (i + 1) & ix->mask;
	if (!ix->s[i].tag)
		return;
	ix->s[i].tag = 0;
	/* backward shift: pull later entries of the cluster into the hole
	 * unless their home slot lies cyclically in (i, j] */
	j = i;
	for (;;) {
		j = (j + 1) & ix->mask;
		if (!ix->s[j].tag)
			break;
		k = ix->s[j].tag & ix->mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		ix->s[i] = ix->s[j];
		ix->s[j].tag = 0;
		i = j;
	}
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
		if (lim->max_ports) d.max_ports = lim->max_ports;
		if (lim->flows_per_vpc) d.flows_per_vpc = lim->flows_per_vpc;
		if (lim->icmp_rate) d.icmp_rate = lim->icmp_rate;
		if (lim->genv_class) d.genv_class = lim->genv_class;
	}
	if (d.max_hosts > 65535 || d.max_ports > 32767 || d.max_eps > (1u << 28) ||
	    d.max_vpcs > (1u << 24) || d.max_nets > (1u << 28) ||
	    !pow2(d.flows_per_vpc) || d.flows_per_vpc < 4)
		return NULL;
	t = calloc(1, sizeof(*t));
	if (!t)
		return NULL;
	t->lim = d;
	t->self.mtu = RT_DEFAULT_UL_MTU;
	t->self.ttl = RT_DEFAULT_TTL;
	/* locally administered, "gv" + 0x0001: the gateway MAC */
	memcpy(t->self.mac, "\x02\x67\x76\x00\x00\x01", 6);
	t->vpc = big_calloc(d.max_vpcs, sizeof(*t->vpc));
	t->net = big_calloc(d.max_nets, sizeof(*t->net));
	t->ep = big_calloc(d.max_eps, sizeof(*t->ep));
	t->host = calloc(d.max_hosts, sizeof(*t->host));
	t->port = calloc(d.max_ports, sizeof(*t->port));
	t->free_ep = malloc(sizeof(*t->free_ep) * d.max_eps);
	if (!t->vpc || !t->net || !t->ep || !t->host || !t->port || !t->free_ep ||
	    index_init(&t->vpc_ix, d.max_vpcs) || index_init(&t->net_ix, d.max_nets) ||
	    index_init(&t->ep_ix, d.max_eps) || index_init(&t->host_ix, d.max_hosts) ||
	    !(t->drops = rt_dropring_new())) {
		rt_tables_free(t);
		return NULL;
	}
	for (uint32_t i = 0; i < d.max_eps; i++)
		t->free_ep[i] = d.max_eps - 1 - i;
	t->nfree_ep = d.max_eps;
	return t;
}

void rt_tables_free(struct rt_tables *t)
{
	if (!t)
		return;
	if (t->vpc)
		for (uint32_t i = 0; i < t->lim.max_vpcs; i++)
			free(t->vpc[i].flows.e);
	if (t->ep)
		for (uint32_t i = 0; i < t->lim.max_eps; i++)
			free(t->ep[i].opts);
	big_free(t->vpc, t->lim.max_vpcs, sizeof(*t->vpc));
	big_free(t->net, t->lim.max_nets, sizeof(*t->net));
	big_free(t->ep, t->lim.max_eps, sizeof(*t->ep));
	free(t->host);
	free(t->port);
	free(t->free_ep);
	index_free(&t->vpc_ix);
	index_free(&t->net_ix);
	index_free(&t->ep_ix);
	index_free(&t->host_ix);
	rt_dropring_free(t->drops);
	rt_dropring_free(t->mirror);
	rt_exts_free(&t->exts);
	free(t);
}

size_t rt_tables_memory(const struct rt_tables *t)
{
	size_t m = sizeof(*t);

	m += (size_t)t->lim.max_vpcs * sizeof(*t->vpc);
	m += (size_t)t->lim.max_nets * sizeof(*t->net);
	m += (size_t)t->lim.max_eps * (sizeof(*t->ep) + sizeof(*t->free_ep));
	m += (size_t)t->lim.max_hosts * sizeof(*t->host);
	m += (size_t)t->lim.max_ports * sizeof(*t->port);
	m += sizeof(struct rt_dropring) + RT_DROP_RING * sizeof(struct rt_drop_rec);
	m += ((size_t)t->vpc_ix.mask + 1 + t->net_ix.mask + 1 + t->ep_ix.mask + 1 +
	      t->host_ix.mask + 1) * sizeof(struct rt_slot);
	for (uint32_t i = 0; i < t->lim.max_vpcs; i++)
		if (t->vpc[i].used)
			m += (size_t)t->vpc[i].flows.nsets * 4 * sizeof(struct rt_flow);
	for (uint32_t i = 0; i < t->lim.max_eps; i++)
		if (t->ep[i].used)
			m += t->ep[i].opt_size;
	return m;
}

void rt_tables_clear_stats(struct rt_tables *t)
{
	memset(&t->st, 0, sizeof(t->st));
	for (uint32_t i = 0; i < t->lim.max_vpcs; i++)
		if (t->vpc[i].used) {
			memset(&t->vpc[i].st, 0, sizeof(t->vpc[i].st));
			t->vpc[i].flows.evictions = 0;
			memset(t->vpc[i].flows.e, 0,
			       (size_t)t->vpc[i].flows.nsets * 4 * sizeof(struct rt_flow));
		}
	for (uint32_t i = 0; i < t->lim.max_nets; i++)
		memset(&t->net[i].c, 0, sizeof(t->net[i].c));
	for (uint32_t i = 0; i < t->lim.max_eps; i++)
		memset(&t->ep[i].c, 0, sizeof(t->ep[i].c));
	for (uint32_t i = 0; i < t->lim.max_ports; i++)
		memset(&t->port[i].st, 0, sizeof(t->port[i].st));
}

/* ---- prefixes ---- */

static unsigned int addr_bits(int family)
{
	return family == 6 ? 128 : 32;
}

static void mask_addr(uint8_t *out, const uint8_t *in, int family, unsigned int len)
{
	unsigned int nbytes = family == 6 ? 16 : 4, i;

	memset(out, 0, 16);
	for (i = 0; i < nbytes && len >= 8; i++, len -= 8)
		out[i] = in[i];
	if (i < nbytes && len)
		out[i] = (uint8_t)(in[i] & (0xff00u >> len));
}

bool rt_prefix_contains(const struct rt_prefix *p, int family, const uint8_t *ip)
{
	uint8_t m[16];

	if (p->family != family)
		return false;
	mask_addr(m, ip, family, p->len);
	return !memcmp(m, p->a, 16);
}

bool rt_prefix_overlap(const struct rt_prefix *a, const struct rt_prefix *b)
{
	if (a->family != b->family)
		return false;
	return a->len <= b->len ? rt_prefix_contains(a, b->family, b->a)
				: rt_prefix_contains(b, a->family, a->a);
}

int rt_prefix_parse(const char *s, struct rt_prefix *p, char *err, size_t errsz)
{
	const char *slash = strchr(s, '/');
	char addr[64];
	uint8_t m[16];
	uint32_t len;
	int family;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		FAIL(EINVAL, "'%s' is not a prefix (ADDRESS/LENGTH)", s);
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = 0;
	memset(p, 0, sizeof(*p));
	if (parse_ip(addr, &family, p->a))
		FAIL(EINVAL, "'%s': invalid IP address", addr);
	if (num_parse_u32(slash + 1, 0, addr_bits(family), &len))
		FAIL(EINVAL, "'%s': prefix length must be 0..%u", slash + 1, addr_bits(family));
	p->family = (uint8_t)family;
	p->len = (uint8_t)len;
	mask_addr(m, p->a, family, len);
	if (memcmp(m, p->a, 16))
		FAIL(EINVAL, "'%s': host bits set (did you mean %s/%u?)", s,
		     rt_addr_fmt(addr, sizeof(addr), family, m), len);
	return 0;
}

/* ---- lookups ---- */

struct rt_vpc *rt_vpc_find(const struct rt_tables *t, uint32_t vni)
{
	uint32_t h = hash_vpc(vni), i = h & t->vpc_ix.mask;
	const struct rt_slot *s;

	for (;; i = (i + 1) & t->vpc_ix.mask) {
		s = &t->vpc_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h && t->vpc[s->idx].vni == vni)
			return &t->vpc[s->idx];
	}
}

struct rt_ep *rt_ep_find(const struct rt_tables *t, uint32_t vni, int family, const uint8_t *ip)
{
	uint8_t key[16] = { 0 };
	uint32_t h, i;
	const struct rt_slot *s;

	memcpy(key, ip, family == 6 ? 16 : 4);
	h = hash_ep(vni, family, key);
	for (i = h & t->ep_ix.mask;; i = (i + 1) & t->ep_ix.mask) {
		s = &t->ep_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h) {
			struct rt_ep *e = &t->ep[s->idx];

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
			h[i] = hash_ep(k[i].vni, k[i].family, k[i].ip);
			__builtin_prefetch(&t->ep_ix.s[h[i] & t->ep_ix.mask]);
		}
		/* the first slot whose tag matches: almost always the entry */
		for (unsigned int i = 0; i < m; i++) {
			uint32_t j = h[i] & t->ep_ix.mask;

			cand[i] = RT_NONE;
			for (; t->ep_ix.s[j].tag; j = (j + 1) & t->ep_ix.mask)
				if (t->ep_ix.s[j].tag == h[i]) {
					cand[i] = t->ep_ix.s[j].idx;
					__builtin_prefetch(&t->ep[cand[i]]);
					break;
				}
		}
		for (unsigned int i = 0; i < m; i++) {
			struct rt_ep *e = NULL;

			if (cand[i] != RT_NONE) {
				e = &t->ep[cand[i]];
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
	uint32_t h = hash_net(vni, p), i;
	const struct rt_slot *s;

	for (i = h & t->net_ix.mask;; i = (i + 1) & t->net_ix.mask) {
		s = &t->net_ix.s[i];
		if (!s->tag)
			return NULL;
		if (s->tag == h) {
			struct rt_net *n = &t->net[s->idx];

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

static void plen_set(struct rt_vpc *v, int family, unsigned int len, bool on)
{
	uint64_t *w = family == 4 ? &v->plen4 : &v->plen6[len / 64];
	uint64_t bit = 1ull << (family == 4 ? len : len % 64);

	if (on)
		*w |= bit;
	else
		*w &= ~bit;
}

struct rt_net *rt_net_lookup(const struct rt_tables *t, const struct rt_vpc *v,
			     int family, const uint8_t *ip)
{
	struct rt_prefix p;
	int len;

	if (family == 4 ? !v->plen4 : !(v->plen6[0] | v->plen6[1] | v->plen6[2]))
		return NULL;
	p.family = (uint8_t)family;
	for (len = (int)addr_bits(family); len >= 0; len--) {
		struct rt_net *n;

		if (!plen_has(v, family, (unsigned int)len))
			continue;
		p.len = (uint8_t)len;
		mask_addr(p.a, ip, family, (unsigned int)len);
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
	size_t alen = family == 6 ? 16 : 4;

	if (!pt)
		return NULL;
	for (unsigned int i = 0; i < pt->nep; i++) {
		struct rt_ep *e = &t->ep[pt->ep[i]];

		if (!memcmp(e->mac, mac, 6) && e->family == family && !memcmp(e->ip, ip, alen))
			return e;
	}
	return NULL;
}

struct rt_port *rt_port_get(const struct rt_tables *t, int port)
{
	if (port < 0 || (uint32_t)port >= t->lim.max_ports || !t->port[port].used)
		return NULL;
	return &t->port[port];
}

int rt_port_find(const struct rt_tables *t, const char *name)
{
	for (uint32_t i = 0; i < t->lim.max_ports; i++)
		if (t->port[i].used && !strcmp(t->port[i].name, name))
			return (int)i;
	return -1;
}

const struct rt_host *rt_host_get(const struct rt_tables *t, uint32_t idx)
{
	if (idx >= t->lim.max_hosts || !t->host[idx].refs)
		return NULL;
	return &t->host[idx];
}

static bool addr_eq(const struct gnv_addr *a, const struct gnv_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, a->family == 6 ? 16 : 4);
}

bool rt_host_is_self(const struct rt_tables *t, uint32_t idx)
{
	const struct rt_host *h = rt_host_get(t, idx);

	return h && t->self.addr_set && addr_eq(&h->addr, &t->self.addr);
}

const struct rt_prefix *rt_vpc_cidr_of(const struct rt_vpc *v, int family, const uint8_t *ip)
{
	for (unsigned int i = 0; i < v->ncidr; i++)
		if (rt_prefix_contains(&v->cidr[i], family, ip))
			return &v->cidr[i];
	return NULL;
}

static void first_addr(const struct rt_prefix *p, uint8_t out[16])
{
	int i = p->family == 6 ? 15 : 3;

	memcpy(out, p->a, 16);
	if (p->len >= addr_bits(p->family))
		return;
	while (i >= 0 && ++out[i] == 0)
		i--;
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
		first_addr(c, gw);
	return true;
}

/* ---- hosts (interned underlay peers) ---- */

static int host_find(const struct rt_tables *t, const struct gnv_addr *a)
{
	uint32_t h = hash_addr(a), i;
	const struct rt_slot *s;

	for (i = h & t->host_ix.mask;; i = (i + 1) & t->host_ix.mask) {
		s = &t->host_ix.s[i];
		if (!s->tag)
			return -1;
		if (s->tag == h && addr_eq(&t->host[s->idx].addr, a))
			return (int)s->idx;
	}
}

/* Validate a list of host addresses: distinct, and room to intern them. */
static int hosts_check(const struct rt_tables *t, const struct gnv_addr *a, unsigned int n,
		       const char *what, unsigned int *need, char *err, size_t errsz)
{
	char buf[RT_ADDR_STR];

	for (unsigned int i = 0; i < n; i++) {
		if (a[i].family != 4 && a[i].family != 6)
			FAIL(EINVAL, "%s %u: no address", what, i + 1);
		for (unsigned int j = 0; j < i; j++)
			if (addr_eq(&a[i], &a[j]))
				FAIL(EINVAL, "%s %s given twice", what,
				     rt_addr_fmt(buf, sizeof(buf), a[i].family, a[i].a));
		if (host_find(t, &a[i]) < 0)
			(*need)++;
	}
	return 0;
}

static int hosts_room(const struct rt_tables *t, unsigned int need, char *err, size_t errsz)
{
	if (t->nhost + need > t->lim.max_hosts)
		FAIL(ENOSPC, "host table full (%u underlay hosts)", t->lim.max_hosts);
	return 0;
}

static uint16_t host_ref(struct rt_tables *t, const struct gnv_addr *a)
{
	int i = host_find(t, a);

	if (i < 0) {
		uint32_t k;

		for (k = 0; k < t->lim.max_hosts && t->host[k].refs; k++)
			;
		/* hosts_room() made sure k < max_hosts */
		t->host[k].addr = *a;
		t->host[k].refs = 0;
		index_insert(&t->host_ix, hash_addr(a), k);
		t->nhost++;
		i = (int)k;
	}
	t->host[i].refs++;
	return (uint16_t)i;
}

static void host_unref(struct rt_tables *t, uint16_t i)
{
	struct rt_host *h = &t->host[i];

	if (!h->refs || --h->refs)
		return;
	index_remove(&t->host_ix, hash_addr(&h->addr), i);
	memset(h, 0, sizeof(*h));
	t->nhost--;
}

/* ---- VPCs ---- */

static bool name_ok(const char *s)
{
	if (!*s)
		return true;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '-' || *s == '_' || *s == '.'))
			return false;
	return true;
}

static int vpc_check(const struct rt_tables *t, const struct rt_vpc_spec *s,
		     const struct rt_vpc *self, unsigned int *need, char *err, size_t errsz)
{
	char a[RT_PREFIX_STR], b[RT_PREFIX_STR];
	int r;

	if (s->vni > RT_VNI_MAX)
		FAIL(EINVAL, "VNI %u out of range 0..%u", s->vni, RT_VNI_MAX);
	if (!name_ok(s->name) || strlen(s->name) >= RT_NAME_MAX)
		FAIL(EINVAL, "name '%s': use 1..31 letters, digits, '-', '_' or '.'", s->name);
	if (s->name[0] && (s->name[0] >= '0' && s->name[0] <= '9'))
		FAIL(EINVAL, "name '%s' must not start with a digit (it would read as a VNI)",
		     s->name);
	if (s->name[0])
		for (uint32_t i = 0; i < t->lim.max_vpcs; i++)
			if (t->vpc[i].used && &t->vpc[i] != self &&
			    !strcmp(t->vpc[i].name, s->name))
				FAIL(EEXIST, "name '%s' is already VPC %u", s->name, t->vpc[i].vni);
	if (!s->ncidr)
		FAIL(EINVAL, "VPC %u needs at least one cidr", s->vni);
	if (s->ncidr > RT_VPC_MAX_CIDRS)
		FAIL(EINVAL, "at most %d cidrs per VPC", RT_VPC_MAX_CIDRS);
	for (unsigned int i = 0; i < s->ncidr; i++) {
		if (s->cidr[i].family != 4 && s->cidr[i].family != 6)
			FAIL(EINVAL, "cidr %u: no prefix", i + 1);
		for (unsigned int j = 0; j < i; j++)
			if (rt_prefix_overlap(&s->cidr[i], &s->cidr[j]))
				FAIL(EINVAL, "cidr %s overlaps %s",
				     rt_prefix_fmt(a, sizeof(a), &s->cidr[i]),
				     rt_prefix_fmt(b, sizeof(b), &s->cidr[j]));
	}
	if (s->ndivider > RT_MAX_DIVIDERS)
		FAIL(EINVAL, "at most %d dividers per VPC", RT_MAX_DIVIDERS);
	r = hosts_check(t, s->divider, s->ndivider, "divider", need, err, errsz);
	if (r)
		return r;
	return hosts_room(t, *need, err, errsz);
}

#define RT_HOSTLIST_MAX 8	/* dividers, bouncers and endpoint hosts alike */
_Static_assert(RT_MAX_DIVIDERS <= RT_HOSTLIST_MAX && RT_MAX_BOUNCERS <= RT_HOSTLIST_MAX &&
	       RT_EP_MAX_HOSTS <= RT_HOSTLIST_MAX, "host lists fit hosts_replace()");

/*
 * Point a host list (slots[0..*n)) at the hosts addrs[0..nnew) (checked).
 * The new hosts are referenced before the old are dropped, so a host in
 * both lists keeps its slot in the host table.
 */
static void hosts_replace(struct rt_tables *t, uint16_t *slots, uint8_t *n,
			  const struct gnv_addr *addrs, unsigned int nnew)
{
	uint16_t old[RT_HOSTLIST_MAX];
	unsigned int nold = *n;

	memcpy(old, slots, nold * sizeof(*slots));
	for (unsigned int i = 0; i < nnew; i++)
		slots[i] = host_ref(t, &addrs[i]);
	*n = (uint8_t)nnew;
	for (unsigned int i = 0; i < nold; i++)
		host_unref(t, old[i]);
}

static void vpc_set_hosts(struct rt_tables *t, struct rt_vpc *v, const struct rt_vpc_spec *s)
{
	hosts_replace(t, v->divider, &v->ndivider, s->divider, s->ndivider);
}

int rt_vpc_add(struct rt_tables *t, const struct rt_vpc_spec *s, char *err, size_t errsz)
{
	unsigned int need = 0;
	struct rt_vpc *v;
	struct rt_flow *fl;
	uint32_t i;
	int r;

	if (s->vni <= RT_VNI_MAX && rt_vpc_find(t, s->vni))
		FAIL(EEXIST, "VPC %u exists", s->vni);
	r = vpc_check(t, s, NULL, &need, err, errsz);
	if (r)
		return r;
	if (t->nvpc >= t->lim.max_vpcs)
		FAIL(ENOSPC, "VPC table full (%u VPCs)", t->lim.max_vpcs);
	fl = calloc(t->lim.flows_per_vpc, sizeof(*fl));
	if (!fl)
		FAIL(ENOMEM, "out of memory for the flow table of VPC %u", s->vni);
	for (i = 0; t->vpc[i].used; i++)
		;
	v = &t->vpc[i];
	memset(v, 0, sizeof(*v));
	v->used = true;
	v->vni = s->vni;
	snprintf(v->name, sizeof(v->name), "%s", s->name);
	v->ncidr = s->ncidr;
	memcpy(v->cidr, s->cidr, sizeof(v->cidr[0]) * s->ncidr);
	vpc_set_hosts(t, v, s);
	v->flows.e = fl;
	v->flows.nsets = t->lim.flows_per_vpc / 4;
	index_insert(&t->vpc_ix, hash_vpc(s->vni), i);
	t->nvpc++;
	t->gen++;
	return 0;
}

void rt_vpc_to_spec(const struct rt_tables *t, const struct rt_vpc *v, struct rt_vpc_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->vni = v->vni;
	snprintf(s->name, sizeof(s->name), "%s", v->name);
	s->ncidr = v->ncidr;
	memcpy(s->cidr, v->cidr, sizeof(s->cidr));
	s->ndivider = v->ndivider;
	for (unsigned int i = 0; i < v->ndivider; i++)
		s->divider[i] = t->host[v->divider[i]].addr;
}

static const struct rt_prefix *cidr_in(const struct rt_vpc_spec *s, int family, const uint8_t *ip)
{
	for (unsigned int i = 0; i < s->ncidr; i++)
		if (rt_prefix_contains(&s->cidr[i], family, ip))
			return &s->cidr[i];
	return NULL;
}

int rt_vpc_set(struct rt_tables *t, const struct rt_vpc_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_PREFIX_STR];
	unsigned int need = 0;
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", s->vni);
	r = vpc_check(t, s, v, &need, err, errsz);
	if (r)
		return r;
	/* every net and endpoint must stay inside the (new) CIDRs */
	if (v->nnet)
		for (uint32_t i = 0; i < t->lim.max_nets; i++) {
			const struct rt_net *n = &t->net[i];
			const struct rt_prefix *c;

			if (!n->used || n->vni != v->vni)
				continue;
			c = cidr_in(s, n->p.family, n->p.a);
			if (!c || c->len > n->p.len)
				FAIL(EBUSY, "net %s would fall outside the VPC's cidrs",
				     rt_prefix_fmt(a, sizeof(a), &n->p));
		}
	if (v->nep)
		for (uint32_t i = 0; i < t->lim.max_eps; i++) {
			const struct rt_ep *e = &t->ep[i];

			if (e->used && e->vni == v->vni && !cidr_in(s, e->family, e->ip))
				FAIL(EBUSY, "endpoint %s would fall outside the VPC's cidrs",
				     rt_addr_fmt(a, sizeof(a), e->family, e->ip));
		}
	snprintf(v->name, sizeof(v->name), "%s", s->name);
	v->ncidr = s->ncidr;
	memcpy(v->cidr, s->cidr, sizeof(v->cidr));
	vpc_set_hosts(t, v, s);
	t->gen++;
	return 0;
}

int rt_vpc_del(struct rt_tables *t, uint32_t vni, char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	uint32_t i;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	if (v->nnet || v->nep)
		FAIL(EBUSY, "VPC %u still has %u nets and %u endpoints; delete them first",
		     vni, v->nnet, v->nep);
	i = rt_vpc_index(t, v);
	index_remove(&t->vpc_ix, hash_vpc(vni), i);
	for (unsigned int k = 0; k < v->ndivider; k++)
		host_unref(t, v->divider[k]);
	free(v->flows.e);
	memset(v, 0, sizeof(*v));
	t->nvpc--;
	t->gen++;
	return 0;
}

/* ---- nets ---- */

static int net_check(const struct rt_tables *t, const struct rt_net_spec *s,
		     const struct rt_vpc *v, uint8_t gw[16],
		     unsigned int *need, char *err, size_t errsz)
{
	char a[RT_PREFIX_STR], b[RT_ADDR_STR];
	const struct rt_prefix *c;
	int r;

	c = rt_vpc_cidr_of(v, s->p.family, s->p.a);
	if (!c || c->len > s->p.len)
		FAIL(EINVAL, "net %s is not inside a cidr of VPC %u",
		     rt_prefix_fmt(a, sizeof(a), &s->p), s->vni);
	if (s->gw_set) {
		if (!rt_prefix_contains(&s->p, s->p.family, s->gw))
			FAIL(EINVAL, "gateway %s is outside %s",
			     rt_addr_fmt(b, sizeof(b), s->p.family, s->gw),
			     rt_prefix_fmt(a, sizeof(a), &s->p));
		memcpy(gw, s->gw, 16);
	} else {
		first_addr(&s->p, gw);
	}
	if (rt_ep_find(t, s->vni, s->p.family, gw))
		FAIL(EBUSY, "gateway %s is an endpoint's address",
		     rt_addr_fmt(b, sizeof(b), s->p.family, gw));
	if (s->nbouncer > RT_MAX_BOUNCERS)
		FAIL(EINVAL, "at most %d bouncers per net", RT_MAX_BOUNCERS);
	r = hosts_check(t, s->bouncer, s->nbouncer, "bouncer", need, err, errsz);
	if (r)
		return r;
	return hosts_room(t, *need, err, errsz);
}

static void net_set_hosts(struct rt_tables *t, struct rt_net *n, const struct rt_net_spec *s)
{
	hosts_replace(t, n->bouncer, &n->nbouncer, s->bouncer, s->nbouncer);
}

int rt_net_add(struct rt_tables *t, const struct rt_net_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_PREFIX_STR];
	unsigned int need = 0;
	uint8_t gw[16];
	struct rt_net *n;
	uint32_t i;
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", s->vni);
	if (rt_net_find(t, s->vni, &s->p))
		FAIL(EEXIST, "net %s exists in VPC %u", rt_prefix_fmt(a, sizeof(a), &s->p), s->vni);
	r = net_check(t, s, v, gw, &need, err, errsz);
	if (r)
		return r;
	if (t->nnet >= t->lim.max_nets)
		FAIL(ENOSPC, "net table full (%u nets)", t->lim.max_nets);
	for (i = 0; t->net[i].used; i++)
		;
	n = &t->net[i];
	memset(n, 0, sizeof(*n));
	n->used = true;
	n->vni = s->vni;
	n->vpc = rt_vpc_index(t, v);
	n->p = s->p;
	memcpy(n->gw, gw, 16);
	n->gw_explicit = s->gw_set;
	net_set_hosts(t, n, s);
	index_insert(&t->net_ix, hash_net(s->vni, &s->p), i);
	plen_set(v, s->p.family, s->p.len, true);
	v->nnet++;
	t->nnet++;
	t->gen++;
	return 0;
}

void rt_net_to_spec(const struct rt_tables *t, const struct rt_net *n, struct rt_net_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->vni = n->vni;
	s->p = n->p;
	s->gw_set = n->gw_explicit;
	memcpy(s->gw, n->gw, 16);
	s->nbouncer = n->nbouncer;
	for (unsigned int i = 0; i < n->nbouncer; i++)
		s->bouncer[i] = t->host[n->bouncer[i]].addr;
}

int rt_net_set(struct rt_tables *t, const struct rt_net_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_PREFIX_STR];
	unsigned int need = 0;
	struct rt_net *n;
	uint8_t gw[16];
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", s->vni);
	n = rt_net_find(t, s->vni, &s->p);
	if (!n)
		FAIL(ENOENT, "no net %s in VPC %u", rt_prefix_fmt(a, sizeof(a), &s->p), s->vni);
	r = net_check(t, s, v, gw, &need, err, errsz);
	if (r)
		return r;
	memcpy(n->gw, gw, 16);
	n->gw_explicit = s->gw_set;
	net_set_hosts(t, n, s);
	t->gen++;
	return 0;
}

int rt_net_del(struct rt_tables *t, uint32_t vni, const struct rt_prefix *p, char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	char a[RT_PREFIX_STR];
	struct rt_net *n;
	bool same_len = false;
	uint32_t i;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	n = rt_net_find(t, vni, p);
	if (!n)
		FAIL(ENOENT, "no net %s in VPC %u", rt_prefix_fmt(a, sizeof(a), p), vni);
	i = (uint32_t)(n - t->net);
	index_remove(&t->net_ix, hash_net(vni, p), i);
	for (unsigned int k = 0; k < n->nbouncer; k++)
		host_unref(t, n->bouncer[k]);
	memset(n, 0, sizeof(*n));
	for (uint32_t k = 0; k < t->lim.max_nets && !same_len; k++)
		same_len = t->net[k].used && t->net[k].vni == vni &&
			   t->net[k].p.family == p->family && t->net[k].p.len == p->len;
	if (!same_len)
		plen_set(v, p->family, p->len, false);
	v->nnet--;
	t->nnet--;
	t->gen++;
	return 0;
}

/* ---- endpoints ---- */

size_t rt_label_opt_encode(uint16_t genv_class, const uint32_t *labels, unsigned int n,
			   uint8_t *buf)
{
	if (!n || n > RT_EP_MAX_LABELS)
		return 0;
	gnv_put16(buf, genv_class);
	buf[2] = GENV_OPT_LABEL;
	buf[3] = (uint8_t)n;
	for (unsigned int i = 0; i < n; i++)
		gnv_put32(buf + 4 + 4 * i, labels[i]);
	return 4 + 4 * (size_t)n;
}

/* Option bytes the pipeline may add besides the endpoint's blob:
 * eptype (8) and an IPv6 RTS (28). */
#define RT_OPT_RESERVED	(8 + 28)

/* Walk wire TLVs: true when they exactly fill n bytes. */
static bool tlvs_ok(const uint8_t *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		if (n - off < 4)
			return false;
		off += 4 + (size_t)(p[off + 3] & 0x1f) * 4;
	}
	return off == n;
}

static int ep_check(const struct rt_tables *t, const struct rt_ep_spec *s, const struct rt_vpc *v,
		    const struct rt_ep *self, unsigned int *need, char *err, size_t errsz)
{
	char a[RT_ADDR_STR];
	uint8_t gw[16];
	const struct rt_port *pt;
	int r;

	if (s->family != 4 && s->family != 6)
		FAIL(EINVAL, "endpoint needs an IP address");
	if (!rt_vpc_cidr_of(v, s->family, s->ip))
		FAIL(EINVAL, "%s is outside the cidrs of VPC %u",
		     rt_addr_fmt(a, sizeof(a), s->family, s->ip), s->vni);
	if (rt_gateway_of(t, v, s->family, s->ip, gw) &&
	    !memcmp(gw, s->ip, s->family == 6 ? 16 : 4))
		FAIL(EBUSY, "%s is the gateway address of its network",
		     rt_addr_fmt(a, sizeof(a), s->family, s->ip));
	if (s->mac[0] & 1)
		FAIL(EINVAL, "MAC must be unicast");
	if (!memcmp(s->mac, "\0\0\0\0\0\0", 6))
		FAIL(EINVAL, "MAC must not be zero");
	if (s->type > EP_GATEWAY)
		FAIL(EINVAL, "unknown endpoint type %u", s->type);
	if (s->port >= 0) {
		pt = rt_port_get(t, s->port);
		if (!pt)
			FAIL(ENOENT, "no port %d", s->port);
		if (s->nhost)
			FAIL(EINVAL, "an endpoint is either on a port or on hosts, not both");
		if (s->type == EP_SCALED)
			FAIL(EINVAL, "a scaled endpoint lives on its backend hosts, not on a port");
		if (pt->nep >= RT_PORT_MAX_EPS && !(self && self->port == s->port))
			FAIL(ENOSPC, "port %s already holds %d endpoints", pt->name, RT_PORT_MAX_EPS);
	} else {
		if (!s->nhost)
			FAIL(EINVAL, "endpoint needs a port or at least one host");
		if (s->nhost > RT_EP_MAX_HOSTS)
			FAIL(EINVAL, "at most %d hosts per endpoint", RT_EP_MAX_HOSTS);
		if (s->nhost > 1 && s->type != EP_SCALED)
			FAIL(EINVAL, "only a scaled endpoint has several hosts");
		for (unsigned int i = 0; i < s->nhost; i++)
			if (t->self.addr_set && addr_eq(&s->host[i], &t->self.addr))
				FAIL(EINVAL, "host %s is this router; a local endpoint needs a port",
				     rt_addr_fmt(a, sizeof(a), s->host[i].family, s->host[i].a));
	}
	if (s->nlabel > RT_EP_MAX_LABELS)
		FAIL(EINVAL, "at most %d labels", RT_EP_MAX_LABELS);
	if (s->opt_size > RT_OPT_SPACE || (s->opt_size & 3) || !tlvs_ok(s->opts, s->opt_size))
		FAIL(EINVAL, "malformed option list");
	if ((s->nlabel ? 4u + 4u * s->nlabel : 0u) + s->opt_size + RT_OPT_RESERVED > RT_OPT_SPACE)
		FAIL(EINVAL, "labels and options take %u bytes; at most %u fit",
		     (s->nlabel ? 4u + 4u * s->nlabel : 0u) + s->opt_size,
		     RT_OPT_SPACE - RT_OPT_RESERVED);
	if (s->mtu && (s->mtu < (s->family == 6 ? 1280 : RT_MTU_MIN)))
		FAIL(EINVAL, "mtu %u below the minimum %u", s->mtu, s->family == 6 ? 1280 : RT_MTU_MIN);
	r = hosts_check(t, s->host, s->nhost, "host", need, err, errsz);
	if (r)
		return r;
	return hosts_room(t, *need, err, errsz);
}

static int ep_blob(const struct rt_tables *t, const struct rt_ep_spec *s, uint8_t **blob,
		   uint16_t *size, char *err, size_t errsz)
{
	size_t n = 0;
	uint8_t *b;

	*blob = NULL;
	*size = 0;
	if (!s->nlabel && !s->opt_size)
		return 0;
	b = malloc(RT_OPT_SPACE);
	if (!b)
		FAIL(ENOMEM, "out of memory");
	n = rt_label_opt_encode(t->lim.genv_class, s->label, s->nlabel, b);
	memcpy(b + n, s->opts, s->opt_size);
	n += s->opt_size;
	*blob = realloc(b, n);
	if (!*blob)
		*blob = b;
	*size = (uint16_t)n;
	return 0;
}

static void port_ep_remove(struct rt_tables *t, int port, uint32_t idx)
{
	struct rt_port *pt = rt_port_get(t, port);

	if (!pt)
		return;
	for (unsigned int i = 0; i < pt->nep; i++)
		if (pt->ep[i] == idx) {
			memmove(&pt->ep[i], &pt->ep[i + 1], (pt->nep - i - 1) * sizeof(pt->ep[0]));
			pt->nep--;
			return;
		}
}

/* Commit s into e (checked).  blob is the new option blob. */
static void ep_fill(struct rt_tables *t, struct rt_ep *e, const struct rt_ep_spec *s,
		    uint8_t *blob, uint16_t blob_size)
{
	uint8_t *oldblob = e->opts;
	uint32_t idx = rt_ep_index(t, e);

	hosts_replace(t, e->host, &e->nhost, s->host, s->nhost);
	if (e->port != s->port) {
		if (e->port >= 0)
			port_ep_remove(t, e->port, idx);
		if (s->port >= 0) {
			struct rt_port *pt = &t->port[s->port];

			pt->ep[pt->nep++] = idx;
		}
	}
	e->port = s->port;
	e->type = s->type;
	e->mtu = s->mtu;
	memcpy(e->mac, s->mac, 6);
	e->nlabel = s->nlabel;
	e->opts = blob;
	e->opt_size = blob_size;
	free(oldblob);
}

int rt_ep_add(struct rt_tables *t, const struct rt_ep_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_ADDR_STR];
	unsigned int need = 0;
	uint16_t bsize;
	uint8_t *blob;
	struct rt_ep *e;
	uint32_t idx;
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", s->vni);
	if ((s->family == 4 || s->family == 6) && rt_ep_find(t, s->vni, s->family, s->ip))
		FAIL(EEXIST, "endpoint %s exists in VPC %u",
		     rt_addr_fmt(a, sizeof(a), s->family, s->ip), s->vni);
	r = ep_check(t, s, v, NULL, &need, err, errsz);
	if (r)
		return r;
	if (!t->nfree_ep)
		FAIL(ENOSPC, "endpoint table full (%u endpoints)", t->lim.max_eps);
	r = ep_blob(t, s, &blob, &bsize, err, errsz);
	if (r)
		return r;
	idx = t->free_ep[--t->nfree_ep];
	e = &t->ep[idx];
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->vni = s->vni;
	e->vpc = rt_vpc_index(t, v);
	e->family = s->family;
	memset(e->ip, 0, 16);
	memcpy(e->ip, s->ip, s->family == 6 ? 16 : 4);
	e->port = -1;
	ep_fill(t, e, s, blob, bsize);
	index_insert(&t->ep_ix, hash_ep(e->vni, e->family, e->ip), idx);
	v->nep++;
	t->nep++;
	t->gen++;
	return 0;
}

void rt_ep_to_spec(const struct rt_tables *t, const struct rt_ep *e, struct rt_ep_spec *s)
{
	size_t off = 0;

	memset(s, 0, sizeof(*s));
	s->vni = e->vni;
	s->family = e->family;
	memcpy(s->ip, e->ip, 16);
	memcpy(s->mac, e->mac, 6);
	s->type = e->type;
	s->port = e->port;
	s->nhost = e->nhost;
	for (unsigned int i = 0; i < e->nhost; i++)
		s->host[i] = t->host[e->host[i]].addr;
	s->mtu = e->mtu;
	if (e->nlabel) {
		s->nlabel = e->nlabel;
		for (unsigned int i = 0; i < e->nlabel; i++)
			s->label[i] = gnv_be32(e->opts + 4 + 4 * i);
		off = 4 + 4 * (size_t)e->nlabel;
	}
	s->opt_size = (uint16_t)(e->opt_size - off);
	if (s->opt_size)
		memcpy(s->opts, e->opts + off, s->opt_size);
}

int rt_ep_set(struct rt_tables *t, const struct rt_ep_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_ADDR_STR];
	unsigned int need = 0;
	uint16_t bsize;
	uint8_t *blob;
	struct rt_ep *e;
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", s->vni);
	e = (s->family == 4 || s->family == 6) ? rt_ep_find(t, s->vni, s->family, s->ip) : NULL;
	if (!e)
		FAIL(ENOENT, "no endpoint %s in VPC %u",
		     rt_addr_fmt(a, sizeof(a), s->family, s->ip), s->vni);
	r = ep_check(t, s, v, e, &need, err, errsz);
	if (r)
		return r;
	r = ep_blob(t, s, &blob, &bsize, err, errsz);
	if (r)
		return r;
	ep_fill(t, e, s, blob, bsize);
	t->gen++;
	return 0;
}

int rt_ep_del(struct rt_tables *t, uint32_t vni, int family, const uint8_t *ip,
	      char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	char a[RT_ADDR_STR];
	struct rt_ep *e;
	uint32_t idx;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	e = rt_ep_find(t, vni, family, ip);
	if (!e)
		FAIL(ENOENT, "no endpoint %s in VPC %u", rt_addr_fmt(a, sizeof(a), family, ip), vni);
	idx = rt_ep_index(t, e);
	index_remove(&t->ep_ix, hash_ep(e->vni, e->family, e->ip), idx);
	if (e->port >= 0)
		port_ep_remove(t, e->port, idx);
	for (unsigned int i = 0; i < e->nhost; i++)
		host_unref(t, e->host[i]);
	free(e->opts);
	memset(e, 0, sizeof(*e));
	t->free_ep[t->nfree_ep++] = idx;
	v->nep--;
	t->nep--;
	t->gen++;
	return 0;
}

/* ---- ports ---- */

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= RT_PORT_NAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (; *s; s++)
		if (*s == '/' || *s == ':' || *s <= ' ' || *s > '~')
			return false;
	return true;
}

static int mtu_check(unsigned int mtu, char *err, size_t errsz)
{
	if (mtu < RT_MTU_MIN || mtu > RT_MTU_MAX)
		FAIL(EINVAL, "mtu %u out of range %u..%u", mtu, RT_MTU_MIN, RT_MTU_MAX);
	return 0;
}

int rt_port_check(const struct rt_tables *t, const char *name, unsigned int mtu,
		  int *index, char *err, size_t errsz)
{
	uint32_t i;
	int r;

	if (!ifname_ok(name))
		FAIL(EINVAL, "'%s' is not a valid interface name (1..15 characters, no '/', ':' or blanks)",
		     name);
	if (rt_port_find(t, name) >= 0)
		FAIL(EEXIST, "port %s exists", name);
	r = mtu_check(mtu, err, errsz);
	if (r)
		return r;
	for (i = 0; i < t->lim.max_ports && t->port[i].used; i++)
		;
	if (i == t->lim.max_ports)
		FAIL(ENOSPC, "port table full (%u ports)", t->lim.max_ports);
	*index = (int)i;
	return 0;
}

int rt_port_add(struct rt_tables *t, int index, const char *name, unsigned int mtu,
		char *err, size_t errsz)
{
	int chk, r;
	struct rt_port *p;

	r = rt_port_check(t, name, mtu, &chk, err, errsz);
	if (r)
		return r;
	if (index < 0 || (uint32_t)index >= t->lim.max_ports || t->port[index].used)
		FAIL(EINVAL, "port slot %d is not free", index);
	p = &t->port[index];
	memset(p, 0, sizeof(*p));
	p->used = true;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->mtu = (uint16_t)mtu;
	t->nport++;
	t->gen++;
	return 0;
}

int rt_port_del_check(const struct rt_tables *t, int index, char *err, size_t errsz)
{
	const struct rt_port *p = rt_port_get(t, index);

	if (!p)
		FAIL(ENOENT, "no port %d", index);
	if (p->nep)
		FAIL(EBUSY, "port %s still holds %u endpoints; delete or move them first",
		     p->name, p->nep);
	return 0;
}

void rt_port_del(struct rt_tables *t, int index)
{
	if (rt_port_del_check(t, index, NULL, 0))
		return;
	memset(&t->port[index], 0, sizeof(t->port[index]));
	t->nport--;
	t->gen++;
}

int rt_port_set_mtu(struct rt_tables *t, int index, unsigned int mtu, char *err, size_t errsz)
{
	struct rt_port *p = rt_port_get(t, index);
	int r;

	if (!p)
		FAIL(ENOENT, "no port %d", index);
	r = mtu_check(mtu, err, errsz);
	if (r)
		return r;
	if (p->mtu != mtu) {
		p->mtu = (uint16_t)mtu;
		t->gen++;
	}
	return 0;
}

/* ---- this host ---- */

static int self_merge(const struct rt_tables *t, const struct rt_self_spec *s,
		      struct rt_self *out, char *err, size_t errsz)
{
	struct rt_self n = t->self;
	char a[RT_ADDR_STR];
	int r;

	if (s->addr_set) {
		if (s->addr.family != 4 && s->addr.family != 6)
			FAIL(EINVAL, "host addr needs an IPv4 or IPv6 address");
		/* a remote endpoint on our own address would loop */
		for (uint32_t i = 0; i < t->lim.max_hosts; i++)
			if (t->host[i].refs && addr_eq(&t->host[i].addr, &s->addr))
				for (uint32_t k = 0; k < t->lim.max_eps; k++) {
					const struct rt_ep *e = &t->ep[k];

					for (unsigned int h = 0; e->used && h < e->nhost; h++)
						if (e->host[h] == i)
							FAIL(EBUSY, "endpoint %s in VPC %u is on host %s",
							     rt_addr_fmt(a, sizeof(a), e->family, e->ip),
							     e->vni, rt_addr_fmt(a, sizeof(a), s->addr.family, s->addr.a));
				}
		n.addr_set = true;
		n.addr = s->addr;
	}
	if (s->id_set) {
		if (!name_ok(s->id) || strlen(s->id) >= RT_NAME_MAX)
			FAIL(EINVAL, "id '%s': use 1..31 letters, digits, '-', '_' or '.'", s->id);
		snprintf(n.id, sizeof(n.id), "%s", s->id);
	}
	if (s->mac_set) {
		if ((s->mac[0] & 1) || !memcmp(s->mac, "\0\0\0\0\0\0", 6))
			FAIL(EINVAL, "gateway MAC must be unicast and non-zero");
		memcpy(n.mac, s->mac, 6);
	}
	if (s->mtu_set) {
		r = mtu_check(s->mtu, err, errsz);
		if (r)
			return r;
		n.mtu = s->mtu;
	}
	if (s->dscp_set) {
		if (s->dscp > 63)
			FAIL(EINVAL, "dscp %u out of range 0..63", s->dscp);
		n.dscp = s->dscp;
	}
	if (s->ttl_set) {
		if (!s->ttl)
			FAIL(EINVAL, "ttl must be 1..255");
		n.ttl = s->ttl;
	}
	if (s->rts_set)
		n.rts = s->rts;
	*out = n;
	return 0;
}

int rt_self_check(const struct rt_tables *t, const struct rt_self_spec *s, char *err, size_t errsz)
{
	struct rt_self n;

	return self_merge(t, s, &n, err, errsz);
}

int rt_self_set(struct rt_tables *t, const struct rt_self_spec *s, char *err, size_t errsz)
{
	struct rt_self n;
	int r = self_merge(t, s, &n, err, errsz);

	if (r)
		return r;
	t->self = n;
	t->gen++;
	return 0;
}
