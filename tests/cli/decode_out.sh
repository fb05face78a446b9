#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# `genv decode` for operators: what --stats admits it did not check and
# counts as truncated, hex dumps (-x/-X as tcpdump -xx/-XX), silencing
# warnings (--ignore, --checksum), writing what matched (-w pcap/pcapng,
# --decap, --split-vni), several Geneve ports, and the -v round trip of
# frames of any size.  Peers (tshark, capinfos, tcpdump) are the oracles
# where they can say; their checks skip when the tool is missing.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
export TZ=UTC NO_COLOR=1
unset GENV_OPT_CLASS GENV_DECODE_IGNORE
FIX=tests/fixtures
G=$FIX/captures/geneve.pcap M=$FIX/mixed.pcap
tmp=$(mktemp -d /tmp/genv-dout.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# ---- --stats says what it did not check ----
# a Geneve frame whose inner TCP checksum is wrong
badin=$("$GENV" craft --hex 'eth / ipv4 / udp / geneve vni=7 / eth / ipv4 / tcp csum=0xdead / payload len=10')
"$GENV" decode --stats --hex "$badin" >"$tmp/s" 2>&1
grep -q '^inner headers not checked: use -v or --stats=full$' "$tmp/s" &&
	ok "--stats: fast path says inner headers were not checked" ||
	fail "--stats: fast path says inner headers were not checked" "$(head -n 2 "$tmp/s" | tr '\n' '|')"
got=$("$GENV" decode --stats=full --hex "$badin" | sed -n '1s/.* \([0-9]*\) malformed.*/\1/p')
check_eq "--stats=full counts the inner checksum error" 1 "$got"
"$GENV" decode --stats=full --hex "$badin" | grep -q 'not checked' &&
	fail "--stats=full: no 'not checked' note" || ok "--stats=full: no 'not checked' note"
"$GENV" decode --stats -v --hex "$badin" | grep -q 'not checked' &&
	fail "--stats -v: no 'not checked' note" || ok "--stats -v: no 'not checked' note"
got=$("$GENV" decode --stats=full -j --hex "$badin" | /usr/bin/python3 -c 'import json,sys; d=json.load(sys.stdin); print(d["inner_checked"], d["malformed"])')
check_eq "--stats=full -j: inner_checked, malformed" "True 1" "$got"
got=$("$GENV" decode --stats -j --hex "$badin" | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["inner_checked"])')
check_eq "--stats -j: inner_checked false on the fast path" False "$got"
check_exit "--stats=bogus: usage error" 2 "$GENV" decode --stats=bogus -r "$G"

# a capture cut with a small snap length: its cut frames are counted truncated,
# as many as tshark sees with frame.cap_len < frame.len
if command -v editcap >/dev/null && command -v tshark >/dev/null; then
	editcap -s 80 "$G" "$tmp/cut.pcap" 2>/dev/null
	want=$(tshark -r "$tmp/cut.pcap" -T fields -e frame.cap_len -e frame.len 2>/dev/null | awk '$1 < $2' | wc -l)
	for mode in --stats --stats=full; do
		got=$("$GENV" decode "$mode" -r "$tmp/cut.pcap" | sed -n '1s/.* \([0-9]*\) truncated$/\1/p')
		check_eq "$mode: snap length 80 -> frames truncated as tshark ($want)" "$want" "$got"
	done
	[ "$want" -gt 0 ] && ok "snap length 80 cuts frames" || fail "snap length 80 cuts frames"
else
	skip "--stats truncated vs tshark" "no editcap/tshark"
fi

# ---- several Geneve ports ----
for p in 6082 7005 7011; do
	"$GENV" craft "eth / ipv4 / udp dport=$p / geneve vni=5 / eth / ipv4 / icmp" -w "$tmp/p$p.pcap"
done
for p in 6082 7005; do
	"$GENV" decode --port 6081,6082,7000-7010 -r "$tmp/p$p.pcap" | grep -q 'Geneve vni 5' &&
		ok "--port list: $p is Geneve" || fail "--port list: $p is Geneve"
done
"$GENV" decode --port 6081,6082,7000-7010 -r "$tmp/p7011.pcap" | grep -q 'Geneve' &&
	fail "--port list: 7011 is not Geneve" || ok "--port list: 7011 is not Geneve"
"$GENV" decode -r "$tmp/p6082.pcap" | grep -q 'Geneve' &&
	fail "default port: 6082 is not Geneve" || ok "default port: 6082 is not Geneve"
check_exit "--port 7010-7000: usage error" 2 "$GENV" decode --port 7010-7000 -r "$G"
check_exit "--port 6081,x: usage error" 2 "$GENV" decode --port 6081,x -r "$G"
check_exit "--port 70000: usage error" 2 "$GENV" decode --port 70000 -r "$G"
check_exit "--port ',': usage error" 2 "$GENV" decode --port , -r "$G"

# ---- craft -w FILE.pcapng: refused, never another format under that name ----
"$GENV" craft -w "$tmp/x.pcapng" 'geneve vni=5 / ipv4 / icmp' 2>"$tmp/e"; st=$?
check_eq "craft -w x.pcapng: usage error" 2 "$st"
[ ! -e "$tmp/x.pcapng" ] && ok "craft -w x.pcapng: no file written" || fail "craft -w x.pcapng: no file written"
grep -q "classic pcap only" "$tmp/e" && ok "craft -w x.pcapng: says why" || fail "craft -w x.pcapng: says why" "$(cat "$tmp/e")"

# ---- --ignore CODE, GENV_DECODE_IGNORE, --checksum=off|on ----
GSO=$FIX/captures/gso-ipv4-geneve-ipv4.pcap
n=$("$GENV" decode -r "$GSO" | grep -c 'checksum_partial')
[ "$n" -gt 0 ] && ok "GSO capture: partial checksums reported ($n)" || fail "GSO capture: partial checksums reported"
check_eq "--ignore tcp.checksum_partial: none left" 0 "$("$GENV" decode -r "$GSO" --ignore tcp.checksum_partial | grep -c checksum_partial)"
check_eq "--ignore inner.tcp.checksum_partial: none left" 0 "$("$GENV" decode -r "$GSO" --ignore inner.tcp.checksum_partial | grep -c checksum_partial)"
check_eq "--ignore 'tcp.*' (a family)" 0 "$("$GENV" decode -r "$GSO" --ignore 'tcp.*' | grep -c checksum_partial)"
check_eq "GENV_DECODE_IGNORE=udp.short,tcp.checksum_partial" 0 \
	"$(GENV_DECODE_IGNORE=udp.short,tcp.checksum_partial "$GENV" decode -r "$GSO" | grep -c checksum_partial)"
check_eq "--ignore udp.checksum_partial leaves the TCP ones" "$n" "$("$GENV" decode -r "$GSO" --ignore udp.checksum_partial | grep -c checksum_partial)"
check_eq "--ignore inner.udp.checksum_partial leaves the TCP ones" "$n" \
	"$("$GENV" decode -r "$GSO" --ignore inner.udp.checksum_partial | grep -c checksum_partial)"
# an ignored invalid code no longer makes the frame invalid (--strict, --stats)
E=$FIX/err/ip4.checksum.pcap
check_exit "ip4.checksum frame: --strict exits 3" 3 "$GENV" decode -q --strict -r "$E"
check_exit "--ignore ip4.checksum: --strict exits 0" 0 "$GENV" decode -q --strict --ignore ip4.checksum -r "$E"
check_eq "--ignore ip4.checksum: --stats=full counts 0 malformed" 0 \
	"$("$GENV" decode --stats=full --ignore ip4.checksum -r "$E" | sed -n '1s/.* \([0-9]*\) malformed.*/\1/p')"
check_exit "--checksum=off: --strict exits 0" 0 "$GENV" decode -q --strict --checksum=off -r "$E"
check_exit "--checksum=on: --strict exits 3" 3 "$GENV" decode -q --strict --checksum=on -r "$E"
"$GENV" decode --checksum=off -j -r "$E" | grep -q '"csum":"bad"' &&
	fail "--checksum=off: no checksum judged bad" || ok "--checksum=off: no checksum judged bad"
check_exit "--checksum=maybe: usage error" 2 "$GENV" decode --checksum=maybe -r "$E"
"$GENV" decode --ignore udp.checksum_partail -r "$E" >/dev/null 2>"$tmp/e"; st=$?
check_eq "--ignore unknown code: usage error" 2 "$st"
grep -q "'udp.checksum_partail' is not an error code; did you mean 'udp.checksum_partial'" "$tmp/e" &&
	ok "--ignore unknown code: did you mean" || fail "--ignore unknown code: did you mean" "$(cat "$tmp/e")"
GENV_DECODE_IGNORE=bogus.code "$GENV" decode -r "$E" >/dev/null 2>"$tmp/e"; st=$?
check_eq "GENV_DECODE_IGNORE unknown code: usage error" 2 "$st"
grep -q "^genv decode: GENV_DECODE_IGNORE: 'bogus.code'" "$tmp/e" &&
	ok "GENV_DECODE_IGNORE unknown code: names the variable" || fail "GENV_DECODE_IGNORE: names the variable" "$(cat "$tmp/e")"
check_exit "--ignore 'nosuch.*': usage error" 2 "$GENV" decode --ignore 'nosuch.*' -r "$E"

# ---- -w FILE (pcap or pcapng by the name), --decap, --split-vni ----
# frame bytes of a capture as tcpdump reads them (it reads pcap and pcapng)
bytes_of() { tcpdump -nn -r "$1" -xx 2>/dev/null | grep $'^\t0x'; }
# tshark's view of the inner frames in place, one line per Geneve frame that
# carries one: VNI, link type (1 Ethernet, 7 raw IP), inner source address;
# frame 8 goes from port 4789, which tshark takes for VXLAN unless told
inner_view() {
	tshark -r "$1" -d udp.port==4789,geneve -Y geneve -T fields -E occurrence=a -E aggregator=, \
		-e geneve.vni -e geneve.proto_type -e eth.src -e ip.src -e ipv6.src 2>/dev/null |
	/usr/bin/python3 -c '
import sys
for line in sys.stdin:
    vni, proto, eth, ip4, ip6 = (line.rstrip("\n").split("\t") + [""] * 5)[:5]
    if proto == "0x6558" and len(eth.split(",")) < 2:
        continue        # no inner frame (an OAM probe)
    enc = "1" if proto == "0x6558" else "7"
    inner = (ip4.split(",") + [""])[1] or (ip6.split(",") + [""])[1]
    print(int(vni, 16), enc, inner, sep="\t")'
}
if command -v tshark >/dev/null && command -v tcpdump >/dev/null; then
	for ext in pcap pcapng; do
		"$GENV" decode -q -r "$M" -w "$tmp/all.$ext"
		check_eq "-w all.$ext: the format tshark sees" "$ext" \
			"$(capinfos -t "$tmp/all.$ext" 2>/dev/null | awk '/File type/ { print $NF }')"
		bytes_of "$M" >"$tmp/want"; bytes_of "$tmp/all.$ext" >"$tmp/got"
		[ -s "$tmp/want" ] && cmp -s "$tmp/want" "$tmp/got" && ok "-w all.$ext: tcpdump reads the same frames" ||
			fail "-w all.$ext: tcpdump reads the same frames"
		check_eq "-w all.$ext: timestamps as tshark reads them in the input" \
			"$(tshark -r "$M" -T fields -e frame.time_epoch 2>/dev/null | md5sum)" \
			"$(tshark -r "$tmp/all.$ext" -T fields -e frame.time_epoch 2>/dev/null | md5sum)"
		"$GENV" decode -q -r "$M" -w "$tmp/v200.$ext" vni 200
		check_eq "-w v200.$ext: only the matching frames" \
			"$(tshark -r "$M" -Y 'geneve.vni == 200' 2>/dev/null | wc -l)" "$(tshark -r "$tmp/v200.$ext" 2>/dev/null | wc -l)"
		"$GENV" decode -q -r "$M" --decap -w "$tmp/in.$ext" 2>/dev/null
		want=$(inner_view "$M" | cut -f2-)
		[ "$ext" = pcap ] && want=$(echo "$want" | grep '^1')
		check_eq "--decap -w in.$ext: link type and inner source of each, as tshark sees them in place" "$want" \
			"$(tshark -r "$tmp/in.$ext" -T fields -E occurrence=f -e frame.encap_type -e ip.src -e ipv6.src 2>/dev/null |
				awk -F'\t' '{ print $1 "\t" $2 $3 }')"
	done
	"$GENV" decode -r "$M" --decap -w "$tmp/in2.pcap" >/dev/null 2>"$tmp/e"
	grep -q "2 frames of another link type left out" "$tmp/e" && ok "--decap -w x.pcap: says what it left out" ||
		fail "--decap -w x.pcap: says what it left out" "$(cat "$tmp/e")"
	"$GENV" decode -q -r "$M" --split-vni "$tmp/split"
	for v in 100 200 300 400 500 600; do
		check_eq "--split-vni: vni-$v.pcap has tshark's geneve.vni == $v frames" \
			"$(tshark -r "$M" -d udp.port==4789,geneve -Y "geneve.vni == $v" 2>/dev/null | wc -l)" \
			"$(tshark -r "$tmp/split/vni-$v.pcap" 2>/dev/null | wc -l)"
	done
	check_eq "--split-vni: one file per VNI" 6 "$(find "$tmp/split" -type f | wc -l)"
	"$GENV" decode -q -r "$M" --split-vni "$tmp/splitd" --decap 2>/dev/null
	check_eq "--split-vni --decap: vni 200's inner frames" \
		"$(inner_view "$M" | awk '$1 == 200 && $2 == 1' | cut -f3)" \
		"$(tshark -r "$tmp/splitd/vni-200.pcap" -T fields -e ip.src 2>/dev/null)"
