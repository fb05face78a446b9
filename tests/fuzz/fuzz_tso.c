/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target for libcore/tso: the segmenter, the coalescer and
 * partial checksum completion, with invariants checked on every input.
 *
 * Input layout:
 *   byte 0-1  MSS (little-endian, taken modulo 9000, plus 1)
 *   byte 2    bit 0: the rest is a train of records (2-byte little-endian
 *             length, frame) for the coalescer; else one super-frame
 *             bit 1: the coalescer verifies inner checksums
 *             bits 4-7: context (VNI) of record i is i % (1 + bits)
 *   byte 3-4  csum_start, byte 5-6 csum_offset (for tso_csum_complete)
 *   byte 7..  the frame(s)
 *
 * Invariants: every segment parses, is no longer than MSS of payload and
 * verifies; the segments' payload is the super-frame's; the coalescer's
 * output carries exactly the input payload, merged frames parse and cut
 * back into segments that fit their gso_size.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/csum.h"
#include "../../libcore/cursor.h"
#include "../../libcore/tso.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CAP	(70 * 1024)

static uint8_t seg[CAP], frame[CAP];
static uint8_t cb[4][CAP];
static uint8_t *const cbp[4] = { cb[0], cb[1], cb[2], cb[3] };
static struct tso_coal co;

static void check(int cond)
{
	if (!cond)
		abort();
}

static int verifies(const uint8_t *f, const struct tso_info *ti)
{
	uint32_t len = ti->size - ti->l4, s;

	if (ti->family == 4 && csum_fold(csum_partial(f + ti->l3, (size_t)ti->l4 - ti->l3, 0)))
		return 0;
	s = ti->family == 4 ? csum_pseudo4(f + ti->l3 + 12, f + ti->l3 + 16, ti->proto, len)
			    : csum_pseudo6(f + ti->l3 + 8, f + ti->l3 + 24, ti->proto, len);
	return csum_fold(csum_partial(f + ti->l4, len, s)) == 0;
}

/* Segment f; returns the payload bytes produced (checked against f). */
static size_t segment(const uint8_t *f, size_t n, uint32_t mss, uint8_t proto)
{
	struct tso_seg s;
	struct tso_info ti;
	size_t got = 0;
	int m;

	if (tso_seg_init(&s, f, n, mss, proto))
		return 0;
	while ((m = tso_seg_next(&s, seg, sizeof(seg))) > 0) {
		check(tso_parse(seg, (size_t)m, &ti) == 0);
		check(ti.payload == s.ti.payload);
		check(ti.size - ti.payload <= s.mss);
		check(verifies(seg, &ti));
		check(!memcmp(seg + ti.payload, f + s.ti.payload + got, ti.size - ti.payload));
		got += ti.size - ti.payload;
	}
	check(m == 0);
	check(got == s.ti.size - s.ti.payload);
	return got;
}

static size_t payload_of(const uint8_t *f, size_t n)
{
	struct tso_info ti;

	if (tso_parse(f, n, &ti) || ti.proto != 6)
		return 0;
	return ti.size - ti.payload;
}

/* Flush and check: output payload equals input payload. */
static void coal_check(size_t in_payload)
{
	unsigned int k = tso_coal_flush(&co);
	size_t out = 0;

	for (unsigned int i = 0; i < k; i++) {
		const struct tso_coal_out *o = tso_coal_get(&co, i);
		struct tso_info ti;

		out += payload_of(o->data, o->size);
		if (o->segs < 2)
			continue;
		check(o->size <= CAP);
		check(tso_parse(o->data, o->size, &ti) == 0 && ti.proto == 6);
		check(o->vh.gso_size && o->vh.hdr_len == ti.payload);
		memcpy(frame, o->data, o->size);
		check(tso_csum_complete(frame, o->size, o->vh.csum_start, o->vh.csum_offset) == 0);
		segment(frame, o->size, o->vh.gso_size, 6);
	}
	check(out == in_payload);
	tso_coal_reset(&co);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t mss;
	uint8_t mode;
	size_t in = 0;

	if (size < 7 || size > CAP)
		return 0;
	mss = (uint32_t)(data[0] | data[1] << 8) % 9000 + 1;
	mode = data[2];
	memcpy(frame, data + 7, size - 7);
	(void)tso_csum_complete(frame, size - 7, (uint16_t)(data[3] | data[4] << 8),
				(uint16_t)(data[5] | data[6] << 8));
	data += 7;
	size -= 7;
	if (!(mode & 1)) {
		struct tso_seg s;

		memcpy(frame, data, size);
		segment(frame, size, mss, 0);
		/* the segments of a super-frame coalesce back to its payload */
		if (tso_seg_init(&s, frame, size, mss, 6) == 0 && s.count <= TSO_COAL_MAX) {
			static uint8_t segs[TSO_COAL_MAX][9100];
			int m;

			tso_coal_init(&co, cbp, 4, CAP, true);
			for (unsigned int i = 0; (m = tso_seg_next(&s, segs[i], sizeof(segs[i]))) > 0; i++) {
				in += payload_of(segs[i], (size_t)m);
				check(tso_coal_add(&co, 0, segs[i], (size_t)m) >= 0);
			}
			coal_check(in);
		}
		return 0;
	}
	tso_coal_init(&co, cbp, 4, CAP, mode & 2);
	for (unsigned int i = 0; size >= 2; i++) {
		size_t n = (size_t)(data[0] | data[1] << 8);

		if (n > size - 2)
			n = size - 2;
		if (tso_coal_add(&co, i % (1u + (mode >> 4)), data + 2, n) < 0) {
			coal_check(in);
			in = 0;
			check(tso_coal_add(&co, i % (1u + (mode >> 4)), data + 2, n) >= 0);
		}
		in += payload_of(data + 2, n);
		data += 2 + n;
		size -= 2 + n;
	}
	coal_check(in);
	return 0;
}
