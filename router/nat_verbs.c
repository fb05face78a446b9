/* SPDX-License-Identifier: MIT */
/*
 * Gateway endpoints in the command language (nat.h): the `nat-ports
 * LO-HI` word of `add ep` / `set ep`, its dump and show fields, and
 * `show nat` (the mappings in conntrack and the NAT counters).
 */
#include <stdio.h>
#include <string.h>
#include "../libcore/emit.h"
#include "../libcore/num.h"
#include "../libcore/optreg.h"
#include "lang.h"
#include "nat_verbs.h"

int rt_verb_nat_ports(struct rt_cmd *c, int i, struct rt_ep_spec *s)
{
	char word[32], *dash;
	uint32_t lo, hi;

	if (i + 1 >= c->n)
		return rt_lang_word_err(c, i + 1, "nat-ports LO-HI");
	snprintf(word, sizeof(word), "%s", c->w[i + 1]);
	dash = strchr(word, '-');
	if (!dash)
		return rt_lang_word_err(c, i + 1, "nat-ports: a range LO-HI within 1024-65535");
	*dash = 0;
	if (num_parse_u32(word, 1024, 65535, &lo) || num_parse_u32(dash + 1, 1024, 65535, &hi) || lo > hi)
		return rt_lang_word_err(c, i + 1, "nat-ports: a range LO-HI within 1024-65535");
	s->nat_lo = (uint16_t)lo;
	s->nat_hi = (uint16_t)hi;
	return 0;
}

void rt_nat_emit_ep(struct gnv_emit *e, const struct rt_ep *ep)
{
	if (ep->type != EP_GATEWAY)
		return;
	gnv_emit_u64(e, "nat_port_lo", " nat-ports %u", ep->nat_lo);
	gnv_emit_u64(e, "nat_port_hi", "-%u", ep->nat_hi);
}

static void emit_map(struct gnv_emit *e, const struct rt_tables *t, const struct rt_ct_entry *c)
{
	/* an inside entry: vm:port -> remote:rport, nat = this host */
	gnv_emit_u64(e, "vni", "vni %u", c->k.vni & RT_VNI_MAX);
	gnv_emit_u64(e, "proto", " proto %u", c->k.proto);
	gnv_emit_ip(e, "inside", " %s", 4, c->k.src);
	gnv_emit_u64(e, "inside_port", ":%u", c->k.sport);
	gnv_emit_ip(e, "outside", " as %s", 4, c->nat);
	gnv_emit_u64(e, "outside_port", ":%u", c->nat_port);
	gnv_emit_ip(e, "remote", " -> %s", 4, c->k.dst);
	gnv_emit_u64(e, "remote_port", ":%u", c->k.dport);
	gnv_emit_str(e, "state", " %s", rt_ct_state_name(c->state));
	gnv_emit_u64(e, "expires_s", " expires %llus", (c->expire_ns - t->run.now_ns) / 1000000000ull);
	gnv_emit_u64(e, "pkts", " pkts %llu", c->pkts[0]);
	gnv_emit_u64(e, "reply_pkts", "/%llu", c->pkts[1]);
}

void rt_nat_show(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	const struct rt_ct *ct = t->run.ct;
	const struct rt_nat_stats *st = &t->run.nat;
	size_t n = ct ? (size_t)ct->nsets * RT_CT_WAYS : 0;
	unsigned int shown = 0, live = 0;

	for (size_t i = 0; i < n; i++)
		live += ct->e[i].state != RT_CT_FREE && ct->e[i].expire_ns > t->run.now_ns &&
			(ct->e[i].k.vni & RT_NAT_CT_IN);
	gnv_emit_u64(e, "mappings", "nat: %llu mappings", live);
	gnv_emit_u64(e, "made", ", %llu made", st->mappings);
	gnv_emit_u64(e, "out_pkts", ", %llu packets out", st->out_pkts);
	gnv_emit_u64(e, "in_pkts", ", %llu in", st->in_pkts);
	gnv_emit_u64(e, "icmp_errors", " (%llu ICMP errors)", st->icmp_errors);
	gnv_emit_u64(e, "ports_exhausted", ", %llu port exhaustions\n",
		     t->run.st.drop[RT_DROP_NAT_PORTS]);
	gnv_emit_arr_open(e, "gateways", NULL);
	for (uint32_t i = 0; i < t->cfg.lim.max_vpcs; i++) {
		const struct rt_vpc *v = &t->cfg.vpc[i];
		const struct rt_ep *g = v->used ? rt_vpc_gateway(t, v) : NULL;

		if (!g || (filter && v->vni != vni))
			continue;
		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "vni", "gateway vni %u", v->vni);
		gnv_emit_ip(e, "ip", " %s", 4, g->ip);
		rt_nat_emit_ep(e, g);
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
	gnv_emit_arr_open(e, "entries", NULL);
	for (size_t i = 0; i < n && shown < 1000; i++) {
		const struct rt_ct_entry *c = &ct->e[i];

		if (c->state == RT_CT_FREE || c->expire_ns <= t->run.now_ns || !(c->k.vni & RT_NAT_CT_IN) ||
		    (filter && (c->k.vni & RT_VNI_MAX) != vni))
			continue;
		shown++;
		gnv_emit_obj_open(e, NULL, NULL);
		emit_map(e, t, c);
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
}
