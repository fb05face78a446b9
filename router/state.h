/* SPDX-License-Identifier: MIT */
/*
 * The router's configuration on disk: command files run at start (-f FILE,
 * and --state FILE when it exists) and the --state file rewritten, as the
 * commands of rt_config_dump(), whenever the tables changed.  The files
 * are the command language (config.h), one command per line.
 *
 * A state file is framed by two comment lines, so a cut is seen:
 *   # genv state 1
 *   ...commands of rt_config_dump()...
 *   # genv state end: N commands
 * Loading a state file (as_state) requires both and the count; a file
 * without the first line (written by genv before the frame) loads as a
 * command file.  State files are written 0600: they describe every tenant.
 * Layer: router; calls the command language (rt_cmd_exec, rt_config_dump),
 * libcore sbuf and libc.  It does not log: it returns -errno and a
 * message, and the loop (loop.c) logs them.
 */
#ifndef GENV_RT_STATE_H
#define GENV_RT_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "../libcore/sbuf.h"
#include "config.h"

/* The --state file of one router. */
struct rt_state {
	const char *path;	/* NULL: no state file, nothing is written */
	uint64_t saved_gen;	/* the tables' gen when last written */
	struct sbuf dump;	/* reused for each write */
};

/*
 * Run the commands of file, in order, through rt_cmd_exec(); stop at the
 * first that fails.  A line with a NUL or another control byte (tab
 * aside) fails without running.  as_state: file is a --state file (see
 * above): an empty file, a missing end line or a wrong count fail, and
 * they fail before any command runs.  0 with *lines the number run, or
 * -errno with the message in err: "cannot open 'FILE': REASON",
 * "FILE:LINE: MESSAGE" or "cannot read 'FILE'".
 */
int rt_state_load(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *file,
		  bool as_state, unsigned long *lines, char *err, size_t errsz);

/* Remove FILE.XXXXXX files that a write cut short left next to path (a
 * kill between mkstemp and rename).  Returns how many were removed. */
int rt_state_clean_stale(const char *path);

/* Rewrite s->path when the tables changed since the last write (or
 * always, with force): 0, or -errno (s->saved_gen then stays behind, so
 * the next call tries again).  Nothing to do without a path. */
int rt_state_save(struct rt_state *s, const struct rt_tables *t, bool force);

void rt_state_free(struct rt_state *s);

/* Write DATA to PATH atomically: PATH.XXXXXX (mode 0600), fsync, rename,
 * fsync of the directory.  0 or -errno.  Used by --state and `genv route
 * save`. */
int rt_write_atomic(const char *path, const char *data, size_t size);

#endif
