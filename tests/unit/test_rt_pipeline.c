/* SPDX-License-Identifier: MIT */
/* router/pipeline.h: every decision and drop reason, rewriting, checksums, dry runs. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/cursor.h"
#include "../../libcore/flowhash.h"
#include "../../libcore/lang.h"
#include "../../libcore/num.h"
#include "../../libcore/opt_genv.h"
#include "../../libcore/optreg.h"
#include "../../router/config.h"
#include "../../router/hop.h"
#include "../../router/pipeline.h"
#include "../../router/conntrack.h"
#include "../../router/labels.h"
#include "../../router/policy_obj.h"

Suite *rt_pipeline_suite(void);

static struct rt_tables *t;
static uint8_t buf[RT_HEADROOM + 70000];
static uint8_t *const frame = buf + RT_HEADROOM;
static size_t fsize;
static struct rt_out out;
static struct gnv_pkt pk;
static struct gnv_spec spec;

#include "rt_cmd.h"

static const char *const topo[] = {
	"set host addr 10.200.0.1",
	"add port tap0",
	"add port tap1",
	"add port tap2",
	"add port empty",
	"add vpc 100 cidr 10.0.0.0/16 cidr fd00::/64 divider 10.200.0.9",
	"add vpc 200 cidr 10.0.0.0/16",
	"add net 100 10.0.1.0/24 bouncer 10.200.0.3",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 labels app=web",
	"add ep 100 fd00::5 mac 02:00:00:00:01:05 port tap0",
	"add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap1",
	"add ep 100 fd00::6 mac 02:00:00:00:01:06 port tap1",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 fd00::7 mac 02:00:00:00:02:07 host 10.200.0.2",
	"add ep 100 10.0.3.3 mac 02:00:00:00:03:03 type scaled host 10.200.0.5 10.200.0.6 10.200.0.7",
	"add ep 200 10.0.1.5 mac 02:00:00:00:02:05 port tap2",
	NULL,
};

static void make_tables(uint32_t icmp_rate)
{
	struct rt_limits l;

	rt_limits_default(&l);
	l.max_vpcs = 16;
	l.max_nets = 16;
	l.max_eps = 64;
	l.max_hosts = 32;
	l.max_ports = 8;
	l.flows_per_vpc = 16;
	l.icmp_rate = icmp_rate;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
	for (int i = 0; topo[i]; i++)
		cmd(topo[i]);
	rt_tables_set_now(t, 1000000000000ull);
}

static void setup(void)
{
	make_tables(1000);
}

static void teardown(void)
{
	rt_tables_free(t);
}

/* Build a frame into 'frame'; return the spec layout for offsets. */
static void craft_lay(const char *text, struct gnv_layout *lay)
{
	char err[256];

	gnv_spec_init(&spec, GENV_CLASS_DEFAULT);
	ck_assert_msg(gnv_lang_parse(text, &spec, err, sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_msg(gnv_build_ex(&spec, frame, sizeof(buf) - RT_HEADROOM, &fsize, lay, err, sizeof(err)) == 0,
		      "%s: %s", text, err);
}

static enum rt_verdict from_port(int port, const char *text)
{
	craft_lay(text, NULL);
	return rt_from_port(t, port, frame, fsize, RT_HEADROOM, &out, NULL);
}

/* A Geneve payload: the text starts with "geneve"; outer layers are cut off. */
static void craft_ul(const char *text)
{
	static struct gnv_layout lay;
	uint32_t off = 0;

	craft_lay(text, &lay);
	for (int i = 0; i < spec.nlayer; i++)
		if (spec.l[i].kind == LK_GENEVE) {
			off = lay.off[i];
			break;
		}
	ck_assert_uint_gt(off, 0);
	memmove(frame, frame + off, fsize - off);
	fsize -= off;
}

static struct rt_ul_meta meta(const char *src, uint8_t ttl, uint8_t tos)
{
	struct rt_ul_meta m;
	int fam;

	memset(&m, 0, sizeof(m));
	ck_assert_int_eq(parse_ip(src, &fam, m.src.a), 0);
	m.src.family = (uint8_t)fam;
	m.ttl = ttl;
	m.tos = tos;
	return m;
}

static enum rt_verdict from_ul(const char *src, uint8_t ttl, uint8_t tos, const char *text)
{
	struct rt_ul_meta m = meta(src, ttl, tos);

	craft_ul(text);
	return rt_from_underlay(t, &m, frame, fsize, RT_HEADROOM, &out, NULL);
}

/* Decode what the pipeline produced, checksums verified. */
static void decode_out(int linktype)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	cfg.linktype = linktype;
	gnv_decode(&pk, out.data, (uint32_t)out.size, (uint32_t)out.size, &cfg);
	ck_assert_msg(pk.status == GNV_OK, "decode: %s (%s)", gnv_status_name(pk.status),
		      pk.nerr ? gnv_err_code(pk.err[0].code) : "-");
}

static void assert_drop(enum rt_verdict v, enum rt_drop reason)
{
	ck_assert_msg(v == RT_DROP && out.verdict == RT_DROP && out.reason == reason,
		      "verdict %s reason %s, expected drop %s", rt_verdict_name(v),
		      rt_drop_name(out.reason), rt_drop_name(reason));
}

static const uint8_t gw_mac[6] = { 0x02, 0x67, 0x76, 0x00, 0x00, 0x01 };
static const uint8_t mac5[6] = { 2, 0, 0, 0, 1, 5 };
static const uint8_t mac6[6] = { 2, 0, 0, 0, 1, 6 };

#define EP5 "eth src=02:00:00:00:01:05 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.5 "
#define EP5V6 "eth src=02:00:00:00:01:05 dst=02:67:76:00:00:01 / ipv6 src=fd00::5 "

/* ---- ARP and ND ---- */

START_TEST(arp_answers)
{
	const char *req = "eth src=02:00:00:00:01:05 dst=ff:ff:ff:ff:ff:ff / arp op=1 "
			  "sha=02:00:00:00:01:05 spa=10.0.1.5 tpa=%s";
	char text[256];

	snprintf(text, sizeof(text), req, "10.0.1.6");
	ck_assert_int_eq(from_port(0, text), RT_REPLY);
	ck_assert_int_eq(out.port, 0);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.arp.op, 2);
	ck_assert_mem_eq(pk.outer.arp.sha, mac6, 6);
	ck_assert_mem_eq(pk.outer.arp.spa, "\x0a\x00\x01\x06", 4);
	ck_assert_mem_eq(pk.outer.arp.tha, mac5, 6);
	ck_assert_mem_eq(pk.outer.arp.tpa, "\x0a\x00\x01\x05", 4);
	ck_assert_mem_eq(pk.outer.eth.dst, mac5, 6);
	ck_assert_mem_eq(pk.outer.eth.src, mac6, 6);
	/* the gateway, and an unknown address in the VPC: the router's MAC */
	snprintf(text, sizeof(text), req, "10.0.1.1");
	ck_assert_int_eq(from_port(0, text), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_mem_eq(pk.outer.arp.sha, gw_mac, 6);
	snprintf(text, sizeof(text), req, "10.0.200.1");
	ck_assert_int_eq(from_port(0, text), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_mem_eq(pk.outer.arp.sha, gw_mac, 6);
	/* outside the VPC, gratuitous, replies: ignored */
	snprintf(text, sizeof(text), req, "192.168.1.1");
	assert_drop(from_port(0, text), RT_DROP_ARP_IGNORED);
	snprintf(text, sizeof(text), req, "10.0.1.5");
	assert_drop(from_port(0, text), RT_DROP_ARP_IGNORED);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / arp op=2 sha=02:00:00:00:01:05 spa=10.0.1.5 tpa=10.0.1.6"),
		    RT_DROP_ARP_IGNORED);
	/* a probe (spa 0.0.0.0) is answered */
	ck_assert_int_eq(from_port(0, "eth src=02:00:00:00:01:05 / arp op=1 sha=02:00:00:00:01:05 spa=0.0.0.0 tpa=10.0.1.6"),
			 RT_REPLY);
	/* spoofed sender fields */
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / arp op=1 sha=02:00:00:00:01:05 spa=10.0.1.6 tpa=10.0.1.1"),
		    RT_DROP_SPOOF_IP);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / arp op=1 sha=02:00:00:00:01:99 spa=10.0.1.5 tpa=10.0.1.1"),
		    RT_DROP_SPOOF_MAC);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:99 / arp op=1 sha=02:00:00:00:01:99 spa=10.0.1.5 tpa=10.0.1.1"),
		    RT_DROP_SPOOF_MAC);
	/* VPC 200 reuses 10.0.1.5 but 10.0.1.6 is not there: router MAC */
	ck_assert_int_eq(from_port(2, "eth src=02:00:00:00:02:05 / arp op=1 sha=02:00:00:00:02:05 spa=10.0.1.5 tpa=10.0.1.6"),
			 RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_mem_eq(pk.outer.arp.sha, gw_mac, 6);
	ck_assert_uint_eq(t->cfg.port[0].st.arp_replies, 4);
}
END_TEST

/* NS: 4 reserved bytes (the icmp6 layer's id/seq), target, source link-layer option. */
#define NS(src, target_hex) \
	"eth src=02:00:00:00:01:05 dst=33:33:ff:00:00:06 / ipv6 src=" src " dst=ff02::1:ff00:6 hlim=255 " \
	"/ icmp6 type=135 / payload hex=" target_hex "0101020000000105"

