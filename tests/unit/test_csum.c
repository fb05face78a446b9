/* SPDX-License-Identifier: MIT */
/* libcore/csum.h: RFC 1071 sums, pseudo headers, RFC 1624 updates. */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/csum.h"

Suite *csum_suite(void);

/* Reference: the textbook word-at-a-time sum, folded and complemented. */
static uint16_t ref_csum(const uint8_t *p, size_t n)
{
	uint64_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

static uint32_t rnd_state = 12345;

static uint32_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 17;
	rnd_state ^= rnd_state << 5;
	return rnd_state;
}

START_TEST(rfc1071_example)
{
	/* RFC 1071 section 3: the sum of these words is 0xddf2 */
	static const uint8_t d[8] = { 0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7 };

	ck_assert_uint_eq(csum_fold(csum_partial(d, 8, 0)), (uint16_t)~0xddf2);
	ck_assert_uint_eq(csum_fold(csum_partial(d, 8, 0)), 0x220d);
	/* byte order independence: summing in two pieces gives the same */
	ck_assert_uint_eq(csum_fold(csum_partial(d + 4, 4, csum_partial(d, 4, 0))), 0x220d);
}
END_TEST

START_TEST(ipv4_header_example)
{
	/* a well-known IPv4 header with checksum 0xb861 */
	uint8_t h[20] = { 0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
			  0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7 };

	ck_assert_uint_eq(csum_fold(csum_partial(h, 20, 0)), 0);	/* verifies */
	h[10] = h[11] = 0;
	ck_assert_uint_eq(csum_fold(csum_partial(h, 20, 0)), 0xb861);
}
END_TEST

START_TEST(empty_and_zero)
{
	static const uint8_t z[6] = { 0 };

	ck_assert_uint_eq(csum_partial(z, 0, 0), 0);
	ck_assert_uint_eq(csum_partial(z, 0, 0x1234), 0x1234);
	ck_assert_uint_eq(csum_fold(0), 0xffff);
	ck_assert_uint_eq(csum_fold(0xffff), 0);
	ck_assert_uint_eq(csum_fold(0x1ffff), (uint16_t)~0x0001);	/* 0xffff + 1 -> 0x0001 */
	ck_assert_uint_eq(csum_fold(0xffffffffu), 0);
	ck_assert_uint_eq(csum_fold(csum_partial(z, 6, 0)), 0xffff);
}
END_TEST

START_TEST(odd_lengths_and_alignment)
{
	uint8_t buf[300];

	for (int iter = 0; iter < 200; iter++) {
		for (size_t i = 0; i < sizeof(buf); i++)
			buf[i] = (uint8_t)rnd();
		for (size_t n = 0; n <= 64; n++) {
			size_t a = rnd() % 8;

			ck_assert_msg(csum_fold(csum_partial(buf + a, n, 0)) == ref_csum(buf + a, n),
				      "length %zu at alignment %zu", n, a);
		}
		{
			size_t n = 65 + rnd() % 220, a = rnd() % 8;

			ck_assert_uint_eq(csum_fold(csum_partial(buf + a, n, 0)), ref_csum(buf + a, n));
		}
	}
	/* an odd final byte counts as the high byte of a zero-padded word */
	{
		static const uint8_t d[3] = { 0x12, 0x34, 0x56 };

		ck_assert_uint_eq(csum_fold(csum_partial(d, 3, 0)), (uint16_t)~(0x1234 + 0x5600));
	}
}
END_TEST

START_TEST(split_even_boundary)
{
	uint8_t buf[256];

	for (size_t i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)rnd();
	for (size_t k = 0; k <= sizeof(buf); k += 2) {
		uint32_t s = csum_partial(buf + k, sizeof(buf) - k, csum_partial(buf, k, 0));

		ck_assert_uint_eq(csum_fold(s), ref_csum(buf, sizeof(buf)));
	}
}
END_TEST

START_TEST(large_carries)
{
	size_t n = 200000;
	uint8_t *p = malloc(n + 1);

	ck_assert_ptr_nonnull(p);
	memset(p, 0xff, n + 1);
	ck_assert_uint_eq(csum_fold(csum_partial(p, n, 0)), ref_csum(p, n));
	ck_assert_uint_eq(csum_fold(csum_partial(p, n + 1, 0)), ref_csum(p, n + 1));
	/* a large incoming partial sum is folded correctly */
	ck_assert_uint_eq(csum_fold(csum_partial(p, n, 0xffffffffu)),
			  csum_fold(csum_partial(p, n, 0xffff)));
	free(p);
}
END_TEST

