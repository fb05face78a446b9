/* SPDX-License-Identifier: MIT */
/*
 * Network policy (policy.h): edits, the compiler and the per-packet
 * decision.  The compiled layout is described in policy_obj.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../libcore/cursor.h"
#include "../libcore/msg.h"
#include "conntrack.h"
#include "ep_scaled.h"
#include "policy.h"

#define FAIL(code, ...) return gnv_errf(err, errsz, -(code), __VA_ARGS__)

const char *rt_pol_how_name(unsigned int how)
{
	static const char *const n[] = { "-", "open", "allow", "tracked", "deny" };

	return how < sizeof(n) / sizeof(n[0]) ? n[how] : "?";
}

/* ---- edits ---- */

struct rt_policy *rt_policy_find(const struct rt_tables *t, uint32_t vni, const char *name)
{
	const struct rt_policies *ps = t->cfg.pol;
	int64_t i = rt_policies_slot(ps, vni, name);

	return i < 0 ? NULL : ps->p[i];
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n >= RT_POL_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
		      *s == '.' || *s == '_' || *s == '/' || *s == '-'))
			return false;
	return true;
}

int rt_policy_put(struct rt_tables *t, struct rt_policy *p, const char *ns, bool replace,
		  char *err, size_t errsz)
{
	struct rt_policies *ps = t->cfg.pol;
	struct rt_vpc *v = p->vni <= RT_VNI_MAX ? rt_vpc_find(t, p->vni) : NULL;
	struct rt_policy *old;
	struct rt_ns *n;
	bool fresh = false;

	if (!v)
		FAIL(ENOENT, "no VPC %u", p->vni);
	if (!name_ok(p->name))
		FAIL(EINVAL, "policy name '%s': use 1..127 letters, digits, '.', '_', '/' or '-'", p->name);
	if (!p->types)
		FAIL(EINVAL, "a policy applies to ingress, egress or both");
	old = rt_policy_find(t, p->vni, p->name);
	if (old && !replace)
		FAIL(EEXIST, "policy %s exists in VPC %u", p->name, p->vni);
	if (!old && replace)
		FAIL(ENOENT, "no policy %s in VPC %u", p->name, p->vni);
	if (!old && ps->n >= ps->max)
		FAIL(ENOSPC, "policy table full (%u policies)", ps->max);
	n = rt_ns_ref(t, p->vni, ns, err, errsz);
	if (!n)
		return -ENOENT;
	if (old) {
		rt_ns_unref(t, &t->cfg.ns[old->ns]);
		rt_policy_obj_free(old);
	} else {
		old = malloc(sizeof(*old));
		if (!old) {
			rt_ns_unref(t, n);
			FAIL(ENOMEM, "out of memory");
		}
		fresh = true;
		v->npol++;
	}
	p->used = true;
	p->vpc = rt_vpc_index(t, v);
	p->ns = rt_ns_index(t, n);
	p->denied = p->denied_bytes = 0;
	*old = *p;
	if (fresh)
		rt_policies_insert(ps, old);	/* indexed by the name it now holds */
	t->cfg.pol_dirty = true;
	t->cfg.gen++;
	return 0;
}

int rt_policy_del(struct rt_tables *t, uint32_t vni, const char *name, char *err, size_t errsz)
{
	struct rt_policies *ps = t->cfg.pol;
	struct rt_vpc *v = vni <= RT_VNI_MAX ? rt_vpc_find(t, vni) : NULL;
	struct rt_policy *p;
	int64_t i;

	if (!v)
		FAIL(ENOENT, "no VPC %u", vni);
	i = rt_policies_slot(ps, vni, name);
	if (i < 0)
		FAIL(ENOENT, "no policy %s in VPC %u", name, vni);
	p = ps->p[i];
	rt_ns_unref(t, &t->cfg.ns[p->ns]);
	rt_policies_remove(ps, (uint32_t)i);
	rt_policy_obj_free(p);
	free(p);
	v->npol--;
	t->cfg.pol_dirty = true;
	t->cfg.gen++;
	return 0;
}

/* ---- compiler ---- */

/* One allow before grouping: target (identity * 2 + direction), peer. */
#define PEER_ANY	UINT32_MAX		/* every peer (rule without from/to) */

struct item {
	uint32_t tgt, peer;
	struct rt_pint iv;
};

struct cidr_item {
	uint32_t tgt;
	const struct rt_pol_peer *peer;
	const struct rt_pol_rule *rule;
	uint32_t rule_id;
};

struct build {
	struct item *it;
	size_t nit, capit;
	struct cidr_item *ci;
	size_t nci, capci;
	uint32_t *targets;		/* scratch: identities a selector picks */
	uint32_t *peers;
	uint32_t hi;			/* identities in use are below hi */
	bool nomem;
};

static void *grow(void *p, size_t *cap, size_t need, size_t size, bool *nomem)
{
	size_t n = *cap ? *cap : 64;
	void *q;

	if (need <= *cap)
		return p;
	while (n < need)
		n *= 2;
	q = realloc(p, n * size);
	if (!q) {
		*nomem = true;
		return p;
	}
	*cap = n;
	return q;
}

static void add_item(struct build *b, uint32_t tgt, uint32_t peer, const struct rt_pint *iv)
{
	b->it = grow(b->it, &b->capit, b->nit + 1, sizeof(*b->it), &b->nomem);
	if (b->nit < b->capit)
		b->it[b->nit++] = (struct item){ tgt, peer, *iv };
}

