/* SPDX-License-Identifier: MIT */
/*
 * libcore/optreg.h: class names, gnv_opt_info() typed fields for every
 * named layout, gnv_opt_encode() for every named option, raw options and
 * every error message, and encode -> decode round trips.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../../libcore/cursor.h"
#include "../../libcore/num.h"
#include "../../libcore/optfile.h"
#include "../../libcore/optreg.h"
#include "../../libcore/ovsnot.h"
#include "pktgen.h"

Suite *optreg_suite(void);

static struct gnv_pkt pk;
static uint8_t buf[512];
static struct gnv_optinfo info;

/* Describe an option (class, type, data) placed at offset 0 of a frame. */
static bool describe(uint16_t cls, uint8_t type, const uint8_t *d, size_t n, uint16_t genv_class)
{
	struct gnv_opt o = { .cls = cls, .type = type, .size = (uint8_t)n, .off = 0 };

	memset(&pk, 0, sizeof(pk));
	memset(buf, 0, sizeof(buf));
	gnv_put16(buf, cls);
	buf[2] = type;
	buf[3] = (uint8_t)(n / 4);
	if (n)
		memcpy(buf + 4, d, n);
	pk.data = buf;
	pk.caplen = (uint32_t)(4 + n);
	pk.len = pk.caplen;
	pk.genv_class = genv_class;
	return gnv_opt_info(&pk, &o, &info);
}

static const struct gnv_field *fld(const char *key)
{
	for (unsigned int i = 0; i < info.nfield; i++)
		if (!strcmp(info.f[i].key, key))
			return &info.f[i];
	ck_abort_msg("option %s has no field '%s'", info.name ? info.name : "?", key);
	return NULL;
}

static uint64_t fu(const char *key)
{
	return fld(key)->u;
}

#define ck_assert_named(nm) do {						\
	ck_assert_ptr_nonnull(info.name);					\
	ck_assert_str_eq(info.name, (nm));					\
	ck_assert_ptr_nonnull(info.desc);					\
	ck_assert_msg(info.layout_ok, "%s: layout not ok", (nm));		\
} while (0)

/* ---- class names ---- */

START_TEST(class_names)
{
	static const struct { uint16_t cls; const char *name, *short_name; } t[] = {
		{ 0x0000, "IETF standard", "IETF" },
		{ 0x00ff, "IETF standard", "IETF" },
		{ 0x0100, "Linux", "Linux" },
		{ 0x0101, "Open vSwitch", "OVS" },
		{ 0x0102, "Open Virtual Networking (OVN)", "OVN" },
		{ 0x0103, "In-band Network Telemetry (INT)", "INT" },
		{ 0x0104, "VMware, Inc.", "VMware" },
		{ 0x0105, "Amazon.com, Inc.", "Amazon" },
		{ 0x0106, "Cisco Systems, Inc.", "Cisco" },
		{ 0x0107, "Oracle Corporation", "Oracle" },
		{ 0x0108, "Amazon.com, Inc.", "Amazon" },
		{ 0x0110, "Amazon.com, Inc.", "Amazon" },
		{ 0x0111, "IBM", "IBM" },
		{ 0x0118, "IBM", "IBM" },
		{ 0x0119, "Ericsson", "Ericsson" },
		{ 0x0128, "Ericsson", "Ericsson" },
		{ 0x0129, "Oxide Computer Company", "Oxide" },
		{ 0x0130, "Cisco Systems, Inc.", "Cisco" },
		{ 0x0131, "Cisco Systems, Inc.", "Cisco" },
		{ 0x0132, "Google LLC", "Google" },
		{ 0x0135, "Google LLC", "Google" },
		{ 0x0136, "InfoQuick Global Connection Tech Ltd.", "InfoQuick" },
		{ 0x014b, "Cilium", "Cilium" },
		{ 0x0164, "cPacket Networks, Inc.", "cPacket" },
		{ 0x1101, "unassigned (Mizar's byte-swapped 0x0111)", "Mizar" },
		{ 0xff00, "Experimental", "Experimental" },
		{ 0xffff, "Experimental", "Experimental" },
		{ 0xFFA7, "genv (experimental)", "genv" },
		{ 0x0200, "Unassigned", "Unassigned" },
		{ 0x1100, "Unassigned", "Unassigned" },
		{ 0x1102, "Unassigned", "Unassigned" },
		{ 0xfeff, "Unassigned", "Unassigned" },
	};

	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ck_assert_msg(!strcmp(gnv_class_name(t[i].cls, 0xFFA7), t[i].name),
			      "class 0x%04x: '%s'", t[i].cls, gnv_class_name(t[i].cls, 0xFFA7));
		ck_assert_msg(!strcmp(gnv_class_short(t[i].cls, 0xFFA7), t[i].short_name),
			      "class 0x%04x: short '%s'", t[i].cls, gnv_class_short(t[i].cls, 0xFFA7));
	}
	/* genv's class is configurable: the old one is just experimental */
	ck_assert_str_eq(gnv_class_name(0xFF10, 0xFF10), "genv (experimental)");
	ck_assert_str_eq(gnv_class_short(0xFF10, 0xFF10), "genv");
	ck_assert_str_eq(gnv_class_name(0xFFA7, 0xFF10), "Experimental");
	/* never NULL, whatever the class */
	for (uint32_t c = 0; c <= 0xffff; c++) {
		ck_assert_ptr_nonnull(gnv_class_name((uint16_t)c, 0xFFA7));
		ck_assert_ptr_nonnull(gnv_class_short((uint16_t)c, 0xFFA7));
	}
}
END_TEST

/* ---- gnv_opt_info for every named layout ---- */

START_TEST(info_ovn)
{
	static const uint8_t d[4] = { 0x80, 0x01, 0x00, 0x0a };	/* reserved bit set */

	ck_assert(describe(0x0102, 0x80, d, 4, 0xFFA7));
	ck_assert_named("ovn");
	ck_assert_uint_eq(info.nfield, 2);
	ck_assert_uint_eq(fu("in"), 1);
	ck_assert_uint_eq(fld("in")->kind, GNV_F_UINT);
	ck_assert_uint_eq(fu("out"), 10);
	/* OVN's layout is for the critical type 0x80 only */
	ck_assert(!describe(0x0102, 0x00, d, 4, 0xFFA7));
	ck_assert_ptr_null(info.name);
	/* wrong sizes */
	ck_assert(describe(0x0102, 0x80, d, 0, 0xFFA7));
	ck_assert(!info.layout_ok);
	ck_assert_uint_eq(info.nfield, 0);
	ck_assert(describe(0x0102, 0x80, (const uint8_t[8]){ 0 }, 8, 0xFFA7));
	ck_assert(!info.layout_ok);
}
END_TEST

START_TEST(info_cilium_dsr)
{
	static const uint8_t d4[8] = { 10, 0, 0, 1, 0x01, 0xbb, 0, 0 };
	uint8_t d6[24] = { 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x1f, 0x90, 0, 0 };

	ck_assert(describe(0x014b, 0x81, d4, 8, 0xFFA7));
	ck_assert_named("cilium.dsr");
	ck_assert_uint_eq(fld("addr")->kind, GNV_F_IP4);
	ck_assert(!memcmp(fld("addr")->b, d4, 4));
	ck_assert_uint_eq(fu("port"), 443);

	ck_assert(describe(0x014b, 0x81, d6, 20, 0xFFA7));
	ck_assert_named("cilium.dsr");
	ck_assert_uint_eq(fld("addr")->kind, GNV_F_IP6);
	ck_assert(!memcmp(fld("addr")->b, d6, 16));
	ck_assert_uint_eq(fu("port"), 8080);

	for (size_t n = 0; n <= 24; n += 4) {
		if (n == 8 || n == 20)
			continue;
		ck_assert(describe(0x014b, 0x81, d6, n, 0xFFA7));
		ck_assert_msg(!info.layout_ok, "cilium.dsr accepted %zu bytes", n);
	}
	ck_assert(!describe(0x014b, 0x01, d4, 8, 0xFFA7));
}
END_TEST

