/* SPDX-License-Identifier: MIT */
/*
 * The text/JSON emitter (see emit.h): JSON goes to json.c's writer; text
 * goes through a small one-value formatter, so a field costs a scan of its
 * format and no snprintf (doubles excepted).
 *
 * Layer: libcore; calls only sbuf.h and json.h.
 */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "emit.h"

enum val_kind { V_STR, V_U64, V_I64, V_DBL, V_HEX, V_MAC, V_IP };

struct val {
	enum val_kind kind;
	int family;		/* V_IP */
	int plen;		/* V_IP: prefix length, -1 for an address */
	size_t n;		/* V_HEX */
	union {
		const char *s;
		uint64_t u;
		int64_t i;
		double d;
		const uint8_t *p;
	};
};

/* One conversion of a text format. */
struct spec {
	bool left, zero;
	int width, prec;	/* prec -1: none */
	char conv;
};

void gnv_emit_init(struct gnv_emit *e, struct sbuf *sb, bool json, bool pretty)
{
	e->sb = sb;
	e->json = json;
	json_init(&e->j, sb, pretty);
}

static void put_hexnum(struct sbuf *sb, uint64_t v, bool upper)
{
	const char *dig = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char t[16], *p = t + sizeof(t);

	do {
		*--p = dig[v & 15];
		v >>= 4;
	} while (v);
	sbuf_add(sb, p, (size_t)(t + sizeof(t) - p));
}

static void put_dbl(struct sbuf *sb, const struct spec *sp, double d)
{
	char f[16], t[64];
	int n;

	if (!isfinite(d)) {
		sbuf_putc(sb, '-');
		return;
	}
	if (sp->prec >= 0)
		snprintf(f, sizeof(f), "%%.%d%c", sp->prec > 40 ? 40 : sp->prec, sp->conv);
	else
		snprintf(f, sizeof(f), "%%%c", sp->conv);
	n = snprintf(t, sizeof(t), f, d);
	if (n > 0)
		sbuf_add(sb, t, (size_t)n < sizeof(t) ? (size_t)n : sizeof(t) - 1);
}

/* The value itself, unpadded. */
static void put_value(struct sbuf *sb, const struct spec *sp, const struct val *v)
{
	bool hex = sp->conv == 'x' || sp->conv == 'X';

	switch (v->kind) {
	case V_STR:
		sbuf_puts(sb, v->s ? v->s : "-");
		break;
	case V_U64:
		if (hex)
			put_hexnum(sb, v->u, sp->conv == 'X');
		else if (sp->conv == 'f' || sp->conv == 'g' || sp->conv == 'e')
			put_dbl(sb, sp, (double)v->u);
		else
			sbuf_u64(sb, v->u);
		break;
	case V_I64:
		if (v->i < 0) {
			sbuf_putc(sb, '-');
			sbuf_u64(sb, (uint64_t)(-(v->i + 1)) + 1);
		} else if (hex) {
			put_hexnum(sb, (uint64_t)v->i, sp->conv == 'X');
		} else {
			sbuf_u64(sb, (uint64_t)v->i);
		}
		break;
	case V_DBL:
		put_dbl(sb, sp, v->d);
		break;
	case V_HEX:
		sbuf_hex(sb, v->p, v->n);
		break;
	case V_MAC:
		sbuf_mac(sb, v->p);
		break;
	case V_IP:
		if (v->family == 4)
			sbuf_ip4(sb, v->p);
		else if (v->family == 6)
			sbuf_ip6(sb, v->p);
		else
			sbuf_putc(sb, '-');
		if ((v->family == 4 || v->family == 6) && v->plen >= 0) {
			sbuf_putc(sb, '/');
			sbuf_u64(sb, (uint64_t)v->plen);
		}
		break;
	}
}

