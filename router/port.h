/* SPDX-License-Identifier: MIT */
/*
 * Ports: where the router's packets come from and go to.  Two kinds today:
 *
 *   tap  an endpoint port, a TAP device (IFF_TAP|IFF_NO_PI) the router
 *        creates; each read()/write() is one Ethernet frame.
 *   udp  the underlay, a UDP socket on port 6081 (one per address family);
 *        each datagram is one Geneve packet (header onward), the kernel adds
 *        the outer IP and UDP headers.  recvmmsg()/sendmmsg() batches.
 *
 * (struct rt_io is the I/O side of a port; struct rt_port in tables.h is
 * its configuration.)  A backend is an ops table, so an AF_XDP backend (full frames, flow-hash
 * UDP source ports, zero copy) can be added without touching the loop.
 * Packets are described by struct rt_pkt, which points into buffers the
 * loop allocated once at start: nothing is allocated per packet.
 * Layer: router; calls libcore/pkt and libc.
 */
#ifndef GENV_RT_PORT_H
#define GENV_RT_PORT_H

#include <stdbool.h>
#include <stdint.h>
#include <net/if.h>
#include "../libcore/pkt.h"

#define RT_BATCH	64		/* packets per rx_batch()/tx_batch() call */
#define RT_FRAME_MAX	9216		/* largest frame or datagram handled */
#define RT_UL_LANES	8		/* underlay source ports: 6081 + 7 ephemeral */

/* One packet in a batch.  'data' points into a buffer of 'cap' bytes. */
struct rt_pkt {
	uint8_t *data;
	uint32_t size;		/* bytes of packet at data */
	uint32_t cap;		/* bytes available from data to the end of the buffer */
	/* underlay only: the peer (source on rx, destination on tx) */
	struct gnv_addr peer;
	uint16_t peer_port;	/* host order; 0 on tx means 6081 */
	uint8_t ttl;		/* rx: outer TTL/hop limit; tx: 0 = socket default */
	uint8_t tos;		/* rx: outer TOS/traffic class; tx: value to send */
	bool trunc;		/* rx: the datagram or frame was larger than cap */
	bool failed;		/* tx: not sent (counted in the io stats) */
	/* virtio-net header of a TAP port with offloads (libcore/tso.h): rx
	 * as read (a partial checksum of a plain frame left partial, its
	 * offsets checked), tx as to write; all zero = a plain frame.  udp rx with UDP_GRO:
	 * gso_size is the size of each datagram of the train at data. */
	uint8_t vnet_flags;
	uint8_t gso_type;
	uint16_t gso_size;
	uint16_t hdr_len;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t sport;		/* tx, underlay frames (AF_XDP): outer UDP source port, 0 = 6081 */
};

struct rt_io_stats {
	uint64_t rx_packets, rx_bytes, rx_errors, rx_truncated;
	uint64_t tx_packets, tx_bytes, tx_errors, tx_dropped;	/* dropped: queue full */
	uint64_t tx_passthrough;	/* tap: super-frames from a local TAP written whole */
	uint64_t tx_partial;		/* tap: frames written with the sender's partial checksum */
};

struct rt_io;

struct rt_io_ops {
	const char *kind;		/* "tap", "udp" */
	/* Fill up to n packets (data/cap set by the caller); returns the
	 * number received, 0 when nothing is pending, or -errno. */
	int (*rx_batch)(struct rt_io *p, struct rt_pkt *pkts, unsigned int n);
	/* Send n packets; returns the number sent (the rest are dropped and
	 * counted) or -errno. */
	int (*tx_batch)(struct rt_io *p, struct rt_pkt *pkts, unsigned int n);
	void (*close)(struct rt_io *p);
	/* Optional: push out what tx_batch queued (ring kick), after a batch. */
	void (*flush)(struct rt_io *p);
};

