/* SPDX-License-Identifier: MIT */
/*
 * libcore/tso.h: segmenting super-frames, completing partial checksums,
 * coalescing TCP trains.  Frames are built and checked here with a
 * textbook checksum, independent of libcore/csum.c.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "../../libcore/cursor.h"
#include "../../libcore/tso.h"

Suite *tso_suite(void);

#define BIG	(70 * 1024)

static uint8_t sbuf[BIG], obuf[2048];
static uint8_t cbufs[4][BIG];

/* Reference one's-complement sum of n bytes (host order words). */
static uint32_t ref_sum(const uint8_t *p, size_t n, uint32_t s)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		s += (uint32_t)p[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return s;
}

struct fr {
	int family;		/* 4 or 6 */
	uint8_t proto;		/* 6 or 17 */
	uint32_t seq;
	uint8_t flags;
	uint32_t plen;
	uint8_t optlen;		/* TCP option bytes (multiple of 4) */
	uint8_t ttl;
	uint16_t ip_id;
	uint16_t sport;
};

static const struct fr fr_default = { 4, 6, 1000, 0x10, 1000, 0, 64, 7, 40000 };

static size_t l3_size(int family)
{
	return family == 4 ? 20 : 40;
}

/* Checksum verification of a built or produced frame: 0 when both verify. */
static int ref_verify(const uint8_t *f, size_t n)
{
	int v6 = gnv_be16(f + 12) == 0x86dd;
	size_t l4 = 14 + (v6 ? 40 : 20);
	uint8_t proto = v6 ? f[14 + 6] : f[14 + 9];
	uint32_t s;

	if (!v6 && (uint16_t)~ref_sum(f + 14, 20, 0))
		return 1;
	s = v6 ? ref_sum(f + 22, 32, 0) : ref_sum(f + 26, 8, 0);
	s += proto + (uint32_t)(n - l4);
	s = ref_sum(f + l4, n - l4, s);
	return (uint16_t)~s ? 2 : 0;
}

static void ref_fill(uint8_t *f, size_t n)
{
	int v6 = gnv_be16(f + 12) == 0x86dd;
	size_t l4 = 14 + (v6 ? 40 : 20);
	uint8_t proto = v6 ? f[14 + 6] : f[14 + 9];
	size_t at = l4 + (proto == 6 ? 16 : 6);
	uint32_t s;

	if (!v6) {
		gnv_put16(f + 24, 0);
		gnv_put16(f + 24, (uint16_t)~ref_sum(f + 14, 20, 0));
	}
	gnv_put16(f + at, 0);
	s = v6 ? ref_sum(f + 22, 32, 0) : ref_sum(f + 26, 8, 0);
	s = ref_sum(f + l4, n - l4, s + proto + (uint32_t)(n - l4));
	gnv_put16(f + at, (uint16_t)~s);
}

/* Payload byte i of a stream: a function of the sequence number. */
static uint8_t pbyte(uint32_t seq)
{
	return (uint8_t)(seq * 7 + (seq >> 8));
}

