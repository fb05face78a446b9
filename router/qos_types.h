/* SPDX-License-Identifier: MIT */
/*
 * QoS data kept in the tables (router/qos.h has the functions):
 * the router's class table and each endpoint's class and rate limit.
 * Layer: router; libc only.
 */
#ifndef GENV_RT_QOS_TYPES_H
#define GENV_RT_QOS_TYPES_H

#include <stdbool.h>
#include <stdint.h>

#define RT_QOS_CLASSES	3	/* enum genv_qos_class: premium, expedited, best-effort */
#define RT_QOS_NONE	0	/* rt_ep_qos.cls: no class (class c is stored as c + 1) */
#define RT_QOS_BURST_MAX (1u << 30)	/* bytes: keeps the bucket arithmetic in 64 bits */
#define RT_QOS_RATE_MAX	10000000000000ull	/* 10tbit */

/* One class: `set qos CLASS dscp N priority N remark on|off`. */
struct rt_qos_class {
	uint8_t dscp;		/* outer DSCP on encapsulation */
	uint8_t prio;		/* priority carried in the QoS option */
	bool remark;		/* decapsulation: set the inner DSCP to dscp */
};

/* An endpoint's `qos`, `rate` and `burst` words. */
struct rt_ep_qos {
	uint8_t cls;		/* RT_QOS_NONE or class + 1 */
	uint64_t rate;		/* bits per second; 0: no limit */
	uint32_t burst;		/* bytes */
};

/* An endpoint's token bucket (runtime state; reset when the endpoint is set). */
struct rt_bucket {
	uint64_t tokens;	/* bits x 1e9 (no division per packet) */
	uint64_t last_ns;	/* rt_runstate.now_ns of the last refill */
	uint64_t fill_ns;	/* time to fill an empty bucket */
	uint64_t drops, dropped_bytes;
};

/* The default class table (genv-route(8) QOS; RFC 4594: EF for premium,
 * AF41 for expedited, default forwarding for best-effort). */
static inline void rt_qos_defaults(struct rt_qos_class q[RT_QOS_CLASSES])
{
	q[0] = (struct rt_qos_class){ .dscp = 46, .prio = 0 };
	q[1] = (struct rt_qos_class){ .dscp = 34, .prio = 1 };
	q[2] = (struct rt_qos_class){ .dscp = 0, .prio = 2 };
}

#endif
