/* SPDX-License-Identifier: MIT */
/*
 * libcore/opt_tlv.[ch] and opt_genv.[ch]: the option iterator (clean end,
 * truncated, overrun, zero-length, 252 bytes, critical bit), the writer,
 * genv's typed options round trip; and msg.[ch], the shared helpers in
 * cursor.h and pkt.h.
 */
#include <check.h>
#include <errno.h>
#include <string.h>
#include "../../libcore/msg.h"
#include "../../libcore/opt_genv.h"
#include "../../libcore/opt_tlv.h"
#include "../../libcore/optreg.h"

Suite *opt_suite(void);

#define CLS	GENV_CLASS_DEFAULT

/* two options: 0x0102:0x80 with 4 bytes, 0xffa7:0x02 with 0 bytes */
static const uint8_t two[] = {
	0x01, 0x02, 0x80, 0x01, 0xde, 0xad, 0xbe, 0xef,
	0xff, 0xa7, 0x02, 0x00,
};

START_TEST(iter_clean)
{
	struct gnv_opt_iter it;
	struct gnv_tlv o;

	gnv_opt_iter_init(&it, two, sizeof(two), sizeof(two));
	ck_assert(gnv_opt_next(&it, &o));
	ck_assert_uint_eq(o.cls, 0x0102);
	ck_assert_uint_eq(o.type, 0x80);
	ck_assert(o.critical);
	ck_assert_uint_eq(o.rsvd, 0);
	ck_assert_uint_eq(o.size, 4);
	ck_assert_uint_eq(o.off, 0);
	ck_assert_ptr_eq(o.data, two + 4);
	ck_assert(gnv_opt_next(&it, &o));
	ck_assert_uint_eq(o.cls, 0xffa7);
	ck_assert_uint_eq(o.type, 0x02);
	ck_assert(!o.critical);
	ck_assert_uint_eq(o.size, 0);	/* zero-length option */
	ck_assert_uint_eq(o.off, 8);
	ck_assert_ptr_nonnull(o.data);
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_OK);
	ck_assert(!gnv_opt_next(&it, &o));	/* stays at the end */

	/* nothing at all */
	gnv_opt_iter_init(&it, two, 0, 0);
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_OK);

	ck_assert(gnv_opt_blob_ok(two, sizeof(two)));
	ck_assert(gnv_opt_blob_ok(two, 0));
	ck_assert(gnv_opt_any_critical(two, sizeof(two)));
	ck_assert(!gnv_opt_any_critical(two + 8, 4));
}
END_TEST

START_TEST(iter_truncated)
{
	struct gnv_opt_iter it;
	struct gnv_tlv o;

	/* the capture ends inside the first option's data */
	gnv_opt_iter_init(&it, two, 6, sizeof(two));
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_TRUNCATED);
	ck_assert_int_eq(it.err, GNV_E_GNV_OPT_TRUNC);
	ck_assert_uint_eq(it.err_off, 4);
	ck_assert(it.hdr_only);
	ck_assert_uint_eq(o.cls, 0x0102);
	ck_assert_uint_eq(o.size, 4);
	ck_assert_ptr_null(o.data);
	ck_assert(!gnv_opt_next(&it, &o));

	/* ... inside the second option's header */
	gnv_opt_iter_init(&it, two, 10, sizeof(two));
	ck_assert(gnv_opt_next(&it, &o));
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_TRUNCATED);
	ck_assert_int_eq(it.err, GNV_E_GNV_OPT_TRUNC);
	ck_assert_uint_eq(it.err_off, 8);
	ck_assert(!it.hdr_only);
}
END_TEST

