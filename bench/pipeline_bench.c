/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/pipeline.sh: the router's packet pipeline on one core,
 * no I/O, with EPS remote endpoints.
 *   pipeline_bench EPS PACKETS REPS [SIZE...]
 * One router (10.199.0.1) in VPC 100 (10.0.0.0/8) with one local
 * endpoint 10.0.0.2 on port tap0 and EPS remote endpoints 10.0.0.16 ...,
 * endpoint i on host 10.200.x.y (i % 4000: 4,000 underlay peers).  Each
 * packet goes to (encap) or comes from (decap) an endpoint drawn at random
 * over all EPS, so a table larger than the cache is read from memory.
 * Times are the thread's CPU time (cpu_ns()): on the shared machine a
 * pass is not charged for the time slices other processes take.
 * Timed, per packet, for each inner frame SIZE (default 64 and 1400
 * bytes, Ethernet header to the end of the UDP payload):
 *   encap  rt_from_port(): a VM frame from tap0 -> anti-spoofing -> VPC ->
 *          remote endpoint -> Geneve header in front, outer fields set
 *          (what a TAP or AF_XDP endpoint port does with each frame)
 *   decap  rt_from_underlay(): a Geneve payload from the endpoint's host
 *          -> RFC 8926 checks -> VPC -> trust (outer source a host of the
 *          VPC, inner source on that host) -> local endpoint, decapsulated
 * and the endpoint lookup alone, the same random keys: rt_ep_find() one by
 * one and rt_ep_find_batch() 32 at a time (prefetching).  The pipeline
 * has no batch entry: its packets take rt_ep_find() one at a time.
 * Per packet the loop rewrites the headers it varies (34 bytes for encap,
 * 50 for decap: the copy is in the time) and reads the next random index
 * from an array read in order.  Each figure is the median of REPS passes
 * of PACKETS packets; _ins and _llc are instructions and last-level cache
 * misses per packet (user space, perf_event_open: -1 when the machine
 * has no counters).  PIPELINE_BENCH_ONLY=encap|decap in the environment
 * runs that pass alone (bench/pipeline.sh counts its instructions under
 * valgrind then).  Prints one line of key=value pairs.  Not a test:
 * asserts nothing beyond "every packet took its way".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../router/config.h"
#include "../router/pipeline.h"
#include "bench.h"
#define BENCH_NAME "pipeline_bench"
#include "bench_rt.h"

#define HOSTS	4000
#define MAXREPS	15
#define HEAD	(RT_HEADROOM + 64)

static uint8_t pbuf[HEAD + 2048], tpl_port[2048], tpl_ul[2048];
static size_t sz_port, sz_ul;
static uint32_t *idx;		/* [PACKETS] random endpoint indexes */

/* endpoint i: 10.0.0.0 + 16 + i, on host 10.200.0.1 + i % HOSTS */
static void ep_ip(uint32_t i, uint8_t *a)
{
	uint32_t v = 16 + i;

	a[0] = 10;
	a[1] = (uint8_t)(v >> 16);
	a[2] = (uint8_t)(v >> 8);
	a[3] = (uint8_t)v;
}

static void host_ip(uint32_t i, uint8_t *a)
{
	uint32_t h = i % HOSTS + 1;

	a[0] = 10;
	a[1] = 200;
	a[2] = (uint8_t)(h >> 8);
	a[3] = (uint8_t)h;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_d);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

enum kind { ENCAP, DECAP, LOOKUP, BATCH };

