#!/usr/bin/env bash
# Option names and notations on the command line: the AWS GWLB and Oxide
# layouts by name in craft, decode and filters; Open vSwitch's geneve(...)
# notation in craft (errors included) and decode --opt-format ovs; options
# files (--options, $GENV_OPTIONS, ~/.config/genv/options.conf) and the
# FILE:LINE errors of every malformed fixture in tests/fixtures/optfile/,
# which leave nothing loaded.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
. tests/lib.sh
FIX=tests/fixtures/optfile
tmp=$(mktemp -d /tmp/genv-options-cli.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# no options file of the person running the tests
export HOME=$tmp/home XDG_CONFIG_HOME=
unset GENV_OPTIONS

# ---- AWS and Oxide by name
h=$("$GENV" craft --hex 'geneve vni=6 opt=aws.endpoint:0x0123456789abcdef opt=aws.attachment:id=66 opt=aws.cookie:0xdeadbeef / ipv4 / icmp')
line=$("$GENV" decode --hex "$h")
case $line in
*"opts [aws.endpoint id=81985529216486895, aws.attachment id=66, aws.cookie cookie=3735928559]"*)
	ok "decode names the AWS GWLB options" ;;
*) fail "decode names the AWS GWLB options" "$line" ;;
esac
check_eq "filter aws.cookie.cookie == 0xdeadbeef" 1 "$("$GENV" decode --hex "$h" 'aws.cookie.cookie == 0xdeadbeef' | wc -l)"
check_eq "filter opt aws.attachment" 1 "$("$GENV" decode --hex "$h" 'opt aws.attachment' | wc -l)"
check_eq "filter opt oxide.mss (absent)" 0 "$("$GENV" decode --hex "$h" 'opt oxide.mss' | wc -l)"
h=$("$GENV" craft --hex 'geneve vni=77 opt=oxide.external opt=oxide.mcast:both opt=oxide.mss:1460 / eth / ipv6 / icmp6')
line=$("$GENV" decode --hex "$h")
case $line in
*"opts [oxide.external, oxide.mcast replication=both, oxide.mss mss=1460]"*) ok "decode names the Oxide options" ;;
*) fail "decode names the Oxide options" "$line" ;;
esac
check_eq "filter oxide.mcast.replication == both" 1 "$("$GENV" decode --hex "$h" 'oxide.mcast.replication == both' | wc -l)"
check_eq "decode -v of Oxide options crafts back" "$h" \
	"$("$GENV" craft --hex "$("$GENV" decode -v --hex "$h" | sed -n 2p)")"

# ---- Open vSwitch notation
ovs='geneve({class=0x102,type=0x80,len=4,0x1000b}{class=0x129,type=0,len=0})'
h=$("$GENV" craft --hex "geneve vni=5 opt=$ovs / eth / ipv4 / icmp")
check_eq "craft opt=geneve(...) is the named options" \
	"$("$GENV" craft --hex 'geneve vni=5 opt=ovn:in=1,out=11 opt=oxide.external / eth / ipv4 / icmp')" "$h"
out=$("$GENV" decode --opt-format ovs --hex "$h")
case $out in
*"Geneve vni 5 [C] $ovs: "*) ok "decode --opt-format ovs: one-line" ;;
*) fail "decode --opt-format ovs: one-line" "$out" ;;
esac
out=$("$GENV" decode --opt-format ovs -v --hex "$h" | sed -n 2p)
check_eq "decode --opt-format ovs -v" "    eth / ipv4 / udp / geneve vni=5 opt=$ovs / eth / ipv4 / icmp" "$out"
check_eq "decode --opt-format ovs -v crafts back" "$h" "$("$GENV" craft --hex "$out")"
out=$("$GENV" decode --opt-format ovs -vv --hex "$h" | grep '^    ovs ')
check_eq "decode --opt-format ovs -vv: an ovs line" "    ovs $ovs" "$out"
out=$("$GENV" decode --opt-format genv --hex "$h")
case $out in
*"opts [ovn(C) in=1 out=11, oxide.external]"*) ok "decode --opt-format genv: the default" ;;
*) fail "decode --opt-format genv: the default" "$out" ;;
esac
# reserved bits in an option header: OVS cannot say it, genv's words stay
h=$("$GENV" craft --hex 'geneve vni=5 opthex=01028021000000000000 / eth' 2>/dev/null) ||
	h=$("$GENV" craft --hex 'geneve vni=5 opthex=0102802100000000 / eth')
