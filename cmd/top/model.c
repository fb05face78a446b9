/* SPDX-License-Identifier: MIT */
/*
 * genv top: snapshots, rates from counter deltas, rows, and the batch
 * renderers (text and JSON through libcore's emitter).  Every view reads
 * struct top_snap only.
 *
 * Layer: cmd/top.  Calls libcore (emit, err) and router/stats.h (the
 * names and descriptions of drop reasons); no I/O.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <arpa/inet.h>
#include "top.h"
#include "../../libcore/err.h"
#include "../../libcore/emit.h"
#include "../../router/stats.h"

/* ---- snapshot storage ---- */

void top_snap_clear(struct top_snap *s)
{
	struct top_vpc *v = s->vpc;
	struct top_port *p = s->port;
	struct top_drop *d = s->drop;
	struct top_flow *f = s->flow;
	uint32_t cv = s->capvpc, cp = s->capport, cd = s->capdrop, cf = s->capflow;

	memset(s, 0, sizeof(*s));
	s->vpc = v, s->port = p, s->drop = d, s->flow = f;
	s->capvpc = cv, s->capport = cp, s->capdrop = cd, s->capflow = cf;
	s->flow_vni = TOP_NO_VNI;
}

void top_snap_free(struct top_snap *s)
{
	free(s->vpc);
	free(s->port);
	free(s->drop);
	free(s->flow);
	memset(s, 0, sizeof(*s));
	s->flow_vni = TOP_NO_VNI;
}

static void *grow(struct top_snap *s, void **arr, uint32_t *n, uint32_t *cap, size_t size)
{
	if (*n == *cap) {
		uint32_t nc = *cap ? *cap * 2 : 16;
		void *p = realloc(*arr, (size_t)nc * size);

		if (!p) {
			s->oom = true;
			return NULL;
		}
		*arr = p;
		*cap = nc;
	}
	memset((char *)*arr + (size_t)*n * size, 0, size);
	return (char *)*arr + (size_t)(*n)++ * size;
}

struct top_vpc *top_snap_add_vpc(struct top_snap *s)
{
	return grow(s, (void **)&s->vpc, &s->nvpc, &s->capvpc, sizeof(*s->vpc));
}

struct top_port *top_snap_add_port(struct top_snap *s)
{
	return grow(s, (void **)&s->port, &s->nport, &s->capport, sizeof(*s->port));
}

struct top_drop *top_snap_add_drop(struct top_snap *s)
{
	return grow(s, (void **)&s->drop, &s->ndrop, &s->capdrop, sizeof(*s->drop));
}

struct top_flow *top_snap_add_flow(struct top_snap *s)
{
	return grow(s, (void **)&s->flow, &s->nflow, &s->capflow, sizeof(*s->flow));
}

static int cmp_vpc_vni(const void *a, const void *b)
{
	const struct top_vpc *x = a, *y = b;

	return (x->vni > y->vni) - (x->vni < y->vni);
}

static int cmp_drop_reason(const void *a, const void *b)
{
	return strcmp(((const struct top_drop *)a)->reason, ((const struct top_drop *)b)->reason);
}

static int flow_key_cmp(const struct top_flow *x, const struct top_flow *y)
{
	int c;

	if (x->vni != y->vni)
		return x->vni < y->vni ? -1 : 1;
	if (x->family != y->family)
		return x->family < y->family ? -1 : 1;
	if (x->proto != y->proto)
		return x->proto < y->proto ? -1 : 1;
	c = memcmp(x->src, y->src, 16);
	if (c)
		return c;
	c = memcmp(x->dst, y->dst, 16);
	if (c)
		return c;
	if (x->sport != y->sport)
		return x->sport < y->sport ? -1 : 1;
	if (x->dport != y->dport)
		return x->dport < y->dport ? -1 : 1;
	return 0;
}

static int cmp_flow_key(const void *a, const void *b)
{
	return flow_key_cmp(a, b);
}

void top_snap_canon(struct top_snap *s)
{
	if (s->nvpc)
		qsort(s->vpc, s->nvpc, sizeof(*s->vpc), cmp_vpc_vni);
	if (s->ndrop)
		qsort(s->drop, s->ndrop, sizeof(*s->drop), cmp_drop_reason);
	if (s->nflow)
		qsort(s->flow, s->nflow, sizeof(*s->flow), cmp_flow_key);
}

/* ---- rates ---- */

