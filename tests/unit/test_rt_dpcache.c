/* SPDX-License-Identifier: MIT */
/*
 * router/dpcache.h: the direct-path cache -- learn and look up, LRU
 * eviction at the bound, ageing, invalidation, the answer limiter, the
 * outbox bound, and the control packet (decoded back by libcore).
 * A Check suite (tests/unit/main.c).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "../../libcore/opt_genv.h"
#include "../../libcore/pkt.h"
#include "../../router/dpcache.h"

Suite *rt_dpcache_suite(void);

#define S 1000000000ull

static void ip4(uint8_t *ip, uint32_t v)
{
	memset(ip, 0, 16);
	ip[0] = 10;
	ip[1] = (uint8_t)(v >> 16);
	ip[2] = (uint8_t)(v >> 8);
	ip[3] = (uint8_t)v;
}

static struct gnv_addr host(uint8_t last)
{
	struct gnv_addr a = { .family = 4 };

	a.a[0] = 192;
	a.a[1] = 0;
	a.a[2] = 2;
	a.a[3] = last;
	return a;
}

START_TEST(learn_lookup)
{
	struct rt_dpcache c = { 0 };
	struct gnv_addr h = host(1), h2 = host(2);
	struct rt_dp_entry *e;
	uint8_t ip[16];

	ck_assert_int_eq(rt_dp_configure(&c, 8, 30), 0);
	ip4(ip, 5);
	ck_assert_ptr_null(rt_dp_lookup(&c, 100, 4, ip, 0, true));
	ck_assert_int_eq(rt_dp_learn(&c, 100, 4, ip, &h, 1 * S), 0);
	ck_assert_ptr_null(rt_dp_lookup(&c, 101, 4, ip, 1 * S, true));	/* other VNI */
	e = rt_dp_lookup(&c, 100, 4, ip, 2 * S, true);
	ck_assert_ptr_nonnull(e);
	ck_assert_int_eq(memcmp(&e->host, &h, sizeof(h)), 0);
	ck_assert_uint_eq(e->hits, 1);
	ck_assert_uint_eq(c.st.used, 1);
	/* a look without counting changes nothing */
	ck_assert_ptr_nonnull(rt_dp_lookup(&c, 100, 4, ip, 2 * S, false));
	ck_assert_uint_eq(e->hits, 1);
	/* re-learning moves the entry, no second one */
	ck_assert_int_eq(rt_dp_learn(&c, 100, 4, ip, &h2, 3 * S), 0);
	ck_assert_uint_eq(c.n, 1);
	e = rt_dp_lookup(&c, 100, 4, ip, 3 * S, true);
	ck_assert_int_eq(e->host.a[3], 2);
	rt_dp_free(&c);
}
END_TEST

START_TEST(eviction_bounded)
{
	struct rt_dpcache c = { 0 };
	struct gnv_addr h = host(1);
	uint8_t ip[16];

	ck_assert_int_eq(rt_dp_configure(&c, 4, 30), 0);
	for (uint32_t i = 0; i < 4; i++) {
		ip4(ip, i);
		ck_assert_int_eq(rt_dp_learn(&c, 7, 4, ip, &h, i), 0);
	}
	/* use 0: 1 is now the least recently used */
	ip4(ip, 0);
	ck_assert_ptr_nonnull(rt_dp_lookup(&c, 7, 4, ip, 10, true));
	for (uint32_t i = 100; i < 1100; i++) {
		ip4(ip, i);
		ck_assert_int_eq(rt_dp_learn(&c, 7, 4, ip, &h, 20 + i), 0);
		ck_assert_uint_le(c.n, 4);
		if (i == 100) {
			ip4(ip, 1);
			ck_assert_ptr_null(rt_dp_lookup(&c, 7, 4, ip, 20 + i, false));
			ip4(ip, 0);
			ck_assert_ptr_nonnull(rt_dp_lookup(&c, 7, 4, ip, 20 + i, false));
		}
	}
	ck_assert_uint_eq(c.n, 4);
	ck_assert_uint_eq(c.st.evicted, 1000);
	for (uint32_t i = 1096; i < 1100; i++) {
		ip4(ip, i);
		ck_assert_ptr_nonnull(rt_dp_lookup(&c, 7, 4, ip, 2000, false));
	}
	rt_dp_free(&c);
}
END_TEST

START_TEST(ageing)
{
	struct rt_dpcache c = { 0 };
	struct gnv_addr h = host(1);
	uint8_t ip[16];

	ck_assert_int_eq(rt_dp_configure(&c, 4, 5), 0);
	ip4(ip, 9);
	rt_dp_learn(&c, 1, 4, ip, &h, 100 * S);
	ck_assert_ptr_nonnull(rt_dp_lookup(&c, 1, 4, ip, 105 * S, true));	/* used: still ages */
	ck_assert_ptr_null(rt_dp_lookup(&c, 1, 4, ip, 105 * S + 1, true));
	ck_assert_uint_eq(c.st.aged, 1);
	ck_assert_uint_eq(c.n, 0);
	/* a re-learn restarts the age */
	rt_dp_learn(&c, 1, 4, ip, &h, 200 * S);
	rt_dp_learn(&c, 1, 4, ip, &h, 204 * S);
	ck_assert_ptr_nonnull(rt_dp_lookup(&c, 1, 4, ip, 208 * S, true));
	rt_dp_free(&c);
}
END_TEST