START_TEST(nd_answers)
{
	ck_assert_int_eq(from_port(0, NS("fd00::5", "fd000000000000000000000000000006")), RT_REPLY);
	decode_out(GNV_LINK_ETH);	/* ICMPv6 checksum verified */
	ck_assert_uint_eq(pk.outer.l4.type, 136);
	ck_assert_uint_eq(pk.outer.ip.ttl, 255);
	ck_assert_mem_eq(pk.outer.eth.src, mac6, 6);
	ck_assert_mem_eq(pk.outer.eth.dst, mac5, 6);
	ck_assert_mem_eq(out.data + out.size - 6, mac6, 6);	/* target link-layer address */
	ck_assert_mem_eq(out.data + 14 + 40 + 8, "\xfd\x00", 2);
	ck_assert_uint_eq(out.data[14 + 40 + 4] & 0x80, 0);	/* an endpoint is not a router */
	/* from the link-local address, for the gateway: router flag, gateway MAC */
	ck_assert_int_eq(from_port(0, NS("fe80::1", "fd000000000000000000000000000001")), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_mem_eq(pk.outer.ip.dst.a, "\xfe\x80", 2);
	ck_assert_mem_eq(out.data + out.size - 6, gw_mac, 6);
	ck_assert_uint_eq(out.data[14 + 40 + 4] & 0xe0, 0xe0);
	/* DAD, outside the VPC, bad hop limit, MLD: ignored */
	assert_drop(from_port(0, NS("::", "fd000000000000000000000000000006")), RT_DROP_ND_IGNORED);
	assert_drop(from_port(0, NS("fd00::5", "fd010000000000000000000000000006")), RT_DROP_ND_IGNORED);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / ipv6 src=fd00::5 dst=ff02::1:ff00:6 hlim=64 "
				 "/ icmp6 type=135 / payload hex=fd0000000000000000000000000000060101020000000105"),
		    RT_DROP_ND_IGNORED);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / ipv6 src=fe80::1 dst=ff02::16 hlim=1 / icmp6 type=143"),
		    RT_DROP_ND_IGNORED);
	/* link-local from an unknown MAC is still spoofing */
	assert_drop(from_port(0, "eth src=02:00:00:00:01:99 / ipv6 src=fe80::1 dst=ff02::1:ff00:6 hlim=255 "
				 "/ icmp6 type=135 / payload hex=fd000000000000000000000000000006"),
		    RT_DROP_SPOOF_MAC);
	ck_assert_uint_eq(t->cfg.port[0].st.nd_replies, 2);
}
END_TEST

/* ---- from a port ---- */

START_TEST(anti_spoofing)
{
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.99 dst=10.0.1.6 / udp"),
		    RT_DROP_SPOOF_IP);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:66 / ipv4 src=10.0.1.5 dst=10.0.1.6 / udp"),
		    RT_DROP_SPOOF_MAC);
	/* 10.0.1.6's own MAC and IP, but on the wrong port */
	assert_drop(from_port(0, "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.1.5 / udp"),
		    RT_DROP_SPOOF_MAC);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_SPOOF_IP], 1);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_SPOOF_MAC], 2);
	ck_assert_uint_eq(t->cfg.port[0].st.c.drops, 3);
}
END_TEST

START_TEST(frame_checks)
{
	assert_drop(from_port(7, EP5 "dst=10.0.1.6 / udp"), RT_DROP_PORT_UNKNOWN);
	assert_drop(from_port(-1, EP5 "dst=10.0.1.6 / udp"), RT_DROP_PORT_UNKNOWN);
	assert_drop(from_port(3, EP5 "dst=10.0.1.6 / udp"), RT_DROP_PORT_NO_EP);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 / vlan id=5 / ipv4 src=10.0.1.5 dst=10.0.1.6 / udp"),
		    RT_DROP_FRAME_VLAN);
	assert_drop(from_port(0, "eth src=02:00:00:00:01:05 type=0x88cc / payload len=20"), RT_DROP_FRAME_ETHERTYPE);
	assert_drop(from_port(0, EP5 "dst=10.0.1.6 len=2000 / udp"), RT_DROP_FRAME_MALFORMED);
	assert_drop(from_port(0, "payload len=10"), RT_DROP_FRAME_MALFORMED);
	assert_drop(from_port(0, EP5 "dst=224.0.0.251 / udp"), RT_DROP_MULTICAST);
	assert_drop(from_port(0, EP5 "dst=255.255.255.255 / udp"), RT_DROP_MULTICAST);
	craft_lay(EP5 "dst=10.0.1.6 / udp", NULL);
	assert_drop(rt_from_port(t, 0, frame, fsize, 100, &out, NULL), RT_DROP_HEADROOM);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_PORT_UNKNOWN], 2);
}
END_TEST

START_TEST(local_deliver)
{
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.6 / udp dport=53 / payload len=20"), RT_DELIVER);
	ck_assert_int_eq(out.port, 1);
	ck_assert_ptr_eq(out.data, frame);
	ck_assert_uint_eq(out.size, fsize);
	ck_assert_mem_eq(out.data, mac6, 6);		/* to the endpoint's MAC */
	ck_assert_mem_eq(out.data + 6, gw_mac, 6);	/* from the gateway: it was routed */
	ck_assert_uint_eq(out.vni, 100);
	/* sent straight to the peer's MAC: source kept */
	ck_assert_int_eq(from_port(0, "eth src=02:00:00:00:01:05 dst=02:00:00:00:01:06 / ipv4 src=10.0.1.5 dst=10.0.1.6 / tcp"),
			 RT_DELIVER);
	ck_assert_mem_eq(out.data + 6, mac5, 6);
	/* IPv6 */
	ck_assert_int_eq(from_port(1, "eth src=02:00:00:00:01:06 / ipv6 src=fd00::6 dst=fd00::5 / udp"), RT_DELIVER);
	/* a tenant's own (even broken) Geneve to port 6081 is just payload */
	ck_assert_int_eq(from_port(1, "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.1.5 / udp dport=6081 "
				      "/ geneve ver=1 optlen=5 / eth"), RT_DELIVER);
	ck_assert_int_eq(from_port(1, "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.1.5 / udp dport=6081 "
				      "/ payload len=3"), RT_DELIVER);
	ck_assert_int_eq(out.port, 0);
	/* counters */
	ck_assert_uint_eq(t->cfg.port[0].st.c.rx_pkts, 2);
	ck_assert_uint_eq(t->cfg.port[1].st.c.tx_pkts, 2);
	ck_assert_uint_eq(t->cfg.port[0].st.c.tx_pkts, 3);
	ck_assert_uint_eq(rt_vpc_find(t, 100)->st.delivered, 5);
	ck_assert_uint_eq(t->run.st.delivered, 5);
	{
		uint8_t ip[16] = { 10, 0, 1, 6 };

		ck_assert_uint_eq(rt_ep_find(t, 100, 4, ip)->c.tx_pkts, 2);
	}
}
END_TEST

START_TEST(remote_encap)
{
	const struct gnv_opt *o;
	uint32_t h;

	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 ecn=1 / udp sport=1234 dport=80 / payload len=100"),
			 RT_FORWARD);
	ck_assert_int_eq(out.dst.family, 4);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x02", 4);
	ck_assert_ptr_eq(out.data, frame - 8 - 16);	/* Geneve + eptype + label options */
	ck_assert_uint_eq(out.size, fsize + 24);
	ck_assert_uint_eq(out.ttl, 64);
	ck_assert_uint_eq(out.tos, 1);			/* DSCP 0 (pipe), inner ECN copied */
	ck_assert_uint_ge(out.sport, FLOW_SPORT_MIN);
	decode_out(GNV_LINK_GENEVE);
	ck_assert_uint_eq(pk.gnv.vni, 100);
	ck_assert_uint_eq(pk.gnv.proto, 0x6558);
	/* no network policy in the VPC: the identity option is not critical,
	 * and no option is, so no C bit (RFC 8926 3.4) */
	ck_assert(!pk.gnv.oam && !pk.gnv.crit);
	ck_assert_uint_eq(pk.gnv.nopt, 2);
	o = &pk.gnv.opt[0];
	ck_assert_uint_eq(o->cls, GENV_CLASS_DEFAULT);
	ck_assert_uint_eq(o->type, GENV_OPT_EPTYPE);
	o = &pk.gnv.opt[1];
	ck_assert_uint_eq(o->type, GENV_OPT_IDENT);
	ck_assert_uint_eq(gnv_be32(out.data + o->off + 4), rt_ident_hash("default", "app=web"));
	ck_assert_mem_eq(pk.inner.eth.dst, "\x02\x00\x00\x00\x02\x07", 6);
	ck_assert_mem_eq(pk.inner.ip.dst.a, "\x0a\x00\x02\x07", 4);
	ck_assert_uint_eq(pk.inner.l4.dport, 80);
	h = flow_hash_layers(&pk.inner, 0);
	ck_assert_uint_eq(out.sport, flow_sport(h));
	ck_assert_uint_eq(out.flow_hash, h);
	/* IPv6 endpoint without labels: eptype and the identity of the empty set */
	ck_assert_int_eq(from_port(0, EP5V6 "dst=fd00::7 / tcp"), RT_FORWARD);
	decode_out(GNV_LINK_GENEVE);
	ck_assert_uint_eq(pk.gnv.nopt, 2);
	ck_assert_uint_eq(gnv_be32(out.data + pk.gnv.opt[1].off + 4), rt_ident_hash("default", ""));
	/* a VPC with a policy: the receiver must enforce it, so critical and C */
	cmd("add policy 100 web select app=web ingress from pod app=db port tcp/5432");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp sport=1234 dport=80"), RT_FORWARD);
	decode_out(GNV_LINK_GENEVE);
	ck_assert(pk.gnv.crit);
	ck_assert_uint_eq(pk.gnv.opt[1].type, GENV_OPT_IDENT_CRIT);
	ck_assert_uint_eq(gnv_be32(out.data + pk.gnv.opt[1].off + 4), rt_ident_hash("default", "app=web"));
	/* the stored option is not changed by the packets */
	cmd("del policy 100 web");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp sport=1234 dport=80"), RT_FORWARD);
	decode_out(GNV_LINK_GENEVE);
	ck_assert(!pk.gnv.crit);
	ck_assert_uint_eq(pk.gnv.opt[1].type, GENV_OPT_IDENT);
}
END_TEST

