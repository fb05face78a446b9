/* SPDX-License-Identifier: MIT */
/*
 * Reload as one diff (see reload.h): the new file in scratch tables, the
 * running and the new configuration as dumps, the diff between them by
 * object key, rehearsed on a scratch copy, then applied.
 * Layer: router; calls the command language (rt_cmd_exec, rt_config_dump),
 * state (rt_state_load), policy commit, libcore sbuf/json and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/json.h"
#include "policy.h"
#include "reload.h"
#include "state.h"

/* One object of a dump: its line and the bytes of its key. */
struct rl_line {
	const char *s;
	size_t key;
};

/* A dump split into objects, with an index sorted by key. */
struct rl_dump {
	char *buf;
	struct rl_line *l;
	size_t n;
	size_t *ix;
};

/* Words of the key: "set host", "add port NAME", "add vpc VNI", and four
 * for the objects of a VPC ("add ep 100 10.0.1.5", "add ns 100 prod"). */
static size_t key_size(const char *s)
{
	const char *p = s;
	int words;

	p += strcspn(p, " ");
	p += strspn(p, " ");
	if (!strncmp(p, "host", 4) && (p[4] == ' ' || !p[4]))
		words = 2;
	else if ((!strncmp(p, "port ", 5)) || !strncmp(p, "vpc ", 4))
		words = 3;
	else
		words = 4;
	p = s;
	for (int i = 0; i < words && *p; i++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
	}
	return (size_t)(p - s);
}

static int key_cmp(const struct rl_line *a, const struct rl_line *b)
{
	size_t n = a->key < b->key ? a->key : b->key;
	int r = memcmp(a->s, b->s, n);

	return r ? r : (a->key > b->key) - (a->key < b->key);
}

static int ix_cmp(const void *a, const void *b, void *ctx)
{
	const struct rl_line *l = ctx;

	return key_cmp(&l[*(const size_t *)a], &l[*(const size_t *)b]);
}

static void rl_free(struct rl_dump *d)
{
	free(d->buf);
	free(d->l);
	free(d->ix);
	memset(d, 0, sizeof(*d));
}

/* Split text (a dump) into d: commands only, blank lines and comments
 * skipped.  0 or -ENOMEM. */
static int rl_split(struct rl_dump *d, const char *text)
{
	size_t cap = 1;

	memset(d, 0, sizeof(*d));
	for (const char *p = text; *p; p++)
		cap += *p == '\n';
	d->buf = strdup(text);
	d->l = malloc(cap * sizeof(*d->l));
	d->ix = malloc(cap * sizeof(*d->ix));
	if (!d->buf || !d->l || !d->ix) {
		rl_free(d);
		return -ENOMEM;
	}
	for (char *p = d->buf, *nl; p && *p; p = nl) {
		nl = strchr(p, '\n');
		if (nl)
			*nl++ = 0;
		p += strspn(p, " \t");
		if (!*p || *p == '#')
			continue;
		d->l[d->n].s = p;
		d->l[d->n].key = key_size(p);
		d->ix[d->n] = d->n;
		d->n++;
	}
	qsort_r(d->ix, d->n, sizeof(*d->ix), ix_cmp, d->l);
	return 0;
}

