/* SPDX-License-Identifier: MIT */
/*
 * A small multiply-xorshift hash over the flow fields (no table, no state).
 *
 * Layer: libcore; calls only pkt.h and libc.
 */
#include <string.h>
#include "flowhash.h"

static inline uint32_t mix(uint32_t h, uint32_t k)
{
	k *= 0xcc9e2d51u;
	k = (k << 15) | (k >> 17);
	k *= 0x1b873593u;
	h ^= k;
	h = (h << 13) | (h >> 19);
	return h * 5 + 0xe6546b64u;
}

static inline uint32_t fin(uint32_t h, uint32_t n)
{
	h ^= n;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* inlined where n is a constant (an address: 4 or 16), so the loop unrolls */
static inline uint32_t hash_bytes(const uint8_t *b, uint32_t n, uint32_t seed)
{
	uint32_t h = seed, i;

	for (i = 0; i + 4 <= n; i += 4)
		h = mix(h, (uint32_t)b[i] | (uint32_t)b[i + 1] << 8 |
			   (uint32_t)b[i + 2] << 16 | (uint32_t)b[i + 3] << 24);
	if (i < n) {
		uint32_t k = 0;

		for (uint32_t s = 0; i < n; i++, s += 8)
			k |= (uint32_t)b[i] << s;
		h = mix(h, k);
	}
	return fin(h, n);
}

uint32_t flow_hash_bytes(const void *p, uint32_t n, uint32_t seed)
{
	return hash_bytes(p, n, seed);
}

uint32_t flow_hash_layers(const struct gnv_layers *l, uint32_t seed)
{
	uint32_t h = seed;

	if (l->ip.version) {
		if (l->ip.version == 4) {
			h = hash_bytes(l->ip.src.a, 4, h);
			h = hash_bytes(l->ip.dst.a, 4, h);
		} else {
			h = hash_bytes(l->ip.src.a, 16, h);
			h = hash_bytes(l->ip.dst.a, 16, h);
		}
		h = mix(h, l->ip.proto);
		if (l->ip.version == 6 && !l->l4.proto)
			h = mix(h, l->ip.flow_label);
		if (l->l4.proto == 6 || l->l4.proto == 17 || l->l4.proto == 132)
			h = mix(h, (uint32_t)l->l4.sport << 16 | l->l4.dport);
		return fin(h, 37);
	}
	if (l->eth.present) {
		h = hash_bytes(l->eth.src, 6, h);
		h = hash_bytes(l->eth.dst, 6, h);
		h = mix(h, l->eth.type);
	}
	return fin(h, 13);
}

uint16_t flow_sport(uint32_t hash)
{
	/* 16384 ports in the range; take high bits (better mixed) */
	return (uint16_t)(FLOW_SPORT_MIN +
			  (((uint64_t)hash * (FLOW_SPORT_MAX - FLOW_SPORT_MIN + 1)) >> 32));
}
