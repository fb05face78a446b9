/* SPDX-License-Identifier: MIT */
/* Gateway NAT (router/nat.h): translation both ways with every checksum
 * checked against a recomputation, two VPCs with one CIDR behind one
 * gateway, port exhaustion, ICMP errors translated back, the ICMP quote
 * parser's error branches, the sender's path to the gateway, and the
 * configuration's refusals and round trip. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/csum.h"
#include "../../libcore/cursor.h"
#include "../../libcore/lang.h"
#include "../../libcore/num.h"
#include "../../libcore/opt_genv.h"
#include "../../router/config.h"
#include "../../router/nat.h"
#include "../../router/pipeline.h"
#include "rt_fixture.h"

Suite *rt_nat_suite(void);

static struct rt_tables *t;
static uint8_t buf[RT_HEADROOM + 64 + 4096];
static uint8_t *const frame = buf + RT_HEADROOM + 64;
static size_t fsize;
static struct rt_out out;

static int run(const char *line, struct sbuf *o)
{
	return rtfix_run(t, line, o);
}

static void cmd(const char *line)
{
	rtfix_cmd(t, line);
}

/* The gateway host 10.200.0.9 of two VPCs with the same CIDR; the VMs
 * 10.0.1.5 of both live on 10.200.0.1 and .2. */
static const char *const topo[] = {
	"set host addr 10.200.0.9",
	"add vpc 100 cidr 10.0.0.0/16",
	"add vpc 200 cidr 10.0.0.0/16",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.1",
	"add ep 200 10.0.1.5 mac 02:00:00:00:02:05 host 10.200.0.2",
	"add ep 100 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.9 nat-ports 20000-20003",
	"add ep 200 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.9 nat-ports 20000-20003",
	NULL,
};

static void setup(void)
{
	t = rtfix_tables(topo, 4096);
	rt_tables_set_now(t, 1000000000000ull);
}

static void teardown(void)
{
	rt_tables_free(t);
}

static void craft(const char *text)
{
	rtfix_craft(text, frame, 4096, &fsize);
}

/* ---- checksums recomputed from scratch ---- */

static void ip4_ok(const uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4;

	ck_assert_uint_eq(csum_fold(csum_partial(ip, ihl, 0)), 0);
}

/* The TCP/UDP/ICMP checksum of the whole datagram of IPv4 header ip. */
static void l4_ok(const uint8_t *ip)
{
	size_t ihl = (size_t)(ip[0] & 15) * 4, len = gnv_be16(ip + 2) - ihl;
	uint32_t ps = ip[9] == 1 ? 0 : csum_pseudo4(ip + 12, ip + 16, ip[9], (uint32_t)len);

	ck_assert_msg(csum_fold(csum_partial(ip + ihl, len, ps)) == 0, "proto %u checksum", ip[9]);
}

/* From VM 10.0.1.5 of vpc over host 10.200.0.N: the inner frame `inner`
 * through the gateway.  Returns the verdict; out.data the IP packet. */
static enum rt_verdict from_vm(uint32_t vni, const char *inner)
{
	char text[400];
	struct rt_ul_meta m;
	int fam;

	snprintf(text, sizeof(text), "eth / ipv4 / udp / geneve vni=%u / eth src=02:00:00:00:0%u:05 "
		 "dst=02:00:00:00:00:01 / %s", vni, vni / 100, inner);
	craft(text);
	memmove(frame, frame + 42, fsize - 42);
	fsize -= 42;
	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(parse_ip(vni == 100 ? "10.200.0.1" : "10.200.0.2", &fam, m.src.a), 0);
	m.src.family = 4;
	m.ttl = 64;
	return rt_from_underlay(t, &m, frame, fsize, RT_HEADROOM, &out, NULL);
}

/* From the server: the IP packet `text` (starting at ipv4) to this host. */
static enum rt_verdict from_outside(const char *text)
{
	craft(text);
	return rt_from_outside(t, frame, fsize, RT_HEADROOM + 64, &out, NULL);
}

