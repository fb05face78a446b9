#!/usr/bin/env bash
# genv route end to end, in network namespaces.
#
#   h1, h2, h3: three hosts on one underlay bridge (10.200.0.1-3), each
#   running `genv route run`; h3 is bouncer and divider for VPC 100.
#   VMs: namespaces holding the router's TAP devices (moved in).
#
#   VPC 100 "blue" 10.0.0.0/16 + fd00:100::/64    VPC 200 "red" 10.0.0.0/16
#     a1 10.0.1.5 fd00:100::5 (h1)                  b1 10.0.1.5 (h1)
#     a2 10.0.1.6 fd00:100::6 (h2)                  b2 10.0.1.6 (h2)
#     c2 10.0.2.7 (h2; h1 knows only its net -> bouncer h3)
#     d2 10.0.3.8 (h2; h1 knows nothing -> divider h3)
#   x9: 10.200.0.9 on the underlay bridge, no host of any VPC (an intruder)
#
# Checks: ping and iperf3 TCP over IPv4 and IPv6, bouncer and divider
# paths (on the wire), ARP/ND answered locally, the two VPCs isolated
# (captures inside the VMs), unknown VNI dropped and counted, Geneve from
# an address that is no configured host dropped (underlay.unknown_peer),
# anti-spoofing, MTU with ICMP too-big, restart from the state file, bad
# commands rejected with no state change, underlay checked with tshark.
# Needs root; exits 77 (skip) without it or without the tools.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gr$$
TMP=
pids=()
pid_h2=

require route root ip tcpdump tshark ping python3 timeout tun

NSS="ul h1 h2 h3 a1 a2 b1 b2 c2 d2 h4 h5 e4 e5 x9"
cleanup() {
	[ -n "${ROUTE_TIMING:-}" ] && echo "# cleanup at $SECONDS s"
	netns_cleanup
}
trap cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-route.XXXXXX)


# ---- the underlay and the hosts ----
netns_underlay route

start_router() { rt_start "$1" -v --state "$TMP/$1.state"; }	# HOST
for h in h1 h2 h3; do
	start_router "$h" && ok "$h: genv route run answers on its socket" ||
		{ fail "$h: genv route run answers on its socket" "$(tail -n 3 "$TMP/$h.log")"; finish; }
done
mode=$(stat -c %a "$TMP/h1.sock")
check_eq "control socket mode is 0600" 600 "$mode"

# ---- configuration ----
MAC_A1=02:00:00:00:01:a1 MAC_A2=02:00:00:00:01:a2
MAC_B1=02:00:00:00:02:b1 MAC_B2=02:00:00:00:02:b2
MAC_C2=02:00:00:00:01:c2 MAC_D2=02:00:00:00:01:d2
common() {	# the VPCs, the same on every host
	cat <<-EOF
		# VPC 100: h3 (10.200.0.3) is its divider, and bouncer of 10.0.2.0/24
		add vpc 100 name blue cidr 10.0.0.0/16 cidr fd00:100::/64 divider 10.200.0.3
		add net 100 10.0.1.0/24 gw 10.0.1.1
		add net 100 fd00:100::/64 gw fd00:100::1
		add net 100 10.0.2.0/24 gw 10.0.2.1 bouncer 10.200.0.3
		add vpc 200 name red cidr 10.0.0.0/16
		add net 200 10.0.1.0/24 gw 10.0.1.1
	EOF
}
{
	echo "set host addr 10.200.0.1 id h1"
	common
	echo "add port ta1"
	echo "add port tb1"
	echo "add ep 100 10.0.1.5 mac $MAC_A1 port ta1"
	echo "add ep 100 fd00:100::5 mac $MAC_A1 port ta1"
	echo "add ep 200 10.0.1.5 mac $MAC_B1 port tb1"
	echo "add ep 100 10.0.1.6 mac $MAC_A2 host 10.200.0.2"
	echo "add ep 100 fd00:100::6 mac $MAC_A2 host 10.200.0.2"
	echo "add ep 200 10.0.1.6 mac $MAC_B2 host 10.200.0.2"
	# c2 and d2 are unknown here (bouncer, divider), but their replies
	# come straight from h2: h2 is a peer of VPC 100 (genv-route(8) TRUST MODEL)
	echo "set vpc 100 peers 10.200.0.2"
} >"$TMP/h1.conf"
{
	echo "set host addr 10.200.0.2 id h2"
	common
	for p in ta2 tb2 tc2 td2; do echo "add port $p"; done
	echo "add ep 100 10.0.1.6 mac $MAC_A2 port ta2"
	echo "add ep 100 fd00:100::6 mac $MAC_A2 port ta2"
	echo "add ep 200 10.0.1.6 mac $MAC_B2 port tb2"
	echo "add ep 100 10.0.2.7 mac $MAC_C2 port tc2"
	echo "add ep 100 10.0.3.8 mac $MAC_D2 port td2"
	echo "add ep 100 10.0.1.5 mac $MAC_A1 host 10.200.0.1"
	echo "add ep 100 fd00:100::5 mac $MAC_A1 host 10.200.0.1"
	echo "add ep 200 10.0.1.5 mac $MAC_B1 host 10.200.0.1"
} >"$TMP/h2.conf"
{
	echo "set host addr 10.200.0.3 id h3"
	common
	echo "add ep 100 10.0.2.7 mac $MAC_C2 host 10.200.0.2"
	echo "add ep 100 10.0.3.8 mac $MAC_D2 host 10.200.0.2"
	echo "add ep 100 10.0.1.5 mac $MAC_A1 host 10.200.0.1"
} >"$TMP/h3.conf"
for h in h1 h2 h3; do
	out=$(rt "$h" batch "$TMP/$h.conf" 2>&1) && ok "$h: route batch applies its config" ||
		fail "$h: route batch applies its config" "$out"
