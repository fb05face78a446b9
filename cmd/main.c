/* SPDX-License-Identifier: MIT */
/*
 * genv: one multi-call binary.  `genv COMMAND ...` and `genv-COMMAND ...`
 * (argv[0]) are the same thing.  Commands are matched exactly; a typo gets
 * "did you mean".
 * Layer: cmd; calls libcore/msg, cli and libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include "../libcore/msg.h"
#include "cli.h"

const struct cmd *cmd_find(const char *name)
{
	for (const struct cmd *c = genv_commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

static int unknown_command(struct genv_ctx *g, const char *name)
{
	const struct cmd *best = NULL;
	size_t bestd = 3;

	for (const struct cmd *c = genv_commands; c->name; c++) {
		size_t d;

		if (c->hidden)
			continue;
		d = gnv_edit_distance(name, strlen(name), c->name, strlen(c->name));
		if (d < bestd || (!best && !strncmp(name, c->name, strlen(name)) && *name)) {
			bestd = d;
			best = c;
		}
	}
	if (best)
		gerr(g, "'%s' is not a genv command; did you mean '%s'?", name, best->name);
	else
		gerr(g, "'%s' is not a genv command; see 'genv help'", name);
	return EXIT_USAGE;
}

static void list_commands(FILE *f)
{
	for (const struct cmd *c = genv_commands; c->name; c++)
		if (!c->hidden)
			fprintf(f, "  %-10s %s\n", c->name, c->summary);
}

static void main_usage(FILE *f)
{
	fprintf(f,
		"Usage: genv [GLOBAL OPTIONS] COMMAND [ARGS]\n"
		"       genv-COMMAND [ARGS]\n"
		"Craft, decode and trace Geneve packets; run a userspace overlay router.\n\n"
		"Commands:\n");
	list_commands(f);
	fprintf(f, "\nGlobal options (before the command or after it):\n");
	for (const struct opt *o = genv_global_opts; o->id; o++) {
		char left[40];

		if (o->sname)
			snprintf(left, sizeof(left), "  -%c, --%s%s", o->sname, o->lname,
				 o->type == OPT_FLAG ? "" : "=WHEN");
		else
			snprintf(left, sizeof(left), "      --%s%s", o->lname,
				 o->type == OPT_FLAG ? "" : "=WHEN");
		fprintf(f, "%-30s %s\n", left, o->help);
	}
	fprintf(f, "%-30s %s\n", "      --version", "print the version and exit");
	fprintf(f, "\n'genv help COMMAND' or 'genv COMMAND --help' for a command; man genv(1).\n");
}

/*
 * `genv help CMD` on a terminal: CMD's man page through man(1) -- the page
 * next to the binary in a source tree (build/genv, man/), else the
 * installed one.  Returns 0 when man showed it; otherwise the caller prints
 * the plain --help text.
 */
static int show_man(const char *page)
{
	char name[64], exe[PATH_MAX], local[PATH_MAX + 80];
	const char *paren = strchr(page, '(');
	struct sigaction ign, old_int, old_quit;
	ssize_t n;
	pid_t pid;
	int st;

	if (!paren || (size_t)(paren - page) >= sizeof(name) || !paren[1])
		return -1;
	memcpy(name, page, (size_t)(paren - page));
	name[paren - page] = 0;
	local[0] = 0;
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash) {
			struct stat sb;

			*slash = 0;
			snprintf(local, sizeof(local), "%s/../man/%s.%c", exe, name, paren[1]);
			if (stat(local, &sb) || !S_ISREG(sb.st_mode))
				local[0] = 0;
		}
	}
	fflush(NULL);
	/* like system(): the pager owns Ctrl-C while it runs */
	memset(&ign, 0, sizeof(ign));
	ign.sa_handler = SIG_IGN;
	sigemptyset(&ign.sa_mask);
	sigaction(SIGINT, &ign, &old_int);
	sigaction(SIGQUIT, &ign, &old_quit);
	pid = fork();
	if (pid == 0) {
		char sec[2] = { paren[1], 0 };
		int fd = open("/dev/null", O_WRONLY);

		sigaction(SIGINT, &old_int, NULL);
		sigaction(SIGQUIT, &old_quit, NULL);
		if (fd >= 0)
			dup2(fd, STDERR_FILENO);	/* "No manual entry": fall back quietly */
		if (local[0])
			execlp("man", "man", "-l", local, (char *)NULL);
		else
			execlp("man", "man", sec, name, (char *)NULL);
		_exit(127);
	}
	st = -1;
	if (pid > 0)
		while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
			;
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGQUIT, &old_quit, NULL);
	return pid > 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0 ? 0 : -1;
}

