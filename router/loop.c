/* SPDX-License-Identifier: MIT */
/*
 * The router's event loop (see router.h): ports, underlay, control socket,
 * signals and a timer in one epoll set, one thread.
 *
 * Buffers: RT_BATCH packet buffers allocated once at start.  A batch is
 * read into them, each packet gets its pipeline decision, the results are
 * queued per destination (the underlay per address family; a TAP write
 * goes out at once) and the queues are flushed before the next batch is
 * read into the same buffers.  Nothing is allocated per packet.
 *
 * Offloads (unless --no-offload): TAP ports with virtio-net headers and
 * UDP GSO/GRO on the underlay (port_tap.c, port_udp.c).  Their reads go
 * into 64 KB buffers: a super-frame from a TAP is cut (libcore/tso) into
 * segments of its gso_size in the small buffers, each segment going
 * through the pipeline as a frame of its own, and the segments of a
 * flow leave as one UDP_SEGMENT train; a GRO train from the underlay is
 * taken apart datagram by datagram in place.  Frames delivered to a TAP
 * with a virtio header go through the coalescer, which merges a flow's
 * consecutive TCP segments into one super-frame written with a GSO
 * header.  Everything queued goes out at the end of each batch (or when
 * the out slots run out), so nothing waits for more traffic.
 * Layer: router; calls router, config, ctl, pipeline, port, state, tables,
 * epoll and libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <sys/un.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include "dpath.h"
#include "router.h"
#include "config.h"
#include "ctl.h"
#include "ep_scaled.h"
#include "health.h"
#include "gw_io.h"
#include "pipeline.h"
#include "port.h"
#include "reload.h"
#include "state.h"
#include "store.h"
#include "tables.h"
#include "../libcore/tso.h"

#define BUF_HEADROOM	512		/* >= RT_HEADROOM, keeps frames aligned */
#define BUF_SIZE	(BUF_HEADROOM + RT_FRAME_MAX)
#define BIG_SIZE	(BUF_HEADROOM + RT_FRAME_BIG)
#define COAL_BUFS	8		/* super-frames being built at once */

_Static_assert(BUF_HEADROOM >= RT_HEADROOM, "buffer headroom below the pipeline's need");

/* ---- logging ---- */

static int log_level = RT_LOG_INFO;
static const char *const level_names[] = { "error", "warning", "info", "debug" };

void rt_log_set_level(int level)
{
	log_level = level;
}

static void vlog(int level, uint64_t suppressed, const char *fmt, va_list ap)
{
	char buf[1024];
	int n = snprintf(buf, sizeof(buf), "genv route: %s: ", level_names[level]);

	if (n < 0)
		return;
	n += vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	if ((size_t)n >= sizeof(buf) - 48)
		n = (int)sizeof(buf) - 48;
	if (suppressed)
		n += snprintf(buf + n, sizeof(buf) - (size_t)n, " (%llu similar suppressed)",
			      (unsigned long long)suppressed);
	buf[n++] = '\n';
	/* one write per line: lines never interleave */
	(void)!write(STDERR_FILENO, buf, (size_t)n);
}

void rt_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (level > log_level)
		return;
	va_start(ap, fmt);
	vlog(level, 0, fmt, ap);
	va_end(ap);
}

void rt_log_rl(struct rt_ratelimit *rl, int level, const char *fmt, ...)
{
	struct timespec ts;
	uint64_t sec;
	va_list ap;

	if (level > log_level)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	sec = (uint64_t)ts.tv_sec;
	if (sec != rl->window) {
		rl->window = sec;
		rl->count = 0;
	}
	if (rl->count >= RT_LOG_BURST) {
		rl->suppressed++;
		return;
	}
	rl->count++;
	va_start(ap, fmt);
	vlog(level, rl->suppressed, fmt, ap);
	va_end(ap);
	rl->suppressed = 0;
}

/* ---- the router ---- */

struct loop_port {
	struct rt_ev ev;
	struct rt_io io;
	bool open;
};

struct ul_queue {
	unsigned int n;
	struct rt_pkt pkt[RT_BATCH];
	uint8_t slot[RT_BATCH];		/* index into the batch's rt_out array */
	uint8_t lane[RT_BATCH];		/* 0: the 6081 socket, else lanes[lane - 1] */
};

struct router {
	const struct router_opts *o;
	struct rt_tables *t;
	struct rt_runtime_ops ops;
	int epfd, sigfd, timerfd;
	uint64_t sec_ns;		/* on_timer's once-a-second work last ran */
	struct rt_ev sig_ev, timer_ev;
	struct loop_port *ports;	/* [lim.max_ports] */
	uint32_t nports;
	struct loop_port ul[2];		/* udp4, udp6 */
	struct gnv_addr ul_addr[2];	/* their bound addresses (family 0: any) */
	struct rt_io lanes[2][RT_UL_LANES - 1];	/* send-only sockets, other source ports */
	struct rt_ctl *ctl;
	uint8_t *bufs;			/* RT_BATCH * BUF_SIZE */
	struct rt_pkt rx[RT_BATCH];
	struct rt_out out[RT_BATCH];
	struct ul_queue ulq[2];
	struct rt_state state;		/* --state */
	struct rt_store *store;		/* --store */
	struct rt_ev store_ev;
	struct rt_xdp_info xdp_info;	/* show port's copy */
	int xul;			/* the AF_XDP underlay port, or -1 */
	uint64_t control_pkts, ul_tx_fail;
	bool stop;
	bool restoring;			/* loading the --state file */
	bool offload;			/* virtio headers on TAPs, UDP GSO/GRO */
	uint8_t *big;			/* RT_BATCH * BIG_SIZE: super-frames, trains */
	uint8_t *coal_buf[COAL_BUFS];	/* RT_FRAME_BIG each */
	struct tso_coal coal;		/* frames to TAPs with a virtio header */
	unsigned int nslot;		/* out slots used in this batch */
	struct rt_gw_io gw;		/* gateway NAT toward the underlay side */
	struct rt_ev gw_ev;
	sigset_t oldmask;
};

static int ul_slot(int family)
{
	return family == 6;
}

static void watch(struct router *r, int fd, struct rt_ev *ev)
{
	struct epoll_event e = { .events = EPOLLIN, .data.ptr = ev };

	epoll_ctl(r->epfd, EPOLL_CTL_ADD, fd, &e);
}

/* --state: rewrite the file when the tables changed since the last save */
static int persist(struct router *r, bool force)
{
	int ret = rt_state_save(&r->state, r->t, force);

	if (ret)
		rt_log(RT_LOG_ERR, "cannot write state file '%s': %s", r->o->state, strerror(-ret));
	return ret;
}

/* ---- runtime ops: what commands do to the outside world ---- */