out=$("$GENV" decode --opt-format ovs --hex "$h")
case $out in
*"geneve({"*) fail "decode --opt-format ovs: reserved bits keep genv's notation" "$out" ;;
*"opts ["*) ok "decode --opt-format ovs: reserved bits keep genv's notation" ;;
*) fail "decode --opt-format ovs: reserved bits keep genv's notation" "$out" ;;
esac
# the masked form of a megaflow dump: the '/' stays in the word, the value is sent
check_eq "craft opt=geneve(... 0x1000b/0x7fff) sends the value" \
	"$("$GENV" craft --hex 'geneve vni=5 opt=ovn:in=1,out=11 / eth / ipv4 / icmp')" \
	"$("$GENV" craft --hex 'geneve vni=5 opt=geneve({class=0x102/0xffff,type=0x80,len=4,0x1000b/0x7fff}) / eth / ipv4 / icmp')"
check_exit "decode --opt-format bad: usage error" 2 "$GENV" decode --opt-format xml --hex "$h"
while IFS='|' read -r text msg; do
	err=$("$GENV" craft --hex "geneve opt=$text / eth" 2>&1 >/dev/null)
	rc=$?
	check_eq "craft opt=$text: exit 2" 2 "$rc"
	check_eq "craft opt=$text: message" "genv craft: layer 1 'geneve': opt: $msg" "$err"
done <<'EOF'
geneve({class=0x102,type=0x80,len=4,0x1000b}|geneve(): no closing ')'
geneve({class=1,type=1,len=0}x)|geneve(): expected '{' at 'x'
{class=0x102,type=0x80}|geneve(): option 1: needs class=, type= and len=
{class=1,type=1,len=0}{class=1,type=1,len=6}|geneve(): option 2: len=6 is not a multiple of 4
{class=1,type=1,len=4,0x123456789}|geneve(): option 1: data '0x123456789' is longer than len
{class=1,type=1,len=4,zz}|geneve(): option 1: data 'zz' is not a hex number
{class=1,type=1,len=4,oops=1}|geneve(): option 1: unexpected 'oops=1'
EOF

# ---- options files
conf=$FIX/good.conf
h=$("$GENV" craft --options "$conf" --hex 'geneve vni=9 opt=acme.tenant:tenant=7,zone=3 opt=acme.blob:0102030405060708 / eth / ipv4 / icmp')
out=$("$GENV" decode --options "$conf" --hex "$h")
case $out in
*"opts [acme.tenant tenant=7 zone=3, acme.blob(C) data=0102030405060708]"*) ok "--options: decode names the file's options" ;;
*) fail "--options: decode names the file's options" "$out" ;;
esac
out=$("$GENV" decode --hex "$h")
case $out in
*"opts [Experimental:0x01 len 4, Experimental:0x83(C) len 8]"*) ok "without the file: raw" ;;
*) fail "without the file: raw" "$out" ;;
esac
check_eq "--options: filter acme.tenant.zone == 3" 1 "$("$GENV" decode --options "$conf" --hex "$h" 'acme.tenant.zone == 3' | wc -l)"
check_eq "--options: filter acme.tenant.zone == 4" 0 "$("$GENV" decode --options "$conf" --hex "$h" 'acme.tenant.zone == 4' | wc -l)"
err=$("$GENV" decode --hex "$h" 'acme.tenant.zone == 3' 2>&1 >/dev/null)
case $err in
*"bad filter"*) ok "without the file the filter name is unknown" ;;
*) fail "without the file the filter name is unknown" "$err" ;;
esac
check_eq "--options: decode -v crafts back" "$h" \
	"$("$GENV" craft --options "$conf" --hex "$("$GENV" decode --options "$conf" -v --hex "$h" | sed -n 2p)")"