static size_t build(uint8_t *f, const struct fr *r)
{
	size_t l3 = 14, l4 = l3 + l3_size(r->family);
	size_t hl = r->proto == 6 ? 20u + r->optlen : 8u, n = l4 + hl + r->plen;

	memset(f, 0, l4 + hl);
	memset(f, 0x02, 12);
	f[5] = 1;
	gnv_put16(f + 12, r->family == 4 ? 0x0800 : 0x86dd);
	if (r->family == 4) {
		f[l3] = 0x45;
		gnv_put16(f + l3 + 2, (uint16_t)(n - l3));
		gnv_put16(f + l3 + 4, r->ip_id);
		f[l3 + 6] = 0x40;	/* DF */
		f[l3 + 8] = r->ttl;
		f[l3 + 9] = r->proto;
		memcpy(f + l3 + 12, "\x0a\x00\x00\x01\x0a\x00\x00\x02", 8);
	} else {
		f[l3] = 0x60;
		gnv_put16(f + l3 + 4, (uint16_t)(n - l4));
		f[l3 + 6] = r->proto;
		f[l3 + 7] = r->ttl;
		f[l3 + 8] = 0xfd;
		f[l3 + 23] = 1;
		f[l3 + 24] = 0xfd;
		f[l3 + 39] = 2;
	}
	gnv_put16(f + l4, r->sport);
	gnv_put16(f + l4 + 2, 5201);
	if (r->proto == 6) {
		gnv_put32(f + l4 + 4, r->seq);
		gnv_put32(f + l4 + 8, 777);
		f[l4 + 12] = (uint8_t)((20 + r->optlen) / 4 << 4);
		f[l4 + 13] = r->flags;
		gnv_put16(f + l4 + 14, 501);
		for (unsigned int i = 0; i < r->optlen; i++)
			f[l4 + 20 + i] = i % 4 == 0 ? 1 : (uint8_t)(0x30 + i);	/* NOP + junk */
	} else {
		gnv_put16(f + l4 + 4, (uint16_t)(hl + r->plen));
	}
	for (uint32_t i = 0; i < r->plen; i++)
		f[l4 + hl + i] = pbyte(r->seq + i);
	ref_fill(f, n);
	return n;
}

/* ---- virtio header, parse, checksum completion ---- */

START_TEST(vnet_roundtrip)
{
	struct tso_vnet h = { TSO_F_NEEDS_CSUM, TSO_GSO_TCPV6 | TSO_GSO_ECN, 74, 1428, 54, 16 }, g;
	uint8_t b[TSO_VNET_HDR_SIZE];

	tso_vnet_put(b, &h);
	ck_assert_uint_eq(b[2], 74);		/* little-endian */
	ck_assert_uint_eq(b[4], 1428 & 0xff);
	ck_assert_uint_eq(b[5], 1428 >> 8);
	ck_assert_int_eq(tso_vnet_get(b, sizeof(b), &g), 0);
	ck_assert_mem_eq(&g, &h, sizeof(h));
	ck_assert_int_eq(tso_vnet_get(b, 9, &g), -EINVAL);
	ck_assert_int_eq(tso_gso_proto(&h), 6);
	h.gso_type = TSO_GSO_UDP_L4;
	ck_assert_int_eq(tso_gso_proto(&h), 17);
	h.gso_type = TSO_GSO_UDP;
	ck_assert_int_eq(tso_gso_proto(&h), -EPROTONOSUPPORT);
	h.gso_type = TSO_GSO_NONE;
	ck_assert_int_eq(tso_gso_proto(&h), 0);
}
END_TEST

START_TEST(parse_errors)
{
	struct fr r = fr_default;
	struct tso_info ti;
	size_t n = build(sbuf, &r);

	ck_assert_int_eq(tso_parse(sbuf, n, &ti), 0);
	ck_assert_uint_eq(ti.l3, 14);
	ck_assert_uint_eq(ti.l4, 34);
	ck_assert_uint_eq(ti.payload, 54);
	ck_assert_uint_eq(ti.size, n);
	ck_assert_int_eq(tso_parse(sbuf, n + 4, &ti), 0);	/* link padding */
	ck_assert_uint_eq(ti.size, n);
	ck_assert_int_eq(tso_parse(sbuf, 13, &ti), -EINVAL);
	ck_assert_int_eq(tso_parse(sbuf, 40, &ti), -EINVAL);		/* IP cut */
	ck_assert_int_eq(tso_parse(sbuf, n - 1, &ti), -EINVAL);	/* total length */
	sbuf[14 + 6] = 0x20;						/* MF */
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EPROTONOSUPPORT);
	sbuf[14 + 6] = 0x40;
	sbuf[14] = 0x44;						/* IHL 16 */
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EINVAL);
	sbuf[14] = 0x55;						/* version 5 */
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EINVAL);
	sbuf[14] = 0x45;
	sbuf[34 + 12] = 0x40;						/* doff 16 */
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EINVAL);
	sbuf[34 + 12] = 0xf0;						/* doff 60 */
	ck_assert_int_eq(tso_parse(sbuf, 34 + 40, &ti), -EINVAL);
	sbuf[34 + 12] = 0x50;
	sbuf[14 + 9] = 1;						/* ICMP */
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EPROTONOSUPPORT);
	gnv_put16(sbuf + 12, 0x0806);
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EPROTONOSUPPORT);
	r.family = 6;
	n = build(sbuf, &r);
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), 0);
	ck_assert_uint_eq(ti.payload, 74);
	sbuf[14 + 6] = 0;						/* hop-by-hop */
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), -EPROTONOSUPPORT);
	ck_assert_int_eq(tso_parse(sbuf, 50, &ti), -EINVAL);
	r.proto = 17;
	r.plen = 0;
	n = build(sbuf, &r);
	ck_assert_int_eq(tso_parse(sbuf, n - 1, &ti), -EINVAL);
	ck_assert_int_eq(tso_parse(sbuf, n, &ti), 0);
}
END_TEST

