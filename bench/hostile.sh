#!/usr/bin/env bash
# Verdicts of genv, tshark and tcpdump on the hostile Geneve set
# (tests/cross/scapy_gen.py hostile).  Measured and printed, not asserted:
# tests/cross/hostile.sh asserts genv's verdicts; the peers are only shown.
#   bench/hostile.sh [GENV]
set -u
cd "$(dirname "$0")/.." || exit 1
GENV=${1:-${GENV:-$PWD/genv}}
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-bench-hostile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

for t in "$GENV" tshark tcpdump; do
	command -v "$t" >/dev/null 2>&1 || { echo "bench/hostile.sh: '$t' not found" >&2; exit 1; }
done
"$PY" tests/cross/scapy_gen.py hostile "$tmp/h.pcap" "$tmp/h.json" || exit 1
"$GENV" decode -j -r "$tmp/h.pcap" >"$tmp/genv.jsonl" 2>/dev/null
fields=(-T fields -E occurrence=a -E "aggregator=," -e frame.number -e frame.protocols
	-e _ws.expert.severity -e _ws.malformed -e _ws.short)
tshark -n -r "$tmp/h.pcap" "${fields[@]}" >"$tmp/ts" 2>/dev/null
tshark -n -o udp.check_checksum:TRUE -r "$tmp/h.pcap" "${fields[@]}" >"$tmp/tsc" 2>/dev/null
tcpdump -nn -vv -r "$tmp/h.pcap" >"$tmp/td" 2>/dev/null
echo "# $(tshark --version 2>/dev/null | head -n 1); $(tcpdump --version 2>&1 | head -n 1)"
"$PY" tests/cross/scapy_gen.py peers "$tmp/h.json" "$tmp/genv.jsonl" "$tmp/ts" "$tmp/tsc" "$tmp/td"
