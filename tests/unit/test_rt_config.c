/* SPDX-License-Identifier: MIT */
/* router/config.h: the command language, show, dump; rejected commands change nothing. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/build.h"
#include "../../libcore/lang.h"
#include "../../libcore/optreg.h"
#include "../../router/config.h"
#include "../../router/labels.h"
#include "../../router/pipeline.h"
#include "../../router/reload.h"

Suite *rt_config_suite(void);

static struct rt_tables *t;
static struct sbuf out;

static void setup(void)
{
	struct rt_limits l;

	rt_limits_default(&l);
	l.max_vpcs = 64;
	l.max_nets = 64;
	l.max_eps = 256;
	l.max_hosts = 16;
	l.max_ports = 8;
	l.flows_per_vpc = 16;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
	memset(&out, 0, sizeof(out));
}

static void teardown(void)
{
	rt_tables_free(t);
	sbuf_free(&out);
}

static int run(const char *line)
{
	sbuf_reset(&out);
	return rt_cmd_exec(t, NULL, line, false, &out);
}

static void ok(const char *line)
{
	int r = run(line);

	ck_assert_msg(r == 0, "'%s' failed: %s", line, sbuf_str(&out));
}

static const char *const topo[] = {
	"set host addr 10.200.0.1 id h1",
	"add port tap0",
	"add port tap1 mtu 9000",
	"add vpc 100 name blue cidr 10.0.0.0/16 cidr fd00::/64 divider 10.200.0.9",
	"add vpc 200 cidr 10.0.0.0/16",
	"add net 100 10.0.1.0/24 bouncer 10.200.0.3 10.200.0.4",
	"add net blue fd00::/80 gw fd00::fe",
	"add net 200 10.0.1.0/24 gw 10.0.1.254",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 labels app=web,tier=front",
	"add ep 100 fd00::5 mac 02:00:00:00:01:05 port tap0",
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2 opt ovn:in=1,out=10 mtu 1400",
	"add ep 100 10.0.3.3 mac 02:00:00:00:03:03 type scaled host 10.200.0.5 host 10.200.0.6",
	"add ep 200 10.0.1.5 mac 02:00:00:00:02:05 port tap1   # same IP, other VPC",
	"",
	"   # a comment line",
	NULL,
};

static void load_topo(void)
{
	for (int i = 0; topo[i]; i++)
		ok(topo[i]);
}

static char *dump_now(void)
{
	struct sbuf d = SBUF_INIT;

	ck_assert_int_eq(rt_config_dump(t, &d), 0);
	return d.buf ? d.buf : strdup("");
}

START_TEST(topology_loads)
{
	load_topo();
	ck_assert_uint_eq(t->cfg.nvpc, 2);
	ck_assert_uint_eq(t->cfg.nnet, 3);
	ck_assert_uint_eq(t->cfg.nep, 5);
	ck_assert_uint_eq(t->cfg.nport, 2);
	ck_assert_ptr_nonnull(rt_vpc_find(t, 100));
	ck_assert_str_eq(rt_vpc_find(t, 100)->name, "blue");
	ck_assert(t->cfg.self.addr_set);
	ck_assert_str_eq(t->cfg.self.id, "h1");
}
END_TEST

/* Delete the topology's endpoints and nets (the VPCs and ports stay). */
static void del_eps_and_nets(void)
{
	static const char *const del[] = {
		"del ep 100 10.0.1.5", "del ep 100 fd00::5", "del ep 100 10.0.2.7",
		"del ep 100 10.0.3.3", "del ep 200 10.0.1.5", "del net 100 10.0.1.0/24",
		"del net 100 fd00::/80", "del net 200 10.0.1.0/24", NULL,
	};

	for (int i = 0; del[i]; i++)
		ok(del[i]);
}

/* peers are configuration: dump writes them, show prints them, a replay
 * of the dump gives the same tables (state files keep the trust model) */
/* JSON mode answers every command: mirror on/off print nothing in text
 * and {"ok":true} in JSON (found by tests/fuzz/fuzz_config.c) */
START_TEST(json_answers_every_command)
{
	static const char *const cmds[] = { "mirror on", "mirror off", "clear stats" };
	struct sbuf o = SBUF_INIT;

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		sbuf_reset(&o);
		ck_assert_int_eq(rt_cmd_exec(t, NULL, cmds[i], true, &o), 0);
		ck_assert_str_eq(sbuf_str(&o), "{\"schema\":1,\"ok\":true}");
		sbuf_reset(&o);
		ck_assert_int_eq(rt_cmd_exec(t, NULL, cmds[i], false, &o), 0);
		ck_assert_str_eq(sbuf_str(&o), "");
	}
	sbuf_free(&o);
}
END_TEST

START_TEST(dump_keeps_peers)
{
	struct sbuf o = SBUF_INIT;
	char *d1, *d2;

	ok("add vpc 300 cidr 10.3.0.0/16 peers 10.200.0.7 10.200.0.8");
	d1 = dump_now();
	ck_assert_msg(strstr(d1, "add vpc 300 cidr 10.3.0.0/16 peers 10.200.0.7 peers 10.200.0.8\n"), "%s", d1);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show vpc 300", true, &o), 0);
	ck_assert_msg(strstr(sbuf_str(&o), "\"peers\":[\"10.200.0.7\",\"10.200.0.8\"]"), "%s", sbuf_str(&o));
	rt_tables_free(t);
	setup();
	ok("add vpc 300 cidr 10.3.0.0/16 peers 10.200.0.7 peers 10.200.0.8");
	d2 = dump_now();
	ck_assert_str_eq(d1, d2);
	free(d1);
	free(d2);
	sbuf_free(&o);
}
END_TEST

START_TEST(dump_recreates_exactly)
{
	char *d1, *d2;
	struct rt_tables *t0;

	load_topo();
	d1 = dump_now();
	ck_assert_msg(strstr(d1, "add ep 100 10.0.1.5 mac 02:00:00:00:01:05 type simple port tap0 labels app=web,tier=front\n"),
		      "%s", d1);
	ck_assert_msg(strstr(d1, "opt 0x0102:0x80:0001000a mtu 1400\n"), "%s", d1);
	/* replay into fresh tables */
	t0 = t;
	setup();
	{
		char *line = d1, *nl;

		while ((nl = strchr(line, '\n'))) {
			*nl = 0;
			ok(line);
			*nl = '\n';
			line = nl + 1;
		}
	}
	d2 = dump_now();
	ck_assert_str_eq(d1, d2);
	rt_tables_free(t0);
	free(d1);
	free(d2);
}
END_TEST

