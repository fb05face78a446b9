/* SPDX-License-Identifier: MIT */
/*
 * `genv repl`: an interactive prompt (libedit) and a batch runner.  Each
 * line is split into words with shell-like quoting and run in-process
 * through cmd_dispatch() with a fresh struct genv_ctx, so a command behaves
 * exactly as it does from a shell.  Commands return a status and never
 * exit(); the REPL keeps the terminal and SIGINT to itself: Ctrl-C sets
 * ctx->interrupted for the running command and never ends the session.
 *
 * Non-terminal input (or -f FILE) is a batch: stop at the first failing
 * command with FILE:LINE unless --force, exit with its status.
 * Layer: cmd; calls commands, complete, libcore/json, libcore/num,
 * libcore/sbuf, router/ctl, libedit and libc.
 */
#include <dirent.h>
#include <errno.h>
#include <histedit.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "commands.h"
#include "complete.h"
#include "../libcore/json.h"
#include "../libcore/num.h"
#include "../libcore/sbuf.h"
#include "../router/ctl.h"

#define REPL_PROMPT "genv> "
#define REPL_PROMPT_FMT "genv %s> "	/* a router answers on the session's socket */
#define REPL_PROMPT_MORE "> "
#define HISTORY_NAME ".genv_history"
#define HISTORY_SIZE 1000
#define SOURCE_DEPTH 16

enum { RO_FILE = 1, RO_FORCE };

const struct opt repl_opts[] = {
	{ RO_FILE, 'f', "file", OPT_FILE, "FILE", "run the commands in FILE ('-' for stdin) as a batch", NULL },
	{ RO_FORCE, 0, "force", OPT_FLAG, NULL, "in a batch, go on after a failing command", NULL },
	{ 0 }
};

struct repl {
	struct genv_ctx *g;		/* the session's own context (genv repl ...) */
	/* session defaults, copied into each command's fresh context ('set') */
	bool json, pretty, quiet;
	int verbose;
	enum color_mode color_mode;
	char *socket;			/* 'set router PATH'; NULL: $GENV_SOCKET or the default */
	char prompt[64];		/* "genv> " or "genv h1> ", refreshed before each line */
	bool force;
	const char *file;
	EditLine *el;
	History *hist;
	char *histfile;
	int depth;			/* 'source' nesting */
	bool quit;
	int quit_status;		/* -1: keep the session's status */
	bool more;			/* prompt for a continuation line */
};

static volatile int repl_intr;
static bool repl_running;

static void on_sigint(int sig)
{
	(void)sig;
	repl_intr = 1;
}

/* ---- words ---- */

struct words {
	char **v;
	int n;
	char *buf;
	/* where the text ended: 0, '\'' or '"' (open quote), '\\' (trailing backslash) */
	char open;
	bool inword;			/* the text ended inside a word */
};

static void words_free(struct words *w)
{
	free(w->v);
	free(w->buf);
	memset(w, 0, sizeof(*w));
}

/*
 * Split s into words as a POSIX shell would, without expansions: blanks
 * separate words; '...' is literal; in "..." a backslash escapes " \ $ `
 * and newline; elsewhere a backslash escapes any character (and joins
 * lines); '#' at the start of a word comments out the rest.  Returns 0 or
 * -ENOMEM; w->open says whether the text stopped inside quotes.
 */
static int split_words(const char *s, struct words *w)
{
	size_t len = strlen(s);
	char *o;
	char q = 0;
	int cap = 8;

	memset(w, 0, sizeof(*w));
	w->buf = malloc(2 * len + 2);
	w->v = malloc((size_t)(cap + 1) * sizeof(*w->v));
	if (!w->buf || !w->v) {
		words_free(w);
		return -ENOMEM;
	}
	o = w->buf;
	for (const char *p = s; *p; p++) {
		char c = *p;

		if (!w->inword && !q) {
			if (c == ' ' || c == '\t' || c == '\n' || c == '\r')
				continue;
			if (c == '#')
				break;
			if (w->n == cap) {
				char **nv = realloc(w->v, (size_t)(2 * cap + 1) * sizeof(*nv));

				if (!nv) {
					words_free(w);
					return -ENOMEM;
				}
				w->v = nv;
				cap *= 2;
			}
			w->v[w->n++] = o;
			w->inword = true;
		}
		if (q == '\'') {
			if (c == '\'')
				q = 0;
			else
				*o++ = c;
		} else if (q == '"') {
			if (c == '"') {
				q = 0;
			} else if (c == '\\' && p[1] && strchr("\"\\$`\n", p[1])) {
				if (p[1] != '\n')
					*o++ = p[1];
				p++;
			} else {
				*o++ = c;
			}
		} else if (c == '\'' || c == '"') {
			q = c;
		} else if (c == '\\') {
			if (!p[1] || (p[1] == '\n' && !p[2])) {
				w->open = '\\';	/* the line goes on */
				break;
			}
			p++;
			if (*p != '\n')
				*o++ = *p;
			else if (o == w->v[w->n - 1])
				w->n--, w->inword = false;	/* a lone line joiner is no word */
		} else if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
			*o++ = 0;
			w->inword = false;
		} else {
			*o++ = c;
		}
	}
	if (q)
		w->open = q;
	*o = 0;
	w->v[w->n] = NULL;
	return 0;
}

