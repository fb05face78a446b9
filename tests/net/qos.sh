#!/usr/bin/env bash
# QoS of genv route (genv-route(8) QOS) with real traffic, in namespaces.
#
#   h1 10.200.0.1, h2 10.200.0.2: hosts on one underlay bridge, each running
#   `genv route run` (h3 is on the bridge and unused).
#   VPC 100:  vm1 10.0.1.5 (h1) qos premium, rate 20mbit burst 64k,
#                          one extra option (gcp.vnid, not critical)
#             vm2 10.0.1.6 (h2) qos expedited
#
# Checks, with tshark and tcpdump as the oracles: the outer DSCP on the wire
# per class (46 from vm1, 34 from vm2), the QoS and extra options in the
# capture (tshark and genv decode); the rate limit holds within 10%
# (iperf3 UDP, receiver's count); ECN per RFC 6040 (Geneve crafted on h1
# with an ECT(0) inner packet and a CE outer: CE arrives at vm2; a not-ECT
# inner under CE is dropped and counted); an unknown critical option is
# dropped and counted, an unknown non-critical one ignored.
# Needs root and /dev/net/tun; exits 77 (skip) without them.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gq$$
TMP=
pids=()

require qos root ip tcpdump tshark iperf3 python3 timeout tun

NSS="ul h1 h2 h3 vm1 vm2"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-qos.XXXXXX)

netns_underlay qos
rt_start h1 && rt_start h2 || { fail "routers up" "$(tail -n 3 "$TMP"/h*.log)"; finish; }
MAC1=02:00:00:00:10:01 MAC2=02:00:00:00:10:02
Q1="qos premium rate 20mbit burst 64k opt 0x0132:0x01:00000641"
Q2="qos expedited"
printf '%s\n' "set host addr 10.200.0.1" "add vpc 100 cidr 10.0.1.0/24" "add port tap1" \
	"add ep 100 10.0.1.5 mac $MAC1 port tap1 $Q1" "add ep 100 10.0.1.6 mac $MAC2 host 10.200.0.2" >"$TMP/h1.conf"
printf '%s\n' "set host addr 10.200.0.2" "add vpc 100 cidr 10.0.1.0/24" "add port tap2" \
	"add ep 100 10.0.1.6 mac $MAC2 port tap2 $Q2" "add ep 100 10.0.1.5 mac $MAC1 host 10.200.0.1" >"$TMP/h2.conf"
out=$(rt h1 batch "$TMP/h1.conf" 2>&1 && rt h2 batch "$TMP/h2.conf" 2>&1) &&
	ok "both hosts configured (classes, rate, extra option)" ||
	{ fail "both hosts configured" "$out $(tail -n 3 "$TMP"/h*.log)"; finish; }
VM_MTU=1400
vm_up h1 vm1 tap1 $MAC1 10.0.1.5 && vm_up h2 vm2 tap2 $MAC2 10.0.1.6 &&
	ok "TAP ports moved into vm1 and vm2" || { fail "TAP ports moved into vm1 and vm2"; finish; }

# ---- DSCP and options on the wire ----
ip netns exec "$P-h2" timeout 30 tcpdump -i ul2 -U -s 256 -w "$TMP/ul2.pcap" udp port 6081 2>"$TMP/ul2.pcap.err" &
cap=$!; pids+=("$cap")
cap_wait "$TMP/ul2.pcap.err"
check "ping vm1 -> vm2 across the hosts" nsx vm1 timeout 10 ping -c 3 -i 0.2 -W 2 10.0.1.6
sleep 1
kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null
d1=$(tshark -r "$TMP/ul2.pcap" -Y 'ip.src == 10.200.0.1 && geneve' -T fields -E occurrence=f -e ip.dsfield.dscp 2>/dev/null | sort -u | tr '\n' ' ')
d2=$(tshark -r "$TMP/ul2.pcap" -Y 'ip.src == 10.200.0.2 && geneve' -T fields -E occurrence=f -e ip.dsfield.dscp 2>/dev/null | sort -u | tr '\n' ' ')
check_eq "tshark: premium vm1 -> vm2 carries DSCP 46 (EF)" "46 " "$d1"
check_eq "tshark: expedited vm2 -> vm1 carries DSCP 34 (AF41)" "34 " "$d2"
cls=$(tshark -r "$TMP/ul2.pcap" -Y 'ip.src == 10.200.0.1 && geneve' -T fields -e geneve.option.class 2>/dev/null | head -n 1)
case $cls in *0x0132*|*306*) ok "tshark: the extra option (class 0x0132) is on the wire" ;;
*) fail "tshark: the extra option (class 0x0132) is on the wire" "classes '$cls'" ;; esac
dec=$("$GENV" decode -r "$TMP/ul2.pcap" 2>&1)
grep -q 'qos class=premium prio=0' <<<"$dec" && grep -q 'gcp.vnid' <<<"$dec" && grep -q 'qos class=expedited prio=1' <<<"$dec" &&
	ok "genv decode: QoS options of both classes and the extra option" ||
	fail "genv decode: QoS options of both classes and the extra option" "$(head -c 400 <<<"$dec")"

