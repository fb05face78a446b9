/* SPDX-License-Identifier: MIT */
/*
 * Router table updates (see tables.h): add, set and delete VPCs, nets,
 * endpoints and ports, and set this host.  Every update checks everything
 * first, then commits steps that cannot fail, so an error changes nothing.
 * Deletion from a hash index shifts later entries of the cluster back (no
 * tombstones), so lookups stay short however many updates happen.
 * Endpoint option blobs are checked and written with libcore's option
 * codec (opt_tlv, opt_genv).  Calls tables.c (lookups), prefix, libcore
 * and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/msg.h"
#include "../libcore/opt_genv.h"
#include "../libcore/opt_tlv.h"
#include "qos.h"
#include "conntrack.h"
#include "ep_proxied.h"
#include "scaled.h"
#include "tables.h"
#include "tables_int.h"

#define FAIL(code, ...) return gnv_errf(err, errsz, -(code), __VA_ARGS__)

/* ---- hash indexes ---- */

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

static void plen_set(struct rt_vpc *v, int family, unsigned int len, bool on)
{
	uint64_t *w = family == 4 ? &v->plen4 : &v->plen6[len / 64];
	uint64_t bit = 1ull << (family == 4 ? len : len % 64);

	if (on)
		*w |= bit;
	else
		*w &= ~bit;
}

/* ---- hosts (interned underlay peers) ---- */

static bool addr_in(const struct gnv_addr *a, const struct gnv_addr *list, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++)
		if (gnv_addr_eq(a, &list[i]))
			return true;
	return false;
}

/* What an edit adds: new hosts to intern, new (VPC, host) trust pairs. */
struct need {
	unsigned int hosts, pairs;
};

/*
 * Validate a list of host addresses of an object of VPC vpc (index;
 * RT_NONE for a VPC being added): distinct, and count what is new.
 * Addresses in counted[0..ncounted) are already in *need.
 */
static int hosts_check(const struct rt_tables *t, const struct gnv_addr *a, unsigned int n,
		       const struct gnv_addr *counted, unsigned int ncounted, uint32_t vpc,
		       const char *what, struct need *need, char *err, size_t errsz)
{
	char buf[RT_ADDR_STR];

	for (unsigned int i = 0; i < n; i++) {
		int h;

		if (a[i].family != 4 && a[i].family != 6)
			FAIL(EINVAL, "%s %u: no address", what, i + 1);
		if (addr_in(&a[i], a, i))
			FAIL(EINVAL, "%s %s given twice", what,
			     rt_addr_fmt(buf, sizeof(buf), a[i].family, a[i].a));
		if (addr_in(&a[i], counted, ncounted))
			continue;
		h = rt_host_find(t, &a[i]);
		need->hosts += h < 0;
		need->pairs += h < 0 || vpc == RT_NONE || !rt_vpc_host_find(t, vpc, (uint32_t)h);
	}
	return 0;
}

static int hosts_room(const struct rt_tables *t, const struct need *need, char *err, size_t errsz)
{
	if (t->cfg.nhost + need->hosts > t->cfg.lim.max_hosts)
		FAIL(ENOSPC, "host table full (%u underlay hosts)", t->cfg.lim.max_hosts);
	/* the new pairs are added before the old ones go (hosts_replace()) */
	if (t->cfg.nvh + need->pairs > t->cfg.lim.max_vpc_hosts)
		FAIL(ENOSPC, "trust table full (%u VPC-host pairs)", t->cfg.lim.max_vpc_hosts);
	return 0;
}

static uint16_t host_ref(struct rt_tables *t, const struct gnv_addr *a)
{
	int i = rt_host_find(t, a);

	if (i < 0) {
		uint32_t k;

		for (k = 0; k < t->cfg.lim.max_hosts && t->cfg.host[k].refs; k++)
			;
		/* hosts_room() made sure k < max_hosts; the hash reads 8 bytes
		 * of an IPv4 address (rt_host_find() zeroes them too) */
		memset(&t->cfg.host[k].addr, 0, sizeof(t->cfg.host[k].addr));
		t->cfg.host[k].addr.family = a->family;
		memcpy(t->cfg.host[k].addr.a, a->a, a->family == 6 ? 16 : 4);
		t->cfg.host[k].refs = 0;
		t->cfg.host[k].down = false;
		index_insert(&t->cfg.host_ix, rt_hash_addr(&t->cfg.host[k].addr), k);
		t->cfg.nhost++;
		i = (int)k;
	}
	t->cfg.host[i].refs++;
	return (uint16_t)i;
}

static void host_unref(struct rt_tables *t, uint16_t i)
{
	struct rt_host *h = &t->cfg.host[i];

	if (!h->refs || --h->refs)
		return;
	index_remove(&t->cfg.host_ix, rt_hash_addr(&h->addr), i);
	memset(h, 0, sizeof(*h));
	t->cfg.nhost--;
}

/* ---- trust: (VPC, host) pairs (tables.h, struct rt_vpc_host) ---- */

enum vh_role { VH_EP, VH_RELAY, VH_PEER };

static bool vh_used(const struct rt_vpc_host *e)
{
	return e->eps || e->relays || e->peers;
}

static void vh_count(struct rt_vpc_host *e, enum vh_role role, int d)
{
	switch (role) {
	case VH_EP: e->eps = (uint32_t)((int64_t)e->eps + d); break;
	case VH_RELAY: e->relays = (uint32_t)((int64_t)e->relays + d); break;
	case VH_PEER: e->peers = (uint16_t)(e->peers + d); break;
	}
}

/* hosts_room() made sure the pair fits: the table has free slots beyond
 * max_vpc_hosts (vh_init() in tables.c). */
static void vh_ref(struct rt_tables *t, uint32_t vpc, uint16_t host, enum vh_role role)
{
	uint32_t i = rt_hash_vpc_host(&t->cfg, vpc, host) & t->cfg.vh_mask;
	struct rt_vpc_host *e;

	for (;; i = (i + 1) & t->cfg.vh_mask) {
		e = &t->cfg.vh[i];
		if (!vh_used(e)) {
			e->vpc = vpc;
			e->host = host;
			t->cfg.nvh++;
			break;
		}
		if (e->vpc == vpc && e->host == host)
			break;
	}
	vh_count(e, role, 1);
}

