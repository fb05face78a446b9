/* SPDX-License-Identifier: MIT */
/*
 * genv top -r: a capture as a source.  Frames are decoded with
 * gnv_decode() and counted per VNI like the router counts them: rx/tx
 * packets and bytes (wire length), endpoints seen (distinct inner IP
 * addresses), flows (inner 5-tuple), and drops (frames the decoder finds
 * invalid, by their first error code).  Without --local every frame is
 * rx; with it, frames from that underlay address are tx.
 *
 * What a capture tells of a flow's fate: the source is an endpoint when
 * the frame carries genv's endpoint-type option (a genv router wrote it
 * for the sending endpoint); the path is "indirect" when it carries an
 * RTS option (genv attaches it only via a bouncer or divider, and which
 * one the frame does not say), else "-"; with --local, the underlay peer
 * is the other end of the frame.  The destination endpoint and the
 * verdict are a router's knowledge: "-".
 *
 * Layer: cmd/top.  Calls libpcap (reading the file), libcore (decode,
 * options, flow hash, the per-VNI counting table) and top.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <pcap/pcap.h>
#include "top.h"
#include "../../libcore/flowhash.h"
#include "../../libcore/num.h"
#include "../../libcore/optreg.h"
#include "../../libcore/pkt.h"
#include "../../libcore/vnicount.h"

#define TOP_MAX_FLOWS	(1u << 20)	/* tracked per capture; more are counted, not listed */
#define TOP_MAX_EPS	(1u << 20)
#define TOP_ACTIVE_NS	(10ull * 1000000000)	/* a flow is active 10 s after its last frame */
#define SNAPLEN_MAX	262144

struct pvpc {
	struct gnv_vni_entry e;		/* the VNI (table key) */
	uint64_t eps, nflows;
	struct top_ctr c;
};

struct pflow {
	uint32_t hash;			/* 0: empty */
	struct top_flow f;
};

struct pep {
	uint32_t hash;
	uint32_t vni;
	uint8_t family, a[16];
};

struct top_pcap {
	pcap_t *pc;
	struct gnv_decode_cfg cfg;
	struct gnv_pkt pk;
	bool has_local;
	struct gnv_addr local;
	/* the frame read ahead (its time is past the requested one) */
	bool pending, eof;
	struct pcap_pkthdr ph;
	uint8_t *buf;
	uint64_t start_ns, last_ns;
	uint64_t frames, other;
	struct top_ctr total;
	struct gnv_vnicount vpc;	/* struct pvpc by VNI */
	struct pflow *flow;
	uint32_t fmask, nflow;
	struct pep *ep;
	uint32_t emask, nep;
	uint64_t drop[GNV_E__COUNT];
};