/* A port just opened in slot index: into the epoll set. */
static void port_watch(struct router *r, struct loop_port *lp, int index)
{
	lp->io.index = index;
	lp->ev.kind = RT_EV_PORT;
	lp->ev.obj = &lp->io;
	lp->open = true;
	watch(r, lp->io.fd, &lp->ev);
}

static int op_port_open(void *ctx, int index, const char *name, unsigned int mtu,
			const char *netns, char *err, size_t errsz)
{
	struct router *r = ctx;
	struct rt_tap_opts to = { .name = name, .mtu = mtu, .offload = r->offload,
				  .persist = r->o->state != NULL, .netns = netns };
	struct loop_port *lp;
	char off[64];
	int ret;

	if (index < 0 || (uint32_t)index >= r->nports) {
		snprintf(err, errsz, "port index %d out of range", index);
		return -ERANGE;
	}
	lp = &r->ports[index];
	ret = rt_tap_open(&lp->io, &to, err, errsz);
	if (ret && r->restoring && netns && netns[0]) {
		/* the VM's namespace went while the router was away: keep the
		 * port configured, without a device, as port_detach does */
		rt_log(RT_LOG_ERR, "port %s: %s; packets to it are dropped until 'del port %s'",
		       name, err, name);
		lp->io.fd = -1;
		return 0;
	}
	if (ret)
		return ret;
	rt_log(RT_LOG_DEBUG, "port %s: offloads %s", lp->io.name,
	       rt_offloads_fmt(off, sizeof(off), lp->io.offloads));
	port_watch(r, lp, index);
	rt_log(RT_LOG_INFO, "port %s: TAP device %s%s%s (ifindex %u, mtu %u%s)", lp->io.name,
	       lp->io.reattached ? "re-attached" : "created", netns && netns[0] ? " in netns " : "",
	       netns && netns[0] ? netns : "", lp->io.ifindex, lp->io.mtu,
	       lp->io.persist ? ", persistent" : "");
	return 0;
}

static int op_port_open_xdp(void *ctx, int index, const char *name,
			    const struct rt_xdp_opts *o, char *err, size_t errsz)
{
	struct router *r = ctx;
	struct loop_port *lp;
	struct rt_xdp_info x;
	int ret;

	if (index < 0 || (uint32_t)index >= r->nports) {
		snprintf(err, errsz, "port index %d out of range", index);
		return -ERANGE;
	}
	lp = &r->ports[index];
	ret = rt_xdp_open(&lp->io, name, o, err, errsz);
	if (ret)
		return ret;
	port_watch(r, lp, index);
	rt_xdp_frames(&lp->io, &x);
	if (x.role == RT_XDP_UNDERLAY && r->xul < 0)
		r->xul = index;
	rt_log(RT_LOG_INFO, "port %s: AF_XDP %s mode, %s (%s)%s", name, rt_xdp_mode_names[x.mode],
	       x.role == RT_XDP_UNDERLAY ? "underlay: Geneve to this host's address" : "endpoint",
	       x.reason[0] ? x.reason : "-",
	       x.replaced ? "; replaced the program a killed router left" : "");
	return 0;
}

static void op_port_close(void *ctx, int index)
{
	struct router *r = ctx;
	struct loop_port *lp;

	if (index < 0 || (uint32_t)index >= r->nports || !r->ports[index].open)
		return;
	lp = &r->ports[index];
	if (r->xul == index)
		r->xul = -1;
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, lp->io.fd, NULL);
	rt_log(RT_LOG_INFO, "port %s: %s removed", lp->io.name,
	       lp->io.priv ? "AF_XDP sockets and XDP program" : "TAP device");
	if (lp->io.priv)
		rt_io_close(&lp->io);
	else
		rt_tap_remove(&lp->io);		/* a persistent device goes too */
	lp->open = false;
}

static int op_port_mtu(void *ctx, int index, unsigned int mtu, char *err, size_t errsz)
{
	struct router *r = ctx;
	struct rt_io *io;
	int ret;

	if (index < 0 || (uint32_t)index >= r->nports || !r->ports[index].open) {
		snprintf(err, errsz, "port %d is not open", index);
		return -ENOENT;
	}
	io = &r->ports[index].io;
	ret = rt_link_set_mtu(io->name, io->netns, mtu);
	/* ENODEV: the device was moved to another namespace by hand: that is
	 * its owner's business; the router still enforces the new MTU */
	if (ret == -ENODEV)
		ret = 0;
	if (ret)
		snprintf(err, errsz, "cannot set the MTU of '%s': %s", io->name, strerror(-ret));
	else
		io->mtu = mtu;
	return ret;
}

/* (Re)open the send-only lanes of family slot s on addr; best effort: a
 * lane that cannot be opened sends through the 6081 socket. */
static void lanes_open(struct router *r, int s, const struct gnv_addr *addr)
{
	for (int k = 0; k < RT_UL_LANES - 1; k++) {
		struct rt_io *io = &r->lanes[s][k];

		if (io->fd >= 0)
			rt_io_close(io);
		if (rt_udp_open_lane(io, s ? 6 : 4, addr) < 0)
			io->fd = -1;
		else
			rt_udp_offload(io, r->offload, false);
	}
}

/*
 * Rebind the underlay socket of addr's family to addr.  The old socket is
 * closed first (two sockets cannot share the port); if the new bind fails
 * the old binding is restored and the command is rejected.
 */
static int op_host_addr(void *ctx, const struct gnv_addr *addr, char *err, size_t errsz)
{
	struct router *r = ctx;
	int s = ul_slot(addr->family);
	struct loop_port *lp = &r->ul[s];
	char a[RT_ADDR_STR];
	int ret;

	rt_addr_fmt(a, sizeof(a), addr->family, addr->a);
	if (lp->open) {
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, lp->io.fd, NULL);
		rt_io_close(&lp->io);
		lp->open = false;
	}
	ret = rt_udp_open(&lp->io, addr->family, addr, 0);
	if (ret) {
		snprintf(err, errsz, "cannot bind the underlay to %s port %d: %s",
			 a, GNV_PORT, strerror(-ret));
		if (rt_udp_open(&lp->io, addr->family, &r->ul_addr[s], 0) == 0) {
			lp->open = true;
			rt_udp_offload(&lp->io, r->offload, r->offload);
			watch(r, lp->io.fd, &lp->ev);
		} else {
			rt_log(RT_LOG_ERR, "underlay: lost its %s socket", s ? "IPv6" : "IPv4");
		}
		return ret;
	}
	r->ul_addr[s] = *addr;
	lp->open = true;
	rt_udp_offload(&lp->io, r->offload, r->offload);
	watch(r, lp->io.fd, &lp->ev);
	lanes_open(r, s, addr);
	rt_log(RT_LOG_INFO, "underlay: UDP %s port %d", a, GNV_PORT);
	return 0;
}

