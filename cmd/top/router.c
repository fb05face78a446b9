/* SPDX-License-Identifier: MIT */
/*
 * genv top against a running router: one `show top [VNI]` request per
 * sample over the control socket (router/ctl.h), whose text reply is
 * records of "KIND key value key value ...".  A lost connection is
 * retried at the next sample; the first sample of a new connection is a
 * new baseline (the router may have restarted).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "top.h"
#include "../../libcore/num.h"
#include "../../router/ctl.h"

struct top_router {
	char *path;
	int fd;
	struct sbuf reply;
};

int top_router_open(struct top_router **out, const char *path)
{
	struct top_router *r = calloc(1, sizeof(*r));

	if (!r)
		return -ENOMEM;
	r->path = strdup(rt_ctl_path(path));
	if (!r->path) {
		free(r);
		return -ENOMEM;
	}
	r->fd = -1;
	*out = r;
	return 0;
}

void top_router_close(struct top_router *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	sbuf_free(&r->reply);
	free(r->path);
	free(r);
}

#define MAX_WORDS 64

/* The value of key in a record, or NULL. */
static const char *kv(char **w, int n, const char *key)
{
	for (int i = 1; i + 1 < n; i += 2)
		if (!strcmp(w[i], key))
			return w[i + 1];
	return NULL;
}

static uint64_t kv_u64(char **w, int n, const char *key)
{
	const char *v = kv(w, n, key);
	uint64_t x = 0;

	if (v && num_parse_u64(v, 0, UINT64_MAX, &x))
		x = 0;
	return x;
}

static void kv_ctr(char **w, int n, struct top_ctr *c)
{
	c->rx_pkts = kv_u64(w, n, "rx_packets");
	c->rx_bytes = kv_u64(w, n, "rx_bytes");
	c->tx_pkts = kv_u64(w, n, "tx_packets");
	c->tx_bytes = kv_u64(w, n, "tx_bytes");
	c->drops = kv_u64(w, n, "drops");
}

static void kv_str(char *dst, size_t size, char **w, int n, const char *key)
{
	const char *v = kv(w, n, key);

	snprintf(dst, size, "%s", v && strcmp(v, "-") ? v : "");
}

/* What the router did with the flow's last packet (older routers send
 * none of it: "-"). */
static void kv_fate(char **w, int n, struct top_flow *f)
{
	const char *se = kv(w, n, "src_ep"), *de = kv(w, n, "dst_ep");
	const char *path = kv(w, n, "path"), *host = kv(w, n, "host");
	const char *verdict = kv(w, n, "verdict");
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

static int parse_record(struct top_snap *s, char **w, int n)
{
	const char *k = w[0];

	if (!strcmp(k, "stats")) {
		/* packets and bytes are the sum of the VPCs (below); drops
		 * include those no VPC owns (unknown VNI, malformed) */
		s->total.drops = kv_u64(w, n, "drops");
	} else if (!strcmp(k, "port")) {
		struct top_port *p = top_snap_add_port(s);
		const char *up = kv(w, n, "up");

		if (!p)
			return -ENOMEM;
		kv_str(p->name, sizeof(p->name), w, n, "name");
		p->up = !up || !strcmp(up, "-") ? -1 : !strcmp(up, "1");
		kv_ctr(w, n, &p->c);
	} else if (!strcmp(k, "vpc")) {
		struct top_vpc *v = top_snap_add_vpc(s);

		if (!v)
			return -ENOMEM;
		v->vni = (uint32_t)kv_u64(w, n, "vni");
		kv_str(v->name, sizeof(v->name), w, n, "name");
		v->endpoints = kv_u64(w, n, "endpoints");
		v->flows = kv_u64(w, n, "flows");
		kv_ctr(w, n, &v->c);
	} else if (!strcmp(k, "drop")) {
		struct top_drop *d = top_snap_add_drop(s);

		if (!d)
			return -ENOMEM;
		kv_str(d->reason, sizeof(d->reason), w, n, "reason");
		d->count = kv_u64(w, n, "count");
	} else if (!strcmp(k, "flow")) {
		struct top_flow *f = top_snap_add_flow(s);
		const char *a = kv(w, n, "src"), *b = kv(w, n, "dst");
		int fa = 0, fb = 0;

		if (!f)
			return -ENOMEM;
		f->vni = (uint32_t)kv_u64(w, n, "vni");
		f->proto = (uint8_t)kv_u64(w, n, "proto");
		if (!a || !b || parse_ip(a, &fa, f->src) || parse_ip(b, &fb, f->dst)) {
			s->nflow--;
			return 0;
		}
		f->family = (uint8_t)fa;
		f->sport = (uint16_t)kv_u64(w, n, "sport");
		f->dport = (uint16_t)kv_u64(w, n, "dport");
		f->pkts = kv_u64(w, n, "packets");
		f->bytes = kv_u64(w, n, "bytes");
		f->first_ns = kv_u64(w, n, "first_ns");
		f->last_ns = kv_u64(w, n, "last_ns");
		kv_fate(w, n, f);
	}
	/* "top" and unknown kinds: ignored (newer routers may add records) */
	return 0;
}

static int parse_reply(struct top_snap *s, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *w[MAX_WORDS], *ws = NULL, *word;
		int n = 0, r;

		for (word = strtok_r(line, " \t", &ws); word && n < MAX_WORDS;
		     word = strtok_r(NULL, " \t", &ws))
			w[n++] = word;
		if (!n)
			continue;
		r = parse_record(s, w, n);
		if (r)
			return r;
	}
	return s->oom ? -ENOMEM : 0;
}

static int call(struct top_router *r, const char *line, int *status, bool *fresh)
{
	int ret;

	for (int attempt = 0; attempt < 2; attempt++) {
		if (r->fd < 0) {
			r->fd = rt_ctl_connect(r->path);
			if (r->fd < 0)
				return r->fd;
			*fresh = true;
		}
		sbuf_reset(&r->reply);
		ret = rt_ctl_call(r->fd, line, 0, status, &r->reply);
		if (!ret)
			return 0;
		close(r->fd);	/* the router went away: reconnect once */
		r->fd = -1;
	}
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
	if (ret) {
		snprintf(err, errsz, "cannot reach the router at '%s': %s", r->path, strerror(-ret));
		return ret;
	}
	if (status) {
		size_t n = r->reply.len > 200 ? 200 : r->reply.len;

		while (n && r->reply.buf[n - 1] == '\n')
			n--;
		snprintf(err, errsz, "router: %.*s", (int)n, n ? r->reply.buf : strerror(status));
		return -status;
	}
	clock_gettime(CLOCK_MONOTONIC, &mono);
	clock_gettime(CLOCK_REALTIME, &real);
	top_snap_clear(s);
	/* Flow timestamps are the router's CLOCK_MONOTONIC: same host, same clock. */
	s->t_ns = (uint64_t)mono.tv_sec * 1000000000ull + (uint64_t)mono.tv_nsec;
	s->wall_ns = (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec;
	s->flow_vni = vni;
	ret = parse_reply(s, r->reply.buf ? r->reply.buf : (char *)"");
	if (ret) {
		snprintf(err, errsz, "out of memory");
		return ret;
	}
	for (uint32_t i = 0; i < s->nvpc; i++) {
		s->total.rx_pkts += s->vpc[i].c.rx_pkts;
		s->total.rx_bytes += s->vpc[i].c.rx_bytes;
		s->total.tx_pkts += s->vpc[i].c.tx_pkts;
		s->total.tx_bytes += s->vpc[i].c.tx_bytes;
	}
	top_snap_canon(s);
	return 0;
}
