/* SPDX-License-Identifier: MIT */
/*
 * libcore/pcap_file.h: file headers in both byte orders and resolutions,
 * link types, every error branch with its code and offset, record walks,
 * finding a record start in the middle of a file.  A Check suite
 * (tests/unit/main.c); builds its files in memory, calls libcore only.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include "../../libcore/pcap_file.h"
#include "../../libcore/pkt.h"

Suite *pcap_file_suite(void);

struct file {
	uint8_t b[4096];
	size_t n;
	bool be;
};

static void put32(struct file *f, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		f->b[f->n + (size_t)i] = (uint8_t)(f->be ? v >> (24 - 8 * i) : v >> (8 * i));
	f->n += 4;
}

static void put16(struct file *f, uint16_t v)
{
	f->b[f->n] = (uint8_t)(f->be ? v >> 8 : v);
	f->b[f->n + 1] = (uint8_t)(f->be ? v : v >> 8);
	f->n += 2;
}

static void hdr(struct file *f, bool be, uint32_t magic, uint16_t major, uint32_t snap, uint32_t link)
{
	f->n = 0;
	f->be = be;
	put32(f, magic);
	put16(f, major);
	put16(f, 4);
	put32(f, 0);
	put32(f, 0);
	put32(f, snap);
	put32(f, link);
}

static void rec(struct file *f, uint32_t sec, uint32_t frac, uint32_t caplen, uint32_t len)
{
	put32(f, sec);
	put32(f, frac);
	put32(f, caplen);
	put32(f, len);
	for (uint32_t i = 0; i < caplen && f->n < sizeof(f->b); i++)
		f->b[f->n++] = (uint8_t)i;
}

START_TEST(headers)
{
	static const struct { bool be; uint32_t magic; bool nsec; } v[] = {
		{ false, 0xa1b2c3d4, false }, { true, 0xa1b2c3d4, false },
		{ false, 0xa1b23c4d, true }, { true, 0xa1b23c4d, true },
	};
	struct gnv_pcap p;
	struct gnv_pcap_rec r;
	struct file f;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hdr(&f, v[i].be, v[i].magic, 2, 65535, 1);
		rec(&f, 1700000000, v[i].nsec ? 123456789 : 123456, 60, 64);
		ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), 0);
		ck_assert(p.nsec == v[i].nsec);
		ck_assert_uint_eq(p.major, 2);
		ck_assert_uint_eq(p.minor, 4);
		ck_assert_uint_eq(p.snaplen, 65535);
		ck_assert_int_eq(p.link, GNV_LINK_ETH);
		ck_assert_int_eq(gnv_pcap_next(&p, &r), 1);
		ck_assert_uint_eq(r.sec, 1700000000);
		ck_assert_uint_eq(r.usec, 123456);
		ck_assert_uint_eq(r.frac, v[i].nsec ? 123456789 : 123456);
		ck_assert_uint_eq(r.caplen, 60);
		ck_assert_uint_eq(r.len, 64);
		ck_assert_ptr_eq(r.data, f.b + 40);
		ck_assert_uint_eq(r.off, 24);
		ck_assert(!r.over_snaplen);
		ck_assert_int_eq(gnv_pcap_next(&p, &r), 0);
		ck_assert_int_eq(gnv_pcap_next(&p, &r), 0);
		ck_assert_uint_eq(p.nrec, 1);
	}
}
END_TEST

START_TEST(link_types)
{
	static const struct { uint32_t file; int link; } v[] = {
		{ 1, GNV_LINK_ETH }, { 101, GNV_LINK_RAW }, { 12, GNV_LINK_RAW },
		{ 113, GNV_LINK_SLL }, { 0x10000001, GNV_LINK_ETH },	/* FCS bits */
	};
	struct gnv_pcap p;
	struct file f;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		hdr(&f, false, 0xa1b2c3d4, 2, 65535, v[i].file);
		ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), 0);
		ck_assert_int_eq(p.link, v[i].link);
	}
	hdr(&f, true, 0xa1b2c3d4, 2, 65535, 105);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_LINKTYPE);
	ck_assert_uint_eq(p.err_off, 20);
	ck_assert_uint_eq(p.linktype, 105);
	ck_assert_str_eq(gnv_pcap_err_code(p.err), "pcap.linktype");
}
END_TEST

START_TEST(header_errors)
{
	struct gnv_pcap p;
	struct file f;

	hdr(&f, false, 0xa1b2c3d4, 2, 65535, 1);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, 23), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_SHORT);
	ck_assert_uint_eq(p.err_off, 0);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, 0), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_SHORT);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, 24), 0);

	hdr(&f, false, 0x0a0d0d0a, 2, 65535, 1);	/* pcapng: not ours */
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_MAGIC);
	ck_assert_str_eq(gnv_pcap_err_code(p.err), "pcap.magic");

	hdr(&f, true, 0xa1b2c3d4, 1, 65535, 1);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_VERSION);
	ck_assert_uint_eq(p.err_off, 4);
	hdr(&f, true, 0xa1b2c3d4, 3, 65535, 1);	/* newer: libpcap reads it too */
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), 0);
}
END_TEST