/* set host offload on|off: every TAP port with a virtio header, every
 * underlay socket; ports opened while off have none and stay plain. */
static int op_host_offload(void *ctx, bool on, char *err, size_t errsz)
{
	struct router *r = ctx;

	(void)err;
	(void)errsz;
	r->offload = on;
	for (uint32_t i = 0; i < r->nports; i++)
		if (r->ports[i].open && !r->ports[i].io.priv)
			rt_tap_offload(&r->ports[i].io, on);
	for (int s = 0; s < 2; s++) {
		if (r->ul[s].open)
			rt_udp_offload(&r->ul[s].io, on, on);
		for (int k = 0; k < RT_UL_LANES - 1; k++)
			if (r->lanes[s][k].fd >= 0)
				rt_udp_offload(&r->lanes[s][k], on, false);
	}
	rt_log(RT_LOG_INFO, "offloads %s", on ? "on" : "off");
	return 0;
}

/* Control-path packets (genv trace path probes): one datagram now, on the
 * lane of the flow's source port, as the flow's packets go. */
static int op_ul_send(void *ctx, const struct gnv_addr *dst, const uint8_t *data, size_t size,
		      uint8_t tos, uint8_t ttl, uint16_t sport)
{
	struct router *r = ctx;
	int s = ul_slot(dst->family);
	unsigned int lane = sport % RT_UL_LANES;
	struct rt_io *io;
	struct rt_pkt p = { .data = (uint8_t *)data, .size = (uint32_t)size, .cap = (uint32_t)size,
			    .peer = *dst, .tos = tos, .ttl = ttl };

	if ((dst->family != 4 && dst->family != 6) || !r->ul[s].open)
		return -ENETUNREACH;
	if (lane && r->lanes[s][lane - 1].fd < 0)
		lane = 0;
	io = lane ? &r->lanes[s][lane - 1] : &r->ul[s].io;
	if (io->ops->tx_batch(io, &p, 1) != 1 || p.failed) {
		r->ul_tx_fail++;
		return -EIO;
	}
	return 0;
}

static uint16_t op_ul_sport(void *ctx, int family, uint16_t sport)
{
	struct router *r = ctx;
	int s = ul_slot(family);
	unsigned int lane = sport % RT_UL_LANES;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	const struct rt_io *io;

	if ((family != 4 && family != 6) || !r->ul[s].open)
		return 0;
	if (s == 0 && r->xul >= 0)
		return sport;	/* whole frames with the flow port (xdp_underlay) */
	if (lane && r->lanes[s][lane - 1].fd < 0)
		lane = 0;
	io = lane ? &r->lanes[s][lane - 1] : &r->ul[s].io;
	if (getsockname(io->fd, (struct sockaddr *)&ss, &sl))
		return 0;
	/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): getsockname wrote ss */
	return ntohs(ss.ss_family == AF_INET6 ? ((struct sockaddr_in6 *)&ss)->sin6_port :
					    ((struct sockaddr_in *)&ss)->sin_port);
}

static int op_port_info(void *ctx, int index, struct rt_port_info *info)
{
	struct router *r = ctx;
	const struct rt_io *io;

	if (index < 0 || (uint32_t)index >= r->nports || !r->ports[index].open)
		return -ENOENT;
	io = &r->ports[index].io;
	memset(info, 0, sizeof(*info));
	snprintf(info->ifname, sizeof(info->ifname), "%s", io->name);
	info->ifindex = (int)io->ifindex;
	info->up = io->fd >= 0;
	info->rx_errors = io->st.rx_errors + io->st.rx_truncated;
	info->tx_errors = io->st.tx_errors;
	info->tx_dropped = io->st.tx_dropped;
	rt_offloads_fmt(info->offloads, sizeof(info->offloads), io->offloads);
	info->persistent = io->persist;
	info->reattached = io->reattached;
	info->tx_passthrough = io->st.tx_passthrough;
	info->tx_partial = io->st.tx_partial;
	if (io->priv) {
		rt_xdp_frames(io, &r->xdp_info);
		info->xdp = &r->xdp_info;
	}
	return 0;
}

/* ---- control requests ---- */

static int ctl_handle(void *arg, const char *line, int flags, struct sbuf *out)
{
	struct router *r = arg;
	size_t start = out->len;
	int ret;

	if (!strcmp(line, "show store"))
		return rt_store_show(r->store, flags & RT_CTL_JSON, out);
	ret = flags & RT_CTL_RELOAD ? rt_cmd_reload(r->t, &r->ops, line, flags & RT_CTL_JSON, out)
	    : flags & RT_CTL_TXN ? rt_cmd_exec_txn(r->t, &r->ops, line, flags & RT_CTL_JSON, out)
				 : rt_cmd_exec(r->t, &r->ops, line, flags & RT_CTL_JSON, out);
	if (flags & RT_CTL_RELOAD)
		line = "reload";	/* the log names the request, not a whole file */
	/* text replies end with a newline, so clients print them as they are */
	if (out->len > start && out->buf[out->len - 1] != '\n')
		sbuf_putc(out, '\n');
	if (ret) {
		rt_log(RT_LOG_DEBUG, "rejected: %s", line);
		return ret;
	}
	if (r->t->cfg.gen != r->state.saved_gen) {
		rt_log(RT_LOG_INFO, "applied: %s", line);
		/* on failure the change is live, only its persistence failed
		 * (logged); the timer retries */
		if (persist(r, false) < 0 && !(flags & RT_CTL_JSON))
			sbuf_printf(out, "warning: state file '%s' not written\n", r->o->state);
		if (!r->o->state)
			r->state.saved_gen = r->t->cfg.gen;
	}
	return 0;
}

/* Run the commands of FILE at start; FILE:LINE on the first error. */
static int load_file(struct router *r, const char *file, bool as_state)
{
	char err[1024];
	unsigned long n;
	int ret = rt_state_load(r->t, &r->ops, file, as_state, &n, err, sizeof(err));

	if (ret)
		rt_log(RT_LOG_ERR, "%s", err);
	else
		rt_log(RT_LOG_INFO, "loaded '%s' (%lu lines)", file, n);
	return ret;
}

/* ---- packets ---- */

/*
 * IPv4 through the AF_XDP underlay port: whole frames with the flow's
 * source port.  What it cannot send (no next hop through it yet) stays in
 * q for the UDP socket.  True when nothing is left.
 */