START_TEST(info_google)
{
	uint8_t d[8];
	static const uint8_t ep[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };

	gnv_put32(d, 0x1234567u << 4 | 1);
	ck_assert(describe(0x0132, 0x01, d, 4, 0xFFA7));
	ck_assert_named("gcp.vnid");
	ck_assert_uint_eq(fu("vnid"), 0x1234567);
	ck_assert_uint_eq(fld("dir")->kind, GNV_F_ENUM);
	ck_assert_uint_eq(fu("dir"), 1);
	ck_assert_str_eq(fld("dir")->s, "egress");
	gnv_put32(d, 0xfffffffeu);	/* reserved bits do not leak into dir */
	ck_assert(describe(0x0132, 0x01, d, 4, 0xFFA7));
	ck_assert_uint_eq(fu("vnid"), 0xfffffff);
	ck_assert_str_eq(fld("dir")->s, "ingress");

	ck_assert(describe(0x0132, 0x02, ep, 12, 0xFFA7));
	ck_assert_named("gcp.endpoint");
	ck_assert_uint_eq(fld("endpoint")->kind, GNV_F_HEX);
	ck_assert_uint_eq(fld("endpoint")->size, 12);
	ck_assert(!memcmp(fld("endpoint")->p, ep, 12));

	gnv_put32(d, 0x11223344);
	gnv_put32(d + 4, 0x55667788);
	ck_assert(describe(0x0132, 0x03, d, 8, 0xFFA7));
	ck_assert_named("gcp.profile");
	ck_assert_uint_eq(fu("profile"), 0x1122334455667788ull);
	ck_assert(describe(0x0132, 0x03, d, 4, 0xFFA7));
	ck_assert(!info.layout_ok);
	/* the other Google classes have no layouts */
	ck_assert(!describe(0x0133, 0x01, d, 4, 0xFFA7));
}
END_TEST

START_TEST(info_cpacket)
{
	uint8_t d[24] = { 0 };

	gnv_put32(d, 0xdeadbeef);	/* seq */
	gnv_put16(d + 4, 1514);		/* origlen */
	d[6] = 0xff;			/* reserved */
	d[7] = 3;			/* version */
	d[8] = 0x00;
	d[9] = 0x01;
	gnv_put32(d + 10, 0x23456789);	/* ts_sec (48 bits) */
	gnv_put32(d + 14, 999999999);	/* ts_nsec */
	gnv_put16(d + 18, 0xabcd);	/* fracns */
	gnv_put16(d + 20, 77);		/* device */
	gnv_put16(d + 22, 8);		/* port */
	ck_assert(describe(0x0164, 0x00, d, 24, 0xFFA7));
	ck_assert_named("cpacket");
	ck_assert_uint_eq(fu("seq"), 0xdeadbeef);
	ck_assert_uint_eq(fu("origlen"), 1514);
	ck_assert_uint_eq(fu("version"), 3);
	ck_assert_uint_eq(fu("ts_sec"), 0x000123456789ull);
	ck_assert_uint_eq(fu("ts_nsec"), 999999999);
	ck_assert_uint_eq(fu("ts_fracns"), 0xabcd);
	ck_assert_uint_eq(fu("device"), 77);
	ck_assert_uint_eq(fu("port"), 8);
	ck_assert(describe(0x0164, 0x00, d, 20, 0xFFA7));
	ck_assert(!info.layout_ok);
}
END_TEST

START_TEST(info_mizar)
{
	static const uint16_t classes[2] = { 0x0111, 0x1101 };
	static const uint8_t rts[12] = { 1, 10, 0, 0, 5, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff, 0 };
	uint8_t sc[28] = { 0x4d, 10, 0, 0, 1, 10, 0, 0, 2, 0x9c, 0x40, 0, 80,
			   2, 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 2, 0, 0, 0 };
	static const uint8_t lbl[4] = { 0, 0, 0x12, 0x34 };

	for (int k = 0; k < 2; k++) {
		uint16_t c = classes[k];

		/* the type matches with or without the critical bit */
		for (int crit = 0; crit < 2; crit++) {
			ck_assert(describe(c, (uint8_t)(0x48 | crit << 7), rts, 12, 0xFFA7));
			ck_assert_named("mizar.rts");
			ck_assert_uint_eq(fu("match"), 1);
			ck_assert_uint_eq(fld("match")->kind, GNV_F_BOOL);
			ck_assert_uint_eq(fld("host")->kind, GNV_F_IP4);
			ck_assert(!memcmp(fld("host")->b, rts + 1, 4));
			ck_assert_uint_eq(fld("mac")->kind, GNV_F_MAC);
			ck_assert(!memcmp(fld("mac")->b, rts + 5, 6));
		}
		ck_assert(describe(c, 0x48, rts, 8, 0xFFA7));
		ck_assert(!info.layout_ok);

		ck_assert(describe(c, 0x49, sc, 28, 0xFFA7));
		ck_assert_named("mizar.scaled");
		ck_assert_uint_eq(fu("msg"), 0x4d);
		ck_assert(!memcmp(fld("saddr")->b, sc + 1, 4));
		ck_assert(!memcmp(fld("daddr")->b, sc + 5, 4));
		ck_assert_uint_eq(fu("sport"), 40000);
		ck_assert_uint_eq(fu("dport"), 80);
		ck_assert(!memcmp(fld("smac")->b, sc + 13, 6));
		ck_assert(!memcmp(fld("dmac")->b, sc + 19, 6));
		ck_assert(describe(c, 0x49, sc, 24, 0xFFA7));
		ck_assert(!info.layout_ok);

		ck_assert(describe(c, 0x50, lbl, 4, 0xFFA7));
		ck_assert_named("mizar.pod");
		ck_assert_uint_eq(fu("label"), 0x1234);
		ck_assert(describe(c, 0x51, lbl, 4, 0xFFA7));
		ck_assert_named("mizar.ns");
		ck_assert_uint_eq(fu("label"), 0x1234);
		ck_assert(describe(c, 0x51, sc, 8, 0xFFA7));
		ck_assert(!info.layout_ok);
		/* other types in the class are not named */
		ck_assert(!describe(c, 0x52, lbl, 4, 0xFFA7));
	}
	/* other IBM classes are not Mizar's */
	ck_assert(!describe(0x0112, 0x48, rts, 12, 0xFFA7));
}
END_TEST

START_TEST(info_genv_label)
{
	uint8_t d[124];

	for (int i = 0; i < 31; i++)
		gnv_put32(d + 4 * i, (uint32_t)(1000 + i));
	for (size_t n = 1; n <= 31; n++) {
		ck_assert(describe(0xFFA7, 0x01, d, 4 * n, 0xFFA7));
		ck_assert_named("label");
		ck_assert_uint_eq(fld("labels")->kind, GNV_F_U32LIST);
		ck_assert_uint_eq(fld("labels")->size, 4 * n);
		ck_assert_ptr_eq(fld("labels")->p, buf + 4);
	}
	ck_assert(describe(0xFFA7, 0x01, d, 0, 0xFFA7));
	ck_assert(!info.layout_ok);
	/* in another configured class */
	ck_assert(describe(0xFF10, 0x81, d, 8, 0xFF10));
	ck_assert_named("label");
	ck_assert(!describe(0xFFA7, 0x01, d, 8, 0xFF10));
}
END_TEST

START_TEST(info_genv_eptype_qos)
{
	static const char *const ep[] = { "simple", "scaled", "proxied", "gateway" };
	static const char *const qc[] = { "premium", "expedited", "best-effort" };
	uint8_t d[8] = { 0 };

	for (uint8_t t = 0; t < 4; t++) {
		d[0] = t;
		ck_assert(describe(0xFFA7, 0x02, d, 4, 0xFFA7));
		ck_assert_named("eptype");
		ck_assert_uint_eq(fld("type")->kind, GNV_F_ENUM);
		ck_assert_uint_eq(fu("type"), t);
		ck_assert_str_eq(fld("type")->s, ep[t]);
	}
	d[0] = 9;	/* unnamed value: raw number, no name */
	ck_assert(describe(0xFFA7, 0x02, d, 4, 0xFFA7));
	ck_assert_uint_eq(fu("type"), 9);
	ck_assert_ptr_null(fld("type")->s);
	ck_assert(describe(0xFFA7, 0x02, d, 8, 0xFFA7));
	ck_assert(!info.layout_ok);

	for (uint8_t c = 0; c < 3; c++) {
		d[0] = c;
		d[1] = 2;
		ck_assert(describe(0xFFA7, 0x04, d, 4, 0xFFA7));
		ck_assert_named("qos");
		ck_assert_str_eq(fld("class")->s, qc[c]);
		ck_assert_uint_eq(fu("class"), c);
		ck_assert_uint_eq(fu("prio"), 2);
	}
	ck_assert(describe(0xFFA7, 0x04, d, 0, 0xFFA7));
	ck_assert(!info.layout_ok);
}
END_TEST

