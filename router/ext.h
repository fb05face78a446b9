/* SPDX-License-Identifier: MIT */
/*
 * Router extensions: how layers above the router (trace/ today; policy,
 * store and health checks next) add to it without the router knowing
 * them.  An extension brings
 *   - verbs of the control language (`trace packet ...`, `probe send ...`):
 *     run by rt_cmd_exec() when the first word is one of its verbs; they
 *     never change the tables (the state file is not rewritten for them);
 *   - a control-packet hook: Geneve packets with the O bit, which the
 *     pipeline hands over as RT_CONTROL together with its decode of them
 *     (so the hook does not parse the packet again);
 *   - opaque state, allocated zeroed when the extension is added and
 *     freed with the tables.
 * The wiring happens where the router is started (cmd/route.c, cmd/trace.c
 * for its offline network, tests): rt_ext_add(&t->exts, &trace_ext).
 *
 * Layer: router; calls libc only.  Knows nothing of any extension.
 */
#ifndef GENV_RT_EXT_H
#define GENV_RT_EXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_EXT_MAX	4

struct gnv_pkt;
struct sbuf;
struct rt_tables;
struct rt_runtime_ops;
struct rt_ul_meta;

/* One command line for an extension's verb. */
struct rt_ext_call {
	struct rt_tables *t;
	const struct rt_runtime_ops *ops;	/* may be NULL (offline) */
	void *state;				/* the extension's state */
	int n;					/* words, w[0] is the verb */
	char *const *w;
	const int *pos;				/* word numbers in the line (1-based) */
	bool json;
	struct sbuf *out;			/* what the command prints */
	char *err;				/* the message on error (no prefix) */
	size_t errsz;
};

struct rt_ext {
	const char *name;
	const char *const *verbs;	/* NULL-terminated; NULL for none */
	size_t state_size;		/* bytes of zeroed state; 0 for none */
	/* Optional: finish the state after it is zeroed; 0 or -errno. */
	int (*init)(void *state);
	/* A command whose first word is one of verbs: 0, or -errno with a
	 * message in c->err. */
	int (*verb)(const struct rt_ext_call *c);
	/*
	 * Optional: an O-bit packet from the underlay (RT_CONTROL).  pk is
	 * the pipeline's decode of payload (a well-formed Geneve packet: the
	 * pipeline drops the others first).  Returns what the extension's
	 * documentation says (>= 0 handled; -errno counted by the extension);
	 * -ENOENT means "not mine": the next extension is asked.
	 */
	int (*control)(struct rt_tables *t, void *state, const struct rt_runtime_ops *ops,
		       const struct rt_ul_meta *meta, const struct gnv_pkt *pk,
		       const uint8_t *payload, size_t size);
};

/* The extensions of one router (a member of struct rt_tables). */
struct rt_exts {
	unsigned int n;
	struct {
		const struct rt_ext *ext;
		void *state;
	} e[RT_EXT_MAX];
};

/* 0, -EEXIST (added before), -ENOSPC (RT_EXT_MAX), -ENOMEM, or what
 * ext->init returned; nothing is added on error. */
int rt_ext_add(struct rt_exts *x, const struct rt_ext *ext);
/* Free every extension's state. */
void rt_exts_free(struct rt_exts *x);
/* ext's state, or NULL when ext was not added. */
void *rt_ext_state(const struct rt_exts *x, const struct rt_ext *ext);
/* The extension that owns verb (and its state), or NULL. */
const struct rt_ext *rt_ext_by_verb(const struct rt_exts *x, const char *verb, void **state);
/* Hand an RT_CONTROL packet to the extensions in the order they were
 * added; -ENOENT when none took it. */
int rt_ext_control(struct rt_exts *x, struct rt_tables *t, const struct rt_runtime_ops *ops,
		   const struct rt_ul_meta *meta, const struct gnv_pkt *pk,
		   const uint8_t *payload, size_t size);
/* An error about word i of c, worded as the router's own: "word 3 'x': MSG",
 * or "missing MSG after word N" when i is past the end.  Returns -EINVAL. */
int rt_ext_word_err(const struct rt_ext_call *c, int i, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Append the extensions' verbs to buf as ", v1, v2" (for "expected ..."). */
void rt_ext_verbs_list(const struct rt_exts *x, char *buf, size_t bufsize);

#endif
