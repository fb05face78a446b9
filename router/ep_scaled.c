/* SPDX-License-Identifier: MIT */
/* Scaled endpoints on the packet path (ep_scaled.h): DNAT pinned in
 * connection tracking, replies rewritten to the VIP. */
#include <string.h>
#include "../libcore/csum.h"
#include "../libcore/cursor.h"
#include "conntrack.h"
#include "ep_scaled.h"

static size_t alen(int family)
{
	return family == 6 ? 16 : 4;
}

void rt_scaled_reclaim(struct rt_tables *t)
{
	if (t->cfg.maglev_retired)
		rt_maglev_reclaim(&t->cfg.maglev_retired);
}

/* ---- packet path ---- */

static void ct_key(struct rt_ct_key *k, uint32_t vni, const struct gnv_layers *l)
{
	size_t n = alen(l->ip.version);

	memset(k, 0, sizeof(*k));
	k->vni = vni;
	k->family = l->ip.version;
	k->proto = l->ip.proto;
	memcpy(k->src, l->ip.src.a, n);
	memcpy(k->dst, l->ip.dst.a, n);
	if (l->ip.fragment)
		return;
	if (k->proto == 6 || k->proto == 17) {
		k->sport = l->l4.sport;
		k->dport = l->l4.dport;
	} else if ((k->proto == 1 && (l->l4.type == 8 || l->l4.type == 0)) ||
		   (k->proto == 58 && (l->l4.type == 128 || l->l4.type == 129))) {
		k->sport = k->dport = l->l4.icmp_id;
	}
}

/*
 * Replace the address at ip_addr (in buf) by to, with the IPv4 header
 * checksum and the TCP/UDP (ICMPv6: pseudo header) checksum updated.
 */
static void rewrite(struct gnv_layers *l, uint8_t *buf, uint8_t *addr, const uint8_t *to)
{
	size_t n = alen(l->ip.version);
	uint8_t *ip = buf + l->ip.off, *l4 = NULL;
	int csum_at = -1;

	if (!l->ip.fragment && l->l4.proto) {
		l4 = buf + l->l4.off;
		if (l->l4.proto == 6)
			csum_at = 16;
		else if (l->l4.proto == 17 && (l->ip.version == 6 || gnv_be16(l4 + 6)))
			csum_at = 6;
		else if (l->l4.proto == 58)
			csum_at = 2;
	}
	for (size_t i = 0; i < n; i += 2) {
		uint16_t o = gnv_be16(addr + i), w = gnv_be16(to + i);

		if (o == w)
			continue;
		if (l->ip.version == 4)
			gnv_put16(ip + 10, csum_update16(gnv_be16(ip + 10), o, w));
		if (csum_at >= 0) {
			uint16_t c = csum_update16(gnv_be16(l4 + csum_at), o, w);

			/* UDP over IPv4: 0 means "no checksum", send 0xffff */
			gnv_put16(l4 + csum_at, l->l4.proto == 17 && !c ? 0xffff : c);
		}
	}
	memcpy(addr, to, n);
}

/* The flow entry's pin is current: same configuration, confirmed in
 * conntrack within RT_SCALED_PIN_FRESH_NS, and no TCP flag that moves the
 * connection's state. */
static bool pin_fresh(const struct rt_tables *t, const struct rt_scaled *sc, const struct rt_flow *f,
		      const struct gnv_layers *l)
{
	return f && f->pin_gen == (uint32_t)t->cfg.gen && f->pin_idx < sc->n &&
	       !rt_scaled_dead(sc, f->pin_idx) &&
	       t->run.now_ns - f->pin_ns < RT_SCALED_PIN_FRESH_NS &&
	       !(l->ip.proto == 6 && (l->l4.flags & 0x07));	/* FIN, SYN, RST */
}

/* The backend index of a forward entry: its cached index while the
 * configuration is the one it was written under, else by address. */
static uint32_t pin_index(const struct rt_tables *t, const struct rt_scaled *sc, struct rt_ct_entry *e)
{
	uint32_t i;

	if (e->rule_in == (uint32_t)t->cfg.gen && e->src_id < sc->n)
		return e->src_id;
	for (i = 0; i < sc->n && memcmp(sc->b[i].addr, e->nat, 16); i++)
		;
	e->src_id = i;
	e->rule_in = (uint32_t)t->cfg.gen;
	return i;
}

