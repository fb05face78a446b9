/* SPDX-License-Identifier: MIT */
/*
 * The direct path: learning endpoint -> host from return-to-sender
 * answers, using it, invalidating it, and showing it (see dpath.h).
 */
#include <stdio.h>
#include <string.h>
#include "../libcore/emit.h"
#include "../libcore/opt_genv.h"
#include "config.h"
#include "dpath.h"

const char *const rt_dp_modes[] = { "on", "off", "same-net", NULL };

#define TR(n, stage, dec, ...) \
	do { if (n) { (n)->decision = dec; snprintf((n)->detail, sizeof((n)->detail), __VA_ARGS__); } } while (0)

static size_t alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

static const char *addr_s(char *buf, uint8_t family, const uint8_t *a)
{
	return rt_addr_fmt(buf, RT_ADDR_STR, family, a);
}

static bool same_addr(const struct gnv_addr *a, const struct gnv_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, alen(a->family));
}

int rt_dp_trusted(const struct rt_tables *t, uint32_t vpc, const struct gnv_addr *a)
{
	int h = rt_host_find(t, a);

	if (h < 0 || rt_host_is_self(t, (uint32_t)h) || !rt_vpc_host_find(t, vpc, (uint32_t)h))
		return -1;
	return h;
}

/* The first RTS option (0x03 or 0x83) of genv's class in pk, or NULL. */
static const struct gnv_opt *rts_opt(const struct rt_tables *t, const struct gnv_pkt *pk)
{
	return gnv_geneve_opt(&pk->gnv, t->cfg.lim.genv_class, GENV_OPT_RTS);
}

static int rts_read(const struct gnv_opt *o, const uint8_t *payload, struct gnv_rts *r)
{
	return gnv_opt_rts_get(payload + o->off + GNV_OPT_HDR_SIZE, o->size, o->type, r);
}

const struct rt_host *rt_dp_route(struct rt_tables *t, const struct rt_vpc *v,
				  const struct rt_ep *src, uint8_t family, const uint8_t *dst,
				  bool live, struct rt_dp_note *tr)
{
	struct rt_dpcache *c = &t->dp;
	struct rt_dp_entry *e;
	char a[RT_ADDR_STR], h[RT_ADDR_STR];
	int hi;

	if (!c->n)
		return NULL;
	e = rt_dp_lookup(c, v->vni, family, dst, t->run.now_ns, false);
	if (!e) {
		if (live)	/* frees an aged entry (st.aged) */
			rt_dp_lookup(c, v->vni, family, dst, t->run.now_ns, true);
		return NULL;
	}
	if (v->direct == RT_DP_OFF) {
		TR(tr, "direct", "off", "vpc %u: direct path off, the configured way", v->vni);
		return NULL;
	}
	if (v->direct == RT_DP_SAMENET && src &&
	    rt_net_lookup(t, v, family, src->ip) != rt_net_lookup(t, v, family, dst)) {
		TR(tr, "direct", "same-net", "vpc %u: %s is in another network, the configured way",
		   v->vni, addr_s(a, family, dst));
		return NULL;
	}
	hi = rt_dp_trusted(t, rt_vpc_index(t, v), &e->host);
	if (hi < 0) {
		/* the host is no longer configured for the VPC: forget it */
		TR(tr, "direct", "stale", "%s: host %s is no host of vpc %u now", addr_s(a, family, dst),
		   addr_s(h, e->host.family, e->host.a), v->vni);
		if (live)
			rt_dp_invalidate(c, v->vni, family, dst);
		return NULL;
	}
	TR(tr, "direct", "cache", "%s on host %s (learned %llus ago, %llu hits)", addr_s(a, family, dst),
	   addr_s(h, e->host.family, e->host.a), (unsigned long long)rt_dp_age_s(e, t->run.now_ns),
	   (unsigned long long)e->hits);
	if (live)
		rt_dp_lookup(c, v->vni, family, dst, t->run.now_ns, true);
	return &t->cfg.host[hi];
}

