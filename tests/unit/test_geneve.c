/* SPDX-License-Identifier: MIT */
/*
 * Geneve (RFC 8926 section 3) through gnv_decode(): base header fields,
 * version, Opt Len, option walk, critical/C consistency, reserved bits,
 * protocol types, OAM, and recognition by destination port only.
 *
 * Offsets (eth / ipv4 / udp outside): geneve 42, first option 50.
 */
#include <check.h>
#include <string.h>
#include "../../libcore/cursor.h"
#include "pktgen.h"

Suite *geneve_suite(void);

static struct gnv_pkt pk;

/* eth / ipv4 / udp sport->dport / geneve flags proto vni, no inner yet */
static void outer(struct pg *g, uint16_t sport, uint16_t dport, uint8_t flags,
		  uint16_t proto, uint32_t vni)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, sport, dport);
	pg_geneve(g, flags, proto, vni);
}

static void inner_eth_ip4(struct pg *g)
{
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, 1111, 2222);
	pg_fill(g, 0x77, 6);
}

static enum gnv_status dec(const struct pg *g)
{
	return pg_decode(g, &pk);
}

static enum gnv_status dec_port(const struct pg *g, uint16_t port)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.port = port;
	return gnv_decode(&pk, g->b, (uint32_t)g->n, (uint32_t)g->n, &cfg);
}

START_TEST(base_fields)
{
	struct pg g;
	static const uint32_t vnis[] = { 0, 1, 100, 0x123456, 0xffffff };

	for (size_t i = 0; i < sizeof(vnis) / sizeof(vnis[0]); i++) {
		outer(&g, 50000, 6081, 0, 0x6558, vnis[i]);
		inner_eth_ip4(&g);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_clean(&pk);
		ck_assert(pk.is_geneve);
		ck_assert(pk.gnv.present);
		ck_assert_uint_eq(pk.gnv.vni, vnis[i]);
		ck_assert_uint_eq(pk.gnv.ver, 0);
		ck_assert_uint_eq(pk.gnv.opt_size, 0);
		ck_assert(!pk.gnv.oam);
		ck_assert(!pk.gnv.crit);
		ck_assert_uint_eq(pk.gnv.rsvd1, 0);
		ck_assert_uint_eq(pk.gnv.rsvd2, 0);
		ck_assert_uint_eq(pk.gnv.proto, 0x6558);
		ck_assert_uint_eq(pk.gnv.nopt, 0);
		ck_assert(!pk.gnv.any_critical);
		ck_assert_uint_eq(pk.gnv.off, 42);
		ck_assert_uint_eq(pk.gnv.inner_off, 50);
		ck_assert(pk.inner.eth.present);
		ck_assert_uint_eq(pk.inner.l4.dport, 2222);
	}
	/* the reserved byte after the VNI does not leak into it */
	outer(&g, 50000, 6081, 0, 0x6558, 0xabcdef);
	inner_eth_ip4(&g);
	g.b[49] = 0xff;
	pg_finish(&g);
	dec(&g);
	ck_assert_uint_eq(pk.gnv.vni, 0xabcdef);
	ck_assert_uint_eq(pk.gnv.rsvd2, 0xff);
}
END_TEST

START_TEST(oam_and_critical_flags)
{
	struct pg g;
	static const uint8_t d[4] = { 0, 1, 0, 10 };

	outer(&g, 50000, 6081, 0x80, 0x6558, 5);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.gnv.oam);
	ck_assert(!pk.gnv.crit);

	/* C bit with a critical option: consistent */
	outer(&g, 50000, 6081, 0xc0, 0x6558, 5);
	pg_gopt(&g, 0x0102, 0x80, d, 4);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.gnv.oam);
	ck_assert(pk.gnv.crit);
	ck_assert(pk.gnv.any_critical);
	ck_assert(gnv_opt_critical(&pk.gnv.opt[0]));
}
END_TEST

