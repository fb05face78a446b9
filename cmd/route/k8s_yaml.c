/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes NetworkPolicy YAML to router commands (k8s_yaml.h).
 * libyaml loads each document into a node tree (with line and column of
 * every node); the walk below knows the schema, so its depth is bounded
 * whatever the input holds (aliases included).  Every mapping is checked
 * against the fields Kubernetes defines: an unknown field is an error,
 * fields without meaning here (uid, status, ...) are skipped.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "k8s_yaml.h"
#include "../../libcore/num.h"
#include "../../libcore/sbuf.h"
#include "../../router/labels.h"
#include "../../router/lang.h"
#include "../../router/policy_obj.h"
#include "../../router/prefix.h"
#include "../../router/tables.h"

struct kx {
	const char *file;
	yaml_document_t *doc;
	char path[512];
	size_t plen;
	char *err;
	size_t errsz;
	int64_t vpc;
	struct k8s_cmds *out;
};

static void kx_failf(struct kx *x, const yaml_node_t *n, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* The error, and -EINVAL where a static analyser sees it (clang's does not
 * follow the variadic call, and took 0 back as possible). */
#define kx_fail(x, n, ...) (kx_failf(x, n, __VA_ARGS__), -EINVAL)

static void kx_failf(struct kx *x, const yaml_node_t *n, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(x->err, x->errsz, "%s:%zu:%zu: %s%s%s", x->file,
		 n ? n->start_mark.line + 1 : 1, n ? n->start_mark.column + 1 : 1,
		 x->path, x->path[0] ? ": " : "", msg);
}

/* Path of the field being read: push returns the length to pop back to. */
static size_t kx_push(struct kx *x, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static size_t kx_push(struct kx *x, const char *fmt, ...)
{
	size_t old = x->plen;
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(x->path + old, sizeof(x->path) - old, fmt, ap);
	va_end(ap);
	x->plen = r < 0 ? old : old + (size_t)r;
	if (x->plen >= sizeof(x->path))
		x->plen = sizeof(x->path) - 1;
	return old;
}

static size_t kx_key(struct kx *x, const char *key)
{
	return kx_push(x, "%s%s", x->plen ? "." : "", key);
}

static void kx_pop(struct kx *x, size_t old)
{
	x->plen = old;
	x->path[old] = 0;
}

static yaml_node_t *node(struct kx *x, int id)
{
	return yaml_document_get_node(x->doc, id);
}

static bool is_null(const yaml_node_t *n)
{
	const char *s;

	if (!n)
		return true;
	if (n->type != YAML_SCALAR_NODE || n->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return false;
	s = (const char *)n->data.scalar.value;
	return !*s || !strcmp(s, "~") || !strcmp(s, "null") || !strcmp(s, "Null") || !strcmp(s, "NULL");
}

static const char *scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

/* A string field: NULL with an error when it is not a scalar. */
static const char *want_str(struct kx *x, const yaml_node_t *n, int *r)
{
	const char *s = scalar(n);

	if (!s || is_null(n)) {
		*r = kx_fail(x, n, "expected a string");
		return NULL;
	}
	if (strlen(s) != n->data.scalar.length) {
		*r = kx_fail(x, n, "NUL byte in a string");
		return NULL;
	}
	return s;
}

static int want_type(struct kx *x, const yaml_node_t *n, yaml_node_type_t t)
{
	static const char *const names[] = { "nothing", "a string", "a list", "a mapping" };

	if (n->type != t)
		return kx_fail(x, n, "expected %s, not %s", names[t], names[n->type]);
	return 0;
}

static bool in_list(const char *s, const char *const *l)
{
	for (; l && *l; l++)
		if (!strcmp(s, *l))
			return true;
	return false;
}

/*
 * Check mapping m: keys are strings, none twice, each in known or
 * ignored.  Fills val[i] with the value of known[i] (NULL: absent or null).
 */
static int fields(struct kx *x, yaml_node_t *m, const char *const *known,
		  const char *const *ignored, yaml_node_t **val)
{
	size_t nk = 0;
	int r;

	while (known[nk])
		val[nk++] = NULL;
	r = want_type(x, m, YAML_MAPPING_NODE);
	if (r)
		return r;
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
		yaml_node_t *k = node(x, p->key), *v = node(x, p->value);
		const char *ks = scalar(k);
		size_t i;

		if (!ks)
			return kx_fail(x, k, "a field name must be a string");
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
			const char *qs = scalar(node(x, q->key));

			if (qs && !strcmp(qs, ks)) {
				size_t old = kx_key(x, ks);

				r = kx_fail(x, k, "given twice");
				kx_pop(x, old);
				return r;
			}
		}
		for (i = 0; i < nk && strcmp(known[i], ks); i++)
			;
		if (i < nk) {
			val[i] = is_null(v) ? NULL : v;
		} else if (!in_list(ks, ignored)) {
			size_t old = kx_key(x, ks);

			r = kx_fail(x, k, "unknown field");
			kx_pop(x, old);
			return r;
		}
	}
	return 0;
}

/* ---- labels and selectors ---- */

static int label_kv(struct kx *x, yaml_node_t *k, yaml_node_t *v, const char **ks, const char **vs)
{
	int r = 0;

	*vs = NULL;
	*ks = want_str(x, k, &r);
	if (!*ks)
		return r;
	if (!rt_label_key_ok(*ks, strlen(*ks)))
		return kx_fail(x, k, "label key '%s': expected [PREFIX/]NAME (NAME: 1..63 letters, digits, '-', '_', '.')", *ks);
	*vs = is_null(v) ? "" : scalar(v);
	if (!*vs || strlen(*vs) != v->data.scalar.length)
		return kx_fail(x, v, "label value: expected a string");
	if (!rt_label_value_ok(*vs, strlen(*vs)))
		return kx_fail(x, v, "label value '%s': at most 63 letters, digits, '-', '_', '.'", *vs);
	return 0;
}

/* A map of labels into "k=v,k=v" (sb), from mapping m (NULL: none). */
static int label_map(struct kx *x, yaml_node_t *m, struct sbuf *sb, const char *skip_key,
		     const char *skip_value)
{
	int r;

	if (!m)
		return 0;
	r = want_type(x, m, YAML_MAPPING_NODE);
	for (yaml_node_pair_t *p = m->data.mapping.pairs.start; !r && p < m->data.mapping.pairs.top; p++) {
		const char *ks = NULL, *vs = NULL;

		r = label_kv(x, node(x, p->key), node(x, p->value), &ks, &vs);
		if (r)
			break;
		/* YAML forbids a key twice in a mapping; libyaml does not check */
		for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
			const char *qk = scalar(node(x, q->key));

			if (qk && !strcmp(qk, ks)) {
				r = kx_fail(x, node(x, p->key), "label %s given twice", ks);
				break;
			}
		}
		if (r)
			break;
		if (skip_key && !strcmp(ks, skip_key)) {
			if (strcmp(vs, skip_value))
				r = kx_fail(x, node(x, p->value), "label %s must be the namespace's name '%s'",
					    ks, skip_value);
			continue;
		}
		sbuf_printf(sb, "%s%s=%s", sb->len ? "," : "", ks, vs);
	}
	return r;
}

