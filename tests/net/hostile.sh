#!/usr/bin/env bash
# Hostile input through real namespaces (issue 14): malformed and hostile
# Geneve from the underlay, floods and spoofing from a tenant VM,
# forwarding loops between misconfigured bouncers, and a tenant of VPC 200
# trying to reach VPC 100 (same CIDR).  Every packet must be dropped under
# its reason (the counters of `genv route -j show drops`), nothing may leak
# (tcpdump in the VMs and on the underlay bridge, read with tshark), and
# pings between two other VMs (a1 -> a2, every 10 ms) lose nothing while
# it happens; the receiving router's RSS stays flat.
#
#   h1 10.200.0.1, h2 .2, h3 .3, h4 .4 on one bridge; x9 .9 an intruder.
#   VPC 100 10.0.0.0/16: a1 10.0.1.5 (h1), a2 10.0.1.6 (h2)
#   VPC 200 10.0.0.0/16 + fd00:200::/64: b1 10.0.1.5 (h1, the attacker),
#     b2 10.0.1.6 (h2)
#   VPC 300: h2 and h3 divider each, each says 10.3.0.99 lives on the other
#   VPC 301: h2 -> h3 -> h4 -> h2, the same in a circle of three
# Packets are built by scapy (the oracle; Geneve opt_len set explicitly)
# and by genv craft; the receivers are the kernel and tcpdump.
# Needs root; exits 77 (skip) without it or without the tools.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gh$$
TMP=
pids=()
pid_h2=
PY=/usr/bin/python3
MARK=484f5354494c4521	# "HOSTILE!": every hostile inner frame carries it

require hostile root ip tcpdump tshark ping timeout tun
"$PY" -c 'import scapy.contrib.geneve' 2>/dev/null || { skip hostile "python3-scapy not installed"; finish; }

NSS="ul h1 h2 h3 h4 a1 a2 b1 b2 x9"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-hostile.XXXXXX)

netns_underlay hostile
for n in 4 9; do	# h4 and the intruder x9 on the same bridge
	h=h$n; [ "$n" = 9 ] && h=x9
	ip link add "ul$n" netns "$P-$h" type veth peer name "$h" netns "$P-ul"
	nsx ul ip link set "$h" master br0 up
	nsx "$h" ip addr add "10.200.0.$n/24" dev "ul$n"
	nsx "$h" ip link set "ul$n" up
done
# --no-offload: no UDP GSO on the underlay, so that tcpdump on the bridge
# sees each datagram as one frame (a GSO batch crosses veth and bridge whole)
for h in h1 h2 h3 h4; do
	rt_start "$h" --no-offload || { fail "$h: router started" "$(tail -n 3 "$TMP/$h.log")"; finish; }
done

MAC_A1=02:00:00:00:01:a1 MAC_A2=02:00:00:00:01:a2
MAC_B1=02:00:00:00:02:b1 MAC_B2=02:00:00:00:02:b2
tenants() {	# SELF OTHER: VPC 100 and 200 on host SELF (1 or 2)
	local s=$1 o=$2
	printf '%s\n' "set host addr 10.200.0.$s id h$s" \
		"add vpc 100 name blue cidr 10.0.0.0/16" "add net 100 10.0.1.0/24 gw 10.0.1.1" \
		"add vpc 200 name red cidr 10.0.0.0/16 cidr fd00:200::/64" "add net 200 10.0.1.0/24 gw 10.0.1.1" \
		"add net 200 fd00:200::/64 gw fd00:200::1" \
		"add port ta$s" "add port tb$s" \
		"add ep 100 10.0.1.$((s + 4)) mac 02:00:00:00:01:a$s port ta$s" \
		"add ep 200 10.0.1.$((s + 4)) mac 02:00:00:00:02:b$s port tb$s" \
		"add ep 200 fd00:200::$((s + 4)) mac 02:00:00:00:02:b$s port tb$s" \
		"add ep 100 10.0.1.$((o + 4)) mac 02:00:00:00:01:a$o host 10.200.0.$o" \
		"add ep 200 10.0.1.$((o + 4)) mac 02:00:00:00:02:b$o host 10.200.0.$o" \
		"add ep 200 fd00:200::$((o + 4)) mac 02:00:00:00:02:b$o host 10.200.0.$o"
}
loops() {	# SELF NEXT300 NEXT301 PEERS301: the misconfigured VPCs 300 and 301
	printf '%s\n' "add vpc 300 cidr 10.3.0.0/16 divider 10.200.0.$1 peers 10.200.0.1 10.200.0.$2" \
		"add ep 300 10.3.0.99 mac 02:00:00:03:00:99 host 10.200.0.$2" \
		"add vpc 301 cidr 10.3.0.0/16 divider 10.200.0.$1 peers $4" \
		"add ep 301 10.3.0.99 mac 02:00:00:03:00:99 host 10.200.0.$3"
}
tenants 1 2 >"$TMP/h1.conf"
{ tenants 2 1; loops 2 3 3 "10.200.0.1 10.200.0.4"; } >"$TMP/h2.conf"
{ echo "set host addr 10.200.0.3 id h3"; loops 3 2 4 10.200.0.2; } >"$TMP/h3.conf"
{ echo "set host addr 10.200.0.4 id h4"; loops 4 2 2 10.200.0.3 | grep -v ' 300 '; } >"$TMP/h4.conf"
for h in h1 h2 h3 h4; do
	out=$(rt "$h" batch "$TMP/$h.conf" 2>&1) || fail "$h: batch applies its config" "$out"
