#!/usr/bin/env bash
# Gateway endpoints end to end, in network namespaces (genv-route(8)
# GATEWAY).
#
#   h1, h2, h3: three hosts on one underlay bridge (10.200.0.1-3), each
#   running `genv route run`.  VPCs 100 and 200 have the same CIDR
#   10.0.0.0/16 and each a VM at 10.0.1.5: v1 (VPC 100, on h1) and v2
#   (VPC 200, on h2).  h3 is the gateway host of both (nat-ports
#   20000-20009, nftables drops the range in its input hook).  srv is a
#   plain namespace on the underlay bridge, 10.200.0.50: a UDP echo, a
#   TCP server that answers with the address it sees, and nothing on
#   UDP port 9999.
#
# Checks: both VMs, with the same address and source port, get their own
# UDP echo back; TCP through the gateway, and the server names the
# gateway's address as its peer; ping from both; tcpdump on srv sees
# only 10.200.0.3 as the source; a UDP datagram to the closed port comes
# back as ICMP port unreachable to the right VM, translated (tshark in
# the VM: the quoted source is the VM's address and port, checksums
# good); show nat -j lists both VPCs; a flood of flows to one server port
# exhausts the range and counts nat.ports_exhausted.
# Needs root; exits 77 (skip) without it or without the tools.
# Run it under flock /tmp/genv-net.lock: one namespace test at a time.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gg$$
TMP=
pids=()

require gateway root ip tcpdump tshark python3 timeout nft tun

NSS="ul h1 h2 h3 v1 v2 srv"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-gateway.XXXXXX)
netns_underlay gateway
ip link add srv0 netns "$P-srv" type veth peer name srv netns "$P-ul"
nsx ul ip link set srv master br0 up
nsx srv ip addr add 10.200.0.50/24 dev srv0
nsx srv ip link set srv0 up

for h in h1 h2 h3; do
	ip netns exec "$P-$h" "$GENV" route run -S "$TMP/$h.sock" >>"$TMP/$h.log" 2>&1 &
	pids+=("$!")
	for _ in $(seq 50); do rt "$h" show host >/dev/null 2>&1 && break; sleep 0.1; done
done

# name VNI MAC HOST
EPS="v1 100 02:00:00:00:01:05 1
v2 200 02:00:00:00:02:05 2"
for h in 1 2 3; do
	{
		echo "set host addr 10.200.0.$h id h$h"
		echo "add vpc 100 cidr 10.0.0.0/16"
		echo "add vpc 200 cidr 10.0.0.0/16"
		while read -r n vni mac eh; do
			if [ "$eh" = "$h" ]; then
				echo "add port t$n"
				echo "add ep $vni 10.0.1.5 mac $mac port t$n"
			else
				echo "add ep $vni 10.0.1.5 mac $mac host 10.200.0.$eh"
			fi
		done <<<"$EPS"
		for vni in 100 200; do
			echo "add ep $vni 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.3 nat-ports 20000-20009"
		done
	} >"$TMP/h$h.conf"
	out=$(rt "h$h" batch "$TMP/h$h.conf" 2>&1) && ok "h$h: config with two gateway endpoints applies" ||
		fail "h$h: config with two gateway endpoints applies" "$out"
done
r=0
while read -r n vni mac eh; do
	ip -n "$P-h$eh" link set "t$n" netns "$P-$n" &&
	nsx "$n" ip link set "t$n" name eth0 &&
	nsx "$n" ip link set eth0 address "$mac" &&
	nsx "$n" ip link set eth0 up &&
	nsx "$n" ip addr add 10.0.1.5/16 dev eth0 &&
	nsx "$n" ip route add default via 10.0.0.1 || r=1
done <<<"$EPS"
check_eq "TAP ports moved into the VMs, default route via the VPC gateway" 0 "$r"
# the kernel of the gateway host must not answer for the NAT ports
nsx h3 nft -f - <<'EOF'
table ip genv_gw {
	chain in {
		type filter hook input priority 0;
		ip daddr 10.200.0.3 tcp dport 20000-20009 drop
		ip daddr 10.200.0.3 udp dport 20000-20009 drop
	}
}
EOF
check_eq "nftables drops the NAT ports in h3's input hook" 0 "$?"

# ---- the server ----
nsx srv timeout 60 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.200.0.50", 7))
while True:
    b, a = s.recvfrom(2000)
    s.sendto(b"echo " + b, a)' >/dev/null 2>&1 &
pids+=("$!")
nsx srv timeout 60 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.200.0.50", 80)); s.listen(8)
while True:
    c, a = s.accept()
    c.recv(1000)
    c.sendall(b"HTTP/1.0 200 OK\r\n\r\nyou are %s\n" % a[0].encode()); c.close()' >/dev/null 2>&1 &
pids+=("$!")
nsx srv timeout 60 tcpdump -i srv0 -U -n -w "$TMP/srv.pcap" host 10.200.0.50 and not port 6081 2>"$TMP/srv.pcap.err" &
pids+=("$!")
for n in v1 v2; do
	nsx "$n" timeout 60 tcpdump -i eth0 -U -n -w "$TMP/$n.pcap" icmp or udp or tcp 2>"$TMP/$n.pcap.err" &
	pids+=("$!")
