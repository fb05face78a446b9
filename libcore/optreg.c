/* SPDX-License-Identifier: MIT */
/*
 * Geneve option classes (IANA "Geneve Option Class" registry) and the
 * option layouts genv names.  Layouts are declared as field tables, so
 * decoding (gnv_opt_info) and encoding (gnv_opt_encode, for craft) are one
 * generic walk and cannot disagree.  A few layouts depend on the data
 * (address family, list length) and have small special cases.
 *
 * Layer: libcore; calls opt_genv.h (genv's constants and size rules),
 * num, msg, cursor.h and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "cursor.h"
#include "msg.h"
#include "num.h"
#include "optreg.h"

static const struct {
	uint16_t lo, hi;
	const char *name, *short_name;
} classes[] = {
	{ 0x0000, 0x00ff, "IETF standard", "IETF" },
	{ 0x0100, 0x0100, "Linux", "Linux" },
	{ 0x0101, 0x0101, "Open vSwitch", "OVS" },
	{ 0x0102, 0x0102, "Open Virtual Networking (OVN)", "OVN" },
	{ 0x0103, 0x0103, "In-band Network Telemetry (INT)", "INT" },
	{ 0x0104, 0x0104, "VMware, Inc.", "VMware" },
	{ 0x0105, 0x0105, "Amazon.com, Inc.", "Amazon" },
	{ 0x0106, 0x0106, "Cisco Systems, Inc.", "Cisco" },
	{ 0x0107, 0x0107, "Oracle Corporation", "Oracle" },
	{ 0x0108, 0x0110, "Amazon.com, Inc.", "Amazon" },
	{ 0x0111, 0x0118, "IBM", "IBM" },
	{ 0x0119, 0x0128, "Ericsson", "Ericsson" },
	{ 0x0129, 0x0129, "Oxide Computer Company", "Oxide" },
	{ 0x0130, 0x0131, "Cisco Systems, Inc.", "Cisco" },
	{ 0x0132, 0x0135, "Google LLC", "Google" },
	{ 0x0136, 0x0136, "InfoQuick Global Connection Tech Ltd.", "InfoQuick" },
	{ 0x0137, 0x0140, "Alibaba Group", "Alibaba" },
	{ 0x0141, 0x0144, "Palo Alto Networks", "PaloAlto" },
	{ 0x0145, 0x0149, "Huawei Technologies", "Huawei" },
	{ 0x014a, 0x014a, "EMnify GmbH", "EMnify" },
	{ 0x014b, 0x014b, "Cilium", "Cilium" },
	{ 0x014c, 0x014c, "Corelight, Inc.", "Corelight" },
	{ 0x014d, 0x014d, "1NCE GmbH", "1NCE" },
	{ 0x014e, 0x0157, "China Telecom Cloud (CTYUN)", "CTYUN" },
	{ 0x0158, 0x0161, "Volcengine", "Volcengine" },
	{ 0x0162, 0x0162, "nat64.net", "nat64.net" },
	{ 0x0163, 0x0163, "Multi Segment SD-WAN", "MS-SDWAN" },
	{ 0x0164, 0x0164, "cPacket Networks, Inc.", "cPacket" },
	{ 0x0165, 0x0167, "Tencent", "Tencent" },
	{ 0x0168, 0x0168, "ExtraHop Networks", "ExtraHop" },
	{ 0x0169, 0x0169, "Soosan INT", "SoosanINT" },
	{ 0x016a, 0x016c, "Spacelink", "Spacelink" },
	{ 0x016d, 0x016d, "617A Corporation", "617A" },
	{ 0x016e, 0x016e, "Zscaler", "Zscaler" },
	{ 0x016f, 0x0170, "7Generation", "7Generation" },
	{ 0x1101, 0x1101, "unassigned (Mizar's byte-swapped 0x0111)", "Mizar" },
	{ 0xff00, 0xffff, "Experimental", "Experimental" },
};

/* The entry whose range holds cls, or -1 (binary search: the ranges are
 * sorted and do not overlap; renderers ask once per option). */
