#!/usr/bin/env bash
# The direct path (genv-route(8), DIRECT PATH), in network namespaces.
#
#   h1 10.200.0.1: VM a1 10.0.1.5 (rts on: asks for the direct path)
#   h2 10.200.0.2: VM c2 10.0.2.7 at first
#   h3 10.200.0.3: bouncer of 10.0.2.0/24 (h1 knows only the network)
#   h4 10.200.0.4: VM c4, the same endpoint after it moved
#
# Checks: the first ping goes via the bouncer, later ones host to host
# (capture on h3: only the first few from h1); the answer on the wire is
# an O-bit Geneve packet with the RTS option naming h2 (tshark and genv
# decode); show cache; the endpoint moves to h4: h2 answers moved/unknown
# (0x83), traffic recovers within a bounded number of packets, the old VM
# sees none of them, and the cache names h4.  Needs root; exits 77 without.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gd$$
TMP=
pids=()

require direct root ip tcpdump tshark ping python3 timeout tun

NSS="ul h1 h2 h3 h4 a1 c2 c4"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-direct.XXXXXX)

netns_underlay direct
ip link add ul4 netns "$P-h4" type veth peer name h4 netns "$P-ul"
nsx ul ip link set h4 master br0 up
nsx h4 ip addr add 10.200.0.4/24 dev ul4
nsx h4 ip link set ul4 up

for h in h1 h2 h3 h4; do
	rt_start "$h" -v || { fail "$h: router up" "$(tail -n 3 "$TMP/$h.log")"; finish; }
done

MAC_A=02:00:00:00:01:a1 MAC_C=02:00:00:00:02:c7
common() {
	echo "add vpc 100 cidr 10.0.0.0/16"
	echo "add net 100 10.0.1.0/24 gw 10.0.1.1"
	echo "add net 100 10.0.2.0/24 gw 10.0.2.1 bouncer 10.200.0.3"
}
{
	echo "set host addr 10.200.0.1 id h1 rts on"
	common
	echo "add port ta1"
	echo "add ep 100 10.0.1.5 mac $MAC_A port ta1"
	# answers and replies come from the endpoint hosts: they are hosts of the VPC here
	echo "set vpc 100 peers 10.200.0.2 10.200.0.4"
} >"$TMP/h1.conf"
{
	echo "set host addr 10.200.0.2 id h2 rts on"
	common
	echo "add port tc2"
	echo "add ep 100 10.0.2.7 mac $MAC_C port tc2"
	echo "add ep 100 10.0.1.5 mac $MAC_A host 10.200.0.1"
} >"$TMP/h2.conf"
{
	echo "set host addr 10.200.0.3 id h3"
	common
	echo "add ep 100 10.0.2.7 mac $MAC_C host 10.200.0.2"
	echo "add ep 100 10.0.1.5 mac $MAC_A host 10.200.0.1"
} >"$TMP/h3.conf"
{
	echo "set host addr 10.200.0.4 id h4 rts on"
	common
	echo "add port tc4"
	echo "add ep 100 10.0.1.5 mac $MAC_A host 10.200.0.1"
} >"$TMP/h4.conf"
for h in h1 h2 h3 h4; do
	out=$(rt "$h" batch "$TMP/$h.conf" 2>&1) && ok "$h: config applied" || fail "$h: config applied" "$out"
done

vm_up h1 a1 ta1 $MAC_A 10.0.1.5 && vm_up h2 c2 tc2 $MAC_C 10.0.2.7 && vm_up h4 c4 tc4 $MAC_C 10.0.2.7 &&
	ok "VMs up" || fail "VMs up"

ip netns exec "$P-h3" timeout 60 tcpdump -i ul3 -U -s 256 -w "$TMP/ul3.pcap" udp port 6081 2>"$TMP/ul3.pcap.err" &
pids+=("$!")
ip netns exec "$P-h1" timeout 60 tcpdump -i ul1 -U -s 256 -w "$TMP/ul1.pcap" udp port 6081 2>"$TMP/ul1.pcap.err" &
pids+=("$!")
cap_wait "$TMP/ul3.pcap.err" "$TMP/ul1.pcap.err"

