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
 * Frame accounting, per socket: every UMEM frame is on the free stack, in
 * the fill ring or rx ring (owned by the kernel for receive), in the tx
 * ring or completion ring (owned by the kernel for send), or held by the
 * router between two calls (never, as frames are copied to and from the
 * loop's buffers): frames == free + fill_rx + tx_comp + held.  Checked
 * after every batch in debug builds (-DRT_XDP_DEBUG), and counted.
 *
 * Ownership of an interface: an flock()ed file per (network namespace,
 * ifindex) in /run/genv; its holder is the live router.  A genv program
 * found attached without a holder was left by a killed router and is
 * removed before attaching.
 * Layer: router; calls libxdp, libbpf and libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <ifaddrs.h>
#include <arpa/inet.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <sys/syscall.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <xdp/libxdp.h>
#include <xdp/xsk.h>
#include "../libcore/csum.h"
#include "nexthop.h"
#include "port.h"
#include "xdp_frame.h"
#include "xdp_steer.h"

#ifndef SO_PREFER_BUSY_POLL
#define SO_PREFER_BUSY_POLL	69
#endif
#ifndef SO_BUSY_POLL_BUDGET
#define SO_BUSY_POLL_BUDGET	70
#endif

#define XDP_NFRAMES	4096u
#define XDP_RING	2048u
#define XDP_PROG_NAME	"genv_steer"
#define GNV_UDP_PORT	6081

extern const unsigned char rt_xdp_steer_obj[];
extern const size_t rt_xdp_steer_obj_size;

const char *const rt_xdp_mode_names[] = { "auto", "zerocopy", "copy", "skb", NULL };

struct xq {
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	struct xsk_ring_prod fill, tx;
	struct xsk_ring_cons comp, rx;
	uint8_t *area;
	uint64_t free_addr[XDP_NFRAMES];
	uint32_t nfree;
	uint32_t fill_rx;		/* frames given to the kernel for receive */
	uint32_t tx_comp;		/* frames given to the kernel for send */
	bool tx_kick;			/* tx descriptors not yet kicked */
};

struct xport {
	struct xdp_program *prog;
	int ifindex;
	enum xdp_attach_mode attach;
	int lockfd;
	unsigned int nq, next_rx;
	unsigned int frame_size;
	struct rt_nh_table *nh;		/* underlay: next hops */
	uint8_t smac[6];		/* underlay: the interface's MAC */
	uint32_t batches;
	struct rt_xdp_info info;
	struct xq q[];
};

static struct xport *xp_of(const struct rt_io *p)
{
	return p->priv;
}

/* ---- frames ---- */

static void fill_refill(struct xq *q)
{
	uint32_t idx, n = q->nfree < XDP_RING - q->fill_rx ? q->nfree : XDP_RING - q->fill_rx;

	if (!n)
		return;
	n = xsk_ring_prod__reserve(&q->fill, n, &idx);
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) = q->free_addr[--q->nfree];
	xsk_ring_prod__submit(&q->fill, n);
	q->fill_rx += n;
}

static void comp_reap(struct xq *q)
{
	uint32_t idx, n = xsk_ring_cons__peek(&q->comp, XDP_RING, &idx);

	for (uint32_t i = 0; i < n; i++)
		q->free_addr[q->nfree++] = *xsk_ring_cons__comp_addr(&q->comp, idx + i);
	xsk_ring_cons__release(&q->comp, n);
	q->tx_comp -= n;
}

static void account(struct rt_io *p, struct xq *q)
{
	struct xport *xp = xp_of(p);
	uint64_t sum = (uint64_t)q->nfree + q->fill_rx + q->tx_comp;

	if (sum != XDP_NFRAMES) {
		xp->info.acct_errors++;
#ifdef RT_XDP_DEBUG
		fprintf(stderr, "genv route: %s: frame accounting: %u free + %u rx + %u tx != %u\n",
			p->name, q->nfree, q->fill_rx, q->tx_comp, XDP_NFRAMES);
		abort();
#endif
	}
}

