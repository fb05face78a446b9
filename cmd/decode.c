/* SPDX-License-Identifier: MIT */
/*
 * genv decode: read frames (pcap/pcapng file, live interface, hex, stdin),
 * decode each with gnv_decode(), filter, and render: one line, the craft
 * language (-v), a field view (-vv), JSON Lines (-j), or --stats.
 *
 * Output is rendered into one sbuf and written in large chunks: no printf
 * per field and no stdio call per packet in the hot path.
 *
 * Layer: cmd.  Calls libcore (decode, filter, printers, the pcap file
 * reader over an mmap, the per-VNI counting table, the emitter for
 * --stats), libpcap (stdin, pcapng, live capture, -w), router/xdpgen (the
 * AF_XDP sink of --xdp) and cmd/cli.h.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "commands.h"
#include "optfile.h"
#include "../libcore/emit.h"
#include "../libcore/filter.h"
#include "../libcore/lang.h"
#include "../libcore/msg.h"
#include "../libcore/num.h"
#include "../libcore/optfile.h"
#include "../libcore/optreg.h"
#include "../libcore/ovsnot.h"
#include "../libcore/pcap_file.h"
#include "../libcore/print.h"
#include "../libcore/vnicount.h"
#include "../router/xdpgen.h"

enum {
	O_READ = 1, O_IFACE, O_HEX, O_PORT, O_OPTCLASS, O_COUNT, O_STATS,
	O_STRICT, O_LINKTYPE, O_WRITE, O_XHEX, O_XASCII, O_HEXLAYER, O_IGNORE, O_CHECKSUM,
	O_DECAP, O_SPLITVNI, O_NOPROMISC, O_SNAPLEN, O_BUFSIZE,
	O_VXLANPORT, O_GPEPORT, O_GUEPORT, O_NOGRE, O_TLVMAP, O_OPTFORMAT, O_OPTIONS, O_XDP, O_DURATION,
};

static const char *const linktype_choices[] = { "eth", "raw", "sll", "sll2", NULL };
static const char *const stats_choices[] = { "full", NULL };
static const char *const onoff_choices[] = { "on", "off", NULL };
static const char *const optformat_choices[] = { "genv", "ovs", NULL };
static const char *const hexlayer_choices[] = { "frame", "options", "inner", "payload", NULL };

const struct opt decode_opts[] = {
	{ O_READ, 'r', "read", OPT_FILE, "FILE", "read a pcap or pcapng file ('-' for stdin)", NULL },
	{ O_IFACE, 'i', "interface", OPT_IFACE, "IFACE", "capture live on IFACE", NULL },
	{ O_HEX, 0, "hex", OPT_STR, "HEX", "decode one frame given in hex (repeatable)", NULL },
	{ O_PORT, 0, "port", OPT_STR, "LIST", "Geneve UDP destination ports: 6081,6082,7000-7010 (default 6081)", NULL },
	{ O_OPTCLASS, 0, "opt-class", OPT_STR, "CLASS", "class of genv's options (default $GENV_OPT_CLASS or 0xFFA7)", NULL },
	{ O_NOPROMISC, 0, "no-promisc", OPT_FLAG, NULL, "capture without promiscuous mode (tcpdump -p)", NULL },
	{ O_SNAPLEN, 's', "snaplen", OPT_INT, "N", "capture at most N bytes of each frame (default 262144)", NULL },
	{ O_BUFSIZE, 'B', "buffer-size", OPT_INT, "KIB", "capture buffer size in KiB (default libpcap's, 2 MiB)", NULL },
	{ O_COUNT, 'c', "count", OPT_INT, "N", "stop after N matching frames", NULL },
	{ O_STATS, 0, "stats", OPT_OPTARG, "full", "print a summary per VNI instead of frames (=full: check every layer)", stats_choices },
	{ O_STRICT, 0, "strict", OPT_FLAG, NULL, "exit 3 when a frame is truncated or invalid", NULL },
	{ O_WRITE, 'w', "write", OPT_FILE, "FILE", "also save the matching frames to FILE (pcapng if it ends in .pcapng, else pcap)", NULL },
	{ O_DECAP, 0, "decap", OPT_FLAG, NULL, "-w and --split-vni save the encapsulated frames, not the outer ones", NULL },
	{ O_SPLITVNI, 0, "split-vni", OPT_FILE, "DIR", "save the matching Geneve frames to DIR/vni-N.pcap, one file per VNI", NULL },
	{ O_IGNORE, 0, "ignore", OPT_STR, "CODE", "do not report error CODE (udp.checksum_partial, tcp.*; repeatable; default $GENV_DECODE_IGNORE)", NULL },
	{ O_CHECKSUM, 0, "checksum", OPT_ENUM, "on|off", "verify checksums (default on)", onoff_choices },
	{ O_XHEX, 'x', "hex-dump", OPT_FLAG, NULL, "print each frame's bytes in hex, as tcpdump -xx", NULL },
	{ O_XASCII, 'X', "hex-ascii", OPT_FLAG, NULL, "print each frame's bytes in hex and ASCII, as tcpdump -XX", NULL },
	{ O_HEXLAYER, 0, "hex-layer", OPT_ENUM, "LAYER", "dump only one layer: frame, options, inner or payload (implies -x)", hexlayer_choices },
	{ O_VXLANPORT, 0, "vxlan-port", OPT_STR, "LIST", "VXLAN UDP destination ports, or none (default 4789)", NULL },
	{ O_GPEPORT, 0, "gpe-port", OPT_STR, "LIST", "VXLAN-GPE UDP destination ports, or none (default 4790)", NULL },
	{ O_GUEPORT, 0, "gue-port", OPT_STR, "LIST", "GUE UDP destination ports, or none (default 6080)", NULL },
	{ O_NOGRE, 0, "no-gre", OPT_FLAG, NULL, "do not decode GRE and NVGRE (IP protocol 47)", NULL },
	{ O_OPTIONS, 0, "options", OPT_FILE, "FILE", "option layouts file (default $GENV_OPTIONS or ~/.config/genv/options.conf)", NULL },
	{ O_TLVMAP, 0, "tlv-map", OPT_STR, "MAP", "with --opt-format ovs: print the options it maps as tun_metadataN=VALUE: {class=C,type=T,len=L}->tun_metadataN[,...] (repeatable)", NULL },
	{ O_OPTFORMAT, 0, "opt-format", OPT_ENUM, "FORMAT", "print options as genv names (genv, the default) or as Open vSwitch's geneve({...}) (ovs)", optformat_choices },
	{ O_XDP, 0, "xdp", OPT_FLAG, NULL, "with -i and --stats: take every frame of IFACE through AF_XDP (a fast counting sink)", NULL },
	{ O_DURATION, 0, "duration", OPT_STR, "S", "with --xdp: stop after S seconds", NULL },
	{ O_LINKTYPE, 0, "linktype", OPT_ENUM, "TYPE", "link type of hex input: eth, raw, sll or sll2 (default eth)", linktype_choices },
	{ 0 }
};

#define EXIT_STRICT	3
#define OUT_CHUNK	(256 * 1024)
#define HEX_MAX		65535
#define SPLIT_MAX	4096		/* --split-vni files */
#define POP_WINDOW	(4u << 20)	/* bytes of a mapped capture prefaulted at once */

struct optcount {
	uint16_t cls;
	uint8_t type;
	const char *name;
	uint64_t n;
};

struct vstat {
	struct gnv_vni_entry e;	/* the VNI (table key) */
	uint64_t pkts, bytes, malformed, truncated;
	uint64_t *err;		/* GNV_E__COUNT counters, allocated on first error */
	struct optcount *opt;
	unsigned int nopt, capopt;
	uint8_t hint[64];	/* by hash of class and type: index in opt + 1 */
};

struct stats {
	struct gnv_vnicount tab;	/* struct vstat by VNI */
	struct vstat other;	/* frames that are not Geneve */
	uint64_t frames, malformed, truncated;
	bool oom;
};

/* A capture file being written (-w, --split-vni): opened at the first
 * frame, when its link type is known. */
