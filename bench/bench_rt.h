/* SPDX-License-Identifier: MIT */
/* What the C benchmark drivers that configure a router share: fail with
 * the router's answer, run one command of the configuration language, and
 * build a test frame from the craft language.
 * Define BENCH_NAME (the program's name) before including. */
#ifndef GENV_BENCH_RT_H
#define GENV_BENCH_RT_H
#include <stdio.h>
#include <stdlib.h>
#include "../libcore/build.h"
#include "../libcore/lang.h"
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

/* The frame TEXT describes (genv-craft(1)'s language) into to[cap]; its size. */
static inline size_t build_frame(const char *text, uint8_t *to, size_t cap)
{
	static struct gnv_spec sp;
	char err[256];
	size_t n;

	gnv_spec_init(&sp, 0xffa7);
	if (gnv_lang_parse(text, &sp, err, sizeof(err)) || gnv_build(&sp, to, cap, &n))
		die("cannot build the test packet", NULL);
	return n;
}

#endif
