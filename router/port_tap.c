/* SPDX-License-Identifier: MIT */
/*
 * TAP endpoint ports.  The router creates the device (IFF_TAP|IFF_NO_PI:
 * one read or write is one Ethernet frame, no extra header) and keeps the
 * file descriptor, in its own namespace or in a VM's (`add port tap1
 * netns vm1`: /dev/net/tun is opened on a short-lived thread that joined
 * that namespace, and the device is made there).  A device moved by hand
 * (`ip link set tap0 netns vm1`) keeps working too.
 *
 * Persistent ports (the router runs with --state): TUNSETPERSIST, so the
 * device, and the VM's addresses and routes on it, outlive the router
 * (kill -9, a stop); the next start finds it by name in the same
 * namespace and attaches to it again (TUNSETIFF on an existing device)
 * without touching its flags.  `del port` clears the flag before the
 * close, which removes the device.  A device moved away by hand cannot be
 * found again: rt_tap_moved (TUNGETDEVNETNS) notices and makes it
 * transient again, so it goes with the router as before.
 *
 * Offloads (rt_tap_open(..., offload = true)): IFF_VNET_HDR with a 10-byte
 * virtio-net header in front of every frame (TUNSETVNETHDRSZ), and
 * TUNSETOFFLOAD with the most of TUN_F_CSUM, TSO4, TSO6, USO4/6 the
 * running kernel accepts (probed from the largest set down).  The VM then
 * hands us TCP/UDP super-frames up to 64 KB and partial checksums; a
 * partial checksum of a frame that is not a super-frame is completed
 * here, so the pipeline only ever sees finished frames or super-frames
 * (gso_type set in the rt_pkt, cut by the loop with libcore/tso).  We may
 * write super-frames too (coalesced, NEEDS_CSUM).  Without offloads the
 * kernel finishes checksums and segments before a frame reaches us.
 *
 * The kernel has no batched read or write for TAP; a batch is a series of
 * non-blocking reads until EAGAIN (or the batch is full), per wakeup.
 * Layer: router; calls port, the TUN driver and libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <pthread.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <linux/if_tun.h>
#include "../libcore/tso.h"
#include "port.h"

#ifndef TUN_F_USO4
#define TUN_F_USO4	0x20
#define TUN_F_USO6	0x40
#endif

const char *rt_offloads_fmt(char *buf, size_t size, unsigned int off)
{
	static const char *const names[] = { "vnet", "csum", "tso4", "tso6", "uso", "gso", "gro" };
	size_t n = 0;

	buf[0] = 0;
	for (unsigned int i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (off & (1u << i))
			n += (size_t)snprintf(buf + n, n < size ? size - n : 0, "%s%s",
					      n ? " " : "", names[i]);
	if (!n)
		snprintf(buf, size, "none");
	return buf;
}

/* A frame with its virtio-net header: GSO fields to the packet.  A
 * partial checksum of a plain frame stays partial, checked for its
 * offsets: the loop passes it on to a local TAP or completes it
 * (rt_csum_finish).  0, or -EINVAL (bad header). */
static int vnet_rx(struct rt_pkt *pkt, const uint8_t *hdr)
{
	struct tso_vnet h;

	tso_vnet_get(hdr, TSO_VNET_HDR_SIZE, &h);
	pkt->vnet_flags = h.flags;
	pkt->gso_type = h.gso_type;
	pkt->gso_size = h.gso_size;
	pkt->hdr_len = h.hdr_len;
	pkt->csum_start = h.csum_start;
	pkt->csum_offset = h.csum_offset;
	if (h.gso_type != TSO_GSO_NONE)
		return h.gso_size ? 0 : -EINVAL;
	if ((h.flags & TSO_F_NEEDS_CSUM) &&
	    (size_t)h.csum_start + h.csum_offset + 2 > pkt->size) {
		pkt->vnet_flags = 0;
		return -EINVAL;
	}
	return 0;
}

