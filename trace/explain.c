/* SPDX-License-Identifier: MIT */
/*
 * genv trace packet (see explain.h): the request, the dry run and the
 * rendering.  Text and JSON are rendered from the same values: the
 * decoded input, the pipeline's trace entries and struct rt_out.
 * Layer: trace; calls libcore/csum, libcore/cursor, libcore/json,
 * libcore/lang, libcore/num, libcore/print, libcore/tso, router/pipeline
 * and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include "../libcore/csum.h"
#include "../libcore/cursor.h"
#include "../libcore/json.h"
#include "../libcore/lang.h"
#include "../libcore/num.h"
#include "../libcore/print.h"
#include "../libcore/tso.h"
#include "../router/config.h"
#include "../router/pipeline.h"
#include "explain.h"


static int rerr(char *err, size_t errsz, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int rerr(char *err, size_t errsz, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errsz, fmt, ap);
	va_end(ap);
	return ret;
}

/* ---- the request as router words ---- */

int trace_req_parse(struct trace_req *r, int n, char *const *w, uint8_t *buf,
		    size_t bufsize, char *err, size_t errsz)
{
	bool have_in = false;
	uint32_t v;
	int fam;

	memset(r, 0, sizeof(*r));
	for (int i = 0; i < n; i++) {
		const char *k = w[i];
		bool has_val = i + 1 < n;

		if (!strcmp(k, "raw")) {
			r->raw = true;
			continue;
		}
		if (!strcmp(k, "verbose")) {
			r->verbose++;
			continue;
		}
		if (!strcmp(k, "underlay")) {
			if (have_in)
				return rerr(err, errsz, -EINVAL, "'%s': ingress given twice", k);
			have_in = r->underlay = true;
			continue;
		}
		if (strcmp(k, "port") && strcmp(k, "from") && strcmp(k, "ttl") && strcmp(k, "tos") &&
		    strcmp(k, "gso") && strcmp(k, "hex"))
			return rerr(err, errsz, -EINVAL,
				    "'%.32s': unknown keyword (expected port, underlay, from, ttl, tos, gso, raw, verbose or hex)",
				    k);
		if (!has_val)
			return rerr(err, errsz, -EINVAL, "'%s': missing value", k);
		const char *val = w[++i];

		if (!strcmp(k, "port")) {
			if (have_in)
				return rerr(err, errsz, -EINVAL, "'%s': ingress given twice", k);
			if (strlen(val) >= sizeof(r->port))
				return rerr(err, errsz, -EINVAL, "port '%.32s': name too long", val);
			snprintf(r->port, sizeof(r->port), "%s", val);
			have_in = true;
		} else if (!strcmp(k, "from")) {
			if (parse_ip(val, &fam, r->from.a))
				return rerr(err, errsz, -EINVAL, "from '%.64s': invalid address", val);
			r->from.family = (uint8_t)fam;
			r->from_set = true;
		} else if (!strcmp(k, "gso")) {
			if (num_parse_u32(val, 1, 65535, &v))
				return rerr(err, errsz, -EINVAL, "gso '%.32s': expected a segment size 1..65535", val);
			r->gso_size = (uint16_t)v;
		} else if (!strcmp(k, "ttl") || !strcmp(k, "tos")) {
			if (num_parse_u32(val, 0, 255, &v))
				return rerr(err, errsz, -EINVAL, "%s '%.32s': expected 0..255", k, val);
			if (k[1] == 't') {
				r->ttl = (uint8_t)v;
				r->ttl_set = true;
			} else {
				r->tos = (uint8_t)v;
				r->tos_set = true;
			}
		} else {
			if (parse_hex(val, buf, bufsize, &r->size) || !r->size)
				return rerr(err, errsz, -EINVAL, "hex: invalid or too long (at most %zu bytes)",
					    bufsize);
			r->frame = buf;
		}
	}
	if (!have_in)
		return rerr(err, errsz, -EINVAL, "missing ingress: port NAME or underlay");
	if (!r->frame)
		return rerr(err, errsz, -EINVAL, "missing packet: hex HEX");
	if (!r->underlay && (r->from_set || r->ttl_set || r->tos_set || r->raw))
		return rerr(err, errsz, -EINVAL, "from, ttl, tos and raw apply to underlay packets only");
	if (r->underlay && r->gso_size)
		return rerr(err, errsz, -EINVAL, "gso applies to packets from a port only");
	return 0;
}

