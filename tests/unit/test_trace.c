/* SPDX-License-Identifier: MIT */
/* trace/explain.h and router/dropring.h: dry runs change nothing, requests
 * round-trip, the drop ring records, limits and round-trips its records. */
#include <check.h>
#include <jansson.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/num.h"
#include "../../libcore/optreg.h"
#include "../../router/config.h"
#include "../../router/dropring.h"
#include "../../router/pipeline.h"
#include "../../trace/explain.h"
#include "../../trace/ext.h"
#include "../../trace/probe.h"

Suite *trace_suite(void);

static struct rt_tables *t;

#include "rt_cmd.h"

static const char *const topo[] = {
	"set host addr 10.200.0.1",
	"add port tap0",
	"add port tap1",
	"add vpc 100 cidr 10.0.0.0/16 cidr fd00::/64 divider 10.200.0.9",
	"add net 100 10.0.4.0/24 bouncer 10.200.0.3",
	"add net 100 10.0.5.0/24 bouncer 10.200.0.1",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 labels app=web",
	"add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap1",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 10.0.5.8 mac 02:00:00:00:05:08 host 10.200.0.4",
	NULL,
};

static void setup(void)
{
	t = rt_tables_new(NULL);
	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rt_ext_add(&t->exts, &trace_ext), 0);
	for (int i = 0; topo[i]; i++)
		cmd(topo[i]);
	rt_tables_set_now(t, 5000000000ull);
}

static void teardown(void)
{
	rt_tables_free(t);
}

/* Everything observable: counters, flows, drops, limiter, generation. */
static void snapshot(struct sbuf *s)
{
	static const char *const q[] = { "show stats", "show vpc", "show net", "show ep", "show port",
					 "show flows", "drops since 0", NULL };

	for (int i = 0; q[i]; i++)
		ck_assert_int_eq(rt_cmd_exec(t, NULL, q[i], true, s), 0);
	sbuf_printf(s, "icmp %llu gen %llu", (unsigned long long)t->run.icmp_tokens_ns,
		    (unsigned long long)t->cfg.gen);
}

static uint8_t frame[TRACE_FRAME_MAX];

static void req(struct trace_req *r, const char *in, const char *text)
{
	char err[256];

	memset(r, 0, sizeof(*r));
	if (!strcmp(in, "underlay"))
		r->underlay = true;
	else
		snprintf(r->port, sizeof(r->port), "%s", in);
	ck_assert_msg(gnv_lang_build(text, GENV_CLASS_DEFAULT, frame, sizeof(frame), &r->size,
				     err, sizeof(err)) == 0, "%s: %s", text, err);
	r->frame = frame;
}

static const struct { const char *in, *text, *verdict; } pkts[] = {
	{ "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.1.6 / tcp dport=80", "deliver" },
	{ "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.2.7 / udp dport=53", "forward" },
	{ "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.4.4 / icmp", "forward" },
	{ "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / icmp", "forward" },
	{ "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.9 dst=10.0.1.6 / icmp", "drop" },
	{ "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp / payload len=1400",
	  "drop" },
	{ "tap0", "eth src=02:00:00:00:01:05 dst=ff:ff:ff:ff:ff:ff / arp op=1 spa=10.0.1.5 tpa=10.0.1.1",
	  "reply" },
	/* from 10.200.0.2, the host of 10.0.2.7 */
#define UL "eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve "
	{ "underlay", UL "vni=100 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp", "deliver" },
	{ "underlay", UL "vni=100 / eth / ipv4 src=10.0.2.7 dst=10.0.5.8 / icmp", "forward" },
	{ "underlay", UL "vni=9 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp", "drop" },
	{ "underlay", UL "vni=100 oam=1 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp", "control" },
	/* from no host of the VPC; an endpoint of another host */
	{ "underlay", "geneve vni=100 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp", "drop" },
	{ "underlay", "eth / ipv4 src=10.200.0.4 / udp / geneve vni=100 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp",
	  "drop" },
#undef UL
};

