/* SPDX-License-Identifier: MIT */
/*
 * Options files (optfile.h): one layout a line, fields packed from the
 * first bit of the option data in order, into the same tables as the
 * built-in layouts (optreg.h), so decode, craft and filters treat
 * them alike.
 *
 * Layer: libcore; calls optreg, ovsnot (tlv-map lines), num, msg and libc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "msg.h"
#include "num.h"
#include "optfile.h"

#define NAME_MAX_LEN	31
#define KEY_MAX_LEN	23	/* the filter keeps field names in 24 bytes */
#define DESC_MAX_LEN	80

struct pstate {
	const char *fname;
	unsigned int line;
	char *err;
	size_t errsz;
};

static int perr(const struct pstate *ps, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int perr(const struct pstate *ps, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return gnv_errf(ps->err, ps->errsz, -EINVAL, "%s:%u: %s", ps->fname, ps->line, msg);
}

static bool name_ok(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > NAME_MAX_LEN || !(s[0] >= 'a' && s[0] <= 'z'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') ||
		      s[i] == '.' || s[i] == '_' || s[i] == '-'))
			return false;
	return s[n - 1] != '.';
}

static bool key_ok(const char *s, size_t n)
{
	if (!n || n > KEY_MAX_LEN || !((s[0] >= 'a' && s[0] <= 'z') || s[0] == '_'))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	/* the words every named option takes (gnv_opt_encode) */
	return !(n == 5 && !strncmp(s, "class", 5)) && !(n == 8 && !strncmp(s, "critical", 8));
}

static const struct {
	const char *name;
	enum gnv_fkind kind;
	unsigned int bits;	/* 0: any */
	bool bytes;		/* byte-aligned, whole bytes */
} formats[] = {
	{ "uint", GNV_F_UINT, 0, false },
	{ "bool", GNV_F_BOOL, 0, false },
	{ "hex", GNV_F_HEX, 0, true },
	{ "ip4", GNV_F_IP4, 32, true },
	{ "ip6", GNV_F_IP6, 128, true },
	{ "mac", GNV_F_MAC, 48, true },
};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