/* ---- session settings ---- */

static const char *const onoff[] = { "on", "off", NULL };
static const char *const color_names[] = { "auto", "always", "never", NULL };
static const char *const set_keys[] = { "json", "pretty", "quiet", "color", "verbose", "router", NULL };

static const struct {
	const char *name, *args, *help;
} builtins[] = {
	{ "help", "[COMMAND]", "list the commands, or show help for COMMAND" },
	{ "set", "[KEY VALUE]", "show or change session defaults: json, pretty, quiet on|off; color auto|always|never; verbose N; router PATH|default" },
	{ "history", "[N]", "show the last N lines entered (all without N)" },
	{ "source", "FILE", "run the commands in FILE; stop at its first failing line" },
	{ "quit", "[STATUS]", "leave the REPL (so do 'exit' and Ctrl-D)" },
	{ "exit", "[STATUS]", "leave the REPL" },
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static void repl_ctx(struct repl *r, struct genv_ctx *g)
{
	ctx_init(g);
	g->json = r->json;
	g->pretty = r->pretty;
	g->quiet = r->quiet;
	g->verbose = r->verbose;
	g->color_mode = r->color_mode;
	g->out = r->g->out;
	g->err = r->g->err;
	g->interrupted = &repl_intr;
	g->socket = r->socket;
	g->cmd = "repl";
}

static int set_list(struct repl *r, struct genv_ctx *g)
{
	struct sbuf sb = SBUF_INIT;
	int ret;

	if (g->json) {
		struct json j;

		json_init(&j, &sb, g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_bool(&j, "json", r->json);
		json_bool(&j, "pretty", r->pretty);
		json_bool(&j, "quiet", r->quiet);
		json_str(&j, "color", color_names[r->color_mode]);
		json_u64(&j, "verbose", (uint64_t)r->verbose);
		json_str(&j, "router", rt_ctl_path(r->socket));
		json_obj_close(&j);
		sbuf_putc(&sb, '\n');
	} else {
		sbuf_printf(&sb, "json %s\npretty %s\nquiet %s\ncolor %s\nverbose %d\nrouter %s\n",
			    r->json ? "on" : "off", r->pretty ? "on" : "off",
			    r->quiet ? "on" : "off", color_names[r->color_mode], r->verbose,
			    rt_ctl_path(r->socket));
	}
	ret = out_write(g, sb.buf, sb.len);
	sbuf_free(&sb);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static int pick(const char *const *names, const char *w)
{
	for (int i = 0; names[i]; i++)
		if (!strcmp(names[i], w))
			return i;
	return -1;
}

static int builtin_set(struct repl *r, struct genv_ctx *g, int argc, char **argv)
{
	int k, v = -1;

	if (argc == 1)
		return set_list(r, g);
	k = pick(set_keys, argv[1]);
	if (k < 0 || argc != 3) {
		if (k < 0)
			gerr(g, "set: '%s' is not one of: json, pretty, quiet, color, verbose, router", argv[1]);
		else
			gerr(g, "set %s: needs one value", argv[1]);
		return EXIT_USAGE;
	}
	if (k <= 2) {
		v = pick(onoff, argv[2]);
		if (v < 0) {
			gerr(g, "set %s: '%s' is not one of: on, off", argv[1], argv[2]);
			return EXIT_USAGE;
		}
	}
	switch (k) {
	case 0:
		r->json = v == 0;
		if (!r->json)
			r->pretty = false;
		break;
	case 1:
		r->pretty = v == 0;
		if (r->pretty)
			r->json = true;	/* as -p implies -j */
		break;
	case 2:
		r->quiet = v == 0;
		break;
	case 3:
		v = pick(color_names, argv[2]);
		if (v < 0) {
			gerr(g, "set color: '%s' is not one of: auto, always, never", argv[2]);
			return EXIT_USAGE;
		}
		r->color_mode = (enum color_mode)v;
		break;
	case 4: {
		uint64_t n;

		if (num_parse_u64(argv[2], 0, 9, &n)) {
			gerr(g, "set verbose: '%s' is not a number from 0 to 9", argv[2]);
			return EXIT_USAGE;
		}
		r->verbose = (int)n;
		break;
	}
	case 5: {
		/* 'default': back to $GENV_SOCKET or the built-in path */
		char *p = strcmp(argv[2], "default") ? strdup(argv[2]) : NULL;

		if (!*argv[2] || strlen(argv[2]) >= 108) {
			gerr(g, "set router: '%s' is not a socket path (1 to 107 bytes)", argv[2]);
			free(p);
			return EXIT_USAGE;
		}
		if (strcmp(argv[2], "default") && !p) {
			gerr(g, "out of memory");
			return EXIT_FAIL;
		}
		free(r->socket);
		r->socket = p;
		break;
	}
	}
	return EXIT_OK;
}

static int builtin_history(struct repl *r, struct genv_ctx *g, int argc, char **argv)
{
	struct sbuf sb = SBUF_INIT;
	struct json j;
	HistEvent ev;
	uint64_t want = UINT64_MAX;
	int total = 0, skip, ret;

	if (argc > 2 || (argc == 2 && num_parse_u64(argv[1], 0, INT32_MAX, &want))) {
		gerr(g, "history: usage: history [N]");
		return EXIT_USAGE;
	}
	if (r->hist && history(r->hist, &ev, H_GETSIZE) >= 0)
		total = ev.num;
	skip = want < (uint64_t)total ? total - (int)want : 0;
	if (g->json) {
		json_init(&j, &sb, g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_arr_open(&j, "history");
	}
	/* H_LAST is the oldest entry; H_PREV walks towards the newest */
	for (int rc = r->hist ? history(r->hist, &ev, H_LAST) : -1; rc >= 0;
	     rc = history(r->hist, &ev, H_PREV)) {
		if (skip-- > 0)
			continue;
		if (g->json) {
			json_obj_open(&j, NULL);
			json_u64(&j, "num", (uint64_t)ev.num);
			json_str(&j, "line", ev.str);
			json_obj_close(&j);
		} else {
			sbuf_printf(&sb, "%5d  %s\n", ev.num, ev.str);
		}
	}
	if (g->json) {
		json_arr_close(&j);
		json_obj_close(&j);
		sbuf_putc(&sb, '\n');
	}
	ret = out_write(g, sb.buf, sb.len);
	sbuf_free(&sb);
	return ret ? EXIT_FAIL : EXIT_OK;
}

static void repl_help(struct genv_ctx *g)
{
	struct sbuf sb = SBUF_INIT;

	sbuf_puts(&sb, "Commands (as in 'genv COMMAND ...'; -j, -p, -v, -q, --color work as in a shell):\n");
	for (const struct cmd *c = genv_commands; c->name; c++)
		if (!c->hidden && strcmp(c->name, "repl"))
			sbuf_printf(&sb, "  %-10s %s\n", c->name, c->summary);
	sbuf_puts(&sb, "\nREPL commands:\n");
	for (size_t i = 0; i < NBUILTINS; i++) {
		char left[32];

		snprintf(left, sizeof(left), "%s %s", builtins[i].name, builtins[i].args);
		sbuf_printf(&sb, "  %-18s %s\n", left, builtins[i].help);
	}
	sbuf_puts(&sb, "\nQuote words as in a shell: craft 'geneve vni=5 / ipv4 / icmp' --hex\n"
		       "Tab completes, Ctrl-R searches the history, Ctrl-C interrupts a command.\n"
		       "'help COMMAND' or 'COMMAND --help' for a command; man genv-repl(1).\n");
	if (out_write(g, sb.buf, sb.len))
		clearerr(g->out);
	sbuf_free(&sb);
}

static int run_file(struct repl *r, FILE *f, const char *name);

static int builtin_source(struct repl *r, struct genv_ctx *g, int argc, char **argv)
{
	FILE *f;
	int ret;

	if (argc != 2) {
		gerr(g, "source: usage: source FILE");
		return EXIT_USAGE;
	}
	if (r->depth >= SOURCE_DEPTH) {
		gerr(g, "source: '%s': nested too deeply (%d files)", argv[1], SOURCE_DEPTH);
		return EXIT_FAIL;
	}
	f = fopen(argv[1], "r");
	if (!f) {
		gerr(g, "source: cannot open '%s': %s", argv[1], strerror(errno));
		return EXIT_FAIL;
	}
	r->depth++;
	ret = run_file(r, f, argv[1]);
	r->depth--;
	fclose(f);
	return ret;
}

static bool is_builtin(const char *name)
{
	for (size_t i = 0; i < NBUILTINS; i++)
		if (!strcmp(name, builtins[i].name))
			return true;
	return false;
}

/* Run one split line.  Returns the command's exit status. */
static int run_words(struct repl *r, int argc, char **argv)
{
	struct genv_ctx g;
	int first = 0, ret;

	repl_ctx(r, &g);
	/* leading global options, as in 'genv -j decode ...': move them after the command */
	while (first < argc && argv[first][0] == '-' && argv[first][1])
		first += !strcmp(argv[first], "--color") ? 2 : 1;
	if (first >= argc) {
		for (int i = 0; i < argc; i++) {
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
				repl_help(&g);
				return EXIT_OK;
			}
			if (!strcmp(argv[i], "--version")) {
				fprintf(g.out, "genv %s\n", GENV_VERSION);
				return EXIT_OK;
			}
		}
		gerr(&g, "'%s': a command must follow the options; see 'help'", argv[0]);
		return EXIT_USAGE;
	}
	if (first && is_builtin(argv[first])) {
		/* REPL builtins take the global options here, not after them */
		int k;

		ret = opt_leading_globals(&g, first, argv, 0, &k);
		if (ret)
			return ret;
		if (k < first) {
			gerr(&g, "%s: option '%s' does not apply to '%s'", argv[first], argv[k],
			     argv[first]);
			return EXIT_USAGE;
		}
		argv += first;
		argc -= first;
	} else if (first) {
		char *c = argv[first];

		memmove(argv + 1, argv, (size_t)first * sizeof(*argv));
		argv[0] = c;
	}

	if (!strcmp(argv[0], "help") && argc == 1) {
		repl_help(&g);
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "help") && argc == 2) {
		for (size_t i = 0; i < NBUILTINS; i++)
			if (!strcmp(argv[1], builtins[i].name)) {
				fprintf(g.out, "Usage: %s %s\n%s\n", builtins[i].name,
					builtins[i].args, builtins[i].help);
				return EXIT_OK;
			}
	}
	if (!strcmp(argv[0], "set"))
		return builtin_set(r, &g, argc, argv);
	if (!strcmp(argv[0], "history"))
		return builtin_history(r, &g, argc, argv);
	if (!strcmp(argv[0], "source"))
		return builtin_source(r, &g, argc, argv);
	if (!strcmp(argv[0], "quit") || !strcmp(argv[0], "exit")) {
		uint64_t st = 0;

		if (argc > 2 || (argc == 2 && num_parse_u64(argv[1], 0, 255, &st))) {
			gerr(&g, "%s: usage: %s [STATUS]   (STATUS 0-255)", argv[0], argv[0]);
			return EXIT_USAGE;
		}
		r->quit = true;
		r->quit_status = argc == 2 ? (int)st : -1;
		return EXIT_OK;
	}
	if (!strcmp(argv[0], "repl")) {
		gerr(&g, "already in the REPL");
		return EXIT_USAGE;
	}

	ret = cmd_dispatch(&g, argc, argv);
	/* a command may have read stdin to its end or hit an error on stdout */
	clearerr(stdin);
	if (fflush(g.out))
		clearerr(g.out);
	return ret;
}

/* Run the words of a logical line with SIGINT caught; returns the command's status. */
static int run_line(struct repl *r, struct words *w)
{
	struct sigaction sa, old;
	int st;

	if (!w->n)
		return EXIT_OK;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;	/* no SA_RESTART: blocking reads see EINTR */
	sigemptyset(&sa.sa_mask);
	repl_intr = 0;
	sigaction(SIGINT, &sa, &old);
	st = run_words(r, w->n, w->v);
	sigaction(SIGINT, &old, NULL);
	return st;
}

static void report(struct repl *r, const char *name, unsigned long lineno, const char *cmd, int st)
{
	struct genv_ctx g;

	repl_ctx(r, &g);
	if (repl_intr)
		gerr(&g, "%s:%lu: interrupted", name, lineno);
	else
		gerr(&g, "%s:%lu: '%s' failed (exit %d)", name, lineno, cmd, st);
}

/*
 * A batch: every line of f, with quotes spanning lines and backslash-newline
 * joining them.  Returns 0 or the first failing command's status.
 */
static int run_file(struct repl *r, FILE *f, const char *name)
{
	struct sbuf acc = SBUF_INIT;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0, start = 0;
	int first_fail = 0;

	while (!r->quit) {
		ssize_t n = getline(&line, &cap, f);
		struct words w;
		int st;

		if (n < 0) {
			if (acc.len) {
				struct genv_ctx g;

				repl_ctx(r, &g);
				gerr(&g, "%s:%lu: unterminated quote or trailing backslash", name, start);
				if (!first_fail)
					first_fail = EXIT_USAGE;
			}
			break;
		}
		lineno++;
		if (!acc.len)
			start = lineno;
		sbuf_add(&acc, line, (size_t)n);
		if (split_words(sbuf_str(&acc), &w)) {
			first_fail = EXIT_FAIL;
			break;
		}
		if (w.open) {
			words_free(&w);
			continue;	/* the command goes on on the next line */
		}
		st = run_line(r, &w);
		if (st || (repl_intr && w.n)) {
			if (!st)
				st = 130;
			if (!first_fail)
				first_fail = st;
			report(r, name, start, w.v[0], st);
			if (!r->force || repl_intr) {
				words_free(&w);
				break;
			}
		}
		words_free(&w);
		sbuf_reset(&acc);
	}
	free(line);
	sbuf_free(&acc);
	return first_fail;
}

/* ---- completion ---- */

struct cands {
	char **v;
	size_t n, cap;
	bool files;
};

static void cand_add(void *arg, const char *s)
{
	struct cands *c = arg;
	char *d;

	if (!strcmp(s, COMPLETE_FILE_MARK)) {
		c->files = true;
		return;
	}
	for (size_t i = 0; i < c->n; i++)
		if (!strcmp(c->v[i], s))
			return;
	if (c->n == c->cap) {
		size_t ncap = c->cap ? 2 * c->cap : 32;
		char **nv = realloc(c->v, ncap * sizeof(*nv));

		if (!nv)
			return;
		c->v = nv;
		c->cap = ncap;
	}
	d = strdup(s);
	if (d)
		c->v[c->n++] = d;
}

static void cand_add_desc(void *arg, const char *s, const char *desc)
{
	(void)desc;
	cand_add(arg, s);
}

static void cands_free(struct cands *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i]);
	free(c->v);
}