void trace_req_format(const struct trace_req *r, struct sbuf *out)
{
	char a[RT_ADDR_STR];

	sbuf_puts(out, "trace packet");
	if (r->underlay) {
		sbuf_puts(out, " underlay");
		if (r->from_set)
			sbuf_printf(out, " from %s", rt_addr_fmt(a, sizeof(a), r->from.family, r->from.a));
		if (r->ttl_set)
			sbuf_printf(out, " ttl %u", r->ttl);
		if (r->tos_set)
			sbuf_printf(out, " tos %u", r->tos);
		if (r->raw)
			sbuf_puts(out, " raw");
	} else {
		sbuf_printf(out, " port %s", r->port);
		if (r->gso_size)
			sbuf_printf(out, " gso %u", r->gso_size);
	}
	for (int i = 0; i < r->verbose; i++)
		sbuf_puts(out, " verbose");
	sbuf_puts(out, " hex ");
	sbuf_hex(out, r->frame, r->size);
}

/* ---- outer headers for a Geneve payload ---- */

size_t trace_wrap_geneve(uint8_t *buf, size_t bufsize, const struct gnv_addr *src,
			 const struct gnv_addr *dst, uint16_t sport, uint8_t tos, uint8_t ttl,
			 const uint8_t *payload, size_t size)
{
	bool v6 = dst->family == 6;
	size_t iph = v6 ? 40 : 20, alen = v6 ? 16 : 4, total = ETH_HLEN + iph + 8 + size;
	uint8_t s[16] = { 0 }, *ip = buf + ETH_HLEN, *udp = ip + iph;
	uint32_t sum;
	uint16_t cs;

	if (total > bufsize || iph + 8 + size > 65535 + (v6 ? 40u : 0u))
		return 0;
	if (src->family == dst->family)
		memcpy(s, src->a, alen);
	memmove(udp + 8, payload, size);
	memset(buf, 0, ETH_HLEN + iph + 8);
	gnv_put16(buf + 12, v6 ? 0x86dd : 0x0800);
	if (v6) {
		gnv_put32(ip, 0x60000000u | (uint32_t)tos << 20);
		gnv_put16(ip + 4, (uint16_t)(8 + size));
		ip[6] = 17;
		ip[7] = ttl;
		memcpy(ip + 8, s, 16);
		memcpy(ip + 24, dst->a, 16);
		sum = csum_pseudo6(ip + 8, ip + 24, 17, (uint32_t)(8 + size));
	} else {
		ip[0] = 0x45;
		ip[1] = tos;
		gnv_put16(ip + 2, (uint16_t)(20 + 8 + size));
		ip[8] = ttl;
		ip[9] = 17;
		memcpy(ip + 12, s, 4);
		memcpy(ip + 16, dst->a, 4);
		gnv_put16(ip + 10, csum_fold(csum_partial(ip, 20, 0)));
		sum = csum_pseudo4(ip + 12, ip + 16, 17, (uint32_t)(8 + size));
	}
	gnv_put16(udp, sport);
	gnv_put16(udp + 2, GNV_PORT);
	gnv_put16(udp + 4, (uint16_t)(8 + size));
	cs = csum_fold(csum_partial(udp, 8 + size, sum));
	gnv_put16(udp + 6, cs ? cs : 0xffff);
	return total;
}

/* ---- rendering helpers ---- */

/* gnv_print_line without the frame number column and the newline. */
static void put_line(struct sbuf *o, const struct gnv_pkt *pk)
{
	struct gnv_printer pr;
	struct gnv_frame fr = { .num = 1 };
	struct sbuf tmp = SBUF_INIT;
	const char *s;
	size_t n;

	gnv_printer_init(&pr, false, false);
	gnv_print_line(&pr, &tmp, pk, &fr);
	s = sbuf_str(&tmp);
	s += strspn(s, " ");
	s += strspn(s, "0123456789");
	s += strspn(s, " ");
	n = strlen(s);
	while (n && s[n - 1] == '\n')
		n--;
	sbuf_add(o, s, n);
	sbuf_free(&tmp);
}