START_TEST(info_genv_rts)
{
	uint8_t d4[24] = { 1, 4, 2, 0, 0, 0, 0, 1, 10, 200, 0, 1 };
	uint8_t d6[24] = { 0, 6, 2, 0, 0, 0, 0, 2, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };

	ck_assert(describe(0xFFA7, 0x03, d4, 12, 0xFFA7));
	ck_assert_named("rts");
	ck_assert_uint_eq(fu("match"), 1);
	ck_assert(!memcmp(fld("mac")->b, d4 + 2, 6));
	ck_assert_uint_eq(fld("host")->kind, GNV_F_IP4);
	ck_assert(!memcmp(fld("host")->b, d4 + 8, 4));
	ck_assert_uint_eq(fld("invalidate")->kind, GNV_F_BOOL);
	ck_assert_uint_eq(fu("invalidate"), 0);

	/* type 0x83: the critical form invalidates the cached entry */
	ck_assert(describe(0xFFA7, 0x83, d4, 12, 0xFFA7));
	ck_assert_named("rts");
	ck_assert_uint_eq(fu("invalidate"), 1);

	ck_assert(describe(0xFFA7, 0x03, d6, 24, 0xFFA7));
	ck_assert_named("rts");
	ck_assert_uint_eq(fu("match"), 0);
	ck_assert_uint_eq(fld("host")->kind, GNV_F_IP6);
	ck_assert(!memcmp(fld("host")->b, d6 + 8, 16));

	/* the family byte must agree with the size */
	ck_assert(describe(0xFFA7, 0x03, d6, 12, 0xFFA7));
	ck_assert(!info.layout_ok);
	ck_assert(describe(0xFFA7, 0x03, d4, 24, 0xFFA7) && !info.layout_ok);
	d4[1] = 0;
	ck_assert(describe(0xFFA7, 0x03, d4, 12, 0xFFA7));
	ck_assert(!info.layout_ok);
	ck_assert(describe(0xFFA7, 0x03, d4, 16, 0xFFA7));
	ck_assert(!info.layout_ok);
}
END_TEST

START_TEST(info_genv_trace)
{
	uint8_t d[124] = { 0 };

	for (uint8_t hops = 0; hops <= GENV_TRACE_MAX_HOPS; hops++) {
		d[0] = 3;		/* reply, overflow */
		d[1] = hops;
		gnv_put16(d + 2, 4242);
		gnv_put32(d + 4, 0x01020304);
		ck_assert(describe(0xFFA7, 0x05, d, 8 + 12u * hops, 0xFFA7));
		ck_assert_named("trace");
		ck_assert_uint_eq(fu("reply"), 1);
		ck_assert_uint_eq(fu("overflow"), 1);
		ck_assert_uint_eq(fu("report"), 0);
		ck_assert_uint_eq(fu("hops"), hops);
		ck_assert_uint_eq(fu("id"), 4242);
		ck_assert_uint_eq(fu("seq"), 0x01020304);
	}
	ck_assert_int_eq(GENV_TRACE_MAX_HOPS, 9);
	d[0] = 2;
	d[1] = 0;
	ck_assert(describe(0xFFA7, 0x05, d, 8, 0xFFA7));
	ck_assert_uint_eq(fu("reply"), 0);
	ck_assert_uint_eq(fu("overflow"), 1);
	/* the hop-report flag (GENV_TRACE_F_REPORT) is named */
	d[0] = GENV_TRACE_F_REPLY | GENV_TRACE_F_REPORT;
	ck_assert(describe(0xFFA7, 0x05, d, 8, 0xFFA7));
	ck_assert_uint_eq(fu("reply"), 1);
	ck_assert_uint_eq(fu("overflow"), 0);
	ck_assert_uint_eq(fu("report"), 1);
	/* hop count and size disagree */
	d[1] = 2;
	ck_assert(describe(0xFFA7, 0x05, d, 20, 0xFFA7));
	ck_assert(!info.layout_ok);
	d[1] = 10;
	ck_assert(describe(0xFFA7, 0x05, d, 124, 0xFFA7));
	ck_assert(!info.layout_ok);
	ck_assert(describe(0xFFA7, 0x05, d, 4, 0xFFA7));
	ck_assert(!info.layout_ok);
}
END_TEST

START_TEST(info_unknown_and_uncaptured)
{
	static const uint8_t d[4] = { 0, 1, 0, 10 };
	struct gnv_opt o = { .cls = 0x0102, .type = 0x80, .size = 4, .off = 0 };

	ck_assert(!describe(0x0101, 0x80, d, 4, 0xFFA7));
	ck_assert_ptr_null(info.name);
	ck_assert_uint_eq(info.nfield, 0);
	ck_assert(!describe(0xFFA7, 0x3f, d, 4, 0xFFA7));
	/* a registered option whose data was not captured: named, no fields */
	describe(0x0102, 0x80, d, 4, 0xFFA7);
	pk.caplen = 7;
	ck_assert(gnv_opt_info(&pk, &o, &info));
	ck_assert_str_eq(info.name, "ovn");
	ck_assert(!info.layout_ok);
	ck_assert_uint_eq(info.nfield, 0);
	ck_assert(gnv_opt_layout_bad(&pk, &o) == false);	/* not judged */
	pk.caplen = 8;
	ck_assert(gnv_opt_info(&pk, &o, &info));
	ck_assert(info.layout_ok);
	ck_assert(!gnv_opt_layout_bad(&pk, &o));
	o.size = 0;
	ck_assert(gnv_opt_layout_bad(&pk, &o));
}
END_TEST

/* Through the decoder: options at their offsets in a real frame. */
START_TEST(info_from_decoded_frame)
{
	struct pg g;
	static const uint8_t ovn[4] = { 0, 5, 0, 6 };
	static const uint8_t pod[4] = { 0, 0, 0, 9 };

	pg_init(&g);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 50000, 6081);
	pg_geneve(&g, 0x40, 0x6558, 1);
	pg_gopt(&g, 0x0102, 0x80, ovn, 4);
	pg_gopt(&g, 0x1101, 0x50, pod, 4);
	pg_eth(&g, 0x0800);
	pg_ip4(&g, 17);
	pg_udp(&g, 1, 2);
	pg_finish(&g);
	ck_assert_int_eq(pg_decode(&g, &pk), GNV_OK);
	ck_assert_uint_eq(pk.gnv.nopt, 2);
	ck_assert(gnv_opt_info(&pk, &pk.gnv.opt[0], &info));
	ck_assert_named("ovn");
	ck_assert_uint_eq(fu("in"), 5);
	ck_assert_uint_eq(fu("out"), 6);
	ck_assert(gnv_opt_info(&pk, &pk.gnv.opt[1], &info));
	ck_assert_named("mizar.pod");
	ck_assert_uint_eq(fu("label"), 9);
}
END_TEST

/* ---- gnv_opt_encode ---- */

static uint16_t e_cls;
static uint8_t e_type, e_data[128];
static size_t e_size;
static char e_err[1024];

static int enc(const char *spec)
{
	memset(e_data, 0xee, sizeof(e_data));
	e_err[0] = 0;
	e_size = 999;
	return gnv_opt_encode(spec, 0xFFA7, &e_cls, &e_type, e_data, &e_size, e_err, sizeof(e_err));
}

static void enc_ok(const char *spec, uint16_t cls, uint8_t type, const char *hex)
{
	uint8_t want[128];
	size_t n = 0;

	ck_assert_msg(enc(spec) == 0, "'%s' failed: %s", spec, e_err);
	ck_assert_int_eq(parse_hex(hex, want, sizeof(want), &n), 0);
	ck_assert_msg(e_cls == cls, "'%s': class 0x%04x", spec, e_cls);
	ck_assert_msg(e_type == type, "'%s': type 0x%02x", spec, e_type);
	ck_assert_msg(e_size == n, "'%s': size %zu, expected %zu", spec, e_size, n);
	ck_assert_msg(!memcmp(e_data, want, n), "'%s': data differs", spec);
	ck_assert_uint_eq(e_size % 4, 0);
}

static void enc_err(const char *spec, const char *msg)
{
	ck_assert_msg(enc(spec) == -EINVAL, "'%s' accepted", spec);
	ck_assert_msg(!strcmp(e_err, msg), "'%s': message '%s', expected '%s'", spec, e_err, msg);
}