/* Every one of these must fail and leave the dump byte-identical. */
static const char *const bad[] = {
	"frobnicate",
	"add",
	"add thing 1",
	"add vpc",
	"add vpc 100 cidr 10.1.0.0/16",			/* exists */
	"add vpc 16777216 cidr 10.0.0.0/8",		/* VNI range */
	"add vpc 0 cidr 10.0.0.0/8",			/* VNI range: 1.. */
	"add net 0 10.0.1.0/24",
	"add ep 0 10.0.1.9 mac 02:00:00:00:01:09 port tap0",
	"show vpc 0",
	"probe send vni 0 src 10.0.1.5 dst 10.0.1.6 id 1 seq 1",
	"add vpc 300",					/* no cidr */
	"add vpc 300 cidr 10.0.0.1/16",			/* host bits */
	"add vpc 300 cidr 10.0.0.0/33",
	"add vpc 300 cidr 10.0.0.0/16 cidr 10.0.128.0/17", /* overlap */
	"add vpc 300 name blue cidr 10.9.0.0/16",	/* name taken */
	"add vpc 300 name 9x cidr 10.9.0.0/16",
	"add vpc 300 cidr 10.9.0.0/16 divider 10.200.0.9 10.200.0.9",
	"add vpc 300 cidr 10.9.0.0/16 divider nothost",
	"add vpc 300 cidr 10.9.0.0/16 colour red",
	"add vpc 300 cidr 10.9.0.0/16 peers 10.200.0.9 10.200.0.9",	/* twice */
	"add vpc 300 cidr 10.9.0.0/16 peers nothost",
	"add vpc 300 cidr 10.9.0.0/16 peers none",	/* none: set only */
	"add vpc 300 cidr 10.9.0.0/16 peers",
	"set vpc 100 peers 10.200.0.20 10.200.0.21 10.200.0.22 10.200.0.23 10.200.0.24 10.200.0.25 10.200.0.26 10.200.0.27 10.200.0.28",
	"add vpc -1 cidr 10.9.0.0/16",
	"add vpc 0x cidr 10.9.0.0/16",
	"add net 100 10.1.0.0/24",			/* outside the VPC */
	"add net 100 10.0.1.0/24",			/* exists */
	"add net 999 10.0.1.0/24",			/* no VPC */
	"add net 100 10.0.5.0/24 gw 10.0.6.1",		/* gw outside */
	"add net 100 10.0.5.0/24 gw fd00::1",
	"add net 100 10.0.2.0/24 gw 10.0.2.7",		/* gw is an endpoint */
	"add net 100 10.0.5.0/24 bouncer",
	"add ep 100 10.0.1.9 port tap0",		/* no mac */
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09",	/* no location */
	"add ep 100 10.0.1.9 mac 03:00:00:00:01:09 port tap0", /* multicast MAC */
	"add ep 100 10.0.1.9 mac 00:00:00:00:00:00 port tap0",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:zz port tap0",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap9",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 host 10.200.0.2",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 host 10.200.0.2 10.200.0.3", /* simple, 2 hosts */
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 host 10.200.0.1",	/* this router */
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 type scaled port tap0",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 type huge port tap0",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 labels =x",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 opt nosuch:1",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 mtu 100",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 mac 02:00:00:00:01:08 port tap0",
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:09 port tap0",	/* exists */
	"add ep 100 10.0.1.1 mac 02:00:00:00:01:09 port tap0",	/* the gateway */
	"add ep 100 10.1.0.1 mac 02:00:00:00:01:09 port tap0",	/* outside */
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 labels a=1,b=2,c=3,d=4,e=5,f=6,g=7,h=8,i=9,j=10,k=11,l=12,m=13,n=14,o=15,p=16,q=17",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 labels app=x,app=y",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 ns nosuch",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 ns Bad_NS",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 labels app=-x",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 opt 0x0102:0x01:000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 opt 0x0102:0x02:00000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000",
	"add port tap0",				/* exists */
	"add port tap/x",
	"add port averyveryverylongname",
	"add port tap3 mtu 10",
	"add port tap3 mtu 1500 mtu 1400",
	"set host",
	"set host addr 10.200.0.2",			/* an endpoint lives there */
	"set host mtu 70000",
	"set host rts maybe",
	"set host dscp 64",
	"set host ttl 0",
	"set host mac 01:00:00:00:00:01",
	"set host bogus 1",
	"set vpc 100",
	"set vpc 100 cidr 10.0.1.0/24",			/* endpoints fall outside */
	"set vpc 999 name x",
	"set vpc 100 name blue2 cidr 10.1.0.0/16",	/* nets fall outside */
	"set net 100 10.0.9.0/24 gw 10.0.9.1",		/* no such net */
	"set net 100 10.0.1.0/24 gw 10.0.1.5",		/* an endpoint's address */
	"set ep 100 10.0.1.77 mac 02:00:00:00:01:09",	/* no such endpoint */
	"set ep 100 10.0.1.5 port tap0 host 10.200.0.2",
	"set ep 100 10.0.1.5 mac ff:ff:ff:ff:ff:ff",
	"set ep 100 10.0.1.5",
	"set port tap0 mtu 1",
	"set port tap9 mtu 1500",
	"del vpc 100",					/* still has nets */
	"del vpc 999",
	"del net 100 10.0.9.0/24",
	"del ep 100 10.0.1.77",
	"del ep 100 10.0.1.5 extra",
	"del port tap0",				/* has endpoints */
	"del port tap9",
	"del host 10.200.0.1",
	"show bogus",
	"show vpc 999",
	"show port 100",
	"clear everything",
	"dump now",
	"add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port tap0 \x01",
	NULL,
};