/* Identities of VPC vpc that peer (not a CIDR) selects, for a policy in
 * namespace ns; into b->peers, returns how many. */
static uint32_t peer_idents(const struct rt_tables *t, uint32_t hi, uint32_t vpc, uint32_t ns,
			    const struct rt_pol_peer *pe, uint32_t *out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < hi; i++) {
		const struct rt_ident *d = &t->cfg.ident[i];

		if (!d->used || d->vpc != vpc)
			continue;
		switch (pe->kind) {
		case RT_PEER_POD:
			if (d->ns != ns || !rt_sel_match(&pe->pod, d->labels))
				continue;
			break;
		case RT_PEER_NS:
			if (!rt_sel_match(&pe->ns, &t->cfg.ns[d->ns].labels))
				continue;
			break;
		default:
			if (!rt_sel_match(&pe->ns, &t->cfg.ns[d->ns].labels) ||
			    !rt_sel_match(&pe->pod, d->labels))
				continue;
			break;
		}
		out[n++] = i;
	}
	return n;
}

static int item_cmp(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->tgt != y->tgt)
		return x->tgt < y->tgt ? -1 : 1;
	if (x->peer != y->peer)
		return x->peer < y->peer ? -1 : 1;
	if (x->iv.proto != y->iv.proto)
		return x->iv.proto - y->iv.proto;
	if (x->iv.lo != y->iv.lo)
		return x->iv.lo - y->iv.lo;
	if (x->iv.hi != y->iv.hi)
		return x->iv.hi - y->iv.hi;
	return x->iv.rule < y->iv.rule ? -1 : x->iv.rule > y->iv.rule;
}

/* The intervals of a rule's ports. */
static unsigned int rule_ivs(const struct rt_pol_rule *ru, uint32_t id, struct rt_pint *iv)
{
	if (!ru->nport) {
		iv[0] = (struct rt_pint){ 0, 0, 65535, id };
		return 1;
	}
	for (unsigned int k = 0; k < ru->nport; k++)
		iv[k] = (struct rt_pint){ ru->port[k].proto, ru->port[k].lo, ru->port[k].hi, id };
	return ru->nport;
}

/* Gather the allows of policy pi. */
static void gather(const struct rt_tables *t, struct build *b, uint32_t pi)
{
	const struct rt_policy *p = t->cfg.pol->p[pi];
	uint32_t nt = 0;
	struct rt_pint iv[RT_POL_PORTS_MAX];

	for (uint32_t i = 0; i < b->hi; i++) {
		const struct rt_ident *d = &t->cfg.ident[i];

		if (d->used && d->vpc == p->vpc && d->ns == p->ns && rt_sel_match(&p->sel, d->labels))
			b->targets[nt++] = i;
	}
	if (!nt)
		return;
	for (unsigned int r = 0; r < p->nrule; r++) {
		const struct rt_pol_rule *ru = &p->rule[r];
		uint32_t id = RT_POL_RULE_ID(pi, r);
		unsigned int niv = rule_ivs(ru, id, iv);

		if (!(p->types & (ru->dir == RT_POL_INGRESS ? RT_POL_T_INGRESS : RT_POL_T_EGRESS)))
			continue;	/* rules of a direction the policy does not apply to */
		for (uint32_t k = 0; k < nt; k++) {
			uint32_t tgt = b->targets[k] * 2 + ru->dir;

			if (!ru->npeer)
				for (unsigned int v = 0; v < niv; v++)
					add_item(b, tgt, PEER_ANY, &iv[v]);
		}
		for (unsigned int e = 0; e < ru->npeer; e++) {
			const struct rt_pol_peer *pe = &ru->peer[e];
			uint32_t np;

			if (pe->kind == RT_PEER_CIDR) {
				for (uint32_t k = 0; k < nt; k++) {
					b->ci = grow(b->ci, &b->capci, b->nci + 1, sizeof(*b->ci), &b->nomem);
					if (b->nci < b->capci)
						b->ci[b->nci++] = (struct cidr_item){ b->targets[k] * 2 + ru->dir,
										     pe, ru, id };
				}
				continue;
			}
			np = peer_idents(t, b->hi, p->vpc, p->ns, pe, b->peers);
			for (uint32_t k = 0; k < nt; k++)
				for (uint32_t q = 0; q < np; q++)
					for (unsigned int v = 0; v < niv; v++)
						add_item(b, b->targets[k] * 2 + ru->dir, b->peers[q], &iv[v]);
		}
	}
}

static uint32_t mix32(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	return (uint32_t)h;
}

static uint32_t pair_hash(uint32_t tgt, uint32_t peer)
{
	return mix32((uint64_t)tgt << 32 | peer);
}

static uint32_t pfx_hash(uint32_t tab, const struct rt_prefix *p)
{
	uint64_t x, y;

	memcpy(&x, p->a, 8);
	memcpy(&y, p->a + 8, 8);
	return mix32(x ^ mix32(y ^ ((uint64_t)tab << 16 | (uint64_t)p->family << 8 | p->len)));
}

static uint32_t slots_for(size_t n)
{
	uint32_t s = 16;

	while (s < 2 * n)
		s <<= 1;
	return s;
}

static bool pfx_holds(const struct rt_prefix *outer, const struct rt_prefix *in)
{
	return outer->family == in->family && outer->len <= in->len &&
	       rt_prefix_contains(outer, in->family, in->a);
}

