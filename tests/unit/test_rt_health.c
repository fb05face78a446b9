/* SPDX-License-Identifier: MIT */
/* Backend health of scaled endpoints (router/health.h): keepalives sent
 * per backend host, answers taken only for our own requests, requests
 * answered only for hosts of the VPC, a silent host's backends out of the
 * Maglev table after health-timeout and back on its next answer, pinned
 * flows re-picked off a dead backend, the words, dump and refusals. */
#include <check.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/opt_genv.h"
#include "../../router/config.h"
#include "../../router/health.h"
#include "../../router/pipeline.h"
#include "../../router/scaled.h"
#include "rt_fixture.h"

Suite *rt_health_suite(void);

static struct rt_tables *t;
static uint8_t buf[RT_HEADROOM + 4096];
static uint8_t *const frame = buf + RT_HEADROOM;
static size_t fsize;
static struct rt_out out;

/* what the router sent through ul_send */
static struct sent {
	uint8_t host;		/* last byte of the underlay address */
	bool answer;
	uint32_t seq, vni;
} sent[64];
static unsigned int nsent;

static int fake_send(void *ctx, const struct gnv_addr *dst, const uint8_t *data, size_t size, uint8_t tos,
		     uint8_t ttl, uint16_t sport)
{
	struct gnv_health h;

	(void)ctx, (void)tos, (void)ttl, (void)sport;
	ck_assert_uint_eq(size, GNV_HDR_SIZE + GENV_HEALTH_OPT_SIZE);
	ck_assert_uint_eq(data[1] & 0xc0, 0x80);	/* O, not C */
	ck_assert_uint_eq(data[GNV_HDR_SIZE + 2], GENV_OPT_HEALTH);
	ck_assert_int_eq(gnv_opt_health_get(data + GNV_HDR_SIZE + 4, 8, &h), 0);
	ck_assert_uint_lt(nsent, 64);
	sent[nsent++] = (struct sent){ dst->a[3], h.answer, h.seq, gnv_be24(data + 4) };
	return 0;
}

static const struct rt_runtime_ops ops = { .ul_send = fake_send };

static const char *const topo[] = {
	"set host addr 10.200.0.1",
	"add port tap0",
	"add vpc 100 cidr 10.0.0.0/16",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 10.0.2.8 mac 02:00:00:00:02:08 host 10.200.0.3",
	"add ep 100 10.0.2.9 mac 02:00:00:00:02:09 host 10.200.0.4",
	"add ep 100 10.0.9.1 mac 02:00:00:00:09:01 type scaled backends 10.0.2.7 10.0.2.8 10.0.2.9 "
	"health on",
	NULL,
};

static void setup(void)
{
	t = rtfix_tables(topo, 65536);
	nsent = 0;
}

static void teardown(void)
{
	rt_tables_free(t);
}

/* A keepalive from underlay host 10.200.0.<from>. */
static enum rt_verdict ul_health(uint8_t from, uint32_t vni, bool answer, uint32_t seq)
{
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, from } }, .ttl = 64 };
	uint8_t p[64];
	int n = rt_hl_build(0xFFA7, vni, answer, seq, p, sizeof(p));

	ck_assert_int_gt(n, 0);
	return rt_from_underlay(t, &m, p, (size_t)n, 0, &out, NULL);
}

/* The clock forward by ms in ticks of RT_HL_TICK_MS; each request sent
 * to a host in `answering` (bit per last address byte) is answered. */
static void run_ms(unsigned int ms, unsigned int answering)
{
	for (unsigned int s = 0; s < ms; s += RT_HL_TICK_MS) {
		unsigned int from = nsent;

		rt_tables_set_now(t, t->run.now_ns + RT_HL_TICK_MS * 1000000ull);
		rt_hl_tick(t, &ops);
		for (unsigned int i = from; i < nsent; i++)
			if (!sent[i].answer && (answering >> sent[i].host & 1))
				ck_assert_int_eq(ul_health(sent[i].host, 100, true, sent[i].seq), RT_CONTROL);
		if (nsent > 48)
			nsent = 0;
	}
}

