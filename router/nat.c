/* SPDX-License-Identifier: MIT */
/* Gateway source NAT (nat.h): mappings in conntrack, header rewriting. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../libcore/csum.h"
#include "../libcore/cursor.h"
#include "nat.h"

#define WHY(...) do { if (why) snprintf(why, whysz, __VA_ARGS__); } while (0)

/* ---- checksums ---- */

/* One 16-bit word of a checksummed range changed from o to n.  udp: a
 * UDP checksum, where 0 means none (a result of 0 is sent as 0xffff). */
static void csum_fix(uint8_t *at, uint16_t o, uint16_t n, bool udp)
{
	uint16_t c = csum_update16(gnv_be16(at), o, n);

	gnv_put16(at, udp && !c ? 0xffff : c);
}

/* Where the checksum of an L4 header with avail bytes at l4 is, that
 * covers its ports (and for TCP/UDP the pseudo header); NULL: none there
 * (cut off, or a UDP datagram sent without one). */
static uint8_t *l4_csum(uint8_t *l4, uint8_t proto, size_t avail)
{
	if (!l4)
		return NULL;
	if (proto == 6)
		return avail >= 18 ? l4 + 16 : NULL;
	if (proto == 17)
		return avail >= 8 && gnv_be16(l4 + 6) ? l4 + 6 : NULL;
	if (proto == 1)
		return avail >= 4 ? l4 + 2 : NULL;
	return NULL;
}

/* The IPv4 address at ip + at (12 source, 16 destination) becomes to:
 * header checksum and the TCP/UDP pseudo-header checksum (l4, when
 * given) follow.  ICMP has no pseudo header. */
static void set_addr(uint8_t *ip, int at, const uint8_t to[4], uint8_t *l4, uint8_t proto,
		     size_t avail)
{
	uint8_t *lc = proto == 1 ? NULL : l4_csum(l4, proto, avail);

	for (int i = 0; i < 4; i += 2) {
		uint16_t o = gnv_be16(ip + at + i), n = gnv_be16(to + i);

		csum_fix(ip + 10, o, n, false);
		if (lc)
			csum_fix(lc, o, n, proto == 17);
	}
	memcpy(ip + at, to, 4);
}

/* The port at l4 + at (0 source, 2 destination; ICMP echo: 4, the
 * identifier) becomes to, its checksum updated when present. */
static void set_port(uint8_t *l4, int at, uint16_t to, uint8_t proto, size_t avail)
{
	uint8_t *lc = l4_csum(l4, proto, avail);

	if (lc)
		csum_fix(lc, gnv_be16(l4 + at), to, proto == 17);
	gnv_put16(l4 + at, to);
}

/* ---- keys ---- */

static void key4(struct rt_ct_key *k, uint32_t vni, uint8_t proto, const uint8_t *src, uint16_t sport,
		 const uint8_t *dst, uint16_t dport)
{
	memset(k, 0, sizeof(*k));
	k->vni = vni;
	k->family = 4;
	k->proto = proto;
	memcpy(k->src, src, 4);
	memcpy(k->dst, dst, 4);
	k->sport = sport;
	k->dport = dport;
}

static struct rt_ct_entry *find(const struct rt_nat_env *x, const struct rt_ct_key *k, bool *reply)
{
	return rt_ct_find(x->ct, k, rt_ct_hash(k), x->now_ns, reply);
}

/* The ports of a translatable packet (ICMP echo: the identifier as both),
 * or false. */
static bool l4_ports(const struct gnv_layers *l, bool outward, uint16_t *sport, uint16_t *dport)
{
	if (l->ip.fragment || !l->l4.proto)
		return false;
	if (l->l4.proto == 6 || l->l4.proto == 17) {
		*sport = l->l4.sport;
		*dport = l->l4.dport;
		return true;
	}
	if (l->l4.proto == 1 && l->l4.type == (outward ? 8 : 0)) {
		*sport = *dport = l->l4.icmp_id;
		return true;
	}
	return false;
}