START_TEST(dry_run_changes_nothing)
{
	struct sbuf before = SBUF_INIT, after = SBUF_INIT, out = SBUF_INIT;
	struct trace_fmt f = { .json = true };
	struct trace_req r;
	char err[256], want[64];

	snapshot(&before);
	for (size_t i = 0; i < sizeof(pkts) / sizeof(pkts[0]); i++) {
		req(&r, pkts[i].in, pkts[i].text);
		sbuf_reset(&out);
		ck_assert_msg(trace_packet(t, &r, &f, &out, err, sizeof(err)) == 0, "%s", err);
		snprintf(want, sizeof(want), "\"verdict\":\"%s\"", pkts[i].verdict);
		ck_assert_msg(strstr(sbuf_str(&out), want), "%s: %s", pkts[i].text, sbuf_str(&out));
		ck_assert_ptr_nonnull(strstr(sbuf_str(&out), "\"schema\":1"));
	}
	snapshot(&after);
	ck_assert_str_eq(sbuf_str(&before), sbuf_str(&after));

	/* the snapshot does see a live packet */
	{
		static uint8_t b[RT_HEADROOM + 2048];
		struct rt_out o;
		size_t n;

		ck_assert_int_eq(gnv_lang_build(pkts[0].text, GENV_CLASS_DEFAULT, b + RT_HEADROOM, 2048,
						&n, err, sizeof(err)), 0);
		rt_from_port(t, 0, b + RT_HEADROOM, n, RT_HEADROOM, &o, NULL);
		ck_assert_int_eq(o.verdict, RT_DELIVER);
		sbuf_reset(&after);
		snapshot(&after);
		ck_assert_str_ne(sbuf_str(&before), sbuf_str(&after));
	}
	sbuf_free(&before);
	sbuf_free(&after);
	sbuf_free(&out);
}
END_TEST

START_TEST(text_final_lines)
{
	struct sbuf out = SBUF_INIT;
	struct trace_fmt f = { 0 };
	struct trace_req r;
	char err[256];
	const char *s;

	req(&r, "tap0", "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.9 dst=10.0.1.6 / icmp");
	ck_assert_int_eq(trace_packet(t, &r, &f, &out, err, sizeof(err)), 0);
	s = sbuf_str(&out);
	ck_assert_msg(strstr(s, "\nverdict: drop\negress: none\nreason: spoof.ip ("), "%s", s);
	ck_assert_int_eq(s[out.len - 1], '\n');

	req(&r, "nosuch", "eth / ipv4 / icmp");
	ck_assert_int_eq(trace_packet(t, &r, &f, &out, err, sizeof(err)), -ENOENT);
	req(&r, "underlay", "eth / ipv4 / tcp");
	ck_assert_int_eq(trace_packet(t, &r, &f, &out, err, sizeof(err)), -EINVAL);
	sbuf_free(&out);
}
END_TEST

START_TEST(request_round_trip)
{
	static uint8_t buf[TRACE_FRAME_MAX];
	struct trace_req r, back;
	struct sbuf line = SBUF_INIT, o = SBUF_INIT;
	char err[256], *w[32], *p, *copy;
	int n = 0;

	/* from a peer (fd00::2), a source that is no endpoint */
	cmd("set vpc 100 peers fd00::2");
	req(&r, "underlay", "geneve vni=100 / eth / ipv4 src=10.0.7.7 dst=10.0.1.5 / icmp");
	r.from_set = r.ttl_set = r.tos_set = true;
	r.from.family = 6;
	r.from.a[0] = 0xfd;
	r.from.a[15] = 2;
	r.ttl = 9;
	r.tos = 2;
	trace_req_format(&r, &line);
	copy = strdup(sbuf_str(&line));
	for (p = strtok(copy, " "); p && n < 32; p = strtok(NULL, " "))
		w[n++] = p;
	ck_assert_str_eq(w[0], "trace");
	ck_assert_int_eq(trace_req_parse(&back, n - 2, w + 2, buf, sizeof(buf), err, sizeof(err)), 0);
	ck_assert(back.underlay && back.from_set && back.ttl == 9 && back.tos == 2);
	ck_assert_int_eq(back.from.family, 6);
	ck_assert_mem_eq(back.from.a, r.from.a, 16);
	ck_assert_uint_eq(back.size, r.size);
	ck_assert_mem_eq(buf, r.frame, r.size);
	free(copy);

	/* through the router's command language */
	ck_assert_int_eq(rt_cmd_exec(t, NULL, sbuf_str(&line), false, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "verdict: deliver"));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "trace packet port tap0", false, &o), -EINVAL);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "trace packet port tap0 ttl 3 hex 00", false, &o), -EINVAL);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "trace packet port nosuch hex 0000", true, &o), -ENOENT);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"error\""));
	sbuf_free(&line);
	sbuf_free(&o);
}
END_TEST

START_TEST(wrap_checksums)
{
	static uint8_t buf[512];
	const uint8_t payload[] = { 0, 0, 0x65, 0x58, 0, 0, 100, 0 };
	struct gnv_addr s = { .family = 6 }, d = { .family = 6 };
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;
	size_t n;

	s.a[15] = 1;
	d.a[15] = 2;
	n = trace_wrap_geneve(buf, sizeof(buf), &s, &d, 1234, 0, 64, payload, sizeof(payload));
	ck_assert_uint_eq(n, 14 + 40 + 8 + 8);
	gnv_decode_cfg_default(&cfg);
	gnv_decode(&pk, buf, (uint32_t)n, (uint32_t)n, &cfg);
	ck_assert(pk.is_geneve);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.gnv.vni, 100);
	ck_assert_uint_eq(trace_wrap_geneve(buf, 40, &s, &d, 1, 0, 1, payload, sizeof(payload)), 0);
}
END_TEST

