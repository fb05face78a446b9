/* SPDX-License-Identifier: MIT */
/*
 * genv's own Geneve options: the constants (the one place they are
 * defined) and typed encoders/decoders over option data.  man/genv-options.7
 * documents the layouts; optreg.c names them for the renderers and the
 * craft language.  Layer: libcore; calls opt_tlv, cursor.h, pkt.h and libc.
 *
 * All live in one class, GENV_CLASS_DEFAULT unless configured (the
 * decoder's genv_class, the router's lim.genv_class); every function takes
 * the class.  Data layouts (bytes; big-endian):
 *
 *   label  0x01  4*n  n x 32-bit policy label, 1 <= n <= 31
 *   eptype 0x02  4    [0] type (enum genv_eptype), [1..3] 0
 *   rts    0x03  12   [0] flags (bit 0: match) [1] 4 [2..7] MAC [8..11] IPv4
 *                24   [0] flags                [1] 6 [2..7] MAC [8..23] IPv6
 *          0x83       the same with the critical bit: invalidate the path
 *   qos    0x04  4    [0] class (enum genv_qos_class) [1] priority [2..3] 0
 *   ident  0x06  4    [0..3] identity number of the sender's label set and
 *                     namespace; sent critical (0x86) where the receiver must
 *                     enforce policy on it (the VPC has network policies)
 *   odst   0x07  12   [0] 0 [1] 4 [2..7] original destination MAC [8..11] IPv4
 *                24   [0] 0 [1] 6 [2..7] MAC                     [8..23] IPv6
 *                     (a packet redirected to a proxied endpoint's proxy)
 *   health 0x08 8     [0] flags (bit 0 answer) [1..3] 0 [4..7] sequence number
 *                     (O-bit keepalive of a scaled endpoint's backend hosts,
 *                     router/health.h; byte 0 bits 1..7 and bytes 1..3 are
 *                     sent 0 and ignored on receipt)
 *   trace  0x05  8 + 12*n   header, then n hop records (n <= 9):
 *          header [0] flags (bit 0 reply, bit 1 overflow, bit 2 hop report:
 *                 the last record is the next hop's address) [1] n
 *                 [2..3] probe id [4..7] sequence number
 *          record [0..3] router id (its IPv4 underlay address) [4] role
 *                 [5] verdict [6..7] reason (router drop code) [8..11] time,
 *                 microseconds, low 32 bits
 *
 * Decoders (*_get) take an option's data and size (struct gnv_tlv's data
 * and size; the caller matched class and type, e.g. with gnv_opt_is()) and
 * return 0, or -EINVAL when the data does not fit the layout: exactly the
 * rule the decoder reports as geneve.option_layout.
 * Encoders (*_put) append a whole option to a struct gnv_optbuf and return
 * 0, -EINVAL (values that the layout cannot hold) or -ENOSPC.
 */
#ifndef GENV_OPT_GENV_H
#define GENV_OPT_GENV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "opt_tlv.h"
#include "pkt.h"

#define GENV_CLASS_DEFAULT	0xFFA7	/* experimental range 0xFF00-0xFFFF */

/* genv's own option types (in genv's class) */
enum genv_opt_type {
	GENV_OPT_LABEL	= 0x01,	/* label set: 1..31 x 32-bit policy labels */
	GENV_OPT_EPTYPE	= 0x02,	/* endpoint type of the sender */
	GENV_OPT_RTS	= 0x03,	/* return to sender (direct path); 0x83 = invalidate */
	GENV_OPT_QOS	= 0x04,	/* QoS class and priority */
	GENV_OPT_TRACE	= 0x05,	/* trace record list (O-bit probes) */
	GENV_OPT_IDENT	= 0x06,	/* policy identity of the sender; critical (0x86) with policies */
	GENV_OPT_ODST	= 0x07,	/* original destination of a proxied endpoint's packet */
	GENV_OPT_HEALTH	= 0x08,	/* health keepalive of a backend host (O-bit packets) */
};
#define GENV_OPT_IDENT_CRIT	(GENV_OPT_IDENT | GNV_OPT_CRITICAL)
#define GENV_OPT_LAST		GENV_OPT_HEALTH
#define GENV_OPT_RTS_INVALIDATE	(GENV_OPT_RTS | GNV_OPT_CRITICAL)