START_TEST(csum_complete)
{
	struct fr r = fr_default;

	for (int fam = 4; fam <= 6; fam += 2) {
		for (uint8_t proto = 6; proto <= 17; proto += 11) {
			size_t n, l4 = 14 + l3_size(fam), at = l4 + (proto == 6 ? 16 : 6);
			uint8_t want[2];
			uint32_t s;

			r.family = fam;
			r.proto = proto;
			r.plen = 333;		/* odd */
			n = build(sbuf, &r);
			memcpy(want, sbuf + at, 2);
			/* what a VM hands over: the folded pseudo-header sum */
			s = fam == 4 ? ref_sum(sbuf + 26, 8, 0) : ref_sum(sbuf + 22, 32, 0);
			s = ref_sum((const uint8_t *)"", 0, s + proto + (uint32_t)(n - l4));
			gnv_put16(sbuf + at, (uint16_t)s);
			ck_assert_int_eq(tso_csum_complete(sbuf, n, (uint16_t)l4,
							   (uint16_t)(at - l4)), 0);
			ck_assert_int_eq(ref_verify(sbuf, n), 0);
			ck_assert_mem_eq(sbuf + at, want, 2);
		}
	}
	ck_assert_int_eq(tso_csum_complete(sbuf, 100, 100, 0), -EINVAL);
	ck_assert_int_eq(tso_csum_complete(sbuf, 100, 90, 9), -EINVAL);
	ck_assert_int_eq(tso_csum_complete(sbuf, 100, 90, 8), 0);
}
END_TEST

/* ---- segmenter ---- */

/* Segment, check every segment against the super-frame; the count. */
static unsigned int seg_check(const struct fr *r, uint32_t mss)
{
	size_t n = build(sbuf, r), hl, l4 = 14 + l3_size(r->family);
	struct tso_seg s;
	uint32_t off = 0;
	unsigned int k = 0;
	int m;

	hl = r->proto == 6 ? 20u + r->optlen : 8u;
	/* the VM leaves the checksum unfinished: the segmenter must not care */
	gnv_put16(sbuf + l4 + (r->proto == 6 ? 16 : 6), 0x1234);
	ck_assert_int_eq(tso_seg_init(&s, sbuf, n, mss, r->proto), 0);
	ck_assert_uint_eq(tso_seg_max_size(&s), l4 + hl + (r->plen < mss ? r->plen : mss));
	while ((m = tso_seg_next(&s, obuf, sizeof(obuf))) > 0) {
		uint32_t chunk = (uint32_t)m - (uint32_t)(l4 + hl);
		bool last = off + chunk == r->plen;

		ck_assert_uint_le(chunk, mss);
		ck_assert_msg(last || chunk == mss, "segment %u short", k);
		ck_assert_int_eq(ref_verify(obuf, (size_t)m), 0);
		if (r->family == 4) {
			ck_assert_uint_eq(gnv_be16(obuf + 16), (size_t)m - 14);
			ck_assert_uint_eq(gnv_be16(obuf + 18), (uint16_t)(r->ip_id + k));
			ck_assert_uint_eq(obuf[22], r->ttl);
		} else {
			ck_assert_uint_eq(gnv_be16(obuf + 18), (size_t)m - 54);
		}
		if (r->proto == 6) {
			uint8_t fl = obuf[l4 + 13];

			ck_assert_uint_eq(gnv_be32(obuf + l4 + 4), r->seq + off);
			ck_assert_uint_eq(fl & 0x10, r->flags & 0x10);
			ck_assert_uint_eq(fl & 0x80, k == 0 ? (r->flags & 0x80) : 0);
			ck_assert_uint_eq(fl & 0x09, last ? (r->flags & 0x09) : 0);
			ck_assert_mem_eq(obuf + l4 + 20, sbuf + l4 + 20, r->optlen);
		} else {
			ck_assert_uint_eq(gnv_be16(obuf + l4 + 4), (size_t)m - l4);
		}
		for (uint32_t i = 0; i < chunk; i++)
			if (obuf[l4 + hl + i] != pbyte(r->seq + off + i))
				ck_abort_msg("segment %u byte %u wrong", k, i);
		off += chunk;
		k++;
	}
	ck_assert_int_eq(m, 0);
	ck_assert_uint_eq(off, r->plen);
	ck_assert_uint_eq(k, s.count);
	return k;
}

