/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: what a gateway host reads from the underlay side
 * (router/nat.c through rt_from_outside): replies and ICMP errors to its
 * NAT ports.  The tables hold two VPCs with one CIDR behind this gateway
 * and UDP, TCP and echo mappings (nat-ports 20000-20003) toward
 * 192.168.50.10; the input is taken twice: as a whole IPv4 packet, and as
 * an ICMP message from that server (so quoted headers reach the quote
 * parser with a valid outer header).
 *
 * Invariants: rt_nat_icmp_parse() accepts only a quote that lies in the
 * input (IPv4, IHL >= 5, 8 L4 bytes); a translated packet goes to a VM
 * of the mapping's VPC (deliver or forward), nothing else but a drop;
 * the input buffer is never read or written out of bounds (ASan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/cursor.h"
#include "../../libcore/lang.h"
#include "../../libcore/opt_genv.h"
#include "../../router/config.h"
#include "../../router/nat.h"
#include "../../router/pipeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define HEAD	(RT_HEADROOM + 64)
#define CAP	4096

static struct rt_tables *t;
static uint8_t *buf;

static void egress(uint32_t vni, const char *inner)
{
	char text[400], err[200];
	struct gnv_spec spec;
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, (uint8_t)(vni / 100) } }, .ttl = 64 };
	struct rt_out out;
	size_t n;

	snprintf(text, sizeof(text), "eth / ipv4 / udp / geneve vni=%u / eth src=02:00:00:00:0%u:05 / %s",
		 vni, vni / 100, inner);
	gnv_spec_init(&spec, GENV_CLASS_DEFAULT);
	if (gnv_lang_parse(text, &spec, err, sizeof(err)) ||
	    gnv_build_ex(&spec, buf + HEAD, CAP, &n, NULL, err, sizeof(err)))
		abort();
	if (rt_from_underlay(t, &m, buf + HEAD + 42, n - 42, HEAD, &out, NULL) != RT_EGRESS)
		abort();
}

/* The tables' big arrays are mmap'd, which LeakSanitizer does not scan:
 * freed at exit so that what they point to is not reported. */
static void done(void)
{
	rt_tables_free(t);
	free(buf);
}

static void init(void)
{
	static const char *const conf[] = {
		"set host addr 10.200.0.9",
		"add port tap0",
		"add vpc 100 cidr 10.0.0.0/16",
		"add vpc 200 cidr 10.0.0.0/16",
		"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.1",
		"add ep 200 10.0.1.5 mac 02:00:00:00:02:05 host 10.200.0.2",
		"add ep 100 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.9 nat-ports 20000-20003",
		"add ep 200 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.9 nat-ports 20000-20003",
		NULL,
	};
	struct rt_limits l;
	struct sbuf o = SBUF_INIT;

	rt_limits_default(&l);
	l.max_eps = 64;
	l.max_hosts = 32;
	l.ct_entries = 1024;
	t = rt_tables_new(&l);
	buf = malloc(HEAD + CAP);
	if (!t || !buf)
		abort();
	for (int i = 0; conf[i]; i++)
		if (rt_cmd_exec(t, NULL, conf[i], false, &o))
			abort();
	sbuf_free(&o);
	atexit(done);
	rt_tables_set_now(t, 1000000000000ull);
	egress(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=7");
	egress(200, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=7");
	egress(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / tcp sport=40000 dport=80 flags=S");
	egress(200, "ipv4 src=10.0.1.5 dst=192.168.50.10 / icmp type=8 id=9 seq=1");
}

static void check(enum rt_verdict v, const struct rt_out *out)
{
	if (v != RT_DROP && v != RT_DELIVER && v != RT_FORWARD)
		__builtin_trap();
	if (v != RT_DROP && out->vni != 100 && out->vni != 200)
		__builtin_trap();
	if (v == RT_DROP && out->reason == RT_DROP_NONE)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t hdr[20] = { 0x45, 0, 0, 0, 0, 0, 0, 0, 64, 1, 0, 0,
					 192, 168, 50, 10, 10, 200, 0, 9 };
	struct rt_nat_icmp q;
	struct rt_out out;
	uint8_t *pkt;
	int r;

	if (!t)
		init();
	if (size > CAP - 20)
		return 0;
	r = rt_nat_icmp_parse(data, size, &q);
	if (!r && (q.ihl < 20 || (size_t)q.ip_off + q.ihl + 8 > size || q.l4_size + q.ihl + q.ip_off != size))
		__builtin_trap();
	/* an exact copy: ASan sees reads beyond the input's end */
	pkt = malloc(HEAD + size);
	if (!pkt)
		return 0;
	memcpy(pkt + HEAD, data, size);
	check(rt_from_outside(t, pkt + HEAD, size, HEAD, &out, NULL), &out);
	free(pkt);
	pkt = malloc(HEAD + 20 + size);
	if (!pkt)
		return 0;
	memcpy(pkt + HEAD, hdr, 20);
	gnv_put16(pkt + HEAD + 2, (uint16_t)(20 + size));
	memcpy(pkt + HEAD + 20, data, size);
	check(rt_from_outside(t, pkt + HEAD, 20 + size, HEAD, &out, NULL), &out);
	free(pkt);
	return 0;
}