/* A new flow client:sport -> VIP: the backend's last byte. */
static int to_vip(unsigned int sport, const char *flags)
{
	char text[256];

	snprintf(text, sizeof(text), "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.9.1 / "
		 "tcp sport=%u dport=80 flags=%s / payload len=20", sport, flags);
	rtfix_craft(text, frame, sizeof(buf) - RT_HEADROOM, &fsize);
	rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, NULL);
	ck_assert_int_eq(out.verdict, RT_FORWARD);
	/* the inner IPv4 destination after Geneve (8 + options) and Ethernet */
	return out.data[(out.data[0] & 0x3f) * 4 + 8 + 14 + 19];
}

#define ALL	((1u << 2) | (1u << 3) | (1u << 4))

/* One request per backend host per interval, with the endpoint's VNI. */
START_TEST(requests_per_interval)
{
	run_ms(100, ALL);
	ck_assert_uint_eq(nsent, 3);
	for (unsigned int i = 0; i < 3; i++) {
		ck_assert(!sent[i].answer);
		ck_assert_uint_eq(sent[i].vni, 100);
		ck_assert_uint_eq(sent[i].seq, 1);
	}
	nsent = 0;
	run_ms(900, ALL);
	ck_assert_uint_eq(nsent, 0);	/* 1 s interval: nothing more yet */
	run_ms(100, ALL);
	ck_assert_uint_eq(nsent, 3);
	ck_assert_uint_eq(t->hl->st.probes_sent, 6);
	ck_assert_uint_eq(t->hl->st.answers, 6);
	ck_assert_uint_eq(t->cfg.ep[rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 9, 1 }) - t->cfg.ep].sc->ndown, 0);
}
END_TEST

/* A silent host: down after health-timeout (not before), its flows go to
 * the others, a pinned flow moves on its next packet; back on its answer. */
START_TEST(down_and_up)
{
	struct rt_ep *vip = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 9, 1 });
	struct sbuf o = SBUF_INIT;
	int pinned[60], n9 = 0, b;

	run_ms(100, ALL);
	for (int p = 0; p < 60; p++)
		pinned[p] = to_vip(40000 + (unsigned int)p, "S");
	for (int p = 0; p < 60; p++)
		n9 += pinned[p] == 9;
	ck_assert_int_gt(n9, 5);
	/* .4 stops answering: its last answer was at tick 1 */
	run_ms(2800, ALL & ~(1u << 4));
	ck_assert_uint_eq(vip->sc->ndown, 0);
	run_ms(300, ALL & ~(1u << 4));
	ck_assert_uint_eq(vip->sc->ndown, 1);
	ck_assert(vip->sc->down[2]);
	ck_assert_uint_eq(t->hl->st.down, 1);
	for (int p = 0; p < 200; p++)
		ck_assert_int_ne(to_vip(50000 + (unsigned int)p, "S"), 9);
	/* pinned flows: those of .9 move (to a live backend), the others stay */
	for (int p = 0; p < 60; p++) {
		b = to_vip(40000 + (unsigned int)p, "A");
		if (pinned[p] == 9)
			ck_assert_int_ne(b, 9);
		else
			ck_assert_int_eq(b, pinned[p]);
	}
	ck_assert_uint_eq(vip->sc->hl_repinned, (uint64_t)n9);
	ck_assert_int_eq(rtfix_run(t, "show ep 100", &o), 0);
	ck_assert_msg(strstr(o.buf, "10.0.2.9,1 (flows ") && strstr(o.buf, "[down, answer 3100ms ago]") &&
		      strstr(o.buf, "(down 1 went-down 1 came-up 0"), "%s", o.buf);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show ep 100", true, &o), 0);
	ck_assert_msg(strstr(o.buf, "\"state\":\"down\",\"answer_age_ms\":3") &&
		      strstr(o.buf, "\"state\":\"up\",\"answer_age_ms\":"), "%s", o.buf);
	/* answering again: back in the table on the next tick */
	run_ms(1100, ALL);
	ck_assert_uint_eq(vip->sc->ndown, 0);
	ck_assert_uint_eq(vip->sc->hl_up, 1);
	n9 = 0;
	for (int p = 0; p < 200; p++)
		n9 += to_vip(60000 + (unsigned int)p, "S") == 9;
	ck_assert_int_gt(n9, 30);
	ck_assert_int_eq(rtfix_run(t, "show stats", &o), 0);
	ck_assert_msg(strstr(o.buf, "health probes_sent ") && strstr(o.buf, " down 1 up 1"), "%s", o.buf);
	sbuf_free(&o);
}
END_TEST

