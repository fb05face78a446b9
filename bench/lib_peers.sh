# shellcheck shell=bash
# The two-host overlay topology and the peers' setups, shared by
# bench/overlay.sh and bench/forward.sh (sourced).  The caller sets P (a
# unique name prefix), tmp (its scratch directory), NSS ("h1 h2 vm1 vm2"),
# MAC1, MAC2, GENV and the pids array (PIDs teardown kills); RPIDS gets the
# genv routers' PIDs.
#
#   vm1 -- h1 ==== u1 10.200.0.1 -- [bridge in "ul"] -- u2 .2 ==== h2 -- vm2
#   underlay veths MTU 1500; VMs: eth0 10.0.1.5 and 10.0.1.6, MTU 1400
# shellcheck disable=SC2154  # P, tmp, NSS, MAC1, MAC2, GENV come from the caller

nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }

teardown() {
	local p n
	teardown_ovs
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	pids=()
	for n in $NSS ul; do ip netns del "$P-$n" 2>/dev/null; done
}

underlay() {
	local n
	for n in $NSS; do
		ip netns add "$P-$n" || exit 1
		nsx "$n" ip link set lo up
		nsx "$n" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
	done
	# the wire: a bridge in namespace "ul" between the hosts' veths, where
	# tcpdump sees what an XDP program on a host's veth hides from it
	ip netns add "$P-ul" || exit 1
	nsx ul ip link add br0 type bridge
	nsx ul ip link set br0 up
	for n in 1 2; do
		ip link add "u$n" netns "$P-h$n" type veth peer name "w$n" netns "$P-ul"
		nsx ul ip link set "w$n" master br0 up
		nsx "h$n" ip addr add "10.200.0.$n/24" dev "u$n"
		nsx "h$n" ip link set "u$n" up
	done
}

vm_addr() {	# VM IFACE MAC IP
	nsx "$1" ip link set "$2" name eth0
	nsx "$1" ip link set eth0 address "$3" mtu 1400 up
	nsx "$1" ip addr add "$4/24" dev eth0
}

vms_txoff() {	# both VMs: transmit offloads off (a userspace datapath on a veth needs it)
	nsx vm1 ethtool -K eth0 tx off >/dev/null 2>&1
	nsx vm2 ethtool -K eth0 tx off >/dev/null 2>&1
}

# genv_routers [ARGS...]: `genv route run -q -S $tmp/hN.sock ARGS` in h1 and
# h2 (PIDs in pids and RPIDS), waiting up to 5 s for each control socket
genv_routers() {
	local h
	RPIDS=()
	for h in h1 h2; do
		# not through nsx: $! must be the router itself, for kill
		ip netns exec "$P-$h" "$GENV" route run -q -S "$tmp/$h.sock" "$@" >"$tmp/$h.log" 2>&1 &
		pids+=("$!")
		RPIDS+=("$!")
	done
	for h in h1 h2; do
		for _ in $(seq 50); do "$GENV" route -S "$tmp/$h.sock" show host >/dev/null 2>&1 && break; sleep 0.1; done
	done
}

# genv_config I PORT [LABELS_SELF LABELS_PEER]: host hI's router commands, its
# VM behind PORT, the other VM on the other host
genv_config() {
	local i=$1 j=$((3 - $1)) macs=("" "$MAC1" "$MAC2")
	printf '%s\n' "set host addr 10.200.0.$i" "add vpc 100 cidr 10.0.1.0/24" \
		"add ep 100 10.0.1.$((4 + i)) mac ${macs[$i]} port $2${3:-}" \
		"add ep 100 10.0.1.$((4 + j)) mac ${macs[$j]} host 10.200.0.$j${4:-}"
}

