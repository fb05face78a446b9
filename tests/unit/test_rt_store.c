/* SPDX-License-Identifier: MIT */
/* router/store_kv.c: keys, values, base64 and the gateway's replies, with a
 * malformed fixture for each error branch (genv-store(5)). */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include "../../libcore/sbuf.h"
#include "../../router/config.h"
#include "../../router/dpcache.h"
#include "../../router/store_kv.h"
#include "../../router/store_live.h"
#include "rt_fixture.h"

Suite *rt_store_suite(void);

START_TEST(objects_of_lines)
{
	char obj[RT_STORE_OBJ_MAX], err[256];
	bool scoped;

	ck_assert_int_eq(rt_store_obj_of_line("add vpc 100 cidr 10.0.0.0/16", obj, sizeof(obj), &scoped, err, sizeof(err)), 0);
	ck_assert_str_eq(obj, "vpc/100");
	ck_assert(!scoped);
	ck_assert_int_eq(rt_store_obj_of_line("add net 100 10.0.1.0/24 gw 10.0.1.1", obj, sizeof(obj), &scoped, err, sizeof(err)), 0);
	ck_assert_str_eq(obj, "net/100/10.0.1.0%2F24");
	ck_assert_int_eq(rt_store_obj_of_line("add policy 100 prod/w%b select app=web", obj, sizeof(obj), &scoped, err, sizeof(err)), 0);
	ck_assert_str_eq(obj, "policy/100/prod%2Fw%25b");
	ck_assert_int_eq(rt_store_obj_of_line("set host addr 10.200.0.1", obj, sizeof(obj), &scoped, err, sizeof(err)), 0);
	ck_assert_str_eq(obj, "host");
	ck_assert(scoped);
	ck_assert_int_eq(rt_store_obj_of_line("add port tap0 mtu 1400", obj, sizeof(obj), &scoped, err, sizeof(err)), 0);
	ck_assert(scoped);
	/* refusals, each branch */
	ck_assert_int_eq(rt_store_obj_of_line("del ep 100 10.0.1.5", obj, sizeof(obj), &scoped, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "expected an 'add' or 'set host'"));
	ck_assert_int_eq(rt_store_obj_of_line("set vpc", obj, sizeof(obj), &scoped, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(rt_store_obj_of_line("add ep 100", obj, sizeof(obj), &scoped, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "missing its name"));
	ck_assert_int_eq(rt_store_obj_of_line("add thing 1 2", obj, sizeof(obj), &scoped, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not an object of the store"));
	{
		char longw[400];

		memset(longw, 'a', sizeof(longw) - 1);
		longw[sizeof(longw) - 1] = 0;
		memcpy(longw, "add vpc ", 8);
		ck_assert_int_eq(rt_store_obj_of_line(longw, obj, sizeof(obj), &scoped, err, sizeof(err)), -EINVAL);
		ck_assert_str_eq(err, "a word longer than 255 bytes");
	}
}
END_TEST

START_TEST(keys)
{
	char obj[RT_STORE_OBJ_MAX], key[RT_STORE_KEY_MAX], cmd[512];

	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/schema", "h1", obj, sizeof(obj)), RT_SK_SCHEMA);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/ep/100/10.0.1.5", "h1", obj, sizeof(obj)), RT_SK_GLOBAL);
	ck_assert_str_eq(obj, "ep/100/10.0.1.5");
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/hosts/h1/ep/100/10.0.1.5", "h1", obj, sizeof(obj)), RT_SK_OWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/hosts/h2/port/tap0", "h1", obj, sizeof(obj)), RT_SK_OTHER);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/hosts/h1/host", "h1", obj, sizeof(obj)), RT_SK_OWN);
	/* unknown: other prefix, version, type, shape, a port or host outside a scope */
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/other/v1/vpc/1", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v2/vpc/1", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/thing/1", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/vpc/1/2", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/ep/100", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/port/tap0", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/host", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/hosts/h1/vpc/1", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/hosts//host", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_of("/genv/", "h1", "port/tap0", key, sizeof(key)), 0);
	ck_assert_str_eq(key, "/genv/v1/hosts/h1/port/tap0");
	ck_assert_int_eq(rt_store_key_of("/genv/", "h1", "port/tap0", key, 10), -ENAMETOOLONG);
	ck_assert_int_eq(rt_store_del_of("net/100/10.0.1.0%2F24", cmd, sizeof(cmd)), 0);
	ck_assert_str_eq(cmd, "del net 100 10.0.1.0/24");
	ck_assert_int_eq(rt_store_del_of("policy/100/a%25b", cmd, sizeof(cmd)), 0);
	ck_assert_str_eq(cmd, "del policy 100 a%b");
	ck_assert_int_eq(rt_store_del_of("host", cmd, sizeof(cmd)), -EINVAL);
	ck_assert_int_eq(rt_store_del_of("vpc/1%2", cmd, sizeof(cmd)), -EINVAL);
	ck_assert_int_eq(rt_store_del_of("vpc/1%41", cmd, sizeof(cmd)), -EINVAL);
}
END_TEST