else
	skip "-w/--decap/--split-vni" "tshark or tcpdump missing"
fi
check_eq "-w - -q: a pcap on standard output" "$(tshark -r "$M" -Y 'geneve.vni == 100' 2>/dev/null | wc -l)" \
	"$("$GENV" decode -q -r "$M" -w - vni 100 | tcpdump -nr - 2>/dev/null | wc -l)"
# LINUX_SLL2 (-i any): decoded after its 20-byte header; a shorter frame is malformed
ip=$("$GENV" craft --hex 'ipv4 / udp / geneve vni=9 / eth / ipv4 / icmp')
"$GENV" decode --linktype sll2 --hex "0800 0000 00000001 0001 04 06 020000000001 0000 $ip" | grep -q 'Geneve vni 9' &&
	ok "--linktype sll2: decoded after the header" || fail "--linktype sll2: decoded after the header"
"$GENV" decode --linktype sll2 --hex "0800 0000 00000001 0001 04 06 0200" | grep -q '!header.overrun' &&
	ok "--linktype sll2: a 14-byte frame is header.overrun" || fail "--linktype sll2: a 14-byte frame is header.overrun"
check_exit "--decap alone: usage error" 2 "$GENV" decode --decap -r "$M"
check_exit "-w into a missing directory: runtime error" 1 "$GENV" decode -q -r "$M" -w "$tmp/no/such/x.pcap"
check_exit "--split-vni under a file: runtime error" 1 "$GENV" decode -q -r "$M" --split-vni "$M/x"

finish
