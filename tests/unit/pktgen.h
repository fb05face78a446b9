/* SPDX-License-Identifier: MIT */
/*
 * Tiny packet builder for the unit tests (independent of libcore/build.c so
 * the decoder is checked against a second implementation).  Layers are
 * appended in order; pg_finish() then fills every length field and every
 * checksum from the innermost layer out, assuming each layer runs to the
 * end of the frame.  Tests then break what they want to test.
 *
 *   struct pg g; pg_init(&g);
 *   pg_eth(&g, 0x0800); pg_ip4(&g, 17); pg_udp(&g, 50000, 6081);
 *   pg_geneve(&g, 0x6558, 100); pg_gopt(&g, 0x0102, 0x80, d, 4); ...
 *   pg_finish(&g);
 */
#ifndef GENV_TEST_PKTGEN_H
#define GENV_TEST_PKTGEN_H

#include <stddef.h>
#include <stdint.h>
#include "../../libcore/pkt.h"

#define PG_MAX		4096
#define PG_MAX_LAYERS	16

enum pg_kind { PG_ETH, PG_VLAN, PG_IP4, PG_IP6, PG_IP6_EXT, PG_UDP, PG_TCP,
	       PG_ICMP, PG_ICMP6, PG_GENEVE, PG_ARP, PG_RAW };

struct pg {
	uint8_t b[PG_MAX];
	size_t n;
	int nl;
	struct { enum pg_kind kind; size_t off; } l[PG_MAX_LAYERS];
};

/* Addresses used by every builder (outer and inner differ by the last byte). */
extern const uint8_t pg_mac_a[6], pg_mac_b[6];
extern const uint8_t pg_ip4_a[4], pg_ip4_b[4];
extern const uint8_t pg_ip6_a[16], pg_ip6_b[16];

void pg_init(struct pg *g);
/* Each returns the offset of the layer it appended. */
size_t pg_bytes(struct pg *g, const void *p, size_t n);
size_t pg_fill(struct pg *g, uint8_t byte, size_t n);
size_t pg_eth(struct pg *g, uint16_t type);
size_t pg_vlan(struct pg *g, uint16_t tci, uint16_t type);	/* after eth type = TPID */
size_t pg_arp(struct pg *g, uint16_t op);
size_t pg_ip4(struct pg *g, uint8_t proto);
size_t pg_ip4_opts(struct pg *g, uint8_t proto, const uint8_t *opts, size_t n);
size_t pg_ip6(struct pg *g, uint8_t nh);
/* Extension header of type 'type' (0, 43, 44, 51, 60) with total size 'size'
 * (multiple of 8; of 4 for AH); body zero except next header and length. */
size_t pg_ip6_ext(struct pg *g, uint8_t type, uint8_t nh, size_t size);
size_t pg_udp(struct pg *g, uint16_t sport, uint16_t dport);
size_t pg_tcp(struct pg *g, uint16_t sport, uint16_t dport, uint8_t flags);
size_t pg_icmp(struct pg *g, uint8_t type, uint16_t id, uint16_t seq);
size_t pg_icmp6(struct pg *g, uint8_t type, uint16_t id, uint16_t seq);
/* Geneve base header: O and C bits from flags (0x80 O, 0x40 C); Opt Len 0. */
size_t pg_geneve(struct pg *g, uint8_t flags, uint16_t proto, uint32_t vni);
/* Append an option (size bytes of data, multiple of 4) and grow Opt Len. */
size_t pg_gopt(struct pg *g, uint16_t cls, uint8_t type, const uint8_t *data, size_t size);

/* Fill lengths and checksums of every layer. */
void pg_finish(struct pg *g);
/* Recompute single checksums after a test changed bytes. */
void pg_csum_ip4(struct pg *g, size_t ip_off);
/* L4 checksum at l4_off (UDP/TCP/ICMP/ICMPv6 by proto) over len bytes, with
 * the pseudo header of the IP header at ip_off. */
void pg_csum_l4(struct pg *g, size_t ip_off, size_t l4_off, uint8_t proto, size_t len);

/* Offset of the n-th (0-based) layer of a kind, or (size_t)-1. */
size_t pg_off(const struct pg *g, enum pg_kind kind, int nth);

/* The standard Geneve frame: eth / ipv4 / udp 50000->6081 / geneve vni 100
 * proto 0x6558 / eth / ipv4 / tcp 40000->80 / 16 bytes payload. */
void pg_std(struct pg *g);
/* The same over IPv6 outside and inside. */
void pg_std6(struct pg *g);

/* Decode g's bytes (caplen = len = g->n) with the default config. */
enum gnv_status pg_decode(const struct pg *g, struct gnv_pkt *pk);
/* Error lookup: index of the first error with this code, or -1. */
int pg_err_find(const struct gnv_pkt *pk, enum gnv_errcode code);
/* Render the error list ("ip4.checksum@24 udp.checksum@40") for messages. */
const char *pg_err_list(const struct gnv_pkt *pk);

/* Check assertions (the including file includes <check.h>). */
#define ck_assert_err(pk, code, off) do {					\
	int i_ = pg_err_find((pk), (code));					\
	ck_assert_msg(i_ >= 0, "expected %s, got %s", gnv_err_code(code),	\
		      pg_err_list(pk));						\
	ck_assert_msg((pk)->err[i_].offset == (uint32_t)(off),			\
		      "%s at offset %u, expected %u (%s)", gnv_err_code(code),	\
		      (pk)->err[i_].offset, (unsigned int)(off), pg_err_list(pk)); \
} while (0)
#define ck_assert_no_err(pk, code)						\
	ck_assert_msg(pg_err_find((pk), (code)) < 0, "unexpected %s in %s",	\
		      gnv_err_code(code), pg_err_list(pk))
#define ck_assert_clean(pk)							\
	ck_assert_msg((pk)->nerr == 0 && (pk)->status == GNV_OK,		\
		      "expected a clean decode, got %s", pg_err_list(pk))
/* Exactly one error, this one, and the status it implies. */
#define ck_assert_only(pk, code, off) do {					\
	ck_assert_err((pk), (code), (off));					\
	ck_assert_msg((pk)->nerr == 1, "expected only %s, got %s",		\
		      gnv_err_code(code), pg_err_list(pk));			\
	ck_assert_int_eq((pk)->status, (int)gnv_err_severity(code));		\
} while (0)

#endif
