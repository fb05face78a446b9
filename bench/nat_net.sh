#!/usr/bin/env bash
# Gateway NAT end to end, in network namespaces: a VM behind genv's gateway
# endpoint against the same VM behind the kernel's own NAT, in one run on
# the same topology (bench/lib_peers.sh's underlay; h2 is the gateway host):
#
#   vm1 -- h1 ==== u1 10.200.0.1 -- [bridge "ul"] -- u2 .2 ==== h2 (NAT)
#                                        |
#                                  srv 10.200.0.50 (outside the VPC)
#
#   direct  no overlay, no NAT: vm1's eth0 and srv's are the two ends of one
#           veth; what the client and the server alone reach (the ceiling)
#   genv    genv route on h1 (TAP port, UDP underlay) and on h2, the
#           gateway host of `add ep 100 10.0.0.254 type gateway host
#           10.200.0.2 nat-ports 20000-32767` (nftables drops the range
#           in h2's input hook, as genv-route(8) GATEWAY says)
#   kernel  the kernel's VXLAN (VNI 100, the kernel here has no Geneve)
#           from a bridge on h1 to a bridge on h2 holding the VM's gateway
#           address 10.0.0.1, IP forwarding, nftables `masquerade to
#           :20000-32767` on h2's underlay interface: one overlay hop, then
#           source NAT to 10.200.0.2, as genv's path
#
# The VM (10.0.1.5/16, MTU 1400, default via 10.0.0.1) talks to srv:
#   new flows/s  bench/udp_cps.py: one 32-byte datagram per new source port
#                (10000 up), 32 in flight, answered by bench/udp_rr.py's
#                echo; SECONDS or FLOWS (default 10000 of the 12768 ports)
#   rr/s         bench/udp_rr.py: one request in flight, one mapping
#   tcp Mbit/s   iperf3 -t SECONDS, vm1 -> srv (received)
#   exhaustion   the range cut to 20000-20009 (both rows set up again):
#                20 new flows to one server port; what came back, what each
#                counted (genv: nat.ports_exhausted; the kernel: its
#                conntrack statistics insert_failed and drop), and whether
#                a mapped flow still works
# Ratios genv/kernel; a row within 10% of direct is marked "limited by the
# client" (the Python client, not the NAT, set the rate).  The path is
# checked on srv for every row (tcpdump: the source it sees).
# Not a test: asserts nothing.  Root; run under flock -o /tmp/genv-net.lock.
#   bench/nat_net.sh [-t SECONDS] [-f FLOWS] [-p ROW,...] [GENV]
set -u
cd "$(dirname "$0")/.." || exit 1
usage() {
	echo "usage: bench/nat_net.sh [-t SECONDS] [-f FLOWS] [-p ROW,...] [GENV]" >&2
	echo "  -t  seconds per measurement (default 3, at most 30)" >&2
	echo "  -f  new flows at most in the flows/s run (default 10000, at most 12000)" >&2
	echo "  -p  rows (default direct,genv,kernel)" >&2
	exit 2
}
T=3 FLOWS=10000 ONLY=direct,genv,kernel
while getopts t:f:p:h o; do
	case $o in
	t) T=$OPTARG ;;
	f) FLOWS=$OPTARG ;;
	p) ONLY=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
for v in "$T" "$FLOWS"; do
	case $v in '' | *[!0-9]* | 0) echo "bench/nat_net.sh: '$v' is not a positive whole number" >&2; exit 2 ;; esac
done
if [ "$T" -gt 30 ] || [ "$FLOWS" -gt 12000 ]; then
	echo "bench/nat_net.sh: at most 30 s per measurement and 12000 flows (the range has 12768 ports)" >&2
	exit 2
fi
for r in ${ONLY//,/ }; do
	case $r in direct | genv | kernel) ;; *) echo "bench/nat_net.sh: unknown row '$r'" >&2; exit 2 ;; esac
done
GENV=$(readlink -f "${1:-${GENV:-$PWD/genv}}")
P=gn$$
NSS="h1 h2 vm1 srv"
MAC1=02:00:00:00:01:05 MAC2=02:00:00:00:01:06	# MAC2: unused (lib_peers.sh)
GWMAC=02:00:00:00:00:fe
RANGE=20000-32767
pids=()
RPIDS=()
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)

