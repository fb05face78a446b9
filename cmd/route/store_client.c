/* SPDX-License-Identifier: MIT */
/*
 * Writers of the etcd store (store_client.h): read the prefix, rebuild its
 * objects on scratch tables, run the commands there, write what changed
 * as one compare-and-swap transaction.
 *
 * The client speaks etcd's JSON gateway with libcurl and jansson (as the
 * router does, router/store_http.c) rather than gRPC: Debian has no C
 * gRPC client of etcd's API (grpc's C core has no stable public API and
 * would need protobuf code generated from etcd's .proto files), while the
 * gateway is part of every etcd server, HTTP/1.1 with TLS comes from
 * libcurl, and jansson is already a dependency.
 * Layer: cmd; calls router/store*, router config/tables, libcore sbuf, num and libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "../../libcore/num.h"
#include "../../libcore/sbuf.h"
#include "../../router/config.h"
#include "../../router/lang.h"
#include "../../router/store.h"
#include "store_client.h"

/* One key of the store as read. */
struct skey {
	const struct rt_store_kv *kv;
	char obj[RT_STORE_OBJ_MAX];
	int kind;
};

struct sview {
	struct rt_store_resp r;
	struct skey *k;
	size_t n;
};

static const struct rt_store_kv *view_find(const struct sview *v, const char *key)
{
	for (size_t i = 0; i < v->r.n; i++)	/* keys come sorted; few writes: linear is fine */
		if (!strcmp(v->r.kv[i].key, key))
			return &v->r.kv[i];
	return NULL;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct skey *x = a, *y = b;
	int r = rt_store_obj_rank(x->obj) - rt_store_obj_rank(y->obj);

	return r ? r : strcmp(x->obj, y->obj);
}

/* The store's objects onto scratch tables t, as router host_id would
 * see them (its own scope over the global keys). */
static void view_build(struct genv_ctx *g, struct sview *v, const struct rt_store_conf *c,
		       const char *host_id, struct rt_tables *t)
{
	struct sbuf out = SBUF_INIT;
	char err[512];

	v->k = calloc(v->r.n ? v->r.n : 1, sizeof(*v->k));
	if (!v->k)
		return;
	for (size_t i = 0; i < v->r.n; i++) {
		struct skey *k = &v->k[v->n];

		k->kv = &v->r.kv[i];
		k->kind = rt_store_key_parse(c->prefix, k->kv->key, host_id, k->obj, sizeof(k->obj));
		if (k->kind != RT_SK_GLOBAL && k->kind != RT_SK_OWN)
			continue;
		if (rt_store_value_check(k->obj, k->kv->value, k->kv->vsize, err, sizeof(err))) {
			if (g->verbose)
				fprintf(g->err, "genv route: store key '%s': %s (ignored)\n", k->kv->key, err);
			continue;
		}
		v->n++;
	}
	qsort(v->k, v->n, sizeof(*v->k), cmp_rank);
	for (size_t i = 0; i < v->n; i++) {
		/* a host's own key replaces the global one of the same object */
		if (i + 1 < v->n && !strcmp(v->k[i].obj, v->k[i + 1].obj) && v->k[i].kind != RT_SK_OWN)
			continue;
		if (i && !strcmp(v->k[i].obj, v->k[i - 1].obj) && v->k[i].kind != RT_SK_OWN)
			continue;
		sbuf_reset(&out);
		if (rt_cmd_exec(t, NULL, v->k[i].kv->value, false, &out) && g->verbose)
			fprintf(g->err, "genv route: store key '%s': %s (ignored)\n", v->k[i].kv->key, sbuf_str(&out));
	}
	sbuf_free(&out);
}