/* A port set from n intervals (duplicates of protocol and range folded). */
static uint32_t pset_add(struct rt_polc *c, size_t *cap_pint, size_t *cap_pset,
			 const struct rt_pint *iv, size_t n, bool *nomem)
{
	uint32_t off = c->npint;

	c->pint = grow(c->pint, cap_pint, c->npint + n, sizeof(*c->pint), nomem);
	c->pset = grow(c->pset, cap_pset, c->npset + 1, sizeof(*c->pset), nomem);
	if (*nomem)
		return RT_POL_NONE;
	for (size_t i = 0; i < n; i++) {
		if (c->npint > off) {
			const struct rt_pint *l = &c->pint[c->npint - 1];

			if (l->proto == iv[i].proto && l->lo == iv[i].lo && l->hi == iv[i].hi)
				continue;
		}
		c->pint[c->npint++] = iv[i];
	}
	c->pset[c->npset] = (struct rt_pset){ off, c->npint - off };
	return c->npset++;
}

static int pint_cmp(const void *a, const void *b)
{
	const struct rt_pint *x = a, *y = b;

	if (x->proto != y->proto)
		return x->proto - y->proto;
	if (x->lo != y->lo)
		return x->lo - y->lo;
	if (x->hi != y->hi)
		return x->hi - y->hi;
	return x->rule < y->rule ? -1 : x->rule > y->rule;
}

static int cidr_cmp(const void *a, const void *b)
{
	const struct cidr_item *x = a, *y = b;

	return x->tgt < y->tgt ? -1 : x->tgt > y->tgt;
}

/* The prefix tables of the cidr items of one target, ci[0..n). */
static void compile_cidr(struct rt_polc *c, struct rt_pol_dir *d, const struct cidr_item *ci,
			 size_t n, size_t *cap_pint, size_t *cap_pset, size_t *cap_pfx, size_t *npfx,
			 struct rt_pol_pfx **pfxl, bool *nomem)
{
	struct rt_prefix *bnd = NULL;
	struct rt_pint *iv = NULL;
	size_t nb = 0, capb = 0, capiv = 0;
	uint32_t tab = c->ncidr;
	struct rt_pol_cidrtab *ct;

