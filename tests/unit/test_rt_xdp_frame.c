/* SPDX-License-Identifier: MIT */
/*
 * router/xdp_frame.h: the underlay frame parser of AF_XDP ports.  Good
 * frames (plain, IPv4 options up to IHL 15, Ethernet padding, a UDP
 * length shorter than the IP payload, an empty payload) give the Geneve
 * payload and the outer source, TTL and TOS; one malformed frame or more
 * per error branch gives that branch's reason and writes nothing.
 * Frames come from tests/unit/pktgen.h.  A Check suite (tests/unit/main.c).
 */
#include <check.h>
#include <string.h>
#include "../../libcore/cursor.h"
#include "../../router/xdp_frame.h"
#include "pktgen.h"

Suite *rt_xdp_frame_suite(void);

#define IP	14		/* offset of the IPv4 header in the frames below */
#define UDP	(IP + 20)	/* of the UDP header, without options */

static void expect(const struct pg *g, uint32_t len, enum rt_xdp_ul want)
{
	struct rt_pkt pk, orig;
	const uint8_t *pl = NULL;
	uint32_t plen = 12345;

	memset(&pk, 0xa5, sizeof(pk));
	orig = pk;
	ck_assert_int_eq(rt_xdp_ul_parse(g->b, len, &pk, &pl, &plen), want);
	ck_assert_ptr_null(pl);
	ck_assert_uint_eq(plen, 12345);
	ck_assert_mem_eq(&pk, &orig, sizeof(pk));
}

/* Parse a good frame: the payload starts after UDP at l4 and is ulen - 8. */
static void good(const struct pg *g, uint32_t len, size_t l4)
{
	struct rt_pkt pk;
	const uint8_t *pl = NULL;
	uint32_t plen = 0;

	memset(&pk, 0xa5, sizeof(pk));
	ck_assert_int_eq(rt_xdp_ul_parse(g->b, len, &pk, &pl, &plen), RT_XDP_UL_OK);
	ck_assert_ptr_eq(pl, g->b + l4 + 8);
	ck_assert_uint_eq(plen, gnv_be16(g->b + l4 + 4) - 8u);
	ck_assert_int_eq(pk.peer.family, 4);
	ck_assert_mem_eq(pk.peer.a, pg_ip4_a, 4);
	ck_assert_uint_eq(pk.peer_port, 50000);
	ck_assert_uint_eq(pk.tos, 0x10);
	ck_assert_uint_eq(pk.ttl, 64);
}

/* eth / ipv4 [opts] / udp 50000 -> dport / n payload bytes */
static void frame(struct pg *g, const uint8_t *opts, size_t nopts, uint16_t dport, size_t n)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4_opts(g, 17, opts, nopts);
	pg_udp(g, 50000, dport);
	pg_fill(g, 0x5a, n);
	pg_finish(g);
}

START_TEST(test_good)
{
	struct pg g;

	pg_std(&g);
	good(&g, (uint32_t)g.n, UDP);
	/* an empty datagram: the shortest frame taken */
	frame(&g, NULL, 0, 6081, 0);
	ck_assert_uint_eq(g.n, 42);
	good(&g, 42, UDP);
}
END_TEST

START_TEST(test_good_options)
{
	static const uint8_t nop4[4] = { 1, 1, 1, 0 };
	uint8_t nop40[40];
	struct pg g;

	frame(&g, nop4, sizeof(nop4), 6081, 30);
	good(&g, (uint32_t)g.n, UDP + 4);
	memset(nop40, 1, sizeof(nop40));
	frame(&g, nop40, sizeof(nop40), 6081, 30);	/* IHL 15 */
	ck_assert_uint_eq(g.b[IP] & 15, 15);
	good(&g, (uint32_t)g.n, UDP + 40);
}
END_TEST

START_TEST(test_good_padding_and_trim)
{
	struct pg g;

	/* Ethernet padding after the IPv4 total length is not payload */
	frame(&g, NULL, 0, 6081, 2);
	pg_fill(&g, 0, 16);
	good(&g, (uint32_t)g.n, UDP);
	ck_assert_uint_eq(gnv_be16(g.b + UDP + 4), 10);
	/* UDP length below the IP payload: the datagram is UDP's length */
	frame(&g, NULL, 0, 6081, 20);
	gnv_put16(g.b + UDP + 4, 8 + 5);
	good(&g, (uint32_t)g.n, UDP);
}
END_TEST

START_TEST(test_short)
{
	struct pg g;

	pg_std(&g);
	expect(&g, 0, RT_XDP_UL_SHORT);
	expect(&g, 14, RT_XDP_UL_SHORT);
	expect(&g, 41, RT_XDP_UL_SHORT);	/* one byte of UDP missing */
}
END_TEST

