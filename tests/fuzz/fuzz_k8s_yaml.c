/* SPDX-License-Identifier: MIT */
/*
 * libFuzzer target: Kubernetes NetworkPolicy YAML (cmd/route/k8s_yaml.c, as
 * genv route apply feeds it).  Checks the promises that do not depend on
 * the input:
 *   - a refusal returns nothing and a message "FILE:LINE:COL: ...";
 *   - every command the translator makes for VPC 100 is one the router's
 *     language accepts: run on small tables it may meet a missing or
 *     existing object, never a malformed command (-EINVAL).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../cmd/route/k8s_yaml.h"
#include "../../libcore/sbuf.h"
#include "../../router/config.h"
#include "../../router/lang.h"
#include "../../router/tables.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run(struct rt_tables *t, const char *line, struct sbuf *out)
{
	int r;

	sbuf_reset(out);
	r = rt_cmd_exec(t, NULL, line, false, out);
	if (r == -EINVAL) {
		fprintf(stderr, "the router refuses '%s': %s\n", line, sbuf_str(out));
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct sbuf out;
	struct k8s_cmds c = { 0 };
	struct rt_tables *t;
	struct rt_limits l;
	char err[1024], line[RT_LINE_MAX + 64];
	int r;

	err[0] = 0;
	r = k8s_yaml_translate("f.yaml", data, size, 100, &c, err, sizeof(err));
	if (r) {
		if (c.n || strncmp(err, "f.yaml:", 7))
			abort();
		k8s_cmds_free(&c);	/* the array may have grown */
		return 0;
	}
	rt_limits_default(&l);
	l.max_vpcs = 4;
	l.max_nets = 4;
	l.max_eps = 8;
	l.max_hosts = 4;
	l.max_ports = 2;
	l.flows_per_vpc = 8;
	/* the policy tables and the direct-path cache small too: at their
	 * defaults (16,384 policies, 262,144 tracked connections, 4,096
	 * cache entries) making the tables cost more than the input */
	l.max_ns = 8;
	l.max_idents = 16;
	l.max_policies = 64;
	l.ct_entries = 64;
	l.dp_size = 16;
	t = rt_tables_new(&l);
	if (!t)
		abort();
	run(t, "add vpc 100 cidr 10.0.0.0/16", &out);
	for (size_t i = 0; i < c.n; i++) {
		const struct k8s_cmd *k = &c.v[i];
		char ns[RT_NS_NAME_MAX];

		if (k->vni != 100)
			continue;
		if (k->kind == K8S_POLICY && sscanf(k->body, "ns %63s", ns) == 1) {
			snprintf(line, sizeof(line), "add ns 100 %s", ns);
			run(t, line, &out);
		}
		for (int set = 0; set < 2; set++) {
			if (k8s_cmd_line(k, set ? "set" : "add", line, sizeof(line)))
				abort();
			run(t, line, &out);
		}
	}
	rt_tables_free(t);
	k8s_cmds_free(&c);
	return 0;
}