START_TEST(values)
{
	char err[256];
	const char *ok = "add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.2";

	ck_assert_int_eq(rt_store_value_check("ep/100/10.0.1.5", ok, strlen(ok), err, sizeof(err)), 0);
	ck_assert_int_eq(rt_store_value_check("ep/100/10.0.1.6", ok, strlen(ok), err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "the value sets ep/100/10.0.1.5, the key names ep/100/10.0.1.6");
	ck_assert_int_eq(rt_store_value_check("vpc/1", "add vpc 1\0x", 11, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "a NUL byte in the value");
	ck_assert_int_eq(rt_store_value_check("vpc/1", "add vpc 1\nadd vpc 2", 19, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "control byte (0x0a) at offset 9"));
	ck_assert_int_eq(rt_store_value_check("vpc/1", "bogus", 5, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(base64)
{
	size_t n;
	char *p = rt_store_b64_decode("aGVsbG8=", &n), *e;

	ck_assert_str_eq(p, "hello");
	ck_assert_uint_eq(n, 5);
	free(p);
	e = rt_store_b64_encode("hi", 2);
	ck_assert_str_eq(e, "aGk=");
	free(e);
	p = rt_store_b64_decode("", &n);
	ck_assert_uint_eq(n, 0);
	free(p);
	ck_assert_ptr_null(rt_store_b64_decode("aGk", &n));		/* length */
	ck_assert_ptr_null(rt_store_b64_decode("aG!=", &n));		/* alphabet */
	ck_assert_ptr_null(rt_store_b64_decode("a===", &n));		/* too much padding */
	ck_assert_ptr_null(rt_store_b64_decode("aG=k", &n));		/* padding inside */
	ck_assert_ptr_null(rt_store_b64_decode("aGk=aGk=", &n));	/* padding before the end */
}
END_TEST

/* A cache line whose key or value cannot be encoded (no memory) appends
 * nothing and says so: rt_store_save counted such a key as saved, and
 * the cache's end count then claimed a key it did not hold. */
START_TEST(cache_line)
{
	struct sbuf b = SBUF_INIT;
	size_t big = (size_t)96 << 20;
	char *v = malloc(big + 1);
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");
	struct rlimit rl;

	ck_assert_int_eq(rt_store_cache_kv(&b, "/genv/v1/vpc/1", 7, "add vpc 1"), 0);
	ck_assert_str_eq(sbuf_str(&b), "kv L2dlbnYvdjEvdnBjLzE= 7 YWRkIHZwYyAx\n");
#if defined(__SANITIZE_ADDRESS__)
	/* ASan's allocator aborts on a refused mapping: no limit under it */
	fclose(f);
	free(v);
	sbuf_free(&b);
	return;
#endif
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(fscanf(f, "%lu", &pages), 1);
	fclose(f);
	memset(v, 'a', big);
	v[big] = 0;
	/* 32 MB more than now: the 128 MB of v's base64 cannot be had
	 * (this test runs in its own process: CK_FORK) */
	rl.rlim_cur = rl.rlim_max = pages * 4096 + ((rlim_t)32 << 20);
	ck_assert_int_eq(setrlimit(RLIMIT_AS, &rl), 0);
	ck_assert_int_eq(rt_store_cache_kv(&b, "/genv/v1/vpc/2", 8, v), -ENOMEM);
	ck_assert_str_eq(sbuf_str(&b), "kv L2dlbnYvdjEvdnBjLzE= 7 YWRkIHZwYyAx\n");
	ck_assert_int_eq(rt_store_cache_kv(&b, v, 8, "add vpc 2"), -ENOMEM);
	ck_assert_uint_eq(b.len, 39);
	free(v);
	sbuf_free(&b);
}
END_TEST

/* Identity keys and values: both keys of one identity, parsed back, and
 * a malformed fixture for each error branch; `identity N` of an
 * endpoint's value. */
START_TEST(identities)
{
	struct rt_store_ident d = { .vni = 100, .id = 300, .ns = "default", .labels = "app=web,x=a/b" }, g;
	char a[RT_STORE_KEY_MAX], b[RT_STORE_KEY_MAX], obj[RT_STORE_OBJ_MAX], err[256];
	uint32_t id = 0;
	static const char *const bad[][3] = {
		{ "identities/x/default/app=web", "300", "expected a VNI" },
		{ "identities/100", "300", "expected a VNI" },
		{ "identities/100/Bad_NS/app=web", "300", "expected a namespace" },
		{ "identities/100/default/app", "300", "expected a label set" },
		{ "identities/100/default/app=web/x", "300", "expected a label set" },
		{ "identities/100/default/a%41=b", "300", "expected a label set" },
		{ "identities/100/default/app=web", "0", "expected an identity number" },
		{ "identities/100/default/app=web", "0300", "expected an identity number" },
		{ "identities/100/default/app=web", "4294967296", "expected an identity number" },
		{ "identities/100/default/app=web", "300 ", "expected an identity number" },
		{ "identity-ids/100/300", "default app=web", "10-digit" },
		{ "identity-ids/100/00000003x0", "default app=web", "10-digit" },
		{ "identity-ids/100/0000000300", "default", "expected 'NAMESPACE LABELS'" },
		{ "identity-ids/100/0000000300", "BAD app=web", "no DNS label" },
		{ "identity-ids/100/0000000300", "default app=web x=y", "one word" },
		{ "identity-ids/100/0000000300", "default web", "one word" },
		{ "identitiez/100/default/app=web", "300", "not an identity key" },
	};

	ck_assert_int_eq(rt_store_ident_keys("/genv/", &d, a, b, sizeof(a)), 0);
	ck_assert_str_eq(a, "/genv/v1/identities/100/default/app=web,x=a%2Fb");
	ck_assert_str_eq(b, "/genv/v1/identity-ids/100/0000000300");
	ck_assert_int_eq(rt_store_key_parse("/genv/", a, "h1", obj, sizeof(obj)), RT_SK_IDENT);
	ck_assert_int_eq(rt_store_ident_parse(obj, "300", 3, &g, err, sizeof(err)), 0);
	ck_assert(!g.by_id && g.vni == 100 && g.id == 300);
	ck_assert_str_eq(g.ns, "default");
	ck_assert_str_eq(g.labels, "app=web,x=a/b");
	ck_assert_int_eq(rt_store_key_parse("/genv/", b, NULL, obj, sizeof(obj)), RT_SK_IDENT);
	ck_assert_int_eq(rt_store_ident_parse(obj, "prod none", 9, &g, err, sizeof(err)), 0);
	ck_assert(g.by_id && g.vni == 100 && g.id == 300 && !g.labels[0]);
	ck_assert_str_eq(g.ns, "prod");
	d.labels[0] = 0;
	ck_assert_int_eq(rt_store_ident_keys("/genv/", &d, a, b, sizeof(a)), 0);
	ck_assert_str_eq(a, "/genv/v1/identities/100/default/none");
	memset(d.labels, 'a', sizeof(d.labels) - 1);
	d.labels[sizeof(d.labels) - 1] = 0;
	d.labels[1] = '=';
	ck_assert_int_eq(rt_store_ident_keys("/genv/", &d, a, b, 200), -ENAMETOOLONG);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_int_eq(rt_store_ident_parse(bad[i][0], bad[i][1], strlen(bad[i][1]), &g, err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, bad[i][2]), "%s: %s", bad[i][0], err);
	}
	ck_assert_int_eq(rt_store_ident_parse("identities/100/default/app=web", "30\0", 3, &g, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "a NUL byte in the value");
	ck_assert_int_eq(rt_store_ep_identity("add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.0.0.1 labels a=b identity 300", &id), 0);
	ck_assert_uint_eq(id, 300);
	ck_assert_int_eq(rt_store_ep_identity("add ep 100 10.0.1.5 port identity ns identity identity 7", &id), 0);
	ck_assert_uint_eq(id, 7);
	ck_assert_int_eq(rt_store_ep_identity("add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.0.0.1", &id), -ENOENT);
	ck_assert_int_eq(rt_store_ep_identity("add ep 100 10.0.1.5 identity", &id), -ENOENT);
	ck_assert_int_eq(rt_store_ep_identity("add ep 100 10.0.1.5 identity 0", &id), -EINVAL);
	ck_assert_int_eq(rt_store_ep_identity("add ep 100 10.0.1.5 identity 0x12c", &id), -EINVAL);
}
END_TEST

/* one reply; returns what rt_store_parse_resp did */
static int parse(const char *json, struct rt_store_resp *r, char *err)
{
	return rt_store_parse_resp(json, strlen(json), r, err, 256);
}

START_TEST(replies)
{
	struct rt_store_resp r;
	char err[256];

	ck_assert_int_eq(parse("{\"header\":{\"revision\":\"7\"},\"kvs\":[{\"key\":\"L2E=\",\"mod_revision\":\"3\","
			       "\"version\":\"1\",\"value\":\"aGk=\"}],\"count\":\"1\"}", &r, err), 0);
	ck_assert_int_eq(r.rev, 7);
	ck_assert_uint_eq(r.n, 1);
	ck_assert_str_eq(r.kv[0].key, "/a");
	ck_assert_str_eq(r.kv[0].value, "hi");
	ck_assert_int_eq(r.kv[0].mod_rev, 3);
	rt_store_resp_free(&r);
	ck_assert_int_eq(parse("{\"result\":{\"header\":{\"revision\":\"9\"},\"events\":[{\"type\":\"DELETE\","
			       "\"kv\":{\"key\":\"L2E=\",\"mod_revision\":\"9\"}},{\"kv\":{\"key\":\"L2I=\"}}]}}", &r, err), 0);
	ck_assert_uint_eq(r.n, 2);
	ck_assert_ptr_null(r.kv[0].value);
	ck_assert_str_eq(r.kv[1].value, "");	/* an empty value: no "value" member */
	rt_store_resp_free(&r);
	ck_assert_int_eq(parse("{\"result\":{\"header\":{\"revision\":\"9\"},\"canceled\":true,"
			       "\"compact_revision\":\"5\",\"cancel_reason\":\"compacted\"}}", &r, err), 0);
	ck_assert_int_eq(r.compact_rev, 5);
	ck_assert(r.canceled);
	ck_assert_str_eq(r.error, "compacted");
	ck_assert_int_eq(parse("{\"error\":\"etcdserver: no leader\",\"code\":14,\"message\":\"etcdserver: no leader\"}", &r, err), 0);
	ck_assert_str_eq(r.error, "etcdserver: no leader");
	ck_assert_int_eq(parse("{\"header\":{},\"succeeded\":true}", &r, err), 0);
	ck_assert(r.succeeded);

	/* each error branch */
	ck_assert_int_eq(parse("{", &r, err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not JSON"));
	ck_assert_int_eq(parse("[1]", &r, err), -EINVAL);
	ck_assert_str_eq(err, "expected a JSON object");
	ck_assert_int_eq(parse("{\"result\":3}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "result: expected an object");
	ck_assert_int_eq(parse("{\"kvs\":[]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "header: missing");
	ck_assert_int_eq(parse("{\"header\":{\"revision\":\"-1\"}}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "header.revision: expected a revision (a number as a string)");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":{}}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "kvs: expected an array");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":[3]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "kvs[0].kv: expected an object");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":[{\"key\":\"!!!!\"}]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "kvs[0].key: missing or not base64");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":[{\"key\":\"AA==\"}]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "kvs[0].key: empty, or a NUL byte in it");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":[{\"key\":\"L2E=\",\"mod_revision\":true}]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "kvs[0].mod_revision: expected a revision (a number as a string)");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":[{\"key\":\"L2E=\",\"value\":\"a\"}]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "kvs[0].value of '/a': not base64");
	ck_assert_int_eq(parse("{\"header\":{},\"events\":[{\"type\":\"MOVE\",\"kv\":{}}]}", &r, err), -EINVAL);
	ck_assert_str_eq(err, "events[0].type: expected PUT or DELETE");
	ck_assert_int_eq(parse("{\"header\":{},\"kvs\":[{\"key\":\"L2E=\"},{\"key\":\"L2E=\",\"key\":\"L2E=\"}]}", &r, err), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not JSON"));	/* duplicate member */
}
END_TEST

/* a string literal and its length */
#define S(x) x, sizeof(x) - 1


START_TEST(status_keys)
{
	char obj[RT_STORE_OBJ_MAX], err[256];
	struct rt_store_resp r;
	uint8_t fam = 0, a[16];

	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/status/hosts/h2", "h1", obj, sizeof(obj)), RT_SK_STATUS);
	ck_assert_str_eq(obj, "h2");
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/status/hosts/", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/status/hosts/h2/x", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	ck_assert_int_eq(rt_store_key_parse("/genv/", "/genv/v1/status/h2", "h1", obj, sizeof(obj)), RT_SK_UNKNOWN);
	/* lease grant and keepalive replies; an expired lease has no TTL */
	ck_assert_int_eq(rt_store_parse_resp(S("{\"header\":{\"revision\":\"3\"},\"ID\":\"7587\",\"TTL\":\"5\"}"), &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.lease_id, 7587);
	ck_assert_int_eq(r.ttl, 5);
	ck_assert_int_eq(rt_store_parse_resp(S("{\"result\":{\"header\":{},\"ID\":\"7587\"}}"), &r, err, sizeof(err)), 0);
	ck_assert_int_eq(r.lease_id, 7587);
	ck_assert_int_eq(r.ttl, 0);
	ck_assert_int_eq(rt_store_parse_resp(S("{\"header\":{},\"TTL\":\"x\"}"), &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "TTL: expected a revision (a number as a string)");
	/* status values, and each error branch */
	ck_assert_int_eq(rt_store_status_parse(S("{\"addr\":\"10.200.0.2\",\"ports\":[]}"), &fam, a, err, sizeof(err)), 0);
	ck_assert_int_eq(fam, 4);
	ck_assert_int_eq(a[3], 2);
	ck_assert_int_eq(rt_store_status_parse(S("{\"addr\":\"fd00::2\"}"), &fam, a, err, sizeof(err)), 0);
	ck_assert_int_eq(fam, 6);
	ck_assert_int_eq(rt_store_status_parse(S("{\"addr\""), &fam, a, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "not JSON"));
	ck_assert_int_eq(rt_store_status_parse(S("[]"), &fam, a, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "addr: missing, or not a string");
	ck_assert_int_eq(rt_store_status_parse(S("{\"addr\":3}"), &fam, a, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "addr: missing, or not a string");
	ck_assert_int_eq(rt_store_status_parse(S("{\"addr\":\"h2\"}"), &fam, a, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "addr 'h2': not an IPv4 or IPv6 address");
}
END_TEST

/* A host whose status key goes: its endpoints unreachable, the direct-path
 * cache toward it emptied (entries toward others kept); back: cleared. */
START_TEST(liveness_marks)
{
	static const char *const topo[] = {
		"set host addr 10.200.0.1", "add vpc 100 cidr 10.0.0.0/16",
		"add ep 100 10.0.1.2 mac 02:00:00:00:01:02 host 10.200.0.2",
		"add ep 100 10.0.1.3 mac 02:00:00:00:01:03 host 10.200.0.3", NULL,
	};
	struct rt_tables *t = rtfix_tables(topo, 0);
	struct gnv_addr h2 = { .family = 4, .a = { 10, 200, 0, 2 } }, h3 = { .family = 4, .a = { 10, 200, 0, 3 } };
	uint8_t ip5[4] = { 10, 0, 2, 5 }, ip6[4] = { 10, 0, 2, 6 };
	char val[] = "{\"addr\":\"10.200.0.2\"}";
	struct rt_store_kv put = { .key = "k", .value = val, .vsize = sizeof(val) - 1, .mod_rev = 5 };
	struct rt_store_kv del = { .key = "k", .mod_rev = 9 };
	struct rt_live l;
	struct sbuf o = SBUF_INIT;
	int i2;

	ck_assert_int_eq(rt_dp_configure(&t->dp, 64, 30), 0);
	ck_assert_int_eq(rt_dp_learn(&t->dp, 100, 4, ip5, &h2, 1), 0);
	ck_assert_int_eq(rt_dp_learn(&t->dp, 100, 4, ip6, &h3, 1), 0);
	ck_assert_int_eq(rt_live_start(&l, NULL, NULL, 0, -1, NULL), 0);
	rt_live_take(&l, "h2", &put, 5);
	rt_live_sync(&l, t);
	i2 = rt_host_find(t, &h2);
	ck_assert_int_ge(i2, 0);
	ck_assert(!t->cfg.host[i2].down);
	rt_live_take(&l, "h2", &del, 9);
	rt_live_take(&l, "h2", &put, 5);	/* older than the delete: ignored */
	rt_live_sync(&l, t);
	ck_assert(t->cfg.host[i2].down);
	ck_assert_uint_eq(l.hosts_down, 1);
	ck_assert_uint_eq(l.eps_down, 1);
	ck_assert_uint_eq(l.dp_dropped, 1);
	ck_assert_ptr_null(rt_dp_lookup(&t->dp, 100, 4, ip5, 2, false));
	ck_assert_ptr_nonnull(rt_dp_lookup(&t->dp, 100, 4, ip6, 2, false));
	ck_assert_uint_eq(t->dp.st.invalidated, 0);
	ck_assert_int_eq(rtfix_run(t, "show ep 100", &o), 0);
	/* text: the word only when unreachable; JSON: "reachable" */
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "unreachable"));
	ck_assert_ptr_null(strstr(strstr(sbuf_str(&o), "unreachable"), "10.0.1.2"));
	ck_assert_ptr_null(strstr(strstr(sbuf_str(&o), "10.0.1.3"), "unreachable"));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show ep 100", true, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"reachable\":false"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"reachable\":true"));
	/* back */
	put.mod_rev = 12;
	rt_live_take(&l, "h2", &put, 12);
	rt_live_sync(&l, t);
	ck_assert(!t->cfg.host[i2].down);
	ck_assert_uint_eq(l.hosts_down, 0);
	ck_assert_uint_eq(l.ups, 2);
	ck_assert_uint_eq(l.downs, 1);
	/* a full read without its key: down again */
	rt_live_full(&l, true, 20);
	rt_live_full(&l, false, 20);
	rt_live_sync(&l, t);
	ck_assert(t->cfg.host[i2].down);
	sbuf_free(&o);
	rt_live_stop(&l);
	rt_tables_free(t);
}
END_TEST

Suite *rt_store_suite(void)
{
	Suite *s = suite_create("rt_store");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, objects_of_lines);
	tcase_add_test(tc, keys);
	tcase_add_test(tc, values);
	tcase_add_test(tc, base64);
	tcase_add_test(tc, cache_line);
	tcase_add_test(tc, identities);
	tcase_add_test(tc, replies);
	tcase_add_test(tc, status_keys);
	tcase_add_test(tc, liveness_marks);
	suite_add_tcase(s, tc);
	return s;
}