static uint64_t ts_ns(const struct pcap_pkthdr *h)
{
	return (uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec * 1000ull;
}

static uint32_t mix(uint32_t h)
{
	h ^= h >> 16;
	h *= 0x7feb352d;
	h ^= h >> 15;
	h *= 0x846ca68b;
	h ^= h >> 16;
	return h | 1;
}

static int tab_alloc(void **p, uint32_t *mask, uint32_t slots, size_t size)
{
	*p = calloc(slots, size);
	if (!*p)
		return -ENOMEM;
	*mask = slots - 1;
	return 0;
}

static bool flow_eq(const struct top_flow *a, const struct top_flow *b)
{
	return a->vni == b->vni && a->family == b->family && a->proto == b->proto &&
	       a->sport == b->sport && a->dport == b->dport && !memcmp(a->src, b->src, 16) &&
	       !memcmp(a->dst, b->dst, 16);
}

/* The flow entry for key k (inserted when new, NULL when full). */
static struct top_flow *flow_get(struct top_pcap *p, const struct top_flow *k, bool *isnew)
{
	uint32_t h = mix(flow_hash_bytes(k, offsetof(struct top_flow, pkts), 0x9e3779b9)), i;

	*isnew = false;
	if ((p->nflow + 1) * 2 > p->fmask + 1) {
		struct pflow *old = p->flow;
		uint32_t omask = p->fmask;

		if (p->nflow >= TOP_MAX_FLOWS ||
		    tab_alloc((void **)&p->flow, &p->fmask, (omask + 1) * 2, sizeof(*old))) {
			p->flow = old;
			p->fmask = omask;
			goto lookup_only;
		}
		for (uint32_t n = 0; n <= omask; n++)
			if (old[n].hash) {
				for (i = old[n].hash & p->fmask; p->flow[i].hash; i = (i + 1) & p->fmask)
					;
				p->flow[i] = old[n];
			}
		free(old);
	}
	for (i = h & p->fmask; p->flow[i].hash; i = (i + 1) & p->fmask)
		if (p->flow[i].hash == h && flow_eq(&p->flow[i].f, k))
			return &p->flow[i].f;
	p->flow[i].hash = h;
	p->flow[i].f = *k;
	p->nflow++;
	*isnew = true;
	return &p->flow[i].f;
lookup_only:
	for (i = h & p->fmask; p->flow[i].hash; i = (i + 1) & p->fmask)
		if (p->flow[i].hash == h && flow_eq(&p->flow[i].f, k))
			return &p->flow[i].f;
	return NULL;
}

/* True when (vni, addr) is seen for the first time. */
static bool ep_seen(struct top_pcap *p, uint32_t vni, const struct gnv_addr *a)
{
	struct pep k;
	uint32_t i;

	memset(&k, 0, sizeof(k));
	k.vni = vni;
	k.family = a->family;
	memcpy(k.a, a->a, 16);
	k.hash = mix(flow_hash_bytes(&k.vni, sizeof(k) - offsetof(struct pep, vni), 0x85ebca6b));
	if ((p->nep + 1) * 2 > p->emask + 1) {
		struct pep *old = p->ep;
		uint32_t omask = p->emask;

		if (p->nep >= TOP_MAX_EPS ||
		    tab_alloc((void **)&p->ep, &p->emask, (omask + 1) * 2, sizeof(*old))) {
			p->ep = old;
			p->emask = omask;
			return false;
		}
		for (uint32_t n = 0; n <= omask; n++)
			if (old[n].hash) {
				for (i = old[n].hash & p->emask; p->ep[i].hash; i = (i + 1) & p->emask)
					;
				p->ep[i] = old[n];
			}
		free(old);
	}
	for (i = k.hash & p->emask; p->ep[i].hash; i = (i + 1) & p->emask)
		if (p->ep[i].hash == k.hash && p->ep[i].vni == vni && p->ep[i].family == k.family &&
		    !memcmp(p->ep[i].a, k.a, 16))
			return false;
	p->ep[i] = k;
	p->nep++;
	return true;
}

/* A genv option of this type (critical bit aside) in the frame. */
static bool has_genv_opt(const struct top_pcap *p, uint8_t type)
{
	const struct gnv_geneve *g = &p->pk.gnv;

	for (unsigned int i = 0; i < g->nopt; i++)
		if (g->opt[i].cls == p->cfg.genv_class && (g->opt[i].type & 0x7f) == type)
			return true;
	return false;
}

static void pcap_flow_fate(const struct top_pcap *p, bool tx, struct top_flow *f)
{
	const struct gnv_layers *o = &p->pk.outer;
	const struct gnv_addr *peer = NULL;

	f->src_ep = has_genv_opt(p, GENV_OPT_EPTYPE);
	snprintf(f->path, sizeof(f->path), "%s", has_genv_opt(p, GENV_OPT_RTS) ? "indirect" : "-");
	if (p->has_local && o->ip.version)
		peer = tx ? &o->ip.dst : gnv_addr_eq(&o->ip.dst, &p->local) ? &o->ip.src : NULL;
	f->host_family = peer ? peer->family : 0;
	if (peer)
		memcpy(f->host, peer->a, 16);
}

static void count_frame(struct top_pcap *p, const struct pcap_pkthdr *h, const uint8_t *data)
{
	struct gnv_pkt *pk = &p->pk;
	struct pvpc *v = NULL;
	bool tx, isnew;
	uint64_t now = ts_ns(h);

	p->frames++;
	gnv_decode(pk, data, h->caplen, h->len, &p->cfg);
	if (!pk->gnv.present) {
		p->other++;
		return;
	}
	v = gnv_vnicount_get(&p->vpc, pk->gnv.vni);
	if (pk->status == GNV_INVALID) {
		unsigned int code = GNV_E__COUNT;

		for (unsigned int i = 0; i < pk->nerr && code == GNV_E__COUNT; i++)
			if (gnv_err_severity(pk->err[i].code) == GNV_SEV_INVALID)
				code = pk->err[i].code;
		if (code < GNV_E__COUNT)
			p->drop[code]++;
		p->total.drops++;
		if (v)
			v->c.drops++;
		return;
	}
	if (!v)
		return;
	tx = p->has_local && gnv_addr_eq(&pk->outer.ip.src, &p->local);
	if (tx) {
		v->c.tx_pkts++, v->c.tx_bytes += h->len;
		p->total.tx_pkts++, p->total.tx_bytes += h->len;
	} else {
		v->c.rx_pkts++, v->c.rx_bytes += h->len;
		p->total.rx_pkts++, p->total.rx_bytes += h->len;
	}
	if (pk->inner.ip.version) {
		struct top_flow k, *f;

		if (ep_seen(p, v->e.vni, &pk->inner.ip.src))
			v->eps++;
		if (ep_seen(p, v->e.vni, &pk->inner.ip.dst))
			v->eps++;
		memset(&k, 0, sizeof(k));
		k.vni = v->e.vni;
		k.family = pk->inner.ip.version;
		k.proto = pk->inner.ip.proto;
		memcpy(k.src, pk->inner.ip.src.a, 16);
		memcpy(k.dst, pk->inner.ip.dst.a, 16);
		if (pk->inner.l4.proto == 6 || pk->inner.l4.proto == 17 || pk->inner.l4.proto == 132) {
			k.sport = pk->inner.l4.sport;
			k.dport = pk->inner.l4.dport;
		}
		top_flow_unknown(&k);
		f = flow_get(p, &k, &isnew);
		if (f) {
			if (isnew) {
				f->first_ns = now;
				v->nflows++;
			}
			pcap_flow_fate(p, tx, f);
			f->pkts++;
			f->bytes += h->len;
			f->last_ns = now;
		}
	}
}

int top_pcap_open(struct top_pcap **out, const char *path, const char *local,
		  char *err, size_t errsz)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	struct top_pcap *p;
	int dlt, fam;

	p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	gnv_decode_cfg_default(&p->cfg);
	p->cfg.no_csum = true;
	if (local) {
		if (parse_ip(local, &fam, p->local.a)) {
			snprintf(err, errsz, "invalid --local address '%s'", local);
			free(p);
			return -EINVAL;
		}
		p->local.family = (uint8_t)fam;
		p->has_local = true;
	}
	p->pc = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO, ebuf);
	if (!p->pc) {
		snprintf(err, errsz, "cannot open '%s': %s", path, ebuf);
		free(p);
		return -ENOENT;
	}
	dlt = pcap_datalink(p->pc);
	p->cfg.linktype = dlt == DLT_EN10MB ? GNV_LINK_ETH : dlt == DLT_RAW ? GNV_LINK_RAW :
			  dlt == DLT_LINUX_SLL ? GNV_LINK_SLL : 0;
