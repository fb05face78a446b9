/* SPDX-License-Identifier: MIT */
/*
 * The packet pipeline: what the router does with one packet, and the
 * rewriting that goes with it.  Pure: no I/O, no allocation, no clock
 * reads (the loop sets t->run.now_ns per batch), no log lines.
 *
 * From a local port (an endpoint's TAP):
 *   port -> parse -> ARP/ND answer | anti-spoofing -> VPC -> destination:
 *     local endpoint   -> RT_DELIVER to its port (inner MAC rewritten)
 *     remote endpoint  -> RT_FORWARD, encapsulated to one of its hosts
 *     known network    -> RT_FORWARD to a bouncer (inner flow hash)
 *     else VPC divider -> RT_FORWARD to a divider (inner flow hash)
 *     no route         -> RT_REPLY ICMP unreachable (or RT_DROP)
 *   oversize for the path -> RT_REPLY ICMP frag-needed / packet-too-big
 *
 * From the underlay (UDP payload = Geneve header onward):
 *   RFC 8926 checks -> O bit: RT_CONTROL -> VNI -> VPC
 *   -> trust: outer source a host of the VPC (underlay.unknown_peer), inner
 *      source on that host unless relayed (spoof.remote) -> inner dst:
 *     local endpoint -> RT_DELIVER (decapsulated, RFC 6040 ECN)
 *     this host is its bouncer/divider -> RT_FORWARD onward (outer TTL-1)
 *     else RT_DROP route.not_local
 *
 * Encapsulation is done in place: the Geneve header and options are
 * written into the caller's headroom in front of the inner frame, so
 * out->data points into the caller's buffer (before or at 'frame').
 * The UDP socket sends out->data (the kernel adds outer IP and UDP);
 * a raw backend (AF_XDP) builds outer headers from out->dst, out->sport,
 * out->tos and out->ttl.
 *
 * Decoding: libcore's gnv_decode() for both sides -- with GNV_LINK_ETH
 * (no checksum verification) for port frames, and with GNV_LINK_GENEVE
 * (frame starts at the Geneve header) for underlay payloads.
 */
#ifndef GENV_RT_PIPELINE_H
#define GENV_RT_PIPELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tables.h"

/* Headroom the caller must leave in front of every frame from a port:
 * Geneve header (8) + options (252), rounded up. */
#define RT_HEADROOM	264

enum rt_verdict {
	RT_DROP = 0,
	RT_DELIVER,	/* write out->data to local port out->port */
	RT_FORWARD,	/* send out->data (Geneve onward) to underlay out->dst */
	RT_REPLY,	/* write out->data back to the ingress port out->port */
	RT_CONTROL,	/* O bit: hand the Geneve payload to the control handler */
	RT_EGRESS,	/* gateway NAT: send the IP packet out->data to the underlay
			 * side (the network beyond the overlay, nat.h) */
};

const char *rt_verdict_name(enum rt_verdict v);	/* "drop" "deliver" "forward" "reply" "control" "egress" */

struct rt_out {
	enum rt_verdict verdict;
	enum rt_drop reason;	/* RT_DROP_NONE unless dropped; RT_REPLY for an
				 * ICMP error also carries the reason of the drop */
	int port;		/* DELIVER / REPLY: local port index */
	struct gnv_addr dst;	/* FORWARD: underlay destination */
	uint8_t *data;		/* what to send: points into the caller's buffer */
	size_t size;
	uint8_t tos;		/* FORWARD: outer DSCP/ECN (pipe model, RFC 6040) */
	uint8_t ttl;		/* FORWARD: outer TTL */
	uint16_t sport;		/* FORWARD: outer UDP source port from the inner flow hash */
	uint32_t vni;		/* VPC of the packet (0 when not known) */
	uint32_t flow_hash;	/* inner flow hash (0 when not computed) */
};

/* What the underlay socket learned about one received packet. */
struct rt_ul_meta {
	struct gnv_addr src;	/* outer source address */
	uint8_t ttl;		/* outer TTL / hop limit (IP_RECVTTL); 0 = unknown */
	uint8_t tos;		/* outer TOS / traffic class (IP_RECVTOS) */
};

/* ---- trace hooks (genv trace packet) ---- */

#define RT_TRACE_MAX		32
#define RT_TRACE_STAGE		16
#define RT_TRACE_DECISION	24
#define RT_TRACE_DETAIL		128

struct rt_trace_entry {
	char stage[RT_TRACE_STAGE];		/* "spoof", "endpoint", "network" ... */
	char decision[RT_TRACE_DECISION];	/* "pass", "deliver", "drop" ... */
	char detail[RT_TRACE_DETAIL];		/* the deciding table entry as text */
};

struct rt_trace {
	bool dry_run;		/* no counters, no flow-table or cache updates */
	bool overflow;		/* more than RT_TRACE_MAX stages */
	uint8_t n;
	struct rt_trace_entry e[RT_TRACE_MAX];
};

/* Empty trace; dry_run as given. */
void rt_trace_init(struct rt_trace *tr, bool dry_run);
/* Append one stage (the pipeline calls this when its trace is non-NULL). */
void rt_trace_stage(struct rt_trace *tr, const char *stage, const char *decision,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* ---- the pipeline ---- */

/*
 * A frame read from local port 'port'.  frame[-headroom .. size) is
 * writable; headroom must be at least RT_HEADROOM (else drop
 * internal.headroom).  Fills *out and returns out->verdict.
 * trace: NULL normally; when given, one entry per stage, and with
 * trace->dry_run nothing in t changes (counters, flows, limiter).  The
 * frame is rewritten even in a dry run (out->data is what would be
 * sent): trace a copy.
 */
enum rt_verdict rt_from_port(struct rt_tables *t, int port, uint8_t *frame, size_t size,
			     size_t headroom, struct rt_out *out, struct rt_trace *trace);

/*
 * A UDP payload from the underlay (Geneve header onward), writable.
 * headroom: writable bytes before payload (0 is fine today).
 */
enum rt_verdict rt_from_underlay(struct rt_tables *t, const struct rt_ul_meta *meta,
				 uint8_t *payload, size_t size, size_t headroom,
				 struct rt_out *out, struct rt_trace *trace);

/*
 * An IPv4 packet from the underlay side for this host's address (a reply
 * or an ICMP error to a gateway's NAT mapping, nat.h): translated back
 * and delivered or encapsulated to its VM in the VPC of the mapping.
 * pkt[-headroom .. size) is writable; headroom at least RT_HEADROOM + 14
 * (an Ethernet header goes in front).
 */
enum rt_verdict rt_from_outside(struct rt_tables *t, uint8_t *pkt, size_t size, size_t headroom,
				struct rt_out *out, struct rt_trace *trace);

/* Count a frame (port >= 0) or underlay datagram (meta) that did not fit
 * the receive buffer: drop reason frame.oversize, noted in the drop ring
 * with the bytes that were read. */
void rt_count_oversize(struct rt_tables *t, int port, const struct rt_ul_meta *meta,
		       const uint8_t *data, size_t size);

/* Count a packet the caller could not send (port gone, socket error):
 * turns a verdict into a drop after the fact.  Not for dry runs. */
void rt_count_tx_error(struct rt_tables *t, const struct rt_out *out);

#endif
