/* SPDX-License-Identifier: MIT */
/*
 * The router's runtime: one thread, one epoll loop that owns the endpoint
 * ports (TAP), the underlay (UDP 6081), the control socket, a signalfd
 * and a one-second timer.  Control commands run between packet batches,
 * so the tables never change under a packet and need no locks; forwarding
 * never stops for an update.
 *
 *   wakeup -> for each ready port: rx_batch (<= RT_BATCH packets)
 *          -> pipeline decision per packet (rt_from_port / rt_from_underlay)
 *          -> queue per destination -> tx_batch per destination
 *          -> control requests, signals, timer
 *
 * Logging goes to stderr, one line per message with a level; messages
 * that packets can trigger are rate-limited per call site.
 * Layer: router; calls ext and libc.
 */
#ifndef GENV_RT_ROUTER_H
#define GENV_RT_ROUTER_H

#include <stdbool.h>
#include <stdint.h>
#include "ext.h"

struct rt_limits;
struct rt_store_opts;

struct router_opts {
	const char *config;	/* -f FILE: commands run at start (unless the state exists) */
	const char *state;	/* --state FILE: restored at start, rewritten after each change */
	const char *socket;	/* control socket path (rt_ctl_path() applied) */
	int log_level;		/* RT_LOG_* threshold */
	const struct rt_ext *const *exts;	/* NULL-terminated: added to the tables (ext.h) */
	bool no_offload;	/* --no-offload: plain TAP frames, no UDP GSO/GRO */
	const struct rt_store_opts *store;	/* --store: converge from etcd (store.h), or NULL */
	const struct rt_limits *limits;	/* --limit, --max-endpoints: table sizes (tables.h), NULL: defaults */
};

enum rt_log_level { RT_LOG_ERR, RT_LOG_WARN, RT_LOG_INFO, RT_LOG_DEBUG };

/* Run until SIGINT/SIGTERM.  0, or -errno for a start-up failure (already
 * logged).  SIGHUP rewrites the state file and logs the counters. */
int router_run(const struct router_opts *o);

/* Per-call-site rate limit: at most RT_LOG_BURST lines per second; the
 * number suppressed is reported with the next line that gets through. */
#define RT_LOG_BURST 10
struct rt_ratelimit {
	uint64_t window;	/* second of the current window */
	unsigned int count;
	uint64_t suppressed;
};

void rt_log_set_level(int level);
void rt_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void rt_log_rl(struct rt_ratelimit *rl, int level, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
#define RT_LOG_LIMITED(level, ...) do { \
		static struct rt_ratelimit rl_; \
		rt_log_rl(&rl_, level, __VA_ARGS__); \
	} while (0)

#endif