done

vms_up() {
	local r=0
	case $1 in
	h1)	vm_up h1 a1 ta1 $MAC_A1 10.0.1.5 fd00:100::5 || r=1
		vm_up h1 b1 tb1 $MAC_B1 10.0.1.5 || r=1 ;;
	h2)	vm_up h2 a2 ta2 $MAC_A2 10.0.1.6 fd00:100::6 || r=1
		vm_up h2 b2 tb2 $MAC_B2 10.0.1.6 || r=1
		vm_up h2 c2 tc2 $MAC_C2 10.0.2.7 || r=1
		vm_up h2 d2 td2 $MAC_D2 10.0.3.8 || r=1 ;;
	esac
	return $r
}
vms_up h1 && vms_up h2 && ok "TAP ports moved into the VMs" || fail "TAP ports moved into the VMs"

# TAPs are opened with IFF_VNET_HDR and TUNSETOFFLOAD: the VM may hand
# over partial checksums and super-frames (the router completes and cuts them)
if command -v ethtool >/dev/null; then
	off=$(nsx a1 ethtool -k eth0 2>/dev/null | sed -n 's/^tx-checksumming: \([a-z]*\).*/\1/p')
	check_eq "VM TAP: tx checksum offload on with IFF_VNET_HDR" on "$off"
fi

# ---- capture the underlay on h2 and h3 during the traffic checks ----
ip netns exec "$P-h2" timeout 40 tcpdump -i ul2 -U -s 256 -w "$TMP/ul2.pcap" udp port 6081 2>"$TMP/ul2.pcap.err" &
cap2=$!; pids+=("$cap2")
ip netns exec "$P-h3" timeout 40 tcpdump -i ul3 -U -s 256 -w "$TMP/ul3.pcap" udp port 6081 2>"$TMP/ul3.pcap.err" &
cap3=$!; pids+=("$cap3")
ip netns exec "$P-a2" timeout 40 tcpdump -i eth0 -U -w "$TMP/a2.pcap" icmp 2>"$TMP/a2.pcap.err" &
capa2=$!; pids+=("$capa2")
ip netns exec "$P-b2" timeout 40 tcpdump -i eth0 -U -w "$TMP/b2.pcap" icmp 2>"$TMP/b2.pcap.err" &
capb2=$!; pids+=("$capb2")
cap_wait "$TMP/ul2.pcap.err" "$TMP/ul3.pcap.err" "$TMP/a2.pcap.err" "$TMP/b2.pcap.err"

# ---- reachability ----
nsx a1 ip neigh flush dev eth0 2>/dev/null
check "IPv4 ping a1 -> a2 (VPC 100, across hosts)" nsx a1 timeout 10 ping -c 3 -i 0.2 -W 2 -p a1a1 10.0.1.6
check "IPv4 ping b1 -> b2 (VPC 200, the same addresses)" nsx b1 timeout 10 ping -c 3 -i 0.2 -W 2 -p b1b1 10.0.1.6
check "IPv6 ping a1 -> a2" nsx a1 timeout 10 ping -6 -c 3 -i 0.2 -W 2 fd00:100::6
check "IPv4 ping a2 -> a1 (reverse)" nsx a2 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.5

# ARP and ND answered by the local router with the endpoint's MAC
lla=$(nsx a1 ip neigh show 10.0.1.6 dev eth0 | awk '{for (i=1;i<NF;i++) if ($i=="lladdr") print $(i+1)}')
check_eq "ARP for a remote endpoint answered with its MAC" "$MAC_A2" "$lla"
lla=$(nsx a1 ip -6 neigh show fd00:100::6 dev eth0 | awk '{for (i=1;i<NF;i++) if ($i=="lladdr") print $(i+1)}')
check_eq "ND for a remote endpoint answered with its MAC" "$MAC_A2" "$lla"

