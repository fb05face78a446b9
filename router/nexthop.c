/* SPDX-License-Identifier: MIT */
/*
 * Next hops of the AF_XDP underlay (nexthop.h): the kernel's route and
 * neighbour tables over rtnetlink (libmnl).
 *
 * A small direct-mapped cache by destination.  A miss (or an entry older
 * than the last route/neighbour change seen on the subscription socket)
 * asks the kernel: RTM_GETROUTE for the output interface, gateway and
 * preferred source, then RTM_GETNEIGH for the gateway's MAC.  A neighbour
 * not yet known is asked for with an NTF_USE update (the kernel starts
 * resolution) and retried after RT_NH_RETRY_NS; meanwhile the caller
 * sends through the kernel.  Only misses make syscalls.
 * Layer: router; calls libmnl and libc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <arpa/inet.h>
#include <linux/neighbour.h>
#include <linux/rtnetlink.h>
#include <libmnl/libmnl.h>
#include "nexthop.h"

#define RT_NH_RETRY_NS	50000000ull

struct rt_nh_table {
	struct mnl_socket *q, *ev;
	unsigned int ifindex, seq;
	uint32_t gen, fallback_src;
	uint64_t lookups, misses;
	uint8_t buf[8192];
	struct rt_nh ent[RT_NH_SLOTS];
};

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int rt_nh_open(struct rt_nh_table **out, unsigned int ifindex, uint32_t fallback_src)
{
	struct rt_nh_table *t = calloc(1, sizeof(*t));
	int ret = -ENOMEM;

	if (!t)
		return ret;
	t->ifindex = ifindex;
	t->fallback_src = fallback_src;
	t->gen = 1;
	t->q = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	t->ev = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (!t->q || !t->ev || mnl_socket_bind(t->q, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_bind(t->ev, RTMGRP_NEIGH | RTMGRP_IPV4_ROUTE, MNL_SOCKET_AUTOPID) < 0) {
		ret = -errno;
		rt_nh_close(t);
		return ret;
	}
	/* never wait long for the kernel in the packet loop */
	setsockopt(mnl_socket_get_fd(t->q), SOL_SOCKET, SO_RCVTIMEO,
		   &(struct timeval){ .tv_usec = 100000 }, sizeof(struct timeval));
	*out = t;
	return 0;
}

void rt_nh_close(struct rt_nh_table *t)
{
	if (!t)
		return;
	if (t->q)
		mnl_socket_close(t->q);
	if (t->ev)
		mnl_socket_close(t->ev);
	free(t);
}

int rt_nh_event_fd(const struct rt_nh_table *t)
{
	return mnl_socket_get_fd(t->ev);
}

/* Drain the subscription: any route or neighbour change invalidates the cache. */
void rt_nh_poll(struct rt_nh_table *t)
{
	while (mnl_socket_recvfrom(t->ev, t->buf, sizeof(t->buf)) > 0)
		t->gen++;
}

struct route_ans {
	uint32_t oif, gw, src;
	uint8_t mac[6];
	uint16_t state;
	bool have_mac;
};

static int route_attr(const struct nlattr *a, void *data)
{
	struct route_ans *r = data;

	if (mnl_attr_get_payload_len(a) < 4)
		return MNL_CB_OK;
	switch (mnl_attr_get_type(a)) {
	case RTA_OIF:
		r->oif = mnl_attr_get_u32(a);
		break;
	case RTA_GATEWAY:
		r->gw = mnl_attr_get_u32(a);
		break;
	case RTA_PREFSRC:
		r->src = mnl_attr_get_u32(a);
		break;
	}
	return MNL_CB_OK;
}

static int route_cb(const struct nlmsghdr *nlh, void *data)
{
	if (nlh->nlmsg_type == RTM_NEWROUTE)
		mnl_attr_parse(nlh, sizeof(struct rtmsg), route_attr, data);
	return MNL_CB_OK;
}

static int neigh_attr(const struct nlattr *a, void *data)
{
	struct route_ans *r = data;

	if (mnl_attr_get_type(a) == NDA_LLADDR && mnl_attr_get_payload_len(a) == 6) {
		memcpy(r->mac, mnl_attr_get_payload(a), 6);
		r->have_mac = true;
	}
	return MNL_CB_OK;
}

