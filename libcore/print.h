/* SPDX-License-Identifier: MIT */
/*
 * Renderers of a decoded packet (struct gnv_pkt) into an sbuf: a one-line
 * summary (tcpdump-like), a field-by-field multi-line view, and one JSON
 * object per frame (schema 1, documented in man/genv-decode.1).  They only
 * read the decoded struct and the frame bytes it points into; nothing is
 * allocated per packet once the sbuf has grown.
 *
 *   one line:  FRAME TIME SRC.SPORT > DST.DPORT: Geneve vni N [O][C]
 *              opts [..]: INNER, length LEN [!code]..
 *
 * Layer: libcore; print_text.c and print_json.c call optreg, json, sbuf,
 * cursor.h and libc.
 */
#ifndef GENV_PRINT_H
#define GENV_PRINT_H

#include <stdbool.h>
#include <stdint.h>
#include "json.h"
#include "optreg.h"
#include "pkt.h"
#include "sbuf.h"

#define GNV_JSON_SCHEMA 1

/* Where a frame came from: its position and capture timestamp. */
struct gnv_frame {
	uint64_t num;		/* 1-based position in the input */
	bool has_ts;		/* false for hex input */
	int64_t sec;
	uint32_t frac;		/* fraction of a second */
	uint8_t frac_digits;	/* 6 (microseconds) or 9 (nanoseconds) */
	const char *ifname;	/* capture on "any": the interface, or NULL */
	const char *dir;	/* and "In", "Out", "B", "M", "P" (tcpdump's words) */
};

/*
 * Rendered option texts, keyed by the option's bytes and genv's class: a
 * capture repeats a few kinds of options millions of times, and the text
 * of a wholly captured option depends on nothing else.  Private to
 * print_text.c and print_json.c; it lives in struct gnv_printer so the
 * caller owns it (libcore keeps no state of its own).
 */
#define GNV_OPTCACHE_WAYS	2
#define GNV_OPTCACHE_SETS	16
#define GNV_OPTCACHE_TEXT	1008

struct gnv_optcache_ent {
	uint16_t genv_class;
	uint8_t size;		/* TLV bytes; 0 = empty */
	uint16_t tlen;
	uint32_t used;		/* clock at the last use */
	uint8_t tlv[128];
	char text[GNV_OPTCACHE_TEXT];
};

struct gnv_optcache {
	uint32_t clock;
	struct gnv_optcache_ent e[GNV_OPTCACHE_SETS][GNV_OPTCACHE_WAYS];
};

/* Renderer settings and caches: the date of the last timestamp and the
 * option texts (about 74 KiB in all).  One printer per thread. */
struct gnv_printer {
	bool color;		/* ANSI colour: VNI and error markers */
	bool pretty;		/* indented JSON */
	bool opt_ovs;		/* options in Open vSwitch notation (ovsnot.h) */
	const struct gnv_tlvmap *tlvmap;	/* with opt_ovs: tun_metadataN=VALUE, or NULL */
	int64_t day;		/* day of the cached date string */
	char date[12];		/* "YYYY-MM-DD " */
	struct gnv_optcache line_opts;	/* gnv_print_line's option summaries */
	struct gnv_optcache json_opts;	/* gnv_print_json's compact option objects */
};

void gnv_printer_init(struct gnv_printer *pr, bool color, bool pretty);

/* "2015-02-01 22:04:33.999279" (UTC); nothing when fr->has_ts is false. */
void gnv_print_time(struct gnv_printer *pr, struct sbuf *sb,
		    const struct gnv_frame *fr);

/* One line per frame, ending in '\n'.  Non-Geneve frames get a short line. */
void gnv_print_line(struct gnv_printer *pr, struct sbuf *sb,
		    const struct gnv_pkt *pk, const struct gnv_frame *fr);

/* Field-by-field view (decode -vv): every header field, every option with
 * its class name, data and decoded fields, checksum states, every error
 * with offset and message.  Lines are indented by two spaces. */
void gnv_print_fields(struct gnv_printer *pr, struct sbuf *sb,
		      const struct gnv_pkt *pk);

/* One option in a line: "ovn(C) in=1 out=10" or "Google:0x02 len 16". */
void gnv_print_opt_summary(struct sbuf *sb, const struct gnv_pkt *pk,
			   const struct gnv_opt *o);

/* The decoded fields of an option as "k=v k=v" (craft-language values). */
void gnv_print_opt_fields(struct sbuf *sb, const struct gnv_optinfo *info);

/* The inner (or outer) layers of pk in one phrase:
 * "10.0.0.1.80 > 10.0.0.2.4000 TCP [S.]"; caplen is pk->caplen. */
void gnv_print_layers(struct sbuf *sb, const struct gnv_layers *l, uint32_t caplen);
/* "Geneve", "VXLAN", "VXLAN-GPE", "GRE", "NVGRE" by enum gnv_tun_kind. */
const char *gnv_tun_name(uint8_t kind);

/* JSON: one object per frame followed by '\n' (JSON Lines; pretty when set). */
void gnv_print_json(struct gnv_printer *pr, struct sbuf *sb,
		    const struct gnv_pkt *pk, const struct gnv_frame *fr);

/* The same object as a value inside a caller's JSON document (key may be
 * NULL).  Without a printer it has no option cache: for a stream of
 * packets, gnv_printer_json_pkt() is faster. */
void gnv_json_pkt(struct json *j, const char *key, const struct gnv_pkt *pk,
		  const struct gnv_frame *fr);
void gnv_printer_json_pkt(struct gnv_printer *pr, struct json *j, const char *key,
			  const struct gnv_pkt *pk, const struct gnv_frame *fr);

/* The decoded fields of an option as JSON members of the open object. */
void gnv_json_opt_fields(struct json *j, const struct gnv_optinfo *info);

/* tcpdump -x layout ("\t0x0000:  4500 0054 ..."), 16 bytes a line; with
 * ascii the printable bytes after the hex, as tcpdump -X. */
void gnv_print_hex(struct sbuf *sb, const uint8_t *p, size_t n, bool ascii);

enum gnv_hex_layer { GNV_HEX_FRAME, GNV_HEX_OPTIONS, GNV_HEX_INNER, GNV_HEX_PAYLOAD };

/* Where one layer of a Geneve frame lies in the captured bytes: the
 * options, the inner frame, or the inner L4 payload.  False when the frame
 * has no such layer (or none of it was captured). */
bool gnv_hex_layer(const struct gnv_pkt *pk, enum gnv_hex_layer layer,
		   uint32_t *off, uint32_t *n);

/* "ok", "bad", "zero", "unverified" or NULL (not applicable). */
const char *gnv_csum_state_name(enum gnv_csum_state st);

#endif