/* Queue an answer to 'to' about endpoint ip (to its peer endpoint). */
static void answer(struct rt_tables *t, const struct rt_vpc *v, const struct gnv_addr *to,
		   const struct gnv_ip *ip, bool invalidate, bool live, struct rt_dp_note *tr)
{
	struct rt_dp_msg m = { .to = *to, .vni = v->vni, .family = ip->version,
			       .invalidate = invalidate };
	char a[RT_ADDR_STR], h[RT_ADDR_STR];
	const char *what = invalidate ? "moved/unknown" : "return-to-sender";

	memcpy(m.ip, ip->dst.a, alen(m.family));
	memcpy(m.peer, ip->src.a, alen(m.family));
	if (!t->cfg.self.addr_set)
		return;
	if (!live) {
		TR(tr, "direct", invalidate ? "invalidate" : "answer", "would send %s for %s to %s", what,
		   addr_s(a, m.family, m.ip), addr_s(h, to->family, to->a));
		return;
	}
	if (!rt_dp_limit_ok(&t->dp, to, v->vni, m.family, m.ip, invalidate, t->run.now_ns)) {
		TR(tr, "direct", "limited", "%s for %s to %s sent less than 1s ago", what,
		   addr_s(a, m.family, m.ip), addr_s(h, to->family, to->a));
		return;
	}
	if (rt_dp_queue(&t->dp, &m))
		TR(tr, "direct", invalidate ? "invalidate" : "answer", "%s for %s to %s", what,
		   addr_s(a, m.family, m.ip), addr_s(h, to->family, to->a));
}

void rt_dp_on_deliver(struct rt_tables *t, const struct rt_vpc *v, const struct gnv_addr *from,
		      const struct gnv_pkt *pk, const uint8_t *payload, bool live,
		      struct rt_dp_note *tr)
{
	const struct gnv_opt *o = rts_opt(t, pk);
	struct gnv_rts r;
	char h[RT_ADDR_STR];

	if (!o || !t->dp.size || rts_read(o, payload, &r) || r.invalidate || same_addr(&r.host, from))
		return;		/* no request, or it came straight from the sender */
	if (rt_dp_trusted(t, rt_vpc_index(t, v), &r.host) < 0) {
		TR(tr, "direct", "untrusted", "RTS names %s: no host of vpc %u, not answered",
		   addr_s(h, r.host.family, r.host.a), v->vni);
		if (live)
			t->dp.st.untrusted++;
		return;
	}
	answer(t, v, &r.host, &pk->inner.ip, false, live, tr);
}

void rt_dp_on_not_local(struct rt_tables *t, const struct rt_vpc *v,
			const struct gnv_addr *from, const struct gnv_pkt *pk, bool live,
			struct rt_dp_note *tr)
{
	/* sent through a relay (it asks with RTS): the relay's tables are wrong, not a cache */
	if (rts_opt(t, pk) || rt_dp_trusted(t, rt_vpc_index(t, v), from) < 0)
		return;
	answer(t, v, from, &pk->inner.ip, true, live, tr);
}

enum rt_drop rt_dp_on_control(struct rt_tables *t, const struct gnv_addr *from,
			      const struct gnv_pkt *pk, const uint8_t *payload, bool live,
			      struct rt_dp_note *tr, bool *taken, char *why, size_t whysz)
{
	const struct gnv_opt *o = rts_opt(t, pk);
	const struct gnv_ip *ip = &pk->inner.ip;
	const struct rt_vpc *v;
	struct gnv_rts r;
	char a[RT_ADDR_STR], h[RT_ADDR_STR];

