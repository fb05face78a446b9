/* SPDX-License-Identifier: MIT */
/* The hop limit of forwarded packets (see hop.h).  Layer: router; pure. */
#include "hop.h"

enum rt_drop rt_hop_ttl(uint8_t in, uint8_t self, uint8_t *out)
{
	if (in == 1)
		return RT_DROP_TTL;
	/* a caller that does not know the TTL (0) starts a fresh count */
	*out = in && in - 1 < self ? (uint8_t)(in - 1) : self;
	return RT_DROP_NONE;
}