static int sel_expr(struct kx *x, yaml_node_t *e, struct sbuf *sb)
{
	static const char *const known[] = { "key", "operator", "values", NULL };
	yaml_node_t *v[3];
	const char *key, *op;
	bool want_values;
	size_t nval;
	int r;

	r = fields(x, e, known, NULL, v);
	if (r)
		return r;
	if (!v[0])
		return kx_fail(x, e, "missing key");
	if (!v[1])
		return kx_fail(x, e, "missing operator");
	{
		size_t old = kx_key(x, "key");

		key = want_str(x, v[0], &r);
		if (key && !rt_label_key_ok(key, strlen(key)))
			r = kx_fail(x, v[0], "label key '%s': expected [PREFIX/]NAME", key);
		kx_pop(x, old);
		if (r)
			return r;
		old = kx_key(x, "operator");
		op = want_str(x, v[1], &r);
		if (op && strcmp(op, "In") && strcmp(op, "NotIn") && strcmp(op, "Exists") &&
		    strcmp(op, "DoesNotExist"))
			r = kx_fail(x, v[1], "operator '%s': expected In, NotIn, Exists or DoesNotExist", op);
		kx_pop(x, old);
		if (r)
			return r;
	}
	want_values = op[0] == 'I' || op[0] == 'N';
	nval = v[2] && v[2]->type == YAML_SEQUENCE_NODE ?
		(size_t)(v[2]->data.sequence.items.top - v[2]->data.sequence.items.start) : 0;
	if (v[2]) {
		size_t old = kx_key(x, "values");

		r = want_type(x, v[2], YAML_SEQUENCE_NODE);
		if (!r && !want_values && nval)
			r = kx_fail(x, v[2], "must be empty for operator %s", op);
		kx_pop(x, old);
		if (r)
			return r;
	}
	if (want_values && !nval)
		return kx_fail(x, v[2] ? v[2] : e, "operator %s needs values", op);
	if (want_values && nval > RT_SEL_VALUES_MAX)
		return kx_fail(x, v[2], "more than %d values", RT_SEL_VALUES_MAX);
	if (sb->len)
		sbuf_putc(sb, ',');
	if (!strcmp(op, "Exists"))
		sbuf_puts(sb, key);
	else if (!strcmp(op, "DoesNotExist"))
		sbuf_printf(sb, "!%s", key);
	else
		sbuf_printf(sb, "%s=%s(", key, op[0] == 'I' ? "in" : "notin");
	for (size_t i = 0; want_values && i < nval; i++) {
		yaml_node_t *s = node(x, v[2]->data.sequence.items.start[i]);
		size_t old = kx_push(x, ".values[%zu]", i);
		const char *vs = want_str(x, s, &r);

		if (!vs) {
			kx_pop(x, old);
			return r;
		}
		if (!rt_label_value_ok(vs, strlen(vs)))
			r = kx_fail(x, s, "label value '%s': at most 63 letters, digits, '-', '_', '.'", vs);
		kx_pop(x, old);
		if (r)
			return r;
		sbuf_printf(sb, "%s%s", i ? "|" : "", vs);
	}
	if (want_values)
		sbuf_putc(sb, ')');
	return 0;
}