/* The inner frame of out (a forward to the VM's host), decoded with
 * checksums verified. */
static void inner_of(struct gnv_pkt *pk)
{
	struct gnv_decode_cfg cfg;

	ck_assert_int_eq(out.verdict, RT_FORWARD);
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = GNV_LINK_GENEVE;
	gnv_decode(pk, out.data, (uint32_t)out.size, (uint32_t)out.size, &cfg);
	ck_assert_msg(pk->status == GNV_OK, "decode: %s (%s)", gnv_status_name(pk->status),
		      pk->nerr ? gnv_err_code(pk->err[0].code) : "-");
}

START_TEST(udp_both_ways)
{
	static struct gnv_pkt pk;
	uint16_t nport;

	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 ttl=64 / udp sport=5000 dport=7 / "
				 "payload len=31"), RT_EGRESS);
	ip4_ok(out.data);
	l4_ok(out.data);
	ck_assert_mem_eq(out.data + 12, "\x0a\xc8\x00\x09", 4);	/* source: the gateway */
	ck_assert_mem_eq(out.data + 16, "\xc0\xa8\x32\x0a", 4);
	ck_assert_uint_eq(out.data[8], 63);				/* TTL - 1 */
	nport = gnv_be16(out.data + 20);
	ck_assert_uint_ge(nport, 20000);
	ck_assert_uint_le(nport, 20003);
	ck_assert_uint_eq(out.size, 20 + 8 + 31);
	ck_assert_uint_eq(t->run.nat.mappings, 1);
	/* the same flow keeps its port */
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=7 / "
				 "payload len=3"), RT_EGRESS);
	ck_assert_uint_eq(gnv_be16(out.data + 20), nport);
	ck_assert_uint_eq(t->run.nat.mappings, 1);
	/* the reply goes back to the VM's host with its address and port */
	{
		char text[200];

		snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / udp sport=7 dport=%u / "
			 "payload len=31", nport);
		ck_assert_int_eq(from_outside(text), RT_FORWARD);
	}
	ck_assert_uint_eq(out.dst.a[3], 1);
	inner_of(&pk);
	ck_assert_uint_eq(pk.gnv.vni, 100);
	ck_assert_mem_eq(pk.inner.ip.dst.a, "\x0a\x00\x01\x05", 4);
	ck_assert_uint_eq(pk.inner.l4.dport, 5000);
	ck_assert_mem_eq(pk.inner.eth.dst, "\x02\x00\x00\x00\x01\x05", 6);
	ip4_ok(out.data + pk.inner.ip.off);
	l4_ok(out.data + pk.inner.ip.off);
	for (unsigned int i = 0; i < pk.gnv.nopt; i++)
		if ((pk.gnv.opt[i].type & 0x7f) == GENV_OPT_EPTYPE)
			ck_assert_uint_eq(out.data[pk.gnv.opt[i].off + 4], EP_GATEWAY);
	ck_assert_uint_eq(t->run.nat.in_pkts, 1);
	/* nothing for a port that no mapping holds */
	ck_assert_int_eq(from_outside("ipv4 src=192.168.50.10 dst=10.200.0.9 / udp sport=7 dport=29000"),
			 RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NAT_NO_MAPPING);
}
END_TEST

