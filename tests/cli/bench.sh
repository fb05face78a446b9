#!/usr/bin/env bash
# The C benchmark drivers still build against the libraries and run at a
# tiny size (so a change to the tables cannot leave bench/ broken).
# Nothing here is timed: only that each prints its columns.
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
for b in tables policy scaled; do
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
out=$("$tmp/scaled" 0 1 1 2>&1); rc=$?
check_eq "scaled_bench refuses 0 backends" 2 "$rc"
out=$("$tmp/policy" 0 0 1 2 2>&1); rc=$?
check_eq "policy_bench refuses 0 flows" 2 "$rc"
finish
