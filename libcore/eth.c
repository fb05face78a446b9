/* SPDX-License-Identifier: MIT */
/*
 * Ethernet II with up to two 802.1Q/802.1ad tags, and ARP for IPv4 over
 * Ethernet (RFC 826).
 *
 *   | dst MAC (6) | src MAC (6) | [TPID (2) | TCI (2)]... | EtherType (2) |
 *
 * Layer: libcore, a layer parser below decode.c; calls pkt_err.c,
 * cursor.h and libc.
 */
#include <string.h>
#include "layers.h"

bool gnv_decode_eth(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_eth *eth)
{
	const uint8_t *p;
	uint16_t type;

	eth->off = (uint32_t)c->off;
	p = gnv_cur_pull(c, 14);
	if (!p) {
		gnv_pkt_trunc(pk, c, 14, GNV_E_ETH_TRUNC, c->off);
		return false;
	}
	eth->present = true;
	memcpy(eth->dst, p, 6);
	memcpy(eth->src, p + 6, 6);
	type = gnv_be16(p + 12);
	while (type == 0x8100 || type == 0x88a8 || type == 0x9100) {
		if (eth->nvlan == GNV_MAX_VLANS) {
			gnv_pkt_error(pk, GNV_E_VLAN_DEPTH, c->off - 2);
			eth->type = type;
			return false;
		}
		p = gnv_cur_pull(c, 4);
		if (!p) {
			gnv_pkt_trunc(pk, c, 4, GNV_E_VLAN_TRUNC, c->off);
			eth->type = type;
			return false;
		}
		eth->vlan[eth->nvlan].tpid = type;
		eth->vlan[eth->nvlan].tci = gnv_be16(p);
		eth->nvlan++;
		type = gnv_be16(p + 2);
	}
	eth->type = type;
	return true;
}

bool gnv_decode_arp(struct gnv_pkt *pk, struct gnv_cur *c, struct gnv_arp *arp)
{
	const uint8_t *p;

	arp->off = (uint32_t)c->off;
	p = gnv_cur_pull(c, 8);
	if (!p) {
		gnv_pkt_trunc(pk, c, 8, GNV_E_ARP_TRUNC, c->off);
		return false;
	}
	arp->present = true;
	arp->htype = gnv_be16(p);
	arp->ptype = gnv_be16(p + 2);
	arp->hlen = p[4];
	arp->plen = p[5];
	arp->op = gnv_be16(p + 6);
	if (arp->hlen != 6 || arp->plen != 4) {
		gnv_pkt_error(pk, GNV_E_ARP_FORMAT, arp->off + 4);
		return false;
	}
	p = gnv_cur_pull(c, 20);
	if (!p) {
		gnv_pkt_trunc(pk, c, 20, GNV_E_ARP_TRUNC, c->off);
		return false;
	}
	memcpy(arp->sha, p, 6);
	memcpy(arp->spa, p + 6, 4);
	memcpy(arp->tha, p + 10, 6);
	memcpy(arp->tpa, p + 16, 4);
	return true;
}
