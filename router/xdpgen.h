/* SPDX-License-Identifier: MIT */
/*
 * The AF_XDP packet generator (genv craft --xdp) and counting sink
 * (genv decode --xdp --stats), on the sockets, UMEM and steering program
 * of xsk.c.
 *
 * Generator: the caller builds its distinct frames once; they are copied
 * into the UMEM at start (frame k holds variant k), and packet i is a tx
 * descriptor pointing at frame i mod nframes.  The loop only posts
 * descriptors in batches of 64, kicks the kernel and reaps completions:
 * no building, no copy and no syscall per packet besides the kick.  A
 * token bucket paces it when a rate is given.
 *
 * Sink: the steering program in endpoint mode takes every frame of the
 * interface into one socket per receive queue; each frame is handed to a
 * callback and its frame returned to the fill ring.
 *
 * Both print a live rate line once a second (when asked) and fill a
 * result the caller prints as its summary.
 * Layer: router; calls xsk.c, libxdp, libbpf and libc.
 */
#ifndef GENV_ROUTER_XDPGEN_H
#define GENV_ROUTER_XDPGEN_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define RT_XDPGEN_BATCH		64
#define RT_XDPGEN_MAX_FRAMES	4096u	/* distinct frames kept in the UMEM */
#define RT_XDPGEN_MAX_SIZE	4096u	/* largest frame */

struct rt_xdpgen_res {
	uint64_t packets, bytes;	/* sent (completed) or received */
	uint64_t errors;		/* refused sends, invalid descriptors */
	uint64_t dropped;		/* sink: the kernel's rx ring full / no fill frame */
	uint64_t retries;		/* generator: kicks the kernel asked to repeat */
	double seconds;
	char mode[24];			/* "copy", "zerocopy", "skb" */
	char reason[160];		/* why that mode */
	char who[16];			/* "generator" or "sink" for messages */
};

/* Called per received frame; true to stop. */
typedef bool (*rt_xdpsink_fn)(void *arg, const uint8_t *frame, uint32_t size);

struct rt_xdpgen_opts {
	const char *ifname;
	const char *prog;		/* "genv craft": prefix of the live line */
	uint64_t count;			/* 0: no bound */
	double duration;		/* seconds; 0: no bound */
	uint64_t rate;			/* packets per second; 0: as fast as the interface takes */
	bool live;			/* rate line on err once a second */
	bool live_cr;			/* ... rewritten in place (a tty) */
	FILE *err;
	volatile sig_atomic_t *stop;	/* set by a signal handler */
	/* generator: nframes frames of size[k] bytes, frames + k * stride */
	const uint8_t *frames;
	const uint32_t *size;
	unsigned int nframes;
	size_t stride;
	/* sink */
	rt_xdpsink_fn fn;
	void *arg;
};

/*
 * Send until count, duration or *stop.  0, or -errno with a message in
 * err (interface missing, AF_XDP unavailable and why).  res is filled in
 * either way.
 */
int rt_xdpgen_send(const struct rt_xdpgen_opts *o, struct rt_xdpgen_res *res, char *err,
		   size_t errsz);

/*
 * Receive everything arriving on o->ifname until count, duration, *stop
 * or the callback says so; the program is detached before returning.
 * 0, or -errno with a message in err.
 */
int rt_xdpgen_sink(const struct rt_xdpgen_opts *o, struct rt_xdpgen_res *res, char *err,
		   size_t errsz);

#endif
