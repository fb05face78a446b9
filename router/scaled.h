/* SPDX-License-Identifier: MIT */
/*
 * A scaled endpoint's backends and Maglev table (ep_scaled.h tells what
 * scaled endpoints do with them).  The tables own one per endpoint with
 * backends (rt_ep.sc); the control path checks, builds and swaps here.
 * Layer: router, below the tables; calls maglev and libc.
 */
#ifndef GENV_RT_SCALED_H
#define GENV_RT_SCALED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "maglev.h"

struct rt_scaled {
	uint32_t n;				/* backends */
	struct rt_maglev_backend b[RT_MAGLEV_MAX_BACKENDS];
	uint64_t flows[RT_MAGLEV_MAX_BACKENDS];	/* new flows given to each */
	uint64_t pinned;			/* packets that followed a pinned choice */
	struct rt_maglev *tab;			/* rt_maglev_get(); never NULL */
};

/* The backends b[n] of endpoint vip (IPv`family`): count, not the VIP,
 * no repeats, weights.  0 or -EINVAL with a message. */
int rt_scaled_check(int family, const uint8_t *vip, const struct rt_maglev_backend *b, uint32_t n,
		    char *err, size_t errsz);
/* Build the new table (and state when the endpoint has none yet), before
 * anything is committed.  -ENOMEM with a message. */
struct rt_scaled_new {
	struct rt_scaled *sc;		/* fresh state, or NULL: the endpoint's is reused */
	struct rt_maglev *tab;
};
int rt_scaled_prepare(bool has_state, const struct rt_maglev_backend *b, uint32_t n,
		      struct rt_scaled_new *out, char *err, size_t errsz);
/* Commit into *sc: the table swapped in (the old one onto *retired), the
 * backend list replaced (flow counts kept for backends that stay); n 0
 * releases *sc.  Returns the change in the number of states (-1, 0, 1). */
int rt_scaled_install(struct rt_scaled **sc, struct rt_maglev **retired,
		      const struct rt_maglev_backend *b, uint32_t n, struct rt_scaled_new *nw);
/* Free *sc (its table onto *retired).  -1 when there was one, else 0. */
int rt_scaled_release(struct rt_scaled **sc, struct rt_maglev **retired);

#endif