static int tap_rx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	unsigned int i, bad = 0;	/* frames skipped (bad header): bounded */

	for (i = 0; i < n; i++) {
		uint8_t hdr[TSO_VNET_HDR_SIZE];
		struct iovec iov[2] = { { hdr, sizeof(hdr) }, { pkts[i].data, pkts[i].cap } };
		bool vnet = p->offloads & RT_OFF_VNET;
		ssize_t r = vnet ? readv(p->fd, iov, 2) : read(p->fd, pkts[i].data, pkts[i].cap);

		if (r < 0) {
			if (errno == EAGAIN || errno == EINTR)
				break;
			p->st.rx_errors++;
			if (i == 0)
				return -errno;
			break;
		}
		if (r == 0)
			break;
		if (vnet && r < (ssize_t)sizeof(hdr)) {
			p->st.rx_errors++;
			if (++bad > n)
				break;
			i--;
			continue;
		}
		if (vnet)
			r -= (ssize_t)sizeof(hdr);
		pkts[i].trunc = (size_t)r > pkts[i].cap;
		pkts[i].size = pkts[i].trunc ? pkts[i].cap : (uint32_t)r;
		pkts[i].peer.family = 0;
		pkts[i].gso_type = 0;
		pkts[i].gso_size = 0;
		pkts[i].vnet_flags = 0;
		if (vnet && !pkts[i].trunc && vnet_rx(&pkts[i], hdr) < 0) {
			p->st.rx_errors++;
			if (++bad > n)
				break;
			i--;
			continue;
		}
		p->st.rx_packets++;
		p->st.rx_bytes += pkts[i].size;
	}
	return (int)i;
}

static int tap_tx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	unsigned int i, sent = 0;

	for (i = 0; i < n; i++) {
		uint8_t hdr[TSO_VNET_HDR_SIZE];
		struct iovec iov[2] = { { hdr, sizeof(hdr) }, { pkts[i].data, pkts[i].size } };
		struct tso_vnet h = {
			.flags = pkts[i].vnet_flags, .gso_type = pkts[i].gso_type,
			.hdr_len = pkts[i].hdr_len, .gso_size = pkts[i].gso_size,
			.csum_start = pkts[i].csum_start, .csum_offset = pkts[i].csum_offset,
		};
		ssize_t r;

		if (p->offloads & RT_OFF_VNET) {
			tso_vnet_put(hdr, &h);
			r = writev(p->fd, iov, 2);
		} else {
			r = write(p->fd, pkts[i].data, pkts[i].size);
		}

		pkts[i].failed = r < 0;
		if (r < 0) {
			/* EAGAIN: the device queue is full; EIO: the device is down */
			if (errno == EAGAIN)
				p->st.tx_dropped++;
			else
				p->st.tx_errors++;
			continue;
		}
		sent++;
		p->st.tx_packets++;
		p->st.tx_bytes += pkts[i].size;
	}
	return (int)sent;
}

static void tap_close(struct rt_io *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static const struct rt_io_ops tap_ops = {
	.kind = "tap",
	.rx_batch = tap_rx_batch,
	.tx_batch = tap_tx_batch,
	.close = tap_close,
};

/*
 * The host's own IPv6 stack has no business on an endpoint's port: without
 * this it sends router solicitations and MLD reports from the device's
 * random MAC as soon as it is up (counted as spoofed frames).  Moving the
 * device into another namespace gives it that namespace's defaults again.
 * Best effort: there may be no IPv6 at all.
 */
static void no_ipv6(const char *name)
{
	char path[96];
	int fd;

	snprintf(path, sizeof(path), "/proc/sys/net/ipv6/conf/%s/disable_ipv6", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	(void)!write(fd, "1\n", 2);
	close(fd);
}

/* MTU (0 = leave), up (unless attaching), ifindex: through an AF_INET
 * socket in the calling thread's namespace. */
static int tap_setup_link(struct rt_io *p, unsigned int mtu, bool up)
{
	struct ifreq ifr;
	int s, ret = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, p->name, IFNAMSIZ);
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0)
		p->mtu = (unsigned int)ifr.ifr_mtu;
	if (mtu && mtu != p->mtu) {
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
			ret = -errno;
			goto out;
		}
		p->mtu = mtu;
	}
	if (up) {
		if (!p->netns[0])
			no_ipv6(p->name);	/* in a VM's namespace, IPv6 is the VM's */
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
			ret = -errno;
			goto out;
		}
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
			ret = -errno;
			goto out;
		}
	}
	if (ioctl(s, SIOCGIFINDEX, &ifr) == 0)
		p->ifindex = (unsigned int)ifr.ifr_ifindex;
out:
	close(s);
	return ret;
}

/* The largest offload set the kernel takes, from all down to none. */
static unsigned int tap_offload(int fd)
{
	static const struct { unsigned int tun, rt; } sets[] = {
		{ TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN | TUN_F_USO4 | TUN_F_USO6,
		  RT_OFF_CSUM | RT_OFF_TSO4 | RT_OFF_TSO6 | RT_OFF_USO },
		{ TUN_F_CSUM | TUN_F_TSO4 | TUN_F_TSO6 | TUN_F_TSO_ECN,
		  RT_OFF_CSUM | RT_OFF_TSO4 | RT_OFF_TSO6 },
		{ TUN_F_CSUM, RT_OFF_CSUM },
	};
	int sz = TSO_VNET_HDR_SIZE;

	if (ioctl(fd, TUNSETVNETHDRSZ, &sz) < 0)
		return 0;
	for (unsigned int i = 0; i < sizeof(sets) / sizeof(sets[0]); i++)
		if (ioctl(fd, TUNSETOFFLOAD, (unsigned long)sets[i].tun) == 0)
			return RT_OFF_VNET | sets[i].rt;
	return RT_OFF_VNET;
}