static int class_index(uint16_t cls)
{
	size_t lo = 0, hi = sizeof(classes) / sizeof(classes[0]);

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (cls < classes[mid].lo)
			hi = mid;
		else if (cls > classes[mid].hi)
			lo = mid + 1;
		else
			return (int)mid;
	}
	return -1;
}

const char *gnv_class_name(uint16_t cls, uint16_t genv_class)
{
	int i;

	if (cls == genv_class)
		return "genv (experimental)";
	i = class_index(cls);
	return i >= 0 ? classes[i].name : "Unassigned";
}

const char *gnv_class_short(uint16_t cls, uint16_t genv_class)
{
	int i;

	if (cls == genv_class)
		return "genv";
	i = class_index(cls);
	return i >= 0 ? classes[i].short_name : "Unassigned";
}

/* ---- layouts ---- */

static const char *const eptypes[] = { "simple", "scaled", "proxied", "gateway", NULL };
static const char *const qos_classes[] = { "premium", "expedited", "best-effort", NULL };
static const char *const gcp_dir[] = { "ingress", "egress", NULL };
static const char *const oxide_repl[] = { "external", "underlay", "both", "reserved", NULL };

#define F_END { NULL, 0, 0, 0, 0, 0, NULL }
static const struct fdesc f_ovn[] = {
	{ "in", GNV_F_UINT, 0, 2, 0, 0x7fff, NULL },
	{ "out", GNV_F_UINT, 2, 2, 0, 0, NULL }, F_END };
static const struct fdesc f_gcp_vnid[] = {
	{ "vnid", GNV_F_UINT, 0, 4, 4, 0xfffffff, NULL },
	{ "dir", GNV_F_ENUM, 0, 4, 0, 1, gcp_dir }, F_END };
static const struct fdesc f_gcp_ep[] = { { "endpoint", GNV_F_HEX, 0, 0, 0, 0, NULL }, F_END };
static const struct fdesc f_gcp_prof[] = { { "profile", GNV_F_UINT, 0, 8, 0, 0, NULL }, F_END };
static const struct fdesc f_cpkt[] = {
	{ "seq", GNV_F_UINT, 0, 4, 0, 0, NULL },
	{ "origlen", GNV_F_UINT, 4, 2, 0, 0, NULL },
	{ "version", GNV_F_UINT, 7, 1, 0, 0, NULL },
	{ "ts_sec", GNV_F_UINT, 8, 6, 0, 0, NULL },
	{ "ts_nsec", GNV_F_UINT, 14, 4, 0, 0, NULL },
	{ "ts_fracns", GNV_F_UINT, 18, 2, 0, 0, NULL },
	{ "device", GNV_F_UINT, 20, 2, 0, 0, NULL },
	{ "port", GNV_F_UINT, 22, 2, 0, 0, NULL }, F_END };
static const struct fdesc f_mz_rts[] = {
	{ "match", GNV_F_BOOL, 0, 1, 0, 1, NULL },
	{ "host", GNV_F_IP4, 1, 4, 0, 0, NULL },
	{ "mac", GNV_F_MAC, 5, 6, 0, 0, NULL }, F_END };
static const struct fdesc f_mz_scaled[] = {
	{ "msg", GNV_F_UINT, 0, 1, 0, 0, NULL },
	{ "saddr", GNV_F_IP4, 1, 4, 0, 0, NULL },
	{ "daddr", GNV_F_IP4, 5, 4, 0, 0, NULL },
	{ "sport", GNV_F_UINT, 9, 2, 0, 0, NULL },
	{ "dport", GNV_F_UINT, 11, 2, 0, 0, NULL },
	{ "smac", GNV_F_MAC, 13, 6, 0, 0, NULL },
	{ "dmac", GNV_F_MAC, 19, 6, 0, 0, NULL }, F_END };
/* AWS Gateway Load Balancer (class 0x0108): the GWLB endpoint (VPC endpoint)
 * id, the attachment id and the flow cookie, as AWS's GWLB integration
 * guide draws them: 8, 8 and 4 bytes */
static const struct fdesc f_aws_ep[] = { { "id", GNV_F_UINT, 0, 8, 0, 0, NULL }, F_END };
static const struct fdesc f_aws_cookie[] = { { "cookie", GNV_F_UINT, 0, 4, 0, 0, NULL }, F_END };
/* Oxide (class 0x0129, oxidecomputer/opte): external (no data), multicast
 * (the replication mode in the top 2 bits of 4 bytes), mss (4 bytes) */