static void vh_unref(struct rt_tables *t, uint32_t vpc, uint16_t host, enum vh_role role)
{
	uint32_t i = rt_hash_vpc_host(&t->cfg, vpc, host) & t->cfg.vh_mask, j, k;
	struct rt_vpc_host *e;

	for (;; i = (i + 1) & t->cfg.vh_mask) {
		e = &t->cfg.vh[i];
		if (!vh_used(e))
			return;
		if (e->vpc == vpc && e->host == host)
			break;
	}
	vh_count(e, role, -1);
	if (vh_used(e))
		return;
	memset(e, 0, sizeof(*e));
	t->cfg.nvh--;
	/* backward shift, as index_remove() */
	for (j = i;;) {
		j = (j + 1) & t->cfg.vh_mask;
		if (!vh_used(&t->cfg.vh[j]))
			break;
		k = rt_hash_vpc_host(&t->cfg, t->cfg.vh[j].vpc, t->cfg.vh[j].host) & t->cfg.vh_mask;
		if (i <= j ? (i < k && k <= j) : (i < k || k <= j))
			continue;
		t->cfg.vh[i] = t->cfg.vh[j];
		memset(&t->cfg.vh[j], 0, sizeof(t->cfg.vh[j]));
		i = j;
	}
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
		     const struct rt_vpc *self, struct need *need, char *err, size_t errsz)
{
	uint32_t vi = self ? rt_vpc_index(t, self) : RT_NONE;
	char a[RT_PREFIX_STR], b[RT_PREFIX_STR];
	int r;

	if (s->vni < RT_VNI_MIN || s->vni > RT_VNI_MAX)
		FAIL(EINVAL, "VNI %u out of range %u..%u", s->vni, RT_VNI_MIN, RT_VNI_MAX);
	if (!name_ok(s->name) || strlen(s->name) >= RT_NAME_MAX)
		FAIL(EINVAL, "name '%s': use 1..31 letters, digits, '-', '_' or '.'", s->name);
	if (s->name[0] && (s->name[0] >= '0' && s->name[0] <= '9'))
		FAIL(EINVAL, "name '%s' must not start with a digit (it would read as a VNI)",
		     s->name);
	if (s->name[0])
		for (uint32_t i = 0; i < t->cfg.lim.max_vpcs; i++)
			if (t->cfg.vpc[i].used && &t->cfg.vpc[i] != self &&
			    !strcmp(t->cfg.vpc[i].name, s->name))
				FAIL(EEXIST, "name '%s' is already VPC %u", s->name, t->cfg.vpc[i].vni);
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
	r = hosts_check(t, s->divider, s->ndivider, NULL, 0, vi, "divider", need, err, errsz);
	if (r)
		return r;
	if (s->npeer > RT_MAX_PEERS)
		FAIL(EINVAL, "at most %d peers per VPC", RT_MAX_PEERS);
	/* a divider may be listed as a peer too: harmless, it is trusted anyway */
	r = hosts_check(t, s->peer, s->npeer, s->divider, s->ndivider, vi, "peer", need, err, errsz);
	if (r)
		return r;
	return hosts_room(t, need, err, errsz);
}

#define RT_HOSTLIST_MAX 8	/* dividers, peers, bouncers and endpoint hosts alike */
_Static_assert(RT_MAX_DIVIDERS <= RT_HOSTLIST_MAX && RT_MAX_BOUNCERS <= RT_HOSTLIST_MAX &&
	       RT_EP_MAX_HOSTS <= RT_HOSTLIST_MAX && RT_MAX_PEERS <= RT_HOSTLIST_MAX,
	       "host lists fit hosts_replace()");

/*
 * Point a host list (slots[0..*n)) of an object of VPC vpc (index) at the
 * hosts addrs[0..nnew) (checked), counting each in the trust table under
 * role.  The new hosts are referenced before the old are dropped, so a
 * host in both lists keeps its slots in the host and trust tables.
 */
static void hosts_replace(struct rt_tables *t, uint16_t *slots, uint8_t *n,
			  const struct gnv_addr *addrs, unsigned int nnew,
			  uint32_t vpc, enum vh_role role)
{
	uint16_t old[RT_HOSTLIST_MAX];
	unsigned int nold = *n;

	memcpy(old, slots, nold * sizeof(*slots));
	for (unsigned int i = 0; i < nnew; i++) {
		slots[i] = host_ref(t, &addrs[i]);
		vh_ref(t, vpc, slots[i], role);
	}
	*n = (uint8_t)nnew;
	for (unsigned int i = 0; i < nold; i++) {
		vh_unref(t, vpc, old[i], role);
		host_unref(t, old[i]);
	}
}

/* Drop a host list of an object of VPC vpc that goes away. */
static void hosts_drop(struct rt_tables *t, uint16_t *slots, uint8_t *n, uint32_t vpc,
		       enum vh_role role)
{
	hosts_replace(t, slots, n, NULL, 0, vpc, role);
}

static void vpc_set_hosts(struct rt_tables *t, struct rt_vpc *v, const struct rt_vpc_spec *s)
{
	uint32_t vi = rt_vpc_index(t, v);

	hosts_replace(t, v->divider, &v->ndivider, s->divider, s->ndivider, vi, VH_RELAY);
	hosts_replace(t, v->peer, &v->npeer, s->peer, s->npeer, vi, VH_PEER);
	v->direct = s->direct;
}

int rt_vpc_add(struct rt_tables *t, const struct rt_vpc_spec *s, char *err, size_t errsz)
{
	struct need need = { 0, 0 };
	struct rt_vpc *v;
	struct rt_flow *fl;
	uint32_t i;
	int r;

	if (s->vni <= RT_VNI_MAX && rt_vpc_find(t, s->vni))
		FAIL(EEXIST, "VPC %u exists", s->vni);
	r = vpc_check(t, s, NULL, &need, err, errsz);
	if (r)
		return r;
	if (t->cfg.nvpc >= t->cfg.lim.max_vpcs)
		FAIL(ENOSPC, "VPC table full (%u VPCs)", t->cfg.lim.max_vpcs);
	fl = calloc(t->cfg.lim.flows_per_vpc, sizeof(*fl));
	if (!fl)
		FAIL(ENOMEM, "out of memory for the flow table of VPC %u", s->vni);
	for (i = 0; t->cfg.vpc[i].used; i++)
		;
	v = &t->cfg.vpc[i];
	memset(v, 0, sizeof(*v));
	v->used = true;
	v->vni = s->vni;
	snprintf(v->name, sizeof(v->name), "%s", s->name);
	v->ncidr = s->ncidr;
	memcpy(v->cidr, s->cidr, sizeof(v->cidr[0]) * s->ncidr);
	vpc_set_hosts(t, v, s);
	v->flows.e = fl;
	v->flows.nsets = t->cfg.lim.flows_per_vpc / 4;
	index_insert(&t->cfg.vpc_ix, rt_hash_vpc(s->vni), i);
	t->cfg.nvpc++;
	t->cfg.gen++;
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
		s->divider[i] = t->cfg.host[v->divider[i]].addr;
	s->npeer = v->npeer;
	for (unsigned int i = 0; i < v->npeer; i++)
		s->peer[i] = t->cfg.host[v->peer[i]].addr;
	s->direct = v->direct;
}

