/* SPDX-License-Identifier: MIT */
/* libcore/build.h: defaults, lengths, checksums, overrides, --vary plans. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/csum.h"
#include "../../libcore/cursor.h"
#include "../../libcore/flowhash.h"
#include "../../libcore/lang.h"

Suite *build_suite(void);

static struct gnv_spec spec;
static uint8_t buf[GNV_FRAME_MAX];
static size_t blen;
static struct gnv_pkt pk;

/* Parse and build text; fail the test on any error. */
static void mk(const char *text)
{
	char err[256];

	gnv_spec_init(&spec, 0xffa7);
	ck_assert_msg(gnv_lang_parse(text, &spec, err, sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_msg(gnv_build_ex(&spec, buf, sizeof(buf), &blen, NULL, err, sizeof(err)) == 0,
		      "%s: %s", text, err);
}

static void dec(const uint8_t *p, size_t n, int linktype)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = linktype;
	gnv_decode(&pk, p, (uint32_t)n, (uint32_t)n, &cfg);
}

static bool has_err(enum gnv_errcode code)
{
	return gnv_pkt_has_error(&pk, code);
}

START_TEST(defaults_geneve_fill_in)
{
	mk("geneve vni=5 / ipv4 / icmp");
	/* eth 14 + ipv4 20 + udp 8 + geneve 8 + ipv4 20 + icmp 8 */
	ck_assert_uint_eq(blen, 78);
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_int_eq(pk.status, GNV_OK);
	ck_assert(pk.is_geneve);
	ck_assert_uint_eq(pk.gnv.vni, 5);
	ck_assert_uint_eq(pk.gnv.proto, 0x0800);
	ck_assert_uint_eq(pk.outer.l4.dport, 6081);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.hcsum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.outer.ip.ttl, 64);
	ck_assert_uint_eq(pk.inner.l4.type, 8);
	/* outer addresses 192.0.2.1 -> .2, inner 10.0.0.1 -> .2 */
	ck_assert_uint_eq(pk.outer.ip.src.a[0], 192);
	ck_assert_uint_eq(pk.inner.ip.dst.a[3], 2);
	ck_assert_uint_eq(pk.inner.ip.src.a[0], 10);
	/* source port from the inner flow hash, in the ephemeral range */
	ck_assert_uint_eq(pk.outer.l4.sport, flow_sport(flow_hash_layers(&pk.inner, 0)));
	ck_assert_uint_ge(pk.outer.l4.sport, FLOW_SPORT_MIN);
}
END_TEST

START_TEST(proto_follows_next_layer)
{
	mk("geneve / eth / ipv4");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_uint_eq(pk.gnv.proto, 0x6558);
	mk("geneve / ipv6 / udp");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_uint_eq(pk.gnv.proto, 0x86dd);
	ck_assert_uint_eq(pk.inner.ip.version, 6);
	ck_assert_uint_eq(pk.inner.l4.csum_state, GNV_CSUM_OK);
	mk("eth / ipv6 / udp / geneve / ipv4 / tcp");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_int_eq(pk.status, GNV_OK);
	ck_assert_uint_eq(pk.outer.ip.version, 6);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.inner.l4.csum_state, GNV_CSUM_OK);
}
END_TEST

START_TEST(critical_auto)
{
	/* OVN's option is critical: C set automatically */
	mk("geneve opt=ovn:in=1,out=2 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(pk.gnv.crit);
	ck_assert(!has_err(GNV_E_GNV_CRIT_NO_C));
	/* a non-critical option: C clear */
	mk("geneve opt=0x0102:0x01:00000000 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(!pk.gnv.crit);
	/* forced either way: the decoder flags it */
	mk("geneve critical=0 opt=0x0102:0x80:00000001 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(!pk.gnv.crit);
	ck_assert(has_err(GNV_E_GNV_CRIT_NO_C));
	mk("geneve critical=1 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(pk.gnv.crit);
	ck_assert(has_err(GNV_E_GNV_C_NO_CRIT));
	mk("geneve critical=auto opthex=0102800100000001 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(pk.gnv.crit);
}
END_TEST

START_TEST(overrides_make_malformed)
{
	mk("geneve optlen=1 opt=ovn:in=1,out=2 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_GNV_OPT_OVERRUN));
	mk("geneve ver=1 / eth");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_GNV_VERSION));
	mk("eth / ipv4 / udp csum=bad / payload len=4");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_UDP_CSUM));
	mk("eth / ipv4 csum=bad / udp");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_IP4_CSUM));
	mk("eth / ipv4 / udp csum=zero");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_ZERO);
	ck_assert_uint_eq(pk.status, GNV_OK);
	mk("eth / ipv4 / udp csum=0x1234");
	ck_assert_uint_eq(gnv_be16(buf + 40), 0x1234);
	mk("eth / ipv4 len=200 / udp");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_IP4_OVERRUN));
	mk("eth / ipv4 / udp len=4");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_UDP_LEN));
	mk("eth / ipv4 / udp len=100");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_UDP_OVERRUN));
	mk("eth / ipv4 ihl=4 / udp");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_IP4_IHL));
	mk("eth / ipv4 / tcp csum=bad");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_TCP_CSUM));
	mk("eth / ipv4 / icmp csum=bad");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_ICMP_CSUM));
	mk("eth / ipv4 / tcp doff=4");
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert(has_err(GNV_E_TCP_DOFF));
}
END_TEST

