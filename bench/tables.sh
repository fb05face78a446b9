#!/usr/bin/env bash
# Router table cost: lookups and updates with 1,000 and 1,000,000 endpoints
# spread over 4,096 VPCs (all reusing 10.0.0.0/8), and memory per endpoint.
#   bench/tables.sh [-n LOOKUPS] [-v VPCS] [SIZES...]
# Builds bench/tables_bench.c against build/librouter.a and build/libcore.a
# (run `make` first), runs it once per size and prints a table.
# Lookups go in a random order over all keys: at 1M entries they come from
# memory, so the single-lookup column is memory latency; the batch column
# is rt_ep_find_batch() (16 lookups with prefetching), the form a packet
# batch uses.  Not a test: prints numbers, asserts nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
N=10000000 VPCS=4096
while getopts n:v: o; do
	case $o in
	n) N=$OPTARG ;;
	v) VPCS=$OPTARG ;;
	*) echo "usage: bench/tables.sh [-n LOOKUPS] [-v VPCS] [SIZES...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
SIZES=${*:-1000 1000000}
CC=${CC:-cc}

for f in build/librouter.a build/libcore.a; do
	[ -f "$f" ] || { echo "bench/tables.sh: '$f' not built (run make)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/genv-bench-tables.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"$CC" -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$tmp/tables_bench" bench/tables_bench.c \
	build/librouter.a build/libcore.a $(pkg-config --libs libxdp libbpf libmnl libcurl jansson) -lpthread || exit 1

echo "# $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $N lookups per column; $VPCS VPCs"
echo "# ns per operation; memory in bytes per endpoint (tables / resident)"
printf '%-9s %7s %7s %7s %8s %8s %7s %6s %6s %7s %7s %6s %6s\n' \
	endpoints add set del+add lookup batch miss lpm vpc encap decap tbl/ep rss/ep
declare -A res
for n in $SIZES; do
	line=$("$tmp/tables_bench" "$n" "$VPCS" "$N") || exit 1
	declare -A v=()
	for kv in $line; do v[${kv%%=*}]=${kv#*=}; done
	printf '%-9s %7s %7s %7s %8s %8s %7s %6s %6s %7s %7s %6s %6s\n' "$n" \
		"${v[add_ns]}" "${v[set_ns]}" "${v[del_add_ns]}" "${v[lookup_ns]}" \
		"${v[batch_lookup_ns]}" "${v[miss_ns]}" "${v[lpm_ns]}" "${v[vpc_ns]}" \
		"${v[pipeline_encap_ns]}" "${v[pipeline_decap_ns]}" \
		"${v[table_bytes_per_ep]}" "${v[rss_bytes_per_ep]}"
	res[$n]=${v[batch_lookup_ns]}
	last=$n
done
first=${SIZES%% *}
if [ "$first" != "$last" ]; then
	awk -v a="${res[$first]}" -v b="${res[$last]}" -v f="$first" -v l="$last" 'BEGIN {
		printf "# batch lookup %s -> %s endpoints: x%.2f (target: flat, under 50 ns)\n", f, l, b / a }'
fi
