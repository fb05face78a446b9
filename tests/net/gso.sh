#!/usr/bin/env bash
# Segmentation and checksum offloads end to end, in network namespaces.
#
#   h1, h2, h3 on one underlay bridge (10.200.0.1-3, MTU 1500); h1 and h2
#   run `genv route run` with offloads (virtio-net headers on the TAPs,
#   UDP GSO/GRO), h3 runs `genv route run --no-offload`.
#   VPC 100: a1 10.0.1.5 fd00:100::5 (h1), a2 .6 ::6 (h2), a3 .7 ::7 (h3)
#   VPC 300 over the IPv6 underlay (fd00:200::1-2): b1 10.0.3.5 (h1), b2 .6 (h2)
#   a4 10.0.1.8 fd00:100::8 (h1): TAP to TAP on one host with a1
#
# Checks: show port reports the offloads obtained (and none on h3); iperf3
# TCP both directions, IPv4 and IPv6 inside, IPv4 and IPv6 underlay, VM
# offloads on and off, all
# bytes arrive (sender bytes = receiver bytes), retransmits reported and
# bounded; the underlay (transmit offloads off on the host's veth, so the
# capture sees what a wire would carry) holds only datagrams <= 1500 with
# good outer UDP and inner TCP checksums (tshark) and no inner sequence
# gap; interop both ways with the host without offloads; a plain frame
# over the path MTU still gets frag-needed.  TAP to TAP on h1: super-frames
# passed through whole and partial checksums passed on (show port counts
# them), every TCP checksum in a4's capture right once completed (checked
# in Python, not by genv); `set host offload off|on` at run time on h2:
# show host and show port say so, traffic flows both ways either way.
# Needs root; exits 77 (skip) without it or without the tools.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gg$$
TMP=
pids=()

require gso root ip tcpdump tshark iperf3 ethtool python3 timeout tun

NSS="ul h1 h2 h3 a1 a2 a3 a4 b1 b2"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-gso.XXXXXX)

netns_underlay gso

start_router() {	# HOST [ARGS]
	local h=$1; shift
	ip netns exec "$P-$h" "$GENV" route run -v -S "$TMP/$h.sock" "$@" >>"$TMP/$h.log" 2>&1 &
	pids+=("$!")
	for _ in $(seq 50); do
		rt "$h" show host >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}
start_router h1 && start_router h2 && start_router h3 --no-offload &&
	ok "three routers, h3 with --no-offload" ||
	{ fail "three routers start" "$(tail -n 3 "$TMP"/h*.log)"; finish; }

MAC1=02:00:00:00:01:a1 MAC2=02:00:00:00:01:a2 MAC3=02:00:00:00:01:a3 MAC4=02:00:00:00:01:a4
for i in 1 2 3; do
	{
		echo "set host addr 10.200.0.$i"
		echo "add vpc 100 cidr 10.0.0.0/16 cidr fd00:100::/64"
		echo "add net 100 10.0.1.0/24 gw 10.0.1.1"
		echo "add net 100 fd00:100::/64 gw fd00:100::1"
		echo "add port t$i"
		if [ "$i" = 1 ]; then
			echo "add port t4"
			echo "add ep 100 10.0.1.8 mac $MAC4 port t4"
			echo "add ep 100 fd00:100::8 mac $MAC4 port t4"
		else
			echo "add ep 100 10.0.1.8 mac $MAC4 host 10.200.0.1"
			echo "add ep 100 fd00:100::8 mac $MAC4 host 10.200.0.1"
		fi
		for j in 1 2 3; do
			eval "mac=\$MAC$j"
			# shellcheck disable=SC2154
			if [ "$i" = "$j" ]; then where="port t$i"; else where="host 10.200.0.$j"; fi
			echo "add ep 100 10.0.1.$((4 + j)) mac $mac $where"
			echo "add ep 100 fd00:100::$((4 + j)) mac $mac $where"
		done
	} >"$TMP/h$i.conf"
	if [ "$i" -le 2 ]; then
		# VPC 300: its hosts by their IPv6 underlay addresses
		echo "add vpc 300 cidr 10.0.3.0/24"
		echo "add net 300 10.0.3.0/24 gw 10.0.3.1"
		echo "add port u$i"
		for j in 1 2; do
			if [ "$i" = "$j" ]; then where="port u$i"; else where="host fd00:200::$j"; fi
			echo "add ep 300 10.0.3.$((4 + j)) mac 02:00:00:00:03:0$j $where"
		done
	fi >>"$TMP/h$i.conf"
	out=$(rt "h$i" batch "$TMP/h$i.conf" 2>&1) || { fail "h$i: config" "$out"; finish; }
