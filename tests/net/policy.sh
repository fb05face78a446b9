#!/usr/bin/env bash
# Kubernetes NetworkPolicy in genv route, with real traffic, in namespaces.
#
#   h1 10.200.0.1, h2 10.200.0.2: hosts on one underlay bridge, each running
#   `genv route run`; h3 10.200.0.3 is on the bridge too but runs nothing and
#   is no host of the VPC (the intruder of check 5).
#   VPC 100, namespace prod:  vm1 10.0.1.5 app=client (h1)
#                             vm2 10.0.1.6 app=web    (h2)
#   vm2 runs echo servers on tcp/80, tcp/81 and udp/53 (python3).
#
# Checks: no policy lets everything through; an ingress policy on vm2 lets
# only tcp/80 from app=client in (and its replies out), counted as
# policy.ingress_denied; an egress policy on vm1 lets only udp/53 out,
# counted as policy.egress_denied at the sender; an open TCP connection
# survives a `set policy` that still allows it and stops at one that does
# not; Geneve with vm1's valid identity from an address that is no host is
# dropped (underlay.unknown_peer), the same packet from h1 delivered, and a
# forged identity from h1 dropped (policy.identity_untrusted).
# Needs root and /dev/net/tun; exits 77 (skip) without them.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015,SC2086,SC2317  # $WEB etc. are words of the command language; cli, pings run through pass
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=gp$$
TMP=
pids=()

require policy root ip tcpdump python3 timeout tun

NSS="ul h1 h2 h3 vm1 vm2"
trap netns_cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-policy.XXXXXX)
PY=/usr/bin/python3

# ---- hosts, routers, VMs ----
netns_underlay policy
rt_start h1 && rt_start h2 || { fail "routers up" "$(tail -n 3 "$TMP"/h*.log)"; finish; }
MAC1=02:00:00:00:10:01 MAC2=02:00:00:00:10:02
EP1="10.0.1.5 mac $MAC1" EP2="10.0.1.6 mac $MAC2"
L1="ns prod labels app=client" L2="ns prod labels app=web"
common="add vpc 100 cidr 10.0.1.0/24
add ns 100 prod labels env=prod"
printf '%s\n' "set host addr 10.200.0.1" "$common" "add port tap1" \
	"add ep 100 $EP1 port tap1 $L1" "add ep 100 $EP2 host 10.200.0.2 $L2" >"$TMP/h1.conf"
printf '%s\n' "set host addr 10.200.0.2" "$common" "add port tap2" \
	"add ep 100 $EP2 port tap2 $L2" "add ep 100 $EP1 host 10.200.0.1 $L1" >"$TMP/h2.conf"
out=$(rt h1 batch "$TMP/h1.conf" 2>&1 && rt h2 batch "$TMP/h2.conf" 2>&1) &&
	ok "both hosts configured (namespace prod, labelled endpoints)" ||
	{ fail "both hosts configured" "$out $(tail -n 3 "$TMP"/h*.log)"; finish; }
VM_MTU=1400
vm_up h1 vm1 tap1 $MAC1 10.0.1.5 && vm_up h2 vm2 tap2 $MAC2 10.0.1.6 &&
	ok "TAP ports moved into vm1 and vm2" || { fail "TAP ports moved into vm1 and vm2"; finish; }

# vm2's servers: echo on tcp/80, tcp/81, udp/53; every TCP payload received
# is logged to $TMP/rx as "PORT DATA" (the receiver's own view)
cat >"$TMP/srv.py" <<'EOF'
import socket, sys, threading
log = open(sys.argv[1], "a", buffering=1)
def conn(c, port):
    c.settimeout(30)
    try:
        while True:
            d = c.recv(100)
            if not d:
                break
            log.write("%d %s\n" % (port, d.decode(errors="replace")))
            c.sendall(d)
    except OSError:
        pass
    c.close()
def tcp(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.0.1.6", port)); s.listen(8)
    while True:
        c, _ = s.accept()
        threading.Thread(target=conn, args=(c, port), daemon=True).start()
for p in (80, 81):
    threading.Thread(target=tcp, args=(p,), daemon=True).start()
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("10.0.1.6", 53))
while True:
    d, a = u.recvfrom(100)
    u.sendto(d, a)
EOF
# the client: tcp PORT / udp PORT: send a word, expect it back within 2 s;
# exit 0 when it came back.  conn: one connection to port 80 that sends
# "one", then, each when $TMP/goN appears, "two" and "three"; it writes
# what came back to $TMP/cli
cat >"$TMP/cli.py" <<'EOF'
import os, socket, sys, time
mode, dst = sys.argv[1], "10.0.1.6"
if mode == "udp":
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.settimeout(2)
    s.sendto(b"dgram", (dst, int(sys.argv[2])))
    sys.exit(0 if s.recv(100) == b"dgram" else 1)
s = socket.create_connection((dst, int(sys.argv[2])), timeout=2)
if mode == "tcp":
    s.sendall(b"hello")
    sys.exit(0 if s.recv(100) == b"hello" else 1)
