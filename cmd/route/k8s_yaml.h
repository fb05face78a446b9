/* SPDX-License-Identifier: MIT */
/*
 * Kubernetes NetworkPolicy YAML (networking.k8s.io/v1) to the router's
 * command language (genv-route(8) APPLY, genv.conf(5) namespaces and
 * policy).  Pure: bytes in, commands out, no I/O.
 *
 *   kind: NetworkPolicy   ->  policy VNI NS/NAME ns NS select SEL type T RULES
 *   kind: Namespace       ->  ns VNI NAME [labels K=V,...]
 *   kind: List            ->  its items
 *
 * One or many documents per file.  The VPC is the annotation genv.io/vpc
 * of a document, else the vpc argument.  Every error is one line
 * "FILE:LINE:COL: FIELD.PATH: message"; nothing is returned then.
 * Layer: cmd; calls libyaml, router/labels, router/prefix, libcore.
 */
#ifndef GENV_K8S_YAML_H
#define GENV_K8S_YAML_H

#include <stddef.h>
#include <stdint.h>

#define K8S_VPC_ANNOTATION	"genv.io/vpc"

enum k8s_kind { K8S_NS, K8S_POLICY };

/* One object: the router command is "VERB OBJ VNI NAME BODY" with VERB
 * add or set (the caller knows what exists), OBJ "ns" or "policy". */
struct k8s_cmd {
	enum k8s_kind kind;
	uint32_t vni;
	char name[128];		/* namespace name, or the policy's NS/NAME */
	char *body;		/* policy: "ns NS select ..."; ns: "labels K=V,..." or "" */
	char where[300];	/* FILE:LINE:COL of the document, for messages */
};

struct k8s_cmds {
	struct k8s_cmd *v;
	size_t n, cap;
};

/* Translate the documents of one file and append them to out (namespaces
 * and policies in document order).  vpc: the default VNI, or -1 for none.
 * 0, or -EINVAL / -ENOMEM with the message in err (out unchanged). */
int k8s_yaml_translate(const char *file, const void *buf, size_t size, int64_t vpc,
		       struct k8s_cmds *out, char *err, size_t errsz);
/* The command line of c after VERB (set: labels none for an empty set). */
int k8s_cmd_line(const struct k8s_cmd *c, const char *verb, char *buf, size_t size);
void k8s_cmds_free(struct k8s_cmds *c);

#endif