/* One pass of npk packets (or lookups) of kind k; ns per packet. */
static double pass(struct rt_tables *t, enum kind k, uint32_t npk, const struct bench_pmu *pmu, double pm[2])
{
	static struct rt_ep_key keys[32];
	struct rt_ep *res[32];
	struct rt_ul_meta m = { .src = { .family = 4 }, .ttl = 64 };
	struct rt_out out;
	uint8_t *p = pbuf + HEAD;
	volatile uintptr_t sink = 0;
	uint32_t bad = 0;
	double t0;

	bench_pmu_start(pmu);
	t0 = cpu_ns();
	switch (k) {
	case ENCAP:
		for (uint32_t n = 0; n < npk; n++) {
			memcpy(p, tpl_port, 34);	/* Ethernet 14 + IPv4 20 */
			ep_ip(idx[n], p + 30);
			bad += rt_from_port(t, 0, p, sz_port, HEAD, &out, NULL) != RT_FORWARD;
		}
		break;
	case DECAP:
		for (uint32_t n = 0; n < npk; n++) {
			memcpy(p, tpl_ul, 50);		/* Geneve 8 + Ethernet 14 + IPv4 20 + UDP 8 */
			ep_ip(idx[n], p + 8 + 14 + 12);
			host_ip(idx[n], m.src.a);
			bad += rt_from_underlay(t, &m, p, sz_ul, HEAD, &out, NULL) != RT_DELIVER;
		}
		break;
	case LOOKUP:
		for (uint32_t n = 0; n < npk; n++) {
			ep_ip(idx[n], keys[0].ip);
			struct rt_ep *e = rt_ep_find(t, 100, 4, keys[0].ip);

			bad += !e;
			sink += (uintptr_t)e;
		}
		break;
	case BATCH:
		for (int j = 0; j < 32; j++) {
			keys[j].vni = 100;
			keys[j].family = 4;
		}
		for (uint32_t n = 0; n + 32 <= npk; n += 32) {
			for (int j = 0; j < 32; j++)
				ep_ip(idx[n + (uint32_t)j], keys[j].ip);
			bad += 32 - rt_ep_find_batch(t, keys, 32, res);
			sink += (uintptr_t)res[0];
		}
		npk -= npk % 32;
		break;
	}
	t0 = cpu_ns() - t0;
	bench_pmu_read(pmu, pm);
	if (bad) {
		fprintf(stderr, "pipeline_bench: %u of %u packets did not take their way (last: %s, %s)\n", bad, npk,
			rt_verdict_name(out.verdict), rt_drop_name(out.reason));
		exit(1);
	}
	for (int i = 0; i < 2; i++)
		if (pm[i] >= 0)
			pm[i] /= npk;
	(void)sink;
	return t0 / npk;
}

static void measure(struct rt_tables *t, enum kind k, const char *name, uint32_t npk, int reps,
		    const struct bench_pmu *pmu)
{
	double ns[MAXREPS], ins[MAXREPS], llc[MAXREPS], pm[2];

	for (int r = 0; r < reps; r++) {
		ns[r] = pass(t, k, npk, pmu, pm);
		ins[r] = pm[0];
		llc[r] = pm[1];
	}
	printf(" %s_ns=%.1f %s_ins=%.0f %s_llc=%.2f", name, median(ns, reps), name, median(ins, reps), name,
	       median(llc, reps));
}

