#!/bin/bash
# SPDX-License-Identifier: MIT
# Golden tests for `genv decode`: fixture pcaps -> expected text, -v, -vv
# and JSON under tests/golden/decode/, one malformed fixture per error code
# (tests/fixtures/err/CODE.pcap must report exactly CODE), snap lengths at
# every layer boundary, stdin and hex input, filters, --stats, --strict,
# exit statuses, and agreement with tcpdump's .out files.
#
#   tests/cli/decode.sh            compare with the golden files
#   tests/cli/decode.sh --update   rewrite the golden files (review the diff!)
#
# Fixtures are made by tests/fixtures/gen.py (committed with its output).
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
# shellcheck source=tests/lib.sh
. tests/lib.sh

FIX=tests/fixtures
GOLD=tests/golden/decode
UPDATE=0
[ "${1:-}" = --update ] && UPDATE=1
export TZ=UTC NO_COLOR=1
unset GENV_OPT_CLASS
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$GOLD"

# golden NAME CMD...: stdout of CMD must equal $GOLD/NAME
golden() {
	local name=$1 out=$tmp/out; shift
	"$@" >"$out" 2>"$tmp/err"
	if [ "$UPDATE" = 1 ]; then
		cp "$out" "$GOLD/$name"
		ok "golden $name (updated)"
	elif [ ! -f "$GOLD/$name" ]; then
		fail "golden $name" "missing $GOLD/$name; run tests/cli/decode.sh --update"
	elif diff -u "$GOLD/$name" "$out" >"$tmp/diff"; then
		ok "golden $name"
	else
		fail "golden $name" "$(head -c 600 "$tmp/diff")"
	fi
}

# ---- golden outputs of captures ----
for f in "$FIX"/captures/*.pcap "$FIX"/mixed.pcap "$FIX"/snaplen.pcap "$FIX"/linktype-*.pcap; do
	b=$(basename "$f" .pcap)
	golden "$b.text" "$GENV" decode -r "$f"
	golden "$b.vv" "$GENV" decode -vv -r "$f"
	golden "$b.json" "$GENV" decode -j -r "$f"
	# -v prints the payload in hex: skip it for the 80 kB BIG TCP / GSO frames
	case $b in bigtcp-*|gso-*) ;; *) golden "$b.v" "$GENV" decode -v -r "$f" ;; esac
done

# ---- -v round trip: genv craft builds the captured bytes from each line ----
if command -v python3 >/dev/null; then
	for f in "$FIX/mixed.pcap" "$FIX/captures/geneve.pcap" "$FIX/captures/geneve-gcp.pcap" \
		"$FIX/linktype-raw.pcap" "$FIX"/err/*.pcap "$FIX"/captures/gso-*.pcap; do
		b=$(basename "$f" .pcap)
		python3 - "$f" >"$tmp/want.hex" <<'EOF'
import struct, sys
d = open(sys.argv[1], "rb").read()
e = "<" if d[:4] == b"\xd4\xc3\xb2\xa1" else ">"
i = 24
while i < len(d):
    cap, wire = struct.unpack(e + "II", d[i + 8:i + 16])
    # frames cut by the capture cannot be rebuilt whole
    print(d[i + 16:i + 16 + cap].hex() if cap == wire else "-")
    i += 16 + cap
EOF
		"$GENV" decode -v -r "$f" | sed -n 's/^    \([a-z(]\)/\1/p' >"$tmp/lines"
		n=0 bad=
		while IFS= read -r want <&3 && IFS= read -r line <&4; do
			n=$((n + 1))
			[ "$want" = - ] && continue
			got=$("$GENV" craft --hex "$line" 2>&1)
			[ "$got" = "$want" ] || bad="$bad $n"
		done 3<"$tmp/want.hex" 4<"$tmp/lines"
		[ -z "$bad" ] && ok "-v round trip: $b" || fail "-v round trip: $b" "frames:$bad"
	done
else
	skip "-v round trip" "no python3"
fi

# ---- one fixture per error code ----
codes=$(sed -n 's/^[[:space:]]*X([A-Z0-9_]*, *[A-Z]*, *"\([a-z0-9_.]*\)".*/\1/p' libcore/err.h)
[ -n "$codes" ] || fail "error codes" "none found in libcore/err.h"
for c in $codes; do
	f=$FIX/err/$c.pcap
	if [ ! -f "$f" ]; then
		fail "fixture for $c" "missing $f (tests/fixtures/gen.py)"
		continue
	fi
	got=$("$GENV" decode -r "$f" | grep -o '\[![a-z0-9_.]*\]' | sed 's/^\[!\(inner\.\)\{0,1\}//; s/\]$//' | tr '\n' ' ')
	check_eq "error $c reported alone" "$c " "$got"
