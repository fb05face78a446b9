#!/usr/bin/env bash
# Cross-check VXLAN (with GBP), VXLAN-GPE, GRE and NVGRE: frames built by
# scapy decode in `genv decode -j` with the fields scapy set, and tshark
# reports the same VNI, group policy id, next protocol, key, sequence
# number, checksum and protocol; frames built by `genv craft` decode in
# genv and tshark as their descriptions say, and `decode -v` of every
# frame crafts back to the same bytes.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-tunnels.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "tunnels" "genv not built"; finish; }
command -v tshark >/dev/null 2>&1 || { skip "tunnels" "tshark not installed"; finish; }

check_set() {
	local set=$1
	timeout 60 "$GENV" decode -j -r "$tmp/$set.pcap" >"$tmp/$set.jsonl" 2>"$tmp/err" ||
		{ fail "$set: genv decode -j" "$(head -c 300 "$tmp/err")"; return; }
	# shellcheck disable=SC2046
	timeout 120 tshark -n -r "$tmp/$set.pcap" -T fields -E separator=/t -E occurrence=f \
		$("$PY" tests/cross/tunnels.py fields) >"$tmp/$set.ts" 2>"$tmp/err" ||
		{ fail "$set: tshark" "$(head -c 300 "$tmp/err")"; return; }
	report "$set" < <("$PY" tests/cross/tunnels.py check "$tmp/$set.exp" "$tmp/$set.jsonl" "$tmp/$set.ts")
	# the -v round trip: each frame's description crafts the same bytes
	local line
	"$GENV" decode -v -r "$tmp/$set.pcap" | sed -n 's/^    \([a-z]\)/\1/p' >"$tmp/$set.v"
	: >"$tmp/$set.rehex"
	while IFS= read -r line; do
		timeout 10 "$GENV" craft --hex "$line" >>"$tmp/$set.rehex" 2>"$tmp/err" ||
			echo "craft failed: $(cat "$tmp/err")" >>"$tmp/$set.rehex"
	done <"$tmp/$set.v"
	"$PY" - "$tmp/$set.pcap" "$tmp/$set.rehex" <<'PYEOF' >"$tmp/rt" && ok "$set: decode -v crafts back every frame" || fail "$set: decode -v crafts back every frame" "$(cat "$tmp/rt")"
import struct, sys
d = open(sys.argv[1], "rb").read()[24:]
frames = []
while d:
    n = struct.unpack("<IIII", d[:16])[2]
    frames.append(d[16:16 + n].hex())
    d = d[16 + n:]
got = [l.strip() for l in open(sys.argv[2])]
bad = [i + 1 for i, (a, b) in enumerate(zip(frames, got)) if a != b]
if len(frames) != len(got) or bad:
    print("frames %d texts %d differ at %s" % (len(frames), len(got), bad))
    sys.exit(1)
PYEOF
}

if "$PY" -c 'import scapy.layers.vxlan' 2>/dev/null; then
	if timeout 120 "$PY" tests/cross/tunnels.py scapy "$tmp/scapy.pcap" "$tmp/scapy.exp" 2>"$tmp/err"; then
		check_set scapy
	else
		fail "scapy: build frames" "$(tail -n 3 "$tmp/err")"
	fi
else
	skip "scapy" "python3-scapy not installed"
fi
if timeout 60 "$PY" tests/cross/tunnels.py craft "$GENV" "$tmp/craft.pcap" "$tmp/craft.exp" 2>"$tmp/err"; then
	check_set craft
else
	fail "craft: build frames" "$(tail -n 3 "$tmp/err")"
fi
# the filters: vni matches the VXLAN VNI and the NVGRE VSID, not a GRE key
check_eq "filter vni 100 (VXLAN VNI and NVGRE VSID)" 2 "$("$GENV" decode -r "$tmp/scapy.pcap" 'vni 100' | wc -l)"
check_eq "filter vni 300 (NVGRE VSID)" 1 "$("$GENV" decode -r "$tmp/craft.pcap" 'vni 300' | wc -l)"
check_eq "filter vxlan" 4 "$("$GENV" decode -r "$tmp/scapy.pcap" vxlan | wc -l)"
check_eq "filter gpe" 2 "$("$GENV" decode -r "$tmp/scapy.pcap" gpe | wc -l)"
check_eq "filter gre (GRE and NVGRE)" 4 "$("$GENV" decode -r "$tmp/scapy.pcap" gre | wc -l)"
check_eq "filter nvgre" 2 "$("$GENV" decode -r "$tmp/scapy.pcap" nvgre | wc -l)"
check_eq "filter 'ip proto gre' stays libpcap's" 3 "$("$GENV" decode -r "$tmp/scapy.pcap" 'ip proto gre' | wc -l)"
check_eq "filter gre and inner icmp" 1 "$("$GENV" decode -r "$tmp/scapy.pcap" 'gre and inner icmp' | wc -l)"
# port selection: --vxlan-port none shows plain UDP; another port is taken
check_eq "--vxlan-port none: GPE alone" 2 "$("$GENV" decode --vxlan-port none -r "$tmp/scapy.pcap" vxlan | wc -l)"
check_eq "--vxlan-port none --gpe-port none --no-gre" 0 \
	"$("$GENV" decode --vxlan-port none --gpe-port none --no-gre -j -r "$tmp/scapy.pcap" | grep -c '"tunnel"')"
check_eq "--vxlan-port 4790 takes GPE's port as VXLAN" 4 \
	"$("$GENV" decode --vxlan-port 4789,4790 --gpe-port none -r "$tmp/scapy.pcap" vxlan | wc -l)"
check_exit "--vxlan-port 0: usage error" 2 "$GENV" decode --vxlan-port 0 -r "$tmp/scapy.pcap"
finish
