/* SPDX-License-Identifier: MIT */
/*
 * genv route: run the overlay router, or talk to a running one.
 *
 *   genv route run [-f FILE] [--state FILE] [--socket PATH] [--limit NAME=N,...] [--max-endpoints N]
 *   genv route add|del|set|show WORDS...     one command over the socket
 *   genv route batch FILE                    every line of FILE, FILE:LINE on error
 *   genv route save FILE                     the running config, written atomically
 *   genv route reload FILE                   FILE as the new config, applied as one diff
 *   genv route apply -f FILE.yaml... [--vpc VNI] [--dry-run]
 *   genv route gc --store URL                the store's unused identities removed
 *                                            Kubernetes NetworkPolicy YAML (route/apply.c)
 *
 * The words after the subcommand are the router's command language (see
 * genv.conf(5)); this file only joins them into one line and sends it.
 * The router validates everything and answers with a status and output.
 * `route run` is where the router is wired with its extensions (trace).
 * Layer: cmd; calls commands, ctl_client, libcore/sbuf, router/ctl,
 * router/router, router/state, trace/ext and libc.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "commands.h"
#include "common/ctl_client.h"
#include "route/apply.h"
#include "../libcore/msg.h"
#include "route/store_client.h"
#include "../libcore/num.h"
#include "../libcore/sbuf.h"
#include "../router/ctl.h"
#include "../router/router.h"
#include "../router/state.h"
#include "../router/store.h"
#include "../router/store_live.h"
#include "../trace/ext.h"

enum { ROUTE_OPT_FILE = 1, ROUTE_OPT_STATE, ROUTE_OPT_SOCKET, ROUTE_OPT_VPC, ROUTE_OPT_DRY_RUN,
       ROUTE_OPT_NO_OFFLOAD, ROUTE_OPT_LIMIT, ROUTE_OPT_MAX_EPS,
	ROUTE_OPT_STORE, ROUTE_OPT_PREFIX, ROUTE_OPT_HOST_ID, ROUTE_OPT_CACERT, ROUTE_OPT_CERT, ROUTE_OPT_KEY,
	ROUTE_OPT_LEASE_TTL };

const struct opt route_opts[] = {
	{ ROUTE_OPT_FILE, 'f', "file", OPT_FILE, "FILE",
	  "run: commands to load at start (a genv.conf(5) file); apply: a YAML file, '-' for stdin (repeatable)", NULL },
	{ ROUTE_OPT_STATE, 0, "state", OPT_FILE, "FILE",
	  "run: restore the config from FILE and keep FILE current", NULL },
	{ ROUTE_OPT_SOCKET, 'S', "socket", OPT_FILE, "PATH",
	  "control socket (default $GENV_SOCKET or " RT_CTL_DEFAULT_PATH ")", NULL },
	{ ROUTE_OPT_VPC, 0, "vpc", OPT_INT, "VNI",
	  "apply: the VPC of documents without the genv.io/vpc annotation", NULL },
	{ ROUTE_OPT_DRY_RUN, 0, "dry-run", OPT_FLAG, NULL,
	  "apply: print the router commands, send nothing", NULL },
	{ ROUTE_OPT_NO_OFFLOAD, 0, "no-offload", OPT_FLAG, NULL,
	  "run: no virtio-net offloads on TAP ports, no UDP GSO/GRO on the underlay", NULL },
	{ ROUTE_OPT_LIMIT, 0, "limit", OPT_STR, "NAME=N,...",
	  "run: table sizes: vpcs, nets, endpoints, hosts, ports, flows, namespaces, identities, policies, conntrack (repeatable)",
	  NULL },
	{ ROUTE_OPT_MAX_EPS, 0, "max-endpoints", OPT_INT, "N",
	  "run: size of the endpoint table (default 65536), as --limit endpoints=N", NULL },
	{ ROUTE_OPT_STORE, 0, "store", OPT_STR, "URL",
	  "etcd://H:P[,H:P...]: run: converge from the store; add, set, del, batch, apply: write to it (genv-store(5))", NULL },
	{ ROUTE_OPT_PREFIX, 0, "prefix", OPT_STR, "PREFIX", "the store's key prefix (default /genv/)", NULL },
	{ ROUTE_OPT_HOST_ID, 0, "host-id", OPT_STR, "ID", "this host's name in the store (its own keys)", NULL },
	{ ROUTE_OPT_CACERT, 0, "cacert", OPT_FILE, "FILE", "store: CA certificate of the members (TLS)", NULL },
	{ ROUTE_OPT_CERT, 0, "cert", OPT_FILE, "FILE", "store: client certificate (TLS, with --key)", NULL },
	{ ROUTE_OPT_KEY, 0, "key", OPT_FILE, "FILE", "store: the client certificate's key", NULL },
	{ ROUTE_OPT_LEASE_TTL, 0, "lease-ttl", OPT_INT, "S",
	  "run --store: TTL of this host's lease, 2..3600 seconds (default 5)", NULL },
	{ 0 }
};

struct route_args {
	const char *file, *state, *socket;
	const char *files[ROUTE_APPLY_FILES_MAX];
	size_t nfiles;
	int64_t vpc;		/* -1: none given */
	bool dry_run;
	bool no_offload;
	bool limits;		/* --limit or --max-endpoints given */
	struct rt_limits lim;	/* zero fields: the defaults */
	uint32_t lease_ttl;	/* run --store; 0: RT_LIVE_TTL_S */
	struct store_args store;
};

