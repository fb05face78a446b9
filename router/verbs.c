/* SPDX-License-Identifier: MIT */
/*
 * The verbs that change the router's objects: set host, and add, set and
 * del of vpc, net, port and ep (see config.h for the syntax).  Each parses
 * the whole command into a table spec, lets the tables check it, calls the
 * runtime for anything outside the tables, then commits.
 * Layer: router; calls lang (words and values), tables, the runtime ops
 * (config.h), libcore optreg/opt_tlv and libc.
 */
#include <stdio.h>
#include <string.h>
#include "../libcore/opt_tlv.h"
#include "../libcore/optreg.h"
#include "lang.h"
#include "qos.h"
#include "dpath.h"
#include "port.h"
#include "verbs.h"
#include "nat_verbs.h"

/* ---- set host ---- */

#define kw_host rt_host_kws
const char *const rt_host_kws[] = { "addr", "id", "mac", "mtu", "dscp", "ttl", "rts", "cache",
					"cache-age", "offload", NULL };

int rt_verb_host(struct rt_cmd *c)
{
	struct rt_tables *t = c->t;
	struct rt_self_spec s;
	uint32_t v, dp_size = t->dp.size, dp_age = (uint32_t)(t->dp.max_age_ns / 1000000000ull);
	int i, r;
	bool addr_changes, dp_set = false;

	memset(&s, 0, sizeof(s));
	if (c->n == 2)
		return rt_lang_err(c, "nothing to set (expected addr, id, mac, mtu, dscp, ttl, rts, cache, cache-age or offload)");
	for (i = 2; i < c->n; i += 2) {
		const char *k = c->w[i];

		if (!rt_lang_is_word(k, kw_host))
			return rt_lang_unknown_kw(c, i, kw_host);
		if (i + 1 >= c->n)
			return rt_lang_word_err(c, i + 1, "value for '%s'", k);
		if (!strcmp(k, "addr")) {
			r = rt_lang_addr(c, i + 1, "addr", &s.addr);
			s.addr_set = true;
		} else if (!strcmp(k, "id")) {
			if (strlen(c->w[i + 1]) >= RT_NAME_MAX)
				return rt_lang_word_err(c, i + 1, "id longer than %d characters", RT_NAME_MAX - 1);
			snprintf(s.id, sizeof(s.id), "%s", c->w[i + 1]);
			s.id_set = true;
			r = 0;
		} else if (!strcmp(k, "mac")) {
			r = rt_lang_mac(c, i + 1, s.mac);
			s.mac_set = true;
		} else if (!strcmp(k, "mtu")) {
			r = rt_lang_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &v);
			s.mtu = (uint16_t)v;
			s.mtu_set = true;
		} else if (!strcmp(k, "dscp")) {
			r = rt_lang_u32(c, i + 1, 0, 63, "dscp", &v);
			s.dscp = (uint8_t)v;
			s.dscp_set = true;
		} else if (!strcmp(k, "ttl")) {
			r = rt_lang_u32(c, i + 1, 1, 255, "ttl", &v);
			s.ttl = (uint8_t)v;
			s.ttl_set = true;
		} else if (!strcmp(k, "cache")) {
			r = rt_lang_u32(c, i + 1, 0, RT_DP_MAX_SIZE, "cache", &dp_size);
			dp_set = true;
		} else if (!strcmp(k, "cache-age")) {
			r = rt_lang_u32(c, i + 1, 1, RT_DP_MAX_AGE, "cache-age", &dp_age);
			dp_set = true;
		} else if (!strcmp(k, "offload")) {
			if (strcmp(c->w[i + 1], "on") && strcmp(c->w[i + 1], "off"))
				return rt_lang_word_err(c, i + 1, "offload is 'on' or 'off'");
			s.offload = !strcmp(c->w[i + 1], "on");
			s.offload_set = true;
			r = 0;
		} else {
			if (strcmp(c->w[i + 1], "on") && strcmp(c->w[i + 1], "off"))
				return rt_lang_word_err(c, i + 1, "rts is 'on' or 'off'");
			s.rts = !strcmp(c->w[i + 1], "on");
			s.rts_set = true;
			r = 0;
		}
		if (r)
			return r;
	}
	r = rt_self_check(t, &s, c->msg, sizeof(c->msg));
	if (r)
		return rt_lang_err_from(c, r, c->msg);
	addr_changes = s.addr_set && (!t->cfg.self.addr_set || t->cfg.self.addr.family != s.addr.family ||
				      memcmp(t->cfg.self.addr.a, s.addr.a, 16));
	if (addr_changes && c->ops && c->ops->host_addr) {
		r = c->ops->host_addr(c->ops->ctx, &s.addr, c->msg, sizeof(c->msg));
		if (r)
			return rt_lang_err_from(c, r, c->msg);
	}
	if (s.offload_set && s.offload != t->cfg.self.offload && c->ops && c->ops->host_offload) {
		r = c->ops->host_offload(c->ops->ctx, s.offload, c->msg, sizeof(c->msg));
		if (r)
			return rt_lang_err_from(c, r, c->msg);
	}
	/* the direct-path cache (dpcache.h): resized empty, before anything else changes */
	if (dp_set && (dp_size != t->dp.size || (uint64_t)dp_age * 1000000000ull != t->dp.max_age_ns)) {
		r = rt_dp_configure(&t->dp, dp_size, dp_age);
		if (r)
			return rt_lang_err_from(c, r, "cannot allocate the direct-path cache");
		t->cfg.gen++;
	}
	r = rt_self_set(t, &s, c->msg, sizeof(c->msg));
	return r ? rt_lang_err_from(c, r, c->msg) : 0;
}

