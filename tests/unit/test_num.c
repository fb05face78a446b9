/* SPDX-License-Identifier: MIT */
/* libcore/num.h: the one strict number parser, addresses and hex. */
#include <check.h>
#include <errno.h>
#include <string.h>
#include "../../libcore/num.h"

Suite *num_suite(void);

START_TEST(u64_accepts)
{
	static const struct { const char *s; uint64_t v; } ok[] = {
		{ "0", 0 }, { "7", 7 }, { "42", 42 }, { "007", 7 },
		{ "0x0", 0 }, { "0x1f", 31 }, { "0XFF", 255 }, { "0xAbC", 0xabc },
		{ "0b0", 0 }, { "0b101", 5 }, { "0B11", 3 },
		{ "18446744073709551615", UINT64_MAX },
		{ "0xffffffffffffffff", UINT64_MAX },
		{ "0x0000000000000000001", 1 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint64_t v = 12345;

		ck_assert_msg(num_parse_u64(ok[i].s, 0, UINT64_MAX, &v) == 0, "'%s' rejected", ok[i].s);
		ck_assert_msg(v == ok[i].v, "'%s' -> %llu", ok[i].s, (unsigned long long)v);
	}
}
END_TEST

START_TEST(u64_rejects_syntax)
{
	static const char *const bad[] = {
		"", " 1", "1 ", "+1", "-1", "1a", "a", "0x", "0b", "0xg", "0b2", "0b102",
		"1.0", "1e3", "0o7", "١", "1_000", "0x-1", "--1", "0x 1",
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint64_t v = 99;

		ck_assert_msg(num_parse_u64(bad[i], 0, UINT64_MAX, &v) == -EINVAL,
			      "'%s' not rejected with EINVAL", bad[i]);
		ck_assert_msg(v == 99, "'%s' wrote the output", bad[i]);
	}
	ck_assert_int_eq(num_parse_u64(NULL, 0, 1, NULL), -EINVAL);
}
END_TEST

START_TEST(u64_overflow_and_range)
{
	uint64_t v = 99;

	ck_assert_int_eq(num_parse_u64("18446744073709551616", 0, UINT64_MAX, &v), -ERANGE);
	ck_assert_int_eq(num_parse_u64("99999999999999999999999", 0, UINT64_MAX, &v), -ERANGE);
	ck_assert_int_eq(num_parse_u64("0x10000000000000000", 0, UINT64_MAX, &v), -ERANGE);
	ck_assert_uint_eq(v, 99);
	/* inclusive range: VNI is 24-bit */
	ck_assert_int_eq(num_parse_u64("16777215", 0, 0xffffff, &v), 0);
	ck_assert_uint_eq(v, 0xffffff);
	ck_assert_int_eq(num_parse_u64("16777216", 0, 0xffffff, &v), -ERANGE);
	ck_assert_int_eq(num_parse_u64("0x1000000", 0, 0xffffff, &v), -ERANGE);
	ck_assert_int_eq(num_parse_u64("5", 5, 10, &v), 0);
	ck_assert_int_eq(num_parse_u64("4", 5, 10, &v), -ERANGE);
	ck_assert_int_eq(num_parse_u64("10", 5, 10, &v), 0);
	ck_assert_int_eq(num_parse_u64("11", 5, 10, &v), -ERANGE);
	ck_assert_int_eq(num_parse_u64("0", 1, 65535, &v), -ERANGE);
	ck_assert_uint_eq(v, 10);
}
END_TEST

START_TEST(u32_and_span)
{
	uint32_t w = 7;
	uint64_t v = 7;

	ck_assert_int_eq(num_parse_u32("4294967295", 0, UINT32_MAX, &w), 0);
	ck_assert_uint_eq(w, UINT32_MAX);
	ck_assert_int_eq(num_parse_u32("4294967296", 0, UINT32_MAX, &w), -ERANGE);
	ck_assert_int_eq(num_parse_u32("x", 0, UINT32_MAX, &w), -EINVAL);
	ck_assert_int_eq(num_parse_u32("65535", 0, 65535, &w), 0);
	ck_assert_uint_eq(w, 65535);
	ck_assert_int_eq(num_parse_u32("65536", 0, 65535, &w), -ERANGE);
	ck_assert_uint_eq(w, 65535);

	/* a counted span ignores what follows it */
	ck_assert_int_eq(num_parse_span("123abc", 3, 0, 1000, &v), 0);
	ck_assert_uint_eq(v, 123);
	ck_assert_int_eq(num_parse_span("0x10:0x80", 4, 0, 0xffff, &v), 0);
	ck_assert_uint_eq(v, 16);
	ck_assert_int_eq(num_parse_span("123abc", 4, 0, 1000, &v), -EINVAL);
	ck_assert_int_eq(num_parse_span("123", 0, 0, 1000, &v), -EINVAL);
	/* "0x" alone (span of 2) is not a number */
	ck_assert_int_eq(num_parse_span("0x12", 2, 0, 1000, &v), -EINVAL);
	ck_assert_int_eq(num_parse_span("0x12", 3, 0, 1000, &v), 0);
	ck_assert_uint_eq(v, 1);
}
END_TEST

START_TEST(lead_digits)
{
	const char *end = NULL;
	uint64_t v = 7;

	ck_assert_int_eq(num_parse_lead("12: refused", 1, 100, &v, &end), 0);
	ck_assert_uint_eq(v, 12);
	ck_assert_str_eq(end, ": refused");
	ck_assert_int_eq(num_parse_lead("4 commands", 0, UINT64_MAX, &v, &end), 0);
	ck_assert_str_eq(end, " commands");
	ck_assert_int_eq(num_parse_lead("5", 0, 10, &v, &end), 0);
	ck_assert_str_eq(end, "");
	/* decimal only: "0x10" is 0 followed by "x10" */
	ck_assert_int_eq(num_parse_lead("0x10", 0, 10, &v, &end), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_str_eq(end, "x10");
	end = NULL;
	v = 7;
	/* overflow is refused, not wrapped or clamped as strtoul/sscanf do */
	ck_assert_int_eq(num_parse_lead("18446744073709551616 commands", 0, UINT64_MAX, &v, &end), -ERANGE);
	ck_assert_int_eq(num_parse_lead("101:", 1, 100, &v, &end), -ERANGE);
	/* no digits: a sign or a space first is not a number */
	ck_assert_int_eq(num_parse_lead("-1", 0, 10, &v, &end), -EINVAL);
	ck_assert_int_eq(num_parse_lead("+1", 0, 10, &v, &end), -EINVAL);
	ck_assert_int_eq(num_parse_lead(" 1", 0, 10, &v, &end), -EINVAL);
	ck_assert_int_eq(num_parse_lead("", 0, 10, &v, &end), -EINVAL);
	ck_assert_int_eq(num_parse_lead(NULL, 0, 10, &v, &end), -EINVAL);
	ck_assert_uint_eq(v, 7);
	ck_assert_ptr_null(end);
}
END_TEST

START_TEST(doubles)
{
	double d = 0;

	ck_assert_int_eq(num_parse_double("1.5", 0, 10, &d), 0);
	ck_assert(d == 1.5);
	ck_assert_int_eq(num_parse_double("1000", 0, 1e9, &d), 0);
	ck_assert(d == 1000);
	ck_assert_int_eq(num_parse_double("2.5e3", 0, 1e9, &d), 0);
	ck_assert(d == 2500);
	ck_assert_int_eq(num_parse_double("0", 0, 1, &d), 0);
	ck_assert(d == 0);
	d = 7;
	ck_assert_int_eq(num_parse_double("", 0, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double(NULL, 0, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double(" 1", 0, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double("+1", 0, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double("-1", -10, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double("1x", 0, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double("1 ", 0, 10, &d), -EINVAL);
	ck_assert_int_eq(num_parse_double("nan", 0, 10, &d), -ERANGE);
	ck_assert_int_eq(num_parse_double("inf", 0, 1e308, &d), -ERANGE);
	ck_assert_int_eq(num_parse_double("1e999", 0, 1e308, &d), -ERANGE);
	ck_assert_int_eq(num_parse_double("10.01", 0, 10, &d), -ERANGE);
	ck_assert_int_eq(num_parse_double("0.5", 1, 10, &d), -ERANGE);
	ck_assert(d == 7);
}
END_TEST

START_TEST(macs)
{
	static const struct { const char *s; uint8_t m[6]; } ok[] = {
		{ "02:00:00:00:00:01", { 2, 0, 0, 0, 0, 1 } },
		{ "aa:bb:cc:dd:ee:ff", { 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff } },
		{ "AA-BB-CC-0D-e0-9F", { 0xaa, 0xbb, 0xcc, 0x0d, 0xe0, 0x9f } },
		{ "2:0:0:0:a:1", { 2, 0, 0, 0, 0x0a, 1 } },
		{ "99:10:00:00:00:00", { 0x99, 0x10, 0, 0, 0, 0 } },
	};
	static const char *const bad[] = {
		"", "02:00:00:00:00", "02:00:00:00:00:01:02", "02:00:00:00:00:0g",
		"002:00:00:00:00:01", "02::00:00:00:00", "0x:00:00:00:00:01",
		"02:00:00:00:00:01:", "02.00.00.00.00.01", "02:00:00:00:00:01 ",
		"gg:00:00:00:00:00", "020000000001",
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		uint8_t m[6] = { 0 };

		ck_assert_msg(parse_mac(ok[i].s, m) == 0, "'%s' rejected", ok[i].s);
		ck_assert_msg(!memcmp(m, ok[i].m, 6), "'%s' parsed wrongly", ok[i].s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		uint8_t m[6];

		ck_assert_msg(parse_mac(bad[i], m) == -EINVAL, "'%s' accepted", bad[i]);
	}
}
END_TEST

START_TEST(ips)
{
	uint8_t a[16];
	static const uint8_t v6[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
	int fam = 0;

	ck_assert_int_eq(parse_ip4("10.200.0.1", a), 0);
	ck_assert(a[0] == 10 && a[1] == 200 && a[2] == 0 && a[3] == 1);
	ck_assert_int_eq(parse_ip4("255.255.255.255", a), 0);
	ck_assert_int_eq(parse_ip4("256.0.0.1", a), -EINVAL);
	ck_assert_int_eq(parse_ip4("10.0.0", a), -EINVAL);
	ck_assert_int_eq(parse_ip4("10.0.0.1.2", a), -EINVAL);
	ck_assert_int_eq(parse_ip4("", a), -EINVAL);
	ck_assert_int_eq(parse_ip4("fd00::1", a), -EINVAL);

	ck_assert_int_eq(parse_ip6("fd00::1", a), 0);
	ck_assert(!memcmp(a, v6, 16));
	ck_assert_int_eq(parse_ip6("::", a), 0);
	ck_assert_int_eq(parse_ip6("::ffff:1.2.3.4", a), 0);
	ck_assert(a[10] == 0xff && a[11] == 0xff && a[12] == 1 && a[15] == 4);
	ck_assert_int_eq(parse_ip6("1::2::3", a), -EINVAL);
	ck_assert_int_eq(parse_ip6("10.0.0.1", a), -EINVAL);
	ck_assert_int_eq(parse_ip6("fd00::g", a), -EINVAL);

	memset(a, 0xee, sizeof(a));
	ck_assert_int_eq(parse_ip("10.0.0.1", &fam, a), 0);
	ck_assert_int_eq(fam, 4);
	ck_assert(a[0] == 10 && a[3] == 1 && a[4] == 0 && a[15] == 0);
	ck_assert_int_eq(parse_ip("fd00::1", &fam, a), 0);
	ck_assert_int_eq(fam, 6);
	ck_assert(!memcmp(a, v6, 16));
	ck_assert_int_eq(parse_ip("host", &fam, a), -EINVAL);
	ck_assert_int_eq(parse_ip("", &fam, a), -EINVAL);
}
END_TEST

START_TEST(hex)
{
	uint8_t b[8];
	size_t n = 99;

	ck_assert_int_eq(parse_hex("0001000a", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert(b[0] == 0 && b[1] == 1 && b[2] == 0 && b[3] == 0x0a);
	ck_assert_int_eq(parse_hex("0xDEADbeef", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert(b[0] == 0xde && b[3] == 0xef);
	ck_assert_int_eq(parse_hex("0a:0b.0c 0d", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 4);
	ck_assert(b[0] == 0x0a && b[1] == 0x0b && b[2] == 0x0c && b[3] == 0x0d);
	ck_assert_int_eq(parse_hex("", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_int_eq(parse_hex("0x", b, sizeof(b), &n), 0);
	ck_assert_uint_eq(n, 0);
	/* exactly max bytes fits, one more does not */
	ck_assert_int_eq(parse_hex("0102030405060708", b, 8, &n), 0);
	ck_assert_uint_eq(n, 8);
	ck_assert_int_eq(parse_hex("010203040506070809", b, 8, &n), -ERANGE);

	n = 99;
	ck_assert_int_eq(parse_hex("abc", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(parse_hex("zz", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(parse_hex("0g", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(parse_hex(":0a", b, sizeof(b), &n), -EINVAL);
	ck_assert_int_eq(parse_hex("0a-0b", b, sizeof(b), &n), -EINVAL);
	ck_assert_uint_eq(n, 99);
}
END_TEST

Suite *num_suite(void)
{
	Suite *s = suite_create("num");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, u64_accepts);
	tcase_add_test(tc, u64_rejects_syntax);
	tcase_add_test(tc, u64_overflow_and_range);
	tcase_add_test(tc, u32_and_span);
	tcase_add_test(tc, lead_digits);
	tcase_add_test(tc, doubles);
	tcase_add_test(tc, macs);
	tcase_add_test(tc, ips);
	tcase_add_test(tc, hex);
	suite_add_tcase(s, tc);
	return s;
}