START_TEST(bad_commands_change_nothing)
{
	char *before, *after;
	uint64_t gen;

	load_topo();
	before = dump_now();
	gen = t->cfg.gen;
	for (int i = 0; bad[i]; i++) {
		int r = run(bad[i]);

		ck_assert_msg(r < 0, "'%s' was accepted", bad[i]);
		ck_assert_msg(out.len > 0, "'%s': no message", bad[i]);
		ck_assert_msg(!strchr(sbuf_str(&out), '\n'), "'%s': multi-line message", bad[i]);
		after = dump_now();
		ck_assert_msg(!strcmp(before, after), "'%s' changed the config:\n%s", bad[i], after);
		free(after);
	}
	ck_assert_uint_eq(t->cfg.gen, gen);
	free(before);
}
END_TEST

START_TEST(errors_name_the_word)
{
	load_topo();
	ck_assert_int_eq(run("add ep 100 10.0.1.9 mac 02:00:00:00:01:zz port tap0"), -EINVAL);
	ck_assert_str_eq(sbuf_str(&out), "add ep: word 6 '02:00:00:00:01:zz': invalid MAC address");
	ck_assert_int_lt(run("add vpc 300 cidr 10.0.0.1/16"), 0);
	ck_assert_msg(strstr(sbuf_str(&out), "word 5 '10.0.0.1/16'") &&
		      strstr(sbuf_str(&out), "host bits set"), "%s", sbuf_str(&out));
	ck_assert_int_eq(run("add vpc 100 cidr 10.1.0.0/16"), -EEXIST);
	ck_assert_str_eq(sbuf_str(&out), "add vpc: word 3 '100': VPC 100 exists");
	ck_assert_int_eq(run("del vpc 100"), -EBUSY);
	ck_assert_msg(!strncmp(sbuf_str(&out), "del vpc: word 3 '100': ", 23), "%s", sbuf_str(&out));
	ck_assert_int_lt(run("add ep 100 10.9.0.1 mac 02:00:00:00:09:01 port tap0"), 0);
	ck_assert_msg(!strncmp(sbuf_str(&out), "add ep: word 4 '10.9.0.1': ", 27) && strstr(sbuf_str(&out), "outside"),
		      "%s", sbuf_str(&out));
	ck_assert_int_eq(run("add vpc 300 cidr"), -EINVAL);
	ck_assert_msg(strstr(sbuf_str(&out), "missing prefix"), "%s", sbuf_str(&out));
	ck_assert_int_eq(run("add vpc 300 colour red cidr 10.9.0.0/16"), -EINVAL);
	ck_assert_msg(strstr(sbuf_str(&out), "word 4 'colour': unknown keyword"), "%s", sbuf_str(&out));
	/* JSON mode errors are JSON */
	sbuf_reset(&out);
	ck_assert_int_lt(rt_cmd_exec(t, NULL, "add vpc 100 cidr 10.1.0.0/16", true, &out), 0);
	ck_assert_str_eq(sbuf_str(&out), "{\"schema\":1,\"error\":\"add vpc: word 3 '100': VPC 100 exists\"}");
}
END_TEST

START_TEST(set_and_del)
{
	struct rt_ep *e;
	uint8_t ip[16] = { 10, 0, 1, 5 };

	load_topo();
	/* move a local endpoint to a remote host and back */
	ok("set ep 100 10.0.1.5 host 10.200.0.8");
	e = rt_ep_find(t, 100, 4, ip);
	ck_assert_int_eq(e->port, -1);
	ck_assert_uint_eq(e->nhost, 1);
	ck_assert_str_eq(t->cfg.ident[e->ident].labels->text, "app=web,tier=front");	/* kept */
	ck_assert_uint_eq(t->cfg.port[0].nep, 1);
	ok("set ep 100 10.0.1.5 port tap0 labels none");
	ck_assert_int_eq(e->port, 0);
	ck_assert_str_eq(t->cfg.ident[e->ident].labels->text, "");
	ck_assert_uint_eq(e->opt_size, GENV_IDENT_OPT_SIZE);	/* the identity alone */
	ck_assert_uint_eq(t->cfg.port[0].nep, 2);
	ok("set vpc 100 divider none");
	ck_assert_uint_eq(rt_vpc_find(t, 100)->ndivider, 0);
	ok("set vpc blue name green divider 10.200.0.9 10.200.0.10");
	ck_assert_str_eq(rt_vpc_find(t, 100)->name, "green");
	ck_assert_uint_eq(rt_vpc_find(t, 100)->ndivider, 2);
	ok("set net 100 10.0.1.0/24 bouncer none gw 10.0.1.254");
	ok("set port tap1 mtu 1500");
	ck_assert_uint_eq(t->cfg.port[1].mtu, 1500);
	ok("set host rts on ttl 32 dscp 10 mtu 9000");
	ck_assert(t->cfg.self.rts);
	/* tear everything down in dependency order */
	del_eps_and_nets();
	ok("del vpc 100");
	ok("del vpc 200");
	ok("del port tap0");
	ok("del port tap1");
	ck_assert_uint_eq(t->cfg.nvpc + t->cfg.nnet + t->cfg.nep + t->cfg.nport, 0);
	ck_assert_uint_eq(t->cfg.nhost, 0);		/* every peer released */
}
END_TEST

/* `identity N` pins an endpoint's identity number (the store's):
 * shared by its label set, on the wire, kept by a dump and by a set that
 * leaves labels and namespace alone, dropped (the hash again) by a
 * relabel; refused: 0, words, a number of other labels. */
