/* SPDX-License-Identifier: MIT */
/* libcore/sbuf.h: growth, formatting helpers, RFC 5952 IPv6, escaping. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/sbuf.h"

Suite *sbuf_suite(void);

START_TEST(empty_and_reset)
{
	struct sbuf sb = SBUF_INIT;

	ck_assert_str_eq(sbuf_str(&sb), "");
	ck_assert_uint_eq(sb.len, 0);
	sbuf_reset(&sb);	/* on a never-used buffer */
	ck_assert_str_eq(sbuf_str(&sb), "");
	sbuf_puts(&sb, "abc");
	ck_assert_str_eq(sbuf_str(&sb), "abc");
	ck_assert_uint_eq(sb.len, 3);
	sbuf_reset(&sb);
	ck_assert_str_eq(sbuf_str(&sb), "");
	ck_assert_uint_eq(sb.len, 0);
	ck_assert_uint_gt(sb.cap, 0);	/* reused, not freed */
	sbuf_free(&sb);
	ck_assert_ptr_null(sb.buf);
	ck_assert_uint_eq(sb.cap, 0);
	ck_assert_str_eq(sbuf_str(&sb), "");
}
END_TEST

START_TEST(grows)
{
	struct sbuf sb = SBUF_INIT;
	size_t total = 0;

	for (int i = 0; i < 5000; i++) {
		sbuf_putc(&sb, (char)('a' + i % 26));
		total++;
	}
	sbuf_add(&sb, "0123456789", 10);
	total += 10;
	ck_assert_uint_eq(sb.len, total);
	ck_assert_uint_eq(strlen(sbuf_str(&sb)), total);
	ck_assert_uint_gt(sb.cap, total);
	ck_assert(!sb.oom);
	ck_assert_int_eq(sbuf_str(&sb)[0], 'a');
	ck_assert_int_eq(sbuf_str(&sb)[26], 'a');
	ck_assert_str_eq(sbuf_str(&sb) + 5000, "0123456789");
	/* embedded bytes: sbuf_add copies exactly n */
	sbuf_reset(&sb);
	sbuf_add(&sb, "xyz", 2);
	sbuf_add(&sb, "", 0);
	ck_assert_str_eq(sbuf_str(&sb), "xy");
	sbuf_free(&sb);
}
END_TEST

START_TEST(printf_formats)
{
	struct sbuf sb = SBUF_INIT;
	char big[1000];

	sbuf_printf(&sb, "%s=%d 0x%04x", "vni", 100, 0x6558);
	ck_assert_str_eq(sbuf_str(&sb), "vni=100 0x6558");
	sbuf_printf(&sb, "%s", "");
	ck_assert_uint_eq(sb.len, 14);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	sbuf_reset(&sb);
	sbuf_printf(&sb, "[%s]", big);
	ck_assert_uint_eq(sb.len, sizeof(big) + 1);
	ck_assert_int_eq(sbuf_str(&sb)[0], '[');
	ck_assert_int_eq(sbuf_str(&sb)[sb.len - 1], ']');
	ck_assert_uint_eq(strlen(sbuf_str(&sb)), sb.len);
	sbuf_free(&sb);
}
END_TEST

