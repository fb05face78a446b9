/* SPDX-License-Identifier: MIT */
/*
 * The lifetime of policy objects and of their compiled tables
 * (policy_obj.h).
 */
#include <stdlib.h>
#include <string.h>
#include "policy_obj.h"

struct rt_policies *rt_policies_new(uint32_t max)
{
	struct rt_policies *ps = calloc(1, sizeof(*ps));

	if (!ps)
		return NULL;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	ps->p = calloc(max ? max : 1, sizeof(*ps->p));
	if (!ps->p) {
		free(ps);
		return NULL;
	}
	ps->max = max;
	for (ps->idx_mask = 1; ps->idx_mask < 2 * (max ? max : 1); ps->idx_mask <<= 1)
		;
	ps->idx = calloc(ps->idx_mask, sizeof(*ps->idx));
	if (!ps->idx) {
		free(ps->p);
		free(ps);
		return NULL;
	}
	ps->idx_mask--;
	return ps;
}

/* FNV-1a over the VNI and the name */
static uint32_t name_hash(uint32_t vni, const char *name)
{
	uint32_t h = 2166136261u;

	for (int i = 0; i < 4; i++)
		h = (h ^ (vni >> (8 * i) & 0xff)) * 16777619u;
	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 16777619u;
	return h ^ h >> 15;
}

int64_t rt_policies_slot(const struct rt_policies *ps, uint32_t vni, const char *name)
{
	for (uint32_t h = name_hash(vni, name) & ps->idx_mask;; h = (h + 1) & ps->idx_mask) {
		const struct rt_policy *p;

		if (!ps->idx[h])
			return -1;
		p = ps->p[ps->idx[h] - 1];
		if (p->vni == vni && !strcmp(p->name, name))
			return ps->idx[h] - 1;
	}
}

uint32_t rt_policies_insert(struct rt_policies *ps, struct rt_policy *p)
{
	uint32_t i = ps->low_free, h;

	while (ps->p[i])
		i++;
	ps->p[i] = p;
	ps->low_free = i + 1;
	ps->n++;
	for (h = name_hash(p->vni, p->name) & ps->idx_mask; ps->idx[h]; h = (h + 1) & ps->idx_mask)
		;
	ps->idx[h] = i + 1;
	return i;
}

void rt_policies_remove(struct rt_policies *ps, uint32_t i)
{
	uint32_t h = name_hash(ps->p[i]->vni, ps->p[i]->name) & ps->idx_mask;

	while (ps->idx[h] != i + 1)
		h = (h + 1) & ps->idx_mask;
	/* backward-shift deletion: no tombstones, probe sequences stay short */
	for (uint32_t j = (h + 1) & ps->idx_mask; ps->idx[j]; j = (j + 1) & ps->idx_mask) {
		const struct rt_policy *q = ps->p[ps->idx[j] - 1];
		uint32_t home = name_hash(q->vni, q->name) & ps->idx_mask;

		/* move j into the hole h unless its home lies cyclically in (h, j] */
		if (((j - home) & ps->idx_mask) >= ((j - h) & ps->idx_mask)) {
			ps->idx[h] = ps->idx[j];
			h = j;
		}
	}
	ps->idx[h] = 0;
	ps->p[i] = NULL;
	ps->n--;
	if (i < ps->low_free)
		ps->low_free = i;
}

void rt_policy_obj_free(struct rt_policy *p)
{
	rt_sel_free(&p->sel);
	for (unsigned int r = 0; r < p->nrule; r++) {
		struct rt_pol_rule *ru = &p->rule[r];

		for (unsigned int i = 0; i < ru->npeer; i++) {
			rt_sel_free(&ru->peer[i].pod);
			rt_sel_free(&ru->peer[i].ns);
		}
		free(ru->peer);
		free(ru->port);
	}
	free(p->rule);
	p->rule = NULL;
	p->nrule = 0;
}

/* realloc to n elements of size sz; the old block stays when that fails */
static void *fit(void *a, size_t n, size_t sz)
{
	void *b;

	if (!n) {
		free(a);
		return NULL;
	}
	b = realloc(a, n * sz);
	/* cppcheck-suppress memleak ; b is returned (the caller owns it), a when realloc failed */
	return b ? b : a;
}

void rt_policy_obj_shrink(struct rt_policy *p)
{
	p->rule = fit(p->rule, p->nrule, sizeof(*p->rule));
	for (unsigned int r = 0; r < p->nrule; r++) {
		p->rule[r].peer = fit(p->rule[r].peer, p->rule[r].npeer, sizeof(*p->rule[r].peer));
		p->rule[r].port = fit(p->rule[r].port, p->rule[r].nport, sizeof(*p->rule[r].port));
	}
}

void rt_polc_free(struct rt_polc *c)
{
	if (!c)
		return;
	free(c->dir);
	free(c->pint);
	free(c->pset);
	free(c->polref);
	free(c->cidr);
	free(c->pair);
	free(c->pfx);
	free(c);
}

void rt_policies_free(struct rt_policies *ps)
{
	if (!ps)
		return;
	for (uint32_t i = 0; i < ps->max; i++)
		if (ps->p[i]) {
			rt_policy_obj_free(ps->p[i]);
			free(ps->p[i]);
		}
	free(ps->p);
	free(ps->idx);
	rt_polc_free(ps->c);
	free(ps);
}

size_t rt_policies_memory(const struct rt_policies *ps)
{
	size_t m;

	if (!ps)
		return 0;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	m = sizeof(*ps) + (size_t)ps->max * sizeof(*ps->p) + ((size_t)ps->idx_mask + 1) * sizeof(*ps->idx);
	for (uint32_t i = 0; i < ps->max; i++)
		for (unsigned int r = 0; (ps->p[i] != NULL) && r < ps->p[i]->nrule; r++)
			m += sizeof(struct rt_pol_rule) +
			     ps->p[i]->rule[r].npeer * sizeof(struct rt_pol_peer) +
			     ps->p[i]->rule[r].nport * sizeof(struct rt_pol_port);
	return m + (ps->c ? ps->c->memory : 0);
}

void rt_policies_clear_stats(struct rt_policies *ps)
{
	for (uint32_t i = 0; i < ps->max; i++) {
		struct rt_policy *p = ps->p[i];

		if (!p)
			continue;
		p->denied = p->denied_bytes = 0;
		for (unsigned int r = 0; r < p->nrule; r++)
			p->rule[r].pkts = p->rule[r].bytes = 0;
	}
	ps->flushed = 0;
}