static bool xdp_underlay(struct router *r, struct ul_queue *q)
{
	struct rt_io *x = &r->ports[r->xul].io;
	unsigned int m = 0;

	x->ops->tx_batch(x, q->pkt, q->n);
	for (unsigned int i = 0; i < q->n; i++)
		if (q->pkt[i].failed) {
			q->pkt[m] = q->pkt[i];
			q->pkt[m].failed = false;
			q->slot[m] = q->slot[i];
			q->lane[m++] = q->lane[i];
		}
	q->n = m;
	return !m;
}

static void ul_flush(struct router *r, int s)
{
	struct ul_queue *q = &r->ulq[s];
	struct loop_port *lp = &r->ul[s];
	struct rt_pkt sub[RT_BATCH];
	uint8_t idx[RT_BATCH];

	if (!q->n)
		return;
	if (!lp->open) {
		for (unsigned int i = 0; i < q->n; i++)
			rt_count_tx_error(r->t, &r->out[q->slot[i]]);
		q->n = 0;
		return;
	}
	if (s == 0 && r->xul >= 0 && xdp_underlay(r, q))
		return;
	/* one sendmmsg per source-port lane that has packets */
	for (unsigned int lane = 0; lane < RT_UL_LANES; lane++) {
		struct rt_io *io = lane ? &r->lanes[s][lane - 1] : &lp->io;
		unsigned int m = 0;

		for (unsigned int i = 0; i < q->n; i++)
			if (q->lane[i] == lane) {
				sub[m] = q->pkt[i];
				idx[m++] = (uint8_t)i;
			}
		if (!m)
			continue;
		io->ops->tx_batch(io, sub, m);
		for (unsigned int j = 0; j < m; j++)
			if (sub[j].failed) {
				r->ul_tx_fail++;
				rt_count_tx_error(r->t, &r->out[q->slot[idx[j]]]);
			}
	}
	q->n = 0;
}

static void to_port(struct router *r, int port, struct rt_out *o)
{
	struct rt_pkt p = { .data = o->data, .size = (uint32_t)o->size };

	if (port < 0 || (uint32_t)port >= r->nports || !r->ports[port].open ||
	    r->ports[port].io.fd < 0) {
		rt_count_tx_error(r->t, o);
		return;
	}
	r->ports[port].io.ops->tx_batch(&r->ports[port].io, &p, 1);
	if (p.failed)
		rt_count_tx_error(r->t, o);
}

/* The coalescer's frames to their TAPs, each with its virtio header. */
static void coal_flush(struct router *r)
{
	unsigned int k;

	if (!r->coal.n)
		return;
	k = tso_coal_flush(&r->coal);
	for (unsigned int i = 0; i < k; i++) {
		const struct tso_coal_out *c = tso_coal_get(&r->coal, i);
		struct rt_io *io = &r->ports[c->ctx].io;
		struct rt_pkt p = {
			.data = (uint8_t *)c->data, .size = (uint32_t)c->size,
			.vnet_flags = c->vh.flags, .gso_type = c->vh.gso_type,
			.gso_size = c->vh.gso_size, .hdr_len = c->vh.hdr_len,
			.csum_start = c->vh.csum_start, .csum_offset = c->vh.csum_offset,
		};

		/* a failed write is in the port's tx_errors/tx_dropped */
		if (r->ports[c->ctx].open && io->fd >= 0)
			io->ops->tx_batch(io, &p, 1);
	}
	tso_coal_reset(&r->coal);
}

static void to_coalescer(struct router *r, struct rt_out *o)
{
	if (tso_coal_add(&r->coal, (uint64_t)o->port, o->data, o->size) == -ENOSPC) {
		coal_flush(r);
		tso_coal_add(&r->coal, (uint64_t)o->port, o->data, o->size);
	}
}

static void to_underlay(struct router *r, unsigned int slot, struct rt_out *o)
{
	int s;
	unsigned int lane;
	struct ul_queue *q;
	struct rt_pkt *p;

	if (o->dst.family != 4 && o->dst.family != 6) {
		rt_count_tx_error(r->t, o);
		return;
	}
	s = ul_slot(o->dst.family);
	q = &r->ulq[s];
	if (q->n == RT_BATCH)
		ul_flush(r, s);
	p = &q->pkt[q->n];
	memset(p, 0, sizeof(*p));
	p->data = o->data;
	p->size = (uint32_t)o->size;
	p->peer = o->dst;
	p->tos = o->tos;
	p->ttl = o->ttl;
	p->sport = o->sport;
	/* the flow's source port picks its lane: a flow keeps one port */
	lane = o->sport % RT_UL_LANES;
	if (lane && r->lanes[s][lane - 1].fd < 0)
		lane = 0;
	q->lane[q->n] = (uint8_t)lane;
	q->slot[q->n++] = (uint8_t)slot;
}

static void queue_verdict(struct router *r, unsigned int slot, const struct rt_pkt *in)
{
	struct rt_out *o = &r->out[slot];
	char a[RT_ADDR_STR];

	switch (o->verdict) {
	case RT_DELIVER:
		if (r->offload && o->port >= 0 && (uint32_t)o->port < r->nports && r->ports[o->port].open &&
		    (r->ports[o->port].io.offloads & RT_OFF_VNET)) {
			to_coalescer(r, o);
			break;
		}
		/* fall through */
	case RT_REPLY:
		to_port(r, o->port, o);
		break;
	case RT_FORWARD:
		to_underlay(r, slot, o);
		break;
	case RT_EGRESS:
		if (rt_gw_io_send(&r->gw, o->data, o->size)) {
			rt_count_tx_error(r->t, o);
			RT_LOG_LIMITED(RT_LOG_WARN, "gateway: cannot send a translated packet");
		}
		break;
	case RT_CONTROL:
		/* handled by the extensions (rt_ext_control) when it came in */
		r->control_pkts++;
		RT_LOG_LIMITED(RT_LOG_DEBUG, "control packet (O bit) from %s, VNI %u",
			       in->peer.family ? rt_addr_fmt(a, sizeof(a), in->peer.family, in->peer.a) : "a port",
			       o->vni);
		break;
	case RT_DROP:
		break;
	}
}

/*
 * The TAP device is gone while the port is configured: its namespace was
 * deleted with it inside.  The descriptor would report an error forever,
 * so stop watching it; packets for the port are counted as tx errors
 * until `del port` (and `add port` to create a new device).
 */
static void port_detach(struct router *r, struct rt_io *io, int err)
{
	rt_log(RT_LOG_ERR, "port %s: device gone (%s); packets to it are dropped until "
	       "'del port %s'", io->name, strerror(-err), io->name);
	epoll_ctl(r->epfd, EPOLL_CTL_DEL, io->fd, NULL);
	rt_io_close(io);
}

