/* SPDX-License-Identifier: MIT */
/*
 * genv trace packet: run one packet through the router pipeline as a dry
 * run (router/pipeline.h, struct rt_trace) and explain what happened:
 *
 *   request --> frame (+ ingress) --> rt_from_port / rt_from_underlay
 *           --> stages (one per trace hook) --> rewritten packet
 *           --> fixed final lines: verdict, egress, reason
 *
 * The same code answers offline (`genv trace packet -f topo.genv`, tables
 * loaded from a file) and online (the router's `trace packet ...`
 * command over the control socket), so both print the same thing.
 * Nothing in the tables changes: no counter, flow entry or rate limiter.
 *
 * Router command form (words after "trace packet"):
 *   (port NAME [gso N] | underlay [from ADDR] [ttl N] [tos N]) [raw] [verbose] hex HEX
 * gso N: the frame is a super-frame a VM handed over with a virtio-net GSO
 * header (gso_size N; the type, TCPv4, TCPv6 or UDP, from the frame): it is
 * cut into segments as the router cuts it (at most N payload bytes, and to
 * the port's MTU), each segment goes through the pipeline, and the output
 * shows the segmentation and the train of Geneve datagrams sent.
 * An underlay packet is a whole frame (Ethernet, or raw IP with 'raw')
 * with outer IP, UDP to 6081 and the Geneve header; 'from', 'ttl' and
 * 'tos' default to the frame's outer IP source, TTL and TOS.
 * Layer: trace; calls libcore/pkt, libcore/sbuf, router/tables and libc.
 */
#ifndef GENV_TRACE_EXPLAIN_H
#define GENV_TRACE_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "../libcore/sbuf.h"
#include "../router/tables.h"

#define TRACE_SCHEMA		1
#define TRACE_FRAME_MAX		65535

struct trace_req {
	bool underlay;			/* else from port 'port' */
	char port[RT_PORT_NAME_MAX];
	bool from_set, ttl_set, tos_set;
	struct gnv_addr from;		/* underlay: outer source */
	uint8_t ttl, tos;		/* underlay: outer TTL and TOS */
	bool raw;			/* frame starts with IP (no Ethernet) */
	uint16_t gso_size;		/* port: a GSO super-frame of this gso_size (0: none) */
	int verbose;			/* field view of the packets */
	const uint8_t *frame;
	size_t size;
};

struct trace_fmt {
	bool json, pretty;
	const struct rt_runtime_ops *ops;	/* the running router's, or NULL offline */
	const struct gnv_optreg *optreg;	/* layouts from an options file, or NULL */
};

/*
 * Parse the words after "trace packet" into r; the frame bytes go into
 * buf (at least TRACE_FRAME_MAX bytes).  0, or -EINVAL with a message.
 */
int trace_req_parse(struct trace_req *r, int n, char *const *w, uint8_t *buf,
		    size_t bufsize, char *err, size_t errsz);

/* The router command for r: "trace packet port tap0 hex ..." (no newline). */
void trace_req_format(const struct trace_req *r, struct sbuf *out);

/*
 * Trace r through tables t (dry run) and render the explanation into out
 * (text or one JSON document, both newline-terminated).  0, or -errno with
 * a message in err (unknown port, not a Geneve packet, out of memory).
 */
int trace_packet(struct rt_tables *t, const struct trace_req *r, const struct trace_fmt *f,
		 struct sbuf *out, char *err, size_t errsz);

/*
 * A full frame around a Geneve payload, as the kernel's UDP socket would
 * send it: Ethernet (zero MACs), IPv4 or IPv6 from src to dst (src of the
 * wrong family or unset: the unspecified address), UDP sport -> 6081 with
 * its checksum.  Returns the frame size, 0 when bufsize is too small.
 */
size_t trace_wrap_geneve(uint8_t *buf, size_t bufsize, const struct gnv_addr *src,
			 const struct gnv_addr *dst, uint16_t sport, uint8_t tos, uint8_t ttl,
			 const uint8_t *payload, size_t size);

#endif