/* A free NAT port for vm:sport -> remote:dport, or 0. */
static uint16_t alloc_port(const struct rt_nat_env *x, uint8_t proto, const struct rt_ct_key *in,
			   const uint8_t *remote, uint16_t rport)
{
	uint32_t range = (uint32_t)x->hi - x->lo + 1;
	uint32_t start = rt_ct_hash(in) % range;
	uint32_t tries = range < RT_NAT_TRIES ? range : RT_NAT_TRIES;

	for (uint32_t i = 0; i < tries; i++) {
		uint16_t p = (uint16_t)(x->lo + (start + i) % range);
		struct rt_ct_key k;
		bool r;

		key4(&k, RT_NAT_CT_OUT, proto, x->self, p, remote, proto == 1 ? p : rport);
		if (!find(x, &k, &r))
			return p;
	}
	return 0;
}

static struct rt_ct_entry *insert(const struct rt_nat_env *x, const struct rt_ct_key *k)
{
	struct rt_ct_entry *e = rt_ct_insert(x->ct, k, rt_ct_hash(k), x->now_ns);

	e->src_id = 0;
	e->rule_eg = e->rule_in = UINT32_MAX;
	return e;
}

static void fmt_map(char *why, size_t whysz, const char *what, const struct rt_nat_map *m)
{
	WHY("%s vpc %u proto %u %u.%u.%u.%u:%u <-> :%u, remote %u.%u.%u.%u:%u", what, m->vni, m->proto,
	    m->vm[0], m->vm[1], m->vm[2], m->vm[3], m->vm_port, m->nat_port, m->remote[0],
	    m->remote[1], m->remote[2], m->remote[3], m->remote_port);
}

/* ---- outward ---- */

enum rt_drop rt_nat_out(const struct rt_nat_env *x, uint32_t vni, struct gnv_layers *l,
			uint8_t *buf, struct rt_nat_map *m, char *why, size_t whysz)
{
	uint8_t *ip = buf + l->ip.off, *l4 = buf + l->l4.off;
	size_t avail = l->ip.tot_len > l->l4.off - l->ip.off ? l->ip.tot_len - (l->l4.off - l->ip.off) : 0;
	struct rt_ct_key ki, ko;
	struct rt_ct_entry *ei, *eo;
	uint16_t sport, dport;
	bool reply, fresh = false;

	if (l->ip.version != 4) {
		WHY("IPv%u is not translated", l->ip.version);
		return RT_DROP_NAT_UNSUPPORTED;
	}
	if (!l4_ports(l, true, &sport, &dport)) {
		WHY(l->ip.fragment ? "a non-first fragment carries no ports" :
		    "protocol %u%s is not translated outward", l->ip.proto,
		    l->ip.proto == 1 ? " (ICMP other than echo request)" : "");
		return RT_DROP_NAT_UNSUPPORTED;
	}
	if (l->ip.ttl <= 1) {
		WHY("TTL %u", l->ip.ttl);
		return RT_DROP_NAT_TTL;
	}
	memset(m, 0, sizeof(*m));
	m->vni = vni;
	m->proto = l->ip.proto;
	memcpy(m->vm, l->ip.src.a, 4);
	memcpy(m->remote, l->ip.dst.a, 4);
	m->vm_port = sport;
	m->remote_port = dport;
	key4(&ki, RT_NAT_CT_IN | vni, m->proto, m->vm, sport, m->remote, dport);
	ei = find(x, &ki, &reply);
	if (ei && !reply) {
		m->nat_port = ei->nat_port;
	} else {
		m->nat_port = alloc_port(x, m->proto, &ki, m->remote, dport);
		if (!m->nat_port) {
			WHY("no free port in %u-%u for proto %u to %u.%u.%u.%u:%u", x->lo, x->hi, m->proto,
			    m->remote[0], m->remote[1], m->remote[2], m->remote[3], dport);
			return RT_DROP_NAT_PORTS;
		}
		fresh = true;
	}
	if (x->live) {
		uint16_t fl = m->proto == 6 ? l->l4.flags : 0;

		if (fresh) {
			ei = insert(x, &ki);
			memcpy(ei->nat, x->self, 4);
			ei->nat_port = m->nat_port;
			x->st->mappings++;
		}
		key4(&ko, RT_NAT_CT_OUT, m->proto, x->self, m->nat_port, m->remote,
		     m->proto == 1 ? m->nat_port : dport);
		eo = find(x, &ko, &reply);
		if (!eo) {	/* new, or evicted from its set: made again */
			eo = insert(x, &ko);
			memcpy(eo->nat, m->vm, 4);
			eo->nat_port = sport;
			eo->nat_vni = vni;
		}
		rt_ct_update(ei, false, fl, l->ip.tot_len, x->now_ns);
		rt_ct_update(eo, false, fl, l->ip.tot_len, x->now_ns);
		x->st->out_pkts++;
	}
	/* TTL: the high byte of the word at offset 8 */
	csum_fix(ip + 10, gnv_be16(ip + 8), (uint16_t)(gnv_be16(ip + 8) - 0x100), false);
	ip[8]--;
	set_addr(ip, 12, x->self, l4, m->proto, avail);
	set_port(l4, m->proto == 1 ? 4 : 0, m->nat_port, m->proto, avail);
	memcpy(l->ip.src.a, x->self, 4);
	l->ip.ttl--;
	fmt_map(why, whysz, fresh ? "new mapping" : "mapping", m);
	return RT_DROP_NONE;
}