START_TEST(lengths_and_pad)
{
	mk("eth / ipv4 / udp / payload len=2 / pad len=16");
	ck_assert_uint_eq(blen, 14 + 20 + 8 + 2 + 16);
	ck_assert_uint_eq(gnv_be16(buf + 16), 30);	/* IPv4 total length */
	ck_assert_uint_eq(gnv_be16(buf + 38), 10);	/* UDP length */
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_int_eq(pk.status, GNV_OK);
	/* an inner pad counts in the outer lengths, not the inner ones */
	mk("geneve / ipv4 / udp / pad len=4");
	ck_assert_uint_eq(gnv_be16(buf + 16), 20 + 8 + 8 + 20 + 8 + 4);
	ck_assert_uint_eq(gnv_be16(buf + 50 + 2), 28);
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_int_eq(pk.status, GNV_OK);
	/* text and hex payloads, len pads or cuts */
	mk("eth / ipv4 / udp / payload text=\"a b/c\\n\"");
	ck_assert_uint_eq(blen, 42 + 6);
	ck_assert(!memcmp(buf + 42, "a b/c\n", 6));
	mk("eth / ipv4 / udp / payload hex=0102 len=4");
	ck_assert_uint_eq(blen, 46);
	ck_assert(!memcmp(buf + 42, "\x01\x02\x00\x00", 4));
	mk("eth / ipv4 / udp / payload hex=01020304 len=1");
	ck_assert_uint_eq(blen, 43);
}
END_TEST

START_TEST(vlan_qinq_and_arp)
{
	mk("eth / vlan id=100 pcp=5 / vlan id=200 dei=1 / ipv4 / udp");
	ck_assert_uint_eq(gnv_be16(buf + 12), 0x88a8);
	ck_assert_uint_eq(gnv_be16(buf + 14), 5 << 13 | 100);
	ck_assert_uint_eq(gnv_be16(buf + 16), 0x8100);
	ck_assert_uint_eq(gnv_be16(buf + 18), 1 << 12 | 200);
	ck_assert_uint_eq(gnv_be16(buf + 20), 0x0800);
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_int_eq(pk.status, GNV_OK);
	ck_assert_uint_eq(pk.outer.eth.nvlan, 2);
	mk("vlan tpid=0x9100 / arp op=2 tpa=10.9.9.9");
	ck_assert_uint_eq(gnv_be16(buf + 12), 0x9100);
	ck_assert_uint_eq(gnv_be16(buf + 16), 0x0806);
	ck_assert_uint_eq(gnv_be16(buf + 18 + 6), 2);
	ck_assert(!memcmp(buf + 18 + 8, buf + 6, 6));	/* sha = eth src */
	ck_assert_uint_eq(buf[18 + 27], 9);
}
END_TEST

