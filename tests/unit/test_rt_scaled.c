/* SPDX-License-Identifier: MIT */
/* Scaled endpoints (router/ep_scaled.h): backend choice, pinning through
 * backend changes, the rewrite both ways with valid checksums, the
 * eptype option, dump and show, every refusal with nothing changed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/lang.h"
#include "../../libcore/num.h"
#include "../../libcore/opt_genv.h"
#include "../../router/config.h"
#include "../../router/conntrack.h"
#include "../../router/ep_scaled.h"
#include "../../router/pipeline.h"
#include "rt_fixture.h"

Suite *rt_scaled_suite(void);

static struct rt_tables *t;
static uint8_t buf[RT_HEADROOM + 4096];
static uint8_t *const frame = buf + RT_HEADROOM;
static size_t fsize;
static struct rt_out out;
static struct gnv_pkt pk;

static int run(const char *line, struct sbuf *o)
{
	return rtfix_run(t, line, o);
}

static void cmd(const char *line)
{
	rtfix_cmd(t, line);
}

static const char *const topo[] = {
	"set host addr 10.200.0.1",
	"add port tap0",
	"add port tap1",
	"add vpc 100 cidr 10.0.0.0/16",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 10.0.2.8 mac 02:00:00:00:02:08 host 10.200.0.3",
	"add ep 100 10.0.2.9 mac 02:00:00:00:02:09 host 10.200.0.4",
	"add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap1",
	"add ep 100 10.0.9.1 mac 02:00:00:00:09:01 type scaled backends 10.0.2.7 10.0.2.8 10.0.2.9",
	NULL,
};

static void setup(void)
{
	t = rtfix_tables(topo, 65536);
}

static void teardown(void)
{
	rt_tables_free(t);
}

static void craft(const char *text)
{
	rtfix_craft(text, frame, sizeof(buf) - RT_HEADROOM, &fsize);
}

static const char *vip_flags = "S";

/* Client 10.0.1.5:sport -> VIP:80 from tap0; the output decoded with
 * checksums verified.  Returns the backend's last byte. */
static int to_vip(unsigned int sport)
{
	char text[256];
	struct gnv_decode_cfg cfg;

	snprintf(text, sizeof(text), "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.9.1 / "
		 "tcp sport=%u dport=80 flags=%s / payload len=20", sport, vip_flags);
	craft(text);
	rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, NULL);
	ck_assert(out.verdict == RT_FORWARD || out.verdict == RT_DELIVER);
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = out.verdict == RT_FORWARD ? GNV_LINK_GENEVE : GNV_LINK_ETH;
	gnv_decode(&pk, out.data, (uint32_t)out.size, (uint32_t)out.size, &cfg);
	ck_assert_msg(pk.status == GNV_OK, "decode: %s (%s)", gnv_status_name(pk.status),
		      pk.nerr ? gnv_err_code(pk.err[0].code) : "-");
	return out.verdict == RT_FORWARD ? pk.inner.ip.dst.a[3] : pk.outer.ip.dst.a[3];
}

START_TEST(spread_and_checksums)
{
	unsigned int n[3] = { 0 };

	for (unsigned int p = 0; p < 600; p++) {
		int b = to_vip(20000 + p);

		ck_assert_int_ge(b, 7);
		ck_assert_int_eq(out.verdict, RT_FORWARD);
		ck_assert_int_le(b, 9);
		n[b - 7]++;
	}
	for (int i = 0; i < 3; i++)
		ck_assert_msg(n[i] > 140 && n[i] < 260, "backend %d: %u of 600 flows", i, n[i]);
	/* the option marks traffic to a scaled endpoint */
	for (unsigned int i = 0; i < pk.gnv.nopt; i++)
		if ((pk.gnv.opt[i].type & 0x7f) == GENV_OPT_EPTYPE)
			ck_assert_uint_eq(out.data[pk.gnv.opt[i].off + 4], EP_SCALED);
}
END_TEST

/* Existing flows keep their backend when one is added; new flows move
 * to it about 1/N; a removed backend's flows go elsewhere. */
START_TEST(pinned_through_changes)
{
	int before[400], moved = 0, to_new = 0;

	for (int p = 0; p < 400; p++)
		before[p] = to_vip(30000 + (unsigned int)p);
	cmd("set ep 100 10.0.9.1 backends +10.0.1.6");
	/* pinned: the same backend (never the new, local one) */
	for (int p = 0; p < 400; p++)
		ck_assert_int_eq(to_vip(30000 + (unsigned int)p), before[p]);
	for (int p = 0; p < 400; p++)
		to_new += to_vip(40000 + (unsigned int)p) == 6;
	ck_assert_msg(to_new > 60 && to_new < 150, "%d of 400 new flows on the fourth backend", to_new);
	cmd("set ep 100 10.0.9.1 backends -10.0.2.8");
	for (int p = 0; p < 400; p++) {
		int b = to_vip(30000 + (unsigned int)p);

		ck_assert_int_ne(b, 8);
		moved += b != before[p];
		if (before[p] != 8)
			ck_assert_int_eq(b, before[p]);
	}
	ck_assert_int_gt(moved, 0);
}
END_TEST

