/* SPDX-License-Identifier: MIT */
/* Proxied endpoints (router/ep_proxied.h): the redirect to the proxy with
 * the original-destination option, the proxy's own traffic untouched, the
 * reply from the endpoint's address, the receiving host's checks (layout,
 * bypass), dump and show, every refusal with nothing changed. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/lang.h"
#include "../../libcore/num.h"
#include "../../libcore/opt_genv.h"
#include "../../libcore/optreg.h"
#include "../../router/config.h"
#include "../../router/ep_proxied.h"
#include "../../router/pipeline.h"
#include "rt_fixture.h"

Suite *rt_proxied_suite(void);

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
	"add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap1",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 10.0.2.9 mac 02:00:00:00:02:09 host 10.200.0.4",
	/* remote endpoint, remote proxy */
	"add ep 100 10.0.3.3 mac 02:00:00:00:03:03 host 10.200.0.3 type proxied proxy 10.0.2.7",
	/* remote endpoint, local proxy */
	"add ep 100 10.0.3.4 mac 02:00:00:00:03:04 type proxied proxy 10.0.1.6 host 10.200.0.3",
	/* local endpoint, remote proxy */
	"add ep 100 10.0.1.7 mac 02:00:00:00:01:07 port tap1 type proxied proxy 10.0.2.7",
	NULL,
};

static void setup(void)
{
	t = rtfix_tables(topo, 4096);
}

static void teardown(void)
{
	rt_tables_free(t);
}

static void craft(const char *text)
{
	rtfix_craft(text, frame, sizeof(buf) - RT_HEADROOM, &fsize);
}

/* The output decoded, checksums verified. */
static void decode_out(void)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = out.verdict == RT_FORWARD ? GNV_LINK_GENEVE : GNV_LINK_ETH;
	gnv_decode(&pk, out.data, (uint32_t)out.size, (uint32_t)out.size, &cfg);
	ck_assert_msg(pk.status == GNV_OK, "decode: %s (%s)", gnv_status_name(pk.status),
		      pk.nerr ? gnv_err_code(pk.err[0].code) : "-");
}

static enum rt_verdict from_port(int port, const char *text)
{
	craft(text);
	return rt_from_port(t, port, frame, fsize, RT_HEADROOM, &out, NULL);
}

/* A Geneve payload from underlay host `from` (the outer headers cut). */
static enum rt_verdict from_underlay(const char *from, const char *text)
{
	struct rt_ul_meta m;
	int fam;

	craft(text);
	memmove(frame, frame + 42, fsize - 42);
	fsize -= 42;
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(parse_ip(from, &fam, m.src.a), 0);
	m.src.family = 4;
	m.ttl = 64;
	return rt_from_underlay(t, &m, frame, fsize, RT_HEADROOM, &out, NULL);
}

/* The option of type `type` in the decoded output, or NULL. */
static const struct gnv_opt *find_opt(uint8_t type)
{
	for (unsigned int i = 0; i < pk.gnv.nopt; i++)
		if (pk.gnv.opt[i].cls == GENV_CLASS_DEFAULT && (pk.gnv.opt[i].type & 0x7f) == type)
			return &pk.gnv.opt[i];
	return NULL;
}