START_TEST(iter_overrun)
{
	struct gnv_opt_iter it;
	struct gnv_tlv o;

	/* the data runs past the claimed area */
	gnv_opt_iter_init(&it, two, sizeof(two), 6);
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_INVALID);
	ck_assert_int_eq(it.err, GNV_E_GNV_OPT_OVERRUN);
	ck_assert_uint_eq(it.err_off, 3);	/* the length byte */
	ck_assert(it.hdr_only);
	ck_assert_uint_eq(o.size, 4);

	/* a header that does not fit the area */
	gnv_opt_iter_init(&it, two, sizeof(two), 10);
	ck_assert(gnv_opt_next(&it, &o));
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_INVALID);
	ck_assert_uint_eq(it.err_off, 8);
	ck_assert(!it.hdr_only);

	/* claimed beyond the capture and overrunning: invalid wins */
	gnv_opt_iter_init(&it, two, 5, 6);
	ck_assert(!gnv_opt_next(&it, &o));
	ck_assert_int_eq(it.status, GNV_INVALID);

	ck_assert(!gnv_opt_blob_ok(two, 6));
	ck_assert(!gnv_opt_blob_ok(two, 10));
	ck_assert_int_eq(gnv_opt_find(two, 10, CLS, 2, NULL), -EINVAL);
	/* a critical option before the bad tail still counts, and so does a
	 * critical header whose data runs past the end (as the builder and
	 * the router have always counted it) */
	ck_assert(gnv_opt_any_critical(two, 10));
	ck_assert(gnv_opt_any_critical(two, 6));
	ck_assert(!gnv_opt_any_critical(two, 3));
}
END_TEST

START_TEST(iter_252)
{
	uint8_t buf[260];
	struct gnv_optbuf b;
	struct gnv_opt_iter it;
	struct gnv_tlv o;
	uint8_t data[124];
	int n = 0;

	memset(data, 0x5a, sizeof(data));
	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_uint_eq(b.cap, GNV_OPT_SPACE);
	ck_assert_int_eq(gnv_opt_append(&b, 0x0101, 0x01, data, 124), 0);
	ck_assert_int_eq(gnv_opt_append(&b, 0x0101, 0x82, data, 120), 0);
	ck_assert_uint_eq(b.size, 252);
	ck_assert_int_eq(gnv_opt_append(&b, 0x0101, 0x03, NULL, 0), -ENOSPC);
	ck_assert_uint_eq(b.size, 252);

	gnv_opt_iter_init(&it, buf, b.size, b.size);
	while (gnv_opt_next(&it, &o)) {
		ck_assert_uint_eq(o.size, n ? 120 : 124);
		ck_assert_uint_eq(o.critical, n == 1);
		ck_assert_int_eq(memcmp(o.data, data, o.size), 0);
		n++;
	}
	ck_assert_int_eq(n, 2);
	ck_assert_int_eq(it.status, GNV_OK);
	ck_assert_int_eq(gnv_opt_find(buf, b.size, 0x0101, 0x02, &o), 1);
	ck_assert_uint_eq(o.off, 128);

	/* 63 empty options fill 252 bytes too */
	gnv_optbuf_init(&b, buf, sizeof(buf));
	for (int i = 0; i < 63; i++)
		ck_assert_int_eq(gnv_opt_append(&b, CLS, 0x10, NULL, 0), 0);
	ck_assert_int_eq(gnv_opt_append(&b, CLS, 0x10, NULL, 0), -ENOSPC);
	ck_assert(gnv_opt_blob_ok(buf, b.size));
	ck_assert_int_eq(gnv_opt_find(buf, b.size, CLS, 0x10, NULL), 63);
}
END_TEST

START_TEST(writer)
{
	uint8_t buf[16];
	struct gnv_optbuf b;
	uint8_t *d;

	memset(buf, 0xee, sizeof(buf));
	gnv_optbuf_init(&b, buf, sizeof(buf));
	/* padded to 4 with zeros */
	ck_assert_int_eq(gnv_opt_append(&b, 0x1234, 0x85, "\x01\x02\x03", 3), 0);
	ck_assert_uint_eq(b.size, 8);
	ck_assert_int_eq(memcmp(buf, "\x12\x34\x85\x01\x01\x02\x03\x00", 8), 0);
	ck_assert_int_eq(gnv_opt_append(&b, 1, 1, buf, 125), -EINVAL);
	ck_assert_int_eq(gnv_opt_append(&b, 1, 1, buf, 5), -ENOSPC);
	ck_assert_uint_eq(b.size, 8);
	d = gnv_opt_reserve(&b, 0xffa7, 0x01, 4);
	ck_assert_ptr_eq(d, buf + 12);
	ck_assert_int_eq(memcmp(buf + 8, "\xff\xa7\x01\x01\x00\x00\x00\x00", 8), 0);
	ck_assert_uint_eq(b.size, 16);
	ck_assert_ptr_null(gnv_opt_reserve(&b, 1, 1, 0));

	/* a stored blob, as the router adds an endpoint's options */
	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_append_raw(&b, two, sizeof(two)), 0);
	ck_assert_uint_eq(b.size, sizeof(two));
	ck_assert_int_eq(memcmp(buf, two, sizeof(two)), 0);
	ck_assert_int_eq(gnv_opt_append_raw(&b, two, 8), -ENOSPC);
	ck_assert_int_eq(gnv_opt_append_raw(&b, two + 8, 4), 0);
	ck_assert_uint_eq(b.size, 16);
	ck_assert(gnv_opt_blob_ok(buf, b.size));
}
END_TEST

