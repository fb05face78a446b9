/* SPDX-License-Identifier: MIT */
/*
 * The drop-ring commands of the router's language, which genv trace polls:
 *   drops since SEQ [max N]                      rt_drops_cmd_drops
 *   mirror on [rate N] | mirror off              rt_drops_cmd_mirror
 *   mirror since SEQ [max N]
 * They read the rings (router/dropring.h) and print their records in text
 * or JSON; they never change the tables.  0, or -errno with the message in
 * c->err.  Layer: router; calls lang, dropring and libcore.  Private to
 * router/ (exec.c dispatches to them).
 */
#ifndef GENV_RT_DROPS_CMD_H
#define GENV_RT_DROPS_CMD_H

#include <stdbool.h>
#include "../libcore/sbuf.h"
#include "lang.h"

int rt_drops_cmd_drops(struct rt_cmd *c, bool json, struct sbuf *out);
int rt_drops_cmd_mirror(struct rt_cmd *c, bool json, struct sbuf *out);

#endif
