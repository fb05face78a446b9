/* SPDX-License-Identifier: MIT */
/*
 * AF_XDP ports (see port.h): one XDP socket per queue of an interface, its
 * frames in a UMEM allocated at open, the steering program of
 * xdp_steer.bpf.c (carried in the binary) attached through libxdp's
 * multi-program dispatcher.
 *
 *   endpoint  every frame of the interface comes to the router, as from a
 *             TAP device; frames the router sends go out of it
 *   underlay  the interface carries this host's IPv4 address: only UDP to
 *             port 6081 on it is steered here (everything else goes to the
 *             kernel); the frame's Geneve payload is handed to the pipeline
 *             as the UDP socket would hand it
 *
 * Mode: zero-copy, else copy with native XDP, else generic (skb) XDP;
 * what was obtained is read back from the socket (XDP_OPTIONS) and kept
 * with the reason.  An explicit mode that cannot be had fails.
 *
 * Frame accounting, per socket (xsk.h): frames == free + fill_rx + tx_comp
 * + held, held being always 0 as frames are copied to and from the loop's
 * buffers.  Checked after every batch, counted, and fatal in debug builds
 * (-DRT_XDP_DEBUG).
 *
 * Sockets, UMEM, rings, the program and the interface's lock are xsk.c's,
 * shared with the generator and sink of craft/decode --xdp (xdpgen.c).
 * Layer: router; calls libxdp, libbpf and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include "../libcore/csum.h"
#include "nexthop.h"
#include "port.h"
#include "xdp_frame.h"
#include "xsk.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL	69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET	70
#endif

#define GNV_UDP_PORT	6081

const char *const rt_xdp_mode_names[] = { "auto", "zerocopy", "copy", "skb", NULL };

struct xport {
	struct rt_xsk_prog pr;
	unsigned int nq, next_rx;
	unsigned int frame_size;
	struct rt_nh_table *nh;		/* underlay: next hops */
	uint8_t smac[6];		/* underlay: the interface's MAC */
	uint32_t batches;
	struct rt_xdp_info info;
	uint8_t scratch[RT_FRAME_MAX + 64];	/* a multi-buffer underlay frame, built */
	struct rt_xsk q[];
};

static struct xport *xp_of(const struct rt_io *p)
{
	return p->priv;
}

/* ---- frames ---- */

static void account(struct rt_io *p, struct rt_xsk *q)
{
	struct xport *xp = xp_of(p);
	if (!rt_xsk_balanced(q)) {
		xp->info.acct_errors++;
#ifdef RT_XDP_DEBUG
		fprintf(stderr, "genv route: %s: frame accounting: %u free + %u rx + %u tx != %u\n",
			p->name, q->nfree, q->fill_rx, q->tx_comp, q->nframes);
		abort();
#endif
	}
}

void rt_xdp_frames(const struct rt_io *p, struct rt_xdp_info *out)
{
	const struct xport *xp = xp_of(p);

	*out = xp->info;
	out->frames = out->free = out->fill_rx = out->tx_comp = 0;
	out->k_rx_dropped = out->k_rx_invalid = out->k_tx_invalid = 0;
	out->k_rx_ring_full = out->k_fill_empty = out->k_tx_ring_empty = 0;
	for (unsigned int i = 0; i < xp->nq; i++) {
		struct xdp_statistics st;

		if (!rt_xsk_stats(&xp->q[i], &st)) {
			out->k_rx_dropped += st.rx_dropped;
			out->k_rx_invalid += st.rx_invalid_descs;
			out->k_tx_invalid += st.tx_invalid_descs;
			out->k_rx_ring_full += st.rx_ring_full;
			out->k_fill_empty += st.rx_fill_ring_empty_descs;
			out->k_tx_ring_empty += st.tx_ring_empty_descs;
		}
		out->frames += xp->q[i].nframes;
		out->ring = xp->q[i].ring;
		out->free += xp->q[i].nfree;
		out->fill_rx += xp->q[i].fill_rx;
		out->tx_comp += xp->q[i].tx_comp;
	}
	out->held = 0;
	out->rx_frames = p->st.rx_packets;
	out->tx_frames = p->st.tx_packets;
	out->lost = out->frames - out->free - out->fill_rx - out->tx_comp;
}