START_TEST(test_not_ip4)
{
	struct pg g;

	pg_std6(&g);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_NOT_IP4);
	pg_init(&g);			/* VLAN-tagged IPv4 */
	pg_eth(&g, 0x8100);
	pg_vlan(&g, 7, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_fill(&g, 0, 8);
	pg_finish(&g);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_NOT_IP4);
	pg_std(&g);			/* EtherType IPv4, version 6 */
	g.b[IP] = 0x65;
	expect(&g, (uint32_t)g.n, RT_XDP_UL_NOT_IP4);
}
END_TEST

START_TEST(test_ihl)
{
	struct pg g;

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		pg_std(&g);
		g.b[IP] = (uint8_t)(0x40 | ihl);
		expect(&g, (uint32_t)g.n, RT_XDP_UL_IHL);
	}
}
END_TEST

START_TEST(test_ip_len)
{
	struct pg g;

	pg_std(&g);			/* total length one past the frame */
	expect(&g, (uint32_t)g.n - 1, RT_XDP_UL_IP_LEN);
	gnv_put16(g.b + IP + 2, 0xffff);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_IP_LEN);
	pg_std(&g);			/* no room for UDP inside it */
	gnv_put16(g.b + IP + 2, 27);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_IP_LEN);
	gnv_put16(g.b + IP + 2, 0);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_IP_LEN);
	pg_std(&g);			/* IHL 15 leaves the UDP header outside */
	g.b[IP] = 0x4f;
	gnv_put16(g.b + IP + 2, 60 + 4);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_IP_LEN);
}
END_TEST

START_TEST(test_frag)
{
	struct pg g;

	pg_std(&g);			/* first fragment: MF */
	gnv_put16(g.b + IP + 6, 0x2000);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_FRAG);
	gnv_put16(g.b + IP + 6, 0x0001);	/* a later one: offset 8 */
	expect(&g, (uint32_t)g.n, RT_XDP_UL_FRAG);
	gnv_put16(g.b + IP + 6, 0x5fff);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_FRAG);
	gnv_put16(g.b + IP + 6, 0x0000);	/* DF clear, unfragmented: fine */
	good(&g, (uint32_t)g.n, UDP);
}
END_TEST

START_TEST(test_not_udp)
{
	struct pg g;

	pg_std(&g);
	g.b[IP + 9] = 6;
	expect(&g, (uint32_t)g.n, RT_XDP_UL_NOT_UDP);
	g.b[IP + 9] = 136;		/* UDP-Lite */
	expect(&g, (uint32_t)g.n, RT_XDP_UL_NOT_UDP);
}
END_TEST

START_TEST(test_udp_len)
{
	struct pg g;
	uint16_t ulen;

	pg_std(&g);
	ulen = gnv_be16(g.b + UDP + 4);
	gnv_put16(g.b + UDP + 4, (uint16_t)(ulen + 1));	/* past the IP payload */
	expect(&g, (uint32_t)g.n, RT_XDP_UL_UDP_LEN);
	gnv_put16(g.b + UDP + 4, 0xffff);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_UDP_LEN);
	gnv_put16(g.b + UDP + 4, 7);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_UDP_LEN);
	gnv_put16(g.b + UDP + 4, 0);	/* jumbogram length: not for IPv4 */
	expect(&g, (uint32_t)g.n, RT_XDP_UL_UDP_LEN);
}
END_TEST

START_TEST(test_port)
{
	struct pg g;

	frame(&g, NULL, 0, 6080, 16);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_PORT);
	frame(&g, NULL, 0, 4789, 16);	/* VXLAN */
	expect(&g, (uint32_t)g.n, RT_XDP_UL_PORT);
	pg_init(&g);			/* source 6081, destination elsewhere */
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 6081, 50000);
	pg_fill(&g, 0, 16);
	pg_finish(&g);
	expect(&g, (uint32_t)g.n, RT_XDP_UL_PORT);
}
END_TEST

Suite *rt_xdp_frame_suite(void)
{
	Suite *s = suite_create("rt_xdp_frame");
	TCase *tc = tcase_create("ul_parse");

	tcase_add_test(tc, test_good);
	tcase_add_test(tc, test_good_options);
	tcase_add_test(tc, test_good_padding_and_trim);
	tcase_add_test(tc, test_short);
	tcase_add_test(tc, test_not_ip4);
	tcase_add_test(tc, test_ihl);
	tcase_add_test(tc, test_ip_len);
	tcase_add_test(tc, test_frag);
	tcase_add_test(tc, test_not_udp);
	tcase_add_test(tc, test_udp_len);
	tcase_add_test(tc, test_port);
	suite_add_tcase(s, tc);
	return s;
}