static const struct rt_prefix *cidr_in(const struct rt_vpc_spec *s, int family, const uint8_t *ip)
{
	return rt_prefix_first_of(s->cidr, s->ncidr, family, ip);
}

int rt_vpc_set(struct rt_tables *t, const struct rt_vpc_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_PREFIX_STR];
	struct need need = { 0, 0 };
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", s->vni);
	r = vpc_check(t, s, v, &need, err, errsz);
	if (r)
		return r;
	/* every net and endpoint must stay inside the (new) CIDRs */
	if (v->nnet)
		for (uint32_t i = 0; i < t->cfg.lim.max_nets; i++) {
			const struct rt_net *n = &t->cfg.net[i];
			const struct rt_prefix *c;

			if (!n->used || n->vni != v->vni)
				continue;
			c = cidr_in(s, n->p.family, n->p.a);
			if (!c || c->len > n->p.len)
				FAIL(EBUSY, "net %s would fall outside the VPC's cidrs",
				     rt_prefix_fmt(a, sizeof(a), &n->p));
		}
	if (v->nep)
		for (uint32_t i = 0; i < t->cfg.lim.max_eps; i++) {
			const struct rt_ep *e = &t->cfg.ep[i];

			if (e->used && e->vni == v->vni && !cidr_in(s, e->family, e->ip))
				FAIL(EBUSY, "endpoint %s would fall outside the VPC's cidrs",
				     rt_addr_fmt(a, sizeof(a), e->family, e->ip));
		}
	snprintf(v->name, sizeof(v->name), "%s", s->name);
	v->ncidr = s->ncidr;
	memcpy(v->cidr, s->cidr, sizeof(v->cidr));
	vpc_set_hosts(t, v, s);
	t->cfg.gen++;
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
	if (v->npol || v->nns)
		FAIL(EBUSY, "VPC %u still has %u policies and %u namespaces; delete them first",
		     vni, v->npol, v->nns);
	i = rt_vpc_index(t, v);
	index_remove(&t->cfg.vpc_ix, rt_hash_vpc(vni), i);
	hosts_drop(t, v->divider, &v->ndivider, i, VH_RELAY);
	hosts_drop(t, v->peer, &v->npeer, i, VH_PEER);
	free(v->flows.e);
	memset(v, 0, sizeof(*v));
	t->cfg.nvpc--;
	t->cfg.gen++;
	return 0;
}

/* ---- nets ---- */

static int net_check(const struct rt_tables *t, const struct rt_net_spec *s,
		     const struct rt_vpc *v, uint8_t gw[16],
		     struct need *need, char *err, size_t errsz)
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
		rt_prefix_first(&s->p, gw);
	}
	if (rt_ep_find(t, s->vni, s->p.family, gw))
		FAIL(EBUSY, "gateway %s is an endpoint's address",
		     rt_addr_fmt(b, sizeof(b), s->p.family, gw));
	if (s->nbouncer > RT_MAX_BOUNCERS)
		FAIL(EINVAL, "at most %d bouncers per net", RT_MAX_BOUNCERS);
	r = hosts_check(t, s->bouncer, s->nbouncer, NULL, 0, rt_vpc_index(t, v), "bouncer", need,
			err, errsz);
	if (r)
		return r;
	return hosts_room(t, need, err, errsz);
}

static void net_set_hosts(struct rt_tables *t, struct rt_net *n, const struct rt_net_spec *s)
{
	hosts_replace(t, n->bouncer, &n->nbouncer, s->bouncer, s->nbouncer, n->vpc, VH_RELAY);
}

int rt_net_add(struct rt_tables *t, const struct rt_net_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_PREFIX_STR];
	struct need need = { 0, 0 };
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
	if (t->cfg.nnet >= t->cfg.lim.max_nets)
		FAIL(ENOSPC, "net table full (%u nets)", t->cfg.lim.max_nets);
	for (i = 0; t->cfg.net[i].used; i++)
		;
	n = &t->cfg.net[i];
	memset(n, 0, sizeof(*n));
	n->used = true;
	n->vni = s->vni;
	n->vpc = rt_vpc_index(t, v);
	n->p = s->p;
	memcpy(n->gw, gw, 16);
	n->gw_explicit = s->gw_set;
	net_set_hosts(t, n, s);
	index_insert(&t->cfg.net_ix, rt_hash_net(s->vni, &s->p), i);
	plen_set(v, s->p.family, s->p.len, true);
	v->nnet++;
	t->cfg.nnet++;
	t->cfg.gen++;
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
		s->bouncer[i] = t->cfg.host[n->bouncer[i]].addr;
}

int rt_net_set(struct rt_tables *t, const struct rt_net_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_PREFIX_STR];
	struct need need = { 0, 0 };
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
	t->cfg.gen++;
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
	i = (uint32_t)(n - t->cfg.net);
	index_remove(&t->cfg.net_ix, rt_hash_net(vni, p), i);
	hosts_drop(t, n->bouncer, &n->nbouncer, n->vpc, VH_RELAY);
	memset(n, 0, sizeof(*n));
	for (uint32_t k = 0; k < t->cfg.lim.max_nets && !same_len; k++)
		same_len = t->cfg.net[k].used && t->cfg.net[k].vni == vni &&
			   t->cfg.net[k].p.family == p->family && t->cfg.net[k].p.len == p->len;
	if (!same_len)
		plen_set(v, p->family, p->len, false);
	v->nnet--;
	t->cfg.nnet--;
	t->cfg.gen++;
	return 0;
}

