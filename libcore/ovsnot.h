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

#endif