static int neigh_cb(const struct nlmsghdr *nlh, void *data)
{
	struct route_ans *r = data;
	const struct ndmsg *nd = mnl_nlmsg_get_payload(nlh);

	if (nlh->nlmsg_type != RTM_NEWNEIGH)
		return MNL_CB_OK;
	r->state = nd->ndm_state;
	mnl_attr_parse(nlh, sizeof(*nd), neigh_attr, data);
	return MNL_CB_OK;
}

/* One request, its answer through cb; 0 or -errno (the kernel's). */
static int call(struct rt_nh_table *t, struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	unsigned int port = mnl_socket_get_portid(t->q);
	ssize_t n;
	int ret;

	/* every request asks for the ack: it ends the answer (a get's reply
	 * has no NLMSG_DONE) */
	nlh->nlmsg_flags |= NLM_F_ACK;
	nlh->nlmsg_seq = ++t->seq;
	if (mnl_socket_sendto(t->q, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	do {
		n = mnl_socket_recvfrom(t->q, t->buf, sizeof(t->buf));
		if (n < 0)
			return -errno;
		ret = mnl_cb_run(t->buf, (size_t)n, t->seq, port, cb, data);
	} while (ret > 0);
	return ret < 0 ? -errno : 0;
}

static int ask(struct rt_nh_table *t, uint32_t dst, struct route_ans *r)
{
	uint8_t req[256];
	struct nlmsghdr *nlh;
	struct rtmsg *rtm;
	struct ndmsg *nd;
	uint32_t nh;
	int ret;

	memset(r, 0, sizeof(*r));
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETROUTE;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));
	rtm->rtm_family = AF_INET;
	rtm->rtm_dst_len = 32;
	mnl_attr_put_u32(nlh, RTA_DST, dst);
	ret = call(t, nlh, route_cb, r);
	if (ret)
		return ret;
	if (r->oif != t->ifindex)
		return -ENETUNREACH;	/* routed elsewhere: the kernel sends it */
	nh = r->gw ? r->gw : dst;
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_GETNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = (int)t->ifindex;
	mnl_attr_put_u32(nlh, NDA_DST, nh);
	ret = call(t, nlh, neigh_cb, r);
	if (!ret && r->have_mac && (r->state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE |
						  NUD_PERMANENT | NUD_NOARP)))
		return 0;
	/* unknown or incomplete: let the kernel resolve it (ip neigh ... use) */
	nlh = mnl_nlmsg_put_header(req);
	nlh->nlmsg_type = RTM_NEWNEIGH;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_CREATE | NLM_F_REPLACE | NLM_F_ACK;
	nd = mnl_nlmsg_put_extra_header(nlh, sizeof(*nd));
	nd->ndm_family = AF_INET;
	nd->ndm_ifindex = (int)t->ifindex;
	nd->ndm_state = NUD_NONE;
	nd->ndm_flags = NTF_USE;
	mnl_attr_put_u32(nlh, NDA_DST, nh);
	call(t, nlh, NULL, NULL);
	return -EAGAIN;
}

const struct rt_nh *rt_nh_get(struct rt_nh_table *t, uint32_t dst)
{
	struct rt_nh *e = &t->ent[(ntohl(dst) * 2654435761u) >> (32 - RT_NH_BITS)];
	struct route_ans r;
	uint64_t now;

	if (e->dst == dst && e->gen == t->gen && e->ok)
		return e;
	now = mono_ns();
	if (e->dst == dst && e->gen == t->gen && now < e->retry_ns)
		return NULL;
	memset(e, 0, sizeof(*e));
	e->dst = dst;
	e->gen = t->gen;
	t->lookups++;
	if (ask(t, dst, &r)) {
		e->retry_ns = now + RT_NH_RETRY_NS;	/* or at the next change */
		t->misses++;
		return NULL;
	}
	memcpy(e->mac, r.mac, 6);
	e->src = r.src ? r.src : t->fallback_src;
	e->ok = e->src != 0;
	return e->ok ? e : NULL;
}

void rt_nh_counts(const struct rt_nh_table *t, uint64_t *lookups, uint64_t *misses)
{
	*lookups = t->lookups;
	*misses = t->misses;
}

int rt_nh_resolve(struct rt_nh_table *t, uint32_t dst, uint8_t mac[6], uint32_t *src, uint32_t *via)
{
	struct route_ans r;
	int ret = ask(t, dst, &r);

	*via = r.gw ? r.gw : dst;
	if (ret)
		return ret;
	memcpy(mac, r.mac, 6);
	*src = r.src ? r.src : t->fallback_src;
	return 0;
}
