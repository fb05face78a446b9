/* SPDX-License-Identifier: MIT */
/*
 * genv top: per-VPC rates of a running router (over its control socket)
 * or of a capture (-r), full-screen (top/ui.c) or as batch snapshots
 * (-b, text or -j JSON Lines).  The model and rates are in top/model.c,
 * the sources in top/pcap.c and top/router.c, one sample of either in
 * top/sample.c (which the screen uses too, so it needs nothing from here).
 * Layer: cmd; calls commands, cmd/top/top, libcore/num, router/ctl and
 * libc.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "top/top.h"
#include "../libcore/num.h"
#include "../router/ctl.h"

enum { O_READ = 1, O_SOCKET, O_BATCH, O_ITER, O_DELAY, O_FAST, O_SORT, O_VNI, O_LOCAL, O_REVERSE };

static const char *const sort_choices[] = {
	"vni", "name", "eps", "flows", "pkts", "rx", "rxbits", "tx", "txbits", "drops", NULL
};

const struct opt top_opts[] = {
	{ O_READ, 'r', "read", OPT_FILE, "FILE", "replay a pcap or pcapng capture instead of asking a router", NULL },
	{ O_SOCKET, 'S', "socket", OPT_FILE, "PATH", "router control socket (default $GENV_SOCKET or /run/genv/genv.sock)", NULL },
	{ O_BATCH, 'b', "batch", OPT_FLAG, NULL, "print snapshots as text (or JSON with -j) instead of the screen", NULL },
	{ O_ITER, 'n', "iterations", OPT_INT, "COUNT", "stop after COUNT snapshots", NULL },
	{ O_DELAY, 'd', "delay", OPT_STR, "SECONDS", "time between snapshots (default 1; 0.1 to 3600)", NULL },
	{ O_FAST, 0, "fast", OPT_FLAG, NULL, "replay the capture as fast as possible, not at capture speed", NULL },
	{ O_SORT, 's', "sort", OPT_ENUM, "COLUMN", "sort the VPCs by COLUMN (default vni)", sort_choices },
	{ O_REVERSE, 0, "reverse", OPT_FLAG, NULL, "reverse the sort order", NULL },
	{ O_VNI, 0, "vni", OPT_INT, "VNI", "show the flows of this VPC (the screen starts in it)", NULL },
	{ O_LOCAL, 0, "local", OPT_STR, "ADDR", "capture: frames from this underlay address count as tx", NULL },
	{ 0 }
};

static int top_opt(struct genv_ctx *g, void *stp, int id, const char *arg)
{
	struct top_opts *o = stp;
	uint64_t v;
	double d;
	int ret;

	switch (id) {
	case O_READ: o->rfile = arg; break;
	case O_SOCKET: o->socket = arg; break;
	case O_BATCH: o->batch = true; break;
	case O_FAST: o->fast = true; break;
	case O_LOCAL: o->local = arg; break;
	case O_REVERSE: o->reverse = true; break;
	case O_ITER:
		ret = opt_u64(g, "--iterations", arg, 1, UINT64_MAX, &o->iterations);
		if (ret)
			return ret;
		break;
	case O_DELAY:
		if (num_parse_double(arg, 0.1, 3600, &d))
			return gusage(g, "--delay: '%s' is not a number of seconds from 0.1 to 3600", arg);
		o->delay = d;
		break;
	case O_SORT:
		o->sort_col = top_col_lookup(TOP_V_VPC, arg);
		if (o->sort_col < 0)
			return gusage(g, "--sort: unknown column '%s'", arg);
		break;
	case O_VNI:
		ret = opt_u64(g, "--vni", arg, 0, 0xffffff, &v);
		if (ret)
			return ret;
		o->vni = (uint32_t)v;
		break;
	}
	return 0;
}

/* Sleep up to ns, in slices, so an interrupt (REPL Ctrl-C) ends it. */
static bool nap(struct top_state *st, uint64_t ns)
{
	while (ns) {
		uint64_t slice = ns > 100000000 ? 100000000 : ns;
		struct timespec ts = { (time_t)(slice / 1000000000), (long)(slice % 1000000000) };

		if (st->g->interrupted && *st->g->interrupted)
			return false;
		nanosleep(&ts, NULL);
		ns -= slice;
	}
	return !(st->g->interrupted && *st->g->interrupted);
}

static int emit(struct genv_ctx *g, struct sbuf *o)
{
	int ret;

	if (o->oom) {
		gerr(g, "out of memory");
		return -ENOMEM;
	}
	ret = out_write(g, o->buf, o->len);
	if (!ret && fflush(g->out))
		ret = -errno;
	sbuf_reset(o);
	if (ret && ret != -EPIPE)
		gerr(g, "cannot write output: %s", strerror(-ret));
	return ret;
}

