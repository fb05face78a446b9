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
	/* not > and > or */
	ck_match("vni 100 or vni 1 and oam", &g);	/* 100 or (1 and oam) */
	ck_match("oam and vni 1 or vni 100", &g);	/* (oam and 1) or 100 */
	ck_nomatch("(vni 100 or vni 1) and oam", &g);
	ck_nomatch("not vni 100 or vni 1", &g);	/* (not 100) or 1 */
	ck_match("!(vni 100 && oam) && critical", &g);
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

START_TEST(new_terms)
{
	struct pg g;

	frame(&g, 0x40, 150, true);
	ck_match("vni 100-200", &g);
	ck_match("vni 1,5,140-160", &g);
	ck_nomatch("vni 1,5,151-160", &g);
	ck_match("vni 150-150", &g);
	ck_match("inner src host 10.200.0.1", &g);
	ck_nomatch("inner dst host 10.200.0.1", &g);
	ck_match("inner net 10.200.0.0/16", &g);
	ck_match("inner dst net 10.200.0.2/31", &g);
	ck_nomatch("inner net 10.201.0.0/16", &g);
	ck_match("inner net 10.200.0.1", &g);
	ck_nomatch("inner net fd00::/8", &g);
	ck_match("inner net 0.0.0.0/0", &g);
	ck_match("inner src port 40000", &g);
	ck_nomatch("inner src port 80", &g);
	ck_match("inner dst port 1-100", &g);
	ck_match("inner port 1,2,80", &g);
	ck_match("inner tcp", &g);
	ck_nomatch("inner udp", &g);
	ck_nomatch("inner icmp or inner icmp6", &g);
	ck_match("inner tcp flags S", &g);
	ck_match("inner tcp flags syn", &g);
	ck_match("inner tcp flags S/SA", &g);
	ck_nomatch("inner tcp flags SA", &g);
	ck_nomatch("inner tcp flags A/SA", &g);
	ck_match("inner tcp flags syn,ack/SA or inner tcp flags S/SAFR", &g);
	ck_match("inner ether host 02:00:00:00:00:01", &g);
	ck_match("inner ether src 02:00:00:00:00:01", &g);
	ck_nomatch("inner ether dst 02:00:00:00:00:01", &g);
	ck_match("inner ether dst host 02:00:00:00:00:02", &g);
	ck_match("opt ovn", &g);
	ck_nomatch("opt gcp.vnid", &g);
	ck_match("ovn.out == 10", &g);
	ck_match("ovn.in == 1", &g);
	ck_nomatch("ovn.out != 10", &g);
	ck_match("ovn.out < 11 and ovn.out <= 10 and ovn.out > 9 and ovn.out >= 10", &g);
	ck_nomatch("ovn.out < 10 or ovn.out > 10", &g);
	ck_nomatch("ovn.out == 10.0.0.1", &g);	/* an address never equals a number */
	ck_match("outer sport 50000", &g);
	ck_match("outer dport 6081", &g);
	ck_nomatch("outer dport 50000", &g);
	ck_match("outer port 6000-7000", &g);
	ck_match("outer host 10.200.0.2", &g);
	ck_match("outer src net 10.200.0.0/24", &g);
	ck_match("udp and outer dport 6081 and (inner tcp && !inner udp)", &g);

	frame(&g, 0, 7, false);
	ck_nomatch("opt ovn", &g);
	ck_nomatch("ovn.out == 10", &g);
	ck_nomatch("vni 100-200", &g);
}
END_TEST

START_TEST(new_terms_v6)
{
	struct pg g;

	pg_std6(&g);
	ck_match("inner net fd00::/16", &g);
	ck_match("inner src host fd00::1 and inner dst host fd00::2", &g);
	ck_nomatch("inner net fd01::/16", &g);
	ck_nomatch("inner net 10.0.0.0/8", &g);
	ck_match("inner tcp flags S", &g);
}
END_TEST

