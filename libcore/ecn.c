/* SPDX-License-Identifier: MIT */
/* RFC 6040 ECN decapsulation and the IP DS field (see ecn.h). */
#include "ecn.h"
#include "csum.h"
#include "cursor.h"

int gnv_ecn_decap(uint8_t outer, uint8_t inner)
{
	outer &= 3;
	inner &= 3;
	if (outer == GNV_ECN_CE)
		return inner == GNV_ECN_NOT_ECT ? GNV_ECN_DROP : GNV_ECN_CE;
	/* an ECT(1) outer upgrades ECT(0) (section 4.2); nothing else changes */
	if (outer == GNV_ECN_ECT1 && inner == GNV_ECN_ECT0)
		return GNV_ECN_ECT1;
	return inner;
}

const char *gnv_ecn_name(uint8_t ecn)
{
	static const char *const n[4] = { "not-ect", "ect1", "ect0", "ce" };

	return n[ecn & 3];
}

uint8_t gnv_ip_ds(const uint8_t *ip, int version)
{
	if (version == 4)
		return ip[1];
	return (uint8_t)((ip[0] & 0x0f) << 4 | ip[1] >> 4);
}

void gnv_ip_set_ds(uint8_t *ip, int version, uint8_t ds)
{
	if (version == 4) {
		uint16_t old = gnv_be16(ip), now;

		ip[1] = ds;
		now = gnv_be16(ip);
		gnv_put16(ip + 10, csum_update16(gnv_be16(ip + 10), old, now));
	} else {
		ip[0] = (uint8_t)((ip[0] & 0xf0) | ds >> 4);
		ip[1] = (uint8_t)((ip[1] & 0x0f) | (ds & 0x0f) << 4);
	}
}