int main(int argc, char **argv)
{
	uint32_t neps = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000;
	uint32_t npk = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 2000000;
	int reps = argc > 3 ? atoi(argv[3]) : 5;
	struct rt_limits lim;
	struct rt_tables *t;
	struct bench_pmu pmu;
	char line[160], name[32];
	unsigned long sizes[8] = { 64, 1400 };
	int nsizes = argc > 4 ? argc - 4 : 2;
	double t0, setup_s;
	const char *only;

	if (neps < 1 || neps > 16000000 || npk < 32 || npk > 100000000 || reps < 1 || reps > MAXREPS) {
		fprintf(stderr, "usage: pipeline_bench EPS(1-16000000) PACKETS(32-100000000) REPS(1-%d) [SIZE...]\n",
			MAXREPS);
		return 2;
	}
	if (nsizes > 8)
		die("at most 8 SIZEs", NULL);
	for (int a = 4; a < argc; a++) {
		sizes[a - 4] = strtoul(argv[a], NULL, 10);
		if (sizes[a - 4] < 43 || sizes[a - 4] > 1400) {
			fprintf(stderr, "pipeline_bench: SIZE '%s': expected 43..1400 bytes\n", argv[a]);
			return 2;
		}
	}
	rt_limits_default(&lim);
	lim.max_eps = neps + 16;
	lim.max_hosts = HOSTS + 16;
	t = rt_tables_new(&lim);
	idx = malloc(sizeof(*idx) * npk);
	if (!t || !idx)
		die("out of memory", NULL);
	rt_tables_set_now(t, 1000000000ull);
	t0 = now_ns();
	run(t, "set host addr 10.199.0.1");
	run(t, "add port tap0");
	run(t, "add vpc 100 cidr 10.0.0.0/8");
	run(t, "add ep 100 10.0.0.2 mac 02:00:00:00:00:01 port tap0");
	for (uint32_t i = 0; i < neps; i++) {
		uint8_t a[4], h[4];

		ep_ip(i, a);
		host_ip(i, h);
		snprintf(line, sizeof(line), "add ep 100 %u.%u.%u.%u mac 02:01:%02x:%02x:%02x:%02x host %u.%u.%u.%u",
			 a[0], a[1], a[2], a[3], i >> 24, (i >> 16) & 255, (i >> 8) & 255, i & 255, h[0], h[1],
			 h[2], h[3]);
		run(t, line);
	}
	setup_s = (now_ns() - t0) / 1e9;
	for (uint32_t n = 0; n < npk; n++)
		idx[n] = (uint32_t)(next() % neps);
	only = getenv("PIPELINE_BENCH_ONLY");
	if (only && strcmp(only, "encap") && strcmp(only, "decap")) {
		fprintf(stderr, "pipeline_bench: PIPELINE_BENCH_ONLY '%s': expected encap or decap\n", only);
		return 2;
	}
	bench_pmu_open(&pmu);
	printf("eps=%u packets=%u reps=%d setup_s=%.1f table_bytes_per_ep=%.0f", neps, npk, reps, setup_s,
	       (double)rt_tables_memory(t) / neps);
	if (!only) {
		measure(t, LOOKUP, "lookup", npk, reps, &pmu);
		measure(t, BATCH, "batch", npk, reps, &pmu);
	}
	for (int a = 0; a < nsizes; a++) {
		char text[256];

		snprintf(text, sizeof(text),
			 "eth src=02:00:00:00:00:01 / ipv4 src=10.0.0.2 dst=10.0.0.16 / udp sport=1024 dport=5000 / payload len=%lu",
			 sizes[a] - 42);
		sz_port = build_frame(text, tpl_port, sizeof(tpl_port));
		/* the whole datagram, then its UDP payload (Geneve onward) */
		snprintf(text, sizeof(text),
			 "eth / ipv4 / udp / geneve vni=100 / eth src=02:01:00:00:00:00 / ipv4 src=10.0.0.16 dst=10.0.0.2 / udp sport=5000 dport=1024 / payload len=%lu",
			 sizes[a] - 42);
		sz_ul = build_frame(text, tpl_ul, sizeof(tpl_ul)) - 42;
		memmove(tpl_ul, tpl_ul + 42, sz_ul);
		memcpy(pbuf + HEAD, tpl_port, sz_port);
		snprintf(name, sizeof(name), "encap%lu", sizes[a]);
		if (!only || *only == 'e')
			measure(t, ENCAP, name, npk, reps, &pmu);
		memcpy(pbuf + HEAD, tpl_ul, sz_ul);
		snprintf(name, sizeof(name), "decap%lu", sizes[a]);
		if (!only || *only == 'd')
			measure(t, DECAP, name, npk, reps, &pmu);
	}
	printf("\n");
	free(idx);
	rt_tables_free(t);
	return 0;
}
