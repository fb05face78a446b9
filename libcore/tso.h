/* SPDX-License-Identifier: MIT */
/*
 * Segmentation and coalescing of inner TCP/UDP super-frames, the user-space
 * half of the offloads a virtio-net header describes (virtio 1.x spec,
 * section 5.1.6 "struct virtio_net_hdr"; TCP segmentation as RFC 9293
 * leaves it to the sender, UDP segmentation as Linux UDP_SEGMENT does it).
 *
 *   virtio_net_hdr (10 bytes, little-endian on the TAP we open)
 *   +-------+----------+---------+----------+------------+-------------+
 *   | flags | gso_type | hdr_len | gso_size | csum_start | csum_offset |
 *   +-------+----------+---------+----------+------------+-------------+
 *      1        1          2         2           2             2
 *
 * A super-frame is Ethernet (optionally one 802.1Q tag) + IPv4 (no
 * fragment) or IPv6 (no extension header) + TCP or UDP, with up to 64 KB
 * of payload.  Three operations:
 *
 *   tso_seg_*    cut a super-frame into wire-sized frames (caller buffers)
 *   tso_csum_complete   finish a partial checksum (NEEDS_CSUM)
 *   tso_coal_*   merge consecutive in-order TCP segments of one flow back
 *                into super-frames, within one batch
 *
 * Pure: no I/O, no allocation; every length is checked against the buffer.
 * Layer: libcore; calls csum and libc.
 */
#ifndef GENV_TSO_H
#define GENV_TSO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define TSO_VNET_HDR_SIZE	10

/* virtio_net_hdr flags and gso_type values */
#define TSO_F_NEEDS_CSUM	1
#define TSO_F_DATA_VALID	2
#define TSO_GSO_NONE		0
#define TSO_GSO_TCPV4		1
#define TSO_GSO_UDP		3	/* UFO: IP fragmentation, not supported */
#define TSO_GSO_TCPV6		4
#define TSO_GSO_UDP_L4		5	/* USO */
#define TSO_GSO_ECN		0x80

#define TSO_MAX_FRAME		(65535 + 14 + 4 + 40)	/* largest super-frame */

struct tso_vnet {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
};

/* Read/write the 10-byte header (little-endian).  Read: 0 or -EINVAL. */
int tso_vnet_get(const uint8_t *p, size_t n, struct tso_vnet *h);
void tso_vnet_put(uint8_t *p, const struct tso_vnet *h);

/* Where the headers of a super-frame are. */
struct tso_info {
	uint16_t l3;		/* offset of the IP header */
	uint16_t l4;		/* offset of the TCP/UDP header */
	uint16_t payload;	/* offset of the payload (all headers) */
	uint8_t family;		/* 4 or 6 */
	uint8_t proto;		/* 6 TCP, 17 UDP */
	uint32_t size;		/* frame size without link padding */
};

/* Parse the headers.  0, -EPROTONOSUPPORT (not IP/TCP/UDP, IPv4 options
 * are fine, fragments and IPv6 extension headers are not) or -EINVAL
 * (truncated, lengths inconsistent). */
int tso_parse(const uint8_t *f, size_t size, struct tso_info *ti);

/*
 * Finish a partial checksum: the 16 bits at csum_start + csum_offset hold
 * the pseudo-header sum; add everything from csum_start to the end of the
 * frame and store the complement.  0 or -EINVAL (offsets outside the frame).
 */
int tso_csum_complete(uint8_t *f, size_t size, uint16_t csum_start, uint16_t csum_offset);

/* Compute the IPv4 header checksum and the TCP/UDP checksum of a parsed
 * frame (the frame's own fields are overwritten). */
void tso_csum_fill(uint8_t *f, const struct tso_info *ti);

/* Segmenter: an iterator over the segments of one super-frame. */
struct tso_seg {
	const uint8_t *f;
	struct tso_info ti;
	uint32_t mss;		/* payload bytes per segment */
	uint32_t off;		/* payload bytes already emitted */
	uint32_t seq;		/* TCP: sequence number of the first byte */
	uint16_t ip_id;		/* IPv4: id of the first segment */
	uint32_t index;		/* segments emitted */
	uint32_t count;		/* segments in total */
};