	c->cidr = realloc(c->cidr, (c->ncidr + 1) * sizeof(*c->cidr));
	if (!c->cidr) {
		*nomem = true;
		return;
	}
	ct = &c->cidr[c->ncidr++];
	memset(ct, 0, sizeof(*ct));
	d->cidr = tab;
	for (size_t i = 0; i < n; i++) {
		const struct rt_pol_peer *pe = ci[i].peer;

		bnd = grow(bnd, &capb, nb + 1 + pe->nexc, sizeof(*bnd), nomem);
		if (*nomem)
			goto out;
		bnd[nb++] = pe->cidr;
		for (unsigned int e = 0; e < pe->nexc; e++)
			bnd[nb++] = pe->exc[e];
	}
	for (size_t b = 0; b < nb; b++) {
		size_t niv = 0;
		bool dup = false;

		for (size_t k = 0; k < b && !dup; k++)
			dup = bnd[k].family == bnd[b].family && bnd[k].len == bnd[b].len &&
			      !memcmp(bnd[k].a, bnd[b].a, 16);
		if (dup)
			continue;
		for (size_t i = 0; i < n; i++) {
			const struct rt_pol_peer *pe = ci[i].peer;
			struct rt_pint riv[RT_POL_PORTS_MAX];
			unsigned int nr;
			bool out = !pfx_holds(&pe->cidr, &bnd[b]);

			for (unsigned int e = 0; e < pe->nexc && !out; e++)
				out = pfx_holds(&pe->exc[e], &bnd[b]);
			if (out)
				continue;
			nr = rule_ivs(ci[i].rule, ci[i].rule_id, riv);
			iv = grow(iv, &capiv, niv + nr, sizeof(*iv), nomem);
			if (*nomem)
				goto out;
			memcpy(iv + niv, riv, nr * sizeof(*iv));
			niv += nr;
		}
		if (niv)
			qsort(iv, niv, sizeof(*iv), pint_cmp);
		*pfxl = grow(*pfxl, cap_pfx, *npfx + 1, sizeof(**pfxl), nomem);
		if (*nomem)
			goto out;
		(*pfxl)[(*npfx)++] = (struct rt_pol_pfx){ tab, bnd[b],
							 pset_add(c, cap_pint, cap_pset, iv, niv, nomem) };
		if (bnd[b].family == 4)
			ct->plen4 |= 1ull << bnd[b].len;
		else
			ct->plen6[bnd[b].len / 64] |= 1ull << (bnd[b].len % 64);
	}
out:
	free(bnd);
	free(iv);
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static struct rt_polc *compile(const struct rt_tables *t)
{
	const struct rt_policies *ps = t->cfg.pol;
	struct rt_polc *c = calloc(1, sizeof(*c));
	struct build b = { 0 };
	struct rt_pol_pfx *pfxl = NULL;
	size_t cap_pint = 0, cap_pset = 0, cap_pfx = 0, npfx = 0, npairs = 0;
	uint32_t hi = 0;

	if (!c)
		return NULL;
	for (uint32_t i = 0; i < t->cfg.lim.max_idents; i++)
		if (t->cfg.ident[i].used)
			hi = i + 1;
	c->nident = hi;
	b.hi = hi;
	c->dir = calloc((size_t)hi * 2 + 1, sizeof(*c->dir));
	b.targets = malloc(((size_t)hi + 1) * sizeof(uint32_t));
	b.peers = malloc(((size_t)hi + 1) * sizeof(uint32_t));
	if (!c->dir || !b.targets || !b.peers)
		goto fail;
	for (uint32_t i = 0; i < hi * 2; i++)
		c->dir[i] = (struct rt_pol_dir){ false, RT_POL_NONE, RT_POL_NONE, 0, 0 };

	/* isolation and the list of isolating policies per target */
	for (uint32_t pi = 0; pi < ps->max; pi++) {
		const struct rt_policy *p = ps->p[pi];

		if (!p)
			continue;
		for (uint32_t i = 0; i < hi; i++) {
			const struct rt_ident *d = &t->cfg.ident[i];

			if (!d->used || d->vpc != p->vpc || d->ns != p->ns || !rt_sel_match(&p->sel, d->labels))
				continue;
			for (int dir = 0; dir < 2; dir++)
				if (p->types & (dir ? RT_POL_T_EGRESS : RT_POL_T_INGRESS)) {
					c->dir[i * 2 + dir].isolated = true;
					c->dir[i * 2 + dir].npols++;
				}
		}
		gather(t, &b, pi);
		if (b.nomem)
			goto fail;
	}
	for (uint32_t i = 0; i < hi * 2; i++) {
		c->dir[i].pols = c->npolref;
		c->npolref += c->dir[i].npols;
		c->dir[i].npols = 0;
	}
	c->polref = malloc(((size_t)c->npolref + 1) * sizeof(uint32_t));
	if (!c->polref)
		goto fail;
	for (uint32_t pi = 0; pi < ps->max; pi++) {
		const struct rt_policy *p = ps->p[pi];

		for (uint32_t i = 0; p && i < hi; i++) {
			const struct rt_ident *d = &t->cfg.ident[i];

			if (!d->used || d->vpc != p->vpc || d->ns != p->ns || !rt_sel_match(&p->sel, d->labels))
				continue;
			for (int dir = 0; dir < 2; dir++)
				if (p->types & (dir ? RT_POL_T_EGRESS : RT_POL_T_INGRESS)) {
					struct rt_pol_dir *dd = &c->dir[i * 2 + dir];

					c->polref[dd->pols + dd->npols++] = pi;
				}
		}
	}

	/* group the allows: (target, peer) -> port set */
	if (b.nit)
		qsort(b.it, b.nit, sizeof(*b.it), item_cmp);
	for (size_t i = 0; i < b.nit;) {
		size_t j = i;

		while (j < b.nit && b.it[j].tgt == b.it[i].tgt && b.it[j].peer == b.it[i].peer)
			j++;
		if (b.it[i].peer != PEER_ANY)
			npairs++;
		i = j;
	}
	c->pair_mask = slots_for(npairs) - 1;
	c->pair = malloc(((size_t)c->pair_mask + 1) * sizeof(*c->pair));
	if (!c->pair)
		goto fail;
	for (uint32_t i = 0; i <= c->pair_mask; i++)
		c->pair[i].tgt = RT_POL_NONE;
	for (size_t i = 0; i < b.nit;) {
		size_t j = i, k = 0;
		struct rt_pint *iv;
		uint32_t set;

		while (j < b.nit && b.it[j].tgt == b.it[i].tgt && b.it[j].peer == b.it[i].peer)
			j++;
		iv = malloc((j - i) * sizeof(*iv));
		if (!iv)
			goto fail;
		for (size_t q = i; q < j; q++)
			iv[k++] = b.it[q].iv;
		set = pset_add(c, &cap_pint, &cap_pset, iv, k, &b.nomem);
		free(iv);
		if (b.nomem)
			goto fail;
		if (b.it[i].peer == PEER_ANY) {
			c->dir[b.it[i].tgt].any = set;
		} else {
			uint32_t h = pair_hash(b.it[i].tgt, b.it[i].peer) & c->pair_mask;

			while (c->pair[h].tgt != RT_POL_NONE)
				h = (h + 1) & c->pair_mask;
			c->pair[h] = (struct rt_pol_pair){ b.it[i].tgt, b.it[i].peer, set };
		}
		i = j;
	}
	/* cidrs per target */
	if (b.nci)
		qsort(b.ci, b.nci, sizeof(*b.ci), cidr_cmp);
	for (size_t i = 0; i < b.nci;) {
		size_t j = i;

		while (j < b.nci && b.ci[j].tgt == b.ci[i].tgt)
			j++;
		compile_cidr(c, &c->dir[b.ci[i].tgt], b.ci + i, j - i, &cap_pint, &cap_pset, &cap_pfx,
			     &npfx, &pfxl, &b.nomem);
		if (b.nomem)
			goto fail;
		i = j;
	}
	c->pfx_mask = slots_for(npfx) - 1;
	c->pfx = malloc(((size_t)c->pfx_mask + 1) * sizeof(*c->pfx));
	if (!c->pfx)
		goto fail;
	for (uint32_t i = 0; i <= c->pfx_mask; i++)
		c->pfx[i].tab = RT_POL_NONE;
	for (size_t i = 0; i < npfx; i++) {
		uint32_t h = pfx_hash(pfxl[i].tab, &pfxl[i].p) & c->pfx_mask;

		while (c->pfx[h].tab != RT_POL_NONE)
			h = (h + 1) & c->pfx_mask;
		c->pfx[h] = pfxl[i];
	}
	c->memory = sizeof(*c) + (size_t)hi * 2 * sizeof(*c->dir) + c->npint * sizeof(*c->pint) +
		    c->npset * sizeof(*c->pset) + c->npolref * sizeof(uint32_t) +
		    c->ncidr * sizeof(*c->cidr) + ((size_t)c->pair_mask + 1) * sizeof(*c->pair) +
		    ((size_t)c->pfx_mask + 1) * sizeof(*c->pfx);
	free(b.it);
	free(b.ci);
	free(b.targets);
	free(b.peers);
	free(pfxl);
	return c;
fail:
	free(b.it);
	free(b.ci);
	free(b.targets);
	free(b.peers);
	free(pfxl);
	rt_polc_free(c);
	return NULL;
}

/* ---- lookups ---- */

static uint32_t pset_match(const struct rt_polc *c, uint32_t set, uint8_t proto, int port)
{
	const struct rt_pset *s = &c->pset[set];

	for (uint32_t i = 0; i < s->n; i++) {
		const struct rt_pint *iv = &c->pint[s->off + i];

		if (!iv->proto)
			return iv->rule;
		if (iv->proto != proto)
			continue;
		if (port < 0 ? (iv->lo == 0 && iv->hi == 65535) : (port >= iv->lo && port <= iv->hi))
			return iv->rule;
	}
	return RT_NONE;
}

static uint32_t pair_set(const struct rt_polc *c, uint32_t tgt, uint32_t peer)
{
	uint32_t h = pair_hash(tgt, peer) & c->pair_mask;

	for (;; h = (h + 1) & c->pair_mask) {
		const struct rt_pol_pair *p = &c->pair[h];

		if (p->tgt == RT_POL_NONE)
			return RT_POL_NONE;
		if (p->tgt == tgt && p->peer == peer)
			return p->pset;
	}
}

/* Longest prefix of table tab holding ip: its port set, or RT_POL_NONE. */
static uint32_t cidr_set(const struct rt_polc *c, uint32_t tab, int family, const uint8_t *ip)
{
	const struct rt_pol_cidrtab *ct = &c->cidr[tab];
	int top = family == 6 ? 128 : 32;

	for (int len = top; len >= 0; len--) {
		struct rt_prefix q;
		uint32_t h;

		if (family == 6 ? !(ct->plen6[len / 64] >> (len % 64) & 1) : !(ct->plen4 >> len & 1))
			continue;
		memset(&q, 0, sizeof(q));
		q.family = (uint8_t)family;
		q.len = (uint8_t)len;
		rt_addr_mask(q.a, ip, family, (unsigned int)len);
		for (h = pfx_hash(tab, &q) & c->pfx_mask;; h = (h + 1) & c->pfx_mask) {
			const struct rt_pol_pfx *p = &c->pfx[h];

			if (p->tab == RT_POL_NONE)
				break;
			if (p->tab == tab && p->p.family == q.family && p->p.len == q.len &&
			    !memcmp(p->p.a, q.a, 16))
				return p->pset;
		}
	}
	return RT_POL_NONE;
}

/* The rule of an isolated (target, direction) that allows the peer, or RT_NONE. */
static uint32_t dir_match(const struct rt_polc *c, uint32_t tgt, uint32_t peer, int family,
			  const uint8_t *ip, uint8_t proto, int port)
{
	const struct rt_pol_dir *d = &c->dir[tgt];
	uint32_t r = RT_NONE, set;

	if (d->any != RT_POL_NONE)
		r = pset_match(c, d->any, proto, port);
	if (r == RT_NONE && peer != RT_NONE) {
		set = pair_set(c, tgt, peer);
		if (set != RT_POL_NONE)
			r = pset_match(c, set, proto, port);
	}
	if (r == RT_NONE && d->cidr != RT_POL_NONE) {
		set = cidr_set(c, d->cidr, family, ip);
		if (set != RT_POL_NONE)
			r = pset_match(c, set, proto, port);
	}
	return r;
}

static bool isolated(const struct rt_polc *c, const struct rt_ep *e, int dir)
{
	return e && e->port >= 0 && e->ident < c->nident && c->dir[e->ident * 2 + dir].isolated;
}

/* What a packet or a tracked connection is, for the decision. */
struct flow {
	const struct rt_vpc *v;
	const struct rt_ep *src, *dst;
	uint32_t src_id;
	bool from_underlay;
	int family;
	const uint8_t *sip, *dip;
	uint8_t proto;
	int port;		/* destination port; -1: not known (a later fragment) */
};

const char *rt_policy_rule_name(const struct rt_policies *ps, uint32_t id, char *buf, size_t n)
{
	const struct rt_policy *p = RT_POL_RULE_POL(id) < ps->max ? ps->p[RT_POL_RULE_POL(id)] : NULL;
	unsigned int r = RT_POL_RULE_IDX(id), k = 0;

	if (id == RT_NONE || !p || r >= p->nrule)
		return NULL;	/* none, or deleted since */
	/* rules are numbered per direction from 1, as written */
	for (unsigned int i = 0; i < r; i++)
		k += p->rule[i].dir == p->rule[r].dir;
	snprintf(buf, n, "%s %s rule %u", p->name, p->rule[r].dir ? "egress" : "ingress", k + 1);
	return buf;
}

/*
 * Why a flow was denied, short enough for a trace line:
 * "ingress 10.0.1.6 -> 10.0.1.5 tcp/22: no rule of prod/web allows it
 * (nor of 2 more policies selecting 10.0.1.5)".
 */
static void denied_s(const struct rt_tables *t, const struct flow *f, const char *dir, const char *note,
		     uint32_t npols, struct rt_pol_res *res)
{
	static const struct { uint8_t p; const char *n; } names[] = { { 6, "tcp" }, { 17, "udp" }, { 132, "sctp" },
								    { 1, "icmp" }, { 58, "icmp6" } };
	char a[RT_ADDR_STR], b[RT_ADDR_STR], proto[24], more[80] = "";
	const char *pn = NULL;

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].p == f->proto)
			pn = names[i].n;
	if (f->proto == 6 || f->proto == 17 || f->proto == 132)
		snprintf(proto, sizeof(proto), f->port < 0 ? "%s (fragment)" : "%s/%d", pn, f->port);
	else if (pn)
		snprintf(proto, sizeof(proto), "%s", pn);
	else
		snprintf(proto, sizeof(proto), "proto %u", f->proto);
	if (npols > 1)
		snprintf(more, sizeof(more), " (nor of %u more polic%s)", npols - 1, npols > 2 ? "ies" : "y");
	snprintf(res->why, sizeof(res->why), "%s %s%s -> %s %s: no rule of %s allows it%s", dir,
		 rt_addr_fmt(a, sizeof(a), f->family, f->sip), note, rt_addr_fmt(b, sizeof(b), f->family, f->dip),
		 proto, t->cfg.pol->p[res->pol]->name, more);
}