START_TEST(ring_records_and_limits)
{
	struct rt_dropring *d = rt_dropring_new();
	struct gnv_addr from = { .family = 4, .a = { 10, 200, 0, 2 } };
	struct sbuf o = SBUF_INIT;
	uint8_t data[300];
	json_t *doc, *recs, *r;
	const char *hex, *p;
	int nrec = 0;

	ck_assert_ptr_nonnull(d);
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)i;
	/* a burst of RT_DROP_RATE, then suppressed until time passes */
	for (int i = 0; i < RT_DROP_RATE + 10; i++)
		rt_dropring_note(d, 1000, RT_DROP_SPOOF_IP, "tap0", NULL, NULL, true, 100, data, 60);
	ck_assert_uint_eq(d->next_seq, RT_DROP_RATE + 1);
	ck_assert_uint_eq(d->suppressed, 10);
	rt_dropring_note(d, 2000000000ull, RT_DROP_VNI_UNKNOWN, NULL, &from, NULL, false, 0, data, 300);
	ck_assert_uint_eq(d->next_seq, RT_DROP_RATE + 2);

	/* JSON, read with jansson as genv trace reads it */
	ck_assert_int_eq(rt_dropring_show(d, 0, RT_DROP_RATE, 0, true, &o), 0);
	doc = json_loads(sbuf_str(&o), 0, NULL);
	ck_assert_ptr_nonnull(doc);
	recs = json_object_get(doc, "drops");
	nrec = (int)json_array_size(recs);
	r = json_array_get(recs, 0);
	ck_assert_int_eq(json_integer_value(json_object_get(r, "seq")), RT_DROP_RATE);
	ck_assert_str_eq(json_string_value(json_object_get(r, "ingress")), "port");
	ck_assert_str_eq(json_string_value(json_object_get(r, "port")), "tap0");
	ck_assert(json_is_null(json_object_get(r, "from")) && json_is_null(json_object_get(r, "self")));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "vni")), 100);
	ck_assert_uint_eq(strlen(json_string_value(json_object_get(r, "data"))), 2 * 60);
	r = json_array_get(recs, 1);
	ck_assert_str_eq(json_string_value(json_object_get(r, "ingress")), "underlay");
	ck_assert_str_eq(json_string_value(json_object_get(r, "reason")), "vni.unknown");
	ck_assert_str_eq(json_string_value(json_object_get(r, "from")), "10.200.0.2");
	ck_assert(json_is_null(json_object_get(r, "self")) && json_is_null(json_object_get(r, "port")));
	ck_assert(json_is_null(json_object_get(r, "vni")));
	ck_assert_int_eq(json_integer_value(json_object_get(r, "len")), 300);
	hex = json_string_value(json_object_get(r, "data"));
	ck_assert_uint_eq(strlen(hex), 2 * RT_DROP_SNAP);
	ck_assert_int_eq(strncmp(hex, "000102030405", 12), 0);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "next")), RT_DROP_RATE + 2);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "suppressed")), 10);
	ck_assert_int_eq(json_integer_value(json_object_get(doc, "lost")), 0);
	json_decref(doc);
	/* the text form of the same records: the same fields, one line each */
	sbuf_reset(&o);
	ck_assert_int_eq(rt_dropring_show(d, 0, RT_DROP_RATE, 0, false, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), " reason=spoof.ip ingress=port port=tap0 vni=100 len=60 data=0001"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), " reason=vni.unknown ingress=underlay from=10.200.0.2 self=- vni=- len=300 data=0001"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\nnext=202 lost=0 suppressed=10\n"));
	ck_assert_int_eq(nrec, 2);

	/* wrap around: the oldest are lost, at most RT_DROP_MAX_REPLY per reply */
	for (uint64_t i = 0; i < 2 * RT_DROP_RING; i++)
		rt_dropring_note(d, 10000000000ull + i * 10000000ull, RT_DROP_MTU, "tap1", NULL, NULL,
				 false, 0, data, 10);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_dropring_show(d, 0, 1, 0, true, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"lost\":"));
	ck_assert_ptr_null(strstr(sbuf_str(&o), "\"lost\":0,"));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_dropring_show(d, 0, 1, 0, false, &o), 0);
	nrec = 0;
	for (p = sbuf_str(&o); (p = strstr(p, "drop seq=")); p++)
		nrec++;
	ck_assert_int_eq(nrec, RT_DROP_MAX_REPLY);
	sbuf_free(&o);
	rt_dropring_free(d);
}
END_TEST