/* ---- namespaces ---- */

#define NS_LABEL	"kubernetes.io/metadata.name"

static int ns_labels(const char *name, const char *labels, struct rt_lset *out, char *err,
		     size_t errsz)
{
	return rt_lset_parse(labels, NS_LABEL, name, out, err, errsz);
}

/* A new namespace record (checked: room, name). */
static struct rt_ns *ns_make(struct rt_tables *t, struct rt_vpc *v, const char *name,
			     bool explicit_, struct rt_lset *labels)
{
	uint32_t i;
	struct rt_ns *n;

	for (i = 0; i < t->cfg.lim.max_ns && t->cfg.ns[i].used; i++)
		;
	n = &t->cfg.ns[i];
	memset(n, 0, sizeof(*n));
	n->used = true;
	n->explicit_ = explicit_;
	n->vni = v->vni;
	n->vpc = rt_vpc_index(t, v);
	snprintf(n->name, sizeof(n->name), "%s", name);
	n->labels = *labels;
	index_insert(&t->cfg.ns_ix, rt_hash_ns(n->vni, n->name), i);
	t->cfg.nns++;
	if (explicit_)
		v->nns++;
	return n;
}

static void ns_free(struct rt_tables *t, struct rt_ns *n)
{
	uint32_t i = rt_ns_index(t, n);

	if (n->explicit_)
		t->cfg.vpc[n->vpc].nns--;
	index_remove(&t->cfg.ns_ix, rt_hash_ns(n->vni, n->name), i);
	rt_lset_free(&n->labels);
	memset(n, 0, sizeof(*n));
	t->cfg.nns--;
}

static void ns_changed(struct rt_tables *t, const struct rt_vpc *v)
{
	if (v->npol)
		t->cfg.pol_dirty = true;
	t->cfg.gen++;
}

static int ns_name_check(const char *name, char *err, size_t errsz)
{
	if (!rt_dns_label_ok(name))
		FAIL(EINVAL, "namespace '%s': use 1..63 of a-z, 0-9 and '-' (alphanumeric ends)", name);
	return 0;
}

int rt_ns_add(struct rt_tables *t, uint32_t vni, const char *name, const char *labels,
	      char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	struct rt_ns *n;
	struct rt_lset ls;
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	r = ns_name_check(name, err, errsz);
	if (r)
		return r;
	n = rt_ns_find(t, vni, name);
	if (n && n->explicit_)
		FAIL(EEXIST, "namespace %s exists in VPC %u", name, vni);
	if (!n && t->cfg.nns >= t->cfg.lim.max_ns)
		FAIL(ENOSPC, "namespace table full (%u namespaces)", t->cfg.lim.max_ns);
	r = ns_labels(name, labels, &ls, err, errsz);
	if (r)
		return r;
	if (n) {		/* the implicit default gets labels */
		rt_lset_free(&n->labels);
		n->labels = ls;
		n->explicit_ = true;
		v->nns++;
	} else {
		ns_make(t, v, name, true, &ls);
	}
	ns_changed(t, v);
	return 0;
}

int rt_ns_set(struct rt_tables *t, uint32_t vni, const char *name, const char *labels,
	      char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	struct rt_ns *n;
	struct rt_lset ls;
	int r;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	n = rt_ns_find(t, vni, name);
	if (!n || !n->explicit_)
		FAIL(ENOENT, "no namespace %s in VPC %u", name, vni);
	r = ns_labels(name, labels, &ls, err, errsz);
	if (r)
		return r;
	rt_lset_free(&n->labels);
	n->labels = ls;
	ns_changed(t, v);
	return 0;
}

int rt_ns_del(struct rt_tables *t, uint32_t vni, const char *name, char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	struct rt_ns *n;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	n = rt_ns_find(t, vni, name);
	if (!n || !n->explicit_)
		FAIL(ENOENT, "no namespace %s in VPC %u", name, vni);
	if (n->eps || n->pols)
		FAIL(EBUSY, "namespace %s still holds %u endpoints and %u policies", name, n->eps, n->pols);
	/* default too: nothing names it, so it goes (and comes back implicitly) */
	ns_free(t, n);
	ns_changed(t, v);
	return 0;
}

/* Find namespace name of v for a new reference: default is made when
 * missing (needs room).  NULL with the message otherwise. */
static struct rt_ns *ns_lookup(struct rt_tables *t, struct rt_vpc *v, const char *name,
			       char *err, size_t errsz)
{
	struct rt_ns *n = rt_ns_find(t, v->vni, name);
	struct rt_lset ls;

	if (n)
		return n;
	if (strcmp(name, RT_NS_DEFAULT)) {
		gnv_errf(err, errsz, -ENOENT, "no namespace %s in VPC %u (add ns %u %s first)",
			 name, v->vni, v->vni, name);
		return NULL;
	}
	if (t->cfg.nns >= t->cfg.lim.max_ns) {
		gnv_errf(err, errsz, -ENOSPC, "namespace table full (%u namespaces)", t->cfg.lim.max_ns);
		return NULL;
	}
	if (ns_labels(name, "", &ls, err, errsz))
		return NULL;
	return ns_make(t, v, name, false, &ls);
}

static void ns_release(struct rt_tables *t, struct rt_ns *n)
{
	if (!n->explicit_ && !n->eps && !n->pols)
		ns_free(t, n);
}

struct rt_ns *rt_ns_ref(struct rt_tables *t, uint32_t vni, const char *name, char *err, size_t errsz)
{
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	struct rt_ns *n;

	if (!v) {
		gnv_errf(err, errsz, -ENOENT, "no VPC %u", vni);
		return NULL;
	}
	n = ns_lookup(t, v, name, err, errsz);
	if (n)
		n->pols++;
	return n;
}

void rt_ns_unref(struct rt_tables *t, struct rt_ns *n)
{
	if (n->pols)
		n->pols--;
	ns_release(t, n);
}

/* ---- identities ---- */

/* The identity number id (rt_ident_hash, or the one an `identity` word
 * pins) of (namespace name, labels) in VPC v: its index in *idx when it
 * exists, else RT_NONE and room is checked.  EEXIST when another label
 * set of v has the same number.  A label set may have its hash number
 * and a pinned one at once (endpoints written before and after the
 * store allocated it): policies match labels, so both. */