# ---- bouncer and divider paths ----
check "IPv4 ping a1 -> c2 via the bouncer h3" nsx a1 timeout 10 ping -c 3 -i 0.2 -W 2 10.0.2.7
check "IPv4 ping a1 -> d2 via the divider h3" nsx a1 timeout 10 ping -c 3 -i 0.2 -W 2 10.0.3.8
# the flow table says which path each flow took, and through whom
flowpath() {	# HOST DST: "path host" of the flow to DST in VPC 100
	rt "$1" -j show flows 100 | /usr/bin/python3 -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        if o.get("dst") == sys.argv[1] and "path" in o:
            print(o["path"], o.get("host")); sys.exit(0)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin)); print("none")' "$2"
}
check_eq "flows: h1 sent a1 -> c2 to the bouncer" "bouncer 10.200.0.3" "$(flowpath h1 10.0.2.7)"
check_eq "flows: h1 sent a1 -> d2 to the divider" "divider 10.200.0.3" "$(flowpath h1 10.0.3.8)"
check_eq "flows: h3 relayed a1 -> c2 onward to c2's host" "forward 10.200.0.2" "$(flowpath h3 10.0.2.7)"
gw=$(nsx a1 ip neigh show 10.0.1.1 dev eth0 | awk '{for (i=1;i<NF;i++) if ($i=="lladdr") print $(i+1)}')
[ -n "$gw" ] && ok "ARP for the gateway 10.0.1.1 answered ($gw)" || fail "ARP for the gateway 10.0.1.1 answered"

# ---- isolation: overlapping CIDRs ----
sleep 1
kill "$capa2" "$capb2" 2>/dev/null
wait "$capa2" "$capb2" 2>/dev/null
# payloads (ping -p) tell the two tenants apart inside each VM
a2_from_a1=$(tshark -r "$TMP/a2.pcap" -Y 'icmp.type == 8' -T fields -e data 2>/dev/null | grep -c a1a1)
a2_from_b1=$(tshark -r "$TMP/a2.pcap" -Y 'icmp.type == 8' -T fields -e data 2>/dev/null | grep -c b1b1)
b2_from_b1=$(tshark -r "$TMP/b2.pcap" -Y 'icmp.type == 8' -T fields -e data 2>/dev/null | grep -c b1b1)
b2_from_a1=$(tshark -r "$TMP/b2.pcap" -Y 'icmp.type == 8' -T fields -e data 2>/dev/null | grep -c a1a1)
[ "$a2_from_a1" -ge 3 ] && [ "$a2_from_b1" -eq 0 ] &&
	ok "VPC isolation: a2 captured VPC 100's pings only ($a2_from_a1, 0)" ||
	fail "VPC isolation: a2 captured VPC 100's pings only" "a1a1=$a2_from_a1 b1b1=$a2_from_b1"
[ "$b2_from_b1" -ge 3 ] && [ "$b2_from_a1" -eq 0 ] &&
	ok "VPC isolation: b2 captured VPC 200's pings only ($b2_from_b1, 0)" ||
	fail "VPC isolation: b2 captured VPC 200's pings only" "b1b1=$b2_from_b1 a1a1=$b2_from_a1"
check "VPC 200 cannot reach VPC 100's only address 10.0.2.7" \
	bash -c "! ip netns exec $P-b1 timeout 5 ping -c 2 -i 0.2 -W 1 10.0.2.7"

# ---- unknown VNI ----
before=$(jget h2 drops vni.unknown)
mac_h2=$(nsx h2 cat /sys/class/net/ul2/address)
mac_h1=$(nsx h1 cat /sys/class/net/ul1/address)
nsx h1 timeout 10 "$GENV" craft -i ul1 -c 3 \
	"eth src=$mac_h1 dst=$mac_h2 / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=999 / eth / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp" \
	>/dev/null 2>"$TMP/craft.err" || fail "genv craft sends to the underlay" "$(head -n 2 "$TMP/craft.err")"
sleep 0.5
after=$(jget h2 drops vni.unknown)
check_eq "unknown VNI 999: dropped and counted (vni.unknown +3)" 3 "$((after - before))"