START_TEST(pipeline_feeds_ring)
{
	static uint8_t b[RT_HEADROOM + 2048];
	struct sbuf o = SBUF_INIT;
	struct rt_out out;
	char err[256];
	size_t n;

	ck_assert_int_eq(gnv_lang_build("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.9 dst=10.0.1.6 / icmp",
					GENV_CLASS_DEFAULT, b + RT_HEADROOM, 2048, &n, err, sizeof(err)), 0);
	rt_from_port(t, 0, b + RT_HEADROOM, n, RT_HEADROOM, &out, NULL);
	ck_assert_int_eq(out.reason, RT_DROP_SPOOF_IP);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "drops since 0", false, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "drop seq=1 ") && strstr(sbuf_str(&o), "reason=spoof.ip") &&
		      strstr(sbuf_str(&o), "port=tap0"), "%s", sbuf_str(&o));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "drops since 2 max 5", true, &o), 0);
	ck_assert_str_eq(sbuf_str(&o), "{\"schema\":1,\"drops\":[],\"next\":2,\"lost\":0,\"suppressed\":0}");
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "drops since x", false, &o), -EINVAL);
	sbuf_free(&o);
}
END_TEST


/* ---- genv trace path: probes across simulated routers ---- */

#define NR 4
static struct rt_tables *rt[NR];
static struct rt_runtime_ops rops[NR];
static const char *const raddr[NR] = { "10.200.0.1", "10.200.0.3", "10.200.0.2", "10.200.0.9" };
static const char *const rconf[NR][8] = {
	{ "set host addr 10.200.0.1", "add port tap0",
	  "add vpc 100 cidr 10.0.0.0/16 divider 10.200.0.9",
	  "add net 100 10.0.4.0/24 bouncer 10.200.0.3",
	  "add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0",
	  "add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2", NULL },
	/* a bouncer that does not know 10.0.1.5: h1 is its peer */
	{ "set host addr 10.200.0.3", "add vpc 100 cidr 10.0.0.0/16 peers 10.200.0.1",
	  "add net 100 10.0.4.0/24 bouncer 10.200.0.3",
	  "add ep 100 10.0.4.4 mac 02:00:00:00:04:04 host 10.200.0.2", NULL },
	/* relayed by the bouncer and the divider; h1 is a peer */
	{ "set host addr 10.200.0.2", "add port tap0",
	  "add vpc 100 cidr 10.0.0.0/16 divider 10.200.0.9 peers 10.200.0.1",
	  "add net 100 10.0.4.0/24 bouncer 10.200.0.3",
	  "add ep 100 10.0.2.7 mac 02:00:00:00:02:07 port tap0",
	  "add ep 100 10.0.4.4 mac 02:00:00:00:04:04 port tap0",
	  "add ep 100 10.0.9.9 mac 02:00:00:00:09:09 port tap0", NULL },
	{ "set host addr 10.200.0.9", "add vpc 100 cidr 10.0.0.0/16 divider 10.200.0.9 peers 10.200.0.1",
	  "add ep 100 10.0.9.9 mac 02:00:00:00:09:09 host 10.200.0.2", NULL },
};

struct wire {
	int from;
	struct gnv_addr dst;
	uint8_t ttl, tos;
	size_t size;
	uint8_t data[2048];
};
static struct wire q[32];
static int nq;
static size_t handling;		/* size of the packet being handled (0: a command) */
static int dead = -1;		/* a host whose packets are lost (-1: none) */

static int fake_send(void *ctx, const struct gnv_addr *dst, const uint8_t *data, size_t size,
		     uint8_t tos, uint8_t ttl, uint16_t sport)
{
	(void)sport;
	ck_assert_int_lt(nq, 32);
	ck_assert_uint_le(size, sizeof(q[0].data));
	/* onward at most one record larger; replies and hop reports never larger */
	if (handling)
		ck_assert_uint_le(size, handling + GENV_TRACE_REC_SIZE);
	q[nq].from = (int)(intptr_t)ctx;
	q[nq].dst = *dst;
	q[nq].ttl = ttl;
	q[nq].tos = tos;
	q[nq].size = size;
	memcpy(q[nq].data, data, size);
	nq++;
	return 0;
}

static void net_setup(void)
{
	for (int i = 0; i < NR; i++) {
		struct sbuf o = SBUF_INIT;

		rt[i] = rt_tables_new(NULL);
		ck_assert_ptr_nonnull(rt[i]);
		ck_assert_int_eq(rt_ext_add(&rt[i]->exts, &trace_ext), 0);
		memset(&rops[i], 0, sizeof(rops[i]));
		rops[i].ctx = (void *)(intptr_t)i;
		rops[i].ul_send = fake_send;
		for (int k = 0; rconf[i][k]; k++) {
			sbuf_reset(&o);
			ck_assert_msg(rt_cmd_exec(rt[i], &rops[i], rconf[i][k], false, &o) == 0, "%s: %s",
				      rconf[i][k], sbuf_str(&o));
		}
		sbuf_free(&o);
	}
	nq = 0;
	dead = -1;
}

