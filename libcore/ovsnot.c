/* SPDX-License-Identifier: MIT */
/*
 * Open vSwitch datapath notation for Geneve options (ovsnot.h): parsed
 * for craft's opt=geneve(...), printed for decode --opt-format ovs; and
 * the TLV map of ovs-ofctl add-tlv-map for tun_metadataN=VALUE words.
 *
 * Layer: libcore; calls num, msg, sbuf and libc.
 */
#include <errno.h>
#include <string.h>
#include "msg.h"
#include "num.h"
#include "ovsnot.h"

#define OVS_PFX		"geneve("
#define OVS_PFX_LEN	7

bool gnv_ovs_is_notation(const char *text)
{
	return text && (text[0] == '{' || !strncmp(text, OVS_PFX, OVS_PFX_LEN));
}

/* A number, optionally "/MASK" (checked, then ignored). */
static int parse_num_masked(const char *s, size_t n, uint64_t max, uint64_t mmax, uint64_t *v)
{
	const char *slash = memchr(s, '/', n);
	uint64_t m;

	if (slash && num_parse_span(slash + 1, (size_t)(s + n - slash - 1), 0, mmax, &m))
		return -EINVAL;
	return num_parse_span(s, slash ? (size_t)(slash - s) : n, 0, max, v);
}

/* The data: one hex number right-aligned in len bytes ("0x1000b", "0"),
 * optionally "/MASK" with a mask of the same form. */
static int parse_data(const char *s, size_t n, uint8_t *d, size_t len, const char **why)
{
	const char *slash = memchr(s, '/', n);
	size_t vn = slash ? (size_t)(slash - s) : n;

	for (int pass = 0; pass < (slash ? 2 : 1); pass++) {
		const char *q = pass ? slash + 1 : s;
		size_t qn = pass ? (size_t)(s + n - slash - 1) : vn;
		size_t nd;

		if (qn > 2 && q[0] == '0' && (q[1] | 0x20) == 'x') {
			q += 2;
			qn -= 2;
		}
		if (!qn) {
			*why = "is not a hex number";
			return -EINVAL;
		}
		for (size_t i = 0; i < qn; i++)
			if (num_hexval(q[i]) < 0) {
				*why = "is not a hex number";
				return -EINVAL;
			}
		while (qn > 1 && q[0] == '0') {
			q++;
			qn--;
		}
		nd = qn;
		if ((nd + 1) / 2 > len) {
			*why = "is longer than len";
			return -EINVAL;
		}
		if (pass)
			break;	/* the mask only has to be well-formed */
		memset(d, 0, len);
		for (size_t i = 0; i < nd; i++) {
			size_t pos = nd - 1 - i;	/* digits from the right */
			int h = num_hexval(q[pos]);

			d[len - 1 - i / 2] |= (uint8_t)(i % 2 ? h << 4 : h);
		}
	}
	return 0;
}

/* One "{...}" at *pp (after the '{'): writes the TLV at out. */
static int parse_one(const char **pp, unsigned int idx, uint8_t *out, size_t cap, size_t *n,
		     char *err, size_t errsz)
{
	const char *p = *pp, *data = NULL;
	size_t data_n = 0;
	uint64_t cls = 0, type = 0, len = 0;
	bool have_cls = false, have_type = false, have_len = false;
	const char *why = NULL;

	for (;;) {
		size_t tn = strcspn(p, ",}");
		const char *eq = memchr(p, '=', tn);
		int ret = 0;

		if (!p[tn])
			return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: no closing '}'", idx);
		if (eq && eq - p == 5 && !strncmp(p, "class", 5)) {
			ret = parse_num_masked(eq + 1, (size_t)(p + tn - eq - 1), 0xffff, 0xffff, &cls);
			have_cls = true;
		} else if (eq && eq - p == 4 && !strncmp(p, "type", 4)) {
			ret = parse_num_masked(eq + 1, (size_t)(p + tn - eq - 1), 0xff, 0xff, &type);
			have_type = true;
		} else if (eq && eq - p == 3 && !strncmp(p, "len", 3)) {
			ret = parse_num_masked(eq + 1, (size_t)(p + tn - eq - 1), 124, 0xff, &len);
			have_len = true;
		} else if (!eq && tn && !data) {
			data = p;
			data_n = tn;
		} else {
			return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: unexpected '%.*s'",
					idx, (int)(tn > 40 ? 40 : tn), p);
		}
		if (ret)
			return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: bad value in '%.*s'",
					idx, (int)(tn > 40 ? 40 : tn), p);
		p += tn;
		if (*p++ == '}')
			break;
	}
	if (!have_cls || !have_type || !have_len)
		return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: needs class=, type= and len=", idx);
	if (len % 4)
		return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: len=%u is not a multiple of 4",
				idx, (unsigned int)len);
	if (*n + 4 + len > cap)
		return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: options longer than %zu bytes",
				idx, cap);
	out += *n;
	out[0] = (uint8_t)(cls >> 8);
	out[1] = (uint8_t)cls;
	out[2] = (uint8_t)type;
	out[3] = (uint8_t)(len / 4);
	memset(out + 4, 0, len);
	if (data && parse_data(data, data_n, out + 4, len, &why))
		return gnv_errf(err, errsz, -EINVAL, "geneve(): option %u: data '%.*s' %s", idx,
				(int)(data_n > 40 ? 40 : data_n), data, why);
	*n += 4 + len;
	*pp = p;
	return 0;
}

