/* SPDX-License-Identifier: MIT */
/*
 * genv's own Geneve options: typed encoders and decoders (layouts in
 * opt_genv.h).  Layer: libcore; calls opt_tlv, cursor.h and libc.
 */
#include <errno.h>
#include <string.h>
#include "cursor.h"
#include "opt_genv.h"

/* reserve's NULL means no room once the values were checked */
#define RESERVE_OR_NOSPC(d, b, cls, type, size) \
	do { if (!((d) = gnv_opt_reserve(b, cls, type, size))) return -ENOSPC; } while (0)

int gnv_opt_label_get(const uint8_t *data, size_t size, uint32_t *labels,
		      unsigned int max, unsigned int *n)
{
	unsigned int k;

	if (size < 4 || size > 4 * GENV_LABEL_MAX || size % 4)
		return -EINVAL;
	k = (unsigned int)(size / 4);
	for (unsigned int i = 0; labels && i < k && i < max; i++)
		labels[i] = gnv_be32(data + 4 * i);
	*n = k;
	return 0;
}

int gnv_opt_label_put(struct gnv_optbuf *b, uint16_t cls, const uint32_t *labels,
		      unsigned int n)
{
	uint8_t *d;

	if (!n || n > GENV_LABEL_MAX)
		return -EINVAL;
	RESERVE_OR_NOSPC(d, b, cls, GENV_OPT_LABEL, 4 * (size_t)n);
	for (unsigned int i = 0; i < n; i++)
		gnv_put32(d + 4 * i, labels[i]);
	return 0;
}

int gnv_opt_eptype_get(const uint8_t *data, size_t size, uint8_t *eptype)
{
	if (size != GENV_EPTYPE_SIZE)
		return -EINVAL;
	*eptype = data[0];
	return 0;
}

int gnv_opt_eptype_put(struct gnv_optbuf *b, uint16_t cls, uint8_t eptype)
{
	uint8_t *d;

	RESERVE_OR_NOSPC(d, b, cls, GENV_OPT_EPTYPE, GENV_EPTYPE_SIZE);
	d[0] = eptype;
	return 0;
}

int gnv_opt_rts_get(const uint8_t *data, size_t size, uint8_t type, struct gnv_rts *r)
{
	if (!gnv_opt_rts_size_ok(data, size))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	r->flags = data[0];
	r->invalidate = type & GNV_OPT_CRITICAL;
	memcpy(r->mac, data + 2, 6);
	r->host.family = data[1];
	memcpy(r->host.a, data + 8, data[1] == 6 ? 16 : 4);
	return 0;
}

int gnv_opt_rts_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_rts *r)
{
	bool v6 = r->host.family == 6;
	uint8_t *d;

	if (r->host.family != 4 && !v6)
		return -EINVAL;
	RESERVE_OR_NOSPC(d, b, cls, r->invalidate ? GENV_OPT_RTS_INVALIDATE : GENV_OPT_RTS,
			 v6 ? GENV_RTS6_SIZE : GENV_RTS4_SIZE);
	d[0] = r->flags;
	d[1] = v6 ? 6 : 4;
	memcpy(d + 2, r->mac, 6);
	memcpy(d + 8, r->host.a, v6 ? 16 : 4);
	return 0;
}

int gnv_opt_qos_get(const uint8_t *data, size_t size, struct gnv_qos *q)
{
	if (size != GENV_QOS_SIZE || data[0] > QOS_BESTEFFORT)
		return -EINVAL;
	q->cls = data[0];
	q->prio = data[1];
	return 0;
}

int gnv_opt_qos_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_qos *q)
{
	uint8_t *d;

	RESERVE_OR_NOSPC(d, b, cls, GENV_OPT_QOS, GENV_QOS_SIZE);
	d[0] = q->cls;
	d[1] = q->prio;
	return 0;
}

int gnv_opt_ident_get(const uint8_t *data, size_t size, uint32_t *id)
{
	if (size != GENV_IDENT_SIZE)
		return -EINVAL;
	*id = gnv_be32(data);
	return *id ? 0 : -EINVAL;
}

