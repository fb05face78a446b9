/* SPDX-License-Identifier: MIT */
/* Test packet builder: see pktgen.h. */
#include <stdio.h>
#include <string.h>
#include "../../libcore/csum.h"
#include "../../libcore/cursor.h"
#include "pktgen.h"

const uint8_t pg_mac_a[6] = { 0x02, 0, 0, 0, 0, 0x01 };
const uint8_t pg_mac_b[6] = { 0x02, 0, 0, 0, 0, 0x02 };
const uint8_t pg_ip4_a[4] = { 10, 200, 0, 1 };
const uint8_t pg_ip4_b[4] = { 10, 200, 0, 2 };
const uint8_t pg_ip6_a[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
const uint8_t pg_ip6_b[16] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

void pg_init(struct pg *g)
{
	memset(g, 0, sizeof(*g));
}

static uint8_t *grow(struct pg *g, size_t n)
{
	uint8_t *p;

	if (g->n + n > PG_MAX) {
		fprintf(stderr, "pktgen: frame too large\n");
		g->n = PG_MAX - n;	/* keep going; the test will fail */
	}
	p = g->b + g->n;
	memset(p, 0, n);
	g->n += n;
	return p;
}

static size_t push(struct pg *g, enum pg_kind kind, size_t off)
{
	if (g->nl < PG_MAX_LAYERS) {
		g->l[g->nl].kind = kind;
		g->l[g->nl].off = off;
		g->nl++;
	}
	return off;
}

size_t pg_bytes(struct pg *g, const void *p, size_t n)
{
	size_t off = g->n;

	if (n)
		memcpy(grow(g, n), p, n);
	return push(g, PG_RAW, off);
}

size_t pg_fill(struct pg *g, uint8_t byte, size_t n)
{
	size_t off = g->n;

	memset(grow(g, n), byte, n);
	return push(g, PG_RAW, off);
}

size_t pg_eth(struct pg *g, uint16_t type)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 14);

	memcpy(p, pg_mac_b, 6);
	memcpy(p + 6, pg_mac_a, 6);
	gnv_put16(p + 12, type);
	return push(g, PG_ETH, off);
}

size_t pg_vlan(struct pg *g, uint16_t tci, uint16_t type)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 4);

	gnv_put16(p, tci);
	gnv_put16(p + 2, type);
	return push(g, PG_VLAN, off);
}

size_t pg_arp(struct pg *g, uint16_t op)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 28);

	gnv_put16(p, 1);
	gnv_put16(p + 2, 0x0800);
	p[4] = 6;
	p[5] = 4;
	gnv_put16(p + 6, op);
	memcpy(p + 8, pg_mac_a, 6);
	memcpy(p + 14, pg_ip4_a, 4);
	memcpy(p + 18, pg_mac_b, 6);
	memcpy(p + 24, pg_ip4_b, 4);
	return push(g, PG_ARP, off);
}

size_t pg_ip4_opts(struct pg *g, uint8_t proto, const uint8_t *opts, size_t n)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 20 + n);

	p[0] = (uint8_t)(0x40 | ((20 + n) / 4));
	p[1] = 0x10;
	gnv_put16(p + 4, 0x1234);
	gnv_put16(p + 6, 0x4000);	/* DF */
	p[8] = 64;
	p[9] = proto;
	memcpy(p + 12, pg_ip4_a, 4);
	memcpy(p + 16, pg_ip4_b, 4);
	if (n)
		memcpy(p + 20, opts, n);
	return push(g, PG_IP4, off);
}

size_t pg_ip4(struct pg *g, uint8_t proto)
{
	return pg_ip4_opts(g, proto, NULL, 0);
}

size_t pg_ip6(struct pg *g, uint8_t nh)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 40);

	p[0] = 0x60;
	p[1] = 0x0a;		/* flow label 0xa1234 */
	gnv_put16(p + 2, 0x1234);
	p[6] = nh;
	p[7] = 64;
	memcpy(p + 8, pg_ip6_a, 16);
	memcpy(p + 24, pg_ip6_b, 16);
	return push(g, PG_IP6, off);
}