START_TEST(record_errors)
{
	struct gnv_pcap p;
	struct gnv_pcap_rec r;
	struct file f;
	size_t second;

	/* a header cut short after one good record */
	hdr(&f, false, 0xa1b2c3d4, 2, 65535, 1);
	rec(&f, 1, 2, 10, 10);
	second = f.n;
	rec(&f, 1, 2, 10, 10);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, second + 15), 0);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), 1);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_REC_HEADER);
	ck_assert_uint_eq(p.err_off, second);
	ck_assert_uint_eq(p.off, second);	/* the cursor stays */
	ck_assert_int_eq(gnv_pcap_next(&p, &r), -EINVAL);

	/* data cut short */
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n - 1), 0);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), 1);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_REC_TRUNC);
	ck_assert_uint_eq(p.err_off, second);
	ck_assert_uint_eq(p.err_caplen, 10);
	ck_assert_str_eq(gnv_pcap_err_code(p.err), "pcap.record_truncated");

	/* longer than any snap length, whatever the file holds */
	hdr(&f, true, 0xa1b2c3d4, 2, 65535, 1);
	rec(&f, 1, 2, 0, 0);
	f.b[f.n - 8 + 1] = 0x04;	/* caplen 0x00040000 + 1 */
	f.b[f.n - 8 + 3] = 0x01;
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), 0);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), -EINVAL);
	ck_assert_int_eq(p.err, GNV_PCAP_E_REC_SIZE);
	ck_assert_uint_eq(p.err_caplen, GNV_PCAP_MAX_CAPLEN + 1);
	ck_assert_uint_eq(p.err_off, 24);
	ck_assert_str_eq(gnv_pcap_err_msg(p.err),
			 "record longer than any snap length (262144 bytes)");
}
END_TEST

START_TEST(record_edges)
{
	struct gnv_pcap p;
	struct gnv_pcap_rec r;
	struct file f;

	/* caplen 0, caplen above the snap length (libpcap reads it), caplen > len */
	hdr(&f, false, 0xa1b2c3d4, 2, 16, 101);
	rec(&f, 1, 999999, 0, 0);
	rec(&f, 2, 0, 40, 40);
	rec(&f, 3, 0, 8, 4);
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), 0);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), 1);
	ck_assert_uint_eq(r.caplen, 0);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), 1);
	ck_assert(r.over_snaplen);
	ck_assert_uint_eq(r.caplen, 40);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), 1);
	ck_assert_uint_eq(r.caplen, 8);
	ck_assert_uint_eq(r.len, 4);
	ck_assert_int_eq(gnv_pcap_next(&p, &r), 0);
	ck_assert_uint_eq(p.off, f.n);
}
END_TEST

START_TEST(find_record)
{
	struct gnv_pcap p;
	struct file f;
	size_t at[40], from, got;

	hdr(&f, false, 0xa1b2c3d4, 2, 65535, 1);
	for (int i = 0; i < 40; i++) {
		at[i] = f.n;
		rec(&f, 1, (uint32_t)i, 20 + (uint32_t)i, 20 + (uint32_t)i);
	}
	ck_assert_int_eq(gnv_pcap_open(&p, f.b, f.n), 0);
	ck_assert(gnv_pcap_plausible(&p, at[3]));
	ck_assert(!gnv_pcap_plausible(&p, f.n));
	ck_assert(!gnv_pcap_plausible(&p, f.n + 100));
	from = at[20] + 5;
	got = gnv_pcap_find_record(&p, from, 4096, 8);
	ck_assert_uint_eq(got, at[21]);
	/* near the end: a shorter chain that runs exactly to the end will do */
	got = gnv_pcap_find_record(&p, at[37] + 1, 4096, 8);
	ck_assert_uint_eq(got, at[38]);
	/* nothing plausible within the scan */
	ck_assert_uint_eq(gnv_pcap_find_record(&p, at[20] + 1, 4, 8), SIZE_MAX);
	ck_assert_uint_eq(gnv_pcap_find_record(&p, f.n + 1, 4096, 8), SIZE_MAX);
}
END_TEST

START_TEST(codes)
{
	ck_assert_str_eq(gnv_pcap_err_code(GNV_PCAP_E_SHORT), "pcap.short");
	ck_assert_str_eq(gnv_pcap_err_code(GNV_PCAP_E_REC_HEADER), "pcap.record_header");
	ck_assert_str_eq(gnv_pcap_err_code(GNV_PCAP_E__COUNT), "?");
	ck_assert_str_eq(gnv_pcap_err_msg(GNV_PCAP_E__COUNT), "");
	for (int e = GNV_PCAP_E_SHORT; e < GNV_PCAP_E__COUNT; e++) {
		ck_assert(!strncmp(gnv_pcap_err_code((enum gnv_pcap_err)e), "pcap.", 5));
		ck_assert(gnv_pcap_err_msg((enum gnv_pcap_err)e)[0]);
	}
}
END_TEST

Suite *pcap_file_suite(void)
{
	Suite *s = suite_create("pcap_file");
	TCase *tc = tcase_create("pcap_file");

	tcase_add_test(tc, headers);
	tcase_add_test(tc, link_types);
	tcase_add_test(tc, header_errors);
	tcase_add_test(tc, record_errors);
	tcase_add_test(tc, record_edges);
	tcase_add_test(tc, find_record);
	tcase_add_test(tc, codes);
	suite_add_tcase(s, tc);
	return s;
}
