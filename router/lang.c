/* SPDX-License-Identifier: MIT */
/*
 * The words of the router's command language (see lang.h): the lexer that
 * splits a line into words and the parsers of the values they hold, with
 * the messages that name a word by its position.
 * Layer: router; calls tables (lookups by name), libcore num.h and libc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "../libcore/msg.h"
#include "../libcore/num.h"
#include "lang.h"

const char *const rt_lang_ep_types[] = { "simple", "scaled", "proxied", "gateway", NULL };

int rt_lang_err(struct rt_cmd *c, const char *fmt, ...)
{
	char msg[RT_CMD_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, sizeof(c->err), "%s%s%s", c->name, c->name[0] ? ": " : "", msg);
	return -EINVAL;
}

/* An error about word i. */
int rt_lang_word_err(struct rt_cmd *c, int i, const char *fmt, ...)
{
	char msg[RT_CMD_ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i >= c->n)
		return rt_lang_err(c, "missing %s after word %d", msg, c->n ? c->pos[c->n - 1] : 0);
	return rt_lang_err(c, "word %d '%.64s': %s", c->pos[i], c->w[i], msg);
}

/* Errors from the tables already say what is wrong. */
int rt_lang_err_from(struct rt_cmd *c, int r, const char *msg)
{
	/* The tables refused the object: name its key word (the VNI, or the
	 * address, prefix or name after it), as every other refusal names one. */
	int i = c->n > 1 && (!strcmp(c->w[1], "ep") || !strcmp(c->w[1], "net") || !strcmp(c->w[1], "ns") ||
			     !strcmp(c->w[1], "policy")) ? 3 : 2;

	if (i >= c->n)
		i = c->n - 1;
	if (i >= 1)
		snprintf(c->err, sizeof(c->err), "%s: word %d '%.64s': %s", c->name, c->pos[i], c->w[i], msg);
	else
		snprintf(c->err, sizeof(c->err), "%s: %s", c->name, msg);
	return r;
}

int rt_lang_split(struct rt_cmd *c, const char *line)
{
	size_t len = strlen(line);
	char *p;
	int word = 0;

	if (len >= sizeof(c->buf))
		return rt_lang_err(c, "line longer than %d bytes", RT_LINE_MAX - 1);
	memcpy(c->buf, line, len + 1);
	c->n = 0;
	for (p = c->buf; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = 0;
		if (!*p || *p == '#')
			break;
		word++;
		if (c->n == RT_WORDS_MAX)
			return rt_lang_err(c, "more than %d words", RT_WORDS_MAX);
		c->pos[c->n] = word;
		c->w[c->n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	*p = 0;
	for (int i = 0; i < c->n; i++)
		if (gnv_ctl_byte(c->w[i], strlen(c->w[i])) >= 0)
			return rt_lang_word_err(c, i, "control character in the word");
	return 0;
}

bool rt_lang_is_word(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

void rt_lang_list_words(char *buf, size_t n, const char *const *list)
{
	size_t off = 0;

	buf[0] = 0;
	for (; *list && off < n; list++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? ", " : "", *list);
}

int rt_lang_unknown_kw(struct rt_cmd *c, int i, const char *const *kws)
{
	char list[200];

	rt_lang_list_words(list, sizeof(list), kws);
	return rt_lang_word_err(c, i, "unknown keyword (expected %s)", list);
}

/* ---- values ---- */

int rt_lang_u32(struct rt_cmd *c, int i, uint32_t min, uint32_t max, const char *what,
		uint32_t *v)
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "%s", what);
	if (num_parse_u32(c->w[i], min, max, v))
		return rt_lang_word_err(c, i, "%s must be a number %u..%u", what, min, max);
	return 0;
}

int rt_lang_ip(struct rt_cmd *c, int i, const char *what, int *family, uint8_t a[16])
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "%s", what);
	if (parse_ip(c->w[i], family, a))
		return rt_lang_word_err(c, i, "invalid IP address for %s", what);
	return 0;
}

