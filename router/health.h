/* SPDX-License-Identifier: MIT */
/*
 * Health of a scaled endpoint's backends (`set ep VNI VIP health on
 * [health-interval MS] [health-timeout MS]`, genv-route(8) HEALTH).
 *
 *   router A (owns VIP, health on)            host B (backend 10.0.2.6)
 *   tick: every health-interval, per backend host
 *     O-bit Geneve, VNI of the VPC, option health(seq) ---->  any genv router:
 *                                                             sender is a host of
 *     answer_ns = now  <---- O-bit, health(answer, seq) ----  the VPC -> answer
 *   tick: no answer for health-timeout -> backend down:
 *     Maglev table rebuilt without it (off the packet path: the loop's
 *     timer), swapped atomically (maglev.h); a flow pinned to it moves on
 *     its next packet (rt_scaled_dead); an answer again -> back in.
 *
 * Why a dedicated option rather than the trace probes: a probe is a path
 * trace for an inner flow, answered by the trace extension (a layer
 * above the router) and rate-limited to 100/s router-wide; a keepalive
 * is 20 bytes of Geneve, answered by every router from its pipeline with
 * no extension and no inner frame.  The unit probed is the backend's
 * host (several backends on one host share one keepalive): what dies in
 * the failure this covers is the host's router, which is also what a
 * plain endpoint behind it depends on.  Local backends (on a port of this
 * router) and backends that are no endpoint of the tables are not probed
 * and count as up.  With every backend down, all stay in the table (a
 * VIP with no backend could route nothing).
 *
 * Trust: a request is answered only when it comes from a configured host
 * of the VPC named by its VNI (rt_dp_trusted, the direct path's rule), so
 * a forged request cannot make a router send to any address; an answer
 * counts only from a host being probed and with one of the last 4
 * sequence numbers sent to it.
 * Layer: router; calls tables, dpath, scaled, maglev, libcore.
 */
#ifndef GENV_RT_HEALTH_H
#define GENV_RT_HEALTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "stats.h"
#include "tables.h"

struct gnv_pkt;
struct gnv_emit;
struct rt_runtime_ops;

#define RT_HL_TICK_MS		100	/* the loop's timer: resolution of the checks */
#define RT_HL_INTERVAL_MIN	100	/* ms */
#define RT_HL_INTERVAL_MAX	60000
#define RT_HL_TIMEOUT_MAX	600000
#define RT_HL_OUTBOX		32	/* answers queued per batch */
#define RT_HL_SEQ_WINDOW	4	/* answers taken for the last 4 requests */

#define RT_HL_COUNTERS(X) \
	X(probes_sent,  "keepalive requests sent to backend hosts") \
	X(answers,      "answers received to our requests") \
	X(stale,        "answers dropped: from a host not probed or an old sequence number") \
	X(requests,     "requests received from other routers") \
	X(answers_sent, "answers sent") \
	X(outbox_full,  "answers lost: more than 32 in one batch") \
	X(untrusted,    "requests dropped: not from a configured host of the VPC") \
	X(malformed,    "keepalives dropped: malformed health option") \
	X(down,         "backends taken out of a Maglev table") \
	X(up,           "backends put back")

struct rt_hl_stats {
#define RT_X(n, d) uint64_t n;
	RT_HL_COUNTERS(RT_X)
#undef RT_X
};

/* One probed host (indexed like the tables' hosts). */
struct rt_hl_host {
	bool used;
	struct gnv_addr addr;		/* the host slot's address when taken */
	uint32_t seq;			/* last sequence number sent */
	uint32_t vni;			/* a VPC it is probed for (the request's VNI) */
	uint64_t since_ns;		/* probed since */
	uint64_t sent_ns, answer_ns;	/* 0: never */
	uint64_t interval_ns;		/* the smallest of its endpoints' */
	bool want;			/* a tick found an endpoint needing it */
};

/* One block (rt_tables_free frees it without knowing it). */
struct rt_health {
	unsigned int nout;
	struct {
		struct gnv_addr to;
		uint32_t vni, seq;
	} out[RT_HL_OUTBOX];
	struct rt_hl_stats st;
	struct rt_hl_host h[];		/* [max_hosts] */
};

/* The control path (the loop's timer, every RT_HL_TICK_MS): send the
 * requests that are due, mark backends down or up, rebuild and swap the
 * tables that changed.  Nothing when no endpoint has health on. */
void rt_hl_tick(struct rt_tables *t, const struct rt_runtime_ops *ops);
/* An O-bit packet (the pipeline): RT_DROP_NONE when it carries no health
 * option (*taken false) or was taken; else the drop reason, why in why. */
enum rt_drop rt_hl_on_control(struct rt_tables *t, const struct gnv_addr *from,
			      const struct gnv_pkt *pk, const uint8_t *payload, bool live,
			      bool *taken, char *why, size_t whysz);
/* The loop, after a batch: send the queued answers. */
void rt_hl_send(struct rt_tables *t, const struct rt_runtime_ops *ops);
/* A keepalive (answer or request) to buf: Geneve header, O bit, the
 * option, no inner frame.  Its size, or -ENOSPC. */
int rt_hl_build(uint16_t cls, uint32_t vni, bool answer, uint32_t seq, uint8_t *buf, size_t size);

/* Backend i of scaled endpoint ep: "up", "down", "local", "unprobed" or
 * "host-down" (its hosts marked down by the store: RT_SC_DOWN_HOST),
 * and the age in ms of its host's last answer (-1: none). */
const char *rt_hl_backend_state(const struct rt_tables *t, const struct rt_ep *ep, uint32_t i,
				int64_t *age_ms);
/* The counters as members of the current JSON object / text line. */
void rt_hl_emit_stats(const struct rt_tables *t, struct gnv_emit *e);
/* `clear stats`. */
void rt_hl_clear_stats(struct rt_tables *t);

#endif