[ "$(id -u)" = 0 ] || { echo "bench/nat_net.sh: needs root (network namespaces)" >&2; exit 1; }
[ -x "$GENV" ] || { echo "bench/nat_net.sh: '$GENV' not built (run make)" >&2; exit 1; }
for t in iperf3 nft tcpdump python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/nat_net.sh: '$t' not found (make deps)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/genv-bench-natnet.XXXXXX)
TMP=$tmp
# shellcheck source=tests/netns.sh
. tests/netns.sh	# rt, jget (on $TMP); lib_peers.sh's nsx and teardown, sourced next, win
# shellcheck source=bench/lib_peers.sh
. bench/lib_peers.sh
# bounded: the whole run, whatever hangs
( sleep 600; kill -TERM $$ 2>/dev/null ) &
watchdog=$!
trap 'kill "$watchdog" 2>/dev/null; teardown; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

want() { [[ ",$ONLY," == *",$1,"* ]]; }

srv_link() {	# srv on the underlay bridge, 10.200.0.50
	ip link add srv0 netns "$P-srv" type veth peer name ws netns "$P-ul" || return 1
	nsx ul ip link set ws master br0 up
	nsx srv ip addr add 10.200.0.50/24 dev srv0
	nsx srv ip link set srv0 up
}

vm_net() {	# IFACE: the VM's address, MTU, default route (or the route given)
	nsx vm1 ip link set "$1" name eth0
	nsx vm1 ip link set eth0 address "$MAC1" mtu 1400 up
	nsx vm1 ip addr add 10.0.1.5/16 dev eth0
	# shellcheck disable=SC2086  # a route: several words
	nsx vm1 ip route add ${2:-default via 10.0.0.1}
}

setup_direct() {	# one veth vm1 <-> srv
	local n
	for n in vm1 srv; do
		ip netns add "$P-$n" || return 1
		nsx "$n" ip link set lo up
	done
	ip link add e1 netns "$P-vm1" type veth peer name srv0 netns "$P-srv" || return 1
	vm_net e1 "10.200.0.0/24 dev eth0"
	nsx srv ip link set srv0 mtu 1400 up
	nsx srv ip addr add 10.200.0.50/24 dev srv0
	nsx srv ip route add 10.0.0.0/16 dev srv0
}

setup_genv() {	# RANGE: the gateway host h2, the VM on h1 behind a TAP port
	local i gw="add ep 100 10.0.0.254 mac $GWMAC type gateway host 10.200.0.2 nat-ports $1"
	underlay
	srv_link || return 1
	genv_routers
	printf '%s\n' "add port tap1 mtu 1400" "set host addr 10.200.0.1" "add vpc 100 cidr 10.0.0.0/16" \
		"add ep 100 10.0.1.5 mac $MAC1 port tap1" "$gw" >"$tmp/h1.genv"
	printf '%s\n' "set host addr 10.200.0.2" "add vpc 100 cidr 10.0.0.0/16" \
		"add ep 100 10.0.1.5 mac $MAC1 host 10.200.0.1" "$gw" >"$tmp/h2.genv"
	for i in 1 2; do
		"$GENV" route -S "$tmp/h$i.sock" batch "$tmp/h$i.genv" || return 1
	done
	# the kernel of the gateway host must not answer for the NAT ports
	nsx h2 nft -f - <<EOF || return 1
table ip genv_gw {
	chain in {
		type filter hook input priority 0;
		ip daddr 10.200.0.2 tcp dport $1 drop
		ip daddr 10.200.0.2 udp dport $1 drop
	}
}
EOF
	ip -n "$P-h1" link set tap1 netns "$P-vm1"
	vm_net tap1
}

setup_kernel() {	# RANGE: VXLAN h1 <-> h2, forwarding and masquerade on h2
	local i
	underlay
	srv_link || return 1
	ip link add e1 netns "$P-vm1" type veth peer name v1 netns "$P-h1" || return 1
	ip -n "$P-h1" link set v1 mtu 1400 up
	vm_net e1
	for i in 1 2; do
		ip -n "$P-h$i" link add vx0 type vxlan id 100 dstport 4789 \
			local "10.200.0.$i" remote "10.200.0.$((3 - i))"
		ip -n "$P-h$i" link add br0 type bridge
		ip -n "$P-h$i" link set vx0 master br0 mtu 1450 up
		ip -n "$P-h$i" link set br0 up
	done
	ip -n "$P-h1" link set v1 master br0
	ip -n "$P-h2" addr add 10.0.0.1/16 dev br0
	nsx h2 sysctl -qw net.ipv4.ip_forward=1
	nsx h2 nft -f - <<EOF || return 1
table ip nat_bench {
	chain post {
		type nat hook postrouting priority srcnat;
		oifname "u2" ip saddr 10.0.0.0/16 meta l4proto { tcp, udp } masquerade to :$1
		oifname "u2" ip saddr 10.0.0.0/16 masquerade
	}
}
EOF
}