/*
 * Start segmenting frame f (size bytes) into segments of at most mss
 * payload bytes.  proto 0 takes what the frame is; TCP or UDP otherwise
 * (the gso_type said which and the frame must match).  0, -EINVAL (mss
 * 0, frame unparsable, headers + mss over 65535) or -EPROTONOSUPPORT.
 */
int tso_seg_init(struct tso_seg *s, const uint8_t *f, size_t size, uint32_t mss, uint8_t proto);
/* Size in bytes of the largest segment (for buffer planning). */
size_t tso_seg_max_size(const struct tso_seg *s);
/* Write the next segment to buf (cap bytes): its size, 0 after the last,
 * or -ENOSPC when cap is too small (the iterator does not advance). */
int tso_seg_next(struct tso_seg *s, uint8_t *buf, size_t cap);

/* The virtio header a super-frame from a TAP asks for, applied: segment
 * according to h when h->gso_type says so.  Helper: proto for gso_type,
 * 0 when no segmentation, -EPROTONOSUPPORT (UFO, unknown). */
int tso_gso_proto(const struct tso_vnet *h);

/*
 * Coalescer.  Feed it the inner frames of one batch in arrival order with
 * tso_coal_add(); each gets a context (the caller's VNI and destination
 * port: frames with different contexts never merge).  tso_coal_flush()
 * then returns the output frames in order.  A frame that is never merged
 * is not copied: its output points at the caller's bytes, which must stay
 * valid until the flush.  Merged frames are built in caller buffers of
 * 'cap' bytes (at least 64 KB + headers to reach full size).
 */
#define TSO_COAL_MAX	128	/* output frames per batch */
#define TSO_COAL_OPEN	8	/* flows being merged at once */

struct tso_coal_out {
	const uint8_t *data;
	size_t size;
	uint64_t ctx;
	struct tso_vnet vh;	/* gso_type NONE for a frame left alone */
	uint16_t segs;		/* frames merged into this one */
};

struct tso_coal_ent {
	struct tso_coal_out o;
	struct tso_info ti;
	uint8_t *buf;		/* merged frames: the buffer in use, else NULL */
	uint32_t next_seq;
	uint16_t mss;
	bool open;		/* may still take segments */
};

struct tso_coal {
	uint8_t *const *bufs;
	unsigned int nbuf, nfree;
	uint8_t *free[TSO_COAL_OPEN * 2];
	size_t cap;
	bool verify;		/* check inner TCP checksums before merging */
	unsigned int n, nopen;
	uint8_t open_idx[TSO_COAL_OPEN];	/* entries still open */
	struct tso_coal_ent ent[TSO_COAL_MAX];
};

/* bufs: nbuf (<= 2 * TSO_COAL_OPEN) buffers of cap bytes.  verify: the
 * inner checksums were not checked (a frame with a bad one is passed on
 * unmerged, so the receiver drops it rather than a merged super-frame). */
void tso_coal_init(struct tso_coal *c, uint8_t *const *bufs, unsigned int nbuf, size_t cap,
		   bool verify);
/* 1 merged into an earlier frame, 0 kept as a frame of its own, -ENOSPC
 * the batch is full (flush, then add again). */
int tso_coal_add(struct tso_coal *c, uint64_t ctx, const uint8_t *f, size_t size);
/* A frame that is not to be merged, written with its own virtio header
 * (a super-frame passed through, a partial checksum passed on): after
 * what came before it for ctx, which stops growing.  0 or -ENOSPC. */
int tso_coal_add_raw(struct tso_coal *c, uint64_t ctx, const uint8_t *f, size_t size,
		     const struct tso_vnet *vh);
/* Close every flow and finish the headers of merged frames: the number
 * of output frames, read with tso_coal_get() until tso_coal_reset(). */
unsigned int tso_coal_flush(struct tso_coal *c);

static inline const struct tso_coal_out *tso_coal_get(const struct tso_coal *c, unsigned int i)
{
	return &c->ent[i].o;
}
/* Start the next batch (buffers back to the pool). */
void tso_coal_reset(struct tso_coal *c);

#endif
