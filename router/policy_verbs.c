/* SPDX-License-Identifier: MIT */
/*
 * The command-language verbs of namespaces and network policies
 * (genv.conf(5) NAMESPACES and POLICY):
 *   add ns VNI NAME [labels K=V,...]     set ns VNI NAME labels ...|none
 *   del ns VNI NAME
 *   add|set policy VNI NAME [ns NS] select SEL [type ingress|egress|ingress,egress]
 *       [ingress [from PEER]... [port P]...]... [egress [to PEER]... [port P]...]...
 *   del policy VNI NAME
 * PEER: pod SEL [ns SEL] | ns SEL [pod SEL] | cidr CIDR [except CIDR,...].
 * Everything is parsed and checked before the tables change.
 * Layer: router; calls lang, labels, policy, tables, libcore and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/num.h"
#include "lang.h"
#include "policy.h"
#include "verbs.h"

int rt_verb_labels(struct rt_cmd *c, int i, char *buf, size_t size)
{
	struct rt_lset ls;
	int r;

	if (i >= c->n)
		return rt_lang_word_err(c, i, "labels (K=V,K=V or none)");
	r = rt_lset_parse(c->w[i], NULL, NULL, &ls, c->msg, sizeof(c->msg));
	if (r)
		return rt_lang_word_err(c, i, "%s", c->msg);
	if (strlen(ls.text) >= size) {
		rt_lset_free(&ls);
		return rt_lang_word_err(c, i, "labels longer than %zu bytes", size - 1);
	}
	snprintf(buf, size, "%s", ls.text);
	rt_lset_free(&ls);
	return 0;
}

static int ns_name(struct rt_cmd *c, int i)
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "namespace name");
	if (!rt_dns_label_ok(c->w[i]))
		return rt_lang_word_err(c, i, "namespace: 1..63 of a-z, 0-9 and '-' (alphanumeric ends)");
	return 0;
}

int rt_verb_ns(struct rt_cmd *c, const char *verb)
{
	char labels[RT_LSET_TEXT_MAX] = "";
	uint32_t vni;
	int r;

	r = rt_lang_vpc(c, 2, true, &vni);
	if (!r)
		r = ns_name(c, 3);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 4)
			return rt_lang_word_err(c, 4, "unexpected word");
		r = rt_ns_del(c->t, vni, c->w[3], c->msg, sizeof(c->msg));
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	if (c->n > 4) {
		if (strcmp(c->w[4], "labels"))
			return rt_lang_word_err(c, 4, "unknown keyword (expected labels)");
		r = rt_verb_labels(c, 5, labels, sizeof(labels));
		if (r)
			return r;
		if (c->n > 6)
			return rt_lang_word_err(c, 6, "unexpected word");
	} else if (!strcmp(verb, "set")) {
		return rt_lang_err(c, "nothing to set (expected labels)");
	}
	r = !strcmp(verb, "add") ? rt_ns_add(c->t, vni, c->w[3], labels, c->msg, sizeof(c->msg))
				 : rt_ns_set(c->t, vni, c->w[3], labels, c->msg, sizeof(c->msg));
	return r ? rt_lang_err_from(c, r, c->msg) : 0;
}

/* ---- policies ---- */

static int sel_word(struct rt_cmd *c, int i, struct rt_sel *s, const char *what)
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "%s selector (K=V,... or all)", what);
	if (rt_sel_parse(c->w[i], s, c->msg, sizeof(c->msg)))
		return rt_lang_word_err(c, i, "%s", c->msg);
	return 0;
}

static int port_word(struct rt_cmd *c, int i, struct rt_pol_port *p)
{
	const char *w = i < c->n ? c->w[i] : "", *slash, *num, *dash;
	uint64_t lo, hi;
	size_t pl;

	if (i >= c->n)
		return rt_lang_word_err(c, i, "port (tcp/80, udp/53, sctp/9000, tcp/8000-8080, tcp)");
	slash = strchr(w, '/');
	pl = slash ? (size_t)(slash - w) : strlen(w);
	num = slash ? slash + 1 : w;
	p->proto = 6;
	if (slash || (w[0] < '0' || w[0] > '9')) {
		if (pl == 3 && !strncmp(w, "tcp", 3))
			p->proto = 6;
		else if (pl == 3 && !strncmp(w, "udp", 3))
			p->proto = 17;
		else if (pl == 4 && !strncmp(w, "sctp", 4))
			p->proto = 132;
		else
			return rt_lang_word_err(c, i, "protocol is tcp, udp or sctp");
		if (!slash) {
			p->lo = 0;
			p->hi = 65535;
			return 0;
		}
	}
	if (*num && (*num < '0' || *num > '9'))
		return rt_lang_word_err(c, i, "named ports are not supported (give the number)");
	dash = strchr(num, '-');
	if (num_parse_span(num, dash ? (size_t)(dash - num) : strlen(num), 1, 65535, &lo) ||
	    (dash && num_parse_u64(dash + 1, 1, 65535, &hi)))
		return rt_lang_word_err(c, i, "port is 1..65535, or a range LO-HI");
	if (!dash)
		hi = lo;
	if (hi < lo)
		return rt_lang_word_err(c, i, "port range %u-%u is empty (endPort below port)",
					(unsigned int)lo, (unsigned int)hi);
	p->lo = (uint16_t)lo;
	p->hi = (uint16_t)hi;
	return 0;
}