# the source addresses srv sees (tcpdump), for the path check
srv_cap() {
	# not through nsx: $! must be timeout itself (it passes the kill on to tcpdump)
	ip netns exec "$P-srv" timeout $((T * 3 + 20)) tcpdump -i srv0 -n -U -c 200 -w "$tmp/srv.pcap" \
		'dst host 10.200.0.50 and (udp or tcp)' 2>"$tmp/srv.err" &
	CAP=$!
	pids+=("$CAP")
	for _ in $(seq 30); do grep -q listening "$tmp/srv.err" 2>/dev/null && break; sleep 0.1; done
}
srv_srcs() {
	kill "$CAP" 2>/dev/null; wait "$CAP" 2>/dev/null
	tcpdump -r "$tmp/srv.pcap" -n 2>/dev/null | awk '{ split($3, a, "."); print a[1] "." a[2] "." a[3] "." a[4] }' |
		sort -u | tr '\n' ' '
}

m_cps() {	# "flows/s answered lost"
	nsx srv timeout $((T + 6)) python3 bench/udp_rr.py server 10.200.0.50 7 $((T + 4)) >/dev/null 2>&1 &
	local s=$!
	sleep 0.3
	nsx vm1 timeout $((T + 3)) python3 bench/udp_cps.py 10.0.1.5 10.200.0.50 7 "$T" "$FLOWS" 2>/dev/null
	kill "$s" 2>/dev/null; wait "$s" 2>/dev/null
}
m_rr() {	# transactions/s
	nsx srv timeout $((T + 6)) python3 bench/udp_rr.py server 10.200.0.50 7777 $((T + 4)) >/dev/null 2>&1 &
	local s=$!
	sleep 0.3
	nsx vm1 timeout $((T + 3)) python3 bench/udp_rr.py client 10.200.0.50 7777 "$T" 2>/dev/null | awk '{ print $1 }'
	kill "$s" 2>/dev/null; wait "$s" 2>/dev/null
}
m_tcp() {	# Mbit/s received
	nsx srv timeout $((T + 10)) iperf3 -s -1 -B 10.200.0.50 -p 5201 >/dev/null 2>&1 &
	local s=$!
	sleep 0.3
	nsx vm1 timeout $((T + 8)) iperf3 -c 10.200.0.50 -p 5201 -t "$T" -J 2>/dev/null | python3 -c '
import json, sys
try:
    print("%.0f" % (json.load(sys.stdin)["end"]["sum_received"]["bits_per_second"] / 1e6))
except Exception:
    print("-")'
	kill "$s" 2>/dev/null; wait "$s" 2>/dev/null
}

