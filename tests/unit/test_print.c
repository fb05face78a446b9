/* SPDX-License-Identifier: MIT */
/* libcore/print.h: the one-line, field-by-field and JSON renderers. */
#include <check.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/print.h"
#include "pktgen.h"

Suite *print_suite(void);

static const uint8_t ovn_data[4] = { 0x00, 0x01, 0x00, 0x0a };

static struct gnv_frame frame_at(uint64_t num, int64_t sec, uint32_t usec)
{
	struct gnv_frame fr = { num, true, sec, usec, 6, NULL, NULL };

	return fr;
}

/* Render pk in one of the formats into a static string. */
static const char *render(const struct gnv_pkt *pk, char kind, bool color)
{
	static struct sbuf sb;
	struct gnv_printer pr;
	struct gnv_frame fr = frame_at(7, 1422828273, 999279);

	sbuf_reset(&sb);
	gnv_printer_init(&pr, color, kind == 'p');
	if (kind == 'l')
		gnv_print_line(&pr, &sb, pk, &fr);
	else if (kind == 'f')
		gnv_print_fields(&pr, &sb, pk);
	else
		gnv_print_json(&pr, &sb, pk, &fr);
	return sbuf_str(&sb);
}

#define ck_has(s, sub) ck_assert_msg(strstr((s), (sub)) != NULL, "'%s' not in '%s'", (sub), (s))
#define ck_hasnt(s, sub) ck_assert_msg(strstr((s), (sub)) == NULL, "'%s' in '%s'", (sub), (s))

static void std_with_ovn(struct pg *g, uint8_t flags)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, 50000, 6081);
	pg_geneve(g, flags, 0x6558, 100);
	pg_gopt(g, 0x0102, 0x80, ovn_data, 4);
	pg_eth(g, 0x0800);
	pg_ip4(g, 6);
	pg_tcp(g, 40000, 80, 0x12);
	pg_finish(g);
}

START_TEST(time_format)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_printer pr;
	struct gnv_frame fr = frame_at(1, 1422828273, 999279);

	gnv_printer_init(&pr, false, false);
	gnv_print_time(&pr, &sb, &fr);
	ck_assert_str_eq(sbuf_str(&sb), "2015-02-01 22:04:33.999279");
	sbuf_reset(&sb);
	fr = frame_at(1, 0, 0);
	gnv_print_time(&pr, &sb, &fr);
	ck_assert_str_eq(sbuf_str(&sb), "1970-01-01 00:00:00.000000");
	sbuf_reset(&sb);
	fr = frame_at(1, 951782400 - 1, 5);	/* the second before 2000-02-29 */
	gnv_print_time(&pr, &sb, &fr);
	ck_assert_str_eq(sbuf_str(&sb), "2000-02-28 23:59:59.000005");
	sbuf_reset(&sb);
	fr = frame_at(1, 951782400 + 86399, 0);
	gnv_print_time(&pr, &sb, &fr);
	ck_assert_str_eq(sbuf_str(&sb), "2000-02-29 23:59:59.000000");
	sbuf_reset(&sb);
	fr.frac = 123456789;
	fr.frac_digits = 9;
	gnv_print_time(&pr, &sb, &fr);
	ck_assert_str_eq(sbuf_str(&sb), "2000-02-29 23:59:59.123456789");
	sbuf_reset(&sb);
	fr.has_ts = false;
	gnv_print_time(&pr, &sb, &fr);
	ck_assert_str_eq(sbuf_str(&sb), "");
	sbuf_free(&sb);
}
END_TEST

START_TEST(line_std)
{
	struct pg g;
	struct gnv_pkt pk;
	const char *s;
	char want[64];

	pg_std(&g);
	pg_decode(&g, &pk);
	s = render(&pk, 'l', false);
	ck_assert_msg(strstr(s, "    7 2015-02-01 22:04:33.999279 10.200.0.1.50000 > 10.200.0.2.6081: Geneve vni 100: ") == s, "%s", s);
	ck_has(s, ".40000 > ");
	ck_has(s, ".80 TCP [S] payload 16, length ");
	snprintf(want, sizeof(want), ", length %zu\n", g.n);
	ck_assert_str_eq(s + strlen(s) - strlen(want), want);
	ck_hasnt(s, "[!");
	ck_hasnt(s, "\033");
	ck_assert_int_eq(strchr(s, '\n') - s, (long)strlen(s) - 1);
}
END_TEST

