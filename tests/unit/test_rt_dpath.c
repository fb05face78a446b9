/* SPDX-License-Identifier: MIT */
/*
 * router/dpath.h through the pipeline: sender A, bouncer B (10.200.0.3),
 * endpoint host C.  The first packet goes via B with A's RTS request, C
 * answers, A learns and sends straight to C; an answer from a non-host or
 * naming another host is dropped (rts.untrusted), a malformed one
 * rts.malformed; the endpoint leaves C: C answers 0x83 and A goes back
 * through B; dry runs change nothing; `direct off` keeps the bouncer.
 * A Check suite (tests/unit/main.c).
 */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/lang.h"
#include "../../libcore/opt_genv.h"
#include "../../libcore/sbuf.h"
#include "../../router/config.h"
#include "../../router/dpath.h"
#include "../../router/pipeline.h"

Suite *rt_dpath_suite(void);

static struct rt_tables *ta, *tc;
static uint8_t buf[RT_HEADROOM + 4096];
static uint8_t *const frame = buf + RT_HEADROOM;
static uint8_t wire[4096];
static size_t wsize;
static struct rt_out out;

static void cmd(struct rt_tables *t, const char *line)
{
	struct sbuf o = SBUF_INIT;
	int r = rt_cmd_exec(t, NULL, line, false, &o);

	ck_assert_msg(r == 0, "'%s': %s", line, sbuf_str(&o));
	sbuf_free(&o);
}

static struct rt_tables *tables(const char *const *lines)
{
	struct rt_limits l;
	struct rt_tables *t;

	rt_limits_default(&l);
	l.max_vpcs = 4;
	l.max_nets = 8;
	l.max_eps = 16;
	l.max_hosts = 16;
	l.max_ports = 4;
	l.flows_per_vpc = 16;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; lines[i]; i++)
		cmd(t, lines[i]);
	rt_tables_set_now(t, 1000000000000ull);
	return t;
}

static const char *const conf_a[] = {
	"set host addr 10.200.0.1 rts on",
	"add port tap0",
	"add vpc 100 cidr 10.0.0.0/16 peers 10.200.0.4",
	"add net 100 10.0.2.0/24 bouncer 10.200.0.3",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0",
	NULL,
};

static const char *const conf_c[] = {
	"set host addr 10.200.0.4 rts on",
	"add port tap0",
	"add vpc 100 cidr 10.0.0.0/16",
	"add net 100 10.0.2.0/24 bouncer 10.200.0.3",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 port tap0",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.1",
	NULL,
};

static void setup(void)
{
	ta = tables(conf_a);
	tc = tables(conf_c);
}

static void teardown(void)
{
	rt_tables_free(ta);
	rt_tables_free(tc);
}

static struct rt_ul_meta meta(uint8_t last)
{
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, last } }, .ttl = 64 };

	return m;
}

/* A sends 10.0.1.5 -> 10.0.2.7; the Geneve payload is kept in wire. */
static enum rt_verdict a_sends(struct rt_trace *tr)
{
	struct gnv_spec spec;
	size_t n;
	char err[128];

	gnv_spec_init(&spec, GENV_CLASS_DEFAULT);
	ck_assert_int_eq(gnv_lang_parse("eth src=02:00:00:00:01:05 dst=02:67:76:00:00:01 / ipv4 "
					"src=10.0.1.5 dst=10.0.2.7 / udp sport=4000 dport=53 / payload text=\"hellohello\"",
					&spec, err, sizeof(err)), 0);
	ck_assert_int_eq(gnv_build_ex(&spec, frame, 4096, &n, NULL, err, sizeof(err)), 0);
	rt_from_port(ta, 0, frame, n, RT_HEADROOM, &out, tr);
	if (out.verdict == RT_FORWARD) {
		memcpy(wire, out.data, out.size);
		wsize = out.size;
	}
	return out.verdict;
}

static enum rt_verdict ul(struct rt_tables *t, uint8_t from, const uint8_t *p, size_t n)
{
	static uint8_t copy[4096];
	struct rt_ul_meta m = meta(from);

	memcpy(copy, p, n);
	return rt_from_underlay(t, &m, copy, n, 0, &out, NULL);
}

