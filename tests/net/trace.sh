#!/usr/bin/env bash
# genv trace against running routers, in network namespaces.
#
#   h1, h2, h3: three hosts on one underlay bridge (10.200.0.1-3), each
#   running `genv route run`; h3 is the divider of VPC 100 and the bouncer
#   of 10.0.2.0/24.  VMs: a1 10.0.1.5 (h1); c2 10.0.2.7, d2 10.0.3.8 (h2).
#
# Checks: trace path through the bouncer and the divider, and a path that
# a router drops (with its reason); trace drops shows injected bad packets
# (spoofed source, unknown VNI) with their reasons, and writes them to a
# pcap; capture --router shows what the router receives and sends; trace
# packet's verdicts match what happens to the same packets sent for real;
# the online and the offline (-f) trace agree.
# Needs root; exits 77 (skip) without it or without the tools.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gt$$
TMP=
pids=()

require trace root ip ping python3 timeout tun

NSS="ul h1 h2 h3 a1 c2 d2"
cleanup() {
	netns_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-trace-net.XXXXXX)

tr_() { local h=$1; shift; timeout 20 "$GENV" trace -S "$TMP/$h.sock" "$@"; }

netns_underlay trace

MAC_A1=02:00:00:00:01:a1 MAC_C2=02:00:00:00:01:c2 MAC_D2=02:00:00:00:01:d2
common() {
	echo "add vpc 100 name blue cidr 10.0.0.0/16 divider 10.200.0.3"
	echo "add net 100 10.0.1.0/24"
	echo "add net 100 10.0.2.0/24 bouncer 10.200.0.3"
}
{
	echo "set host addr 10.200.0.1 id h1"
	common
	echo "add port ta1"
	echo "add ep 100 10.0.1.5 mac $MAC_A1 port ta1"
	# h1 knows no endpoint of h2, whose replies come straight back: a peer
	echo "set vpc 100 peers 10.200.0.2"
} >"$TMP/h1.conf"
{
	echo "set host addr 10.200.0.2 id h2"
	common
	echo "add port tc2"
	echo "add port td2"
	echo "add ep 100 10.0.2.7 mac $MAC_C2 port tc2"
	echo "add ep 100 10.0.3.8 mac $MAC_D2 port td2"
	echo "add ep 100 10.0.1.5 mac $MAC_A1 host 10.200.0.1"
} >"$TMP/h2.conf"
{
	echo "set host addr 10.200.0.3 id h3"
	common
	echo "add ep 100 10.0.2.7 mac $MAC_C2 host 10.200.0.2"
	echo "add ep 100 10.0.3.8 mac $MAC_D2 host 10.200.0.2"
	echo "add ep 100 10.0.1.5 mac $MAC_A1 host 10.200.0.1"
} >"$TMP/h3.conf"

for h in h1 h2 h3; do
	rt_start "$h" -f "$TMP/$h.conf" && ok "$h: router up" ||
		{ fail "$h: router up" "$(tail -n 3 "$TMP/$h.log")"; finish; }
done

vm_up h1 a1 ta1 $MAC_A1 10.0.1.5 && vm_up h2 c2 tc2 $MAC_C2 10.0.2.7 && vm_up h2 d2 td2 $MAC_D2 10.0.3.8 &&
	ok "TAP ports moved into the VMs" || fail "TAP ports moved into the VMs"
check "ping a1 -> c2 (bouncer path) works" nsx a1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.2.7
check "ping a1 -> d2 (divider path) works" nsx a1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.3.8

# ---- trace path ----
probes=1
if tr_ h1 path --vpc 100 --src 10.0.1.5 --dst 10.0.2.7 -c 1 2>&1 | grep -q 'cannot send probes'; then
	probes=
	skip "trace path" "this router build cannot send probes (loop.c without ul_send)"
