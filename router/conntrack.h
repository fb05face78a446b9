/* SPDX-License-Identifier: MIT */
/*
 * Connection tracking: one bounded table for the whole router, made when
 * the first policy is compiled (a router without policies pays nothing).
 * A connection is keyed by its first packet's tuple (VNI, family,
 * protocol, addresses, ports; ICMP echo: the identifier as both ports);
 * a packet of the other direction finds it as a reply.  The hash is
 * symmetric, so both directions land in the same set.
 *
 * 8-way set associative, sets = entries / 8 (a power of two): O(1), no
 * allocation per packet; an expired entry is reused first, else the
 * least recently seen one of the set is evicted (counted).
 * Timeouts by protocol state (seconds):
 *   TCP  syn 60, established 86400, closing (FIN seen) 120, reset 10
 *   UDP  30 until a reply, then 180;  ICMP 30;  other protocols 600
 * Layer: router; calls libc only (no tables: its users hand it keys).
 */
#ifndef GENV_RT_CONNTRACK_H
#define GENV_RT_CONNTRACK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_CT_WAYS	8

enum rt_ct_state {
	RT_CT_FREE = 0,
	RT_CT_TCP_SYN,		/* SYN seen, no answer yet */
	RT_CT_TCP_SYNACK,	/* SYN-ACK seen */
	RT_CT_TCP_EST,
	RT_CT_TCP_CLOSING,	/* FIN seen */
	RT_CT_TCP_RESET,
	RT_CT_UNREPLIED,	/* UDP, ICMP, others: one direction so far */
	RT_CT_REPLIED,
	RT_CT__COUNT
};

struct rt_ct_key {
	uint32_t vni;
	uint8_t family, proto;
	uint16_t sport, dport;
	uint8_t src[16], dst[16];	/* IPv4 in the first 4 bytes, rest zero */
};

struct rt_ct_entry {
	struct rt_ct_key k;		/* the first packet's direction */
	uint8_t state;			/* enum rt_ct_state; RT_CT_FREE: empty */
	uint32_t src_id;		/* identity number the first packet carried (0 none) */
	uint32_t rule_eg, rule_in;	/* rules that allowed it here (RT_POL_RULE_ID or UINT32_MAX) */
	uint64_t last_ns, expire_ns;
	uint64_t pkts[2], bytes[2];	/* [0] original direction, [1] reply */
	uint8_t nat[16];		/* scaled endpoints (ep_scaled.h): the other address */
	uint16_t nat_port;		/* gateway NAT (nat.h): the other port */
	uint32_t nat_vni;		/* gateway NAT: the inside VPC of an outside entry */
};

struct rt_ct_stats {
	uint64_t inserted, evicted, expired, flushed, found, replies;
};

struct rt_ct {
	uint32_t nsets;			/* power of two */
	uint32_t used;			/* entries not free (expired ones included) */
	struct rt_ct_entry *e;		/* [nsets * RT_CT_WAYS] */
	struct rt_ct_stats st;
};

/* entries: rounded up to a power of two, at least RT_CT_WAYS.  NULL on
 * allocation failure. */
struct rt_ct *rt_ct_new(uint32_t entries);
void rt_ct_free(struct rt_ct *ct);
size_t rt_ct_memory(const struct rt_ct *ct);

/* The symmetric hash of a key (either direction gives the same). */
uint32_t rt_ct_hash(const struct rt_ct_key *k);

/* The live entry of k's connection: *reply tells the direction.  NULL
 * when none (or it expired).  Read-only. */
struct rt_ct_entry *rt_ct_find(const struct rt_ct *ct, const struct rt_ct_key *k, uint32_t hash,
			       uint64_t now_ns, bool *reply);
/* A new entry for k (the caller fills the policy fields); never fails. */
struct rt_ct_entry *rt_ct_insert(struct rt_ct *ct, const struct rt_ct_key *k, uint32_t hash,
				 uint64_t now_ns);
/* A packet of e's connection: state, timeout and counters.  tcp_flags of
 * the packet (0 for other protocols). */
void rt_ct_update(struct rt_ct_entry *e, bool reply, uint16_t tcp_flags, size_t size,
		  uint64_t now_ns);
/* Drop the entry (a policy change denies it). */
void rt_ct_remove(struct rt_ct *ct, struct rt_ct_entry *e);

const char *rt_ct_state_name(unsigned int state);
/* Seconds an entry in this state lives without a packet. */
unsigned int rt_ct_timeout(unsigned int state);

#endif
