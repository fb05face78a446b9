/* SPDX-License-Identifier: MIT */
/* router/tables.h: hash indexes, longest-prefix match, validation, capacity. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/cursor.h"
#include "../../libcore/num.h"
#include "../../router/tables.h"

Suite *rt_tables_suite(void);

static struct rt_tables *t;
static char err[256];

static void setup(void)
{
	struct rt_limits l;

	rt_limits_default(&l);
	l.max_vpcs = 32;
	l.max_nets = 64;
	l.max_eps = 4096;
	l.max_hosts = 64;
	l.max_ports = 8;
	l.flows_per_vpc = 8;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
}

static void teardown(void)
{
	rt_tables_free(t);
}

static struct rt_prefix pfx(const char *s)
{
	struct rt_prefix p;

	ck_assert_msg(rt_prefix_parse(s, &p, err, sizeof(err)) == 0, "%s: %s", s, err);
	return p;
}

static struct gnv_addr addr(const char *s)
{
	struct gnv_addr a;
	int fam;

	memset(&a, 0, sizeof(a));
	ck_assert_int_eq(parse_ip(s, &fam, a.a), 0);
	a.family = (uint8_t)fam;
	return a;
}

static void add_vpc(uint32_t vni, const char *c1, const char *c2)
{
	struct rt_vpc_spec s;

	memset(&s, 0, sizeof(s));
	s.vni = vni;
	s.cidr[s.ncidr++] = pfx(c1);
	if (c2)
		s.cidr[s.ncidr++] = pfx(c2);
	ck_assert_msg(rt_vpc_add(t, &s, err, sizeof(err)) == 0, "%s", err);
}

static int add_net(uint32_t vni, const char *p, const char *bouncer)
{
	struct rt_net_spec s;

	memset(&s, 0, sizeof(s));
	s.vni = vni;
	s.p = pfx(p);
	if (bouncer)
		s.bouncer[s.nbouncer++] = addr(bouncer);
	return rt_net_add(t, &s, err, sizeof(err));
}

static void ep_spec(struct rt_ep_spec *s, uint32_t vni, const char *ip, const char *host)
{
	struct gnv_addr a = addr(ip);

	memset(s, 0, sizeof(*s));
	s->vni = vni;
	s->family = a.family;
	memcpy(s->ip, a.a, 16);
	memcpy(s->mac, "\x02\x00\x00\x00\x00\x01", 6);
	s->port = -1;
	if (host)
		s->host[s->nhost++] = addr(host);
}

static struct rt_ep *find_ep(uint32_t vni, const char *ip)
{
	struct gnv_addr a = addr(ip);

	return rt_ep_find(t, vni, a.family, a.a);
}

static const char *lpm(uint32_t vni, const char *ip)
{
	static char buf[RT_PREFIX_STR];
	struct gnv_addr a = addr(ip);
	const struct rt_net *n = rt_net_lookup(t, rt_vpc_find(t, vni), a.family, a.a);

	return n ? rt_prefix_fmt(buf, sizeof(buf), &n->p) : "none";
}

START_TEST(prefix_parse)
{
	struct rt_prefix p;

	p = pfx("10.0.0.0/8");
	ck_assert_uint_eq(p.family, 4);
	ck_assert_uint_eq(p.len, 8);
	p = pfx("fd00::/64");
	ck_assert_uint_eq(p.family, 6);
	p = pfx("0.0.0.0/0");
	ck_assert_uint_eq(p.len, 0);
	p = pfx("10.1.2.3/32");
	ck_assert_int_eq(rt_prefix_parse("10.0.0.1/8", &p, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "did you mean 10.0.0.0/8"), "%s", err);
	ck_assert_int_eq(rt_prefix_parse("10.0.0.0/33", &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(rt_prefix_parse("10.0.0.0", &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(rt_prefix_parse("10.0.0.0/", &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(rt_prefix_parse("fd00::1/64", &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(rt_prefix_parse("fd00::/129", &p, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(rt_prefix_parse("x/8", &p, err, sizeof(err)), -EINVAL);
	p = pfx("10.0.0.0/16");
	{
		struct rt_prefix q = pfx("10.0.128.0/17"), r = pfx("10.1.0.0/16"), v6 = pfx("::/0");

		ck_assert(rt_prefix_overlap(&p, &q));
		ck_assert(rt_prefix_overlap(&q, &p));
		ck_assert(!rt_prefix_overlap(&p, &r));
		ck_assert(!rt_prefix_overlap(&p, &v6));
	}
}
END_TEST

START_TEST(lpm_longest_wins)
{
	add_vpc(100, "10.0.0.0/8", "fd00::/48");
	ck_assert_int_eq(add_net(100, "10.0.0.0/16", NULL), 0);
	ck_assert_int_eq(add_net(100, "10.0.1.0/24", NULL), 0);
	ck_assert_int_eq(add_net(100, "10.0.1.128/25", NULL), 0);
	ck_assert_int_eq(add_net(100, "10.0.1.7/32", NULL), 0);
	ck_assert_int_eq(add_net(100, "fd00::/64", NULL), 0);
	ck_assert_int_eq(add_net(100, "fd00::/127", NULL), 0);
	ck_assert_str_eq(lpm(100, "10.0.1.7"), "10.0.1.7/32");
	ck_assert_str_eq(lpm(100, "10.0.1.6"), "10.0.1.0/24");
	ck_assert_str_eq(lpm(100, "10.0.1.200"), "10.0.1.128/25");
	ck_assert_str_eq(lpm(100, "10.0.2.1"), "10.0.0.0/16");
	ck_assert_str_eq(lpm(100, "10.9.0.1"), "none");
	ck_assert_str_eq(lpm(100, "fd00::1"), "fd00::/127");
	ck_assert_str_eq(lpm(100, "fd00::2"), "fd00::/64");
	ck_assert_str_eq(lpm(100, "fd00:0:0:1::2"), "none");
	/* delete the /24: the /16 takes over; the /25 stays */
	{
		struct rt_prefix p = pfx("10.0.1.0/24");

		ck_assert_int_eq(rt_net_del(t, 100, &p, err, sizeof(err)), 0);
	}
	ck_assert_str_eq(lpm(100, "10.0.1.6"), "10.0.0.0/16");
	ck_assert_str_eq(lpm(100, "10.0.1.200"), "10.0.1.128/25");
	ck_assert(!(rt_vpc_find(t, 100)->plen4 & (1ull << 24)));
	/* nets outside the VPC, duplicates */
	ck_assert_int_eq(add_net(100, "11.0.0.0/16", NULL), -EINVAL);
	ck_assert_int_eq(add_net(100, "10.0.0.0/16", NULL), -EEXIST);
	ck_assert_int_eq(add_net(100, "0.0.0.0/0", NULL), -EINVAL);	/* wider than the VPC */
	ck_assert_int_eq(add_net(5, "10.0.0.0/16", NULL), -ENOENT);
}
END_TEST

