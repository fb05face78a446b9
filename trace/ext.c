/* SPDX-License-Identifier: MIT */
/*
 * genv trace plugged into the router (see ext.h): verb dispatch, the
 * control hook and the state.  Layer: trace; calls router/ext.h,
 * trace/explain and trace/probe.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "explain.h"
#include "ext.h"
#include "probe.h"

static const char *const trace_verbs[] = { "trace", "probe", NULL };

static int trace_state_init(void *state)
{
	trace_probes_init(state);
	return 0;
}

/* trace packet (port NAME | underlay [from A] [ttl N] [tos N]) [raw] [verbose] hex HEX */
static int trace_packet_verb(const struct rt_ext_call *c)
{
	struct trace_fmt f = { .json = c->json, .ops = c->ops };
	struct trace_req r;
	uint8_t *buf;
	int ret;

	if (c->n < 2 || strcmp(c->w[1], "packet"))
		return rt_ext_word_err(c, 1, "expected 'trace packet'");
	buf = malloc(TRACE_FRAME_MAX);
	if (!buf) {
		snprintf(c->err, c->errsz, "out of memory");
		return -ENOMEM;
	}
	ret = trace_req_parse(&r, c->n - 2, c->w + 2, buf, TRACE_FRAME_MAX, c->err, c->errsz);
	if (!ret)
		ret = trace_packet(c->t, &r, &f, c->out, c->err, c->errsz);
	free(buf);
	return ret;
}

static int trace_verb(const struct rt_ext_call *c)
{
	if (!strcmp(c->w[0], "trace"))
		return trace_packet_verb(c);
	return trace_probe_cmd(c->t, c->state, c->ops, c->n - 1, c->w + 1, c->json, c->out,
			       c->err, c->errsz);
}

static int trace_control(struct rt_tables *t, void *state, const struct rt_runtime_ops *ops,
			 const struct rt_ul_meta *meta, const struct gnv_pkt *pk,
			 const uint8_t *payload, size_t size)
{
	return trace_probe_control(t, state, ops, meta, pk, payload, size);
}

const struct rt_ext trace_ext = {
	.name = "trace",
	.verbs = trace_verbs,
	.state_size = sizeof(struct trace_probes),
	.init = trace_state_init,
	.verb = trace_verb,
	.control = trace_control,
};

struct trace_probes *trace_probes_of(const struct rt_tables *t)
{
	return rt_ext_state(&t->exts, &trace_ext);
}