/* The store's down mark on a host (its router's lease expired:
 * store_live.c sets rt_host.down) takes its backends out of the table
 * on the next tick, health checks off or on; the mark cleared puts
 * them back.  show ep says host-down. */
START_TEST(store_host_down)
{
	struct rt_ep *vip = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 9, 1 });
	struct gnv_addr h4 = { .family = 4, .a = { 10, 200, 0, 4 } };
	struct sbuf o = SBUF_INIT;
	int hi = rt_host_find(t, &h4), n9 = 0;

	ck_assert_int_ge(hi, 0);
	rtfix_cmd(t, "set ep 100 10.0.9.1 health off");
	run_ms(100, ALL);
	t->cfg.host[hi].down = true;
	for (int p = 0; p < 200; p++)
		n9 += to_vip(42000 + (unsigned int)p, "S") == 9;
	ck_assert_int_gt(n9, 30);	/* not before a tick */
	run_ms(RT_HL_TICK_MS, ALL);
	ck_assert_uint_eq(vip->sc->ndown, 1);
	ck_assert_uint_eq(vip->sc->down[2], RT_SC_DOWN_HOST);
	for (int p = 0; p < 200; p++)
		ck_assert_int_ne(to_vip(43000 + (unsigned int)p, "S"), 9);
	ck_assert_int_eq(rtfix_run(t, "show ep 100", &o), 0);
	ck_assert_msg(strstr(o.buf, ") [host-down] maglev") && strstr(o.buf, " unreachable"),
		      "%s", o.buf);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show ep 100", true, &o), 0);
	ck_assert_msg(strstr(o.buf, "\"state\":\"host-down\""), "%s", o.buf);
	/* health on: the mark wins over answers that still come */
	rtfix_cmd(t, "set ep 100 10.0.9.1 health on");
	run_ms(500, ALL);
	ck_assert_uint_eq(vip->sc->down[2], RT_SC_DOWN_HOST);
	ck_assert_uint_eq(vip->sc->ndown, 1);
	/* cleared: back on the next tick */
	t->cfg.host[hi].down = false;
	run_ms(RT_HL_TICK_MS, ALL);
	ck_assert_uint_eq(vip->sc->ndown, 0);
	n9 = 0;
	for (int p = 0; p < 200; p++)
		n9 += to_vip(44000 + (unsigned int)p, "S") == 9;
	ck_assert_int_gt(n9, 30);
	/* health off and the mark cleared: every backend in again */
	rtfix_cmd(t, "set ep 100 10.0.9.1 health off");
	t->cfg.host[hi].down = true;
	run_ms(RT_HL_TICK_MS, ALL);
	ck_assert_uint_eq(vip->sc->ndown, 1);
	t->cfg.host[hi].down = false;
	run_ms(RT_HL_TICK_MS, ALL);
	ck_assert_uint_eq(vip->sc->ndown, 0);
	sbuf_free(&o);
}
END_TEST

/* Every backend silent: all stay in the table (fail open). */
START_TEST(all_down_fail_open)
{
	struct rt_ep *vip = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 9, 1 });
	int seen[10] = { 0 };

	run_ms(3500, 0);
	ck_assert_uint_eq(vip->sc->ndown, 3);
	for (int p = 0; p < 90; p++)
		seen[to_vip(41000 + (unsigned int)p, "S")]++;
	ck_assert(seen[7] && seen[8] && seen[9]);
}
END_TEST

/* Requests: answered (same sequence) to a host of the VPC, refused and
 * counted from any other; malformed options dropped; answers that match
 * no request of ours change nothing. */