struct rt_io {
	const struct rt_io_ops *ops;
	int fd;				/* for epoll; -1 when closed */
	int index;			/* the router's port number */
	char name[IFNAMSIZ];		/* "tap0", "udp4", "udp6" */
	unsigned int ifindex;		/* tap: at creation (0 for udp) */
	unsigned int mtu;		/* tap: device MTU */
	int family;			/* udp: 4 or 6 */
	uint16_t port;			/* udp: the bound (source) port */
	struct rt_io_stats st;
	unsigned int offloads;		/* RT_OFF_* obtained at open */
	void *priv;			/* xdp: the backend's state */
	/* tap: TUNSETPERSIST (the device outlives the descriptor), whether
	 * open found the device there already (a restarted router
	 * re-attaching), the namespace it was opened in ("" = ours) and the
	 * inode of the device's namespace then (rt_tap_moved) */
	bool persist, reattached;
	char netns[64];
	unsigned long netns_ino;
};

/* Offloads a port obtained (rt_io.offloads). */
#define RT_OFF_VNET	0x01		/* tap: IFF_VNET_HDR, 10-byte header */
#define RT_OFF_CSUM	0x02		/* tap: partial checksums (TUN_F_CSUM) */
#define RT_OFF_TSO4	0x04		/* tap: TCP/IPv4 super-frames */
#define RT_OFF_TSO6	0x08		/* tap: TCP/IPv6 super-frames */
#define RT_OFF_USO	0x10		/* tap: UDP super-frames (TUN_F_USO4/6) */
#define RT_OFF_UDP_GSO	0x20		/* udp: UDP_SEGMENT trains on send */
#define RT_OFF_UDP_GRO	0x40		/* udp: UDP_GRO trains on receive */
#define RT_FRAME_BIG	(65536 + 512)	/* receive buffer for super-frames and trains */

/* "vnet csum tso4 tso6 uso gso gro", or "none": buf of at least 40 bytes. */
const char *rt_offloads_fmt(char *buf, size_t size, unsigned int off);

/* TAP: create device NAME (a kernel-chosen name when NAME is "" or has
 * %d), set its MTU (0 = leave) and bring it up; or attach to the TAP
 * device NAME that exists there (a persistent one a killed router left:
 * its MTU is set, its flags, addresses and routes are left alone).
 * offload: with a virtio-net header and whatever of
 * TUN_F_CSUM/TSO4/TSO6/USO4/USO6 the kernel accepts (rt_io.offloads says
 * what).  persist: TUNSETPERSIST, the device stays when the descriptor
 * closes.  netns: a name in /run/netns or an absolute path of a network
 * namespace to create (or find) the device in, "" or NULL for ours; the
 * work is done on a short-lived thread that joins it (setns), so the
 * router's own thread never changes namespace.  0 or -errno, with the
 * reason in err. */
struct rt_tap_opts {
	const char *name;
	unsigned int mtu;
	bool offload, persist;
	const char *netns;
};
int rt_tap_open(struct rt_io *p, const struct rt_tap_opts *o, char *err, size_t errsz);
/* set host offload: the most the kernel takes (on) or none (off) on a
 * port with a virtio header (a port without one stays plain). */
void rt_tap_offload(struct rt_io *p, bool on);
/* A frame read with a partial checksum (NEEDS_CSUM), after the pipeline:
 * are its bytes past the MACs up to snap_size the same as snap, its first
 * snap_size bytes as read (nothing the partial sum depends on changed)? */
bool rt_hdr_same(const uint8_t *frame, size_t size, const uint8_t *snap, size_t snap_size);
/* Complete it where it leaves the host: the partial sum when those bytes
 * are unchanged, the whole checksum (and the IPv4 header's) otherwise.
 * 0 or -EINVAL (offsets outside, not TCP/UDP over IP). */
int rt_csum_finish(uint8_t *frame, size_t size, const uint8_t *snap, size_t snap_size,
		   uint16_t csum_start, uint16_t csum_offset);
/* del port: the device goes with the descriptor (TUNSETPERSIST 0), then
 * close.  */
void rt_tap_remove(struct rt_io *p);
/* Set the MTU of interface NAME in network namespace NETNS ("" = ours):
 * 0, or -errno (-ENODEV: no such device there). */
int rt_link_set_mtu(const char *name, const char *netns, unsigned int mtu);
/* Has the device left the namespace it was opened in (moved by hand with
 * `ip link set ... netns`)?  A persistent device then stops being
 * persistent (nothing could find it again after a restart) and true is
 * returned, once. */