static void offer_names(struct cands *c, const char *cur, const char *const *names)
{
	for (; *names; names++)
		if (!strncmp(*names, cur, strlen(cur)))
			cand_add(c, *names);
}

/* Paths starting with cur: "dir/" prefix kept, directories end in '/'. */
static void offer_files(struct cands *c, const char *cur)
{
	const char *slash = strrchr(cur, '/');
	char dir[4096];
	const char *base = slash ? slash + 1 : cur;
	size_t dlen = slash ? (size_t)(slash - cur + 1) : 0;
	DIR *d;
	struct dirent *e;

	if (dlen >= sizeof(dir) - 1)
		return;
	memcpy(dir, cur, dlen);
	dir[dlen] = 0;
	d = opendir(dlen ? dir : ".");
	if (!d)
		return;
	while ((e = readdir(d))) {
		char path[4096 + 256 + 2];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (e->d_name[0] == '.' && base[0] != '.')
			continue;
		if (strncmp(e->d_name, base, strlen(base)))
			continue;
		snprintf(path, sizeof(path), "%s%s", dir, e->d_name);
		if (!stat(path, &st) && S_ISDIR(st.st_mode))
			/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): path holds dir, a name and '/' */
			strcat(path, "/");
		cand_add(c, path);
	}
	closedir(d);
}