fi
# hops HOST DST EXPECTED...: "router role verdict reason" per hop line
hops() {
	[ -n "$probes" ] || return 0
	local h=$1 dst=$2 got want
	shift 2
	got=$(tr_ "$h" path --vpc 100 --src 10.0.1.5 --dst "$dst" -c 2 --interval 50 2>&1 |
		awk '/^ +[0-9]+  /{ print $2, $3, $4, $7 }')
	want=$(printf '%s\n' "$@")
	check_eq "trace path a1 -> $dst" "$want" "$got"
}
hops h1 10.0.2.7 "10.200.0.1 host forward -" "10.200.0.3 bouncer forward -" "10.200.0.2 host deliver -"
hops h1 10.0.3.8 "10.200.0.1 host forward -" "10.200.0.3 divider forward -" "10.200.0.2 host deliver -"
hops h1 10.0.2.99 "10.200.0.1 host forward -" "10.200.0.3 bouncer drop route.none"
if [ -n "$probes" ]; then
	out=$(tr_ h1 path --vpc 100 --src 10.0.1.5 --dst 10.0.2.7 -c 3 --interval 50 2>&1)
	grep -q '^3/3 answered, 0% loss, rtt min/avg/max' <<<"$out" && ok "trace path: 3/3 answered with RTTs" ||
		fail "trace path: 3/3 answered with RTTs" "$out"
	# a UDP listener on the probes' port in c2 hears nothing
	nsx c2 timeout 3 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("0.0.0.0", 33434)); s.settimeout(2)
try:
    s.recv(100); print("got")
except OSError:
    print("none")' >"$TMP/tenant" 2>&1 &
	lis=$!
	sleep 0.5
	tr_ h1 path --vpc 100 --src 10.0.1.5 --dst 10.0.2.7 -c 1 >/dev/null 2>&1
	wait "$lis"
	check_eq "probes never reach the tenant" none "$(tail -n 1 "$TMP/tenant")"
fi

# ---- online and offline agree ----
rt h1 show config >"$TMP/h1.dump"
for pkt in "eth src=$MAC_A1 / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp" \
	"eth src=$MAC_A1 / ipv4 src=10.0.1.5 dst=10.0.3.8 / udp dport=53" \
	"eth src=$MAC_A1 / ipv4 src=10.0.1.99 dst=10.0.2.7 / icmp" \
	"eth src=$MAC_A1 / ipv4 src=10.0.1.5 dst=10.0.1.1 / icmp"; do
	# but the outer source port: the running router knows its sockets' ports
	on=$(tr_ h1 packet --in ta1 "$pkt" 2>&1 | grep -v '^  outer tos' | sed -E 's/ sport=[0-9]+//; s/\.[0-9]+ > 10\.200/.P > 10.200/')
	off=$("$GENV" trace packet -f "$TMP/h1.dump" --in ta1 "$pkt" 2>&1 | grep -v '^  outer tos' |
		sed -E 's/ sport=[0-9]+//; s/\.[0-9]+ > 10\.200/.P > 10.200/')
	check_eq "online = offline: ${pkt#* / }" "$off" "$on"
	[ "$off" = "$on" ] || diff <(echo "$off") <(echo "$on") | sed 's/^/# /'
done

# a super-frame (virtio-net GSO) online, through the router's `trace packet ... gso N`
# (its hex fits the router's 8 KB command line)
sf="eth src=$MAC_A1 / ipv4 src=10.0.1.5 dst=10.0.2.7 / tcp sport=5000 dport=80 flags=A / payload len=3900"
on=$(tr_ h1 packet --in ta1 --gso 1300 "$sf" 2>&1 | grep -E '^(segmentation|segments|verdict|egress):')
off=$("$GENV" trace packet -f "$TMP/h1.dump" --in ta1 --gso 1300 "$sf" 2>&1 | grep -E '^(segmentation|segments|verdict|egress):')
check_eq "online = offline: a super-frame's segmentation" "$off" "$on"
grep -q '^segmentation: TCPv4 super-frame, gso_size 1300 (virtio-net GSO): 3 segments of 1300 payload bytes;' <<<"$on" &&
	ok "trace packet --gso online: 3 segments" || fail "trace packet --gso online: 3 segments" "$on"

