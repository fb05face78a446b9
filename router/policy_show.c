/* SPDX-License-Identifier: MIT */
/*
 * Show and dump of namespaces, policies and tracked connections
 * (policy_show.h).  The text of a policy is the command that makes it,
 * with every default written out (type, select), so a dump re-creates
 * it exactly.
 */
#include <stdio.h>
#include <string.h>
#include "conntrack.h"
#include "ep_scaled.h"
#include "policy_obj.h"
#include "policy_show.h"

static const char *proto_s(uint8_t p)
{
	return p == 6 ? "tcp" : p == 17 ? "udp" : p == 132 ? "sctp" : "?";
}

/* The labels of a namespace without the one genv sets itself. */
static void ns_labels(const struct rt_ns *n, char *buf, size_t size)
{
	size_t o = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < n->labels.n; i++) {
		if (!strcmp(n->labels.key[i], "kubernetes.io/metadata.name"))
			continue;
		o += (size_t)snprintf(buf + o, o < size ? size - o : 0, "%s%s=%s", o ? "," : "",
				      n->labels.key[i], n->labels.value[i]);
	}
}

static void emit_ns(struct gnv_emit *e, const struct rt_ns *n, bool show)
{
	char l[RT_LSET_TEXT_MAX];

	ns_labels(n, l, sizeof(l));
	if (!show)
		gnv_emit_puts(e, "add ");
	gnv_emit_u64(e, "vni", "ns %u", n->vni);
	gnv_emit_str(e, "name", " %s", n->name);
	gnv_emit_str(e, "labels", l[0] ? " labels %s" : NULL, l);
	if (show) {
		gnv_emit_bool(e, "explicit", n->explicit_ ? NULL : " (implicit)", n->explicit_, "yes", "no");
		gnv_emit_u64(e, "endpoints", " endpoints %u", n->eps);
		gnv_emit_u64(e, "policies", " policies %u", n->pols);
	}
}

void rt_policy_dump_ns(const struct rt_tables *t, struct gnv_emit *e)
{
	for (uint32_t vi = 0; vi < t->cfg.lim.max_vpcs; vi++) {
		if (!t->cfg.vpc[vi].used || !t->cfg.vpc[vi].nns)
			continue;
		for (uint32_t i = 0; i < t->cfg.lim.max_ns; i++)
			if (t->cfg.ns[i].used && t->cfg.ns[i].explicit_ && t->cfg.ns[i].vpc == vi) {
				emit_ns(e, &t->cfg.ns[i], false);
				gnv_emit_puts(e, "\n");
			}
	}
}

static void emit_peer(struct gnv_emit *e, const struct rt_pol_peer *pe)
{
	char p[RT_PREFIX_STR];

	if (pe->kind == RT_PEER_CIDR) {
		gnv_emit_str(e, "cidr", " cidr %s", rt_prefix_fmt(p, sizeof(p), &pe->cidr));
		gnv_emit_arr_open(e, "except", pe->nexc ? " except " : NULL);
		for (unsigned int i = 0; i < pe->nexc; i++)
			gnv_emit_str(e, NULL, i ? ",%s" : "%s", rt_prefix_fmt(p, sizeof(p), &pe->exc[i]));
		gnv_emit_arr_close(e, NULL);
		return;
	}
	gnv_emit_str(e, "pod", pe->kind != RT_PEER_NS ? " pod %s" : NULL,
		     pe->kind != RT_PEER_NS ? pe->pod.text : NULL);
	gnv_emit_str(e, "ns", pe->kind != RT_PEER_POD ? " ns %s" : NULL,
		     pe->kind != RT_PEER_POD ? pe->ns.text : NULL);
}

static void emit_port(struct gnv_emit *e, const struct rt_pol_port *p)
{
	char buf[24];

	if (p->lo == 0 && p->hi == 65535)
		snprintf(buf, sizeof(buf), "%s", proto_s(p->proto));
	else if (p->lo == p->hi)
		snprintf(buf, sizeof(buf), "%s/%u", proto_s(p->proto), p->lo);
	else
		snprintf(buf, sizeof(buf), "%s/%u-%u", proto_s(p->proto), p->lo, p->hi);
	gnv_emit_str(e, NULL, " port %s", buf);
}

