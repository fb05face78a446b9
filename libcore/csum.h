/* SPDX-License-Identifier: MIT */
/*
 * Internet checksum (RFC 1071) with incremental update (RFC 1624).
 * Sums are kept as 32-bit partial sums and folded at the end.
 *
 * Layer: libcore; csum.c calls only libc.
 */
#ifndef GENV_CSUM_H
#define GENV_CSUM_H

#include <stddef.h>
#include <stdint.h>

/* Add n bytes at p to a partial sum (any alignment, any length). */
uint32_t csum_partial(const uint8_t *p, size_t n, uint32_t sum);
/* Fold a partial sum and complement it: the value to put on the wire. */
uint16_t csum_fold(uint32_t sum);
/* Pseudo-header partial sums for UDP/TCP/ICMPv6. */
uint32_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t len);
uint32_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len);
/* RFC 1624 eqn 3: new checksum after a 16-bit field changes from old to new. */
uint16_t csum_update16(uint16_t csum, uint16_t old, uint16_t new_);
uint16_t csum_update32(uint16_t csum, uint32_t old, uint32_t new_);

#endif