size_t pg_ip6_ext(struct pg *g, uint8_t type, uint8_t nh, size_t size)
{
	size_t off = g->n;
	uint8_t *p = grow(g, size);

	p[0] = nh;
	if (type == 51)
		p[1] = (uint8_t)(size / 4 - 2);
	else if (type != 44)
		p[1] = (uint8_t)(size / 8 - 1);
	if (type == 0 || type == 60) {	/* one PadN filling the body */
		if (size - 2 == 1) {
			p[2] = 0;
		} else {
			p[2] = 1;
			p[3] = (uint8_t)(size - 4);
		}
	}
	return push(g, PG_IP6_EXT, off);
}

size_t pg_udp(struct pg *g, uint16_t sport, uint16_t dport)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 8);

	gnv_put16(p, sport);
	gnv_put16(p + 2, dport);
	return push(g, PG_UDP, off);
}

size_t pg_tcp(struct pg *g, uint16_t sport, uint16_t dport, uint8_t flags)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 20);

	gnv_put16(p, sport);
	gnv_put16(p + 2, dport);
	gnv_put32(p + 4, 1000);
	gnv_put32(p + 8, 2000);
	p[12] = 5 << 4;
	p[13] = flags;
	gnv_put16(p + 14, 65535);
	return push(g, PG_TCP, off);
}

static size_t icmp_common(struct pg *g, enum pg_kind kind, uint8_t type,
			  uint16_t id, uint16_t seq)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 8);

	p[0] = type;
	gnv_put16(p + 4, id);
	gnv_put16(p + 6, seq);
	return push(g, kind, off);
}

size_t pg_icmp(struct pg *g, uint8_t type, uint16_t id, uint16_t seq)
{
	return icmp_common(g, PG_ICMP, type, id, seq);
}

size_t pg_icmp6(struct pg *g, uint8_t type, uint16_t id, uint16_t seq)
{
	return icmp_common(g, PG_ICMP6, type, id, seq);
}

size_t pg_geneve(struct pg *g, uint8_t flags, uint16_t proto, uint32_t vni)
{
	size_t off = g->n;
	uint8_t *p = grow(g, 8);

	p[1] = flags;
	gnv_put16(p + 2, proto);
	gnv_put24(p + 4, vni);
	return push(g, PG_GENEVE, off);
}

size_t pg_gopt(struct pg *g, uint16_t cls, uint8_t type, const uint8_t *data, size_t size)
{
	size_t off = g->n, goff = pg_off(g, PG_GENEVE, -1);
	uint8_t *p = grow(g, 4 + size);

	gnv_put16(p, cls);
	p[2] = type;
	p[3] = (uint8_t)((size / 4) & 0x1f);
	if (size)
		memcpy(p + 4, data, size);
	if (goff != (size_t)-1) {
		unsigned int ol = (g->b[goff] & 0x3fu) + (unsigned int)(4 + size) / 4;

		g->b[goff] = (uint8_t)((g->b[goff] & 0xc0) | (ol & 0x3f));
	}
	return off;	/* options are part of the Geneve layer */
}

size_t pg_off(const struct pg *g, enum pg_kind kind, int nth)
{
	int seen = 0;

	if (nth < 0) {	/* last one */
		for (int i = g->nl - 1; i >= 0; i--)
			if (g->l[i].kind == kind)
				return g->l[i].off;
		return (size_t)-1;
	}
	for (int i = 0; i < g->nl; i++)
		if (g->l[i].kind == kind && seen++ == nth)
			return g->l[i].off;
	return (size_t)-1;
}

void pg_csum_ip4(struct pg *g, size_t off)
{
	uint8_t *p = g->b + off;
	size_t hl = (p[0] & 15u) * 4;

	gnv_put16(p + 10, 0);
	gnv_put16(p + 10, csum_fold(csum_partial(p, hl, 0)));
}