/* C's queued answer as bytes in wire; the outbox emptied. */
static void c_answer(bool invalidate)
{
	ck_assert_uint_eq(tc->dp.nout, 1);
	ck_assert_int_eq(tc->dp.out[0].invalidate, invalidate);
	ck_assert_int_eq(tc->dp.out[0].to.a[3], 1);
	int n = rt_dp_build(&tc->dp.out[0], GENV_CLASS_DEFAULT, &tc->cfg.self.addr, tc->cfg.self.mac,
			    wire, sizeof(wire));
	ck_assert_int_gt(n, 0);
	wsize = (size_t)n;
	tc->dp.nout = 0;
}

static void learn(void)
{
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 3);			/* the bouncer */
	ck_assert_uint_eq(wsize, 8 + 8 + 8 + 16 + 14 + 20 + 8 + 10);	/* eptype, ident, RTS */
	/* B relays it unchanged: C delivers and answers A */
	ck_assert_int_eq(ul(tc, 3, wire, wsize), RT_DELIVER);
	/* the flow's next packet through the bouncer within 1s: no second answer */
	ck_assert_int_eq(ul(tc, 3, wire, wsize), RT_DELIVER);
	ck_assert_uint_eq(tc->dp.st.rts_limited, 1);
	c_answer(false);
	ck_assert_int_eq(ul(ta, 4, wire, wsize), RT_CONTROL);
	ck_assert_uint_eq(ta->dp.st.learned, 1);
	ck_assert_uint_eq(ta->dp.n, 1);
}

START_TEST(learn_then_direct)
{
	struct rt_trace tr;

	learn();
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
		ck_assert_int_eq(out.dst.a[3], 4);		/* straight to C */
		ck_assert_uint_eq(wsize, 8 + 8 + 8 + 14 + 20 + 8 + 10);	/* no RTS */
		ck_assert_int_eq(ul(tc, 1, wire, wsize), RT_DELIVER);
		ck_assert_uint_eq(tc->dp.nout, 0);		/* came direct: no answer */
	}
	ck_assert_uint_eq(ta->dp.st.used, 3);
	/* the trace names the cache entry */
	rt_trace_init(&tr, true);
	ck_assert_int_eq(a_sends(&tr), RT_FORWARD);
	bool seen = false;
	for (int i = 0; i < tr.n; i++)
		if (!strcmp(tr.e[i].stage, "direct") && !strcmp(tr.e[i].decision, "cache"))
			seen = true;
	ck_assert(seen);
	ck_assert_uint_eq(ta->dp.st.used, 3);			/* dry run */
	/* the VPC says the configured way */
	cmd(ta, "set vpc 100 direct off");
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 3);
	/* same-net: 10.0.1.5 and 10.0.2.7 are in different networks */
	cmd(ta, "set vpc 100 direct same-net");
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 3);
	cmd(ta, "set vpc 100 direct on");
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 4);
	/* clear stats zeroes the counters, not the entries */
	cmd(ta, "clear stats");
	ck_assert_uint_eq(ta->dp.st.used, 0);
	ck_assert_uint_eq(ta->dp.n, 1);
	cmd(ta, "clear cache");
	ck_assert_uint_eq(ta->dp.n, 0);
}
END_TEST

START_TEST(untrusted_and_malformed)
{
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(ul(tc, 3, wire, wsize), RT_DELIVER);
	c_answer(false);
	/* from a host that is not the one named */
	ck_assert_int_eq(ul(ta, 3, wire, wsize), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_RTS_UNTRUSTED);
	/* from the named host, but A does not know it for the VPC */
	cmd(ta, "set vpc 100 peers 10.200.0.9");
	ck_assert_int_eq(ul(ta, 4, wire, wsize), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_RTS_UNTRUSTED);
	ck_assert_uint_eq(ta->dp.st.untrusted, 2);
	cmd(ta, "set vpc 100 peers 10.200.0.4");
	/* no inner IP header naming the endpoint */
	wire[0] = (uint8_t)(wire[0] & 0x3f);
	ck_assert_int_eq(ul(ta, 4, wire, 8 + 16), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_RTS_MALFORMED);
	/* the endpoint outside the VPC's CIDRs */
	wire[8 + 16 + 14 + 12] = 192;
	ck_assert_int_eq(ul(ta, 4, wire, wsize), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_RTS_MALFORMED);
	ck_assert_uint_eq(ta->dp.st.learned, 0);
	ck_assert_uint_eq(ta->dp.n, 0);
}
END_TEST

