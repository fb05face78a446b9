/* SPDX-License-Identifier: MIT */
/*
 * Option parsing, usage text and the one error format.
 * Layer: cmd; calls cli, libcore/json, libcore/num, libcore/sbuf and libc.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"
#include "../libcore/json.h"
#include "../libcore/msg.h"
#include "../libcore/num.h"
#include "../libcore/sbuf.h"

enum { GOPT_JSON = -100, GOPT_PRETTY, GOPT_VERBOSE, GOPT_QUIET, GOPT_COLOR, GOPT_HELP };

static const char *const color_choices[] = { "auto", "always", "never", NULL };

const struct opt genv_global_opts[] = {
	{ GOPT_JSON, 'j', "json", OPT_FLAG, NULL, "JSON output (one document or JSON Lines)", NULL },
	{ GOPT_PRETTY, 'p', "pretty", OPT_FLAG, NULL, "indent JSON output (implies --json)", NULL },
	{ GOPT_VERBOSE, 'v', "verbose", OPT_FLAG, NULL, "more detail (repeatable)", NULL },
	{ GOPT_QUIET, 'q', "quiet", OPT_FLAG, NULL, "print only errors", NULL },
	{ GOPT_COLOR, 0, "color", OPT_ENUM, "WHEN", "colour output: auto, always or never", color_choices },
	{ GOPT_HELP, 'h', "help", OPT_FLAG, NULL, "show this help and exit", NULL },
	{ 0 }
};

void ctx_init(struct genv_ctx *g)
{
	memset(g, 0, sizeof(*g));
	g->out = stdout;
	g->err = stderr;
	g->color_mode = COLOR_AUTO;
}

static void vmsg(struct genv_ctx *g, const char *kind, const char *fmt, va_list ap)
{
	struct sbuf raw = SBUF_INIT, sb = SBUF_INIT;

	sbuf_vprintf(&raw, fmt, ap);
	if (g->json && !*kind) {
		/* errors are JSON in JSON mode (on stdout, where scripts read) */
		struct json j;

		json_init(&j, &sb, false);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_obj_open(&j, "error");
		json_str(&j, "command", g->cmd ? g->cmd : "genv");
		json_str(&j, "message", sbuf_str(&raw));
		json_obj_close(&j);
		json_obj_close(&j);
		sbuf_putc(&sb, '\n');
		if (fwrite(sb.buf, 1, sb.len, g->out) != sb.len)
			clearerr(g->out);
		fflush(g->out);
		sbuf_free(&raw);
		sbuf_free(&sb);
		return;
	}
	sbuf_printf(&sb, "genv%s%s: %s", g->cmd ? " " : "", g->cmd ? g->cmd : "", kind);
	sbuf_escaped(&sb, sbuf_str(&raw));
	sbuf_putc(&sb, '\n');
	fflush(g->out);
	/* one write, so messages from parallel runs do not interleave */
	if (fwrite(sb.buf, 1, sb.len, g->err) != sb.len)
		clearerr(g->err);
	fflush(g->err);
	sbuf_free(&raw);
	sbuf_free(&sb);
}

void gerr(struct genv_ctx *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(g, "", fmt, ap);
	va_end(ap);
}

void gwarn(struct genv_ctx *g, const char *fmt, ...)
{
	va_list ap;

	if (g->quiet)
		return;
	va_start(ap, fmt);
	vmsg(g, "warning: ", fmt, ap);
	va_end(ap);
}

int gusage(struct genv_ctx *g, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vmsg(g, "", fmt, ap);
	va_end(ap);
	if (!g->json)
		fprintf(g->err, "Try 'genv %s%s--help' for more information.\n",
		g->cmd ? g->cmd : "", g->cmd ? " " : "");
	return EXIT_USAGE;
}

int opt_u64(struct genv_ctx *g, const char *name, const char *arg,
	    uint64_t min, uint64_t max, uint64_t *out)
{
	int ret = num_parse_u64(arg, min, max, out);

	if (ret == -ERANGE)
		return gusage(g, "%s: '%s' is out of range (%llu-%llu)", name, arg,
			      (unsigned long long)min, (unsigned long long)max);
	if (ret)
		return gusage(g, "%s: '%s' is not a number", name, arg);
	return 0;
}

int out_write(struct genv_ctx *g, const char *buf, size_t n)
{
	if (n && fwrite(buf, 1, n, g->out) != n)
		return errno ? -errno : -EIO;
	return 0;
}