START_TEST(same_ip_two_vpcs)
{
	struct rt_ep_spec s;

	add_vpc(100, "10.0.0.0/16", NULL);
	add_vpc(200, "10.0.0.0/16", NULL);
	ep_spec(&s, 100, "10.0.1.5", "10.200.0.2");
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	ep_spec(&s, 200, "10.0.1.5", "10.200.0.3");
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	ck_assert_ptr_ne(find_ep(100, "10.0.1.5"), find_ep(200, "10.0.1.5"));
	ck_assert_uint_eq(find_ep(100, "10.0.1.5")->vni, 100);
	ck_assert_uint_eq(find_ep(200, "10.0.1.5")->vni, 200);
	ck_assert_ptr_null(find_ep(300, "10.0.1.5"));
	ck_assert_ptr_null(find_ep(100, "10.0.1.6"));
	/* the same bytes as IPv6 are another key */
	ck_assert_ptr_null(find_ep(100, "a00:105::"));
	ck_assert_uint_eq(t->cfg.nhost, 2);
}
END_TEST

/* A reference model: random adds and deletes must agree with it. */
START_TEST(hash_random_ops)
{
	enum { N = 3000 };
	static bool present[N];
	struct rt_ep_spec s;
	char ip[32];
	uint32_t x = 12345;

	memset(present, 0, sizeof(present));
	add_vpc(7, "10.0.0.0/8", NULL);
	add_vpc(8, "10.0.0.0/8", NULL);
	for (int round = 0; round < 30000; round++) {
		int k;

		x = x * 1103515245u + 12345u;
		k = (int)((x >> 8) % N);
		snprintf(ip, sizeof(ip), "10.%d.%d.%d", k / 65536 + 1, (k / 256) % 256, k % 256 + 0);
		if (!present[k]) {
			ep_spec(&s, (uint32_t)(7 + k % 2), ip, "10.200.0.2");
			ck_assert_msg(rt_ep_add(t, &s, err, sizeof(err)) == 0, "%s: %s", ip, err);
			present[k] = true;
		} else {
			struct gnv_addr a = addr(ip);

			ck_assert_int_eq(rt_ep_del(t, (uint32_t)(7 + k % 2), 4, a.a, err, sizeof(err)), 0);
			present[k] = false;
		}
		if (round % 1000 == 999)
			for (int i = 0; i < N; i++) {
				snprintf(ip, sizeof(ip), "10.%d.%d.%d", i / 65536 + 1, (i / 256) % 256, i % 256);
				ck_assert_msg((find_ep((uint32_t)(7 + i % 2), ip) != NULL) == present[i],
					      "round %d ep %s", round, ip);
				ck_assert_ptr_null(find_ep((uint32_t)(8 - i % 2), ip));
			}
	}
	ck_assert_uint_eq(t->cfg.nhost, t->cfg.nep ? 1 : 0);
}
END_TEST

