/* SPDX-License-Identifier: MIT */
/*
 * The strict number parser and the address/MAC/hex parsers (num.h).
 * Layer: libcore; calls only libc.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "num.h"

int num_parse_span(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out)
{
	unsigned int base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (!s || !n)
		return -EINVAL;
	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	} else if (n > 2 && s[0] == '0' && (s[1] == 'b' || s[1] == 'B')) {
		base = 2;
		i = 2;
	}
	for (; i < n; i++) {
		unsigned int d;
		char c = s[i];

		if (c >= '0' && c <= '9')
			d = (unsigned int)(c - '0');
		else if (c >= 'a' && c <= 'f')
			d = (unsigned int)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			d = (unsigned int)(c - 'A' + 10);
		else
			return -EINVAL;
		if (d >= base)
			return -EINVAL;
		if (v > (UINT64_MAX - d) / base)
			return -ERANGE;
		v = v * base + d;
	}
	if (v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int num_parse_lead(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **end)
{
	size_t n = s ? strspn(s, "0123456789") : 0;
	int ret = num_parse_span(s, n, min, max, out);

	if (!ret)
		*end = s + n;
	return ret;
}

int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	return num_parse_span(s, s ? strlen(s) : 0, min, max, out);
}

int num_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out)
{
	uint64_t v;
	int ret = num_parse_u64(s, min, max, &v);

	if (!ret)
		*out = (uint32_t)v;
	return ret;
}

int num_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !*s || *s == ' ' || *s == '+' || *s == '-')
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (*end || end == s)
		return -EINVAL;
	if (errno == ERANGE || !isfinite(v) || v < min || v > max)
		return -ERANGE;
	*out = v;
	return 0;
}

int num_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = (char)(c | 0x20);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		uint64_t v;
		size_t n = 0;

		while (s[n] && s[n] != ':' && s[n] != '-')
			n++;
		if (n < 1 || n > 2)
			return -EINVAL;
		/* one or two hex digits (a decimal parse would reject "aa") */
		v = 0;
		for (size_t k = 0; k < n; k++) {
			int d = num_hexval(s[k]);

			if (d < 0)
				return -EINVAL;
			v = v * 16 + (unsigned int)d;
		}
		mac[i] = (uint8_t)v;
		s += n;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -EINVAL;
			s++;
		}
	}
	return *s ? -EINVAL : 0;
}

int parse_ip4(const char *s, uint8_t a[4])
{
	/* inet_pton accepts only dotted quads with decimal octets */
	return inet_pton(AF_INET, s, a) == 1 ? 0 : -EINVAL;
}

int parse_ip6(const char *s, uint8_t a[16])
{
	return inet_pton(AF_INET6, s, a) == 1 ? 0 : -EINVAL;
}

int parse_ip(const char *s, int *family, uint8_t a[16])
{
	memset(a, 0, 16);
	if (!parse_ip4(s, a)) {
		*family = 4;
		return 0;
	}
	if (!parse_ip6(s, a)) {
		*family = 6;
		return 0;
	}
	return -EINVAL;
}

int parse_hex(const char *s, uint8_t *out, size_t max, size_t *n)
{
	size_t k = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	while (*s) {
		int hi, lo;

		if (*s == ':' || *s == '.' || *s == ' ') {
			if (!k)
				return -EINVAL;
			s++;
			continue;
		}
		hi = num_hexval(s[0]);
		lo = hi < 0 ? -1 : num_hexval(s[1]);
		if (hi < 0 || lo < 0)
			return -EINVAL;
		if (k >= max)
			return -ERANGE;
		out[k++] = (uint8_t)(hi << 4 | lo);
		s += 2;
	}
	*n = k;
	return 0;
}
