/* SPDX-License-Identifier: MIT */
/*
 * genv filter expressions (see filter.h).  The text is split into tokens
 * that remember where they came from; a small parser builds a tree whose
 * leaves are genv terms or runs of libpcap tokens; every subtree without
 * a genv term is then folded back into one libpcap leaf holding the exact
 * source text of that subtree, so libpcap parses its own syntax.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "filter.h"
#include "msg.h"
#include "num.h"

enum fkind {
	F_AND, F_OR, F_NOT,	/* a, b children */
	F_PCAP,			/* text */
	F_VNI, F_OPT, F_CRIT, F_OAM, F_HOST, F_PORT, F_MALFORMED, F_ERROR,
};

struct fnode {
	enum fkind kind;
	int a, b;		/* children (node indexes) */
	int t0, t1;		/* token span [t0, t1) in the source */
	uint32_t v;		/* vni, port, error code, class */
	int type;		/* option type, -1 any */
	struct gnv_addr addr;
	char *text;		/* F_PCAP */
	struct bpf_program prog;
	bool compiled;
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
	/* parser state */
	int pos;
	char *err;
	size_t errsz;
};

static void ferr(struct gnv_filter *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void ferr(struct gnv_filter *f, const char *fmt, ...)
{
	va_list ap;

	/* the first error is the one to report */
	if (!f->err || !f->errsz || f->err[0])
		return;
	va_start(ap, fmt);
	gnv_verrf(f->err, f->errsz, 0, fmt, ap);
	va_end(ap);
}

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
		"vni", "opt", "critical", "oam", "inner", "malformed", "error", NULL,
	};

	for (const char *const *w = words; *w; w++)
		if (tok_is(f, i, *w))
			return true;
	return false;
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

static int parse_num_tok(struct gnv_filter *f, const char *what, uint64_t max, uint32_t *out)
{
	char buf[64];
	uint64_t v;
	int ret;

	if (f->pos >= f->ntok) {
		ferr(f, "'%s' needs a value", what);
		return -1;
	}
	tok_str(f, f->pos, buf, sizeof(buf));
	ret = num_parse_u64(buf, 0, max, &v);
	if (ret == -ERANGE) {
		ferr(f, "%s: '%s' is out of range (0-%llu)", what, buf, (unsigned long long)max);
		return -1;
	}
	if (ret) {
		ferr(f, "%s: '%s' is not a number", what, buf);
		return -1;
	}
	*out = (uint32_t)v;
	f->pos++;
	return 0;
}

