#!/usr/bin/env bash
# Proxied endpoints end to end, in network namespaces (genv-route(8)
# ENDPOINT TYPES, genv-options(7) odst).
#
#   h1, h2, h3: three hosts on one underlay bridge (10.200.0.1-3), each
#   running `genv route run`.  VPC 100 10.0.0.0/16:
#     c1 10.0.1.5 (h1): the client
#     px 10.0.2.7 (h2): the proxy, a TCP relay on port 8080
#     ep 10.0.3.3 (h3): the proxied endpoint, a TCP server on port 8080
#
# Checks: the client's connection to the endpoint reaches the proxy, and
# the proxy's own connection reaches the endpoint (the answer names the
# proxy as its peer); the underlay packets to the proxy's host carry the
# inner destination 10.0.2.7, eptype proxied and the original-destination
# option naming 10.0.3.3 and its MAC, read by genv decode and as raw option
# bytes by tshark; the identity option is not critical (no C bit) until the
# VPC has a network policy (tshark); the client sees only the endpoint's address as the
# source of the answers (tshark); a malformed option sent to h2 is dropped
# and counted as proxy.malformed; show ep -j counts the flow.
# Needs root; exits 77 (skip) without it or without the tools.
# Run it under flock /tmp/genv-net.lock: one namespace test at a time.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gx$$
TMP=
pids=()

require proxied root ip tcpdump tshark python3 timeout tun

NSS="ul h1 h2 h3 c1 px ep"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-proxied.XXXXXX)
netns_underlay proxied

netns_routers h1 h2 h3

EP=10.0.3.3
EPMAC=02:00:00:00:03:03
PX=10.0.2.7
# name IP MAC HOST
EPS="c1 10.0.1.5 02:00:00:00:01:05 1
px $PX 02:00:00:00:02:07 2
ep $EP $EPMAC 3"
for h in 1 2 3; do
	{
		echo "set host addr 10.200.0.$h id h$h"
		echo "add vpc 100 cidr 10.0.0.0/16"
		netns_ep_lines 100 "$h" "$EPS"
		echo "set ep 100 $EP type proxied proxy $PX"
	} >"$TMP/h$h.conf"
	out=$(rt "h$h" batch "$TMP/h$h.conf" 2>&1) && ok "h$h: config with a proxied endpoint applies" ||
		fail "h$h: config with a proxied endpoint applies" "$out"
done
netns_vms "$EPS"
check_eq "TAP ports moved into the VMs" 0 "$?"
dump=$(rt h3 dump 2>&1)
grep -q "add ep 100 $EP mac $EPMAC type proxied port tep proxy $PX" <<<"$dump" &&
	ok "dump: the proxied endpoint with its proxy" || fail "dump: the proxied endpoint with its proxy" "$dump"

# the endpoint: answers with what it got and from whom
nsx ep timeout 30 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(8)
while True:
    c, peer = s.accept()
    n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b"ep got %d from %s" % (n, peer[0].encode())); c.close()' >/dev/null 2>&1 &
pids+=("$!")
# the proxy: relays a connection to the endpoint with its own socket
nsx px timeout 30 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 8080)); s.listen(8)
while True:
    c, _ = s.accept()
    data = b""
    while True:
        b = c.recv(65536)
        if not b: break
        data += b
    u = socket.create_connection(("10.0.3.3", 8080), timeout=5)
    u.sendall(data); u.shutdown(socket.SHUT_WR)
    ans = b""
    while True:
        b = u.recv(65536)
        if not b: break
        ans += b
    c.sendall(b"proxy:" + ans); c.close()' >/dev/null 2>&1 &
pids+=("$!")
ip netns exec "$P-h2" timeout 20 tcpdump -i ul2 -U -n -w "$TMP/ul2.pcap" udp port 6081 2>"$TMP/ul2.pcap.err" &
pids+=("$!")
ip netns exec "$P-c1" timeout 20 tcpdump -i eth0 -U -n -w "$TMP/c1.pcap" tcp port 8080 2>"$TMP/c1.pcap.err" &
pids+=("$!")
cap_wait "$TMP/ul2.pcap.err" "$TMP/c1.pcap.err"

