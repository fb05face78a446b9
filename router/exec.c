/* SPDX-License-Identifier: MIT */
/*
 * The entry point of the router's command language (config.h): run one
 * line (rt_cmd_exec); the runtime sees a change in the tables' generation.
 * A line is split into words (lang.c), its verb is
 * dispatched to the object verbs (verbs.c), show and dump (show.c), drops
 * and mirror (drops_cmd.c), clear, or an extension's verbs (ext.h), and
 * the result or the error is rendered in text or JSON.
 * Layer: router; calls lang, verbs, show, drops_cmd, ext, tables,
 * libcore json/num/sbuf and libc.  Nothing in router/ below it calls it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../libcore/json.h"
#include "../libcore/num.h"
#include "config.h"
#include "drops_cmd.h"
#include "health.h"
#include "lang.h"
#include "policy.h"
#include "policy_show.h"
#include "qos.h"
#include "show.h"
#include "verbs.h"

const char *const rt_cmd_verbs[] = { "add", "del", "set", "show", "clear", "dump", "drops", "mirror", NULL };
static const char *const change_verbs[] = { "add", "del", "set", "clear", NULL };
const char *const rt_cmd_objects[] = { "vpc", "net", "ep", "port", "host", "ns", "policy", "qos", NULL };

static int rt_exec_dispatch(struct rt_cmd *c, bool json, struct sbuf *out)
{
	const char *verb, *obj;

	if (!c->n)
		return 0;
	verb = c->w[0];
	if (!strcmp(verb, "show"))
		return snprintf(c->name, sizeof(c->name), "show"), rt_show_cmd(c, json, out);
	if (!strcmp(verb, "dump"))
		return snprintf(c->name, sizeof(c->name), "dump"), rt_show_dump_cmd(c, json, out);
	if (!strcmp(verb, "drops"))
		return snprintf(c->name, sizeof(c->name), "drops"), rt_drops_cmd_drops(c, json, out);
	if (!strcmp(verb, "mirror"))
		return snprintf(c->name, sizeof(c->name), "mirror"), rt_drops_cmd_mirror(c, json, out);
	if (!strcmp(verb, "clear")) {
		snprintf(c->name, sizeof(c->name), "clear");
		if (c->n == 2 && !strcmp(c->w[1], "cache")) {
			rt_dp_clear(&c->t->dp);		/* the direct path relearns */
			return 0;
		}
		if (c->n != 2 || strcmp(c->w[1], "stats"))
			return rt_lang_word_err(c, 1, "expected 'clear stats' or 'clear cache'");
		rt_tables_clear_stats(c->t);
		rt_hl_clear_stats(c->t);	/* health.h */
		return 0;
	}
	if (strcmp(verb, "add") && strcmp(verb, "del") && strcmp(verb, "set")) {
		const struct rt_ext *e;
		char list[160];
		void *state;
		int r;

		e = rt_ext_by_verb(&c->t->exts, verb, &state);
		if (!e) {
			rt_lang_list_words(list, sizeof(list), rt_cmd_verbs);
			rt_ext_verbs_list(&c->t->exts, list, sizeof(list));
			return rt_lang_word_err(c, 0, "unknown command (expected %s)", list);
		}
		snprintf(c->name, sizeof(c->name), "%.16s", verb);
		r = e->verb(&(struct rt_ext_call){ .t = c->t, .ops = c->ops, .state = state, .n = c->n,
						  .w = c->w, .pos = c->pos, .json = json, .out = out,
						  .err = c->msg, .errsz = sizeof(c->msg) });
		return r ? rt_lang_err_from(c, r, c->msg) : 0;
	}
	if (c->n < 2) {
		snprintf(c->name, sizeof(c->name), "%s", verb);
		return rt_lang_word_err(c, 1, "object (vpc, net, ep, port, host, ns or policy)");
	}
	obj = c->w[1];
	snprintf(c->name, sizeof(c->name), "%s %.16s", verb, obj);
	if (!strcmp(obj, "host")) {
		if (strcmp(verb, "set"))
			return rt_lang_word_err(c, 0, "the host is configured with 'set host'");
		return rt_verb_host(c);
	}
	if (!strcmp(obj, "vpc"))
		return rt_verb_vpc(c, verb);
	if (!strcmp(obj, "net"))
		return rt_verb_net(c, verb);
	if (!strcmp(obj, "ep"))
		return rt_verb_ep(c, verb);
	if (!strcmp(obj, "port"))
		return rt_verb_port(c, verb);
	if (!strcmp(obj, "ns"))
		return rt_verb_ns(c, verb);
	if (!strcmp(obj, "policy"))
		return rt_verb_policy(c, verb);
	if (!strcmp(obj, "qos"))
		return rt_verb_qos(c, verb);
	snprintf(c->name, sizeof(c->name), "%s", verb);
	return rt_lang_word_err(c, 1, "unknown object (expected vpc, net, ep, port, host, ns or policy)");
}

