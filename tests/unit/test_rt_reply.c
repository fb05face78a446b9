/* SPDX-License-Identifier: MIT */
/* router/reply.h: the bytes of every answer (checked by decoding them with
 * checksums verified) and the ICMP limiter, without the pipeline. */
#include <check.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/cursor.h"
#include "../../router/reply.h"

Suite *rt_reply_suite(void);

#define HEADROOM	128

static uint8_t buf[HEADROOM + 4096];
static uint8_t *const frame = buf + HEADROOM;
static size_t fsize;
static struct gnv_pkt in, pk;
static const uint8_t rmac[6] = { 0x02, 0x67, 0x76, 0, 0, 1 };
static const uint8_t vm_mac[6] = { 0x02, 0, 0, 0, 1, 5 };

/* Build text into frame and decode it into 'in'. */
static void craft(const char *text)
{
	struct gnv_decode_cfg cfg;
	char err[256];

	memset(buf, 0xee, sizeof(buf));
	ck_assert_msg(!gnv_lang_build(text, 0xffa7, frame, sizeof(buf) - HEADROOM, &fsize, err,
				      sizeof(err)), "%s: %s", text, err);
	gnv_decode_cfg_default(&cfg);
	gnv_decode(&in, frame, (uint32_t)fsize, (uint32_t)fsize, &cfg);
	ck_assert_uint_eq(in.nerr, 0);
}

/* Decode an answer with every checksum verified: no error allowed. */
static void decode_answer(const uint8_t *p, size_t n)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	gnv_decode(&pk, p, (uint32_t)n, (uint32_t)n, &cfg);
	ck_assert_msg(pk.nerr == 0, "answer has error %s", gnv_err_code(pk.err[0].code));
}

/* Craft text, answer it with an ICMP error from gw and check what every
 * error shares: checksums, type, code, addresses, MACs, the quote in place. */
static uint8_t *icmp_answer(const char *text, const uint8_t *gw, uint8_t type, uint8_t code,
			    uint32_t mtu, size_t *n)
{
	size_t hdr, alen;
	uint8_t saved[28], *r;

	craft(text);
	alen = in.outer.ip.version == 6 ? 16 : 4;
	hdr = 14 + (alen == 16 ? 40 : 20) + 8;
	memcpy(saved, frame + 14, sizeof(saved));
	r = rt_reply_icmp_error(frame, fsize, &in.outer, rmac, gw, type, code, mtu, n);
	ck_assert_ptr_eq(r, frame + 14 - hdr);
	decode_answer(r, *n);
	ck_assert_uint_eq(pk.outer.ip.version, in.outer.ip.version);
	ck_assert_uint_eq(pk.outer.l4.type, type);
	ck_assert_uint_eq(pk.outer.l4.code, code);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.ttl, 64);
	ck_assert_mem_eq(pk.outer.ip.src.a, gw, alen);
	ck_assert_mem_eq(pk.outer.ip.dst.a, in.outer.ip.src.a, alen);
	ck_assert_mem_eq(pk.outer.eth.dst, vm_mac, 6);
	ck_assert_mem_eq(pk.outer.eth.src, rmac, 6);
	ck_assert_mem_eq(r + hdr, saved, sizeof(saved));	/* quoted, not moved */
	return r;
}

START_TEST(icmp4_error)
{
	static const uint8_t gw[16] = { 10, 0, 1, 1 };
	uint8_t *r;
	size_t n;

	icmp_answer("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / udp / payload len=30",
		    gw, 3, 1, 0, &n);
	ck_assert_uint_eq(n, 14 + 28 + 20 + 8 + 30);
	ck_assert_uint_eq(pk.outer.ip.hcsum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.tos, 0xc0);
	/* frag needed: the MTU in the low 16 bits, the quote cut at 576 in all */
	r = icmp_answer("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 df=1 / udp / payload len=1400",
			gw, 3, 4, 1434, &n);
	ck_assert_uint_eq(n, 14 + 576);
	ck_assert_uint_eq(pk.outer.ip.tot_len, 576);
	ck_assert_uint_eq(gnv_be16(r + 14 + 20 + 6), 1434);
}
END_TEST

START_TEST(icmp6_error)
{
	static const uint8_t gw[16] = { 0xfd, [15] = 1 };
	uint8_t *r;
	size_t n;

	icmp_answer("eth src=02:00:00:00:01:05 / ipv6 src=fd00::5 dst=fd00::99 / udp / payload len=40",
		    gw, 1, 3, 0, &n);
	ck_assert_uint_eq(n, 14 + 48 + 40 + 8 + 40);
	/* packet too big: 32-bit MTU, quote cut at 1280 in all */
	r = icmp_answer("eth src=02:00:00:00:01:05 / ipv6 src=fd00::5 dst=fd00::99 / udp / payload len=1400",
			gw, 2, 0, 1442, &n);
	ck_assert_uint_eq(n, 14 + 1280);
	ck_assert_uint_eq(gnv_be32(r + 14 + 40 + 4), 1442);
}
END_TEST