# ---- trust: Geneve only from the VPC's hosts ----
# x9 joins the underlay with an address no VPC names and sends a valid
# Geneve echo request "from a2" to a1; the same packet from h2 (a2's host)
# is the control: a1 must see exactly those 3
ip link add ul9 netns "$P-x9" type veth peer name x9 netns "$P-ul"
nsx ul ip link set x9 master br0 up
nsx x9 ip addr add 10.200.0.9/24 dev ul9
nsx x9 ip link set ul9 up
mac_x9=$(nsx x9 cat /sys/class/net/ul9/address)
ip netns exec "$P-a1" timeout 10 tcpdump -i eth0 -U -w "$TMP/a1.pcap" 'icmp and (icmp[4:2] == 4242 or icmp[4:2] == 4343)' 2>"$TMP/a1.pcap.err" &
capa1=$!; pids+=("$capa1")
cap_wait "$TMP/a1.pcap.err"
inject() {	# NS IFACE MAC ADDR [INNER-SRC ID]: 3 echo requests (a2 -> a1, id 4242) from underlay ADDR
	# crafted by scapy, not genv: the oracle builds the intruder's packet
	nsx "$1" timeout 10 /usr/bin/python3 -c '
import sys
from scapy.all import Ether, IP, UDP, ICMP, sendp
from scapy.contrib.geneve import GENEVE
ifc, mac, src, dmac, a2, a1, isrc, icmp_id = sys.argv[1:9]
p = (Ether(src=mac, dst=dmac) / IP(src=src, dst="10.200.0.1") / UDP(sport=40000, dport=6081) /
     GENEVE(vni=100, proto=0x6558, optionlen=0) / Ether(src=a2, dst=a1) /
     IP(src=isrc, dst="10.0.1.5") / ICMP(type=8, id=int(icmp_id)))
sendp(p, iface=ifc, count=3, verbose=False)' "$2" "$3" "$4" "$mac_h1" "$MAC_A2" "$MAC_A1" "${5:-10.0.1.6}" "${6:-4242}" \
		>/dev/null 2>"$TMP/craft.err" || fail "scapy sends from $4" "$(tail -n 2 "$TMP/craft.err")"
}
before=$(jget h1 drops underlay.unknown_peer)
inject x9 ul9 "$mac_x9" 10.200.0.9
sleep 0.5
after=$(jget h1 drops underlay.unknown_peer)
check_eq "Geneve from 10.200.0.9, no host of VPC 100: dropped and counted (underlay.unknown_peer +3)" 3 "$((after - before))"
inject h2 ul2 "$mac_h2" 10.200.0.2
# h2 is a peer of VPC 100 here, yet 10.0.1.5 is an endpoint of this host:
# no other host may send as it
before=$(jget h1 drops spoof.remote)
inject h2 ul2 "$mac_h2" 10.200.0.2 10.0.1.5 4343
sleep 1
after=$(jget h1 drops spoof.remote)
check_eq "Geneve from h2 with inner source a1 (an endpoint of h1): dropped and counted (spoof.remote +3)" 3 "$((after - before))"
kill "$capa1" 2>/dev/null
wait "$capa1" 2>/dev/null
n=$(tshark -r "$TMP/a1.pcap" -Y 'icmp.type == 8 && icmp.ident == 4242' 2>/dev/null | wc -l)
check_eq "a1 got the 3 echo requests from h2, none of x9's" 3 "$n"
n=$(tshark -r "$TMP/a1.pcap" -Y 'icmp.type == 8 && icmp.ident == 4343' 2>/dev/null | wc -l)
check_eq "a1 got none of the requests posing as itself" 0 "$n"

# ---- a datagram over the receive buffer (9216 bytes): counted, not lost ----
before=$(jget h2 drops frame.oversize)
nsx h1 timeout 10 /usr/bin/python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)	# IP_MTU_DISCOVER = IP_PMTUDISC_DONT: fragment
for _ in range(2):
    s.sendto(b"\x00\x00\x65\x58\x00\x00\x64\x00" + bytes(10000), ("10.200.0.2", 6081))' ||
	fail "send an oversize datagram" ""
sleep 0.5
after=$(jget h2 drops frame.oversize)
check_eq "10,008-byte underlay datagrams: dropped and counted (frame.oversize +2)" 2 "$((after - before))"

# ---- anti-spoofing ----
before=$(jget h1 drops spoof.ip)
nsx a1 ip addr add 10.0.1.99/24 dev eth0
check "spoofed source IP gets no answer" bash -c "! ip netns exec $P-a1 timeout 5 ping -c 2 -i 0.2 -W 1 -I 10.0.1.99 10.0.1.6"
nsx a1 ip addr del 10.0.1.99/24 dev eth0
after=$(jget h1 drops spoof.ip)
[ "$((after - before))" -ge 2 ] && ok "spoofed source IP dropped and counted (spoof.ip +$((after - before)))" ||
	fail "spoofed source IP dropped and counted" "spoof.ip $before -> $after"
before=$(jget h1 drops spoof.mac)
nsx a1 timeout 10 "$GENV" craft -i eth0 -c 2 \
	"eth src=02:66:66:66:66:66 dst=$MAC_A2 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp" >/dev/null 2>&1