void pg_csum_l4(struct pg *g, size_t ip_off, size_t l4_off, uint8_t proto, size_t len)
{
	const uint8_t *ip = g->b + ip_off;
	uint8_t *p = g->b + l4_off;
	size_t cpos = proto == 17 ? 6 : proto == 6 ? 16 : 2;
	uint32_t ps = 0;
	uint16_t s;

	gnv_put16(p + cpos, 0);
	if ((ip[0] >> 4) == 4 && proto != 1)
		ps = csum_pseudo4(ip + 12, ip + 16, proto, (uint32_t)len);
	else if ((ip[0] >> 4) == 6)
		ps = csum_pseudo6(ip + 8, ip + 24, proto, (uint32_t)len);
	s = csum_fold(csum_partial(p, len, ps));
	if (proto == 17 && s == 0)
		s = 0xffff;
	gnv_put16(p + cpos, s);
}

static size_t ip_before(const struct pg *g, int idx)
{
	for (int i = idx - 1; i >= 0; i--)
		if (g->l[i].kind == PG_IP4 || g->l[i].kind == PG_IP6)
			return g->l[i].off;
	return 0;
}

void pg_finish(struct pg *g)
{
	for (int i = g->nl - 1; i >= 0; i--) {
		size_t off = g->l[i].off, len = g->n - off;
		uint8_t *p = g->b + off;

		switch (g->l[i].kind) {
		case PG_IP4:
			gnv_put16(p + 2, (uint16_t)len);
			pg_csum_ip4(g, off);
			break;
		case PG_IP6:
			gnv_put16(p + 4, (uint16_t)(len - 40));
			break;
		case PG_UDP:
			gnv_put16(p + 4, (uint16_t)len);
			pg_csum_l4(g, ip_before(g, i), off, 17, len);
			break;
		case PG_TCP:
			pg_csum_l4(g, ip_before(g, i), off, 6, len);
			break;
		case PG_ICMP:
			pg_csum_l4(g, ip_before(g, i), off, 1, len);
			break;
		case PG_ICMP6:
			pg_csum_l4(g, ip_before(g, i), off, 58, len);
			break;
		default:
			break;
		}
	}
}

static const uint8_t payload16[16] = "genv-unit-tests!";

void pg_std(struct pg *g)
{
	pg_init(g);
	pg_eth(g, 0x0800);
	pg_ip4(g, 17);
	pg_udp(g, 50000, 6081);
	pg_geneve(g, 0, 0x6558, 100);
	pg_eth(g, 0x0800);
	pg_ip4(g, 6);
	pg_tcp(g, 40000, 80, 0x02);
	pg_bytes(g, payload16, sizeof(payload16));
	pg_finish(g);
}

void pg_std6(struct pg *g)
{
	pg_init(g);
	pg_eth(g, 0x86dd);
	pg_ip6(g, 17);
	pg_udp(g, 50000, 6081);
	pg_geneve(g, 0, 0x6558, 100);
	pg_eth(g, 0x86dd);
	pg_ip6(g, 6);
	pg_tcp(g, 40000, 80, 0x02);
	pg_bytes(g, payload16, sizeof(payload16));
	pg_finish(g);
}

enum gnv_status pg_decode(const struct pg *g, struct gnv_pkt *pk)
{
	struct gnv_decode_cfg cfg;

	gnv_decode_cfg_default(&cfg);
	return gnv_decode(pk, g->b, (uint32_t)g->n, (uint32_t)g->n, &cfg);
}

int pg_err_find(const struct gnv_pkt *pk, enum gnv_errcode code)
{
	for (int i = 0; i < pk->nerr; i++)
		if (pk->err[i].code == code)
			return i;
	return -1;
}

const char *pg_err_list(const struct gnv_pkt *pk)
{
	static char buf[1024];
	size_t n = 0;

	buf[0] = 0;
	for (int i = 0; i < pk->nerr && n < sizeof(buf) - 64; i++)
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s@%u%s", i ? " " : "",
				      gnv_err_code(pk->err[i].code), pk->err[i].offset,
				      pk->err[i].inner ? "(inner)" : "");
	if (!pk->nerr)
		snprintf(buf, sizeof(buf), "(none)");
	return buf;
}
