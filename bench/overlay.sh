#!/usr/bin/env bash
# VM to VM across an overlay, in network namespaces: genv route (UDP
# underlay) against the kernel's VXLAN (the kernel here has no Geneve
# module) and, when installed, Open vSwitch's userspace datapath with a
# Geneve tunnel.  In one run, on the same topology:
#
#   vm1 -- h1 ==== u1 10.200.0.1 -- [bridge, the wire] -- u2 .2 ==== h2 -- vm2
#   underlay veths MTU 1500 (bench/lib_peers.sh: tcpdump on the bridge port)
#   VMs: 10.0.1.5 and 10.0.1.6, MTU 1400
#
#   genv       h1 and h2 run `genv route run`; the VMs hold its TAP devices
#   vxlan      h1 and h2 bridge a veth from the VM with a vxlan device
#              (VNI 100, UDP 4789); VM transmit offloads on (kernel default)
#   vxlan-txoff  the same with `ethtool -K eth0 tx off` in the VMs, the
#              setting a userspace datapath fed by a veth needs
#   ovs        Open vSwitch userspace (netdev) datapath, a Geneve port,
#              plain system ports, VM tx offloads off (if ovs-vswitchd is
#              installed: openvswitch-switch; otherwise the row says so)
#   ovs-afxdp  the same with the underlay veth as an AF_XDP port (native
#              XDP, copy mode on a veth), polling thread pinned to a core,
#              pmd-maxsleep=100: its strongest setup here
#
#   genv-nooff genv with `route run --no-offload`: plain TAP frames, one
#              datagram per message (the router before offloads)
#   genv-txoff genv (offloads on) with `ethtool -K eth0 tx off` in the VMs:
#              one frame per TAP read, but UDP trains and coalescing still
#
# Measures: iperf3 TCP throughput (1 stream and 4 streams), the routers'
# CPU seconds per GB received (utime + stime from /proc/PID/stat of both
# genv routers during the 1-stream test; "-" for the kernel's tunnels,
# whose work is in softirqs), 64-byte UDP packets/s
# received by vm2 (trafgen from netsniff-ng when installed, one sender
# process, else iperf3 UDP), ping latency (300 pings 10 ms apart: average
# and 99th percentile).  Nothing is pinned: with 2 cores, the routers (or
# softirqs), the VMs' tools and the kernel share them as they would.
# Prints a table with ratios to genv.  Not a test: asserts nothing.
#   bench/overlay.sh [-t SECONDS] [-p PEER,...] [GENV]
# -t: seconds per throughput test (default 5); -p: the peers to run
# (default genv,genv-nooff,genv-txoff,genv-policy,vxlan,vxlan-txoff,ovs,ovs-afxdp).  genv-policy is genv
# with network policy on both hosts: vm2 isolated for ingress and vm1 for
# egress, one rule each allowing the other (every port and protocol), so
# every packet passes the policy stage and connection tracking.
set -u
cd "$(dirname "$0")/.." || exit 1
T=5 ONLY=genv,genv-nooff,genv-txoff,genv-policy,vxlan,vxlan-txoff,ovs,ovs-afxdp
while getopts t:p: o; do
	case $o in
	t) T=$OPTARG ;;
	p) ONLY=$OPTARG ;;
	*) echo "usage: bench/overlay.sh [-t SECONDS] [-p PEER,...] [GENV]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
GENV=$(readlink -f "${1:-${GENV:-$PWD/genv}}")
P=gb$$
tmp=$(mktemp -d /tmp/genv-bench-overlay.XXXXXX)
pids=()
NSS="h1 h2 vm1 vm2"
MAC1=02:00:00:00:01:05 MAC2=02:00:00:00:01:06

[ "$(id -u)" = 0 ] || { echo "bench/overlay.sh: needs root (network namespaces)" >&2; exit 1; }
[ -x "$GENV" ] || { echo "bench/overlay.sh: '$GENV' not built (run make)" >&2; exit 1; }
for t in iperf3 ping ethtool python3; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/overlay.sh: '$t' not found (make deps)" >&2; exit 1; }
done

# shellcheck source=bench/lib_peers.sh
. bench/lib_peers.sh
trap 'teardown; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