int rt_scaled_dnat(struct rt_tables *t, const struct rt_ep *d, struct gnv_layers *l, uint8_t *buf,
		   uint32_t vni, uint32_t hash, bool live, struct rt_flow *f, bool *pinned)
{
	struct rt_scaled *sc = d->sc;
	struct rt_ct *ct = t->run.ct;
	struct rt_ct_key k, rk;
	struct rt_ct_entry *e, *r;
	uint32_t h, i;
	bool reply;

	*pinned = false;
	if (!sc || !ct)
		return -1;
	if (live && pin_fresh(t, sc, f, l)) {
		i = f->pin_idx;
		*pinned = true;
		sc->pinned++;
		f->pin_pkts++;
		f->pin_bytes += l->ip.tot_len;
		goto out;
	}
	ct_key(&k, vni | RT_SCALED_CT_FWD, l);
	h = rt_ct_hash(&k);
	e = rt_ct_find(ct, &k, h, t->run.now_ns, &reply);
	if (e && !reply) {
		/* the backend the flow began with, if it is still one and
		 * not down (health.h: a flow of a dead backend is re-picked) */
		i = pin_index(t, sc, e);
		if (i < sc->n && rt_scaled_dead(sc, i)) {
			if (live)
				sc->hl_repinned++;
		} else if (i < sc->n) {
			*pinned = true;
			if (live) {
				rt_ct_update(e, false, l->l4.flags, l->ip.tot_len, t->run.now_ns);
				sc->pinned++;
				if (f && f->pin_gen == (uint32_t)t->cfg.gen && f->pin_idx == i) {
					e->pkts[0] += f->pin_pkts;
					e->bytes[0] += f->pin_bytes;
				}
			}
			goto pin;
		}
	}
	i = rt_maglev_pick(rt_maglev_get(&sc->tab), hash);
	if (live) {
		/* a pin whose backend left is re-pinned in place (a second
		 * entry for the key would leave the stale one found first) */
		if (!e || reply)
			e = rt_ct_insert(ct, &k, h, t->run.now_ns);
		memcpy(e->nat, sc->b[i].addr, 16);
		e->src_id = i;
		e->rule_eg = UINT32_MAX;
		e->rule_in = (uint32_t)t->cfg.gen;
		rt_ct_update(e, false, l->l4.flags, l->ip.tot_len, t->run.now_ns);
		rk = k;
		rk.vni = vni | RT_SCALED_CT_REV;
		memcpy(rk.dst, sc->b[i].addr, 16);
		r = rt_ct_insert(ct, &rk, rt_ct_hash(&rk), t->run.now_ns);
		memcpy(r->nat, d->ip, 16);
		r->src_id = 0;
		r->rule_eg = r->rule_in = UINT32_MAX;
		rt_ct_update(r, false, l->l4.flags, l->ip.tot_len, t->run.now_ns);
		sc->flows[i]++;
	}
pin:
	if (live && f) {
		f->pin_gen = (uint32_t)t->cfg.gen;
		f->pin_idx = (uint16_t)i;
		f->pin_ns = t->run.now_ns;
		f->pin_pkts = 0;
		f->pin_bytes = 0;
	}
out:
	rewrite(l, buf, buf + l->ip.off + (l->ip.version == 6 ? 24 : 16), sc->b[i].addr);
	memcpy(l->ip.dst.a, sc->b[i].addr, 16);
	return (int)i;
}

bool rt_scaled_reply(struct rt_tables *t, struct gnv_layers *l, uint8_t *buf, uint32_t vni, bool live)
{
	struct rt_ct_key k;
	struct rt_ct_entry *e;
	bool reply;

	if (!t->cfg.nscaled || !t->run.ct)
		return false;
	ct_key(&k, vni | RT_SCALED_CT_REV, l);
	e = rt_ct_find(t->run.ct, &k, rt_ct_hash(&k), t->run.now_ns, &reply);
	if (!e || !reply)
		return false;
	if (live) {
		struct rt_ct_key fk = e->k;
		struct rt_ct_entry *f;
		bool fr;

		rt_ct_update(e, true, l->l4.flags, l->ip.tot_len, t->run.now_ns);
		fk.vni = vni | RT_SCALED_CT_FWD;
		memcpy(fk.dst, e->nat, 16);
		f = rt_ct_find(t->run.ct, &fk, rt_ct_hash(&fk), t->run.now_ns, &fr);
		if (f)
			rt_ct_update(f, true, l->l4.flags, l->ip.tot_len, t->run.now_ns);
	}
	rewrite(l, buf, buf + l->ip.off + (l->ip.version == 6 ? 8 : 12), e->nat);
	memcpy(l->ip.src.a, e->nat, 16);
	return true;
}
