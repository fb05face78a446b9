/* SPDX-License-Identifier: MIT */
/*
 * Liveness through the store (store_live.h): the lease thread, the
 * routers seen, and their marks on the tables.
 * Layer: router; calls store_http, store_kv, dpcache, prefix (rt_addr_fmt),
 * libcore json/sbuf, pthreads and libc.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "dpcache.h"
#include "prefix.h"
#include "store_live.h"

static bool live_stopping(struct rt_live *l)
{
	bool stop;

	pthread_mutex_lock(&l->mu);
	stop = l->stop;
	pthread_mutex_unlock(&l->mu);
	return stop;
}

static uint64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void live_error(struct rt_live *l, const char *what, const char *err)
{
	pthread_mutex_lock(&l->mu);
	snprintf(l->error, sizeof(l->error), "%s: %.300s", what, err);
	pthread_mutex_unlock(&l->mu);
}

static void wake_loop(struct rt_live *l)
{
	uint64_t one = 1;

	(void)!write(l->efd, &one, sizeof(one));
}

/* Grant a lease: 0 with *id, *ttl; or -errno. */
static int grant(struct rt_live *l, struct rt_store_http *h, int64_t *id, int64_t *ttl)
{
	struct rt_store_resp r;
	char body[64], err[512];
	int ret;

	snprintf(body, sizeof(body), "{\"TTL\":\"%lld\"}", (long long)l->ttl_asked);
	ret = rt_store_post(h, "/v3/lease/grant", body, &r, err, sizeof(err));
	if (!ret && (r.lease_id <= 0 || r.ttl <= 0)) {
		snprintf(err, sizeof(err), "the reply has no lease ID or TTL");
		ret = -EIO;
	}
	rt_store_resp_free(&r);
	if (ret) {
		live_error(l, "lease grant", err);
		return ret;
	}
	*id = r.lease_id;
	*ttl = r.ttl;
	pthread_mutex_lock(&l->mu);
	l->lease = *id;
	l->ttl = *ttl;
	l->grants++;
	l->error[0] = 0;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

/* Put the status key with the lease. */
static int put_status(struct rt_live *l, struct rt_store_http *h, const char *key,
		      const char *status, int64_t lease)
{
	char *k = rt_store_b64_encode(key, strlen(key)), *v = rt_store_b64_encode(status, strlen(status));
	char *body = NULL, err[512];
	struct rt_store_resp r;
	int ret = -ENOMEM;

	if (k && v && asprintf(&body, "{\"key\":\"%s\",\"value\":\"%s\",\"lease\":\"%lld\"}", k, v,
			       (long long)lease) >= 0) {
		ret = rt_store_post(h, "/v3/kv/put", body, &r, err, sizeof(err));
		rt_store_resp_free(&r);
		if (ret)
			live_error(l, "status put", err);
	}
	free(k);
	free(v);
	free(body);
	if (!ret) {
		pthread_mutex_lock(&l->mu);
		l->puts++;
		pthread_mutex_unlock(&l->mu);
	}
	return ret;
}

/* Refresh the lease: 0 alive, -ENOENT expired, other -errno: not heard. */
static int keepalive(struct rt_live *l, struct rt_store_http *h, int64_t lease)
{
	struct rt_store_resp r;
	char body[64], err[512];
	int ret;

	snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", (long long)lease);
	ret = rt_store_post(h, "/v3/lease/keepalive", body, &r, err, sizeof(err));
	if (!ret && r.ttl <= 0) {
		snprintf(err, sizeof(err), "lease %lld expired", (long long)lease);
		ret = -ENOENT;
	}
	rt_store_resp_free(&r);
	if (ret) {
		live_error(l, "lease keepalive", err);
		return ret;
	}
	pthread_mutex_lock(&l->mu);
	l->keepalives++;
	l->ttl = r.ttl;
	l->error[0] = 0;
	pthread_mutex_unlock(&l->mu);
	return 0;
}

static void *lease_thread(void *arg)
{
	struct rt_live *l = arg;
	struct rt_store_http h;
	char key[RT_STORE_KEY_MAX];
	int64_t lease = 0, ttl = l->ttl_asked;
	uint64_t put_gen = 0, next_ka = 0;
	long backoff = 100;

	if (rt_store_http_init(&h, l->conf)) {
		live_error(l, "lease", "out of memory");
		return NULL;
	}
	snprintf(key, sizeof(key), "%sv1/status/hosts/%s", l->conf->prefix, l->host_id);
	while (!live_stopping(l)) {
		char *status;
		uint64_t gen, now, until;

		pthread_mutex_lock(&l->mu);
		status = l->status ? strdup(l->status) : NULL;
		gen = l->gen;
		pthread_mutex_unlock(&l->mu);
		if (!status) {	/* the loop composes it when woken */
			wake_loop(l);
			poll(NULL, 0, 50);
			continue;
		}
		if (!lease && grant(l, &h, &lease, &ttl)) {
			free(status);
			goto wait;
		}
		if (put_gen != gen || !put_gen) {
			if (put_status(l, &h, key, status, lease)) {
				/* the lease may have expired (etcd: not found): a new one */
				lease = 0;
				free(status);
				goto wait;
			}
			put_gen = gen;
			if (!next_ka)
				next_ka = mono_ms() + (uint64_t)ttl * 1000 / 3;
		}
		free(status);
		if (mono_ms() >= next_ka) {
			int r = keepalive(l, &h, lease);

			if (r == -ENOENT) {
				lease = 0;
				put_gen = 0;
				next_ka = 0;
				continue;
			}
			if (r)
				goto wait;
			next_ka = mono_ms() + (uint64_t)ttl * 1000 / 3;
			backoff = 100;
			wake_loop(l);	/* the loop recomposes the status */
		}
		/* until the next keepalive, or sooner when the status changes */
		for (now = mono_ms(), until = next_ka; now < until && !live_stopping(l); now = mono_ms()) {
			bool changed;

			pthread_mutex_lock(&l->mu);
			changed = l->gen != gen;
			pthread_mutex_unlock(&l->mu);
			if (changed)
				break;
			poll(NULL, 0, until - now < 50 ? (int)(until - now) : 50);
		}
		continue;
wait:
		for (long t = 0; t < backoff && !live_stopping(l); t += 50)
			poll(NULL, 0, 50);
		backoff = backoff < 1000 ? backoff * 2 : 1000;
	}
	if (lease) {	/* a clean stop: the others see this host go now */
		struct rt_store_conf quick = *l->conf;	/* a stop waits 1 s a member at most */
		struct rt_store_resp r;
		char body[64], err[512];

		quick.timeout_ms = 1000;
		h.conf = &quick;
		snprintf(body, sizeof(body), "{\"ID\":\"%lld\"}", (long long)lease);
		if (!rt_store_post(&h, "/v3/lease/revoke", body, &r, err, sizeof(err)))
			rt_store_resp_free(&r);
	}
	rt_store_http_free(&h);
	return NULL;
}

int rt_live_start(struct rt_live *l, const struct rt_store_conf *c, const char *host_id,
		  unsigned int ttl, int efd,
		  void (*log)(int, const char *, ...))
{
	int r;

	memset(l, 0, sizeof(*l));
	l->conf = c;
	l->host_id = host_id;
	l->ttl_asked = ttl ? ttl : RT_LIVE_TTL_S;
	l->efd = efd;
	l->log = log;
	pthread_mutex_init(&l->mu, NULL);
	if (!host_id)
		return 0;
	r = -pthread_create(&l->thr, NULL, lease_thread, l);
	if (r)
		return r;
	l->started = true;
	return 0;
}

void rt_live_stop(struct rt_live *l)
{
	if (l->started) {
		pthread_mutex_lock(&l->mu);
		l->stop = true;
		pthread_mutex_unlock(&l->mu);
		pthread_join(l->thr, NULL);
		l->started = false;
	}
	free(l->status);
	free(l->h);
	pthread_mutex_destroy(&l->mu);
	memset(l, 0, sizeof(*l));
}

/* ---- the loop: routers seen ---- */

static struct rt_live_host *host_of(struct rt_live *l, const char *id, bool add)
{
	for (size_t i = 0; i < l->n; i++)
		if (!strcmp(l->h[i].id, id))
			return &l->h[i];
	if (!add || strlen(id) >= sizeof(l->h[0].id))
		return NULL;
	if (l->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 16;
		struct rt_live_host *h = realloc(l->h, cap * sizeof(*h));

		if (!h)
			return NULL;
		l->h = h;
		l->cap = cap;
	}
	memset(&l->h[l->n], 0, sizeof(l->h[0]));
	snprintf(l->h[l->n].id, sizeof(l->h[0].id), "%s", id);
	return &l->h[l->n++];
}

static void set_up(struct rt_live *l, struct rt_live_host *h, bool up)
{
	if (h->up == up)
		return;
	h->up = up;
	h->since = time(NULL);
	l->dirty = true;
	if (up)
		l->ups++;
	else
		l->downs++;
	if (l->log) {
		char a[64] = "no address";

		if (h->family)
			rt_addr_fmt(a, sizeof(a), h->family, h->addr);
		l->log(up ? 2 : 1, /* RT_LOG_INFO, RT_LOG_WARN */ "store: host %s (%s) is %s", h->id, a,
		       up ? "up: its status key is there" : "down: its status key is gone (lease expired or revoked)");
	}
}

void rt_live_take(struct rt_live *l, const char *id, const struct rt_store_kv *kv, int64_t rev)
{
	struct rt_live_host *h;
	char err[256];

	if (l->host_id && !strcmp(id, l->host_id))
		return;	/* this router */
	h = host_of(l, id, kv->value != NULL);
	if (!h)
		return;	/* a delete of a host never seen */
	h->seen = true;
	if (rev < h->rev)
		return;
	h->rev = rev;
	if (kv->value) {
		uint8_t fam, addr[16];

		if (rt_store_status_parse(kv->value, kv->vsize, &fam, addr, err, sizeof(err))) {
			l->malformed++;
			if (l->log)
				l->log(1, "store: status of host %.64s: %s", id, err);
		} else if (fam != h->family || memcmp(addr, h->addr, 16)) {
			h->family = fam;
			memcpy(h->addr, addr, 16);
			l->dirty = true;
		}
	}
	set_up(l, h, kv->value != NULL);
}

void rt_live_full(struct rt_live *l, bool begin, int64_t rev)
{
	for (size_t i = 0; i < l->n; i++) {
		if (begin)
			l->h[i].seen = false;
		else if (!l->h[i].seen && l->h[i].up && l->h[i].rev <= rev) {
			l->h[i].rev = rev;
			set_up(l, &l->h[i], false);
		}
	}
}

static bool addr_down(const struct rt_live *l, const struct gnv_addr *a)
{
	bool down = false;

	/* the newest word on an address wins: a host id may move */
	for (size_t i = 0; i < l->n; i++)
		if (l->h[i].family == a->family && !memcmp(l->h[i].addr, a->a, a->family == 6 ? 16 : 4)) {
			if (l->h[i].up)
				return false;
			down = true;
		}
	return down;
}

void rt_live_sync(struct rt_live *l, struct rt_tables *t)
{
	uint32_t hosts = 0, eps = 0;

	for (uint32_t i = 0; i < t->cfg.lim.max_hosts; i++) {
		struct rt_host *h = &t->cfg.host[i];
		bool down = h->refs && addr_down(l, &h->addr);

		if (down && !h->down)
			l->dp_dropped += rt_dp_invalidate_host(&t->dp, &h->addr);
		h->down = down;
		hosts += down;
	}
	if (hosts)
		for (uint32_t i = 0; i < t->cfg.lim.max_eps; i++) {
			const struct rt_ep *ep = &t->cfg.ep[i];
			unsigned int k;

			if (!ep->used || ep->port >= 0 || !ep->nhost)
				continue;
			for (k = 0; k < ep->nhost && t->cfg.host[ep->host[k]].down; k++)
				;
			eps += k == ep->nhost;
		}
	l->hosts_down = hosts;
	l->eps_down = eps;
	l->dirty = false;
}

void rt_live_publish(struct rt_live *l, const struct rt_tables *t)
{
	struct sbuf b = SBUF_INIT;
	struct json j;
	char a[64];

	if (!l->started)
		return;
	json_init(&j, &b, false);
	json_obj_open(&j, NULL);
	json_str(&j, "host_id", l->host_id);
	json_str(&j, "addr", t->cfg.self.addr_set ? rt_addr_fmt(a, sizeof(a), t->cfg.self.addr.family,
								    t->cfg.self.addr.a) : "");
	json_i64(&j, "ttl", l->ttl_asked);
	json_arr_open(&j, "ports");
	for (uint32_t i = 0; i < t->cfg.lim.max_ports; i++) {
		const struct rt_port *p = &t->cfg.port[i];

		if (!p->used)
			continue;
		json_obj_open(&j, NULL);
		json_str(&j, "name", p->name);
		json_arr_open(&j, "endpoints");
		for (unsigned int k = 0; k < p->nep; k++) {
			const struct rt_ep *ep = &t->cfg.ep[p->ep[k]];
			char s[96];

			snprintf(s, sizeof(s), "%u/%s", ep->vni, rt_addr_fmt(a, sizeof(a), ep->family, ep->ip));
			json_str(&j, NULL, s);
		}
		json_arr_close(&j);
		json_obj_close(&j);
	}
	json_arr_close(&j);
	json_obj_close(&j);
	if (b.oom) {
		sbuf_free(&b);
		return;
	}
	pthread_mutex_lock(&l->mu);
	if (!l->status || strcmp(l->status, sbuf_str(&b))) {
		free(l->status);
		l->status = strdup(sbuf_str(&b));
		l->gen++;
	}
	pthread_mutex_unlock(&l->mu);
	sbuf_free(&b);
}

/* ---- show ---- */

void rt_live_show_json(struct rt_live *l, struct json *j)
{
	time_t now = time(NULL);
	char a[64];

	pthread_mutex_lock(&l->mu);
	json_obj_open(j, "lease");
	json_i64(j, "id", l->lease);
	json_i64(j, "ttl", l->ttl);
	json_i64(j, "ttl_asked", l->ttl_asked);
	json_u64(j, "grants", l->grants);
	json_u64(j, "keepalives", l->keepalives);
	json_u64(j, "status_puts", l->puts);
	json_str(j, "error", l->error);
	json_obj_close(j);
	pthread_mutex_unlock(&l->mu);
	json_arr_open(j, "hosts");
	for (size_t i = 0; i < l->n; i++) {
		const struct rt_live_host *h = &l->h[i];

		json_obj_open(j, NULL);
		json_str(j, "id", h->id);
		json_str(j, "addr", h->family ? rt_addr_fmt(a, sizeof(a), h->family, h->addr) : "");
		json_bool(j, "up", h->up);
		json_i64(j, "since_s", h->since ? (int64_t)(now - h->since) : -1);
		json_obj_close(j);
	}
	json_arr_close(j);
	json_u64(j, "hosts_down", l->hosts_down);
	json_u64(j, "eps_unreachable", l->eps_down);
	json_u64(j, "host_downs", l->downs);
	json_u64(j, "host_ups", l->ups);
	json_u64(j, "status_malformed", l->malformed);
	json_u64(j, "dpcache_dropped", l->dp_dropped);
}

void rt_live_show_text(struct rt_live *l, struct sbuf *out)
{
	time_t now = time(NULL);
	char a[64];

	pthread_mutex_lock(&l->mu);
	if (l->started)
		sbuf_printf(out, "    lease %lld ttl %llds (asked %llds)  grants %llu  keepalives %llu  status puts %llu%s%s\n",
			    (long long)l->lease, (long long)l->ttl, (long long)l->ttl_asked,
			    (unsigned long long)l->grants,
			    (unsigned long long)l->keepalives, (unsigned long long)l->puts,
			    l->error[0] ? "  error: " : "", l->error);
	pthread_mutex_unlock(&l->mu);
	sbuf_printf(out, "    hosts down %u  endpoints unreachable %u  downs %llu  ups %llu  dpcache dropped %llu\n",
		    l->hosts_down, l->eps_down, (unsigned long long)l->downs, (unsigned long long)l->ups,
		    (unsigned long long)l->dp_dropped);
	for (size_t i = 0; i < l->n; i++) {
		const struct rt_live_host *h = &l->h[i];

		sbuf_printf(out, "    host %s %s %s for %llds\n", h->id,
			    h->family ? rt_addr_fmt(a, sizeof(a), h->family, h->addr) : "-", h->up ? "up" : "down",
			    h->since ? (long long)(now - h->since) : 0LL);
	}
}
