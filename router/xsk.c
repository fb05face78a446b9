/* SPDX-License-Identifier: MIT */
/*
 * AF_XDP sockets, UMEM, rings and the steering program (see xsk.h).
 *
 * Ownership of an interface: an flock()ed file per (network namespace,
 * ifindex) in /run/genv; its holder is the live genv process.  A genv
 * program found attached without a holder was left by a killed process
 * and is removed before attaching.
 * Layer: router; calls libxdp, libbpf and libc.
 */
#include <errno.h>
#include <stdarg.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/capability.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/if_xdp.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/file.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include "xsk.h"

#define XDP_PROG_NAME	"genv_steer"

extern const unsigned char rt_xdp_steer_obj[];
extern const size_t rt_xdp_steer_obj_size;

/* ---- frames ---- */

void rt_xsk_refill(struct rt_xsk *q)
{
	uint32_t idx, room = q->ring - q->fill_rx, n = q->nfree < room ? q->nfree : room;

	if (!n || !q->has_rx)
		return;
	n = xsk_ring_prod__reserve(&q->fill, n, &idx);
	for (uint32_t i = 0; i < n; i++)
		*xsk_ring_prod__fill_addr(&q->fill, idx + i) = q->free_addr[--q->nfree];
	xsk_ring_prod__submit(&q->fill, n);
	q->fill_rx += n;
}

uint32_t rt_xsk_rx_frame(struct rt_xsk *q, uint32_t idx, uint32_t left, uint8_t *buf, size_t cap,
			 const uint8_t **data, uint32_t *len, bool *trunc)
{
	const struct xdp_desc *d = xsk_ring_cons__rx_desc(&q->rx, idx);
	uint32_t n = 1, total = 0;
	size_t at = 0;

	*trunc = false;
	if (!(d->options & XDP_PKT_CONTD)) {
		*data = xsk_umem__get_data(q->area, d->addr);
		*len = d->len;
		q->free_addr[q->nfree++] = xsk_umem__extract_addr(d->addr);
		return 1;
	}
	/* a multi-buffer frame: find its last descriptor first */
	while (xsk_ring_cons__rx_desc(&q->rx, idx + n - 1)->options & XDP_PKT_CONTD)
		if (++n > left)
			return 0;
	for (uint32_t k = 0; k < n; k++) {
		d = xsk_ring_cons__rx_desc(&q->rx, idx + k);
		if (at + d->len <= cap) {
			memcpy(buf + at, xsk_umem__get_data(q->area, d->addr), d->len);
			at += d->len;
		} else {
			*trunc = true;
		}
		total += d->len;
		q->free_addr[q->nfree++] = xsk_umem__extract_addr(d->addr);
	}
	*data = buf;
	*len = *trunc ? (uint32_t)at : total;
	return n;
}

void rt_xsk_tx_frame(struct rt_xsk *q, uint32_t idx, const uint8_t *frame, size_t len)
{
	size_t off = 0;

	do {
		struct xdp_desc *d = xsk_ring_prod__tx_desc(&q->tx, idx++);
		size_t piece = len - off < q->frame_size ? len - off : q->frame_size;

		d->addr = q->free_addr[--q->nfree];
		d->len = (uint32_t)piece;
		memcpy(xsk_umem__get_data(q->area, d->addr), frame + off, piece);
		off += piece;
		d->options = off < len ? XDP_PKT_CONTD : 0;
	} while (off < len);
}

uint32_t rt_xsk_reap(struct rt_xsk *q)
{
	uint32_t idx, n = xsk_ring_cons__peek(&q->comp, q->ring, &idx);

	for (uint32_t i = 0; i < n; i++)
		q->free_addr[q->nfree++] = *xsk_ring_cons__comp_addr(&q->comp, idx + i);
	xsk_ring_cons__release(&q->comp, n);
	q->tx_comp -= n;
	return n;
}

/*
 * Copy mode sends a bounded batch per call (32 descriptors) and says EAGAIN
 * when more are left.  Kicked once per batch, a backlog left by a burst
 * would drain 32 frames per later batch, each new frame queued behind it:
 * latency grows with the backlog (a ping through an AF_XDP port took
 * hundreds of ms after a flood).  So kick until the ring is empty, bounded
 * by the ring size, reaping completions between calls; a full device
 * queue (ENOBUFS, EBUSY) leaves tx_kick set for the next flush.
 */
int rt_xsk_kick(struct rt_xsk *q)
{
	for (unsigned int k = 0; q->tx_kick && k <= q->ring / 32; k++) {
		if (!xsk_ring_prod__needs_wakeup(&q->tx) ||
		    sendto(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, 0) >= 0) {
			q->tx_kick = false;
			return 0;
		}
		if (errno != EAGAIN && errno != EINTR)
			return -errno;
		rt_xsk_reap(q);	/* a full completion ring also says EAGAIN */
	}
	return 0;
}

