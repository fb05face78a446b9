/* SPDX-License-Identifier: MIT */
/*
 * Driver for bench/tables.sh: router table cost at a given size.
 *   tables_bench EPS VPCS LOOKUPS
 * Prints one line of key=value pairs (ns per operation, bytes per endpoint).
 * Lookups go in a random order over all keys, so a large table is measured
 * from memory, not from cache.  Not a test: it asserts nothing beyond
 * "the lookups found what was added".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../libcore/build.h"
#include "../libcore/lang.h"
#include "../router/pipeline.h"
#include "bench.h"
#ifdef PROBE_STATS
void probe_stats(const struct rt_tables *t);
#endif

struct key {
	uint32_t vni;
	uint8_t ip[4];
};

/* endpoint i: VPC i % vpcs + 1 (all VPCs reuse 10.0.0.0/8), address from i / vpcs */
static void key_of(uint32_t i, uint32_t vpcs, struct key *k)
{
	uint32_t a = i / vpcs + 2;

	k->vni = i % vpcs + 1;
	k->ip[0] = 10;
	k->ip[1] = (uint8_t)(a >> 16);
	k->ip[2] = (uint8_t)(a >> 8);
	k->ip[3] = (uint8_t)a;
}

static void spec_of(const struct key *k, uint32_t i, struct rt_ep_spec *s)
{
	memset(s, 0, sizeof(*s));
	s->vni = k->vni;
	s->family = 4;
	memcpy(s->ip, k->ip, 4);
	s->mac[0] = 2;
	memcpy(s->mac + 2, &i, 4);
	s->port = -1;
	s->nhost = 1;
	s->host[0].family = 4;
	s->host[0].a[0] = 10;
	s->host[0].a[1] = 200;
	s->host[0].a[2] = (uint8_t)(i % 1000 / 250);
	s->host[0].a[3] = (uint8_t)(i % 250 + 1);
}

int main(int argc, char **argv)
{
	uint32_t neps = argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 10) : 1000;
	uint32_t nvpc = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 4096;
	uint32_t nlook = argc > 3 ? (uint32_t)strtoul(argv[3], NULL, 10) : 10000000;
	struct rt_limits lim;
	struct rt_tables *t;
	struct rt_ep_spec s;
	struct key *keys, *shuf;
	uint32_t *order, found = 0;
	char err[256];
	double t0, batch_ns, add_ns, set_ns, del_ns, look_ns, miss_ns, lpm_ns, vpc_ns, pipe_ns, encap_ns;
	long rss0, rss1;
	volatile uintptr_t sink = 0;

	rt_limits_default(&lim);
	lim.max_eps = neps + 16;
	lim.max_vpcs = nvpc;
	lim.max_nets = nvpc * 4;
	lim.max_hosts = 4096;
	lim.flows_per_vpc = 4;
	rss0 = rss_kb();
	t = rt_tables_new(&lim);
	keys = malloc(sizeof(*keys) * neps);
	order = malloc(sizeof(*order) * neps);
	shuf = malloc(sizeof(*shuf) * neps);
	if (!t || !keys || !order || !shuf) {
		fprintf(stderr, "tables_bench: out of memory\n");
		return 1;
	}
	for (uint32_t v = 0; v < nvpc; v++) {
		struct rt_vpc_spec vs;
		struct rt_net_spec ns;

		memset(&vs, 0, sizeof(vs));
		vs.vni = v + 1;
		vs.ncidr = 1;
		rt_prefix_parse("10.0.0.0/8", &vs.cidr[0], err, sizeof(err));
		if (rt_vpc_add(t, &vs, err, sizeof(err))) {
			fprintf(stderr, "tables_bench: %s\n", err);
			return 1;
		}
		/* four nets per VPC, three prefix lengths */
		static const char *const nets[] = { "10.0.0.0/16", "10.1.0.0/16", "10.1.2.0/24", "10.1.2.128/25" };
		for (int k = 0; k < 4; k++) {
			memset(&ns, 0, sizeof(ns));
			ns.vni = v + 1;
			rt_prefix_parse(nets[k], &ns.p, err, sizeof(err));
			ns.nbouncer = 1;
			ns.bouncer[0].family = 4;
			memcpy(ns.bouncer[0].a, "\x0a\xc8\x01\x01", 4);
			if (rt_net_add(t, &ns, err, sizeof(err))) {
				fprintf(stderr, "tables_bench: %s\n", err);
				return 1;
			}
		}
	}
	for (uint32_t i = 0; i < neps; i++) {
		key_of(i, nvpc, &keys[i]);
		order[i] = i;
	}
	for (uint32_t i = neps - 1; i > 0; i--) {
		uint32_t j = (uint32_t)(next() % (i + 1)), x = order[i];

		order[i] = order[j];
		order[j] = x;
	}

	/* updates: add all (random order), move all, then delete and re-add 10% */
	t0 = now_ns();
	for (uint32_t k = 0; k < neps; k++) {
		uint32_t i = order[k];

		spec_of(&keys[i], i, &s);
		if (rt_ep_add(t, &s, err, sizeof(err))) {
			fprintf(stderr, "tables_bench: add %u: %s\n", i, err);
			return 1;
		}
	}
	add_ns = (now_ns() - t0) / neps;
	rss1 = rss_kb();
	t0 = now_ns();
	for (uint32_t k = 0; k < neps; k++) {
		uint32_t i = order[k];

		spec_of(&keys[i], i + 1, &s);
		if (rt_ep_set(t, &s, err, sizeof(err))) {
			fprintf(stderr, "tables_bench: set %u: %s\n", i, err);
			return 1;
		}
	}
	set_ns = (now_ns() - t0) / neps;
	t0 = now_ns();
	for (uint32_t k = 0; k < neps / 10; k++) {
		uint32_t i = order[k];

		if (rt_ep_del(t, keys[i].vni, 4, keys[i].ip, err, sizeof(err))) {
			fprintf(stderr, "tables_bench: del: %s\n", err);
			return 1;
		}
	}
	for (uint32_t k = 0; k < neps / 10; k++) {
		uint32_t i = order[k];

		spec_of(&keys[i], i, &s);
		rt_ep_add(t, &s, err, sizeof(err));
	}
	del_ns = (now_ns() - t0) / (neps / 10 ? neps / 10 * 2 : 1);

	/* lookups: hits in random order; the keys themselves are read
	 * sequentially so only the table's memory is measured */
	for (uint32_t k = 0; k < neps; k++)
		shuf[k] = keys[order[k]];
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < nlook; n++) {
		const struct key *kk = &shuf[k];
		struct rt_ep *e = rt_ep_find(t, kk->vni, 4, kk->ip);

		found += e != NULL;
		sink += (uintptr_t)e;
		if (++k == neps)
			k = 0;
	}
	look_ns = (now_ns() - t0) / nlook;