static const struct fdesc f_oxide_none[] = { F_END };
static const struct fdesc f_oxide_mcast[] = {
	{ "replication", GNV_F_ENUM, 0, 4, 30, 3, oxide_repl }, F_END };
static const struct fdesc f_oxide_mss[] = { { "mss", GNV_F_UINT, 0, 4, 0, 0, NULL }, F_END };
/* genv's own layouts are defined in opt_genv.h; these tables name their
 * fields (test_opt checks that both read the same bytes the same way). */
static const struct fdesc f_label32[] = { { "label", GNV_F_UINT, 0, 4, 0, 0, NULL }, F_END };
static const struct fdesc f_eptype[] = { { "type", GNV_F_ENUM, 0, 1, 0, 0, eptypes }, F_END };
static const struct fdesc f_qos[] = {
	{ "class", GNV_F_ENUM, 0, 1, 0, 0, qos_classes },
	{ "prio", GNV_F_UINT, 1, 1, 0, 0, NULL }, F_END };
static const struct fdesc f_trace[] = {
	{ "reply", GNV_F_BOOL, 0, 1, 0, 1, NULL },
	{ "overflow", GNV_F_BOOL, 0, 1, 1, 1, NULL },
	{ "report", GNV_F_BOOL, 0, 1, 2, 1, NULL },	/* GENV_TRACE_F_REPORT */
	{ "hops", GNV_F_UINT, 1, 1, 0, 0, NULL },
	{ "id", GNV_F_UINT, 2, 2, 0, 0, NULL },
	{ "seq", GNV_F_UINT, 4, 4, 0, 0, NULL }, F_END };
static const struct fdesc f_ident[] = { { "id", GNV_F_UINT, 0, 4, 0, 0, NULL }, F_END };
static const struct fdesc f_labels[] = { { "labels", GNV_F_U32LIST, 0, 0, 0, 0, NULL }, F_END };
static const struct fdesc f_rts[] = {
	{ "match", GNV_F_BOOL, 0, 1, 0, 1, NULL },
	{ "mac", GNV_F_MAC, 2, 6, 0, 0, NULL },
	{ "host", GNV_F_IP4, 8, 4, 0, 0, NULL }, F_END };
/* addr first: "odst:10.0.1.5" names it positionally */
static const struct fdesc f_odst[] = {
	{ "addr", GNV_F_IP4, 8, 4, 0, 0, NULL },
	{ "mac", GNV_F_MAC, 2, 6, 0, 0, NULL }, F_END };
static const struct fdesc f_health[] = {
	{ "answer", GNV_F_BOOL, 0, 1, 0, 1, NULL },
	{ "seq", GNV_F_UINT, 4, 4, 0, 0, NULL }, F_END };
static const struct fdesc f_dsr[] = {
	{ "addr", GNV_F_IP4, 0, 4, 0, 0, NULL },
	{ "port", GNV_F_UINT, 4, 2, 0, 0, NULL }, F_END };

