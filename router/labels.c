/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes labels and selectors (labels.h): parsing, the canonical
 * text, matching.  Control path only: the policy compiler evaluates
 * selectors against label sets, never a packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/msg.h"
#include "labels.h"

#define FAIL(...) return gnv_errf(err, errsz, -EINVAL, __VA_ARGS__)

static bool alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

static bool name_ok(const char *s, size_t n, size_t max)
{
	if (!n || n > max || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!alnum(s[i]) && s[i] != '-' && s[i] != '_' && s[i] != '.')
			return false;
	return true;
}

static bool subdomain_ok(const char *s, size_t n)
{
	if (!n || n > 253)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'))
			return false;
	}
	return alnum(s[0]) && alnum(s[n - 1]);
}

bool rt_label_key_ok(const char *k, size_t n)
{
	const char *slash = memchr(k, '/', n);

	if (!slash)
		return name_ok(k, n, 63);
	return subdomain_ok(k, (size_t)(slash - k)) &&
	       name_ok(slash + 1, n - (size_t)(slash - k) - 1, 63);
}

bool rt_label_value_ok(const char *v, size_t n)
{
	return !n || name_ok(v, n, RT_LABEL_VALUE_MAX);
}

bool rt_dns_label_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > 63 || !alnum(s[0]) || !alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* ---- label sets ---- */

struct kv {
	const char *k, *v;
	size_t kn, vn;
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	size_t n = x->kn < y->kn ? x->kn : y->kn;
	int r = memcmp(x->k, y->k, n);

	return r ? r : (x->kn > y->kn) - (x->kn < y->kn);
}

/* Build l from kv[0..n) (sorted, unique keys). */
static int lset_build(struct rt_lset *l, struct kv *kv, unsigned int n)
{
	size_t sz = 0, tsz = 1, o = 0, t = 0;

	for (unsigned int i = 0; i < n; i++) {
		sz += kv[i].kn + kv[i].vn + 2;
		tsz += kv[i].kn + kv[i].vn + 2;
	}
	memset(l, 0, sizeof(*l));
	l->store = malloc(sz ? sz : 1);
	l->text = malloc(tsz);
	if (!l->store || !l->text) {
		free(l->store);
		free(l->text);
		l->store = l->text = NULL;
		return -ENOMEM;
	}
	for (unsigned int i = 0; i < n; i++) {
		l->key[i] = l->store + o;
		memcpy(l->store + o, kv[i].k, kv[i].kn);
		o += kv[i].kn;
		l->store[o++] = 0;
		l->value[i] = l->store + o;
		memcpy(l->store + o, kv[i].v, kv[i].vn);
		o += kv[i].vn;
		l->store[o++] = 0;
		t += (size_t)sprintf(l->text + t, "%s%s=%s", i ? "," : "", l->key[i], l->value[i]);
	}
	l->text[t] = 0;
	l->n = (uint8_t)n;
	return 0;
}

int rt_lset_parse(const char *s, const char *extra_key, const char *extra_value,
		  struct rt_lset *out, char *err, size_t errsz)
{
	struct kv kv[RT_LABELS_MAX + 1];
	unsigned int n = 0;
	const char *p = s;