/* The key object obj is written to. */
static int key_for(const struct rt_store_conf *c, const char *host_id, const char *obj, char *key,
		   size_t n, const struct sview *v)
{
	int rank = rt_store_obj_rank(obj);
	char own[RT_STORE_KEY_MAX];

	if (rank <= 1 && !host_id)
		return -EINVAL;
	if (rank <= 1 || (host_id && !strncmp(obj, "ep/", 3)))
		return rt_store_key_of(c->prefix, host_id, obj, key, n);
	/* a host's own version of it goes first, when there is one */
	if (host_id && !rt_store_key_of(c->prefix, host_id, obj, own, sizeof(own)) && view_find(v, own))
		return snprintf(key, n, "%s", own) >= (int)n ? -ENAMETOOLONG : 0;
	return rt_store_key_of(c->prefix, NULL, obj, key, n);
}

static void add_compare(struct sbuf *cmp, const char *k64, const struct rt_store_kv *kv)
{
	if (kv)
		sbuf_printf(cmp, "%s{\"key\":\"%s\",\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":\"%lld\"}",
			    cmp->len ? "," : "", k64, (long long)kv->mod_rev);
	else
		sbuf_printf(cmp, "%s{\"key\":\"%s\",\"target\":\"VERSION\",\"result\":\"EQUAL\",\"version\":\"0\"}",
			    cmp->len ? "," : "", k64);
}

/* Put (value) or delete (NULL) key into the transaction. */
static int txn_add(struct sbuf *cmp, struct sbuf *ops, const char *key, const char *value,
		   const struct rt_store_kv *kv)
{
	char *k64 = rt_store_b64_encode(key, strlen(key));
	char *v64 = value ? rt_store_b64_encode(value, strlen(value)) : NULL;

	if (!k64 || (value && !v64)) {
		free(k64);
		return -ENOMEM;
	}
	add_compare(cmp, k64, kv);
	if (value)
		sbuf_printf(ops, "%s{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}}", ops->len ? "," : "", k64, v64);
	else
		sbuf_printf(ops, "%s{\"request_delete_range\":{\"key\":\"%s\"}}", ops->len ? "," : "", k64);
	free(k64);
	free(v64);
	return 0;
}

/* ---- identities (genv-store(5), Identities) ---- */

/* The identity keys as last read: the view's, or a read of them alone
 * after a lost race. */
struct idview {
	const struct rt_store_resp *r;
	struct rt_store_resp again;
	uint32_t floor;			/* above every number allocated by this write */
	char keys[32][RT_STORE_KEY_MAX];	/* compared in the write: at most 32 label sets */
	size_t nkeys;
};

static const struct rt_store_kv *resp_find(const struct rt_store_resp *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->kv[i].key, key))
			return &r->kv[i];
	return NULL;
}

/* The highest number of VPC vni in the identity-ids keys of r. */
static uint32_t ident_max(const struct rt_store_conf *c, const struct rt_store_resp *r, uint32_t vni)
{
	char pfx[RT_STORE_KEY_MAX];
	size_t pl = (size_t)snprintf(pfx, sizeof(pfx), "%sv1/identity-ids/%u/", c->prefix, vni);
	uint32_t max = 0;
	uint64_t u;

	for (size_t i = 0; i < r->n; i++)
		if (!strncmp(r->kv[i].key, pfx, pl) && !num_parse_u64(r->kv[i].key + pl, 0, UINT32_MAX, &u) &&
		    u > max)
			max = (uint32_t)u;
	return max;
}

static void cmp_create0(struct sbuf *cmp, const char *k64)
{
	sbuf_printf(cmp, "%s{\"key\":\"%s\",\"target\":\"CREATE\",\"result\":\"EQUAL\",\"create_revision\":\"0\"}",
		    cmp->len ? "," : "", k64);
}

/*
 * The store's number for label set d (d->vni, ns, labels) into d->id and
 * the mod revision of its identities key into *mod: the one there, or a
 * new one put with its identity-ids key in a transaction of its own that
 * creates both (create_revision 0); a lost race reads the identity keys
 * again and takes the winner's number, or tries the next free one.
 * 0, or an exit status with the error written.
 */
static int ident_alloc(struct genv_ctx *g, const struct rt_store_conf *c, struct rt_store_http *h,
		       struct idview *iv, struct rt_store_ident *d, int64_t *mod)
{
	char kl[RT_STORE_KEY_MAX], ki[RT_STORE_KEY_MAX], err[512], obj[RT_STORE_OBJ_MAX];