START_TEST(capacity_full_changes_nothing)
{
	struct rt_limits l;
	struct rt_ep_spec s;
	char ip[32];
	uint64_t gen;

	rt_tables_free(t);
	rt_limits_default(&l);
	l.max_eps = 10;
	l.max_vpcs = 2;
	l.max_hosts = 3;
	l.flows_per_vpc = 4;
	t = rt_tables_new(&l);
	add_vpc(1, "10.0.0.0/8", NULL);
	add_vpc(2, "10.0.0.0/8", NULL);
	{
		struct rt_vpc_spec v;

		memset(&v, 0, sizeof(v));
		v.vni = 3;
		v.cidr[v.ncidr++] = pfx("10.0.0.0/8");
		ck_assert_int_eq(rt_vpc_add(t, &v, err, sizeof(err)), -ENOSPC);
	}
	for (int i = 0; i < 10; i++) {
		snprintf(ip, sizeof(ip), "10.0.0.%d", i + 2);
		ep_spec(&s, 1, ip, i % 2 ? "10.200.0.2" : "10.200.0.3");
		ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	}
	gen = t->cfg.gen;
	ep_spec(&s, 1, "10.0.0.99", "10.200.0.2");
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), -ENOSPC);
	ck_assert_msg(strstr(err, "endpoint table full"), "%s", err);
	ck_assert_ptr_null(find_ep(1, "10.0.0.99"));
	/* host table: 2 of 3 used; two new hosts do not fit */
	{
		struct rt_net_spec n;

		memset(&n, 0, sizeof(n));
		n.vni = 1;
		n.p = pfx("10.1.0.0/16");
		n.bouncer[n.nbouncer++] = addr("10.200.0.7");
		n.bouncer[n.nbouncer++] = addr("10.200.0.8");
		ck_assert_int_eq(rt_net_add(t, &n, err, sizeof(err)), -ENOSPC);
		ck_assert_ptr_null(rt_net_find(t, 1, &n.p));
	}
	ck_assert_uint_eq(t->cfg.gen, gen);
	ck_assert_uint_eq(t->cfg.nhost, 2);
}
END_TEST