/* Pad (or cut, for a string precision) what was written since start. */
static void pad(struct sbuf *sb, size_t start, const struct spec *sp, bool cut)
{
	static const char sp64[] = "                                                                ";
	size_t n = sb->len - start, w, fill;

	if (sb->oom)
		return;
	if (cut && sp->prec >= 0 && n > (size_t)sp->prec) {
		sb->len = start + (size_t)sp->prec;
		sb->buf[sb->len] = 0;
		n = (size_t)sp->prec;
	}
	if (sp->width <= 0 || (size_t)sp->width <= n)
		return;
	w = (size_t)sp->width;
	fill = w - n;
	for (size_t k = fill; k;) {
		size_t c = k < sizeof(sp64) - 1 ? k : sizeof(sp64) - 1;

		sbuf_add(sb, sp64, c);
		k -= c;
	}
	if (sb->oom || sp->left)
		return;
	memmove(sb->buf + start + fill, sb->buf + start, n);
	if (sp->zero && !cut) {
		memset(sb->buf + start, '0', fill);
		if (sb->buf[start + fill] == '-') {	/* the sign before the zeros */
			sb->buf[start] = '-';
			sb->buf[start + fill] = '0';
		}
	} else {
		memset(sb->buf + start, ' ', fill);
	}
}

/* Parse the conversion after a '%' at *fp (not "%%"), move past it. */
static void parse_spec(const char **fp, struct spec *sp)
{
	const char *f = *fp;

	sp->left = sp->zero = false;
	sp->width = 0;
	sp->prec = -1;
	for (;; f++) {
		if (*f == '-')
			sp->left = true;
		else if (*f == '0')
			sp->zero = true;
		else if (*f != '+' && *f != ' ' && *f != '#')
			break;
	}
	while (*f >= '0' && *f <= '9') {
		if (sp->width < 4096)
			sp->width = sp->width * 10 + (*f - '0');
		f++;
	}
	if (*f == '.') {
		sp->prec = 0;
		for (f++; *f >= '0' && *f <= '9'; f++)
			if (sp->prec < 4096)
				sp->prec = sp->prec * 10 + (*f - '0');
	}
	while (*f == 'h' || *f == 'l' || *f == 'z' || *f == 'j' || *f == 't' || *f == 'L')
		f++;
	sp->conv = *f;
	if (*f)
		f++;
	*fp = f;
}

static void text_field(struct gnv_emit *e, const char *key, const char *fmt, const struct val *v)
{
	struct sbuf *sb = e->sb;
	const char *f = fmt;

	while (*f) {
		const char *lit = f;
		struct spec sp;
		size_t start;

		while (*f && *f != '%')
			f++;
		if (f > lit)
			sbuf_add(sb, lit, (size_t)(f - lit));
		if (!*f)
			break;
		f++;
		if (*f == '%') {
			sbuf_putc(sb, '%');
			f++;
			continue;
		}
		parse_spec(&f, &sp);
		if (!sp.conv)
			break;
		start = sb->len;
		if (sp.conv == 'k') {
			if (key)
				sbuf_puts(sb, key);
			pad(sb, start, &sp, true);
			continue;
		}
		put_value(sb, &sp, v);
		pad(sb, start, &sp, sp.conv == 's');
	}
}

static void field(struct gnv_emit *e, const char *key, const char *fmt, const struct val *v)
{
	if (!e->json) {
		if (fmt)
			text_field(e, key, fmt, v);
		return;
	}
	switch (v->kind) {
	case V_STR:
		json_str(&e->j, key, v->s);
		break;
	case V_U64:
		json_u64(&e->j, key, v->u);
		break;
	case V_I64:
		json_i64(&e->j, key, v->i);
		break;
	case V_DBL:
		json_dbl(&e->j, key, v->d);
		break;
	case V_HEX:
		json_hex(&e->j, key, v->p, v->n);
		break;
	case V_MAC:
		json_mac(&e->j, key, v->p);
		break;
	case V_IP:
		if (v->family != 4 && v->family != 6) {
			json_null(&e->j, key);
		} else if (v->plen < 0) {
			json_ip(&e->j, key, v->family, v->p);
		} else {
			char t[64];
			size_t n;

			if (v->family == 6)
				n = sbuf_fmt_ip6(t, v->p);
			else
				n = (size_t)snprintf(t, sizeof(t), "%u.%u.%u.%u", v->p[0], v->p[1],
						     v->p[2], v->p[3]);
			snprintf(t + n, sizeof(t) - n, "/%d", v->plen);
			json_str(&e->j, key, t);
		}
		break;
	}
}