void rt_xdp_frames(const struct rt_io *p, struct rt_xdp_info *out)
{
	const struct xport *xp = xp_of(p);

	*out = xp->info;
	out->frames = out->free = out->fill_rx = out->tx_comp = 0;
	for (unsigned int i = 0; i < xp->nq; i++) {
		out->frames += XDP_NFRAMES;
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

static unsigned int rx_queue(struct rt_io *p, struct xq *q, struct rt_pkt *pkts, unsigned int n)
{
	struct xport *xp = xp_of(p);
	uint32_t idx, got = xsk_ring_cons__peek(&q->rx, n, &idx);
	unsigned int out = 0;

	for (uint32_t i = 0; i < got; i++) {
		const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx + i);
		const uint8_t *f = xsk_umem__get_data(q->area, d->addr);
		const uint8_t *pl = f;
		uint32_t len = d->len;
		struct rt_pkt *pk = &pkts[out];

		q->free_addr[q->nfree++] = xsk_umem__extract_addr(d->addr);
		/* underlay: the Geneve payload, rechecked (xdp_frame.h) */
		if (xp->info.role == RT_XDP_UNDERLAY &&
		    rt_xdp_ul_parse(f, d->len, pk, &pl, &len) != RT_XDP_UL_OK) {
			p->st.rx_errors++;
			continue;
		}
		pk->trunc = len > pk->cap;
		pk->size = pk->trunc ? pk->cap : len;
		memcpy(pk->data, pl, pk->size);
		p->st.rx_packets++;
		p->st.rx_bytes += d->len;
		out++;
	}
	xsk_ring_cons__release(&q->rx, got);
	q->fill_rx -= got;
	fill_refill(q);
	account(p, q);
	return out;
}

static int xdp_rx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	struct xport *xp = xp_of(p);
	unsigned int got = 0;

	/* round robin over the queues, starting after the last one served */
	for (unsigned int k = 0; k < xp->nq && got < n; k++) {
		struct xq *q = &xp->q[(xp->next_rx + k) % xp->nq];

		got += rx_queue(p, q, pkts + got, n - got);
		if (xsk_ring_prod__needs_wakeup(&q->fill))
			recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
	}
	xp->next_rx++;
	if (xp->nh && (!got || !(++xp->batches & 255)))
		rt_nh_poll(xp->nh);	/* route/neighbour changes (or a wakeup for them) */
	return (int)got;
}

/* ---- send ---- */

static void tx_kick(struct xq *q)
{
	if (q->tx_kick && xsk_ring_prod__needs_wakeup(&q->tx))
		sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0);
	q->tx_kick = false;
}

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
	struct xq *q = &xp->q[0];	/* one sending queue: frames of a flow stay in order */
	uint32_t idx = 0, want = 0, sent = 0;

	const struct rt_nh *nh[RT_BATCH];
	bool ul = xp->info.role == RT_XDP_UNDERLAY;

	if (n > RT_BATCH)
		n = RT_BATCH;
	comp_reap(q);
	for (unsigned int i = 0; i < n; i++) {
		/* underlay: what has no next hop through this interface yet
		 * fails here, and the caller sends it through the kernel */
		uint32_t dst;

		memcpy(&dst, pkts[i].peer.a, 4);
		nh[i] = ul && pkts[i].peer.family == 4 ? rt_nh_get(xp->nh, dst) : NULL;
		pkts[i].failed = pkts[i].size + (ul ? UL_HDR : 0) > xp->frame_size || (ul && !nh[i]);
		xp->info.tx_kernel += ul && pkts[i].failed;
		want += !pkts[i].failed;
	}
	if (want > q->nfree)
		want = q->nfree;
	want = xsk_ring_prod__reserve(&q->tx, want, &idx);
	for (unsigned int i = 0; i < n; i++) {
		struct xdp_desc *d;
		uint64_t addr;

		if (pkts[i].failed)
			continue;
		if (sent == want) {
			pkts[i].failed = true;
			p->st.tx_dropped++;
			continue;
		}
		addr = q->free_addr[--q->nfree];
		d = xsk_ring_prod__tx_desc(&q->tx, idx + sent++);
		d->addr = addr;
		d->len = pkts[i].size + (ul ? UL_HDR : 0);
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
		tx_kick(&xp->q[i]);
		comp_reap(&xp->q[i]);
	}
}