/* ---- receive ---- */

static unsigned int rx_queue(struct rt_io *p, struct rt_xsk *q, struct rt_pkt *pkts, unsigned int n)
{
	struct xport *xp = xp_of(p);
	uint32_t idx, got = xsk_ring_cons__peek(&q->rx, n, &idx), i = 0;
	unsigned int out = 0;

	/* a frame per descriptor, or several for a multi-buffer frame (jumbo),
	 * gathered into the packet's buffer; one whose last descriptor is not
	 * in this batch is left for the next */
	while (i < got) {
		struct rt_pkt *pk = &pkts[out];
		const uint8_t *f, *pl;
		uint32_t len, flen, k;
		bool trunc;

		k = rt_xsk_rx_frame(q, idx + i, got - i, pk->data, pk->cap, &f, &flen, &trunc);
		if (!k)
			break;
		i += k;
		pl = f;
		len = flen;
		/* underlay: the Geneve payload, rechecked (xdp_frame.h) */
		if (xp->info.role == RT_XDP_UNDERLAY &&
		    rt_xdp_ul_parse(f, flen, pk, &pl, &len) != RT_XDP_UL_OK) {
			p->st.rx_errors++;
			continue;
		}
		pk->trunc = trunc || len > pk->cap;
		pk->size = len > pk->cap ? pk->cap : len;
		memmove(pk->data, pl, pk->size);	/* from the UMEM, or within the gathered frame */
		p->st.rx_packets++;
		p->st.rx_bytes += flen;
		xp->info.rx_multi += k > 1;
		out++;
	}
	xsk_ring_cons__release(&q->rx, i);
	if (i < got)
		xsk_ring_cons__cancel(&q->rx, got - i);
	q->fill_rx -= i;
	rt_xsk_refill(q);
	account(p, q);
	return out;
}

static int xdp_rx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	struct xport *xp = xp_of(p);
	unsigned int got = 0;

	/* round robin over the queues, starting after the last one served */
	for (unsigned int k = 0; k < xp->nq && got < n; k++) {
		struct rt_xsk *q = &xp->q[(xp->next_rx + k) % xp->nq];

		got += rx_queue(p, q, pkts + got, n - got);
		rt_xsk_wake_rx(q);
	}
	xp->next_rx++;
	if (xp->nh && (!got || !(++xp->batches & 255)))
		rt_nh_poll(xp->nh);	/* route/neighbour changes (or a wakeup for them) */
	return (int)got;
}

/* ---- send ---- */

#define UL_HDR	(14 + 20 + 8)

/* Underlay: Ethernet / IPv4 / UDP 6081 in front of the Geneve payload,
 * toward the next hop the kernel's tables give; both checksums computed. */
