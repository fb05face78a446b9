/* SPDX-License-Identifier: MIT */
/* QoS words: `set qos`, an endpoint's qos/rate/burst, tc(8) units (qos.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../libcore/emit.h"
#include "../libcore/num.h"
#include "qos.h"

struct unit {
	const char *name;
	double mult;
};

/* tc(8): a bare number is bits per second; "bps" is bytes per second */
static const struct unit rate_units[] = {
	{ "", 1 }, { "bit", 1 }, { "kbit", 1e3 }, { "mbit", 1e6 }, { "gbit", 1e9 }, { "tbit", 1e12 },
	{ "kibit", 1024.0 }, { "mibit", 1048576.0 }, { "gibit", 1073741824.0 },
	{ "tibit", 1099511627776.0 }, { "bps", 8 }, { "kbps", 8e3 }, { "mbps", 8e6 },
	{ "gbps", 8e9 }, { "tbps", 8e12 }, { NULL, 0 }
};
/* tc(8): sizes in bytes, k/m/g binary; kbit... in bits */
static const struct unit size_units[] = {
	{ "", 1 }, { "b", 1 }, { "k", 1024.0 }, { "kb", 1024.0 }, { "m", 1048576.0 },
	{ "mb", 1048576.0 }, { "g", 1073741824.0 }, { "gb", 1073741824.0 },
	{ "kbit", 128.0 }, { "mbit", 131072.0 }, { "gbit", 134217728.0 }, { NULL, 0 }
};

/* "1.5mbit" -> 1.5e6 with the unit table; -EINVAL for anything else. */
static int parse_unit(const char *s, const struct unit *u, double max, double *out)
{
	char num[32];
	size_t n = strspn(s, "0123456789.");
	double d;

	if (!n || n >= sizeof(num))
		return -EINVAL;
	memcpy(num, s, n);
	num[n] = 0;
	if (num_parse_double(num, 0, max, &d))
		return -EINVAL;
	for (; u->name; u++)
		if (!strcasecmp(u->name, s + n)) {
			*out = d * u->mult;
			return *out <= max ? 0 : -EINVAL;
		}
	return -EINVAL;
}

/* d as a whole number >= 1 ("1.5bit" is not one). */
static int whole(double d, uint64_t *v)
{
	double diff;

	if (d < 1)
		return -EINVAL;
	*v = (uint64_t)(d + 0.5);
	diff = d - (double)*v;
	return diff > 1e-6 * d || -diff > 1e-6 * d ? -EINVAL : 0;
}

int rt_qos_parse_rate(const char *s, uint64_t *bits)
{
	double d;

	if (parse_unit(s, rate_units, (double)RT_QOS_RATE_MAX, &d))
		return -EINVAL;
	return whole(d, bits);
}

int rt_qos_parse_size(const char *s, uint32_t *bytes)
{
	uint64_t v;
	double d;

	if (parse_unit(s, size_units, (double)RT_QOS_BURST_MAX, &d) || whole(d, &v))
		return -EINVAL;
	*bytes = (uint32_t)v;
	return 0;
}

static int class_word(struct rt_cmd *c, int i, unsigned int *k)
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "QoS class (premium, expedited or best-effort)");
	for (*k = 0; rt_qos_class_names[*k]; (*k)++)
		if (!strcmp(rt_qos_class_names[*k], c->w[i]))
			return 0;
	return rt_lang_word_err(c, i, "QoS class is premium, expedited or best-effort");
}

int rt_qos_ep_word(struct rt_cmd *c, int i, struct rt_ep_qos *q)
{
	const char *k = c->w[i];
	unsigned int cls;
	int r;

	if (i + 1 >= c->n)
		return rt_lang_word_err(c, i + 1, "%s value", k);
	if (!strcmp(k, "qos")) {
		if (!strcmp(c->w[i + 1], "none")) {
			q->cls = RT_QOS_NONE;
			return 0;
		}
		r = class_word(c, i + 1, &cls);
		if (!r)
			q->cls = (uint8_t)(cls + 1);
		return r;
	}
	if (!strcmp(k, "rate")) {
		if (!strcmp(c->w[i + 1], "none")) {
			q->rate = 0;
			q->burst = 0;
			return 0;
		}
		if (rt_qos_parse_rate(c->w[i + 1], &q->rate))
			return rt_lang_word_err(c, i + 1, "rate is 1bit..10tbit in tc units (100mbit, 1gbit, 500kbps) or none");
		return 0;
	}
	if (rt_qos_parse_size(c->w[i + 1], &q->burst))
		return rt_lang_word_err(c, i + 1, "burst is 1b..1g in tc units (64k, 1m, 9000b)");
	return 0;
}

