#!/usr/bin/env bash
# Ports survive their router (issue 14): persistent TAP devices that a
# restarted router re-attaches to, in its own namespace and in a VM's.
#
#   h1, h2 on one underlay bridge (10.200.0.1-2); both routers run with
#   --state.  VPC 100 10.0.1.0/24:
#     a1 10.0.1.5  TAP t1 made by h1's router in namespace a1 (add port ... netns)
#     h1 10.0.1.7  TAP t0 in h1's own namespace, its address on h1's stack
#     a2 10.0.1.6  TAP t2 made by h2's router in namespace a2
#
# Checks: kill -9 of h1's router during ping -i 0.05 from a1 and from h1,
# restart with the same --state: both pings resume within 2 s of the
# restart, nothing done in the VM (same device ifindex, address and
# routes); show port says persistent, re-attached; SIGTERM keeps the
# devices too; a device moved away by hand is made transient (gone after
# kill -9); a VM namespace deleted while the router was down does not stop
# the start; AF_XDP endpoint port re-attached from the state file (when
# AF_XDP is available); del port removes the devices.
# Needs root; exits 77 (skip) without it or without the tools.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gk$$
TMP=
pids=()

require persist root ip ping python3 timeout tun

NSS="ul h1 h2 h3 a1 a2 a3 a4"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-persist.XXXXXX)

netns_underlay persist

pid_h1= pid_h2=
start_router() { rt_start "$1" -v --state "$TMP/$1.state"; }
start_router h1 && start_router h2 && ok "two routers with --state" ||
	{ fail "two routers start" "$(tail -n 3 "$TMP"/h*.log)"; finish; }

MAC1=02:00:00:00:01:a1 MAC2=02:00:00:00:01:a2 MAC0=02:00:00:00:01:a0
cat >"$TMP/h1.conf" <<EOF
set host addr 10.200.0.1
add vpc 100 cidr 10.0.0.0/16
add net 100 10.0.1.0/24 gw 10.0.1.1
add port t0
add port t1 netns $P-a1
add ep 100 10.0.1.5 mac $MAC1 port t1
add ep 100 10.0.1.7 mac $MAC0 port t0
add ep 100 10.0.1.6 mac $MAC2 host 10.200.0.2
EOF
cat >"$TMP/h2.conf" <<EOF
set host addr 10.200.0.2
add vpc 100 cidr 10.0.0.0/16
add net 100 10.0.1.0/24 gw 10.0.1.1
add port t2 netns $P-a2
add ep 100 10.0.1.6 mac $MAC2 port t2
add ep 100 10.0.1.5 mac $MAC1 host 10.200.0.1
add ep 100 10.0.1.7 mac $MAC0 host 10.200.0.1
EOF
for h in h1 h2; do
	out=$(rt "$h" batch "$TMP/$h.conf" 2>&1) || { fail "$h: config" "$out"; finish; }
done
ok "config applied (ports made in the VM namespaces by the routers)"

ip -n "$P-a1" link show t1 >/dev/null 2>&1 && ! ip -n "$P-h1" link show t1 >/dev/null 2>&1 &&
	ok "add port t1 netns a1: the device is in a1, not in h1" ||
	fail "add port t1 netns a1: the device is in a1, not in h1" "$(ip -n "$P-a1" -br link 2>&1)"
grep -q "^add port t1 mtu [0-9]* netns $P-a1\$" "$TMP/h1.state" &&
	ok "the state file keeps the namespace" || fail "the state file keeps the namespace" "$(grep port "$TMP/h1.state")"
out=$(rt h1 add port t5 netns "a/b" 2>&1; echo "rc $?")
case $out in
*"not a network namespace name"*"rc 2") ok "netns a/b: usage error naming it" ;;
*) fail "netns a/b: usage error naming it" "$out" ;;
esac
out=$(rt h1 add port t5 netns "$P-none" 2>&1; echo "rc $?")
case $out in
*"cannot open network namespace '$P-none'"*"rc 1") ok "a missing namespace: runtime error naming it" ;;
*) fail "a missing namespace: runtime error naming it" "$out" ;;
esac
check "... and nothing changed" sh -c "! '$GENV' route -S '$TMP/h1.sock' show config | grep -q t5"
out=$(rt h1 set port t1 netns "$P-a2" 2>&1; echo "rc $?")
case $out in
*"cannot change namespace"*"rc 2") ok "set port cannot move a port to another namespace" ;;
*) fail "set port cannot move a port to another namespace" "$out" ;;
esac