START_TEST(line_options_and_flags)
{
	struct pg g;
	struct gnv_pkt pk;
	const char *s;

	std_with_ovn(&g, 0x40);
	pg_decode(&g, &pk);
	s = render(&pk, 'l', false);
	ck_has(s, "Geneve vni 100 [C] opts [ovn(C) in=1 out=10]: ");
	ck_has(s, "TCP [S.]");
	ck_hasnt(s, "[!");
	/* without the C bit: the error marker */
	std_with_ovn(&g, 0x80);
	pg_decode(&g, &pk);
	s = render(&pk, 'l', false);
	ck_has(s, "vni 100 [O] opts [ovn(C)");
	ck_has(s, " [!geneve.critical_without_c]\n");
}
END_TEST

START_TEST(line_unknown_option)
{
	struct pg g;
	struct gnv_pkt pk;
	const uint8_t d[4] = { 1, 2, 3, 4 };

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x0800, 0xffffff);
	pg_gopt(&g, 0x7777, 0x01, d, 4);
	pg_gopt(&g, 0xffa7, 0x01, d, 4);	/* genv label in the default class */
	pg_ip4(&g, 1);
	pg_icmp(&g, 8, 9, 10);
	pg_finish(&g);
	pg_decode(&g, &pk);
	ck_has(render(&pk, 'l', false),
	       "vni 16777215 opts [Unassigned:0x01 len 4, label labels=16909060]: ");
	ck_has(render(&pk, 'l', false), " ICMP echo request id 9 seq 10, length ");
}
END_TEST

START_TEST(line_errors_and_color)
{
	struct pg g;
	struct gnv_pkt pk;
	size_t udp;
	const char *s;

	pg_std(&g);
	udp = pg_off(&g, PG_UDP, 0);
	g.b[udp + 6] ^= 0x01;	/* break the UDP checksum */
	pg_decode(&g, &pk);
	s = render(&pk, 'l', false);
	ck_has(s, " [!udp.checksum]\n");
	s = render(&pk, 'l', true);
	ck_has(s, "vni \033[1;36m100\033[0m");
	ck_has(s, "\033[1;31m[!udp.checksum]\033[0m");
	s = render(&pk, 'f', false);
	ck_has(s, "  error udp.checksum at offset 40: UDP checksum incorrect\n");
	ck_has(s, "csum 0x");
	ck_has(s, " (bad)");
	/* inner errors carry the prefix */
	pg_std(&g);
	g.b[pg_off(&g, PG_TCP, 0) + 16] ^= 0x01;
	pg_decode(&g, &pk);
	ck_has(render(&pk, 'l', false), " [!inner.tcp.checksum]\n");
	ck_has(render(&pk, 'f', false), "  error inner.tcp.checksum at offset");
}
END_TEST

START_TEST(line_not_geneve)
{
	struct pg g;
	struct gnv_pkt pk;

	pg_init(&g);
	pg_eth(&g, 0x0806);
	pg_arp(&g, 1);
	pg_finish(&g);
	pg_decode(&g, &pk);
	ck_has(render(&pk, 'l', false), "ARP who-has 10.200.0.2 tell 10.200.0.1, length ");
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 6081, 53);	/* from the Geneve port: not Geneve */
	pg_fill(&g, 0, 12);
	pg_finish(&g);
	pg_decode(&g, &pk);
	ck_has(render(&pk, 'l', false), "10.200.0.1.6081 > 10.200.0.2.53 UDP payload 12, length 54\n");
	ck_hasnt(render(&pk, 'l', false), "Geneve");
	ck_has(render(&pk, 'j', false), "\"geneve\":null,\"inner\":null}");
}
END_TEST

START_TEST(line_truncated)
{
	struct pg g;
	struct gnv_pkt pk;
	struct gnv_decode_cfg cfg;
	size_t cut[] = { 0, 10, 30, 38, 46, 52, 56, 60, 80, 100 };
	const char *want[] = { "frame, length", "frame, length", "type 0x0800, length",
		" UDP [|udp], length", "Geneve [|geneve], length", "Geneve vni 100 [C], length",
		"opts [ovn(C) len 4 [|opt]], length", "opts [ovn(C) in=1 out=10], length",
		"type 0x0800, length", " TCP [|tcp], length" };

	std_with_ovn(&g, 0x40);
	gnv_decode_cfg_default(&cfg);
	for (size_t i = 0; i < sizeof(cut) / sizeof(cut[0]); i++) {
		gnv_decode(&pk, g.b, (uint32_t)cut[i], (uint32_t)g.n, &cfg);
		ck_has(render(&pk, 'l', false), want[i]);
		ck_has(render(&pk, 'j', false), "\"status\":\"truncated\"");
		render(&pk, 'f', false);	/* must not read past caplen (ASan) */
	}
}
END_TEST

