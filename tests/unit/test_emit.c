/* SPDX-License-Identifier: MIT */
/*
 * libcore/emit.h: the same calls give the expected text and JSON; the
 * one-value text formatter agrees with printf on the formats renderers use.
 * A Check suite (tests/unit/main.c); calls libcore/emit.h and printf only.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/emit.h"

Suite *emit_suite(void);

static const uint8_t ip4[4] = { 192, 0, 2, 1 };
static const uint8_t ip6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 0xab };
static const uint8_t data[3] = { 0x45, 0x00, 0xff };

/* A drop-ring-like record, as one set of calls. */
static void record(struct gnv_emit *e, bool underlay, int family)
{
	gnv_emit_obj_open(e, NULL, "drop");
	gnv_emit_u64(e, "seq", " seq=%llu", 7);
	gnv_emit_u64(e, "time_ns", " time_ns=%llu", 1234567890123ull);
	gnv_emit_str(e, "reason", " reason=%s", "route.none");
	gnv_emit_str(e, "ingress", " ingress=%s", underlay ? "underlay" : "port");
	if (underlay) {
		gnv_emit_null(e, "port", NULL);
		gnv_emit_ip(e, "from", " from=%s", family, family == 6 ? ip6 : ip4);
		gnv_emit_text(e, " self=%s", "-");
	} else {
		gnv_emit_str(e, "port", " port=%s", "tap0");
		gnv_emit_null(e, "from", NULL);
	}
	gnv_emit_null(e, "vni", " vni=-");
	gnv_emit_u64(e, "len", " len=%u", 60);
	gnv_emit_hex(e, "data", " data=%s", data, sizeof(data));
	gnv_emit_obj_close(e, "\n");
}

static const char *render(struct sbuf *sb, bool json, bool underlay, int family)
{
	struct gnv_emit e;

	sbuf_reset(sb);
	gnv_emit_init(&e, sb, json, false);
	record(&e, underlay, family);
	return sbuf_str(sb);
}

START_TEST(same_calls_two_forms)
{
	struct sbuf sb = SBUF_INIT;

	ck_assert_str_eq(render(&sb, false, true, 4),
		"drop seq=7 time_ns=1234567890123 reason=route.none ingress=underlay"
		" from=192.0.2.1 self=- vni=- len=60 data=4500ff\n");
	ck_assert_str_eq(render(&sb, true, true, 4),
		"{\"seq\":7,\"time_ns\":1234567890123,\"reason\":\"route.none\","
		"\"ingress\":\"underlay\",\"port\":null,\"from\":\"192.0.2.1\",\"vni\":null,"
		"\"len\":60,\"data\":\"4500ff\"}");
	ck_assert_str_eq(render(&sb, false, false, 0),
		"drop seq=7 time_ns=1234567890123 reason=route.none ingress=port port=tap0"
		" vni=- len=60 data=4500ff\n");
	ck_assert_str_eq(render(&sb, true, true, 6),
		"{\"seq\":7,\"time_ns\":1234567890123,\"reason\":\"route.none\","
		"\"ingress\":\"underlay\",\"port\":null,\"from\":\"2001:db8::1\",\"vni\":null,"
		"\"len\":60,\"data\":\"4500ff\"}");
	/* family 0: null in JSON, "-" in text */
	ck_assert_ptr_nonnull(strstr(render(&sb, true, true, 0), "\"from\":null"));
	ck_assert_ptr_nonnull(strstr(render(&sb, false, true, 0), " from=- "));
	sbuf_free(&sb);
}
END_TEST

START_TEST(containers_and_arrays)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;
	static const char *const names[] = { "abort", "drop", "pass" };

	for (int json = 0; json < 2; json++) {
		sbuf_reset(&sb);
		gnv_emit_init(&e, &sb, json, false);
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_u64(&e, "schema", NULL, 1);
		gnv_emit_obj_open(&e, "host", "host");
		gnv_emit_ip(&e, "addr", " addr %s", 4, ip4);
		gnv_emit_mac(&e, "mac", " mac %s", mac);
		gnv_emit_bool(&e, "rts", " rts %s", true, "on", "off");
		gnv_emit_bool(&e, "up", " %s", false, NULL, NULL);
		gnv_emit_i64(&e, "ifindex", " ifindex %d", -1);
		gnv_emit_obj_close(&e, "\n");
		gnv_emit_arr_open(&e, "features", "xdp: features");
		for (int i = 0; i < 3; i++)
			gnv_emit_str(&e, NULL, " %s", names[i]);
		gnv_emit_arr_close(&e, "\n");
		gnv_emit_arr_open(&e, "labels", NULL);
		gnv_emit_u64(&e, NULL, " label %u", 5);
		gnv_emit_arr_close(&e, NULL);
		gnv_emit_obj_close(&e, NULL);
		if (json)
			ck_assert_str_eq(sbuf_str(&sb),
				"{\"schema\":1,\"host\":{\"addr\":\"192.0.2.1\",\"mac\":\"02:00:00:00:00:ab\","
				"\"rts\":true,\"up\":false,\"ifindex\":-1},"
				"\"features\":[\"abort\",\"drop\",\"pass\"],\"labels\":[5]}");
		else
			ck_assert_str_eq(sbuf_str(&sb),
				"host addr 192.0.2.1 mac 02:00:00:00:00:ab rts on false ifindex -1\n"
				"xdp: features abort drop pass\n label 5");
	}
	sbuf_free(&sb);
}
END_TEST

