/* SPDX-License-Identifier: MIT */
/* libcore/flowhash.h: stable per flow, different across flows, spread. */
#include <check.h>
#include <string.h>
#include "../../libcore/flowhash.h"

Suite *flowhash_suite(void);

static void flow4(struct gnv_layers *l, uint32_t src, uint32_t dst, uint8_t proto,
		  uint16_t sport, uint16_t dport)
{
	memset(l, 0, sizeof(*l));
	l->eth.present = true;
	l->eth.type = 0x0800;
	l->ip.version = 4;
	l->ip.proto = proto;
	l->ip.src.family = l->ip.dst.family = 4;
	for (int i = 0; i < 4; i++) {
		l->ip.src.a[i] = (uint8_t)(src >> (24 - 8 * i));
		l->ip.dst.a[i] = (uint8_t)(dst >> (24 - 8 * i));
	}
	if (proto == 6 || proto == 17) {
		l->l4.proto = proto;
		l->l4.sport = sport;
		l->l4.dport = dport;
	}
}

START_TEST(stable_per_flow)
{
	struct gnv_layers a, b;

	flow4(&a, 0x0a000001, 0x0a000002, 6, 40000, 80);
	flow4(&b, 0x0a000001, 0x0a000002, 6, 40000, 80);
	/* fields that are not part of the flow do not matter */
	b.ip.ttl = 3;
	b.ip.id = 999;
	b.l4.seq = 12345;
	b.l4.flags = 0x10;
	b.eth.src[0] = 0x42;
	ck_assert_uint_eq(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));
	ck_assert_uint_eq(flow_hash_layers(&a, 7), flow_hash_layers(&a, 7));
	ck_assert_uint_eq(flow_sport(flow_hash_layers(&a, 0)), flow_sport(flow_hash_layers(&b, 0)));
}
END_TEST

START_TEST(differs_across_flows)
{
	struct gnv_layers base, x;
	uint32_t h;

	flow4(&base, 0x0a000001, 0x0a000002, 17, 40000, 53);
	h = flow_hash_layers(&base, 0);

	flow4(&x, 0x0a000003, 0x0a000002, 17, 40000, 53);
	ck_assert_uint_ne(flow_hash_layers(&x, 0), h);
	flow4(&x, 0x0a000001, 0x0a000003, 17, 40000, 53);
	ck_assert_uint_ne(flow_hash_layers(&x, 0), h);
	flow4(&x, 0x0a000001, 0x0a000002, 6, 40000, 53);
	ck_assert_uint_ne(flow_hash_layers(&x, 0), h);
	flow4(&x, 0x0a000001, 0x0a000002, 17, 40001, 53);
	ck_assert_uint_ne(flow_hash_layers(&x, 0), h);
	flow4(&x, 0x0a000001, 0x0a000002, 17, 40000, 54);
	ck_assert_uint_ne(flow_hash_layers(&x, 0), h);
	/* each direction is its own flow */
	flow4(&x, 0x0a000002, 0x0a000001, 17, 53, 40000);
	ck_assert_uint_ne(flow_hash_layers(&x, 0), h);
	/* the seed changes everything */
	ck_assert_uint_ne(flow_hash_layers(&base, 1), h);
}
END_TEST

START_TEST(ipv6_and_fallbacks)
{
	struct gnv_layers a, b;

	memset(&a, 0, sizeof(a));
	a.ip.version = 6;
	a.ip.proto = 58;
	a.ip.src.family = a.ip.dst.family = 6;
	a.ip.src.a[15] = 1;
	a.ip.dst.a[15] = 2;
	a.ip.flow_label = 0x12345;
	b = a;
	ck_assert_uint_eq(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));
	/* without ports the IPv6 flow label separates flows */
	b.ip.flow_label = 0x12346;
	ck_assert_uint_ne(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));
	/* the upper bytes of an IPv6 address count */
	b = a;
	b.ip.src.a[0] = 0x20;
	ck_assert_uint_ne(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));

	/* no IP: Ethernet addresses and type */
	memset(&a, 0, sizeof(a));
	a.eth.present = true;
	a.eth.type = 0x0806;
	a.eth.src[5] = 1;
	a.eth.dst[5] = 2;
	b = a;
	ck_assert_uint_eq(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));
	b.eth.src[5] = 3;
	ck_assert_uint_ne(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));
	b = a;
	b.eth.type = 0x88cc;
	ck_assert_uint_ne(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));

	/* nothing at all still gives a value (and the same one) */
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ck_assert_uint_eq(flow_hash_layers(&a, 0), flow_hash_layers(&b, 0));
}
END_TEST

