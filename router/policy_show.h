/* SPDX-License-Identifier: MIT */
/*
 * Show and dump of namespaces, policies and tracked connections, through
 * the emitter (text and JSON from the same calls):
 *   dump:  add ns ... (explicit namespaces), add policy ... (after the
 *          endpoints, in an order that re-creates them)
 *   show policy [VNI [NAME]] | show ns [VNI] | show conntrack [VNI]
 * Layer: router; calls tables, policy_obj, conntrack, labels, prefix,
 * libcore emit and libc.  show.c calls it.
 */
#ifndef GENV_RT_POLICY_SHOW_H
#define GENV_RT_POLICY_SHOW_H

#include <stdbool.h>
#include <stdint.h>
#include "../libcore/emit.h"
#include "tables.h"

void rt_policy_dump_ns(const struct rt_tables *t, struct gnv_emit *e);
void rt_policy_dump(const struct rt_tables *t, struct gnv_emit *e);
void rt_policy_show(const struct rt_tables *t, bool filter, uint32_t vni, const char *name,
		    struct gnv_emit *e);
void rt_policy_show_ns(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e);
void rt_policy_show_ct(const struct rt_tables *t, bool filter, uint32_t vni, struct gnv_emit *e);

#endif
