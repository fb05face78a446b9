/* SPDX-License-Identifier: MIT */
/*
 * The direct-path cache (genv-route(8), DIRECT PATH): endpoint (VNI, IP)
 * -> the underlay host that holds it, learned from return-to-sender
 * answers, so that a sender skips the bouncer of the endpoint's network.
 *
 *   (VNI, IP) --hash (chained, 2x buckets)--> entry <--LRU list--> ...
 *
 * Bounded: 'size' entries allocated at configuration time (size 0 turns
 * the cache off); a new entry takes a free one or evicts the least
 * recently used.  Ageing: an entry older than 'max age' (since it was
 * learned or re-learned) is a miss and is freed when looked up, so a
 * failed host stops receiving traffic after at most max age.  Lookup,
 * learn and invalidate are O(1) and never allocate.
 *
 * Also here: the per (sender host, endpoint) limiter for the answers a
 * host sends (one per interval), and a small outbox of answers the
 * pipeline queues and the loop sends after each batch (rt_dp_send).
 *
 * Layer: router; calls libcore (opt_genv, cursor), tables.h, libc.
 */
#ifndef GENV_RT_DPCACHE_H
#define GENV_RT_DPCACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"

#define RT_DP_DEFAULT_SIZE	4096
#define RT_DP_DEFAULT_AGE	30		/* seconds */
#define RT_DP_MAX_SIZE		(1u << 20)
#define RT_DP_MAX_AGE		86400
#define RT_DP_RL_SLOTS		1024		/* answer limiter: direct-mapped */
#define RT_DP_RL_NS		1000000000ull	/* one answer per (sender, endpoint) per second */
#define RT_DP_OUTBOX		32		/* answers queued per batch */

struct rt_dp_entry {
	uint32_t vni;
	uint8_t family;			/* 0: free */
	uint8_t ip[16];
	struct gnv_addr host;		/* the endpoint's host */
	uint64_t learned_ns, used_ns;
	uint64_t hits;
	uint32_t prev, next;		/* LRU list, most recent at head */
	uint32_t hnext;			/* hash chain */
};

/* Counters (show stats, top); names in RT_DP_COUNTERS. */
#define RT_DP_COUNTERS(X) \
	X(learned,      "entries learned from return-to-sender answers") \
	X(used,         "packets sent host to host by a cache entry") \
	X(invalidated,  "entries dropped by a moved/unknown answer") \
	X(aged,         "entries that reached their max age") \
	X(evicted,      "entries evicted to make room (LRU)") \
	X(rts_sent,     "return-to-sender answers sent") \
	X(inval_sent,   "moved/unknown answers sent") \
	X(rts_limited,  "answers suppressed by the per sender/endpoint limit") \
	X(outbox_full,  "answers lost: more than 32 in one batch") \
	X(untrusted,    "answers dropped: not from a configured host of the VPC") \
	X(malformed,    "answers dropped: malformed return-to-sender option")

struct rt_dp_stats {
#define RT_X(n, d) uint64_t n;
	RT_DP_COUNTERS(RT_X)
#undef RT_X
};

/* One answer to send: to host 'to', about endpoint (vni, family, ip). */
struct rt_dp_msg {
	struct gnv_addr to;
	uint32_t vni;
	uint8_t family;
	bool invalidate;		/* 0x83 moved/unknown, else 0x03 here */
	uint8_t ip[16];			/* the endpoint */
	uint8_t peer[16];		/* the sender's endpoint (inner destination) */
};

struct rt_dpcache {
	struct rt_dp_entry *e;		/* [size] */
	uint32_t *bucket;		/* [nbucket] heads, RT_DP_NIL when empty */
	uint32_t size, nbucket, n;
	uint32_t head, tail, free;	/* LRU ends; free list through next */
	uint64_t max_age_ns;
	struct {
		uint64_t key, last_ns;
	} rl[RT_DP_RL_SLOTS];
	unsigned int nout;
	struct rt_dp_msg out[RT_DP_OUTBOX];
	struct rt_dp_stats st;
};

#define RT_DP_NIL	UINT32_MAX

/* Allocate size entries (0: off) with max age seconds.  0 or -ENOMEM/-EINVAL;
 * on error the cache is unchanged.  Entries are dropped (counters kept). */
int rt_dp_configure(struct rt_dpcache *c, uint32_t size, uint32_t max_age_s);
void rt_dp_free(struct rt_dpcache *c);
/* Drop every entry. */
void rt_dp_clear(struct rt_dpcache *c);

/* The live entry, or NULL (an aged one is freed).  count: a packet uses it
 * (hits, used_ns, LRU, st.used); false for a look that changes nothing. */
struct rt_dp_entry *rt_dp_lookup(struct rt_dpcache *c, uint32_t vni, uint8_t family,
				 const uint8_t *ip, uint64_t now_ns, bool count);
/* Learn (or refresh) endpoint -> host.  0, or -ENOSPC when size is 0. */
int rt_dp_learn(struct rt_dpcache *c, uint32_t vni, uint8_t family, const uint8_t *ip,
		const struct gnv_addr *host, uint64_t now_ns);
/* Drop the entry; true when there was one. */
bool rt_dp_invalidate(struct rt_dpcache *c, uint32_t vni, uint8_t family, const uint8_t *ip);

/* Drop every entry toward underlay host 'host' (its router is gone:
 * store.c, liveness); not counted as invalidated.  The number dropped.
 * O(size): off the packet path. */
unsigned int rt_dp_invalidate_host(struct rt_dpcache *c, const struct gnv_addr *host);

/* True (and noted) when an answer of this kind to 'to' about (vni, ip)
 * may go now. */
bool rt_dp_limit_ok(struct rt_dpcache *c, const struct gnv_addr *to, uint32_t vni,
		    uint8_t family, const uint8_t *ip, bool invalidate, uint64_t now_ns);
/* Queue an answer for rt_dp_send (false when the outbox is full). */
bool rt_dp_queue(struct rt_dpcache *c, const struct rt_dp_msg *m);

/*
 * The control packet of an answer: Geneve with the O bit (RFC 8926: not
 * for the tenant), VNI, the RTS option (0x03 naming self/self_mac, or
 * 0x83 with the C bit), then an inner Ethernet + IP header from the
 * endpoint to the sender's endpoint, protocol 253 (RFC 3692), no payload:
 * the inner source names the endpoint.  Returns the bytes written or
 * -ENOSPC.
 */
int rt_dp_build(const struct rt_dp_msg *m, uint16_t cls, const struct gnv_addr *self,
		const uint8_t *self_mac, uint8_t *buf, size_t size);

/* Age in seconds of e at now (for show). */
static inline uint64_t rt_dp_age_s(const struct rt_dp_entry *e, uint64_t now_ns)
{
	return now_ns > e->learned_ns ? (now_ns - e->learned_ns) / 1000000000ull : 0;
}

#endif
