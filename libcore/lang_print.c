/* SPDX-License-Identifier: MIT */
/*
 * Printing the packet language: a spec as text (gnv_spec_print), and a
 * decoded packet as the text that rebuilds it (gnv_lang_format).
 *
 * gnv_lang_format works in two steps: gnv_spec_from_pkt() turns the
 * decoded layers into a spec whose set fields are exactly those craft
 * would not compute by itself; then the spec is printed.  Frames with
 * errors are built back and compared byte for byte; when the structured
 * form does not reproduce them, every field is made explicit, and then
 * layers are given up from the inside out as 'payload hex='.
 *
 * Layer: libcore; calls build (to check a round trip), lang_parse,
 * optreg, opt_tlv, flowhash, sbuf, cursor.h and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "build.h"
#include "cursor.h"
#include "flowhash.h"
#include "lang.h"
#include "opt_tlv.h"
#include "optreg.h"
#include "ovsnot.h"

#define OPTCACHE_SLOTS	256
#define OPTCACHE_TEXT	376	/* the largest raw option (" opt=" ...) is 265 */

/* One named-or-raw option text, keyed by the option's bytes and class. */
struct optcache_ent {
	uint16_t genv_class;
	uint8_t size;		/* TLV bytes; 0 = empty slot */
	uint16_t tlen;		/* bytes of text */
	uint32_t used;		/* ctx->clock at the last use */
	uint8_t tlv[128];
	char text[OPTCACHE_TEXT];
};

/* A name as printed, padded so it is copied as one 16-byte block. */
struct ctx_name {
	char t[16];
	uint8_t n;		/* 0: too long, print it the slow way */
};

struct gnv_lang_ctx {
	struct gnv_spec spec, again;
	uint32_t clock;
	bool opt_ovs;		/* options as one opt=geneve({...}...) */
	const struct gnv_tlvmap *tlvmap;	/* with opt_ovs: tun_metadataN= words */
	struct ctx_name layer[2][LK__COUNT];	/* "NAME", " / NAME" */
	struct ctx_name field[LK__COUNT][64];	/* " NAME=" */
	uint8_t buf[GNV_FRAME_MAX];
	struct optcache_ent opt[OPTCACHE_SLOTS];
};

static void ctx_name_set(struct ctx_name *c, const char *pre, const char *name, const char *post)
{
	size_t a = strlen(pre), b = strlen(name), z = strlen(post);

	if (a + b + z > sizeof(c->t))
		return;
	memcpy(c->t, pre, a);
	memcpy(c->t + a, name, b);
	memcpy(c->t + a + b, post, z);
	c->n = (uint8_t)(a + b + z);
}

struct gnv_lang_ctx *gnv_lang_ctx_new(void)
{
	struct gnv_lang_ctx *ctx = calloc(1, sizeof(struct gnv_lang_ctx));

	if (!ctx)
		return NULL;
	for (int k = 0; k < LK__COUNT; k++) {
		const struct gnv_ldesc *d = &gnv_lang_layers[k];

		ctx_name_set(&ctx->layer[0][k], "", d->name, "");
		ctx_name_set(&ctx->layer[1][k], " / ", d->name, "");
		for (int fi = 0; fi < d->nf && fi < 64; fi++)
			ctx_name_set(&ctx->field[k][fi], " ", d->f[fi].name, "=");
	}
	return ctx;
}

/* Append a ctx name: one fixed-size copy. */
static inline bool put_ctx_name(struct sbuf *sb, const struct ctx_name *c)
{
	if (!c->n || sb->oom || sb->cap - sb->len <= sizeof(c->t))
		return false;
	memcpy(sb->buf + sb->len, c->t, sizeof(c->t));
	sb->len += c->n;
	sb->buf[sb->len] = 0;
	return true;
}

void gnv_lang_ctx_free(struct gnv_lang_ctx *ctx)
{
	free(ctx);
}

void gnv_lang_ctx_opt_ovs(struct gnv_lang_ctx *ctx, bool on)
{
	ctx->opt_ovs = on;
}

void gnv_lang_ctx_tlvmap(struct gnv_lang_ctx *ctx, const struct gnv_tlvmap *map)
{
	ctx->tlvmap = map;
}

/* ---- printing a spec ---- */

/* A short name from the tables (inline copy: no strlen and memcpy calls). */
static inline void put_name(struct sbuf *sb, const char *s)
{
	char *o, *e;

	if (sb->oom || sb->cap - sb->len < 40) {
		sbuf_puts(sb, s);
		return;
	}
	o = sb->buf + sb->len;
	e = sb->buf + sb->cap - 1;
	while (*s && o < e)
		*o++ = *s++;
	if (*s) {		/* longer than expected: finish the slow way */
		sb->len = (size_t)(o - sb->buf);
		sb->buf[sb->len] = 0;
		sbuf_puts(sb, s);
		return;
	}
	*o = 0;
	sb->len = (size_t)(o - sb->buf);
}

/* "0x" and at least width lowercase hex digits (printf's "0x%0*llx"). */
static void put_hexw(struct sbuf *sb, uint64_t v, int width)
{
	static const char hexdig[] = "0123456789abcdef";
	char t[18];
	int i = (int)sizeof(t);

	do {
		t[--i] = hexdig[v & 15];
		v >>= 4;
		width--;
	} while (v || width > 0);
	t[--i] = 'x';
	t[--i] = '0';
	sbuf_add(sb, t + i, sizeof(t) - (size_t)i);
}