static int route_opt(struct genv_ctx *g, void *st, int id, const char *arg)
{
	struct route_args *a = st;

	uint64_t v;

	switch (id) {
	case ROUTE_OPT_FILE:
		if (a->nfiles == ROUTE_APPLY_FILES_MAX)
			return gusage(g, "more than %d --file options", ROUTE_APPLY_FILES_MAX);
		a->files[a->nfiles++] = arg;
		a->file = a->files[0];
		break;
	case ROUTE_OPT_STATE: a->state = arg; break;
	case ROUTE_OPT_SOCKET: a->socket = arg; break;
	case ROUTE_OPT_VPC:
		if (num_parse_u64(arg, RT_VNI_MIN, RT_VNI_MAX, &v))
			return gusage(g, "--vpc '%s': expected a VNI, %u..%u", arg, RT_VNI_MIN, RT_VNI_MAX);
		a->vpc = (int64_t)v;
		break;
	case ROUTE_OPT_DRY_RUN: a->dry_run = true; break;
	case ROUTE_OPT_NO_OFFLOAD: a->no_offload = true; break;
	case ROUTE_OPT_MAX_EPS:
		if (num_parse_u32(arg, 1, RT_LIMIT_MAX_EPS, &a->lim.max_eps))
			return gusage(g, "--max-endpoints '%s': expected a number, 1..%u", arg, RT_LIMIT_MAX_EPS);
		a->limits = true;
		break;
	case ROUTE_OPT_LIMIT: {
		struct rt_limits l = a->lim;
		char err[200];

		if (rt_limits_parse(&l, arg, err, sizeof(err)))
			return gusage(g, "--limit '%s': %s", arg, err);
		a->lim = l;
		a->limits = true;
		break;
	}
	case ROUTE_OPT_STORE: a->store.url = arg; break;
	case ROUTE_OPT_PREFIX: a->store.prefix = arg; break;
	case ROUTE_OPT_HOST_ID:
		if (!*arg || strpbrk(arg, "/% \t\n") || strlen(arg) > 64)
			return gusage(g, "--host-id '%s': expected a name (at most 64 bytes, no '/', '%%' or blanks)", arg);
		a->store.host_id = arg;
		break;
	case ROUTE_OPT_CACERT: a->store.cacert = arg; break;
	case ROUTE_OPT_CERT: a->store.cert = arg; break;
	case ROUTE_OPT_KEY: a->store.key = arg; break;
	case ROUTE_OPT_LEASE_TTL:
		if (num_parse_u64(arg, RT_LIVE_TTL_MIN, RT_LIVE_TTL_MAX, &v))
			return gusage(g, "--lease-ttl '%s': expected %d..%d seconds", arg, RT_LIVE_TTL_MIN, RT_LIVE_TTL_MAX);
		a->lease_ttl = (uint32_t)v;
		break;
	}
	return 0;
}

static int ctl_flags(const struct genv_ctx *g)
{
	return g->json ? RT_CTL_JSON : 0;	/* -p is done here, see json_pretty() */
}

#define ROUTE_HINT "is 'genv route run' running?"