out=$("$GENV" decode --options "$conf" -j --hex "$h" | grep -o '"name":"acme.tenant"[^}]*}')
check_eq "--options: JSON fields" '"name":"acme.tenant","class_name":"Experimental","fields":{"tenant":7,"zone":3}' "$out"
out=$(GENV_OPTIONS=$conf "$GENV" decode --hex "$h" 'opt acme.blob' | wc -l)
check_eq "GENV_OPTIONS names the file" 1 "$out"
mkdir -p "$HOME/.config/genv"
cp "$conf" "$HOME/.config/genv/options.conf"
check_eq "HOME/.config/genv/options.conf is read" 1 "$("$GENV" decode --hex "$h" 'opt acme.blob' | wc -l)"
mkdir -p "$tmp/xdg/genv"
printf 'other.x 0xff10 0x01 v:32\n' >"$tmp/xdg/genv/options.conf"
check_eq "XDG_CONFIG_HOME/genv/options.conf is read first" 1 \
	"$(XDG_CONFIG_HOME=$tmp/xdg "$GENV" decode --hex "$h" 'opt other.x' | wc -l)"
check_eq "--options wins over GENV_OPTIONS" 1 \
	"$(GENV_OPTIONS=$tmp/xdg/genv/options.conf "$GENV" decode --options "$conf" --hex "$h" 'opt acme.tenant' | wc -l)"
rm -rf "$HOME/.config"
err=$("$GENV" craft --options "$tmp/none.conf" --hex 'geneve / eth' 2>&1 >/dev/null)
check_eq "--options FILE must exist" "genv craft: options file '$tmp/none.conf': No such file or directory" \
	"$(printf '%s\n' "$err" | head -1)"
check_exit "--options FILE missing: exit 2" 2 "$GENV" decode --options "$tmp/none.conf" --hex "$h"
check_exit "GENV_OPTIONS missing: exit 2" 2 env GENV_OPTIONS="$tmp/none.conf" "$GENV" decode --hex "$h"

# ---- the trace option's hop-report flag (0x04), from bytes built here by
# hand (draft of the option in genv-options(7)): flags R|P, 2 records, the
# last naming the next hop 10.200.0.3
h=$(/usr/bin/python3 -c '
import struct
rec = lambda a, role, verd: bytes(a) + struct.pack("!BBHI", role, verd, 0, 7)
tr = struct.pack("!BBHI", 0x05, 2, 9, 3) + rec([10, 200, 0, 1], 0, 0) + rec([10, 200, 0, 3], 0, 0)
opt = struct.pack("!HBB", 0xFFA7, 0x05, len(tr) // 4) + tr
gnv = struct.pack("!BBHI", len(opt) // 4, 0x80, 0x6558, 0) + opt
udp = struct.pack("!HHHH", 49152, 6081, 8 + len(gnv), 0) + gnv
ip = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0x4000, 64, 17, 0,
                           bytes([10, 200, 0, 1]), bytes([10, 200, 0, 2])))
s = sum(struct.unpack("!10H", ip)); s = (s & 0xFFFF) + (s >> 16); s = (s & 0xFFFF) + (s >> 16)
ip[10:12] = struct.pack("!H", ~s & 0xFFFF)
print((bytes.fromhex("020000000002020000000001") + b"\x08\x00" + bytes(ip) + udp).hex())')
case $("$GENV" decode --hex "$h") in
*"opts [trace reply=1 overflow=0 report=1 hops=2 id=9 seq=3]"*) ok "decode names the trace hop-report flag" ;;
*) fail "decode names the trace hop-report flag" "$("$GENV" decode --hex "$h")" ;;
esac
check_eq "decode -j: trace.fields.report" "True False" "$("$GENV" decode -j --hex "$h" |
	/usr/bin/python3 -c 'import json, sys; o = json.load(sys.stdin)["geneve"]["options"][0]["fields"]; print(o["report"], o["overflow"])')"
