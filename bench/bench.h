/* SPDX-License-Identifier: MIT */
/* What the C benchmark drivers share: a monotonic clock in ns, the
 * resident set size, a fixed-seed xorshift generator (the same order on
 * every run). */
#ifndef GENV_BENCH_H
#define GENV_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* VmRSS in KiB, or -1 */
static inline long rss_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtol(line + 6, NULL, 10);
	fclose(f);
	return kb;
}

static uint64_t bench_rng = 88172645463325252ull;

static inline uint64_t next(void)
{
	bench_rng ^= bench_rng << 13;
	bench_rng ^= bench_rng >> 7;
	bench_rng ^= bench_rng << 17;
	return bench_rng;
}

/* 0 .. n-1 in an order next() shuffles (Fisher-Yates), malloc'd; NULL
 * when out of memory. */
static inline uint32_t *shuffled(uint32_t n)
{
	uint32_t *o = malloc(sizeof(*o) * (n ? n : 1));

	if (!o)
		return NULL;
	for (uint32_t i = 0; i < n; i++)
		o[i] = i;
	for (uint32_t i = n ? n - 1 : 0; i > 0; i--) {
		uint32_t j = (uint32_t)(next() % (i + 1)), x = o[i];

		o[i] = o[j];
		o[j] = x;
	}
	return o;
}

#endif
