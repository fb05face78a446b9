#!/usr/bin/env bash
# genv routers converging from an etcd cluster (genv-store(5)), in network
# namespaces.
#
#   ul: the underlay bridge, 10.200.0.100, and a 3-member etcd cluster
#       (clients on 10.200.0.100:23791-23793, peers on its loopback)
#   h1, h2, h3: routers 10.200.0.1-3, `genv route run --store ... --host-id hN`;
#       endpoint 10.0.1.1 is on h1 (port tap0 in h1's scope, host 10.200.0.1
#       for the others), the rest behind 10.200.0.9 (no router of the test)
#   v1, v2: VMs 10.0.1.41 (h1) and 10.0.1.42 (h2) on TAP ports the routers
#       make in the VMs' namespaces, configured only through the store
#
# Checks: every router's dump equals what etcd holds for it (global keys,
# its own scope over them); v1 pings v2 across h1 and h2 (Geneve on the
# underlay), also with two members down (the routers forward from what
# they hold, h2 restarted from its cache meanwhile); one member down: writes and convergence go on;
# two down: writes fail with a clear error, routers keep what they have;
# members back: routers catch up; two writers of one object: one wins, the
# other gets 'conflict:' (exit 1); a router restarted resumes from its
# cache (no full read), also across a burst of 1000 writes; a watch whose
# revision was compacted ends in a full, diffed reload and the same state;
# malformed and refused values are counted with their key, never applied;
# a router with --lease-ttl 2 killed -9: its scaled backend leaves the
# others' Maglev tables within TTL + 2.5 s (show -j ep), back when it
# returns; two writers racing on a new label set end with one identity
# number, carried by every router's show -j; route gc removes it after
# the last endpoint, and a write that used an identity gc removed is a
# conflict.  About 90 s.
# Needs root and etcd (etcd-server); exits 77 (skip) without them.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gs$$
TMP=
pids=()
declare -A mpid=() rpid=()

require store root tun ip etcd etcdctl python3 timeout tcpdump tshark ping

NSS="ul h1 h2 h3 v1 v2"
cleanup() { [ -n "${KEEP:-}" ] && cp -r "$TMP" "$KEEP"; netns_cleanup; }
trap cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-store.XXXXXX)

netns_underlay store
nsx ul ip addr add 10.200.0.100/24 dev br0
EP=10.200.0.100:23791,10.200.0.100:23792,10.200.0.100:23793
S=etcd://$EP
CLUSTER=m1=http://127.0.0.1:23801,m2=http://127.0.0.1:23802,m3=http://127.0.0.1:23803

