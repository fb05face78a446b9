/* SPDX-License-Identifier: MIT */
/*
 * genv filter expressions (see filter.h).  The text is split into tokens
 * that remember where they came from; a small parser builds a tree whose
 * leaves are genv terms or runs of libpcap tokens; every subtree without
 * a genv term is then folded back into one libpcap leaf holding the exact
 * source text of that subtree, so libpcap parses its own syntax.
 *
 * Layer: libcore; calls the decoded packet (pkt.h), num, msg, libc and
 * libpcap (pcap_compile, pcap_offline_filter): the one libcore module that
 * uses a library besides libc, because pcap filter syntax is libpcap's.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"
#include "msg.h"
#include "num.h"
#include "optreg.h"

enum fkind {
	F_AND, F_OR, F_NOT,	/* a, b children */
	F_PCAP,			/* text */
	F_VNI, F_OPT, F_CRIT, F_OAM, F_HOST, F_PORT, F_MALFORMED, F_ERROR,
	F_NET,			/* inner/outer host or net: addr, plen, dir */
	F_PROTO,		/* inner L4 protocol v */
	F_TCPFLAGS,		/* inner TCP: (flags & mask) == set */
	F_ETHER,		/* inner Ethernet address mac, dir */
	F_OPTNAME,		/* an option with registry name oname */
	F_FIELD,		/* oname.field OP value */
	F_TUNNEL,		/* vxlan, gpe, gre, nvgre, gue, stt: bit per enum gnv_tun_kind in v
			 * ('geneve' is libpcap's word, as 'geneve and tcp') */
};

static const struct { const char *word; uint32_t kinds; } tunnel_words[] = {
	{ "vxlan", 1u << GNV_TUN_VXLAN | 1u << GNV_TUN_GPE },
	{ "gpe", 1u << GNV_TUN_GPE },
	{ "gre", 1u << GNV_TUN_GRE | 1u << GNV_TUN_NVGRE },
	{ "nvgre", 1u << GNV_TUN_NVGRE },
	{ "gue", 1u << GNV_TUN_GUE },
	{ "stt", 1u << GNV_TUN_STT },
};

#define MAX_RANGES	8

enum { DIR_ANY, DIR_SRC, DIR_DST };
enum { OP_EQ, OP_NE, OP_LT, OP_LE, OP_GT, OP_GE };

struct fnode {
	enum fkind kind;
	int a, b;		/* children (node indexes) */
	int t0, t1;		/* token span [t0, t1) in the source */
	uint32_t v;		/* error code, class, protocol */
	int type;		/* option type, -1 any */
	struct gnv_addr addr;
	uint8_t plen;		/* F_NET prefix length */
	uint8_t dir;		/* DIR_* */
	bool outer;		/* F_NET, F_PORT: the outer headers */
	uint8_t nr;		/* F_VNI, F_PORT ranges */
	uint32_t lo[MAX_RANGES], hi[MAX_RANGES];
	uint16_t set, mask;	/* F_TCPFLAGS */
	uint8_t mac[6];
	uint8_t op;		/* F_FIELD: OP_* */
	const char *oname;	/* F_OPTNAME, F_FIELD: registry name (static) */
	char field[24];		/* F_FIELD */
	uint64_t u;		/* F_FIELD number */
	bool is_addr, is_mac;	/* F_FIELD value kind */
	char *text;		/* F_PCAP */
	struct bpf_program prog;
	bool compiled;
	enum fkind was;		/* F_PCAP: the kind it was folded from */
};

struct tok {
	size_t off, len;
};

struct gnv_filter {
	char *src;
	struct tok *tok;
	int ntok;
	struct fnode *n;
	int nn, cap;
	int root;		/* -1: match everything */
	char *capture;
	bool has_genv, has_pcap;
	const struct gnv_optreg *optreg;	/* option names from an options file */
	/* parser state */
	int pos;
	char *err;
	size_t errsz;
	size_t *errpos;
};

static void ferr_at(struct gnv_filter *f, int t, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* An error at token t (the end of the text when t is past the last token). */
static void ferr_at(struct gnv_filter *f, int t, const char *fmt, ...)
{
	va_list ap;

	/* the first error is the one to report */
	if (!f->err || !f->errsz || f->err[0])
		return;
	if (f->errpos)
		*f->errpos = t >= 0 && t < f->ntok ? f->tok[t].off : strlen(f->src);
	va_start(ap, fmt);
	gnv_verrf(f->err, f->errsz, 0, fmt, ap);
	va_end(ap);
}

#define ferr(f, ...)	ferr_at((f), (f)->pos, __VA_ARGS__)

static bool is_field_tok(const struct gnv_filter *f, int i);

static bool is_op_char(char c)
{
	return c == '(' || c == ')' || c == '!';
}

static int tokenize(struct gnv_filter *f)
{
	const char *s = f->src;
	size_t i = 0, n = strlen(s);
	int cap = 16;

	f->tok = malloc((size_t)cap * sizeof(*f->tok));
	if (!f->tok)
		return -ENOMEM;
	while (i < n) {
		size_t start, len;

		if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
			i++;
			continue;
		}
		start = i;
		if ((s[i] == '&' && s[i + 1] == '&') || (s[i] == '|' && s[i + 1] == '|')) {
			len = 2;
		} else if (s[i] == '!' && s[i + 1] == '=') {
			len = 2;	/* libpcap's != stays one token */
		} else if (is_op_char(s[i])) {
			len = 1;
		} else {
			while (i < n && s[i] != ' ' && s[i] != '\t' && s[i] != '\n' &&
			       s[i] != '\r' && s[i] != '(' && s[i] != ')' &&
			       !(s[i] == '!' && s[i + 1] != '=') &&
			       !(s[i] == '&' && s[i + 1] == '&') &&
			       !(s[i] == '|' && s[i + 1] == '|'))
				i++;
			len = i - start;
		}
		i = start + len;
		if (f->ntok == cap) {
			struct tok *t = realloc(f->tok, (size_t)cap * 2 * sizeof(*t));

			if (!t)
				return -ENOMEM;
			f->tok = t;
			cap *= 2;
		}
		f->tok[f->ntok].off = start;
		f->tok[f->ntok].len = len;
		f->ntok++;
	}
	return 0;
}

