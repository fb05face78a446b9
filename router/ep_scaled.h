/* SPDX-License-Identifier: MIT */
/*
 * Scaled endpoints: a virtual address (VIP) of a VPC backed by N backend
 * addresses of the same VPC (`add ep VNI VIP type scaled backends
 * IP[,WEIGHT] ...`).
 *
 * Who picks: the sender's router, which holds the endpoint like every
 * host of the VPC, picks the backend of a new flow with the endpoint's
 * Maglev table (maglev.h) and rewrites the inner destination from the VIP
 * to the backend, then routes the packet as any packet to the backend
 * (straight to the backend's host: no bouncer hop, no extra host on the
 * path).  A bouncer or divider that receives a packet for the VIP
 * (a sender that does not know it) does the same.
 *
 * Pinning: the choice is kept in the router's connection tracking
 * (conntrack.h; the one table policies use) under two keys of their own
 * (a VNI above the 24-bit range, so policy entries never meet them):
 *   RT_SCALED_CT_FWD | vni, client -> VIP      nat = backend
 *   RT_SCALED_CT_REV | vni, client -> backend  nat = VIP
 * A later packet of the flow finds its backend in the first whatever the
 * table says now (a rebuilt table moves new flows only); a reply from the
 * backend finds the second and gets the VIP back as its source, IPv4
 * header and TCP/UDP checksums updated incrementally (RFC 1624), so the
 * client never sees the backend's address.
 *
 * The pinned path costs an array lookup, not a search: the forward entry
 * also holds the backend's index (src_id) and the config generation it
 * is valid for (rule_in); and while the router's configuration is
 * unchanged (t->cfg.gen) a flow whose flow-table entry confirmed its pin
 * in conntrack less than RT_SCALED_PIN_FRESH_NS ago takes the backend
 * from that entry without the conntrack lookup: nothing can have moved
 * it (a pin changes only with the configuration), and the conntrack
 * entries cannot have expired (the shortest timeout is 10 s).  Packets
 * with SYN, FIN or RST, and the first packet after any change, take the
 * conntrack path, which refreshes the timeouts and adds the packets
 * counted in the meantime.
 *
 * Layer: router, above the tables (scaled.h holds the state they own);
 * calls tables, conntrack, maglev, libcore.
 */
#ifndef GENV_RT_EP_SCALED_H
#define GENV_RT_EP_SCALED_H

#include <stdbool.h>
#include <stdint.h>
#include "scaled.h"
#include "tables.h"

#define RT_SCALED_CT_FWD	0x40000000u
#define RT_SCALED_CT_REV	0x80000000u
#define RT_SCALED_PIN_FRESH_NS	1000000000ull	/* 1 s */

/* True for the conntrack keys of scaled endpoints (policy code skips them). */
static inline bool rt_scaled_ct_key(uint32_t vni)
{
	return vni > RT_VNI_MAX;
}

/* Free the replaced Maglev tables (the loop, between batches). */
void rt_scaled_reclaim(struct rt_tables *t);

/* Packet path.  A packet of a flow to scaled endpoint d: its backend
 * (pinned or picked), the inner destination rewritten in buf (the
 * buffer l's offsets refer to) and in l.  *pinned: an existing choice.
 * f: the packet's flow entry (live runs), or NULL.
 * Returns the backend's index in d->sc, or -1 when d has no backends. */
int rt_scaled_dnat(struct rt_tables *t, const struct rt_ep *d, struct gnv_layers *l, uint8_t *buf,
		   uint32_t vni, uint32_t hash, bool live, struct rt_flow *f, bool *pinned);
/* A reply from a backend (src backend, dst client): source set back to
 * the VIP.  True when rewritten. */
bool rt_scaled_reply(struct rt_tables *t, struct gnv_layers *l, uint8_t *buf, uint32_t vni,
		     bool live);

#endif