# ---- measurements (each bounded in time) ----
# router_ticks: CPU time (utime + stime, clock ticks) of the genv routers
router_ticks() {
	local p t=0 f
	for p in "${RPIDS[@]}"; do
		# fields after the command name "(genv)": 14 utime, 15 stime
		f=$(sed 's/^.*) //' "/proc/$p/stat" 2>/dev/null) || continue
		set -- $f
		t=$((t + ${12} + ${13}))
	done
	echo "$t"
}

m_tcp() {	# STREAMS: "Gbit/s bytes"
	ip netns exec "$P-vm2" timeout $((T + 15)) iperf3 -s -1 -p 5201 >/dev/null 2>&1 &
	local s=$!
	sleep 0.5
	nsx vm1 timeout $((T + 10)) iperf3 -c 10.0.1.6 -p 5201 -t "$T" -P "$1" -J >"$tmp/tcp.json" 2>/dev/null
	wait "$s" 2>/dev/null
	python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["end"]["sum_received"]; print("%.2f %d" % (d["bits_per_second"] / 1e9, d["bytes"]))' \
		"$tmp/tcp.json" 2>/dev/null || echo "- 0"
}

m_pps() {	# 64-byte UDP packets/s received by vm2
	local r0 r1 t0 t1 n
	LOSS=-
	if command -v trafgen >/dev/null 2>&1; then
		cat >"$tmp/udp.trafgen" <<-EOF
			{ eth(da=$MAC2, sa=$MAC1), ipv4(saddr=10.0.1.5, daddr=10.0.1.6, ttl=64),
			  udp(sport=9, dport=9), fill(0x00, 18) }
		EOF
		nsx vm1 ip neigh replace 10.0.1.6 lladdr $MAC2 dev eth0
		r0=$(nsx vm2 cat /sys/class/net/eth0/statistics/rx_packets)
		t0=$(nsx vm1 cat /sys/class/net/eth0/statistics/tx_packets /sys/class/net/eth0/statistics/tx_dropped | awk '{ s += $1 } END { print s }')
		# one sender process (-P 1): trafgen otherwise spins on every core
		nsx vm1 timeout "$T" trafgen -P 1 -o eth0 -c "$tmp/udp.trafgen" -q >/dev/null 2>&1
		sleep 1
		r1=$(nsx vm2 cat /sys/class/net/eth0/statistics/rx_packets)
		t1=$(nsx vm1 cat /sys/class/net/eth0/statistics/tx_packets /sys/class/net/eth0/statistics/tx_dropped | awk '{ s += $1 } END { print s }')
		n=$(((r1 - r0) / T))
		# what left vm1 but never reached vm2, for the table's note
		LOSS=$(awk -v s=$((t1 - t0)) -v r=$((r1 - r0)) 'BEGIN { printf "%.0f%%", s ? 100 * (s - r) / s : 0 }')
	else
		ip netns exec "$P-vm2" timeout $((T + 15)) iperf3 -s -1 -p 5202 >/dev/null 2>&1 &
		local s=$!
		sleep 0.5
		nsx vm1 timeout $((T + 10)) iperf3 -c 10.0.1.6 -p 5202 -u -b 0 -l 18 -t "$T" -J >"$tmp/udp.json" 2>/dev/null
		wait "$s" 2>/dev/null
		n=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); s=d["end"]["sum"]; print(int((s["packets"] - s["lost_packets"]) / s["seconds"]))' \
			"$tmp/udp.json" 2>/dev/null || echo 0)
	fi
	echo "$LOSS" >"$tmp/loss"
	echo "$n"
}