static void put_lang(struct sbuf *o, const struct gnv_pkt *pk)
{
	struct sbuf tmp = SBUF_INIT;

	if (gnv_lang_format(pk, &tmp))
		sbuf_puts(o, "(too large to describe)");
	else
		sbuf_add(o, sbuf_str(&tmp), tmp.len);
	sbuf_free(&tmp);
}

/* A decoded packet in text: summary, language, fields when verbose. */
static void text_pkt(struct sbuf *o, const char *label, const struct gnv_pkt *pk, int verbose)
{
	sbuf_printf(o, "%s: ", label);
	put_line(o, pk);
	sbuf_puts(o, "\n  ");
	put_lang(o, pk);
	sbuf_putc(o, '\n');
	if (verbose) {
		struct gnv_printer pr;

		gnv_printer_init(&pr, false, false);
		gnv_print_fields(&pr, o, pk);
	}
}

static void json_pkt(struct json *j, const char *key, const struct gnv_pkt *pk)
{
	struct gnv_frame fr = { .num = 1 };
	struct sbuf tmp = SBUF_INIT;

	json_obj_open(j, key);
	json_u64(j, "size", pk->caplen);
	put_lang(&tmp, pk);
	json_str(j, "lang", sbuf_str(&tmp));
	gnv_json_pkt(j, "decoded", pk, &fr);
	json_obj_close(j);
	sbuf_free(&tmp);
}

static void decode_frame(struct gnv_pkt *pk, const uint8_t *p, size_t n, int link, uint16_t cls,
			 const struct gnv_optreg *optreg)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = link;
	cfg.genv_class = cls;
	cfg.optreg = optreg;
	gnv_decode(pk, p, (uint32_t)n, (uint32_t)n, &cfg);
}

/* Where the Geneve payload of an underlay frame starts, or -1. */
static long geneve_payload(const struct gnv_pkt *pk, size_t *size)
{
	const struct gnv_l4 *l4 = &pk->outer.l4;
	size_t n;

	if (l4->proto != 17 || l4->dport != GNV_PORT || !l4->payload_off ||
	    l4->payload_off > pk->caplen)
		return -1;
	n = pk->caplen - l4->payload_off;
	if (l4->ulen >= 8 && (size_t)l4->ulen - 8 < n)
		n = (size_t)l4->ulen - 8;
	*size = n;
	return (long)l4->payload_off;
}

/* ---- the trace ---- */

struct run {
	struct rt_tables *t;
	const struct trace_req *r;
	int port;			/* ingress port index */
	struct rt_ul_meta meta;
	struct rt_trace tr;
	struct rt_out out;
	enum rt_verdict v;
	bool icmp_error;		/* dropped, and an ICMP error answers it */
	struct gnv_pkt in, res;		/* input and result, decoded */
	bool have_res;
	uint16_t wire_sport;		/* the outer source port sent from; 0: not known (offline) */
	uint8_t *buf;			/* headroom + frame */
	uint8_t *wrap;			/* result with outer headers */
	struct segview {		/* a super-frame (r->gso_size): how it was cut */
		bool on, cut;		/* cut: to the port's MTU, below gso_size */
		uint8_t proto, family;
		uint32_t mss, count, hdr;	/* hdr: IP + L4 header bytes */
		uint32_t first, last;	/* payload bytes of the first and the last segment */
		uint32_t verdicts[RT_EGRESS + 2];	/* per verdict; [RT_EGRESS + 1]: ICMP errors */
		uint32_t same;		/* forwarded segments with segment 1's destination */
		size_t dgram, dgram_last;	/* Geneve payload bytes of the train's datagrams */
		uint16_t mtu;		/* the port's MTU, 0 when not configured */
	} seg;
};

/* ---- a super-frame (gso N): cut as the router cuts it ---- */

static const char *seg_kind(const struct segview *g)
{
	return g->proto == 17 ? "UDP" : g->family == 6 ? "TCPv6" : "TCPv4";
}

/*
 * Cut r->frame into segments of at most r->gso_size payload bytes (and to
 * the port's MTU, as router/loop.c does rather than answer frag-needed),
 * run segment 1 through the pipeline traced (into x->buf, x->out, x->tr)
 * and the others as dry runs, counting their verdicts and the Geneve
 * datagrams a forward makes.  0, or -EINVAL with a message.
 */