/* A LabelSelector (NULL or {}: everything) into its selector text. */
static int selector(struct kx *x, yaml_node_t *m, const char *field, struct sbuf *out)
{
	static const char *const known[] = { "matchLabels", "matchExpressions", NULL };
	struct sbuf sb = SBUF_INIT;
	yaml_node_t *v[2];
	size_t old = kx_key(x, field);
	struct rt_sel sel;
	char msg[256];
	int r = 0;

	if (m)
		r = fields(x, m, known, NULL, v);
	if (!r && m && v[0]) {
		size_t o2 = kx_key(x, "matchLabels");

		r = label_map(x, v[0], &sb, NULL, NULL);
		kx_pop(x, o2);
	}
	if (!r && m && v[1]) {
		size_t o2 = kx_key(x, "matchExpressions");

		r = want_type(x, v[1], YAML_SEQUENCE_NODE);
		for (yaml_node_item_t *i = v[1]->data.sequence.items.start;
		     !r && i < v[1]->data.sequence.items.top; i++) {
			size_t o3 = kx_push(x, "[%td]", i - v[1]->data.sequence.items.start);

			r = sel_expr(x, node(x, *i), &sb);
			kx_pop(x, o3);
		}
		kx_pop(x, o2);
	}
	if (!r && !sb.len)
		sbuf_puts(&sb, "all");
	if (!r) {
		/* the router's own parser: what it would refuse is refused here, with the field */
		if (rt_sel_parse(sbuf_str(&sb), &sel, msg, sizeof(msg)))
			r = kx_fail(x, m, "%s", msg);
		else
			rt_sel_free(&sel);
	}
	if (!r)
		sbuf_puts(out, sbuf_str(&sb));
	kx_pop(x, old);
	sbuf_free(&sb);
	return r;
}

/* ---- rules ---- */

static int prefix(struct kx *x, yaml_node_t *n, struct rt_prefix *p)
{
	char msg[256];
	int r = 0;
	const char *s = want_str(x, n, &r);

	if (!s)
		return r;
	if (rt_prefix_parse(s, p, msg, sizeof(msg)))
		return kx_fail(x, n, "%s", msg);
	return 0;
}

static int ip_block(struct kx *x, yaml_node_t *m, struct sbuf *sb)
{
	static const char *const known[] = { "cidr", "except", NULL };
	yaml_node_t *v[2];
	struct rt_prefix cidr, q;
	size_t old = kx_key(x, "ipBlock"), o2;
	int r;

	r = fields(x, m, known, NULL, v);
	if (!r && !v[0])
		r = kx_fail(x, m, "missing cidr");
	if (r)
		goto out;
	o2 = kx_key(x, "cidr");
	r = prefix(x, v[0], &cidr);
	kx_pop(x, o2);
	if (r)
		goto out;
	sbuf_printf(sb, " cidr %s", scalar(v[0]));
	if (!v[1])
		goto out;
	o2 = kx_key(x, "except");
	r = want_type(x, v[1], YAML_SEQUENCE_NODE);
	if (!r && v[1]->data.sequence.items.top - v[1]->data.sequence.items.start > RT_POL_EXCEPT_MAX)
		r = kx_fail(x, v[1], "more than %d prefixes", RT_POL_EXCEPT_MAX);
	for (yaml_node_item_t *i = v[1]->data.sequence.items.start; !r && i < v[1]->data.sequence.items.top; i++) {
		size_t o3 = kx_push(x, "[%td]", i - v[1]->data.sequence.items.start);
		yaml_node_t *e = node(x, *i);

		r = prefix(x, e, &q);
		if (!r && (q.family != cidr.family || q.len < cidr.len ||
			   !rt_prefix_contains(&cidr, q.family, q.a)))
			r = kx_fail(x, e, "%s is not inside the cidr %s", scalar(e) ? scalar(e) : "",
				    scalar(v[0]) ? scalar(v[0]) : "");
		if (!r)
			sbuf_printf(sb, "%s%s", i == v[1]->data.sequence.items.start ? " except " : ",",
				    scalar(e) ? scalar(e) : "");
		kx_pop(x, o3);
	}
	kx_pop(x, o2);
out:
	kx_pop(x, old);
	return r;
}

