#!/usr/bin/env bash
# Cross-check GUE (draft-ietf-intarea-gue): frames whose layers scapy
# builds decode in `genv decode -j` with the GUE fields and inner layers
# they were built with, and tshark agrees (variant 1 decoded as IP with
# -d udp.port==6080,ip; the header bytes of variant 0, which tshark has no
# dissector for, from its UDP payload); frames built by `genv craft` are
# taken apart by scapy, which recomputes their checksums and lengths; the
# -v round trip of every frame; the gue filter and --gue-port.  The
# kernel's own GUE (Linux fou) is tests/net/gue.sh.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-gue.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "gue" "genv not built"; finish; }
command -v tshark >/dev/null 2>&1 || { skip "gue" "tshark not installed"; finish; }
"$PY" -c 'import scapy.all' 2>/dev/null || { skip "gue" "python3-scapy not installed"; finish; }

timeout 120 "$PY" tests/cross/gue.py scapy "$tmp/s.pcap" "$tmp/s.exp" 2>"$tmp/err" ||
	{ fail "scapy: build frames" "$(tail -n 3 "$tmp/err")"; finish; }
"$GENV" decode -j -r "$tmp/s.pcap" >"$tmp/s.jsonl"
# shellcheck disable=SC2046
timeout 120 tshark -n -r "$tmp/s.pcap" -d udp.port==6080,ip -T fields -E separator=/t -E occurrence=a \
	$("$PY" tests/cross/gue.py fields) >"$tmp/s.ts" 2>"$tmp/err" ||
	fail "tshark" "$(head -c 300 "$tmp/err")"
report scapy < <("$PY" tests/cross/gue.py check "$tmp/s.exp" "$tmp/s.jsonl" "$tmp/s.ts")
report craft < <(timeout 120 "$PY" tests/cross/gue.py parse "$GENV" 2>&1)

# the -v round trip: each frame's description crafts the same bytes
"$GENV" decode -v -r "$tmp/s.pcap" | sed -n 's/^    \([a-z]\)/\1/p' >"$tmp/s.v"
while IFS= read -r line; do
	timeout 10 "$GENV" craft --hex "$line" 2>&1
done <"$tmp/s.v" >"$tmp/s.rehex"
report round-trip < <("$PY" tests/cross/gue.py same "$tmp/s.pcap" "$tmp/s.rehex")

check_eq "filter gue" 7 "$("$GENV" decode -r "$tmp/s.pcap" gue | wc -l)"
check_eq "filter gue and inner icmp" 3 "$("$GENV" decode -r "$tmp/s.pcap" 'gue and inner icmp' | wc -l)"
check_eq "filter oam: the control message" 1 "$("$GENV" decode -r "$tmp/s.pcap" 'gue and oam' | wc -l)"
check_eq "filter vni never matches GUE" 0 "$("$GENV" decode -r "$tmp/s.pcap" 'vni 0' | wc -l)"
check_eq "--gue-port none: plain UDP" 0 "$("$GENV" decode --gue-port none -r "$tmp/s.pcap" gue | wc -l)"
h=$("$GENV" craft --hex 'udp dport=5555 / gue / ipv4 / icmp')
case $("$GENV" decode --gue-port 5555 --hex "$h") in
*"GUE proto 4: 10.0.0.1 > 10.0.0.2 ICMP echo request"*) ok "--gue-port 5555" ;;
*) fail "--gue-port 5555" "$("$GENV" decode --gue-port 5555 --hex "$h")" ;;
esac
check_exit "--gue-port 0: usage error" 2 "$GENV" decode --gue-port 0 --hex "$h"
finish
