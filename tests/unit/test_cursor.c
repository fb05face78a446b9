/* SPDX-License-Identifier: MIT */
/* libcore/cursor.h: captured vs claimed lengths, pulls, limits, byte order. */
#include <check.h>
#include <string.h>
#include "../../libcore/cursor.h"

Suite *cursor_suite(void);

static const uint8_t bytes[16] = {
	0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
	0x89, 0xab, 0xcd, 0xef, 0xf0, 0x0f, 0xff, 0x00,
};

START_TEST(init_lengths)
{
	struct gnv_cur c;

	gnv_cur_init(&c, bytes, 10, 16);
	ck_assert_ptr_eq(c.base, bytes);
	ck_assert_uint_eq(c.off, 0);
	ck_assert_uint_eq(c.cap, 10);
	ck_assert_uint_eq(c.end, 16);
	ck_assert_uint_eq(gnv_cur_left(&c), 16);
	ck_assert_uint_eq(gnv_cur_avail(&c), 10);

	/* a claimed length below the captured one is raised to it */
	gnv_cur_init(&c, bytes, 16, 4);
	ck_assert_uint_eq(c.end, 16);
	ck_assert_uint_eq(gnv_cur_left(&c), 16);
	ck_assert_uint_eq(gnv_cur_avail(&c), 16);

	gnv_cur_init(&c, bytes, 0, 0);
	ck_assert_uint_eq(gnv_cur_left(&c), 0);
	ck_assert_uint_eq(gnv_cur_avail(&c), 0);
	ck_assert_int_eq(gnv_cur_check(&c, 0), GNV_OK);
	ck_assert_int_eq(gnv_cur_check(&c, 1), GNV_INVALID);
}
END_TEST

START_TEST(check_ok_truncated_invalid)
{
	struct gnv_cur c;

	gnv_cur_init(&c, bytes, 10, 16);
	for (size_t n = 0; n <= 10; n++)
		ck_assert_int_eq(gnv_cur_check(&c, n), GNV_OK);
	for (size_t n = 11; n <= 16; n++)
		ck_assert_int_eq(gnv_cur_check(&c, n), GNV_TRUNCATED);
	for (size_t n = 17; n <= 40; n++)
		ck_assert_int_eq(gnv_cur_check(&c, n), GNV_INVALID);
	ck_assert_int_eq(gnv_cur_check(&c, (size_t)-1), GNV_INVALID);
}
END_TEST

START_TEST(pull_advances_or_stays)
{
	struct gnv_cur c;
	const uint8_t *p;

	gnv_cur_init(&c, bytes, 10, 16);
	p = gnv_cur_pull(&c, 4);
	ck_assert_ptr_eq(p, bytes);
	ck_assert_uint_eq(c.off, 4);
	ck_assert_ptr_eq(gnv_cur_ptr(&c), bytes + 4);
	ck_assert_uint_eq(gnv_cur_left(&c), 12);
	ck_assert_uint_eq(gnv_cur_avail(&c), 6);

	/* truncated: nothing moves */
	ck_assert_ptr_null(gnv_cur_pull(&c, 7));
	ck_assert_uint_eq(c.off, 4);
	/* invalid: nothing moves */
	ck_assert_ptr_null(gnv_cur_pull(&c, 13));
	ck_assert_uint_eq(c.off, 4);

	p = gnv_cur_pull(&c, 6);
	ck_assert_ptr_eq(p, bytes + 4);
	ck_assert_uint_eq(c.off, 10);
	ck_assert_uint_eq(gnv_cur_avail(&c), 0);
	ck_assert_uint_eq(gnv_cur_left(&c), 6);
	ck_assert_int_eq(gnv_cur_check(&c, 1), GNV_TRUNCATED);
	/* zero-byte pulls always succeed */
	ck_assert_ptr_eq(gnv_cur_pull(&c, 0), bytes + 10);
	ck_assert_uint_eq(c.off, 10);
}
END_TEST