int rt_cmd_exec(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *line,
		bool json, struct sbuf *out)
{
	struct rt_cmd *c = calloc(1, sizeof(*c));
	size_t mark = out->len;
	bool change;
	int r;

	if (!c) {
		sbuf_puts(out, json ? "{\"schema\":1,\"error\":\"out of memory\"}" : "out of memory");
		return -ENOMEM;
	}
	c->t = t;
	c->ops = ops;
	r = rt_lang_split(c, line);
	if (!r)
		r = rt_exec_dispatch(c, json, out);
	change = !r && c->n && rt_lang_is_word(c->w[0], change_verbs);
	/* policies take effect here, between packet batches (policy.h) */
	if (change && !t->cfg.pol_defer && t->cfg.pol_dirty) {
		r = rt_policy_commit(t, c->msg, sizeof(c->msg));
		if (r)
			rt_lang_err_from(c, r, c->msg);
	}
	if (r) {
		struct json j;

		out->len = mark;	/* drop partial output */
		if (out->buf)
			out->buf[mark] = 0;
		if (!c->err[0])
			snprintf(c->err, sizeof(c->err), "%s", strerror(-r));
		if (json) {
			json_init(&j, out, false);
			json_obj_open(&j, NULL);
			json_u64(&j, "schema", RT_SHOW_SCHEMA);
			json_str(&j, "error", c->err);
			json_obj_close(&j);
		} else {
			sbuf_puts(out, c->err);
		}
	} else if (json && c->n && (change || out->len == mark)) {
		/* a change, or a command with nothing to say (mirror on, off) */
		sbuf_puts(out, "{\"schema\":1,\"ok\":true}");
	}
	free(c);
	return r;
}

/* ---- transactions ---- */

static bool txn_line_ok(const char *line)
{
	char verb[8], obj[8];
	const char *p = line;

	while (*p == ' ' || *p == '\t')
		p++;
	if (!*p || *p == '#')
		return true;
	if (sscanf(p, "%7s %7s", verb, obj) != 2)
		return false;
	return (!strcmp(verb, "add") || !strcmp(verb, "set") || !strcmp(verb, "del")) &&
	       (!strcmp(obj, "ns") || !strcmp(obj, "policy"));
}

