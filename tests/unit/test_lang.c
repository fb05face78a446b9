/* SPDX-License-Identifier: MIT */
/* libcore/lang.h: the packet language -- parser, printer, decoded-packet
 * formatter and the craft -> decode -> format -> craft round trip. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/lang.h"
#include "../../libcore/num.h"
#include "../../libcore/sbuf.h"

Suite *lang_suite(void);

static struct gnv_spec spec, spec2;
static uint8_t b1[GNV_FRAME_MAX], b2[GNV_FRAME_MAX];
static char err[256];

static int parse(const char *text)
{
	gnv_spec_init(&spec, 0xffa7);
	return gnv_lang_parse(text, &spec, err, sizeof(err));
}

/* The parse fails and the message contains want. */
static void parse_fails(const char *text, const char *want)
{
	ck_assert_msg(parse(text) == -EINVAL, "'%s' parsed", text);
	ck_assert_msg(strstr(err, want) != NULL, "'%s': got '%s', want '%s'", text, err, want);
}

START_TEST(field_indexes_match_tables)
{
	static const struct { int kind; const char *name; int idx; } t[] = {
		{ LK_ETH, "type", F_ETH_TYPE }, { LK_VLAN, "tpid", F_VLAN_TPID },
		{ LK_VLAN, "type", F_VLAN_TYPE }, { LK_ARP, "plen", F_ARP_PLEN },
		{ LK_ARP, "sha", F_ARP_SHA }, { LK_IPV4, "len", F_IP4_LEN },
		{ LK_IPV4, "csum", F_IP4_CSUM }, { LK_IPV4, "opts", F_IP4_OPTS },
		{ LK_IPV4, "ihl", F_IP4_IHL }, { LK_IPV6, "plen", F_IP6_PLEN },
		{ LK_IPV6, "ext", F_IP6_EXT }, { LK_IPV6, "nh", F_IP6_NH },
		{ LK_UDP, "sport", F_UDP_SPORT }, { LK_UDP, "csum", F_UDP_CSUM },
		{ LK_TCP, "opts", F_TCP_OPTS }, { LK_TCP, "csum", F_TCP_CSUM },
		{ LK_TCP, "doff", F_TCP_DOFF }, { LK_ICMP, "csum", F_ICMP_CSUM },
		{ LK_ICMP6, "csum", F_ICMP_CSUM }, { LK_GENEVE, "critical", F_GNV_CRIT },
		{ LK_GENEVE, "optlen", F_GNV_OPTLEN }, { LK_GENEVE, "opt", F_GNV_OPT },
		{ LK_GENEVE, "opthex", F_GNV_OPTHEX }, { LK_PAYLOAD, "text", F_DATA_TEXT },
		{ LK_PAD, "hex", F_DATA_HEX }, { LK_PAD, "len", F_DATA_LEN },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		ck_assert_msg(gnv_lang_field(t[i].kind, t[i].name, strlen(t[i].name)) == t[i].idx,
			      "%s.%s", gnv_lang_layers[t[i].kind].name, t[i].name);
	/* every table fits the 64-bit set mask and names are unique */
	for (int k = 0; k < LK__COUNT; k++) {
		ck_assert_uint_le(gnv_lang_layers[k].nf, 64);
		for (int a = 0; a < gnv_lang_layers[k].nf; a++)
			ck_assert_int_eq(gnv_lang_field(k, gnv_lang_layers[k].f[a].name,
							strlen(gnv_lang_layers[k].f[a].name)), a);
	}
}
END_TEST

START_TEST(parse_errors)
{
	parse_fails("", "empty packet");
	parse_fails("   ", "empty packet");
	parse_fails("eth / ipv4 / udp / ", "layer 4: empty layer");
	parse_fails("/ eth", "layer 1: empty layer");
	parse_fails("eth // ipv4", "layer 2: empty layer");
	parse_fails("eth / ipv5", "layer 2: 'ipv5' is not a layer (did you mean 'ipv4'?)");
	parse_fails("eth / zzzzzzz", "'zzzzzzz' is not a layer (eth vlan");
	parse_fails("vni=5", "a layer name must come first");
	parse_fails("eth / ipv4 / udp sprt=5", "layer 3 'udp': 'sprt' is not a udp field (did you mean 'sport'?)");
	parse_fails("eth / ipv4 / udp qqqqqqqq=5", "'qqqqqqqq' is not a udp field");
	parse_fails("eth ipv4", "layer 1 'eth': 'ipv4' is a layer: separate layers with '/'");
	parse_fails("udp sport", "'sport' needs a value (sport=...)");
	parse_fails("udp sport=1 sport=2", "'sport' is given twice");
	parse_fails("udp sport=65536", "sport: '65536' is out of range (0-65535)");
	parse_fails("udp sport=http", "sport: 'http' is not a number");
	parse_fails("udp sport=", "sport: '' is not a number");
	parse_fails("geneve vni=16777216", "vni: '16777216' is out of range (0-16777215)");
	parse_fails("vlan id=4096", "out of range (0-4095)");
	parse_fails("eth src=02:00:00:00:00", "src: '02:00:00:00:00' is not a MAC address");
	parse_fails("ipv4 dst=10.0.0.256", "dst: '10.0.0.256' is not an IPv4 address");
	parse_fails("ipv6 dst=fe80::zz", "is not an IPv6 address");
	parse_fails("udp csum=maybe", "csum: 'maybe' is not auto, bad, zero or a 16-bit number");
	parse_fails("tcp flags=SX", "flags: 'SX' is not TCP flags");
	parse_fails("tcp flags=0x200", "flags: '0x200' is out of range");
	parse_fails("geneve critical=yes", "critical: 'yes' is not auto, 0 or 1");
	parse_fails("geneve opt=", "opt: empty option");
	parse_fails("geneve opt=nosuch:1", "opt: unknown option name 'nosuch'");
	parse_fails("geneve opt=0x0102:0x80:zz", "opt: ");
	parse_fails("payload hex=abc", "hex: 'abc' is not hex bytes");
	parse_fails("payload hex=01 text=a", "give hex= or text=, not both");
	parse_fails("payload text=a hex=01", "give hex= or text=, not both");
	parse_fails("payload text=\"abc", "unterminated quote");
	parse_fails("payload text=\"a\\q\"", "bad escape");
	parse_fails("payload text=\"a\"b", "bad escape");
	parse_fails("ipv4 opts=010101", "opts: 3 bytes is not a multiple of 4");
	parse_fails("ipv6 ext=0102", "ext: 2 bytes is not a multiple of 8");
	parse_fails("tcp opts=01", "not a multiple of 4");
	parse_fails("ipv4 ttl=\"5\"", "quotes are only for text=");
	parse_fails("ipv4 opts=0101010101010101010101010101010101010101010101010101010101010101010101010101010101010101",
		    "opts: too many bytes");
	{
		char text[1024] = "eth";

		for (int i = 0; i < GNV_SPEC_MAX_LAYERS; i++)
			strcat(text, " / vlan");
		parse_fails(text, "too many layers (at most 24)");
	}
	{
		/* 23 layers given, but fill-in adds more */
		char text[1024] = "geneve";

		for (int i = 0; i < 22; i++)
			strcat(text, " / tcp");
		parse_fails(text, "once the missing ones are filled in");
	}
	{
		/* 600 options of 124 bytes: more than the spec's byte pool (a frame) */
		static char text[200000];
		size_t k = (size_t)snprintf(text, sizeof(text), "geneve optlen=1");

		for (int i = 0; i < 600; i++)
			k += (size_t)snprintf(text + k, sizeof(text) - k, " opt=0x0102:0x01:%0248d", 0);
		parse_fails(text, "opt: too many option bytes");
	}
	{
		static char text[8000];

		memset(text, 'a', sizeof(text) - 1);
		text[0] = 'e';
		text[1] = 't';
		text[2] = 'h';
		text[3] = ' ';
		text[sizeof(text) - 1] = 0;
		/* no word limit: an unknown 7996-letter field is an unknown field */
		ck_assert_int_eq(parse(text), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "'aaaaaaaa"));
	}
}
END_TEST