double top_rate1(uint64_t prev, uint64_t cur, double dt, bool *reset)
{
	if (cur < prev) {
		*reset = true;
		return 0;
	}
	return dt > 0 ? (double)(cur - prev) / dt : 0;
}

/* All five rates of a counter set; any counter that went backwards makes
 * the whole set a new baseline (its counters were zeroed together). */
static bool ctr_rates(const struct top_ctr *p, const struct top_ctr *c, double dt,
		      struct top_rate *r)
{
	bool reset = false;

	r->rx_pps = top_rate1(p->rx_pkts, c->rx_pkts, dt, &reset);
	r->rx_bps = 8 * top_rate1(p->rx_bytes, c->rx_bytes, dt, &reset);
	r->tx_pps = top_rate1(p->tx_pkts, c->tx_pkts, dt, &reset);
	r->tx_bps = 8 * top_rate1(p->tx_bytes, c->tx_bytes, dt, &reset);
	r->drops_ps = top_rate1(p->drops, c->drops, dt, &reset);
	if (reset || dt <= 0)
		memset(r, 0, sizeof(*r));
	return reset || dt <= 0;
}

void top_rates(const struct top_snap *prev, struct top_snap *cur)
{
	static const struct top_ctr zero;
	double dt = 0;
	uint32_t i, k;

	if (prev && cur->t_ns > prev->t_ns)
		dt = (double)(cur->t_ns - prev->t_ns) / 1e9;
	cur->interval = dt;
	if (!prev || dt <= 0) {
		for (i = 0; i < cur->nvpc; i++)
			memset(&cur->vpc[i].r, 0, sizeof(cur->vpc[i].r)), cur->vpc[i].reset = true;
		for (i = 0; i < cur->nport; i++)
			memset(&cur->port[i].r, 0, sizeof(cur->port[i].r)), cur->port[i].reset = true;
		for (i = 0; i < cur->ndrop; i++)
			cur->drop[i].rate = 0, cur->drop[i].reset = true;
		for (i = 0; i < cur->nflow; i++)
			cur->flow[i].pps = cur->flow[i].bps = 0, cur->flow[i].reset = true;
		memset(&cur->total_r, 0, sizeof(cur->total_r));
		return;
	}
	ctr_rates(&prev->total, &cur->total, dt, &cur->total_r);
	/* VPCs, drops and flows are sorted by key: merge. */
	for (i = 0, k = 0; i < cur->nvpc; i++) {
		struct top_vpc *v = &cur->vpc[i];

		while (k < prev->nvpc && prev->vpc[k].vni < v->vni)
			k++;
		/* a VPC new since prev counted from zero within the interval */
		v->reset = ctr_rates(k < prev->nvpc && prev->vpc[k].vni == v->vni ? &prev->vpc[k].c :
				     &zero, &v->c, dt, &v->r);
	}
	for (i = 0; i < cur->nport; i++) {
		struct top_port *p = &cur->port[i];

		for (k = 0; k < prev->nport && strcmp(prev->port[k].name, p->name); k++)
			;
		p->reset = ctr_rates(k < prev->nport ? &prev->port[k].c : &zero, &p->c, dt, &p->r);
	}
	for (i = 0, k = 0; i < cur->ndrop; i++) {
		struct top_drop *d = &cur->drop[i];
		int c = 1;

		while (k < prev->ndrop && (c = strcmp(prev->drop[k].reason, d->reason)) < 0)
			k++;
		d->reset = false;
		if (k < prev->ndrop && !c)
			d->rate = top_rate1(prev->drop[k].count, d->count, dt, &d->reset);
		else
			d->rate = d->count / dt;	/* a reason that was at 0 */
	}
	for (i = 0, k = 0; i < cur->nflow; i++) {
		struct top_flow *f = &cur->flow[i];
		int c = 1;

		while (k < prev->nflow && (c = flow_key_cmp(&prev->flow[k], f)) < 0)
			k++;
		f->reset = false;
		if (k < prev->nflow && !c && prev->flow[k].first_ns == f->first_ns) {
			f->pps = top_rate1(prev->flow[k].pkts, f->pkts, dt, &f->reset);
			f->bps = 8 * top_rate1(prev->flow[k].bytes, f->bytes, dt, &f->reset);
			if (f->reset)
				f->pps = f->bps = 0;
		} else if (f->first_ns >= prev->t_ns && f->first_ns <= cur->t_ns) {
			/* began within the interval: all of it is new */
			f->pps = f->pkts / dt;
			f->bps = 8.0 * f->bytes / dt;
		} else {
			f->pps = f->bps = 0;
			f->reset = true;
		}
	}
}