START_TEST(hash_bytes)
{
	uint8_t buf[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 };
	uint8_t cp[16];

	ck_assert_uint_eq(flow_hash_bytes(buf, 16, 0), flow_hash_bytes(buf, 16, 0));
	ck_assert_uint_ne(flow_hash_bytes(buf, 16, 0), flow_hash_bytes(buf, 16, 1));
	/* every length, bytes past n never matter, and each length differs */
	for (uint32_t n = 0; n <= 15; n++) {
		memcpy(cp, buf, sizeof(cp));
		cp[n] ^= 0xff;
		ck_assert_uint_eq(flow_hash_bytes(buf, n, 0), flow_hash_bytes(cp, n, 0));
		ck_assert_uint_ne(flow_hash_bytes(buf, n, 0), flow_hash_bytes(buf, n + 1, 0));
		if (n) {
			cp[n] ^= 0xff;
			cp[n - 1] ^= 1;
			ck_assert_uint_ne(flow_hash_bytes(buf, n, 0), flow_hash_bytes(cp, n, 0));
		}
	}
	/* zero bytes of different lengths differ */
	memset(cp, 0, sizeof(cp));
	ck_assert_uint_ne(flow_hash_bytes(cp, 3, 0), flow_hash_bytes(cp, 4, 0));
}
END_TEST

START_TEST(sport_range)
{
	struct gnv_layers l;

	ck_assert_uint_eq(flow_sport(0), FLOW_SPORT_MIN);
	ck_assert_uint_eq(flow_sport(0xffffffffu), FLOW_SPORT_MAX);
	ck_assert_uint_eq(flow_sport(0x80000000u), 49152 + 8192);
	for (uint32_t i = 0; i < 100000; i++) {
		uint32_t h;
		uint16_t p;

		flow4(&l, 0x0a000000 | (i & 0xffff), 0x0a640001, 6, (uint16_t)i, 443);
		h = flow_hash_layers(&l, i >> 16);
		p = flow_sport(h);
		ck_assert_msg(p >= 49152, "sport %u below 49152", p);
		/* p <= 65535 holds by type; the ends are checked above */
		p = flow_sport(i * 0x9e3779b9u);
		ck_assert_msg(p >= 49152, "sport %u below 49152", p);
	}
}
END_TEST

START_TEST(spread)
{
	struct gnv_layers l;
	unsigned int low[256] = { 0 }, high[256] = { 0 }, nlow = 0, nhigh = 0, maxb = 0;

	/* 10000 flows differing only in the inner source port */
	for (uint32_t i = 0; i < 10000; i++) {
		uint16_t p;

		flow4(&l, 0x0a000001, 0x0a000002, 6, (uint16_t)(30000 + i), 80);
		p = flow_sport(flow_hash_layers(&l, 0));
		low[p & 255]++;
		high[(p - FLOW_SPORT_MIN) >> 6]++;
	}
	for (int b = 0; b < 256; b++) {
		nlow += low[b] > 0;
		nhigh += high[b] > 0;
		if (high[b] > maxb)
			maxb = high[b];
	}
	ck_assert_msg(nlow > 230, "low bits cover only %u of 256 buckets", nlow);
	ck_assert_msg(nhigh > 230, "high bits cover only %u of 256 buckets", nhigh);
	/* about 39 per bucket: no bucket should be hugely overloaded */
	ck_assert_msg(maxb < 100, "a bucket holds %u of 10000 flows", maxb);

	/* the same over destination addresses */
	memset(low, 0, sizeof(low));
	nlow = 0;
	for (uint32_t i = 0; i < 10000; i++) {
		flow4(&l, 0x0a000001, 0x0a000000 + i, 17, 5000, 5000);
		low[flow_sport(flow_hash_layers(&l, 0)) & 255]++;
	}
	for (int b = 0; b < 256; b++)
		nlow += low[b] > 0;
	ck_assert_msg(nlow > 230, "address flows cover only %u of 256 buckets", nlow);
}
END_TEST

Suite *flowhash_suite(void)
{
	Suite *s = suite_create("flowhash");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, stable_per_flow);
	tcase_add_test(tc, differs_across_flows);
	tcase_add_test(tc, ipv6_and_fallbacks);
	tcase_add_test(tc, hash_bytes);
	tcase_add_test(tc, sport_range);
	tcase_add_test(tc, spread);
	suite_add_tcase(s, tc);
	return s;
}
