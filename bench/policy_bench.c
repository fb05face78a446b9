/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/policy.sh: what network policy costs per packet and to
 * compile.
 *   policy_bench POLICIES FLOWS PACKETS [ENDPOINTS]
 * Two routers in one process: host A (10.200.0.1) encapsulates a UDP
 * packet of its endpoint 10.1.0.1 (app=b0), host B (10.200.0.2) receives
 * it for its endpoint 10.2.0.5 (app=a0) and enforces ingress.  B holds
 * ENDPOINTS endpoints over 1,000 label sets and POLICIES policies (one of
 * them allows b0 -> a0 on udp/5000-5001, the others select and allow other
 * label sets), added in one transaction so they compile once.
 * Prints one line of key=value pairs:
 *   compile_ms, rss_kb (growth over the commit), table_kb (rt_tables_memory),
 *   new_ns (a flow's first packet: policy decision + conntrack insert),
 *   est_ns (FLOWS tracked flows again, in random order: conntrack hits),
 *   hot_ns (one flow, repeated), all for B's rt_from_underlay() alone.
 * Not a test: asserts nothing beyond "every packet was delivered".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../libcore/build.h"
#include "../libcore/lang.h"
#include "../router/config.h"
#include "../router/pipeline.h"
#include "bench.h"
#define BENCH_NAME "policy_bench"
#include "bench_rt.h"


static struct rt_tables *router(uint32_t neps, uint32_t npol)
{
	struct rt_limits lim;
	struct rt_tables *t;

	rt_limits_default(&lim);
	lim.max_eps = neps + 16;
	lim.max_policies = npol + 16;
	lim.max_idents = 4096;
	lim.max_hosts = 4096;
	t = rt_tables_new(&lim);
	if (!t)
		die("out of memory", NULL);
	rt_tables_set_now(t, 1000000000ull);
	return t;
}

int main(int argc, char **argv)
{
	uint32_t npol = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 0;
	uint32_t nflow = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 100000;
	uint32_t npk = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 2000000;
	uint32_t neps = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 10000;
	static uint8_t pbuf[RT_HEADROOM + 2048], ubuf[2048], work[2048];
	static struct gnv_spec sp;
	struct rt_tables *a, *b;
	struct rt_out out;
	struct rt_ul_meta m;
	struct sbuf cmds = SBUF_INIT, o = SBUF_INIT;
	char err[256], line[512];
	size_t fsz, usz, l4;
	uint32_t *order;
	double t0, compile_ms, new_ns, est_ns, hot_ns;
	long rss0;
	int port = 0;

	if (nflow < 1 || nflow > 2 * 60000 || neps < 2) {
		fprintf(stderr, "usage: policy_bench POLICIES FLOWS(1-120000) PACKETS [ENDPOINTS>=2]\n");
		return 2;
	}
	/* host A: the sender, no policy */
	a = router(16, 0);
	run(a, "set host addr 10.200.0.1");
	run(a, "add port tap0");
	run(a, "add vpc 100 cidr 10.0.0.0/8");
	run(a, "add ep 100 10.1.0.1 mac 02:00:00:00:01:01 port tap0 labels app=b0");
	run(a, "add ep 100 10.2.0.5 mac 02:00:00:00:02:05 host 10.200.0.2 labels app=a0");

	/* host B: the receiver, ENDPOINTS endpoints and POLICIES policies */
	b = router(neps, npol);
	run(b, "set host addr 10.200.0.2");
	run(b, "add port tap0");
	run(b, "add vpc 100 cidr 10.0.0.0/8");
	run(b, "add ep 100 10.2.0.5 mac 02:00:00:00:02:05 port tap0 labels app=a0");
	run(b, "add ep 100 10.1.0.1 mac 02:00:00:00:01:01 host 10.200.0.1 labels app=b0");
	for (uint32_t i = 2; i < neps; i++) {
		snprintf(line, sizeof(line), "add ep 100 10.%u.%u.%u mac 02:00:%02x:%02x:%02x:00 host 10.200.%u.%u labels app=a%u",
			 3 + i / 65536, i / 256 % 256, i % 256, i >> 16 & 255, i >> 8 & 255, i & 255,
			 1 + i / 250 % 8, 1 + i % 250, i % 1000);
		run(b, line);
	}
	if (npol) {
		sbuf_puts(&cmds, "add policy 100 allow-b0 select app=a0 ingress from pod app=b0 port udp/5000-5001\n");
		for (uint32_t i = 1; i < npol; i++)
			sbuf_printf(&cmds, "add policy 100 p%u select app=a%u ingress from pod app=a%u port tcp/%u port udp/%u-%u\n",
				    i, 1 + i % 999, (i * 7 + 3) % 1000, 1000 + i % 5000, 2000 + i % 100, 2100 + i % 100);
	}
	rss0 = rss_kb();
	t0 = now_ns();
	if (npol && rt_cmd_exec_txn(b, NULL, sbuf_str(&cmds), false, &o))
		die("policies", &o);
	compile_ms = (now_ns() - t0) / 1e6;

	/* one packet from A's endpoint, encapsulated by A */
	rt_port_check(a, "tap0", 1500, &port, err, sizeof(err));
	gnv_spec_init(&sp, 0xffa7);
	if (gnv_lang_parse("eth src=02:00:00:00:01:01 / ipv4 src=10.1.0.1 dst=10.2.0.5 / udp sport=1024 dport=5000 / payload len=64",
			   &sp, err, sizeof(err)) ||
	    gnv_build(&sp, pbuf + RT_HEADROOM, sizeof(pbuf) - RT_HEADROOM, &fsz))
		die("cannot build the test packet", NULL);
	if (rt_from_port(a, 0, pbuf + RT_HEADROOM, fsz, RT_HEADROOM, &out, NULL) != RT_FORWARD)
		die("host A did not forward", NULL);
	usz = out.size;
	memcpy(ubuf, out.data, usz);
	/* the inner UDP header: Geneve 8 + options, Ethernet 14, IPv4 20 */
	l4 = 8 + (size_t)(ubuf[0] & 0x3f) * 4 + 14 + 20;
	ubuf[l4 + 6] = ubuf[l4 + 7] = 0;	/* no inner UDP checksum */
	memset(&m, 0, sizeof(m));
	m.src.family = 4;
	memcpy(m.src.a, "\x0a\xc8\x00\x01", 4);
	m.ttl = 64;

	order = malloc(sizeof(*order) * nflow);
	if (!order)
		die("out of memory", NULL);
	for (uint32_t i = 0; i < nflow; i++)
		order[i] = i;
	for (uint32_t i = nflow - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(next() % (i + 1)), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}
#define SEND(flow) do { \
		uint32_t f_ = (flow), sport_ = 1024 + f_ / 2; \
		memcpy(work, ubuf, usz); \
		work[l4] = (uint8_t)(sport_ >> 8); \
		work[l4 + 1] = (uint8_t)sport_; \
		work[l4 + 3] = (uint8_t)(0x88 + (f_ & 1));	/* dport 5000 or 5001 */ \
		if (rt_from_underlay(b, &m, work, usz, 0, &out, NULL) != RT_DELIVER) { \
			fprintf(stderr, "policy_bench: flow %u not delivered (%s)\n", f_, rt_drop_name(out.reason)); \
			return 1; \
		} \
	} while (0)
	t0 = now_ns();
	for (uint32_t f = 0; f < nflow; f++)
		SEND(order[f]);
	new_ns = (now_ns() - t0) / nflow;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < npk; n++) {
		SEND(order[k]);
		if (++k == nflow)
			k = 0;
	}
	est_ns = (now_ns() - t0) / npk;
	t0 = now_ns();
	for (uint32_t n = 0; n < npk; n++)
		SEND(7);
	hot_ns = (now_ns() - t0) / npk;

	printf("policies=%u eps=%u flows=%u compile_ms=%.1f rss_kb=%ld table_kb=%zu new_ns=%.0f est_ns=%.0f hot_ns=%.0f\n",
	       npol, neps, nflow, compile_ms, rss0 >= 0 ? rss_kb() - rss0 : -1L, rt_tables_memory(b) / 1024,
	       new_ns, est_ns, hot_ns);
	sbuf_free(&cmds);
	sbuf_free(&o);
	free(order);
	rt_tables_free(a);
	rt_tables_free(b);
	return 0;
}