START_TEST(moved_invalidates)
{
	learn();
	cmd(tc, "del ep 100 10.0.2.7");
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 4);
	ck_assert_int_eq(ul(tc, 1, wire, wsize), RT_DROP);	/* never delivered */
	ck_assert_int_eq(out.reason, RT_DROP_NOT_LOCAL);
	c_answer(true);
	ck_assert_int_eq(ul(ta, 4, wire, wsize), RT_CONTROL);
	ck_assert_uint_eq(ta->dp.st.invalidated, 1);
	ck_assert_uint_eq(ta->dp.n, 0);
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 3);			/* back via the bouncer */
}
END_TEST

START_TEST(ages_out)
{
	learn();
	rt_tables_set_now(ta, ta->run.now_ns + (uint64_t)(RT_DP_DEFAULT_AGE + 1) * 1000000000ull);
	ck_assert_int_eq(a_sends(NULL), RT_FORWARD);
	ck_assert_int_eq(out.dst.a[3], 3);
	ck_assert_uint_eq(ta->dp.st.aged, 1);
}
END_TEST

/* Every `show TOPIC` answer in JSON is one document with no key twice in
 * an object (rt_dp_show wrote "entries" both as the count and the list). */
START_TEST(show_json_unique_keys)
{
	learn();
	for (const char *const *tp = rt_show_topics; *tp; tp++) {
		struct sbuf o = SBUF_INIT;
		char line[64];
		json_error_t err;
		json_t *doc;

		snprintf(line, sizeof(line), "show %s", *tp);
		if (rt_cmd_exec(ta, NULL, line, true, &o) != 0) {
			sbuf_free(&o);
			continue;
		}
		doc = json_loads(sbuf_str(&o), JSON_REJECT_DUPLICATES, &err);
		ck_assert_msg(doc != NULL, "%s: %s", line, err.text);
		if (!strcmp(*tp, "cache")) {
			json_t *c = json_object_get(doc, "cache");

			ck_assert_int_eq(json_integer_value(json_object_get(c, "count")), 1);
			ck_assert_uint_eq(json_array_size(json_object_get(c, "entries")), 1);
		}
		json_decref(doc);
		sbuf_free(&o);
	}
}
END_TEST

START_TEST(show_and_set)
{
	struct sbuf o = SBUF_INIT;

	learn();
	ck_assert_int_eq(rt_cmd_exec(ta, NULL, "show cache", false, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "vpc 100 ep 10.0.2.7 host 10.200.0.4 age 0 hits 0 live"));
	sbuf_free(&o);
	ck_assert_int_eq(rt_cmd_exec(ta, NULL, "show cache", true, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"ep\":\"10.0.2.7\""));
	sbuf_free(&o);
	ck_assert_int_eq(rt_cmd_exec(ta, NULL, "show stats", true, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"learned\":1"));
	sbuf_free(&o);
	cmd(ta, "set host cache 8 cache-age 5");
	ck_assert_uint_eq(ta->dp.size, 8);
	ck_assert_uint_eq(ta->dp.n, 0);
	ck_assert_int_ne(rt_cmd_exec(ta, NULL, "set host cache 8 cache-age 0", false, &o), 0);
	ck_assert_uint_eq(ta->dp.max_age_ns, 5000000000ull);
	sbuf_free(&o);
	ck_assert_int_ne(rt_cmd_exec(ta, NULL, "set vpc 100 direct sometimes", false, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "direct is 'on', 'off' or 'same-net'"));
	sbuf_free(&o);
	ck_assert_int_eq(rt_config_dump(ta, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), " cache 8 cache-age 5"));
	sbuf_free(&o);
	cmd(ta, "set vpc 100 direct same-net");
	ck_assert_int_eq(rt_config_dump(ta, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), " direct same-net"));
	sbuf_free(&o);
}
END_TEST

Suite *rt_dpath_suite(void)
{
	Suite *s = suite_create("rt_dpath");
	TCase *tc_ = tcase_create("rt_dpath");

	tcase_add_checked_fixture(tc_, setup, teardown);
	tcase_add_test(tc_, learn_then_direct);
	tcase_add_test(tc_, untrusted_and_malformed);
	tcase_add_test(tc_, moved_invalidates);
	tcase_add_test(tc_, ages_out);
	tcase_add_test(tc_, show_and_set);
	tcase_add_test(tc_, show_json_unique_keys);
	suite_add_tcase(s, tc_);
	return s;
}
