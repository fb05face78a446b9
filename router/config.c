/* SPDX-License-Identifier: MIT */
/*
 * The router's command language (see config.h): split a line into words,
 * parse it into a table spec, let the table check the spec as a whole,
 * call the runtime for anything outside the tables, then commit.  `show`
 * renders text or JSON from the same walk over the tables; `dump` prints
 * the commands that re-create the running configuration.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../libcore/cursor.h"
#include "../libcore/json.h"
#include "../libcore/num.h"
#include "../libcore/optreg.h"
#include "config.h"
#include "dropring.h"
#include "pipeline.h"

#define RT_LINE_MAX	8192
#define RT_WORDS_MAX	256
#define ERR_MAX		256

const char *const rt_cmd_verbs[] = { "add", "del", "set", "show", "clear", "dump", "drops", "mirror", NULL };
static const char *const change_verbs[] = { "add", "del", "set", "clear", NULL };
const char *const rt_cmd_objects[] = { "vpc", "net", "ep", "port", "host", NULL };
const char *const rt_show_topics[] = { "vpc", "net", "ep", "port", "host", "stats", "flows",
				       "drops", "config", "top", NULL };
static const char *const eptype_names[] = { "simple", "scaled", "proxied", "gateway", NULL };

struct cmd {
	struct rt_tables *t;
	const struct rt_runtime_ops *ops;
	int n;
	char *w[RT_WORDS_MAX];
	int pos[RT_WORDS_MAX];		/* word number in the line, 1-based */
	char name[32];			/* "add ep": prefix of messages */
	char err[2 * ERR_MAX];		/* the message returned */
	char msg[ERR_MAX];		/* from the tables and the runtime */
	char buf[RT_LINE_MAX];
};

__attribute__((format(printf, 2, 3)))
static int cerr(struct cmd *c, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(c->err, sizeof(c->err), "%s%s%s", c->name, c->name[0] ? ": " : "", msg);
	return -EINVAL;
}

/* An error about word i. */
__attribute__((format(printf, 3, 4)))
static int werr(struct cmd *c, int i, const char *fmt, ...)
{
	char msg[ERR_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i >= c->n)
		return cerr(c, "missing %s after word %d", msg, c->n ? c->pos[c->n - 1] : 0);
	return cerr(c, "word %d '%.64s': %s", c->pos[i], c->w[i], msg);
}

/* Errors from the tables already say what is wrong. */
static int terr(struct cmd *c, int r, const char *msg)
{
	snprintf(c->err, sizeof(c->err), "%s: %s", c->name, msg);
	return r;
}

static int split(struct cmd *c, const char *line)
{
	size_t len = strlen(line);
	char *p;
	int word = 0;

	if (len >= sizeof(c->buf))
		return cerr(c, "line longer than %d bytes", RT_LINE_MAX - 1);
	memcpy(c->buf, line, len + 1);
	c->n = 0;
	for (p = c->buf; *p;) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			*p++ = 0;
		if (!*p || *p == '#')
			break;
		word++;
		if (c->n == RT_WORDS_MAX)
			return cerr(c, "more than %d words", RT_WORDS_MAX);
		c->pos[c->n] = word;
		c->w[c->n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\n')
			p++;
	}
	*p = 0;
	for (int i = 0; i < c->n; i++)
		for (const char *q = c->w[i]; *q; q++)
			if ((unsigned char)*q < 0x20 || (unsigned char)*q == 0x7f)
				return werr(c, i, "control character in the word");
	return 0;
}

static bool is_word(const char *w, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(w, *list))
			return true;
	return false;
}

static void list_words(char *buf, size_t n, const char *const *list)
{
	size_t off = 0;

	buf[0] = 0;
	for (; *list && off < n; list++)
		off += (size_t)snprintf(buf + off, n - off, "%s%s", off ? ", " : "", *list);
}

static int unknown_kw(struct cmd *c, int i, const char *const *kws)
{
	char list[200];

	list_words(list, sizeof(list), kws);
	return werr(c, i, "unknown keyword (expected %s)", list);
}

/* ---- values ---- */

static int val_u32(struct cmd *c, int i, uint32_t min, uint32_t max, const char *what, uint32_t *v)
{
	if (i >= c->n)
		return werr(c, i, "%s", what);
	if (num_parse_u32(c->w[i], min, max, v))
		return werr(c, i, "%s must be a number %u..%u", what, min, max);
	return 0;
}

static int val_ip(struct cmd *c, int i, const char *what, int *family, uint8_t a[16])
{
	if (i >= c->n)
		return werr(c, i, "%s", what);
	if (parse_ip(c->w[i], family, a))
		return werr(c, i, "invalid IP address for %s", what);
	return 0;
}

static int val_addr(struct cmd *c, int i, const char *what, struct gnv_addr *a)
{
	int fam;
	int r = val_ip(c, i, what, &fam, a->a);

	a->family = (uint8_t)fam;
	return r;
}

static int val_prefix(struct cmd *c, int i, struct rt_prefix *p)
{
	char msg[ERR_MAX];

	if (i >= c->n)
		return werr(c, i, "prefix");
	if (rt_prefix_parse(c->w[i], p, msg, sizeof(msg)))
		return werr(c, i, "%s", msg);
	return 0;
}

static int val_mac(struct cmd *c, int i, uint8_t mac[6])
{
	if (i >= c->n)
		return werr(c, i, "MAC address");
	if (parse_mac(c->w[i], mac))
		return werr(c, i, "invalid MAC address");
	return 0;
}

/* A VPC by VNI or name. */
static int val_vpc(struct cmd *c, int i, bool must_exist, uint32_t *vni)
{
	const struct rt_tables *t = c->t;

	if (i >= c->n)
		return werr(c, i, "VNI");
	if (c->w[i][0] >= '0' && c->w[i][0] <= '9') {
		if (num_parse_u32(c->w[i], 0, RT_VNI_MAX, vni))
			return werr(c, i, "VNI must be a number 0..%u", RT_VNI_MAX);
		if (must_exist && !rt_vpc_find(t, *vni))
			return werr(c, i, "no such VPC");
		return 0;
	}
	for (uint32_t k = 0; k < t->lim.max_vpcs; k++)
		if (t->vpc[k].used && !strcmp(t->vpc[k].name, c->w[i])) {
			*vni = t->vpc[k].vni;
			return 0;
		}
	return werr(c, i, "no VPC with this VNI or name");
}

static int val_port(struct cmd *c, int i, int *port)
{
	if (i >= c->n)
		return werr(c, i, "port name");
	*port = rt_port_find(c->t, c->w[i]);
	if (*port < 0)
		return werr(c, i, "no such port (add it with 'add port %.16s')", c->w[i]);
	return 0;
}

/* Index after the values of a list keyword at i: the words up to the next
 * keyword.  At least one value. */
static int list_end(struct cmd *c, int i, const char *const *kws, const char *what)
{
	int j = i + 1;

	while (j < c->n && !is_word(c->w[j], kws))
		j++;
	if (j == i + 1)
		return werr(c, j, "%s after '%s'", what, c->w[i]);
	return j;
}

static bool is_none(struct cmd *c, int i, int end)
{
	return end == i + 2 && !strcmp(c->w[i + 1], "none");
}

/*
 * The host addresses after list keyword i ('divider', 'bouncer', 'host'),
 * up to the next keyword: the first time the keyword appears in a command
 * they replace the list (*seen tells); 'none' empties it where allowed.
 * Returns the index after the list, or a negative error.
 */
static int val_host_list(struct cmd *c, int i, const char *const *kws, const char *what,
			 bool *seen, bool none_ok, struct gnv_addr *addrs, uint8_t *n,
			 unsigned int max)
{
	int end = list_end(c, i, kws, "host address");

	if (end < 0)
		return end;
	if (!*seen)
		*n = 0;
	*seen = true;
	if (none_ok && is_none(c, i, end))
		return end;
	for (int j = i + 1; j < end; j++) {
		int r;

		if (*n == max)
			return werr(c, j, "more than %u %ss", max, what);
		r = val_addr(c, j, what, &addrs[*n]);
		if (r)
			return r;
		(*n)++;
	}
	return end;
}

/* ---- set host ---- */

