#!/usr/bin/env bash
# Cross-check STT (draft-davie-stt): frames whose outer and inner layers
# scapy builds (the STT header written from the draft: scapy has no STT
# layer) decode in `genv decode -j` with the STT fields, TCP-derived frame
# length/offset/id and inner layers they were built with, and tshark's STT
# dissector (its heuristic on IP, run first with ip.try_heuristic_first,
# reassembly off) reads the same; a later TSO segment is a continuation;
# frames built by `genv craft` with the stt layer read the same by tshark;
# the -v round trip of every frame; the stt and vni filters.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-stt.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "stt" "genv not built"; finish; }
command -v tshark >/dev/null 2>&1 || { skip "stt" "tshark not installed"; finish; }
"$PY" -c 'import scapy.all' 2>/dev/null || { skip "stt" "python3-scapy not installed"; finish; }

timeout 120 "$PY" tests/cross/stt.py build "$tmp/s.pcap" "$tmp/s.exp" 2>"$tmp/err" ||
	{ fail "scapy: build frames" "$(tail -n 3 "$tmp/err")"; finish; }
"$GENV" decode -j -r "$tmp/s.pcap" >"$tmp/s.jsonl"
# shellcheck disable=SC2046
timeout 120 tshark -n -r "$tmp/s.pcap" -o ip.try_heuristic_first:TRUE -o stt.reassemble:FALSE \
	-T fields -E separator=/t -E occurrence=a $("$PY" tests/cross/stt.py fields) >"$tmp/s.ts" 2>"$tmp/err" ||
	fail "tshark" "$(head -c 300 "$tmp/err")"
report tshark < <("$PY" tests/cross/stt.py check "$tmp/s.exp" "$tmp/s.jsonl" "$tmp/s.ts")

# frames genv craft builds with the stt layer, read by tshark
timeout 120 "$PY" tests/cross/stt.py craft "$GENV" "$tmp/c.pcap" "$tmp/c.exp" 2>"$tmp/err" ||
	fail "craft: build frames" "$(tail -n 3 "$tmp/err")"
"$GENV" decode -j -r "$tmp/c.pcap" >"$tmp/c.jsonl"
# shellcheck disable=SC2046
timeout 120 tshark -n -r "$tmp/c.pcap" -o ip.try_heuristic_first:TRUE -o stt.reassemble:FALSE \
	-T fields -E separator=/t -E occurrence=a $("$PY" tests/cross/stt.py fields) >"$tmp/c.ts" 2>"$tmp/err" ||
	fail "tshark (craft)" "$(head -c 300 "$tmp/err")"
report craft < <("$PY" tests/cross/stt.py check "$tmp/c.exp" "$tmp/c.jsonl" "$tmp/c.ts")

# the -v round trip: each frame's description crafts the same bytes
case $("$GENV" decode -v -r "$tmp/s.pcap" | sed -n 2p) in
*"/ stt ctx=0x5 "*) ok "decode -v prints the stt layer" ;;
*) fail "decode -v prints the stt layer" "$("$GENV" decode -v -r "$tmp/s.pcap" | sed -n 2p)" ;;
esac
"$GENV" decode -v -r "$tmp/s.pcap" | sed -n 's/^    \([a-z]\)/\1/p' >"$tmp/s.v"
while IFS= read -r line; do
	timeout 10 "$GENV" craft --hex "$line" 2>&1
done <"$tmp/s.v" >"$tmp/s.rehex"
report round-trip < <("$PY" tests/cross/gue.py same "$tmp/s.pcap" "$tmp/s.rehex")

check_eq "filter stt" 6 "$("$GENV" decode -r "$tmp/s.pcap" stt | wc -l)"
check_eq "filter stt and inner icmp" 2 "$("$GENV" decode -r "$tmp/s.pcap" 'stt and inner icmp' | wc -l)"
check_eq "filter vni: low 24 bits of the context id" 2 "$("$GENV" decode -r "$tmp/s.pcap" 'vni 5,100' | wc -l)"
check_eq "filter tcp port 7471 is not STT in gre" 0 "$("$GENV" decode -r "$tmp/s.pcap" gre | wc -l)"
finish