static int cmpstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Candidates for the last word of w, genv commands and REPL commands alike. */
static void gather(struct repl *r, struct words *w, struct cands *c)
{
	char *empty[] = { (char *)"", NULL };
	char **v = w->v;
	int n = w->n;
	const char *cur;

	if (!w->inword && !w->open) {
		/* completing a new, empty word after the last one */
		char **nv = malloc((size_t)(n + 2) * sizeof(*nv));

		if (!nv)
			return;
		memcpy(nv, v, (size_t)n * sizeof(*nv));
		nv[n] = empty[0];
		nv[n + 1] = NULL;
		free(w->v);
		w->v = v = nv;
		w->n = ++n;
	}
	cur = v[n - 1];
	if (n == 1) {
		for (size_t i = 0; i < NBUILTINS; i++)
			if (!strncmp(builtins[i].name, cur, strlen(cur)))
				cand_add(c, builtins[i].name);
	} else if (!strcmp(v[0], "set")) {
		if (n == 2)
			offer_names(c, cur, set_keys);
		else if (n == 3 && !strcmp(v[1], "color"))
			offer_names(c, cur, color_names);
		else if (n == 3 && !strcmp(v[1], "router"))
			offer_files(c, cur);
		else if (n == 3 && strcmp(v[1], "verbose") && strcmp(v[1], "router"))
			offer_names(c, cur, onoff);
		return;
	} else if (!strcmp(v[0], "source")) {
		if (n == 2)
			offer_files(c, cur);
		return;
	} else if (!strcmp(v[0], "history") || !strcmp(v[0], "quit") || !strcmp(v[0], "exit")) {
		return;
	} else if (!strcmp(v[0], "help") && n == 2) {
		for (size_t i = 0; i < NBUILTINS; i++)
			if (!strncmp(builtins[i].name, cur, strlen(cur)))
				cand_add(c, builtins[i].name);
	}
	complete_words_sock(n, v, r->socket, cand_add_desc, c);
	if (c->files) {
		const char *eq = cur[0] == '-' && cur[1] == '-' ? strchr(cur, '=') : NULL;

		/* --file=PATH completes the part after '=' */
		if (eq) {
			struct cands f = { 0 };
			char buf[4096 + 300];

			offer_files(&f, eq + 1);
			for (size_t i = 0; i < f.n; i++) {
				snprintf(buf, sizeof(buf), "%.*s%s", (int)(eq - cur + 1), cur, f.v[i]);
				cand_add(c, buf);
			}
			cands_free(&f);
		} else {
			offer_files(c, cur);
		}
	}
	if (c->n)
		qsort(c->v, c->n, sizeof(*c->v), cmpstr);
}