done
for f in "$FIX"/err/*.pcap; do
	c=$(basename "$f" .pcap)
	echo "$codes" | grep -qx "$c" || fail "fixture $c" "not an error code in libcore/err.h"
done
# the man page lists every code
for c in $codes; do
	grep -qx "\.B $c" man/genv-decode.1 || fail "genv-decode(1) ERRORS lists $c"
done
ok "genv-decode(1) ERRORS checked against libcore/err.h"

errs() {
	for f in "$FIX"/err/*.pcap; do
		echo "# $(basename "$f" .pcap)"
		"$GENV" decode "$@" -r "$f"
	done
}
golden errors.text errs
golden errors.v errs -v
golden errors.vv errs -vv
golden errors.json errs -j

# ---- other inputs ----
golden stdin-hex.text "$GENV" decode - <"$FIX/hex.txt"
golden hex-arg.json "$GENV" decode -j --hex "$(sed -n 2p "$FIX/hex.txt")" --hex "$(sed -n 4p "$FIX/hex.txt" | sed 's/#.*//')"
"$GENV" decode - <"$FIX/mixed.pcap" >"$tmp/stdin-pcap"
if cmp -s "$tmp/stdin-pcap" "$GOLD/mixed.text"; then ok "stdin pcap = -r"; else fail "stdin pcap = -r"; fi
"$GENV" decode -r - <"$FIX/captures/geneve.pcap" >"$tmp/stdin-r"
if cmp -s "$tmp/stdin-r" "$GOLD/geneve.text"; then ok "-r - reads stdin"; else fail "-r - reads stdin"; fi
# shellcheck disable=SC2002  # a pipe, not a file, on purpose
cat "$FIX/captures/geneve-gcp.pcap" | "$GENV" decode -j - >"$tmp/gcp-pipe"
if cmp -s "$tmp/gcp-pipe" "$GOLD/geneve-gcp.json"; then ok "pcap from a pipe"; else fail "pcap from a pipe"; fi

# pcapng and nanosecond pcap read the same (editcap comes with tshark)
if command -v editcap >/dev/null; then
	editcap -F pcapng "$FIX/mixed.pcap" "$tmp/m.pcapng" &&
		"$GENV" decode -r "$tmp/m.pcapng" | cmp -s - "$GOLD/mixed.text" &&
		ok "pcapng = pcap" || fail "pcapng = pcap"
	editcap -F nseclibpcap "$FIX/mixed.pcap" "$tmp/m.ns.pcap" &&
		"$GENV" decode -r "$tmp/m.ns.pcap" | cmp -s - "$GOLD/mixed.text" &&
		ok "nanosecond pcap = pcap" || fail "nanosecond pcap = pcap"
	# libpcap's reader on a pipe
	editcap -F pcapng "$FIX/captures/geneve.pcap" "$tmp/g.pcapng" &&
		"$GENV" decode -j - <"$tmp/g.pcapng" | cmp -s - "$GOLD/geneve.json" &&
		ok "pcapng on stdin" || fail "pcapng on stdin"
