/* SPDX-License-Identifier: MIT */
/*
 * TAP endpoint ports.  The router creates the device (IFF_TAP|IFF_NO_PI:
 * one read or write is one Ethernet frame, no extra header) and keeps the
 * file descriptor; the device may then be moved into a VM's or container's
 * namespace (`ip link set tap0 netns vm1`) and keeps working.  Closing the
 * descriptor removes the device, wherever it is.
 *
 * No IFF_VNET_HDR and no TUNSETOFFLOAD: the kernel therefore finishes
 * checksums and segments large packets before a frame reaches us, and we
 * never see a partial checksum or a 64 KB GSO frame from a TAP.
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
#include <linux/if_tun.h>
#include "port.h"

static int tap_rx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		ssize_t r = read(p->fd, pkts[i].data, pkts[i].cap);

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
		pkts[i].trunc = (size_t)r > pkts[i].cap;
		pkts[i].size = pkts[i].trunc ? pkts[i].cap : (uint32_t)r;
		pkts[i].peer.family = 0;
		p->st.rx_packets++;
		p->st.rx_bytes += pkts[i].size;
	}
	return (int)i;
}

static int tap_tx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	unsigned int i, sent = 0;

	for (i = 0; i < n; i++) {
		ssize_t r = write(p->fd, pkts[i].data, pkts[i].size);

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

int rt_tap_open(struct rt_io *p, const char *name, unsigned int mtu)
{
	struct ifreq ifr;
	int fd, ret;

	if (strlen(name) >= IFNAMSIZ)
		return -ENAMETOOLONG;
	fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	memset(&ifr, 0, sizeof(ifr));
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI;
	strncpy(ifr.ifr_name, name, IFNAMSIZ - 1);
	if (ioctl(fd, TUNSETIFF, &ifr) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	memset(p, 0, sizeof(*p));
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
