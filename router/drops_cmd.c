/* SPDX-License-Identifier: MIT */
/*
 * The `drops` and `mirror` commands (genv trace reads them): the records
 * of the drop ring, and the mirror ring turned on, off and read.  They
 * never change the tables.  See drops_cmd.h for the syntax.
 * Layer: router; calls lang (words), dropring, libcore num.h and libc.
 */
#include <stdint.h>
#include <string.h>
#include <time.h>
#include "../libcore/num.h"
#include "dropring.h"
#include "drops_cmd.h"

/* "SEQ [max N]" after 'since' (word 1), for drops and mirror */
static int since_words(struct rt_cmd *c, uint64_t *since, uint32_t *max)
{
	int r;

	if (num_parse_u64(c->w[2], 0, UINT64_MAX, since))
		return rt_lang_word_err(c, 2, "expected a sequence number");
	if (c->n > 3) {
		if (strcmp(c->w[3], "max"))
			return rt_lang_word_err(c, 3, "unexpected word");
		r = rt_lang_u32(c, 4, 1, RT_DROP_RING, "max", max);
		if (r)
			return r;
		if (c->n > 5)
			return rt_lang_word_err(c, 5, "unexpected word");
	}
	return 0;
}

/* drops since SEQ [max N] */
int rt_drops_cmd_drops(struct rt_cmd *c, bool json, struct sbuf *out)
{
	uint32_t max = 0;
	uint64_t since;
	int r;

	if (c->n < 3 || strcmp(c->w[1], "since"))
		return rt_lang_word_err(c, 1, "expected 'drops since SEQ [max N]'");
	r = since_words(c, &since, &max);
	if (r)
		return r;
	if (!c->t->run.drops)
		return rt_lang_err(c, "no drop ring");
	return rt_dropring_show(c->t->run.drops, c->t->run.now_ns, since, max, json, out);
}

/* mirror on [rate N] | mirror off | mirror since SEQ [max N] */
int rt_drops_cmd_mirror(struct rt_cmd *c, bool json, struct sbuf *out)
{
	struct rt_tables *t = c->t;
	struct timespec ts;
	uint64_t now, since;
	uint32_t rate = 0, max = 0;
	int r;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	now = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	if (t->run.now_ns > now)
		now = t->run.now_ns;
	if (c->n >= 2 && !strcmp(c->w[1], "off")) {
		if (c->n > 2)
			return rt_lang_word_err(c, 2, "unexpected word");
		if (t->run.mirror)
			t->run.mirror->until_ns = 0;
		return 0;
	}
	if (c->n >= 2 && !strcmp(c->w[1], "on")) {
		if (c->n > 2) {
			if (strcmp(c->w[2], "rate"))
				return rt_lang_word_err(c, 2, "unexpected word (expected rate)");
			r = rt_lang_u32(c, 3, 1, 1000000, "rate", &rate);
			if (r)
				return r;
			if (c->n > 4)
				return rt_lang_word_err(c, 4, "unexpected word");
		}
		if (!t->run.mirror && !(t->run.mirror = rt_mirror_new(rate)))
			return rt_lang_err(c, "out of memory");
		if (rate)
			t->run.mirror->rate = rate;
		t->run.mirror->until_ns = now + RT_MIRROR_HOLD_NS;
		return 0;
	}
	if (c->n < 3 || strcmp(c->w[1], "since"))
		return rt_lang_word_err(c, 1, "expected 'mirror on [rate N]', 'mirror off' or 'mirror since SEQ'");
	r = since_words(c, &since, &max);
	if (r)
		return r;
	if (!t->run.mirror)
		return rt_lang_err(c, "the mirror is off ('mirror on' first)");
	/* a poll keeps an active mirror on */
	if (t->run.mirror->until_ns)
		t->run.mirror->until_ns = now + RT_MIRROR_HOLD_NS;
	return rt_dropring_show(t->run.mirror, t->run.now_ns, since, max, json, out);
}