START_TEST(pinned_identity)
{
	struct rt_ep *a, *b, *c;
	uint32_t h;

	ok("add vpc 100 cidr 10.0.0.0/16");
	ok("add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.2 labels app=web identity 300");
	ok("add ep 100 10.0.1.6 mac 02:00:00:00:01:06 host 10.200.0.2 labels app=web identity 300");
	a = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 1, 5 });
	b = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 1, 6 });
	ck_assert_uint_eq(a->ident, b->ident);
	ck_assert_uint_eq(t->cfg.ident[a->ident].id, 300);
	ck_assert_uint_eq(t->cfg.ident[a->ident].refs, 2);
	/* the identity option carries it: class, type, length, then the number */
	ck_assert_uint_eq(gnv_be32(a->opts + 4), 300);
	ck_assert_int_eq(run("add ep 100 10.0.1.7 mac 02:00:00:00:01:07 host 10.200.0.2 labels app=db identity 300"), -EEXIST);
	ck_assert_int_eq(run("add ep 100 10.0.1.7 mac 02:00:00:00:01:07 host 10.200.0.2 identity 0"), -EINVAL);
	ck_assert_int_eq(run("add ep 100 10.0.1.7 mac 02:00:00:00:01:07 host 10.200.0.2 identity x"), -EINVAL);
	ck_assert_int_eq(run("add ep 100 10.0.1.7 mac 02:00:00:00:01:07 host 10.200.0.2 identity 4294967296"), -EINVAL);
	ok("add ep 100 10.0.1.7 mac 02:00:00:00:01:07 host 10.200.0.2 labels app=db");
	c = rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 1, 7 });
	h = t->cfg.ident[c->ident].id;
	ck_assert_uint_eq(h, rt_ident_hash("default", "app=db"));
	/* the label set may have its hash and a pinned number at once */
	ok("add ep 100 10.0.1.8 mac 02:00:00:00:01:08 host 10.200.0.2 labels app=db identity 301");
	ck_assert_uint_ne(rt_ep_find(t, 100, 4, (uint8_t[16]){ 10, 0, 1, 8 })->ident, c->ident);
	sbuf_reset(&out);
	ck_assert_int_eq(rt_config_dump(t, &out), 0);
	ck_assert_msg(strstr(sbuf_str(&out), "10.0.1.5 mac 02:00:00:00:01:05 type simple host 10.200.0.2 labels app=web identity 300\n") &&
		      strstr(sbuf_str(&out), "host 10.200.0.2 labels app=db\n"), "%s", sbuf_str(&out));
	ok("set ep 100 10.0.1.5 mtu 1400");
	ck_assert_uint_eq(t->cfg.ident[a->ident].id, 300);
	ok("set ep 100 10.0.1.6 labels app=api");
	ck_assert_uint_eq(t->cfg.ident[b->ident].id, rt_ident_hash("default", "app=api"));
	ck_assert_uint_eq(t->cfg.ident[a->ident].refs, 1);
	ok("set ep 100 10.0.1.6 labels app=api2 identity 302");
	ck_assert_uint_eq(t->cfg.ident[b->ident].id, 302);
}
END_TEST

/* `peers`: add, set (replaces), none; bad lists change nothing */
START_TEST(peers_command)
{
	const struct rt_vpc *v;
	const struct rt_vpc_host *vh;
	struct gnv_addr a = { .family = 4, .a = { 10, 200, 0, 20 } };
	uint32_t nhost;
	int h;

	load_topo();
	nhost = t->cfg.nhost;
	ok("add vpc 300 cidr 10.9.0.0/16 divider 10.200.0.9 peers 10.200.0.20 10.200.0.21 peers 10.200.0.9");
	v = rt_vpc_find(t, 300);
	ck_assert_uint_eq(v->npeer, 3);
	ck_assert_uint_eq(t->cfg.nhost, nhost + 2);		/* 10.200.0.9 was known */
	h = rt_host_find(t, &a);
	ck_assert_int_ge(h, 0);
	vh = rt_vpc_host_find(t, rt_vpc_index(t, v), (uint32_t)h);
	ck_assert_ptr_nonnull(vh);
	ck_assert_uint_eq(vh->peers, 1);
	ck_assert_uint_eq(vh->eps + vh->relays, 0);
	/* the divider that is a peer too: both counted */
	a.a[3] = 9;
	vh = rt_vpc_host_find(t, rt_vpc_index(t, v), (uint32_t)rt_host_find(t, &a));
	ck_assert(vh && vh->peers == 1 && vh->relays == 1);
	/* a host of VPC 300 is no host of VPC 100 */
	a.a[3] = 20;
	ck_assert_ptr_null(rt_vpc_host_find(t, rt_vpc_index(t, rt_vpc_find(t, 100)), (uint32_t)h));
	/* the packet path's lookup by address: the same entry, its host the
	 * sender's index; bytes after an IPv4 address do not matter */
	a.a[7] = 0xee;
	ck_assert_ptr_eq(rt_vpc_host_by_addr(t, rt_vpc_index(t, v), &a),
			 rt_vpc_host_find(t, rt_vpc_index(t, v), (uint32_t)h));
	ck_assert_uint_eq(rt_vpc_host_by_addr(t, rt_vpc_index(t, v), &a)->host, (uint32_t)h);
	ck_assert_ptr_null(rt_vpc_host_by_addr(t, rt_vpc_index(t, rt_vpc_find(t, 100)), &a));
	a.a[7] = 0;
	a.a[3] = 99;
	ck_assert_ptr_null(rt_vpc_host_by_addr(t, rt_vpc_index(t, v), &a));
	a.a[3] = 20;
	/* set without peers keeps them; a peers list replaces them */
	ok("set vpc 300 name green");
	ck_assert_uint_eq(v->npeer, 3);
	ok("set vpc green peers 10.200.0.22");
	ck_assert_uint_eq(v->npeer, 1);
	ck_assert_int_lt(rt_host_find(t, &a), 0);	/* 10.200.0.20 released */
	/* rejected lists leave the peers as they were */
	ck_assert_int_eq(run("set vpc 300 peers 10.200.0.23 10.200.0.23"), -EINVAL);
	ck_assert_msg(strstr(sbuf_str(&out), "peer 10.200.0.23 given twice"), "%s", sbuf_str(&out));
	ck_assert_int_eq(run("set vpc 300 peers 10.200.0.300"), -EINVAL);
	ck_assert_int_eq(run("set vpc 300 peers 10.200.0.24 none"), -EINVAL);
	ck_assert_uint_eq(v->npeer, 1);
	ck_assert_uint_eq(t->cfg.host[v->peer[0]].addr.a[3], 22);
	/* the host table's room counts a peer that is a new divider once */
	ok("set vpc 300 peers none divider none");
	ck_assert_uint_eq(v->npeer + v->ndivider, 0);
	ck_assert_uint_eq(t->cfg.nhost, nhost);
	/* every (VPC, host) pair goes with the last reference */
	ok("del vpc 300");
	del_eps_and_nets();
	ck_assert_uint_eq(t->cfg.nvh, 1);			/* the divider of VPC 100 */
	ok("set vpc 100 divider none peers 10.200.0.30");
	ck_assert_uint_eq(t->cfg.nvh, 1);
	ok("del vpc 100");
	ck_assert_uint_eq(t->cfg.nvh, 0);
	ck_assert_uint_eq(t->cfg.nhost, 0);
}
END_TEST