static void put_u(struct sbuf *sb, const struct gnv_lfield *f, uint64_t v)
{
	if (f->flags & FF_HEXOUT)
		put_hexw(sb, v, f->type == FT_U8 ? 2 : f->type == FT_U32 ? 1 : 4);
	else
		sbuf_u64(sb, v);
}

static void put_tcpflags(struct sbuf *sb, uint16_t fl)
{
	static const char letters[] = "FSRPAUECN";

	if (!fl) {
		sbuf_putc(sb, '0');
		return;
	}
	for (int b = 0; b < 9; b++)
		if (fl & (1u << b))
			sbuf_putc(sb, letters[b]);
}

static void put_text(struct sbuf *sb, const uint8_t *p, size_t n)
{
	sbuf_putc(sb, '"');
	for (size_t i = 0; i < n; i++) {
		uint8_t c = p[i];

		if (c == '"' || c == '\\') {
			sbuf_putc(sb, '\\');
			sbuf_putc(sb, (char)c);
		} else if (c == '\n') {
			sbuf_puts(sb, "\\n");
		} else if (c == '\t') {
			sbuf_puts(sb, "\\t");
		} else if (c < 0x20 || c >= 0x7f) {
			sbuf_printf(sb, "\\x%02x", c);
		} else {
			sbuf_putc(sb, (char)c);
		}
	}
	sbuf_putc(sb, '"');
}

static void put_optfield(struct sbuf *sb, const struct gnv_field *x)
{
	switch (x->kind) {
	case GNV_F_UINT: case GNV_F_BOOL:
		sbuf_u64(sb, x->u);
		break;
	case GNV_F_ENUM:
		if (x->s)
			sbuf_puts(sb, x->s);
		else
			sbuf_u64(sb, x->u);
		break;
	case GNV_F_HEX:
		sbuf_hex(sb, x->p, x->size);
		break;
	case GNV_F_IP4:
		sbuf_ip4(sb, x->b);
		break;
	case GNV_F_IP6:
		sbuf_ip6(sb, x->b);
		break;
	case GNV_F_MAC:
		sbuf_mac(sb, x->b);
		break;
	case GNV_F_U32LIST:
		for (unsigned int i = 0; i + 4 <= x->size; i += 4) {
			if (i)
				sbuf_putc(sb, '+');
			sbuf_u64(sb, gnv_be32(x->p + i));
		}
		break;
	}
}

/* Does text encode to exactly the option at tlv? */
static bool opt_encodes_to(const char *text, const struct gnv_spec *spec, const uint8_t *tlv, size_t size)
{
	uint8_t data[128];
	uint16_t cls;
	uint8_t type;
	size_t n = 0;
	char err[8];

	memset(data, 0, sizeof(data));
	if (gnv_opt_encode_reg(spec->optreg, text, spec->genv_class, &cls, &type, data, &n, err, sizeof(err)))
		return false;
	n = (n + 3) & ~(size_t)3;
	return cls == gnv_be16(tlv) && type == tlv[2] && n == size - 4 &&
	       (tlv[3] >> 5) == 0 && !memcmp(data, tlv + 4, n);
}

static bool is_zero_field(const struct gnv_field *x)
{
	switch (x->kind) {
	case GNV_F_UINT: case GNV_F_BOOL: case GNV_F_ENUM:
		return !x->u;
	case GNV_F_IP4: case GNV_F_IP6: case GNV_F_MAC:
		for (int i = 0; i < (x->kind == GNV_F_IP4 ? 4 : x->kind == GNV_F_MAC ? 6 : 16); i++)
			if (x->b[i])
				return false;
		return true;
	default:
		return false;
	}
}

static void sb_truncate(struct sbuf *sb, size_t len)
{
	if (sb->buf && len <= sb->len) {
		sb->len = len;
		sb->buf[len] = 0;
	}
}

/*
 * One option by name when the name round-trips (shortest form first:
 * the only field positionally, or the non-zero fields), else raw
 * CLASS:TYPE:HEX.  Written straight into sb; nothing is allocated.
 */
static void put_option_text(struct sbuf *sb, const struct gnv_spec *spec, struct gnv_pkt *fk,
			    const uint8_t *base, uint32_t off, uint32_t size)
{
	const uint8_t *tlv = base + off;
	struct gnv_optinfo info;
	struct gnv_opt o = {
		.cls = gnv_be16(tlv), .type = tlv[2], .rsvd = (uint8_t)(tlv[3] >> 5),
		.size = (uint8_t)(size - 4), .off = off,
	};
	size_t mark = sb->len, start;

	sbuf_puts(sb, " opt=");
	start = sb->len;
	if (gnv_opt_info(fk, &o, &info) && info.name && info.layout_ok) {
		/* variant bits: 1 every field, 2 critical=1 (or =0 for a layout
		 * sent critical by default, ident), 4 class= */
		static const uint8_t variants[] = { 0, 1, 2, 4, 6, 5, 7 };

		for (size_t vi = 0; vi < sizeof(variants); vi++) {
			unsigned int variant = variants[vi];
			bool full = variant & 1, any = false;

			sb_truncate(sb, start);
			sbuf_puts(sb, info.name);
			if (info.nfield == 1 && !full) {
				sbuf_putc(sb, ':');
				put_optfield(sb, &info.f[0]);
				any = true;
			} else {
				for (unsigned int i = 0; i < info.nfield; i++) {
					if (!full && is_zero_field(&info.f[i]))
						continue;
					sbuf_putc(sb, any ? ',' : ':');
					sbuf_puts(sb, info.f[i].key);
					sbuf_putc(sb, '=');
					put_optfield(sb, &info.f[i]);
					any = true;
				}
			}
			if (variant & 2) {
				sbuf_putc(sb, any ? ',' : ':');
				sbuf_puts(sb, o.type & 0x80 ? "critical=1" : "critical=0");
				any = true;
			}
			if (variant & 4) {
				sbuf_putc(sb, any ? ',' : ':');
				sbuf_add(sb, "class=", 6);
				put_hexw(sb, o.cls, 4);
			}
			if (!sb->oom && opt_encodes_to(sb->buf + start, spec, tlv, size))
				return;
		}
	}
	sb_truncate(sb, mark);
	sbuf_add(sb, " opt=", 5);
	put_hexw(sb, o.cls, 4);
	sbuf_putc(sb, ':');
	put_hexw(sb, o.type, 2);
	if (size > 4) {
		sbuf_putc(sb, ':');
		sbuf_hex(sb, tlv + 4, size - 4);
	}
}