#ifdef DLT_IPV4
	if (dlt == DLT_IPV4 || dlt == DLT_IPV6)
		p->cfg.linktype = GNV_LINK_RAW;
#endif
	if (!p->cfg.linktype) {
		snprintf(err, errsz, "'%s': unsupported link type %d", path, dlt);
		pcap_close(p->pc);
		free(p);
		return -ENOTSUP;
	}
	p->buf = malloc(SNAPLEN_MAX);
	gnv_vnicount_init(&p->vpc, sizeof(struct pvpc), 64);
	if (!p->buf || tab_alloc((void **)&p->flow, &p->fmask, 256, sizeof(*p->flow)) ||
	    tab_alloc((void **)&p->ep, &p->emask, 256, sizeof(*p->ep))) {
		top_pcap_close(p);
		return -ENOMEM;
	}
	*out = p;
	/* read the first frame ahead: its time is the start */
	return top_pcap_advance(p, 0, err, errsz) < 0 ? (top_pcap_close(p), *out = NULL, -EIO) : 0;
}

void top_pcap_close(struct top_pcap *p)
{
	if (!p)
		return;
	if (p->pc)
		pcap_close(p->pc);
	free(p->buf);
	gnv_vnicount_free(&p->vpc);
	free(p->flow);
	free(p->ep);
	free(p);
}

