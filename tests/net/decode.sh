#!/bin/bash
# genv decode -i: live capture as tcpdump does it, in two private network
# namespaces joined by a veth pair (v0 in A, v1 in B): promiscuous mode by
# default (the kernel's promiscuity count, as `ip -d link` shows it) and not
# with --no-promisc; -s cuts frames; the exit lines from pcap_stats; -i any
# names the interface and direction as tcpdump -i any does (LINUX_SLL2).
# Needs root; skips (77) without it or without `ip netns`.  Run under
# flock /tmp/genv-net.lock: flock /tmp/genv-net.lock tests/net/decode.sh
. tests/lib.sh

GENV=$(readlink -f "$GENV")
P=gdec$$
TMP=
pids=()

require decode-live root tcpdump
cleanup() {
	local p
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$P-a" 2>/dev/null
	ip netns del "$P-b" 2>/dev/null
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
if ! ip netns add "$P-a" 2>/dev/null || ! ip netns add "$P-b" 2>/dev/null; then
	skip "decode-live" "ip netns add failed"
	finish
fi
TMP=$(mktemp -d /tmp/genv-declive.XXXXXX)
ip link add v0 netns "$P-a" type veth peer name v1 netns "$P-b"
ip -n "$P-a" addr add 10.77.0.1/24 dev v0
ip -n "$P-b" addr add 10.77.0.2/24 dev v1
ip -n "$P-a" link set v0 up
ip -n "$P-b" link set v1 up
ip -n "$P-a" neigh replace 10.77.0.2 lladdr "$(ip -n "$P-b" -br link show v1 | awk '{print $3}')" dev v0

# send N Geneve frames (vni 42, an inner Ethernet/IPv4/ICMP frame of 200 bytes) from A to B
send() {
	ip netns exec "$P-a" timeout 10 /usr/bin/python3 -c '
import socket, sys, time
inner = bytes.fromhex("020000000002020000000001" "0800") + bytes.fromhex(
    "450000ba00010000400100000a0000010a000002") + b"\x08\x00\x00\x00" + bytes(166)
gnv = bytes.fromhex("0000655800002a00") + inner
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(int(sys.argv[1])):
    s.sendto(gnv, ("10.77.0.2", 6081)); time.sleep(0.05)' "$1"
}
# capture CMD...: run genv decode in B in the background until it exits (bounded)
capture() {
	ip netns exec "$P-b" timeout 15 "$GENV" decode "$@" >"$TMP/out" 2>"$TMP/err" &
	pids+=($!)
	sleep 1.5
}
promiscuity() { ip -n "$P-b" -d link show v1 | sed -n 's/.*promiscuity \([0-9]*\).*/\1/p'; }

capture -i v1 -c 3 -s 100 -j udp port 6081
check_eq "promiscuous by default (kernel promiscuity)" 1 "$(promiscuity)"
send 3
wait "${pids[-1]}"
check_eq "-c 3: three frames" 3 "$(wc -l <"$TMP/out")"
check_eq "-s 100: caplen 100 of 254-byte frames" "100 254" \
	"$(head -n 1 "$TMP/out" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["caplen"], d["len"])')"
grep -q '^3 packets captured$' "$TMP/err" && grep -q '^[0-9]* packets received by filter$' "$TMP/err" &&
	grep -q '^0 packets dropped by kernel$' "$TMP/err" && ok "exit lines from pcap_stats, as tcpdump" ||
	fail "exit lines from pcap_stats, as tcpdump" "$(tr '\n' '|' <"$TMP/err")"

capture -i v1 -c 1 --no-promisc -q
check_eq "--no-promisc: not promiscuous" 0 "$(promiscuity)"
send 1
wait "${pids[-1]}"

capture -i v1 -c 1 -B 4096 -q
send 1
wait "${pids[-1]}"
check_eq "-B 4096: captures (exit 0)" "" "$(grep -v 'packets' "$TMP/err")"

# -i any: interface and direction, as tcpdump -i any shows them
ip netns exec "$P-b" timeout 15 tcpdump -i any -nn -c 2 udp port 6081 >"$TMP/td" 2>"$TMP/td.err" &
pids+=($!)
cap_wait "$TMP/td.err"
capture -i any -c 2 udp port 6081
send 2
wait "${pids[-1]}"
wait "${pids[-2]}"
want=$(awk '{print $2, $3}' "$TMP/td")
got=$(awk '{print $4, $5}' "$TMP/out")
[ -n "$want" ] && [ "$want" = "$got" ] && ok "-i any: interface and direction as tcpdump ($(echo "$want" | head -1))" ||
	fail "-i any: interface and direction as tcpdump" "tcpdump '$want', genv '$got'"
grep -q 'Geneve vni 42' "$TMP/out" && ok "-i any: SLL2 frames decoded" || fail "-i any: SLL2 frames decoded" "$(head -2 "$TMP/out")"
capture -i any -c 1 -j udp port 6081
send 1
wait "${pids[-1]}"
check_eq "-i any -j: interface and direction keys" "v1 In" \
	"$(/usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["interface"], d["direction"])' <"$TMP/out")"
finish
