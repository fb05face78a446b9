/* SPDX-License-Identifier: MIT */
/*
 * genv top against a running router: one `show top [VNI]` request per
 * sample over the control socket (router/ctl.h), whose text reply is
 * records of "KIND key value key value ...".  A lost connection is
 * retried at the next sample; the first sample of a new connection is a
 * new baseline (the router may have restarted).  The records are read with
 * ctl_client's text reader: the JSON form of `show top` carries the same
 * fields, but the scripted router of tests/cli/top.sh answers text only.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "top.h"
#include "../ctl_client.h"
#include "../../libcore/msg.h"
#include "../../libcore/num.h"

struct top_router {
	char *path;
	struct ctl_client ctl;
	struct sbuf reply;
};

int top_router_open(struct top_router **out, const char *path)
{
	struct top_router *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	ctl_client_init(&r->ctl, path, 0);
	r->path = strdup(r->ctl.path);
	if (!r->path) {
		free(r);
		return -ENOMEM;
	}
	r->ctl.path = r->path;
	r->ctl.redial = true;	/* `show top` may be asked again */
	*out = r;
	return 0;
}

void top_router_close(struct top_router *r)
{
	if (!r)
		return;
	ctl_client_close(&r->ctl);
	sbuf_free(&r->reply);
	free(r->path);
	free(r);
}

static uint64_t rec_u64(const struct ctl_rec *w, const char *key)
{
	uint64_t x = 0;

	if (ctl_rec_u64(w, key, UINT64_MAX, &x))
		x = 0;
	return x;
}

static void rec_ctr(const struct ctl_rec *w, struct top_ctr *c)
{
	c->rx_pkts = rec_u64(w, "rx_packets");
	c->rx_bytes = rec_u64(w, "rx_bytes");
	c->tx_pkts = rec_u64(w, "tx_packets");
	c->tx_bytes = rec_u64(w, "tx_bytes");
	c->drops = rec_u64(w, "drops");
}

static void rec_str(char *dst, size_t size, const struct ctl_rec *w, const char *key)
{
	const char *v = ctl_rec_str(w, key);

	snprintf(dst, size, "%s", v && strcmp(v, "-") ? v : "");
}

/* What the router did with the flow's last packet (older routers send
 * none of it: "-"). */
static void rec_fate(const struct ctl_rec *w, struct top_flow *f)
{
	const char *se = ctl_rec_str(w, "src_ep"), *de = ctl_rec_str(w, "dst_ep");
	const char *path = ctl_rec_str(w, "path"), *host = ctl_rec_str(w, "host");
	const char *verdict = ctl_rec_str(w, "verdict");
	uint8_t a[16];
	int fam = 0;

	top_flow_unknown(f);
	/* the endpoint is the flow's own address; anything else is ignored */
	f->src_ep = se && !parse_ip(se, &fam, a) && fam == f->family &&
		    !memcmp(a, f->src, fam == 6 ? 16 : 4);
	f->dst_ep = de && !parse_ip(de, &fam, a) && fam == f->family &&
		    !memcmp(a, f->dst, fam == 6 ? 16 : 4);
	if (path)
		snprintf(f->path, sizeof(f->path), "%s", path);
	if (host && !parse_ip(host, &fam, f->host))
		f->host_family = (uint8_t)fam;
	if (verdict)
		snprintf(f->verdict, sizeof(f->verdict), "%s", verdict);
}