static void emit_policy(struct gnv_emit *e, const struct rt_tables *t, const struct rt_policy *p,
			bool show)
{
	static const char *const types[] = { "", "ingress", "egress", "ingress,egress" };

	if (!show)
		gnv_emit_puts(e, "add ");
	gnv_emit_u64(e, "vni", "policy %u", p->vni);
	gnv_emit_str(e, "name", " %s", p->name);
	gnv_emit_str(e, "ns", " ns %s", t->cfg.ns[p->ns].name);
	gnv_emit_str(e, "select", " select %s", p->sel.text);
	gnv_emit_str(e, "type", " type %s", types[p->types & 3]);
	if (show) {
		gnv_emit_u64(e, "denied", "\n    denied %llu", p->denied);
		gnv_emit_u64(e, "denied_bytes", " packets %llu bytes", p->denied_bytes);
	}
	gnv_emit_arr_open(e, "rules", NULL);
	for (unsigned int r = 0; r < p->nrule; r++) {
		const struct rt_pol_rule *ru = &p->rule[r];

		gnv_emit_obj_open(e, NULL, show ? "\n   " : NULL);
		gnv_emit_str(e, "dir", " %s", ru->dir ? "egress" : "ingress");
		gnv_emit_arr_open(e, "peers", NULL);
		for (unsigned int i = 0; i < ru->npeer; i++) {
			gnv_emit_obj_open(e, NULL, ru->dir ? " to" : " from");
			emit_peer(e, &ru->peer[i]);
			gnv_emit_obj_close(e, NULL);
		}
		gnv_emit_arr_close(e, NULL);
		gnv_emit_arr_open(e, "ports", NULL);
		for (unsigned int i = 0; i < ru->nport; i++)
			emit_port(e, &ru->port[i]);
		gnv_emit_arr_close(e, NULL);
		if (show) {
			gnv_emit_u64(e, "allowed", "  (allowed %llu", ru->pkts);
			gnv_emit_u64(e, "allowed_bytes", " packets %llu bytes)", ru->bytes);
		}
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
}

void rt_policy_dump(const struct rt_tables *t, struct gnv_emit *e)
{
	const struct rt_policies *ps = t->cfg.pol;

	for (uint32_t vi = 0; vi < t->cfg.lim.max_vpcs; vi++) {
		if (!t->cfg.vpc[vi].used || !t->cfg.vpc[vi].npol)
			continue;
		for (uint32_t i = 0; i < ps->max; i++)
			if ((ps->p[i] != NULL) && ps->p[i]->vpc == vi) {
				emit_policy(e, t, ps->p[i], false);
				gnv_emit_puts(e, "\n");
			}
	}
}

void rt_policy_show(const struct rt_tables *t, bool filter, uint32_t vni, const char *name,
		    struct gnv_emit *e)
{
	const struct rt_policies *ps = t->cfg.pol;

	gnv_emit_u64(e, "compiles", "policies: %llu compiles", ps->compiles);
	gnv_emit_u64(e, "compile_us", ", last %llu us", ps->compile_ns / 1000);
	gnv_emit_u64(e, "memory", ", %llu bytes compiled", ps->c ? ps->c->memory : 0);
	gnv_emit_u64(e, "flushed", ", %llu connections flushed by changes\n", ps->flushed);
	gnv_emit_arr_open(e, "policies", NULL);
	for (uint32_t vi = 0; vi < t->cfg.lim.max_vpcs; vi++) {
		if (!t->cfg.vpc[vi].used || !t->cfg.vpc[vi].npol || (filter && t->cfg.vpc[vi].vni != vni))
			continue;
		for (uint32_t i = 0; i < ps->max; i++)
			if ((ps->p[i] != NULL) && ps->p[i]->vpc == vi && (!name || !strcmp(name, ps->p[i]->name))) {
				gnv_emit_obj_open(e, NULL, NULL);
				emit_policy(e, t, ps->p[i], true);
				gnv_emit_obj_close(e, "\n");
			}
	}
	gnv_emit_arr_close(e, NULL);
}

void rt_policy_show_ns(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	gnv_emit_arr_open(e, "namespaces", NULL);
	for (uint32_t i = 0; i < t->cfg.lim.max_ns; i++) {
		const struct rt_ns *n = &t->cfg.ns[i];

		if (!n->used || (filter && n->vni != vni))
			continue;
		gnv_emit_obj_open(e, NULL, NULL);
		emit_ns(e, n, true);
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
}

void rt_policy_show_ct(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	const struct rt_ct *ct = t->run.ct;
	size_t n = ct ? (size_t)ct->nsets * RT_CT_WAYS : 0;
	unsigned int shown = 0;

	gnv_emit_u64(e, "capacity", "conntrack: %llu entries", n);
	gnv_emit_u64(e, "used", ", %llu used", ct ? ct->used : 0);
	gnv_emit_u64(e, "inserted", ", %llu inserted", ct ? ct->st.inserted : 0);
	gnv_emit_u64(e, "evicted", ", %llu evicted", ct ? ct->st.evicted : 0);
	gnv_emit_u64(e, "expired", ", %llu expired", ct ? ct->st.expired : 0);
	gnv_emit_u64(e, "flushed", ", %llu flushed\n", ct ? ct->st.flushed : 0);
	gnv_emit_arr_open(e, "connections", NULL);
	for (size_t i = 0; i < n && shown < 1000; i++) {
		const struct rt_ct_entry *c = &ct->e[i];

		/* scaled endpoints' pins are shown with their backends (show ep) */
		if (c->state == RT_CT_FREE || c->expire_ns <= t->run.now_ns || (filter && c->k.vni != vni) ||
		    rt_scaled_ct_key(c->k.vni))
			continue;
		shown++;
		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "vni", "vni %u", c->k.vni);
		gnv_emit_u64(e, "proto", " proto %u", c->k.proto);
		gnv_emit_ip(e, "src", " %s", c->k.family, c->k.src);
		gnv_emit_u64(e, "sport", ":%u", c->k.sport);
		gnv_emit_ip(e, "dst", " -> %s", c->k.family, c->k.dst);
		gnv_emit_u64(e, "dport", ":%u", c->k.dport);
		gnv_emit_str(e, "state", " %s", rt_ct_state_name(c->state));
		gnv_emit_u64(e, "expires_s", " expires %llus",
			     (c->expire_ns - t->run.now_ns) / 1000000000ull);
		gnv_emit_u64(e, "pkts", " pkts %llu", c->pkts[0]);
		gnv_emit_u64(e, "reply_pkts", "/%llu", c->pkts[1]);
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
}
