#!/usr/bin/env bash
# Convergence from etcd (genv-store(5)) vs the same endpoints pushed over
# the local control socket, for N endpoints (default: 1000 10000).
#
# In one private network namespace (loopback only): one etcd member and
# two routers at a time.  store: N `add ep` values written straight to the
# JSON gateway in transactions of 100 keys (python3), the router converging
# from its watch; measured: the time from the last write's reply until the
# router's applied revision reaches it (show store), the router's CPU per
# 1,000 updates (/proc utime+stime) and its memory per endpoint (RSS).
# socket: the same N lines through `genv route batch` to a router without
# --store; measured: wall time, router CPU per 1,000, RSS per endpoint.
# Run as root from the repository root, under the namespace lock:
#   flock /tmp/genv-net.lock bench/store.sh [N...]
set -u
GENV=$(readlink -f "${GENV:-./genv}")
NS=gsb$$
TMP=$(mktemp -d /tmp/genv-bstore.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "bench/store.sh: needs root (a network namespace)" >&2; exit 1; }
command -v etcd >/dev/null || { echo "bench/store.sh: needs etcd (etcd-server)" >&2; exit 1; }
ip netns add "$NS" && ip netns exec "$NS" ip link set lo up || exit 1
nsx() { ip netns exec "$NS" "$@"; }

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)

start_router() {	# NAME ARGS...
	local n=$1; shift
	ip netns exec "$NS" "$GENV" route run -q -S "$TMP/$n.sock" "$@" >"$TMP/$n.log" 2>&1 &
	pids+=("$!")
	rpid=$!
	for _ in $(seq 100); do
		"$GENV" route -S "$TMP/$n.sock" show host >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "router $n did not start: $(tail -n 2 "$TMP/$n.log")" >&2
	exit 1
}
stop_router() { kill "$rpid"; wait "$rpid" 2>/dev/null; }

printf '%-8s %-7s %12s %14s %14s %12s\n' endpoints path "total s" "after last s" "CPU ms/1000" "B/endpoint"
for n in ${@:-1000 10000}; do
	rm -rf "$TMP/etcd"
	ip netns exec "$NS" etcd --name b --data-dir "$TMP/etcd" --listen-client-urls http://127.0.0.1:23790 \
		--advertise-client-urls http://127.0.0.1:23790 --listen-peer-urls http://127.0.0.1:23800 \
		--initial-advertise-peer-urls http://127.0.0.1:23800 --initial-cluster b=http://127.0.0.1:23800 \
		--quota-backend-bytes 4294967296 >"$TMP/etcd.log" 2>&1 &
	pids+=("$!")
	epid=$!
	for _ in $(seq 100); do nsx etcdctl --endpoints 127.0.0.1:23790 put /x y >/dev/null 2>&1 && break; sleep 0.1; done
	nsx "$GENV" route add vpc 100 cidr 10.0.0.0/8 --store etcd://127.0.0.1:23790 || exit 1
	start_router s --store etcd://127.0.0.1:23790 --host-id b1
	sleep 0.5
	c0=$(cpu_ticks "$rpid"); m0=$(rss_kb "$rpid")
	# write N endpoints, 100 per transaction; print the start time, the
	# time of the last reply and its revision
	read -r t0 t1 rev < <(nsx python3 - "$n" <<'EOF'
import base64, json, sys, time, urllib.request
n = int(sys.argv[1])
b64 = lambda s: base64.b64encode(s.encode()).decode()
t0 = time.time()
rev = 0
for start in range(0, n, 100):
    ops = []
    for i in range(start, min(n, start + 100)):
        ip = "10.%d.%d.%d" % (1 + i // 62500, i // 250 % 250, i % 250 + 1)
        mac = "02:00:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
        line = "add ep 100 %s mac %s type simple host 10.200.0.9" % (ip, mac)
        ops.append({"request_put": {"key": b64("/genv/v1/ep/100/" + ip), "value": b64(line)}})
    req = urllib.request.Request("http://127.0.0.1:23790/v3/kv/txn", json.dumps({"success": ops}).encode())
    rev = int(json.load(urllib.request.urlopen(req))["header"]["revision"])
print(t0, time.time(), rev)
EOF
)
	for _ in $(seq 6000); do	# 60 s at most
		got=$("$GENV" route -S "$TMP/s.sock" -j show store | python3 -c 'import json,sys; print(json.load(sys.stdin)["store"]["revision"])')
		[ "${got:-0}" -ge "$rev" ] && break
		sleep 0.01
	done
	t2=$(date +%s.%N)
	c1=$(cpu_ticks "$rpid"); m1=$(rss_kb "$rpid")
	awk -v n="$n" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v c="$((c1 - c0))" -v hz="$hz" -v m="$((m1 - m0))" 'BEGIN {
		printf "%-8d %-7s %12.3f %14.3f %14.1f %12.0f\n", n, "store", t2 - t0, t2 - t1, c * 1000 / hz / (n / 1000), m * 1024 / n }'
	stop_router
	kill "$epid"; wait "$epid" 2>/dev/null

	# the same endpoints over the control socket
	nsx python3 - "$n" >"$TMP/eps.genv" <<'EOF'
import sys
n = int(sys.argv[1])
print("add vpc 100 cidr 10.0.0.0/8")
for i in range(n):
    ip = "10.%d.%d.%d" % (1 + i // 62500, i // 250 % 250, i % 250 + 1)
    mac = "02:00:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
    print("add ep 100 %s mac %s type simple host 10.200.0.9" % (ip, mac))
EOF
	start_router c
	c0=$(cpu_ticks "$rpid"); m0=$(rss_kb "$rpid")
	t0=$(date +%s.%N)
	"$GENV" route -S "$TMP/c.sock" batch "$TMP/eps.genv" >/dev/null || exit 1
	t2=$(date +%s.%N)
	c1=$(cpu_ticks "$rpid"); m1=$(rss_kb "$rpid")
	awk -v n="$n" -v t0="$t0" -v t2="$t2" -v c="$((c1 - c0))" -v hz="$hz" -v m="$((m1 - m0))" 'BEGIN {
		printf "%-8d %-7s %12.3f %14s %14.1f %12.0f\n", n, "socket", t2 - t0, "-", c * 1000 / hz / (n / 1000), m * 1024 / n }'
	stop_router
done
