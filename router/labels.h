/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes labels and label selectors, as the router's policy uses
 * them (genv.conf(5) POLICY, issue "label-selector network policy").
 *
 *   label set   app=web,tier=front     keys unique, kept sorted by key
 *   selector    app=web,tier=in(a|b),env!=dev,team,!legacy   or  all
 *
 * Syntax follows Kubernetes: a key is [PREFIX/]NAME, PREFIX a DNS
 * subdomain (at most 253 bytes of [a-z0-9.-]), NAME 1..63 bytes of
 * [A-Za-z0-9._-] that begin and end alphanumeric; a value is 0..63 bytes
 * of the same set (beginning and ending alphanumeric when not empty).
 * Requirements of a selector are ANDed; In and NotIn take values
 * separated by '|'; NotIn and != hold when the key is absent, as in
 * Kubernetes.  The canonical text (rt_lset.text, rt_sel.text) sorts
 * labels by key and requirements by key then operator, values sorted:
 * two sets or selectors are equal when their texts are.
 *
 * Every parser takes untrusted text (the control socket, state files,
 * YAML through genv route apply): 0, or -EINVAL with a message naming
 * the offending part.  Pure: no tables, no I/O.
 * Layer: router; calls libc only.
 */
#ifndef GENV_RT_LABELS_H
#define GENV_RT_LABELS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_LABELS_MAX		16	/* labels of one endpoint or namespace */
#define RT_LABEL_KEY_MAX	317	/* 253 + '/' + 63 */
#define RT_LABEL_VALUE_MAX	63
#define RT_LSET_TEXT_MAX	1024	/* canonical text of a label set */
#define RT_SEL_REQS_MAX		16	/* requirements of one selector */
#define RT_SEL_VALUES_MAX	16	/* values of one In / NotIn */
#define RT_SEL_TEXT_MAX		2048

/* A label set: n labels, key[i]=value[i] sorted by key; strings point
 * into text's own copy (store). */
struct rt_lset {
	uint8_t n;
	const char *key[RT_LABELS_MAX];
	const char *value[RT_LABELS_MAX];
	char *text;		/* canonical "k=v,k=v" ("" when empty), malloc'd */
	char *store;		/* the keys and values, NUL-separated, malloc'd */
};

/* Parse "k=v,k=v" (or "none": the empty set).  extra: an implicit label
 * added to the set ("kubernetes.io/metadata.name=NS" for namespaces), or
 * NULL.  On success *out owns its memory (rt_lset_free). */
int rt_lset_parse(const char *s, const char *extra_key, const char *extra_value,
		  struct rt_lset *out, char *err, size_t errsz);
void rt_lset_free(struct rt_lset *l);
/* A deep copy; -ENOMEM. */
int rt_lset_copy(struct rt_lset *dst, const struct rt_lset *src);
/* The value of key, or NULL when the set has no such key. */
const char *rt_lset_get(const struct rt_lset *l, const char *key);

enum rt_sel_op { RT_SEL_IN, RT_SEL_NOTIN, RT_SEL_EXISTS, RT_SEL_NOT_EXISTS };

struct rt_sel_req {
	uint8_t op;		/* enum rt_sel_op */
	uint8_t nval;
	char *key;
	char *val[RT_SEL_VALUES_MAX];
};

/* A selector: n == 0 selects everything ("all", Kubernetes' {}). */
struct rt_sel {
	uint8_t n;
	struct rt_sel_req *req;	/* [n], malloc'd (NULL when n == 0) */
	char *text;		/* canonical ("all" when empty), malloc'd */
};

int rt_sel_parse(const char *s, struct rt_sel *out, char *err, size_t errsz);
void rt_sel_free(struct rt_sel *s);
int rt_sel_copy(struct rt_sel *dst, const struct rt_sel *src);
bool rt_sel_match(const struct rt_sel *s, const struct rt_lset *l);

/* Kubernetes label syntax, for the YAML reader and the namespace names. */
bool rt_label_key_ok(const char *k, size_t n);
bool rt_label_value_ok(const char *v, size_t n);
/* A DNS label (namespace names): 1..63 of [a-z0-9-], alphanumeric ends. */
bool rt_dns_label_ok(const char *s);

/* The identity number of a label set in namespace ns (genv-options(7),
 * "identity"): FNV-1a 64 over NS '\n' TEXT, folded to 32 bits (high
 * xor low); results below 0x10000 have 0x10000 added (numbers 1..0xFFFF
 * are kept for identities allocated by a store).  Never 0. */
uint32_t rt_ident_hash(const char *ns, const char *text);

#endif
