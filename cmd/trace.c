/* SPDX-License-Identifier: MIT */
/*
 * genv trace: where did my packet go, and why.
 *
 *   genv trace packet [-f FILE] --in PORT|underlay (PACKET | --hex HEX | -r PCAP [--frame N])
 *       one packet through the pipeline as a dry run, offline against a
 *       config file or online against the running router (control socket)
 *   genv trace drops [--vpc N] [--reason NAME] [--endpoint IP] [-w PCAP] [-c N] [--once]
 *       the router's sampled drop ring, streamed
 *   genv trace capture IFACE [FILTER]
 *       genv decode -i IFACE FILTER (overlay filters: vni 100 and inner host ...)
 *
 * The explanation itself is rendered by trace/explain.c, in this process
 * (offline) or in the router (online), so both print the same thing.
 * Layer: cmd; calls commands, ctl_client, libcore/build, libcore/filter,
 * libcore/lang, libcore/num, libcore/optfile, libcore/optreg, libcore/pkt, libcore/print,
 * optfile (--options),
 * router/config, router/ctl, router/dropring, trace/explain, trace/ext,
 * trace/probe, libpcap and libc.
 */
#include <errno.h>
#include <stddef.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <pcap/pcap.h>
#include "commands.h"
#include "common/ctl_client.h"
#include "optfile.h"
#include "../libcore/build.h"
#include "../libcore/filter.h"
#include "../libcore/lang.h"
#include "../libcore/num.h"
#include "../libcore/optfile.h"
#include "../libcore/optreg.h"
#include "../libcore/pkt.h"
#include "../libcore/print.h"
#include "../router/config.h"
#include "../router/ctl.h"
#include "../router/dropring.h"
#include "../trace/explain.h"
#include "../trace/ext.h"
#include "../router/lang.h"
#include "../trace/probe.h"

enum {
	T_FILE = 1, T_SOCKET, T_IN, T_FROM, T_TTL, T_TOS, T_HEX, T_READ, T_FRAME, T_RAW,
	T_VPC, T_REASON, T_ENDPOINT, T_WRITE, T_COUNT, T_ONCE, T_INTERVAL,
	T_SRC, T_DST, T_PROTO, T_SPORT, T_DPORT, T_ROUTER, T_RATE, T_STRICT, T_GSO, T_OPTIONS,
};

static const char *const proto_choices[] = { "udp", "tcp", "icmp", NULL };

const struct opt trace_opts[] = {
	{ T_FILE, 'f', "file", OPT_FILE, "FILE", "trace offline against the config FILE (genv.conf(5)); path: one per host, the origin first", NULL },
	{ T_SOCKET, 'S', "socket", OPT_FILE, "PATH", "control socket of the running router (default $GENV_SOCKET or " RT_CTL_DEFAULT_PATH ")", NULL },
	{ T_IN, 0, "in", OPT_STR, "PORT", "packet: ingress, a port name or 'underlay'", NULL },
	{ T_FROM, 0, "from", OPT_STR, "ADDR", "packet: underlay source address (default: the outer IP source)", NULL },
	{ T_TTL, 0, "ttl", OPT_INT, "N", "packet: outer TTL seen by the router (default: the outer IP's)", NULL },
	{ T_TOS, 0, "tos", OPT_INT, "N", "packet: outer TOS seen by the router (default: the outer IP's)", NULL },
	{ T_HEX, 0, "hex", OPT_STR, "HEX", "packet: the frame in hex instead of the packet language", NULL },
	{ T_READ, 'r', "read", OPT_FILE, "FILE", "packet: take the frame from a pcap FILE", NULL },
	{ T_FRAME, 0, "frame", OPT_INT, "N", "packet: with -r, the Nth frame (default 1)", NULL },
	{ T_RAW, 0, "raw", OPT_FLAG, NULL, "packet: --hex frame starts with the IP header (underlay)", NULL },
	{ T_GSO, 0, "gso", OPT_INT, "SIZE", "packet: the frame is a super-frame from the VM with a virtio-net GSO header of gso_size SIZE: show its segmentation", NULL },
	{ T_VPC, 0, "vpc", OPT_INT, "VNI", "drops: only drops in this VPC; path: the VPC", NULL },
	{ T_REASON, 0, "reason", OPT_STR, "NAME", "drops: only this drop reason (repeatable)", NULL },
	{ T_ENDPOINT, 0, "endpoint", OPT_STR, "IP", "drops: only packets from or to this address", NULL },
	{ T_WRITE, 'w', "write", OPT_FILE, "FILE", "drops, capture: also write the packets to a pcap FILE", NULL },
	{ T_COUNT, 'c', "count", OPT_INT, "N", "drops, capture: stop after N packets; path: send N probes (default 3)", NULL },
	{ T_ONCE, 0, "once", OPT_FLAG, NULL, "drops: print what the ring holds now and exit", NULL },
	{ T_INTERVAL, 0, "interval", OPT_INT, "MS", "drops: poll every MS milliseconds (default 200); path: between probes (default 100)", NULL },
	{ T_ROUTER, 0, "router", OPT_FLAG, NULL, "capture: the running router's own packets (a mirror), not an interface", NULL },
	{ T_RATE, 0, "rate", OPT_INT, "N", "capture --router: at most N packets per second (default 1000)", NULL },
	{ T_SRC, 0, "src", OPT_STR, "IP", "path: the probe's source, a local endpoint", NULL },
	{ T_DST, 0, "dst", OPT_STR, "IP", "path: the probe's destination", NULL },
	{ T_PROTO, 0, "proto", OPT_ENUM, "PROTO", "path: the probe flow's protocol: udp (default), tcp or icmp", proto_choices },
	{ T_SPORT, 0, "sport", OPT_INT, "N", "path: the probe flow's source port (default 40000)", NULL },
	{ T_DPORT, 0, "dport", OPT_INT, "N", "path: the probe flow's destination port (default 33434)", NULL },
	{ T_STRICT, 0, "strict", OPT_FLAG, NULL, "path: exit 1 unless every probe was answered and delivered", NULL },
	{ T_OPTIONS, 0, "options", OPT_FILE, "FILE", "option layouts file naming options in the output (default $GENV_OPTIONS or ~/.config/genv/options.conf)", NULL },
	{ 0 }
};

#define MAX_REASONS 8
#define MAX_FILES 16

struct targs {
	const char *file, *socket, *in, *from, *hex, *read, *endpoint, *write, *src, *dst, *proto;
	const char *options;		/* --options */
	struct gnv_optreg *optreg;	/* its layouts (or the default file's) */
	uint64_t ttl, tos, frame, vpc, count, interval, sport, dport, gso;
	bool ttl_set, tos_set, frame_set, vpc_set, count_set, raw, once, interval_set, sport_set, dport_set;
	bool router, rate_set, strict;
	uint64_t rate;
	int nreason;
	int reason[MAX_REASONS];
	int nfile;
	const char *files[MAX_FILES];
	bool many_files;
};