static void print_opt_line(FILE *f, const struct opt *o)
{
	char left[64];
	int n = 0;

	if (o->sname)
		n = snprintf(left, sizeof(left), "  -%c, --%s", o->sname, o->lname);
	else
		n = snprintf(left, sizeof(left), "      --%s", o->lname);
	if (o->type == OPT_OPTARG && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", o->metavar ? o->metavar : "ARG");
	else if (o->type != OPT_FLAG && n > 0 && (size_t)n < sizeof(left))
		snprintf(left + n, sizeof(left) - (size_t)n, " %s",
			 o->metavar ? o->metavar : "ARG");
	if (strlen(left) >= 30)
		fprintf(f, "%s\n%-30s %s\n", left, "", o->help);
	else
		fprintf(f, "%-30s %s\n", left, o->help);
}

void cmd_usage(struct genv_ctx *g, const struct cmd *c, FILE *f)
{
	(void)g;
	fprintf(f, "Usage: genv %s %s\n", c->name, c->usage ? c->usage : "");
	fprintf(f, "%s\n", c->summary);
	if (c->args_help)
		fprintf(f, "\n%s", c->args_help);
	if (c->opts && c->opts[0].id) {
		fprintf(f, "\nOptions:\n");
		for (const struct opt *o = c->opts; o->id; o++)
			print_opt_line(f, o);
	}
	fprintf(f, "\nGlobal options:\n");
	for (const struct opt *o = genv_global_opts; o->id; o++)
		print_opt_line(f, o);
	if (c->man)
		fprintf(f, "\nSee %s.\n", c->man);
}

static const struct opt *find_long(const struct opt *t, const char *name, size_t n)
{
	for (; t && t->id; t++)
		if (strlen(t->lname) == n && !strncmp(t->lname, name, n))
			return t;
	return NULL;
}

/*
 * The long option of t or u to suggest for name[0..n-1]: the first one name
 * is a prefix of, else the nearest at an edit distance below 3 and below n,
 * else NULL.  A prefix is never taken as the option itself (genv(1)).
 */
static const char *near_long(const struct opt *t, const struct opt *u, const char *name, size_t n)
{
	const struct opt *tabs[2] = { t, u };
	const char *best = NULL;
	size_t bestd = n < 3 ? n : 3;

	for (int k = 0; k < 2; k++)
		for (const struct opt *o = tabs[k]; n && o && o->id; o++)
			if (!strncmp(o->lname, name, n))
				return o->lname;
	for (int k = 0; k < 2; k++)
		for (const struct opt *o = tabs[k]; o && o->id; o++) {
			size_t d = gnv_edit_distance(name, n, o->lname, strlen(o->lname));

			if (d < bestd) {
				bestd = d;
				best = o->lname;
			}
		}
	return best;
}

static const struct opt *find_short(const struct opt *t, char c)
{
	for (; t && t->id; t++)
		if (t->sname && t->sname == c)
			return t;
	return NULL;
}

static int global_opt(struct genv_ctx *g, int id, const char *arg)
{
	switch (id) {
	case GOPT_JSON: g->json = true; break;
	case GOPT_PRETTY: g->json = true; g->pretty = true; break;
	case GOPT_VERBOSE: g->verbose++; break;
	case GOPT_QUIET: g->quiet = true; break;
	case GOPT_COLOR:
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): --color takes a value, only flags come NULL */
		if (!strcmp(arg, "auto")) g->color_mode = COLOR_AUTO;
		else if (!strcmp(arg, "always")) g->color_mode = COLOR_ALWAYS;
		else g->color_mode = COLOR_NEVER;
		break;
	}
	return 0;
}

static int apply(struct genv_ctx *g, const struct opt *o, bool global,
		 const char *arg, opt_fn fn, void *st, bool *help)
{
	if (o->type == OPT_ENUM || (o->type == OPT_OPTARG && arg)) {
		const char *const *ch;

		for (ch = o->choices; *ch; ch++)
			if (!strcmp(*ch, arg))
				break;
		if (!*ch) {
			struct sbuf sb = SBUF_INIT;
			int ret;

			for (ch = o->choices; *ch; ch++)
				sbuf_printf(&sb, "%s%s", ch == o->choices ? "" : ", ", *ch);
			ret = gusage(g, "--%s: '%s' is not one of: %s", o->lname, arg, sbuf_str(&sb));
			sbuf_free(&sb);
			return ret;
		}
	}
	if (global) {
		if (o->id == GOPT_HELP) {
			*help = true;
			return 0;
		}
		return global_opt(g, o->id, arg);
	}
	return fn ? fn(g, st, o->id, arg) : 0;
}