/* Cheap: the header, the first and the last data word (memcmp decides). */
static uint32_t optcache_hash(const uint8_t *tlv, uint32_t size, uint16_t genv_class)
{
	uint32_t h = gnv_be32(tlv) * 0x9e3779b1u ^ genv_class;

	if (size >= 8) {
		h = (h ^ gnv_be32(tlv + 4)) * 0x85ebca6bu;
		h = (h ^ gnv_be32(tlv + size - 4)) * 0xc2b2ae35u;
	}
	return h ^ h >> 16;
}

static void put_option(struct sbuf *sb, const struct gnv_spec *spec, struct gnv_pkt *fk,
		       const uint8_t *base, uint32_t off, uint32_t size, struct gnv_lang_ctx *ctx)
{
	const uint8_t *tlv = base + off;
	struct optcache_ent *e;
	size_t start;

	if (!ctx || size > sizeof(e->tlv)) {
		put_option_text(sb, spec, fk, base, off, size);
		return;
	}
	/* two ways: options whose hashes collide do not evict each other */
	e = &ctx->opt[optcache_hash(tlv, size, spec->genv_class) % OPTCACHE_SLOTS & ~1u];
	for (int w = 0; w < 2; w++)
		if (e[w].size == size && e[w].genv_class == spec->genv_class &&
		    !memcmp(e[w].tlv, tlv, size)) {
			e[w].used = ++ctx->clock;
			sbuf_add(sb, e[w].text, e[w].tlen);
			return;
		}
	if (e[1].used < e[0].used)
		e++;		/* the least recently used way (or an empty one) */
	e->used = ++ctx->clock;
	start = sb->len;
	put_option_text(sb, spec, fk, base, off, size);
	if (!sb->oom && sb->len - start <= sizeof(e->text)) {
		memcpy(e->text, sb->buf + start, sb->len - start);
		e->tlen = (uint16_t)(sb->len - start);
		memcpy(e->tlv, tlv, size);
		e->size = (uint8_t)size;
		e->genv_class = spec->genv_class;
	}
}

static void put_options(struct sbuf *sb, const struct gnv_spec *spec, const struct gnv_blob *b,
			struct gnv_lang_ctx *ctx)
{
	const uint8_t *p = spec->pool + b->off;
	struct gnv_opt_iter it;
	struct gnv_tlv o;
	struct gnv_pkt fk;
	uint32_t done = 0;

	if (ctx && ctx->opt_ovs) {
		size_t mark = sb->len;

		sbuf_putc(sb, ' ');
		if (ctx->tlvmap ? gnv_ovs_format_map(sb, p, b->size, ctx->tlvmap, " ", "opt=") :
		    (sbuf_add(sb, "opt=", 4), gnv_ovs_format(sb, p, b->size)))
			return;
		sb_truncate(sb, mark);	/* not expressible: genv's own words */
	}
	fk.data = p;
	fk.caplen = fk.len = b->size;
	fk.genv_class = spec->genv_class;
	fk.optreg = spec->optreg;
	gnv_opt_iter_init(&it, p, b->size, b->size);
	while (gnv_opt_next(&it, &o)) {
		uint32_t size = GNV_OPT_HDR_SIZE + o.size;

		if (o.rsvd) {
			sbuf_puts(sb, " opthex=");
			sbuf_hex(sb, p + o.off, size);
		} else {
			put_option(sb, spec, &fk, p, o.off, size, ctx);
		}
		done = o.off + size;
	}
	/* what does not parse as options is shown as bytes */
	if (done < b->size) {
		sbuf_puts(sb, " opthex=");
		sbuf_hex(sb, p + done, b->size - done);
	}
}

