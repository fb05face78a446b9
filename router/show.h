/* SPDX-License-Identifier: MIT */
/*
 * The read-only commands of the router's language (syntax in config.h):
 *   show [TOPIC] [VNI]      rt_show_cmd       (topics: rt_show_topics)
 *   dump                    rt_show_dump_cmd  (text: rt_config_dump)
 * Both take the split command and append what they print to out: 0, or
 * -errno with the message in c->err.
 * Layer: router; calls lang, tables, pipeline and libcore.  Private to
 * router/ (exec.c dispatches to them); rt_config_dump is in config.h.
 */
#ifndef GENV_RT_SHOW_H
#define GENV_RT_SHOW_H

#include <stdbool.h>
#include "../libcore/sbuf.h"
#include "lang.h"

int rt_show_cmd(struct rt_cmd *c, bool json, struct sbuf *out);
int rt_show_dump_cmd(struct rt_cmd *c, bool json, struct sbuf *out);

#endif