static void net_teardown(void)
{
	for (int i = 0; i < NR; i++)
		rt_tables_free(rt[i]);
}

/* Deliver queued packets until the network is quiet; returns hops taken. */
static int run_net(void)
{
	int steps = 0;

	while (nq) {
		struct wire w = q[0];
		struct rt_ul_meta m = { .ttl = w.ttl, .tos = w.tos };
		struct rt_out o;
		uint8_t buf[2048];
		int to = -1, fam;

		memmove(q, q + 1, sizeof(q[0]) * (size_t)--nq);
		for (int i = 0; i < NR; i++) {
			struct gnv_addr a = { 0 };

			ck_assert_int_eq(parse_ip(raddr[i], &fam, a.a), 0);
			if (!memcmp(a.a, w.dst.a, 4))
				to = i;
		}
		ck_assert_int_ge(to, 0);
		if (to == dead)
			continue;
		ck_assert_int_eq(parse_ip(raddr[w.from], &fam, m.src.a), 0);
		m.src.family = 4;
		memcpy(buf, w.data, w.size);
		ck_assert_int_eq(rt_from_underlay(rt[to], &m, buf, w.size, 0, &o, NULL), RT_CONTROL);
		handling = w.size;
		/* as the router does: the pipeline's decode goes to the hook */
		rt_ext_control(&rt[to]->exts, rt[to], &rops[to], &m, &rt[to]->scratch, buf, w.size);
		handling = 0;
		ck_assert_int_lt(++steps, 20);
	}
	return steps;
}

/* Result i of a `probe` reply, read from its JSON form as genv trace reads
 * it: 0, -ENOENT (no such result) or -EINVAL. */
static int result_at(const char *reply, size_t i, struct trace_result *r)
{
	json_t *doc = json_loads(reply, 0, NULL), *o, *hops;
	int ret = 0;

	memset(r, 0, sizeof(*r));
	if (!doc)
		return -EINVAL;
	o = json_array_get(json_object_get(doc, "results"), i);
	hops = json_object_get(o, "hops");
	if (!o) {
		ret = -ENOENT;
	} else {
		r->seq = (uint64_t)json_integer_value(json_object_get(o, "seq"));
		r->id = (uint16_t)json_integer_value(json_object_get(o, "id"));
		r->pseq = (uint32_t)json_integer_value(json_object_get(o, "pseq"));
		r->overflow = json_is_true(json_object_get(o, "overflow"));
		r->report = json_is_true(json_object_get(o, "report"));
		if (r->report && parse_ip4(json_string_value(json_object_get(o, "next_hop")), r->next))
			ret = -EINVAL;
		r->rtt_ns = (uint64_t)json_integer_value(json_object_get(o, "rtt_ns"));
		for (size_t k = 0; k < json_array_size(hops) && k < GENV_TRACE_MAX_HOPS; k++) {
			json_t *h = json_array_get(hops, k);
			struct gnv_trace_rec *x = &r->hop[r->nhop++];
			int role = trace_role_lookup(json_string_value(json_object_get(h, "role")));
			int verdict = trace_verdict_lookup(json_string_value(json_object_get(h, "verdict")));
			const char *reason = json_string_value(json_object_get(h, "reason"));

			if (parse_ip4(json_string_value(json_object_get(h, "router")), x->id) || role < 0 ||
			    verdict < 0 || !reason || rt_drop_lookup(reason) < 0) {
				ret = -EINVAL;
				break;
			}
			x->role = (uint8_t)role;
			x->verdict = (uint8_t)verdict;
			x->reason = (uint16_t)rt_drop_lookup(reason);
			x->ts_us = (uint32_t)json_integer_value(json_object_get(h, "ts_us"));
		}
	}
	json_decref(doc);
	return ret;
}

/* Send probe seq from 10.0.1.5 to dst at h1 and return the result. */
static void probe(const char *dst, uint32_t seq, struct trace_result *r)
{
	struct sbuf o = SBUF_INIT;
	char line[160];
	struct trace_result x;
	bool found = false;

	snprintf(line, sizeof(line), "probe send vni 100 src 10.0.1.5 dst %s proto udp dport 53 id 7 seq %u",
		 dst, seq);
	ck_assert_msg(rt_cmd_exec(rt[0], &rops[0], line, false, &o) == 0, "%s", sbuf_str(&o));
	run_net();
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0], "probe results since 0", true, &o), 0);
	for (size_t i = 0; !result_at(sbuf_str(&o), i, &x); i++)
		if (x.pseq == seq && !x.report) {
			*r = x;
			found = true;
		}
	ck_assert_msg(found, "no result for seq %u: %s", seq, sbuf_str(&o));
	sbuf_free(&o);
}