static void spec_print(const struct gnv_spec *spec, struct sbuf *sb, struct gnv_lang_ctx *ctx)
{
	for (int i = 0; i < spec->nlayer; i++) {
		const struct gnv_layer *l = &spec->l[i];
		const struct gnv_ldesc *d = &gnv_lang_layers[l->kind];
		bool opts_done = false;

		uint64_t bits = d->nf < 64 ? l->set & ((1ull << d->nf) - 1) : l->set;

		if (!ctx || !put_ctx_name(sb, &ctx->layer[i > 0][l->kind])) {
			if (i)
				sbuf_add(sb, " / ", 3);
			put_name(sb, d->name);
		}
		/* the set fields, in table order */
		while (bits) {
			int fi = __builtin_ctzll(bits);
			const struct gnv_lfield *f = &d->f[fi];
			const uint8_t *m = (const uint8_t *)l + f->moff;

			bits &= bits - 1;
			if (f->flags & FF_ALIAS)
				continue;
			if (f->type == FT_OPT || f->type == FT_OPTHEX) {
				if (!opts_done && l->u.gnv.opts.size)
					put_options(sb, spec, &l->u.gnv.opts, ctx);
				opts_done = true;
				continue;
			}
			if ((f->type == FT_HEX || f->type == FT_TEXT) && !((const struct gnv_blob *)m)->size)
				continue;
			if (!ctx || fi >= 64 || !put_ctx_name(sb, &ctx->field[l->kind][fi])) {
				sbuf_putc(sb, ' ');
				put_name(sb, f->name);
				sbuf_putc(sb, '=');
			}
			switch (f->type) {
			case FT_MAC: sbuf_mac(sb, m); break;
			case FT_IP4: sbuf_ip4(sb, m); break;
			case FT_IP6: sbuf_ip6(sb, m); break;
			case FT_CSUM: {
				struct gnv_csum_spec cs;

				memcpy(&cs, m, sizeof(cs));
				if (cs.mode == GNV_CS_AUTO)
					sbuf_puts(sb, "auto");
				else if (cs.mode == GNV_CS_BAD)
					sbuf_puts(sb, "bad");
				else if (cs.mode == GNV_CS_ZERO)
					sbuf_puts(sb, "zero");
				else
					put_hexw(sb, cs.val, 4);
				break;
			}
			case FT_CRIT:
				sbuf_puts(sb, *m == GNV_CRIT_AUTO ? "auto" : *m ? "1" : "0");
				break;
			case FT_TCPFLAGS:
				put_tcpflags(sb, (uint16_t)gnv_layer_value(l, f));
				break;
			case FT_HEX: {
				const struct gnv_blob *b = (const void *)m;

				sbuf_hex(sb, spec->pool + b->off, b->size);
				break;
			}
			case FT_TEXT: {
				const struct gnv_blob *b = (const void *)m;

				put_text(sb, spec->pool + b->off, b->size);
				break;
			}
			default:
				put_u(sb, f, gnv_layer_value(l, f));
				break;
			}
		}
	}
}

void gnv_spec_print(const struct gnv_spec *spec, struct sbuf *sb)
{
	spec_print(spec, sb, NULL);
}

/* ---- decoded packet -> spec ---- */

struct seg {
	uint8_t kind, level;
	uint32_t off, size;
	uint32_t ext_end;	/* IP: where its length says it ends (clipped) */
	const struct gnv_ip *ip;
	const struct gnv_l4 *l4;
};

struct fctx {
	const struct gnv_pkt *pk;
	struct seg s[GNV_SPEC_MAX_LAYERS];
	int n;
	bool odd;		/* the structure stopped early: check by building */
};

static bool add_seg(struct fctx *c, int kind, int level, uint32_t off, uint32_t size)
{
	if (c->n >= GNV_SPEC_MAX_LAYERS - 1 || off + size > c->pk->caplen) {
		c->odd = true;
		return false;
	}
	c->s[c->n] = (struct seg){ .kind = (uint8_t)kind, .level = (uint8_t)level, .off = off, .size = size };
	c->n++;
	return true;
}

static void add_data(struct fctx *c, int kind, int level, uint32_t from, uint32_t to)
{
	if (to > c->pk->caplen)
		to = c->pk->caplen;
	if (from < to)
		add_seg(c, kind, level, from, to - from);
	else if (kind == LK_PAD && from == to)
		add_seg(c, kind, level, from, 0);
}

static bool level_segs(struct fctx *c, const struct gnv_layers *L, int level, uint32_t pos,
		       uint32_t lend, bool geneve);

/* The layer kind and header size of the packet's tunnel; false if none. */
static bool tunnel_seg(const struct gnv_pkt *pk, int *kind, uint32_t *size)
{
	static const uint8_t kinds[] = {
		[GNV_TUN_GENEVE] = LK_GENEVE, [GNV_TUN_VXLAN] = LK_VXLAN, [GNV_TUN_GPE] = LK_GPE,
		[GNV_TUN_GRE] = LK_GRE, [GNV_TUN_NVGRE] = LK_NVGRE, [GNV_TUN_GUE] = LK_GUE,
		[GNV_TUN_STT] = LK_STT,
	};

	if (!pk->is_geneve || pk->tun.kind >= sizeof(kinds))
		return false;
	*kind = kinds[pk->tun.kind];
	if (*kind == LK_GENEVE) {
		*size = 8u + pk->gnv.opt_size;
		return true;
	}
	*size = pk->tun.hdr_size;
	return pk->gnv.present && !pk->tun.stt_cont;
}

/*
 * The tunnel header at *pos, then the frame it carries up to end (the
 * next level).  False when the header does not fit: the caller shows the
 * rest as payload.
 */
static bool tunnel_segs(struct fctx *c, int level, uint32_t *pos, uint32_t end, int *cur,
			bool *inner_pad)
{
	const struct gnv_pkt *pk = c->pk;
	uint32_t gsize;
	int kind;

	if (!tunnel_seg(pk, &kind, &gsize) || *pos + gsize > end ||
	    !add_seg(c, kind, level, *pos, gsize))
		return false;
	*pos += gsize;
	*cur = level + 1;
	if (pk->gnv.inner_off != *pos)
		return false;
	if ((pk->gnv.proto == 0x6558 && pk->inner.eth.present) ||
	    ((pk->gnv.proto == 0x0800 || pk->gnv.proto == 0x86dd) &&
	     !pk->inner.eth.present && pk->inner.ip.version)) {
		*inner_pad = level_segs(c, &pk->inner, level + 1, *pos, end, false);
		*pos = end;
	} else if (*pos < end) {
		add_data(c, LK_PAYLOAD, level + 1, *pos, end);
		*pos = end;
	}
	return true;
}

