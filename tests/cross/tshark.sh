#!/usr/bin/env bash
# Cross-check against independent decoders: Geneve frames built by
# `genv craft` (0-12 options, critical and OAM, IPv4/IPv6 outer and inner,
# Ethernet or IP inner, TCP/UDP/ICMP, VLAN) must decode in tshark field by
# field (geneve.vni, geneve.flags.*, geneve.proto_type, every option's
# class/type/critical/length, inner addresses and ports) and in tcpdump
# -nn -vv (vni, flags, options, inner addresses) exactly as `genv decode -j`
# reports them.  The scapy-built set of scapy.sh is checked the same way.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-tshark.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "tshark" "genv not built"; finish; }
command -v "$PY" >/dev/null 2>&1 || { skip "tshark" "python3 not installed"; finish; }

# peers SET PCAP: genv decode -j, then tshark and tcpdump on the same file
peers() {
	local set=$1 pcap=$2
	if ! timeout 60 "$GENV" decode -j -r "$pcap" >"$tmp/$set.jsonl" 2>"$tmp/err"; then
		fail "$set: genv decode -j" "$(head -c 300 "$tmp/err")"; return
	fi
	if command -v tshark >/dev/null 2>&1; then
		# shellcheck disable=SC2046
		timeout 120 tshark -n -r "$pcap" -T fields -E separator=/t -E occurrence=a \
			-E aggregator=, $("$PY" tests/cross/peers.py fields) >"$tmp/$set.ts" 2>"$tmp/err"
		report "$set: tshark" < <("$PY" tests/cross/peers.py tshark "$tmp/$set.jsonl" "$tmp/$set.ts")
	else
		skip "$set: tshark" "tshark not installed"
	fi
	if command -v tcpdump >/dev/null 2>&1; then
		timeout 60 tcpdump -nn -vv -r "$pcap" >"$tmp/$set.td" 2>"$tmp/err"
		report "$set: tcpdump" < <("$PY" tests/cross/peers.py tcpdump "$tmp/$set.jsonl" "$tmp/$set.td")
	else
		skip "$set: tcpdump" "tcpdump not installed"
	fi
}

# Packets built by genv craft, one spec per line.
O1='opt=0x0102:0x80:0001000a'
O3='opt=0x0101:0x01:deadbeef opt=0x0103:0x03:000102030405060708090a0b opt=label:42,7'
O12="$O3 $O3 $O3 $O3"
O252='opt=0x0103:0x03:'$(printf '%0248d' 0)' opt=0x0103:0x04:'$(printf '%0240d' 0)
specs=(
	"geneve vni=1 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50001 / geneve vni=100 $O1 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50002 / geneve vni=16777215 $O3 / eth / ipv4 src=10.0.0.3 dst=10.0.0.4 / udp sport=5353 dport=53 / payload len=20"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50003 / geneve vni=7 $O12 / eth / ipv6 src=fd00::1 dst=fd00::2 / tcp sport=1 dport=443 flags=SA"
	"eth / ipv6 src=fd00:200::1 dst=fd00:200::2 / udp sport=50004 / geneve vni=200 $O1 opt=ovn:in=1,out=10 / eth / ipv4 src=10.0.1.1 dst=10.0.1.2 / icmp"
	"eth / ipv6 src=fd00:200::1 dst=fd00:200::2 / udp sport=50005 / geneve vni=201 / ipv6 src=fd00::5 dst=fd00::6 / icmp6"
	"eth / ipv6 src=fd00:200::1 dst=fd00:200::2 / udp sport=50006 / geneve vni=202 $O3 / ipv4 src=10.9.0.1 dst=10.9.0.2 / udp sport=1000 dport=2000 / payload len=8"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50007 / geneve vni=5 oam=1 / eth / ipv4 src=10.0.0.7 dst=10.0.0.8 / udp sport=3000 dport=4000"
	"eth / vlan id=100 / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50008 / geneve vni=300 $O1 / eth / ipv4 src=10.0.0.9 dst=10.0.0.10 / tcp sport=22 dport=50000 flags=PA / payload len=100"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50009 / geneve vni=301 opt=0xff01:0xc5:00010203 / eth / ipv4 src=10.0.0.11 dst=10.0.0.12 / tcp"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50010 / geneve vni=302 $O252 / eth / ipv4 src=10.0.0.13 dst=10.0.0.14 / udp sport=1 dport=2"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50011 / geneve vni=303 opt=rts:host=10.200.0.1,mac=02:00:00:00:00:01 opt=qos:expedited,prio=1 opt=eptype:scaled / eth / ipv6 src=fd00::7 dst=fd00::8 / udp sport=7 dport=8"
	"eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp sport=50012 / geneve vni=304 opt=mizar.pod:label=5 opt=cilium.dsr:addr=10.0.0.1,port=80 / eth / ipv4 src=10.0.0.15 dst=10.0.0.16 / icmp"
	"eth / ipv6 src=fd00:200::1 dst=fd00:200::2 / udp sport=50013 / geneve vni=305 critical=1 opt=0x0101:0x01:00000000 / eth / ipv6 src=fd00::9 dst=fd00::a / tcp sport=9 dport=10"
)

if ! "$GENV" craft --help >/dev/null 2>&1 || "$GENV" craft --help 2>&1 | grep -q 'not built'; then
	skip "craft: tshark and tcpdump" "genv craft not built"
elif ! command -v mergecap >/dev/null 2>&1; then
	skip "craft: tshark and tcpdump" "mergecap (wireshark-common) not installed"
else
	files=() i=0 built=1
	for s in "${specs[@]}"; do
		i=$((i + 1))
		if ! timeout 10 "$GENV" craft "$s" -w "$tmp/c$i.pcap" 2>"$tmp/err"; then
			fail "craft: spec $i builds" "$(head -c 300 "$tmp/err"): $s"; built=0
			continue
		fi
		files+=("$tmp/c$i.pcap")
	done
	[ "$built" = 1 ] && ok "craft: ${#specs[@]} specs build"
	if [ ${#files[@]} -gt 0 ] && mergecap -a -F pcap -w "$tmp/craft.pcap" "${files[@]}" 2>"$tmp/err"; then
		peers craft "$tmp/craft.pcap"
	else
		fail "craft: merge" "$(head -c 300 "$tmp/err")"
	fi
fi

if "$PY" -c 'import scapy.contrib.geneve' 2>/dev/null; then
	if timeout 120 "$PY" tests/cross/scapy_gen.py cases "$tmp/s.pcap" "$tmp/s.json" 2>"$tmp/err"; then
		peers scapy "$tmp/s.pcap"
	else
		fail "scapy: build packets" "$(tail -n 5 "$tmp/err")"
	fi
else
	skip "scapy: tshark and tcpdump" "python3-scapy not installed"
fi
finish