	for (int attempt = 0; attempt < 16; attempt++) {
		const struct rt_store_kv *kv;
		struct rt_store_resp tr = { 0 };
		struct rt_store_ident got;
		struct sbuf cmp = SBUF_INIT, body = SBUF_INIT;
		char *l64, *i64, *lv = NULL, *iv64 = NULL, num[16], idval[RT_STORE_IDENT_NS_MAX + RT_STORE_IDENT_LABELS_MAX + 8];
		uint32_t n;
		int r;

		d->id = 1;	/* the keys' number part is set below */
		if (rt_store_ident_keys(c->prefix, d, kl, ki, sizeof(kl))) {
			gerr(g, "labels '%s' in namespace %s: the identity key is too long; nothing written", d->labels, d->ns);
			return EXIT_FAIL;
		}
		if ((kv = resp_find(iv->r, kl))) {
			if (rt_store_key_parse(c->prefix, kl, NULL, obj, sizeof(obj)) != RT_SK_IDENT ||
			    rt_store_ident_parse(obj, kv->value, kv->vsize, &got, err, sizeof(err))) {
				gerr(g, "store key '%s': %s; nothing written", kl, err);
				return EXIT_FAIL;
			}
			d->id = got.id;
			*mod = kv->mod_rev;
			return 0;
		}
		n = ident_max(c, iv->r, d->vni);
		n = n >= UINT32_MAX - 1 ? 0 : n + 1;
		if (n < RT_STORE_IDENT_MIN)
			n = RT_STORE_IDENT_MIN;
		if (n < iv->floor)
			n = iv->floor;
		if (!n) {
			gerr(g, "VPC %u: no identity number left; nothing written", d->vni);
			return EXIT_FAIL;
		}
		d->id = n;
		rt_store_ident_keys(c->prefix, d, kl, ki, sizeof(kl));
		snprintf(num, sizeof(num), "%u", n);
		snprintf(idval, sizeof(idval), "%s %s", d->ns, d->labels[0] ? d->labels : "none");
		l64 = rt_store_b64_encode(kl, strlen(kl));
		i64 = rt_store_b64_encode(ki, strlen(ki));
		lv = rt_store_b64_encode(num, strlen(num));
		iv64 = rt_store_b64_encode(idval, strlen(idval));
		if (l64 && i64 && lv && iv64) {
			cmp_create0(&cmp, l64);
			cmp_create0(&cmp, i64);
			sbuf_printf(&body, "{\"compare\":[%s],\"success\":[{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}},"
				    "{\"request_put\":{\"key\":\"%s\",\"value\":\"%s\"}}]}",
				    sbuf_str(&cmp), l64, lv, i64, iv64);
		}
		r = !l64 || !i64 || !lv || !iv64 || body.oom ? -ENOMEM
							      : rt_store_post(h, "/v3/kv/txn", sbuf_str(&body), &tr, err, sizeof(err));
		free(l64);
		free(i64);
		free(lv);
		free(iv64);
		sbuf_free(&cmp);
		sbuf_free(&body);
		if (r == -ENOMEM) {
			gerr(g, "out of memory");
			return EXIT_FAIL;
		}
		if (r) {
			gerr(g, "store %s: identity of labels '%s': %s; nothing written", c->member[0], d->labels, err);
			rt_store_resp_free(&tr);
			return EXIT_FAIL;
		}
		if (tr.succeeded) {
			*mod = tr.rev;
			iv->floor = n + 1;
			if (g->verbose)
				fprintf(g->err, "genv route: identity %u allocated to labels '%s' in namespace %s of VPC %u\n", n,
					d->labels, d->ns, d->vni);
			rt_store_resp_free(&tr);
			return 0;
		}
		rt_store_resp_free(&tr);
		/* another writer took the label set or the number: read the
		 * identity keys again */
		rt_store_resp_free(&iv->again);
		snprintf(kl, sizeof(kl), "%sv1/identit", c->prefix);
		if (rt_store_range(h, kl, 0, &iv->again, err, sizeof(err))) {
			gerr(g, "store %s: %s; nothing written", c->member[0], err);
			return EXIT_FAIL;
		}
		iv->r = &iv->again;
	}
	gerr(g, "labels '%s': no identity number after 16 tries (busy writers); nothing written", d->labels);
	return EXIT_FAIL;
}

