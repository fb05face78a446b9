/* SPDX-License-Identifier: MIT */
/*
 * The portable underlay: a UDP socket on port 6081, one per address
 * family (IPv6 with IPV6_V6ONLY so each family has its own ancillary
 * data).  Each datagram is a Geneve packet from the base header on; the
 * kernel builds the outer IP and UDP headers and their checksums.
 *
 * Receive: recvmmsg() a batch, with the outer TTL/hop limit (IP_RECVTTL,
 * IPV6_RECVHOPLIMIT) and TOS/traffic class (IP_RECVTOS, IPV6_RECVTCLASS)
 * of each datagram, for the pipe model and RFC 6040 decapsulation.
 * Send: sendmmsg() a batch, each message with its destination and an
 * IP_TOS/IPV6_TCLASS (and, when set, IP_TTL/IPV6_HOPLIMIT) control
 * message.  Outer UDP source ports: the router keeps a few extra sending
 * sockets ("lanes", rt_udp_open_lane) bound to ephemeral ports next to the
 * 6081 socket and picks one per packet from the inner flow hash, so flows
 * spread over as many source ports (ECMP, receive queues) while a flow
 * keeps its port.  A backend that builds whole frames (AF_XDP) can use
 * the full 16-bit flow-hash port.
 *
 * The socket sets DF (IP_PMTUDISC_DO): the endpoint MTU keeps the overlay
 * from ever needing fragmentation, and a datagram too large for the path
 * fails with EMSGSIZE (counted as a tx error) instead of being fragmented.
 * Offloads (rt_udp_offload): with UDP_SEGMENT, consecutive packets of a
 * batch to the same peer with the same TOS/TTL and the same size (the
 * last may be shorter) leave as one message whose iovecs are the
 * datagrams, with a UDP_SEGMENT control message: the kernel cuts the
 * train into datagrams again (and computes each outer UDP checksum).  If
 * the kernel refuses a train (EIO: no GSO on the route's device), the
 * socket falls back to one message per datagram for good, starting with
 * the rest of that batch.  With UDP_GRO
 * the kernel hands over trains of same-size datagrams; the receive
 * buffer must then hold 64 KB, and each packet carries its gso_size.
 * Message arrays live on the stack: no allocation per batch.
 * Layer: router; calls port and libc.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/udp.h>
#include <sys/socket.h>
#include "port.h"

#define UDP_CMSG_SPACE (CMSG_SPACE(sizeof(int)) * 4)
#define UDP_TRAIN_MAX	64		/* datagrams per UDP_SEGMENT message (kernel limit) */
#define UDP_TRAIN_BYTES	65000		/* payload bytes per train: below the 64 KB IP limit */

static void addr_from_sa(const struct sockaddr_storage *ss, struct gnv_addr *a, uint16_t *port)
{
	memset(a, 0, sizeof(*a));
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)ss;

		a->family = 4;
		memcpy(a->a, &s4->sin_addr, 4);
		*port = ntohs(s4->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)ss;

		a->family = 6;
		memcpy(a->a, &s6->sin6_addr, 16);
		*port = ntohs(s6->sin6_port);
	} else {
		*port = 0;
	}
}

static socklen_t addr_to_sa(const struct gnv_addr *a, uint16_t port, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (a->family == 4) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->a, 4);
		return sizeof(*s4);
	}
	if (a->family == 6) {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->a, 16);
		return sizeof(*s6);
	}
	return 0;
}

static void parse_cmsgs(struct msghdr *mh, struct rt_pkt *pkt)
{
	for (struct cmsghdr *c = CMSG_FIRSTHDR(mh); c; c = CMSG_NXTHDR(mh, c)) {
		int v = -1;

		if (c->cmsg_len >= CMSG_LEN(sizeof(int)))
			memcpy(&v, CMSG_DATA(c), sizeof(int));
		else if (c->cmsg_len >= CMSG_LEN(1))
			v = *CMSG_DATA(c);
		if (v < 0)
			continue;
		if ((c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TTL) ||
		    (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_HOPLIMIT))
			pkt->ttl = (uint8_t)v;
		else if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_TOS)
			pkt->tos = *CMSG_DATA(c);	/* IP_TOS arrives as one byte */
		else if (c->cmsg_level == IPPROTO_IPV6 && c->cmsg_type == IPV6_TCLASS)
			pkt->tos = (uint8_t)v;
		else if (c->cmsg_level == SOL_UDP && c->cmsg_type == UDP_GRO)
			pkt->gso_size = (uint16_t)v;
	}
}