START_TEST(tcp_and_echo)
{
	static struct gnv_pkt pk;
	char text[200];
	uint16_t nport, id;

	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / tcp sport=40000 dport=80 flags=S / "
				 "payload len=10"), RT_EGRESS);
	ip4_ok(out.data);
	l4_ok(out.data);
	nport = gnv_be16(out.data + 20);
	snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / tcp sport=80 dport=%u flags=SA",
		 nport);
	ck_assert_int_eq(from_outside(text), RT_FORWARD);
	inner_of(&pk);
	ck_assert_uint_eq(pk.inner.l4.dport, 40000);
	l4_ok(out.data + pk.inner.ip.off);
	/* ping: the identifier is translated, the ICMP checksum follows */
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / icmp type=8 id=77 seq=1 / "
				 "payload len=16"), RT_EGRESS);
	ip4_ok(out.data);
	l4_ok(out.data);
	id = gnv_be16(out.data + 24);
	ck_assert_uint_ge(id, 20000);
	snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / icmp type=0 id=%u seq=1 / "
		 "payload len=16", id);
	ck_assert_int_eq(from_outside(text), RT_FORWARD);
	inner_of(&pk);
	ck_assert_uint_eq(pk.inner.l4.icmp_id, 77);
	l4_ok(out.data + pk.inner.ip.off);
	/* not translated outward: other ICMP, IPv6, TTL 1 */
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / icmp type=13"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NAT_UNSUPPORTED);
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 ttl=1 / udp"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NAT_TTL);
}
END_TEST

/* Both VPCs: same VM address and port, same server: two ports, and each
 * reply goes back to its own VPC and host. */
START_TEST(two_vpcs_same_cidr)
{
	static struct gnv_pkt pk;
	uint16_t p1, p2;
	char text[200];

	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=7"), RT_EGRESS);
	p1 = gnv_be16(out.data + 20);
	ck_assert_int_eq(from_vm(200, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=7"), RT_EGRESS);
	p2 = gnv_be16(out.data + 20);
	ck_assert_uint_ne(p1, p2);
	snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / udp sport=7 dport=%u", p2);
	ck_assert_int_eq(from_outside(text), RT_FORWARD);
	ck_assert_uint_eq(out.dst.a[3], 2);
	inner_of(&pk);
	ck_assert_uint_eq(pk.gnv.vni, 200);
	ck_assert_mem_eq(pk.inner.eth.dst, "\x02\x00\x00\x00\x02\x05", 6);
	snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / udp sport=7 dport=%u", p1);
	ck_assert_int_eq(from_outside(text), RT_FORWARD);
	ck_assert_uint_eq(out.dst.a[3], 1);
	inner_of(&pk);
	ck_assert_uint_eq(pk.gnv.vni, 100);
}
END_TEST

/* Four ports to one server port: the fifth flow finds none; another
 * server port has all four again. */
START_TEST(ports_exhausted)
{
	char text[200];

	for (unsigned int i = 0; i < 4; i++) {
		snprintf(text, sizeof(text), "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=%u dport=7", 6000 + i);
		ck_assert_int_eq(from_vm(100, text), RT_EGRESS);
	}
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=6004 dport=7"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NAT_PORTS);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_NAT_PORTS], 1);
	/* the other VPC shares the ports toward this server: none left either */
	ck_assert_int_eq(from_vm(200, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=6000 dport=7"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NAT_PORTS);
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=6004 dport=9"), RT_EGRESS);
	/* UDP mappings time out (30 s unreplied): the ports are free again */
	rt_tables_set_now(t, t->run.now_ns + 31000000000ull);
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=6005 dport=7"), RT_EGRESS);
}
END_TEST

/* Port unreachable from the server about the translated datagram: back
 * to the VM with its own address and port in the quote. */
START_TEST(icmp_error_back)
{
	static struct gnv_pkt pk;
	uint8_t sent[200];
	size_t n;
	char text[300];
	const uint8_t *ip, *q;

	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=9 / "
				 "payload len=12"), RT_EGRESS);
	n = out.size;
	memcpy(sent, out.data, n);
	/* the server's error quotes what it received (a whole datagram) */
	snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / icmp type=3 code=3 / "
		 "payload hex=");
	for (size_t i = 0; i < n; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "%02x", sent[i]);
	ck_assert_int_eq(from_outside(text), RT_FORWARD);
	ck_assert_uint_eq(out.dst.a[3], 1);
	inner_of(&pk);
	ip = out.data + pk.inner.ip.off;
	ck_assert_mem_eq(ip + 16, "\x0a\x00\x01\x05", 4);
	ip4_ok(ip);
	l4_ok(ip);				/* the ICMP checksum */
	q = ip + 28;
	ck_assert_mem_eq(q + 12, "\x0a\x00\x01\x05", 4);	/* quoted source: the VM */
	ck_assert_uint_eq(gnv_be16(q + 20), 5000);
	ip4_ok(q);
	l4_ok(q);				/* the quoted UDP checksum */
	ck_assert_uint_eq(t->run.nat.icmp_errors, 1);
	/* cut short: dropped with its reason */
	ck_assert_int_eq(from_outside("ipv4 src=192.168.50.10 dst=10.200.0.9 / icmp type=3 code=3 / "
				      "payload hex=4500001c"), RT_DROP);
	ck_assert_int_eq(out.reason, RT_DROP_NAT_ICMP_MALFORMED);
}
END_TEST

START_TEST(icmp_parse_errors)
{
	struct rt_nat_icmp q;
	uint8_t m[64] = { 3, 3, 0, 0, 0, 0, 0, 0,
			  0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0, 10, 200, 0, 9, 192, 168, 50, 10,
			  0x4e, 0x20, 0, 7, 0, 8, 0, 0 };

	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), 0);
	ck_assert_uint_eq(q.sport, 20000);
	ck_assert_uint_eq(q.dport, 7);
	ck_assert_uint_eq(q.proto, 17);
	ck_assert_int_eq(rt_nat_icmp_parse(m, 7, &q), -ENODATA);
	ck_assert_int_eq(rt_nat_icmp_parse(m, 27, &q), -ENODATA);
	ck_assert_int_eq(rt_nat_icmp_parse(m, 35, &q), -ENODATA);
	m[0] = 8;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -EPROTO);
	m[0] = 11;
	m[8] = 0x65;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -EINVAL);	/* not IPv4 */
	m[8] = 0x44;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -EINVAL);	/* IHL 4 */
	m[8] = 0x46;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -ENODATA);	/* IHL 6, no room */
	m[8] = 0x45;
	m[15] = 1;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -EINVAL);	/* a later fragment */
	m[15] = 0;
	m[17] = 47;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -EINVAL);	/* GRE */
	m[17] = 1;
	m[28] = 0;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), -EINVAL);	/* an echo reply */
	m[28] = 8;
	ck_assert_int_eq(rt_nat_icmp_parse(m, 36, &q), 0);
}
END_TEST