/*
 * Give every endpoint of after that this write changes the store's
 * number of its label set (`identity N`, on the scratch tables t), and
 * compare the identities keys used in the write (a gc that removed one
 * meanwhile makes the write a conflict).  0 or an exit status.
 */
static int pin_identities(struct genv_ctx *g, const struct rt_store_conf *c, struct rt_store_http *h,
			  struct idview *iv, struct rt_tables *t, const struct rt_store_objs *before,
			  const struct rt_store_objs *after, struct sbuf *cmp, bool *changed)
{
	struct sbuf out = SBUF_INIT;
	int ret = 0;

	*changed = false;
	for (size_t i = 0; i < after->n && !ret; i++) {
		const char *line = after->v[i].line, *old = rt_store_objs_find(before, after->v[i].obj);
		char ip[64], cmd[160], kl[RT_STORE_KEY_MAX], ki[RT_STORE_KEY_MAX];
		struct rt_store_ident d = { 0 };
		const struct rt_ident *id;
		const struct rt_ep *e;
		uint8_t a[16] = { 0 };
		const char *p;
		uint64_t u;
		uint32_t vni;
		int64_t mod = 0;
		size_t k;
		int fam;

		if (strncmp(after->v[i].obj, "ep/", 3) || (old && !strcmp(old, line)))
			continue;
		/* "add ep VNI IP ..." (a dump line of the scratch tables) */
		if (strncmp(line, "add ep ", 7) || num_parse_lead(line + 7, 1, 0xFFFFFF, &u, &p) || *p != ' ' ||
		    (k = strcspn(p + 1, " ")) >= sizeof(ip))
			continue;
		vni = (uint32_t)u;
		memcpy(ip, p + 1, k);
		ip[k] = 0;
		fam = inet_pton(AF_INET, ip, a) == 1 ? 4 : inet_pton(AF_INET6, ip, a) == 1 ? 6 : 0;
		e = fam ? rt_ep_find(t, vni, fam, a) : NULL;
		if (!e || e->ident == RT_NONE)
			continue;
		id = &t->cfg.ident[e->ident];
		d.vni = vni;
		snprintf(d.ns, sizeof(d.ns), "%s", t->cfg.ns[e->ns].name);
		if (snprintf(d.labels, sizeof(d.labels), "%s", id->labels->text) >= (int)sizeof(d.labels)) {
			gerr(g, "labels '%.64s...': longer than %d bytes, too long for the store's identity keys; nothing written",
			     id->labels->text, RT_STORE_IDENT_LABELS_MAX - 1);
			ret = EXIT_USAGE;
			break;
		}
		ret = ident_alloc(g, c, h, iv, &d, &mod);
		if (ret)
			break;
		rt_store_ident_keys(c->prefix, &d, kl, ki, sizeof(kl));
		for (k = 0; k < iv->nkeys && strcmp(iv->keys[k], kl); k++)
			;
		if (k == iv->nkeys) {
			char *k64 = rt_store_b64_encode(kl, strlen(kl));

			if (iv->nkeys == sizeof(iv->keys) / sizeof(iv->keys[0]) || !k64) {
				gerr(g, "more than %zu new label sets in one write: split it; nothing written",
				     sizeof(iv->keys) / sizeof(iv->keys[0]));
				free(k64);
				ret = EXIT_USAGE;
				break;
			}
			snprintf(iv->keys[iv->nkeys++], RT_STORE_KEY_MAX, "%s", kl);
			sbuf_printf(cmp, "%s{\"key\":\"%s\",\"target\":\"MOD\",\"result\":\"EQUAL\",\"mod_revision\":\"%lld\"}",
				    cmp->len ? "," : "", k64, (long long)mod);
			free(k64);
		}
		if (id->pinned && id->id == d.id)
			continue;
		snprintf(cmd, sizeof(cmd), "set ep %u %s identity %u", vni, ip, d.id);
		sbuf_reset(&out);
		if (rt_cmd_exec(t, NULL, cmd, false, &out)) {
			gerr(g, "%s: %s; nothing written", cmd, sbuf_str(&out));
			ret = EXIT_FAIL;
			break;
		}
		*changed = true;
	}
	sbuf_free(&out);
	return ret;
}