START_TEST(u64_decimal)
{
	struct sbuf sb = SBUF_INIT;
	static const struct { uint64_t v; const char *s; } t[] = {
		{ 0, "0" }, { 9, "9" }, { 10, "10" }, { 6081, "6081" },
		{ 4294967295u, "4294967295" },
		{ UINT64_MAX, "18446744073709551615" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		sbuf_reset(&sb);
		sbuf_u64(&sb, t[i].v);
		ck_assert_str_eq(sbuf_str(&sb), t[i].s);
	}
	sbuf_free(&sb);
}
END_TEST

START_TEST(hex_mac_ip4)
{
	struct sbuf sb = SBUF_INIT;
	static const uint8_t b[] = { 0x00, 0x01, 0xab, 0xff };
	static const uint8_t mac[6] = { 0x02, 0x00, 0xaa, 0x0b, 0xcd, 0xff };
	static const uint8_t ip[4] = { 10, 200, 0, 255 };

	sbuf_hex(&sb, b, sizeof(b));
	ck_assert_str_eq(sbuf_str(&sb), "0001abff");
	sbuf_hex(&sb, b, 0);
	ck_assert_str_eq(sbuf_str(&sb), "0001abff");
	sbuf_reset(&sb);
	sbuf_mac(&sb, mac);
	ck_assert_str_eq(sbuf_str(&sb), "02:00:aa:0b:cd:ff");
	sbuf_reset(&sb);
	sbuf_ip4(&sb, ip);
	ck_assert_str_eq(sbuf_str(&sb), "10.200.0.255");
	sbuf_free(&sb);
}
END_TEST

static const char *ip6(struct sbuf *sb, const char *hex32)
{
	uint8_t a[16];

	for (int i = 0; i < 16; i++) {
		unsigned int v;

		sscanf(hex32 + 2 * i, "%2x", &v);
		a[i] = (uint8_t)v;
	}
	sbuf_reset(sb);
	sbuf_ip6(sb, a);
	return sbuf_str(sb);
}

START_TEST(ip6_rfc5952)
{
	struct sbuf sb = SBUF_INIT;

	ck_assert_str_eq(ip6(&sb, "00000000000000000000000000000000"), "::");
	ck_assert_str_eq(ip6(&sb, "00000000000000000000000000000001"), "::1");
	ck_assert_str_eq(ip6(&sb, "00010000000000000000000000000000"), "1::");
	ck_assert_str_eq(ip6(&sb, "fd000000000000000000000000000001"), "fd00::1");
	ck_assert_str_eq(ip6(&sb, "20010db8000000000000000000000001"), "2001:db8::1");
	/* a single zero word is not compressed (4.2.2) */
	ck_assert_str_eq(ip6(&sb, "20010db8000000010001000100010001"), "2001:db8:0:1:1:1:1:1");
	/* the longest run wins (4.2.3) */
	ck_assert_str_eq(ip6(&sb, "00010000000000020000000000000003"), "1:0:0:2::3");
	/* equal runs: the first wins */
	ck_assert_str_eq(ip6(&sb, "20010db8000000000001000000000001"), "2001:db8::1:0:0:1");
	/* lowercase, no leading zeros (4.1, 4.3) */
	ck_assert_str_eq(ip6(&sb, "20010DB8000A00BC0DEF000000000000"), "2001:db8:a:bc:def::");
	ck_assert_str_eq(ip6(&sb, "ffffffffffffffffffffffffffffffff"),
			 "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
	/* IPv4-mapped (5) */
	ck_assert_str_eq(ip6(&sb, "00000000000000000000ffff0a000001"), "::ffff:10.0.0.1");
	/* zero run at the end of a middle section */
	ck_assert_str_eq(ip6(&sb, "00010002000300040005000000000000"), "1:2:3:4:5::");
	ck_assert_str_eq(ip6(&sb, "00010000000000000000000000000001"), "1::1");
	sbuf_free(&sb);
}
END_TEST

START_TEST(escaped)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_escaped(&sb, "plain text ~!");
	ck_assert_str_eq(sbuf_str(&sb), "plain text ~!");
	sbuf_reset(&sb);
	sbuf_escaped(&sb, "a\nb\tc\x1b[0m\x7f\xff");
	ck_assert_str_eq(sbuf_str(&sb), "a\\x0ab\\x09c\\x1b[0m\\x7f\\xff");
	sbuf_reset(&sb);
	sbuf_escaped(&sb, "");
	ck_assert_str_eq(sbuf_str(&sb), "");
	sbuf_free(&sb);
}
END_TEST

Suite *sbuf_suite(void)
{
	Suite *s = suite_create("sbuf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, empty_and_reset);
	tcase_add_test(tc, grows);
	tcase_add_test(tc, printf_formats);
	tcase_add_test(tc, u64_decimal);
	tcase_add_test(tc, hex_mac_ip4);
	tcase_add_test(tc, ip6_rfc5952);
	tcase_add_test(tc, escaped);
	suite_add_tcase(s, tc);
	return s;
}