/* Egress then ingress: RT_DROP_NONE with the rules, or the reason. */
static enum rt_drop decide(const struct rt_tables *t, const struct flow *f, uint32_t *rule_eg,
			   uint32_t *rule_in, struct rt_pol_res *res, bool explain)
{
	const struct rt_polc *c = t->cfg.pol->c;
	char a[RT_ADDR_STR], b[80];
	uint32_t peer;

	*rule_eg = *rule_in = RT_NONE;
	if (isolated(c, f->src, RT_POL_EGRESS)) {
		peer = f->dst && f->dst->ident < c->nident ? f->dst->ident : RT_NONE;
		*rule_eg = dir_match(c, f->src->ident * 2 + RT_POL_EGRESS, peer, f->family, f->dip,
				     f->proto, f->port);
		if (*rule_eg == RT_NONE) {
			res->pol = c->polref[c->dir[f->src->ident * 2 + RT_POL_EGRESS].pols];
			if (explain)
				denied_s(t, f, "egress", "", c->dir[f->src->ident * 2 + RT_POL_EGRESS].npols,
					 res);
			return RT_DROP_POLICY_EGRESS;
		}
	}
	if (isolated(c, f->dst, RT_POL_INGRESS)) {
		uint32_t tgt = f->dst->ident * 2 + RT_POL_INGRESS;
		enum rt_drop why = RT_DROP_POLICY_INGRESS;

		peer = RT_NONE;
		if (f->src) {
			peer = f->src->ident < c->nident ? f->src->ident : RT_NONE;
			if (f->from_underlay && f->src_id && f->src_id != t->cfg.ident[f->src->ident].id) {
				res->pol = c->polref[c->dir[tgt].pols];
				if (explain)
					snprintf(res->why, sizeof(res->why),
						 "identity %u carried for %s, whose identity is %u", f->src_id,
						 rt_addr_fmt(a, sizeof(a), f->family, f->sip),
						 t->cfg.ident[f->src->ident].id);
				return RT_DROP_POLICY_UNTRUSTED;
			}
		} else if (f->src_id) {
			const struct rt_ident *d = rt_ident_find(t, f->v->vni, f->src_id);

			if (d)
				peer = (uint32_t)(d - t->cfg.ident);
			else
				why = RT_DROP_POLICY_UNTRUSTED;
		} else if (f->from_underlay) {
			why = RT_DROP_POLICY_MISSING;
		}
		*rule_in = dir_match(c, tgt, peer, f->family, f->sip, f->proto, f->port);
		if (*rule_in == RT_NONE) {
			res->pol = c->polref[c->dir[tgt].pols];
			if (explain)
				denied_s(t, f, "ingress", why == RT_DROP_POLICY_UNTRUSTED ? " (unknown identity)" :
					 why == RT_DROP_POLICY_MISSING ? " (no identity)" : "", c->dir[tgt].npols, res);
			return why;
		}
	}
	res->rule = *rule_in != RT_NONE ? *rule_in : *rule_eg;
	res->how = res->rule == RT_NONE ? RT_POL_HOW_OPEN : RT_POL_HOW_RULE;
	if (explain) {
		char r1[RT_POL_NAME_MAX + 32], r2[RT_POL_NAME_MAX + 32];

		if (res->rule == RT_NONE)
			snprintf(res->why, sizeof(res->why), "no policy selects %s (egress) or %s (ingress) here: allowed",
				 rt_addr_fmt(a, sizeof(a), f->family, f->sip),
				 rt_addr_fmt(b, sizeof(b), f->family, f->dip));
		else
			snprintf(res->why, sizeof(res->why), "allowed by %s%s%s",
				 *rule_eg != RT_NONE ? rt_policy_rule_name(t->cfg.pol, *rule_eg, r1, sizeof(r1)) : "",
				 *rule_eg != RT_NONE && *rule_in != RT_NONE ? " and " : "",
				 *rule_in != RT_NONE ? rt_policy_rule_name(t->cfg.pol, *rule_in, r2, sizeof(r2)) : "");
	}
	return RT_DROP_NONE;
}

