/* SPDX-License-Identifier: MIT */
/*
 * Short names for rt_fixture.h's command helpers over a suite's own
 * table.  Include after declaring it:
 *
 *   static struct rt_tables *t;
 *   #include "rt_cmd.h"
 *
 * run(line, o) is rtfix_run(t, line, o); cmd(line) is rtfix_cmd(t, line).
 */
#ifndef GENV_TEST_RT_CMD_H
#define GENV_TEST_RT_CMD_H

#include "rt_fixture.h"

static inline int run(const char *line, struct sbuf *o)
{
	return rtfix_run(t, line, o);
}

static inline void cmd(const char *line)
{
	rtfix_cmd(t, line);
}

#endif
