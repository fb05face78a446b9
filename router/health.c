/* SPDX-License-Identifier: MIT */
/* Health of scaled endpoints' backends (health.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include "../libcore/cursor.h"
#include "../libcore/emit.h"
#include "../libcore/opt_genv.h"
#include "config.h"
#include "dpath.h"
#include "health.h"
#include "scaled.h"

static uint64_t ms_ns(uint32_t ms, uint32_t dflt)
{
	return (uint64_t)(ms ? ms : dflt) * 1000000ull;
}

static bool same_addr(const struct gnv_addr *a, const struct gnv_addr *b)
{
	return a->family == b->family && !memcmp(a->a, b->a, a->family == 6 ? 16 : 4);
}

static struct rt_health *get(struct rt_tables *t)
{
	if (!t->hl)
		t->hl = calloc(1, sizeof(*t->hl) + t->cfg.lim.max_hosts * sizeof(t->hl->h[0]));
	return t->hl;
}

void rt_hl_clear_stats(struct rt_tables *t)
{
	if (t->hl)
		memset(&t->hl->st, 0, sizeof(t->hl->st));
}

/* The probe state of host index hi, (re)taken when the slot's address
 * is not the one it was taken for. */
static struct rt_hl_host *host_state(struct rt_tables *t, struct rt_health *hl, uint16_t hi)
{
	struct rt_hl_host *h = &hl->h[hi];
	const struct gnv_addr *a = &t->cfg.host[hi].addr;

	if (!h->used || !same_addr(&h->addr, a)) {
		memset(h, 0, sizeof(*h));
		h->used = true;
		h->addr = *a;
		h->since_ns = t->run.now_ns;
		h->interval_ns = UINT64_MAX;
	}
	return h;
}

static bool host_alive(const struct rt_hl_host *h, uint64_t now, uint64_t timeout_ns)
{
	return now - (h->answer_ns ? h->answer_ns : h->since_ns) < timeout_ns;
}

/* Backend i of ep: true when up (or not probed); the hosts it needs are
 * marked wanted with ep's interval. */
static bool backend_check(struct rt_tables *t, struct rt_health *hl, const struct rt_ep *ep, uint32_t i)
{
	const struct rt_ep *b = rt_ep_find(t, ep->vni, ep->family, ep->sc->b[i].addr);
	uint64_t iv = ms_ns(ep->sc->hc.interval_ms, RT_HL_INTERVAL_MS);
	uint64_t to = ms_ns(ep->sc->hc.timeout_ms, RT_HL_TIMEOUT_MS);
	bool alive = false;

	if (!b || b->port >= 0 || !b->nhost)
		return true;
	for (unsigned int k = 0; k < b->nhost; k++) {
		struct rt_hl_host *h;

		if (rt_host_is_self(t, b->host[k]))
			return true;
		h = host_state(t, hl, b->host[k]);
		if (!h->want || iv < h->interval_ns)
			h->interval_ns = iv;
		if (!h->want)
			h->vni = ep->vni;
		h->want = true;
		alive |= host_alive(h, t->run.now_ns, to);
	}
	return alive;
}

/* Backend i of ep is a remote endpoint whose every host is marked down
 * (its router's lease in the store expired: store_live.c). */
static bool backend_host_down(const struct rt_tables *t, const struct rt_ep *ep, uint32_t i)
{
	const struct rt_ep *b = rt_ep_find(t, ep->vni, ep->family, ep->sc->b[i].addr);

	if (!b || b->port >= 0 || !b->nhost)
		return false;
	for (unsigned int k = 0; k < b->nhost; k++)
		if (rt_host_is_self(t, b->host[k]) || !t->cfg.host[b->host[k]].down)
			return false;
	return true;
}

/* The backends' states: health checks (hl; NULL: off) and the store's
 * host marks; the table is rebuilt without the down ones when a state
 * changed. */
static void endpoint_tick(struct rt_tables *t, struct rt_health *hl, struct rt_ep *ep)
{
	struct rt_scaled *sc = ep->sc;
	bool changed = sc->hl_dirty;

	for (uint32_t i = 0; i < sc->n; i++) {
		bool sick = hl && !backend_check(t, hl, ep, i);	/* marks the hosts to probe */
		uint8_t down = backend_host_down(t, ep, i) ? RT_SC_DOWN_HOST : sick ? RT_SC_DOWN_HEALTH : 0;

		if (down == sc->down[i])
			continue;
		if (!down != !sc->down[i]) {
			sc->ndown += down ? 1 : (uint32_t)-1;
			if (down)
				sc->hl_down++;
			else
				sc->hl_up++;
			if (hl && down)
				hl->st.down++;
			else if (hl)
				hl->st.up++;
		}
		sc->down[i] = down;
		changed = true;
	}
	if (changed) {
		sc->hl_dirty = true;
		rt_scaled_settle(sc, &t->cfg.maglev_retired);	/* out of memory: next tick */
	}
}

