/* SPDX-License-Identifier: MIT */
/*
 * What the XDP steering program (xdp_steer.bpf.c) and the AF_XDP port
 * (port_xdp.c) share: the layout of its configuration map.  Addresses and
 * the port are in network byte order.
 * Layer: router (also compiled into the BPF program: no libc here).
 */
#ifndef GENV_XDP_STEER_H
#define GENV_XDP_STEER_H

#include <linux/types.h>

#define GENV_XDP_MAX_QUEUES	64
#define GENV_XDP_MAX_ADDRS	4

enum { GENV_XDP_OFF, GENV_XDP_ENDPOINT, GENV_XDP_UNDERLAY };

struct genv_xdp_cfg {
	__u32 mode;
	__u32 naddr;
	__u32 addr[GENV_XDP_MAX_ADDRS];	/* IPv4, network order */
	__u16 port;			/* network order */
	__u16 pad;
};

#endif
