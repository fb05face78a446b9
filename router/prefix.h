/* SPDX-License-Identifier: MIT */
/*
 * Address prefixes (IPv4 and IPv6 alike) and the text forms of addresses
 * and prefixes, for the tables, the command language, the drop ring and
 * trace.  Layer: router, below the tables; prefix.c calls libcore (num,
 * msg) and libc only.
 *
 *   10.0.0.0/16    family 4, len 16, a = 10.0.0.0 (host bits zero)
 *   fd00::/64      family 6, len 64
 */
#ifndef GENV_RT_PREFIX_H
#define GENV_RT_PREFIX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* An address prefix; host bits are zero. */
struct rt_prefix {
	uint8_t family;		/* 4 or 6 */
	uint8_t len;		/* 0..32 / 0..128 */
	uint8_t a[16];
};

bool rt_prefix_overlap(const struct rt_prefix *a, const struct rt_prefix *b);
/* "10.0.0.0/16": 0 or -EINVAL (message in err: bad address, length, host bits set). */
int rt_prefix_parse(const char *s, struct rt_prefix *p, char *err, size_t errsz);
/* The first address after the prefix's own (10.0.0.1 for 10.0.0.0/16;
 * the address itself for a host prefix): the default gateway. */
void rt_prefix_first(const struct rt_prefix *p, uint8_t out[16]);

/* Text forms (inet_ntop; for messages, trace and show).  Return buf. */
#define RT_ADDR_STR	48
#define RT_PREFIX_STR	52
const char *rt_addr_fmt(char *buf, size_t n, int family, const uint8_t *a);
const char *rt_prefix_fmt(char *buf, size_t n, const struct rt_prefix *p);

static inline unsigned int rt_addr_bits(int family)
{
	return family == 6 ? 128 : 32;
}

/* out (16 bytes) = the first len bits of in, the rest zero.  Inline: the
 * longest-prefix match masks once per prefix length it tries. */
static inline void rt_addr_mask(uint8_t *out, const uint8_t *in, int family, unsigned int len)
{
	unsigned int nbytes = family == 6 ? 16 : 4, i;

	memset(out, 0, 16);
	for (i = 0; i < nbytes && len >= 8; i++, len -= 8)
		out[i] = in[i];
	if (i < nbytes && len)
		out[i] = (uint8_t)(in[i] & (0xff00u >> len));
}

/* Is ip inside p?  Inline too: a VPC's CIDRs are tested per packet. */
static inline bool rt_prefix_contains(const struct rt_prefix *p, int family, const uint8_t *ip)
{
	uint8_t m[16];

	if (p->family != family)
		return false;
	rt_addr_mask(m, ip, family, p->len);
	return !memcmp(m, p->a, 16);
}

/* The first of n prefixes that contains ip, or NULL (a VPC's CIDRs). */
static inline const struct rt_prefix *rt_prefix_first_of(const struct rt_prefix *p, unsigned int n,
							 int family, const uint8_t *ip)
{
	for (unsigned int i = 0; i < n; i++)
		if (rt_prefix_contains(&p[i], family, ip))
			return &p[i];
	return NULL;
}

#endif