/* ---- formatting ---- */

const char *top_proto_name(uint8_t proto, char *buf, size_t n)
{
	switch (proto) {
	case 0: return "-";
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmp6";
	case 132: return "sctp";
	}
	snprintf(buf, n, "%u", proto);
	return buf;
}

void top_fmt_endpoint(char *buf, size_t n, int family, const uint8_t *a, uint16_t port)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, ip, sizeof(ip));
	if (family == 6)
		snprintf(buf, n, "[%s]:%u", ip, port);
	else
		snprintf(buf, n, "%s:%u", ip, port);
}

void top_flow_unknown(struct top_flow *f)
{
	f->src_ep = f->dst_ep = false;
	f->host_family = 0;
	snprintf(f->path, sizeof(f->path), "-");
	snprintf(f->verdict, sizeof(f->verdict), "-");
	snprintf(f->policy, sizeof(f->policy), "-");
}

void top_fmt_path(char *buf, size_t n, const struct top_flow *f)
{
	char ip[INET6_ADDRSTRLEN] = "?";

	if (!f->host_family) {
		snprintf(buf, n, "%s", f->path[0] ? f->path : "-");
		return;
	}
	inet_ntop(f->host_family == 6 ? AF_INET6 : AF_INET, f->host, ip, sizeof(ip));
	snprintf(buf, n, "%s@%s", f->path[0] ? f->path : "-", ip);
}

static void fmt_ep(char *buf, size_t n, bool known, int family, const uint8_t *a)
{
	if (!known)
		snprintf(buf, n, "-");
	else if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
}

void top_fmt_si(char *buf, size_t n, double v)
{
	static const char unit[] = " kMGTP";
	int u = 0;

	while (v >= 999.95 && u < 5) {
		v /= 1000;
		u++;
	}
	if (u)
		snprintf(buf, n, "%.1f%c", v, unit[u]);
	else
		snprintf(buf, n, "%.1f", v);
}

const char *top_drop_desc(const char *reason)
{
	int r = rt_drop_lookup(reason);

	if (r > 0)
		return rt_drop_desc((unsigned int)r);
	r = gnv_err_lookup(reason);
	if (r >= 0)
		return gnv_err_msg((unsigned int)r);
	return "";
}

/* ---- views: columns, rows ---- */

enum { VC_VNI, VC_NAME, VC_EPS, VC_FLOWS, VC_PKTS, VC_RX, VC_RXB, VC_TX, VC_TXB, VC_DROP };
enum { FC_PROTO, FC_SRC, FC_DST, FC_PKTS, FC_BYTES, FC_PPS, FC_BPS, FC_AGE, FC_SRCEP, FC_DSTEP,
       FC_PATH, FC_VERDICT, FC_POLICY };
enum { DC_REASON, DC_COUNT, DC_RATE, DC_DESC };

const struct top_col top_cols[TOP_V__COUNT][TOP_MAX_COLS] = {
	[TOP_V_VPC] = {
		{ "VNI", "vni", 8, false },
		{ "NAME", "name", -10, false },
		{ "EPS", "eps", 5, true },
		{ "FLOWS", "flows", 6, true },
		{ "PKTS", "pkts", 10, true },
		{ "RX/s", "rx", 8, true },
		{ "RXbit/s", "rxbits", 8, true },
		{ "TX/s", "tx", 8, true },
		{ "TXbit/s", "txbits", 8, true },
		{ "DROP/s", "drops", 7, true },
	},
	[TOP_V_FLOW] = {
		{ "PROTO", "proto", -5, false },
		{ "SOURCE", "src", -22, false },
		{ "DESTINATION", "dst", -22, false },
		{ "PKTS", "pkts", 9, true },
		{ "BYTES", "bytes", 10, true },
		{ "PKT/s", "pps", 7, true },
		{ "bit/s", "bps", 7, true },
		{ "AGE", "age", 6, true },
		{ "SRC-EP", "srcep", -15, false },
		{ "DST-EP", "dstep", -15, false },
		{ "PATH", "path", -22, false },
		{ "VERDICT", "verdict", -30, false },
		{ "POLICY", "policy", -32, false },
	},
	[TOP_V_DROP] = {
		{ "REASON", "reason", -26, false },
		{ "COUNT", "count", 10, true },
		{ "RATE/s", "rate", 8, true },
		{ "DESCRIPTION", "desc", -60, false },
	},
};

int top_ncols(enum top_view v)
{
	int n = 0;

	while (n < TOP_MAX_COLS && top_cols[v][n].title)
		n++;
	return n;
}