sleep 0.3
after=$(jget h1 drops spoof.mac)
check_eq "spoofed source MAC dropped and counted (spoof.mac +2)" 2 "$((after - before))"

# ---- MTU and ICMP too-big ----
nsx a1 ip link set eth0 mtu 1500
out=$(nsx a1 timeout 10 ping -M "do" -s 1472 -c 2 -i 0.3 -W 1 10.0.1.6 2>&1)
if grep -qiE 'frag needed|message too long|mtu ?= ?[0-9]+' <<<"$out"; then
	ok "oversize IPv4 with DF answered with ICMP fragmentation-needed ($(grep -oiE 'mtu ?= ?[0-9]+' <<<"$out" | head -n 1))"
else
	fail "oversize IPv4 with DF answered with ICMP fragmentation-needed" "$(tr '\n' '|' <<<"$out" | head -c 300)"
fi
out=$(nsx a1 timeout 10 ping -6 -M "do" -s 1452 -c 2 -i 0.3 -W 1 fd00:100::6 2>&1)
if grep -qiE 'packet too big|message too long|mtu ?= ?[0-9]+' <<<"$out"; then
	ok "oversize IPv6 answered with ICMPv6 packet-too-big"
else
	fail "oversize IPv6 answered with ICMPv6 packet-too-big" "$(tr '\n' '|' <<<"$out" | head -c 300)"
fi
check "after too-big, path MTU discovery lets pings through" nsx a1 timeout 10 ping -c 2 -i 0.3 -W 2 -s 1300 10.0.1.6
nsx a1 ip link set eth0 mtu 1400

# ---- reload as one diff: a1 -> a2 pings at 10 ms lose nothing across it ----
{
	grep -v '^add ep 200 10.0.1.6 ' "$TMP/h1.conf"
	echo "add ep 200 10.0.1.6 mac $MAC_B2 host 10.200.0.3"	# b2 moved (changed)
	echo "add ep 200 10.0.1.9 mac 02:00:00:00:02:09 host 10.200.0.2"	# added
} >"$TMP/h1b.conf"
nsx a1 timeout 10 ping -c 200 -i 0.01 -W 1 -q 10.0.1.6 >"$TMP/reload-ping" 2>&1 &
rping=$!
sleep 0.5
out=$(rt h1 reload "$TMP/h1b.conf" 2>&1)
check_eq "h1: reload of a file with one endpoint changed, one added" \
	"reload: 1 added, 1 changed, 0 removed, 14 unchanged" "$out"
wait "$rping"
grep -q ' 0% packet loss' "$TMP/reload-ping" && ok "reload: 200 pings a1 -> a2 at 10 ms across it, none lost" ||
	fail "reload: 200 pings a1 -> a2 at 10 ms across it, none lost" "$(grep -E 'loss|rtt' "$TMP/reload-ping")"
out=$(rt h1 reload "$TMP/h1.conf" 2>&1)
check_eq "h1: reload back to its first file" "reload: 0 added, 1 changed, 1 removed, 14 unchanged" "$out"

# ---- the underlay on the wire, through tshark ----
sleep 0.5
kill "$cap2" "$cap3" 2>/dev/null
wait "$cap2" "$cap3" 2>/dev/null
fields() {	# PCAP FILTER: one line per packet: outer-src outer-dst vni inner-src inner-dst
	tshark -r "$1" -Y "$2" -T fields -E separator=' ' -e ip.src -e ip.dst -e geneve.vni 2>/dev/null |
		awk 'function num(x,  i, v) {	# tshark prints the VNI in hex
			if (x !~ /^0x/) return x + 0
			v = 0
			for (i = 3; i <= length(x); i++)
				v = v * 16 + index("0123456789abcdef", tolower(substr(x, i, 1))) - 1
			return v
		}
		{ split($1, s, ","); split($2, d, ","); print s[1], d[1], num($3), s[2], d[2] }'
}
n=$(fields "$TMP/ul2.pcap" 'geneve && icmp.type == 8' | grep -c '^10.200.0.1 10.200.0.2 100 10.0.1.5 10.0.1.6$')
[ "$n" -ge 3 ] && ok "tshark: VPC 100 echo requests h1 -> h2 on VNI 100 ($n)" ||
	fail "tshark: VPC 100 echo requests h1 -> h2 on VNI 100" "$n packets"
n=$(fields "$TMP/ul2.pcap" 'geneve && icmp.type == 8' | grep -c '^10.200.0.1 10.200.0.2 200 10.0.1.5 10.0.1.6$')
[ "$n" -ge 3 ] && ok "tshark: VPC 200 echo requests h1 -> h2 on VNI 200 ($n)" ||
	fail "tshark: VPC 200 echo requests h1 -> h2 on VNI 200" "$n packets"