START_TEST(bouncer_divider_choice)
{
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.77 / udp"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x03", 4);	/* the net's bouncer */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.9.9 / udp"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x09", 4);	/* the VPC's divider */
	ck_assert_int_eq(from_port(0, EP5 "dst=8.8.8.8 / udp"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x09", 4);
	/* with rts on, indirect paths carry this host's address */
	cmd("set host rts on");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.77 / udp"), RT_FORWARD);
	decode_out(GNV_LINK_GENEVE);
	ck_assert_uint_eq(pk.gnv.nopt, 3);
	ck_assert_uint_eq(pk.gnv.opt[2].type, GENV_OPT_RTS);
	ck_assert_mem_eq(out.data + pk.gnv.opt[2].off + 4 + 8, "\x0a\xc8\x00\x01", 4);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
	decode_out(GNV_LINK_GENEVE);
	ck_assert_uint_eq(pk.gnv.nopt, 2);		/* direct: no RTS */
	/* the net and VPC counters */
	ck_assert_uint_eq(rt_net_lookup(t, rt_vpc_find(t, 100), 4, (const uint8_t *)"\x0a\x00\x01\x4d")->c.tx_pkts, 2);
	ck_assert_uint_eq(rt_vpc_find(t, 100)->st.forwarded, 5);
}
END_TEST

/* The options encap writes inline are the bytes the codec's writers
 * (opt_genv.h) produce: eptype first, the endpoint's label, RTS last. */
START_TEST(encap_options_codec)
{
	uint8_t want[GNV_OPT_SPACE];
	struct gnv_optbuf b;
	struct gnv_rts r = { .host = { .family = 4, .a = { 10, 200, 0, 1 } } };
	const struct rt_tables *ct = t;

	cmd("set host rts on");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.77 / udp"), RT_FORWARD);
	memcpy(r.mac, ct->cfg.self.mac, 6);
	gnv_optbuf_init(&b, want, sizeof(want));
	ck_assert_int_eq(gnv_opt_eptype_put(&b, GENV_CLASS_DEFAULT, EP_SIMPLE), 0);
	ck_assert_int_eq(gnv_opt_ident_put(&b, GENV_CLASS_DEFAULT, rt_ident_hash("default", "app=web"), false), 0);
	ck_assert_int_eq(gnv_opt_rts_put(&b, GENV_CLASS_DEFAULT, &r), 0);
	ck_assert_uint_eq(out.data[0] * 4u, b.size);
	ck_assert_mem_eq(out.data + 8, want, b.size);
	/* IPv6 underlay address: the 24-byte RTS form */
	cmd("set host addr fd99::1");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.77 / udp"), RT_FORWARD);
	r.host.family = 6;
	memcpy(r.host.a, "\xfd\x99\0\0\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
	b.size = 8 + 8;
	ck_assert_int_eq(gnv_opt_rts_put(&b, GENV_CLASS_DEFAULT, &r), 0);
	ck_assert_uint_eq(out.data[0] * 4u, b.size);
	ck_assert_mem_eq(out.data + 8, want, b.size);
}
END_TEST

START_TEST(scaled_endpoint_hash)
{
	int seen[3] = { 0 };
	char text[200];
	uint8_t first[4];

	for (int i = 0; i < 300; i++) {
		snprintf(text, sizeof(text), EP5 "dst=10.0.3.3 / tcp sport=%d dport=80", 1000 + i);
		ck_assert_int_eq(from_port(0, text), RT_FORWARD);
		ck_assert_uint_ge(out.dst.a[3], 5);
		ck_assert_uint_le(out.dst.a[3], 7);
		seen[out.dst.a[3] - 5]++;
	}
	ck_assert(seen[0] > 50 && seen[1] > 50 && seen[2] > 50);
	/* one flow, one backend */
	from_port(0, EP5 "dst=10.0.3.3 / tcp sport=4242 dport=80");
	memcpy(first, out.dst.a, 4);
	for (int i = 0; i < 10; i++) {
		from_port(0, EP5 "dst=10.0.3.3 / tcp sport=4242 dport=80");
		ck_assert_mem_eq(out.dst.a, first, 4);
	}
}
END_TEST

START_TEST(no_route_icmp)
{
	const uint8_t *orig;
	uint8_t saved[28];

	craft_lay("eth src=02:00:00:00:02:05 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.5 dst=10.0.9.9 / udp / payload len=30",
		  NULL);
	memcpy(saved, frame + 14, 28);
	ck_assert_int_eq(rt_from_port(t, 2, frame, fsize, RT_HEADROOM, &out, NULL), RT_REPLY);
	ck_assert_int_eq(out.reason, RT_DROP_NO_ROUTE);
	ck_assert_int_eq(out.port, 2);
	decode_out(GNV_LINK_ETH);		/* IPv4 and ICMP checksums verified */
	ck_assert_uint_eq(pk.outer.l4.type, 3);
	ck_assert_uint_eq(pk.outer.l4.code, 1);
	ck_assert_mem_eq(pk.outer.ip.src.a, "\x0a\x00\x00\x01", 4);	/* VPC 200 gateway */
	ck_assert_mem_eq(pk.outer.ip.dst.a, "\x0a\x00\x01\x05", 4);
	ck_assert_mem_eq(pk.outer.eth.dst, "\x02\x00\x00\x00\x02\x05", 6);
	orig = out.data + 14 + 20 + 8;
	ck_assert_mem_eq(orig, saved, 28);			/* the quoted packet */
	ck_assert_uint_eq(out.size, 14 + 20 + 8 + 20 + 8 + 30);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_NO_ROUTE], 1);
	ck_assert_uint_eq(t->cfg.port[2].st.icmp_sent, 1);
	/* outside every CIDR: net unreachable */
	ck_assert_int_eq(from_port(2, "eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=8.8.8.8 / udp"), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.code, 0);
	/* never an ICMP error about an ICMP error */
	assert_drop(from_port(2, "eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / icmp type=3 code=1"),
		    RT_DROP_NO_ROUTE);
}
END_TEST

START_TEST(mtu_too_big)
{
	/* 1500 underlay - 20 - 8 - 8 Geneve - 16 options - 14 inner Ethernet = 1434 */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 df=1 / udp / payload len=1460"), RT_REPLY);
	ck_assert_int_eq(out.reason, RT_DROP_MTU);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.type, 3);
	ck_assert_uint_eq(pk.outer.l4.code, 4);
	ck_assert_uint_eq(gnv_be16(out.data + 14 + 20 + 6), 1434);
	ck_assert_uint_le(out.size, 14 + 576);
	/* exactly the path MTU passes */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 df=1 / udp / payload len=1406"), RT_FORWARD);
	ck_assert_uint_eq(out.size, 1434 + 14 + 24);
	/* IPv6: packet too big; eptype and identity: 1500 - 28 - 8 - 8 - 8 - 14 = 1434 */
	ck_assert_int_eq(from_port(0, EP5V6 "dst=fd00::7 / udp / payload len=1500"), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.type, 2);
	ck_assert_uint_eq(gnv_be32(out.data + 14 + 40 + 4), 1434);
	ck_assert_uint_le(out.size, 14 + 1280);
	/* local delivery: the destination port's MTU (1400) */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.6 df=1 / udp / payload len=1400"), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(gnv_be16(out.data + 14 + 20 + 6), 1400);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_MTU], 3);
	/* the underlay MTU follows set host */
	cmd("set host mtu 9000");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 df=1 / udp / payload len=1460"), RT_FORWARD);
}
END_TEST

START_TEST(gateway_echo)
{
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.1 / icmp type=8 id=7 seq=1 / payload len=56"), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.type, 0);
	ck_assert_uint_eq(pk.outer.l4.icmp_id, 7);
	ck_assert_mem_eq(pk.outer.ip.src.a, "\x0a\x00\x01\x01", 4);
	ck_assert_mem_eq(pk.outer.eth.src, gw_mac, 6);
	ck_assert_int_eq(from_port(0, EP5V6 "dst=fd00::1 / icmp6 type=128 id=1 seq=2"), RT_REPLY);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.l4.type, 129);
	assert_drop(from_port(0, EP5 "dst=10.0.1.1 / udp"), RT_DROP_NO_ROUTE);
}
END_TEST

/* ---- from the underlay ---- */

#define UL_IN(dst) "geneve vni=100 / eth src=02:00:00:00:02:07 dst=02:67:76:00:00:01 / ipv4 src=10.0.2.7 dst=" dst

START_TEST(underlay_deliver)
{
	ck_assert_int_eq(from_ul("10.200.0.2", 62, 0, UL_IN("10.0.1.5") " / udp / payload len=10"), RT_DELIVER);
	ck_assert_int_eq(out.port, 0);
	ck_assert_ptr_eq(out.data, frame + 8);
	ck_assert_uint_eq(out.size, fsize - 8);
	decode_out(GNV_LINK_ETH);
	ck_assert_mem_eq(pk.outer.eth.dst, mac5, 6);
	ck_assert_mem_eq(pk.outer.eth.src, gw_mac, 6);
	/* options: unknown non-critical and genv critical ones are fine */
	ck_assert_int_eq(from_ul("10.200.0.2", 62, 0, "geneve vni=100 opt=0x0102:0x01:00000000 opt=eptype:simple "
				 "opt=rts:host=10.200.0.2,mac=02:00:00:00:00:02,invalidate=1 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / udp"),
			 RT_DELIVER);
	/* delivered without them: the port gets the inner frame alone (stripped) */
	ck_assert_ptr_eq(out.data, frame + 8 + 8 + 8 + 16);
	ck_assert_uint_eq(out.size, fsize - 40);
	/* same inner address in VPC 200 goes to its own port (VPC 200 has no
	 * remote endpoint: 10.200.0.2 is its peer, 10.0.2.7 no endpoint there) */
	cmd("set vpc 200 peers 10.200.0.2");
	ck_assert_int_eq(from_ul("10.200.0.2", 62, 0, "geneve vni=200 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / udp"),
			 RT_DELIVER);
	ck_assert_int_eq(out.port, 2);
	ck_assert_uint_eq(t->run.st.underlay_rx, 3);
	ck_assert_uint_eq(t->cfg.port[0].st.c.tx_pkts, 2);
}
END_TEST

