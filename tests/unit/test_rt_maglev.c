/* SPDX-License-Identifier: MIT */
/* Maglev tables: table size, spread (chi-square), disruption on adding
 * and removing a backend, weights, the swap and reclaim. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/flowhash.h"
#include "../../router/maglev.h"

Suite *rt_maglev_suite(void);

#define FLOWS 10000

static void backend(struct rt_maglev_backend *b, unsigned int i, uint16_t weight)
{
	memset(b, 0, sizeof(*b));
	b->addr[0] = 10;
	b->addr[1] = (uint8_t)(i >> 8);
	b->addr[2] = (uint8_t)i;
	b->addr[3] = 5;
	b->weight = weight;
}

/* The flow hash of flow i: distinct source ports of one client. */
static uint32_t flow(unsigned int i)
{
	uint64_t x = 0x0a000001ull << 32 | (uint64_t)(1024 + i) << 16 | 80;

	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdull;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ull;
	x ^= x >> 33;
	return (uint32_t)x;
}

static struct rt_maglev *table(unsigned int n, unsigned int skip)
{
	struct rt_maglev_backend b[8];
	unsigned int k = 0;

	for (unsigned int i = 0; i < n; i++)
		if (i != skip)
			backend(&b[k++], i, 1);
	return rt_maglev_build(b, k);
}

START_TEST(test_size_prime)
{
	struct rt_maglev *m = table(4, 99);

	ck_assert_uint_eq(rt_maglev_prime(400), 401);
	ck_assert_uint_eq(rt_maglev_prime(100000), 100003);
	ck_assert_uint_ge(m->size, 4 * RT_MAGLEV_FACTOR);
	ck_assert_uint_eq(rt_maglev_size(1000), 102407);
	ck_assert_uint_eq(rt_maglev_size(17), rt_maglev_prime(6400));
	ck_assert_uint_eq(m->size, rt_maglev_prime(m->size));
	for (uint32_t i = 0; i < m->size; i++)
		ck_assert_uint_lt(m->slot[i], 4);
	rt_maglev_free(m);
	ck_assert_ptr_null(rt_maglev_build(NULL, 0));
}
END_TEST

/* 10,000 flows over 4 backends: chi-square with 3 degrees of freedom
 * below 16.27 (p = 0.001). */
START_TEST(test_spread_chi_square)
{
	struct rt_maglev *m = table(4, 99);
	unsigned int cnt[4] = { 0 };
	double chi = 0, e = FLOWS / 4.0;

	for (unsigned int i = 0; i < FLOWS; i++)
		cnt[rt_maglev_pick(m, flow(i))]++;
	for (int i = 0; i < 4; i++)
		chi += (cnt[i] - e) * (cnt[i] - e) / e;
	ck_assert_msg(chi < 16.27, "chi-square %.2f (%u %u %u %u)", chi, cnt[0], cnt[1], cnt[2], cnt[3]);
	rt_maglev_free(m);
}
END_TEST

/* A fifth backend takes about 1/5 of the flows, nearly all from the others
 * and nearly none moves between the old four. */
START_TEST(test_add_moves_a_fifth)
{
	struct rt_maglev *a = table(4, 99), *b = table(5, 99);
	unsigned int moved = 0, to_new = 0;

	for (unsigned int i = 0; i < FLOWS; i++) {
		uint32_t x = rt_maglev_pick(a, flow(i)), y = rt_maglev_pick(b, flow(i));

		moved += x != y;
		to_new += y == 4;
	}
	ck_assert_msg(to_new > FLOWS * 0.17 && to_new < FLOWS * 0.23, "%u flows to the new backend", to_new);
	ck_assert_msg(moved - to_new < FLOWS / 50, "%u flows moved between old backends", moved - to_new);
	rt_maglev_free(a);
	rt_maglev_free(b);
}
END_TEST

/* Removing backend 2: its flows move, the others' (almost all) stay. */
START_TEST(test_remove_moves_its_flows)
{
	struct rt_maglev *a = table(5, 99), *b = table(5, 2);
	static const uint32_t map[4] = { 0, 1, 3, 4 };	/* b's index -> a's */
	unsigned int others = 0, kept = 0;

	for (unsigned int i = 0; i < FLOWS; i++) {
		uint32_t x = rt_maglev_pick(a, flow(i)), y = map[rt_maglev_pick(b, flow(i))];

		ck_assert_uint_ne(y, 2);
		if (x != 2) {
			others++;
			kept += x == y;
		}
	}
	ck_assert_msg(others - kept < FLOWS / 50, "%u of %u other flows moved", others - kept, others);
	rt_maglev_free(a);
	rt_maglev_free(b);
}
END_TEST