int top_col_lookup(enum top_view v, const char *key)
{
	for (int i = 0; i < top_ncols(v); i++)
		if (!strcasecmp(top_cols[v][i].key, key) || !strcasecmp(top_cols[v][i].title, key))
			return i;
	return -1;
}

uint32_t top_nrows(const struct top_snap *s, enum top_view v)
{
	return v == TOP_V_VPC ? s->nvpc : v == TOP_V_FLOW ? s->nflow : s->ndrop;
}

static void cell(struct sbuf *o, int width, const char *text)
{
	int w = width < 0 ? -width : width;

	if (o->len && o->buf[o->len - 1] != '\n')
		sbuf_putc(o, ' ');
	/* too long: cut with "..." so a cut word never passes for a whole one */
	if ((int)strlen(text) > w && w > 3) {
		sbuf_printf(o, "%.*s...", w - 3, text);
		return;
	}
	sbuf_printf(o, width < 0 ? "%-*.*s" : "%*.*s", w, w, text);
}

static void cell_u64(struct sbuf *o, int width, uint64_t v)
{
	char b[24];

	snprintf(b, sizeof(b), "%llu", (unsigned long long)v);
	cell(o, width, b);
}

static void cell_si(struct sbuf *o, int width, double v)
{
	char b[24];

	top_fmt_si(b, sizeof(b), v);
	cell(o, width, b);
}

static void fmt_age(char *b, size_t n, double sec)
{
	if (sec < 60)
		snprintf(b, n, "%.0fs", sec);
	else if (sec < 3600)
		snprintf(b, n, "%um%02us", (unsigned int)sec / 60, (unsigned int)sec % 60);
	else
		snprintf(b, n, "%.1fh", sec / 3600);
}

static double flow_age(const struct top_snap *s, const struct top_flow *f)
{
	return s->t_ns > f->first_ns ? (double)(s->t_ns - f->first_ns) / 1e9 : 0;
}

/* The last column's text cell: at its width, or whole (wide: the screen
 * cuts it at its own width). */
static void cell_last(struct sbuf *o, int width, const char *text, bool wide)
{
	if (!wide) {
		cell(o, width, text);
		return;
	}
	if (o->len && o->buf[o->len - 1] != '\n')
		sbuf_putc(o, ' ');
	sbuf_puts(o, text);
}

void top_row_text(const struct top_snap *s, enum top_view v, uint32_t i, struct sbuf *o)
{
	top_row_text_wide(s, v, i, false, o);
}

void top_row_text_wide(const struct top_snap *s, enum top_view v, uint32_t i, bool wide,
		       struct sbuf *o)
{
	const struct top_col *c = top_cols[v];
	char b[64];

	if (v == TOP_V_VPC) {
		const struct top_vpc *p = &s->vpc[i];

		cell_u64(o, c[VC_VNI].width, p->vni);
		cell(o, c[VC_NAME].width, p->name[0] ? p->name : "-");
		cell_u64(o, c[VC_EPS].width, p->endpoints);
		cell_u64(o, c[VC_FLOWS].width, p->flows);
		cell_u64(o, c[VC_PKTS].width, p->c.rx_pkts);
		cell_si(o, c[VC_RX].width, p->r.rx_pps);
		cell_si(o, c[VC_RXB].width, p->r.rx_bps);
		cell_si(o, c[VC_TX].width, p->r.tx_pps);
		cell_si(o, c[VC_TXB].width, p->r.tx_bps);
		cell_si(o, c[VC_DROP].width, p->r.drops_ps);
	} else if (v == TOP_V_FLOW) {
		const struct top_flow *f = &s->flow[i];

		cell(o, c[FC_PROTO].width, top_proto_name(f->proto, b, sizeof(b)));
		top_fmt_endpoint(b, sizeof(b), f->family, f->src, f->sport);
		cell(o, c[FC_SRC].width, b);
		top_fmt_endpoint(b, sizeof(b), f->family, f->dst, f->dport);
		cell(o, c[FC_DST].width, b);
		cell_u64(o, c[FC_PKTS].width, f->pkts);
		cell_u64(o, c[FC_BYTES].width, f->bytes);
		cell_si(o, c[FC_PPS].width, f->pps);
		cell_si(o, c[FC_BPS].width, f->bps);
		fmt_age(b, sizeof(b), flow_age(s, f));
		cell(o, c[FC_AGE].width, b);
		fmt_ep(b, sizeof(b), f->src_ep, f->family, f->src);
		cell(o, c[FC_SRCEP].width, b);
		fmt_ep(b, sizeof(b), f->dst_ep, f->family, f->dst);
		cell(o, c[FC_DSTEP].width, b);
		top_fmt_path(b, sizeof(b), f);
		cell(o, c[FC_PATH].width, b);
		cell(o, c[FC_VERDICT].width, f->verdict[0] ? f->verdict : "-");
		cell_last(o, c[FC_POLICY].width, f->policy[0] ? f->policy : "-", wide);
	} else {
		const struct top_drop *d = &s->drop[i];

		cell(o, c[DC_REASON].width, d->reason);
		cell_u64(o, c[DC_COUNT].width, d->count);
		cell_si(o, c[DC_RATE].width, d->rate);
		cell_last(o, c[DC_DESC].width, top_drop_desc(d->reason), wide);
	}
}