START_TEST(seg_tcp4)
{
	struct fr r = fr_default;

	r.plen = 10000;
	r.flags = 0x10 | 0x08 | 0x01 | 0x80;	/* ACK PSH FIN CWR */
	r.ip_id = 0xfffe;			/* wraps */
	ck_assert_uint_eq(seg_check(&r, 1448), 7);
	r.plen = 1448 * 3;			/* exact multiple */
	ck_assert_uint_eq(seg_check(&r, 1448), 3);
	r.plen = 0;				/* nothing to cut */
	ck_assert_uint_eq(seg_check(&r, 1448), 1);
	r.plen = 65535 - 40;			/* the largest */
	r.seq = 0xffffff00;			/* sequence wraps */
	ck_assert_uint_eq(seg_check(&r, 1400), 47);
}
END_TEST

START_TEST(seg_tcp6_options)
{
	struct fr r = fr_default;

	r.family = 6;
	r.optlen = 12;
	r.plen = 5001;
	r.flags = 0x18;
	ck_assert_uint_eq(seg_check(&r, 1428), 4);
	ck_assert_uint_eq(seg_check(&r, 1), 5001);
}
END_TEST

START_TEST(seg_udp)
{
	struct fr r = fr_default;

	r.proto = 17;
	r.plen = 4000;
	ck_assert_uint_eq(seg_check(&r, 1472), 3);
	r.family = 6;
	ck_assert_uint_eq(seg_check(&r, 1000), 4);
}
END_TEST

START_TEST(seg_errors)
{
	struct fr r = fr_default;
	struct tso_seg s;
	size_t n;

	r.plen = 3000;
	n = build(sbuf, &r);
	ck_assert_int_eq(tso_seg_init(&s, sbuf, n, 0, 6), -EINVAL);
	ck_assert_int_eq(tso_seg_init(&s, sbuf, n, 1400, 17), -EINVAL);	/* not UDP */
	ck_assert_int_eq(tso_seg_init(&s, sbuf, n - 1, 1400, 6), -EINVAL);
	ck_assert_int_eq(tso_seg_init(&s, sbuf, n, 1400, 0), 0);
	ck_assert_int_eq(tso_seg_next(&s, obuf, 1000), -ENOSPC);
	ck_assert_int_eq(tso_seg_next(&s, obuf, 1454), 1454);	/* did not advance */
	ck_assert_uint_eq(gnv_be32(obuf + 38), 1000);
}
END_TEST

/* ---- coalescer ---- */

static struct tso_coal co;

static void co_init(bool verify)
{
	static uint8_t *const bp[4] = { cbufs[0], cbufs[1], cbufs[2], cbufs[3] };

	tso_coal_init(&co, bp, 4, BIG, verify);
}

/* A train: segment i has seq 1000 + i * 1000 and 1000 bytes. */
static uint8_t train[16][1200];
static size_t train_n[16];