/* ---- open / close ---- */

static void q_close(struct xq *q, size_t area_size)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, area_size);
	memset(q, 0, sizeof(*q));
}

static void xdp_close(struct rt_io *p)
{
	struct xport *xp = xp_of(p);

	if (!xp)
		return;
	for (unsigned int i = 0; i < xp->nq; i++)
		q_close(&xp->q[i], (size_t)XDP_NFRAMES * xp->frame_size);
	if (xp->prog) {
		xdp_program__detach(xp->prog, xp->ifindex, xp->attach, 0);
		xdp_program__close(xp->prog);
	}
	rt_nh_close(xp->nh);
	if (xp->lockfd >= 0)
		close(xp->lockfd);	/* releases the interface */
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

static const char *driver_of(const char *ifname, char *buf, size_t size)
{
	struct ethtool_drvinfo di = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	snprintf(buf, size, "?");
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)&di;
	if (s >= 0 && ioctl(s, SIOCETHTOOL, &ifr) == 0)
		snprintf(buf, size, "%s", di.driver);
	if (s >= 0)
		close(s);
	return buf;
}

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

/* Lock (netns, ifindex); a genv program left attached without a holder is
 * removed.  0, or -EBUSY when a live router has the interface. */
static int claim(struct xport *xp, const char *ifname, char *err, size_t errsz)
{
	char path[128];
	struct stat ns;
	struct xdp_multiprog *mp;

	if (stat("/proc/self/ns/net", &ns) < 0)
		ns.st_ino = 0;
	mkdir("/run/genv", 0755);
	snprintf(path, sizeof(path), "/run/genv/xdp.%llu.%d.lock", (unsigned long long)ns.st_ino,
		 xp->ifindex);
	xp->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (xp->lockfd >= 0 && flock(xp->lockfd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errsz, "%s: another genv router has its AF_XDP port on this interface",
			 ifname);
		return -EBUSY;
	}
	mp = xdp_multiprog__get_from_ifindex(xp->ifindex);
	if (!mp || libxdp_get_error(mp))
		return 0;
	for (struct xdp_program *pg = xdp_multiprog__next_prog(NULL, mp); pg;
	     pg = xdp_multiprog__next_prog(pg, mp))
		if (!strcmp(xdp_program__name(pg), XDP_PROG_NAME)) {
			xdp_program__detach(pg, xp->ifindex, xdp_multiprog__attach_mode(mp), 0);
			xp->info.replaced = true;
			break;
		}
	if (!xp->info.replaced && xdp_multiprog__is_legacy(mp)) {
		struct xdp_program *m = xdp_multiprog__main_prog(mp);

		if (m && !strcmp(xdp_program__name(m), XDP_PROG_NAME)) {
			xdp_multiprog__detach(mp);
			xp->info.replaced = true;
		}
	}
	xdp_multiprog__close(mp);
	return 0;
}