/* Everything queued in this batch goes out; the out slots are free again. */
static void flush_all(struct router *r)
{
	ul_flush(r, 0);
	ul_flush(r, 1);
	coal_flush(r);
	r->nslot = 0;
}

/* The out slot (and small buffer, for a segment) of the next packet. */
static unsigned int take_slot(struct router *r)
{
	if (r->nslot == RT_BATCH)
		flush_all(r);
	return r->nslot++;
}

static uint8_t *slot_buf(struct router *r, unsigned int slot)
{
	return r->bufs + (size_t)slot * BUF_SIZE + BUF_HEADROOM;
}

static void from_underlay_one(struct router *r, const struct rt_pkt *p, uint8_t *data,
			      size_t size, size_t headroom)
{
	struct rt_ul_meta m = { .src = p->peer, .ttl = p->ttl, .tos = p->tos };
	unsigned int slot = take_slot(r);

	rt_from_underlay(r->t, &m, data, size, headroom, &r->out[slot], NULL);
	if (r->out[slot].verdict == RT_CONTROL)
		rt_ext_control(&r->t->exts, r->t, &r->ops, &m, &r->t->scratch, data, size);
	queue_verdict(r, slot, p);
}

/* Port index o->port if it is an open TAP port taking offloads 'need'. */
static struct rt_io *tap_taking(struct router *r, const struct rt_out *o, unsigned int need)
{
	struct rt_io *io;

	if (!r->offload || o->verdict != RT_DELIVER || o->port < 0 || (uint32_t)o->port >= r->nports ||
	    !r->ports[o->port].open)
		return NULL;
	io = &r->ports[o->port].io;
	return io->fd >= 0 && !io->priv && (io->offloads & need) == need ? io : NULL;
}

static void to_coalescer_raw(struct router *r, int port, const uint8_t *f, size_t size,
			     const struct tso_vnet *vh)
{
	if (tso_coal_add_raw(&r->coal, (uint64_t)port, f, size, vh) == -ENOSPC) {
		coal_flush(r);
		tso_coal_add_raw(&r->coal, (uint64_t)port, f, size, vh);
	}
}

/*
 * A plain frame that came with a partial checksum, after the pipeline:
 * to a local TAP that takes partial checksums it goes on as partial,
 * unchanged; anywhere else it is completed first (rt_csum_finish), in
 * place (the inner frame stays where it was read, also behind a Geneve
 * header).  True when it was queued here.
 */
static bool partial_out(struct router *r, struct rt_out *o, const struct rt_pkt *p, uint8_t *data,
			size_t size, const uint8_t *snap, size_t sn)
{
	struct rt_io *to = tap_taking(r, o, RT_OFF_VNET | RT_OFF_CSUM);

	if (to && o->data == data && o->size == size && rt_hdr_same(data, size, snap, sn)) {
		to_coalescer_raw(r, o->port, data, size, &(struct tso_vnet){
			.flags = TSO_F_NEEDS_CSUM, .csum_start = p->csum_start,
			.csum_offset = p->csum_offset });
		to->st.tx_partial++;
		return true;
	}
	if ((o->verdict == RT_DELIVER && o->data == data && o->size == size) ||
	    (o->verdict == RT_FORWARD && o->data + o->size == data + size))
		(void)rt_csum_finish(data, size, snap, sn, p->csum_start, p->csum_offset);
	return false;
}

static void from_port_one(struct router *r, struct rt_io *io, const struct rt_pkt *p,
			  uint8_t *data, size_t size, unsigned int slot)
{
	uint8_t snap[256];
	size_t sn = p->gso_type || !(p->vnet_flags & TSO_F_NEEDS_CSUM) ? 0
		  : (size_t)p->csum_start + p->csum_offset + 2;

	if (sn > sizeof(snap) || sn > size) {	/* headers too long to keep: complete now */
		(void)tso_csum_complete(data, size, p->csum_start, p->csum_offset);
		sn = 0;
	}
	memcpy(snap, data, sn);
	rt_from_port(r->t, io->index, data, size, BUF_HEADROOM, &r->out[slot], NULL);
	if (sn && partial_out(r, &r->out[slot], p, data, size, snap, sn))
		return;
	queue_verdict(r, slot, p);
}

/*
 * Pass-through (TAP to TAP on this host): a super-frame whose segments
 * all go, unchanged but for the MACs, to one local TAP that takes
 * super-frames of its kind, is written there whole, with its own GSO
 * header and partial checksum, instead of its segments being coalesced
 * again.  The segments still went through the pipeline (policy, QoS,
 * counters see each); they are held in their out slots meanwhile, and
 * queued as usual as soon as one of them does not fit.
 */
struct gso_pass {
	bool on;
	int port;
	unsigned int n;
	uint8_t slot[RT_BATCH];
};

static unsigned int gso_need(uint8_t gso_type)
{
	switch (gso_type & ~TSO_GSO_ECN) {
	case TSO_GSO_TCPV4: return RT_OFF_VNET | RT_OFF_CSUM | RT_OFF_TSO4;
	case TSO_GSO_TCPV6: return RT_OFF_VNET | RT_OFF_CSUM | RT_OFF_TSO6;
	case TSO_GSO_UDP_L4: return RT_OFF_VNET | RT_OFF_CSUM | RT_OFF_USO;
	default: return ~0u;
	}
}

/* Segment 'slot' (n bytes, its headers as cut in snap) after the pipeline. */
static void gso_pass_seg(struct router *r, struct gso_pass *g, const struct rt_pkt *p,
			 unsigned int slot, size_t n, const uint8_t *snap, size_t sn)
{
	struct rt_out *o = &r->out[slot];

	if (g->on && tap_taking(r, o, gso_need(p->gso_type)) && (!g->n || o->port == g->port) &&
	    o->size == n && rt_hdr_same(o->data, n, snap, sn) &&
	    (!g->n || !memcmp(o->data, r->out[g->slot[0]].data, 12))) {
		g->port = o->port;
		g->slot[g->n++] = (uint8_t)slot;
		return;
	}
	if (g->on) {		/* give up: what was held goes out as segments */
		for (unsigned int i = 0; i < g->n; i++)
			queue_verdict(r, g->slot[i], p);
		g->on = false;
	}
	queue_verdict(r, slot, p);
}

static void gso_pass_end(struct router *r, struct gso_pass *g, struct rt_pkt *p,
			 const struct tso_seg *s)
{
	struct rt_io *to;
	uint32_t hdr = (uint32_t)(s->ti.payload - s->ti.l3), mss = s->mss;

	if (!g->on || !g->n)
		return;
	to = &r->ports[g->port].io;
	if (to->mtu > hdr && mss > to->mtu - hdr)
		mss = to->mtu - hdr;
	memcpy(p->data, r->out[g->slot[0]].data, 12);	/* the MACs the pipeline chose */
	to_coalescer_raw(r, g->port, p->data, p->size, &(struct tso_vnet){
		.flags = TSO_F_NEEDS_CSUM, .gso_type = p->gso_type, .hdr_len = s->ti.payload,
		.gso_size = (uint16_t)mss, .csum_start = p->csum_start,
		.csum_offset = p->csum_offset });
	to->st.tx_passthrough++;
}