int gnv_ovs_parse(const char *text, uint8_t *out, size_t cap, size_t *n,
		  char *err, size_t errsz)
{
	const char *p = text;
	size_t end = strlen(text);
	unsigned int idx = 0;

	*n = 0;
	if (!strncmp(p, OVS_PFX, OVS_PFX_LEN)) {
		if (end <= OVS_PFX_LEN || text[end - 1] != ')')
			return gnv_errf(err, errsz, -EINVAL, "geneve(): no closing ')'");
		p += OVS_PFX_LEN;
		end--;
	}
	while (p < text + end) {
		int ret;

		if (*p != '{') {
			size_t left = (size_t)(text + end - p);

			return gnv_errf(err, errsz, -EINVAL, "geneve(): expected '{' at '%.*s'",
					(int)(left < 20 ? left : 20), p);
		}
		p++;
		ret = parse_one(&p, ++idx, out, cap, n, err, errsz);
		if (ret)
			return ret;
		if (p > text + end)
			return gnv_errf(err, errsz, -EINVAL, "geneve(): no closing ')'");
	}
	if (!idx)
		return gnv_errf(err, errsz, -EINVAL, "geneve(): no option");
	return 0;
}

/* OVS's "%#x": 0 is "0", anything else "0x..." */
static void put_hexnum(struct sbuf *sb, unsigned int v)
{
	if (v)
		sbuf_printf(sb, "%#x", v);
	else
		sbuf_putc(sb, '0');
}

/* Option data as OVS prints it: one hex number, "0" when all zero. */
static void put_data(struct sbuf *sb, const uint8_t *d, size_t len)
{
	size_t k = 0;

	while (k < len && !d[k])
		k++;
	if (k == len) {
		sbuf_putc(sb, '0');
	} else {
		sbuf_printf(sb, "%#x", d[k]);
		sbuf_hex(sb, d + k + 1, len - k - 1);
	}
}

/* Whole options, none with reserved bits (what OVS can say)? */
static bool ovs_expressible(const uint8_t *p, size_t n)
{
	size_t off = 0;

	while (off < n) {
		if (n - off < 4 || (p[off + 3] >> 5) || off + 4 + 4u * (p[off + 3] & 0x1f) > n)
			return false;
		off += 4 + 4u * (p[off + 3] & 0x1f);
	}
	return n > 0;
}

bool gnv_ovs_format_map(struct sbuf *sb, const uint8_t *p, size_t n, const struct gnv_tlvmap *map,
			const char *sep, const char *pfx)
{
	if (!ovs_expressible(p, n))
		return false;
	for (size_t off = 0; off < n;) {
		size_t len = 4u * (p[off + 3] & 0x1f);
		uint16_t cls = (uint16_t)(p[off] << 8 | p[off + 1]);
		int idx = -1;

		for (int i = 0; map && i < GNV_TLVMAP_MAX && idx < 0; i++)
			if ((map->set >> i & 1) && map->m[i].cls == cls && map->m[i].type == p[off + 2] &&
			    map->m[i].len == len)
				idx = i;
		if (off)
			sbuf_puts(sb, sep);
		if (idx >= 0) {
			sbuf_printf(sb, "tun_metadata%d=", idx);
			put_data(sb, p + off + 4, len);
		} else {
			sbuf_puts(sb, pfx);
			gnv_ovs_format(sb, p + off, 4 + len);
		}
		off += 4 + len;
	}
	return true;
}

bool gnv_ovs_format(struct sbuf *sb, const uint8_t *p, size_t n)
{
	size_t off;

	/* check first: nothing is appended for what OVS cannot say */
	if (!ovs_expressible(p, n))
		return false;
	sbuf_add(sb, OVS_PFX, OVS_PFX_LEN);
	for (off = 0; off < n;) {
		size_t len = 4u * (p[off + 3] & 0x1f);

		sbuf_add(sb, "{class=", 7);
		put_hexnum(sb, (unsigned int)(p[off] << 8 | p[off + 1]));
		sbuf_add(sb, ",type=", 6);
		put_hexnum(sb, p[off + 2]);
		sbuf_add(sb, ",len=", 5);
		sbuf_u64(sb, len);
		if (len) {
			sbuf_putc(sb, ',');
			put_data(sb, p + off + 4, len);
		}
		sbuf_putc(sb, '}');
		off += 4 + len;
	}
	sbuf_putc(sb, ')');
	return true;
}

#define TM_PFX		"tun_metadata"
#define TM_PFX_LEN	12

