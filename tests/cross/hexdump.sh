#!/usr/bin/env bash
# genv decode -x / -X against tcpdump -xx / -XX: the dump lines (offset,
# hex pairs, ASCII column) must be the same, byte for byte, for every
# frame of the fixture captures (Ethernet, raw IP, SLL, snap-length cut,
# GSO and BIG TCP frames).  --hex-layer against tshark: the options are
# geneve.options, the payload the inner tcp/udp payload, and the inner
# frame the tail of the frame after the Geneve options.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-hexdump.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "hexdump" "genv not built"; finish; }
require "hexdump" tcpdump

# same NAME WANT GOT: ok when the files are equal and not empty
same() {
	if [ -s "$2" ] && cmp -s "$2" "$3"; then
		ok "$1 ($(wc -l <"$2") lines)"
	else
		fail "$1" "$(diff "$2" "$3" | head -4 | tr '\n' '|')"
	fi
}

for f in tests/fixtures/*.pcap tests/fixtures/captures/*.pcap; do
	n=$(basename "$f")
	for x in x X; do
		timeout 60 tcpdump -nn -r "$f" -"$x$x" 2>/dev/null | grep $'^\t0x' >"$tmp/td"
		timeout 60 "$GENV" decode -r "$f" -"$x" 2>/dev/null | grep $'^\t0x' >"$tmp/gv"
		same "-$x $n: as tcpdump -$x$x" "$tmp/td" "$tmp/gv"
	done
done

# --hex-layer: "FRAME HEX" for each frame that had the layer
dumped() { # LAYER PCAP
	"$GENV" decode -r "$2" --hex-layer "$1" | "$PY" -c '
import sys
num, out = None, []
def flush():
    if out:
        print(num, "".join(out))
for line in sys.stdin:
    if line.startswith("\t0x"):
        out.append(line.split(":", 1)[1].replace(" ", "").strip())
    else:
        flush()
        num, out = line.split()[0], []
flush()
'
}
# the oracle: tshark's fields per frame, the frame bytes read from the pcap
oracle() { # LAYER PCAP
	tshark -n -r "$2" -T fields -E separator=/t -E occurrence=a -E aggregator=, \
		-e frame.number -e udp.dstport -e udp.length -e geneve.options \
		-e tcp.payload -e udp.payload 2>/dev/null >"$tmp/fields"
	"$PY" -c '
import struct, sys
layer = sys.argv[2]
raw = open(sys.argv[3], "rb").read()
frames, off = [], 24
while off + 16 <= len(raw):
    incl = struct.unpack("<I", raw[off + 8:off + 12])[0]
    frames.append(raw[off + 16:off + 16 + incl].hex())
    off += 16 + incl
for line in open(sys.argv[1]):
    f = (line.rstrip("\n").split("\t") + [""] * 6)[:6]
    num, dport, ulen, opts, tcpp, udpp = f
    if dport.split(",")[0] != "6081" or not ulen:
        continue
    opts = opts.replace(":", "")
    if layer == "options":
        got = opts
    elif layer == "payload":
        udpp = udpp.split(",")
        got = tcpp.split(",")[-1] if tcpp else (udpp[-1] if len(udpp) > 1 else "")
        got = got.replace(":", "")
    else:
        inner = (int(ulen.split(",")[0]) - 16) * 2 - len(opts)
        got = frames[int(num) - 1][-inner:] if inner > 0 else ""
    if got:
        print(num, got)
' "$tmp/fields" "$1" "$2"
}
if command -v tshark >/dev/null 2>&1; then
	for f in tests/fixtures/mixed.pcap tests/fixtures/captures/geneve.pcap; do
		n=$(basename "$f")
		for l in options inner payload; do
			oracle "$l" "$f" >"$tmp/want"
			dumped "$l" "$f" >"$tmp/got"
			# genv also dumps payloads tshark shows no field for (ICMP)
			[ "$l" = payload ] && awk 'NR == FNR { w[$1]; next } $1 in w' \
				"$tmp/want" "$tmp/got" >"$tmp/got2" && mv "$tmp/got2" "$tmp/got"
			same "--hex-layer $l $n: as tshark and the pcap's bytes" "$tmp/want" "$tmp/got"
		done
	done
else
	skip "--hex-layer" "tshark not installed"
fi

check_exit "-x with --json is refused (2)" 2 "$GENV" decode -j -x -r tests/fixtures/mixed.pcap
check_exit "--hex-layer bogus is refused (2)" 2 "$GENV" decode --hex-layer bogus -r tests/fixtures/mixed.pcap
finish