START_TEST(genv_label)
{
	uint8_t buf[GNV_OPT_SPACE];
	uint32_t in[GENV_LABEL_MAX], out[GENV_LABEL_MAX];
	struct gnv_optbuf b;
	struct gnv_tlv o;
	unsigned int n;

	for (unsigned int i = 0; i < GENV_LABEL_MAX; i++)
		in[i] = 0x01000000u * i + 7;
	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_label_put(&b, CLS, in, 0), -EINVAL);
	ck_assert_int_eq(gnv_opt_label_put(&b, CLS, in, GENV_LABEL_MAX + 1), -EINVAL);
	ck_assert_int_eq(gnv_opt_label_put(&b, CLS, in, 2), 0);
	ck_assert_uint_eq(b.size, GENV_LABEL_OPT_SIZE(2));
	ck_assert_int_eq(memcmp(buf, "\xff\xa7\x01\x02\x00\x00\x00\x07\x01\x00\x00\x07", 12), 0);
	ck_assert_int_eq(gnv_opt_label_put(&b, CLS, in, GENV_LABEL_MAX), 0);
	ck_assert_int_eq(gnv_opt_find(buf, b.size, CLS, GENV_OPT_LABEL, &o), 2);
	ck_assert(gnv_opt_is(&o, CLS, GENV_OPT_LABEL));
	ck_assert_int_eq(gnv_opt_label_get(o.data, o.size, out, GENV_LABEL_MAX, &n), 0);
	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(out[1], in[1]);
	ck_assert_int_eq(gnv_opt_label_get(buf + 16, 124, out, 3, &n), 0);
	ck_assert_uint_eq(n, GENV_LABEL_MAX);
	ck_assert_uint_eq(out[2], in[2]);
	ck_assert_int_eq(gnv_opt_label_get(buf + 16, 124, NULL, 0, &n), 0);
	ck_assert_int_eq(gnv_opt_label_get(buf, 0, out, 1, &n), -EINVAL);
	ck_assert_int_eq(gnv_opt_label_get(buf, 128, out, 1, &n), -EINVAL);
}
END_TEST

START_TEST(genv_eptype_qos)
{
	uint8_t buf[16];
	struct gnv_optbuf b;
	struct gnv_qos q = { QOS_EXPEDITED, 5 }, q2;
	uint8_t t;

	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_eptype_put(&b, 0xff00, EP_PROXIED), 0);
	ck_assert_int_eq(gnv_opt_qos_put(&b, 0xff00, &q), 0);
	ck_assert_uint_eq(b.size, 16);
	ck_assert_int_eq(memcmp(buf, "\xff\x00\x02\x01\x02\x00\x00\x00"
				"\xff\x00\x04\x01\x01\x05\x00\x00", 16), 0);
	ck_assert_int_eq(gnv_opt_eptype_get(buf + 4, 4, &t), 0);
	ck_assert_uint_eq(t, EP_PROXIED);
	ck_assert_int_eq(gnv_opt_qos_get(buf + 12, 4, &q2), 0);
	ck_assert_uint_eq(q2.cls, QOS_EXPEDITED);
	ck_assert_uint_eq(q2.prio, 5);
	ck_assert_int_eq(gnv_opt_eptype_get(buf + 4, 8, &t), -EINVAL);
	ck_assert_int_eq(gnv_opt_qos_get(buf + 12, 0, &q2), -EINVAL);
	ck_assert_int_eq(gnv_opt_qos_get((const uint8_t *)"\x03\0\0\0", 4, &q2), -EINVAL);
	ck_assert_int_eq(gnv_opt_qos_put(&b, 0xff00, &q), -ENOSPC);
}
END_TEST