n=$(tshark -r "$TMP/ul2.pcap" -Y 'geneve && geneve.version != 0' 2>/dev/null | wc -l)
m=$(tshark -r "$TMP/ul2.pcap" -Y 'geneve && ipv6 && icmpv6.type == 128' 2>/dev/null | wc -l)
[ "$n" -eq 0 ] && [ "$m" -ge 3 ] && ok "tshark: Geneve version 0, IPv6 overlay carried ($m echo requests)" ||
	fail "tshark: Geneve version 0, IPv6 overlay carried" "bad version $n, v6 echo $m"
# source ports: one per flow, several across flows (flow-hash lanes)
tshark -r "$TMP/ul2.pcap" -Y 'ip.src == 10.200.0.1 && geneve && icmp.type == 8' -T fields \
	-E separator=' ' -e udp.srcport -e geneve.vni -e ip.dst -e icmp.ident 2>/dev/null |
	awk '{ print $1, $2, $3, $4 }' | sort -u >"$TMP/sports"
flows=$(awk '{ print $2, $3, $4 }' "$TMP/sports" | sort -u | wc -l)
per=$(wc -l <"$TMP/sports")
ports=$(awk '{ print $1 }' "$TMP/sports" | sort -u | wc -l)
[ "$flows" -eq "$per" ] && [ "$ports" -ge 2 ] &&
	ok "tshark: each flow keeps one UDP source port; $flows flows use $ports ports" ||
	fail "tshark: each flow keeps one UDP source port, flows spread over ports" "flows $flows, flow/port pairs $per, ports $ports"
n=$(tshark -r "$TMP/ul2.pcap" -Y 'geneve && arp' 2>/dev/null | wc -l)
check_eq "tshark: no ARP crosses the underlay (answered locally)" 0 "$n"
n=$(fields "$TMP/ul3.pcap" 'geneve && icmp.type == 8 && ip.dst == 10.0.2.7' | grep -c '^10.200.0.1 10.200.0.3 100 ')
m=$(fields "$TMP/ul3.pcap" 'geneve && icmp.type == 8 && ip.dst == 10.0.2.7' | grep -c '^10.200.0.3 10.200.0.2 100 ')
[ "$n" -ge 3 ] && [ "$m" -ge 3 ] && ok "tshark: bouncer path h1 -> h3 -> h2 ($n in, $m out)" ||
	fail "tshark: bouncer path h1 -> h3 -> h2" "in $n out $m"
n=$(fields "$TMP/ul3.pcap" 'geneve && icmp.type == 8 && ip.dst == 10.0.3.8' | grep -c '^10.200.0.1 10.200.0.3 100 ')
m=$(fields "$TMP/ul3.pcap" 'geneve && icmp.type == 8 && ip.dst == 10.0.3.8' | grep -c '^10.200.0.3 10.200.0.2 100 ')
[ "$n" -ge 3 ] && [ "$m" -ge 3 ] && ok "tshark: divider path h1 -> h3 -> h2 ($n in, $m out)" ||
	fail "tshark: divider path h1 -> h3 -> h2" "in $n out $m"
n=$(fields "$TMP/ul2.pcap" 'geneve && icmp.type == 0 && ip.dst == 10.0.1.5' | grep -c '^10.200.0.2 10.200.0.1 100 10.0.2.7 ')
[ "$n" -ge 3 ] && ok "tshark: replies from c2 go straight back to h1 ($n)" ||
	fail "tshark: replies from c2 go straight back to h1" "$n"

# ---- TCP (after the captures: they stay small) ----
iperf_run() {	# NAME SERVER-VM CLIENT-VM ADDR
	local name=$1 srv=$2 cli=$3 addr=$4 bps
	if ! command -v iperf3 >/dev/null 2>&1; then
		skip "$name" "iperf3 not installed (make deps)"
		return
	fi
	ip netns exec "$P-$srv" timeout 20 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	pids+=("$!")
	sleep 0.5
	nsx "$cli" timeout 15 iperf3 -c "$addr" -p 5201 -t 2 -J >"$TMP/iperf.json" 2>&1
	bps=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(int(d["end"]["sum_received"]["bits_per_second"]))' "$TMP/iperf.json" 2>/dev/null)
	if [ -n "$bps" ] && [ "$bps" -gt 1000000 ]; then
		ok "$name ($((bps / 1000000)) Mbit/s)"
	else
		fail "$name" "$(head -c 300 "$TMP/iperf.json")"
	fi
}
iperf_run "iperf3 TCP over IPv4 a1 -> a2" a2 a1 10.0.1.6
iperf_run "iperf3 TCP over IPv6 a1 -> a2" a2 a1 fd00:100::6