static int trace_opt(struct genv_ctx *g, void *st, int id, const char *arg)
{
	struct targs *a = st;
	int r;

	switch (id) {
	case T_FILE:
		if (a->nfile == MAX_FILES)
			return gusage(g, "-f: at most %d files", MAX_FILES);
		a->files[a->nfile++] = arg;
		a->file = a->files[0];
		a->many_files = a->nfile > 1;
		break;
	case T_SOCKET: a->socket = arg; break;
	case T_OPTIONS: a->options = arg; break;
	case T_IN: a->in = arg; break;
	case T_FROM: a->from = arg; break;
	case T_HEX: a->hex = arg; break;
	case T_READ: a->read = arg; break;
	case T_ENDPOINT: a->endpoint = arg; break;
	case T_WRITE: a->write = arg; break;
	case T_RAW: a->raw = true; break;
	case T_SRC: a->src = arg; break;
	case T_ROUTER: a->router = true; break;
	case T_STRICT: a->strict = true; break;
	case T_GSO: return opt_u64(g, "--gso", arg, 1, 65535, &a->gso);
	case T_RATE:
		a->rate_set = true;
		return opt_u64(g, "--rate", arg, 1, 1000000, &a->rate);
	case T_DST: a->dst = arg; break;
	case T_PROTO: a->proto = arg; break;
	case T_SPORT:
		a->sport_set = true;
		return opt_u64(g, "--sport", arg, 0, 65535, &a->sport);
	case T_DPORT:
		a->dport_set = true;
		return opt_u64(g, "--dport", arg, 0, 65535, &a->dport);
	case T_ONCE: a->once = true; break;
	case T_TTL:
		a->ttl_set = true;
		return opt_u64(g, "--ttl", arg, 0, 255, &a->ttl);
	case T_TOS:
		a->tos_set = true;
		return opt_u64(g, "--tos", arg, 0, 255, &a->tos);
	case T_FRAME:
		a->frame_set = true;
		return opt_u64(g, "--frame", arg, 1, UINT32_MAX, &a->frame);
	case T_VPC:
		a->vpc_set = true;
		return opt_u64(g, "--vpc", arg, RT_VNI_MIN, RT_VNI_MAX, &a->vpc);
	case T_COUNT:
		a->count_set = true;
		return opt_u64(g, "--count", arg, 1, UINT32_MAX, &a->count);
	case T_INTERVAL:
		a->interval_set = true;
		return opt_u64(g, "--interval", arg, 10, 60000, &a->interval);
	case T_REASON:
		r = rt_drop_lookup(arg);
		if (r <= 0)
			return gusage(g, "--reason: unknown drop reason '%s' (see genv-route(8))", arg);
		if (a->nreason == MAX_REASONS)
			return gusage(g, "--reason: at most %d", MAX_REASONS);
		a->reason[a->nreason++] = r;
		break;
	}
	return 0;
}

static uint16_t opt_class(void)
{
	const char *s = getenv("GENV_OPT_CLASS");
	uint32_t v;

	if (s && *s && !num_parse_u32(s, 0, 0xffff, &v))
		return (uint16_t)v;
	return GENV_CLASS_DEFAULT;
}

/* Load a config file into fresh tables: FILE:LINE on the first error. */
static int load_config(struct genv_ctx *g, const char *file, struct rt_tables **tp)
{
	struct rt_limits lim;
	struct rt_tables *t;
	struct sbuf out = SBUF_INIT;
	FILE *f = fopen(file, "r");
	char *line = NULL;
	size_t cap = 0;
	unsigned long lineno = 0;
	ssize_t n;
	int ret = 0;

	if (!f) {
		gerr(g, "cannot open '%s': %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	rt_limits_default(&lim);
	lim.genv_class = opt_class();
	t = rt_tables_new(&lim);
	if (!t || rt_ext_add(&t->exts, &trace_ext)) {
		gerr(g, "out of memory");
		rt_tables_free(t);
		fclose(f);
		return EXIT_FAIL;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		lineno++;
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		sbuf_reset(&out);
		if (rt_cmd_exec(t, NULL, line, false, &out)) {
			gerr(g, "%s:%lu: %s", file, lineno, sbuf_str(&out));
			ret = EXIT_FAIL;
			break;
		}
	}
	if (!ret && ferror(f)) {
		gerr(g, "cannot read '%s': %s", file, strerror(errno));
		ret = EXIT_FAIL;
	}
	fclose(f);
	free(line);
	sbuf_free(&out);
	if (ret)
		rt_tables_free(t);
	else
		*tp = t;
	return ret;
}

/* The Nth frame of a pcap file; raw is set for DLT_RAW. */
static int read_frame(struct genv_ctx *g, const char *file, uint64_t nth, uint8_t *buf,
		      size_t *size, bool *raw)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	pcap_t *pc = pcap_open_offline(file, ebuf);
	uint64_t i = 0;
	int dlt, r;

	if (!pc) {
		gerr(g, "cannot read '%s': %s", file, ebuf);
		return EXIT_FAIL;
	}
	dlt = pcap_datalink(pc);
	if (dlt != DLT_EN10MB && dlt != DLT_RAW) {
		gerr(g, "'%s': link type %s is not supported (Ethernet or raw IP)", file,
		     pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt) : "?");
		pcap_close(pc);
		return EXIT_FAIL;
	}
	*raw = dlt == DLT_RAW;
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		if (++i < nth)
			continue;
		if (h->caplen < h->len)
			gwarn(g, "'%s': frame %llu was captured truncated (%u of %u bytes)", file,
			      (unsigned long long)nth, h->caplen, h->len);
		*size = h->caplen > TRACE_FRAME_MAX ? TRACE_FRAME_MAX : h->caplen;
		memcpy(buf, data, *size);
		pcap_close(pc);
		return 0;
	}
	if (r == -1)
		gerr(g, "cannot read '%s': %s", file, pcap_geterr(pc));
	else
		gerr(g, "'%s' has %llu frames, not %llu", file, (unsigned long long)i,
		     (unsigned long long)nth);
	pcap_close(pc);
	return EXIT_FAIL;
}