void rt_xsk_wake_rx(struct rt_xsk *q)
{
	if (xsk_ring_prod__needs_wakeup(&q->fill))
		recvfrom(xsk_socket__fd(q->xsk), NULL, 0, MSG_DONTWAIT, NULL, NULL);
}

bool rt_xsk_zerocopy(const struct rt_xsk *q)
{
	struct xdp_options opt = { 0 };
	socklen_t len = sizeof(opt);

	if (getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_OPTIONS, &opt, &len) < 0)
		return false;
	return opt.flags & XDP_OPTIONS_ZEROCOPY;
}

int rt_xsk_stats(const struct rt_xsk *q, struct xdp_statistics *st)
{
	socklen_t len = sizeof(*st);

	memset(st, 0, sizeof(*st));
	if (getsockopt(xsk_socket__fd(q->xsk), SOL_XDP, XDP_STATISTICS, st, &len) < 0)
		return -errno;
	return 0;
}

/* ---- sockets ---- */

void rt_xsk_close(struct rt_xsk *q)
{
	if (q->xsk)
		xsk_socket__delete(q->xsk);
	if (q->umem)
		xsk_umem__delete(q->umem);
	if (q->area)
		munmap(q->area, (size_t)q->nframes * q->frame_size);
	free(q->free_addr);
	q->free_addr = NULL;
	q->xsk = NULL;
	q->umem = NULL;
	q->area = NULL;
	q->nfree = q->fill_rx = q->tx_comp = 0;
	q->sg = false;
}

static int xsk_try(struct rt_xsk *q, const char *ifname, unsigned int qid, uint16_t bind_flags)
{
	struct xsk_umem_config uc = {
		.fill_size = q->ring, .comp_size = q->ring, .frame_size = q->frame_size,
		.frame_headroom = 0,
	};
	struct xsk_socket_config sc = {
		.rx_size = q->ring, .tx_size = q->ring,
		.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD,
		.bind_flags = bind_flags | XDP_USE_NEED_WAKEUP,
	};
	size_t size = (size_t)q->nframes * q->frame_size;
	int ret;

	q->free_addr = calloc(q->nframes, sizeof(*q->free_addr));
	if (!q->free_addr)
		return -ENOMEM;
	q->area = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (q->area == MAP_FAILED) {
		q->area = NULL;
		return -errno;
	}
	ret = xsk_umem__create(&q->umem, q->area, size, &q->fill, &q->comp, &uc);
	if (ret) {
		q->umem = NULL;
		return ret;
	}
	ret = xsk_socket__create(&q->xsk, ifname, qid, q->umem, q->has_rx ? &q->rx : NULL,
				 &q->tx, &sc);
	if (ret) {
		q->xsk = NULL;
		return ret;
	}
	for (uint32_t i = 0; i < q->nframes; i++)
		q->free_addr[i] = (uint64_t)(q->nframes - 1 - i) * q->frame_size;
	q->nfree = q->nframes;
	rt_xsk_refill(q);
	return 0;
}

/* A socket just closed (a process that exited, a refused zero-copy try)
 * leaves the queue busy until the kernel's deferred release: wait for
 * it, up to a second.  Multi-buffer first; a kernel before 6.6 (EINVAL)
 * or a zero-copy driver without it (EOPNOTSUPP) binds without. */
static int xsk_try_wait(struct rt_xsk *q, const char *ifname, unsigned int qid,
			uint16_t bind_flags)
{
	unsigned int frame_size = q->frame_size, ring = q->ring;
	uint16_t sg = XDP_USE_SG;
	bool rx = q->has_rx;
	int ret;

	for (int k = 0; k < 21; k++) {
		ret = xsk_try(q, ifname, qid, bind_flags | sg);
		if (!ret)
			q->sg = sg != 0;
		if (ret != -EBUSY && (!sg || (ret != -EINVAL && ret != -EOPNOTSUPP)))
			break;
		rt_xsk_close(q);
		q->frame_size = frame_size;
		q->ring = ring;
		q->nframes = 2 * ring;
		q->has_rx = rx;
		if (ret == -EBUSY)
			usleep(50000);
		else
			sg = 0;
	}
	return ret;
}