done
for i in 1 2; do nsx "h$i" ip addr add "fd00:200::$i/64" dev "ul$i" nodad; done
ok "config applied on the three hosts"

offl=$(rt h1 -j show port | python3 -c 'import json,sys; print(json.load(sys.stdin)["ports"][0]["device"]["offloads"])' 2>&1)
case $offl in
*vnet*csum*tso4*tso6*) ok "h1: show port -j reports the offloads obtained ($offl)" ;;
*) fail "h1: show port -j reports the offloads obtained" "$offl" ;;
esac
offl3=$(rt h3 show port 2>&1 | grep -o 'offloads [a-z ]*' | head -n 1)
check_eq "h3 (--no-offload): show port says offloads none" "offloads none" "$offl3"

for i in 1 2 3 4; do
	eval "mac=\$MAC$i"
	h=h$i; [ "$i" = 4 ] && h=h1
	ip -n "$P-$h" link set "t$i" netns "$P-a$i" &&
	nsx "a$i" ip link set "t$i" name eth0 &&
	nsx "a$i" ip link set eth0 address "$mac" up &&
	nsx "a$i" ip addr add "10.0.1.$((4 + i))/24" dev eth0 &&
	nsx "a$i" ip addr add "fd00:100::$((4 + i))/64" dev eth0 nodad ||
		{ fail "VM a$i up" ""; finish; }
done
for i in 1 2; do
	ip -n "$P-h$i" link set "u$i" netns "$P-b$i" &&
	nsx "b$i" ip link set "u$i" name eth0 &&
	nsx "b$i" ip link set eth0 address "02:00:00:00:03:0$i" up &&
	nsx "b$i" ip addr add "10.0.3.$((4 + i))/24" dev eth0 ||
		{ fail "VM b$i up" ""; finish; }
done
ok "TAPs moved into the VMs"
# transmit offloads off on the hosts' veths: the kernel segments the UDP
# trains and finishes the outer checksums before the capture point
for i in 1 2; do nsx "h$i" ethtool -K "ul$i" tx off >/dev/null 2>&1; done

# iperf NAME SERVER CLIENT ADDR [iperf options]: all bytes arrive
iperf() {
	local name=$1 srv=$2 cli=$3 addr=$4 res; shift 4
	nsx "$srv" timeout 20 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	pids+=("$!")
	sleep 0.4
	nsx "$cli" timeout 15 iperf3 -c "$addr" -p 5201 -t 2 -J "$@" >"$TMP/iperf.json" 2>&1
	res=$(python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))["end"]
s, r = d["sum_sent"], d["sum_received"]
print(int(r["bits_per_second"] // 1e6), s.get("retransmits", 0), int(s["bytes"]), int(r["bytes"]))' "$TMP/iperf.json" 2>/dev/null)
	read -r mbps retr sent recvd <<<"${res:-0 0 0 1}"
	# the receiver's count ends when the sender's does: equal, give or take
	# what was in flight at the end (iperf3 counts both at its own stop)
	if [ "$mbps" -gt 10 ] && [ "$recvd" -gt 0 ] && [ "$((sent - recvd))" -lt "$((sent / 20 + 1000000))" ] &&
		[ "$retr" -lt "$((sent / 1448 / 20 + 100))" ]; then   # < 5% of the segments: a loaded host drops some
		ok "$name: $mbps Mbit/s, $retr retransmits, $recvd of $sent bytes"
	else
		fail "$name" "mbps $mbps retransmits $retr sent $sent received $recvd $(head -c 200 "$TMP/iperf.json")"
	fi
}

# udp_out HOST: the kernel's UDP datagrams sent (a UDP_SEGMENT train is one)
udp_out() {
	nsx "$1" awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "OutDatagrams") c = i; h = 1 }
		else print $c }' /proc/net/snmp
}