/* Quote s for insertion after text that ended in quote state q. */
static void quote_into(struct sbuf *sb, const char *s, char q)
{
	for (; *s; s++) {
		if (q == '\'' && *s == '\'')
			sbuf_puts(sb, "'\\''");
		else if (q == '"' && strchr("\"\\$`", *s))
			sbuf_putc(sb, '\\'), sbuf_putc(sb, *s);
		else if (!q && strchr(" \t\n'\"\\#", *s))
			sbuf_putc(sb, '\\'), sbuf_putc(sb, *s);
		else
			sbuf_putc(sb, *s);
	}
}

static void list_cands(EditLine *el, struct cands *c)
{
	size_t width = 0, cols, rows;
	int tcols = 80;

	if (el_get(el, EL_GETTC, "co", &tcols, NULL) != 0 || tcols < 20)
		tcols = 80;
	for (size_t i = 0; i < c->n; i++)
		if (strlen(c->v[i]) + 2 > width)
			width = strlen(c->v[i]) + 2;
	cols = (size_t)tcols / width;
	if (!cols)
		cols = 1;
	rows = (c->n + cols - 1) / cols;
	fputc('\n', stdout);
	for (size_t rr = 0; rr < rows; rr++) {
		for (size_t cc = 0; cc < cols; cc++) {
			size_t i = cc * rows + rr;

			if (i >= c->n)
				break;
			if (cc + 1 < cols && (cc + 1) * rows + rr < c->n)
				fprintf(stdout, "%-*s", (int)width, c->v[i]);
			else
				fputs(c->v[i], stdout);
		}
		fputc('\n', stdout);
	}
	fflush(stdout);
}