static const char *const kw_host[] = { "addr", "id", "mac", "mtu", "dscp", "ttl", "rts", NULL };

static int cmd_set_host(struct cmd *c)
{
	struct rt_tables *t = c->t;
	struct rt_self_spec s;
	uint32_t v;
	int i, r;
	bool addr_changes;

	memset(&s, 0, sizeof(s));
	if (c->n == 2)
		return cerr(c, "nothing to set (expected addr, id, mac, mtu, dscp, ttl or rts)");
	for (i = 2; i < c->n; i += 2) {
		const char *k = c->w[i];

		if (!is_word(k, kw_host))
			return unknown_kw(c, i, kw_host);
		if (i + 1 >= c->n)
			return werr(c, i + 1, "value for '%s'", k);
		if (!strcmp(k, "addr")) {
			r = val_addr(c, i + 1, "addr", &s.addr);
			s.addr_set = true;
		} else if (!strcmp(k, "id")) {
			if (strlen(c->w[i + 1]) >= RT_NAME_MAX)
				return werr(c, i + 1, "id longer than %d characters", RT_NAME_MAX - 1);
			snprintf(s.id, sizeof(s.id), "%s", c->w[i + 1]);
			s.id_set = true;
			r = 0;
		} else if (!strcmp(k, "mac")) {
			r = val_mac(c, i + 1, s.mac);
			s.mac_set = true;
		} else if (!strcmp(k, "mtu")) {
			r = val_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &v);
			s.mtu = (uint16_t)v;
			s.mtu_set = true;
		} else if (!strcmp(k, "dscp")) {
			r = val_u32(c, i + 1, 0, 63, "dscp", &v);
			s.dscp = (uint8_t)v;
			s.dscp_set = true;
		} else if (!strcmp(k, "ttl")) {
			r = val_u32(c, i + 1, 1, 255, "ttl", &v);
			s.ttl = (uint8_t)v;
			s.ttl_set = true;
		} else {
			if (strcmp(c->w[i + 1], "on") && strcmp(c->w[i + 1], "off"))
				return werr(c, i + 1, "rts is 'on' or 'off'");
			s.rts = !strcmp(c->w[i + 1], "on");
			s.rts_set = true;
			r = 0;
		}
		if (r)
			return r;
	}
	r = rt_self_check(t, &s, c->msg, sizeof(c->msg));
	if (r)
		return terr(c, r, c->msg);
	addr_changes = s.addr_set && (!t->self.addr_set || t->self.addr.family != s.addr.family ||
				      memcmp(t->self.addr.a, s.addr.a, 16));
	if (addr_changes && c->ops && c->ops->host_addr) {
		r = c->ops->host_addr(c->ops->ctx, &s.addr, c->msg, sizeof(c->msg));
		if (r)
			return terr(c, r, c->msg);
	}
	r = rt_self_set(t, &s, c->msg, sizeof(c->msg));
	return r ? terr(c, r, c->msg) : 0;
}

/* ---- vpc ---- */

static const char *const kw_vpc[] = { "name", "cidr", "divider", NULL };

static int parse_vpc_words(struct cmd *c, int i, struct rt_vpc_spec *s, bool set)
{
	bool seen_name = false, seen_cidr = false, seen_div = false;
	int end, r;

	while (i < c->n) {
		const char *k = c->w[i];

		if (!strcmp(k, "name")) {
			if (seen_name)
				return werr(c, i, "given twice");
			seen_name = true;
			if (i + 1 >= c->n)
				return werr(c, i + 1, "VPC name");
			if (strlen(c->w[i + 1]) >= RT_NAME_MAX)
				return werr(c, i + 1, "name longer than %d characters", RT_NAME_MAX - 1);
			if (is_word(c->w[i + 1], kw_vpc))
				return werr(c, i + 1, "a keyword cannot be a name");
			snprintf(s->name, sizeof(s->name), "%s", c->w[i + 1]);
			i += 2;
		} else if (!strcmp(k, "cidr")) {
			end = list_end(c, i, kw_vpc, "prefix");
			if (end < 0)
				return end;
			if (!seen_cidr)
				s->ncidr = 0;
			seen_cidr = true;
			for (int j = i + 1; j < end; j++) {
				if (s->ncidr == RT_VPC_MAX_CIDRS)
					return werr(c, j, "more than %d cidrs", RT_VPC_MAX_CIDRS);
				r = val_prefix(c, j, &s->cidr[s->ncidr]);
				if (r)
					return r;
				s->ncidr++;
			}
			i = end;
		} else if (!strcmp(k, "divider")) {
			end = val_host_list(c, i, kw_vpc, "divider", &seen_div, set,
					    s->divider, &s->ndivider, RT_MAX_DIVIDERS);
			if (end < 0)
				return end;
			i = end;
		} else {
			return unknown_kw(c, i, kw_vpc);
		}
	}
	return 0;
}

static int cmd_vpc(struct cmd *c, const char *verb)
{
	struct rt_vpc_spec s;
	uint32_t vni;
	int r;

	if (!strcmp(verb, "add")) {
		memset(&s, 0, sizeof(s));
		r = val_u32(c, 2, 0, RT_VNI_MAX, "VNI", &vni);
		if (r)
			return r;
		s.vni = vni;
		r = parse_vpc_words(c, 3, &s, false);
		if (r)
			return r;
		if (!s.ncidr)
			return cerr(c, "missing 'cidr PREFIX' (a VPC needs at least one)");
		r = rt_vpc_add(c->t, &s, c->msg, sizeof(c->msg));
		return r ? terr(c, r, c->msg) : 0;
	}
	r = val_vpc(c, 2, true, &vni);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 3)
			return werr(c, 3, "unexpected word");
		r = rt_vpc_del(c->t, vni, c->msg, sizeof(c->msg));
		return r ? terr(c, r, c->msg) : 0;
	}
	if (c->n == 3)
		return cerr(c, "nothing to set (expected name, cidr or divider)");
	rt_vpc_to_spec(c->t, rt_vpc_find(c->t, vni), &s);
	r = parse_vpc_words(c, 3, &s, true);
	if (r)
		return r;
	r = rt_vpc_set(c->t, &s, c->msg, sizeof(c->msg));
	return r ? terr(c, r, c->msg) : 0;
}

/* ---- net ---- */

static const char *const kw_net[] = { "gw", "bouncer", NULL };

static int cmd_net(struct cmd *c, const char *verb)
{
	struct rt_net_spec s;
	struct rt_prefix p;
	bool seen_gw = false, seen_b = false;
	uint32_t vni;
	int i, end, r, fam;

	r = val_vpc(c, 2, true, &vni);
	if (r)
		return r;
	r = val_prefix(c, 3, &p);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 4)
			return werr(c, 4, "unexpected word");
		r = rt_net_del(c->t, vni, &p, c->msg, sizeof(c->msg));
		return r ? terr(c, r, c->msg) : 0;
	}
	if (!strcmp(verb, "add")) {
		memset(&s, 0, sizeof(s));
		s.vni = vni;
		s.p = p;
	} else {
		const struct rt_net *n = rt_net_find(c->t, vni, &p);

		if (!n)
			return werr(c, 3, "no such net in VPC %u", vni);
		if (c->n == 4)
			return cerr(c, "nothing to set (expected gw or bouncer)");
		rt_net_to_spec(c->t, n, &s);
	}
	for (i = 4; i < c->n;) {
		const char *k = c->w[i];

		if (!strcmp(k, "gw")) {
			if (seen_gw)
				return werr(c, i, "given twice");
			seen_gw = true;
			if (i + 1 < c->n && !strcmp(c->w[i + 1], "auto")) {
				s.gw_set = false;
			} else {
				r = val_ip(c, i + 1, "gw", &fam, s.gw);
				if (r)
					return r;
				if (fam != p.family)
					return werr(c, i + 1, "gateway and net differ in address family");
				s.gw_set = true;
			}
			i += 2;
		} else if (!strcmp(k, "bouncer")) {
			end = val_host_list(c, i, kw_net, "bouncer", &seen_b, !strcmp(verb, "set"),
					    s.bouncer, &s.nbouncer, RT_MAX_BOUNCERS);
			if (end < 0)
				return end;
			i = end;
		} else {
			return unknown_kw(c, i, kw_net);
		}
	}
	r = !strcmp(verb, "add") ? rt_net_add(c->t, &s, c->msg, sizeof(c->msg))
				 : rt_net_set(c->t, &s, c->msg, sizeof(c->msg));
	return r ? terr(c, r, c->msg) : 0;
}