#ifdef PROBE_STATS
	probe_stats(t);
#endif
	if (found != nlook) {
		fprintf(stderr, "tables_bench: %u of %u lookups missed\n", nlook - found, nlook);
		return 1;
	}
	/* the same lookups in batches of 32 (what a packet batch can use) */
	{
		struct rt_ep_key *bk = malloc(sizeof(*bk) * neps);
		struct rt_ep *res[32];

		if (!bk) {
			fprintf(stderr, "tables_bench: out of memory\n");
			return 1;
		}
		memset(bk, 0, sizeof(*bk) * neps);
		for (uint32_t k = 0; k < neps; k++) {
			bk[k].vni = shuf[k].vni;
			bk[k].family = 4;
			memcpy(bk[k].ip, shuf[k].ip, 4);
		}
		found = 0;
		t0 = now_ns();
		for (uint32_t n = 0, k = 0; n < nlook; n += 32) {
			uint32_t m = neps - k < 32 ? neps - k : 32;

			found += rt_ep_find_batch(t, bk + k, m, res);
			sink += (uintptr_t)res[0];
			k += m;
			if (k == neps)
				k = 0;
			if (m < 32)
				n -= 32 - m;
		}
		batch_ns = (now_ns() - t0) / nlook;
		free(bk);
	}

	/* misses: a VNI with no endpoints */
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < nlook; n++) {
		const struct key *kk = &shuf[k];

		sink += (uintptr_t)rt_ep_find(t, kk->vni + nvpc, 4, kk->ip);
		if (++k == neps)
			k = 0;
	}
	miss_ns = (now_ns() - t0) / nlook;
	/* longest prefix match (4 nets, 3 lengths per VPC) and VPC by VNI */
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < nlook; n++) {
		const struct key *kk = &shuf[k];
		const struct rt_vpc *v = rt_vpc_find(t, kk->vni);

		sink += (uintptr_t)rt_net_lookup(t, v, 4, kk->ip);
		if (++k == neps)
			k = 0;
	}
	lpm_ns = (now_ns() - t0) / nlook;
	t0 = now_ns();
	for (uint32_t n = 0, k = 0; n < nlook; n++) {
		sink += (uintptr_t)rt_vpc_find(t, shuf[k].vni);
		if (++k == neps)
			k = 0;
	}
	vpc_ns = (now_ns() - t0) / nlook;

	/* the whole pipeline for one packet: port -> remote endpoint (encap),
	 * and underlay -> local endpoint (decap) */
	{
		static uint8_t pbuf[RT_HEADROOM + 2048], ubuf[2048];
		static struct gnv_spec sp;
		struct rt_out out;
		struct rt_ul_meta m;
		struct rt_ep_spec ls;
		size_t fsz, usz;
		uint32_t npk = nlook / 10 ? nlook / 10 : 1;
		int port;

		rt_port_check(t, "tap0", 1500, &port, err, sizeof(err));
		rt_port_add(t, port, "tap0", 1500, err, sizeof(err));
		spec_of(&keys[0], 0, &ls);
		rt_ep_del(t, ls.vni, 4, ls.ip, err, sizeof(err));
		ls.nhost = 0;
		ls.port = port;
		memcpy(ls.mac, "\x02\x00\x00\x00\x00\x05", 6);
		snprintf(ls.labels, sizeof(ls.labels), "app=bench");
		if (rt_ep_add(t, &ls, err, sizeof(err))) {
			fprintf(stderr, "tables_bench: %s\n", err);
			return 1;
		}
		/* a remote peer in the same VPC */
		spec_of(&keys[0], 7, &ls);
		memcpy(ls.ip, "\x0a\xff\xff\xfe", 4);
		if (rt_ep_add(t, &ls, err, sizeof(err))) {
			fprintf(stderr, "tables_bench: %s\n", err);
			return 1;
		}
		gnv_spec_init(&sp, 0xffa7);
		{
			char text[256];

			snprintf(text, sizeof(text),
				 "eth src=02:00:00:00:00:05 / ipv4 src=10.%u.%u.%u dst=10.255.255.254 / udp / payload len=64",
				 keys[0].ip[1], keys[0].ip[2], keys[0].ip[3]);
			if (gnv_lang_parse(text, &sp, err, sizeof(err)) ||
			    gnv_build(&sp, pbuf + RT_HEADROOM, sizeof(pbuf) - RT_HEADROOM, &fsz)) {
				fprintf(stderr, "tables_bench: cannot build the test packet\n");
				return 1;
			}
		}
		t0 = now_ns();
		for (uint32_t n = 0; n < npk; n++) {
			if (rt_from_port(t, port, pbuf + RT_HEADROOM, fsz, RT_HEADROOM, &out, NULL) != RT_FORWARD) {
				fprintf(stderr, "tables_bench: port packet not forwarded (%s)\n",
					rt_drop_name(out.reason));
				return 1;
			}
		}
		encap_ns = (now_ns() - t0) / npk;
		memcpy(ubuf, out.data, out.size);
		usz = out.size;
		/* turn it around: from the remote peer, sent by its host
		 * (spec_of(.., 7): 10.200.0.8), to the local endpoint */
		memcpy(ubuf + 8 + 16 + 14 + 16, pbuf + RT_HEADROOM + 14 + 12, 4);
		memcpy(ubuf + 8 + 16 + 14 + 12, "\x0a\xff\xff\xfe", 4);
		memset(&m, 0, sizeof(m));
		m.src.family = 4;
		memcpy(m.src.a, "\x0a\xc8\x00\x08", 4);
		m.ttl = 64;
		{
			static uint8_t work[2048];

			t0 = now_ns();
			for (uint32_t n = 0; n < npk; n++) {
				memcpy(work, ubuf, usz);
				if (rt_from_underlay(t, &m, work, usz, 0, &out, NULL) != RT_DELIVER) {
					fprintf(stderr, "tables_bench: underlay packet not delivered (%s)\n",
						rt_drop_name(out.reason));
					return 1;
				}
			}
			pipe_ns = (now_ns() - t0) / npk;
		}
	}

	printf("eps=%u vpcs=%u add_ns=%.0f set_ns=%.0f del_add_ns=%.0f lookup_ns=%.1f batch_lookup_ns=%.1f miss_ns=%.1f "
	       "lpm_ns=%.1f vpc_ns=%.1f pipeline_encap_ns=%.0f pipeline_decap_ns=%.0f "
	       "table_bytes_per_ep=%.0f rss_bytes_per_ep=%.0f\n",
	       neps, nvpc, add_ns, set_ns, del_ns, look_ns, batch_ns, miss_ns, lpm_ns, vpc_ns, encap_ns, pipe_ns,
	       (double)rt_tables_memory(t) / neps,
	       rss0 >= 0 && rss1 >= 0 ? (double)(rss1 - rss0) * 1024 / neps : -1.0);
	(void)sink;
	rt_tables_free(t);
	free(keys);
	free(order);
	free(shuf);
	return 0;
}
