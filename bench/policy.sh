#!/usr/bin/env bash
# Network policy cost: per packet with 0, 10, 1,000 and 10,000 policies and
# 100,000 tracked connections, and the time and memory to compile 10,000
# policies over 10,000 endpoints (bench/policy_bench.c, no I/O: the two
# routers' pipelines in one process).
#   bench/policy.sh [-r RUNS] [-f FLOWS] [-n PACKETS] [-e ENDPOINTS] [POLICIES...]
# Each size runs RUNS times (default 3) and the lowest time of each column
# is kept: the machine is shared and a run's worst moments are not the
# router's.  Columns: ns per packet at host B (rt_from_underlay: decap, trust
# check, policy, delivery) for a flow's first packet (a policy decision and
# a conntrack insert), tracked flows in random order (conntrack hits from
# memory) and one hot flow; compile = all policies added in one transaction
# and compiled once.  Prints numbers and ratios, asserts nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
RUNS=3 FLOWS=100000 PKTS=2000000 EPS=10000
while getopts r:f:n:e: o; do
	case $o in
	r) RUNS=$OPTARG ;;
	f) FLOWS=$OPTARG ;;
	n) PKTS=$OPTARG ;;
	e) EPS=$OPTARG ;;
	*) echo "usage: bench/policy.sh [-r RUNS] [-f FLOWS] [-n PACKETS] [-e ENDPOINTS] [POLICIES...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
SIZES=${*:-0 10 1000 10000}
CC=${CC:-cc}
for f in build/librouter.a build/libcore.a; do
	[ -f "$f" ] || { echo "bench/policy.sh: '$f' not built (run make)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/genv-bench-policy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$CC" -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$tmp/policy_bench" bench/policy_bench.c \
	build/librouter.a build/libcore.a $(pkg-config --libs libxdp libbpf libmnl libcurl jansson) -lpthread || exit 1

echo "# $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $EPS endpoints (1,000 label sets), $FLOWS flows, $PKTS packets per column, best of $RUNS"
printf '%-9s %10s %9s %9s %8s %8s %8s\n' policies compile_ms rss_kb table_kb new_ns est_ns hot_ns
declare -A best
for p in $SIZES; do
	declare -A v=()
	for ((r = 0; r < RUNS; r++)); do
		line=$("$tmp/policy_bench" "$p" "$FLOWS" "$PKTS" "$EPS") || exit 1
		for kv in $line; do
			k=${kv%%=*} x=${kv#*=}
			if [ -z "${v[$k]:-}" ] || awk -v a="$x" -v b="${v[$k]}" 'BEGIN { exit !(a < b) }'; then
				v[$k]=$x
			fi
		done
	done
	printf '%-9s %10s %9s %9s %8s %8s %8s\n' "$p" "${v[compile_ms]}" "${v[rss_kb]}" "${v[table_kb]}" \
		"${v[new_ns]}" "${v[est_ns]}" "${v[hot_ns]}"
	for k in new_ns est_ns hot_ns; do best[$p.$k]=${v[$k]}; done
	last=$p
done
first=${SIZES%% *}
second=$(echo "$SIZES" | awk '{ print $2 }')
if [ -n "$second" ] && [ "$second" != "$last" ]; then
	for k in new_ns est_ns hot_ns; do
		awk -v k="$k" -v a="${best[$second.$k]}" -v b="${best[$last.$k]}" -v f="$second" -v l="$last" 'BEGIN {
			printf "# %s: %s -> %s policies x%.2f (target: flat, within 10%%)\n", k, f, l, b / a }'
	done
fi
[ -n "${best[$first.hot_ns]:-}" ] && [ "$first" = 0 ] &&
	awk -v a="${best[0.hot_ns]}" -v b="${best[$last.hot_ns]}" -v l="$last" 'BEGIN {
		printf "# policy on the hot path at %s policies: +%.0f ns per packet (target: < 100 ns)\n", l, b - a }'