START_TEST(underlay_drops)
{
	struct rt_ul_meta m = meta("10.200.0.2", 64, 0);

	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=300 / eth / ipv4 dst=10.0.1.5 / udp"), RT_DROP_VNI_UNKNOWN);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 ver=1 / eth / ipv4 dst=10.0.1.5 / udp"),
		    RT_DROP_GNV_VERSION);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 opt=0x0102:0x80:00000001 / eth / ipv4 dst=10.0.1.5 / udp"),
		    RT_DROP_GNV_CRITICAL);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 proto=0x0800 / ipv4 dst=10.0.1.5 / udp"),
		    RT_DROP_GNV_PROTO);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 optlen=2 opt=0x0102:0x01:00000000000000000000 / eth / ipv4 dst=10.0.1.5 / udp"),
		    RT_DROP_GNV_MALFORMED);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 critical=0 opt=0xffa7:0x83:00000000 / eth / ipv4 dst=10.0.1.5 / udp"),
		    RT_DROP_GNV_MALFORMED);	/* critical option without the C bit */
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 / eth / arp"), RT_DROP_INNER_MALFORMED);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 / eth / ipv4 dst=10.0.1.5 len=300 / udp"),
		    RT_DROP_INNER_MALFORMED);
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.2.8") " / udp"), RT_DROP_NOT_LOCAL);
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.2.7") " / udp"), RT_DROP_NOT_LOCAL);
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("224.0.0.1") " / udp"), RT_DROP_MULTICAST);
	/* too short for a Geneve header */
	memcpy(frame, "\x00\x00\x65\x58", 4);
	assert_drop(rt_from_underlay(t, &m, frame, 4, 0, &out, NULL), RT_DROP_GNV_MALFORMED);
	assert_drop(rt_from_underlay(t, &m, frame, 0, 0, &out, NULL), RT_DROP_GNV_MALFORMED);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_GNV_MALFORMED], 4);
	ck_assert_uint_eq(rt_vpc_find(t, 100)->st.drop[RT_DROP_NOT_LOCAL], 2);
}
END_TEST

START_TEST(underlay_control)
{
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, "geneve vni=100 oam=1 opt=trace:id=1,seq=1 / eth / ipv4 dst=10.0.1.5 / udp"),
			 RT_CONTROL);
	ck_assert_ptr_eq(out.data, frame);
	ck_assert_uint_eq(out.size, fsize);
	ck_assert_uint_eq(t->run.st.control, 1);
	/* O bit with an unknown VNI still goes to the control handler */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, "geneve vni=999 oam=1 / eth / ipv4 dst=10.0.1.5 / udp"),
			 RT_CONTROL);
}
END_TEST

START_TEST(underlay_ecn)
{
	/* outer CE on ECT(0): inner becomes CE, IPv4 checksum updated */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 3, UL_IN("10.0.1.5") " ecn=2 / udp"), RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos & 3, 3);
	ck_assert_int_eq(pk.outer.ip.hcsum_state, GNV_CSUM_OK);
	/* outer ECT(1) on ECT(0): ECT(1) */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 1, UL_IN("10.0.1.5") " ecn=2 / udp"), RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos & 3, 1);
	/* outer CE on not-ECT: drop (RFC 6040) */
	assert_drop(from_ul("10.200.0.2", 64, 3, UL_IN("10.0.1.5") " / udp"), RT_DROP_ECN);
	/* IPv6 traffic class */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 3, "geneve vni=100 / eth / ipv6 src=fd00::7 dst=fd00::5 ecn=1 / udp"),
			 RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos & 3, 3);
	/* not-CE outer leaves the inner alone */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.1.5") " ecn=1 / udp"), RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos & 3, 1);
}
END_TEST

/* ---- QoS (router/qos.h) ---- */

static int cmd_err(const char *line, const char *want)
{
	struct sbuf o = SBUF_INIT;
	int r = rt_cmd_exec(t, NULL, line, false, &o);

	ck_assert_msg(r != 0, "'%s' accepted", line);
	ck_assert_msg(strstr(sbuf_str(&o), want), "'%s': '%s' lacks '%s'", line, sbuf_str(&o), want);
	sbuf_free(&o);
	return r;
}

/* The QoS option of the Geneve payload at out.data: its class and prio. */
static bool out_qos(struct gnv_qos *q)
{
	decode_out(GNV_LINK_GENEVE);
	for (unsigned int i = 0; i < pk.gnv.nopt; i++)
		if (pk.gnv.opt[i].cls == GENV_CLASS_DEFAULT && pk.gnv.opt[i].type == GENV_OPT_QOS)
			return !gnv_opt_qos_get(out.data + pk.gnv.opt[i].off + 4, pk.gnv.opt[i].size, q);
	return false;
}

START_TEST(qos_encap_class)
{
	struct gnv_qos q;

	/* no class: the host's DSCP (0) and the inner ECN, no QoS option */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 ecn=2 / udp"), RT_FORWARD);
	ck_assert_uint_eq(out.tos, 0x02);
	ck_assert(!out_qos(&q));
	cmd("set ep 100 10.0.1.5 qos premium");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 ecn=2 / udp"), RT_FORWARD);
	ck_assert_uint_eq(out.tos, 46 << 2 | 2);	/* EF, ECT(0) copied (RFC 6040 normal mode) */
	ck_assert(out_qos(&q));
	ck_assert_uint_eq(q.cls, QOS_PREMIUM);
	ck_assert_uint_eq(q.prio, 0);
	cmd("set qos premium dscp 40 priority 7");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 ecn=3 / udp"), RT_FORWARD);
	ck_assert_uint_eq(out.tos, 40 << 2 | 3);
	ck_assert(out_qos(&q));
	ck_assert_uint_eq(q.prio, 7);
	cmd("set ep 100 10.0.1.5 qos best-effort");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
	ck_assert_uint_eq(out.tos, 0);
	ck_assert(out_qos(&q));
	ck_assert_uint_eq(q.cls, QOS_BESTEFFORT);
	ck_assert_uint_eq(q.prio, 2);
	cmd("set ep 100 10.0.1.5 qos none");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
	ck_assert(!out_qos(&q));
}
END_TEST

START_TEST(qos_rate_limit)
{
	struct rt_ep *e;
	unsigned int pass = 0;
	uint64_t now = 1000000000000ull;

	/* 8mbit = 1,000,000 bytes/s, bucket 3000 bytes; frames of 1000 bytes */
	cmd("set ep 100 10.0.1.5 rate 8mbit burst 3000b");
	e = rt_ep_find(t, 100, 4, (const uint8_t[16]){ 10, 0, 1, 5 });
	ck_assert_ptr_nonnull(e);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_FORWARD);
	ck_assert_uint_eq(fsize, 1000);
	assert_drop(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_DROP_QOS_RATE);
	ck_assert_uint_eq(e->bucket.drops, 1);
	ck_assert_uint_eq(e->c.drops, 1);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_QOS_RATE], 1);
	/* 1 ms refills 1000 bytes: one more frame, not two */
	rt_tables_set_now(t, now += 1000000);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_FORWARD);
	assert_drop(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_DROP_QOS_RATE);
	/* one second offered at 10 MB/s (a frame every 100 us): about 1 MB passes */
	for (int i = 0; i < 10000; i++) {
		rt_tables_set_now(t, now += 100000);
		pass += from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958") == RT_FORWARD;
	}
	ck_assert_uint_ge(pass, 1000);
	ck_assert_uint_le(pass, 1003);
	/* a long pause fills the bucket to its size only */
	rt_tables_set_now(t, now += 3600ull * 1000000000);
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_FORWARD);
	assert_drop(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_DROP_QOS_RATE);
	/* show ep (JSON) reports the bucket's drops */
	{
		struct sbuf o = SBUF_INIT;
		char want[64];

		ck_assert_int_eq(rt_cmd_exec(t, NULL, "show ep 100", true, &o), 0);
		snprintf(want, sizeof(want), "\"rate_drops\":%llu", (unsigned long long)e->bucket.drops);
		ck_assert_msg(strstr(sbuf_str(&o), want), "%s lacks %s", sbuf_str(&o), want);
		ck_assert(strstr(sbuf_str(&o), "\"rate_bps\":8000000"));
		sbuf_free(&o);
	}
	/* removed: no limit */
	cmd("set ep 100 10.0.1.5 rate none");
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp / payload len=958"), RT_FORWARD);
}
END_TEST

START_TEST(qos_decap)
{
	/* the class arrives; premium does not remark by default */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, "geneve vni=100 opt=qos:premium,prio=0 / eth src=02:00:00:00:02:07 dst=02:67:76:00:00:01 / ipv4 src=10.0.2.7 dst=10.0.1.5 tos=0x02 / udp"),
			 RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos, 0x02);
	cmd("set qos premium remark on");
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 3, "geneve vni=100 opt=qos:premium,prio=0 / eth src=02:00:00:00:02:07 dst=02:67:76:00:00:01 / ipv4 src=10.0.2.7 dst=10.0.1.5 tos=0x02 / udp"),
			 RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos, 46 << 2 | 3);	/* remarked, and CE from the outer */
	ck_assert_int_eq(pk.outer.ip.hcsum_state, GNV_CSUM_OK);
	/* IPv6 traffic class */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, "geneve vni=100 opt=qos:premium,prio=0 / eth / ipv6 src=fd00::7 dst=fd00::5 ecn=1 / udp"),
			 RT_DELIVER);
	decode_out(GNV_LINK_ETH);
	ck_assert_uint_eq(pk.outer.ip.tos, 46 << 2 | 1);
	/* malformed QoS options: class 7, 8 bytes of data */
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 opt=0xffa7:0x04:07000000 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / udp"),
		    RT_DROP_QOS_MALFORMED);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 opt=0xffa7:0x04:0000000000000000 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / udp"),
		    RT_DROP_QOS_MALFORMED);
}
END_TEST