START_TEST(version_nonzero)
{
	struct pg g;

	for (uint8_t v = 1; v <= 3; v++) {
		outer(&g, 50000, 6081, 0, 0x6558, 9);
		inner_eth_ip4(&g);
		g.b[42] = (uint8_t)(v << 6 | 1);	/* and an Opt Len that would not fit */
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_GNV_VERSION, 42);
		ck_assert(pk.is_geneve);
		ck_assert(pk.gnv.present);
		ck_assert_uint_eq(pk.gnv.ver, v);
		ck_assert_uint_eq(pk.gnv.vni, 9);
		/* a different version is a different format: nothing more decoded */
		ck_assert_uint_eq(pk.gnv.nopt, 0);
		ck_assert(!pk.inner.eth.present);
	}
}
END_TEST

START_TEST(short_and_truncated)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	/* UDP payload shorter than 8 bytes: invalid, however it was captured */
	for (size_t n = 0; n < 8; n++) {
		pg_init(&g);
		pg_eth(&g, 0x0800);
		pg_ip4(&g, 17);
		pg_udp(&g, 50000, 6081);
		pg_fill(&g, 0, n);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_GNV_SHORT, 42);
		ck_assert(pk.is_geneve);
		ck_assert(!pk.gnv.present);
	}
	/* a full header cut by the capture: truncated */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	inner_eth_ip4(&g);
	pg_finish(&g);
	for (uint32_t cap = 42; cap < 50; cap++) {
		ck_assert_int_eq(gnv_decode(&pk, g.b, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_GNV_TRUNC, 42);
	}
	/* captured up to the inner frame exactly: the inner Ethernet is cut */
	ck_assert_int_eq(gnv_decode(&pk, g.b, 50, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_ETH_TRUNC, 50);
	ck_assert(pk.err[0].inner);
}
END_TEST

START_TEST(optlen_beyond_payload)
{
	struct pg g;
	static const uint8_t d[8] = { 0 };

	/* no options at all, Opt Len 1..63 with the inner frame shorter */
	for (uint8_t ol = 1; ol < 64; ol++) {
		outer(&g, 50000, 6081, 0, 0x0800, 1);
		pg_finish(&g);
		g.b[42] = ol;
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_err(&pk, GNV_E_GNV_OPTLEN, 42);
		ck_assert_uint_eq(pk.gnv.opt_size, ol * 4);
		ck_assert(!pk.inner.eth.present);
		ck_assert_uint_eq(pk.inner.ip.version, 0);
	}
	/* exactly filling the payload is fine (no inner frame: OAM) */
	outer(&g, 50000, 6081, 0x80, 0x6558, 1);
	pg_gopt(&g, 0x0101, 1, d, 8);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.gnv.opt_size, 12);
	ck_assert_uint_eq(pk.gnv.inner_off, 62);
	/* one word more than the payload */
	g.b[42] = 4;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_GNV_OPTLEN, 42);
	ck_assert_uint_eq(pk.gnv.nopt, 1);	/* what is there is still shown */
	/* Opt Len that leaves a partial option header at the end */
	outer(&g, 50000, 6081, 0x80, 0x6558, 1);
	pg_gopt(&g, 0x0101, 1, NULL, 0);
	pg_fill(&g, 0, 2);
	g.b[42] = 2;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_GNV_OPTLEN, 42);
	ck_assert_err(&pk, GNV_E_GNV_OPT_OVERRUN, 54);
	ck_assert_uint_eq(pk.nerr, 2);
}
END_TEST

START_TEST(option_overrun)
{
	struct pg g;
	static const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	/* second option's length runs past Opt Len (but not past the payload) */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_gopt(&g, 0x0101, 1, d, 4);
	pg_gopt(&g, 0x0101, 2, d, 4);
	inner_eth_ip4(&g);
	g.b[58 + 3] = 2;
	pg_finish(&g);	/* 8 data bytes claimed, 4 left in Opt Len */
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_GNV_OPT_OVERRUN, 61);
	ck_assert_uint_eq(pk.gnv.nopt, 2);
	ck_assert_uint_eq(pk.gnv.opt[1].size, 8);
	/* the inner frame start is unknown: not decoded */
	ck_assert(!pk.inner.eth.present);
	/* maximum length field (31 words) in a 4-byte option area */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_gopt(&g, 0x0101, 1, NULL, 0);
	inner_eth_ip4(&g);
	g.b[53] = 0x1f;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_GNV_OPT_OVERRUN, 53);
	ck_assert_uint_eq(pk.gnv.opt[0].size, 124);
}
END_TEST

