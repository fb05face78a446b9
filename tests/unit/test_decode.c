/* SPDX-License-Identifier: MIT */
/*
 * gnv_decode(): link layers, IPv4, IPv6, UDP, TCP, ICMP, every error code
 * (with its offset) and every truncation point of good frames.
 *
 * Offsets of the standard frames (pktgen.c):
 *   IPv4: eth 0, ip 14, udp 34, geneve 42, inner eth 50, ip 64, tcp 84, data 104..120
 *   IPv6: eth 0, ip 14, udp 54, geneve 62, inner eth 70, ip 84, tcp 124, data 144..160
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/csum.h"
#include "../../libcore/cursor.h"
#include "../../libcore/build.h"
#include "../../libcore/opt_genv.h"
#include "pktgen.h"

Suite *decode_suite(void);

static struct gnv_pkt pk;	/* large: keep it off the stack */

static enum gnv_status dec_cfg(const struct pg *g, uint32_t caplen, uint32_t len,
			       const struct gnv_decode_cfg *cfg)
{
	return gnv_decode(&pk, g->b, caplen, len, cfg);
}

static enum gnv_status dec(const struct pg *g)
{
	return pg_decode(g, &pk);
}

/* eth / ipv4 / udp sport->dport / n bytes */
static void udp4(struct pg *g, uint16_t sport, uint16_t dport, size_t n)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, sport, dport);
	pg_fill(g, 0xab, n);
	pg_finish(g);
}

static void udp6(struct pg *g, uint16_t sport, uint16_t dport, size_t n)
{
	pg_init(g);
	pg_eth(g, 0x86dd);
	pg_ip6(g, 17);
	pg_udp(g, sport, dport);
	pg_fill(g, 0xab, n);
	pg_finish(g);
}

static void tcp4(struct pg *g, size_t n)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 6);
	pg_tcp(g, 40000, 80, 0x12);
	pg_fill(g, 0x5a, n);
	pg_finish(g);
}

/* ---- link layers ---- */

START_TEST(eth_fields)
{
	struct pg g;

	udp4(&g, 1000, 2000, 4);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.outer.eth.present);
	ck_assert(!memcmp(pk.outer.eth.dst, pg_mac_b, 6));
	ck_assert(!memcmp(pk.outer.eth.src, pg_mac_a, 6));
	ck_assert_uint_eq(pk.outer.eth.type, 0x0800);
	ck_assert_uint_eq(pk.outer.eth.nvlan, 0);
	ck_assert_uint_eq(pk.outer.eth.off, 0);
	ck_assert_uint_eq(pk.caplen, g.n);
	ck_assert_uint_eq(pk.len, g.n);
	ck_assert_ptr_eq(pk.data, g.b);
	ck_assert(!pk.is_geneve);
	ck_assert(!pk.gnv.present);
	ck_assert(!pk.inner.eth.present);

	/* a wire length below the captured length is raised to it */
	ck_assert_int_eq(gnv_decode(&pk, g.b, (uint32_t)g.n, 10,
				    &(struct gnv_decode_cfg){ .linktype = GNV_LINK_ETH, .port = 6081 }),
			 GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.len, g.n);
}
END_TEST

START_TEST(eth_unknown_type)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x88cc);	/* LLDP: not decoded, not an error */
	pg_fill(&g, 0, 30);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.eth.type, 0x88cc);
	ck_assert_uint_eq(pk.outer.ip.version, 0);
}
END_TEST

START_TEST(vlan_one_tag)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x8100);
	pg_vlan(&g, 0x6064, 0x0800);	/* pcp 3, dei 0, vid 100 */
	pg_ip4(&g, 17);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.eth.nvlan, 1);
	ck_assert_uint_eq(pk.outer.eth.vlan[0].tpid, 0x8100);
	ck_assert_uint_eq(pk.outer.eth.vlan[0].tci, 0x6064);
	ck_assert_uint_eq(pk.outer.eth.type, 0x0800);
	ck_assert_uint_eq(pk.outer.ip.off, 18);
	ck_assert_uint_eq(pk.outer.l4.off, 38);
	ck_assert_uint_eq(pk.outer.l4.dport, 2);
}
END_TEST

START_TEST(vlan_qinq)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x88a8);
	pg_vlan(&g, 0x0fff, 0x8100);
	pg_vlan(&g, 0xf001, 0x86dd);
	pg_ip6(&g, 17);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.eth.nvlan, 2);
	ck_assert_uint_eq(pk.outer.eth.vlan[0].tpid, 0x88a8);
	ck_assert_uint_eq(pk.outer.eth.vlan[0].tci, 0x0fff);
	ck_assert_uint_eq(pk.outer.eth.vlan[1].tpid, 0x8100);
	ck_assert_uint_eq(pk.outer.eth.vlan[1].tci, 0xf001);
	ck_assert_uint_eq(pk.outer.eth.type, 0x86dd);
	ck_assert_uint_eq(pk.outer.ip.version, 6);
	ck_assert_uint_eq(pk.outer.ip.off, 22);

	/* the old 0x9100 outer TPID is a tag too */
	g.b[12] = 0x91;
	g.b[13] = 0x00;
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_uint_eq(pk.outer.eth.vlan[0].tpid, 0x9100);
	ck_assert_uint_eq(pk.outer.eth.nvlan, 2);
}
END_TEST

START_TEST(vlan_three_tags)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x88a8);
	pg_vlan(&g, 1, 0x8100);
	pg_vlan(&g, 2, 0x8100);
	pg_vlan(&g, 3, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_VLAN_DEPTH, 20);	/* the third TPID */
	ck_assert_uint_eq(pk.outer.eth.nvlan, 2);
	ck_assert_uint_eq(pk.outer.ip.version, 0);
}
END_TEST

START_TEST(vlan_truncated)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x8100);
	pg_vlan(&g, 5, 0x0800);
	pg_ip4(&g, 17);
	pg_finish(&g);
	for (uint32_t cap = 14; cap < 18; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &(struct gnv_decode_cfg){
			.linktype = GNV_LINK_ETH, .port = 6081 }), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_VLAN_TRUNC, 14);
	}
}
END_TEST

START_TEST(arp_fields)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x0806);
	pg_arp(&g, 2);
	pg_fill(&g, 0, 18);	/* Ethernet padding */
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.outer.arp.present);
	ck_assert_uint_eq(pk.outer.arp.off, 14);
	ck_assert_uint_eq(pk.outer.arp.htype, 1);
	ck_assert_uint_eq(pk.outer.arp.ptype, 0x0800);
	ck_assert_uint_eq(pk.outer.arp.hlen, 6);
	ck_assert_uint_eq(pk.outer.arp.plen, 4);
	ck_assert_uint_eq(pk.outer.arp.op, 2);
	ck_assert(!memcmp(pk.outer.arp.sha, pg_mac_a, 6));
	ck_assert(!memcmp(pk.outer.arp.spa, pg_ip4_a, 4));
	ck_assert(!memcmp(pk.outer.arp.tha, pg_mac_b, 6));
	ck_assert(!memcmp(pk.outer.arp.tpa, pg_ip4_b, 4));
}
END_TEST

START_TEST(arp_errors)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	pg_init(&g);
	pg_eth(&g, 0x0806);
	pg_arp(&g, 1);
	g.b[18] = 8;		/* hlen 8 */
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_ARP_FORMAT, 18);
	g.b[18] = 6;
	g.b[19] = 16;		/* plen 16 */
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_ARP_FORMAT, 18);
	g.b[19] = 4;
	/* truncated in the fixed part, then in the addresses */
	ck_assert_int_eq(dec_cfg(&g, 20, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_ARP_TRUNC, 14);
	ck_assert_int_eq(dec_cfg(&g, 30, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_ARP_TRUNC, 22);
	ck_assert(pk.outer.arp.present);
	ck_assert_uint_eq(pk.outer.arp.op, 1);
}
END_TEST

START_TEST(link_raw)
{
	struct pg g, g6;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = GNV_LINK_RAW;
	pg_init(&g);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x0800, 7);
	pg_ip4(&g, 1);
	pg_icmp(&g, 8, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec_cfg(&g, (uint32_t)g.n, (uint32_t)g.n, &cfg), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(!pk.outer.eth.present);
	ck_assert_uint_eq(pk.outer.ip.version, 4);
	ck_assert_uint_eq(pk.outer.ip.off, 0);
	ck_assert(pk.is_geneve);
	ck_assert_uint_eq(pk.gnv.vni, 7);
	ck_assert_uint_eq(pk.inner.ip.version, 4);
	ck_assert_uint_eq(pk.inner.l4.proto, 1);

	pg_init(&g6);
	pg_ip6(&g6, 17);
	pg_udp(&g6, 50000, 6081);
	pg_geneve(&g6, 0, 0x86dd, 8);
	pg_ip6(&g6, 58);
	pg_icmp6(&g6, 128, 1, 2);
	pg_finish(&g6);
	ck_assert_int_eq(dec_cfg(&g6, (uint32_t)g6.n, (uint32_t)g6.n, &cfg), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.ip.version, 6);
	ck_assert_uint_eq(pk.gnv.vni, 8);
	ck_assert_uint_eq(pk.inner.ip.version, 6);
	ck_assert_uint_eq(pk.inner.l4.proto, 58);

	/* an empty raw frame: nothing claimed, nothing there */
	ck_assert_int_eq(dec_cfg(&g, 0, 0, &cfg), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_HDR_OVERRUN, 0);
	/* version nibble neither 4 nor 6: read as IPv4, wrong version */
	g.b[0] = 0x55;
	ck_assert_int_eq(dec_cfg(&g, (uint32_t)g.n, (uint32_t)g.n, &cfg), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP_VERSION, 0);
	ck_assert_uint_eq(pk.outer.ip.version, 5);
}
END_TEST

START_TEST(link_sll)
{
	struct pg g;
	struct gnv_decode_cfg cfg;
	uint8_t sll[16] = { 0, 0, 0, 1, 0, 6, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00 };

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = GNV_LINK_SLL;
	pg_init(&g);
	pg_bytes(&g, sll, sizeof(sll));
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x6558, 9);
	pg_eth(&g, 0x0806);
	pg_arp(&g, 1);
	pg_finish(&g);
	ck_assert_int_eq(dec_cfg(&g, (uint32_t)g.n, (uint32_t)g.n, &cfg), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.eth.type, 0x0800);
	ck_assert_uint_eq(pk.outer.ip.off, 16);
	ck_assert_uint_eq(pk.gnv.vni, 9);
	ck_assert(pk.inner.arp.present);
	ck_assert_uint_eq(pk.inner.arp.off, 16 + 20 + 8 + 8 + 14);

	ck_assert_int_eq(dec_cfg(&g, 15, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_ETH_TRUNC, 0);
}
END_TEST

START_TEST(eth_truncated)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	udp4(&g, 1, 2, 0);
	for (uint32_t cap = 0; cap < 14; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_ETH_TRUNC, 0);
		ck_assert(!pk.outer.eth.present);
	}
}
END_TEST