/* The frame from the packet language, --hex or -r. */
static int get_frame(struct genv_ctx *g, const struct targs *a, int np, char **pos,
		     uint8_t *buf, struct trace_req *r)
{
	int sources = (np > 0) + !!a->hex + !!a->read;
	char err[256];

	if (sources != 1)
		return gusage(g, "packet: give the packet once: in the packet language, --hex HEX or -r FILE");
	if (a->frame_set && !a->read)
		return gusage(g, "--frame applies to -r");
	if (a->raw && !a->hex)
		return gusage(g, "--raw applies to --hex");
	if (a->hex) {
		if (parse_hex(a->hex, buf, TRACE_FRAME_MAX, &r->size) || !r->size)
			return gusage(g, "--hex: '%.64s' is not a frame in hex (at most %d bytes)", a->hex,
				      TRACE_FRAME_MAX);
		r->raw = a->raw;
	} else if (a->read) {
		int ret = read_frame(g, a->read, a->frame_set ? a->frame : 1, buf, &r->size, &r->raw);

		if (ret)
			return ret;
	} else {
		struct gnv_spec *spec = malloc(sizeof(*spec));
		struct sbuf text = SBUF_INIT;
		int ret = 0;

		if (!spec) {
			gerr(g, "out of memory");
			return EXIT_FAIL;
		}
		for (int i = 0; i < np; i++)
			sbuf_printf(&text, "%s%s", i ? " " : "", pos[i]);
		gnv_spec_init(spec, opt_class());
		spec->optreg = a->optreg;
		if (gnv_lang_parse(sbuf_str(&text), spec, err, sizeof(err))) {
			ret = gusage(g, "%s", err);
		} else if (gnv_build_ex(spec, buf, TRACE_FRAME_MAX, &r->size, NULL, err, sizeof(err))) {
			gerr(g, "cannot build the packet: %s", err);
			ret = EXIT_FAIL;
		} else {
			r->raw = gnv_spec_linktype(spec) == GNV_LINK_RAW;
		}
		free(spec);
		sbuf_free(&text);
		if (ret)
			return ret;
	}
	if (r->raw && !r->underlay)
		return gusage(g, "a packet from a port starts with Ethernet, not IP");
	r->frame = buf;
	return 0;
}

static int write_out(struct genv_ctx *g, const struct sbuf *o)
{
	if (g->quiet)
		return EXIT_OK;
	if (out_write(g, o->buf ? o->buf : "", o->len) < 0 && errno != EPIPE) {
		gerr(g, "cannot write output: %s", strerror(errno));
		return EXIT_FAIL;
	}
	return EXIT_OK;
}

/* One command to the running router: its output in out, or an error
 * reported here (EXIT_*). */
static int ctl_run(struct genv_ctx *g, const char *sock, const char *line, bool json, struct sbuf *out)
{
	struct ctl_client c;
	int ret;

	ctl_client_init(&c, sock ? sock : g->socket, 0);
	ret = ctl_request(g, &c, line, json ? RT_CTL_JSON : 0, out, "", "use -f FILE to trace offline");
	ctl_client_close(&c);
	return ret;
}

static int trace_packet_cmd(struct genv_ctx *g, const struct targs *a, int np, char **pos)
{
	struct trace_req r;
	struct trace_fmt f = { .json = g->json, .pretty = g->pretty, .optreg = a->optreg };
	struct rt_tables *t = NULL;
	struct sbuf out = SBUF_INIT;
	uint8_t *buf;
	char err[256];
	int fam, ret;

	memset(&r, 0, sizeof(r));
	if (!a->in)
		return gusage(g, "packet: missing --in PORT|underlay");
	if (!strcmp(a->in, "underlay")) {
		r.underlay = true;
	} else {
		if (!*a->in || strlen(a->in) >= sizeof(r.port))
			return gusage(g, "--in: '%s' is not a port name", a->in);
		snprintf(r.port, sizeof(r.port), "%s", a->in);
	}
	if (!r.underlay && (a->from || a->ttl_set || a->tos_set))
		return gusage(g, "--from, --ttl and --tos apply to --in underlay");
	if (r.underlay && a->gso)
		return gusage(g, "--gso applies to --in PORT (a super-frame from a VM)");
	r.gso_size = (uint16_t)a->gso;
	if (a->from) {
		if (parse_ip(a->from, &fam, r.from.a))
			return gusage(g, "--from: '%s' is not an IPv4 or IPv6 address", a->from);
		r.from.family = (uint8_t)fam;
		r.from_set = true;
	}
	r.ttl = (uint8_t)a->ttl;
	r.ttl_set = a->ttl_set;
	r.tos = (uint8_t)a->tos;
	r.tos_set = a->tos_set;
	r.verbose = g->verbose;
	buf = malloc(TRACE_FRAME_MAX);
	if (!buf) {
		gerr(g, "out of memory");
		return EXIT_FAIL;
	}
	ret = get_frame(g, a, np, pos, buf, &r);
	if (ret)
		goto out;
	if (a->file) {
		ret = load_config(g, a->file, &t);
		if (ret)
			goto out;
		ret = trace_packet(t, &r, &f, &out, err, sizeof(err));
		if (ret) {
			gerr(g, "%s", err);
			ret = ret == -EINVAL || ret == -ENOENT ? EXIT_USAGE : EXIT_FAIL;
			goto out;
		}
	} else {
		struct sbuf line = SBUF_INIT;

		trace_req_format(&r, &line);
		if (line.len >= RT_LINE_MAX) {
			/* the router would refuse the line: say why and what to do */
			sbuf_free(&line);
			ret = gusage(g, "packet: a %zu-byte frame is too long for the router's command line (%d bytes, about %d bytes of frame in hex): trace it offline with -f and the router's 'genv route show config'",
				     r.size, RT_LINE_MAX, (RT_LINE_MAX - 64) / 2);
			goto out;
		}
		ret = ctl_run(g, a->socket, sbuf_str(&line), g->json, &out);
		sbuf_free(&line);
		if (ret)
			goto out;
	}
	ret = write_out(g, &out);
out:
	rt_tables_free(t);
	sbuf_free(&out);
	free(buf);
	return ret;
}

/* ---- genv trace drops ---- */

static volatile sig_atomic_t drops_stop;

static void on_stop(int sig)
{
	(void)sig;
	drops_stop = 1;
}

struct dropview {
	struct genv_ctx *g;
	const struct targs *a;
	bool mirror;			/* capture --router: "pkt" records */
	struct gnv_filter *flt;
	bool have_ep;
	struct gnv_addr ep;
	pcap_t *dead;
	pcap_dumper_t *dump;
	struct gnv_pkt pk;
	struct gnv_printer pr;
	uint8_t frame[RT_DROP_SNAP + 128];
	uint64_t shown;
};

/* v->ep has a family (--endpoint), so an address without one never matches. */
static bool ep_match(const struct dropview *v, const struct gnv_pkt *pk)
{
	return gnv_addr_eq(&v->ep, &pk->outer.ip.src) || gnv_addr_eq(&v->ep, &pk->outer.ip.dst) ||
	       gnv_addr_eq(&v->ep, &pk->inner.ip.src) || gnv_addr_eq(&v->ep, &pk->inner.ip.dst) ||
	       (pk->outer.arp.present && v->ep.family == 4 &&
		(!memcmp(pk->outer.arp.spa, v->ep.a, 4) || !memcmp(pk->outer.arp.tpa, v->ep.a, 4)));
}