/* A super-frame from a TAP: each segment through the pipeline. */
static void from_port_gso(struct router *r, struct rt_io *io, struct rt_pkt *p)
{
	int proto = tso_gso_proto(&(struct tso_vnet){ .gso_type = p->gso_type });
	struct gso_pass g = { .on = false };
	struct tso_seg s;
	size_t sn;
	uint32_t hdr;
	int ret;

	ret = proto <= 0 ? -EPROTONOSUPPORT
			 : tso_seg_init(&s, p->data, p->size, p->gso_size, (uint8_t)proto);
	/* cut to fit the port's MTU rather than answered with frag-needed: a
	 * smaller segment is as good to TCP and UDP as the one asked for */
	hdr = ret ? 0 : (uint32_t)(s.ti.payload - s.ti.l3);
	if (!ret && io->mtu > hdr && hdr + s.mss > io->mtu)
		ret = tso_seg_init(&s, p->data, p->size, io->mtu - hdr, (uint8_t)proto);
	if (ret) {
		io->st.rx_errors++;
		RT_LOG_LIMITED(RT_LOG_DEBUG, "%s: super-frame not segmentable (gso_type %u)",
			       io->name, p->gso_type);
		return;
	}
	/* pass-through needs the partial checksum as the VM made it and
	 * every segment's slot in this batch */
	g.on = r->offload && (p->vnet_flags & TSO_F_NEEDS_CSUM) && p->csum_start == s.ti.l4 &&
	       s.count <= RT_BATCH;
	if (g.on && r->nslot + s.count > RT_BATCH)
		flush_all(r);
	for (;;) {
		unsigned int slot = take_slot(r);
		uint8_t *b = slot_buf(r, slot), snap[256];
		int n = tso_seg_next(&s, b, RT_FRAME_MAX);

		if (n <= 0) {
			r->nslot--;
			break;
		}
		sn = s.ti.payload <= sizeof(snap) ? s.ti.payload : 0;
		memcpy(snap, b, sn);
		rt_from_port(r->t, io->index, b, (size_t)n, BUF_HEADROOM, &r->out[slot], NULL);
		gso_pass_seg(r, &g, p, slot, (size_t)n, snap, sn);
	}
	gso_pass_end(r, &g, p, &s);
}

static void rx_ready(struct router *r, struct rt_io *io)
{
	bool big = r->offload && (io->offloads & (RT_OFF_TSO4 | RT_OFF_TSO6 | RT_OFF_USO |
						  RT_OFF_UDP_GRO));
	int n;

	if (io->fd < 0)
		return;		/* closed by a command earlier in this wakeup */
	/* every field reset: a backend sets only what it knows (an AF_XDP
	 * port no virtio header), and r->rx is shared by all ports */
	for (unsigned int i = 0; i < RT_BATCH; i++)
		r->rx[i] = (struct rt_pkt){
			.data = big ? r->big + (size_t)i * BIG_SIZE + BUF_HEADROOM
				    : r->bufs + (size_t)i * BUF_SIZE + BUF_HEADROOM,
			.cap = big ? RT_FRAME_BIG : RT_FRAME_MAX,
		};
	n = io->ops->rx_batch(io, r->rx, RT_BATCH);
	if (n < 0) {
		if (!io->family && (n == -EBADFD || n == -EIO || n == -ENXIO || n == -ENODEV)) {
			port_detach(r, io, n);
			return;
		}
		RT_LOG_LIMITED(RT_LOG_WARN, "%s: receive failed: %s", io->name, strerror(-n));
		return;
	}
	r->nslot = 0;
	for (int i = 0; i < n; i++) {
		struct rt_pkt *p = &r->rx[i];

		size_t unit = io->family && p->gso_size && p->size > p->gso_size ? p->gso_size : p->size;

		/* the big buffers take more than the pipeline handles per packet */
		if (p->trunc || (!p->gso_type && unit > RT_FRAME_MAX)) {
			struct rt_ul_meta m = { .src = p->peer, .ttl = p->ttl, .tos = p->tos };

			rt_count_oversize(r->t, io->family ? -1 : io->index, io->family ? &m : NULL,
					  p->data, p->size);
		} else if (unit < p->size) {
			/* a GRO train: datagram by datagram, in place */
			for (size_t off = 0; off < p->size; off += p->gso_size)
				from_underlay_one(r, p, p->data + off,
						  p->size - off < p->gso_size ? p->size - off : p->gso_size,
						  off ? 0 : BUF_HEADROOM);
		} else if (io->family) {
			from_underlay_one(r, p, p->data, p->size, BUF_HEADROOM);
		} else if (p->gso_type) {
			from_port_gso(r, io, p);
		} else {
			from_port_one(r, io, p, p->data, p->size, take_slot(r));
		}
	}
	flush_all(r);
	rt_dp_send(r->t, &r->ops);	/* direct-path answers queued by the batch */
	rt_hl_send(r->t, &r->ops);	/* health answers (health.h) */
	for (uint32_t k = 0; k < r->nports; k++)	/* AF_XDP: one ring kick per batch */
		if (r->ports[k].open && r->ports[k].io.ops->flush)
			r->ports[k].io.ops->flush(&r->ports[k].io);
}

/* Replies to the gateways' NAT ports (gw_io.h), a batch at a time. */
static void gw_rx(struct router *r)
{
	const struct rt_pkt none = { 0 };

	r->nslot = 0;
	for (int i = 0; i < RT_BATCH && r->gw.rx >= 0; i++) {
		unsigned int slot = take_slot(r);
		uint8_t *buf = slot_buf(r, slot);
		ssize_t n = rt_gw_io_recv(&r->gw, buf, RT_FRAME_MAX - ETH_HLEN);

		if (n <= 0) {
			r->nslot--;
			if (n < 0)
				RT_LOG_LIMITED(RT_LOG_WARN, "gateway: receive failed: %s", strerror((int)-n));
			break;
		}
		rt_from_outside(r->t, buf, (size_t)n, BUF_HEADROOM, &r->out[slot], NULL);
		queue_verdict(r, slot, &none);
	}
	flush_all(r);
}