/* The trust table's room (max_vpc_hosts pairs) is checked before anything changes. */
START_TEST(trust_table_full)
{
	struct rt_limits l;
	const struct rt_vpc *v;
	uint32_t nhost;

	rt_tables_free(t);
	rt_limits_default(&l);
	l.max_vpcs = 4;
	l.max_hosts = 16;
	l.max_vpc_hosts = 4;
	t = rt_tables_new(&l);
	ck_assert_ptr_nonnull(t);
	ok("add vpc 1 cidr 10.0.0.0/16 divider 10.200.0.9 peers 10.200.0.8");
	ok("add ep 1 10.0.1.1 mac 02:00:00:00:00:01 host 10.200.0.2");
	ok("add ep 1 10.0.1.2 mac 02:00:00:00:00:02 host 10.200.0.2");	/* the same pair */
	ok("add net 1 10.0.2.0/24 bouncer 10.200.0.3");
	ck_assert_uint_eq(t->cfg.nvh, 4);
	nhost = t->cfg.nhost;
	ck_assert_int_eq(run("add ep 1 10.0.1.3 mac 02:00:00:00:00:03 host 10.200.0.4"), -ENOSPC);
	ck_assert_msg(strstr(sbuf_str(&out), "trust table full"), "%s", sbuf_str(&out));
	ck_assert_int_eq(run("add net 1 10.0.3.0/24 bouncer 10.200.0.5"), -ENOSPC);
	ck_assert_int_eq(run("add vpc 2 cidr 10.0.0.0/16 peers 10.200.0.2"), -ENOSPC);
	/* a new list is counted before the old one goes */
	ck_assert_int_eq(run("set vpc 1 peers 10.200.0.7"), -ENOSPC);
	v = rt_vpc_find(t, 1);
	ck_assert_uint_eq(v->npeer, 1);
	ck_assert_uint_eq(t->cfg.nep, 2);
	ck_assert_uint_eq(t->cfg.nhost, nhost);
	ck_assert_uint_eq(t->cfg.nvh, 4);
	/* pairs that exist cost nothing; freed ones make room */
	ok("add ep 1 10.0.1.4 mac 02:00:00:00:00:04 host 10.200.0.3");	/* the bouncer's host */
	ok("set vpc 1 peers none");
	ok("add ep 1 10.0.1.3 mac 02:00:00:00:00:03 host 10.200.0.4");
	ck_assert_uint_eq(t->cfg.nvh, 4);
}
END_TEST

START_TEST(show_text_and_json)
{
	load_topo();
	ok("show");
	ck_assert_msg(strstr(sbuf_str(&out), "vpc 100 name blue cidr 10.0.0.0/16 cidr fd00::/64 divider 10.200.0.9"),
		      "%s", sbuf_str(&out));
	ok("show ep 200");
	ck_assert_msg(strstr(sbuf_str(&out), "ep 200 10.0.1.5 mac 02:00:00:00:02:05 type simple port tap1"),
		      "%s", sbuf_str(&out));
	ck_assert_msg(!strstr(sbuf_str(&out), "ep 100"), "%s", sbuf_str(&out));
	ok("show net");
	ck_assert_msg(strstr(sbuf_str(&out), "net 100 10.0.1.0/24 gw 10.0.1.1 bouncer 10.200.0.3 bouncer 10.200.0.4"),
		      "%s", sbuf_str(&out));
	rt_vpc_find(t, 100)->flows.evictions = 3;
	ok("show vpc 100");
	ck_assert_msg(strstr(sbuf_str(&out), "\n    nets 2 endpoints 4 flows 0 evictions 3\n"), "%s",
		      sbuf_str(&out));
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show vpc 100", true, &out), 0);
	ck_assert_msg(strstr(sbuf_str(&out), "\"flows\":0,\"flow_evictions\":3,"), "%s",
		      sbuf_str(&out));
	ok("show port");
	ck_assert_msg(strstr(sbuf_str(&out), "port tap0 index 0 mtu 1400 endpoints 100/10.0.1.5 100/fd00::5"),
		      "%s", sbuf_str(&out));
	ok("show drops");
	ok("show flows");
	ok("show config");
	ck_assert_msg(strstr(sbuf_str(&out), "add vpc 200 cidr 10.0.0.0/16\n"), "%s", sbuf_str(&out));
	static const char *const topics[] = { "show", "show vpc", "show vpc 100", "show net 100",
		"show ep", "show port", "show host", "show stats", "show stats 100", "show flows",
		"show drops", "show drops blue", "show config", NULL };
	for (int i = 0; topics[i]; i++) {
		sbuf_reset(&out);
		ck_assert_int_eq(rt_cmd_exec(t, NULL, topics[i], true, &out), 0);
		ck_assert_msg(!strncmp(sbuf_str(&out), "{\"schema\":1,", 12), "%s: %s", topics[i],
			      sbuf_str(&out));
		ck_assert_msg(sbuf_str(&out)[out.len - 1] == '}', "%s", topics[i]);
	}
	sbuf_reset(&out);
	rt_cmd_exec(t, NULL, "show ep 100", true, &out);
	ck_assert_msg(strstr(sbuf_str(&out), "\"labels\":\"app=web,tier=front\""), "%s", sbuf_str(&out));
	sbuf_reset(&out);
	rt_cmd_exec(t, NULL, "show drops", true, &out);
	ck_assert_msg(strstr(sbuf_str(&out), "\"spoof.ip\":0"), "%s", sbuf_str(&out));
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "dump", true, &out), 0);
	ck_assert_msg(!strncmp(sbuf_str(&out), "{\"schema\":1,\"config\":\"set host addr 10.200.0.1 id h1", 44),
		      "%s", sbuf_str(&out));
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "add vpc 300 cidr 10.9.0.0/16", true, &out), 0);
	ck_assert_str_eq(sbuf_str(&out), "{\"schema\":1,\"ok\":true}");
}
END_TEST

/* ---- flows: what show flows / show top VNI say about each path ---- */