/* ---- IPv4 ---- */

START_TEST(ip4_fields)
{
	struct pg g;
	struct gnv_ip *ip = &pk.outer.ip;

	udp4(&g, 1, 2, 10);
	g.b[15] = 0xb9;			/* DSCP 46, ECN 1 */
	g.b[18] = 0xbe;
	g.b[19] = 0xef;
	g.b[20] = 0x40;			/* DF */
	g.b[22] = 17;			/* ttl */
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(ip->version, 4);
	ck_assert_uint_eq(ip->off, 14);
	ck_assert_uint_eq(ip->hdr_size, 20);
	ck_assert_uint_eq(ip->tos, 0xb9);
	ck_assert_uint_eq(ip->tot_len, 20 + 8 + 10);
	ck_assert_uint_eq(ip->id, 0xbeef);
	ck_assert(ip->df);
	ck_assert(!ip->mf);
	ck_assert_uint_eq(ip->frag_off, 0);
	ck_assert(!ip->fragment);
	ck_assert_uint_eq(ip->ttl, 17);
	ck_assert_uint_eq(ip->proto, 17);
	ck_assert_uint_eq(ip->hcsum, gnv_be16(g.b + 24));
	ck_assert_int_eq(ip->hcsum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(ip->src.family, 4);
	ck_assert_uint_eq(ip->dst.family, 4);
	ck_assert(!memcmp(ip->src.a, pg_ip4_a, 4));
	ck_assert(!memcmp(ip->dst.a, pg_ip4_b, 4));
	ck_assert(!ip->len_from_frame);
	ck_assert_uint_eq(ip->n_ext, 0);
	ck_assert_uint_eq(pk.outer.l4.proto, 17);

	/* unknown protocol: IP decoded, nothing more */
	g.b[23] = 132;
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(ip->proto, 132);
	ck_assert_uint_eq(pk.outer.l4.proto, 0);
}
END_TEST

START_TEST(ip4_options_good)
{
	struct pg g;
	/* NOP, record route (len 7, ptr 4, one slot), EOL, then padding */
	static const uint8_t opts[12] = { 1, 7, 7, 4, 0, 0, 0, 0, 0, 0, 0, 0 };
	static const uint8_t opts2[8] = { 1, 1, 1, 1, 0x44, 4, 5, 0 };	/* NOPs, timestamp */

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4_opts(&g, 17, opts, sizeof(opts));
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.ip.hdr_size, 32);
	ck_assert_uint_eq(pk.outer.l4.off, 14 + 32);
	ck_assert_uint_eq(pk.outer.l4.dport, 2);

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4_opts(&g, 17, opts2, sizeof(opts2));
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);

	/* 40 bytes of options: the most IHL allows */
	{
		uint8_t o40[40];

		memset(o40, 1, sizeof(o40));
		pg_init(&g);
		pg_eth(&g, 0x0800);
		pg_ip4_opts(&g, 17, o40, sizeof(o40));
		pg_udp(&g, 1, 2);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_clean(&pk);
		ck_assert_uint_eq(pk.outer.ip.hdr_size, 60);
	}
}
END_TEST

static void ip4_opts_case(const uint8_t *opts, size_t n, size_t bad)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4_opts(&g, 17, opts, n);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP4_OPTIONS, 34 + bad);
	/* the rest of the packet is still decoded */
	ck_assert_uint_eq(pk.outer.l4.dport, 2);
}

START_TEST(ip4_options_bad)
{
	static const uint8_t len1[4] = { 7, 1, 0, 0 };		/* length below 2 */
	static const uint8_t len0[4] = { 1, 0x83, 0, 0 };	/* length 0 after a NOP */
	static const uint8_t past[4] = { 1, 1, 0x83, 3 };	/* runs past the header */
	static const uint8_t last[4] = { 1, 1, 1, 0x44 };	/* no room for a length */
	static const uint8_t past8[8] = { 0x83, 7, 4, 0, 0, 0, 0, 0x07 };

	ip4_opts_case(len1, 4, 0);
	ip4_opts_case(len0, 4, 1);
	ip4_opts_case(past, 4, 2);
	ip4_opts_case(last, 4, 3);
	ip4_opts_case(past8, 8, 7);
}
END_TEST

START_TEST(ip4_checksum)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	udp4(&g, 1, 2, 3);
	g.b[24] ^= 0x01;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP4_CSUM, 24);
	ck_assert_int_eq(pk.outer.ip.hcsum_state, GNV_CSUM_BAD);
	/* decoding goes on */
	ck_assert_uint_eq(pk.outer.l4.dport, 2);

	gnv_decode_cfg_default(&cfg);
	cfg.no_csum = true;
	ck_assert_int_eq(dec_cfg(&g, (uint32_t)g.n, (uint32_t)g.n, &cfg), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_int_eq(pk.outer.ip.hcsum_state, GNV_CSUM_UNVERIFIED);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_UNVERIFIED);

	/* the checksum covers the options too */
	{
		static const uint8_t opts[4] = { 1, 1, 1, 0 };

		pg_init(&g);
		pg_eth(&g, 0x0800);
		pg_ip4_opts(&g, 17, opts, 4);
		pg_udp(&g, 1, 2);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_OK);
		g.b[36] = 0;	/* change an option byte */
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_IP4_CSUM, 24);
	}
}
END_TEST

START_TEST(ip4_fragments)
{
	struct pg g;

	/* first fragment (MF, offset 0) of a TCP segment: L4 header decoded,
	 * checksum not verifiable */
	tcp4(&g, 32);
	g.b[20] = 0x20;
	g.b[21] = 0;
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP_FRAGMENT, 20);
	ck_assert(pk.outer.ip.fragment);
	ck_assert(pk.outer.ip.mf);
	ck_assert(!pk.outer.ip.df);
	ck_assert_uint_eq(pk.outer.ip.frag_off, 0);
	ck_assert_uint_eq(pk.outer.l4.proto, 6);
	ck_assert_uint_eq(pk.outer.l4.sport, 40000);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_UNVERIFIED);

	/* non-first fragment (offset 185*8, MF): no L4 header */
	g.b[20] = 0x20;
	g.b[21] = 185;
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP_FRAGMENT, 20);
	ck_assert_uint_eq(pk.outer.ip.frag_off, 185);
	ck_assert_uint_eq(pk.outer.l4.proto, 0);
	ck_assert_uint_eq(pk.outer.l4.sport, 0);

	/* last fragment (offset 0x1fff, no MF) */
	g.b[20] = 0x1f;
	g.b[21] = 0xff;
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP_FRAGMENT, 20);
	ck_assert_uint_eq(pk.outer.ip.frag_off, 0x1fff);
	ck_assert(!pk.outer.ip.mf);
	ck_assert_uint_eq(pk.outer.l4.proto, 0);
}
END_TEST

START_TEST(ip4_first_fragment_udp)
{
	struct pg g;

	/* first fragment of a 3000-byte Geneve datagram: the UDP length runs
	 * past this fragment legitimately; Geneve is not decoded from it */
	pg_std(&g);
	gnv_put16(g.b + 38, 3000);
	g.b[20] = 0x20;
	g.b[21] = 0;
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP_FRAGMENT, 20);
	ck_assert_uint_eq(pk.outer.l4.proto, 17);
	ck_assert_uint_eq(pk.outer.l4.dport, 6081);
	ck_assert_uint_eq(pk.outer.l4.ulen, 3000);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_UNVERIFIED);
	ck_assert(!pk.gnv.present);
}
END_TEST

START_TEST(ip4_length_zero_gso)
{
	struct pg g;

	/* GSO/BIG TCP super-packet captured before segmentation */
	pg_std(&g);
	gnv_put16(g.b + 16, 0);
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP4_LEN_ZERO, 16);
	ck_assert(pk.outer.ip.len_from_frame);
	ck_assert_uint_eq(pk.outer.ip.tot_len, g.n - 14);
	ck_assert(pk.is_geneve);
	ck_assert_uint_eq(pk.gnv.vni, 100);
	ck_assert_uint_eq(pk.inner.l4.dport, 80);

	/* the UDP length of a super-packet is per segment: no udp error, and the
	 * checksum (over the segment length) is not judged */
	gnv_put16(g.b + 38, 1400);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP4_LEN_ZERO, 16);
	ck_assert_int_ne(pk.outer.l4.csum_state, GNV_CSUM_BAD);
	ck_assert(pk.is_geneve);

	/* partial (offload) checksum over the true length is recognised */
	{
		uint32_t ps = csum_pseudo4(g.b + 26, g.b + 30, 17, (uint32_t)(g.n - 34));

		gnv_put16(g.b + 38, (uint16_t)(g.n - 34));
		gnv_put16(g.b + 40, (uint16_t)~csum_fold(ps));
		ck_assert_int_eq(dec(&g), GNV_OK);
		ck_assert_err(&pk, GNV_E_UDP_CSUM_PARTIAL, 40);
		ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_PARTIAL);
	}
}
END_TEST