# ---- the underlay on the wire while a1 -> a2 runs ----
u0=$(udp_out h1)
d0=$(jget h2 port tx_packets)
nsx h1 timeout 20 tcpdump -i ul1 -U -B 16384 -c 3000 -w "$TMP/ul1.pcap" udp port 6081 2>"$TMP/ul1.pcap.err" &
cap=$!; pids+=("$cap")
cap_wait "$TMP/ul1.pcap.err"
iperf "IPv4 a1 -> a2, offloads" a2 a1 10.0.1.6
wait "$cap" 2>/dev/null
u1=$(udp_out h1)
d1=$(jget h2 port tx_packets)
# segments delivered to a2 per datagram h1's socket handed the kernel
trains=$(awk -v d=$((d1 - d0)) -v u=$((u1 - u0)) 'BEGIN { printf "%d", u ? d / u : 0 }')
[ "$trains" -ge 4 ] && ok "h1 sends UDP_SEGMENT trains ($((d1 - d0)) segments in $((u1 - u0)) sends)" ||
	fail "h1 sends UDP_SEGMENT trains" "$((d1 - d0)) segments delivered, $((u1 - u0)) UDP sends"
tshark -r "$TMP/ul1.pcap" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
	-o ip.check_checksum:TRUE -T fields -E separator='|' -E occurrence=f -e ip.len -e udp.checksum.status \
	-e tcp.checksum.status -e tcp.len 2>/dev/null >"$TMP/ul1.txt"
