/* SPDX-License-Identifier: MIT */
/*
 * The `backends` words of `add ep` / `set ep` (ep_scaled.h):
 *   backends IP[,WEIGHT] ...     the whole list (add, set)
 *   backends +IP[,WEIGHT] -IP    set: add or remove some, the others kept
 * the health words of scaled endpoints (health.h):
 *   health on|off   health-interval MS   health-timeout MS
 * and the `proxy` word of proxied endpoints (ep_proxied.h):
 *   proxy IP | proxy none
 */
#include <stdio.h>
#include <string.h>
#include "../libcore/num.h"
#include "health.h"
#include "lang.h"
#include "verbs.h"

static int find(const struct rt_ep_spec *s, const uint8_t *a)
{
	for (unsigned int i = 0; i < s->nbackend; i++)
		if (!memcmp(s->backend[i].addr, a, 16))
			return (int)i;
	return -1;
}

int rt_verb_backends(struct rt_cmd *c, int i, int end, bool add, struct rt_ep_spec *s)
{
	bool edit = c->w[i + 1][0] == '+' || c->w[i + 1][0] == '-';

	if (edit && add)
		return rt_lang_word_err(c, i + 1, "+/- edit the backends of an existing endpoint (set ep)");
	if (!edit)
		s->nbackend = 0;
	for (int j = i + 1; j < end; j++) {
		char word[96], *comma;
		const char *w = c->w[j];
		uint8_t a[16] = { 0 };
		uint32_t weight = 1;
		int fam, k;
		char op = edit ? w[0] : 0;

		if (edit != (w[0] == '+' || w[0] == '-'))
			return rt_lang_word_err(c, j, "either a whole list or +/- edits, not both");
		snprintf(word, sizeof(word), "%s", w + (op ? 1 : 0));
		comma = strchr(word, ',');
		if (comma) {
			*comma = 0;
			if (op == '-' || num_parse_u32(comma + 1, 1, RT_MAGLEV_MAX_WEIGHT, &weight))
				return rt_lang_word_err(c, j, "backend weight is 1..%d", RT_MAGLEV_MAX_WEIGHT);
		}
		if (parse_ip(word, &fam, a) || fam != s->family)
			return rt_lang_word_err(c, j, "backend: an IPv%u address[,weight]", s->family);
		k = find(s, a);
		if (op == '-') {
			if (k < 0)
				return rt_lang_word_err(c, j, "no such backend");
			memmove(&s->backend[k], &s->backend[k + 1],
				(s->nbackend - (unsigned int)k - 1) * sizeof(s->backend[0]));
			s->nbackend--;
			continue;
		}
		if (k >= 0)
			return rt_lang_word_err(c, j, "backend given twice");
		if (s->nbackend >= RT_MAGLEV_MAX_BACKENDS)
			return rt_lang_word_err(c, j, "at most %d backends", RT_MAGLEV_MAX_BACKENDS);
		memcpy(s->backend[s->nbackend].addr, a, 16);
		s->backend[s->nbackend].weight = (uint16_t)weight;
		s->nbackend++;
	}
	if (!s->nbackend)
		return rt_lang_word_err(c, end - 1, "a scaled endpoint keeps at least one backend");
	s->port = -1;
	s->nhost = 0;
	return 0;
}

int rt_verb_proxy(struct rt_cmd *c, int i, struct rt_ep_spec *s)
{
	uint8_t a[16] = { 0 };
	int fam;

	if (i + 1 >= c->n)
		return rt_lang_word_err(c, i + 1, "proxy: an IPv%u address or none", s->family);
	if (!strcmp(c->w[i + 1], "none")) {
		s->has_proxy = false;
		memset(s->proxy, 0, sizeof(s->proxy));
		return 0;
	}
	if (parse_ip(c->w[i + 1], &fam, a) || fam != s->family)
		return rt_lang_word_err(c, i + 1, "proxy: an IPv%u address or none", s->family);
	memcpy(s->proxy, a, 16);
	s->has_proxy = true;
	return 0;
}

int rt_verb_health(struct rt_cmd *c, int i, struct rt_ep_spec *s)
{
	const char *k = c->w[i];
	uint32_t v;
	int r;

	if (!strcmp(k, "health")) {
		if (i + 1 >= c->n || (strcmp(c->w[i + 1], "on") && strcmp(c->w[i + 1], "off")))
			return rt_lang_word_err(c, i + 1, "health: on or off");
		s->health.on = !strcmp(c->w[i + 1], "on");
		return 0;
	}
	if (!strcmp(k, "health-interval")) {
		r = rt_lang_u32(c, i + 1, RT_HL_INTERVAL_MIN, RT_HL_INTERVAL_MAX,
				"health-interval (milliseconds)", &v);
		if (!r)
			s->health.interval_ms = v == RT_HL_INTERVAL_MS ? 0 : v;
		return r;
	}
	r = rt_lang_u32(c, i + 1, 2 * RT_HL_TICK_MS, RT_HL_TIMEOUT_MAX, "health-timeout (milliseconds)", &v);
	if (!r)
		s->health.timeout_ms = v == RT_HL_TIMEOUT_MS ? 0 : v;
	return r;
}