START_TEST(ip4_lengths)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	/* total length below the header */
	for (unsigned int tl = 1; tl < 20; tl++) {
		udp4(&g, 1, 2, 4);
		gnv_put16(g.b + 16, (uint16_t)tl);
		pg_csum_ip4(&g, 14);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_IP4_TOTLEN, 16);
	}
	/* total length exactly the header: empty payload, UDP header missing */
	udp4(&g, 1, 2, 4);
	gnv_put16(g.b + 16, 20);
	pg_csum_ip4(&g, 14);
	dec(&g);
	ck_assert_err(&pk, GNV_E_HDR_OVERRUN, 34);
	ck_assert_no_err(&pk, GNV_E_IP4_TOTLEN);
	/* overrun by one byte */
	udp4(&g, 1, 2, 4);
	gnv_put16(g.b + 16, (uint16_t)(g.n - 14 + 1));
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP4_OVERRUN, 16);
	ck_assert_uint_eq(pk.outer.ip.tot_len, g.n - 14 + 1);
	/* overrun of the claimed length while only part is captured is still
	 * invalid, not truncated */
	ck_assert_int_eq(dec_cfg(&g, 40, (uint32_t)g.n, &cfg), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP4_OVERRUN, 16);
	/* Ethernet padding after the IP packet is fine */
	udp4(&g, 1, 2, 4);
	pg_fill(&g, 0, 20);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 4);
}
END_TEST

START_TEST(ip4_ihl)
{
	struct pg g;

	for (uint8_t ihl = 0; ihl < 5; ihl++) {
		udp4(&g, 1, 2, 4);
		g.b[14] = (uint8_t)(0x40 | ihl);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_IP4_IHL, 14);
		ck_assert_uint_eq(pk.outer.ip.hdr_size, ihl * 4);
	}
	/* IHL 15 (60 bytes) with the frame ending before: header past the end */
	udp4(&g, 1, 2, 4);
	g.b[14] = 0x4f;
	gnv_put16(g.b + 16, 60);
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP4_IHL, 14);
	ck_assert_err(&pk, GNV_E_IP4_OVERRUN, 16);
}
END_TEST

START_TEST(ip_version_mismatch)
{
	struct pg g;

	udp4(&g, 1, 2, 4);
	g.b[14] = 0x65;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP_VERSION, 14);
	ck_assert_uint_eq(pk.outer.ip.version, 6);

	udp6(&g, 1, 2, 4);
	g.b[14] = 0x45;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP_VERSION, 14);
	ck_assert_uint_eq(pk.outer.ip.version, 4);
}
END_TEST

START_TEST(ip4_truncated)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	udp4(&g, 1, 2, 4);
	for (uint32_t cap = 14; cap < 34; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_IP4_TRUNC, 14);
	}
}
END_TEST

/* ---- IPv6 ---- */

START_TEST(ip6_fields)
{
	struct pg g;
	struct gnv_ip *ip = &pk.outer.ip;

	udp6(&g, 1, 2, 10);
	g.b[14] = 0x6b;		/* traffic class 0xb8 (DSCP 46) */
	g.b[15] = 0x8f;		/* flow label 0xf1234 */
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(ip->version, 6);
	ck_assert_uint_eq(ip->off, 14);
	ck_assert_uint_eq(ip->tos, 0xb8);
	ck_assert_uint_eq(ip->flow_label, 0xf1234);
	ck_assert_uint_eq(ip->ttl, 64);
	ck_assert_uint_eq(ip->proto, 17);
	ck_assert_uint_eq(ip->hdr_size, 40);
	ck_assert_uint_eq(ip->tot_len, 40 + 8 + 10);
	ck_assert_uint_eq(ip->src.family, 6);
	ck_assert(!memcmp(ip->src.a, pg_ip6_a, 16));
	ck_assert(!memcmp(ip->dst.a, pg_ip6_b, 16));
	ck_assert_uint_eq(ip->n_ext, 0);
	ck_assert(!ip->fragment);
	ck_assert_int_eq(ip->hcsum_state, GNV_CSUM_NA);
	ck_assert_uint_eq(pk.outer.l4.off, 54);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);

	/* next header 59: nothing follows */
	g.b[20] = 59;
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.proto, 0);
}
END_TEST

START_TEST(ip6_ext_chain)
{
	struct pg g;
	struct gnv_ip *ip = &pk.outer.ip;

	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 0);
	pg_ip6_ext(&g, 0, 43, 8);	/* hop-by-hop */
	pg_ip6_ext(&g, 43, 60, 24);	/* routing */
	pg_ip6_ext(&g, 60, 44, 16);	/* destination options */
	pg_ip6_ext(&g, 44, 51, 8);	/* fragment (first, no MF: atomic) */
	pg_ip6_ext(&g, 51, 17, 16);	/* AH: length in 4-byte words - 2 */
	pg_udp(&g, 1000, 2000);
	pg_fill(&g, 1, 5);
	pg_finish(&g);
	/* fragment id */
	gnv_put32(g.b + 14 + 40 + 8 + 24 + 16 + 4, 0x00abcdef);
	dec(&g);
	ck_assert_only(&pk, GNV_E_IP_FRAGMENT, 14);
	ck_assert_uint_eq(ip->n_ext, 5);
	ck_assert_uint_eq(ip->ext[0], 0);
	ck_assert_uint_eq(ip->ext[1], 43);
	ck_assert_uint_eq(ip->ext[2], 60);
	ck_assert_uint_eq(ip->ext[3], 44);
	ck_assert_uint_eq(ip->ext[4], 51);
	ck_assert_uint_eq(ip->hdr_size, 40 + 8 + 24 + 16 + 8 + 16);
	ck_assert_uint_eq(ip->proto, 17);
	ck_assert(ip->fragment);
	ck_assert_uint_eq(ip->frag_off, 0);
	ck_assert(!ip->mf);
	ck_assert_uint_eq(ip->id, 0xcdef);
	ck_assert_uint_eq(pk.outer.l4.off, 14 + 40 + 72);
	ck_assert_uint_eq(pk.outer.l4.sport, 1000);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 5);
}
END_TEST

START_TEST(ip6_fragment_nonfirst)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 44);
	pg_ip6_ext(&g, 44, 17, 8);
	pg_fill(&g, 7, 40);
	pg_finish(&g);
	gnv_put16(g.b + 54 + 2, (uint16_t)(100 << 3 | 1));	/* offset 100, MF */
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP_FRAGMENT, 14);
	ck_assert_uint_eq(pk.outer.ip.frag_off, 100);
	ck_assert(pk.outer.ip.mf);
	ck_assert_uint_eq(pk.outer.l4.proto, 0);
}
END_TEST

START_TEST(ip6_jumbo)
{
	struct pg g;
	size_t hbh;

	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 0);
	hbh = pg_ip6_ext(&g, 0, 17, 8);
	pg_udp(&g, 1, 2);
	pg_fill(&g, 3, 12);
	pg_finish(&g);
	/* jumbo option (RFC 2675): type 0xc2, length 4, payload length */
	g.b[hbh + 2] = 0xc2;
	g.b[hbh + 3] = 4;
	gnv_put32(g.b + hbh + 4, (uint32_t)(g.n - 54));
	gnv_put16(g.b + 18, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.ip.jumbo_len, g.n - 54);
	ck_assert_uint_eq(pk.outer.ip.tot_len, g.n - 14);
	ck_assert(!pk.outer.ip.len_from_frame);
	ck_assert_uint_eq(pk.outer.l4.dport, 2);

	/* a jumbo length past the frame */
	gnv_put32(g.b + hbh + 4, 100000);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP6_OVERRUN, 18);
	/* a jumbo length so large that length + 40 wraps 32 bits */
	gnv_put32(g.b + hbh + 4, 0xfffffff0u);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP6_OVERRUN, 18);
	ck_assert_no_err(&pk, GNV_E_IP6_EXT);

	/* a hop-by-hop option running past its header */
	gnv_put32(g.b + hbh + 4, (uint32_t)(g.n - 54));
	g.b[hbh + 3] = 5;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP6_EXT, hbh + 2);
	/* Pad1 then PadN is fine */
	memset(g.b + hbh + 2, 0, 6);
	g.b[hbh + 3] = 1;
	g.b[hbh + 4] = 3;
	gnv_put16(g.b + 18, (uint16_t)(g.n - 54));
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	/* an option type byte at the very end, with no length byte */
	g.b[hbh + 2] = 0;
	g.b[hbh + 3] = 0;
	g.b[hbh + 4] = 0;
	g.b[hbh + 5] = 0;
	g.b[hbh + 6] = 0;
	g.b[hbh + 7] = 5;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP6_EXT, hbh + 7);
}
END_TEST

START_TEST(ip6_length_zero)
{
	struct pg g;

	pg_std6(&g);
	gnv_put16(g.b + 18, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_IP6_LEN_ZERO, 18);
	ck_assert(pk.outer.ip.len_from_frame);
	ck_assert_uint_eq(pk.outer.ip.tot_len, g.n - 14);
	ck_assert(pk.is_geneve);
	ck_assert_uint_eq(pk.inner.l4.dport, 80);
}
END_TEST

START_TEST(ip6_lengths)
{
	struct pg g;

	/* overrun */
	udp6(&g, 1, 2, 4);
	gnv_put16(g.b + 18, (uint16_t)(g.n - 54 + 1));
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_err(&pk, GNV_E_IP6_OVERRUN, 18);
	/* payload length shorter than the extension headers */
	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 60);
	pg_ip6_ext(&g, 60, 17, 16);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	gnv_put16(g.b + 18, 8);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP6_EXT, 18);
	/* an extension header past the end of the frame (not just the capture) */
	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 60);
	pg_fill(&g, 0, 1);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP6_EXT, 54);
	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 60);
	pg_ip6_ext(&g, 60, 17, 16);
	pg_finish(&g);
	g.b[55] = 5;	/* claims 48 bytes */
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP6_EXT, 54);
}
END_TEST