/* ---- vpc ---- */

static const char *const kw_vpc[] = { "name", "cidr", "divider", "peers", "direct", NULL };

static int parse_vpc_words(struct rt_cmd *c, int i, struct rt_vpc_spec *s, bool set)
{
	bool seen_name = false, seen_cidr = false, seen_div = false, seen_peers = false;
	int end, r;

	while (i < c->n) {
		const char *k = c->w[i];

		if (!strcmp(k, "name")) {
			if (seen_name)
				return rt_lang_word_err(c, i, "given twice");
			seen_name = true;
			if (i + 1 >= c->n)
				return rt_lang_word_err(c, i + 1, "VPC name");
			if (strlen(c->w[i + 1]) >= RT_NAME_MAX)
				return rt_lang_word_err(c, i + 1, "name longer than %d characters", RT_NAME_MAX - 1);
			if (rt_lang_is_word(c->w[i + 1], kw_vpc))
				return rt_lang_word_err(c, i + 1, "a keyword cannot be a name");
			snprintf(s->name, sizeof(s->name), "%s", c->w[i + 1]);
			i += 2;
		} else if (!strcmp(k, "cidr")) {
			end = rt_lang_list_end(c, i, kw_vpc, "prefix");
			if (end < 0)
				return end;
			if (!seen_cidr)
				s->ncidr = 0;
			seen_cidr = true;
			for (int j = i + 1; j < end; j++) {
				if (s->ncidr == RT_VPC_MAX_CIDRS)
					return rt_lang_word_err(c, j, "more than %d cidrs", RT_VPC_MAX_CIDRS);
				r = rt_lang_prefix(c, j, &s->cidr[s->ncidr]);
				if (r)
					return r;
				s->ncidr++;
			}
			i = end;
		} else if (!strcmp(k, "divider")) {
			end = rt_lang_host_list(c, i, kw_vpc, "divider", &seen_div, set,
						s->divider, &s->ndivider, RT_MAX_DIVIDERS);
			if (end < 0)
				return end;
			i = end;
		} else if (!strcmp(k, "direct")) {
			int m = -1;

			for (int j = 0; i + 1 < c->n && rt_dp_modes[j]; j++)
				if (!strcmp(c->w[i + 1], rt_dp_modes[j]))
					m = j;
			if (m < 0)
				return rt_lang_word_err(c, i + 1, "direct is 'on', 'off' or 'same-net'");
			s->direct = (uint8_t)m;
			i += 2;
		} else if (!strcmp(k, "peers")) {
			end = rt_lang_host_list(c, i, kw_vpc, "peer", &seen_peers, set,
						s->peer, &s->npeer, RT_MAX_PEERS);
			if (end < 0)
				return end;
			i = end;
		} else {
			return rt_lang_unknown_kw(c, i, kw_vpc);
		}
	}
	return 0;
}

