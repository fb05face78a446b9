#!/usr/bin/env bash
# Decode throughput: genv decode against tcpdump (and tshark for reference)
# on one generated capture, in one run, output to /dev/null.
#   bench/decode.sh [-n PACKETS] [-t TSHARK_PACKETS] [-k] [GENV]
# The capture: PACKETS (default 1,000,000) Geneve frames cycling over 2048
# varied templates in 200 VNIs: 0-12 options, IPv4/IPv6 outer (80/20) and inner,
# Ethernet or IP inner, TCP/UDP/ICMP (tests/cross/scapy_gen.py bench).
# Not a test: prints packets/s and ratios, asserts nothing.
set -u
cd "$(dirname "$0")/.." || exit 1
N=1000000 NT=100000 KEEP=0
while getopts n:t:k o; do
	case $o in
	n) N=$OPTARG ;;
	t) NT=$OPTARG ;;
	k) KEEP=1 ;;
	*) echo "usage: bench/decode.sh [-n PACKETS] [-t TSHARK_PACKETS] [-k] [GENV]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
GENV=${1:-${GENV:-$PWD/genv}}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-bench-decode.XXXXXX)
[ "$KEEP" = 1 ] || trap 'rm -rf "$tmp"' EXIT
[ "$NT" -gt "$N" ] && NT=$N

[ -x "$GENV" ] || { echo "bench/decode.sh: '$GENV' not built (run make)" >&2; exit 1; }
for t in tcpdump "$PY"; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/decode.sh: '$t' not found" >&2; exit 1; }
done

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }

printf '# generating %d packets ... ' "$N"
start=$(date +%s.%N)
"$PY" tests/cross/scapy_gen.py bench "$tmp/b.pcap" "$N" || exit 1
printf '%.1f s, %d MB\n' "$(calc "$(date +%s.%N) - $start")" \
	$(($(stat -c %s "$tmp/b.pcap") / 1000000))
cat "$tmp/b.pcap" >/dev/null		# warm the page cache

# timeit NAME PACKETS CMD...: run once, record seconds and packets/s
declare -A secs pps
names=()
timeit() {
	local name=$1 n=$2 s e rc; shift 2
	s=$(date +%s.%N)
	"$@" >/dev/null 2>"$tmp/err"; rc=$?
	e=$(date +%s.%N)
	secs[$name]=$(calc "$e - $s")
	pps[$name]=$(awk "BEGIN { printf \"%d\", $n / ${secs[$name]} }")
	names+=("$name")
	[ "$rc" = 0 ] || echo "# warning: '$name' exited $rc: $(head -c 200 "$tmp/err")" >&2
	printf '%-34s %9d pkts %8.2f s %12d pkts/s\n' "$name" "$n" "${secs[$name]}" "${pps[$name]}"
}
ratio() {	# ratio A B: how many times faster A is than B
	printf '  %-30s / %-26s %6.1fx\n' "$1" "$2" "$(calc "${pps[$1]} / ${pps[$2]}")"
}

echo "# $(uname -m), $(nproc) cores; $("$GENV" --version 2>/dev/null | head -n 1); $(tcpdump --version 2>&1 | head -n 1)"
timeit "genv decode"          "$N" "$GENV" decode -r "$tmp/b.pcap"
timeit "tcpdump -nn"          "$N" tcpdump -nn -r "$tmp/b.pcap"
timeit "genv decode -v"       "$N" "$GENV" decode -v -r "$tmp/b.pcap"
timeit "genv decode -j"       "$N" "$GENV" decode -j -r "$tmp/b.pcap"
timeit "tcpdump -nn -vv"      "$N" tcpdump -nn -vv -r "$tmp/b.pcap"
timeit "genv decode --stats"  "$N" "$GENV" decode --stats -r "$tmp/b.pcap"
# the same selection as a genv overlay filter and as tcpdump BPF
timeit "genv decode FILTER"   "$N" "$GENV" decode -r "$tmp/b.pcap" \
	vni 0-16777215 and inner tcp and inner dst port 1-65535 and not inner icmp
timeit "tcpdump -nn BPF"      "$N" tcpdump -nn -r "$tmp/b.pcap" \
	'udp[12:4] >> 8 <= 16777215 and geneve and tcp and dst portrange 1-65535 and not icmp'
if command -v tshark >/dev/null 2>&1 && command -v editcap >/dev/null 2>&1; then
	editcap -r "$tmp/b.pcap" "$tmp/t.pcap" "1-$NT" >/dev/null 2>&1
	# TCP sequence analysis makes tshark slow down sharply: off, as for a fair run
	ts=(tshark -n -o tcp.analyze_sequence_numbers:FALSE -r "$tmp/t.pcap")
	timeit "tshark -n (subset)"       "$NT" "${ts[@]}"
	timeit "tshark -n -V (subset)"    "$NT" "${ts[@]}" -V
	timeit "genv decode (subset)"     "$NT" "$GENV" decode -r "$tmp/t.pcap"
	timeit "genv decode -v (subset)"  "$NT" "$GENV" decode -v -r "$tmp/t.pcap"
fi

echo "# ratios (target: genv >= 5x tcpdump at comparable verbosity; --stats >= 10 M pkts/s)"
ratio "genv decode" "tcpdump -nn"
ratio "genv decode FILTER" "tcpdump -nn BPF"
ratio "genv decode -v" "tcpdump -nn -vv"
ratio "genv decode -j" "tcpdump -nn -vv"
ratio "genv decode --stats" "tcpdump -nn"
if [ -n "${pps[tshark -n (subset)]:-}" ]; then
	ratio "genv decode (subset)" "tshark -n (subset)"
	ratio "genv decode -v (subset)" "tshark -n -V (subset)"
fi
[ "$KEEP" = 1 ] && echo "# capture kept in $tmp/b.pcap"
exit 0
