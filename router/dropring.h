/* SPDX-License-Identifier: MIT */
/*
 * The drop ring: a bounded, rate-limited record of packets the pipeline
 * dropped, for `genv trace drops` (like dropwatch, for the overlay).
 *
 *   pipeline drop --(at most RT_DROP_RATE/s, else 'suppressed')--> ring
 *   [RT_DROP_RING records, oldest overwritten] --`drops since SEQ`--> client
 *
 * Each record keeps the reason, the ingress (port name, or underlay and
 * the outer source), the VPC, the time and the first RT_DROP_SNAP bytes
 * (an Ethernet frame from a port; the Geneve payload from the underlay).
 * Sequence numbers start at 1 and only grow, so a client that asks for
 * "since SEQ" learns how many records it missed ('lost').  No allocation
 * and no syscall per drop; the ring is allocated with the tables.
 *
 * Router command: drops since SEQ [max N]
 *   text:  one line per record, then a summary line:
 *     drop seq=5 time_ns=T reason=spoof.ip ingress=port port=tap0 vni=100 len=98 data=HEX
 *     drop seq=6 time_ns=T reason=vni.unknown ingress=underlay from=10.200.0.2 self=10.200.0.1 vni=7 len=60 data=HEX
 *     next=7 lost=0 suppressed=0
 *   json:  {"schema":1,"drops":[{...}],"next":7,"lost":0,"suppressed":0}
 *   Both forms come from the same emitter calls (libcore/emit.h): a record
 *   has the same fields in both; JSON also has the ones text leaves out
 *   (port, from, self are null where text omits them).  genv trace reads
 *   the JSON form (cmd/trace.c).
 * vni=- when the VPC is not known; time_ns is wall-clock (UTC) nanoseconds.
 *
 * The same ring, made on request (`mirror on`), mirrors what the router
 * receives and sends (what an AF_XDP port would hide from tcpdump): records
 * of every packet while the mirror is on, at most its rate per second.
 * Lines start with "pkt" and say dir=rx|tx; underlay records say from= (rx)
 * or to= (tx).  The mirror stops by itself 10 s after the last poll.
 * Router commands: mirror on [rate N] | mirror off | mirror since SEQ [max N]
 *
 * Layer: router, below the tables (which own a drop ring and maybe a
 * mirror); dropring.c calls stats (drop reason names), prefix (address
 * text), libcore (json, num, sbuf) and libc, never the tables.
 */
#ifndef GENV_RT_DROPRING_H
#define GENV_RT_DROPRING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../libcore/pkt.h"
#include "../libcore/sbuf.h"

#define RT_DROP_SNAP	256	/* bytes kept per record */
#define RT_DROP_RING	1024	/* records */
#define RT_DROP_RATE	200	/* records per second (and burst) */
#define RT_DROP_MAX_REPLY 64	/* records per `drops since` reply */
#define RT_MIRROR_RATE	1000	/* mirror: default records per second */
#define RT_MIRROR_HOLD_NS 10000000000ull	/* mirror: stops this long after the last poll */
#define RT_DROP_PORT_SIZE 16	/* a port name and its NUL (RT_PORT_NAME_MAX, checked in tables.c) */

enum rt_rec_dir { RT_REC_DROP, RT_REC_RX, RT_REC_TX };

struct rt_drop_rec {
	uint64_t seq;
	uint64_t mono_ns;		/* rt_tables_set_now() clock */
	uint64_t real_ns;		/* wall clock; set when rendered or parsed */
	uint16_t reason;		/* enum rt_drop */
	uint8_t dir;			/* enum rt_rec_dir */
	bool underlay;
	bool vni_known;
	uint32_t vni;
	char port[RT_DROP_PORT_SIZE];	/* port ingress */
	struct gnv_addr from;		/* underlay: outer source (tx: destination) */
	struct gnv_addr self;		/* underlay: this router's address (0 if unset) */
	uint32_t len;			/* bytes of the dropped packet */
	uint16_t caplen;		/* bytes kept in data */
	uint8_t data[RT_DROP_SNAP];
};

struct rt_dropring {
	struct rt_drop_rec *rec;	/* [RT_DROP_RING] */
	bool mirror;			/* a mirror of all packets, not of drops */
	uint32_t rate;			/* records per second (and burst) */
	uint64_t until_ns;		/* mirror: on while the tables' clock is below */
	uint64_t next_seq;		/* seq of the next record */
	uint64_t tat_ns;		/* rate limiter (GCRA) */
	uint64_t suppressed;		/* drops not recorded because of the rate */
};

struct rt_dropring *rt_dropring_new(void);
/* A mirror ring: rate records per second (0: RT_MIRROR_RATE), off. */
struct rt_dropring *rt_mirror_new(uint32_t rate);
void rt_dropring_free(struct rt_dropring *d);
/* Bytes the ring holds (0 for NULL), for rt_tables_memory(). */
size_t rt_dropring_memory(const struct rt_dropring *d);

/* Record one drop (fast path: rate check, then one copy of <= 256 bytes).
 * port: the ingress port's name, or NULL for the underlay (from given). */
void rt_dropring_note(struct rt_dropring *d, uint64_t now_ns, unsigned int reason,
		      const char *port, const struct gnv_addr *from, const struct gnv_addr *self,
		      bool vni_known, uint32_t vni, const uint8_t *data, size_t size);

/* Record a packet the router received (RT_REC_RX) or sends (RT_REC_TX):
 * port name, or NULL with peer (the underlay source or destination).
 * Returns the record (valid until the next note), NULL when rate-limited. */
struct rt_drop_rec *rt_mirror_note(struct rt_dropring *d, uint64_t now_ns, enum rt_rec_dir dir,
				   const char *port, const struct gnv_addr *peer,
				   const struct gnv_addr *self, bool vni_known, uint32_t vni,
				   const uint8_t *data, size_t size);

static inline bool rt_mirror_on(const struct rt_dropring *d, uint64_t now_ns)
{
	return d && now_ns < d->until_ns;
}

/* Records with seq >= since, at most max (0: RT_DROP_MAX_REPLY), rendered
 * as described above.  Record times (the tables' clock, CLOCK_MONOTONIC
 * in the router) become wall-clock; now_ns is the tables' clock (kept
 * for callers; the conversion reads both clocks).  0 or -ENOMEM. */
int rt_dropring_show(const struct rt_dropring *d, uint64_t now_ns, uint64_t since,
		     unsigned int max, bool json, struct sbuf *out);

#endif