/* -p: re-indent the router's compact JSON (strings copied untouched). */
static void json_pretty(const char *s, size_t n, struct sbuf *out)
{
	int depth = 0;
	bool str = false, esc = false;

	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (str) {
			sbuf_putc(out, c);
			if (esc)
				esc = false;
			else if (c == '\\')
				esc = true;
			else if (c == '"')
				str = false;
			continue;
		}
		switch (c) {
		case '"':
			str = true;
			sbuf_putc(out, c);
			break;
		case '{':
		case '[':
			sbuf_putc(out, c);
			if (i + 1 < n && (s[i + 1] == '}' || s[i + 1] == ']')) {
				sbuf_putc(out, s[++i]);
				break;
			}
			depth++;
			sbuf_printf(out, "\n%*s", depth * 2, "");
			break;
		case '}':
		case ']':
			depth--;
			sbuf_printf(out, "\n%*s%c", depth > 0 ? depth * 2 : 0, "", c);
			break;
		case ',':
			sbuf_printf(out, ",\n%*s", depth * 2, "");
			break;
		case ':':
			sbuf_puts(out, ": ");
			break;
		case ' ':
		case '\t':
			break;
		case '\n':
			depth = 0;
			sbuf_putc(out, c);
			break;
		default:
			sbuf_putc(out, c);
		}
	}
}

/* Print what the router answered (its text, or its JSON re-indented for -p). */
static int show_reply(struct genv_ctx *g, struct sbuf *out)
{
	struct sbuf tmp = SBUF_INIT;
	int ret = EXIT_OK;

	if (g->pretty) {
		json_pretty(sbuf_str(out), out->len, &tmp);
		out = &tmp;
	}
	if (!g->quiet && out_write(g, sbuf_str(out), out->len) < 0) {
		gerr(g, "cannot write output: %s", strerror(errno));
		ret = EXIT_FAIL;
	}
	sbuf_free(&tmp);
	return ret;
}

/* genv route add|del|set|show WORDS: one line over the socket */
static int route_call(struct genv_ctx *g, const char *socket, const struct store_args *store, int argc,
		      char **argv)
{
	struct sbuf line = SBUF_INIT, out = SBUF_INIT;
	struct ctl_client c;
	int ret;

	for (int i = 0; i < argc; i++) {
		if (!*argv[i] || strpbrk(argv[i], " \t\n\r")) {
			ret = gusage(g, "'%s': a word of the command language cannot be empty or hold spaces",
				     argv[i]);
			goto out;
		}
		sbuf_printf(&line, "%s%s", i ? " " : "", argv[i]);
	}
	if (store && store->url) {
		char *l = line.buf;

		ret = store_write(g, store, &l, 1, false);
		goto out;
	}
	ctl_client_init(&c, socket, 0);
	ret = ctl_request(g, &c, sbuf_str(&line), ctl_flags(g), &out, "", ROUTE_HINT);
	ctl_client_close(&c);
	if (!ret)
		ret = show_reply(g, &out);
out:
	sbuf_free(&line);
	sbuf_free(&out);
	return ret;
}