/* The VMs' router: a destination outside the CIDRs goes to the gateway
 * host; a gateway host accepts the translated replies' sources. */
START_TEST(sender_to_gateway)
{
	static struct gnv_pkt pk;
	struct gnv_decode_cfg cfg;

	rt_tables_free(t);
	t = rt_tables_new(NULL);
	cmd("set host addr 10.200.0.1");
	cmd("add port tap0");
	cmd("add vpc 100 cidr 10.0.0.0/16");
	cmd("add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0");
	craft("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=192.168.50.10 / udp");
	ck_assert_int_eq(rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, NULL), RT_REPLY);	/* no route */
	cmd("add ep 100 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.9");
	craft("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=192.168.50.10 / udp");
	ck_assert_int_eq(rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, NULL), RT_FORWARD);
	ck_assert_uint_eq(out.dst.a[3], 9);
	gnv_decode_cfg_default(&cfg);
	cfg.linktype = GNV_LINK_GENEVE;
	gnv_decode(&pk, out.data, (uint32_t)out.size, (uint32_t)out.size, &cfg);
	ck_assert_mem_eq(pk.inner.ip.dst.a, "\xc0\xa8\x32\x0a", 4);	/* untouched here */
	/* a reply from the gateway host with a source outside the VPC */
	{
		struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, 9 } }, .ttl = 64 };

		craft("eth / ipv4 / udp / geneve vni=100 / eth dst=02:00:00:00:01:05 / ipv4 src=192.168.50.10 "
		      "dst=10.0.1.5 / udp");
		memmove(frame, frame + 42, fsize - 42);
		ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize - 42, RT_HEADROOM, &out, NULL), RT_DELIVER);
		/* from any other host it is spoofing */
		m.src.a[3] = 8;
		cmd("add ep 100 10.0.1.8 mac 02:00:00:00:01:08 host 10.200.0.8");
		craft("eth / ipv4 / udp / geneve vni=100 / eth dst=02:00:00:00:01:05 / ipv4 src=192.168.50.10 "
		      "dst=10.0.1.5 / udp");
		memmove(frame, frame + 42, fsize - 42);
		ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize - 42, RT_HEADROOM, &out, NULL), RT_DROP);
		ck_assert_int_eq(out.reason, RT_DROP_SPOOF_REMOTE);
	}
}
END_TEST

