/* SPDX-License-Identifier: MIT */
/*
 * genv top's data model (cmd/top/model.c: rates from counter deltas,
 * resets, rows) and the router's `show top` records it reads.  The model
 * is compiled into this file: the unit runner does not link cmd/.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>
#include "../../cmd/top/model.c"
#include "../../cmd/top/router.c"
#include "../../router/config.h"
#include "../../router/pipeline.h"

Suite *top_suite(void);

static struct top_vpc *vpc(struct top_snap *s, uint32_t vni, uint64_t rx, uint64_t rxb, uint64_t drops)
{
	struct top_vpc *v = top_snap_add_vpc(s);

	ck_assert_ptr_nonnull(v);
	v->vni = vni;
	v->c.rx_pkts = rx;
	v->c.rx_bytes = rxb;
	v->c.drops = drops;
	return v;
}

static void snap_init(struct top_snap *s, uint64_t t_ns)
{
	memset(s, 0, sizeof(*s));
	s->flow_vni = TOP_NO_VNI;
	s->t_ns = t_ns;
}

START_TEST(rate1_forward_and_back)
{
	bool reset = false;

	ck_assert_double_eq_tol(top_rate1(100, 400, 0.5, &reset), 600, 1e-9);
	ck_assert(!reset);
	ck_assert_double_eq(top_rate1(400, 100, 0.5, &reset), 0);
	ck_assert(reset);
	reset = false;
	ck_assert_double_eq(top_rate1(5, 5, 1, &reset), 0);
	ck_assert(!reset);
}
END_TEST

START_TEST(rates_from_deltas)
{
	struct top_snap a, b;

	snap_init(&a, 1000000000);
	snap_init(&b, 3000000000);	/* 2 s later */
	vpc(&a, 100, 1000, 100000, 10);
	vpc(&b, 100, 3000, 300000, 30);
	top_rates(&a, &b);
	ck_assert_double_eq_tol(b.interval, 2.0, 1e-12);
	ck_assert_double_eq_tol(b.vpc[0].r.rx_pps, 1000, 1e-9);
	ck_assert_double_eq_tol(b.vpc[0].r.rx_bps, 800000, 1e-6);
	ck_assert_double_eq_tol(b.vpc[0].r.drops_ps, 10, 1e-9);
	ck_assert(!b.vpc[0].reset);
	top_snap_free(&a);
	top_snap_free(&b);
}
END_TEST

/* clear stats / restart: a counter that went back is a new baseline for
 * the row; the next sample has a rate from it again */
START_TEST(counter_reset_new_baseline)
{
	struct top_snap s[3];

	snap_init(&s[0], 0);
	snap_init(&s[1], 1000000000);
	snap_init(&s[2], 2000000000);
	vpc(&s[0], 7, 5000, 500000, 0);
	vpc(&s[1], 7, 40, 9999999, 0);		/* packets went back, bytes did not */
	vpc(&s[2], 7, 240, 10019999, 3);
	top_rates(&s[0], &s[1]);
	ck_assert(s[1].vpc[0].reset);
	ck_assert_double_eq(s[1].vpc[0].r.rx_pps, 0);
	ck_assert_double_eq(s[1].vpc[0].r.rx_bps, 0);	/* the whole row restarts */
	top_rates(&s[1], &s[2]);
	ck_assert(!s[2].vpc[0].reset);
	ck_assert_double_eq_tol(s[2].vpc[0].r.rx_pps, 200, 1e-9);
	ck_assert_double_eq_tol(s[2].vpc[0].r.rx_bps, 160000, 1e-6);
	ck_assert_double_eq_tol(s[2].vpc[0].r.drops_ps, 3, 1e-9);
	for (int i = 0; i < 3; i++)
		top_snap_free(&s[i]);
}
END_TEST

