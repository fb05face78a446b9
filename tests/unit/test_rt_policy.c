/* SPDX-License-Identifier: MIT */
/* Labels, selectors and the policy commands: parsing, canonical text,
 * every rejection (the tables unchanged after it), dump round trip. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../router/config.h"
#include "../../router/labels.h"
#include "../../router/policy.h"
#include "../../router/policy_obj.h"
#include "rt_fixture.h"

Suite *rt_policy_suite(void);

static struct rt_tables *t;

static int run(const char *line, struct sbuf *o)
{
	return rtfix_run(t, line, o);
}

static void cmd(const char *line)
{
	rtfix_cmd(t, line);
}

static char *dump(void)
{
	struct sbuf o = SBUF_INIT;

	ck_assert_int_eq(rt_config_dump(t, &o), 0);
	return o.buf ? o.buf : strdup("");
}

static const char *const topo[] = {
	"set host addr 10.200.0.1",
	"add port tap0",
	"add vpc 100 cidr 10.0.0.0/16",
	"add ns 100 prod labels env=prod,team=a",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 ns prod labels tier=front,app=web",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2 labels app=db",
	"add policy 100 prod/web ns prod select app=web,tier=in(front|back) ingress from pod app=db ns team=a port tcp/80 port tcp/8000-8080 from cidr 10.9.0.0/16 except 10.9.1.0/24,10.9.2.0/24 egress to ns all port udp/53",
	NULL
};

static void setup(void)
{
	t = rt_tables_new(&(struct rt_limits){ .max_eps = 256, .max_vpcs = 16, .max_nets = 16, .max_hosts = 16,
					       .max_ns = 16, .max_policies = 16, .ct_entries = 64 });
	ck_assert_ptr_nonnull(t);
	for (int i = 0; topo[i]; i++)
		cmd(topo[i]);
}

static void teardown(void)
{
	rt_tables_free(t);
}

START_TEST(labels_canonical)
{
	struct rt_lset l;
	struct rt_sel s;
	char err[256];

	ck_assert_int_eq(rt_lset_parse("tier=front,app=web,example.com/x=", NULL, NULL, &l, err, sizeof(err)), 0);
	ck_assert_str_eq(l.text, "app=web,example.com/x=,tier=front");
	ck_assert_str_eq(rt_lset_get(&l, "example.com/x"), "");
	ck_assert_int_eq(rt_sel_parse("tier=notin(b|a),!legacy,app,env!=dev,x=in(2|1)", &s, err, sizeof(err)), 0);
	ck_assert_str_eq(s.text, "app,env!=dev,!legacy,tier=notin(a|b),x=in(1|2)");
	/* NotIn and != hold without the key; DoesNotExist too */
	ck_assert(rt_sel_match(&s, &l) == false);	/* no x */
	rt_sel_free(&s);
	ck_assert_int_eq(rt_sel_parse("env!=dev,tier=notin(back),!legacy", &s, err, sizeof(err)), 0);
	ck_assert(rt_sel_match(&s, &l));
	rt_sel_free(&s);
	ck_assert_int_eq(rt_sel_parse("all", &s, err, sizeof(err)), 0);
	ck_assert(rt_sel_match(&s, &l));
	ck_assert_str_eq(s.text, "all");
	rt_sel_free(&s);
	rt_lset_free(&l);
	ck_assert_uint_ge(rt_ident_hash("default", ""), 0x10000);
	ck_assert_uint_ne(rt_ident_hash("a", "b=c"), rt_ident_hash("a", "b=d"));
}
END_TEST