static const char *const kw_qos[] = { "dscp", "priority", "remark", NULL };

int rt_verb_qos(struct rt_cmd *c, const char *verb)
{
	struct rt_qos_class nw;
	unsigned int k;
	uint32_t v;
	int r;

	if (strcmp(verb, "set"))
		return rt_lang_word_err(c, 0, "the QoS classes are configured with 'set qos'");
	r = class_word(c, 2, &k);
	if (r)
		return r;
	if (c->n == 3)
		return rt_lang_err(c, "nothing to set (expected dscp, priority or remark)");
	/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.ArraySubscript): class_word set k or failed */
	nw = c->t->cfg.self.qos[k];
	for (int i = 3; i < c->n; i += 2) {
		const char *w = c->w[i];

		if (!rt_lang_is_word(w, kw_qos))
			return rt_lang_unknown_kw(c, i, kw_qos);
		if (!strcmp(w, "dscp")) {
			r = rt_lang_u32(c, i + 1, 0, 63, "dscp", &v);
			nw.dscp = (uint8_t)v;
		} else if (!strcmp(w, "priority")) {
			r = rt_lang_u32(c, i + 1, 0, 255, "priority", &v);
			nw.prio = (uint8_t)v;
		} else if (i + 1 < c->n && (!strcmp(c->w[i + 1], "on") || !strcmp(c->w[i + 1], "off"))) {
			nw.remark = !strcmp(c->w[i + 1], "on");
			r = 0;
		} else {
			r = rt_lang_word_err(c, i + 1, "remark is on or off");
		}
		if (r)
			return r;
	}
	c->t->cfg.self.qos[k] = nw;
	c->t->cfg.gen++;
	return 0;
}

void rt_qos_emit_ep(struct gnv_emit *e, const struct rt_ep *ep, bool show)
{
	char r[32], b[32];

	if (ep->qos.cls != RT_QOS_NONE)
		gnv_emit_str(e, "qos", " qos %s", rt_qos_class_names[ep->qos.cls - 1]);
	else
		gnv_emit_null(e, "qos", NULL);
	rt_qos_fmt_rate(r, sizeof(r), ep->qos.rate);
	rt_qos_fmt_size(b, sizeof(b), ep->qos.burst);
	gnv_emit_u64(e, "rate_bps", NULL, ep->qos.rate);
	gnv_emit_u64(e, "burst", NULL, ep->qos.burst);
	if (ep->qos.rate && !gnv_emit_is_json(e))
		gnv_emit_text(e, " rate %s burst %s", r, b);
	/* show (JSON): what the bucket dropped; text keeps show == dump line */
	if (show && gnv_emit_is_json(e)) {
		gnv_emit_u64(e, "rate_drops", NULL, ep->bucket.drops);
		gnv_emit_u64(e, "rate_dropped_bytes", NULL, ep->bucket.dropped_bytes);
	}
}

void rt_qos_dump(const struct rt_tables *t, struct gnv_emit *e)
{
	struct rt_qos_class d[RT_QOS_CLASSES];

	rt_qos_defaults(d);
	for (unsigned int k = 0; k < RT_QOS_CLASSES; k++) {
		const struct rt_qos_class *q = &t->cfg.self.qos[k];

		if (!memcmp(q, &d[k], sizeof(*q)))
			continue;
		gnv_emit_text(e, "set qos %s dscp %u priority %u remark %s\n", rt_qos_class_names[k],
			      q->dscp, q->prio, q->remark ? "on" : "off");
	}
}
