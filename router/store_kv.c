/* SPDX-License-Identifier: MIT */
/*
 * The etcd store's keys, values and gateway replies (store_kv.h), parsed
 * from untrusted bytes with every field checked where it is used.
 * Layer: router; calls lang (rt_lang_split), jansson and libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "../libcore/num.h"
#include "../libcore/sbuf.h"
#include "labels.h"
#include "lang.h"
#include "store_kv.h"

/* ---- keys ---- */

/* Append word w to obj as a key word (% and / escaped). */
static int key_word(char *obj, size_t n, size_t *off, const char *w)
{
	for (; *w; w++) {
		int k = *w == '%' || *w == '/' ? snprintf(obj + *off, n - *off, "%%%02X", (unsigned char)*w)
					       : snprintf(obj + *off, n - *off, "%c", *w);

		if (k < 0 || (size_t)k >= n - *off)
			return -ENAMETOOLONG;
		*off += (size_t)k;
	}
	return 0;
}

static int obj_build(char *obj, size_t n, const char *type, const char *a, const char *b)
{
	size_t off = 0;
	int r = snprintf(obj, n, "%s/", type);

	if (r < 0 || (size_t)r >= n)
		return -ENAMETOOLONG;
	off = (size_t)r;
	r = key_word(obj, n, &off, a);
	if (!r && b) {
		if (off + 2 > n)
			return -ENAMETOOLONG;
		obj[off++] = '/';
		obj[off] = 0;
		r = key_word(obj, n, &off, b);
	}
	return r;
}

/* The first words of line (blanks separate them, as rt_lang_split does):
 * their count, at most max; -1 when one is longer than the buffers. */
static int first_words(const char *line, char (*w)[RT_STORE_OBJ_MAX], int max)
{
	int n = 0;

	for (const char *p = line; *p && n < max;) {
		size_t len;

		p += strspn(p, " \t\r\n");
		if (!*p || *p == '#')
			break;
		len = strcspn(p, " \t\r\n");
		if (len >= RT_STORE_OBJ_MAX)
			return -1;
		memcpy(w[n], p, len);
		w[n++][len] = 0;
		p += len;
	}
	return n;
}

/* Only the words that name the object are read here (the router's tables
 * parse the rest when the line is applied): this runs for every line of
 * a dump, on each reply. */
int rt_store_obj_of_line(const char *line, char *obj, size_t n, bool *scoped, char *err,
			 size_t errsz)
{
	static const char *const two[] = { "net", "ns", "ep", "policy", NULL };
	char w[4][RT_STORE_OBJ_MAX];
	int nw = first_words(line, w, 4), r;

	*scoped = false;
	if (nw < 0) {
		snprintf(err, errsz, "a word longer than %d bytes", RT_STORE_OBJ_MAX - 1);
		return -EINVAL;
	}
	if (nw >= 2 && !strcmp(w[0], "set") && !strcmp(w[1], "host")) {
		*scoped = true;
		return snprintf(obj, n, "host") >= (int)n ? -ENAMETOOLONG : 0;
	}
	if (nw < 3 || strcmp(w[0], "add")) {
		snprintf(err, errsz, "expected an 'add' or 'set host' command");
		return -EINVAL;
	}
	if (!strcmp(w[1], "port") || !strcmp(w[1], "vpc")) {
		*scoped = w[1][0] == 'p';
		r = obj_build(obj, n, w[1], w[2], NULL);
	} else if (rt_lang_is_word(w[1], two)) {
		if (nw < 4) {
			snprintf(err, errsz, "add %s: missing its name after word 3", w[1]);
			return -EINVAL;
		}
		r = obj_build(obj, n, w[1], w[2], w[3]);
	} else {
		snprintf(err, errsz, "word 2 '%.32s': not an object of the store", w[1]);
		return -EINVAL;
	}
	if (r)
		snprintf(err, errsz, "the object's key is too long");
	return r;
}

int rt_store_key_of(const char *prefix, const char *host_id, const char *obj, char *key, size_t n)
{
	int r = host_id ? snprintf(key, n, "%sv1/hosts/%s/%s", prefix, host_id, obj)
			: snprintf(key, n, "%sv1/%s", prefix, obj);

	return r < 0 || (size_t)r >= n ? -ENAMETOOLONG : 0;
}

