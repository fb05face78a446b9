/* SPDX-License-Identifier: MIT */
/*
 * Minimal JSON writer into an sbuf.  It tracks nesting so callers never
 * place commas by hand; -p/--pretty indents.  Keys and strings are escaped.
 *
 * Layer: libcore; json.c calls only sbuf and libc.
 */
#ifndef GENV_JSON_H
#define GENV_JSON_H

#include <stdbool.h>
#include <stdint.h>
#include "sbuf.h"

#define JSON_MAX_DEPTH 16

struct json {
	struct sbuf *sb;
	bool pretty;
	int depth;
	bool first[JSON_MAX_DEPTH];
	bool after_key;
};

void json_init(struct json *j, struct sbuf *sb, bool pretty);
void json_obj_open(struct json *j, const char *key);	/* key NULL in arrays/top */
void json_obj_close(struct json *j);
void json_arr_open(struct json *j, const char *key);
void json_arr_close(struct json *j);
void json_key(struct json *j, const char *key);		/* next value belongs to key */
void json_str(struct json *j, const char *key, const char *val);
void json_u64(struct json *j, const char *key, uint64_t val);
void json_i64(struct json *j, const char *key, int64_t val);
void json_dbl(struct json *j, const char *key, double val);
void json_bool(struct json *j, const char *key, bool val);
void json_null(struct json *j, const char *key);
void json_hex(struct json *j, const char *key, const uint8_t *p, size_t n);
void json_mac(struct json *j, const char *key, const uint8_t mac[6]);
void json_ip(struct json *j, const char *key, int family, const uint8_t *a);

#endif
