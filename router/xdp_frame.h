/* SPDX-License-Identifier: MIT */
/*
 * Frames received on an AF_XDP underlay port (port_xdp.c): the steering
 * program (xdp_steer.bpf.c) sends only IPv4/UDP to port 6081 here; this
 * parser checks all of it again on the bytes it is handed, as they come
 * from the wire.  Pure: no I/O, no allocation.
 *
 *   +----------+-----------------------+-------+----------------------+
 *   | Ethernet | IPv4 (IHL*4, options) | UDP   | Geneve ... (payload) |
 *   | 14 bytes | 20-60 bytes           | 8     | UDP length - 8       |
 *   +----------+-----------------------+-------+----------------------+
 *
 * Bytes past the IPv4 total length (Ethernet padding) are ignored; a UDP
 * length shorter than the IPv4 payload bounds the datagram, as the
 * kernel's UDP socket trims it.  Checksums are not verified.
 * Layer: router; calls libcore (cursor.h) and libc.
 */
#ifndef GENV_ROUTER_XDP_FRAME_H
#define GENV_ROUTER_XDP_FRAME_H

#include <stdint.h>
#include "port.h"

/* Why a frame is not a Geneve datagram for this host (0: it is one). */
enum rt_xdp_ul {
	RT_XDP_UL_OK = 0,
	RT_XDP_UL_SHORT,	/* shorter than Ethernet + IPv4 + UDP headers */
	RT_XDP_UL_NOT_IP4,	/* EtherType not 0x0800 or IP version not 4 */
	RT_XDP_UL_IHL,		/* IHL < 5 */
	RT_XDP_UL_IP_LEN,	/* total length below IHL + 8 or past the frame */
	RT_XDP_UL_FRAG,		/* MF set or a fragment offset */
	RT_XDP_UL_NOT_UDP,	/* protocol not 17 */
	RT_XDP_UL_UDP_LEN,	/* UDP length below 8 or past the IPv4 payload */
	RT_XDP_UL_PORT,		/* UDP destination port not 6081 */
};

/*
 * Parse the LEN bytes of frame F: on RT_XDP_UL_OK, *PL and *PLEN are the
 * Geneve payload (inside F) and PK's peer (outer source address), peer_port,
 * tos and ttl are set.  On any other result nothing is written.
 */
enum rt_xdp_ul rt_xdp_ul_parse(const uint8_t *f, uint32_t len, struct rt_pkt *pk,
			       const uint8_t **pl, uint32_t *plen);

#endif
