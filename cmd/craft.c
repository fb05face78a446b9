/* SPDX-License-Identifier: MIT */
/*
 * genv craft: build packets from the packet language (libcore/lang.h) and
 * write them to a pcap file, as hex, as raw bytes, or onto an interface.
 * The packet is built once; --vary patches only the varied fields per
 * packet (libcore/build.h), so millions of packets take a second.
 * Layer: cmd; calls commands, libcore/build, libcore/json, libcore/lang,
 * libcore/num, libcore/optreg, libcore/sbuf, router/xdpgen (--xdp), libpcap
 * and libc.
 */
#include <errno.h>
#include <fcntl.h>
#include <pcap/pcap.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>
#include "commands.h"
#include "optfile.h"
#include "craft/iface.h"
#include "../libcore/build.h"
#include "../libcore/json.h"
#include "../libcore/lang.h"
#include "../libcore/num.h"
#include "../libcore/optfile.h"
#include "../libcore/optreg.h"
#include "../libcore/ovsnot.h"
#include "../libcore/sbuf.h"
#include "../router/xdpgen.h"

enum {
	O_WRITE = 1, O_HEX, O_IFACE, O_COUNT, O_RATE, O_VARY, O_SEED, O_OPTCLASS, O_PRINT,
	O_EXPECT, O_TIMEOUT, O_OPTIONS, O_XDP, O_DURATION, O_TLVMAP,
};

const struct opt craft_opts[] = {
	{ O_WRITE, 'w', "write", OPT_FILE, "FILE", "write a pcap file ('-' for stdout)", NULL },
	{ O_HEX, 0, "hex", OPT_FLAG, NULL, "print each packet as hex, one per line (JSON Lines with -j)", NULL },
	{ O_IFACE, 'i', "interface", OPT_IFACE, "IFACE", "send the packets on a network interface", NULL },
	{ O_COUNT, 'c', "count", OPT_INT, "N", "number of packets (default 1)", NULL },
	{ O_RATE, 0, "rate", OPT_INT, "PPS", "at most PPS packets per second", NULL },
	{ O_VARY, 0, "vary", OPT_STR, "FIELD=RANGE", "vary a field per packet: vni=1-1000, inner.sport=random (repeatable)", NULL },
	{ O_SEED, 0, "seed", OPT_INT, "N", "seed for random values (default: from the clock)", NULL },
	{ O_OPTCLASS, 0, "opt-class", OPT_STR, "CLASS", "class of genv's own options (default $GENV_OPT_CLASS or 0xFFA7)", NULL },
	{ O_PRINT, 0, "print", OPT_FLAG, NULL, "print the packet description with every field craft filled in, then exit", NULL },
	{ O_EXPECT, 0, "expect", OPT_STR, "FILTER", "with -i: wait for a reply matching FILTER (decode's filters), print it; exit 1 if none", NULL },
	{ O_OPTIONS, 0, "options", OPT_FILE, "FILE", "option layouts file (default $GENV_OPTIONS or ~/.config/genv/options.conf)", NULL },
	{ O_TLVMAP, 0, "tlv-map", OPT_STR, "MAP", "Open vSwitch TLV map for geneve tun_metadataN=VALUE: {class=C,type=T,len=L}->tun_metadataN[,...] (repeatable)", NULL },
	{ O_TIMEOUT, 0, "timeout", OPT_STR, "S", "with --expect: seconds to wait for the reply (default 2)", NULL },
	{ O_XDP, 0, "xdp", OPT_FLAG, NULL, "with -i: send through AF_XDP at the highest rate the interface takes (a load generator)", NULL },
	{ O_DURATION, 0, "duration", OPT_STR, "S", "with --xdp: stop after S seconds (without -c and --duration: until interrupted)", NULL },
	{ 0 }
};

