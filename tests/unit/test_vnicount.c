/* SPDX-License-Identifier: MIT */
/*
 * libcore/vnicount.h: add and find, growth keeps every count, sorted view.
 * A Check suite (tests/unit/main.c); calls libcore only.
 */
#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include "../../libcore/vnicount.h"

Suite *vnicount_suite(void);

struct cnt {
	struct gnv_vni_entry e;
	uint64_t pkts;
	uint8_t pad[13];	/* an odd entry size */
};

START_TEST(add_find)
{
	struct gnv_vnicount t;
	struct cnt *c;

	gnv_vnicount_init(&t, sizeof(struct cnt), 3);
	ck_assert_ptr_null(gnv_vnicount_find(&t, 5));
	ck_assert_uint_eq(t.cap, 0);		/* nothing allocated yet */
	c = gnv_vnicount_get(&t, 5);
	ck_assert_ptr_nonnull(c);
	ck_assert_uint_eq(t.cap, 4);		/* 3 rounded up */
	ck_assert_uint_eq(c->e.vni, 5);
	ck_assert_uint_eq(c->pkts, 0);
	c->pkts = 7;
	ck_assert_ptr_eq(gnv_vnicount_get(&t, 5), c);
	ck_assert_ptr_eq(gnv_vnicount_find(&t, 5), c);
	ck_assert_uint_eq(t.used, 1);
	/* VNI 0 and the largest are keys like any other */
	ck_assert_ptr_nonnull(gnv_vnicount_get(&t, 0));
	ck_assert_ptr_nonnull(gnv_vnicount_get(&t, 0xffffff));
	ck_assert_uint_eq(t.used, 3);
	ck_assert_uint_eq(((struct cnt *)gnv_vnicount_find(&t, 5))->pkts, 7);
	gnv_vnicount_free(&t);
	ck_assert_ptr_null(gnv_vnicount_find(&t, 5));
}
END_TEST

START_TEST(growth_and_sorted)
{
	struct gnv_vnicount t;
	void **list;
	uint32_t n, seen = 0;

	gnv_vnicount_init(&t, sizeof(struct cnt), 2);
	/* 5000 VNIs in a scattered order, each counted vni % 7 + 1 times */
	for (uint32_t k = 0; k < 5000; k++) {
		uint32_t vni = (k * 7919u) % 5000u * 3u;

		for (uint32_t r = 0; r <= vni % 7; r++) {
			struct cnt *c = gnv_vnicount_get(&t, vni);

			ck_assert_ptr_nonnull(c);
			c->pkts++;
		}
	}
	ck_assert_uint_eq(t.used, 5000);
	ck_assert_uint_ge(t.cap, 10000);	/* at most half full */
	for (uint32_t i = 0; i < t.cap; i++)
		seen += gnv_vnicount_slot(&t, i) != NULL;
	ck_assert_uint_eq(seen, 5000);
	list = calloc(t.used, sizeof(*list));
	ck_assert_ptr_nonnull(list);
	n = gnv_vnicount_sorted(&t, list);
	ck_assert_uint_eq(n, 5000);
	for (uint32_t i = 0; i < n; i++) {
		const struct cnt *c = list[i];

		ck_assert_uint_eq(c->e.vni, i * 3);
		ck_assert_uint_eq(c->pkts, c->e.vni % 7 + 1);
	}
	ck_assert_ptr_null(gnv_vnicount_find(&t, 1));
	free(list);
	gnv_vnicount_free(&t);
}
END_TEST

Suite *vnicount_suite(void)
{
	Suite *s = suite_create("vnicount");
	TCase *tc = tcase_create("vnicount");

	tcase_add_test(tc, add_find);
	tcase_add_test(tc, growth_and_sorted);
	suite_add_tcase(s, tc);
	return s;
}
