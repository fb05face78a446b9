/* SPDX-License-Identifier: MIT */
/*
 * What the router prints about its tables: `show [TOPIC] [VNI]` in text
 * or JSON, and `dump`, the running configuration as the commands that
 * re-create it (rt_config_dump(), which --state files are written from).
 * Every field is one libcore emitter call (emit.h) that writes either
 * form, so text and JSON come from the same walk and cannot drift; the
 * show text of a VPC, net, endpoint or host is its dump line (the same
 * calls, with a text emitter) followed by its counters.
 * Layer: router; calls lang (words), tables, pipeline and stats names, the
 * runtime's port_info (config.h), libcore emit/sbuf/opt_tlv and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/emit.h"
#include "../libcore/opt_tlv.h"
#include "ep_proxied.h"
#include "ep_scaled.h"
#include "lang.h"
#include "pipeline.h"
#include "policy.h"
#include "policy_show.h"
#include "qos.h"
#include "dpath.h"
#include "health.h"
#include "show.h"
#include "nat_verbs.h"
#include "verbs.h"

const char *const rt_show_topics[] = { "vpc", "net", "ep", "port", "host", "stats", "flows",
				       "drops", "config", "top", "policy", "ns", "conntrack", "cache",
				       "nat", NULL };

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_vpc(const void *a, const void *b, void *ctx)
{
	const struct rt_tables *t = ctx;

	return cmp_u32(t->cfg.vpc[*(const uint32_t *)a].vni, t->cfg.vpc[*(const uint32_t *)b].vni);
}

static int cmp_net(const void *a, const void *b, void *ctx)
{
	const struct rt_tables *t = ctx;
	const struct rt_net *x = &t->cfg.net[*(const uint32_t *)a], *y = &t->cfg.net[*(const uint32_t *)b];
	int r = cmp_u32(x->vni, y->vni);

	if (!r)
		r = cmp_u32(x->p.family, y->p.family);
	if (!r)
		r = memcmp(x->p.a, y->p.a, 16);
	if (!r)
		r = cmp_u32(x->p.len, y->p.len);
	return r;
}

static int cmp_ep(const void *a, const void *b, void *ctx)
{
	const struct rt_tables *t = ctx;
	const struct rt_ep *x = &t->cfg.ep[*(const uint32_t *)a], *y = &t->cfg.ep[*(const uint32_t *)b];
	int r = cmp_u32(x->vni, y->vni);

	if (!r)
		r = cmp_u32(x->family, y->family);
	if (!r)
		r = memcmp(x->ip, y->ip, 16);
	return r;
}

/* Indexes of used objects, sorted by key (dump and show are stable). */
static uint32_t *sorted(const struct rt_tables *t, char kind, uint32_t *count)
{
	uint32_t max = kind == 'v' ? t->cfg.lim.max_vpcs : kind == 'n' ? t->cfg.lim.max_nets : t->cfg.lim.max_eps;
	uint32_t n = kind == 'v' ? t->cfg.nvpc : kind == 'n' ? t->cfg.nnet : t->cfg.nep, k = 0;
	uint32_t *ix = malloc(sizeof(*ix) * (n ? n : 1));

	*count = 0;
	if (!ix)
		return NULL;
	for (uint32_t i = 0; i < max && k < n; i++) {
		bool used = kind == 'v' ? t->cfg.vpc[i].used : kind == 'n' ? t->cfg.net[i].used : t->cfg.ep[i].used;

		if (used)
			ix[k++] = i;
	}
	qsort_r(ix, k, sizeof(*ix), kind == 'v' ? cmp_vpc : kind == 'n' ? cmp_net : cmp_ep,
		(void *)t);
	*count = k;
	return ix;
}

/* The options of an endpoint as its 'opt' words (the blob was checked
 * when it was stored: it holds whole options only). */
static void put_opts_words(struct sbuf *o, const uint8_t *p, size_t size)
{
	struct gnv_opt_iter it;
	struct gnv_tlv opt;

	gnv_opt_iter_init(&it, p, size, size);
	while (gnv_opt_next(&it, &opt)) {
		sbuf_printf(o, " opt 0x%04x:0x%02x", opt.cls, opt.type);
		if (opt.size) {
			sbuf_putc(o, ':');
			sbuf_hex(o, opt.data, opt.size);
		}
	}
}

static void emit_addr(struct gnv_emit *e, const char *key, const char *fmt,
		      const struct gnv_addr *a)
{
	gnv_emit_ip(e, key, fmt, a->family, a->a);
}

static void emit_prefix(struct gnv_emit *e, const char *key, const char *fmt,
			const struct rt_prefix *p)
{
	gnv_emit_prefix(e, key, fmt, p->family, p->a, p->len);
}

/* Backends per dump line: a command holds at most RT_WORDS_MAX words. */
#define BACKENDS_PER_LINE	200

