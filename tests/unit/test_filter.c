/* SPDX-License-Identifier: MIT */
/* libcore/filter.h: genv terms, libpcap parts, and how they are split. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/filter.h"
#include "pktgen.h"

Suite *filter_suite(void);

static const uint8_t ovn_data[4] = { 0x00, 0x01, 0x00, 0x0a };

/* eth / ipv4 / udp / geneve (flags, vni) [ovn] / eth / ipv4 / tcp 40000->80 */
static void frame(struct pg *g, uint8_t flags, uint32_t vni, bool ovn)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, 50000, 6081);
	pg_geneve(g, flags, 0x6558, vni);
	if (ovn)
		pg_gopt(g, 0x0102, 0x80, ovn_data, 4);
	pg_eth(g, 0x0800);
	pg_ip4(g, 6);
	pg_tcp(g, 40000, 80, 0x02);
	pg_finish(g);
}

/* Parse, compile for Ethernet, match g's frame. */
static bool matches(const char *expr, const struct pg *g)
{
	struct gnv_filter *f;
	struct gnv_pkt pk;
	struct pcap_pkthdr h;
	char err[256];
	bool m;

	ck_assert_msg(gnv_filter_parse(expr, &f, err, sizeof(err)) == 0, "%s: %s", expr, err);
	ck_assert_msg(gnv_filter_compile(f, DLT_EN10MB, 65535, err, sizeof(err)) == 0,
		      "%s: %s", expr, err);
	pg_decode(g, &pk);
	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)g->n;
	m = gnv_filter_match(f, &pk, &h, g->b);
	gnv_filter_free(f);
	return m;
}

#define ck_match(e, g)	ck_assert_msg(matches((e), (g)), "'%s' should match", (e))
#define ck_nomatch(e, g) ck_assert_msg(!matches((e), (g)), "'%s' should not match", (e))

START_TEST(genv_terms)
{
	struct pg g;

	frame(&g, 0x40, 100, true);
	ck_match("vni 100", &g);
	ck_match("vni 0x64", &g);
	ck_nomatch("vni 101", &g);
	ck_match("opt 0x0102", &g);
	ck_match("opt 0x0102:0x80", &g);
	ck_match("opt 258:128", &g);
	ck_nomatch("opt 0x0102:0x00", &g);
	ck_nomatch("opt 0x0101", &g);
	ck_match("critical", &g);
	ck_nomatch("oam", &g);
	ck_match("inner host 10.200.0.1", &g);
	ck_nomatch("inner host 10.0.0.9", &g);
	ck_nomatch("inner host fd00::1", &g);
	ck_match("inner port 80", &g);
	ck_match("inner port 40000", &g);
	ck_nomatch("inner port 6081", &g);
	ck_nomatch("malformed", &g);
	ck_nomatch("error geneve.critical_without_c", &g);

	frame(&g, 0x80, 7, true);	/* O bit, critical option, no C bit */
	ck_match("oam", &g);
	ck_match("critical", &g);
	ck_match("malformed", &g);
	ck_match("error geneve.critical_without_c", &g);

	frame(&g, 0, 7, false);
	ck_nomatch("critical", &g);
	ck_nomatch("opt 0x0102", &g);
}
END_TEST

START_TEST(inner_ipv6)
{
	struct pg g;

	pg_std6(&g);
	ck_match("inner host fd00::2", &g);
	ck_match("inner host FD00:0::2", &g);
	ck_nomatch("inner host 10.200.0.2", &g);
}
END_TEST

START_TEST(boolean)
{
	struct pg g;

	frame(&g, 0x40, 100, true);
	ck_match("vni 1 or vni 100", &g);
	ck_nomatch("vni 1 and vni 100", &g);
	ck_match("not vni 1", &g);
	ck_match("! vni 1 && critical", &g);
	ck_match("!vni 1", &g);
	ck_match("vni 1 || (critical && not oam)", &g);
	/* libpcap's rule: and/or have one precedence, left to right */
	ck_nomatch("vni 100 or vni 1 and oam", &g);	/* (100 or 1) and oam */
	ck_match("oam and vni 1 or vni 100", &g);	/* (oam and 1) or 100 */
	ck_match("((vni 100))", &g);
	ck_match("", &g);
	ck_match("   ", &g);
}
END_TEST

