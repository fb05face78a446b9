/* SPDX-License-Identifier: MIT */
/*
 * ECN across a tunnel (RFC 6040, "Tunnelling of Explicit Congestion
 * Notification") and the DS field of an IP header (RFC 2474: DSCP in the
 * upper six bits, ECN in the lower two; RFC 3168 codepoints).
 *
 *   DS field   0   1   2   3   4   5   6   7
 *            +---+---+---+---+---+---+---+---+
 *            |         DSCP          |  ECN  |
 *            +---+---+---+---+---+---+---+---+
 *
 * Encapsulation, normal mode (RFC 6040 section 4.1): the outer ECN is a
 * copy of the inner.  Decapsulation (section 4.2, Figure 4): the table
 *
 *                     arriving outer header
 *   inner        Not-ECT   ECT(0)    ECT(1)    CE
 *   Not-ECT      Not-ECT   Not-ECT   Not-ECT   drop
 *   ECT(0)       ECT(0)    ECT(0)    ECT(1)    CE
 *   ECT(1)       ECT(1)    ECT(1)    ECT(1)    CE
 *   CE           CE        CE        CE        CE
 *
 * Layer: libcore; calls csum and libc.  Pure.
 */
#ifndef GENV_ECN_H
#define GENV_ECN_H

#include <stdint.h>

enum gnv_ecn { GNV_ECN_NOT_ECT = 0, GNV_ECN_ECT1 = 1, GNV_ECN_ECT0 = 2, GNV_ECN_CE = 3 };

#define GNV_ECN_DROP	(-1)

/* Outer ECN for an inner ECN (normal mode: a copy). */
static inline uint8_t gnv_ecn_encap(uint8_t inner)
{
	return inner & 3;
}

/* The inner packet's ECN after decapsulation (the table above), or
 * GNV_ECN_DROP (CE outer, Not-ECT inner). */
int gnv_ecn_decap(uint8_t outer, uint8_t inner);

/* "not-ect", "ect1", "ect0", "ce". */
const char *gnv_ecn_name(uint8_t ecn);

/* The DS field (IPv4 TOS, IPv6 traffic class) of the IP header at ip. */
uint8_t gnv_ip_ds(const uint8_t *ip, int version);
/* Replace it; an IPv4 header checksum is updated (RFC 1624). */
void gnv_ip_set_ds(uint8_t *ip, int version, uint8_t ds);

#endif
