#!/usr/bin/env bash
# The hostile set (tests/cross/scapy_gen.py hostile): Geneve from the source
# ports of other protocols, non-Geneve from source port 6081, C-bit and
# critical-option mismatches, every length beyond its enclosing length, bad
# checksums, versions 1-3, truncated captures.  genv's verdict (Geneve or
# not, status, error codes) must be right for each.  How tshark and tcpdump
# judge the same set is measured by bench/hostile.sh, not asserted here.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-hostile.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "hostile" "genv not built"; finish; }
if ! "$PY" -c 'import scapy.contrib.geneve' 2>/dev/null; then
	skip "hostile" "python3-scapy not installed"; finish
fi

if ! timeout 120 "$PY" tests/cross/scapy_gen.py hostile "$tmp/h.pcap" "$tmp/h.json" 2>"$tmp/err"; then
	fail "hostile: build packets" "$(tail -n 5 "$tmp/err")"; finish
fi
timeout 60 "$GENV" decode -j -r "$tmp/h.pcap" >"$tmp/h.jsonl" 2>"$tmp/err"
check_eq "hostile: genv decode -j exits 0 without --strict" 0 "$?"
report hostile < <("$PY" tests/cross/scapy_gen.py compare "$tmp/h.json" "$tmp/h.jsonl")

check_exit "hostile: --strict exits 3 on malformed frames" 3 \
	timeout 60 "$GENV" decode --strict -r "$tmp/h.pcap"
# every output mode survives the whole set
for mode in "" -v -vv --stats; do
	timeout 60 "$GENV" decode $mode -r "$tmp/h.pcap" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	if [ "$rc" = 0 ] && [ -s "$tmp/out" ]; then
		ok "hostile: decode ${mode:-(one line)} exits 0 with output"
	else
		fail "hostile: decode ${mode:-(one line)}" "exit $rc: $(head -c 300 "$tmp/err")"
	fi
done
finish
