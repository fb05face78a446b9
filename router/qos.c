/* SPDX-License-Identifier: MIT */
/* QoS: class table, QoS option, outer DSCP, token buckets (qos.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../libcore/ecn.h"
#include "qos.h"

#define NS_PER_S	1000000000ull

const char *const rt_qos_class_names[] = { "premium", "expedited", "best-effort", NULL };

int rt_qos_ep_check(const struct rt_tables *t, const struct rt_ep_qos *q, unsigned int mtu,
		    char *err, size_t errsz)
{
	char a[32];

	(void)t;
	if (q->cls > RT_QOS_CLASSES)
		return snprintf(err, errsz, "qos: unknown class %u", q->cls), -EINVAL;
	if (!q->rate)
		return 0;
	if (q->rate > RT_QOS_RATE_MAX)
		return snprintf(err, errsz, "rate: above 10tbit"), -EINVAL;
	if (!q->burst)
		return snprintf(err, errsz, "rate needs 'burst SIZE' (tc(8) units: 64k)"), -EINVAL;
	if (q->burst > RT_QOS_BURST_MAX)
		return snprintf(err, errsz, "burst: above 1g"), -EINVAL;
	/* a bucket smaller than one full frame would never let it through */
	if (q->burst < mtu + 14) {
		rt_qos_fmt_size(a, sizeof(a), q->burst);
		return snprintf(err, errsz, "burst %s is smaller than one %u-byte frame (mtu %u + 14)",
				a, mtu + 14, mtu), -EINVAL;
	}
	return 0;
}

void rt_qos_ep_fill(const struct rt_tables *t, struct rt_ep *e, const struct rt_ep_qos *q)
{
	uint64_t cap = (uint64_t)q->burst * 8 * NS_PER_S;

	e->qos = *q;
	memset(&e->bucket, 0, sizeof(e->bucket));
	e->bucket.tokens = cap;
	e->bucket.last_ns = t->run.now_ns;
	e->bucket.fill_ns = q->rate ? cap / q->rate + 1 : 0;
}

uint8_t *rt_qos_opt_write(const struct rt_tables *t, const struct rt_ep *src, uint8_t *p)
{
	unsigned int k;

	if (!rt_qos_opt_size(src))
		return p;
	k = src->qos.cls - 1u;
	/* the layout of opt_genv.h (gnv_opt_qos_put), inline: once per packet */
	gnv_opt_hdr_write(p, t->cfg.lim.genv_class, GENV_OPT_QOS, GENV_QOS_SIZE);
	gnv_put32(p + GNV_OPT_HDR_SIZE, (uint32_t)k << 24 | (uint32_t)t->cfg.self.qos[k].prio << 16);
	return p + GENV_QOS_OPT_SIZE;
}

uint8_t rt_qos_outer_ds(const struct rt_tables *t, const struct rt_ep *src, uint8_t inner_ds)
{
	uint8_t dscp = t->cfg.self.dscp;

	if (src && src->qos.cls != RT_QOS_NONE)
		dscp = t->cfg.self.qos[src->qos.cls - 1].dscp;
	return (uint8_t)(dscp << 2 | gnv_ecn_encap(inner_ds));
}

bool rt_qos_egress(struct rt_tables *t, struct rt_ep *src, size_t size, bool live,
		   char *why, size_t whysz)
{
	struct rt_bucket *b = &src->bucket;
	uint64_t now = t->run.now_ns, cap, el, tok, cost;
	size_t n = 0;
	char r[32];

	if (why) {
		why[0] = 0;
		if (src->qos.cls != RT_QOS_NONE) {
			const struct rt_qos_class *k = &t->cfg.self.qos[src->qos.cls - 1];

			n = (size_t)snprintf(why, whysz, "class %s: dscp %u priority %u",
					     rt_qos_class_names[src->qos.cls - 1], k->dscp, k->prio);
		}
	}
	if (!src->qos.rate)
		return true;
	cap = (uint64_t)src->qos.burst * 8 * NS_PER_S;
	el = now > b->last_ns ? now - b->last_ns : 0;
	/* el < fill_ns bounds el * rate by cap: no overflow (qos_types.h) */
	tok = el >= b->fill_ns ? cap : b->tokens + el * src->qos.rate;
	if (tok > cap)
		tok = cap;
	cost = (uint64_t)size * 8 * NS_PER_S;
	if (live) {
		b->last_ns = now;
		b->tokens = tok >= cost ? tok - cost : tok;
	}
	if (why && n < whysz) {
		rt_qos_fmt_rate(r, sizeof(r), src->qos.rate);
		snprintf(why + n, whysz - n, "%srate %s: %zu bytes, %llu in the bucket", n ? "; " : "",
			 r, size, (unsigned long long)(tok / (8 * NS_PER_S)));
	}
	if (tok >= cost)
		return true;
	if (live) {
		b->drops++;
		b->dropped_bytes += size;
	}
	return false;
}

int rt_qos_ingress(const struct rt_tables *t, const struct gnv_geneve *g, const uint8_t *frame,
		   uint8_t *ip, int version, char *why, size_t whysz)
{
	const struct rt_qos_class *k;
	struct gnv_qos q;
	uint8_t ds;

	for (unsigned int i = 0; i < g->nopt; i++) {
		const struct gnv_opt *o = &g->opt[i];

		if (o->cls != t->cfg.lim.genv_class || (o->type & 0x7f) != GENV_OPT_QOS)
			continue;
		if (gnv_opt_qos_get(frame + o->off + GNV_OPT_HDR_SIZE, o->size, &q) ||
		    q.cls >= RT_QOS_CLASSES) {
			if (why)
				snprintf(why, whysz, "QoS option of %u bytes, class %u", o->size,
					 o->size ? (unsigned int)frame[o->off + GNV_OPT_HDR_SIZE] : 0u);
			return -EINVAL;
		}
		k = &t->cfg.self.qos[q.cls];
		ds = gnv_ip_ds(ip, version);
		if (k->remark && ds >> 2 != k->dscp)
			gnv_ip_set_ds(ip, version, (uint8_t)(k->dscp << 2 | (ds & 3)));
		if (why)
			snprintf(why, whysz, "class %s priority %u, inner dscp %u%s", rt_qos_class_names[q.cls],
				 q.prio, k->remark ? k->dscp : (unsigned int)(ds >> 2),
				 k->remark ? " (remarked)" : "");
		return 1;
	}
	return 0;
}

/* The largest unit of the list that divides v exactly. */
static void fmt_unit(char *buf, size_t size, uint64_t v, const uint64_t *mult,
		     const char *const *name, unsigned int n)
{
	for (unsigned int i = n; i-- > 0;)
		if (v % mult[i] == 0) {
			snprintf(buf, size, "%llu%s", (unsigned long long)(v / mult[i]), name[i]);
			return;
		}
}

void rt_qos_fmt_rate(char *buf, size_t size, uint64_t bits)
{
	static const uint64_t m[] = { 1, 1000, 1000000, 1000000000, 1000000000000ull };
	static const char *const n[] = { "bit", "kbit", "mbit", "gbit", "tbit" };

	fmt_unit(buf, size, bits, m, n, 5);
}

void rt_qos_fmt_size(char *buf, size_t size, uint32_t bytes)
{
	static const uint64_t m[] = { 1, 1024, 1048576, 1073741824 };
	static const char *const n[] = { "b", "k", "m", "g" };

	fmt_unit(buf, size, bytes, m, n, 4);
}
