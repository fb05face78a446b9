#!/usr/bin/env bash
# Gateway NAT: new connections per second and ns per packet on the
# gateway host (rt_from_underlay / rt_from_outside, no I/O): a flow's
# first packet (port allocation, two conntrack inserts), mapped flows in
# random order, their replies translated back, and in the same run the
# same packets decapsulated to a local endpoint without NAT
# (bench/nat_bench.c).
#   bench/nat.sh [-n PACKETS] [FLOWS...]
# Prints numbers, asserts nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
PKTS=1000000
while getopts n: o; do
	case $o in
	n) PKTS=$OPTARG ;;
	*) echo "usage: bench/nat.sh [-n PACKETS] [FLOWS...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
for f in build/librouter.a build/libcore.a; do
	[ -f "$f" ] || { echo "bench/nat.sh: '$f' not built (run make)" >&2; exit 1; }
done
tmp=$(mktemp -d /tmp/genv-bench-nat.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
"${CC:-cc}" -O2 -g -std=gnu11 -D_GNU_SOURCE -o "$tmp/nat_bench" bench/nat_bench.c \
	build/librouter.a build/libcore.a $(pkg-config --libs libxdp libbpf libmnl libcurl jansson) -lpthread || exit 1
echo "# $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg); $PKTS packets per column"
for f in ${*:-10000 200000}; do
	"$tmp/nat_bench" "$f" "$PKTS" || exit 1
done
