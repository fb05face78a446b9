/* SPDX-License-Identifier: MIT */
/*
 * The router's answers: the bytes of what it sends back to a local port
 * instead of forwarding, and the ICMP error rate limiter.  pipeline.c
 * decides whether to answer (and counts and traces); these functions
 * only write the answer into the caller's buffer.  Pure: no I/O, no
 * allocation, no clock reads, no log lines.  Layer: router; calls
 * libcore's csum.h, cursor.h and pkt.h, tables.h (the limiter's state)
 * and libc.
 *
 * Where each answer lands, for a frame from a port (headroom in front):
 *
 *   ICMP error   |eth|ip|icmp| quoted IP packet (stays where it is) ...
 *                ^ frame + 14 - 42 (IPv4) or - 62 (IPv6)
 *   ND advert    |eth|ipv6|na + tlla|  86 bytes ending at frame
 *   ARP reply    rewritten in place (42 bytes from frame)
 *   echo reply   rewritten in place (the frame's own size)
 *
 * RFC 792 / 1812 4.3.2.3 (ICMP quote: at most 576 bytes in all), RFC 4443
 * (ICMPv6: at most 1280), RFC 826 (ARP), RFC 4861 4.4 (advertisement).
 */
#ifndef GENV_RT_REPLY_H
#define GENV_RT_REPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "tables.h"

#define RT_REPLY_ARP_SIZE	(14 + 28)
#define RT_REPLY_NA_SIZE	(14 + 40 + 32)	/* in front of the frame */

/*
 * ICMP error limiter: GCRA at t->lim.icmp_rate per second with a burst of
 * one second's worth, at t->now_ns.  True when an error may be sent; the
 * limiter then moves on only when live (a dry run changes nothing).
 */
bool rt_reply_icmp_allowed(struct rt_tables *t, bool live);

/*
 * An ICMP (l->ip.version 4) or ICMPv6 (6) error about the IP packet of
 * the size-byte Ethernet frame 'frame' (decoded into l, no VLAN tag),
 * back to its sender: from MAC mac and address from (the sender's
 * gateway), type and code as given, mtu in the frag-needed /
 * packet-too-big field (0 otherwise).  The headers are written in front
 * of the quoted packet, over the frame's Ethernet header and into the
 * headroom.  Returns the answer's first byte; *rsize gets its size.
 */
uint8_t *rt_reply_icmp_error(uint8_t *frame, size_t size, const struct gnv_layers *l,
			     const uint8_t mac[6], const uint8_t *from, uint8_t type,
			     uint8_t code, uint32_t mtu, size_t *rsize);

/* Turn the ARP request in frame (decoded into *arp) into the reply
 * "tpa is-at mac", in place.  Returns RT_REPLY_ARP_SIZE. */
size_t rt_reply_arp(uint8_t *frame, const struct gnv_arp *arp, const uint8_t mac[6]);

/*
 * A neighbour advertisement for target (is-at mac) to dst / dmac, built
 * in the RT_REPLY_NA_SIZE bytes in front of frame: Solicited and
 * Override set, Router when router.  Returns its first byte.
 */
uint8_t *rt_reply_na(uint8_t *frame, const uint8_t dmac[6], const uint8_t dst[16],
		     const uint8_t mac[6], const uint8_t target[16], bool router);

/* Turn the echo request in frame (decoded into l) into the reply from
 * mac, in place: addresses swapped, TTL / hop limit 64, checksums
 * updated incrementally.  The size does not change. */
void rt_reply_echo(uint8_t *frame, const struct gnv_layers *l, const uint8_t mac[6]);

#endif