/* One record from the router: filter, decode, print, write. */
static int drop_show(struct dropview *v, const struct rt_drop_rec *d, struct sbuf *o)
{
	const struct targs *a = v->a;
	struct gnv_decode_cfg cfg;
	struct gnv_frame fr = { .num = d->seq, .has_ts = true, .frac_digits = 6 };
	const uint8_t *p = d->data;
	size_t n = d->caplen;
	bool ok = !a->nreason;

	for (int i = 0; i < a->nreason; i++)
		ok |= a->reason[i] == (int)d->reason;
	if (!ok || (a->vpc_set && (!d->vni_known || d->vni != a->vpc)))
		return 0;
	if (d->underlay) {
		/* the Geneve payload: give it outer headers like those it had */
		struct gnv_addr self = { .family = d->from.family == 6 ? 6 : 4 };
		const struct gnv_addr *me = d->self.family == self.family ? &d->self : &self;
		bool tx = d->dir == RT_REC_TX;

		n = trace_wrap_geneve(v->frame, sizeof(v->frame), tx ? me : &d->from, tx ? &d->from : me,
				      GNV_PORT, 0, 64, d->data, d->caplen);
		p = v->frame;
	}
	gnv_decode_cfg_default(&cfg);
	cfg.optreg = a->optreg;
	gnv_decode(&v->pk, p, (uint32_t)n, (uint32_t)(n + (d->len - d->caplen)), &cfg);
	if (v->have_ep && !ep_match(v, &v->pk))
		return 0;
	fr.sec = (int64_t)(d->real_ns / 1000000000ull);
	fr.frac = (uint32_t)(d->real_ns % 1000000000ull / 1000);
	if (v->flt) {
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)(n + d->len - d->caplen) };

		if (!gnv_filter_match(v->flt, &v->pk, &h, p))
			return 0;
	}
	if (v->dump) {
		struct pcap_pkthdr h = { .caplen = (bpf_u_int32)n, .len = (bpf_u_int32)(n + d->len - d->caplen) };

		h.ts.tv_sec = (time_t)fr.sec;
		h.ts.tv_usec = (suseconds_t)fr.frac;
		pcap_dump((u_char *)v->dump, &h, p);
	}
	if (v->g->json) {
		struct json j;

		json_init(&j, o, v->g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_u64(&j, "seq", d->seq);
		json_u64(&j, "time_ns", d->real_ns);
		if (v->mirror)
			json_str(&j, "dir", d->dir == RT_REC_TX ? "tx" : "rx");
		else
			json_str(&j, "reason", rt_drop_name(d->reason));
		json_str(&j, v->mirror ? "where" : "ingress", d->underlay ? "underlay" : "port");
		if (d->underlay) {
			json_null(&j, "port");
			json_ip(&j, v->mirror ? "peer" : "from", d->from.family, d->from.a);
		} else {
			json_str(&j, "port", d->port);
			json_null(&j, v->mirror ? "peer" : "from");
		}
		if (d->vni_known)
			json_u64(&j, "vni", d->vni);
		else
			json_null(&j, "vni");
		json_u64(&j, "len", d->len);
		gnv_json_pkt(&j, "packet", &v->pk, &fr);
		json_obj_close(&j);
		sbuf_putc(o, '\n');
	} else {
		char a2[RT_ADDR_STR];
		struct sbuf line = SBUF_INIT;
		const char *s;

		gnv_print_time(&v->pr, o, &fr);
		sbuf_printf(o, " %s", v->mirror ? (d->dir == RT_REC_TX ? "tx" : "rx") : rt_drop_name(d->reason));
		if (d->underlay)
			sbuf_printf(o, " underlay %s", rt_addr_fmt(a2, sizeof(a2), d->from.family, d->from.a));
		else
			sbuf_printf(o, " port %s", d->port);
		if (d->vni_known)
			sbuf_printf(o, " vpc %u", d->vni);
		sbuf_puts(o, ": ");
		fr.has_ts = false;
		gnv_print_line(&v->pr, &line, &v->pk, &fr);
		s = sbuf_str(&line);
		s += strspn(s, " ");
		s += strspn(s, "0123456789");
		s += strspn(s, " ");
		sbuf_puts(o, s);
		sbuf_free(&line);
	}
	v->shown++;
	return 1;
}

/* genv trace drops, and capture --router (mirror): poll a ring of the router. */
/* An address member: "-"/null/absent leave *a unset; 0 or -EINVAL. */
static int json_addr(const struct json_t *o, const char *key, struct gnv_addr *a)
{
	const char *s = ctl_json_str(o, key);
	int fam;

	memset(a, 0, sizeof(*a));
	if (!s)
		return ctl_json_get(o, key) && !ctl_json_is_null(o, key) ? -EINVAL : 0;
	if (parse_ip(s, &fam, a->a))
		return -EINVAL;
	a->family = (uint8_t)fam;
	return 0;
}

/* One record of the router's `drops since` / `mirror since` JSON reply
 * (router/dropring.h): 0, or -EINVAL when it is not one. */
static int drop_from_json(const struct json_t *o, struct rt_drop_rec *d)
{
	const char *reason = ctl_json_str(o, "reason"), *ingress = ctl_json_str(o, "ingress");
	const char *dir = ctl_json_str(o, "dir"), *data = ctl_json_str(o, "data");
	uint64_t vni, len;
	size_t sz = 0;
	int x;

	memset(d, 0, sizeof(*d));
	if (!reason || (x = rt_drop_lookup(reason)) < 0 || !ingress || !data ||
	    ctl_json_get_u64(o, "seq", UINT64_MAX, &d->seq) ||
	    ctl_json_get_u64(o, "time_ns", UINT64_MAX, &d->real_ns) ||
	    ctl_json_get_u64(o, "len", UINT32_MAX, &len) ||
	    (dir && strcmp(dir, "rx") && strcmp(dir, "tx")) ||
	    (strcmp(ingress, "port") && strcmp(ingress, "underlay")))
		return -EINVAL;
	d->reason = (uint16_t)x;
	d->dir = !dir ? RT_REC_DROP : !strcmp(dir, "rx") ? RT_REC_RX : RT_REC_TX;
	d->underlay = !strcmp(ingress, "underlay");
	if (d->underlay) {
		if (json_addr(o, d->dir == RT_REC_TX ? "to" : "from", &d->from) ||
		    json_addr(o, "self", &d->self))
			return -EINVAL;
	} else {
		const char *port = ctl_json_str(o, "port");

		if (!port || strlen(port) >= sizeof(d->port))
			return -EINVAL;
		/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above */
		strcpy(d->port, port);
	}
	if (!ctl_json_is_null(o, "vni")) {
		if (ctl_json_get_u64(o, "vni", RT_VNI_MAX, &vni))
			return -EINVAL;
		d->vni = (uint32_t)vni;
		d->vni_known = true;
	}
	if (*data && parse_hex(data, d->data, sizeof(d->data), &sz))
		return -EINVAL;
	d->caplen = (uint16_t)sz;
	d->len = len < d->caplen ? d->caplen : (uint32_t)len;
	return 0;
}