/* After a change: the gateway sockets follow the tables. */
static void gw_sync(struct router *r)
{
	char err[160];
	int old, ret = rt_gw_io_sync(&r->gw, r->t, &old, err, sizeof(err));

	if (ret)
		rt_log(RT_LOG_ERR, "%s", err);
	if (old == r->gw.rx)
		return;
	if (old >= 0)
		epoll_ctl(r->epfd, EPOLL_CTL_DEL, old, NULL);
	if (r->gw.rx >= 0) {
		r->gw_ev = (struct rt_ev){ RT_EV_GW, &r->gw };
		watch(r, r->gw.rx, &r->gw_ev);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void log_summary(struct router *r)
{
	const struct rt_stats *s = &r->t->run.st;

	rt_log(RT_LOG_INFO, "counters: from ports %llu, from underlay %llu, delivered %llu, "
	       "forwarded %llu, replies %llu, control %llu, dropped %llu",
	       (unsigned long long)s->port_rx, (unsigned long long)s->underlay_rx,
	       (unsigned long long)s->delivered, (unsigned long long)s->forwarded,
	       (unsigned long long)s->replies, (unsigned long long)s->control,
	       (unsigned long long)s->drops);
}

/* SIGHUP with -f FILE: FILE again, as one diff (reload.h) */
static void reload_config(struct router *r)
{
	struct rt_reload_count n;
	char err[1024];

	if (rt_reload_file(r->t, &r->ops, r->o->config, &n, err, sizeof(err)))
		rt_log(RT_LOG_ERR, "SIGHUP: reload refused, nothing changed: %s", err);
	else
		rt_log(RT_LOG_INFO, "SIGHUP: reloaded '%s': %lu added, %lu changed, %lu removed, %lu unchanged",
		       r->o->config, n.added, n.changed, n.removed, n.unchanged);
}

static void on_signal(struct router *r)
{
	struct signalfd_siginfo si;

	while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
		if (si.ssi_signo == SIGHUP) {
			if (r->o->config)
				reload_config(r);
			rt_log(RT_LOG_INFO, "SIGHUP: state file rewritten, counters logged");
			persist(r, true);
			log_summary(r);
		} else {
			rt_log(RT_LOG_INFO, "%s: stopping", strsignal((int)si.ssi_signo));
			r->stop = true;
		}
	}
}

static void on_timer(struct router *r)
{
	uint64_t ticks;

	if (read(r->timerfd, &ticks, sizeof(ticks)) < 0)
		return;
	rt_hl_tick(r->t, &r->ops);	/* backend health (health.h) */
	if (r->t->run.now_ns - r->sec_ns < 1000000000ull)
		return;
	r->sec_ns = r->t->run.now_ns;
	if (r->ctl)
		rt_ctl_tick(r->ctl, now_ns());
	for (uint32_t i = 0; i < r->nports; i++)
		if (r->ports[i].open && rt_tap_moved(&r->ports[i].io))
			rt_log(RT_LOG_WARN, "port %s: moved to another namespace by hand: no longer "
			       "persistent (a restart cannot find it; use 'add port %s netns NAME')",
			       r->ports[i].io.name, r->ports[i].io.name);
	/* a state write that failed earlier is retried every second */
	if (r->o->state && r->t->cfg.gen != r->state.saved_gen)
		persist(r, false);
}

/* systemd Type=notify: READY=1 on $NOTIFY_SOCKET (best effort). */
static void notify_ready(void)
{
	const char *p = getenv("NOTIFY_SOCKET");
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	size_t n;
	int fd;

	if (!p || (*p != '/' && *p != '@') || (n = strlen(p)) >= sizeof(sun.sun_path))
		return;
	memcpy(sun.sun_path, p, n);
	if (*p == '@')
		sun.sun_path[0] = 0;
	fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	(void)!sendto(fd, "READY=1", 7, MSG_NOSIGNAL, (struct sockaddr *)&sun,
		      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n));
	close(fd);
}

static int setup(struct router *r)
{
	/* every RT_HL_TICK_MS: the health checks' resolution; the rest of
	 * on_timer runs once a second */
	struct itimerspec its = { .it_interval = { 0, RT_HL_TICK_MS * 1000000L },
				  .it_value = { 0, RT_HL_TICK_MS * 1000000L } };
	sigset_t mask;
	int ret;

	rt_gw_io_init(&r->gw);
	r->t = rt_tables_new(r->o->limits);
	r->bufs = malloc((size_t)RT_BATCH * BUF_SIZE);
	if (!r->t || !r->bufs)
		return -ENOMEM;
	/* the big buffers even without offloads: set host offload on may come */
	r->offload = !r->o->no_offload;
	r->t->cfg.self.offload = r->offload;
	r->big = malloc((size_t)RT_BATCH * BIG_SIZE);
	for (int i = 0; i < COAL_BUFS; i++)
		if (!(r->coal_buf[i] = malloc(RT_FRAME_BIG)))
			return -ENOMEM;
	if (!r->big)
		return -ENOMEM;
	tso_coal_init(&r->coal, r->coal_buf, COAL_BUFS, RT_FRAME_BIG, true);
	for (const struct rt_ext *const *e = r->o->exts; e && *e; e++)
		if ((ret = rt_ext_add(&r->t->exts, *e)) < 0) {
			rt_log(RT_LOG_ERR, "extension %s: %s", (*e)->name, strerror(-ret));
			return ret;
		}
	r->nports = r->t->cfg.lim.max_ports;
	r->ports = calloc(r->nports, sizeof(*r->ports));
	if (!r->ports)
		return -ENOMEM;
	for (uint32_t i = 0; i < r->nports; i++)
		r->ports[i].io.fd = -1;

	r->ops = (struct rt_runtime_ops){
		.ctx = r,
		.port_open = op_port_open,
		.port_close = op_port_close,
		.port_mtu = op_port_mtu,
		.host_addr = op_host_addr,
		.host_offload = op_host_offload,
		.port_info = op_port_info,
		.port_open_xdp = op_port_open_xdp,
		.ul_send = op_ul_send,
		.ul_sport = op_ul_sport,
	};
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		return -errno;

	sigemptyset(&mask);
	sigaddset(&mask, SIGINT);
	sigaddset(&mask, SIGTERM);
	sigaddset(&mask, SIGHUP);
	sigprocmask(SIG_BLOCK, &mask, &r->oldmask);
	r->sigfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
	r->timerfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	if (r->sigfd < 0 || r->timerfd < 0 || timerfd_settime(r->timerfd, 0, &its, NULL) < 0)
		return -errno;
	r->sig_ev = (struct rt_ev){ RT_EV_SIGNAL, r };
	r->timer_ev = (struct rt_ev){ RT_EV_TIMER, r };
	watch(r, r->sigfd, &r->sig_ev);
	watch(r, r->timerfd, &r->timer_ev);

	/* the underlay listens on every address until `set host addr` */
	for (int s = 0; s < 2; s++) {
		struct loop_port *lp = &r->ul[s];
		char off[64];

		lp->ev = (struct rt_ev){ RT_EV_PORT, &lp->io };
		lp->io.fd = -1;
		ret = rt_udp_open(&lp->io, s ? 6 : 4, NULL, 0);
		if (ret) {
			if (s == 1 && ret == -EAFNOSUPPORT) {
				rt_log(RT_LOG_WARN, "no IPv6 here: underlay is IPv4 only");
				continue;
			}
			rt_log(RT_LOG_ERR, "cannot open the %s underlay on port %d: %s",
			       s ? "IPv6" : "IPv4", GNV_PORT, strerror(-ret));
			return ret;
		}
		lp->open = true;
		rt_udp_offload(&lp->io, r->offload, r->offload);
		rt_log(RT_LOG_DEBUG, "underlay %s: offloads %s", lp->io.name,
		       rt_offloads_fmt(off, sizeof(off), lp->io.offloads));
		watch(r, lp->io.fd, &lp->ev);
		lanes_open(r, s, NULL);
	}
	return 0;
}