START_TEST(redirect_with_option)
{
	const struct gnv_opt *o;
	struct gnv_optinfo info;
	struct gnv_odst od;

	ck_assert_int_eq(from_port(0, "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.3.3 / "
				      "tcp sport=4000 dport=80 flags=S / payload len=20"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x02", 4);	/* the proxy's host */
	decode_out();
	ck_assert_mem_eq(pk.inner.ip.dst.a, "\x0a\x00\x02\x07", 4);
	ck_assert_mem_eq(pk.inner.eth.dst, "\x02\x00\x00\x00\x02\x07", 6);
	o = find_opt(GENV_OPT_EPTYPE);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(out.data[o->off + 4], EP_PROXIED);
	o = find_opt(GENV_OPT_ODST);
	ck_assert_ptr_nonnull(o);
	ck_assert_uint_eq(o->size, GENV_ODST4_SIZE);
	ck_assert_int_eq(gnv_opt_odst_get(out.data + o->off + 4, o->size, &od), 0);
	ck_assert_mem_eq(od.addr.a, "\x0a\x00\x03\x03", 4);
	ck_assert_mem_eq(od.mac, "\x02\x00\x00\x00\x03\x03", 6);
	/* the registry names it, as genv decode shows it */
	ck_assert(gnv_opt_info(&pk, o, &info));
	ck_assert_str_eq(info.name, "odst");
	ck_assert(info.layout_ok);
	ck_assert_uint_eq(rt_ep_find(t, 100, 4, (const uint8_t *)"\x0a\x00\x03\x03")->sc->flows[0], 1);
}
END_TEST

START_TEST(local_proxy_and_proxy_untouched)
{
	/* a local proxy: delivered to its port, destination rewritten */
	ck_assert_int_eq(from_port(0, "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.3.4 / "
				      "udp sport=4001 dport=53 / payload len=8"), RT_DELIVER);
	ck_assert_int_eq(out.port, 1);
	decode_out();
	ck_assert_mem_eq(pk.outer.ip.dst.a, "\x0a\x00\x01\x06", 4);
	/* the proxy's own packet to the endpoint goes to it unchanged, no option */
	ck_assert_int_eq(from_port(1, "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.3.4 / "
				      "udp sport=4002 dport=53 / payload len=8"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x03", 4);
	decode_out();
	ck_assert_mem_eq(pk.inner.ip.dst.a, "\x0a\x00\x03\x04", 4);
	ck_assert_ptr_null(find_opt(GENV_OPT_ODST));
	ck_assert_uint_eq(out.data[find_opt(GENV_OPT_EPTYPE)->off + 4], EP_SIMPLE);
}
END_TEST

/* The proxy's answer reaches the client from the endpoint's address. */
START_TEST(reply_from_endpoint)
{
	ck_assert_int_eq(from_port(0, "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.3.3 / "
				      "tcp sport=4003 dport=80 flags=S / payload len=20"), RT_FORWARD);
	ck_assert_int_eq(from_underlay("10.200.0.2", "eth / ipv4 / udp / geneve vni=100 / "
				       "eth src=02:00:00:00:02:07 dst=02:00:00:00:01:05 / ipv4 src=10.0.2.7 "
				       "dst=10.0.1.5 / tcp sport=80 dport=4003 flags=SA / payload len=7"),
			 RT_DELIVER);
	decode_out();
	ck_assert_mem_eq(pk.outer.ip.src.a, "\x0a\x00\x03\x03", 4);
}
END_TEST

START_TEST(receiver_checks)
{
	/* at the proxy's host: a well-formed option is delivered, a bad one dropped */
	ck_assert_int_eq(from_underlay("10.200.0.4", "eth / ipv4 / udp / geneve vni=100 "
				       "opt=odst:10.0.3.3,mac=02:00:00:00:03:03 / eth src=02:00:00:00:02:09 / "
				       "ipv4 src=10.0.2.9 dst=10.0.1.6 / udp"), RT_DELIVER);
	ck_assert_int_eq(from_underlay("10.200.0.4", "eth / ipv4 / udp / geneve vni=100 "
				       "opt=0xffa7:7:0004000000000000 / eth src=02:00:00:00:02:09 / "
				       "ipv4 src=10.0.2.9 dst=10.0.1.6 / udp"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_PROXY_MALFORMED);
	ck_assert_int_eq(from_underlay("10.200.0.4", "eth / ipv4 / udp / geneve vni=100 "
				       "opt=0xffa7:7:000600000000000000000000 / eth src=02:00:00:00:02:09 / "
				       "ipv4 src=10.0.2.9 dst=10.0.1.6 / udp"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_PROXY_MALFORMED);
	/* a local proxied endpoint: only its proxy sends to it */
	ck_assert_int_eq(from_underlay("10.200.0.4", "eth / ipv4 / udp / geneve vni=100 / "
				       "eth src=02:00:00:00:02:09 / ipv4 src=10.0.2.9 dst=10.0.1.7 / udp"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_PROXY_BYPASS);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_PROXY_BYPASS], 1);
	ck_assert_int_eq(from_underlay("10.200.0.2", "eth / ipv4 / udp / geneve vni=100 / "
				       "eth src=02:00:00:00:02:07 / ipv4 src=10.0.2.7 dst=10.0.1.7 / udp"),
			 RT_DELIVER);
}
END_TEST

START_TEST(dump_and_show)
{
	struct sbuf o = SBUF_INIT, d2 = SBUF_INIT, line = SBUF_INIT;
	struct rt_tables *t0;
	char *dump, *save = NULL;

	ck_assert_int_eq(rt_config_dump(t, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "add ep 100 10.0.3.3 mac 02:00:00:00:03:03 type proxied host "
				"10.200.0.3 proxy 10.0.2.7"), "%s", sbuf_str(&o));
	/* the dump loads into a fresh router as the same configuration */
	dump = strdup(sbuf_str(&o));
	t0 = t;
	t = rt_tables_new(&t0->cfg.lim);
	for (char *l = strtok_r(dump, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		ck_assert_msg(run(l, &line) == 0, "'%s': %s", l, sbuf_str(&line));
	ck_assert_int_eq(rt_config_dump(t, &d2), 0);
	ck_assert_str_eq(sbuf_str(&o), sbuf_str(&d2));
	rt_tables_free(t);
	t = t0;
	from_port(0, "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.3.3 / udp sport=1 dport=2");
	from_port(0, "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.3.3 / udp sport=1 dport=2");
	ck_assert_int_eq(run("show ep 100", &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "proxy 10.0.2.7 (flows 1) pinned 1"), "%s", sbuf_str(&o));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show ep 100", true, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "\"proxy\":\"10.0.2.7\",\"proxy_flows\":1"), "%s", sbuf_str(&o));
	/* proxy none: a simple endpoint again */
	cmd("set ep 100 10.0.3.3 proxy none type simple");
	ck_assert_ptr_null(rt_ep_proxy(rt_ep_find(t, 100, 4, (const uint8_t *)"\x0a\x00\x03\x03")));
	ck_assert_uint_eq(t->cfg.nscaled, 2);
	free(dump);
	sbuf_free(&o);
	sbuf_free(&d2);
	sbuf_free(&line);
}
END_TEST

START_TEST(refusals)
{
	static const char *const bad[][2] = {
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 host 10.200.0.3 type simple proxy 10.0.2.7",
		  "only a proxied endpoint" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 host 10.200.0.3 proxy 10.1.2.7", "outside the cidrs" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 host 10.200.0.3 proxy 10.0.9.2", "itself" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 host 10.200.0.3 proxy fd00::1", "IPv4" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 host 10.200.0.3 proxy", "proxy" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 proxy 10.0.2.7", "missing" },
		{ "add ep 100 10.0.9.2 mac 02:00:00:00:09:02 type proxied proxy 10.0.2.7 backends 10.0.2.9",
		  "not backends" },
		{ "set ep 100 10.0.3.3 type simple", "only a proxied" },
		{ "set ep 100 10.0.3.3 proxy 10.0.2.7 proxy 10.0.2.9", "given twice" },
	};
	struct sbuf o = SBUF_INIT, d0 = SBUF_INIT, d1 = SBUF_INIT;

	ck_assert_int_eq(rt_config_dump(t, &d0), 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		ck_assert_msg(run(bad[i][0], &o) != 0, "'%s' accepted", bad[i][0]);
		ck_assert_msg(strstr(sbuf_str(&o), bad[i][1]), "'%s': %s", bad[i][0], sbuf_str(&o));
	}
	ck_assert_int_eq(rt_config_dump(t, &d1), 0);
	ck_assert_str_eq(sbuf_str(&d0), sbuf_str(&d1));
	sbuf_free(&o);
	sbuf_free(&d0);
	sbuf_free(&d1);
}
END_TEST

Suite *rt_proxied_suite(void)
{
	Suite *s = suite_create("rt_proxied");
	TCase *tc = tcase_create("proxied");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, redirect_with_option);
	tcase_add_test(tc, local_proxy_and_proxy_untouched);
	tcase_add_test(tc, reply_from_endpoint);
	tcase_add_test(tc, receiver_checks);
	tcase_add_test(tc, dump_and_show);
	tcase_add_test(tc, refusals);
	suite_add_tcase(s, tc);
	return s;
}
