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
#include "../libcore/json.h"
#include "../libcore/num.h"
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
 * CLOCK_MONOTONIC (read both now: t->now_ns is as old as the last batch). */
static int64_t wall_offset(void)
{
	struct timespec rt, mt;

	clock_gettime(CLOCK_REALTIME, &rt);
	clock_gettime(CLOCK_MONOTONIC, &mt);
	return ((int64_t)rt.tv_sec - (int64_t)mt.tv_sec) * 1000000000 + (rt.tv_nsec - mt.tv_nsec);
}

int rt_dropring_show(const struct rt_dropring *d, uint64_t now_ns, uint64_t since,
		     unsigned int max, bool json, struct sbuf *out)
{
	uint64_t oldest = d->next_seq > RT_DROP_RING ? d->next_seq - RT_DROP_RING : 1;
	uint64_t first = since > oldest ? since : oldest, lost = 0, seq;
	int64_t off = wall_offset();
	struct json j;
	char a[RT_ADDR_STR];

	(void)now_ns;
	if (!max)
		max = RT_DROP_MAX_REPLY;
	if (since && since < oldest)
		lost = oldest - since;
	if (json) {
		json_init(&j, out, false);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", 1);
		json_arr_open(&j, "drops");
	}
	for (seq = first; seq < d->next_seq && seq < first + max; seq++) {
		const struct rt_drop_rec *r = &d->rec[(seq - 1) % RT_DROP_RING];
		uint64_t real = (uint64_t)((int64_t)r->mono_ns + off);

		if (json) {
			json_obj_open(&j, NULL);
			json_u64(&j, "seq", r->seq);
			json_u64(&j, "time_ns", real);
			json_str(&j, "reason", rt_drop_name(r->reason));
			if (d->mirror)
				json_str(&j, "dir", dir_name(r->dir));
			json_str(&j, "ingress", r->underlay ? "underlay" : "port");
			if (r->underlay) {
				json_null(&j, "port");
				json_ip(&j, r->dir == RT_REC_TX ? "to" : "from", r->from.family, r->from.a);
			} else {
				json_str(&j, "port", r->port);
				json_null(&j, "from");
			}
			if (r->vni_known)
				json_u64(&j, "vni", r->vni);
			else
				json_null(&j, "vni");
			json_u64(&j, "len", r->len);
			json_hex(&j, "data", r->data, r->caplen);
			json_obj_close(&j);
			continue;
		}
		sbuf_printf(out, "%s seq=%llu time_ns=%llu", d->mirror ? "pkt" : "drop",
			    (unsigned long long)r->seq, (unsigned long long)real);
		if (d->mirror)
			sbuf_printf(out, " dir=%s", dir_name(r->dir));
		sbuf_printf(out, " reason=%s ingress=%s", rt_drop_name(r->reason),
			    r->underlay ? "underlay" : "port");
		if (r->underlay) {
			sbuf_printf(out, " %s=%s", r->dir == RT_REC_TX ? "to" : "from", r->from.family ?
				    rt_addr_fmt(a, sizeof(a), r->from.family, r->from.a) : "-");
			sbuf_printf(out, " self=%s", r->self.family ?
				    rt_addr_fmt(a, sizeof(a), r->self.family, r->self.a) : "-");
		} else {
			sbuf_printf(out, " port=%s", r->port);
		}
		if (r->vni_known)
			sbuf_printf(out, " vni=%u", r->vni);
		else
			sbuf_puts(out, " vni=-");
		sbuf_printf(out, " len=%u data=", r->len);
		sbuf_hex(out, r->data, r->caplen);
		sbuf_putc(out, '\n');
	}
	if (json) {
		json_arr_close(&j);
		json_u64(&j, "next", seq);
		json_u64(&j, "lost", lost);
		json_u64(&j, "suppressed", d->suppressed);
		json_obj_close(&j);
	} else {
		sbuf_printf(out, "next=%llu lost=%llu suppressed=%llu\n", (unsigned long long)seq,
			    (unsigned long long)lost, (unsigned long long)d->suppressed);
	}
	return out->oom ? -ENOMEM : 0;
}

/* ---- client side ---- */

