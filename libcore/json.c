/* SPDX-License-Identifier: MIT */
/*
 * The JSON writer (json.h).  Layer: libcore; calls sbuf and libc.
 */
#include <math.h>
#include <stdio.h>
#include "json.h"

void json_init(struct json *j, struct sbuf *sb, bool pretty)
{
	j->sb = sb;
	j->pretty = pretty;
	j->depth = 0;
	j->first[0] = true;
	j->after_key = false;
}

static void indent(struct json *j)
{
	sbuf_putc(j->sb, '\n');
	for (int i = 0; i < j->depth; i++)
		sbuf_add(j->sb, "  ", 2);
}

static void json_string(struct sbuf *sb, const char *s)
{
	static const char hex[] = "0123456789abcdef";

	sbuf_putc(sb, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		size_t n = 0;

		/* copy runs of plain characters at once */
		while (p[n] >= 0x20 && p[n] < 0x7f && p[n] != '"' && p[n] != '\\')
			n++;
		if (n) {
			sbuf_add(sb, (const char *)p, n);
			p += n - 1;
			continue;
		}
		if (*p == '"' || *p == '\\') {
			sbuf_putc(sb, '\\');
			sbuf_putc(sb, (char)*p);
		} else if (*p == '\n') {
			sbuf_add(sb, "\\n", 2);
		} else if (*p < 0x20 || *p >= 0x7f) {
			/* bytes outside ASCII are not trusted to be UTF-8 */
			char t[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			sbuf_add(sb, t, 6);
		} else {
			sbuf_putc(sb, (char)*p);
		}
	}
	sbuf_putc(sb, '"');
}

/* Comma, newline/indent and key before a value. */
static void prefix(struct json *j, const char *key)
{
	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->depth > 0) {
		if (!j->first[j->depth])
			sbuf_putc(j->sb, ',');
		j->first[j->depth] = false;
		if (j->pretty)
			indent(j);
	}
	if (key) {
		json_string(j->sb, key);
		sbuf_add(j->sb, j->pretty ? ": " : ":", j->pretty ? 2 : 1);
	}
}

static void open_(struct json *j, const char *key, char c)
{
	prefix(j, key);
	sbuf_putc(j->sb, c);
	if (j->depth + 1 < JSON_MAX_DEPTH)
		j->depth++;
	j->first[j->depth] = true;
}

static void close_(struct json *j, char c)
{
	bool empty = j->first[j->depth];

	if (j->depth > 0)
		j->depth--;
	if (j->pretty && !empty)
		indent(j);
	sbuf_putc(j->sb, c);
}

void json_obj_open(struct json *j, const char *key) { open_(j, key, '{'); }
void json_obj_close(struct json *j) { close_(j, '}'); }
void json_arr_open(struct json *j, const char *key) { open_(j, key, '['); }
void json_arr_close(struct json *j) { close_(j, ']'); }

void json_key(struct json *j, const char *key)
{
	prefix(j, key);
	j->after_key = true;
}

void json_str(struct json *j, const char *key, const char *val)
{
	prefix(j, key);
	if (val)
		json_string(j->sb, val);
	else
		sbuf_add(j->sb, "null", 4);
}

void json_u64(struct json *j, const char *key, uint64_t val)
{
	prefix(j, key);
	sbuf_u64(j->sb, val);
}

void json_i64(struct json *j, const char *key, int64_t val)
{
	prefix(j, key);
	if (val < 0) {
		sbuf_putc(j->sb, '-');
		sbuf_u64(j->sb, (uint64_t)(-(val + 1)) + 1);
	} else {
		sbuf_u64(j->sb, (uint64_t)val);
	}
}

void json_dbl(struct json *j, const char *key, double val)
{
	prefix(j, key);
	if (!isfinite(val))
		sbuf_add(j->sb, "null", 4);
	else
		sbuf_printf(j->sb, "%.6g", val);
}

void json_bool(struct json *j, const char *key, bool val)
{
	prefix(j, key);
	sbuf_puts(j->sb, val ? "true" : "false");
}

void json_null(struct json *j, const char *key)
{
	prefix(j, key);
	sbuf_add(j->sb, "null", 4);
}

void json_hex(struct json *j, const char *key, const uint8_t *p, size_t n)
{
	prefix(j, key);
	sbuf_putc(j->sb, '"');
	sbuf_hex(j->sb, p, n);
	sbuf_putc(j->sb, '"');
}

void json_mac(struct json *j, const char *key, const uint8_t mac[6])
{
	prefix(j, key);
	sbuf_putc(j->sb, '"');
	sbuf_mac(j->sb, mac);
	sbuf_putc(j->sb, '"');
}

void json_ip(struct json *j, const char *key, int family, const uint8_t *a)
{
	prefix(j, key);
	sbuf_putc(j->sb, '"');
	if (family == 4)
		sbuf_ip4(j->sb, a);
	else
		sbuf_ip6(j->sb, a);
	sbuf_putc(j->sb, '"');
}