START_TEST(genv_rts)
{
	uint8_t buf[64];
	struct gnv_optbuf b;
	struct gnv_rts r = { .flags = GENV_RTS_F_MATCH, .mac = { 2, 0, 0, 0, 0, 1 },
			     .host = { 4, { 10, 200, 0, 1 } } }, r2;
	struct gnv_opt_iter it;
	struct gnv_tlv o;

	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_rts_put(&b, CLS, &r), 0);
	ck_assert_uint_eq(b.size, GENV_RTS_OPT_SIZE(4));
	ck_assert_int_eq(memcmp(buf, "\xff\xa7\x03\x03\x01\x04\x02\x00\x00\x00\x00\x01"
				"\x0a\xc8\x00\x01", 16), 0);
	r.invalidate = true;
	r.host.family = 6;
	memset(r.host.a, 0, 16);
	r.host.a[0] = 0xfd;
	r.host.a[15] = 9;
	ck_assert_int_eq(gnv_opt_rts_put(&b, CLS, &r), 0);
	ck_assert_uint_eq(b.size, GENV_RTS_OPT_SIZE(4) + GENV_RTS_OPT_SIZE(6));
	r.host.family = 0;
	ck_assert_int_eq(gnv_opt_rts_put(&b, CLS, &r), -EINVAL);

	gnv_opt_iter_init(&it, buf, b.size, b.size);
	ck_assert(gnv_opt_next(&it, &o));
	ck_assert_int_eq(gnv_opt_rts_get(o.data, o.size, o.type, &r2), 0);
	ck_assert(!r2.invalidate);
	ck_assert_uint_eq(r2.flags, GENV_RTS_F_MATCH);
	ck_assert_uint_eq(r2.host.family, 4);
	ck_assert_uint_eq(r2.host.a[1], 200);
	ck_assert_uint_eq(r2.mac[5], 1);
	ck_assert(gnv_opt_next(&it, &o));
	ck_assert_uint_eq(o.type, GENV_OPT_RTS_INVALIDATE);
	ck_assert(o.critical);
	ck_assert_int_eq(gnv_opt_rts_get(o.data, o.size, o.type, &r2), 0);
	ck_assert(r2.invalidate);
	ck_assert_uint_eq(r2.host.family, 6);
	ck_assert_uint_eq(r2.host.a[15], 9);
	/* size and family byte must agree */
	ck_assert_int_eq(gnv_opt_rts_get(buf + 4, 24, 3, &r2), -EINVAL);
	ck_assert_int_eq(gnv_opt_rts_get(buf + 4, 8, 3, &r2), -EINVAL);
}
END_TEST

