/* SPDX-License-Identifier: MIT */
/*
 * The drop ring (see dropring.h).  Calls stats, prefix, libcore (json,
 * num, sbuf) and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "../libcore/emit.h"
#include "dropring.h"
#include "prefix.h"
#include "stats.h"

struct rt_dropring *rt_dropring_new(void)
{
	struct rt_dropring *d = calloc(1, sizeof(*d));

	if (!d)
		return NULL;
	d->rec = calloc(RT_DROP_RING, sizeof(*d->rec));
	if (!d->rec) {
		free(d);
		return NULL;
	}
	d->next_seq = 1;
	d->rate = RT_DROP_RATE;
	d->until_ns = UINT64_MAX;
	return d;
}

struct rt_dropring *rt_mirror_new(uint32_t rate)
{
	struct rt_dropring *d = rt_dropring_new();

	if (d) {
		d->mirror = true;
		d->rate = rate ? rate : RT_MIRROR_RATE;
		d->until_ns = 0;
	}
	return d;
}

void rt_dropring_free(struct rt_dropring *d)
{
	if (!d)
		return;
	free(d->rec);
	free(d);
}

size_t rt_dropring_memory(const struct rt_dropring *d)
{
	return d ? sizeof(*d) + RT_DROP_RING * sizeof(*d->rec) : 0;
}

/* GCRA: d->rate per second, a burst of one second's worth. */
static bool rate_ok(struct rt_dropring *d, uint64_t now)
{
	const uint64_t interval = 1000000000ull / (d->rate ? d->rate : 1);
	uint64_t tat = d->tat_ns > now ? d->tat_ns : now;

	if (tat - now > 1000000000ull - interval)
		return false;
	d->tat_ns = tat + interval;
	return true;
}

static struct rt_drop_rec *note(struct rt_dropring *d, uint64_t now_ns, uint8_t dir,
				unsigned int reason, const char *port, const struct gnv_addr *from,
				const struct gnv_addr *self, bool vni_known, uint32_t vni,
				const uint8_t *data, size_t size)
{
	struct rt_drop_rec *r;

	if (!rate_ok(d, now_ns)) {
		d->suppressed++;
		return NULL;
	}
	r = &d->rec[(d->next_seq - 1) % RT_DROP_RING];
	r->seq = d->next_seq++;
	r->mono_ns = now_ns;
	r->real_ns = 0;
	r->reason = (uint16_t)reason;
	r->dir = dir;
	r->underlay = !port;
	r->vni_known = vni_known;
	r->vni = vni;
	if (port)
		snprintf(r->port, sizeof(r->port), "%s", port);
	else
		r->port[0] = 0;
	if (from)
		r->from = *from;
	else
		memset(&r->from, 0, sizeof(r->from));
	if (self)
		r->self = *self;
	else
		memset(&r->self, 0, sizeof(r->self));
	r->len = (uint32_t)size;
	r->caplen = (uint16_t)(size < RT_DROP_SNAP ? size : RT_DROP_SNAP);
	if (data)
		memcpy(r->data, data, r->caplen);
	else
		r->caplen = 0;
	return r;
}

void rt_dropring_note(struct rt_dropring *d, uint64_t now_ns, unsigned int reason,
		      const char *port, const struct gnv_addr *from, const struct gnv_addr *self,
		      bool vni_known, uint32_t vni, const uint8_t *data, size_t size)
{
	note(d, now_ns, RT_REC_DROP, reason, port, from, self, vni_known, vni, data, size);
}

struct rt_drop_rec *rt_mirror_note(struct rt_dropring *d, uint64_t now_ns, enum rt_rec_dir dir,
				   const char *port, const struct gnv_addr *peer,
				   const struct gnv_addr *self, bool vni_known, uint32_t vni,
				   const uint8_t *data, size_t size)
{
	return note(d, now_ns, (uint8_t)dir, RT_DROP_NONE, port, peer, self, vni_known, vni, data, size);
}

static const char *dir_name(unsigned int dir)
{
	return dir == RT_REC_RX ? "rx" : dir == RT_REC_TX ? "tx" : "drop";
}

/* Wall clock minus the tables' clock, which the router takes from
 * CLOCK_MONOTONIC (read both now: t->run.now_ns is as old as the last batch). */
static int64_t wall_offset(void)
{
	struct timespec rt, mt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	return ((int64_t)rt.tv_sec - (int64_t)mt.tv_sec) * 1000000000 + (rt.tv_nsec - mt.tv_nsec);
}

/* One record: the same calls write its text line and its JSON object. */
static void rec_emit(struct gnv_emit *e, const struct rt_dropring *d, const struct rt_drop_rec *r,
		     uint64_t real)
{
	gnv_emit_obj_open(e, NULL, d->mirror ? "pkt" : "drop");
	gnv_emit_u64(e, "seq", " seq=%llu", r->seq);
	gnv_emit_u64(e, "time_ns", " time_ns=%llu", real);
	if (d->mirror)
		gnv_emit_str(e, "dir", " dir=%s", dir_name(r->dir));
	gnv_emit_str(e, "reason", " reason=%s", rt_drop_name(r->reason));
	gnv_emit_str(e, "ingress", " ingress=%s", r->underlay ? "underlay" : "port");
	if (r->underlay) {
		gnv_emit_null(e, "port", NULL);
		gnv_emit_ip(e, r->dir == RT_REC_TX ? "to" : "from",
			    r->dir == RT_REC_TX ? " to=%s" : " from=%s", r->from.family, r->from.a);
		gnv_emit_ip(e, "self", " self=%s", r->self.family, r->self.a);
	} else {
		gnv_emit_str(e, "port", " port=%s", r->port);
		gnv_emit_null(e, "from", NULL);
		gnv_emit_null(e, "self", NULL);
	}
	if (r->vni_known)
		gnv_emit_u64(e, "vni", " vni=%u", r->vni);
	else
		gnv_emit_null(e, "vni", " vni=-");
	gnv_emit_u64(e, "len", " len=%u", r->len);
	gnv_emit_hex(e, "data", " data=%s", r->data, r->caplen);
	gnv_emit_obj_close(e, "\n");
}

int rt_dropring_show(const struct rt_dropring *d, uint64_t now_ns, uint64_t since,
		     unsigned int max, bool json, struct sbuf *out)
{
	uint64_t oldest = d->next_seq > RT_DROP_RING ? d->next_seq - RT_DROP_RING : 1;
	uint64_t first = since > oldest ? since : oldest, lost = 0, seq;
	int64_t off = wall_offset();
	struct gnv_emit e;

	(void)now_ns;
	if (!max)
		max = RT_DROP_MAX_REPLY;
	if (since && since < oldest)
		lost = oldest - since;
	gnv_emit_init(&e, out, json, false);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, 1);
	gnv_emit_arr_open(&e, "drops", NULL);
	for (seq = first; seq < d->next_seq && seq < first + max; seq++) {
		const struct rt_drop_rec *r = &d->rec[(seq - 1) % RT_DROP_RING];

		rec_emit(&e, d, r, (uint64_t)((int64_t)r->mono_ns + off));
	}
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_u64(&e, "next", "next=%llu", seq);
	gnv_emit_u64(&e, "lost", " lost=%llu", lost);
	gnv_emit_u64(&e, "suppressed", " suppressed=%llu", d->suppressed);
	gnv_emit_obj_close(&e, "\n");
	return out->oom ? -ENOMEM : 0;
}