START_TEST(ip6_ext_truncated)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 60);
	pg_ip6_ext(&g, 60, 17, 16);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	for (uint32_t cap = 54; cap < 70; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_IP6_EXT_TRUNC, 54);
	}
	for (uint32_t cap = 14; cap < 54; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_IP6_TRUNC, 14);
	}
}
END_TEST

START_TEST(ip6_ext_depth)
{
	struct pg g;

	/* 8 extension headers are walked, a 9th is too many */
	for (int n = 8; n <= 9; n++) {
		pg_init(&g);
		pg_eth(&g, 0x86dd);
		pg_ip6(&g, 60);
		for (int i = 0; i < n; i++)
			pg_ip6_ext(&g, 60, i == n - 1 ? 17 : 60, 8);
		pg_udp(&g, 1, 2);
		pg_finish(&g);
		if (n == 8) {
			ck_assert_int_eq(dec(&g), GNV_OK);
			ck_assert_clean(&pk);
			ck_assert_uint_eq(pk.outer.ip.n_ext, 8);
			ck_assert_uint_eq(pk.outer.l4.dport, 2);
		} else {
			ck_assert_int_eq(dec(&g), GNV_INVALID);
			ck_assert_only(&pk, GNV_E_IP6_EXT_DEPTH, 54 + 8 * 8);
		}
	}
}
END_TEST

/* ---- UDP ---- */

START_TEST(udp_fields)
{
	struct pg g;
	struct gnv_l4 *l4 = &pk.outer.l4;

	udp4(&g, 12345, 53, 7);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(l4->proto, 17);
	ck_assert_uint_eq(l4->off, 34);
	ck_assert_uint_eq(l4->sport, 12345);
	ck_assert_uint_eq(l4->dport, 53);
	ck_assert_uint_eq(l4->ulen, 15);
	ck_assert_uint_eq(l4->csum, gnv_be16(g.b + 40));
	ck_assert_int_eq(l4->csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(l4->payload_off, 42);
	ck_assert_uint_eq(l4->payload_size, 7);
	ck_assert(!pk.is_geneve);
}
END_TEST

START_TEST(udp_lengths)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	for (uint16_t ul = 0; ul < 8; ul++) {
		udp4(&g, 1, 2, 4);
		gnv_put16(g.b + 38, ul);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_UDP_LEN, 38);
	}
	/* exactly 8: empty payload, then padding is "short" */
	udp4(&g, 1, 2, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 0);

	/* UDP length past the IP payload */
	udp4(&g, 1, 2, 4);
	gnv_put16(g.b + 38, 13);
	gnv_put16(g.b + 40, 0);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_UDP_OVERRUN, 38);

	/* UDP length shorter than the IP payload: trailing bytes */
	udp4(&g, 1, 2, 4);
	pg_fill(&g, 0xee, 3);
	gnv_put16(g.b + 16, (uint16_t)(g.n - 14));
	pg_csum_ip4(&g, 14);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_UDP_SHORT, 38);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 4);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);

	/* UDP header truncated by the capture */
	udp4(&g, 1, 2, 4);
	for (uint32_t cap = 34; cap < 42; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_UDP_TRUNC, 34);
	}
	/* payload truncated: checksum cannot be verified, not an error */
	ck_assert_int_eq(dec_cfg(&g, 43, (uint32_t)g.n, &cfg), GNV_OK);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_UNVERIFIED);
}
END_TEST

START_TEST(udp_checksums)
{
	struct pg g;

	/* zero over IPv4: allowed */
	udp4(&g, 1, 2, 5);
	gnv_put16(g.b + 40, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_ZERO);
	/* zero over IPv6: flagged */
	udp6(&g, 1, 2, 5);
	gnv_put16(g.b + 60, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_UDP6_CSUM_ZERO, 60);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_ZERO);
	/* bad over IPv4 and IPv6 */
	udp4(&g, 1, 2, 5);
	g.b[41] ^= 0x40;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_UDP_CSUM, 40);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_BAD);
	udp6(&g, 1, 2, 5);
	g.b[61] ^= 0x40;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_UDP_CSUM, 60);
	/* payload change caught */
	udp4(&g, 1, 2, 5);
	g.b[44] ^= 1;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_UDP_CSUM, 40);
	/* a computed 0 is sent as 0xffff and verifies: choose two payload
	 * bytes so that the segment sums to 0xffff */
	udp4(&g, 1, 2, 6);
	gnv_put16(g.b + 40, 0);
	gnv_put16(g.b + 42, 0);
	gnv_put16(g.b + 42, csum_fold(csum_partial(g.b + 34, g.n - 34,
			csum_pseudo4(g.b + 26, g.b + 30, 17, (uint32_t)(g.n - 34)))));
	gnv_put16(g.b + 40, 0xffff);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	/* partial: only the pseudo header sum, as before checksum offload */
	udp4(&g, 1, 2, 5);
	gnv_put16(g.b + 40, (uint16_t)~csum_fold(csum_pseudo4(g.b + 26, g.b + 30, 17,
							       (uint32_t)(g.n - 34))));
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_UDP_CSUM_PARTIAL, 40);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_PARTIAL);
	udp6(&g, 1, 2, 5);
	gnv_put16(g.b + 60, (uint16_t)~csum_fold(csum_pseudo6(g.b + 22, g.b + 38, 17,
							       (uint32_t)(g.n - 54))));
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_UDP_CSUM_PARTIAL, 60);
}
END_TEST

/* ---- TCP ---- */

START_TEST(tcp_fields)
{
	struct pg g;
	struct gnv_l4 *l4 = &pk.outer.l4;

	tcp4(&g, 9);
	g.b[46] |= 1;		/* NS */
	g.b[47] = 0xff;		/* all flags */
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(l4->proto, 6);
	ck_assert_uint_eq(l4->off, 34);
	ck_assert_uint_eq(l4->sport, 40000);
	ck_assert_uint_eq(l4->dport, 80);
	ck_assert_uint_eq(l4->seq, 1000);
	ck_assert_uint_eq(l4->ack, 2000);
	ck_assert_uint_eq(l4->flags, 0x1ff);
	ck_assert_uint_eq(l4->win, 65535);
	ck_assert_uint_eq(l4->doff, 20);
	ck_assert_uint_eq(l4->csum, gnv_be16(g.b + 50));
	ck_assert_int_eq(l4->csum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(l4->payload_off, 54);
	ck_assert_uint_eq(l4->payload_size, 9);
}
END_TEST

START_TEST(tcp_data_offset)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	/* options: doff 8 (32 bytes) */
	tcp4(&g, 20);
	g.b[46] = 8 << 4;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.doff, 32);
	ck_assert_uint_eq(pk.outer.l4.payload_off, 34 + 32);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 8);
	/* options cut by the capture */
	for (uint32_t cap = 54; cap < 66; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_TCP_TRUNC, 54);
	}
	/* doff below 5 words */
	for (uint8_t d = 0; d < 5; d++) {
		tcp4(&g, 4);
		g.b[46] = (uint8_t)(d << 4);
		pg_finish(&g);
		ck_assert_int_eq(dec(&g), GNV_INVALID);
		ck_assert_only(&pk, GNV_E_TCP_DOFF, 46);
	}
	/* doff past the segment (exactly the segment is fine) */
	tcp4(&g, 4);
	g.b[46] = 6 << 4;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 0);
	tcp4(&g, 4);
	g.b[46] = 7 << 4;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_TCP_DOFF, 46);
	/* header truncated */
	tcp4(&g, 4);
	for (uint32_t cap = 34; cap < 54; cap++) {
		ck_assert_int_eq(dec_cfg(&g, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		ck_assert_only(&pk, GNV_E_TCP_TRUNC, 34);
	}
}
END_TEST

START_TEST(tcp_checksums)
{
	struct pg g;

	tcp4(&g, 3);
	g.b[50] ^= 0x10;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_TCP_CSUM, 50);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_BAD);
	tcp4(&g, 3);
	gnv_put16(g.b + 50, (uint16_t)~csum_fold(csum_pseudo4(g.b + 26, g.b + 30, 6,
							       (uint32_t)(g.n - 34))));
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_only(&pk, GNV_E_TCP_CSUM_PARTIAL, 50);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_PARTIAL);
	/* IPv6 TCP */
	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 6);
	pg_tcp(&g, 1, 2, 0x10);
	pg_fill(&g, 9, 11);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	g.b[70] ^= 1;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_TCP_CSUM, 70);
}
END_TEST

/* ---- ICMP ---- */

START_TEST(icmp_v4)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 1);
	pg_icmp(&g, 8, 0x1234, 7);
	pg_fill(&g, 0x61, 13);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.proto, 1);
	ck_assert_uint_eq(pk.outer.l4.type, 8);
	ck_assert_uint_eq(pk.outer.l4.code, 0);
	ck_assert_uint_eq(pk.outer.l4.icmp_id, 0x1234);
	ck_assert_uint_eq(pk.outer.l4.icmp_seq, 7);
	ck_assert_uint_eq(pk.outer.l4.payload_off, 42);
	ck_assert_uint_eq(pk.outer.l4.payload_size, 13);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	/* no pseudo header over IPv4: a pseudo-only value is just bad */
	g.b[36] ^= 0xff;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_ICMP_CSUM, 36);
	/* truncated: the first 4 bytes, then the echo id/seq */
	ck_assert_int_eq(dec_cfg(&g, 37, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_ICMP_TRUNC, 34);
	ck_assert_int_eq(dec_cfg(&g, 40, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
	ck_assert_only(&pk, GNV_E_ICMP_TRUNC, 38);
	/* non-echo: 4-byte header only (dest unreachable) */
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 1);
	pg_icmp(&g, 3, 0, 0);
	pg_finish(&g);
	g.b[35] = 4;
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.type, 3);
	ck_assert_uint_eq(pk.outer.l4.code, 4);
	ck_assert_uint_eq(pk.outer.l4.payload_off, 38);
	ck_assert_uint_eq(pk.outer.l4.icmp_id, 0);
}
END_TEST