out = open(os.path.join(sys.argv[3], "cli"), "a", buffering=1)
for i, word in enumerate((b"one", b"two", b"three")):
    if i:
        go = os.path.join(sys.argv[3], "go%d" % i)
        for _ in range(200):
            if os.path.exists(go):
                break
            time.sleep(0.05)
    s.sendall(word)
    try:
        out.write("%s\n" % s.recv(100).decode())
    except OSError as e:
        out.write("%s: %s\n" % (word.decode(), e))
EOF
: >"$TMP/rx"
ip netns exec "$P-vm2" timeout 60 "$PY" "$TMP/srv.py" "$TMP/rx" >/dev/null 2>&1 &
pids+=("$!")
for _ in $(seq 30); do nsx vm2 ss -ltn 2>/dev/null | grep -q '10.0.1.6:81' && break; sleep 0.1; done

cli() { nsx vm1 timeout 5 "$PY" "$TMP/cli.py" "$@" >/dev/null 2>&1; }
pings() { nsx vm1 timeout 4 ping -c 1 -W 2 10.0.1.6 >/dev/null 2>&1; }
pass() { if "$@"; then echo pass; else echo blocked; fi; }

# ---- 1: no policy: everything passes ----
check "no policy: TCP vm1 -> vm2:80 exchanges data" cli tcp 80
check "no policy: TCP vm1 -> vm2:81 exchanges data" cli tcp 81
check "no policy: UDP vm1 -> vm2:53 answered" cli udp 53
check "no policy: ping vm1 -> vm2" pings

# ---- 2: ingress isolation of vm2: only tcp/80 from app=client ----
WEB="ns prod select app=web ingress from pod app=client port tcp/80"
: >"$TMP/rx"
before=$(jget h2 drops policy.ingress_denied)
out=$(rt h1 add policy 100 web $WEB 2>&1 && rt h2 add policy 100 web $WEB 2>&1) ||
	fail "add policy web on both hosts" "$out"
check "ingress policy: TCP 80 exchanges data both ways" cli tcp 80
check_eq "ingress policy: TCP 81 (listening) blocked" blocked "$(pass cli tcp 81)"
check_eq "ingress policy: UDP 53 blocked" blocked "$(pass cli udp 53)"
check_eq "ingress policy: ping blocked" blocked "$(pass pings)"
after=$(jget h2 drops policy.ingress_denied)
[ "$after" -gt "$before" ] && ok "h2 counts policy.ingress_denied ($before -> $after)" ||
	fail "h2 counts policy.ingress_denied" "$before -> $after"
n=$(grep -c '^81 ' "$TMP/rx")
check_eq "vm2's tcp/81 server received nothing" 0 "$n"

# ---- 3: egress at the sender: vm1 may send only udp/53 to app=web ----
OUT="ns prod select app=client egress to pod app=web port udp/53"
out=$(rt h1 del policy 100 web 2>&1 && rt h2 del policy 100 web 2>&1 &&
	rt h1 add policy 100 out $OUT 2>&1 && rt h2 add policy 100 out $OUT 2>&1) ||
	fail "del policy web, add policy out" "$out"
before=$(jget h1 drops policy.egress_denied)
check "egress policy: UDP 53 answered" cli udp 53
check_eq "egress policy: TCP 80 blocked" blocked "$(pass cli tcp 80)"
after=$(jget h1 drops policy.egress_denied)
[ "$after" -gt "$before" ] && ok "h1 counts policy.egress_denied ($before -> $after)" ||
	fail "h1 counts policy.egress_denied" "$before -> $after"

# ---- 4: an open connection while the policy changes ----
out=$(rt h1 del policy 100 out 2>&1 && rt h2 del policy 100 out 2>&1 &&
	rt h1 add policy 100 web $WEB 2>&1 && rt h2 add policy 100 web $WEB 2>&1) ||
	fail "policy A (web: tcp/80)" "$out"
: >"$TMP/cli"
ip netns exec "$P-vm1" timeout 20 "$PY" "$TMP/cli.py" conn 80 "$TMP" >/dev/null 2>&1 &
conn=$!; pids+=("$conn")
waitfor() {	# FILE PATTERN: up to 3 s
	for _ in $(seq 30); do grep -q "$2" "$1" && return 0; sleep 0.1; done
	return 1
}
waitfor "$TMP/cli" '^one$' && ok "open connection: data exchanged under policy A" ||
	fail "open connection: data exchanged under policy A" "$(cat "$TMP/cli")"
B="ns prod select app=web ingress from pod app=client port tcp/79-80 port tcp/81"
out=$(rt h2 set policy 100 web $B 2>&1) || fail "set policy web (still allows tcp/80)" "$out"
touch "$TMP/go1"
waitfor "$TMP/cli" '^two$' && waitfor "$TMP/rx" '^80 two$' &&
	ok "set policy that still allows it: the same connection keeps flowing" ||
	fail "set policy that still allows it: the same connection keeps flowing" "$(cat "$TMP/cli")"
