/* SPDX-License-Identifier: MIT */
/* Maglev tables (maglev.h). */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include "maglev.h"

static bool is_prime(uint32_t n)
{
	if (n < 2)
		return false;
	for (uint32_t d = 2; (uint64_t)d * d <= n; d++)
		if (n % d == 0)
			return false;
	return true;
}

uint32_t rt_maglev_prime(uint32_t n)
{
	while (!is_prime(n))
		n++;
	return n;
}

uint32_t rt_maglev_size(uint32_t n)
{
	uint32_t tier = RT_MAGLEV_MIN_TIER;

	while (tier < n)
		tier *= 4;
	return rt_maglev_prime(tier * RT_MAGLEV_FACTOR);
}

/* Two independent 64-bit hashes of an address (FNV-1a then a finaliser,
 * different seeds). */
static uint64_t addr_hash(const uint8_t *a, uint64_t seed)
{
	uint64_t h = 0xcbf29ce484222325ull ^ seed;

	for (int i = 0; i < 16; i++) {
		h ^= a[i];
		h *= 0x100000001b3ull;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

struct rt_maglev *rt_maglev_build(const struct rt_maglev_backend *b, uint32_t n)
{
	return rt_maglev_build_up(b, n, NULL);
}

struct rt_maglev *rt_maglev_build_up(const struct rt_maglev_backend *b, uint32_t n,
				     const uint8_t *down)
{
	struct rt_maglev *m;
	uint32_t *off = NULL, *skip = NULL, *next = NULL, M, filled = 0, wmax = 1, nup = 0;
	uint16_t *w = NULL;

	if (!n || n > RT_MAGLEV_MAX_BACKENDS)
		return NULL;
	for (uint32_t i = 0; down && i < n; i++)
		nup += !down[i];
	if (!nup)
		down = NULL;	/* all down: all take turns (fail open) */
	M = rt_maglev_size(n);
	m = malloc(sizeof(*m) + (size_t)M * sizeof(m->slot[0]));
	off = malloc(n * sizeof(*off));
	skip = malloc(n * sizeof(*skip));
	next = calloc(n, sizeof(*next));
	w = malloc(n * sizeof(*w));
	if (!m || !off || !skip || !next || !w) {
		free(m);
		m = NULL;
		goto out;
	}
	m->size = M;
	m->nbackend = n;
	m->retired = NULL;
	memset(m->slot, 0xff, (size_t)M * sizeof(m->slot[0]));
	for (uint32_t i = 0; i < n; i++) {
		off[i] = (uint32_t)(addr_hash(b[i].addr, 0x6d61676c) % M);
		skip[i] = (uint32_t)(addr_hash(b[i].addr, 0x65763132) % (M - 1)) + 1;
		w[i] = b[i].weight ? b[i].weight : 1;
		if (w[i] > wmax)
			wmax = w[i];
	}
	/* round r: backend i takes a turn when floor(r * w / wmax) steps */
	for (uint64_t r = 0; filled < M; r++)
		for (uint32_t i = 0; i < n && filled < M; i++) {
			uint32_t c;

			if ((r + 1) * w[i] / wmax == r * w[i] / wmax || (down && down[i]))
				continue;
			do {
				c = (uint32_t)((off[i] + (uint64_t)next[i] * skip[i]) % M);
				next[i]++;
			} while (m->slot[c] != 0xffff);
			m->slot[c] = (uint16_t)i;
			filled++;
		}
out:
	free(off);
	free(skip);
	free(next);
	free(w);
	return m;
}

void rt_maglev_free(struct rt_maglev *m)
{
	free(m);
}

void rt_maglev_shares(const struct rt_maglev *m, uint32_t *count)
{
	memset(count, 0, m->nbackend * sizeof(*count));
	for (uint32_t i = 0; i < m->size; i++)
		count[m->slot[i]]++;
}

void rt_maglev_swap(struct rt_maglev **slot, struct rt_maglev *m, struct rt_maglev **retired)
{
	struct rt_maglev *old = __atomic_exchange_n(slot, m, __ATOMIC_ACQ_REL);

	if (old) {
		old->retired = *retired;
		*retired = old;
	}
}

void rt_maglev_reclaim(struct rt_maglev **retired)
{
	struct rt_maglev *m = *retired;

	*retired = NULL;
	while (m) {
		struct rt_maglev *nx = m->retired;

		free(m);
		m = nx;
	}
}