START_TEST(encode_raw)
{
	enc_ok("0x0102:0x80:0001000a", 0x0102, 0x80, "0001000a");
	enc_ok("258:128:0001000a", 0x0102, 0x80, "0001000a");
	enc_ok("0x0102:0x80", 0x0102, 0x80, "");
	enc_ok("0x0102:0x80:", 0x0102, 0x80, "");
	enc_ok("0xffff:0xff:01", 0xffff, 0xff, "01000000");	/* padded with zeros */
	enc_ok("0:0:0x0102030405", 0, 0, "0102030405000000");
	enc_ok("1:2:aa:bb:cc:dd", 1, 2, "aabbccdd");
	{
		char spec[300] = "0x0101:1:";

		for (int i = 0; i < 124; i++)
			strcat(spec, "ab");
		ck_assert_int_eq(enc(spec), 0);
		ck_assert_uint_eq(e_size, 124);
		strcat(spec, "cd");
		ck_assert_int_eq(enc(spec), -EINVAL);
		ck_assert(strstr(e_err, "': data longer than 124 bytes") != NULL);
		ck_assert(!strncmp(e_err, "option '0x0101:1:abab", 21));
	}
}
END_TEST

START_TEST(encode_raw_errors)
{
	enc_err("0x10000:1:00", "option '0x10000:1:00': class is not a 16-bit number");
	enc_err("0x0102", "option '0x0102': class is not a 16-bit number");
	enc_err("1x:1:00", "option '1x:1:00': class is not a 16-bit number");
	enc_err("1:0x100:00", "option '1:0x100:00': type is not an 8-bit number");
	enc_err("1::00", "option '1::00': type is not an 8-bit number");
	enc_err("1:2:abc", "option '1:2:abc': data is not hex");
	enc_err("1:2:zz", "option '1:2:zz': data is not hex");
}
END_TEST

START_TEST(encode_named)
{
	/* genv's own options, in the configured class */
	enc_ok("label:42", 0xFFA7, 0x01, "0000002a");
	enc_ok("label:42,7", 0xFFA7, 0x01, "0000002a00000007");
	enc_ok("label:1+2+3", 0xFFA7, 0x01, "000000010000000200000003");
	enc_ok("label:labels=0xffffffff+0", 0xFFA7, 0x01, "ffffffff00000000");
	enc_ok("label:0", 0xFFA7, 0x01, "00000000");
	enc_ok("eptype:scaled", 0xFFA7, 0x02, "01000000");
	enc_ok("eptype:type=gateway", 0xFFA7, 0x02, "03000000");
	enc_ok("eptype:simple", 0xFFA7, 0x02, "00000000");
	enc_ok("eptype:2", 0xFFA7, 0x02, "02000000");
	enc_ok("rts:host=10.200.0.1,mac=02:00:00:00:00:01", 0xFFA7, 0x03,
	       "0004020000000001" "0ac80001");
	enc_ok("rts:host=10.200.0.1,mac=02:00:00:00:00:01,match=1,invalidate=1", 0xFFA7, 0x83,
	       "0104020000000001" "0ac80001");
	enc_ok("rts:mac=aa:bb:cc:dd:ee:ff,host=fd00::5", 0xFFA7, 0x03,
	       "0006aabbccddeeff" "fd000000000000000000000000000005");
	enc_ok("qos:class=premium,prio=0", 0xFFA7, 0x04, "00000000");
	enc_ok("qos:class=best-effort,prio=2", 0xFFA7, 0x04, "02020000");
	enc_ok("qos:expedited", 0xFFA7, 0x04, "01000000");
	enc_ok("trace:id=1,seq=1", 0xFFA7, 0x05, "0000000100000001");
	enc_ok("ident:id=0x12345678", 0xFFA7, 0x86, "12345678");	/* sent critical */
	enc_ok("trace:reply=1,overflow=1,id=0xffff,seq=4294967295", 0xFFA7, 0x05, "0300ffffffffffff");
	enc_ok("trace:reply=1,report=1,id=1,seq=2", 0xFFA7, 0x05, "0500000100000002");
	/* others */
	enc_ok("ovn:in=1,out=10", 0x0102, 0x80, "0001000a");
	enc_ok("ovn:in=32767,out=65535", 0x0102, 0x80, "7fffffff");
	enc_ok("ovn:out=2", 0x0102, 0x80, "00000002");
	enc_ok("cilium.dsr:addr=10.0.0.1,port=80", 0x014b, 0x81, "0a00000100500000");
	enc_ok("cilium.dsr:addr=fd00::1,port=443", 0x014b, 0x81,
	       "fd000000000000000000000000000001" "01bb0000");
	enc_ok("cilium.dsr:port=443,addr=fd00::1", 0x014b, 0x81,
	       "fd000000000000000000000000000001" "01bb0000");
	enc_ok("gcp.vnid:vnid=5,dir=egress", 0x0132, 0x01, "00000051");
	enc_ok("gcp.vnid:vnid=0xfffffff,dir=ingress", 0x0132, 0x01, "fffffff0");
	enc_ok("gcp.endpoint:0a0b0c0d0e", 0x0132, 0x02, "0a0b0c0d0e000000");
	enc_ok("gcp.profile:profile=0x1122334455667788", 0x0132, 0x03, "1122334455667788");
	enc_ok("cpacket:seq=1,origlen=60,version=2,ts_sec=0x123456789abc,ts_nsec=5,"
	       "ts_fracns=6,device=7,port=8", 0x0164, 0x00,
	       "00000001003c0002123456789abc0000000500060007" "0008");
	enc_ok("mizar.rts:host=10.0.0.5,mac=aa:bb:cc:dd:ee:ff,match=1", 0x0111, 0x48,
	       "010a000005aabbccddeeff00");
	enc_ok("mizar.rts:host=10.0.0.5,class=0x1101", 0x1101, 0x48, "000a000005000000000000" "00");
	enc_ok("mizar.scaled:msg=0x4d,saddr=10.0.0.1,daddr=10.0.0.2,sport=40000,dport=80,"
	       "smac=02:00:00:00:00:01,dmac=02:00:00:00:00:02", 0x0111, 0x49,
	       "4d0a0000010a0000029c400050020000000001020000000002000000");
	enc_ok("mizar.pod:label=5", 0x0111, 0x50, "00000005");
	enc_ok("mizar.pod:5", 0x0111, 0x50, "00000005");
	enc_ok("mizar.ns:label=7,class=0x1101", 0x1101, 0x51, "00000007");
	/* critical= on any option */
	enc_ok("mizar.ns:label=7,critical=1", 0x0111, 0xd1, "00000007");
	enc_ok("ovn:in=1,critical=0", 0x0102, 0x00, "00010000");	/* clears it (genv-options(7)) */
	enc_ok("ident:id=70000,critical=0", 0xFFA7, 0x06, "00011170");
	enc_ok("eptype:scaled,critical=true", 0xFFA7, 0x82, "01000000");
	/* genv's class comes from the caller */
	ck_assert_int_eq(gnv_opt_encode("qos:premium", 0xFF10, &e_cls, &e_type, e_data, &e_size,
					e_err, sizeof(e_err)), 0);
	ck_assert_uint_eq(e_cls, 0xFF10);
}
END_TEST