int rt_verb_vpc(struct rt_cmd *c, const char *verb)
{
	struct rt_vpc_spec s;
	uint32_t vni;
	int r;

	if (!strcmp(verb, "add")) {
		memset(&s, 0, sizeof(s));
		r = rt_lang_u32(c, 2, RT_VNI_MIN, RT_VNI_MAX, "VNI", &vni);
		if (r)
			return r;
		s.vni = vni;
		r = parse_vpc_words(c, 3, &s, false);
		if (r)
			return r;
		if (!s.ncidr)
			return rt_lang_err(c, "missing 'cidr PREFIX' (a VPC needs at least one)");
		r = rt_vpc_add(c->t, &s, c->msg, sizeof(c->msg));
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	r = rt_lang_vpc(c, 2, true, &vni);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 3)
			return rt_lang_word_err(c, 3, "unexpected word");
		r = rt_vpc_del(c->t, vni, c->msg, sizeof(c->msg));
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	if (c->n == 3)
		return rt_lang_err(c, "nothing to set (expected name, cidr, divider or peers)");
	rt_vpc_to_spec(c->t, rt_vpc_find(c->t, vni), &s);
	r = parse_vpc_words(c, 3, &s, true);
	if (r)
		return r;
	r = rt_vpc_set(c->t, &s, c->msg, sizeof(c->msg));
	return r ? rt_lang_err_from(c, r, c->msg) : 0;
}

/* ---- net ---- */

static const char *const kw_net[] = { "gw", "bouncer", NULL };

int rt_verb_net(struct rt_cmd *c, const char *verb)
{
	struct rt_net_spec s;
	struct rt_prefix p;
	bool seen_gw = false, seen_b = false;
	uint32_t vni;
	int i, end, r, fam;

	r = rt_lang_vpc(c, 2, true, &vni);
	if (r)
		return r;
	r = rt_lang_prefix(c, 3, &p);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 4)
			return rt_lang_word_err(c, 4, "unexpected word");
		r = rt_net_del(c->t, vni, &p, c->msg, sizeof(c->msg));
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	if (!strcmp(verb, "add")) {
		memset(&s, 0, sizeof(s));
		s.vni = vni;
		s.p = p;
	} else {
		const struct rt_net *n = rt_net_find(c->t, vni, &p);

		if (!n)
			return rt_lang_word_err(c, 3, "no such net in VPC %u", vni);
		if (c->n == 4)
			return rt_lang_err(c, "nothing to set (expected gw or bouncer)");
		rt_net_to_spec(c->t, n, &s);
	}
	for (i = 4; i < c->n;) {
		const char *k = c->w[i];

		if (!strcmp(k, "gw")) {
			if (seen_gw)
				return rt_lang_word_err(c, i, "given twice");
			seen_gw = true;
			if (i + 1 < c->n && !strcmp(c->w[i + 1], "auto")) {
				s.gw_set = false;
			} else {
				r = rt_lang_ip(c, i + 1, "gw", &fam, s.gw);
				if (r)
					return r;
				if (fam != p.family)
					return rt_lang_word_err(c, i + 1, "gateway and net differ in address family");
				s.gw_set = true;
			}
			i += 2;
		} else if (!strcmp(k, "bouncer")) {
			end = rt_lang_host_list(c, i, kw_net, "bouncer", &seen_b,
						!strcmp(verb, "set"), s.bouncer, &s.nbouncer,
						RT_MAX_BOUNCERS);
			if (end < 0)
				return end;
			i = end;
		} else {
			return rt_lang_unknown_kw(c, i, kw_net);
		}
	}
	r = !strcmp(verb, "add") ? rt_net_add(c->t, &s, c->msg, sizeof(c->msg))
				 : rt_net_set(c->t, &s, c->msg, sizeof(c->msg));
	return r ? rt_lang_err_from(c, r, c->msg) : 0;
}