START_TEST(qos_config)
{
	struct sbuf o = SBUF_INIT;

	cmd_err("set ep 100 10.0.1.5 qos gold", "word 6 'gold': QoS class is premium, expedited or best-effort");
	cmd_err("set ep 100 10.0.1.5 rate 100mbit", "rate needs 'burst SIZE'");
	cmd_err("set ep 100 10.0.1.5 rate 100mbitz burst 64k", "word 6 '100mbitz': rate is");
	cmd_err("set ep 100 10.0.1.5 rate 0 burst 64k", "word 6 '0': rate is");
	cmd_err("set ep 100 10.0.1.5 rate 1.5bit burst 64k", "word 6 '1.5bit'");
	cmd_err("set ep 100 10.0.1.5 rate 100mbit burst 64q", "word 8 '64q': burst is");
	cmd_err("set ep 100 10.0.1.5 rate 100mbit burst 1000", "burst 1000b is smaller than one 1414-byte frame");
	cmd_err("set ep 100 10.0.1.5 rate 20tbit burst 64k", "word 6 '20tbit'");
	cmd_err("set qos gold dscp 1", "word 3 'gold'");
	cmd_err("set qos premium dscp 64", "word 5 '64': dscp must be a number 0..63");
	cmd_err("set qos premium colour red", "word 4 'colour': unknown keyword");
	cmd_err("set qos premium remark maybe", "word 5 'maybe': remark is on or off");
	cmd_err("add qos premium dscp 1", "set qos");
	/* the option budget against the underlay MTU, at configuration time */
	cmd("set host mtu 576");
	cmd_err("add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 opt 0xffa7:0x40:0000000000000000",
		"option bytes leave");
	cmd("set host mtu 1500");
	/* the 252-byte option space of the Geneve header (RFC 8926): the words
	 * themselves, then with the identity and the router's own options */
	cmd_err("add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 opt 0xffa7:0x40:0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000 "
		"0xffa7:0x41:0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000", "options exceed 252 bytes");
	cmd_err("add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 opt 0xffa7:0x40:0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"00000000000000000000000000000000000000000000000000000000 "
		"0xffa7:0x41:0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"0000000000000000000000000000000000000000000000000000000000000000"
		"00000000", "options take 232 bytes; at most 200 fit");
	ck_assert_ptr_null(rt_ep_find(t, 100, 4, (const uint8_t *)"\x0a\x00\x01\x09"));
	/* units as tc(8) has them, and canonical words in the dump */
	cmd("set ep 100 10.0.1.5 qos expedited rate 12500kbps burst 0.0625m");
	cmd("set qos expedited dscp 26 remark on");
	ck_assert_int_eq(rt_config_dump(t, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "port tap0 labels app=web qos expedited rate 100mbit burst 64k\n"), "%s", sbuf_str(&o));
	ck_assert_msg(strstr(sbuf_str(&o), "set qos expedited dscp 26 priority 1 remark on\n"), "%s", sbuf_str(&o));
	ck_assert(!strstr(sbuf_str(&o), "set qos premium"));
	sbuf_free(&o);
}
END_TEST

/* The trust model (genv-route(8) TRUST MODEL): only the VPC's own hosts
 * send into it, an endpoint only from its own host, relays anyone's. */
#define FROM(src) "geneve vni=100 / eth / ipv4 src=" src " dst=10.0.1.5 / udp"

START_TEST(underlay_trust)
{
	const struct rt_vpc *v = rt_vpc_find(t, 100);
	struct rt_trace tr;
	struct rt_ul_meta m;

	/* no host at all; a host of VPC 200 only */
	assert_drop(from_ul("10.9.9.9", 64, 0, UL_IN("10.0.1.5") " / udp"), RT_DROP_UNKNOWN_PEER);
	cmd("add ep 200 10.0.4.4 mac 02:00:00:00:04:04 host 10.200.0.66");
	assert_drop(from_ul("10.200.0.66", 64, 0, FROM("10.0.4.4")), RT_DROP_UNKNOWN_PEER);
	ck_assert_int_eq(from_ul("10.200.0.66", 64, 0, "geneve vni=200 / eth / ipv4 src=10.0.4.4 dst=10.0.1.5 / udp"),
			 RT_DELIVER);
	ck_assert_int_eq(out.port, 2);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_UNKNOWN_PEER], 2);
	ck_assert_uint_eq(v->st.drop[RT_DROP_UNKNOWN_PEER], 2);
	ck_assert_uint_eq(v->st.c.rx_pkts, 0);		/* never entered the VPC */
	/* an endpoint's packets from its own host (IPv6 underlay too) */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, FROM("10.0.2.7")), RT_DELIVER);
	ck_assert_int_eq(from_ul("10.200.0.6", 64, 0, FROM("10.0.3.3")), RT_DELIVER);	/* scaled */
	cmd("add ep 100 10.0.6.6 mac 02:00:00:00:06:06 host fd99::2");
	ck_assert_int_eq(from_ul("fd99::2", 64, 0, FROM("10.0.6.6")), RT_DELIVER);
	/* ... not from a third host, nor posing as a local endpoint or as
	 * no endpoint at all */
	assert_drop(from_ul("10.200.0.2", 64, 0, FROM("10.0.3.3")), RT_DROP_SPOOF_REMOTE);
	assert_drop(from_ul("10.200.0.5", 64, 0, FROM("10.0.2.7")), RT_DROP_SPOOF_REMOTE);
	assert_drop(from_ul("fd99::2", 64, 0, FROM("10.0.2.7")), RT_DROP_SPOOF_REMOTE);
	assert_drop(from_ul("10.200.0.2", 64, 0, FROM("10.0.1.6")), RT_DROP_SPOOF_REMOTE);
	assert_drop(from_ul("10.200.0.2", 64, 0, "geneve vni=100 / eth / ipv6 src=fd00::6 dst=fd00::5 / udp"),
		    RT_DROP_SPOOF_REMOTE);
	assert_drop(from_ul("10.200.0.2", 64, 0, FROM("10.0.9.50")), RT_DROP_SPOOF_REMOTE);
	ck_assert_uint_eq(v->st.drop[RT_DROP_SPOOF_REMOTE], 6);
	/* relayed by a bouncer or a divider: any source */
	ck_assert_int_eq(from_ul("10.200.0.3", 64, 0, FROM("10.0.2.7")), RT_DELIVER);
	ck_assert_int_eq(from_ul("10.200.0.9", 64, 0, FROM("10.0.9.50")), RT_DELIVER);
	/* a peer: sources that are no endpoint, not an endpoint of another host */
	assert_drop(from_ul("10.200.0.77", 64, 0, FROM("10.0.9.50")), RT_DROP_UNKNOWN_PEER);
	cmd("set vpc 100 peers 10.200.0.77");
	ck_assert_int_eq(from_ul("10.200.0.77", 64, 0, FROM("10.0.9.50")), RT_DELIVER);
	assert_drop(from_ul("10.200.0.77", 64, 0, FROM("10.0.2.7")), RT_DROP_SPOOF_REMOTE);
	cmd("set vpc 100 peers none");
	assert_drop(from_ul("10.200.0.77", 64, 0, FROM("10.0.9.50")), RT_DROP_UNKNOWN_PEER);
	/* an endpoint moves: its old host no longer speaks for it */
	cmd("set ep 100 10.0.2.7 host 10.200.0.4");
	assert_drop(from_ul("10.200.0.2", 64, 0, FROM("10.0.2.7")), RT_DROP_SPOOF_REMOTE);
	ck_assert_int_eq(from_ul("10.200.0.4", 64, 0, FROM("10.0.2.7")), RT_DELIVER);
	/* del ep: the host is no peer unless something else names it */
	cmd("del ep 100 fd00::7");
	cmd("set vpc 100 peers 10.200.0.4");
	cmd("del ep 100 10.0.2.7");
	ck_assert_int_eq(from_ul("10.200.0.4", 64, 0, FROM("10.0.2.7")), RT_DELIVER);	/* as a peer */
	cmd("set vpc 100 peers none");
	assert_drop(from_ul("10.200.0.4", 64, 0, FROM("10.0.2.7")), RT_DROP_UNKNOWN_PEER);
	assert_drop(from_ul("10.200.0.2", 64, 0, FROM("10.0.2.7")), RT_DROP_UNKNOWN_PEER);
	/* a bouncer that is no longer one */
	cmd("set net 100 10.0.1.0/24 bouncer none");
	assert_drop(from_ul("10.200.0.3", 64, 0, FROM("10.0.9.50")), RT_DROP_UNKNOWN_PEER);
	/* O bit: the control handler, before any trust check */
	ck_assert_int_eq(from_ul("10.9.9.9", 64, 0, "geneve vni=100 oam=1 / eth / ipv4 dst=10.0.1.5 / udp"),
			 RT_CONTROL);
	/* the trace names the sender's roles and the drop */
	m = meta("10.200.0.9", 64, 0);
	craft_ul(FROM("10.0.9.50"));
	rt_trace_init(&tr, true);
	ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize, 0, &out, &tr), RT_DELIVER);
	ck_assert_str_eq(tr.e[3].stage, "peer");
	ck_assert_msg(strstr(tr.e[3].detail, "bouncer/divider"), "%s", tr.e[3].detail);
	m = meta("10.9.9.9", 64, 0);
	craft_ul(FROM("10.0.9.50"));
	rt_trace_init(&tr, true);
	assert_drop(rt_from_underlay(t, &m, frame, fsize, 0, &out, &tr), RT_DROP_UNKNOWN_PEER);
	ck_assert_msg(!strncmp(tr.e[tr.n - 1].detail, "underlay.unknown_peer: 10.9.9.9 ", 32), "%s",
		      tr.e[tr.n - 1].detail);
	ck_assert_str_eq(rt_drop_name(RT_DROP_SPOOF_REMOTE), "spoof.remote");
	ck_assert_int_eq(rt_drop_lookup("underlay.unknown_peer"), RT_DROP_UNKNOWN_PEER);
}
END_TEST