else
	skip "pcapng = pcap" "no editcap"
fi

# ---- filters ----
G=$FIX/captures/geneve.pcap M=$FIX/mixed.pcap
golden filter-udp-vni.text "$GENV" decode -r "$G" udp and vni 11
golden filter-inner-port.text "$GENV" decode -r "$G" 'vni 10 and inner port 22 and not (tcp or icmp)'
golden filter-opt.text "$GENV" decode -r "$M" opt 0xffa7:0x01 or opt 0x014b
golden filter-critical.text "$GENV" decode -r "$M" critical and not vni 300
golden filter-oam.text "$GENV" decode -r "$M" oam
golden filter-inner-host.text "$GENV" decode -r "$M" inner host fd10::2 or inner host 10.0.0.1 and inner port 53
golden filter-malformed.text "$GENV" decode -r "$FIX/snaplen.pcap" malformed and not error geneve.option_truncated
golden filter-pcap-only.text "$GENV" decode -r "$M" 'arp or (udp port 53)'
n=$("$GENV" decode -r "$G" geneve and tcp | wc -l)
check_eq "pcap filter 'geneve and tcp' as tcpdump (33 frames)" 33 "$n"
n=$("$GENV" decode -r "$G" -c 5 vni 11 | wc -l)
check_eq "-c counts matching frames" 5 "$n"
check_exit "bad filter: usage error" 2 "$GENV" decode -r "$G" vni 99999999
check_exit "bad pcap filter: usage error" 2 "$GENV" decode -r "$G" udp and portt 5 and vni 1
check_exit "genv term without and" 2 "$GENV" decode -r "$G" udp vni 1

# ---- --stats ----
golden stats-mixed.text "$GENV" decode --stats -r "$M"
golden stats-mixed.json "$GENV" decode --stats -j -r "$M"
golden stats-geneve.text "$GENV" decode --stats -r "$G"
golden stats-snaplen-full.text "$GENV" decode --stats -v -r "$FIX/snaplen.pcap"
golden stats-filter.json "$GENV" decode --stats -j -r "$G" vni 10

# ---- --strict and exit statuses ----
check_exit "--strict: invalid frame exits 3" 3 "$GENV" decode --strict -r "$FIX/err/udp.checksum.pcap"
check_exit "--strict: truncated frame exits 3" 3 "$GENV" decode --strict -r "$FIX/err/geneve.truncated.pcap"
check_exit "--strict: warnings only exit 0" 0 "$GENV" decode --strict -r "$FIX/err/ip4.length_zero.pcap"
check_exit "--strict: good capture exits 0" 0 "$GENV" decode --strict -r "$G"
check_exit "--strict with --stats" 3 "$GENV" decode --strict --stats -r "$FIX/snaplen.pcap"
check_exit "--strict -q" 3 "$GENV" decode --strict -q -r "$FIX/snaplen.pcap"
check_exit "no --strict: malformed exits 0" 0 "$GENV" decode -r "$FIX/snaplen.pcap"
check_exit "--strict: filter leaves only good frames" 0 "$GENV" decode --strict -r "$FIX/snaplen.pcap" not malformed
"$GENV" decode -r nonexistent.pcap >"$tmp/o" 2>"$tmp/e"; st=$?
check_eq "missing file: exit 1" 1 "$st"
check_eq "missing file: one error line" \
	"genv decode: cannot open 'nonexistent.pcap': No such file or directory" "$(cat "$tmp/e")"