/* except CIDR[,CIDR...] at word i into pe. */
static int except_word(struct rt_cmd *c, int i, struct rt_pol_peer *pe)
{
	char buf[RT_LINE_MAX], *save = NULL, *tok;

	if (i >= c->n)
		return rt_lang_word_err(c, i, "except CIDR[,CIDR...]");
	snprintf(buf, sizeof(buf), "%s", c->w[i]);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		struct rt_prefix q;

		if (pe->nexc == RT_POL_EXCEPT_MAX)
			return rt_lang_word_err(c, i, "more than %d except prefixes", RT_POL_EXCEPT_MAX);
		if (rt_prefix_parse(tok, &q, c->msg, sizeof(c->msg)))
			return rt_lang_word_err(c, i, "%s", c->msg);
		if (q.family != pe->cidr.family || q.len < pe->cidr.len ||
		    !rt_prefix_contains(&pe->cidr, q.family, q.a))
			return rt_lang_word_err(c, i, "except %s is not inside the cidr", tok);
		pe->exc[pe->nexc++] = q;
	}
	if (!pe->nexc)
		return rt_lang_word_err(c, i, "except CIDR[,CIDR...]");
	return 0;
}

/* One peer after from/to at word i: returns the next word index or < 0. */
static int peer_words(struct rt_cmd *c, int i, struct rt_pol_peer *pe)
{
	bool pod = false, ns = false;
	int r;

	memset(pe, 0, sizeof(*pe));
	if (i < c->n && !strcmp(c->w[i], "cidr")) {
		pe->kind = RT_PEER_CIDR;
		if (i + 1 >= c->n)
			return rt_lang_word_err(c, i + 1, "CIDR");
		r = rt_lang_prefix(c, i + 1, &pe->cidr);
		if (r)
			return r;
		i += 2;
		if (i < c->n && !strcmp(c->w[i], "except")) {
			r = except_word(c, i + 1, pe);
			if (r)
				return r;
			i += 2;
		}
		return i;
	}
	while (i < c->n && (!strcmp(c->w[i], "pod") || !strcmp(c->w[i], "ns"))) {
		bool isns = c->w[i][0] == 'n';

		if (isns ? ns : pod)
			return rt_lang_word_err(c, i, "given twice in one peer (a second peer needs its own from/to)");
		r = sel_word(c, i + 1, isns ? &pe->ns : &pe->pod, isns ? "namespace" : "pod");
		if (r)
			return r;
		if (isns)
			ns = true;
		else
			pod = true;
		i += 2;
	}
	if (!pod && !ns)
		return rt_lang_word_err(c, i, "peer (pod SEL, ns SEL or cidr CIDR)");
	pe->kind = pod && ns ? RT_PEER_PODNS : pod ? RT_PEER_POD : RT_PEER_NS;
	return i;
}

static int rule_words(struct rt_cmd *c, int i, struct rt_pol_rule *ru)
{
	const char *peer_kw = ru->dir == RT_POL_INGRESS ? "from" : "to";
	int r;

	ru->peer = calloc(RT_POL_PEERS_MAX, sizeof(*ru->peer));
	ru->port = calloc(RT_POL_PORTS_MAX, sizeof(*ru->port));
	if (!ru->peer || !ru->port)
		return rt_lang_err(c, "out of memory");
	while (i < c->n && strcmp(c->w[i], "ingress") && strcmp(c->w[i], "egress")) {
		if (!strcmp(c->w[i], "port")) {
			if (ru->nport == RT_POL_PORTS_MAX)
				return rt_lang_word_err(c, i, "more than %d ports in a rule", RT_POL_PORTS_MAX);
			r = port_word(c, i + 1, &ru->port[ru->nport]);
			if (r)
				return r;
			ru->nport++;
			i += 2;
		} else if (!strcmp(c->w[i], peer_kw)) {
			if (ru->npeer == RT_POL_PEERS_MAX)
				return rt_lang_word_err(c, i, "more than %d peers in a rule", RT_POL_PEERS_MAX);
			r = peer_words(c, i + 1, &ru->peer[ru->npeer]);
			ru->npeer++;	/* freed with the policy, even half made */
			if (r < 0)
				return r;
			i = r;
		} else if (!strcmp(c->w[i], ru->dir == RT_POL_INGRESS ? "to" : "from")) {
			return rt_lang_word_err(c, i, "an %s rule names its peers with '%s'",
						ru->dir == RT_POL_INGRESS ? "ingress" : "egress", peer_kw);
		} else {
			return rt_lang_word_err(c, i, "unknown keyword (expected %s, port, ingress or egress)",
						peer_kw);
		}
	}
	return i;
}

