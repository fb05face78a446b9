/* SPDX-License-Identifier: MIT */
/*
 * Loading an options file (libcore/optfile.h) for decode and craft: the
 * file of --options, else $GENV_OPTIONS, else
 * $XDG_CONFIG_HOME/genv/options.conf (~/.config/genv/options.conf) when it
 * exists.
 * Layer: cmd; calls libcore (optfile) and libc.
 */
#ifndef GENV_CMD_OPTFILE_H
#define GENV_CMD_OPTFILE_H

#include "cli.h"

struct gnv_optreg;

/*
 * Read and parse the options file: path is --options (or NULL).  Returns 0
 * with *out the registry (NULL when there is no file), or EXIT_USAGE after
 * printing "genv CMD: FILE:LINE: ..." (nothing is loaded then).  g NULL:
 * the same without a word on stderr (completion).
 */
int genv_options_load(struct genv_ctx *g, const char *path, struct gnv_optreg **out);

#endif