static int parse_record(struct top_snap *s, const struct ctl_rec *w)
{
	const char *k = w->kind;

	if (!strcmp(k, "stats")) {
		/* packets and bytes are the sum of the VPCs (below); drops
		 * include those no VPC owns (unknown VNI, malformed) */
		s->total.drops = rec_u64(w, "drops");
	} else if (!strcmp(k, "port")) {
		struct top_port *p = top_snap_add_port(s);
		const char *up = ctl_rec_str(w, "up");

		if (!p)
			return -ENOMEM;
		rec_str(p->name, sizeof(p->name), w, "name");
		p->up = !up || !strcmp(up, "-") ? -1 : !strcmp(up, "1");
		rec_ctr(w, &p->c);
	} else if (!strcmp(k, "vpc")) {
		struct top_vpc *v = top_snap_add_vpc(s);

		if (!v)
			return -ENOMEM;
		v->vni = (uint32_t)rec_u64(w, "vni");
		rec_str(v->name, sizeof(v->name), w, "name");
		v->endpoints = rec_u64(w, "endpoints");
		v->flows = rec_u64(w, "flows");
		rec_ctr(w, &v->c);
	} else if (!strcmp(k, "drop")) {
		struct top_drop *d = top_snap_add_drop(s);

		if (!d)
			return -ENOMEM;
		rec_str(d->reason, sizeof(d->reason), w, "reason");
		d->count = rec_u64(w, "count");
	} else if (!strcmp(k, "flow")) {
		struct top_flow *f = top_snap_add_flow(s);
		const char *a = ctl_rec_str(w, "src"), *b = ctl_rec_str(w, "dst");
		int fa = 0, fb = 0;

		if (!f)
			return -ENOMEM;
		f->vni = (uint32_t)rec_u64(w, "vni");
		f->proto = (uint8_t)rec_u64(w, "proto");
		if (!a || !b || parse_ip(a, &fa, f->src) || parse_ip(b, &fb, f->dst)) {
			s->nflow--;
			return 0;
		}
		f->family = (uint8_t)fa;
		f->sport = (uint16_t)rec_u64(w, "sport");
		f->dport = (uint16_t)rec_u64(w, "dport");
		f->pkts = rec_u64(w, "packets");
		f->bytes = rec_u64(w, "bytes");
		f->first_ns = rec_u64(w, "first_ns");
		f->last_ns = rec_u64(w, "last_ns");
		rec_fate(w, f);
	}
	/* "top" and unknown kinds: ignored (newer routers may add records) */
	return 0;
}

static int parse_reply(struct top_snap *s, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct ctl_rec w;
		int r;

		if (ctl_rec_split(&w, line, false))
			continue;
		r = parse_record(s, &w);
		if (r)
			return r;
	}
	return s->oom ? -ENOMEM : 0;
}

/* *fresh: the reply came over a new connection. */
static int call(struct top_router *r, const char *line, int *status, bool *fresh)
{
	unsigned int dials = r->ctl.dials;
	int ret;

	sbuf_reset(&r->reply);
	ret = ctl_client_call(&r->ctl, line, 0, status, &r->reply);
	if (r->ctl.dials != dials)
		*fresh = true;
	return ret;
}

int top_router_sample(struct top_router *r, uint32_t vni, struct top_snap *s, bool *fresh,
		      char *err, size_t errsz)
{
	struct timespec mono, real;
	char line[64];
	int status = 0, ret;

	*fresh = false;
	if (vni != TOP_NO_VNI)
		snprintf(line, sizeof(line), "show top %u", vni);
	else
		snprintf(line, sizeof(line), "show top");
	ret = call(r, line, &status, fresh);
	if (!ret && status && vni != TOP_NO_VNI) {
		/* no such VPC (any more): sample without flows */
		vni = TOP_NO_VNI;
		ret = call(r, "show top", &status, fresh);
	}
	if (ret)
		return gnv_errf(err, errsz, ret, "cannot reach the router at '%s': %s", r->path,
				strerror(-ret));
	if (status) {
		struct sbuf msg = SBUF_INIT;

		ctl_error_msg(status, &r->reply, false, &msg);
		ret = gnv_errf(err, errsz, -status, "router: %.200s", sbuf_str(&msg));
		sbuf_free(&msg);
		return ret;
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	top_snap_clear(s);
	/* Flow timestamps are the router's CLOCK_MONOTONIC: same host, same clock. */
	s->t_ns = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
	s->wall_ns = (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec;
	s->flow_vni = vni;
	ret = parse_reply(s, r->reply.buf ? r->reply.buf : (char *)"");
	if (ret)
		return gnv_errf(err, errsz, ret, "out of memory");
	for (uint32_t i = 0; i < s->nvpc; i++) {
		s->total.rx_pkts += s->vpc[i].c.rx_pkts;
		s->total.rx_bytes += s->vpc[i].c.rx_bytes;
		s->total.tx_pkts += s->vpc[i].c.tx_pkts;
		s->total.tx_bytes += s->vpc[i].c.tx_bytes;
	}
	top_snap_canon(s);
	return 0;
}