/* Does interface NAME exist in the calling thread's namespace? */
static bool link_exists(const char *name)
{
	struct ifreq ifr;
	int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	bool there;

	if (s < 0)
		return false;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	there = ioctl(s, SIOCGIFINDEX, &ifr) == 0;
	close(s);
	return there;
}

/* The inode of the namespace the TAP device behind fd is in, 0 if unknown. */
static unsigned long dev_netns_ino(int fd)
{
	struct stat st;
	int ns = ioctl(fd, TUNGETDEVNETNS);
	unsigned long ino = 0;

	if (ns < 0)
		return 0;
	if (fstat(ns, &st) == 0)
		ino = (unsigned long)st.st_ino;
	close(ns);
	return ino;
}

/* The attach proper, in the calling thread's namespace. */
static int tap_attach(struct rt_io *p, const struct rt_tap_opts *o, char *err, size_t errsz)
{
	struct ifreq ifr;
	unsigned int off = 0;
	bool existed = o->name[0] && !strchr(o->name, '%') && link_exists(o->name);
	int fd, ret;

	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errsz, "cannot open /dev/net/tun: %s", strerror(errno));
		return ret;
	}
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (o->offload ? IFF_VNET_HDR : 0);
	strncpy(ifr.ifr_name, o->name, IFNAMSIZ - 1);
	/* EBUSY on a device that exists: held by another descriptor; a
	 * router killed a moment ago may still be closing its own (bounded) */
	for (int tries = 0; (ret = ioctl(fd, TUNSETIFF, &ifr)) < 0 && errno == EBUSY && existed &&
			    tries < 40; tries++)
		usleep(25000);
	if (ret < 0) {
		ret = -errno;
		if (existed && ret == -EBUSY)
			snprintf(err, errsz, "TAP device '%s' is held by another process (another router?)",
				 o->name);
		else if (existed && ret == -EINVAL)
			snprintf(err, errsz, "'%s' exists and is not a TAP device", o->name);
		else
			snprintf(err, errsz, "cannot create TAP device '%s': %s", o->name, strerror(-ret));
		close(fd);
		return ret;
	}
	if (o->offload) {
		off = tap_offload(fd);
		if (!off) {		/* no header size: no virtio header at all */
			struct rt_tap_opts plain = *o;

			close(fd);
			plain.offload = false;
			return tap_attach(p, &plain, err, errsz);
		}
	}
	if (o->persist && ioctl(fd, TUNSETPERSIST, 1) < 0) {
		ret = -errno;
		snprintf(err, errsz, "TAP device '%s': cannot make it persistent: %s", o->name,
			 strerror(errno));
		close(fd);
		return ret;
	}
	memset(p, 0, sizeof(*p));
	p->offloads = off;
	p->ops = &tap_ops;
	p->fd = fd;
	p->persist = o->persist;
	p->reattached = existed;
	snprintf(p->netns, sizeof(p->netns), "%s", o->netns ? o->netns : "");
	memcpy(p->name, ifr.ifr_name, IFNAMSIZ);
	p->name[IFNAMSIZ - 1] = 0;
	p->netns_ino = dev_netns_ino(fd);
	ret = tap_setup_link(p, o->mtu, !existed);
	if (ret) {
		snprintf(err, errsz, "TAP device '%s': cannot set it up: %s", p->name, strerror(-ret));
		if (!existed)
			rt_tap_remove(p);
		else
			tap_close(p);
		return ret;
	}
	return 0;
}

bool rt_hdr_same(const uint8_t *frame, size_t size, const uint8_t *snap, size_t snap_size)
{
	return snap_size >= 12 && size >= snap_size && !memcmp(frame + 12, snap + 12, snap_size - 12);
}

int rt_csum_finish(uint8_t *frame, size_t size, const uint8_t *snap, size_t snap_size,
		   uint16_t csum_start, uint16_t csum_offset)
{
	struct tso_info ti;

	if (rt_hdr_same(frame, size, snap, snap_size))
		return tso_csum_complete(frame, size, csum_start, csum_offset);
	/* the pipeline rewrote headers: the partial sum is stale, and any
	 * incremental update made to it meant nothing; all of it again */
	if (tso_parse(frame, size, &ti))
		return -EINVAL;
	tso_csum_fill(frame, &ti);
	return 0;
}

