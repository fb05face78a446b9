/* SPDX-License-Identifier: MIT */
/*
 * The verbs that change the router's objects (syntax in config.h):
 *   set host ...                          rt_verb_host
 *   add|set|del vpc|net|port|ep ...       rt_verb_vpc, _net, _port, _ep
 *   add|set|del ns|policy ...             rt_verb_ns, _policy (policy_verbs.c)
 * Each takes the split command (c->w[0] the verb, c->w[1] the object) and
 * returns 0, or -errno with the message in c->err; a rejected command
 * changes nothing.  verb is "add", "set" or "del".
 * Layer: router; calls lang, tables, the runtime ops and libcore.
 * Private to router/ (exec.c dispatches to them).
 */
#ifndef GENV_RT_VERBS_H
#define GENV_RT_VERBS_H

#include "lang.h"

int rt_verb_host(struct rt_cmd *c);
int rt_verb_vpc(struct rt_cmd *c, const char *verb);
int rt_verb_net(struct rt_cmd *c, const char *verb);
int rt_verb_port(struct rt_cmd *c, const char *verb);
/* add port xdp IFACE ... (verbs_xdp.c); dump line of such a port */
int rt_verb_port_xdp(struct rt_cmd *c);
struct rt_port;
void rt_port_xdp_dump(const struct rt_port *p, struct sbuf *o);
struct gnv_emit;
struct rt_xdp_info;
void rt_port_xdp_emit(struct gnv_emit *e, const struct rt_xdp_info *x);
int rt_verb_ep(struct rt_cmd *c, const char *verb);
/* policy_verbs.c: namespaces and policies, and the labels word they share
 * with ep (word i into buf as canonical text, "" for none). */
int rt_verb_ns(struct rt_cmd *c, const char *verb);
int rt_verb_policy(struct rt_cmd *c, const char *verb);
int rt_verb_labels(struct rt_cmd *c, int i, char *buf, size_t size);
/* scaled_verbs.c: the `backends` list, words i+1 .. end-1, into s. */
int rt_verb_backends(struct rt_cmd *c, int i, int end, bool add, struct rt_ep_spec *s);
/* `proxy IP|none`, word i the keyword, into s (ep_proxied.h). */
/* health on|off, health-interval MS, health-timeout MS (word i). */
int rt_verb_health(struct rt_cmd *c, int i, struct rt_ep_spec *s);
int rt_verb_proxy(struct rt_cmd *c, int i, struct rt_ep_spec *s);

#endif