START_TEST(icmp_v6)
{
	struct pg g;

	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 58);
	pg_icmp6(&g, 129, 0x4321, 9);
	pg_fill(&g, 0x62, 10);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.outer.l4.proto, 58);
	ck_assert_uint_eq(pk.outer.l4.type, 129);
	ck_assert_uint_eq(pk.outer.l4.icmp_id, 0x4321);
	ck_assert_uint_eq(pk.outer.l4.icmp_seq, 9);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_OK);
	/* an ICMPv6 checksum computed without the pseudo header is wrong */
	gnv_put16(g.b + 56, 0);
	gnv_put16(g.b + 56, csum_fold(csum_partial(g.b + 54, g.n - 54, 0)));
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_ICMP_CSUM, 56);
	/* and so is the pseudo header sum alone (no "partial" for ICMP) */
	gnv_put16(g.b + 56, (uint16_t)~csum_fold(csum_pseudo6(g.b + 22, g.b + 38, 58,
							       (uint32_t)(g.n - 54))));
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_ICMP_CSUM, 56);
	ck_assert_int_eq(pk.outer.l4.csum_state, GNV_CSUM_BAD);

	/* protocol 1 over IPv6 and 58 over IPv4 are not ICMP of that family */
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 58);
	pg_fill(&g, 0, 8);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_uint_eq(pk.outer.l4.proto, 0);
}
END_TEST

/* ---- inner layers and bookkeeping ---- */

START_TEST(std_frames)
{
	struct pg g;

	pg_std(&g);
	ck_assert_uint_eq(g.n, 120);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.is_geneve);
	ck_assert_uint_eq(pk.gnv.off, 42);
	ck_assert_uint_eq(pk.gnv.inner_off, 50);
	ck_assert_uint_eq(pk.inner.eth.off, 50);
	ck_assert_uint_eq(pk.inner.eth.type, 0x0800);
	ck_assert_uint_eq(pk.inner.ip.off, 64);
	ck_assert_uint_eq(pk.inner.ip.proto, 6);
	ck_assert_uint_eq(pk.inner.l4.off, 84);
	ck_assert_uint_eq(pk.inner.l4.sport, 40000);
	ck_assert_uint_eq(pk.inner.l4.dport, 80);
	ck_assert_uint_eq(pk.inner.l4.flags, 0x02);
	ck_assert_int_eq(pk.inner.l4.csum_state, GNV_CSUM_OK);
	ck_assert_int_eq(pk.inner.ip.hcsum_state, GNV_CSUM_OK);
	ck_assert_uint_eq(pk.inner.l4.payload_size, 16);
	ck_assert_uint_eq(pk.genv_class, 0xFFA7);

	pg_std6(&g);
	ck_assert_uint_eq(g.n, 160);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert_uint_eq(pk.gnv.off, 62);
	ck_assert_uint_eq(pk.inner.ip.off, 84);
	ck_assert_uint_eq(pk.inner.ip.version, 6);
	ck_assert_uint_eq(pk.inner.l4.off, 124);
	ck_assert_int_eq(pk.inner.l4.csum_state, GNV_CSUM_OK);
}
END_TEST

START_TEST(inner_errors_marked)
{
	struct pg g;

	/* break the inner IPv4 checksum, keep the outer UDP checksum right */
	pg_std(&g);
	g.b[74] ^= 1;
	pg_csum_l4(&g, 14, 34, 17, g.n - 34);
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP4_CSUM, 74);
	ck_assert(pk.err[0].inner);
	ck_assert(!pk.in_inner);

	/* an outer error is not inner */
	pg_std(&g);
	g.b[24] ^= 1;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_only(&pk, GNV_E_IP4_CSUM, 24);
	ck_assert(!pk.err[0].inner);
}
END_TEST

START_TEST(outer_only)
{
	struct pg g;
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.outer_only = true;
	pg_std(&g);
	g.b[74] ^= 1;	/* inner problem, not looked at */
	pg_csum_l4(&g, 14, 34, 17, g.n - 34);
	ck_assert_int_eq(dec_cfg(&g, (uint32_t)g.n, (uint32_t)g.n, &cfg), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(pk.gnv.present);
	ck_assert(!pk.inner.eth.present);
}
END_TEST

START_TEST(reuse_pkt)
{
	struct pg g;
	static const uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 1, 6081);
	pg_geneve(&g, 0x40, 0x6558, 5);
	for (int i = 0; i < 10; i++)
		pg_gopt(&g, 0x0102, 0x80, d, 8);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 2, 3);
	pg_finish(&g);
	g.b[24] ^= 1;
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert_uint_eq(pk.gnv.nopt, 10);
	ck_assert_uint_eq(pk.nerr, 11);	/* 10 x option_layout (8 bytes, not 4) + checksum */

	/* the same gnv_pkt, a different frame: nothing left over */
	udp4(&g, 5, 6, 0);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_clean(&pk);
	ck_assert(!pk.is_geneve);
	ck_assert(!pk.gnv.present);
	ck_assert_uint_eq(pk.gnv.nopt, 0);
	ck_assert(!pk.gnv.any_critical);
	ck_assert(!pk.inner.eth.present);
	ck_assert_uint_eq(pk.inner.ip.version, 0);
	ck_assert(!pk.err_overflow);
}
END_TEST

START_TEST(error_overflow)
{
	struct pg g;
	static const uint8_t d[4] = { 0 };

	/* 20 options with reserved bits set: 20 warnings, 16 kept */
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 1, 6081);
	pg_geneve(&g, 0, 0x6558, 5);
	for (int i = 0; i < 20; i++) {
		size_t o = pg_gopt(&g, 0x0101, 1, d, 4);

		g.b[o + 3] |= 0x20;
	}
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 2, 3);
	pg_finish(&g);
	ck_assert_int_eq(dec(&g), GNV_OK);
	ck_assert_uint_eq(pk.nerr, GNV_MAX_ERRS);
	ck_assert(pk.err_overflow);
	ck_assert_uint_eq(pk.err[0].offset, 50 + 3);
	ck_assert_uint_eq(pk.err[15].offset, 50 + 15 * 8 + 3);
	/* the status still rises for errors past the kept list: break the
	 * inner UDP checksum (found after the 20 warnings) */
	{
		size_t iu = pg_off(&g, PG_UDP, 1);

		g.b[iu + 7] ^= 1;
		pg_csum_l4(&g, 14, 34, 17, g.n - 34);
	}
	ck_assert_int_eq(dec(&g), GNV_INVALID);
	ck_assert(pk.err_overflow);
	ck_assert_int_lt(pg_err_find(&pk, GNV_E_UDP_CSUM), 0);	/* dropped from the list */
}
END_TEST

START_TEST(error_api)
{
	for (unsigned int c = 0; c < GNV_E__COUNT; c++) {
		const char *code = gnv_err_code(c);
		const char *msg = gnv_err_msg(c);

		ck_assert_ptr_nonnull(code);
		ck_assert_ptr_nonnull(msg);
		ck_assert_msg(strchr(code, '.') != NULL, "code '%s' has no layer prefix", code);
		ck_assert_msg(strcmp(code, "unknown"), "code %u unnamed", c);
		ck_assert_msg(msg[0] && msg[strlen(msg) - 1] != '.', "message of %s", code);
		ck_assert_int_eq(gnv_err_lookup(code), (int)c);
		ck_assert_int_le(gnv_err_severity(c), GNV_SEV_INVALID);
		for (unsigned int d = 0; d < c; d++)
			ck_assert_msg(strcmp(code, gnv_err_code(d)), "duplicate code %s", code);
	}
	ck_assert_str_eq(gnv_err_code(GNV_E__COUNT), "unknown");
	ck_assert_str_eq(gnv_err_code(9999), "unknown");
	ck_assert_str_eq(gnv_err_msg(GNV_E__COUNT), "unknown error");
	ck_assert_int_eq(gnv_err_severity(GNV_E__COUNT), GNV_SEV_INVALID);
	ck_assert_int_eq(gnv_err_lookup("no.such.code"), -1);
	ck_assert_int_eq(gnv_err_lookup(""), -1);
	ck_assert_str_eq(gnv_status_name(GNV_OK), "ok");
	ck_assert_str_eq(gnv_status_name(GNV_TRUNCATED), "truncated");
	ck_assert_str_eq(gnv_status_name(GNV_INVALID), "invalid");
	ck_assert_str_eq(gnv_status_name((enum gnv_status)7), "invalid");
	/* a few codes are API: their names must not drift */
	ck_assert_str_eq(gnv_err_code(GNV_E_GNV_VERSION), "geneve.version");
	ck_assert_str_eq(gnv_err_code(GNV_E_UDP_CSUM), "udp.checksum");
	ck_assert_str_eq(gnv_err_code(GNV_E_GNV_CRIT_NO_C), "geneve.critical_without_c");
	ck_assert_int_eq(gnv_err_severity(GNV_E_GNV_VERSION), GNV_SEV_INVALID);
	ck_assert_int_eq(gnv_err_severity(GNV_E_ETH_TRUNC), GNV_SEV_TRUNCATED);
	ck_assert_int_eq(gnv_err_severity(GNV_E_IP_FRAGMENT), GNV_SEV_WARNING);
}
END_TEST

/*
 * Every error code, produced on purpose, asserted with its offset.  The
 * table is indexed by code, so a code added to err.h without a case here
 * fails 'every_code_has_a_case'.
 */
struct ecase {
	struct pg g;
	struct gnv_decode_cfg cfg;
	uint32_t caplen, len;	/* 0: the whole frame */
};