static int udp_rx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	struct mmsghdr mm[RT_BATCH];
	struct iovec iov[RT_BATCH];
	struct sockaddr_storage sa[RT_BATCH];
	union {
		char buf[UDP_CMSG_SPACE];
		struct cmsghdr align;
	} cm[RT_BATCH];
	int r;

	if (n > RT_BATCH)
		n = RT_BATCH;
	memset(mm, 0, sizeof(mm[0]) * n);
	for (unsigned int i = 0; i < n; i++) {
		iov[i].iov_base = pkts[i].data;
		iov[i].iov_len = pkts[i].cap;
		mm[i].msg_hdr.msg_iov = &iov[i];
		mm[i].msg_hdr.msg_iovlen = 1;
		mm[i].msg_hdr.msg_name = &sa[i];
		mm[i].msg_hdr.msg_namelen = sizeof(sa[i]);
		/* cppcheck-suppress legacyUninitvar ; the address is taken, recvmmsg writes the buffer */
		mm[i].msg_hdr.msg_control = cm[i].buf;
		mm[i].msg_hdr.msg_controllen = sizeof(cm[i].buf);
	}
	r = recvmmsg(p->fd, mm, n, MSG_DONTWAIT, NULL);
	if (r < 0) {
		if (errno == EAGAIN || errno == EINTR)
			return 0;
		p->st.rx_errors++;
		return -errno;
	}
	for (int i = 0; i < r; i++) {
		struct rt_pkt *pkt = &pkts[i];

		pkt->size = mm[i].msg_len;
		pkt->trunc = (mm[i].msg_hdr.msg_flags & MSG_TRUNC) != 0;
		if (pkt->size > pkt->cap)
			pkt->size = pkt->cap;
		pkt->ttl = 0;
		pkt->tos = 0;
		pkt->gso_size = 0;
		addr_from_sa(&sa[i], &pkt->peer, &pkt->peer_port);
		parse_cmsgs(&mm[i].msg_hdr, pkt);
		p->st.rx_packets++;
		p->st.rx_bytes += pkt->size;
		if (pkt->trunc)
			p->st.rx_truncated++;
	}
	return r;
}

static size_t put_cmsg(char *buf, int level, int type, const void *val, size_t size)
{
	struct cmsghdr c;

	memset(&c, 0, sizeof(c));
	c.cmsg_level = level;
	c.cmsg_type = type;
	c.cmsg_len = CMSG_LEN(size);
	memcpy(buf, &c, sizeof(c));
	memcpy(buf + ((char *)CMSG_DATA(&c) - (char *)&c), val, size);
	return CMSG_SPACE(size);
}

static size_t put_cmsg_int(char *buf, int level, int type, int val)
{
	return put_cmsg(buf, level, type, &val, sizeof(val));
}

/* May packet b join the train that starts with packet a (k datagrams of
 * 'bytes' bytes so far)? */
static bool train_joins(const struct rt_pkt *a, const struct rt_pkt *b, unsigned int k,
			size_t bytes, const struct rt_pkt *prev)
{
	return k < UDP_TRAIN_MAX && b->size <= a->size && prev->size == a->size &&
	       bytes + b->size <= UDP_TRAIN_BYTES && b->peer.family == a->peer.family &&
	       !memcmp(b->peer.a, a->peer.a, sizeof(a->peer.a)) && b->peer_port == a->peer_port &&
	       b->tos == a->tos && b->ttl == a->ttl;
}