START_TEST(pull_huge_never_wraps)
{
	struct gnv_cur c;

	gnv_cur_init(&c, bytes, 16, 16);
	ck_assert_ptr_nonnull(gnv_cur_pull(&c, 8));
	ck_assert_ptr_null(gnv_cur_pull(&c, (size_t)-1));
	ck_assert_ptr_null(gnv_cur_pull(&c, (size_t)-8));
	ck_assert_uint_eq(c.off, 8);
}
END_TEST

START_TEST(limit_narrows_only)
{
	struct gnv_cur c;

	gnv_cur_init(&c, bytes, 16, 16);
	gnv_cur_pull(&c, 2);
	gnv_cur_limit(&c, 6);
	ck_assert_uint_eq(c.end, 8);
	ck_assert_uint_eq(gnv_cur_left(&c), 6);
	/* captured bytes past the claimed end are not readable */
	ck_assert_uint_eq(gnv_cur_avail(&c), 6);
	ck_assert_int_eq(gnv_cur_check(&c, 7), GNV_INVALID);
	/* widening is ignored */
	gnv_cur_limit(&c, 100);
	ck_assert_uint_eq(c.end, 8);
	gnv_cur_limit(&c, 6);
	ck_assert_uint_eq(c.end, 8);
	gnv_cur_limit(&c, 0);
	ck_assert_uint_eq(c.end, 2);
	ck_assert_int_eq(gnv_cur_check(&c, 1), GNV_INVALID);
}
END_TEST

START_TEST(limit_beyond_capture)
{
	struct gnv_cur c;

	/* claimed 16, captured 6: limiting to 10 keeps 6..10 truncated */
	gnv_cur_init(&c, bytes, 6, 16);
	gnv_cur_limit(&c, 10);
	ck_assert_uint_eq(gnv_cur_left(&c), 10);
	ck_assert_uint_eq(gnv_cur_avail(&c), 6);
	ck_assert_int_eq(gnv_cur_check(&c, 6), GNV_OK);
	ck_assert_int_eq(gnv_cur_check(&c, 7), GNV_TRUNCATED);
	ck_assert_int_eq(gnv_cur_check(&c, 11), GNV_INVALID);
}
END_TEST

START_TEST(byte_order)
{
	uint8_t b[4];

	ck_assert_uint_eq(gnv_be16(bytes), 0x0102);
	ck_assert_uint_eq(gnv_be16(bytes + 8), 0x89ab);
	ck_assert_uint_eq(gnv_be24(bytes + 8), 0x89abcd);
	ck_assert_uint_eq(gnv_be32(bytes), 0x01020304);
	ck_assert_uint_eq(gnv_be32(bytes + 8), 0x89abcdefu);
	ck_assert_uint_eq(gnv_be32(bytes + 12), 0xf00fff00u);
	/* unaligned reads */
	ck_assert_uint_eq(gnv_be16(bytes + 1), 0x0203);
	ck_assert_uint_eq(gnv_be32(bytes + 9), 0xabcdeff0u);

	gnv_put16(b, 0xbeef);
	ck_assert(b[0] == 0xbe && b[1] == 0xef);
	memset(b, 0, 4);
	gnv_put24(b, 0x123456);
	ck_assert(b[0] == 0x12 && b[1] == 0x34 && b[2] == 0x56 && b[3] == 0);
	gnv_put32(b, 0xdeadbeefu);
	ck_assert_uint_eq(gnv_be32(b), 0xdeadbeefu);
	gnv_put24(b, 0xffffff);
	ck_assert_uint_eq(gnv_be24(b), 0xffffff);
	gnv_put16(b, 0);
	ck_assert_uint_eq(gnv_be16(b), 0);
}
END_TEST

Suite *cursor_suite(void)
{
	Suite *s = suite_create("cursor");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, init_lengths);
	tcase_add_test(tc, check_ok_truncated_invalid);
	tcase_add_test(tc, pull_advances_or_stays);
	tcase_add_test(tc, pull_huge_never_wraps);
	tcase_add_test(tc, limit_narrows_only);
	tcase_add_test(tc, limit_beyond_capture);
	tcase_add_test(tc, byte_order);
	suite_add_tcase(s, tc);
	return s;
}
