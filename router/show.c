/* SPDX-License-Identifier: MIT */
/*
 * What the router prints about its tables: `show [TOPIC] [VNI]` in text
 * or JSON (one walk over the tables renders either), and `dump`, the
 * running configuration as the commands that re-create it
 * (rt_config_dump(), which --state files are written from).
 * Layer: router; calls lang (words), tables, pipeline and stats names, the
 * runtime's port_info (config.h), libcore json/sbuf/opt_tlv and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/json.h"
#include "../libcore/opt_tlv.h"
#include "lang.h"
#include "pipeline.h"
#include "show.h"

const char *const rt_show_topics[] = { "vpc", "net", "ep", "port", "host", "stats", "flows",
				       "drops", "config", "top", NULL };

/* ---- dump ---- */

static void put_addr(struct sbuf *o, int family, const uint8_t *a)
{
	if (family == 6)
		sbuf_ip6(o, a);
	else
		sbuf_ip4(o, a);
}

static void put_prefix(struct sbuf *o, const struct rt_prefix *p)
{
	put_addr(o, p->family, p->a);
	sbuf_printf(o, "/%u", p->len);
}

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

static void dump_ep(const struct rt_tables *t, const struct rt_ep *e, struct sbuf *o, bool show)
{
	struct rt_ep_spec s;

	rt_ep_to_spec(t, e, &s);
	if (!show)
		sbuf_puts(o, "add ");
	sbuf_printf(o, "ep %u ", e->vni);
	put_addr(o, e->family, e->ip);
	sbuf_puts(o, " mac ");
	sbuf_mac(o, e->mac);
	sbuf_printf(o, " type %s", rt_lang_ep_types[e->type & 3]);
	if (e->port >= 0)
		sbuf_printf(o, " port %s", t->cfg.port[e->port].name);
	for (unsigned int i = 0; i < s.nhost; i++) {
		sbuf_puts(o, " host ");
		put_addr(o, s.host[i].family, s.host[i].a);
	}
	for (unsigned int i = 0; i < s.nlabel; i++)
		sbuf_printf(o, " label %u", s.label[i]);
	put_opts_words(o, s.opts, s.opt_size);
	if (e->mtu)
		sbuf_printf(o, " mtu %u", e->mtu);
}

static void dump_vpc(const struct rt_tables *t, const struct rt_vpc *v, struct sbuf *o, bool show)
{
	if (!show)
		sbuf_puts(o, "add ");
	sbuf_printf(o, "vpc %u", v->vni);
	if (v->name[0])
		sbuf_printf(o, " name %s", v->name);
	for (unsigned int i = 0; i < v->ncidr; i++) {
		sbuf_puts(o, " cidr ");
		put_prefix(o, &v->cidr[i]);
	}
	for (unsigned int i = 0; i < v->ndivider; i++) {
		const struct gnv_addr *a = &t->cfg.host[v->divider[i]].addr;

		sbuf_puts(o, " divider ");
		put_addr(o, a->family, a->a);
	}
}

static void dump_net(const struct rt_tables *t, const struct rt_net *n, struct sbuf *o, bool show)
{
	if (!show)
		sbuf_puts(o, "add ");
	sbuf_printf(o, "net %u ", n->vni);
	put_prefix(o, &n->p);
	if (n->gw_explicit || show) {
		sbuf_puts(o, " gw ");
		put_addr(o, n->p.family, n->gw);
	}
	for (unsigned int i = 0; i < n->nbouncer; i++) {
		const struct gnv_addr *a = &t->cfg.host[n->bouncer[i]].addr;

		sbuf_puts(o, " bouncer ");
		put_addr(o, a->family, a->a);
	}
}

static void dump_host(const struct rt_tables *t, struct sbuf *o, bool show)
{
	const struct rt_self *s = &t->cfg.self;

	sbuf_puts(o, show ? "host" : "set host");
	if (s->addr_set) {
		sbuf_puts(o, " addr ");
		put_addr(o, s->addr.family, s->addr.a);
	}
	if (s->id[0])
		sbuf_printf(o, " id %s", s->id);
	sbuf_puts(o, " mac ");
	sbuf_mac(o, s->mac);
	sbuf_printf(o, " mtu %u dscp %u ttl %u rts %s", s->mtu, s->dscp, s->ttl, s->rts ? "on" : "off");
}