static int ring_stream(struct genv_ctx *g, const struct targs *a, bool mirror, int np, char **pos)
{
	const char *what = mirror ? "mirror" : "drops";
	struct dropview *v;
	struct sbuf out = SBUF_INIT, o = SBUF_INIT, cmdline = SBUF_INIT;
	struct sigaction sa, old_int, old_term;
	uint64_t since = 0;
	int fam, ret = EXIT_OK;

	if (np && !mirror)
		return gusage(g, "drops: unexpected argument");
	if (a->file)
		return gusage(g, "%s: the ring lives in the running router (no -f)", mirror ? "capture" : "drops");
	v = calloc(1, sizeof(*v));
	if (!v) {
		gerr(g, "out of memory");
		return EXIT_FAIL;
	}
	v->g = g;
	v->a = a;
	v->mirror = mirror;
	if (np) {
		struct sbuf text = SBUF_INIT;
		char err[256];

		for (int i = 0; i < np; i++)
			sbuf_printf(&text, "%s%s", i ? " " : "", pos[i]);
		size_t epos = 0;
		int pret = gnv_filter_parse_reg(sbuf_str(&text), a->optreg, &v->flt, err, sizeof(err), &epos);

		if (pret || gnv_filter_compile(v->flt, DLT_EN10MB, 65535, err, sizeof(err))) {
			char caret[600];

			if (pret && !g->json)
				gnv_filter_caret(sbuf_str(&text), epos, caret, sizeof(caret));
			else
				caret[0] = 0;
			sbuf_free(&text);
			gnv_filter_free(v->flt);
			free(v);
			pret = gusage(g, "bad filter: %s", err);
			if (caret[0])
				fprintf(stderr, "%s\n", caret);
			return pret;
		}
		sbuf_free(&text);
	}
	gnv_printer_init(&v->pr, g->color, g->pretty);
	if (a->endpoint) {
		if (parse_ip(a->endpoint, &fam, v->ep.a)) {
			free(v);
			return gusage(g, "--endpoint: '%s' is not an IPv4 or IPv6 address", a->endpoint);
		}
		v->ep.family = (uint8_t)fam;
		v->have_ep = true;
	}
	if (a->write) {
		v->dead = pcap_open_dead(DLT_EN10MB, 65535);
		v->dump = v->dead ? pcap_dump_open(v->dead, a->write) : NULL;
		if (!v->dump) {
			gerr(g, "cannot write '%s': %s", a->write, v->dead ? pcap_geterr(v->dead) : "out of memory");
			ret = EXIT_FAIL;
			goto out;
		}
	}
	if (mirror) {
		sbuf_reset(&cmdline);
		sbuf_puts(&cmdline, "mirror on");
		if (a->rate_set)
			sbuf_printf(&cmdline, " rate %llu", (unsigned long long)a->rate);
		ret = ctl_run(g, a->socket, sbuf_str(&cmdline), false, &out);
		if (ret)
			goto out;
	}
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	drops_stop = 0;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	while (!drops_stop && !(g->interrupted && *g->interrupted)) {
		struct rt_drop_rec d;
		struct json_t *doc, *recs;
		uint64_t lost, next;
		bool full = false;
		size_t nrec;

		sbuf_reset(&out);
		sbuf_reset(&cmdline);
		sbuf_printf(&cmdline, "%s since %llu", what, (unsigned long long)since);
		ret = ctl_run(g, a->socket, sbuf_str(&cmdline), true, &out);
		if (ret)
			break;
		doc = ctl_json_load(out.buf, out.len);
		recs = doc ? ctl_json_get(doc, "drops") : NULL;
		nrec = ctl_json_len(recs);
		sbuf_reset(&o);
		for (size_t i = 0; i < nrec && !ret; i++) {
			if (drop_from_json(ctl_json_at(recs, i), &d)) {
				ret = EXIT_FAIL;
			} else if (!a->count_set || v->shown < a->count) {
				drop_show(v, &d, &o);
			}
		}
		if (!ret && (!recs || !ctl_json_get(doc, "next")))
			ret = EXIT_FAIL;
		if (ret) {
			gerr(g, "unexpected reply from the router: '%.60s'", sbuf_str(&out));
			ctl_json_free(doc);
			break;
		}
		full = nrec >= RT_DROP_MAX_REPLY;
		lost = ctl_json_u64(doc, "lost");
		next = ctl_json_u64(doc, "next");
		ctl_json_free(doc);
		if (lost && since && !g->quiet)
			gwarn(g, "%llu %s were overwritten in the ring before they were read",
			      (unsigned long long)lost, mirror ? "packets" : "drops");
		if (o.len && (ret = write_out(g, &o)))
			break;
		fflush(g->out);
		if (v->dump)
			pcap_dump_flush(v->dump);
		since = next;
		if ((a->once && !full) || (a->count_set && v->shown >= a->count))
			break;
		if (!full) {
			uint64_t ms = a->interval_set ? a->interval : 200;
			struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000 };

			nanosleep(&ts, NULL);
		}
	}
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	if (drops_stop && g->interrupted)
		*g->interrupted = 1;
	if (mirror) {
		sbuf_reset(&out);
		ctl_run(g, a->socket, "mirror off", false, &out);
	}
out:
	gnv_filter_free(v->flt);
	if (v->dump)
		pcap_dump_close(v->dump);
	if (v->dead)
		pcap_close(v->dead);
	free(v);
	sbuf_free(&out);
	sbuf_free(&o);
	sbuf_free(&cmdline);
	return ret;
}

/* ---- genv trace capture: decode's live capture with its overlay filters ---- */

static int trace_capture_cmd(struct genv_ctx *g, const struct targs *a, int np, char **pos)
{
	char *argv[64], cnt[24];
	int argc = 0;

	if (np < 1)
		return gusage(g, "capture: missing IFACE");
	if (np > 56)
		return gusage(g, "capture: filter too long");
	argv[argc++] = (char *)"decode";
	argv[argc++] = (char *)"-i";
	argv[argc++] = pos[0];
	if (a->options) {
		argv[argc++] = (char *)"--options";
		argv[argc++] = (char *)a->options;
	}
	if (a->write) {
		argv[argc++] = (char *)"-w";
		argv[argc++] = (char *)a->write;
	}
	if (a->count_set) {
		snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)a->count);
		argv[argc++] = (char *)"-c";
		argv[argc++] = cnt;
	}
	argv[argc++] = (char *)"--";
	for (int i = 1; i < np; i++)
		argv[argc++] = pos[i];
	argv[argc] = NULL;
	g->cmd = "trace capture";
	return cmd_decode(g, argc, argv);
}

/* ---- genv trace path: probes through the running routers ---- */

struct hopstat {
	struct gnv_trace_rec last;
	unsigned int seen;
	double off_sum;			/* microseconds after hop 1 */
};

/* What the origin heard of one probe: its final reply, or the deepest hop
 * report (the records up to the last router that sent it on). */
struct probe_seen {
	bool done, have_rep;
	struct trace_result rep;
};

/* Where unanswered probes broke: after the deepest hop their reports reach. */
struct path_break {
	unsigned int probes;		/* unanswered probes with a report */
	const struct trace_result *at;	/* the deepest report */
};

static void path_break_of(const struct probe_seen *ps, unsigned int sent, struct path_break *b)
{
	memset(b, 0, sizeof(*b));
	for (unsigned int i = 0; i < sent; i++)
		if (!ps[i].done && ps[i].have_rep) {
			b->probes++;
			if (!b->at || ps[i].rep.nhop >= b->at->nhop)
				b->at = &ps[i].rep;
		}
}