static int run_segments(struct run *x, char *err, size_t errsz)
{
	const struct trace_req *r = x->r;
	const struct rt_port *pt = rt_port_get(x->t, x->port);
	struct segview *g = &x->seg;
	struct tso_seg s;
	struct rt_trace *dry;
	uint8_t *b2;
	int ret = tso_seg_init(&s, r->frame, r->size, r->gso_size, 0);

	if (ret)
		return rerr(err, errsz, -EINVAL,
			    "gso %u: the packet is not a super-frame the router can cut (Ethernet, IPv4 without fragments or IPv6 without extension headers, TCP or UDP)",
			    r->gso_size);
	g->on = true;
	g->proto = s.ti.proto;
	g->family = s.ti.family;
	g->hdr = (uint32_t)(s.ti.payload - s.ti.l3);
	g->mtu = pt ? pt->mtu : 0;
	if (g->mtu > g->hdr && g->hdr + s.mss > g->mtu) {
		if (tso_seg_init(&s, r->frame, r->size, g->mtu - g->hdr, 0))
			return rerr(err, errsz, -EINVAL, "gso %u: cannot cut to the port's MTU %u",
				    r->gso_size, g->mtu);
		g->cut = true;
	}
	g->mss = s.mss;
	g->count = s.count;
	b2 = malloc(RT_HEADROOM + r->size);
	dry = malloc(sizeof(*dry));
	if (!b2 || !dry) {
		free(b2);
		free(dry);
		return rerr(err, errsz, -ENOMEM, "out of memory");
	}
	for (uint32_t i = 0;; i++) {
		uint8_t *b = (i ? b2 : x->buf) + RT_HEADROOM;
		struct rt_out o2 = { 0 }, *o = i ? &o2 : &x->out;
		enum rt_verdict v;
		int n = tso_seg_next(&s, b, r->size);
		uint32_t pay;

		if (n <= 0)
			break;
		pay = (uint32_t)n - s.ti.payload;
		if (!i)
			g->first = pay;
		g->last = pay;
		rt_trace_init(dry, true);
		v = rt_from_port(x->t, x->port, b, (size_t)n, RT_HEADROOM, o, i ? dry : &x->tr);
		if (!i)
			x->v = v;
		if (v == RT_REPLY && o->reason != RT_DROP_NONE)
			g->verdicts[RT_EGRESS + 1]++;
		else
			g->verdicts[v]++;
		if (v == RT_FORWARD && x->v == RT_FORWARD && gnv_addr_eq(&o->dst, &x->out.dst)) {
			g->same++;
			if (!i)
				g->dgram = o->size;
			g->dgram_last = o->size;
		}
	}
	free(b2);
	free(dry);
	return 0;
}

static void seg_text(const struct run *x, struct sbuf *o)
{
	const struct segview *g = &x->seg;

	sbuf_printf(o, "segmentation: %s super-frame, gso_size %u (virtio-net GSO): %u segment%s of %u payload bytes",
		    seg_kind(g), x->r->gso_size, g->count, g->count == 1 ? "" : "s", g->first);
	if (g->count > 1 && g->last != g->first)
		sbuf_printf(o, ", the last %u", g->last);
	if (g->cut)
		sbuf_printf(o, " (cut below gso_size to fit the port's MTU %u)", g->mtu);
	sbuf_puts(o, g->count > 1 ? "; each goes through the pipeline, segment 1 shown\n" : "\n");
}

static void seg_train_text(const struct run *x, struct sbuf *o)
{
	static const char *const vn[] = { "drop", "deliver", "forward", "reply", "control", "egress",
					  "drop with an ICMP error" };
	const struct segview *g = &x->seg;
	char a[RT_ADDR_STR];
	bool first = true;

	sbuf_puts(o, "segments:");
	for (unsigned int v = 0; v < sizeof(vn) / sizeof(vn[0]); v++)
		if (g->verdicts[v]) {
			sbuf_printf(o, "%s %u %s", first ? "" : ",", g->verdicts[v], vn[v]);
			first = false;
		}
	sbuf_putc(o, '\n');
	if (g->same)
		sbuf_printf(o, "train: %u Geneve datagram%s to underlay %s, %zu bytes of Geneve payload each%s%.0zu%s: one UDP_SEGMENT (UDP GSO) send where the underlay socket has it, else one sendmmsg\n",
			    g->same, g->same == 1 ? "" : "s",
			    rt_addr_fmt(a, sizeof(a), x->out.dst.family, x->out.dst.a), g->dgram,
			    g->dgram_last != g->dgram ? " (the last " : "",
			    g->dgram_last != g->dgram ? g->dgram_last : 0,
			    g->dgram_last != g->dgram ? ")" : "");
}