vm_up() {	# NS DEV IP MAC
	ip -n "$P-$1" link set "$2" address "$4" up &&
	ip -n "$P-$1" addr add "$3/24" dev "$2"
}
vm_up a1 t1 10.0.1.5 "$MAC1" && vm_up a2 t2 10.0.1.6 "$MAC2" && vm_up h1 t0 10.0.1.7 "$MAC0" ||
	{ fail "VM addresses" ""; finish; }
check "ping a1 -> a2 (netns ports, two hosts)" nsx a1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.6
check "ping h1 (t0 in the router's namespace) -> a2" nsx h1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.6

# what the VMs hold: device, ifindex, address, routes
vm_view() {	# NS DEV
	ip -n "$P-$1" -o link show "$2" | cut -d' ' -f1-2
	ip -n "$P-$1" -o addr show dev "$2" | awk '{ print $2, $3, $4 }'
	ip -n "$P-$1" route show dev "$2"
}
vm_view a1 t1 >"$TMP/a1.before"
vm_view h1 t0 >"$TMP/h1.before"

# pings -i 0.05 with timestamps (-D), from a1 and from h1, during the kill
nsx a1 timeout 8 ping -D -n -i 0.05 -W 1 10.0.1.6 >"$TMP/ping.a1" 2>&1 &
pa1=$!
nsx h1 timeout 8 ping -D -n -i 0.05 -W 1 10.0.1.6 >"$TMP/ping.h1" 2>&1 &
ph1=$!
pids+=("$pa1" "$ph1")
sleep 1.5
kill -9 "$pid_h1"
wait "$pid_h1" 2>/dev/null
t_kill=$(date +%s.%N)
sleep 0.5
start_router h1 && ok "h1 restarted after kill -9 (same --state)" ||
	fail "h1 restarted after kill -9" "$(tail -n 3 "$TMP/h1.log")"
t_up=$(date +%s.%N)
wait "$pa1" "$ph1" 2>/dev/null

# resumed NAME FILE: the first reply after the restart, within 2 s of it
resumed() {
	python3 - "$2" "$t_kill" "$t_up" <<'EOF'
import re, sys
f, kill, up = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
ts = [float(m.group(1)) for m in (re.match(r"\[(\d+\.\d+)\] \d+ bytes from", l) for l in open(f)) if m]
before = [t for t in ts if t < kill]
after = [t for t in ts if t > kill]
if not before or not after:
    print("no replies %s the kill (%d replies)" % ("before" if not before else "after", len(ts)))
    sys.exit(1)
print("%.2f s after the restart (%.2f s without replies, %d replies after)" % (after[0] - up, after[0] - before[-1], len(after)))
sys.exit(0 if after[0] - up <= 2.0 else 1)
EOF
}
out=$(resumed a1 "$TMP/ping.a1") && ok "a1's ping (netns port) resumes: $out" ||
	fail "a1's ping (netns port) resumes within 2 s" "$out"
out=$(resumed h1 "$TMP/ping.h1") && ok "h1's ping (port in the router's namespace) resumes: $out" ||
	fail "h1's ping (port in the router's namespace) resumes within 2 s" "$out"
vm_view a1 t1 >"$TMP/a1.after"
vm_view h1 t0 >"$TMP/h1.after"
check "a1: same device, ifindex, address and routes after the restart" cmp -s "$TMP/a1.before" "$TMP/a1.after"
check "h1: same t0, ifindex, address and routes after the restart" cmp -s "$TMP/h1.before" "$TMP/h1.after"
grep -q "port t1: TAP device re-attached in netns $P-a1" "$TMP/h1.log" &&
	ok "the log says re-attached in the namespace" || fail "the log says re-attached" "$(grep 'port t1' "$TMP/h1.log")"