static void mk_train(const struct fr *base, unsigned int count)
{
	for (unsigned int i = 0; i < count; i++) {
		struct fr r = *base;

		r.seq = base->seq + i * base->plen;
		r.ip_id = (uint16_t)(base->ip_id + i);
		train_n[i] = build(train[i], &r);
	}
}

/* Output k covers segments [first, first + segs) of the train (ctx
 * included); merged ones carry a consistent GSO header and their
 * completed checksum verifies. */
static void co_expect(unsigned int k, unsigned int first, unsigned int segs, uint64_t ctx)
{
	const struct tso_coal_out *o = tso_coal_get(&co, k);
	size_t l4 = gnv_be16(train[first] + 12) == 0x86dd ? 54 : 34;
	size_t hl = (train[first][l4 + 12] >> 4) * 4u, plen = train_n[first] - l4 - hl, plen_sum = 0;

	ck_assert_msg(o->segs == segs, "output %u: %u segments, expected %u", k, o->segs, segs);
	ck_assert_uint_eq(o->ctx, ctx);
	for (unsigned int i = 1; i < segs; i++)
		plen_sum += train_n[first + i] - l4 - hl;
	ck_assert_uint_eq(o->size, train_n[first] + plen_sum);
	ck_assert_uint_eq(gnv_be32(o->data + l4 + 4), gnv_be32(train[first] + l4 + 4));
	if (segs == 1) {
		ck_assert_uint_eq(o->vh.gso_type, TSO_GSO_NONE);
		ck_assert_ptr_eq(o->data, train[first]);
		return;
	}
	ck_assert_uint_eq(o->vh.gso_type & ~TSO_GSO_ECN, l4 == 34 ? TSO_GSO_TCPV4 : TSO_GSO_TCPV6);
	ck_assert_uint_eq(o->vh.flags, TSO_F_NEEDS_CSUM);
	ck_assert_uint_eq(o->vh.gso_size, plen);
	ck_assert_uint_eq(o->vh.hdr_len, l4 + hl);
	ck_assert_uint_eq(o->vh.csum_start, l4);
	ck_assert_uint_eq(o->vh.csum_offset, 16);
	for (unsigned int i = 0; i < segs; i++)
		ck_assert_mem_eq(o->data + l4 + hl + i * plen, train[first + i] + l4 + hl,
				 train_n[first + i] - l4 - hl);
	memcpy(sbuf, o->data, o->size);
	ck_assert_int_eq(tso_csum_complete(sbuf, o->size, o->vh.csum_start, o->vh.csum_offset), 0);
	ck_assert_int_eq(ref_verify(sbuf, o->size), 0);
}

static int co_add(unsigned int i, uint64_t ctx)
{
	return tso_coal_add(&co, ctx, train[i], train_n[i]);
}

START_TEST(coal_in_order)
{
	struct fr r = fr_default;

	for (int fam = 4; fam <= 6; fam += 2) {
		r.family = fam;
		r.optlen = fam == 6 ? 12 : 0;
		mk_train(&r, 8);
		co_init(true);
		ck_assert_int_eq(co_add(0, 5), 0);
		for (unsigned int i = 1; i < 8; i++)
			ck_assert_int_eq(co_add(i, 5), 1);
		ck_assert_uint_eq(tso_coal_flush(&co), 1);
		co_expect(0, 0, 8, 5);
	}
}
END_TEST

START_TEST(coal_then_segment)
{
	/* merged frame, completed, segmented again: the same train */
	struct fr r = fr_default;
	const struct tso_coal_out *o;
	struct tso_seg s;
	int m;

	r.plen = 1000;
	mk_train(&r, 6);
	co_init(false);
	for (unsigned int i = 0; i < 6; i++)
		co_add(i, 0);
	ck_assert_uint_eq(tso_coal_flush(&co), 1);
	o = tso_coal_get(&co, 0);
	ck_assert_int_eq(tso_seg_init(&s, o->data, o->size, o->vh.gso_size, 6), 0);
	for (unsigned int i = 0; (m = tso_seg_next(&s, obuf, sizeof(obuf))) > 0; i++) {
		ck_assert_uint_eq((size_t)m, train_n[i]);
		ck_assert_mem_eq(obuf, train[i], train_n[i]);
	}
}
END_TEST