struct wfile {
	const char *path;
	char *own;		/* path, when allocated (--split-vni) */
	uint32_t vni;
	FILE *f;
	bool ng, failed;
	int dlt[2], nif;	/* pcap: dlt[0]; pcapng: one interface per link type */
	uint64_t skipped;	/* frames of another link type than a pcap file's */
	struct sbuf buf;
};

struct dec {
	struct genv_ctx *g;
	const char *rfile, *iface;
	const char **hex;
	int nhex;
	bool use_stdin;
	uint64_t count;		/* 0: unlimited */
	bool stats, strict;
	int hexdump;		/* -x 1, -X 2 */
	bool no_csum;		/* --checksum=off */
	bool opt_ovs;		/* --opt-format ovs */
	struct gnv_tlvmap tlvmap;	/* --tlv-map */
	bool tlvmap_set;
	const char *options_file;	/* --options */
	struct gnv_optreg *optreg;	/* its layouts */
	int hex_layer;		/* enum gnv_hex_layer */
	bool stats_full;	/* --stats=full: decode every layer */
	bool inner_unchecked;	/* the fast --stats path left the inner frame alone */
	int hex_link;
	struct gnv_decode_cfg cfg;
	uint64_t ports[65536 / 64];	/* --port with more than one port */
	uint64_t vxlan_ports[65536 / 64], gpe_ports[65536 / 64];	/* --vxlan-port, --gpe-port */
	uint64_t gue_ports[65536 / 64];	/* --gue-port */
	struct gnv_filter *flt;
	char *flt_text;
	struct gnv_printer pr;
	struct sbuf out;
	struct wfile w;			/* -w: matching frames saved here */
	bool decap;			/* save the inner frames */
	bool no_promisc;
	int snaplen, bufsize_kib;	/* 0: the default */
	const char *splitdir;		/* --split-vni */
	struct wfile *split;		/* one per VNI seen */
	size_t nsplit;
	struct gnv_lang_ctx *lang;	/* -v: cached option texts, scratch space */
	struct gnv_pkt pk;
	char ifname[IF_NAMESIZE + 12];	/* of the last SLL2 frame */
	uint64_t frame, matched;
	bool any_bad;		/* a matching frame was truncated or invalid */
	bool stop;		/* count reached or output closed */
	int werr;		/* write error (not EPIPE) */
	bool live;
	pcap_t *pc;
	struct stats st;
	bool xdp;			/* --xdp: the AF_XDP sink */
	double duration;
	struct rt_xdpgen_res xres;
	bool xres_set;
};

/* --ignore CODE[,CODE...]: error codes, or a family as "udp.*", for the
 * outer and the inner frame, or with "inner." for the inner one.  what
 * names the source in messages (--ignore or GENV_DECODE_IGNORE). */
static int ignore_list(struct dec *d, const char *what, const char *arg)
{
	const char *names[GNV_E__COUNT];
	char *s = strdup(arg), *save = NULL, *w;
	int ret = 0;

	if (!s) {
		gerr(d->g, "out of memory");
		return EXIT_FAIL;
	}
	for (unsigned int c = 0; c < GNV_E__COUNT; c++)
		names[c] = gnv_err_code(c);
	for (w = strtok_r(s, ",", &save); w && !ret; w = strtok_r(NULL, ",", &save)) {
		bool inner = !strncmp(w, "inner.", 6);
		size_t n;
		bool m = false;
		int code;

		if (inner)
			w += 6;
		n = strlen(w);

		if (n > 2 && !strcmp(w + n - 2, ".*")) {
			for (unsigned int c = 0; c < GNV_E__COUNT; c++)
				if (!strncmp(names[c], w, n - 1)) {
					m = true;
					if (!inner)
						gnv_ignore_add(d->cfg.ignore, false, c);
					gnv_ignore_add(d->cfg.ignore, true, c);
				}
		} else if ((code = gnv_err_lookup(w)) >= 0) {
			m = true;
			if (!inner)
				gnv_ignore_add(d->cfg.ignore, false, (unsigned int)code);
			gnv_ignore_add(d->cfg.ignore, true, (unsigned int)code);
		}
		if (!m) {
			const char *near = gnv_closest(w, n, names, GNV_E__COUNT, 4);

			ret = gusage(d->g, "%s: '%s' is not an error code%s%s%s (see ERRORS in genv-decode(1))",
				     what, w, near ? "; did you mean '" : "", near ? near : "", near ? "'?" : "");
		}
	}
	free(s);
	return ret;
}

/* --port 6081,6082,7000-7010: one port stays in *one (the fast compare);
 * more go into the bit set.  --vxlan-port and --gpe-port also take
 * 'none'. */
static int port_set(struct dec *d, const char *opt, const char *arg, uint64_t *set,
		    uint16_t *one, const uint64_t **setp, bool none_ok)
{
	char *s, *save = NULL, *w, *dash;
	unsigned int n = 0;
	uint64_t lo, hi;
	int ret = 0;

	if (none_ok && !strcmp(arg, "none")) {
		*one = 0;
		*setp = NULL;
		return 0;
	}
	s = strdup(arg);
	if (!s) {
		gerr(d->g, "out of memory");
		return EXIT_FAIL;
	}
	memset(set, 0, 65536 / 8);
	for (w = strtok_r(s, ",", &save); w && !ret; w = strtok_r(NULL, ",", &save)) {
		dash = strchr(w, '-');
		if (dash)
			*dash = 0;
		if (opt_u64(d->g, opt, w, 1, 65535, &lo) ||
		    (dash && opt_u64(d->g, opt, dash + 1, 1, 65535, &hi))) {
			ret = EXIT_USAGE;
			break;
		}
		if (!dash)
			hi = lo;
		if (hi < lo) {
			ret = gusage(d->g, "%s: '%s-%s' is not a range (low-high)", opt, w, dash + 1);
			break;
		}
		for (uint64_t p = lo; p <= hi; p++, n++)
			set[p >> 6] |= 1ull << (p & 63);
		*one = (uint16_t)lo;
	}
	if (!ret && !n)
		ret = gusage(d->g, "%s: '%s' names no port", opt, arg);
	*setp = !ret && n > 1 ? set : NULL;
	free(s);
	return ret;
}

static int port_list(struct dec *d, const char *arg)
{
	return port_set(d, "--port", arg, d->ports, &d->cfg.port, &d->cfg.ports, false);
}

