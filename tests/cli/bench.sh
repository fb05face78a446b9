#!/usr/bin/env bash
# The C benchmark drivers still build against the libraries and run at a
# tiny size (so a change to the tables cannot leave bench/ broken).
# Nothing here is timed: only that each prints its columns.  The shell
# benchmarks parse and refuse bad options (they need root to run).
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh
O=${O:-build}
tmp=$(mktemp -d /tmp/genv-benchcheck.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# the libraries of a `make SAN=1` build need the sanitizers' runtime too
san=
case $O in *san*) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;; esac
# librouter's ports and store client need their libraries (AF_XDP, netlink, etcd)
libs=$(pkg-config --libs libxdp libbpf libmnl libcurl jansson 2>/dev/null || echo -lxdp -lbpf -lmnl -lcurl -ljansson)
for b in tables policy scaled pipeline; do
	# shellcheck disable=SC2086
	if ! ${CC:-cc} -O1 -std=gnu11 -D_GNU_SOURCE -Wall -Wextra $san -o "$tmp/$b" "bench/${b}_bench.c" \
		"$O/librouter.a" "$O/libcore.a" $libs -lpthread 2>"$tmp/$b.err"; then
		fail "bench/${b}_bench.c builds" "$(head -3 "$tmp/$b.err")"
		continue
	fi
	ok "bench/${b}_bench.c builds"
done
out=$("$tmp/tables" 200 4 2000 2>&1)
case $out in *"pipeline_decap_ns="*"rss_bytes_per_ep="*) ok "tables_bench runs" ;; *) fail "tables_bench runs" "$out" ;; esac
for p in 0 3; do
	out=$("$tmp/policy" $p 500 2000 50 2>&1)
	case $out in
	"policies=$p eps=50 flows=500 compile_ms="*"hot_ns="*) ok "policy_bench runs with $p policies" ;;
	*) fail "policy_bench runs with $p policies" "$out" ;;
	esac
done
out=$("$tmp/scaled" 4 200 1000 2>&1)
case $out in "backends=4 flows=200 maglev_size=1601 build_ms="*"est_ns="*) ok "scaled_bench runs" ;; *) fail "scaled_bench runs" "$out" ;; esac
out=$("$tmp/pipeline" 300 64 1 64 1400 2>&1)
case $out in "eps=300 packets=64 reps=1 "*"batch_ns="*"encap64_ns="*"decap64_ns="*"encap1400_ns="*"decap1400_llc="*) ok "pipeline_bench runs" ;;
*) fail "pipeline_bench runs" "$out" ;; esac
out=$("$tmp/pipeline" 10 64 1 1401 2>&1); rc=$?
check_eq "pipeline_bench refuses a 1401-byte frame" 2 "$rc"
check_exit "pipeline.sh refuses a non-number" 2 bench/pipeline.sh -n 1k
out=$("$tmp/scaled" 0 1 1 2>&1); rc=$?
check_eq "scaled_bench refuses 0 backends" 2 "$rc"
out=$("$tmp/policy" 0 0 1 2 2>&1); rc=$?
check_eq "policy_bench refuses 0 flows" 2 "$rc"
# the namespace benchmarks: every script parses, forward.sh refuses bad
# options before it needs root, and its request/response helper answers
for f in bench/*.sh bench/lib_peers.sh; do
	check "bash -n $f" bash -n "$f"
done
check_exit "forward.sh -h: usage" 2 bench/forward.sh -h
check_exit "forward.sh -s 0 refused" 2 bench/forward.sh -s 0
check_exit "forward.sh -t 99 refused" 2 bench/forward.sh -t 99
check_exit "forward.sh -l 100 refused" 2 bench/forward.sh -l 100
out=$(bench/forward.sh -p sender,nope 2>&1); rc=$?
if [ $rc -eq 2 ] && [[ $out == *"unknown row 'nope'"* ]]; then ok "forward.sh -p names an unknown row"
else fail "forward.sh -p names an unknown row" "$rc $out"; fi
check_exit "nat_net.sh -h: usage" 2 bench/nat_net.sh -h
check_exit "nat_net.sh -f 20000 refused (more flows than NAT ports)" 2 bench/nat_net.sh -f 20000
check_exit "nat_net.sh -t 0 refused" 2 bench/nat_net.sh -t 0
out=$(bench/nat_net.sh -p genv,nope 2>&1); rc=$?
if [ $rc -eq 2 ] && [[ $out == *"unknown row 'nope'"* ]]; then ok "nat_net.sh -p names an unknown row"
else fail "nat_net.sh -p names an unknown row" "$rc $out"; fi
check_exit "udp_cps.py without arguments: usage" 2 python3 bench/udp_cps.py
check_exit "udp_cps.py: source ports past 65535 refused" 2 python3 bench/udp_cps.py 127.0.0.1 127.0.0.1 7 1 100 4 65500
check_exit "udp_rr.py without arguments: usage" 2 python3 bench/udp_rr.py
port=$((20000 + $$ % 20000))
timeout 5 python3 bench/udp_rr.py server 127.0.0.1 $port 3 &
srv=$!
sleep 0.3
out=$(timeout 5 python3 bench/udp_rr.py client 127.0.0.1 $port 1)
kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
case $out in [1-9]*" "[0-9]*" "[0-9]*" 0") ok "udp_rr.py over loopback: rate, p50, p99, none lost" ;;
*) fail "udp_rr.py over loopback: rate, p50, p99, none lost" "$out" ;; esac
# udp_cps.py: 200 new flows (ports 40000 up; one held by another socket is
# skipped, not lost), each answered by udp_rr.py's echo
timeout 5 python3 bench/udp_rr.py server 127.0.0.1 $port 3 &
srv=$!
sleep 0.3
out=$(timeout 5 python3 bench/udp_cps.py 127.0.0.1 127.0.0.1 $port 2 200 8 40000)
kill "$srv" 2>/dev/null; wait "$srv" 2>/dev/null
case $out in [1-9]*" "1[0-9][0-9]" 0" | [1-9]*" 200 0") ok "udp_cps.py over loopback: flows/s, answered, none lost" ;;
*) fail "udp_cps.py over loopback: flows/s, answered, none lost" "$out" ;; esac
finish
