/* SPDX-License-Identifier: MIT */
/*
 * The router's side of the etcd store (store.h): the watch thread, the
 * keys the router holds, and their application to the tables as one
 * all-or-nothing change per reply.
 * Layer: router; calls store_http, store_kv, config, policy, state, router
 * (rt_log), libcore json/num/sbuf, libcurl, pthreads and libc.
 */
#include <curl/curl.h>
#include <errno.h>
#include <stdarg.h>
#include <poll.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include "../libcore/json.h"
#include "../libcore/num.h"
#include "lang.h"
#include "policy.h"
#include "state.h"
#include "store.h"
#include "store_live.h"

/* ---- the keys this router holds ---- */

struct ent {
	struct ent *next;		/* hash chain */
	char *key;
	char obj[RT_STORE_OBJ_MAX];
	int kind;			/* RT_SK_GLOBAL or RT_SK_OWN */
	char *value;			/* the store's, NULL: deleted */
	char *good;			/* the value applied, NULL: none */
	int64_t mod_rev;
	bool bad;			/* value is malformed */
	bool veto;			/* value was refused by the tables */
	bool touched;
};

struct kmap {
	struct ent **b;
	size_t nb, n;
};

/*
 * The tables' objects as their lines, kept across replies: a reply then
 * costs the objects it names, not a dump of every object (10k endpoints
 * written 100 per transaction were 100 dumps of up to 10k lines).  Valid
 * while the tables are at the generation the store left them at (cfg.gen):
 * a change from the control socket, or a refusal in a reply, makes the
 * next reply load it again from a dump.  Its lines are the ones applied
 * (the store's values), where a dump has the tables' own text.
 */
struct mline {
	struct mline *next;
	char *obj, *line;
};

struct mirror {
	struct mline **b;
	size_t nb, n;
	uint64_t gen;
	bool valid;
};

/* A reply queued by the thread. */
struct msg {
	struct msg *next;
	bool full;			/* a whole range read: reload */
	bool status;			/* a range read of the status keys only */
	int64_t rev;			/* the revision it brings the router to */
	struct rt_store_resp r;
};

struct rt_store {
	struct rt_store_opts o;
	struct rt_store_conf conf;
	struct kmap keys;
	struct mirror mir;		/* the tables' objects (loop) */
	struct rt_live live;		/* leases and the routers' status (store_live.h) */
	int efd;
	pthread_t thr;
	bool started;
	/* under mu: what the thread shares */
	pthread_mutex_t mu;
	struct msg *head, **tail;
	bool stop, connected;
	char member[128], error[512];
	int64_t store_rev;		/* newest header.revision seen */
	uint64_t reconnects, reloads_asked;
	time_t heard;			/* last reply */
	/* the loop's */
	int64_t rev, resume_rev;	/* applied; where the thread starts */
	uint64_t applied, rejected, malformed, ignored, reloads, batches;
	char last_err[512];
	bool dirty;			/* cache to rewrite */
	time_t log_window;		/* under mu */
	unsigned int log_count;
};

/* A log line through the router's logger; limited: at most 10 a second
 * (what a flood of bad values or a dead member can trigger). */
static void slog(struct rt_store *s, bool limited, int level, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static void slog(struct rt_store *s, bool limited, int level, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	if (!s->o.log)
		return;
	if (limited) {
		time_t now = time(NULL);

		pthread_mutex_lock(&s->mu);
		if (now != s->log_window) {
			s->log_window = now;
			s->log_count = 0;
		}
		limited = ++s->log_count > 10;
		pthread_mutex_unlock(&s->mu);
		if (limited)
			return;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	s->o.log(level, "%s", msg);
}

static uint64_t hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (unsigned char)*s) * 1099511628211ull;
	return h;
}

static struct ent *map_get(const struct kmap *m, const char *key)
{
	if (!m->nb)
		return NULL;
	for (struct ent *e = m->b[hash(key) % m->nb]; e; e = e->next)
		if (!strcmp(e->key, key))
			return e;
	return NULL;
}

static int map_grow(struct kmap *m)
{
	size_t nb = m->nb ? m->nb * 2 : 1024;
	/* NOLINTNEXTLINE(bugprone-sizeof-expression): an array of pointers */
	struct ent **b = calloc(nb, sizeof(*b));

	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < m->nb; i++)
		for (struct ent *e = m->b[i], *n; e; e = n) {
			n = e->next;
			e->next = b[hash(e->key) % nb];
			b[hash(e->key) % nb] = e;
		}
	free(m->b);
	m->b = b;
	m->nb = nb;
	return 0;
}

static struct ent *map_add(struct kmap *m, const char *key, const char *obj, int kind)
{
	struct ent *e;
	size_t i;

	if (m->n >= m->nb && map_grow(m))
		return NULL;
	e = calloc(1, sizeof(*e));
	if (!e || !(e->key = strdup(key))) {
		free(e);
		return NULL;
	}
	snprintf(e->obj, sizeof(e->obj), "%s", obj);
	e->kind = kind;
	i = hash(key) % m->nb;
	e->next = m->b[i];
	m->b[i] = e;
	m->n++;
	return e;
}

static void ent_free(struct ent *e)
{
	free(e->key);
	free(e->value);
	free(e->good);
	free(e);
}

/* Drop the entries that are gone from the store and from the tables. */
static void map_sweep(struct kmap *m)
{
	for (size_t i = 0; i < m->nb; i++)
		for (struct ent **p = &m->b[i]; *p;) {
			struct ent *e = *p;

			if (!e->value && !e->good) {
				*p = e->next;
				ent_free(e);
				m->n--;
			} else {
				p = &e->next;
			}
		}
}

