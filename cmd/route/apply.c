/* SPDX-License-Identifier: MIT */
/*
 * genv route apply (apply.h): read every file, translate every
 * document, and only when all are accepted send them to the router in
 * one transaction (begin ... commit: all or none).  What already exists
 * (show ns, show policy, as JSON) decides add or set per object, so
 * applying the same files twice is a no-op for the router.
 * Layer: cmd; calls k8s_yaml, ctl_client, router/ctl, libcore and libc.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../common/ctl_client.h"
#include "k8s_yaml.h"
#include "apply.h"
#include "../../libcore/emit.h"
#include "../../libcore/print.h"
#include "../../libcore/sbuf.h"
#include "../../router/ctl.h"
#include "../../router/lang.h"

#define APPLY_HINT "is 'genv route run' running?"

static int read_file(struct genv_ctx *g, const char *file, struct sbuf *buf)
{
	FILE *f = strcmp(file, "-") ? fopen(file, "rb") : stdin;
	char chunk[65536];
	size_t n;
	int ret = EXIT_OK;

	if (!f) {
		gerr(g, "cannot open '%s': %s", file, strerror(errno));
		return EXIT_FAIL;
	}
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0) {
		if (buf->len + n > ROUTE_APPLY_FILE_MAX) {
			gerr(g, "'%s': larger than %d bytes", file, ROUTE_APPLY_FILE_MAX);
			ret = EXIT_FAIL;
			break;
		}
		sbuf_add(buf, chunk, n);
	}
	if (!ret && ferror(f)) {
		gerr(g, "cannot read '%s': %s", file, strerror(errno));
		ret = EXIT_FAIL;
	}
	if (f != stdin)
		fclose(f);
	return ret;
}

/* Whether the router has the object: list is the "namespaces" or
 * "policies" array of a show reply. */
static bool exists(struct json_t *list, const struct k8s_cmd *c)
{
	for (size_t i = 0; i < ctl_json_len(list); i++) {
		struct json_t *o = ctl_json_at(list, i);
		const char *name = ctl_json_str(o, "name");

		/* an implicit namespace (named by a policy only) takes add, not set */
		if (ctl_json_u64(o, "vni") == c->vni && name && !strcmp(name, c->name) &&
		    (c->kind == K8S_POLICY || ctl_json_bool(o, "explicit")))
			return true;
	}
	return false;
}

/* The router's namespaces or policies: a JSON document, or NULL (reported). */
static struct json_t *show(struct genv_ctx *g, struct ctl_client *cl, const char *topic, int *ret)
{
	struct sbuf out = SBUF_INIT;
	struct json_t *doc = NULL;
	char line[32];

	snprintf(line, sizeof(line), "show %s", topic);
	*ret = ctl_request(g, cl, line, RT_CTL_JSON, &out, "", APPLY_HINT);
	if (!*ret) {
		doc = ctl_json_load(sbuf_str(&out), out.len);
		if (!doc) {
			gerr(g, "the router's answer to '%s' is not JSON", line);
			*ret = EXIT_FAIL;
		}
	}
	sbuf_free(&out);
	return doc;
}

static void summary(struct genv_ctx *g, const struct k8s_cmds *cmds, const bool *set)
{
	struct sbuf sb = SBUF_INIT;
	struct gnv_emit e;
	size_t nns = 0;

	gnv_emit_init(&e, &sb, g->json, g->pretty);
	gnv_emit_obj_open(&e, NULL, NULL);
	gnv_emit_u64(&e, "schema", NULL, GNV_JSON_SCHEMA);
	gnv_emit_arr_open(&e, "objects", NULL);
	for (size_t i = 0; i < cmds->n; i++) {
		const struct k8s_cmd *c = &cmds->v[i];

		nns += c->kind == K8S_NS;
		gnv_emit_obj_open(&e, NULL, NULL);
		gnv_emit_str(&e, "kind", "%s/", c->kind == K8S_NS ? "namespace" : "networkpolicy");
		gnv_emit_str(&e, "name", "%s", c->name);
		gnv_emit_u64(&e, "vni", " (VPC %llu)", c->vni);
		gnv_emit_str(&e, "action", set ? " %s\n" : " %s (dry run)\n",
			     set && set[i] ? "configured" : "created");
		gnv_emit_obj_close(&e, NULL);
	}
	gnv_emit_arr_close(&e, NULL);
	gnv_emit_u64(&e, "namespaces", "%llu namespaces, ", nns);
	gnv_emit_u64(&e, "policies", "%llu policies", cmds->n - nns);
	gnv_emit_bool(&e, "dry_run", set ? " applied\n" : " (dry run: nothing sent)\n", !set, NULL, NULL);
	gnv_emit_obj_close(&e, NULL);
	if (g->json)
		sbuf_putc(&sb, '\n');
	if (!g->quiet)
		out_write(g, sbuf_str(&sb), sb.len);
	sbuf_free(&sb);
}

/* Namespaces before policies: a policy may name a namespace of the same apply. */
static int cmd_order(const void *a, const void *b)
{
	const struct k8s_cmd *x = a, *y = b;

	return (int)x->kind - (int)y->kind;
}

/* --store: the documents' commands written to the store in one
 * transaction, each 'add' replacing the object when it exists. */