static int udp_tx_batch(struct rt_io *p, struct rt_pkt *pkts, unsigned int n)
{
	struct mmsghdr mm[RT_BATCH];
	struct iovec iov[RT_BATCH];
	struct sockaddr_storage sa[RT_BATCH];
	union {
		char buf[UDP_CMSG_SPACE];
		struct cmsghdr align;
	} cm[RT_BATCH];
	unsigned int i, m = 0, off = 0, sent = 0;
	uint8_t idx[RT_BATCH];		/* message -> its first packet */
	uint8_t cnt[RT_BATCH];		/* message -> datagrams in it */
	bool v6 = p->family == 6, gso = p->offloads & RT_OFF_UDP_GSO;

	if (n > RT_BATCH)
		n = RT_BATCH;
	memset(mm, 0, sizeof(mm[0]) * n);
	for (i = 0; i < n; i++) {
		struct msghdr *mh = &mm[m].msg_hdr;
		size_t cl = 0, bytes;
		unsigned int k = 1;

		pkts[i].failed = true;
		if (pkts[i].peer.family != p->family) {
			p->st.tx_errors++;
			continue;
		}
		idx[m] = (uint8_t)i;
		iov[i].iov_base = pkts[i].data;
		iov[i].iov_len = pkts[i].size;
		bytes = pkts[i].size;
		/* a train: the following packets, as long as they fit */
		while (gso && i + k < n && train_joins(&pkts[i], &pkts[i + k], k, bytes, &pkts[i + k - 1])) {
			pkts[i + k].failed = true;
			iov[i + k].iov_base = pkts[i + k].data;
			iov[i + k].iov_len = pkts[i + k].size;
			bytes += pkts[i + k].size;
			k++;
		}
		cnt[m] = (uint8_t)k;
		mh->msg_iov = &iov[i];
		mh->msg_iovlen = k;
		mh->msg_name = &sa[m];
		mh->msg_namelen = addr_to_sa(&pkts[i].peer,
					     pkts[i].peer_port ? pkts[i].peer_port : GNV_PORT, &sa[m]);
		memset(cm[m].buf, 0, sizeof(cm[m].buf));
		cl += put_cmsg_int(cm[m].buf + cl, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
				   v6 ? IPV6_TCLASS : IP_TOS, pkts[i].tos);
		if (pkts[i].ttl)
			cl += put_cmsg_int(cm[m].buf + cl, v6 ? IPPROTO_IPV6 : IPPROTO_IP,
					   v6 ? IPV6_HOPLIMIT : IP_TTL, pkts[i].ttl);
		if (k > 1)
			cl += put_cmsg(cm[m].buf + cl, SOL_UDP, UDP_SEGMENT, &(uint16_t){ (uint16_t)pkts[i].size },
				      sizeof(uint16_t));
		mh->msg_control = cm[m].buf;
		mh->msg_controllen = cl;
		m++;
		i += k - 1;
	}
	while (off < m) {
		int r = sendmmsg(p->fd, mm + off, m - off, MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno == EAGAIN || errno == ENOBUFS) {
				for (unsigned int j = off; j < m; j++)
					p->st.tx_dropped += cnt[j];
				break;
			}
			/* EIO on a train: the kernel cannot segment on this route
			 * (older kernels without checksum offload, xfrm): no more
			 * trains, and what is left goes again one per message */
			if (errno == EIO && cnt[off] > 1) {
				int again;

				p->offloads &= ~(unsigned int)RT_OFF_UDP_GSO;
				again = udp_tx_batch(p, pkts + idx[off], n - idx[off]);
				return (int)sent + (again > 0 ? again : 0);
			}
			/* this message failed (EMSGSIZE, ENETUNREACH...): skip it */
			p->st.tx_errors += cnt[off];
			off++;
			continue;
		}
		for (int k = 0; k < r; k++) {
			unsigned int j = off + (unsigned int)k;

			/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult): r <= the messages built */
			for (unsigned int d = 0; d < cnt[j]; d++)
				pkts[idx[j] + d].failed = false;
			p->st.tx_packets += cnt[j];
			p->st.tx_bytes += mm[j].msg_len;
			sent += cnt[j];
		}
		off += (unsigned int)r;
	}
	return (int)sent;
}