/* Health of backend i (health.h), show only: text "[up, answer 120ms ago]" when its
 * endpoint has health on; JSON state ("unchecked" when off) and
 * answer_age_ms (null: no answer yet). */
static void emit_backend_health(struct gnv_emit *e, const struct rt_tables *t, const struct rt_ep *ep,
				uint32_t i)
{
	bool json = gnv_emit_is_json(e);
	/* a backend the store marked down shows it with health off too */
	bool on = ep->sc->hc.on || ep->sc->down[i] == RT_SC_DOWN_HOST;
	int64_t age = -1;
	const char *st = on ? rt_hl_backend_state(t, ep, i, &age) : "unchecked";

	gnv_emit_str(e, "state", on ? " [%s" : NULL, st);
	if (age >= 0)
		gnv_emit_i64(e, "answer_age_ms", on ? ", answer %lldms ago" : NULL, age);
	else if (json)
		gnv_emit_null(e, "answer_age_ms", NULL);
	if (on && !json)
		gnv_emit_puts(e, "]");
}

/* The health words (dump: when on or not the defaults) and, in show,
 * the transitions; JSON: object health. */
static void emit_health(struct gnv_emit *e, const struct rt_scaled *sc, bool show)
{
	const struct rt_hl_cfg *h = &sc->hc;
	bool words = h->on || h->interval_ms || h->timeout_ms;

	gnv_emit_obj_open(e, "health", NULL);
	gnv_emit_bool(e, "on", words ? " health %s" : NULL, h->on, "on", "off");
	gnv_emit_u64(e, "interval_ms", words ? " health-interval %llu" : NULL,
		     h->interval_ms ? h->interval_ms : RT_HL_INTERVAL_MS);
	gnv_emit_u64(e, "timeout_ms", words ? " health-timeout %llu" : NULL,
		     h->timeout_ms ? h->timeout_ms : RT_HL_TIMEOUT_MS);
	if (show) {
		gnv_emit_u64(e, "down", h->on ? " (down %llu" : NULL, sc->ndown);
		gnv_emit_u64(e, "went_down", h->on ? " went-down %llu" : NULL, sc->hl_down);
		gnv_emit_u64(e, "came_up", h->on ? " came-up %llu" : NULL, sc->hl_up);
		gnv_emit_u64(e, "repinned", h->on ? " repinned %llu)" : NULL, sc->hl_repinned);
	}
	gnv_emit_obj_close(e, NULL);
}

/* A scaled endpoint's backends: "backends IP,WEIGHT ..."; show adds
 * each one's new flows (JSON: objects ip, weight, flows).  A dump puts
 * more than BACKENDS_PER_LINE on following `set ep ... backends +IP,W`
 * lines. */
