/* SPDX-License-Identifier: MIT */
/*
 * The per-VNI counting table (see vnicount.h): growth, insertion, lookup,
 * a sorted view.
 *
 * Layer: libcore; calls only the C library (calloc, free, qsort).
 */
#include <stdlib.h>
#include <string.h>
#include "vnicount.h"

static struct gnv_vni_entry *entry(const struct gnv_vnicount *t, uint32_t i)
{
	return (struct gnv_vni_entry *)((char *)t->slots + (size_t)i * t->size);
}

void gnv_vnicount_init(struct gnv_vnicount *t, size_t entry_size, uint32_t first_cap)
{
	uint32_t c = 2;

	while (c < first_cap && c < (1u << 30))
		c *= 2;
	memset(t, 0, sizeof(*t));
	t->size = entry_size < sizeof(struct gnv_vni_entry) ? sizeof(struct gnv_vni_entry) : entry_size;
	t->first_cap = c;
}

void gnv_vnicount_free(struct gnv_vnicount *t)
{
	free(t->slots);
	t->slots = NULL;
	t->cap = t->used = 0;
}

/* Double the table (or allocate its first slots); false when out of memory. */
static bool grow(struct gnv_vnicount *t)
{
	uint32_t ncap = t->cap ? t->cap * 2 : t->first_cap, mask = ncap - 1;
	struct gnv_vnicount n = *t;

	if (t->cap >= (1u << 30))
		return false;
	n.slots = calloc(ncap, t->size);
	if (!n.slots)
		return false;
	n.cap = ncap;
	for (uint32_t k = 0; k < t->cap; k++) {
		const struct gnv_vni_entry *o = entry(t, k);
		uint32_t i;

		if (!o->used)
			continue;
		for (i = gnv_vnicount_hash(o->vni) & mask; entry(&n, i)->used; i = (i + 1) & mask)
			;
		memcpy(entry(&n, i), o, t->size);
	}
	free(t->slots);
	t->slots = n.slots;
	t->cap = ncap;
	return true;
}

void *gnv_vnicount_add(struct gnv_vnicount *t, uint32_t vni)
{
	struct gnv_vni_entry *e;
	uint32_t mask, i;

	if (t->used * 2 >= t->cap && !grow(t))
		return NULL;
	mask = t->cap - 1;
	for (i = gnv_vnicount_hash(vni) & mask; (e = entry(t, i))->used; i = (i + 1) & mask)
		if (e->vni == vni)
			return e;
	e->used = true;
	e->vni = vni;
	t->used++;
	return e;
}

void *gnv_vnicount_find(const struct gnv_vnicount *t, uint32_t vni)
{
	struct gnv_vni_entry *e;
	uint32_t mask, i;

	if (!t->cap)
		return NULL;
	mask = t->cap - 1;
	for (i = gnv_vnicount_hash(vni) & mask; (e = entry(t, i))->used; i = (i + 1) & mask)
		if (e->vni == vni)
			return e;
	return NULL;
}

static int cmp_vni(const void *a, const void *b)
{
	const struct gnv_vni_entry *x = *(void *const *)a, *y = *(void *const *)b;

	return x->vni < y->vni ? -1 : x->vni > y->vni;
}

uint32_t gnv_vnicount_sorted(const struct gnv_vnicount *t, void **out)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < t->cap; i++)
		if (entry(t, i)->used)
			out[n++] = entry(t, i);
	if (n > 1)
		qsort(out, n, sizeof(*out), cmp_vni);
	return n;
}
