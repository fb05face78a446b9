/* SPDX-License-Identifier: MIT */
/*
 * Recording decode problems in struct gnv_pkt: the bottom of the decoder.
 * The layer parsers (eth.c, ip.c, l4.c, geneve.c) and the dispatcher
 * (decode.c) report through these.  Layer: libcore; calls err.c (the
 * severity of a code), cursor.h and libc.
 */
#include "pkt_err.h"

void gnv_pkt_error(struct gnv_pkt *pk, enum gnv_errcode code, size_t offset)
{
	enum gnv_severity sev = gnv_err_severity(code);

	_Static_assert(GNV_E__COUNT <= 64 * GNV_IGNORE_WORDS, "the ignore mask is too small");
	if (pk->ignore && gnv_ignore_has(pk->ignore, pk->in_inner, code))
		return;
	if (sev == GNV_SEV_INVALID)
		pk->status = GNV_INVALID;
	else if (sev == GNV_SEV_TRUNCATED && pk->status == GNV_OK)
		pk->status = GNV_TRUNCATED;
	if (pk->nerr >= GNV_MAX_ERRS) {
		pk->err_overflow = true;
		return;
	}
	pk->err[pk->nerr].code = (uint16_t)code;
	pk->err[pk->nerr].offset = (uint32_t)offset;
	pk->err[pk->nerr].inner = pk->in_inner;
	pk->nerr++;
}

bool gnv_pkt_has_error(const struct gnv_pkt *pk, enum gnv_errcode code)
{
	for (unsigned int i = 0; i < pk->nerr; i++)
		if (pk->err[i].code == code)
			return true;
	return false;
}

void gnv_pkt_trunc(struct gnv_pkt *pk, const struct gnv_cur *c, size_t n,
		   enum gnv_errcode code, size_t offset)
{
	gnv_pkt_error(pk, gnv_cur_check(c, n) == GNV_INVALID ? GNV_E_HDR_OVERRUN : code,
		      offset);
}