static void count_rule(struct rt_policies *ps, uint32_t id, size_t size)
{
	struct rt_pol_rule *r;

	if (id == RT_NONE)
		return;
	r = &ps->p[RT_POL_RULE_POL(id)]->rule[RT_POL_RULE_IDX(id)];
	r->pkts++;
	r->bytes += size;
}

static bool icmp_error(const struct gnv_layers *l)
{
	if (l->ip.proto == 1)
		return l->l4.type == 3 || l->l4.type == 4 || l->l4.type == 5 || l->l4.type == 11 ||
		       l->l4.type == 12;
	return l->ip.proto == 58 && l->l4.type >= 1 && l->l4.type <= 4;
}

/* The connection an ICMP error quotes (checked reads of the quote). */
static bool icmp_quote(const struct rt_pol_pkt *pp, struct rt_ct_key *k)
{
	const struct gnv_layers *l = pp->l;
	struct gnv_cur cur;
	const uint8_t *h, *p;
	size_t hl;

	if (l->l4.off + 8 > pp->size)
		return false;
	gnv_cur_init(&cur, pp->frame + l->l4.off + 8, pp->size - l->l4.off - 8,
		     pp->size - l->l4.off - 8);
	memset(k, 0, sizeof(*k));
	k->vni = pp->v->vni;
	if (l->ip.version == 4) {
		h = gnv_cur_pull(&cur, 20);
		if (!h || h[0] >> 4 != 4 || (hl = (size_t)(h[0] & 15) * 4) < 20 || !gnv_cur_pull(&cur, hl - 20))
			return false;
		k->family = 4;
		k->proto = h[9];
		memcpy(k->src, h + 12, 4);
		memcpy(k->dst, h + 16, 4);
	} else {
		h = gnv_cur_pull(&cur, 40);
		if (!h || h[0] >> 4 != 6)
			return false;
		k->family = 6;
		k->proto = h[6];
		memcpy(k->src, h + 8, 16);
		memcpy(k->dst, h + 24, 16);
	}
	p = gnv_cur_pull(&cur, 4);
	if (k->proto == 6 || k->proto == 17 || k->proto == 132) {
		if (!p)
			return false;
		k->sport = gnv_be16(p);
		k->dport = gnv_be16(p + 2);
	} else if ((k->proto == 1 || k->proto == 58) && p && gnv_cur_pull(&cur, 4)) {
		/* an echo request quoted: its identifier is the connection's */
		k->sport = k->dport = gnv_be16(p + 4);
	}
	return true;
}

