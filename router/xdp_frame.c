/* SPDX-License-Identifier: MIT */
/*
 * Underlay frames of AF_XDP ports (see xdp_frame.h).  Every read is at an
 * offset checked against LEN first: 14 + IHL + 8 <= 14 + total <= LEN.
 * Layer: router; calls libcore (cursor.h) and libc.
 */
#include <string.h>
#include "../libcore/cursor.h"
#include "xdp_frame.h"

#define ETH_HLEN	14
#define IP4_HLEN	20
#define UDP_HLEN	8

enum rt_xdp_ul rt_xdp_ul_parse(const uint8_t *f, uint32_t len, struct rt_pkt *pk,
			       const uint8_t **pl, uint32_t *plen)
{
	const uint8_t *ip = f + ETH_HLEN, *udp;
	uint32_t ihl, tot, ulen;

	if (len < ETH_HLEN + IP4_HLEN + UDP_HLEN)
		return RT_XDP_UL_SHORT;
	if (gnv_be16(f + 12) != 0x0800 || (ip[0] >> 4) != 4)
		return RT_XDP_UL_NOT_IP4;
	ihl = (ip[0] & 15u) * 4;
	if (ihl < IP4_HLEN)
		return RT_XDP_UL_IHL;
	tot = gnv_be16(ip + 2);
	if (tot < ihl + UDP_HLEN || tot > len - ETH_HLEN)
		return RT_XDP_UL_IP_LEN;
	if (gnv_be16(ip + 6) & 0x3fff)	/* MF or an offset: no UDP header to trust */
		return RT_XDP_UL_FRAG;
	if (ip[9] != 17)
		return RT_XDP_UL_NOT_UDP;
	udp = ip + ihl;
	ulen = gnv_be16(udp + 4);
	if (ulen < UDP_HLEN || ulen > tot - ihl)
		return RT_XDP_UL_UDP_LEN;
	if (gnv_be16(udp + 2) != GNV_PORT)
		return RT_XDP_UL_PORT;
	memset(&pk->peer, 0, sizeof(pk->peer));
	pk->peer.family = 4;
	memcpy(pk->peer.a, ip + 12, 4);
	pk->peer_port = gnv_be16(udp);
	pk->tos = ip[1];
	pk->ttl = ip[8];
	*pl = udp + UDP_HLEN;
	*plen = ulen - UDP_HLEN;
	return RT_XDP_UL_OK;
}