START_TEST(line_ipv6)
{
	struct pg g;
	struct gnv_pkt pk;
	const char *s;

	pg_std6(&g);
	pg_decode(&g, &pk);
	s = render(&pk, 'l', false);
	ck_has(s, "fd00::1.50000 > fd00::2.6081: Geneve vni 100: ");
	ck_has(render(&pk, 'j', false), "\"src\":\"fd00::1\"");
}
END_TEST

START_TEST(fields_view)
{
	struct pg g;
	struct gnv_pkt pk;
	const char *s;

	std_with_ovn(&g, 0x40);
	pg_decode(&g, &pk);
	s = render(&pk, 'f', false);
	ck_has(s, "  frame  caplen ");
	ck_has(s, "  outer eth    src 02:00:00:00:00:01");
	ck_has(s, "  outer ip4    src 10.200.0.1 dst 10.200.0.2 proto 17 ttl ");
	ck_has(s, "  outer udp    sport 50000 dport 6081 len ");
	ck_has(s, "  geneve  ver 0 opt_len 8 oam 0 critical 1 rsvd 0x00/0x00 proto 0x6558 (Ethernet) vni 100 (0x000064) options 1\n");
	ck_has(s, "    option 1 class 0x0102 (");
	ck_has(s, ") type 0x80 critical 1 len 4 rsvd 0 offset 50\n      data 0001000a\n");
	ck_has(s, "      name ovn (");
	ck_has(s, "): in=1 out=10\n");
	ck_has(s, "  inner tcp    sport 40000 dport 80 ");
	ck_has(s, "flags [S.]");
	ck_hasnt(s, "error");
}
END_TEST

START_TEST(json_line)
{
	struct pg g;
	struct gnv_pkt pk;
	const char *s;

	std_with_ovn(&g, 0x40);
	pg_decode(&g, &pk);
	s = render(&pk, 'j', false);
	ck_assert_msg(strstr(s, "{\"schema\":1,\"frame\":7,\"ts\":1422828273.999279,\"caplen\":") == s, "%s", s);
	ck_has(s, "\"status\":\"ok\",\"errors\":[],\"errors_truncated\":false,\"outer\":{\"eth\":{");
	ck_has(s, "\"udp\":{\"sport\":50000,\"dport\":6081,");
	ck_has(s, "\"csum\":\"ok\"}},\"geneve\":{\"version\":0,\"opt_len\":8,\"oam\":false,\"critical\":true,"
		  "\"proto\":25944,\"vni\":100,\"options\":[{\"class\":258,\"type\":128,\"critical\":true,"
		  "\"len\":4,\"data\":\"0001000a\",\"name\":\"ovn\",");
	ck_has(s, "\"fields\":{\"in\":1,\"out\":10}}]}");
	ck_has(s, "\"l4\":{\"proto\":6,\"sport\":40000,\"dport\":80,\"csum\":\"ok\",\"payload\":0,\"flags\":18,");
	ck_has(s, "\"icmp_type\":null,\"icmp_code\":null}}}\n");
	ck_hasnt(s, "\033");
	ck_assert_int_eq(strchr(s, '\n') - s, (long)strlen(s) - 1);
}
END_TEST

START_TEST(json_errors_and_pretty)
{
	struct pg g;
	struct gnv_pkt pk;
	struct sbuf sb = SBUF_INIT;
	struct gnv_printer pr;
	struct gnv_frame fr = { 1, false, 0, 0, 6, NULL, NULL };
	const char *s;

	std_with_ovn(&g, 0x00);
	pg_decode(&g, &pk);
	gnv_printer_init(&pr, true, false);	/* colour is never used in JSON */
	gnv_print_json(&pr, &sb, &pk, &fr);
	s = sbuf_str(&sb);
	ck_has(s, "\"ts\":null,");
	ck_has(s, "\"status\":\"invalid\",\"errors\":[{\"code\":\"geneve.critical_without_c\",\"offset\":43,");
	ck_has(s, "\"inner\":false}]");
	ck_hasnt(s, "\033");
	sbuf_reset(&sb);
	gnv_printer_init(&pr, false, true);
	gnv_print_json(&pr, &sb, &pk, &fr);
	s = sbuf_str(&sb);
	ck_assert_msg(strstr(s, "{\n  \"schema\": 1,\n  \"frame\": 1,\n  \"ts\": null,\n") == s, "%s", s);
	ck_has(s, "\n    \"udp\": {\n      \"sport\": 50000,\n");
	ck_has(s, "\"fields\": {\n");
	ck_assert_str_eq(s + strlen(s) - 3, "\n}\n");
	sbuf_free(&sb);
}
END_TEST

