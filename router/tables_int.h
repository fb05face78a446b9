/* SPDX-License-Identifier: MIT */
/*
 * Private to tables.c and tables_edit.c: the hash functions of the table
 * indexes, shared so that a lookup (tables.c) and the edit that inserted
 * the key (tables_edit.c) agree on its slot.  Inline: every lookup hashes.
 * Header only; uses prefix.h, libcore/pkt.h and libc.
 * Layer: router; calls libcore/pkt, prefix and libc.
 */
#ifndef GENV_RT_TABLES_INT_H
#define GENV_RT_TABLES_INT_H

#include <stdint.h>
#include <string.h>
#include "../libcore/pkt.h"
#include "prefix.h"

static inline uint64_t rt_hash_mix64_(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static inline uint64_t rt_hash_load64_(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static inline uint32_t rt_hash_key_(uint32_t a, int family, const uint8_t *ip, uint32_t b)
{
	uint64_t h = ((uint64_t)a << 8 | (uint64_t)family) ^ ((uint64_t)b << 40);

	h = rt_hash_mix64_(h ^ rt_hash_load64_(ip));
	if (family == 6)
		h = rt_hash_mix64_(h ^ rt_hash_load64_(ip + 8));
	/* the top bit marks a used slot; the low bits pick the home slot */
	return (uint32_t)h | 0x80000000u;
}

static inline uint32_t rt_hash_ep(uint32_t vni, int family, const uint8_t *ip)
{
	return rt_hash_key_(vni, family, ip, 0);
}

static inline uint32_t rt_hash_net(uint32_t vni, const struct rt_prefix *p)
{
	return rt_hash_key_(vni, p->family, p->a, (uint32_t)p->len + 1);
}

static inline uint32_t rt_hash_vpc(uint32_t vni)
{
	return (uint32_t)rt_hash_mix64_((uint64_t)vni + 0x9e3779b97f4a7c15ull) | 0x80000000u;
}

static inline uint32_t rt_hash_addr(const struct gnv_addr *a)
{
	return rt_hash_key_(0xabcdu, a->family, a->a, 7);
}

/* (VPC index, host address hash) of the trust table: the low bits pick
 * the slot.  Keyed by the address, not the host index, so the packet path
 * finds a sender's entry from its outer source in one lookup. */
static inline uint32_t rt_hash_vpc_addr(uint32_t vpc, uint32_t addr_hash)
{
	return (uint32_t)rt_hash_mix64_(((uint64_t)vpc << 32 | addr_hash) ^ 0x2545f4914f6cdd1dull);
}

/* The same for an interned host (its address is stored zero-padded). */
static inline uint32_t rt_hash_vpc_host(const struct rt_config *c, uint32_t vpc, uint32_t host)
{
	return rt_hash_vpc_addr(vpc, rt_hash_addr(&c->host[host].addr));
}

/* Namespaces by (VNI, name); identities by (VNI, number). */
static inline uint32_t rt_hash_ns(uint32_t vni, const char *name)
{
	uint64_t h = 0xcbf29ce484222325ull ^ vni;

	for (; *name; name++)
		h = (h ^ (uint8_t)*name) * 0x100000001b3ull;
	return (uint32_t)rt_hash_mix64_(h) | 0x80000000u;
}

static inline uint32_t rt_hash_ident(uint32_t vni, uint32_t id)
{
	return (uint32_t)rt_hash_mix64_((uint64_t)vni << 32 ^ id ^ 0x6a09e667f3bcc909ull) | 0x80000000u;
}

#endif
