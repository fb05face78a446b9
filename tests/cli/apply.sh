#!/usr/bin/env bash
# genv route apply: Kubernetes NetworkPolicy YAML applied to a running
# router (no ports, no privileges) in one transaction.  Checks what the
# router then holds (show policy -j, read with python3's json), that a
# file whose second document is bad changes nothing, that the router's
# refusal changes nothing either, and that re-applying is a no-op.
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-apply.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT
F=tests/fixtures/k8s
S=$tmp/s.sock

if ! /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 6081))' 2>/dev/null; then
	skip "route apply" "UDP port 6081 is in use"
	finish
fi

printf 'add vpc 100 name blue cidr 10.0.0.0/16\nadd vpc 200 cidr 10.2.0.0/16\n' >"$tmp/topo"
"$GENV" route run -S "$S" -f "$tmp/topo" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
[ -S "$S" ] && ok "router runs" || { fail "router runs" "$(cat "$tmp/log")"; finish; }

# python3 EXPR: evaluated with d = the JSON document on stdin
pj() { /usr/bin/python3 -c "import json, sys; d = json.load(sys.stdin); print($1)"; }
dump() { "$GENV" route -S "$S" show config | grep -E '^add (ns|policy) '; }

cat >"$tmp/ns.yaml" <<'YAML'
apiVersion: v1
kind: Namespace
metadata:
  name: prod
  labels: {team: blue}
YAML
files=(-f "$tmp/ns.yaml" -f $F/good-canonical.yaml -f $F/good-list.yaml -f $F/good-andor.yaml)

out=$("$GENV" route -S "$S" apply --vpc 100 "${files[@]}" 2>&1)
check_eq "apply: exit 0" 0 $?
check_eq "apply: kubectl-like lines" "namespace/prod (VPC 100) created
namespace/prod (VPC 200) created
namespace/dev (VPC 100) created
networkpolicy/default/test-network-policy (VPC 100) created
networkpolicy/prod/web (VPC 200) created
networkpolicy/prod/and (VPC 100) created
networkpolicy/prod/or (VPC 100) created
3 namespaces, 4 policies applied" "$out"

j=$("$GENV" route -S "$S" show policy 100 -j)
check_eq "show policy: three policies in VPC 100" 3 "$(pj 'len(d["policies"])' <<<"$j")"
p='[p for p in d["policies"] if p["name"] == "default/test-network-policy"][0]'
check_eq "canonical example: select and type" "role=db ingress,egress" \
	"$(pj "$p['select'] + ' ' + $p['type']" <<<"$j")"
check_eq "canonical example: ingress peers (ipBlock except, ns, pod)" \
	"[{'cidr': '172.17.0.0/16', 'except': ['172.17.1.0/24']}, {'pod': None, 'ns': 'project=myproject'}, {'pod': 'role=frontend', 'ns': None}]" \
	"$(pj "$p['rules'][0]['peers']" <<<"$j")"
check_eq "canonical example: egress port" "egress ['tcp/5978']" \
	"$(pj "$p['rules'][1]['dir'] + ' ' + str($p['rules'][1]['ports'])" <<<"$j")"
p='[p for p in d["policies"] if p["name"] == "prod/and"][0]'
check_eq "namespaceSelector and podSelector in one peer: AND" "[{'pod': 'role=client', 'ns': 'team=blue'}]" \
	"$(pj "$p['rules'][0]['peers']" <<<"$j")"
p='[p for p in d["policies"] if p["name"] == "prod/or"][0]'
check_eq "two peers: OR; endPort range" "2 tcp/32000-32768" \
	"$(pj "str(len($p['rules'][0]['peers'])) + ' ' + $p['rules'][0]['ports'][0]" <<<"$j")"
check_eq "the genv.io/vpc annotation picks VPC 200" "prod/web" \
	"$("$GENV" route -S "$S" show policy 200 -j | pj 'd["policies"][0]["name"]')"
check_eq "namespace labels (kubernetes.io/metadata.name is the router's own)" "team=blue" \
	"$("$GENV" route -S "$S" show ns 200 -j | pj '[n for n in d["namespaces"] if n["name"] == "prod"][0]["labels"]')"

dump >"$tmp/d1"
out=$("$GENV" route -S "$S" apply --vpc 100 "${files[@]}" 2>&1)
check_eq "re-apply: exit 0" 0 $?
check_eq "re-apply: configured, not created" 0 "$(grep -c created <<<"$out")"
dump >"$tmp/d2"
check "re-apply changes nothing" cmp -s "$tmp/d1" "$tmp/d2"

out=$("$GENV" route -S "$S" apply --vpc 100 -f $F/good-defaults.yaml -f $F/bad-second-doc.yaml 2>&1)
check_eq "a bad second document: exit 2" 2 $?
check_eq "the error names file, line:column and field" \
	"genv route: $F/bad-second-doc.yaml:17:13: spec.ingress[0].ports[0].port: named port 'https' is not supported (give the number)" "$out"
dump >"$tmp/d3"
check "a rejected file changes nothing" cmp -s "$tmp/d1" "$tmp/d3"