	memset(out, 0, sizeof(*out));
	if (strlen(s) >= RT_LSET_TEXT_MAX)
		FAIL("labels: longer than %d bytes", RT_LSET_TEXT_MAX - 1);
	if (!strcmp(s, "none"))
		p = "";
	while (*p) {
		const char *end = strchr(p, ','), *eq;

		if (!end)
			end = p + strlen(p);
		eq = memchr(p, '=', (size_t)(end - p));
		if (!eq)
			FAIL("label '%.*s': expected KEY=VALUE", (int)(end - p), p);
		if (n == RT_LABELS_MAX)
			FAIL("more than %d labels", RT_LABELS_MAX);
		kv[n] = (struct kv){ p, eq + 1, (size_t)(eq - p), (size_t)(end - eq - 1) };
		if (!rt_label_key_ok(kv[n].k, kv[n].kn))
			FAIL("label key '%.*s': expected [PREFIX/]NAME, NAME 1..63 of letters, digits, '-', '_', '.'",
			     (int)kv[n].kn, kv[n].k);
		if (!rt_label_value_ok(kv[n].v, kv[n].vn))
			FAIL("label value '%.*s': at most 63 letters, digits, '-', '_', '.' (alphanumeric ends)",
			     (int)kv[n].vn, kv[n].v);
		n++;
		if (!*end)
			break;
		p = end + 1;
		if (!*p)
			FAIL("labels: empty label after ','");
	}
	if (extra_key) {
		bool have = false;

		for (unsigned int i = 0; i < n; i++)
			if (kv[i].kn == strlen(extra_key) && !memcmp(kv[i].k, extra_key, kv[i].kn)) {
				if (kv[i].vn != strlen(extra_value) || memcmp(kv[i].v, extra_value, kv[i].vn))
					FAIL("label %s is set by genv to '%s'", extra_key, extra_value);
				have = true;
			}
		if (!have) {
			if (n == RT_LABELS_MAX)
				FAIL("more than %d labels (with %s)", RT_LABELS_MAX - 1, extra_key);
			kv[n++] = (struct kv){ extra_key, extra_value, strlen(extra_key), strlen(extra_value) };
		}
	}
	qsort(kv, n, sizeof(kv[0]), kv_cmp);
	for (unsigned int i = 1; i < n; i++)
		if (!kv_cmp(&kv[i - 1], &kv[i]))
			FAIL("label key '%.*s' given twice", (int)kv[i].kn, kv[i].k);
	if (lset_build(out, kv, n))
		FAIL("out of memory");
	return 0;
}

void rt_lset_free(struct rt_lset *l)
{
	free(l->store);
	free(l->text);
	memset(l, 0, sizeof(*l));
}

int rt_lset_copy(struct rt_lset *dst, const struct rt_lset *src)
{
	struct kv kv[RT_LABELS_MAX];

	for (unsigned int i = 0; i < src->n; i++)
		kv[i] = (struct kv){ src->key[i], src->value[i], strlen(src->key[i]), strlen(src->value[i]) };
	return lset_build(dst, kv, src->n);
}

const char *rt_lset_get(const struct rt_lset *l, const char *key)
{
	for (unsigned int i = 0; i < l->n; i++)
		if (!strcmp(l->key[i], key))
			return l->value[i];
	return NULL;
}

/* ---- selectors ---- */

