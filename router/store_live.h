/* SPDX-License-Identifier: MIT */
/*
 * Liveness through the etcd store (genv-store(5), LIVENESS): each router
 * holds a lease of RT_LIVE_TTL_S seconds, refreshed every third of it
 * with /v3/lease/keepalive by a thread of its own, and keeps its status
 * (underlay address, ports and their endpoints, as JSON) at
 * PREFIX v1/status/hosts/ID attached to that lease.  A router that dies
 * stops refreshing: etcd deletes the key when the lease expires, and
 * every other router, reading that delete from its watch (store.c),
 * marks the host down (rt_host.down: `show ep` says unreachable) and
 * drops its direct-path cache entries toward it; the key put again
 * clears the mark.  A router that stops cleanly revokes its lease.
 *
 * Threads: the lease thread only posts the status text the loop gave it
 * (under mu); the host table and the marks are the loop's.
 * Layer: router; calls store_http, store_kv, dpcache, libcore json,
 * libcurl (through store_http), pthreads and libc.
 */
#ifndef GENV_RT_STORE_LIVE_H
#define GENV_RT_STORE_LIVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>
#include "../libcore/json.h"
#include "../libcore/sbuf.h"
#include "store_http.h"
#include "tables.h"

#define RT_LIVE_TTL_S	5	/* the lease's TTL without --lease-ttl */
#define RT_LIVE_TTL_MIN	2	/* etcd raises a shorter one to its minimum (2 s by default) */
#define RT_LIVE_TTL_MAX	3600

/* A router seen through its status key. */
struct rt_live_host {
	char id[72];
	uint8_t family, addr[16];	/* family 0: no address known */
	bool up;			/* the key is there */
	bool seen;			/* in the full read being applied */
	int64_t rev;			/* the revision of its last change */
	time_t since;			/* when it went up or down */
};

struct rt_live {
	const struct rt_store_conf *conf;
	const char *host_id;
	int64_t ttl_asked;		/* the TTL granted leases are asked for */
	int efd;			/* the store's eventfd: wakes the loop */
	void (*log)(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
	pthread_t thr;
	bool started;
	/* the loop's */
	struct rt_live_host *h;
	size_t n, cap;
	bool dirty;			/* marks to bring to the tables */
	uint64_t downs, ups, malformed, dp_dropped;
	uint32_t hosts_down, eps_down;	/* now */
	/* under mu: shared with the lease thread */
	pthread_mutex_t mu;
	bool stop;
	char *status;			/* the text to publish, NULL: none yet */
	uint64_t gen;			/* bumped when status changes */
	int64_t lease, ttl;
	uint64_t grants, keepalives, puts;
	char error[384];
};

/* Start the lease thread (host_id NULL: none, only watching) with leases
 * of ttl seconds (0: RT_LIVE_TTL_S).  0 or -errno. */
int rt_live_start(struct rt_live *l, const struct rt_store_conf *c, const char *host_id,
		  unsigned int ttl, int efd,
		  void (*log)(int, const char *, ...) __attribute__((format(printf, 2, 3))));
/* Stop it (revoking the lease) and free everything. */
void rt_live_stop(struct rt_live *l);

/* The loop: a status key of router id put (kv->value) or deleted, at
 * kv->mod_rev (the delete's revision for a delete). */
void rt_live_take(struct rt_live *l, const char *id, const struct rt_store_kv *kv, int64_t rev);
/* A full read: begin before its keys, end after them (a router whose key
 * is not in it is down). */
void rt_live_full(struct rt_live *l, bool begin, int64_t rev);
/* Bring the marks to t (after every change of the tables or of a host's
 * liveness): rt_host.down, the direct-path cache. */
void rt_live_sync(struct rt_live *l, struct rt_tables *t);
/* Compose this router's status from t and hand it to the lease thread
 * when it changed. */
void rt_live_publish(struct rt_live *l, const struct rt_tables *t);

/* `show store`: the lease and the routers seen. */
void rt_live_show_json(struct rt_live *l, struct json *j);
void rt_live_show_text(struct rt_live *l, struct sbuf *out);

#endif