# ---- learn: the first packets via the bouncer, the rest direct ----
n=$(nsx a1 timeout 20 ping -c 20 -i 0.2 -W 2 10.0.2.7 | grep -c 'bytes from')
[ "$n" -ge 19 ] && ok "a1 -> c2: $n of 20 echo replies" || fail "a1 -> c2: 20 echo replies" "$n"
learned=$(jget h1 stats learned)
[ "$learned" -ge 1 ] && ok "h1 learned the endpoint's host ($learned)" || fail "h1 learned" "$learned"
used=$(jget h1 stats used)
[ "$used" -ge 15 ] && ok "h1 sent $used packets host to host" || fail "h1 sent packets host to host" "$used"
cache=$(rt h1 show cache)
echo "$cache" | grep -q "vpc 100 ep 10.0.2.7 host 10.200.0.2 age [0-9]* hits [1-9]" &&
	ok "show cache: 10.0.2.7 on h2 with hits" || fail "show cache: 10.0.2.7 on h2" "$cache"
# object_pairs_hook: a key twice in one object is an error, not the last one kept
rt h1 -j show cache | python3 -c '
import json, sys
def uniq(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        sys.exit("duplicate key in %r" % keys)
    return dict(pairs)
d = json.load(sys.stdin, object_pairs_hook=uniq)["cache"]
e = d["entries"][0]
sys.exit(not (d["count"] == len(d["entries"]) and e["host"] == "10.200.0.2" and e["hits"] > 0 and "age" in e))' &&
	ok "show cache -j: no duplicate key, count, entry with host, age, hits" || fail "show cache -j"
sleep 1
via=$(tshark -r "$TMP/ul3.pcap" -Y 'ip.src == 10.200.0.1 && geneve' 2>/dev/null | wc -l)
[ "$via" -ge 1 ] && [ "$via" -le 3 ] && ok "bouncer saw only the first $via packet(s) from h1 (tshark)" ||
	fail "bouncer saw only the first packets from h1" "$via"
ans=$(tshark -r "$TMP/ul1.pcap" -Y 'ip.src == 10.200.0.2 && geneve.flags.oam == 1' 2>/dev/null | wc -l)
[ "$ans" -ge 1 ] && ok "h2's answer on the wire: Geneve with the O bit (tshark, $ans)" ||
	fail "h2's answer on the wire with the O bit" "$ans"
dec=$("$GENV" decode -r "$TMP/ul1.pcap" 2>&1 | grep "rts .*host=10.200.0.2 invalidate=0" | head -1)
echo "$dec" | grep -q "10.200.0.2.* > 10.200.0.1.*Geneve vni 100 \[O.*10.0.2.7 > 10.0.1.5" &&
	ok "genv decode: the answer's RTS names h2, inner source the endpoint" ||
	fail "genv decode: the answer's RTS names h2" "$dec"

# ---- the endpoint moves to h4 ----
ip netns exec "$P-c2" timeout 40 tcpdump -i eth0 -U -w "$TMP/c2.pcap" icmp 2>"$TMP/c2.pcap.err" &
pids+=("$!")
cap_wait "$TMP/c2.pcap.err"
out=$(rt h2 del ep 100 10.0.2.7 2>&1 && rt h4 add ep 100 10.0.2.7 mac $MAC_C port tc4 2>&1 &&
      rt h3 del ep 100 10.0.2.7 2>&1 && rt h3 add ep 100 10.0.2.7 mac $MAC_C host 10.200.0.4 2>&1) &&
	ok "endpoint moved h2 -> h4" || fail "endpoint moved h2 -> h4" "$out"
n=$(nsx a1 timeout 20 ping -c 20 -i 0.2 -W 1 10.0.2.7 | grep -c 'bytes from')
[ "$n" -ge 17 ] && ok "after the move: $n of 20 echo replies (recovers within 3 packets)" ||
	fail "after the move: recovers within 3 packets" "$n of 20"
inv=$(jget h1 stats invalidated)
[ "$inv" -ge 1 ] && ok "h1 dropped its entry on moved/unknown ($inv)" || fail "h1 invalidated" "$inv"
rt h1 show cache | grep -q "ep 10.0.2.7 host 10.200.0.4" && ok "show cache: 10.0.2.7 now on h4" ||
	fail "show cache: now on h4" "$(rt h1 show cache)"
sleep 1
wrong=$(tshark -r "$TMP/c2.pcap" -Y 'icmp.type == 8' 2>/dev/null | wc -l)
check_eq "no echo request delivered to the old host's VM" 0 "$wrong"
crit=$(tshark -r "$TMP/ul1.pcap" -Y 'ip.src == 10.200.0.2 && geneve.flags.critical == 1 && geneve.flags.oam == 1' 2>/dev/null | wc -l)
[ "$crit" -ge 1 ] && ok "h2's moved/unknown answer carries the C bit (tshark)" || fail "moved/unknown with C bit" "$crit"
finish