int rt_hl_build(uint16_t cls, uint32_t vni, bool answer, uint32_t seq, uint8_t *buf, size_t size)
{
	struct gnv_health h = { .answer = answer, .seq = seq };
	struct gnv_optbuf ob;
	size_t need = GNV_HDR_SIZE + GENV_HEALTH_OPT_SIZE;

	if (size < need)
		return -ENOSPC;
	memset(buf, 0, need);
	buf[0] = GENV_HEALTH_OPT_SIZE / 4;
	buf[1] = 0x80;		/* O: a control packet, no C bit */
	gnv_put16(buf + 2, ETH_P_TEB);
	gnv_put24(buf + 4, vni);
	gnv_optbuf_init(&ob, buf + GNV_HDR_SIZE, GENV_HEALTH_OPT_SIZE);
	if (gnv_opt_health_put(&ob, cls, &h) < 0)
		return -ENOSPC;
	return (int)need;
}

void rt_hl_tick(struct rt_tables *t, const struct rt_runtime_ops *ops)
{
	struct rt_health *hl = NULL;	/* set at the first endpoint that checks */
	uint64_t now = t->run.now_ns;
	uint8_t buf[GNV_HDR_SIZE + GENV_HEALTH_OPT_SIZE];
	bool any = false, marks = false;	/* marks: a host is marked down (store) */
	uint32_t seen = 0;

	if (!t->cfg.nscaled && !t->hl)
		return;
	for (uint32_t i = 0; i < t->cfg.lim.max_hosts && !marks && t->cfg.nscaled; i++)
		marks = t->cfg.host[i].down;
	/* the endpoints with backends number nscaled: stop at the last one
	 * (slots are handed out from index 0 up, so rarely the whole table) */
	for (uint32_t e = 0; e < t->cfg.lim.max_eps && seen < t->cfg.nscaled; e++) {
		struct rt_ep *ep = &t->cfg.ep[e];

		if (!ep->used || !ep->sc)
			continue;
		seen++;
		if (ep->type != EP_SCALED)
			continue;
		if (!ep->sc->hc.on) {
			/* no checks: only the store's marks take backends out, and
			 * a backend out for a mark that cleared comes back; with
			 * neither, rt_scaled_settle (normally done by the command) */
			if (marks || ep->sc->ndown)
				endpoint_tick(t, NULL, ep);
			else
				rt_scaled_settle(ep->sc, &t->cfg.maglev_retired);
			continue;
		}
		if (!any && !(hl = get(t)))
			return;		/* out of memory: no checks this tick */
		any = true;
		endpoint_tick(t, hl, ep);
	}
	if (!t->hl)
		return;
	hl = t->hl;
	for (uint32_t i = 0; i < t->cfg.lim.max_hosts; i++) {
		struct rt_hl_host *h = &hl->h[i];
		int n;

		if (!h->used)
			continue;
		if (!h->want) {
			h->used = false;	/* no endpoint needs it any more */
			continue;
		}
		h->want = false;
		if (h->sent_ns && now - h->sent_ns < h->interval_ns)
			continue;
		n = rt_hl_build(t->cfg.lim.genv_class, h->vni, false, h->seq + 1, buf, sizeof(buf));
		if (n < 0 || !ops || !ops->ul_send ||
		    ops->ul_send(ops->ctx, &h->addr, buf, (size_t)n, 0, t->cfg.self.ttl, 0) < 0)
			continue;
		h->seq++;
		h->sent_ns = now;
		hl->st.probes_sent++;
	}
}