static void path_render(struct genv_ctx *g, const struct targs *a, const struct trace_result *res,
			unsigned int nres, unsigned int sent, const struct probe_seen *ps,
			struct sbuf *o)
{
	struct hopstat hs[GENV_TRACE_MAX_HOPS];
	const struct trace_result *last = NULL;
	unsigned int nh = 0, nrtt = 0, nseen = nres;
	double rmin = 0, rmax = 0, rsum = 0;
	char ab[RT_ADDR_STR], nb[RT_ADDR_STR];
	bool overflow = false;
	struct path_break br;

	memset(hs, 0, sizeof(hs));
	path_break_of(ps, sent, &br);
	/* no answer at all: the hops are those the reports name */
	for (unsigned int i = 0; i < (nres ? nres : sent); i++) {
		const struct trace_result *r = nres ? &res[i] : ps[i].have_rep ? &ps[i].rep : NULL;

		if (!r)
			continue;
		if (nres)
			last = r;
		overflow |= r->overflow;
		for (unsigned int k = 0; k < r->nhop; k++) {
			hs[k].last = r->hop[k];
			hs[k].seen++;
			hs[k].off_sum += (double)(uint32_t)(r->hop[k].ts_us - r->hop[0].ts_us);
		}
		if (r->nhop > nh)
			nh = r->nhop;
		if (r->rtt_ns) {
			double ms = (double)r->rtt_ns / 1e6;

			rmin = nrtt && rmin < ms ? rmin : ms;
			rmax = rmax > ms ? rmax : ms;
			rsum += ms;
			nrtt++;
		}
	}
	if (!nres)
		nseen = br.probes;
	if (br.at) {
		rt_addr_fmt(ab, sizeof(ab), 4, br.at->hop[br.at->nhop - 1].id);
		rt_addr_fmt(nb, sizeof(nb), 4, br.at->next);
	}
	if (g->json) {
		struct json j;

		json_init(&j, o, g->pretty);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_u64(&j, "vni", a->vpc);
		json_str(&j, "src", a->src);
		json_str(&j, "dst", a->dst);
		json_u64(&j, "sent", sent);
		json_u64(&j, "answered", nres);
		json_bool(&j, "overflow", overflow);
		json_arr_open(&j, "hops");
		for (unsigned int k = 0; k < nh; k++) {
			json_obj_open(&j, NULL);
			json_u64(&j, "hop", k + 1);
			json_ip(&j, "router", 4, hs[k].last.id);
			json_str(&j, "role", trace_role_name(hs[k].last.role));
			json_str(&j, "verdict", trace_verdict_name(hs[k].last.verdict));
			json_str(&j, "reason", rt_drop_name(hs[k].last.reason));
			json_u64(&j, "seen", hs[k].seen);
			json_dbl(&j, "offset_ms", hs[k].off_sum / hs[k].seen / 1000.0);
			json_obj_close(&j);
		}
		json_arr_close(&j);
		if (nrtt) {
			json_obj_open(&j, "rtt_ms");
			json_dbl(&j, "min", rmin);
			json_dbl(&j, "avg", rsum / nrtt);
			json_dbl(&j, "max", rmax);
			json_obj_close(&j);
		} else {
			json_null(&j, "rtt_ms");
		}
		if (br.at) {
			json_obj_open(&j, "break");
			json_u64(&j, "after_hop", br.at->nhop);
			json_str(&j, "router", ab);
			json_str(&j, "next_hop", nb);
			json_u64(&j, "probes", br.probes);
			json_obj_close(&j);
		} else {
			json_null(&j, "break");
		}
		json_str(&j, "verdict", last ? trace_verdict_name(last->hop[last->nhop - 1].verdict) : "none");
		json_str(&j, "reason", last ? rt_drop_name(last->hop[last->nhop - 1].reason) : "none");
		json_obj_close(&j);
		sbuf_putc(o, '\n');
		return;
	}
	sbuf_printf(o, "path vpc %llu %s -> %s %s", (unsigned long long)a->vpc, a->src, a->dst,
		    a->proto ? a->proto : "udp");
	if (!a->proto || strcmp(a->proto, "icmp"))
		sbuf_printf(o, " dport %llu", (unsigned long long)(a->dport_set ? a->dport : 33434));
	sbuf_printf(o, ", %u probes\n", sent);
	for (unsigned int k = 0; k < nh; k++) {
		const struct gnv_trace_rec *h = &hs[k].last;

		sbuf_printf(o, "%3u  %-15s %-8s %-8s %8.3f ms  %s", k + 1,
			    rt_addr_fmt(nb, sizeof(nb), 4, h->id), trace_role_name(h->role),
			    trace_verdict_name(h->verdict), hs[k].off_sum / hs[k].seen / 1000.0,
			    h->reason ? rt_drop_name(h->reason) : "-");
		if (hs[k].seen != nseen)
			sbuf_printf(o, " (%u of %u probes)", hs[k].seen, nseen);
		sbuf_putc(o, '\n');
	}
	if (overflow)
		sbuf_printf(o, "     (more hops than the trace option holds: %d)\n", GENV_TRACE_MAX_HOPS);
	sbuf_printf(o, "%u/%u answered, %u%% loss", nres, sent, sent ? (sent - nres) * 100 / sent : 0);
	if (nrtt)
		sbuf_printf(o, ", rtt min/avg/max %.3f/%.3f/%.3f ms", rmin, rsum / nrtt, rmax);
	sbuf_putc(o, '\n');
	if (br.at) {
		sbuf_printf(o, "no answer after hop %u (%s): next hop %s did not answer", br.at->nhop, ab,
			    rt_addr_fmt(nb, sizeof(nb), 4, br.at->next));
		if (br.probes != sent)
			sbuf_printf(o, " (%u of %u probes)", br.probes, sent);
		sbuf_putc(o, '\n');
	}
	if (last) {
		const struct gnv_trace_rec *h = &last->hop[last->nhop - 1];

		sbuf_printf(o, "verdict: %s\negress: %s\nreason: %s\n", trace_verdict_name(h->verdict),
			    rt_addr_fmt(ab, sizeof(ab), 4, h->id), rt_drop_name(h->reason));
	} else {
		sbuf_puts(o, "verdict: none\negress: none\nreason: none\n");
	}
}