/* ---- port ---- */

const char *const rt_tap_port_kws[] = { "mtu", "netns", NULL };

int rt_verb_port(struct rt_cmd *c, const char *verb)
{
	struct rt_tables *t = c->t;
	const char *name, *netns = "";
	uint32_t mtu = RT_DEFAULT_PORT_MTU;
	int idx, r;

	if (c->n < 3)
		return rt_lang_word_err(c, 2, "port name");
	name = c->w[2];
	if (!strcmp(verb, "add") && !strcmp(name, "xdp") && c->n > 3)
		return rt_verb_port_xdp(c);
	if (!strcmp(verb, "add") || !strcmp(verb, "set")) {
		unsigned int seen = 0;
		int ns_word = 0;

		for (int i = 3; i < c->n; i += 2) {
			int k = !strcmp(c->w[i], "mtu") ? 0 : !strcmp(c->w[i], "netns") ? 1 : -1;

			if (k < 0)
				return rt_lang_unknown_kw(c, i, rt_tap_port_kws);
			if (seen & 1u << k)
				return rt_lang_word_err(c, i, "given twice");
			seen |= 1u << k;
			if (k == 0) {
				r = rt_lang_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &mtu);
				if (r)
					return r;
				continue;
			}
			if (i + 1 >= c->n)
				return rt_lang_word_err(c, i + 1, "network namespace name after 'netns'");
			if (!rt_netns_ok(c->w[i + 1]))
				return rt_lang_word_err(c, i + 1, "not a network namespace name (a name of "
							"/run/netns or an absolute path, 1..63 bytes, no blanks)");
			netns = c->w[i + 1];
			ns_word = i + 1;
		}
		if (!strcmp(verb, "set")) {
			r = rt_lang_port(c, 2, &idx);
			if (r)
				return r;
			/* netns may be repeated as it is (a reload's set line) */
			if (ns_word && strcmp(netns, t->cfg.port[idx].netns))
				return rt_lang_word_err(c, ns_word, "a port cannot change namespace; "
							"del port and add it again");
			if (!(seen & 1))
				return seen ? 0 : rt_lang_err(c, "nothing to set (expected mtu)");
			if (mtu == t->cfg.port[idx].mtu)
				return 0;
			if (c->ops && c->ops->port_mtu) {
				r = c->ops->port_mtu(c->ops->ctx, idx, mtu, c->msg, sizeof(c->msg));
				if (r)
					return rt_lang_err_from(c, r, c->msg);
			}
			r = rt_port_set_mtu(t, idx, mtu, c->msg, sizeof(c->msg));
			return r ? rt_lang_err_from(c, r, c->msg) : 0;
		}
		r = rt_port_check(t, name, mtu, &idx, c->msg, sizeof(c->msg));
		if (r)
			return rt_lang_err_from(c, r, c->msg);
		if (c->ops && c->ops->port_open) {
			r = c->ops->port_open(c->ops->ctx, idx, name, mtu, netns, c->msg, sizeof(c->msg));
			if (r)
				return rt_lang_err_from(c, r, c->msg);
		}
		r = rt_port_add(t, idx, name, mtu, c->msg, sizeof(c->msg));
		if (r && c->ops && c->ops->port_close)
			c->ops->port_close(c->ops->ctx, idx);
		if (!r)
			snprintf(t->cfg.port[idx].netns, sizeof(t->cfg.port[idx].netns), "%s", netns);
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	r = rt_lang_port(c, 2, &idx);
	if (r)
		return r;
	if (c->n > 3)
		return rt_lang_word_err(c, 3, "unexpected word");
	r = rt_port_del_check(t, idx, c->msg, sizeof(c->msg));
	if (r)
		return rt_lang_err_from(c, r, c->msg);
	rt_port_del(t, idx);
	if (c->ops && c->ops->port_close)
		c->ops->port_close(c->ops->ctx, idx);
	return 0;
}

