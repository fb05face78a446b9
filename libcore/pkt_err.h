/* SPDX-License-Identifier: MIT */
/*
 * Internal to the decoder: how a layer parser reports a header it could
 * not read.  gnv_pkt_error() and gnv_pkt_has_error() are public (pkt.h).
 * Layer: libcore; implemented in pkt_err.c.
 */
#ifndef GENV_PKT_ERR_H
#define GENV_PKT_ERR_H

#include <stddef.h>
#include "cursor.h"
#include "pkt.h"

/* A header of n bytes could not be read at the cursor: truncated by the
 * capture (code), or running past the enclosing layer's claimed length
 * (header.overrun, invalid). */
void gnv_pkt_trunc(struct gnv_pkt *pk, const struct gnv_cur *c, size_t n,
		   enum gnv_errcode code, size_t offset);

#endif
