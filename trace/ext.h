/* SPDX-License-Identifier: MIT */
/*
 * genv trace as a router extension (router/ext.h): the verbs
 *   trace packet ...          explain one packet (trace/explain.h)
 *   probe send ... | probe results since N   path probes (trace/probe.h)
 * and the control-packet hook that handles O-bit probes.  Whoever starts
 * a router adds it: rt_ext_add(&t->exts, &trace_ext) (cmd/route.c through
 * struct router_opts, cmd/trace.c for its offline network).
 * Layer: trace; calls router/ext.h, trace/explain, trace/probe.
 */
#ifndef GENV_TRACE_EXT_H
#define GENV_TRACE_EXT_H

#include "../router/ext.h"
#include "probe.h"

extern const struct rt_ext trace_ext;

/* The probe state of a router that has the trace extension, else NULL. */
struct trace_probes *trace_probes_of(const struct rt_tables *t);

#endif