START_TEST(answers_and_trust)
{
	static const uint8_t bad[] = { 0x02, 0x80, 0x65, 0x58, 0, 0, 100, 0,
				       0xff, 0xa7, GENV_OPT_HEALTH, 1, 0, 0, 0, 1 };
	uint8_t p[sizeof(bad)];
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, 2 } } };

	ck_assert_int_eq(ul_health(2, 100, false, 77), RT_CONTROL);
	ck_assert_uint_eq(t->hl->nout, 1);
	rt_hl_send(t, &ops);
	ck_assert_uint_eq(nsent, 1);
	ck_assert(sent[0].answer);
	ck_assert_uint_eq(sent[0].seq, 77);
	ck_assert_uint_eq(sent[0].host, 2);
	ck_assert_uint_eq(sent[0].vni, 100);
	ck_assert_uint_eq(t->hl->st.answers_sent, 1);
	/* 10.200.0.99 is no host of VPC 100; VNI 200 is no VPC */
	ck_assert_int_eq(ul_health(99, 100, false, 1), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_HEALTH_UNTRUSTED);
	ck_assert_int_eq(ul_health(2, 200, false, 1), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_HEALTH_UNTRUSTED);
	ck_assert_uint_eq(t->hl->st.untrusted, 2);
	ck_assert_uint_eq(t->hl->nout, 0);
	memcpy(p, bad, sizeof(p));
	ck_assert_int_eq(rt_from_underlay(t, &m, p, sizeof(p), 0, &out, NULL), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_HEALTH_MALFORMED);
	ck_assert_uint_eq(t->hl->st.malformed, 1);
	/* an answer before any request, then one with an old sequence */
	ck_assert_int_eq(ul_health(3, 100, true, 0), RT_CONTROL);
	ck_assert_uint_eq(t->hl->st.stale, 1);
	run_ms(100, 0);
	ck_assert_int_eq(ul_health(3, 100, true, 1u - RT_HL_SEQ_WINDOW), RT_CONTROL);
	ck_assert_uint_eq(t->hl->st.stale, 2);
	ck_assert_int_eq(ul_health(3, 100, true, 1), RT_CONTROL);
	ck_assert_uint_eq(t->hl->st.answers, 1);
}
END_TEST

/* The words: dump round trip, off puts every backend back, refusals. */
START_TEST(words_dump_refusals)
{
	struct rt_ep *vip = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 9, 1 });
	struct sbuf o = SBUF_INIT, o2 = SBUF_INIT;
	struct rt_tables *t2;
	char *line;

	rtfix_cmd(t, "set ep 100 10.0.9.1 health-interval 500 health-timeout 1500");
	ck_assert_int_eq(rtfix_run(t, "dump", &o), 0);
	ck_assert_msg(strstr(o.buf, "backends 10.0.2.7,1 10.0.2.8,1 10.0.2.9,1 health on "
			      "health-interval 500 health-timeout 1500"), "%s", o.buf);
	t2 = rtfix_tables(NULL, 1024);
	for (line = strtok(o.buf, "\n"); line; line = strtok(NULL, "\n"))
		rtfix_cmd(t2, line);
	ck_assert_int_eq(rtfix_run(t, "dump", &o), 0);
	ck_assert_int_eq(rtfix_run(t2, "dump", &o2), 0);
	ck_assert_str_eq(o.buf, o2.buf);
	rt_tables_free(t2);
	/* 1.5 s of silence: all down; off: all back at once */
	run_ms(1600, 1u << 2);
	ck_assert_uint_eq(vip->sc->ndown, 2);
	rtfix_cmd(t, "set ep 100 10.0.9.1 health off");
	ck_assert_uint_eq(vip->sc->ndown, 0);	/* at once: no tick in between */
	ck_assert_int_eq(rtfix_run(t, "dump", &o), 0);
	ck_assert_msg(strstr(o.buf, "health off health-interval 500 health-timeout 1500\n"), "%s", o.buf);
	/* a backend change keeps the states of the backends that stay */
	rtfix_cmd(t, "set ep 100 10.0.9.1 health on health-interval 1000 health-timeout 3000");
	ck_assert_int_eq(rtfix_run(t, "dump", &o), 0);
	ck_assert_msg(strstr(o.buf, "10.0.2.9,1 health on health-interval 1000 health-timeout 3000\n"), "%s",
		      o.buf);
	run_ms(3500, 1u << 2);
	ck_assert_uint_eq(vip->sc->ndown, 2);
	rtfix_cmd(t, "set ep 100 10.0.9.1 backends -10.0.2.8");
	ck_assert_uint_eq(vip->sc->ndown, 1);
	ck_assert(!vip->sc->hl_dirty);	/* rebuilt by the command, not the next tick */
	for (int p = 0; p < 50; p++)
		ck_assert_int_eq(to_vip(42000 + (unsigned int)p, "S"), 7);
	/* refusals, nothing changed */
	ck_assert_int_eq(rtfix_run(t, "dump", &o2), 0);
