/* SPDX-License-Identifier: MIT */
/*
 * The router's side of the etcd store (genv-store(5)): a thread reads the
 * prefix in one revision-consistent range read, then watches it from the
 * next revision; it hands each complete reply (a whole range, or one watch
 * response, which never splits an etcd transaction) to the router's loop
 * through an eventfd.  The loop applies it between packet batches, all of
 * it or (when a command is refused) none of it: a refused object keeps its
 * last good value, is counted and logged with its key.
 *
 * Why a thread and not a curl multi handle in the epoll loop: the watch is
 * one long-lived stream with its own reconnect and backoff, and the range
 * read of 100k keys parses megabytes of JSON; a thread keeps both out of
 * the packet path with one eventfd, where a multi handle would need
 * libcurl's socket/timer callbacks woven into loop.c and would still parse
 * in the loop.  The thread never touches the tables: it only queues
 * parsed replies.
 *
 * Without etcd the router keeps forwarding from what it has (its --state
 * file at start); with --state, STATE.store keeps the keys and the
 * revision they are at, so a restart resumes the watch from there (no full
 * read); a compacted revision makes the thread read everything again and
 * the loop apply the difference.
 * Layer: router; calls store_http, store_kv, config (rt_cmd_exec,
 * rt_config_dump), state (rt_write_atomic), libcurl, pthreads and libc;
 * it logs through opts.log, which the command wires to rt_log.
 */
#ifndef GENV_RT_STORE_H
#define GENV_RT_STORE_H

#include <stdbool.h>
#include "../libcore/sbuf.h"
#include "config.h"
#include "store_http.h"

struct rt_store_opts {
	const char *url;		/* --store */
	const char *prefix;		/* --prefix, NULL: /genv/ */
	const char *host_id;		/* --host-id */
	const char *cacert, *cert, *key;
	const char *cache;		/* STATE.store, NULL: none */
	unsigned int lease_ttl;		/* --lease-ttl, 0: RT_LIVE_TTL_S */
	/* the router's logger (rt_log), called from the loop and the thread */
	void (*log)(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
};

enum { RT_STORE_LOG_ERR, RT_STORE_LOG_WARN, RT_STORE_LOG_INFO };	/* = RT_LOG_* */

struct rt_store;

/* Load the cache and start the thread.  0 or -errno with err set. */
int rt_store_start(struct rt_store **out, const struct rt_store_opts *o, char *err, size_t errsz);
/* The descriptor to poll (readable: rt_store_apply). */
int rt_store_fd(const struct rt_store *s);
/* Apply what the thread queued.  Returns the number of replies applied. */
int rt_store_apply(struct rt_store *s, struct rt_tables *t, const struct rt_runtime_ops *ops);
/* `show store`: connected member, revisions, lag, counters, last error. */
int rt_store_show(struct rt_store *s, bool json, struct sbuf *out);
/* (s NULL: the error of a router without --store, -ENOENT.) */
void rt_store_stop(struct rt_store *s);

/* The objects of tables t as the lines of their dump, sorted by object
 * ("vpc/100"): for comparing the tables with the store. */
struct rt_store_objline {
	char obj[RT_STORE_OBJ_MAX];
	const char *line;
};
struct rt_store_objs {
	struct sbuf text;
	struct rt_store_objline *v;
	size_t n;
};
int rt_store_objs_load(struct rt_store_objs *o, const struct rt_tables *t);
const char *rt_store_objs_find(const struct rt_store_objs *o, const char *obj);
void rt_store_objs_free(struct rt_store_objs *o);

/* Where obj comes in the order objects are created (host 0, port, vpc,
 * net, ns, ep, policy 6); removed in reverse. */
int rt_store_obj_rank(const char *obj);

/* Turn object obj of t from line old into line want (NULL: absent; the
 * host is never removed): add, del, set in place (vpc, net, ns, port,
 * host: their dependents stay), or del and add (ep, policy).  0 or the
 * error of rt_cmd_exec with its message in msg. */
int rt_store_change(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *obj,
		    const char *old, const char *want, struct sbuf *msg);

/* Rewrite the cache (STATE.store) when the keys changed since: after the
 * --state file, so the cache never runs ahead of the tables.  0 or -errno. */
int rt_store_save(struct rt_store *s);

#endif