static void hop_is(const struct trace_result *r, unsigned int i, const char *id, int role, int verdict,
		   const char *reason)
{
	char a[RT_ADDR_STR];

	ck_assert_uint_gt(r->nhop, i);
	ck_assert_str_eq(rt_addr_fmt(a, sizeof(a), 4, r->hop[i].id), id);
	ck_assert_int_eq(r->hop[i].role, role);
	ck_assert_int_eq(r->hop[i].verdict, verdict);
	ck_assert_str_eq(rt_drop_name(r->hop[i].reason), reason);
}

START_TEST(path_direct_bouncer_divider_drop)
{
	struct trace_result r;

	probe("10.0.2.7", 1, &r);
	ck_assert_uint_eq(r.nhop, 2);
	hop_is(&r, 0, "10.200.0.1", TRACE_ROLE_HOST, TRACE_V_FORWARD, "none");
	hop_is(&r, 1, "10.200.0.2", TRACE_ROLE_HOST, TRACE_V_DELIVER, "none");
	ck_assert(!r.overflow);

	probe("10.0.4.4", 2, &r);
	ck_assert_uint_eq(r.nhop, 3);
	hop_is(&r, 1, "10.200.0.3", TRACE_ROLE_BOUNCER, TRACE_V_FORWARD, "none");
	hop_is(&r, 2, "10.200.0.2", TRACE_ROLE_HOST, TRACE_V_DELIVER, "none");

	probe("10.0.9.9", 3, &r);
	ck_assert_uint_eq(r.nhop, 3);
	hop_is(&r, 1, "10.200.0.9", TRACE_ROLE_DIVIDER, TRACE_V_FORWARD, "none");
	hop_is(&r, 2, "10.200.0.2", TRACE_ROLE_HOST, TRACE_V_DELIVER, "none");

	/* the bouncer has no endpoint 10.0.4.5: it drops, and says why */
	probe("10.0.4.5", 4, &r);
	ck_assert_uint_eq(r.nhop, 2);
	hop_is(&r, 1, "10.200.0.3", TRACE_ROLE_BOUNCER, TRACE_V_DROP, "route.none");

	/* a local destination: one hop, answered at once */
	{
		struct sbuf o = SBUF_INIT;

		ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0],
					     "probe send vni 100 src 10.0.1.5 dst 10.0.0.1 proto icmp id 7 seq 5",
					     true, &o), 0);
		ck_assert_int_eq(nq, 0);
		ck_assert_msg(result_at(o.buf, 0, &r) == 0, "%s", o.buf);
		ck_assert_ptr_nonnull(strstr(o.buf, "\"sent\":null"));
		/* the text form carries the same fields */
		sbuf_reset(&o);
		ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0],
					     "probe send vni 100 src 10.0.1.5 dst 10.0.0.1 proto icmp id 7 seq 6",
					     false, &o), 0);
		ck_assert_msg(!strncmp(o.buf, "result seq=", 11) && strstr(o.buf, " pseq=6 overflow=0 ") &&
			      strstr(o.buf, " hops=1 hop=10.200.0.1,host,deliver,none,"), "%s", o.buf);
		ck_assert_uint_eq(r.nhop, 1);
		hop_is(&r, 0, "10.200.0.1", TRACE_ROLE_HOST, TRACE_V_DELIVER, "none");
		sbuf_free(&o);
	}
}
END_TEST

START_TEST(probe_abuse)
{
	struct sbuf o = SBUF_INIT;
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, 1 } }, .ttl = 64 };
	struct rt_ul_meta stranger = { .src = { .family = 4, .a = { 10, 200, 0, 66 } }, .ttl = 64 };
	uint8_t buf[512];
	size_t n;
	char err[128];
	int sent = 0;

	/* from no host of the VPC, or naming one as its origin: no answer to anyone */
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 opthex=ffa7050500010007000000010ac800010000000000000000 / eth / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &stranger, NULL, buf + 42, n - 42), -EPERM);
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 opthex=ffa7050500010007000000010ac800420000000000000000 / eth / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, n - 42), -EPERM);
	ck_assert_int_eq(nq, 0);
	ck_assert_uint_eq(trace_probes_of(rt[2])->untrusted, 2);

	/* a reply for another origin is neither forwarded nor answered */
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 opthex=ffa7050501010007000000010ac800010000000000000000 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, n - 42), -EINVAL);
	ck_assert_int_eq(nq, 0);
	/* an O-bit packet without the trace option is no probe: left to other extensions */
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	{
		uint64_t before = trace_probes_of(rt[2])->malformed;

		ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL,
						     buf + 42, n - 42), -ENOENT);
		ck_assert_uint_eq(trace_probes_of(rt[2])->malformed, before);
	}
	/* a probe without records has no origin: ignored */
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 opt=trace:id=1,seq=1 / eth / ipv4 src=10.0.2.7 dst=10.0.2.7 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, n - 42), -EINVAL);
	/* hop count that does not match the length */
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 opthex=ffa7050400030007000000010ac80042 / eth / ipv4 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, n - 42), -EINVAL);
	/* truncated */
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, 10), -EINVAL);
	ck_assert_int_eq(nq, 0);
	/* a flood: at most TRACE_PROBE_RATE handled, one packet each */
	ck_assert_int_eq(gnv_lang_build("geneve vni=100 oam=1 opthex=ffa7050500010007000000010ac800010000000000000000 / eth / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp",
					GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err, sizeof(err)), 0);
	for (int i = 0; i < 3 * TRACE_PROBE_RATE; i++) {
		handling = n - 42;
		if (trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, n - 42) == 1)
			sent++;
		handling = 0;
		nq = 0;
	}
	ck_assert_int_le(sent, TRACE_PROBE_RATE);
	ck_assert_int_gt(sent, 0);
	ck_assert_int_eq(rt_cmd_exec(rt[2], &rops[2], "probe results since 0", false, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "limited="));
	ck_assert_ptr_null(strstr(sbuf_str(&o), "limited=0 "));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(rt[0], NULL, "probe send vni 100 src 10.0.9.1 dst 10.0.2.7 id 1 seq 1",
				     false, &o), -EINVAL);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(rt[0], NULL, "probe send vni 100 src 10.0.1.5 dst 10.0.2.7 id 1 seq 1",
				     false, &o), -ENOTSUP);
	sbuf_free(&o);
}
END_TEST

