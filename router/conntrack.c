/* SPDX-License-Identifier: MIT */
/*
 * Connection tracking (conntrack.h): the table, the symmetric hash and
 * the per-protocol state machine.
 */
#include <stdlib.h>
#include <string.h>
#include "conntrack.h"

#define SEC 1000000000ull

static const struct {
	const char *name;
	unsigned int timeout;
} states[RT_CT__COUNT] = {
	[RT_CT_FREE] = { "free", 0 },
	[RT_CT_TCP_SYN] = { "syn", 60 },
	[RT_CT_TCP_SYNACK] = { "syn-ack", 60 },
	[RT_CT_TCP_EST] = { "established", 86400 },
	[RT_CT_TCP_CLOSING] = { "closing", 120 },
	[RT_CT_TCP_RESET] = { "reset", 10 },
	[RT_CT_UNREPLIED] = { "unreplied", 30 },
	[RT_CT_REPLIED] = { "replied", 180 },
};

const char *rt_ct_state_name(unsigned int state)
{
	return state < RT_CT__COUNT ? states[state].name : "?";
}

unsigned int rt_ct_timeout(unsigned int state)
{
	return state < RT_CT__COUNT ? states[state].timeout : 0;
}

struct rt_ct *rt_ct_new(uint32_t entries)
{
	struct rt_ct *ct = calloc(1, sizeof(*ct));
	uint32_t n = RT_CT_WAYS;

	if (!ct)
		return NULL;
	while (n < entries && n < (1u << 28))
		n <<= 1;
	ct->nsets = n / RT_CT_WAYS;
	ct->e = calloc(n, sizeof(*ct->e));
	if (!ct->e) {
		free(ct);
		return NULL;
	}
	return ct;
}

void rt_ct_free(struct rt_ct *ct)
{
	if (!ct)
		return;
	free(ct->e);
	free(ct);
}

size_t rt_ct_memory(const struct rt_ct *ct)
{
	return ct ? sizeof(*ct) + (size_t)ct->nsets * RT_CT_WAYS * sizeof(*ct->e) : 0;
}

static uint64_t mix(uint64_t h)
{
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdull;
	h ^= h >> 33;
	h *= 0xc4ceb9fe1a85ec53ull;
	h ^= h >> 33;
	return h;
}

static uint64_t end_hash(const uint8_t *a, uint16_t port)
{
	uint64_t x, y;

	memcpy(&x, a, 8);
	memcpy(&y, a + 8, 8);
	return mix(x ^ mix(y ^ port));
}

uint32_t rt_ct_hash(const struct rt_ct_key *k)
{
	/* the two ends are combined with + : the same in either order */
	uint64_t h = end_hash(k->src, k->sport) + end_hash(k->dst, k->dport);

	return (uint32_t)mix(h ^ ((uint64_t)k->vni << 16 | (uint64_t)k->family << 8 | k->proto));
}

static bool same(const struct rt_ct_key *a, const struct rt_ct_key *b, bool *reply)
{
	if (a->vni != b->vni || a->family != b->family || a->proto != b->proto)
		return false;
	if (a->sport == b->sport && a->dport == b->dport && !memcmp(a->src, b->src, 16) &&
	    !memcmp(a->dst, b->dst, 16)) {
		*reply = false;
		return true;
	}
	if (a->sport == b->dport && a->dport == b->sport && !memcmp(a->src, b->dst, 16) &&
	    !memcmp(a->dst, b->src, 16)) {
		*reply = true;
		return true;
	}
	return false;
}

struct rt_ct_entry *rt_ct_find(const struct rt_ct *ct, const struct rt_ct_key *k, uint32_t hash,
			       uint64_t now_ns, bool *reply)
{
	struct rt_ct_entry *set = &ct->e[(size_t)(hash & (ct->nsets - 1)) * RT_CT_WAYS];

	for (unsigned int i = 0; i < RT_CT_WAYS; i++)
		if (set[i].state != RT_CT_FREE && set[i].expire_ns > now_ns && same(&set[i].k, k, reply))
			return &set[i];
	return NULL;
}

struct rt_ct_entry *rt_ct_insert(struct rt_ct *ct, const struct rt_ct_key *k, uint32_t hash,
				 uint64_t now_ns)
{
	struct rt_ct_entry *set = &ct->e[(size_t)(hash & (ct->nsets - 1)) * RT_CT_WAYS], *e = NULL;

	for (unsigned int i = 0; i < RT_CT_WAYS && !e; i++)
		if (set[i].state == RT_CT_FREE)
			e = &set[i];
	for (unsigned int i = 0; i < RT_CT_WAYS && !e; i++)
		if (set[i].expire_ns <= now_ns) {
			e = &set[i];
			ct->st.expired++;
			ct->used--;
		}
	if (!e) {
		e = &set[0];
		for (unsigned int i = 1; i < RT_CT_WAYS; i++)
			if (set[i].last_ns < e->last_ns)
				e = &set[i];
		ct->st.evicted++;
		ct->used--;
	}
	memset(e, 0, sizeof(*e));
	e->k = *k;
	e->state = k->proto == 6 ? RT_CT_TCP_SYN : RT_CT_UNREPLIED;
	e->rule_eg = e->rule_in = UINT32_MAX;
	e->last_ns = now_ns;
	e->expire_ns = now_ns + (uint64_t)rt_ct_timeout(e->state) * SEC;
	ct->used++;
	ct->st.inserted++;
	return e;
}

#define F_FIN 0x01
#define F_SYN 0x02
#define F_RST 0x04
#define F_ACK 0x10

void rt_ct_update(struct rt_ct_entry *e, bool reply, uint16_t fl, size_t size, uint64_t now_ns)
{
	uint8_t s = e->state;

	if (e->k.proto == 6) {
		if (fl & F_RST)
			s = RT_CT_TCP_RESET;
		else if (fl & F_FIN)
			s = s == RT_CT_TCP_RESET ? s : RT_CT_TCP_CLOSING;
		else if (s == RT_CT_TCP_SYN && reply && (fl & (F_SYN | F_ACK)) == (F_SYN | F_ACK))
			s = RT_CT_TCP_SYNACK;
		else if (s == RT_CT_TCP_SYNACK && !reply && (fl & F_ACK))
			s = RT_CT_TCP_EST;
		else if (s == RT_CT_TCP_SYN && !(fl & F_SYN) && e->pkts[0] + e->pkts[1] == 0)
			s = RT_CT_TCP_EST;	/* picked up mid-stream */
		else if (s == RT_CT_TCP_RESET && (fl & F_SYN) && !reply)
			s = RT_CT_TCP_SYN;	/* the port is reused */
	} else if (reply) {
		s = RT_CT_REPLIED;
	}
	e->state = s;
	e->pkts[reply]++;
	e->bytes[reply] += size;
	e->last_ns = now_ns;
	e->expire_ns = now_ns + (uint64_t)rt_ct_timeout(s) * SEC;
}

void rt_ct_remove(struct rt_ct *ct, struct rt_ct_entry *e)
{
	if (e->state == RT_CT_FREE)
		return;
	memset(e, 0, sizeof(*e));
	ct->used--;
	ct->st.flushed++;
}