/* genv route batch FILE: stop at the first rejected line, report FILE:LINE */
static int route_batch(struct genv_ctx *g, const char *socket, const char *file)
{
	struct sbuf out = SBUF_INIT, prefix = SBUF_INIT;
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	struct ctl_client c;
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0, done = 0;
	ssize_t n;
	int ret = EXIT_OK;

	if (!f) {
		gerr(g, "cannot open '%s': %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	ctl_client_init(&c, socket, 0);
	ret = ctl_dial_report(g, &c, ROUTE_HINT);
	if (ret)
		goto out;
	while ((n = getline(&line, &cap, f)) >= 0) {
		char *s = line;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		s += strspn(s, " \t");
		if (!*s || *s == '#')
			continue;
		sbuf_reset(&out);
		sbuf_reset(&prefix);
		sbuf_printf(&prefix, "%s:%lu: ", file, lineno);
		if (ctl_request(g, &c, s, ctl_flags(g), &out, sbuf_str(&prefix), ROUTE_HINT)) {
			/* every line before this one was applied */
			ret = EXIT_FAIL;
			goto out;
		}
		ret = show_reply(g, &out);
		if (ret)
			goto out;
		done++;
	}
	if (ferror(f)) {
		gerr(g, "cannot read '%s': %s", file, strerror(errno));
		ret = EXIT_FAIL;
	}
	if (g->verbose && !ret)
		fprintf(g->err, "genv route: %lu commands applied from '%s'\n", done, file);
out:
	ctl_client_close(&c);
	if (f != stdin)
		fclose(f);
	free(line);
	sbuf_free(&out);
	sbuf_free(&prefix);
	return ret;
}

/* genv route save FILE: the router's dump, written atomically here */
static int route_save(struct genv_ctx *g, const char *socket, const char *file)
{
	struct sbuf out = SBUF_INIT;
	struct ctl_client c;
	int ret;

	ctl_client_init(&c, socket, 0);
	ret = ctl_request(g, &c, "show config", 0, &out, "", ROUTE_HINT);
	ctl_client_close(&c);
	if (ret)
		goto out;
	if (!strcmp(file, "-")) {
		ret = show_reply(g, &out);
		goto out;
	}
	ret = rt_write_atomic(file, sbuf_str(&out), out.len);
	if (ret) {
		gerr(g, "cannot write '%s': %s", file, strerror(-ret));
		ret = EXIT_FAIL;
		goto out;
	}
	ret = EXIT_OK;
out:
	sbuf_free(&out);
	return ret;
}

/* genv route reload FILE: the router applies FILE as one diff (router/reload.h) */
static int route_reload(struct genv_ctx *g, const char *socket, const char *file)
{
	struct sbuf text = SBUF_INIT, out = SBUF_INIT, msg = SBUF_INIT;
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	struct ctl_client c;
	unsigned long lineno = 0;
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	int ret = EXIT_OK, status;

	ctl_client_init(&c, socket, 0);
	if (!f) {
		gerr(g, "cannot open '%s': %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	while (!ret && (n = getline(&line, &cap, f)) >= 0) {
		long bad;

		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			n--;
		/* as the router's own files: checked here, so the error names the line */
		if ((bad = gnv_ctl_byte(line, (size_t)n)) >= 0) {
			gerr(g, "%s:%lu: control byte 0x%02x at column %ld: refused, nothing changed", file,
			     lineno, (unsigned char)line[bad], bad + 1);
			ret = EXIT_USAGE;
		}
		sbuf_add(&text, line, (size_t)n);
		sbuf_putc(&text, '\n');
	}
	if (!ret && ferror(f)) {
		gerr(g, "cannot read '%s': %s", file, strerror(errno));
		ret = EXIT_FAIL;
	}
	if (f != stdin)
		fclose(f);
	free(line);
	if (!ret)
		ret = ctl_dial_report(g, &c, ROUTE_HINT);
	if (ret)
		goto out;
	ret = rt_ctl_call_reload(c.fd, sbuf_str(&text), text.len, ctl_flags(g), &status, &out);
	if (ret) {
		gerr(g, "'%s': %s", c.path, strerror(-ret));
		ret = EXIT_FAIL;
	} else if (status) {
		unsigned long at = 0;
		size_t off;

		ctl_error_msg(status, &out, g->json, &msg);
		off = ctl_error_line(sbuf_str(&msg), ULONG_MAX, &at);
		if (off)
			gerr(g, "%s:%lu: refused, nothing changed: %s", file, at, sbuf_str(&msg) + off);
		else
			gerr(g, "%s: refused, nothing changed: %s", file, sbuf_str(&msg));
		ret = ctl_status_exit(status);
	} else {
		ret = show_reply(g, &out);
	}
out:
	ctl_client_close(&c);
	sbuf_free(&text);
	sbuf_free(&out);
	sbuf_free(&msg);
	return ret;
}

static int route_run(struct genv_ctx *g, const struct route_args *a)
{
	struct rt_store_opts so = { .url = a->store.url, .prefix = a->store.prefix,
				    .host_id = a->store.host_id, .cacert = a->store.cacert,
				    .cert = a->store.cert, .key = a->store.key, .log = rt_log,
				    .lease_ttl = a->lease_ttl };
	char *cache = NULL;
	struct router_opts o = {
		.config = a->file,
		.state = a->state,
		.socket = rt_ctl_path(a->socket),
		.log_level = g->quiet ? RT_LOG_ERR : RT_LOG_INFO + (g->verbose > 0),
		.exts = (const struct rt_ext *const[]){ &trace_ext, NULL },	/* trace, probe */
		.no_offload = a->no_offload,
		.store = a->store.url ? &so : NULL,
		.limits = a->limits ? &a->lim : NULL,
	};
	int ret;

	if (a->store.url && !a->store.host_id)
		return gusage(g, "run: --store needs --host-id");
	if (a->lease_ttl && !a->store.url)
		return gusage(g, "run: --lease-ttl goes with --store");
	if (a->store.url && a->state && asprintf(&cache, "%s.store", a->state) < 0)
		return EXIT_FAIL;
	so.cache = cache;
	ret = router_run(&o);
	free(cache);
	return ret ? EXIT_FAIL : EXIT_OK;
}

int cmd_route(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *self = cmd_find("route");
	struct route_args a = { .vpc = -1 };
	const char *sub;
	int np, ret;

	ret = opt_parse(g, self, argc, argv, route_opt, &a, &np);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (np < 1)
		return gusage(g, "missing subcommand: run, add, del, set, show, save, batch, reload, apply, gc, clear, dump, drops, mirror, trace or probe");
	sub = argv[1];
	if (!a.socket)
		a.socket = g->socket;	/* the REPL's 'set router' */
	if (a.limits && strcmp(sub, "run"))
		return gusage(g, "--limit and --max-endpoints apply to 'run' only");
	if (!strcmp(sub, "apply")) {
		if (np != 1)
			return gusage(g, "apply: unexpected argument '%s' (files come with -f)", argv[2]);
		if (!a.nfiles)
			return gusage(g, "apply: missing -f FILE");
		if (a.state)
			return gusage(g, "--state applies to 'run' only");
		return route_apply(g, a.socket, a.store.url ? &a.store : NULL, a.files, a.nfiles, a.vpc, a.dry_run);
	}
	if ((a.vpc >= 0 || a.dry_run) && strcmp(sub, "apply"))
		return gusage(g, "--vpc and --dry-run apply to 'apply' only");
	if ((a.store.prefix || a.store.host_id || a.store.cacert || a.store.cert || a.store.key) && !a.store.url)
		return gusage(g, "--prefix, --host-id, --cacert, --cert and --key go with --store");
	if (a.store.url && (!strcmp(sub, "show") || !strcmp(sub, "save") || !strcmp(sub, "dump")))
		return gusage(g, "%s: asks the running router; --store goes with run, add, set, del, batch, apply, gc", sub);
	if ((a.file || a.state) && strcmp(sub, "run"))
		return gusage(g, "--file applies to 'run' and 'apply', --state to 'run' only");
	if (a.nfiles > 1)
		return gusage(g, "run: one --file");

	if (!strcmp(sub, "run")) {
		if (np != 1)
			return gusage(g, "run: unexpected argument '%s'", argv[2]);
		return route_run(g, &a);
	}
	if (!strcmp(sub, "gc")) {
		if (np != 1)
			return gusage(g, "gc: unexpected argument '%s'", argv[2]);
		if (!a.store.url)
			return gusage(g, "gc: removes the store's unused identities: give --store URL");
		return store_gc(g, &a.store);
	}
	if (!strcmp(sub, "add") || !strcmp(sub, "del") || !strcmp(sub, "set")) {
		if (np < 2)
			return gusage(g, "%s: missing object (vpc, net, ep, port, host)", sub);
		return route_call(g, a.socket, &a.store, np, argv + 1);
	}
	/* the other verbs of the router's language (genv.conf(5)), as they are */
	if (!strcmp(sub, "show") || !strcmp(sub, "clear") || !strcmp(sub, "dump") || !strcmp(sub, "drops") ||
	    !strcmp(sub, "mirror") || !strcmp(sub, "trace") || !strcmp(sub, "probe"))
		return route_call(g, a.socket, NULL, np, argv + 1);
	if (!strcmp(sub, "batch") || !strcmp(sub, "save") || !strcmp(sub, "reload")) {
		if (np != 2)
			return gusage(g, "%s: expected one FILE", sub);
		if (sub[0] == 'r')
			return route_reload(g, a.socket, argv[2]);
		if (a.store.url && sub[0] == 'b')
			return store_batch(g, &a.store, argv[2]);
		return sub[0] == 'b' ? route_batch(g, a.socket, argv[2]) : route_save(g, a.socket, argv[2]);
	}
	return gusage(g, "unknown subcommand '%s': expected run, add, del, set, show, save, batch, reload, apply, gc, clear, dump, drops, mirror, trace or probe", sub);
}