static void map_free(struct kmap *m)
{
	for (size_t i = 0; i < m->nb; i++)
		for (struct ent *e = m->b[i], *n; e; e = n) {
			n = e->next;
			ent_free(e);
		}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* ---- the tables' objects as lines ---- */

static int cmp_objline(const void *a, const void *b)
{
	return strcmp(((const struct rt_store_objline *)a)->obj, ((const struct rt_store_objline *)b)->obj);
}

int rt_store_objs_load(struct rt_store_objs *o, const struct rt_tables *t)
{
	char err[256];
	size_t cap = 0;
	char *save = NULL, *l;

	memset(o, 0, sizeof(*o));
	if (rt_config_dump(t, &o->text) || !o->text.buf)
		return -ENOMEM;
	for (l = strtok_r(o->text.buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		bool scoped;

		if (o->n == cap) {
			struct rt_store_objline *v = realloc(o->v, (cap = cap ? cap * 2 : 256) * sizeof(*v));

			if (!v)
				return -ENOMEM;
			o->v = v;
		}
		if (rt_store_obj_of_line(l, o->v[o->n].obj, sizeof(o->v[o->n].obj), &scoped, err, sizeof(err)))
			continue;
		o->v[o->n++].line = l;
	}
	if (o->n)
		qsort(o->v, o->n, sizeof(*o->v), cmp_objline);
	return 0;
}

const char *rt_store_objs_find(const struct rt_store_objs *o, const char *obj)
{
	struct rt_store_objline k = { .line = NULL }, *f;

	snprintf(k.obj, sizeof(k.obj), "%s", obj);
	f = o->n ? bsearch(&k, o->v, o->n, sizeof(*o->v), cmp_objline) : NULL;
	return f ? f->line : NULL;
}

void rt_store_objs_free(struct rt_store_objs *o)
{
	sbuf_free(&o->text);
	free(o->v);
}

/* ---- the mirror ---- */

static struct mline **mir_slot(struct mirror *m, const char *obj)
{
	struct mline **p = &m->b[hash(obj) % m->nb];

	while (*p && strcmp((*p)->obj, obj))
		p = &(*p)->next;
	return p;
}

static void mir_clear(struct mirror *m)
{
	for (size_t i = 0; i < m->nb; i++)
		for (struct mline *l = m->b[i], *n; l; l = n) {
			n = l->next;
			free(l->obj);
			free(l->line);
			free(l);
		}
	free(m->b);
	memset(m, 0, sizeof(*m));
}

/* Set obj's line (NULL: absent).  -ENOMEM leaves the mirror invalid. */
static int mir_set(struct mirror *m, const char *obj, const char *line)
{
	struct mline **p, *l;

	if (m->n >= m->nb) {	/* grow: twice the buckets */
		size_t nb = m->nb ? m->nb * 2 : 1024;
		struct mline **b = calloc(nb, sizeof(struct mline *));

		if (!b)
			goto oom;
		for (size_t i = 0; i < m->nb; i++)
			for (struct mline *x = m->b[i], *n; x; x = n) {
				n = x->next;
				x->next = b[hash(x->obj) % nb];
				b[hash(x->obj) % nb] = x;
			}
		free(m->b);
		m->b = b;
		m->nb = nb;
	}
	p = mir_slot(m, obj);
	if (!line) {
		if ((l = *p)) {
			*p = l->next;
			free(l->obj);
			free(l->line);
			free(l);
			m->n--;
		}
		return 0;
	}
	if ((l = *p)) {
		char *c = strdup(line);

		if (!c)
			goto oom;
		free(l->line);
		l->line = c;
		return 0;
	}
	l = calloc(1, sizeof(*l));
	if (!l || !(l->obj = strdup(obj)) || !(l->line = strdup(line))) {
		if (l)
			free(l->obj);
		free(l);
		goto oom;
	}
	*p = l;
	m->n++;
	return 0;
oom:
	m->valid = false;
	return -ENOMEM;
}

static const char *mir_get(struct mirror *m, const char *obj)
{
	struct mline *l = m->nb ? *mir_slot(m, obj) : NULL;

	return l ? l->line : NULL;
}

/* Make the mirror hold t's objects: a dump when it is not valid for t. */
static int mir_load(struct mirror *m, const struct rt_tables *t)
{
	struct rt_store_objs cur;

	if (m->valid && m->gen == t->cfg.gen)
		return 0;
	mir_clear(m);
	if (rt_store_objs_load(&cur, t)) {
		rt_store_objs_free(&cur);
		return -ENOMEM;
	}
	m->valid = true;
	for (size_t i = 0; i < cur.n && m->valid; i++)
		mir_set(m, cur.v[i].obj, cur.v[i].line);
	rt_store_objs_free(&cur);
	return m->valid ? 0 : -ENOMEM;
}

/* ---- applying ---- */

/* The order objects are created in (rt_config_dump's), removed in reverse. */
int rt_store_obj_rank(const char *obj)
{
	static const char *const order[] = { "host", "port/", "vpc/", "net/", "ns/", "ep/", "policy/", NULL };

	for (int i = 0; order[i]; i++)
		if (!strncmp(obj, order[i], strlen(order[i])))
			return i;
	return 7;
}

/* What an entry asks for now: its value, or its last good one when the
 * value is malformed or was refused. */
static const char *ent_want(const struct ent *e, bool *has)
{
	*has = true;
	if (e->bad || e->veto)
		return e->good;
	return e->value;
}

/* The line the store wants for obj, and the entry that says so (NULL:
 * no key names obj). */
static const char *want_of(struct rt_store *s, const char *obj, struct ent **from)
{
	char key[RT_STORE_KEY_MAX];
	struct ent *e;
	const char *w;
	bool has;

	*from = NULL;
	if (!rt_store_key_of(s->conf.prefix, s->o.host_id, obj, key, sizeof(key)) &&
	    (e = map_get(&s->keys, key))) {
		*from = e;
		if ((w = ent_want(e, &has)))
			return w;
	}
	if (!rt_store_key_of(s->conf.prefix, NULL, obj, key, sizeof(key)) && (e = map_get(&s->keys, key))) {
		*from = e;
		return ent_want(e, &has);
	}
	return NULL;
}

struct op {
	char obj[RT_STORE_OBJ_MAX];
	const char *old, *want;		/* lines (NULL: absent) */
	struct ent *from;
	int rank;
};

static int cmp_op(const void *a, const void *b)
{
	const struct op *x = a, *y = b;
	/* removals first, deepest first; then the rest in creation order */
	int kx = x->want ? 1 : 0, ky = y->want ? 1 : 0;

	if (kx != ky)
		return kx - ky;
	return kx ? x->rank - y->rank : y->rank - x->rank;
}

static int run(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *line,
	       struct sbuf *msg)
{
	sbuf_reset(msg);
	return rt_cmd_exec(t, ops, line, false, msg);
}

/* Does line hold ' word ' (or end with ' word')? */
static bool has_word(const char *line, const char *word)
{
	size_t n = strlen(word);

	for (const char *p = strstr(line, word); p; p = strstr(p + 1, word))
		if (p > line && p[-1] == ' ' && (!p[n] || p[n] == ' '))
			return true;
	return false;
}

/* Turn object obj from line old into line want (either may be NULL). */
int rt_store_change(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *obj,
		  const char *old, const char *want, struct sbuf *msg)
{
	char cmd[RT_LINE_MAX + 64];
	int rank = rt_store_obj_rank(obj), r;

	if (!want) {
		if (rt_store_del_of(obj, cmd, sizeof(cmd)))
			return 0;	/* the host stays */
		return run(t, ops, cmd, msg);
	}
	if (!old || rank == 0)
		return run(t, ops, want, msg);
	/* an object with dependents changes in place: set, with the lists
	 * the add line leaves out emptied */
	if (rank <= 4 && !strncmp(want, "add ", 4)) {
		static const char *const lists[][2] = { { "vpc/", "divider" }, { "vpc/", "peers" },
							 { "net/", "bouncer" }, { "ns/", "labels" } };
		size_t off = (size_t)snprintf(cmd, sizeof(cmd), "set %s", want + 4);

		for (size_t i = 0; i < sizeof(lists) / sizeof(lists[0]); i++)
			if (!strncmp(obj, lists[i][0], strlen(lists[i][0])) && !has_word(want, lists[i][1]) &&
			    off < sizeof(cmd))
				off += (size_t)snprintf(cmd + off, sizeof(cmd) - off, " %s none", lists[i][1]);
		return run(t, ops, cmd, msg);
	}
	r = rt_store_change(t, ops, obj, old, NULL, msg);
	return r ? r : run(t, ops, want, msg);
}

/* Is obj a local object (host, port) that no key ever named?  The router
 * leaves those alone: they come from -f. */
static bool local_only(const char *obj, const struct ent *from)
{
	return rt_store_obj_rank(obj) <= 1 && !from;
}

/*
 * Bring the objects in objs[0..n) to what the store wants, as one change:
 * on a refusal every change made is undone, the entry whose value was
 * refused is vetoed (keeps its last good value) and the rest is tried
 * again.  Returns the number of objects changed.
 */
static int reconcile(struct rt_store *s, struct rt_tables *t, const struct rt_runtime_ops *ops,
		     char (*objv)[RT_STORE_OBJ_MAX], size_t n)
{
	struct sbuf msg = SBUF_INIT, undo = SBUF_INIT;
	struct op *opv = calloc(n ? n : 1, sizeof(*opv));
	size_t nops = 0, done = 0;
	bool refused = false;
	int ret = 0;

	if (!opv || mir_load(&s->mir, t)) {
		free(opv);
		slog(s, false, RT_STORE_LOG_ERR, "store: out of memory applying revision %lld", (long long)s->rev);
		return -ENOMEM;
	}
	t->cfg.pol_defer = true;
	for (size_t attempt = 0; attempt <= n; attempt++) {
		nops = 0;
		for (size_t i = 0; i < n; i++) {
			struct op *o = &opv[nops];

			snprintf(o->obj, sizeof(o->obj), "%s", objv[i]);
			o->want = want_of(s, o->obj, &o->from);
			o->old = mir_get(&s->mir, o->obj);
			if ((!o->want && !o->old) || (o->want && o->old && !strcmp(o->want, o->old)))
				continue;
			if (!o->want && local_only(o->obj, o->from))
				continue;
			o->rank = rt_store_obj_rank(o->obj);
			nops++;
		}
		qsort(opv, nops, sizeof(*opv), cmp_op);
		for (done = 0; done < nops; done++)
			if (rt_store_change(t, ops, opv[done].obj, opv[done].old, opv[done].want, &msg))
				break;
		if (done == nops)
			break;
		/* refused: undo, newest first, then veto the value */
		/* a refused command changed nothing, but a del-and-add may
		 * have done its del: put the old object back (add fails if
		 * it is there) */
		if (opv[done].old && opv[done].want)
			rt_store_change(t, ops, opv[done].obj, NULL, opv[done].old, &undo);
		for (size_t k = done; k-- > 0;)
			if (rt_store_change(t, ops, opv[k].obj, opv[k].want, opv[k].old, &undo))
				slog(s, false, RT_STORE_LOG_ERR, "store: cannot undo %s: %s", opv[k].obj, sbuf_str(&undo));
		refused = true;
		snprintf(s->last_err, sizeof(s->last_err), "key '%s': refused: %s",
			 opv[done].from ? opv[done].from->key : opv[done].obj, sbuf_str(&msg));
		slog(s, false, RT_STORE_LOG_ERR, "store: %s", s->last_err);
		s->rejected++;
		if (!opv[done].from || opv[done].from->veto) {
			ret = -EINVAL;
			done = 0;
			break;
		}
		opv[done].from->veto = true;
	}
	t->cfg.pol_defer = false;
	if (rt_policy_commit(t, NULL, 0))
		slog(s, false, RT_STORE_LOG_ERR, "store: out of memory compiling policies");
	/* the objects changed, as the last attempt left them (after every
	 * use of their old lines, which the mirror holds); a refusal and
	 * its undo: a dump next time */
	if (refused)
		s->mir.valid = false;
	for (size_t k = 0; k < done && s->mir.valid; k++)
		mir_set(&s->mir, opv[k].obj, opv[k].want);
	s->mir.gen = t->cfg.gen;
	sbuf_free(&msg);
	sbuf_free(&undo);
	free(opv);
	s->applied += done;
	return ret ? ret : (int)done;
}

/* After a reconcile: what was applied becomes the entries' good value. */
static void commit_touched(struct rt_store *s)
{
	for (size_t i = 0; i < s->keys.nb; i++)
		for (struct ent *e = s->keys.b[i]; e; e = e->next) {
			if (!e->touched)
				continue;
			if (!e->bad && !e->veto) {
				free(e->good);
				e->good = e->value ? strdup(e->value) : NULL;
			}
			e->touched = e->veto = false;
		}
	map_sweep(&s->keys);
}

/* Take kv into the keys; its object appended to objv.  False: ignored. */
static bool take_kv(struct rt_store *s, const struct rt_store_kv *kv, char *obj)
{
	char err[512];
	int kind = rt_store_key_parse(s->conf.prefix, kv->key, s->o.host_id, obj, RT_STORE_OBJ_MAX);
	struct ent *e;

	if (kind == RT_SK_STATUS) {
		rt_live_take(&s->live, obj, kv, kv->mod_rev);
		return false;
	}
	if (kind == RT_SK_SCHEMA) {
		if (kv->value && strcmp(kv->value, RT_STORE_SCHEMA)) {
			snprintf(s->last_err, sizeof(s->last_err), "key '%s': schema '%.32s', this router reads schema %s",
				 kv->key, kv->value, RT_STORE_SCHEMA);
			slog(s, true, RT_STORE_LOG_ERR, "store: %s", s->last_err);
		}
		return false;
	}
	if (kind == RT_SK_IDENT) {
		/* the writers' allocator: the number rides in the endpoints'
		 * values (identity N); the keys are only checked here */
		struct rt_store_ident d;

		if (kv->value && rt_store_ident_parse(obj, kv->value, kv->vsize, &d, err, sizeof(err))) {
			s->malformed++;
			snprintf(s->last_err, sizeof(s->last_err), "key '%.200s': %.280s", kv->key, err);
			slog(s, true, RT_STORE_LOG_ERR, "store: %s (ignored)", s->last_err);
		}
		return false;
	}
	if (kind != RT_SK_GLOBAL && kind != RT_SK_OWN) {
		if (kind == RT_SK_UNKNOWN) {
			s->ignored++;
			slog(s, true, RT_STORE_LOG_WARN, "store: key '%.200s': not an object of schema %s: ignored",
				       kv->key, RT_STORE_SCHEMA);
		}
		return false;
	}
	e = map_get(&s->keys, kv->key);
	if (!e && !kv->value)
		return false;
	if (!e && !(e = map_add(&s->keys, kv->key, obj, kind)))
		return false;
	free(e->value);
	e->value = kv->value ? strdup(kv->value) : NULL;
	e->mod_rev = kv->mod_rev;
	e->bad = false;
	e->touched = true;
	if (kv->value && rt_store_value_check(obj, kv->value, kv->vsize, err, sizeof(err))) {
		e->bad = true;
		s->malformed++;
		snprintf(s->last_err, sizeof(s->last_err), "key '%.200s': %.280s", kv->key, err);
		slog(s, true, RT_STORE_LOG_ERR, "store: %s (not applied)", s->last_err);
	}
	return true;
}

/* Append obj to the list unless it is there (the list is short per batch;
 * a reload dedups by sorting). */
static int objv_add(char (**v)[RT_STORE_OBJ_MAX], size_t *n, size_t *cap, const char *obj)
{
	if (*n == *cap) {
		/* cap grows only with the buffer: a failed realloc left it grown,
		 * and the next call wrote past the old buffer (or through NULL) */
		size_t nc = *cap ? *cap * 2 : 64;
		char (*nv)[RT_STORE_OBJ_MAX] = realloc(*v, nc * RT_STORE_OBJ_MAX);

		if (!nv)
			return -ENOMEM;
		*v = nv;
		*cap = nc;
	}
	snprintf((*v)[(*n)++], RT_STORE_OBJ_MAX, "%s", obj);
	return 0;
}

static int cmp_obj(const void *a, const void *b)
{
	return strcmp(a, b);
}

static size_t objv_dedup(char (*v)[RT_STORE_OBJ_MAX], size_t n)
{
	size_t k = 0;

	if (!n)
		return 0;	/* v may be NULL: qsort's arguments must not be */
	qsort(v, n, RT_STORE_OBJ_MAX, cmp_obj);
	for (size_t i = 0; i < n; i++)
		if (!k || strcmp(v[k - 1], v[i]))
			memmove(v[k++], v[i], RT_STORE_OBJ_MAX);
	return k;
}

static void apply_msg(struct rt_store *s, struct rt_tables *t, const struct rt_runtime_ops *ops,
		      struct msg *m)
{
	char (*objv)[RT_STORE_OBJ_MAX] = NULL;
	char obj[RT_STORE_OBJ_MAX];
	size_t n = 0, cap = 0;
	int r;

	if (m->full) {
		struct rt_store_objs cur;

		/* every key not in the read is gone; every object of the
		 * tables is compared */
		for (size_t i = 0; i < s->keys.nb; i++)
			for (struct ent *e = s->keys.b[i]; e; e = e->next) {
				free(e->value);
				e->value = NULL;
				e->bad = false;
				e->touched = true;
				objv_add(&objv, &n, &cap, e->obj);
			}
		if (!rt_store_objs_load(&cur, t))
			for (size_t i = 0; i < cur.n; i++)
				objv_add(&objv, &n, &cap, cur.v[i].obj);
		rt_store_objs_free(&cur);
		s->reloads++;
	}
	if (m->full || m->status)
		rt_live_full(&s->live, true, m->rev);
	for (size_t i = 0; i < m->r.n; i++)
		if (take_kv(s, &m->r.kv[i], obj))
			objv_add(&objv, &n, &cap, obj);
	if (m->full || m->status)
		rt_live_full(&s->live, false, m->rev);
	n = objv_dedup(objv, n);
	/* a reply of keys this router ignores only (another host's, no
	 * object) changes nothing */
	r = n ? reconcile(s, t, ops, objv, n) : 0;
	commit_touched(s);
	if (r > 0)
		slog(s, false, RT_STORE_LOG_INFO, "store: revision %lld: %d change%s%s", (long long)m->rev, r,
		       r == 1 ? "" : "s", m->full ? " (full read)" : "");
	if (m->rev > s->rev)
		s->rev = m->rev;
	s->batches++;
	s->dirty = true;
	free(objv);
}

int rt_store_apply(struct rt_store *s, struct rt_tables *t, const struct rt_runtime_ops *ops)
{
	uint64_t v;
	struct msg *m;
	int k = 0;

	(void)!read(s->efd, &v, sizeof(v));
	pthread_mutex_lock(&s->mu);
	m = s->head;
	s->head = NULL;
	s->tail = &s->head;
	pthread_mutex_unlock(&s->mu);
	while (m) {
		struct msg *next = m->next;

		apply_msg(s, t, ops, m);
		rt_store_resp_free(&m->r);
		free(m);
		m = next;
		k++;
	}
	/* liveness: the marks follow the tables and the hosts' keys; the
	 * status published follows the ports */
	rt_live_sync(&s->live, t);
	rt_live_publish(&s->live, t);
	return k;
}

/* ---- the cache: STATE.store ---- */

#define CACHE_HEAD "# genv store cache 1"

int rt_store_save(struct rt_store *s)
{
	struct sbuf b = SBUF_INIT;
	size_t n = 0;
	int r = 0;

	if (!s || !s->o.cache || !s->dirty)
		return 0;
	sbuf_printf(&b, "%s\nrev %lld\n", CACHE_HEAD, (long long)s->rev);
	/* a key that cannot be written makes the whole cache unwritten (and
	 * the next save tries again): a cache whose end count said it held a
	 * key it left out resumed the watch without it */
	for (size_t i = 0; i < s->keys.nb && !r; i++)
		for (struct ent *e = s->keys.b[i]; e && !r; e = e->next)
			if (e->good && !(r = rt_store_cache_kv(&b, e->key, e->mod_rev, e->good)))
				n++;
	sbuf_printf(&b, "# end %zu\n", n);
	if (!r)
		r = b.oom ? -ENOMEM : rt_write_atomic(s->o.cache, sbuf_str(&b), b.len);
	sbuf_free(&b);
	if (r)
		slog(s, false, RT_STORE_LOG_ERR, "store: cannot write '%s': %s", s->o.cache, strerror(-r));
	else
		s->dirty = false;
	return r;
}

/* A cache line "kv KEY MODREV VALUE\n" (KEY, VALUE base64), split in place. */
static int cache_kv_line(char *line, char **k, long long *mr, char **v)
{
	char *p = line + 3;
	const char *r;
	uint64_t u;
	size_t n;

	if (strncmp(line, "kv ", 3))
		return -EINVAL;
	n = strcspn(p, " ");
	if (!n || p[n] != ' ')
		return -EINVAL;
	p[n] = 0;
	*k = p;
	p += n + 1;
	if (num_parse_lead(p, 0, INT64_MAX, &u, &r) || *r != ' ')
		return -EINVAL;
	*mr = (long long)u;
	p += r - p + 1;
	n = strcspn(p, " \n");
	if (!n || (p[n] && strcmp(p + n, "\n")))
		return -EINVAL;
	p[n] = 0;
	*v = p;
	return 0;
}

/* "WORD N\n" (the newline may be cut): N, else -EINVAL / -ERANGE. */
static int cache_num_line(const char *line, const char *word, uint64_t max, uint64_t *v)
{
	size_t n = strlen(word);
	const char *r;

	if (strncmp(line, word, n) || num_parse_lead(line + n, 0, max, v, &r))
		return -EINVAL;
	return *r && strcmp(r, "\n") ? -EINVAL : 0;
}

/* Load the cache; a cache that does not parse is ignored (a full read). */
static void cache_load(struct rt_store *s)
{
	FILE *f = fopen(s->o.cache, "r");
	char *line = NULL;
	size_t cap = 0, n = 0, want = (size_t)-1;
	long long rev = -1;
	bool head = false;

	if (!f)
		return;
	while (getline(&line, &cap, f) > 0) {
		char *k, *v;
		long long mr;
		uint64_t u;
		struct rt_store_kv kv = { 0 };
		char obj[RT_STORE_OBJ_MAX];

		if (!head) {
			head = !strncmp(line, CACHE_HEAD "\n", sizeof(CACHE_HEAD));
			if (!head)
				break;
			continue;
		}
		if (!strncmp(line, "rev ", 4)) {
			rev = cache_num_line(line, "rev ", INT64_MAX, &u) ? -1 : (long long)u;
			if (rev < 0)
				break;
			continue;
		}
		if (!strncmp(line, "# end ", 6)) {
			if (!cache_num_line(line, "# end ", SIZE_MAX, &u))
				want = (size_t)u;
			break;
		}
		if (cache_kv_line(line, &k, &mr, &v) ||
		    !(kv.key = rt_store_b64_decode(k, &cap)) || !(kv.value = rt_store_b64_decode(v, &kv.vsize))) {
			free(kv.key);
			rev = -1;
			break;
		}
		cap = 0;
		free(line);
		line = NULL;
		kv.mod_rev = mr;
		if (take_kv(s, &kv, obj))
			n++;
		free(kv.key);
		free(kv.value);
	}
	free(line);
	fclose(f);
	if (rev < 0 || want != n) {
		slog(s, false, RT_STORE_LOG_WARN, "store: cache '%s' is incomplete: reading the store in full", s->o.cache);
		map_free(&s->keys);
		return;
	}
	/* what the cache holds is what the --state file applied */
	for (size_t i = 0; i < s->keys.nb; i++)
		for (struct ent *e = s->keys.b[i]; e; e = e->next) {
			e->good = e->value ? strdup(e->value) : NULL;
			e->touched = false;
		}
	s->rev = s->resume_rev = rev;
	slog(s, false, RT_STORE_LOG_INFO, "store: cache '%s': %zu keys at revision %lld; resuming there", s->o.cache, n, rev);
}

/* ---- the thread ---- */

static void set_error(struct rt_store *s, const char *err)
{
	pthread_mutex_lock(&s->mu);
	snprintf(s->error, sizeof(s->error), "%.500s", err);
	s->connected = false;
	pthread_mutex_unlock(&s->mu);
}

static bool stopping(struct rt_store *s)
{
	bool stop;

	pthread_mutex_lock(&s->mu);
	stop = s->stop;
	pthread_mutex_unlock(&s->mu);
	return stop;
}

static void push(struct rt_store *s, struct msg *m)
{
	uint64_t one = 1;

	pthread_mutex_lock(&s->mu);
	*s->tail = m;
	s->tail = &m->next;
	if (m->r.rev > s->store_rev)
		s->store_rev = m->r.rev;
	s->heard = time(NULL);
	pthread_mutex_unlock(&s->mu);
	(void)!write(s->efd, &one, sizeof(one));
}

/* Sleep ms, waking early when asked to stop. */
static void nap(struct rt_store *s, long ms)
{
	for (long t = 0; t < ms && !stopping(s); t += 50)
		poll(NULL, 0, 50);
}

/* One watch stream being read. */
struct wstream {
	struct rt_store *s;
	struct sbuf buf;
	int64_t rev;			/* the newest revision applied or queued */
	bool compacted, failed;
	char err[512];
};

static void on_watch_reply(struct wstream *w, const char *text, size_t size)
{
	struct rt_store *s = w->s;
	struct msg *m = calloc(1, sizeof(*m));

	if (!m) {
		w->failed = true;
		return;
	}
	if (rt_store_parse_resp(text, size, &m->r, w->err, sizeof(w->err))) {
		/* a reply that does not parse: the stream cannot be trusted
		 * past it; read everything again */
		pthread_mutex_lock(&s->mu);
		snprintf(s->error, sizeof(s->error), "watch reply: %.480s", w->err);
		pthread_mutex_unlock(&s->mu);
		slog(s, true, RT_STORE_LOG_ERR, "store: watch reply: %s", w->err);
		free(m);
		w->compacted = w->failed = true;
		return;
	}
	if (m->r.error[0] && !m->r.compact_rev) {
		snprintf(w->err, sizeof(w->err), "watch: %s", m->r.error);
		w->failed = true;
	}
	if (m->r.compact_rev) {
		snprintf(w->err, sizeof(w->err), "watch from revision %lld: compacted to %lld",
			 (long long)w->rev + 1, (long long)m->r.compact_rev);
		w->compacted = w->failed = true;
	}
	if (m->r.created) {
		pthread_mutex_lock(&s->mu);
		s->connected = true;
		s->error[0] = 0;
		if (m->r.rev > s->store_rev)
			s->store_rev = m->r.rev;
		s->heard = time(NULL);
		pthread_mutex_unlock(&s->mu);
	}
	if (!m->r.n || w->failed) {
		rt_store_resp_free(&m->r);
		free(m);
		return;
	}
	for (size_t i = 0; i < m->r.n; i++)
		if (m->r.kv[i].mod_rev > m->rev)
			m->rev = m->r.kv[i].mod_rev;
	if (m->rev > w->rev)
		w->rev = m->rev;
	push(s, m);
}

static size_t watch_data(char *p, size_t size, size_t n, void *arg)
{
	struct wstream *w = arg;
	char *nl;

	sbuf_add(&w->buf, p, size * n);
	if (w->buf.oom)
		return 0;
	/* the gateway ends each message with a newline */
	while (w->buf.len && (nl = memchr(w->buf.buf, '\n', w->buf.len))) {
		size_t len = (size_t)(nl - w->buf.buf);

		if (len)
			on_watch_reply(w, w->buf.buf, len);
		memmove(w->buf.buf, nl + 1, w->buf.len - len - 1);
		w->buf.len -= len + 1;
		w->buf.buf[w->buf.len] = 0;
		if (w->failed)
			return 0;	/* ends the transfer */
	}
	return size * n;
}

static int watch_progress(void *arg, curl_off_t a, curl_off_t b, curl_off_t c, curl_off_t d)
{
	struct wstream *w = arg;

	(void)a, (void)b, (void)c, (void)d;
	return stopping(w->s) ? 1 : 0;
}

/* Watch from rev + 1 on member m until the stream ends.  The newest
 * revision queued in *rev; true when a full read is needed. */
static bool watch_once(struct rt_store *s, void *curl, unsigned int m, int64_t *rev)
{
	struct wstream w = { .s = s, .rev = *rev };
	char *k = rt_store_b64_encode(s->conf.prefix, strlen(s->conf.prefix));
	char *e = rt_store_prefix_end_b64(s->conf.prefix), *body = NULL;
	char cerr[CURL_ERROR_SIZE] = "";
	CURLcode cc;

	if (!k || !e || asprintf(&body, "{\"create_request\":{\"key\":\"%s\",\"range_end\":\"%s\",\"start_revision\":\"%lld\"}}",
				 k, e, (long long)*rev + 1) < 0) {
		free(k);
		free(e);
		return false;
	}
	curl_easy_reset(curl);
	rt_store_http_setup(&s->conf, curl, m, "/v3/watch");
	curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
	curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, watch_data);
	curl_easy_setopt(curl, CURLOPT_WRITEDATA, &w);
	curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
	curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, watch_progress);
	curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &w);
	pthread_mutex_lock(&s->mu);
	snprintf(s->member, sizeof(s->member), "%s", s->conf.member[m]);
	pthread_mutex_unlock(&s->mu);
	cc = curl_easy_perform(curl);
	if (!stopping(s)) {
		char msg[1024];

		snprintf(msg, sizeof(msg), "%s: %s", s->conf.member[m],
			 w.err[0] ? w.err : cerr[0] ? cerr : cc ? curl_easy_strerror(cc) : "the watch stream ended");
		set_error(s, msg);
		slog(s, true, RT_STORE_LOG_WARN, "store: %s", msg);
	}
	*rev = w.rev;
	sbuf_free(&w.buf);
	free(body);
	free(k);
	free(e);
	return w.compacted;
}