void top_header_text(enum top_view v, struct sbuf *o)
{
	for (int i = 0; i < top_ncols(v); i++)
		cell(o, top_cols[v][i].width, top_cols[v][i].title);
}

/* qsort has no context argument: the sort runs single-threaded. */
static const struct top_snap *sort_snap;
static enum top_view sort_view;
static int sort_col;
static bool sort_desc;		/* the column sorts descending by default */

#define CMPV(a, b) (((a) > (b)) - ((a) < (b)))

static int row_cmp(const void *pa, const void *pb)
{
	uint32_t a = *(const uint32_t *)pa, b = *(const uint32_t *)pb;
	const struct top_snap *s = sort_snap;
	int c = 0;

	if (sort_view == TOP_V_VPC) {
		const struct top_vpc *x = &s->vpc[a], *y = &s->vpc[b];

		switch (sort_col) {
		case VC_NAME: c = strcmp(x->name, y->name); break;
		case VC_EPS: c = CMPV(x->endpoints, y->endpoints); break;
		case VC_FLOWS: c = CMPV(x->flows, y->flows); break;
		case VC_PKTS: c = CMPV(x->c.rx_pkts, y->c.rx_pkts); break;
		case VC_RX: c = CMPV(x->r.rx_pps, y->r.rx_pps); break;
		case VC_RXB: c = CMPV(x->r.rx_bps, y->r.rx_bps); break;
		case VC_TX: c = CMPV(x->r.tx_pps, y->r.tx_pps); break;
		case VC_TXB: c = CMPV(x->r.tx_bps, y->r.tx_bps); break;
		case VC_DROP: c = CMPV(x->r.drops_ps, y->r.drops_ps); break;
		}
		if (sort_desc)
			c = -c;
		if (!c)
			c = CMPV(x->vni, y->vni);
	} else if (sort_view == TOP_V_FLOW) {
		const struct top_flow *x = &s->flow[a], *y = &s->flow[b];

		switch (sort_col) {
		case FC_PROTO: c = CMPV(x->proto, y->proto); break;
		case FC_SRC: c = memcmp(x->src, y->src, 16); if (!c) c = CMPV(x->sport, y->sport); break;
		case FC_DST: c = memcmp(x->dst, y->dst, 16); if (!c) c = CMPV(x->dport, y->dport); break;
		case FC_PKTS: c = CMPV(x->pkts, y->pkts); break;
		case FC_BYTES: c = CMPV(x->bytes, y->bytes); break;
		case FC_PPS: c = CMPV(x->pps, y->pps); break;
		case FC_BPS: c = CMPV(x->bps, y->bps); break;
		case FC_AGE: c = CMPV(y->first_ns, x->first_ns); break;
		/* known endpoints first, then by address */
		case FC_SRCEP: c = CMPV(y->src_ep, x->src_ep); if (!c) c = memcmp(x->src, y->src, 16); break;
		case FC_DSTEP: c = CMPV(y->dst_ep, x->dst_ep); if (!c) c = memcmp(x->dst, y->dst, 16); break;
		case FC_PATH:
			c = strcmp(x->path, y->path);
			if (!c)
				c = CMPV(x->host_family, y->host_family);
			if (!c)
				c = memcmp(x->host, y->host, 16);
			break;
		case FC_VERDICT: c = strcmp(x->verdict, y->verdict); break;
		case FC_POLICY: c = strcmp(x->policy, y->policy); break;
		}
		if (sort_desc)
			c = -c;
		if (!c)
			c = flow_key_cmp(x, y);
	} else {
		const struct top_drop *x = &s->drop[a], *y = &s->drop[b];

		switch (sort_col) {
		case DC_COUNT: c = CMPV(x->count, y->count); break;
		case DC_RATE: c = CMPV(x->rate, y->rate); break;
		case DC_DESC: c = strcmp(top_drop_desc(x->reason), top_drop_desc(y->reason)); break;
		}
		if (sort_desc)
			c = -c;
		if (!c)
			c = strcmp(x->reason, y->reason);
	}
	return c;
}