START_TEST(option_truncated_by_capture)
{
	struct pg g;
	struct gnv_decode_cfg cfg;
	static const uint8_t d[12] = { 0 };

	gnv_decode_cfg_default(&cfg);
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_gopt(&g, 0x0101, 1, d, 12);	/* 50..65 */
	pg_gopt(&g, 0x0101, 2, d, 4);	/* 66..73 */
	inner_eth_ip4(&g);
	pg_finish(&g);
	/* in the first option's header */
	for (uint32_t cap = 50; cap < 54; cap++) {
		ck_assert_int_eq(gnv_decode(&pk, g.b, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_GNV_OPT_TRUNC, 50);
		ck_assert_uint_eq(pk.gnv.nopt, 0);
	}
	/* in its data */
	for (uint32_t cap = 54; cap < 66; cap++) {
		ck_assert_int_eq(gnv_decode(&pk, g.b, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_GNV_OPT_TRUNC, 54);
		ck_assert_uint_eq(pk.gnv.nopt, 1);
		ck_assert_uint_eq(pk.gnv.opt[0].size, 12);
	}
	/* in the second option */
	ck_assert_int_eq(gnv_decode(&pk, g.b, 68, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_GNV_OPT_TRUNC, 66);
	ck_assert_int_eq(gnv_decode(&pk, g.b, 72, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_GNV_OPT_TRUNC, 70);
	ck_assert_uint_eq(pk.gnv.nopt, 2);
	ck_assert(!pk.inner.eth.present);
	/* a truncated critical option without C is still reported */
	g.b[52] = 0x81;
	ck_assert_int_eq(gnv_decode(&pk, g.b, 56, (uint32_t)g.n, &cfg), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_GNV_OPT_TRUNC, 54);
	ck_assert_err(&pk, GNV_E_GNV_CRIT_NO_C, 43);
}
END_TEST

START_TEST(critical_consistency)
{
	struct pg g;
	static const uint8_t d[4] = { 0 };

	/* critical option, C clear: invalid */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_gopt(&g, 0x0101, 0x01, d, 4);
	pg_gopt(&g, 0x0101, 0xff, d, 4);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_GNV_CRIT_NO_C, 43);
	ck_assert(pk.gnv.any_critical);
	ck_assert(!gnv_opt_critical(&pk.gnv.opt[0]));
	ck_assert(gnv_opt_critical(&pk.gnv.opt[1]));
	ck_assert(pk.inner.eth.present);	/* decoding goes on */

	/* C set, nothing critical: warning */
	outer(&g, 50000, 6081, 0x40, 0x6558, 1);
	pg_gopt(&g, 0x0101, 0x7f, d, 4);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_GNV_C_NO_CRIT, 43);
	ck_assert(pk.gnv.crit);
	ck_assert(!pk.gnv.any_critical);

	/* C set with no options at all */
	outer(&g, 50000, 6081, 0x40, 0x6558, 1);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_GNV_C_NO_CRIT, 43);

	/* C set, options unreadable: cannot say nothing is critical */
	outer(&g, 50000, 6081, 0x40, 0x6558, 1);
	pg_gopt(&g, 0x0101, 0x01, d, 4);
	inner_eth_ip4(&g);
	g.b[53] = 5;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_GNV_OPT_OVERRUN, 53);
}
END_TEST