	*taken = false;
	if (!o)
		return RT_DROP_NONE;
	*taken = true;
	if (rts_read(o, payload, &r)) {
		snprintf(why, whysz, "RTS option of %u bytes does not fit the layout", o->size);
		goto malformed;
	}
	if (!pk->inner.eth.present || !ip->version) {
		snprintf(why, whysz, "no inner IP header naming the endpoint");
		goto malformed;
	}
	v = rt_vpc_find(t, pk->gnv.vni);
	if (!v) {
		snprintf(why, whysz, "no VPC with VNI %u", pk->gnv.vni);
		return RT_DROP_VNI_UNKNOWN;
	}
	if (!same_addr(&r.host, from) || rt_dp_trusted(t, rt_vpc_index(t, v), from) < 0) {
		snprintf(why, whysz, "names host %s, sent by %s: not that host or no host of vpc %u",
			 addr_s(h, r.host.family, r.host.a), addr_s(a, from->family, from->a), v->vni);
		if (live)
			t->dp.st.untrusted++;
		return RT_DROP_RTS_UNTRUSTED;
	}
	if (!rt_vpc_cidr_of(v, ip->version, ip->src.a)) {
		snprintf(why, whysz, "endpoint %s is outside the CIDRs of vpc %u",
			 addr_s(a, ip->version, ip->src.a), v->vni);
		goto malformed;
	}
	if (r.invalidate) {
		bool had = live ? rt_dp_invalidate(&t->dp, v->vni, ip->version, ip->src.a)
				: rt_dp_lookup(&t->dp, v->vni, ip->version, ip->src.a, t->run.now_ns, false) != NULL;

		TR(tr, "direct", "invalidate", "%s moved away from %s: %s", addr_s(a, ip->version, ip->src.a),
		   addr_s(h, r.host.family, r.host.a), had ? "entry dropped" : "no entry");
		return RT_DROP_NONE;
	}
	if (rt_ep_find(t, v->vni, ip->version, ip->src.a)) {
		TR(tr, "direct", "configured", "%s is a configured endpoint: not cached",
		   addr_s(a, ip->version, ip->src.a));
		return RT_DROP_NONE;
	}
	TR(tr, "direct", "learn", "%s vpc %u on host %s", addr_s(a, ip->version, ip->src.a), v->vni,
	   addr_s(h, r.host.family, r.host.a));
	if (live)
		rt_dp_learn(&t->dp, v->vni, ip->version, ip->src.a, &r.host, t->run.now_ns);
	return RT_DROP_NONE;
malformed:
	if (live)
		t->dp.st.malformed++;
	return RT_DROP_RTS_MALFORMED;
}

void rt_dp_send(struct rt_tables *t, const struct rt_runtime_ops *ops)
{
	struct rt_dpcache *c = &t->dp;
	uint8_t buf[GNV_HDR_SIZE + 28 + 14 + 40];

	for (unsigned int i = 0; i < c->nout; i++) {
		const struct rt_dp_msg *m = &c->out[i];
		int n = rt_dp_build(m, t->cfg.lim.genv_class, &t->cfg.self.addr, t->cfg.self.mac,
				    buf, sizeof(buf));

		if (n < 0 || !ops || !ops->ul_send ||
		    ops->ul_send(ops->ctx, &m->to, buf, (size_t)n, 0, t->cfg.self.ttl, 0) < 0)
			continue;
		if (m->invalidate)
			c->st.inval_sent++;
		else
			c->st.rts_sent++;
	}
	c->nout = 0;
}

void rt_dp_show(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	const struct rt_dpcache *c = &t->dp;

	gnv_emit_obj_open(e, "cache", NULL);
	gnv_emit_u64(e, "size", "cache size %llu", c->size);
	gnv_emit_u64(e, "max_age", " age %llu", c->max_age_ns / 1000000000ull);
	gnv_emit_u64(e, "count", " entries %llu\n", c->n);
	gnv_emit_arr_open(e, "entries", NULL);
	for (uint32_t i = c->head; i != RT_DP_NIL; i = c->e[i].next) {
		const struct rt_dp_entry *d = &c->e[i];
		bool aged = t->run.now_ns - d->learned_ns > c->max_age_ns;

		if (filter && d->vni != vni)
			continue;
		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "vni", "vpc %u", d->vni);
		gnv_emit_ip(e, "ep", " ep %s", d->family, d->ip);
		gnv_emit_ip(e, "host", " host %s", d->host.family, d->host.a);
		gnv_emit_u64(e, "age", " age %llu", rt_dp_age_s(d, t->run.now_ns));
		gnv_emit_u64(e, "hits", " hits %llu", d->hits);
		gnv_emit_bool(e, "aged", " %s", aged, "aged", "live");
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
	gnv_emit_obj_close(e, NULL);
}

void rt_dp_emit_stats(const struct rt_tables *t, struct gnv_emit *e)
{
	const struct rt_dp_stats *s = &t->dp.st;

	gnv_emit_obj_open(e, "direct", "direct");
#define RT_X(n, d) gnv_emit_u64(e, #n, " " #n " %llu", s->n);
	RT_DP_COUNTERS(RT_X)
#undef RT_X
	gnv_emit_obj_close(e, "\n");
}
