/* SPDX-License-Identifier: MIT */
/*
 * genv trace path probes (see probe.h).  The trace option is found in
 * the pipeline's decode of the packet (or, without one, by libcore's
 * option walk) and read and written with libcore's trace-record codec
 * (libcore/opt_genv.h), the one place its layout is written down; a
 * probe is answered by at most one packet, built in a buffer of our own.
 * Layer: trace; calls router (pipeline, tables) and libcore.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../libcore/build.h"
#include "../libcore/cursor.h"
#include "../libcore/emit.h"
#include "../libcore/msg.h"
#include "../libcore/num.h"
#include "../libcore/opt_genv.h"
#include "explain.h"
#include "probe.h"

#define TREC		GENV_TRACE_REC_SIZE
#define F_REPLY		GENV_TRACE_F_REPLY
#define F_OVERFLOW	GENV_TRACE_F_OVERFLOW
#define F_REPORT	GENV_TRACE_F_REPORT

/* The trace option of a received probe. */
struct topt {
	size_t off;			/* option header, from the Geneve header */
	size_t size;			/* data bytes */
	uint8_t type;			/* as received (critical bit) */
	struct gnv_trace tr;
};

const char *trace_role_name(unsigned int role)
{
	static const char *const n[] = { "host", "bouncer", "divider", "gateway", "direct" };

	return role < 5 ? n[role] : "?";
}

const char *trace_verdict_name(unsigned int v)
{
	static const char *const n[] = { "forward", "deliver", "drop", "control" };

	return v < 4 ? n[v] : "?";
}

static int name_index(const char *s, const char *(*fn)(unsigned int), unsigned int n)
{
	for (unsigned int i = 0; s && i < n; i++)
		if (!strcmp(s, fn(i)))
			return (int)i;
	return -1;
}

int trace_role_lookup(const char *name)
{
	return name_index(name, trace_role_name, TRACE_ROLE_DIRECT + 1);
}

int trace_verdict_lookup(const char *name)
{
	return name_index(name, trace_verdict_name, TRACE_V_CONTROL + 1);
}

void trace_probes_init(struct trace_probes *p)
{
	memset(p, 0, sizeof(*p));
	p->next = 1;
}

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static uint32_t real_us32(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 1000000ull + (uint64_t)ts.tv_nsec / 1000);
}

/* GCRA: TRACE_PROBE_RATE per second, a burst of one second's worth. */
static bool rate_ok(struct trace_probes *p, uint64_t now)
{
	const uint64_t interval = 1000000000ull / TRACE_PROBE_RATE;
	uint64_t tat = p->tat_ns > now ? p->tat_ns : now;

	if (tat - now > 1000000000ull - interval)
		return false;
	p->tat_ns = tat + interval;
	return true;
}

/* ---- the option ---- */

/* Take the option at off (size data bytes at d) if it is the trace option:
 * 0 not it, 1 taken, -EINVAL a second one or a bad layout. */
static int topt_take(struct topt *o, uint16_t cls, uint16_t ocls, uint8_t type, size_t off,
		     const uint8_t *d, size_t size, int found)
{
	if (ocls != cls || (type & 0x7f) != GENV_OPT_TRACE)
		return 0;
	if (found || gnv_opt_trace_get(d, size, &o->tr))
		return -EINVAL;
	o->off = off;
	o->size = size;
	o->type = type;
	return 1;
}

/*
 * Exactly one well-formed trace option of class cls in the Geneve payload
 * g.  pk: the pipeline's decode of g (its option list is used as it is),
 * or NULL (then libcore's option walk reads g).
 */
static int topt_find(const struct gnv_pkt *pk, const uint8_t *g, size_t size, uint16_t cls,
		     struct topt *o)
{
	int found = 0, r;