check_exit "not a capture: exit 1" 1 "$GENV" decode -r "$FIX/gen.py"
check_exit "no input: usage" 2 "$GENV" decode
check_exit "two inputs: usage" 2 "$GENV" decode -r "$G" --hex 00
check_exit "--port 0: usage" 2 "$GENV" decode --port 0 -r "$G"
check_exit "bad --hex: usage" 2 "$GENV" decode --hex zz
check_exit "--opt-class outside 0xff00-0xffff" 2 "$GENV" decode --opt-class 0x0102 -r "$M"
printf '0011\nnot hex\n' | "$GENV" decode - >/dev/null 2>"$tmp/e"; st=$?
check_eq "bad hex line on stdin: exit 1" 1 "$st"
check_eq "bad hex line message" "genv decode: stdin line 2: not a frame in hex" "$(cat "$tmp/e")"
head -c 100 "$G" >"$tmp/cut.pcap"
"$GENV" decode -r "$tmp/cut.pcap" >"$tmp/o" 2>"$tmp/e"; st=$?
check_eq "truncated pcap file: exit 1" 1 "$st"
grep -q "^genv decode: '.*cut.pcap': truncated dump file" "$tmp/e" && ok "truncated pcap file: message" ||
	fail "truncated pcap file: message" "$(cat "$tmp/e")"

# a record header claiming more than any snap length: an error, not a read past the file
/usr/bin/python3 -c 'import struct,sys; sys.stdout.buffer.write(struct.pack("<IHHiIII",0xa1b2c3d4,2,4,0,0,65535,1)+struct.pack("<IIII",0,0,300000,300000)+bytes(64))' >"$tmp/huge.pcap"
check_exit "pcap record longer than any snap length: exit 1" 1 "$GENV" decode -r "$tmp/huge.pcap"

# ---- the pcap file reader (libcore/pcap_file.h): tests/fixtures/pcap/CODE.pcap
# stops the reader with CODE (tests/fixtures/gen_pcap.py); header problems
# go on to libpcap, which gives its message ----
pmsg() {
	case $1 in
	pcap.short) echo "cannot read '$2': truncated dump file; tried to read 24 file header bytes" ;;
	pcap.magic) echo "cannot read '$2': unknown file format" ;;
	pcap.version) echo "cannot read '$2': archaic pcap savefile format" ;;
	pcap.linktype) echo "'$2': link type IEEE802_11 (105) is not supported" ;;
	pcap.record_header) echo "'$2': truncated dump file; record header cut short" ;;
	pcap.record_size) echo "'$2': frame 3 at offset 336: record longer than any snap length (262144 bytes)" ;;
	pcap.record_truncated) echo "'$2': truncated dump file; frame 3 needs 122 bytes, 117 left" ;;
	esac
}
pcodes=$(sed -n 's/^[[:space:]]*X([A-Z_]*, *"\(pcap\.[a-z_]*\)".*/\1/p' libcore/pcap_file.h)
[ -n "$pcodes" ] || fail "pcap reader codes" "none found in libcore/pcap_file.h"
for c in $pcodes; do
	f=$FIX/pcap/$c.pcap
	if [ ! -f "$f" ]; then
		fail "pcap fixture for $c" "missing $f (tests/fixtures/gen_pcap.py)"
		continue
	fi
	want=$(pmsg "$c" "$f")
	[ -n "$want" ] || { fail "pcap fixture $c" "no expected message in decode.sh"; continue; }
	"$GENV" decode -r "$f" >"$tmp/o" 2>"$tmp/e"; st=$?
	check_eq "pcap $c: exit 1" 1 "$st"
	case $(cat "$tmp/e") in
	"genv decode: $want"*) ok "pcap $c: message" ;;
	*) fail "pcap $c: message" "expected 'genv decode: $want', got '$(cat "$tmp/e")'" ;;
	esac
	# the same file on stdin (libpcap alone) fails too
	check_exit "pcap $c on stdin: exit 1" 1 sh -c "'$GENV' decode - <'$f'"