struct craft {
	const char *wfile;
	const char *iface;
	bool hex, print;
	uint64_t count, rate, seed;
	bool seed_set;
	uint16_t genv_class;
	const char *vary_text[GNV_MAX_VARY];
	int nvary;
	const char *expect;
	const char *options_file;	/* --options */
	struct gnv_tlvmap tlvmap;	/* --tlv-map */
	double timeout;
	bool timeout_set;
	bool xdp, count_set;
	double duration;
};

static int craft_opt(struct genv_ctx *g, void *st, int id, const char *arg)
{
	struct craft *c = st;
	uint64_t v;
	int ret;

	switch (id) {
	case O_WRITE: c->wfile = arg; break;
	case O_HEX: c->hex = true; break;
	case O_IFACE: c->iface = arg; break;
	case O_PRINT: c->print = true; break;
	case O_COUNT:
		ret = opt_u64(g, "--count", arg, 1, UINT64_MAX, &c->count);
		if (ret)
			return ret;
		c->count_set = true;
		break;
	case O_XDP: c->xdp = true; break;
	case O_DURATION:
		if (num_parse_double(arg, 0.001, 86400 * 365, &c->duration))
			return gusage(g, "--duration: '%s' is not a number of seconds", arg);
		break;
	case O_RATE:
		ret = opt_u64(g, "--rate", arg, 1, 100000000, &c->rate);
		if (ret)
			return ret;
		break;
	case O_SEED:
		ret = opt_u64(g, "--seed", arg, 0, UINT64_MAX, &c->seed);
		if (ret)
			return ret;
		c->seed_set = true;
		break;
	case O_OPTCLASS:
		ret = opt_u64(g, "--opt-class", arg, 0xff00, 0xffff, &v);
		if (ret)
			return ret;
		c->genv_class = (uint16_t)v;
		break;
	case O_EXPECT: c->expect = arg; break;
	case O_OPTIONS: c->options_file = arg; break;
	case O_TLVMAP: {
		char err[200];

		if (gnv_tlvmap_parse(arg, &c->tlvmap, err, sizeof(err)))
			return gusage(g, "--tlv-map: %s", err);
		break;
	}
	case O_TIMEOUT:
		if (num_parse_double(arg, 0, 86400, &c->timeout))
			return gusage(g, "--timeout: '%s' is not a number of seconds (0-86400)", arg);
		c->timeout_set = true;
		break;
	case O_VARY:
		if (c->nvary >= GNV_MAX_VARY)
			return gusage(g, "--vary: at most %d fields", GNV_MAX_VARY);
		c->vary_text[c->nvary++] = arg;
		break;
	}
	return 0;
}

static volatile sig_atomic_t craft_stop;

static void on_sigint(int sig)
{
	(void)sig;
	craft_stop = 1;
}

static double now_sec(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * -w FILE: pcap records are written straight into two buffers (no stdio
 * call per packet), and a second thread hands each full one to write()
 * while the other fills, so building packets and the kernel's copy into
 * the file overlap (the write was half the time of `craft -c 1000000 -w`).
 * The bytes are those pcap_dump() writes: the classic header and 16-byte
 * records in host byte order.  The buffers are small enough to be still
 * in the cache when written: write() copied 4 MB buffers several times
 * slower than 256 KB ones.
 */
#define WBUF_SIZE	(256u << 10)

struct pwriter {
	int fd;
	uint8_t *buf[2];
	size_t len[2];
	int cur;		/* buffer being filled */
	int queued;		/* buffer handed to the thread, or -1 */
	bool threaded, quit;
	int err;		/* first write error (errno) */
	pthread_t th;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t r = write(fd, p, n);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return errno ? errno : EIO;
		}
		p += r;
		n -= (size_t)r;
	}
	return 0;
}

static void *pw_thread(void *arg)
{
	struct pwriter *w = arg;

	pthread_mutex_lock(&w->mu);
	for (;;) {
		bool failed;
		int b, e;

		while (w->queued < 0 && !w->quit)
			pthread_cond_wait(&w->cv, &w->mu);
		if (w->queued < 0)
			break;
		b = w->queued;
		failed = w->err != 0;
		pthread_mutex_unlock(&w->mu);
		e = failed ? 0 : write_all(w->fd, w->buf[b], w->len[b]);
		pthread_mutex_lock(&w->mu);
		if (e && !w->err)
			w->err = e;
		w->queued = -1;
		pthread_cond_broadcast(&w->cv);
	}
	pthread_mutex_unlock(&w->mu);
	return NULL;
}

