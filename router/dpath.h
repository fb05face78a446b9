/* SPDX-License-Identifier: MIT */
/*
 * The direct path (genv-route(8), DIRECT PATH): the pipeline's hooks
 * around the cache of dpcache.h.
 *
 *   sender A (rts on)                 bouncer              host C of X
 *   1. no endpoint X here, net's bouncer: encap with RTS(host A) -->
 *                                      relays ---------->  delivers to X;
 *                                                          came via a relay and
 *                                                          A is a host of the VPC:
 *   3. learns X -> C  <------- O-bit answer: RTS(host C), inner src X
 *   4. later packets to X: encap straight to C (path direct)
 *   5. X moves away from C: C answers a packet for X with 0x83 (C bit);
 *      A drops the entry and goes through the bouncer again.
 *
 * Trust: an answer is taken only when it comes from the host it names
 * and that host is a configured host of the VPC (rt_dp_trusted, the same
 * rt_vpc_host notion as the underlay peer check); answers are sent only
 * to such hosts, at most one per (host, endpoint) per second.
 * The hooks explain themselves in a note (for the pipeline's trace)
 * rather than calling the trace, so the pipeline alone depends on them.
 * Layer: router; calls dpcache, tables, libcore.
 */
#ifndef GENV_RT_DPATH_H
#define GENV_RT_DPATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "tables.h"

struct gnv_pkt;
struct rt_runtime_ops;
struct gnv_emit;

/* Values of rt_vpc.direct (`add vpc ... direct on|off|same-net`). */
enum rt_dp_mode { RT_DP_ON = 0, RT_DP_OFF = 1, RT_DP_SAMENET = 2 };
extern const char *const rt_dp_modes[];	/* "on" "off" "same-net" NULL */

/* What a hook decided, for `genv trace packet` (decision NULL: nothing). */
struct rt_dp_note {
	const char *decision;		/* "cache", "answer", "learn" ... */
	char detail[128];
};

/* The host index of a when it is a configured host of VPC index vpc
 * (endpoint host, bouncer, divider or peer), else -1.  One function so
 * the underlay trust notion can be swapped in one place. */
int rt_dp_trusted(const struct rt_tables *t, uint32_t vpc, const struct gnv_addr *a);

/* From a port, no endpoint for dst in v: the host of a live cache entry
 * (counted when live), or NULL; src the sending endpoint. */
const struct rt_host *rt_dp_route(struct rt_tables *t, const struct rt_vpc *v,
				  const struct rt_ep *src, uint8_t family, const uint8_t *dst,
				  bool live, struct rt_dp_note *note);

/* From the underlay, pk delivered to a local endpoint of v: answer the
 * sender named by its RTS option when it came through a relay. */
void rt_dp_on_deliver(struct rt_tables *t, const struct rt_vpc *v, const struct gnv_addr *from,
		      const struct gnv_pkt *pk, const uint8_t *payload, bool live,
		      struct rt_dp_note *note);
/* From the underlay straight from a host of v, for an endpoint not on this
 * host: answer moved/unknown (0x83). */
void rt_dp_on_not_local(struct rt_tables *t, const struct rt_vpc *v,
			const struct gnv_addr *from, const struct gnv_pkt *pk, bool live,
			struct rt_dp_note *note);
/* An O-bit packet: RT_DROP_NONE when it is no answer (the extensions get
 * it) or was taken (*taken set); else the drop reason, why in why. */
enum rt_drop rt_dp_on_control(struct rt_tables *t, const struct gnv_addr *from,
			      const struct gnv_pkt *pk, const uint8_t *payload, bool live,
			      struct rt_dp_note *note, bool *taken, char *why, size_t whysz);

/* The loop, after a batch: send the queued answers. */
void rt_dp_send(struct rt_tables *t, const struct rt_runtime_ops *ops);

/* `show cache [VNI]`: the entries (text or JSON). */
void rt_dp_show(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e);
/* The counters as members of the current JSON object / text line. */
void rt_dp_emit_stats(const struct rt_tables *t, struct gnv_emit *e);

#endif