	if (size < GNV_HDR_SIZE || g[0] >> 6)
		return -EINVAL;
	if (pk) {
		const struct gnv_geneve *h = &pk->gnv;

		for (unsigned int i = 0; i < h->nopt; i++) {
			const struct gnv_opt *x = &h->opt[i];
			size_t off = x->off - h->off;

			r = topt_take(o, cls, x->cls, x->type, off, g + off + GNV_OPT_HDR_SIZE,
				      x->size, found);
			if (r < 0)
				return r;
			found += r;
		}
	} else {
		size_t end = GNV_HDR_SIZE + (size_t)(g[0] & 0x3f) * 4;
		struct gnv_opt_iter it;
		struct gnv_tlv x;

		if (end > size)
			return -EINVAL;
		gnv_opt_iter_init(&it, g + GNV_HDR_SIZE, end - GNV_HDR_SIZE, end - GNV_HDR_SIZE);
		while (gnv_opt_next(&it, &x)) {
			r = topt_take(o, cls, x.cls, x.type, GNV_HDR_SIZE + x.off, x.data, x.size, found);
			if (r < 0)
				return r;
			found += r;
		}
		if (it.status != GNV_OK)
			return -EINVAL;
	}
	return found ? 0 : -ENOENT;
}

/* Write a whole trace option (header + data) at p (room for the largest);
 * returns its size. */
static size_t topt_write(uint8_t *p, uint16_t cls, uint8_t flags, uint16_t id, uint32_t seq,
			 const struct gnv_trace_rec *hop, unsigned int nhop)
{
	struct gnv_trace tr = { .flags = flags, .nhop = (uint8_t)nhop, .id = id, .seq = seq };
	struct gnv_optbuf b;

	memcpy(tr.rec, hop, sizeof(*hop) * nhop);
	gnv_optbuf_init(&b, p, GNV_OPT_HDR_SIZE + GNV_OPT_DATA_MAX);
	return gnv_opt_trace_put(&b, cls, &tr) ? 0 : b.size;
}

/* ---- decisions ---- */

static void hop_of(const struct rt_tables *t, const struct rt_trace *tr, enum rt_verdict v,
		   const struct rt_out *out, struct gnv_trace_rec *h)
{
	memset(h, 0, sizeof(*h));
	if (t->cfg.self.addr_set && t->cfg.self.addr.family == 4)
		memcpy(h->id, t->cfg.self.addr.a, 4);
	h->role = TRACE_ROLE_HOST;
	for (unsigned int i = 0; i < tr->n; i++)
		if (!strcmp(tr->e[i].stage, "role"))
			h->role = !strcmp(tr->e[i].decision, "bouncer") ? TRACE_ROLE_BOUNCER : TRACE_ROLE_DIVIDER;
		else if (!strcmp(tr->e[i].stage, "direct") && !strcmp(tr->e[i].decision, "cache"))
			h->role = TRACE_ROLE_DIRECT;	/* skipped the bouncer (genv-route(8), DIRECT PATH) */
	switch (v) {
	case RT_FORWARD: h->verdict = TRACE_V_FORWARD; break;
	case RT_DELIVER: h->verdict = TRACE_V_DELIVER; break;
	case RT_CONTROL: h->verdict = TRACE_V_CONTROL; break;
	case RT_EGRESS: h->verdict = TRACE_V_DELIVER; break;	/* leaves the overlay */
	case RT_REPLY:
		/* an ARP/ND/echo answer is the end of the path; an ICMP error a drop */
		h->verdict = out->reason ? TRACE_V_DROP : TRACE_V_DELIVER;
		break;
	case RT_DROP: h->verdict = TRACE_V_DROP; break;
	}
	h->reason = (uint16_t)out->reason;
	h->ts_us = real_us32();
}

static bool is_self(const struct rt_tables *t, const uint8_t id[4])
{
	return t->cfg.self.addr_set && t->cfg.self.addr.family == 4 && !memcmp(t->cfg.self.addr.a, id, 4);
}

/* A reply or a hop report (flags F_REPORT: the last record names the next
 * hop) into the results ring.  Only a final reply ends the probe's RTT. */
