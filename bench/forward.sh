#!/usr/bin/env bash
# Forwarding rate (RFC 2544 style) and latency VM to VM across an overlay,
# in network namespaces, genv against its peers in one run on the same
# topology (bench/lib_peers.sh):
#
#   vm1 -- h1 ==== u1 10.200.0.1 -- [bridge, the wire] -- u2 .2 ==== h2 -- vm2
#
#   sender     no router: vm1's eth0 and vm2's eth0 are the two ends of one
#              veth; what the generator alone reaches
#   genv-xdp   genv route with AF_XDP ports: the VM's veth (endpoint) and
#              the underlay veth on each host
#   genv-tap   genv route with TAP ports and the UDP socket underlay
#   ovs-afxdp  Open vSwitch userspace datapath, Geneve port, the underlay
#              veth as an AF_XDP port (native XDP, copy mode on veth),
#              polling threads pinned (h1 CPU 0, h2 CPU 1), pmd-maxsleep=100
#   vxlan      the kernel's VXLAN (the kernel here has no Geneve module),
#              bridged to the VM's veth
#
# Forwarding rate: 64-byte frames (Ethernet + IPv4 + UDP + 18 bytes, to
# vm2's UDP port 9) sent by genv's AF_XDP generator (genv craft --xdp,
# a token bucket: paced, not in bursts) on vm1's eth0, received by genv's
# AF_XDP sink (genv decode --xdp --stats) on vm2's eth0 and counted there
# (rx_packets).  A first trial at the sender's full speed; then a binary
# search over the offered rate (STEPS trials of SECONDS each) for the
# highest rate at which at most LOSS percent of what the generator sent
# never arrived.  The rate reported is what vm2 received per second.
# For genv rows the AF_XDP sockets' kernel counters (fill ring empty,
# rx ring full) and every link's drops are printed: where a loss was.
# Latency: 300 pings 10 ms apart (average, 99th percentile) and a UDP
# request/response rate (bench/udp_rr.py: one 32-byte request in flight).
# Encapsulation is checked on the underlay (tcpdump) for every router row.
# Not a test: asserts nothing.
#   bench/forward.sh [-t SECONDS] [-s STEPS] [-l LOSS] [-r SECONDS] [-p PEER,...] [GENV]
set -u
cd "$(dirname "$0")/.." || exit 1
usage() {
	echo "usage: bench/forward.sh [-t SECONDS] [-s STEPS] [-l LOSS] [-r SECONDS] [-p PEER,...] [GENV]" >&2
	echo "  -t  seconds per forwarding trial (default 2)" >&2
	echo "  -s  binary search steps after the full-speed trial (default 7)" >&2
	echo "  -l  loss allowed, percent (default 0.1)" >&2
	echo "  -r  seconds of UDP request/response (default 3)" >&2
	echo "  -p  rows (default sender,genv-xdp,genv-tap,ovs-afxdp,vxlan)" >&2
	exit 2
}
T=2 STEPS=7 LOSS=0.1 RR=3 ONLY=sender,genv-xdp,genv-tap,ovs-afxdp,vxlan
while getopts t:s:l:r:p:h o; do
	case $o in
	t) T=$OPTARG ;;
	s) STEPS=$OPTARG ;;
	l) LOSS=$OPTARG ;;
	r) RR=$OPTARG ;;
	p) ONLY=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ $# -le 1 ] || usage
for v in "$T" "$STEPS" "$RR"; do
	case $v in '' | *[!0-9]* | 0) echo "bench/forward.sh: '$v' is not a positive whole number" >&2; exit 2 ;; esac
done
if [ "$STEPS" -gt 12 ] || [ "$T" -gt 30 ] || [ "$RR" -gt 30 ]; then
	echo "bench/forward.sh: at most 12 steps and 30 s per trial" >&2
	exit 2
fi
awk -v l="$LOSS" 'BEGIN { exit !(l ~ /^[0-9.]+$/ && l + 0 < 100) }' ||
	{ echo "bench/forward.sh: '$LOSS' is not a loss percentage" >&2; exit 2; }