void rt_tap_offload(struct rt_io *p, bool on)
{
	if (p->fd < 0 || !(p->offloads & RT_OFF_VNET))
		return;
	if (on) {
		p->offloads = tap_offload(p->fd);
	} else if (ioctl(p->fd, TUNSETOFFLOAD, 0ul) == 0) {
		p->offloads = RT_OFF_VNET;
	}
}

/* ---- work in another network namespace, on a thread of its own ---- */

bool rt_netns_ok(const char *ns)
{
	size_t n = strlen(ns);

	if (!n || n >= sizeof(((struct rt_io *)0)->netns) || !strcmp(ns, ".") || !strcmp(ns, ".."))
		return false;
	for (const char *c = ns; *c; c++)
		if (*c <= ' ' || *c == 0x7f || (*c == '/' && ns[0] != '/'))
			return false;
	return true;
}

struct ns_job {
	const char *netns;
	int (*fn)(void *arg, char *err, size_t errsz);
	void *arg;
	char *err;
	size_t errsz;
	int ret;
};

static void *ns_job_run(void *v)
{
	struct ns_job *j = v;
	char path[128];
	int fd;

	if (j->netns[0] == '/')
		snprintf(path, sizeof(path), "%s", j->netns);
	else
		snprintf(path, sizeof(path), "/run/netns/%s", j->netns);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		j->ret = -errno;
		snprintf(j->err, j->errsz, "cannot open network namespace '%s': %s", j->netns,
			 strerror(errno));
		return NULL;
	}
	if (setns(fd, CLONE_NEWNET) < 0) {
		j->ret = -errno;
		snprintf(j->err, j->errsz, "cannot enter network namespace '%s': %s", j->netns,
			 strerror(errno));
		close(fd);
		return NULL;
	}
	close(fd);
	j->ret = j->fn(j->arg, j->err, j->errsz);
	return NULL;
}

/* fn(arg) in network namespace netns, or here when netns is "" or NULL.
 * The thread ends with the job: the namespace change ends with it. */
static int in_netns(const char *netns, int (*fn)(void *, char *, size_t), void *arg,
		    char *err, size_t errsz)
{
	struct ns_job j = { netns, fn, arg, err, errsz, 0 };
	pthread_t th;
	int r;

	if (!netns || !netns[0])
		return fn(arg, err, errsz);
	r = pthread_create(&th, NULL, ns_job_run, &j);
	if (r) {
		snprintf(err, errsz, "cannot start a thread for namespace '%s': %s", netns, strerror(r));
		return -r;
	}
	pthread_join(th, NULL);
	return j.ret;
}

struct tap_job {
	struct rt_io *p;
	const struct rt_tap_opts *o;
};

static int tap_job(void *v, char *err, size_t errsz)
{
	struct tap_job *t = v;

	return tap_attach(t->p, t->o, err, errsz);
}

int rt_tap_open(struct rt_io *p, const struct rt_tap_opts *o, char *err, size_t errsz)
{
	struct tap_job t = { p, o };

	if (strlen(o->name) >= IFNAMSIZ) {
		snprintf(err, errsz, "'%s' is longer than %d characters", o->name, IFNAMSIZ - 1);
		return -ENAMETOOLONG;
	}
	if (o->netns && o->netns[0] && !rt_netns_ok(o->netns)) {
		snprintf(err, errsz, "'%s' is not a network namespace name or path", o->netns);
		return -EINVAL;
	}
	return in_netns(o->netns, tap_job, &t, err, errsz);
}

void rt_tap_remove(struct rt_io *p)
{
	if (p->fd >= 0 && p->persist)
		(void)ioctl(p->fd, TUNSETPERSIST, 0);
	p->persist = false;
	tap_close(p);
}

bool rt_tap_moved(struct rt_io *p)
{
	unsigned long ino;

	if (p->fd < 0 || !p->persist || !p->netns_ino)
		return false;
	ino = dev_netns_ino(p->fd);
	if (!ino || ino == p->netns_ino)
		return false;
	(void)ioctl(p->fd, TUNSETPERSIST, 0);
	p->persist = false;
	return true;
}

struct mtu_job {
	const char *name;
	unsigned int mtu;
};

static int mtu_job(void *v, char *err, size_t errsz)
{
	struct mtu_job *m = v;
	struct ifreq ifr;
	int s, ret = 0;

	(void)err;
	(void)errsz;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	strncpy(ifr.ifr_name, m->name, IFNAMSIZ - 1);
	ifr.ifr_mtu = (int)m->mtu;
	if (ioctl(s, SIOCSIFMTU, &ifr) < 0)
		ret = -errno;
	close(s);
	return ret;
}

int rt_link_set_mtu(const char *name, const char *netns, unsigned int mtu)
{
	struct mtu_job m = { name, mtu };
	char err[160];

	return in_netns(netns, mtu_job, &m, err, sizeof(err));
}
