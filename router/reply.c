/* SPDX-License-Identifier: MIT */
/*
 * The router's answers: ICMP / ICMPv6 errors, ARP replies, neighbour
 * advertisements, echo replies and the ICMP limiter (see reply.h).
 * Layer: router; calls libcore's csum.h and cursor.h, tables.h (limiter
 * state only) and libc.  Nothing here decides, counts or traces: that is
 * pipeline.c's part.
 */
#include <string.h>
#include <linux/if_ether.h>
#include "../libcore/csum.h"
#include "../libcore/cursor.h"
#include "reply.h"

#define IP4_HLEN	20
#define IP6_HLEN	40
#define ICMP_HLEN	8
#define ICMP4_MAX	576	/* RFC 1812 4.3.2.3: the whole error */
#define ICMP6_MAX	1280	/* RFC 4443 2.4 (c) */

bool rt_reply_icmp_allowed(struct rt_tables *t, bool live)
{
	uint64_t interval = 1000000000ull / (t->cfg.lim.icmp_rate ? t->cfg.lim.icmp_rate : 1);
	uint64_t tat = t->run.icmp_tokens_ns > t->run.now_ns ? t->run.icmp_tokens_ns : t->run.now_ns;

	if (tat - t->run.now_ns > 1000000000ull - interval)
		return false;
	if (live)
		t->run.icmp_tokens_ns = tat + interval;
	return true;
}

/* Ethernet header at p; returns what follows it. */
static uint8_t *eth_put(uint8_t *p, const uint8_t dst[6], const uint8_t src[6], uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	gnv_put16(p + 12, type);
	return p + ETH_HLEN;
}

/* IPv6 header at h (traffic class and flow label 0); returns what follows. */
static uint8_t *ip6_put(uint8_t *h, uint16_t plen, uint8_t nh, uint8_t hlim,
			const uint8_t src[16], const uint8_t dst[16])
{
	gnv_put32(h, 0x60000000u);
	gnv_put16(h + 4, plen);
	h[6] = nh;
	h[7] = hlim;
	memcpy(h + 8, src, 16);
	memcpy(h + 24, dst, 16);
	return h + IP6_HLEN;
}

uint8_t *rt_reply_icmp_error(uint8_t *frame, size_t size, const struct gnv_layers *l,
			     const uint8_t mac[6], const uint8_t *from, uint8_t type,
			     uint8_t code, uint32_t mtu, size_t *rsize)
{
	const struct gnv_ip *ip = &l->ip;
	uint8_t *ipq = frame + ETH_HLEN, *r, *h, *ic;
	size_t quote = ip->tot_len < size - ETH_HLEN ? ip->tot_len : size - ETH_HLEN;
	size_t hdr;
	uint32_t sum;

	if (ip->version == 4) {
		hdr = ETH_HLEN + IP4_HLEN + ICMP_HLEN;
		if (quote > ICMP4_MAX - (IP4_HLEN + ICMP_HLEN))
			quote = ICMP4_MAX - (IP4_HLEN + ICMP_HLEN);
		r = ipq - hdr;
		h = eth_put(r, l->eth.src, mac, ETH_P_IP);
		h[0] = 0x45;
		h[1] = 0xc0;		/* network control precedence */
		gnv_put16(h + 2, (uint16_t)(IP4_HLEN + ICMP_HLEN + quote));
		gnv_put32(h + 4, 0);
		h[8] = 64;
		h[9] = 1;
		gnv_put16(h + 10, 0);
		memcpy(h + 12, from, 4);
		memcpy(h + 16, ip->src.a, 4);
		gnv_put16(h + 10, csum_fold(csum_partial(h, IP4_HLEN, 0)));
		ic = h + IP4_HLEN;
		ic[0] = type;
		ic[1] = code;
		gnv_put16(ic + 2, 0);
		gnv_put16(ic + 4, 0);
		gnv_put16(ic + 6, (uint16_t)mtu);
		sum = 0;
	} else {
		hdr = ETH_HLEN + IP6_HLEN + ICMP_HLEN;
		if (quote > ICMP6_MAX - (IP6_HLEN + ICMP_HLEN))
			quote = ICMP6_MAX - (IP6_HLEN + ICMP_HLEN);
		r = ipq - hdr;
		h = eth_put(r, l->eth.src, mac, ETH_P_IPV6);
		ic = ip6_put(h, (uint16_t)(ICMP_HLEN + quote), 58, 64, from, ip->src.a);
		ic[0] = type;
		ic[1] = code;
		gnv_put16(ic + 2, 0);
		gnv_put32(ic + 4, mtu);
		sum = csum_pseudo6(h + 8, h + 24, 58, (uint32_t)(ICMP_HLEN + quote));
	}
	gnv_put16(ic + 2, csum_fold(csum_partial(ic, ICMP_HLEN + quote, sum)));
	*rsize = hdr + quote;
	return r;
}