/* One element of the "results" of a `probe` reply (see trace/probe.c). */
static bool result_read(const struct json_t *o, struct trace_result *r)
{
	const struct json_t *hops = ctl_json_get(o, "hops");
	uint64_t id = ctl_json_u64(o, "id"), pseq = ctl_json_u64(o, "pseq");

	memset(r, 0, sizeof(*r));
	if (id > 0xffff || pseq > UINT32_MAX || !ctl_json_len(hops) ||
	    ctl_json_len(hops) > GENV_TRACE_MAX_HOPS)
		return false;
	r->seq = ctl_json_u64(o, "seq");
	r->id = (uint16_t)id;
	r->pseq = (uint32_t)pseq;
	r->overflow = ctl_json_bool(o, "overflow");
	r->report = ctl_json_bool(o, "report");
	if (r->report && (!ctl_json_str(o, "next_hop") || parse_ip4(ctl_json_str(o, "next_hop"), r->next)))
		return false;
	r->rtt_ns = ctl_json_u64(o, "rtt_ns");
	for (size_t i = 0; i < ctl_json_len(hops); i++) {
		const struct json_t *j = ctl_json_at(hops, i);
		const char *router = ctl_json_str(j, "router");
		struct gnv_trace_rec *h = &r->hop[r->nhop++];
		int role = trace_role_lookup(ctl_json_str(j, "role"));
		int verdict = trace_verdict_lookup(ctl_json_str(j, "verdict"));
		const char *reason = ctl_json_str(j, "reason");
		int why = reason ? rt_drop_lookup(reason) : -1;
		uint64_t ts = ctl_json_u64(j, "ts_us");

		if (!router || parse_ip4(router, h->id) || role < 0 || verdict < 0 || why < 0 ||
		    ts > UINT32_MAX)
			return false;
		h->role = (uint8_t)role;
		h->verdict = (uint8_t)verdict;
		h->reason = (uint16_t)why;
		h->ts_us = (uint32_t)ts;
	}
	return true;
}

/* What trace path collects: the answered probes (res[0..nres-1]) and what
 * was heard of each (ps[pseq - 1]). */
struct path_coll {
	unsigned int id, count, nres;
	struct probe_seen *ps;
	struct trace_result *res;
	uint64_t next;			/* `probe results since` this */
};

/* Take the results of probe c->id in a `probe results` or `probe send`
 * reply (JSON): a final reply answers its probe (into c->res); a hop report
 * is kept while it is the deepest of an unanswered probe.  With take_next,
 * c->next gets the reply's "next". */