static int peer(struct kx *x, yaml_node_t *m, const char *kw, struct sbuf *sb)
{
	static const char *const known[] = { "podSelector", "namespaceSelector", "ipBlock", NULL };
	yaml_node_t *v[3];
	int r;

	r = fields(x, m, known, NULL, v);
	if (r)
		return r;
	if (v[2] && (v[0] || v[1]))
		return kx_fail(x, m, "ipBlock cannot be combined with podSelector or namespaceSelector");
	if (!v[0] && !v[1] && !v[2])
		return kx_fail(x, m, "a peer needs podSelector, namespaceSelector or ipBlock");
	sbuf_printf(sb, " %s", kw);
	if (v[2])
		return ip_block(x, v[2], sb);
	if (v[0]) {
		sbuf_puts(sb, " pod ");
		r = selector(x, v[0], "podSelector", sb);
	}
	if (!r && v[1]) {
		sbuf_puts(sb, " ns ");
		r = selector(x, v[1], "namespaceSelector", sb);
	}
	return r;
}

static int port(struct kx *x, yaml_node_t *m, struct sbuf *sb)
{
	static const char *const known[] = { "protocol", "port", "endPort", NULL };
	const char *proto = "tcp";
	uint64_t lo = 0, hi = 0;
	yaml_node_t *v[3];
	size_t old;
	int r;

	r = fields(x, m, known, NULL, v);
	if (r)
		return r;
	if (v[0]) {
		const char *s;

		old = kx_key(x, "protocol");
		s = want_str(x, v[0], &r);
		if (s && !strcmp(s, "TCP"))
			proto = "tcp";
		else if (s && !strcmp(s, "UDP"))
			proto = "udp";
		else if (s && !strcmp(s, "SCTP"))
			proto = "sctp";
		else if (s)
			r = kx_fail(x, v[0], "protocol '%s': expected TCP, UDP or SCTP", s);
		kx_pop(x, old);
		if (r)
			return r;
	}
	for (int i = 1; i <= 2; i++) {
		const char *s;
		uint64_t *n = i == 1 ? &lo : &hi;

		if (!v[i])
			continue;
		old = kx_key(x, known[i]);
		s = want_str(x, v[i], &r);
		if (s && (v[i]->data.scalar.style != YAML_PLAIN_SCALAR_STYLE || s[0] < '0' || s[0] > '9'))
			r = kx_fail(x, v[i], i == 1 ? "named port '%s' is not supported (give the number)"
					       : "'%s': expected a number", s);
		else if (s && num_parse_u64(s, 1, 65535, n))
			r = kx_fail(x, v[i], "port '%s': expected 1..65535", s);
		kx_pop(x, old);
		if (r)
			return r;
	}
	if (v[2] && !v[1]) {
		old = kx_key(x, "endPort");
		r = kx_fail(x, v[2], "endPort needs port");
		kx_pop(x, old);
		return r;
	}
	if (v[2] && hi < lo) {
		old = kx_key(x, "endPort");
		r = kx_fail(x, v[2], "endPort %u is below port %u", (unsigned int)hi, (unsigned int)lo);
		kx_pop(x, old);
		return r;
	}
	if (!v[1])
		sbuf_printf(sb, " port %s", proto);
	else if (v[2] && hi != lo)
		sbuf_printf(sb, " port %s/%u-%u", proto, (unsigned int)lo, (unsigned int)hi);
	else
		sbuf_printf(sb, " port %s/%u", proto, (unsigned int)lo);
	return 0;
}