START_TEST(reserved_bits)
{
	struct pg g;
	static const uint8_t d[4] = { 0 };

	for (int bit = 0; bit < 6; bit++) {
		outer(&g, 50000, 6081, (uint8_t)(1 << bit), 0x6558, 1);
		inner_eth_ip4(&g);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_only(&pk, GNV_E_GNV_RSVD, 43);
		ck_assert_uint_eq(pk.gnv.rsvd1, 1u << bit);
		ck_assert(!pk.gnv.oam && !pk.gnv.crit);
	}
	/* the last reserved byte */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	inner_eth_ip4(&g);
	g.b[49] = 0x80;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_GNV_RSVD, 49);
	/* both: one warning, at the first */
	g.b[43] = 0x3f;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_GNV_RSVD, 43);
	ck_assert_uint_eq(pk.gnv.rsvd1, 0x3f);

	/* option reserved bits, each of the three */
	for (int bit = 5; bit < 8; bit++) {
		outer(&g, 50000, 6081, 0, 0x6558, 1);
		pg_gopt(&g, 0x0101, 1, NULL, 0);
		pg_gopt(&g, 0x0101, 2, d, 4);
		inner_eth_ip4(&g);
		g.b[54 + 3] |= (uint8_t)(1 << bit);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_only(&pk, GNV_E_GNV_OPT_RSVD, 57);
		ck_assert_uint_eq(pk.gnv.opt[1].rsvd, 1u << (bit - 5));
		ck_assert_uint_eq(pk.gnv.opt[1].size, 4);	/* length unaffected */
		ck_assert_uint_eq(pk.gnv.opt[0].rsvd, 0);
	}
}
END_TEST

START_TEST(zero_to_63_options)
{
	struct pg g;

	for (int n = 0; n <= 63; n++) {
		outer(&g, 50000, 6081, 0, 0x6558, 1);
		for (int i = 0; i < n; i++)
			pg_gopt(&g, (uint16_t)(0x0100 + i), (uint8_t)i, NULL, 0);
		inner_eth_ip4(&g);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_clean(&pk);
		ck_assert_uint_eq(pk.gnv.nopt, n);
		ck_assert_uint_eq(pk.gnv.opt_size, 4 * n);
		ck_assert_uint_eq(pk.gnv.inner_off, 50 + 4 * n);
		for (int i = 0; i < n; i++) {
			ck_assert_uint_eq(pk.gnv.opt[i].cls, 0x0100 + i);
			ck_assert_uint_eq(pk.gnv.opt[i].type, i);
			ck_assert_uint_eq(pk.gnv.opt[i].size, 0);
			ck_assert_uint_eq(pk.gnv.opt[i].off, 50 + 4 * i);
		}
		ck_assert_uint_eq(pk.inner.l4.dport, 2222);
	}
}
END_TEST

START_TEST(options_252_bytes)
{
	struct pg g;
	uint8_t d[124];

	for (int i = 0; i < 124; i++)
		d[i] = (uint8_t)i;
	/* 128 + 124 = 252 bytes of options, the largest option first */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_gopt(&g, 0xFF01, 0x11, d, 124);
	pg_gopt(&g, 0xFF02, 0x22, d, 120);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_uint_eq(g.b[42], 63);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.gnv.opt_size, 252);
	ck_assert_uint_eq(pk.gnv.nopt, 2);
	ck_assert_uint_eq(pk.gnv.opt[0].size, 124);
	ck_assert_uint_eq(pk.gnv.opt[0].off, 50);
	ck_assert_uint_eq(pk.gnv.opt[1].size, 120);
	ck_assert_uint_eq(pk.gnv.opt[1].off, 50 + 128);
	ck_assert_uint_eq(pk.gnv.inner_off, 50 + 252);
	ck_assert(!memcmp(g.b + pk.gnv.opt[0].off + 4, d, 124));
	ck_assert_uint_eq(pk.inner.eth.off, 302);
	ck_assert_uint_eq(pk.inner.l4.dport, 2222);
}
END_TEST