void ctx_resolve_color(struct genv_ctx *g)
{
	const char *nc = getenv("NO_COLOR"), *term = getenv("TERM");

	/* auto: a terminal, no NO_COLOR, and not TERM=dumb (Emacs shells, CI logs) */
	if (term && !strcmp(term, "dumb"))
		nc = "dumb";
	if (g->json || g->color_mode == COLOR_NEVER)
		g->color = false;
	else if (g->color_mode == COLOR_ALWAYS)
		g->color = true;
	else
		g->color = !(nc && *nc) && isatty(fileno(g->out));
}

int opt_leading_globals(struct genv_ctx *g, int argc, char **argv, int start, int *first)
{
	bool help = false;
	int i, ret;

	for (i = start; i < argc; i++) {
		const char *a = argv[i], *arg = NULL;
		const struct opt *o = NULL;

		if (a[0] != '-' || !a[1] || !strcmp(a, "--"))
			break;
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');

			o = find_long(genv_global_opts, name, eq ? (size_t)(eq - name) : strlen(name));
			if (o && o->type != OPT_FLAG)
				arg = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
			else if (o && eq)
				o = NULL;	/* --json=x: not ours */
		} else {
			/* a cluster of global flags such as -jv */
			for (const char *p = a + 1; *p; p++) {
				const struct opt *s = find_short(genv_global_opts, *p);

				if (!s || s->type != OPT_FLAG)
					break;
				if (!p[1])
					o = s;
			}
			if (o)
				for (const char *p = a + 1; p[1]; p++)
					global_opt(g, find_short(genv_global_opts, *p)->id, NULL);
		}
		if (!o || o->id == GOPT_HELP)
			break;
		if (o->type != OPT_FLAG && !arg)
			return gusage(g, "option '--%s' needs a value", o->lname);
		ret = apply(g, o, true, arg, NULL, NULL, &help);
		if (ret)
			return ret;
	}
	*first = i;
	return 0;
}

int opt_parse(struct genv_ctx *g, const struct cmd *c, int argc, char **argv,
	      opt_fn fn, void *st, int *npos)
{
	bool help = false, dashdash = false;
	int i, np = 0, ret;

	for (i = 1; i < argc; i++) {
		char *a = argv[i];

		if (dashdash || a[0] != '-' || !a[1]) {
			argv[1 + np++] = a;
			continue;
		}
		if (!strcmp(a, "--")) {
			dashdash = true;
			continue;
		}
		if (a[1] == '-') {
			const char *name = a + 2, *eq = strchr(name, '=');
			size_t n = eq ? (size_t)(eq - name) : strlen(name);
			const struct opt *o = find_long(c->opts, name, n);
			bool global = false;
			const char *arg = NULL;

			if (!o) {
				o = find_long(genv_global_opts, name, n);
				global = o != NULL;
			}
			if (!o && near_long(c->opts, genv_global_opts, name, n))
				return gusage(g, "unknown option '--%.*s'; did you mean '--%s'?", (int)n, name,
					      near_long(c->opts, genv_global_opts, name, n));
			if (!o)
				return gusage(g, "unknown option '--%.*s'", (int)n, name);
			if (o->type == OPT_FLAG) {
				if (eq)
					return gusage(g, "option '--%s' takes no value", o->lname);
			} else if (eq || o->type == OPT_OPTARG) {
				arg = eq ? eq + 1 : NULL;
			} else if (i + 1 < argc) {
				arg = argv[++i];
			} else {
				return gusage(g, "option '--%s' needs a value", o->lname);
			}
			ret = apply(g, o, global, arg, fn, st, &help);
			if (ret)
				return ret;
			continue;
		}
		for (char *p = a + 1; *p; p++) {
			const struct opt *o = find_short(c->opts, *p);
			bool global = false;
			const char *arg = NULL;

			if (!o) {
				o = find_short(genv_global_opts, *p);
				global = o != NULL;
			}
			if (!o)
				return gusage(g, "unknown option '-%c'", *p);
			if (o->type != OPT_FLAG && o->type != OPT_OPTARG) {
				if (p[1])
					arg = p + 1;
				else if (i + 1 < argc)
					arg = argv[++i];
				else
					return gusage(g, "option '-%c' needs a value", *p);
			}
			ret = apply(g, o, global, arg, fn, st, &help);
			if (ret)
				return ret;
			if (arg)
				break;
		}
	}
	argv[1 + np] = NULL;
	*npos = np;
	ctx_resolve_color(g);
	if (help) {
		cmd_usage(g, c, g->out);
		return -1;
	}
	return 0;
}