START_TEST(text_and_json_only)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;

	gnv_emit_init(&e, &sb, false, false);
	gnv_emit_u64(&e, "flow_evictions", NULL, 3);	/* JSON only */
	gnv_emit_text(&e, "vpc %u", 5u);		/* text only */
	gnv_emit_puts(&e, "!");
	ck_assert_ptr_null(gnv_emit_json(&e));
	ck_assert_str_eq(sbuf_str(&sb), "vpc 5!");

	sbuf_reset(&sb);
	gnv_emit_init(&e, &sb, true, false);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "flow_evictions", NULL, 3);
	gnv_emit_text(&e, "vpc %u", 5u);
	gnv_emit_puts(&e, "!");
	json_str(gnv_emit_json(&e), "raw", "x");
	gnv_emit_obj_close(&e, NULL);
	ck_assert_str_eq(sbuf_str(&sb), "{\"flow_evictions\":3,\"raw\":\"x\"}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(pretty_json)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;

	gnv_emit_init(&e, &sb, true, true);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "a", "%u", 1);
	gnv_emit_arr_open(&e, "b", NULL);
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_obj_close(&e, NULL);
	ck_assert_str_eq(sbuf_str(&sb), "{\n  \"a\": 1,\n  \"b\": []\n}");
	sbuf_free(&sb);
}
END_TEST

/* The key in the text form: "KIND key value" records and aligned tables. */
START_TEST(key_in_text)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;

	gnv_emit_init(&e, &sb, false, false);
	gnv_emit_u64(&e, "rx_packets", " %k %llu", 12);
	gnv_emit_u64(&e, "route.none", "\n%-18k %llu\n", 3);
	gnv_emit_u64(&e, NULL, "[%k]", 3);
	gnv_emit_str(&e, "x", "%%k=%k 100%%", "v");
	ck_assert_str_eq(sbuf_str(&sb), " rx_packets 12\nroute.none         3\n[]%k=x 100%");
	sbuf_free(&sb);
}
END_TEST

/* Prefixes: the address as gnv_emit_ip() writes it, then "/LEN". */
START_TEST(prefixes)
{
	static const uint8_t mapped[16] = { [10] = 0xff, [11] = 0xff, 10, 0, 0, 0 };
	static const uint8_t compat[16] = { [13] = 1, [15] = 2 };
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;

	for (int json = 0; json < 2; json++) {
		sbuf_reset(&sb);
		gnv_emit_init(&e, &sb, json, false);
		gnv_emit_obj_open(&e, NULL, "net");
		gnv_emit_prefix(&e, "prefix", " %s", 4, ip4, 24);
		gnv_emit_arr_open(&e, "cidrs", NULL);
		gnv_emit_prefix(&e, NULL, " cidr %s", 6, ip6, 64);
		gnv_emit_prefix(&e, NULL, " cidr %s", 6, mapped, 120);
		gnv_emit_prefix(&e, NULL, " cidr %s", 6, compat, 128);
		gnv_emit_arr_close(&e, NULL);
		gnv_emit_prefix(&e, "none", " none %s", 0, ip4, 8);
		gnv_emit_prefix(&e, "pad", " [%-14s]", 4, ip4, 32);
		gnv_emit_obj_close(&e, "\n");
		if (json)
			ck_assert_str_eq(sbuf_str(&sb),
				"{\"prefix\":\"192.0.2.1/24\",\"cidrs\":[\"2001:db8::1/64\","
				"\"::ffff:10.0.0.0/120\",\"::1:2/128\"],\"none\":null,"
				"\"pad\":\"192.0.2.1/32\"}");
		else
			ck_assert_str_eq(sbuf_str(&sb),
				"net 192.0.2.1/24 cidr 2001:db8::1/64 cidr ::ffff:10.0.0.0/120"
				" cidr ::1:2/128 none - [192.0.2.1/32  ]\n");
	}
	sbuf_free(&sb);
}
END_TEST