bool rt_tap_moved(struct rt_io *p);
/* A netns word of `add port NAME netns NS`: a name of /run/netns or an
 * absolute path, at most 63 bytes, no blanks. */
bool rt_netns_ok(const char *ns);

/* UDP underlay: bind family 4 or 6 to ADDR (NULL or family 0 = any) and
 * PORT (0 = 6081).  Enables the TTL/TOS ancillary data.  0 or -errno. */
int rt_udp_open(struct rt_io *p, int family, const struct gnv_addr *addr, uint16_t port);
/* A sending lane: the same, bound to an ephemeral port (another outer UDP
 * source port for the flows hashed to it).  0 or -errno. */
int rt_udp_open_lane(struct rt_io *p, int family, const struct gnv_addr *addr);
/* Turn on UDP_SEGMENT (send: equal-size datagrams to one peer leave as
 * one train) and UDP_GRO (receive trains, gso_size per packet) where the
 * kernel has them; rt_io.offloads says what was obtained. */
void rt_udp_offload(struct rt_io *p, bool gso, bool gro);

/* AF_XDP (port_xdp.c): 'add port xdp IFACE ...' */
enum { RT_XDP_AUTO, RT_XDP_ZEROCOPY, RT_XDP_COPY, RT_XDP_SKB };
enum { RT_XDP_ENDPOINT, RT_XDP_UNDERLAY };
extern const char *const rt_xdp_mode_names[];	/* by RT_XDP_*, NULL-terminated */
extern const char *const rt_xdp_port_kws[];	/* add port xdp IFACE KEYWORD ... */
extern const char *const rt_tap_port_kws[];	/* add port NAME KEYWORD ... (verbs.c) */

#define RT_XDP_RING	2048u		/* descriptors per AF_XDP ring, by default */
#define RT_XDP_RING_MIN	256u
#define RT_XDP_RING_MAX	16384u

struct rt_xdp_opts {
	unsigned int queues;		/* 0: 1 */
	int mode;			/* RT_XDP_AUTO ... */
	bool busy_poll;
	unsigned int frame_size;	/* 2048 or 4096; 0: 2048 */
	unsigned int ring;		/* descriptors per ring; 0: RT_XDP_RING */
};

/* What a port obtained, and its UMEM frames (free + fill_rx + tx_comp +
 * held == frames; lost is what is missing, always 0 unless a bug). */
struct rt_xdp_info {
	int mode;			/* obtained: RT_XDP_ZEROCOPY, COPY or SKB */
	int role;			/* RT_XDP_ENDPOINT or RT_XDP_UNDERLAY */
	char reason[160];
	char busy_poll[48];		/* "" (off), "on", "refused (...)" */
	bool replaced;			/* a program left by a killed router was removed */
	uint64_t acct_errors;
	uint64_t rx_frames, tx_frames;	/* through the rings */
	uint64_t tx_kernel;		/* underlay: sent through the kernel (no next hop yet) */
	bool multi_buffer;		/* the sockets take frames over several descriptors */
	uint64_t rx_multi, tx_multi;	/* frames that took several */
	uint64_t frames, free, fill_rx, tx_comp, held, lost;
	uint32_t ring;			/* descriptors per ring */
	/* the kernel's counters of the sockets (XDP_STATISTICS), summed */
	uint64_t k_rx_dropped, k_rx_invalid, k_tx_invalid;
	uint64_t k_rx_ring_full, k_fill_empty, k_tx_ring_empty;
};

/* Attach the steering program to IFACE and open one AF_XDP socket per
 * queue.  The role is the underlay when IFACE has an IPv4 address (only
 * Geneve to it is steered), else an endpoint port.  0 or -errno with the
 * reason in err. */
int rt_xdp_open(struct rt_io *p, const char *ifname, const struct rt_xdp_opts *o,
		char *err, size_t errsz);
void rt_xdp_frames(const struct rt_io *p, struct rt_xdp_info *out);

static inline void rt_io_close(struct rt_io *p)
{
	if (p->ops && p->ops->close)
		p->ops->close(p);
}

#endif
