/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/scaled.sh: what a scaled endpoint costs per packet,
 * and the Maglev table build.
 *   scaled_bench BACKENDS FLOWS PACKETS
 * One router (10.200.0.1) with its endpoint 10.1.0.1 on a port sends UDP
 * to a simple remote endpoint 10.3.0.1 and to the scaled endpoint
 * 10.9.0.1 with BACKENDS remote backends 10.2.x.y (each on its own
 * host).  rt_from_port() alone is timed, per packet:
 *   simple_ns  FLOWS flows to the simple endpoint, random order
 *   new_ns     a flow's first packet to the VIP (Maglev + two conntrack inserts)
 *   est_ns     FLOWS pinned flows again, random order (conntrack hit + rewrite)
 *   build_ms   rt_maglev_build() for BACKENDS backends (mean of 5), size its slots
 * Prints one line of key=value pairs.  Not a test: asserts nothing beyond
 * "every packet was forwarded".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/build.h"
#include "../libcore/lang.h"
#include "../router/config.h"
#include "../router/pipeline.h"
#include "../router/scaled.h"
#include "bench.h"
#define BENCH_NAME "scaled_bench"
#include "bench_rt.h"


static uint8_t pbuf[RT_HEADROOM + 2048], frame_simple[256], frame_vip[256];
static size_t fsz;

static void build(const char *text, uint8_t *to)
{
	static struct gnv_spec sp;
	char err[256];

	gnv_spec_init(&sp, 0xffa7);
	if (gnv_lang_parse(text, &sp, err, sizeof(err)) || gnv_build(&sp, to, 256, &fsz))
		die("cannot build the test packet", NULL);
}

/* Send flow f (its source port) of template tpl; the time is the caller's. */
static int send(struct rt_tables *t, const uint8_t *tpl, uint32_t f)
{
	struct rt_out out;
	uint8_t *p = pbuf + RT_HEADROOM;
	uint16_t sport = (uint16_t)(1024 + f);

	memcpy(p, tpl, fsz);
	p[34] = (uint8_t)(sport >> 8);	/* UDP source port after Ethernet 14 + IPv4 20 */
	p[35] = (uint8_t)sport;
	return rt_from_port(t, 0, p, fsz, RT_HEADROOM, &out, NULL) == RT_FORWARD;
}

int main(int argc, char **argv)
{
	uint32_t nb = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 4;
	uint32_t nflow = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 50000;
	uint32_t npk = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 1000000;
	struct rt_maglev_backend *mb;
	struct rt_limits lim;
	struct rt_tables *t;
	struct sbuf line = SBUF_INIT;
	uint32_t *order, msize = 0;
	double t0, simple_ns, new_ns, est_ns, build_ms;

	if (nb < 1 || nb > RT_MAGLEV_MAX_BACKENDS || nflow < 1 || nflow > 60000 || npk < 1) {
		fprintf(stderr, "usage: scaled_bench BACKENDS(1-%d) FLOWS(1-60000) PACKETS\n",
			RT_MAGLEV_MAX_BACKENDS);
		return 2;
	}
	rt_limits_default(&lim);
	lim.max_eps = nb + 16;
	lim.max_hosts = nb + 16;
	lim.ct_entries = 4 * nflow;
	t = rt_tables_new(&lim);
	if (!t)
		die("out of memory", NULL);
	rt_tables_set_now(t, 1000000000ull);
	run(t, "set host addr 10.200.0.1");
	run(t, "add port tap0");
	run(t, "add vpc 100 cidr 10.0.0.0/8");
	run(t, "add ep 100 10.1.0.1 mac 02:00:00:00:01:01 port tap0");
	run(t, "add ep 100 10.3.0.1 mac 02:00:00:00:03:01 host 10.201.0.1");
	mb = calloc(nb, sizeof(*mb));
	if (!mb)
		die("out of memory", NULL);
	for (uint32_t i = 0; i < nb; i++) {
		char l[160];

		snprintf(l, sizeof(l), "add ep 100 10.2.%u.%u mac 02:00:00:02:%02x:%02x host 10.202.%u.%u",
			 i / 256, i % 256, i / 256, i % 256, i / 256, i % 256);
		run(t, l);
		mb[i].addr[0] = 10;
		mb[i].addr[1] = 2;
		mb[i].addr[2] = (uint8_t)(i / 256);
		mb[i].addr[3] = (uint8_t)i;
		mb[i].weight = 1;
	}
	/* the backends in commands of at most 200 */
	for (uint32_t i = 0; i < nb; i++) {
		if (i % 200 == 0)
			sbuf_printf(&line, i ? "set ep 100 10.9.0.1 backends" :
				    "add ep 100 10.9.0.1 mac 02:00:00:00:09:01 type scaled backends");
		sbuf_printf(&line, " %s10.2.%u.%u", i >= 200 ? "+" : "", i / 256, i % 256);
		if (i % 200 == 199 || i == nb - 1) {
			run(t, sbuf_str(&line));
			sbuf_reset(&line);
		}
	}
	t0 = now_ns();
	for (int k = 0; k < 5; k++) {
		struct rt_maglev *m = rt_maglev_build(mb, nb);

		if (!m)
			die("out of memory", NULL);
		msize = m->size;
		rt_maglev_free(m);
	}
	build_ms = (now_ns() - t0) / 5e6;

	build("eth src=02:00:00:00:01:01 / ipv4 src=10.1.0.1 dst=10.3.0.1 / udp sport=1024 dport=5000 / payload len=64",
	      frame_simple);
	build("eth src=02:00:00:00:01:01 / ipv4 src=10.1.0.1 dst=10.9.0.1 / udp sport=1024 dport=5000 / payload len=64",
	      frame_vip);
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
	t0 = now_ns();
	for (uint32_t f = 0; f < nflow; f++)
		if (!send(t, frame_vip, order[f]))
			die("a new flow to the VIP was not forwarded", NULL);
	new_ns = (now_ns() - t0) / nflow;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < npk; n++, k = k + 1 == nflow ? 0 : k + 1)
		if (!send(t, frame_vip, order[k]))
			die("a pinned flow was not forwarded", NULL);
	est_ns = (now_ns() - t0) / npk;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < npk; n++, k = k + 1 == nflow ? 0 : k + 1)
		if (!send(t, frame_simple, order[k]))
			die("a flow to the simple endpoint was not forwarded", NULL);
	simple_ns = (now_ns() - t0) / npk;
	printf("backends=%u flows=%u maglev_size=%u build_ms=%.2f simple_ns=%.0f new_ns=%.0f est_ns=%.0f\n",
	       nb, nflow, msize, build_ms, simple_ns, new_ns, est_ns);
	sbuf_free(&line);
	free(order);
	free(mb);
	rt_tables_free(t);
	return 0;
}
