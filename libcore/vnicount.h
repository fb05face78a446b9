/* SPDX-License-Identifier: MIT */
/*
 * Counting per VNI: a table from VNI to the caller's counters (decode
 * --stats, top's capture source).  Open addressing, at most half full, so
 * a lookup is one or two probes; the counters are the caller's struct,
 * whose first member is struct gnv_vni_entry:
 *
 *   struct my_counts { struct gnv_vni_entry e; uint64_t pkts, bytes; };
 *   struct gnv_vnicount t;
 *
 *   gnv_vnicount_init(&t, sizeof(struct my_counts), 1024);
 *   struct my_counts *c = gnv_vnicount_get(&t, vni);	// zeroed when new
 *   if (c)
 *           c->pkts++;
 *   ...
 *   gnv_vnicount_free(&t);
 *
 * Layer: libcore; allocates (the table grows by doubling, rarely), no
 * I/O, no state outside the struct.  Entries move when the table grows:
 * do not keep pointers to them across a gnv_vnicount_get().
 */
#ifndef GENV_VNICOUNT_H
#define GENV_VNICOUNT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct gnv_vni_entry {		/* the first member of every entry */
	bool used;
	uint32_t vni;
};

struct gnv_vnicount {
	void *slots;		/* cap entries of size bytes */
	size_t size;		/* bytes per entry, struct gnv_vni_entry first */
	uint32_t cap;		/* 0 or a power of two */
	uint32_t used;
	uint32_t first_cap;	/* slots allocated by the first insertion */
};

/* An empty table (nothing allocated yet); first_cap is rounded up to a power of two. */
void gnv_vnicount_init(struct gnv_vnicount *t, size_t entry_size, uint32_t first_cap);
/* Frees the table (not what its entries point to: free that first). */
void gnv_vnicount_free(struct gnv_vnicount *t);

/* Slot i (< cap): its entry, or NULL when unused.  For walking the table. */
static inline void *gnv_vnicount_slot(const struct gnv_vnicount *t, uint32_t i)
{
	struct gnv_vni_entry *e = (struct gnv_vni_entry *)((char *)t->slots + (size_t)i * t->size);

	return e->used ? e : NULL;
}

static inline uint32_t gnv_vnicount_hash(uint32_t v)
{
	v ^= v >> 13;
	v *= 0x9e3779b1u;
	return v ^ (v >> 16);
}

/* Grows the table when needed, then finds or adds (zeroed) vni's entry. */
void *gnv_vnicount_add(struct gnv_vnicount *t, uint32_t vni);

/* vni's entry, added (zeroed) when new; NULL when out of memory. */
static inline void *gnv_vnicount_get(struct gnv_vnicount *t, uint32_t vni)
{
	if (t->used * 2 < t->cap) {
		uint32_t mask = t->cap - 1;

		for (uint32_t i = gnv_vnicount_hash(vni) & mask;; i = (i + 1) & mask) {
			struct gnv_vni_entry *e =
				(struct gnv_vni_entry *)((char *)t->slots + (size_t)i * t->size);

			if (!e->used)
				break;
			if (e->vni == vni)
				return e;
		}
	}
	return gnv_vnicount_add(t, vni);
}

/* vni's entry, or NULL when there is none. */
void *gnv_vnicount_find(const struct gnv_vnicount *t, uint32_t vni);

/* The used entries into out[] (room for t->used), sorted by VNI; their number. */
uint32_t gnv_vnicount_sorted(const struct gnv_vnicount *t, void **out);

#endif