/* The line of d with the key of k, or NULL. */
static const struct rl_line *rl_find(const struct rl_dump *d, const struct rl_line *k)
{
	size_t lo = 0, hi = d->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int r = key_cmp(&d->l[d->ix[mid]], k);

		if (!r)
			return &d->l[d->ix[mid]];
		if (r < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The object kind: its second word. */
static bool kind_is(const struct rl_line *l, const char *kind)
{
	const char *p = l->s + strcspn(l->s, " ");
	size_t n = strlen(kind);

	p += strspn(p, " ");
	return !strncmp(p, kind, n) && p[n] == ' ';
}

/* Networks and endpoints change by delete and add; the others by set. */
static bool replaced(const struct rl_line *l)
{
	return kind_is(l, "ep") || kind_is(l, "net");
}

static int run(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *cmd,
	       struct sbuf *msg)
{
	struct sbuf o = SBUF_INIT;
	int r = rt_cmd_exec(t, ops, cmd, false, &o);

	if (r) {
		sbuf_reset(msg);
		sbuf_printf(msg, "'%s': %s", cmd, sbuf_str(&o));
	}
	sbuf_free(&o);
	return r;
}

/* The command that turns an object into its line l of the new dump. */
static void set_cmd(const struct rl_line *l, struct sbuf *cmd)
{
	sbuf_reset(cmd);
	if (kind_is(l, "host")) {
		sbuf_puts(cmd, l->s);
		return;
	}
	sbuf_printf(cmd, "set%s", l->s + 3);	/* "add vpc ..." -> "set vpc ..." */
	/* lists the new line leaves out are emptied, not kept */
	if (kind_is(l, "vpc") && !strstr(l->s, " divider "))
		sbuf_puts(cmd, " divider none");
	if (kind_is(l, "vpc") && !strstr(l->s, " peers "))
		sbuf_puts(cmd, " peers none");
	if (kind_is(l, "ns") && !strstr(l->s, " labels "))
		sbuf_puts(cmd, " labels none");
}

/* Apply the diff that turns the configuration of dump from into that of
 * dump to.  0, or -errno with the failed command in msg. */
static int rl_apply(struct rt_tables *t, const struct rt_runtime_ops *ops, const struct rl_dump *from,
		    const struct rl_dump *to, struct rt_reload_count *cnt, struct sbuf *msg)
{
	struct sbuf cmd = SBUF_INIT;
	int r = 0;

	memset(cnt, 0, sizeof(*cnt));
	for (size_t i = from->n; !r && i-- > 0;) {
		const struct rl_line *f = &from->l[i], *m = rl_find(to, f);

		if (kind_is(f, "host") || (m && (!strcmp(f->s, m->s) || !replaced(f))))
			continue;
		cnt->removed += !m;
		sbuf_reset(&cmd);
		sbuf_printf(&cmd, "del%.*s", (int)(f->key - 3), f->s + 3);
		r = run(t, ops, sbuf_str(&cmd), msg);
	}
	for (size_t i = 0; !r && i < to->n; i++) {
		const struct rl_line *l = &to->l[i], *m = rl_find(from, l);

		if (m && !strcmp(l->s, m->s)) {
			cnt->unchanged++;
			continue;
		}
		if (m)
			cnt->changed++;
		else
			cnt->added++;
		if (m && !replaced(l)) {
			set_cmd(l, &cmd);
			r = run(t, ops, sbuf_str(&cmd), msg);
		} else {
			r = run(t, ops, l->s, msg);
		}
	}
	sbuf_free(&cmd);
	return r;
}

static int dump_of(const struct rt_tables *t, struct sbuf *out)
{
	sbuf_reset(out);
	return rt_config_dump(t, out) ? -ENOMEM : out->oom ? -ENOMEM : 0;
}

/* Scratch tables with t's limits, or NULL. */
static struct rt_tables *scratch(const struct rt_tables *t)
{
	struct rt_tables *s = rt_tables_new(&t->cfg.lim);

	if (s)
		s->cfg.pol_defer = true;	/* never compiled: only dumped */
	return s;
}

/* The first line where two dumps differ, for the refusal. */
static void first_diff(const char *want, const char *got, struct sbuf *msg)
{
	size_t a, b;

	while (*want && *got) {
		a = strcspn(want, "\n");
		b = strcspn(got, "\n");
		if (a != b || memcmp(want, got, a))
			break;
		want += a + (want[a] ? 1 : 0);
		got += b + (got[b] ? 1 : 0);
	}
	sbuf_reset(msg);
	sbuf_printf(msg, "no command turns the running configuration into the file's: "
		    "'%.*s' would be '%.*s'", (int)strcspn(want, "\n"), want,
		    (int)strcspn(got, "\n"), got);
}

/* Whether dump got holds the objects of to, line for line, in any order:
 * ports, namespaces and policies dump in table slot order, which a delete
 * and an add reuse, so the same objects can come in another order. */
static int same_objects(const struct rl_dump *to, const char *got, bool *same)
{
	struct rl_dump g;

	if (rl_split(&g, got))
		return -ENOMEM;
	*same = g.n == to->n;
	for (size_t i = 0; *same && i < g.n; i++)
		*same = !strcmp(g.l[g.ix[i]].s, to->l[to->ix[i]].s);
	rl_free(&g);
	return 0;
}

/* Rehearse from -> to on scratch tables loaded with from; the result must
 * dump as want (the same objects, in any order). */
static int rehearse(const struct rt_tables *t, const struct rl_dump *from,
		    const struct rl_dump *to, const char *want, struct rt_reload_count *cnt,
		    struct sbuf *msg)
{
	struct rt_tables *s = scratch(t);
	struct sbuf got = SBUF_INIT;
	bool same = false;
	int r = s ? 0 : -ENOMEM;

	for (size_t i = 0; !r && i < from->n; i++)
		r = run(s, NULL, from->l[i].s, msg);
	if (!r)
		r = rl_apply(s, NULL, from, to, cnt, msg);
	if (!r)
		r = dump_of(s, &got);
	if (!r && strcmp(sbuf_str(&got), want) && !(r = same_objects(to, sbuf_str(&got), &same)) &&
	    !same) {
		first_diff(want, sbuf_str(&got), msg);
		r = -EOPNOTSUPP;	/* the file is well formed: exit 1, not a usage error */
	}
	if (r == -ENOMEM && !msg->len)
		sbuf_puts(msg, "out of memory");
	sbuf_free(&got);
	rt_tables_free(s);
	return r;
}

/* Bring t to the configuration dumped in want.  0 or -errno with msg. */
static int reload_to(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *want,
		     struct rt_reload_count *cnt, struct sbuf *msg)
{
	struct rl_dump from, to, now;
	struct sbuf old = SBUF_INIT, cur = SBUF_INIT, ignore = SBUF_INIT;
	struct rt_reload_count undo;
	int r;

	r = dump_of(t, &old);
	if (!r)
		r = rl_split(&from, sbuf_str(&old));
	if (r) {
		sbuf_puts(msg, "out of memory");
		sbuf_free(&old);
		return r;
	}
	r = rl_split(&to, want);
	if (r) {
		sbuf_puts(msg, "out of memory");
		goto out_from;
	}
	r = rehearse(t, &from, &to, want, cnt, msg);
	if (r)
		goto out;
	t->cfg.pol_defer = true;
	r = rl_apply(t, ops, &from, &to, cnt, msg);
	if (r && !dump_of(t, &cur) && !rl_split(&now, sbuf_str(&cur))) {
		/* a step the rehearsal could not see failed (a device): undo */
		if (rl_apply(t, ops, &now, &from, &undo, &ignore))
			sbuf_printf(msg, "; undoing it failed too: %s", sbuf_str(&ignore));
		rl_free(&now);
	}
	t->cfg.pol_defer = false;
	if (rt_policy_commit(t, NULL, 0) && !r) {
		sbuf_puts(msg, "out of memory compiling policies");
		r = -ENOMEM;
	}
out:
	rl_free(&to);
out_from:
	rl_free(&from);
	sbuf_free(&old);
	sbuf_free(&cur);
	sbuf_free(&ignore);
	return r;
}

/* The new configuration, loaded into scratch tables, as a dump. */
static int new_dump(struct rt_tables *n, struct sbuf *want, struct sbuf *msg)
{
	int r = dump_of(n, want);

	if (r)
		sbuf_puts(msg, "out of memory");
	rt_tables_free(n);
	return r;
}

int rt_cmd_reload(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *text,
		  bool json, struct sbuf *out)
{
	struct sbuf want = SBUF_INIT, msg = SBUF_INIT, o = SBUF_INIT;
	struct rt_reload_count cnt = { 0 };
	struct rt_tables *n = scratch(t);
	unsigned long lineno = 0;
	int r = n ? 0 : -ENOMEM;

	if (!n)
		sbuf_puts(&msg, "out of memory");
	for (const char *p = text; !r && p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = strndup(p, len);

		lineno++;
		sbuf_reset(&o);
		r = line ? rt_cmd_exec(n, NULL, line, false, &o) : -ENOMEM;
		if (r)
			sbuf_printf(&msg, "line %lu: %s", lineno, line ? sbuf_str(&o) : "out of memory");
		free(line);
		p = nl ? nl + 1 : NULL;
	}
	if (n && r)
		rt_tables_free(n);
	else if (n)
		r = new_dump(n, &want, &msg);
	if (!r)
		r = reload_to(t, ops, sbuf_str(&want), &cnt, &msg);
	if (json) {
		struct json j;

		json_init(&j, out, false);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", RT_SHOW_SCHEMA);
		if (r) {
			json_str(&j, "error", sbuf_str(&msg));
		} else {
			json_u64(&j, "added", cnt.added);
			json_u64(&j, "changed", cnt.changed);
			json_u64(&j, "removed", cnt.removed);
			json_u64(&j, "unchanged", cnt.unchanged);
		}
		json_obj_close(&j);
	} else if (r) {
		sbuf_puts(out, sbuf_str(&msg));
	} else {
		sbuf_printf(out, "reload: %lu added, %lu changed, %lu removed, %lu unchanged\n",
			    cnt.added, cnt.changed, cnt.removed, cnt.unchanged);
	}
	sbuf_free(&want);
	sbuf_free(&msg);
	sbuf_free(&o);
	return r;
}

int rt_reload_file(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *file,
		   struct rt_reload_count *cnt, char *err, size_t errsz)
{
	struct sbuf want = SBUF_INIT, msg = SBUF_INIT;
	struct rt_tables *n = scratch(t);
	unsigned long lines;
	int r;

	memset(cnt, 0, sizeof(*cnt));
	if (!n) {
		snprintf(err, errsz, "out of memory");
		return -ENOMEM;
	}
	r = rt_state_load(n, NULL, file, false, &lines, err, errsz);
	if (r) {
		rt_tables_free(n);
		return r;
	}
	r = new_dump(n, &want, &msg);
	if (!r)
		r = reload_to(t, ops, sbuf_str(&want), cnt, &msg);
	if (r)
		snprintf(err, errsz, "%s: %s", file, sbuf_str(&msg));
	sbuf_free(&want);
	sbuf_free(&msg);
	return r;
}