START_TEST(coal_loss)
{
	struct fr r = fr_default;

	mk_train(&r, 6);
	co_init(true);
	co_add(0, 1);
	co_add(1, 1);
	co_add(3, 1);		/* 2 lost */
	co_add(4, 1);
	co_add(5, 1);
	ck_assert_uint_eq(tso_coal_flush(&co), 2);
	co_expect(0, 0, 2, 1);
	co_expect(1, 3, 3, 1);
}
END_TEST

START_TEST(coal_reorder)
{
	struct fr r = fr_default;

	mk_train(&r, 6);
	co_init(true);
	co_add(0, 1);
	co_add(1, 1);
	co_add(3, 1);
	co_add(2, 1);
	co_add(4, 1);
	co_add(5, 1);
	ck_assert_uint_eq(tso_coal_flush(&co), 4);
	co_expect(0, 0, 2, 1);
	co_expect(1, 3, 1, 1);
	co_expect(2, 2, 1, 1);
	co_expect(3, 4, 2, 1);
	/* a duplicate never merges */
	tso_coal_reset(&co);
	co_add(0, 1);
	co_add(0, 1);
	ck_assert_uint_eq(tso_coal_flush(&co), 2);
}
END_TEST

START_TEST(coal_vni_middle)
{
	struct fr r = fr_default;

	mk_train(&r, 4);
	co_init(true);
	co_add(0, 100);
	co_add(1, 200);		/* contiguous, same 5-tuple, other VNI */
	co_add(2, 100);		/* not contiguous with 0 */
	co_add(3, 200);		/* not contiguous with 1 */
	ck_assert_uint_eq(tso_coal_flush(&co), 4);
	for (unsigned int i = 0; i < 4; i++)
		co_expect(i, i, 1, i & 1 ? 200 : 100);
	/* another VNI between two contiguous segments of one flow */
	tso_coal_reset(&co);
	co_add(0, 100);
	co_add(2, 200);
	co_add(1, 100);
	ck_assert_uint_eq(tso_coal_flush(&co), 2);
	co_expect(0, 0, 2, 100);
	co_expect(1, 2, 1, 200);
}
END_TEST

START_TEST(coal_interleaved_flows)
{
	struct fr a = fr_default, b = fr_default;
	static uint8_t tb[4][1200];
	size_t nb[4];

	b.sport = 40001;
	mk_train(&b, 4);
	for (unsigned int i = 0; i < 4; i++) {
		memcpy(tb[i], train[i], train_n[i]);
		nb[i] = train_n[i];
	}
	mk_train(&a, 4);
	co_init(true);
	for (unsigned int i = 0; i < 4; i++) {
		co_add(i, 0);
		ck_assert_int_eq(tso_coal_add(&co, 0, tb[i], nb[i]), i ? 1 : 0);
	}
	ck_assert_uint_eq(tso_coal_flush(&co), 2);
	co_expect(0, 0, 4, 0);
	ck_assert_uint_eq(tso_coal_get(&co, 1)->segs, 4);
	ck_assert_uint_eq(gnv_be16(tso_coal_get(&co, 1)->data + 34), 40001);
}
END_TEST

