/* SPDX-License-Identifier: MIT */
/*
 * TAP endpoint ports.  The router creates the device (IFF_TAP|IFF_NO_PI:
 * one read or write is one Ethernet frame, no extra header) and keeps the
 * file descriptor; the device may then be moved into a VM's or container's
 * namespace (`ip link set tap0 netns vm1`) and keeps working.  Closing the
 * descriptor removes the device, wherever it is.
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
#include <sys/ioctl.h>
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

/* A frame with its virtio-net header: GSO fields to the packet, a partial
 * checksum of a plain frame completed.  0, or -EINVAL (bad header). */
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
	if (h.flags & TSO_F_NEEDS_CSUM) {
		pkt->vnet_flags = 0;
		return tso_csum_complete(pkt->data, pkt->size, h.csum_start, h.csum_offset);
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

/* MTU, up, ifindex: through an AF_INET socket in our namespace. */
static int tap_setup_link(struct rt_io *p, unsigned int mtu)
{
	struct ifreq ifr;
	int s, ret = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	memcpy(ifr.ifr_name, p->name, IFNAMSIZ);
	if (mtu) {
		ifr.ifr_mtu = (int)mtu;
		if (ioctl(s, SIOCSIFMTU, &ifr) < 0) {
			ret = -errno;
			goto out;
		}
	}
	if (ioctl(s, SIOCGIFMTU, &ifr) == 0)
		p->mtu = (unsigned int)ifr.ifr_mtu;
	no_ipv6(p->name);
	if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
		ret = -errno;
		goto out;
	}
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
		ret = -errno;
		goto out;
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

int rt_tap_open(struct rt_io *p, const char *name, unsigned int mtu, bool offload)
{
	struct ifreq ifr;
	unsigned int off = 0;
	int fd, ret;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | (offload ? IFF_VNET_HDR : 0);
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	if (offload) {
		off = tap_offload(fd);
		if (!off) {		/* no header size: no virtio header at all */
			close(fd);
			return rt_tap_open(p, name, mtu, false);
		}
	}
	memset(p, 0, sizeof(*p));
	p->offloads = off;
	p->ops = &tap_ops;
	p->fd = fd;
	memcpy(p->name, ifr.ifr_name, IFNAMSIZ);
	p->name[IFNAMSIZ - 1] = 0;
	ret = tap_setup_link(p, mtu);
	if (ret) {
		close(fd);
		p->fd = -1;
		return ret;
	}
	return 0;
}