START_TEST(labels_rejected)
{
	static const char *const bad_sets[] = { "a", "=v", "a=b,", "a=b,a=c", "-a=b", "a=-b", "a/b/c=d",
						"UPPER.com/x=y", "a=b c", NULL };
	static const char *const bad_sels[] = { "", "a=in(", "a=in(b", "a=(b)", "a,,b", "a,", "a=b,a=b",
						"a=in(b|-c)", "!", "a!=in(x)", NULL };
	struct rt_lset l;
	struct rt_sel s;
	char err[256];

	for (int i = 0; bad_sets[i]; i++)
		ck_assert_msg(rt_lset_parse(bad_sets[i], NULL, NULL, &l, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad_sets[i]);
	for (int i = 0; bad_sels[i]; i++)
		ck_assert_msg(rt_sel_parse(bad_sels[i], &s, err, sizeof(err)) == -EINVAL,
			      "'%s' accepted", bad_sels[i]);
}
END_TEST

START_TEST(commands_rejected_change_nothing)
{
	static const char *const bad[] = {
		"add policy 100",
		"add policy 100 p",					/* no select */
		"add policy 100 p select",
		"add policy 100 p select a=in(",
		"add policy 100 p select all ingress to pod all",	/* to in ingress */
		"add policy 100 p select all egress from pod all",
		"add policy 100 p select all ingress from",
		"add policy 100 p select all ingress from pod",
		"add policy 100 p select all ingress from pod a pod b",
		"add policy 100 p select all ingress from cidr 10.0.0.0/8 except 11.0.0.0/16",
		"add policy 100 p select all ingress from cidr 10.0.0.0/8 except",
		"add policy 100 p select all ingress from cidr bogus",
		"add policy 100 p select all ingress port tcp/http",
		"add policy 100 p select all ingress port icmp/1",
		"add policy 100 p select all ingress port tcp/0",
		"add policy 100 p select all ingress port tcp/90-80",
		"add policy 100 p select all ingress port 70000",
		"add policy 100 p select all type sideways",
		"add policy 100 p select all type ingress egress to pod all",
		"add policy 100 p select all select all",
		"add policy 100 p ns nosuch select all",
		"add policy 100 p ns Bad select all",
		"add policy 100 p select all bogus",
		"add policy 100 bad:name select all",
		"add policy 100 prod/web select all",			/* exists */
		"set policy 100 nosuch select all",
		"del policy 100 nosuch",
		"add policy 999 p select all",
		"add ns 100 prod",					/* exists */
		"add ns 100 Prod",
		"add ns 100 x labels kubernetes.io/metadata.name=y",
		"add ns 100 x labels a",
		"add ns 100 x bogus a=b",
		"set ns 100 nosuch labels a=b",
		"set ns 100 prod",
		"del ns 100 prod",					/* an endpoint and a policy name it */
		"del vpc 100",
		"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 ns nosuch",
		"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 labels a",
		NULL
	};
	struct sbuf o = SBUF_INIT;
	char *before = dump(), *after;

	for (int i = 0; bad[i]; i++) {
		ck_assert_msg(run(bad[i], &o) < 0, "'%s' accepted", bad[i]);
		ck_assert_msg(strlen(sbuf_str(&o)) > 0, "'%s': no message", bad[i]);
		after = dump();
		ck_assert_msg(!strcmp(before, after), "'%s' changed the tables", bad[i]);
		free(after);
	}
	run("add policy 100 p select all ingress port tcp/http", &o);
	ck_assert_msg(strstr(sbuf_str(&o), "named ports are not supported"), "%s", sbuf_str(&o));
	sbuf_free(&o);
	free(before);
}
END_TEST

START_TEST(dump_round_trip)
{
	char *d1 = dump(), *d2, *line, *save = NULL;

	ck_assert_msg(strstr(d1, "add ns 100 prod labels env=prod,team=a\n"), "%s", d1);
	ck_assert_msg(strstr(d1, "ns prod labels app=web,tier=front"), "%s", d1);
	ck_assert_msg(strstr(d1, "add policy 100 prod/web ns prod select app=web,tier=in(back|front) type ingress,egress "
				 "ingress from pod app=db ns team=a from cidr 10.9.0.0/16 except 10.9.1.0/24,10.9.2.0/24 "
				 "port tcp/80 port tcp/8000-8080 egress to ns all port udp/53\n"), "%s", d1);
	rt_tables_free(t);
	t = rt_tables_new(&(struct rt_limits){ .max_eps = 256, .max_vpcs = 16, .max_nets = 16, .max_hosts = 16,
					       .max_ns = 16, .max_policies = 16, .ct_entries = 64 });
	for (line = strtok_r(d1, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cmd(line);
	free(d1);
	d1 = dump();
	rt_tables_free(t);
	t = rt_tables_new(NULL);
	d2 = strdup(d1);
	for (line = strtok_r(d2, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		cmd(line);
	free(d2);
	d2 = dump();
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
}
END_TEST

START_TEST(namespaces_and_identities)
{
	struct sbuf o = SBUF_INIT;

	/* default exists without add; it goes when nothing names it */
	ck_assert_ptr_nonnull(rt_ns_find(t, 100, "default"));
	cmd("del ep 100 10.0.2.7");
	ck_assert_ptr_null(rt_ns_find(t, 100, "default"));
	/* two endpoints with the same labels share an identity */
	cmd("add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap0 ns prod labels app=web,tier=front");
	ck_assert_uint_eq(t->cfg.nident, 1);
	ck_assert_uint_eq(t->cfg.ident[0].refs, 2);
	cmd("set ep 100 10.0.1.6 labels app=web");
	ck_assert_uint_eq(t->cfg.nident, 2);
	ck_assert_int_eq(run("show policy 100 prod/web", &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "policy 100 prod/web ns prod"), "%s", sbuf_str(&o));
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show ns", true, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "\"name\":\"prod\""), "%s", sbuf_str(&o));
	ck_assert_int_eq(run("show conntrack", &o), 0);
	cmd("del policy 100 prod/web");
	cmd("del ep 100 10.0.1.5");
	cmd("del ep 100 10.0.1.6");
	cmd("del ns 100 prod");
	cmd("del vpc 100");
	ck_assert_uint_eq(t->cfg.nns, 0);
	ck_assert_uint_eq(t->cfg.nident, 0);
	sbuf_free(&o);
}
END_TEST

START_TEST(transactions_all_or_none)
{
	struct sbuf o = SBUF_INIT;
	char *before = dump(), *after;

	/* the last line fails: the first ones are undone */
	ck_assert_int_lt(rt_cmd_exec_txn(t, NULL, "add ns 100 qa labels env=qa\n"
					 "set ns 100 prod labels env=changed\n"
					 "del policy 100 prod/web\n"
					 "add policy 100 qa/x ns qa select all\n"
					 "add policy 100 broken select a=in(\n", false, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "line 5: "), "%s", sbuf_str(&o));
	after = dump();
	ck_assert_str_eq(before, after);
	free(after);
	/* anything but ns and policy is refused before it runs */
	sbuf_reset(&o);
	ck_assert_int_lt(rt_cmd_exec_txn(t, NULL, "add ns 100 qa\ndel ep 100 10.0.1.5\n", false, &o), 0);
	after = dump();
	ck_assert_str_eq(before, after);
	free(after);
	/* a good one applies whole */
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec_txn(t, NULL, "add ns 100 qa\n# comment\n\nadd policy 100 qa/x ns qa select all\n",
					 false, &o), 0);
	ck_assert_ptr_nonnull(rt_ns_find(t, 100, "qa"));
	ck_assert_uint_eq(t->cfg.pol->n, 2);
	ck_assert(!t->cfg.pol_dirty);
	sbuf_free(&o);
	free(before);
}
END_TEST

/* The name index under churn: deletions in the middle of probe runs
 * (backward shift), re-use of the lowest free slot, names in two VPCs. */
START_TEST(policy_index_churn)
{
	struct rt_tables *big = rt_tables_new(&(struct rt_limits){ .max_eps = 16, .max_vpcs = 4, .max_nets = 4,
								  .max_hosts = 4, .max_ns = 4, .max_policies = 300,
								  .ct_entries = 64 });
	struct sbuf o = SBUF_INIT;
	char line[128], name[32];

	ck_assert_ptr_nonnull(big);
	ck_assert_int_eq(rt_cmd_exec(big, NULL, "add vpc 100 cidr 10.0.0.0/16", false, &o), 0);
	ck_assert_int_eq(rt_cmd_exec(big, NULL, "add vpc 200 cidr 10.0.0.0/16", false, &o), 0);
	for (int i = 0; i < 300; i++) {
		snprintf(line, sizeof(line), "add policy %d p%d select app=a%d", i % 2 ? 200 : 100, i / 2, i);
		ck_assert_msg(rt_cmd_exec(big, NULL, line, false, &o) == 0, "%s: %s", line, sbuf_str(&o));
	}
	ck_assert_int_ne(rt_cmd_exec(big, NULL, "add policy 100 p999 select all", false, &o), 0);	/* full */
	for (int i = 0; i < 300; i += 3) {
		snprintf(line, sizeof(line), "del policy %d p%d", i % 2 ? 200 : 100, i / 2);
		ck_assert_msg(rt_cmd_exec(big, NULL, line, false, &o) == 0, "%s: %s", line, sbuf_str(&o));
	}
	for (int i = 0; i < 300; i++) {
		struct rt_policy *p;

		snprintf(name, sizeof(name), "p%d", i / 2);
		p = rt_policy_find(big, i % 2 ? 200 : 100, name);
		ck_assert_msg((p != NULL) == (i % 3 != 0), "policy %d", i);
		if (p)
			ck_assert_int_eq(p->vni, i % 2 ? 200 : 100);
	}
	/* the freed slots are taken again, lowest first */
	ck_assert_int_eq(rt_cmd_exec(big, NULL, "add policy 100 again select all", false, &o), 0);
	ck_assert_ptr_eq(big->cfg.pol->p[0], rt_policy_find(big, 100, "again"));
	ck_assert_uint_eq(big->cfg.pol->n, 201);
	sbuf_free(&o);
	rt_tables_free(big);
}
END_TEST

Suite *rt_policy_suite(void)
{
	Suite *s = suite_create("rt_policy");
	TCase *tc = tcase_create("policy");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, labels_canonical);
	tcase_add_test(tc, labels_rejected);
	tcase_add_test(tc, commands_rejected_change_nothing);
	tcase_add_test(tc, dump_round_trip);
	tcase_add_test(tc, namespaces_and_identities);
	tcase_add_test(tc, transactions_all_or_none);
	tcase_add_test(tc, policy_index_churn);
	suite_add_tcase(s, tc);
	return s;
}