static int policy_words(struct rt_cmd *c, struct rt_policy *p, char *ns, size_t nssize)
{
	bool have_sel = false, have_type = false, have_ns = false;
	int i = 4, r;

	while (i < c->n && strcmp(c->w[i], "ingress") && strcmp(c->w[i], "egress")) {
		const char *k = c->w[i];

		if (!strcmp(k, "ns")) {
			if (have_ns)
				return rt_lang_word_err(c, i, "given twice");
			r = ns_name(c, i + 1);
			if (r)
				return r;
			snprintf(ns, nssize, "%s", c->w[i + 1]);
			have_ns = true;
		} else if (!strcmp(k, "select")) {
			if (have_sel)
				return rt_lang_word_err(c, i, "given twice");
			r = sel_word(c, i + 1, &p->sel, "pod");
			if (r)
				return r;
			have_sel = true;
		} else if (!strcmp(k, "type")) {
			const char *v = i + 1 < c->n ? c->w[i + 1] : "";

			if (have_type)
				return rt_lang_word_err(c, i, "given twice");
			if (!strcmp(v, "ingress"))
				p->types = RT_POL_T_INGRESS;
			else if (!strcmp(v, "egress"))
				p->types = RT_POL_T_EGRESS;
			else if (!strcmp(v, "ingress,egress") || !strcmp(v, "egress,ingress"))
				p->types = RT_POL_T_INGRESS | RT_POL_T_EGRESS;
			else
				return rt_lang_word_err(c, i + 1, "type is ingress, egress or ingress,egress");
			have_type = true;
		} else {
			return rt_lang_word_err(c, i, "unknown keyword (expected ns, select, type, ingress or egress)");
		}
		i += 2;
	}
	if (!have_sel)
		return rt_lang_err(c, "missing 'select SELECTOR' (select all: every endpoint of the namespace)");
	p->rule = calloc(RT_POL_RULES_MAX, sizeof(*p->rule));
	if (!p->rule)
		return rt_lang_err(c, "out of memory");
	while (i < c->n) {
		struct rt_pol_rule *ru;

		if (p->nrule == RT_POL_RULES_MAX)
			return rt_lang_word_err(c, i, "more than %d rules", RT_POL_RULES_MAX);
		ru = &p->rule[p->nrule++];
		ru->dir = !strcmp(c->w[i], "egress") ? RT_POL_EGRESS : RT_POL_INGRESS;
		r = rule_words(c, i + 1, ru);
		if (r < 0)
			return r;
		i = r;
	}
	if (!have_type) {
		/* Kubernetes: Ingress always, Egress when there are egress rules */
		p->types = RT_POL_T_INGRESS;
		for (unsigned int k = 0; k < p->nrule; k++)
			if (p->rule[k].dir == RT_POL_EGRESS)
				p->types |= RT_POL_T_EGRESS;
	}
	for (unsigned int k = 0; k < p->nrule; k++)
		if (!(p->types & (p->rule[k].dir == RT_POL_EGRESS ? RT_POL_T_EGRESS : RT_POL_T_INGRESS)))
			return rt_lang_err(c, "an %s rule in a policy of type %s",
					   p->rule[k].dir == RT_POL_EGRESS ? "egress" : "ingress",
					   p->types == RT_POL_T_INGRESS ? "ingress" : "egress");
	rt_policy_obj_shrink(p);
	return 0;
}

int rt_verb_policy(struct rt_cmd *c, const char *verb)
{
	struct rt_policy p;
	char ns[RT_NS_NAME_MAX] = RT_NS_DEFAULT;
	uint32_t vni;
	int r;

	r = rt_lang_vpc(c, 2, true, &vni);
	if (r)
		return r;
	if (c->n < 4)
		return rt_lang_word_err(c, 3, "policy name");
	if (!strcmp(verb, "del")) {
		if (c->n > 4)
			return rt_lang_word_err(c, 4, "unexpected word");
		r = rt_policy_del(c->t, vni, c->w[3], c->msg, sizeof(c->msg));
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	memset(&p, 0, sizeof(p));
	p.vni = vni;
	if (strlen(c->w[3]) >= sizeof(p.name)) {
		return rt_lang_word_err(c, 3, "policy name longer than %zu bytes", sizeof(p.name) - 1);
	}
	snprintf(p.name, sizeof(p.name), "%s", c->w[3]);
	r = policy_words(c, &p, ns, sizeof(ns));
	if (!r) {
		r = rt_policy_put(c->t, &p, ns, !strcmp(verb, "set"), c->msg, sizeof(c->msg));
		if (r)
			r = rt_lang_err_from(c, r, c->msg);
		else
			return 0;
	}
	rt_policy_obj_free(&p);
	return r;
}
