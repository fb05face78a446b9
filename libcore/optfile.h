/* SPDX-License-Identifier: MIT */
/*
 * Options files: a team's own Geneve option layouts, named without
 * rebuilding genv (~/.config/genv/options.conf, --options FILE,
 * $GENV_OPTIONS; the format is in genv-options(7) OPTIONS FILES):
 *
 *   # NAME       CLASS   TYPE  FIELD:BITS[:FORMAT] ...       ["DESCRIPTION"]
 *   acme.tenant  0xff10  0x01  tenant:24 -:4 zone:4 "ACME tenant tag"
 *
 * A pure parser of a buffer (the file reading is the caller's): it
 * returns a registry (optreg.h) or, on the first bad line, nothing at all
 * and "FILE:LINE: problem".
 *
 * Layer: libcore; optfile.c calls optreg, num, msg and libc.
 */
#ifndef GENV_OPTFILE_H
#define GENV_OPTFILE_H

#include <stddef.h>
#include "optreg.h"

#define GNV_OPTFILE_MAX		(64u << 10)	/* bytes: a bigger file is refused */

/*
 * Parse n bytes at buf; fname names the file in messages.  Returns 0 with
 * *out a new registry (free with gnv_optreg_free; an empty file gives one
 * with no layouts), or -EINVAL with *out NULL and "FNAME:LINE: ..." in err
 * (-ENOMEM: "out of memory").
 */
int gnv_optfile_parse(const char *fname, const char *buf, size_t n,
		      struct gnv_optreg **out, char *err, size_t errsz);

void gnv_optreg_free(struct gnv_optreg *reg);

/* How many layouts the file gave. */
unsigned int gnv_optreg_count(const struct gnv_optreg *reg);

#endif