START_TEST(fill_in)
{
	static const struct { const char *in, *kinds; } t[] = {
		{ "geneve vni=5 / ipv4 / icmp", "eth ipv4 udp geneve ipv4 icmp" },
		{ "udp", "eth ipv4 udp" },
		{ "tcp", "eth ipv4 tcp" },
		{ "icmp", "eth ipv4 icmp" },
		{ "icmp6", "eth ipv6 icmp6" },
		{ "vlan", "eth vlan" },
		{ "arp", "eth arp" },
		{ "ipv4 / udp", "ipv4 udp" },
		{ "ip6 / udp", "ipv6 udp" },
		{ "payload len=3", "payload" },
		{ "eth / geneve", "eth ipv4 udp geneve" },
		{ "eth / ipv4 / geneve / tcp", "eth ipv4 udp geneve ipv4 tcp" },
		{ "eth / vlan / udp", "eth vlan ipv4 udp" },
		{ "geneve / eth / icmp6", "eth ipv4 udp geneve eth ipv6 icmp6" },
		{ "ether / ip / udp / raw", "eth ipv4 udp payload" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		char got[256] = "";

		ck_assert_msg(parse(t[i].in) == 0, "%s: %s", t[i].in, err);
		for (int k = 0; k < spec.nlayer; k++) {
			if (k)
				strcat(got, " ");
			strcat(got, gnv_lang_layers[spec.l[k].kind].name);
		}
		ck_assert_msg(!strcmp(got, t[i].kinds), "%s -> %s", t[i].in, got);
	}
	ck_assert_int_eq(parse("geneve / eth / ipv4 / udp / geneve / ipv4"), 0);
	ck_assert_uint_eq(spec.l[3].level, 0);
	ck_assert_uint_eq(spec.l[4].level, 1);
	ck_assert_uint_eq(spec.l[8].level, 2);
	ck_assert_uint_eq(spec.l[0].pos, 0);	/* filled in */
	ck_assert_uint_eq(spec.l[3].pos, 1);
}
END_TEST

START_TEST(values_and_aliases)
{
	ck_assert_int_eq(parse("ipv4 dscp=46 ecn=1 / tcp flags=SA / geneve critical=auto"), 0);
	ck_assert_uint_eq(spec.l[0].u.ip4.tos, 46 << 2 | 1);
	ck_assert(GNV_ISSET(&spec.l[0], F_IP4_TOS));
	ck_assert_uint_eq(spec.l[1].u.tcp.flags, 0x12);
	ck_assert_uint_eq(spec.l[4].kind, LK_GENEVE);
	ck_assert_uint_eq(spec.l[4].u.gnv.crit, GNV_CRIT_AUTO);
	ck_assert_int_eq(parse("tcp flags=FSRPAUECN"), 0);
	ck_assert_uint_eq(spec.l[2].u.tcp.flags, 0x1ff);
	ck_assert_int_eq(parse("tcp flags=0x18"), 0);
	ck_assert_uint_eq(spec.l[2].u.tcp.flags, 0x18);
	ck_assert_int_eq(parse("tcp flags=."), 0);
	ck_assert_uint_eq(spec.l[2].u.tcp.flags, 0x10);
	ck_assert_int_eq(parse("ipv6 tc=0xff dscp=0"), 0);
	ck_assert_uint_eq(spec.l[0].u.ip6.tc, 3);
	ck_assert_int_eq(parse("udp csum=bad"), 0);
	ck_assert_uint_eq(spec.l[2].u.udp.csum.mode, GNV_CS_BAD);
	ck_assert_int_eq(parse("udp csum=0xbeef"), 0);
	ck_assert_uint_eq(spec.l[2].u.udp.csum.mode, GNV_CS_SET);
	ck_assert_uint_eq(spec.l[2].u.udp.csum.val, 0xbeef);
	ck_assert_int_eq(parse("payload text=\"x \\\"y\\\" / \\x41\\t\\\\\""), 0);
	ck_assert_uint_eq(spec.l[0].u.data.data.size, 11);
	ck_assert(!memcmp(spec.pool + spec.l[0].u.data.data.off, "x \"y\" / A\t\\", 11));
	ck_assert_int_eq(parse("payload text=plain"), 0);
	ck_assert_uint_eq(spec.l[0].u.data.data.size, 5);
	ck_assert_int_eq(parse("eth/ipv4/udp"), 0);
	ck_assert_uint_eq(spec.nlayer, 3);
	/* options: named and raw, in order, in the one blob */
	ck_assert_int_eq(parse("geneve opt=ovn:in=1,out=10 opthex=01020301aabbccdd opt=0x0102:0x80:0001000a"), 0);
	ck_assert_uint_eq(spec.l[3].u.gnv.opts.size, 24);
}
END_TEST

/* Build text, decode it, format the decoded packet, and build that: the
 * bytes must be the same.  Returns the formatted text in out. */
static void round_trip(const char *text, char *out, size_t outsz)
{
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;
	struct sbuf sb = SBUF_INIT;
	size_t n1, n2;

	ck_assert_msg(parse(text) == 0, "%s: %s", text, err);
	ck_assert_msg(gnv_build_ex(&spec, b1, sizeof(b1), &n1, NULL, err, sizeof(err)) == 0, "%s: %s", text, err);
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = gnv_spec_linktype(&spec);
	gnv_decode(&pk, b1, (uint32_t)n1, (uint32_t)n1, &cfg);
	ck_assert_int_eq(gnv_lang_format(&pk, &sb), 0);
	/* the cached formatter says the same, the first time and the second */
	{
		static struct gnv_lang_ctx *ctx;
		struct sbuf sc = SBUF_INIT;

		if (!ctx)
			ctx = gnv_lang_ctx_new();
		ck_assert_ptr_nonnull(ctx);
		for (int k = 0; k < 2; k++) {
			sbuf_reset(&sc);
			ck_assert_int_eq(gnv_lang_format_ctx(ctx, &pk, &sc), 0);
			ck_assert_str_eq(sbuf_str(&sc), sbuf_str(&sb));
		}
		sbuf_free(&sc);
	}
	gnv_spec_init(&spec2, 0xffa7);
	ck_assert_msg(gnv_lang_parse(sbuf_str(&sb), &spec2, err, sizeof(err)) == 0,
		      "%s -> '%s': %s", text, sbuf_str(&sb), err);
	ck_assert_int_eq(gnv_build(&spec2, b2, sizeof(b2), &n2), 0);
	ck_assert_msg(n1 == n2 && !memcmp(b1, b2, n1), "%s -> %s: bytes differ", text, sbuf_str(&sb));
	if (out)
		snprintf(out, outsz, "%s", sbuf_str(&sb));
	sbuf_free(&sb);
}

START_TEST(round_trip_set)
{
	static const char *const t[] = {
		"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=100 opt=0x0102:0x80:0001000a / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64",
		"geneve vni=5 / ipv4 / icmp",
		"geneve vni=16777215 opt=label:42,7 opt=rts:host=10.200.0.1,mac=02:00:00:00:00:01 opt=ovn:in=1,out=10 opt=eptype:scaled opt=qos:prio=1 opt=mizar.pod:label=5 opt=cilium.dsr:addr=10.0.0.1,port=80 opt=trace:id=1,seq=1 / ipv6 / udp / payload text=\"hello\"",
		"geneve opt=rts:host=fd00::5,mac=02:00:00:00:00:07,match=1 opt=cilium.dsr:addr=fd00::9,port=443 / eth / ipv6 / tcp",
		"eth / vlan id=10 / vlan id=20 / ipv4 / udp csum=bad / payload hex=0102",
		"eth / vlan tpid=0x9100 pcp=7 dei=1 / arp op=2",
		"eth / arp / pad len=18",
		"ipv6 / icmp6",
		"ipv4 / udp",
		"eth / ipv4 ttl=1 df=1 dscp=46 ecn=1 opts=01010100 / tcp opts=020405b4 flags=SA seq=9 ack=10 win=11 urg=12",
		"geneve critical=0 opt=ovn:in=1,out=2 / eth / ipv4 / udp len=100",
		"geneve critical=1 oam=1 ver=1 rsvd=3 rsvd2=9 proto=0x1234 / payload hex=aabb",
		"geneve opthex=01020301aabbccdd / eth type=0x88cc / payload hex=01",
		"geneve opthex=0102032100000000 / eth",
		"geneve opthex=010203 / eth",
		"geneve optlen=1 opt=ovn:in=1,out=2 / eth / ipv4",
		"geneve optlen=5 / eth / ipv4 / udp",
		"eth / ipv6 ext=3b00000000000000 nh=60 / payload len=4",
		"eth / ipv6 nh=0 ext=1100000000000000 / udp / payload len=3",
		"eth / ipv4 / udp dport=6081 / payload hex=0000",
		"eth / ipv4 mf=1 / udp / payload len=40",
		"eth / ipv4 frag=100 proto=17 / payload len=40",
		"geneve / ipv6 flow=0x12345 tc=3 / tcp seq=1 ack=2 win=3 urg=4 flags=FPUN / payload len=1 / pad len=3 / pad hex=01",
		"geneve / eth / vlan / arp op=2 / pad hex=02",
		"eth / ipv4 / udp / geneve / eth / ipv4 / udp / geneve vni=7 / ipv4 / udp",
		"eth / ipv4 csum=0x1234 / udp csum=zero / payload len=3 / pad len=20",
		"eth / ipv4 len=10 / udp",
		"eth / ipv4 len=300 / udp",
		"eth / ipv4 ihl=4 / udp",
		"eth / ipv4 ihl=15 / udp",
		"eth / ipv6 plen=3 / udp",
		"eth / ipv4 / udp len=3",
		"eth / ipv4 / tcp doff=15 / payload len=4",
		"eth / ipv4 / tcp doff=2",
		"eth / ipv4 / tcp rsvd=5 flags=0x1ff",
		"eth / ipv4 / tcp csum=bad / payload hex=ff",
		"eth / ipv4 / icmp type=0 code=3 id=77 seq=88 csum=zero",
		"eth / ipv6 / icmp6 csum=bad",
		"eth / ipv6 / udp csum=zero",
		"eth / ipv4 / udp sport=1234 / geneve vni=9 / eth",
		"eth / ipv4 proto=99 / payload hex=0102030405",
		"eth type=0x1234 / payload hex=99",
		"eth",
		"payload hex=0102",
		"eth / payload len=3",
		"eth / ipv4 / udp / geneve / eth / ipv4 / udp / payload len=10 / pad len=2 / pad len=4",
		"eth / ipv4 / udp / geneve / eth / ipv4 / udp / pad len=0 / pad len=4",
		"eth / ipv4 / udp / geneve proto=0x0800 / eth",
		"eth / ipv4 / udp / geneve proto=0x86dd / ipv4",
		"eth / ipv4 / udp / geneve / ipv4 ver=6",
		"eth src=ff:ff:ff:ff:ff:ff dst=01:00:5e:00:00:01 / ipv4 src=224.0.0.1 / udp",
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		if (!strcmp(t[i], "eth / ipv4 / udp / geneve / ipv4 ver=6")) {
			ck_assert_int_eq(parse(t[i]), -EINVAL);	/* no such field */
			continue;
		}
		round_trip(t[i], NULL, 0);
	}
}
END_TEST

/* A frame of any size up to 64 KB prints as a line craft takes back: no
 * word limit (a payload's hex is one word) and a pool for a whole frame. */
START_TEST(round_trip_large_payloads)
{
	static const size_t sizes[] = { 2100, 8200, 20000, 65535 - 14 - 20 - 8 - 8 - 14 - 20 - 8 };
	static char text[2 * 65536 + 256];

	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		int n = snprintf(text, sizeof(text), "eth / ipv4 / udp / geneve vni=7 / eth / ipv4 / udp / payload hex=");

		for (size_t i = 0; i < sizes[k]; i++)
			n += snprintf(text + n, sizeof(text) - (size_t)n, "%02x", (unsigned int)((i * 7 + k) & 0xff));
		round_trip(text, NULL, 0);
	}
}
END_TEST

