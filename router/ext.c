/* SPDX-License-Identifier: MIT */
/*
 * Router extensions: the registry behind router/ext.h (add, find by verb,
 * hand over control packets, free).  Layer: router; calls libc only.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ext.h"

int rt_ext_add(struct rt_exts *x, const struct rt_ext *ext)
{
	void *state = NULL;
	int r;

	for (unsigned int i = 0; i < x->n; i++)
		if (x->e[i].ext == ext)
			return -EEXIST;
	for (const char *const *v = ext->verbs; v && *v; v++)
		if (rt_ext_by_verb(x, *v, NULL))
			return -EEXIST;	/* a verb has one owner */
	if (x->n == RT_EXT_MAX)
		return -ENOSPC;
	if (ext->state_size && !(state = calloc(1, ext->state_size)))
		return -ENOMEM;
	if (ext->init && (r = ext->init(state)) < 0) {
		free(state);
		return r;
	}
	x->e[x->n].ext = ext;
	x->e[x->n].state = state;
	x->n++;
	return 0;
}

void rt_exts_free(struct rt_exts *x)
{
	while (x->n) {
		x->n--;
		free(x->e[x->n].state);
		x->e[x->n].state = NULL;
		x->e[x->n].ext = NULL;
	}
}

void *rt_ext_state(const struct rt_exts *x, const struct rt_ext *ext)
{
	for (unsigned int i = 0; i < x->n; i++)
		if (x->e[i].ext == ext)
			return x->e[i].state;
	return NULL;
}

const struct rt_ext *rt_ext_by_verb(const struct rt_exts *x, const char *verb, void **state)
{
	for (unsigned int i = 0; i < x->n; i++)
		for (const char *const *v = x->e[i].ext->verbs; v && *v; v++)
			if (!strcmp(*v, verb)) {
				if (state)
					*state = x->e[i].state;
				return x->e[i].ext;
			}
	return NULL;
}

int rt_ext_control(struct rt_exts *x, struct rt_tables *t, const struct rt_runtime_ops *ops,
		   const struct rt_ul_meta *meta, const struct gnv_pkt *pk,
		   const uint8_t *payload, size_t size)
{
	for (unsigned int i = 0; i < x->n; i++) {
		const struct rt_ext *e = x->e[i].ext;
		int r;

		if (!e->control)
			continue;
		r = e->control(t, x->e[i].state, ops, meta, pk, payload, size);
		if (r != -ENOENT)
			return r;
	}
	return -ENOENT;
}

void rt_ext_verbs_list(const struct rt_exts *x, char *buf, size_t bufsize)
{
	size_t len = strlen(buf);

	for (unsigned int i = 0; i < x->n; i++)
		for (const char *const *v = x->e[i].ext->verbs; v && *v; v++) {
			int k = snprintf(buf + len, bufsize - len, ", %s", *v);

			if (k < 0 || (size_t)k >= bufsize - len)
				return;
			len += (size_t)k;
		}
}

int rt_ext_word_err(const struct rt_ext_call *c, int i, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (i >= c->n)
		snprintf(c->err, c->errsz, "missing %s after word %d", msg, c->n ? c->pos[c->n - 1] : 0);
	else
		snprintf(c->err, c->errsz, "word %d '%.64s': %s", c->pos[i], c->w[i], msg);
	return -EINVAL;
}