done
vm_up h1 a1 ta1 $MAC_A1 10.0.1.5 && vm_up h2 a2 ta2 $MAC_A2 10.0.1.6 &&
	vm_up h1 b1 tb1 $MAC_B1 10.0.1.5 fd00:200::5 && vm_up h2 b2 tb2 $MAC_B2 10.0.1.6 fd00:200::6 &&
	ok "VMs a1, a2 (VPC 100) and b1, b2 (VPC 200) up" || { fail "VMs up"; finish; }
check "a1 -> a2 before the floods" nsx a1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.6
check "b1 -> b2 before the floods" nsx b1 timeout 10 ping -c 2 -i 0.2 -W 2 10.0.1.6
gw_before=$(nsx a1 ip neigh show 10.0.1.1 dev eth0 | awk '{for (i=1;i<NF;i++) if ($i=="lladdr") print $(i+1)}')

# ---- captures: the underlay bridge and every VM; the good traffic ----
capture() {	# NS IFACE FILE [FILTER...]
	local ns=$1 ifc=$2 f=$3; shift 3
	ip netns exec "$P-$ns" timeout 120 tcpdump -i "$ifc" -U -s 512 -w "$TMP/$f.pcap" "$@" 2>"$TMP/$f.pcap.err" &
	pids+=("$!"); caps+=("$!")
}
caps=()
capture ul br0 ul udp port 6081
for v in a1 a2 b2; do capture "$v" eth0 "$v"; done
cap_wait "$TMP"/{ul,a1,a2,b2}.pcap.err
rss() { awk '/^VmRSS/ { print $2 }' "/proc/$pid_h2/status"; }
rss0=$(rss)
nsx a1 timeout 60 ping -c 3000 -i 0.01 -W 1 -q 10.0.1.6 >"$TMP/good-ping" 2>&1 &
good=$!; pids+=("$good")
sleep 0.5

declare -A before
snap() {	# HOST REASON...: remember the counters
	local h=$1 r; shift
	for r in "$@"; do before[$h.$r]=$(jget "$h" drops "$r"); done
}
dropped() {	# NAME HOST REASON WANT: REASON grew by WANT on HOST
	local d=$(( $(jget "$2" drops "$3") - ${before[$2.$3]:-0} ))
	check_eq "$1: dropped as $3 (+$4)" "$4" "$d"
}

# ---- malformed and hostile Geneve from a host of VPC 100 (h1) to h2 ----
# udpsend NS DST [TTL] < lines "COUNT HEX": UDP datagrams to DST:6081
udpsend() {
	nsx "$1" timeout 30 "$PY" -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)	# IP_MTU_DISCOVER: IP_PMTUDISC_DONT, fragment
if len(sys.argv) > 2:
    s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(sys.argv[2]))
