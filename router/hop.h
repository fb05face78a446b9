/* SPDX-License-Identifier: MIT */
/*
 * The hop limit of packets a bouncer or divider sends onward (loop
 * protection, genv-route(8) FORWARDING LOOPS).  The limit is the outer
 * IPv4 TTL / IPv6 hop limit, no option: the encapsulating router sends
 * with the host's ttl (64), each forwarding router decrements it and
 * never sends more than its own ttl, so a packet that was injected with
 * TTL 255 or that circles between misconfigured bouncers makes at most
 * ttl - 1 overlay hops.
 * Layer: router; pure.
 */
#ifndef GENV_RT_HOP_H
#define GENV_RT_HOP_H

#include <stdint.h>
#include "stats.h"

/* The outer TTL for a packet received with TTL in (0: not known) and sent
 * onward by a host whose own TTL is self: RT_DROP_NONE and *out, or
 * RT_DROP_TTL when the packet may not make another hop. */
enum rt_drop rt_hop_ttl(uint8_t in, uint8_t self, uint8_t *out);

#endif