int rt_xsk_open(struct rt_xsk *q, const char *ifname, unsigned int qid, unsigned int frame_size,
		unsigned int ring, int mode, bool native, bool rx, char *reason, size_t rsz, char *err, size_t errsz)
{
	char drv[32];
	int ret = 0;

	memset(q, 0, sizeof(*q));
	q->frame_size = frame_size;
	q->ring = ring ? ring : RT_XDP_RING;
	q->nframes = 2 * q->ring;
	q->has_rx = rx;
	if (native && mode != RT_XDP_COPY && mode != RT_XDP_SKB) {
		ret = xsk_try_wait(q, ifname, qid, XDP_ZEROCOPY);
		if (ret && mode == RT_XDP_ZEROCOPY) {
			snprintf(err, errsz, "%s: zero-copy AF_XDP refused by driver %s (%s); "
				 "use 'mode copy' or 'mode auto'", ifname,
				 rt_xsk_driver(ifname, drv, sizeof(drv)), strerror(-ret));
			rt_xsk_close(q);
			return ret;
		}
		if (ret)
			snprintf(reason, rsz, "driver %s has no zero-copy (%s)",
				 rt_xsk_driver(ifname, drv, sizeof(drv)), strerror(-ret));
		else
			return 0;
		rt_xsk_close(q);
		q->frame_size = frame_size;
		q->ring = ring ? ring : RT_XDP_RING;
		q->nframes = 2 * q->ring;
		q->has_rx = rx;
	}
	ret = xsk_try_wait(q, ifname, qid, XDP_COPY);
	if (ret) {
		snprintf(err, errsz, "%s: cannot open AF_XDP socket on queue %u: %s%s", ifname, qid,
			 strerror(-ret),
			 ret == -ENOMEM || ret == -EPERM ?
			 " (locked-memory limit or missing CAP_NET_RAW/CAP_BPF)" :
			 ret == -EBUSY ? " (queue in use by another AF_XDP socket)" : "");
		rt_xsk_close(q);
	}
	return ret;
}

/* ---- the steering program ---- */

/* Lock (netns, ifindex); a genv program left attached without a holder is
 * removed.  0, or -EBUSY when a live genv has the interface. */
static int claim(struct rt_xsk_prog *pr, const char *ifname, char *err, size_t errsz)
{
	char path[128];
	struct stat ns;
	struct xdp_multiprog *mp;

	if (stat("/proc/self/ns/net", &ns) < 0)
		ns.st_ino = 0;
	mkdir("/run/genv", 0755);
	snprintf(path, sizeof(path), "/run/genv/xdp.%llu.%d.lock", (unsigned long long)ns.st_ino,
		 pr->ifindex);
	pr->lockfd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (pr->lockfd >= 0 && flock(pr->lockfd, LOCK_EX | LOCK_NB) < 0) {
		snprintf(err, errsz, "%s: another genv router or sink has an AF_XDP port on this "
			 "interface", ifname);
		return -EBUSY;
	}
	mp = xdp_multiprog__get_from_ifindex(pr->ifindex);
	if (!mp || libxdp_get_error(mp))
		return 0;
	for (struct xdp_program *pg = xdp_multiprog__next_prog(NULL, mp); pg;
	     pg = xdp_multiprog__next_prog(pg, mp))
		if (!strcmp(xdp_program__name(pg), XDP_PROG_NAME)) {
			xdp_program__detach(pg, pr->ifindex, xdp_multiprog__attach_mode(mp), 0);
			pr->replaced = true;
			break;
		}
	if (!pr->replaced && xdp_multiprog__is_legacy(mp)) {
		struct xdp_program *m = xdp_multiprog__main_prog(mp);

		if (m && !strcmp(xdp_program__name(m), XDP_PROG_NAME)) {
			xdp_multiprog__detach(mp);
			pr->replaced = true;
		}
	}
	xdp_multiprog__close(mp);
	return 0;
}

/* libbpf's warnings only, on stderr; libxdp's notes ("falling back to a
 * single program without a bpffs") say what the mode report says. */
static int bpf_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return level == LIBBPF_WARN ? vfprintf(stderr, fmt, ap) : 0;
}

static int xdp_print(enum libxdp_print_level level, const char *fmt, va_list ap)
{
	(void)level;
	(void)fmt;
	(void)ap;
	return 0;
}

