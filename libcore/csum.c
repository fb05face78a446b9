/* SPDX-License-Identifier: MIT */
/*
 * RFC 1071 sum with 64-bit accumulation; RFC 1624 incremental update.
 *
 * Layer: libcore; calls only libc (and SSE2 intrinsics).
 */
#include <string.h>
#include "csum.h"
#ifdef __SSE2__
#include <emmintrin.h>
#endif

/*
 * The one's-complement sum does not depend on byte order (RFC 1071 2(B)):
 * sum native 32-bit words into a 64-bit accumulator, fold, and swap the
 * bytes of the result on little-endian hosts.  Buffers summed in pieces
 * must be split at even offsets (as RFC 1071 requires).
 */
uint32_t csum_partial(const uint8_t *p, size_t n, uint32_t sum)
{
	uint64_t acc = 0;
	uint32_t w, s;

#ifdef __SSE2__
	/*
	 * 16-bit words widened into four 32-bit lanes, 32 bytes a round; a
	 * lane takes at most 4 x 0xffff a round, so the lanes are emptied
	 * into acc every 16384 rounds, before they could overflow.
	 */
	while (n >= 32) {
		const __m128i z = _mm_setzero_si128();
		__m128i l = z;
		size_t rounds = n / 32 < 16384 ? n / 32 : 16384;
		uint32_t lane[4];

		for (size_t r = 0; r < rounds; r++, p += 32) {
			__m128i a = _mm_loadu_si128((const __m128i *)(const void *)p);
			__m128i b = _mm_loadu_si128((const __m128i *)(const void *)(p + 16));

			l = _mm_add_epi32(l, _mm_add_epi32(_mm_unpacklo_epi16(a, z),
							   _mm_unpackhi_epi16(a, z)));
			l = _mm_add_epi32(l, _mm_add_epi32(_mm_unpacklo_epi16(b, z),
							   _mm_unpackhi_epi16(b, z)));
		}
		n -= rounds * 32;
		_mm_storeu_si128((__m128i *)(void *)lane, l);
		acc += (uint64_t)lane[0] + lane[1] + lane[2] + lane[3];
	}
#endif
	while (n >= 16) {
		uint32_t a, b, c, d;

		memcpy(&a, p, 4);
		memcpy(&b, p + 4, 4);
		memcpy(&c, p + 8, 4);
		memcpy(&d, p + 12, 4);
		acc += (uint64_t)a + b + c + d;
		p += 16;
		n -= 16;
	}
	while (n >= 4) {
		memcpy(&w, p, 4);
		acc += w;
		p += 4;
		n -= 4;
	}
	if (n >= 2) {
		uint16_t h;

		memcpy(&h, p, 2);
		acc += h;
		p += 2;
		n -= 2;
	}
	if (n) {
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		acc += p[0];
#else
		acc += (uint32_t)p[0] << 8;
#endif
	}
	acc = (acc & 0xffffffffu) + (acc >> 32);
	acc = (acc & 0xffffffffu) + (acc >> 32);
	s = (uint32_t)acc;
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	s = ((s & 0xff) << 8) | (s >> 8);
#endif
	/* add to the caller's partial sum without overflowing 32 bits */
	sum += s;
	if (sum < s)
		sum++;
	return sum;
}

uint16_t csum_fold(uint32_t sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

uint32_t csum_pseudo4(const uint8_t src[4], const uint8_t dst[4], uint8_t proto, uint32_t len)
{
	uint64_t s = (uint32_t)(src[0] << 8 | src[1]) + (uint32_t)(src[2] << 8 | src[3]) +
		     (uint32_t)(dst[0] << 8 | dst[1]) + (uint32_t)(dst[2] << 8 | dst[3]) +
		     proto + (len >> 16) + (len & 0xffff);

	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint32_t csum_pseudo6(const uint8_t src[16], const uint8_t dst[16], uint8_t proto, uint32_t len)
{
	uint32_t s = csum_partial(src, 16, 0);

	s = csum_partial(dst, 16, s);
	return s + proto + (len >> 16) + (len & 0xffff);
}

uint16_t csum_update16(uint16_t csum, uint16_t old, uint16_t new_)
{
	/* HC' = ~(~HC + ~m + m') */
	uint32_t s = (uint16_t)~csum + (uint16_t)~old + (uint32_t)new_;

	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (uint16_t)~s;
}

uint16_t csum_update32(uint16_t csum, uint32_t old, uint32_t new_)
{
	csum = csum_update16(csum, (uint16_t)(old >> 16), (uint16_t)(new_ >> 16));
	return csum_update16(csum, (uint16_t)old, (uint16_t)new_);
}