int top_pcap_advance(struct top_pcap *p, uint64_t until_ns, char *err, size_t errsz)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int r;

	for (;;) {
		if (p->pending) {
			if (ts_ns(&p->ph) >= until_ns)
				return 0;
			count_frame(p, &p->ph, p->buf);
			p->pending = false;
		}
		if (p->eof)
			return 1;
		r = pcap_next_ex(p->pc, &h, &data);
		if (r == -2 || r == 0) {
			p->eof = true;
			return 1;
		}
		if (r < 0) {
			snprintf(err, errsz, "read error: %s", pcap_geterr(p->pc));
			p->eof = true;
			return -EIO;
		}
		p->ph = *h;
		if (p->ph.caplen > SNAPLEN_MAX)
			p->ph.caplen = SNAPLEN_MAX;
		memcpy(p->buf, data, p->ph.caplen);
		p->pending = true;
		if (!p->start_ns)
			p->start_ns = ts_ns(h);
		if (ts_ns(h) > p->last_ns)
			p->last_ns = ts_ns(h);
	}
}

uint64_t top_pcap_start(const struct top_pcap *p)
{
	return p->start_ns;
}

uint64_t top_pcap_last(const struct top_pcap *p)
{
	return p->last_ns;
}

int top_pcap_snap(struct top_pcap *p, uint64_t t_ns, uint32_t vni, struct top_snap *s)
{
	top_snap_clear(s);
	s->t_ns = t_ns;
	s->start_ns = p->start_ns;
	s->wall_ns = t_ns;
	s->total = p->total;
	s->frames = p->frames;
	s->other = p->other;
	s->eof = p->eof && !p->pending;
	s->flow_vni = vni;
	for (uint32_t i = 0; i < p->vpc.cap; i++) {
		const struct pvpc *pv = gnv_vnicount_slot(&p->vpc, i);
		struct top_vpc *v;

		if (!pv)
			continue;
		v = top_snap_add_vpc(s);
		if (!v)
			return -ENOMEM;
		v->vni = pv->e.vni;
		v->endpoints = pv->eps;
		v->c = pv->c;
	}
	top_snap_canon(s);	/* VPCs by VNI: the active count below looks them up */
	for (uint32_t i = 0; i <= p->fmask; i++) {
		const struct top_flow *f = &p->flow[i].f;
		struct top_vpc *v;
		uint32_t lo = 0, hi = s->nvpc;

		if (!p->flow[i].hash)
			continue;
		if (f->last_ns + TOP_ACTIVE_NS >= t_ns) {
			while (lo < hi) {
				uint32_t mid = (lo + hi) / 2;

				if (s->vpc[mid].vni < f->vni)
					lo = mid + 1;
				else
					hi = mid;
			}
			v = lo < s->nvpc && s->vpc[lo].vni == f->vni ? &s->vpc[lo] : NULL;
			if (v)
				v->flows++;
		}
		if (f->vni == vni) {
			struct top_flow *o = top_snap_add_flow(s);

			if (!o)
				return -ENOMEM;
			*o = *f;
		}
	}
	for (unsigned int c = 0; c < GNV_E__COUNT; c++) {
		struct top_drop *d;

		if (!p->drop[c])
			continue;
		d = top_snap_add_drop(s);
		if (!d)
			return -ENOMEM;
		snprintf(d->reason, sizeof(d->reason), "%s", gnv_err_code(c));
		d->count = p->drop[c];
	}
	top_snap_canon(s);
	return s->oom ? -ENOMEM : 0;
}