# ---- the outer source port trace packet prints is the one on the wire ----
for sp in 40001 40002 40003; do
	pkt="eth src=$MAC_A1 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.5 dst=10.0.2.7 / udp sport=$sp dport=7777"
	want=$(tr_ h1 -j packet --in ta1 "$pkt" | python3 -c 'import json,sys; e=json.load(sys.stdin)["egress"]; print(e["sport"], e["flow_sport"])')
	nsx h1 timeout 5 tcpdump -i ul1 -nn -c 1 "udp dst port 6081 and dst host 10.200.0.3" >"$TMP/sp.td" 2>/dev/null &
	td=$!
	sleep 1
	nsx a1 "$GENV" craft -i eth0 -q "$pkt" 2>/dev/null
	wait "$td"
	got=$(sed -nE 's/.* 10\.200\.0\.1\.([0-9]+) > 10\.200\.0\.3\.6081:.*/\1/p' "$TMP/sp.td" | head -n 1)
	check_eq "trace packet's egress sport is the captured outer source port (inner sport $sp; flow port ${want#* })" \
		"${want% *}" "$got"
done
offs=$("$GENV" trace -j packet -f "$TMP/h1.dump" --in ta1 "eth src=$MAC_A1 / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp" |
	python3 -c 'import json,sys; e=json.load(sys.stdin)["egress"]; print(e["sport"], e["flow_sport"] > 0)')
check_eq "offline: no socket, egress.sport null, the flow port given" "None True" "$offs"

# ---- drops: injected bad packets, and trace packet agrees ----
before=$(tr_ h1 drops --once 2>/dev/null | wc -l)
spoof="eth src=$MAC_A1 dst=02:67:76:00:00:01 / ipv4 src=10.0.1.99 dst=10.0.2.7 / icmp"
nsx a1 "$GENV" craft -i eth0 -c 2 "$spoof" 2>/dev/null
mac_h1=$(nsx h1 cat /sys/class/net/ul1/address)
vni="eth dst=$mac_h1 / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=999 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp"
nsx h2 "$GENV" craft -i ul2 "$vni" 2>/dev/null
sleep 0.5
tr_ h1 drops --once -w "$TMP/drops.pcap" >"$TMP/drops.txt" 2>&1
tail -n +$((before + 1)) "$TMP/drops.txt" >"$TMP/new.txt"
grep -q ' spoof.ip port ta1 vpc 100: 10.0.1.99 > 10.0.2.7 ICMP' "$TMP/new.txt" && ok "trace drops: the spoofed packets, spoof.ip on ta1" ||
	fail "trace drops: the spoofed packets, spoof.ip on ta1" "$(cat "$TMP/drops.txt")"
grep -q ' vni.unknown underlay 10.200.0.2 vpc 999: ' "$TMP/new.txt" && ok "trace drops: the unknown VNI, from h2" ||
	fail "trace drops: the unknown VNI, from h2" "$(cat "$TMP/drops.txt")"
check_eq "trace drops --reason vni.unknown" 1 "$(tr_ h1 drops --once --reason vni.unknown | wc -l)"
n=$("$GENV" decode -r "$TMP/drops.pcap" 'vni 999' 2>/dev/null | wc -l)
check_eq "trace drops -w: the VNI 999 packet in the pcap" 1 "$n"
check_eq "trace packet says spoof.ip for the spoofed packet" "reason: spoof.ip" \
	"$(tr_ h1 packet --in ta1 "$spoof" | tail -n 1 | cut -d' ' -f1-2)"
check_eq "trace packet says vni.unknown for the VNI 999 packet" "reason: vni.unknown" \
	"$(tr_ h1 packet --in underlay "$vni" | tail -n 1 | cut -d' ' -f1-2)"
