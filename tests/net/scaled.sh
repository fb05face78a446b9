#!/usr/bin/env bash
# Scaled endpoints end to end, in network namespaces (genv-route(8)
# ENDPOINT TYPES).
#
#   h1, h2, h3: three hosts on one underlay bridge (10.200.0.1-3), each
#   running `genv route run`.  VPC 100 10.0.0.0/16:
#     c1 10.0.1.5 (h1): the client
#     s1 10.0.2.10, s2 10.0.2.11 (h2); s3 10.0.3.10, s4 10.0.3.11 (h3):
#       the backends of the scaled endpoint 10.0.9.1; s5 10.0.3.12 (h3) is
#       added as a fifth while a TCP connection is open.
#
# Checks: 1,000 UDP flows (distinct source ports) from c1 to the VIP spread
# over the 4 backends within chi-square bounds (counted by tcpdump in the
# backend VMs); a long TCP connection to the VIP survives the fifth
# backend being added (the client gets its whole echo back); the client
# VM's capture (tcpdump, read with tshark) shows the VIP as the source of
# every reply and never a backend address; the underlay packets to the
# backends carry eptype scaled (genv decode); `show ep -j` per-backend
# flow counts add up.
# Needs root; exits 77 (skip) without it or without the tools.
# Run it under flock /tmp/genv-net.lock: one namespace test at a time.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gs$$
TMP=
pids=()

require scaled root ip tcpdump tshark python3 timeout tun

NSS="ul h1 h2 h3 c1 s1 s2 s3 s4 s5"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-scaled.XXXXXX)
netns_underlay scaled

netns_routers h1 h2 h3

VIP=10.0.9.1
# backends flows|count [IP]: from h1's `show ep -j`, the flows summed over
# the scaled endpoint's backends (or the one with address IP), or their number
backends() {
	rt h1 -j show ep 100 | python3 -c '
import json, sys
what, ip = sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else None
found = []
def walk(o):
    if isinstance(o, dict):
        if isinstance(o.get("backends"), list) and o["backends"]:
            found.extend(b for b in o["backends"] if ip is None or b["ip"] == ip)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin))
print(len(found) if what == "count" else sum(b["flows"] for b in found))' "$@"
}
# name IP MAC HOST
EPS="c1 10.0.1.5 02:00:00:00:01:05 1
s1 10.0.2.10 02:00:00:00:02:10 2
s2 10.0.2.11 02:00:00:00:02:11 2
s3 10.0.3.10 02:00:00:00:03:10 3
s4 10.0.3.11 02:00:00:00:03:11 3
s5 10.0.3.12 02:00:00:00:03:12 3"
for h in 1 2 3; do
	{
		echo "set host addr 10.200.0.$h id h$h"
		echo "add vpc 100 cidr 10.0.0.0/16"
		netns_ep_lines 100 "$h" "$EPS"
		echo "add ep 100 $VIP mac 02:00:00:00:09:01 type scaled backends 10.0.2.10 10.0.2.11 10.0.3.10 10.0.3.11"
	} >"$TMP/h$h.conf"
	out=$(rt "h$h" batch "$TMP/h$h.conf" 2>&1) && ok "h$h: config with a scaled endpoint applies" ||
		fail "h$h: config with a scaled endpoint applies" "$out"
done
netns_vms "$EPS"
check_eq "TAP ports moved into the VMs" 0 "$?"

# ---- 1,000 UDP flows: spread over the backends ----
for n in s1 s2 s3 s4; do
	ip netns exec "$P-$n" timeout 30 tcpdump -i eth0 -U -n -w "$TMP/$n.pcap" udp dst port 9000 2>/dev/null &
	pids+=("$!")
done
ip netns exec "$P-h2" timeout 30 tcpdump -i ul2 -U -n -w "$TMP/ul2.pcap" udp port 6081 2>/dev/null &
pids+=("$!")
ip netns exec "$P-c1" timeout 40 tcpdump -i eth0 -U -n -w "$TMP/c1.pcap" tcp port 7000 2>/dev/null &
pids+=("$!")
sleep 1
nsx c1 timeout 20 python3 - "$VIP" <<'PY'
import socket, sys, time
for i in range(1000):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("10.0.1.5", 20000 + i))
    s.sendto(b"flow %d" % i, (sys.argv[1], 9000))
    s.close()
    if i % 100 == 99:
        time.sleep(0.05)
PY
sleep 1
counts=()
for n in s1 s2 s3 s4; do
	counts+=("$(tshark -r "$TMP/$n.pcap" -Y "udp.dstport == 9000 && ip.dst != $VIP" -T fields -e udp.srcport 2>/dev/null | sort -u | wc -l)")