static const struct layout layouts[] = {
	{ 0x0102, 0x80, 0xff, false, "ovn", "OVN logical ingress/egress port", 4, 4, SP_NONE, f_ovn },
	{ 0x014b, 0x81, 0xff, false, "cilium.dsr", "Cilium DSR service address", 8, 20, SP_DSR, f_dsr },
	{ 0x0132, 0x01, 0xff, false, "gcp.vnid", "GCP virtual network id", 4, 4, SP_NONE, f_gcp_vnid },
	{ 0x0132, 0x02, 0xff, false, "gcp.endpoint", "GCP endpoint id", 4, 124, SP_NONE, f_gcp_ep },
	{ 0x0132, 0x03, 0xff, false, "gcp.profile", "GCP profile id", 8, 8, SP_NONE, f_gcp_prof },
	{ 0x0164, 0x00, 0xff, false, "cpacket", "cPacket metadata", 24, 24, SP_NONE, f_cpkt },
	{ 0x0111, 0x48, 0x7f, true, "mizar.rts", "Mizar return to sender", 12, 12, SP_NONE, f_mz_rts },
	{ 0x0111, 0x49, 0x7f, true, "mizar.scaled", "Mizar scaled endpoint", 28, 28, SP_NONE, f_mz_scaled },
	{ 0x0111, 0x50, 0x7f, true, "mizar.pod", "Mizar pod label", 4, 4, SP_NONE, f_label32 },
	{ 0x0111, 0x51, 0x7f, true, "mizar.ns", "Mizar namespace label", 4, 4, SP_NONE, f_label32 },
	{ 0x0108, 0x01, 0x7f, false, "aws.endpoint", "AWS GWLB endpoint (VPC endpoint) id", 8, 8, SP_NONE, f_aws_ep },
	{ 0x0108, 0x02, 0x7f, false, "aws.attachment", "AWS GWLB attachment id", 8, 8, SP_NONE, f_aws_ep },
	{ 0x0108, 0x03, 0x7f, false, "aws.cookie", "AWS GWLB flow cookie", 4, 4, SP_NONE, f_aws_cookie },
	{ 0x0129, 0x00, 0x7f, false, "oxide.external", "Oxide packet from outside the rack", 0, 0, SP_NONE, f_oxide_none },
	{ 0x0129, 0x01, 0x7f, false, "oxide.mcast", "Oxide multicast replication", 4, 4, SP_NONE, f_oxide_mcast },
	{ 0x0129, 0x02, 0x7f, false, "oxide.mss", "Oxide original TCP MSS", 4, 4, SP_NONE, f_oxide_mss },
	{ 0, GENV_OPT_LABEL, 0x7f, false, "label", "genv policy label set", 4, 124, SP_LABELS, f_labels },
	{ 0, GENV_OPT_EPTYPE, 0x7f, false, "eptype", "genv endpoint type", 4, 4, SP_NONE, f_eptype },
	{ 0, GENV_OPT_RTS, 0x7f, false, "rts", "genv return to sender (direct path)", 12, 24, SP_RTS, f_rts },
	{ 0, GENV_OPT_QOS, 0x7f, false, "qos", "genv QoS class", 4, 4, SP_QOS, f_qos },
	{ 0, GENV_OPT_TRACE, 0x7f, false, "trace", "genv trace records", 8, 116, SP_TRACE, f_trace },
	{ 0, GENV_OPT_IDENT_CRIT, 0x7f, false, "ident", "genv policy identity", 4, 4, SP_NONE, f_ident },
	{ 0, GENV_OPT_ODST, 0x7f, false, "odst", "genv original destination (proxied endpoint)", 12, 24, SP_ODST, f_odst },
	{ 0, GENV_OPT_HEALTH, 0x7f, false, "health", "genv backend health keepalive", 8, 8, SP_NONE, f_health },
};
#define NLAYOUTS (sizeof(layouts) / sizeof(layouts[0]))

const char *const gnv_opt_names[] = {
	"label", "eptype", "rts", "qos", "trace", "ident", "ovn", "cilium.dsr", "gcp.vnid",
	"gcp.endpoint", "gcp.profile", "cpacket", "mizar.rts", "mizar.scaled",
	"mizar.pod", "mizar.ns", "odst", "health", "aws.endpoint", "aws.attachment", "aws.cookie",
	"oxide.external", "oxide.mcast", "oxide.mss", NULL
};

/* A layout by name: the built-ins, then the file's. */
static const struct layout *layout_named(const struct gnv_optreg *reg, const char *name, size_t len)
{
	const struct layout *l = gnv_layout_builtin_named(name, len);

	for (unsigned int i = 0; !l && reg && i < reg->n; i++)
		if (strlen(reg->l[i].name) == len && !strncmp(reg->l[i].name, name, len))
			l = &reg->l[i];
	return l;
}

const struct layout *gnv_layout_builtin_named(const char *name, size_t len)
{
	for (size_t i = 0; name && i < NLAYOUTS; i++)
		if (strlen(layouts[i].name) == len && !strncmp(layouts[i].name, name, len))
			return &layouts[i];
	return NULL;
}