/* Does obj have the shape of an object of schema 1 (type and words)? */
static bool obj_shape_ok(const char *obj, bool scoped)
{
	static const char *const one[] = { "vpc", "port", NULL };
	static const char *const two[] = { "net", "ns", "ep", "policy", NULL };
	char type[16];
	const char *s = strchr(obj, '/'), *t;
	size_t len;

	if (!strcmp(obj, "host"))
		return scoped;
	if (!s || (len = (size_t)(s - obj)) >= sizeof(type) || !s[1])
		return false;
	memcpy(type, obj, len);
	type[len] = 0;
	t = strchr(s + 1, '/');
	if (rt_lang_is_word(type, one))
		return !t && scoped == !strcmp(type, "port");
	if (!rt_lang_is_word(type, two) || !t || !t[1] || strchr(t + 1, '/') || t == s + 1)
		return false;
	return !scoped || !strcmp(type, "ep");
}

int rt_store_key_parse(const char *prefix, const char *key, const char *host_id, char *obj,
		       size_t n)
{
	size_t pl = strlen(prefix);
	const char *k, *id, *slash;
	bool own;

	if (strncmp(key, prefix, pl) || strncmp(key + pl, "v1/", 3))
		return RT_SK_UNKNOWN;
	k = key + pl + 3;
	if (!strcmp(k, "schema"))
		return RT_SK_SCHEMA;
	if (!strncmp(k, "identities/", 11) || !strncmp(k, "identity-ids/", 13)) {
		if (strlen(k) >= n)
			return RT_SK_UNKNOWN;
		memcpy(obj, k, strlen(k) + 1);	/* shorter than n: checked above */
		return RT_SK_IDENT;
	}
	if (!strncmp(k, "status/hosts/", 13)) {
		id = k + 13;
		if (!*id || strchr(id, '/') || strlen(id) >= n)
			return RT_SK_UNKNOWN;
		memcpy(obj, id, strlen(id) + 1);	/* shorter than n: checked above */
		return RT_SK_STATUS;
	}
	if (strncmp(k, "hosts/", 6)) {
		if (strlen(k) >= n || !obj_shape_ok(k, false))
			return RT_SK_UNKNOWN;
		/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above */
		strcpy(obj, k);
		return RT_SK_GLOBAL;
	}
	id = k + 6;
	slash = strchr(id, '/');
	if (!slash || slash == id || strlen(slash + 1) >= n || !obj_shape_ok(slash + 1, true))
		return RT_SK_UNKNOWN;
	own = host_id && strlen(host_id) == (size_t)(slash - id) && !strncmp(id, host_id, (size_t)(slash - id));
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above */
	strcpy(obj, slash + 1);
	return own ? RT_SK_OWN : RT_SK_OTHER;
}

/* Key word back to a command word (%25 -> %, %2F -> /). */
static int unkey(const char *s, size_t len, char *out, size_t n)
{
	size_t o = 0;

	for (size_t i = 0; i < len; i++) {
		char c = s[i];

		if (c == '%') {
			if (i + 2 >= len)
				return -EINVAL;
			if (!strncmp(s + i, "%25", 3))
				c = '%';
			else if (!strncmp(s + i, "%2F", 3))
				c = '/';
			else
				return -EINVAL;
			i += 2;
		}
		if (o + 1 >= n)
			return -ENAMETOOLONG;
		out[o++] = c;
	}
	out[o] = 0;
	return 0;
}

int rt_store_del_of(const char *obj, char *cmd, size_t n)
{
	char a[RT_STORE_OBJ_MAX], b[RT_STORE_OBJ_MAX];
	const char *s = strchr(obj, '/'), *t;

	if (!s)
		return -EINVAL;
	t = strchr(s + 1, '/');
	if (unkey(s + 1, t ? (size_t)(t - s - 1) : strlen(s + 1), a, sizeof(a)) ||
	    (t && unkey(t + 1, strlen(t + 1), b, sizeof(b))))
		return -EINVAL;
	if (snprintf(cmd, n, "del %.*s %s%s%s", (int)(s - obj), obj, a, t ? " " : "", t ? b : "") >= (int)n)
		return -ENAMETOOLONG;
	return 0;
}

