/* SPDX-License-Identifier: MIT */
/*
 * The Kubernetes NetworkPolicy translator (cmd/route/k8s_yaml.c): good
 * fixtures give the router commands below; every bad fixture (one per
 * error branch) gives its message with file, line:column and field path,
 * and nothing.  Fixtures: tests/fixtures/k8s/.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../../cmd/route/k8s_yaml.c"

Suite *k8s_yaml_suite(void);

#define FIX "tests/fixtures/k8s/"

static char *slurp(const char *name, size_t *size)
{
	char path[256];
	FILE *f;
	char *buf = malloc(1 << 16);

	snprintf(path, sizeof(path), FIX "%s", name);
	f = fopen(path, "rb");
	ck_assert_msg(f && buf, "cannot open %s", path);
	*size = fread(buf, 1, 1 << 16, f);
	fclose(f);
	return buf;
}

/* All commands of a file (verb add), newline-separated; or the error. */
static void run(const char *name, int64_t vpc, int want_r, struct sbuf *out)
{
	struct k8s_cmds c = { 0 };
	char err[1024] = "", line[RT_LINE_MAX];
	size_t size;
	char *buf = slurp(name, &size);
	int r = k8s_yaml_translate(name, buf, size, vpc, &c, err, sizeof(err));

	ck_assert_msg(r == want_r, "%s: %d (%s)", name, r, err);
	if (r) {
		ck_assert_uint_eq(c.n, 0);
		sbuf_puts(out, err);
	}
	for (size_t i = 0; i < c.n; i++) {
		ck_assert_int_eq(k8s_cmd_line(&c.v[i], "add", line, sizeof(line)), 0);
		sbuf_printf(out, "%s\n", line);
	}
	k8s_cmds_free(&c);
	free(buf);
}

static void expect(const char *name, const char *want)
{
	struct sbuf out = SBUF_INIT;

	run(name, 100, 0, &out);
	ck_assert_str_eq(sbuf_str(&out), want);
	sbuf_free(&out);
}

START_TEST(canonical)
{
	expect("good-canonical.yaml",
	       "add policy 100 default/test-network-policy ns default select role=db type ingress,egress"
	       " ingress from cidr 172.17.0.0/16 except 172.17.1.0/24 from ns project=myproject"
	       " from pod role=frontend port tcp/6379 egress to cidr 10.0.0.0/24 port tcp/5978\n");
}
END_TEST

START_TEST(defaults)
{
	/* ingress: [{}] allows all (a rule with no peer, no port); [] or none denies */
	expect("good-defaults.yaml",
	       "add policy 100 default/default-deny-ingress ns default select all type ingress\n"
	       "add policy 100 default/allow-all-ingress ns default select all type ingress ingress\n"
	       "add policy 100 default/default-deny-egress ns default select all type egress\n"
	       "add policy 100 default/allow-all-egress ns default select all type egress egress\n"
	       "add policy 100 default/default-deny-all ns default select all type ingress,egress\n"
	       "add policy 100 default/no-types ns default select all type ingress\n");
}
END_TEST

START_TEST(and_or)
{
	expect("good-andor.yaml",
	       "add policy 100 prod/and ns prod select tier=in(web|api),!legacy type ingress"
	       " ingress from pod role=client ns team=blue\n"
	       "add policy 100 prod/or ns prod select app=web,env=notin(dev),owner type ingress,egress"
	       " ingress from ns team=blue from pod role=client port tcp/32000-32768 port udp/53"
	       " port sctp port tcp/8080 egress to ns all\n");
}
END_TEST

START_TEST(list_and_namespaces)
{
	/* the annotation overrides the default VPC; kubernetes.io/metadata.name is implicit */
	expect("good-list.yaml",
	       "add ns 200 prod labels team=blue\n"
	       "add ns 100 dev\n"
	       "add policy 200 prod/web ns prod select app=web type ingress ingress port tcp/443\n");
}
END_TEST