/* The formats renderers use print as printf prints them. */
START_TEST(like_printf)
{
	static const char *const sfmt[] = {
		"%s", "  %-28s|", "%-3s|", "%28s|", "%.2s|", "%-8.3s|", " %-8s",
	};
	static const char *const svals[] = { "", "yes", "no", "tx-udp_tnl-segmentation",
		"a-string-longer-than-the-28-columns-of-width" };
	static const uint64_t uvals[] = { 0, 1, 9, 10, 255, 4096, 65535, 1ull << 32,
		UINT64_MAX };
	static const int64_t ivals[] = { 0, 1, -1, 42, -42, 1500, -1500, INT64_MIN, INT64_MAX };
	static const double dvals[] = { 0, 0.5, 1.25, 3.14159, 1234.5678, 1e-9, 99.95 };
	struct sbuf a = SBUF_INIT, b = SBUF_INIT;
	struct gnv_emit e;

	gnv_emit_init(&e, &a, false, false);
	for (size_t f = 0; f < sizeof(sfmt) / sizeof(sfmt[0]); f++)
		for (size_t v = 0; v < sizeof(svals) / sizeof(svals[0]); v++) {
			sbuf_reset(&a);
			sbuf_reset(&b);
			gnv_emit_str(&e, "k", sfmt[f], svals[v]);
			sbuf_printf(&b, sfmt[f], svals[v]);
			ck_assert_str_eq(sbuf_str(&a), sbuf_str(&b));
		}
	for (size_t v = 0; v < sizeof(uvals) / sizeof(uvals[0]); v++) {
		static const char *const ufmt[] = { "%llu", " %6llu|", "%-6llu|", "0x%04llx",
			"0x%02llx", "%llX", "%020llu", "%3llu" };

		for (size_t f = 0; f < sizeof(ufmt) / sizeof(ufmt[0]); f++) {
			sbuf_reset(&a);
			sbuf_reset(&b);
			gnv_emit_u64(&e, "k", ufmt[f], uvals[v]);
			sbuf_printf(&b, ufmt[f], (unsigned long long)uvals[v]);
			ck_assert_str_eq(sbuf_str(&a), sbuf_str(&b));
		}
	}
	for (size_t v = 0; v < sizeof(ivals) / sizeof(ivals[0]); v++) {
		static const char *const ifmt[] = { "%lld", "%6lld|", "%-6lld|", "%06lld", "%1lld" };

		for (size_t f = 0; f < sizeof(ifmt) / sizeof(ifmt[0]); f++) {
			sbuf_reset(&a);
			sbuf_reset(&b);
			gnv_emit_i64(&e, "k", ifmt[f], ivals[v]);
			sbuf_printf(&b, ifmt[f], (long long)ivals[v]);
			ck_assert_str_eq(sbuf_str(&a), sbuf_str(&b));
		}
	}
	for (size_t v = 0; v < sizeof(dvals) / sizeof(dvals[0]); v++) {
		static const char *const dfmt[] = { "%.3f s", "%.1f", "%g", "%8.2f|", "%-8.1f|", "%.6g" };

		for (size_t f = 0; f < sizeof(dfmt) / sizeof(dfmt[0]); f++) {
			sbuf_reset(&a);
			sbuf_reset(&b);
			gnv_emit_dbl(&e, "k", dfmt[f], dvals[v]);
			sbuf_printf(&b, dfmt[f], dvals[v]);
			ck_assert_str_eq(sbuf_str(&a), sbuf_str(&b));
		}
	}
	sbuf_reset(&a);
	gnv_emit_dbl(&e, "k", "%.1f", NAN);
	ck_assert_str_eq(sbuf_str(&a), "-");
	sbuf_free(&a);
	sbuf_free(&b);
}
END_TEST

/* Long values and long padding: nothing is cut short, no fixed buffer. */
START_TEST(long_values)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;
	uint8_t big[300];
	char want[700];

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (uint8_t)i;
	gnv_emit_init(&e, &sb, false, false);
	gnv_emit_hex(&e, "data", "%s", big, sizeof(big));
	ck_assert_uint_eq(sb.len, 600);
	ck_assert(!memcmp(sb.buf, "000102", 6) && !memcmp(sb.buf + 596, "2a2b", 4));
	sbuf_reset(&sb);
	gnv_emit_str(&e, "k", "%200s|", "x");
	snprintf(want, sizeof(want), "%200s|", "x");
	ck_assert_str_eq(sbuf_str(&sb), want);
	sbuf_free(&sb);
}
END_TEST

Suite *emit_suite(void)
{
	Suite *s = suite_create("emit");
	TCase *tc = tcase_create("emit");

	tcase_add_test(tc, same_calls_two_forms);
	tcase_add_test(tc, containers_and_arrays);
	tcase_add_test(tc, text_and_json_only);
	tcase_add_test(tc, pretty_json);
	tcase_add_test(tc, key_in_text);
	tcase_add_test(tc, prefixes);
	tcase_add_test(tc, like_printf);
	tcase_add_test(tc, long_values);
	suite_add_tcase(s, tc);
	return s;
}