START_TEST(pcap_parts)
{
	struct pg g;
	struct gnv_filter *f;
	char err[256];

	frame(&g, 0x40, 100, true);
	ck_match("udp and vni 100", &g);
	ck_nomatch("tcp and vni 100", &g);
	ck_match("udp dst port 6081 and inner port 80", &g);
	ck_match("src host 10.200.0.1 and dst host 10.200.0.2 and critical", &g);
	ck_match("host 10.200.0.1 or vni 5", &g);
	ck_nomatch("host 10.9.9.9 or vni 5", &g);
	ck_match("(udp or tcp) and not (vni 5 or icmp)", &g);
	ck_match("geneve and tcp", &g);		/* pure libpcap: inner TCP */
	ck_match("ip[9] = 17 and vni 100", &g);
	ck_match("udp[2:2] != 53 and vni 100", &g);

	/* the split and the capture filter */
	ck_assert_int_eq(gnv_filter_parse("udp port 6081 and vni 5", &f, err, sizeof(err)), 0);
	ck_assert(gnv_filter_has_pcap(f));
	ck_assert(gnv_filter_has_genv(f));
	ck_assert_str_eq(gnv_filter_capture(f), "udp port 6081");
	gnv_filter_free(f);

	ck_assert_int_eq(gnv_filter_parse("host 1.2.3.4 or 5.6.7.8", &f, err, sizeof(err)), 0);
	ck_assert(!gnv_filter_has_genv(f));
	ck_assert_str_eq(gnv_filter_capture(f), "host 1.2.3.4 or 5.6.7.8");
	gnv_filter_free(f);

	ck_assert_int_eq(gnv_filter_parse("udp and (tcp or icmp) and vni 1 and host 1.2.3.4", &f, err, sizeof(err)), 0);
	ck_assert_str_eq(gnv_filter_capture(f), "(udp and (tcp or icmp)) and (host 1.2.3.4)");
	gnv_filter_free(f);

	ck_assert_int_eq(gnv_filter_parse("udp or vni 1", &f, err, sizeof(err)), 0);
	ck_assert_ptr_null(gnv_filter_capture(f));
	gnv_filter_free(f);

	ck_assert_int_eq(gnv_filter_parse("not (udp and vni 1)", &f, err, sizeof(err)), 0);
	ck_assert_ptr_null(gnv_filter_capture(f));
	gnv_filter_free(f);

	ck_assert_int_eq(gnv_filter_parse("vni 1 and oam", &f, err, sizeof(err)), 0);
	ck_assert(!gnv_filter_has_pcap(f));
	ck_assert_ptr_null(gnv_filter_capture(f));
	gnv_filter_free(f);

	/* a libpcap error names the part */
	ck_assert_int_eq(gnv_filter_parse("udp portt 5 and vni 1", &f, err, sizeof(err)), 0);
	ck_assert_int_ne(gnv_filter_compile(f, DLT_EN10MB, 65535, err, sizeof(err)), 0);
	ck_assert_msg(!strncmp(err, "'udp portt 5': ", 15), "%s", err);
	gnv_filter_free(f);
}
END_TEST

START_TEST(not_geneve)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 6081, 53);
	pg_fill(&g, 0, 12);
	pg_finish(&g);
	ck_nomatch("vni 0", &g);
	ck_nomatch("inner port 53", &g);
	ck_nomatch("opt 0", &g);
	ck_match("not vni 0 and udp src port 6081", &g);
}
END_TEST

START_TEST(errors)
{
	static const struct { const char *expr, *msg; } bad[] = {
		{ "vni", "'vni' needs a value" },
		{ "vni x", "vni: 'x' is not a number" },
		{ "vni 16777216", "vni: '16777216' is out of range (0-16777215)" },
		{ "vni -1", "vni: '-1' is not a number" },
		{ "opt", "'opt' needs CLASS[:TYPE]" },
		{ "opt 0x10000", "opt: '0x10000' is not an option class (0-0xffff)" },
		{ "opt 1:256", "opt: '256' is not an option type (0-0xff)" },
		{ "opt 1:", "opt: '' is not an option type (0-0xff)" },
		{ "inner", "'inner' must be followed by 'host' or 'port', not 'end of filter'" },
		{ "inner foo 1", "'inner' must be followed by 'host' or 'port', not 'foo'" },
		{ "inner host", "inner host: 'end of filter' is not an IPv4 or IPv6 address" },
		{ "inner host 1.2.3", "inner host: '1.2.3' is not an IPv4 or IPv6 address" },
		{ "inner port 65536", "inner port: '65536' is out of range (0-65535)" },
		{ "error", "'error' needs an error code (e.g. geneve.opt_len)" },
		{ "error nope", "error: 'nope' is not an error code (see genv-decode(1), ERRORS)" },
		{ "(vni 1", "missing ')'" },
		{ "vni 1)", "unexpected ')'" },
		{ "vni 1 vni 2", "unexpected 'vni'" },
		{ "udp vni 1", "'vni' must be joined to what precedes it with 'and' or 'or'" },
		{ "vni 1 and", "expected a filter term before 'end of filter'" },
		{ "and vni 1", "expected a filter term before 'and'" },
		{ "not", "expected a filter term before 'end of filter'" },
		{ "()", "expected a filter term before ')'" },
	};
	struct gnv_filter *f;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		f = (struct gnv_filter *)1;
		ck_assert_msg(gnv_filter_parse(bad[i].expr, &f, err, sizeof(err)) == -EINVAL,
			      "'%s' parsed", bad[i].expr);
		ck_assert_ptr_null(f);
		ck_assert_msg(!strcmp(err, bad[i].msg), "'%s': got '%s', want '%s'",
			      bad[i].expr, err, bad[i].msg);
	}
}
END_TEST

START_TEST(deep_nesting)
{
	char expr[600];
	struct gnv_filter *f;
	char err[256];
	size_t n = 0;

	for (int i = 0; i < 200; i++)
		expr[n++] = '(';
	memcpy(expr + n, "vni 1", 5);
	n += 5;
	for (int i = 0; i < 200; i++)
		expr[n++] = ')';
	expr[n] = 0;
	ck_assert_int_eq(gnv_filter_parse(expr, &f, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "filter nested too deeply");
}
END_TEST

Suite *filter_suite(void)
{
	Suite *s = suite_create("filter");
	TCase *tc = tcase_create("filter");

	tcase_add_test(tc, genv_terms);
	tcase_add_test(tc, inner_ipv6);
	tcase_add_test(tc, boolean);
	tcase_add_test(tc, pcap_parts);
	tcase_add_test(tc, not_geneve);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, deep_nesting);
	suite_add_tcase(s, tc);
	return s;
}
