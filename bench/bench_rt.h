/* SPDX-License-Identifier: MIT */
/* What the C benchmark drivers that configure a router share: fail with
 * the router's answer, and run one command of the configuration language.
 * Define BENCH_NAME (the program's name) before including. */
#ifndef GENV_BENCH_RT_H
#define GENV_BENCH_RT_H
#include <stdio.h>
#include <stdlib.h>
#include "../libcore/sbuf.h"
#include "../router/config.h"

static inline void die(const char *what, struct sbuf *o)
{
	fprintf(stderr, BENCH_NAME ": %s: %s\n", what, o ? sbuf_str(o) : "");
	exit(1);
}

static inline void run(struct rt_tables *t, const char *line)
{
	struct sbuf o = SBUF_INIT;

	if (rt_cmd_exec(t, NULL, line, false, &o))
		die(line, &o);
	sbuf_free(&o);
}

#endif