START_TEST(new_rows_count_from_zero)
{
	struct top_snap a, b;
	struct top_drop *d;
	struct top_flow *f;

	snap_init(&a, 200000000);
	snap_init(&b, 700000000);
	vpc(&a, 1, 10, 10, 0);
	vpc(&b, 1, 10, 10, 0);
	vpc(&b, 2, 50, 500, 0);			/* VPC added in between */
	d = top_snap_add_drop(&b);
	snprintf(d->reason, sizeof(d->reason), "route.none");
	d->count = 4;
	f = top_snap_add_flow(&b);		/* began inside the interval */
	f->vni = 2, f->family = 4, f->pkts = 5, f->bytes = 50;
	f->first_ns = 300000000;
	f = top_snap_add_flow(&b);		/* older than the previous sample */
	f->vni = 2, f->family = 4, f->sport = 1, f->pkts = 5, f->bytes = 50;
	f->first_ns = 0;
	top_snap_canon(&b);
	top_rates(&a, &b);
	ck_assert_uint_eq(b.vpc[1].vni, 2);
	ck_assert(!b.vpc[1].reset);
	ck_assert_double_eq_tol(b.vpc[1].r.rx_pps, 100, 1e-9);
	ck_assert_double_eq_tol(b.drop[0].rate, 8, 1e-9);
	ck_assert_double_eq_tol(b.flow[0].pps, 10, 1e-9);	/* sport 0 sorts first */
	ck_assert(b.flow[1].reset);
	ck_assert_double_eq(b.flow[1].pps, 0);
	/* no previous sample: no rates at all */
	top_rates(NULL, &b);
	ck_assert(b.vpc[0].reset && b.vpc[1].reset);
	ck_assert_double_eq(b.vpc[1].r.rx_pps, 0);
	top_snap_free(&a);
	top_snap_free(&b);
}
END_TEST

START_TEST(flow_reused_is_reset)
{
	struct top_snap a, b;
	struct top_flow *f;

	snap_init(&a, 0);
	snap_init(&b, 1000000000);
	f = top_snap_add_flow(&a);
	f->vni = 3, f->family = 4, f->pkts = 100, f->bytes = 1000, f->first_ns = 0;
	f = top_snap_add_flow(&b);
	f->vni = 3, f->family = 4, f->pkts = 150, f->bytes = 1500, f->first_ns = 0;
	top_rates(&a, &b);
	ck_assert_double_eq_tol(b.flow[0].pps, 50, 1e-9);
	ck_assert_double_eq_tol(b.flow[0].bps, 4000, 1e-9);
	b.flow[0].pkts = 20;			/* same key, fewer packets: a new entry */
	b.flow[0].first_ns = 0;
	top_rates(&a, &b);
	ck_assert(b.flow[0].reset);
	ck_assert_double_eq(b.flow[0].pps, 0);
	top_snap_free(&a);
	top_snap_free(&b);
}
END_TEST

START_TEST(rows_sort_filter)
{
	struct top_snap s;
	uint32_t ix[3], n;

	snap_init(&s, 0);
	vpc(&s, 30, 1, 0, 0)->r.rx_pps = 5;
	snprintf(vpc(&s, 10, 3, 0, 0)->name, TOP_NAME_MAX, "blue");
	vpc(&s, 20, 2, 0, 0)->r.rx_pps = 9;
	n = top_rows(&s, TOP_V_VPC, top_col_lookup(TOP_V_VPC, "vni"), false, NULL, ix);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(s.vpc[ix[0]].vni, 10);
	ck_assert_uint_eq(s.vpc[ix[2]].vni, 30);
	n = top_rows(&s, TOP_V_VPC, top_col_lookup(TOP_V_VPC, "rx"), false, NULL, ix);
	ck_assert_uint_eq(s.vpc[ix[0]].vni, 20);	/* busiest first */
	ck_assert_uint_eq(s.vpc[ix[1]].vni, 30);
	ck_assert_uint_eq(s.vpc[ix[2]].vni, 10);
	n = top_rows(&s, TOP_V_VPC, top_col_lookup(TOP_V_VPC, "rx"), true, NULL, ix);
	ck_assert_uint_eq(s.vpc[ix[0]].vni, 10);
	n = top_rows(&s, TOP_V_VPC, 0, false, "BLUE", ix);
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(s.vpc[ix[0]].vni, 10);
	ck_assert_int_eq(top_col_lookup(TOP_V_VPC, "nope"), -1);
	top_snap_free(&s);
}
END_TEST

START_TEST(si_format)
{
	char b[16];

	top_fmt_si(b, sizeof(b), 0);
	ck_assert_str_eq(b, "0.0");
	top_fmt_si(b, sizeof(b), 999.9);
	ck_assert_str_eq(b, "999.9");
	top_fmt_si(b, sizeof(b), 816000);
	ck_assert_str_eq(b, "816.0k");
	top_fmt_si(b, sizeof(b), 14.7e6);
	ck_assert_str_eq(b, "14.7M");
}
END_TEST