# ---- bad commands: rejected, nothing changes ----
rt h1 show config >"$TMP/before.conf"
rt h1 -j show ep >"$TMP/before.json"
bad=(
	"add vpc 100 cidr 10.9.0.0/16"
	"add vpc 16777216 cidr 10.9.0.0/16"
	"add vpc 300 cidr 10.9.0.1/16"
	"add ep 100 10.0.1.77 mac 02:00:zz:00:00:01 port ta1"
	"add ep 100 10.0.1.77 mac 02:00:00:00:00:77 port nosuchport"
	"add ep 100 10.0.1.77 mac 02:00:00:00:00:77"
	"add ep 100 10.0.1.5 mac 02:00:00:00:00:77 host 10.200.0.2"
	"add ep 555 10.0.1.77 mac 02:00:00:00:00:77 host 10.200.0.2"
	"add ep 100 192.168.1.1 mac 02:00:00:00:00:77 host 10.200.0.2"
	"add net 100 10.0.1.0/24"
	"add port this-name-is-far-too-long"
	"del vpc 100"
	"del ep 100 10.0.9.9"
	"set host addr 10.200.0.300"
	"frobnicate"
)
nbad=0
for c in "${bad[@]}"; do
	# shellcheck disable=SC2086  # words of the command language
	if rt h1 $c >/dev/null 2>"$TMP/bad.err"; then
		fail "bad command rejected: $c"
	else
		nbad=$((nbad + 1))
	fi
done
check_eq "all ${#bad[@]} bad commands rejected" "${#bad[@]}" "$nbad"
rt h1 show config >"$TMP/after.conf"
rt h1 -j show ep >"$TMP/after.json"
check "rejected commands left the config unchanged" cmp -s "$TMP/before.conf" "$TMP/after.conf"
check "rejected commands left the endpoints unchanged (show -j ep)" cmp -s "$TMP/before.json" "$TMP/after.json"
printf 'add vpc 700 cidr 10.7.0.0/16\nadd ep 700 10.7.0.1 mac nonsense host 10.200.0.2\n' >"$TMP/bad.batch"
out=$(rt h1 batch "$TMP/bad.batch" 2>&1)
grep -q "bad.batch:2: " <<<"$out" && ok "route batch reports FILE:LINE ($out)" ||
	fail "route batch reports FILE:LINE" "$out"
rt h1 del vpc 700 >/dev/null 2>&1
out=$(rt h1 -j add vpc 100 cidr 10.9.0.0/16 2>/dev/null)
python3 -c 'import json,sys; d=json.loads(sys.argv[1]); assert "message" in d["error"]' "$out" 2>/dev/null &&
	ok "errors are JSON with -j" || fail "errors are JSON with -j" "$out"
rt h1 show -j config >/dev/null 2>&1
check_exit "a malformed command exits 2" 2 rt h1 add vpc notanumber
check_exit "a conflicting command exits 1" 1 rt h1 add vpc 100 cidr 10.9.0.0/16

# ---- save, and restart from the state file ----
rt h2 save "$TMP/h2.saved" >/dev/null 2>&1
rt h2 show config >"$TMP/h2.before"
check "route save writes the running config" cmp -s "$TMP/h2.saved" "$TMP/h2.before"
sed '1d;$d' "$TMP/h2.state" >"$TMP/h2.state.body"	# the frame lines: tests/cli/state.sh
check "--state file is current" cmp -s "$TMP/h2.state.body" "$TMP/h2.before"
kill -TERM "$pid_h2"
for _ in $(seq 50); do kill -0 "$pid_h2" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid_h2" 2>/dev/null && fail "SIGTERM stops the router" || ok "SIGTERM stops the router"
[ -e "$TMP/h2.sock" ] && fail "the socket is removed at exit" || ok "the socket is removed at exit"
start_router h2 && ok "h2 restarted with --state" || fail "h2 restarted with --state" "$(tail -n 3 "$TMP/h2.log")"
rt h2 show config >"$TMP/h2.after"
check "restart restored the same config" cmp -s "$TMP/h2.before" "$TMP/h2.after"
vms_up h2 && ok "new TAP devices moved into the VMs" || fail "new TAP devices moved into the VMs"
check "IPv4 ping a1 -> a2 after the restart" nsx a1 timeout 10 ping -c 3 -i 0.2 -W 2 10.0.1.6
check "IPv4 ping b1 -> b2 after the restart" nsx b1 timeout 10 ping -c 3 -i 0.2 -W 2 10.0.1.6