start_member() {	# N
	ip netns exec "$P-ul" etcd --name "m$1" --data-dir "$TMP/m$1" \
		--listen-client-urls "http://10.200.0.100:2379$1" --advertise-client-urls "http://10.200.0.100:2379$1" \
		--listen-peer-urls "http://127.0.0.1:2380$1" --initial-advertise-peer-urls "http://127.0.0.1:2380$1" \
		--initial-cluster "$CLUSTER" --initial-cluster-state new --initial-cluster-token "$P" \
		>>"$TMP/m$1.log" 2>&1 &
	pids+=("$!")
	mpid[$1]=$!
}
kill_member() { kill -9 "${mpid[$1]}"; wait "${mpid[$1]}" 2>/dev/null; }
ectl() { nsx ul timeout 10 etcdctl --endpoints "$EP" "$@"; }
healthy() {	# a leader and a write that goes through, within 20 s
	for _ in $(seq 100); do
		ectl put /genv-test/probe x >/dev/null 2>&1 && return 0
		sleep 0.2
	done
	return 1
}
W() { nsx ul timeout 30 "$GENV" route "$@" --store "$S"; }
start_router() {	# HOST [OPTION...]
	local h=$1
	shift
	ip netns exec "$P-$h" "$GENV" route run -v -S "$TMP/$h.sock" --state "$TMP/$h.state" \
		--store "$S" --host-id "$h" "$@" >>"$TMP/$h.log" 2>&1 &
	pids+=("$!")
	rpid[$h]=$!
	for _ in $(seq 50); do
		rt "$h" show host >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
stop_router() { kill -TERM "${rpid[$1]}"; wait "${rpid[$1]}" 2>/dev/null; }

# expected HOST: what etcd holds for router HOST, one line per object, sorted
expected() {
	ectl get --prefix /genv/v1/ | python3 -c '
import sys
host = sys.argv[1]
lines = sys.stdin.read().split("\n")
glob, own = {}, {}
for k, v in zip(lines[0::2], lines[1::2]):
    rest = k[len("/genv/v1/"):]
    if rest == "schema" or rest.startswith("status/") or rest.startswith("identit"):
        continue
    if rest.startswith("hosts/"):
        _, hid, obj = rest.split("/", 2)
        if hid == host:
            own[obj] = v
    else:
        glob[rest] = v
glob.update(own)
print("\n".join(sorted(glob.values())))' "$1"
}
dump() { rt "$1" dump 2>/dev/null | sort; }
# converged HOST [WANT]: the router's dump equals WANT (default: etcd's)
# within 30 s (polled: a SAN build converges ~3x slower than a plain one)
converged() {
	local want=${2:-$(expected "$1")} end=$((SECONDS + 30))
	while [ "$SECONDS" -lt "$end" ]; do
		[ "$(dump "$1")" = "$want" ] && return 0
		kill -0 "${rpid[$1]}" 2>/dev/null || {	# died: say why, do not wait
			tail -n 3 "$TMP/$1.log" | sed 's/^/# /'
			return 1
		}
		sleep 0.1
	done
	diff <(echo "$want") <(dump "$1") | head -n 8 | sed 's/^/# /'
	return 1
}
all_converged() {	# WHAT
	local h
	for h in h1 h2 h3; do
		converged "$h" && ok "$1: $h's dump equals what etcd holds" || fail "$1: $h's dump equals what etcd holds"
	done
}
sfield() { rt "$1" -j show store | python3 -c 'import json,sys; print(json.load(sys.stdin)["store"][sys.argv[1]])' "$2"; }

# ---- the cluster and the topology ----
for i in 1 2 3; do start_member "$i"; done
healthy && ok "3-member etcd cluster is up" || { fail "3-member etcd cluster is up" "$(tail -n 3 "$TMP/m1.log")"; finish; }

for i in 1 2 3; do
	W set host addr "10.200.0.$i" id "h$i" --host-id "h$i" || fail "set host h$i in the store"
done
W add vpc 100 name blue cidr 10.0.0.0/16 &&
	W add net 100 10.0.1.0/24 gw 10.0.1.254 &&
	W add ns 100 web labels app=web &&
	W add port tap0 --host-id h1 &&
	W add ep 100 10.0.1.1 mac 02:00:00:00:01:01 host 10.200.0.1 ns web labels app=web &&
	W add ep 100 10.0.1.1 mac 02:00:00:00:01:01 port tap0 ns web labels app=web --host-id h1 &&
	W add ep 100 10.0.1.2 mac 02:00:00:00:01:02 host 10.200.0.9 &&
	W add ep 100 10.0.1.3 mac 02:00:00:00:01:03 host 10.200.0.9 &&
	W add policy 100 allow-web ns web select app=web ingress from pod app=web port tcp/80 &&
	W add port tv1 netns "$P-v1" --host-id h1 && W add port tv2 netns "$P-v2" --host-id h2 &&
	W add ep 100 10.0.1.41 mac 02:00:00:00:01:41 host 10.200.0.1 &&
	W add ep 100 10.0.1.41 mac 02:00:00:00:01:41 port tv1 --host-id h1 &&
	W add ep 100 10.0.1.42 mac 02:00:00:00:01:42 host 10.200.0.2 &&
	W add ep 100 10.0.1.42 mac 02:00:00:00:01:42 port tv2 --host-id h2 &&
	ok "topology written through genv route ... --store" || fail "topology written through genv route ... --store"
check_eq "the schema key" 1 "$(ectl get --print-value-only /genv/v1/schema)"
out=$(W add ep 100 10.0.1.7 mac 02:00:00:00:01:zz host 10.200.0.2 2>&1); rc=$?
check_eq "a rejected command: exit 2" 2 "$rc"
grep -q "invalid MAC address; nothing written" <<<"$out" && ok "a rejected command: nothing written, the word named" ||
	fail "a rejected command is named" "$out"
check_eq "a rejected command wrote no key" "" "$(ectl get --prefix --keys-only /genv/v1/ep/100/10.0.1.7)"

for h in h1 h2 h3; do start_router "$h" || fail "router $h starts" "$(tail -n 3 "$TMP/$h.log")"; done
all_converged "initial load"
# the VMs: the TAP devices the routers made in their namespaces
for i in 1 2; do
	nsx "v$i" ip link set "tv$i" address "02:00:00:00:01:4$i" up &&
		nsx "v$i" ip addr add "10.0.1.4$i/24" dev "tv$i" ||
		fail "v$i: the TAP its router made is in its namespace" "$(nsx "v$i" ip -br link)"
done
vping() {	# WHAT: v1 -> v2, with Geneve between h1 and h2 on the wire
	local out
	nsx ul timeout 10 tcpdump -i br0 -U -c 2 -w "$TMP/vp.pcap" udp port 6081 2>"$TMP/vp.err" &
	local td=$!
	cap_wait "$TMP/vp.err"
	out=$(nsx v1 ping -c 3 -i 0.2 -W 2 10.0.1.42 2>&1)
	wait "$td" 2>/dev/null
	grep -q " 0% packet loss" <<<"$out" &&
		[ "$(tshark -n -r "$TMP/vp.pcap" -Y "geneve.vni == 100 && icmp" 2>/dev/null | wc -l)" -ge 2 ] &&
		ok "$1: v1 (h1) pings v2 (h2), Geneve VNI 100 on the underlay (tshark)" ||
		fail "$1: v1 (h1) pings v2 (h2), Geneve VNI 100 on the underlay (tshark)" "$(tail -n 2 <<<"$out")"
}
vping "traffic from the store's configuration"
check_eq "show store: connected" True "$(sfield h1 connected)"
check_eq "show store: lag 0" 0 "$(sfield h1 lag)"

# ---- liveness: leases and status keys (genv-store(5), LIVENESS) ----
# hstate ROUTER ID: what ROUTER's show store says of host ID (up, down, none)
hstate() {
	rt "$1" -j show store 2>/dev/null | python3 -c '
import json, sys
h = [x for x in json.load(sys.stdin)["store"]["hosts"] if x["id"] == sys.argv[1]]
print(("up" if h[0]["up"] else "down") if h else "none")' "$2"
}
# wait_hosts ID STATE SECONDS ROUTER...: every ROUTER says STATE of ID in time
wait_hosts() {
	local id=$1 want=$2 end=$((SECONDS + $3)) r ok_all
	shift 3
	while [ "$SECONDS" -lt "$end" ]; do
		ok_all=1
		for r in "$@"; do [ "$(hstate "$r" "$id")" = "$want" ] || ok_all=; done
		[ -n "$ok_all" ] && return 0
		sleep 0.1
	done
	return 1
}
wait_hosts h1 up 20 h2 h3 && wait_hosts h2 up 20 h1 h3 && wait_hosts h3 up 20 h1 h2 &&
	ok "liveness: every router sees the other two up" || fail "liveness: every router sees the other two up"
st=$(ectl get /genv/v1/status/hosts/h1 -w json)
python3 -c 'import json,sys,base64; kv=json.loads(sys.argv[1])["kvs"][0]; v=json.loads(base64.b64decode(kv["value"]))
sys.exit(not(kv.get("lease",0) > 0 and v["addr"] == "10.200.0.1" and v["ports"] == [{"name": "tap0", "endpoints": ["100/10.0.1.1"]}, {"name": "tv1", "endpoints": ["100/10.0.1.41"]}]))' "$st" &&
	ok "liveness: h1's status key (etcdctl) has its address, its ports tap0 and tv1 and their endpoints, on a lease" ||
	fail "liveness: h1's status key" "$st"
lease=$(python3 -c 'import json,sys; print("%x" % json.loads(sys.argv[1])["kvs"][0]["lease"])' "$st" 2>/dev/null)
ectl lease timetolive "$lease" | grep -q "granted with TTL(5s)" && ok "liveness: the lease has a TTL of 5 s (etcdctl lease timetolive)" ||
	fail "liveness: lease TTL 5 s" "$(ectl lease timetolive "$lease" 2>&1)"
# a direct-path cache entry on h2 toward h1: an RTS answer from h1 about
# 10.0.5.5 (no configured endpoint), crafted and sent from h1's namespace
"$GENV" craft -q -w "$TMP/rts.pcap" 'eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp dport=6081 / geneve vni=100 oam=1 opt=rts:host=10.200.0.1,mac=02:00:00:00:00:01 / eth / ipv4 src=10.0.5.5 dst=10.0.1.9 proto=253' &&
	nsx h1 python3 -c '
import socket, struct, sys
d = open(sys.argv[1], "rb").read()
frame = d[24 + 16:]
ihl = (frame[14] & 15) * 4
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.sendto(frame[14 + ihl + 8:], ("10.200.0.2", 6081))' "$TMP/rts.pcap"
toward_h1() { rt h2 -j show cache | python3 -c 'import json,sys; print(sum(e["host"] == "10.200.0.1" for e in json.load(sys.stdin)["cache"]["entries"]))'; }
for _ in $(seq 20); do [ "$(toward_h1)" = 1 ] && break; sleep 0.1; done
check_eq "liveness: h2's direct-path cache has an entry toward h1 (learned from a crafted RTS answer)" 1 "$(toward_h1)"
# kill -9: no revoke; etcd expires the lease within its TTL
kill -9 "${rpid[h1]}"; wait "${rpid[h1]}" 2>/dev/null
t0=$(date +%s.%N)
wait_hosts h1 down 15 h2 h3; rc=$?
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ "$rc" = 0 ] && awk -v e="$el" 'BEGIN { exit !(e <= 7) }' &&
	ok "liveness: h1 killed (-9): h2 and h3 show it down after ${el}s (TTL 5 s + 2)" ||
	fail "liveness: h1 killed: down within TTL + 2 s" "rc $rc after ${el}s"