START_TEST(protocol_types)
{
	struct pg g;

	/* Ethernet */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_eth(&g, 0x8100);
	pg_vlan(&g, 7, 0x0800);
	pg_ip4(&g, 6);
	pg_tcp(&g, 5, 6, 0x10);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.inner.eth.present);
	ck_assert_uint_eq(pk.inner.eth.nvlan, 1);
	ck_assert_uint_eq(pk.inner.l4.proto, 6);
	/* IPv4 */
	outer(&g, 50000, 6081, 0, 0x0800, 1);
	pg_ip4(&g, 17);
	pg_udp(&g, 5, 6);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(!pk.inner.eth.present);
	ck_assert_uint_eq(pk.inner.ip.version, 4);
	ck_assert_uint_eq(pk.inner.ip.off, 50);
	ck_assert_uint_eq(pk.inner.l4.dport, 6);
	/* IPv6 */
	outer(&g, 50000, 6081, 0, 0x86dd, 1);
	pg_ip6(&g, 17);
	pg_udp(&g, 5, 6);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.inner.ip.version, 6);
	ck_assert_uint_eq(pk.inner.l4.dport, 6);
	/* IPv4 proto with an IPv6 packet inside */
	gnv_put16(g.b + 44, 0x0800);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP_VERSION, 50);
	ck_assert(pk.err[0].inner);
	/* anything else: shown raw, a warning */
	outer(&g, 50000, 6081, 0, 0x8847, 1);	/* MPLS */
	pg_fill(&g, 0x11, 20);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_GNV_PROTO, 44);
	ck_assert(!pk.err[0].inner);	/* a Geneve header problem */
	ck_assert_uint_eq(pk.gnv.proto, 0x8847);
	ck_assert(!pk.inner.eth.present);
	ck_assert_uint_eq(pk.inner.ip.version, 0);
}
END_TEST

START_TEST(empty_payload)
{
	struct pg g;
	static const uint8_t d[4] = { 0 };

	/* OAM with nothing after the options: fine */
	outer(&g, 50000, 6081, 0x80, 0x6558, 1);
	pg_gopt(&g, 0x0101, 0x05, d, 4);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_no_err(&pk, GNV_E_GNV_EMPTY);
	ck_assert(pk.gnv.oam);
	/* not OAM: no inner frame where one was announced */
	static const uint16_t protos[] = { 0x6558, 0x0800, 0x86dd };

	for (size_t i = 0; i < 3; i++) {
		outer(&g, 50000, 6081, 0, protos[i], 1);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_GNV_EMPTY, 50);
		ck_assert(!pk.err[0].inner);
	}
	/* an unknown protocol with no payload is not judged */
	outer(&g, 50000, 6081, 0, 0x1234, 1);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
}
END_TEST

START_TEST(destination_port_only)
{
	struct pg g;

	/* source port 6081 to another port: not Geneve */
	outer(&g, 6081, 4789, 0, 0x6558, 1);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(!pk.is_geneve);
	ck_assert(!pk.gnv.present);
	ck_assert(!pk.inner.eth.present);
	ck_assert_uint_eq(pk.outer.l4.sport, 6081);

	/* source port 4789 (VXLAN) or 53 (DNS) to 6081: Geneve */
	static const uint16_t sports[] = { 4789, 53, 3784, 6081, 0 };

	for (size_t i = 0; i < sizeof(sports) / sizeof(sports[0]); i++) {
		outer(&g, sports[i], 6081, 0, 0x6558, 77);
		inner_eth_ip4(&g);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_clean(&pk);
		ck_assert(pk.is_geneve);
		ck_assert_uint_eq(pk.gnv.vni, 77);
	}

	/* TCP to 6081 is not Geneve */
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 6);
	pg_tcp(&g, 1, 6081, 0x10);
	pg_geneve(&g, 0, 0x6558, 1);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert(!pk.is_geneve);
}
END_TEST

START_TEST(configurable_port)
{
	struct pg g;

	outer(&g, 50000, 7000, 0, 0x6558, 3);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert(!pk.is_geneve);
	ck_assert_int_eq(dec_port(&g, 7000), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.is_geneve);
	ck_assert_uint_eq(pk.gnv.vni, 3);
	/* with another port configured, 6081 is ordinary UDP */
	outer(&g, 50000, 6081, 0, 0x6558, 3);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec_port(&g, 7000), GNV_OK);
	ck_assert(!pk.is_geneve);
}
END_TEST

