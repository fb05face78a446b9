#!/usr/bin/env bash
# genv route run --max-endpoints N / --limit NAME=N,...: the table sizes
# from the command line.  Bad values are usage errors (exit 2, the router
# does not start); a router started with --max-endpoints 10 refuses the
# 11th endpoint with a clear error and its configuration stays what it
# was; `show host` and `show host -j` (read with Python's json) give the
# limits next to the use.  Runs `genv route run` with no ports and no host
# address (no privileges needed).
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-limits.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# refused before anything starts: exit 2 and the option named
bad() {	# WHAT EXPECTED-TEXT ARGS...
	local what=$1 want=$2 out rc
	shift 2
	out=$("$GENV" route -S "$tmp/none.sock" "$@" 2>&1); rc=$?
	if [ $rc -eq 2 ] && [[ $out == *"$want"* ]] && [ ! -S "$tmp/none.sock" ]; then ok "$what"
	else fail "$what" "rc=$rc $out"; fi
}
bad "--max-endpoints 0 refused" "--max-endpoints '0': expected a number, 1..268435456" route run --max-endpoints 0
bad "--max-endpoints 10k refused" "--max-endpoints '10k': expected a number" route run --max-endpoints 10k
bad "--max-endpoints overflow refused" "expected a number, 1..268435456" route run --max-endpoints 18446744073709551617
bad "--max-endpoints above the largest table refused" "expected a number" route run --max-endpoints 268435457
bad "--max-endpoints -1 refused" "expected a number" route run --max-endpoints=-1
bad "--limit unknown name refused" "'eps': unknown limit (expected vpcs, nets, endpoints" route run --limit eps=10
bad "--limit without =N refused" "'vpcs': expected vpcs=N" route run --limit vpcs
bad "--limit empty value refused" "'nets=': expected nets=N, 1..268435456" route run --limit nets=
bad "--limit hosts=65536 refused" "'hosts=65536': expected hosts=N, 1..65535" route run --limit hosts=65536
bad "--limit flows=100 (not a power of two) refused" "expected flows=N, 4..1048576 and a power of two" \
	route run --limit flows=100
bad "--limit second item bad: named" "'conntrack=0x': expected conntrack=N" route run --limit vpcs=2,conntrack=0x
bad "--limit trailing comma refused" "'': unknown limit" route run --limit vpcs=2,
bad "--limit with show refused" "--limit and --max-endpoints apply to 'run' only" route --limit vpcs=2 show
bad "--max-endpoints with apply refused" "apply to 'run' only" route --max-endpoints 5 apply -f x.yaml

if ! /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 6081))' 2>/dev/null; then
	skip "limits: a running router" "UDP port 6081 is in use"
	finish
fi
S=$tmp/s.sock
R() { "$GENV" route -S "$S" "$@"; }
"$GENV" route run -S "$S" --max-endpoints 10 --limit vpcs=2,hosts=3 --limit conntrack=1024 >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
[ -S "$S" ] && ok "router runs with --max-endpoints 10 --limit ..." || { fail "router runs with limits" "$(cat "$tmp/log")"; finish; }

R add vpc 100 cidr 10.0.0.0/16 >/dev/null
added=0
for i in $(seq 1 10); do
	R add ep 100 10.0.1.$i mac 02:00:00:00:01:$(printf %02x "$i") host 10.200.0.2 >/dev/null && added=$((added + 1))
done
check_eq "10 endpoints fit a table of 10" 10 "$added"
before=$(R show config 2>&1)
out=$(R add ep 100 10.0.1.11 mac 02:00:00:00:01:0b host 10.200.0.2 2>&1); rc=$?
if [ $rc -ne 0 ] && [[ $out == *"endpoint table full (10 endpoints)"* ]]; then ok "the 11th endpoint is refused: table full"
else fail "the 11th endpoint is refused: table full" "rc=$rc $out"; fi
check_eq "a refused endpoint leaves the configuration as it was" "$before" "$(R show config 2>&1)"
R del ep 100 10.0.1.3 >/dev/null
out=$(R add ep 100 10.0.1.11 mac 02:00:00:00:01:0b host 10.200.0.2 2>&1); rc=$?
check_eq "after a delete the 11th fits" 0 "$rc"
out=$(R add vpc 200 cidr 10.2.0.0/16 2>&1) || true
out=$(R add vpc 300 cidr 10.3.0.0/16 2>&1); rc=$?
if [ $rc -ne 0 ] && [[ $out == *"VPC table full (2 VPCs)"* ]]; then ok "--limit vpcs=2: the third VPC is refused"
else fail "--limit vpcs=2: the third VPC is refused" "rc=$rc $out"; fi

out=$(R show host 2>&1)
case $out in *"limits vpcs 2 nets 16384 endpoints 10 hosts 3 ports 256 flows 1024 "*" conntrack 1024"*) ok "show host: limits line" ;;
*) fail "show host: limits line" "$out" ;; esac
# JSON read by Python, not by genv: the limits and the use side by side
out=$(R -j show host | /usr/bin/python3 -c '
import json, sys
h = json.load(sys.stdin)["host"]
l = h["limits"]
print(h["endpoints"], l["endpoints"], h["vpcs"], l["vpcs"], l["hosts"], l["conntrack"], l["nets"])' 2>&1)
check_eq "show host -j: use and limits (endpoints, vpcs, hosts, conntrack, a default)" "10 10 2 2 3 1024 16384" "$out"

# the defaults when no limit is given
kill "$pid"; wait "$pid" 2>/dev/null; pid=
"$GENV" route run -S "$S" >"$tmp/log2" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$S" ] && [ -n "$(R show host 2>/dev/null)" ] && break; sleep 0.05; done
out=$(R -j show host | /usr/bin/python3 -c '
import json, sys
l = json.load(sys.stdin)["host"]["limits"]
print(l["endpoints"], l["vpcs"], l["hosts"], l["conntrack"])' 2>&1)
check_eq "no --limit: the default sizes" "65536 4096 4096 262144" "$out"
finish
