/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: the underlay frame parser of AF_XDP ports
 * (router/xdp_frame.c).  The input is one received frame.
 *
 * Invariants: a result is one of enum rt_xdp_ul; an accepted frame is
 * Ethernet/IPv4/UDP to 6081 whose payload lies inside the frame, after
 * the headers and within the IPv4 total length, with the outer source,
 * TTL and TOS copied from the header; a rejected frame leaves every
 * output untouched.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/cursor.h"
#include "../../router/xdp_frame.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rt_pkt pk, orig;
	const uint8_t *pl = NULL;
	uint32_t plen = 0xdeadbeef, ihl;
	enum rt_xdp_ul r;

	if (size > UINT32_MAX)
		return 0;
	memset(&pk, 0xa5, sizeof(pk));
	orig = pk;
	r = rt_xdp_ul_parse(data, (uint32_t)size, &pk, &pl, &plen);
	if (r > RT_XDP_UL_PORT)
		__builtin_trap();
	if (r != RT_XDP_UL_OK) {
		if (pl || plen != 0xdeadbeef || memcmp(&pk, &orig, sizeof(pk)))
			__builtin_trap();	/* nothing written on a rejected frame */
		return 0;
	}
	ihl = (data[14] & 15u) * 4;
	if (size < 42 || gnv_be16(data + 12) != 0x0800 || data[14] >> 4 != 4 || ihl < 20 ||
	    data[23] != 17 || (gnv_be16(data + 20) & 0x3fff) ||
	    gnv_be16(data + 14 + ihl + 2) != GNV_PORT)
		__builtin_trap();
	if (pl != data + 14 + ihl + 8 || plen > size - (size_t)(pl - data) ||
	    (size_t)(pl - data) + plen > 14u + gnv_be16(data + 16))
		__builtin_trap();
	if (pk.peer.family != 4 || memcmp(pk.peer.a, data + 26, 4) ||
	    pk.peer_port != gnv_be16(data + 14 + ihl) || pk.ttl != data[22] || pk.tos != data[15])
		__builtin_trap();
	/* touch every payload byte: ASan flags any that lie outside the input */
	volatile uint8_t sum = 0;
	for (uint32_t i = 0; i < plen; i++)
		sum ^= pl[i];
	(void)sum;
	return 0;
}