START_TEST(encode_errors)
{
	enc_err("nosuch:1", "unknown option name 'nosuch' (see genv-options(7))");
	enc_err("label", "option 'label' needs at least one label");
	enc_err("label:1+x", "option 'label': bad label list '1+x'");
	enc_err("label:1,,2", "option 'label': bad label list '1++2'");
	enc_err("label:labels=", "option 'label': empty label list");
	enc_err("rts:host=nohost", "option 'rts': 'nohost' is not an IP address");
	enc_err("mizar.rts:host=fd00::1", "option 'mizar.rts': 'fd00::1' is not an IPv4 address");
	enc_err("rts:host=10.0.0.1,mac=zz", "option 'rts': 'zz' is not a MAC address");
	enc_err("gcp.endpoint:zz", "option 'gcp.endpoint': 'zz' is not hex data");
	enc_err("ovn:in=32768", "option 'ovn': '32768' is out of range or not a number");
	enc_err("qos:prio=x", "option 'qos': 'x' is out of range or not a number");
	enc_err("eptype:nosuch", "option 'eptype': 'nosuch' is out of range or not a number");
	enc_err("eptype:256", "option 'eptype': '256' is out of range or not a number");
	enc_err("trace:reply=2", "option 'trace': '2' is out of range or not a number");
	enc_err("ovn:class=0x10000", "option 'ovn': bad class '0x10000'");
	enc_err("ovn:critical=2", "option 'ovn': '2' is not 0 or 1");
	enc_err("rts:invalidate=yes", "option 'rts': 'yes' is not 0 or 1");
	enc_err("ovn:foo=1", "option 'ovn' has no field 'foo'");
	enc_err("ovn:1,2", "option 'ovn' has no field '2'");
	enc_err("mizar.pod:invalidate=1", "option 'mizar.pod' has no field 'invalidate'");

	/* a long label list (32 labels) */
	{
		char spec[256] = "label:";

		for (int i = 0; i < 32; i++)
			strcat(spec, i ? ",1" : "1");
		ck_assert_int_eq(enc(spec), -EINVAL);
		ck_assert(strstr(e_err, "bad label list") != NULL);
		spec[strlen(spec) - 2] = 0;	/* 31 labels fit */
		ck_assert_int_eq(enc(spec), 0);
		ck_assert_uint_eq(e_size, 124);
	}
	/* no room for the message, or none asked for */
	ck_assert_int_eq(gnv_opt_encode("nosuch", 0xFFA7, &e_cls, &e_type, e_data, &e_size,
					NULL, 0), -EINVAL);
	e_err[0] = 'x';
	ck_assert_int_eq(gnv_opt_encode("nosuch", 0xFFA7, &e_cls, &e_type, e_data, &e_size,
					e_err, 0), -EINVAL);
	ck_assert_int_eq(e_err[0], 'x');
	memset(e_err, 'x', sizeof(e_err));
	ck_assert_int_eq(gnv_opt_encode("nosuch", 0xFFA7, &e_cls, &e_type, e_data, &e_size,
					e_err, 8), -EINVAL);
	ck_assert_str_eq(e_err, "unknown");
	ck_assert_int_eq(e_err[8], 'x');
	/* a very long unknown name is cut, not overflowed */
	{
		char spec[200];

		memset(spec, 'n', sizeof(spec) - 1);
		spec[sizeof(spec) - 1] = 0;
		ck_assert_int_eq(enc(spec), -EINVAL);
		ck_assert(strlen(e_err) < sizeof(e_err));
	}
}
END_TEST

/* The original-destination option (proxied endpoints): RTS's size rule,
 * address at 8, MAC at 2; craft encodes both families. */
START_TEST(info_genv_odst)
{
	uint8_t d4[24] = { 0, 4, 2, 0, 0, 0, 3, 3, 10, 0, 3, 3 };
	uint8_t d6[24] = { 0, 6, 2, 0, 0, 0, 0, 2, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 5 };

	ck_assert(describe(0xFFA7, 0x07, d4, 12, 0xFFA7));
	ck_assert_named("odst");
	ck_assert_uint_eq(fld("addr")->kind, GNV_F_IP4);
	ck_assert(!memcmp(fld("addr")->b, d4 + 8, 4));
	ck_assert(!memcmp(fld("mac")->b, d4 + 2, 6));
	ck_assert(describe(0xFFA7, 0x07, d6, 24, 0xFFA7));
	ck_assert_named("odst");
	ck_assert_uint_eq(fld("addr")->kind, GNV_F_IP6);
	ck_assert(!memcmp(fld("addr")->b, d6 + 8, 16));
	/* sizes and family byte that disagree */
	ck_assert(describe(0xFFA7, 0x07, d6, 12, 0xFFA7) && !info.layout_ok);
	ck_assert(describe(0xFFA7, 0x07, d4, 24, 0xFFA7) && !info.layout_ok);
	ck_assert(describe(0xFFA7, 0x07, d4, 8, 0xFFA7) && !info.layout_ok);
	ck_assert(describe(0xFFA7, 0x07, d4, 16, 0xFFA7) && !info.layout_ok);
	enc_ok("odst:10.0.3.3,mac=02:00:00:00:03:03", 0xFFA7, 0x07, "00040200000003030a000303");
	enc_ok("odst:mac=02:00:00:00:00:02,addr=fd00::5", 0xFFA7, 0x07,
	       "0006020000000002fd000000000000000000000000000005");
	enc_ok("odst:addr=10.0.0.1,critical=1", 0xFFA7, 0x87, "00040000000000000a000001");
	enc_err("odst:10.0.0.300", "option 'odst': '10.0.0.300' is not an IP address");
	enc_err("odst:port=1", "option 'odst' has no field 'port'");
}
END_TEST

/* health (0x08): 8 bytes, answer flag and sequence; any other size is a
 * layout error; the libcore codec and the registry read the same bytes */
START_TEST(health_layout)
{
	static const uint8_t d[12] = { 0x01, 0, 0, 0, 0, 0, 0x30, 0x39 };	/* 12: the too-long case reads it all */
	struct gnv_health h;
	uint8_t ob_data[16];
	struct gnv_optbuf ob;

	ck_assert(describe(0xFFA7, 0x08, d, 8, 0xFFA7) && info.layout_ok);
	ck_assert(describe(0xFFA7, 0x08, d, 4, 0xFFA7) && !info.layout_ok);
	ck_assert(describe(0xFFA7, 0x08, d, 12, 0xFFA7) && !info.layout_ok);
	ck_assert_int_eq(gnv_opt_health_get(d, 8, &h), 0);
	ck_assert(h.answer);
	ck_assert_uint_eq(h.seq, 12345);
	ck_assert_int_eq(gnv_opt_health_get(d, 4, &h), -EINVAL);
	gnv_optbuf_init(&ob, ob_data, sizeof(ob_data));
	ck_assert_int_eq(gnv_opt_health_put(&ob, 0xFFA7, &h), 0);
	ck_assert_mem_eq(ob_data + 4, d, 8);
	enc_ok("health:seq=12345,answer=1", 0xFFA7, 0x08, "0100000000003039");
	enc_ok("health:seq=7", 0xFFA7, 0x08, "0000000000000007");
}
END_TEST

START_TEST(names_list)
{
	static const char *const samples[] = {
		"label:1", "eptype:simple", "rts:host=10.0.0.1", "qos:premium", "trace:id=1", "ident:id=70000",
		"ovn:in=1", "cilium.dsr:addr=10.0.0.1", "gcp.vnid:vnid=1", "gcp.endpoint:01020304",
		"gcp.profile:profile=1", "cpacket:seq=1", "mizar.rts:host=10.0.0.1",
		"mizar.scaled:msg=0x4d", "mizar.pod:label=1", "mizar.ns:label=1", "odst:10.0.0.1", "health:seq=1",
		"aws.endpoint:0x123", "aws.attachment:id=7", "aws.cookie:5", "oxide.external:",
		"oxide.mcast:both", "oxide.mss:1460",
	};
	size_t n = 0;

	for (; gnv_opt_names[n]; n++) {
		bool found = false;

		for (size_t k = 0; k < n; k++)
			ck_assert_msg(strcmp(gnv_opt_names[k], gnv_opt_names[n]), "duplicate name %s",
				      gnv_opt_names[n]);
		for (size_t k = 0; k < sizeof(samples) / sizeof(samples[0]); k++)
			if (!strncmp(samples[k], gnv_opt_names[n], strlen(gnv_opt_names[n])) &&
			    samples[k][strlen(gnv_opt_names[n])] == ':')
				found = true;
		ck_assert_msg(found, "no encode sample for '%s'", gnv_opt_names[n]);
	}
	ck_assert_uint_eq(n, sizeof(samples) / sizeof(samples[0]));
	/* every sample encodes, and decodes back to a named, well-sized option */
	for (size_t k = 0; k < n; k++) {
		const char *want = gnv_opt_names[k];

		ck_assert_msg(enc(samples[k]) == 0, "'%s': %s", samples[k], e_err);
		ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
		ck_assert_msg(info.name && !strncmp(samples[k], info.name, strlen(info.name)),
			      "'%s' decodes as %s", samples[k], info.name ? info.name : "(none)");
		ck_assert_msg(info.layout_ok, "'%s' encodes a bad layout (%zu bytes)", samples[k], e_size);
		(void)want;
	}
}
END_TEST