static int parse_opt_arg(struct gnv_filter *f, struct fnode *n)
{
	char buf[64], *colon;
	uint64_t v;

	if (f->pos >= f->ntok) {
		ferr(f, "'opt' needs CLASS[:TYPE]");
		return -1;
	}
	tok_str(f, f->pos, buf, sizeof(buf));
	colon = strchr(buf, ':');
	if (colon)
		*colon = 0;
	if (num_parse_u64(buf, 0, 0xffff, &v)) {
		ferr(f, "opt: '%s' is not an option class (0-0xffff)", buf);
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

static int parse_genv(struct gnv_filter *f)
{
	int t0 = f->pos, i;
	struct fnode *n;
	char buf[128];

	if (tok_is(f, t0, "vni"))
		i = node_new(f, F_VNI, t0);
	else if (tok_is(f, t0, "opt"))
		i = node_new(f, F_OPT, t0);
	else if (tok_is(f, t0, "critical"))
		i = node_new(f, F_CRIT, t0);
	else if (tok_is(f, t0, "oam"))
		i = node_new(f, F_OAM, t0);
	else if (tok_is(f, t0, "malformed"))
		i = node_new(f, F_MALFORMED, t0);
	else if (tok_is(f, t0, "error"))
		i = node_new(f, F_ERROR, t0);
	else if (tok_is(f, t0 + 1, "host"))
		i = node_new(f, F_HOST, t0);
	else if (tok_is(f, t0 + 1, "port"))
		i = node_new(f, F_PORT, t0);
	else {
		ferr(f, "'inner' must be followed by 'host' or 'port', not '%s'",
		     tok_str(f, t0 + 1, buf, sizeof(buf)));
		return -1;
	}
	if (i < 0)
		return -1;
	f->pos++;
	n = &f->n[i];
	switch (n->kind) {
	case F_VNI:
		if (parse_num_tok(f, "vni", 0xffffff, &n->v))
			return -1;
		break;
	case F_OPT:
		if (parse_opt_arg(f, n))
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
	case F_HOST: {
		int fam;

		f->pos++;
		if (f->pos >= f->ntok ||
		    parse_ip(tok_str(f, f->pos, buf, sizeof(buf)), &fam, n->addr.a)) {
			ferr(f, "inner host: '%s' is not an IPv4 or IPv6 address",
			     tok_str(f, f->pos, buf, sizeof(buf)));
			return -1;
		}
		n->addr.family = (uint8_t)fam;
		f->pos++;
		break;
	}
	case F_PORT:
		f->pos++;
		if (parse_num_tok(f, "inner port", 0xffff, &n->v))
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

static int parse_expr(struct gnv_filter *f, int depth)
{
	int t0 = f->pos, l = parse_unary(f, depth);

	while (l >= 0 && (is_and(f, f->pos) || is_or(f, f->pos))) {
		enum fkind k = is_and(f, f->pos) ? F_AND : F_OR;
		int r, i;

		f->pos++;
		r = parse_unary(f, depth);
		if (r < 0)
			return -1;
		i = node_new(f, k, t0);
		if (i < 0)
			return -1;
		f->n[i].a = l;
		f->n[i].b = r;
		f->n[i].t1 = f->pos;
		l = i;
	}
	return l;
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
		free(f->n[n->a].text);
		f->n[n->a].text = NULL;
		if (n->b >= 0) {
			free(f->n[n->b].text);
			f->n[n->b].text = NULL;
		}
		n->kind = F_PCAP;
		n->a = n->b = -1;
		n->text = span_text(f, n->t0, n->t1);
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

int gnv_filter_compile(struct gnv_filter *f, int dlt, int snaplen,
		       char *err, size_t errsz)
{
	pcap_t *p;
	int ret = 0;

	if (!f || f->root < 0 || !f->has_pcap)
		return 0;
	p = pcap_open_dead(dlt, snaplen > 0 ? snaplen : 262144);
	if (!p) {
		return gnv_errf(err, errsz, -ENOMEM, "cannot set up libpcap");
	}
	for (int i = 0; i < f->nn; i++) {
		struct fnode *n = &f->n[i];

		if (n->kind != F_PCAP || !n->text)
			continue;
		if (n->compiled) {
			pcap_freecode(&n->prog);
			n->compiled = false;
		}
		if (pcap_compile(p, &n->prog, n->text, 1, PCAP_NETMASK_UNKNOWN) < 0) {
			ret = gnv_errf(err, errsz, -EINVAL, "'%s': %s", n->text, pcap_geterr(p));
			break;
		}
		n->compiled = true;
	}
	pcap_close(p);
	return ret;
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
		return pk->is_geneve && pk->gnv.vni == n->v;
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
	case F_HOST:
		if (!pk->is_geneve)
			return false;
		if (in->ip.version)
			return gnv_addr_eq(&in->ip.src, &n->addr) || gnv_addr_eq(&in->ip.dst, &n->addr);
		if (in->arp.present && n->addr.family == 4)
			return !memcmp(in->arp.spa, n->addr.a, 4) ||
			       !memcmp(in->arp.tpa, n->addr.a, 4);
		return false;
	case F_PORT:
		return pk->is_geneve && (in->l4.proto == 6 || in->l4.proto == 17) &&
		       (in->l4.sport == n->v || in->l4.dport == n->v);
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