static enum rt_verdict send_port(int port, const char *text)
{
	static uint8_t buf[RT_HEADROOM + 2048];
	struct gnv_spec spec;
	struct rt_out o;
	size_t size;
	char err[256];

	gnv_spec_init(&spec, GENV_CLASS_DEFAULT);
	ck_assert_msg(gnv_lang_parse(text, &spec, err, sizeof(err)) == 0, "%s: %s", text, err);
	ck_assert_msg(gnv_build_ex(&spec, buf + RT_HEADROOM, sizeof(buf) - RT_HEADROOM, &size, NULL,
				   err, sizeof(err)) == 0, "%s: %s", text, err);
	return rt_from_port(t, port, buf + RT_HEADROOM, size, RT_HEADROOM, &o, NULL);
}

#define FROM5 "eth src=02:00:00:00:01:05 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.5 "

static void has(const char *what)
{
	ck_assert_msg(strstr(sbuf_str(&out), what), "no '%s' in: %s", what, sbuf_str(&out));
}

START_TEST(show_flows_fate)
{
	load_topo();
	ck_assert_int_eq(send_port(0, FROM5 "dst=10.0.2.7 / udp sport=1 dport=2"), RT_FORWARD);
	ck_assert_int_eq(send_port(0, FROM5 "dst=10.0.1.99 / udp sport=1 dport=3"), RT_FORWARD);
	ck_assert_int_eq(send_port(0, FROM5 "dst=10.0.9.9 / udp sport=1 dport=4"), RT_FORWARD);
	ck_assert_int_eq(send_port(1, "eth src=02:00:00:00:02:05 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.5 "
				   "dst=10.0.9.9 / udp sport=1 dport=5"), RT_REPLY);
	ok("show flows");
	has("vpc 100 udp 10.0.1.5:1 -> 10.0.2.7:2 packets 1 bytes ");
	has(" src_ep 10.0.1.5 dst_ep 10.0.2.7 path direct host 10.200.0.2 verdict forward policy -\n");
	has(":1 -> 10.0.1.99:3 packets 1 bytes ");
	has(" src_ep 10.0.1.5 dst_ep - path bouncer host 10.200.0.");
	has(" src_ep 10.0.1.5 dst_ep - path divider host 10.200.0.9 verdict forward policy -\n");
	has(" src_ep 10.0.1.5 dst_ep - path - host - verdict reply:route.none policy -\n");
	ok("show top 100");
	has("flow vni 100 proto 17 src 10.0.1.5 sport 1 dst 10.0.2.7 dport 2 packets 1 bytes ");
	has(" src_ep 10.0.1.5 dst_ep 10.0.2.7 path direct host 10.200.0.2 verdict forward policy -\n");
	ck_assert_msg(!strstr(sbuf_str(&out), "route.none\n"), "%s", sbuf_str(&out));	/* VPC 200 */
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show flows 200", true, &out), 0);
	has("\"src_ep\":\"10.0.1.5\",\"dst_ep\":null,\"path\":\"-\",\"host\":null,"
	    "\"verdict\":\"reply\",\"reason\":\"route.none\",\"policy\":\"-\",\"policy_rule\":null}");
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, NULL, "show top 100", true, &out), 0);
	has("\"dport\":2,\"packets\":1,");
	has("\"src_ep\":\"10.0.1.5\",\"dst_ep\":\"10.0.2.7\",\"path\":\"direct\","
	    "\"host\":\"10.200.0.2\",\"verdict\":\"forward\",\"reason\":null,\"policy\":\"-\",\"policy_rule\":null}");
	has("\"path\":\"divider\",\"host\":\"10.200.0.9\"");
}
END_TEST

/* ---- runtime callbacks ---- */

static int opened[8], closed[8], addr_calls, fail_open;

static int op_open(void *ctx, int index, const char *name, unsigned int mtu, const char *netns,
		   char *err, size_t errsz)
{
	(void)ctx; (void)mtu; (void)netns;
	if (fail_open) {
		snprintf(err, errsz, "cannot create TAP '%s': Operation not permitted", name);
		return -EPERM;
	}
	opened[index]++;
	return 0;
}

static void op_close(void *ctx, int index)
{
	(void)ctx;
	closed[index]++;
}

static int op_addr(void *ctx, const struct gnv_addr *a, char *err, size_t errsz)
{
	(void)ctx;
	addr_calls++;
	if (a->family == 6) {
		snprintf(err, errsz, "cannot bind [%s]:6081: Address not available", "fd::1");
		return -EADDRNOTAVAIL;
	}
	return 0;
}

START_TEST(runtime_ops)
{
	struct rt_runtime_ops ops = { .port_open = op_open, .port_close = op_close,
				      .host_addr = op_addr };
	char *before, *after;

	memset(opened, 0, sizeof(opened));
	memset(closed, 0, sizeof(closed));
	addr_calls = fail_open = 0;
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, &ops, "add port tap0", false, &out), 0);
	ck_assert_int_eq(opened[0], 1);
	fail_open = 1;
	before = dump_now();
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, &ops, "add port tap1", false, &out), -EPERM);
	ck_assert_str_eq(sbuf_str(&out), "add port: word 3 'tap1': cannot create TAP 'tap1': Operation not permitted");
	after = dump_now();
	ck_assert_str_eq(before, after);
	free(after);
	/* a failed rebind rejects the whole command (the mtu too) */
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, &ops, "set host addr fd::1 mtu 9000", false, &out), -EADDRNOTAVAIL);
	after = dump_now();
	ck_assert_str_eq(before, after);
	free(after);
	free(before);
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, &ops, "set host addr 10.200.0.1", false, &out), 0);
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, &ops, "set host addr 10.200.0.1 id same", false, &out), 0);
	ck_assert_int_eq(addr_calls, 2);	/* unchanged address: no rebind */
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_exec(t, &ops, "del port tap0", false, &out), 0);
	ck_assert_int_eq(closed[0], 1);
}
END_TEST