START_TEST(pseudo_headers)
{
	static const uint8_t s4[4] = { 10, 200, 0, 1 }, d4[4] = { 10, 200, 0, 2 };
	uint8_t s6[16], d6[16], ph[40];

	for (int it = 0; it < 100; it++) {
		uint32_t len = rnd() % 70000;
		uint8_t proto = (uint8_t)rnd();

		/* IPv4: src, dst, zero, proto, 16-bit length */
		memcpy(ph, s4, 4);
		memcpy(ph + 4, d4, 4);
		ph[8] = 0;
		ph[9] = proto;
		ph[10] = (uint8_t)((len & 0xffff) >> 8);
		ph[11] = (uint8_t)len;
		if (len <= 0xffff)
			ck_assert_uint_eq(csum_fold(csum_pseudo4(s4, d4, proto, len)), ref_csum(ph, 12));

		/* IPv6: src, dst, 32-bit length, 3 zero bytes, next header */
		for (int i = 0; i < 16; i++) {
			s6[i] = (uint8_t)rnd();
			d6[i] = (uint8_t)rnd();
		}
		memcpy(ph, s6, 16);
		memcpy(ph + 16, d6, 16);
		ph[32] = (uint8_t)(len >> 24);
		ph[33] = (uint8_t)(len >> 16);
		ph[34] = (uint8_t)(len >> 8);
		ph[35] = (uint8_t)len;
		ph[36] = ph[37] = ph[38] = 0;
		ph[39] = proto;
		ck_assert_uint_eq(csum_fold(csum_pseudo6(s6, d6, proto, len)), ref_csum(ph, 40));
	}
}
END_TEST

START_TEST(rfc1624_example)
{
	/* RFC 1624 section 4: eqn 3 gives 0x0000 where eqn 2 would give 0xffff */
	ck_assert_uint_eq(csum_update16(0xdd2f, 0x5555, 0x3285), 0x0000);
	/* no change, no change */
	ck_assert_uint_eq(csum_update16(0x1234, 0xabcd, 0xabcd), 0x1234);
}
END_TEST

START_TEST(incremental_equals_full)
{
	uint8_t h[60];

	for (int it = 0; it < 20000; it++) {
		size_t n = 20 + 4 * (rnd() % 11), w;
		uint16_t c, old16, new16;

		for (size_t i = 0; i < n; i++)
			h[i] = (uint8_t)rnd();
		h[0] = (uint8_t)(0x40 | n / 4);	/* never an all-zero header */
		h[10] = h[11] = 0;
		c = csum_fold(csum_partial(h, n, 0));
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;

		/* one 16-bit word (not the checksum) */
		do
			w = 2 * (rnd() % (n / 2));
		while (w == 10);
		old16 = (uint16_t)(h[w] << 8 | h[w + 1]);
		new16 = (uint16_t)rnd();
		if (w == 0)
			new16 = (uint16_t)((new16 & 0x0fff) | 0x4000);
		h[w] = (uint8_t)(new16 >> 8);
		h[w + 1] = (uint8_t)new16;
		c = csum_update16(c, old16, new16);
		h[10] = h[11] = 0;
		ck_assert_msg(c == csum_fold(csum_partial(h, n, 0)), "16-bit update at %zu", w);
		h[10] = (uint8_t)(c >> 8);
		h[11] = (uint8_t)c;
		ck_assert_uint_eq(csum_fold(csum_partial(h, n, 0)), 0);

		/* one 32-bit field (an address) */
		{
			size_t a = rnd() & 1 ? 12 : 16;
			uint32_t o = (uint32_t)h[a] << 24 | (uint32_t)h[a + 1] << 16 |
				     (uint32_t)h[a + 2] << 8 | h[a + 3];
			uint32_t v = rnd();

			h[a] = (uint8_t)(v >> 24);
			h[a + 1] = (uint8_t)(v >> 16);
			h[a + 2] = (uint8_t)(v >> 8);
			h[a + 3] = (uint8_t)v;
			c = csum_update32(c, o, v);
			h[10] = h[11] = 0;
			ck_assert_msg(c == csum_fold(csum_partial(h, n, 0)), "32-bit update at %zu", a);
		}
	}
}
END_TEST

Suite *csum_suite(void)
{
	Suite *s = suite_create("csum");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, rfc1071_example);
	tcase_add_test(tc, ipv4_header_example);
	tcase_add_test(tc, empty_and_zero);
	tcase_add_test(tc, odd_lengths_and_alignment);
	tcase_add_test(tc, split_even_boundary);
	tcase_add_test(tc, large_carries);
	tcase_add_test(tc, pseudo_headers);
	tcase_add_test(tc, rfc1624_example);
	tcase_add_test(tc, incremental_equals_full);
	suite_add_tcase(s, tc);
	return s;
}