done
for f in "$FIX"/pcap/*.pcap; do
	c=$(basename "$f" .pcap)
	echo "$pcodes" | grep -qx "$c" || fail "pcap fixture $c" "not a code in libcore/pcap_file.h"
done
# the frames before a damaged record are decoded
check_eq "pcap record error: the good frames first" 2 \
	"$("$GENV" decode -r "$FIX/pcap/pcap.record_truncated.pcap" 2>/dev/null | wc -l)"
# byte orders and timestamp resolutions decode alike, by the reader and libpcap
"$GENV" decode -vv -r "$M" >"$tmp/ref"
for f in "$FIX"/pcap/format/[bl]e-*.pcap; do
	"$GENV" decode -vv -r "$f" >"$tmp/o" && cmp -s "$tmp/ref" "$tmp/o" &&
		ok "pcap $(basename "$f" .pcap): decodes as mixed.pcap" ||
		fail "pcap $(basename "$f" .pcap): decodes as mixed.pcap" "$(diff "$tmp/ref" "$tmp/o" | head -5)"
	"$GENV" decode -vv - <"$f" >"$tmp/o" && cmp -s "$tmp/ref" "$tmp/o" &&
		ok "pcap $(basename "$f" .pcap) on stdin: decodes as mixed.pcap" ||
		fail "pcap $(basename "$f" .pcap) on stdin: decodes as mixed.pcap" "$(diff "$tmp/ref" "$tmp/o" | head -5)"
done
# a record longer than the file's snap length: read whole, as libpcap does
check_eq "pcap record over the snap length: both frames" 2 \
	"$("$GENV" decode -r "$FIX/pcap/format/over-snaplen.pcap" | wc -l)"

# ---- options ----
golden port.text "$GENV" decode --port 53 -r "$M"
GENV_OPT_CLASS=0xff01 "$GENV" decode -r "$M" >"$tmp/o"
grep -q 'vni 200 opts \[Experimental:0x01 len 8' "$tmp/o" && ok "GENV_OPT_CLASS moves genv's class" ||
	fail "GENV_OPT_CLASS moves genv's class" "$(grep 'vni 200' "$tmp/o")"
"$GENV" decode --opt-class 0xff01 -r "$M" >"$tmp/o2"
cmp -s "$tmp/o" "$tmp/o2" && ok "--opt-class = GENV_OPT_CLASS" || fail "--opt-class = GENV_OPT_CLASS"

# ---- output behaviour ----
line=$(sed -n 2p "$FIX/hex.txt")
for _ in $(seq 3000); do echo "$line"; done >"$tmp/many.hex"
"$GENV" decode -vv - <"$tmp/many.hex" 2>"$tmp/e" | head -1 >/dev/null
check_eq "decode | head stays quiet" "" "$(cat "$tmp/e")"
"$GENV" decode --color=always -r "$M" | grep -q $'\033\[' && ok "--color=always colours" || fail "--color=always colours"
"$GENV" decode --color=always -j -r "$M" | grep -q $'\033' && fail "no colour in JSON" || ok "no colour in JSON"
"$GENV" decode --color=auto -r "$M" | grep -q $'\033' && fail "no colour when not a tty" || ok "no colour when not a tty"
# on a terminal (script(1) gives one): colour, except with TERM=dumb
if command -v script >/dev/null; then
	env -u NO_COLOR TERM=xterm script -qec "'$GENV' decode -r '$M'" /dev/null | grep -q $'\033\\[' &&
		ok "colour on a terminal" || fail "colour on a terminal"
	env -u NO_COLOR TERM=dumb script -qec "'$GENV' decode -r '$M'" /dev/null | grep -q $'\033\\[' &&
		fail "no colour with TERM=dumb" || ok "no colour with TERM=dumb"
else
	skip "colour on a terminal" "no script(1)"
fi

# every frame gets one JSON line, frames numbered from 1, keys stable
if command -v python3 >/dev/null; then
	for f in "$G" "$M" "$FIX/snaplen.pcap" "$FIX"/err/*.pcap; do "$GENV" decode -j -r "$f"; done >"$tmp/all.json"
	"$GENV" decode -p -r "$M" >"$tmp/pretty.json"
	python3 - "$tmp/all.json" "$tmp/pretty.json" <<'EOF' && ok "JSON schema 1 keys" || fail "JSON schema 1 keys"
import json, sys
top = ["schema", "frame", "ts", "caplen", "len", "status", "errors", "errors_truncated",
       "outer", "geneve", "inner"]
layer = ["eth", "arp", "ip"]
ipk = ["version", "src", "dst", "proto", "ttl", "tos", "hdr_len", "len", "len_from_frame",
       "id", "frag_offset", "df", "mf", "flow_label", "csum"]
gk = ["version", "opt_len", "oam", "critical", "proto", "vni", "options"]
ok = True
def need(o, keys, where):
    global ok
    if list(o.keys()) != keys:
        print("keys of %s: %s" % (where, list(o.keys())), file=sys.stderr)
        ok = False
last = {}
for line in open(sys.argv[1]):
    d = json.loads(line)
    need(d, top if "tunnel" not in d else top[:-1] + ["tunnel", "inner"], "frame")
    assert d["schema"] == 1 and d["status"] in ("ok", "truncated", "invalid")
    for e in d["errors"]:
        need(e, ["code", "offset", "msg", "inner"], "error")
    need(d["outer"], layer + ["udp"], "outer")
    if d["outer"]["ip"]:
        need(d["outer"]["ip"], ipk, "outer.ip")
    if d["outer"]["udp"]:
        need(d["outer"]["udp"], ["sport", "dport", "len", "csum"], "udp")
    t = d.get("tunnel")
    if d["geneve"] or t:
        assert not (d["geneve"] and t)
        if d["geneve"]:
            need(d["geneve"], gk, "geneve")
        else:
            need(t, ["type", "vxlan", "gre", "gue", "stt"], "tunnel")
        if t and t["vxlan"]:
            need(t["vxlan"], ["gpe", "flags", "vni", "proto"] +
                 (["version", "oam", "next_proto", "gbp"] if t["vxlan"]["gpe"] else ["gbp"]), "vxlan")
        if t and t["gre"]:
            need(t["gre"], ["nvgre", "flags", "version", "proto", "checksum", "csum", "key", "seq",
                            "vsid", "flowid"], "gre")
        if t and t["gue"]:
            need(t["gue"], ["variant", "control", "proto", "ctype", "hlen", "flags", "extensions"], "gue")
        if t and t["stt"]:
            need(t["stt"], ["continuation", "frame_len", "offset", "id", "version", "flags", "l4_offset", "reserved",
                            "mss", "pcp", "v", "vlan", "context", "padding"], "stt")
        for o in (d["geneve"] or {"options": []})["options"]:
            need(o, ["class", "type", "critical", "len", "data", "name", "class_name", "fields"], "option")
        need(d["inner"], layer + ["l4"], "inner")
        if d["inner"]["l4"]:
            need(d["inner"]["l4"], ["proto", "sport", "dport", "csum", "payload", "flags", "seq",
                                     "ack", "win", "icmp_type", "icmp_code"], "l4")
    else:
        assert d["inner"] is None
s = open(sys.argv[2]).read()
dec, i, n = json.JSONDecoder(), 0, 0
while i < len(s):
    while i < len(s) and s[i].isspace():
        i += 1
    if i < len(s):
        o, i = dec.raw_decode(s, i)
        n += 1
        assert o["frame"] == n
sys.exit(0 if ok and n == 14 else 1)
EOF
else
	skip "JSON schema 1 keys" "no python3"
fi
for f in "$G" "$M" "$FIX/snaplen.pcap"; do
	want=$(tcpdump -nn -r "$f" 2>/dev/null | grep -c '^[0-9[]')
	got=$("$GENV" decode -j -r "$f" | wc -l)
	[ -n "$want" ] && [ "$want" != 0 ] || { skip "one JSON line per frame $(basename "$f")" "no tcpdump"; continue; }
	check_eq "one JSON line per frame: $(basename "$f")" "$want" "$got"
done

# ---- agreement with tcpdump (its .out files, from tcpdump 4.99.5) ----
# Compared where tcpdump is right: VNI, C flag, options (class, type, data),
# inner addresses and ports.  Deliberate differences (man genv-decode(1)):
# BIG TCP IPv4 length 0 -- tcpdump 4.99.3 prints "bad-len 0" and stops,
# 4.99.5 "presumed BIG TCP"; genv decodes and warns ip4.length_zero.
if command -v python3 >/dev/null; then
	for out in "$FIX"/captures/*.out; do
		b=$(basename "$out" .out)
		pcap=$FIX/captures/$b.pcap
		[ -f "$pcap" ] || pcap=$FIX/captures/geneve.pcap
		"$GENV" decode -j -r "$pcap" >"$tmp/t.json"
		if python3 - "$out" "$tmp/t.json" >"$tmp/e" 2>&1 <<'EOF'; then ok "tcpdump agrees: $b"; else fail "tcpdump agrees: $b" "$(head -5 "$tmp/e")"; fi
import json, re, sys, datetime
frames = {}
for line in open(sys.argv[2]):
    d = json.loads(line)
    frames["%.6f" % d["ts"]] = d
text = open(sys.argv[1]).read()
starts = list(re.finditer(r"^\s+\d+\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) ", text, re.M))
if not starts:
    sys.exit("no frames in " + sys.argv[1])
bad = 0
def addr(s, port):
    if port:
        a, p = s.rsplit(".", 1)
        return a, int(p)
    return s, None
for i, m in enumerate(starts):
    chunk = text[m.start():starts[i + 1].start() if i + 1 < len(starts) else len(text)]
    t = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
    key = "%d.%06d" % (int(t.timestamp()), t.microsecond)
    d = frames.get(key)
    if d is None or not d["geneve"]:
        print("frame at", m.group(1), "not decoded as Geneve by genv"); bad += 1; continue
    g = d["geneve"]
    vni = re.search(r"vni 0x([0-9a-f]+)", chunk)
    if not vni or int(vni.group(1), 16) != g["vni"]:
        print(key, "vni", vni and vni.group(1), g["vni"]); bad += 1
    fl = re.search(r"Flags \[([^\]]*)\]", chunk)
    if fl and ("C" in fl.group(1)) != g["critical"]:
        print(key, "C flag", fl.group(1), g["critical"]); bad += 1
    opts = re.findall(r"class [^(]*\(0x([0-9a-f]+)\) type 0x([0-9a-f]+)(?:\(C\))? len (\d+) data ([0-9a-f ]+)", chunk)
    if opts:
        mine = [(o["class"], o["type"], o["len"] + 4, o["data"]) for o in g["options"]]
        theirs = [(int(c, 16), int(t, 16), int(l), dd.replace(" ", "")) for c, t, l, dd in opts]
        if mine != theirs:
            print(key, "options", mine, theirs); bad += 1
    pairs = re.findall(r"(\S+) > (\S+?):(?=\s)( ICMP)?", chunk)
    if len(pairs) >= 2 and d["inner"]["ip"]:
        s, dd, icmp = pairs[1]
        port = not icmp
        sa, sp = addr(s, port)
        da, dp = addr(dd, port)
        ip, l4 = d["inner"]["ip"], d["inner"]["l4"] or {}
        if (sa, da) != (ip["src"], ip["dst"]) or (port and (sp, dp) != (l4.get("sport"), l4.get("dport"))):
            print(key, "inner", (sa, sp, da, dp), (ip["src"], l4.get("sport"), ip["dst"], l4.get("dport"))); bad += 1
sys.exit(1 if bad else 0)
EOF
	done
else
	skip "tcpdump agrees" "no python3"
fi

finish