for line in sys.stdin:
    n, h = line.split()
    for _ in range(int(n)):
        s.sendto(bytes.fromhex(h), (sys.argv[1], 6081))' "$2" ${3:+"$3"}
}
gnv() { "$GENV" craft --hex "$1" | cut -c85-; }	# the UDP payload of "geneve ..."
IN="eth src=$MAC_A1 dst=$MAC_A2 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp id=77 / payload hex=$MARK"
good_pkt=$(gnv "geneve vni=100 / $IN")
# scapy builds the same Geneve header with opt_len given: the oracle agrees
s_hdr=$("$PY" -c 'from scapy.contrib.geneve import GENEVE; print(bytes(GENEVE(vni=100, proto=0x6558, optionlen=0)).hex())')
check_eq "scapy and genv craft build the same Geneve header" "$s_hdr" "${good_pkt:0:16}"
R="geneve.version geneve.malformed geneve.critical geneve.proto vni.unknown inner.malformed
   spoof.remote frame.oversize underlay.unknown_peer ttl.exceeded route.loop"
# shellcheck disable=SC2086
snap h2 $R
{
	for v in 1 2 3; do echo "3 $(gnv "geneve ver=$v vni=100 / $IN")"; done
	echo "3 $(gnv "geneve vni=100 optlen=63 / $IN")"				# opt_len beyond the packet
	echo "3 $(gnv "geneve vni=100 optlen=2 opt=0x0102:0x01:0001000200030004 / $IN")"	# option overruns opt_len
	echo "3 $(gnv "geneve vni=100 opt=0x0999:0x80:00000000 / $IN")"		# unknown critical
	echo "3 $(gnv "geneve vni=100 proto=0x0800 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp / payload hex=$MARK")"
	echo "3 $(gnv "geneve vni=100 / eth src=$MAC_A2 dst=$MAC_A2 / ipv4 src=10.0.1.6 dst=10.0.1.6 / icmp / payload hex=$MARK")"	# poses as a2, h2's own
	echo "2 $good_pkt$(printf '00%.0s' $(seq 10000))"	# over 9216 bytes
} | udpsend h1 10.200.0.2
# unknown VNIs: 500 of them; truncation at every offset of the good packet
"$PY" -c '
import sys
p = bytes.fromhex(sys.argv[1])
for v in range(1000, 1500):
    print(1, (p[:4] + v.to_bytes(3, "big") + p[7:]).hex())
for k in range(1, len(p)):
    print(1, p[:k].hex())' "$good_pkt" >"$TMP/vni-trunc"
