/* SPDX-License-Identifier: MIT */
/*
 * The direct-path cache: a bounded LRU hash of endpoint -> host with
 * ageing, the answer limiter and the answer outbox (see dpcache.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <linux/if_ether.h>
#include "../libcore/csum.h"
#include "../libcore/cursor.h"
#include "../libcore/opt_genv.h"
#include "../libcore/opt_tlv.h"
#include "dpcache.h"

static size_t alen(uint8_t family)
{
	return family == 6 ? 16 : 4;
}

/* FNV-1a over the key: VNI, family, address. */
static uint64_t key_hash(uint32_t vni, uint8_t family, const uint8_t *ip)
{
	uint64_t h = 0xcbf29ce484222325ull;

	h = (h ^ vni) * 0x100000001b3ull;
	h = (h ^ family) * 0x100000001b3ull;
	for (size_t i = 0; i < alen(family); i++)
		h = (h ^ ip[i]) * 0x100000001b3ull;
	return h;
}

static uint32_t bucket_of(const struct rt_dpcache *c, uint32_t vni, uint8_t family, const uint8_t *ip)
{
	return (uint32_t)key_hash(vni, family, ip) & (c->nbucket - 1);
}

static void lru_unlink(struct rt_dpcache *c, uint32_t i)
{
	struct rt_dp_entry *e = &c->e[i];

	if (e->prev != RT_DP_NIL)
		c->e[e->prev].next = e->next;
	else
		c->head = e->next;
	if (e->next != RT_DP_NIL)
		c->e[e->next].prev = e->prev;
	else
		c->tail = e->prev;
}

static void lru_push(struct rt_dpcache *c, uint32_t i)
{
	struct rt_dp_entry *e = &c->e[i];

	e->prev = RT_DP_NIL;
	e->next = c->head;
	if (c->head != RT_DP_NIL)
		c->e[c->head].prev = i;
	c->head = i;
	if (c->tail == RT_DP_NIL)
		c->tail = i;
}

static void reset(struct rt_dpcache *c)
{
	c->n = 0;
	c->head = c->tail = RT_DP_NIL;
	c->free = c->size ? 0 : RT_DP_NIL;
	for (uint32_t i = 0; i < c->size; i++) {
		memset(&c->e[i], 0, sizeof(c->e[i]));
		c->e[i].next = i + 1 < c->size ? i + 1 : RT_DP_NIL;
	}
	for (uint32_t i = 0; i < c->nbucket; i++)
		c->bucket[i] = RT_DP_NIL;
}

int rt_dp_configure(struct rt_dpcache *c, uint32_t size, uint32_t max_age_s)
{
	struct rt_dp_entry *e = NULL;
	uint32_t *b = NULL;
	uint32_t nb = 1;

	if (size > RT_DP_MAX_SIZE || !max_age_s || max_age_s > RT_DP_MAX_AGE)
		return -EINVAL;
	while (nb < 2 * size)
		nb <<= 1;
	if (size) {
		e = calloc(size, sizeof(*e));
		b = calloc(nb, sizeof(*b));
		if (!e || !b) {
			free(e);
			free(b);
			return -ENOMEM;
		}
	}
	free(c->e);
	free(c->bucket);
	c->e = e;
	c->bucket = b;
	c->size = size;
	c->nbucket = size ? nb : 0;
	c->max_age_ns = (uint64_t)max_age_s * 1000000000ull;
	reset(c);
	return 0;
}

void rt_dp_free(struct rt_dpcache *c)
{
	free(c->e);
	free(c->bucket);
	c->e = NULL;
	c->bucket = NULL;
	c->size = c->nbucket = c->n = 0;
}

void rt_dp_clear(struct rt_dpcache *c)
{
	reset(c);
}

/* Index of the entry for the key, with *link pointing at the chain slot
 * that holds it; RT_DP_NIL when absent. */
static uint32_t find(struct rt_dpcache *c, uint32_t vni, uint8_t family, const uint8_t *ip,
		     uint32_t **link)
{
	uint32_t *l;

	if (!c->size)
		return RT_DP_NIL;
	l = &c->bucket[bucket_of(c, vni, family, ip)];
	while (*l != RT_DP_NIL) {
		struct rt_dp_entry *e = &c->e[*l];

		if (e->vni == vni && e->family == family && !memcmp(e->ip, ip, alen(family))) {
			*link = l;
			return *l;
		}
		l = &e->hnext;
	}
	return RT_DP_NIL;
}

static void remove_at(struct rt_dpcache *c, uint32_t i, uint32_t *link)
{
	struct rt_dp_entry *e = &c->e[i];

	*link = e->hnext;
	lru_unlink(c, i);
	memset(e, 0, sizeof(*e));
	e->next = c->free;
	c->free = i;
	c->n--;
}

struct rt_dp_entry *rt_dp_lookup(struct rt_dpcache *c, uint32_t vni, uint8_t family,
				 const uint8_t *ip, uint64_t now_ns, bool count)
{
	uint32_t *link = NULL;
	uint32_t i = find(c, vni, family, ip, &link);
	struct rt_dp_entry *e;

	if (i == RT_DP_NIL)
		return NULL;
	e = &c->e[i];
	if (now_ns - e->learned_ns > c->max_age_ns) {
		if (count) {
			remove_at(c, i, link);
			c->st.aged++;
		}
		return NULL;
	}
	if (count) {
		e->hits++;
		e->used_ns = now_ns;
		c->st.used++;
		if (c->head != i) {
			lru_unlink(c, i);
			lru_push(c, i);
		}
	}
	return e;
}

