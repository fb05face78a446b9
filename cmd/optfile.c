/* SPDX-License-Identifier: MIT */
/*
 * The options file of decode and craft (optfile.h): found, read whole and
 * handed to libcore's parser.
 * Layer: cmd; calls libcore (optfile) and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "optfile.h"
#include "../libcore/optfile.h"

/* g NULL: quietly (completion), any problem is EXIT_USAGE and no registry */
#define QUIET_OR(g, call) ((g) ? (call) : EXIT_USAGE)

static int load(struct genv_ctx *g, const char *path, bool must, struct gnv_optreg **out)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	char err[300];
	int ret;

	if (!f) {
		if (!must && errno == ENOENT)
			return 0;
		return QUIET_OR(g, gusage(g, "options file '%s': %s", path, strerror(errno)));
	}
	buf = malloc(GNV_OPTFILE_MAX + 1);
	if (!buf) {
		fclose(f);
		if (g)
			gerr(g, "out of memory");
		return EXIT_FAIL;
	}
	n = fread(buf, 1, GNV_OPTFILE_MAX + 1, f);
	ret = ferror(f);
	fclose(f);
	if (ret) {
		free(buf);
		return QUIET_OR(g, gusage(g, "options file '%s': read error", path));
	}
	ret = gnv_optfile_parse(path, buf, n, out, err, sizeof(err));
	free(buf);
	if (ret == -ENOMEM) {
		if (g)
			gerr(g, "out of memory");
		return EXIT_FAIL;
	}
	if (ret)
		return QUIET_OR(g, gusage(g, "%s", err));
	return 0;
}

int genv_options_load(struct genv_ctx *g, const char *path, struct gnv_optreg **out)
{
	const char *env = getenv("GENV_OPTIONS"), *xdg = getenv("XDG_CONFIG_HOME"),
		   *home = getenv("HOME");
	char def[4096];

	*out = NULL;
	if (path)
		return load(g, path, true, out);
	if (env && *env)
		return load(g, env, true, out);
	if (xdg && *xdg)
		snprintf(def, sizeof(def), "%s/genv/options.conf", xdg);
	else if (home && *home)
		snprintf(def, sizeof(def), "%s/.config/genv/options.conf", home);
	else
		return 0;
	return load(g, def, false, out);
}
