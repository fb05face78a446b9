/* SPDX-License-Identifier: MIT */
/*
 * One entry point per command file in cmd/.
 * Layer: cmd; calls cli and libc.
 */
#ifndef GENV_COMMANDS_H
#define GENV_COMMANDS_H

#include "cli.h"

int cmd_craft(struct genv_ctx *g, int argc, char **argv);
int cmd_decode(struct genv_ctx *g, int argc, char **argv);
int cmd_help_run(struct genv_ctx *g, int argc, char **argv);
int cmd_complete(struct genv_ctx *g, int argc, char **argv);
int cmd_offload(struct genv_ctx *g, int argc, char **argv);
int cmd_route(struct genv_ctx *g, int argc, char **argv);
int cmd_repl(struct genv_ctx *g, int argc, char **argv);
int cmd_trace(struct genv_ctx *g, int argc, char **argv);
int cmd_top(struct genv_ctx *g, int argc, char **argv);

extern const struct opt craft_opts[];
extern const struct opt decode_opts[];
extern const struct opt offload_opts[];
extern const struct opt route_opts[];
extern const struct opt repl_opts[];
extern const struct opt trace_opts[];
extern const struct opt top_opts[];

#endif