static int strp_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int req_cmp(const void *a, const void *b)
{
	const struct rt_sel_req *x = a, *y = b;
	int r = strcmp(x->key, y->key);

	if (r)
		return r;
	if (x->op != y->op)
		return (int)x->op - (int)y->op;
	for (unsigned int i = 0; i < x->nval && i < y->nval; i++) {
		r = strcmp(x->val[i], y->val[i]);
		if (r)
			return r;
	}
	return (int)x->nval - (int)y->nval;
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

/* The canonical text of s into s->text. */
static int sel_text(struct rt_sel *s)
{
	size_t cap = 8, o = 0;
	char *t;

	for (unsigned int i = 0; i < s->n; i++) {
		cap += strlen(s->req[i].key) + 12;
		for (unsigned int k = 0; k < s->req[i].nval; k++)
			cap += strlen(s->req[i].val[k]) + 1;
	}
	t = malloc(cap);
	if (!t)
		return -ENOMEM;
	if (!s->n)
		o = (size_t)sprintf(t, "all");
	for (unsigned int i = 0; i < s->n; i++) {
		const struct rt_sel_req *r = &s->req[i];

		if (i)
			t[o++] = ',';
		switch (r->op) {
		case RT_SEL_EXISTS:
			o += (size_t)sprintf(t + o, "%s", r->key);
			break;
		case RT_SEL_NOT_EXISTS:
			o += (size_t)sprintf(t + o, "!%s", r->key);
			break;
		default:
			if (r->nval == 1) {
				o += (size_t)sprintf(t + o, "%s%s%s", r->key,
						     r->op == RT_SEL_IN ? "=" : "!=", r->val[0]);
				break;
			}
			o += (size_t)sprintf(t + o, "%s=%s(", r->key, r->op == RT_SEL_IN ? "in" : "notin");
			for (unsigned int k = 0; k < r->nval; k++)
				o += (size_t)sprintf(t + o, "%s%s", k ? "|" : "", r->val[k]);
			t[o++] = ')';
			break;
		}
	}
	t[o] = 0;
	s->text = t;
	return 0;
}

/* The values of "a|b|c" (n bytes at p) into r. */
static int sel_values(struct rt_sel_req *r, const char *p, size_t n, char *err, size_t errsz)
{
	const char *end = p + n;

	for (;;) {
		const char *bar = memchr(p, '|', (size_t)(end - p));
		size_t vn = (size_t)((bar ? bar : end) - p);

		if (r->nval == RT_SEL_VALUES_MAX)
			FAIL("selector: more than %d values for '%s'", RT_SEL_VALUES_MAX, r->key);
		if (!rt_label_value_ok(p, vn))
			FAIL("selector value '%.*s': at most 63 letters, digits, '-', '_', '.'", (int)vn, p);
		r->val[r->nval] = dup_n(p, vn);
		if (!r->val[r->nval])
			FAIL("out of memory");
		r->nval++;
		if (!bar)
			break;
		p = bar + 1;
	}
	return 0;
}

/* One requirement, n bytes at p. */
static int sel_req(struct rt_sel_req *r, const char *p, size_t n, char *err, size_t errsz)
{
	const char *eq = memchr(p, '=', n);
	size_t kn;
	const char *k = p;

	memset(r, 0, sizeof(*r));
	if (!eq) {
		r->op = RT_SEL_EXISTS;
		if (n && p[0] == '!') {
			r->op = RT_SEL_NOT_EXISTS;
			k++;
			n--;
		}
		kn = n;
	} else {
		const char *v = eq + 1;
		size_t vn = n - (size_t)(v - p);

		kn = (size_t)(eq - p);
		r->op = RT_SEL_IN;
		if (kn && p[kn - 1] == '!') {
			r->op = RT_SEL_NOTIN;
			kn--;
		}
		if (r->op == RT_SEL_IN && vn > 4 && !memcmp(v, "in(", 3) && v[vn - 1] == ')') {
			v += 3;
			vn -= 4;
		} else if (r->op == RT_SEL_IN && vn > 7 && !memcmp(v, "notin(", 6) && v[vn - 1] == ')') {
			r->op = RT_SEL_NOTIN;
			v += 6;
			vn -= 7;
		} else if (memchr(v, '(', vn) || memchr(v, ')', vn) || memchr(v, '|', vn)) {
			FAIL("selector '%.*s': expected KEY=VALUE, KEY=in(A|B) or KEY=notin(A|B)", (int)n, p);
		}
		r->key = dup_n(k, kn);
		if (!r->key)
			FAIL("out of memory");
		if (!rt_label_key_ok(k, kn))
			FAIL("selector key '%.*s': expected [PREFIX/]NAME", (int)kn, k);
		return sel_values(r, v, vn, err, errsz);
	}
	if (!rt_label_key_ok(k, kn))
		FAIL("selector key '%.*s': expected [PREFIX/]NAME", (int)kn, k);
	r->key = dup_n(k, kn);
	if (!r->key)
		FAIL("out of memory");
	return 0;
}

static void sel_reqs_free(struct rt_sel_req *req, unsigned int n)
{
	for (unsigned int i = 0; i < n; i++) {
		free(req[i].key);
		for (unsigned int k = 0; k < req[i].nval; k++)
			free(req[i].val[k]);
	}
}

int rt_sel_parse(const char *s, struct rt_sel *out, char *err, size_t errsz)
{
	struct rt_sel_req req[RT_SEL_REQS_MAX];	/* parsed here, kept at their count */
	const char *p = s;
	int r = 0;

	memset(out, 0, sizeof(*out));
	memset(req, 0, sizeof(req));
	out->req = req;
	if (strlen(s) >= RT_SEL_TEXT_MAX)
		FAIL("selector longer than %d bytes", RT_SEL_TEXT_MAX - 1);
	if (!*s)
		FAIL("empty selector (use 'all' to select everything)");
	if (strcmp(s, "all") && strcmp(s, "{}"))
		while (*p) {
			const char *end = p;
			int depth = 0;

			/* ',' separates requirements, except inside in(...) */
			for (; *end && (depth || *end != ','); end++) {
				if (*end == '(')
					depth++;
				else if (*end == ')' && depth)
					depth--;
			}
			if (end == p) {
				r = gnv_errf(err, errsz, -EINVAL, "selector: empty requirement");
				break;
			}
			if (out->n == RT_SEL_REQS_MAX) {
				r = gnv_errf(err, errsz, -EINVAL, "selector: more than %d requirements",
					     RT_SEL_REQS_MAX);
				break;
			}
			r = sel_req(&out->req[out->n++], p, (size_t)(end - p), err, errsz);
			if (r)
				break;
			if (!*end)
				break;
			p = end + 1;
			if (!*p) {
				r = gnv_errf(err, errsz, -EINVAL, "selector: empty requirement after ','");
				break;
			}
		}
	if (!r) {
		for (unsigned int i = 0; i < out->n; i++)
			qsort(out->req[i].val, out->req[i].nval, sizeof(char *), strp_cmp);
		qsort(out->req, out->n, sizeof(out->req[0]), req_cmp);
		for (unsigned int i = 1; i < out->n && !r; i++)
			if (!req_cmp(&out->req[i - 1], &out->req[i]))
				r = gnv_errf(err, errsz, -EINVAL, "selector: requirement on '%s' given twice",
					     out->req[i].key);
	}
	if (!r && sel_text(out))
		r = gnv_errf(err, errsz, -ENOMEM, "out of memory");
	out->req = NULL;
	if (!r && out->n && !(out->req = malloc(sizeof(*req) * out->n)))
		r = gnv_errf(err, errsz, -ENOMEM, "out of memory");
	if (r) {
		sel_reqs_free(req, RT_SEL_REQS_MAX);
		free(out->text);
		memset(out, 0, sizeof(*out));
		return r;
	}
	if (out->n)
		/* NOLINTNEXTLINE(clang-analyzer-core.NonNullParamChecker): gnv_errf returned -ENOMEM when malloc failed */
		memcpy(out->req, req, sizeof(*req) * out->n);
	return 0;
}

void rt_sel_free(struct rt_sel *s)
{
	if (s->req)
		sel_reqs_free(s->req, s->n);
	free(s->req);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

int rt_sel_copy(struct rt_sel *dst, const struct rt_sel *src)
{
	char err[8];

	return rt_sel_parse(src->text, dst, err, sizeof(err));
}

bool rt_sel_match(const struct rt_sel *s, const struct rt_lset *l)
{
	for (unsigned int i = 0; i < s->n; i++) {
		const struct rt_sel_req *r = &s->req[i];
		const char *v = rt_lset_get(l, r->key);
		bool in = false;

		switch (r->op) {
		case RT_SEL_EXISTS:
			if (!v)
				return false;
			break;
		case RT_SEL_NOT_EXISTS:
			if (v)
				return false;
			break;
		default:
			for (unsigned int k = 0; v && k < r->nval && !in; k++)
				in = !strcmp(r->val[k], v);
			if (r->op == RT_SEL_IN ? !in : in)
				return false;
			break;
		}
	}
	return true;
}

uint32_t rt_ident_hash(const char *ns, const char *text)
{
	uint64_t h = 0xcbf29ce484222325ull;
	uint32_t v;

	for (const char *p = ns; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	h = (h ^ '\n') * 0x100000001b3ull;
	for (const char *p = text; *p; p++)
		h = (h ^ (uint8_t)*p) * 0x100000001b3ull;
	v = (uint32_t)(h >> 32) ^ (uint32_t)h;
	return v < 0x10000 ? v + 0x10000 : v;
}