kstat() {	# the kernel's conntrack statistics on h2, summed over CPUs: "insert_failed drop"
	local hdr line i f=0 d=0 fi=-1 di=-1 v
	{
		read -r -a hdr
		for i in "${!hdr[@]}"; do
			[ "${hdr[$i]}" = insert_failed ] && fi=$i
			[ "${hdr[$i]}" = drop ] && di=$i
		done
		while read -r -a line; do	# one line per CPU, in hex
			[ "$fi" -ge 0 ] && v=${line[$fi]} && f=$((f + 16#$v))
			[ "$di" -ge 0 ] && v=${line[$di]} && d=$((d + 16#$v))
		done
	} < <(nsx h2 cat /proc/net/stat/nf_conntrack 2>/dev/null)
	echo "$f $d"
}

# exhaustion ROW: the range 20000-20009, 20 new flows to srv:7, then one of
# the first flows again; sets EXH (a line of text)
exhaust() {
	local k0 k1 out again gx wire a l f0 d0 f1 d1
	"setup_$1" 20000-20009 || { EXH="setup failed"; teardown; return; }
	nsx vm1 ping -c 1 -W 2 10.200.0.50 >/dev/null 2>&1	# ARP on the path (ICMP id takes no UDP port)
	k0=$(kstat)
	srv_cap
	nsx srv timeout 12 python3 bench/udp_rr.py server 10.200.0.50 7 10 >/dev/null 2>&1 &
	local s=$!
	sleep 0.3
	out=$(nsx vm1 timeout 8 python3 bench/udp_cps.py 10.0.1.5 10.200.0.50 7 5 20 20 30000 2>/dev/null)
	# the first flow again (its mapping holds): still answered?
	again=$(nsx vm1 timeout 4 python3 bench/udp_cps.py 10.0.1.5 10.200.0.50 7 2 1 1 30000 2>/dev/null | awk '{ print $2 }')
	kill "$s" 2>/dev/null; wait "$s" 2>/dev/null
	k1=$(kstat)
	sleep 0.2
	kill "$CAP" 2>/dev/null; wait "$CAP" 2>/dev/null
	# what left the NAT: datagrams srv got on port 7, and from how many source ports
	wire=$(tcpdump -r "$tmp/srv.pcap" -n 'udp dst port 7' 2>/dev/null |
		awk '{ n++; split($3, a, "."); p[a[5]] = 1 } END { k = 0; for (x in p) k++; printf "%d datagrams from %d ports", n, k }')
	read -r _ a l <<<"$out"
	if [ "$1" = genv ]; then
		gx=$(jget h2 stats nat.ports_exhausted)
		EXH="answered ${a:-?}/20, lost ${l:-?}; srv got $wire; mapped flow again: ${again:-?}/1 answered; nat.ports_exhausted $gx"
	else
		read -r f0 d0 <<<"$k0"
		read -r f1 d1 <<<"$k1"
		EXH="answered ${a:-?}/20, lost ${l:-?}; srv got $wire; mapped flow again: ${again:-?}/1 answered; conntrack insert_failed +$((f1 - f0)) drop +$((d1 - d0))"
	fi
	teardown
}

declare -A CPS ANS LOSTF RR TCP SRCS EXHS
measure() {	# ROW
	"setup_$1" "$RANGE" || { echo "$1: setup failed" >&2; teardown; return; }
	nsx vm1 ping -c 2 -i 0.2 -W 2 10.200.0.50 >/dev/null 2>&1 ||
		echo "$1: vm1 does not reach srv (ping)" >&2
	srv_cap
	read -r "CPS[$1]" "ANS[$1]" "LOSTF[$1]" < <(m_cps)
	read -r "RR[$1]" < <(m_rr)
	read -r "TCP[$1]" < <(m_tcp)
	SRCS[$1]=$(srv_srcs)
	teardown
	if [ "$1" != direct ]; then
		exhaust "$1"
		EXHS[$1]=$EXH
	fi
	echo "$1: done" >&2
}

for r in direct genv kernel; do
	want "$r" && measure "$r"
done

echo "# $(nproc) CPUs, load $LOAD0 (start) $(cut -d" " -f1-3 /proc/loadavg) (end); $T s per measurement, at most $FLOWS new flows"
printf '%-8s %12s %9s %7s %10s %10s  %s\n' row "new flows/s" answered lost "rr/s" "tcp Mbit/s" "srv saw"
for r in direct genv kernel; do
	want "$r" || continue
	printf '%-8s %12s %9s %7s %10s %10s  %s\n' "$r" "${CPS[$r]:--}" "${ANS[$r]:--}" "${LOSTF[$r]:--}" \
		"${RR[$r]:--}" "${TCP[$r]:--}" "${SRCS[$r]:--}"
done
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else printf "-" }'; }
near() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a + 0 > 0 && b + 0 > 0 && a >= 0.9 * b) }'; }
if want genv && want kernel; then
	printf 'genv/kernel: new flows/s %s, rr/s %s, tcp %s\n' "$(ratio "${CPS[genv]:-}" "${CPS[kernel]:-}")" \
		"$(ratio "${RR[genv]:-}" "${RR[kernel]:-}")" "$(ratio "${TCP[genv]:-}" "${TCP[kernel]:-}")"
fi
if want direct; then
	for r in genv kernel; do
		want "$r" || continue
		for m in CPS RR TCP; do
			declare -n col=$m
			near "${col[$r]:-}" "${col[direct]:-}" && echo "$r: $m within 10% of direct: limited by the client, not the NAT"
			unset -n col
		done
	done
fi
for r in genv kernel; do
	want "$r" && echo "exhaustion, $r (range 20000-20009, 20 flows to one server port): ${EXHS[$r]:--}"
done