START_TEST(format_prints_only_differences)
{
	char out[1024];

	round_trip("geneve vni=5 / ipv4 / icmp", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp / geneve vni=5 / ipv4 / icmp");
	round_trip("eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=100 opt=0x0102:0x80:0001000a / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64",
		   out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=100 opt=ovn:in=1,out=10 / eth / ipv4 / tcp / payload len=64");
	/* a wrong checksum is shown, a right one is not */
	round_trip("eth / ipv4 / udp csum=0x1234", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp csum=0x1234");
	round_trip("eth / ipv4 / udp csum=zero", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp csum=zero");
	/* the C bit only when it disagrees with the options */
	round_trip("geneve opt=ovn:in=1,out=2 / eth", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp / geneve opt=ovn:in=1,out=2 / eth");
	round_trip("geneve critical=0 opt=ovn:in=1,out=2 / eth", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp / geneve critical=0 opt=ovn:in=1,out=2 / eth");
	/* unknown options raw, payload hex unless all zeros */
	round_trip("geneve opt=0x0999:0x05:01020304 / ipv4 / udp / payload hex=00ff", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp / geneve opt=0x0999:0x05:01020304 / ipv4 / udp / payload hex=00ff");
	/* an explicit non-hash source port stays */
	round_trip("eth / ipv4 / udp sport=1234 / geneve / eth", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp sport=1234 / geneve / eth");
	/* inconsistent lengths are shown */
	round_trip("eth / ipv4 / udp len=3", out, sizeof(out));
	ck_assert_msg(strstr(out, "len=3") != NULL, "%s", out);
	/* padding */
	round_trip("eth / ipv4 / udp / payload len=2 / pad len=16", out, sizeof(out));
	ck_assert_str_eq(out, "eth / ipv4 / udp / payload len=2 / pad len=16");
}
END_TEST

START_TEST(format_truncated_and_garbage)
{
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;
	struct sbuf sb = SBUF_INIT;
	size_t n1, n2;

	gnv_decode_cfg_default(&cfg);
	/* every truncation of a Geneve packet formats into its captured bytes */
	ck_assert_int_eq(parse("geneve vni=3 opt=ovn:in=1,out=2 opt=label:5 / eth / ipv6 / tcp / payload len=20"), 0);
	ck_assert_int_eq(gnv_build(&spec, b1, sizeof(b1), &n1), 0);
	for (size_t cap = 0; cap <= n1; cap++) {
		gnv_decode(&pk, b1, (uint32_t)cap, (uint32_t)n1, &cfg);
		sbuf_reset(&sb);
		ck_assert_int_eq(gnv_lang_format(&pk, &sb), 0);
		gnv_spec_init(&spec2, 0xffa7);
		ck_assert_msg(gnv_lang_parse(sbuf_str(&sb), &spec2, err, sizeof(err)) == 0,
			      "cap %zu: '%s': %s", cap, sbuf_str(&sb), err);
		ck_assert_int_eq(gnv_build(&spec2, b2, sizeof(b2), &n2), 0);
		ck_assert_msg(n2 == cap && !memcmp(b1, b2, cap), "cap %zu: %s", cap, sbuf_str(&sb));
	}
	/* byte flips anywhere still round-trip */
	for (size_t i = 0; i < n1; i++) {
		static uint8_t m[GNV_FRAME_MAX];

		memcpy(m, b1, n1);
		m[i] ^= 0x5a;
		gnv_decode(&pk, m, (uint32_t)n1, (uint32_t)n1, &cfg);
		sbuf_reset(&sb);
		ck_assert_int_eq(gnv_lang_format(&pk, &sb), 0);
		gnv_spec_init(&spec2, 0xffa7);
		ck_assert_msg(gnv_lang_parse(sbuf_str(&sb), &spec2, err, sizeof(err)) == 0,
			      "flip %zu: '%s': %s", i, sbuf_str(&sb), err);
		ck_assert_int_eq(gnv_build(&spec2, b2, sizeof(b2), &n2), 0);
		ck_assert_msg(n2 == n1 && !memcmp(m, b2, n1), "flip %zu: %s", i, sbuf_str(&sb));
	}
	sbuf_free(&sb);
}
END_TEST

/* Frames found by fuzzing: each must format into text that rebuilds it. */
START_TEST(format_fuzz_regressions)
{
	static const char *const hex[] = {
		/* Geneve version 1 with an odd Opt Len: the bytes after the
		 * header are the inner level, the trailer pads the outer one */
		"0200000000020200000000010800450000e3000100004011c1500ac8f6260ac8ad02dde117c100cf890a"
		"616464723d27000800d752b600ffa704010001000001007f00ffa70401000100000106101f0001020304"
		"05060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e"
		"2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758"
		"595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7bffa70401000100"
		"0045000023000100004011144a0a00beef0a009390a8b50035000f4262ababababababab",
		/* not IP: EtherType 0x0108 */
		"0002000000000202000000000108004500002800010000401165320ac800010ac80002c35017c1001401"
		"c3400065580000640001020304000000000000",
	};
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;
	struct sbuf sb = SBUF_INIT;
	static uint8_t f[GNV_FRAME_MAX];
	size_t n, n2;

	gnv_decode_cfg_default(&cfg);
	for (size_t i = 0; i < sizeof(hex) / sizeof(hex[0]); i++) {
		ck_assert_int_eq(parse_hex(hex[i], f, sizeof(f), &n), 0);
		gnv_decode(&pk, f, (uint32_t)n, (uint32_t)n, &cfg);
		sbuf_reset(&sb);
		ck_assert_int_eq(gnv_lang_format(&pk, &sb), 0);
		gnv_spec_init(&spec2, 0xffa7);
		ck_assert_msg(gnv_lang_parse(sbuf_str(&sb), &spec2, err, sizeof(err)) == 0, "%s", err);
		ck_assert_int_eq(gnv_build(&spec2, b2, sizeof(b2), &n2), 0);
		ck_assert_msg(n2 == n && !memcmp(f, b2, n), "%zu: %s", i, sbuf_str(&sb));
	}
	sbuf_free(&sb);
}
END_TEST

START_TEST(spec_print_reparses)
{
	static const char *const t[] = {
		"eth dst=00:11:22:33:44:55 / vlan id=7 tpid=0x88a8 / ipv4 tos=0x10 csum=bad opts=01010101 / tcp flags=SA csum=auto / payload text=\"a\\\"b\\n\"",
		"eth / ipv6 src=fd00::1 dst=fd00::2 flow=0x5 ext=3b00000000000000 / icmp6 type=1 csum=zero",
		"geneve vni=1 critical=1 opt=ovn:in=3,out=4 opthex=0102032100000000 / eth / arp spa=1.2.3.4",
		"geneve critical=auto / ipv4 / udp csum=0x0001 / pad hex=01",
	};
	struct sbuf sb = SBUF_INIT, sb2 = SBUF_INIT;
	size_t n1, n2;

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(parse(t[i]) == 0, "%s: %s", t[i], err);
		ck_assert_int_eq(gnv_build(&spec, b1, sizeof(b1), &n1), 0);
		sbuf_reset(&sb);
		gnv_spec_print(&spec, &sb);
		gnv_spec_init(&spec2, 0xffa7);
		ck_assert_msg(gnv_lang_parse(sbuf_str(&sb), &spec2, err, sizeof(err)) == 0, "%s: %s",
			      sbuf_str(&sb), err);
		ck_assert_int_eq(gnv_build(&spec2, b2, sizeof(b2), &n2), 0);
		ck_assert_msg(n1 == n2 && !memcmp(b1, b2, n1), "%s", sbuf_str(&sb));
		sbuf_reset(&sb2);
		gnv_spec_print(&spec2, &sb2);
		ck_assert_str_eq(sbuf_str(&sb), sbuf_str(&sb2));
	}
	sbuf_free(&sb);
	sbuf_free(&sb2);
}
END_TEST

START_TEST(lang_build_one_call)
{
	size_t n;

	ck_assert_int_eq(gnv_lang_build("geneve vni=5 / ipv4 / icmp", 0xffa7, b1, sizeof(b1), &n,
					err, sizeof(err)), 0);
	ck_assert_uint_eq(n, 78);
	ck_assert_int_eq(gnv_lang_build("geneve vnii=5", 0xffa7, b1, sizeof(b1), &n, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "layer 1 'geneve': 'vnii' is not a geneve field (did you mean 'vni'?)");
	ck_assert_int_eq(gnv_lang_build("eth / payload len=100", 0xffa7, b1, 20, &n, err, sizeof(err)),
			 -ENOSPC);
}
END_TEST

START_TEST(spec_from_pkt_structure)
{
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;
	size_t n;

	ck_assert_int_eq(parse("geneve vni=5 / eth / vlan / ipv4 / udp / payload len=3"), 0);
	ck_assert_int_eq(gnv_build(&spec, b1, sizeof(b1), &n), 0);
	gnv_decode_cfg_default(&cfg);
	gnv_decode(&pk, b1, (uint32_t)n, (uint32_t)n, &cfg);
	ck_assert_int_eq(gnv_spec_from_pkt(&pk, &spec2), 0);
	ck_assert_uint_eq(spec2.nlayer, 9);
	ck_assert_uint_eq(spec2.l[3].kind, LK_GENEVE);
	ck_assert_uint_eq(spec2.l[3].u.gnv.vni, 5);
	ck_assert(GNV_ISSET(&spec2.l[3], F_GNV_VNI));
	ck_assert(!GNV_ISSET(&spec2.l[3], F_GNV_PROTO));
	ck_assert_uint_eq(spec2.l[5].kind, LK_VLAN);
	ck_assert_uint_eq(spec2.l[5].level, 1);
	ck_assert_uint_eq(spec2.l[8].kind, LK_PAYLOAD);
}
END_TEST

Suite *lang_suite(void)
{
	Suite *s = suite_create("lang");
	TCase *t = tcase_create("lang");

	tcase_set_timeout(t, 30);
	tcase_add_test(t, field_indexes_match_tables);
	tcase_add_test(t, parse_errors);
	tcase_add_test(t, fill_in);
	tcase_add_test(t, values_and_aliases);
	tcase_add_test(t, round_trip_set);
	tcase_add_test(t, round_trip_large_payloads);
	tcase_add_test(t, format_prints_only_differences);
	tcase_add_test(t, format_truncated_and_garbage);
	tcase_add_test(t, format_fuzz_regressions);
	tcase_add_test(t, spec_print_reparses);
	tcase_add_test(t, spec_from_pkt_structure);
	tcase_add_test(t, lang_build_one_call);
	suite_add_tcase(s, t);
	return s;
}