/* The tracking key and the port to match of a packet. */
static void flow_key(const struct rt_pol_pkt *pp, struct rt_ct_key *k, int *port)
{
	const struct gnv_layers *l = pp->l;
	size_t alen = l->ip.version == 6 ? 16 : 4;

	memset(k, 0, sizeof(*k));
	k->vni = pp->v->vni;
	k->family = l->ip.version;
	k->proto = l->ip.proto;
	memcpy(k->src, l->ip.src.a, alen);
	memcpy(k->dst, l->ip.dst.a, alen);
	*port = 0;
	if (l->ip.fragment) {
		*port = -1;
		return;
	}
	if (k->proto == 6 || k->proto == 17) {
		k->sport = l->l4.sport;
		k->dport = l->l4.dport;
	} else if (k->proto == 132) {
		size_t off = (size_t)l->ip.off + l->ip.hdr_size;

		if (off + 4 <= pp->size) {
			k->sport = gnv_be16(pp->frame + off);
			k->dport = gnv_be16(pp->frame + off + 2);
		}
	} else if ((k->proto == 1 && (l->l4.type == 8 || l->l4.type == 0)) ||
		   (k->proto == 58 && (l->l4.type == 128 || l->l4.type == 129))) {
		k->sport = k->dport = l->l4.icmp_id;
	}
	*port = k->dport;
}