static void result_store(struct trace_probes *p, uint16_t id, uint32_t seq, uint8_t flags,
			 const struct gnv_trace_rec *hop, unsigned int nhop)
{
	struct trace_result *r = &p->res[(p->next - 1) % TRACE_PROBE_RESULTS];

	memset(r, 0, sizeof(*r));
	r->seq = p->next++;
	r->id = id;
	r->pseq = seq;
	r->overflow = flags & F_OVERFLOW;
	if ((flags & F_REPORT) && nhop >= 2) {
		r->report = true;
		memcpy(r->next, hop[--nhop].id, 4);
	}
	r->nhop = (uint8_t)nhop;
	memcpy(r->hop, hop, sizeof(*hop) * nhop);
	for (unsigned int i = 0; !r->report && i < TRACE_PROBE_PENDING; i++)
		if (p->pend[i].used && p->pend[i].id == id && p->pend[i].seq == seq) {
			r->rtt_ns = mono_ns() - p->pend[i].sent_ns;
			p->pend[i].used = false;
		}
}

/* Records back to the origin (hop[0]): Geneve header, O bit, the trace
 * option with R set, no inner frame.  0, 1 when sent. */
static int reply(struct rt_tables *t, struct trace_probes *p, const struct rt_runtime_ops *ops,
		 const uint8_t *g, size_t limit, const struct topt *o, uint8_t flags)
{
	struct gnv_addr dst = { .family = 4 };
	size_t n;

	if (is_self(t, o->tr.rec[0].id)) {
		result_store(p, o->tr.id, o->tr.seq, flags, o->tr.rec, o->tr.nhop);
		return 0;
	}
	memcpy(dst.a, o->tr.rec[0].id, 4);
	n = topt_write(p->out + GNV_HDR_SIZE, t->cfg.lim.genv_class, flags | F_REPLY, o->tr.id, o->tr.seq,
		       o->tr.rec, o->tr.nhop);
	if (!n)
		return 0;
	p->out[0] = (uint8_t)(n / 4);
	p->out[1] = 0x80;		/* O */
	memcpy(p->out + 2, g + 2, 6);	/* protocol, VNI, reserved */
	n += GNV_HDR_SIZE;
	/* never more than we received */
	if (n > limit || !ops || !ops->ul_send)
		return 0;
	return ops->ul_send(ops->ctx, &dst, p->out, n, 0, t->cfg.self.ttl, 0) < 0 ? 0 : 1;
}

/* The origin's hop report for a probe sent on to next: the records so far
 * (ours last) and one naming the next hop (P flag), so that a path broken
 * by a dead router shows every hop up to it.  No report when the records
 * have no room for it or the next hop has no IPv4 address. */
static void report(struct rt_tables *t, struct trace_probes *p, const struct rt_runtime_ops *ops,
		   const uint8_t *g, size_t limit, struct topt *o, const struct gnv_addr *next)
{
	struct gnv_trace_rec *n = &o->tr.rec[o->tr.nhop];

	if (o->tr.nhop >= GENV_TRACE_MAX_HOPS || next->family != 4)
		return;
	memset(n, 0, sizeof(*n));
	memcpy(n->id, next->a, 4);
	n->ts_us = real_us32();
	o->tr.nhop++;
	reply(t, p, ops, g, limit, o, (uint8_t)(o->tr.flags | F_REPORT));
	o->tr.nhop--;
}

/* A host of the VPC with this VNI (tables.h, rt_vpc_host): only they may
 * send probes into it, and only they get answers. */
static bool vpc_host(const struct rt_tables *t, const uint8_t *g, const struct gnv_addr *a)
{
	const struct rt_vpc *v = rt_vpc_find(t, (uint32_t)g[4] << 16 | (uint32_t)g[5] << 8 | g[6]);

	return v && rt_vpc_host_by_addr(t, rt_vpc_index(t, v), a);
}

