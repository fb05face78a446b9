/* SPDX-License-Identifier: MIT */
/*
 * The etcd store's keys, values and replies (genv-store(5)), without I/O:
 * which object a key names, whether a value is a command line for that
 * object, base64 (the JSON gateway carries keys and values in it), and the
 * JSON replies of /v3/kv/range, /v3/kv/txn and /v3/watch parsed into
 * key/value lists.  Everything here takes untrusted bytes (what a store
 * member sends) and returns 0 or -EINVAL with a message naming the key or
 * the field; tests/fuzz/fuzz_store.c drives it.
 *
 * Keys, under PREFIX (default "/genv/"):
 *   PREFIX v1/schema                  "1"
 *   PREFIX v1/vpc/VNI                 add vpc VNI ...
 *   PREFIX v1/net/VNI/PREFIX          add net VNI PREFIX ...
 *   PREFIX v1/ns/VNI/NAME             add ns VNI NAME ...
 *   PREFIX v1/ep/VNI/IP               add ep VNI IP ...
 *   PREFIX v1/policy/VNI/NAME         add policy VNI NAME ...
 *   PREFIX v1/hosts/ID/host           set host ...      (only router ID applies it)
 *   PREFIX v1/hosts/ID/port/NAME      add port NAME ... (only router ID)
 *   PREFIX v1/hosts/ID/ep/VNI/IP      add ep ...        (router ID: replaces v1/ep/VNI/IP)
 *   PREFIX v1/status/hosts/ID         {"addr":...} JSON  (router ID's liveness, on its lease)
 *   PREFIX v1/identities/VNI/NS/LABELS   N           (the identity of a label set)
 *   PREFIX v1/identity-ids/VNI/NNNNNNNNNN NS LABELS  (who has number N: 10 digits)
 * A key's words are the command's words with '%' and '/' written %25 and
 * %2F.  The object of a key ("ep/100/10.0.1.5") is the key after v1/ and
 * after the host scope.
 * Layer: router; calls lang (split), jansson and libc.
 */
#ifndef GENV_RT_STORE_KV_H
#define GENV_RT_STORE_KV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_STORE_SCHEMA		"1"
#define RT_STORE_OBJ_MAX	256
#define RT_STORE_KEY_MAX	512

/* What a key is to router host_id (rt_store_key_parse). */
enum rt_store_key_kind {
	RT_SK_SCHEMA,	/* PREFIX v1/schema */
	RT_SK_GLOBAL,	/* an object every router applies */
	RT_SK_OWN,	/* an object in this host's scope */
	RT_SK_OTHER,	/* another host's scope: not applied here */
	RT_SK_UNKNOWN,	/* under the prefix but no object of schema 1 */
	RT_SK_STATUS,	/* PREFIX v1/status/hosts/ID: a router's liveness (obj: ID) */
	RT_SK_IDENT,	/* PREFIX v1/identities/... or v1/identity-ids/...: the
			 * allocator's (obj: the key after v1/); no object */
};

/* The object a command line (add/set host) sets: "vpc/100" into obj;
 * *scoped: it lives in a host scope (host, port).  0 or -EINVAL. */
int rt_store_obj_of_line(const char *line, char *obj, size_t n, bool *scoped, char *err,
			 size_t errsz);
/* The key of obj: PREFIX v1/[hosts/ID/]OBJ.  0 or -ENAMETOOLONG. */
int rt_store_key_of(const char *prefix, const char *host_id, const char *obj, char *key, size_t n);
/* What key is (enum rt_store_key_kind), its object into obj. */
int rt_store_key_parse(const char *prefix, const char *key, const char *host_id, char *obj,
		       size_t n);
/* The command that removes obj ("del ep 100 10.0.1.5"), NULL-free; 0 or
 * -EINVAL for objects that are never removed (host). */
int rt_store_del_of(const char *obj, char *cmd, size_t n);
/* A value for obj: text without NUL or control bytes, one command line
 * (add, or set host) whose object is obj.  0 or -EINVAL, message in err. */