static int cmd_help(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *c;

	if (argc < 2) {
		main_usage(g->out);
		return EXIT_OK;
	}
	c = cmd_find(argv[1]);
	if (!c)
		return unknown_command(g, argv[1]);
	if (c->man && !g->json && isatty(fileno(g->out)) && !show_man(c->man))
		return EXIT_OK;
	cmd_usage(g, c, g->out);
	return EXIT_OK;
}

int cmd_help_run(struct genv_ctx *g, int argc, char **argv);
int cmd_help_run(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *self = cmd_find("help");
	int np, ret = opt_parse(g, self, argc, argv, NULL, NULL, &np);

	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	return cmd_help(g, np + 1, argv);
}

int cmd_dispatch(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *c = cmd_find(argv[0]);

	if (!c)
		return unknown_command(g, argv[0]);
	g->cmd = c->name;
	return c->run(g, argc, argv);
}

/* Global options before the command: genv -j decode ... */
static int leading_globals(struct genv_ctx *g, int argc, char **argv, int *first)
{
	int ret = opt_leading_globals(g, argc, argv, 1, first);
	const char *a = *first < argc ? argv[*first] : "";

	if (ret)
		return ret;
	if (!strcmp(a, "--version")) {
		fprintf(g->out, "genv %s\n", GENV_VERSION);
		return -1;
	}
	if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
		main_usage(g->out);
		return -1;
	}
	if (a[0] == '-' && a[1] && strcmp(a, "--")) {
		gerr(g, "unknown global option '%s'; see 'genv --help'", a);
		return EXIT_USAGE;
	}
	return 0;
}

/* A terminal, or a file or pipe of commands (genv < script): not /dev/null. */
static bool stdin_is_script(void)
{
	struct stat sb;

	if (isatty(STDIN_FILENO))
		return true;
	return !fstat(STDIN_FILENO, &sb) && (S_ISREG(sb.st_mode) || S_ISFIFO(sb.st_mode) ||
					     S_ISSOCK(sb.st_mode));
}

int main(int argc, char **argv)
{
	struct genv_ctx g;
	const char *base = strrchr(argv[0], '/');
	int first, ret;

	ctx_init(&g);
	base = base ? base + 1 : argv[0];
	if (!strncmp(base, "genv-", 5) && base[5]) {
		argv[0] = (char *)(base + 5);
		ret = cmd_dispatch(&g, argc, argv);
		goto out;
	}
	ret = leading_globals(&g, argc, argv, &first);
	if (ret) {
		ret = ret < 0 ? EXIT_OK : ret;
		goto out;
	}
	if (first >= argc) {
		const struct cmd *repl = cmd_find("repl");

		if (repl && stdin_is_script()) {
			char *rargv[] = { (char *)"repl", NULL };
			ret = cmd_dispatch(&g, 1, rargv);
		} else {
			main_usage(stderr);
			ret = EXIT_USAGE;
		}
		goto out;
	}
	ret = cmd_dispatch(&g, argc - first, argv + first);
out:
	if (fflush(stdout) && ret == EXIT_OK) {
		/* a full disk or closed pipe is an error, except for '| head' */
		ret = EXIT_FAIL;
	}
	return ret;
}