for r in ${ONLY//,/ }; do
	case $r in sender | genv-xdp | genv-tap | ovs-afxdp | vxlan) ;; *) echo "bench/forward.sh: unknown row '$r'" >&2; exit 2 ;; esac
done
GENV=$(readlink -f "${1:-${GENV:-$PWD/genv}}")
P=gf$$
NSS="h1 h2 vm1 vm2"
MAC1=02:00:00:00:01:05 MAC2=02:00:00:00:01:06
pids=()
RPIDS=()
LOAD0=$(cut -d" " -f1-3 /proc/loadavg)

[ "$(id -u)" = 0 ] || { echo "bench/forward.sh: needs root (network namespaces)" >&2; exit 1; }
[ -x "$GENV" ] || { echo "bench/forward.sh: '$GENV' not built (run make)" >&2; exit 1; }
for t in tcpdump ping python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/forward.sh: '$t' not found (tcpdump, iproute2, python3)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/genv-bench-forward.XXXXXX)
# shellcheck source=bench/lib_peers.sh
. bench/lib_peers.sh
# bounded: the whole run, whatever hangs
( sleep 900; kill -TERM $$ 2>/dev/null ) &
watchdog=$!
trap 'kill "$watchdog" 2>/dev/null; teardown; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

setup_sender() {	# no router: one veth from vm1 to vm2
	underlay
	ip link add e1 netns "$P-vm1" type veth peer name e2 netns "$P-vm2" || return 1
	vm_addr vm1 e1 "$MAC1" 10.0.1.5
	vm_addr vm2 e2 "$MAC2" 10.0.1.6
	WIRE=
}

PKT="eth dst=$MAC2 src=$MAC1 / ipv4 src=10.0.1.5 dst=10.0.1.6 ttl=64 / udp sport=9 dport=9 / payload len=18"

rcvd() { nsx vm2 cat /sys/class/net/eth0/statistics/rx_packets; }

# The sink: genv's AF_XDP counting sink on vm2's eth0 for the whole row
# (vm2's kernel never sees the test frames: no ICMP errors back through
# the router, no stack cost in the receiver); arrivals are vm2's eth0
# rx_packets, which veth counts before the XDP program runs.
sink_start() {
	ip netns exec "$P-vm2" timeout 600 "$GENV" decode -j -i eth0 --xdp --stats >"$tmp/sink.json" 2>"$tmp/sink.err" &
	SINK=$!
	pids+=("$SINK")
	for _ in $(seq 50); do nsx vm2 ip link show eth0 | grep -q xdp && return 0; sleep 0.1; done
	return 1
}
sink_stop() {	# prints the sink's own count and kernel drops
	[ -n "${SINK:-}" ] || return 0
	kill -INT "$SINK" 2>/dev/null
	wait "$SINK" 2>/dev/null
	SINK=
	python3 -c 'import json,sys; x=json.load(open(sys.argv[1]))["xdp"]; print(x["packets"], x["dropped"])' "$tmp/sink.json" 2>/dev/null
}

