/* SPDX-License-Identifier: MIT */
/* What the C benchmark drivers share: a monotonic clock in ns, the
 * thread's CPU time, the resident set size, a fixed-seed xorshift
 * generator (the same order on every run), and the hardware counters
 * perf stat reads (instructions, last-level cache misses) around one
 * timed loop. */
#ifndef GENV_BENCH_H
#define GENV_BENCH_H
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>

static inline double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* CPU time of this thread in ns: on a shared machine, a loop preempted
 * by another process is not charged for the other's time slice. */
static inline double cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
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

/* Instructions and cache misses of this thread (user space only), as
 * perf stat counts them.  fd[] < 0: not available (a VM without a PMU,
 * perf_event_paranoid): bench_pmu_read() then gives -1. */
struct bench_pmu {
	int fd[2];
};

static inline void bench_pmu_open(struct bench_pmu *p)
{
	static const uint64_t cfg[2] = { PERF_COUNT_HW_INSTRUCTIONS, PERF_COUNT_HW_CACHE_MISSES };

	for (int i = 0; i < 2; i++) {
		struct perf_event_attr a;

		memset(&a, 0, sizeof(a));
		a.size = sizeof(a);
		a.type = PERF_TYPE_HARDWARE;
		a.config = cfg[i];
		a.disabled = 1;
		a.exclude_kernel = 1;
		a.exclude_hv = 1;
		p->fd[i] = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	}
}

static inline void bench_pmu_start(const struct bench_pmu *p)
{
	for (int i = 0; i < 2; i++)
		if (p->fd[i] >= 0) {
			ioctl(p->fd[i], PERF_EVENT_IOC_RESET, 0);
			ioctl(p->fd[i], PERF_EVENT_IOC_ENABLE, 0);
		}
}

/* Stop; v[0] instructions, v[1] cache misses since bench_pmu_start(), -1 each when not counted. */
static inline void bench_pmu_read(const struct bench_pmu *p, double v[2])
{
	for (int i = 0; i < 2; i++) {
		uint64_t n;

		v[i] = -1;
		if (p->fd[i] < 0)
			continue;
		ioctl(p->fd[i], PERF_EVENT_IOC_DISABLE, 0);
		if (read(p->fd[i], &n, sizeof(n)) == (ssize_t)sizeof(n))
			v[i] = (double)n;
	}
}

#endif
