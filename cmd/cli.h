/* SPDX-License-Identifier: MIT */
/*
 * The command table and the option tables.  Every command declares its
 * options once, in a typed table; that table drives parsing, --help,
 * `genv __complete` (shell completions and the REPL) and the man-page
 * consistency test.  Commands never exit(): they return an exit status
 * (0 ok, 1 runtime failure, 2 usage error; documented others).
 * Layer: cmd; calls libc.
 */
#ifndef GENV_CLI_H
#define GENV_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define GENV_VERSION "0.1.0"

enum { EXIT_OK = 0, EXIT_FAIL = 1, EXIT_USAGE = 2 };

enum opt_type {
	OPT_FLAG,	/* no argument */
	OPT_STR,	/* free text */
	OPT_INT,	/* number; range checked by the command */
	OPT_ENUM,	/* one of 'choices' */
	OPT_FILE,	/* a path (completes files) */
	OPT_IFACE,	/* a network interface (completes interfaces) */
	OPT_OPTARG,	/* a flag, or --name=VALUE with VALUE one of 'choices' */
};

struct opt {
	int id;			/* passed to the command's handler; 0 ends table */
	char sname;		/* short name or 0 */
	const char *lname;	/* long name without "--" */
	enum opt_type type;
	const char *metavar;	/* "FILE", "N" */
	const char *help;
	const char *const *choices;	/* OPT_ENUM: NULL-terminated */
};

enum color_mode { COLOR_AUTO, COLOR_ALWAYS, COLOR_NEVER };

/* Global state for one command invocation (the REPL makes one per line). */
struct genv_ctx {
	bool json, pretty, quiet;
	int verbose;
	enum color_mode color_mode;
	bool color;		/* resolved: colour this output */
	FILE *out, *err;
	const char *cmd;	/* "decode", for error messages */
	volatile int *interrupted;	/* set by SIGINT in the REPL; may be NULL */
	const char *socket;	/* router control socket when no -S (REPL 'set router'); NULL: default */
};

struct cmd;
/* Called for each option of the command's own table; return 0 or EXIT_USAGE. */
typedef int (*opt_fn)(struct genv_ctx *g, void *st, int id, const char *arg);

struct cmd {
	const char *name;
	const char *summary;		/* one line, for `genv help` */
	const char *usage;		/* synopsis after "genv NAME " */
	const char *args_help;		/* extra paragraph for --help, or NULL */
	const struct opt *opts;		/* may be NULL */
	int (*run)(struct genv_ctx *g, int argc, char **argv);
	const char *man;		/* "genv-decode(1)" */
	const char *const *subcmds;	/* for completion, or NULL */
	bool hidden;
};

extern const struct cmd genv_commands[];	/* cmd/table.c, NULL-name ends */
extern const struct opt genv_global_opts[];

const struct cmd *cmd_find(const char *name);
int cmd_dispatch(struct genv_ctx *g, int argc, char **argv);
void ctx_init(struct genv_ctx *g);

/*
 * Parse argv (argv[0] is the command name) against the global options and
 * cmd->opts.  Options may appear anywhere until "--".  Positional arguments
 * are compacted into argv[1..*npos].  Returns 0, EXIT_USAGE (message
 * printed), or -1 when --help was handled (caller returns EXIT_OK).
 */
int opt_parse(struct genv_ctx *g, const struct cmd *c, int argc, char **argv,
	      opt_fn fn, void *st, int *npos);

void cmd_usage(struct genv_ctx *g, const struct cmd *c, FILE *f);

/*
 * Apply the global options that stand before a command name, from
 * argv[start] on (genv -j decode ..., or a REPL line).  *first gets the
 * index of the first word that is not one: the command, an unknown
 * option, -h/--help or --version (the caller decides about those).
 * Returns 0, or EXIT_USAGE (message printed) for a bad or missing value.
 */
int opt_leading_globals(struct genv_ctx *g, int argc, char **argv, int start, int *first);

/* Colour for this output: --color, NO_COLOR, JSON mode and the tty. */
void ctx_resolve_color(struct genv_ctx *g);

/* "genv decode: cannot open 'x': No such file" -- one write, escaped. */
void gerr(struct genv_ctx *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void gwarn(struct genv_ctx *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Usage error: message plus "try 'genv CMD --help'"; returns EXIT_USAGE. */
int gusage(struct genv_ctx *g, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Parse a number option with range, reporting a usage error. */
int opt_u64(struct genv_ctx *g, const char *name, const char *arg,
	    uint64_t min, uint64_t max, uint64_t *out);

/* Write all of buf to f; returns 0 or -errno (EPIPE is quiet success upstream). */
int out_write(struct genv_ctx *g, const char *buf, size_t n);

#endif
