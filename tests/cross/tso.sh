#!/usr/bin/env bash
# Cross-check of the segmenter, checksum completion and coalescer
# (libcore/tso) against scapy (every length, checksum, sequence number, IP
# id and flag of each segment recomputed by scapy) and tshark (its own
# IPv4/TCP/UDP checksum verification of every frame produced).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
O=${O:-build}
tmp=$(mktemp -d /tmp/genv-tso.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -f "$O/libcore.a" ] || { skip "tso" "$O/libcore.a not built"; finish; }
if ! "$PY" -c 'import scapy.all' 2>/dev/null; then
	skip "tso" "python3-scapy not installed"; finish
fi
# the library of a `make SAN=1` build needs the sanitizers' runtime too
san=
case $O in *san*) san="-fsanitize=address,undefined -fno-omit-frame-pointer" ;; esac
# shellcheck disable=SC2086
if ! ${CC:-cc} -O1 -Wall -Wextra -Werror $san -o "$tmp/drv" tests/cross/tso_driver.c "$O/libcore.a" 2>"$tmp/err"; then
	fail "tso: build the driver" "$(head -n 5 "$tmp/err")"; finish
fi

while IFS=$'\t' read -r v name why; do
	case $v in
	PASS) ok "tso: $name" ;;
	FAIL) fail "tso: $name" "$why" ;;
	esac
done < <(timeout 120 "$PY" tests/cross/tso_gen.py "$tmp/drv" "$tmp/out.pcap" 2>"$tmp/err")
[ -s "$tmp/out.pcap" ] || fail "tso: scapy run" "$(grep -v WARNING "$tmp/err" | tail -n 5)"

if command -v tshark >/dev/null 2>&1 && [ -s "$tmp/out.pcap" ]; then
	# status 1 = good; 0 bad, 2 unverified
	timeout 60 tshark -r "$tmp/out.pcap" -o ip.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o udp.check_checksum:TRUE -T fields -e ip.checksum.status -e tcp.checksum.status \
		-e udp.checksum.status >"$tmp/st" 2>/dev/null
	total=$(wc -l <"$tmp/st")
	bad=$(grep -cvE '^(1)?	(1)?	(1)?$' "$tmp/st")
	good_l4=$(grep -cE '	1' "$tmp/st")
	if [ "$total" -gt 50 ] && [ "$bad" -eq 0 ] && [ "$good_l4" -eq "$total" ]; then
		ok "tso: tshark verifies the checksums of all $total frames"
	else
		fail "tso: tshark checksums" "$bad of $total frames not good, $good_l4 with a good L4 checksum"
	fi
else
	skip "tso: tshark checksums" "tshark not installed"
fi
finish