enum rt_drop rt_policy_check(struct rt_tables *t, const struct rt_pol_pkt *pp, bool live,
			     bool explain, struct rt_pol_res *res)
{
	struct rt_policies *ps = t->cfg.pol;
	struct rt_ct *ct = t->run.ct;
	struct rt_ct_key k;
	struct rt_ct_entry *e = NULL;
	struct flow f;
	uint32_t h = 0, rule_eg, rule_in;
	enum rt_drop why;
	bool reply = false;
	int port;

	res->how = RT_POL_HOW_NONE;
	res->rule = res->pol = RT_NONE;
	res->why[0] = 0;
	if (!pp->v->npol || !ps->c)
		return RT_DROP_NONE;
	flow_key(pp, &k, &port);
	/* a contradicting identity is refused even on a tracked connection */
	if (pp->from_underlay && pp->src && pp->src_id && pp->src->ident < ps->c->nident &&
	    pp->src_id != t->cfg.ident[pp->src->ident].id && isolated(ps->c, pp->dst, RT_POL_INGRESS)) {
		f = (struct flow){ pp->v, pp->src, pp->dst, pp->src_id, true, k.family, pp->l->ip.src.a,
				   pp->l->ip.dst.a, k.proto, port };
		res->how = RT_POL_HOW_DENIED;
		return decide(t, &f, &rule_eg, &rule_in, res, explain);
	}
	if (ct) {
		struct rt_ct_key q;

		h = rt_ct_hash(&k);
		e = rt_ct_find(ct, &k, h, t->run.now_ns, &reply);
		if (!e && icmp_error(pp->l) && icmp_quote(pp, &q)) {
			e = rt_ct_find(ct, &q, rt_ct_hash(&q), t->run.now_ns, &reply);
			if (e) {
				res->how = RT_POL_HOW_TRACKED;
				if (explain)
					snprintf(res->why, sizeof(res->why),
						 "ICMP error about a tracked connection (%s): allowed",
						 rt_ct_state_name(e->state));
				return RT_DROP_NONE;
			}
		}
		if (e) {
			if (live) {
				rt_ct_update(e, reply, pp->l->l4.flags, pp->size, t->run.now_ns);
				if (!reply) {
					count_rule(ps, e->rule_eg, pp->size);
					count_rule(ps, e->rule_in, pp->size);
				}
				ct->st.found++;
				ct->st.replies += reply;
			}
			res->how = RT_POL_HOW_TRACKED;
			res->rule = reply ? RT_NONE : e->rule_in != RT_NONE ? e->rule_in : e->rule_eg;
			if (explain)
				snprintf(res->why, sizeof(res->why), "%s of a tracked connection (%s): allowed",
					 reply ? "reply" : "packet", rt_ct_state_name(e->state));
			return RT_DROP_NONE;
		}
	}
	f = (struct flow){ pp->v, pp->src, pp->dst, pp->src_id, pp->from_underlay, k.family,
			   pp->l->ip.src.a, pp->l->ip.dst.a, k.proto, port };
	why = decide(t, &f, &rule_eg, &rule_in, res, explain);
	if (why != RT_DROP_NONE) {
		res->how = RT_POL_HOW_DENIED;
		if (live) {
			/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): an egress verdict needs a source (decide) */
			const struct rt_pol_dir *d = &ps->c->dir[(why == RT_DROP_POLICY_EGRESS ? pp->src->ident * 2 + 1 :
								  pp->dst->ident * 2)];

			for (uint32_t i = 0; i < d->npols; i++) {
				ps->p[ps->c->polref[d->pols + i]]->denied++;
				ps->p[ps->c->polref[d->pols + i]]->denied_bytes += pp->size;
			}
		}
		return why;
	}
	if (live && ct) {
		e = rt_ct_insert(ct, &k, h, t->run.now_ns);
		e->src_id = pp->src_id;
		e->rule_eg = rule_eg;
		e->rule_in = rule_in;
		rt_ct_update(e, false, pp->l->l4.flags, pp->size, t->run.now_ns);
		count_rule(ps, rule_eg, pp->size);
		count_rule(ps, rule_in, pp->size);
	}
	return RT_DROP_NONE;
}

/* ---- commit ---- */

/* Tracked connections the new tables deny are dropped; the others get
 * the rules that now allow them. */
static void recheck(struct rt_tables *t)
{
	struct rt_ct *ct = t->run.ct;
	size_t n = (size_t)ct->nsets * RT_CT_WAYS;

	for (size_t i = 0; i < n; i++) {
		struct rt_ct_entry *e = &ct->e[i];
		const struct rt_vpc *v;
		struct rt_pol_res res;
		struct flow f;

		if (e->state == RT_CT_FREE || e->expire_ns <= t->run.now_ns || rt_scaled_ct_key(e->k.vni))
			continue;
		v = rt_vpc_find(t, e->k.vni);
		if (!v) {
			rt_ct_remove(ct, e);
			continue;
		}
		if (!v->npol)
			continue;
		f = (struct flow){ v, rt_ep_find(t, e->k.vni, e->k.family, e->k.src),
				   rt_ep_find(t, e->k.vni, e->k.family, e->k.dst), e->src_id, e->src_id != 0,
				   e->k.family, e->k.src, e->k.dst, e->k.proto, e->k.dport };
		if (decide(t, &f, &e->rule_eg, &e->rule_in, &res, false) != RT_DROP_NONE) {
			rt_ct_remove(ct, e);
			t->cfg.pol->flushed++;
		}
	}
}

int rt_policy_commit(struct rt_tables *t, char *err, size_t errsz)
{
	struct rt_policies *ps = t->cfg.pol;
	struct rt_polc *c;
	uint64_t t0;

	if (!t->cfg.pol_dirty)
		return 0;
	if (ps->n && !t->run.ct) {
		t->run.ct = rt_ct_new(t->cfg.lim.ct_entries);
		if (!t->run.ct)
			FAIL(ENOMEM, "out of memory for connection tracking (%u entries)", t->cfg.lim.ct_entries);
	}
	t0 = now_ns();
	c = compile(t);
	if (!c)
		FAIL(ENOMEM, "out of memory compiling policies; the previous ones stay in force");
	rt_polc_free(ps->c);
	ps->c = c;
	ps->compiles++;
	ps->compile_ns = now_ns() - t0;
	t->cfg.pol_dirty = false;
	if (t->run.ct)
		recheck(t);
	return 0;
}