static bool tok_is(const struct gnv_filter *f, int i, const char *w)
{
	if (i < 0 || i >= f->ntok)
		return false;
	return f->tok[i].len == strlen(w) &&
	       !strncmp(f->src + f->tok[i].off, w, f->tok[i].len);
}

/* The token as a NUL-terminated string in a caller buffer (for messages and numbers). */
static const char *tok_str(const struct gnv_filter *f, int i, char *buf, size_t n)
{
	size_t len;

	if (i >= f->ntok) {
		snprintf(buf, n, "end of filter");
		return buf;
	}
	len = f->tok[i].len < n - 1 ? f->tok[i].len : n - 1;
	memcpy(buf, f->src + f->tok[i].off, len);
	buf[len] = 0;
	return buf;
}

static bool is_and(const struct gnv_filter *f, int i)
{
	return tok_is(f, i, "and") || tok_is(f, i, "&&");
}

static bool is_or(const struct gnv_filter *f, int i)
{
	return tok_is(f, i, "or") || tok_is(f, i, "||");
}

static bool is_not(const struct gnv_filter *f, int i)
{
	return tok_is(f, i, "not") || tok_is(f, i, "!");
}

static bool is_genv_word(const struct gnv_filter *f, int i)
{
	static const char *const words[] = {
		"vni", "opt", "critical", "oam", "inner", "outer", "malformed", "error", NULL,
	};

	for (const char *const *w = words; *w; w++)
		if (tok_is(f, i, *w))
			return true;
	/* 'ip proto gre' is libpcap's protocol name */
	for (size_t k = 0; k < sizeof(tunnel_words) / sizeof(tunnel_words[0]); k++)
		if (tok_is(f, i, tunnel_words[k].word) && !(i > 0 && tok_is(f, i - 1, "proto")))
			return true;
	return is_field_tok(f, i);
}

static int node_new(struct gnv_filter *f, enum fkind k, int t0)
{
	struct fnode *n;

	if (f->nn == f->cap) {
		int cap = f->cap ? f->cap * 2 : 16;

		n = realloc(f->n, (size_t)cap * sizeof(*n));
		if (!n) {
			ferr(f, "out of memory");
			return -1;
		}
		f->n = n;
		f->cap = cap;
	}
	n = &f->n[f->nn];
	memset(n, 0, sizeof(*n));
	n->kind = k;
	n->a = n->b = -1;
	n->t0 = t0;
	n->t1 = t0;
	n->type = -1;
	return f->nn++;
}

static int parse_expr(struct gnv_filter *f, int depth);

