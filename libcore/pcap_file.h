/* SPDX-License-Identifier: MIT */
/*
 * A reader of classic pcap files (not pcapng) over a byte buffer the
 * caller supplies (an mmap, a read, a fuzzer's input).  The bytes are
 * untrusted: every length is checked against what is left before it is
 * used, and a problem is an error code with the byte offset of the header
 * that has it.
 *
 * Layer: libcore; no I/O (the caller maps or reads the file), no
 * allocation.  Calls nothing outside this file but pkt.h's link types.
 *
 *   file:   global header (24 bytes), then records to the end
 *   0      4      6      8          12         16         20         24
 *   | magic | major | minor | thiszone | sigfigs  | snaplen  | linktype |
 *   record: header (16 bytes), then caplen bytes of frame
 *   0          4                8          12         16
 *   | ts_sec   | ts_usec/nsec   | caplen   | len      | data ...
 *
 * The magic gives the byte order of every later field (a1b2c3d4 written in
 * the writer's order) and the time resolution (a1b23c4d: nanoseconds).
 */
#ifndef GENV_PCAP_FILE_H
#define GENV_PCAP_FILE_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define GNV_PCAP_FILE_HDR	24
#define GNV_PCAP_REC_HDR	16
/* libpcap's largest snap length: no record may be longer. */
#define GNV_PCAP_MAX_CAPLEN	262144u

/* X(ENUM, "code", "message") -- codes are stable (tests, messages). */
#define GNV_PCAP_ERRORS(X) \
	X(SHORT,      "pcap.short",            "shorter than the 24-byte pcap file header") \
	X(MAGIC,      "pcap.magic",            "not a pcap file (unknown magic number)") \
	X(VERSION,    "pcap.version",          "pcap format version older than 2") \
	X(LINKTYPE,   "pcap.linktype",         "link type not supported (Ethernet, raw IP and Linux SLL are)") \
	X(REC_HEADER, "pcap.record_header",    "record header cut short") \
	X(REC_SIZE,   "pcap.record_size",      "record longer than any snap length (262144 bytes)") \
	X(REC_TRUNC,  "pcap.record_truncated", "record runs past the end of the file")

enum gnv_pcap_err {
	GNV_PCAP_OK = 0,
#define X(e, c, m) GNV_PCAP_E_##e,
	GNV_PCAP_ERRORS(X)
#undef X
	GNV_PCAP_E__COUNT
};

struct gnv_pcap {
	const uint8_t *buf;
	size_t size;
	size_t off;		/* the next record header */
	bool swap;		/* fields in the other byte order than ours */
	bool nsec;		/* timestamps in nanoseconds */
	uint16_t major, minor;
	uint32_t snaplen;
	uint32_t linktype;	/* LINKTYPE_ value, FCS bits removed */
	int link;		/* GNV_LINK_* */
	uint64_t nrec;		/* records returned so far */
	enum gnv_pcap_err err;	/* the last error, GNV_PCAP_OK */
	size_t err_off;		/* where it was found */
	uint32_t err_caplen;	/* what a record found bad claims */
};

struct gnv_pcap_rec {
	uint32_t sec;
	uint32_t frac;		/* as in the file: micro- or nanoseconds */
	uint32_t usec;		/* frac in microseconds */
	uint32_t caplen;	/* bytes of data */
	uint32_t len;		/* the frame's length on the wire */
	bool over_snaplen;	/* caplen > the file's snaplen (libpcap reads it) */
	const uint8_t *data;
	size_t off;		/* of the record header */
};

/*
 * Parse the file header of buf[0..size).  0, or -EINVAL with p->err and
 * p->err_off set (p->link is 0 unless the link type is supported).
 */
int gnv_pcap_open(struct gnv_pcap *p, const uint8_t *buf, size_t size);

/* Record error e at off (p->err, p->err_off). */
void gnv_pcap_set_err(struct gnv_pcap *p, enum gnv_pcap_err e, size_t off);