START_TEST(genv_trace)
{
	uint8_t buf[GNV_OPT_SPACE];
	struct gnv_optbuf b;
	struct gnv_trace t = { .flags = GENV_TRACE_F_REPLY, .nhop = 2, .id = 0x1234,
			       .seq = 0xdeadbeef }, t2;
	struct gnv_tlv o;
	uint8_t rec[GENV_TRACE_REC_SIZE];
	struct gnv_trace_rec r;

	t.rec[0] = (struct gnv_trace_rec){ { 10, 0, 0, 1 }, 0, 0, 0, 100 };
	t.rec[1] = (struct gnv_trace_rec){ { 10, 0, 0, 2 }, 1, 2, 0x0102, 0x01020304 };
	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_trace_put(&b, CLS, &t), 0);
	ck_assert_uint_eq(b.size, GENV_TRACE_OPT_SIZE(2));
	ck_assert_int_eq(memcmp(buf, "\xff\xa7\x05\x08\x01\x02\x12\x34\xde\xad\xbe\xef"
				"\x0a\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x64", 24), 0);
	ck_assert_int_eq(gnv_opt_find(buf, b.size, CLS, GENV_OPT_TRACE, &o), 1);
	ck_assert(gnv_opt_trace_size_ok(o.data, o.size));
	memset(&t2, 0, sizeof(t2));
	ck_assert_int_eq(gnv_opt_trace_get(o.data, o.size, &t2), 0);
	ck_assert_uint_eq(t2.flags, GENV_TRACE_F_REPLY);
	ck_assert_uint_eq(t2.nhop, 2);
	ck_assert_uint_eq(t2.id, 0x1234);
	ck_assert_uint_eq(t2.seq, 0xdeadbeef);
	ck_assert_int_eq(memcmp(&t2.rec[1], &t.rec[1], sizeof(t.rec[1])), 0);
	ck_assert_uint_eq(t2.rec[0].ts_us, 100);

	/* the record count must match the size */
	ck_assert(!gnv_opt_trace_size_ok(o.data, o.size - 12));
	ck_assert_int_eq(gnv_opt_trace_get(o.data, 4, &t2), -EINVAL);

	/* the most hops that fit one option */
	t.nhop = GENV_TRACE_MAX_HOPS;
	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_trace_put(&b, CLS, &t), 0);
	ck_assert_uint_eq(b.size, GENV_TRACE_OPT_SIZE(GENV_TRACE_MAX_HOPS));
	ck_assert_int_eq(gnv_opt_trace_get(buf + 4, b.size - 4, &t2), 0);
	ck_assert_uint_eq(t2.nhop, GENV_TRACE_MAX_HOPS);
	t.nhop = GENV_TRACE_MAX_HOPS + 1;
	ck_assert_int_eq(gnv_opt_trace_put(&b, CLS, &t), -EINVAL);

	gnv_opt_trace_rec_write(rec, &t.rec[1]);
	gnv_opt_trace_rec_read(rec, &r);
	ck_assert_int_eq(memcmp(&r, &t.rec[1], sizeof(r)), 0);
}
END_TEST

/* The registry's field tables (optreg.c) and the typed codecs agree. */
static uint64_t field_u(const struct gnv_optinfo *info, const char *key)
{
	for (unsigned int i = 0; i < info->nfield; i++)
		if (!strcmp(info->f[i].key, key))
			return info->f[i].u;
	ck_abort_msg("no field %s", key);
	return 0;
}

START_TEST(genv_registry_agrees)
{
	uint8_t buf[GNV_OPT_SPACE];
	struct gnv_optbuf b;
	struct gnv_trace t = { .flags = GENV_TRACE_F_REPLY | GENV_TRACE_F_OVERFLOW, .nhop = 1,
			       .id = 77, .seq = 123456 };
	struct gnv_rts r = { .flags = GENV_RTS_F_MATCH, .invalidate = true,
			     .host = { 4, { 192, 0, 2, 9 } } };
	struct gnv_qos q = { QOS_BESTEFFORT, 3 };
	struct gnv_pkt pk;
	struct gnv_opt o;
	struct gnv_optinfo info;
	struct gnv_opt_iter it;
	struct gnv_tlv x;
	int n = 0;

	gnv_optbuf_init(&b, buf, sizeof(buf));
	ck_assert_int_eq(gnv_opt_trace_put(&b, CLS, &t), 0);
	ck_assert_int_eq(gnv_opt_rts_put(&b, CLS, &r), 0);
	ck_assert_int_eq(gnv_opt_qos_put(&b, CLS, &q), 0);
	ck_assert_int_eq(gnv_opt_eptype_put(&b, CLS, EP_GATEWAY), 0);
	memset(&pk, 0, sizeof(pk));
	pk.data = buf;
	pk.caplen = pk.len = (uint32_t)b.size;
	pk.genv_class = CLS;
	gnv_opt_iter_init(&it, buf, b.size, b.size);
	while (gnv_opt_next(&it, &x)) {
		o = (struct gnv_opt){ x.cls, x.type, x.rsvd, x.size, x.off };
		ck_assert(gnv_opt_info(&pk, &o, &info));
		ck_assert(info.layout_ok);
		ck_assert(!gnv_opt_layout_bad(&pk, &o));
		switch (n++) {
		case 0:
			ck_assert_str_eq(info.name, "trace");
			ck_assert_uint_eq(field_u(&info, "reply"), 1);
			ck_assert_uint_eq(field_u(&info, "overflow"), 1);
			ck_assert_uint_eq(field_u(&info, "hops"), 1);
			ck_assert_uint_eq(field_u(&info, "id"), 77);
			ck_assert_uint_eq(field_u(&info, "seq"), 123456);
			break;
		case 1:
			ck_assert_str_eq(info.name, "rts");
			ck_assert_uint_eq(field_u(&info, "match"), 1);
			ck_assert_uint_eq(field_u(&info, "invalidate"), 1);
			break;
		case 2:
			ck_assert_str_eq(info.name, "qos");
			ck_assert_uint_eq(field_u(&info, "class"), QOS_BESTEFFORT);
			ck_assert_uint_eq(field_u(&info, "prio"), 3);
			break;
		case 3:
			ck_assert_str_eq(info.name, "eptype");
			ck_assert_uint_eq(field_u(&info, "type"), EP_GATEWAY);
			break;
		}
	}
	ck_assert_int_eq(n, 4);
	/* a QoS class the layout has no name for: geneve.option_layout */
	buf[b.size - 8 - 8 + 4] = 3;	/* the QoS option's class byte */
	o = (struct gnv_opt){ CLS, GENV_OPT_QOS, 0, 4, (uint32_t)(b.size - 16) };
	ck_assert(gnv_opt_layout_bad(&pk, &o));
	ck_assert(gnv_opt_info(&pk, &o, &info));
	ck_assert(!info.layout_ok);
}
END_TEST

