/* SPDX-License-Identifier: MIT */
/* A scaled endpoint's backends and Maglev table (scaled.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "prefix.h"
#include "scaled.h"

#define FAIL(code, ...) do { snprintf(err, errsz, __VA_ARGS__); return -(code); } while (0)

int rt_scaled_check(int family, const uint8_t *vip, const struct rt_maglev_backend *b, uint32_t n,
		    char *err, size_t errsz)
{
	char a[RT_ADDR_STR];

	if (n > RT_MAGLEV_MAX_BACKENDS)
		FAIL(EINVAL, "at most %d backends", RT_MAGLEV_MAX_BACKENDS);
	for (unsigned int i = 0; i < n; i++) {
		rt_addr_fmt(a, sizeof(a), family, b[i].addr);
		if (!memcmp(b[i].addr, vip, 16))
			FAIL(EINVAL, "backend %s is the scaled endpoint itself", a);
		if (b[i].weight < 1 || b[i].weight > RT_MAGLEV_MAX_WEIGHT)
			FAIL(EINVAL, "backend %s: weight %u out of range 1..%d", a, b[i].weight,
			     RT_MAGLEV_MAX_WEIGHT);
		for (unsigned int j = 0; j < i; j++)
			if (!memcmp(b[j].addr, b[i].addr, 16))
				FAIL(EINVAL, "backend %s given twice", a);
	}
	return 0;
}

int rt_scaled_prepare(bool has_state, const struct rt_maglev_backend *b, uint32_t n,
		      struct rt_scaled_new *out, char *err, size_t errsz)
{
	memset(out, 0, sizeof(*out));
	if (!n)
		return 0;
	out->tab = rt_maglev_build(b, n);
	if (!out->tab)
		FAIL(ENOMEM, "out of memory for the Maglev table of %u backends", n);
	if (!has_state) {
		out->sc = calloc(1, sizeof(*out->sc));
		if (!out->sc) {
			rt_maglev_free(out->tab);
			out->tab = NULL;
			FAIL(ENOMEM, "out of memory");
		}
	}
	return 0;
}

int rt_scaled_release(struct rt_scaled **scp, struct rt_maglev **retired)
{
	struct rt_scaled *sc = *scp;

	if (!sc)
		return 0;
	rt_maglev_swap(&sc->tab, NULL, retired);
	free(sc);
	*scp = NULL;
	return -1;
}

bool rt_scaled_settle(struct rt_scaled *sc, struct rt_maglev **retired)
{
	struct rt_maglev *m;

	/* health off: what health checks took out comes back; a backend the
	 * store marked down (its host's lease expired) stays out */
	for (uint32_t i = 0; !sc->hc.on && sc->ndown && i < sc->n; i++)
		if (sc->down[i] == RT_SC_DOWN_HEALTH) {
			sc->down[i] = 0;
			sc->ndown--;
			sc->hl_dirty = true;
		}
	if (!sc->hl_dirty)
		return true;
	m = rt_maglev_build_up(sc->b, sc->n, sc->down);
	if (!m)
		return false;
	sc->hl_dirty = false;
	rt_maglev_swap(&sc->tab, m, retired);
	return true;
}

int rt_scaled_install(struct rt_scaled **scp, struct rt_maglev **retired,
		      const struct rt_maglev_backend *b, uint32_t n, struct rt_scaled_new *nw)
{
	uint64_t flows[RT_MAGLEV_MAX_BACKENDS];
	uint8_t down[RT_MAGLEV_MAX_BACKENDS];
	struct rt_scaled *sc;
	uint32_t ndown = 0;
	int delta = 0;

	if (!n)
		return rt_scaled_release(scp, retired);
	if (nw->sc) {
		delta = rt_scaled_release(scp, retired) + 1;
		*scp = nw->sc;
	}
	sc = *scp;
	/* flow counts and health states follow their backend's address */
	for (unsigned int i = 0; i < n; i++) {
		flows[i] = 0;
		down[i] = 0;
		for (unsigned int j = 0; j < sc->n; j++)
			if (!memcmp(sc->b[j].addr, b[i].addr, 16)) {
				flows[i] = sc->flows[j];
				down[i] = sc->down[j];
			}
		ndown += down[i] != 0;
	}
	memcpy(sc->b, b, n * sizeof(sc->b[0]));
	memcpy(sc->flows, flows, n * sizeof(flows[0]));
	memcpy(sc->down, down, n);
	sc->ndown = ndown;
	sc->hl_dirty = ndown > 0;
	sc->n = n;
	rt_maglev_swap(&sc->tab, nw->tab, retired);
	nw->sc = NULL;
	nw->tab = NULL;
	return delta;
}