START_TEST(hosts_refcounted)
{
	struct rt_ep_spec s;
	struct gnv_addr a = addr("10.0.1.5");

	add_vpc(1, "10.0.0.0/16", NULL);
	ep_spec(&s, 1, "10.0.1.5", "10.200.0.2");
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	ck_assert_int_eq(add_net(1, "10.0.1.0/24", "10.200.0.2"), 0);
	ck_assert_uint_eq(t->cfg.nhost, 1);
	ck_assert_uint_eq(t->cfg.host[find_ep(1, "10.0.1.5")->host[0]].refs, 2);
	/* move the endpoint: the old host keeps the net's reference */
	s.host[0] = addr("10.200.0.4");
	ck_assert_int_eq(rt_ep_set(t, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->cfg.nhost, 2);
	ck_assert_int_eq(rt_ep_del(t, 1, 4, a.a, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->cfg.nhost, 1);
	{
		struct rt_prefix p = pfx("10.0.1.0/24");

		ck_assert_int_eq(rt_net_del(t, 1, &p, err, sizeof(err)), 0);
	}
	ck_assert_uint_eq(t->cfg.nhost, 0);
	ck_assert_int_eq(rt_vpc_del(t, 1, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->cfg.nvpc, 0);
	ck_assert_ptr_null(rt_vpc_find(t, 1));
}
END_TEST

START_TEST(ports_and_by_port)
{
	struct rt_ep_spec s;
	int idx;
	struct gnv_addr a = addr("10.0.1.5");

	add_vpc(1, "10.0.0.0/16", "fd00::/64");
	ck_assert_int_eq(rt_port_check(t, "tap0", 1400, &idx, err, sizeof(err)), 0);
	ck_assert_int_eq(idx, 0);
	ck_assert_int_eq(rt_port_add(t, idx, "tap0", 1400, err, sizeof(err)), 0);
	ck_assert_int_eq(rt_port_check(t, "tap0", 1400, &idx, err, sizeof(err)), -EEXIST);
	ck_assert_int_eq(rt_port_find(t, "tap0"), 0);
	ep_spec(&s, 1, "10.0.1.5", NULL);
	s.port = 0;
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	ep_spec(&s, 1, "fd00::5", NULL);
	s.port = 0;
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->cfg.port[0].nep, 2);
	ck_assert_ptr_nonnull(rt_ep_by_port(t, 0, (const uint8_t *)"\x02\x00\x00\x00\x00\x01", 4, a.a));
	ck_assert_ptr_null(rt_ep_by_port(t, 0, (const uint8_t *)"\x02\x00\x00\x00\x00\x02", 4, a.a));
	ck_assert_ptr_null(rt_ep_by_port(t, 1, (const uint8_t *)"\x02\x00\x00\x00\x00\x01", 4, a.a));
	ck_assert_int_eq(rt_port_del_check(t, 0, err, sizeof(err)), -EBUSY);
	ck_assert_int_eq(rt_ep_del(t, 1, 4, a.a, err, sizeof(err)), 0);
	ck_assert_uint_eq(t->cfg.port[0].nep, 1);
	ck_assert_ptr_null(rt_ep_by_port(t, 0, (const uint8_t *)"\x02\x00\x00\x00\x00\x01", 4, a.a));
}
END_TEST

START_TEST(gateway_address)
{
	uint8_t gw[16];
	struct gnv_addr a = addr("10.0.1.9"), b = addr("10.0.7.9"), o = addr("10.9.0.1");
	struct rt_vpc *v;

	add_vpc(1, "10.0.0.0/16", NULL);
	ck_assert_int_eq(add_net(1, "10.0.1.0/24", NULL), 0);
	v = rt_vpc_find(t, 1);
	ck_assert(rt_gateway_of(t, v, 4, a.a, gw));
	ck_assert_mem_eq(gw, "\x0a\x00\x01\x01", 4);
	ck_assert(rt_gateway_of(t, v, 4, b.a, gw));	/* no net: the VPC's first address */
	ck_assert_mem_eq(gw, "\x0a\x00\x00\x01", 4);
	ck_assert(!rt_gateway_of(t, v, 4, o.a, gw));
}
END_TEST

START_TEST(label_blob)
{
	struct rt_ep_spec s, back;
	struct rt_ep *e;

	add_vpc(1, "10.0.0.0/16", NULL);
	ep_spec(&s, 1, "10.0.1.5", "10.200.0.2");
	snprintf(s.labels, sizeof(s.labels), "app=web");
	memcpy(s.opts, "\x01\x02\x80\x01\x00\x01\x00\x0a", 8);
	s.opt_size = 8;
	ck_assert_int_eq(rt_ep_add(t, &s, err, sizeof(err)), 0);
	e = find_ep(1, "10.0.1.5");
	ck_assert_uint_eq(e->opt_size, 8 + 8);
	/* the identity option first: stored as type 0x06 (the pipeline sends it
	 * critical into VPCs with policies), the label set's number */
	ck_assert_mem_eq(e->opts, "\xff\xa7\x06\x01", 4);
	ck_assert_uint_eq(gnv_be32(e->opts + 4), rt_ident_hash("default", "app=web"));
	ck_assert_mem_eq(e->opts + 8, "\x01\x02\x80\x01", 4);
	rt_ep_to_spec(t, e, &back);
	ck_assert_str_eq(back.labels, "app=web");
	ck_assert_uint_eq(back.opt_size, 8);
	/* malformed TLVs are refused */
	s.opt_size = 4;
	memcpy(s.opts, "\x01\x02\x80\x01", 4);
	ck_assert_int_eq(rt_ep_set(t, &s, err, sizeof(err)), -EINVAL);
	ck_assert_uint_eq(find_ep(1, "10.0.1.5")->opt_size, 16);
}
END_TEST

START_TEST(drop_names)
{
	ck_assert_str_eq(rt_drop_name(RT_DROP_NONE), "none");
	ck_assert_str_eq(rt_drop_name(RT_DROP_SPOOF_IP), "spoof.ip");
	ck_assert_str_eq(rt_drop_name(RT_DROP__COUNT), "?");
	ck_assert_int_eq(rt_drop_lookup("vni.unknown"), RT_DROP_VNI_UNKNOWN);
	ck_assert_int_eq(rt_drop_lookup("nope"), -1);
	for (unsigned int i = 0; i < RT_DROP__COUNT; i++) {
		ck_assert_int_eq(rt_drop_lookup(rt_drop_name(i)), (int)i);
		ck_assert(strlen(rt_drop_desc(i)) > 5);
	}
}
END_TEST

START_TEST(bad_limits)
{
	struct rt_limits l;

	rt_limits_default(&l);
	l.flows_per_vpc = 6;	/* not a power of two */
	ck_assert_ptr_null(rt_tables_new(&l));
	rt_limits_default(&l);
	l.max_hosts = 70000;
	ck_assert_ptr_null(rt_tables_new(&l));
	ck_assert(rt_tables_memory(t) > 4096 * sizeof(struct rt_ep));
}
END_TEST

Suite *rt_tables_suite(void)
{
	Suite *s = suite_create("rt_tables");
	TCase *tc = tcase_create("tables");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, prefix_parse);
	tcase_add_test(tc, lpm_longest_wins);
	tcase_add_test(tc, same_ip_two_vpcs);
	tcase_add_test(tc, hash_random_ops);
	tcase_add_test(tc, capacity_full_changes_nothing);
	tcase_add_test(tc, hosts_refcounted);
	tcase_add_test(tc, ports_and_by_port);
	tcase_add_test(tc, gateway_address);
	tcase_add_test(tc, label_blob);
	tcase_add_test(tc, drop_names);
	tcase_add_test(tc, bad_limits);
	suite_add_tcase(s, tc);
	return s;
}