out=$(rt h1 -j show port | python3 -c '
import json, sys
for p in json.load(sys.stdin)["ports"]:
    print(p["name"], p["netns"], p["device"]["persistent"], p["device"]["reattached"])' 2>&1)
check_eq "show port -j: netns, persistent, re-attached" "t0 None True True
t1 $P-a1 True True" "$out"

# SIGTERM: a stop keeps the devices too
kill -TERM "$pid_h1"
wait "$pid_h1" 2>/dev/null
ip -n "$P-a1" link show t1 >/dev/null 2>&1 && ip -n "$P-h1" link show t0 >/dev/null 2>&1 &&
	ok "SIGTERM: the devices stay for the next start" || fail "SIGTERM: the devices stay"
grep -q "port t1: TAP device kept for the next start" "$TMP/h1.log" && ok "... logged" || fail "... logged"
start_router h1 || fail "h1 restarted after SIGTERM" "$(tail -n 3 "$TMP/h1.log")"
check "ping a1 -> a2 after the stop and start" nsx a1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.6

# moved by hand: no longer persistent, goes with the router
rt h1 add port t9 >/dev/null && ip -n "$P-h1" link set t9 netns "$P-a3" || fail "t9 moved by hand"
for _ in $(seq 30); do grep -q "port t9: moved to another namespace by hand" "$TMP/h1.log" && break; sleep 0.1; done
grep -q "port t9: moved to another namespace by hand" "$TMP/h1.log" &&
	ok "a device moved by hand is noticed (no longer persistent)" || fail "a device moved by hand is noticed"
# a VM namespace that goes while the router is down
rt h1 add port t4 netns "$P-a4" >/dev/null || fail "add port t4 netns a4"
kill -9 "$pid_h1"
wait "$pid_h1" 2>/dev/null
ip -n "$P-a3" link show t9 >/dev/null 2>&1 && fail "kill -9: the hand-moved device is gone" ||
	ok "kill -9: the hand-moved device is gone"
ip netns del "$P-a4"
start_router h1 && ok "restart with a VM namespace gone: the router starts" ||
	fail "restart with a VM namespace gone: the router starts" "$(tail -n 3 "$TMP/h1.log")"
grep -q "port t4: cannot open network namespace '$P-a4'" "$TMP/h1.log" && ok "... and logs the port" ||
	fail "... and logs the port" "$(tail -n 3 "$TMP/h1.log")"
check "... other ports work" nsx a1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.6
check "... del port of it works" rt h1 del port t4

# AF_XDP endpoint port from the state file, on a veth, after kill -9
ip link add x1 netns "$P-h1" type veth peer name x1p netns "$P-a3" && ip -n "$P-h1" link set x1 up &&
	ip -n "$P-a3" link set x1p up
if out=$(rt h1 add port xdp x1 mode skb 2>&1); then
	kill -9 "$pid_h1"
	wait "$pid_h1" 2>/dev/null
	start_router h1 && rt h1 show port | grep -q "^port x1 " &&
		ok "AF_XDP port re-attached by name from the state file after kill -9" ||
		fail "AF_XDP port re-attached after kill -9" "$(tail -n 3 "$TMP/h1.log")"
	rt h1 del port x1 >/dev/null
else
	skip "AF_XDP port re-attached after kill -9" "no AF_XDP here: $out"
fi

# del port removes a persistent device, in a netns and here
rt h1 del ep 100 10.0.1.5 >/dev/null && rt h1 del ep 100 10.0.1.7 >/dev/null &&
	rt h1 del port t1 && rt h1 del port t0 || fail "del ep, del port"
ip -n "$P-a1" link show t1 >/dev/null 2>&1 && fail "del port: t1 gone from a1" || ok "del port: t1 gone from a1"
ip -n "$P-h1" link show t0 >/dev/null 2>&1 && fail "del port: t0 gone from h1" || ok "del port: t0 gone from h1"
kill -9 "$pid_h1"
wait "$pid_h1" 2>/dev/null
ip -n "$P-a1" link show t1 >/dev/null 2>&1 && fail "... and a crash after del port leaves nothing" ||
	ok "... and a crash after del port leaves nothing"
finish