int gnv_tlvmap_index(const char *word, size_t n)
{
	const char *eq = memchr(word, '=', n);
	size_t k = eq ? (size_t)(eq - word) : n;
	uint64_t v;

	if (k <= TM_PFX_LEN || k > TM_PFX_LEN + 2 || strncmp(word, TM_PFX, TM_PFX_LEN) ||
	    (word[TM_PFX_LEN] == '0' && k - TM_PFX_LEN > 1))
		return -1;
	for (size_t i = TM_PFX_LEN; i < k; i++)
		if (word[i] < '0' || word[i] > '9')
			return -1;
	if (num_parse_span(word + TM_PFX_LEN, k - TM_PFX_LEN, 0, GNV_TLVMAP_MAX - 1, &v))
		return -1;
	return (int)v;
}

int gnv_tlvmap_parse(const char *text, struct gnv_tlvmap *map, char *err, size_t errsz)
{
	const char *p = text;

	if (!*p)
		return gnv_errf(err, errsz, -EINVAL, "empty TLV map");
	while (*p) {
		const char *close = strchr(p, '}'), *end;
		uint8_t tlv[4 + 124] = { 0 };	/* parse_one writes at least the 4 header bytes */
		size_t n = 0, en;
		const char *q;
		int idx;

		end = close ? close + strcspn(close, ",") : p + strlen(p);
		en = (size_t)(end - p);
		q = p + 1;
		if (*p != '{' || !close || strncmp(close + 1, "->", 2))
			return gnv_errf(err, errsz, -EINVAL, "'%.*s' is not {class=C,type=T,len=L}->tun_metadataN",
					(int)(en > 60 ? 60 : en), p);
		if (parse_one(&q, 1, tlv, sizeof(tlv), &n, err, errsz))
			return gnv_errf(err, errsz, -EINVAL, "'%.*s': needs class=, type= and len= (a multiple of 4, at most 124)",
					(int)(close + 1 - p > 60 ? 60 : close + 1 - p), p);
		idx = gnv_tlvmap_index(close + 3, (size_t)(end - close - 3));
		if (idx < 0)
			return gnv_errf(err, errsz, -EINVAL, "'%.*s' is not tun_metadata0..tun_metadata%d",
					(int)(end - close - 3 > 40 ? 40 : end - close - 3), close + 3, GNV_TLVMAP_MAX - 1);
		if (map->set >> idx & 1)
			return gnv_errf(err, errsz, -EINVAL, "'tun_metadata%d' is mapped twice", idx);
		map->set |= 1ull << idx;
		map->m[idx].cls = (uint16_t)(tlv[0] << 8 | tlv[1]);
		map->m[idx].type = tlv[2];
		map->m[idx].len = (uint8_t)(4 * (tlv[3] & 0x1f));
		p = *end ? end + 1 : end;
	}
	return 0;
}

int gnv_tlvmap_encode(const struct gnv_tlvmap *map, const char *word, size_t n,
		      uint8_t *out, size_t cap, size_t *len, char *err, size_t errsz)
{
	const char *eq = memchr(word, '=', n), *why = NULL;
	int idx = gnv_tlvmap_index(word, n);
	size_t k = eq ? (size_t)(eq - word) : n;
	size_t dl;

	if (idx < 0)
		return gnv_errf(err, errsz, -EINVAL, "'%.*s' is not tun_metadata0..tun_metadata%d",
				(int)k, word, GNV_TLVMAP_MAX - 1);
	if (!map || !(map->set >> idx & 1))
		return gnv_errf(err, errsz, -EINVAL, "'%.*s' is not in the TLV map (give --tlv-map \"{class=...,type=...,len=...}->%.*s\")",
				(int)k, word, (int)k, word);
	if (!eq)
		return gnv_errf(err, errsz, -EINVAL, "'%.*s' needs a value (%.*s=0x...)", (int)k, word, (int)k, word);
	dl = map->m[idx].len;
	if (4 + dl > cap)
		return gnv_errf(err, errsz, -EINVAL, "'%.*s': too many option bytes", (int)k, word);
	out[0] = (uint8_t)(map->m[idx].cls >> 8);
	out[1] = (uint8_t)map->m[idx].cls;
	out[2] = map->m[idx].type;
	out[3] = (uint8_t)(dl / 4);
	memset(out + 4, 0, dl);
	if (parse_data(eq + 1, (size_t)(word + n - eq - 1), out + 4, dl, &why))
		return gnv_errf(err, errsz, -EINVAL, "'%.*s': value '%.*s' %s (len=%zu)", (int)k, word,
				(int)(word + n - eq - 1 > 40 ? 40 : word + n - eq - 1), eq + 1, why, dl);
	*len = 4 + dl;
	return 0;
}

void gnv_tlvmap_fill(struct gnv_tlvmap *to, const struct gnv_tlvmap *from)
{
	for (int i = 0; i < GNV_TLVMAP_MAX; i++)
		if ((from->set >> i & 1) && !(to->set >> i & 1)) {
			to->m[i] = from->m[i];
			to->set |= 1ull << i;
		}
}
