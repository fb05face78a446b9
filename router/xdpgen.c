/* SPDX-License-Identifier: MIT */
/*
 * The AF_XDP generator and sink (see xdpgen.h).
 *
 * Generator frame use: the UMEM's first nframes frames hold the caller's
 * frames and are never written again, so one frame may be in several
 * descriptors at once; what the kernel holds is counted (outstanding),
 * never more than the completion ring takes.  The free stack of struct
 * rt_xsk is not used for sending.
 * Layer: router; calls xsk.c, libxdp, libbpf and libc.
 */
#include <errno.h>
#include <dirent.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "xdpgen.h"
#include "xsk.h"

#ifndef AF_XDP
#define AF_XDP	44
#endif

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_sec(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (double)(time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

/* What keeps this process from AF_XDP, said before libxdp says less:
 * the interface, the capabilities, the kernel.  0 or -errno (message in err). */
static int xdp_usable(const struct rt_xdpgen_opts *o, bool bpf, char *err, size_t errsz)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	const char *cap;
	int s;

	if (!if_nametoindex(o->ifname)) {
		snprintf(err, errsz, "'%s': no such interface", o->ifname);
		return -ENODEV;
	}
	cap = rt_xsk_missing_cap(bpf);
	if (cap) {
		snprintf(err, errsz, "'%s': AF_XDP needs %s (run as root)", o->ifname, cap);
		return -EPERM;
	}
	s = socket(AF_XDP, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (s < 0) {
		int e = errno;

		snprintf(err, errsz, "'%s': no AF_XDP: %s%s", o->ifname, strerror(e),
			 e == EAFNOSUPPORT ? " (kernel older than 4.18 or built without "
			 "CONFIG_XDP_SOCKETS)" : e == EPERM ? " (needs CAP_NET_RAW)" : "");
		return -e;
	}
	close(s);
	/* kernels before 5.11 charge the UMEM to the locked-memory limit;
	 * when raising it fails, the socket's ENOMEM or EPERM says so */
	setrlimit(RLIMIT_MEMLOCK, &rl);
	return 0;
}

/* The live line: the rate over the last second. */
struct live {
	double t0, last, next;
	uint64_t last_pk, last_bytes;
};

static void live_line(const struct rt_xdpgen_opts *o, struct live *l, double now,
		      uint64_t pk, uint64_t bytes, const char *verb)
{
	double dt = now - l->last;

	if (!o->live || now < l->next)
		return;
	fprintf(o->err, "%s%s: %.1f s: %llu %s, %.0f pps, %.1f Mbit/s%s", o->live_cr ? "\r" : "",
		o->prog, now - l->t0, (unsigned long long)pk, verb,
		dt > 0 ? (double)(pk - l->last_pk) / dt : 0.0,
		dt > 0 ? (double)(bytes - l->last_bytes) * 8 / dt / 1e6 : 0.0,
		o->live_cr ? "   " : "\n");
	fflush(o->err);
	l->last = now;
	l->next = now + 1.0;
	l->last_pk = pk;
	l->last_bytes = bytes;
}

static void live_end(const struct rt_xdpgen_opts *o, const struct live *l)
{
	if (o->live && o->live_cr && l->last > l->t0) {
		fputc('\n', o->err);
		fflush(o->err);
	}
}

static bool stopped(const struct rt_xdpgen_opts *o, double t0, double now)
{
	return (o->stop && *o->stop) || (o->duration > 0 && now - t0 >= o->duration);
}

static void mode_of(struct rt_xdpgen_res *res, const struct rt_xsk *q, bool skb)
{
	snprintf(res->mode, sizeof(res->mode), "%s",
		 skb ? "skb" : rt_xsk_zerocopy(q) ? "zerocopy" : "copy");
}

/* ---- generator ---- */

struct gen {
	struct rt_xsk q;
	unsigned int fs;
	uint64_t outstanding, done, bytes;
	const uint32_t *size;
};

static void gen_reap(struct gen *g)
{
	uint32_t idx, n = xsk_ring_cons__peek(&g->q.comp, g->q.ring, &idx);

	for (uint32_t i = 0; i < n; i++)
		g->bytes += g->size[*xsk_ring_cons__comp_addr(&g->q.comp, idx + i) / g->fs];
	xsk_ring_cons__release(&g->q.comp, n);
	g->outstanding -= n;
	g->done += n;
}

/* The kick: copy mode sends a few dozen descriptors per call and asks
 * for another (EAGAIN); a full device queue says ENOBUFS or EBUSY.  0, or
 * -errno of a real failure. */
static int gen_kick(struct gen *g, struct rt_xdpgen_res *res)
{
	if (!xsk_ring_prod__needs_wakeup(&g->q.tx))
		return 0;
	if (sendto(xsk_socket__fd(g->q.xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0)
		return 0;
	if (errno == EAGAIN || errno == ENOBUFS || errno == EBUSY || errno == EINTR) {
		res->retries++;
		return 0;
	}
	res->errors++;
	return -errno;
}

static void gen_wait(struct gen *g, int ms)
{
	struct pollfd p = { .fd = xsk_socket__fd(g->q.xsk), .events = POLLOUT };

	poll(&p, 1, ms);
}

int rt_xdpgen_send(const struct rt_xdpgen_opts *o, struct rt_xdpgen_res *res, char *err,
		   size_t errsz)
{
	struct gen *g;
	struct xdp_statistics st;
	struct live l = { 0 };
	uint32_t maxsize = 0;
	uint64_t posted = 0;
	double t0, now, tokens = 1, cap = 1, tlast;
	int ret;

	memset(res, 0, sizeof(*res));
	snprintf(res->who, sizeof(res->who), "generator");
	if (!o->nframes || o->nframes > RT_XDPGEN_MAX_FRAMES) {
		snprintf(err, errsz, "between 1 and %u distinct frames", RT_XDPGEN_MAX_FRAMES);
		return -EINVAL;
	}
	for (unsigned int k = 0; k < o->nframes; k++)
		if (o->size[k] > maxsize)
			maxsize = o->size[k];
	if (maxsize > RT_XDPGEN_MAX_SIZE) {
		snprintf(err, errsz, "%u-byte frame: AF_XDP sends frames of at most %u bytes",
			 maxsize, RT_XDPGEN_MAX_SIZE);
		return -EMSGSIZE;
	}
	ret = xdp_usable(o, false, err, errsz);
	if (ret)
		return ret;
	g = calloc(1, sizeof(*g));
	if (!g) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	g->fs = maxsize > 2048 ? 4096 : 2048;
	g->size = o->size;
	/* send-only: no program, no rx ring; zero-copy when the driver has it */
	ret = rt_xsk_open(&g->q, o->ifname, 0, g->fs, 0, RT_XDP_AUTO, true, false, res->reason,
			  sizeof(res->reason), err, errsz);
	if (ret) {
		free(g);
		return ret;
	}
	mode_of(res, &g->q, false);
	for (unsigned int k = 0; k < o->nframes; k++)
		memcpy(xsk_umem__get_data(g->q.area, (uint64_t)k * g->fs),
		       o->frames + k * o->stride, o->size[k]);
	if (o->rate) {
		/* 20 ms of tokens: on a busy host a sleep overshoots by
		 * milliseconds, and a shallower bucket loses the rate */
		cap = (double)o->rate / 50;
		if (cap < RT_XDPGEN_BATCH)
			cap = RT_XDPGEN_BATCH;
	}
	t0 = tlast = now = now_sec();
	l.t0 = l.last = t0;
	l.next = t0 + 1;
	while (!stopped(o, t0, now) && (!o->count || posted < o->count)) {
		uint32_t n = RT_XDPGEN_BATCH, idx, got;

		gen_reap(g);
		if (o->count && o->count - posted < n)
			n = (uint32_t)(o->count - posted);
		if (g->q.ring - g->outstanding < n)
			n = (uint32_t)(g->q.ring - g->outstanding);
		if (o->rate) {
			tokens += (now - tlast) * (double)o->rate;
			tlast = now;
			if (tokens > cap)
				tokens = cap;
			if (tokens < n)
				n = (uint32_t)tokens;
		}
		got = n ? xsk_ring_prod__reserve(&g->q.tx, n, &idx) : 0;
		for (uint32_t i = 0; i < got; i++) {
			struct xdp_desc *d = xsk_ring_prod__tx_desc(&g->q.tx, idx + i);
			unsigned int k = (unsigned int)((posted + i) % o->nframes);

			d->addr = (uint64_t)k * g->fs;
			d->len = o->size[k];
			d->options = 0;
		}
		if (got) {
			xsk_ring_prod__submit(&g->q.tx, got);
			posted += got;
			g->outstanding += got;
			tokens -= got;
		}
		ret = gen_kick(g, res);
		if (ret) {
			snprintf(err, errsz, "'%s': AF_XDP send refused: %s", o->ifname,
				 strerror(-ret));
			break;
		}
		if (!got) {
			if (o->rate && tokens < 1)
				sleep_sec((1 - tokens) / (double)o->rate);
			else
				gen_wait(g, 1);	/* ring full: the kernel sends */
		}
		now = now_sec();
		live_line(o, &l, now, g->done, g->bytes, "sent");
	}
	/* what was posted leaves (or is counted lost) within a second */
	for (double end = now_sec() + 1; g->outstanding && now_sec() < end;) {
		if (gen_kick(g, res))
			break;
		gen_reap(g);
		if (g->outstanding)
			gen_wait(g, 1);
	}
	res->seconds = now_sec() - t0;
	live_end(o, &l);
	res->packets = g->done;
	res->bytes = g->bytes;
	res->errors += g->outstanding;
	if (!rt_xsk_stats(&g->q, &st))
		res->errors += st.tx_invalid_descs;
	rt_xsk_close(&g->q);
	free(g);
	return ret;
}

/* ---- sink ---- */

/* Receive queues of ifname (sysfs), at least 1. */
static unsigned int rx_queues(const char *ifname)
{
	char path[96];
	struct dirent *e;
	unsigned int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/sys/class/net/%s/queues", ifname);
	dir = opendir(path);
	if (!dir)
		return 1;
	while ((e = readdir(dir)))
		n += !strncmp(e->d_name, "rx-", 3);
	closedir(dir);
	if (n > GENV_XDP_MAX_QUEUES)
		n = GENV_XDP_MAX_QUEUES;
	return n ? n : 1;
}

struct sink {
	struct rt_xsk_prog pr;
	unsigned int nq;
	struct rt_xsk *q;
	struct pollfd *pfd;
	uint8_t frame[RT_FRAME_MAX];	/* a multi-buffer frame, gathered */
};

static void sink_close(struct sink *s)
{
	for (unsigned int i = 0; s->q && i < s->nq; i++)
		rt_xsk_close(&s->q[i]);
	rt_xsk_prog_close(&s->pr);
	free(s->q);
	free(s->pfd);
}

static int sink_open(struct sink *s, const struct rt_xdpgen_opts *o, struct rt_xdpgen_res *res,
		     char *err, size_t errsz)
{
	struct genv_xdp_cfg cfg = { .mode = GENV_XDP_ENDPOINT };
	char reason[sizeof(res->reason)] = "";
	int ret;

	ret = rt_xsk_prog_open(&s->pr, o->ifname, RT_XDP_AUTO, reason, sizeof(reason), err, errsz);
	if (ret)
		return ret;
	s->nq = rx_queues(o->ifname);
	s->q = calloc(s->nq, sizeof(*s->q));
	s->pfd = calloc(s->nq, sizeof(*s->pfd));
	if (!s->q || !s->pfd) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < s->nq; i++) {
		ret = rt_xsk_open(&s->q[i], o->ifname, i, 2048, 0, RT_XDP_AUTO,
				  s->pr.attach == XDP_MODE_NATIVE, true, reason[0] ? NULL : reason,
				  reason[0] || i ? 0 : sizeof(reason), err, errsz);
		if (!ret && (ret = rt_xsk_prog_bind(&s->pr, &s->q[i])))
			snprintf(err, errsz, "'%s': cannot register the socket of queue %u: %s",
				 o->ifname, i, strerror(-ret));
		if (ret)
			return ret;
		s->pfd[i].fd = rt_xsk_fd(&s->q[i]);
		s->pfd[i].events = POLLIN;
	}
	ret = rt_xsk_prog_config(&s->pr, &cfg);
	if (ret) {
		snprintf(err, errsz, "'%s': cannot configure the XDP program: %s", o->ifname,
			 strerror(-ret));
		return ret;
	}
	mode_of(res, &s->q[0], s->pr.attach == XDP_MODE_SKB);
	if (snprintf(res->reason, sizeof(res->reason), "%s%s",
		     s->pr.replaced ? "replaced a program a killed genv left; " : "",
		     reason[0] ? reason : !strcmp(res->mode, "zerocopy") ? "driver has zero-copy" :
		     "native XDP") >= (int)sizeof(res->reason))
		res->reason[sizeof(res->reason) - 2] = '.';	/* cut: says so */
	return 0;
}

/* One batch of queue q: each frame to the callback, its frame back to the
 * fill ring.  True when the callback or the count says stop. */
static bool sink_batch(const struct rt_xdpgen_opts *o, struct sink *s, struct rt_xsk *q,
		       struct rt_xdpgen_res *res)
{
	uint32_t idx, got = xsk_ring_cons__peek(&q->rx, RT_XDPGEN_BATCH, &idx), i = 0, k;
	bool stop = false;

	while (i < got) {
		const uint8_t *f;
		uint32_t len;
		bool trunc;

		k = rt_xsk_rx_frame(q, idx + i, got - i, s->frame, sizeof(s->frame), &f, &len, &trunc);
		if (!k)
			break;		/* a multi-buffer frame not all in: the next batch */
		i += k;
		if (stop)
			continue;
		res->packets++;
		res->bytes += len;
		if (o->fn && o->fn(o->arg, f, len))
			stop = true;
		if (o->count && res->packets >= o->count)
			stop = true;
	}
	xsk_ring_cons__release(&q->rx, i);
	if (i < got)
		xsk_ring_cons__cancel(&q->rx, got - i);
	q->fill_rx -= i;
	rt_xsk_refill(q);
	rt_xsk_wake_rx(q);
	return stop;
}

int rt_xdpgen_sink(const struct rt_xdpgen_opts *o, struct rt_xdpgen_res *res, char *err,
		   size_t errsz)
{
	struct sink s;
	struct live l = { 0 };
	double t0, now;
	bool stop = false;
	int ret;

	memset(res, 0, sizeof(*res));
	memset(&s, 0, sizeof(s));
	s.pr.lockfd = -1;
	snprintf(res->who, sizeof(res->who), "sink");
	ret = xdp_usable(o, true, err, errsz);
	if (!ret)
		ret = sink_open(&s, o, res, err, errsz);
	if (ret) {
		sink_close(&s);
		return ret;
	}
	t0 = now = now_sec();
	l.t0 = l.last = t0;
	l.next = t0 + 1;
	while (!stop && !stopped(o, t0, now)) {
		bool any = false;

		for (unsigned int i = 0; i < s.nq && !stop; i++) {
			uint64_t before = res->packets;

			stop = sink_batch(o, &s, &s.q[i], res);
			any |= res->packets != before;
			if (!rt_xsk_balanced(&s.q[i]))
				res->errors++;	/* frame accounting (xsk.h) */
		}
		if (!any && !stop)
			poll(s.pfd, s.nq, 100);	/* idle: sleep, wake for the clock */
		now = now_sec();
		live_line(o, &l, now, res->packets, res->bytes, "received");
	}
	res->seconds = now_sec() - t0;
	live_end(o, &l);
	for (unsigned int i = 0; i < s.nq; i++) {
		struct xdp_statistics st;

		if (!rt_xsk_stats(&s.q[i], &st))
			res->dropped += st.rx_dropped + st.rx_ring_full + st.rx_fill_ring_empty_descs;
		res->errors += st.rx_invalid_descs;
	}
	sink_close(&s);		/* detaches the program */
	return 0;
}