static int row_cmp_rev(const void *a, const void *b)
{
	return -row_cmp(a, b);
}

uint32_t top_rows(const struct top_snap *s, enum top_view v, int col, bool reverse,
		  const char *filter, uint32_t *ix)
{
	uint32_t n = 0, total = top_nrows(s, v);
	struct sbuf line = SBUF_INIT;

	for (uint32_t i = 0; i < total; i++) {
		if (filter && *filter) {
			sbuf_reset(&line);
			top_row_text(s, v, i, &line);
			if (!line.buf || !strcasestr(line.buf, filter))
				continue;
		}
		ix[n++] = i;
	}
	sbuf_free(&line);
	if (col < 0 || col >= top_ncols(v))
		col = 0;
	sort_snap = s;
	sort_view = v;
	sort_col = col;
	sort_desc = top_cols[v][col].desc;
	if (n > 1)
		qsort(ix, n, sizeof(*ix), reverse ? row_cmp_rev : row_cmp);
	return n;
}

/* ---- batch renderers ---- */

static void fmt_time(char *b, size_t n, uint64_t wall_ns)
{
	time_t t = (time_t)(wall_ns / 1000000000);
	struct tm tm;

	gmtime_r(&t, &tm);
	snprintf(b, n, "%04d-%02d-%02dT%02d:%02d:%02d.%03uZ", tm.tm_year + 1900, tm.tm_mon + 1,
		 tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
		 (unsigned int)(wall_ns % 1000000000 / 1000000));
}

static uint64_t total_flows(const struct top_snap *s)
{
	uint64_t n = 0;

	for (uint32_t i = 0; i < s->nvpc; i++)
		n += s->vpc[i].flows;
	return n;
}

static void table_text(const struct top_snap *s, enum top_view v, int col, bool reverse,
		       struct sbuf *o)
{
	uint32_t n = top_nrows(s, v), *ix = calloc(n ? n : 1, sizeof(*ix));

	if (!ix) {
		o->oom = true;
		return;
	}
	n = top_rows(s, v, col, reverse, NULL, ix);
	top_header_text(v, o);
	while (o->len && o->buf[o->len - 1] == ' ')
		o->buf[--o->len] = 0;
	sbuf_putc(o, '\n');
	for (uint32_t i = 0; i < n; i++) {
		top_row_text(s, v, ix[i], o);
		while (o->len && o->buf[o->len - 1] == ' ')	/* padding of the last column */
			o->buf[--o->len] = 0;
		sbuf_putc(o, '\n');
	}
	free(ix);
}

/* Counters and rates of a row: JSON only (the text shows some of them, as
 * SI rates, in its own order). */
static void emit_ctr(struct gnv_emit *e, const struct top_ctr *c, const struct top_rate *r)
{
	gnv_emit_u64(e, "rx_packets", NULL, c->rx_pkts);
	gnv_emit_u64(e, "rx_bytes", NULL, c->rx_bytes);
	gnv_emit_u64(e, "tx_packets", NULL, c->tx_pkts);
	gnv_emit_u64(e, "tx_bytes", NULL, c->tx_bytes);
	gnv_emit_u64(e, "drops", NULL, c->drops);
	gnv_emit_dbl(e, "rx_pps", NULL, r->rx_pps);
	gnv_emit_dbl(e, "rx_bps", NULL, r->rx_bps);
	gnv_emit_dbl(e, "tx_pps", NULL, r->tx_pps);
	gnv_emit_dbl(e, "tx_bps", NULL, r->tx_bps);
	gnv_emit_dbl(e, "drops_ps", NULL, r->drops_ps);
}

/* Text only: a rate as top shows it (999.9, 1.2k, 3.4M) in fmt's %s. */
static void text_si(struct gnv_emit *e, const char *fmt, double v)
{
	char b[24];

	if (gnv_emit_is_json(e))
		return;
	top_fmt_si(b, sizeof(b), v);
	gnv_emit_str(e, NULL, fmt, b);
}

/* "allow prod/web ingress rule 1" -> "policy": "allow", "policy_rule":
 * "prod/web ingress rule 1" (as `genv route show flows -j`); "-" -> "-", null. */