static void seg_json(const struct run *x, struct json *j)
{
	const struct segview *g = &x->seg;

	if (!g->on) {
		json_null(j, "segmentation");
		return;
	}
	json_obj_open(j, "segmentation");
	json_str(j, "type", seg_kind(g));
	json_u64(j, "gso_size", x->r->gso_size);
	json_u64(j, "segments", g->count);
	json_u64(j, "segment_payload", g->first);
	json_u64(j, "last_payload", g->last);
	if (g->cut)
		json_u64(j, "port_mtu", g->mtu);
	else
		json_null(j, "port_mtu");
	json_obj_open(j, "verdicts");
	json_u64(j, "forward", g->verdicts[RT_FORWARD]);
	json_u64(j, "deliver", g->verdicts[RT_DELIVER]);
	json_u64(j, "drop", g->verdicts[RT_DROP] + g->verdicts[RT_EGRESS + 1]);
	json_u64(j, "other", g->verdicts[RT_REPLY] + g->verdicts[RT_CONTROL] + g->verdicts[RT_EGRESS]);
	json_obj_close(j);
	if (g->same) {
		json_obj_open(j, "train");
		json_u64(j, "datagrams", g->same);
		json_u64(j, "size", g->dgram);
		json_u64(j, "last_size", g->dgram_last);
		json_obj_close(j);
	} else {
		json_null(j, "train");
	}
	json_obj_close(j);
}

static const char *verdict_of(const struct run *x)
{
	return x->icmp_error ? "drop" : rt_verdict_name(x->v);
}

static void put_egress_text(struct sbuf *o, const struct run *x)
{
	char a[RT_ADDR_STR];
	const struct rt_port *pt;

	switch (x->v) {
	case RT_DELIVER:
	case RT_REPLY:
		if (x->icmp_error) {
			sbuf_puts(o, "none");
			break;
		}
		pt = rt_port_get(x->t, x->out.port);
		sbuf_puts(o, pt ? pt->name : "?");
		break;
	case RT_FORWARD:
		sbuf_printf(o, "underlay %s",
			    rt_addr_fmt(a, sizeof(a), x->out.dst.family, x->out.dst.a));
		break;
	case RT_CONTROL:
		sbuf_puts(o, "control");
		break;
	case RT_EGRESS:
		sbuf_puts(o, "underlay side (gateway NAT)");
		break;
	case RT_DROP:
		sbuf_puts(o, "none");
		break;
	}
}

static void render_text(const struct run *x, struct sbuf *o)
{
	const struct trace_req *r = x->r;
	char a[RT_ADDR_STR];
	unsigned int reason = x->out.reason;
	if (r->underlay)
		sbuf_printf(o, "ingress: underlay from %s, ttl %u, tos 0x%02x\n",
			    rt_addr_fmt(a, sizeof(a), x->meta.src.family, x->meta.src.a),
			    x->meta.ttl, x->meta.tos);
	else
		sbuf_printf(o, "ingress: port %s (index %d)\n", r->port, x->port);
	text_pkt(o, "packet", &x->in, r->verbose);
	if (x->seg.on)
		seg_text(x, o);
	sbuf_puts(o, "pipeline:\n");
	for (unsigned int i = 0; i < x->tr.n; i++) {
		const struct rt_trace_entry *e = &x->tr.e[i];

		sbuf_printf(o, "  %2u %-9s %-10s %s\n", i + 1, e->stage, e->decision, e->detail);
	}
	if (x->tr.overflow)
		sbuf_printf(o, "  (more than %d stages: the rest are not shown)\n", RT_TRACE_MAX);
	if (x->have_res) {
		const char *label = x->v == RT_FORWARD ? "output" :
				    x->v == RT_CONTROL ? "control" :
				    x->v == RT_REPLY ? "reply" : "output";

		text_pkt(o, label, &x->res, r->verbose);
		if (x->v == RT_FORWARD && x->wire_sport == x->out.sport)
			sbuf_printf(o, "  outer tos 0x%02x ttl %u sport %u (the flow's port, through AF_XDP); the Geneve payload is %zu bytes\n",
				    x->out.tos, x->out.ttl, x->out.sport, x->out.size);
		else if (x->v == RT_FORWARD && x->wire_sport)
			sbuf_printf(o, "  outer tos 0x%02x ttl %u sport %u (the UDP socket that flow port %u picks); the socket sends the Geneve payload (%zu bytes)\n",
				    x->out.tos, x->out.ttl, x->wire_sport, x->out.sport, x->out.size);
		else if (x->v == RT_FORWARD)
			sbuf_printf(o, "  outer tos 0x%02x ttl %u flow port %u: a running router sends from the UDP socket it picks (one of a few source ports), or from %u itself through AF_XDP; the Geneve payload is %zu bytes\n",
				    x->out.tos, x->out.ttl, x->out.sport, x->out.sport, x->out.size);
		if (x->icmp_error) {
			const struct rt_port *pt = rt_port_get(x->t, x->out.port);

			sbuf_printf(o, "  ICMP error to the sender on port %s\n", pt ? pt->name : "?");
		}
	}
	if (x->seg.on)
		seg_train_text(x, o);
	sbuf_printf(o, "verdict: %s\negress: ", verdict_of(x));
	put_egress_text(o, x);
	if (reason)
		sbuf_printf(o, "\nreason: %s (%s)\n", rt_drop_name(reason), rt_drop_desc(reason));
	else
		sbuf_puts(o, "\nreason: none\n");
}