# ---- the rate limit (UDP: the receiver's count against the bucket's rate) ----
ip netns exec "$P-vm2" timeout 20 iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
pids+=("$!")
sleep 0.5
nsx vm1 timeout 15 iperf3 -c 10.0.1.6 -p 5201 -u -b 40M -l 1200 -t 3 -J >"$TMP/iperf.json" 2>&1
# the bucket counts the inner frame: 1200 + 8 (UDP) + 20 (IPv4) + 14 (Ethernet) bytes
read -r rx want < <(python3 -c '
import json, sys
s = json.load(open(sys.argv[1]))["end"]["sum"]
rx = (s["packets"] - s["lost_packets"]) * 1200 * 8 / s["seconds"]
print(int(rx), int(20e6 * 1200 / 1242))' "$TMP/iperf.json" 2>/dev/null)
if [ -n "${rx:-}" ] && [ "$rx" -ge $((want * 9 / 10)) ] && [ "$rx" -le $((want * 11 / 10)) ]; then
	ok "rate 20mbit holds within 10%: $((rx / 1000)) kbit/s received, $((want / 1000)) expected"
else
	fail "rate 20mbit holds within 10%" "received ${rx:-?} want ${want:-?}: $(head -c 300 "$TMP/iperf.json")"
fi
n=$(jget h1 drops qos.rate_limit)
[ "$n" -gt 0 ] && ok "rate drops counted under qos.rate_limit ($n)" || fail "rate drops counted under qos.rate_limit" "$n"

# ---- ECN (RFC 6040) and options, with Geneve crafted on h1 ----
cat >"$TMP/send.py" <<'PYEOF'
import socket, struct, sys
outer_tos, inner_tos, opt = int(sys.argv[1], 0), int(sys.argv[2], 0), bytes.fromhex(sys.argv[3])
def csum(b):
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff
data = b"ecn-probe"
udp = struct.pack("!HHHH", 4000, 9999, 8 + len(data), 0) + data
ip = struct.pack("!BBHHHBBH4s4s", 0x45, inner_tos, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton("10.0.1.5"), socket.inet_aton("10.0.1.6"))
ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
eth = bytes.fromhex("020000001002" "020000001001" "0800")
crit = 0x40 if len(sys.argv) > 4 else 0	# the C bit: a critical option follows
gnv = struct.pack("!BBHI", len(opt) // 4, crit, 0x6558, 100 << 8) + opt
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TOS, outer_tos)
for _ in range(3):
    s.sendto(gnv + eth + ip + udp, ("10.200.0.2", 6081))
PYEOF
ip netns exec "$P-vm2" timeout 20 tcpdump -i eth0 -U -w "$TMP/vm2.pcap" udp port 9999 2>"$TMP/vm2.pcap.err" &
cap=$!; pids+=("$cap")
cap_wait "$TMP/vm2.pcap.err"
e0=$(jget h2 drops ecn.ce_not_ect) c0=$(jget h2 drops geneve.critical)
nsx h1 python3 "$TMP/send.py" 0x03 0x02 ""		# CE outer, ECT(0) inner: CE
nsx h1 python3 "$TMP/send.py" 0x02 0x01 ""		# ECT(0) outer, ECT(1) inner: ECT(1)
nsx h1 python3 "$TMP/send.py" 0x03 0x00 ""		# CE outer, not-ECT inner: drop
nsx h1 python3 "$TMP/send.py" 0x00 0x02 "0102810100000000" C	# unknown critical option: drop
nsx h1 python3 "$TMP/send.py" 0x00 0x00 "0333010100000000"	# unknown, not critical: delivered
sleep 1
kill "$cap" 2>/dev/null; wait "$cap" 2>/dev/null
ecn=$(tshark -r "$TMP/vm2.pcap" -T fields -e ip.dsfield.ecn 2>/dev/null | tr '\n' ' ')
check_eq "tcpdump at vm2: CE propagates to ECT(0), ECT(1) kept, not-ECT under CE not delivered, non-critical option ignored" \
	"3 3 3 1 1 1 0 0 0 " "$ecn"
e1=$(jget h2 drops ecn.ce_not_ect) c1=$(jget h2 drops geneve.critical)
check_eq "the not-ECT packets under CE counted (ecn.ce_not_ect)" 3 $((e1 - e0))
check_eq "the unknown critical option counted (geneve.critical)" 3 $((c1 - c0))
finish
