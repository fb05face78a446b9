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

/* Health checks of a scaled endpoint's backends (`health on|off`,
 * `health-interval MS`, `health-timeout MS`; health.h).  0 = default. */
#define RT_HL_INTERVAL_MS	1000
#define RT_HL_TIMEOUT_MS	3000
struct rt_hl_cfg {
	bool on;
	uint32_t interval_ms, timeout_ms;	/* 0: the defaults above */
};

/* Why a backend is out of the Maglev table (rt_scaled.down[]). */
enum {
	RT_SC_DOWN_HEALTH = 1,	/* health checks: no answer from its host (health.c) */
	RT_SC_DOWN_HOST = 2,	/* every host of it is marked down: its router's
				 * lease in the store expired (store_live.c) */
};

struct rt_scaled {
	uint32_t n;				/* backends */
	struct rt_hl_cfg hc;			/* health checks (health.h) */
	uint32_t ndown;				/* backends out of the table */
	bool hl_dirty;				/* tab is to be rebuilt without them */
	uint64_t hl_down, hl_up;		/* transitions counted */
	uint64_t hl_repinned;			/* flows moved off a down backend */
	uint8_t down[RT_MAGLEV_MAX_BACKENDS];	/* 0 up, RT_SC_DOWN_* */
	struct rt_maglev_backend b[RT_MAGLEV_MAX_BACKENDS];
	uint64_t flows[RT_MAGLEV_MAX_BACKENDS];	/* new flows given to each */
	uint64_t pinned;			/* packets that followed a pinned choice */
	struct rt_maglev *tab;			/* rt_maglev_get(); never NULL */
};

/* Backend i is down and another is up: its flows go elsewhere (a pin to
 * it is replaced on the flow's next packet). */
static inline bool rt_scaled_dead(const struct rt_scaled *sc, uint32_t i)
{
	return sc->down[i] && sc->ndown < sc->n;
}

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
 * backend list replaced (flow counts and health states kept for backends
 * that stay; with one of them down the table is marked (hl_dirty) for
 * rt_scaled_settle to rebuild without it); n 0
 * releases *sc.  Returns the change in the number of states (-1, 0, 1). */
int rt_scaled_install(struct rt_scaled **sc, struct rt_maglev **retired,
		      const struct rt_maglev_backend *b, uint32_t n, struct rt_scaled_new *nw);
/* Make the table match the health states now: rebuilt without the down
 * backends when marked (hl_dirty), with every backend when health is off
 * and some are out.  Called by the command language right after a change
 * (before its reply: a flow moves on its next packet) and by the health
 * tick.  false when out of memory: hl_dirty stays, the next tick retries. */
bool rt_scaled_settle(struct rt_scaled *sc, struct rt_maglev **retired);
/* Free *sc (its table onto *retired).  -1 when there was one, else 0. */
int rt_scaled_release(struct rt_scaled **sc, struct rt_maglev **retired);

#endif
