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
	ps->p = calloc(max ? max : 1, sizeof(*ps->p));
	if (!ps->p) {
		free(ps);
		return NULL;
	}
	ps->max = max;
	return ps;
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
	rt_polc_free(ps->c);
	free(ps);
}

size_t rt_policies_memory(const struct rt_policies *ps)
{
	size_t m;

	if (!ps)
		return 0;
	m = sizeof(*ps) + (size_t)ps->max * sizeof(*ps->p);
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