/* ---- port ---- */

static int cmd_port(struct cmd *c, const char *verb)
{
	struct rt_tables *t = c->t;
	const char *name;
	uint32_t mtu = RT_DEFAULT_PORT_MTU;
	int idx, r;

	if (c->n < 3)
		return werr(c, 2, "port name");
	name = c->w[2];
	if (!strcmp(verb, "add") || !strcmp(verb, "set")) {
		bool seen = false;

		for (int i = 3; i < c->n; i += 2) {
			if (strcmp(c->w[i], "mtu"))
				return unknown_kw(c, i, (const char *const[]){ "mtu", NULL });
			if (seen)
				return werr(c, i, "given twice");
			seen = true;
			r = val_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &mtu);
			if (r)
				return r;
		}
		if (!strcmp(verb, "set")) {
			r = val_port(c, 2, &idx);
			if (r)
				return r;
			if (!seen)
				return cerr(c, "nothing to set (expected mtu)");
			if (mtu == t->port[idx].mtu)
				return 0;
			if (c->ops && c->ops->port_mtu) {
				r = c->ops->port_mtu(c->ops->ctx, idx, mtu, c->msg, sizeof(c->msg));
				if (r)
					return terr(c, r, c->msg);
			}
			r = rt_port_set_mtu(t, idx, mtu, c->msg, sizeof(c->msg));
			return r ? terr(c, r, c->msg) : 0;
		}
		r = rt_port_check(t, name, mtu, &idx, c->msg, sizeof(c->msg));
		if (r)
			return terr(c, r, c->msg);
		if (c->ops && c->ops->port_open) {
			r = c->ops->port_open(c->ops->ctx, idx, name, mtu, c->msg, sizeof(c->msg));
			if (r)
				return terr(c, r, c->msg);
		}
		r = rt_port_add(t, idx, name, mtu, c->msg, sizeof(c->msg));
		if (r && c->ops && c->ops->port_close)
			c->ops->port_close(c->ops->ctx, idx);
		return r ? terr(c, r, c->msg) : 0;
	}
	r = val_port(c, 2, &idx);
	if (r)
		return r;
	if (c->n > 3)
		return werr(c, 3, "unexpected word");
	r = rt_port_del_check(t, idx, c->msg, sizeof(c->msg));
	if (r)
		return terr(c, r, c->msg);
	rt_port_del(t, idx);
	if (c->ops && c->ops->port_close)
		c->ops->port_close(c->ops->ctx, idx);
	return 0;
}

/* ---- ep ---- */

static const char *const kw_ep[] = { "mac", "type", "port", "host", "label", "opt", "mtu", NULL };

static int parse_opt(struct cmd *c, int j, struct rt_ep_spec *s)
{
	uint8_t data[128];
	uint16_t cls;
	uint8_t type;
	size_t size;
	char msg[ERR_MAX];

	if (gnv_opt_encode(c->w[j], c->t->lim.genv_class, &cls, &type, data, &size, msg, sizeof(msg)))
		return werr(c, j, "%s", msg);
	if (size > 124 || (size & 3))
		return werr(c, j, "option data must be 0..124 bytes");
	if (s->opt_size + 4 + size > RT_OPT_SPACE)
		return werr(c, j, "options exceed %d bytes", RT_OPT_SPACE);
	gnv_put16(s->opts + s->opt_size, cls);
	s->opts[s->opt_size + 2] = type;
	s->opts[s->opt_size + 3] = (uint8_t)(size / 4);
	memcpy(s->opts + s->opt_size + 4, data, size);
	s->opt_size = (uint16_t)(s->opt_size + 4 + size);
	return 0;
}

static int cmd_ep(struct cmd *c, const char *verb)
{
	struct rt_ep_spec s;
	bool add = !strcmp(verb, "add");
	bool seen[8] = { 0 };
	uint8_t ip[16];
	uint32_t vni, v;
	int fam, i, end, r;

	r = val_vpc(c, 2, true, &vni);
	if (r)
		return r;
	r = val_ip(c, 3, "endpoint IP", &fam, ip);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 4)
			return werr(c, 4, "unexpected word");
		r = rt_ep_del(c->t, vni, fam, ip, c->msg, sizeof(c->msg));
		return r ? terr(c, r, c->msg) : 0;
	}
	if (add) {
		memset(&s, 0, sizeof(s));
		s.vni = vni;
		s.family = (uint8_t)fam;
		memcpy(s.ip, ip, 16);
		s.port = -1;
	} else {
		const struct rt_ep *e = rt_ep_find(c->t, vni, fam, ip);

		if (!e)
			return werr(c, 3, "no such endpoint in VPC %u", vni);
		if (c->n == 4)
			return cerr(c, "nothing to set (expected mac, type, port, host, label, opt or mtu)");
		rt_ep_to_spec(c->t, e, &s);
	}
	for (i = 4; i < c->n;) {
		const char *k = c->w[i];
		int kw;

		for (kw = 0; kw_ep[kw] && strcmp(kw_ep[kw], k); kw++)
			;
		if (!kw_ep[kw])
			return unknown_kw(c, i, kw_ep);
		/* list keywords may repeat ("host A host B"); the others may not */
		if (seen[kw] && kw != 3 && kw != 4 && kw != 5)
			return werr(c, i, "given twice");
		switch (kw) {
		case 0:		/* mac */
			r = val_mac(c, i + 1, s.mac);
			i += 2;
			break;
		case 1:		/* type */
			if (i + 1 >= c->n)
				return werr(c, i + 1, "endpoint type");
			for (v = 0; eptype_names[v] && strcmp(eptype_names[v], c->w[i + 1]); v++)
				;
			if (!eptype_names[v])
				return werr(c, i + 1, "type is simple, scaled, proxied or gateway");
			s.type = (uint8_t)v;
			i += 2;
			r = 0;
			break;
		case 2:		/* port */
			if (seen[3])
				return werr(c, i, "an endpoint is on a port or on hosts, not both");
			r = val_port(c, i + 1, &s.port);
			s.nhost = 0;
			i += 2;
			break;
		case 3:		/* host */
			if (seen[2])
				return werr(c, i, "an endpoint is on a port or on hosts, not both");
			end = val_host_list(c, i, kw_ep, "host", &seen[3], false,
					    s.host, &s.nhost, RT_EP_MAX_HOSTS);
			if (end < 0)
				return end;
			s.port = -1;
			i = end;
			r = 0;
			break;
		case 4:		/* label */
			end = list_end(c, i, kw_ep, "label");
			if (end < 0)
				return end;
			if (!seen[4])
				s.nlabel = 0;
			if (!add && is_none(c, i, end)) {
				i = end;
				r = 0;
				break;
			}
			for (int j = i + 1; j < end; j++) {
				if (s.nlabel == RT_EP_MAX_LABELS)
					return werr(c, j, "more than %d labels", RT_EP_MAX_LABELS);
				r = val_u32(c, j, 0, UINT32_MAX, "label", &s.label[s.nlabel]);
				if (r)
					return r;
				s.nlabel++;
			}
			i = end;
			r = 0;
			break;
		case 5:		/* opt */
			end = list_end(c, i, kw_ep, "option");
			if (end < 0)
				return end;
			if (!seen[5])
				s.opt_size = 0;
			if (!add && is_none(c, i, end)) {
				i = end;
				r = 0;
				break;
			}
			for (int j = i + 1; j < end; j++) {
				r = parse_opt(c, j, &s);
				if (r)
					return r;
			}
			i = end;
			r = 0;
			break;
		default:	/* mtu */
			if (i + 1 < c->n && !strcmp(c->w[i + 1], "auto")) {
				s.mtu = 0;
				r = 0;
			} else {
				r = val_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &v);
				s.mtu = (uint16_t)v;
			}
			i += 2;
			break;
		}
		if (r)
			return r;
		seen[kw] = true;
	}
	if (add && !seen[0])
		return cerr(c, "missing 'mac MAC'");
	if (add && !seen[2] && !seen[3])
		return cerr(c, "missing 'port NAME' or 'host ADDRESS'");
	r = add ? rt_ep_add(c->t, &s, c->msg, sizeof(c->msg))
		: rt_ep_set(c->t, &s, c->msg, sizeof(c->msg));
	return r ? terr(c, r, c->msg) : 0;
}

