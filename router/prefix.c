/* SPDX-License-Identifier: MIT */
/*
 * Address prefixes and the text forms of addresses (see prefix.h).
 * Layer: router; calls libcore (num, msg) and libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include "../libcore/msg.h"
#include "../libcore/num.h"
#include "prefix.h"

const char *rt_addr_fmt(char *buf, size_t n, int family, const uint8_t *a)
{
	if (!inet_ntop(family == 6 ? AF_INET6 : AF_INET, a, buf, (socklen_t)n))
		snprintf(buf, n, "?");
	return buf;
}

const char *rt_prefix_fmt(char *buf, size_t n, const struct rt_prefix *p)
{
	char a[RT_ADDR_STR];

	snprintf(buf, n, "%s/%u", rt_addr_fmt(a, sizeof(a), p->family, p->a), p->len);
	return buf;
}

bool rt_prefix_overlap(const struct rt_prefix *a, const struct rt_prefix *b)
{
	if (a->family != b->family)
		return false;
	return a->len <= b->len ? rt_prefix_contains(a, b->family, b->a)
				: rt_prefix_contains(b, a->family, a->a);
}

int rt_prefix_parse(const char *s, struct rt_prefix *p, char *err, size_t errsz)
{
	const char *slash = strchr(s, '/');
	char addr[64];
	uint8_t m[16];
	uint32_t len;
	int family;

	if (!slash || (size_t)(slash - s) >= sizeof(addr))
		return gnv_errf(err, errsz, -EINVAL, "'%s' is not a prefix (ADDRESS/LENGTH)", s);
	memcpy(addr, s, (size_t)(slash - s));
	addr[slash - s] = 0;
	memset(p, 0, sizeof(*p));
	if (parse_ip(addr, &family, p->a))
		return gnv_errf(err, errsz, -EINVAL, "'%s': invalid IP address", addr);
	if (num_parse_u32(slash + 1, 0, rt_addr_bits(family), &len))
		return gnv_errf(err, errsz, -EINVAL, "'%s': prefix length must be 0..%u",
				slash + 1, rt_addr_bits(family));
	p->family = (uint8_t)family;
	p->len = (uint8_t)len;
	rt_addr_mask(m, p->a, family, len);
	if (memcmp(m, p->a, 16))
		return gnv_errf(err, errsz, -EINVAL, "'%s': host bits set (did you mean %s/%u?)",
				s, rt_addr_fmt(addr, sizeof(addr), family, m), len);
	return 0;
}

void rt_prefix_first(const struct rt_prefix *p, uint8_t out[16])
{
	int i = p->family == 6 ? 15 : 3;

	memcpy(out, p->a, 16);
	if (p->len >= rt_addr_bits(p->family))
		return;
	while (i >= 0 && ++out[i] == 0)
		i--;
}