START_TEST(bouncer_and_divider_role)
{
	/* this host becomes the bouncer of 10.0.1.0/24 */
	cmd("set host addr 10.200.0.3");
	cmd("add ep 100 10.0.1.88 mac 02:00:00:00:01:88 host 10.200.0.4");
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0x28, UL_IN("10.0.1.88") " / udp"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x04", 4);
	ck_assert_uint_eq(out.ttl, 63);
	ck_assert_uint_eq(out.tos, 0x28);
	ck_assert_ptr_eq(out.data, frame);		/* onward unchanged */
	ck_assert_uint_eq(out.size, fsize);
	/* a sender's extra options (`opt`) go onward as they came: kept */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, "geneve vni=100 opt=0xffa7:0x7e:0a0b0c0d "
				 "opt=0x0102:0x01:00000000 / eth src=02:00:00:00:02:07 / ipv4 src=10.0.2.7 "
				 "dst=10.0.1.88 / udp"), RT_FORWARD);
	ck_assert_ptr_eq(out.data, frame);
	ck_assert_uint_eq(out.size, fsize);
	ck_assert_mem_eq(out.data + 8, "\xff\xa7\x7e\x01\x0a\x0b\x0c\x0d", 8);
	assert_drop(from_ul("10.200.0.2", 1, 0, UL_IN("10.0.1.88") " / udp"), RT_DROP_TTL);
	/* back to the host it came from (the endpoint's own host) */
	assert_drop(from_ul("10.200.0.4", 64, 0, "geneve vni=100 / eth / ipv4 src=10.0.1.88 dst=10.0.1.88 / udp"),
		    RT_DROP_LOOP);
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.1.77") " / udp"), RT_DROP_NO_ROUTE);
	/* not our net, not our VPC */
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.2.7") " / udp"), RT_DROP_NOT_LOCAL);
	/* as the divider: an unknown endpoint of a net goes to the net's bouncer */
	cmd("set host addr 10.200.0.9");
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.1.77") " / udp"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x03", 4);
	ck_assert_int_eq(from_ul("10.200.0.3", 64, 0, UL_IN("10.0.2.7") " / udp"), RT_FORWARD);
	ck_assert_mem_eq(out.dst.a, "\x0a\xc8\x00\x02", 4);
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.2.7") " / udp"), RT_DROP_LOOP);
	/* the only bouncer is this host: no loop, a drop */
	cmd("set net 100 10.0.1.0/24 bouncer 10.200.0.9");
	assert_drop(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.1.77") " / udp"), RT_DROP_NO_ROUTE);
}
END_TEST

/* Misconfigured bouncers that send a packet round in a circle: the outer
 * TTL bounds its hops, also when it was injected with TTL 255. */
START_TEST(forward_hop_limit)
{
	uint8_t ttl = 0;
	int hops;

	ck_assert_int_eq(rt_hop_ttl(255, 64, &ttl), RT_DROP_NONE);
	ck_assert_uint_eq(ttl, 64);
	ck_assert_int_eq(rt_hop_ttl(64, 64, &ttl), RT_DROP_NONE);
	ck_assert_uint_eq(ttl, 63);
	ck_assert_int_eq(rt_hop_ttl(2, 64, &ttl), RT_DROP_NONE);
	ck_assert_uint_eq(ttl, 1);
	ck_assert_int_eq(rt_hop_ttl(0, 64, &ttl), RT_DROP_NONE);
	ck_assert_uint_eq(ttl, 64);
	ck_assert_int_eq(rt_hop_ttl(1, 64, &ttl), RT_DROP_TTL);
	cmd("set host addr 10.200.0.3");
	cmd("add ep 100 10.0.1.88 mac 02:00:00:00:01:88 host 10.200.0.4");
	/* each hop hands its output TTL to the next router of the circle */
	ttl = 255;
	for (hops = 0; hops < 300; hops++) {
		if (from_ul("10.200.0.2", ttl, 0, UL_IN("10.0.1.88") " / udp") != RT_FORWARD)
			break;
		ttl = out.ttl;
	}
	ck_assert_int_eq(hops, 64);	/* sent with 64, 63, ..., 1 */
	ck_assert_uint_eq(out.reason, RT_DROP_TTL);
}
END_TEST

/* ---- dry runs, flows, limits, updates ---- */

START_TEST(dry_run_changes_nothing)
{
	static struct rt_tables snap;
	static struct rt_vpc vsnap[16];
	static struct rt_port psnap[8];
	static struct rt_ep esnap[64];
	static struct rt_flow fsnap[16];
	struct rt_trace tr;
	enum rt_verdict live;
	const char *texts[] = {
		EP5 "dst=10.0.2.7 / udp", EP5 "dst=10.0.1.6 / udp", EP5 "dst=10.0.1.77 / udp",
		"eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / udp",
		"eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.99 dst=10.0.1.6 / udp",
	};
	int ports[] = { 0, 0, 0, 2, 0 };

	cmd("set host rts on");
	for (unsigned int k = 0; k < sizeof(texts) / sizeof(texts[0]); k++) {
		/* live once to know the verdict, then compare state around a dry run */
		live = from_port(ports[k], texts[k]);
		memcpy(&snap, t, sizeof(snap));
		memcpy(vsnap, t->cfg.vpc, sizeof(vsnap));
		memcpy(psnap, t->cfg.port, sizeof(psnap));
		memcpy(esnap, t->cfg.ep, sizeof(esnap));
		memcpy(fsnap, rt_vpc_find(t, 100)->flows.e, sizeof(fsnap));
		craft_lay(texts[k], NULL);
		rt_trace_init(&tr, true);
		ck_assert_int_eq(rt_from_port(t, ports[k], frame, fsize, RT_HEADROOM, &out, &tr), live);
		ck_assert_mem_eq(&snap.run.st, &t->run.st, sizeof(snap.run.st));
		ck_assert_uint_eq(snap.run.icmp_tokens_ns, t->run.icmp_tokens_ns);
		ck_assert_mem_eq(vsnap, t->cfg.vpc, sizeof(vsnap));
		ck_assert_mem_eq(psnap, t->cfg.port, sizeof(psnap));
		ck_assert_mem_eq(esnap, t->cfg.ep, sizeof(esnap));
		ck_assert_mem_eq(fsnap, rt_vpc_find(t, 100)->flows.e, sizeof(fsnap));
		ck_assert_uint_gt(tr.n, 2);
		ck_assert_str_eq(tr.e[0].stage, "port");
	}
	/* the trace of a remote forward names each stage and the deciding entry */
	craft_lay(EP5 "dst=10.0.2.7 / udp", NULL);
	rt_trace_init(&tr, true);
	rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, &tr);
	ck_assert_str_eq(tr.e[1].stage, "parse");
	ck_assert_str_eq(tr.e[2].stage, "spoof");
	ck_assert_str_eq(tr.e[2].decision, "pass");
	ck_assert_str_eq(tr.e[3].stage, "endpoint");
	ck_assert_str_eq(tr.e[3].decision, "remote");
	ck_assert_msg(strstr(tr.e[3].detail, "10.200.0.2"), "%s", tr.e[3].detail);
	ck_assert_str_eq(tr.e[tr.n - 1].stage, "encap");
	ck_assert_str_eq(tr.e[tr.n - 1].decision, "forward");
	/* a drop names its reason */
	craft_lay("eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.99 dst=10.0.1.6 / udp", NULL);
	rt_trace_init(&tr, true);
	rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, &tr);
	ck_assert_str_eq(tr.e[tr.n - 1].decision, "drop");
	ck_assert_msg(!strncmp(tr.e[tr.n - 1].detail, "spoof.ip: ", 10), "%s", tr.e[tr.n - 1].detail);
	/* underlay dry run */
	{
		struct rt_ul_meta m = meta("10.200.0.2", 64, 0);
		struct rt_stats st = t->run.st;

		craft_ul(UL_IN("10.0.1.5") " / udp");
		rt_trace_init(&tr, true);
		ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize, 0, &out, &tr), RT_DELIVER);
		ck_assert_mem_eq(&st, &t->run.st, sizeof(st));
		ck_assert_str_eq(tr.e[tr.n - 1].stage, "deliver");
	}
	/* a live trace counts */
	craft_lay(EP5 "dst=10.0.2.7 / udp", NULL);
	rt_trace_init(&tr, false);
	{
		uint64_t before = t->run.st.forwarded;

		rt_from_port(t, 0, frame, fsize, RT_HEADROOM, &out, &tr);
		ck_assert_uint_eq(t->run.st.forwarded, before + 1);
	}
}
END_TEST

START_TEST(flow_table_bounded)
{
	const struct rt_vpc *v = rt_vpc_find(t, 100);
	char text[200];
	uint32_t n = 0;

	for (int i = 0; i < 500; i++) {
		snprintf(text, sizeof(text), EP5 "dst=10.0.1.6 / udp sport=%d / payload len=10", 2000 + i);
		ck_assert_int_eq(from_port(0, text), RT_DELIVER);
	}
	for (uint32_t i = 0; i < v->flows.nsets * 4; i++)
		n += v->flows.e[i].family != 0;
	ck_assert_uint_le(n, 16);
	ck_assert_uint_ge(n, 12);
	ck_assert_uint_eq(v->flows.evictions, 500 - n);
	/* a repeated flow is one entry with its packets counted */
	for (int i = 0; i < 5; i++) {
		rt_tables_set_now(t, 2000000000000ull + (uint64_t)i);
		from_port(0, EP5 "dst=10.0.1.6 / udp sport=9 / payload len=10");
	}
	for (uint32_t i = 0; i < v->flows.nsets * 4; i++)
		if (v->flows.e[i].family && v->flows.e[i].sport == 9) {
			ck_assert_uint_eq(v->flows.e[i].pkts, 5);
			ck_assert_uint_eq(v->flows.e[i].bytes, 5 * fsize);
			ck_assert_uint_eq(v->flows.e[i].last_ns, 2000000000004ull);
			return;
		}
	ck_abort_msg("flow not found");
}
END_TEST