/* A list field of a rule (from, to or ports), each element through fn. */
static int rule_list(struct kx *x, yaml_node_t *l, const char *field, size_t max, const char *kw,
		     int (*fn)(struct kx *, yaml_node_t *, const char *, struct sbuf *), struct sbuf *sb)
{
	size_t old = kx_key(x, field), n;
	int r;

	r = want_type(x, l, YAML_SEQUENCE_NODE);
	n = r ? 0 : (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
	if (!r && n > max)
		r = kx_fail(x, l, "more than %zu entries", max);
	for (size_t i = 0; !r && i < n; i++) {
		size_t o2 = kx_push(x, "[%zu]", i);

		r = fn(x, node(x, l->data.sequence.items.start[i]), kw, sb);
		kx_pop(x, o2);
	}
	kx_pop(x, old);
	return r;
}

static int port_fn(struct kx *x, yaml_node_t *m, const char *kw, struct sbuf *sb)
{
	(void)kw;
	return port(x, m, sb);
}

static int rules(struct kx *x, yaml_node_t *l, bool ingress, size_t *nrules, struct sbuf *sb)
{
	static const char *const kin[] = { "from", "ports", NULL }, *const keg[] = { "to", "ports", NULL };
	const char *dir = ingress ? "ingress" : "egress";
	size_t old = kx_key(x, dir), n;
	int r;

	r = want_type(x, l, YAML_SEQUENCE_NODE);
	n = r ? 0 : (size_t)(l->data.sequence.items.top - l->data.sequence.items.start);
	if (!r && *nrules + n > RT_POL_RULES_MAX)
		r = kx_fail(x, l, "more than %d ingress and egress rules", RT_POL_RULES_MAX);
	for (size_t i = 0; !r && i < n; i++) {
		yaml_node_t *ru = node(x, l->data.sequence.items.start[i]), *v[2];
		size_t o2 = kx_push(x, "[%zu]", i);

		r = fields(x, ru, ingress ? kin : keg, NULL, v);
		sbuf_printf(sb, " %s", dir);
		if (!r && v[0])
			r = rule_list(x, v[0], ingress ? "from" : "to", RT_POL_PEERS_MAX,
				      ingress ? "from" : "to", peer, sb);
		if (!r && v[1])
			r = rule_list(x, v[1], "ports", RT_POL_PORTS_MAX, NULL, port_fn, sb);
		kx_pop(x, o2);
	}
	*nrules += n;
	kx_pop(x, old);
	return r;
}

/* ---- documents ---- */

static const char *const meta_ignored[] = {
	"uid", "creationTimestamp", "resourceVersion", "generation", "managedFields", "selfLink",
	"finalizers", "ownerReferences", "deletionTimestamp", "deletionGracePeriodSeconds",
	NULL
};

struct meta {
	const char *name, *ns;
	yaml_node_t *labels, *node;
	uint32_t vni;
};

static int metadata(struct kx *x, yaml_node_t *doc, yaml_node_t *m, bool is_ns, struct meta *out)
{
	static const char *const known[] = { "name", "namespace", "annotations", "labels", NULL };
	yaml_node_t *v[4];
	size_t old;
	int r = 0;

	memset(out, 0, sizeof(*out));
	out->ns = RT_NS_DEFAULT;
	if (!m)
		return kx_fail(x, doc, "missing metadata");
	old = kx_key(x, "metadata");
	out->node = m;
	r = fields(x, m, known, meta_ignored, v);
	if (!r && !v[0])
		r = kx_fail(x, m, "missing name");
	if (!r) {
		size_t o2 = kx_key(x, "name");

		out->name = want_str(x, v[0], &r);
		if (out->name && is_ns && !rt_dns_label_ok(out->name))
			r = kx_fail(x, v[0], "namespace '%s': 1..63 of a-z, 0-9 and '-' (alphanumeric ends)",
				    out->name);
		else if (out->name && !is_ns && !rt_label_value_ok(out->name, strlen(out->name)))
			r = kx_fail(x, v[0], "name '%s': 1..63 letters, digits, '-', '_', '.'", out->name);
		kx_pop(x, o2);
	}
	if (!r && v[1] && !is_ns) {
		size_t o2 = kx_key(x, "namespace");

		out->ns = want_str(x, v[1], &r);
		if (out->ns && !rt_dns_label_ok(out->ns))
			r = kx_fail(x, v[1], "namespace '%s': 1..63 of a-z, 0-9 and '-' (alphanumeric ends)",
				    out->ns);
		kx_pop(x, o2);
	}
	out->labels = v[3];
	for (int i = 2; i <= 3 && !r; i++)
		if (v[i]) {
			size_t o2 = kx_key(x, known[i]);

			r = want_type(x, v[i], YAML_MAPPING_NODE);
			kx_pop(x, o2);
		}
	if (!r) {
		yaml_node_t *a = NULL;
		uint64_t vni = 0;

		for (yaml_node_pair_t *p = v[2] ? v[2]->data.mapping.pairs.start : NULL;
		     p && p < v[2]->data.mapping.pairs.top; p++) {
			const char *k = scalar(node(x, p->key));

			if (k && !strcmp(k, K8S_VPC_ANNOTATION))
				a = node(x, p->value);
		}
		if (a) {
			const char *s;
			size_t o2 = kx_push(x, ".annotations[\"%s\"]", K8S_VPC_ANNOTATION);

			s = want_str(x, a, &r);
			if (s && num_parse_u64(s, RT_VNI_MIN, RT_VNI_MAX, &vni))
				r = kx_fail(x, a, "VNI '%s': expected %u..%u", s, RT_VNI_MIN, RT_VNI_MAX);
			kx_pop(x, o2);
			out->vni = (uint32_t)vni;
		} else if (x->vpc < 0) {
			r = kx_fail(x, m, "no VPC: give --vpc VNI or the annotation %s", K8S_VPC_ANNOTATION);
		} else {
			out->vni = (uint32_t)x->vpc;
		}
	}
	kx_pop(x, old);
	return r;
}

static struct k8s_cmd *cmd_new(struct kx *x, enum k8s_kind kind, const struct meta *m,
			       yaml_node_t *doc)
{
	struct k8s_cmds *o = x->out;
	struct k8s_cmd *c;

	if (o->n == o->cap) {
		size_t cap = o->cap ? o->cap * 2 : 8;
		struct k8s_cmd *v = realloc(o->v, cap * sizeof(*v));

		if (!v)
			return NULL;
		o->v = v;
		o->cap = cap;
	}
	c = &o->v[o->n];
	memset(c, 0, sizeof(*c));
	c->kind = kind;
	c->vni = m->vni;
	if (kind == K8S_POLICY)
		snprintf(c->name, sizeof(c->name), "%s/%s", m->ns, m->name);
	else
		snprintf(c->name, sizeof(c->name), "%s", m->name);
	snprintf(c->where, sizeof(c->where), "%s:%zu:%zu", x->file, doc->start_mark.line + 1,
		 doc->start_mark.column + 1);
	return c;
}

/* The same object twice in one apply: refused (which one should win?). */
static int dup_check(struct kx *x, yaml_node_t *doc, const struct k8s_cmd *c)
{
	for (size_t i = 0; i < x->out->n; i++) {
		const struct k8s_cmd *o = &x->out->v[i];

		if (o->kind == c->kind && o->vni == c->vni && !strcmp(o->name, c->name))
			return kx_fail(x, doc, "%s %s in VPC %u is given twice (first at %s)",
				       c->kind == K8S_NS ? "namespace" : "networkpolicy", c->name, c->vni,
				       o->where);
	}
	return 0;
}

static int words_check(struct kx *x, yaml_node_t *at, const struct sbuf *sb)
{
	size_t words = 1;

	for (size_t i = 0; i < sb->len; i++)
		words += sb->buf[i] == ' ';
	if (words + 4 > RT_WORDS_MAX || sb->len + 160 >= RT_LINE_MAX)
		return kx_fail(x, at, "too large: the policy is more than %d words or %d bytes of commands",
			       RT_WORDS_MAX, RT_LINE_MAX);
	return 0;
}

static int doc_push(struct kx *x, yaml_node_t *doc, enum k8s_kind kind, const struct meta *m,
		    struct sbuf *body)
{
	struct k8s_cmd *c, tmp;
	int r;

	memset(&tmp, 0, sizeof(tmp));
	tmp.kind = kind;
	tmp.vni = m->vni;
	if (kind == K8S_POLICY)
		snprintf(tmp.name, sizeof(tmp.name), "%s/%s", m->ns, m->name);
	else
		snprintf(tmp.name, sizeof(tmp.name), "%s", m->name);
	r = dup_check(x, doc, &tmp);
	if (r)
		return r;
	c = cmd_new(x, kind, m, doc);
	if (!c)
		return -ENOMEM;
	c->body = strdup(sbuf_str(body));
	if (!c->body)
		return -ENOMEM;
	x->out->n++;
	return 0;
}

static int namespace_doc(struct kx *x, yaml_node_t *doc, yaml_node_t **v)
{
	struct sbuf sb = SBUF_INIT, labels = SBUF_INIT;
	struct meta m;
	int r;

	r = metadata(x, doc, v[2], true, &m);
	if (!r && m.labels) {
		size_t old = kx_key(x, "metadata.labels");

		/* Kubernetes sets kubernetes.io/metadata.name itself, so does the router */
		r = label_map(x, m.labels, &labels, "kubernetes.io/metadata.name", m.name);
		if (!r && m.labels->data.mapping.pairs.top - m.labels->data.mapping.pairs.start >= RT_LABELS_MAX)
			r = kx_fail(x, m.labels, "more than %d labels", RT_LABELS_MAX - 1);
		kx_pop(x, old);
	}
	if (!r && labels.len)
		sbuf_printf(&sb, "labels %s", sbuf_str(&labels));
	if (!r && v[3]) {
		/* spec.finalizers is all a Namespace spec holds: no meaning here */
		static const char *const known[] = { NULL }, *const ign[] = { "finalizers", NULL };
		yaml_node_t *none[1];
		size_t old = kx_key(x, "spec");

		r = fields(x, v[3], known, ign, none);
		kx_pop(x, old);
	}
	if (!r)
		r = doc_push(x, doc, K8S_NS, &m, &sb);
	sbuf_free(&sb);
	sbuf_free(&labels);
	return r;
}

static int policy_doc(struct kx *x, yaml_node_t *doc, yaml_node_t **v)
{
	static const char *const known[] = { "podSelector", "policyTypes", "ingress", "egress", NULL };
	struct sbuf sb = SBUF_INIT;
	yaml_node_t *s[4];
	unsigned int types = 0;
	size_t old, nrules = 0;
	struct meta m;
	int r;

	r = metadata(x, doc, v[2], false, &m);
	if (r)
		return r;
	/* NS/NAME fits: both are at most 63 bytes (RT_POL_NAME_MAX 128) */
	if (!v[3])
		return kx_fail(x, doc, "missing spec");
	old = kx_key(x, "spec");
	r = fields(x, v[3], known, NULL, s);
	if (r)
		goto out;
	sbuf_printf(&sb, "ns %s select ", m.ns);
	r = selector(x, s[0], "podSelector", &sb);
	if (!r && s[1]) {
		size_t o2 = kx_key(x, "policyTypes");

		r = want_type(x, s[1], YAML_SEQUENCE_NODE);
		for (yaml_node_item_t *i = r ? NULL : s[1]->data.sequence.items.start;
		     !r && i < s[1]->data.sequence.items.top; i++) {
			size_t o3 = kx_push(x, "[%td]", i - s[1]->data.sequence.items.start);
			yaml_node_t *t = node(x, *i);
			const char *ts = want_str(x, t, &r);

			if (ts && !strcmp(ts, "Ingress"))
				types |= RT_POL_T_INGRESS;
			else if (ts && !strcmp(ts, "Egress"))
				types |= RT_POL_T_EGRESS;
			else if (ts)
				r = kx_fail(x, t, "'%s': expected Ingress or Egress", ts);
			kx_pop(x, o3);
		}
		kx_pop(x, o2);
	}
	if (r)
		goto out;
	if (!types) {
		/* Kubernetes: Ingress always, Egress when there are egress rules */
		types = RT_POL_T_INGRESS;
		if (s[3] && s[3]->type == YAML_SEQUENCE_NODE &&
		    s[3]->data.sequence.items.top > s[3]->data.sequence.items.start)
			types |= RT_POL_T_EGRESS;
	}
	for (int i = 2; i <= 3; i++) {
		bool in = i == 2;
		size_t n = s[i] && s[i]->type == YAML_SEQUENCE_NODE ?
			(size_t)(s[i]->data.sequence.items.top - s[i]->data.sequence.items.start) : 0;

		if (n && !(types & (in ? RT_POL_T_INGRESS : RT_POL_T_EGRESS))) {
			size_t o2 = kx_key(x, in ? "ingress" : "egress");

			r = kx_fail(x, s[i], "%s rules, but policyTypes has no %s (they would be ignored)",
				    in ? "ingress" : "egress", in ? "Ingress" : "Egress");
			kx_pop(x, o2);
			goto out;
		}
	}
	sbuf_printf(&sb, " type %s", types == 3 ? "ingress,egress" : types == 1 ? "ingress" : "egress");
	if (s[2])
		r = rules(x, s[2], true, &nrules, &sb);
	if (!r && s[3])
		r = rules(x, s[3], false, &nrules, &sb);
	if (!r)
		r = words_check(x, v[3], &sb);
	if (!r)
		r = doc_push(x, doc, K8S_POLICY, &m, &sb);
out:
	kx_pop(x, old);
	sbuf_free(&sb);
	return r;
}

static int object(struct kx *x, yaml_node_t *doc, bool in_list)
{
	static const char *const known[] = { "apiVersion", "kind", "metadata", "spec", "items", NULL };
	static const char *const ignored[] = { "status", NULL };
	const char *api, *kind;
	yaml_node_t *v[5];
	size_t old;
	int r;

	r = fields(x, doc, known, ignored, v);
	if (r)
		return r;
	if (!v[0])
		return kx_fail(x, doc, "missing apiVersion");
	if (!v[1])
		return kx_fail(x, doc, "missing kind");
	old = kx_key(x, "kind");
	kind = want_str(x, v[1], &r);
	kx_pop(x, old);
	if (!kind)
		return r;
	old = kx_key(x, "apiVersion");
	api = want_str(x, v[0], &r);
	if (api) {
		const char *want = !strcmp(kind, "NetworkPolicy") ? "networking.k8s.io/v1" : "v1";

		if (strcmp(api, want))
			r = kx_fail(x, v[0], "'%s': %s is %s", api, kind, want);
	}
	kx_pop(x, old);
	if (r)
		return r;
	if (strcmp(kind, "List") && v[4]) {
		old = kx_key(x, "items");
		r = kx_fail(x, v[4], "unknown field (only a List has items)");
		kx_pop(x, old);
		return r;
	}
	if (!strcmp(kind, "NetworkPolicy"))
		return policy_doc(x, doc, v);
	if (!strcmp(kind, "Namespace"))
		return namespace_doc(x, doc, v);
	if (!strcmp(kind, "List") && !in_list) {
		if (v[3]) {
			old = kx_key(x, "spec");
			r = kx_fail(x, v[3], "unknown field (a List has items)");
			kx_pop(x, old);
			return r;
		}
		if (!v[4])
			return 0;
		old = kx_key(x, "items");
		r = want_type(x, v[4], YAML_SEQUENCE_NODE);
		for (yaml_node_item_t *i = r ? NULL : v[4]->data.sequence.items.start;
		     !r && i < v[4]->data.sequence.items.top; i++) {
			size_t o2 = kx_push(x, "[%td]", i - v[4]->data.sequence.items.start);
			size_t base = x->plen;

			(void)base;
			r = object(x, node(x, *i), true);
			kx_pop(x, o2);
		}
		kx_pop(x, old);
		return r;
	}
	old = kx_key(x, "kind");
	r = kx_fail(x, v[1], "'%s' is not supported (NetworkPolicy, Namespace or List)", kind);
	kx_pop(x, old);
	return r;
}

int k8s_yaml_translate(const char *file, const void *buf, size_t size, int64_t vpc,
		       struct k8s_cmds *out, char *err, size_t errsz)
{
	struct kx x = { .file = file, .err = err, .errsz = errsz, .vpc = vpc, .out = out };
	size_t n0 = out->n;
	yaml_parser_t p;
	int r = 0;

	if (!yaml_parser_initialize(&p)) {
		snprintf(err, errsz, "%s: out of memory", file);
		return -ENOMEM;
	}
	yaml_parser_set_input_string(&p, buf, size);
	while (!r) {
		yaml_document_t d;
		yaml_node_t *root;

		if (!yaml_parser_load(&p, &d)) {
			yaml_mark_t *mk = p.problem ? &p.problem_mark : &p.context_mark;

			snprintf(err, errsz, "%s:%zu:%zu: malformed YAML: %s%s%s", file, mk->line + 1,
				 mk->column + 1, p.problem ? p.problem : "error",
				 p.context ? " " : "", p.context ? p.context : "");
			r = p.error == YAML_MEMORY_ERROR ? -ENOMEM : -EINVAL;
			break;
		}
		root = yaml_document_get_root_node(&d);
		if (!root) {
			yaml_document_delete(&d);
			break;	/* the end of the stream */
		}
		x.doc = &d;
		x.plen = 0;
		x.path[0] = 0;
		if (!is_null(root))	/* an empty document between two '---' */
			r = object(&x, root, false);
		yaml_document_delete(&d);
	}
	yaml_parser_delete(&p);
	if (r) {
		while (out->n > n0)
			free(out->v[--out->n].body);
	}
	if (r == -ENOMEM && !strstr(err, "YAML"))
		snprintf(err, errsz, "%s: out of memory", file);
	return r;
}

int k8s_cmd_line(const struct k8s_cmd *c, const char *verb, char *buf, size_t size)
{
	const char *body = c->body;
	int n;

	if (c->kind == K8S_NS && !*body && !strcmp(verb, "set"))
		body = "labels none";
	n = snprintf(buf, size, "%s %s %u %s%s%s", verb, c->kind == K8S_NS ? "ns" : "policy", c->vni,
		     c->name, *body ? " " : "", body);
	return n < 0 || (size_t)n >= size ? -ENOSPC : 0;
}

void k8s_cmds_free(struct k8s_cmds *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->v[i].body);
	free(c->v);
	memset(c, 0, sizeof(*c));
}
