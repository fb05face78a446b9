#!/bin/bash
# genv craft -i: the outer addresses come from the interface and the kernel
# (source MAC and IP of the interface, the next hop's MAC by ARP, also through a
# gateway), what was sent is printed, and --expect waits for a reply
# (exit 0) or gives up after --timeout (exit 1).  Two namespaces joined by
# a veth pair (h1 and h2 on a bridge, tests/netns.sh); tcpdump in B is the oracle for what left.
# Needs root; skips (77) without it.  Run under flock /tmp/genv-net.lock.
. tests/lib.sh

GENV=$(readlink -f "$GENV")
# shellcheck source=tests/netns.sh
. tests/netns.sh
P=gcft$$
NSS="ul h1 h2 h3"
TMP=
pids=()

require craft-iface root tcpdump
trap netns_cleanup EXIT
TMP=$(mktemp -d /tmp/genv-craft.XXXXXX)
netns_underlay craft-iface
# h1 (ul1, 10.200.0.1) sends, h2 (ul2, 10.200.0.2) captures; h2 also
# holds 10.99.0.9, reached from h1 through h2 as its gateway
nsx h2 ip addr add 10.99.0.9/32 dev lo
nsx h1 ip route add 10.99.0.0/24 via 10.200.0.2
mac_a=$(nsx h1 ip -br link show ul1 | awk '{print $3}')
mac_b=$(nsx h2 ip -br link show ul2 | awk '{print $3}')
PKT='udp dport=6081 / geneve vni=7 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / icmp'

# tcpdump in B: the link-level header of the first Geneve frame
capture() {
	rm -f "$TMP/td.err"
	nsx h2 timeout 10 tcpdump -i ul2 -nn -e -c "${1:-1}" udp port 6081 >"$TMP/td" 2>"$TMP/td.err" &
	pids+=($!)
	cap_wait "$TMP/td.err"
}
a() { nsx h1 timeout 10 "$GENV" "$@"; }

# no neighbour entry yet: craft must have the kernel resolve it (ARP)
capture
a craft -i ul1 "ipv4 dst=10.200.0.2 / $PKT" >"$TMP/out" 2>"$TMP/err"
rc=$?
wait "${pids[-1]}"
check_eq "craft -i: exit 0" 0 "$rc"
line=$(head -n 1 "$TMP/td")
case $line in
*"$mac_a > $mac_b"*"10.200.0.1."*" > 10.200.0.2.6081"*) ok "craft -i: src MAC and IP of ul1, dst MAC by ARP (tcpdump)" ;;
*) fail "craft -i: src MAC and IP of ul1, dst MAC by ARP (tcpdump)" "$line / $(cat "$TMP/err")" ;;
esac
check_eq "craft -i: summary line" "sent 1 packet (92 bytes) on ul1" "$(cat "$TMP/out")"

# through a gateway: the next hop's MAC, the destination unchanged
capture
a craft -i ul1 "ipv4 dst=10.99.0.9 / $PKT" >/dev/null 2>"$TMP/err"
wait "${pids[-1]}"
line=$(head -n 1 "$TMP/td")
case $line in
*"$mac_a > $mac_b"*"10.200.0.1."*" > 10.99.0.9.6081"*) ok "craft -i via a gateway: the gateway's MAC (tcpdump)" ;;
*) fail "craft -i via a gateway: the gateway's MAC (tcpdump)" "$line / $(cat "$TMP/err")" ;;
esac

# what the text gives is kept
capture
a craft -i ul1 "eth dst=02:00:00:00:00:99 / ipv4 src=10.200.0.7 dst=10.200.0.2 / $PKT" >/dev/null 2>&1
wait "${pids[-1]}"
line=$(head -n 1 "$TMP/td")
case $line in
*"$mac_a > 02:00:00:00:00:99"*"10.200.0.7."*) ok "craft -i: given addresses are kept (tcpdump)" ;;
*) fail "craft -i: given addresses are kept (tcpdump)" "$line" ;;
esac

# -v: one line per packet sent, as decode prints it
capture 3
a craft -v -c 3 -i ul1 "ipv4 dst=10.200.0.2 / $PKT" >"$TMP/out" 2>"$TMP/err"
wait "${pids[-1]}"
check_eq "craft -i -v -c 3: three 'sent' lines and the summary" "3 sent 3 packets (276 bytes) on ul1" \
	"$(grep -c '^sent .*vni 7' "$TMP/out") $(tail -n 1 "$TMP/out")"
check_eq "tcpdump saw the three" 3 "$(grep -c 'vni 7\|Geneve\|6081' "$TMP/td")"