static void udp_close(struct rt_io *p)
{
	if (p->fd >= 0)
		close(p->fd);
	p->fd = -1;
}

static const struct rt_io_ops udp_ops = {
	.kind = "udp",
	.rx_batch = udp_rx_batch,
	.tx_batch = udp_tx_batch,
	.close = udp_close,
};

static int udp_open(struct rt_io *p, int family, const struct gnv_addr *addr, uint16_t port,
		    bool lane);

void rt_udp_offload(struct rt_io *p, bool gso, bool gro)
{
	int one = 1, zero = 0, v = 0;
	socklen_t sl = sizeof(v);

	p->offloads &= ~(unsigned int)(RT_OFF_UDP_GSO | RT_OFF_UDP_GRO);
	if (p->fd < 0)
		return;
	/* UDP_SEGMENT is per message here; getsockopt tells whether the
	 * kernel knows it at all */
	if (gso && getsockopt(p->fd, SOL_UDP, UDP_SEGMENT, &v, &sl) == 0)
		p->offloads |= RT_OFF_UDP_GSO;
	if (setsockopt(p->fd, SOL_UDP, UDP_GRO, gro ? &one : &zero, sizeof(int)) == 0 && gro)
		p->offloads |= RT_OFF_UDP_GRO;
}

int rt_udp_open(struct rt_io *p, int family, const struct gnv_addr *addr, uint16_t port)
{
	return udp_open(p, family, addr, port ? port : GNV_PORT, false);
}

int rt_udp_open_lane(struct rt_io *p, int family, const struct gnv_addr *addr)
{
	return udp_open(p, family, addr, 0, true);
}

static int udp_open(struct rt_io *p, int family, const struct gnv_addr *addr, uint16_t port,
		    bool lane)
{
	struct sockaddr_storage ss;
	struct gnv_addr any = { .family = (uint8_t)family };
	int one = 1, bufsz = 4 << 20, fd, ret;
	socklen_t sl;

	if (family != 4 && family != 6)
		return -EAFNOSUPPORT;
	if (addr && addr->family && addr->family != family)
		return -EAFNOSUPPORT;
	fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (family == 4) {
		int pmtu = IP_PMTUDISC_DO;

		if (setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_RECVTOS, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IP, IP_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
			goto fail;
	} else {
		int pmtu = IPV6_PMTUDISC_DO;

		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_RECVTCLASS, &one, sizeof(one)) < 0 ||
		    setsockopt(fd, IPPROTO_IPV6, IPV6_MTU_DISCOVER, &pmtu, sizeof(pmtu)) < 0)
			goto fail;
	}
	/* bigger socket buffers absorb bursts between two loop turns; best
	 * effort.  A lane only sends: peers send to 6081, never to it. */
	if (lane)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &(int){ 1 }, sizeof(int));
	else if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) < 0)
		(void)setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	/* FREEBIND: the address may be configured after the router starts.
	 * No SO_REUSEADDR: a second router (or a kernel tunnel) on 6081 in
	 * this namespace must fail to start, not share the port silently. */
	if (setsockopt(fd, IPPROTO_IP, IP_FREEBIND, &one, sizeof(one)) < 0)
		goto fail;
	sl = addr_to_sa(addr && addr->family ? addr : &any, port, &ss);
	if (bind(fd, (struct sockaddr *)&ss, sl) < 0)
		goto fail;
	memset(p, 0, sizeof(*p));
	sl = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl) == 0)
		addr_from_sa(&ss, &any, &p->port);
	p->ops = &udp_ops;
	p->fd = fd;
	p->family = family;
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): a 5-byte literal */
	strcpy(p->name, family == 4 ? "udp4" : "udp6");
	return 0;
fail:
	ret = -errno;
	close(fd);
	return ret;
}
