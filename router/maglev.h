/* SPDX-License-Identifier: MIT */
/*
 * Maglev consistent hashing (Eisenbud et al., "Maglev: A Fast and
 * Reliable Software Network Load Balancer", NSDI 2016, section 3.4).
 *
 *   backend i: offset_i = h1(addr_i) mod M, skip_i = h2(addr_i) mod (M-1) + 1
 *   permutation_i[j] = (offset_i + j * skip_i) mod M
 *   round robin over the backends, each taking the next free slot of its
 *   permutation, until all M slots are filled:
 *
 *   slot:    0   1   2   3   4   5   6  ...  M-1
 *   backend: B2  B0  B1  B0  B3  B2  B1 ...  B0
 *
 * M is a prime >= 100 x the backends (so each backend's share is within
 * 1% of its weight's share), taken from tiers: 100 x 16, 64, 256 or 1024
 * backends (1601, 6421, 25601, 102407 slots), so that adding or removing
 * a backend keeps M (a new M would reshuffle every flow) until a tier is
 * crossed.  Weights: a backend of weight w takes a turn
 * in w of every wmax rounds.  A flow picks slot[(hash * M) >> 32]: one
 * multiply and one array load, no division on the packet path.  Adding
 * or removing a backend changes about 1/N of the slots (the paper's
 * disruption bound), because every other backend keeps its permutation.
 *
 * Tables are immutable once built: the control path builds a new one off
 * the packet path and swaps the pointer (rt_maglev_swap, a release
 * store; the packet path reads it with an acquire load), the old one is
 * retired and freed by rt_maglev_reclaim once the packet loop has
 * finished the batch that may still hold it.
 * Layer: router; calls libc only.
 */
#ifndef GENV_RT_MAGLEV_H
#define GENV_RT_MAGLEV_H

#include <stdint.h>
#include <stddef.h>

#define RT_MAGLEV_MAX_BACKENDS	1024
#define RT_MAGLEV_MAX_WEIGHT	100
#define RT_MAGLEV_FACTOR	100	/* table size >= FACTOR x backends */
#define RT_MAGLEV_MIN_TIER	16	/* tiers of 16, 64, 256, 1024 backends */

struct rt_maglev {
	uint32_t size;			/* M, a prime */
	uint32_t nbackend;
	struct rt_maglev *retired;	/* rt_maglev_reclaim's list */
	uint16_t slot[];		/* [size]: backend index */
};

/* Backend keys are 16-byte addresses (IPv4 in the first 4 bytes). */
struct rt_maglev_backend {
	uint8_t addr[16];
	uint16_t weight;		/* 1..RT_MAGLEV_MAX_WEIGHT; 0 is taken as 1 */
};

/* The smallest prime >= n. */
uint32_t rt_maglev_prime(uint32_t n);
/* M for n backends (its tier). */
uint32_t rt_maglev_size(uint32_t n);
/* A table for n (1..RT_MAGLEV_MAX_BACKENDS) backends, or NULL (n out of
 * range, out of memory).  Same backends in the same order: same table. */
struct rt_maglev *rt_maglev_build(const struct rt_maglev_backend *b, uint32_t n);
/* The same with the backends flagged in down[n] (non-zero) taking no
 * turns: same M, and every other backend keeps its permutation, so only
 * the down backends' slots move (health.h).  down NULL, or every backend
 * down: all take turns (a table with no backend cannot route). */
struct rt_maglev *rt_maglev_build_up(const struct rt_maglev_backend *b, uint32_t n,
				     const uint8_t *down);
void rt_maglev_free(struct rt_maglev *m);

/* The backend of a flow hash (packet path). */
static inline uint32_t rt_maglev_pick(const struct rt_maglev *m, uint32_t hash)
{
	return m->slot[((uint64_t)hash * m->size) >> 32];
}

/* Slots of each backend (count[nbackend]), for show and tests. */
void rt_maglev_shares(const struct rt_maglev *m, uint32_t *count);

/* Publish a new table at *slot; the old one goes on *retired. */
void rt_maglev_swap(struct rt_maglev **slot, struct rt_maglev *m, struct rt_maglev **retired);
/* The table readers see now. */
static inline const struct rt_maglev *rt_maglev_get(struct rt_maglev *const *slot)
{
	return __atomic_load_n(slot, __ATOMIC_ACQUIRE);
}
/* Free the retired tables (no reader holds them any more). */
void rt_maglev_reclaim(struct rt_maglev **retired);

#endif