int rt_config_dump(const struct rt_tables *t, struct sbuf *o)
{
	uint32_t *ix, n;

	dump_host(t, o, false);
	sbuf_putc(o, '\n');
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++)
		if (t->cfg.port[i].used)
			sbuf_printf(o, "add port %s mtu %u\n", t->cfg.port[i].name, t->cfg.port[i].mtu);
	ix = sorted(t, 'v', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		dump_vpc(t, &t->cfg.vpc[ix[i]], o, false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	ix = sorted(t, 'n', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		dump_net(t, &t->cfg.net[ix[i]], o, false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	ix = sorted(t, 'e', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		dump_ep(t, &t->cfg.ep[ix[i]], o, false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	return o->oom ? -ENOMEM : 0;
}

/* ---- show ---- */

static void j_addr(struct json *j, const char *key, const struct gnv_addr *a)
{
	json_ip(j, key, a->family, a->a);
}

static void j_prefix(struct json *j, const char *key, const struct rt_prefix *p)
{
	char buf[RT_PREFIX_STR];

	json_str(j, key, rt_prefix_fmt(buf, sizeof(buf), p));
}

static void j_counters(struct json *j, const char *key, const struct rt_counters *c)
{
	json_obj_open(j, key);
	json_u64(j, "rx_packets", c->rx_pkts);
	json_u64(j, "rx_bytes", c->rx_bytes);
	json_u64(j, "tx_packets", c->tx_pkts);
	json_u64(j, "tx_bytes", c->tx_bytes);
	json_u64(j, "drops", c->drops);
	json_obj_close(j);
}

static void t_counters(struct sbuf *o, const struct rt_counters *c)
{
	sbuf_printf(o, "    rx %llu pkts %llu bytes  tx %llu pkts %llu bytes  drops %llu\n",
		    (unsigned long long)c->rx_pkts, (unsigned long long)c->rx_bytes,
		    (unsigned long long)c->tx_pkts, (unsigned long long)c->tx_bytes,
		    (unsigned long long)c->drops);
}

static uint32_t flow_count(const struct rt_vpc *v)
{
	uint32_t n = 0;

	for (uint32_t i = 0; v->flows.e && i < v->flows.nsets * 4; i++)
		n += v->flows.e[i].family != 0;
	return n;
}

static void show_host(const struct rt_tables *t, struct json *j, struct sbuf *o)
{
	const struct rt_self *s = &t->cfg.self;

	if (j) {
		json_obj_open(j, "host");
		if (s->addr_set)
			j_addr(j, "addr", &s->addr);
		else
			json_null(j, "addr");
		json_str(j, "id", s->id);
		json_mac(j, "mac", s->mac);
		json_u64(j, "mtu", s->mtu);
		json_u64(j, "dscp", s->dscp);
		json_u64(j, "ttl", s->ttl);
		json_bool(j, "rts", s->rts);
		json_u64(j, "peers", t->cfg.nhost);
		json_u64(j, "vpcs", t->cfg.nvpc);
		json_u64(j, "nets", t->cfg.nnet);
		json_u64(j, "endpoints", t->cfg.nep);
		json_u64(j, "ports", t->cfg.nport);
		json_obj_close(j);
		json_arr_open(j, "peers");
		for (uint32_t i = 0; i < t->cfg.lim.max_hosts; i++)
			if (t->cfg.host[i].refs) {
				json_obj_open(j, NULL);
				j_addr(j, "addr", &t->cfg.host[i].addr);
				json_u64(j, "refs", t->cfg.host[i].refs);
				json_obj_close(j);
			}
		json_arr_close(j);
		return;
	}
	dump_host(t, o, true);
	sbuf_printf(o, "\n    vpcs %u nets %u endpoints %u ports %u peers %u\n", t->cfg.nvpc, t->cfg.nnet,
		    t->cfg.nep, t->cfg.nport, t->cfg.nhost);
	for (uint32_t i = 0; i < t->cfg.lim.max_hosts; i++)
		if (t->cfg.host[i].refs) {
			sbuf_puts(o, "peer ");
			put_addr(o, t->cfg.host[i].addr.family, t->cfg.host[i].addr.a);
			sbuf_printf(o, " refs %u\n", t->cfg.host[i].refs);
		}
}

static void show_vpcs(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		      struct sbuf *o)
{
	uint32_t *ix, n;

	ix = sorted(t, 'v', &n);
	if (j)
		json_arr_open(j, "vpcs");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if (filter && v->vni != vni)
			continue;
		if (j) {
			json_obj_open(j, NULL);
			json_u64(j, "vni", v->vni);
			json_str(j, "name", v->name);
			json_arr_open(j, "cidrs");
			for (unsigned int i = 0; i < v->ncidr; i++)
				j_prefix(j, NULL, &v->cidr[i]);
			json_arr_close(j);
			json_arr_open(j, "dividers");
			for (unsigned int i = 0; i < v->ndivider; i++)
				j_addr(j, NULL, &t->cfg.host[v->divider[i]].addr);
			json_arr_close(j);
			json_u64(j, "nets", v->nnet);
			json_u64(j, "endpoints", v->nep);
			json_u64(j, "flows", flow_count(v));
			json_u64(j, "flow_evictions", v->flows.evictions);
			j_counters(j, "counters", &v->st.c);
			json_u64(j, "delivered", v->st.delivered);
			json_u64(j, "forwarded", v->st.forwarded);
			json_u64(j, "replies", v->st.replies);
			json_u64(j, "control", v->st.control);
			json_obj_close(j);
		} else {
			dump_vpc(t, v, o, true);
			sbuf_printf(o, "\n    nets %u endpoints %u flows %u\n", v->nnet, v->nep, flow_count(v));
			t_counters(o, &v->st.c);
			sbuf_printf(o, "    delivered %llu forwarded %llu replies %llu control %llu\n",
				    (unsigned long long)v->st.delivered,
				    (unsigned long long)v->st.forwarded,
				    (unsigned long long)v->st.replies,
				    (unsigned long long)v->st.control);
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static void show_nets(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		      struct sbuf *o)
{
	uint32_t *ix, n;

	ix = sorted(t, 'n', &n);
	if (j)
		json_arr_open(j, "nets");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_net *nt = &t->cfg.net[ix[k]];

		if (filter && nt->vni != vni)
			continue;
		if (j) {
			json_obj_open(j, NULL);
			json_u64(j, "vni", nt->vni);
			j_prefix(j, "prefix", &nt->p);
			json_ip(j, "gw", nt->p.family, nt->gw);
			json_arr_open(j, "bouncers");
			for (unsigned int i = 0; i < nt->nbouncer; i++)
				j_addr(j, NULL, &t->cfg.host[nt->bouncer[i]].addr);
			json_arr_close(j);
			j_counters(j, "counters", &nt->c);
			json_obj_close(j);
		} else {
			dump_net(t, nt, o, true);
			sbuf_putc(o, '\n');
			t_counters(o, &nt->c);
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static void show_eps(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		     struct sbuf *o)
{
	uint32_t *ix, n;

	ix = sorted(t, 'e', &n);
	if (j)
		json_arr_open(j, "endpoints");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_ep *e = &t->cfg.ep[ix[k]];
		struct rt_ep_spec s;

		if (filter && e->vni != vni)
			continue;
		if (j) {
			rt_ep_to_spec(t, e, &s);
			json_obj_open(j, NULL);
			json_u64(j, "vni", e->vni);
			json_ip(j, "ip", e->family, e->ip);
			json_mac(j, "mac", e->mac);
			json_str(j, "type", rt_lang_ep_types[e->type & 3]);
			if (e->port >= 0)
				json_str(j, "port", t->cfg.port[e->port].name);
			else
				json_null(j, "port");
			json_arr_open(j, "hosts");
			for (unsigned int i = 0; i < s.nhost; i++)
				j_addr(j, NULL, &s.host[i]);
			json_arr_close(j);
			json_arr_open(j, "labels");
			for (unsigned int i = 0; i < s.nlabel; i++)
				json_u64(j, NULL, s.label[i]);
			json_arr_close(j);
			json_hex(j, "options", s.opts, s.opt_size);
			json_u64(j, "mtu", e->mtu);
			j_counters(j, "counters", &e->c);
			json_obj_close(j);
		} else {
			dump_ep(t, e, o, true);
			sbuf_putc(o, '\n');
			t_counters(o, &e->c);
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static void show_ports(const struct rt_tables *t, const struct rt_runtime_ops *ops,
		       struct json *j, struct sbuf *o)
{
	char a[RT_ADDR_STR];

	if (j)
		json_arr_open(j, "ports");
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++) {
		const struct rt_port *p = &t->cfg.port[i];
		struct rt_port_info info;
		bool have_info = false;

		if (!p->used)
			continue;
		memset(&info, 0, sizeof(info));
		if (ops && ops->port_info)
			have_info = !ops->port_info(ops->ctx, (int)i, &info);
		if (j) {
			json_obj_open(j, NULL);
			json_str(j, "name", p->name);
			json_u64(j, "index", i);
			json_u64(j, "mtu", p->mtu);
			json_arr_open(j, "endpoints");
			for (unsigned int k = 0; k < p->nep; k++) {
				const struct rt_ep *e = &t->cfg.ep[p->ep[k]];

				json_obj_open(j, NULL);
				json_u64(j, "vni", e->vni);
				json_ip(j, "ip", e->family, e->ip);
				json_obj_close(j);
			}
			json_arr_close(j);
			j_counters(j, "counters", &p->st.c);
			json_u64(j, "arp_replies", p->st.arp_replies);
			json_u64(j, "nd_replies", p->st.nd_replies);
			json_u64(j, "icmp_sent", p->st.icmp_sent);
			if (have_info) {
				json_obj_open(j, "device");
				json_str(j, "ifname", info.ifname);
				json_i64(j, "ifindex", info.ifindex);
				json_bool(j, "up", info.up);
				json_u64(j, "rx_errors", info.rx_errors);
				json_u64(j, "tx_errors", info.tx_errors);
				json_u64(j, "tx_dropped", info.tx_dropped);
				json_obj_close(j);
			} else {
				json_null(j, "device");
			}
			json_obj_close(j);
		} else {
			sbuf_printf(o, "port %s index %u mtu %u endpoints", p->name, i, p->mtu);
			if (!p->nep)
				sbuf_puts(o, " none");
			for (unsigned int k = 0; k < p->nep; k++) {
				const struct rt_ep *e = &t->cfg.ep[p->ep[k]];

				sbuf_printf(o, " %u/%s", e->vni, rt_addr_fmt(a, sizeof(a), e->family, e->ip));
			}
			sbuf_putc(o, '\n');
			t_counters(o, &p->st.c);
			sbuf_printf(o, "    arp_replies %llu nd_replies %llu icmp_sent %llu\n",
				    (unsigned long long)p->st.arp_replies,
				    (unsigned long long)p->st.nd_replies,
				    (unsigned long long)p->st.icmp_sent);
			if (have_info)
				sbuf_printf(o, "    device %s ifindex %d %s rx_errors %llu tx_errors %llu tx_dropped %llu\n",
					    info.ifname, info.ifindex, info.up ? "up" : "down",
					    (unsigned long long)info.rx_errors,
					    (unsigned long long)info.tx_errors,
					    (unsigned long long)info.tx_dropped);
		}
	}
	if (j)
		json_arr_close(j);
}

static void show_drops(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		       struct sbuf *o)
{
	const uint64_t *d = t->run.st.drop;
	const struct rt_vpc *v = filter ? rt_vpc_find(t, vni) : NULL;

	if (v)
		d = v->st.drop;
	if (j) {
		json_obj_open(j, "drops");
		for (unsigned int r = 1; r < RT_DROP__COUNT; r++)
			json_u64(j, rt_drop_name(r), d[r]);
		json_obj_close(j);
		return;
	}
	for (unsigned int r = 1; r < RT_DROP__COUNT; r++)
		if (d[r])
			sbuf_printf(o, "%-18s %llu\n", rt_drop_name(r), (unsigned long long)d[r]);
}

static void show_stats(const struct rt_tables *t, struct json *j, struct sbuf *o)
{
	const struct rt_stats *s = &t->run.st;

	if (j) {
		json_obj_open(j, "stats");
		json_u64(j, "port_rx", s->port_rx);
		json_u64(j, "underlay_rx", s->underlay_rx);
		json_u64(j, "delivered", s->delivered);
		json_u64(j, "forwarded", s->forwarded);
		json_u64(j, "replies", s->replies);
		json_u64(j, "control", s->control);
		json_u64(j, "drops", s->drops);
		json_u64(j, "tx_errors", s->tx_errors);
		json_obj_close(j);
		return;
	}
	sbuf_printf(o, "port_rx %llu underlay_rx %llu\ndelivered %llu forwarded %llu replies %llu control %llu\ndrops %llu tx_errors %llu\n",
		    (unsigned long long)s->port_rx, (unsigned long long)s->underlay_rx,
		    (unsigned long long)s->delivered, (unsigned long long)s->forwarded,
		    (unsigned long long)s->replies, (unsigned long long)s->control,
		    (unsigned long long)s->drops, (unsigned long long)s->tx_errors);
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
static void rt_show_flow_fate(const struct rt_flow *f, struct json *j, struct sbuf *o)
{
	char a[RT_ADDR_STR];

	if (j) {
		if (f->src_ep)
			json_ip(j, "src_ep", f->family, f->src);
		else
			json_null(j, "src_ep");
		if (f->dst_ep)
			json_ip(j, "dst_ep", f->family, f->dst);
		else
			json_null(j, "dst_ep");
		json_str(j, "path", rt_path_name(f->path));
		if (f->host.family)
			json_ip(j, "host", f->host.family, f->host.a);
		else
			json_null(j, "host");
		json_str(j, "verdict", rt_verdict_name(f->verdict));
		if (f->reason)
			json_str(j, "reason", rt_drop_name(f->reason));
		else
			json_null(j, "reason");
		return;
	}
	sbuf_printf(o, " src_ep %s", f->src_ep ? rt_addr_fmt(a, sizeof(a), f->family, f->src) : "-");
	sbuf_printf(o, " dst_ep %s", f->dst_ep ? rt_addr_fmt(a, sizeof(a), f->family, f->dst) : "-");
	sbuf_printf(o, " path %s host %s verdict %s%s%s", rt_path_name(f->path),
		    f->host.family ? rt_addr_fmt(a, sizeof(a), f->host.family, f->host.a) : "-",
		    rt_verdict_name(f->verdict), f->reason ? ":" : "",
		    f->reason ? rt_drop_name(f->reason) : "");
}

static void show_flows(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		       struct sbuf *o)
{
	uint32_t *ix, n;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];

	ix = sorted(t, 'v', &n);
	if (j)
		json_arr_open(j, "flows");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if ((filter && v->vni != vni) || !v->flows.e)
			continue;
		for (uint32_t i = 0; i < v->flows.nsets * 4; i++) {
			const struct rt_flow *f = &v->flows.e[i];
			uint64_t age = t->run.now_ns > f->last_ns ? t->run.now_ns - f->last_ns : 0;
			const char *pn;

			if (!f->family)
				continue;
			pn = proto_name(f->proto);
			if (j) {
				json_obj_open(j, NULL);
				json_u64(j, "vni", v->vni);
				json_u64(j, "proto", f->proto);
				json_ip(j, "src", f->family, f->src);
				json_ip(j, "dst", f->family, f->dst);
				json_u64(j, "sport", f->sport);
				json_u64(j, "dport", f->dport);
				json_u64(j, "packets", f->pkts);
				json_u64(j, "bytes", f->bytes);
				json_u64(j, "first_ns", f->first_ns);
				json_u64(j, "last_ns", f->last_ns);
				json_u64(j, "idle_ms", age / 1000000);
				rt_show_flow_fate(f, j, o);
				json_obj_close(j);
				continue;
			}
			sbuf_printf(o, "vpc %u ", v->vni);
			if (pn)
				sbuf_puts(o, pn);
			else
				sbuf_printf(o, "proto %u", f->proto);
			sbuf_printf(o, " %s%s%s:%u -> %s%s%s:%u packets %llu bytes %llu idle_ms %llu",
				    f->family == 6 ? "[" : "", rt_addr_fmt(a, sizeof(a), f->family, f->src),
				    f->family == 6 ? "]" : "", f->sport,
				    f->family == 6 ? "[" : "", rt_addr_fmt(b, sizeof(b), f->family, f->dst),
				    f->family == 6 ? "]" : "", f->dport,
				    (unsigned long long)f->pkts, (unsigned long long)f->bytes,
				    (unsigned long long)(age / 1000000));
			rt_show_flow_fate(f, NULL, o);
			sbuf_putc(o, '\n');
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

/*
 * `show top [VNI]`: everything `genv top` samples, in one reply, as
 * records of "KIND key value ..." (text) or one JSON document.  Counters
 * are cumulative; top computes rates from their deltas.  Flows only for
 * the VPC given (the drill-down view).
 */
static void top_kv(struct sbuf *o, const char *k, uint64_t v)
{
	sbuf_printf(o, " %s %llu", k, (unsigned long long)v);
}

static void top_counters(struct json *j, struct sbuf *o, const struct rt_counters *c)
{
	if (j) {
		json_u64(j, "rx_packets", c->rx_pkts);
		json_u64(j, "rx_bytes", c->rx_bytes);
		json_u64(j, "tx_packets", c->tx_pkts);
		json_u64(j, "tx_bytes", c->tx_bytes);
		json_u64(j, "drops", c->drops);
		return;
	}
	top_kv(o, "rx_packets", c->rx_pkts);
	top_kv(o, "rx_bytes", c->rx_bytes);
	top_kv(o, "tx_packets", c->tx_pkts);
	top_kv(o, "tx_bytes", c->tx_bytes);
	top_kv(o, "drops", c->drops);
}

static void show_top(const struct rt_tables *t, const struct rt_runtime_ops *ops, bool filter,
		     uint32_t vni, struct json *j, struct sbuf *o)
{
	const struct rt_stats *s = &t->run.st;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];
	uint32_t *ix, n;

	if (j) {
		json_u64(j, "now_ns", t->run.now_ns);
		json_obj_open(j, "stats");
		json_u64(j, "port_rx", s->port_rx);
		json_u64(j, "underlay_rx", s->underlay_rx);
		json_u64(j, "delivered", s->delivered);
		json_u64(j, "forwarded", s->forwarded);
		json_u64(j, "drops", s->drops);
		json_u64(j, "tx_errors", s->tx_errors);
		json_obj_close(j);
		json_arr_open(j, "ports");
	} else {
		sbuf_printf(o, "top now_ns %llu\nstats", (unsigned long long)t->run.now_ns);
		top_kv(o, "port_rx", s->port_rx);
		top_kv(o, "underlay_rx", s->underlay_rx);
		top_kv(o, "delivered", s->delivered);
		top_kv(o, "forwarded", s->forwarded);
		top_kv(o, "drops", s->drops);
		top_kv(o, "tx_errors", s->tx_errors);
		sbuf_putc(o, '\n');
	}
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++) {
		const struct rt_port *p = &t->cfg.port[i];
		struct rt_port_info info;
		int up = -1;

		if (!p->used)
			continue;
		memset(&info, 0, sizeof(info));
		if (ops && ops->port_info && !ops->port_info(ops->ctx, (int)i, &info))
			up = info.up;
		if (j) {
			json_obj_open(j, NULL);
			json_str(j, "name", p->name);
			if (up < 0)
				json_null(j, "up");
			else
				json_bool(j, "up", up);
		} else {
			sbuf_printf(o, "port name %s up %s", p->name, up < 0 ? "-" : up ? "1" : "0");
		}
		top_counters(j, o, &p->st.c);
		if (j)
			json_obj_close(j);
		else
			sbuf_putc(o, '\n');
	}
	if (j) {
		json_arr_close(j);
		json_arr_open(j, "vpcs");
	}
	ix = sorted(t, 'v', &n);
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if (j) {
			json_obj_open(j, NULL);
			json_u64(j, "vni", v->vni);
			json_str(j, "name", v->name);
			json_u64(j, "endpoints", v->nep);
			json_u64(j, "flows", flow_count(v));
		} else {
			sbuf_printf(o, "vpc vni %u name %s endpoints %u flows %u", v->vni,
				    v->name[0] ? v->name : "-", v->nep, flow_count(v));
		}
		top_counters(j, o, &v->st.c);
		if (j)
			json_obj_close(j);
		else
			sbuf_putc(o, '\n');
	}
	if (j) {
		json_arr_close(j);
		json_obj_open(j, "drops");
	}
	for (unsigned int r = 1; r < RT_DROP__COUNT; r++) {
		if (j)
			json_u64(j, rt_drop_name(r), s->drop[r]);
		else if (s->drop[r])
			sbuf_printf(o, "drop reason %s count %llu\n", rt_drop_name(r),
				    (unsigned long long)s->drop[r]);
	}
	if (j) {
		json_obj_close(j);
		json_arr_open(j, "flows");
	}
	for (uint32_t k = 0; filter && ix && k < n; k++) {
		const struct rt_vpc *v = &t->cfg.vpc[ix[k]];

		if (v->vni != vni || !v->flows.e)
			continue;
		for (uint32_t i = 0; i < v->flows.nsets * 4; i++) {
			const struct rt_flow *f = &v->flows.e[i];

			if (!f->family)
				continue;
			rt_addr_fmt(a, sizeof(a), f->family, f->src);
			rt_addr_fmt(b, sizeof(b), f->family, f->dst);
			if (j) {
				json_obj_open(j, NULL);
				json_u64(j, "vni", v->vni);
				json_u64(j, "proto", f->proto);
				json_str(j, "src", a);
				json_str(j, "dst", b);
				json_u64(j, "sport", f->sport);
				json_u64(j, "dport", f->dport);
				json_u64(j, "packets", f->pkts);
				json_u64(j, "bytes", f->bytes);
				json_u64(j, "first_ns", f->first_ns);
				json_u64(j, "last_ns", f->last_ns);
				rt_show_flow_fate(f, j, o);
				json_obj_close(j);
				continue;
			}
			sbuf_printf(o, "flow vni %u proto %u src %s sport %u dst %s dport %u", v->vni,
				    f->proto, a, f->sport, b, f->dport);
			top_kv(o, "packets", f->pkts);
			top_kv(o, "bytes", f->bytes);
			top_kv(o, "first_ns", f->first_ns);
			top_kv(o, "last_ns", f->last_ns);
			rt_show_flow_fate(f, NULL, o);
			sbuf_putc(o, '\n');
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

int rt_show_cmd(struct rt_cmd *c, bool json_mode, struct sbuf *out)
{
	const struct rt_tables *t = c->t;
	const char *topic = c->n > 1 ? c->w[1] : "";
	bool filter = false;
	uint32_t vni = 0;
	struct json jj, *j = NULL;
	struct sbuf tmp = SBUF_INIT;
	int r;

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
		if (c->n > 3)
			return rt_lang_word_err(c, 3, "unexpected word");
	}
	if (!strcmp(topic, "config")) {
		r = rt_config_dump(t, &tmp);
		if (json_mode) {
			json_init(&jj, out, false);
			json_obj_open(&jj, NULL);
			json_u64(&jj, "schema", RT_SHOW_SCHEMA);
			json_str(&jj, "config", sbuf_str(&tmp));
			json_obj_close(&jj);
		} else {
			sbuf_add(out, sbuf_str(&tmp), tmp.len);
		}
		sbuf_free(&tmp);
		return r;
	}
	if (json_mode) {
		json_init(&jj, out, false);
		j = &jj;
		json_obj_open(j, NULL);
		json_u64(j, "schema", RT_SHOW_SCHEMA);
	}
	if (!*topic) {
		show_host(t, j, out);
		show_vpcs(t, false, 0, j, out);
	} else if (!strcmp(topic, "host")) {
		show_host(t, j, out);
	} else if (!strcmp(topic, "vpc")) {
		show_vpcs(t, filter, vni, j, out);
	} else if (!strcmp(topic, "net")) {
		show_nets(t, filter, vni, j, out);
	} else if (!strcmp(topic, "ep")) {
		show_eps(t, filter, vni, j, out);
	} else if (!strcmp(topic, "port")) {
		show_ports(t, c->ops, j, out);
	} else if (!strcmp(topic, "stats")) {
		if (filter)
			show_vpcs(t, filter, vni, j, out);
		else
			show_stats(t, j, out);
		show_drops(t, filter, vni, j, out);
	} else if (!strcmp(topic, "flows")) {
		show_flows(t, filter, vni, j, out);
	} else if (!strcmp(topic, "top")) {
		show_top(t, c->ops, filter, vni, j, out);
	} else {
		show_drops(t, filter, vni, j, out);
	}
	if (j)
		json_obj_close(j);
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
