/* SPDX-License-Identifier: MIT */
/* The gateway host's raw sockets toward the underlay side (gw_io.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <linux/filter.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include "../libcore/csum.h"
#include "gw_io.h"

void rt_gw_io_init(struct rt_gw_io *g)
{
	memset(g, 0, sizeof(*g));
	g->tx = g->rx = -1;
	g->gen = UINT64_MAX;
}

void rt_gw_io_close(struct rt_gw_io *g)
{
	if (g->tx >= 0)
		close(g->tx);
	if (g->rx >= 0)
		close(g->rx);
	g->tx = g->rx = -1;
}

/* The union of the port ranges of the gateways this host serves; false
 * when it serves none. */
static bool ranges(const struct rt_tables *t, uint16_t *lo, uint16_t *hi)
{
	bool any = false;

	*lo = UINT16_MAX;
	*hi = 0;
	for (uint32_t i = 0; i < t->cfg.lim.max_vpcs; i++) {
		const struct rt_vpc *v = &t->cfg.vpc[i];
		const struct rt_ep *e = v->used ? rt_vpc_gateway(t, v) : NULL;
		bool here = false;

		for (unsigned int k = 0; e && k < e->nhost; k++)
			here |= rt_host_is_self(t, e->host[k]);
		if (!here)
			continue;
		any = true;
		*lo = e->nat_lo < *lo ? e->nat_lo : *lo;
		*hi = e->nat_hi > *hi ? e->nat_hi : *hi;
	}
	return any;
}

/*
 * IPv4 to addr; ICMP, or TCP/UDP (first fragment) with a destination
 * port in lo..hi.  The packet starts at the IP header (SOCK_DGRAM).
 */
static int attach(int fd, const uint8_t addr[4], uint16_t lo, uint16_t hi)
{
	uint32_t a = (uint32_t)addr[0] << 24 | (uint32_t)addr[1] << 16 | (uint32_t)addr[2] << 8 | addr[3];
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 16),			/* 0 destination */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, a, 0, 11),		/* 1 */
		BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 9),			/* 2 protocol */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_ICMP, 8, 0),	/* 3 */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_TCP, 1, 0),	/* 4 */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, IPPROTO_UDP, 0, 7),	/* 5 */
		BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 6),			/* 6 fragment offset */
		BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K, 0x1fff, 5, 0),	/* 7 */
		BPF_STMT(BPF_LDX | BPF_B | BPF_MSH, 0),			/* 8 X = IHL * 4 */
		BPF_STMT(BPF_LD | BPF_H | BPF_IND, 2),			/* 9 destination port */
		BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, lo, 0, 2),		/* 10 */
		BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K, hi, 1, 0),		/* 11 */
		BPF_STMT(BPF_RET | BPF_K, 0x40000),			/* 12 accept */
		BPF_STMT(BPF_RET | BPF_K, 0),				/* 13 drop */
	};
	struct sock_fprog prog = { .len = sizeof(f) / sizeof(f[0]), .filter = f };

	return setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof(prog)) ? -errno : 0;
}

static int open_all(struct rt_gw_io *g, char *err, size_t errsz)
{
	struct sockaddr_ll sll = { .sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_IP) };
	int r;

	g->tx = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_RAW);
	if (g->tx < 0) {
		r = -errno;
		snprintf(err, errsz, "gateway: raw IPv4 socket: %s%s", strerror(-r),
			 r == -EPERM ? " (needs CAP_NET_RAW)" : "");
		return r;
	}
	/* a filter that takes nothing until the real one is attached */
	g->rx = socket(AF_PACKET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (g->rx < 0) {
		r = -errno;
		snprintf(err, errsz, "gateway: packet socket: %s%s", strerror(-r),
			 r == -EPERM ? " (needs CAP_NET_RAW)" : "");
		rt_gw_io_close(g);
		return r;
	}
	r = attach(g->rx, (const uint8_t[4]){ 0, 0, 0, 0 }, 1, 0);
	if (!r && setsockopt(g->rx, SOL_PACKET, PACKET_AUXDATA, &(int){ 1 }, sizeof(int)))
		r = -errno;
	if (!r && bind(g->rx, (struct sockaddr *)&sll, sizeof(sll)))
		r = -errno;
	if (r) {
		snprintf(err, errsz, "gateway: packet socket: %s", strerror(-r));
		rt_gw_io_close(g);
	}
	return r;
}