START_TEST(over_ipv6)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x6558, 0x10203);
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.gnv.off, 62);
	ck_assert_uint_eq(pk.gnv.vni, 0x10203);
	/* a zero UDP checksum over IPv6 is flagged, Geneve still decoded */
	gnv_put16(g.b + 60, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_UDP6_CSUM_ZERO, 60);
	ck_assert(pk.gnv.present);
	ck_assert(pk.inner.eth.present);
	/* a bad outer checksum does not hide the Geneve header */
	gnv_put16(g.b + 60, 0x1234);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_UDP_CSUM, 60);
	ck_assert(pk.gnv.present);
}
END_TEST

START_TEST(option_layout_warning)
{
	struct pg g;
	struct gnv_decode_cfg cfg;
	static const uint8_t d[28] = { 0 };

	/* right sizes: no warning (OVN 4, Mizar pod 4 in both class forms) */
	outer(&g, 50000, 6081, 0x40, 0x6558, 1);
	pg_gopt(&g, 0x0102, 0x80, d, 4);
	pg_gopt(&g, 0x0111, 0x50, d, 4);
	pg_gopt(&g, 0x1101, 0x49, d, 28);
	pg_gopt(&g, 0x0101, 0x01, d, 8);	/* OVS: no registered layout */
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	/* wrong sizes: a warning per option, at the option */
	outer(&g, 50000, 6081, 0x40, 0x6558, 1);
	pg_gopt(&g, 0x0102, 0x80, d, 8);	/* 50 */
	pg_gopt(&g, 0x1101, 0x50, d, 8);	/* 62 */
	pg_gopt(&g, 0xFFA7, 0x02, d, 0);	/* 74: eptype needs 4 */
	inner_eth_ip4(&g);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_uint_eq(pk.nerr, 3);
	ck_assert_uint_eq(pk.err[0].code, GNV_E_GNV_OPT_LAYOUT);
	ck_assert_uint_eq(pk.err[0].offset, 50);
	ck_assert_uint_eq(pk.err[1].code, GNV_E_GNV_OPT_LAYOUT);
	ck_assert_uint_eq(pk.err[1].offset, 62);
	ck_assert_uint_eq(pk.err[2].code, GNV_E_GNV_OPT_LAYOUT);
	ck_assert_uint_eq(pk.err[2].offset, 74);
	/* genv's class follows the configuration */
	gnv_decode_cfg_default(&cfg);
	cfg.genv_class = 0xFF10;
	gnv_decode(&pk, g.b, (uint32_t)g.n, (uint32_t)g.n, &cfg);
	ck_assert_uint_eq(pk.nerr, 2);
	ck_assert_uint_eq(pk.genv_class, 0xFF10);
}
END_TEST

START_TEST(inner_geneve_not_recursed)
{
	struct pg g;

	/* Geneve in Geneve: the inner UDP to 6081 is just UDP */
	outer(&g, 50000, 6081, 0, 0x6558, 1);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x6558, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.gnv.vni, 1);
	ck_assert_uint_eq(pk.inner.l4.dport, 6081);
}
END_TEST

Suite *geneve_suite(void)
{
	Suite *s = suite_create("geneve");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, base_fields);
	tcase_add_test(tc, oam_and_critical_flags);
	tcase_add_test(tc, version_nonzero);
	tcase_add_test(tc, short_and_truncated);
	tcase_add_test(tc, optlen_beyond_payload);
	tcase_add_test(tc, option_overrun);
	tcase_add_test(tc, option_truncated_by_capture);
	tcase_add_test(tc, critical_consistency);
	tcase_add_test(tc, reserved_bits);
	tcase_add_test(tc, zero_to_63_options);
	tcase_add_test(tc, options_252_bytes);
	tcase_add_test(tc, protocol_types);
	tcase_add_test(tc, empty_payload);
	tcase_add_test(tc, destination_port_only);
	tcase_add_test(tc, configurable_port);
	tcase_add_test(tc, over_ipv6);
	tcase_add_test(tc, option_layout_warning);
	tcase_add_test(tc, inner_geneve_not_recursed);
	suite_add_tcase(s, tc);
	return s;
}
