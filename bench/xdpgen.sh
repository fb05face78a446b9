#!/usr/bin/env bash
# The AF_XDP generator (genv craft --xdp) against trafgen (netsniff-ng,
# PF_PACKET TX_RING, one process: -P 1) on the same veth pair in the same
# run, into the same receiver: genv's AF_XDP sink (genv decode --xdp
# --stats) on the peer.  Same 60-byte frame for both (64 with the FCS).
#   bench/xdpgen.sh [-n PACKETS] [GENV]      (root; default 2,000,000)
# Not a test: prints sent and received packets/s of each and the ratio.
# Run under the namespace lock: flock /tmp/genv-net.lock bench/xdpgen.sh
set -u
cd "$(dirname "$0")/.." || exit 1
N=2000000
while getopts n: o; do
	case $o in
	n) N=$OPTARG ;;
	*) echo "usage: bench/xdpgen.sh [-n PACKETS] [GENV]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
GENV=$(readlink -f "${1:-${GENV:-$PWD/genv}}")
[ -x "$GENV" ] || { echo "bench/xdpgen.sh: '$GENV' not built (run make)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "bench/xdpgen.sh: needs root" >&2; exit 1; }
command -v trafgen >/dev/null || { echo "bench/xdpgen.sh: trafgen not installed (netsniff-ng)" >&2; exit 1; }
P=xb$$
tmp=$(mktemp -d /tmp/genv-bench-xdpgen.XXXXXX)
sinkpid=
cleanup() {
	[ -n "$sinkpid" ] && kill "$sinkpid" 2>/dev/null
	ip netns del "$P-s" 2>/dev/null
	ip netns del "$P-r" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
ip netns add "$P-s" && ip netns add "$P-r" || exit 1
ip link add vs netns "$P-s" type veth peer name vr netns "$P-r"
for x in s r; do ip netns exec "$P-$x" sysctl -qw "net.ipv6.conf.v$x.disable_ipv6=1"; done
ip -n "$P-s" addr add 10.9.0.1/24 dev vs
ip -n "$P-r" addr add 10.9.0.2/24 dev vr
ip -n "$P-s" link set vs up
ip -n "$P-r" link set vr up
MAC_R=$(ip netns exec "$P-r" cat /sys/class/net/vr/address)
PKT="eth dst=$MAC_R / ipv4 src=10.9.0.1 dst=10.9.0.2 / udp sport=5000 dport=9 / payload len=18"
hex=$("$GENV" craft --hex "$PKT") || exit 1
{ echo "{"; sed 's/../0x&, /g; s/, $//' <<<"$hex"; echo "}"; } >"$tmp/frame.cfg"

calc() { awk "BEGIN { printf \"%.0f\", $1 }"; }
declare -A sent recv
# run NAME CMD...: the sink on vr, CMD sending N frames on vs, timed
run() {
	local name=$1 s e secs got; shift
	ip netns exec "$P-r" timeout 300 "$GENV" decode -j -i vr --xdp --stats >"$tmp/sink.json" 2>"$tmp/sink.err" &
	sinkpid=$!
	for _ in $(seq 50); do ip -n "$P-r" link show vr | grep -q xdp && break; sleep 0.1; done
	sleep 0.3
	s=$(date +%s.%N)
	ip netns exec "$P-s" timeout 120 "$@" >"$tmp/out" 2>&1 || echo "# warning: $name exited $?: $(tail -n 2 "$tmp/out")" >&2
	e=$(date +%s.%N)
	sleep 0.5
	kill -INT "$sinkpid"
	wait "$sinkpid"
	sinkpid=
	got=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["xdp"]["packets"])' "$tmp/sink.json" 2>/dev/null)
	secs=$(awk "BEGIN { printf \"%.3f\", $e - $s }")
	sent[$name]=$(calc "$N / $secs")
	recv[$name]=$(calc "${got:-0} / $secs")
	printf '%-34s %9d sent %7.3f s %10d pps sent %10d pps received (%d)\n' "$name" "$N" "$secs" \
		"${sent[$name]}" "${recv[$name]}" "${got:-0}"
}

echo "# $(uname -r), $(nproc) CPUs, veth, 60-byte frames (64 with FCS), $N packets each"
run "genv craft --xdp" "$GENV" craft -q -i vs --xdp -c "$N" "$PKT"
grep -h "AF_XDP" "$tmp/out" | sed 's/^/# genv: /'
run "trafgen -P 1 (PF_PACKET ring)" trafgen -P 1 -i "$tmp/frame.cfg" -o vs -n "$N"
echo "ratio genv/trafgen: sent $(awk "BEGIN { printf \"%.2f\", ${sent[genv craft --xdp]} / ${sent[trafgen -P 1 (PF_PACKET ring)]} }")x," \
	"received $(awk "BEGIN { r = ${recv[trafgen -P 1 (PF_PACKET ring)]}; printf \"%.2f\", r ? ${recv[genv craft --xdp]} / r : 0 }")x"