START_TEST(role_verdict_names_round_trip)
{
	/* genv trace reads the routers' JSON by these names: every one of them
	 * (a "direct" hop was unreadable, so its probe counted as lost) */
	for (int i = TRACE_ROLE_HOST; i <= TRACE_ROLE_DIRECT; i++)
		ck_assert_int_eq(trace_role_lookup(trace_role_name((unsigned int)i)), i);
	for (int i = TRACE_V_FORWARD; i <= TRACE_V_CONTROL; i++)
		ck_assert_int_eq(trace_verdict_lookup(trace_verdict_name((unsigned int)i)), i);
	ck_assert_int_eq(trace_role_lookup("?"), -1);
	ck_assert_int_eq(trace_verdict_lookup(NULL), -1);
}
END_TEST

START_TEST(path_hop_reports)
{
	/* h2 is dead: the probe to 10.0.4.4 goes h1 -> bouncer -> (h2, lost);
	 * h1 still learns both hops and where the bouncer sent it */
	struct sbuf o = SBUF_INIT;
	struct trace_result r;
	char a[RT_ADDR_STR];

	dead = 2;
	ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0],
				     "probe send vni 100 src 10.0.1.5 dst 10.0.4.4 proto udp dport 53 id 7 seq 1",
				     false, &o), 0);
	run_net();
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0], "probe results since 0", true, &o), 0);
	/* h1's own report: its record, sent on to the bouncer */
	ck_assert_int_eq(result_at(sbuf_str(&o), 0, &r), 0);
	ck_assert(r.report);
	ck_assert_uint_eq(r.nhop, 1);
	hop_is(&r, 0, "10.200.0.1", TRACE_ROLE_HOST, TRACE_V_FORWARD, "none");
	ck_assert_str_eq(rt_addr_fmt(a, sizeof(a), 4, r.next), "10.200.0.3");
	ck_assert_uint_eq(r.rtt_ns, 0);
	/* the bouncer's: both records, sent on to h2 */
	ck_assert_int_eq(result_at(sbuf_str(&o), 1, &r), 0);
	ck_assert(r.report);
	ck_assert_uint_eq(r.nhop, 2);
	hop_is(&r, 1, "10.200.0.3", TRACE_ROLE_BOUNCER, TRACE_V_FORWARD, "none");
	ck_assert_str_eq(rt_addr_fmt(a, sizeof(a), 4, r.next), "10.200.0.2");
	/* and no answer */
	ck_assert_int_eq(result_at(sbuf_str(&o), 2, &r), -ENOENT);
	/* alive, the answer comes after the reports and ends the RTT */
	dead = -1;
	ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0],
				     "probe send vni 100 src 10.0.1.5 dst 10.0.4.4 proto udp dport 53 id 7 seq 2",
				     false, &o), 0);
	run_net();
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0], "probe results since 3", true, &o), 0);
	ck_assert_int_eq(result_at(sbuf_str(&o), 2, &r), 0);
	ck_assert(!r.report);
	ck_assert_uint_eq(r.nhop, 3);
	hop_is(&r, 2, "10.200.0.2", TRACE_ROLE_HOST, TRACE_V_DELIVER, "none");
	ck_assert_uint_gt(r.rtt_ns, 0);
	sbuf_free(&o);
}
END_TEST

