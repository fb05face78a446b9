#!/usr/bin/env bash
# make demo: two hosts in network namespaces joined by a veth underlay.
# Host 1 crafts Geneve traffic for two VPCs (VNI 100 and 200) -- including
# one malformed packet -- and sends it on the wire; host 2 captures and
# decodes it live with genv, then shows the per-VNI summary and the same
# capture through tshark for comparison.  Everything is cleaned up on exit.
set -u
cd "$(dirname "$0")/.." || exit 1
GENV=${GENV:-$PWD/genv}
id=$$
h1=genv-demo-$id-h1 h2=genv-demo-$id-h2
tmp=$(mktemp -d /tmp/genv-demo.XXXXXX)
pids=()

cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	ip netns del "$h1" 2>/dev/null
	ip netns del "$h2" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

if [ "$(id -u)" != 0 ]; then
	echo "make demo: needs root (network namespaces)" >&2
	exit 1
fi

say "Two hosts: $h1 (10.200.0.1) and $h2 (10.200.0.2), joined by a veth underlay"
ip netns add "$h1" && ip netns add "$h2" || exit 1
ip link add u1 netns "$h1" type veth peer name u2 netns "$h2" || exit 1
ip -n "$h1" addr add 10.200.0.1/24 dev u1
ip -n "$h2" addr add 10.200.0.2/24 dev u2
ip -n "$h1" link set u1 up; ip -n "$h2" link set u2 up
ip -n "$h1" link set lo up; ip -n "$h2" link set lo up
for h in "$h1" "$h2"; do	# keep the underlay quiet: no IPv6 chatter
	ip netns exec "$h" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 2>/dev/null
done
mac2=$(ip netns exec "$h2" cat /sys/class/net/u2/address)
mac1=$(ip netns exec "$h1" cat /sys/class/net/u1/address)

say "Host 2 captures the underlay with genv decode (live, libpcap)"
ip netns exec "$h2" timeout 20 "$GENV" decode -i u2 -c 9 -w "$tmp/wire.pcap" 'udp dst port 6081' \
	>"$tmp/live.txt" 2>"$tmp/live.err" &
pids+=($!)
sleep 1

outer="eth src=$mac1 dst=$mac2 / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp"
say "Host 1 sends VPC 100 traffic: a TCP SYN per flow, with genv label and direct-path options"
run ip netns exec "$h1" "$GENV" craft -i u1 -c 4 --vary inner.sport=40000-40003 \
	"$outer / geneve vni=100 opt=label:42 opt=rts:host=10.200.0.1,mac=$mac1 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp dport=80 flags=S"
say "Host 1 sends VPC 200 traffic: the same overlay addresses, another tenant"
run ip netns exec "$h1" "$GENV" craft -i u1 -c 4 \
	"$outer / geneve vni=200 opt=qos:class=premium,prio=0 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / icmp"
say "Host 1 sends one malformed packet: an OVN critical option with the C bit cleared"
run ip netns exec "$h1" "$GENV" craft -i u1 \
	"$outer / geneve vni=100 critical=0 opt=ovn:in=1,out=10 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / udp dport=53"
wait "${pids[0]}" 2>/dev/null

say "What host 2 saw (genv decode, one line per packet)"
cat "$tmp/live.txt"
[ -s "$tmp/live.err" ] && cat "$tmp/live.err"

say "The malformed packet in full (genv decode -vv)"
run "$GENV" decode -vv -r "$tmp/wire.pcap" malformed

say "One packet in the craft language (genv decode -v): paste it into genv craft to rebuild it"
run "$GENV" decode -v -r "$tmp/wire.pcap" vni 100 and inner port 40000

say "Per-VPC summary (genv decode --stats)"
run "$GENV" decode --stats -r "$tmp/wire.pcap"

if command -v tshark >/dev/null; then
	say "The same capture through tshark, for comparison"
	run tshark -n -r "$tmp/wire.pcap" -T fields -e frame.number -e geneve.vni \
		-e geneve.flags.critical -e geneve.option.class -e ip.src -e ip.dst 2>/dev/null
fi

say "A real capture from someone else's deployment (GSO super-packet): genv explains the checksums"
if [ -r ../shared/captures/tcpdump/gso-ipv6-geneve-ipv4.pcap ]; then
	run "$GENV" decode -r ../shared/captures/tcpdump/gso-ipv6-geneve-ipv4.pcap
else
	run "$GENV" decode -r tests/fixtures/captures/gso-ipv6-geneve-ipv4.pcap
fi

n=$(grep -c . "$tmp/live.txt")
say "Summary: host 2 decoded $n of 9 packets sent; cleaning up"
[ "$n" -eq 9 ]