check_eq "trace packet says forward to the bouncer for a1 -> c2" "egress: underlay 10.200.0.3" \
	"$(tr_ h1 packet --in ta1 "eth src=$MAC_A1 / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp" | tail -n 2 | head -n 1)"
# ---- capture --router: the router's own packets ----
tr_ h1 capture --router -c 4 --endpoint 10.0.2.7 >"$TMP/mirror.txt" 2>&1 &
m=$!
sleep 0.5
nsx a1 ping -c 2 -i 0.2 -W 2 10.0.2.7 >/dev/null 2>&1
wait "$m"
grep -q ' rx port ta1 vpc 100: 10.0.1.5 > 10.0.2.7 ICMP echo request' "$TMP/mirror.txt" &&
	grep -q ' tx underlay 10.200.0.3 vpc 100: 10.200.0.1.6081 > 10.200.0.3.6081: Geneve vni 100' "$TMP/mirror.txt" &&
	ok "capture --router: the ping in from ta1 and out to the bouncer" ||
	fail "capture --router: the ping in from ta1 and out to the bouncer" "$(cat "$TMP/mirror.txt")"

json=$(tr_ h1 -j drops --once --reason spoof.ip | tail -n 1)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert d["schema"]==1 and d["reason"]=="spoof.ip" and d["port"]=="ta1"' "$json" 2>/dev/null &&
	ok "trace drops -j" || fail "trace drops -j" "$json"

# ---- a dead router in the middle: the hops up to it and the break ----
if [ -n "$probes" ]; then
	kill "$pid_h3" 2>/dev/null
	wait "$pid_h3" 2>/dev/null
	out=$(tr_ h1 path --vpc 100 --src 10.0.1.5 --dst 10.0.2.7 -c 3 --interval 50 2>&1)
	check_eq "dead bouncer: trace path shows hop 1" "10.200.0.1 host forward -" \
		"$(awk '/^ +[0-9]+  /{ print $2, $3, $4, $7 }' <<<"$out")"
	check_eq "dead bouncer: trace path names the break" \
		"no answer after hop 1 (10.200.0.1): next hop 10.200.0.3 did not answer" "$(grep '^no answer' <<<"$out")"
	check_exit "dead bouncer: trace path --strict exits 1" 1 tr_ h1 path --vpc 100 --src 10.0.1.5 --dst 10.0.2.7 -c 1 --strict
	# probes go out at --interval, answers are collected as they come:
	# 50 probes every 10 ms and one second for the last is ~1.5 s, where
	# one second per lost probe in turn would be 50 s
	t0=$(date +%s%N)
	tr_ h1 -j path --vpc 100 --src 10.0.1.5 --dst 10.0.2.7 -c 50 --interval 10 >"$TMP/dead.json" 2>&1
	ms=$((($(date +%s%N) - t0) / 1000000))
	[ "$ms" -lt 15000 ] && ok "dead bouncer: -c 50 --interval 10 took ${ms} ms (< 15 s, not 50 s)" ||
		fail "dead bouncer: -c 50 --interval 10 took ${ms} ms" "$(head -c 300 "$TMP/dead.json")"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["sent"] == 50 and d["answered"] == 0, d
assert [(h["router"], h["verdict"], h["seen"]) for h in d["hops"]] == [("10.200.0.1", "forward", 50)], d["hops"]
assert d["break"] == {"after_hop": 1, "router": "10.200.0.1", "next_hop": "10.200.0.3", "probes": 50}, d["break"]' \
		"$TMP/dead.json" 2>"$TMP/dead.err" && ok "dead bouncer: trace path -j has the hop and the break" ||
		fail "dead bouncer: trace path -j has the hop and the break" "$(cat "$TMP/dead.err" "$TMP/dead.json" | head -c 600)"
fi

finish
