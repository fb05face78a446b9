/* SPDX-License-Identifier: MIT */
/*
 * Router counters and drop reasons.
 *
 * Every packet the pipeline does not pass on is counted under exactly one
 * drop reason.  New reasons go at the end (the codes are in flow entries
 * and drop records).  The names are stable API: `genv route show drops`, the
 * JSON keys, `genv trace` and the man page use them.  Counters are plain
 * uint64: the router is single-threaded, readers run between batches.
 * Layer: router; calls libc.
 */
#ifndef GENV_RT_STATS_H
#define GENV_RT_STATS_H

#include <stdint.h>

/* X(ENUM, "name", "what happened") */
#define RT_DROPS(X) \
	X(NONE,            "none",              "not dropped") \
	X(PORT_UNKNOWN,    "port.unknown",      "frame from a port index that is not configured") \
	X(PORT_NO_EP,      "port.no_endpoint",  "frame from a port that holds no endpoint") \
	X(FRAME_MALFORMED, "frame.malformed",   "frame from a port with invalid or truncated headers") \
	X(FRAME_VLAN,      "frame.vlan",        "VLAN-tagged frame from a port (endpoints send untagged)") \
	X(FRAME_ETHERTYPE, "frame.ethertype",   "frame is neither ARP, IPv4 nor IPv6") \
	X(MULTICAST,       "frame.multicast",   "multicast or broadcast IP packet (not carried by the overlay)") \
	X(SPOOF_MAC,       "spoof.mac",         "source MAC is not an endpoint of this port") \
	X(SPOOF_IP,        "spoof.ip",          "source IP is not the endpoint's own address") \
	X(ARP_IGNORED,     "arp.ignored",       "ARP that needs no answer (reply, gratuitous, or target outside the VPC)") \
	X(ND_IGNORED,      "nd.ignored",        "IPv6 neighbour discovery that needs no answer (DAD, RS, target outside the VPC)") \
	X(NO_ROUTE,        "route.none",        "no endpoint, network bouncer or VPC divider for the destination") \
	X(NOT_LOCAL,       "route.not_local",   "underlay packet for an endpoint that is neither local nor routed by this host") \
	X(LOOP,            "route.loop",        "next hop would be this host or the host the packet came from") \
	X(TTL,             "ttl.exceeded",      "outer TTL exhausted while forwarding onward (loop protection)") \
	X(MTU,             "mtu.exceeded",      "packet larger than the path MTU (ICMP too-big sent when allowed)") \
	X(ICMP_RATE,       "icmp.ratelimit",    "ICMP error suppressed by the rate limit (the packet is dropped)") \
	X(HEADROOM,        "internal.headroom", "caller gave less headroom than RT_HEADROOM") \
	X(GNV_MALFORMED,   "geneve.malformed",  "Geneve header or options invalid (RFC 8926: lengths, C bit)") \
	X(GNV_VERSION,     "geneve.version",    "Geneve version is not 0") \
	X(GNV_CRITICAL,    "geneve.critical",   "unknown critical Geneve option") \
	X(GNV_PROTO,       "geneve.proto",      "Geneve protocol type is not Ethernet (0x6558)") \
	X(VNI_UNKNOWN,     "vni.unknown",       "VNI is not a configured VPC") \
	X(INNER_MALFORMED, "inner.malformed",   "inner frame invalid, truncated, or not IPv4/IPv6") \
	X(ECN,             "ecn.ce_not_ect",    "outer CE mark on a not-ECT inner packet (RFC 6040 drop)") \
	X(FRAME_OVERSIZE,  "frame.oversize",    "frame or underlay datagram larger than the receive buffer (9216 bytes)") \
	X(UNKNOWN_PEER,    "underlay.unknown_peer", "Geneve from an underlay address that is no endpoint host, bouncer, divider or peer of the VPC") \
	X(SPOOF_REMOTE,    "spoof.remote",      "inner source is an endpoint that lives on another host, or no endpoint and the sender no bouncer, divider or peer") \
	X(POLICY_INGRESS,  "policy.ingress_denied", "no network policy of the destination endpoint allows the packet") \
	X(POLICY_EGRESS,   "policy.egress_denied", "no network policy of the source endpoint allows the packet") \
	X(POLICY_UNTRUSTED, "policy.identity_untrusted", "the identity option contradicts the source endpoint's, or names no identity of the VPC") \
	X(POLICY_MISSING,  "policy.identity_missing", "packet to a policy-isolated endpoint carries no identity and no rule allows its address") \
	X(QOS_RATE,        "qos.rate_limit",    "the source endpoint's egress rate limit (token bucket) has no room for the packet") \
	X(QOS_MALFORMED,   "qos.malformed",     "genv QoS option that does not fit its layout (4 bytes, class 0..2)") \
	X(RTS_UNTRUSTED,   "rts.untrusted",     "return-to-sender answer not from the host it names, or that host is no configured host of the VPC") \
	X(RTS_MALFORMED,   "rts.malformed",     "return-to-sender answer with a malformed RTS option or no inner IP header naming the endpoint") \
	X(NAT_PORTS,       "nat.ports_exhausted", "gateway NAT: every port of the gateway endpoint's nat-ports range is taken for this destination") \
	X(NAT_NO_MAPPING,  "nat.no_mapping",    "gateway NAT: a packet from the underlay side that belongs to no mapping") \
	X(NAT_UNSUPPORTED, "nat.unsupported",   "gateway NAT: not translated (IPv6, a fragment, ICMP other than echo outward, no IPv4 host address)") \
	X(NAT_ICMP_MALFORMED, "nat.icmp_malformed", "gateway NAT: ICMP error from outside whose quoted packet is truncated or invalid") \
	X(NAT_TTL,         "nat.ttl_exceeded",  "gateway NAT: inner TTL exhausted on the way out") \
	X(PROXY_MALFORMED, "proxy.malformed",   "genv original-destination option that does not fit its layout (12 or 24 bytes, family 4 or 6)") \
	X(PROXY_BYPASS,    "proxy.bypass",      "underlay packet for a proxied endpoint from a source other than its proxy") \
	X(HEALTH_MALFORMED, "health.malformed", "genv health keepalive option that does not fit its layout (8 bytes)") \
	X(HEALTH_UNTRUSTED, "health.untrusted", "health keepalive request not from a configured host of its VPC (not answered)")

