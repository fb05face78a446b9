/* SPDX-License-Identifier: MIT */
/*
 * Reload: bring the running configuration to the one a file describes,
 * as one diff (`genv route reload FILE`, SIGHUP with the -f file).
 *
 * The file is first run into scratch tables of the same limits (no
 * devices): a file that fails there changes nothing.  Both configurations
 * are then compared as dumps (rt_config_dump(), one canonical line per
 * object, keyed by the object: "add ep 100 10.0.1.5"), and only what
 * differs is changed: objects only in the old dump are deleted (in the
 * reverse of dump order, so endpoints go before their VPC), changed VPCs,
 * ports, namespaces, policies and the host are `set` in place, changed
 * networks and endpoints are deleted and added again, new objects added
 * (in dump order).  Unchanged objects are not touched: their counters,
 * flows and devices stay, and their packets keep flowing.
 *
 * The diff is rehearsed on a scratch copy of the running configuration
 * first; a diff that fails there, or that does not arrive at the file's
 * dump (a change no command can make, such as removing a VPC's name), is
 * refused and nothing changes.  If a step still fails on the live tables
 * (a device that cannot be created), the steps done are undone by the
 * diff back to the old dump.  Policies compile once, at the end.
 * Layer: router; calls the command language (rt_cmd_exec, rt_config_dump),
 * state (rt_state_load), policy commit, libcore sbuf/json and libc.
 */
#ifndef GENV_RT_RELOAD_H
#define GENV_RT_RELOAD_H

#include <stdbool.h>
#include <stddef.h>
#include "../libcore/sbuf.h"
#include "config.h"

/* What a reload did, by object. */
struct rt_reload_count {
	unsigned long added, changed, removed, unchanged;
};

/*
 * Reload from text (newline-separated commands, as `genv route reload`
 * sends them).  0 with "reload: N added, N changed, N removed, N
 * unchanged" (text) or a JSON object with those counts in out; -errno
 * with the message in out ("line N: MESSAGE" for a refused line of the
 * text), nothing changed.
 */
int rt_cmd_reload(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *text,
		  bool json, struct sbuf *out);

/* Reload from FILE (rt_state_load() rules: control bytes refused, "FILE:LINE:
 * MESSAGE").  0 with the counts in *cnt, or -errno with the message in err. */
int rt_reload_file(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *file,
		   struct rt_reload_count *cnt, char *err, size_t errsz);

#endif
