/* SPDX-License-Identifier: MIT */
/* Proxied endpoints on the packet path (ep_proxied.h). */
#include <stdio.h>
#include "../libcore/opt_tlv.h"
#include "ep_proxied.h"

int rt_proxied_ingress(const struct rt_tables *t, const struct gnv_geneve *g, const uint8_t *payload,
		       struct gnv_odst *od, char *why, size_t whysz)
{
	int found = 0;

	for (unsigned int i = 0; i < g->nopt; i++) {
		const struct gnv_opt *o = &g->opt[i];

		if (o->cls != t->cfg.lim.genv_class || (o->type & 0x7f) != GENV_OPT_ODST)
			continue;
		if (gnv_opt_odst_get(payload + o->off + GNV_OPT_HDR_SIZE, o->size, od)) {
			if (why)
				snprintf(why, whysz, "original-destination option of %u bytes (12 with family 4, 24 with 6)",
					 o->size);
			return -1;
		}
		found = 1;
	}
	return found;
}