const char *gnv_opt_name_reg(const struct gnv_optreg *reg, const char *s, size_t len)
{
	const struct layout *l = s ? layout_named(reg, s, len) : NULL;

	return l ? l->name : NULL;
}

bool gnv_opt_has_field_reg(const struct gnv_optreg *reg, const char *name, const char *key)
{
	const struct layout *l = name ? layout_named(reg, name, strlen(name)) : NULL;

	for (const struct fdesc *f = l ? l->f : NULL; f && f->key; f++)
		if (!strcmp(f->key, key))
			return true;
	return false;
}

bool gnv_opt_has_field(const char *name, const char *key)
{
	return gnv_opt_has_field_reg(NULL, name, key);
}

const char *const *gnv_opt_reg_names(const struct gnv_optreg *reg)
{
	static const char *const none[] = { NULL };

	return reg ? reg->names : none;
}

/*
 * The decoder asks this for every option of every frame, so it does not
 * scan the whole table: the layouts are grouped by class (the fixed ones,
 * then genv's, whose class is configured), and a class goes straight to
 * its group; the first match in table order wins.  test_optreg checks
 * every layout by name.
 */
#define GENV_LAYOUTS	16	/* index of the first layout in genv's class */

static inline const struct layout *layout_fixed(uint16_t cls, uint8_t type)
{
	uint16_t key = cls == 0x1101 ? 0x0111 : cls;
	size_t i;

	switch (key) {
	case 0x0102: i = 0; break;
	case 0x014b: i = 1; break;
	case 0x0132: i = 2; break;
	case 0x0164: i = 5; break;
	case 0x0111: i = 6; break;
	case 0x0108: i = 10; break;
	case 0x0129: i = 13; break;
	default: i = GENV_LAYOUTS; break;
	}
	/* a layout's type may carry the critical bit it is sent with (ident) */
	for (; i < GENV_LAYOUTS && layouts[i].cls == key; i++)
		if ((type & layouts[i].type_mask) == (layouts[i].type & layouts[i].type_mask) &&
		    (cls == key || layouts[i].mizar))
			return &layouts[i];
	return NULL;
}

const struct layout *gnv_layout_builtin(uint16_t cls, uint8_t type)
{
	return layout_fixed(cls, type);
}

/* The fixed-class built-ins, then genv's (in its configured class), then
 * the options file's (which cannot name a fixed built-in's class and type). */
static inline const struct layout *layout_find(uint16_t cls, uint8_t type, uint16_t genv_class,
					       const struct gnv_optreg *reg)
{
	const struct layout *l = layout_fixed(cls, type);
	size_t i;

	if (l)
		return l;
	if (cls == genv_class)
		for (i = GENV_LAYOUTS; i < NLAYOUTS; i++)
			if ((type & layouts[i].type_mask) == (layouts[i].type & layouts[i].type_mask))
				return &layouts[i];
	for (i = 0; reg && i < reg->n; i++)
		if (reg->l[i].cls == cls &&
		    (type & reg->l[i].type_mask) == (reg->l[i].type & reg->l[i].type_mask))
			return &reg->l[i];
	return NULL;
}

static bool layout_size_ok(const struct layout *l, const uint8_t *d, size_t n)
{
	if (n < l->min_size || n > l->max_size)
		return false;
	switch (l->sp) {
	case SP_RTS:
		return gnv_opt_rts_size_ok(d, n);
	case SP_DSR:
		return n == 8 || n == 20;
	case SP_TRACE:
		return gnv_opt_trace_size_ok(d, n);
	case SP_QOS:
		return d[0] <= QOS_BESTEFFORT;
	case SP_ODST:
		return gnv_opt_odst_size_ok(d, n);
	default:
		return true;
	}
}

bool gnv_opt_layout_bad(const struct gnv_pkt *pk, const struct gnv_opt *o)
{
	const struct layout *l = layout_find(o->cls, o->type, pk->genv_class, pk->optreg);

	if (!l || o->off + 4u + o->size > pk->caplen)
		return false;
	return !layout_size_ok(l, pk->data + o->off + 4, o->size);
}

bool gnv_opt_info(const struct gnv_pkt *pk, const struct gnv_opt *o,
		  struct gnv_optinfo *info)
{
	const struct layout *l = layout_find(o->cls, o->type, pk->genv_class, pk->optreg);
	const uint8_t *d = pk->data + o->off + 4;