enum genv_eptype { EP_SIMPLE = 0, EP_SCALED = 1, EP_PROXIED = 2, EP_GATEWAY = 3 };
enum genv_qos_class { QOS_PREMIUM = 0, QOS_EXPEDITED = 1, QOS_BESTEFFORT = 2 };

#define GENV_LABEL_MAX		31	/* labels in one option */
#define GENV_EPTYPE_SIZE	4
#define GENV_QOS_SIZE		4
#define GENV_IDENT_SIZE		4
#define GENV_IDENT_OPT_SIZE	(GNV_OPT_HDR_SIZE + GENV_IDENT_SIZE)
#define GENV_RTS4_SIZE		12
#define GENV_RTS6_SIZE		24
#define GENV_RTS_F_MATCH	0x01
#define GENV_ODST4_SIZE		12
#define GENV_ODST6_SIZE		24
#define GENV_HEALTH_SIZE	8
#define GENV_HEALTH_OPT_SIZE	(GNV_OPT_HDR_SIZE + GENV_HEALTH_SIZE)
#define GENV_HEALTH_F_ANSWER	0x01
#define GENV_TRACE_HDR_SIZE	8
#define GENV_TRACE_REC_SIZE	12
#define GENV_TRACE_MAX_HOPS	((124 - GENV_TRACE_HDR_SIZE) / GENV_TRACE_REC_SIZE)
#define GENV_TRACE_F_REPLY	0x01
#define GENV_TRACE_F_OVERFLOW	0x02
#define GENV_TRACE_F_REPORT	0x04	/* with R: a hop report, the last record names the next hop */

/* Whole-option sizes (header included), for callers that size buffers. */
#define GENV_EPTYPE_OPT_SIZE	(GNV_OPT_HDR_SIZE + GENV_EPTYPE_SIZE)
#define GENV_QOS_OPT_SIZE	(GNV_OPT_HDR_SIZE + GENV_QOS_SIZE)
#define GENV_RTS_OPT_SIZE(family) (GNV_OPT_HDR_SIZE + ((family) == 6 ? GENV_RTS6_SIZE : GENV_RTS4_SIZE))
#define GENV_ODST_OPT_SIZE(family) (GNV_OPT_HDR_SIZE + ((family) == 6 ? GENV_ODST6_SIZE : GENV_ODST4_SIZE))
#define GENV_LABEL_OPT_SIZE(n)	(GNV_OPT_HDR_SIZE + 4 * (size_t)(n))
#define GENV_TRACE_OPT_SIZE(n)	(GNV_OPT_HDR_SIZE + GENV_TRACE_HDR_SIZE + GENV_TRACE_REC_SIZE * (size_t)(n))

/* ---- label set ---- */

/* Labels into labels[0..max-1] (labels may be NULL); *n = how many the
 * option holds (may exceed max). */
int gnv_opt_label_get(const uint8_t *data, size_t size, uint32_t *labels,
		      unsigned int max, unsigned int *n);
/* n labels, 1..GENV_LABEL_MAX. */
int gnv_opt_label_put(struct gnv_optbuf *b, uint16_t cls, const uint32_t *labels,
		      unsigned int n);

/* ---- endpoint type ---- */

int gnv_opt_eptype_get(const uint8_t *data, size_t size, uint8_t *eptype);
int gnv_opt_eptype_put(struct gnv_optbuf *b, uint16_t cls, uint8_t eptype);

/* ---- return to sender ---- */

struct gnv_rts {
	uint8_t flags;		/* GENV_RTS_F_MATCH */
	bool invalidate;	/* type 0x83 */
	uint8_t mac[6];
	struct gnv_addr host;	/* family 4 or 6 */
};

/* True when size bytes at data are an RTS option's data (12 or 24, and
 * the family byte agreeing).  Inline: the decoder checks every option. */