START_TEST(invalidate_and_config)
{
	struct rt_dpcache c = { 0 };
	struct gnv_addr h = host(1);
	uint8_t ip[16], ip6[16];

	ck_assert_int_eq(rt_dp_configure(&c, 2, 0), -EINVAL);
	ck_assert_int_eq(rt_dp_configure(&c, RT_DP_MAX_SIZE + 1, 30), -EINVAL);
	ck_assert_int_eq(rt_dp_configure(&c, 2, 30), 0);
	ip4(ip, 3);
	memset(ip6, 0, 16);
	memcpy(ip6, ip, 4);		/* same bytes, other family: another key */
	rt_dp_learn(&c, 1, 4, ip, &h, 0);
	rt_dp_learn(&c, 1, 6, ip6, &h, 0);
	ck_assert_uint_eq(c.n, 2);
	ck_assert(rt_dp_invalidate(&c, 1, 4, ip));
	ck_assert(!rt_dp_invalidate(&c, 1, 4, ip));
	ck_assert_ptr_null(rt_dp_lookup(&c, 1, 4, ip, 0, true));
	ck_assert_ptr_nonnull(rt_dp_lookup(&c, 1, 6, ip6, 0, true));
	ck_assert_uint_eq(c.st.invalidated, 1);
	rt_dp_clear(&c);
	ck_assert_uint_eq(c.n, 0);
	ck_assert_ptr_null(rt_dp_lookup(&c, 1, 6, ip6, 0, true));
	/* size 0: off */
	ck_assert_int_eq(rt_dp_configure(&c, 0, 30), 0);
	ck_assert_int_eq(rt_dp_learn(&c, 1, 4, ip, &h, 0), -ENOSPC);
	ck_assert_ptr_null(rt_dp_lookup(&c, 1, 4, ip, 0, true));
	rt_dp_free(&c);
}
END_TEST

START_TEST(limiter_outbox)
{
	static struct rt_dpcache c;
	struct gnv_addr h = host(1), h2 = host(2);
	struct rt_dp_msg m = { .vni = 1, .family = 4 };
	uint8_t ip[16];

	ip4(ip, 3);
	ck_assert(rt_dp_limit_ok(&c, &h, 1, 4, ip, false, 10 * S));
	ck_assert(!rt_dp_limit_ok(&c, &h, 1, 4, ip, false, 10 * S + S / 2));
	ck_assert(rt_dp_limit_ok(&c, &h2, 1, 4, ip, false, 10 * S + S / 2));	/* other sender */
	ck_assert(rt_dp_limit_ok(&c, &h, 1, 4, ip, false, 11 * S));
	ck_assert(rt_dp_limit_ok(&c, &h, 1, 4, ip, true, 11 * S));	/* the other kind */
	ck_assert_uint_eq(c.st.rts_limited, 1);
	for (int i = 0; i < RT_DP_OUTBOX; i++)
		ck_assert(rt_dp_queue(&c, &m));
	ck_assert(!rt_dp_queue(&c, &m));
	ck_assert_uint_eq(c.st.outbox_full, 1);
}
END_TEST

/* The answer decodes as Geneve with O (and C for 0x83), the RTS option
 * naming this host, and an inner IPv4 header from the endpoint. */
START_TEST(build_decodes)
{
	struct rt_dp_msg m = { .vni = 4242, .family = 4, .to = host(9) };
	struct gnv_addr self = host(1);
	uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 }, buf[128];
	struct gnv_decode_cfg cfg;
	static struct gnv_pkt pk;
	struct gnv_rts r;
	int n;

	ip4(m.ip, 5);
	ip4(m.peer, 6);
	for (int inval = 0; inval < 2; inval++) {
		m.invalidate = inval;
		ck_assert_int_eq(rt_dp_build(&m, GENV_CLASS_DEFAULT, &self, mac, buf, 20), -ENOSPC);
		n = rt_dp_build(&m, GENV_CLASS_DEFAULT, &self, mac, buf, sizeof(buf));
		ck_assert_int_eq(n, 8 + 16 + 14 + 20);
		gnv_decode_cfg_default(&cfg);
		cfg.linktype = GNV_LINK_GENEVE;
		gnv_decode(&pk, buf, (uint32_t)n, (uint32_t)n, &cfg);
		ck_assert(pk.gnv.present);
		ck_assert(pk.gnv.oam);
		ck_assert_int_eq(pk.gnv.crit, inval);
		ck_assert_uint_eq(pk.gnv.vni, 4242);
		ck_assert_uint_eq(pk.gnv.nopt, 1);
		ck_assert_uint_eq(pk.gnv.opt[0].type, inval ? GENV_OPT_RTS_INVALIDATE : GENV_OPT_RTS);
		ck_assert_int_eq(gnv_opt_rts_get(buf + pk.gnv.opt[0].off + 4, pk.gnv.opt[0].size,
						 pk.gnv.opt[0].type, &r), 0);
		ck_assert_int_eq(r.invalidate, inval);
		ck_assert_int_eq(memcmp(r.host.a, self.a, 4), 0);
		ck_assert_int_eq(pk.inner.ip.version, 4);
		ck_assert_int_eq(memcmp(pk.inner.ip.src.a, m.ip, 4), 0);
		ck_assert_int_eq(memcmp(pk.inner.ip.dst.a, m.peer, 4), 0);
		for (unsigned int i = 0; i < pk.nerr; i++)
			ck_assert_int_eq(gnv_err_severity(pk.err[i].code), GNV_SEV_WARNING);
	}
}
END_TEST

Suite *rt_dpcache_suite(void)
{
	Suite *s = suite_create("rt_dpcache");
	TCase *tc = tcase_create("rt_dpcache");

	tcase_add_test(tc, learn_lookup);
	tcase_add_test(tc, eviction_bounded);
	tcase_add_test(tc, ageing);
	tcase_add_test(tc, invalidate_and_config);
	tcase_add_test(tc, limiter_outbox);
	tcase_add_test(tc, build_decodes);
	suite_add_tcase(s, tc);
	return s;
}
