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
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
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

# netns_router HOST [ARGS]: `genv route run` in namespace HOST (its socket
# $TMP/HOST.sock, log $TMP/HOST.log), $pid_HOST its PID (not through nsx:
# kill must reach the router itself); waits until it answers (5 s).
netns_router() {
	local h=$1; shift
	ip netns exec "$P-$h" "$GENV" route run -v -S "$TMP/$h.sock" "$@" >>"$TMP/$h.log" 2>&1 &
	pids+=("$!")
	printf -v "pid_$h" %s "$!"
	for _ in $(seq 100); do
		rt "$h" show host >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	return 1
}