/* A field of the file at off; the caller has checked that 4 bytes are there. */
static inline uint32_t gnv_pcap_rd32(const struct gnv_pcap *p, size_t off)
{
	uint32_t v;

	memcpy(&v, p->buf + off, 4);
	return p->swap ? __builtin_bswap32(v) : v;
}

/*
 * The record at p->off: 1 and *r filled (p->off moves past it), 0 at the
 * end of the buffer, -EINVAL with p->err / p->err_off (p->off stays).
 * Inline: decode calls it once per frame.
 */
static inline int gnv_pcap_next(struct gnv_pcap *p, struct gnv_pcap_rec *r)
{
	size_t off = p->off, left = p->size - off;
	uint32_t caplen;

	if (!left)
		return 0;
	if (left < GNV_PCAP_REC_HDR)
		goto rec_header;
	caplen = gnv_pcap_rd32(p, off + 8);
	p->err_caplen = caplen;
	if (caplen > GNV_PCAP_MAX_CAPLEN)
		goto rec_size;
	if (caplen > left - GNV_PCAP_REC_HDR)
		goto rec_trunc;
	r->off = off;
	r->sec = gnv_pcap_rd32(p, off);
	r->frac = gnv_pcap_rd32(p, off + 4);
	r->usec = p->nsec ? r->frac / 1000 : r->frac;
	r->caplen = caplen;
	r->len = gnv_pcap_rd32(p, off + 12);
	r->over_snaplen = caplen > p->snaplen;
	r->data = p->buf + off + GNV_PCAP_REC_HDR;
	p->off = off + GNV_PCAP_REC_HDR + caplen;
	p->nrec++;
	return 1;
rec_header:
	gnv_pcap_set_err(p, GNV_PCAP_E_REC_HEADER, off);
	return -EINVAL;
rec_size:
	gnv_pcap_set_err(p, GNV_PCAP_E_REC_SIZE, off);
	return -EINVAL;
rec_trunc:
	gnv_pcap_set_err(p, GNV_PCAP_E_REC_TRUNC, off);
	return -EINVAL;
}

/*
 * Does a record header that libpcap would take start at off (a nonzero
 * caplen not above len or the snap-length limit, a valid fraction of a
 * second, data within the buffer)?  For finding a record boundary in the
 * middle of a file.
 */
bool gnv_pcap_plausible(const struct gnv_pcap *p, size_t off);

/*
 * The first offset in [from, from + scan) where chain plausible records
 * follow one another (or run exactly to the end of the buffer); SIZE_MAX
 * when there is none.
 */
size_t gnv_pcap_find_record(const struct gnv_pcap *p, size_t from, size_t scan, unsigned int chain);

/* "pcap.magic" and its message; "?" / "" for codes out of range. */
const char *gnv_pcap_err_code(enum gnv_pcap_err e);
const char *gnv_pcap_err_msg(enum gnv_pcap_err e);

/*
 * The writer's half: records encoded into an sbuf, in this host's byte
 * order (the magic says which), for the caller to write out.  pcap: one
 * file header, then records.  pcapng: a section header, one interface
 * description per link type (interface id = the order of the calls), then
 * enhanced packet blocks; timestamps in microseconds in both.
 */
struct sbuf;
void gnv_pcap_put_header(struct sbuf *sb, uint32_t linktype, uint32_t snaplen);
void gnv_pcap_put_record(struct sbuf *sb, uint32_t sec, uint32_t usec,
			 const uint8_t *data, uint32_t caplen, uint32_t len);
void gnv_pcapng_put_section(struct sbuf *sb);
void gnv_pcapng_put_interface(struct sbuf *sb, uint32_t linktype, uint32_t snaplen);
void gnv_pcapng_put_packet(struct sbuf *sb, uint32_t ifid, uint64_t sec, uint32_t usec,
			   const uint8_t *data, uint32_t caplen, uint32_t len);

#endif