/* The backend's reply reaches the client from the VIP, checksums valid. */
START_TEST(reply_from_vip)
{
	struct rt_ul_meta m;
	struct gnv_decode_cfg cfg;
	char text[300];
	int b = to_vip(5555), fam;

	snprintf(text, sizeof(text), "eth / ipv4 / udp / geneve vni=100 / eth src=02:00:00:00:02:%02d "
		 "dst=02:00:00:00:01:05 / ipv4 src=10.0.2.%d dst=10.0.1.5 / tcp sport=80 dport=5555 flags=SA / "
		 "payload len=33", b, b);
	craft(text);
	/* cut the outer Ethernet/IP/UDP: the socket hands the Geneve payload */
	memmove(frame, frame + 42, fsize - 42);
	fsize -= 42;
	memset(&m, 0, sizeof(m));
	snprintf(text, sizeof(text), "10.200.0.%d", b - 5);
	ck_assert_int_eq(parse_ip(text, &fam, m.src.a), 0);
	m.src.family = 4;
	m.ttl = 64;
	ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize, RT_HEADROOM, &out, NULL), RT_DELIVER);
	gnv_decode_cfg_default(&cfg);
	gnv_decode(&pk, out.data, (uint32_t)out.size, (uint32_t)out.size, &cfg);
	ck_assert_msg(pk.status == GNV_OK, "decode: %s (%s)", gnv_status_name(pk.status),
		      pk.nerr ? gnv_err_code(pk.err[0].code) : "-");
	ck_assert_mem_eq(pk.outer.ip.src.a, "\x0a\x00\x09\x01", 4);
	/* a packet of a flow nobody pinned is not rewritten */
	ck_assert_uint_eq(t->cfg.nscaled, 1);
}
END_TEST

/* Only the sender's router picks: a packet for the VIP from the underlay is dropped. */
START_TEST(underlay_vip_dropped)
{
	struct rt_ul_meta m;
	int fam;

	craft("eth / ipv4 / udp / geneve vni=100 / eth src=02:00:00:00:02:07 / ipv4 src=10.0.2.7 "
	      "dst=10.0.9.1 / udp");
	memmove(frame, frame + 42, fsize - 42);
	fsize -= 42;
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(parse_ip("10.200.0.2", &fam, m.src.a), 0);
	m.src.family = 4;
	m.ttl = 64;
	ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize, RT_HEADROOM, &out, NULL), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NO_ROUTE);
}
END_TEST

START_TEST(dump_and_show)
{
	struct sbuf o = SBUF_INIT;

	cmd("set ep 100 10.0.9.1 backends 10.0.2.7,3 10.0.2.8");
	ck_assert_int_eq(rt_config_dump(t, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "add ep 100 10.0.9.1 mac 02:00:00:00:09:01 type scaled backends "
				"10.0.2.7,3 10.0.2.8,1"), "%s", sbuf_str(&o));
	to_vip(7777);
	ck_assert_int_eq(run("show ep 100", &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "(flows 1)") && strstr(sbuf_str(&o), "maglev 1601"), "%s",
		      sbuf_str(&o));
	sbuf_free(&o);
}
END_TEST

/* 450 backends: the dump splits them over lines a command can hold, and
 * loading the dump gives the same endpoint. */
