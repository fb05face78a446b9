/* SPDX-License-Identifier: MIT */
/*
 * Geneve option TLVs: blob checks, search and the writer (see opt_tlv.h;
 * the iterator itself is inline there).  Layer: libcore; calls only
 * cursor.h, err.h and libc.
 */
#include <errno.h>
#include <string.h>
#include "opt_tlv.h"

bool gnv_opt_blob_ok(const uint8_t *p, size_t size)
{
	struct gnv_opt_iter it;
	struct gnv_tlv o;

	gnv_opt_iter_init(&it, p, size, size);
	while (gnv_opt_next(&it, &o))
		;
	return it.status == GNV_OK;
}

bool gnv_opt_any_critical(const uint8_t *p, size_t size)
{
	struct gnv_opt_iter it;
	struct gnv_tlv o;

	gnv_opt_iter_init(&it, p, size, size);
	while (gnv_opt_next(&it, &o))
		if (o.critical)
			return true;
	return false;
}

int gnv_opt_find(const uint8_t *p, size_t size, uint16_t cls, uint8_t type,
		 struct gnv_tlv *o)
{
	struct gnv_opt_iter it;
	struct gnv_tlv x;
	int n = 0;

	gnv_opt_iter_init(&it, p, size, size);
	while (gnv_opt_next(&it, &x))
		if (gnv_opt_is(&x, cls, type) && !n++ && o)
			*o = x;
	return it.status == GNV_OK ? n : -EINVAL;
}

uint8_t *gnv_opt_reserve(struct gnv_optbuf *b, uint16_t cls, uint8_t type, size_t dsize)
{
	size_t padded = (dsize + 3) & ~(size_t)3;
	uint8_t *p;

	if (dsize > GNV_OPT_DATA_MAX || b->size > b->cap ||
	    GNV_OPT_HDR_SIZE + padded > b->cap - b->size)
		return NULL;
	p = b->buf + b->size;
	gnv_opt_hdr_write(p, cls, type, padded);
	memset(p + GNV_OPT_HDR_SIZE, 0, padded);
	b->size += GNV_OPT_HDR_SIZE + padded;
	return p + GNV_OPT_HDR_SIZE;
}

int gnv_opt_append(struct gnv_optbuf *b, uint16_t cls, uint8_t type,
		   const void *data, size_t dsize)
{
	uint8_t *d;

	if (dsize > GNV_OPT_DATA_MAX)
		return -EINVAL;
	d = gnv_opt_reserve(b, cls, type, dsize);
	if (!d)
		return -ENOSPC;
	if (dsize)
		memcpy(d, data, dsize);
	return 0;
}