check_eq "liveness: etcd deleted h1's status key (etcdctl)" "" "$(ectl get --keys-only /genv/v1/status/hosts/h1)"
check_eq "liveness: h2's cache has no entry toward h1" 0 "$(toward_h1)"
check_eq "liveness: show store counts the entry dropped" 1 "$(sfield h2 dpcache_dropped)"
check_eq "liveness: show store: one host down" 1 "$(sfield h3 hosts_down)"
rt h2 show ep 100 | grep "ep 100 10.0.1.1 " | grep -q " unreachable" && ok "liveness: h2's show ep says 10.0.1.1 is unreachable" ||
	fail "liveness: show ep says unreachable" "$(rt h2 show ep 100 | grep 10.0.1.1)"
rt h3 -j show ep 100 | python3 -c 'import json,sys; d=json.load(sys.stdin)
r={e["ip"]: e.get("reachable") for e in d["endpoints"]}
sys.exit(not(r["10.0.1.1"] is False and r["10.0.1.2"] is True))' && ok "liveness: show -j ep: reachable false for h1's, true for the others" ||
	fail "liveness: show -j ep reachable" "$(rt h3 -j show ep 100 | head -c 300)"
start_router h1 || fail "router h1 restarts" "$(tail -n 3 "$TMP/h1.log")"
wait_hosts h1 up 10 h2 h3 && ok "liveness: h1 restarted: h2 and h3 show it up again" || fail "liveness: h1 back up"
check_eq "liveness: the mark is cleared" 0 "$(sfield h2 hosts_down)"
rt h2 show ep 100 | grep -q unreachable && fail "liveness: no endpoint unreachable after h1's return" ||
	ok "liveness: no endpoint unreachable after h1's return"