static void ul_build(const struct xport *xp, const struct rt_nh *nh, const struct rt_pkt *pk,
		     uint8_t *f)
{
	uint32_t ulen = 8 + pk->size, tot = 20 + ulen;
	uint16_t sport = pk->sport ? pk->sport : GNV_UDP_PORT, c;
	uint8_t *ip = f + 14, *udp = f + 34;

	memcpy(f, nh->mac, 6);
	memcpy(f + 6, xp->smac, 6);
	f[12] = 0x08;
	f[13] = 0x00;
	ip[0] = 0x45;
	ip[1] = pk->tos;
	ip[2] = (uint8_t)(tot >> 8);
	ip[3] = (uint8_t)tot;
	memset(ip + 4, 0, 4);
	ip[6] = 0x40;			/* DF, as the UDP socket sends */
	ip[8] = pk->ttl ? pk->ttl : 64;
	ip[9] = IPPROTO_UDP;
	ip[10] = ip[11] = 0;
	memcpy(ip + 12, &nh->src, 4);
	memcpy(ip + 16, pk->peer.a, 4);
	c = csum_fold(csum_partial(ip, 20, 0));
	ip[10] = (uint8_t)(c >> 8);
	ip[11] = (uint8_t)c;
	udp[0] = (uint8_t)(sport >> 8);
	udp[1] = (uint8_t)sport;
	udp[2] = GNV_UDP_PORT >> 8;
	udp[3] = GNV_UDP_PORT & 0xff;
	udp[4] = (uint8_t)(ulen >> 8);
	udp[5] = (uint8_t)ulen;
	udp[6] = udp[7] = 0;
	memcpy(udp + 8, pk->data, pk->size);
	c = csum_fold(csum_partial(udp, ulen, csum_pseudo4(ip + 12, ip + 16, IPPROTO_UDP, ulen)));
	if (!c)
		c = 0xffff;
	udp[6] = (uint8_t)(c >> 8);
	udp[7] = (uint8_t)c;
}

static int xdp_tx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	struct xport *xp = xp_of(p);
	struct rt_xsk *q = &xp->q[0];	/* one sending queue: frames of a flow stay in order */
	uint32_t idx = 0, want = 0, sent = 0;
	const struct rt_nh *nh[RT_BATCH];
	uint32_t nd[RT_BATCH];		/* descriptors each takes */
	bool ul = xp->info.role == RT_XDP_UNDERLAY;

	if (n > RT_BATCH)
		n = RT_BATCH;
	rt_xsk_reap(q);
	for (unsigned int i = 0; i < n; i++) {
		/* underlay: what has no next hop through this interface yet
		 * fails here, and the caller sends it through the kernel */
		uint32_t dst;

		memcpy(&dst, pkts[i].peer.a, 4);
		nh[i] = ul && pkts[i].peer.family == 4 ? rt_nh_get(xp->nh, dst) : NULL;
		nd[i] = rt_xsk_tx_descs(q, pkts[i].size + (ul ? UL_HDR : 0));
		pkts[i].failed = !nd[i] || (ul && !nh[i]);
		xp->info.tx_kernel += ul && pkts[i].failed;
		want += pkts[i].failed ? 0 : nd[i];
	}
	if (want > q->nfree)
		want = q->nfree;
	want = xsk_ring_prod__reserve(&q->tx, want, &idx);
	for (unsigned int i = 0; i < n; i++) {
		struct xdp_desc *d;
		uint64_t addr;

		if (pkts[i].failed)
			continue;
		if (sent + nd[i] > want) {
			pkts[i].failed = true;
			p->st.tx_dropped++;
			continue;
		}
		if (nd[i] > 1) {	/* multi-buffer: built whole, posted in pieces */
			const uint8_t *fr = pkts[i].data;

			if (ul) {
				ul_build(xp, nh[i], &pkts[i], xp->scratch);
				fr = xp->scratch;
			}
			rt_xsk_tx_frame(q, idx + sent, fr, pkts[i].size + (ul ? UL_HDR : 0));
			sent += nd[i];
			xp->info.tx_multi++;
			p->st.tx_packets++;
			p->st.tx_bytes += pkts[i].size;
			continue;
		}
		addr = q->free_addr[--q->nfree];
		d = xsk_ring_prod__tx_desc(&q->tx, idx + sent++);
		d->addr = addr;
		d->len = pkts[i].size + (ul ? UL_HDR : 0);
		d->options = 0;
		if (ul)
			ul_build(xp, nh[i], &pkts[i], xsk_umem__get_data(q->area, addr));
		else
			memcpy(xsk_umem__get_data(q->area, addr), pkts[i].data, pkts[i].size);
		p->st.tx_packets++;
		p->st.tx_bytes += pkts[i].size;
	}
	xsk_ring_prod__submit(&q->tx, sent);
	q->tx_comp += sent;
	q->tx_kick |= sent > 0;
	account(p, q);
	return (int)sent;
}