int rt_gw_io_sync(struct rt_gw_io *g, const struct rt_tables *t, int *old_rx, char *err, size_t errsz)
{
	uint16_t lo, hi;
	int r = 0;

	*old_rx = g->rx;
	g->gen = t->cfg.gen;
	if (!t->cfg.self.addr_set || t->cfg.self.addr.family != 4 || !ranges(t, &lo, &hi)) {
		rt_gw_io_close(g);
		return 0;
	}
	if (g->rx >= 0 && lo == g->lo && hi == g->hi && !memcmp(g->addr, t->cfg.self.addr.a, 4))
		return 0;
	if (g->rx < 0)
		r = open_all(g, err, errsz);
	if (!r)
		r = attach(g->rx, t->cfg.self.addr.a, lo, hi);
	if (r) {
		if (g->rx >= 0)
			snprintf(err, errsz, "gateway: packet filter: %s", strerror(-r));
		rt_gw_io_close(g);
		return r;
	}
	memcpy(g->addr, t->cfg.self.addr.a, 4);
	g->lo = lo;
	g->hi = hi;
	return 0;
}

int rt_gw_io_send(struct rt_gw_io *g, const uint8_t *pkt, size_t size)
{
	struct sockaddr_in to = { .sin_family = AF_INET };

	if (g->tx < 0)
		return -ENOTCONN;
	if (size < 20)
		return -EINVAL;
	memcpy(&to.sin_addr, pkt + 16, 4);
	if (sendto(g->tx, pkt, size, 0, (struct sockaddr *)&to, sizeof(to)) < 0)
		return -errno;
	return 0;
}

/*
 * A packet from a local sender (a veth, a namespace) may come with its
 * TCP/UDP checksum left to offload (TP_STATUS_CSUMNOTREADY: only the
 * pseudo-header sum in the field).  Translated, it travels on through
 * the overlay to a VM that checks it: computed here, over the whole
 * datagram.
 */
static void csum_fill(uint8_t *p, size_t n)
{
	size_t ihl = (size_t)(p[0] & 15) * 4, len;
	size_t at = p[9] == IPPROTO_TCP ? 16 : 6;

	if (n < 20 || ihl < 20 || (p[9] != IPPROTO_TCP && p[9] != IPPROTO_UDP) ||
	    (size_t)(p[2] << 8 | p[3]) > n || (p[6] & 0x3f) || p[7])
		return;
	len = (size_t)(p[2] << 8 | p[3]) - ihl;
	if (len < at + 2)
		return;
	memset(p + ihl + at, 0, 2);
	uint16_t c = csum_fold(csum_partial(p + ihl, len, csum_pseudo4(p + 12, p + 16, p[9], (uint32_t)len)));

	if (p[9] == IPPROTO_UDP && !c)
		c = 0xffff;
	p[ihl + at] = (uint8_t)(c >> 8);
	p[ihl + at + 1] = (uint8_t)c;
}

ssize_t rt_gw_io_recv(struct rt_gw_io *g, uint8_t *buf, size_t cap)
{
	for (;;) {
		struct sockaddr_ll from;
		union {
			struct cmsghdr h;
			uint8_t b[CMSG_SPACE(sizeof(struct tpacket_auxdata))];
		} cm;
		struct iovec iov = { buf, cap };
		struct msghdr m = { .msg_name = &from, .msg_namelen = sizeof(from), .msg_iov = &iov,
				    .msg_iovlen = 1, .msg_control = &cm, .msg_controllen = sizeof(cm) };
		ssize_t n = recvmsg(g->rx, &m, MSG_DONTWAIT | MSG_TRUNC);
		bool partial = false;

		if (n < 0)
			return errno == EAGAIN || errno == EWOULDBLOCK ? 0 : -errno;
		if (from.sll_pkttype == PACKET_OUTGOING)
			continue;
		if ((size_t)n > cap)
			continue;	/* larger than a frame: not for the overlay */
		for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
			if (c->cmsg_level == SOL_PACKET && c->cmsg_type == PACKET_AUXDATA) {
				struct tpacket_auxdata aux;

				memcpy(&aux, CMSG_DATA(c), sizeof(aux));
				partial = aux.tp_status & TP_STATUS_CSUMNOTREADY;
			}
		if (partial)
			csum_fill(buf, (size_t)n);
		return n;
	}
}