int rt_store_value_check(const char *obj, const char *value, size_t size, char *err,
			 size_t errsz);

/* Strict base64 (RFC 4648, padding required): the decoded bytes in a
 * malloc'd, NUL-terminated buffer, their count in *size.  NULL on bad
 * input or no memory. */
char *rt_store_b64_decode(const char *s, size_t *size);
/* malloc'd base64 text of p; NULL when out of memory. */
char *rt_store_b64_encode(const void *p, size_t size);

struct sbuf;
/* A line of the router's cache (STATE.store) to b: "kv KEY MODREV VALUE"
 * with KEY and VALUE in base64.  0, or -ENOMEM with nothing appended. */
int rt_store_cache_kv(struct sbuf *b, const char *key, int64_t mod_rev, const char *value);

struct rt_store_kv {
	char *key;
	char *value;		/* NUL-terminated; NULL for a delete */
	size_t vsize;
	int64_t mod_rev;
	int64_t version;
};

/* One reply of the gateway. */
struct rt_store_resp {
	int64_t rev;		/* header.revision: the store's revision */
	int64_t compact_rev;	/* watch: the watch was cancelled, compacted to this */
	int64_t watch_id;
	int64_t lease_id, ttl;	/* lease grant / keepalive: "ID", "TTL" (0: expired) */
	bool created, canceled, succeeded, more;
	char error[256];	/* the gateway's "error" or watch cancel_reason */
	size_t n;
	struct rt_store_kv *kv;
};

/* Parse one reply (a range, txn, or one watch message: {"result":{...}})
 * into r.  0, or -EINVAL with err naming the field ("kvs[3].key: bad
 * base64").  A reply with an error member returns 0 and r->error set. */
int rt_store_parse_resp(const char *json, size_t size, struct rt_store_resp *r, char *err,
			size_t errsz);
void rt_store_resp_free(struct rt_store_resp *r);

/* The status value of a router (PREFIX v1/status/hosts/ID, JSON with at
 * least "addr": its underlay address): the address into *family and
 * addr[16].  0 or -EINVAL with err naming the field. */
int rt_store_status_parse(const char *value, size_t size, uint8_t *family, uint8_t *addr,
			  char *err, size_t errsz);

/* An identity of the store: label set (namespace ns, canonical labels
 * text, "" for none: "none" in keys and values) of VPC vni <-> id. */
#define RT_STORE_IDENT_MIN	256	/* the first number allocated */
#define RT_STORE_IDENT_NS_MAX	64
#define RT_STORE_IDENT_LABELS_MAX 200
struct rt_store_ident {
	bool by_id;		/* an identity-ids key (else identities) */
	uint32_t vni, id;
	char ns[RT_STORE_IDENT_NS_MAX];
	char labels[RT_STORE_IDENT_LABELS_MAX];
};
/* Both keys of identity d (its vni, ns, labels, id): by_labels
 * (PREFIX v1/identities/...) and by_id (PREFIX v1/identity-ids/...).
 * 0 or -ENAMETOOLONG. */
int rt_store_ident_keys(const char *prefix, const struct rt_store_ident *d, char *by_labels,
			char *by_id, size_t n);
/* The key object obj ("identities/100/default/app=web", from
 * rt_store_key_parse) and its value (size bytes) into d: an identities
 * value is the number, an identity-ids one "NS LABELS"; each checked
 * (VNI, number 1..4294967295, namespace a DNS label, labels one word).
 * 0 or -EINVAL with err naming what is wrong. */
int rt_store_ident_parse(const char *obj, const char *value, size_t size, struct rt_store_ident *d,
			 char *err, size_t errsz);
/* The `identity N` of an endpoint's value (an add ep line): 0 with *id,
 * -ENOENT when it has none, -EINVAL when N is no number 1..2^32-1. */
int rt_store_ep_identity(const char *value, uint32_t *id);

#endif
