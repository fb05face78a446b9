#!/usr/bin/env bash
# Convergence of three routers from etcd (genv-store(5)) vs the same
# endpoints pushed over their local control sockets, for N endpoints
# (default: 1000 10000; above 60,000 the routers run with --max-endpoints
# 2N, the default table holding 65,536).
#
# Namespaces: ul holds a bridge (10.201.0.100) and one etcd member; r1, r2,
# r3 hold a router each (10.201.0.1-3, `genv route run --store`).  For each
# N, on a fresh etcd and fresh routers:
#   store:  N `add ep` values written straight to the JSON gateway in
#           transactions of 100 keys (python3, one client); measured: the
#           write time, then the time from the last write's reply until
#           each router's applied revision reaches it (show store), the
#           routers' CPU per 1,000 updates (/proc utime+stime, mean of the
#           three) and their memory per endpoint (RSS growth, mean).
#   socket: the same N lines through `genv route batch` to the three
#           routers at once (no --store); the same measures.
# Run as root from the repository root, under the namespace lock:
#   flock /tmp/genv-net.lock bench/store.sh [N...]
set -u
GENV=$(readlink -f "${GENV:-./genv}")
P=gsb$$
TMP=$(mktemp -d /tmp/genv-bstore.XXXXXX)
pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	for p in "${pids[@]}"; do wait "$p" 2>/dev/null; done
	for n in ul r1 r2 r3; do ip netns del "$P-$n" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM
[ "$(id -u)" = 0 ] || { echo "bench/store.sh: needs root (network namespaces)" >&2; exit 1; }
command -v etcd >/dev/null || { echo "bench/store.sh: needs etcd (etcd-server)" >&2; exit 1; }
nsx() { local n=$1; shift; ip netns exec "$P-$n" "$@"; }
for n in ul r1 r2 r3; do ip netns add "$P-$n" && nsx "$n" ip link set lo up || exit 1; done
nsx ul ip link add br0 type bridge && nsx ul ip link set br0 up && nsx ul ip addr add 10.201.0.100/24 dev br0 || exit 1
for i in 1 2 3; do
	ip link add "ul$i" netns "$P-r$i" type veth peer name "r$i" netns "$P-ul" &&
		nsx ul ip link set "r$i" master br0 up && nsx "r$i" ip addr add "10.201.0.$i/24" dev "ul$i" &&
		nsx "r$i" ip link set "ul$i" up || exit 1
done
S=etcd://10.201.0.100:23790

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
rss_kb() { awk '/^VmRSS/ {print $2}' "/proc/$1/status"; }
hz=$(getconf CLK_TCK)
declare -A rpid=()

start_router() {	# I ARGS...
	local i=$1 lim=(); shift
	[ "$n" -gt 60000 ] && lim=(--max-endpoints $((2 * n)))
	ip netns exec "$P-r$i" "$GENV" route run -q -S "$TMP/r$i.sock" "${lim[@]}" "$@" >"$TMP/r$i.log" 2>&1 &
	pids+=("$!")
	rpid[$i]=$!
	for _ in $(seq 100); do
		"$GENV" route -S "$TMP/r$i.sock" show host >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "router r$i did not start: $(tail -n 2 "$TMP/r$i.log")" >&2
	exit 1
}
stop_routers() { for i in 1 2 3; do kill "${rpid[$i]}"; wait "${rpid[$i]}" 2>/dev/null; done; }
applied() { "$GENV" route -S "$TMP/r$1.sock" show store 2>/dev/null | sed -n 's/.*  revision \([0-9]*\)  store revision.*/\1/p'; }
sum_cpu() { local s=0 i; for i in 1 2 3; do s=$((s + $(cpu_ticks "${rpid[$i]}"))); done; echo "$s"; }
sum_rss() { local s=0 i; for i in 1 2 3; do s=$((s + $(rss_kb "${rpid[$i]}"))); done; echo "$s"; }
now() { date +%s.%N; }