/* ---- inward ---- */

int rt_nat_icmp_parse(const uint8_t *icmp, size_t size, struct rt_nat_icmp *q)
{
	const uint8_t *ip;
	size_t ihl;

	if (size < 8)
		return -ENODATA;
	if (icmp[0] != 3 && icmp[0] != 11 && icmp[0] != 12)
		return -EPROTO;
	memset(q, 0, sizeof(*q));
	q->ip_off = 8;
	ip = icmp + 8;
	if (size < 8 + 20)
		return -ENODATA;
	if (ip[0] >> 4 != 4)
		return -EINVAL;
	ihl = (size_t)(ip[0] & 15) * 4;
	if (ihl < 20)
		return -EINVAL;
	if (size < 8 + ihl + 8)
		return -ENODATA;
	if (gnv_be16(ip + 6) & 0x1fff)
		return -EINVAL;		/* a non-first fragment: no ports quoted */
	q->ihl = (uint8_t)ihl;
	q->proto = ip[9];
	memcpy(q->src, ip + 12, 4);
	memcpy(q->dst, ip + 16, 4);
	q->l4_size = (uint32_t)(size - 8 - ihl);
	ip += ihl;
	if (q->proto == 6 || q->proto == 17) {
		q->sport = gnv_be16(ip);
		q->dport = gnv_be16(ip + 2);
	} else if (q->proto == 1 && ip[0] == 8) {
		q->sport = q->dport = gnv_be16(ip + 4);
	} else {
		return -EINVAL;
	}
	return 0;
}

static void map_of(struct rt_nat_map *m, const struct rt_ct_entry *eo, const uint8_t *remote,
		   uint16_t rport)
{
	memset(m, 0, sizeof(*m));
	m->vni = eo->nat_vni;
	m->proto = eo->k.proto;
	memcpy(m->vm, eo->nat, 4);
	m->vm_port = eo->nat_port;
	m->nat_port = eo->k.sport;
	memcpy(m->remote, remote, 4);
	m->remote_port = rport;
}

/* Both entries of a mapping see a reply. */
static void touch_in(const struct rt_nat_env *x, struct rt_ct_entry *eo, const struct rt_nat_map *m,
		     uint16_t flags, size_t size)
{
	struct rt_ct_key ki;
	struct rt_ct_entry *ei;
	bool reply;

	rt_ct_update(eo, true, flags, size, x->now_ns);
	key4(&ki, RT_NAT_CT_IN | m->vni, m->proto, m->vm, m->vm_port, m->remote,
	     m->proto == 1 ? m->vm_port : m->remote_port);
	ei = find(x, &ki, &reply);
	if (ei)
		rt_ct_update(ei, true, flags, size, x->now_ns);
	x->st->in_pkts++;
}

