#!/usr/bin/env bash
# The router's packet pipeline on one core without I/O: ns per packet
# (and instructions and last-level cache misses per packet when the
# machine has hardware counters) for a VM frame encapsulated toward a
# remote endpoint's host (rt_from_port) and an underlay Geneve payload
# decapsulated to a local endpoint (rt_from_underlay), with 1k, 10k, 100k
# and 1M remote endpoints, a random endpoint per packet over all of them,
# 64-byte and 1400-byte inner frames; the endpoint lookup alone one by one
# and in batches of 32 (rt_ep_find_batch, prefetching) with the same keys
# (bench/pipeline_bench.c).  Pinned to one CPU (taskset), median of REPS
# passes, the load average printed with each row.  Without hardware
# counters, instructions per packet come from valgrind (callgrind) at the
# first endpoint count: two runs of N and 2N packets, the difference over
# N, so the set-up is not counted but the driver's own work per packet is
# (a random index, a 34- or 50-byte header copy: some 40 instructions);
# -I: skip it.
#   [O=BUILD_DIR] bench/pipeline.sh [-n PACKETS] [-r REPS] [-c CPU] [-I] [ENDPOINTS...]
# O: where librouter.a and libcore.a are (default build; another tree's
# libraries time a change against its parent in the same run).
# Prints numbers, asserts nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
PKTS=2000000 REPS=5 CPU=$(($(nproc) - 1)) GRIND=1
usage() { echo "usage: bench/pipeline.sh [-n PACKETS] [-r REPS] [-c CPU] [-I] [ENDPOINTS...]" >&2; exit 2; }
while getopts n:r:c:I o; do
	case $o in
	n) PKTS=$OPTARG ;;
	r) REPS=$OPTARG ;;
	c) CPU=$OPTARG ;;
	I) GRIND= ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
for v in "$PKTS" "$REPS" "$CPU" "$@"; do
	[[ $v =~ ^[0-9]+$ ]] || { echo "bench/pipeline.sh: '$v': expected a number" >&2; exit 2; }
done
SIZES=${*:-1000 10000 100000 1000000}
O=${O:-build}
for f in "$O/librouter.a" "$O/libcore.a"; do
	[ -f "$f" ] || { echo "bench/pipeline.sh: '$f' not built (run make)" >&2; exit 1; }
done
command -v taskset >/dev/null || { echo "bench/pipeline.sh: taskset not installed (util-linux)" >&2; exit 1; }
tmp=$(mktemp -d /tmp/genv-bench-pipeline.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# shellcheck disable=SC2046
"${CC:-cc}" -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$tmp/pipeline_bench" bench/pipeline_bench.c \
	"$O/librouter.a" "$O/libcore.a" $(pkg-config --libs libxdp libbpf libmnl libcurl jansson) -lpthread || exit 1

echo "# $(nproc) CPUs, pinned to CPU $CPU; $PKTS packets per pass, median of $REPS passes; ns = thread CPU time per packet"
pmu=
declare -A res
for n in $SIZES; do
	line=$(taskset -c "$CPU" "$tmp/pipeline_bench" "$n" "$PKTS" "$REPS") || exit 1
	load=$(cut -d' ' -f1 /proc/loadavg)
	declare -A v=()
	for kv in $line; do v[${kv%%=*}]=${kv#*=}; done
	if [ -z "$pmu" ]; then
		if [ "${v[lookup_ins]}" = -1 ]; then
			pmu=no
			if command -v perf >/dev/null; then
				echo "# perf: not available (no hardware counters here: perf stat says <not supported>); ins and llc columns: -"
			else
				echo "# perf: not available (not installed, no hardware counters); ins and llc columns: -"
			fi
		else
			pmu=yes
			echo "# ins = instructions, llc = last-level cache misses, per packet (user space, the counters perf stat reads)"
		fi
		printf '%-9s %5s %8s %6s %5s %8s %6s %5s %8s %8s %5s\n' \
			endpoints size encap ins llc decap ins llc lookup batch32 load
	fi
	c() { [ "$pmu" = yes ] && echo "$1" || echo -; }
	for s in 64 1400; do
		printf '%-9s %5s %8s %6s %5s %8s %6s %5s %8s %8s %5s\n' "$n" "$s" \
			"${v[encap${s}_ns]}" "$(c "${v[encap${s}_ins]}")" "$(c "${v[encap${s}_llc]}")" \
			"${v[decap${s}_ns]}" "$(c "${v[decap${s}_ins]}")" "$(c "${v[decap${s}_llc]}")" \
			"${v[lookup_ns]}" "${v[batch_ns]}" "$load"
	done
	res[$n]=${v[encap64_ns]}
	last=$n
done
first=${SIZES%% *}
if [ "$first" != "$last" ]; then
	awk -v a="${res[$first]}" -v b="${res[$last]}" -v f="$first" -v l="$last" 'BEGIN {
		printf "# encap 64 bytes %s -> %s endpoints: x%.2f (target: flat, under 50 ns per packet)\n", f, l, b / a }'
fi
# instructions per packet under valgrind when the CPU has no counters
if [ "$pmu" = no ] && [ -n "$GRIND" ]; then
	if ! command -v valgrind >/dev/null; then
		echo "# instructions: valgrind not installed (-I to skip)"
		exit 0
	fi
	ir() {	# KIND SIZE PACKETS: instructions of the whole run
		PIPELINE_BENCH_ONLY=$1 valgrind --tool=callgrind --callgrind-out-file=/dev/null \
			"$tmp/pipeline_bench" "$first" "$3" 1 "$2" 2>&1 >/dev/null | awk '/Collected/ { print $4 }'
	}
	g=20000
	printf '# instructions per packet (valgrind callgrind, %s endpoints, %s vs %s packets):' "$first" $g $((2 * g))
	for k in encap decap; do
		for s in 64 1400; do
			a=$(ir $k $s $g) b=$(ir $k $s $((2 * g)))
			awk -v a="$a" -v b="$b" -v g=$g -v k=$k -v s=$s 'BEGIN {
				if (a == "" || b == "") printf " %s%s -", k, s; else printf " %s%s %.0f", k, s, (b - a) / g }'
		done
	done
	echo
fi
