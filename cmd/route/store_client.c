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
	char err[1024], first[RT_STORE_KEY_MAX] = "";
	size_t nkeys = 0;
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
	sbuf_printf(&body, "{\"compare\":[%s],\"success\":[%s]}", sbuf_str(&cmp), sbuf_str(&ops));
	/* tests/net/store.sh: hold the write between read and transaction,
	 * so two writers of one object overlap for sure */
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
	if (rt_store_post(&h, "/v3/kv/txn", sbuf_str(&body), &tr, err, sizeof(err))) {
		gerr(g, "store %s: %s; nothing written", a->url, err);
		goto out;
	}
	if (!tr.succeeded) {
		gerr(g, "conflict: %s%s changed since it was read at revision %lld; nothing written (read again and retry)",
		     nkeys > 1 ? "one of the keys, as " : "", first, (long long)v.r.rev);
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