static int dec_opt(struct genv_ctx *g, void *stp, int id, const char *arg)
{
	struct dec *d = stp;
	uint64_t v;

	switch (id) {
	case O_READ:
		d->rfile = arg;
		break;
	case O_IFACE:
		d->iface = arg;
		break;
	case O_HEX: {
		const char **h = realloc(d->hex, (size_t)(d->nhex + 1) * sizeof(*h));

		if (!h) {
			gerr(g, "out of memory");
			return EXIT_FAIL;
		}
		d->hex = h;
		d->hex[d->nhex++] = arg;
		break;
	}
	case O_PORT:
		return port_list(d, arg);
	case O_VXLANPORT:
		return port_set(d, "--vxlan-port", arg, d->vxlan_ports, &d->cfg.vxlan_port,
				&d->cfg.vxlan_ports, true);
	case O_GPEPORT:
		return port_set(d, "--gpe-port", arg, d->gpe_ports, &d->cfg.gpe_port,
				&d->cfg.gpe_ports, true);
	case O_TLVMAP: {
		char err[200];

		if (gnv_tlvmap_parse(arg, &d->tlvmap, err, sizeof(err)))
			return gusage(g, "--tlv-map: %s", err);
		d->tlvmap_set = true;
		break;
	}
	case O_GUEPORT:
		return port_set(d, "--gue-port", arg, d->gue_ports, &d->cfg.gue_port,
				&d->cfg.gue_ports, true);
	case O_NOGRE:
		d->cfg.gre = false;
		break;
	case O_XDP:
		d->xdp = true;
		break;
	case O_DURATION:
		if (num_parse_double(arg, 0.001, 86400 * 365, &d->duration))
			return gusage(g, "--duration: '%s' is not a number of seconds", arg);
		break;
	case O_OPTCLASS:
		if (opt_u64(g, "--opt-class", arg, 0xff00, 0xffff, &v))
			return EXIT_USAGE;
		d->cfg.genv_class = (uint16_t)v;
		break;
	case O_COUNT:
		if (opt_u64(g, "--count", arg, 1, UINT64_MAX, &v))
			return EXIT_USAGE;
		d->count = v;
		break;
	case O_STATS:
		d->stats = true;
		d->stats_full = arg != NULL;
		break;
	case O_STRICT:
		d->strict = true;
		break;
	case O_WRITE:
		d->w.path = arg;
		break;
	case O_NOPROMISC:
		d->no_promisc = true;
		break;
	case O_SNAPLEN:
		if (opt_u64(g, "--snaplen", arg, 1, GNV_PCAP_MAX_CAPLEN, &v))
			return EXIT_USAGE;
		d->snaplen = (int)v;
		break;
	case O_BUFSIZE:
		if (opt_u64(g, "--buffer-size", arg, 1, 1u << 21, &v))
			return EXIT_USAGE;
		d->bufsize_kib = (int)v;
		break;
	case O_DECAP:
		d->decap = true;
		break;
	case O_SPLITVNI:
		d->splitdir = arg;
		break;
	case O_IGNORE:
		return ignore_list(d, "--ignore", arg);
	case O_CHECKSUM:
		d->no_csum = !strcmp(arg, "off");
		break;
	case O_XHEX:
		if (d->hexdump < 1)
			d->hexdump = 1;
		break;
	case O_XASCII:
		d->hexdump = 2;
		break;
	case O_HEXLAYER:
		for (int k = 0; hexlayer_choices[k]; k++)
			if (!strcmp(arg, hexlayer_choices[k]))
				d->hex_layer = k;	/* same order as enum gnv_hex_layer */
		if (d->hexdump < 1)
			d->hexdump = 1;
		break;
	case O_OPTIONS:
		d->options_file = arg;
		break;
	case O_OPTFORMAT:
		d->opt_ovs = !strcmp(arg, "ovs");
		break;
	case O_LINKTYPE:
		d->hex_link = !strcmp(arg, "raw") ? GNV_LINK_RAW :
			      !strcmp(arg, "sll") ? GNV_LINK_SLL :
			      !strcmp(arg, "sll2") ? GNV_LINK_SLL2 : GNV_LINK_ETH;
		break;
	}
	return 0;
}

/* ---- output ---- */

static void out_flush(struct dec *d)
{
	int ret;

	if (!d->out.len || d->werr)
		return;
	ret = out_write(d->g, d->out.buf, d->out.len);
	if (!ret)
		ret = fflush(d->g->out) ? (errno ? -errno : -EIO) : 0;
	if (ret) {
		/* `genv decode | head`: the reader left; stop quietly */
		if (ret != -EPIPE)
			d->werr = ret;
		d->stop = true;
		clearerr(d->g->out);
	}
	sbuf_reset(&d->out);
}

/* ---- stats ---- */

static void stats_init(struct stats *st)
{
	memset(st, 0, sizeof(*st));
	gnv_vnicount_init(&st->tab, sizeof(struct vstat), 1024);
}

static struct vstat *stats_slot(struct stats *st, uint32_t vni)
{
	struct vstat *v = gnv_vnicount_get(&st->tab, vni);

	if (!v)
		st->oom = true;
	return v;
}

static void stats_add(struct stats *st, const struct gnv_pkt *pk)
{
	struct vstat *v = pk->is_geneve ? stats_slot(st, pk->gnv.vni) : &st->other;

	st->frames++;
	if (!v)
		return;
	v->pkts++;
	v->bytes += pk->len;
	if (pk->status != GNV_OK) {
		v->malformed++;
		st->malformed++;
	}
	/* cut by the snap length, even where the fast path did not look */
	if (pk->status == GNV_TRUNCATED || pk->caplen < pk->len) {
		v->truncated++;
		st->truncated++;
	}
	if (pk->nerr) {
		if (!v->err && !(v->err = calloc(GNV_E__COUNT, sizeof(*v->err)))) {
			st->oom = true;
		} else {
			for (unsigned int i = 0; i < pk->nerr && i < GNV_MAX_ERRS; i++)
				if (pk->err[i].code < GNV_E__COUNT)
					v->err[pk->err[i].code]++;
		}
	}
	if (!pk->is_geneve)
		return;
	for (unsigned int i = 0; i < pk->gnv.nopt && i < GNV_MAX_OPTS; i++) {
		const struct gnv_opt *o = &pk->gnv.opt[i];
		unsigned int h = ((uint32_t)o->cls << 8 | o->type) * 0x9e3779b1u >> 26;
		unsigned int k = v->hint[h];

		if (k && v->opt[k - 1].cls == o->cls && v->opt[k - 1].type == o->type) {
			v->opt[k - 1].n++;
			continue;
		}
		for (k = 0; k < v->nopt; k++)
			if (v->opt[k].cls == o->cls && v->opt[k].type == o->type)
				break;
		if (k == v->nopt) {
			struct gnv_optinfo info;

			if (v->nopt == v->capopt) {
				unsigned int nc = v->capopt ? v->capopt * 2 : 4;
				struct optcount *no = realloc(v->opt, nc * sizeof(*no));

				if (!no) {
					st->oom = true;
					continue;
				}
				v->opt = no;
				v->capopt = nc;
			}
			v->opt[k].cls = o->cls;
			v->opt[k].type = o->type;
			v->opt[k].name = gnv_opt_info(pk, o, &info) ? info.name : NULL;
			v->opt[k].n = 0;
			v->nopt++;
		}
		if (k < 255)
			v->hint[h] = (uint8_t)(k + 1);
		v->opt[k].n++;
	}
}

static int cmp_opt(const void *a, const void *b)
{
	const struct optcount *x = a, *y = b;

	if (x->cls != y->cls)
		return x->cls < y->cls ? -1 : 1;
	return x->type < y->type ? -1 : x->type > y->type;
}

