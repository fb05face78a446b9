/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/nat.sh: what a gateway endpoint's source NAT costs on
 * the gateway host (router/nat.h).
 *   nat_bench FLOWS PACKETS
 * The gateway host 10.200.0.9 of VPC 100 (nat-ports 7000-65535) gets
 * UDP from VM 10.0.1.5 (on host 10.200.0.1) to outside addresses
 * 192.168.x.y, one flow per (source port, destination); timed, per
 * packet (the pipeline alone, no I/O):
 *   new_ns   a flow's first packet (port allocation, two conntrack
 *            inserts, rewrite): new_per_s new connections per second
 *   est_ns   FLOWS mapped flows again, random order (conntrack hit x2)
 *   ret_ns   their replies from outside, random order (rt_from_outside:
 *            translated back and encapsulated to the VM's host); a
 *            mapping conntrack evicted from a full set loses its
 *            replies (replies_lost, next to ct_evicted)
 *   decap_ns the peer in the same run: the same packets to a local
 *            endpoint of the VPC, decapsulated and delivered (no NAT)
 * Prints one line of key=value pairs.  Not a test: asserts nothing
 * beyond "every packet took the way it should".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../router/config.h"
#include "../router/conntrack.h"
#include "../router/pipeline.h"
#include "bench.h"
#define BENCH_NAME "nat_bench"
#include "bench_rt.h"

#define HEAD	(RT_HEADROOM + 64)

static uint8_t pbuf[HEAD + 2048], tpl_out[256], tpl_local[256], tpl_ret[256];
static size_t sz_out, sz_local, sz_ret;

/* Flow f's tuple: source port and destination 192.168.a.b. */
static void tuple(uint32_t f, uint8_t *sport, uint8_t *dst)
{
	uint16_t p = (uint16_t)(1024 + f % 20000);

	sport[0] = (uint8_t)(p >> 8);
	sport[1] = (uint8_t)p;
	dst[0] = 192;
	dst[1] = 168;
	dst[2] = (uint8_t)(f / 20000 >> 8);
	dst[3] = (uint8_t)(f / 20000);
}

/* From the VM's host: the Geneve payload of template tpl for flow f. */
static enum rt_verdict from_vm(struct rt_tables *t, const uint8_t *tpl, size_t n, uint32_t f,
			       struct rt_out *out)
{
	static const struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, 1 } }, .ttl = 64 };
	uint8_t *p = pbuf + HEAD;

	/* Geneve 8 + inner Ethernet 14: the inner IPv4 header at 22 */
	memcpy(p, tpl + 42, n - 42);
	tuple(f, p + 22 + 20, p + 22 + 16);
	return rt_from_underlay(t, &m, p, n - 42, HEAD, out, NULL);
}

int main(int argc, char **argv)
{
	uint32_t nflow = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 100000;
	uint32_t npk = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 1000000;
	struct rt_limits lim;
	struct rt_tables *t;
	struct rt_out out;
	uint32_t *order;
	uint16_t *nport;
	double t0, new_ns, est_ns, ret_ns, decap_ns;
	uint64_t lost = 0;

	if (nflow < 1 || nflow > 5000000 || npk < 1) {
		fprintf(stderr, "usage: nat_bench FLOWS(1-5000000) PACKETS\n");
		return 2;
	}
	rt_limits_default(&lim);
	lim.max_eps = 16;
	lim.max_hosts = 16;
	lim.ct_entries = 8 * nflow;	/* 2 per mapping; a full 8-way set evicts */
	t = rt_tables_new(&lim);
	if (!t)
		die("out of memory", NULL);
	rt_tables_set_now(t, 1000000000ull);
	run(t, "set host addr 10.200.0.9");
	run(t, "add port tap0");
	run(t, "add vpc 100 cidr 10.0.0.0/16");
	run(t, "add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.1");
	run(t, "add ep 100 10.0.2.5 mac 02:00:00:00:02:05 port tap0");
	run(t, "add ep 100 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.9 nat-ports 7000-65535");
	sz_out = build_frame("eth / ipv4 / udp / geneve vni=100 / eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 "
			     "dst=192.168.0.0 / udp sport=1024 dport=5000 / payload len=64", tpl_out, sizeof(tpl_out));
	sz_local = build_frame("eth / ipv4 / udp / geneve vni=100 / eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 "
			       "dst=10.0.2.5 / udp sport=1024 dport=5000 / payload len=64", tpl_local, sizeof(tpl_local));
	sz_ret = build_frame("ipv4 src=192.168.0.0 dst=10.200.0.9 / udp sport=5000 dport=1024 / payload len=64",
			     tpl_ret, sizeof(tpl_ret));
	order = shuffled(nflow);
	nport = malloc(sizeof(*nport) * nflow);
	if (!order || !nport)
		die("out of memory", NULL);
	t0 = now_ns();
	for (uint32_t f = 0; f < nflow; f++) {
		if (from_vm(t, tpl_out, sz_out, order[f], &out) != RT_EGRESS)
			die("a new flow was not translated", NULL);
		nport[order[f]] = (uint16_t)(out.data[20] << 8 | out.data[21]);
	}
	new_ns = (now_ns() - t0) / nflow;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < npk; n++, k = k + 1 == nflow ? 0 : k + 1)
		if (from_vm(t, tpl_out, sz_out, order[k], &out) != RT_EGRESS)
			die("a mapped flow was not translated", NULL);
	est_ns = (now_ns() - t0) / npk;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < npk; n++, k = k + 1 == nflow ? 0 : k + 1) {
		uint8_t *p = pbuf + HEAD, sport[2];
		uint32_t f = order[k];

		memcpy(p, tpl_ret, sz_ret);
		tuple(f, sport, p + 12);
		p[22] = (uint8_t)(nport[f] >> 8);
		p[23] = (uint8_t)nport[f];
		if (rt_from_outside(t, p, sz_ret, HEAD, &out, NULL) != RT_FORWARD)
			lost++;
	}
	ret_ns = (now_ns() - t0) / npk;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < npk; n++, k = k + 1 == nflow ? 0 : k + 1) {
		uint8_t *p = pbuf + HEAD;

		memcpy(p, tpl_local + 42, sz_local - 42);
		p[22 + 20] = (uint8_t)(order[k] >> 8);
		p[22 + 21] = (uint8_t)order[k];
		if (rt_from_underlay(t, &(struct rt_ul_meta){ .src = { .family = 4, .a = { 10, 200, 0, 1 } },
							      .ttl = 64 },
				     p, sz_local - 42, HEAD, &out, NULL) != RT_DELIVER)
			die("a packet to the local endpoint was not delivered", NULL);
	}
	decap_ns = (now_ns() - t0) / npk;
	printf("flows=%u mappings=%llu ct_evicted=%llu replies_lost=%llu new_ns=%.0f new_per_s=%.0f est_ns=%.0f "
	       "ret_ns=%.0f decap_ns=%.0f\n", nflow, (unsigned long long)t->run.nat.mappings,
	       (unsigned long long)t->run.ct->st.evicted, (unsigned long long)lost, new_ns, 1e9 / new_ns, est_ns,
	       ret_ns, decap_ns);
	free(order);
	free(nport);
	rt_tables_free(t);
	return 0;
}