START_TEST(path_overflow)
{
	/* a probe that already carries 9 records: the next hop returns it with O */
	uint8_t buf[512];
	struct sbuf text = SBUF_INIT;
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, 3 } }, .ttl = 64 };
	struct trace_result r;
	size_t n;
	char err[128];

	sbuf_puts(&text, "geneve vni=100 oam=1 opthex=ffa7051d0009000700000009");
	for (int i = 0; i < 9; i++)
		sbuf_puts(&text, "0ac80001000000000000000a");
	sbuf_puts(&text, " / eth / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp");
	ck_assert_msg(gnv_lang_build(sbuf_str(&text), GENV_CLASS_DEFAULT, buf, sizeof(buf), &n, err,
				     sizeof(err)) == 0, "%s", err);
	handling = n - 42;
	ck_assert_int_eq(trace_probe_control(rt[2], trace_probes_of(rt[2]), &rops[2], &m, NULL, buf + 42, n - 42), 1);
	handling = 0;
	ck_assert_int_eq(nq, 1);
	ck_assert_mem_eq(q[0].dst.a, "\x0a\xc8\x00\x01", 4);
	run_net();
	sbuf_reset(&text);
	ck_assert_int_eq(rt_cmd_exec(rt[0], &rops[0], "probe results since 0", true, &text), 0);
	ck_assert_int_eq(result_at(text.buf, 0, &r), 0);
	ck_assert(r.overflow);
	ck_assert_uint_eq(r.nhop, 9);
	ck_assert_uint_eq(r.pseq, 9);

	sbuf_free(&text);
}
END_TEST

START_TEST(mirror_records_rx_and_tx)
{
	static uint8_t b[RT_HEADROOM + 2048];
	struct sbuf o = SBUF_INIT;
	struct trace_fmt f = { 0 };
	struct trace_req r;
	json_t *doc, *recs, *rec;
	struct rt_out out;
	char err[256];
	size_t fs;

	ck_assert_int_eq(rt_cmd_exec(t, NULL, "mirror since 0", false, &o), -EINVAL);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "mirror on rate 500", false, &o), 0);
	ck_assert_uint_eq(t->run.mirror->rate, 500);
	ck_assert_int_eq(gnv_lang_build(pkts[0].text, GENV_CLASS_DEFAULT, b + RT_HEADROOM, 2048, &fs,
					err, sizeof(err)), 0);
	rt_tables_set_now(t, t->run.mirror->until_ns - 1);
	rt_from_port(t, 0, b + RT_HEADROOM, fs, RT_HEADROOM, &out, NULL);
	ck_assert_int_eq(out.verdict, RT_DELIVER);
	/* a trace is a dry run: not mirrored */
	req(&r, pkts[1].in, pkts[1].text);
	ck_assert_int_eq(trace_packet(t, &r, &f, &o, err, sizeof(err)), 0);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "mirror since 0", true, &o), 0);
	doc = json_loads(sbuf_str(&o), 0, NULL);
	ck_assert_ptr_nonnull(doc);
	recs = json_object_get(doc, "drops");
	ck_assert_msg(json_array_size(recs) == 2, "%s", sbuf_str(&o));
	rec = json_array_get(recs, 0);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "dir")), "rx");
	ck_assert_str_eq(json_string_value(json_object_get(rec, "port")), "tap0");
	ck_assert_int_eq(json_integer_value(json_object_get(rec, "vni")), 100);
	rec = json_array_get(recs, 1);
	ck_assert_str_eq(json_string_value(json_object_get(rec, "dir")), "tx");
	ck_assert_str_eq(json_string_value(json_object_get(rec, "port")), "tap1");
	/* rewritten for tap1 */
	ck_assert_int_eq(strncmp(json_string_value(json_object_get(rec, "data")), "020000000106", 12), 0);
	json_decref(doc);
	/* off: nothing more */
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "mirror off", false, &o), 0);
	rt_from_port(t, 0, b + RT_HEADROOM, fs, RT_HEADROOM, &out, NULL);
	ck_assert_uint_eq(t->run.mirror->next_seq, 3);
	sbuf_free(&o);
}
END_TEST

Suite *trace_suite(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, dry_run_changes_nothing);
	tcase_add_test(tc, text_final_lines);
	tcase_add_test(tc, request_round_trip);
	tcase_add_test(tc, wrap_checksums);
	tcase_add_test(tc, ring_records_and_limits);
	tcase_add_test(tc, pipeline_feeds_ring);
	tcase_add_test(tc, mirror_records_rx_and_tx);
	suite_add_tcase(s, tc);
	tc = tcase_create("path");
	tcase_add_checked_fixture(tc, net_setup, net_teardown);
	tcase_add_test(tc, path_direct_bouncer_divider_drop);
	tcase_add_test(tc, probe_abuse);
	tcase_add_test(tc, path_overflow);
	tcase_add_test(tc, path_hop_reports);
	tcase_add_test(tc, role_verdict_names_round_trip);
	suite_add_tcase(s, tc);
	return s;
}