START_TEST(dump_many_backends)
{
	struct sbuf o = SBUF_INIT, line = SBUF_INIT, d2 = SBUF_INIT;
	static const uint8_t vip[16] = { 10, 0, 9, 1 };
	struct rt_tables *t0;
	char *dump, *save = NULL;

	for (unsigned int i = 0; i < 450; i++) {
		if (i % 150 == 0)
			sbuf_puts(&line, "set ep 100 10.0.9.1 backends");
		sbuf_printf(&line, " +10.0.%u.%u,%u", 20 + i / 200, i % 200 + 1, 1 + i % 7);
		if (i % 150 == 149) {
			cmd(sbuf_str(&line));
			sbuf_reset(&line);
		}
	}
	ck_assert_int_eq(rt_config_dump(t, &o), 0);
	dump = strdup(sbuf_str(&o));
	t0 = t;
	setup();	/* a fresh router: only the dump's lines */
	cmd("del ep 100 10.0.9.1");
	for (char *l = strtok_r(dump, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (run(l, &line) != 0)
			ck_assert_msg(strstr(sbuf_str(&line), "exists"), "'%.80s...': %s", l, sbuf_str(&line));
	ck_assert_uint_eq(rt_ep_find(t, 100, 4, vip)->sc->n, 453);
	ck_assert_int_eq(rt_config_dump(t, &d2), 0);
	ck_assert_str_eq(sbuf_str(&o), sbuf_str(&d2));
	rt_tables_free(t);
	t = t0;
	free(dump);
	sbuf_free(&o);
	sbuf_free(&line);
	sbuf_free(&d2);
}
END_TEST

/* The forward entry of the flow from source port sport, or NULL. */
static struct rt_ct_entry *fwd_entry(unsigned int sport)
{
	struct rt_ct *ct = t->run.ct;

	for (size_t i = 0; i < (size_t)ct->nsets * RT_CT_WAYS; i++)
		if (ct->e[i].state != RT_CT_FREE && ct->e[i].k.vni == (100 | RT_SCALED_CT_FWD) &&
		    ct->e[i].k.sport == sport)
			return &ct->e[i];
	return NULL;
}

/* A pinned flow skips the conntrack lookup while the pin is fresh; the
 * packets it skipped are added at the next refresh; a removed backend's
 * pin is replaced in place (one entry per flow). */
START_TEST(pin_fast_path)
{
	const struct rt_ep *vip = rt_ep_find(t, 100, 4, (const uint8_t *)"\x0a\x00\x09\x01");
	struct rt_ct_entry *e;
	int b = to_vip(6000), n = 0;

	vip_flags = "A";	/* SYN, FIN and RST always take the conntrack path */
	for (int i = 0; i < 5; i++)
		ck_assert_int_eq(to_vip(6000), b);
	ck_assert_uint_eq(vip->sc->pinned, 5);
	e = fwd_entry(6000);
	ck_assert_ptr_nonnull(e);
	ck_assert_uint_eq(e->pkts[0], 1);		/* the five took the fast path */
	rt_tables_set_now(t, 1000000000000ull + 2000000000ull);
	ck_assert_int_eq(to_vip(6000), b);
	ck_assert_uint_eq(e->pkts[0], 7);		/* refreshed: 1 + 5 + this one */
	/* remove the flow's backend: a new one, in the same entry */
	{
		char line[80];

		snprintf(line, sizeof(line), "set ep 100 10.0.9.1 backends -10.0.2.%d", b);
		cmd(line);
	}
	ck_assert_int_ne(to_vip(6000), b);
	ck_assert_int_ne(to_vip(6000), b);
	for (size_t i = 0; i < (size_t)t->run.ct->nsets * RT_CT_WAYS; i++)
		n += t->run.ct->e[i].state != RT_CT_FREE && t->run.ct->e[i].k.vni == (100 | RT_SCALED_CT_FWD) &&
		     t->run.ct->e[i].k.sport == 6000;
	ck_assert_int_eq(n, 1);
}
END_TEST

START_TEST(refusals)
{
	static const char *const bad[][2] = {
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 type simple backends 10.0.2.7", "only a scaled" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends 10.1.2.7", "outside the cidrs" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends 10.0.2.7 10.0.2.7", "given twice" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends 10.0.2.7,0", "weight" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends 10.0.2.7,101", "weight" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends fd00::1", "IPv4" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends +10.0.2.7", "existing endpoint" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends 10.0.9.2", "itself" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 port tap0 backends 10.0.2.7", "not a port" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 backends", "backend address" },
		{ "set ep 100 10.0.9.1 backends -10.0.2.5", "no such backend" },
		{ "set ep 100 10.0.9.1 backends +10.0.2.5 10.0.2.6", "not both" },
		{ "set ep 100 10.0.9.1 backends -10.0.2.7 -10.0.2.8 -10.0.2.9", "at least one" },
		{ "set ep 100 10.0.9.1 type simple", "only a scaled" },
	};
	struct sbuf o = SBUF_INIT, d0 = SBUF_INIT, d1 = SBUF_INIT;

	ck_assert_int_eq(rt_config_dump(t, &d0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(run(bad[i][0], &o) != 0, "'%s' accepted", bad[i][0]);
		ck_assert_msg(strstr(sbuf_str(&o), bad[i][1]), "'%s': %s", bad[i][0], sbuf_str(&o));
	}
	ck_assert_int_eq(rt_config_dump(t, &d1), 0);
	ck_assert_str_eq(sbuf_str(&d0), sbuf_str(&d1));
	cmd("del ep 100 10.0.9.1");
	ck_assert_uint_eq(t->cfg.nscaled, 0);
	sbuf_free(&o);
	sbuf_free(&d0);
	sbuf_free(&d1);
}
END_TEST

Suite *rt_scaled_suite(void)
{
	Suite *s = suite_create("rt_scaled");
	TCase *tc = tcase_create("scaled");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, spread_and_checksums);
	tcase_add_test(tc, pinned_through_changes);
	tcase_add_test(tc, reply_from_vip);
	tcase_add_test(tc, underlay_vip_dropped);
	tcase_add_test(tc, dump_and_show);
	tcase_add_test(tc, dump_many_backends);
	tcase_add_test(tc, refusals);
	tcase_add_test(tc, pin_fast_path);
	suite_add_tcase(s, tc);
	return s;
}