/* The router side: `show top` records, with flows only for a VNI. */
START_TEST(show_top_records)
{
	struct rt_tables *t = rt_tables_new(NULL);
	struct sbuf o = SBUF_INIT;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "add vpc 100 name blue cidr 10.0.0.0/16", false, &o), 0);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "add vpc 7 cidr 10.1.0.0/16", false, &o), 0);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show top", false, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\nstats port_rx 0 "));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o),
		"\nvpc vni 7 name - endpoints 0 flows 0 rx_packets 0 rx_bytes 0 tx_packets 0 tx_bytes 0 drops 0\n"
		"vpc vni 100 name blue endpoints 0"));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show top 100", true, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "{\"schema\":1,\"now_ns\":"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "\"flows\":[]}"));
	sbuf_reset(&o);
	ck_assert_int_ne(rt_cmd_exec(t, NULL, "show top 5", false, &o), 0);
	sbuf_free(&o);
	rt_tables_free(t);
}
END_TEST

/* A flow's fate: columns SRC-EP DST-EP PATH VERDICT, sorting, JSON. */
static struct top_flow *fflow(struct top_snap *s, uint16_t sport, bool src_ep, const char *path,
			      const char *host, const char *verdict)
{
	struct top_flow *f = top_snap_add_flow(s);
	int fam;

	ck_assert_ptr_nonnull(f);
	f->vni = 100;
	f->family = 4;
	f->proto = 17;
	memcpy(f->src, "\x0a\x00\x01\x05", 4);
	memcpy(f->dst, "\x0a\x00\x02\x07", 4);
	f->sport = sport;
	f->dport = 53;
	top_flow_unknown(f);
	f->src_ep = src_ep;
	snprintf(f->path, sizeof(f->path), "%s", path);
	if (host) {
		ck_assert_int_eq(parse_ip(host, &fam, f->host), 0);
		f->host_family = (uint8_t)fam;
	}
	snprintf(f->verdict, sizeof(f->verdict), "%s", verdict);
	return f;
}

START_TEST(flow_fate_columns)
{
	struct top_snap s;
	struct sbuf o = SBUF_INIT;
	uint32_t ix[3], n;
	const struct top_src_info src = { "router", "x.sock" };

	snap_init(&s, 0);
	fflow(&s, 3, true, "direct", "10.200.0.2", "forward")->dst_ep = true;
	fflow(&s, 1, false, "-", NULL, "drop:route.not_local");
	fflow(&s, 2, true, "bouncer", "10.200.0.3", "reply:mtu.exceeded");
	s.flow_vni = 100;
	top_header_text(TOP_V_FLOW, &o);
	ck_assert_msg(strstr(sbuf_str(&o), " SRC-EP ") && strstr(sbuf_str(&o), " DST-EP ") &&
		      strstr(sbuf_str(&o), " PATH ") && strstr(sbuf_str(&o), " VERDICT"), "%s", sbuf_str(&o));
	sbuf_reset(&o);
	top_row_text(&s, TOP_V_FLOW, 0, &o);
	ck_assert_msg(strstr(sbuf_str(&o), " 10.0.1.5        10.0.2.7        direct@10.200.0.2      forward"),
		      "%s", sbuf_str(&o));
	sbuf_reset(&o);
	top_row_text(&s, TOP_V_FLOW, 1, &o);
	ck_assert_msg(strstr(sbuf_str(&o), " -               -               -                      drop:route.not_local"),
		      "%s", sbuf_str(&o));
	/* each new column sorts */
	n = top_rows(&s, TOP_V_FLOW, top_col_lookup(TOP_V_FLOW, "path"), false, NULL, ix);
	ck_assert_uint_eq(n, 3);
	ck_assert_str_eq(s.flow[ix[0]].path, "-");
	ck_assert_str_eq(s.flow[ix[1]].path, "bouncer");
	ck_assert_str_eq(s.flow[ix[2]].path, "direct");
	top_rows(&s, TOP_V_FLOW, top_col_lookup(TOP_V_FLOW, "VERDICT"), false, NULL, ix);
	ck_assert_str_eq(s.flow[ix[0]].verdict, "drop:route.not_local");
	ck_assert_str_eq(s.flow[ix[2]].verdict, "reply:mtu.exceeded");
	top_rows(&s, TOP_V_FLOW, top_col_lookup(TOP_V_FLOW, "srcep"), false, NULL, ix);
	ck_assert(!s.flow[ix[2]].src_ep);		/* known endpoints first */
	top_rows(&s, TOP_V_FLOW, top_col_lookup(TOP_V_FLOW, "dst-ep"), false, NULL, ix);
	ck_assert(s.flow[ix[0]].dst_ep);
	n = top_rows(&s, TOP_V_FLOW, 0, false, "10.200.0.3", ix);	/* the filter sees the path's host */
	ck_assert_uint_eq(n, 1);
	ck_assert_uint_eq(s.flow[ix[0]].sport, 2);
	/* JSON: verdict and reason apart, null for unknown */
	sbuf_reset(&o);
	top_batch_json(&s, &src, false, &o);
	ck_assert_msg(strstr(sbuf_str(&o), "\"sport\":3,") &&
		      strstr(sbuf_str(&o), "\"src_ep\":\"10.0.1.5\",\"dst_ep\":\"10.0.2.7\",\"path\":\"direct\","
			     "\"host\":\"10.200.0.2\",\"verdict\":\"forward\",\"reason\":null,\"policy\":\"-\",\"policy_rule\":null}"), "%s", sbuf_str(&o));
	ck_assert_msg(strstr(sbuf_str(&o), "\"src_ep\":null,\"dst_ep\":null,\"path\":\"-\",\"host\":null,"
			     "\"verdict\":\"drop\",\"reason\":\"route.not_local\",\"policy\":\"-\""), "%s", sbuf_str(&o));
	sbuf_free(&o);
	top_snap_free(&s);
}
END_TEST