/* The transaction of compares cmp and operations ops (its JSON in body)
 * posted, its reply in tr.  0, or -1 with the error written ("...;
 * nothing WHAT"). */
static int txn_post(struct genv_ctx *g, struct rt_store_http *h, const char *url, struct sbuf *cmp,
		    struct sbuf *ops, struct sbuf *body, struct rt_store_resp *tr, const char *what)
{
	char err[1024];

	sbuf_printf(body, "{\"compare\":[%s],\"success\":[%s]}", sbuf_str(cmp), sbuf_str(ops));
	if (rt_store_post(h, "/v3/kv/txn", sbuf_str(body), tr, err, sizeof(err))) {
		gerr(g, "store %s: %s; nothing %s", url, err, what);
		return -1;
	}
	return 0;
}

/* An 'add' of an object the scratch tables hold, as a replacement. */
static int upsert(struct rt_tables *t, const char *line, struct sbuf *out)
{
	struct rt_store_objs cur;
	char obj[RT_STORE_OBJ_MAX], err[256];
	const char *old;
	bool scoped;
	int r;

	if (rt_store_obj_of_line(line, obj, sizeof(obj), &scoped, err, sizeof(err)) || rt_store_objs_load(&cur, t))
		return rt_cmd_exec(t, NULL, line, false, out);
	old = rt_store_objs_find(&cur, obj);
	r = old ? rt_store_change(t, NULL, obj, old, line, out) : rt_cmd_exec(t, NULL, line, false, out);
	rt_store_objs_free(&cur);
	return r;
}