# ---- a VM namespace deleted with the TAP inside: no busy loop ----
cpu() { awk '{ print $14 + $15 }' "/proc/$1/stat" 2>/dev/null || echo 0; }
ip netns del "$P-d2"
sleep 0.5
c0=$(cpu "$pid_h2")
sleep 2
c1=$(cpu "$pid_h2")
[ "$((c1 - c0))" -lt 20 ] && ok "TAP gone with its namespace: router idle ($((c1 - c0)) ticks in 2 s)" ||
	fail "TAP gone with its namespace: router idle" "$((c1 - c0)) ticks in 2 s"
grep -q "port td2: device gone" "$TMP/h2.log" && ok "the lost device is logged" ||
	fail "the lost device is logged" "$(tail -n 2 "$TMP/h2.log")"
check "del port of a lost device works" rt h2 del ep 100 10.0.3.8
check "... and then del port" rt h2 del port td2

# ---- an IPv6 underlay: h4 fd20::4 <-> h5 fd20::5, one VM each ----
ip link add ul4 netns "$P-h4" type veth peer name ul5 netns "$P-h5"
nsx h4 ip addr add fd20::4/64 dev ul4 nodad
nsx h5 ip addr add fd20::5/64 dev ul5 nodad
nsx h4 ip link set ul4 up
nsx h5 ip link set ul5 up
for h in h4 h5; do
	start_router "$h" || fail "$h: router started" "$(tail -n 3 "$TMP/$h.log")"
done
v6conf() {	# SELF PEER: this host's and the other host's number (4 or 5)
	printf '%s\n' "set host addr fd20::$1" "add vpc 300 cidr 10.3.0.0/16 cidr fd00:300::/64" \
		"add net 300 10.3.0.0/24 gw 10.3.0.1" "add port te$1" \
		"add ep 300 10.3.0.$1 mac 02:00:00:03:00:0$1 port te$1" \
		"add ep 300 fd00:300::$1 mac 02:00:00:03:00:0$1 port te$1" \
		"add ep 300 10.3.0.$2 mac 02:00:00:03:00:0$2 host fd20::$2" \
		"add ep 300 fd00:300::$2 mac 02:00:00:03:00:0$2 host fd20::$2"
}
v6conf 4 5 >"$TMP/h4.conf"
v6conf 5 4 >"$TMP/h5.conf"
out=$(rt h4 batch "$TMP/h4.conf" 2>&1 && rt h5 batch "$TMP/h5.conf" 2>&1) &&
	ok "IPv6 underlay: hosts configured" || fail "IPv6 underlay: hosts configured" "$out"
vm_up h4 e4 te4 02:00:00:03:00:04 10.3.0.4 fd00:300::4 &&
	vm_up h5 e5 te5 02:00:00:03:00:05 10.3.0.5 fd00:300::5 ||
	fail "IPv6 underlay: VMs up"
ip netns exec "$P-h5" timeout 20 tcpdump -i ul5 -U -s 256 -w "$TMP/ul5.pcap" udp port 6081 2>"$TMP/ul5.pcap.err" &
cap5=$!; pids+=("$cap5")
cap_wait "$TMP/ul5.pcap.err"
check "IPv6 underlay: IPv4 ping e4 -> e5" nsx e4 timeout 10 ping -c 3 -i 0.2 -W 2 10.3.0.5
check "IPv6 underlay: IPv6 ping e4 -> e5" nsx e4 timeout 10 ping -6 -c 3 -i 0.2 -W 2 fd00:300::5
sleep 0.5
kill "$cap5" 2>/dev/null
wait "$cap5" 2>/dev/null
n=$(tshark -r "$TMP/ul5.pcap" -Y 'ipv6.src == fd20::4 && ipv6.dst == fd20::5 && geneve && udp.checksum != 0 && (icmp.type == 8 || icmpv6.type == 128)' 2>/dev/null | wc -l)
[ "$n" -ge 6 ] && ok "tshark: Geneve over IPv6 with UDP checksums ($n echo requests)" ||
	fail "tshark: Geneve over IPv6 with UDP checksums" "$n packets"

# ---- the logs stay quiet: no line per packet ----
# (with a `make SAN=1` binary: no sanitizer report from any router)
for h in h1 h2 h3 h4 h5; do kill -TERM "$(eval echo "\${pid_$h:-}")" 2>/dev/null; done
sleep 1
sanbad=$(grep -l -E 'Sanitizer|runtime error' "$TMP"/h*.log 2>/dev/null)
[ -z "$sanbad" ] && ok "routers stop cleanly, no sanitizer reports" ||
	fail "routers stop cleanly, no sanitizer reports" "$(grep -h -m 2 -E 'Sanitizer|runtime error' $sanbad)"
n=$(cat "$TMP"/h*.log | wc -l)
[ "$n" -lt 200 ] && ok "router logs stay short ($n lines)" || fail "router logs stay short" "$n lines"

finish