static void *store_thread(void *arg)
{
	struct rt_store *s = arg;
	struct rt_store_http h;
	int64_t rev = s->resume_rev;
	bool full = rev < 0, status_read = !full;
	long backoff = 100;
	void *wc = curl_easy_init();

	if (rt_store_http_init(&h, &s->conf) || !wc) {
		set_error(s, "out of memory");
		return NULL;
	}
	while (!stopping(s)) {
		if (full || status_read) {
			/* full: every key at the newest revision; status_read:
			 * resumed from the cache, which keeps no status keys, the
			 * routers alive at its revision (the watch goes on from it) */
			struct msg *m = calloc(1, sizeof(*m));
			char err[512], sp[RT_STORE_KEY_MAX];

			if (!m)
				break;
			snprintf(sp, sizeof(sp), "%s%s", s->conf.prefix, full ? "" : "v1/status/");
			if (rt_store_range(&h, sp, full ? 0 : rev, &m->r, err, sizeof(err))) {
				free(m);
				if (!full && strstr(err, "compacted")) {
					slog(s, false, RT_STORE_LOG_WARN,
					     "store: status keys at the cache's revision %lld: compacted; reading the store in full",
					     (long long)rev);
					full = true;
					continue;
				}
				set_error(s, err);
				slog(s, true, RT_STORE_LOG_WARN, "store: %s", err);
				nap(s, backoff);
				backoff = backoff < 2000 ? backoff * 2 : 2000;
				continue;
			}
			m->full = full;
			m->status = !full;
			m->rev = rev = full ? m->r.rev : rev;
			status_read = false;	/* full is set again from the watch below */
			push(s, m);
		}
		full = watch_once(s, wc, h.cur, &rev);
		if (stopping(s))
			break;
		pthread_mutex_lock(&s->mu);
		s->reconnects++;
		s->reloads_asked += full;
		pthread_mutex_unlock(&s->mu);
		if (!full) {
			/* the member is gone, or the stream broke: the next one,
			 * after a pause that grows while none answers */
			h.cur = (h.cur + 1) % s->conf.nmembers;
			nap(s, backoff);
			backoff = backoff < 2000 ? backoff * 2 : 2000;
		} else {
			backoff = 100;
		}
		pthread_mutex_lock(&s->mu);
		if (s->connected)
			backoff = 100;
		pthread_mutex_unlock(&s->mu);
	}
	curl_easy_cleanup(wc);
	rt_store_http_free(&h);
	return NULL;
}