START_TEST(many_endpoints_roundtrip)
{
	char line[160], *d1, *d2;
	struct rt_tables *t0;

	ok("add vpc 7 cidr 10.7.0.0/16 cidr fd07::/64");
	for (int i = 0; i < 200; i++) {
		if (i % 2)
			snprintf(line, sizeof(line), "add ep 7 10.7.%d.%d mac 02:00:00:07:%02x:%02x host 10.200.1.%d labels n=%d",
				 i / 50, i % 50 + 2, i / 256, i % 256, i % 10 + 1, i);
		else
			snprintf(line, sizeof(line), "add ep 7 fd07::%x mac 02:00:00:07:%02x:%02x host fc00::%d",
				 i + 2, i / 256, i % 256, i % 10 + 1);
		ok(line);
	}
	ck_assert_uint_eq(t->cfg.nhost, 10);
	d1 = dump_now();
	t0 = t;
	setup();
	for (char *l = d1, *nl; (nl = strchr(l, '\n')); l = nl + 1) {
		*nl = 0;
		ok(l);
		*nl = '\n';
	}
	d2 = dump_now();
	ck_assert_str_eq(d1, d2);
	rt_tables_free(t0);
	free(d1);
	free(d2);
}
END_TEST

START_TEST(is_change)
{
	ok("");
	ok("# nothing");
	ck_assert_str_eq(sbuf_str(&out), "");
}
END_TEST

/* ---- reload (router/reload.h): one diff, unchanged objects untouched,
 * a failing reload changes nothing ---- */

static const char reload_a[] =
	"set host addr 10.200.0.1 id h1\n"
	"add port tap0\n"
	"add port tap1 mtu 1400\n"
	"add port tap2\n"
	"add vpc 100 name blue cidr 10.0.0.0/16 divider 10.200.0.9 peers 10.200.0.8\n"
	"add vpc 200 cidr 10.2.0.0/16\n"
	"add net 100 10.0.4.0/24 bouncer 10.200.0.3\n"
	"add ns 100 prod labels env=prod\n"
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 ns prod labels app=web\n"
	"add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap1\n"
	"add ep 100 10.0.2.7 mac 02:00:00:00:02:07 host 10.200.0.2\n"
	"add ep 200 10.2.0.5 mac 02:00:00:00:02:05 port tap2\n"
	"add policy 100 prod/web ns prod select app=web ingress from pod app=client port tcp/80\n";

/* Every kind of object changed, removed or added. */
static const char reload_b[] =
	"# comments and blank lines are fine\n"
	"\n"
	"set host addr 10.200.0.1 id h1 mtu 1450\n"
	"add port tap0\n"
	"add port tap1 mtu 1300\n"
	"add port tap3\n"
	"add vpc 100 name blue cidr 10.0.0.0/16 cidr fd00::/64 peers 10.200.0.7\n"
	"add vpc 300 cidr 10.3.0.0/16\n"
	"add net 100 10.0.4.0/24 bouncer 10.200.0.4\n"
	"add ns 100 prod labels env=prod,tier=a\n"
	"add ns 100 dev\n"
	"add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port tap0 ns prod labels app=web\n"
	"add ep 100 10.0.1.6 mac 02:00:00:00:01:06 port tap3\n"
	"add ep 100 10.0.2.8 mac 02:00:00:00:02:08 host 10.200.0.2\n"
	"add ep 300 10.3.0.5 mac 02:00:00:00:03:05 port tap1\n"
	"add policy 100 prod/web ns prod select app=web ingress from pod app=client port tcp/443\n";

static void load_text(const char *text)
{
	char *copy = strdup(text), *save = NULL;

	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		ok(l);
	free(copy);
}

/* The dump of text loaded into fresh tables of the same limits. */
static char *dump_of_text(const char *text)
{
	struct rt_tables *keep = t;
	char *d;

	t = rt_tables_new(&keep->cfg.lim);
	load_text(text);
	d = dump_now();
	rt_tables_free(t);
	t = keep;
	return d;
}

static int reload_text(const char *text)
{
	sbuf_reset(&out);
	return rt_cmd_reload(t, NULL, text, false, &out);
}

static struct rt_ep *ep_10_0_1_5(void)
{
	return (struct rt_ep *)rt_ep_find(t, 100, 4, (const uint8_t[]){ 10, 0, 1, 5 });
}