START_TEST(helpers)
{
	char err[16];
	uint8_t b[8];
	struct gnv_addr x = { 4, { 10, 0, 0, 1 } }, y = x;
	static const char *const names[] = { "geneve", "ipv4", "ipv6" };

	ck_assert_int_eq(gnv_errf(err, sizeof(err), -EINVAL, "bad '%s'", "x"), -EINVAL);
	ck_assert_str_eq(err, "bad 'x'");
	ck_assert_int_eq(gnv_errf(err, sizeof(err), -ENOSPC, "%s", "a long message here"), -ENOSPC);
	ck_assert_str_eq(err, "a long message ");
	ck_assert_int_eq(gnv_errf(NULL, 0, -ENOENT, "x"), -ENOENT);

	ck_assert_uint_eq(gnv_edit_distance("genve", 5, "geneve", 6), 1);
	ck_assert_uint_eq(gnv_edit_distance("", 0, "abc", 3), 3);
	ck_assert_uint_eq(gnv_edit_distance("abc", 3, "abc", 3), 0);
	ck_assert_str_eq(gnv_closest("ipv5", 4, names, 3, 3), "ipv4");
	ck_assert_ptr_null(gnv_closest("tcp", 3, names, 3, 2));

	gnv_put_be(b, 6, 0x0102030405060708ull);
	ck_assert_int_eq(memcmp(b, "\x03\x04\x05\x06\x07\x08", 6), 0);
	ck_assert_uint_eq(gnv_get_be(b, 6), 0x030405060708ull);
	ck_assert_uint_eq(gnv_get_be(b, 0), 0);

	ck_assert(gnv_addr_eq(&x, &y));
	y.a[3] = 2;
	ck_assert(!gnv_addr_eq(&x, &y));
	y = x;
	y.family = 6;
	ck_assert(!gnv_addr_eq(&x, &y));
}
END_TEST

Suite *opt_suite(void)
{
	Suite *s = suite_create("opt");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, iter_clean);
	tcase_add_test(tc, iter_truncated);
	tcase_add_test(tc, iter_overrun);
	tcase_add_test(tc, iter_252);
	tcase_add_test(tc, writer);
	tcase_add_test(tc, genv_label);
	tcase_add_test(tc, genv_eptype_qos);
	tcase_add_test(tc, genv_rts);
	tcase_add_test(tc, genv_trace);
	tcase_add_test(tc, genv_registry_agrees);
	tcase_add_test(tc, helpers);
	suite_add_tcase(s, tc);
	return s;
}