int gnv_opt_ident_put(struct gnv_optbuf *b, uint16_t cls, uint32_t id, bool critical)
{
	uint8_t *d;

	if (!id)
		return -EINVAL;
	RESERVE_OR_NOSPC(d, b, cls, critical ? GENV_OPT_IDENT_CRIT : GENV_OPT_IDENT, GENV_IDENT_SIZE);
	gnv_put32(d, id);
	return 0;
}

int gnv_opt_odst_get(const uint8_t *data, size_t size, struct gnv_odst *o)
{
	if (!gnv_opt_odst_size_ok(data, size))
		return -EINVAL;
	memset(o, 0, sizeof(*o));
	memcpy(o->mac, data + 2, 6);
	o->addr.family = data[1];
	memcpy(o->addr.a, data + 8, data[1] == 6 ? 16 : 4);
	return 0;
}

void gnv_opt_odst_write(uint8_t *d, const uint8_t *mac, int family, const uint8_t *addr)
{
	d[0] = 0;
	d[1] = family == 6 ? 6 : 4;
	memcpy(d + 2, mac, 6);
	memcpy(d + 8, addr, family == 6 ? 16 : 4);
}

int gnv_opt_odst_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_odst *o)
{
	uint8_t *d;

	if (o->addr.family != 4 && o->addr.family != 6)
		return -EINVAL;
	RESERVE_OR_NOSPC(d, b, cls, GENV_OPT_ODST,
			 o->addr.family == 6 ? GENV_ODST6_SIZE : GENV_ODST4_SIZE);
	gnv_opt_odst_write(d, o->mac, o->addr.family, o->addr.a);
	return 0;
}

int gnv_opt_health_get(const uint8_t *data, size_t size, struct gnv_health *h)
{
	if (size != GENV_HEALTH_SIZE)
		return -EINVAL;
	h->answer = data[0] & GENV_HEALTH_F_ANSWER;
	h->seq = gnv_be32(data + 4);
	return 0;
}

int gnv_opt_health_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_health *h)
{
	uint8_t *d;

	RESERVE_OR_NOSPC(d, b, cls, GENV_OPT_HEALTH, GENV_HEALTH_SIZE);
	memset(d, 0, GENV_HEALTH_SIZE);
	d[0] = h->answer ? GENV_HEALTH_F_ANSWER : 0;
	gnv_put32(d + 4, h->seq);
	return 0;
}

void gnv_opt_trace_rec_read(const uint8_t *p, struct gnv_trace_rec *r)
{
	memcpy(r->id, p, 4);
	r->role = p[4];
	r->verdict = p[5];
	r->reason = gnv_be16(p + 6);
	r->ts_us = gnv_be32(p + 8);
}

void gnv_opt_trace_rec_write(uint8_t *p, const struct gnv_trace_rec *r)
{
	memcpy(p, r->id, 4);
	p[4] = r->role;
	p[5] = r->verdict;
	gnv_put16(p + 6, r->reason);
	gnv_put32(p + 8, r->ts_us);
}

int gnv_opt_trace_get(const uint8_t *data, size_t size, struct gnv_trace *t)
{
	if (!gnv_opt_trace_size_ok(data, size))
		return -EINVAL;
	t->flags = data[0];
	t->nhop = data[1];
	t->id = gnv_be16(data + 2);
	t->seq = gnv_be32(data + 4);
	for (unsigned int i = 0; i < t->nhop; i++)
		gnv_opt_trace_rec_read(data + GENV_TRACE_HDR_SIZE + i * GENV_TRACE_REC_SIZE,
				       &t->rec[i]);
	return 0;
}

int gnv_opt_trace_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_trace *t)
{
	uint8_t *d;

	if (t->nhop > GENV_TRACE_MAX_HOPS)
		return -EINVAL;
	RESERVE_OR_NOSPC(d, b, cls, GENV_OPT_TRACE,
			 GENV_TRACE_HDR_SIZE + (size_t)t->nhop * GENV_TRACE_REC_SIZE);
	d[0] = t->flags;
	d[1] = t->nhop;
	gnv_put16(d + 2, t->id);
	gnv_put32(d + 4, t->seq);
	for (unsigned int i = 0; i < t->nhop; i++)
		gnv_opt_trace_rec_write(d + GENV_TRACE_HDR_SIZE + i * GENV_TRACE_REC_SIZE,
					&t->rec[i]);
	return 0;
}
