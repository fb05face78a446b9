/* SPDX-License-Identifier: MIT */
/*
 * Geneve option registry: names for every IANA-assigned option class, and
 * the layouts genv decodes by name (OVN, Cilium DSR, Google, Mizar, and
 * genv's own options; man/genv-options.7 documents genv's layouts).
 *
 * Decoded option data becomes a list of typed fields, so the text, JSON
 * and craft-language renderers all print the same thing, and the craft
 * parser encodes named options from the same field names (round trip).
 *
 * Layer: libcore; optreg.c calls only libcore (opt_genv, num, msg) and
 * libc.
 */
#ifndef GENV_OPTREG_H
#define GENV_OPTREG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opt_genv.h"	/* genv's option types and sizes */
#include "ovsnot.h"	/* struct gnv_tlvmap */
#include "pkt.h"

#define GNV_MAX_FIELDS		16

enum gnv_fkind {
	GNV_F_UINT,	/* u */
	GNV_F_HEX,	/* raw bytes at p, size bytes */
	GNV_F_IP4,	/* b[0..3] */
	GNV_F_IP6,	/* b[0..15] */
	GNV_F_MAC,	/* b[0..5] */
	GNV_F_ENUM,	/* s (a name), u the raw value */
	GNV_F_BOOL,	/* u */
	GNV_F_U32LIST,	/* size/4 big-endian words at p */
};

struct gnv_field {
	const char *key;
	enum gnv_fkind kind;
	uint64_t u;
	const char *s;
	const uint8_t *p;
	uint8_t size;
	uint8_t b[16];
};

struct gnv_optinfo {
	const char *name;	/* craft-language name ("ovn", "rts", "mizar.rts"), or NULL */
	const char *desc;	/* "OVN logical ports", ... */
	bool layout_ok;		/* data fits the layout (else fields are empty) */
	uint8_t nfield;
	struct gnv_field f[GNV_MAX_FIELDS];
};

/* IANA registry name of a class ("Open Virtual Networking (OVN)"); genv's
 * configured class is "genv (experimental)". Never NULL. */
const char *gnv_class_name(uint16_t cls, uint16_t genv_class);
/* Short class name for one-line output ("OVN", "Google", "genv"). Never NULL. */
const char *gnv_class_short(uint16_t cls, uint16_t genv_class);

/*
 * Describe option o of packet pk.  Returns true when the option has a
 * registered layout (info->name set); false for unknown options (the
 * caller shows raw data).  A registered option whose data does not fit
 * its layout returns true with layout_ok false.
 */
bool gnv_opt_info(const struct gnv_pkt *pk, const struct gnv_opt *o,
		  struct gnv_optinfo *info);

/* True when o has a registered layout and its captured data does not fit it
 * (the decoder reports geneve.option_layout).  Cheap: no field decoding. */
bool gnv_opt_layout_bad(const struct gnv_pkt *pk, const struct gnv_opt *o);

/*
 * Encode a named option from the craft language: "label:42,7",
 * "rts:host=10.200.0.1,mac=02:00:00:00:00:01", "ovn:in=1,out=10",
 * "eptype:scaled", "qos:class=premium,prio=1", "mizar.label:pod=5" ...
 * 'spec' is the text after "opt=".  Writes class, type and data; data is
 * padded to a multiple of 4.  Returns 0, or -EINVAL with a message in err.
 * Raw "CLASS:TYPE:HEX" is handled here too.
 */
int gnv_opt_encode(const char *spec, uint16_t genv_class, uint16_t *cls,
		   uint8_t *type, uint8_t *data, size_t *size,
		   char *err, size_t errsz);

/* Does the option named name ("ovn") have a field key ("out")?  For filters. */
bool gnv_opt_has_field(const char *name, const char *key);

/*
 * Layouts from an options file (~/.config/genv/options.conf, --options
 * FILE; genv-options(7) OPTIONS FILES): parsed by gnv_optfile_parse()
 * (optfile.h), used wherever a function takes a registry (NULL: the
 * built-in layouts only).  A decoded packet carries its registry in
 * pk->optreg (from the decoder's config), a craft spec in spec->optreg.
 */
struct gnv_optreg;
int gnv_opt_encode_reg(const struct gnv_optreg *reg, const char *spec, uint16_t genv_class,
		       uint16_t *cls, uint8_t *type, uint8_t *data, size_t *size,
		       char *err, size_t errsz);
bool gnv_opt_has_field_reg(const struct gnv_optreg *reg, const char *name, const char *key);
/* The name of the layout called s[0..len-1] (built-in or the file's), or NULL. */
const char *gnv_opt_name_reg(const struct gnv_optreg *reg, const char *s, size_t len);
/* The file's names, NULL-terminated (an empty list for NULL). */
const char *const *gnv_opt_reg_names(const struct gnv_optreg *reg);

/* Names accepted by gnv_opt_encode, for completion and help. */
extern const char *const gnv_opt_names[];

/*
 * The layout tables themselves: for optreg.c (the built-in layouts) and
 * optfile.c (layouts from an options file) only.
 */
struct fdesc {
	const char *key;
	enum gnv_fkind kind;
	uint8_t off, size;	/* bytes; HEX size 0 = to the end */
	uint8_t shift;
	uint64_t mask;		/* after the shift; 0 = whole field */
	const char *const *names;	/* GNV_F_ENUM */
};

enum special { SP_NONE, SP_LABELS, SP_RTS, SP_DSR, SP_TRACE, SP_QOS, SP_ODST };

struct layout {
	uint16_t cls;		/* 0 = genv's configured class */
	uint8_t type;
	uint8_t type_mask;	/* 0x7f: match with or without the critical bit */
	bool mizar;		/* also match class 0x1101 */
	const char *name, *desc;
	uint8_t min_size, max_size;
	enum special sp;
	const struct fdesc *f;
};

/* Layouts from an options file (optfile.c): one allocation each. */
struct gnv_optreg {
	unsigned int n;
	struct layout *l;		/* n layouts */
	struct fdesc *f;		/* their fields, each run ended by a NULL key */
	const char **names;		/* n names and NULL */
	char *text;			/* the names, keys and descriptions */
	struct gnv_tlvmap tlvmap;	/* 'tlv-map MAP' lines (ovsnot.h) */
};

/* The built-in layout for (cls, type), or NULL (optreg.c). */
const struct layout *gnv_layout_builtin(uint16_t cls, uint8_t type);
/* The built-in layout named name, or NULL (optreg.c). */
const struct layout *gnv_layout_builtin_named(const char *name, size_t len);

#endif
