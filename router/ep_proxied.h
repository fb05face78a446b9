/* SPDX-License-Identifier: MIT */
/*
 * Proxied endpoints: an endpoint of a VPC whose traffic goes to its proxy,
 * another endpoint of the same VPC (a sidecar, a middlebox):
 *   add ep VNI IP mac MAC type proxied proxy PROXY-IP port|host ...
 *
 * Who redirects: the sender's router, which holds the endpoint like every
 * router of the VPC (as for scaled endpoints, ep_scaled.h).  A packet to
 * the endpoint from anyone but the proxy has its inner destination
 * rewritten from the endpoint to the proxy (the proxy is the endpoint's
 * one "backend": the same DNAT, connection-tracking pin and reply rewrite
 * as a scaled endpoint, so the proxy answers with its own socket and the
 * client sees the endpoint's address as the source of the answers), and
 * is encapsulated to the proxy's host with the endpoint-type option
 * saying `proxied` and the original-destination option (type 0x07,
 * genv-options(7)) naming the endpoint's address and MAC, the one place
 * the original destination still travels, for the proxy to act on.
 * The proxy's own packets to the endpoint go to it unchanged.
 *
 * The receiving host checks the option's layout (proxy.malformed) and
 * delivers to the proxy.  A packet for a proxied endpoint that arrives
 * from the underlay from a source other than its proxy did not pass the
 * proxy and is dropped (proxy.bypass).
 *
 * Layer: router, above the tables; calls tables, scaled, libcore.
 */
#ifndef GENV_RT_EP_PROXIED_H
#define GENV_RT_EP_PROXIED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include "../libcore/opt_genv.h"
#include "scaled.h"
#include "tables.h"

/* The proxy address of a proxied endpoint (16 bytes), or NULL. */
static inline const uint8_t *rt_ep_proxy(const struct rt_ep *e)
{
	return e->type == EP_PROXIED && e->sc ? e->sc->b[0].addr : NULL;
}

/* A packet from src (the inner source address) to d is redirected to
 * d's proxy: d has one and src is not it. */
static inline bool rt_proxied_redirect(const struct rt_ep *d, const uint8_t *src)
{
	const uint8_t *p = rt_ep_proxy(d);

	return p && memcmp(p, src, d->family == 6 ? 16 : 4);
}

/* The backend list an endpoint spec installs (scaled.h): its backends,
 * or for a proxied endpoint with a proxy that one address in *one. */
static inline const struct rt_maglev_backend *rt_proxied_backends(const struct rt_ep_spec *s,
								   struct rt_maglev_backend *one,
								   uint32_t *n)
{
	if (s->type == EP_PROXIED && s->has_proxy) {
		memset(one, 0, sizeof(*one));
		memcpy(one->addr, s->proxy, 16);
		one->weight = 1;
		*n = 1;
		return one;
	}
	*n = s->nbackend;
	return s->backend;
}

/* Underlay: the original-destination options of genv's class in g (whose
 * option offsets are into payload).  0 none, 1 a well-formed one (*od
 * filled), -1 a malformed one (why says which, when given). */
int rt_proxied_ingress(const struct rt_tables *t, const struct gnv_geneve *g, const uint8_t *payload,
		       struct gnv_odst *od, char *why, size_t whysz);

#endif