int rt_store_start(struct rt_store **out, const struct rt_store_opts *o, char *err, size_t errsz)
{
	struct rt_store *s = calloc(1, sizeof(*s));
	int r;

	if (!s)
		return -ENOMEM;
	s->o = *o;
	r = rt_store_conf_parse(&s->conf, o->url, o->prefix, o->cacert, o->cert, o->key, err, errsz);
	if (r) {
		free(s);
		return r;
	}
	pthread_mutex_init(&s->mu, NULL);
	s->tail = &s->head;
	s->rev = s->resume_rev = -1;
	s->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (s->efd < 0) {
		r = -errno;
		snprintf(err, errsz, "eventfd: %s", strerror(errno));
		goto bad;
	}
	if (o->cache)
		cache_load(s);
	r = rt_live_start(&s->live, &s->conf, o->host_id, o->lease_ttl, s->efd, o->log);
	if (r) {
		snprintf(err, errsz, "cannot start the lease thread: %s", strerror(-r));
		goto bad;
	}
	r = -pthread_create(&s->thr, NULL, store_thread, s);
	if (r) {
		snprintf(err, errsz, "cannot start the store thread: %s", strerror(-r));
		goto bad;
	}
	s->started = true;
	*out = s;
	return 0;
bad:
	rt_store_stop(s);
	return r;
}