/* ---- ep ---- */

static const char *const kw_ep[] = { "mac", "type", "port", "host", "labels", "opt", "mtu", "ns",
				     "qos", "rate", "burst", "backends",
				     "nat-ports", "proxy", "health", "health-interval",
				     "health-timeout", "identity", NULL };

static int parse_opt(struct rt_cmd *c, int j, struct rt_ep_spec *s)
{
	uint8_t data[128];
	uint16_t cls;
	uint8_t type;
	size_t size;
	char msg[RT_CMD_ERR_MAX];

	if (gnv_opt_encode(c->w[j], c->t->cfg.lim.genv_class, &cls, &type, data, &size, msg, sizeof(msg)))
		return rt_lang_word_err(c, j, "%s", msg);
	if (size > 124 || (size & 3))
		return rt_lang_word_err(c, j, "option data must be 0..124 bytes");
	if (s->opt_size + 4 + size > RT_OPT_SPACE)
		return rt_lang_word_err(c, j, "options exceed %d bytes", RT_OPT_SPACE);
	gnv_opt_hdr_write(s->opts + s->opt_size, cls, type, size);
	memcpy(s->opts + s->opt_size + GNV_OPT_HDR_SIZE, data, size);
	s->opt_size = (uint16_t)(s->opt_size + 4 + size);
	return 0;
}