declare -A TCP TCP4 CPU PPS LOSSES AVG P99 NOTE
ROWS=()
RPIDS=()
HZ=$(getconf CLK_TCK)
measure() {	# NAME SETUP-CMD...
	local name=$1; shift
	ROWS+=("$name")
	if ! "$@" >"$tmp/setup.log" 2>&1; then
		NOTE[$name]="setup failed: $(tail -n 1 "$tmp/setup.log")"
		return
	fi
	sleep 1
	if ! wire_check; then
		NOTE[$name]="no encapsulated packets on the underlay: skipped"
		return
	fi
	printf '# %-12s tcp ... ' "$name" >&2
	local c0 c1 bytes
	c0=$(router_ticks)
	read -r "TCP[$name]" bytes < <(m_tcp 1)
	c1=$(router_ticks)
	CPU[$name]=-
	if [ "${#RPIDS[@]}" -gt 0 ] && [ "$bytes" -gt 0 ]; then
		CPU[$name]=$(awk -v t=$((c1 - c0)) -v hz="$HZ" -v b="$bytes" 'BEGIN { printf "%.2f", t / hz / (b / 1e9) }')
	fi
	read -r "TCP4[$name]" bytes < <(m_tcp 4)
	printf '%s Gbit/s (4 streams %s), pps ... ' "${TCP[$name]}" "${TCP4[$name]}" >&2
	m_pps >"$tmp/pps"
	PPS[$name]=$(cat "$tmp/pps")
	LOSSES[$name]=$(cat "$tmp/loss" 2>/dev/null || echo -)
	printf '%s, ping ... ' "${PPS[$name]}" >&2
	read -r "AVG[$name]" "P99[$name]" < <(m_ping)
	printf '%s ms\n' "${AVG[$name]}" >&2
}

want() { [[ ,$ONLY, == *,$1,* ]]; }
want genv && { measure genv setup_genv; teardown; }
want genv-nooff && { measure genv-nooff setup_genv nooff; teardown; }
want genv-txoff && { measure genv-txoff setup_genv txoff; teardown; }
want genv-policy && { measure genv-policy setup_genv policy; teardown; }
RPIDS=()
want vxlan && { measure vxlan setup_vxlan on; teardown; }
want vxlan-txoff && { measure vxlan-txoff setup_vxlan off; teardown; }
for o in ovs ovs-afxdp; do
	want $o || continue
	if have_ovs; then
		measure "$o" setup_ovs "$([ "$o" = ovs-afxdp ] && echo afxdp)"; teardown
	else
		ROWS+=("$o"); NOTE[$o]="not installed (openvswitch-switch)"
	fi
done

ratio() {	# VALUE BASE
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || a == "" || b == "" || b + 0 == 0) print "-"; else printf "%.2fx", a / b }'
}
pps_tool=$(command -v trafgen >/dev/null 2>&1 && echo trafgen || echo "iperf3 -u")
echo
echo "VM to VM, ${T} s per test, VM MTU 1400, underlay veth MTU 1500; 64 B UDP sent with $pps_tool"
printf '| %-12s | %9s | %6s | %9s | %6s | %8s | %10s | %5s | %6s | %9s | %9s | %6s |\n' peer "TCP Gb/s" ratio "4 streams" ratio "CPU s/GB" "64B pkt/s" loss ratio "ping avg" "ping p99" ratio
printf '|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|%s|\n' -------------- ----------- -------- ----------- -------- ---------- ------------ ------- -------- ----------- ----------- --------
for r in "${ROWS[@]}"; do
	if [ -n "${NOTE[$r]:-}" ]; then
		printf '| %-12s | %s\n' "$r" "${NOTE[$r]}"
		continue
	fi
	printf '| %-12s | %9s | %6s | %9s | %6s | %8s | %10s | %5s | %6s | %7s ms | %6s ms | %6s |\n' "$r" \
		"${TCP[$r]}" "$(ratio "${TCP[$r]}" "${TCP[genv]:--}")" \
		"${TCP4[$r]}" "$(ratio "${TCP4[$r]}" "${TCP4[genv]:--}")" "${CPU[$r]}" \
		"${PPS[$r]}" "${LOSSES[$r]}" "$(ratio "${PPS[$r]}" "${PPS[genv]:--}")" \
		"${AVG[$r]}" "${P99[$r]}" "$(ratio "${AVG[$r]}" "${AVG[genv]:--}")"
done
echo "(ratios: peer / genv; for ping a ratio above 1 means the peer is slower;"
echo " loss: 64 B packets vm1 sent (or its device dropped) that never reached vm2;"
echo " CPU s/GB: both genv routers' CPU seconds per GB received in the 1-stream test)"
