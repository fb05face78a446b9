/* SPDX-License-Identifier: MIT */
/*
 * Network policies as stored (what `add policy` said) and as compiled
 * (what the packet path looks up).  Data and its lifetime only: the
 * checked edits, the compiler and the per-packet decisions are in
 * policy.c (policy.h); the tables own one struct rt_policies and free it.
 * Layer: router; calls labels, prefix and libc.
 *
 * Compiled form (rebuilt as a whole by rt_policy_commit, swapped in
 * between packet batches): for every identity (label set) and direction
 * a struct rt_pol_dir says whether some policy isolates it, and where its
 * allows are:
 *   pair hash   (target identity, direction, peer identity) -> port set
 *   any         port set of the rules that allow every peer
 *   cidr        (target, direction) prefix table -> port set; every
 *               boundary prefix (each ipBlock cidr and except) carries the
 *               union of the rules whose cidr holds it and no except does,
 *               so the longest match decides
 * A port set is a short list of (protocol, port range, rule) intervals.
 * Per packet: at most one pair probe, one any check and one probe per
 * distinct prefix length -- never a scan over policies or rules.
 */
#ifndef GENV_RT_POLICY_OBJ_H
#define GENV_RT_POLICY_OBJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "labels.h"
#include "prefix.h"

#define RT_POL_NAME_MAX		128	/* with the NUL */
#define RT_POL_RULES_MAX	64	/* ingress + egress rules of a policy */
#define RT_POL_PEERS_MAX	64	/* from / to peers of a rule */
#define RT_POL_PORTS_MAX	64	/* ports of a rule */
#define RT_POL_EXCEPT_MAX	32	/* except prefixes of one ipBlock */

enum rt_pol_dirn { RT_POL_INGRESS = 0, RT_POL_EGRESS = 1 };
#define RT_POL_T_INGRESS	1	/* policyTypes bits */
#define RT_POL_T_EGRESS		2

enum rt_peer_kind { RT_PEER_POD, RT_PEER_NS, RT_PEER_PODNS, RT_PEER_CIDR };

struct rt_pol_peer {
	uint8_t kind;			/* enum rt_peer_kind */
	uint8_t nexc;
	struct rt_sel pod, ns;		/* POD, NS, PODNS */
	struct rt_prefix cidr;		/* CIDR */
	struct rt_prefix exc[RT_POL_EXCEPT_MAX];
};

struct rt_pol_port {
	uint8_t proto;			/* 6, 17, 132 */
	uint16_t lo, hi;		/* 0..65535: the whole protocol */
};

struct rt_pol_rule {
	uint8_t dir;			/* enum rt_pol_dirn */
	uint16_t npeer, nport;		/* 0 peers: every peer; 0 ports: every port and protocol */
	struct rt_pol_peer *peer;
	struct rt_pol_port *port;
	uint64_t pkts, bytes;		/* allowed by this rule (packets of new and tracked flows) */
};

struct rt_policy {
	bool used;
	uint32_t vni, vpc;		/* VPC index */
	uint32_t ns;			/* namespace index */
	char name[RT_POL_NAME_MAX];
	struct rt_sel sel;		/* podSelector */
	uint8_t types;			/* RT_POL_T_* */
	uint16_t nrule;
	struct rt_pol_rule *rule;
	uint64_t denied, denied_bytes;	/* packets to/from endpoints it isolates that nothing allowed */
};

/* A rule by number: policy index << 8 | rule index; RT_NONE for none. */
#define RT_POL_RULE_ID(p, r)	((uint32_t)(p) << 8 | (uint32_t)(r))
#define RT_POL_RULE_POL(id)	((id) >> 8)
#define RT_POL_RULE_IDX(id)	((id) & 0xff)

struct rt_pint {
	uint8_t proto;			/* 0: any protocol, any port */
	uint16_t lo, hi;
	uint32_t rule;			/* RT_POL_RULE_ID */
};

struct rt_pset {
	uint32_t off;			/* into pint[] */
	uint32_t n;
};

struct rt_pol_dir {
	bool isolated;			/* some policy selects it for this direction */
	uint32_t any;			/* port set, or RT_POL_NONE */
	uint32_t cidr;			/* prefix table, or RT_POL_NONE */
	uint32_t pols, npols;		/* isolating policies: polref[pols .. pols+npols) */
};
#define RT_POL_NONE	UINT32_MAX

struct rt_pol_pair {
	uint32_t tgt;			/* identity * 2 + direction; RT_POL_NONE = empty */
	uint32_t peer;			/* identity index */
	uint32_t pset;
};

struct rt_pol_pfx {
	uint32_t tab;			/* prefix table; RT_POL_NONE = empty */
	struct rt_prefix p;
	uint32_t pset;
};

struct rt_pol_cidrtab {
	uint64_t plen4;			/* bit L: a prefix of length L */
	uint64_t plen6[3];
};

struct rt_polc {
	uint32_t nident;		/* dir[] has 2 * nident entries */
	struct rt_pol_dir *dir;
	struct rt_pint *pint;
	uint32_t npint;
	struct rt_pset *pset;
	uint32_t npset;
	uint32_t *polref;
	uint32_t npolref;
	struct rt_pol_cidrtab *cidr;
	uint32_t ncidr;
	struct rt_pol_pair *pair;
	uint32_t pair_mask;
	struct rt_pol_pfx *pfx;
	uint32_t pfx_mask;
	size_t memory;
};

struct rt_policies {
	uint32_t max, n;
	struct rt_policy **p;		/* [max]; NULL: a free slot */
	uint32_t *idx;			/* (VNI, name) -> slot + 1, open addressing; 0: empty */
	uint32_t idx_mask;
	uint32_t low_free;		/* every slot below it is in use */
	struct rt_polc *c;		/* compiled; NULL until the first commit */
	uint64_t compiles;
	uint64_t compile_ns;		/* of the last compile */
	uint64_t flushed;		/* tracked connections a change denied */
};

struct rt_policies *rt_policies_new(uint32_t max);
/* The slot of policy (vni, name), or -1: one hash probe sequence. */
int64_t rt_policies_slot(const struct rt_policies *ps, uint32_t vni, const char *name);
/* Put p into the lowest free slot (the caller checked n < max); its slot. */
uint32_t rt_policies_insert(struct rt_policies *ps, struct rt_policy *p);
/* Empty slot i (not freeing what it held). */
void rt_policies_remove(struct rt_policies *ps, uint32_t i);
void rt_policies_free(struct rt_policies *ps);
size_t rt_policies_memory(const struct rt_policies *ps);
/* Zero the per-policy and per-rule counters. */
void rt_policies_clear_stats(struct rt_policies *ps);
/* Free what a policy holds (not the slot). */
void rt_policy_obj_free(struct rt_policy *p);
/* Trim a parsed policy's arrays (made at their maximum) to what it holds. */
void rt_policy_obj_shrink(struct rt_policy *p);
void rt_polc_free(struct rt_polc *c);

#endif
