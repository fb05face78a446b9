/* SPDX-License-Identifier: MIT */
/*
 * One emitter for text and JSON (the habit of iproute2's print_*(PRINT_ANY)):
 * a renderer makes one call per field, giving both the JSON key and the
 * text form, and the emitter writes whichever the output wants.  Text and
 * JSON of a record then come from the same calls and cannot drift.
 *
 * Layer: libcore.  Writes into a caller's sbuf (sbuf.h) through libcore's
 * JSON writer (json.h); no I/O, no allocation per field, no state outside
 * the struct.
 *
 * The text form of a field is a small format with at most one conversion
 * for the field's value, plus literal text around it:
 *
 *   %[-0][WIDTH][.PREC][hh|h|l|ll|z|j|t]C   the value, padded to WIDTH
 *                                            (left with '-', zeros with '0')
 *   %k                                       the JSON key (WIDTH/'-' apply)
 *   %%                                       a '%'
 *
 * Length modifiers are accepted and ignored: the emitter knows the value's
 * type.  C is one of d i u x X (integers; u64 prints unsigned whatever the
 * letter, x/X hex), f g e (doubles, rendered by snprintf), s (strings and
 * every value shown as text: bool, hex, MAC, address).  A format without
 * a conversion prints only its literal text (a field whose value the text
 * does not show).  fmt NULL: the field exists in JSON only.  Text-only
 * pieces go through gnv_emit_text() / gnv_emit_puts().
 *
 *   struct gnv_emit e;
 *
 *   gnv_emit_init(&e, &sb, json, pretty);
 *   gnv_emit_obj_open(&e, NULL, NULL);
 *   gnv_emit_u64(&e, "seq", "drop seq=%llu", seq);
 *   gnv_emit_str(&e, "reason", " reason=%s", name);
 *   gnv_emit_ip(&e, "from", " from=%s", fam, addr);     // fam 0: null / "-"
 *   gnv_emit_text(&e, " self=%s", self);                // text only
 *   gnv_emit_u64(&e, "vni", NULL, vni);                 // JSON only
 *   gnv_emit_obj_close(&e, "\n");
 *
 *   text: drop seq=7 reason=route.none from=192.0.2.1 self=...\n
 *   JSON: {"seq":7,"reason":"route.none","from":"192.0.2.1","vni":5}
 *
 * Inside a JSON array the key is NULL (the value has no key; %k prints
 * nothing).  Values that are NULL strings, address family 0 or a non-finite
 * double are JSON null and "-" in text.
 */
#ifndef GENV_EMIT_H
#define GENV_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "json.h"
#include "sbuf.h"

struct gnv_emit {
	struct sbuf *sb;	/* the output; the caller owns it */
	struct json j;		/* JSON nesting (unused in text mode) */
	bool json;
};

/* Start emitting into sb: JSON (pretty: indented) or text. */
void gnv_emit_init(struct gnv_emit *e, struct sbuf *sb, bool json, bool pretty);
static inline bool gnv_emit_is_json(const struct gnv_emit *e) { return e->json; }

/*
 * Objects and arrays.  key: the JSON key (NULL at the top and inside
 * arrays); text: literal text written in text mode (NULL: none).
 */
void gnv_emit_obj_open(struct gnv_emit *e, const char *key, const char *text);
void gnv_emit_obj_close(struct gnv_emit *e, const char *text);
void gnv_emit_arr_open(struct gnv_emit *e, const char *key, const char *text);
void gnv_emit_arr_close(struct gnv_emit *e, const char *text);

/* Typed fields: JSON key, text format (see above; NULL: JSON only), value. */
void gnv_emit_str(struct gnv_emit *e, const char *key, const char *fmt, const char *val);
void gnv_emit_u64(struct gnv_emit *e, const char *key, const char *fmt, uint64_t val);
void gnv_emit_i64(struct gnv_emit *e, const char *key, const char *fmt, int64_t val);
void gnv_emit_dbl(struct gnv_emit *e, const char *key, const char *fmt, double val);
/* JSON true/false; text "true"/"false", or yes/no when given (not NULL). */
void gnv_emit_bool(struct gnv_emit *e, const char *key, const char *fmt, bool val,
		   const char *yes, const char *no);
/* Bytes as lowercase hex without separators (a JSON string). */
void gnv_emit_hex(struct gnv_emit *e, const char *key, const char *fmt, const uint8_t *p,
		  size_t n);
void gnv_emit_mac(struct gnv_emit *e, const char *key, const char *fmt, const uint8_t mac[6]);
/* family 4 or 6 (RFC 5952 text); anything else is null / "-". */
void gnv_emit_ip(struct gnv_emit *e, const char *key, const char *fmt, int family,
		 const uint8_t *a);
/* A prefix, "ADDR/LEN" (a JSON string) as gnv_emit_ip() writes ADDR. */
void gnv_emit_prefix(struct gnv_emit *e, const char *key, const char *fmt, int family,
		     const uint8_t *a, unsigned int len);
/* JSON null; text: the format's literal text ("%s" prints "-"). */
void gnv_emit_null(struct gnv_emit *e, const char *key, const char *fmt);

/* Text only: a printf format / a literal.  Nothing in JSON mode. */
void gnv_emit_text(struct gnv_emit *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void gnv_emit_puts(struct gnv_emit *e, const char *s);

/* JSON only, for values the typed calls do not cover: the JSON writer. */
static inline struct json *gnv_emit_json(struct gnv_emit *e) { return e->json ? &e->j : NULL; }

#endif