got=$(nsx c1 timeout 10 python3 -c '
import socket
c = socket.create_connection(("10.0.3.3", 8080), timeout=5)
c.sendall(b"x" * 5000); c.shutdown(socket.SHUT_WR)
ans = b""
while True:
    b = c.recv(65536)
    if not b: break
    ans += b
print(ans.decode())' 2>&1)
check_eq "the client's connection to the endpoint went through the proxy, which reached the endpoint" \
	"proxy:ep got 5000 from $PX" "$got"
# a VPC with a network policy (h1, the sender): the identity option goes critical
out=$(rt h1 add policy 100 none select app=none ingress from pod app=none 2>&1) ||
	fail "h1: add a policy that selects no endpoint" "$out"
nsx c1 timeout 5 python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(3): s.sendto(b"after policy", ("10.0.3.3", 9)); time.sleep(0.1)'
sleep 1

# ---- the underlay to the proxy's host (h2) ----
dec=$("$GENV" decode -r "$TMP/ul2.pcap" 2>&1)
n=$(grep -c "odst addr=$EP mac=$EPMAC" <<<"$dec")
[ "$n" -gt 0 ] && ok "genv decode: the original-destination option names $EP and its MAC ($n packets)" ||
	fail "genv decode: the original-destination option names $EP" "$(head -3 <<<"$dec")"
n=$(grep "odst addr=$EP" <<<"$dec" | grep -c 'eptype type=proxied')
[ "$n" -gt 0 ] && ok "genv decode: with eptype proxied" || fail "genv decode: with eptype proxied" "$(head -3 <<<"$dec")"
# tshark: the raw option (class ffa7, type 07, length 3 words, data
# 00 04 MAC IPv4) on packets whose inner destination is the proxy
want="ffa70703""0004${EPMAC//:/}0a000303"
raw=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "ip.dst == $PX && tcp.dstport == 8080" \
	-T fields -e geneve.option 2>/dev/null | tr ',' '\n' | sort | uniq -c)
grep -q " $want\$" <<<"$raw" && ok "tshark: raw option bytes $want on packets to the proxy" ||
	fail "tshark: raw option bytes $want on packets to the proxy" "$raw"
nopt=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "ip.dst == $PX && tcp.dstport == 8080" 2>/dev/null | wc -l)
nwith=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "ip.dst == $PX && tcp.dstport == 8080 && geneve.option contains ${want:8}" 2>/dev/null | wc -l)
[ "$nopt" -gt 0 ] && check_eq "tshark: every client packet to the proxy carries the option" "$nopt" "$nwith" ||
	fail "tshark: client packets to the proxy captured" "none"

# ---- the C bit (tshark): clear without policies, set with one ----
ntcp=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "ip.dst == $PX && tcp.dstport == 8080" 2>/dev/null | wc -l)
nclear=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "ip.dst == $PX && tcp.dstport == 8080 && geneve.flags.critical == 0 && geneve.option.type == 0x06 && !(geneve.option.type == 0x86)" 2>/dev/null | wc -l)
[ "$ntcp" -gt 0 ] && check_eq "no policy: identity option 0x06, no C bit on every packet (tshark)" "$ntcp" "$nclear" ||
	fail "no policy: packets captured" "none"
nset=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "!icmp && ip.dst == $PX && udp.dstport == 9 && geneve.flags.critical == 1 && geneve.option.type == 0x86" 2>/dev/null | wc -l)
nudp=$(tshark -r "$TMP/ul2.pcap" -d udp.port==6081,geneve -Y "!icmp && ip.dst == $PX && udp.dstport == 9" 2>/dev/null | wc -l)
[ "$nudp" -gt 0 ] && check_eq "with a policy in the VPC: identity option 0x86 and the C bit on every packet (tshark)" "$nudp" "$nset" ||
	fail "with a policy: packets captured" "none"

# ---- the client saw only the endpoint's address ----
srcs=$(tshark -r "$TMP/c1.pcap" -Y 'tcp.srcport == 8080' -T fields -e ip.src 2>/dev/null | sort -u | tr '\n' ' ')
check_eq "every answer the client saw came from the endpoint's address (tshark in c1)" "$EP " "$srcs"
flows=$(jget h1 ep proxy_flows)
check_eq "show ep -j on h1: two flows (TCP, UDP) sent to the proxy" 2 "$flows"

# ---- a malformed option (family 4, 8 bytes) is dropped at h2 ----
mac2=$(nsx h2 cat /sys/class/net/ul2/address)
before=$(jget h2 drops proxy.malformed)
nsx h1 "$GENV" craft -i ul1 -c 3 "eth dst=$mac2 / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp dport=6081 / geneve vni=100 opt=0xffa7:7:0004000000000000 / eth src=02:00:00:00:01:05 dst=02:00:00:00:02:07 / ipv4 src=10.0.1.5 dst=$PX / udp dport=9 / payload len=10" >/dev/null 2>&1
sleep 0.5
after=$(jget h2 drops proxy.malformed)
check_eq "a malformed original-destination option is dropped and counted (proxy.malformed)" 3 "$((after - before))"
finish