done
echo "# flows per backend: ${counts[*]}"
total=$(( counts[0] + counts[1] + counts[2] + counts[3] ))
check_eq "every UDP flow reached one backend (tcpdump in the backend VMs)" 1000 "$total"
chi=$(python3 -c 'import sys; c=[int(x) for x in sys.argv[1:]]; e=sum(c)/4; print("%.2f" % sum((x-e)**2/e for x in c))' "${counts[@]}")
python3 -c "import sys; sys.exit(0 if $chi < 16.27 else 1)" &&
	ok "flows spread over 4 backends: chi-square $chi < 16.27 (p=0.001)" ||
	fail "flows spread over 4 backends: chi-square $chi < 16.27 (p=0.001)" "${counts[*]}"
shown=$(backends flows)
check_eq "show ep -j: per-backend flows of h1 add up to the flows sent" 1000 "$shown"
eptype=$("$GENV" decode -r "$TMP/ul2.pcap" 2>/dev/null | grep -c 'eptype type=scaled')
[ "$eptype" -gt 0 ] && ok "underlay to a backend host carries eptype scaled ($eptype packets, genv decode)" ||
	fail "underlay to a backend host carries eptype scaled" "$("$GENV" decode -r "$TMP/ul2.pcap" 2>&1 | head -3)"

# ---- a TCP connection survives a fifth backend ----
for n in s1 s2 s3 s4 s5; do
	ip netns exec "$P-$n" timeout 30 python3 -c '
import socket
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 7000)); s.listen(8)
while True:
    c, _ = s.accept()
    n = 0
    while True:
        b = c.recv(65536)
        if not b: break
        n += len(b)
    c.sendall(b"got %d" % n); c.close()' >/dev/null 2>&1 &
	pids+=("$!")
done
sleep 0.5
nsx c1 timeout 20 python3 - "$VIP" >"$TMP/tcp.out" 2>&1 <<'PY' &
import socket, sys, time
c = socket.create_connection((sys.argv[1], 7000), timeout=5)
sent = 0
end = time.time() + 4
while time.time() < end:
    c.sendall(b"x" * 1000); sent += 1000
    time.sleep(0.005)
c.shutdown(socket.SHUT_WR)
print(c.recv(100).decode(), "sent", sent)
PY
tcp=$!
sleep 1.5
r=0
for h in h1 h2 h3; do rt "$h" set ep 100 "$VIP" backends +10.0.3.12 >/dev/null || r=1; done
check_eq "set ep ... backends +10.0.3.12 accepted by h1, h2 and h3" 0 "$r"
wait "$tcp"; rc=$?
got=$(cat "$TMP/tcp.out")
n_got=$(echo "$got" | sed -n 's/^got \([0-9]*\) sent \([0-9]*\)$/\1/p')
n_sent=$(echo "$got" | sed -n 's/^got \([0-9]*\) sent \([0-9]*\)$/\2/p')
[ "$rc" = 0 ] && [ -n "$n_got" ] && [ "$n_got" = "$n_sent" ] &&
	ok "open TCP connection kept its backend while a fifth was added ($n_got bytes echoed)" ||
	fail "open TCP connection kept its backend while a fifth was added" "rc $rc: $got"
nb=$(backends count)
check_eq "the fifth backend is in h1's table" 5 "$nb"
# new flows now reach the fifth backend too
nsx c1 timeout 10 python3 -c '
import socket
for i in range(200):
    s = socket.create_connection(("10.0.9.1", 7000), timeout=3); s.sendall(b"y"); s.shutdown(socket.SHUT_WR); s.recv(10); s.close()' \
	&& ok "200 new TCP connections to the VIP after the change" || fail "200 new TCP connections to the VIP after the change"
s5=$(backends flows 10.0.3.12)
[ "$s5" -ge 15 ] && [ "$s5" -le 70 ] && ok "the fifth backend took about 1/5 of the new connections ($s5 of 200)" ||
	fail "the fifth backend took about 1/5 of the new connections" "$s5 of 200"
sleep 1

# ---- replies carry the VIP (the client VM's capture, tshark) ----
srcs=$(tshark -r "$TMP/c1.pcap" -Y 'tcp.srcport == 7000' -T fields -e ip.src 2>/dev/null | sort -u | tr '\n' ' ')
check_eq "every reply the client saw came from the VIP (tcpdump in c1, tshark)" "$VIP " "$srcs"
# Only the replies (source port 7000): what the client sends is captured
# before its TAP's checksum offload fills the TCP checksum in.  Frames the
# router coalesced (longer than the MTU) reach the VM with a partial TCP
# checksum (virtio NEEDS_CSUM: the pseudo-header sum); the coalescer merges
# only segments whose checksums it verified, so the segments' are checked.
bad=$(tshark -r "$TMP/c1.pcap" -o tcp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y 'tcp.srcport == 7000 && ((tcp.checksum.status == 0 && ip.len <= 1500) || ip.checksum.status == 0)' 2>/dev/null | wc -l)
nrep=$(tshark -r "$TMP/c1.pcap" -Y 'tcp.srcport == 7000' 2>/dev/null | wc -l)
[ "$nrep" -gt 0 ] || fail "replies captured in c1" "none"
check_eq "no bad IPv4/TCP checksum in the rewritten replies (tshark)" 0 "$bad"
finish