int rt_store_fd(const struct rt_store *s)
{
	return s->efd;
}

void rt_store_stop(struct rt_store *s)
{
	if (!s)
		return;
	rt_live_stop(&s->live);	/* revokes the lease while the store is reachable */
	if (s->started) {
		pthread_mutex_lock(&s->mu);
		s->stop = true;
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->thr, NULL);
	}
	for (struct msg *m = s->head, *n; m; m = n) {
		n = m->next;
		rt_store_resp_free(&m->r);
		free(m);
	}
	if (s->efd >= 0)
		close(s->efd);
	map_free(&s->keys);
	mir_clear(&s->mir);
	rt_store_conf_free(&s->conf);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* ---- show store ---- */

int rt_store_show(struct rt_store *s, bool json, struct sbuf *out)
{
	char member[128], error[512];
	int64_t store_rev, lag;
	uint64_t reconnects;
	bool connected;
	long heard;

	if (!s) {
		const char *m = "show store: this router runs without --store";

		if (json)
			sbuf_printf(out, "{\"schema\":%d,\"error\":\"%s\"}", RT_SHOW_SCHEMA, m);
		else
			sbuf_printf(out, "%s\n", m);
		return -ENOENT;
	}
	pthread_mutex_lock(&s->mu);
	snprintf(member, sizeof(member), "%s", s->connected ? s->member : "");
	snprintf(error, sizeof(error), "%s", s->error);
	store_rev = s->store_rev;
	reconnects = s->reconnects;
	connected = s->connected;
	heard = s->heard ? (long)(time(NULL) - s->heard) : -1;
	pthread_mutex_unlock(&s->mu);
	if (!error[0])
		snprintf(error, sizeof(error), "%s", s->last_err);
	lag = store_rev > s->rev && s->rev >= 0 ? store_rev - s->rev : 0;
	if (json) {
		struct json j;

		json_init(&j, out, false);
		json_obj_open(&j, NULL);
		json_u64(&j, "schema", RT_SHOW_SCHEMA);
		json_obj_open(&j, "store");
		json_str(&j, "url", s->o.url);
		json_str(&j, "prefix", s->conf.prefix);
		json_str(&j, "host_id", s->o.host_id ? s->o.host_id : "");
		json_bool(&j, "connected", connected);
		json_str(&j, "member", member);
		json_i64(&j, "revision", s->rev);
		json_i64(&j, "store_revision", store_rev);
		json_i64(&j, "lag", lag);
		json_i64(&j, "heard_s", heard);
		json_u64(&j, "keys", s->keys.n);
		json_u64(&j, "batches", s->batches);
		json_u64(&j, "applied", s->applied);
		json_u64(&j, "rejected", s->rejected);
		json_u64(&j, "malformed", s->malformed);
		json_u64(&j, "ignored", s->ignored);
		json_u64(&j, "reloads", s->reloads);
		json_u64(&j, "reconnects", reconnects);
		json_str(&j, "last_error", error);
		rt_live_show_json(&s->live, &j);
		json_obj_close(&j);
		json_obj_close(&j);
		return 0;
	}
	sbuf_printf(out, "store %s prefix %s host-id %s\n", s->o.url, s->conf.prefix,
		    s->o.host_id ? s->o.host_id : "-");
	sbuf_printf(out, "    %s%s  revision %lld  store revision %lld  lag %lld\n",
		    connected ? "connected " : "not connected", member, (long long)s->rev,
		    (long long)store_rev, (long long)lag);
	sbuf_printf(out, "    keys %zu  batches %llu  applied %llu  rejected %llu  malformed %llu  ignored %llu  reloads %llu  reconnects %llu\n",
		    s->keys.n, (unsigned long long)s->batches, (unsigned long long)s->applied,
		    (unsigned long long)s->rejected, (unsigned long long)s->malformed,
		    (unsigned long long)s->ignored, (unsigned long long)s->reloads,
		    (unsigned long long)reconnects);
	if (error[0])
		sbuf_printf(out, "    last error: %s\n", error);
	rt_live_show_text(&s->live, out);
	return 0;
}
