/* SPDX-License-Identifier: MIT */
/*
 * Pure readers of ethtool generic-netlink replies (see ethnl.h).
 * Every attribute goes through nla_next(), which checks its header and
 * length against what is left of its container before anything is read.
 *
 * Layer: cmd, but with no I/O and no globals: the unit tests and the
 * fuzzer compile this file alone.
 */
#include <errno.h>
#include <string.h>
#include <linux/ethtool_netlink.h>
#include "ethnl.h"

#define NLA_HDR 4
#define NLA_TYPE_BITS 0x3fff		/* without NLA_F_NESTED and NLA_F_NET_BYTEORDER */

struct nla_it {
	const uint8_t *p;
	size_t left;
};

struct nla {
	uint16_t type;
	const uint8_t *val;
	size_t size;
};

static uint16_t rd16(const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* 1 and *a filled, 0 at the end, -EBADMSG on a malformed attribute. */
static int nla_next(struct nla_it *it, struct nla *a, const char **why)
{
	size_t len, step;

	if (!it->left)
		return 0;
	if (it->left < NLA_HDR) {
		*why = "attribute header truncated";
		return -EBADMSG;
	}
	len = rd16(it->p);
	if (len < NLA_HDR) {
		*why = "attribute length shorter than its header";
		return -EBADMSG;
	}
	if (len > it->left) {
		*why = "attribute longer than its container";
		return -EBADMSG;
	}
	a->type = rd16(it->p + 2) & NLA_TYPE_BITS;
	a->val = it->p + NLA_HDR;
	a->size = len - NLA_HDR;
	step = (len + 3) & ~(size_t)3;
	if (step > it->left)
		step = it->left;	/* the last attribute may lack its padding */
	it->p += step;
	it->left -= step;
	return 1;
}

static void nla_sub(struct nla_it *it, const struct nla *a)
{
	it->p = a->val;
	it->left = a->size;
}

static int want_u32(const struct nla *a, uint32_t *v, const char *what, const char **why)
{
	if (a->size != 4) {
		*why = what;
		return -EBADMSG;
	}
	*v = rd32(a->val);
	return 0;
}

/* A bitset of at most 32 bits, compact (VALUE) or verbose (BITS). */
static int parse_bitset32(const struct nla *set, uint32_t *out, const char **why)
{
	struct nla_it it, bits;
	struct nla a, b, c;
	int ret;

	*out = 0;
	nla_sub(&it, set);
	while ((ret = nla_next(&it, &a, why)) > 0) {
		if (a.type == ETHTOOL_A_BITSET_VALUE) {
			if (a.size < 4 || a.size % 4) {
				*why = "bitset value not a whole number of 32-bit words";
				return -EBADMSG;
			}
			*out = rd32(a.val);
		} else if (a.type == ETHTOOL_A_BITSET_BITS) {
			nla_sub(&bits, &a);
			while ((ret = nla_next(&bits, &b, why)) > 0) {
				struct nla_it bit;
				uint32_t idx = 0;
				bool have_idx = false;

				if (b.type != ETHTOOL_A_BITSET_BITS_BIT)
					continue;
				nla_sub(&bit, &b);
				while ((ret = nla_next(&bit, &c, why)) > 0)
					if (c.type == ETHTOOL_A_BITSET_BIT_INDEX) {
						if (want_u32(&c, &idx, "bit index not a u32", why))
							return -EBADMSG;
						have_idx = true;
					}
				if (ret < 0)
					return ret;
				if (!have_idx) {
					*why = "bitset bit without an index";
					return -EBADMSG;
				}
				if (idx < 32)
					*out |= 1U << idx;
			}
			if (ret < 0)
				return ret;
		}
	}
	return ret;
}

static int parse_entry(const struct nla *e, struct ethnl_tunnel_entry *out, const char **why)
{
	bool have_port = false, have_type = false;
	struct nla_it it;
	struct nla a;
	int ret;

	nla_sub(&it, e);
	while ((ret = nla_next(&it, &a, why)) > 0) {
		if (a.type == ETHTOOL_A_TUNNEL_UDP_ENTRY_PORT) {
			if (a.size != 2) {
				*why = "entry port not a be16";
				return -EBADMSG;
			}
			out->port = (uint16_t)(a.val[0] << 8 | a.val[1]);
			have_port = true;
		} else if (a.type == ETHTOOL_A_TUNNEL_UDP_ENTRY_TYPE) {
			if (want_u32(&a, &out->type, "entry type not a u32", why))
				return -EBADMSG;
			have_type = true;
		}
	}
	if (ret < 0)
		return ret;
	if (!have_port || !have_type) {
		*why = have_port ? "entry without a type" : "entry without a port";
		return -EBADMSG;
	}
	return 0;
}

static int parse_table(const struct nla *t, struct ethnl_tunnel_table *out, const char **why)
{
	bool have_size = false;
	struct nla_it it;
	struct nla a;
	int ret;

	nla_sub(&it, t);
	while ((ret = nla_next(&it, &a, why)) > 0) {
		switch (a.type) {
		case ETHTOOL_A_TUNNEL_UDP_TABLE_SIZE:
			if (want_u32(&a, &out->size, "table size not a u32", why))
				return -EBADMSG;
			have_size = true;
			break;
		case ETHTOOL_A_TUNNEL_UDP_TABLE_TYPES:
			ret = parse_bitset32(&a, &out->types, why);
			if (ret)
				return ret;
			break;
		case ETHTOOL_A_TUNNEL_UDP_TABLE_ENTRY:
			if (out->entry_len >= ETHNL_ENTRIES_MAX) {
				*why = "too many entries in a table";
				return -EBADMSG;
			}
			ret = parse_entry(&a, &out->entry[out->entry_len++], why);
			if (ret)
				return ret;
			break;
		}
	}
	if (ret < 0)
		return ret;
	if (!have_size) {
		*why = "table without a size";
		return -EBADMSG;
	}
	if (out->entry_len > out->size) {
		*why = "table holds more entries than its size";
		return -EBADMSG;
	}
	return 0;
}

int ethnl_tunnels_parse(const void *buf, size_t size, struct ethnl_tunnels *out, const char **why)
{
	struct nla_it it = { buf, size }, ports;
	bool have_ports = false;
	struct nla a, t;
	int ret;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	while ((ret = nla_next(&it, &a, why)) > 0) {
		if (a.type != ETHTOOL_A_TUNNEL_INFO_UDP_PORTS)
			continue;
		if (have_ports) {
			*why = "UDP ports given twice";
			return -EBADMSG;
		}
		have_ports = true;
		nla_sub(&ports, &a);
		while ((ret = nla_next(&ports, &t, why)) > 0) {
			if (t.type != ETHTOOL_A_TUNNEL_UDP_TABLE)
				continue;
			if (out->table_len >= ETHNL_TABLES_MAX) {
				*why = "too many tables";
				return -EBADMSG;
			}
			ret = parse_table(&t, &out->table[out->table_len++], why);
			if (ret)
				return ret;
		}
		if (ret < 0)
			return ret;
	}
	if (ret < 0)
		return ret;
	if (!have_ports) {
		*why = "no UDP ports attribute";
		return -EBADMSG;
	}
	return 0;
}

const char *ethnl_tunnel_type_name(uint32_t type)
{
	static const char *const names[] = { "vxlan", "geneve", "vxlan-gpe" };

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : NULL;
}