	/* the header only: fields are cleared as they are filled (callers
	 * read f[0..nfield-1]), which matters at millions of options/s */
	memset(info, 0, offsetof(struct gnv_optinfo, f));
	if (!l)
		return false;
	info->name = l->name;
	info->desc = l->desc;
	/* fields only from captured, well-sized data */
	if (o->off + 4u + o->size > pk->caplen || !layout_size_ok(l, d, o->size))
		return true;
	info->layout_ok = true;
	for (const struct fdesc *f = l->f; f->key && info->nfield < GNV_MAX_FIELDS; f++) {
		struct gnv_field *x = &info->f[info->nfield++];
		unsigned int off = f->off;

		memset(x, 0, sizeof(*x));
		x->key = f->key;
		x->kind = f->kind;
		if (l->sp == SP_DSR && o->size == 20) {
			if (f->kind == GNV_F_IP4)
				x->kind = GNV_F_IP6;
			else
				off = 16;
		}
		if ((l->sp == SP_RTS || l->sp == SP_ODST) && f->kind == GNV_F_IP4 && d[1] == 6)
			x->kind = GNV_F_IP6;
		switch (x->kind) {
		case GNV_F_UINT:
		case GNV_F_BOOL:
		case GNV_F_ENUM:
			x->u = gnv_get_be(d + off, f->size) >> f->shift;
			if (f->mask)
				x->u &= f->mask;
			if (f->names) {
				for (uint64_t k = 0; f->names[k]; k++)
					if (k == x->u)
						x->s = f->names[k];
			}
			break;
		case GNV_F_IP4:
			memcpy(x->b, d + off, 4);
			break;
		case GNV_F_IP6:
			memcpy(x->b, d + off, 16);
			break;
		case GNV_F_MAC:
			memcpy(x->b, d + off, 6);
			break;
		case GNV_F_HEX:
		case GNV_F_U32LIST:
			x->p = d + off;
			x->size = (uint8_t)(f->size ? f->size : o->size - off);
			break;
		}
	}
	if (l->sp == SP_RTS && info->nfield < GNV_MAX_FIELDS) {
		struct gnv_field *x = &info->f[info->nfield++];

		memset(x, 0, sizeof(*x));
		x->key = "invalidate";
		x->kind = GNV_F_BOOL;
		x->u = (o->type & 0x80) != 0;
	}
	return true;
}

/* ---- encoding (craft language) ---- */