/* The flow entry of (vni, IPv4 src -> dst, UDP sport -> dport), or NULL. */
static const struct rt_flow *flow_of(uint32_t vni, const char *src, const char *dst,
				     uint16_t sport, uint16_t dport)
{
	const struct rt_vpc *v = rt_vpc_find(t, vni);
	uint8_t a[16] = { 0 }, b[16] = { 0 };
	int fam;

	ck_assert_int_eq(parse_ip(src, &fam, a), 0);
	ck_assert_int_eq(parse_ip(dst, &fam, b), 0);
	for (uint32_t i = 0; v && i < v->flows.nsets * 4; i++) {
		const struct rt_flow *f = &v->flows.e[i];

		if (f->family == fam && f->proto == 17 && f->sport == sport && f->dport == dport &&
		    !memcmp(f->src, a, 4) && !memcmp(f->dst, b, 4))
			return f;
	}
	return NULL;
}

/* The flow's recorded fate: endpoints known, path, host ("" for none), verdict. */
static void assert_fate(const struct rt_flow *f, bool src_ep, bool dst_ep, enum rt_path path,
			const char *host, enum rt_verdict verdict, enum rt_drop reason)
{
	char h[RT_ADDR_STR] = "";

	ck_assert_ptr_nonnull(f);
	if (f->host.family)
		rt_addr_fmt(h, sizeof(h), f->host.family, f->host.a);
	ck_assert_msg(f->src_ep == src_ep && f->dst_ep == dst_ep && f->path == path &&
		      !strcmp(h, host) && f->verdict == verdict && f->reason == reason,
		      "src_ep %d dst_ep %d path %s host '%s' verdict %s reason %s; expected "
		      "%d %d %s '%s' %s %s", f->src_ep, f->dst_ep, rt_path_name(f->path), h,
		      rt_verdict_name(f->verdict), rt_drop_name(f->reason), src_ep, dst_ep,
		      rt_path_name(path), host, rt_verdict_name(verdict), rt_drop_name(reason));
}

START_TEST(flows_record_path)
{
	const struct rt_flow *f;

	/* from a port: local, direct (the endpoint's host), bouncer, divider */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.6 / udp sport=1 dport=2"), RT_DELIVER);
	assert_fate(flow_of(100, "10.0.1.5", "10.0.1.6", 1, 2), true, true, RT_PATH_LOCAL, "",
		    RT_DELIVER, RT_DROP_NONE);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp sport=1 dport=3"), RT_FORWARD);
	assert_fate(flow_of(100, "10.0.1.5", "10.0.2.7", 1, 3), true, true, RT_PATH_DIRECT,
		    "10.200.0.2", RT_FORWARD, RT_DROP_NONE);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.77 / udp sport=1 dport=4"), RT_FORWARD);
	assert_fate(flow_of(100, "10.0.1.5", "10.0.1.77", 1, 4), true, false, RT_PATH_BOUNCER,
		    "10.200.0.3", RT_FORWARD, RT_DROP_NONE);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.9.9 / udp sport=1 dport=5"), RT_FORWARD);
	assert_fate(flow_of(100, "10.0.1.5", "10.0.9.9", 1, 5), true, false, RT_PATH_DIVIDER,
		    "10.200.0.9", RT_FORWARD, RT_DROP_NONE);
	/* the same flow, now too big for the path: the path stays, the verdict changes */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 df=1 / udp sport=1 dport=3 / payload len=1460"),
			 RT_REPLY);
	f = flow_of(100, "10.0.1.5", "10.0.2.7", 1, 3);
	assert_fate(f, true, true, RT_PATH_DIRECT, "10.200.0.2", RT_REPLY, RT_DROP_MTU);
	ck_assert_uint_eq(f->pkts, 2);
	/* no route (VPC 200 has no divider): no path */
	ck_assert_int_eq(from_port(2, "eth src=02:00:00:00:02:05 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.5 "
				   "dst=10.0.9.9 / udp sport=1 dport=6"), RT_REPLY);
	assert_fate(flow_of(200, "10.0.1.5", "10.0.9.9", 1, 6), true, false, RT_PATH_NONE, "",
		    RT_REPLY, RT_DROP_NO_ROUTE);
	/* from the underlay: decap (host = the sender), the source a known remote endpoint */
	ck_assert_int_eq(from_ul("10.200.0.2", 62, 0, UL_IN("10.0.1.5") " / udp sport=7 dport=8"), RT_DELIVER);
	assert_fate(flow_of(100, "10.0.2.7", "10.0.1.5", 7, 8), true, true, RT_PATH_DECAP,
		    "10.200.0.2", RT_DELIVER, RT_DROP_NONE);
	/* an unknown source (relayed by the bouncer), and a destination that is not here */
	assert_drop(from_ul("10.200.0.3", 62, 0, "geneve vni=100 / eth / ipv4 src=10.0.9.50 dst=10.0.2.7 "
			    "/ udp sport=7 dport=9"), RT_DROP_NOT_LOCAL);
	assert_fate(flow_of(100, "10.0.9.50", "10.0.2.7", 7, 9), false, true, RT_PATH_NONE, "",
		    RT_DROP, RT_DROP_NOT_LOCAL);
	/* relayed onward as the bouncer of 10.0.1.0/24, then its TTL runs out */
	cmd("set host addr 10.200.0.3");
	cmd("add ep 100 10.0.1.88 mac 02:00:00:00:01:88 host 10.200.0.4");
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, UL_IN("10.0.1.88") " / udp sport=7 dport=10"), RT_FORWARD);
	assert_fate(flow_of(100, "10.0.2.7", "10.0.1.88", 7, 10), true, true, RT_PATH_FORWARD,
		    "10.200.0.4", RT_FORWARD, RT_DROP_NONE);
	assert_drop(from_ul("10.200.0.2", 1, 0, UL_IN("10.0.1.88") " / udp sport=7 dport=10"), RT_DROP_TTL);
	assert_fate(flow_of(100, "10.0.2.7", "10.0.1.88", 7, 10), true, true, RT_PATH_FORWARD,
		    "10.200.0.4", RT_DROP, RT_DROP_TTL);
	/* a dry run changes no flow entry, not even its verdict */
	{
		struct rt_flow before = *flow_of(100, "10.0.2.7", "10.0.1.88", 7, 10);
		struct rt_ul_meta m = meta("10.200.0.2", 64, 0);
		struct rt_trace tr;

		craft_ul(UL_IN("10.0.1.88") " / udp sport=7 dport=10");
		rt_trace_init(&tr, true);
		ck_assert_int_eq(rt_from_underlay(t, &m, frame, fsize, 0, &out, &tr), RT_FORWARD);
		ck_assert_mem_eq(&before, flow_of(100, "10.0.2.7", "10.0.1.88", 7, 10), sizeof(before));
	}
	ck_assert_str_eq(rt_path_name(RT_PATH_DIVIDER), "divider");
	ck_assert_int_eq(rt_path_lookup("decap"), RT_PATH_DECAP);
	ck_assert_int_eq(rt_path_lookup("-"), RT_PATH_NONE);
	ck_assert_int_eq(rt_path_lookup("nope"), -1);
	ck_assert_str_eq(rt_path_name(RT_PATH__COUNT), "?");
}
END_TEST

START_TEST(icmp_rate_limit)
{
	rt_tables_free(t);
	make_tables(2);
	for (int i = 0; i < 2; i++)
		ck_assert_int_eq(from_port(2, "eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / udp"), RT_REPLY);
	assert_drop(from_port(2, "eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / udp"), RT_DROP_ICMP_RATE);
	rt_tables_set_now(t, t->run.now_ns + 600000000ull);
	ck_assert_int_eq(from_port(2, "eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=10.0.9.9 / udp"), RT_REPLY);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_ICMP_RATE], 1);
	ck_assert_uint_eq(t->run.st.drop[RT_DROP_NO_ROUTE], 3);
}
END_TEST

START_TEST(updates_while_forwarding)
{
	/* the endpoint moves between a local port and remote hosts between
	 * packets; every packet follows the current table */
	for (int i = 0; i < 200; i++) {
		switch (i % 4) {
		case 0:
			cmd("set ep 100 10.0.2.7 port tap1");
			ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_DELIVER);
			ck_assert_int_eq(out.port, 1);
			break;
		case 1:
			cmd("set ep 100 10.0.2.7 host 10.200.0.4");
			ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
			ck_assert_uint_eq(out.dst.a[3], 4);
			break;
		case 2:
			cmd("del ep 100 10.0.2.7");
			ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
			ck_assert_uint_eq(out.dst.a[3], 9);	/* divider */
			cmd("add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2 labels app=db");
			break;
		default:
			ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
			ck_assert_uint_eq(out.dst.a[3], 2);
			cmd("add net 100 10.0.2.0/24 bouncer 10.200.0.8");
			cmd("del ep 100 10.0.2.7");
			ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp"), RT_FORWARD);
			ck_assert_uint_eq(out.dst.a[3], 8);	/* bouncer */
			cmd("del net 100 10.0.2.0/24");
			cmd("add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2");
			break;
		}
	}
	ck_assert_uint_eq(t->cfg.nhost, 6);
}
END_TEST

/* ---- network policy ---- */

#define EP6 "eth src=02:00:00:00:01:06 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.6 "
#define UL2 "geneve vni=100 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 "