static inline bool gnv_opt_rts_size_ok(const uint8_t *data, size_t size)
{
	return (size == GENV_RTS4_SIZE && data[1] == 4) || (size == GENV_RTS6_SIZE && data[1] == 6);
}

/* type is the option's type byte (0x03 or 0x83: sets r->invalidate). */
int gnv_opt_rts_get(const uint8_t *data, size_t size, uint8_t type, struct gnv_rts *r);
int gnv_opt_rts_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_rts *r);

/* ---- QoS ---- */

struct gnv_qos {
	uint8_t cls;		/* enum genv_qos_class */
	uint8_t prio;
};

/* -EINVAL also for a class above QOS_BESTEFFORT. */
int gnv_opt_qos_get(const uint8_t *data, size_t size, struct gnv_qos *q);
int gnv_opt_qos_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_qos *q);

/* ---- policy identity ---- */

int gnv_opt_ident_get(const uint8_t *data, size_t size, uint32_t *id);
/* Type 0x86 when critical, else 0x06; id 0 is refused (it means "none"). */
int gnv_opt_ident_put(struct gnv_optbuf *b, uint16_t cls, uint32_t id, bool critical);

/* ---- original destination (proxied endpoints) ---- */

struct gnv_odst {
	uint8_t mac[6];
	struct gnv_addr addr;	/* family 4 or 6 */
};

/* The same size rule as RTS: 12 bytes and family 4, or 24 and family 6
 * (byte 0 is reserved, sent 0, ignored on receipt). */
static inline bool gnv_opt_odst_size_ok(const uint8_t *data, size_t size)
{
	return (size == GENV_ODST4_SIZE && data[1] == 4) || (size == GENV_ODST6_SIZE && data[1] == 6);
}

int gnv_opt_odst_get(const uint8_t *data, size_t size, struct gnv_odst *o);
/* Writes the data at d (GENV_ODST_OPT_SIZE(family) - 4 bytes), no header:
 * the router's encapsulation writes it in place. */
void gnv_opt_odst_write(uint8_t *d, const uint8_t *mac, int family, const uint8_t *addr);
int gnv_opt_odst_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_odst *o);

/* ---- health keepalive ---- */

struct gnv_health {
	bool answer;		/* flags bit 0: an answer, else a request */
	uint32_t seq;
};

int gnv_opt_health_get(const uint8_t *data, size_t size, struct gnv_health *h);
int gnv_opt_health_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_health *h);

/* ---- trace record ---- */

struct gnv_trace_rec {
	uint8_t id[4];		/* router id: its IPv4 underlay address */
	uint8_t role;
	uint8_t verdict;
	uint16_t reason;
	uint32_t ts_us;
};

struct gnv_trace {
	uint8_t flags;		/* GENV_TRACE_F_* */
	uint8_t nhop;		/* records in rec[] */
	uint16_t id;
	uint32_t seq;
	struct gnv_trace_rec rec[GENV_TRACE_MAX_HOPS];
};

/* True when size bytes at data are a whole trace header + records. */
static inline bool gnv_opt_trace_size_ok(const uint8_t *data, size_t size)
{
	return size >= GENV_TRACE_HDR_SIZE && data[1] <= GENV_TRACE_MAX_HOPS &&
	       size == GENV_TRACE_HDR_SIZE + (size_t)data[1] * GENV_TRACE_REC_SIZE;
}

/* Header and all records into *t. */
int gnv_opt_trace_get(const uint8_t *data, size_t size, struct gnv_trace *t);
/* The whole option: header and t->rec[0..t->nhop-1] (nhop <= 9). */
int gnv_opt_trace_put(struct gnv_optbuf *b, uint16_t cls, const struct gnv_trace *t);
/* One 12-byte record at p, for a router that adds its hop in place. */
void gnv_opt_trace_rec_read(const uint8_t *p, struct gnv_trace_rec *r);
void gnv_opt_trace_rec_write(uint8_t *p, const struct gnv_trace_rec *r);

#endif