static int load_prog(struct xport *xp, const char *ifname, int mode, char *err, size_t errsz)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "genv_xdp_steer");
	struct bpf_object *obj;
	char msg[64];
	int ret;

	obj = bpf_object__open_mem(rt_xdp_steer_obj, rt_xdp_steer_obj_size, &oo);
	if (!obj) {
		ret = -errno;
		snprintf(err, errsz, "%s: cannot open the XDP program: %s", ifname, strerror(errno));
		return ret;
	}
	xp->prog = xdp_program__from_bpf_obj(obj, "xdp");
	ret = libxdp_get_error(xp->prog);
	if (ret) {
		xp->prog = NULL;
		bpf_object__close(obj);
		libxdp_strerror(ret, msg, sizeof(msg));
		snprintf(err, errsz, "%s: cannot load the XDP program: %s", ifname, msg);
		return ret;
	}
	ret = -EOPNOTSUPP;
	if (mode != RT_XDP_SKB) {
		xp->attach = XDP_MODE_NATIVE;
		ret = xdp_program__attach(xp->prog, xp->ifindex, XDP_MODE_NATIVE, 0);
	}
	if (ret && mode != RT_XDP_ZEROCOPY && mode != RT_XDP_COPY) {
		if (mode == RT_XDP_AUTO) {
			libxdp_strerror(ret, msg, sizeof(msg));
			snprintf(xp->info.reason, sizeof(xp->info.reason),
				 "native XDP refused (%s)", msg);
		}
		xp->attach = XDP_MODE_SKB;
		ret = xdp_program__attach(xp->prog, xp->ifindex, XDP_MODE_SKB, 0);
	}
	if (ret) {
		libxdp_strerror(ret, msg, sizeof(msg));
		snprintf(err, errsz, "%s: cannot attach the XDP program (%s mode): %s%s", ifname,
			 xp->attach == XDP_MODE_NATIVE ? "native" : "generic", msg,
			 ret == -EPERM ? " (needs CAP_NET_ADMIN and CAP_BPF)" : "");
		return ret;
	}
	return 0;
}

static int q_open(struct xport *xp, struct xq *q, const char *ifname, unsigned int qid,
		  uint16_t bind_flags)
{
	struct xsk_umem_config uc = {
		.fill_size = XDP_RING, .comp_size = XDP_RING, .frame_size = xp->frame_size,
		.frame_headroom = 0,
	};
	struct xsk_socket_config sc = {
		.rx_size = XDP_RING, .tx_size = XDP_RING,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = bind_flags | XDP_USE_NEED_WAKEUP,
	};
	size_t size = (size_t)XDP_NFRAMES * xp->frame_size;
	int ret;

	q->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	ret = xsk_umem__create(&q->umem, q->area, size, &q->fill, &q->comp, &uc);
	if (ret)
		return ret;
	ret = xsk_socket__create(&q->xsk, ifname, qid, q->umem, &q->rx, &q->tx, &sc);
	if (ret) {
		q->xsk = NULL;
		return ret;
	}
	for (uint32_t i = 0; i < XDP_NFRAMES; i++)
		q->free_addr[i] = (uint64_t)(XDP_NFRAMES - 1 - i) * xp->frame_size;
	q->nfree = XDP_NFRAMES;
	fill_refill(q);
	return 0;
}

/* What the socket obtained: XDP_OPTIONS says zero-copy or not. */
static bool q_zerocopy(struct xq *q)
{
	struct xdp_options opt = { 0 };
	socklen_t len = sizeof(opt);

	if (getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_OPTIONS, &opt, &len) < 0)
		return false;
	return opt.flags & XDP_OPTIONS_ZEROCOPY;
}

