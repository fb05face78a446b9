#!/usr/bin/env bash
# VM to VM across an overlay, in network namespaces: genv route (UDP
# underlay) against the kernel's VXLAN (the kernel here has no Geneve
# module) and, when installed, Open vSwitch's userspace datapath with a
# Geneve tunnel.  In one run, on the same topology:
#
#   vm1 -- h1 ==== veth underlay 10.200.0.1 <-> .2, MTU 1500 ==== h2 -- vm2
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
# (default genv,genv-nooff,genv-txoff,genv-policy,vxlan,vxlan-txoff,ovs).  genv-policy is genv
# with network policy on both hosts: vm2 isolated for ingress and vm1 for
# egress, one rule each allowing the other (every port and protocol), so
# every packet passes the policy stage and connection tracking.
set -u
cd "$(dirname "$0")/.." || exit 1
T=5 ONLY=genv,genv-nooff,genv-txoff,genv-policy,vxlan,vxlan-txoff,ovs
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

teardown() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
	for n in $NSS; do ip netns del "$P-$n" 2>/dev/null; done
}
trap 'teardown; rm -rf "$tmp"' EXIT
trap 'exit 1' INT TERM

nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

underlay() {
	for n in $NSS; do
		ip netns add "$P-$n" || exit 1
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	ip link add u1 netns "$P-h1" type veth peer name u2 netns "$P-h2"
	nsx h1 ip addr add 10.200.0.1/24 dev u1
	nsx h2 ip addr add 10.200.0.2/24 dev u2
	nsx h1 ip link set u1 up
	nsx h2 ip link set u2 up
}

vm_addr() {	# VM IFACE MAC IP
	nsx "$1" ip link set "$2" name eth0
	nsx "$1" ip link set eth0 address "$3" mtu 1400 up
	nsx "$1" ip addr add "$4/24" dev eth0
}

setup_genv() {	# [policy|nooff|txoff]
	local h l1= l2= extra=()
	[ "${1:-}" = policy ] && l1=" labels app=vm1" l2=" labels app=vm2"
	[ "${1:-}" = nooff ] && extra=(--no-offload)
	underlay
	RPIDS=()
	for h in h1 h2; do
		ip netns exec "$P-$h" "$GENV" route run -q -S "$tmp/$h.sock" "${extra[@]}" >"$tmp/$h.log" 2>&1 &
		pids+=("$!")
		RPIDS+=("$!")
	done
	for h in h1 h2; do
		for _ in $(seq 50); do "$GENV" route -S "$tmp/$h.sock" show host >/dev/null 2>&1 && break; sleep 0.1; done
	done
	printf '%s\n' "set host addr 10.200.0.1" "add vpc 100 cidr 10.0.1.0/24" "add port tap1 mtu 1400" \
		"add ep 100 10.0.1.5 mac $MAC1 port tap1$l1" "add ep 100 10.0.1.6 mac $MAC2 host 10.200.0.2$l2" \
		>"$tmp/h1.genv"
	printf '%s\n' "set host addr 10.200.0.2" "add vpc 100 cidr 10.0.1.0/24" "add port tap2 mtu 1400" \
		"add ep 100 10.0.1.6 mac $MAC2 port tap2$l2" "add ep 100 10.0.1.5 mac $MAC1 host 10.200.0.1$l1" \
		>"$tmp/h2.genv"
	if [ -n "$l1" ]; then
		echo "add policy 100 vm1-out select app=vm1 egress to pod app=vm2" >>"$tmp/h1.genv"
		echo "add policy 100 vm2-in select app=vm2 ingress from pod app=vm1" >>"$tmp/h2.genv"
	fi
	"$GENV" route -S "$tmp/h1.sock" batch "$tmp/h1.genv" || return 1
	"$GENV" route -S "$tmp/h2.sock" batch "$tmp/h2.genv" || return 1
	ip -n "$P-h1" link set tap1 netns "$P-vm1"
	ip -n "$P-h2" link set tap2 netns "$P-vm2"
	vm_addr vm1 tap1 $MAC1 10.0.1.5
	vm_addr vm2 tap2 $MAC2 10.0.1.6
	if [ "${1:-}" = txoff ]; then
		nsx vm1 ethtool -K eth0 tx off >/dev/null 2>&1
		nsx vm2 ethtool -K eth0 tx off >/dev/null 2>&1
	fi
	WIRE="udp dst port 6081"
}