# trial RATE: RATE packets/s for T seconds (0: as fast as the sender goes)
# from genv's AF_XDP generator on vm1's eth0; sets OFFERED and GOT
# (packets/s sent and received) and LOST (percent)
trial() {
	local r0 r1 lim=()
	[ "$1" -gt 0 ] && lim=(--rate "$1")
	r0=$(rcvd)
	nsx vm1 timeout $((T + 5)) "$GENV" craft -j -i eth0 --xdp --duration "$T" "${lim[@]}" "$PKT" \
		>"$tmp/gen.json" 2>"$tmp/gen.err"
	sleep 0.3	# what is still in the routers' queues
	r1=$(rcvd)
	read -r OFFERED GOT LOST < <(python3 -c 'import json,sys
g = json.load(open(sys.argv[1])); s, t, r = g["packets"], g["seconds"], int(sys.argv[2])
l = 100.0 * (s - r) / s if s else 100.0
print(int(s / t), int(r / t), "%.3f" % max(l, 0.0))' "$tmp/gen.json" $((r1 - r0)) 2>/dev/null || echo "0 0 100")
}

passes() { awk -v l="$LOST" -v m="$LOSS" 'BEGIN { exit !(l <= m) }'; }

# search: FWD (the highest received rate with loss <= LOSS), MAXRX (received
# at the sender's full speed), FULL (the sender's full speed on this path)
search() {
	local lo=0 hi mid i
	trial 0
	FULL=$OFFERED MAXRX=$GOT FWD=0
	printf 'full speed %s sent, %s received (%s%% lost)' "$OFFERED" "$GOT" "$LOST" >&2
	if passes; then
		FWD=$GOT
		printf '\n' >&2
		return
	fi
	hi=$OFFERED
	for ((i = 0; i < STEPS; i++)); do
		mid=$(((lo + hi) / 2))
		[ "$mid" -gt 0 ] || break
		trial "$mid"
		printf '; %s: %s%%' "$mid" "$LOST" >&2
		if passes; then
			lo=$mid
			[ "$GOT" -gt "$FWD" ] && FWD=$GOT
		else
			hi=$mid
		fi
	done
	printf '\n' >&2
}

m_rr() {	# transactions/s
	nsx vm2 timeout $((RR + 5)) python3 bench/udp_rr.py server 10.0.1.6 7777 $((RR + 3)) >/dev/null 2>&1 &
	local s=$!
	sleep 0.5
	nsx vm1 timeout $((RR + 3)) python3 bench/udp_rr.py client 10.0.1.6 7777 "$RR" 2>/dev/null | awk '{ print $1 }'
	kill "$s" 2>/dev/null
	wait "$s" 2>/dev/null
}

declare -A FWDS MAXRXS FULLS AVG P99 RRS NOTE
ROWS=()
measure() {	# NAME SETUP-CMD...
	local name=$1 h; shift
	ROWS+=("$name")
	RPIDS=()
	if ! "$@" >"$tmp/setup.log" 2>&1; then
		NOTE[$name]="setup failed: $(tail -n 1 "$tmp/setup.log")"
		return
	fi
	sleep 1
	if [ -n "$WIRE" ] && ! wire_check; then
		NOTE[$name]="no encapsulated packets on the underlay: skipped"
		[ ${#RPIDS[@]} -gt 0 ] && NOTE[$name]+=" ($(tail -n 1 "$tmp/h1.log"))"
		return
	fi
	nsx vm1 ping -c 1 -W 1 10.0.1.6 >/dev/null 2>&1	# the bridges learn vm2's MAC
	nsx vm1 ip neigh replace 10.0.1.6 lladdr "$MAC2" dev eth0
	if ! sink_start; then
		NOTE[$name]="the AF_XDP sink did not start: $(tail -n 1 "$tmp/sink.err")"
		return
	fi
	printf '# %-10s ' "$name" >&2
	search
	printf '#            sink: %s\n' "$(sink_stop | awk '{ printf "%s received, %s dropped by the kernel", $1, $2 }')" >&2
	grep -o '"mode":"[a-z]*","mode_reason":"[^"]*"' "$tmp/gen.json" | sed 's/^/#            generator: /' >&2
	FWDS[$name]=$FWD MAXRXS[$name]=$MAXRX FULLS[$name]=$FULL
	if [ ${#RPIDS[@]} -gt 0 ]; then	# where genv's losses went
		for h in h1 h2; do
			printf '#            %s drops: %s\n' "$h" "$("$GENV" route -S "$tmp/$h.sock" show drops 2>&1 | tr -s ' \n' ' ')" >&2
			"$GENV" route -S "$tmp/$h.sock" show port 2>&1 | grep -E '^port|kernel' | sed 's/^/#              /' >&2
		done
		# drops in the kernel on the way (veth, the bridge): links that dropped
		for h in vm1 h1 ul h2 vm2; do
			nsx "$h" ip -s -j link 2>/dev/null | python3 -c 'import json, sys
for l in json.load(sys.stdin):
    s = l.get("stats64", l.get("stats", {}))
    rx, tx = s.get("rx", {}).get("dropped", 0), s.get("tx", {}).get("dropped", 0)
    if rx or tx:
        print("%s %s: rx_dropped %d tx_dropped %d" % (sys.argv[1], l["ifname"], rx, tx))' "$h" | sed 's/^/#              /' >&2
		done
	fi
	read -r "AVG[$name]" "P99[$name]" < <(m_ping)
	read -r "RRS[$name]" < <(m_rr)
	printf '#            ping %s ms, udp rr %s/s\n' "${AVG[$name]}" "${RRS[$name]}" >&2
}

want() { [[ ,$ONLY, == *,$1,* ]]; }
want sender && { measure sender setup_sender; teardown; }
want genv-xdp && { measure genv-xdp setup_genv_xdp; teardown; }
want genv-tap && { measure genv-tap setup_genv; teardown; }
if want ovs-afxdp; then
	if have_ovs; then
		measure ovs-afxdp setup_ovs afxdp; teardown
	else
		ROWS+=(ovs-afxdp); NOTE[ovs-afxdp]="not installed (openvswitch-switch)"
	fi
fi
want vxlan && { measure vxlan setup_vxlan on; teardown; }

ratio() {	# VALUE BASE
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'
}
gen=${FWDS[sender]:-}
echo
echo "64 B frames vm1 -> vm2 from genv craft --xdp into genv decode --xdp --stats; ${T} s per trial, $STEPS search steps, <= $LOSS% loss"
echo "load average before the run: $LOAD0; after: $(cut -d' ' -f1-3 /proc/loadavg) (shared machine, 2 cores)"
printf '| %-9s | %10s | %6s | %6s | %10s | %10s | %10s | %10s | %6s | %9s | %6s | %6s | %s\n' \
	row "fwd pkt/s" "/vxlan" "/ovs" "max rx" "sent full" "ping avg" "ping p99" "/vxlan" "udp rr/s" "/vxlan" "/ovs" ""
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s\n' ----------- ------------ -------- -------- ------------ ------------ ------------ ------------ -------- ----------- -------- -------- ---
for r in "${ROWS[@]}"; do
	if [ -n "${NOTE[$r]:-}" ]; then
		printf '| %-9s | %s\n' "$r" "${NOTE[$r]}"
		continue
	fi
	note=
	if [ "$r" != sender ] && [ -n "$gen" ] &&
		awk -v a="${FWDS[$r]}" -v g="$gen" 'BEGIN { exit !(g > 0 && a >= 0.9 * g) }'; then
		note="limited by the sender"
	fi
	printf '| %-9s | %10s | %6s | %6s | %10s | %10s | %7s ms | %7s ms | %6s | %9s | %6s | %6s | %s\n' "$r" \
		"${FWDS[$r]}" "$(ratio "${FWDS[$r]}" "${FWDS[vxlan]:--}")" "$(ratio "${FWDS[$r]}" "${FWDS[ovs-afxdp]:--}")" \
		"${MAXRXS[$r]}" "${FULLS[$r]}" "${AVG[$r]}" "${P99[$r]}" "$(ratio "${AVG[$r]}" "${AVG[vxlan]:--}")" \
		"${RRS[$r]}" "$(ratio "${RRS[$r]}" "${RRS[vxlan]:--}")" "$(ratio "${RRS[$r]}" "${RRS[ovs-afxdp]:--}")" "$note"
done
echo "(fwd: the highest received rate with <= $LOSS% loss; max rx: received at the sender's full speed;"
echo " sent full: what the sender reached on that path; ratios: row / kernel VXLAN, row / OVS AF_XDP;"
echo " for ping a ratio above 1 means slower; udp rr: one 32-byte request in flight, python3 both ends)"