static void render_json(const struct run *x, const struct trace_fmt *f, struct sbuf *o)
{
	const struct trace_req *r = x->r;
	const struct rt_port *pt;
	struct json jj, *j = &jj;
	const char *kind;

	json_init(j, o, f->pretty);
	json_obj_open(j, NULL);
	json_u64(j, "schema", TRACE_SCHEMA);
	json_obj_open(j, "ingress");
	json_str(j, "kind", r->underlay ? "underlay" : "port");
	if (r->underlay) {
		json_null(j, "port");
		json_ip(j, "from", x->meta.src.family, x->meta.src.a);
		json_u64(j, "ttl", x->meta.ttl);
		json_u64(j, "tos", x->meta.tos);
	} else {
		json_str(j, "port", r->port);
		json_null(j, "from");
		json_null(j, "ttl");
		json_null(j, "tos");
	}
	json_obj_close(j);
	json_pkt(j, "packet", &x->in);
	json_arr_open(j, "stages");
	for (unsigned int i = 0; i < x->tr.n; i++) {
		json_obj_open(j, NULL);
		json_str(j, "stage", x->tr.e[i].stage);
		json_str(j, "decision", x->tr.e[i].decision);
		json_str(j, "detail", x->tr.e[i].detail);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_bool(j, "stages_truncated", x->tr.overflow);
	seg_json(x, j);
	if (x->have_res)
		json_pkt(j, "output", &x->res);
	else
		json_null(j, "output");
	json_str(j, "verdict", verdict_of(x));
	json_obj_open(j, "egress");
	switch (x->v) {
	case RT_FORWARD: kind = "underlay"; break;
	case RT_CONTROL: kind = "control"; break;
	case RT_EGRESS: kind = "nat"; break;
	case RT_DROP: kind = "none"; break;
	default: kind = x->icmp_error ? "none" : "port"; break;
	}
	json_str(j, "kind", kind);
	pt = (x->v == RT_DELIVER || x->v == RT_REPLY) ? rt_port_get(x->t, x->out.port) : NULL;
	if (pt)
		json_str(j, "port", pt->name);
	else
		json_null(j, "port");
	if (x->v == RT_FORWARD) {
		json_ip(j, "addr", x->out.dst.family, x->out.dst.a);
		json_u64(j, "tos", x->out.tos);
		json_u64(j, "ttl", x->out.ttl);
		if (x->wire_sport)
			json_u64(j, "sport", x->wire_sport);
		else
			json_null(j, "sport");
		json_u64(j, "flow_sport", x->out.sport);
	} else {
		json_null(j, "flow_sport");
		json_null(j, "addr");
		json_null(j, "tos");
		json_null(j, "ttl");
		json_null(j, "sport");
	}
	json_obj_close(j);
	json_str(j, "reason", rt_drop_name(x->out.reason));
	json_str(j, "reason_text", rt_drop_desc(x->out.reason));
	json_bool(j, "icmp_error", x->icmp_error);
	json_u64(j, "vni", x->out.vni);
	json_u64(j, "flow_hash", x->out.flow_hash);
	json_obj_close(j);
	sbuf_putc(o, '\n');
}

int trace_packet(struct rt_tables *t, const struct trace_req *r, const struct trace_fmt *f,
		 struct sbuf *out, char *err, size_t errsz)
{
	struct run *x;
	uint16_t cls = t->cfg.lim.genv_class;
	int link = r->raw ? GNV_LINK_RAW : GNV_LINK_ETH;
	int ret = 0;

	if (!r->size || r->size > TRACE_FRAME_MAX)
		return rerr(err, errsz, -EINVAL, "packet of %zu bytes (1..%d)", r->size, TRACE_FRAME_MAX);
	x = calloc(1, sizeof(*x));
	if (!x)
		return rerr(err, errsz, -ENOMEM, "out of memory");
	x->t = t;
	x->r = r;
	x->buf = malloc(RT_HEADROOM + r->size);
	x->wrap = malloc(ETH_HLEN + 40 + 8 + RT_HEADROOM + r->size);
	if (!x->buf || !x->wrap) {
		ret = rerr(err, errsz, -ENOMEM, "out of memory");
		goto out;
	}
	decode_frame(&x->in, r->frame, r->size, link, cls, f->optreg);
	/* the pipeline rewrites its input: trace a copy */
	memcpy(x->buf + RT_HEADROOM, r->frame, r->size);
	rt_trace_init(&x->tr, true);
	if (!r->underlay) {
		x->port = rt_port_find(t, r->port);
		if (x->port < 0) {
			ret = rerr(err, errsz, -ENOENT, "no port '%s' in the configuration", r->port);
			goto out;
		}
		if (r->gso_size)
			ret = run_segments(x, err, errsz);
		else
			x->v = rt_from_port(t, x->port, x->buf + RT_HEADROOM, r->size, RT_HEADROOM,
					    &x->out, &x->tr);
		if (ret)
			goto out;
	} else {
		size_t psize;
		long off = geneve_payload(&x->in, &psize);
		const struct gnv_ip *ip = &x->in.outer.ip;

		if (off < 0) {
			ret = rerr(err, errsz, -EINVAL,
				   "an underlay packet must be IP/UDP to port %u (the Geneve header onward is its payload)",
				   GNV_PORT);
			goto out;
		}
		x->port = -1;
		x->meta.src = r->from_set ? r->from : ip->src;
		x->meta.ttl = r->ttl_set ? r->ttl : ip->ttl;
		x->meta.tos = r->tos_set ? r->tos : ip->tos;
		x->v = rt_from_underlay(t, &x->meta, x->buf + RT_HEADROOM + off, psize, RT_HEADROOM + (size_t)off,
					&x->out, &x->tr);
	}
	x->icmp_error = x->v == RT_REPLY && x->out.reason != RT_DROP_NONE;
	switch (x->v) {
	case RT_DELIVER:
	case RT_REPLY:
		decode_frame(&x->res, x->out.data, x->out.size, GNV_LINK_ETH, cls, f->optreg);
		x->have_res = true;
		break;
	case RT_FORWARD: {
		size_t n;

		if (f->ops && f->ops->ul_sport)
			x->wire_sport = f->ops->ul_sport(f->ops->ctx, x->out.dst.family, x->out.sport);
		n = trace_wrap_geneve(x->wrap, ETH_HLEN + 40 + 8 + RT_HEADROOM + r->size,
				      &t->cfg.self.addr, &x->out.dst,
				      x->wire_sport ? x->wire_sport : x->out.sport, x->out.tos,
				      x->out.ttl, x->out.data, x->out.size);
		if (n) {
			decode_frame(&x->res, x->wrap, n, GNV_LINK_ETH, cls, f->optreg);
			x->have_res = true;
		}
		break;
	}
	case RT_CONTROL:
	case RT_DROP:
	case RT_EGRESS:
		break;
	}
	if (f->json)
		render_json(x, f, out);
	else
		render_text(x, out);
	if (out->oom)
		ret = rerr(err, errsz, -ENOMEM, "out of memory");
out:
	free(x->buf);
	free(x->wrap);
	free(x);
	return ret;
}