int rt_dp_learn(struct rt_dpcache *c, uint32_t vni, uint8_t family, const uint8_t *ip,
		const struct gnv_addr *host, uint64_t now_ns)
{
	uint32_t *link = NULL;
	uint32_t i = find(c, vni, family, ip, &link);
	struct rt_dp_entry *e;

	if (!c->size)
		return -ENOSPC;
	if (i == RT_DP_NIL) {
		if (c->free == RT_DP_NIL) {
			uint32_t v = c->tail;
			uint32_t *vl = NULL;

			find(c, c->e[v].vni, c->e[v].family, c->e[v].ip, &vl);
			remove_at(c, v, vl);
			c->st.evicted++;
		}
		i = c->free;
		e = &c->e[i];
		c->free = e->next;
		e->vni = vni;
		e->family = family;
		memcpy(e->ip, ip, alen(family));
		e->hnext = c->bucket[bucket_of(c, vni, family, ip)];
		c->bucket[bucket_of(c, vni, family, ip)] = i;
		c->n++;
		lru_push(c, i);
	} else {
		e = &c->e[i];
		lru_unlink(c, i);
		lru_push(c, i);
	}
	e->host = *host;
	e->learned_ns = now_ns;
	c->st.learned++;
	return 0;
}

bool rt_dp_invalidate(struct rt_dpcache *c, uint32_t vni, uint8_t family, const uint8_t *ip)
{
	uint32_t *link = NULL;
	uint32_t i = find(c, vni, family, ip, &link);

	if (i == RT_DP_NIL)
		return false;
	remove_at(c, i, link);
	c->st.invalidated++;
	return true;
}

unsigned int rt_dp_invalidate_host(struct rt_dpcache *c, const struct gnv_addr *host)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < c->size; i++) {
		struct rt_dp_entry *e = &c->e[i];
		uint32_t *link = NULL;

		if (!e->family || !gnv_addr_eq(&e->host, host))
			continue;
		if (find(c, e->vni, e->family, e->ip, &link) == i) {
			remove_at(c, i, link);
			n++;
		}
	}
	return n;
}

bool rt_dp_limit_ok(struct rt_dpcache *c, const struct gnv_addr *to, uint32_t vni,
		    uint8_t family, const uint8_t *ip, bool invalidate, uint64_t now_ns)
{
	uint64_t k = key_hash(vni, family, ip) ^ invalidate;

	for (size_t i = 0; i < alen(to->family); i++)
		k = (k ^ to->a[i]) * 0x100000001b3ull;
	k |= 1;				/* 0 marks an unused slot */
	unsigned int s = (unsigned int)(k >> 40) % RT_DP_RL_SLOTS;

	if (c->rl[s].key == k && now_ns - c->rl[s].last_ns < RT_DP_RL_NS) {
		c->st.rts_limited++;
		return false;
	}
	c->rl[s].key = k;
	c->rl[s].last_ns = now_ns;
	return true;
}

bool rt_dp_queue(struct rt_dpcache *c, const struct rt_dp_msg *m)
{
	if (c->nout == RT_DP_OUTBOX) {
		c->st.outbox_full++;
		return false;
	}
	c->out[c->nout++] = *m;
	return true;
}

int rt_dp_build(const struct rt_dp_msg *m, uint16_t cls, const struct gnv_addr *self,
		const uint8_t *self_mac, uint8_t *buf, size_t size)
{
	size_t osz = GENV_RTS_OPT_SIZE(self->family), ipsz = m->family == 6 ? 40 : 20;
	size_t need = GNV_HDR_SIZE + osz + ETH_HLEN + ipsz;
	struct gnv_optbuf ob;
	struct gnv_rts r = { .invalidate = m->invalidate, .host = *self };
	uint8_t *p;

	if (size < need)
		return -ENOSPC;
	memset(buf, 0, need);
	buf[0] = (uint8_t)(osz / 4);
	buf[1] = (uint8_t)(0x80 | (m->invalidate ? 0x40 : 0));	/* O, C */
	gnv_put16(buf + 2, ETH_P_TEB);
	gnv_put24(buf + 4, m->vni);
	memcpy(r.mac, self_mac, 6);
	gnv_optbuf_init(&ob, buf + GNV_HDR_SIZE, osz);
	if (gnv_opt_rts_put(&ob, cls, &r) < 0)
		return -ENOSPC;
	p = buf + GNV_HDR_SIZE + osz;
	memcpy(p + 6, self_mac, 6);	/* inner dst MAC left 0: nobody's */
	gnv_put16(p + 12, m->family == 6 ? ETH_P_IPV6 : ETH_P_IP);
	p += ETH_HLEN;
	if (m->family == 6) {
		p[0] = 0x60;
		p[6] = 253;
		p[7] = 1;
		memcpy(p + 8, m->ip, 16);
		memcpy(p + 24, m->peer, 16);
	} else {
		p[0] = 0x45;
		gnv_put16(p + 2, 20);
		p[8] = 1;
		p[9] = 253;
		memcpy(p + 12, m->ip, 4);
		memcpy(p + 16, m->peer, 4);
		gnv_put16(p + 10, csum_fold(csum_partial(p, 20, 0)));
	}
	return (int)need;
}