int rt_store_value_check(const char *obj, const char *value, size_t size, char *err,
			 size_t errsz)
{
	char got[RT_STORE_OBJ_MAX];
	bool scoped;
	int r;

	if (strlen(value) != size) {
		snprintf(err, errsz, "a NUL byte in the value");
		return -EINVAL;
	}
	for (size_t i = 0; i < size; i++)
		if ((unsigned char)value[i] < 0x20 && value[i] != '\t') {
			snprintf(err, errsz, "a control byte (0x%02x) at offset %zu of the value",
				 (unsigned char)value[i], i);
			return -EINVAL;
		}
	r = rt_store_obj_of_line(value, got, sizeof(got), &scoped, err, errsz);
	if (r)
		return r;
	if (strcmp(got, obj)) {
		snprintf(err, errsz, "the value sets %.100s, the key names %.100s", got, obj);
		return -EINVAL;
	}
	return 0;
}

/* ---- identities ---- */

int rt_store_ident_keys(const char *prefix, const struct rt_store_ident *d, char *by_labels,
			char *by_id, size_t n)
{
	char vni[16], obj[RT_STORE_OBJ_MAX];
	size_t off;
	int r;

	snprintf(vni, sizeof(vni), "%u", d->vni);
	r = obj_build(obj, sizeof(obj), "identities", vni, d->ns);
	off = strlen(obj);
	if (!r && off + 2 < sizeof(obj)) {
		obj[off++] = '/';
		obj[off] = 0;
		r = key_word(obj, sizeof(obj), &off, d->labels[0] ? d->labels : "none");
	} else if (!r) {
		r = -ENAMETOOLONG;
	}
	if (r || rt_store_key_of(prefix, NULL, obj, by_labels, n))
		return -ENAMETOOLONG;
	snprintf(obj, sizeof(obj), "identity-ids/%u/%010u", d->vni, d->id);
	return rt_store_key_of(prefix, NULL, obj, by_id, n);
}

/* A decimal number lo..hi of exactly the bytes [s, s + len) (no sign, no
 * blank; leading zeros only when digits is set: the 10-digit key form). */
static int dec_word(const char *s, size_t len, uint64_t lo, uint64_t hi, size_t digits, uint64_t *v)
{
	char buf[24];

	if (!len || len >= sizeof(buf) || (digits && len != digits) || (!digits && len > 1 && s[0] == '0'))
		return -EINVAL;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
	memcpy(buf, s, len);
	buf[len] = 0;
	return num_parse_u64(buf, lo, hi, v);
}

/* The labels word of a key or value: "none" is the empty set. */
static int labels_word(const char *s, size_t len, char *out, size_t n)
{
	if (!len || len >= n || memchr(s, ' ', len) || memchr(s, '\t', len))
		return -EINVAL;
	if (len == 4 && !memcmp(s, "none", 4)) {
		out[0] = 0;
		return 0;
	}
	memcpy(out, s, len);
	out[len] = 0;
	return strchr(out, '=') ? 0 : -EINVAL;
}

#define IFAIL(...) do { snprintf(err, errsz, __VA_ARGS__); return -EINVAL; } while (0)

