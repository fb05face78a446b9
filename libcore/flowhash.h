/* SPDX-License-Identifier: MIT */
/*
 * Flow hash of the inner headers: the 5-tuple when there is an L4 header,
 * else addresses and protocol, else the Ethernet addresses and type.
 * Symmetric is not wanted (each direction is its own flow for ECMP).
 * The same flow always gives the same hash; the outer UDP source port is
 * taken from it in the ephemeral range 49152-65535 (RFC 6335), as RFC 8926
 * section 3.3 recommends for entropy.
 *
 * Layer: libcore; flowhash.c calls only libc.
 */
#ifndef GENV_FLOWHASH_H
#define GENV_FLOWHASH_H

#include <stdint.h>
#include "pkt.h"

#define FLOW_SPORT_MIN 49152
#define FLOW_SPORT_MAX 65535

uint32_t flow_hash_layers(const struct gnv_layers *l, uint32_t seed);
uint32_t flow_hash_bytes(const void *p, uint32_t n, uint32_t seed);
uint16_t flow_sport(uint32_t hash);

#endif