static unsigned char repl_complete(EditLine *el, int ch)
{
	const LineInfo *li = el_line(el);
	struct repl *r = NULL;
	struct cands c = { 0 };
	struct words w;
	struct sbuf sb = SBUF_INIT, text = SBUF_INIT;
	unsigned char ret = CC_ERROR;
	size_t curlen, lcp;
	const char *cur;

	(void)ch;
	sbuf_add(&text, li->buffer, (size_t)(li->cursor - li->buffer));
	if (split_words(sbuf_str(&text), &w)) {
		sbuf_free(&text);
		return CC_ERROR;
	}
	if (w.open == '\\')
		goto out;	/* mid-escape: nothing sensible */
	el_get(el, EL_CLIENTDATA, &r);
	if (!r)
		goto out;
	gather(r, &w, &c);
	if (!c.n || !w.n)
		goto out;
	cur = w.v[w.n - 1];
	curlen = strlen(cur);
	lcp = strlen(c.v[0]);
	for (size_t i = 1; i < c.n; i++) {
		size_t k = 0;

		while (k < lcp && c.v[i][k] == c.v[0][k])
			k++;
		lcp = k;
	}
	if (lcp < curlen || strncmp(c.v[0], cur, curlen))
		goto out;	/* a candidate that does not extend the word */
	if (c.n == 1) {
		const char *s = c.v[0];
		char last = s[strlen(s) - 1];
		char one[2] = { 0 };

		quote_into(&sb, s + curlen, w.open);
		if (last != '/' && last != '=') {
			if (w.open) {
				one[0] = w.open;
				sbuf_puts(&sb, one);
			}
			sbuf_putc(&sb, ' ');
		}
		ret = CC_REFRESH;
	} else if (lcp > curlen) {
		char *part = strndup(c.v[0] + curlen, lcp - curlen);

		if (part)
			quote_into(&sb, part, w.open);
		free(part);
		ret = CC_REFRESH;
	} else {
		list_cands(el, &c);
		ret = CC_REDISPLAY;
	}
	if (sb.len && el_insertstr(el, sbuf_str(&sb)) < 0)
		ret = CC_ERROR;
out:
	cands_free(&c);
	words_free(&w);
	sbuf_free(&sb);
	sbuf_free(&text);
	return ret;
}