static int ident_check(const struct rt_tables *t, const struct rt_vpc *v, const char *ns,
		       const struct rt_lset *ls, uint32_t id, uint32_t *idx, char *err, size_t errsz)
{
	const struct rt_ident *d = rt_ident_find(t, v->vni, id);

	*idx = RT_NONE;
	if (d) {
		const char *dns = t->cfg.ns[d->ns].name;

		if (strcmp(dns, ns) || strcmp(d->labels->text, ls->text))
			FAIL(EEXIST, "labels '%s' in namespace %s give identity %u, which labels '%s' in namespace %s have; change a label",
			     ls->text, ns, id, d->labels->text, dns);
		*idx = (uint32_t)(d - t->cfg.ident);
		return 0;
	}
	if (t->cfg.nident >= t->cfg.lim.max_idents)
		FAIL(ENOSPC, "identity table full (%u label sets)", t->cfg.lim.max_idents);
	return 0;
}

/* Take a reference on the identity (made when missing: ident_check said it fits). */
static uint32_t ident_get(struct rt_tables *t, const struct rt_vpc *v, uint32_t ns,
			  struct rt_lset *ls, uint32_t id, bool pinned)
{
	uint32_t i;
	struct rt_ident *d = rt_ident_find(t, v->vni, id);

	if (d) {
		d->refs++;
		rt_lset_free(ls);
		free(ls);
		return (uint32_t)(d - t->cfg.ident);
	}
	for (i = 0; i < t->cfg.lim.max_idents && t->cfg.ident[i].used; i++)
		;
	d = &t->cfg.ident[i];
	memset(d, 0, sizeof(*d));
	d->used = true;
	d->vni = v->vni;
	d->vpc = rt_vpc_index(t, v);
	d->ns = ns;
	d->id = id;
	d->pinned = pinned;
	d->refs = 1;
	d->labels = ls;
	index_insert(&t->cfg.ident_ix, rt_hash_ident(d->vni, id), i);
	t->cfg.nident++;
	return i;
}

static void ident_put(struct rt_tables *t, uint32_t i)
{
	struct rt_ident *d = &t->cfg.ident[i];

	if (--d->refs)
		return;
	index_remove(&t->cfg.ident_ix, rt_hash_ident(d->vni, d->id), i);
	rt_lset_free(d->labels);
	free(d->labels);
	memset(d, 0, sizeof(*d));
	t->cfg.nident--;
}

/* ---- endpoints ---- */

_Static_assert(RT_OPT_SPACE == GNV_OPT_SPACE, "endpoint options fit a Geneve header");

/* Option bytes the pipeline may add besides the endpoint's blob:
 * eptype (8), QoS (8) and an IPv6 RTS (28). */
#define RT_OPT_RESERVED	(GENV_EPTYPE_OPT_SIZE + GENV_QOS_OPT_SIZE + GENV_RTS_OPT_SIZE(6))

/* What ep_check found out, for the commit. */
struct ep_new {
	struct rt_lset *labels;		/* parsed, malloc'd; owned until the commit takes it */
	const char *ns;			/* namespace name */
	uint32_t id;			/* identity number: the spec's, or the hash */
};

static void ep_new_free(struct ep_new *nw)
{
	if (nw->labels)
		rt_lset_free(nw->labels);
	free(nw->labels);
	nw->labels = NULL;
}

/* QoS words and the option budget against the underlay MTU (qos.h). */
static int ep_qos_check(const struct rt_tables *t, const struct rt_ep_spec *s, char *err,
			size_t errsz)
{
	const struct rt_port *pt = s->port >= 0 ? rt_port_get(t, s->port) : NULL;
	unsigned int mtu = s->mtu ? s->mtu : pt ? pt->mtu : RT_DEFAULT_PORT_MTU;
	unsigned int opts = GENV_IDENT_OPT_SIZE + s->opt_size + RT_OPT_RESERVED;
	/* outer IPv6 (40), UDP (8), Geneve (8), options, inner Ethernet (14) */
	unsigned int over = 40 + 8 + GNV_HDR_SIZE + opts + 14;
	unsigned int min = s->family == 6 ? 1280 : RT_MTU_MIN;

	if (t->cfg.self.mtu < over + min)
		FAIL(EINVAL, "opt: %u option bytes leave %d of the underlay MTU %u for the inner packet (at least %u)",
		     opts, (int)t->cfg.self.mtu - (int)over, t->cfg.self.mtu, min);
	return rt_qos_ep_check(t, &s->qos, mtu, err, errsz);
}

/* Gateway endpoints (nat.h): IPv4, on hosts, one per VPC, a port range
 * clear of the Geneve port. */
static int gw_check(const struct rt_tables *t, const struct rt_ep_spec *s, const struct rt_vpc *v,
		    const struct rt_ep *self, char *err, size_t errsz)
{
	const struct rt_ep *g = rt_vpc_gateway(t, v);
	char a[RT_ADDR_STR];

	if (s->type != EP_GATEWAY) {
		if (s->nat_lo)
			FAIL(EINVAL, "only a gateway endpoint has nat-ports");
		return 0;
	}
	if (s->family != 4)
		FAIL(EINVAL, "a gateway endpoint is IPv4: its NAT translates IPv4");
	if (s->port >= 0 || s->nbackend)
		FAIL(EINVAL, "a gateway endpoint lives on its gateway hosts, not on a port");
	if (g && g != self)
		FAIL(EEXIST, "VPC %u already has gateway endpoint %s", v->vni,
		     rt_addr_fmt(a, sizeof(a), 4, g->ip));
	if (s->nat_lo > s->nat_hi || (s->nat_lo && s->nat_lo < 1024))
		FAIL(EINVAL, "nat-ports %u-%u: a range within 1024-65535", s->nat_lo, s->nat_hi);
	if (s->nat_lo && s->nat_lo <= GNV_PORT && s->nat_hi >= GNV_PORT)
		FAIL(EINVAL, "nat-ports %u-%u holds the Geneve port %u", s->nat_lo, s->nat_hi, GNV_PORT);
	return 0;
}

/* A proxied endpoint's proxy (ep_proxied.h): an address of the VPC, not
 * the endpoint's own; the endpoint keeps its own location (port or host). */