enum rt_drop rt_hl_on_control(struct rt_tables *t, const struct gnv_addr *from,
			      const struct gnv_pkt *pk, const uint8_t *payload, bool live,
			      bool *taken, char *why, size_t whysz)
{
	const struct gnv_opt *o = gnv_geneve_opt(&pk->gnv, t->cfg.lim.genv_class, GENV_OPT_HEALTH);
	struct rt_health *hl;
	struct gnv_health k;
	const struct rt_vpc *v;
	int hi;

	*taken = false;
	if (!o)
		return RT_DROP_NONE;
	*taken = true;
	if (gnv_opt_health_get(payload + o->off + GNV_OPT_HDR_SIZE, o->size, &k)) {
		snprintf(why, whysz, "health option of %u bytes, not %d", o->size, GENV_HEALTH_SIZE);
		if (live && (hl = get(t)))
			hl->st.malformed++;
		return RT_DROP_HEALTH_MALFORMED;
	}
	if (k.answer) {
		struct rt_hl_host *h;

		hi = rt_host_find(t, from);
		hl = t->hl;
		h = hl && hi >= 0 ? &hl->h[hi] : NULL;
		if (!h || !h->used || !h->sent_ns || !same_addr(&h->addr, from) || h->seq - k.seq >= RT_HL_SEQ_WINDOW) {
			snprintf(why, whysz, "health answer %u: no request of ours to that host", k.seq);
			if (live && hl)
				hl->st.stale++;
			return RT_DROP_NONE;
		}
		/* a dry run (genv trace packet) records nothing: say what a live one would */
		snprintf(why, whysz, live ? "health answer %u" :
			 "health answer %u: would mark the host answering (dry run: nothing recorded)", k.seq);
		if (live) {
			h->answer_ns = t->run.now_ns;
			hl->st.answers++;
		}
		return RT_DROP_NONE;
	}
	v = rt_vpc_find(t, pk->gnv.vni);
	if (!v || rt_dp_trusted(t, rt_vpc_index(t, v), from) < 0) {
		snprintf(why, whysz, "health request from a host that is no configured host of vpc %u",
			 pk->gnv.vni);
		if (live && (hl = get(t)))
			hl->st.untrusted++;
		return RT_DROP_HEALTH_UNTRUSTED;
	}
	if (!live) {
		snprintf(why, whysz, "health request %u: would be answered (dry run: nothing sent)", k.seq);
		return RT_DROP_NONE;
	}
	snprintf(why, whysz, "health request %u: answered", k.seq);
	if (!(hl = get(t)))
		return RT_DROP_NONE;
	hl->st.requests++;
	if (hl->nout == RT_HL_OUTBOX) {
		snprintf(why, whysz, "health request %u: not answered (outbox full)", k.seq);
		hl->st.outbox_full++;
		return RT_DROP_NONE;
	}
	hl->out[hl->nout].to = *from;
	hl->out[hl->nout].vni = pk->gnv.vni;
	hl->out[hl->nout].seq = k.seq;
	hl->nout++;
	return RT_DROP_NONE;
}

void rt_hl_send(struct rt_tables *t, const struct rt_runtime_ops *ops)
{
	struct rt_health *hl = t->hl;
	uint8_t buf[GNV_HDR_SIZE + GENV_HEALTH_OPT_SIZE];

	if (!hl)
		return;
	for (unsigned int i = 0; i < hl->nout; i++) {
		int n = rt_hl_build(t->cfg.lim.genv_class, hl->out[i].vni, true, hl->out[i].seq, buf,
				    sizeof(buf));

		if (n < 0 || !ops || !ops->ul_send ||
		    ops->ul_send(ops->ctx, &hl->out[i].to, buf, (size_t)n, 0, t->cfg.self.ttl, 0) < 0)
			continue;
		hl->st.answers_sent++;
	}
	hl->nout = 0;
}

const char *rt_hl_backend_state(const struct rt_tables *t, const struct rt_ep *ep, uint32_t i,
				int64_t *age_ms)
{
	const struct rt_scaled *sc = ep->sc;
	const struct rt_ep *b = rt_ep_find(t, ep->vni, ep->family, sc->b[i].addr);
	uint64_t best = 0;

	*age_ms = -1;
	if (sc->down[i] == RT_SC_DOWN_HOST)
		return "host-down";
	if (b && b->port >= 0)
		return "local";
	if (!b || !b->nhost || !t->hl)
		return sc->down[i] ? "down" : "unprobed";
	for (unsigned int k = 0; k < b->nhost; k++) {
		const struct rt_hl_host *h = &t->hl->h[b->host[k]];

		if (rt_host_is_self(t, b->host[k]))
			return "local";
		if (h->used && same_addr(&h->addr, &t->cfg.host[b->host[k]].addr) && h->answer_ns > best)
			best = h->answer_ns;
	}
	if (best)
		*age_ms = (int64_t)((t->run.now_ns - best) / 1000000ull);
	return sc->down[i] ? "down" : "up";
}

void rt_hl_emit_stats(const struct rt_tables *t, struct gnv_emit *e)
{
	static const struct rt_hl_stats zero;
	const struct rt_hl_stats *s = t->hl ? &t->hl->st : &zero;

	gnv_emit_obj_open(e, "health", "health");
#define RT_X(n, d) gnv_emit_u64(e, #n, " " #n " %llu", s->n);
	RT_HL_COUNTERS(RT_X)
#undef RT_X
	gnv_emit_obj_close(e, "\n");
}