/*
 * The layers of one level starting at pos and ending at lend.  Returns
 * whether a pad was added (the level's IP length ends before lend).
 */
static bool level_segs(struct fctx *c, const struct gnv_layers *L, int level, uint32_t pos,
		       uint32_t lend, bool geneve)
{
	const struct gnv_pkt *pk = c->pk;
	uint32_t end = lend;
	bool has_ip = false, inner_pad = false;
	int cur = level;	/* level + 1 once past this level's geneve */

	if (L->eth.present) {
		if (L->eth.off != pos || !add_seg(c, LK_ETH, level, pos, 14))
			goto rest;
		pos += 14;
		for (int v = 0; v < L->eth.nvlan && v < GNV_MAX_VLANS; v++) {
			if (!add_seg(c, LK_VLAN, level, pos, 4))
				goto rest;
			pos += 4;
		}
	}
	if (L->arp.present) {
		if (L->arp.off != pos || !add_seg(c, LK_ARP, level, pos, 28))
			goto rest;
		pos += 28;
		goto rest;
	}
	if (L->ip.version == 4 || L->ip.version == 6) {
		const uint8_t *p = pk->data + pos;
		uint32_t hdr = L->ip.hdr_size, claimed;
		struct seg *s;

		if (L->ip.off != pos || (L->ip.version == 4 ? hdr < 20 || (hdr - 20) % 4 :
					 hdr < 40 || (hdr - 40) % 8))
			goto rest;
		if (!add_seg(c, L->ip.version == 4 ? LK_IPV4 : LK_IPV6, level, pos, hdr))
			goto rest;
		s = &c->s[c->n - 1];
		s->ip = &L->ip;
		claimed = L->ip.version == 4 ? gnv_be16(p + 2) : 40u + gnv_be16(p + 4);
		if (claimed >= hdr && pos + claimed <= lend)
			end = pos + claimed;
		s->ext_end = end;
		has_ip = true;
		pos += hdr;
		if (geneve && L->ip.proto == 47 && !L->ip.fragment && pk->is_geneve &&
		    (pk->tun.kind == GNV_TUN_GRE || pk->tun.kind == GNV_TUN_NVGRE) &&
		    pk->gnv.off == pos) {
			tunnel_segs(c, level, &pos, end, &cur, &inner_pad);
			goto rest;
		}
		if (L->ip.fragment || !L->l4.proto || L->l4.off != pos)
			goto rest;
		switch (L->l4.proto) {
		case 17:
			if (!add_seg(c, LK_UDP, level, pos, 8))
				goto rest;
			break;
		case 6:
			if (L->l4.doff < 20 || L->l4.doff % 4 || !add_seg(c, LK_TCP, level, pos, L->l4.doff))
				goto rest;
			break;
		case 1: case 58:
			if (!add_seg(c, L->l4.proto == 1 ? LK_ICMP : LK_ICMP6, level, pos, 8))
				goto rest;
			break;
		default:
			goto rest;
		}
		c->s[c->n - 1].l4 = &L->l4;
		pos += c->s[c->n - 1].size;
		if (geneve && L->l4.proto == 6 && pk->is_geneve && pk->tun.kind == GNV_TUN_STT &&
		    pk->gnv.off == pos && !pk->tun.stt_cont)
			tunnel_segs(c, level, &pos, end, &cur, &inner_pad);
		if (geneve && L->l4.proto == 17 && pk->is_geneve && pk->gnv.off == pos &&
		    pk->tun.kind != GNV_TUN_GRE && pk->tun.kind != GNV_TUN_NVGRE)
			tunnel_segs(c, level, &pos, end, &cur, &inner_pad);
	}
rest:
	add_data(c, LK_PAYLOAD, cur, pos, end);
	if (has_ip && end < lend) {
		if (c->n && c->s[c->n - 1].level > level && !inner_pad)
			add_data(c, LK_PAD, level + 1, end, end);	/* close the inner level */
		add_data(c, LK_PAD, level, end, lend);
		return true;
	}
	return false;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

static struct gnv_csum_spec *csum_member(struct gnv_layer *l, int *fi)
{
	switch (l->kind) {
	case LK_IPV4: *fi = F_IP4_CSUM; return &l->u.ip4.csum;
	case LK_UDP: *fi = F_UDP_CSUM; return &l->u.udp.csum;
	case LK_TCP: *fi = F_TCP_CSUM; return &l->u.tcp.csum;
	case LK_ICMP: case LK_ICMP6: *fi = F_ICMP_CSUM; return &l->u.icmp.csum;
	case LK_GRE:
		if (!GNV_ISSET(l, F_GRE_CSUM))
			break;
		*fi = F_GRE_CSUM;
		return &l->u.gre.csum;
	default: break;
	}
	*fi = -1;
	return NULL;
}

static inline uint64_t wire_get(const uint8_t *p, const struct gnv_lfield *f)
{
	const uint8_t *q = p + f->woff;
	uint64_t w;

	switch (f->wsize) {
	case 1: w = q[0]; break;
	case 2: w = gnv_be16(q); break;
	case 4: w = gnv_be32(q); break;
	default:
		w = 0;
		for (unsigned int k = 0; k < f->wsize && k < 8; k++)
			w = w << 8 | q[k];
		break;
	}
	return f->wbits ? (w >> f->wshift) & ((1ull << f->wbits) - 1) : w;
}

static inline uint64_t mem_get(const uint8_t *m, uint8_t type)
{
	uint16_t x16;
	uint32_t x32;

	switch (type) {
	case FT_U16: case FT_TCPFLAGS: memcpy(&x16, m, 2); return x16;
	case FT_U32: memcpy(&x32, m, 4); return x32;
	default: return *m;
	}
}

static inline void mem_put(uint8_t *m, uint8_t type, uint64_t v)
{
	uint16_t x16 = (uint16_t)v;
	uint32_t x32 = (uint32_t)v;

	switch (type) {
	case FT_U16: case FT_TCPFLAGS: memcpy(m, &x16, 2); break;
	case FT_U32: memcpy(m, &x32, 4); break;
	default: *m = (uint8_t)v; break;
	}
}

/*
 * Spec from the segments: the first 'keep' structured, the rest one
 * payload.  explicit: every field set (lengths, checksums, ports too).
 */
static int spec_from_segs(const struct fctx *c, struct gnv_spec *spec, int keep, bool explicit)
{
	const struct gnv_pkt *pk = c->pk;
	const uint8_t *d = pk->data;
	struct gnv_layer res[GNV_SPEC_MAX_LAYERS];
	uint32_t off[GNV_SPEC_MAX_LAYERS], size[GNV_SPEC_MAX_LAYERS], end[GNV_SPEC_MAX_LAYERS];
	int n = keep < c->n ? keep : c->n;

	/* gnv_spec_init(), clearing only the layers filled below */
	spec->nlayer = 0;
	spec->pool_used = 0;
	memset(spec->l, 0, (size_t)(n + 1 < GNV_SPEC_MAX_LAYERS ? n + 1 : GNV_SPEC_MAX_LAYERS) *
	       sizeof(spec->l[0]));
	for (int i = 0, lv = 0; i < n; i++) {
		const struct seg *s = &c->s[i];
		struct gnv_layer *l = &spec->l[i];
		const uint8_t *p = d + s->off;

		l->kind = s->kind;
		l->level = (uint8_t)lv;	/* as the parser will count it */
		if (gnv_lkind_is_tunnel(s->kind))
			lv++;
		l->pos = (uint8_t)(i + 1);
		off[i] = s->off;
		size[i] = s->size;
		switch (s->kind) {
		case LK_IPV4:
			if (gnv_spec_add_bytes(spec, &l->u.ip4.opts, p + 20, s->size - 20))
				return -ENOSPC;
			break;
		case LK_IPV6:
			if (gnv_spec_add_bytes(spec, &l->u.ip6.ext, p + 40, s->size - 40))
				return -ENOSPC;
			break;
		case LK_TCP:
			if (gnv_spec_add_bytes(spec, &l->u.tcp.opts, p + 20, s->size - 20))
				return -ENOSPC;
			break;
		case LK_GENEVE:
			if (gnv_spec_add_bytes(spec, &l->u.gnv.opts, p + 8, s->size - 8))
				return -ENOSPC;
			break;
		case LK_GRE: {
			/* the optional words: set before the defaults, which
			 * then give the flags they imply */
			uint16_t fl = gnv_be16(p);
			const uint8_t *q = p + 4;

			if (fl & 0x8000) {
				l->u.gre.rsvd1 = gnv_be16(q + 2);
				l->set |= 1ull << F_GRE_CSUM;
				if (l->u.gre.rsvd1)
					l->set |= 1ull << F_GRE_RSVD1;
				q += 4;
			}
			if (fl & 0x2000) {
				l->u.gre.key = gnv_be32(q);
				l->set |= 1ull << F_GRE_KEY;
				q += 4;
			}
			if (fl & 0x1000) {
				l->u.gre.seq = gnv_be32(q);
				l->set |= 1ull << F_GRE_SEQ;
			}
			break;
		}
		case LK_GUE:
			if (s->size > 4 && gnv_spec_add_bytes(spec, &l->u.gue.ext, p + 4, s->size - 4))
				return -ENOSPC;
			if (s->size > 4)
				l->set |= 1ull << F_GUE_EXT;
			break;
		case LK_PAYLOAD: case LK_PAD:
			l->u.data.len = (uint16_t)s->size;
			if (all_zero(p, s->size)) {
				if (s->size)
					l->set |= 1ull << F_DATA_LEN;
			} else {
				if (gnv_spec_add_bytes(spec, &l->u.data.data, p, s->size))
					return -ENOSPC;
				l->set |= 1ull << F_DATA_HEX;
			}
			break;
		default:
			break;
		}
	}
	spec->nlayer = (uint8_t)n;
	{
		/* everything after the structured layers, verbatim */
		uint32_t from = n ? c->s[n - 1].off + c->s[n - 1].size : 0;
		struct gnv_layer *l = &spec->l[n];

		if (from < pk->caplen) {
			if (n >= GNV_SPEC_MAX_LAYERS)
				return -ENOSPC;
			memset(l, 0, sizeof(*l));
			l->kind = LK_PAYLOAD;
			l->level = n ? spec->l[n - 1].level : 0;
			if (n && gnv_lkind_is_tunnel(spec->l[n - 1].kind))
				l->level++;
			l->u.data.len = (uint16_t)(pk->caplen - from);
			if (gnv_spec_add_bytes(spec, &l->u.data.data, d + from, pk->caplen - from))
				return -ENOSPC;
			l->set |= 1ull << F_DATA_HEX;
			off[n] = from;
			size[n] = pk->caplen - from;
			spec->nlayer = (uint8_t)++n;
		}
	}
	/* defaults first (from a spec with no values), then the packet's values */
	if (!n) {
		/* an empty frame */
		spec->nlayer = 1;
		spec->l[0].kind = LK_PAYLOAD;
		return 0;
	}
	if (gnv_spec_resolve(spec, res, NULL, 0))
		return -EINVAL;
	gnv_extents(res, n, off, size, pk->caplen, end);
	for (int i = 0; i < n; i++) {
		struct gnv_layer *l = &spec->l[i];
		const struct gnv_ldesc *dsc = &gnv_lang_layers[l->kind];
		const struct seg *s = i < c->n ? &c->s[i] : NULL;
		const uint8_t *p = d + off[i];
		struct gnv_csum_spec *cs;
		int fi;

		if (l->kind == LK_PAYLOAD || l->kind == LK_PAD)
			continue;
		/* read each wire field, and keep it when it is not the default */
		for (fi = 0; fi < dsc->nf; fi++) {
			const struct gnv_lfield *f = &dsc->f[fi];
			uint8_t *a = (uint8_t *)l + f->moff;
			const uint8_t *b = (const uint8_t *)&res[i] + f->moff;
			bool differ;
			uint64_t v;

			if ((f->flags & (FF_ALIAS | FF_NOVARY)) || !f->wsize)
				continue;
			if (f->woff < 0 && off[i] < (uint32_t)-f->woff)
				continue;
			/* GUE variant 1 has no header: its first bits are the IP's */
			if (l->kind == LK_GUE && !size[i] && fi != F_GUE_VER)
				continue;
			if (f->type == FT_MAC || f->type == FT_IP4 || f->type == FT_IP6) {
				memcpy(a, p + f->woff, f->wsize);
				/* fixed sizes: compiled inline, not a memcmp call */
				differ = f->wsize == 4 ? memcmp(a, b, 4) != 0 :
					 f->wsize == 6 ? memcmp(a, b, 6) != 0 :
					 f->wsize == 16 ? memcmp(a, b, 16) != 0 :
					 memcmp(a, b, f->wsize) != 0;
			} else {
				v = wire_get(p, f);
				mem_put(a, f->type, v);
				if (f->type == FT_CRIT)
					differ = v != (res[i].u.gnv.crit == GNV_CRIT_AUTO ?
						       gnv_opt_any_critical(spec->pool + l->u.gnv.opts.off,
									     l->u.gnv.opts.size) : res[i].u.gnv.crit);
				else
					differ = v != mem_get(b, f->type);
			}
			if (differ || explicit)
				l->set |= 1ull << fi;
		}
		/* the ARP sender MAC defaults to the eth source as the packet has
		 * it (build.c), not to the eth layer's own default */
		if (l->kind == LK_ARP && !explicit)
			for (int j = i - 1; j >= 0; j--)
				if (spec->l[j].kind == LK_ETH) {
					if (memcmp(p + 8, d + off[j] + 6, 6))
						l->set |= 1ull << F_ARP_SHA;
					else
						l->set &= ~(1ull << F_ARP_SHA);
					break;
				}
		/* lengths: only when they disagree with the bytes that follow */
		{
			uint32_t ext = end[i] - off[i];

			if (l->kind == LK_IPV4 && !explicit && gnv_be16(p + 2) == ext)
				l->set &= ~(1ull << F_IP4_LEN);
			if (l->kind == LK_IPV6 && !explicit && ext >= 40 && gnv_be16(p + 4) == ext - 40)
				l->set &= ~(1ull << F_IP6_PLEN);
			if (l->kind == LK_UDP && !explicit && gnv_be16(p + 4) == ext)
				l->set &= ~(1ull << F_UDP_LEN);
		}
		/* the outer source port: only when it is not the flow hash */
		if (l->kind == LK_UDP && i + 1 < n && gnv_lkind_is_udp_tunnel(spec->l[i + 1].kind) &&
		    !explicit) {
			uint32_t in = off[i + 1] + size[i + 1];
			uint16_t h;

			if (in <= end[i]) {
				if (!pk->nerr && pk->is_geneve && in == pk->gnv.inner_off &&
				    (pk->inner.eth.present || pk->inner.ip.version))
					h = flow_sport(flow_hash_layers(&pk->inner, 0));
				else
					h = gnv_flow_sport_of(d + in, end[i] - in,
							      spec->l[i + 1].kind == LK_VXLAN ? 0x6558 :
							      spec->l[i + 1].kind == LK_GPE ?
							      gnv_gpe_ethertype(d[off[i + 1] + 3]) :
							      spec->l[i + 1].kind == LK_GUE ?
							      gnv_layer_inner_type(&res[i + 1]) :
							      gnv_be16(d + off[i + 1] + 2));
				if (h == l->u.udp.sport)
					l->set &= ~(1ull << F_UDP_SPORT);
				else
					l->set |= 1ull << F_UDP_SPORT;
			}
		}
		cs = csum_member(l, &fi);
		if (cs && fi >= 0) {
			uint32_t coff = l->kind == LK_IPV4 ? 10 : l->kind == LK_UDP ? 6 :
					l->kind == LK_TCP ? 16 : l->kind == LK_GRE ? 4 : 2;
			enum gnv_csum_state st = GNV_CSUM_NA;

			if (s && s->ip)
				st = s->ip->hcsum_state;
			if (s && s->l4)
				st = s->l4->csum_state;
			if (l->kind == LK_GRE && off[i] == pk->gnv.off)
				st = pk->tun.gre_csum_state;
			cs->val = gnv_be16(p + coff);
			cs->mode = GNV_CS_SET;
			if (st == GNV_CSUM_ZERO && l->kind == LK_UDP)
				cs->mode = GNV_CS_ZERO;
			/* 0xffff verifies like 0x0000 (ones' complement -0), but the
			 * builder writes 0x0000 outside UDP: keep it explicit */
			if (explicit || st != GNV_CSUM_OK || (cs->val == 0xffff && l->kind != LK_UDP))
				l->set |= 1ull << fi;
			else if (l->kind == LK_GRE)
				cs->mode = GNV_CS_AUTO;	/* present (the C flag), computed */
		}
		if (l->kind == LK_VXLAN && !explicit) {
			/* the default flags follow gbp= */
			if (l->u.vx.flags == (GNV_ISSET(l, F_VX_GBP) ? 0x88 : 0x08))
				l->set &= ~(1ull << F_VX_FLAGS);
			else
				l->set |= 1ull << F_VX_FLAGS;
		}
		if (l->kind == LK_GENEVE && !explicit && l->u.gnv.optlen * 4u == l->u.gnv.opts.size)
			l->set &= ~(1ull << F_GNV_OPTLEN);
		if (l->kind == LK_GENEVE && l->u.gnv.opts.size)
			l->set |= 1ull << F_GNV_OPT;
		if (l->kind == LK_IPV4 && l->u.ip4.opts.size)
			l->set |= 1ull << F_IP4_OPTS;
		if (l->kind == LK_TCP && l->u.tcp.opts.size)
			l->set |= 1ull << F_TCP_OPTS;
		if (l->kind == LK_IPV6 && l->u.ip6.ext.size)
			l->set |= 1ull << F_IP6_EXT;
	}
	return 0;
}

static void collect(struct fctx *c, const struct gnv_pkt *pk)
{
	/* add_seg() writes each segment whole: s[] needs no clearing */
	c->n = 0;
	c->odd = false;
	c->pk = pk;
	if (pk->outer.eth.present || pk->outer.ip.version) {
		bool start_ok = pk->outer.eth.present ? pk->outer.eth.off == 0 : pk->outer.ip.off == 0;

		if (start_ok)
			level_segs(c, &pk->outer, 0, 0, pk->caplen, true);
		else
			c->odd = true;
	}
	if (!c->n)
		add_data(c, LK_PAYLOAD, 0, 0, pk->caplen);
}

int gnv_spec_from_pkt(const struct gnv_pkt *pk, struct gnv_spec *spec)
{
	struct fctx c;

	collect(&c, pk);
	return spec_from_segs(&c, spec, c.n, false);
}

/*
 * Does the text of spec build back to the frame?  The text is printed and
 * parsed again, so what is checked is exactly what the reader gets.
 */
static bool builds_to(const struct gnv_spec *spec, const struct gnv_pkt *pk, uint8_t *buf,
		      struct gnv_spec *again, struct sbuf *tb, struct gnv_lang_ctx *ctx)
{
	size_t n;

	sbuf_reset(tb);
	spec_print(spec, tb, ctx);
	if (tb->oom)
		return false;
	gnv_spec_init(again, spec->genv_class);
	again->optreg = spec->optreg;
	again->tlvmap = ctx ? ctx->tlvmap : NULL;
	if (gnv_lang_parse(sbuf_str(tb), again, NULL, 0))
		return false;
	if (gnv_build(again, buf, GNV_FRAME_MAX, &n))
		return false;
	return n == pk->caplen && !memcmp(buf, pk->data, n);
}

static int format(const struct gnv_pkt *pk, struct sbuf *sb, struct gnv_spec *spec,
		  struct gnv_spec *again, uint8_t *buf, struct gnv_lang_ctx *ctx)
{
	struct sbuf tb = SBUF_INIT;
	struct fctx c;
	bool ok = false;

	if (pk->caplen > GNV_FRAME_MAX)
		return -ENOSPC;
	/* spec_from_segs() initialises the rest */
	spec->genv_class = pk->genv_class ? pk->genv_class : GENV_CLASS_DEFAULT;
	spec->optreg = pk->optreg;
	collect(&c, pk);
	if (!spec_from_segs(&c, spec, c.n, false))
		ok = (!pk->nerr && !c.odd) || builds_to(spec, pk, buf, again, &tb, ctx);
	for (int keep = c.n; !ok && keep >= 0; keep--) {
		gnv_spec_init(spec, spec->genv_class);
		spec->optreg = pk->optreg;
		ok = !spec_from_segs(&c, spec, keep, true) &&
		     builds_to(spec, pk, buf, again, &tb, ctx);
	}
	sbuf_free(&tb);
	if (!ok) {
		/* last resort: the whole frame as bytes */
		struct gnv_layer *l = &spec->l[0];

		gnv_spec_init(spec, spec->genv_class);
		spec->nlayer = 1;
		l->kind = LK_PAYLOAD;
		if (gnv_spec_add_bytes(spec, &l->u.data.data, pk->data, pk->caplen))
			return -ENOSPC;
		l->set |= 1ull << F_DATA_HEX;
	}
	spec_print(spec, sb, ctx);
	return 0;
}

int gnv_lang_format(const struct gnv_pkt *pk, struct sbuf *sb)
{
	struct gnv_spec spec, again;
	uint8_t buf[GNV_FRAME_MAX];

	return format(pk, sb, &spec, &again, buf, NULL);
}

int gnv_lang_format_ctx(struct gnv_lang_ctx *ctx, const struct gnv_pkt *pk, struct sbuf *sb)
{
	if (!ctx)
		return gnv_lang_format(pk, sb);
	return format(pk, sb, &ctx->spec, &ctx->again, ctx->buf, ctx);
}