START_TEST(set_line)
{
	struct k8s_cmd c = { .kind = K8S_NS, .vni = 7, .name = "dev", .body = (char *)"" };
	char line[64];

	ck_assert_int_eq(k8s_cmd_line(&c, "set", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "set ns 7 dev labels none");
	ck_assert_int_eq(k8s_cmd_line(&c, "add", line, sizeof(line)), 0);
	ck_assert_str_eq(line, "add ns 7 dev");
	ck_assert_int_eq(k8s_cmd_line(&c, "add", line, 8), -ENOSPC);
}
END_TEST

START_TEST(appends_nothing_on_error)
{
	/* the first document is good, the second bad: nothing comes out */
	struct k8s_cmds c = { 0 };
	char err[512];
	size_t size;
	char *buf = slurp("good-canonical.yaml", &size);

	ck_assert_int_eq(k8s_yaml_translate("a", buf, size, 1, &c, err, sizeof(err)), 0);
	ck_assert_uint_eq(c.n, 1);
	free(buf);
	buf = slurp("bad-second-doc.yaml", &size);
	ck_assert_int_eq(k8s_yaml_translate("b", buf, size, 1, &c, err, sizeof(err)), -EINVAL);
	ck_assert_uint_eq(c.n, 1);
	free(buf);
	k8s_cmds_free(&c);
}
END_TEST

static const struct { const char *file, *err; } bad[] = {
	{ "bad-annotations-type.yaml", "bad-annotations-type.yaml:5:16: metadata.annotations: expected a mapping, not a list" },
	{ "bad-api.yaml", "bad-api.yaml:1:13: apiVersion: 'v1': NetworkPolicy is networking.k8s.io/v1" },
	{ "bad-cidr-missing.yaml", "bad-cidr-missing.yaml:10:16: spec.ingress[0].from[0].ipBlock: missing cidr" },
	{ "bad-cidr.yaml", "bad-cidr.yaml:10:23: spec.ingress[0].from[0].ipBlock.cidr: '33': prefix length must be 0..32" },
	{ "bad-doc-type.yaml", "bad-doc-type.yaml:1:1: expected a mapping, not a list" },
	{ "bad-dup-key.yaml", "bad-dup-key.yaml:6:1: kind: given twice" },
	{ "bad-label-twice.yaml", "bad-label-twice.yaml:7:5: metadata.labels: label team given twice" },
	{ "bad-dup-policy.yaml", "bad-dup-policy.yaml:8:1: spec: networkpolicy prod/p in VPC 100 is given twice (first at bad-dup-policy.yaml:1:1)" },
	{ "bad-endport-below.yaml", "bad-endport-below.yaml:11:16: spec.ingress[0].ports[0].endPort: endPort 80 is below port 90" },
	{ "bad-endport-noport.yaml", "bad-endport-noport.yaml:10:16: spec.ingress[0].ports[0].endPort: endPort needs port" },
	{ "bad-endport-type.yaml", "bad-endport-type.yaml:11:16: spec.ingress[0].ports[0].endPort: 'high': expected a number" },
	{ "bad-except-many.yaml", "bad-except-many.yaml:12:17: spec.egress[0].to[0].ipBlock.except: more than 32 prefixes" },
	{ "bad-except-outside.yaml", "bad-except-outside.yaml:12:31: spec.egress[0].to[0].ipBlock.except[1]: 10.1.0.0/24 is not inside the cidr 10.0.0.0/16" },
	{ "bad-except-type.yaml", "bad-except-type.yaml:10:43: spec.egress[0].to[0].ipBlock.except: expected a list, not a string" },
	{ "bad-expr-exists-values.yaml", "bad-expr-exists-values.yaml:9:42: spec.podSelector.matchExpressions[0].values: must be empty for operator Exists" },
	{ "bad-expr-key.yaml", "bad-expr-key.yaml:9:13: spec.podSelector.matchExpressions[0].key: label key 'a b': expected [PREFIX/]NAME" },
	{ "bad-expr-many.yaml", "bad-expr-many.yaml:9:38: spec.podSelector.matchExpressions[0]: more than 16 values" },
	{ "bad-expr-nokey.yaml", "bad-expr-nokey.yaml:9:7: spec.podSelector.matchExpressions[0]: missing key" },
	{ "bad-expr-noop.yaml", "bad-expr-noop.yaml:9:7: spec.podSelector.matchExpressions[0]: missing operator" },
	{ "bad-expr-novalues.yaml", "bad-expr-novalues.yaml:9:7: spec.podSelector.matchExpressions[0]: operator In needs values" },
	{ "bad-expr-op.yaml", "bad-expr-op.yaml:9:26: spec.podSelector.matchExpressions[0].operator: operator 'Gt': expected In, NotIn, Exists or DoesNotExist" },
	{ "bad-expr-value-type.yaml", "bad-expr-value-type.yaml:9:39: spec.podSelector.matchExpressions[0].values[0]: expected a string" },
	{ "bad-expr-value.yaml", "bad-expr-value.yaml:9:46: spec.podSelector.matchExpressions[0].values[1]: label value 'b c': at most 63 letters, digits, '-', '_', '.'" },
	{ "bad-expr-values-type.yaml", "bad-expr-values-type.yaml:9:38: spec.podSelector.matchExpressions[0].values: expected a list, not a string" },
	{ "bad-exprs-type.yaml", "bad-exprs-type.yaml:8:23: spec.podSelector.matchExpressions: expected a list, not a mapping" },
	{ "bad-field-name.yaml", "bad-field-name.yaml:6:1: a field name must be a string" },
	{ "bad-from-type.yaml", "bad-from-type.yaml:9:11: spec.ingress[0].from: expected a list, not a mapping" },
	{ "bad-items.yaml", "bad-items.yaml:4:8: items: unknown field (only a List has items)" },
	{ "bad-kind-type.yaml", "bad-kind-type.yaml:2:7: kind: expected a string" },
	{ "bad-kind.yaml", "bad-kind.yaml:2:7: kind: 'Service' is not supported (NetworkPolicy, Namespace or List)" },
	{ "bad-label-key.yaml", "bad-label-key.yaml:9:7: spec.podSelector.matchLabels: label key '-bad': expected [PREFIX/]NAME (NAME: 1..63 letters, digits, '-', '_', '.')" },
	{ "bad-label-value-type.yaml", "bad-label-value-type.yaml:9:12: spec.podSelector.matchLabels: label value: expected a string" },
	{ "bad-label-value.yaml", "bad-label-value.yaml:9:12: spec.podSelector.matchLabels: label value 'a b': at most 63 letters, digits, '-', '_', '.'" },
	{ "bad-labels-type.yaml", "bad-labels-type.yaml:5:11: metadata.labels: expected a mapping, not a string" },
	{ "bad-list-items-type.yaml", "bad-list-items-type.yaml:3:8: items: expected a list, not a mapping" },
	{ "bad-list-nested.yaml", "bad-list-nested.yaml:5:9: items[0].kind: 'List' is not supported (NetworkPolicy, Namespace or List)" },
	{ "bad-list-spec.yaml", "bad-list-spec.yaml:3:7: spec: unknown field (a List has items)" },
	{ "bad-meta-field.yaml", "bad-meta-field.yaml:5:3: metadata.generateName: unknown field" },
	{ "bad-name-type.yaml", "bad-name-type.yaml:4:9: metadata.name: expected a string" },
	{ "bad-name.yaml", "bad-name.yaml:4:9: metadata.name: name 'web/x': 1..63 letters, digits, '-', '_', '.'" },
	{ "bad-named-port.yaml", "bad-named-port.yaml:11:13: spec.ingress[0].ports[0].port: named port 'http' is not supported (give the number)" },
	{ "bad-namespace.yaml", "bad-namespace.yaml:5:14: metadata.namespace: namespace 'Prod': 1..63 of a-z, 0-9 and '-' (alphanumeric ends)" },
	{ "bad-no-api.yaml", "bad-no-api.yaml:1:1: missing apiVersion" },
	{ "bad-no-kind.yaml", "bad-no-kind.yaml:1:1: missing kind" },
	{ "bad-no-metadata.yaml", "bad-no-metadata.yaml:1:1: missing metadata" },
	{ "bad-no-name.yaml", "bad-no-name.yaml:4:3: metadata: missing name" },
	{ "bad-no-spec.yaml", "bad-no-spec.yaml:1:1: missing spec" },
	{ "bad-no-vpc.yaml", "bad-no-vpc.yaml:4:3: metadata: no VPC: give --vpc VNI or the annotation genv.io/vpc" },
	{ "bad-ns-label.yaml", "bad-ns-label.yaml:5:41: metadata.labels: label kubernetes.io/metadata.name must be the namespace's name 'prod'" },
	{ "bad-ns-labels-many.yaml", "bad-ns-labels-many.yaml:5:11: metadata.labels: more than 15 labels" },
	{ "bad-ns-name.yaml", "bad-ns-name.yaml:3:18: metadata.name: namespace 'Bad_NS': 1..63 of a-z, 0-9 and '-' (alphanumeric ends)" },
	{ "bad-ns-spec.yaml", "bad-ns-spec.yaml:4:8: spec.foo: unknown field" },
	{ "bad-nul.yaml", "bad-nul.yaml:3:18: metadata.name: NUL byte in a string" },
	{ "bad-peer-empty.yaml", "bad-peer-empty.yaml:10:7: spec.ingress[0].from[0]: a peer needs podSelector, namespaceSelector or ipBlock" },
	{ "bad-peer-mixed.yaml", "bad-peer-mixed.yaml:10:7: spec.ingress[0].from[0]: ipBlock cannot be combined with podSelector or namespaceSelector" },
	{ "bad-peers-many.yaml", "bad-peers-many.yaml:10:5: spec.ingress[0].from: more than 64 entries" },
	{ "bad-policytypes-type.yaml", "bad-policytypes-type.yaml:8:16: spec.policyTypes: expected a list, not a string" },
	{ "bad-policytypes.yaml", "bad-policytypes.yaml:8:26: spec.policyTypes[1]: 'Foo': expected Ingress or Egress" },
	{ "bad-port-range.yaml", "bad-port-range.yaml:10:13: spec.ingress[0].ports[0].port: port '70000': expected 1..65535" },
	{ "bad-ports-many.yaml", "bad-ports-many.yaml:10:5: spec.ingress[0].ports: more than 64 entries" },
	{ "bad-protocol.yaml", "bad-protocol.yaml:10:17: spec.ingress[0].ports[0].protocol: protocol 'ICMP': expected TCP, UDP or SCTP" },
	{ "bad-quoted-port.yaml", "bad-quoted-port.yaml:10:13: spec.ingress[0].ports[0].port: named port '80' is not supported (give the number)" },
	{ "bad-rule-field.yaml", "bad-rule-field.yaml:9:5: spec.ingress[0].to: unknown field" },
	{ "bad-rule-type.yaml", "bad-rule-type.yaml:9:5: spec.ingress[0]: expected a mapping, not a string" },
	{ "bad-rules-many.yaml", "bad-rules-many.yaml:9:3: spec.ingress: more than 64 ingress and egress rules" },
	{ "bad-rules-type.yaml", "bad-rules-type.yaml:8:12: spec.ingress: expected a list, not a mapping" },
	{ "bad-second-doc.yaml", "bad-second-doc.yaml:17:13: spec.ingress[0].ports[0].port: named port 'https' is not supported (give the number)" },
	{ "bad-sel-dup.yaml", "bad-sel-dup.yaml:8:5: spec.podSelector: selector: requirement on 'app' given twice" },
	{ "bad-selector-type.yaml", "bad-selector-type.yaml:7:16: spec.podSelector: expected a mapping, not a list" },
	{ "bad-spec-field.yaml", "bad-spec-field.yaml:8:3: spec.ingres: unknown field" },
	{ "bad-spec-type.yaml", "bad-spec-type.yaml:6:7: spec: expected a mapping, not a list" },
	{ "bad-types-mismatch.yaml", "bad-types-mismatch.yaml:10:3: spec.egress: egress rules, but policyTypes has no Egress (they would be ignored)" },
	{ "bad-unknown-field.yaml", "bad-unknown-field.yaml:12:9: spec.ingress[0].from[1].podSelector.matchFields: unknown field" },
	{ "bad-vpc-annotation.yaml", "bad-vpc-annotation.yaml:6:18: metadata.annotations[\"genv.io/vpc\"]: VNI '16777216': expected 1..16777215" },
	{ "bad-vpc-zero.yaml", "bad-vpc-zero.yaml:6:18: metadata.annotations[\"genv.io/vpc\"]: VNI '0': expected 1..16777215" },
	{ "bad-words.yaml", "bad-words.yaml:7:3: spec: too large: the policy is more than 256 words or 8192 bytes of commands" },
	{ "bad-yaml.yaml", "bad-yaml.yaml:7:1: malformed YAML: did not find expected ',' or ']' while parsing a flow sequence" },
};

START_TEST(bad_fixture)
{
	struct sbuf out = SBUF_INIT;

	run(bad[_i].file, strstr(bad[_i].file, "no-vpc") ? -1 : 100, -EINVAL, &out);
	ck_assert_str_eq(sbuf_str(&out), bad[_i].err);
	sbuf_free(&out);
}
END_TEST

Suite *k8s_yaml_suite(void)
{
	Suite *s = suite_create("k8s_yaml");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, canonical);
	tcase_add_test(tc, defaults);
	tcase_add_test(tc, and_or);
	tcase_add_test(tc, list_and_namespaces);
	tcase_add_test(tc, set_line);
	tcase_add_test(tc, appends_nothing_on_error);
	tcase_add_loop_test(tc, bad_fixture, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	suite_add_tcase(s, tc);
	return s;
}
