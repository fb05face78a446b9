/* SPDX-License-Identifier: MIT */
/* libcore/ecn.h: the RFC 6040 decapsulation table and the DS field. */
#include <check.h>
#include <string.h>
#include "../../libcore/csum.h"
#include "../../libcore/ecn.h"

Suite *ecn_suite(void);

#define N GNV_ECN_NOT_ECT
#define E0 GNV_ECN_ECT0
#define E1 GNV_ECN_ECT1
#define CE GNV_ECN_CE
#define D GNV_ECN_DROP

START_TEST(rfc6040_table)
{
	/* RFC 6040 Figure 4, typed in row by row: inner x outer */
	static const struct { uint8_t inner; int out[4]; } fig4[4] = {
		/*              outer: Not-ECT ECT(0) ECT(1) CE */
		{ N,  { [N] = N,  [E0] = N,  [E1] = N,  [CE] = D } },
		{ E0, { [N] = E0, [E0] = E0, [E1] = E1, [CE] = CE } },
		{ E1, { [N] = E1, [E0] = E1, [E1] = E1, [CE] = CE } },
		{ CE, { [N] = CE, [E0] = CE, [E1] = CE, [CE] = CE } },
	};

	for (int r = 0; r < 4; r++)
		for (int o = 0; o < 4; o++)
			ck_assert_msg(gnv_ecn_decap((uint8_t)o, fig4[r].inner) == fig4[r].out[o],
				      "inner %s outer %s", gnv_ecn_name(fig4[r].inner), gnv_ecn_name((uint8_t)o));
	/* only the two ECN bits count */
	ck_assert_int_eq(gnv_ecn_decap(0xfc | CE, 0xb8 | E0), CE);
}
END_TEST

START_TEST(encap_copies)
{
	for (uint8_t e = 0; e < 4; e++)
		ck_assert_uint_eq(gnv_ecn_encap((uint8_t)(0xb8 | e)), e);
	ck_assert_str_eq(gnv_ecn_name(CE), "ce");
	ck_assert_str_eq(gnv_ecn_name(E0), "ect0");
}
END_TEST

START_TEST(ds_ipv4_checksum)
{
	/* a valid IPv4 header; after the change its checksum must still verify */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x54, 0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0, 0,
			  10, 0, 1, 5, 10, 0, 2, 6 };
	uint16_t c = csum_fold(csum_partial(h, 20, 0));

	h[10] = (uint8_t)(c >> 8);
	h[11] = (uint8_t)c;
	for (unsigned int ds = 0; ds < 256; ds += 7) {
		gnv_ip_set_ds(h, 4, (uint8_t)ds);
		ck_assert_uint_eq(gnv_ip_ds(h, 4), ds);
		ck_assert_uint_eq(csum_fold(csum_partial(h, 20, 0)), 0);
	}
}
END_TEST

START_TEST(ds_ipv6)
{
	/* version 6, traffic class 0xa5, flow label 0x6789a */
	uint8_t h[4] = { 0x6a, 0x56, 0x78, 0x9a };

	ck_assert_uint_eq(gnv_ip_ds(h, 6), 0xa5);
	gnv_ip_set_ds(h, 6, 0xb9);	/* EF, ECT(1) */
	ck_assert_uint_eq(h[0], 0x6b);
	ck_assert_uint_eq(h[1], 0x96);
	ck_assert_uint_eq(h[2], 0x78);
	ck_assert_uint_eq(h[3], 0x9a);
	ck_assert_uint_eq(gnv_ip_ds(h, 6), 0xb9);
}
END_TEST

Suite *ecn_suite(void)
{
	Suite *s = suite_create("ecn");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rfc6040_table);
	tcase_add_test(tc, encap_copies);
	tcase_add_test(tc, ds_ipv4_checksum);
	tcase_add_test(tc, ds_ipv6);
	suite_add_tcase(s, tc);
	return s;
}