void gnv_emit_obj_open(struct gnv_emit *e, const char *key, const char *text)
{
	if (e->json)
		json_obj_open(&e->j, key);
	else if (text)
		sbuf_puts(e->sb, text);
}

void gnv_emit_obj_close(struct gnv_emit *e, const char *text)
{
	if (e->json)
		json_obj_close(&e->j);
	else if (text)
		sbuf_puts(e->sb, text);
}

void gnv_emit_arr_open(struct gnv_emit *e, const char *key, const char *text)
{
	if (e->json)
		json_arr_open(&e->j, key);
	else if (text)
		sbuf_puts(e->sb, text);
}

void gnv_emit_arr_close(struct gnv_emit *e, const char *text)
{
	if (e->json)
		json_arr_close(&e->j);
	else if (text)
		sbuf_puts(e->sb, text);
}

void gnv_emit_str(struct gnv_emit *e, const char *key, const char *fmt, const char *val)
{
	struct val v = { .kind = V_STR, .s = val };

	field(e, key, fmt, &v);
}

void gnv_emit_u64(struct gnv_emit *e, const char *key, const char *fmt, uint64_t val)
{
	struct val v = { .kind = V_U64, .u = val };

	field(e, key, fmt, &v);
}

void gnv_emit_i64(struct gnv_emit *e, const char *key, const char *fmt, int64_t val)
{
	struct val v = { .kind = V_I64, .i = val };

	field(e, key, fmt, &v);
}

void gnv_emit_dbl(struct gnv_emit *e, const char *key, const char *fmt, double val)
{
	struct val v = { .kind = V_DBL, .d = val };

	field(e, key, fmt, &v);
}

void gnv_emit_bool(struct gnv_emit *e, const char *key, const char *fmt, bool val,
		   const char *yes, const char *no)
{
	struct val v = { .kind = V_STR };

	if (e->json) {
		json_bool(&e->j, key, val);
		return;
	}
	v.s = val ? (yes ? yes : "true") : (no ? no : "false");
	if (fmt)
		text_field(e, key, fmt, &v);
}

void gnv_emit_hex(struct gnv_emit *e, const char *key, const char *fmt, const uint8_t *p,
		  size_t n)
{
	struct val v = { .kind = V_HEX, .p = p, .n = n };

	field(e, key, fmt, &v);
}

void gnv_emit_mac(struct gnv_emit *e, const char *key, const char *fmt, const uint8_t mac[6])
{
	struct val v = { .kind = V_MAC, .p = mac };

	field(e, key, fmt, &v);
}

void gnv_emit_ip(struct gnv_emit *e, const char *key, const char *fmt, int family,
		 const uint8_t *a)
{
	struct val v = { .kind = V_IP, .family = family, .plen = -1, .p = a };

	field(e, key, fmt, &v);
}

void gnv_emit_prefix(struct gnv_emit *e, const char *key, const char *fmt, int family,
		     const uint8_t *a, unsigned int len)
{
	struct val v = { .kind = V_IP, .family = family, .plen = len > 128 ? 128 : (int)len,
			 .p = a };

	field(e, key, fmt, &v);
}

void gnv_emit_null(struct gnv_emit *e, const char *key, const char *fmt)
{
	struct val v = { .kind = V_STR, .s = NULL };

	if (e->json)
		json_null(&e->j, key);
	else if (fmt)
		text_field(e, key, fmt, &v);
}

void gnv_emit_text(struct gnv_emit *e, const char *fmt, ...)
{
	va_list ap;

	if (e->json)
		return;
	va_start(ap, fmt);
	sbuf_vprintf(e->sb, fmt, ap);
	va_end(ap);
}

void gnv_emit_puts(struct gnv_emit *e, const char *s)
{
	if (!e->json)
		sbuf_puts(e->sb, s);
}