static int run_batch(struct top_state *st)
{
	struct top_opts *o = st->o;
	uint64_t step = (uint64_t)(o->delay * 1e9);
	struct sbuf out = SBUF_INIT;
	int ret = 0;

	if (st->router) {
		/* the baseline sample: rates need two */
		ret = top_sample(st, 0, o->vni);
		if (ret) {
			gerr(st->g, "%s", st->err);
			return EXIT_FAIL;
		}
	}
	for (uint64_t k = 0; !o->iterations || k < o->iterations; k++) {
		const struct top_snap *s;

		if ((!st->pcap || !o->fast) && !nap(st, step))
			break;
		ret = top_sample(st, step, o->vni);
		if (ret == 1)
			break;
		if (ret && st->router) {
			/* the router may be restarting: say so, try again next time */
			gwarn(st->g, "%s", st->err);
			continue;
		}
		if (ret) {
			gerr(st->g, "%s", st->err);
			sbuf_free(&out);
			return EXIT_FAIL;
		}
		s = &st->snap[st->cur];
		if (st->g->json)
			top_batch_json(s, &st->src, st->g->pretty, &out);
		else
			top_batch_text(s, &st->src, o->sort_col, o->reverse, &out);
		ret = emit(st->g, &out);
		if (ret) {
			sbuf_free(&out);
			return ret == -EPIPE ? EXIT_OK : EXIT_FAIL;
		}
		if (s->eof)
			break;
	}
	sbuf_free(&out);
	return EXIT_OK;
}

int cmd_top(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *self = cmd_find("top");
	struct top_opts o;
	struct top_state st;
	int np, ret;

	memset(&o, 0, sizeof(o));
	o.delay = 1.0;
	o.vni = TOP_NO_VNI;
	ret = opt_parse(g, self, argc, argv, top_opt, &o, &np);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (np > 0)
		return gusage(g, "unexpected argument '%s'", argv[1]);
	if (o.rfile && o.socket)
		return gusage(g, "give -r FILE or --socket PATH, not both");
	if (o.local && !o.rfile)
		return gusage(g, "--local applies to a capture (-r FILE)");
	if (o.fast && !o.rfile)
		return gusage(g, "--fast applies to a capture (-r FILE)");
	if (g->json)
		o.batch = true;
	if (!o.batch && (!isatty(STDOUT_FILENO) || !isatty(STDIN_FILENO)))
		return gusage(g, "the screen needs a terminal: use -b for batch output");

	memset(&st, 0, sizeof(st));
	st.g = g;
	st.o = &o;
	st.snap[0].flow_vni = st.snap[1].flow_vni = TOP_NO_VNI;
	if (o.rfile) {
		ret = top_pcap_open(&st.pcap, o.rfile, o.local, st.err, sizeof(st.err));
		if (ret) {
			if (ret == -EINVAL) {
				ret = gusage(g, "%s", st.err);
				return ret;
			}
			gerr(g, "%s", ret == -ENOMEM ? "out of memory" : st.err);
			return EXIT_FAIL;
		}
		st.src.kind = "capture";
		st.src.path = o.rfile;
		/* the baseline: nothing counted yet, at the first frame */
		st.replay_ns = top_pcap_start(st.pcap);
		st.snap[0].t_ns = st.snap[0].start_ns = st.snap[0].wall_ns = st.replay_ns;
		st.have_prev = true;
	} else {
		if (!o.socket)
			o.socket = g->socket;	/* the REPL's 'set router' */
		ret = top_router_open(&st.router, o.socket);
		if (ret) {
			gerr(g, "out of memory");
			return EXIT_FAIL;
		}
		st.src.kind = "router";
		st.src.path = rt_ctl_path(o.socket);
	}
	if (o.batch) {
		/* `genv top -b | head`: a closed pipe is EPIPE, then a quiet exit */
		struct sigaction ign, old_pipe;

		memset(&ign, 0, sizeof(ign));
		ign.sa_handler = SIG_IGN;
		sigaction(SIGPIPE, &ign, &old_pipe);
		ret = run_batch(&st);
		sigaction(SIGPIPE, &old_pipe, NULL);
	} else
		ret = top_screen(&st);
	top_pcap_close(st.pcap);
	top_router_close(st.router);
	top_snap_free(&st.snap[0]);
	top_snap_free(&st.snap[1]);
	return ret;
}