int rt_lang_addr(struct rt_cmd *c, int i, const char *what, struct gnv_addr *a)
{
	int fam = 0;	/* rt_lang_ip leaves it unset on an error */
	int r = rt_lang_ip(c, i, what, &fam, a->a);

	a->family = (uint8_t)fam;
	return r;
}

int rt_lang_prefix(struct rt_cmd *c, int i, struct rt_prefix *p)
{
	char msg[RT_CMD_ERR_MAX];

	if (i >= c->n)
		return rt_lang_word_err(c, i, "prefix");
	if (rt_prefix_parse(c->w[i], p, msg, sizeof(msg)))
		return rt_lang_word_err(c, i, "%s", msg);
	return 0;
}

int rt_lang_mac(struct rt_cmd *c, int i, uint8_t mac[6])
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "MAC address");
	if (parse_mac(c->w[i], mac))
		return rt_lang_word_err(c, i, "invalid MAC address");
	return 0;
}

/* A VPC by VNI or name. */
/* A well-formed word naming nothing the router holds: a state error
 * (-ENOENT: exit 1 at the client), not a malformed command. */
static int missing(struct rt_cmd *c, int i, const char *what)
{
	rt_lang_word_err(c, i, "%s", what);
	return -ENOENT;
}

int rt_lang_vpc(struct rt_cmd *c, int i, bool must_exist, uint32_t *vni)
{
	const struct rt_tables *t = c->t;

	if (i >= c->n)
		return rt_lang_word_err(c, i, "VNI");
	if (c->w[i][0] >= '0' && c->w[i][0] <= '9') {
		if (num_parse_u32(c->w[i], RT_VNI_MIN, RT_VNI_MAX, vni))
			return rt_lang_word_err(c, i, "VNI must be a number %u..%u", RT_VNI_MIN,
						RT_VNI_MAX);
		if (must_exist && !rt_vpc_find(t, *vni))
			return missing(c, i, "no such VPC");
		return 0;
	}
	for (uint32_t k = 0; k < t->cfg.lim.max_vpcs; k++)
		if (t->cfg.vpc[k].used && !strcmp(t->cfg.vpc[k].name, c->w[i])) {
			*vni = t->cfg.vpc[k].vni;
			return 0;
		}
	return missing(c, i, "no VPC with this VNI or name");
}

int rt_lang_port(struct rt_cmd *c, int i, int *port)
{
	if (i >= c->n)
		return rt_lang_word_err(c, i, "port name");
	*port = rt_port_find(c->t, c->w[i]);
	if (*port < 0) {
		char what[64];

		snprintf(what, sizeof(what), "no such port (add it with 'add port %.16s')", c->w[i]);
		return missing(c, i, what);
	}
	return 0;
}

/* Index after the values of a list keyword at i: the words up to the next
 * keyword.  At least one value. */
int rt_lang_list_end(struct rt_cmd *c, int i, const char *const *kws, const char *what)
{
	int j = i + 1;

	while (j < c->n && !rt_lang_is_word(c->w[j], kws))
		j++;
	if (j == i + 1)
		return rt_lang_word_err(c, j, "%s after '%s'", what, c->w[i]);
	return j;
}

bool rt_lang_is_none(struct rt_cmd *c, int i, int end)
{
	return end == i + 2 && !strcmp(c->w[i + 1], "none");
}

/* See lang.h. */
int rt_lang_host_list(struct rt_cmd *c, int i, const char *const *kws, const char *what,
		      bool *seen, bool none_ok, struct gnv_addr *addrs, uint8_t *n,
		      unsigned int max)
{
	int end = rt_lang_list_end(c, i, kws, "host address");

	if (end < 0)
		return end;
	if (!*seen)
		*n = 0;
	*seen = true;
	if (none_ok && rt_lang_is_none(c, i, end))
		return end;
	for (int j = i + 1; j < end; j++) {
		int r;

		if (*n == max)
			return rt_lang_word_err(c, j, "more than %u %ss", max, what);
		r = rt_lang_addr(c, j, what, &addrs[*n]);
		if (r)
			return r;
		(*n)++;
	}
	return end;
}