START_TEST(coal_flags)
{
	struct fr r = fr_default;
	static const uint8_t never[] = { 0x02, 0x04, 0x20, 0x80 };	/* SYN RST URG CWR */

	/* PSH (and FIN) end a merge: included, then closed */
	for (uint8_t end = 0x08; end; end = end == 0x08 ? 0x01 : 0) {
		mk_train(&r, 5);
		train[2][34 + 13] |= end;
		ref_fill(train[2], train_n[2]);
		co_init(true);
		for (unsigned int i = 0; i < 5; i++)
			co_add(i, 0);
		ck_assert_uint_eq(tso_coal_flush(&co), 2);
		co_expect(0, 0, 3, 0);
		ck_assert_uint_eq(tso_coal_get(&co, 0)->data[34 + 13], 0x10 | end);
		co_expect(1, 3, 2, 0);
	}
	/* these stay alone, in the middle and at the head */
	for (unsigned int k = 0; k < sizeof(never); k++) {
		mk_train(&r, 5);
		train[2][34 + 13] |= never[k];
		ref_fill(train[2], train_n[2]);
		co_init(true);
		for (unsigned int i = 0; i < 5; i++)
			co_add(i, 0);
		if (never[k] == 0x80) {		/* CWR may start a merge */
			ck_assert_uint_eq(tso_coal_flush(&co), 2);
			co_expect(1, 2, 3, 0);
			ck_assert_uint_eq(tso_coal_get(&co, 1)->vh.gso_type,
					  TSO_GSO_TCPV4 | TSO_GSO_ECN);
		} else {
			ck_assert_uint_eq(tso_coal_flush(&co), 3);
			co_expect(1, 2, 1, 0);
			co_expect(2, 3, 2, 0);
		}
		co_expect(0, 0, 2, 0);
	}
	/* no ACK, or a pure ACK in the middle */
	mk_train(&r, 3);
	train[1][34 + 13] = 0;
	ref_fill(train[1], train_n[1]);
	co_init(true);
	for (unsigned int i = 0; i < 3; i++)
		co_add(i, 0);
	ck_assert_uint_eq(tso_coal_flush(&co), 3);
}
END_TEST

START_TEST(coal_headers_differ)
{
	struct fr r = fr_default;
	static const size_t where[] = { 14 + 1, 14 + 8, 34 + 8, 34 + 20 };	/* TOS TTL ack option */

	r.optlen = 4;
	for (unsigned int k = 0; k < 4; k++) {
		mk_train(&r, 3);
		train[1][where[k]] ^= 0x04;
		ref_fill(train[1], train_n[1]);
		co_init(true);
		for (unsigned int i = 0; i < 3; i++)
			co_add(i, 0);
		ck_assert_msg(tso_coal_flush(&co) == 3, "byte %zu", where[k]);
	}
	/* the window may change: the newest wins */
	mk_train(&r, 2);
	gnv_put16(train[1] + 34 + 14, 9999);
	ref_fill(train[1], train_n[1]);
	co_init(true);
	co_add(0, 0);
	co_add(1, 0);
	ck_assert_uint_eq(tso_coal_flush(&co), 1);
	ck_assert_uint_eq(gnv_be16(tso_coal_get(&co, 0)->data + 34 + 14), 9999);
	/* a longer segment after a shorter one, or a short one in the middle */
	mk_train(&r, 3);
	train_n[1] -= 10;
	gnv_put16(train[1] + 16, (uint16_t)(train_n[1] - 14));
	ref_fill(train[1], train_n[1]);
	co_init(true);
	for (unsigned int i = 0; i < 3; i++)
		co_add(i, 0);
	ck_assert_uint_eq(tso_coal_flush(&co), 2);
	ck_assert_uint_eq(tso_coal_get(&co, 0)->segs, 2);
}
END_TEST

START_TEST(coal_bad_csum)
{
	struct fr r = fr_default;

	mk_train(&r, 3);
	train[1][60] ^= 1;		/* payload corrupted */
	co_init(true);
	for (unsigned int i = 0; i < 3; i++)
		co_add(i, 0);
	ck_assert_uint_eq(tso_coal_flush(&co), 3);
	ck_assert_ptr_eq(tso_coal_get(&co, 1)->data, train[1]);
	/* without verification it would merge */
	co_init(false);
	for (unsigned int i = 0; i < 3; i++)
		co_add(i, 0);
	ck_assert_uint_eq(tso_coal_flush(&co), 1);
}
END_TEST

static uint8_t many[70][1100];
static size_t many_n[70];

