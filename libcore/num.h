/* SPDX-License-Identifier: MIT */
/*
 * The one strict number parser: rejects empty strings, signs, trailing
 * garbage and overflow, applies an inclusive range.  Decimal, 0x hex and
 * 0b binary.  Returns 0 or -EINVAL / -ERANGE.
 *
 * Layer: libcore; num.c calls only libc.
 */
#ifndef GENV_NUM_H
#define GENV_NUM_H

#include <stddef.h>
#include <stdint.h>

int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);
int num_parse_u32(const char *s, uint32_t min, uint32_t max, uint32_t *out);
int num_parse_double(const char *s, double min, double max, double *out);
/* Same, on a counted (not NUL-terminated) span. */
int num_parse_span(const char *s, size_t n, uint64_t min, uint64_t max, uint64_t *out);
/* Same, on the decimal digits s starts with (at least one); *end gets the
 * first byte after them, for "WORD N REST" lines the caller checks on. */
int num_parse_lead(const char *s, uint64_t min, uint64_t max, uint64_t *out, const char **end);

/* Addresses: 0 or -EINVAL. */
int parse_mac(const char *s, uint8_t mac[6]);
int parse_ip4(const char *s, uint8_t a[4]);
int parse_ip6(const char *s, uint8_t a[16]);
/* IPv4 or IPv6; *family gets 4 or 6. */
int parse_ip(const char *s, int *family, uint8_t a[16]);
/* Hex bytes, optional 0x prefix, ':' '.' ' ' separators allowed between bytes. */
/* The value of hex digit c, or -1. */
int num_hexval(char c);
int parse_hex(const char *s, uint8_t *out, size_t max, size_t *n);

#endif
