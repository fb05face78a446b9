/* SPDX-License-Identifier: MIT */
/*
 * The gateway host's side toward the underlay network (nat.h): packets
 * a gateway endpoint translated leave through a raw IPv4 socket
 * (IPPROTO_RAW: the kernel routes them and resolves the next hop, as
 * for its own packets), and the replies to this host's NAT ports come
 * back through an AF_PACKET socket (SOCK_DGRAM, the IP packet) whose
 * classic BPF filter keeps only IPv4 to this host's address with a TCP
 * or UDP destination port in the gateways' ranges, and ICMP.
 *
 * AF_PACKET sees a packet before the kernel's IP stack, which would
 * answer a reply to a port it has no socket on (TCP RST, ICMP port
 * unreachable); the operator drops those in the kernel's input hook
 * with an nftables rule for the range (genv-route(8), GATEWAY): the copy
 * the router reads is taken before netfilter acts.
 *
 * Opened when a VPC's gateway endpoint lists this host (and the host
 * has an IPv4 address), refiltered when the ranges change, closed when
 * none does.  Needs CAP_NET_RAW.
 * Layer: router; calls tables and libc.
 */
#ifndef GENV_RT_GW_IO_H
#define GENV_RT_GW_IO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "tables.h"

struct rt_gw_io {
	int tx, rx;		/* raw send socket, AF_PACKET receive socket; -1: closed */
	uint8_t addr[4];	/* filtered destination (this host's address) */
	uint16_t lo, hi;	/* filtered ports: the union of the gateways' ranges */
	uint64_t gen;		/* tables generation last synced */
};

void rt_gw_io_init(struct rt_gw_io *g);
/*
 * Follow the tables: open, refilter or close.  *old_rx: the receive
 * descriptor before (for the caller's epoll set; it changes when the
 * sockets open or close).  0, or -errno with a message in err (the
 * sockets stay closed).
 */
int rt_gw_io_sync(struct rt_gw_io *g, const struct rt_tables *t, int *old_rx, char *err, size_t errsz);
/* Send one IPv4 packet.  0 or -errno. */
int rt_gw_io_send(struct rt_gw_io *g, const uint8_t *pkt, size_t size);
/* Read one packet into buf: its size, 0 when none is waiting, -errno.
 * Packets this host sent are skipped. */
ssize_t rt_gw_io_recv(struct rt_gw_io *g, uint8_t *buf, size_t cap);
void rt_gw_io_close(struct rt_gw_io *g);

#endif