setup_vxlan() {	# tx-offload setting in the VMs: on|off
	local i
	underlay
	for i in 1 2; do
		ip -n "$P-h$i" link add vx0 type vxlan id 100 dstport 4789 \
			local "10.200.0.$i" remote "10.200.0.$((3 - i))"
		ip -n "$P-h$i" link add br0 type bridge
		ip link add "e$i" netns "$P-vm$i" type veth peer name "v$i" netns "$P-h$i"
		ip -n "$P-h$i" link set vx0 master br0 mtu 1450 up
		ip -n "$P-h$i" link set "v$i" master br0 mtu 1400 up
		ip -n "$P-h$i" link set br0 up
	done
	vm_addr vm1 e1 $MAC1 10.0.1.5
	vm_addr vm2 e2 $MAC2 10.0.1.6
	if [ "$1" = off ]; then
		nsx vm1 ethtool -K eth0 tx off >/dev/null 2>&1
		nsx vm2 ethtool -K eth0 tx off >/dev/null 2>&1
	fi
	WIRE="udp dst port 4789"
}

have_ovs() { command -v ovs-vswitchd >/dev/null 2>&1 && command -v ovsdb-server >/dev/null 2>&1; }

# Open vSwitch: per host its own ovsdb-server and ovs-vswitchd (private
# run/db/log directories), a netdev bridge with the VM's veth, a Geneve
# port and the underlay veth; the underlay address on the bridge's port.
setup_ovs() {
	local i d
	underlay
	for i in 1 2; do
		d=$tmp/ovs$i
		mkdir -p "$d"
		ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema >/dev/null || return 1
		nsx "h$i" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
			ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" --pidfile="$d/db.pid" \
			--unixctl="$d/db.ctl" --detach --no-chdir --log-file="$d/db.log" || return 1
		nsx "h$i" ovs-vsctl --db="unix:$d/db.sock" --no-wait init
		nsx "h$i" env OVS_RUNDIR="$d" ovs-vswitchd "unix:$d/db.sock" --pidfile="$d/vs.pid" \
			--unixctl="$d/vs.ctl" --detach --no-chdir --log-file="$d/vs.log" || return 1
		ip link add "e$i" netns "$P-vm$i" type veth peer name "v$i" netns "$P-h$i"
		ip -n "$P-h$i" link set "v$i" up
		ip -n "$P-h$i" addr flush dev "u$i"
		nsx "h$i" ovs-vsctl --db="unix:$d/db.sock" \
			-- add-br br0 -- set bridge br0 datapath_type=netdev \
			-- add-port br0 "v$i" \
			-- add-port br0 gnv0 -- set interface gnv0 type=geneve \
				options:remote_ip="10.200.0.$((3 - i))" options:key=100 \
			-- set Open_vSwitch . other_config:pmd-maxsleep=100 || return 1
		nsx "h$i" ovs-vsctl --db="unix:$d/db.sock" \
			-- add-br brul -- set bridge brul datapath_type=netdev -- add-port brul "u$i" || return 1
		ip -n "$P-h$i" addr add "10.200.0.$i/24" dev brul
		ip -n "$P-h$i" link set brul up
		ip -n "$P-h$i" link set br0 up
	done
	vm_addr vm1 e1 $MAC1 10.0.1.5
	vm_addr vm2 e2 $MAC2 10.0.1.6
	nsx vm1 ethtool -K eth0 tx off >/dev/null 2>&1
	nsx vm2 ethtool -K eth0 tx off >/dev/null 2>&1
	WIRE="udp dst port 6081"
}

teardown_ovs() {
	local i
	for i in 1 2; do
		for f in "$tmp/ovs$i/vs.pid" "$tmp/ovs$i/db.pid"; do
			[ -f "$f" ] && kill "$(cat "$f")" 2>/dev/null
		done
	done
	sleep 0.5
}

# ---- measurements (each bounded in time) ----
# wire_check: a few pings, captured on h2's underlay: encapsulation seen?
wire_check() {
	ip netns exec "$P-h2" timeout 5 tcpdump -i u2 -c 2 -nn "$WIRE" >"$tmp/wire" 2>/dev/null &
	local c=$!
	sleep 0.5
	nsx vm1 timeout 3 ping -c 2 -i 0.2 -W 1 10.0.1.6 >/dev/null 2>&1
	wait "$c" 2>/dev/null
	[ "$(grep -c . "$tmp/wire")" -ge 1 ]
}

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

m_ping() {	# "avg p99" in ms
	nsx vm1 timeout 30 ping -c 300 -i 0.01 -W 1 10.0.1.6 2>/dev/null |
		awk -F'time=' '/time=/ { split($2, a, " "); print a[1] }' | sort -n >"$tmp/rtt"
	awk '{ v[NR] = $1; s += $1 } END {
		if (!NR) { print "- -"; exit }
		i = int(NR * 0.99); if (i < 1) i = 1
		printf "%.3f %.3f\n", s / NR, v[i] }' "$tmp/rtt"
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
if want ovs; then
	if have_ovs; then
		measure ovs setup_ovs; teardown_ovs; teardown
	else
		ROWS+=(ovs); NOTE[ovs]="not installed (openvswitch-switch)"
	fi
fi

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