static void json_policy(struct gnv_emit *e, const char *p)
{
	const char *sp = strchr(p, ' ');
	char how[16];

	if (!sp) {
		gnv_emit_str(e, "policy", NULL, p[0] ? p : "-");
		gnv_emit_null(e, "policy_rule", NULL);
		return;
	}
	snprintf(how, sizeof(how), "%.*s", (int)(sp - p), p);
	gnv_emit_str(e, "policy", NULL, how);
	gnv_emit_str(e, "policy_rule", NULL, sp + 1);
}

/* "drop:route.none" -> "verdict": "drop", "reason": "route.none" (as
 * `genv route show flows -j`); "forward" -> reason null. */
static void json_verdict(struct gnv_emit *e, const char *v)
{
	const char *colon = strchr(v, ':');
	char b[TOP_REASON_MAX + 8];

	if (!v[0])
		v = "-";
	if (!colon) {
		gnv_emit_str(e, "verdict", NULL, v);
		gnv_emit_null(e, "reason", NULL);
		return;
	}
	snprintf(b, sizeof(b), "%.*s", (int)(colon - v), v);
	gnv_emit_str(e, "verdict", NULL, b);
	gnv_emit_str(e, "reason", NULL, colon + 1);
}

/*
 * The VPC, drop and flow sections: in text the sorted, aligned tables the
 * screen shows too (top_row_text); in JSON the records in snapshot order.
 */
static void batch_vpcs(struct gnv_emit *e, const struct top_snap *s, int col, bool reverse)
{
	gnv_emit_arr_open(e, "vpcs", NULL);
	if (!gnv_emit_is_json(e))
		table_text(s, TOP_V_VPC, col, reverse, e->sb);
	for (uint32_t i = 0; gnv_emit_is_json(e) && i < s->nvpc; i++) {
		const struct top_vpc *v = &s->vpc[i];

		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "vni", NULL, v->vni);
		gnv_emit_str(e, "name", NULL, v->name);
		gnv_emit_u64(e, "endpoints", NULL, v->endpoints);
		gnv_emit_u64(e, "flows", NULL, v->flows);
		emit_ctr(e, &v->c, &v->r);
		gnv_emit_bool(e, "reset", NULL, v->reset, NULL, NULL);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
}