check_eq "filter trace.report == 1" 1 "$("$GENV" decode --hex "$h" 'trace.report == 1' | wc -l)"
h0=$("$GENV" craft --hex 'geneve vni=0 opt=trace:reply=1,id=9 / eth')
check_eq "no hop-report flag: report=0" 1 "$("$GENV" decode --hex "$h0" 'trace.report == 0' | wc -l)"
check_eq "craft opt=trace:report=1 sets 0x04" "05" \
	"$("$GENV" craft --hex 'eth / ipv4 / udp / geneve vni=0 opt=trace:reply=1,report=1 / eth' | cut -c109-110)"

# ---- genv trace reads the same options files (the options are tested
# against decode above: trace must print what decode prints)
ht=$("$GENV" craft --options "$conf" --hex 'eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=100 opt=acme.tenant:tenant=5,zone=2 / eth / ipv4 src=10.0.1.9 dst=10.0.1.5 / icmp')
want=$("$GENV" decode --options "$conf" --hex "$ht" | sed 's/^ *1 //; s/, length [0-9]*$//')
T=tests/fixtures/topo/h1.genv
got=$("$GENV" trace packet -f "$T" --in underlay --options "$conf" --hex "$ht" | sed -n 's/^packet: //p')
case $got in
"$want"*) ok "trace packet --options names the option as decode does" ;;
*) fail "trace packet --options names the option as decode does" "decode '$want', trace '$got'" ;;
esac
got=$(GENV_OPTIONS=$conf "$GENV" trace packet -f "$T" --in underlay --hex "$ht" | sed -n 's/^packet: //p')
case $got in
*"acme.tenant tenant=5 zone=2"*) ok "trace packet: \$GENV_OPTIONS" ;;
*) fail "trace packet: \$GENV_OPTIONS" "$got" ;;
esac
mkdir -p "$HOME/.config/genv" && cp "$conf" "$HOME/.config/genv/options.conf"
got=$("$GENV" trace packet -f "$T" --in underlay -j --hex "$ht" | /usr/bin/python3 -c '
import json, sys
d = json.load(sys.stdin)
print(json.dumps(d).count("\"acme.tenant\""))')
rm -rf "$HOME/.config"
case $got in
0|"") fail "trace packet -j: ~/.config/genv/options.conf" "$got" ;;
*) ok "trace packet -j: ~/.config/genv/options.conf" ;;
esac
case $("$GENV" trace packet -f "$T" --in underlay --hex "$ht" | sed -n 's/^packet: //p') in
*acme.tenant*) fail "trace packet without an options file: no private name" ;;
*"Experimental:0x01 len 4"*|*"0xff10"*) ok "trace packet without an options file: no private name" ;;
*) fail "trace packet without an options file: no private name" "$("$GENV" trace packet -f "$T" --in underlay --hex "$ht" | grep '^packet')" ;;
esac
got=$("$GENV" trace packet -f "$T" --in underlay --options "$conf" "eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=100 opt=acme.tenant:tenant=5,zone=2 / eth / ipv4 src=10.0.1.9 dst=10.0.1.5 / icmp" | sed -n 's/^packet: //p')
check_eq "trace packet --options: the packet language knows the name" "$want" "$(printf '%s\n' "$got" | sed 's/, length [0-9]*$//')"
check_exit "trace --options missing file: exit 2" 2 "$GENV" trace packet -f "$T" --in underlay --options "$tmp/none.conf" --hex "$ht"