static int pw_open(struct pwriter *w, int fd, int linktype)
{
	/* the file header pcap_dump_fopen() writes for pcap_open_dead(DLT, GNV_FRAME_MAX) */
	uint32_t hdr[6] = { 0xa1b2c3d4u, 2 | 4u << 16, 0, 0, GNV_FRAME_MAX,
			    linktype == GNV_LINK_RAW ? 101 : 1 };

	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->queued = -1;
	w->buf[0] = malloc(WBUF_SIZE);
	w->buf[1] = malloc(WBUF_SIZE);
	if (!w->buf[0] || !w->buf[1]) {
		free(w->buf[0]);
		free(w->buf[1]);
		w->buf[0] = w->buf[1] = NULL;
		return ENOMEM;
	}
	memcpy(w->buf[0], hdr, sizeof(hdr));
	w->len[0] = sizeof(hdr);
	pthread_mutex_init(&w->mu, NULL);
	pthread_cond_init(&w->cv, NULL);
	w->threaded = !pthread_create(&w->th, NULL, pw_thread, w);
	return 0;
}

/* Hand the current buffer to the writer (or write it here); 0 or errno. */
static int pw_flush(struct pwriter *w)
{
	int e;

	if (!w->len[w->cur])
		return w->err;
	if (!w->threaded) {
		e = w->err ? w->err : write_all(w->fd, w->buf[w->cur], w->len[w->cur]);
		w->len[w->cur] = 0;
		if (e && !w->err)
			w->err = e;
		return w->err;
	}
	pthread_mutex_lock(&w->mu);
	while (w->queued >= 0)
		pthread_cond_wait(&w->cv, &w->mu);
	w->queued = w->cur;
	pthread_cond_broadcast(&w->cv);
	e = w->err;
	pthread_mutex_unlock(&w->mu);
	w->cur ^= 1;
	w->len[w->cur] = 0;
	return e;
}

static inline int pw_record(struct pwriter *w, uint32_t sec, uint32_t usec,
			    const uint8_t *p, size_t n)
{
	uint32_t rh[4] = { sec, usec, (uint32_t)n, (uint32_t)n };
	uint8_t *o;
	int e;

	if (w->len[w->cur] + 16 + n > WBUF_SIZE && (e = pw_flush(w)))
		return e;
	o = w->buf[w->cur] + w->len[w->cur];
	memcpy(o, rh, 16);
	memcpy(o + 16, p, n);
	w->len[w->cur] += 16 + n;
	return 0;
}

/* Write what is left, stop the thread, close the file; 0 or errno. */
static int pw_close(struct pwriter *w)
{
	int e = pw_flush(w);

	if (w->threaded) {
		pthread_mutex_lock(&w->mu);
		while (w->queued >= 0)
			pthread_cond_wait(&w->cv, &w->mu);
		w->quit = true;
		pthread_cond_broadcast(&w->cv);
		pthread_mutex_unlock(&w->mu);
		pthread_join(w->th, NULL);
		e = w->err;
	}
	if (w->buf[0]) {
		pthread_mutex_destroy(&w->mu);
		pthread_cond_destroy(&w->cv);
	}
	free(w->buf[0]);
	free(w->buf[1]);
	w->buf[0] = w->buf[1] = NULL;
	if (close(w->fd) && !e)
		e = errno ? errno : EIO;
	return e;
}

/* Where the packets go. */
struct sink {
	enum { SINK_PCAP, SINK_HEX, SINK_RAW, SINK_IFACE } kind;
	pcap_t *live;
	struct pwriter w;
	bool wopen;
	struct sbuf sb;
	struct timeval t0;
	bool json;
};