/* encode -> gnv_opt_info: the fields come back as written */
START_TEST(round_trip)
{
	ck_assert_int_eq(enc("ovn:in=321,out=4000"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_uint_eq(fu("in"), 321);
	ck_assert_uint_eq(fu("out"), 4000);

	ck_assert_int_eq(enc("rts:host=fd00::7,mac=02:aa:00:00:00:01,match=1,invalidate=1"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_named("rts");
	ck_assert_uint_eq(fu("match"), 1);
	ck_assert_uint_eq(fu("invalidate"), 1);
	ck_assert_uint_eq(fld("host")->kind, GNV_F_IP6);
	ck_assert_uint_eq(fld("host")->b[0], 0xfd);
	ck_assert_uint_eq(fld("host")->b[15], 7);
	ck_assert_uint_eq(fld("mac")->b[1], 0xaa);

	ck_assert_int_eq(enc("cilium.dsr:addr=fd00::1,port=8443"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_named("cilium.dsr");
	ck_assert_uint_eq(fu("port"), 8443);
	ck_assert_uint_eq(fld("addr")->kind, GNV_F_IP6);

	ck_assert_int_eq(enc("gcp.vnid:vnid=123456,dir=egress"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_uint_eq(fu("vnid"), 123456);
	ck_assert_str_eq(fld("dir")->s, "egress");

	ck_assert_int_eq(enc("qos:class=expedited,prio=1"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_str_eq(fld("class")->s, "expedited");
	ck_assert_uint_eq(fu("prio"), 1);

	ck_assert_int_eq(enc("trace:reply=1,id=77,seq=99"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_uint_eq(fu("reply"), 1);
	ck_assert_uint_eq(fu("overflow"), 0);
	ck_assert_uint_eq(fu("id"), 77);
	ck_assert_uint_eq(fu("seq"), 99);
	ck_assert_uint_eq(fu("hops"), 0);

	ck_assert_int_eq(enc("label:5,6,7"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_uint_eq(fld("labels")->size, 12);
	ck_assert_uint_eq(gnv_be32(fld("labels")->p + 8), 7);

	ck_assert_int_eq(enc("mizar.scaled:msg=0x4d,saddr=1.2.3.4,daddr=5.6.7.8,sport=1,dport=2,"
			     "smac=00:00:00:00:00:0a,dmac=00:00:00:00:00:0b,class=0x1101"), 0);
	ck_assert_uint_eq(e_cls, 0x1101);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_named("mizar.scaled");
	ck_assert_uint_eq(fu("msg"), 0x4d);
	ck_assert_uint_eq(fld("daddr")->b[3], 8);
	ck_assert_uint_eq(fu("sport"), 1);
	ck_assert_uint_eq(fu("dport"), 2);
	ck_assert_uint_eq(fld("dmac")->b[5], 0x0b);

	ck_assert_int_eq(enc("cpacket:seq=9,ts_sec=281474976710655,port=65535"), 0);
	ck_assert(describe(e_cls, e_type, e_data, e_size, 0xFFA7));
	ck_assert_uint_eq(fu("seq"), 9);
	ck_assert_uint_eq(fu("ts_sec"), 281474976710655ull);
	ck_assert_uint_eq(fu("port"), 65535);
	ck_assert_uint_eq(fu("device"), 0);
}
END_TEST


/* AWS GWLB (0x0108) and Oxide (0x0129) layouts */
START_TEST(info_aws_oxide)
{
	static const uint8_t id[8] = { 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 };
	static const uint8_t ck[4] = { 0x80, 0x00, 0x00, 0x2a };
	static const uint8_t mc[4] = { 0x80, 0x00, 0x00, 0x00 };
	static const uint8_t mss[4] = { 0x00, 0x00, 0x05, 0xb4 };

	ck_assert(describe(0x0108, 0x01, id, 8, 0xFFA7));
	ck_assert_named("aws.endpoint");
	ck_assert_uint_eq(fu("id"), 0x123456789abcdef0ull);
	ck_assert(describe(0x0108, 0x02, id, 8, 0xFFA7));
	ck_assert_named("aws.attachment");
	ck_assert_uint_eq(fu("id"), 0x123456789abcdef0ull);
	ck_assert(describe(0x0108, 0x03, ck, 4, 0xFFA7));
	ck_assert_named("aws.cookie");
	ck_assert_uint_eq(fu("cookie"), 0x8000002aull);
	/* the sizes AWS draws: 8, 8, 4 bytes */
	ck_assert(describe(0x0108, 0x01, id, 4, 0xFFA7) && !info.layout_ok);
	ck_assert(describe(0x0108, 0x03, id, 8, 0xFFA7) && !info.layout_ok);
	ck_assert(!describe(0x0108, 0x04, id, 8, 0xFFA7));
	/* another Amazon class of the 0x0108-0x0110 range is not GWLB's */
	ck_assert(!describe(0x0109, 0x01, id, 8, 0xFFA7));

	ck_assert(describe(0x0129, 0x00, NULL, 0, 0xFFA7));
	ck_assert_named("oxide.external");
	ck_assert_uint_eq(info.nfield, 0);
	ck_assert(describe(0x0129, 0x00, mss, 4, 0xFFA7) && !info.layout_ok);
	ck_assert(describe(0x0129, 0x01, mc, 4, 0xFFA7));
	ck_assert_named("oxide.mcast");
	ck_assert_str_eq(fld("replication")->s, "both");
	ck_assert_uint_eq(fu("replication"), 2);
	ck_assert(describe(0x0129, 0x02, mss, 4, 0xFFA7));
	ck_assert_named("oxide.mss");
	ck_assert_uint_eq(fu("mss"), 1460);

	enc_ok("aws.endpoint:0x123456789abcdef0", 0x0108, 0x01, "123456789abcdef0");
	enc_ok("aws.attachment:id=1", 0x0108, 0x02, "0000000000000001");
	enc_ok("aws.cookie:cookie=0xdeadbeef", 0x0108, 0x03, "deadbeef");
	enc_ok("oxide.external", 0x0129, 0x00, "");
	enc_ok("oxide.mcast:underlay", 0x0129, 0x01, "40000000");
	enc_ok("oxide.mcast:replication=3,critical=1", 0x0129, 0x81, "c0000000");
	enc_ok("oxide.mss:9000", 0x0129, 0x02, "00002328");
	enc_err("aws.cookie:0x100000000", "option 'aws.cookie': '0x100000000' is out of range or not a number");
	enc_err("oxide.mcast:sideways", "option 'oxide.mcast': 'sideways' is out of range or not a number");
	enc_err("oxide.external:x=1", "option 'oxide.external' has no field 'x'");
}
END_TEST

/* ---- Open vSwitch notation (ovsnot.h) ---- */

static uint8_t ovs_buf[300];
static size_t ovs_n;
static char ovs_err[200];

static int ovs(const char *text)
{
	memset(ovs_buf, 0xee, sizeof(ovs_buf));
	ovs_err[0] = 0;
	return gnv_ovs_parse(text, ovs_buf, 252, &ovs_n, ovs_err, sizeof(ovs_err));
}

static void ovs_ok(const char *text, const char *hex)
{
	uint8_t want[300];
	size_t n = 0;

	ck_assert_msg(ovs(text) == 0, "'%s': %s", text, ovs_err);
	ck_assert_int_eq(parse_hex(hex, want, sizeof(want), &n), 0);
	ck_assert_msg(ovs_n == n && !memcmp(ovs_buf, want, n), "'%s': %zu bytes, not %s", text, ovs_n, hex);
}

static void ovs_bad(const char *text, const char *msg)
{
	ck_assert_msg(ovs(text) == -EINVAL, "'%s' was accepted", text);
	ck_assert_msg(!strcmp(ovs_err, msg), "'%s': '%s', expected '%s'", text, ovs_err, msg);
}

/* what OVS prints back, character for character */
static void ovs_fmt(const char *hex, const char *want)
{
	uint8_t b[300];
	size_t n = 0;
	struct sbuf sb = { 0 };

	ck_assert_int_eq(parse_hex(hex, b, sizeof(b), &n), 0);
	ck_assert(gnv_ovs_format(&sb, b, n));
	ck_assert_str_eq(sbuf_str(&sb), want);
	/* and it parses back to the same bytes */
	ovs_ok(sbuf_str(&sb), hex);
	sbuf_free(&sb);
}

START_TEST(ovs_notation)
{
	struct sbuf sb = { 0 };

	ck_assert(gnv_ovs_is_notation("geneve({class=1,type=2,len=0})"));
	ck_assert(gnv_ovs_is_notation("{class=1,type=2,len=0}"));
	ck_assert(!gnv_ovs_is_notation("ovn:in=1"));
	ck_assert(!gnv_ovs_is_notation("0x0102:0x80:0001000a"));

	ovs_ok("geneve({class=0x102,type=0x80,len=4,0x1000b})", "010280010001000b");
	ovs_ok("{class=0x102,type=0x80,len=4,0x1000b}", "010280010001000b");
	/* several in a row, as ovs-dpctl dump-flows prints them */
	ovs_ok("geneve({class=0x102,type=0x80,len=4,0xa0006}{class=0xffff,type=0,len=0})",
	       "01028001000a0006ffff0000");
	/* data right-aligned in len bytes; leading zeros optional; "0" */
	ovs_ok("{class=0x129,type=0x2,len=8,0x5b4}", "01290202" "00000000000005b4");
	ovs_ok("{class=0x129,type=0x2,len=4,0x000005b4}", "01290201000005b4");
	ovs_ok("{class=0x129,type=2,len=4,0}", "0129020100000000");
	ovs_ok("{class=297,type=2,len=4}", "0129020100000000");
	/* the masked (megaflow) form: the value is sent, the mask checked and dropped */
	ovs_ok("geneve({class=0x102/0xffff,type=0x80/0xff,len=4/0xff,0x20001/0x7fff})",
	       "0102800100020001");
	ovs_ok("{type=0x80,len=4,class=0x102,0x1}", "0102800100000001");

	ovs_bad("geneve({class=0x102,type=0x80,len=4,0x1000b}", "geneve(): no closing ')'");
	ovs_bad("geneve({class=0x102,type=0x80,len=4,0x1000b)", "geneve(): option 1: no closing '}'");
	ovs_bad("geneve()", "geneve(): no option");
	ovs_bad("{class=0x102,type=0x80}", "geneve(): option 1: needs class=, type= and len=");
	ovs_bad("{class=0x102,type=0x80,len=3,0x1}", "geneve(): option 1: len=3 is not a multiple of 4");
	ovs_bad("{class=0x102,type=0x80,len=128,0x1}", "geneve(): option 1: bad value in 'len=128'");
	ovs_bad("{class=0x10000,type=0x80,len=4}", "geneve(): option 1: bad value in 'class=0x10000'");
	ovs_bad("{class=1,type=0x100,len=4}", "geneve(): option 1: bad value in 'type=0x100'");
	ovs_bad("{class=1,type=1,len=4/zz}", "geneve(): option 1: bad value in 'len=4/zz'");
	ovs_bad("{class=1,type=1,len=4,0x123456789}", "geneve(): option 1: data '0x123456789' is longer than len");
	ovs_bad("{class=1,type=1,len=4,0xfg}", "geneve(): option 1: data '0xfg' is not a hex number");
	ovs_bad("{class=1,type=1,len=4,0x1/0xfg}", "geneve(): option 1: data '0x1/0xfg' is not a hex number");
	ovs_bad("{class=1,type=1,len=4,0x1,0x2}", "geneve(): option 1: unexpected '0x2'");
	ovs_bad("{class=1,type=1,len=4,foo=1}", "geneve(): option 1: unexpected 'foo=1'");
	ovs_bad("{class=1,type=1,len=0}x", "geneve(): expected '{' at 'x'");
	ovs_bad("{class=1,type=1,len=0}{class=2,type=1,len=4,0x1000000000}",
		"geneve(): option 2: data '0x1000000000' is longer than len");
	/* 252 bytes of options at most */
	ck_assert_int_eq(ovs("{class=1,type=1,len=124}{class=1,type=1,len=120}"), 0);
	ck_assert_uint_eq(ovs_n, 252);
	ovs_bad("{class=1,type=1,len=124}{class=1,type=1,len=120}{class=1,type=1,len=0}",
		"geneve(): option 3: options longer than 252 bytes");

	ovs_fmt("010280010001000b", "geneve({class=0x102,type=0x80,len=4,0x1000b})");
	ovs_fmt("0000000100000000ffa7020200000000000000ff",
		"geneve({class=0,type=0,len=4,0}{class=0xffa7,type=0x2,len=8,0xff})");
	ovs_fmt("01290000", "geneve({class=0x129,type=0,len=0})");
	/* what OVS cannot say: reserved bits, cut options */
	ck_assert(!gnv_ovs_format(&sb, (const uint8_t *)"\x01\x02\x80\x21\0\0\0\0", 8));
	ck_assert(!gnv_ovs_format(&sb, (const uint8_t *)"\x01\x02\x80\x02\0\0\0\0", 8));
	ck_assert(!gnv_ovs_format(&sb, (const uint8_t *)"\x01\x02", 2));
	ck_assert_uint_eq(sb.len, 0);
	sbuf_free(&sb);
}
END_TEST


/* ---- options files (optfile.h) ---- */

static struct gnv_optreg *of_reg;
static char of_err[300];

static int of_parse(const char *text)
{
	gnv_optreg_free(of_reg);
	of_reg = NULL;
	of_err[0] = 0;
	return gnv_optfile_parse("t.conf", text, strlen(text), &of_reg, of_err, sizeof(of_err));
}

static void of_bad(const char *text, const char *msg)
{
	ck_assert_msg(of_parse(text) == -EINVAL, "'%s' was accepted", text);
	ck_assert_ptr_null(of_reg);
	ck_assert_msg(!strcmp(of_err, msg), "'%s': '%s', expected '%s'", text, of_err, msg);
}

static int enc_reg(const char *spec)
{
	memset(e_data, 0xee, sizeof(e_data));
	e_err[0] = 0;
	e_size = 999;
	return gnv_opt_encode_reg(of_reg, spec, 0xFFA7, &e_cls, &e_type, e_data, &e_size, e_err, sizeof(e_err));
}

START_TEST(optfile_layouts)
{
	static const char text[] =
		"# ACME's options\n"
		"\n"
		"acme.tenant 0xff10 0x01 tenant:24 -:4 zone:4 \"ACME tenant tag\"  # trailing comment\n"
		"acme.peer\t0xff10 2 addr:32:ip4 mac:48:mac -:16 up:1:bool -:31\r\n"
		"acme.blob 0xff10 0x83 data:64:hex\n"
		"acme.v6 0x0150 0 a:128:ip6\n"
		"acme.none 0 7";
	struct gnv_optreg *reg;

	ck_assert_int_eq(of_parse(text), 0);
	reg = of_reg;
	ck_assert_uint_eq(gnv_optreg_count(reg), 5);
	ck_assert_str_eq(gnv_opt_reg_names(reg)[0], "acme.tenant");
	ck_assert_ptr_null(gnv_opt_reg_names(reg)[5]);
	ck_assert_ptr_null(gnv_opt_reg_names(NULL)[0]);
	ck_assert_str_eq(gnv_opt_name_reg(reg, "acme.peer", 9), "acme.peer");
	ck_assert_str_eq(gnv_opt_name_reg(reg, "ovn", 3), "ovn");
	ck_assert_ptr_null(gnv_opt_name_reg(NULL, "acme.peer", 9));
	ck_assert(gnv_opt_has_field_reg(reg, "acme.tenant", "zone"));
	ck_assert(!gnv_opt_has_field_reg(reg, "acme.tenant", "-"));
	ck_assert(!gnv_opt_has_field(NULL, "zone"));

	/* encode by the file's names, decode back through pk.optreg */
	ck_assert_int_eq(enc_reg("acme.tenant:tenant=0x123456,zone=3"), 0);
	ck_assert_uint_eq(e_cls, 0xff10);
	ck_assert_uint_eq(e_type, 0x01);
	ck_assert_uint_eq(e_size, 4);
	ck_assert_uint_eq(gnv_be32(e_data), 0x12345603);
	ck_assert(!describe(0xff10, 0x01, e_data, 4, 0xFFA7));	/* no registry */
	pk.optreg = reg;
	ck_assert(gnv_opt_info(&pk, &(struct gnv_opt){ .cls = 0xff10, .type = 0x01, .size = 4 }, &info));
	ck_assert_named("acme.tenant");
	ck_assert_str_eq(info.desc, "ACME tenant tag");
	ck_assert_uint_eq(info.nfield, 2);
	ck_assert_uint_eq(fu("tenant"), 0x123456);
	ck_assert_uint_eq(fu("zone"), 3);
	ck_assert_int_eq(enc_reg("acme.tenant:zone=16"), -EINVAL);
	ck_assert_str_eq(e_err, "option 'acme.tenant': '16' is out of range or not a number");

	ck_assert_int_eq(enc_reg("acme.peer:addr=10.1.2.3,mac=02:00:00:00:00:09,up=true"), 0);
	ck_assert_uint_eq(e_size, 16);
	ck_assert_uint_eq(e_data[0], 10);
	ck_assert_uint_eq(e_data[9], 9);
	ck_assert_uint_eq(e_data[12], 0x80);
	ck_assert_int_eq(enc_reg("acme.peer:addr=fd00::1"), -EINVAL);
	ck_assert_str_eq(e_err, "option 'acme.peer': 'fd00::1' is not an IPv4 address");

	/* the critical bit as the file gives it; matched with or without */
	ck_assert_int_eq(enc_reg("acme.blob:0102030405060708"), 0);
	ck_assert_uint_eq(e_type, 0x83);
	ck_assert_uint_eq(e_size, 8);
	ck_assert_int_eq(enc_reg("acme.blob:0102"), -EINVAL);
	ck_assert_str_eq(e_err, "option 'acme.blob': '0102' is not 8 bytes of hex");
	ck_assert(gnv_opt_info(&pk, &(struct gnv_opt){ .cls = 0xff10, .type = 0x03, .size = 8 }, &info));
	ck_assert_str_eq(info.name, "acme.blob");

	ck_assert_int_eq(enc_reg("acme.v6:fd00::5"), 0);
	ck_assert_uint_eq(e_size, 16);
	ck_assert_uint_eq(e_data[15], 5);
	ck_assert_int_eq(enc_reg("acme.v6:10.0.0.1"), -EINVAL);
	ck_assert_str_eq(e_err, "option 'acme.v6': '10.0.0.1' is not an IPv6 address");

	/* class 0 is the IETF class here, not genv's */
	ck_assert_int_eq(enc_reg("acme.none"), 0);
	ck_assert_uint_eq(e_cls, 0);
	ck_assert_uint_eq(e_type, 7);
	ck_assert_uint_eq(e_size, 0);

	/* a built-in name wins; an unknown name is still unknown */
	ck_assert_int_eq(enc_reg("ovn:in=1"), 0);
	ck_assert_uint_eq(e_cls, 0x0102);
	ck_assert_int_eq(enc_reg("acme.nosuch:1"), -EINVAL);

	/* an empty file is an empty registry */
	ck_assert_int_eq(of_parse(""), 0);
	ck_assert_uint_eq(gnv_optreg_count(of_reg), 0);
	ck_assert_int_eq(of_parse("# nothing\n\n   \n"), 0);
	gnv_optreg_free(of_reg);
	of_reg = NULL;
	gnv_optreg_free(NULL);
}
END_TEST

START_TEST(optfile_errors)
{
	char big[GNV_OPTFILE_MAX + 2];
	char many[400];

	memset(big, '#', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	ck_assert_int_eq(gnv_optfile_parse("t.conf", big, sizeof(big) - 1, &of_reg, of_err, sizeof(of_err)), -EINVAL);
	ck_assert_str_eq(of_err, "t.conf: larger than 65536 bytes");
	ck_assert_int_eq(gnv_optfile_parse("t.conf", "a 1 2\n\0", 7, &of_reg, of_err, sizeof(of_err)), -EINVAL);
	ck_assert_str_eq(of_err, "t.conf:2: a NUL byte (not a text file)");

	of_bad("x 1 2\nfoo", "t.conf:2: expected NAME CLASS TYPE [FIELD:BITS[:FORMAT]]... [\"DESCRIPTION\"]");
	of_bad("x 1 \"d\"", "t.conf:1: expected NAME CLASS TYPE [FIELD:BITS[:FORMAT]]... [\"DESCRIPTION\"]");
	of_bad("X 1 2", "t.conf:1: 'X' is not a name (a letter, then a-z, 0-9, '.', '_', '-'; at most 31)");
	of_bad("9x 1 2", "t.conf:1: '9x' is not a name (a letter, then a-z, 0-9, '.', '_', '-'; at most 31)");
	of_bad("x. 1 2", "t.conf:1: 'x.' is not a name (a letter, then a-z, 0-9, '.', '_', '-'; at most 31)");
	of_bad("ovn 1 2", "t.conf:1: 'ovn' is a built-in option name");
	of_bad("x 1 2\nx 1 3", "t.conf:2: 'x' is defined twice");
	of_bad("x 0x10000 2", "t.conf:1: '0x10000' is not an option class (0-0xffff)");
	of_bad("x 1 256", "t.conf:1: '256' is not an option type (0-0xff)");
	of_bad("x 0x0102 0x00", "t.conf:1: class 0x0102 type 0x00 (with or without the critical bit) is the built-in 'ovn'");
	of_bad("x 0x1101 0x48", "t.conf:1: class 0x1101 type 0x48 (with or without the critical bit) is the built-in 'mizar.rts'");
	of_bad("x 1 2\ny 1 0x82", "t.conf:2: class 0x0001 type 0x82 is 'x' already");
	of_bad("x 1 2 a", "t.conf:1: field 'a': expected KEY:BITS[:FORMAT]");
	of_bad("x 1 2 A:8", "t.conf:1: field 'A': a key is a-z, 0-9 and _ (at most 23), not class or critical");
	of_bad("x 1 2 class:8", "t.conf:1: field 'class': a key is a-z, 0-9 and _ (at most 23), not class or critical");
	of_bad("x 1 2 critical:8", "t.conf:1: field 'critical': a key is a-z, 0-9 and _ (at most 23), not class or critical");
	of_bad("x 1 2 a:0", "t.conf:1: field 'a': '0' is not a width in bits (1-992)");
	of_bad("x 1 2 a:8:float", "t.conf:1: field 'a': unknown format 'float' (uint, bool, hex, ip4, ip6, mac)");
	of_bad("x 1 2 a:992:hex b:1", "t.conf:1: field 'b': the data would pass 124 bytes");
	of_bad("x 1 2 a:16:ip4", "t.conf:1: field 'a': ip4 is 32 bits, not 16");
	of_bad("x 1 2 -:4 a:32:ip4", "t.conf:1: field 'a': ip4 must be whole bytes from a byte boundary (bit 4)");
	of_bad("x 1 2 a:12:hex", "t.conf:1: field 'a': hex must be whole bytes from a byte boundary (bit 0)");
	of_bad("x 1 2 -:4 a:64", "t.conf:1: field 'a': uint spans 9 bytes (a number fits in 8)");
	of_bad("x 1 2 a:8 a:8", "t.conf:1: field 'a' is given twice");
	of_bad("x 1 2 \"d\" a:8", "t.conf:1: the description must be the last word");
	of_bad("x 1 2 \"d", "t.conf:1: unterminated description");
	of_bad("x 1 2 \"d\"x", "t.conf:1: a space must follow the description");
	of_bad("x 1 2 a:8#c", "t.conf:1: '#' inside a word");
	of_bad("x 1 2 \"01234567890123456789012345678901234567890123456789012345678901234567890123456789X\"",
	       "t.conf:1: description longer than 80 characters");
	strcpy(many, "x 1 2");
	for (int i = 0; i < 17; i++)
		snprintf(many + strlen(many), sizeof(many) - strlen(many), " f%d:1", i);
	of_bad(many, "t.conf:1: more than 16 fields");
	strcpy(many, "x 1 2");
	for (int i = 0; i < 26; i++)
		strcat(many, " -:1");
	of_bad(many, "t.conf:1: too many words (at most 16 fields)");
	/* nothing is loaded from a file with one bad line among good ones */
	of_bad("a 1 1 x:8\nb 1 2 y:8\nc 1 3 z:8:bad\n",
	       "t.conf:3: field 'z': unknown format 'bad' (uint, bool, hex, ip4, ip6, mac)");
}
END_TEST

Suite *optreg_suite(void)
{
	Suite *s = suite_create("optreg");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, class_names);
	tcase_add_test(tc, info_ovn);
	tcase_add_test(tc, info_cilium_dsr);
	tcase_add_test(tc, info_google);
	tcase_add_test(tc, info_cpacket);
	tcase_add_test(tc, info_mizar);
	tcase_add_test(tc, info_genv_label);
	tcase_add_test(tc, info_genv_eptype_qos);
	tcase_add_test(tc, info_genv_rts);
	tcase_add_test(tc, info_genv_trace);
	tcase_add_test(tc, info_genv_odst);
	tcase_add_test(tc, info_unknown_and_uncaptured);
	tcase_add_test(tc, info_from_decoded_frame);
	tcase_add_test(tc, encode_raw);
	tcase_add_test(tc, encode_raw_errors);
	tcase_add_test(tc, encode_named);
	tcase_add_test(tc, encode_errors);
	tcase_add_test(tc, health_layout);
	tcase_add_test(tc, names_list);
	tcase_add_test(tc, round_trip);
	tcase_add_test(tc, info_aws_oxide);
	tcase_add_test(tc, ovs_notation);
	tcase_add_test(tc, optfile_layouts);
	tcase_add_test(tc, optfile_errors);
	suite_add_tcase(s, tc);
	return s;
}