wait_hosts h2 up 10 h1 && wait_hosts h3 up 10 h1 && ok "liveness: h1 (resumed from its cache) sees h2 and h3 up" ||
	fail "liveness: h1 resumed sees the others"

# ---- a short --lease-ttl: a dead host's scaled backend leaves the Maglev tables ----
# bstate ROUTER: the state of backend 10.0.1.1 of scaled 10.0.1.100, and
# the endpoint's count of backends out of the table
bstate() {
	rt "$1" -j show ep 100 2>/dev/null | python3 -c '
import json, sys
e = [x for x in json.load(sys.stdin)["endpoints"] if x["ip"] == "10.0.1.100"][0]
b = [x for x in e["backends"] if x["ip"] == "10.0.1.1"][0]
print(b["state"], e["health"]["down"])'
}
stop_router h1
start_router h1 --lease-ttl 2 || fail "router h1 starts with --lease-ttl 2" "$(tail -n 3 "$TMP/h1.log")"
W add ep 100 10.0.1.100 mac 02:00:00:00:01:64 type scaled backends 10.0.1.1 10.0.1.2 &&
	ok "a scaled endpoint with a backend on h1 written" || fail "a scaled endpoint with a backend on h1 written"
all_converged "scaled endpoint"
wait_hosts h1 up 10 h2 h3 && ok "--lease-ttl 2: h1 up for h2 and h3" || fail "--lease-ttl 2: h1 up"
check_eq "--lease-ttl 2: show store gives the TTL asked" 2 "$(rt h1 -j show store | python3 -c 'import json,sys; print(json.load(sys.stdin)["store"]["lease"]["ttl_asked"])')"
lease=$(ectl get /genv/v1/status/hosts/h1 -w json | python3 -c 'import json,sys; print("%x" % json.load(sys.stdin)["kvs"][0]["lease"])' 2>/dev/null)
ectl lease timetolive "$lease" | grep -q "granted with TTL(2s)" && ok "--lease-ttl 2: etcd granted a 2 s lease (etcdctl lease timetolive)" ||
	fail "--lease-ttl 2: etcd granted 2 s" "$(ectl lease timetolive "$lease" 2>&1)"