/* One VNI's counts (or the non-Geneve frames'), text and JSON. */
static void stats_block(struct dec *d, struct gnv_emit *e, const struct vstat *v)
{
	gnv_emit_u64(e, "packets", "%llu packets, ", v->pkts);
	gnv_emit_u64(e, "bytes", "%llu bytes, ", v->bytes);
	gnv_emit_u64(e, "malformed", "%llu malformed, ", v->malformed);
	gnv_emit_u64(e, "truncated", "%llu truncated\n", v->truncated);
	if (v->nopt > 1)
		qsort(v->opt, v->nopt, sizeof(*v->opt), cmp_opt);
	gnv_emit_arr_open(e, "options", NULL);
	for (unsigned int k = 0; k < v->nopt; k++) {
		const struct optcount *o = &v->opt[k];

		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_u64(e, "class", "  option 0x%04x", o->cls);
		gnv_emit_u64(e, "type", ":0x%02x", o->type);
		if (o->type & 0x80)
			gnv_emit_puts(e, "(C)");
		gnv_emit_str(e, "name", " %s", o->name);
		gnv_emit_str(e, "class_name", NULL, gnv_class_name(o->cls, d->cfg.genv_class));
		gnv_emit_text(e, " (%s)", gnv_class_short(o->cls, d->cfg.genv_class));
		gnv_emit_u64(e, "count", ": %llu\n", o->n);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	gnv_emit_obj_open(e, "errors", NULL);
	for (unsigned int c = 0; v->err && c < GNV_E__COUNT; c++) {
		if (!v->err[c])
			continue;
		gnv_emit_text(e, "  %s ", gnv_err_severity(c) == GNV_SEV_WARNING ? "warning" : "error");
		gnv_emit_u64(e, gnv_err_code(c), "%k: %llu\n", v->err[c]);
	}
	gnv_emit_obj_close(e, NULL);
}

/* --xdp: what the sink received, at what rate, in which mode. */
static void stats_xdp(struct dec *d, struct gnv_emit *e)
{
	const struct rt_xdpgen_res *r = &d->xres;
	double s = r->seconds > 0 ? r->seconds : 1;

	gnv_emit_obj_open(e, "xdp", NULL);
	gnv_emit_str(e, "interface", "AF_XDP sink on %s: ", d->iface);
	gnv_emit_str(e, "mode", "%s mode", r->mode);
	gnv_emit_str(e, "mode_reason", " (%s)\n", r->reason);
	gnv_emit_u64(e, "packets", "received %llu frames ", r->packets);
	gnv_emit_u64(e, "bytes", "(%llu bytes) ", r->bytes);
	gnv_emit_dbl(e, "seconds", "in %.3f s: ", r->seconds);
	gnv_emit_dbl(e, "pps", "%.0f pps, ", (double)r->packets / s);
	gnv_emit_dbl(e, "mbit_s", "%.1f Mbit/s, ", (double)r->bytes * 8 / s / 1e6);
	gnv_emit_u64(e, "dropped", "%llu dropped by the kernel, ", r->dropped);
	gnv_emit_u64(e, "errors", "%llu errors\n", r->errors);
	gnv_emit_obj_close(e, NULL);
}

static void stats_print(struct dec *d)
{
	struct stats *st = &d->st;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers, sizeof a pointer is meant */
	struct vstat **list = calloc(st->tab.used ? st->tab.used : 1, sizeof(*list));
	struct gnv_emit e;
	size_t n;
	uint64_t gpk = 0;

	if (!list) {
		gerr(d->g, "out of memory");
		return;
	}
	n = gnv_vnicount_sorted(&st->tab, (void **)list);
	for (size_t i = 0; i < n; i++)
		gpk += list[i]->pkts;
	gnv_emit_init(&e, &d->out, d->g->json, d->g->pretty);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, GNV_JSON_SCHEMA);
	gnv_emit_u64(&e, "frames", "%llu frames: ", st->frames);
	gnv_emit_u64(&e, "geneve", "%llu Geneve in ", gpk);
	gnv_emit_text(&e, "%zu VNIs, %llu other, ", n, (unsigned long long)st->other.pkts);
	gnv_emit_u64(&e, "malformed", "%llu malformed, ", st->malformed);
	gnv_emit_u64(&e, "truncated", "%llu truncated\n", st->truncated);
	gnv_emit_bool(&e, "inner_checked", NULL, !d->inner_unchecked, NULL, NULL);
	if (d->inner_unchecked)
		gnv_emit_text(&e, "inner headers not checked: use -v or --stats=full\n");
	gnv_emit_arr_open(&e, "vnis", NULL);
	for (size_t i = 0; i < n; i++) {
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_u64(&e, "vni", "vni %u: ", list[i]->e.vni);
		stats_block(d, &e, list[i]);
		gnv_emit_obj_close(&e, NULL);
	}
	gnv_emit_arr_close(&e, NULL);
	/* the text leaves out an empty "other" */
	if (gnv_emit_is_json(&e) || st->other.pkts) {
		gnv_emit_obj_open(&e, "other", "other: ");
		stats_block(d, &e, &st->other);
		gnv_emit_obj_close(&e, NULL);
	}
	if (d->xres_set)
		stats_xdp(d, &e);
	gnv_emit_obj_close(&e, NULL);
	if (gnv_emit_is_json(&e))
		sbuf_putc(&d->out, '\n');
	free(list);
}

static void stats_free(struct stats *st)
{
	for (uint32_t i = 0; i < st->tab.cap; i++) {
		struct vstat *v = gnv_vnicount_slot(&st->tab, i);

		if (v) {
			free(v->err);
			free(v->opt);
		}
	}
	gnv_vnicount_free(&st->tab);
	free(st->other.err);
	free(st->other.opt);
}

/* Add the counts of b into a (the second half of a capture decoded by
 * another thread); b is left as it was. */
static void vstat_merge(struct stats *a, struct vstat *v, const struct vstat *b)
{
	v->pkts += b->pkts;
	v->bytes += b->bytes;
	v->malformed += b->malformed;
	v->truncated += b->truncated;
	if (b->err) {
		if (!v->err && !(v->err = calloc(GNV_E__COUNT, sizeof(*v->err)))) {
			a->oom = true;
		} else {
			for (unsigned int c = 0; c < GNV_E__COUNT; c++)
				v->err[c] += b->err[c];
		}
	}
	for (unsigned int i = 0; i < b->nopt; i++) {
		const struct optcount *o = &b->opt[i];
		unsigned int k;

		for (k = 0; k < v->nopt; k++)
			if (v->opt[k].cls == o->cls && v->opt[k].type == o->type)
				break;
		if (k == v->nopt) {
			if (v->nopt == v->capopt) {
				unsigned int nc = v->capopt ? v->capopt * 2 : 4;
				struct optcount *no = realloc(v->opt, nc * sizeof(*no));

				if (!no) {
					a->oom = true;
					continue;
				}
				v->opt = no;
				v->capopt = nc;
			}
			v->opt[k] = *o;
			v->opt[k].n = 0;
			v->nopt++;
		}
		v->opt[k].n += o->n;
	}
}

static void stats_merge(struct stats *a, const struct stats *b)
{
	a->frames += b->frames;
	a->malformed += b->malformed;
	a->truncated += b->truncated;
	a->oom |= b->oom;
	for (uint32_t i = 0; i < b->tab.cap; i++) {
		const struct vstat *bv = gnv_vnicount_slot(&b->tab, i);
		struct vstat *v;

		if (!bv)
			continue;
		v = stats_slot(a, bv->e.vni);
		if (v)
			vstat_merge(a, v, bv);
	}
	vstat_merge(a, &a->other, &b->other);
}

/* ---- one frame ---- */


static void render(struct dec *d, const struct gnv_frame *fr)
{
	struct gnv_pkt *pk = &d->pk;

	if (d->g->json) {
		gnv_print_json(&d->pr, &d->out, pk, fr);
		return;
	}
	gnv_print_line(&d->pr, &d->out, pk, fr);
	if (d->g->verbose >= 1) {
		size_t mark = d->out.len;

		sbuf_add(&d->out, "    ", 4);
		if (!d->lang && (d->lang = gnv_lang_ctx_new()) != NULL) {
			gnv_lang_ctx_opt_ovs(d->lang, d->opt_ovs);
			gnv_lang_ctx_tlvmap(d->lang, d->tlvmap_set ? &d->tlvmap : NULL);
		}
		if (gnv_lang_format_ctx(d->lang, pk, &d->out) == 0) {
			sbuf_putc(&d->out, '\n');
		} else {
			d->out.len = mark;
			sbuf_add(&d->out, "    (frame too large for the packet language)\n", 46);
		}
	}
	if (d->g->verbose >= 2)
		gnv_print_fields(&d->pr, &d->out, pk);
	if (d->hexdump) {
		uint32_t off = 0, n = pk->caplen;

		if (d->hex_layer == GNV_HEX_FRAME || gnv_hex_layer(pk, d->hex_layer, &off, &n))
			gnv_print_hex(&d->out, pk->data + off, n, d->hexdump > 1);
	}
}

static int dlt_of_link(int link);

#define WBUF_CHUNK	(64 * 1024)

static bool wf_flush(struct dec *d, struct wfile *w)
{
	if (w->f && w->buf.len && fwrite(w->buf.buf, 1, w->buf.len, w->f) != w->buf.len) {
		gerr(d->g, "cannot write '%s': %s", w->path, strerror(errno));
		w->failed = true;
	}
	sbuf_reset(&w->buf);
	return !w->failed;
}

static int wf_open(struct dec *d, struct wfile *w, int dlt)
{
	size_t n = strlen(w->path);

	w->ng = n > 7 && !strcmp(w->path + n - 7, ".pcapng");
	w->f = !strcmp(w->path, "-") ? stdout : fopen(w->path, "wb");	/* -w - with -q: a pipe */
	if (!w->f) {
		gerr(d->g, "cannot write '%s': %s", w->path, strerror(errno));
		w->failed = true;
		return -1;
	}
	if (w->ng) {
		gnv_pcapng_put_section(&w->buf);
	} else {
		gnv_pcap_put_header(&w->buf, (uint32_t)dlt, GNV_PCAP_MAX_CAPLEN);
		w->dlt[w->nif++] = dlt;
	}
	return 0;
}