/* One "KEY:BITS[:FORMAT]" at bit *pos; f is filled unless the key is "-". */
static int parse_field(const struct pstate *ps, char *w, unsigned int *pos, struct fdesc *f,
		       bool *stored)
{
	char *c1 = strchr(w, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	uint64_t bits;
	size_t k = 0;
	unsigned int p = *pos, off, size;

	if (!c1)
		return perr(ps, "field '%s': expected KEY:BITS[:FORMAT]", w);
	*c1 = 0;
	if (c2)
		*c2 = 0;
	if (strcmp(w, "-") && !key_ok(w, strlen(w)))
		return perr(ps, "field '%s': a key is a-z, 0-9 and _ (at most %d), not class or critical",
			    w, KEY_MAX_LEN);
	if (num_parse_u64(c1 + 1, 1, 124 * 8, &bits))
		return perr(ps, "field '%s': '%s' is not a width in bits (1-992)", w, c1 + 1);
	if (c2) {
		for (k = 0; k < NFORMATS && strcmp(formats[k].name, c2 + 1); k++)
			;
		if (k == NFORMATS)
			return perr(ps, "field '%s': unknown format '%s' (uint, bool, hex, ip4, ip6, mac)",
				    w, c2 + 1);
	}
	if (p + bits > 124 * 8)
		return perr(ps, "field '%s': the data would pass 124 bytes", w);
	*pos = p + (unsigned int)bits;
	*stored = false;
	if (!strcmp(w, "-"))
		return 0;	/* reserved bits: zero on craft, not shown */
	off = p / 8;
	size = (p + (unsigned int)bits + 7) / 8 - off;
	if (formats[k].bits && bits != formats[k].bits)
		return perr(ps, "field '%s': %s is %u bits, not %u", w, formats[k].name,
			    formats[k].bits, (unsigned int)bits);
	if (formats[k].bytes && (p % 8 || bits % 8))
		return perr(ps, "field '%s': %s must be whole bytes from a byte boundary (bit %u)",
			    w, formats[k].name, p);
	if (!formats[k].bytes && size > 8)
		return perr(ps, "field '%s': %s spans %u bytes (a number fits in 8)", w, formats[k].name, size);
	memset(f, 0, sizeof(*f));
	f->key = w;
	f->kind = formats[k].kind;
	f->off = (uint8_t)off;
	f->size = (uint8_t)size;
	if (!formats[k].bytes) {
		f->shift = (uint8_t)(size * 8 - p % 8 - bits);
		f->mask = bits == size * 8 ? 0 : (1ull << bits) - 1;
	}
	*stored = true;
	return 0;
}

/* Split a line into words in place (a quoted word runs to its closing
 * quote); a '#' outside quotes ends the line.  Returns the word count. */
static int split(const struct pstate *ps, char *s, char **w, int maxw, bool *quoted_last)
{
	int n = 0;

	*quoted_last = false;
	for (;;) {
		while (*s == ' ' || *s == '\t' || *s == '\r')
			s++;
		if (!*s || *s == '#')
			return n;
		if (*quoted_last)
			return perr(ps, "the description must be the last word");
		if (n == maxw)
			return perr(ps, "too many words (at most %d fields)", GNV_MAX_FIELDS);
		if (*s == '"') {
			char *q = strchr(s + 1, '"');

			if (!q)
				return perr(ps, "unterminated description");
			*q = 0;
			w[n++] = s + 1;
			*quoted_last = true;
			s = q + 1;
			if (*s && *s != ' ' && *s != '\t' && *s != '\r')
				return perr(ps, "a space must follow the description");
			continue;
		}
		w[n++] = s;
		while (*s && *s != ' ' && *s != '\t' && *s != '\r' && *s != '#')
			s++;
		if (*s == '#')
			return perr(ps, "'#' inside a word");
		if (*s)
			*s++ = 0;
	}
}

static int parse_line(const struct pstate *ps, char *s, struct gnv_optreg *r, struct fdesc **fnext)
{
	char *w[3 + GNV_MAX_FIELDS + 8 + 1], none[1] = "";
	bool quoted = false;
	int nw, nf;
	struct layout *l = &r->l[r->n];
	const struct layout *b;
	struct fdesc *f = *fnext;
	unsigned int pos = 0, named = 0;
	uint64_t cls, type;

	for (size_t k = 0; k < sizeof(w) / sizeof(w[0]); k++)
		w[k] = none;	/* every slot a string, also past the words split() gives */
	nw = split(ps, s, w, (int)(sizeof(w) / sizeof(w[0])), &quoted);

	if (nw < 0)
		return nw;
	if (!nw)
		return 0;
	if (!strcmp(w[0], "tlv-map")) {
		/* tlv-map {class=C,type=T,len=L}->tun_metadataN[,...] (ovsnot.h) */
		char msg[200];

		if (nw != 2 || quoted)
			return perr(ps, "expected tlv-map {class=C,type=T,len=L}->tun_metadataN[,...]");
		if (gnv_tlvmap_parse(w[1], &r->tlvmap, msg, sizeof(msg)))
			return perr(ps, "tlv-map: %s", msg);
		return 0;
	}
	nf = nw - (quoted ? 1 : 0);
	if (nf < 3)
		return perr(ps, "expected NAME CLASS TYPE [FIELD:BITS[:FORMAT]]... [\"DESCRIPTION\"]");
	if (!name_ok(w[0]))
		return perr(ps, "'%s' is not a name (a letter, then a-z, 0-9, '.', '_', '-'; at most %d)", w[0], NAME_MAX_LEN);
	if (gnv_layout_builtin_named(w[0], strlen(w[0])))
		return perr(ps, "'%s' is a built-in option name", w[0]);
	for (unsigned int i = 0; i < r->n; i++)
		if (!strcmp(r->l[i].name, w[0]))
			return perr(ps, "'%s' is defined twice", w[0]);
	if (num_parse_u64(w[1], 0, 0xffff, &cls))
		return perr(ps, "'%s' is not an option class (0-0xffff)", w[1]);
	if (num_parse_u64(w[2], 0, 0xff, &type))
		return perr(ps, "'%s' is not an option type (0-0xff)", w[2]);
	/* a file layout matches with or without the critical bit */
	if ((b = gnv_layout_builtin((uint16_t)cls, (uint8_t)type)) ||
	    (b = gnv_layout_builtin((uint16_t)cls, (uint8_t)(type ^ 0x80))))
		return perr(ps, "class 0x%04x type 0x%02x (with or without the critical bit) is the built-in '%s'", (unsigned int)cls,
			    (unsigned int)type, b->name);
	for (unsigned int i = 0; i < r->n; i++)
		if (r->l[i].cls == cls && (r->l[i].type & 0x7f) == (type & 0x7f))
			return perr(ps, "class 0x%04x type 0x%02x is '%s' already", (unsigned int)cls,
				    (unsigned int)type, r->l[i].name);
	if (quoted && strlen(w[nw - 1]) > DESC_MAX_LEN)
		return perr(ps, "description longer than %d characters", DESC_MAX_LEN);
	for (int i = 3; i < nf; i++) {
		bool stored = false;
		int ret = parse_field(ps, w[i], &pos, &f[named], &stored);

		if (ret)
			return ret;
		if (!stored)
			continue;
		for (unsigned int k = 0; k < named; k++)
			if (!strcmp(f[k].key, f[named].key))
				return perr(ps, "field '%s' is given twice", f[named].key);
		if (++named > GNV_MAX_FIELDS)
			return perr(ps, "more than %d fields", GNV_MAX_FIELDS);
	}
	memset(&f[named], 0, sizeof(f[named]));	/* the run's end */
	memset(l, 0, sizeof(*l));
	l->cls = (uint16_t)cls;
	l->type = (uint8_t)type;
	l->type_mask = 0x7f;
	l->name = w[0];
	l->desc = quoted ? w[nw - 1] : "from an options file";
	l->min_size = l->max_size = (uint8_t)((pos + 31) / 32 * 4);
	l->sp = SP_NONE;
	l->f = f;
	r->names[r->n++] = w[0];
	*fnext = f + named + 1;
	return 0;
}

void gnv_optreg_free(struct gnv_optreg *reg)
{
	if (!reg)
		return;
	free(reg->l);
	free(reg->f);
	free(reg->names);
	free(reg->text);
	free(reg);
}

unsigned int gnv_optreg_count(const struct gnv_optreg *reg)
{
	return reg ? reg->n : 0;
}

int gnv_optfile_parse(const char *fname, const char *buf, size_t n,
		      struct gnv_optreg **out, char *err, size_t errsz)
{
	struct pstate ps = { .fname = fname, .line = 1, .err = err, .errsz = errsz };
	struct gnv_optreg *r;
	struct fdesc *fnext;
	size_t lines = 1;
	char *s;

	*out = NULL;
	if (n > GNV_OPTFILE_MAX)
		return gnv_errf(err, errsz, -EINVAL, "%s: larger than %u bytes", fname, GNV_OPTFILE_MAX);
	for (size_t i = 0; i < n; i++) {
		if (!buf[i]) {
			ps.line = (unsigned int)lines;
			return perr(&ps, "a NUL byte (not a text file)");
		}
		lines += buf[i] == '\n';
	}
	r = calloc(1, sizeof(*r));
	if (!r || !(r->text = malloc(n + 1)) || !(r->l = calloc(lines, sizeof(*r->l))) ||
	    !(r->names = calloc(lines + 1, sizeof(*r->names))) ||
	    !(r->f = calloc(lines * (GNV_MAX_FIELDS + 1), sizeof(*r->f)))) {
		gnv_optreg_free(r);
		return gnv_errf(err, errsz, -ENOMEM, "out of memory");
	}
	memcpy(r->text, buf, n);
	r->text[n] = 0;
	fnext = r->f;
	for (s = r->text; s; ps.line++) {
		char *nl = strchr(s, '\n');
		int ret;

		if (nl)
			*nl = 0;
		ret = parse_line(&ps, s, r, &fnext);
		if (ret) {
			gnv_optreg_free(r);
			return ret;
		}
		s = nl ? nl + 1 : NULL;
	}
	r->names[r->n] = NULL;
	*out = r;
	return 0;
}