check_eq "h2: the backend on h1 is in the table (health off)" "unchecked 0" "$(bstate h2)"
kill -9 "${rpid[h1]}"; wait "${rpid[h1]}" 2>/dev/null
t0=$(date +%s.%N)
for _ in $(seq 100); do
	[ "$(bstate h2)" = "host-down 1" ] && [ "$(bstate h3)" = "host-down 1" ] && break
	sleep 0.1
done
el=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f", b - a }')
[ "$(bstate h2)" = "host-down 1" ] && [ "$(bstate h3)" = "host-down 1" ] && awk -v e="$el" 'BEGIN { exit !(e <= 4.5) }' &&
	ok "--lease-ttl 2, h1 killed (-9): its backend out of h2's and h3's Maglev tables after ${el}s (TTL 2 s + 2.5)" ||
	fail "--lease-ttl 2: backend out within TTL + 2.5 s" "after ${el}s: h2 $(bstate h2), h3 $(bstate h3)"
rt h2 show ep 100 | grep "ep 100 10.0.1.100 " | grep -q "10.0.1.1,1 (flows [0-9]*) \[host-down\]" &&
	ok "show ep (text) marks the backend [host-down]" || fail "show ep marks [host-down]" "$(rt h2 show ep 100 | grep 10.0.1.100)"
start_router h1 || fail "router h1 restarts" "$(tail -n 3 "$TMP/h1.log")"
for _ in $(seq 100); do [ "$(bstate h2)" = "unchecked 0" ] && break; sleep 0.1; done
check_eq "h1 back: its backend is in h2's table again" "unchecked 0" "$(bstate h2)"

# ---- identities allocated in the store ----
# two writers add endpoints with a new label set at once (each holds its
# read 1 s: both read before either allocates)
GENV_STORE_TEST_DELAY_MS=1000 W -v add ep 100 10.0.1.30 mac 02:00:00:00:01:1e host 10.200.0.9 labels app=race >"$TMP/ia.out" 2>&1 &
ia=$!
GENV_STORE_TEST_DELAY_MS=1000 W -v add ep 100 10.0.1.31 mac 02:00:00:00:01:1f host 10.200.0.8 labels app=race >"$TMP/ib.out" 2>&1 &
ib=$!
wait "$ia" && wait "$ib" && ok "identities: two racing writers of one new label set both succeed" ||
	fail "identities: two racing writers both succeed" "$(cat "$TMP/ia.out" "$TMP/ib.out")"
idn=$(ectl get --print-value-only /genv/v1/identities/100/default/app=race)
check_eq "identities: one writer allocated, the other lost the race and took its number" 1 \
	"$(cat "$TMP/ia.out" "$TMP/ib.out" | grep -c "allocated to labels 'app=race'")"
check_eq "identities: one identities key, one identity-ids key for the label set" \
	"1 default app=race" "$(ectl get --prefix --keys-only /genv/v1/identities/100/default/app=race | grep -c . ) $(ectl get --print-value-only "/genv/v1/identity-ids/100/$(printf %010d "${idn:-0}")")"
for e in 30 31; do
	grep -q "labels app=race identity $idn\$" <<<"$(ectl get --print-value-only /genv/v1/ep/100/10.0.1.$e)" &&
		ok "identities: 10.0.1.$e's value carries identity $idn" || fail "identities: 10.0.1.$e carries identity $idn" \
		"$(ectl get --print-value-only /genv/v1/ep/100/10.0.1.$e)"