# not routed through the interface: a clear error, exit 1
a craft -i ul1 "ipv4 dst=10.123.0.9 / $PKT" >"$TMP/out" 2>"$TMP/err"
rc=$?
check_eq "craft -i: destination not routed through ul1: exit 1" 1 "$rc"
grep -q "10.123.0.9 is not routed through ul1" "$TMP/err" && ok "craft -i: the unrouted destination is named" ||
	fail "craft -i: the unrouted destination is named" "$(cat "$TMP/err")"
# on the link but nobody answers ARP: exit 1 after about a second
a craft -i ul1 "ipv4 dst=10.200.0.99 / $PKT" >"$TMP/out" 2>"$TMP/err"
check_eq "craft -i: next hop without an ARP answer: exit 1" 1 "$?"
grep -q "next hop 10.200.0.99 toward 10.200.0.99 did not answer ARP" "$TMP/err" &&
	ok "craft -i: the silent next hop is named" || fail "craft -i: the silent next hop is named" "$(cat "$TMP/err")"

# --expect: the kernel in B answers an echo request
t0=$(date +%s%N)
a craft -i ul1 'ipv4 dst=10.200.0.2 / icmp id=77 seq=1' --expect 'icmp and src host 10.200.0.2' >"$TMP/out" 2>"$TMP/err"
rc=$?
check_eq "--expect: the echo reply came: exit 0" 0 "$rc"
grep -q '^reply .*10.200.0.2 > 10.200.0.1' "$TMP/out" && ok "--expect: the reply is printed" ||
	fail "--expect: the reply is printed" "$(cat "$TMP/out" "$TMP/err")"
# -j: one JSON document, what was sent and the reply (reply null when none)
a craft -j -i ul1 'ipv4 dst=10.200.0.2 / icmp id=77 seq=2' --expect 'icmp and src host 10.200.0.2' >"$TMP/out" 2>"$TMP/err"
/usr/bin/python3 -c '
import json, sys
t = open(sys.argv[1]).read()
d = json.loads(t)  # one document: a second one is an error here
assert d["schema"] == 1 and d["sent"]["packets"] == 1 and d["sent"]["interface"] == "ul1", d
assert isinstance(d["reply"], dict), d
assert "10.200.0.2" in json.dumps(d["reply"]), d' "$TMP/out" 2>"$TMP/jerr" &&
	ok "--expect -j: one document with sent and reply" || fail "--expect -j: one document with sent and reply" "$(cat "$TMP/out" "$TMP/jerr")"
a craft -j -i ul1 'ipv4 dst=10.200.0.2 / icmp id=77 seq=3' --expect 'vni 99' --timeout 0.3 >"$TMP/out" 2>/dev/null
rc=$?
/usr/bin/python3 -c 'import json, sys; d = json.loads(open(sys.argv[1]).read()); assert d["reply"] is None and d["sent"]["packets"] == 1' \
	"$TMP/out" 2>/dev/null && [ "$rc" = 1 ] && ok "--expect -j, no reply: one document, reply null, exit 1" ||
	fail "--expect -j, no reply: one document, reply null, exit 1" "exit $rc: $(cat "$TMP/out")"

# --expect with genv's filter terms: B echoes the Geneve datagram back (to port
# 6081: craft sends from it, as routers do)
nsx h2 timeout 20 /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.200.0.2", 6081))
while True:
    d, a = s.recvfrom(65535)
    s.sendto(d, a)' &
pids+=($!)
sleep 0.5
a craft -i ul1 "ipv4 dst=10.200.0.2 / udp sport=6081 dport=6081 / geneve vni=7 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / icmp" \
	--expect 'vni 7 and inner icmp and inner src host 10.0.0.1' --timeout 3 >"$TMP/out" 2>"$TMP/err"
check_eq "--expect 'vni 7 and inner icmp ...': the echoed Geneve frame: exit 0" 0 "$?"
grep -q '^reply .*vni 7' "$TMP/out" && ok "--expect: the Geneve reply is printed with its VNI" ||
	fail "--expect: the Geneve reply is printed with its VNI" "$(cat "$TMP/out" "$TMP/err")"

# no matching reply: exit 1 after --timeout, not before, not much after
t0=$(date +%s%N)
a craft -i ul1 "ipv4 dst=10.200.0.2 / $PKT" --expect 'vni 99' --timeout 0.5 >"$TMP/out" 2>"$TMP/err"
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
check_eq "--expect with no matching reply: exit 1" 1 "$rc"
[ "$ms" -ge 500 ] && [ "$ms" -lt 2500 ] && ok "--timeout 0.5 waits about half a second (${ms} ms)" ||
	fail "--timeout 0.5 waits about half a second" "${ms} ms"
grep -q "no reply matched 'vni 99' within 0.5 s" "$TMP/err" && ok "--expect: the timeout is reported" ||
	fail "--expect: the timeout is reported" "$(cat "$TMP/err")"
finish
