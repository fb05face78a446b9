# shellcheck shell=bash
# Shared by the namespace tests (tests/net/*.sh), sourced after tests/lib.sh.
# shellcheck disable=SC2154  # pids, P, NSS, TMP come from the caller
# The caller sets P (a unique name prefix, e.g. gr$$), NSS (the namespace
# names), TMP (its scratch directory) and the pids array.

nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
rt() { local h=$1; shift; timeout 10 "$GENV" route -S "$TMP/$h.sock" "$@"; }

# jget HOST TOPIC KEY: the largest number found under KEY (or in an object
# naming KEY as its reason/name) in `genv route -j show TOPIC`
jget() {
	rt "$1" -j show "$2" | python3 -c '
import json, sys
key = sys.argv[1]
best = [0]
def walk(o):
    if isinstance(o, dict):
        for k, v in o.items():
            if k == key and isinstance(v, (int, float)) and not isinstance(v, bool):
                best[0] = max(best[0], v)
        if key in o.values():
            for k in ("count", "packets", "drops", "value"):
                if isinstance(o.get(k), int):
                    best[0] = max(best[0], o[k])
        for v in o.values(): walk(v)
    elif isinstance(o, list):
        for v in o: walk(v)
try:
    walk(json.load(sys.stdin))
except Exception:
    pass
print(int(best[0]))' "$3"
}

# Stop what the test started (by PID), delete its namespaces and files.
netns_cleanup() {
	local p n
	# a backgrounded `nsx ...` is a subshell whose child runs the program:
	# stop the children first, then the subshells
	for p in "${pids[@]}"; do pkill -TERM -P "$p" 2>/dev/null; kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in $NSS; do ip netns del "$P-$n" 2>/dev/null; done
	[ -n "$TMP" ] && rm -rf "$TMP"
}

# netns_underlay NAME: create every namespace in $NSS, then join hosts
# h1..h3 (10.200.0.1-3/24 on ul1..ul3) through a bridge in namespace "ul".
# Skips the whole script (as NAME) when namespaces cannot be created.
netns_underlay() {
	local n i
	for n in $NSS; do
		ip netns add "$P-$n" || { skip "$1" "ip netns add failed"; finish; }
		nsx "$n" ip link set lo up
	done
	nsx ul ip link add br0 type bridge
	nsx ul ip link set br0 up
	for i in 1 2 3; do
		ip link add "ul$i" netns "$P-h$i" type veth peer name "h$i" netns "$P-ul"
		nsx ul ip link set "h$i" master br0 up
		nsx "h$i" ip addr add "10.200.0.$i/24" dev "ul$i"
		nsx "h$i" ip link set "ul$i" up
	done
}

# rt_start HOST [ARGS...]: start `genv route run -S $TMP/HOST.sock ARGS` in
# namespace HOST (log: $TMP/HOST.log, appended), remember its PID in pids
# and in pid_HOST, and wait up to 5 s for its control socket to answer.
rt_start() {
	local h=$1; shift
	# not through nsx: $! must be the router itself, for kill
	ip netns exec "$P-$h" "$GENV" route run -S "$TMP/$h.sock" "$@" >>"$TMP/$h.log" 2>&1 &
	pids+=("$!")
	printf -v "pid_$h" %s "$!"
	for _ in $(seq 50); do
		rt "$h" show host >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

# vm_up HOST VM TAP MAC IPV4 [IPV6]: move the router's TAP from namespace
# HOST into namespace VM as eth0 with MAC and IPV4/24 (default route via .1,
# the VPC gateway) and optionally IPV6/64; MTU $VM_MTU when set.
vm_up() {
	local h=$1 vm=$2 tap=$3 mac=$4 ip4=$5 ip6=${6:-}
	ip -n "$P-$h" link set "$tap" netns "$P-$vm" &&
	nsx "$vm" ip link set "$tap" name eth0 &&
	nsx "$vm" ip link set eth0 address "$mac" ${VM_MTU:+mtu "$VM_MTU"} &&
	nsx "$vm" ip link set eth0 up &&
	nsx "$vm" ip addr add "$ip4/24" dev eth0 &&
	nsx "$vm" ip route add default via "${ip4%.*}.1" || return 1
	if [ -n "$ip6" ]; then
		nsx "$vm" ip addr add "$ip6/64" dev eth0 nodad || return 1
	fi
	nsx "$vm" sysctl -qw net.ipv6.conf.eth0.accept_ra=0 2>/dev/null
	return 0
}

# netns_routers HOST...: start `genv route run` in each host namespace
# (rt_start: socket $TMP/HOST.sock, log $TMP/HOST.log) and wait until it
# answers.  Non-zero when one did not.
netns_routers() {
	local h r=0
	for h in "$@"; do rt_start "$h" || r=1; done
	return $r
}

# netns_ep_lines VNI N EPS: the router commands of host hN for the
# endpoints in EPS (lines "NAME IP MAC HOSTNUM"): a port and a local
# endpoint for its own, a remote endpoint for the others.
netns_ep_lines() {
	local n ip mac eh
	while read -r n ip mac eh; do
		if [ "$eh" = "$2" ]; then
			echo "add port t$n"
			echo "add ep $1 $ip mac $mac port t$n"
		else
			echo "add ep $1 $ip mac $mac host 10.200.0.$eh"
		fi
	done <<<"$3"
}

# netns_vms EPS: move each endpoint's TAP port tNAME from its host into
# namespace NAME as eth0 with its MAC and IP/16.  Non-zero when a step failed.
netns_vms() {
	local n ip mac eh r=0
	while read -r n ip mac eh; do
		ip -n "$P-h$eh" link set "t$n" netns "$P-$n" &&
		nsx "$n" ip link set "t$n" name eth0 &&
		nsx "$n" ip link set eth0 address "$mac" &&
		nsx "$n" ip link set eth0 up &&
		nsx "$n" ip addr add "$ip/16" dev eth0 || r=1
	done <<<"$1"
	return $r
}

# cap_wait FILE...: wait until each capture whose stderr went to FILE says it
# listens (at most 10 s in all), instead of a fixed sleep that a loaded
# machine outlasts.  1 when one never did.
cap_wait() {
	local f k
	for ((k = 0; k < 100; k++)); do
		for f in "$@"; do grep -q 'listening on' "$f" 2>/dev/null || break; done
		grep -q 'listening on' "$f" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}