int rt_verb_ep(struct rt_cmd *c, const char *verb)
{
	struct rt_ep_spec s;
	bool add = !strcmp(verb, "add");
	bool seen[20] = { 0 };
	uint8_t ip[16];
	uint32_t vni, v;
	int fam, i, end, r;

	r = rt_lang_vpc(c, 2, true, &vni);
	if (r)
		return r;
	r = rt_lang_ip(c, 3, "endpoint IP", &fam, ip);
	if (r)
		return r;
	if (!strcmp(verb, "del")) {
		if (c->n > 4)
			return rt_lang_word_err(c, 4, "unexpected word");
		r = rt_ep_del(c->t, vni, fam, ip, c->msg, sizeof(c->msg));
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
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
			return rt_lang_word_err(c, 3, "no such endpoint in VPC %u", vni);
		if (c->n == 4)
			return rt_lang_err(c, "nothing to set (expected mac, type, port, host, ns, labels, opt, mtu, qos, rate, burst, backends, proxy or health)");
		rt_ep_to_spec(c->t, e, &s);
	}
	for (i = 4; i < c->n;) {
		const char *k = c->w[i];
		int kw;

		for (kw = 0; kw_ep[kw] && strcmp(kw_ep[kw], k); kw++)
			;
		if (!kw_ep[kw])
			return rt_lang_unknown_kw(c, i, kw_ep);
		/* list keywords may repeat ("host A host B"); the others may not */
		if (seen[kw] && kw != 3 && kw != 5)
			return rt_lang_word_err(c, i, "given twice");
		switch (kw) {
		case 0:		/* mac */
			r = rt_lang_mac(c, i + 1, s.mac);
			i += 2;
			break;
		case 1:		/* type */
			if (i + 1 >= c->n)
				return rt_lang_word_err(c, i + 1, "endpoint type");
			for (v = 0; rt_lang_ep_types[v] && strcmp(rt_lang_ep_types[v], c->w[i + 1]); v++)
				;
			if (!rt_lang_ep_types[v])
				return rt_lang_word_err(c, i + 1, "type is simple, scaled, proxied or gateway");
			s.type = (uint8_t)v;
			i += 2;
			r = 0;
			break;
		case 2:		/* port */
			if (seen[3])
				return rt_lang_word_err(c, i, "an endpoint is on a port or on hosts, not both");
			r = rt_lang_port(c, i + 1, &s.port);
			s.nhost = 0;
			s.nbackend = 0;
			i += 2;
			break;
		case 3:		/* host */
			if (seen[2])
				return rt_lang_word_err(c, i, "an endpoint is on a port or on hosts, not both");
			end = rt_lang_host_list(c, i, kw_ep, "host", &seen[3], false,
						s.host, &s.nhost, RT_EP_MAX_HOSTS);
			if (end < 0)
				return end;
			s.port = -1;
			s.nbackend = 0;
			i = end;
			r = 0;
			break;
		case 4:		/* labels */
			r = rt_verb_labels(c, i + 1, s.labels, sizeof(s.labels));
			i += 2;
			break;
		case 5:		/* opt */
			end = rt_lang_list_end(c, i, kw_ep, "option");
			if (end < 0)
				return end;
			if (!seen[5])
				s.opt_size = 0;
			if (!add && rt_lang_is_none(c, i, end)) {
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
		case 7:		/* ns */
			if (i + 1 >= c->n)
				return rt_lang_word_err(c, i + 1, "namespace name");
			if (!rt_dns_label_ok(c->w[i + 1]))
				return rt_lang_word_err(c, i + 1, "namespace: 1..63 of a-z, 0-9 and '-'");
			snprintf(s.ns, sizeof(s.ns), "%s", c->w[i + 1]);
			i += 2;
			r = 0;
			break;
		case 8:		/* qos */
		case 9:		/* rate */
		case 10:	/* burst */
			r = rt_qos_ep_word(c, i, &s.qos);
			i += 2;
			break;
		case 11:		/* backends (scaled_verbs.c) */
			if (seen[2] || seen[3])
				return rt_lang_word_err(c, i, "a scaled endpoint has backends, not a port or hosts");
			end = rt_lang_list_end(c, i, kw_ep, "backend address");
			if (end < 0)
				return end;
			r = rt_verb_backends(c, i, end, add, &s);
			if (!seen[1])
				s.type = EP_SCALED;
			i = end;
			break;
		case 12:		/* nat-ports (nat_verbs.c) */
			r = rt_verb_nat_ports(c, i, &s);
			i += 2;
			break;
		case 13:	/* proxy (scaled_verbs.c) */
			r = rt_verb_proxy(c, i, &s);
			if (!r && !seen[1] && s.has_proxy)
				s.type = EP_PROXIED;
			i += 2;
			break;
		case 14:	/* health (scaled_verbs.c) */
		case 15:	/* health-interval */
		case 16:	/* health-timeout */
			r = rt_verb_health(c, i, &s);
			i += 2;
			break;
		case 17:	/* identity: pinned, as the store allocates it */
			r = rt_lang_u32(c, i + 1, 1, UINT32_MAX, "identity", &v);
			s.identity = (uint32_t)v;
			i += 2;
			break;
		case 6:		/* mtu */
			if (i + 1 < c->n && !strcmp(c->w[i + 1], "auto")) {
				s.mtu = 0;
				r = 0;
			} else {
				r = rt_lang_u32(c, i + 1, RT_MTU_MIN, RT_MTU_MAX, "mtu", &v);
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
		return rt_lang_err(c, "missing 'mac MAC'");
	/* new labels or namespace without a number: the hash's again */
	if (!add && (seen[4] || seen[7]) && !seen[17])
		s.identity = 0;
	if (add && !seen[2] && !seen[3] && !seen[11])
		return rt_lang_err(c, "missing 'port NAME', 'host ADDRESS' or 'backends IP ...'");
	if (s.type != EP_GATEWAY && !seen[12])
		s.nat_lo = s.nat_hi = 0;	/* a gateway made simple drops its range */
	r = add ? rt_ep_add(c->t, &s, c->msg, sizeof(c->msg))
		: rt_ep_set(c->t, &s, c->msg, sizeof(c->msg));
	return r ? rt_lang_err_from(c, r, c->msg) : 0;
}