int rt_store_ident_parse(const char *obj, const char *value, size_t size, struct rt_store_ident *d,
			 char *err, size_t errsz)
{
	const char *p, *s, *t;
	uint64_t u;

	memset(d, 0, sizeof(*d));
	d->by_id = !strncmp(obj, "identity-ids/", 13);
	p = obj + (d->by_id ? 13 : strncmp(obj, "identities/", 11) ? 0 : 11);
	if (p == obj)
		IFAIL("not an identity key");
	s = strchr(p, '/');
	if (!s || dec_word(p, (size_t)(s - p), 1, 0xFFFFFF, 0, &u))
		IFAIL("key: expected a VNI after %s", d->by_id ? "identity-ids/" : "identities/");
	d->vni = (uint32_t)u;
	s++;
	if (d->by_id) {
		if (dec_word(s, strlen(s), 1, UINT32_MAX, 10, &u))
			IFAIL("key: expected a 10-digit identity number after the VNI");
		d->id = (uint32_t)u;
	} else {
		char w[RT_STORE_IDENT_LABELS_MAX];

		t = strchr(s, '/');
		if (!t || unkey(s, (size_t)(t - s), d->ns, sizeof(d->ns)) || !rt_dns_label_ok(d->ns))
			IFAIL("key: expected a namespace (a DNS label) after the VNI");
		if (strchr(t + 1, '/') || unkey(t + 1, strlen(t + 1), w, sizeof(w)) ||
		    labels_word(w, strlen(w), d->labels, sizeof(d->labels)))
			IFAIL("key: expected a label set (k=v,... or none) after the namespace");
	}
	if (strlen(value) != size)
		IFAIL("a NUL byte in the value");
	if (!d->by_id) {
		if (dec_word(value, size, 1, UINT32_MAX, 0, &u))
			IFAIL("value '%.32s': expected an identity number 1..4294967295", value);
		d->id = (uint32_t)u;
		return 0;
	}
	/* "NS LABELS" */
	s = strchr(value, ' ');
	if (!s || (size_t)(s - value) >= sizeof(d->ns))
		IFAIL("value '%.64s': expected 'NAMESPACE LABELS'", value);
	memcpy(d->ns, value, (size_t)(s - value));
	d->ns[s - value] = 0;
	if (!rt_dns_label_ok(d->ns))
		IFAIL("value: namespace '%.64s' is no DNS label", d->ns);
	if (labels_word(s + 1, strlen(s + 1), d->labels, sizeof(d->labels)))
		IFAIL("value: labels '%.64s': expected k=v,... or none, one word", s + 1);
	return 0;
}

int rt_store_ep_identity(const char *value, uint32_t *id)
{
	char w[2][RT_STORE_OBJ_MAX];
	const char *p = value;
	int n = 0;

	/* `ns NAME` and `port NAME` are skipped: a name may be "identity" */
	for (;;) {
		size_t len;
		uint64_t u;

		p += strspn(p, " \t");
		if (!*p)
			return -ENOENT;
		len = strcspn(p, " \t");
		if (len >= RT_STORE_OBJ_MAX) {
			p += len;
			n = 0;
			continue;
		}
		memcpy(w[n], p, len);
		w[n][len] = 0;
		p += len;
		if (n == 0) {
			if (!strcmp(w[0], "identity") || !strcmp(w[0], "ns") || !strcmp(w[0], "port"))
				n = 1;
			continue;
		}
		n = 0;
		if (strcmp(w[0], "identity"))
			continue;	/* ns NAME */
		if (dec_word(w[1], strlen(w[1]), 1, UINT32_MAX, 0, &u))
			return -EINVAL;
		*id = (uint32_t)u;
		return 0;
	}
}

/* ---- base64 ---- */

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_val(char c)
{
	const char *p = c ? strchr(b64, c) : NULL;

	return p ? (int)(p - b64) : -1;
}

char *rt_store_b64_decode(const char *s, size_t *size)
{
	size_t len = strlen(s), o = 0;
	char *out;

	if (len % 4)
		return NULL;
	out = malloc(len / 4 * 3 + 1);
	if (!out)
		return NULL;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;

		for (int k = 0; k < 4; k++) {
			if (s[i + k] == '=' && i + 4 == len && k >= 2) {
				v[k] = 0;
				pad++;
				continue;
			}
			v[k] = pad ? -1 : b64_val(s[i + k]);
			if (v[k] < 0)
				goto bad;
		}
		out[o++] = (char)(v[0] << 2 | v[1] >> 4);
		if (pad < 2)
			out[o++] = (char)((v[1] & 15) << 4 | v[2] >> 2);
		if (pad < 1)
			out[o++] = (char)((v[2] & 3) << 6 | v[3]);
	}
	out[o] = 0;
	*size = o;
	return out;
bad:
	free(out);
	return NULL;
}