static int encode_raw(const char *spec, uint16_t *cls, uint8_t *type, uint8_t *data,
		      size_t *size, char *err, size_t errsz)
{
	const char *c1 = strchr(spec, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	uint64_t v;
	size_t n = 0;

	if (!c1 || num_parse_span(spec, (size_t)(c1 - spec), 0, 0xffff, &v))
		return gnv_errf(err, errsz, -EINVAL, "option '%s': class is not a 16-bit number", spec);
	*cls = (uint16_t)v;
	if (num_parse_span(c1 + 1, c2 ? (size_t)(c2 - c1 - 1) : strlen(c1 + 1), 0, 0xff, &v))
		return gnv_errf(err, errsz, -EINVAL, "option '%s': type is not an 8-bit number", spec);
	*type = (uint8_t)v;
	if (c2 && c2[1]) {
		int ret = parse_hex(c2 + 1, data, 124, &n);

		if (ret == -ERANGE)
			return gnv_errf(err, errsz, -EINVAL, "option '%s': data longer than 124 bytes", spec);
		if (ret)
			return gnv_errf(err, errsz, -EINVAL, "option '%s': data is not hex", spec);
	}
	while (n % 4)
		data[n++] = 0;
	*size = n;
	return 0;
}

static const struct fdesc *field_find(const struct layout *l, const char *key, size_t n)
{
	for (const struct fdesc *f = l->f; f->key; f++)
		if (strlen(f->key) == n && !strncmp(f->key, key, n))
			return f;
	return NULL;
}

static int set_field(const struct layout *l, const struct fdesc *f, const char *val,
		     uint8_t *d, size_t *size, int *family, char *err, size_t errsz)
{
	uint64_t v = 0, max;
	unsigned int off = f->off;
	uint8_t a[16];
	int fam;

	switch (f->kind) {
	case GNV_F_U32LIST: {
		size_t n = 0;
		const char *p = val;

		while (*p) {
			size_t len = strcspn(p, "+");

			if (n >= 31 || num_parse_span(p, len, 0, 0xffffffffu, &v))
				return gnv_errf(err, errsz, -EINVAL, "option '%s': bad label list '%s'", l->name, val);
			gnv_put_be(d + 4 * n++, 4, v);
			p += len;
			if (*p)
				p++;
		}
		if (!n)
			return gnv_errf(err, errsz, -EINVAL, "option '%s': empty label list", l->name);
		*size = 4 * n;
		return 0;
	}
	case GNV_F_IP4:
	case GNV_F_IP6:
		if (parse_ip(val, &fam, a))
			return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is not an IP address", l->name, val);
		if (l->sp == SP_RTS || l->sp == SP_DSR || l->sp == SP_ODST) {
			*family = fam;
			if (fam == 6)
				off = l->sp == SP_DSR ? 0 : 8;
		} else if (fam != (f->kind == GNV_F_IP6 ? 6 : 4)) {
			return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is not an IPv%d address", l->name,
					val, f->kind == GNV_F_IP6 ? 6 : 4);
		}
		memcpy(d + off, a, fam == 4 ? 4 : 16);
		return 0;
	case GNV_F_MAC:
		if (parse_mac(val, a))
			return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is not a MAC address", l->name, val);
		memcpy(d + off, a, 6);
		return 0;
	case GNV_F_HEX: {
		size_t n;

		if (f->size) {
			/* a fixed-size field (options files): exactly its bytes */
			uint8_t t[124];

			if (parse_hex(val, t, sizeof(t), &n) || n != f->size)
				return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is not %u bytes of hex",
						l->name, val, f->size);
			memcpy(d + off, t, n);
			return 0;
		}
		if (parse_hex(val, d + off, 124 - off, &n))
			return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is not hex data", l->name, val);
		*size = off + n;
		while (*size % 4)
			d[(*size)++] = 0;
		return 0;
	}
	case GNV_F_ENUM:
		for (uint64_t k = 0; f->names[k]; k++)
			if (!strcmp(f->names[k], val)) {
				v = k;
				goto store;
			}
		__attribute__((fallthrough));	/* numbers are accepted too */
	case GNV_F_UINT:
	case GNV_F_BOOL:
		if (l->sp == SP_DSR && *family == 6)
			off = 16;
		max = f->mask ? f->mask : (f->size >= 8 ? UINT64_MAX : (1ull << (8 * f->size)) - 1);
		if (f->kind == GNV_F_BOOL && !strcmp(val, "true"))
			v = 1;
		else if (f->kind == GNV_F_BOOL && !strcmp(val, "false"))
			v = 0;
		else if (num_parse_u64(val, 0, max, &v))
			return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is out of range or not a number",
					l->name, val);
store: {
		uint64_t cur = gnv_get_be(d + off, f->size);
		uint64_t m = (f->mask ? f->mask : ~0ull) << f->shift;

		if (f->size < 8)
			m &= (1ull << (8 * f->size)) - 1;
		gnv_put_be(d + off, f->size, (cur & ~m) | ((v << f->shift) & m));
		return 0;
	}
	}
	return -EINVAL;
}

int gnv_opt_encode(const char *spec, uint16_t genv_class, uint16_t *cls,
		   uint8_t *type, uint8_t *data, size_t *size,
		   char *err, size_t errsz)
{
	return gnv_opt_encode_reg(NULL, spec, genv_class, cls, type, data, size, err, errsz);
}