# ---- OVS tun_metadataN=VALUE through a TLV map (ovs-ofctl add-tlv-map's syntax)
M='{class=0xffff,type=0,len=4}->tun_metadata0,{class=0x102,type=0x80,len=4}->tun_metadata1'
h=$("$GENV" craft --tlv-map "$M" --hex 'geneve vni=5 tun_metadata0=0x1234 opt=oxide.external tun_metadata1=0x1000b / eth / ipv4 / icmp')
check_eq "craft tun_metadataN= is the mapped options" \
	"$("$GENV" craft --hex 'geneve vni=5 opt=geneve({class=0xffff,type=0,len=4,0x1234}{class=0x129,type=0,len=0}{class=0x102,type=0x80,len=4,0x1000b}) / eth / ipv4 / icmp')" "$h"
if command -v tshark >/dev/null 2>&1; then
	"$GENV" craft --tlv-map "$M" --hex 'geneve vni=5 tun_metadata0=0x1234 tun_metadata1=0x1000b / eth' | /usr/bin/python3 -c '
import struct, sys
fr = bytes.fromhex(sys.stdin.read().strip())
open(sys.argv[1], "wb").write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1) +
                             struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)' "$tmp/tm.pcap"
	check_eq "tshark reads the tun_metadata options: class, type, data" \
		"0xffff,0x0102	0x00,0x80	00001234,0001000b" \
		"$(tshark -n -r "$tmp/tm.pcap" -T fields -E occurrence=a -e geneve.option.class -e geneve.option.type -e geneve.option.unknown.data 2>/dev/null | sed 's/0x0000ffff/0xffff/; s/0x00000102/0x0102/')"
else
	skip "tshark reads the tun_metadata options" "tshark not installed"
fi
out=$("$GENV" decode --opt-format ovs --tlv-map "$M" --hex "$h")
case $out in
*"Geneve vni 5 [C] tun_metadata0=0x1234 geneve({class=0x129,type=0,len=0}) tun_metadata1=0x1000b: "*)
	ok "decode --opt-format ovs --tlv-map: tun_metadataN in the one-line" ;;
*) fail "decode --opt-format ovs --tlv-map: tun_metadataN in the one-line" "$out" ;;
esac
v=$("$GENV" decode --opt-format ovs --tlv-map "$M" -v --hex "$h" | sed -n 2p)
check_eq "decode --tlv-map -v" "    eth / ipv4 / udp / geneve vni=5 tun_metadata0=0x1234 opt=geneve({class=0x129,type=0,len=0}) tun_metadata1=0x1000b / eth / ipv4 / icmp" "$v"
check_eq "decode --tlv-map -v crafts back with the map" "$h" "$("$GENV" craft --tlv-map "$M" --hex "$v")"
check_eq "--tlv-map repeatable" "$h" "$("$GENV" craft --tlv-map '{class=0xffff,type=0,len=4}->tun_metadata0' \
	--tlv-map '{class=0x102,type=0x80,len=4}->tun_metadata1' --hex "$v")"
case $("$GENV" decode --opt-format ovs --hex "$h") in
*tun_metadata*) fail "decode without --tlv-map: geneve({...}) only" ;;
*) ok "decode without --tlv-map: geneve({...}) only" ;;
esac
# errors name the offending word
tm_err() { "$GENV" craft "$@" --hex 'geneve tun_metadata0=0x1 / eth' 2>&1 >/dev/null | head -1; }
check_eq "tun_metadata0 without a map" \
	"genv craft: layer 1 'geneve': 'tun_metadata0' is not in the TLV map (give --tlv-map \"{class=...,type=...,len=...}->tun_metadata0\")" "$(tm_err)"
check_eq "--tlv-map: not an entry" "genv craft: --tlv-map: 'class=1' is not {class=C,type=T,len=L}->tun_metadataN" \
	"$(tm_err --tlv-map class=1)"
check_eq "--tlv-map: len not a multiple of 4" \
	"genv craft: --tlv-map: '{class=1,type=2,len=3}': needs class=, type= and len= (a multiple of 4, at most 124)" \
	"$(tm_err --tlv-map '{class=1,type=2,len=3}->tun_metadata0')"
