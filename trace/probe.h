/* SPDX-License-Identifier: MIT */
/*
 * genv trace path: in-band probes (the genv trace option, type 0x05 in
 * genv's class, with the O bit; layout in genv-options(7)).
 *
 *   origin: `probe send` -> inner flow from a local endpoint, pipeline dry
 *           run -> first record -> Geneve + O bit + trace option -> next hop
 *   each router (O-bit packet = RT_CONTROL -> trace_probe_control):
 *           the same pipeline decision as tenant traffic of that flow, as a
 *           dry run -> append a record -> forward to the same next hop and
 *           send the origin a hop report (R and P flags: the records so far
 *           and one naming the next hop), or (delivered, dropped, records
 *           full) return the records to the origin (R flag; the first
 *           record names it)
 *   origin: a reply is kept in the results ring -> `probe results since N`;
 *           so is its own hop report for each probe it sends on, so a path
 *           broken by a dead router shows every hop up to the break
 * The router runs these through the trace extension (trace/ext.h).
 *
 * Bounds: at most TRACE_PROBE_RATE probes handled per second (the rest
 * are counted and ignored; replies to this origin are not: they send
 * nothing); at most 9 records (then the O flag); at most two packets out
 * per probe in: towards the next hop the flow would take (at most 12 bytes
 * larger: its record) and a hop report back to the origin, or only a reply
 * back to the origin (a reply or a report is never larger than what was
 * received: it carries the records only); a reply is consumed by its
 * origin and never forwarded or answered.  Records
 * name routers by an IPv4 underlay address, so probes need IPv4 underlays.
 *
 * Router commands:
 *   probe send vni VNI src IP dst IP [proto icmp|udp|tcp] [sport N] [dport N] id N seq N
 *     -> "sent 10.200.0.3" (first hop), or the result line when the first
 *        router already decides (local delivery, drop)
 *   probe results since SEQ
 *     -> one line per result, then "next=N handled=N limited=N malformed=N untrusted=N":
 *   result seq=1 id=7 pseq=1 overflow=0 report=0 next_hop=- rtt_ns=N hops=3 hop=10.200.0.1,host,forward,none,TS ...
 *     (report=1: a hop report, the probe went on to next_hop)
 * Layer: trace; calls libcore/opt_genv, libcore/optreg, libcore/sbuf,
 * router/config, router/pipeline, explain and libc.
 */
#ifndef GENV_TRACE_PROBE_H
#define GENV_TRACE_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/opt_genv.h"
#include "../libcore/optreg.h"
#include "../libcore/sbuf.h"
#include "../router/config.h"
#include "../router/pipeline.h"
#include "explain.h"

#define TRACE_PROBE_RATE	100	/* probes handled per second (and burst) */
#define TRACE_PROBE_RESULTS	256	/* results kept at the origin (replies and hop reports) */
#define TRACE_PROBE_PENDING	32	/* probes in flight, for the RTT */

enum trace_role { TRACE_ROLE_HOST, TRACE_ROLE_BOUNCER, TRACE_ROLE_DIVIDER, TRACE_ROLE_GATEWAY,
		  TRACE_ROLE_DIRECT /* a host that sent by its direct-path cache */ };
enum trace_hop_verdict { TRACE_V_FORWARD, TRACE_V_DELIVER, TRACE_V_DROP, TRACE_V_CONTROL };

struct trace_result {
	uint64_t seq;		/* result number at this origin */
	uint16_t id;
	uint32_t pseq;		/* the probe's sequence number */
	bool overflow;
	bool report;		/* a hop report: the probe was sent on to next */
	uint8_t next[4];	/* report: the next hop's IPv4 underlay address */
	uint64_t rtt_ns;	/* 0 when unknown or answered without the network */
	uint8_t nhop;
	struct gnv_trace_rec hop[GENV_TRACE_MAX_HOPS];	/* role: enum trace_role,
						   verdict: enum trace_hop_verdict,
						   reason: enum rt_drop */
};

const char *trace_role_name(unsigned int role);		/* "host", "bouncer" ... */
const char *trace_verdict_name(unsigned int v);		/* "forward", "deliver" ... */

/* The probe state of one router (the trace extension's state, trace/ext.h). */
struct trace_probes {
	uint64_t tat_ns;
	uint64_t handled, limited, malformed;
	uint64_t untrusted;	/* from, or answered to, no host of the VPC */
	uint64_t next;			/* seq of the next result */
	struct trace_result res[TRACE_PROBE_RESULTS];
	struct {
		bool used;
		uint16_t id;
		uint32_t seq;
		uint64_t sent_ns;
	} pend[TRACE_PROBE_PENDING];
	unsigned int pend_next;
	struct rt_trace tr;
	uint8_t work[RT_HEADROOM + TRACE_FRAME_MAX];
	uint8_t out[TRACE_FRAME_MAX + 64];
};

void trace_probes_init(struct trace_probes *p);

/*
 * An O-bit packet from the underlay (the pipeline said RT_CONTROL):
 * handle it as a probe.  pk is the pipeline's decode of payload, so the
 * probe is not parsed again (NULL: the options are walked here).  Sends
 * at most one packet through ops->ul_send.
 * Returns 1 when a packet was sent, 0 when the probe was consumed
 * (a reply for this origin, a final hop without an origin to tell), or
 * -errno: -ENOENT no trace option (not a probe: another extension may
 * take it; not counted), -EAGAIN rate-limited, -EINVAL not a valid probe
 * (counted), -EPERM sent by, or naming as its origin, an address that is no
 * host of the probe's VPC (genv-route(8) TRUST MODEL; counted as untrusted:
 * a forged probe must not make this router send to any address).
 */
int trace_probe_control(struct rt_tables *t, struct trace_probes *p,
			const struct rt_runtime_ops *ops, const struct rt_ul_meta *meta,
			const struct gnv_pkt *pk, const uint8_t *payload, size_t size);

/* The router commands `probe send ...` and `probe results since N`
 * (words after "probe").  0, or -errno with a message in err. */
int trace_probe_cmd(struct rt_tables *t, struct trace_probes *p, const struct rt_runtime_ops *ops,
		    int n, char *const *w, bool json, struct sbuf *out, char *err, size_t errsz);

/* The role / verdict of a name ("bouncer", "drop"), or -1. */
int trace_role_lookup(const char *name);
int trace_verdict_lookup(const char *name);

#endif