static int proxied_check(const struct rt_vpc *v, const struct rt_ep_spec *s, char *err, size_t errsz)
{
	char a[RT_ADDR_STR];

	if (!s->has_proxy)
		return 0;
	rt_addr_fmt(a, sizeof(a), s->family, s->proxy);
	if (s->type != EP_PROXIED)
		FAIL(EINVAL, "proxy %s: only a proxied endpoint has a proxy (type proxied, or proxy none)", a);
	if (s->nbackend)
		FAIL(EINVAL, "a proxied endpoint has a proxy, not backends");
	if (!memcmp(s->proxy, s->ip, 16))
		FAIL(EINVAL, "proxy %s is the endpoint itself", a);
	if (!rt_vpc_cidr_of(v, s->family, s->proxy))
		FAIL(EDOM, "proxy %s is outside the cidrs of VPC %u", a, s->vni);
	return 0;
}

static int ep_check(const struct rt_tables *t, const struct rt_ep_spec *s, const struct rt_vpc *v,
		    const struct rt_ep *self, struct need *need, struct ep_new *nw,
		    char *err, size_t errsz)
{
	char a[RT_ADDR_STR];
	uint8_t gw[16];
	const struct rt_port *pt;
	uint32_t ix;
	int r;

	memset(nw, 0, sizeof(*nw));
	if (s->family != 4 && s->family != 6)
		FAIL(EINVAL, "endpoint needs an IP address");
	if (!rt_vpc_cidr_of(v, s->family, s->ip))
		FAIL(EDOM, "%s is outside the cidrs of VPC %u",
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
	r = gw_check(t, s, v, self, err, errsz);
	if (r)
		return r;
	r = proxied_check(v, s, err, errsz);
	if (r)
		return r;
	if (s->health.on && (s->type != EP_SCALED || !s->nbackend))
		FAIL(EINVAL, "only a scaled endpoint with backends has health checks (health off)");
	if ((s->health.timeout_ms ? s->health.timeout_ms : RT_HL_TIMEOUT_MS) <=
	    (s->health.interval_ms ? s->health.interval_ms : RT_HL_INTERVAL_MS))
		FAIL(EINVAL, "health-timeout %u ms must be longer than health-interval %u ms",
		     s->health.timeout_ms ? s->health.timeout_ms : RT_HL_TIMEOUT_MS,
		     s->health.interval_ms ? s->health.interval_ms : RT_HL_INTERVAL_MS);
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
	} else if (s->nbackend) {
		if (s->type != EP_SCALED)
			FAIL(EINVAL, "only a scaled endpoint has backends");
		if (s->nhost)
			FAIL(EINVAL, "a scaled endpoint with backends has no host: its backends have");
		for (unsigned int i = 0; i < s->nbackend && i < RT_MAGLEV_MAX_BACKENDS; i++)
			if (!rt_vpc_cidr_of(v, s->family, s->backend[i].addr))
				FAIL(EDOM, "backend %s is outside the cidrs of VPC %u",
				     rt_addr_fmt(a, sizeof(a), s->family, s->backend[i].addr), s->vni);
		r = rt_scaled_check(s->family, s->ip, s->backend, s->nbackend, err, errsz);
		if (r)
			return r;
	} else {
		if (!s->nhost)
			FAIL(EINVAL, "endpoint needs a port or at least one host");
		if (s->nhost > RT_EP_MAX_HOSTS)
			FAIL(EINVAL, "at most %d hosts per endpoint", RT_EP_MAX_HOSTS);
		if (s->nhost > 1 && s->type != EP_SCALED && s->type != EP_GATEWAY)
			FAIL(EINVAL, "only a scaled or gateway endpoint has several hosts");
		/* a gateway endpoint names its gateway hosts, this one among them */
		for (unsigned int i = 0; i < s->nhost && s->type != EP_GATEWAY; i++)
			if (t->cfg.self.addr_set && gnv_addr_eq(&s->host[i], &t->cfg.self.addr))
				FAIL(EINVAL, "host %s is this router; a local endpoint needs a port",
				     rt_addr_fmt(a, sizeof(a), s->host[i].family, s->host[i].a));
	}
	if (s->opt_size > RT_OPT_SPACE || (s->opt_size & 3) ||
	    !gnv_opt_blob_ok(s->opts, s->opt_size))
		FAIL(EINVAL, "malformed option list");
	if (GENV_IDENT_OPT_SIZE + s->opt_size + RT_OPT_RESERVED > RT_OPT_SPACE)
		FAIL(EINVAL, "options take %u bytes; at most %u fit", s->opt_size,
		     (unsigned int)(RT_OPT_SPACE - RT_OPT_RESERVED - GENV_IDENT_OPT_SIZE));
	if (s->mtu && (s->mtu < (s->family == 6 ? 1280 : RT_MTU_MIN)))
		FAIL(EINVAL, "mtu %u below the minimum %u", s->mtu, s->family == 6 ? 1280 : RT_MTU_MIN);
	r = ep_qos_check(t, s, err, errsz);
	if (r)
		return r;
	r = hosts_check(t, s->host, s->nhost, NULL, 0, rt_vpc_index(t, v), "host", need, err, errsz);
	if (r)
		return r;
	r = hosts_room(t, need, err, errsz);
	if (r)
		return r;
	/* namespace and identity last: they hold memory on success */
	nw->ns = s->ns[0] ? s->ns : RT_NS_DEFAULT;
	if (!rt_ns_find(t, v->vni, nw->ns) && strcmp(nw->ns, RT_NS_DEFAULT))
		FAIL(ENOENT, "no namespace %s in VPC %u (add ns %u %s first)", nw->ns, v->vni, v->vni, nw->ns);
	if (!rt_ns_find(t, v->vni, nw->ns) && t->cfg.nns >= t->cfg.lim.max_ns)
		FAIL(ENOSPC, "namespace table full (%u namespaces)", t->cfg.lim.max_ns);
	nw->labels = malloc(sizeof(*nw->labels));
	if (!nw->labels)
		FAIL(ENOMEM, "out of memory");
	r = rt_lset_parse(s->labels, NULL, NULL, nw->labels, err, errsz);
	nw->id = s->identity ? s->identity : r ? 0 : rt_ident_hash(nw->ns, nw->labels->text);
	if (!r)
		r = ident_check(t, v, nw->ns, nw->labels, nw->id, &ix, err, errsz);
	if (r)
		ep_new_free(nw);
	return r;
}