read -r n big badudp badtcp data < <(awk -F'|' '
	{ if ($1 + 0 > 1500) big++
	  if ($2 != "1") badudp++
	  if ($3 != "" && $3 != "1") badtcp++   # "": no TCP inside (ARP, ND)
	  if ($4 + 0 > 0) data++ }
	END { printf "%d %d %d %d %d\n", NR, big, badudp, badtcp, data }' "$TMP/ul1.txt")
if [ "$n" -ge 1000 ] && [ "$big" -eq 0 ] && [ "$data" -ge 500 ]; then
	ok "underlay: $n datagrams ($data with TCP data), none over 1500 bytes"
else
	fail "underlay: datagrams <= 1500" "$n captured, $big over 1500, $data with data"
fi
[ "$n" -gt 0 ] && [ "$badudp" -eq 0 ] && ok "underlay: every outer UDP checksum good (tshark)" ||
	fail "underlay: outer UDP checksums" "$badudp of $n not good"
[ "$n" -gt 0 ] && [ "$badtcp" -eq 0 ] && ok "underlay: every inner TCP checksum good (tshark)" ||
	fail "underlay: inner TCP checksums" "$badtcp of $n not good"
gaps=$(tshark -r "$TMP/ul1.pcap" -Y 'tcp.analysis.lost_segment || tcp.analysis.out_of_order' 2>/dev/null | wc -l)
check_eq "underlay: inner sequence numbers contiguous (no lost or out-of-order segment)" 0 "$gaps"

iperf "IPv4 a2 -> a1, offloads" a1 a2 10.0.1.5
iperf "IPv6 a1 -> a2, offloads" a2 a1 fd00:100::6
iperf "IPv6 a2 -> a1, offloads" a1 a2 fd00:100::5

segs=$(rt h2 -j show port | python3 -c 'import json,sys
p = json.load(sys.stdin)["ports"][0]
print(p["counters"]["tx_packets"])' 2>/dev/null)
[ "${segs:-0}" -gt 1000 ] && ok "h2: port counters count segments ($segs packets out)" ||
	fail "h2: port counters" "${segs:-?}"

# ---- the IPv6 underlay ----
nsx h2 timeout 20 tcpdump -i ul2 -U -B 16384 -c 2000 -w "$TMP/ul6.pcap" ip6 and udp port 6081 2>"$TMP/ul6.pcap.err" &
cap=$!; pids+=("$cap")
cap_wait "$TMP/ul6.pcap.err"
iperf "IPv4 b1 -> b2 over the IPv6 underlay" b2 b1 10.0.3.6
wait "$cap" 2>/dev/null
iperf "IPv4 b2 -> b1 over the IPv6 underlay" b1 b2 10.0.3.5
tshark -r "$TMP/ul6.pcap" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE -T fields \
	-E separator='|' -E occurrence=f -e ipv6.plen -e udp.checksum.status -e tcp.checksum.status \
	2>/dev/null >"$TMP/ul6.txt"
read -r n big bad < <(awk -F'|' '{ if ($1 + 40 > 1500) big++; if ($2 != "1" || ($3 != "" && $3 != "1")) bad++ }   # $3 "": no TCP inside (ARP)
	END { printf "%d %d %d\n", NR, big, bad }' "$TMP/ul6.txt")
[ "$n" -ge 1000 ] && [ "$big" -eq 0 ] && [ "$bad" -eq 0 ] &&
	ok "IPv6 underlay: $n datagrams, none over 1500 bytes, outer UDP and inner TCP checksums good" ||
	fail "IPv6 underlay on the wire" "$n captured, $big over 1500, $bad with a checksum not good"

# ---- interop with the host without offloads ----
iperf "IPv4 a1 -> a3 (offloads -> none)" a3 a1 10.0.1.7
iperf "IPv4 a3 -> a1 (none -> offloads)" a1 a3 10.0.1.5
iperf "IPv6 a3 -> a2 (none -> offloads)" a2 a3 fd00:100::6

# ---- TAP to TAP on h1: super-frames passed through, partial checksums passed on ----
nsx a4 timeout 20 tcpdump -i eth0 -s 0 -U -c 600 -w "$TMP/a4.pcap" ip and tcp port 5201 2>"$TMP/a4.pcap.err" &
cap=$!; pids+=("$cap")
cap_wait "$TMP/a4.pcap.err"
iperf "IPv4 a1 -> a4 (TAP to TAP)" a4 a1 10.0.1.8
iperf "IPv6 a4 -> a1 (TAP to TAP)" a1 a4 fd00:100::5
wait "$cap" 2>/dev/null
read -r pass4 part1 < <(rt h1 -j show port | python3 -c '
import json, sys
d = {p["name"]: p["device"] for p in json.load(sys.stdin)["ports"]}
print(d["t4"]["tx_passthrough"], d["t1"]["tx_partial"])' 2>/dev/null)
[ "${pass4:-0}" -gt 100 ] && ok "h1: super-frames a1 -> a4 passed through whole ($pass4)" ||
	fail "h1: super-frames a1 -> a4 passed through" "${pass4:-?}"
[ "${part1:-0}" -gt 100 ] && ok "h1: partial checksums a4 -> a1 passed on as partial ($part1)" ||
	fail "h1: partial checksums passed on" "${part1:-?}"
# every TCP checksum a4 received is right, or right once the partial sum
# is completed as the kernel would (computed here, independently)
out=$(python3 - "$TMP/a4.pcap" <<'EOF'
import struct, sys
def s16(b):
    if len(b) % 2: b += b"\0"
    return sum(struct.unpack("!%dH" % (len(b) // 2), b))
def fold(x):
    while x >> 16: x = (x & 0xffff) + (x >> 16)
    return x
f = open(sys.argv[1], "rb"); hdr = f.read(24)
le = hdr[:4] == b"\xd4\xc3\xb2\xa1"
n = big = bad = 0
while True:
    h = f.read(16)
    if len(h) < 16: break
    _, _, incl, _ = struct.unpack("<IIII" if le else ">IIII", h)
    p = f.read(incl)
    if len(p) < 34 or p[12:14] != b"\x08\x00" or p[23] != 6: continue
    ihl = (p[14] & 15) * 4; tot = struct.unpack("!H", p[16:18])[0]
    seg = p[14 + ihl:14 + tot]
    if len(seg) != tot - ihl: continue
    n += 1; big += tot > 1500
    field = struct.unpack("!H", seg[16:18])[0]
    pseudo = s16(p[26:34] + struct.pack("!HH", 6, len(seg)))
    right = (~fold(pseudo + s16(seg[:16] + b"\0\0" + seg[18:]))) & 0xffff
    done = (~fold(s16(seg))) & 0xffff
    if field != right and done != right: bad += 1
print(n, big, bad)
EOF
)
read -r n big bad <<<"${out:-0 0 1}"
[ "$n" -ge 300 ] && [ "$big" -gt 0 ] && [ "$bad" -eq 0 ] &&
	ok "a4: $n TCP frames received ($big super-frames), every checksum right once completed" ||
	fail "a4: TCP checksums of what was passed on" "$n frames, $big over 1500, $bad wrong"

# ---- set host offload off|on at run time (h2) ----
out=$(rt h2 set host offload maybe 2>&1; echo "rc $?")
case $out in
*"offload is 'on' or 'off'"*"rc 2") ok "set host offload maybe: usage error" ;;
*) fail "set host offload maybe: usage error" "$out" ;;
esac
rt h2 set host offload off >/dev/null
check_eq "h2: show host -j says offload false" False "$(rt h2 -j show host | python3 -c 'import json,sys; print(json.load(sys.stdin)["host"]["offload"])' 2>&1)"
check_eq "h2 offload off: the port keeps its header, no offload" "offloads vnet" "$(rt h2 show port | grep -o 'offloads [a-z0-9]*' | head -n 1)"
rt h2 show config | grep -q "^set host .* offload off" && ok "h2: the configuration says offload off" ||
	fail "h2: the configuration says offload off" "$(rt h2 show config | head -n 1)"
iperf "IPv4 a1 -> a2 (h2 offload off)" a2 a1 10.0.1.6
iperf "IPv4 a2 -> a1 (h2 offload off)" a1 a2 10.0.1.5
rt h2 set host offload on >/dev/null
case $(rt h2 show port | grep -o 'offloads vnet [a-z0-9 ]*' | head -n 1) in
*tso4*) ok "h2 offload on again: TSO back" ;;
*) fail "h2 offload on again: TSO back" "$(rt h2 show port | grep offloads)" ;;
esac
iperf "IPv4 a2 -> a1 (h2 offload on again)" a1 a2 10.0.1.5
check_eq "h3 (--no-offload): show host says offload off" "offload off" "$(rt h3 show host | grep -o 'offload o[nf]*')"

# ---- VM offloads off ----
for i in 1 2; do nsx "a$i" ethtool -K eth0 tx off tso off gso off >/dev/null 2>&1; done
iperf "IPv4 a1 -> a2, VM offloads off" a2 a1 10.0.1.6
iperf "IPv6 a2 -> a1, VM offloads off" a1 a2 fd00:100::5
for i in 1 2; do nsx "a$i" ethtool -K eth0 tx on tso on gso on >/dev/null 2>&1; done

# ---- PMTU: a plain frame over the path MTU still gets frag-needed ----
nsx a1 ip link set eth0 mtu 1500
out=$(nsx a1 timeout 10 ping -M "do" -s 1472 -c 2 -i 0.3 -W 1 10.0.1.6 2>&1)
if grep -qiE 'frag needed|message too long|mtu ?= ?[0-9]+' <<<"$out"; then
	ok "plain IPv4 frame over the path MTU: ICMP fragmentation-needed"
else
	fail "plain IPv4 frame over the path MTU: ICMP fragmentation-needed" "$(tr '\n' '|' <<<"$out" | head -c 300)"
fi
iperf "IPv4 a1 -> a2 after PMTU discovery (VM MTU 1500, super-frames cut to fit)" a2 a1 10.0.1.6
nsx a1 ip link set eth0 mtu 1400

for h in h1 h2 h3; do
	grep -qiE 'sanitizer|segfault|assert' "$TMP/$h.log" && fail "$h: router log clean" "$(grep -m2 -iE 'sanitizer|segfault|assert' "$TMP/$h.log")"
done
finish
