#!/usr/bin/env bash
# Craft throughput: `genv craft -c N --vary ... -w FILE` against scapy
# building and writing (wrpcap) the same packets.
#   bench/craft.sh [-n PACKETS] [-s SCAPY_PACKETS] [GENV]
# Defaults: 1,000,000 packets for genv, 100,000 for scapy (scapy takes a
# few minutes for those).  Not a test: prints packets/s and the ratio.
set -u
cd "$(dirname "$0")/.." || exit 1
N=1000000 NS=100000
while getopts n:s: o; do
	case $o in
	n) N=$OPTARG ;;
	s) NS=$OPTARG ;;
	*) echo "usage: bench/craft.sh [-n PACKETS] [-s SCAPY_PACKETS] [GENV]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
GENV=${1:-${GENV:-$PWD/genv}}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-bench-craft.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
[ -x "$GENV" ] || { echo "bench/craft.sh: '$GENV' not built (run make)" >&2; exit 1; }

calc() { awk "BEGIN { printf \"%.6f\", $1 }"; }
declare -A pps
# timeit NAME PACKETS CMD...
timeit() {
	local name=$1 n=$2 s e rc secs; shift 2
	s=$(date +%s.%N)
	"$@" >/dev/null 2>"$tmp/err"; rc=$?
	e=$(date +%s.%N)
	secs=$(calc "$e - $s")
	pps[$name]=$(awk "BEGIN { printf \"%d\", $n / $secs }")
	[ "$rc" = 0 ] || echo "# warning: '$name' exited $rc: $(head -c 300 "$tmp/err")" >&2
	printf '%-40s %9d pkts %8.2f s %12d pkts/s\n' "$name" "$n" "$secs" "${pps[$name]}"
}

# One flow mix: VNI 1-1000, random inner source port, an OVN option, 64 bytes of payload.
SPEC='eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=1 opt=0x0102:0x80:0001000a / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64'
VARY=(--vary vni=1-1000 --vary inner.sport=random)

echo "# $(uname -m), $(nproc) cores; $("$GENV" --version 2>/dev/null | head -n 1)"
echo "# spec: $SPEC ${VARY[*]}"
timeit "genv craft -c $N -w" "$N" "$GENV" craft -c "$N" "${VARY[@]}" "$SPEC" -w "$tmp/genv.pcap"
if [ -s "$tmp/genv.pcap" ] && command -v capinfos >/dev/null 2>&1; then
	echo "#   wrote $(capinfos -c -M "$tmp/genv.pcap" 2>/dev/null | sed -n 's/^Number of packets: *//p') packets, $(($(stat -c %s "$tmp/genv.pcap") / 1000000)) MB"
fi
rm -f "$tmp/genv.pcap"

if "$PY" -c 'import scapy.contrib.geneve' 2>/dev/null; then
	cat >"$tmp/scapy_craft.py" <<'PYEOF'
import random, sys
import logging
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, TCP, Raw, wrpcap
from scapy.contrib.geneve import GENEVE, GeneveOptions
n, path = int(sys.argv[1]), sys.argv[2]
rng = random.Random(1)
def pkts():
    for i in range(n):
        yield (Ether() / IP(src="10.200.0.1", dst="10.200.0.2") / UDP(sport=49152 + i % 16384, dport=6081)
               / GENEVE(vni=1 + i % 1000, proto=0x6558, critical=1, optionlen=2,
                        options=[GeneveOptions(classid=0x0102, type=0x80, length=1,
                                               data=bytes.fromhex("0001000a"))])
               / Ether() / IP(src="10.0.0.1", dst="10.0.0.2")
               / TCP(sport=rng.randrange(1024, 65536), dport=80, flags="S") / Raw(b"\0" * 64))
wrpcap(path, pkts())
PYEOF
	timeit "scapy wrpcap $NS" "$NS" "$PY" "$tmp/scapy_craft.py" "$NS" "$tmp/scapy.pcap"
	printf '# ratio genv / scapy: %.0fx (target: genv >= 5,000,000 pkts/s)\n' \
		"$(calc "${pps[genv craft -c $N -w]} / ${pps[scapy wrpcap $NS]}")"
else
	echo "# scapy not installed: no comparison"
fi
exit 0