START_TEST(arp_reply)
{
	static const uint8_t ans[6] = { 0x02, 0, 0, 0, 1, 6 };

	craft("eth src=02:00:00:00:01:05 dst=ff:ff:ff:ff:ff:ff / arp op=1 sha=02:00:00:00:01:05 spa=10.0.1.5 tpa=10.0.1.6");
	ck_assert_uint_eq(rt_reply_arp(frame, &in.outer.arp, ans), RT_REPLY_ARP_SIZE);
	decode_answer(frame, RT_REPLY_ARP_SIZE);
	ck_assert_uint_eq(pk.outer.arp.op, 2);
	ck_assert_mem_eq(pk.outer.eth.dst, vm_mac, 6);
	ck_assert_mem_eq(pk.outer.eth.src, ans, 6);
	ck_assert_mem_eq(pk.outer.arp.sha, ans, 6);
	ck_assert_mem_eq(pk.outer.arp.spa, "\x0a\x00\x01\x06", 4);
	ck_assert_mem_eq(pk.outer.arp.tha, vm_mac, 6);
	ck_assert_mem_eq(pk.outer.arp.tpa, "\x0a\x00\x01\x05", 4);
}
END_TEST

START_TEST(neighbour_advert)
{
	static const uint8_t target[16] = { 0xfd, [15] = 1 }, dst[16] = { 0xfd, [15] = 5 };
	uint8_t *r;

	memset(buf, 0xee, sizeof(buf));
	r = rt_reply_na(frame, vm_mac, dst, rmac, target, true);
	ck_assert_ptr_eq(r, frame - RT_REPLY_NA_SIZE);
	decode_answer(r, RT_REPLY_NA_SIZE);
	ck_assert_uint_eq(pk.outer.l4.type, 136);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.ttl, 255);
	ck_assert_mem_eq(pk.outer.ip.src.a, target, 16);
	ck_assert_mem_eq(pk.outer.ip.dst.a, dst, 16);
	ck_assert_uint_eq(gnv_be32(r + 14 + 40 + 4), 0xe0000000u);	/* R S O */
	ck_assert_mem_eq(r + 14 + 40 + 8, target, 16);
	ck_assert_mem_eq(r + 14 + 40 + 24, "\x02\x01", 2);		/* target LLA */
	ck_assert_mem_eq(r + 14 + 40 + 26, rmac, 6);
	ck_assert_uint_eq(frame[0], 0xee);				/* frame untouched */
	/* an endpoint's own address: no Router flag */
	r = rt_reply_na(frame, vm_mac, dst, vm_mac, target, false);
	decode_answer(r, RT_REPLY_NA_SIZE);
	ck_assert_uint_eq(gnv_be32(r + 14 + 40 + 4), 0x60000000u);
}
END_TEST

START_TEST(echo_reply)
{
	craft("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.1.1 ttl=9 / icmp type=8 id=7 seq=1 / payload len=56");
	rt_reply_echo(frame, &in.outer, rmac);
	decode_answer(frame, fsize);
	ck_assert_uint_eq(pk.outer.l4.type, 0);
	ck_assert_uint_eq(pk.outer.l4.icmp_id, 7);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.hcsum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.ttl, 64);
	ck_assert_mem_eq(pk.outer.ip.src.a, "\x0a\x00\x01\x01", 4);
	ck_assert_mem_eq(pk.outer.ip.dst.a, "\x0a\x00\x01\x05", 4);
	ck_assert_mem_eq(pk.outer.eth.dst, vm_mac, 6);
	ck_assert_mem_eq(pk.outer.eth.src, rmac, 6);

	craft("eth src=02:00:00:00:01:05 / ipv6 src=fd00::5 dst=fd00::1 / icmp6 type=128 id=1 seq=2");
	rt_reply_echo(frame, &in.outer, rmac);
	decode_answer(frame, fsize);
	ck_assert_uint_eq(pk.outer.l4.type, 129);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.ttl, 64);
	ck_assert_uint_eq(pk.outer.ip.src.a[15], 1);
	ck_assert_uint_eq(pk.outer.ip.dst.a[15], 5);
}
END_TEST

START_TEST(icmp_limiter)
{
	struct rt_limits l;
	struct rt_tables *t;

	rt_limits_default(&l);
	l.max_vpcs = 2;
	l.max_nets = 2;
	l.max_eps = 4;
	l.max_hosts = 2;
	l.max_ports = 2;
	l.flows_per_vpc = 0;
	l.icmp_rate = 4;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
	rt_tables_set_now(t, 1000000000000ull);
	/* a dry run never moves the limiter */
	for (int i = 0; i < 10; i++)
		ck_assert(rt_reply_icmp_allowed(t, false));
	/* a burst of one second's worth, then one every 1/rate s */
	for (int i = 0; i < 4; i++)
		ck_assert(rt_reply_icmp_allowed(t, true));
	ck_assert(!rt_reply_icmp_allowed(t, true));
	ck_assert(!rt_reply_icmp_allowed(t, false));
	rt_tables_set_now(t, t->run.now_ns + 250000000ull);
	ck_assert(rt_reply_icmp_allowed(t, true));
	ck_assert(!rt_reply_icmp_allowed(t, true));
	rt_tables_free(t);
}
END_TEST

Suite *rt_reply_suite(void)
{
	Suite *s = suite_create("rt_reply");
	TCase *tc = tcase_create("answers");

	tcase_add_test(tc, icmp4_error);
	tcase_add_test(tc, icmp6_error);
	tcase_add_test(tc, arp_reply);
	tcase_add_test(tc, neighbour_advert);
	tcase_add_test(tc, echo_reply);
	tcase_add_test(tc, icmp_limiter);
	suite_add_tcase(s, tc);
	return s;
}