/* Edit distance with transpositions of two short words (for "did you mean"). */
static int distance(const char *x, const char *y)
{
	size_t nx = strlen(x), ny = strlen(y);
	int d[33][33];

	if (nx > 32 || ny > 32)
		return 99;
	for (size_t i = 0; i <= nx; i++)
		d[i][0] = (int)i;
	for (size_t j = 0; j <= ny; j++)
		d[0][j] = (int)j;
	for (size_t i = 1; i <= nx; i++)
		for (size_t j = 1; j <= ny; j++) {
			int best = d[i - 1][j - 1] + (x[i - 1] != y[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && x[i - 1] == y[j - 2] && x[i - 2] == y[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	return d[nx][ny];
}

/* The closest of words to w, or NULL when none is close. */
static const char *closest(const char *w, const char *const *words)
{
	const char *best = NULL;
	int bd = strlen(w) > 4 ? 3 : 2;	/* closer than: 1 edit for short words, 2 else */

	for (; *words; words++) {
		int d = distance(w, *words);

		if (d < bd) {
			bd = d;
			best = *words;
		}
	}
	return best;
}

/* "'w' is not one of ...": names the word and suggests a close one. */
static void ferr_word(struct gnv_filter *f, int t, const char *what,
		      const char *const *words, const char *expect)
{
	char buf[64];
	const char *w = tok_str(f, t, buf, sizeof(buf)), *near = t < f->ntok ? closest(w, words) : NULL;

	if (near)
		ferr_at(f, t, "%s must be followed by %s, not '%s' (did you mean '%s'?)",
			what, expect, w, near);
	else
		ferr_at(f, t, "%s must be followed by %s, not '%s'", what, expect, w);
}

/* One number of a list, for messages naming the token. */
static int list_num(struct gnv_filter *f, const char *what, const char *s, uint64_t max,
		    uint32_t *out)
{
	uint64_t v;
	int ret = num_parse_u64(s, 0, max, &v);

	if (ret == -ERANGE) {
		ferr(f, "%s: '%s' is out of range (0-%llu)", what, s, (unsigned long long)max);
		return -1;
	}
	if (ret) {
		ferr(f, "%s: '%s' is not a number", what, s);
		return -1;
	}
	*out = (uint32_t)v;
	return 0;
}

/* N, N-M, and comma lists of them ("100-200", "5,7,10-12"). */
static int parse_ranges(struct gnv_filter *f, const char *what, uint64_t max, struct fnode *n)
{
	char buf[128], *p, *next, *dash;

	if (f->pos >= f->ntok) {
		ferr(f, "'%s' needs a value", what);
		return -1;
	}
	tok_str(f, f->pos, buf, sizeof(buf));
	n->nr = 0;
	for (p = buf; p; p = next) {
		next = strchr(p, ',');
		if (next)
			*next++ = 0;
		if (n->nr == MAX_RANGES) {
			ferr(f, "%s: at most %d values or ranges", what, MAX_RANGES);
			return -1;
		}
		dash = strchr(p, '-');
		if (dash && dash != p)
			*dash++ = 0;
		else
			dash = NULL;
		if (list_num(f, what, p, max, &n->lo[n->nr]))
			return -1;
		n->hi[n->nr] = n->lo[n->nr];
		if (dash) {
			if (list_num(f, what, dash, max, &n->hi[n->nr]))
				return -1;
			if (n->hi[n->nr] < n->lo[n->nr]) {
				ferr(f, "%s: range '%s-%s' ends before it starts", what, p, dash);
				return -1;
			}
		}
		n->nr++;
	}
	f->pos++;
	return 0;
}

static bool in_ranges(const struct fnode *n, uint32_t v)
{
	for (unsigned int i = 0; i < n->nr; i++)
		if (v >= n->lo[i] && v <= n->hi[i])
			return true;
	return false;
}

/* A registry name ("ovn", "gcp.vnid", or one from an options file), or NULL. */
static const char *opt_name(const struct gnv_filter *f, const char *s, size_t len)
{
	return gnv_opt_name_reg(f->optreg, s, len);
}

static int parse_opt_arg(struct gnv_filter *f, struct fnode *n)
{
	char buf[64], *colon;
	uint64_t v;

	if (f->pos >= f->ntok) {
		ferr(f, "'opt' needs CLASS[:TYPE] or an option name");
		return -1;
	}
	tok_str(f, f->pos, buf, sizeof(buf));
	if ((n->oname = opt_name(f, buf, strlen(buf)))) {
		n->kind = F_OPTNAME;
		f->pos++;
		return 0;
	}
	colon = strchr(buf, ':');
	if (colon)
		*colon = 0;
	if (num_parse_u64(buf, 0, 0xffff, &v)) {
		const char *near = closest(buf, gnv_opt_names);

		if (near)
			ferr(f, "opt: '%s' is not an option class or name (did you mean '%s'?)", buf, near);
		else
			ferr(f, "opt: '%s' is not an option class (0-0xffff) or name", buf);
		return -1;
	}
	n->v = (uint32_t)v;
	if (colon) {
		if (num_parse_u64(colon + 1, 0, 0xff, &v)) {
			ferr(f, "opt: '%s' is not an option type (0-0xff)", colon + 1);
			return -1;
		}
		n->type = (int)v;
	}
	f->pos++;
	return 0;
}

/* Is token i NAME.FIELD of a registered option? */
static bool is_field_tok(const struct gnv_filter *f, int i)
{
	const char *s, *dot;
	size_t len;

	if (i < 0 || i >= f->ntok)
		return false;
	s = f->src + f->tok[i].off;
	len = f->tok[i].len;
	dot = memrchr(s, '.', len);
	return dot && opt_name(f, s, (size_t)(dot - s)) != NULL;
}

static const char *const op_words[] = { "==", "!=", "<", "<=", ">", ">=", NULL };

static int parse_field(struct gnv_filter *f, struct fnode *n)
{
	char buf[128], *dot;

	tok_str(f, f->pos, buf, sizeof(buf));
	dot = strrchr(buf, '.');
	n->oname = opt_name(f, buf, (size_t)(dot - buf));
	if (!gnv_opt_has_field_reg(f->optreg, n->oname, dot + 1) || strlen(dot + 1) >= sizeof(n->field)) {
		ferr(f, "'%s': option '%s' has no field '%s' (see genv-options(7))", buf,
		     n->oname, dot + 1);
		return -1;
	}
	/* NOLINTNEXTLINE(clang-analyzer-security.insecureAPI.strcpy): length checked above */
	strcpy(n->field, dot + 1);
	f->pos++;
	n->op = 255;
	for (int k = 0; op_words[k]; k++)
		if (tok_is(f, f->pos, op_words[k]))
			n->op = (uint8_t)k;
	if (n->op == 255) {
		char got[64];

		ferr(f, "'%s' needs a comparison (== != < <= > >=), not '%s'", buf,
		     tok_str(f, f->pos, got, sizeof(got)));
		return -1;
	}
	f->pos++;
	if (f->pos >= f->ntok) {
		ferr(f, "'%s' needs a value", op_words[n->op]);
		return -1;
	}
	tok_str(f, f->pos, buf, sizeof(buf));
	if (!parse_mac(buf, n->mac)) {
		n->is_mac = true;
	} else {
		int fam;

		if (!parse_ip(buf, &fam, n->addr.a)) {
			n->is_addr = true;
			n->addr.family = (uint8_t)fam;
		} else if (num_parse_u64(buf, 0, UINT64_MAX, &n->u)) {
			/* an enum name ("premium") */
			if (strlen(buf) >= 24 || !buf[0]) {
				ferr(f, "'%s' is not a number, address or name", buf);
				return -1;
			}
			n->text = strdup(buf);
			if (!n->text) {
				ferr(f, "out of memory");
				return -1;
			}
		}
	}
	if ((n->is_mac || n->is_addr || n->text) && n->op != OP_EQ && n->op != OP_NE) {
		ferr(f, "'%s' compares only with == or !=", buf);
		return -1;
	}
	f->pos++;
	return 0;
}

static const char *const inner_words[] = {
	"host", "src", "dst", "net", "port", "tcp", "udp", "icmp", "icmp6", "ether", NULL,
};
static const char *const outer_words[] = {
	"host", "src", "dst", "net", "port", "sport", "dport", NULL,
};

/* "host A" / "net CIDR" into n (kind F_NET); f->pos is at host/net. */
static int parse_addr(struct gnv_filter *f, struct fnode *n, const char *what)
{
	bool net = tok_is(f, f->pos, "net");
	char buf[128], *slash = NULL;
	unsigned int max;
	int fam;
	uint32_t plen;

	f->pos++;
	tok_str(f, f->pos, buf, sizeof(buf));
	if (net && (slash = strchr(buf, '/')))
		*slash++ = 0;
	if (f->pos >= f->ntok || parse_ip(buf, &fam, n->addr.a)) {
		ferr(f, "%s %s: '%s' is not an IPv4 or IPv6 %s", what, net ? "net" : "host",
		     buf, net ? "prefix" : "address");
		return -1;
	}
	n->kind = F_NET;
	n->addr.family = (uint8_t)fam;
	max = fam == 6 ? 128 : 32;
	n->plen = (uint8_t)max;
	if (slash) {
		if (list_num(f, "prefix length", slash, max, &plen))
			return -1;
		n->plen = (uint8_t)plen;
	}
	f->pos++;
	return 0;
}

/* F_TCPFLAGS: "S", "SA", "S/SA" (set within mask), "syn,ack". */
static int parse_tcpflags(struct gnv_filter *f, struct fnode *n)
{
	static const char letters[] = "FSRPAUEC";
	static const char *const names[] = { "fin", "syn", "rst", "psh", "ack", "urg", "ece", "cwr", NULL };
	char buf[64], *slash;
	uint16_t *dst;

	if (f->pos >= f->ntok) {
		ferr(f, "'flags' needs TCP flags (e.g. S, SA, S/SA, syn,ack)");
		return -1;
	}
	tok_str(f, f->pos, buf, sizeof(buf));
	slash = strchr(buf, '/');
	if (slash)
		*slash++ = 0;
	for (int part = 0; part < 2; part++) {
		char *p = part ? slash : buf, *next;

		if (!p)
			break;
		dst = part ? &n->mask : &n->set;
		if (!*p)
			goto bad;
		for (; p; p = next) {
			next = strchr(p, ',');
			if (next)
				*next++ = 0;
			int k;

			for (k = 0; names[k] && strcmp(names[k], p); k++)
				;
			if (names[k]) {
				*dst |= (uint16_t)(1u << k);
				continue;
			}
			for (char *c = p; *c; c++) {
				const char *l = strchr(letters, *c);

				if (!l)
					goto bad;
				*dst |= (uint16_t)(1u << (l - letters));
			}
			if (!*p)
				goto bad;
		}
	}
	if (!slash)
		n->mask = n->set;
	else if (n->set & ~n->mask) {
		ferr(f, "flags: '%s' sets flags outside the mask", tok_str(f, f->pos, buf, sizeof(buf)));
		return -1;
	}
	f->pos++;
	return 0;
bad:
	ferr(f, "flags: '%s' is not TCP flags (letters FSRPAUEC or names fin,syn,rst,psh,ack,urg,ece,cwr)",
	     tok_str(f, f->pos, buf, sizeof(buf)));
	return -1;
}

/* After 'inner' or 'outer': [src|dst] host|net|port, proto, ether, flags. */
static int parse_layer(struct gnv_filter *f, struct fnode *n, bool outer)
{
	const char *what = outer ? "outer" : "inner";
	char buf[64];

	n->outer = outer;
	if (outer && (tok_is(f, f->pos, "sport") || tok_is(f, f->pos, "dport"))) {
		n->dir = tok_is(f, f->pos, "sport") ? DIR_SRC : DIR_DST;
		n->kind = F_PORT;
		f->pos++;
		return parse_ranges(f, n->dir == DIR_SRC ? "outer sport" : "outer dport", 0xffff, n);
	}
	if (!outer && tok_is(f, f->pos, "ether")) {
		f->pos++;
		n->kind = F_ETHER;
		if (tok_is(f, f->pos, "src") || tok_is(f, f->pos, "dst")) {
			n->dir = tok_is(f, f->pos, "src") ? DIR_SRC : DIR_DST;
			f->pos++;
		}
		if (tok_is(f, f->pos, "host"))
			f->pos++;
		tok_str(f, f->pos, buf, sizeof(buf));
		if (f->pos >= f->ntok || parse_mac(buf, n->mac)) {
			ferr(f, "inner ether: '%s' is not a MAC address", buf);
			return -1;
		}
		f->pos++;
		return 0;
	}
	if (!outer) {
		static const struct { const char *w; uint8_t proto; } protos[] = {
			{ "tcp", 6 }, { "udp", 17 }, { "icmp", 1 }, { "icmp6", 58 },
		};

		for (size_t k = 0; k < sizeof(protos) / sizeof(protos[0]); k++) {
			if (!tok_is(f, f->pos, protos[k].w))
				continue;
			f->pos++;
			n->v = protos[k].proto;
			n->kind = F_PROTO;
			if (n->v == 6 && tok_is(f, f->pos, "flags")) {
				f->pos++;
				n->kind = F_TCPFLAGS;
				return parse_tcpflags(f, n);
			}
			return 0;
		}
	}
	if (tok_is(f, f->pos, "src") || tok_is(f, f->pos, "dst")) {
		n->dir = tok_is(f, f->pos, "src") ? DIR_SRC : DIR_DST;
		f->pos++;
		if (!tok_is(f, f->pos, "host") && !tok_is(f, f->pos, "net") &&
		    !tok_is(f, f->pos, "port")) {
			static const char *const dir_words[] = { "host", "net", "port", NULL };

			ferr_word(f, f->pos, n->dir == DIR_SRC ? "'src'" : "'dst'", dir_words,
				  "'host', 'net' or 'port'");
			return -1;
		}
	}
	if (tok_is(f, f->pos, "host") || tok_is(f, f->pos, "net"))
		return parse_addr(f, n, what);
	if (tok_is(f, f->pos, "port")) {
		n->kind = F_PORT;
		f->pos++;
		return parse_ranges(f, outer ? "outer port" : "inner port", 0xffff, n);
	}
	ferr_word(f, f->pos, outer ? "'outer'" : "'inner'", outer ? outer_words : inner_words,
		  outer ? "host, net, port, sport or dport" :
			  "host, net, port, tcp, udp, icmp, icmp6 or ether");
	return -1;
}

static int parse_genv(struct gnv_filter *f)
{
	int t0 = f->pos, i;
	struct fnode *n;
	char buf[128];
	enum fkind k = F_HOST;

	if (tok_is(f, t0, "vni"))
		k = F_VNI;
	else if (tok_is(f, t0, "opt"))
		k = F_OPT;
	else if (tok_is(f, t0, "critical"))
		k = F_CRIT;
	else if (tok_is(f, t0, "oam"))
		k = F_OAM;
	else if (tok_is(f, t0, "malformed"))
		k = F_MALFORMED;
	else if (tok_is(f, t0, "error"))
		k = F_ERROR;
	else if (is_field_tok(f, t0))
		k = F_FIELD;
	for (size_t w = 0; w < sizeof(tunnel_words) / sizeof(tunnel_words[0]); w++)
		if (tok_is(f, t0, tunnel_words[w].word))
			k = F_TUNNEL;
	i = node_new(f, k, t0);
	if (i < 0)
		return -1;
	n = &f->n[i];
	if (k != F_FIELD)
		f->pos++;
	switch (n->kind) {
	case F_VNI:
		if (parse_ranges(f, "vni", 0xffffff, n))
			return -1;
		break;
	case F_TUNNEL:
		for (size_t w = 0; w < sizeof(tunnel_words) / sizeof(tunnel_words[0]); w++)
			if (tok_is(f, t0, tunnel_words[w].word))
				n->v = tunnel_words[w].kinds;
		break;
	case F_OPT:
		if (parse_opt_arg(f, n))
			return -1;
		break;
	case F_FIELD:
		if (parse_field(f, n))
			return -1;
		break;
	case F_ERROR: {
		int code;

		if (f->pos >= f->ntok) {
			ferr(f, "'error' needs an error code (e.g. geneve.opt_len)");
			return -1;
		}
		code = gnv_err_lookup(tok_str(f, f->pos, buf, sizeof(buf)));
		if (code < 0) {
			ferr(f, "error: '%s' is not an error code (see genv-decode(1), ERRORS)", buf);
			return -1;
		}
		n->v = (uint32_t)code;
		f->pos++;
		break;
	}
	case F_HOST:	/* inner or outer */
		if (parse_layer(f, n, tok_is(f, t0, "outer")))
			return -1;
		break;
	default:
		break;
	}
	f->n[i].t1 = f->pos;
	return i;
}

/* A run of libpcap tokens: up to and/or or an unmatched ')'. */
static int parse_pcap_run(struct gnv_filter *f)
{
	int t0 = f->pos, depth = 0, i;

	while (f->pos < f->ntok) {
		if (depth == 0 && (is_and(f, f->pos) || is_or(f, f->pos)))
			break;
		if (tok_is(f, f->pos, "(")) {
			depth++;
		} else if (tok_is(f, f->pos, ")")) {
			if (!depth)
				break;
			depth--;
		} else if (depth == 0 && f->pos > t0 && is_genv_word(f, f->pos)) {
			char buf[64];

			ferr(f, "'%s' must be joined to what precedes it with 'and' or 'or'",
			     tok_str(f, f->pos, buf, sizeof(buf)));
			return -1;
		}
		f->pos++;
	}
	if (f->pos == t0) {
		char buf[64];

		ferr(f, "expected a filter term before '%s'", tok_str(f, f->pos, buf, sizeof(buf)));
		return -1;
	}
	i = node_new(f, F_PCAP, t0);
	if (i >= 0)
		f->n[i].t1 = f->pos;
	return i;
}

static int parse_unary(struct gnv_filter *f, int depth)
{
	int t0 = f->pos, i, c;

	if (depth > 64) {
		ferr(f, "filter nested too deeply");
		return -1;
	}
	if (is_not(f, f->pos)) {
		f->pos++;
		c = parse_unary(f, depth + 1);
		if (c < 0)
			return -1;
		i = node_new(f, F_NOT, t0);
		if (i < 0)
			return -1;
		f->n[i].a = c;
		f->n[i].t1 = f->pos;
		return i;
	}
	if (tok_is(f, f->pos, "(")) {
		f->pos++;
		c = parse_expr(f, depth + 1);
		if (c < 0)
			return -1;
		if (!tok_is(f, f->pos, ")")) {
			ferr(f, "missing ')'");
			return -1;
		}
		f->pos++;
		/* widen the span to include the parentheses */
		f->n[c].t0 = t0;
		f->n[c].t1 = f->pos;
		return c;
	}
	if (is_genv_word(f, f->pos))
		return parse_genv(f);
	return parse_pcap_run(f);
}

/* not > and > or, as in C and Wireshark; each level groups left to right. */
static int parse_binary(struct gnv_filter *f, int depth, bool is_or_level)
{
	int t0 = f->pos, l = is_or_level ? parse_binary(f, depth, false) : parse_unary(f, depth);

	while (l >= 0 && (is_or_level ? is_or(f, f->pos) : is_and(f, f->pos))) {
		int r, i;

		f->pos++;
		r = is_or_level ? parse_binary(f, depth, false) : parse_unary(f, depth);
		if (r < 0)
			return -1;
		i = node_new(f, is_or_level ? F_OR : F_AND, t0);
		if (i < 0)
			return -1;
		f->n[i].a = l;
		f->n[i].b = r;
		f->n[i].t1 = f->pos;
		l = i;
	}
	return l;
}

static int parse_expr(struct gnv_filter *f, int depth)
{
	return parse_binary(f, depth, true);
}

static bool is_genv_kind(enum fkind k)
{
	return k >= F_VNI;
}

static char *span_text(const struct gnv_filter *f, int t0, int t1)
{
	size_t a = f->tok[t0].off, b = f->tok[t1 - 1].off + f->tok[t1 - 1].len;

	return strndup(f->src + a, b - a);
}

/* Fold genv-free subtrees into one libpcap leaf; returns whether i has genv terms. */
static int fold(struct gnv_filter *f, int i, bool *genv)
{
	struct fnode *n = &f->n[i];
	bool ga = false, gb = false;

	if (n->kind == F_PCAP) {
		*genv = false;
		n->was = F_PCAP;
		n->text = span_text(f, n->t0, n->t1);
		return n->text ? 0 : -ENOMEM;
	}
	if (is_genv_kind(n->kind)) {
		*genv = true;
		return 0;
	}
	if (n->a >= 0 && fold(f, n->a, &ga))
		return -ENOMEM;
	if (n->b >= 0 && fold(f, n->b, &gb))
		return -ENOMEM;
	n = &f->n[i];
	*genv = ga || gb;
	if (!*genv) {
		/*
		 * Written out again with the parentheses libpcap needs to group
		 * it as genv did: libpcap gives 'and' and 'or' one precedence.
		 */
		struct fnode *a = &f->n[n->a], *b = n->b >= 0 ? &f->n[n->b] : NULL;
		bool wa = n->kind == F_NOT ? a->was != F_PCAP && a->was != F_NOT :
			  n->kind == F_AND && a->was == F_OR;
		bool wb = b && b->was != F_PCAP && b->was != F_NOT;
		int r;

		if (n->kind == F_NOT)
			r = asprintf(&n->text, "not %s%s%s", wa ? "(" : "", a->text, wa ? ")" : "");
		else
			r = asprintf(&n->text, "%s%s%s %s %s%s%s", wa ? "(" : "", a->text,
				     wa ? ")" : "", n->kind == F_AND ? "and" : "or",
				     /* NOLINTNEXTLINE(clang-analyzer-core.NullDereference): 'and'/'or' have both operands */
				     wb ? "(" : "", b->text, wb ? ")" : "");
		if (r < 0)
			n->text = NULL;
		free(a->text);
		a->text = NULL;
		if (b) {
			free(b->text);
			b->text = NULL;
		}
		n->was = n->kind;
		n->kind = F_PCAP;
		n->a = n->b = -1;
		return n->text ? 0 : -ENOMEM;
	}
	return 0;
}

static void mark(struct gnv_filter *f, int i)
{
	struct fnode *n = &f->n[i];

	if (n->kind == F_PCAP)
		f->has_pcap = true;
	else if (is_genv_kind(n->kind))
		f->has_genv = true;
	if (n->a >= 0)
		mark(f, n->a);
	if (n->b >= 0)
		mark(f, n->b);
}

/* A libpcap filter implied by node i (every match satisfies it), or NULL. */
static char *capture_of(const struct gnv_filter *f, int i)
{
	const struct fnode *n = &f->n[i];
	char *a, *b, *r = NULL;

	switch (n->kind) {
	case F_PCAP:
		return strdup(n->text);
	case F_AND:
	case F_OR:
		a = capture_of(f, n->a);
		b = capture_of(f, n->b);
		if (a && b) {
			if (asprintf(&r, "(%s) %s (%s)", a,
				     n->kind == F_AND ? "and" : "or", b) < 0)
				r = NULL;
		} else if (n->kind == F_AND) {
			/* one side is a genv term: the other side still must hold */
			r = a ? a : b;
			return r;
		}
		free(a);
		free(b);
		return r;
	default:
		return NULL;
	}
}

int gnv_filter_parse(const char *text, struct gnv_filter **out,
		     char *err, size_t errsz)
{
	return gnv_filter_parse_at(text, out, err, errsz, NULL);
}

int gnv_filter_parse_at(const char *text, struct gnv_filter **out,
			char *err, size_t errsz, size_t *errpos)
{
	return gnv_filter_parse_reg(text, NULL, out, err, errsz, errpos);
}

int gnv_filter_parse_reg(const char *text, const struct gnv_optreg *reg, struct gnv_filter **out,
			 char *err, size_t errsz, size_t *errpos)
{
	struct gnv_filter *f = calloc(1, sizeof(*f));
	bool genv;
	int ret = -EINVAL;

	*out = NULL;
	if (err && errsz)
		err[0] = 0;
	if (!f || !(f->src = strdup(text ? text : ""))) {
		free(f);
		return gnv_errf(err, errsz, -ENOMEM, "out of memory");
	}
	f->err = err;
	f->errsz = errsz;
	f->errpos = errpos;
	f->optreg = reg;
	if (errpos)
		*errpos = 0;
	f->root = -1;
	if (tokenize(f)) {
		ferr(f, "out of memory");
		goto fail;
	}
	if (f->ntok) {
		f->root = parse_expr(f, 0);
		if (f->root < 0)
			goto fail;
		if (f->pos < f->ntok) {
			char buf[64];

			ferr(f, "unexpected '%s'", tok_str(f, f->pos, buf, sizeof(buf)));
			goto fail;
		}
		if (fold(f, f->root, &genv)) {
			ferr(f, "out of memory");
			goto fail;
		}
		mark(f, f->root);
		if (!f->has_genv) {
			/* pure libpcap: hand over the text exactly as written */
			free(f->n[f->root].text);
			f->n[f->root].text = strdup(f->src);
		}
		f->capture = capture_of(f, f->root);
	}
	f->err = NULL;
	*out = f;
	return 0;
fail:
	f->err = NULL;
	gnv_filter_free(f);
	return ret;
}

/* libpcap's message, and "did you mean" when a word is close to a genv keyword. */
static int pcap_error(const char *text, const char *msg, char *err, size_t errsz)
{
	static const char *const words[] = {
		"vni", "opt", "critical", "oam", "inner", "outer", "malformed", "error", NULL,
	};
	char w[33];
	const char *near = NULL;

	for (const char *p = text; *p && !near;) {
		size_t len = strcspn(p, " \t()!");

		if (len && len < sizeof(w)) {
			memcpy(w, p, len);
			w[len] = 0;
			near = closest(w, words);
			if (near && !strcmp(near, w))
				near = NULL;
		}
		p += len;
		p += strspn(p, " \t()!");
	}
	if (near)
		return gnv_errf(err, errsz, -EINVAL, "'%s': %s (did you mean '%s'?)", text, msg, near);
	return gnv_errf(err, errsz, -EINVAL, "'%s': %s", text, msg);
}

size_t gnv_filter_caret(const char *text, size_t pos, char *buf, size_t n)
{
	size_t len = strlen(text), k = 0;

	if (!n)
		return 0;
	if (pos > len)
		pos = len;
	/* "  TEXT" (control bytes as spaces), then "  " and the caret under pos */
	for (size_t i = 0; i < 2 && k + 1 < n; i++)
		buf[k++] = ' ';
	for (size_t i = 0; i < len && k + 1 < n; i++)
		buf[k++] = (unsigned char)text[i] < 0x20 ? ' ' : text[i];
	for (size_t i = 0; i < pos + 3 && k + 1 < n; i++)
		buf[k++] = i == 0 ? '\n' : ' ';
	if (k + 1 < n)
		buf[k++] = '^';
	buf[k] = 0;
	return k;
}

int gnv_filter_compile(struct gnv_filter *f, int dlt, int snaplen,
		       char *err, size_t errsz)
{
	pcap_t *p;
	int ret = 0;

	if (!f || f->root < 0 || !f->has_pcap)
		return 0;
	p = pcap_open_dead(dlt, snaplen > 0 ? snaplen : 262144);
	if (!p)
		return gnv_errf(err, errsz, -ENOMEM, "cannot set up libpcap");
	for (int i = 0; i < f->nn; i++) {
		struct fnode *n = &f->n[i];

		if (n->kind != F_PCAP || !n->text)
			continue;
		if (n->compiled) {
			pcap_freecode(&n->prog);
			n->compiled = false;
		}
		if (pcap_compile(p, &n->prog, n->text, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			ret = pcap_error(n->text, pcap_geterr(p), err, errsz);
			break;
		}
		n->compiled = true;
	}
	pcap_close(p);
	return ret;
}

static bool prefix_eq(const uint8_t *x, const uint8_t *y, unsigned int plen)
{
	unsigned int bytes = plen / 8, bits = plen % 8;

	if (memcmp(x, y, bytes))
		return false;
	return !bits || !((x[bytes] ^ y[bytes]) & (0xff00 >> bits));
}

static bool net_match(const struct fnode *n, const struct gnv_layers *l)
{
	const struct gnv_ip *ip = &l->ip;

	if (ip->version) {
		if (ip->src.family != n->addr.family)
			return false;
		return (n->dir != DIR_DST && prefix_eq(ip->src.a, n->addr.a, n->plen)) ||
		       (n->dir != DIR_SRC && prefix_eq(ip->dst.a, n->addr.a, n->plen));
	}
	if (l->arp.present && n->addr.family == 4)
		return (n->dir != DIR_DST && prefix_eq(l->arp.spa, n->addr.a, n->plen)) ||
		       (n->dir != DIR_SRC && prefix_eq(l->arp.tpa, n->addr.a, n->plen));
	return false;
}

static bool cmp_u64(uint8_t op, uint64_t x, uint64_t y)
{
	switch (op) {
	case OP_EQ: return x == y;
	case OP_NE: return x != y;
	case OP_LT: return x < y;
	case OP_LE: return x <= y;
	case OP_GT: return x > y;
	default: return x >= y;
	}
}

static bool field_match(const struct fnode *n, const struct gnv_field *x)
{
	bool eq;

	switch (x->kind) {
	case GNV_F_UINT:
	case GNV_F_BOOL:
		return !n->is_addr && !n->is_mac && !n->text && cmp_u64(n->op, x->u, n->u);
	case GNV_F_ENUM:
		if (n->text)
			eq = x->s && !strcmp(x->s, n->text);
		else if (!n->is_addr && !n->is_mac)
			return cmp_u64(n->op, x->u, n->u);
		else
			return false;
		break;
	case GNV_F_IP4:
		if (!n->is_addr || n->addr.family != 4)
			return false;
		eq = !memcmp(x->b, n->addr.a, 4);
		break;
	case GNV_F_IP6:
		if (!n->is_addr || n->addr.family != 6)
			return false;
		eq = !memcmp(x->b, n->addr.a, 16);
		break;
	case GNV_F_MAC:
		if (!n->is_mac)
			return false;
		eq = !memcmp(x->b, n->mac, 6);
		break;
	default:
		return false;
	}
	return n->op == OP_EQ ? eq : !eq;
}

/* Any option named n->oname (whose field n->field compares true). */
static bool opt_match(const struct fnode *n, const struct gnv_pkt *pk)
{
	struct gnv_optinfo info;

	for (unsigned int k = 0; k < pk->gnv.nopt && k < GNV_MAX_OPTS; k++) {
		if (!gnv_opt_info(pk, &pk->gnv.opt[k], &info) || !info.name ||
		    strcmp(info.name, n->oname))
			continue;
		if (n->kind == F_OPTNAME)
			return true;
		for (unsigned int j = 0; j < info.nfield; j++)
			if (!strcmp(info.f[j].key, n->field) && field_match(n, &info.f[j]))
				return true;
	}
	return false;
}

static bool match(const struct gnv_filter *f, int i, const struct gnv_pkt *pk,
		  const struct pcap_pkthdr *h, const uint8_t *data)
{
	const struct fnode *n = &f->n[i];
	const struct gnv_layers *in = &pk->inner;

	switch (n->kind) {
	case F_AND:
		return match(f, n->a, pk, h, data) && match(f, n->b, pk, h, data);
	case F_OR:
		return match(f, n->a, pk, h, data) || match(f, n->b, pk, h, data);
	case F_NOT:
		return !match(f, n->a, pk, h, data);
	case F_PCAP:
		return n->compiled && h && data &&
		       pcap_offline_filter(&n->prog, h, data) != 0;
	case F_VNI:
		return pk->is_geneve && gnv_tun_has_vni(pk->tun.kind) && in_ranges(n, pk->gnv.vni);
	case F_TUNNEL:
		return pk->is_geneve && (n->v >> pk->tun.kind & 1);
	case F_OPT:
		if (!pk->is_geneve)
			return false;
		for (unsigned int k = 0; k < pk->gnv.nopt && k < GNV_MAX_OPTS; k++)
			if (pk->gnv.opt[k].cls == n->v &&
			    (n->type < 0 || pk->gnv.opt[k].type == n->type))
				return true;
		return false;
	case F_CRIT:
		return pk->is_geneve && (pk->gnv.crit || pk->gnv.any_critical);
	case F_OAM:
		return pk->is_geneve && pk->gnv.oam;
	case F_NET:
		return (n->outer || pk->is_geneve) && net_match(n, n->outer ? &pk->outer : in);
	case F_PORT: {
		const struct gnv_l4 *l4 = n->outer ? &pk->outer.l4 : &in->l4;

		if (!n->outer && !pk->is_geneve)
			return false;
		if (l4->proto != 6 && l4->proto != 17)
			return false;
		return (n->dir != DIR_DST && in_ranges(n, l4->sport)) ||
		       (n->dir != DIR_SRC && in_ranges(n, l4->dport));
	}
	case F_PROTO:
		return pk->is_geneve && in->ip.version && in->l4.proto == n->v;
	case F_TCPFLAGS:
		return pk->is_geneve && in->ip.version && in->l4.proto == 6 &&
		       (in->l4.flags & n->mask) == n->set;
	case F_ETHER:
		return pk->is_geneve && in->eth.present &&
		       ((n->dir != DIR_DST && !memcmp(in->eth.src, n->mac, 6)) ||
			(n->dir != DIR_SRC && !memcmp(in->eth.dst, n->mac, 6)));
	case F_OPTNAME:
	case F_FIELD:
		return pk->is_geneve && opt_match(n, pk);
	case F_HOST:	/* only while parsing */
		return false;
	case F_MALFORMED:
		return pk->status != GNV_OK;
	case F_ERROR:
		for (unsigned int k = 0; k < pk->nerr && k < GNV_MAX_ERRS; k++)
			if (pk->err[k].code == n->v)
				return true;
		return false;
	}
	return false;
}

bool gnv_filter_match(const struct gnv_filter *f, const struct gnv_pkt *pk,
		      const struct pcap_pkthdr *h, const uint8_t *data)
{
	if (!f || f->root < 0)
		return true;
	return match(f, f->root, pk, h, data);
}

const char *gnv_filter_capture(const struct gnv_filter *f)
{
	return f ? f->capture : NULL;
}

bool gnv_filter_has_genv(const struct gnv_filter *f)
{
	return f && f->has_genv;
}

bool gnv_filter_has_pcap(const struct gnv_filter *f)
{
	return f && f->has_pcap;
}

void gnv_filter_free(struct gnv_filter *f)
{
	if (!f)
		return;
	for (int i = 0; i < f->nn; i++) {
		free(f->n[i].text);
		if (f->n[i].compiled)
			pcap_freecode(&f->n[i].prog);
	}
	free(f->n);
	free(f->tok);
	free(f->src);
	free(f->capture);
	free(f);
}