done
cap_wait "$TMP"/{srv,v1,v2}.pcap.err

# ---- UDP: the same address and port in both VPCs ----
udp_echo() {
	nsx "$1" timeout 5 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.1.5", 5000)); s.settimeout(2)
s.sendto(sys.argv[1].encode(), ("10.200.0.50", 7))
print(s.recvfrom(100)[0].decode())' "$2" 2>&1
}
check_eq "v1 (VPC 100) gets its own UDP echo through the gateway" "echo from-vpc-100" "$(udp_echo v1 from-vpc-100)"
check_eq "v2 (VPC 200, same address and port) gets its own UDP echo" "echo from-vpc-200" "$(udp_echo v2 from-vpc-200)"

# ---- TCP: the server names the gateway's address ----
for n in v1 v2; do
	got=$(nsx "$n" timeout 5 python3 -c '
import socket
c = socket.create_connection(("10.200.0.50", 80), timeout=3)
c.sendall(b"GET / HTTP/1.0\r\n\r\n")
b = b""
while True:
    d = c.recv(1000)
    if not d: break
    b += d
print(b.decode().split("\r\n\r\n", 1)[1].strip())' 2>&1)
	check_eq "$n: HTTP over TCP through the gateway; the server saw the gateway host" "you are 10.200.0.3" "$got"
done

# ---- ping ----
for n in v1 v2; do
	nsx "$n" ping -c 2 -i 0.2 -W 2 10.200.0.50 >/dev/null 2>&1 &&
		ok "$n: ping 10.200.0.50 through the gateway" || fail "$n: ping 10.200.0.50 through the gateway"
done

# ---- ICMP port unreachable back to the right VM ----
got=$(nsx v2 timeout 5 python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.1.5", 5555)); s.connect(("10.200.0.50", 9999)); s.settimeout(2)
s.send(b"anyone?")
try:
    s.recv(100); print("answer")
except ConnectionRefusedError:
    print("refused")
except socket.timeout:
    print("timeout")' 2>&1)
check_eq "v2: UDP to a closed server port is refused (ICMP error translated back)" "refused" "$got"
sleep 1
err=$(tshark -r "$TMP/v2.pcap" -o ip.check_checksum:TRUE -Y 'icmp.type == 3 && icmp.code == 3' \
	-T fields -E occurrence=a -E separator=';' -e ip.src -e ip.dst -e udp.srcport -e udp.dstport \
	-e icmp.checksum.status -e ip.checksum.status 2>/dev/null | head -1)
check_eq "tshark in v2: port unreachable from the server quoting v2's own address and port, checksums good" \
	"10.200.0.50,10.0.1.5;10.0.1.5,10.200.0.50;5555;9999;1;1,1" "$err"
n1=$(tshark -r "$TMP/v1.pcap" -Y 'icmp.type == 3' 2>/dev/null | wc -l)
check_eq "v1 (the other VPC, same address) got no ICMP error" 0 "$n1"
udpck=$(tshark -r "$TMP/v2.pcap" -o udp.check_checksum:TRUE -Y 'icmp.type == 3 && udp.checksum.status == 1' 2>/dev/null | wc -l)
check_eq "the quoted UDP checksum verifies (tshark)" 1 "$udpck"

# ---- what the server saw ----
srcs=$(tshark -r "$TMP/srv.pcap" -Y 'ip.dst == 10.200.0.50 && !(ip.src == 10.200.0.50)' -T fields -E occurrence=f -e ip.src 2>/dev/null | sort -u | tr '\n' ' ')
check_eq "every packet the server got came from the gateway host (tcpdump on srv)" "10.200.0.3 " "$srcs"
ports=$(tshark -r "$TMP/srv.pcap" -Y 'ip.dst == 10.200.0.50 && (udp || tcp)' -T fields -e udp.srcport -e tcp.srcport 2>/dev/null |
	tr -s '\t' '\n' | sort -un | awk '$1 < 20000 || $1 > 20009' | wc -l)
check_eq "every source port the server saw is in the range 20000-20009" 0 "$ports"
vnis=$(rt h3 -j show nat | python3 -c '
import json, sys
d = json.load(sys.stdin)
print(" ".join(str(v) for v in sorted({e["vni"] for e in d["entries"]})))')
check_eq "show nat -j on h3: mappings of both VPCs" "100 200" "$vnis"

# ---- port exhaustion ----
nsx v1 timeout 10 python3 -c '
import socket, time
for i in range(16):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.1.5", 6000 + i)); s.sendto(b"x", ("10.200.0.50", 7777)); s.close()
    time.sleep(0.01)'
sleep 0.5
ex=$(jget h3 stats nat.ports_exhausted)
[ "$ex" -ge 6 ] && ok "16 flows to one server port over 10 NAT ports: nat.ports_exhausted $ex" ||
	fail "16 flows to one server port over 10 NAT ports: nat.ports_exhausted" "$ex"
[ -n "${GW_DEBUG:-}" ] && for h in h1 h3; do echo "== $h"; rt $h show stats | grep -v " 0$" | head -40; rt $h show nat; done
finish