/* ---- interactive ---- */

static char *prompt_fn(EditLine *el)
{
	struct repl *r = NULL;

	el_get(el, EL_CLIENTDATA, &r);
	if (!r)
		return (char *)REPL_PROMPT;
	return r->more ? (char *)REPL_PROMPT_MORE : r->prompt[0] ? r->prompt : (char *)REPL_PROMPT;
}

/* "genv h1> " while a router answers on the session's socket (asked once per line, bounded). */
static void prompt_update(struct repl *r)
{
	char name[32];

	if (!complete_router_name(r->socket, name, sizeof(name)) && name[0])
		snprintf(r->prompt, sizeof(r->prompt), REPL_PROMPT_FMT, name);
	else
		snprintf(r->prompt, sizeof(r->prompt), "%s", REPL_PROMPT);
}

static void history_open(struct repl *r)
{
	const char *home = getenv("HOME");
	HistEvent ev;

	r->hist = history_init();
	if (!r->hist)
		return;
	history(r->hist, &ev, H_SETSIZE, HISTORY_SIZE);
	history(r->hist, &ev, H_SETUNIQUE, 1);
	if (home && *home) {
		size_t n = strlen(home) + sizeof(HISTORY_NAME) + 2;

		r->histfile = malloc(n);
		if (r->histfile) {
			snprintf(r->histfile, n, "%s/%s", home, HISTORY_NAME);
			history(r->hist, &ev, H_LOAD, r->histfile);
		}
	}
}

static void history_add(struct repl *r, const char *line)
{
	HistEvent ev;

	if (!r->hist)
		return;
	history(r->hist, &ev, H_ENTER, line);
	if (r->histfile) {
		/* saved after every line, so a killed session keeps its history */
		if (history(r->hist, &ev, H_SAVE, r->histfile) >= 0)
			chmod(r->histfile, 0600);
	}
}