/* genv trace packet: a dry run names the mapping it would make and
 * makes none. */
START_TEST(trace_dry_run)
{
	static struct rt_trace tr;
	struct rt_ul_meta m = { .src = { .family = 4, .a = { 10, 200, 0, 1 } }, .ttl = 64 };
	bool seen = false;

	craft("eth / ipv4 / udp / geneve vni=100 / eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 "
	      "dst=192.168.50.10 / udp sport=5000 dport=7");
	memmove(frame, frame + 42, fsize - 42);
	rt_trace_init(&tr, true);
	ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize - 42, RT_HEADROOM, &out, &tr), RT_EGRESS);
	for (unsigned int i = 0; i < tr.n; i++)
		if (!strcmp(tr.e[i].stage, "nat")) {
			ck_assert_str_eq(tr.e[i].decision, "egress");
			ck_assert_msg(strstr(tr.e[i].detail, "new mapping vpc 100 proto 17 10.0.1.5:5000 <-> :200"),
				      "%s", tr.e[i].detail);
			seen = true;
		}
	ck_assert(seen);
	ck_assert_uint_eq(t->run.nat.mappings, 0);
	ck_assert_uint_eq(t->run.ct->used, 0);
}
END_TEST

/* A VM on the gateway host itself: out from its port, the reply
 * delivered to it. */
START_TEST(vm_on_gateway_host)
{
	char text[200];
	uint16_t nport;

	cmd("add port tap0");
	cmd("add ep 100 10.0.1.7 mac 02:00:00:00:01:07 port tap0");
	craft("eth src=02:00:00:00:01:07 / ipv4 src=10.0.1.7 dst=192.168.50.10 / udp sport=4000 dport=7 / "
	      "payload len=20");
	ck_assert_int_eq(rt_from_port(t, 0, frame, fsize, RT_HEADROOM + 64, &out, NULL), RT_EGRESS);
	ip4_ok(out.data);
	l4_ok(out.data);
	ck_assert_mem_eq(out.data + 12, "\x0a\xc8\x00\x09", 4);
	nport = gnv_be16(out.data + 20);
	snprintf(text, sizeof(text), "ipv4 src=192.168.50.10 dst=10.200.0.9 / udp sport=7 dport=%u / payload len=20",
		 nport);
	ck_assert_int_eq(from_outside(text), RT_DELIVER);
	ck_assert_int_eq(out.port, 0);
	ck_assert_mem_eq(out.data, "\x02\x00\x00\x00\x01\x07", 6);
	ck_assert_mem_eq(out.data + 14 + 16, "\x0a\x00\x01\x07", 4);
	ck_assert_uint_eq(gnv_be16(out.data + 14 + 22), 4000);
	ip4_ok(out.data + 14);
	l4_ok(out.data + 14);
}
END_TEST