int trace_probe_control(struct rt_tables *t, struct trace_probes *p,
			const struct rt_runtime_ops *ops, const struct rt_ul_meta *meta,
			const struct gnv_pkt *pk, const uint8_t *payload, size_t size)
{
	struct topt o;
	struct gnv_trace_rec h;
	struct gnv_addr origin = { 0 };
	struct rt_out out;
	enum rt_verdict v;
	uint8_t *w;
	size_t wsize, oend;
	bool full;
	int r;

	if (!p)
		return -EINVAL;		/* the trace extension was not added */
	r = size > TRACE_FRAME_MAX ? -EINVAL : topt_find(pk, payload, size, t->cfg.lim.genv_class, &o);
	if (r == -ENOENT)
		return -ENOENT;		/* no trace option: not a probe (router/ext.h) */
	/* a reply to this origin sends nothing: not rate-limited (a hop
	 * report per router and probe would otherwise starve the replies) */
	if (!(!r && o.tr.nhop && (o.tr.flags & F_REPLY) && is_self(t, o.tr.rec[0].id)) &&
	    !rate_ok(p, mono_ns())) {
		p->limited++;
		return -EAGAIN;
	}
	if (r || !o.tr.nhop) {
		p->malformed++;
		return -EINVAL;
	}
	origin.family = 4;
	memcpy(origin.a, o.tr.rec[0].id, 4);
	if (!vpc_host(t, payload, &meta->src) || (!is_self(t, o.tr.rec[0].id) && !vpc_host(t, payload, &origin))) {
		p->untrusted++;
		return -EPERM;
	}
	p->handled++;
	if (o.tr.flags & F_REPLY) {
		/* consumed by its origin, never forwarded or answered */
		if (!is_self(t, o.tr.rec[0].id)) {
			p->malformed++;
			return -EINVAL;
		}
		result_store(p, o.tr.id, o.tr.seq, o.tr.flags, o.tr.rec, o.tr.nhop);
		return 0;
	}
	/* the decision for tenant traffic of this flow: without the O bit
	 * and the trace option, as a dry run */
	oend = o.off + GNV_OPT_HDR_SIZE + o.size;
	w = p->work + RT_HEADROOM;
	memcpy(w, payload, o.off);
	memcpy(w + o.off, payload + oend, size - oend);
	wsize = size - (oend - o.off);
	w[0] = (uint8_t)(w[0] - (oend - o.off) / 4);
	w[1] &= 0x7f;
	rt_trace_init(&p->tr, true);
	v = rt_from_underlay(t, meta, w, wsize, RT_HEADROOM, &out, &p->tr);
	hop_of(t, &p->tr, v, &out, &h);
	full = o.tr.nhop >= GENV_TRACE_MAX_HOPS || o.size + TREC > GNV_OPT_DATA_MAX ||
	       (size_t)(payload[0] & 0x3f) * 4 + TREC > 252;
	if (full)
		return reply(t, p, ops, payload, size, &o, o.tr.flags | F_OVERFLOW);
	o.tr.rec[o.tr.nhop++] = h;
	if (v != RT_FORWARD)
		return reply(t, p, ops, payload, size, &o, o.tr.flags);
	/* onward, as the flow goes: the probe as received plus our record */
	memcpy(p->out, payload, oend);
	gnv_opt_trace_rec_write(p->out + oend, &o.tr.rec[o.tr.nhop - 1]);
	memcpy(p->out + oend + TREC, payload + oend, size - oend);
	p->out[0] = (uint8_t)(p->out[0] + TREC / 4);
	gnv_opt_hdr_write(p->out + o.off, t->cfg.lim.genv_class, o.type, o.size + TREC);
	p->out[o.off + GNV_OPT_HDR_SIZE + 1] = o.tr.nhop;	/* the header's record count */
	if (!ops || !ops->ul_send ||
	    ops->ul_send(ops->ctx, &out.dst, p->out, size + TREC, out.tos, out.ttl, out.sport) < 0)
		return 0;
	report(t, p, ops, payload, size, &o, &out.dst);
	return 1;
}

/* ---- the origin ---- */

/* One result: the same calls write its text line and its JSON object
 * (`probe results`):
 *   result seq=1 id=7 pseq=1 overflow=0 rtt_ns=N hops=2 hop=ROUTER,ROLE,VERDICT,REASON,TS ... */
