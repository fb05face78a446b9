#!/usr/bin/env bash
# Cross-check with an independent implementation: Geneve frames built by
# scapy (every length set explicitly: scapy 2.5 miscomputes Opt Len) must
# decode in `genv decode -j` with exactly the fields scapy put in.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-scapy.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "scapy" "genv not built"; finish; }
if ! "$PY" -c 'import scapy.contrib.geneve' 2>/dev/null; then
	skip "scapy" "python3-scapy not installed"; finish
fi

# report PREFIX: turn "PASS<TAB>name" / "FAIL<TAB>name<TAB>why" lines into checks
if ! timeout 120 "$PY" tests/cross/scapy_gen.py cases "$tmp/s.pcap" "$tmp/s.json" 2>"$tmp/err"; then
	fail "scapy: build packets" "$(tail -n 5 "$tmp/err")"; finish
fi
timeout 60 "$GENV" decode -j -r "$tmp/s.pcap" >"$tmp/s.jsonl" 2>"$tmp/err"
check_eq "scapy: genv decode -j exits 0" 0 "$?"
report scapy < <("$PY" tests/cross/scapy_gen.py compare "$tmp/s.json" "$tmp/s.jsonl")

# The same frames cut to 60 bytes: each one truncated, none a crash.
if command -v editcap >/dev/null 2>&1; then
	editcap -s 60 "$tmp/s.pcap" "$tmp/snap.pcap" >/dev/null 2>&1
	timeout 60 "$GENV" decode -j -r "$tmp/snap.pcap" >"$tmp/snap.jsonl" 2>"$tmp/err"
	rc=$?
	read -r n total < <("$PY" -c 'import json,sys
st=[json.loads(l).get("status") for l in open(sys.argv[1]) if l.strip()]
print(st.count("truncated"), len(st))' "$tmp/snap.jsonl" 2>/dev/null)
	if [ "$rc" = 0 ] && [ "${n:-0}" -gt 0 ] && [ "$n" = "$total" ]; then
		ok "scapy: snap length 60: all $n frames truncated"
	else
		fail "scapy: snap length 60" "exit $rc, $n of $total frames truncated"
	fi
else
	skip "scapy: snap length 60" "editcap not installed"
fi
finish
