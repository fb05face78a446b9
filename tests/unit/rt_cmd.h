/* SPDX-License-Identifier: MIT */
/*
 * The router-table unit suites' command helpers, over the file's own
 * table.  Include after declaring it:
 *
 *   static struct rt_tables *t;
 *   #include "rt_cmd.h"
 *
 * run(line, o): one command through rt_cmd_exec, its reply in o (reset
 * first), its status returned.  cmd(line): the same, and the test fails
 * (naming the line and the reply) unless it succeeded.  cmd_all(lines):
 * cmd() for each line of a NULL-terminated list, e.g. a topology.
 */
#ifndef GENV_TEST_RT_CMD_H
#define GENV_TEST_RT_CMD_H

#include <check.h>
#include "../../libcore/sbuf.h"
#include "../../router/config.h"

static inline int run(const char *line, struct sbuf *o)
{
	sbuf_reset(o);
	return rt_cmd_exec(t, NULL, line, false, o);
}

static inline void cmd(const char *line)
{
	struct sbuf o = SBUF_INIT;

	ck_assert_msg(run(line, &o) == 0, "'%s': %s", line, sbuf_str(&o));
	sbuf_free(&o);
}

static inline void cmd_all(const char *const *lines)
{
	for (int i = 0; lines[i]; i++)
		cmd(lines[i]);
}

#endif