START_TEST(reload_same_file_changes_nothing)
{
	struct rt_ep *e;
	uint64_t gen;
	char *before, *after;

	load_text(reload_a);
	e = ep_10_0_1_5();
	ck_assert_ptr_nonnull(e);
	e->c.rx_pkts = 42;
	gen = t->cfg.gen;
	before = dump_now();
	ck_assert_int_eq(reload_text(reload_a), 0);
	ck_assert_str_eq(sbuf_str(&out), "reload: 0 added, 0 changed, 0 removed, 13 unchanged\n");
	ck_assert_uint_eq(t->cfg.gen, gen);
	ck_assert_ptr_eq(ep_10_0_1_5(), e);
	ck_assert_uint_eq(e->c.rx_pkts, 42);
	after = dump_now();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

START_TEST(reload_diff_reaches_the_file)
{
	char *want = dump_of_text(reload_b), *got;
	const struct rt_ep *kept;

	load_text(reload_a);
	ep_10_0_1_5()->c.rx_pkts = 7;
	kept = ep_10_0_1_5();
	ck_assert_msg(reload_text(reload_b) == 0, "%s", sbuf_str(&out));
	/* added: tap3, vpc 300, ns dev, ep 10.0.2.8, ep 10.3.0.5; changed: host,
	 * tap1, vpc 100, net, ns prod, ep 10.0.1.6, policy; removed: tap2,
	 * vpc 200, ep 10.0.2.7, ep 200 10.2.0.5; unchanged: tap0, ep 10.0.1.5 */
	ck_assert_str_eq(sbuf_str(&out), "reload: 5 added, 7 changed, 4 removed, 2 unchanged\n");
	got = dump_now();
	ck_assert_str_eq(got, want);
	/* the unchanged endpoint is the same object, counters and all */
	ck_assert_ptr_eq(ep_10_0_1_5(), kept);
	ck_assert_uint_eq(kept->c.rx_pkts, 7);
	/* and back */
	free(want);
	free(got);
	want = dump_of_text(reload_a);
	ck_assert_msg(reload_text(reload_a) == 0, "%s", sbuf_str(&out));
	got = dump_now();
	ck_assert_str_eq(got, want);
	free(got);
	free(want);
}
END_TEST

/* Policies dump in slot order: p3 took the slot p1 left, so the router
 * lists p3 before p2 and the file p2 before p3 -- the same objects, not a
 * configuration reload cannot reach (the soak's catch-up reloads hit it). */
START_TEST(reload_reordered_policies_are_unchanged)
{
	static const char pol[] = "add vpc 100 cidr 10.0.0.0/16\n"
				  "add policy 100 p2 select app=b ingress\n"
				  "add policy 100 p3 select app=c ingress\n"
				  "add ep 100 10.0.1.9 mac 02:00:00:00:01:09 host 10.200.0.2\n";

	ok("add vpc 100 cidr 10.0.0.0/16");
	ok("add policy 100 p1 select app=a ingress");
	ok("add policy 100 p2 select app=b ingress");
	ok("del policy 100 p1");
	ok("add policy 100 p3 select app=c ingress");
	ck_assert_msg(reload_text(pol) == 0, "%s", sbuf_str(&out));
	ck_assert_str_eq(sbuf_str(&out), "reload: 1 added, 0 changed, 0 removed, 4 unchanged\n");
	ck_assert_msg(reload_text(pol) == 0, "%s", sbuf_str(&out));
	ck_assert_str_eq(sbuf_str(&out), "reload: 0 added, 0 changed, 0 removed, 5 unchanged\n");
}
END_TEST

/* A refused reload leaves the tables as they were (dump and gen). */
static void reload_refused(const char *text, int err, const char *msg)
{
	char *before, *after;
	uint64_t gen;

	load_text(reload_a);
	before = dump_now();
	gen = t->cfg.gen;
	ck_assert_int_eq(reload_text(text), err);
	ck_assert_msg(strstr(sbuf_str(&out), msg), "'%s' not in '%s'", msg, sbuf_str(&out));
	after = dump_now();
	ck_assert_str_eq(after, before);
	ck_assert_uint_eq(t->cfg.gen, gen);
	free(before);
	free(after);
}

START_TEST(reload_bad_line_changes_nothing)
{
	reload_refused("add vpc 100 cidr 10.0.0.0/16\nadd port tap9\n"
		       "add ep 100 10.9.0.1 mac 02:00:00:00:00:01 port tap8\n", -ENOENT, "line 3: add ep: ");
}
END_TEST

START_TEST(reload_bad_vni_changes_nothing)
{
	reload_refused("add vpc 0 cidr 10.0.0.0/16\n", -EINVAL, "line 1: add vpc: ");
}
END_TEST

START_TEST(reload_unreachable_changes_nothing)
{
	/* no command removes a VPC's name: refused, not half done */
	reload_refused("set host addr 10.200.0.1 id h1\nadd vpc 100 cidr 10.0.0.0/16\n", -EOPNOTSUPP,
		       "no command turns the running configuration into the file's");
}
END_TEST

START_TEST(reload_control_byte_changes_nothing)
{
	reload_refused("add vpc 500 cidr 10.5.0.0/16\nadd vpc 501 cidr 10.6.0.0/16\x01\n", -EINVAL, "line 2: ");
}
END_TEST

/* A device that cannot be created: the steps done are undone. */
static int open_fails(void *ctx, int index, const char *name, unsigned int mtu, const char *netns,
		      char *err, size_t errsz)
{
	(void)ctx;
	(void)index;
	(void)mtu;
	(void)netns;
	if (!strcmp(name, "tap3")) {
		snprintf(err, errsz, "cannot create tap3: Operation not permitted");
		return -EPERM;
	}
	return 0;
}

START_TEST(reload_live_failure_is_undone)
{
	struct rt_runtime_ops ops = { .port_open = open_fails };
	char *before, *after;

	load_text(reload_a);
	before = dump_now();
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_reload(t, &ops, reload_b, false, &out), -EPERM);
	ck_assert_msg(strstr(sbuf_str(&out), "'add port tap3 mtu 1400': add port: "), "%s", sbuf_str(&out));
	after = dump_now();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

START_TEST(reload_json_counts)
{
	load_text(reload_a);
	sbuf_reset(&out);
	ck_assert_int_eq(rt_cmd_reload(t, NULL, reload_a, true, &out), 0);
	ck_assert_str_eq(sbuf_str(&out),
			 "{\"schema\":1,\"added\":0,\"changed\":0,\"removed\":0,\"unchanged\":13}");
	sbuf_reset(&out);
	ck_assert_int_lt(rt_cmd_reload(t, NULL, "add vpc 0 cidr 10.0.0.0/16", true, &out), 0);
	ck_assert_msg(!strncmp(sbuf_str(&out), "{\"schema\":1,\"error\":\"line 1: add vpc: ", 37), "%s",
		      sbuf_str(&out));
}
END_TEST

Suite *rt_config_suite(void)
{
	Suite *s = suite_create("rt_config");
	TCase *tc = tcase_create("config");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, topology_loads);
	tcase_add_test(tc, dump_recreates_exactly);
	tcase_add_test(tc, dump_keeps_peers);
	tcase_add_test(tc, json_answers_every_command);
	tcase_add_test(tc, bad_commands_change_nothing);
	tcase_add_test(tc, errors_name_the_word);
	tcase_add_test(tc, set_and_del);
	tcase_add_test(tc, peers_command);
	tcase_add_test(tc, trust_table_full);
	tcase_add_test(tc, show_text_and_json);
	tcase_add_test(tc, show_flows_fate);
	tcase_add_test(tc, runtime_ops);
	tcase_add_test(tc, many_endpoints_roundtrip);
	tcase_add_test(tc, is_change);
	suite_add_tcase(s, tc);
	tc = tcase_create("reload");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, reload_same_file_changes_nothing);
	tcase_add_test(tc, reload_diff_reaches_the_file);
	tcase_add_test(tc, reload_reordered_policies_are_unchanged);
	tcase_add_test(tc, reload_bad_line_changes_nothing);
	tcase_add_test(tc, reload_bad_vni_changes_nothing);
	tcase_add_test(tc, reload_unreachable_changes_nothing);
	tcase_add_test(tc, reload_control_byte_changes_nothing);
	tcase_add_test(tc, reload_live_failure_is_undone);
	tcase_add_test(tc, reload_json_counts);
	tcase_add_test(tc, pinned_identity);
	suite_add_tcase(s, tc);
	return s;
}