static int ep_blob(const struct rt_tables *t, const struct rt_ep_spec *s, const struct ep_new *nw,
		   uint8_t **blob, uint16_t *size, char *err, size_t errsz)
{
	struct gnv_optbuf ob;
	uint8_t *b;

	*blob = NULL;
	*size = 0;
	b = malloc(RT_OPT_SPACE);
	if (!b)
		FAIL(ENOMEM, "out of memory");
	/* ep_check() made sure both fit: the codec cannot fail here */
	gnv_optbuf_init(&ob, b, RT_OPT_SPACE);
	/* non-critical here; the pipeline sets the critical bit on the copy
	 * it sends into a VPC with policies (pipeline.c write_opts) */
	if (gnv_opt_ident_put(&ob, t->cfg.lim.genv_class, nw->id, false) ||
	    gnv_opt_append_raw(&ob, s->opts, s->opt_size)) {
		free(b);
		FAIL(EINVAL, "options do not fit");
	}
	*blob = realloc(b, ob.size);
	if (!*blob)
		*blob = b;
	*size = (uint16_t)ob.size;
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

/* Drop the endpoint's namespace and identity references. */
static void ep_unref(struct rt_tables *t, struct rt_ep *e)
{
	if (e->ident != RT_NONE)
		ident_put(t, e->ident);
	if (e->ns != RT_NONE) {
		t->cfg.ns[e->ns].eps--;
		ns_release(t, &t->cfg.ns[e->ns]);
	}
	e->ident = e->ns = RT_NONE;
}

/* Commit s into e (checked).  blob is the new option blob; nw's labels
 * are taken. */
static void ep_fill(struct rt_tables *t, struct rt_ep *e, const struct rt_ep_spec *s,
		    uint8_t *blob, uint16_t blob_size, struct ep_new *nw)
{
	uint8_t *oldblob = e->opts;
	uint32_t idx = rt_ep_index(t, e), oldns = e->ns, oldid = e->ident;
	struct rt_vpc *v = &t->cfg.vpc[e->vpc];
	char err[8];
	struct rt_ns *n;

	hosts_replace(t, e->host, &e->nhost, s->host, s->nhost, e->vpc, VH_EP);
	if (e->port != s->port) {
		if (e->port >= 0)
			port_ep_remove(t, e->port, idx);
		if (s->port >= 0) {
			struct rt_port *pt = &t->cfg.port[s->port];

			pt->ep[pt->nep++] = idx;
		}
	}
	e->port = s->port;
	e->type = s->type;
	e->nat_lo = s->type == EP_GATEWAY ? (s->nat_lo ? s->nat_lo : RT_NAT_PORT_LO) : 0;
	e->nat_hi = s->type == EP_GATEWAY ? (s->nat_lo ? s->nat_hi : RT_NAT_PORT_HI) : 0;
	if (e->type == EP_GATEWAY)
		v->gw_ep1 = idx + 1;
	else if (v->gw_ep1 == idx + 1)
		v->gw_ep1 = 0;
	e->mtu = s->mtu;
	memcpy(e->mac, s->mac, 6);
	e->opts = blob;
	e->opt_size = blob_size;
	free(oldblob);
	rt_qos_ep_fill(t, e, &s->qos);
	/* new references before the old ones go: the same ones stay alive */
	n = ns_lookup(t, v, nw->ns, err, sizeof(err));	/* checked: cannot fail */
	n->eps++;
	e->ns = rt_ns_index(t, n);
	e->ident = ident_get(t, v, e->ns, nw->labels, nw->id, s->identity != 0);
	nw->labels = NULL;
	if (oldid != RT_NONE)
		ident_put(t, oldid);
	if (oldns != RT_NONE) {
		t->cfg.ns[oldns].eps--;
		ns_release(t, &t->cfg.ns[oldns]);
	}
	if (v->npol)
		t->cfg.pol_dirty = true;
}

/* A scaled endpoint's new table (scaled.h), and the connection tracking
 * that pins its flows (made with the first one). */
static int scaled_prepare(struct rt_tables *t, const struct rt_ep *e, const struct rt_ep_spec *s,
			  struct rt_scaled_new *nw, char *err, size_t errsz)
{
	struct rt_maglev_backend one;
	uint32_t n;
	const struct rt_maglev_backend *b = rt_proxied_backends(s, &one, &n);

	memset(nw, 0, sizeof(*nw));
	if ((n || s->type == EP_GATEWAY) && !t->run.ct) {
		t->run.ct = rt_ct_new(t->cfg.lim.ct_entries);
		if (!t->run.ct)
			FAIL(ENOMEM, "out of memory for connection tracking (%u entries)", t->cfg.lim.ct_entries);
	}
	return rt_scaled_prepare(e && e->sc, b, n, nw, err, errsz);
}

/* Commit the backends (a proxied endpoint's proxy is its one backend). */
static void scaled_install(struct rt_tables *t, struct rt_ep *e, const struct rt_ep_spec *s,
			   struct rt_scaled_new *nw)
{
	struct rt_maglev_backend one;
	uint32_t n;
	const struct rt_maglev_backend *b = rt_proxied_backends(s, &one, &n);

	t->cfg.nscaled += (uint32_t)rt_scaled_install(&e->sc, &t->cfg.maglev_retired, b, n, nw);
	if (e->sc) {
		e->sc->hc = s->health;	/* health.h: the next tick probes with it */
		/* at once, before the reply: a backend still down is not in
		 * the new table, health off puts every backend back */
		rt_scaled_settle(e->sc, &t->cfg.maglev_retired);
	}
}

int rt_ep_add(struct rt_tables *t, const struct rt_ep_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_ADDR_STR];
	struct need need = { 0, 0 };
	struct ep_new nw;
	struct rt_scaled_new snw;
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
	if (!t->cfg.nfree_ep)
		FAIL(ENOSPC, "endpoint table full (%u endpoints)", t->cfg.lim.max_eps);
	r = ep_check(t, s, v, NULL, &need, &nw, err, errsz);
	if (r)
		return r;
	r = ep_blob(t, s, &nw, &blob, &bsize, err, errsz);
	if (!r)
		r = scaled_prepare(t, NULL, s, &snw, err, errsz);
	if (r) {
		free(blob);
		ep_new_free(&nw);
		return r;
	}
	idx = t->cfg.free_ep[--t->cfg.nfree_ep];
	e = &t->cfg.ep[idx];
	memset(e, 0, sizeof(*e));
	e->used = true;
	e->vni = s->vni;
	e->vpc = rt_vpc_index(t, v);
	e->family = s->family;
	memset(e->ip, 0, 16);
	memcpy(e->ip, s->ip, s->family == 6 ? 16 : 4);
	e->port = -1;
	e->ns = e->ident = RT_NONE;
	ep_fill(t, e, s, blob, bsize, &nw);
	scaled_install(t, e, s, &snw);
	index_insert(&t->cfg.ep_ix, rt_hash_ep(e->vni, e->family, e->ip), idx);
	v->nep++;
	t->cfg.nep++;
	t->cfg.gen++;
	return 0;
}

