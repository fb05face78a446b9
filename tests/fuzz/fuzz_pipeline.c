/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for the router pipeline: every input is a frame from a
 * local port or a Geneve payload from the underlay (first byte decides),
 * run through rt_from_port / rt_from_underlay against a small topology
 * with local, remote, scaled, proxied, bouncer and divider routes, and O-bit
 * payloads through the trace probe handler.  Underlay senders are
 * configured hosts (the trust check passes): 10.200.0.2, the host of
 * 10.0.2.7 and a peer of VPC 200, or, with bit 1 of the first byte,
 * 10.200.0.3, the bouncer (a relay: any inner source).  Checks the promises that do
 * not need a network: no crash or UB, output inside the caller's buffer,
 * and a probe never answered with more than it brought plus one record;
 * direct-path answers (dpath.h) queued by an input are sent and stay
 * within the size of an IPv6 answer; health keepalives (health.h) are
 * answered with exactly one 20-byte packet each, and the health tick runs
 * (simulated clock) against the answers the inputs bring.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/sbuf.h"
#include "../../router/config.h"
#include "../../router/dpath.h"
#include "../../router/ep_scaled.h"
#include "../../router/health.h"
#include "../../router/pipeline.h"
#include "../../router/tables.h"
#include "../../trace/ext.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct rt_tables *t;
static uint8_t buf[RT_HEADROOM + 70000];
static size_t probe_in;

static const char *const topo[] = {
	"set host addr 10.200.0.1",
	"add port tap0", "add port tap1",
	"add vpc 100 cidr 10.0.0.0/16 cidr fd00::/64 divider 10.200.0.9",
	"add vpc 200 cidr 10.0.0.0/16 peers 10.200.0.2",
	"add net 100 10.0.1.0/24 bouncer 10.200.0.3",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 labels app=web",
	"add ep 100 fd00::5 mac 02:00:00:00:01:05 port tap0",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 10.0.3.3 mac 02:00:00:00:03:03 type scaled host 10.200.0.5 10.200.0.6",
	"add ep 200 10.0.1.5 mac 02:00:00:00:02:05 port tap1",
	/* proxied (ep_proxied.h): local, its proxy remote */
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 type proxied proxy 10.0.2.7",
	/* QoS: a class and a rate limit on the sender, remarking at the receiver */
	"set qos premium remark on",
	"set ep 100 10.0.1.5 qos premium rate 10mbit burst 16k",
	/* health checks (health.h): backend host 10.200.0.2 is probed */
	"add ep 100 10.0.9.1 mac 02:00:00:00:09:01 type scaled backends 10.0.2.7 10.0.1.5 health on",
	NULL,
};

static int ul_send(void *ctx, const struct gnv_addr *dst, const uint8_t *p, size_t n,
		   uint8_t tos, uint8_t ttl, uint16_t sport)
{
	(void)ctx; (void)dst; (void)p; (void)tos; (void)ttl; (void)sport;
	if (n > probe_in + GENV_TRACE_REC_SIZE)
		abort();	/* amplification */
	return 0;
}

/* A health answer or request: Geneve and the option, nothing more. */
static int hl_send(void *ctx, const struct gnv_addr *dst, const uint8_t *p, size_t n,
		   uint8_t tos, uint8_t ttl, uint16_t sport)
{
	(void)ctx; (void)dst; (void)p; (void)tos; (void)ttl; (void)sport;
	if (n != GNV_HDR_SIZE + GENV_HEALTH_OPT_SIZE)
		abort();
	return 0;
}

/* A direct-path answer: Geneve, IPv6 RTS, Ethernet, IPv6 header at most. */
static int dp_send(void *ctx, const struct gnv_addr *dst, const uint8_t *p, size_t n,
		   uint8_t tos, uint8_t ttl, uint16_t sport)
{
	(void)ctx; (void)dst; (void)p; (void)tos; (void)ttl; (void)sport;
	if (n > GNV_HDR_SIZE + GENV_RTS_OPT_SIZE(6) + 14 + 40)
		abort();
	return 0;
}

static void setup(void)
{
	struct rt_limits l;
	struct sbuf o = SBUF_INIT;

	rt_limits_default(&l);
	l.max_vpcs = 8;
	l.max_nets = 8;
	l.max_eps = 32;
	l.max_hosts = 16;
	l.max_ports = 4;
	l.flows_per_vpc = 64;
	/* small policy tables too: the defaults (16,384 policies, 262,144
	 * tracked connections) cost more per input than the input itself */
	l.max_ns = 16;
	l.max_idents = 32;
	l.max_policies = 16;
	l.ct_entries = 64;
	t = rt_tables_new(&l);
	if (!t || rt_ext_add(&t->exts, &trace_ext))
		abort();
	for (int i = 0; topo[i]; i++)
		if (rt_cmd_exec(t, NULL, topo[i], false, &o))
			abort();
	sbuf_free(&o);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_runtime_ops ops = { .ul_send = ul_send };
	struct rt_out out;
	uint8_t *frame = buf + RT_HEADROOM;

	if (!t)
		setup();
	if (size < 2 || size - 2 > sizeof(buf) - RT_HEADROOM)
		return 0;
	memcpy(frame, data + 2, size - 2);
	memset(&out, 0, sizeof(out));
	if (data[0] & 1) {
		struct rt_ul_meta meta = { .ttl = data[1], .tos = (uint8_t)(data[0] & 0xfc) };

		meta.src.family = 4;
		memcpy(meta.src.a, data[0] & 2 ? "\x0a\xc8\x00\x03" : "\x0a\xc8\x00\x02", 4);
		rt_from_underlay(t, &meta, frame, size - 2, RT_HEADROOM, &out, NULL);
		if (out.verdict == RT_CONTROL) {
			probe_in = size - 2;
			memcpy(frame, data + 2, size - 2);
			rt_ext_control(&t->exts, t, &ops, &meta, &t->scratch, frame, size - 2);
		}
	} else {
		rt_from_port(t, data[1] % 2, frame, size - 2, RT_HEADROOM, &out, NULL);
	}
	{
		struct rt_runtime_ops dops = { .ul_send = dp_send }, hops = { .ul_send = hl_send };

		rt_dp_send(t, &dops);
		if (t->hl && t->hl->nout > 1)
			abort();	/* one input, at most one answer */
		rt_hl_send(t, &hops);
		rt_tables_set_now(t, t->run.now_ns + 500000000ull);
		rt_hl_tick(t, &hops);
		rt_scaled_reclaim(t);
	}
	/* what the pipeline hands back lies in the caller's buffer */
	if (out.data && (out.data < buf || out.data + out.size > buf + sizeof(buf)))
		abort();
	return 0;
}