START_TEST(coal_limits)
{
	struct fr r = fr_default;
	unsigned int i;

	/* full batch */
	mk_train(&r, 1);
	co_init(true);
	for (i = 0; i < TSO_COAL_MAX; i++)
		ck_assert_int_eq(co_add(0, i), 0);
	ck_assert_int_eq(co_add(0, i), -ENOSPC);
	ck_assert_uint_eq(tso_coal_flush(&co), TSO_COAL_MAX);
	/* more open flows than buffers: the rest stay unmerged but intact */
	co_init(true);
	mk_train(&r, 2);
	for (i = 0; i < 6; i++) {
		co_add(0, i);
		co_add(1, i);
	}
	ck_assert_uint_eq(tso_coal_flush(&co), 4 + 2 * 2);
	for (i = 0; i < 4; i++)
		co_expect(i, 0, 2, i);
	/* 64 KB cap: a train of 1000-byte segments stops at 65 */
	co_init(false);
	r.plen = 1000;
	for (i = 0; i < 70; i++) {
		struct fr q = r;

		q.seq = r.seq + i * 1000;
		many_n[i] = build(many[i], &q);
		tso_coal_add(&co, 0, many[i], many_n[i]);
	}
	ck_assert_uint_eq(tso_coal_flush(&co), 2);
	ck_assert_uint_le(tso_coal_get(&co, 0)->size - 14, 65535);
	ck_assert_uint_eq(tso_coal_get(&co, 0)->segs, 65);
}
END_TEST

START_TEST(coal_raw_keeps_order)
{
	/* a frame added raw (pass-through) ends what was merging for its
	 * port: nothing after it joins a frame before it; other ports carry on */
	struct fr r = fr_default;
	struct tso_vnet vh = { .flags = TSO_F_NEEDS_CSUM, .csum_start = 34, .csum_offset = 16 };
	const struct tso_coal_out *o;

	mk_train(&r, 6);
	co_init(true);
	co_add(0, 1);
	co_add(1, 1);
	co_add(0, 2);
	ck_assert_int_eq(tso_coal_add_raw(&co, 1, train[5], train_n[5], &vh), 0);
	ck_assert_int_eq(co_add(2, 1), 0);	/* contiguous with 0-1, yet after the raw frame */
	ck_assert_int_eq(co_add(1, 2), 1);	/* port 2 still merges */
	ck_assert_uint_eq(tso_coal_flush(&co), 4);
	co_expect(0, 0, 2, 1);
	co_expect(1, 0, 2, 2);
	o = tso_coal_get(&co, 2);
	ck_assert_ptr_eq(o->data, train[5]);
	ck_assert_uint_eq(o->size, train_n[5]);
	ck_assert_uint_eq(o->vh.flags, TSO_F_NEEDS_CSUM);
	ck_assert_uint_eq(o->vh.csum_start, 34);
	ck_assert_uint_eq(o->segs, 1);
	co_expect(3, 2, 1, 1);
	/* a full batch says so */
	tso_coal_reset(&co);
	for (unsigned int i = 0; i < TSO_COAL_MAX; i++)
		ck_assert_int_eq(tso_coal_add_raw(&co, 1, train[0], train_n[0], &vh), 0);
	ck_assert_int_eq(tso_coal_add_raw(&co, 1, train[0], train_n[0], &vh), -ENOSPC);
}
END_TEST

Suite *tso_suite(void)
{
	Suite *s = suite_create("tso");
	TCase *c = tcase_create("core");

	tcase_add_test(c, vnet_roundtrip);
	tcase_add_test(c, parse_errors);
	tcase_add_test(c, csum_complete);
	tcase_add_test(c, seg_tcp4);
	tcase_add_test(c, seg_tcp6_options);
	tcase_add_test(c, seg_udp);
	tcase_add_test(c, seg_errors);
	tcase_add_test(c, coal_in_order);
	tcase_add_test(c, coal_then_segment);
	tcase_add_test(c, coal_loss);
	tcase_add_test(c, coal_reorder);
	tcase_add_test(c, coal_vni_middle);
	tcase_add_test(c, coal_interleaved_flows);
	tcase_add_test(c, coal_flags);
	tcase_add_test(c, coal_headers_differ);
	tcase_add_test(c, coal_bad_csum);
	tcase_add_test(c, coal_limits);
	tcase_add_test(c, coal_raw_keeps_order);
	suite_add_tcase(s, c);
	return s;
}