START_TEST(every_field_lands)
{
	mk("eth dst=00:11:22:33:44:55 src=66:77:88:99:aa:bb type=0x0800 / ipv4 src=1.2.3.4 dst=5.6.7.8 ttl=7 dscp=46 ecn=3 id=0x1234 df=1 mf=1 rf=1 frag=5 proto=6 / tcp sport=1 dport=2 seq=3 ack=4 flags=SA win=5 urg=6");
	ck_assert(!memcmp(buf, "\x00\x11\x22\x33\x44\x55\x66\x77\x88\x99\xaa\xbb\x08\x00", 14));
	ck_assert_uint_eq(buf[14], 0x45);
	ck_assert_uint_eq(buf[15], 46 << 2 | 3);
	ck_assert_uint_eq(gnv_be16(buf + 18), 0x1234);
	ck_assert_uint_eq(gnv_be16(buf + 20), 0xe005);
	ck_assert_uint_eq(buf[22], 7);
	ck_assert_uint_eq(buf[23], 6);
	ck_assert_uint_eq(gnv_be32(buf + 26), 0x01020304);
	ck_assert_uint_eq(gnv_be32(buf + 30), 0x05060708);
	ck_assert_uint_eq(gnv_be16(buf + 34), 1);
	ck_assert_uint_eq(gnv_be16(buf + 36), 2);
	ck_assert_uint_eq(gnv_be32(buf + 38), 3);
	ck_assert_uint_eq(gnv_be32(buf + 42), 4);
	ck_assert_uint_eq(buf[46], 0x50);
	ck_assert_uint_eq(buf[47], 0x12);
	ck_assert_uint_eq(gnv_be16(buf + 48), 5);
	ck_assert_uint_eq(gnv_be16(buf + 52), 6);
	mk("ipv6 src=2001:db8::9 dst=fe80::1 hlim=3 tc=0xab flow=0xfedcb / udp sport=7 dport=8");
	ck_assert_uint_eq(gnv_be32(buf), 0x6abfedcb);
	ck_assert_uint_eq(buf[6], 17);
	ck_assert_uint_eq(buf[7], 3);
	ck_assert_uint_eq(buf[8 + 15], 9);
	ck_assert_uint_eq(buf[24], 0xfe);
	ck_assert_uint_eq(gnv_be16(buf + 4), 8);
	mk("geneve vni=0xabcdef ver=2 oam=1 critical=1 rsvd=0x15 rsvd2=0x77 proto=0x1234 / payload");
	ck_assert_uint_eq(buf[42], 0x80);
	ck_assert_uint_eq(buf[43], 0x80 | 0x40 | 0x15);
	ck_assert_uint_eq(gnv_be16(buf + 44), 0x1234);
	ck_assert_uint_eq(gnv_be24(buf + 46), 0xabcdef);
	ck_assert_uint_eq(buf[49], 0x77);
	mk("eth / ipv6 / icmp6 type=135 code=1 id=2 seq=3");
	ck_assert_uint_eq(buf[54], 135);
	ck_assert_uint_eq(buf[55], 1);
	ck_assert_uint_eq(gnv_be16(buf + 58), 2);
	ck_assert_uint_eq(gnv_be16(buf + 60), 3);
	dec(buf, blen, GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	mk("eth / arp op=2 sha=02:00:00:00:00:09 spa=1.1.1.1 tha=02:00:00:00:00:0a tpa=2.2.2.2 htype=6 ptype=0x0801 hlen=7 plen=5");
	ck_assert(!memcmp(buf + 14, "\x00\x06\x08\x01\x07\x05\x00\x02\x02\x00\x00\x00\x00\x09\x01\x01\x01\x01"
			  "\x02\x00\x00\x00\x00\x0a\x02\x02\x02\x02", 28));
}
END_TEST

START_TEST(raw_ip_and_raw_bytes)
{
	mk("ipv4 / udp");
	ck_assert_int_eq(gnv_spec_linktype(&spec), GNV_LINK_RAW);
	ck_assert_uint_eq(buf[0], 0x45);
	ck_assert_uint_eq(blen, 28);
	mk("payload hex=0102");
	ck_assert_int_eq(gnv_spec_linktype(&spec), GNV_LINK_ETH);
	ck_assert_uint_eq(blen, 2);
}
END_TEST

START_TEST(build_errors)
{
	char err[256], text[2048];
	size_t n;
	size_t k = (size_t)snprintf(text, sizeof(text), "geneve");

	/* 3 x 124-byte options: more than Opt Len can describe */
	for (int i = 0; i < 3; i++)
		k += (size_t)snprintf(text + k, sizeof(text) - k, " opt=0x0102:0x01:%0248d", 0);
	gnv_spec_init(&spec, 0xffa7);
	ck_assert_int_eq(gnv_lang_parse(text, &spec, err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_build_ex(&spec, buf, sizeof(buf), &n, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "optlen=") != NULL, "%s", err);
	gnv_spec_init(&spec, 0xffa7);
	ck_assert_int_eq(gnv_lang_parse("eth / payload len=65535 / payload len=10", &spec, err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_build_ex(&spec, buf, sizeof(buf), &n, NULL, err, sizeof(err)), -EMSGSIZE);
	gnv_spec_init(&spec, 0xffa7);
	ck_assert_int_eq(gnv_lang_parse("eth / payload len=100", &spec, err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_build(&spec, buf, 50, &n), -ENOSPC);
}
END_TEST

/* ---- --vary ---- */

static struct gnv_plan plan;

static int vary_err(const char *pkt, const char *v, char *err, size_t errsz)
{
	struct gnv_vary x;

	mk(pkt);
	return gnv_vary_parse(&spec, v, &x, err, errsz);
}

START_TEST(vary_parse)
{
	char err[256];
	struct gnv_vary x;
	const char *p = "eth / ipv4 / udp / geneve / eth / ipv6 / tcp";

	mk(p);
	ck_assert_int_eq(gnv_vary_parse(&spec, "vni=1-1000", &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.layer, 3);
	ck_assert_uint_eq(x.lo, 1);
	ck_assert_uint_eq(x.hi, 1000);
	ck_assert_int_eq(gnv_vary_parse(&spec, "inner.sport=random", &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.layer, 6);
	ck_assert(x.random);
	ck_assert_int_eq(gnv_vary_parse(&spec, "outer.src=10.0.0.1-10.0.0.254", &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.layer, 1);
	ck_assert_uint_eq(x.lo, 0x0a000001);
	ck_assert_uint_eq(x.hi, 0x0a0000fe);
	ck_assert_int_eq(gnv_vary_parse(&spec, "outer.eth.src=02:00:00:00:00:01-02:00:00:00:00:ff", &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.layer, 0);
	ck_assert_int_eq(gnv_vary_parse(&spec, "sport=5", &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.layer, 6);	/* deepest */
	ck_assert_int_eq(gnv_vary_parse(&spec, "udp.sport=5-9/random", &x, err, sizeof(err)), 0);
	ck_assert_uint_eq(x.layer, 2);
	ck_assert(x.random);
	ck_assert_int_eq(gnv_vary_parse(&spec, "inner.dst=fd00::1-fd00::ff", &x, err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_vary_parse(&spec, "flags=S-SA", &x, err, sizeof(err)), 0);
	/* errors */
	ck_assert_int_eq(vary_err(p, "vni", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "FIELD=RANGE"));
	ck_assert_int_eq(vary_err(p, "vni=", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(vary_err(p, "bogus=1", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "'bogus'"));
	ck_assert_int_eq(vary_err(p, "nolayer.vni=1", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "not a layer"));
	ck_assert_int_eq(vary_err(p, "vni=9-1", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "empty"));
	ck_assert_int_eq(vary_err(p, "vni=1-99999999", err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(vary_err(p, "inner.dst=fd00::1-fd01::1", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "64 bits"));
	ck_assert_int_eq(vary_err(p, "udp.csum=1-2", err, sizeof(err)), -EINVAL);
	ck_assert(strstr(err, "cannot vary"));
	ck_assert_int_eq(vary_err(p, "outer.vni=1", err, sizeof(err)), 0);
	ck_assert_int_eq(vary_err(p, "inner.vni=1", err, sizeof(err)), -EINVAL);
	char big[400];
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ck_assert_int_eq(vary_err(p, big, err, sizeof(err)), -EINVAL);
}
END_TEST

/* Run a plan for n packets; every packet must decode clean, its varied
 * bytes must equal a from-scratch build, and the outer source port must
 * be the inner flow hash. */
static void run_plan(const char *pkt, const char *const *vary, int nvary, int n)
{
	struct gnv_vary v[GNV_MAX_VARY];
	static uint8_t ref[GNV_FRAME_MAX];
	char err[256];

	mk(pkt);
	for (int k = 0; k < nvary; k++)
		ck_assert_msg(gnv_vary_parse(&spec, vary[k], &v[k], err, sizeof(err)) == 0, "%s", err);
	ck_assert_msg(gnv_plan_init(&plan, &spec, v, nvary, 42, ref, sizeof(ref), err, sizeof(err)) == 0, "%s", err);
	for (int i = 0; i < n; i++) {
		gnv_plan_next(&plan, (uint64_t)i);
		dec(ref, plan.size, gnv_spec_linktype(&spec));
		ck_assert_msg(pk.nerr == 0, "%s packet %d: %s", pkt, i, gnv_err_code(pk.err[0].code));
		if (pk.is_geneve)
			ck_assert_uint_eq(pk.outer.l4.sport, flow_sport(flow_hash_layers(&pk.inner, 0)));
	}
}

START_TEST(vary_plans_decode_clean)
{
	static const char *const v1[] = { "vni=1-1000", "inner.sport=random", "inner.dport=80-90" };
	static const char *const v2[] = { "outer.src=10.0.0.1-10.0.0.254", "inner.src=10.1.0.1-10.1.0.9" };
	static const char *const v3[] = { "inner.dst=fd00::1-fd00::ffff", "inner.udp.sport=1-3" };
	static const char *const v4[] = { "inner.ttl=1-255", "outer.ttl=1-9", "inner.eth.src=random" };
	static const char *const v5[] = { "outer.dscp=0-63", "inner.flags=random", "oam=0-1" };
	static const char *const v6[] = { "sport=1000-2000" };
	static const char *const v7[] = { "inner.vlan.id=1-4000", "inner.id=random" };

	run_plan("eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=100 opt=0x0102:0x80:0001000a / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64", v1, 3, 300);
	run_plan("geneve / ipv4 / udp / payload len=5", v2, 2, 300);
	run_plan("eth / ipv6 / udp / geneve / ipv6 / udp / payload len=7", v3, 2, 300);
	run_plan("geneve / eth / ipv4 / icmp", v4, 3, 300);
	run_plan("geneve / ipv4 / tcp", v5, 3, 300);
	run_plan("eth / ipv4 / udp / payload len=3", v6, 1, 50);
	run_plan("geneve / eth / vlan / ipv4 / udp", v7, 2, 300);
}
END_TEST

START_TEST(vary_matches_fresh_build)
{
	/* packet i of the plan equals the spec built with the values set */
	static const char *const v[] = { "vni=10-20", "inner.dport=100-200", "outer.src=10.9.0.1-10.9.0.50" };
	static uint8_t pb[GNV_FRAME_MAX], fresh[GNV_FRAME_MAX];
	struct gnv_vary vv[3];
	char err[256], text[512];
	size_t n;

	mk("geneve / ipv4 / udp / payload len=9");
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(gnv_vary_parse(&spec, v[k], &vv[k], err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_plan_init(&plan, &spec, vv, 3, 1, pb, sizeof(pb), err, sizeof(err)), 0);
	for (int i = 0; i < 120; i++) {
		static struct gnv_spec s2;

		gnv_plan_next(&plan, (uint64_t)i);
		snprintf(text, sizeof(text), "eth / ipv4 src=10.9.0.%d / udp / geneve vni=%d / ipv4 / udp dport=%d / payload len=9",
			 1 + i % 50, 10 + i % 11, 100 + i % 101);
		gnv_spec_init(&s2, 0xffa7);
		ck_assert_int_eq(gnv_lang_parse(text, &s2, err, sizeof(err)), 0);
		ck_assert_int_eq(gnv_build(&s2, fresh, sizeof(fresh), &n), 0);
		ck_assert_uint_eq(n, plan.size);
		ck_assert_msg(!memcmp(fresh, pb, n), "packet %d differs", i);
	}
}
END_TEST

START_TEST(vary_odd_layout_recomputes)
{
	/* an odd-sized option blob puts the inner checksums at odd offsets */
	static uint8_t pb[GNV_FRAME_MAX];
	struct gnv_vary v;
	char err[256];

	mk("eth / ipv4 / udp dport=9 / payload hex=aa / ipv4 / udp");
	ck_assert_int_eq(gnv_vary_parse(&spec, "sport=1-100", &v, err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_plan_init(&plan, &spec, &v, 1, 1, pb, sizeof(pb), err, sizeof(err)), 0);
	ck_assert(plan.slow);
	for (int i = 0; i < 5; i++) {
		gnv_plan_next(&plan, (uint64_t)i);
		dec(pb + 43, plan.size - 43, GNV_LINK_RAW);
		ck_assert_uint_eq(pk.outer.l4.sport, 1 + i);
		ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
		dec(pb, plan.size, GNV_LINK_ETH);
		ck_assert_uint_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	}
}
END_TEST

Suite *build_suite(void)
{
	Suite *s = suite_create("build");
	TCase *t = tcase_create("build");

	tcase_add_test(t, defaults_geneve_fill_in);
	tcase_add_test(t, proto_follows_next_layer);
	tcase_add_test(t, critical_auto);
	tcase_add_test(t, overrides_make_malformed);
	tcase_add_test(t, lengths_and_pad);
	tcase_add_test(t, vlan_qinq_and_arp);
	tcase_add_test(t, every_field_lands);
	tcase_add_test(t, raw_ip_and_raw_bytes);
	tcase_add_test(t, build_errors);
	tcase_add_test(t, vary_parse);
	tcase_add_test(t, vary_plans_decode_clean);
	tcase_add_test(t, vary_matches_fresh_build);
	tcase_add_test(t, vary_odd_layout_recomputes);
	suite_add_tcase(s, t);
	return s;
}
