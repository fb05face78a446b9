/* SPDX-License-Identifier: MIT */
/*
 * The control socket: a Unix stream socket (default /run/genv/genv.sock,
 * mode 0600, its directory 0755) that speaks the router's command
 * language, one command per request.  Peers are checked with SO_PEERCRED:
 * root or the router's own user.
 *
 * Wire format (text, so `socat - UNIX:/run/genv/genv.sock` works):
 *   request  FLAGS SP COMMAND-LINE LF      FLAGS: "-" text, "j" JSON, "p" pretty JSON
 *   reply    STATUS SP SIZE LF BYTES       STATUS: 0, or a positive errno
 *                                          SIZE: bytes of output that follow
 * A connection may carry any number of requests; replies come in order.
 * Transactions: "begin", then commands (each answered 0 with nothing:
 * queued), then "commit" runs them all or none (rt_cmd_exec_txn; the
 * callback gets them newline-separated with RT_CTL_TXN), "abort" or a
 * closed connection drops them.  "begin reload" queues a whole
 * configuration file, blank lines too, and its commit reloads it
 * (RT_CTL_RELOAD: router/reload.h).
 * The server never blocks: partial requests and replies wait in per-
 * connection buffers, and a client that stops reading stops being read.
 * Layer: router; calls libcore/sbuf and libc.
 */
#ifndef GENV_RT_CTL_H
#define GENV_RT_CTL_H

#include <stdbool.h>
#include <stdint.h>
#include "../libcore/sbuf.h"

#define RT_CTL_DEFAULT_PATH	"/run/genv/genv.sock"
#define RT_CTL_ENV		"GENV_SOCKET"
#define RT_CTL_MAX_LINE		65536	/* longest request line */
#define RT_CTL_MAX_CONN		32
#define RT_CTL_ROOT_SLOTS	4	/* a uid other than root holds at most 28 */
#define RT_CTL_IDLE_NS		(60 * 1000000000ull)	/* an idle client is closed after 60 s */

/* epoll_event.data.ptr of every descriptor the router watches. */
enum rt_ev_kind { RT_EV_PORT, RT_EV_CTL_LISTEN, RT_EV_CTL_CONN, RT_EV_SIGNAL, RT_EV_TIMER,
		  RT_EV_STORE /* store.h */,
		  RT_EV_GW /* gw_io.h */ };
struct rt_ev {
	enum rt_ev_kind kind;
	void *obj;
};

enum { RT_CTL_JSON = 1, RT_CTL_PRETTY = 2, RT_CTL_TXN = 4, RT_CTL_RELOAD = 8 };
#define RT_CTL_MAX_TXN		(4 << 20)	/* bytes of commands in one transaction */

/* Runs one command; writes text or JSON into out.  0 or -errno. */
typedef int (*rt_ctl_fn)(void *arg, const char *line, int flags, struct sbuf *out);

struct rt_ctl;

/* The socket path: explicit, else $GENV_SOCKET, else the default. */
const char *rt_ctl_path(const char *opt);

/* Listen on PATH and register with epoll descriptor EPFD.  A stale socket
 * file is replaced; a live one (another router answers) is -EADDRINUSE. */
int rt_ctl_open(struct rt_ctl **out, const char *path, int epfd, rt_ctl_fn fn, void *arg);
/* An epoll event whose rt_ev kind is RT_EV_CTL_*. */
void rt_ctl_event(struct rt_ctl *c, struct rt_ev *ev, uint32_t events);
/* Once a second, with CLOCK_MONOTONIC now: close connections idle for
 * RT_CTL_IDLE_NS (nothing read or written; genv top dials again). */
void rt_ctl_tick(struct rt_ctl *c, uint64_t now_ns);
/* After each epoll batch: free the connections closed during it (an event
 * of the batch may still have named them). */
void rt_ctl_reap(struct rt_ctl *c);
/* Close every connection and the socket, and unlink it. */
void rt_ctl_close(struct rt_ctl *c);
/* Peers refused and requests served, for `show`. */
void rt_ctl_counts(const struct rt_ctl *c, uint64_t *served, uint64_t *refused);

/* Client side.  rt_ctl_connect: a descriptor or -errno. */
int rt_ctl_connect(const char *path);
/* Send one request, wait for its reply: *status gets the router's status
 * (0 or positive errno), out the output.  0 or -errno (transport). */
int rt_ctl_call(int fd, const char *line, int flags, int *status, struct sbuf *out);
/* lines: newline-separated commands, run atomically (all or none) with
 * begin ... commit; *status and out are the commit's (or the first
 * refusal's). */
int rt_ctl_call_txn(int fd, const char *lines, size_t size, int flags, int *status, struct sbuf *out);
/* lines: a configuration file; the router reloads it as one diff
 * (begin reload ... commit; line numbers as in the file). */
int rt_ctl_call_reload(int fd, const char *lines, size_t size, int flags, int *status, struct sbuf *out);

#endif