static void take_results(const struct sbuf *reply, struct path_coll *c, bool take_next)
{
	struct json_t *doc = ctl_json_load(reply->buf ? reply->buf : "", reply->len);
	const struct json_t *rs = ctl_json_get(doc, "results");

	for (size_t i = 0; i < ctl_json_len(rs); i++) {
		struct trace_result x;
		struct probe_seen *p;

		if (!result_read(ctl_json_at(rs, i), &x) || x.id != c->id || x.pseq < 1 ||
		    x.pseq > c->count)
			continue;
		p = &c->ps[x.pseq - 1];
		if (p->done)
			continue;
		if (!x.report) {
			c->res[c->nres++] = x;
			p->done = true;
		} else if (!p->have_rep || x.nhop >= p->rep.nhop) {
			p->rep = x;
			p->have_rep = true;
		}
	}
	if (take_next && ctl_json_get(doc, "next"))
		c->next = ctl_json_u64(doc, "next");
	ctl_json_free(doc);
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Offline paths: every -f file is a host; probes travel between their
 * tables in this process (an address that is no host's loses them).
 */
struct simwire {
	int from;
	struct gnv_addr dst;
	uint8_t tos, ttl;
	size_t size;
	uint8_t *data;
};

struct sim {
	int n;
	struct rt_tables *t[MAX_FILES];
	struct rt_runtime_ops ops[MAX_FILES];
	int host[MAX_FILES];	/* ops ctx -> index */
	struct simwire q[64];
	int nq;
};

static int sim_send(void *ctx, const struct gnv_addr *dst, const uint8_t *data, size_t size,
		    uint8_t tos, uint8_t ttl, uint16_t sport)
{
	int *hp = ctx;
	struct sim *s = (struct sim *)((char *)(hp - *hp) - offsetof(struct sim, host));
	struct simwire *w;

	(void)sport;
	if (s->nq == 64)
		return -ENOBUFS;
	w = &s->q[s->nq];
	w->data = malloc(size);
	if (!w->data)
		return -ENOMEM;
	memcpy(w->data, data, size);
	w->from = *hp;
	w->dst = *dst;
	w->tos = tos;
	w->ttl = ttl;
	w->size = size;
	s->nq++;
	return 0;
}

static void sim_run(struct sim *s)
{
	for (int steps = 0; s->nq && steps < 256; steps++) {
		struct simwire w = s->q[0];

		memmove(s->q, s->q + 1, sizeof(s->q[0]) * (size_t)--s->nq);
		for (int i = 0; i < s->n; i++) {
			struct rt_tables *t = s->t[i];
			struct rt_ul_meta m = { .ttl = w.ttl, .tos = w.tos };
			struct rt_out o;
			uint8_t *copy;

			if (!t->cfg.self.addr_set || t->cfg.self.addr.family != w.dst.family ||
			    memcmp(t->cfg.self.addr.a, w.dst.a, w.dst.family == 6 ? 16 : 4))
				continue;
			m.src = s->t[w.from]->cfg.self.addr;
			copy = malloc(w.size);
			if (copy) {
				memcpy(copy, w.data, w.size);
				if (rt_from_underlay(t, &m, copy, w.size, 0, &o, NULL) == RT_CONTROL)
					rt_ext_control(&t->exts, t, &s->ops[i], &m, &t->scratch, copy,
						       w.size);
				free(copy);
			}
			break;
		}
		free(w.data);
	}
	while (s->nq)
		free(s->q[--s->nq].data);
}

/* One router command: over the socket, or on the origin's tables offline
 * (then the network runs until it is quiet). */
static int path_call(struct genv_ctx *g, const struct targs *a, struct sim *s, const char *line,
		     struct sbuf *out)
{
	int r;

	if (!s)
		return ctl_run(g, a->socket, line, true, out);
	r = rt_cmd_exec(s->t[0], &s->ops[0], line, true, out);
	if (r) {
		ctl_error_report(g, -r, out, true, "");
		return EXIT_USAGE;
	}
	sim_run(s);
	return EXIT_OK;
}

/* One `probe results since` round: what came since the last. */
static int path_poll(struct genv_ctx *g, const struct targs *a, struct sim *s, struct path_coll *c,
		     struct sbuf *out)
{
	char line[64];
	int ret;

	snprintf(line, sizeof(line), "probe results since %llu", (unsigned long long)c->next);
	sbuf_reset(out);
	ret = path_call(g, a, s, line, out);
	if (!ret)
		take_results(out, c, true);
	return ret;
}

static int trace_path_cmd(struct genv_ctx *g, const struct targs *a)
{
	unsigned int count = a->count_set ? (unsigned int)a->count : 3, sent = 0;
	uint64_t gap = a->interval_set ? a->interval : 100;
	struct path_coll c = { .id = (unsigned int)getpid() & 0xffff, .count = count };
	struct sbuf out = SBUF_INIT, line = SBUF_INIT, o = SBUF_INIT;
	struct sim *s = NULL;
	int ret = EXIT_OK;

	if (!a->vpc_set || !a->src || !a->dst)
		return gusage(g, "path: needs --vpc VNI, --src IP (a local endpoint) and --dst IP");
	if (count > 1000)
		return gusage(g, "path: at most 1000 probes");
	c.res = calloc(count, sizeof(*c.res));
	c.ps = calloc(count, sizeof(*c.ps));
	if (!c.res || !c.ps) {
		gerr(g, "out of memory");
		ret = EXIT_FAIL;
		goto out;
	}
	if (a->file) {
		s = calloc(1, sizeof(*s));
		if (!s) {
			gerr(g, "out of memory");
			ret = EXIT_FAIL;
			goto out;
		}
		for (int i = 0; i < a->nfile; i++) {
			ret = load_config(g, a->files[i], &s->t[i]);
			if (ret)
				goto out;
			s->n++;
			s->host[i] = i;
			s->ops[i].ctx = &s->host[i];
			s->ops[i].ul_send = sim_send;
		}
	}
	/* the router's JSON replies are read here; probes go out every gap ms
	 * and their answers are collected as they come (between sends, then
	 * for up to a second after the last) */
	ret = path_call(g, a, s, "probe results since 18446744073709551615", &out);
	if (!ret)
		take_results(&out, &c, true);
	for (unsigned int i = 1; !ret && i <= count && !(g->interrupted && *g->interrupted); i++) {
		uint64_t t0 = now_ms();

		sbuf_reset(&line);
		sbuf_reset(&out);
		sbuf_printf(&line, "probe send vni %llu src %s dst %s proto %s sport %llu dport %llu id %u seq %u",
			    (unsigned long long)a->vpc, a->src, a->dst, a->proto ? a->proto : "udp",
			    (unsigned long long)(a->sport_set ? a->sport : 40000),
			    (unsigned long long)(a->dport_set ? a->dport : 33434), c.id, i);
		ret = path_call(g, a, s, sbuf_str(&line), &out);
		if (ret)
			break;
		sent++;
		take_results(&out, &c, false);
		/* until the next send: collect, every 20 ms at most */
		do {
			uint64_t el = now_ms() - t0, w = i < count && gap > el ? gap - el : 0;
			struct timespec ts = { 0, (long)(w < 20 ? w : 20) * 1000000 };

			if (!s && w)
				nanosleep(&ts, NULL);
			ret = path_poll(g, a, s, &c, &out);
		} while (!ret && !s && i < count && now_ms() - t0 < gap &&
			 !(g->interrupted && *g->interrupted));
	}
	/* the last answers: up to a second (offline: they are there, or lost) */
	for (uint64_t t0 = now_ms(); !ret && !s && c.nres < sent && now_ms() - t0 < 1000 &&
	     !(g->interrupted && *g->interrupted);) {
		struct timespec ts = { 0, 20000000 };

		nanosleep(&ts, NULL);
		ret = path_poll(g, a, s, &c, &out);
	}
	if (!ret) {
		path_render(g, a, c.res, c.nres, sent, c.ps, &o);
		ret = write_out(g, &o);
		if (!ret && !c.nres)
			ret = EXIT_FAIL;
		/* --strict: a lost probe or one dropped on the way is a failure too */
		if (!ret && a->strict && c.nres < sent)
			ret = EXIT_FAIL;
		for (unsigned int k = 0; !ret && a->strict && k < c.nres; k++)
			if (!c.res[k].nhop || c.res[k].hop[c.res[k].nhop - 1].verdict != TRACE_V_DELIVER)
				ret = EXIT_FAIL;
	}
out:
	if (s)
		for (int i = 0; i < s->n; i++)
			rt_tables_free(s->t[i]);
	free(s);
	free(c.res);
	free(c.ps);
	sbuf_free(&out);
	sbuf_free(&line);
	sbuf_free(&o);
	return ret;
}

static int trace_run(struct genv_ctx *g, struct targs *a, int np, char **argv);

int cmd_trace(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *self = cmd_find("trace");
	struct targs a;
	int np, ret;

	memset(&a, 0, sizeof(a));
	ret = opt_parse(g, self, argc, argv, trace_opt, &a, &np);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	/* the options file names options in what trace prints (capture: decode
	 * reads it itself) */
	ret = genv_options_load(g, a.options, &a.optreg);
	if (ret)
		return ret;
	ret = trace_run(g, &a, np, argv);
	gnv_optreg_free(a.optreg);
	return ret;
}

static int trace_run(struct genv_ctx *g, struct targs *ap, int np, char **argv)
{
	struct targs a = *ap;
	const char *sub;

	if (np < 1)
		return gusage(g, "missing subcommand: packet, drops, capture or path");
	sub = argv[1];
	if (strcmp(sub, "packet") && (a.in || a.from || a.hex || a.read || a.frame_set || a.raw ||
				      a.ttl_set || a.tos_set || a.gso))
		return gusage(g, "--in, --from, --ttl, --tos, --hex, -r, --frame, --raw and --gso apply to 'packet'");
	if (strcmp(sub, "drops") && a.nreason)
		return gusage(g, "--reason applies to 'drops'");
	if (strcmp(sub, "capture") && (a.router || a.rate_set))
		return gusage(g, "--router and --rate apply to 'capture'");
	if (strcmp(sub, "drops") && !a.router && (a.endpoint || a.once))
		return gusage(g, "--endpoint and --once apply to 'drops' and 'capture --router'");
	if (strcmp(sub, "drops") && strcmp(sub, "path") && !a.router && (a.vpc_set || a.interval_set))
		return gusage(g, "--vpc and --interval apply to 'drops', 'path' and 'capture --router'");
	if (strcmp(sub, "path") && (a.src || a.dst || a.proto || a.sport_set || a.dport_set || a.strict))
		return gusage(g, "--src, --dst, --proto, --sport, --dport and --strict apply to 'path'");
	if (a.many_files && strcmp(sub, "path"))
		return gusage(g, "-f is given once, except for 'path'");
	if (!strcmp(sub, "packet")) {
		if (a.write || a.count_set)
			return gusage(g, "-w and -c do not apply to 'packet'");
		return trace_packet_cmd(g, &a, np - 1, argv + 2);
	}
	if (!strcmp(sub, "drops"))
		return ring_stream(g, &a, false, np - 1, argv + 2);
	if (!strcmp(sub, "capture")) {
		if (a.router)
			return ring_stream(g, &a, true, np - 1, argv + 2);
		if (a.file || a.socket || a.rate_set)
			return gusage(g, "capture IFACE: -f, --socket and --rate do not apply (see --router)");
		return trace_capture_cmd(g, &a, np - 1, argv + 2);
	}
	if (!strcmp(sub, "path")) {
		if (a.write)
			return gusage(g, "path: -w does not apply");
		if (a.file && a.socket)
			return gusage(g, "path: -f (offline) and --socket (online) exclude each other");
		if (np > 1)
			return gusage(g, "path: unexpected argument '%s'", argv[2]);
		return trace_path_cmd(g, &a);
	}
	return gusage(g, "unknown subcommand '%s': expected packet, drops, capture or path", sub);
}
