/* SPDX-License-Identifier: MIT */
/*
 * genv top: take the next sample of the source (a capture moved on by
 * step_ns, or the router asked once) and compute its rates.  Shared by
 * the batch loop (cmd/top.c) and the screen (top/ui.c).
 * May call: the model (top/model.c) and the sources (top/pcap.c,
 * top/router.c), declared in top.h.
 */
#include <time.h>
#include "top.h"

uint64_t top_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

int top_sample(struct top_state *st, uint64_t step_ns, uint32_t vni)
{
	struct top_snap *prev = &st->snap[st->cur], *s = &st->snap[st->cur ^ 1];
	int ret;

	if (st->pcap) {
		uint64_t t;

		if (st->eof)
			return 1;
		t = st->replay_ns + step_ns;
		if (t < st->replay_ns)
			t = UINT64_MAX;
		ret = top_pcap_advance(st->pcap, t, st->err, sizeof(st->err));
		if (ret < 0)
			return ret;
		if (ret == 1) {
			/* the end: the last snapshot is at the last frame */
			st->eof = true;
			if (top_pcap_last(st->pcap) < t)
				t = top_pcap_last(st->pcap);
			if (t < st->replay_ns)
				t = st->replay_ns;
		}
		ret = top_pcap_snap(st->pcap, t, vni, s);
		if (ret) {
			snprintf(st->err, sizeof(st->err), "out of memory");
			return ret;
		}
		if (st->eof && st->samples && s->frames == prev->frames) {
			prev->eof = true;
			return 1;	/* nothing new since the previous snapshot */
		}
		st->replay_ns = t;
	} else {
		bool fresh;

		ret = top_router_sample(st->router, vni, s, &fresh, st->err, sizeof(st->err));
		if (ret) {
			st->have_prev = false;
			return ret;
		}
		if (fresh || !st->have_prev)
			s->start_ns = s->t_ns;
		else
			s->start_ns = prev->start_ns;
		if (fresh)
			st->have_prev = false;
	}
	top_rates(st->have_prev ? prev : NULL, s);
	st->cur ^= 1;
	st->have_prev = true;
	st->samples++;
	return 0;
}
