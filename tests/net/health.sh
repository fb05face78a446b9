#!/usr/bin/env bash
# Backend health of a scaled endpoint end to end, in network namespaces
# (genv-route(8) ENDPOINT TYPES, Health).
#
#   h1, h2, h3: three hosts on one underlay bridge (10.200.0.1-3), each
#   running `genv route run`.  VPC 100 10.0.0.0/16:
#     c1 10.0.1.5 (h1): the client
#     s1 10.0.1.10 (h1), s2 10.0.2.10 (h2), s3 10.0.3.10 (h3): the backends
#     of the scaled endpoint 10.0.9.1, health on, health-interval 200 ms,
#     health-timeout 1000 ms.
#
# Checks: keepalives on the wire (tshark: O bit, genv class, type 0x08;
# genv decode names them) and answered; 300 UDP flows (distinct source
# ports) reach all three backends (tcpdump in the backend VMs); h3's
# router killed (SIGKILL, by PID): within health-timeout + 1 s h1 shows s3
# down, the same 300 flows all reach s1 or s2, the flows of s1 and s2 stay
# where they were and h1 counts every flow of s3 as re-pinned; h3's router
# restarted: s3 is back in h1's table (shown up) and 300 new flows reach
# it again.
# Needs root; exits 77 (skip) without it or without the tools.
# Run it under flock /tmp/genv-net.lock: one namespace test at a time.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=hl$$
TMP=
pids=()

require health root ip tcpdump tshark python3 timeout tun

NSS="ul h1 h2 h3 c1 s1 s2 s3"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-health.XXXXXX)
netns_underlay health

netns_routers h1 h2 h3

VIP=10.0.9.1
EPS="c1 10.0.1.5 02:00:00:00:01:05 1
s1 10.0.1.10 02:00:00:00:01:10 1
s2 10.0.2.10 02:00:00:00:02:10 2
s3 10.0.3.10 02:00:00:00:03:10 3"
for h in 1 2 3; do
	{
		echo "set host addr 10.200.0.$h id h$h"
		echo "add vpc 100 cidr 10.0.0.0/16"
		netns_ep_lines 100 "$h" "$EPS"
		echo "add ep 100 $VIP mac 02:00:00:00:09:01 type scaled backends 10.0.1.10 10.0.2.10 10.0.3.10 health on health-interval 200 health-timeout 1000"
	} >"$TMP/h$h.conf"
	out=$(rt "h$h" batch "$TMP/h$h.conf" 2>&1) && ok "h$h: config with a health-checked scaled endpoint applies" ||
		fail "h$h: config with a health-checked scaled endpoint applies" "$out"
done
netns_vms "$EPS"
check_eq "TAP ports moved into the VMs" 0 "$?"

# state IP: backend IP's state in h1's `show ep -j` (health.h)
state() {
	rt h1 -j show ep 100 | python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        if o.get("ip") == sys.argv[1] and "state" in o:
            print(o["state"]); sys.exit(0)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin))
print("none")' "$1"
}
# hstat HOST KEY: a counter of the health line of `show stats`
hstat() { rt "$1" show stats | sed -n "s/^health.* $2 \([0-9]*\).*/\1/p"; }
# wait_state IP STATE: poll h1 every 0.1 s for at most 5 s; prints the seconds it took
wait_state() {
	local t0 i
	t0=$(date +%s.%N)
	for i in $(seq 50); do
		[ "$(state "$1")" = "$2" ] && break
		sleep 0.1
	done
	python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$t0" "$(date +%s.%N)"
	[ "$(state "$1")" = "$2" ]
}
# flows ROUND FIRST VM...: 300 UDP flows from c1 (source ports FIRST..FIRST+299)
# to the VIP, captured in each VM's eth0; $TMP/ROUND.VM holds the source
# ports each VM received
flows() {
	local round=$1 first=$2 vm cap=()
	shift 2
	for vm in "$@"; do
		ip netns exec "$P-$vm" timeout 20 tcpdump -i eth0 -U -n -w "$TMP/$round.$vm.pcap" udp dst port 9000 2>/dev/null &
		cap+=("$!")
		pids+=("$!")
	done
	sleep 1
	nsx c1 timeout 15 python3 - "$VIP" "$first" <<'PY'
import socket, sys, time
for i in range(300):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.1.5", int(sys.argv[2]) + i))
    s.sendto(b"flow %d" % i, (sys.argv[1], 9000))
    s.close()
    if i % 50 == 49:
        time.sleep(0.05)
PY
	sleep 1
	for p in "${cap[@]}"; do kill -INT "$p" 2>/dev/null; done
	for p in "${cap[@]}"; do wait "$p" 2>/dev/null; done
	for vm in "$@"; do
		tshark -r "$TMP/$round.$vm.pcap" -Y "udp.dstport == 9000" -T fields -e udp.srcport 2>/dev/null |
			sort -u >"$TMP/$round.$vm"
	done
}
n() { wc -l <"$1" | tr -d ' '; }