int store_write(struct genv_ctx *g, const struct store_args *a, char *const *lines, size_t n,
		bool upsert_adds)
{
	struct rt_store_conf c;
	struct rt_store_http h = { 0 };
	struct sview v = { 0 };
	struct rt_store_objs before = { 0 }, after = { 0 };
	struct rt_store_resp tr = { 0 };
	struct sbuf out = SBUF_INIT, cmp = SBUF_INIT, ops = SBUF_INIT, body = SBUF_INIT;
	struct rt_tables *t = NULL;
	struct idview iv = { .r = &v.r };
	char err[1024], first[RT_STORE_KEY_MAX] = "";
	size_t nkeys = 0;
	bool pinned;
	int ret = EXIT_FAIL, r;

	if (rt_store_conf_parse(&c, a->url, a->prefix, a->cacert, a->cert, a->key, err, sizeof(err))) {
		gerr(g, "%s", err);
		return EXIT_USAGE;
	}
	t = rt_tables_new(NULL);
	if (!t || rt_store_http_init(&h, &c)) {
		gerr(g, "out of memory");
		goto out;
	}
	if (rt_store_range(&h, c.prefix, 0, &v.r, err, sizeof(err))) {
		gerr(g, "store %s: %s; nothing written", a->url, err);
		goto out;
	}
	/* tests/net/store.sh: hold the write between read and transactions,
	 * so two writers overlap for sure */
	if (getenv("GENV_STORE_TEST_DELAY_MS")) {
		const char *d = getenv("GENV_STORE_TEST_DELAY_MS");
		uint32_t ms;

		if (num_parse_u32(d, 0, 60000, &ms)) {
			gerr(g, "GENV_STORE_TEST_DELAY_MS '%s': not 0 to 60000 milliseconds; nothing written", d);
			ret = EXIT_USAGE;
			goto out;
		}
		usleep((useconds_t)ms * 1000);
	}
	view_build(g, &v, &c, a->host_id, t);
	if (rt_store_objs_load(&before, t)) {
		gerr(g, "out of memory");
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		sbuf_reset(&out);
		r = upsert_adds && !strncmp(lines[i], "add ", 4) ? upsert(t, lines[i], &out)
								 : rt_cmd_exec(t, NULL, lines[i], false, &out);
		if (r) {
			if (n > 1)
				gerr(g, "command %zu: %s; nothing written", i + 1, sbuf_str(&out));
			else
				gerr(g, "%s; nothing written", sbuf_str(&out));
			ret = r == -EINVAL || r == -ERANGE ? EXIT_USAGE : EXIT_FAIL;
			goto out;
		}
	}
	if (rt_store_objs_load(&after, t)) {
		gerr(g, "out of memory");
		goto out;
	}
	/* the endpoints written get their label set's number from the store */
	r = pin_identities(g, &c, &h, &iv, t, &before, &after, &cmp, &pinned);
	if (r) {
		ret = r;
		goto out;
	}
	if (pinned) {
		rt_store_objs_free(&after);
		if (rt_store_objs_load(&after, t)) {
			gerr(g, "out of memory");
			goto out;
		}
	}
	/* what changed: objects of after not in before or different, and
	 * objects of before gone from after */
	for (int pass = 0; pass < 2; pass++) {
		const struct rt_store_objs *x = pass ? &before : &after, *y = pass ? &after : &before;

		for (size_t i = 0; i < x->n; i++) {
			const char *other = rt_store_objs_find(y, x->v[i].obj);
			char key[RT_STORE_KEY_MAX];

			if (pass ? other != NULL : (other && !strcmp(other, x->v[i].line)))
				continue;
			if (!strcmp(x->v[i].obj, "host") && !strcmp(x->v[i].line, "set host"))
				continue;	/* an unconfigured host */
			if (key_for(&c, a->host_id, x->v[i].obj, key, sizeof(key), &v)) {
				gerr(g, "%s: an object of one host: give --host-id; nothing written", x->v[i].line);
				ret = EXIT_USAGE;
				goto out;
			}
			if (txn_add(&cmp, &ops, key, pass ? NULL : x->v[i].line, view_find(&v, key)))
				goto out;
			if (!nkeys++)
				snprintf(first, sizeof(first), "%s", key);
		}
	}
	if (!nkeys) {
		ret = EXIT_OK;
		if (g->json)
			out_write(g, "{\"schema\":1,\"ok\":true,\"keys\":0}\n", 32);
		goto out;
	}
	{
		char key[RT_STORE_KEY_MAX];
		const struct rt_store_kv *sk;

		snprintf(key, sizeof(key), "%sv1/schema", c.prefix);
		sk = view_find(&v, key);
		if (sk && strcmp(sk->value, RT_STORE_SCHEMA)) {
			gerr(g, "store key '%s' is '%.32s': this genv writes schema %s; nothing written", key,
			     sk->value, RT_STORE_SCHEMA);
			goto out;
		}
		if (!sk && txn_add(&cmp, &ops, key, RT_STORE_SCHEMA, NULL))
			goto out;
	}
	if (txn_post(g, &h, a->url, &cmp, &ops, &body, &tr, "written"))
		goto out;
	if (!tr.succeeded) {
		gerr(g, "conflict: %s%s changed since it was read at revision %lld%s; nothing written (read again and retry)",
		     nkeys > 1 ? "one of the keys, as " : "", first, (long long)v.r.rev,
		     iv.nkeys ? " (or an identity it uses was removed by route gc)" : "");
		goto out;
	}
	ret = EXIT_OK;
	if (g->json) {
		sbuf_reset(&out);
		sbuf_printf(&out, "{\"schema\":1,\"ok\":true,\"keys\":%zu,\"revision\":%lld}\n", nkeys, (long long)tr.rev);
		out_write(g, sbuf_str(&out), out.len);
	} else if (g->verbose) {
		fprintf(g->err, "genv route: %zu key%s written at revision %lld\n", nkeys, nkeys == 1 ? "" : "s",
			(long long)tr.rev);
	}
out:
	rt_store_resp_free(&tr);
	rt_store_resp_free(&iv.again);
	rt_store_resp_free(&v.r);
	free(v.k);
	rt_store_objs_free(&before);
	rt_store_objs_free(&after);
	sbuf_free(&out);
	sbuf_free(&cmp);
	sbuf_free(&ops);
	sbuf_free(&body);
	if (t)
		rt_tables_free(t);
	rt_store_http_free(&h);
	rt_store_conf_free(&c);
	return ret;
}

