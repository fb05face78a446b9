/* SPDX-License-Identifier: MIT */
/*
 * genv route apply -f FILE.yaml...: Kubernetes NetworkPolicy and
 * Namespace documents (k8s_yaml.h) applied to the running router in one
 * control-socket transaction (genv-route(8) APPLY).
 */
#ifndef GENV_ROUTE_APPLY_H
#define GENV_ROUTE_APPLY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "../cli.h"
#include "store_client.h"

#define ROUTE_APPLY_FILES_MAX	64
#define ROUTE_APPLY_FILE_MAX	(4 << 20)	/* bytes of one YAML file */

/* vpc: the default VNI, or -1; store: write to the etcd store instead
 * of the router (store_client.h), or NULL.  An exit status. */
int route_apply(struct genv_ctx *g, const char *socket, const struct store_args *store,
		const char *const *files, size_t nfiles, int64_t vpc, bool dry_run);

#endif