C="ns prod select app=web ingress from pod app=client port tcp/81"
out=$(rt h2 set policy 100 web $C 2>&1) ||
	fail "set policy web (tcp/81 only)" "$out"
before=$(jget h2 drops policy.ingress_denied)
touch "$TMP/go2"
sleep 2
n=$(grep -c 'three' "$TMP/rx")
check_eq "set policy that denies it: the next send does not arrive within 2 s" 0 "$n"
after=$(jget h2 drops policy.ingress_denied)
[ "$after" -gt "$before" ] && ok "... and is counted as policy.ingress_denied ($before -> $after)" ||
	fail "... and is counted as policy.ingress_denied" "$before -> $after"
kill "$conn" 2>/dev/null

# ---- 5: identity from the underlay ----
# web admits app=client (every port): what decides is whether h2 trusts
# the identity.  The identity numbers, from the routers themselves:
D="ns prod select app=web ingress from pod app=client"
out=$(rt h2 set policy 100 web $D 2>&1) ||
	fail "set policy web (all of app=client)" "$out"
ident() {	# HOST IP: the identity of the endpoint IP
	rt "$1" -j show ep 100 | "$PY" -c '
import json, sys
def walk(o):
    if isinstance(o, dict):
        if o.get("ip") == sys.argv[1] and "identity" in o:
            print(o["identity"]); sys.exit(0)
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
walk(json.load(sys.stdin)); print(0)' "$2"
}
id1=$(ident h2 10.0.1.5) id2=$(ident h2 10.0.1.6)
[ "$id1" -ge 65536 ] && [ "$id1" = "$(ident h1 10.0.1.5)" ] && [ "$id1" != "$id2" ] &&
	ok "h1 and h2 agree on vm1's identity ($id1)" ||
	fail "h1 and h2 agree on vm1's identity" "h1 $(ident h1 10.0.1.5), h2 $id1, vm2 $id2"
# the inner packets: echo requests vm1 -> vm2 with ident 4242, 4343, 4444
ip netns exec "$P-vm2" timeout 15 tcpdump -i eth0 -U -w "$TMP/vm2.pcap" 'icmp[0] == 8' 2>"$TMP/vm2.pcap.err" &
cap=$!; pids+=("$cap")
mac_h2=$(nsx h2 cat /sys/class/net/ul2/address)
inject() {	# HOST SRC-IP IDENTITY ICMP-ID: 3 Geneve packets to h2:6081
	local ifc=ul${1#h}
	nsx "$1" timeout 10 "$GENV" craft -i "$ifc" -c 3 \
		"eth src=$(nsx "$1" cat "/sys/class/net/$ifc/address") dst=$mac_h2 / ipv4 src=$2 dst=10.200.0.2 / udp dport=6081 / geneve vni=100 opt=ident:id=$3 / eth src=$MAC1 dst=$MAC2 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp type=8 id=$4" \
		>/dev/null 2>"$TMP/craft.err" || fail "genv craft sends from $2" "$(head -n 2 "$TMP/craft.err")"
}
cap_wait "$TMP/vm2.pcap.err"
b_peer=$(jget h2 drops underlay.unknown_peer) b_untr=$(jget h2 drops policy.identity_untrusted)
inject h3 10.200.0.3 "$id1" 4242
sleep 0.3
a_peer=$(jget h2 drops underlay.unknown_peer) a_untr=$(jget h2 drops policy.identity_untrusted)
[ $((a_peer - b_peer + a_untr - b_untr)) -eq 3 ] &&
	ok "vm1's identity from 10.200.0.3 (no host): dropped and counted (unknown_peer +$((a_peer - b_peer)), identity_untrusted +$((a_untr - b_untr)))" ||
	fail "vm1's identity from 10.200.0.3 (no host): dropped and counted" "unknown_peer $b_peer -> $a_peer, identity_untrusted $b_untr -> $a_untr"
inject h1 10.200.0.1 "$id2" 4343	# vm2's identity claimed for vm1
sleep 0.3
b_untr=$a_untr a_untr=$(jget h2 drops policy.identity_untrusted)
check_eq "a forged identity from h1: dropped as policy.identity_untrusted (+3)" 3 "$((a_untr - b_untr))"
inject h1 10.200.0.1 "$id1" 4444	# the control: the true identity from h1
sleep 1
kill "$cap" 2>/dev/null
wait "$cap" 2>/dev/null
seen=$(tcpdump -r "$TMP/vm2.pcap" -nn 2>/dev/null | grep -oE 'id (4242|4343|4444)' | sort | uniq -c | awk '{printf "%s:%s ", $3, $1}')
[[ "$seen" = "4444:3 " ]] && ok "vm2 received the 3 true packets from h1 and none of the others" ||
	fail "vm2 received the 3 true packets from h1 and none of the others" "seen: ${seen:-nothing}"

grep -qE 'Sanitizer|runtime error' "$TMP"/h*.log &&
	fail "no sanitizer reports" "$(grep -h -m 2 -E 'Sanitizer|runtime error' "$TMP"/h*.log)" ||
	ok "no sanitizer reports in the router logs"
finish