static void result_emit(struct gnv_emit *e, const struct trace_result *r)
{
	gnv_emit_obj_open(e, NULL, "result");
	gnv_emit_u64(e, "seq", " seq=%llu", r->seq);
	gnv_emit_u64(e, "id", " id=%u", r->id);
	gnv_emit_u64(e, "pseq", " pseq=%u", r->pseq);
	gnv_emit_bool(e, "overflow", " overflow=%s", r->overflow, "1", "0");
	gnv_emit_bool(e, "report", " report=%s", r->report, "1", "0");
	if (r->report)
		gnv_emit_ip(e, "next_hop", " next_hop=%s", 4, r->next);
	else
		gnv_emit_null(e, "next_hop", " next_hop=-");
	gnv_emit_u64(e, "rtt_ns", " rtt_ns=%llu", r->rtt_ns);
	gnv_emit_text(e, " hops=%u", r->nhop);
	gnv_emit_arr_open(e, "hops", NULL);
	for (unsigned int i = 0; i < r->nhop; i++) {
		const struct gnv_trace_rec *h = &r->hop[i];

		gnv_emit_obj_open(e, NULL, NULL);
		gnv_emit_ip(e, "router", " hop=%s", 4, h->id);
		gnv_emit_str(e, "role", ",%s", trace_role_name(h->role));
		gnv_emit_str(e, "verdict", ",%s", trace_verdict_name(h->verdict));
		gnv_emit_str(e, "reason", ",%s", rt_drop_name(h->reason));
		gnv_emit_u64(e, "ts_us", ",%u", h->ts_us);
		gnv_emit_obj_close(e, NULL);
	}
	gnv_emit_arr_close(e, NULL);
	gnv_emit_obj_close(e, "\n");
}