int rt_xsk_prog_open(struct rt_xsk_prog *pr, const char *ifname, int mode, char *reason,
		     size_t rsz, char *err, size_t errsz)
{
	DECLARE_LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "genv_xdp_steer");
	char msg[64];
	int ret;

	memset(pr, 0, sizeof(*pr));
	pr->lockfd = -1;
	libbpf_set_print(bpf_print);
	libxdp_set_print(xdp_print);
	pr->ifindex = (int)if_nametoindex(ifname);
	if (!pr->ifindex) {
		snprintf(err, errsz, "%s: no such interface", ifname);
		return -ENODEV;
	}
	ret = claim(pr, ifname, err, errsz);
	if (ret)
		return ret;
	pr->obj = bpf_object__open_mem(rt_xdp_steer_obj, rt_xdp_steer_obj_size, &oo);
	if (!pr->obj) {
		ret = -errno;
		snprintf(err, errsz, "%s: cannot open the XDP program: %s", ifname, strerror(errno));
		return ret;
	}
	pr->prog = xdp_program__from_bpf_obj(pr->obj, "xdp");
	ret = libxdp_get_error(pr->prog);
	if (ret) {
		pr->prog = NULL;
		bpf_object__close(pr->obj);
		pr->obj = NULL;
		libxdp_strerror(ret, msg, sizeof(msg));
		snprintf(err, errsz, "%s: cannot load the XDP program: %s", ifname, msg);
		return ret;
	}
	/* frames larger than a page (jumbo MTU) arrive in pieces, the
	 * program only reads the first (headers); refused by old kernels */
	(void)xdp_program__set_xdp_frags_support(pr->prog, true);
	ret = -EOPNOTSUPP;
	if (mode != RT_XDP_SKB) {
		pr->attach = XDP_MODE_NATIVE;
		ret = xdp_program__attach(pr->prog, pr->ifindex, XDP_MODE_NATIVE, 0);
	}
	if (ret && mode != RT_XDP_ZEROCOPY && mode != RT_XDP_COPY) {
		if (mode == RT_XDP_AUTO) {
			libxdp_strerror(ret, msg, sizeof(msg));
			snprintf(reason, rsz, "native XDP refused (%s)", msg);
		}
		pr->attach = XDP_MODE_SKB;
		ret = xdp_program__attach(pr->prog, pr->ifindex, XDP_MODE_SKB, 0);
	}
	if (ret) {
		libxdp_strerror(ret, msg, sizeof(msg));
		snprintf(err, errsz, "%s: cannot attach the XDP program (%s mode): %s%s", ifname,
			 pr->attach == XDP_MODE_NATIVE ? "native" : "generic", msg,
			 ret == -EPERM ? " (needs CAP_NET_ADMIN and CAP_BPF)" : "");
		xdp_program__close(pr->prog);
		bpf_object__close(pr->obj);
		pr->prog = NULL;
		pr->obj = NULL;
		return ret;
	}
	return 0;
}

static int map_fd(struct rt_xsk_prog *pr, const char *name)
{
	return bpf_map__fd(bpf_object__find_map_by_name(xdp_program__bpf_obj(pr->prog), name));
}

int rt_xsk_prog_bind(struct rt_xsk_prog *pr, const struct rt_xsk *q)
{
	return xsk_socket__update_xskmap(q->xsk, map_fd(pr, "genv_xsks"));
}

int rt_xsk_prog_config(struct rt_xsk_prog *pr, const struct genv_xdp_cfg *cfg)
{
	uint32_t zero = 0;

	return bpf_map_update_elem(map_fd(pr, "genv_cfg"), &zero, cfg, BPF_ANY) ? -errno : 0;
}

void rt_xsk_prog_close(struct rt_xsk_prog *pr)
{
	if (pr->prog) {
		xdp_program__detach(pr->prog, pr->ifindex, pr->attach, 0);
		xdp_program__close(pr->prog);
		pr->prog = NULL;
	}
	bpf_object__close(pr->obj);	/* NULL: nothing */
	pr->obj = NULL;
	if (pr->lockfd >= 0)
		close(pr->lockfd);	/* releases the interface */
	pr->lockfd = -1;
}

/* ---- the host ---- */

const char *rt_xsk_driver(const char *ifname, char *buf, size_t size)
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

/* The capabilities are checked first: libbpf's errors after a refused
 * load say little. */
const char *rt_xsk_missing_cap(bool bpf)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2] = { 0 };
	static const struct { int cap; const char *name; } need[] = {
		{ CAP_NET_ADMIN, "CAP_NET_ADMIN" }, { CAP_NET_RAW, "CAP_NET_RAW" },
	};
#define HAS(c) (d[(c) / 32].effective & (1u << ((c) % 32)))

	if (syscall(SYS_capget, &h, d) < 0)
		return NULL;		/* cannot tell: let the kernel say */
	for (size_t i = bpf ? 0 : 1; i < sizeof(need) / sizeof(need[0]); i++)
		if (!HAS(need[i].cap))
			return need[i].name;
	if (bpf && !HAS(39 /* CAP_BPF */) && !HAS(CAP_SYS_ADMIN))
		return "CAP_BPF (or CAP_SYS_ADMIN)";
	return NULL;
#undef HAS
}
