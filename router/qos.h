/* SPDX-License-Identifier: MIT */
/*
 * QoS of the overlay (genv-route(8) QOS): classes, the QoS option, the
 * outer DSCP, and a per-endpoint egress rate limit.
 *
 *   class table (rt_self.qos[])   premium      dscp 46 (EF)    priority 0
 *                                 expedited    dscp 34 (AF41)  priority 1
 *                                 best-effort  dscp 0          priority 2
 *   encapsulation  endpoint with a class: QoS option (opt_genv.h, 8 bytes
 *                  with its header) after the endpoint-type option; outer
 *                  DS field = class DSCP << 2 | inner ECN (RFC 6040 normal
 *                  mode); without a class: `set host dscp` as before.
 *                  An endpoint with a rate: token bucket over the inner
 *                  frame's bytes, refilled from the per-batch clock
 *                  (rt_runstate.now_ns): no allocation, no syscall, no
 *                  division per packet.
 *   decapsulation  the QoS option's class is traced and, when the class
 *                  says `remark on`, written into the inner DSCP; a QoS
 *                  option that does not fit its layout drops the packet
 *                  (qos.malformed).
 *
 * Layer: router.  qos.c: the packet hooks and table helpers (tables.h
 * structures, libcore; the pipeline traces what they return); qos_verbs.c:
 * the words (lang.h, emit).
 */
#ifndef GENV_RT_QOS_H
#define GENV_RT_QOS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/opt_genv.h"
#include "lang.h"
#include "tables.h"

struct gnv_emit;

/* "premium", "expedited", "best-effort", NULL (by enum genv_qos_class). */
extern const char *const rt_qos_class_names[];


/* ---- tables ---- */

/* Check an endpoint's QoS words against the rest of its spec (mtu is
 * the endpoint's effective MTU); 0 or -EINVAL with a message. */
int rt_qos_ep_check(const struct rt_tables *t, const struct rt_ep_qos *q, unsigned int mtu,
		    char *err, size_t errsz);
/* Commit: copy the words in and reset the bucket (full). */
void rt_qos_ep_fill(const struct rt_tables *t, struct rt_ep *e, const struct rt_ep_qos *q);

/* ---- encapsulation (pipeline hooks) ---- */

/* Option bytes the QoS option takes for source endpoint src (may be NULL). */
static inline size_t rt_qos_opt_size(const struct rt_ep *src)
{
	return src && src->qos.cls != RT_QOS_NONE ? GENV_QOS_OPT_SIZE : 0;
}
/* Write it at p (rt_qos_opt_size bytes); returns p after it. */
uint8_t *rt_qos_opt_write(const struct rt_tables *t, const struct rt_ep *src, uint8_t *p);
/* The outer DS field for an inner one: the class's DSCP (or the host's). */
uint8_t rt_qos_outer_ds(const struct rt_tables *t, const struct rt_ep *src, uint8_t inner_ds);
/* The rate limit: true when src may send size bytes now (the bucket is
 * charged when live); false counts the endpoint's rate drops.  why (NULL:
 * not traced) gets the class and the bucket's state. */
bool rt_qos_egress(struct rt_tables *t, struct rt_ep *src, size_t size, bool live,
		   char *why, size_t whysz);

/* ---- decapsulation ---- */

/* A received packet's QoS option (g's options in frame) applied to the
 * inner IP header at ip (version 4 or 6): the inner DSCP is remarked when
 * the class says so.  1 (applied; why, when not NULL, says how), 0 (no
 * QoS option) or -EINVAL (it does not fit its layout: drop qos.malformed). */
int rt_qos_ingress(const struct rt_tables *t, const struct gnv_geneve *g, const uint8_t *frame,
		   uint8_t *ip, int version, char *why, size_t whysz);
/* The canonical words of a rate and a size ("100mbit", "64k"). */
void rt_qos_fmt_rate(char *buf, size_t size, uint64_t bits);
void rt_qos_fmt_size(char *buf, size_t size, uint32_t bytes);

/* ---- words (qos_verbs.c) ---- */

/* `set qos CLASS dscp N priority N remark on|off`. */
int rt_verb_qos(struct rt_cmd *c, const char *verb);
/* An endpoint word at i (`qos`, `rate` or `burst`) into q: 0 or -EINVAL. */
int rt_qos_ep_word(struct rt_cmd *c, int i, struct rt_ep_qos *q);
/* "100mbit" and "64k" (tc(8) units); 0 or -EINVAL. */
int rt_qos_parse_rate(const char *s, uint64_t *bits);
int rt_qos_parse_size(const char *s, uint32_t *bytes);
/* dump / show: the endpoint's words, and the `set qos` lines that differ
 * from the defaults. */
void rt_qos_emit_ep(struct gnv_emit *e, const struct rt_ep *ep, bool show);
void rt_qos_dump(const struct rt_tables *t, struct gnv_emit *e);

#endif