done
all_converged "identities"
ids() { rt "$1" -j show ep 100 | python3 -c 'import json,sys
print(" ".join(str(e.get("identity")) for e in json.load(sys.stdin)["endpoints"] if e["ip"] in ("10.0.1.30", "10.0.1.31")))'; }
for h in h1 h2 h3; do check_eq "identities: $h's show -j ep carries identity $idn for both" "$idn $idn" "$(ids "$h")"; done
W del ep 100 10.0.1.30
check_eq "identities: gc with one endpoint left keeps it" 0 \
	"$(W -j gc | python3 -c 'import json,sys; print(json.load(sys.stdin)["identities_removed"])')"
W del ep 100 10.0.1.31
check_eq "identities: gc after the last endpoint went removes it" 1 \
	"$(W -j gc | python3 -c 'import json,sys; print(json.load(sys.stdin)["identities_removed"])')"
check_eq "identities: both keys are gone (etcdctl)" "" \
	"$(ectl get --keys-only /genv/v1/identities/100/default/app=race; ectl get --keys-only "/genv/v1/identity-ids/100/$(printf %010d "${idn:-0}")")"
# a writer that read the identity gc then removes: its write is a conflict
W add ep 100 10.0.1.32 mac 02:00:00:00:01:20 host 10.200.0.9 labels app=gone >/dev/null && W del ep 100 10.0.1.32 >/dev/null
GENV_STORE_TEST_DELAY_MS=1500 W add ep 100 10.0.1.33 mac 02:00:00:00:01:21 host 10.200.0.9 labels app=gone >"$TMP/ic.out" 2>&1 &
ic=$!
sleep 0.5
W gc >/dev/null
wait "$ic"; rc=$?
check_eq "identities: a write that uses an identity gc removed meanwhile: exit 1" 1 "$rc"
grep -q "conflict: .*removed by route gc" "$TMP/ic.out" && ok "identities: the writer is told (conflict)" ||
	fail "identities: the writer is told" "$(cat "$TMP/ic.out")"
check_eq "identities: nothing of that write in the store" "" "$(ectl get --keys-only /genv/v1/ep/100/10.0.1.33)"
W add ep 100 10.0.1.33 mac 02:00:00:00:01:21 host 10.200.0.9 labels app=gone && W del ep 100 10.0.1.33 &&
	ok "identities: written again, it gets a new number" || fail "identities: written again"
out=$(nsx ul "$GENV" route gc 2>&1); rc=$?
check_eq "gc without --store: exit 2" 2 "$rc"
all_converged "after gc"

# ---- one member down ----
kill_member 1
W add ep 100 10.0.1.4 mac 02:00:00:00:01:04 host 10.200.0.9 && ok "one member down: a write goes through" ||
	fail "one member down: a write goes through"
all_converged "one member down"

# ---- two members down: no quorum ----
before1=$(dump h1)
kill_member 2
out=$(W add ep 100 10.0.1.9 mac 02:00:00:00:01:09 host 10.200.0.9 2>&1); rc=$?
check_eq "two members down: a write fails (exit 1)" 1 "$rc"
grep -q "nothing written" <<<"$out" && ok "two members down: the error says nothing was written" ||
	fail "two members down: the error says nothing was written" "$out"
check_eq "two members down: router h1 keeps its tables" "$before1" "$(dump h1)"
kill -0 "${rpid[h2]}" && ok "two members down: the routers keep running" || fail "two members down: the routers keep running"
vping "two members down"
# a router restarted while the store is unreachable starts from its cache
before2=$(dump h2)
stop_router h2
start_router h2 || fail "two members down: h2 restarts" "$(tail -n 3 "$TMP/h2.log")"
check_eq "two members down: h2 restarted from its cache holds what it held" "$before2" "$(dump h2)"
vping "two members down, h2 restarted from its cache"

# ---- back ----
start_member 1
start_member 2
healthy && ok "members back: the cluster has a leader" || fail "members back: the cluster has a leader"
W add ep 100 10.0.1.9 mac 02:00:00:00:01:09 host 10.200.0.9 && ok "members back: writes go through" ||
	fail "members back: writes go through"
all_converged "members back"

# ---- two writers of one object ----
GENV_STORE_TEST_DELAY_MS=1500 W set ep 100 10.0.1.2 mtu 1400 >"$TMP/wa.out" 2>&1 &
wa=$!
sleep 0.5
W set ep 100 10.0.1.2 mtu 1300 && ok "writer B (in the middle of A) wins" || fail "writer B (in the middle of A) wins"
wait "$wa"; rc=$?
check_eq "writer A loses: exit 1" 1 "$rc"
grep -q "^genv route: conflict: /genv/v1/ep/100/10.0.1.2 changed since it was read" "$TMP/wa.out" &&
	ok "writer A is told of the conflict, naming the key" || fail "writer A is told of the conflict" "$(cat "$TMP/wa.out")"
grep -q "mtu 1300" <<<"$(ectl get --print-value-only /genv/v1/ep/100/10.0.1.2)" && ok "the store holds B's value" ||
	fail "the store holds B's value"
all_converged "after the conflict"

# ---- a router restarted resumes from its cache ----
stop_router h2
W add ep 100 10.0.1.10 mac 02:00:00:00:01:0a host 10.200.0.9
start_router h2
converged h2 && ok "restart: h2 catches up with a write made while it was down" || fail "restart: h2 catches up"
check_eq "restart: no full read (resumed from the cache's revision)" 0 "$(sfield h2 reloads)"

# ... across a burst of writes
(for i in $(seq 100 1099); do
	ectl put "/genv/v1/ep/100/10.0.2.$((i % 250 + 1))" \
		"add ep 100 10.0.2.$((i % 250 + 1)) mac 02:00:00:00:02:$(printf %02x $((i % 250 + 1))) type simple host 10.200.0.9 mtu $((1000 + i))" >/dev/null
done) &
burst=$!
sleep 3
stop_router h1
sleep 1
start_router h1
wait "$burst"
all_converged "a burst of 1000 writes (250 keys, 4 each) with h1 restarted in the middle"

# ---- compaction ----
stop_router h3
W del ep 100 10.0.1.4
W add ep 100 10.0.1.11 mac 02:00:00:00:01:0b host 10.200.0.9
W set vpc 100 divider 10.200.0.3
rev=$(ectl endpoint status -w json | python3 -c 'import json,sys; print(max(m["Status"]["header"]["revision"] for m in json.load(sys.stdin)))')
ectl compact "$rev" >/dev/null && ok "compacted at revision $rev" || fail "compact"
start_router h3
converged h3 && ok "compacted: h3 ends in the store's state" || fail "compacted: h3 ends in the store's state"
check_eq "compacted: one full read" 1 "$(sfield h3 reloads)"
grep -q "compacted" "$TMP/h3.log" && ok "compacted: the router logs it" || fail "compacted: the router logs it"

# ---- malformed and refused values ----
good=$(expected h1)
ectl put /genv/v1/ep/100/10.0.1.50 "add ep 100 10.0.1.50 mac zz host 10.200.0.1" >/dev/null
ectl put /genv/v1/ep/100/10.0.1.51 "add ep 100 10.0.1.52 mac 02:00:00:00:01:34 host 10.200.0.1" >/dev/null
ectl put /genv/v1/vpc/7 "add vpc 7 cidr" >/dev/null
ectl put /genv/v1/ep/300/10.9.0.1 "add ep 300 10.9.0.1 mac 02:00:00:00:09:01 host 10.200.0.1" >/dev/null
ectl put /genv/v1/thing/1 "add thing 1" >/dev/null
W add ep 100 10.0.1.12 mac 02:00:00:00:01:0c host 10.200.0.9
good=$(printf '%s\n%s\n' "$good" "$(ectl get --print-value-only /genv/v1/ep/100/10.0.1.12)" | sort)
converged h1 "$good" && ok "malformed values: not applied, the good one after them is" ||
	fail "malformed values: not applied, the good one after them is"
check_eq "a value for another key: counted as malformed" 1 "$(sfield h1 malformed)"
[ "$(sfield h1 rejected)" -ge 3 ] && ok "values the tables refuse (bad MAC, no cidr, no VPC): counted as rejected" ||
	fail "values the tables refuse: counted as rejected" "$(sfield h1 rejected)"
check_eq "a key of no object: counted as ignored" 1 "$(sfield h1 ignored)"
grep -q "key '/genv/v1/ep/100/10.0.1.51': the value sets ep/100/10.0.1.52, the key names ep/100/10.0.1.51" "$TMP/h1.log" &&
	ok "malformed values: logged with the key" || fail "malformed values: logged with the key"
grep -q "key '/genv/v1/ep/300/10.9.0.1': refused" "$TMP/h1.log" && ok "refused value: logged with the key" ||
	fail "refused value: logged with the key"
ectl del /genv/v1/ep/100/10.0.1.50 >/dev/null; ectl del /genv/v1/ep/100/10.0.1.51 >/dev/null
ectl del /genv/v1/vpc/7 >/dev/null; ectl del /genv/v1/ep/300/10.9.0.1 >/dev/null; ectl del /genv/v1/thing/1 >/dev/null
all_converged "malformed values removed"

# ---- batch and apply into the store: one transaction, all or none ----
printf 'add ep 100 10.0.1.20 mac 02:00:00:00:01:14 host 10.200.0.9\nadd ep 100 10.0.1.21 mac 02:00:00:00:01:zz host 10.200.0.9\n' >"$TMP/bad.genv"
out=$(W batch "$TMP/bad.genv" 2>&1); rc=$?
check_eq "batch --store with a bad second line: exit 2" 2 "$rc"
grep -q "command 2: add ep: word 6 '02:00:00:00:01:zz': invalid MAC address; nothing written" <<<"$out" &&
	ok "batch --store: the refusal names the command" || fail "batch --store: the refusal names the command" "$out"
check_eq "batch --store: nothing written (not even line 1)" "" "$(ectl get --prefix --keys-only /genv/v1/ep/100/10.0.1.20)"
printf 'add ep 100 10.0.1.20 mac 02:00:00:00:01:14 host 10.200.0.9\nadd ep 100 10.0.1.21 mac 02:00:00:00:01:15 host 10.200.0.9\n' >"$TMP/good.genv"
W batch "$TMP/good.genv" && ok "batch --store: both written" || fail "batch --store: both written"
printf 'apiVersion: v1\nkind: Namespace\nmetadata: {name: db, labels: {team: a}}\n---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: deny, namespace: db}\nspec: {podSelector: {}}\n' >"$TMP/np.yaml"
W apply --vpc 100 -f "$TMP/np.yaml" && W apply --vpc 100 -f "$TMP/np.yaml" &&
	ok "apply -f YAML --store, twice (the second replaces)" || fail "apply -f YAML --store"
[ -n "$(ectl get --prefix --keys-only /genv/v1/policy/100/)" ] && ok "apply --store: the policy is in the store" ||
	fail "apply --store: the policy is in the store"
all_converged "after batch and apply"

# ---- TLS: a member with a CA and client certificates made here ----
if command -v openssl >/dev/null; then
	(cd "$TMP" &&
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 1 -subj /CN=genv-test-ca &&
		openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj /CN=etcd &&
		printf 'subjectAltName=IP:10.200.0.100\n' >srv.ext &&
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 1 -extfile srv.ext &&
		openssl req -newkey rsa:2048 -nodes -keyout cli.key -out cli.csr -subj /CN=genv &&
		openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 1) >"$TMP/openssl.log" 2>&1
	ip netns exec "$P-ul" etcd --name t1 --data-dir "$TMP/t1" \
		--listen-client-urls https://10.200.0.100:23794 --advertise-client-urls https://10.200.0.100:23794 \
		--listen-peer-urls http://127.0.0.1:23804 --initial-advertise-peer-urls http://127.0.0.1:23804 \
		--initial-cluster t1=http://127.0.0.1:23804 --cert-file "$TMP/srv.pem" --key-file "$TMP/srv.key" \
		--trusted-ca-file "$TMP/ca.pem" --client-cert-auth >>"$TMP/t1.log" 2>&1 &
	pids+=("$!")
	T=(--store etcd://10.200.0.100:23794 --cacert "$TMP/ca.pem")
	for _ in $(seq 50); do
		nsx ul "$GENV" route add vpc 5 cidr 10.5.0.0/16 "${T[@]}" --cert "$TMP/cli.pem" --key "$TMP/cli.key" 2>/dev/null && break
		sleep 0.2
	done
	nsx ul timeout 10 etcdctl --endpoints https://10.200.0.100:23794 --cacert "$TMP/ca.pem" --cert "$TMP/cli.pem" \
		--key "$TMP/cli.key" get --print-value-only /genv/v1/vpc/5 | grep -q "add vpc 5 cidr 10.5.0.0/16" &&
		ok "TLS: written with a client certificate" || fail "TLS: written with a client certificate" "$(tail -n 2 "$TMP/t1.log")"
	out=$(nsx ul timeout 10 "$GENV" route add vpc 6 cidr 10.6.0.0/16 "${T[@]}" 2>&1); rc=$?
	check_eq "TLS: without a client certificate the member refuses (exit 1)" 1 "$rc"
	grep -q "nothing written" <<<"$out" && ok "TLS: the refusal is clear" || fail "TLS: the refusal is clear" "$out"
else
	skip "TLS" "openssl not installed"
fi

finish