static void xdp_flush(struct rt_io *p)
{
	struct xport *xp = xp_of(p);

	for (unsigned int i = 0; i < xp->nq; i++) {
		rt_xsk_kick(&xp->q[i]);
		rt_xsk_reap(&xp->q[i]);
	}
}

/* ---- open / close ---- */

static void xdp_close(struct rt_io *p)
{
	struct xport *xp = xp_of(p);

	if (!xp)
		return;
	for (unsigned int i = 0; i < xp->nq; i++)
		rt_xsk_close(&xp->q[i]);
	rt_xsk_prog_close(&xp->pr);	/* releases the interface */
	rt_nh_close(xp->nh);
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
	free(xp);
	p->priv = NULL;
}

static const struct rt_io_ops xdp_ops = {
	.kind = "xdp",
	.rx_batch = xdp_rx_batch,
	.tx_batch = xdp_tx_batch,
	.close = xdp_close,
	.flush = xdp_flush,
};

/* The IPv4 addresses of ifname (network order); their number. */
static unsigned int if_addrs4(const char *ifname, uint32_t *out, unsigned int max)
{
	struct ifaddrs *ifa, *i;
	unsigned int n = 0;

	if (getifaddrs(&ifa) < 0)
		return 0;
	for (i = ifa; i && n < max; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET && !strcmp(i->ifa_name, ifname))
			out[n++] = ((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr;
	freeifaddrs(ifa);
	return n;
}

static int open_queues(struct rt_io *p, struct xport *xp, const char *ifname,
		       const struct rt_xdp_opts *o, char *err, size_t errsz)
{
	int ret = 0;

	for (unsigned int i = 0; i < xp->nq; i++) {
		struct rt_xsk *q = &xp->q[i];

		ret = rt_xsk_open(q, ifname, i, xp->frame_size, o->ring, o->mode,
				  xp->pr.attach == XDP_MODE_NATIVE, true, xp->info.reason,
				  i ? 0 : sizeof(xp->info.reason), err, errsz);
		if (ret)
			return ret;
		ret = rt_xsk_prog_bind(&xp->pr, q);
		if (ret) {
			snprintf(err, errsz, "%s: cannot register the socket of queue %u: %s", ifname, i,
				 strerror(-ret));
			return ret;
		}
		if (o->busy_poll) {
			int one = 1, us = 20, budget = RT_BATCH, fd = xsk_socket__fd(q->xsk);

			if (setsockopt(fd, SOL_SOCKET, SO_PREFER_BUSY_POLL, &one, sizeof(one)) < 0 ||
			    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL, &us, sizeof(us)) < 0 ||
			    setsockopt(fd, SOL_SOCKET, SO_BUSY_POLL_BUDGET, &budget, sizeof(budget)) < 0)
				snprintf(xp->info.busy_poll, sizeof(xp->info.busy_poll), "refused (%s)",
					 strerror(errno));
			else
				snprintf(xp->info.busy_poll, sizeof(xp->info.busy_poll), "on");
		}
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = i };

		epoll_ctl(p->fd, EPOLL_CTL_ADD, xsk_socket__fd(q->xsk), &e);
	}
	return 0;
}