setup_genv() {	# [policy|nooff|txoff]: TAP ports, UDP socket underlay
	local l1='' l2='' extra=()
	[ "${1:-}" = policy ] && l1=" labels app=vm1" l2=" labels app=vm2"
	[ "${1:-}" = nooff ] && extra=(--no-offload)
	underlay
	genv_routers "${extra[@]}"
	{ echo "add port tap1 mtu 1400"; genv_config 1 tap1 "$l1" "$l2"; } >"$tmp/h1.genv"
	{ echo "add port tap2 mtu 1400"; genv_config 2 tap2 "$l2" "$l1"; } >"$tmp/h2.genv"
	if [ -n "$l1" ]; then
		echo "add policy 100 vm1-out select app=vm1 egress to pod app=vm2" >>"$tmp/h1.genv"
		echo "add policy 100 vm2-in select app=vm2 ingress from pod app=vm1" >>"$tmp/h2.genv"
	fi
	"$GENV" route -S "$tmp/h1.sock" batch "$tmp/h1.genv" || return 1
	"$GENV" route -S "$tmp/h2.sock" batch "$tmp/h2.genv" || return 1
	ip -n "$P-h1" link set tap1 netns "$P-vm1"
	ip -n "$P-h2" link set tap2 netns "$P-vm2"
	vm_addr vm1 tap1 "$MAC1" 10.0.1.5
	vm_addr vm2 tap2 "$MAC2" 10.0.1.6
	[ "${1:-}" = txoff ] && vms_txoff
	WIRE="udp dst port 6081"
}

vm_veths() {	# a veth per VM: eN in vmN (as eth0), vN in hN (up)
	local i
	for i in 1 2; do
		ip link add "e$i" netns "$P-vm$i" type veth peer name "v$i" netns "$P-h$i" || return 1
		ip -n "$P-h$i" link set "v$i" mtu 1400 up
	done
	vm_addr vm1 e1 "$MAC1" 10.0.1.5
	vm_addr vm2 e2 "$MAC2" 10.0.1.6
}

# genv with AF_XDP ports: the VM's veth (endpoint role) and the underlay
# veth (underlay role, it has the address) on each host
setup_genv_xdp() {
	local i
	mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null
	underlay
	vm_veths || return 1
	genv_routers
	for i in 1 2; do
		{ echo "add port xdp v$i"; echo "add port xdp u$i"; genv_config "$i" "v$i"; } >"$tmp/h$i.genv"
		"$GENV" route -S "$tmp/h$i.sock" batch "$tmp/h$i.genv" || return 1
	done
	vms_txoff
	WIRE="udp dst port 6081"
}

setup_vxlan() {	# tx-offload setting in the VMs: on|off
	local i
	underlay
	vm_veths || return 1
	for i in 1 2; do
		ip -n "$P-h$i" link add vx0 type vxlan id 100 dstport 4789 \
			local "10.200.0.$i" remote "10.200.0.$((3 - i))"
		ip -n "$P-h$i" link add br0 type bridge
		ip -n "$P-h$i" link set vx0 master br0 mtu 1450 up
		ip -n "$P-h$i" link set "v$i" master br0
		ip -n "$P-h$i" link set br0 up
	done
	[ "$1" = off ] && vms_txoff
	WIRE="udp dst port 4789"
}

have_ovs() { command -v ovs-vswitchd >/dev/null 2>&1 && command -v ovsdb-server >/dev/null 2>&1; }