#define REFUSE(line, msg)                                                                  \
	do {                                                                               \
		ck_assert_int_ne(rtfix_run(t, line, &o), 0);                               \
		ck_assert_msg(strstr(o.buf, msg), "%s: %s", line, o.buf);                \
	} while (0)
	REFUSE("set ep 100 10.0.2.7 health on", "only a scaled endpoint with backends has health checks");
	REFUSE("set ep 100 10.0.9.1 health yes", "health: on or off");
	REFUSE("set ep 100 10.0.9.1 health", "health: on or off");
	REFUSE("set ep 100 10.0.9.1 health-interval 50", "health-interval");
	REFUSE("set ep 100 10.0.9.1 health-interval 2000 health-timeout 2000",
	       "health-timeout 2000 ms must be longer than health-interval 2000 ms");
	REFUSE("set ep 100 10.0.9.1 health-timeout 700000", "health-timeout");
	REFUSE("set ep 100 10.0.9.1 health on health off", "given twice");
	ck_assert_int_eq(rtfix_run(t, "dump", &o), 0);
	ck_assert_str_eq(o.buf, o2.buf);
	sbuf_free(&o);
	sbuf_free(&o2);
}
END_TEST

/* A change from the command language rebuilds the table before the
 * command returns (no tick in between): new flows take the new table on
 * their first packet.  Health results stay with the tick. */
START_TEST(command_rebuilds_at_once)
{
	struct rt_ep *vip = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 9, 1 });
	unsigned int to[256] = { 0 };

	run_ms(3500, 1u << 2);		/* .8 and .9 silent: down */
	ck_assert_uint_eq(vip->sc->ndown, 2);
	for (unsigned int p = 0; p < 60; p++)
		ck_assert_int_eq(to_vip(43000 + p, "S"), 7);
	/* health off: every backend back in, for the very next new flow */
	rtfix_cmd(t, "set ep 100 10.0.9.1 health off");
	for (unsigned int p = 0; p < 60; p++)
		to[to_vip(44000 + p, "S")]++;
	ck_assert_msg(to[8] > 0 && to[9] > 0, "after health off: .7 %u .8 %u .9 %u", to[7], to[8], to[9]);
	/* on again, .9 silent; a backend change while .9 is down: the new
	 * table leaves .9 out at once (rebuilt by the command) */
	rtfix_cmd(t, "set ep 100 10.0.9.1 health on health-timeout 1500 health-interval 500");
	run_ms(1600, (1u << 2) | (1u << 3));
	ck_assert_uint_eq(vip->sc->ndown, 1);
	rtfix_cmd(t, "set ep 100 10.0.9.1 backends -10.0.2.8");
	ck_assert_uint_eq(vip->sc->ndown, 1);
	for (unsigned int p = 0; p < 60; p++)
		ck_assert_int_eq(to_vip(45000 + p, "S"), 7);
	rtfix_cmd(t, "set ep 100 10.0.9.1 backends +10.0.2.8");
	memset(to, 0, sizeof(to));
	for (unsigned int p = 0; p < 60; p++)
		to[to_vip(46000 + p, "S")]++;
	ck_assert_msg(to[9] == 0 && to[8] > 0 && to[7] > 0, ".7 %u .8 %u .9 %u", to[7], to[8], to[9]);
	/* a health result (the timer) still goes through the tick */
	run_ms(1600, 1u << 2);
	ck_assert_uint_eq(vip->sc->ndown, 2);
}
END_TEST

Suite *rt_health_suite(void)
{
	Suite *s = suite_create("rt_health");
	TCase *tc = tcase_create("health");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, requests_per_interval);
	tcase_add_test(tc, down_and_up);
	tcase_add_test(tc, all_down_fail_open);
	tcase_add_test(tc, store_host_down);
	tcase_add_test(tc, answers_and_trust);
	tcase_add_test(tc, words_dump_refusals);
	tcase_add_test(tc, command_rebuilds_at_once);
	suite_add_tcase(s, tc);
	return s;
}
