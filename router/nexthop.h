/* SPDX-License-Identifier: MIT */
/*
 * Next hops for the AF_XDP underlay (port_xdp.c builds whole frames): the
 * MAC of the next hop toward an IPv4 destination and the source address,
 * from the kernel's route and neighbour tables over rtnetlink, cached and
 * invalidated by a subscription to route and neighbour changes.
 * Layer: router; calls libmnl and libc.
 */
#ifndef GENV_RT_NEXTHOP_H
#define GENV_RT_NEXTHOP_H

#include <stdbool.h>
#include <stdint.h>

#define RT_NH_BITS	8
#define RT_NH_SLOTS	(1u << RT_NH_BITS)

struct rt_nh {
	uint32_t dst, src;		/* network order */
	uint32_t gen;
	uint64_t retry_ns;
	uint8_t mac[6];
	bool ok;
};

struct rt_nh_table;

/* For interface ifindex; fallback_src when a route names no source.  0 or -errno. */
int rt_nh_open(struct rt_nh_table **t, unsigned int ifindex, uint32_t fallback_src);
void rt_nh_close(struct rt_nh_table *t);
int rt_nh_event_fd(const struct rt_nh_table *t);	/* readable on a change */
void rt_nh_poll(struct rt_nh_table *t);			/* take the changes seen */
/* The next hop of dst through the interface, or NULL: not through it, or
 * not resolved yet (resolution is started; send through the kernel). */
const struct rt_nh *rt_nh_get(struct rt_nh_table *t, uint32_t dst);
/* One uncached lookup for a tool (craft -i): the MAC of the next hop toward
 * dst, the source address and the next hop itself (*via, also on error).
 * 0, -ENETUNREACH (routed through another interface), -EAGAIN (resolution
 * started: ask again), or another -errno. */
int rt_nh_resolve(struct rt_nh_table *t, uint32_t dst, uint8_t mac[6], uint32_t *src,
		  uint32_t *via);
void rt_nh_counts(const struct rt_nh_table *t, uint64_t *lookups, uint64_t *misses);

#endif