check_eq "--tlv-map: tun_metadata64" "genv craft: --tlv-map: 'tun_metadata64' is not tun_metadata0..tun_metadata63" \
	"$(tm_err --tlv-map '{class=1,type=2,len=4}->tun_metadata64')"
check_eq "--tlv-map: mapped twice" "genv craft: --tlv-map: 'tun_metadata0' is mapped twice" \
	"$(tm_err --tlv-map '{class=1,type=2,len=4}->tun_metadata0,{class=1,type=3,len=4}->tun_metadata0')"
check_eq "tun_metadata0: value longer than len" \
	"genv craft: layer 1 'geneve': 'tun_metadata0': value '0x123456789' is longer than len (len=4)" \
	"$("$GENV" craft --tlv-map "$M" --hex 'geneve tun_metadata0=0x123456789 / eth' 2>&1 >/dev/null | head -1)"
check_exit "--tlv-map error: exit 2" 2 "$GENV" craft --tlv-map 'x' --hex 'geneve / eth'
check_exit "decode --tlv-map error: exit 2" 2 "$GENV" decode --tlv-map 'x' --hex "$h"
# the map from an options file ('tlv-map MAP' lines); --tlv-map wins
tc=$FIX/tlvmap.conf
check_eq "options file tlv-map: craft" "$h" \
	"$("$GENV" craft --options "$tc" --hex 'geneve vni=5 tun_metadata0=0x1234 opt=oxide.external tun_metadata1=0x1000b / eth / ipv4 / icmp')"
case $("$GENV" decode --opt-format ovs --options "$tc" --hex "$h") in
*"tun_metadata0=0x1234 geneve({class=0x129,type=0,len=0}) tun_metadata1=0x1000b: "*) ok "options file tlv-map: decode --opt-format ovs" ;;
*) fail "options file tlv-map: decode --opt-format ovs" "$("$GENV" decode --opt-format ovs --options "$tc" --hex "$h")" ;;
esac
check_eq "options file tlv-map: its layouts still work" 1 \
	"$("$GENV" decode --options "$tc" --hex "$("$GENV" craft --options "$tc" --hex 'geneve opt=acme.x:v=7 / eth')" 'acme.x.v == 7' | wc -l)"
check_eq "--tlv-map wins over the file's entry" "$("$GENV" craft --hex 'geneve vni=5 opt=geneve({class=1,type=1,len=8,0x1000b}) / eth')" \
	"$("$GENV" craft --options "$tc" --tlv-map '{class=1,type=1,len=8}->tun_metadata1' --hex 'geneve vni=5 tun_metadata1=0x1000b / eth')"
check_eq "a masked value (OVS flows): the mask is ignored" "$h" \
	"$("$GENV" craft --tlv-map "$M" --hex 'geneve vni=5 tun_metadata0=0x1234/0xffff opt=oxide.external tun_metadata1=0x1000b / eth / ipv4 / icmp')"

for f in "$FIX"/bad-*.conf; do
	b=$(basename "$f")
	want=$(sed -n '1s/^# error: \([0-9]*\): /\1: /p' "$f")
	[ "$b" = bad-nul.conf ] && want="1: a NUL byte (not a text file)"
	for cmd in decode craft; do
		if [ $cmd = decode ]; then
			err=$("$GENV" decode --options "$f" --hex "$h" 2>&1 >/dev/null)
		else
			err=$("$GENV" craft --options "$f" --hex 'geneve / eth' 2>&1 >/dev/null)
		fi
		rc=$?
		check_eq "$b: $cmd exits 2" 2 "$rc"
		check_eq "$b: $cmd says FILE:LINE" "genv $cmd: $f:$want" "$(printf '%s\n' "$err" | head -1)"
	done
done
# a bad line refuses the whole file: its good lines name nothing either
err=$("$GENV" craft --options "$FIX/bad-name.conf" --hex 'geneve opt=ok.one:1 / eth' 2>&1)
case $err in
*"bad-name.conf:3:"*) ok "a bad line refuses the good lines too" ;;
*) fail "a bad line refuses the good lines too" "$err" ;;
esac
finish