static void teardown(struct router *r)
{
	rt_ctl_close(r->ctl);
	rt_gw_io_close(&r->gw);
	rt_store_stop(r->store);
	for (uint32_t i = 0; r->ports && i < r->nports; i++)
		if (r->ports[i].open && r->ports[i].io.priv)
			op_port_close(r, (int)i);	/* logs: XDP program gone */
		else if (r->ports[i].open) {
			if (r->ports[i].io.persist)
				rt_log(RT_LOG_INFO, "port %s: TAP device kept for the next start",
				       r->ports[i].io.name);
			rt_io_close(&r->ports[i].io);	/* a persistent device stays */
		}
	for (int s = 0; s < 2; s++) {
		if (r->ul[s].open)
			rt_io_close(&r->ul[s].io);
		for (int k = 0; k < RT_UL_LANES - 1; k++)
			if (r->lanes[s][k].fd >= 0)
				rt_io_close(&r->lanes[s][k]);
	}
	if (r->sigfd > 0)
		close(r->sigfd);
	if (r->timerfd > 0)
		close(r->timerfd);
	if (r->epfd > 0)
		close(r->epfd);
	sigprocmask(SIG_SETMASK, &r->oldmask, NULL);
	rt_tables_free(r->t);
	free(r->ports);
	free(r->bufs);
	free(r->big);
	for (int i = 0; i < COAL_BUFS; i++)
		free(r->coal_buf[i]);
	rt_state_free(&r->state);
}

int router_run(const struct router_opts *o)
{
	struct router r = { .o = o, .state.path = o->state, .epfd = -1, .sigfd = -1,
			    .timerfd = -1, .xul = -1, .gw = { .tx = -1, .rx = -1 } };
	struct epoll_event evs[64];
	bool restored = false;
	int ret;

	rt_log_set_level(o->log_level);
	sigprocmask(SIG_SETMASK, NULL, &r.oldmask);
	for (int s = 0; s < 2; s++) {
		r.ul[s].io.fd = -1;
		for (int k = 0; k < RT_UL_LANES - 1; k++)
			r.lanes[s][k].fd = -1;
	}
	ret = setup(&r);
	if (ret) {
		if (ret == -ENOMEM)
			rt_log(RT_LOG_ERR, "out of memory");
		else if (ret != -EADDRINUSE)
			rt_log(RT_LOG_ERR, "cannot start: %s", strerror(-ret));
		goto out;
	}
	if (o->state) {
		int stale = rt_state_clean_stale(o->state);

		if (stale)
			rt_log(RT_LOG_INFO, "removed %d stale temporary file%s of '%s'", stale,
			       stale == 1 ? "" : "s", o->state);
	}
	if (o->state && access(o->state, F_OK) == 0) {
		r.restoring = true;
		ret = load_file(&r, o->state, true);
		r.restoring = false;
		if (ret)
			goto out;
		restored = true;
		if (o->config)
			rt_log(RT_LOG_INFO, "state '%s' restored; '%s' not loaded", o->state, o->config);
	} else if (o->config) {
		ret = load_file(&r, o->config, false);
		if (ret)
			goto out;
	}
	ret = persist(&r, !restored && o->state);
	if (ret)
		goto out;
	r.state.saved_gen = r.t->cfg.gen;
	if (o->store) {
		char err[512];

		ret = rt_store_start(&r.store, o->store, err, sizeof(err));
		if (ret) {
			rt_log(RT_LOG_ERR, "%s", err);
			goto out;
		}
		r.store_ev = (struct rt_ev){ RT_EV_STORE, r.store };
		watch(&r, rt_store_fd(r.store), &r.store_ev);
	}
	ret = rt_ctl_open(&r.ctl, o->socket, r.epfd, ctl_handle, &r);
	if (ret) {
		rt_log(RT_LOG_ERR, "control socket '%s': %s", o->socket,
		       ret == -EADDRINUSE ? "another router is listening there" : strerror(-ret));
		goto out;
	}
	rt_log(RT_LOG_INFO, "running: control socket %s%s%s", o->socket,
	       o->state ? ", state " : "", o->state ? o->state : "");
	gw_sync(&r);
	notify_ready();

	while (!r.stop) {
		int n = epoll_wait(r.epfd, evs, 64, -1);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			ret = -errno;
			rt_log(RT_LOG_ERR, "epoll_wait: %s", strerror(errno));
			break;
		}
		rt_tables_set_now(r.t, now_ns());
		/* no packet of the last batch holds a replaced Maglev table now */
		rt_scaled_reclaim(r.t);
		for (int i = 0; i < n; i++) {
			struct rt_ev *ev = evs[i].data.ptr;

			switch (ev->kind) {
			case RT_EV_PORT:
				rx_ready(&r, ev->obj);
				break;
			case RT_EV_CTL_LISTEN:
			case RT_EV_CTL_CONN:
				rt_ctl_event(r.ctl, ev, evs[i].events);
				break;
			case RT_EV_SIGNAL:
				on_signal(&r);
				break;
			case RT_EV_TIMER:
				on_timer(&r);
				break;
			case RT_EV_GW:
				gw_rx(&r);
				break;
			case RT_EV_STORE:	/* replies of the store, each all or nothing */
				if (rt_store_apply(r.store, r.t, &r.ops) && !persist(&r, false))
					rt_store_save(r.store);
				break;
			}
		}
		rt_ctl_reap(r.ctl);	/* control clients closed for others in this batch */
		if (r.t->cfg.gen != r.gw.gen)
			gw_sync(&r);
	}
	persist(&r, false);
	log_summary(&r);
out:
	teardown(&r);
	return ret;
}