printf '%-8s %-7s %9s %10s %8s %8s %8s %13s %11s\n' endpoints path "write s" "all s" "r1 s" "r2 s" "r3 s" "CPU ms/1000" "B/endpoint"
for n in ${@:-1000 10000}; do
	rm -rf "$TMP/etcd"
	ip netns exec "$P-ul" etcd --name b --data-dir "$TMP/etcd" --listen-client-urls http://10.201.0.100:23790 \
		--advertise-client-urls http://10.201.0.100:23790 --listen-peer-urls http://127.0.0.1:23800 \
		--initial-advertise-peer-urls http://127.0.0.1:23800 --initial-cluster b=http://127.0.0.1:23800 \
		--quota-backend-bytes 4294967296 >"$TMP/etcd.log" 2>&1 &
	pids+=("$!")
	epid=$!
	for _ in $(seq 100); do nsx ul etcdctl --endpoints 10.201.0.100:23790 put /x y >/dev/null 2>&1 && break; sleep 0.1; done
	nsx ul "$GENV" route add vpc 100 cidr 10.0.0.0/8 --store "$S" || exit 1
	for i in 1 2 3; do
		nsx ul "$GENV" route set host addr "10.201.0.$i" id "b$i" --host-id "b$i" --store "$S" || exit 1
		start_router "$i" --store "$S" --host-id "b$i"
	done
	sleep 1
	c0=$(sum_cpu); m0=$(sum_rss)
	# write N endpoints, 100 per transaction; print the start time, the
	# time of the last reply and its revision
	read -r t0 t1 rev < <(nsx ul python3 - "$n" <<'EOF'
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
        line = "add ep 100 %s mac %s type simple host 10.201.0.9" % (ip, mac)
        ops.append({"request_put": {"key": b64("/genv/v1/ep/100/" + ip), "value": b64(line)}})
    req = urllib.request.Request("http://10.201.0.100:23790/v3/kv/txn", json.dumps({"success": ops}).encode())
    rev = int(json.load(urllib.request.urlopen(req))["header"]["revision"])
print(t0, time.time(), rev)
EOF
)
	declare -A done_at=()
	end=$(( $(date +%s) + 300 ))
	while [ "${#done_at[@]}" -lt 3 ] && [ "$(date +%s)" -lt "$end" ]; do
		for i in 1 2 3; do
			[ -n "${done_at[$i]:-}" ] && continue
			got=$(applied "$i")
			[ "${got:-0}" -ge "$rev" ] && done_at[$i]=$(now)
		done
		sleep 0.005
	done
	[ "${#done_at[@]}" -eq 3 ] || { echo "endpoints $n: the routers did not converge in 300 s" >&2; exit 1; }
	c1=$(sum_cpu); m1=$(sum_rss)
	awk -v n="$n" -v t0="$t0" -v t1="$t1" -v a="${done_at[1]}" -v b="${done_at[2]}" -v c="${done_at[3]}" \
		-v cpu="$((c1 - c0))" -v hz="$hz" -v m="$((m1 - m0))" 'BEGIN {
		last = a; if (b > last) last = b; if (c > last) last = c
		printf "%-8d %-7s %9.3f %10.3f %8.3f %8.3f %8.3f %13.1f %11.0f\n", n, "store", t1 - t0, last - t1,
			a - t1, b - t1, c - t1, cpu * 1000 / hz / 3 / (n / 1000), m * 1024 / 3 / n }'
	stop_routers
	kill "$epid"; wait "$epid" 2>/dev/null

	# the same endpoints over the control sockets, to the three at once
	python3 - "$n" >"$TMP/eps.genv" <<'EOF'
import sys
n = int(sys.argv[1])
print("add vpc 100 cidr 10.0.0.0/8")
for i in range(n):
    ip = "10.%d.%d.%d" % (1 + i // 62500, i // 250 % 250, i % 250 + 1)
    mac = "02:00:%02x:%02x:%02x:%02x" % (i >> 24 & 255, i >> 16 & 255, i >> 8 & 255, i & 255)
    print("add ep 100 %s mac %s type simple host 10.201.0.9" % (ip, mac))
EOF
	for i in 1 2 3; do start_router "$i"; done
	c0=$(sum_cpu); m0=$(sum_rss)
	t0=$(now)
	bp=()
	for i in 1 2 3; do
		( "$GENV" route -S "$TMP/r$i.sock" batch "$TMP/eps.genv" >/dev/null && now >"$TMP/done$i" ) &
		bp+=("$!")
	done
	for p in "${bp[@]}"; do wait "$p" || exit 1; done
	c1=$(sum_cpu); m1=$(sum_rss)
	awk -v n="$n" -v t0="$t0" -v a="$(cat "$TMP/done1")" -v b="$(cat "$TMP/done2")" -v c="$(cat "$TMP/done3")" \
		-v cpu="$((c1 - c0))" -v hz="$hz" -v m="$((m1 - m0))" 'BEGIN {
		last = a; if (b > last) last = b; if (c > last) last = c
		printf "%-8d %-7s %9s %10.3f %8.3f %8.3f %8.3f %13.1f %11.0f\n", n, "socket", "-", last - t0,
			a - t0, b - t0, c - t0, cpu * 1000 / hz / 3 / (n / 1000), m * 1024 / 3 / n }'
	stop_routers
done
echo "store: 'write s' is the writer's time to etcd; 'all s' and rN s are from the last write's reply until every / each router applied it"
echo "socket: 'all s' and rN s are from the start of the three batches until each finished (no write to a store)"
