/* SPDX-License-Identifier: MIT */
/* Gateway endpoints in the command language and `show nat` (nat_verbs.c).
 * Layer: router, beside the verbs; calls tables, conntrack, libcore. */
#ifndef GENV_RT_NAT_VERBS_H
#define GENV_RT_NAT_VERBS_H

#include <stdbool.h>
#include <stdint.h>
#include "lang.h"
#include "tables.h"

struct gnv_emit;

/* `nat-ports LO-HI` at word i into s. */
int rt_verb_nat_ports(struct rt_cmd *c, int i, struct rt_ep_spec *s);
/* A gateway endpoint's range: " nat-ports LO-HI" (JSON nat_port_lo, nat_port_hi). */
void rt_nat_emit_ep(struct gnv_emit *e, const struct rt_ep *ep);
/* `show nat [VNI]`: counters, gateways, mappings. */
void rt_nat_show(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e);

#endif