static int sink_open(struct genv_ctx *g, struct craft *c, struct sink *s, int linktype)
{
	char errbuf[PCAP_ERRBUF_SIZE];

	gettimeofday(&s->t0, NULL);
	if (c->iface) {
		s->kind = SINK_IFACE;
		s->live = pcap_create(c->iface, errbuf);
		if (!s->live) {
			gerr(g, "cannot open '%s': %s", c->iface, errbuf);
			return EXIT_FAIL;
		}
		if (pcap_activate(s->live) < 0) {
			gerr(g, "cannot open '%s': %s", c->iface, pcap_geterr(s->live));
			return EXIT_FAIL;
		}
		return 0;
	}
	if (c->wfile) {
		int fd, e;

		s->kind = SINK_PCAP;
		if (!strcmp(c->wfile, "-")) {
			fflush(g->out);
			fd = dup(STDOUT_FILENO);
		} else {
			fd = open(c->wfile, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
		}
		if (fd < 0) {
			gerr(g, "cannot open '%s': %s", c->wfile, strerror(errno));
			return EXIT_FAIL;
		}
		e = pw_open(&s->w, fd, linktype);
		if (e) {
			close(fd);
			gerr(g, "cannot write '%s': %s", c->wfile, strerror(e));
			return EXIT_FAIL;
		}
		s->wopen = true;
		return 0;
	}
	if (c->hex || g->json) {
		s->kind = SINK_HEX;
		s->json = g->json;
		return 0;
	}
	if (isatty(fileno(g->out))) {
		gerr(g, "refusing to write raw packet bytes to a terminal; use --hex, -w FILE or redirect the output");
		return EXIT_USAGE;
	}
	s->kind = SINK_RAW;
	return 0;
}

static int sink_put(struct genv_ctx *g, struct craft *c, struct sink *s, uint64_t i,
		    const uint8_t *p, size_t n)
{
	switch (s->kind) {
	case SINK_PCAP: {
		struct pcap_pkthdr h;
		uint64_t us = c->rate ? i * 1000000 / c->rate : i;

		h.ts.tv_sec = s->t0.tv_sec + (time_t)(us / 1000000);
		h.ts.tv_usec = s->t0.tv_usec + (suseconds_t)(us % 1000000);
		if (h.ts.tv_usec >= 1000000) {
			h.ts.tv_sec++;
			h.ts.tv_usec -= 1000000;
		}
		h.caplen = h.len = (bpf_u_int32)n;
		/* a write error is reported by the periodic check or at close */
		pw_record(&s->w, (uint32_t)h.ts.tv_sec, (uint32_t)h.ts.tv_usec, p, n);
		return 0;
	}
	case SINK_HEX:
		sbuf_reset(&s->sb);
		if (s->json) {
			struct json j;

			json_init(&j, &s->sb, g->pretty);
			json_obj_open(&j, NULL);
			json_u64(&j, "schema", 1);
			json_u64(&j, "frame", i + 1);
			json_u64(&j, "len", n);
			json_hex(&j, "hex", p, n);
			json_obj_close(&j);
		} else {
			sbuf_hex(&s->sb, p, n);
		}
		sbuf_putc(&s->sb, '\n');
		if (s->sb.oom)
			return -ENOMEM;
		return out_write(g, s->sb.buf, s->sb.len);
	case SINK_RAW:
		return out_write(g, (const char *)p, n);
	case SINK_IFACE:
		if (pcap_inject(s->live, p, n) < 0) {
			gerr(g, "cannot send on '%s': %s", c->iface, pcap_geterr(s->live));
			return -EIO;
		}
		return 0;
	}
	return 0;
}

static int sink_close(struct genv_ctx *g, struct craft *c, struct sink *s)
{
	int ret = 0;

	if (s->wopen) {
		int e = pw_close(&s->w);

		s->wopen = false;
		if (e) {
			gerr(g, "cannot write '%s': %s", c->wfile, strerror(e));
			ret = EXIT_FAIL;
		}
	}
	if (s->live)
		pcap_close(s->live);
	sbuf_free(&s->sb);
	return ret;
}

static void pace(double t0, uint64_t i, uint64_t rate)
{
	double due = t0 + (double)i / (double)rate;
	double now = now_sec();

	if (due > now) {
		struct timespec ts;
		double d = due - now;

		ts.tv_sec = (time_t)d;
		ts.tv_nsec = (long)((d - (double)ts.tv_sec) * 1e9);
		nanosleep(&ts, NULL);
	}
}

static void progress(struct genv_ctx *g, uint64_t i, uint64_t count, double t0)
{
	double el = now_sec() - t0;

	fprintf(g->err, "\rgenv craft: %llu/%llu packets, %.0f packets/s ",
		(unsigned long long)i, (unsigned long long)count, el > 0 ? (double)i / el : 0.0);
	fflush(g->err);
}

static struct gnv_optreg *craft_optreg;	/* --options: this run's layouts */

/* ---- --xdp: the AF_XDP load generator (router/xdpgen.c) ---- */

static uint64_t gcd64(uint64_t a, uint64_t b)
{
	while (b) {
		uint64_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* Distinct frames to prebuild: the period of the --vary cycle (the least
 * common multiple of the ranges' sizes), bounded by what the UMEM keeps
 * and by the count.  A random field, or a longer period, repeats after
 * RT_XDPGEN_MAX_FRAMES packets. */
static unsigned int xdp_nframes(const struct craft *c, const struct gnv_vary *v, int nvary)
{
	uint64_t period = 1, max = RT_XDPGEN_MAX_FRAMES;

	for (int k = 0; k < nvary && period <= max; k++) {
		uint64_t n = v[k].random || v[k].hi - v[k].lo >= max ? max + 1 : v[k].hi - v[k].lo + 1;

		period = period / gcd64(period, n) * n;
	}
	if (period > max)
		period = max;
	if (c->count_set && c->count < period)
		period = c->count;
	return period ? (unsigned int)period : 1;	/* -c 0: one frame built, none sent */
}

static void xdp_summary(struct genv_ctx *g, const struct craft *c, const struct rt_xdpgen_res *r,
			unsigned int nframes, size_t len)
{
	double pps = r->seconds > 0 ? (double)r->packets / r->seconds : 0;
	double mbps = r->seconds > 0 ? (double)r->bytes * 8 / r->seconds / 1e6 : 0;
	struct sbuf sb = SBUF_INIT;

	if (g->json) {
		struct json j;

		json_init(&j, &sb, g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_str(&j, "interface", c->iface);
		json_u64(&j, "packets", r->packets);
		json_u64(&j, "bytes", r->bytes);
		json_u64(&j, "len", len);
		json_dbl(&j, "seconds", r->seconds);
		json_dbl(&j, "pps", pps);
		json_dbl(&j, "mbit_s", mbps);
		json_u64(&j, "errors", r->errors);
		json_u64(&j, "retries", r->retries);
		if (c->rate)
			json_u64(&j, "rate", c->rate);
		else
			json_null(&j, "rate");
		json_u64(&j, "frames", nframes);
		json_str(&j, "mode", r->mode);
		json_str(&j, "mode_reason", r->reason);
		json_obj_close(&j);
		sbuf_putc(&sb, '\n');
	} else if (!g->quiet) {
		sbuf_printf(&sb, "sent %llu packets (%llu bytes) on %s in %.3f s: %.0f pps, %.1f Mbit/s, "
			    "%llu errors\n", (unsigned long long)r->packets,
			    (unsigned long long)r->bytes, c->iface, r->seconds, pps, mbps,
			    (unsigned long long)r->errors);
		sbuf_printf(&sb, "%s: AF_XDP %s mode%s%s%s, %u distinct frame%s\n", c->iface, r->mode,
			    r->reason[0] ? " (" : "", r->reason, r->reason[0] ? ")" : "", nframes,
			    nframes == 1 ? "" : "s");
	}
	if (sb.len)
		out_write(g, sb.buf, sb.len);
	sbuf_free(&sb);
}

static int craft_xdp(struct genv_ctx *g, const struct craft *c, struct gnv_plan *plan,
		     const struct gnv_vary *vary, int nvary)
{
	unsigned int n = xdp_nframes(c, vary, nvary);
	struct rt_xdpgen_opts o = {
		.ifname = c->iface, .prog = "genv craft", .rate = c->rate, .err = g->err,
		.count = c->count_set ? c->count : 0, .duration = c->duration,
		.live = !g->quiet && (g->verbose || isatty(fileno(g->err))),
		.live_cr = isatty(fileno(g->err)), .stop = &craft_stop, .nframes = n,
		.stride = plan->size,
	};
	struct rt_xdpgen_res res;
	struct sigaction sa, old_int, old_term;
	uint8_t *frames = malloc((size_t)n * plan->size);
	uint32_t *size = malloc(n * sizeof(*size));
	char err[256];
	int ret;

	if (!frames || !size) {
		free(frames);
		free(size);
		gerr(g, "out of memory");
		return EXIT_FAIL;
	}
	/* the --vary set, built once */
	for (unsigned int k = 0; k < n; k++) {
		if (nvary)
			gnv_plan_next(plan, k);
		memcpy(frames + (size_t)k * plan->size, plan->buf, plan->size);
		size[k] = (uint32_t)plan->size;
	}
	o.frames = frames;
	o.size = size;
	craft_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = rt_xdpgen_send(&o, &res, err, sizeof(err));
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (craft_stop && g->interrupted)
		*g->interrupted = 1;	/* tell the REPL */
	free(frames);
	free(size);
	if (ret && !res.packets) {
		gerr(g, "%s", err);
		return ret == -EINVAL || ret == -EMSGSIZE ? EXIT_USAGE : EXIT_FAIL;
	}
	if (ret)
		gerr(g, "%s", err);
	xdp_summary(g, c, &res, n, plan->size);
	return ret || res.errors ? EXIT_FAIL : EXIT_OK;
}

int cmd_craft(struct genv_ctx *g, int argc, char **argv)
{
	static struct gnv_spec spec;	/* 64 KiB pool: keep it off the stack */
	static uint8_t buf[GNV_FRAME_MAX];
	static struct gnv_plan plan;
	static struct craft_sent sent;	/* the printer's caches: off the stack */
	struct craft c = { .count = 1, .genv_class = GENV_CLASS_DEFAULT, .timeout = 2 };
	struct craft_expect ex = { 0 };
	bool expect_ran = false;
	struct gnv_vary vary[GNV_MAX_VARY];
	struct sink s;
	struct sbuf text = SBUF_INIT;
	struct sigaction sa, old_sa;
	const char *env = getenv("GENV_OPT_CLASS");
	char err[256];
	bool tty_progress;
	double t0, last = 0;
	int np, ret, rc = EXIT_OK;
	uint64_t i;

	memset(&s, 0, sizeof(s));
	if (env && *env) {
		uint64_t v;

		if (num_parse_u64(env, 0xff00, 0xffff, &v)) {
			gerr(g, "GENV_OPT_CLASS: '%s' is not a class in 0xff00-0xffff", env);
			return EXIT_USAGE;
		}
		c.genv_class = (uint16_t)v;
	}
	ret = opt_parse(g, cmd_find("craft"), argc, argv, craft_opt, &c, &np);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (!np)
		return gusage(g, "no packet given (e.g. genv craft 'geneve vni=5 / ipv4 / icmp' --hex)");
	if (c.xdp && c.wfile)
		return gusage(g, "--xdp sends on -i IFACE; it does not combine with -w");
	if (c.xdp && !c.iface)
		return gusage(g, "--xdp needs -i IFACE");
	if (c.xdp && (c.expect || c.hex))
		return gusage(g, "%s does not combine with --xdp", c.expect ? "--expect" : "--hex");
	if (c.duration > 0 && !c.xdp)
		return gusage(g, "--duration applies to --xdp");
	if (c.wfile && c.iface)
		return gusage(g, "give -w or -i, not both");
	/* never write another format under a .pcapng name */
	if (c.wfile && strlen(c.wfile) > 7 && !strcasecmp(c.wfile + strlen(c.wfile) - 7, ".pcapng"))
		return gusage(g, "-w '%s': craft writes classic pcap only; name the file .pcap", c.wfile);
	if ((c.expect || c.timeout_set) && !c.iface)
		return gusage(g, "%s needs -i IFACE", c.expect ? "--expect" : "--timeout");
	if (c.timeout_set && !c.expect)
		return gusage(g, "--timeout applies to --expect");
	if ((c.wfile || c.iface) && c.hex)
		return gusage(g, "--hex writes to stdout; it does not combine with -w or -i");
	for (int k = 1; k <= np; k++) {
		if (k > 1)
			sbuf_putc(&text, ' ');
		sbuf_puts(&text, argv[k]);
	}
	/* the layouts live until the next run (the REPL): spec points at them */
	gnv_optreg_free(craft_optreg);
	craft_optreg = NULL;
	rc = genv_options_load(g, c.options_file, &craft_optreg);
	if (rc) {
		sbuf_free(&text);
		return rc;
	}
	gnv_spec_init(&spec, c.genv_class);
	spec.optreg = craft_optreg;
	if (craft_optreg)
		gnv_tlvmap_fill(&c.tlvmap, &craft_optreg->tlvmap);
	spec.tlvmap = &c.tlvmap;
	ret = gnv_lang_parse(sbuf_str(&text), &spec, err, sizeof(err));
	sbuf_free(&text);
	if (ret) {
		gerr(g, "%s", err);
		return EXIT_USAGE;
	}
	for (int k = 0; k < c.nvary; k++)
		if (gnv_vary_parse(&spec, c.vary_text[k], &vary[k], err, sizeof(err))) {
			gerr(g, "%s", err);
			return EXIT_USAGE;
		}
	if (!c.seed_set) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		c.seed = (uint64_t)ts.tv_sec * 1000000007ull ^ (uint64_t)ts.tv_nsec;
	}
	ret = gnv_plan_init(&plan, &spec, vary, c.nvary, c.seed, buf, sizeof(buf), err, sizeof(err));
	if (!ret && c.iface) {
		rc = craft_iface_fill(g, c.iface, &spec, plan.lay.res);
		if (rc)
			return rc;
		ret = gnv_plan_init(&plan, &spec, vary, c.nvary, c.seed, buf, sizeof(buf), err, sizeof(err));
	}
	if (ret) {
		gerr(g, "%s", err);
		return ret == -EINVAL ? EXIT_USAGE : EXIT_FAIL;
	}
	if (c.print) {
		struct gnv_spec full;
		struct sbuf sb = SBUF_INIT;

		/* every layer with every field made explicit */
		full = spec;
		for (int k = 0; k < full.nlayer; k++)
			full.l[k] = plan.lay.res[k];
		for (int k = 0; k < full.nlayer; k++) {
			const struct gnv_ldesc *d = &gnv_lang_layers[full.l[k].kind];

			for (int fi = 0; fi < d->nf; fi++)
				if (!(d->f[fi].flags & (FF_NOVARY | FF_ALIAS)) && d->f[fi].wsize)
					full.l[k].set |= 1ull << fi;
			/* the values the bytes got (lengths, ports, C bit) */
			gnv_layer_read(&full.l[k], buf + plan.lay.off[k], plan.lay.off[k]);
		}
		gnv_spec_print(&full, &sb);
		sbuf_putc(&sb, '\n');
		ret = out_write(g, sb.buf, sb.len);
		sbuf_free(&sb);
		return ret ? EXIT_FAIL : EXIT_OK;
	}
	if (c.xdp)
		return craft_xdp(g, &c, &plan, vary, c.nvary);
	rc = sink_open(g, &c, &s, gnv_spec_linktype(&spec));
	if (!rc && c.expect)
		rc = craft_expect_open(&ex, g, c.iface, c.expect);
	if (rc) {
		craft_expect_close(&ex);
		sink_close(g, &c, &s);
		return rc;
	}
	craft_sent_init(&sent, g);
	craft_stop = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_sa);
	tty_progress = !g->quiet && isatty(fileno(g->err));
	t0 = now_sec();
	for (i = 0; i < c.count; i++) {
		if (c.nvary)
			gnv_plan_next(&plan, i);
		if (c.rate)
			pace(t0, i, c.rate);
		ret = sink_put(g, &c, &s, i, buf, plan.size);
		if (ret) {
			if (ret == -EPIPE)
				break;
			if (s.kind != SINK_IFACE)
				gerr(g, "cannot write: %s", strerror(-ret));
			rc = EXIT_FAIL;
			break;
		}
		if (s.kind == SINK_IFACE && craft_sent_packet(&sent, g, buf, plan.size) == -ENOMEM) {
			rc = EXIT_FAIL;
			break;
		}
		if (craft_stop || (g->interrupted && *g->interrupted))
			break;
		if ((i & 0xffff) == 0xffff || (c.rate && c.rate < 65536)) {
			if (s.wopen && s.w.threaded) {
				int e;

				pthread_mutex_lock(&s.w.mu);
				e = s.w.err;
				s.w.err = 0;	/* reported here, not again at close */
				pthread_mutex_unlock(&s.w.mu);
				if (e) {
					gerr(g, "cannot write '%s': %s", c.wfile, strerror(e));
					rc = EXIT_FAIL;
					break;
				}
			} else if (s.wopen && s.w.err) {
				gerr(g, "cannot write '%s': %s", c.wfile, strerror(s.w.err));
				s.w.err = 0;
				rc = EXIT_FAIL;
				break;
			}
			if (tty_progress) {
				double t = now_sec();

				if (t - t0 > 1.0 && t - last > 0.25) {
					progress(g, i + 1, c.count, t0);
					last = t;
				}
			}
		}
	}
	if (last > 0) {
		progress(g, i, c.count, t0);
		fputc('\n', g->err);
	}
	sigaction(SIGINT, &old_sa, NULL);
	if (craft_stop && g->interrupted)
		*g->interrupted = 1;	/* tell the REPL */
	ret = sink_close(g, &c, &s);
	if (ret)
		rc = ret;
	if (s.kind == SINK_IFACE && rc == EXIT_OK && craft_sent_summary(&sent, g, c.iface) == -ENOMEM)
		rc = EXIT_FAIL;
	if (c.expect && rc == EXIT_OK) {
		rc = craft_expect_wait(&ex, g, c.timeout);
		expect_ran = true;
	}
	/* -j: one document; with --expect {"schema":1,"sent":{...},"reply":...}
	 * (reply null when none came) */
	if ((rc == EXIT_OK || expect_ran) && g->json && s.kind != SINK_HEX &&
	    !(c.wfile && !strcmp(c.wfile, "-"))) {
		struct sbuf sb = SBUF_INIT;
		struct json j;

		json_init(&j, &sb, g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		if (c.expect)
			json_obj_open(&j, "sent");
		json_u64(&j, "packets", i);
		json_u64(&j, "bytes", i * plan.size);
		json_u64(&j, "len", plan.size);
		if (c.wfile)
			json_str(&j, "file", c.wfile);
		if (c.iface)
			json_str(&j, "interface", c.iface);
		if (c.expect) {
			json_obj_close(&j);
			if (ex.matched && ex.json.len) {
				/* the decoder's document as the value (last: no comma follows) */
				json_key(&j, "reply");
				sbuf_add(&sb, ex.json.buf, ex.json.len);
			} else {
				json_null(&j, "reply");
			}
		}
		json_obj_close(&j);
		sbuf_putc(&sb, '\n');
		if (out_write(g, sb.buf, sb.len))
			rc = EXIT_FAIL;
		sbuf_free(&sb);
	}
	craft_expect_close(&ex);
	return rc;
}