enum rt_drop {
#define RT_X(e, n, d) RT_DROP_##e,
	RT_DROPS(RT_X)
#undef RT_X
	RT_DROP__COUNT
};

const char *rt_drop_name(unsigned int reason);	/* "spoof.ip"; "?" when out of range */
const char *rt_drop_desc(unsigned int reason);
int rt_drop_lookup(const char *name);		/* -1 when unknown */

/* Packets and bytes in each direction, seen from the router. */
struct rt_counters {
	uint64_t rx_pkts, rx_bytes;	/* into the router from this object */
	uint64_t tx_pkts, tx_bytes;	/* out of the router towards this object */
	uint64_t drops;
};

/* Per port: rx = frames read from the TAP, tx = frames written to it. */
struct rt_port_stats {
	struct rt_counters c;
	uint64_t arp_replies, nd_replies, icmp_sent;
};

/* Per VPC: rx = packets entering the pipeline in this VPC (either side),
 * tx = delivered + forwarded, drop[] by reason. */
struct rt_vpc_stats {
	struct rt_counters c;
	uint64_t delivered, forwarded, replies, control;
	uint64_t drop[RT_DROP__COUNT];
};

/* Whole router. */
struct rt_stats {
	uint64_t port_rx, underlay_rx;
	uint64_t delivered, forwarded, replies, control;
	uint64_t drops;
	uint64_t tx_errors;	/* verdicts the runtime could not carry out */
	uint64_t drop[RT_DROP__COUNT];
};

#endif