START_TEST(policy_default_allow_and_deny)
{
	/* no policy: everything passes, no tracking */
	ck_assert_int_eq(from_port(1, EP6 "dst=10.0.1.5 / tcp dport=22"), RT_DELIVER);
	ck_assert_ptr_null(t->run.ct);
	/* deny all ingress to app=web: a policy with no ingress rule */
	cmd("add policy 100 deny-web select app=web type ingress");
	ck_assert_ptr_nonnull(t->run.ct);
	assert_drop(from_port(1, EP6 "dst=10.0.1.5 / tcp dport=22"), RT_DROP_POLICY_INGRESS);
	/* what the policy does not select stays open: 10.0.1.6 has no labels */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.6 / tcp dport=22"), RT_DELIVER);
	/* a second policy opens tcp/22 from app-less endpoints of default (the union) */
	cmd("add policy 100 ssh select app=web ingress from pod !app port tcp/22");
	ck_assert_int_eq(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=22"), RT_DELIVER);
	assert_drop(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=23"), RT_DROP_POLICY_INGRESS);
	assert_drop(from_port(1, EP6 "dst=10.0.1.5 / udp dport=22"), RT_DROP_POLICY_INGRESS);
	ck_assert_uint_eq(t->cfg.vpc[t->cfg.ep[0].vpc].st.drop[RT_DROP_POLICY_INGRESS], 3);
	/* show flows (what genv top reads) says which policy decided a flow */
	{
		struct sbuf o = SBUF_INIT;

		ck_assert_int_eq(rt_cmd_exec(t, NULL, "show flows 100", false, &o), 0);
		ck_assert_msg(strstr(sbuf_str(&o), ":4000 -> 10.0.1.5:22 ") &&
			      strstr(sbuf_str(&o), "verdict deliver policy allow rule ssh:ingress:rule:1\n"), "%s",
			      sbuf_str(&o));
		ck_assert_msg(strstr(sbuf_str(&o), ":23 ") && strstr(sbuf_str(&o), "policy deny\n"), "%s", sbuf_str(&o));
		sbuf_reset(&o);
		ck_assert_int_eq(rt_cmd_exec(t, NULL, "show flows 100", true, &o), 0);
		ck_assert_msg(strstr(sbuf_str(&o), "\"policy\":\"allow\",\"policy_rule\":\"ssh ingress rule 1\"") &&
			      strstr(sbuf_str(&o), "\"policy\":\"deny\",\"policy_rule\":null"), "%s", sbuf_str(&o));
		/* the rule's policy gone: no stale name */
		cmd("del policy 100 ssh");
		sbuf_reset(&o);
		ck_assert_int_eq(rt_cmd_exec(t, NULL, "show flows 100", true, &o), 0);
		ck_assert_msg(!strstr(sbuf_str(&o), "ssh ingress"), "%s", sbuf_str(&o));
		sbuf_free(&o);
	}
}
END_TEST

START_TEST(policy_replies_are_tracked)
{
	/* 10.0.1.6 may not receive anything, but replies to what it opened pass */
	cmd("set ep 100 10.0.1.6 labels app=client");
	cmd("add policy 100 closed select app=client type ingress");
	assert_drop(from_port(0, EP5 "dst=10.0.1.6 / tcp sport=80 dport=4000 flags=S"), RT_DROP_POLICY_INGRESS);
	ck_assert_int_eq(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=80 flags=S"), RT_DELIVER);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.6 / tcp sport=80 dport=4000 flags=SA"), RT_DELIVER);
	ck_assert_uint_eq(t->run.ct->st.replies, 1);
	/* an ICMP error quoting the connection passes too */
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.1.6 / icmp type=3 code=3 / ipv4 src=10.0.1.6 dst=10.0.1.5 / tcp sport=4000 dport=80"),
			 RT_DELIVER);
	/* one that quotes another connection does not */
	assert_drop(from_port(0, EP5 "dst=10.0.1.6 / icmp type=3 code=3 / ipv4 src=10.0.1.6 dst=10.0.1.5 / tcp sport=4001 dport=80"),
		    RT_DROP_POLICY_INGRESS);
}
END_TEST

START_TEST(policy_change_flushes_denied_connections)
{
	cmd("set ep 100 10.0.1.6 labels app=client");
	cmd("add policy 100 web select app=web ingress from pod app=client port tcp/80");
	ck_assert_int_eq(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=80 flags=S"), RT_DELIVER);
	ck_assert_uint_eq(t->run.ct->used, 1);
	/* a change that still allows it keeps the connection */
	cmd("set policy 100 web select app=web ingress from pod app=client port tcp/80-81");
	ck_assert_uint_eq(t->run.ct->used, 1);
	ck_assert_int_eq(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=80"), RT_DELIVER);
	/* one that denies it drops it at once: the next packet is decided afresh */
	cmd("set policy 100 web select app=web ingress from pod app=client port tcp/81");
	ck_assert_uint_eq(t->run.ct->used, 0);
	ck_assert_uint_eq(t->cfg.pol->flushed, 1);
	assert_drop(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=80"), RT_DROP_POLICY_INGRESS);
	cmd("del policy 100 web");
	ck_assert_int_eq(from_port(1, EP6 "dst=10.0.1.5 / tcp sport=4000 dport=80"), RT_DELIVER);
}
END_TEST

START_TEST(policy_identity_from_the_underlay)
{
	char text[256];
	uint32_t id = rt_ident_hash("default", "app=db");

	cmd("set ep 100 10.0.2.7 labels app=db");
	cmd("add policy 100 web select app=web ingress from pod app=db port tcp/5432");
	snprintf(text, sizeof(text), "geneve vni=100 opt=ident:id=%u / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / tcp dport=5432", id);
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, text), RT_DELIVER);
	/* the same endpoint claiming another identity */
	snprintf(text, sizeof(text), "geneve vni=100 opt=ident:id=%u / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / tcp dport=5432",
		 rt_ident_hash("default", "app=web"));
	assert_drop(from_ul("10.200.0.2", 64, 0, text), RT_DROP_POLICY_UNTRUSTED);
	/* a known endpoint without the option is judged by its configured identity */
	ck_assert_int_eq(from_ul("10.200.0.2", 64, 0, UL2 "/ tcp sport=9 dport=5432"), RT_DELIVER);
	/* a host that is no peer of the VPC never gets as far as the identity */
	snprintf(text, sizeof(text), "geneve vni=100 opt=ident:id=%u / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / tcp dport=5432", id);
	assert_drop(from_ul("10.200.0.66", 64, 0, text), RT_DROP_UNKNOWN_PEER);
	/* egress is enforced by the sender: 10.0.1.5 may only talk DNS */
	cmd("add policy 100 web-out select app=web egress to ns all port udp/53");
	assert_drop(from_port(0, EP5 "dst=10.0.2.7 / tcp dport=5432"), RT_DROP_POLICY_EGRESS);
	ck_assert_int_eq(from_port(0, EP5 "dst=10.0.2.7 / udp dport=53"), RT_FORWARD);
}
END_TEST

START_TEST(policy_ipblock_except_and_ranges)
{
	cmd("add policy 100 web select app=web ingress from cidr 10.0.0.0/16 except 10.0.1.0/24,10.0.2.0/25 port tcp/8000-8080 port sctp");
	assert_drop(from_port(1, EP6 "dst=10.0.1.5 / tcp dport=8000"), RT_DROP_POLICY_INGRESS);	/* except */
	ck_assert_int_eq(from_ul("10.200.0.9", 64, 0, "geneve vni=100 / eth / ipv4 src=10.0.3.1 dst=10.0.1.5 / tcp dport=8080"),
			 RT_DELIVER);	/* a divider relays a non-endpoint source: ipBlock decides */
	assert_drop(from_ul("10.200.0.9", 64, 0, "geneve vni=100 / eth / ipv4 src=10.0.3.1 dst=10.0.1.5 / tcp dport=8081"),
		    RT_DROP_POLICY_MISSING);
	assert_drop(from_ul("10.200.0.9", 64, 0, "geneve vni=100 / eth / ipv4 src=10.0.2.9 dst=10.0.1.5 / tcp dport=8000"),
		    RT_DROP_POLICY_MISSING);	/* 10.0.2.0/25: except */
	ck_assert_int_eq(from_ul("10.200.0.9", 64, 0, "geneve vni=100 / eth / ipv4 src=10.0.2.200 dst=10.0.1.5 / tcp dport=8000"),
			 RT_DELIVER);
}
END_TEST

Suite *rt_pipeline_suite(void)
{
	Suite *s = suite_create("rt_pipeline");
	TCase *tc = tcase_create("pipeline");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, arp_answers);
	tcase_add_test(tc, nd_answers);
	tcase_add_test(tc, anti_spoofing);
	tcase_add_test(tc, frame_checks);
	tcase_add_test(tc, local_deliver);
	tcase_add_test(tc, forward_hop_limit);
	tcase_add_test(tc, remote_encap);
	tcase_add_test(tc, bouncer_divider_choice);
	tcase_add_test(tc, encap_options_codec);
	tcase_add_test(tc, scaled_endpoint_hash);
	tcase_add_test(tc, no_route_icmp);
	tcase_add_test(tc, mtu_too_big);
	tcase_add_test(tc, gateway_echo);
	tcase_add_test(tc, underlay_deliver);
	tcase_add_test(tc, underlay_drops);
	tcase_add_test(tc, underlay_control);
	tcase_add_test(tc, underlay_ecn);
	tcase_add_test(tc, qos_encap_class);
	tcase_add_test(tc, qos_rate_limit);
	tcase_add_test(tc, qos_decap);
	tcase_add_test(tc, qos_config);
	tcase_add_test(tc, underlay_trust);
	tcase_add_test(tc, bouncer_and_divider_role);
	tcase_add_test(tc, dry_run_changes_nothing);
	tcase_add_test(tc, flow_table_bounded);
	tcase_add_test(tc, flows_record_path);
	tcase_add_test(tc, icmp_rate_limit);
	tcase_add_test(tc, updates_while_forwarding);
	tcase_add_test(tc, policy_default_allow_and_deny);
	tcase_add_test(tc, policy_replies_are_tracked);
	tcase_add_test(tc, policy_change_flushes_denied_connections);
	tcase_add_test(tc, policy_identity_from_the_underlay);
	tcase_add_test(tc, policy_ipblock_except_and_ranges);
	suite_add_tcase(s, tc);
	return s;
}