typedef uint32_t (*ebuild)(struct ecase *e);	/* returns the expected offset */

static void opt_frame(struct pg *g, uint8_t flags, uint16_t cls, uint8_t type, size_t size)
{
	uint8_t d[124] = { 0 };

	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, 50000, 6081);
	pg_geneve(g, flags, 0x6558, 100);
	pg_gopt(g, cls, type, d, size);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, 1, 2);
	pg_finish(g);
}

static uint32_t e_eth_trunc(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->caplen = 13; return 0; }
static uint32_t e_vlan_trunc(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x8100); pg_vlan(&e->g, 1, 0x0800); pg_ip4(&e->g, 17);
	pg_finish(&e->g); e->caplen = 17; return 14;
}
static uint32_t e_vlan_depth(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x8100); pg_vlan(&e->g, 1, 0x8100);
	pg_vlan(&e->g, 2, 0x8100); pg_vlan(&e->g, 3, 0x0800); pg_finish(&e->g); return 20;
}
static uint32_t e_arp_trunc(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x0806); pg_arp(&e->g, 1); e->caplen = 20; return 14;
}
static uint32_t e_arp_format(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x0806); pg_arp(&e->g, 1); e->g.b[19] = 6; return 18;
}
static uint32_t e_ip_version(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->g.b[14] = 0x75; return 14; }
static uint32_t e_ip4_trunc(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->caplen = 33; return 14; }
static uint32_t e_ip4_ihl(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->g.b[14] = 0x44; return 14; }
static uint32_t e_ip4_totlen(struct ecase *e)
{
	udp4(&e->g, 1, 2, 0); gnv_put16(e->g.b + 16, 19); pg_csum_ip4(&e->g, 14); return 16;
}
static uint32_t e_ip4_overrun(struct ecase *e)
{
	udp4(&e->g, 1, 2, 0); gnv_put16(e->g.b + 16, 29); pg_csum_ip4(&e->g, 14); return 16;
}
static uint32_t e_ip4_len_zero(struct ecase *e)
{
	udp4(&e->g, 1, 2, 0); gnv_put16(e->g.b + 16, 0); pg_csum_ip4(&e->g, 14); return 16;
}
static uint32_t e_ip4_options(struct ecase *e)
{
	static const uint8_t o[4] = { 1, 0x44, 1, 0 };

	pg_init(&e->g); pg_eth(&e->g, 0x0800); pg_ip4_opts(&e->g, 17, o, 4); pg_udp(&e->g, 1, 2);
	pg_finish(&e->g); return 35;
}
static uint32_t e_ip4_csum(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->g.b[25] ^= 1; return 24; }
static uint32_t e_ip_fragment(struct ecase *e)
{
	udp4(&e->g, 1, 2, 0); e->g.b[20] = 0; e->g.b[21] = 1; pg_csum_ip4(&e->g, 14); return 20;
}
static uint32_t e_ip6_trunc(struct ecase *e) { udp6(&e->g, 1, 2, 0); e->caplen = 53; return 14; }
static uint32_t e_ip6_overrun(struct ecase *e) { udp6(&e->g, 1, 2, 0); e->g.b[19] = 9; return 18; }
static uint32_t e_ip6_len_zero(struct ecase *e) { udp6(&e->g, 1, 2, 0); e->g.b[19] = 0; return 18; }
static uint32_t e_ip6_ext_trunc(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x86dd); pg_ip6(&e->g, 43); pg_ip6_ext(&e->g, 43, 17, 8);
	pg_udp(&e->g, 1, 2); pg_finish(&e->g); e->caplen = 55; return 54;
}
static uint32_t e_ip6_ext(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x86dd); pg_ip6(&e->g, 0); pg_ip6_ext(&e->g, 0, 17, 8);
	pg_udp(&e->g, 1, 2); pg_finish(&e->g); e->g.b[57] = 200; return 56;
}
static uint32_t e_ip6_ext_depth(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x86dd); pg_ip6(&e->g, 60);
	for (int i = 0; i < 9; i++)
		pg_ip6_ext(&e->g, 60, 60, 8);
	pg_finish(&e->g); return 54 + 64;
}
/* IPv4 total length 24 claims only 4 bytes for the UDP header */
static uint32_t e_hdr_overrun(struct ecase *e)
{
	udp4(&e->g, 1, 2, 0); gnv_put16(e->g.b + 16, 24); pg_csum_ip4(&e->g, 14); return 34;
}
static uint32_t e_udp_trunc(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->caplen = 41; return 34; }
static uint32_t e_udp_len(struct ecase *e) { udp4(&e->g, 1, 2, 0); e->g.b[39] = 4; return 38; }
static uint32_t e_udp_overrun(struct ecase *e)
{
	udp4(&e->g, 1, 2, 0); e->g.b[39] = 9; gnv_put16(e->g.b + 40, 0); return 38;
}
static uint32_t e_udp_short(struct ecase *e)
{
	udp4(&e->g, 1, 2, 2); e->g.b[39] = 9; pg_csum_l4(&e->g, 14, 34, 17, 9); return 38;
}
static uint32_t e_udp_csum(struct ecase *e) { udp4(&e->g, 1, 2, 2); e->g.b[40] ^= 4; return 40; }
static uint32_t e_udp_csum_partial(struct ecase *e)
{
	udp4(&e->g, 1, 2, 2);
	gnv_put16(e->g.b + 40, (uint16_t)~csum_fold(csum_pseudo4(pg_ip4_a, pg_ip4_b, 17, 10)));
	return 40;
}
static uint32_t e_udp6_csum_zero(struct ecase *e) { udp6(&e->g, 1, 2, 2); gnv_put16(e->g.b + 60, 0); return 60; }
static uint32_t e_tcp_trunc(struct ecase *e) { tcp4(&e->g, 0); e->caplen = 53; return 34; }
static uint32_t e_tcp_doff(struct ecase *e) { tcp4(&e->g, 0); e->g.b[46] = 0x40; return 46; }
static uint32_t e_tcp_csum(struct ecase *e) { tcp4(&e->g, 1); e->g.b[54] ^= 1; return 50; }
static uint32_t e_tcp_csum_partial(struct ecase *e)
{
	tcp4(&e->g, 1);
	gnv_put16(e->g.b + 50, (uint16_t)~csum_fold(csum_pseudo4(pg_ip4_a, pg_ip4_b, 6, 21)));
	return 50;
}
static uint32_t e_icmp_trunc(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x0800); pg_ip4(&e->g, 1); pg_icmp(&e->g, 0, 1, 1);
	pg_finish(&e->g); e->caplen = 36; return 34;
}
static uint32_t e_icmp_csum(struct ecase *e)
{
	pg_init(&e->g); pg_eth(&e->g, 0x0800); pg_ip4(&e->g, 1); pg_icmp(&e->g, 0, 1, 1);
	pg_finish(&e->g); e->g.b[41] ^= 1; return 36;
}
static uint32_t e_gnv_trunc(struct ecase *e) { pg_std(&e->g); e->caplen = 49; return 42; }
static uint32_t e_gnv_short(struct ecase *e) { udp4(&e->g, 1, 6081, 7); return 42; }
static uint32_t e_gnv_version(struct ecase *e)
{
	pg_std(&e->g); e->g.b[42] = 0x40; pg_finish(&e->g); return 42;
}
static uint32_t e_gnv_optlen(struct ecase *e)
{
	static const uint8_t d[4] = { 1, 2, 3, 4 };

	/* one 8-byte option present, Opt Len claims 12 bytes */
	udp4(&e->g, 50000, 6081, 0); pg_geneve(&e->g, 0, 0x6558, 1);
	pg_gopt(&e->g, 0x0101, 1, d, 4); e->g.b[42] = 3; pg_finish(&e->g); return 42;
}
static uint32_t e_gnv_opt_overrun(struct ecase *e)
{
	opt_frame(&e->g, 0, 0x0101, 1, 4); e->g.b[53] = 2; pg_finish(&e->g); return 53;
}
static uint32_t e_gnv_opt_trunc(struct ecase *e)
{
	opt_frame(&e->g, 0, 0x0101, 1, 8); e->caplen = 57; return 54;
}
static uint32_t e_gnv_crit_no_c(struct ecase *e) { opt_frame(&e->g, 0, 0x0101, 0x81, 4); return 43; }
static uint32_t e_gnv_c_no_crit(struct ecase *e) { opt_frame(&e->g, 0x40, 0x0101, 0x01, 4); return 43; }
static uint32_t e_gnv_rsvd(struct ecase *e) { pg_std(&e->g); e->g.b[43] = 0x01; pg_finish(&e->g); return 43; }
static uint32_t e_gnv_opt_rsvd(struct ecase *e)
{
	opt_frame(&e->g, 0, 0x0101, 1, 4); e->g.b[53] |= 0x80; pg_finish(&e->g); return 53;
}
static uint32_t e_gnv_opt_layout(struct ecase *e)
{
	opt_frame(&e->g, 0x40, 0x0102, 0x80, 8); return 50;	/* OVN data is 4 bytes */
}
static uint32_t e_gnv_proto(struct ecase *e)
{
	pg_std(&e->g); gnv_put16(e->g.b + 44, 0x88b5); pg_finish(&e->g); return 44;
}
static uint32_t e_gnv_empty(struct ecase *e)
{
	udp4(&e->g, 1, 6081, 0);
	pg_geneve(&e->g, 0, 0x0800, 1);
	pg_finish(&e->g);
	return 50;
}