static int apply_store(struct genv_ctx *g, const struct store_args *store, const struct k8s_cmds *cmds)
{
	char **lines = calloc(cmds->n, sizeof(*lines)), line[RT_LINE_MAX];
	size_t n = 0;
	int ret = EXIT_FAIL;

	for (size_t i = 0; lines && i < cmds->n; i++)
		if (!k8s_cmd_line(&cmds->v[i], "add", line, sizeof(line)) && !(lines[n++] = strdup(line)))
			goto out;
	if (lines)
		ret = store_write(g, store, lines, n, true);
out:
	for (size_t i = 0; lines && i < n; i++)
		free(lines[i]);
	free(lines);
	return ret;
}

int route_apply(struct genv_ctx *g, const char *socket, const struct store_args *store,
		const char *const *files, size_t nfiles, int64_t vpc, bool dry_run)
{
	struct sbuf buf = SBUF_INIT, txn = SBUF_INIT, out = SBUF_INIT;
	struct json_t *nsdoc = NULL, *poldoc = NULL;
	struct k8s_cmds cmds = { 0 };
	struct ctl_client cl;
	char err[1024], line[RT_LINE_MAX];
	bool *set = NULL;
	int ret = EXIT_OK, status;

	ctl_client_init(&cl, socket, 0);
	for (size_t i = 0; i < nfiles && !ret; i++) {
		sbuf_reset(&buf);
		ret = read_file(g, files[i], &buf);
		if (ret)
			break;
		if (k8s_yaml_translate(strcmp(files[i], "-") ? files[i] : "<stdin>", sbuf_str(&buf), buf.len,
				       vpc, &cmds, err, sizeof(err))) {
			gerr(g, "%s", err);
			ret = EXIT_USAGE;
		}
	}
	if (ret)
		goto out;
	if (!cmds.n) {
		gerr(g, "no NetworkPolicy or Namespace in the files");
		ret = EXIT_USAGE;
		goto out;
	}
	/* stable: equal kinds keep their order (insertion sort, n is small) */
	for (size_t i = 1; i < cmds.n; i++)
		for (size_t k = i; k && cmd_order(&cmds.v[k - 1], &cmds.v[k]) > 0; k--) {
			struct k8s_cmd t = cmds.v[k];

			cmds.v[k] = cmds.v[k - 1];
			cmds.v[k - 1] = t;
		}
	if (store && !dry_run) {
		ret = apply_store(g, store, &cmds);
		goto out;
	}
	if (dry_run) {
		for (size_t i = 0; i < cmds.n; i++) {
			if (k8s_cmd_line(&cmds.v[i], "add", line, sizeof(line)))
				continue;
			sbuf_printf(&out, "%s\n", line);
		}
		if (!g->json && !g->quiet)
			out_write(g, sbuf_str(&out), out.len);
		if (g->json)
			summary(g, &cmds, NULL);
		goto out;
	}
	nsdoc = show(g, &cl, "ns", &ret);
	if (!ret)
		poldoc = show(g, &cl, "policy", &ret);
	if (ret)
		goto out;
	set = calloc(cmds.n, sizeof(*set));
	if (!set) {
		gerr(g, "out of memory");
		ret = EXIT_FAIL;
		goto out;
	}
	for (size_t i = 0; i < cmds.n; i++) {
		const struct k8s_cmd *c = &cmds.v[i];

		set[i] = exists(c->kind == K8S_NS ? ctl_json_get(nsdoc, "namespaces")
						  : ctl_json_get(poldoc, "policies"), c);
		if (k8s_cmd_line(c, set[i] ? "set" : "add", line, sizeof(line))) {
			gerr(g, "%s: %s: the command is longer than %d bytes", c->where, c->name, RT_LINE_MAX);
			ret = EXIT_USAGE;
			goto out;
		}
		sbuf_printf(&txn, "%s\n", line);
	}
	if (g->verbose)
		fputs(sbuf_str(&txn), g->err);
	if (cl.fd < 0) {
		ret = ctl_dial_report(g, &cl, APPLY_HINT);
		if (ret)
			goto out;
	}
	ret = rt_ctl_call_txn(cl.fd, sbuf_str(&txn), txn.len, 0, &status, &out);
	if (ret) {
		gerr(g, "'%s': %s", cl.path, strerror(-ret));
		ret = EXIT_FAIL;
		goto out;
	}
	if (status) {
		/* the router refused (and changed nothing): name the document, not the line */
		struct sbuf msg = SBUF_INIT;
		unsigned long n = 0;
		size_t off;

		ctl_error_msg(status, &out, false, &msg);
		off = ctl_error_line(sbuf_str(&msg), cmds.n, &n);
		if (off)
			gerr(g, "%s: %s %s: refused, nothing changed: %s", cmds.v[n - 1].where,
			     cmds.v[n - 1].kind == K8S_NS ? "namespace" : "networkpolicy", cmds.v[n - 1].name,
			     sbuf_str(&msg) + off);
		else
			gerr(g, "refused, nothing changed: %s", sbuf_str(&msg));
		sbuf_free(&msg);
		ret = ctl_status_exit(status);
		goto out;
	}
	summary(g, &cmds, set);
out:
	ctl_json_free(nsdoc);
	ctl_json_free(poldoc);
	ctl_client_close(&cl);
	k8s_cmds_free(&cmds);
	free(set);
	sbuf_free(&buf);
	sbuf_free(&txn);
	sbuf_free(&out);
	return ret;
}