static void batch_drops(struct gnv_emit *e, const struct top_snap *s)
{
	gnv_emit_arr_open(e, "drops", s->ndrop ? "\n" : NULL);
	if (!gnv_emit_is_json(e) && s->ndrop)
		table_text(s, TOP_V_DROP, 1, false, e->sb);
	for (uint32_t i = 0; gnv_emit_is_json(e) && i < s->ndrop; i++) {
		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_str(e, "reason", NULL, s->drop[i].reason);
		gnv_emit_u64(e, "count", NULL, s->drop[i].count);
		gnv_emit_dbl(e, "rate", NULL, s->drop[i].rate);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
}

static void batch_flows(struct gnv_emit *e, const struct top_snap *s)
{
	if (s->flow_vni != TOP_NO_VNI) {
		gnv_emit_u64(e, "flows_vni", "\nFlows of VNI %u: ", s->flow_vni);
		gnv_emit_text(e, "%u\n", s->nflow);
	} else {
		gnv_emit_null(e, "flows_vni", NULL);
	}
	gnv_emit_arr_open(e, "flows", NULL);
	if (!gnv_emit_is_json(e) && s->flow_vni != TOP_NO_VNI)
		table_text(s, TOP_V_FLOW, 3, false, e->sb);
	for (uint32_t i = 0; gnv_emit_is_json(e) && i < s->nflow; i++) {
		const struct top_flow *f = &s->flow[i];

		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "vni", NULL, f->vni);
		gnv_emit_u64(e, "proto", NULL, f->proto);
		gnv_emit_ip(e, "src", NULL, f->family, f->src);
		gnv_emit_u64(e, "sport", NULL, f->sport);
		gnv_emit_ip(e, "dst", NULL, f->family, f->dst);
		gnv_emit_u64(e, "dport", NULL, f->dport);
		gnv_emit_u64(e, "packets", NULL, f->pkts);
		gnv_emit_u64(e, "bytes", NULL, f->bytes);
		gnv_emit_dbl(e, "pps", NULL, f->pps);
		gnv_emit_dbl(e, "bps", NULL, f->bps);
		gnv_emit_dbl(e, "age", NULL, flow_age(s, f));
		gnv_emit_ip(e, "src_ep", NULL, f->src_ep ? f->family : 0, f->src);
		gnv_emit_ip(e, "dst_ep", NULL, f->dst_ep ? f->family : 0, f->dst);
		gnv_emit_str(e, "path", NULL, f->path[0] ? f->path : "-");
		gnv_emit_ip(e, "host", NULL, f->host_family, f->host);
		json_verdict(e, f->verdict);
		json_policy(e, f->policy);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
}

/* One snapshot, text or JSON: the same calls. */
static void batch(struct gnv_emit *e, const struct top_snap *s, const struct top_src_info *src,
		  int col, bool reverse)
{
	const struct top_ctr *t = &s->total;
	char tb[80];

	fmt_time(tb, sizeof(tb), s->wall_ns);
	gnv_emit_obj_open(e, NULL, NULL);
	gnv_emit_u64(e, "schema", NULL, 1);
	gnv_emit_str(e, "source", "genv top - %s", src->kind);
	gnv_emit_str(e, "path", " %s", src->path);
	gnv_emit_str(e, "time", " - %s", tb);
	gnv_emit_dbl(e, "elapsed", " - elapsed %.3f s",
		     s->t_ns > s->start_ns ? (double)(s->t_ns - s->start_ns) / 1e9 : 0.0);
	gnv_emit_dbl(e, "interval", " - interval %.3f s", s->interval);
	gnv_emit_bool(e, "end", "%s\n", s->eof, " - end of capture", "");

	gnv_emit_obj_open(e, "totals", "Totals: ");
	gnv_emit_u64(e, "vpcs", "%u vpcs, ", s->nvpc);
	gnv_emit_u64(e, "flows", "%llu flows, ", total_flows(s));
	gnv_emit_u64(e, "frames", NULL, s->frames);
	gnv_emit_u64(e, "other", NULL, s->other);
	gnv_emit_text(e, "rx %llu pkts", (unsigned long long)t->rx_pkts);
	text_si(e, " %s pkt/s", s->total_r.rx_pps);
	text_si(e, " %s bit/s, ", s->total_r.rx_bps);
	gnv_emit_text(e, "tx %llu pkts", (unsigned long long)t->tx_pkts);
	text_si(e, " %s pkt/s", s->total_r.tx_pps);
	text_si(e, " %s bit/s, ", s->total_r.tx_bps);
	gnv_emit_text(e, "drops %llu", (unsigned long long)t->drops);
	text_si(e, " %s/s\n", s->total_r.drops_ps);
	emit_ctr(e, t, &s->total_r);
	gnv_emit_obj_close(e, NULL);
	if (!strcmp(src->kind, "capture"))
		gnv_emit_text(e, "Capture: %llu frames, %llu not Geneve\n",
			      (unsigned long long)s->frames, (unsigned long long)s->other);

	gnv_emit_arr_open(e, "ports", NULL);
	for (uint32_t i = 0; i < s->nport; i++) {
		const struct top_port *p = &s->port[i];

		gnv_emit_obj_open(e, NULL, i ? "," : "Ports:");
		gnv_emit_str(e, "name", " %s", p->name);
		if (p->up < 0)
			gnv_emit_null(e, "up", " ?");
		else
			gnv_emit_bool(e, "up", " %s", p->up, "up", "down");
		text_si(e, " rx %s pkt/s", p->r.rx_pps);
		text_si(e, " tx %s pkt/s", p->r.tx_pps);
		emit_ctr(e, &p->c, &p->r);
		gnv_emit_bool(e, "reset", NULL, p->reset, NULL, NULL);
		gnv_emit_obj_close(e, i + 1 == s->nport ? "\n" : NULL);
	}
	gnv_emit_arr_close(e, "\n");

	batch_vpcs(e, s, col, reverse);
	batch_drops(e, s);
	batch_flows(e, s);
	gnv_emit_obj_close(e, NULL);
	sbuf_putc(e->sb, '\n');
}

void top_batch_text(const struct top_snap *s, const struct top_src_info *src, int col,
		    bool reverse, struct sbuf *o)
{
	struct gnv_emit e;

	gnv_emit_init(&e, o, false, false);
	batch(&e, s, src, col, reverse);
}

void top_batch_json(const struct top_snap *s, const struct top_src_info *src, bool pretty,
		    struct sbuf *o)
{
	struct gnv_emit e;

	gnv_emit_init(&e, o, true, pretty);
	batch(&e, s, src, 0, false);
}