static int run_interactive(struct repl *r)
{
	struct sbuf acc = SBUF_INIT;
	struct sigaction sa, old;

	history_open(r);
	r->el = el_init("genv", stdin, stdout, stderr);
	if (!r->el) {
		gerr(r->g, "cannot set up the terminal");
		if (r->hist)
			history_end(r->hist);
		free(r->histfile);
		return EXIT_FAIL;
	}
	el_set(r->el, EL_CLIENTDATA, r);
	el_set(r->el, EL_PROMPT, prompt_fn);
	el_set(r->el, EL_EDITOR, "emacs");
	el_set(r->el, EL_SIGNAL, 1);	/* restore the terminal on fatal signals, follow SIGWINCH */
	if (r->hist)
		el_set(r->el, EL_HIST, history, r->hist);
	/* the wide form: the narrow one copies the names and never frees them */
	el_wset(r->el, EL_ADDFN, L"genv-complete", L"complete a genv command line", repl_complete);
	el_set(r->el, EL_BIND, "^I", "genv-complete", NULL);
	el_set(r->el, EL_BIND, "^R", "em-inc-search-prev", NULL);
	el_source(r->el, NULL);		/* ~/.editrc */

	/* Ctrl-C at the prompt abandons the line: read() returns EINTR */
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old);

	while (!r->quit) {
		struct words w;
		const char *line;
		int n = 0;

		repl_intr = 0;
		if (!r->more)
			prompt_update(r);
		errno = 0;
		line = el_gets(r->el, &n);
		if (!line || n <= 0) {
			if (repl_intr || errno == EINTR) {
				/* Ctrl-C: abandon the line, a fresh prompt */
				fputs("^C\n", stdout);
				fflush(stdout);
				sbuf_reset(&acc);
				r->more = false;
				continue;
			}
			fputc('\n', stdout);	/* Ctrl-D */
			break;
		}
		sbuf_puts(&acc, line);
		if (split_words(sbuf_str(&acc), &w))
			break;
		if (w.open) {
			words_free(&w);
			r->more = true;
			continue;
		}
		r->more = false;
		if (acc.len && acc.buf[acc.len - 1] == '\n')
			acc.buf[--acc.len] = 0;
		if (w.n)
			history_add(r, sbuf_str(&acc));
		run_line(r, &w);
		if (repl_intr) {
			/* the terminal echoed ^C after the command's output */
			fputc('\n', stdout);
			fflush(stdout);
		}
		words_free(&w);
		sbuf_reset(&acc);
	}
	sigaction(SIGINT, &old, NULL);
	el_end(r->el);
	r->el = NULL;
	if (r->hist)
		history_end(r->hist);
	r->hist = NULL;
	free(r->histfile);
	r->histfile = NULL;
	sbuf_free(&acc);
	return r->quit && r->quit_status >= 0 ? r->quit_status : EXIT_OK;
}

static int repl_opt(struct genv_ctx *g, void *st, int id, const char *arg)
{
	struct repl *r = st;

	(void)g;
	if (id == RO_FILE)
		r->file = arg;
	else if (id == RO_FORCE)
		r->force = true;
	return 0;
}

int cmd_repl(struct genv_ctx *g, int argc, char **argv)
{
	struct repl r = { .g = g, .quit_status = -1 };
	int np, ret;

	ret = opt_parse(g, cmd_find("repl"), argc, argv, repl_opt, &r, &np);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (np)
		return gusage(g, "unexpected argument '%s'", argv[1]);
	if (repl_running) {
		gerr(g, "already in the REPL");
		return EXIT_USAGE;
	}
	r.json = g->json;
	r.pretty = g->pretty;
	r.quiet = g->quiet;
	r.verbose = g->verbose;
	r.color_mode = g->color_mode;
	repl_running = true;
	if (r.file && strcmp(r.file, "-")) {
		FILE *f = fopen(r.file, "r");

		if (!f) {
			gerr(g, "cannot open '%s': %s", r.file, strerror(errno));
			repl_running = false;
			return EXIT_FAIL;
		}
		ret = run_file(&r, f, r.file);
		fclose(f);
	} else if (r.file || !isatty(STDIN_FILENO)) {
		ret = run_file(&r, stdin, "-");
	} else {
		ret = run_interactive(&r);
	}
	if (r.quit && r.quit_status >= 0)
		ret = r.quit_status;
	free(r.socket);
	repl_running = false;
	return ret;
}