udpsend h1 10.200.0.2 <"$TMP/vni-trunc"
glen=$(( ${#good_pkt} / 2 ))
sleep 0.5
dropped "Geneve version 1, 2, 3" h2 geneve.version 9
dropped "unknown critical option" h2 geneve.critical 3
dropped "protocol type IPv4, not Ethernet" h2 geneve.proto 3
dropped "500 unknown VNIs" h2 vni.unknown 500
dropped "inner source a2, an endpoint of the receiving host, from h1" h2 spoof.remote 3
dropped "10,0xx-byte datagrams" h2 frame.oversize 2
mal=$(( $(jget h2 drops geneve.malformed) - ${before[h2.geneve.malformed]} ))
inn=$(( $(jget h2 drops inner.malformed) - ${before[h2.inner.malformed]} ))
# opt_len beyond (3), overrun (3), cut inside the Geneve header (7) or its options
check_eq "opt_len beyond the packet, option overrun, and the good packet cut at each of its $((glen - 1)) offsets: dropped as geneve.malformed or inner.malformed" \
	"$((6 + glen - 1))" "$((mal + inn))"
[ "$mal" -ge 13 ] && [ "$inn" -ge 1 ] && ok "... $mal geneve.malformed, $inn inner.malformed" ||
	fail "... both reasons" "geneve.malformed $mal, inner.malformed $inn"

# ---- outer headers: checksums, fragments, TTL (scapy, from h1's address) ----
mac_h2=$(nsx h2 cat /sys/class/net/ul2/address)
# shellcheck disable=SC2016  # awk's own $
csumerr() { nsx h2 awk '/^Udp:/ { if (!h) { for (i = 1; i <= NF; i++) if ($i == "InCsumErrors") c = i; h = 1 } else print $c }' /proc/net/snmp; }
c0=$(csumerr)
nsx h1 timeout 30 "$PY" -c '
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp, fragment
from scapy.contrib.geneve import GENEVE
mac, inner = sys.argv[1], bytes.fromhex(sys.argv[2])
def pkt(ident, **udp):
    i = bytearray(inner)
    i[14 + 20 + 4:14 + 20 + 6] = ident.to_bytes(2, "big")	# the ICMP id tells the cases apart
    i[14 + 20 + 2:14 + 20 + 4] = b"\0\0"
    return Ether(dst=mac) / IP(src="10.200.0.1", dst="10.200.0.2", id=ident) / UDP(sport=40001, dport=6081, **udp) / \
        GENEVE(vni=100, proto=0x6558, optionlen=0) / Raw(bytes(i))
out = []
out += [pkt(101, chksum=0x1234)] * 3		# bad UDP checksum: the kernel drops it
out += [pkt(102, chksum=0)] * 3		# zero UDP checksum over IPv4: allowed (RFC 8926 3.3)
def frags(ident):
    return [Ether(dst=mac) / f for f in fragment((pkt(ident) / Raw(b"\0" * 600))[IP], fragsize=256)]
out += frags(103)			# a whole fragmented datagram: reassembled
out += frags(104)[:-1]			# its last fragment missing
t0 = pkt(105); t0[IP].ttl = 0
t1 = pkt(106); t1[IP].ttl = 1
out += [t0, t1]				# outer TTL 0 and 1 to a local endpoint: delivered
sendp(out, iface="ul1", verbose=False)' "$mac_h2" "${good_pkt:16}" 2>"$TMP/scapy.err" ||
	fail "scapy sends the outer cases" "$(tail -n 2 "$TMP/scapy.err")"
sleep 0.5
check_eq "bad outer UDP checksum: dropped by the kernel (Udp InCsumErrors +3)" 3 "$(( $(csumerr) - c0 ))"

# ---- forwarding loops ----
snap h3 route.loop ttl.exceeded
snap h4 ttl.exceeded
loop_pkt() { gnv "geneve vni=$1 / eth src=02:00:00:03:00:05 dst=02:00:00:03:00:99 / ipv4 src=10.3.0.5 dst=10.3.0.99 / udp / payload hex=$MARK"; }
echo "5 $(loop_pkt 300)" | udpsend h1 10.200.0.2
echo "5 $(loop_pkt 301)" | udpsend h1 10.200.0.2 255	# injected with the highest TTL
echo "5 $(loop_pkt 300)" | udpsend h1 10.200.0.2 1
sleep 1
dropped "VPC 300, h2 and h3 point at each other: h3 sends nothing back" h3 route.loop 5
dropped "outer TTL 1 into a bouncer" h2 ttl.exceeded 5
t301=$(( $(jget h2 drops ttl.exceeded) - ${before[h2.ttl.exceeded]} - 5 + $(jget h3 drops ttl.exceeded) - ${before[h3.ttl.exceeded]} +
	$(jget h4 drops ttl.exceeded) - ${before[h4.ttl.exceeded]} ))
check_eq "VPC 301, a circle of three: each of the 5 packets ends as ttl.exceeded" 5 "$t301"

# ---- from the VPC 200 tenant b1 (attacker VM on h1) ----
snap h1 arp.ignored nd.ignored spoof.ip spoof.mac
nsx b1 timeout 60 "$PY" -c '
import sys
from scapy.all import Ether, ARP, IP, UDP, ICMP, IPv6, Raw, sendp
from scapy.layers.inet6 import ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr
from scapy.contrib.geneve import GENEVE
b1, a1, a2, mark = sys.argv[1], sys.argv[2], sys.argv[3], bytes.fromhex(sys.argv[4])
bc = "ff:ff:ff:ff:ff:ff"
out = []
# ARP flood for addresses outside the VPC, and ND for addresses outside its /64
out += [Ether(src=b1, dst=bc) / ARP(op=1, hwsrc=b1, psrc="10.0.1.5", pdst="192.168.%d.%d" % (i // 250, i % 250 + 1)) for i in range(1000)]
out += [Ether(src=b1, dst="33:33:ff:00:00:01") / IPv6(src="fd00:200::5", dst="ff02::1:ff00:1", hlim=255) /
        ICMPv6ND_NS(tgt="fd99::%x" % (i + 1)) / ICMPv6NDOptSrcLLAddr(lladdr=b1) for i in range(1000)]
# ARP poisoning of the gateway: "10.0.1.1 is at b1", gratuitous and as replies to a1 and a2
out += [Ether(src=b1, dst=bc) / ARP(op=2, hwsrc=b1, psrc="10.0.1.1", hwdst=bc, pdst="10.0.1.1")] * 5
out += [Ether(src=b1, dst=m) / ARP(op=2, hwsrc=b1, psrc="10.0.1.1", hwdst=m, pdst=ip) for m, ip in ((a1, "10.0.1.5"), (a2, "10.0.1.6"))] * 5
# spoofed sources: another IP, another MAC (a1 of VPC 100)
out += [Ether(src=b1, dst=a2) / IP(src="10.0.1.99", dst="10.0.1.6") / ICMP(id=201) / Raw(mark)] * 5
out += [Ether(src=a1, dst=a2) / IP(src="10.0.1.5", dst="10.0.1.6") / ICMP(id=202) / Raw(mark)] * 5
# crafted inner headers: to a2 by MAC and IP (it is b2 in VPC 200), and
# Geneve-in-Geneve: a VNI 100 frame for a2 inside UDP 6081
out += [Ether(src=b1, dst=a2) / IP(src="10.0.1.5", dst="10.0.1.6") / ICMP(id=203) / Raw(mark)] * 5
inner = Ether(src=a1, dst=a2) / IP(src="10.0.1.5", dst="10.0.1.6") / ICMP(id=204) / Raw(mark)
out += [Ether(src=b1, dst=a2) / IP(src="10.0.1.5", dst="10.0.1.6") / UDP(sport=6081, dport=6081) /
        GENEVE(vni=100, proto=0x6558, optionlen=0) / inner] * 5
out += [Ether(src=b1, dst=a2) / IP(src="10.0.1.5", dst="10.200.0.2") / UDP(sport=6081, dport=6081) /
        GENEVE(vni=100, proto=0x6558, optionlen=0) / inner] * 5
sendp(out, iface="eth0", verbose=False)' "$MAC_B1" "$MAC_A1" "$MAC_A2" "$MARK" 2>"$TMP/scapy.err" ||
	fail "scapy floods from b1" "$(tail -n 2 "$TMP/scapy.err")"
sleep 0.5
dropped "1,000 ARP requests for addresses outside the VPC" h1 arp.ignored 1000
dropped "1,000 neighbour solicitations outside the VPC" h1 nd.ignored 1000
dropped "source IP 10.0.1.99 from b1 (5), ARP replies that claim the gateway 10.0.1.1 (15)" h1 spoof.ip 20
dropped "source MAC of a1 from b1" h1 spoof.mac 5

# ---- from the intruder x9 on the underlay (no host of any VPC) ----
snap h2 underlay.unknown_peer
nsx x9 timeout 30 "$PY" -c '
import sys
from scapy.all import Ether, IP, UDP, Raw, sendp
from scapy.contrib.geneve import GENEVE
mac, inner, ident = sys.argv[1], bytes.fromhex(sys.argv[2]), bytes.fromhex(sys.argv[3])
u = Ether(dst=mac) / IP(src="10.200.0.9", dst="10.200.0.2") / UDP(sport=40002, dport=6081)
out = [u / GENEVE(vni=100, proto=0x6558, optionlen=0) / Raw(inner)] * 5	# VNI 100 from a non-peer
out += [u / Raw(ident + inner)] * 5		# with a policy identity option
sendp(out, iface="ul9", verbose=False)' "$mac_h2" "${good_pkt:16}" "$(gnv "geneve vni=100 opt=ident:id=2060074913 / eth" | cut -c1-32)" \
	2>"$TMP/scapy.err" || fail "scapy sends from x9" "$(tail -n 2 "$TMP/scapy.err")"
# a forged trace probe: its first hop record names h3, where the answer would go
forged="geneve vni=100 oam=1 opthex=ffa7050500010007000000010ac800030000000000000000 / $IN"
probes0=$(rt h2 probe results since 0 | sed -n 's/.* untrusted=\([0-9]*\).*/\1/p')
echo "5 $(gnv "$forged")" | udpsend x9 10.200.0.2
echo "5 $(gnv "${forged/0ac80003/0ac80009}")" | udpsend h1 10.200.0.2	# from a peer, answer to x9
sleep 0.5
dropped "VNI 100 and identity options from 10.200.0.9" h2 underlay.unknown_peer 10
probes1=$(rt h2 probe results since 0 | sed -n 's/.* untrusted=\([0-9]*\).*/\1/p')
check_eq "forged trace probes from x9, or answered to x9: untrusted (+10)" 10 "$((probes1 - ${probes0:-0}))"

# ---- the good traffic, the router, and what got through ----
wait "$good"
grep -q ' 0% packet loss' "$TMP/good-ping" && ok "a1 -> a2, 3,000 pings at 10 ms during it all: none lost" ||
	fail "a1 -> a2, 3,000 pings at 10 ms during it all: none lost" "$(grep -E 'loss' "$TMP/good-ping")"
rss1=$(rss)
[ "$rss1" -le $((rss0 + 2048)) ] && ok "h2's RSS flat: $rss0 kB first, $rss1 kB last" ||
	fail "h2's RSS flat" "$rss0 kB first, $rss1 kB last"
gw_after=$(nsx a1 ip neigh show 10.0.1.1 dev eth0 | awk '{for (i=1;i<NF;i++) if ($i=="lladdr") print $(i+1)}')
check_eq "a1's neighbour entry for the gateway is unchanged" "$gw_before" "$gw_after"
sleep 0.5
for p in "${caps[@]}"; do kill "$p" 2>/dev/null; done
for p in "${caps[@]}"; do wait "$p" 2>/dev/null; done
count() { tshark -r "$TMP/$1.pcap" -Y "$2" 2>/dev/null | wc -l; }
a2got=$(tshark -r "$TMP/a2.pcap" -Y "frame contains $MARK" -T fields -e icmp.ident 2>/dev/null | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }')
# delivered on purpose: zero UDP checksum (102), the reassembled datagram
# (103), outer TTL 0 and 1 (105, 106); nothing else
check_eq "a2 got only the valid outer cases (ICMP id:count)" "102:3 103:1 105:1 106:1 " "$a2got"
check_eq "a1 got nothing hostile" 0 "$(count a1 "frame contains $MARK || arp.src.hw_mac == $MAC_B1")"
check_eq "a2 saw no ARP from the attacker" 0 "$(count a2 "arp.src.hw_mac == $MAC_B1")"
# (b2 answers the UDP with port unreachable, quoting it: only what came in)
n=$(count b2 "frame contains $MARK && eth.src != $MAC_B2 && (icmp.ident == 203 || udp.dstport == 6081)")
check_eq "b2 (VPC 200) got b1's crafted frames and the Geneve-in-Geneve as UDP" 10 "$n"
# the underlay: b1's frames (ICMP ids 201-204) only ever as VNI 200
vnis() {	# PCAP FILTER: "VNI:count ..." of the outer Geneve header (tshark shows it in hex)
	tshark -r "$TMP/$1.pcap" -Y "$2" -T fields -e geneve.vni 2>/dev/null | sed 's/,.*//' | grep -v '^$' |
		while read -r v; do echo $((v)); done | sort | uniq -c | awk '{ printf "%s:%s ", $2, $1 }'
}
check_eq "underlay: b1's crafted frames and its Geneve-in-Geneve left h1 as VNI 200 only" "200:10 " \
	"$(vnis ul "frame contains $MARK && ip.src == 10.200.0.1 && icmp.ident >= 201 && icmp.ident <= 204")"
l300=$(count ul "geneve.vni == 300 && frame contains $MARK")
l301=$(count ul "geneve.vni == 301 && frame contains $MARK")
# 300: 10 in (5 of them TTL 1), 5 on to h3; 301: 5 in, then 64 hops each (TTL 64 .. 1)
check_eq "underlay: VPC 300 loop, 15 packets in all (10 injected, 5 of them with TTL 1, the other 5 forwarded once, h3 returns none)" 15 "$l300"
check_eq "underlay: VPC 301 circle, 5 injected + 5 x 64 hops (TTL capped at 64)" 325 "$l301"
n=$(count ul "ip.src == 10.200.0.2 && geneve.flags.oam == 1")
check_eq "underlay: h2 answered no forged probe" 0 "$n"
[ -n "${HOSTILE_KEEP:-}" ] && cp "$TMP"/*.pcap "$HOSTILE_KEEP"/
sanbad=$(grep -l -E 'Sanitizer|runtime error' "$TMP"/h*.log 2>/dev/null)
[ -z "$sanbad" ] && ok "no sanitizer reports" || fail "no sanitizer reports" "$(grep -h -m 2 -E 'Sanitizer|runtime error' $sanbad)"
n=$(cat "$TMP"/h*.log | wc -l)
[ "$n" -lt 100 ] && ok "router logs stay short ($n lines)" || fail "router logs stay short" "$n lines"
finish
