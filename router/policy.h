/* SPDX-License-Identifier: MIT */
/*
 * Network policy: Kubernetes NetworkPolicy semantics per VPC (genv.conf(5)
 * POLICY): the checked edits of policies, the compiler that turns
 * policies, namespaces and identities into the lookup tables of
 * policy_obj.h, and the per-packet decision with connection tracking.
 *
 * Enforcement: the router of a source endpoint enforces its egress, the
 * router of a destination endpoint its ingress.  An endpoint that no
 * policy selects for a direction allows everything in it; one that some
 * policy selects allows only what some selecting policy allows.
 * Replies of a tracked connection pass, and so do ICMP errors that quote
 * one.  Changes are compiled by rt_policy_commit(): the command language
 * calls it after each command (and once after a file), always between
 * packet batches, so a packet sees the old tables or the new ones, never
 * a mixture; tracked connections that the new tables deny are dropped.
 * Layer: router; calls tables, conntrack, policy_obj, labels, prefix,
 * libcore (cursor, pkt) and libc.
 */
#ifndef GENV_RT_POLICY_H
#define GENV_RT_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "policy_obj.h"
#include "stats.h"
#include "tables.h"

/*
 * Add (replace false) or replace (true) the policy p->name of VPC p->vni
 * in namespace ns.  p holds the parsed policy (sel, types, rules); on
 * success the tables own its memory, on failure the caller still does.
 */
int rt_policy_put(struct rt_tables *t, struct rt_policy *p, const char *ns, bool replace,
		  char *err, size_t errsz);
int rt_policy_del(struct rt_tables *t, uint32_t vni, const char *name, char *err, size_t errsz);
struct rt_policy *rt_policy_find(const struct rt_tables *t, uint32_t vni, const char *name);

/* Compile when something changed (t->cfg.pol_dirty), then re-check the
 * tracked connections.  0, or -ENOMEM: the previous tables stay. */
int rt_policy_commit(struct rt_tables *t, char *err, size_t errsz);

/* A packet at an enforcement point. */
struct rt_pol_pkt {
	const struct rt_vpc *v;
	const struct rt_ep *src, *dst;	/* endpoints of the VPC, when the addresses are */
	uint32_t src_id;		/* identity number the packet carried; 0: none */
	bool from_underlay;		/* src_id is what the sender claimed */
	const struct gnv_layers *l;	/* inner headers (offsets into frame) */
	const uint8_t *frame;
	size_t size;
};

/* What decided (for trace packet, the flow table and genv top). */
enum rt_pol_how {
	RT_POL_HOW_NONE = 0,	/* no policy in the VPC: not looked at */
	RT_POL_HOW_OPEN,	/* no policy selects the endpoints */
	RT_POL_HOW_RULE,	/* allowed by a rule */
	RT_POL_HOW_TRACKED,	/* a tracked connection (or its reply, or an ICMP error about it) */
	RT_POL_HOW_DENIED,
};

struct rt_pol_res {
	uint8_t how;		/* enum rt_pol_how */
	uint32_t rule;		/* RT_POL_RULE_ID of the allowing rule (ingress if both), or RT_NONE */
	uint32_t pol;		/* denied: a policy that isolates the endpoint */
	char why[512];		/* filled when explain */
};

/*
 * The verdict for one packet: RT_DROP_NONE (allowed) or the drop reason
 * (policy.egress_denied, policy.ingress_denied, policy.identity_untrusted,
 * policy.identity_missing).  live: count and track (false in a dry run:
 * nothing changes).
 */
enum rt_drop rt_policy_check(struct rt_tables *t, const struct rt_pol_pkt *pp, bool live,
			     bool explain, struct rt_pol_res *res);

/* "allow NAME#N" / "tracked" / "deny NAME" / "open" / "-" for a flow. */
const char *rt_pol_how_name(unsigned int how);
/* "NAME ingress rule K" (K counts the rules of that direction from 1, as
 * written) of rule id (RT_POL_RULE_ID), into buf; NULL for RT_NONE or a
 * rule whose policy is gone. */
const char *rt_policy_rule_name(const struct rt_policies *ps, uint32_t id, char *buf, size_t n);

#endif