# ---- keepalives on the wire, answered ----
ip netns exec "$P-h1" timeout 5 tcpdump -i ul1 -U -n -w "$TMP/ul1.pcap" udp port 6081 2>/dev/null &
cap=$!
pids+=("$cap")
sleep 1.5
kill -INT "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
ka=$(tshark -r "$TMP/ul1.pcap" -Y 'geneve.flags.oam == 1 && geneve.option.class == 0xffa7 && geneve.option.type == 0x08 && ip.dst == 10.200.0.2' 2>/dev/null | wc -l)
[ "$ka" -ge 3 ] && ok "h1 sends keepalives to h2 (O bit, class 0xffa7 type 0x08: $ka in 1.5 s, tshark)" ||
	fail "h1 sends keepalives to h2 (tshark)" "$ka"
"$GENV" decode -r "$TMP/ul1.pcap" 2>/dev/null | grep -q 'health answer=1 seq=' &&
	ok "answers come back (genv decode names the health option)" ||
	fail "answers come back (genv decode)" "$("$GENV" decode -r "$TMP/ul1.pcap" 2>&1 | head -4)"
for ip in 10.0.1.10 10.0.2.10 10.0.3.10; do
	check_eq "h1 shows backend $ip" "$([ $ip = 10.0.1.10 ] && echo local || echo up)" "$(state $ip)"
done
a=$(hstat h2 answers_sent)
[ "${a:-0}" -gt 0 ] && ok "h2 counts the answers it sent ($a)" || fail "h2 counts the answers it sent" "${a:-none}"

# ---- all three backends take flows ----
flows r1 30000 s1 s2 s3
echo "# flows per backend: s1 $(n "$TMP/r1.s1") s2 $(n "$TMP/r1.s2") s3 $(n "$TMP/r1.s3")"
check_eq "300 flows reached one backend each (tcpdump in the VMs)" 300 "$(sort -u "$TMP"/r1.s? | wc -l | tr -d ' ')"
[ "$(n "$TMP/r1.s1")" -gt 30 ] && [ "$(n "$TMP/r1.s2")" -gt 30 ] && [ "$(n "$TMP/r1.s3")" -gt 30 ] &&
	ok "every backend took a share" || fail "every backend took a share" "$(n "$TMP/r1.s1") $(n "$TMP/r1.s2") $(n "$TMP/r1.s3")"

# ---- h3's router dies: s3 out within timeout + 1 s ----
kill -KILL "$pid_h3"
wait "$pid_h3" 2>/dev/null
took=$(wait_state 10.0.3.10 down) && ok "h1 shows s3 down ${took}s after h3's router was killed (timeout 1 s + 1 s)" ||
	fail "h1 shows s3 down within 5 s" "$(state 10.0.3.10) after ${took}s"
python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) <= 2.0 else 1)" "$took" &&
	ok "within health-timeout + 1 s (${took}s)" || fail "within health-timeout + 1 s" "${took}s"
check_eq "s1 and s2 stay in h1's table" "local up" "$(state 10.0.1.10) $(state 10.0.2.10)"
flows r2 30000 s1 s2
check_eq "the same 300 flows all reach s1 or s2" 300 "$(sort -u "$TMP/r2.s1" "$TMP/r2.s2" | wc -l | tr -d ' ')"
check_eq "the flows of s1 stayed on s1" "" "$(comm -23 "$TMP/r1.s1" "$TMP/r2.s1")"
check_eq "the flows of s2 stayed on s2" "" "$(comm -23 "$TMP/r1.s2" "$TMP/r2.s2")"
rp=$(rt h1 -j show ep 100 | python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        h = o.get("health")
        if isinstance(h, dict) and "repinned" in h:
            print(h["repinned"]); sys.exit(0)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin))')
check_eq "h1 re-pinned every flow of s3 (show ep -j health.repinned)" "$(n "$TMP/r1.s3")" "$rp"
check_eq "h1 counts one backend gone down" 1 "$(hstat h1 down)"

# ---- h3's router back: s3 back in the table ----
rt_start h3 && rt h3 batch "$TMP/h3.conf" >/dev/null && netns_vms "s3 10.0.3.10 02:00:00:00:03:10 3" &&
	ok "h3's router restarted with its config" || fail "h3's router restarted with its config"
took=$(wait_state 10.0.3.10 up) && ok "h1 shows s3 up again ${took}s after the restart" ||
	fail "h1 shows s3 up again within 5 s" "$(state 10.0.3.10)"
check_eq "h1 counts one backend come back" 1 "$(hstat h1 up)"
flows r3 32000 s1 s2 s3
echo "# new flows per backend: s1 $(n "$TMP/r3.s1") s2 $(n "$TMP/r3.s2") s3 $(n "$TMP/r3.s3")"
check_eq "300 new flows reached one backend each" 300 "$(sort -u "$TMP"/r3.s? | wc -l | tr -d ' ')"
[ "$(n "$TMP/r3.s3")" -gt 30 ] && ok "s3 takes new flows again ($(n "$TMP/r3.s3") of 300)" ||
	fail "s3 takes new flows again" "$(n "$TMP/r3.s3") of 300"
finish
