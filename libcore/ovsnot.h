/* SPDX-License-Identifier: MIT */
/*
 * Open vSwitch datapath notation for Geneve options, as ovs-dpctl
 * dump-flows and ovs-appctl ofproto/trace print them inside tunnel(...):
 *
 *   geneve({class=0x102,type=0x80,len=4,0x1000b}{class=0xffa7,type=0,len=0})
 *
 * One {...} per option: class, type, the data length in bytes, and the
 * data as one hex number right-aligned in len bytes (OVS drops leading zero
 * bytes; "0" is all zero).  A masked form ("0x1000b/0x7fff", also on class,
 * type and len) is accepted and the mask ignored: the packet carries the
 * value.  man/genv-options.7 documents it (OPEN VSWITCH NOTATION).
 *
 * Layer: libcore; ovsnot.c calls num, msg, sbuf and libc.
 */
#ifndef GENV_OVSNOT_H
#define GENV_OVSNOT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "sbuf.h"

/* Does text look like OVS notation ("geneve(" or "{")? */
bool gnv_ovs_is_notation(const char *text);

/*
 * Parse text ("geneve({...}{...})" or "{...}{...}") into Geneve option
 * TLVs (4-byte header and data each) at out, at most cap bytes.  Returns
 * 0 with *n the bytes written, or -EINVAL with one line in err naming the
 * option (1-based) and the problem.
 */
int gnv_ovs_parse(const char *text, uint8_t *out, size_t cap, size_t *n,
		  char *err, size_t errsz);

/*
 * Append the options at p (n bytes of TLVs) as "geneve({...}...)".  Returns
 * false, appending nothing, when OVS cannot express them: reserved bits set
 * in an option header, or bytes that are not whole options.
 */
bool gnv_ovs_format(struct sbuf *sb, const uint8_t *p, size_t n);

/*
 * A TLV map, as ovs-ofctl add-tlv-map takes it:
 *   {class=0xffff,type=0,len=4}->tun_metadata0[,{...}->tun_metadataN...]
 * so that OVS flow words tun_metadataN=VALUE name options.
 */
#define GNV_TLVMAP_MAX	64	/* tun_metadata0 .. tun_metadata63 */
struct gnv_tlvmap {
	uint64_t set;		/* bit N: tun_metadataN is mapped */
	struct { uint16_t cls; uint8_t type, len; } m[GNV_TLVMAP_MAX];
};

/* Add the entries of text to map (repeatable).  0, or -EINVAL with one
 * line in err quoting the offending entry. */
int gnv_tlvmap_parse(const char *text, struct gnv_tlvmap *map, char *err, size_t errsz);

/* The entries of from that to does not map yet, into to (the command
 * line's --tlv-map wins over an options file's). */
void gnv_tlvmap_fill(struct gnv_tlvmap *to, const struct gnv_tlvmap *from);

/* Is word (n bytes, up to any '=') "tun_metadataN"?  N, or -1. */
int gnv_tlvmap_index(const char *word, size_t n);

/*
 * "tun_metadataN=VALUE" (VALUE as OVS prints it: a hex number right-aligned
 * in len bytes, optionally /MASK, ignored) into one option TLV at out (cap
 * bytes).  0 with *len the bytes written, or -EINVAL with err naming the
 * word (not mapped, bad value).
 */
/*
 * As gnv_ovs_format(), but the options map names are "tun_metadataN=VALUE"
 * and each other one is its own pfx "geneve({...})", in their order,
 * separated by sep ("tun_metadata0=0x1234 opt=geneve({...})").
 */
bool gnv_ovs_format_map(struct sbuf *sb, const uint8_t *p, size_t n, const struct gnv_tlvmap *map,
			const char *sep, const char *pfx);

int gnv_tlvmap_encode(const struct gnv_tlvmap *map, const char *word, size_t n,
		      uint8_t *out, size_t cap, size_t *len, char *err, size_t errsz);

#endif
