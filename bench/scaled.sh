#!/usr/bin/env bash
# Scaled endpoints: ns per packet at the sender's router (rt_from_port) for
# a simple remote endpoint and a scaled one with 4 and 1,000 backends (a
# flow's first packet: Maglev pick and two conntrack inserts; pinned flows
# in random order: conntrack hit and rewrite; with FLOWS within the flow
# table (1,024 per VPC) the pin comes from the flow entry, beyond it from
# conntrack), and the Maglev table build
# (bench/scaled_bench.c, no I/O).
#   bench/scaled.sh [-f FLOWS] [-n PACKETS] [BACKENDS...]
# Prints numbers, asserts nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
FLOWS=50000 PKTS=1000000
while getopts f:n: o; do
	case $o in
	f) FLOWS=$OPTARG ;;
	n) PKTS=$OPTARG ;;
	*) echo "usage: bench/scaled.sh [-f FLOWS] [-n PACKETS] [BACKENDS...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
for f in build/librouter.a build/libcore.a; do
	[ -f "$f" ] || { echo "bench/scaled.sh: '$f' not built (run make)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/genv-bench-scaled.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"${CC:-cc}" -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$tmp/scaled_bench" bench/scaled_bench.c \
	build/librouter.a build/libcore.a $(pkg-config --libs libxdp libbpf libmnl libcurl jansson) -lpthread || exit 1
echo "# $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $FLOWS flows, $PKTS packets per column"
for b in ${*:-4 1000}; do
	"$tmp/scaled_bench" "$b" "$FLOWS" "$PKTS" || exit 1
done
