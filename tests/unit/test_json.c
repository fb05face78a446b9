/* SPDX-License-Identifier: MIT */
/* libcore/json.h: commas, nesting, escaping, numbers, pretty printing. */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>
#include "../../libcore/json.h"

Suite *json_suite(void);

START_TEST(flat_object)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	static const uint8_t ip[4] = { 10, 0, 0, 1 };
	static const uint8_t hex[3] = { 0x00, 0xab, 0xff };

	json_init(&j, &sb, false);
	json_obj_open(&j, NULL);
	json_u64(&j, "schema", 1);
	json_str(&j, "status", "ok");
	json_bool(&j, "oam", true);
	json_bool(&j, "critical", false);
	json_null(&j, "name");
	json_str(&j, "nul", NULL);
	json_i64(&j, "neg", -5);
	json_hex(&j, "data", hex, sizeof(hex));
	json_mac(&j, "src", mac);
	json_ip(&j, "ip", 4, ip);
	json_obj_close(&j);
	ck_assert_str_eq(sbuf_str(&sb),
		"{\"schema\":1,\"status\":\"ok\",\"oam\":true,\"critical\":false,"
		"\"name\":null,\"nul\":null,\"neg\":-5,\"data\":\"00abff\","
		"\"src\":\"02:00:00:00:00:01\",\"ip\":\"10.0.0.1\"}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(nesting)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;
	static const uint8_t ip6[16] = { 0xfd, [15] = 2 };

	json_init(&j, &sb, false);
	json_obj_open(&j, NULL);
	json_arr_open(&j, "errors");
	json_arr_close(&j);
	json_obj_open(&j, "geneve");
	json_obj_close(&j);
	json_arr_open(&j, "options");
	for (int i = 0; i < 2; i++) {
		json_obj_open(&j, NULL);
		json_u64(&j, "class", 0x102);
		json_arr_open(&j, "labels");
		json_u64(&j, NULL, 1);
		json_u64(&j, NULL, 2);
		json_arr_close(&j);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_key(&j, "inner");
	json_obj_open(&j, NULL);
	json_ip(&j, "dst", 6, ip6);
	json_obj_close(&j);
	json_obj_close(&j);
	ck_assert_str_eq(sbuf_str(&sb),
		"{\"errors\":[],\"geneve\":{},\"options\":[{\"class\":258,\"labels\":[1,2]},"
		"{\"class\":258,\"labels\":[1,2]}],\"inner\":{\"dst\":\"fd00::2\"}}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(key_then_scalar)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;

	json_init(&j, &sb, false);
	json_obj_open(&j, NULL);
	json_u64(&j, "a", 1);
	json_key(&j, "b");
	json_str(&j, NULL, "x");
	json_key(&j, "c");
	json_arr_open(&j, NULL);
	json_arr_close(&j);
	json_obj_close(&j);
	ck_assert_str_eq(sbuf_str(&sb), "{\"a\":1,\"b\":\"x\",\"c\":[]}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(escaping)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;

	json_init(&j, &sb, false);
	json_obj_open(&j, NULL);
	json_str(&j, "q\"k", "a\"b\\c\nd\te\x01\x1f\x7f\xc3\xa9");
	json_obj_close(&j);
	ck_assert_str_eq(sbuf_str(&sb),
		"{\"q\\\"k\":\"a\\\"b\\\\c\\nd\\u0009e\\u0001\\u001f\\u007f\\u00c3\\u00a9\"}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(numbers)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;

	json_init(&j, &sb, false);
	json_arr_open(&j, NULL);
	json_u64(&j, NULL, 0);
	json_u64(&j, NULL, UINT64_MAX);
	json_i64(&j, NULL, 0);
	json_i64(&j, NULL, INT64_MAX);
	json_i64(&j, NULL, INT64_MIN);
	json_dbl(&j, NULL, 1.5);
	json_dbl(&j, NULL, 0.25);
	json_dbl(&j, NULL, 1e7);
	json_dbl(&j, NULL, NAN);
	json_dbl(&j, NULL, INFINITY);
	json_dbl(&j, NULL, -INFINITY);
	json_arr_close(&j);
	ck_assert_str_eq(sbuf_str(&sb),
		"[0,18446744073709551615,0,9223372036854775807,-9223372036854775808,"
		"1.5,0.25,1e+07,null,null,null]");
	sbuf_free(&sb);
}
END_TEST

START_TEST(pretty)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;

	json_init(&j, &sb, true);
	json_obj_open(&j, NULL);
	json_u64(&j, "schema", 1);
	json_arr_open(&j, "errors");
	json_arr_close(&j);
	json_obj_open(&j, "udp");
	json_u64(&j, "sport", 5);
	json_str(&j, "csum", "ok");
	json_obj_close(&j);
	json_arr_open(&j, "l");
	json_u64(&j, NULL, 1);
	json_arr_close(&j);
	json_obj_close(&j);
	ck_assert_str_eq(sbuf_str(&sb),
		"{\n"
		"  \"schema\": 1,\n"
		"  \"errors\": [],\n"
		"  \"udp\": {\n"
		"    \"sport\": 5,\n"
		"    \"csum\": \"ok\"\n"
		"  },\n"
		"  \"l\": [\n"
		"    1\n"
		"  ]\n"
		"}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(reuse_per_line)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;

	for (int i = 0; i < 3; i++) {
		sbuf_reset(&sb);
		json_init(&j, &sb, false);
		json_obj_open(&j, NULL);
		json_u64(&j, "frame", (uint64_t)i + 1);
		json_obj_close(&j);
	}
	ck_assert_str_eq(sbuf_str(&sb), "{\"frame\":3}");
	ck_assert_int_eq(j.depth, 0);
	sbuf_free(&sb);
}
END_TEST

START_TEST(deep_nesting_bounded)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;

	/* deeper than JSON_MAX_DEPTH must not write out of bounds */
	json_init(&j, &sb, true);
	for (int i = 0; i < JSON_MAX_DEPTH + 8; i++)
		json_arr_open(&j, NULL);
	ck_assert_int_lt(j.depth, JSON_MAX_DEPTH);
	for (int i = 0; i < JSON_MAX_DEPTH + 8; i++)
		json_arr_close(&j);
	ck_assert_int_eq(j.depth, 0);
	sbuf_free(&sb);
}
END_TEST

Suite *json_suite(void)
{
	Suite *s = suite_create("json");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, flat_object);
	tcase_add_test(tc, nesting);
	tcase_add_test(tc, key_then_scalar);
	tcase_add_test(tc, escaping);
	tcase_add_test(tc, numbers);
	tcase_add_test(tc, pretty);
	tcase_add_test(tc, reuse_per_line);
	tcase_add_test(tc, deep_nesting_bounded);
	suite_add_tcase(s, tc);
	return s;
}