# Open vSwitch userspace datapath: per host its own ovsdb-server and
# ovs-vswitchd (private run/db/log directories, started detached, stopped
# by the PIDs in their pid files), a netdev bridge br0 with the VM's veth
# and a Geneve port (VNI 100), a netdev bridge brul with the underlay veth
# and the underlay address on its own port.  setup_ovs afxdp: the underlay
# veth as an AF_XDP port in native mode (copy mode on a veth), the polling
# thread pinned (host 1 on CPU 0, host 2 on CPU 1); otherwise a plain
# system port.  pmd-maxsleep=100 (us) lets an idle PMD thread sleep.
setup_ovs() {
	local i d ul=()
	underlay
	vm_veths || return 1
	for i in 1 2; do
		d=$tmp/ovs$i
		mkdir -p "$d"
		ovsdb-tool create "$d/conf.db" /usr/share/openvswitch/vswitch.ovsschema >/dev/null || return 1
		nsx "h$i" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
			ovsdb-server "$d/conf.db" --remote="punix:$d/db.sock" --pidfile="$d/db.pid" \
			--unixctl="$d/db.ctl" --detach --no-chdir --log-file="$d/db.log" || return 1
		nsx "h$i" ovs-vsctl --db="unix:$d/db.sock" --no-wait init
		nsx "h$i" env OVS_RUNDIR="$d" OVS_DBDIR="$d" OVS_LOGDIR="$d" \
			ovs-vswitchd "unix:$d/db.sock" --pidfile="$d/vs.pid" \
			--unixctl="$d/vs.ctl" --detach --no-chdir --log-file="$d/vs.log" || return 1
		ip -n "$P-h$i" addr flush dev "u$i"
		nsx "h$i" ovs-vsctl --timeout=20 --db="unix:$d/db.sock" \
			-- set Open_vSwitch . other_config:pmd-maxsleep=100 \
			-- add-br br0 -- set bridge br0 datapath_type=netdev \
			-- add-port br0 "v$i" \
			-- add-port br0 gnv0 -- set interface gnv0 type=geneve \
				options:remote_ip="10.200.0.$((3 - i))" options:key=100 || return 1
		ul=()
		if [ "${1:-}" = afxdp ]; then
			ul=(-- set interface "u$i" type=afxdp options:xdp-mode=native)
			nsx "h$i" ovs-vsctl --timeout=20 --db="unix:$d/db.sock" \
				set Open_vSwitch . other_config:pmd-cpu-mask="$i" || return 1
		fi
		nsx "h$i" ovs-vsctl --timeout=20 --db="unix:$d/db.sock" \
			-- add-br brul -- set bridge brul datapath_type=netdev -- add-port brul "u$i" "${ul[@]}" || return 1
		if [ "${1:-}" = afxdp ] &&
			[ "$(nsx "h$i" ovs-vsctl --timeout=5 --db="unix:$d/db.sock" get interface "u$i" ofport)" = -1 ]; then
			echo "ovs: afxdp port u$i refused: $(nsx "h$i" ovs-vsctl --timeout=5 --db="unix:$d/db.sock" get interface "u$i" error)"
			return 1
		fi
		ip -n "$P-h$i" addr add "10.200.0.$i/24" dev brul
		ip -n "$P-h$i" link set brul up
		ip -n "$P-h$i" link set br0 up
	done
	vms_txoff
	WIRE="udp dst port 6081"
}

teardown_ovs() {	# stop every ovs-vswitchd and ovsdb-server setup_ovs started, by PID
	local i f p
	for i in 1 2; do
		for f in "$tmp/ovs$i/vs.pid" "$tmp/ovs$i/db.pid"; do
			[ -f "$f" ] || continue
			p=$(cat "$f")
			kill "$p" 2>/dev/null
			for _ in $(seq 30); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
			rm -f "$f"
		done
	done
}

# wire_check: a few pings from vm1, captured on the wire to h2 (for every
# row: the encapsulation the peer claims is on the wire)
wire_check() {
	ip netns exec "$P-ul" timeout 5 tcpdump -i w2 -c 2 -nn "$WIRE" >"$tmp/wire" 2>/dev/null &
	local c=$!
	sleep 0.5
	nsx vm1 timeout 3 ping -c 2 -i 0.2 -W 1 10.0.1.6 >/dev/null 2>&1
	wait "$c" 2>/dev/null
	[ "$(grep -c . "$tmp/wire")" -ge 1 ]
}

m_ping() {	# "avg p99" in ms: 300 pings 10 ms apart, vm1 -> vm2
	nsx vm1 timeout 30 ping -c 300 -i 0.01 -W 1 10.0.1.6 2>/dev/null |
		awk -F'time=' '/time=/ { split($2, a, " "); print a[1] }' | sort -n >"$tmp/rtt"
	awk '{ v[NR] = $1; s += $1 } END {
		if (!NR) { print "- -"; exit }
		i = int(NR * 0.99); if (i < 1) i = 1
		printf "%.3f %.3f\n", s / NR, v[i] }' "$tmp/rtt"
}