/* The router's flow records read back by top (and an older router's, without them). */
START_TEST(router_flow_records)
{
	struct rt_tables *t = rt_tables_new(NULL);
	struct sbuf o = SBUF_INIT;
	struct top_snap s;
	struct rt_flow *e;
	struct sbuf old = SBUF_INIT;

	ck_assert_ptr_nonnull(t);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "add vpc 100 cidr 10.0.0.0/16", false, &o), 0);
	e = &rt_vpc_find(t, 100)->flows.e[0];
	e->family = 4;
	e->proto = 17;
	memcpy(e->src, "\x0a\x00\x01\x05", 4);
	memcpy(e->dst, "\x0a\x00\x02\x07", 4);
	e->sport = 1;
	e->dport = 2;
	e->pkts = 3;
	e->src_ep = true;
	e->path = RT_PATH_DECAP;
	e->host.family = 4;
	memcpy(e->host.a, "\x0a\xc8\x00\x02", 4);
	e->verdict = RT_DROP;
	e->reason = RT_DROP_ECN;
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show top 100", true, &o), 0);
	snap_init(&s, 0);
	ck_assert_int_eq(parse_reply(&s, &o), 0);
	ck_assert_uint_eq(s.nflow, 1);
	ck_assert_uint_eq(s.flow[0].pkts, 3);
	ck_assert(s.flow[0].src_ep && !s.flow[0].dst_ep);
	ck_assert_str_eq(s.flow[0].path, "decap");
	ck_assert_uint_eq(s.flow[0].host_family, 4);
	ck_assert_mem_eq(s.flow[0].host, "\x0a\xc8\x00\x02", 4);
	ck_assert_str_eq(s.flow[0].verdict, "drop:ecn.ce_not_ect");
	top_snap_clear(&s);
	/* an older router: no src_ep, dst_ep, path, host, verdict */
	sbuf_puts(&old, "{\"schema\":1,\"flows\":[{\"vni\":9,\"proto\":6,\"src\":\"fd00::1\","
		  "\"sport\":1,\"dst\":\"fd00::2\",\"dport\":2,\"packets\":5,\"bytes\":500,"
		  "\"first_ns\":1,\"last_ns\":2}]}");
	ck_assert_int_eq(parse_reply(&s, &old), 0);
	ck_assert_uint_eq(s.nflow, 1);
	ck_assert_uint_eq(s.flow[0].family, 6);
	ck_assert(!s.flow[0].src_ep && !s.flow[0].dst_ep && !s.flow[0].host_family);
	ck_assert_str_eq(s.flow[0].path, "-");
	ck_assert_str_eq(s.flow[0].verdict, "-");
	/* not a JSON object: refused */
	top_snap_clear(&s);
	sbuf_reset(&old);
	sbuf_puts(&old, "vpc vni 100 name blue");
	ck_assert_int_eq(parse_reply(&s, &old), -EINVAL);
	top_snap_free(&s);
	sbuf_free(&o);
	sbuf_free(&old);
	rt_tables_free(t);
}
END_TEST

Suite *top_suite(void)
{
	Suite *s = suite_create("top");
	TCase *tc = tcase_create("model");

	tcase_add_test(tc, rate1_forward_and_back);
	tcase_add_test(tc, rates_from_deltas);
	tcase_add_test(tc, counter_reset_new_baseline);
	tcase_add_test(tc, new_rows_count_from_zero);
	tcase_add_test(tc, flow_reused_is_reset);
	tcase_add_test(tc, rows_sort_filter);
	tcase_add_test(tc, si_format);
	tcase_add_test(tc, show_top_records);
	tcase_add_test(tc, flow_fate_columns);
	tcase_add_test(tc, router_flow_records);
	suite_add_tcase(s, tc);
	return s;
}