size_t rt_reply_arp(uint8_t *frame, const struct gnv_arp *arp, const uint8_t mac[6])
{
	uint8_t *p = eth_put(frame, arp->sha, mac, ETH_P_ARP);

	gnv_put16(p, 1);
	gnv_put16(p + 2, ETH_P_IP);
	p[4] = 6;
	p[5] = 4;
	gnv_put16(p + 6, 2);
	memcpy(p + 8, mac, 6);
	memcpy(p + 14, arp->tpa, 4);
	memcpy(p + 18, arp->sha, 6);
	memcpy(p + 24, arp->spa, 4);
	return RT_REPLY_ARP_SIZE;
}

uint8_t *rt_reply_na(uint8_t *frame, const uint8_t dmac[6], const uint8_t dst[16],
		     const uint8_t mac[6], const uint8_t target[16], bool router)
{
	uint8_t *r = frame - RT_REPLY_NA_SIZE, *h, *ic;

	h = eth_put(r, dmac, mac, ETH_P_IPV6);
	ic = ip6_put(h, 32, 58, 255, target, dst);
	ic[0] = 136;
	ic[1] = 0;
	gnv_put16(ic + 2, 0);
	/* Router (gateway or routed address), Solicited, Override */
	gnv_put32(ic + 4, (router ? 0x80000000u : 0) | 0x60000000u);
	memcpy(ic + 8, target, 16);
	ic[24] = 2;		/* target link-layer address */
	ic[25] = 1;
	memcpy(ic + 26, mac, 6);
	gnv_put16(ic + 2, csum_fold(csum_partial(ic, 32, csum_pseudo6(h + 8, h + 24, 58, 32))));
	return r;
}

void rt_reply_echo(uint8_t *frame, const struct gnv_layers *l, const uint8_t mac[6])
{
	uint8_t *h = frame + ETH_HLEN, *ic = frame + l->l4.off, tmp[16];

	memcpy(frame, l->eth.src, 6);
	memcpy(frame + 6, mac, 6);
	if (l->ip.version == 4) {
		uint16_t old = gnv_be16(h + 8);

		memcpy(tmp, h + 12, 4);
		memcpy(h + 12, h + 16, 4);
		memcpy(h + 16, tmp, 4);
		h[8] = 64;
		gnv_put16(h + 10, csum_update16(gnv_be16(h + 10), old, gnv_be16(h + 8)));
		ic[0] = 0;
		gnv_put16(ic + 2, csum_update16(gnv_be16(ic + 2), 0x0800, 0x0000));
	} else {
		memcpy(tmp, h + 8, 16);
		memcpy(h + 8, h + 24, 16);
		memcpy(h + 24, tmp, 16);
		h[7] = 64;
		ic[0] = 129;
		gnv_put16(ic + 2, csum_update16(gnv_be16(ic + 2), 128 << 8, 129 << 8));
	}
}
