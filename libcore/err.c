/* SPDX-License-Identifier: MIT */
/*
 * Decode error codes: their names, messages and severities (err.h).
 * Layer: libcore; calls only libc.
 */
#include <string.h>
#include "err.h"

static const struct {
	const char *code;
	const char *msg;
	enum gnv_severity sev;
} errtab[] = {
#define GNV_X(e, s, c, m) [GNV_E_##e] = { c, m, GNV_SEV_##s },
	GNV_ERRORS(GNV_X)
#undef GNV_X
};

const char *gnv_err_code(unsigned int code)
{
	return code < GNV_E__COUNT ? errtab[code].code : "unknown";
}

const char *gnv_err_msg(unsigned int code)
{
	return code < GNV_E__COUNT ? errtab[code].msg : "unknown error";
}

enum gnv_severity gnv_err_severity(unsigned int code)
{
	return code < GNV_E__COUNT ? errtab[code].sev : GNV_SEV_INVALID;
}

const char *gnv_status_name(enum gnv_status st)
{
	switch (st) {
	case GNV_OK: return "ok";
	case GNV_TRUNCATED: return "truncated";
	case GNV_INVALID: return "invalid";
	}
	return "invalid";
}

int gnv_err_lookup(const char *code)
{
	for (unsigned int i = 0; i < GNV_E__COUNT; i++)
		if (!strcmp(errtab[i].code, code))
			return (int)i;
	return -1;
}