/* The value of key=VALUE among the words of line, copied into buf. */
static const char *kv(const char *line, size_t n, const char *key, char *buf, size_t bufsize)
{
	size_t klen = strlen(key);

	for (size_t i = 0; i < n;) {
		size_t w = i;

		while (w < n && line[w] != ' ')
			w++;
		if (w - i > klen && !memcmp(line + i, key, klen) && line[i + klen] == '=') {
			size_t vlen = w - i - klen - 1;

			if (vlen >= bufsize)
				return NULL;
			memcpy(buf, line + i + klen + 1, vlen);
			buf[vlen] = 0;
			return buf;
		}
		i = w + 1;
	}
	return NULL;
}

static int kv_u64(const char *line, size_t n, const char *key, uint64_t max, uint64_t *v)
{
	char buf[32];

	if (!kv(line, n, key, buf, sizeof(buf)) || num_parse_u64(buf, 0, max, v))
		return -EINVAL;
	return 0;
}

static int kv_addr(const char *line, size_t n, const char *key, struct gnv_addr *a)
{
	char buf[64];
	int fam;

	memset(a, 0, sizeof(*a));
	if (!kv(line, n, key, buf, sizeof(buf)))
		return -EINVAL;
	if (!strcmp(buf, "-"))
		return 0;
	if (parse_ip(buf, &fam, a->a))
		return -EINVAL;
	a->family = (uint8_t)fam;
	return 0;
}

int rt_drop_rec_parse(const char *line, size_t n, struct rt_drop_rec *r)
{
	char buf[2 * RT_DROP_SNAP + 1];
	uint64_t v;
	size_t sz;
	int reason;

	memset(r, 0, sizeof(*r));
	if ((n < 5 || memcmp(line, "drop ", 5)) && (n < 4 || memcmp(line, "pkt ", 4)))
		return -EINVAL;
	if (kv(line, n, "dir", buf, sizeof(buf)))
		r->dir = !strcmp(buf, "rx") ? RT_REC_RX : !strcmp(buf, "tx") ? RT_REC_TX : RT_REC_DROP;
	if (kv_u64(line, n, "seq", UINT64_MAX, &r->seq) ||
	    kv_u64(line, n, "time_ns", UINT64_MAX, &r->real_ns) ||
	    kv_u64(line, n, "len", UINT32_MAX, &v))
		return -EINVAL;
	r->len = (uint32_t)v;
	if (!kv(line, n, "reason", buf, sizeof(buf)) || (reason = rt_drop_lookup(buf)) < 0)
		return -EINVAL;
	r->reason = (uint16_t)reason;
	if (!kv(line, n, "ingress", buf, sizeof(buf)))
		return -EINVAL;
	r->underlay = !strcmp(buf, "underlay");
	if (r->underlay) {
		if (kv_addr(line, n, r->dir == RT_REC_TX ? "to" : "from", &r->from) ||
		    kv_addr(line, n, "self", &r->self))
			return -EINVAL;
	} else if (!kv(line, n, "port", r->port, sizeof(r->port))) {
		return -EINVAL;
	}
	if (!kv(line, n, "vni", buf, sizeof(buf)))
		return -EINVAL;
	if (strcmp(buf, "-")) {
		if (num_parse_u64(buf, 0, GNV_VNI_MAX, &v))
			return -EINVAL;
		r->vni = (uint32_t)v;
		r->vni_known = true;
	}
	if (!kv(line, n, "data", buf, sizeof(buf)))
		return -EINVAL;
	sz = 0;
	if (*buf && parse_hex(buf, r->data, sizeof(r->data), &sz))
		return -EINVAL;
	r->caplen = (uint16_t)sz;
	if (r->len < r->caplen)
		r->len = r->caplen;
	return 0;
}

int rt_drop_summary_parse(const char *line, size_t n, struct rt_drop_summary *s)
{
	if (n < 5 || memcmp(line, "next=", 5))
		return -EINVAL;
	if (kv_u64(line, n, "next", UINT64_MAX, &s->next) ||
	    kv_u64(line, n, "lost", UINT64_MAX, &s->lost) ||
	    kv_u64(line, n, "suppressed", UINT64_MAX, &s->suppressed))
		return -EINVAL;
	return 0;
}
