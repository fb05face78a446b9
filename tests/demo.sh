#!/usr/bin/env bash
# make demo: a two-host overlay with two tenants that reuse one CIDR.
#
#   host h1 (10.200.0.1) ---- veth underlay ---- host h2 (10.200.0.2)
#     genv route run                               genv route run
#     blue1 10.0.1.5  (VPC 100 "blue")              blue2 10.0.1.6  (VPC 100)
#     red1  10.0.1.5  (VPC 200 "red")               red2  10.0.1.7  (VPC 200)
#
# Each VM is a network namespace holding a TAP device its host's router
# created.  Act 1: pings inside each VPC, the VPCs cannot reach each other,
# the underlay packets through genv decode, the routers' counters.
# Act 2: host 1 crafts a malformed Geneve packet; genv decode explains it
# and host 2's router drops it with a reason.  Everything is cleaned up.
set -u
cd "$(dirname "$0")/.." || exit 1
GENV=$(readlink -f "${GENV:-$PWD/genv}")
P=gd$$
tmp=$(mktemp -d /tmp/genv-demo.XXXXXX)
pids=()
NSS="h1 h2 blue1 red1 blue2 red2"

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in $NSS; do ip netns del "$P-$n" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ -t 1 ] && [ -z "${NO_COLOR:-}" ]; then B=$'\033[1m' G=$'\033[32m' R=$'\033[31m' N=$'\033[0m'; else B='' G='' R='' N=''; fi
say() { printf '\n%s== %s%s\n' "$B" "$*" "$N"; }
run() {	# show the command as a reader would type it, then run it
	local d="$*"
	d=${d//$GENV/genv}; d=${d//$tmp\//}; d=${d//ip netns exec $P-/ip netns exec }
	printf '$ %s\n' "$d"
	"$@"
}
nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
rt() { local h=$1; shift; timeout 10 "$GENV" route -S "$tmp/$h.sock" "$@"; }
result() {	# NAME EXPECTED(ok|fail) CMD...: run, print a verdict line
	local name=$1 want=$2 got; shift 2
	if "$@" >"$tmp/out" 2>&1; then got=ok; else got=fail; fi
	sed 's/^/    /' "$tmp/out" | tail -n 3
	if [ "$got" = "$want" ]; then
		printf '  %s%s%s %s\n' "$G" "as expected:" "$N" "$name"
		passed=$((passed + 1))
	else
		printf '  %s%s%s %s\n' "$R" "UNEXPECTED:" "$N" "$name"
		failed=$((failed + 1))
	fi
}
passed=0 failed=0

if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root (network namespaces, TAP devices)" >&2
	exit 1
fi

say "Two hosts joined by a veth underlay: h1 10.200.0.1, h2 10.200.0.2"
for n in $NSS; do
	ip netns add "$P-$n" || exit 1
	nsx "$n" ip link set lo up
	# IPv4-only demo: no IPv6 autoconfiguration chatter in the counters
	nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
done
ip link add u1 netns "$P-h1" type veth peer name u2 netns "$P-h2" || exit 1
nsx h1 ip addr add 10.200.0.1/24 dev u1; nsx h1 ip link set u1 up
nsx h2 ip addr add 10.200.0.2/24 dev u2; nsx h2 ip link set u2 up
# a veth leaves UDP checksums to "hardware" that never fills them in; a
# real NIC would: have the kernel compute them so captures show them
nsx h1 ethtool -K u1 tx off >/dev/null 2>&1
nsx h2 ethtool -K u2 tx off >/dev/null 2>&1

say "Each host runs the router: genv route run (control socket per host)"
for h in h1 h2; do
	printf '$ ip netns exec %s genv route run -S %s.sock &\n' "$h" "$h"
	ip netns exec "$P-$h" "$GENV" route run -S "$tmp/$h.sock" >"$tmp/$h.log" 2>&1 &
	pids+=("$!")
done
for h in h1 h2; do
	for _ in $(seq 50); do rt "$h" show host >/dev/null 2>&1 && break; sleep 0.1; done
done

say "Configuration: two VPCs, both 10.0.1.0/24; the same commands a config file would hold"
cat >"$tmp/common.genv" <<-'EOF'
	add vpc 100 name blue cidr 10.0.1.0/24
	add vpc 200 name red cidr 10.0.1.0/24
	add net 100 10.0.1.0/24 gw 10.0.1.1
	add net 200 10.0.1.0/24 gw 10.0.1.1
EOF
{
	echo "set host addr 10.200.0.1 id h1"
	cat "$tmp/common.genv"
	echo "add port tblue1"
	echo "add port tred1"
	echo "add ep 100 10.0.1.5 mac 02:00:00:64:00:05 port tblue1"
	echo "add ep 200 10.0.1.5 mac 02:00:00:c8:00:05 port tred1"
	echo "add ep 100 10.0.1.6 mac 02:00:00:64:00:06 host 10.200.0.2"
	echo "add ep 200 10.0.1.7 mac 02:00:00:c8:00:07 host 10.200.0.2"
} >"$tmp/h1.genv"
{
	echo "set host addr 10.200.0.2 id h2"
	cat "$tmp/common.genv"
	echo "add port tblue2"
	echo "add port tred2"
	echo "add ep 100 10.0.1.6 mac 02:00:00:64:00:06 port tblue2"
	echo "add ep 200 10.0.1.7 mac 02:00:00:c8:00:07 port tred2"
	echo "add ep 100 10.0.1.5 mac 02:00:00:64:00:05 host 10.200.0.1"
	echo "add ep 200 10.0.1.5 mac 02:00:00:c8:00:05 host 10.200.0.1"
} >"$tmp/h2.genv"
sed 's/^/    /' "$tmp/h1.genv"
run "$GENV" route -S "$tmp/h1.sock" batch "$tmp/h1.genv" || exit 1
run "$GENV" route -S "$tmp/h2.sock" batch "$tmp/h2.genv" || exit 1

say "The routers created TAP devices; each moves into its VM's namespace"
vm() {	# HOST VM TAP MAC IP
	ip -n "$P-$1" link set "$3" netns "$P-$2" &&
	nsx "$2" ip link set "$3" name eth0 &&
	nsx "$2" ip link set eth0 address "$4" up &&
	nsx "$2" ip addr add "$5/24" dev eth0 &&
	printf '    %-6s eth0 %s %s (TAP %s of %s)\n' "$2" "$5" "$4" "$3" "$1"
}
vm h1 blue1 tblue1 02:00:00:64:00:05 10.0.1.5 || exit 1
vm h1 red1 tred1 02:00:00:c8:00:05 10.0.1.5 || exit 1
vm h2 blue2 tblue2 02:00:00:64:00:06 10.0.1.6 || exit 1
vm h2 red2 tred2 02:00:00:c8:00:07 10.0.1.7 || exit 1
run "$GENV" route -S "$tmp/h1.sock" show ep

say "Host 2 captures its underlay with genv decode while the VMs talk"
ip netns exec "$P-h2" timeout 30 "$GENV" decode -i u2 -w "$tmp/wire.pcap" \
	'udp port 6081' >"$tmp/live.txt" 2>"$tmp/live.err" &
cap=$!
pids+=("$cap")
sleep 1

say "Inside each VPC, across the hosts"
printf '$ ip netns exec blue1 ping 10.0.1.6     (blue1 -> blue2)\n'
result "blue1 reaches blue2" ok nsx blue1 timeout 10 ping -c 3 -i 0.3 -W 2 10.0.1.6
printf '$ ip netns exec red1 ping 10.0.1.7      (red1 -> red2)\n'
result "red1 reaches red2" ok nsx red1 timeout 10 ping -c 3 -i 0.3 -W 2 10.0.1.7

say "Across the VPCs: the same CIDR, but another tenant's addresses do not exist"
printf '$ ip netns exec blue1 ping 10.0.1.7     (blue1 -> red2)\n'
result "blue1 cannot reach red2" fail nsx blue1 timeout 5 ping -c 2 -i 0.3 -W 1 10.0.1.7
printf '$ ip netns exec red1 ping 10.0.1.6      (red1 -> blue2)\n'
result "red1 cannot reach blue2" fail nsx red1 timeout 5 ping -c 2 -i 0.3 -W 1 10.0.1.6

say "Act 2: host 1 crafts a malformed packet (critical OVN option, C bit clear) for host 2's router"
mac2=$(nsx h2 cat /sys/class/net/u2/address)
mac1=$(nsx h1 cat /sys/class/net/u1/address)
run ip netns exec "$P-h1" "$GENV" craft -i u1 \
	"eth src=$mac1 dst=$mac2 / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=100 critical=0 opt=ovn:in=1,out=10 / eth / ipv4 src=10.0.1.5 dst=10.0.1.6 / udp dport=53"
sleep 1
kill "$cap" 2>/dev/null
wait "$cap" 2>/dev/null

say "What crossed the underlay (genv decode, one line per packet): VNI 100 and 200, same inner addresses"
grep -v '^$' "$tmp/live.txt" | head -n 16
[ -s "$tmp/live.err" ] && grep -v '^$' "$tmp/live.err" | head -n 3

say "The malformed packet in full (genv decode -vv)"
run "$GENV" decode -vv -r "$tmp/wire.pcap" malformed

say "Per-VNI summary of the capture (genv decode --stats)"
run "$GENV" decode --stats -r "$tmp/wire.pcap"

say "The routers' view: counters per VPC, and why packets were dropped"
run "$GENV" route -S "$tmp/h1.sock" show vpc
run "$GENV" route -S "$tmp/h2.sock" show drops

blue=$(grep -c 'vni 100\|VNI 100\|vni=100' "$tmp/live.txt")
red=$(grep -c 'vni 200\|VNI 200\|vni=200' "$tmp/live.txt")
say "Summary"
printf '  underlay packets decoded on h2: %s (VNI 100: %s, VNI 200: %s)\n' \
	"$(grep -c . "$tmp/live.txt")" "$blue" "$red"
printf '  checks: %s as expected, %s unexpected\n' "$passed" "$failed"
printf '  cleaning up: routers stopped, namespaces and TAP devices removed\n'
[ "$failed" -eq 0 ]