/* ---- dump ---- */

static void put_addr(struct sbuf *o, int family, const uint8_t *a)
{
	if (family == 6)
		sbuf_ip6(o, a);
	else
		sbuf_ip4(o, a);
}

static void put_prefix(struct sbuf *o, const struct rt_prefix *p)
{
	put_addr(o, p->family, p->a);
	sbuf_printf(o, "/%u", p->len);
}

static int cmp_u32(uint32_t a, uint32_t b)
{
	return a < b ? -1 : a > b;
}

static int cmp_vpc(const void *a, const void *b, void *ctx)
{
	const struct rt_tables *t = ctx;

	return cmp_u32(t->vpc[*(const uint32_t *)a].vni, t->vpc[*(const uint32_t *)b].vni);
}

static int cmp_net(const void *a, const void *b, void *ctx)
{
	const struct rt_tables *t = ctx;
	const struct rt_net *x = &t->net[*(const uint32_t *)a], *y = &t->net[*(const uint32_t *)b];
	int r = cmp_u32(x->vni, y->vni);

	if (!r)
		r = cmp_u32(x->p.family, y->p.family);
	if (!r)
		r = memcmp(x->p.a, y->p.a, 16);
	if (!r)
		r = cmp_u32(x->p.len, y->p.len);
	return r;
}

static int cmp_ep(const void *a, const void *b, void *ctx)
{
	const struct rt_tables *t = ctx;
	const struct rt_ep *x = &t->ep[*(const uint32_t *)a], *y = &t->ep[*(const uint32_t *)b];
	int r = cmp_u32(x->vni, y->vni);

	if (!r)
		r = cmp_u32(x->family, y->family);
	if (!r)
		r = memcmp(x->ip, y->ip, 16);
	return r;
}

/* Indexes of used objects, sorted by key (dump and show are stable). */
static uint32_t *sorted(const struct rt_tables *t, char kind, uint32_t *count)
{
	uint32_t max = kind == 'v' ? t->lim.max_vpcs : kind == 'n' ? t->lim.max_nets : t->lim.max_eps;
	uint32_t n = kind == 'v' ? t->nvpc : kind == 'n' ? t->nnet : t->nep, k = 0;
	uint32_t *ix = malloc(sizeof(*ix) * (n ? n : 1));

	*count = 0;
	if (!ix)
		return NULL;
	for (uint32_t i = 0; i < max && k < n; i++) {
		bool used = kind == 'v' ? t->vpc[i].used : kind == 'n' ? t->net[i].used : t->ep[i].used;

		if (used)
			ix[k++] = i;
	}
	qsort_r(ix, k, sizeof(*ix), kind == 'v' ? cmp_vpc : kind == 'n' ? cmp_net : cmp_ep,
		(void *)t);
	*count = k;
	return ix;
}

static void put_opts_words(struct sbuf *o, const uint8_t *p, size_t n)
{
	for (size_t off = 0; off + 4 <= n;) {
		size_t dsz = (size_t)(p[off + 3] & 0x1f) * 4;

		sbuf_printf(o, " opt 0x%04x:0x%02x", gnv_be16(p + off), p[off + 2]);
		if (dsz) {
			sbuf_putc(o, ':');
			sbuf_hex(o, p + off + 4, dsz);
		}
		off += 4 + dsz;
	}
}

static void dump_ep(const struct rt_tables *t, const struct rt_ep *e, struct sbuf *o, bool show)
{
	struct rt_ep_spec s;

	rt_ep_to_spec(t, e, &s);
	if (!show)
		sbuf_puts(o, "add ");
	sbuf_printf(o, "ep %u ", e->vni);
	put_addr(o, e->family, e->ip);
	sbuf_puts(o, " mac ");
	sbuf_mac(o, e->mac);
	sbuf_printf(o, " type %s", eptype_names[e->type & 3]);
	if (e->port >= 0)
		sbuf_printf(o, " port %s", t->port[e->port].name);
	for (unsigned int i = 0; i < s.nhost; i++) {
		sbuf_puts(o, " host ");
		put_addr(o, s.host[i].family, s.host[i].a);
	}
	for (unsigned int i = 0; i < s.nlabel; i++)
		sbuf_printf(o, " label %u", s.label[i]);
	put_opts_words(o, s.opts, s.opt_size);
	if (e->mtu)
		sbuf_printf(o, " mtu %u", e->mtu);
}

static void dump_vpc(const struct rt_tables *t, const struct rt_vpc *v, struct sbuf *o, bool show)
{
	if (!show)
		sbuf_puts(o, "add ");
	sbuf_printf(o, "vpc %u", v->vni);
	if (v->name[0])
		sbuf_printf(o, " name %s", v->name);
	for (unsigned int i = 0; i < v->ncidr; i++) {
		sbuf_puts(o, " cidr ");
		put_prefix(o, &v->cidr[i]);
	}
	for (unsigned int i = 0; i < v->ndivider; i++) {
		const struct gnv_addr *a = &t->host[v->divider[i]].addr;

		sbuf_puts(o, " divider ");
		put_addr(o, a->family, a->a);
	}
}

static void dump_net(const struct rt_tables *t, const struct rt_net *n, struct sbuf *o, bool show)
{
	if (!show)
		sbuf_puts(o, "add ");
	sbuf_printf(o, "net %u ", n->vni);
	put_prefix(o, &n->p);
	if (n->gw_explicit || show) {
		sbuf_puts(o, " gw ");
		put_addr(o, n->p.family, n->gw);
	}
	for (unsigned int i = 0; i < n->nbouncer; i++) {
		const struct gnv_addr *a = &t->host[n->bouncer[i]].addr;

		sbuf_puts(o, " bouncer ");
		put_addr(o, a->family, a->a);
	}
}

static void dump_host(const struct rt_tables *t, struct sbuf *o, bool show)
{
	const struct rt_self *s = &t->self;

	sbuf_puts(o, show ? "host" : "set host");
	if (s->addr_set) {
		sbuf_puts(o, " addr ");
		put_addr(o, s->addr.family, s->addr.a);
	}
	if (s->id[0])
		sbuf_printf(o, " id %s", s->id);
	sbuf_puts(o, " mac ");
	sbuf_mac(o, s->mac);
	sbuf_printf(o, " mtu %u dscp %u ttl %u rts %s", s->mtu, s->dscp, s->ttl, s->rts ? "on" : "off");
}