void rt_ep_to_spec(const struct rt_tables *t, const struct rt_ep *e, struct rt_ep_spec *s)
{
	struct gnv_opt_iter it;
	struct gnv_tlv o;
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
		s->host[i] = t->cfg.host[e->host[i]].addr;
	s->mtu = e->mtu;
	if (e->ns != RT_NONE && strcmp(t->cfg.ns[e->ns].name, RT_NS_DEFAULT))
		snprintf(s->ns, sizeof(s->ns), "%s", t->cfg.ns[e->ns].name);
	if (e->ident != RT_NONE) {
		snprintf(s->labels, sizeof(s->labels), "%s", t->cfg.ident[e->ident].labels->text);
		s->identity = t->cfg.ident[e->ident].pinned ? t->cfg.ident[e->ident].id : 0;
	}
	/* the blob starts with the identity option (ep_blob()) */
	gnv_opt_iter_init(&it, e->opts, e->opt_size, e->opt_size);
	if (gnv_opt_next(&it, &o))
		off = it.off;
	s->opt_size = (uint16_t)(e->opt_size - off);
	if (s->opt_size)
		memcpy(s->opts, e->opts + off, s->opt_size);
	s->qos = e->qos;
	if (e->type == EP_GATEWAY) {
		s->nat_lo = e->nat_lo;
		s->nat_hi = e->nat_hi;
	}
	if (e->sc && rt_ep_proxy(e)) {
		s->has_proxy = true;
		memcpy(s->proxy, e->sc->b[0].addr, 16);
	} else if (e->sc) {
		s->nbackend = (uint16_t)e->sc->n;
		memcpy(s->backend, e->sc->b, e->sc->n * sizeof(s->backend[0]));
		s->health = e->sc->hc;
	}
}

int rt_ep_set(struct rt_tables *t, const struct rt_ep_spec *s, char *err, size_t errsz)
{
	struct rt_vpc *v = s->vni <= RT_VNI_MAX ? rt_vpc_find(t, s->vni) : NULL;
	char a[RT_ADDR_STR];
	struct need need = { 0, 0 };
	struct ep_new nw;
	struct rt_scaled_new snw;
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
	r = ep_check(t, s, v, e, &need, &nw, err, errsz);
	if (r)
		return r;
	r = ep_blob(t, s, &nw, &blob, &bsize, err, errsz);
	if (!r)
		r = scaled_prepare(t, e, s, &snw, err, errsz);
	if (r) {
		free(blob);
		ep_new_free(&nw);
		return r;
	}
	ep_fill(t, e, s, blob, bsize, &nw);
	scaled_install(t, e, s, &snw);
	t->cfg.gen++;
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
	if (v->gw_ep1 == idx + 1)
		v->gw_ep1 = 0;
	index_remove(&t->cfg.ep_ix, rt_hash_ep(e->vni, e->family, e->ip), idx);
	if (e->port >= 0)
		port_ep_remove(t, e->port, idx);
	hosts_drop(t, e->host, &e->nhost, e->vpc, VH_EP);
	ep_unref(t, e);
	free(e->opts);
	t->cfg.nscaled += (uint32_t)rt_scaled_release(&e->sc, &t->cfg.maglev_retired);
	memset(e, 0, sizeof(*e));
	t->cfg.free_ep[t->cfg.nfree_ep++] = idx;
	v->nep--;
	t->cfg.nep--;
	if (v->npol)
		t->cfg.pol_dirty = true;
	t->cfg.gen++;
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
	for (i = 0; i < t->cfg.lim.max_ports && t->cfg.port[i].used; i++)
		;
	if (i == t->cfg.lim.max_ports)
		FAIL(ENOSPC, "port table full (%u ports)", t->cfg.lim.max_ports);
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
	if (index < 0 || (uint32_t)index >= t->cfg.lim.max_ports || t->cfg.port[index].used)
		FAIL(EINVAL, "port slot %d is not free", index);
	p = &t->cfg.port[index];
	memset(p, 0, sizeof(*p));
	p->used = true;
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->mtu = (uint16_t)mtu;
	t->cfg.nport++;
	t->cfg.gen++;
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
	memset(&t->cfg.port[index], 0, sizeof(t->cfg.port[index]));
	t->cfg.nport--;
	t->cfg.gen++;
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
		t->cfg.gen++;
	}
	return 0;
}

/* ---- this host ---- */

static int self_merge(const struct rt_tables *t, const struct rt_self_spec *s,
		      struct rt_self *out, char *err, size_t errsz)
{
	struct rt_self n = t->cfg.self;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];
	int r;

	if (s->addr_set) {
		if (s->addr.family != 4 && s->addr.family != 6)
			FAIL(EINVAL, "host addr needs an IPv4 or IPv6 address");
		/* a remote endpoint on our own address would loop */
		for (uint32_t i = 0; i < t->cfg.lim.max_hosts; i++)
			if (t->cfg.host[i].refs && gnv_addr_eq(&t->cfg.host[i].addr, &s->addr))
				for (uint32_t k = 0; k < t->cfg.lim.max_eps; k++) {
					const struct rt_ep *e = &t->cfg.ep[k];

					for (unsigned int h = 0; e->used && h < e->nhost; h++)
						if (e->host[h] == i)
							FAIL(EBUSY, "endpoint %s in VPC %u is on host %s",
							     rt_addr_fmt(a, sizeof(a), e->family, e->ip),
							     e->vni, rt_addr_fmt(b, sizeof(b), s->addr.family, s->addr.a));
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
	if (s->offload_set)
		n.offload = s->offload;
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
	t->cfg.self = n;
	t->cfg.gen++;
	return 0;
}