/* Folded libpcap parts keep genv's grouping. */
START_TEST(pcap_grouping)
{
	struct pg g;
	struct gnv_filter *f;
	char err[256];

	frame(&g, 0x40, 100, true);
	ck_match("(tcp or udp and udp) and vni 100", &g);	/* libpcap alone: (tcp or udp) and udp */
	ck_match("(udp or tcp and tcp) and vni 100", &g);
	ck_nomatch("(tcp or icmp and udp) and vni 100", &g);
	ck_assert_int_eq(gnv_filter_parse("(tcp or udp and icmp) and vni 1", &f, err, sizeof(err)), 0);
	ck_assert_str_eq(gnv_filter_capture(f), "tcp or (udp and icmp)");
	gnv_filter_free(f);
	ck_assert_int_eq(gnv_filter_parse("(not (tcp or udp) and not icmp) and vni 1", &f, err, sizeof(err)), 0);
	ck_assert_str_eq(gnv_filter_capture(f), "not (tcp or udp) and not icmp");
	gnv_filter_free(f);
	ck_assert_int_eq(gnv_filter_parse("((tcp or udp) and icmp) and vni 1", &f, err, sizeof(err)), 0);
	ck_assert_str_eq(gnv_filter_capture(f), "(tcp or udp) and icmp");
	gnv_filter_free(f);
	/* a libpcap error suggests a close genv keyword */
	ck_assert_int_eq(gnv_filter_parse("vin 5 and vni 1", &f, err, sizeof(err)), 0);
	ck_assert_int_ne(gnv_filter_compile(f, DLT_EN10MB, 65535, err, sizeof(err)), 0);
	ck_assert_msg(strstr(err, "(did you mean 'vni'?)"), "%s", err);
	gnv_filter_free(f);
}
END_TEST