static void emit_backends(struct gnv_emit *e, const struct rt_tables *t, const struct rt_ep *ep,
			  bool show)
{
	const struct rt_scaled *sc = rt_ep_proxy(ep) ? NULL : ep->sc;
	char a[RT_ADDR_STR];

	gnv_emit_arr_open(e, "backends", sc ? " backends" : NULL);
	for (unsigned int i = 0; sc && i < sc->n; i++) {
		if (!show && i && i % BACKENDS_PER_LINE == 0 && !gnv_emit_is_json(e))
			gnv_emit_text(e, "\nset ep %u %s backends", ep->vni,
				      rt_addr_fmt(a, sizeof(a), ep->family, ep->ip));
		if (!show && i >= BACKENDS_PER_LINE && !gnv_emit_is_json(e))
			gnv_emit_puts(e, " +");
		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_ip(e, "ip", i >= BACKENDS_PER_LINE && !show ? "%s" : " %s", ep->family, sc->b[i].addr);
		gnv_emit_u64(e, "weight", ",%u", sc->b[i].weight);
		gnv_emit_u64(e, "flows", show ? " (flows %u)" : NULL, sc->flows[i]);
		if (show)
			emit_backend_health(e, t, ep, i);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	if (show && sc) {
		gnv_emit_u64(e, "maglev_size", " maglev %u", rt_maglev_get(&ep->sc->tab)->size);
		gnv_emit_u64(e, "pinned_pkts", " pinned %u", sc->pinned);
	}
	if (sc)
		emit_health(e, sc, show);
}

/* A proxied endpoint's proxy (ep_proxied.h): "proxy IP"; show adds the
 * flows sent to it and the packets that followed a pinned choice. */
static void emit_proxy(struct gnv_emit *e, const struct rt_ep *ep, bool show)
{
	const uint8_t *p = rt_ep_proxy(ep);

	if (!p) {
		gnv_emit_null(e, "proxy", NULL);
		return;
	}
	gnv_emit_ip(e, "proxy", " proxy %s", ep->family, p);
	if (show) {
		gnv_emit_u64(e, "proxy_flows", " (flows %u)", ep->sc->flows[0]);
		gnv_emit_u64(e, "pinned_pkts", " pinned %u", ep->sc->pinned);
	}
}

/*
 * ---- records: dump lines, and the head of their show records ----
 * show (true): the `show` form (no "add ", the gateway always); in JSON
 * the fields of the object the caller opened.
 */
static void emit_ep(struct gnv_emit *e, const struct rt_tables *t, const struct rt_ep *ep,
		    bool show)
{
	struct rt_ep_spec s;

	rt_ep_to_spec(t, ep, &s);
	if (!show)
		gnv_emit_puts(e, "add ");
	gnv_emit_u64(e, "vni", "ep %u", ep->vni);
	gnv_emit_ip(e, "ip", " %s", ep->family, ep->ip);
	gnv_emit_mac(e, "mac", " mac %s", ep->mac);
	gnv_emit_str(e, "type", " type %s", rt_lang_ep_types[ep->type & 3]);
	if (ep->port >= 0)
		gnv_emit_str(e, "port", " port %s", t->cfg.port[ep->port].name);
	else
		gnv_emit_null(e, "port", NULL);
	gnv_emit_arr_open(e, "hosts", NULL);
	for (unsigned int i = 0; i < s.nhost; i++)
		emit_addr(e, NULL, " host %s", &s.host[i]);
	gnv_emit_arr_close(e, NULL);
	emit_backends(e, t, ep, show);
	rt_nat_emit_ep(e, ep);
	emit_proxy(e, ep, show);
	gnv_emit_str(e, "ns", s.ns[0] ? " ns %s" : NULL, s.ns[0] ? s.ns : RT_NS_DEFAULT);
	gnv_emit_str(e, "labels", s.labels[0] ? " labels %s" : NULL, s.labels);
	/* a dump keeps a pinned number (the store's), not the hash */
	if (ep->ident != RT_NONE && (show || t->cfg.ident[ep->ident].pinned))
		gnv_emit_u64(e, "identity", " identity %u", t->cfg.ident[ep->ident].id);
	if (show && ep->port < 0 && ep->nhost) {
		/* liveness (store_live.h): every host of the endpoint is down */
		unsigned int k;

		for (k = 0; k < ep->nhost && t->cfg.host[ep->host[k]].down; k++)
			;
		gnv_emit_bool(e, "reachable", k == ep->nhost ? " %s" : NULL, k != ep->nhost, "reachable",
			      "unreachable");
	}
	/* the options: raw bytes in JSON, 'opt' words in text */
	gnv_emit_hex(e, "options", NULL, s.opts, s.opt_size);
	if (!gnv_emit_is_json(e))
		put_opts_words(e->sb, s.opts, s.opt_size);
	gnv_emit_u64(e, "mtu", ep->mtu ? " mtu %u" : NULL, ep->mtu);
	rt_qos_emit_ep(e, ep, show);
}

static void emit_vpc(struct gnv_emit *e, const struct rt_tables *t, const struct rt_vpc *v,
		     bool show)
{
	if (!show)
		gnv_emit_puts(e, "add ");
	gnv_emit_u64(e, "vni", "vpc %u", v->vni);
	gnv_emit_str(e, "name", v->name[0] ? " name %s" : NULL, v->name);
	gnv_emit_arr_open(e, "cidrs", NULL);
	for (unsigned int i = 0; i < v->ncidr; i++)
		emit_prefix(e, NULL, " cidr %s", &v->cidr[i]);
	gnv_emit_arr_close(e, NULL);
	gnv_emit_arr_open(e, "dividers", NULL);
	for (unsigned int i = 0; i < v->ndivider; i++)
		emit_addr(e, NULL, " divider %s", &t->cfg.host[v->divider[i]].addr);
	gnv_emit_arr_close(e, NULL);
	/* trusted senders besides the VPC's hosts (the trust model, genv-route(8)) */
	gnv_emit_arr_open(e, "peers", NULL);
	for (unsigned int i = 0; i < v->npeer; i++)
		emit_addr(e, NULL, " peers %s", &t->cfg.host[v->peer[i]].addr);
	gnv_emit_arr_close(e, NULL);
	gnv_emit_str(e, "direct", v->direct ? " direct %s" : NULL, rt_dp_modes[v->direct]);
}

static void emit_net(struct gnv_emit *e, const struct rt_tables *t, const struct rt_net *n,
		     bool show)
{
	if (!show)
		gnv_emit_puts(e, "add ");
	gnv_emit_u64(e, "vni", "net %u", n->vni);
	emit_prefix(e, "prefix", " %s", &n->p);
	/* dump: the gateway only when it was given (else the default follows) */
	gnv_emit_ip(e, "gw", n->gw_explicit || show ? " gw %s" : NULL, n->p.family, n->gw);
	gnv_emit_arr_open(e, "bouncers", NULL);
	for (unsigned int i = 0; i < n->nbouncer; i++)
		emit_addr(e, NULL, " bouncer %s", &t->cfg.host[n->bouncer[i]].addr);
	gnv_emit_arr_close(e, NULL);
}

static void emit_host(struct gnv_emit *e, const struct rt_tables *t, bool show)
{
	const struct rt_self *s = &t->cfg.self;

	gnv_emit_puts(e, show ? "host" : "set host");
	if (s->addr_set)
		emit_addr(e, "addr", " addr %s", &s->addr);
	else
		gnv_emit_null(e, "addr", NULL);
	gnv_emit_str(e, "id", s->id[0] ? " id %s" : NULL, s->id);
	gnv_emit_mac(e, "mac", " mac %s", s->mac);
	gnv_emit_u64(e, "mtu", " mtu %u", s->mtu);
	gnv_emit_u64(e, "dscp", " dscp %u", s->dscp);
	gnv_emit_u64(e, "ttl", " ttl %u", s->ttl);
	gnv_emit_bool(e, "rts", " rts %s", s->rts, "on", "off");
	gnv_emit_u64(e, "cache", " cache %llu", t->dp.size);
	gnv_emit_u64(e, "cache_age", " cache-age %llu", t->dp.max_age_ns / 1000000000ull);
	gnv_emit_bool(e, "offload", " offload %s", s->offload, "on", "off");
}

int rt_config_dump(const struct rt_tables *t, struct sbuf *o)
{
	struct gnv_emit e;
	uint32_t *ix, n;

	gnv_emit_init(&e, o, false, false);
	emit_host(&e, t, false);
	sbuf_putc(o, '\n');
	rt_qos_dump(t, &e);
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++)
		if (t->cfg.port[i].used && t->cfg.port[i].xdp)
			rt_port_xdp_dump(&t->cfg.port[i], o);
		else if (t->cfg.port[i].used)
			sbuf_printf(o, "add port %s mtu %u%s%s\n", t->cfg.port[i].name, t->cfg.port[i].mtu,
				    t->cfg.port[i].netns[0] ? " netns " : "", t->cfg.port[i].netns);
	ix = sorted(t, 'v', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		emit_vpc(&e, t, &t->cfg.vpc[ix[i]], false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	ix = sorted(t, 'n', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		emit_net(&e, t, &t->cfg.net[ix[i]], false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	rt_policy_dump_ns(t, &e);
	ix = sorted(t, 'e', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		emit_ep(&e, t, &t->cfg.ep[ix[i]], false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	rt_policy_dump(t, &e);
	return o->oom ? -ENOMEM : 0;
}

/* ---- show ---- */

/*
 * A record's counters: show's "counters" object and indented line, or
 * top's flat " key value" pairs.
 */
static void emit_counters(struct gnv_emit *e, const struct rt_counters *c, bool top)
{
	static const char *const key[] = { "rx_packets", "rx_bytes", "tx_packets", "tx_bytes",
					   "drops" };
	static const char *const fmt[] = { "%llu pkts", " %llu bytes", "  tx %llu pkts",
					   " %llu bytes", "  drops %llu" };
	const uint64_t val[] = { c->rx_pkts, c->rx_bytes, c->tx_pkts, c->tx_bytes, c->drops };

	if (!top)
		gnv_emit_obj_open(e, "counters", "    rx ");
	for (size_t i = 0; i < sizeof(key) / sizeof(key[0]); i++)
		gnv_emit_u64(e, key[i], top ? " %k %llu" : fmt[i], val[i]);
	if (!top)
		gnv_emit_obj_close(e, "\n");
}

static uint32_t flow_count(const struct rt_vpc *v)
{
	uint32_t n = 0;

	for (uint32_t i = 0; v->flows.e && i < v->flows.nsets * 4; i++)
		n += v->flows.e[i].family != 0;
	return n;
}

static void show_host(const struct rt_tables *t, struct gnv_emit *e)
{
	gnv_emit_obj_open(e, "host", NULL);
	emit_host(e, t, true);
	/* JSON has the peer count first, text last */
	gnv_emit_u64(e, "peers", NULL, t->cfg.nhost);
	gnv_emit_u64(e, "vpcs", "\n    vpcs %u", t->cfg.nvpc);
	gnv_emit_u64(e, "nets", " nets %u", t->cfg.nnet);
	gnv_emit_u64(e, "endpoints", " endpoints %u", t->cfg.nep);
	gnv_emit_u64(e, "ports", " ports %u", t->cfg.nport);
	gnv_emit_text(e, " peers %u\n", t->cfg.nhost);
	/* the table sizes (route run --limit): use above, room here */
	gnv_emit_obj_open(e, "limits", "    limits");
	for (unsigned int i = 0;; i++) {
		uint32_t v;
		const char *name = rt_limit_get(&t->cfg.lim, i, &v);

		if (!name)
			break;
		gnv_emit_u64(e, name, " %k %llu", v);
	}
	gnv_emit_obj_close(e, "\n");
	gnv_emit_obj_close(e, NULL);
	gnv_emit_arr_open(e, "peers", NULL);
	for (uint32_t i = 0; i < t->cfg.lim.max_hosts; i++)
		if (t->cfg.host[i].refs) {
			gnv_emit_obj_open(e, NULL, "peer");
			emit_addr(e, "addr", " %s", &t->cfg.host[i].addr);
			gnv_emit_u64(e, "refs", " refs %u", t->cfg.host[i].refs);
			gnv_emit_obj_close(e, "\n");
		}
	gnv_emit_arr_close(e, NULL);
}

static void show_vpcs(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	uint32_t *ix, n;

	ix = sorted(t, 'v', &n);
	gnv_emit_arr_open(e, "vpcs", NULL);
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if (filter && v->vni != vni)
			continue;
		gnv_emit_obj_open(e, NULL, NULL);
		emit_vpc(e, t, v, true);
		gnv_emit_u64(e, "nets", "\n    nets %u", v->nnet);
		gnv_emit_u64(e, "endpoints", " endpoints %u", v->nep);
		gnv_emit_u64(e, "flows", " flows %u", flow_count(v));
		gnv_emit_u64(e, "flow_evictions", " evictions %llu\n", v->flows.evictions);
		emit_counters(e, &v->st.c, false);
		gnv_emit_u64(e, "delivered", "    delivered %llu", v->st.delivered);
		gnv_emit_u64(e, "forwarded", " forwarded %llu", v->st.forwarded);
		gnv_emit_u64(e, "replies", " replies %llu", v->st.replies);
		gnv_emit_u64(e, "control", " control %llu\n", v->st.control);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	free(ix);
}

/* `show net` and `show ep`: each record's dump line, then its counters. */
static void show_records(const struct rt_tables *t, char kind, bool filter, uint32_t vni,
			 struct gnv_emit *e)
{
	uint32_t *ix, n;

	ix = sorted(t, kind, &n);
	gnv_emit_arr_open(e, kind == 'n' ? "nets" : "endpoints", NULL);
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_net *nt = kind == 'n' ? &t->cfg.net[ix[k]] : NULL;
		const struct rt_ep *ep = kind == 'n' ? NULL : &t->cfg.ep[ix[k]];

		/* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): one of nt and ep is set */
		if (filter && (nt ? nt->vni : ep->vni) != vni)
			continue;
		gnv_emit_obj_open(e, NULL, NULL);
		if (nt)
			emit_net(e, t, nt, true);
		else
			emit_ep(e, t, ep, true);
		gnv_emit_puts(e, "\n");
		emit_counters(e, nt ? &nt->c : &ep->c, false);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	free(ix);
}

static void show_ports(const struct rt_tables *t, const struct rt_runtime_ops *ops,
		       struct gnv_emit *e)
{
	gnv_emit_arr_open(e, "ports", NULL);
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++) {
		const struct rt_port *p = &t->cfg.port[i];
		struct rt_port_info info;
		bool have_info = false;

		if (!p->used)
			continue;
		memset(&info, 0, sizeof(info));
		if (ops && ops->port_info)
			have_info = !ops->port_info(ops->ctx, (int)i, &info);
		gnv_emit_obj_open(e, NULL, "port");
		gnv_emit_str(e, "name", " %s", p->name);
		gnv_emit_u64(e, "index", " index %u", i);
		gnv_emit_u64(e, "mtu", " mtu %u", p->mtu);
		if (p->netns[0])
			gnv_emit_str(e, "netns", " netns %s", p->netns);
		else
			gnv_emit_null(e, "netns", NULL);
		gnv_emit_arr_open(e, "endpoints", " endpoints");
		if (!p->nep)
			gnv_emit_puts(e, " none");
		for (unsigned int k = 0; k < p->nep; k++) {
			const struct rt_ep *ep = &t->cfg.ep[p->ep[k]];

			gnv_emit_obj_open(e, NULL, " ");
			gnv_emit_u64(e, "vni", "%u", ep->vni);
			gnv_emit_ip(e, "ip", "/%s", ep->family, ep->ip);
			gnv_emit_obj_close(e, NULL);
		}
		gnv_emit_arr_close(e, "\n");
		emit_counters(e, &p->st.c, false);
		gnv_emit_u64(e, "arp_replies", "    arp_replies %llu", p->st.arp_replies);
		gnv_emit_u64(e, "nd_replies", " nd_replies %llu", p->st.nd_replies);
		gnv_emit_u64(e, "icmp_sent", " icmp_sent %llu\n", p->st.icmp_sent);
		if (have_info) {
			gnv_emit_obj_open(e, "device", "    device");
			gnv_emit_str(e, "ifname", " %s", info.ifname);
			gnv_emit_i64(e, "ifindex", " ifindex %d", info.ifindex);
			gnv_emit_bool(e, "up", " %s", info.up, "up", "down");
			gnv_emit_u64(e, "rx_errors", " rx_errors %llu", info.rx_errors);
			gnv_emit_u64(e, "tx_errors", " tx_errors %llu", info.tx_errors);
			gnv_emit_u64(e, "tx_dropped", " tx_dropped %llu", info.tx_dropped);
			gnv_emit_u64(e, "tx_passthrough", " tx_passthrough %llu", info.tx_passthrough);
			gnv_emit_u64(e, "tx_partial", " tx_partial %llu", info.tx_partial);
			gnv_emit_bool(e, "persistent", " %s", info.persistent, "persistent", "transient");
			gnv_emit_bool(e, "reattached", "%s", info.reattached, " re-attached", "");
			gnv_emit_str(e, "offloads", " offloads %s", info.offloads[0] ? info.offloads : "none");
			gnv_emit_obj_close(e, "\n");
			if (info.xdp)
				rt_port_xdp_emit(e, info.xdp);
		} else {
			gnv_emit_null(e, "device", NULL);
		}
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
}

/*
 * Drop counters by reason: every reason in JSON, the counted ones in
 * text, one line each (fmt: "%k" is the reason, then the count).
 */
static void emit_drops(struct gnv_emit *e, const uint64_t *d, const char *fmt)
{
	gnv_emit_obj_open(e, "drops", NULL);
	for (unsigned int r = 1; r < RT_DROP__COUNT; r++)
		gnv_emit_u64(e, rt_drop_name(r), d[r] ? fmt : NULL, d[r]);
	gnv_emit_obj_close(e, NULL);
}

static void show_drops(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	const struct rt_vpc *v = filter ? rt_vpc_find(t, vni) : NULL;

	emit_drops(e, v ? v->st.drop : t->run.st.drop, "%-18k %llu\n");
}

/*
 * The router's totals: `show stats` as three text lines, or top's
 * " key value" pairs (top samples no replies and control).
 */
static void emit_stats(struct gnv_emit *e, const struct rt_stats *s, bool top)
{
	static const struct {
		const char *key, *fmt;
		bool top;
	} f[] = {
		{ "port_rx", "%k %llu", true }, { "underlay_rx", " %k %llu\n", true },
		{ "delivered", "%k %llu", true }, { "forwarded", " %k %llu", true },
		{ "replies", " %k %llu", false }, { "control", " %k %llu\n", false },
		{ "drops", "%k %llu", true }, { "tx_errors", " %k %llu\n", true },
	};
	const uint64_t val[] = { s->port_rx, s->underlay_rx, s->delivered, s->forwarded,
				 s->replies, s->control, s->drops, s->tx_errors };

	gnv_emit_obj_open(e, "stats", top ? "stats" : NULL);
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (f[i].top || !top)
			gnv_emit_u64(e, f[i].key, top ? " %k %llu" : f[i].fmt, val[i]);
	gnv_emit_obj_close(e, top ? "\n" : NULL);
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmp6";
	}
	return NULL;
}

/*
 * What the router did with a flow's last packet: src_ep, dst_ep (the
 * overlay IP, or "-"/null when not an endpoint), path, host (its
 * underlay peer, "-"/null), verdict ("drop:route.none" in text; verdict
 * and reason apart in JSON).
 */
static void emit_flow_fate(struct gnv_emit *e, const struct rt_flow *f)
{
	gnv_emit_ip(e, "src_ep", " src_ep %s", f->src_ep ? f->family : 0, f->src);
	gnv_emit_ip(e, "dst_ep", " dst_ep %s", f->dst_ep ? f->family : 0, f->dst);
	gnv_emit_str(e, "path", " path %s", rt_path_name(f->path));
	emit_addr(e, "host", " host %s", &f->host);
	gnv_emit_str(e, "verdict", " verdict %s", rt_verdict_name(f->verdict));
	gnv_emit_str(e, "reason", f->reason ? ":%s" : NULL,
		     f->reason ? rt_drop_name(f->reason) : NULL);
}

/*
 * The network-policy decision on a flow's last packet: policy ("-" when
 * the VPC has no policy, open, allow, tracked, deny) and, for allow, the
 * rule ("prod/web ingress rule 1"; in text with ':' for the spaces, so
 * the line stays KEY VALUE pairs).
 */
static void emit_flow_policy(const struct rt_tables *t, struct gnv_emit *e, const struct rt_flow *f)
{
	char rule[RT_POL_NAME_MAX + 32];
	const char *r = f->pol == RT_POL_HOW_RULE ? rt_policy_rule_name(t->cfg.pol, f->pol_rule, rule, sizeof(rule))
						   : NULL;

	gnv_emit_str(e, "policy", " policy %s", rt_pol_how_name(f->pol));
	if (!r) {
		gnv_emit_null(e, "policy_rule", NULL);
		return;
	}
	if (!gnv_emit_is_json(e))
		for (char *p = rule; *p; p++)
			if (*p == ' ')
				*p = ':';
	gnv_emit_str(e, "policy_rule", " rule %s", rule);
}

/*
 * A flow's key and counters.  JSON orders the 5-tuple src, dst, sport,
 * dport, the text src sport dst dport: sport is written twice, once for
 * each form (fmt: the text of src, sport, dst, dport).
 */
static void emit_flow_key(struct gnv_emit *e, const struct rt_flow *f, const char *const fmt[4])
{
	gnv_emit_ip(e, "src", fmt[0], f->family, f->src);
	gnv_emit_text(e, fmt[1], f->sport);
	gnv_emit_ip(e, "dst", fmt[2], f->family, f->dst);
	gnv_emit_u64(e, "sport", NULL, f->sport);
	gnv_emit_u64(e, "dport", fmt[3], f->dport);
	gnv_emit_u64(e, "packets", " packets %llu", f->pkts);
	gnv_emit_u64(e, "bytes", " bytes %llu", f->bytes);
}

static void show_flows(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e)
{
	static const char *const fmt4[4] = { " %s", ":%u", " -> %s", ":%u" };
	static const char *const fmt6[4] = { " [%s]", ":%u", " -> [%s]", ":%u" };
	uint32_t *ix, n;

	ix = sorted(t, 'v', &n);
	gnv_emit_arr_open(e, "flows", NULL);
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if ((filter && v->vni != vni) || !v->flows.e)
			continue;
		for (uint32_t i = 0; i < v->flows.nsets * 4; i++) {
			const struct rt_flow *f = &v->flows.e[i];
			uint64_t age = t->run.now_ns > f->last_ns ? t->run.now_ns - f->last_ns : 0;
			const char *pn = proto_name(f->proto);

			if (!f->family)
				continue;
			gnv_emit_obj_open(e, NULL, NULL);
			gnv_emit_u64(e, "vni", "vpc %u ", v->vni);
			/* text: the protocol's name (a format with no value) or its number */
			gnv_emit_u64(e, "proto", pn ? pn : "proto %u", f->proto);
			emit_flow_key(e, f, f->family == 6 ? fmt6 : fmt4);
			gnv_emit_u64(e, "first_ns", NULL, f->first_ns);
			gnv_emit_u64(e, "last_ns", NULL, f->last_ns);
			gnv_emit_u64(e, "idle_ms", " idle_ms %llu", age / 1000000);
			emit_flow_fate(e, f);
			emit_flow_policy(t, e, f);
			gnv_emit_obj_close(e, "\n");
		}
	}
	gnv_emit_arr_close(e, NULL);
	free(ix);
}

/*
 * `show top [VNI]`: everything `genv top` samples, in one reply, as
 * records of "KIND key value ..." (text) or one JSON document.  Counters
 * are cumulative; top computes rates from their deltas.  Flows only for
 * the VPC given (the drill-down view).
 */
static void show_top(const struct rt_tables *t, const struct rt_runtime_ops *ops, bool filter,
		     uint32_t vni, struct gnv_emit *e)
{
	static const char *const flow_fmt[4] = { " src %s", " sport %u", " dst %s", " dport %u" };
	const struct rt_stats *s = &t->run.st;
	uint32_t *ix, n;

	gnv_emit_u64(e, "now_ns", "top now_ns %llu\n", t->run.now_ns);
	emit_stats(e, s, true);
	rt_dp_emit_stats(t, e);		/* direct path (dpath.h) */
	gnv_emit_arr_open(e, "ports", NULL);
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++) {
		const struct rt_port *p = &t->cfg.port[i];
		struct rt_port_info info;

		if (!p->used)
			continue;
		memset(&info, 0, sizeof(info));
		gnv_emit_obj_open(e, NULL, "port");
		gnv_emit_str(e, "name", " name %s", p->name);
		if (ops && ops->port_info && !ops->port_info(ops->ctx, (int)i, &info))
			gnv_emit_bool(e, "up", " up %s", info.up, "1", "0");
		else
			gnv_emit_null(e, "up", " up -");
		emit_counters(e, &p->st.c, true);
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
	gnv_emit_arr_open(e, "vpcs", NULL);
	ix = sorted(t, 'v', &n);
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		gnv_emit_obj_open(e, NULL, "vpc");
		gnv_emit_u64(e, "vni", " vni %u", v->vni);
		/* an unnamed VPC: "" in JSON, "-" in text (a format with no value) */
		gnv_emit_str(e, "name", v->name[0] ? " name %s" : " name -", v->name);
		gnv_emit_u64(e, "endpoints", " endpoints %u", v->nep);
		gnv_emit_u64(e, "flows", " flows %u", flow_count(v));
		emit_counters(e, &v->st.c, true);
		gnv_emit_obj_close(e, "\n");
	}
	gnv_emit_arr_close(e, NULL);
	emit_drops(e, s->drop, "drop reason %k count %llu\n");
	gnv_emit_arr_open(e, "flows", NULL);
	for (uint32_t k = 0; filter && ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if (v->vni != vni || !v->flows.e)
			continue;
		for (uint32_t i = 0; i < v->flows.nsets * 4; i++) {
			const struct rt_flow *f = &v->flows.e[i];

			if (!f->family)
				continue;
			gnv_emit_obj_open(e, NULL, "flow");
			gnv_emit_u64(e, "vni", " vni %u", v->vni);
			gnv_emit_u64(e, "proto", " proto %u", f->proto);
			emit_flow_key(e, f, flow_fmt);
			gnv_emit_u64(e, "first_ns", " first_ns %llu", f->first_ns);
			gnv_emit_u64(e, "last_ns", " last_ns %llu", f->last_ns);
			emit_flow_fate(e, f);
			emit_flow_policy(t, e, f);
			gnv_emit_obj_close(e, "\n");
		}
	}
	gnv_emit_arr_close(e, NULL);
	free(ix);
}

int rt_show_cmd(struct rt_cmd *c, bool json_mode, struct sbuf *out)
{
	const struct rt_tables *t = c->t;
	const char *topic = c->n > 1 ? c->w[1] : "", *name = NULL;
	bool filter = false;
	uint32_t vni = 0;
	struct gnv_emit e;
	int r = 0;

	if (*topic && !rt_lang_is_word(topic, rt_show_topics)) {
		char list[160];

		rt_lang_list_words(list, sizeof(list), rt_show_topics);
		return rt_lang_word_err(c, 1, "unknown topic (expected %s)", list);
	}
	if (c->n > 2) {
		if (!strcmp(topic, "port") || !strcmp(topic, "host") || !strcmp(topic, "config"))
			return rt_lang_word_err(c, 2, "unexpected word");
		r = rt_lang_vpc(c, 2, true, &vni);
		if (r)
			return r;
		filter = true;
		if (c->n > 3 && !strcmp(topic, "policy"))
			name = c->w[3];
		if (c->n > (name ? 4 : 3))
			return rt_lang_word_err(c, name ? 4 : 3, "unexpected word");
	}
	gnv_emit_init(&e, out, json_mode, false);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, RT_SHOW_SCHEMA);
	if (!strcmp(topic, "config")) {
		struct sbuf tmp = SBUF_INIT;

		r = rt_config_dump(t, &tmp);
		gnv_emit_str(&e, "config", "%s", sbuf_str(&tmp));
		sbuf_free(&tmp);
	} else if (!*topic) {
		show_host(t, &e);
		show_vpcs(t, false, 0, &e);
	} else if (!strcmp(topic, "host")) {
		show_host(t, &e);
	} else if (!strcmp(topic, "vpc")) {
		show_vpcs(t, filter, vni, &e);
	} else if (!strcmp(topic, "net")) {
		show_records(t, 'n', filter, vni, &e);
	} else if (!strcmp(topic, "ep")) {
		show_records(t, 'e', filter, vni, &e);
	} else if (!strcmp(topic, "port")) {
		show_ports(t, c->ops, &e);
	} else if (!strcmp(topic, "stats")) {
		if (filter)
			show_vpcs(t, filter, vni, &e);
		else
			emit_stats(&e, &t->run.st, false);
		if (!filter) {
			rt_dp_emit_stats(t, &e);
			rt_hl_emit_stats(t, &e);	/* backend health (health.h) */
		}
		show_drops(t, filter, vni, &e);
	} else if (!strcmp(topic, "flows")) {
		show_flows(t, filter, vni, &e);
	} else if (!strcmp(topic, "top")) {
		show_top(t, c->ops, filter, vni, &e);
	} else if (!strcmp(topic, "policy")) {
		rt_policy_show(t, filter, vni, name, &e);
	} else if (!strcmp(topic, "ns")) {
		rt_policy_show_ns(t, filter, vni, &e);
	} else if (!strcmp(topic, "cache")) {
		rt_dp_show(t, filter, vni, &e);
	} else if (!strcmp(topic, "conntrack")) {
		rt_policy_show_ct(t, filter, vni, &e);
	} else if (!strcmp(topic, "nat")) {
		rt_nat_show(t, filter, vni, &e);
	} else {
		show_drops(t, filter, vni, &e);
	}
	gnv_emit_obj_close(&e, NULL);
	if (r)
		return r;
	return out->oom ? -ENOMEM : 0;
}

/* dump: the running config as commands; in JSON the 'show config' document */
int rt_show_dump_cmd(struct rt_cmd *c, bool json, struct sbuf *out)
{
	if (c->n > 1)
		return rt_lang_word_err(c, 1, "unexpected word");
	if (json) {
		c->w[1] = (char *)"config";
		c->n = 2;
		return rt_show_cmd(c, true, out);
	}
	return rt_config_dump(c->t, out);
}
