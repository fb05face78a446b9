/* SPDX-License-Identifier: MIT */
/*
 * Building packets from a parsed spec (lang.h), once or many times.
 *
 *   text --gnv_lang_parse--> struct gnv_spec --gnv_build--> bytes
 *
 * gnv_build() resolves defaults (types and protocols from the next layer,
 * addresses and ports from fixed defaults, the outer UDP source port
 * from the flow hash of the inner frame), lays the layers out, fills
 * lengths from the bytes that follow and computes checksums innermost
 * first, so an outer UDP checksum covers final inner checksums.
 *
 * Many packets (--vary): gnv_plan_init() builds the frame once and
 * records where each varied field lives and which checksums cover it;
 * gnv_plan_next() then patches only those bytes and updates checksums
 * incrementally (RFC 1624), and the outer source port when the inner
 * flow changes.  No parsing and no allocation per packet.
 */
#ifndef GENV_BUILD_H
#define GENV_BUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "lang.h"
#include "pkt.h"

/* Where each layer landed in the frame. */
struct gnv_layout {
	uint32_t total;
	uint32_t off[GNV_SPEC_MAX_LAYERS];
	uint32_t size[GNV_SPEC_MAX_LAYERS];	/* header (or data) bytes */
	uint32_t end[GNV_SPEC_MAX_LAYERS];	/* end of what its lengths count */
	struct gnv_layer res[GNV_SPEC_MAX_LAYERS];	/* fields with defaults resolved */
};

/*
 * Build spec into buf.  Returns 0 and the frame size in *outsize, or
 * -EMSGSIZE (more than GNV_FRAME_MAX bytes), -ENOSPC (bufsize too small),
 * -EINVAL (more than 252 bytes of Geneve options without optlen=).
 */
int gnv_build(const struct gnv_spec *spec, uint8_t *buf, size_t bufsize, size_t *outsize);

/* The same, with the layout and a message for errors (either may be NULL). */
int gnv_build_ex(const struct gnv_spec *spec, uint8_t *buf, size_t bufsize,
		 size_t *outsize, struct gnv_layout *lay, char *err, size_t errsz);

/* Parse and build in one call (for trace and tests): 0, or -errno with a
 * message in err.  Uses about 20 KiB of stack. */
int gnv_lang_build(const char *text, uint16_t genv_class, uint8_t *buf, size_t bufsize,
		   size_t *outsize, char *err, size_t errsz);

/* GNV_LINK_ETH, or GNV_LINK_RAW when the frame starts with ipv4/ipv6. */
int gnv_spec_linktype(const struct gnv_spec *spec);

/* The outer UDP source port craft derives from the inner frame (n bytes,
 * Geneve protocol type proto): flow_sport(flow_hash_layers(inner, 0)). */
uint16_t gnv_flow_sport_of(const uint8_t *inner, size_t n, uint16_t proto);

/* Helpers shared with lang_print.c. */
/* Resolve the defaults of every unset field (res gets spec->nlayer layers). */
int gnv_spec_resolve(const struct gnv_spec *spec, struct gnv_layer *res, char *err, size_t errsz);
/* end[i]: where the lengths of layer i stop (the pad closing its level, or total). */
void gnv_extents(const struct gnv_layer *res, int n, const uint32_t *off,
		 const uint32_t *size, uint32_t total, uint32_t *end);
/* Read the wire fields of a layer of kind l->kind at p ('before' bytes precede p). */
void gnv_layer_read(struct gnv_layer *l, const uint8_t *p, uint32_t before);
uint64_t gnv_layer_value(const struct gnv_layer *r, const struct gnv_lfield *f);

/* ---- many packets ---- */

#define GNV_MAX_VARY	16

struct gnv_vary {
	uint8_t layer, field;	/* spec layer index, field index in its table */
	bool random;
	uint64_t lo, hi;	/* values (addresses: their low 32/48/64 bits) */
	/* resolved by gnv_plan_init */
	uint32_t woff;
	uint8_t wsize, wshift, wbits;
};

/*
 * Parse "[outer.|inner.][LAYER.]FIELD=RANGE" against spec.  RANGE is a
 * value, LO-HI (cycled: packet i gets LO + i mod (HI-LO+1)) or 'random'
 * (or LO-HI/random: random in the range).  Without outer./inner./LAYER.
 * the deepest layer with that field is meant.  Returns 0 or -EINVAL with
 * a message in err.
 */
int gnv_vary_parse(const struct gnv_spec *spec, const char *text,
		   struct gnv_vary *v, char *err, size_t errsz);

struct gnv_csum_region {
	uint32_t start, end;	/* bytes the checksum covers */
	uint32_t ps_start, ps_end;	/* pseudo-header addresses, or 0,0 */
	uint32_t csum_off;
	bool udp;		/* a computed 0 is sent as 0xffff */
};

struct gnv_hash_entry {
	uint32_t sport_off;	/* outer UDP header */
	uint32_t inner_off, inner_end;
	uint16_t proto;
	uint8_t level;		/* level of the inner frame */
	bool affected, fast;
	struct gnv_layers tpl;	/* decoded inner flow, patched when fast */
	uint32_t map_off[4];	/* fast: where ip src/dst, l4 ports live (0 = absent) */
	uint8_t ip_size;	/* 4 or 16 */
};

struct gnv_plan {
	uint8_t *buf;
	size_t size;
	struct gnv_layout lay;
	struct gnv_vary vary[GNV_MAX_VARY];
	int nvary;
	struct gnv_csum_region reg[GNV_SPEC_MAX_LAYERS];
	int nreg;
	uint32_t vmask[GNV_MAX_VARY];	/* regions covering each varied field */
	uint32_t cmask[GNV_SPEC_MAX_LAYERS];	/* regions covering each checksum */
	uint32_t hmask[4];		/* regions covering each hashed source port */
	bool slow;		/* recompute instead of incremental updates */
	struct gnv_hash_entry hash[4];
	int nhash;
	uint64_t rng;
	const struct gnv_spec *spec;
};

/* Build the template into buf and prepare the patches.  0 or -errno
 * (message in err). */
int gnv_plan_init(struct gnv_plan *p, const struct gnv_spec *spec,
		  const struct gnv_vary *v, int nvary, uint64_t seed,
		  uint8_t *buf, size_t bufsize, char *err, size_t errsz);

/* Turn the frame in p->buf into packet number i (0-based). */
void gnv_plan_next(struct gnv_plan *p, uint64_t i);

#endif