static void wf_frame(struct dec *d, struct wfile *w, int dlt, const struct pcap_pkthdr *h,
		     const uint8_t *data, uint32_t caplen, uint32_t len)
{
	int i;

	if (w->failed || (!w->f && wf_open(d, w, dlt))) {
		d->stop = true;
		return;
	}
	for (i = 0; i < w->nif && w->dlt[i] != dlt; i++)
		;
	if (i == w->nif) {
		if (!w->ng || w->nif == 2) {
			w->skipped++;
			return;
		}
		gnv_pcapng_put_interface(&w->buf, (uint32_t)dlt, GNV_PCAP_MAX_CAPLEN);
		w->dlt[w->nif++] = dlt;
	}
	if (w->ng)
		gnv_pcapng_put_packet(&w->buf, (uint32_t)i, (uint64_t)h->ts.tv_sec,
				      (uint32_t)h->ts.tv_usec, data, caplen, len);
	else
		gnv_pcap_put_record(&w->buf, (uint32_t)h->ts.tv_sec, (uint32_t)h->ts.tv_usec,
				    data, caplen, len);
	if (w->buf.len >= WBUF_CHUNK && !wf_flush(d, w))
		d->stop = true;
}

static int wf_close(struct dec *d, struct wfile *w, int dlt)
{
	int ret = 0;

	if (w->path && !w->f && !w->failed && !wf_open(d, w, dlt) && w->ng)
		gnv_pcapng_put_interface(&w->buf, (uint32_t)dlt, GNV_PCAP_MAX_CAPLEN);
	if (w->f) {
		if (!wf_flush(d, w))
			ret = -1;
		if ((w->f == stdout ? fflush(w->f) : fclose(w->f)) && !w->failed) {
			gerr(d->g, "cannot write '%s': %s", w->path, strerror(errno));
			ret = -1;
		}
		if (w->skipped)
			gwarn(d->g, "'%s': %llu frames of another link type left out (a .pcapng file takes both)",
			      w->path, (unsigned long long)w->skipped);
	}
	if (w->failed)
		ret = -1;
	sbuf_free(&w->buf);
	free(w->own);
	return ret;
}

/* --split-vni: the file of a VNI, opened on its first frame */
static struct wfile *split_file(struct dec *d, uint32_t vni)
{
	struct wfile *w;

	for (size_t i = 0; i < d->nsplit; i++)
		if (d->split[i].vni == vni)
			return &d->split[i];
	if (d->nsplit == SPLIT_MAX) {
		gerr(d->g, "--split-vni: more than %d VNIs", SPLIT_MAX);
		return NULL;
	}
	w = realloc(d->split, (d->nsplit + 1) * sizeof(*w));
	if (!w) {
		gerr(d->g, "out of memory");
		return NULL;
	}
	d->split = w;
	w = &d->split[d->nsplit];
	memset(w, 0, sizeof(*w));
	w->vni = vni;
	if (asprintf(&w->own, "%s/vni-%u.pcap", d->splitdir, vni) < 0) {
		gerr(d->g, "out of memory");
		return NULL;
	}
	w->path = w->own;
	d->nsplit++;
	return w;
}

/* -w and --split-vni: the frame, or with --decap the frame inside */
static void save_frame(struct dec *d, const struct pcap_pkthdr *h, const uint8_t *data)
{
	const struct gnv_pkt *pk = &d->pk;
	uint32_t off = 0, caplen = h->caplen, len = h->len;
	int dlt = dlt_of_link(d->cfg.linktype);
	struct wfile *w;

	if (d->decap) {
		off = pk->gnv.inner_off;
		if (!pk->is_geneve || off >= caplen)
			return;
		if (pk->gnv.proto == 0x6558)
			dlt = DLT_EN10MB;
		else if (pk->gnv.proto == 0x0800 || pk->gnv.proto == 0x86dd)
			dlt = DLT_RAW;
		else
			return;
		caplen -= off;
		len = len > off ? len - off : caplen;
	}
	if (d->w.path)
		wf_frame(d, &d->w, dlt, h, data + off, caplen, len);
	if (d->splitdir && pk->is_geneve) {
		w = split_file(d, pk->gnv.vni);
		if (w)
			wf_frame(d, w, dlt, h, data + off, caplen, len);
		else
			d->stop = true;
	}
}

static int save_close(struct dec *d)
{
	int dlt = d->decap ? DLT_EN10MB : dlt_of_link(d->cfg.linktype), ret = 0;

	if (wf_close(d, &d->w, dlt))
		ret = -1;
	for (size_t i = 0; i < d->nsplit; i++)
		if (wf_close(d, &d->split[i], dlt))
			ret = -1;
	free(d->split);
	return ret;
}

/* -i any: the interface and direction in the SLL2 header, as tcpdump shows them */
static void sll2_where(const uint8_t *p, uint32_t caplen, struct gnv_frame *fr, char *name)
{
	static const char *const dirs[] = { "In", "B", "M", "P", "Out" };
	uint32_t ifindex;

	if (caplen < 20)
		return;
	ifindex = (uint32_t)p[4] << 24 | (uint32_t)p[5] << 16 | (uint32_t)p[6] << 8 | p[7];
	if (!if_indextoname(ifindex, name))
		snprintf(name, IF_NAMESIZE + 12, "if%u", ifindex);
	fr->ifname = name;
	fr->dir = p[10] < 5 ? dirs[p[10]] : "?";
}

static void frame_in(struct dec *d, const struct pcap_pkthdr *h, const uint8_t *data,
		     bool has_ts)
{
	struct gnv_frame fr;

	d->frame++;
	gnv_decode(&d->pk, data, h->caplen, h->len, &d->cfg);
	if (d->flt && !gnv_filter_match(d->flt, &d->pk, h, data))
		return;
	d->matched++;
	if (d->w.path || d->splitdir)
		save_frame(d, h, data);
	if (d->pk.status != GNV_OK)
		d->any_bad = true;
	if (d->stats) {
		stats_add(&d->st, &d->pk);
	} else if (!d->g->quiet) {
		fr.num = d->frame;
		fr.has_ts = has_ts;
		fr.sec = h->ts.tv_sec;
		fr.frac = (uint32_t)h->ts.tv_usec;
		fr.frac_digits = 6;
		fr.ifname = fr.dir = NULL;
		if (d->cfg.linktype == GNV_LINK_SLL2)
			sll2_where(data, h->caplen, &fr, d->ifname);
		render(d, &fr);
		if (d->out.len >= OUT_CHUNK)
			out_flush(d);
	}
	if ((d->count && d->matched >= d->count) ||
	    (d->g->interrupted && *d->g->interrupted))
		d->stop = true;
}

static void pcap_cb(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
	struct dec *d = (struct dec *)user;

	frame_in(d, h, data, true);
	if (d->stop)
		pcap_breakloop(d->pc);
}

/* ---- inputs ---- */

static int link_of_dlt(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: return GNV_LINK_ETH;
	case DLT_RAW:
#ifdef DLT_IPV4
	case DLT_IPV4:
	case DLT_IPV6:
#endif
		return GNV_LINK_RAW;
	case DLT_LINUX_SLL: return GNV_LINK_SLL;
#ifdef DLT_LINUX_SLL2
	case DLT_LINUX_SLL2: return GNV_LINK_SLL2;
#endif
	}
	return -1;
}

static int dlt_of_link(int link)
{
	switch (link) {
	case GNV_LINK_RAW: return DLT_RAW;
	case GNV_LINK_SLL: return DLT_LINUX_SLL;
#ifdef DLT_LINUX_SLL2
	case GNV_LINK_SLL2: return DLT_LINUX_SLL2;
#endif
	}
	return DLT_EN10MB;
}

static int setup_filter(struct dec *d, int dlt, const char *what)
{
	char err[PCAP_ERRBUF_SIZE + 256];

	if (!d->flt)
		return 0;
	if (gnv_filter_compile(d->flt, dlt, 262144, err, sizeof(err))) {
		gerr(d->g, "%s: bad filter: %s", what, err);
		return EXIT_USAGE;
	}
	return 0;
}