START_TEST(json_embed)
{
	struct pg g;
	struct gnv_pkt pk;
	struct sbuf sb = SBUF_INIT;
	struct json j;
	struct gnv_frame fr = frame_at(3, 5, 6);

	pg_std(&g);
	pg_decode(&g, &pk);
	json_init(&j, &sb, false);
	json_obj_open(&j, NULL);
	json_u64(&j, "hop", 1);
	gnv_json_pkt(&j, "packet", &pk, &fr);
	json_bool(&j, "last", true);
	json_obj_close(&j);
	ck_has(sbuf_str(&sb), "{\"hop\":1,\"packet\":{\"schema\":1,\"frame\":3,\"ts\":5.000006,");
	ck_has(sbuf_str(&sb), "}}},\"last\":true}");
	sbuf_free(&sb);
}
END_TEST

START_TEST(csum_names)
{
	ck_assert_str_eq(gnv_csum_state_name(GNV_CSUM_OK), "ok");
	ck_assert_str_eq(gnv_csum_state_name(GNV_CSUM_BAD), "bad");
	ck_assert_str_eq(gnv_csum_state_name(GNV_CSUM_ZERO), "zero");
	ck_assert_str_eq(gnv_csum_state_name(GNV_CSUM_UNVERIFIED), "unverified");
	ck_assert_str_eq(gnv_csum_state_name(GNV_CSUM_PARTIAL), "partial");
	ck_assert_ptr_null(gnv_csum_state_name(GNV_CSUM_NA));
}
END_TEST

/* Every prefix of a frame renders in every format without reading past it. */
START_TEST(all_prefixes)
{
	struct pg g;
	struct gnv_pkt pk;
	struct gnv_decode_cfg cfg;
	uint8_t copy[PG_MAX];

	std_with_ovn(&g, 0x40);
	gnv_decode_cfg_default(&cfg);
	for (size_t n = 0; n <= g.n; n++) {
		memcpy(copy, g.b, n);
		gnv_decode(&pk, copy, (uint32_t)n, (uint32_t)g.n, &cfg);
		render(&pk, 'l', false);
		render(&pk, 'f', true);
		render(&pk, 'j', false);
		render(&pk, 'p', false);
	}
}
END_TEST

/* Random corruption of a good frame: every renderer copes with any decode. */
START_TEST(mutations)
{
	struct pg g;
	struct gnv_pkt pk;
	struct gnv_decode_cfg cfg;
	uint8_t copy[PG_MAX];
	uint32_t x = 12345;

	std_with_ovn(&g, 0x40);
	gnv_decode_cfg_default(&cfg);
	for (int round = 0; round < 3000; round++) {
		memcpy(copy, g.b, g.n);
		for (int k = 0; k < 1 + round % 4; k++) {
			x = x * 1103515245u + 12345u;
			/* bias towards the headers, where the lengths are */
			copy[(x >> 8) % (round % 3 ? 80 : g.n)] = (uint8_t)(x >> 16);
		}
		x = x * 1103515245u + 12345u;
		gnv_decode(&pk, copy, (uint32_t)((x >> 8) % (g.n + 1)), (uint32_t)g.n, &cfg);
		render(&pk, 'l', round & 1);
		render(&pk, 'f', false);
		render(&pk, 'j', false);
	}
}
END_TEST

Suite *print_suite(void)
{
	Suite *s = suite_create("print");
	TCase *tc = tcase_create("print");

	tcase_add_test(tc, time_format);
	tcase_add_test(tc, line_std);
	tcase_add_test(tc, line_options_and_flags);
	tcase_add_test(tc, line_unknown_option);
	tcase_add_test(tc, line_errors_and_color);
	tcase_add_test(tc, line_not_geneve);
	tcase_add_test(tc, line_truncated);
	tcase_add_test(tc, line_ipv6);
	tcase_add_test(tc, fields_view);
	tcase_add_test(tc, json_line);
	tcase_add_test(tc, json_errors_and_pretty);
	tcase_add_test(tc, json_embed);
	tcase_add_test(tc, csum_names);
	tcase_add_test(tc, all_prefixes);
	tcase_add_test(tc, mutations);
	suite_add_tcase(s, tc);
	return s;
}