char *rt_store_b64_encode(const void *p, size_t size)
{
	const unsigned char *s = p;
	char *out = size <= (SIZE_MAX - 1) / 4 * 3 - 2 ? malloc((size + 2) / 3 * 4 + 1) : NULL, *o = out;

	if (!out)
		return NULL;
	for (size_t i = 0; i < size; i += 3) {
		unsigned v = (unsigned)s[i] << 16 | (i + 1 < size ? s[i + 1] << 8 : 0) |
			     (i + 2 < size ? s[i + 2] : 0);

		*o++ = b64[v >> 18 & 63];
		*o++ = b64[v >> 12 & 63];
		*o++ = i + 1 < size ? b64[v >> 6 & 63] : '=';
		*o++ = i + 2 < size ? b64[v & 63] : '=';
	}
	*o = 0;
	return out;
}

int rt_store_cache_kv(struct sbuf *b, const char *key, int64_t mod_rev, const char *value)
{
	char *k = rt_store_b64_encode(key, strlen(key));
	char *v = k ? rt_store_b64_encode(value, strlen(value)) : NULL;
	int r = k && v ? 0 : -ENOMEM;

	if (!r)
		sbuf_printf(b, "kv %s %lld %s\n", k, (long long)mod_rev, v);
	free(k);
	free(v);
	return r;
}

/* ---- replies ---- */

/* An int64 of the gateway: a decimal string (its encoding of int64), or a
 * JSON integer; absent is 0. */
static int get_i64(json_t *o, const char *name, int64_t *v, const char *where, char *err,
		   size_t errsz)
{
	json_t *j = json_object_get(o, name);
	uint64_t u;

	*v = 0;
	if (!j)
		return 0;
	if (json_is_integer(j) && json_integer_value(j) >= 0) {
		*v = json_integer_value(j);
		return 0;
	}
	if (json_is_string(j) && !num_parse_u64(json_string_value(j), 0, INT64_MAX, &u)) {
		*v = (int64_t)u;
		return 0;
	}
	snprintf(err, errsz, "%s%s: expected a revision (a number as a string)", where, name);
	return -EINVAL;
}

static bool get_bool(json_t *o, const char *name)
{
	return json_is_true(json_object_get(o, name));
}

/* kv object j into kv; where names it in messages ("kvs[3]."). */
static int parse_kv(json_t *j, struct rt_store_kv *kv, bool deleted, const char *where, char *err,
		    size_t errsz)
{
	json_t *k = json_object_get(j, "key"), *v = json_object_get(j, "value");
	size_t ks;

	if (!json_is_object(j)) {
		snprintf(err, errsz, "%skv: expected an object", where);
		return -EINVAL;
	}
	if (!json_is_string(k) || !(kv->key = rt_store_b64_decode(json_string_value(k), &ks))) {
		snprintf(err, errsz, "%skey: missing or not base64", where);
		return -EINVAL;
	}
	if (strlen(kv->key) != ks || !ks) {
		snprintf(err, errsz, "%skey: empty, or a NUL byte in it", where);
		return -EINVAL;
	}
	if (get_i64(j, "mod_revision", &kv->mod_rev, where, err, errsz) ||
	    get_i64(j, "version", &kv->version, where, err, errsz))
		return -EINVAL;
	if (deleted)
		return 0;
	if (!v) {	/* an empty value: the gateway leaves it out */
		kv->value = strdup("");
		return kv->value ? 0 : -ENOMEM;
	}
	if (!json_is_string(v) || !(kv->value = rt_store_b64_decode(json_string_value(v), &kv->vsize))) {
		snprintf(err, errsz, "%svalue of '%.200s': not base64", where, kv->key);
		return -EINVAL;
	}
	return 0;
}

static int parse_list(json_t *a, bool events, struct rt_store_resp *r, char *err, size_t errsz)
{
	size_t n = json_array_size(a);

	if (!json_is_array(a)) {
		snprintf(err, errsz, "%s: expected an array", events ? "events" : "kvs");
		return -EINVAL;
	}
	r->kv = calloc(n ? n : 1, sizeof(*r->kv));
	if (!r->kv)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		json_t *e = json_array_get(a, i), *kv = e, *type;
		bool del = false;
		char where[48];
		int ret;

		snprintf(where, sizeof(where), "%s[%zu].", events ? "events" : "kvs", i);
		if (events) {
			type = json_object_get(e, "type");
			if (type && (!json_is_string(type) || (strcmp(json_string_value(type), "PUT") &&
							       strcmp(json_string_value(type), "DELETE")))) {
				snprintf(err, errsz, "%stype: expected PUT or DELETE", where);
				return -EINVAL;
			}
			del = type && !strcmp(json_string_value(type), "DELETE");
			kv = json_object_get(e, "kv");
		}
		ret = parse_kv(kv, &r->kv[r->n], del, where, err, errsz);
		r->n++;	/* freed with r even when half-parsed */
		if (ret)
			return ret;
	}
	return 0;
}