int rt_config_dump(const struct rt_tables *t, struct sbuf *o)
{
	uint32_t *ix, n;

	dump_host(t, o, false);
	sbuf_putc(o, '\n');
	for (uint32_t i = 0; i < t->lim.max_ports; i++)
		if (t->port[i].used)
			sbuf_printf(o, "add port %s mtu %u\n", t->port[i].name, t->port[i].mtu);
	ix = sorted(t, 'v', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		dump_vpc(t, &t->vpc[ix[i]], o, false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	ix = sorted(t, 'n', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		dump_net(t, &t->net[ix[i]], o, false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	ix = sorted(t, 'e', &n);
	for (uint32_t i = 0; ix && i < n; i++) {
		dump_ep(t, &t->ep[ix[i]], o, false);
		sbuf_putc(o, '\n');
	}
	free(ix);
	return o->oom ? -ENOMEM : 0;
}

/* ---- show ---- */

static void j_addr(struct json *j, const char *key, const struct gnv_addr *a)
{
	json_ip(j, key, a->family, a->a);
}

static void j_prefix(struct json *j, const char *key, const struct rt_prefix *p)
{
	char buf[RT_PREFIX_STR];

	json_str(j, key, rt_prefix_fmt(buf, sizeof(buf), p));
}

static void j_counters(struct json *j, const char *key, const struct rt_counters *c)
{
	json_obj_open(j, key);
	json_u64(j, "rx_packets", c->rx_pkts);
	json_u64(j, "rx_bytes", c->rx_bytes);
	json_u64(j, "tx_packets", c->tx_pkts);
	json_u64(j, "tx_bytes", c->tx_bytes);
	json_u64(j, "drops", c->drops);
	json_obj_close(j);
}

static void t_counters(struct sbuf *o, const struct rt_counters *c)
{
	sbuf_printf(o, "    rx %llu pkts %llu bytes  tx %llu pkts %llu bytes  drops %llu\n",
		    (unsigned long long)c->rx_pkts, (unsigned long long)c->rx_bytes,
		    (unsigned long long)c->tx_pkts, (unsigned long long)c->tx_bytes,
		    (unsigned long long)c->drops);
}

static uint32_t flow_count(const struct rt_vpc *v)
{
	uint32_t n = 0;

	for (uint32_t i = 0; v->flows.e && i < v->flows.nsets * 4; i++)
		n += v->flows.e[i].family != 0;
	return n;
}

static void show_host(const struct rt_tables *t, struct json *j, struct sbuf *o)
{
	const struct rt_self *s = &t->self;

	if (j) {
		json_obj_open(j, "host");
		if (s->addr_set)
			j_addr(j, "addr", &s->addr);
		else
			json_null(j, "addr");
		json_str(j, "id", s->id);
		json_mac(j, "mac", s->mac);
		json_u64(j, "mtu", s->mtu);
		json_u64(j, "dscp", s->dscp);
		json_u64(j, "ttl", s->ttl);
		json_bool(j, "rts", s->rts);
		json_u64(j, "peers", t->nhost);
		json_u64(j, "vpcs", t->nvpc);
		json_u64(j, "nets", t->nnet);
		json_u64(j, "endpoints", t->nep);
		json_u64(j, "ports", t->nport);
		json_obj_close(j);
		json_arr_open(j, "peers");
		for (uint32_t i = 0; i < t->lim.max_hosts; i++)
			if (t->host[i].refs) {
				json_obj_open(j, NULL);
				j_addr(j, "addr", &t->host[i].addr);
				json_u64(j, "refs", t->host[i].refs);
				json_obj_close(j);
			}
		json_arr_close(j);
		return;
	}
	dump_host(t, o, true);
	sbuf_printf(o, "\n    vpcs %u nets %u endpoints %u ports %u peers %u\n", t->nvpc, t->nnet,
		    t->nep, t->nport, t->nhost);
	for (uint32_t i = 0; i < t->lim.max_hosts; i++)
		if (t->host[i].refs) {
			sbuf_puts(o, "peer ");
			put_addr(o, t->host[i].addr.family, t->host[i].addr.a);
			sbuf_printf(o, " refs %u\n", t->host[i].refs);
		}
}

static void show_vpcs(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		      struct sbuf *o)
{
	uint32_t *ix, n;

	ix = sorted(t, 'v', &n);
	if (j)
		json_arr_open(j, "vpcs");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->vpc[ix[k]];

		if (filter && v->vni != vni)
			continue;
		if (j) {
			json_obj_open(j, NULL);
			json_u64(j, "vni", v->vni);
			json_str(j, "name", v->name);
			json_arr_open(j, "cidrs");
			for (unsigned int i = 0; i < v->ncidr; i++)
				j_prefix(j, NULL, &v->cidr[i]);
			json_arr_close(j);
			json_arr_open(j, "dividers");
			for (unsigned int i = 0; i < v->ndivider; i++)
				j_addr(j, NULL, &t->host[v->divider[i]].addr);
			json_arr_close(j);
			json_u64(j, "nets", v->nnet);
			json_u64(j, "endpoints", v->nep);
			json_u64(j, "flows", flow_count(v));
			json_u64(j, "flow_evictions", v->flows.evictions);
			j_counters(j, "counters", &v->st.c);
			json_u64(j, "delivered", v->st.delivered);
			json_u64(j, "forwarded", v->st.forwarded);
			json_u64(j, "replies", v->st.replies);
			json_u64(j, "control", v->st.control);
			json_obj_close(j);
		} else {
			dump_vpc(t, v, o, true);
			sbuf_printf(o, "\n    nets %u endpoints %u flows %u\n", v->nnet, v->nep, flow_count(v));
			t_counters(o, &v->st.c);
			sbuf_printf(o, "    delivered %llu forwarded %llu replies %llu control %llu\n",
				    (unsigned long long)v->st.delivered,
				    (unsigned long long)v->st.forwarded,
				    (unsigned long long)v->st.replies,
				    (unsigned long long)v->st.control);
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static void show_nets(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		      struct sbuf *o)
{
	uint32_t *ix, n;

	ix = sorted(t, 'n', &n);
	if (j)
		json_arr_open(j, "nets");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_net *nt = &t->net[ix[k]];

		if (filter && nt->vni != vni)
			continue;
		if (j) {
			json_obj_open(j, NULL);
			json_u64(j, "vni", nt->vni);
			j_prefix(j, "prefix", &nt->p);
			json_ip(j, "gw", nt->p.family, nt->gw);
			json_arr_open(j, "bouncers");
			for (unsigned int i = 0; i < nt->nbouncer; i++)
				j_addr(j, NULL, &t->host[nt->bouncer[i]].addr);
			json_arr_close(j);
			j_counters(j, "counters", &nt->c);
			json_obj_close(j);
		} else {
			dump_net(t, nt, o, true);
			sbuf_putc(o, '\n');
			t_counters(o, &nt->c);
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static void show_eps(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		     struct sbuf *o)
{
	uint32_t *ix, n;

	ix = sorted(t, 'e', &n);
	if (j)
		json_arr_open(j, "endpoints");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_ep *e = &t->ep[ix[k]];
		struct rt_ep_spec s;

		if (filter && e->vni != vni)
			continue;
		if (j) {
			rt_ep_to_spec(t, e, &s);
			json_obj_open(j, NULL);
			json_u64(j, "vni", e->vni);
			json_ip(j, "ip", e->family, e->ip);
			json_mac(j, "mac", e->mac);
			json_str(j, "type", eptype_names[e->type & 3]);
			if (e->port >= 0)
				json_str(j, "port", t->port[e->port].name);
			else
				json_null(j, "port");
			json_arr_open(j, "hosts");
			for (unsigned int i = 0; i < s.nhost; i++)
				j_addr(j, NULL, &s.host[i]);
			json_arr_close(j);
			json_arr_open(j, "labels");
			for (unsigned int i = 0; i < s.nlabel; i++)
				json_u64(j, NULL, s.label[i]);
			json_arr_close(j);
			json_hex(j, "options", s.opts, s.opt_size);
			json_u64(j, "mtu", e->mtu);
			j_counters(j, "counters", &e->c);
			json_obj_close(j);
		} else {
			dump_ep(t, e, o, true);
			sbuf_putc(o, '\n');
			t_counters(o, &e->c);
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static void show_ports(const struct rt_tables *t, const struct rt_runtime_ops *ops,
		       struct json *j, struct sbuf *o)
{
	char a[RT_ADDR_STR];

	if (j)
		json_arr_open(j, "ports");
	for (uint32_t i = 0; i < t->lim.max_ports; i++) {
		const struct rt_port *p = &t->port[i];
		struct rt_port_info info;
		bool have_info = false;

		if (!p->used)
			continue;
		memset(&info, 0, sizeof(info));
		if (ops && ops->port_info)
			have_info = !ops->port_info(ops->ctx, (int)i, &info);
		if (j) {
			json_obj_open(j, NULL);
			json_str(j, "name", p->name);
			json_u64(j, "index", i);
			json_u64(j, "mtu", p->mtu);
			json_arr_open(j, "endpoints");
			for (unsigned int k = 0; k < p->nep; k++) {
				const struct rt_ep *e = &t->ep[p->ep[k]];

				json_obj_open(j, NULL);
				json_u64(j, "vni", e->vni);
				json_ip(j, "ip", e->family, e->ip);
				json_obj_close(j);
			}
			json_arr_close(j);
			j_counters(j, "counters", &p->st.c);
			json_u64(j, "arp_replies", p->st.arp_replies);
			json_u64(j, "nd_replies", p->st.nd_replies);
			json_u64(j, "icmp_sent", p->st.icmp_sent);
			if (have_info) {
				json_obj_open(j, "device");
				json_str(j, "ifname", info.ifname);
				json_i64(j, "ifindex", info.ifindex);
				json_bool(j, "up", info.up);
				json_u64(j, "rx_errors", info.rx_errors);
				json_u64(j, "tx_errors", info.tx_errors);
				json_u64(j, "tx_dropped", info.tx_dropped);
				json_obj_close(j);
			} else {
				json_null(j, "device");
			}
			json_obj_close(j);
		} else {
			sbuf_printf(o, "port %s index %u mtu %u endpoints", p->name, i, p->mtu);
			if (!p->nep)
				sbuf_puts(o, " none");
			for (unsigned int k = 0; k < p->nep; k++) {
				const struct rt_ep *e = &t->ep[p->ep[k]];

				sbuf_printf(o, " %u/%s", e->vni, rt_addr_fmt(a, sizeof(a), e->family, e->ip));
			}
			sbuf_putc(o, '\n');
			t_counters(o, &p->st.c);
			sbuf_printf(o, "    arp_replies %llu nd_replies %llu icmp_sent %llu\n",
				    (unsigned long long)p->st.arp_replies,
				    (unsigned long long)p->st.nd_replies,
				    (unsigned long long)p->st.icmp_sent);
			if (have_info)
				sbuf_printf(o, "    device %s ifindex %d %s rx_errors %llu tx_errors %llu tx_dropped %llu\n",
					    info.ifname, info.ifindex, info.up ? "up" : "down",
					    (unsigned long long)info.rx_errors,
					    (unsigned long long)info.tx_errors,
					    (unsigned long long)info.tx_dropped);
		}
	}
	if (j)
		json_arr_close(j);
}

static void show_drops(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		       struct sbuf *o)
{
	const uint64_t *d = t->st.drop;
	const struct rt_vpc *v = filter ? rt_vpc_find(t, vni) : NULL;

	if (v)
		d = v->st.drop;
	if (j) {
		json_obj_open(j, "drops");
		for (unsigned int r = 1; r < RT_DROP__COUNT; r++)
			json_u64(j, rt_drop_name(r), d[r]);
		json_obj_close(j);
		return;
	}
	for (unsigned int r = 1; r < RT_DROP__COUNT; r++)
		if (d[r])
			sbuf_printf(o, "%-18s %llu\n", rt_drop_name(r), (unsigned long long)d[r]);
}

static void show_stats(const struct rt_tables *t, struct json *j, struct sbuf *o)
{
	const struct rt_stats *s = &t->st;

	if (j) {
		json_obj_open(j, "stats");
		json_u64(j, "port_rx", s->port_rx);
		json_u64(j, "underlay_rx", s->underlay_rx);
		json_u64(j, "delivered", s->delivered);
		json_u64(j, "forwarded", s->forwarded);
		json_u64(j, "replies", s->replies);
		json_u64(j, "control", s->control);
		json_u64(j, "drops", s->drops);
		json_u64(j, "tx_errors", s->tx_errors);
		json_obj_close(j);
		return;
	}
	sbuf_printf(o, "port_rx %llu underlay_rx %llu\ndelivered %llu forwarded %llu replies %llu control %llu\ndrops %llu tx_errors %llu\n",
		    (unsigned long long)s->port_rx, (unsigned long long)s->underlay_rx,
		    (unsigned long long)s->delivered, (unsigned long long)s->forwarded,
		    (unsigned long long)s->replies, (unsigned long long)s->control,
		    (unsigned long long)s->drops, (unsigned long long)s->tx_errors);
}

static const char *proto_name(uint8_t p)
{
	switch (p) {
	case 1: return "icmp";
	case 6: return "tcp";
	case 17: return "udp";
	case 58: return "icmp6";
	}
	return NULL;
}

/*
 * What the router did with a flow's last packet: src_ep, dst_ep (the
 * overlay IP, or "-"/null when not an endpoint), path, host (its
 * underlay peer, "-"/null), verdict ("drop:route.none" in text; verdict
 * and reason apart in JSON).
 */
static void flow_fate(const struct rt_flow *f, struct json *j, struct sbuf *o)
{
	char a[RT_ADDR_STR];

	if (j) {
		if (f->src_ep)
			json_ip(j, "src_ep", f->family, f->src);
		else
			json_null(j, "src_ep");
		if (f->dst_ep)
			json_ip(j, "dst_ep", f->family, f->dst);
		else
			json_null(j, "dst_ep");
		json_str(j, "path", rt_path_name(f->path));
		if (f->host.family)
			json_ip(j, "host", f->host.family, f->host.a);
		else
			json_null(j, "host");
		json_str(j, "verdict", rt_verdict_name(f->verdict));
		if (f->reason)
			json_str(j, "reason", rt_drop_name(f->reason));
		else
			json_null(j, "reason");
		return;
	}
	sbuf_printf(o, " src_ep %s", f->src_ep ? rt_addr_fmt(a, sizeof(a), f->family, f->src) : "-");
	sbuf_printf(o, " dst_ep %s", f->dst_ep ? rt_addr_fmt(a, sizeof(a), f->family, f->dst) : "-");
	sbuf_printf(o, " path %s host %s verdict %s%s%s", rt_path_name(f->path),
		    f->host.family ? rt_addr_fmt(a, sizeof(a), f->host.family, f->host.a) : "-",
		    rt_verdict_name(f->verdict), f->reason ? ":" : "",
		    f->reason ? rt_drop_name(f->reason) : "");
}

static void show_flows(const struct rt_tables *t, bool filter, uint32_t vni, struct json *j,
		       struct sbuf *o)
{
	uint32_t *ix, n;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];

	ix = sorted(t, 'v', &n);
	if (j)
		json_arr_open(j, "flows");
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->vpc[ix[k]];

		if ((filter && v->vni != vni) || !v->flows.e)
			continue;
		for (uint32_t i = 0; i < v->flows.nsets * 4; i++) {
			const struct rt_flow *f = &v->flows.e[i];
			uint64_t age = t->now_ns > f->last_ns ? t->now_ns - f->last_ns : 0;
			const char *pn;

			if (!f->family)
				continue;
			pn = proto_name(f->proto);
			if (j) {
				json_obj_open(j, NULL);
				json_u64(j, "vni", v->vni);
				json_u64(j, "proto", f->proto);
				json_ip(j, "src", f->family, f->src);
				json_ip(j, "dst", f->family, f->dst);
				json_u64(j, "sport", f->sport);
				json_u64(j, "dport", f->dport);
				json_u64(j, "packets", f->pkts);
				json_u64(j, "bytes", f->bytes);
				json_u64(j, "first_ns", f->first_ns);
				json_u64(j, "last_ns", f->last_ns);
				json_u64(j, "idle_ms", age / 1000000);
				flow_fate(f, j, o);
				json_obj_close(j);
				continue;
			}
			sbuf_printf(o, "vpc %u ", v->vni);
			if (pn)
				sbuf_puts(o, pn);
			else
				sbuf_printf(o, "proto %u", f->proto);
			sbuf_printf(o, " %s%s%s:%u -> %s%s%s:%u packets %llu bytes %llu idle_ms %llu",
				    f->family == 6 ? "[" : "", rt_addr_fmt(a, sizeof(a), f->family, f->src),
				    f->family == 6 ? "]" : "", f->sport,
				    f->family == 6 ? "[" : "", rt_addr_fmt(b, sizeof(b), f->family, f->dst),
				    f->family == 6 ? "]" : "", f->dport,
				    (unsigned long long)f->pkts, (unsigned long long)f->bytes,
				    (unsigned long long)(age / 1000000));
			flow_fate(f, NULL, o);
			sbuf_putc(o, '\n');
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

/*
 * `show top [VNI]`: everything `genv top` samples, in one reply, as
 * records of "KIND key value ..." (text) or one JSON document.  Counters
 * are cumulative; top computes rates from their deltas.  Flows only for
 * the VPC given (the drill-down view).
 */
static void top_kv(struct sbuf *o, const char *k, uint64_t v)
{
	sbuf_printf(o, " %s %llu", k, (unsigned long long)v);
}

static void top_counters(struct json *j, struct sbuf *o, const struct rt_counters *c)
{
	if (j) {
		json_u64(j, "rx_packets", c->rx_pkts);
		json_u64(j, "rx_bytes", c->rx_bytes);
		json_u64(j, "tx_packets", c->tx_pkts);
		json_u64(j, "tx_bytes", c->tx_bytes);
		json_u64(j, "drops", c->drops);
		return;
	}
	top_kv(o, "rx_packets", c->rx_pkts);
	top_kv(o, "rx_bytes", c->rx_bytes);
	top_kv(o, "tx_packets", c->tx_pkts);
	top_kv(o, "tx_bytes", c->tx_bytes);
	top_kv(o, "drops", c->drops);
}

static void show_top(const struct rt_tables *t, const struct rt_runtime_ops *ops, bool filter,
		     uint32_t vni, struct json *j, struct sbuf *o)
{
	const struct rt_stats *s = &t->st;
	char a[RT_ADDR_STR], b[RT_ADDR_STR];
	uint32_t *ix, n;

	if (j) {
		json_u64(j, "now_ns", t->now_ns);
		json_obj_open(j, "stats");
		json_u64(j, "port_rx", s->port_rx);
		json_u64(j, "underlay_rx", s->underlay_rx);
		json_u64(j, "delivered", s->delivered);
		json_u64(j, "forwarded", s->forwarded);
		json_u64(j, "drops", s->drops);
		json_u64(j, "tx_errors", s->tx_errors);
		json_obj_close(j);
		json_arr_open(j, "ports");
	} else {
		sbuf_printf(o, "top now_ns %llu\nstats", (unsigned long long)t->now_ns);
		top_kv(o, "port_rx", s->port_rx);
		top_kv(o, "underlay_rx", s->underlay_rx);
		top_kv(o, "delivered", s->delivered);
		top_kv(o, "forwarded", s->forwarded);
		top_kv(o, "drops", s->drops);
		top_kv(o, "tx_errors", s->tx_errors);
		sbuf_putc(o, '\n');
	}
	for (uint32_t i = 0; i < t->lim.max_ports; i++) {
		const struct rt_port *p = &t->port[i];
		struct rt_port_info info;
		int up = -1;

		if (!p->used)
			continue;
		memset(&info, 0, sizeof(info));
		if (ops && ops->port_info && !ops->port_info(ops->ctx, (int)i, &info))
			up = info.up;
		if (j) {
			json_obj_open(j, NULL);
			json_str(j, "name", p->name);
			if (up < 0)
				json_null(j, "up");
			else
				json_bool(j, "up", up);
		} else {
			sbuf_printf(o, "port name %s up %s", p->name, up < 0 ? "-" : up ? "1" : "0");
		}
		top_counters(j, o, &p->st.c);
		if (j)
			json_obj_close(j);
		else
			sbuf_putc(o, '\n');
	}
	if (j) {
		json_arr_close(j);
		json_arr_open(j, "vpcs");
	}
	ix = sorted(t, 'v', &n);
	for (uint32_t k = 0; ix && k < n; k++) {
		const struct rt_vpc *v = &t->vpc[ix[k]];

		if (j) {
			json_obj_open(j, NULL);
			json_u64(j, "vni", v->vni);
			json_str(j, "name", v->name);
			json_u64(j, "endpoints", v->nep);
			json_u64(j, "flows", flow_count(v));
		} else {
			sbuf_printf(o, "vpc vni %u name %s endpoints %u flows %u", v->vni,
				    v->name[0] ? v->name : "-", v->nep, flow_count(v));
		}
		top_counters(j, o, &v->st.c);
		if (j)
			json_obj_close(j);
		else
			sbuf_putc(o, '\n');
	}
	if (j) {
		json_arr_close(j);
		json_obj_open(j, "drops");
	}
	for (unsigned int r = 1; r < RT_DROP__COUNT; r++) {
		if (j)
			json_u64(j, rt_drop_name(r), s->drop[r]);
		else if (s->drop[r])
			sbuf_printf(o, "drop reason %s count %llu\n", rt_drop_name(r),
				    (unsigned long long)s->drop[r]);
	}
	if (j) {
		json_obj_close(j);
		json_arr_open(j, "flows");
	}
	for (uint32_t k = 0; filter && ix && k < n; k++) {
		const struct rt_vpc *v = &t->vpc[ix[k]];

		if (v->vni != vni || !v->flows.e)
			continue;
		for (uint32_t i = 0; i < v->flows.nsets * 4; i++) {
			const struct rt_flow *f = &v->flows.e[i];

			if (!f->family)
				continue;
			rt_addr_fmt(a, sizeof(a), f->family, f->src);
			rt_addr_fmt(b, sizeof(b), f->family, f->dst);
			if (j) {
				json_obj_open(j, NULL);
				json_u64(j, "vni", v->vni);
				json_u64(j, "proto", f->proto);
				json_str(j, "src", a);
				json_str(j, "dst", b);
				json_u64(j, "sport", f->sport);
				json_u64(j, "dport", f->dport);
				json_u64(j, "packets", f->pkts);
				json_u64(j, "bytes", f->bytes);
				json_u64(j, "first_ns", f->first_ns);
				json_u64(j, "last_ns", f->last_ns);
				flow_fate(f, j, o);
				json_obj_close(j);
				continue;
			}
			sbuf_printf(o, "flow vni %u proto %u src %s sport %u dst %s dport %u", v->vni,
				    f->proto, a, f->sport, b, f->dport);
			top_kv(o, "packets", f->pkts);
			top_kv(o, "bytes", f->bytes);
			top_kv(o, "first_ns", f->first_ns);
			top_kv(o, "last_ns", f->last_ns);
			flow_fate(f, NULL, o);
			sbuf_putc(o, '\n');
		}
	}
	if (j)
		json_arr_close(j);
	free(ix);
}

static int cmd_show(struct cmd *c, bool json_mode, struct sbuf *out)
{
	const struct rt_tables *t = c->t;
	const char *topic = c->n > 1 ? c->w[1] : "";
	bool filter = false;
	uint32_t vni = 0;
	struct json jj, *j = NULL;
	struct sbuf tmp = SBUF_INIT;
	int r;

	if (*topic && !is_word(topic, rt_show_topics)) {
		char list[160];

		list_words(list, sizeof(list), rt_show_topics);
		return werr(c, 1, "unknown topic (expected %s)", list);
	}
	if (c->n > 2) {
		if (!strcmp(topic, "port") || !strcmp(topic, "host") || !strcmp(topic, "config"))
			return werr(c, 2, "unexpected word");
		r = val_vpc(c, 2, true, &vni);
		if (r)
			return r;
		filter = true;
		if (c->n > 3)
			return werr(c, 3, "unexpected word");
	}
	if (!strcmp(topic, "config")) {
		r = rt_config_dump(t, &tmp);
		if (json_mode) {
			json_init(&jj, out, false);
			json_obj_open(&jj, NULL);
			json_u64(&jj, "schema", RT_SHOW_SCHEMA);
			json_str(&jj, "config", sbuf_str(&tmp));
			json_obj_close(&jj);
		} else {
			sbuf_add(out, sbuf_str(&tmp), tmp.len);
		}
		sbuf_free(&tmp);
		return r;
	}
	if (json_mode) {
		json_init(&jj, out, false);
		j = &jj;
		json_obj_open(j, NULL);
		json_u64(j, "schema", RT_SHOW_SCHEMA);
	}
	if (!*topic) {
		show_host(t, j, out);
		show_vpcs(t, false, 0, j, out);
	} else if (!strcmp(topic, "host")) {
		show_host(t, j, out);
	} else if (!strcmp(topic, "vpc")) {
		show_vpcs(t, filter, vni, j, out);
	} else if (!strcmp(topic, "net")) {
		show_nets(t, filter, vni, j, out);
	} else if (!strcmp(topic, "ep")) {
		show_eps(t, filter, vni, j, out);
	} else if (!strcmp(topic, "port")) {
		show_ports(t, c->ops, j, out);
	} else if (!strcmp(topic, "stats")) {
		if (filter)
			show_vpcs(t, filter, vni, j, out);
		else
			show_stats(t, j, out);
		show_drops(t, filter, vni, j, out);
	} else if (!strcmp(topic, "flows")) {
		show_flows(t, filter, vni, j, out);
	} else if (!strcmp(topic, "top")) {
		show_top(t, c->ops, filter, vni, j, out);
	} else {
		show_drops(t, filter, vni, j, out);
	}
	if (j)
		json_obj_close(j);
	return out->oom ? -ENOMEM : 0;
}

/* ---- drops and mirror (genv trace) ---- */

/* drops since SEQ [max N] */
static int cmd_drops(struct cmd *c, bool json, struct sbuf *out)
{
	uint32_t max = 0;
	uint64_t since;
	int r;

	if (c->n < 3 || strcmp(c->w[1], "since"))
		return werr(c, 1, "expected 'drops since SEQ [max N]'");
	if (num_parse_u64(c->w[2], 0, UINT64_MAX, &since))
		return werr(c, 2, "expected a sequence number");
	if (c->n > 3) {
		if (strcmp(c->w[3], "max"))
			return werr(c, 3, "unexpected word");
		r = val_u32(c, 4, 1, RT_DROP_RING, "max", &max);
		if (r)
			return r;
		if (c->n > 5)
			return werr(c, 5, "unexpected word");
	}
	if (!c->t->drops)
		return cerr(c, "no drop ring");
	return rt_dropring_show(c->t->drops, c->t->now_ns, since, max, json, out);
}

/* mirror on [rate N] | mirror off | mirror since SEQ [max N] */
static int cmd_mirror(struct cmd *c, bool json, struct sbuf *out)
{
	struct rt_tables *t = c->t;
	struct timespec ts;
	uint64_t now, since;
	uint32_t rate = 0, max = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (t->now_ns > now)
		now = t->now_ns;
	if (c->n >= 2 && !strcmp(c->w[1], "off")) {
		if (c->n > 2)
			return werr(c, 2, "unexpected word");
		if (t->mirror)
			t->mirror->until_ns = 0;
		return 0;
	}
	if (c->n >= 2 && !strcmp(c->w[1], "on")) {
		if (c->n > 2) {
			if (strcmp(c->w[2], "rate"))
				return werr(c, 2, "unexpected word (expected rate)");
			r = val_u32(c, 3, 1, 1000000, "rate", &rate);
			if (r)
				return r;
			if (c->n > 4)
				return werr(c, 4, "unexpected word");
		}
		if (!t->mirror && !(t->mirror = rt_mirror_new(rate)))
			return cerr(c, "out of memory");
		if (rate)
			t->mirror->rate = rate;
		t->mirror->until_ns = now + RT_MIRROR_HOLD_NS;
		return 0;
	}
	if (c->n < 3 || strcmp(c->w[1], "since"))
		return werr(c, 1, "expected 'mirror on [rate N]', 'mirror off' or 'mirror since SEQ'");
	if (num_parse_u64(c->w[2], 0, UINT64_MAX, &since))
		return werr(c, 2, "expected a sequence number");
	if (c->n > 3) {
		if (strcmp(c->w[3], "max"))
			return werr(c, 3, "unexpected word");
		r = val_u32(c, 4, 1, RT_DROP_RING, "max", &max);
		if (r)
			return r;
		if (c->n > 5)
			return werr(c, 5, "unexpected word");
	}
	if (!t->mirror)
		return cerr(c, "the mirror is off ('mirror on' first)");
	/* a poll keeps an active mirror on */
	if (t->mirror->until_ns)
		t->mirror->until_ns = now + RT_MIRROR_HOLD_NS;
	return rt_dropring_show(t->mirror, t->now_ns, since, max, json, out);
}

/* ---- entry points ---- */

bool rt_cmd_is_change(const char *line)
{
	while (*line == ' ' || *line == '\t')
		line++;
	return !strncmp(line, "add", 3) || !strncmp(line, "del", 3) ||
	       !strncmp(line, "set", 3) || !strncmp(line, "clear", 5);
}

static int dispatch(struct cmd *c, bool json, struct sbuf *out)
{
	const char *verb, *obj;

	if (!c->n)
		return 0;
	verb = c->w[0];
	if (!strcmp(verb, "show"))
		return snprintf(c->name, sizeof(c->name), "show"), cmd_show(c, json, out);
	if (!strcmp(verb, "dump")) {
		snprintf(c->name, sizeof(c->name), "dump");
		if (c->n > 1)
			return werr(c, 1, "unexpected word");
		if (json) {
			/* the same document as 'show config' */
			c->w[1] = (char *)"config";
			c->n = 2;
			return cmd_show(c, true, out);
		}
		return rt_config_dump(c->t, out);
	}
	if (!strcmp(verb, "drops"))
		return snprintf(c->name, sizeof(c->name), "drops"), cmd_drops(c, json, out);
	if (!strcmp(verb, "mirror"))
		return snprintf(c->name, sizeof(c->name), "mirror"), cmd_mirror(c, json, out);
	if (!strcmp(verb, "clear")) {
		snprintf(c->name, sizeof(c->name), "clear");
		if (c->n != 2 || strcmp(c->w[1], "stats"))
			return werr(c, 1, "expected 'clear stats'");
		rt_tables_clear_stats(c->t);
		return 0;
	}
	if (strcmp(verb, "add") && strcmp(verb, "del") && strcmp(verb, "set")) {
		const struct rt_ext *e;
		char list[160];
		void *state;
		int r;

		e = rt_ext_by_verb(&c->t->exts, verb, &state);
		if (!e) {
			list_words(list, sizeof(list), rt_cmd_verbs);
			rt_ext_verbs_list(&c->t->exts, list, sizeof(list));
			return werr(c, 0, "unknown command (expected %s)", list);
		}
		snprintf(c->name, sizeof(c->name), "%.16s", verb);
		r = e->verb(&(struct rt_ext_call){ .t = c->t, .ops = c->ops, .state = state, .n = c->n,
						  .w = c->w, .pos = c->pos, .json = json, .out = out,
						  .err = c->msg, .errsz = sizeof(c->msg) });
		return r ? terr(c, r, c->msg) : 0;
	}
	if (c->n < 2) {
		snprintf(c->name, sizeof(c->name), "%s", verb);
		return werr(c, 1, "object (vpc, net, ep, port or host)");
	}
	obj = c->w[1];
	snprintf(c->name, sizeof(c->name), "%s %.16s", verb, obj);
	if (!strcmp(obj, "host")) {
		if (strcmp(verb, "set"))
			return werr(c, 0, "the host is configured with 'set host'");
		return cmd_set_host(c);
	}
	if (!strcmp(obj, "vpc"))
		return cmd_vpc(c, verb);
	if (!strcmp(obj, "net"))
		return cmd_net(c, verb);
	if (!strcmp(obj, "ep"))
		return cmd_ep(c, verb);
	if (!strcmp(obj, "port"))
		return cmd_port(c, verb);
	snprintf(c->name, sizeof(c->name), "%s", verb);
	return werr(c, 1, "unknown object (expected vpc, net, ep, port or host)");
}

int rt_cmd_exec(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *line,
		bool json, struct sbuf *out)
{
	struct cmd *c = calloc(1, sizeof(*c));
	size_t mark = out->len;
	bool change;
	int r;

	if (!c) {
		sbuf_puts(out, json ? "{\"schema\":1,\"error\":\"out of memory\"}" : "out of memory");
		return -ENOMEM;
	}
	c->t = t;
	c->ops = ops;
	r = split(c, line);
	if (!r)
		r = dispatch(c, json, out);
	change = !r && c->n && is_word(c->w[0], change_verbs);
	if (r) {
		struct json j;

		out->len = mark;	/* drop partial output */
		if (out->buf)
			out->buf[mark] = 0;
		if (!c->err[0])
			snprintf(c->err, sizeof(c->err), "%s", strerror(-r));
		if (json) {
			json_init(&j, out, false);
			json_obj_open(&j, NULL);
			json_u64(&j, "schema", RT_SHOW_SCHEMA);
			json_str(&j, "error", c->err);
			json_obj_close(&j);
		} else {
			sbuf_puts(out, c->err);
		}
	} else if (change && json) {
		sbuf_puts(out, "{\"schema\":1,\"ok\":true}");
	}
	free(c);
	return r;
}