/* The other tunnels: a frame from the packet language, tunnels on. */
static void e_lang(struct ecase *e, const char *text)
{
	size_t n;
	char err[200];

	ck_assert_msg(!gnv_lang_build(text, GENV_CLASS_DEFAULT, e->g.b, sizeof(e->g.b), &n,
				      err, sizeof(err)), "%s: %s", text, err);
	e->g.n = n;
	gnv_decode_cfg_tunnels(&e->cfg);
}
static uint32_t e_vx_trunc(struct ecase *e) { e_lang(e, "vxlan vni=1 / eth / ipv4 / udp"); e->caplen = 49; return 42; }
static uint32_t e_vx_short(struct ecase *e) { e_lang(e, "udp dport=4789 / payload len=7"); return 42; }
static uint32_t e_vx_flags(struct ecase *e) { e_lang(e, "vxlan flags=0 / eth / ipv4 / udp"); return 42; }
static uint32_t e_vx_rsvd(struct ecase *e) { e_lang(e, "vxlan rsvd2=1 / eth / ipv4 / udp"); return 42; }
static uint32_t e_vx_version(struct ecase *e) { e_lang(e, "vxlan-gpe flags=0x1c / ipv4 / udp"); return 42; }
static uint32_t e_vx_proto(struct ecase *e) { e_lang(e, "vxlan-gpe np=4 / payload len=8"); return 45; }
static uint32_t e_vx_empty(struct ecase *e) { e_lang(e, "vxlan vni=1"); return 50; }
static uint32_t e_gre_trunc(struct ecase *e) { e_lang(e, "gre key=1 / ipv4 / udp"); e->caplen = 40; return 34; }
static uint32_t e_gre_version(struct ecase *e) { e_lang(e, "gre flags=0x0001 / ipv4 / udp"); return 34; }
static uint32_t e_gre_flags(struct ecase *e) { e_lang(e, "gre flags=0x4000 / ipv4 / udp"); return 34; }
static uint32_t e_gre_rsvd(struct ecase *e) { e_lang(e, "gre flags=0x0100 / ipv4 / udp"); return 34; }
static uint32_t e_gre_csum(struct ecase *e) { e_lang(e, "gre csum=bad / ipv4 / udp"); return 38; }
static uint32_t e_gre_proto(struct ecase *e) { e_lang(e, "gre proto=0x88b5 / payload len=4"); return 36; }
static uint32_t e_gre_empty(struct ecase *e) { e_lang(e, "gre"); return 38; }
static uint32_t e_gue_trunc(struct ecase *e) { e_lang(e, "gue ext=00000000 / ipv4 / udp"); e->caplen = 48; return 46; }
static uint32_t e_gue_version(struct ecase *e) { e_lang(e, "gue ver=2 / payload len=8"); return 42; }
static uint32_t e_gue_proto(struct ecase *e) { e_lang(e, "gue proto=17 / payload len=8"); return 43; }
static uint32_t e_gue_empty(struct ecase *e) { e_lang(e, "gue proto=41"); return 46; }
/* STT over TCP 7471 (no stt layer in the language for the raw header bytes) */
static uint32_t e_stt_trunc(struct ecase *e) { e_lang(e, "tcp dport=7471 seq=0 / payload len=40"); e->caplen = 64; return 54; }
static uint32_t e_stt_version(struct ecase *e) { e_lang(e, "tcp dport=7471 seq=0 / payload hex=0100000000000000000000000000000500000000"); return 54; }
static uint32_t e_stt_empty(struct ecase *e) { e_lang(e, "tcp dport=7471 seq=0 / payload hex=000000000000000000000000000000050000"); return 72; }
static uint32_t e_stt_cont(struct ecase *e) { e_lang(e, "tcp dport=7471 seq=0x00400012 / payload hex=0102030405060708"); return 54; }

static const struct {
	ebuild build;
	bool inner;
} ecases[GNV_E__COUNT] = {
	[GNV_E_HDR_OVERRUN] = { e_hdr_overrun, false },
	[GNV_E_ETH_TRUNC] = { e_eth_trunc, false },
	[GNV_E_VLAN_TRUNC] = { e_vlan_trunc, false },
	[GNV_E_VLAN_DEPTH] = { e_vlan_depth, false },
	[GNV_E_ARP_TRUNC] = { e_arp_trunc, false },
	[GNV_E_ARP_FORMAT] = { e_arp_format, false },
	[GNV_E_IP_VERSION] = { e_ip_version, false },
	[GNV_E_IP4_TRUNC] = { e_ip4_trunc, false },
	[GNV_E_IP4_IHL] = { e_ip4_ihl, false },
	[GNV_E_IP4_TOTLEN] = { e_ip4_totlen, false },
	[GNV_E_IP4_OVERRUN] = { e_ip4_overrun, false },
	[GNV_E_IP4_LEN_ZERO] = { e_ip4_len_zero, false },
	[GNV_E_IP4_OPTIONS] = { e_ip4_options, false },
	[GNV_E_IP4_CSUM] = { e_ip4_csum, false },
	[GNV_E_IP_FRAGMENT] = { e_ip_fragment, false },
	[GNV_E_IP6_TRUNC] = { e_ip6_trunc, false },
	[GNV_E_IP6_OVERRUN] = { e_ip6_overrun, false },
	[GNV_E_IP6_LEN_ZERO] = { e_ip6_len_zero, false },
	[GNV_E_IP6_EXT_TRUNC] = { e_ip6_ext_trunc, false },
	[GNV_E_IP6_EXT] = { e_ip6_ext, false },
	[GNV_E_IP6_EXT_DEPTH] = { e_ip6_ext_depth, false },
	[GNV_E_UDP_TRUNC] = { e_udp_trunc, false },
	[GNV_E_UDP_LEN] = { e_udp_len, false },
	[GNV_E_UDP_OVERRUN] = { e_udp_overrun, false },
	[GNV_E_UDP_SHORT] = { e_udp_short, false },
	[GNV_E_UDP_CSUM] = { e_udp_csum, false },
	[GNV_E_UDP_CSUM_PARTIAL] = { e_udp_csum_partial, false },
	[GNV_E_UDP6_CSUM_ZERO] = { e_udp6_csum_zero, false },
	[GNV_E_TCP_TRUNC] = { e_tcp_trunc, false },
	[GNV_E_TCP_DOFF] = { e_tcp_doff, false },
	[GNV_E_TCP_CSUM] = { e_tcp_csum, false },
	[GNV_E_TCP_CSUM_PARTIAL] = { e_tcp_csum_partial, false },
	[GNV_E_ICMP_TRUNC] = { e_icmp_trunc, false },
	[GNV_E_ICMP_CSUM] = { e_icmp_csum, false },
	[GNV_E_GNV_TRUNC] = { e_gnv_trunc, false },
	[GNV_E_GNV_SHORT] = { e_gnv_short, false },
	[GNV_E_GNV_VERSION] = { e_gnv_version, false },
	[GNV_E_GNV_OPTLEN] = { e_gnv_optlen, false },
	[GNV_E_GNV_OPT_OVERRUN] = { e_gnv_opt_overrun, false },
	[GNV_E_GNV_OPT_TRUNC] = { e_gnv_opt_trunc, false },
	[GNV_E_GNV_CRIT_NO_C] = { e_gnv_crit_no_c, false },
	[GNV_E_GNV_C_NO_CRIT] = { e_gnv_c_no_crit, false },
	[GNV_E_GNV_RSVD] = { e_gnv_rsvd, false },
	[GNV_E_GNV_OPT_RSVD] = { e_gnv_opt_rsvd, false },
	[GNV_E_GNV_OPT_LAYOUT] = { e_gnv_opt_layout, false },
	[GNV_E_GNV_PROTO] = { e_gnv_proto, false },
	[GNV_E_GNV_EMPTY] = { e_gnv_empty, false },
	[GNV_E_VX_TRUNC] = { e_vx_trunc, false },
	[GNV_E_VX_SHORT] = { e_vx_short, false },
	[GNV_E_VX_FLAGS] = { e_vx_flags, false },
	[GNV_E_VX_RSVD] = { e_vx_rsvd, false },
	[GNV_E_VX_VERSION] = { e_vx_version, false },
	[GNV_E_VX_PROTO] = { e_vx_proto, false },
	[GNV_E_VX_EMPTY] = { e_vx_empty, false },
	[GNV_E_GRE_TRUNC] = { e_gre_trunc, false },
	[GNV_E_GRE_VERSION] = { e_gre_version, false },
	[GNV_E_GRE_FLAGS] = { e_gre_flags, false },
	[GNV_E_GRE_RSVD] = { e_gre_rsvd, false },
	[GNV_E_GRE_CSUM] = { e_gre_csum, false },
	[GNV_E_GRE_PROTO] = { e_gre_proto, false },
	[GNV_E_GRE_EMPTY] = { e_gre_empty, false },
	[GNV_E_GUE_TRUNC] = { e_gue_trunc, false },
	[GNV_E_GUE_VERSION] = { e_gue_version, false },
	[GNV_E_GUE_PROTO] = { e_gue_proto, false },
	[GNV_E_GUE_EMPTY] = { e_gue_empty, false },
	[GNV_E_STT_TRUNC] = { e_stt_trunc, false },
	[GNV_E_STT_VERSION] = { e_stt_version, false },
	[GNV_E_STT_EMPTY] = { e_stt_empty, false },
	[GNV_E_STT_CONT] = { e_stt_cont, false },
};

START_TEST(every_code_has_a_case)
{
	for (unsigned int c = 0; c < GNV_E__COUNT; c++)
		ck_assert_msg(ecases[c].build != NULL, "no test produces %s", gnv_err_code(c));
}
END_TEST