static int run_pcap(struct dec *d, pcap_t *pc, const char *what)
{
	int dlt = pcap_datalink(pc), link = link_of_dlt(dlt), ret;

	if (link < 0) {
		const char *name = pcap_datalink_val_to_name(dlt);

		gerr(d->g, "'%s': link type %s (%d) is not supported (Ethernet, raw IP and Linux SLL are)",
		     what, name ? name : "unknown", dlt);
		return EXIT_FAIL;
	}
	d->cfg.linktype = link;
	ret = setup_filter(d, dlt, what);
	if (ret)
		return ret;
	d->pc = pc;
	while (!d->stop) {
		ret = pcap_dispatch(pc, d->live ? -1 : 4096, pcap_cb, (u_char *)d);
		if (ret == PCAP_ERROR_BREAK)
			break;
		if (ret == PCAP_ERROR) {
			out_flush(d);
			gerr(d->g, "'%s': %s", what, pcap_geterr(pc));
			d->pc = NULL;
			return EXIT_FAIL;
		}
		if (ret == 0 && !d->live)
			break;
		if (d->live) {
			out_flush(d);
			if (d->g->interrupted && *d->g->interrupted)
				break;
		}
	}
	d->pc = NULL;
	return 0;
}

/*
 * --stats over a mapped capture: the counts do not depend on the order of
 * the frames, so a second thread decodes the second half of the records
 * into its own table, merged at the end.  Where the second half starts is
 * found by looking for a run of well-formed record headers after the
 * middle byte; it is used only if this thread's walk through the first
 * half arrives exactly there, and the other thread's walk ends exactly at
 * the end of the file.  Otherwise its counts are dropped and this thread
 * goes on through the rest (the serial path reports damaged files).
 * Only when nothing else needs the frames in order: no filter, no -w, no
 * --count.
 */
#define PAR_MIN_BYTES	(8u << 20)
#define PAR_SCAN	(1u << 20)	/* bytes searched for a record start */
#define PAR_CHAIN	16		/* well-formed headers in a row */

struct half {
	const struct dec *d;
	struct gnv_pcap rd;	/* from the middle record to the end */
	bool ok;		/* walked exactly to end */
	struct gnv_pkt pk;
	struct stats st;
	uint64_t frames;
	bool any_bad;
};

static void *half_run(void *arg)
{
	struct half *h = arg;
	struct gnv_pcap_rec r;
	int ret;

	while ((ret = gnv_pcap_next(&h->rd, &r)) > 0) {
		if ((h->frames & 0xffff) == 0xffff && h->d->g->interrupted && *h->d->g->interrupted)
			return NULL;
		gnv_decode(&h->pk, r.data, r.caplen, r.len, &h->d->cfg);
		h->frames++;
		if (h->pk.status != GNV_OK)
			h->any_bad = true;
		stats_add(&h->st, &h->pk);
	}
	h->ok = !ret;
	return NULL;
}

static void frame_rec(struct dec *d, const struct gnv_pcap_rec *r)
{
	struct pcap_pkthdr ph;

	ph.ts.tv_sec = r->sec;
	ph.ts.tv_usec = r->usec;
	ph.caplen = r->caplen;
	ph.len = r->len;
	frame_in(d, &ph, r->data, true);
}

/* Moves rd to where this thread stopped: the end when everything was
 * counted, else the record the serial loop goes on from. */
static void stats_parallel(struct dec *d, struct gnv_pcap *rd)
{
	struct gnv_pcap_rec r;
	struct half *h;
	pthread_t th;
	size_t mid;

	if (!d->stats || d->flt || d->w.path || d->splitdir || d->count || rd->size - rd->off < PAR_MIN_BYTES)
		return;
	mid = gnv_pcap_find_record(rd, rd->off + (rd->size - rd->off) / 2, PAR_SCAN, PAR_CHAIN);
	if (mid == SIZE_MAX)
		return;
	h = calloc(1, sizeof(*h));
	if (!h)
		return;
	h->d = d;
	stats_init(&h->st);
	h->rd = *rd;
	h->rd.off = mid;
	if (pthread_create(&th, NULL, half_run, h)) {
		free(h);
		return;
	}
	/* the first half here, through the usual path; a damaged record
	 * stops it (the serial loop reports it) */
	while (!d->stop && rd->off < mid && gnv_pcap_next(rd, &r) > 0)
		frame_rec(d, &r);
	pthread_join(th, NULL);
	if (rd->off == mid && h->ok) {
		stats_merge(&d->st, &h->st);
		d->frame += h->frames;
		d->matched += h->frames;
		d->any_bad |= h->any_bad;
		rd->off = rd->size;
	}
	stats_free(&h->st);
	free(h);
}

/* A damaged record: the message, once the frames before it are out. */
static int rec_error(struct dec *d, const char *path, const struct gnv_pcap *rd)
{
	size_t left = rd->size - rd->err_off - GNV_PCAP_REC_HDR;

	out_flush(d);
	if (rd->err == GNV_PCAP_E_REC_HEADER)
		gerr(d->g, "'%s': truncated dump file; record header cut short", path);
	else if (rd->err == GNV_PCAP_E_REC_TRUNC)
		gerr(d->g, "'%s': truncated dump file; frame %llu needs %u bytes, %zu left", path,
		     (unsigned long long)d->frame + 1, rd->err_caplen, left);
	else
		gerr(d->g, "'%s': frame %llu at offset %zu: %s", path,
		     (unsigned long long)d->frame + 1, rd->err_off, gnv_pcap_err_msg(rd->err));
	return EXIT_FAIL;
}

/*
 * Classic pcap files are mapped and walked directly (libcore/pcap_file.h):
 * no copy per frame and no stdio, which is most of the cost of --stats.
 * Returns -ENOTSUP for anything else (pcapng, stdin, a header libcore does
 * not take) so libpcap reads it instead, or gives its message.
 */
static int read_file_mmap(struct dec *d, const char *path)
{
	struct gnv_pcap rd;
	struct gnv_pcap_rec r;
	const uint8_t *m;
	struct stat sb;
	size_t pop = 0;
	int fd, dlt, got, ret = 0;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &sb) || !S_ISREG(sb.st_mode) || sb.st_size < GNV_PCAP_FILE_HDR) {
		close(fd);
		return -ENOTSUP;
	}
	m = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m == MAP_FAILED)
		return -ENOTSUP;
	if (gnv_pcap_open(&rd, m, (size_t)sb.st_size)) {
		munmap((void *)m, (size_t)sb.st_size);
		return -ENOTSUP;
	}
	d->cfg.linktype = rd.link;
	dlt = dlt_of_link(rd.link);
	ret = setup_filter(d, dlt, path);
	if (ret) {
		munmap((void *)m, (size_t)sb.st_size);
		return ret;
	}
	madvise((void *)m, (size_t)sb.st_size, MADV_SEQUENTIAL);
	stats_parallel(d, &rd);
	while (!d->stop) {
#ifdef MADV_POPULATE_READ
		/* map the pages a window ahead in one call instead of taking a
		 * fault every few pages (about a tenth of --stats); a window,
		 * not the whole file, so -c 1 on a huge file stays quick */
		if (rd.off + 16 + 65536 > pop && pop < rd.size) {
			size_t w = rd.size - pop < POP_WINDOW ? rd.size - pop : POP_WINDOW;

			if (madvise((void *)(m + pop), w, MADV_POPULATE_READ))
				pop = rd.size;	/* older kernel: faults as before */
			else
				pop += w;
		}
#endif
		got = gnv_pcap_next(&rd, &r);
		if (got < 0)
			ret = rec_error(d, path, &rd);
		if (got <= 0)
			break;
		frame_rec(d, &r);
	}
	munmap((void *)m, (size_t)sb.st_size);
	return ret;
}

