/* SPDX-License-Identifier: MIT */
/*
 * genv top against a running router: one `show top [VNI]` request per
 * sample over the control socket (router/ctl.h), asked for JSON and read
 * with ctl_client's JSON reader (the one reader of router replies).  A
 * lost connection is retried at the next sample; the first sample of a
 * new connection is a new baseline (the router may have restarted).
 * Layer: cmd; calls top, cmd/ctl_client, libcore/msg, libcore/num,
 * router/ctl and libc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "top.h"
#include "../common/ctl_client.h"
#include "../../libcore/msg.h"
#include "../../libcore/num.h"
#include "../../router/ctl.h"

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

static void json_ctr(const struct json_t *o, struct top_ctr *c)
{
	c->rx_pkts = ctl_json_u64(o, "rx_packets");
	c->rx_bytes = ctl_json_u64(o, "rx_bytes");
	c->tx_pkts = ctl_json_u64(o, "tx_packets");
	c->tx_bytes = ctl_json_u64(o, "tx_bytes");
	c->drops = ctl_json_u64(o, "drops");
}

static void json_strcpy(char *dst, size_t size, const struct json_t *o, const char *key)
{
	const char *v = ctl_json_str(o, key);

	snprintf(dst, size, "%s", v ? v : "");
}

/* An address member of the family fam equal to want (the flow's own). */
static bool json_is_addr(const struct json_t *o, const char *key, int fam, const uint8_t *want)
{
	const char *s = ctl_json_str(o, key);
	uint8_t a[16];
	int f = 0;

	return s && !parse_ip(s, &f, a) && f == fam && !memcmp(a, want, fam == 6 ? 16 : 4);
}

/* What the router did with the flow's last packet (older routers send
 * none of it: "-"); the verdict as the text form has it, "drop:REASON". */
static void json_fate(const struct json_t *o, struct top_flow *f)
{
	const char *path = ctl_json_str(o, "path"), *host = ctl_json_str(o, "host");
	const char *verdict = ctl_json_str(o, "verdict"), *reason = ctl_json_str(o, "reason");
	const char *pol = ctl_json_str(o, "policy"), *rule = ctl_json_str(o, "policy_rule");
	int fam = 0;

	top_flow_unknown(f);
	/* the endpoint is the flow's own address; anything else is ignored */
	f->src_ep = json_is_addr(o, "src_ep", f->family, f->src);
	f->dst_ep = json_is_addr(o, "dst_ep", f->family, f->dst);
	if (path)
		snprintf(f->path, sizeof(f->path), "%s", path);
	if (host && !parse_ip(host, &fam, f->host))
		f->host_family = (uint8_t)fam;
	if (verdict)
		snprintf(f->verdict, sizeof(f->verdict), "%s%s%s", verdict, reason ? ":" : "",
			 reason ? reason : "");
	/* the policy word is one of the router's few; a rule only after allow */
	if (pol && strlen(pol) < 16 && !strchr(pol, ' '))
		snprintf(f->policy, sizeof(f->policy), "%s%s%s", pol, rule ? " " : "", rule ? rule : "");
}

static int json_flow(struct top_snap *s, const struct json_t *o)
{
	const char *a = ctl_json_str(o, "src"), *b = ctl_json_str(o, "dst");
	struct top_flow *f = top_snap_add_flow(s);
	int fa = 0, fb = 0;

	if (!f)
		return -ENOMEM;
	f->vni = (uint32_t)ctl_json_u64(o, "vni");
	f->proto = (uint8_t)ctl_json_u64(o, "proto");
	if (!a || !b || parse_ip(a, &fa, f->src) || parse_ip(b, &fb, f->dst) || fa != fb) {
		s->nflow--;
		return 0;
	}
	f->family = (uint8_t)fa;
	f->sport = (uint16_t)ctl_json_u64(o, "sport");
	f->dport = (uint16_t)ctl_json_u64(o, "dport");
	f->pkts = ctl_json_u64(o, "packets");
	f->bytes = ctl_json_u64(o, "bytes");
	f->first_ns = ctl_json_u64(o, "first_ns");
	f->last_ns = ctl_json_u64(o, "last_ns");
	json_fate(o, f);
	return 0;
}

/* The JSON reply of `show top` (router/show.c): stats, ports, vpcs,
 * drops (an object of every reason; only those that counted are kept, as
 * the text form lists them) and flows.  Unknown members are ignored:
 * newer routers may add some.  0, -EINVAL (not a reply) or -ENOMEM. */
static int parse_reply(struct top_snap *s, const struct sbuf *reply)
{
	struct json_t *doc = ctl_json_load(reply->buf ? reply->buf : "", reply->len);
	struct json_t *arr, *drops;
	int ret = 0;

	if (!doc)
		return -EINVAL;
	/* packets and bytes are the sum of the VPCs (below); drops include
	 * those no VPC owns (unknown VNI, malformed) */
	s->total.drops = ctl_json_u64(ctl_json_get(doc, "stats"), "drops");
	arr = ctl_json_get(doc, "ports");
	for (size_t i = 0; !ret && i < ctl_json_len(arr); i++) {
		const struct json_t *o = ctl_json_at(arr, i);
		struct top_port *p = top_snap_add_port(s);

		if (!p) {
			ret = -ENOMEM;
			break;
		}
		json_strcpy(p->name, sizeof(p->name), o, "name");
		p->up = !ctl_json_get(o, "up") || ctl_json_is_null(o, "up") ? -1 : ctl_json_bool(o, "up");
		json_ctr(o, &p->c);
	}
	arr = ctl_json_get(doc, "vpcs");
	for (size_t i = 0; !ret && i < ctl_json_len(arr); i++) {
		const struct json_t *o = ctl_json_at(arr, i);
		struct top_vpc *v = top_snap_add_vpc(s);

		if (!v) {
			ret = -ENOMEM;
			break;
		}
		v->vni = (uint32_t)ctl_json_u64(o, "vni");
		json_strcpy(v->name, sizeof(v->name), o, "name");
		v->endpoints = ctl_json_u64(o, "endpoints");
		v->flows = ctl_json_u64(o, "flows");
		json_ctr(o, &v->c);
	}
	drops = ctl_json_get(doc, "drops");
	for (const char *k = NULL; !ret && (k = ctl_json_next_key(drops, k));) {
		uint64_t n = ctl_json_u64(drops, k);
		struct top_drop *d;

		if (!n)
			continue;
		if (!(d = top_snap_add_drop(s))) {
			ret = -ENOMEM;
			break;
		}
		snprintf(d->reason, sizeof(d->reason), "%s", k);
		d->count = n;
	}
	arr = ctl_json_get(doc, "flows");
	for (size_t i = 0; !ret && i < ctl_json_len(arr); i++)
		ret = json_flow(s, ctl_json_at(arr, i));
	ctl_json_free(doc);
	return ret ? ret : s->oom ? -ENOMEM : 0;
}

/* *fresh: the reply came over a new connection. */
static int call(struct top_router *r, const char *line, int *status, bool *fresh)
{
	unsigned int dials = r->ctl.dials;
	int ret;

	sbuf_reset(&r->reply);
	ret = ctl_client_call(&r->ctl, line, RT_CTL_JSON, status, &r->reply);
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

		ctl_error_msg(status, &r->reply, true, &msg);
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
	ret = parse_reply(s, &r->reply);
	if (ret == -EINVAL)
		return gnv_errf(err, errsz, ret, "router: 'show top' reply is not a JSON object");
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