/* probe send vni VNI src IP dst IP [proto icmp|udp|tcp] [sport N] [dport N] id N seq N */
static int probe_send(struct rt_tables *t, struct trace_probes *p, const struct rt_runtime_ops *ops,
		      int n, char *const *w, bool json, struct sbuf *out, char *err, size_t errsz)
{
	uint32_t vni = 0, id = 0, seq = 0, sport = 40000, dport = 33434;
	uint8_t src[16], dst[16];
	int fam = 0, fam2 = 0, have = 0;
	const char *proto = "udp";
	struct rt_ep *ep;
	struct rt_out o;
	struct gnv_trace_rec h;
	enum rt_verdict v;
	char text[256], a[RT_ADDR_STR], b[RT_ADDR_STR], e2[128];
	struct gnv_emit e;
	uint8_t *frame = p->work + RT_HEADROOM;
	size_t fsize, gsize, oend, tsz;

	for (int i = 0; i < n; i += 2) {
		const char *k = w[i], *val = i + 1 < n ? w[i + 1] : NULL;
		int r = 0;

		if (!val)
			return gnv_errf(err, errsz, -EINVAL, "'%s': missing value", k);
		if (!strcmp(k, "vni"))
			r = num_parse_u32(val, RT_VNI_MIN, RT_VNI_MAX, &vni), have |= 1;
		else if (!strcmp(k, "src"))
			r = parse_ip(val, &fam, src), have |= 2;
		else if (!strcmp(k, "dst"))
			r = parse_ip(val, &fam2, dst), have |= 4;
		else if (!strcmp(k, "id"))
			r = num_parse_u32(val, 0, 0xffff, &id), have |= 8;
		else if (!strcmp(k, "seq"))
			r = num_parse_u32(val, 0, UINT32_MAX, &seq), have |= 16;
		else if (!strcmp(k, "sport"))
			r = num_parse_u32(val, 0, 0xffff, &sport);
		else if (!strcmp(k, "dport"))
			r = num_parse_u32(val, 0, 0xffff, &dport);
		else if (!strcmp(k, "proto") && (!strcmp(val, "udp") || !strcmp(val, "tcp") || !strcmp(val, "icmp")))
			proto = val;
		else
			return gnv_errf(err, errsz, -EINVAL, "'%.32s': unknown keyword or value", k);
		if (r)
			return gnv_errf(err, errsz, -EINVAL, "%s '%.64s': invalid value", k, val);
	}
	if (have != 31)
		return gnv_errf(err, errsz, -EINVAL, "needs vni, src, dst, id and seq");
	if (fam != fam2)
		return gnv_errf(err, errsz, -EINVAL, "src and dst are of different families");
	if (!t->cfg.self.addr_set || t->cfg.self.addr.family != 4)
		return gnv_errf(err, errsz, -EINVAL, "probes need this host's IPv4 underlay address (set host addr)");
	ep = rt_ep_find(t, vni, fam, src);
	if (!ep || ep->port < 0)
		return gnv_errf(err, errsz, -EINVAL, "%s is not a local endpoint of vpc %u",
			    rt_addr_fmt(a, sizeof(a), fam, src), vni);
	rt_addr_fmt(a, sizeof(a), fam, src);
	rt_addr_fmt(b, sizeof(b), fam, dst);
	if (!strcmp(proto, "icmp"))
		snprintf(text, sizeof(text), "eth src=%02x:%02x:%02x:%02x:%02x:%02x dst=%02x:%02x:%02x:%02x:%02x:%02x / %s src=%s dst=%s / %s id=%u seq=%u",
			 ep->mac[0], ep->mac[1], ep->mac[2], ep->mac[3], ep->mac[4], ep->mac[5],
			 t->cfg.self.mac[0], t->cfg.self.mac[1], t->cfg.self.mac[2], t->cfg.self.mac[3], t->cfg.self.mac[4],
			 t->cfg.self.mac[5], fam == 6 ? "ipv6" : "ipv4", a, b, fam == 6 ? "icmp6 type=128" : "icmp",
			 id, seq & 0xffff);
	else
		snprintf(text, sizeof(text), "eth src=%02x:%02x:%02x:%02x:%02x:%02x dst=%02x:%02x:%02x:%02x:%02x:%02x / %s src=%s dst=%s / %s sport=%u dport=%u",
			 ep->mac[0], ep->mac[1], ep->mac[2], ep->mac[3], ep->mac[4], ep->mac[5],
			 t->cfg.self.mac[0], t->cfg.self.mac[1], t->cfg.self.mac[2], t->cfg.self.mac[3], t->cfg.self.mac[4],
			 t->cfg.self.mac[5], fam == 6 ? "ipv6" : "ipv4", a, b, proto, sport, dport);
	if (gnv_lang_build(text, t->cfg.lim.genv_class, frame, TRACE_FRAME_MAX, &fsize, e2, sizeof(e2)))
		return gnv_errf(err, errsz, -EINVAL, "cannot build the probe: %s", e2);
	rt_trace_init(&p->tr, true);
	v = rt_from_port(t, ep->port, frame, fsize, RT_HEADROOM, &o, &p->tr);
	hop_of(t, &p->tr, v, &o, &h);
	if (v != RT_FORWARD) {
		struct trace_result *r;

		result_store(p, (uint16_t)id, seq, 0, &h, 1);
		r = &p->res[(p->next - 2) % TRACE_PROBE_RESULTS];
		gnv_emit_init(&e, out, json, false);
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_u64(&e, "schema", NULL, 1);
		gnv_emit_null(&e, "sent", NULL);
		gnv_emit_arr_open(&e, "results", NULL);
		result_emit(&e, r);
		gnv_emit_arr_close(&e, NULL);
		gnv_emit_obj_close(&e, NULL);
		return out->oom ? -ENOMEM : 0;
	}
	if (!ops || !ops->ul_send)
		return gnv_errf(err, errsz, -ENOTSUP, "this router cannot send probes (no underlay)");
	/* the encapsulated packet (o.data, in our buffer): O bit, and the
	 * trace option after the other options */
	gsize = o.size;
	oend = GNV_HDR_SIZE + (size_t)(o.data[0] & 0x3f) * 4;
	tsz = GNV_OPT_HDR_SIZE + GENV_TRACE_HDR_SIZE + TREC;
	if ((o.data[0] & 0x3f) * 4 + tsz > 252 || gsize + tsz > sizeof(p->out))
		return gnv_errf(err, errsz, -ENOSPC, "no room for the trace option");
	memcpy(p->out, o.data, oend);
	if (topt_write(p->out + oend, t->cfg.lim.genv_class, 0, (uint16_t)id, seq, &h, 1) != tsz)
		return gnv_errf(err, errsz, -ENOSPC, "no room for the trace option");
	memcpy(p->out + oend + tsz, o.data + oend, gsize - oend);
	p->out[0] = (uint8_t)(p->out[0] + tsz / 4);
	p->out[1] |= 0x80;
	for (unsigned int i = 0; i < TRACE_PROBE_PENDING; i++)
		if (p->pend[i].used && p->pend[i].id == id && p->pend[i].seq == seq)
			p->pend[i].used = false;
	p->pend[p->pend_next].used = true;
	p->pend[p->pend_next].id = (uint16_t)id;
	p->pend[p->pend_next].seq = seq;
	p->pend[p->pend_next].sent_ns = mono_ns();
	p->pend_next = (p->pend_next + 1) % TRACE_PROBE_PENDING;
	if (ops->ul_send(ops->ctx, &o.dst, p->out, gsize + tsz, o.tos, o.ttl, o.sport) < 0)
		return gnv_errf(err, errsz, -EIO, "cannot send the probe to %s",
			    rt_addr_fmt(a, sizeof(a), o.dst.family, o.dst.a));
	if (o.dst.family == 4) {
		/* our own hop report: where the probe went */
		struct gnv_trace_rec two[2] = { h, { .ts_us = h.ts_us } };

		memcpy(two[1].id, o.dst.a, 4);
		result_store(p, (uint16_t)id, seq, F_REPORT, two, 2);
	}
	gnv_emit_init(&e, out, json, false);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, 1);
	gnv_emit_ip(&e, "sent", "sent %s", o.dst.family, o.dst.a);
	gnv_emit_arr_open(&e, "results", NULL);
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_obj_close(&e, "\n");
	return out->oom ? -ENOMEM : 0;
}