START_TEST(config_refusals_and_dump)
{
	static const char *const bad[] = {
		"add ep 100 10.0.0.253 mac 02:00:00:00:00:fd type gateway host 10.200.0.9",	/* a second */
		"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 host 10.200.0.1 nat-ports 20000-20010",
		"set ep 100 10.0.0.254 nat-ports 6000-7000",
		"set ep 100 10.0.0.254 nat-ports 30000-20000",
		"set ep 100 10.0.0.254 nat-ports 20000",
		"set ep 100 10.0.0.254 nat-ports 80-90",
		"set ep 100 10.0.0.254 nat-ports",
		NULL,
	};
	struct sbuf o = SBUF_INIT;
	uint64_t gen = t->cfg.gen;

	for (int i = 0; bad[i]; i++) {
		ck_assert_msg(run(bad[i], &o) != 0, "'%s' accepted", bad[i]);
		ck_assert_uint_eq(t->cfg.gen, gen);
	}
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "nat-ports"));
	cmd("set ep 100 10.0.0.254 nat-ports 21000-21999");
	sbuf_reset(&o);
	ck_assert_int_eq(rt_config_dump(t, &o), 0);
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "type gateway host 10.200.0.9 nat-ports 21000-21999"));
	ck_assert_ptr_nonnull(strstr(sbuf_str(&o), "ep 200 10.0.0.254 mac 02:00:00:00:00:fe type gateway "
					     "host 10.200.0.9 nat-ports 20000-20003"));
	/* the dump (what --state files hold) makes the same tables again */
	{
		struct rt_tables *t2 = rtfix_tables(NULL, 64);
		struct sbuf d2 = SBUF_INIT;
		char *line, *save = NULL, *copy = strdup(sbuf_str(&o));

		for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			rtfix_cmd(t2, line);
		ck_assert_int_eq(rt_config_dump(t2, &d2), 0);
		ck_assert_str_eq(sbuf_str(&d2), sbuf_str(&o));
		ck_assert_ptr_nonnull(rt_vpc_gateway(t2, rt_vpc_find(t2, 200)));
		free(copy);
		sbuf_free(&d2);
		rt_tables_free(t2);
	}
	/* show nat, text and JSON */
	ck_assert_int_eq(from_vm(100, "ipv4 src=10.0.1.5 dst=192.168.50.10 / udp sport=5000 dport=7"), RT_EGRESS);
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show nat", false, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "nat: 1 mappings") &&
		      strstr(sbuf_str(&o), "vni 100 proto 17 10.0.1.5:5000 as 10.200.0.9:21"), "%s", sbuf_str(&o));
	sbuf_reset(&o);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show nat", true, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "\"inside_port\":5000") && strstr(sbuf_str(&o), "\"nat_port_lo\":21000"),
		      "%s", sbuf_str(&o));
	/* the gateway leaves with its endpoint */
	cmd("del ep 100 10.0.0.254");
	ck_assert_ptr_null(rt_vpc_gateway(t, rt_vpc_find(t, 100)));
	cmd("add ep 100 10.0.0.253 mac 02:00:00:00:00:fd type gateway host 10.200.0.9");
	ck_assert_uint_eq(rt_vpc_gateway(t, rt_vpc_find(t, 100))->nat_lo, RT_NAT_PORT_LO);
	cmd("set ep 100 10.0.0.253 type simple host 10.200.0.7");
	ck_assert_ptr_null(rt_vpc_gateway(t, rt_vpc_find(t, 100)));
	sbuf_free(&o);
}
END_TEST

Suite *rt_nat_suite(void)
{
	Suite *s = suite_create("rt_nat");
	TCase *tc = tcase_create("nat");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, udp_both_ways);
	tcase_add_test(tc, tcp_and_echo);
	tcase_add_test(tc, two_vpcs_same_cidr);
	tcase_add_test(tc, ports_exhausted);
	tcase_add_test(tc, icmp_error_back);
	tcase_add_test(tc, icmp_parse_errors);
	tcase_add_test(tc, sender_to_gateway);
	tcase_add_test(tc, trace_dry_run);
	tcase_add_test(tc, vm_on_gateway_host);
	tcase_add_test(tc, config_refusals_and_dump);
	suite_add_tcase(s, tc);
	return s;
}