int rt_xdp_open(struct rt_io *p, const char *ifname, const struct rt_xdp_opts *o,
		char *err, size_t errsz)
{
	const char *cap = rt_xsk_missing_cap(true);
	unsigned int nq = o->queues ? o->queues : 1;
	struct genv_xdp_cfg cfg = { .port = htons(GNV_UDP_PORT) };
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct xport *xp;
	char drv[32];
	int ret;

	memset(p, 0, sizeof(*p));
	p->fd = -1;
	if (cap) {
		snprintf(err, errsz, "%s: AF_XDP needs %s, which this router does not have; "
			 "the UDP underlay and TAP ports keep working", ifname, cap);
		return -EPERM;
	}
	if (nq > GENV_XDP_MAX_QUEUES) {
		snprintf(err, errsz, "%s: at most %d queues", ifname, GENV_XDP_MAX_QUEUES);
		return -EINVAL;
	}
	xp = calloc(1, sizeof(*xp) + nq * sizeof(xp->q[0]));
	if (!xp) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	xp->pr.lockfd = -1;
	xp->nq = nq;
	xp->frame_size = o->frame_size ? o->frame_size : 2048;
	p->priv = xp;
	p->ops = &xdp_ops;
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	p->ifindex = if_nametoindex(ifname);
	if (!p->ifindex) {
		ret = -ENODEV;
		snprintf(err, errsz, "%s: no such interface", ifname);
		goto fail;
	}
	p->fd = epoll_create1(EPOLL_CLOEXEC);
	if (p->fd < 0) {
		ret = -errno;
		snprintf(err, errsz, "epoll: %s", strerror(errno));
		goto fail;
	}
	setrlimit(RLIMIT_MEMLOCK, &rl);		/* older kernels charge UMEM and maps here */
	cfg.naddr = if_addrs4(ifname, cfg.addr, GENV_XDP_MAX_ADDRS);
	cfg.mode = cfg.naddr ? GENV_XDP_UNDERLAY : GENV_XDP_ENDPOINT;
	xp->info.role = cfg.naddr ? RT_XDP_UNDERLAY : RT_XDP_ENDPOINT;
	if (xp->info.role == RT_XDP_UNDERLAY) {
		struct ifreq ifr = { 0 };
		int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		struct epoll_event e = { .events = EPOLLIN, .data.u32 = 0xffff };

		p->family = 4;		/* the loop hands its packets to the underlay path */
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
		if (s >= 0 && ioctl(s, SIOCGIFHWADDR, &ifr) == 0)
			memcpy(xp->smac, ifr.ifr_hwaddr.sa_data, 6);
		if (s >= 0)
			close(s);
		ret = rt_nh_open(&xp->nh, p->ifindex, cfg.addr[0]);
		if (ret) {
			snprintf(err, errsz, "%s: rtnetlink: %s", ifname, strerror(-ret));
			goto fail;
		}
		epoll_ctl(p->fd, EPOLL_CTL_ADD, rt_nh_event_fd(xp->nh), &e);
	}
	ret = rt_xsk_prog_open(&xp->pr, ifname, o->mode, xp->info.reason, sizeof(xp->info.reason),
			       err, errsz);
	xp->info.replaced = xp->pr.replaced;
	if (ret)
		goto fail;
	ret = open_queues(p, xp, ifname, o, err, errsz);
	if (ret)
		goto fail;
	xp->info.multi_buffer = xp->q[0].sg;
	if (xp->pr.attach == XDP_MODE_SKB)
		xp->info.mode = RT_XDP_SKB;
	else if (rt_xsk_zerocopy(&xp->q[0]))
		xp->info.mode = RT_XDP_ZEROCOPY;
	else
		xp->info.mode = RT_XDP_COPY;
	if (xp->info.mode == RT_XDP_ZEROCOPY)
		snprintf(xp->info.reason, sizeof(xp->info.reason), "driver %s supports zero-copy",
			 rt_xsk_driver(ifname, drv, sizeof(drv)));
	else if (o->mode == xp->info.mode)
		snprintf(xp->info.reason, sizeof(xp->info.reason), "mode %s requested",
			 rt_xdp_mode_names[o->mode]);
	ret = rt_xsk_prog_config(&xp->pr, &cfg);
	if (ret) {
		snprintf(err, errsz, "%s: cannot configure the XDP program: %s", ifname, strerror(-ret));
		goto fail;
	}
	return 0;
fail:
	xdp_close(p);
	return ret;
}