int trace_probe_cmd(struct rt_tables *t, struct trace_probes *p, const struct rt_runtime_ops *ops,
		    int n, char *const *w, bool json, struct sbuf *out, char *err, size_t errsz)
{
	struct gnv_emit e;
	uint64_t since, s;

	if (!p)
		return gnv_errf(err, errsz, -ENOMEM, "out of memory");
	if (n >= 1 && !strcmp(w[0], "send"))
		return probe_send(t, p, ops, n - 1, w + 1, json, out, err, errsz);
	if (n != 3 || strcmp(w[0], "results") || strcmp(w[1], "since") ||
	    num_parse_u64(w[2], 0, UINT64_MAX, &since))
		return gnv_errf(err, errsz, -EINVAL, "expected 'probe send ...' or 'probe results since SEQ'");
	s = p->next > TRACE_PROBE_RESULTS ? p->next - TRACE_PROBE_RESULTS : 1;
	if (since > s)
		s = since;
	gnv_emit_init(&e, out, json, false);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, 1);
	gnv_emit_arr_open(&e, "results", NULL);
	for (; s < p->next; s++)
		result_emit(&e, &p->res[(s - 1) % TRACE_PROBE_RESULTS]);
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_u64(&e, "next", "next=%llu", p->next);
	gnv_emit_u64(&e, "handled", " handled=%llu", p->handled);
	gnv_emit_u64(&e, "limited", " limited=%llu", p->limited);
	gnv_emit_u64(&e, "malformed", " malformed=%llu", p->malformed);
	gnv_emit_u64(&e, "untrusted", " untrusted=%llu", p->untrusted);
	gnv_emit_obj_close(&e, "\n");
	return out->oom ? -ENOMEM : 0;
}