int gnv_opt_encode_reg(const struct gnv_optreg *reg, const char *spec, uint16_t genv_class,
		       uint16_t *cls, uint8_t *type, uint8_t *data, size_t *size,
		       char *err, size_t errsz)
{
	const char *colon = strchr(spec, ':'), *p;
	const struct layout *l = NULL;
	size_t nlen = colon ? (size_t)(colon - spec) : strlen(spec);
	int family = 4;
	bool positional = true;

	if (nlen && (spec[0] >= '0' && spec[0] <= '9'))
		return encode_raw(spec, cls, type, data, size, err, errsz);
	l = layout_named(reg, spec, nlen);
	if (!l) {
		char name[32];

		snprintf(name, sizeof(name), "%.*s", (int)(nlen < 31 ? nlen : 31), spec);
		return gnv_errf(err, errsz, -EINVAL, "unknown option name '%s' (see genv-options(7))", name);
	}
	/* class 0 is genv's configured class, except in a file's layout */
	*cls = l->cls || (reg && l >= reg->l && l < reg->l + reg->n) ? l->cls : genv_class;
	*type = l->type;
	memset(data, 0, 124);
	*size = l->min_size;
	if (l->sp == SP_RTS || l->sp == SP_ODST)
		data[1] = 4;
	p = colon ? colon + 1 : "";
	if (l->sp == SP_DSR || l->sp == SP_RTS || l->sp == SP_ODST) {
		/* the address family decides where later fields go */
		const char *a = strstr(p, l->sp == SP_RTS ? "host=" : "addr=");

		if (!a && l->sp == SP_ODST && *p && !memchr(p, '=', strcspn(p, ",")))
			a = p;	/* positional address */
		if (a && memchr(a, ':', strcspn(a, ",")))
			family = 6;
	}
	while (*p) {
		size_t len = strcspn(p, ","), klen;
		const char *eq = memchr(p, '=', len);
		char val[128];
		const struct fdesc *f;
		int ret;

		klen = eq ? (size_t)(eq - p) : 0;
		if (eq) {
			snprintf(val, sizeof(val), "%.*s", (int)(len - klen - 1), eq + 1);
			f = field_find(l, p, klen);
		} else {
			snprintf(val, sizeof(val), "%.*s", (int)len, p);
			/* positional: only the first field, and only first */
			f = positional ? l->f : NULL;
		}
		positional = false;
		if (eq && !f && klen == 5 && !strncmp(p, "class", 5)) {
			uint64_t v;

			if (num_parse_u64(val, 0, 0xffff, &v))
				return gnv_errf(err, errsz, -EINVAL, "option '%s': bad class '%s'", l->name, val);
			*cls = (uint16_t)v;
		} else if (eq && ((klen == 8 && !strncmp(p, "critical", 8)) ||
				  (l->sp == SP_RTS && klen == 10 && !strncmp(p, "invalidate", 10)))) {
			if (!strcmp(val, "1") || !strcmp(val, "true"))
				*type |= 0x80;
			else if (!strcmp(val, "0") || !strcmp(val, "false"))
				*type &= 0x7f;	/* ident is sent critical unless told */
			else
				return gnv_errf(err, errsz, -EINVAL, "option '%s': '%s' is not 0 or 1", l->name, val);
		} else if (!f) {
			char key[32];

			snprintf(key, sizeof(key), "%.*s", (int)(eq ? klen : len), p);
			return gnv_errf(err, errsz, -EINVAL, "option '%s' has no field '%s'", l->name, key);
		} else {
			/* a label list is written label:1+2+3 or label:1,2,3 */
			if (l->sp == SP_LABELS && !eq) {
				char list[128];
				size_t k = 0;

				for (const char *q = p; *q && k < sizeof(list) - 1; q++)
					list[k++] = *q == ',' ? '+' : *q;
				list[k] = 0;
				ret = set_field(l, f, list, data, size, &family, err, errsz);
				if (ret)
					return ret;
				break;
			}
			ret = set_field(l, f, val, data, size, &family, err, errsz);
			if (ret)
				return ret;
		}
		p += len;
		if (*p)
			p++;
	}
	if ((l->sp == SP_RTS || l->sp == SP_ODST) && family == 6) {
		data[1] = 6;
		*size = 24;
	}
	if (l->sp == SP_DSR && family == 6) {
		/* port was written at the IPv4 offset if given before addr */
		*size = 20;
	}
	if (l->sp == SP_LABELS && *size == 4 && !gnv_get_be(data, 4) && !colon)
		return gnv_errf(err, errsz, -EINVAL, "option 'label' needs at least one label");
	return 0;
}