static int open_queues(struct rt_io *p, struct xport *xp, const char *ifname,
		       const struct rt_xdp_opts *o, char *err, size_t errsz)
{
	size_t size = (size_t)XDP_NFRAMES * xp->frame_size;
	char drv[32];
	int ret = 0;

	for (unsigned int i = 0; i < xp->nq; i++) {
		struct xq *q = &xp->q[i];
		bool tried_zc = false;

		if (xp->attach == XDP_MODE_NATIVE && o->mode != RT_XDP_COPY) {
			tried_zc = true;
			ret = q_open(xp, q, ifname, i, XDP_ZEROCOPY);
			if (ret && o->mode == RT_XDP_ZEROCOPY) {
				snprintf(err, errsz, "%s: zero-copy AF_XDP refused by driver %s (%s); "
					 "use 'mode copy' or 'mode auto'", ifname,
					 driver_of(ifname, drv, sizeof(drv)), strerror(-ret));
				return ret;
			}
			if (ret && !i)
				snprintf(xp->info.reason, sizeof(xp->info.reason),
					 "driver %s has no zero-copy (%s)",
					 driver_of(ifname, drv, sizeof(drv)), strerror(-ret));
		}
		if (!tried_zc || ret) {
			q_close(q, size);
			ret = q_open(xp, q, ifname, i, XDP_COPY);
		}
		if (ret) {
			snprintf(err, errsz, "%s: cannot open AF_XDP socket on queue %u: %s%s", ifname, i,
				 strerror(-ret),
				 ret == -ENOMEM || ret == -EPERM ?
				 " (locked-memory limit or missing CAP_NET_RAW/CAP_BPF)" :
				 ret == -EBUSY ? " (queue in use by another AF_XDP socket)" : "");
			return ret;
		}
		ret = xsk_socket__update_xskmap(q->xsk, bpf_map__fd(
			bpf_object__find_map_by_name(xdp_program__bpf_obj(xp->prog), "genv_xsks")));
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

/* The capabilities AF_XDP needs, checked first: libbpf's errors after a
 * refused load say little.  NULL, or the name of the first one missing. */
static const char *missing_cap(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" }, { CAP_NET_RAW, "CAP_NET_RAW" },
	};
#define HAS(c) (d[(c) / 32].effective & (1u << ((c) % 32)))

	if (syscall(SYS_capget, &h, d) < 0)
		return NULL;		/* cannot tell: let the kernel say */
	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (!HAS(need[i].cap))
			return need[i].name;
	if (!HAS(39 /* CAP_BPF */) && !HAS(CAP_SYS_ADMIN))
		return "CAP_BPF (or CAP_SYS_ADMIN)";
	return NULL;
#undef HAS
}

int rt_xdp_open(struct rt_io *p, const char *ifname, const struct rt_xdp_opts *o,
		char *err, size_t errsz)
{
	const char *cap = missing_cap();
	unsigned int nq = o->queues ? o->queues : 1;
	struct genv_xdp_cfg cfg = { .port = htons(GNV_UDP_PORT) };
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	struct xport *xp;
	char drv[32];
	uint32_t zero = 0;
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
	xp->lockfd = -1;
	xp->nq = nq;
	xp->frame_size = o->frame_size ? o->frame_size : 2048;
	p->priv = xp;
	p->ops = &xdp_ops;
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	xp->ifindex = (int)if_nametoindex(ifname);
	if (!xp->ifindex) {
		ret = -errno;
		snprintf(err, errsz, "%s: no such interface", ifname);
		goto fail;
	}
	p->ifindex = (unsigned int)xp->ifindex;
	p->fd = epoll_create1(EPOLL_CLOEXEC);
	if (p->fd < 0) {
		ret = -errno;
		snprintf(err, errsz, "epoll: %s", strerror(errno));
		goto fail;
	}
	setrlimit(RLIMIT_MEMLOCK, &rl);		/* older kernels charge UMEM and maps here */
	ret = claim(xp, ifname, err, errsz);
	if (ret)
		goto fail;
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
	ret = load_prog(xp, ifname, o->mode, err, errsz);
	if (ret)
		goto fail;
	ret = open_queues(p, xp, ifname, o, err, errsz);
	if (ret)
		goto fail;
	if (xp->attach == XDP_MODE_SKB)
		xp->info.mode = RT_XDP_SKB;
	else if (q_zerocopy(&xp->q[0]))
		xp->info.mode = RT_XDP_ZEROCOPY;
	else
		xp->info.mode = RT_XDP_COPY;
	if (xp->info.mode == RT_XDP_ZEROCOPY)
		snprintf(xp->info.reason, sizeof(xp->info.reason), "driver %s supports zero-copy",
			 driver_of(ifname, drv, sizeof(drv)));
	else if (o->mode == xp->info.mode)
		snprintf(xp->info.reason, sizeof(xp->info.reason), "mode %s requested",
			 rt_xdp_mode_names[o->mode]);
	ret = bpf_map_update_elem(bpf_map__fd(bpf_object__find_map_by_name(
		xdp_program__bpf_obj(xp->prog), "genv_cfg")), &zero, &cfg, BPF_ANY);
	if (ret) {
		ret = -errno;
		snprintf(err, errsz, "%s: cannot configure the XDP program: %s", ifname, strerror(errno));
		goto fail;
	}
	return 0;
fail:
	xdp_close(p);
	return ret;
}
