/* SPDX-License-Identifier: MIT */
/*
 * Source NAT of gateway endpoints (`add ep VNI IP type gateway host H
 * nat-ports LO-HI`): packets of a VPC to addresses outside its CIDRs
 * leave the overlay at the gateway host with this host's underlay
 * address as source and a port of the endpoint's range; replies and
 * ICMP errors about them are translated back and re-enter the VPC they
 * came from.  IPv4 only (TCP, UDP, ICMP echo; ICMP errors inbound).
 *
 * State: two entries in the router's one connection tracking
 * (conntrack.h), under VNIs above the 24-bit range so that policy code
 * never meets them:
 *
 *   RT_NAT_CT_IN | vni   vm:port -> remote:rport     nat = self, nat_port = NAT port
 *   RT_NAT_CT_OUT        self:natport -> remote:rport nat = vm, nat_port = vm port,
 *                                                     nat_vni = vni
 *
 * The inside key holds the VNI, so two VPCs with the same CIDR never
 * share a mapping; the outside key holds no VNI: a NAT port is owned by
 * one mapping per (protocol, remote address, remote port) whatever the
 * VPC, and a port is taken only when its outside key is free (ranges of
 * several gateways may overlap).  ICMP echo: the identifier is the port
 * (both ports of the key).  Timeouts are conntrack's (TCP established,
 * closing, reset; UDP unreplied/replied; ICMP), both entries age
 * together: every packet updates both.
 *
 * Checksums: IPv4 header, TCP and UDP (pseudo header) and ICMP echo
 * checksums are updated incrementally (RFC 1624); in an ICMP error the
 * quoted header's fields and checksums likewise, and the ICMP checksum
 * is computed again over the whole message.
 *
 * Layer: router; calls conntrack and libcore (csum, cursor, pkt): no
 * tables, so the unit tests drive it with a bare conntrack.
 */
#ifndef GENV_RT_NAT_H
#define GENV_RT_NAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "conntrack.h"
#include "stats.h"

#define RT_NAT_CT_IN		0x10000000u
#define RT_NAT_CT_OUT		0x20000000u
#define RT_NAT_PORT_LO		20000	/* default range of `nat-ports` */
#define RT_NAT_PORT_HI		29999
#define RT_NAT_TRIES		256	/* ports tried for a new mapping, at most */

struct rt_nat_stats {
	uint64_t out_pkts;	/* translated toward the underlay side */
	uint64_t in_pkts;	/* replies translated back */
	uint64_t icmp_errors;	/* ICMP errors from outside translated back */
	uint64_t mappings;	/* new mappings (a port taken) */
};

/* What one translation needs. */
struct rt_nat_env {
	struct rt_ct *ct;
	struct rt_nat_stats *st;
	uint8_t self[4];	/* this host's underlay address: the NAT address */
	uint16_t lo, hi;	/* the gateway endpoint's port range */
	uint64_t now_ns;
	bool live;		/* false: a dry run (nothing inserted or counted) */
};

/* A mapping's two sides (for callers and `show nat`). */
struct rt_nat_map {
	uint32_t vni;
	uint8_t proto;
	uint8_t vm[4], remote[4];
	uint16_t vm_port, nat_port, remote_port;
};

/* True for conntrack keys of NAT entries. */
static inline bool rt_nat_ct_key(uint32_t vni)
{
	return (vni & (RT_NAT_CT_IN | RT_NAT_CT_OUT)) != 0;
}

/*
 * Outward: packet l (offsets into buf, IPv4 header at l->ip.off) of VPC
 * vni leaves for the underlay side: source address and port (ICMP echo
 * identifier) rewritten to the mapping's, TTL decremented.  The mapping
 * is found or made.  RT_DROP_NONE, or the reason with why filled.
 * *m: the mapping (always filled when not dropped).
 */
enum rt_drop rt_nat_out(const struct rt_nat_env *x, uint32_t vni, struct gnv_layers *l,
			uint8_t *buf, struct rt_nat_map *m, char *why, size_t whysz);

/*
 * Inward: a packet from the underlay side to this host (l, offsets into
 * buf, size bytes in buf): a reply of a mapping (destination rewritten
 * back to the VM) or an ICMP error about one (the outer destination and
 * the quoted source rewritten, checksums fixed).  *m: the mapping (its
 * vni and vm address tell where the packet goes).
 */
enum rt_drop rt_nat_in(const struct rt_nat_env *x, struct gnv_layers *l, uint8_t *buf, size_t size,
		       struct rt_nat_map *m, char *why, size_t whysz);

/* The packet quoted by an ICMPv4 error (RFC 792). */
struct rt_nat_icmp {
	uint32_t ip_off;	/* the quoted IP header, from the ICMP header */
	uint32_t l4_size;	/* quoted L4 bytes present (at least 8) */
	uint8_t ihl;		/* quoted IP header bytes */
	uint8_t proto;		/* 6, 17, or 1 (an echo request) */
	uint8_t src[4], dst[4];
	uint16_t sport, dport;	/* ports; echo: the identifier in both */
};

/*
 * Parse an ICMPv4 message icmp[0..size) that is an error (destination
 * unreachable 3, time exceeded 11, parameter problem 12).  0; -EPROTO
 * when it is no error type; -ENODATA when the quote is cut short (no
 * full IP header and 8 bytes of L4); -EINVAL for a quote that is no
 * first fragment of an IPv4 TCP, UDP or echo request packet.
 */
int rt_nat_icmp_parse(const uint8_t *icmp, size_t size, struct rt_nat_icmp *q);

#endif