/* A compare that no key of [prefix+sub, its end) changed after rev. */
static int cmp_range_before(struct sbuf *cmp, const char *prefix, const char *sub, int64_t rev)
{
	char p[RT_STORE_KEY_MAX];
	char *k64, *e64;

	snprintf(p, sizeof(p), "%s%s", prefix, sub);
	k64 = rt_store_b64_encode(p, strlen(p));
	e64 = rt_store_prefix_end_b64(p);
	if (k64 && e64)
		sbuf_printf(cmp, "%s{\"key\":\"%s\",\"range_end\":\"%s\",\"target\":\"MOD\",\"result\":\"LESS\",\"mod_revision\":\"%lld\"}",
			    cmp->len ? "," : "", k64, e64, (long long)rev + 1);
	free(k64);
	free(e64);
	return k64 && e64 ? 0 : -ENOMEM;
}

struct used_id {
	uint32_t vni, id;
};

static bool id_used(const struct used_id *u, size_t n, uint32_t vni, uint32_t id)
{
	for (size_t i = 0; i < n; i++)
		if (u[i].vni == vni && u[i].id == id)
			return true;
	return false;
}

int store_gc(struct genv_ctx *g, const struct store_args *a)
{
	struct rt_store_conf c;
	struct rt_store_http h = { 0 };
	struct rt_store_resp v = { 0 }, tr = { 0 };
	struct sbuf cmp = SBUF_INIT, ops = SBUF_INIT, body = SBUF_INIT, out = SBUF_INIT;
	struct used_id *used = NULL;
	size_t nused = 0, removed = 0;
	char err[1024], obj[RT_STORE_OBJ_MAX];
	int ret = EXIT_FAIL;

	if (rt_store_conf_parse(&c, a->url, a->prefix, a->cacert, a->cert, a->key, err, sizeof(err))) {
		gerr(g, "%s", err);
		return EXIT_USAGE;
	}
	if (rt_store_http_init(&h, &c)) {
		gerr(g, "out of memory");
		goto out;
	}
	if (rt_store_range(&h, c.prefix, 0, &v, err, sizeof(err))) {
		gerr(g, "store %s: %s; nothing removed", a->url, err);
		goto out;
	}
	used = calloc(v.n ? v.n : 1, sizeof(*used));
	if (!used) {
		gerr(g, "out of memory");
		goto out;
	}
	/* the numbers the endpoints use, every host's scope included */
	for (size_t i = 0; i < v.n; i++) {
		int kind = rt_store_key_parse(c.prefix, v.kv[i].key, NULL, obj, sizeof(obj));
		const char *end;
		uint64_t vni;
		uint32_t id;
		int r;

		if ((kind != RT_SK_GLOBAL && kind != RT_SK_OTHER) || strncmp(obj, "ep/", 3) || !v.kv[i].value)
			continue;
		r = rt_store_ep_identity(v.kv[i].value, &id);
		if (r == -ENOENT)
			continue;
		if (r || num_parse_lead(obj + 3, 1, 0xFFFFFF, &vni, &end) || *end != '/') {
			gerr(g, "store key '%s': its identity is no number 1..4294967295; nothing removed", v.kv[i].key);
			goto out;
		}
		used[nused++] = (struct used_id){ (uint32_t)vni, id };
	}
	/* the identities no endpoint uses, both keys, each compared */
	for (size_t i = 0; i < v.n; i++) {
		struct rt_store_ident d;
		char kl[RT_STORE_KEY_MAX], ki[RT_STORE_KEY_MAX];
		const struct rt_store_kv *other;

		if (rt_store_key_parse(c.prefix, v.kv[i].key, NULL, obj, sizeof(obj)) != RT_SK_IDENT)
			continue;
		if (rt_store_ident_parse(obj, v.kv[i].value, v.kv[i].vsize, &d, err, sizeof(err))) {
			if (!g->quiet)
				fprintf(g->err, "genv route: store key '%s': %s (left alone)\n", v.kv[i].key, err);
			continue;
		}
		if (id_used(used, nused, d.vni, d.id) || rt_store_ident_keys(c.prefix, &d, kl, ki, sizeof(kl)))
			continue;
		/* an identity-ids key goes with its identities key; alone
		 * (no such key, or one that names another number) too */
		if (d.by_id && (other = resp_find(&v, kl))) {
			struct rt_store_ident o;
			char oo[RT_STORE_OBJ_MAX];

			if (rt_store_key_parse(c.prefix, kl, NULL, oo, sizeof(oo)) == RT_SK_IDENT &&
			    !rt_store_ident_parse(oo, other->value, other->vsize, &o, err, sizeof(err)) && o.id == d.id)
				continue;	/* removed with it */
		}
		if (txn_add(&cmp, &ops, v.kv[i].key, NULL, &v.kv[i])) {
			gerr(g, "out of memory");
			goto out;
		}
		removed++;
		if (!d.by_id && (other = resp_find(&v, ki)) && txn_add(&cmp, &ops, ki, NULL, other)) {
			gerr(g, "out of memory");
			goto out;
		}
		if (g->verbose)
			fprintf(g->err, "genv route: identity %u of labels '%s' in namespace %s of VPC %u: no endpoint uses it\n",
				d.id, d.labels[0] ? d.labels : "none", d.ns, d.vni);
	}
	if (removed) {
		/* no endpoint written since the read: one that took a number
		 * removed here would be left with it */
		if (cmp_range_before(&cmp, c.prefix, "v1/ep/", v.rev) ||
		    cmp_range_before(&cmp, c.prefix, "v1/hosts/", v.rev)) {
			gerr(g, "out of memory");
			goto out;
		}
		if (txn_post(g, &h, a->url, &cmp, &ops, &body, &tr, "removed"))
			goto out;
		if (!tr.succeeded) {
			gerr(g, "conflict: an endpoint or identity changed since revision %lld; nothing removed (run gc again)",
			     (long long)v.rev);
			goto out;
		}
	}
	ret = EXIT_OK;
	if (g->json)
		sbuf_printf(&out, "{\"schema\":1,\"ok\":true,\"identities_removed\":%zu,\"revision\":%lld}\n", removed,
			    (long long)(removed ? tr.rev : v.rev));
	else if (!g->quiet)
		sbuf_printf(&out, "%zu identit%s removed\n", removed, removed == 1 ? "y" : "ies");
	out_write(g, sbuf_str(&out), out.len);
out:
	free(used);
	rt_store_resp_free(&tr);
	rt_store_resp_free(&v);
	sbuf_free(&cmp);
	sbuf_free(&ops);
	sbuf_free(&body);
	sbuf_free(&out);
	rt_store_http_free(&h);
	rt_store_conf_free(&c);
	return ret;
}

int store_batch(struct genv_ctx *g, const struct store_args *a, const char *file)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "r") : stdin;
	char **lines = NULL, *line = NULL;
	size_t n = 0, cap = 0, lcap = 0;
	ssize_t len;
	int ret;

	if (!f) {
		gerr(g, "cannot open '%s': %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	while ((len = getline(&line, &lcap, f)) >= 0) {
		char *s = line + strspn(line, " \t");

		while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
			line[--len] = 0;
		if (!*s || *s == '#')
			continue;
		if (n == cap) {
			char **nl = realloc(lines, (cap = cap ? cap * 2 : 64) * sizeof(*nl));

			if (!nl)
				break;
			lines = nl;
		}
		if (!(lines[n] = strdup(s)))
			break;
		n++;
	}
	ret = ferror(f) ? (gerr(g, "cannot read '%s': %s", file, strerror(errno)), EXIT_FAIL)
			: store_write(g, a, lines, n, false);
	if (f != stdin)
		fclose(f);
	for (size_t i = 0; i < n; i++)
		free(lines[i]);
	free(lines);
	free(line);
	return ret;
}