static enum rt_drop icmp_in(const struct rt_nat_env *x, struct gnv_layers *l, uint8_t *buf,
			    size_t size, struct rt_nat_map *m, char *why, size_t whysz)
{
	uint8_t *ip = buf + l->ip.off, *icmp = buf + l->l4.off, *qip, *ql4;
	size_t end = l->ip.off + l->ip.tot_len < size ? l->ip.off + l->ip.tot_len : size;
	size_t isize = end > l->l4.off ? end - l->l4.off : 0;
	struct rt_nat_icmp q;
	struct rt_ct_key ko;
	struct rt_ct_entry *eo;
	bool reply;
	int r = rt_nat_icmp_parse(icmp, isize, &q);

	if (r == -EPROTO) {
		WHY("ICMP type %u is not translated inward", icmp[0]);
		return RT_DROP_NAT_UNSUPPORTED;
	}
	if (r) {
		WHY("ICMP type %u: quoted packet %s", icmp[0], r == -ENODATA ? "truncated" : "invalid");
		return RT_DROP_NAT_ICMP_MALFORMED;
	}
	if (memcmp(q.src, x->self, 4)) {
		WHY("ICMP error about a packet from %u.%u.%u.%u, not this host", q.src[0], q.src[1],
		    q.src[2], q.src[3]);
		return RT_DROP_NAT_NO_MAPPING;
	}
	key4(&ko, RT_NAT_CT_OUT, q.proto, q.src, q.sport, q.dst, q.dport);
	eo = find(x, &ko, &reply);
	if (!eo || reply) {
		WHY("ICMP type %u about proto %u port %u: no mapping", icmp[0], q.proto, q.sport);
		return RT_DROP_NAT_NO_MAPPING;
	}
	map_of(m, eo, q.dst, q.dport);
	if (x->live) {
		x->st->icmp_errors++;
		x->st->in_pkts++;
	}
	/* the quoted packet: its source back to the VM's address and port */
	qip = icmp + q.ip_off;
	ql4 = qip + q.ihl;
	set_addr(qip, 12, m->vm, ql4, q.proto, q.l4_size);
	set_port(ql4, q.proto == 1 ? 4 : 0, m->vm_port, q.proto, q.l4_size);
	/* the outer destination, then the ICMP checksum over the message */
	set_addr(ip, 16, m->vm, NULL, 1, 0);
	memcpy(l->ip.dst.a, m->vm, 4);
	gnv_put16(icmp + 2, 0);
	gnv_put16(icmp + 2, csum_fold(csum_partial(icmp, isize, 0)));
	fmt_map(why, whysz, "ICMP error for", m);
	return RT_DROP_NONE;
}

enum rt_drop rt_nat_in(const struct rt_nat_env *x, struct gnv_layers *l, uint8_t *buf, size_t size,
		       struct rt_nat_map *m, char *why, size_t whysz)
{
	uint8_t *ip = buf + l->ip.off, *l4 = buf + l->l4.off;
	size_t avail = l->ip.tot_len > l->l4.off - l->ip.off ? l->ip.tot_len - (l->l4.off - l->ip.off) : 0;
	struct rt_ct_key ko;
	struct rt_ct_entry *eo;
	uint16_t sport, dport;
	bool reply;

	if (l->ip.version != 4) {
		WHY("IPv%u is not translated", l->ip.version);
		return RT_DROP_NAT_UNSUPPORTED;
	}
	if (memcmp(l->ip.dst.a, x->self, 4)) {
		WHY("destination %u.%u.%u.%u is not this host's address", l->ip.dst.a[0],
		    l->ip.dst.a[1], l->ip.dst.a[2], l->ip.dst.a[3]);
		return RT_DROP_NAT_NO_MAPPING;
	}
	if (l->l4.proto == 1 && !l->ip.fragment && l->l4.type != 0)
		return icmp_in(x, l, buf, size, m, why, whysz);
	if (!l4_ports(l, false, &sport, &dport)) {
		WHY(l->ip.fragment ? "a non-first fragment carries no ports" :
		    "protocol %u is not translated", l->ip.proto);
		return RT_DROP_NAT_UNSUPPORTED;
	}
	/* the reply of self:dport -> remote:sport */
	key4(&ko, RT_NAT_CT_OUT, l->ip.proto, l->ip.src.a, sport, x->self, dport);
	eo = find(x, &ko, &reply);
	if (!eo || !reply) {
		WHY("proto %u to port %u: no mapping", l->ip.proto, dport);
		return RT_DROP_NAT_NO_MAPPING;
	}
	map_of(m, eo, l->ip.src.a, sport);
	if (x->live)
		touch_in(x, eo, m, l->l4.proto == 6 ? l->l4.flags : 0, l->ip.tot_len);
	set_addr(ip, 16, m->vm, l4, m->proto, avail);
	set_port(l4, m->proto == 1 ? 4 : 2, m->vm_port, m->proto, avail);
	memcpy(l->ip.dst.a, m->vm, 4);
	fmt_map(why, whysz, "reply of", m);
	return RT_DROP_NONE;
}