static int read_file(struct dec *d, const char *path, FILE *f)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *pc;
	int ret;

	errbuf[0] = 0;
	if (!f) {
		ret = read_file_mmap(d, path);
		if (ret >= 0)
			return ret;
	}
	if (f)
		pc = pcap_fopen_offline_with_tstamp_precision(f, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	else
		pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, errbuf);
	if (!pc) {
		/* errno after libpcap is not reliable (it may be left over from a
		 * lookup inside it): ask the file system */
		if (!f && access(path, F_OK) != 0 && errno == ENOENT)
			gerr(d->g, "cannot open '%s': %s", path, strerror(ENOENT));
		else
			gerr(d->g, "cannot read '%s': %s", path, errbuf);
		if (f)
			fclose(f);
		return EXIT_FAIL;
	}
	ret = run_pcap(d, pc, path);
	pcap_close(pc);	/* closes f too */
	return ret;
}

static pcap_t *live_pc;
static volatile int *live_intr;	/* the REPL's flag: it learns the command was interrupted */

static void on_sigint(int sig)
{
	(void)sig;
	if (live_intr)
		*live_intr = 1;
	if (live_pc)
		pcap_breakloop(live_pc);
}

/* At the end of a live capture, what tcpdump says (on stderr). */
static void live_stats(struct dec *d, pcap_t *pc)
{
	struct pcap_stat ps;

	out_flush(d);
	if (pcap_stats(pc, &ps))
		return;
	fprintf(stderr, "%llu packets captured\n%u packets received by filter\n%u packets dropped by kernel\n",
		(unsigned long long)d->frame, ps.ps_recv, ps.ps_drop);
	if (ps.ps_ifdrop)
		fprintf(stderr, "%u packets dropped by interface\n", ps.ps_ifdrop);
}

/* --xdp: the AF_XDP sink (router/xdpgen.c) feeds frame_in. */
static volatile sig_atomic_t xdp_stop;

static void on_xdp_signal(int sig)
{
	(void)sig;
	xdp_stop = 1;
	if (live_intr)
		*live_intr = 1;
}

static bool xdp_frame(void *arg, const uint8_t *frame, uint32_t size)
{
	struct dec *d = arg;
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = size;
	frame_in(d, &h, frame, false);
	return d->stop;
}

static int read_xdp(struct dec *d)
{
	struct rt_xdpgen_opts o = {
		.ifname = d->iface, .prog = "genv decode", .err = d->g->err,
		.duration = d->duration, .stop = &xdp_stop, .fn = xdp_frame, .arg = d,
		.live = !d->g->quiet && (d->g->verbose || isatty(fileno(d->g->err))),
		.live_cr = isatty(fileno(d->g->err)),
	};
	struct sigaction sa, old_int, old_term;
	char err[256];
	int ret;

	ret = setup_filter(d, DLT_EN10MB, d->iface);
	if (ret)
		return ret;
	d->cfg.linktype = GNV_LINK_ETH;
	d->live = true;
	xdp_stop = 0;
	live_intr = d->g->interrupted;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_xdp_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = rt_xdpgen_sink(&o, &d->xres, err, sizeof(err));
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	live_intr = NULL;
	if (ret) {
		gerr(d->g, "%s", err);
		return EXIT_FAIL;
	}
	d->xres_set = true;
	return d->xres.errors ? EXIT_FAIL : EXIT_OK;
}

static int read_live(struct dec *d)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	struct sigaction sa, old_int, old_term;
	const char *capf;
	pcap_t *pc;
	int ret;

	pc = pcap_create(d->iface, errbuf);
	if (!pc) {
		gerr(d->g, "cannot capture on '%s': %s", d->iface, errbuf);
		return EXIT_FAIL;
	}
	pcap_set_snaplen(pc, d->snaplen ? d->snaplen : (int)GNV_PCAP_MAX_CAPLEN);
	pcap_set_promisc(pc, !d->no_promisc);
	if (d->bufsize_kib)
		pcap_set_buffer_size(pc, d->bufsize_kib * 1024);
	pcap_set_timeout(pc, 100);
	pcap_set_immediate_mode(pc, 1);
	ret = pcap_activate(pc);
	if (ret < 0) {
		gerr(d->g, "cannot capture on '%s': %s", d->iface,
		     ret == PCAP_ERROR ? pcap_geterr(pc) : pcap_statustostr(ret));
		pcap_close(pc);
		return EXIT_FAIL;
	}
	if (ret > 0)
		gwarn(d->g, "'%s': %s", d->iface, pcap_statustostr(ret));
#ifdef DLT_LINUX_SLL2
	/* -i any: as tcpdump, the header that keeps the interface and direction */
	if (pcap_datalink(pc) == DLT_LINUX_SLL)
		pcap_set_datalink(pc, DLT_LINUX_SLL2);
#endif
	capf = gnv_filter_capture(d->flt);
	if (capf) {
		struct bpf_program prog;

		if (pcap_compile(pc, &prog, capf, 1, PCAP_NETMASK_UNKNOWN) < 0 ||
		    pcap_setfilter(pc, &prog) < 0) {
			gerr(d->g, "bad filter '%s': %s", capf, pcap_geterr(pc));
			pcap_close(pc);
			return EXIT_USAGE;
		}
		pcap_freecode(&prog);
	}
	d->live = true;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint;
	sigemptyset(&sa.sa_mask);
	live_pc = pc;
	live_intr = d->g->interrupted;
	sigaction(SIGINT, &sa, &old_int);
	sigaction(SIGTERM, &sa, &old_term);
	ret = run_pcap(d, pc, d->iface);
	live_stats(d, pc);
	sigaction(SIGINT, &old_int, NULL);
	sigaction(SIGTERM, &old_term, NULL);
	live_pc = NULL;
	live_intr = NULL;
	pcap_close(pc);
	return ret;
}

/*
 * Hex text of one frame, edited in place: separators ' ' ':' '.' and tabs;
 * '#' starts a comment.  *n is 0 for a blank line.
 */
static int hex_frame(char *t, uint8_t *buf, size_t *n)
{
	char *p, *e;

	if ((p = strchr(t, '#')))
		*p = 0;
	for (p = t; *p; p++)
		if (*p == '\t' || *p == '\r' || *p == '\n')
			*p = ' ';
	for (p = t; *p == ' '; p++)
		;
	e = p + strlen(p);
	while (e > p && e[-1] == ' ')
		*--e = 0;
	*n = 0;
	return *p ? parse_hex(p, buf, HEX_MAX, n) : 0;
}

static void hex_in(struct dec *d, const uint8_t *buf, size_t n)
{
	struct pcap_pkthdr h;

	memset(&h, 0, sizeof(h));
	h.caplen = h.len = (bpf_u_int32)n;
	frame_in(d, &h, buf, false);
}

static int read_hex_args(struct dec *d)
{
	uint8_t *buf = malloc(HEX_MAX);
	int ret = 0;

	if (!buf) {
		gerr(d->g, "out of memory");
		return EXIT_FAIL;
	}
	d->cfg.linktype = d->hex_link;
	ret = setup_filter(d, dlt_of_link(d->hex_link), "--hex");
	for (int i = 0; !ret && i < d->nhex && !d->stop; i++) {
		char *t = strdup(d->hex[i]);
		size_t n;

		if (!t) {
			gerr(d->g, "out of memory");
			ret = EXIT_FAIL;
		} else if (hex_frame(t, buf, &n) || !n) {
			ret = gusage(d->g, "--hex: '%s' is not a frame in hex", d->hex[i]);
		} else {
			hex_in(d, buf, n);
		}
		free(t);
	}
	free(buf);
	return ret;
}

/* stdin: a FILE that first replays the bytes already read to sniff the format. */
struct replay {
	uint8_t head[4];
	size_t nhead, pos;
	FILE *src;
};

static ssize_t replay_read(void *c, char *buf, size_t size)
{
	struct replay *r = c;
	size_t n = 0;

	while (n < size && r->pos < r->nhead)
		buf[n++] = (char)r->head[r->pos++];
	if (n < size)
		n += fread(buf + n, 1, size - n, r->src);
	return (ssize_t)n;
}

static int replay_close(void *c)
{
	free(c);
	return 0;
}

static bool pcap_magic(const uint8_t *m)
{
	static const uint8_t magics[][4] = {
		{ 0xd4, 0xc3, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0xc3, 0xd4 },
		{ 0x4d, 0x3c, 0xb2, 0xa1 }, { 0xa1, 0xb2, 0x3c, 0x4d },
		{ 0x0a, 0x0d, 0x0d, 0x0a },
	};

	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (!memcmp(m, magics[i], 4))
			return true;
	return false;
}