int rt_store_parse_resp(const char *text, size_t size, struct rt_store_resp *r, char *err,
			size_t errsz)
{
	json_error_t je;
	json_t *root = json_loadb(text, size, JSON_REJECT_DUPLICATES, &je), *o, *h, *e;
	int ret = -EINVAL;

	memset(r, 0, sizeof(*r));
	if (!root) {
		snprintf(err, errsz, "not JSON: %s at offset %d", je.text, je.position);
		return -EINVAL;
	}
	if (!json_is_object(root)) {
		snprintf(err, errsz, "expected a JSON object");
		goto out;
	}
	e = json_object_get(root, "error");
	if (e) {
		json_t *m = json_is_object(e) ? json_object_get(e, "message") : json_object_get(root, "message");

		snprintf(r->error, sizeof(r->error), "%.200s",
			 json_is_string(m) ? json_string_value(m) : json_is_string(e) ? json_string_value(e)
										 : "error");
		ret = 0;
		goto out;
	}
	o = json_object_get(root, "result");
	if (!o)
		o = root;
	else if (!json_is_object(o)) {
		snprintf(err, errsz, "result: expected an object");
		goto out;
	}
	h = json_object_get(o, "header");
	if (!json_is_object(h)) {
		snprintf(err, errsz, "header: missing");
		goto out;
	}
	if (get_i64(h, "revision", &r->rev, "header.", err, errsz) ||
	    get_i64(o, "compact_revision", &r->compact_rev, "", err, errsz) ||
	    get_i64(o, "watch_id", &r->watch_id, "", err, errsz) ||
	    get_i64(o, "ID", &r->lease_id, "", err, errsz) || get_i64(o, "TTL", &r->ttl, "", err, errsz))
		goto out;
	r->created = get_bool(o, "created");
	r->canceled = get_bool(o, "canceled");
	r->succeeded = get_bool(o, "succeeded");
	r->more = get_bool(o, "more");
	e = json_object_get(o, "cancel_reason");
	if (json_is_string(e))
		snprintf(r->error, sizeof(r->error), "%.200s", json_string_value(e));
	if ((e = json_object_get(o, "events")))
		ret = parse_list(e, true, r, err, errsz);
	else if ((e = json_object_get(o, "kvs")))
		ret = parse_list(e, false, r, err, errsz);
	else
		ret = 0;
out:
	json_decref(root);
	if (ret)
		rt_store_resp_free(r);
	return ret;
}

void rt_store_resp_free(struct rt_store_resp *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->kv[i].key);
		free(r->kv[i].value);
	}
	free(r->kv);
	r->kv = NULL;
	r->n = 0;
}

int rt_store_status_parse(const char *value, size_t size, uint8_t *family, uint8_t *addr,
			  char *err, size_t errsz)
{
	json_error_t je;
	json_t *root = json_loadb(value, size, JSON_REJECT_DUPLICATES, &je), *a;
	int ret = -EINVAL;

	if (!root) {
		snprintf(err, errsz, "not JSON: %s at offset %d", je.text, je.position);
		return -EINVAL;
	}
	a = json_is_object(root) ? json_object_get(root, "addr") : NULL;
	memset(addr, 0, 16);
	if (!json_is_string(a)) {
		snprintf(err, errsz, "addr: missing, or not a string");
	} else if (inet_pton(AF_INET, json_string_value(a), addr) == 1) {
		*family = 4;
		ret = 0;
	} else if (inet_pton(AF_INET6, json_string_value(a), addr) == 1) {
		*family = 6;
		ret = 0;
	} else {
		snprintf(err, errsz, "addr '%.64s': not an IPv4 or IPv6 address", json_string_value(a));
	}
	json_decref(root);
	return ret;
}