START_TEST(test_weights)
{
	struct rt_maglev_backend b[2];
	struct rt_maglev *m;
	uint32_t share[2];

	backend(&b[0], 0, 3);
	backend(&b[1], 1, 1);
	m = rt_maglev_build(b, 2);
	rt_maglev_shares(m, share);
	ck_assert_uint_eq(share[0] + share[1], m->size);
	/* 3:1 within 1% of the table */
	ck_assert_int_lt(abs((int)share[0] - (int)(m->size * 3 / 4)), (int)m->size / 100 + 1);
	rt_maglev_free(m);
}
END_TEST

/* A backend flagged down (health.h) takes no slot; the table keeps its
 * size and every flow of the others stays; every backend down is the
 * full table; the up backends share the slots evenly. */
START_TEST(test_build_up)
{
	struct rt_maglev_backend b[4];
	uint8_t down[4] = { 0, 0, 1, 0 }, all[4] = { 1, 1, 1, 1 };
	struct rt_maglev *full, *up, *none;
	uint32_t count[4];
	unsigned int moved = 0;

	for (unsigned int i = 0; i < 4; i++)
		backend(&b[i], i, 1);
	full = rt_maglev_build(b, 4);
	up = rt_maglev_build_up(b, 4, down);
	none = rt_maglev_build_up(b, 4, all);
	ck_assert_ptr_nonnull(full);
	ck_assert_ptr_nonnull(up);
	ck_assert_ptr_nonnull(none);
	ck_assert_uint_eq(up->size, full->size);
	ck_assert_uint_eq(up->nbackend, 4);
	ck_assert_mem_eq(none->slot, full->slot, full->size * sizeof(full->slot[0]));
	rt_maglev_shares(up, count);
	ck_assert_uint_eq(count[2], 0);
	for (unsigned int i = 0; i < 4; i++)
		if (i != 2)
			ck_assert_msg(count[i] > up->size / 3 - up->size / 100 &&
				      count[i] < up->size / 3 + up->size / 100, "backend %u: %u of %u slots", i,
				      count[i], up->size);
	for (unsigned int f = 0; f < FLOWS; f++) {
		uint32_t a = rt_maglev_pick(full, flow(f)), c = rt_maglev_pick(up, flow(f));

		ck_assert_uint_ne(c, 2);
		if (a != 2)
			moved += a != c;
	}
	/* the paper's bound is about 1/N; in practice a few percent of the others' flows */
	ck_assert_msg(moved < FLOWS / 20, "%u of %u flows of live backends moved", moved, FLOWS);
	rt_maglev_free(full);
	rt_maglev_free(up);
	rt_maglev_free(none);
}
END_TEST

START_TEST(test_swap_reclaim)
{
	struct rt_maglev *slot = NULL, *retired = NULL, *a = table(2, 99), *b = table(3, 99);

	rt_maglev_swap(&slot, a, &retired);
	ck_assert_ptr_eq(rt_maglev_get(&slot), a);
	ck_assert_ptr_null(retired);
	rt_maglev_swap(&slot, b, &retired);
	ck_assert_ptr_eq(rt_maglev_get(&slot), b);
	ck_assert_ptr_eq(retired, a);	/* still readable until reclaimed */
	ck_assert_uint_eq(a->nbackend, 2);
	rt_maglev_reclaim(&retired);
	ck_assert_ptr_null(retired);
	rt_maglev_swap(&slot, NULL, &retired);
	rt_maglev_reclaim(&retired);
	ck_assert_ptr_null(slot);
}
END_TEST

Suite *rt_maglev_suite(void)
{
	Suite *s = suite_create("rt_maglev");
	TCase *tc = tcase_create("maglev");

	tcase_add_test(tc, test_size_prime);
	tcase_add_test(tc, test_spread_chi_square);
	tcase_add_test(tc, test_add_moves_a_fifth);
	tcase_add_test(tc, test_remove_moves_its_flows);
	tcase_add_test(tc, test_weights);
	tcase_add_test(tc, test_build_up);
	tcase_add_test(tc, test_swap_reclaim);
	suite_add_tcase(s, tc);
	return s;
}