/* One loop iteration per code: the code alone, at its offset, with its status. */
START_TEST(every_code_alone)
{
	static struct ecase e;
	unsigned int c = (unsigned int)_i;
	uint32_t off;

	if (!ecases[c].build)
		return;		/* reported by every_code_has_a_case */
	memset(&e, 0, sizeof(e));
	gnv_decode_cfg_default(&e.cfg);
	off = ecases[c].build(&e);
	if (!e.len)
		e.len = (uint32_t)e.g.n;
	if (!e.caplen)
		e.caplen = e.len;
	gnv_decode(&pk, e.g.b, e.caplen, e.len, &e.cfg);
	ck_assert_msg(pk.nerr == 1 && pk.err[0].code == c,
		      "case for %s produced: %s", gnv_err_code(c), pg_err_list(&pk));
	ck_assert_msg(pk.err[0].offset == off, "%s at offset %u, expected %u",
		      gnv_err_code(c), pk.err[0].offset, off);
	ck_assert_msg(pk.err[0].inner == ecases[c].inner, "%s inner flag", gnv_err_code(c));
	ck_assert_int_eq(pk.status, (int)gnv_err_severity(c));
	ck_assert(gnv_pkt_has_error(&pk, (enum gnv_errcode)c));
}
END_TEST

/*
 * Every truncation point: a good frame captured with caplen = 0..len is
 * truncated (never invalid) while headers are cut, and never read past
 * caplen -- the bytes live in a heap block of exactly caplen bytes, so the
 * SAN build (make SAN=1) catches any read beyond it.
 */
static void sweep(const struct pg *g, const struct gnv_decode_cfg *cfg, const char *what)
{
	uint32_t len = (uint32_t)g->n, hdr_end;

	gnv_decode(&pk, g->b, len, len, cfg);
	ck_assert_msg(pk.status == GNV_OK && pk.nerr == 0, "%s: not clean: %s", what, pg_err_list(&pk));
	/* the end of the last header decoded */
	hdr_end = pk.inner.l4.payload_off ? pk.inner.l4.payload_off :
		  pk.gnv.inner_off ? pk.gnv.inner_off : pk.outer.l4.payload_off;
	ck_assert_uint_gt(hdr_end, 0);
	for (uint32_t cap = 0; cap <= len; cap++) {
		uint8_t *p = malloc(cap ? cap : 1);
		enum gnv_status st;

		ck_assert_ptr_nonnull(p);
		memcpy(p, g->b, cap);
		st = gnv_decode(&pk, cap ? p : p + 1, cap, len, cfg);
		ck_assert_msg(st != GNV_INVALID, "%s: caplen %u of %u invalid: %s", what, cap, len,
			      pg_err_list(&pk));
		ck_assert_int_eq(st, pk.status);
		if (cap < hdr_end)
			ck_assert_msg(st == GNV_TRUNCATED, "%s: caplen %u (< %u) not truncated: %s",
				      what, cap, hdr_end, pg_err_list(&pk));
		for (unsigned int i = 0; i < pk.nerr; i++)
			ck_assert_msg(gnv_err_severity(pk.err[i].code) != GNV_SEV_INVALID,
				      "%s: caplen %u: %s", what, cap, pg_err_list(&pk));
		if (cap == len)
			ck_assert_msg(st == GNV_OK, "%s: full capture not ok", what);
		free(p);
	}
}

START_TEST(truncation_sweep)
{
	struct pg g;
	struct gnv_decode_cfg cfg;
	static const uint8_t ovn[4] = { 0, 1, 0, 10 };
	static const uint8_t lbl[8] = { 0, 0, 0, 42, 0, 0, 0, 7 };
	static const uint8_t ip4opt[8] = { 1, 1, 0x83, 3, 4, 0, 0, 0 };

	gnv_decode_cfg_default(&cfg);
	pg_std(&g);
	sweep(&g, &cfg, "std ipv4");
	pg_std6(&g);
	sweep(&g, &cfg, "std ipv6");

	/* VLAN, IPv4 options, Geneve options, inner IPv6 with extension headers */
	pg_init(&g);
	pg_eth(&g, 0x8100);
	pg_vlan(&g, 100, 0x0800);
	pg_ip4_opts(&g, 17, ip4opt, sizeof(ip4opt));
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0x40, 0x6558, 0xabcdef);
	pg_gopt(&g, 0x0102, 0x80, ovn, 4);
	pg_gopt(&g, 0xFFA7, 0x01, lbl, 8);
	pg_gopt(&g, 0x0101, 0x07, NULL, 0);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 0);
	pg_ip6_ext(&g, 0, 60, 8);
	pg_ip6_ext(&g, 60, 17, 16);
	pg_udp(&g, 1234, 5678);
	pg_fill(&g, 0x33, 9);
	pg_finish(&g);
	sweep(&g, &cfg, "options and extension headers");

	/* Geneve carrying IPv4 directly, ICMP inside */
	pg_init(&g);
	pg_eth(&g, 0x86dd);
	pg_ip6(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x0800, 1);
	pg_ip4(&g, 1);
	pg_icmp(&g, 8, 1, 1);
	pg_fill(&g, 0, 4);
	pg_finish(&g);
	sweep(&g, &cfg, "ipv4 in geneve");

	/* inner ARP */
	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x6558, 1);
	pg_eth(&g, 0x0806);
	pg_arp(&g, 1);
	pg_finish(&g);
	/* ARP has no L4: the header end is the ARP end */
	gnv_decode(&pk, g.b, (uint32_t)g.n, (uint32_t)g.n, &cfg);
	ck_assert_clean(&pk);
	for (uint32_t cap = 0; cap < g.n; cap++) {
		uint8_t *p = malloc(cap ? cap : 1);

		memcpy(p, g.b, cap);
		ck_assert_int_eq(gnv_decode(&pk, p, cap, (uint32_t)g.n, &cfg), GNV_TRUNCATED);
		free(p);
	}

	/* raw link type */
	cfg.linktype = GNV_LINK_RAW;
	pg_init(&g);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0, 0x86dd, 1);
	pg_ip6(&g, 6);
	pg_tcp(&g, 1, 2, 0x10);
	pg_finish(&g);
	sweep(&g, &cfg, "raw");
}
END_TEST

/* Garbage never crashes and never reads past the capture (SAN build). */
START_TEST(random_bytes)
{
	uint32_t s = 99;
	struct gnv_decode_cfg cfg;
	struct pg g;

	gnv_decode_cfg_default(&cfg);
	for (int it = 0; it < 3000; it++) {
		uint32_t n, flip;
		uint8_t *p;

		/* start from a good frame and corrupt a few bytes */
		if (it & 1)
			pg_std(&g);
		else
			pg_std6(&g);
		for (flip = 0; flip < (uint32_t)(1 + it % 4); flip++) {
			s = s * 1103515245 + 12345;
			g.b[(s >> 8) % g.n] = (uint8_t)(s >> 20);
		}
		s = s * 1103515245 + 12345;
		n = (s >> 8) % (uint32_t)(g.n + 1);
		p = malloc(n ? n : 1);
		memcpy(p, g.b, n);
		cfg.linktype = it % 7 == 0 ? GNV_LINK_RAW : it % 11 == 0 ? GNV_LINK_SLL : GNV_LINK_ETH;
		gnv_decode(&pk, p, n, (uint32_t)g.n, &cfg);
		ck_assert_int_le(pk.status, GNV_INVALID);
		ck_assert_int_le(pk.nerr, GNV_MAX_ERRS);
		free(p);
	}
}
END_TEST

Suite *decode_suite(void)
{
	Suite *s = suite_create("decode");
	TCase *link = tcase_create("link");
	TCase *ip = tcase_create("ip");
	TCase *l4 = tcase_create("l4");
	TCase *all = tcase_create("errors");

	tcase_add_test(link, eth_fields);
	tcase_add_test(link, eth_unknown_type);
	tcase_add_test(link, eth_truncated);
	tcase_add_test(link, vlan_one_tag);
	tcase_add_test(link, vlan_qinq);
	tcase_add_test(link, vlan_three_tags);
	tcase_add_test(link, vlan_truncated);
	tcase_add_test(link, arp_fields);
	tcase_add_test(link, arp_errors);
	tcase_add_test(link, link_raw);
	tcase_add_test(link, link_sll);
	suite_add_tcase(s, link);

	tcase_add_test(ip, ip4_fields);
	tcase_add_test(ip, ip4_options_good);
	tcase_add_test(ip, ip4_options_bad);
	tcase_add_test(ip, ip4_checksum);
	tcase_add_test(ip, ip4_fragments);
	tcase_add_test(ip, ip4_first_fragment_udp);
	tcase_add_test(ip, ip4_length_zero_gso);
	tcase_add_test(ip, ip4_lengths);
	tcase_add_test(ip, ip4_ihl);
	tcase_add_test(ip, ip4_truncated);
	tcase_add_test(ip, ip_version_mismatch);
	tcase_add_test(ip, ip6_fields);
	tcase_add_test(ip, ip6_ext_chain);
	tcase_add_test(ip, ip6_fragment_nonfirst);
	tcase_add_test(ip, ip6_jumbo);
	tcase_add_test(ip, ip6_length_zero);
	tcase_add_test(ip, ip6_lengths);
	tcase_add_test(ip, ip6_ext_truncated);
	tcase_add_test(ip, ip6_ext_depth);
	suite_add_tcase(s, ip);

	tcase_add_test(l4, udp_fields);
	tcase_add_test(l4, udp_lengths);
	tcase_add_test(l4, udp_checksums);
	tcase_add_test(l4, tcp_fields);
	tcase_add_test(l4, tcp_data_offset);
	tcase_add_test(l4, tcp_checksums);
	tcase_add_test(l4, icmp_v4);
	tcase_add_test(l4, icmp_v6);
	suite_add_tcase(s, l4);

	tcase_add_test(all, std_frames);
	tcase_add_test(all, inner_errors_marked);
	tcase_add_test(all, outer_only);
	tcase_add_test(all, reuse_pkt);
	tcase_add_test(all, error_overflow);
	tcase_add_test(all, error_api);
	tcase_add_test(all, every_code_has_a_case);
	tcase_add_loop_test(all, every_code_alone, 0, GNV_E__COUNT);
	tcase_add_test(all, truncation_sweep);
	tcase_add_test(all, random_bytes);
	tcase_set_timeout(all, 60);
	suite_add_tcase(s, all);
	return s;
}