/* Put the namespaces and policies back as snap (their dump) says. */
static void txn_restore(struct rt_tables *t, const struct rt_runtime_ops *ops, char *snap)
{
	struct rt_policies *ps = t->cfg.pol;
	struct sbuf o = SBUF_INIT;
	char *save = NULL, *line, cmd[RT_LINE_MAX + 32];

	for (uint32_t i = 0; i < ps->max; i++)
		if (ps->p[i]) {
			char name[RT_POL_NAME_MAX];

			snprintf(name, sizeof(name), "%s", ps->p[i]->name);
			rt_policy_del(t, ps->p[i]->vni, name, NULL, 0);
		}
	/* namespaces the transaction added go; the others get their labels back */
	for (uint32_t i = 0; i < t->cfg.lim.max_ns; i++) {
		struct rt_ns *n = &t->cfg.ns[i];
		char key[96];

		if (!n->used || !n->explicit_)
			continue;
		snprintf(key, sizeof(key), "add ns %u %s", n->vni, n->name);
		if (!strstr(snap, key))
			rt_ns_del(t, n->vni, n->name, NULL, 0);
	}
	for (line = strtok_r(snap, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		uint64_t vni;
		const char *r;
		char name[RT_NS_NAME_MAX];

		sbuf_reset(&o);
		/* the dump's "add ns VNI NAME[ labels ...]" */
		if (!strncmp(line, "add ns ", 7) && !num_parse_lead(line + 7, 0, UINT32_MAX, &vni, &r) &&
		    *r == ' ' && snprintf(name, sizeof(name), "%.*s", (int)strcspn(r + 1, " "), r + 1) > 0 &&
		    rt_ns_find(t, (uint32_t)vni, name) && rt_ns_find(t, (uint32_t)vni, name)->explicit_) {
			const char *l = strstr(line, " labels ");

			snprintf(cmd, sizeof(cmd), "set ns %u %s labels %s", (uint32_t)vni, name, l ? l + 8 : "none");
			rt_cmd_exec(t, ops, cmd, false, &o);
		} else {
			rt_cmd_exec(t, ops, line, false, &o);
		}
	}
	sbuf_free(&o);
}

int rt_cmd_exec_txn(struct rt_tables *t, const struct rt_runtime_ops *ops, const char *text,
		    bool json, struct sbuf *out)
{
	struct sbuf snap = SBUF_INIT, o = SBUF_INIT, msg = SBUF_INIT;
	char *copy = strdup(text), *save = NULL, *line;
	struct gnv_emit e;
	unsigned long n = 0;
	int r = 0;

	if (!copy)
		return -ENOMEM;
	for (line = copy; !r && line && *line; n++) {
		char *nl = strchr(line, '\n');

		if (nl)
			*nl = 0;
		if (!txn_line_ok(line))
			r = -EINVAL;
		if (nl)
			*nl = '\n';
		line = nl ? nl + 1 : NULL;
	}
	if (r) {
		sbuf_printf(&msg, "line %lu: only add, set and del of ns and policy run in a transaction", n);
		goto out;
	}
	gnv_emit_init(&e, &snap, false, false);
	rt_policy_dump_ns(t, &e);
	rt_policy_dump(t, &e);
	t->cfg.pol_defer = true;
	n = 0;
	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		n++;
		sbuf_reset(&o);
		r = rt_cmd_exec(t, ops, line, false, &o);
		if (r) {
			sbuf_printf(&msg, "line %lu: %s", n, sbuf_str(&o));
			break;
		}
	}
	if (r && snap.buf)
		txn_restore(t, ops, snap.buf);
	else if (r)
		txn_restore(t, ops, (char[]){ 0 });
	t->cfg.pol_defer = false;
	if (rt_policy_commit(t, NULL, 0) && !r) {
		r = -ENOMEM;
		sbuf_puts(&msg, "out of memory compiling policies");
	}
out:
	if (r) {
		if (json) {
			struct json j;

			json_init(&j, out, false);
			json_obj_open(&j, NULL);
			json_u64(&j, "schema", RT_SHOW_SCHEMA);
			json_str(&j, "error", sbuf_str(&msg));
			json_obj_close(&j);
		} else {
			sbuf_puts(out, sbuf_str(&msg));
		}
	} else if (json) {
		sbuf_puts(out, "{\"schema\":1,\"ok\":true}");
	}
	free(copy);
	sbuf_free(&snap);
	sbuf_free(&o);
	sbuf_free(&msg);
	return r;
}