static int read_stdin(struct dec *d)
{
	cookie_io_functions_t io = { .read = replay_read, .close = replay_close };
	struct replay *r = calloc(1, sizeof(*r));
	char *line = NULL;
	size_t cap = 0;
	uint8_t *buf;
	uint64_t lineno = 0;
	FILE *f;
	int ret = 0;

	if (!r) {
		gerr(d->g, "out of memory");
		return EXIT_FAIL;
	}
	r->src = stdin;
	r->nhead = fread(r->head, 1, 4, stdin);
	f = fopencookie(r, "r", io);
	if (!f) {
		free(r);
		gerr(d->g, "cannot read stdin: %s", strerror(errno));
		return EXIT_FAIL;
	}
	if (r->nhead == 4 && pcap_magic(r->head))
		return read_file(d, "-", f);
	buf = malloc(HEX_MAX);
	if (!buf) {
		fclose(f);
		gerr(d->g, "out of memory");
		return EXIT_FAIL;
	}
	d->cfg.linktype = d->hex_link;
	ret = setup_filter(d, dlt_of_link(d->hex_link), "stdin");
	while (!ret && !d->stop && getline(&line, &cap, f) >= 0) {
		size_t n;

		lineno++;
		if (hex_frame(line, buf, &n)) {
			out_flush(d);
			gerr(d->g, "stdin line %llu: not a frame in hex", (unsigned long long)lineno);
			ret = EXIT_FAIL;
			break;
		}
		if (n)
			hex_in(d, buf, n);
	}
	free(line);
	free(buf);
	fclose(f);
	return ret;
}

/* ---- the command ---- */

static char *join_args(int n, char **argv)
{
	struct sbuf sb = SBUF_INIT;
	char *s;

	for (int i = 0; i < n; i++) {
		if (i)
			sbuf_putc(&sb, ' ');
		sbuf_puts(&sb, argv[i]);
	}
	s = strdup(sbuf_str(&sb));
	sbuf_free(&sb);
	return s;
}

int cmd_decode(struct genv_ctx *g, int argc, char **argv)
{
	const struct cmd *self = cmd_find("decode");
	struct dec d;
	const char *env;
	int np, ret, nin, first = 1;
	char err[256];

	memset(&d, 0, sizeof(d));
	stats_init(&d.st);
	d.g = g;
	d.hex_link = GNV_LINK_ETH;
	gnv_decode_cfg_default(&d.cfg);
	gnv_decode_cfg_tunnels(&d.cfg);
	env = getenv("GENV_OPT_CLASS");
	if (env && *env) {
		uint64_t v;

		if (num_parse_u64(env, 0xff00, 0xffff, &v)) {
			ret = gusage(g, "GENV_OPT_CLASS: '%s' is not a class in 0xff00-0xffff", env);
			goto out;
		}
		d.cfg.genv_class = (uint16_t)v;
	}
	env = getenv("GENV_DECODE_IGNORE");
	if (env && *env && (ret = ignore_list(&d, "GENV_DECODE_IGNORE", env)))
		goto out;
	ret = opt_parse(g, self, argc, argv, dec_opt, &d, &np);
	if (ret) {
		ret = ret < 0 ? EXIT_OK : ret;
		goto out;
	}
	ret = genv_options_load(g, d.options_file, &d.optreg);
	if (ret)
		goto out;
	d.cfg.optreg = d.optreg;
	if (d.optreg && d.optreg->tlvmap.set) {
		gnv_tlvmap_fill(&d.tlvmap, &d.optreg->tlvmap);
		d.tlvmap_set = true;
	}
	if (np >= 1 && !strcmp(argv[1], "-")) {
		d.use_stdin = true;
		first = 2;
	}
	if (d.rfile && !strcmp(d.rfile, "-")) {
		d.rfile = NULL;
		d.use_stdin = true;
	}
	nin = !!d.rfile + !!d.iface + (d.nhex > 0) + d.use_stdin;
	if (nin > 1) {
		ret = gusage(g, "give one input: -r FILE, -i IFACE, --hex HEX or -");
		goto out;
	}
	if (!nin) {
		ret = gusage(g, "no input: give -r FILE, -i IFACE, --hex HEX or -");
		goto out;
	}
	if (d.xdp && !d.iface) {
		ret = gusage(g, "--xdp needs -i IFACE");
		goto out;
	}
	if (d.xdp && !d.stats) {
		ret = gusage(g, "--xdp counts frames: give --stats");
		goto out;
	}
	if (d.xdp && (d.w.path || d.splitdir)) {
		ret = gusage(g, "--xdp counts frames; it does not save them (-w, --split-vni)");
		goto out;
	}
	if (d.duration > 0 && !d.xdp) {
		ret = gusage(g, "--duration applies to --xdp");
		goto out;
	}
	if (np + 1 > first) {
		d.flt_text = join_args(np + 1 - first, argv + first);
		size_t epos;

		if (!d.flt_text || gnv_filter_parse_reg(d.flt_text, d.optreg, &d.flt, err, sizeof(err), &epos)) {
			ret = gusage(g, "bad filter: %s", d.flt_text ? err : "out of memory");
			if (d.flt_text && !g->json) {
				char caret[600];

				gnv_filter_caret(d.flt_text, epos, caret, sizeof(caret));
				fprintf(stderr, "%s\n", caret);
			}
			goto out;
		}
	}
	/* NOLINTNEXTLINE(clang-analyzer-unix.Malloc): freed at out; passing &d.flt hid d.flt_text from it */
	if (d.hexdump && (g->json || d.stats)) {
		ret = gusage(g, "-x, -X and --hex-layer print text frames: not with %s",
			     g->json ? "--json" : "--stats");
		goto out;
	}
	gnv_printer_init(&d.pr, g->color && !g->json, g->pretty);
	d.pr.opt_ovs = d.opt_ovs;
	d.pr.tlvmap = d.tlvmap_set ? &d.tlvmap : NULL;
	/*
	 * --stats counts what the outer headers and Geneve say (VNI, bytes,
	 * options, structural errors) at full speed: no checksums, no inner
	 * frame.  -v, or a genv filter term, asks for the full decode.
	 */
	if (d.decap && !d.w.path && !d.splitdir) {
		ret = gusage(g, "--decap: give -w FILE or --split-vni DIR to save the inner frames to");
		goto out;
	}
	if (d.splitdir && mkdir(d.splitdir, 0777) && errno != EEXIST) {
		gerr(g, "--split-vni: cannot create '%s': %s", d.splitdir, strerror(errno));
		ret = EXIT_FAIL;
		goto out;
	}
	d.cfg.no_csum |= d.no_csum;
	if (d.stats && !d.stats_full && !g->verbose && !gnv_filter_has_genv(d.flt)) {
		d.cfg.no_csum = true;
		d.cfg.outer_only = true;
		d.inner_unchecked = true;
	}
	if (d.rfile)
		ret = read_file(&d, d.rfile, NULL);
	else if (d.iface && d.xdp)
		ret = read_xdp(&d);
	else if (d.iface)
		ret = read_live(&d);
	else if (d.nhex)
		ret = read_hex_args(&d);
	else
		ret = read_stdin(&d);
	if (d.stats && !g->quiet && !d.werr && (!ret || d.frame))
		stats_print(&d);
	out_flush(&d);
	if (d.werr) {
		gerr(g, "write error: %s", strerror(-d.werr));
		ret = EXIT_FAIL;
	} else if (d.st.oom) {
		gerr(g, "out of memory: statistics incomplete");
		ret = EXIT_FAIL;
	}
	if (save_close(&d) && !ret)
		ret = EXIT_FAIL;
	if (!ret && d.strict && d.any_bad)
		ret = EXIT_STRICT;
out:
	stats_free(&d.st);
	gnv_filter_free(d.flt);
	free(d.flt_text);
	free(d.hex);
	sbuf_free(&d.out);
	gnv_lang_ctx_free(d.lang);
	gnv_optreg_free(d.optreg);
	return ret;
}