# the router refuses the last document (its namespace does not exist): all or none
printf 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: nowhere}\nspec: {}\n' >"$tmp/nons.yaml"
out=$("$GENV" route -S "$S" apply --vpc 100 -f $F/good-defaults.yaml -f "$tmp/nons.yaml" 2>&1)
check_eq "the router's refusal: exit 1" 1 $?
check_eq "the refusal names the document" \
	"genv route: $tmp/nons.yaml:1:1: networkpolicy nowhere/x: refused, nothing changed: add policy: word 4 'nowhere/x': no namespace nowhere in VPC 100 (add ns 100 nowhere first)" "$out"
dump >"$tmp/d4"
check "a refused transaction changes nothing" cmp -s "$tmp/d1" "$tmp/d4"

out=$("$GENV" route -S "$S" apply --dry-run -f - <$F/good-canonical.yaml 2>&1)
check_eq "--dry-run without --vpc: the document has no VPC (exit 2)" 2 $?
out=$(cat $F/good-canonical.yaml | "$GENV" route -S "$S" apply --vpc 7 --dry-run -f - 2>&1)
check_eq "--dry-run -f -: the commands, nothing sent" \
	"add policy 7 default/test-network-policy ns default select role=db type ingress,egress ingress from cidr 172.17.0.0/16 except 172.17.1.0/24 from ns project=myproject from pod role=frontend port tcp/6379 egress to cidr 10.0.0.0/24 port tcp/5978" "$out"
dump >"$tmp/d5"
check "--dry-run changes nothing" cmp -s "$tmp/d1" "$tmp/d5"

check_exit "apply without -f: usage (2)" 2 "$GENV" route -S "$S" apply
check_exit "--vpc out of range: usage (2)" 2 "$GENV" route -S "$S" apply --vpc 16777216 -f $F/good-canonical.yaml
check_exit "--vpc 0 (VNI 1..16777215): usage (2)" 2 "$GENV" route -S "$S" apply --vpc 0 --dry-run -f $F/good-canonical.yaml
check_exit "--vpc with another subcommand: usage (2)" 2 "$GENV" route -S "$S" show ns --vpc 1
check_exit "a missing file: exit 1" 1 "$GENV" route -S "$S" apply --vpc 1 -f "$tmp/none.yaml"
check_exit "no router: exit 1" 1 "$GENV" route -S "$tmp/no.sock" apply --vpc 100 -f $F/good-canonical.yaml
# exit status of route commands (genv-route(8) EXIT STATUS): what the
# router's state refuses is a runtime failure (1), a malformed command 2
check_exit "route: an address outside the VPC's cidrs: exit 1" 1 "$GENV" route -S "$S" add ep 100 10.9.0.1 mac 02:00:00:00:09:01 host 10.200.0.2
check_exit "route: del of a VPC that does not exist: exit 1" 1 "$GENV" route -S "$S" del vpc 999
check_exit "route: a VPC that exists: exit 1" 1 "$GENV" route -S "$S" add vpc 100 cidr 10.0.0.0/16
check_exit "route: a malformed address: exit 2" 2 "$GENV" route -S "$S" add ep 100 10.0.0.300 mac 02:00:00:00:09:01 host 10.200.0.2
# refusals name the word and its position; state errors exit 1
refused() {
	local name=$1 want=$2 out rc
	shift 2
	out=$("$GENV" route -S "$S" "$@" 2>&1); rc=$?
	case "$rc $out" in
	"1 genv route: $want"*) ok "route: $name: exit 1, names the word" ;;
	*) fail "route: $name: exit 1, names the word" "$rc $out" ;;
	esac
}
refused "outside the cidrs" "add ep: word 4 '10.9.0.1': 10.9.0.1 is outside the cidrs of VPC 100" \
	add ep 100 10.9.0.1 mac 02:00:00:00:09:01 host 10.200.0.2
refused "VPC exists" "add vpc: word 3 '100': VPC 100 exists" add vpc 100 cidr 10.0.0.0/16
refused "no such VPC" "del vpc: word 3 '999': no such VPC" del vpc 999
refused "no such port" "add ep: word 6 'genv-none0': no such port" add ep 100 10.0.0.77 port genv-none0 mac 02:00:00:00:09:01
"$GENV" route -S "$S" add ep 100 10.0.0.78 mac 02:00:00:00:09:02 host 10.200.0.2 >/dev/null 2>&1
refused "endpoint exists" "add ep: word 4 '10.0.0.78': endpoint 10.0.0.78 exists in VPC 100" \
	add ep 100 10.0.0.78 mac 02:00:00:00:09:02 host 10.200.0.2
refused "VPC still holds endpoints" "del vpc: word 3 '100': VPC 100 still has" del vpc 100
"$GENV" route -S "$S" del ep 100 10.0.0.78 >/dev/null 2>&1
# the router language's other verbs go through genv route as they are
"$GENV" route -S "$S" dump | grep -q '^add vpc 100 ' && ok "route dump" || fail "route dump"
check_exit "route drops since 0" 0 "$GENV" route -S "$S" drops since 0
check_exit "route probe results since 0" 0 "$GENV" route -S "$S" probe results since 0
check_exit "route clear stats" 0 "$GENV" route -S "$S" clear stats
check_exit "route: an unknown subcommand: exit 2" 2 "$GENV" route -S "$S" frobnicate
finish