START_TEST(caret)
{
	char buf[64];

	gnv_filter_caret("vni x", 4, buf, sizeof(buf));
	ck_assert_str_eq(buf, "  vni x\n      ^");
	gnv_filter_caret("a\tb", 99, buf, sizeof(buf));
	ck_assert_str_eq(buf, "  a b\n     ^");
	gnv_filter_caret("abcdef", 3, buf, 6);
	ck_assert_str_eq(buf, "  abc");
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
	static const struct { const char *expr, *msg; size_t pos; } bad[] = {
		{ "vni", "'vni' needs a value", 3 },
		{ "vni x", "vni: 'x' is not a number", 4 },
		{ "vni 16777216", "vni: '16777216' is out of range (0-16777215)", 4 },
		{ "vni -1", "vni: '-1' is not a number", 4 },
		{ "vni 5-", "vni: '' is not a number", 4 },
		{ "vni 5-x", "vni: 'x' is not a number", 4 },
		{ "vni 7-5", "vni: range '7-5' ends before it starts", 4 },
		{ "vni 1,,2", "vni: '' is not a number", 4 },
		{ "vni 1,2,3,4,5,6,7,8,9", "vni: at most 8 values or ranges", 4 },
		{ "opt", "'opt' needs CLASS[:TYPE] or an option name", 3 },
		{ "opt 0x10000", "opt: '0x10000' is not an option class (0-0xffff) or name", 4 },
		{ "opt ovm", "opt: 'ovm' is not an option class or name (did you mean 'ovn'?)", 4 },
		{ "opt 1:256", "opt: '256' is not an option type (0-0xff)", 4 },
		{ "opt 1:", "opt: '' is not an option type (0-0xff)", 4 },
		{ "inner", "'inner' must be followed by host, net, port, tcp, udp, icmp, icmp6 or ether, not 'end of filter'", 5 },
		{ "inner foo 1", "'inner' must be followed by host, net, port, tcp, udp, icmp, icmp6 or ether, not 'foo'", 6 },
		{ "vni 1 and inner hots 1.2.3.4", "'inner' must be followed by host, net, port, tcp, udp, icmp, icmp6 or ether, not 'hots' (did you mean 'host'?)", 16 },
		{ "outer sprt 5", "'outer' must be followed by host, net, port, sport or dport, not 'sprt' (did you mean 'sport'?)", 6 },
		{ "outer tcp", "'outer' must be followed by host, net, port, sport or dport, not 'tcp'", 6 },
		{ "inner src hots 1.2.3.4", "'src' must be followed by 'host', 'net' or 'port', not 'hots' (did you mean 'host'?)", 10 },
		{ "inner dst tcp", "'dst' must be followed by 'host', 'net' or 'port', not 'tcp'", 10 },
		{ "inner host", "inner host: 'end of filter' is not an IPv4 or IPv6 address", 10 },
		{ "inner host 1.2.3", "inner host: '1.2.3' is not an IPv4 or IPv6 address", 11 },
		{ "outer host x", "outer host: 'x' is not an IPv4 or IPv6 address", 11 },
		{ "inner net 1.2.3.0/33", "prefix length: '33' is out of range (0-32)", 10 },
		{ "inner net fd00::/129", "prefix length: '129' is out of range (0-128)", 10 },
		{ "inner net 1.2.3/8", "inner net: '1.2.3' is not an IPv4 or IPv6 prefix", 10 },
		{ "inner port 65536", "inner port: '65536' is out of range (0-65535)", 11 },
		{ "inner port", "'inner port' needs a value", 10 },
		{ "outer dport x", "outer dport: 'x' is not a number", 12 },
		{ "outer sport", "'outer sport' needs a value", 11 },
		{ "inner tcp flags", "'flags' needs TCP flags (e.g. S, SA, S/SA, syn,ack)", 15 },
		{ "inner tcp flags X", "flags: 'X' is not TCP flags (letters FSRPAUEC or names fin,syn,rst,psh,ack,urg,ece,cwr)", 16 },
		{ "inner tcp flags S/", "flags: 'S/' is not TCP flags (letters FSRPAUEC or names fin,syn,rst,psh,ack,urg,ece,cwr)", 16 },
		{ "inner tcp flags syn,", "flags: 'syn,' is not TCP flags (letters FSRPAUEC or names fin,syn,rst,psh,ack,urg,ece,cwr)", 16 },
		{ "inner tcp flags SA/A", "flags: 'SA/A' sets flags outside the mask", 16 },
		{ "inner ether 02:00:00:00:00", "inner ether: '02:00:00:00:00' is not a MAC address", 12 },
		{ "inner ether src", "inner ether: 'end of filter' is not a MAC address", 15 },
		{ "ovn.ot == 1", "'ovn.ot': option 'ovn' has no field 'ot' (see genv-options(7))", 0 },
		{ "ovn.out", "'ovn.out' needs a comparison (== != < <= > >=), not 'end of filter'", 7 },
		{ "ovn.out = 1", "'ovn.out' needs a comparison (== != < <= > >=), not '='", 8 },
		{ "ovn.out ==", "'==' needs a value", 10 },
		{ "ovn.out < 10.0.0.1", "'10.0.0.1' compares only with == or !=", 10 },
		{ "qos.class > premium", "'premium' compares only with == or !=", 12 },
		{ "ovn.out == a_very_long_name_of_no_enum", "'a_very_long_name_of_no_enum' is not a number, address or name", 11 },
		{ "error", "'error' needs an error code (e.g. geneve.opt_len)", 5 },
		{ "error nope", "error: 'nope' is not an error code (see genv-decode(1), ERRORS)", 6 },
		{ "(vni 1", "missing ')'", 6 },
		{ "vni 1)", "unexpected ')'", 5 },
		{ "vni 1 vni 2", "unexpected 'vni'", 6 },
		{ "udp vni 1", "'vni' must be joined to what precedes it with 'and' or 'or'", 4 },
		{ "vni 1 and", "expected a filter term before 'end of filter'", 9 },
		{ "and vni 1", "expected a filter term before 'and'", 0 },
		{ "not", "expected a filter term before 'end of filter'", 3 },
		{ "()", "expected a filter term before ')'", 1 },
	};
	struct gnv_filter *f;
	char err[256];

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		size_t pos = 999;

		f = (struct gnv_filter *)1;
		ck_assert_msg(gnv_filter_parse_at(bad[i].expr, &f, err, sizeof(err), &pos) == -EINVAL,
			      "'%s' parsed", bad[i].expr);
		ck_assert_ptr_null(f);
		ck_assert_msg(!strcmp(err, bad[i].msg), "'%s': got '%s', want '%s'",
			      bad[i].expr, err, bad[i].msg);
		ck_assert_msg(pos == bad[i].pos, "'%s': position %zu, want %zu",
			      bad[i].expr, pos, bad[i].pos);
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
	tcase_add_test(tc, new_terms);
	tcase_add_test(tc, new_terms_v6);
	tcase_add_test(tc, pcap_grouping);
	tcase_add_test(tc, caret);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, deep_nesting);
	suite_add_tcase(s, tc);
	return s;
}
