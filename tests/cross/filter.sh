#!/usr/bin/env bash
# genv decode's overlay filters against tshark display filters: the same
# scapy capture (tests/cross/filter_gen.py: six VNIs, IPv4/IPv6 outer and
# inner, TCP flags, UDP, ICMP, ICMPv6, OVN options) filtered by both must
# select the same frame numbers.  Inner addresses and ports never occur in
# the outer headers, so tshark's any-layer fields name the inner layer.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-xfilter.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

[ -x "$GENV" ] || { skip "filter" "genv not built"; finish; }
command -v tshark >/dev/null 2>&1 || { skip "filter" "tshark not installed"; finish; }
if ! "$PY" -c 'import scapy.contrib.geneve' 2>/dev/null; then
	skip "filter" "python3-scapy not installed"; finish
fi
if ! timeout 120 "$PY" tests/cross/filter_gen.py "$tmp/f.pcap" >/dev/null 2>"$tmp/err"; then
	fail "filter: build packets" "$(tail -n 5 "$tmp/err")"; finish
fi

# genv filter | tshark display filter
while IFS='|' read -r g t; do
	[ -n "$g" ] || continue
	want=$(timeout 60 tshark -r "$tmp/f.pcap" -Y "$t" -T fields -e frame.number 2>/dev/null | tr '\n' ' ')
	got=$(timeout 60 "$GENV" decode -r "$tmp/f.pcap" $g 2>"$tmp/err" | awk '{print $1}' | tr '\n' ' ')
	if [ -z "$want" ] && [ "$t" != "frame.number == 0" ]; then
		fail "filter: '$g'" "tshark selected nothing for '$t' (a broken oracle)"
	elif [ "$got" = "$want" ]; then
		ok "filter: '$g' = tshark '$t' (${want:0:40})"
	else
		fail "filter: '$g' = tshark '$t'" "genv: $got$(cat "$tmp/err") tshark: $want"
	fi
done <<'TABLE'
vni 100-200|geneve.vni >= 100 && geneve.vni <= 200
vni 5,201,4000|geneve.vni == 5 || geneve.vni == 201 || geneve.vni == 4000
vni 150|geneve.vni == 150
inner host 10.0.0.1|ip.addr == 10.0.0.1
inner src host 10.0.0.1|ip.src == 10.0.0.1
inner dst host fd10::1|ipv6.dst == fd10::1
inner net 10.0.0.0/8|ip.addr == 10.0.0.0/8
inner src net fd10::/16|ipv6.src == fd10::/16
inner port 53|udp.port == 53
inner dst port 50000-60000|tcp.dstport >= 50000 && tcp.dstport <= 60000
inner tcp|tcp
inner udp|udp.port == 53 || udp.port == 123
inner icmp|icmp
inner icmp6|icmpv6
inner tcp flags S|tcp.flags.syn == 1
inner tcp flags S/SA|tcp.flags.syn == 1 && tcp.flags.ack == 0
inner tcp flags A and not inner tcp flags S|tcp.flags.ack == 1 && tcp.flags.syn == 0
inner ether src 02:00:00:00:00:03|eth.src#2 == 02:00:00:00:00:03
opt ovn|geneve.option.class == 0x0102 && geneve.option.type == 0x80
opt 0x0102:0x80|geneve.option.class == 0x0102
ovn.out == 10|geneve.option.unknown.data == 00:01:00:0a
ovn.out >= 12|geneve.option.unknown.data[3] >= 0c
outer host 172.16.0.2|ip.addr#1 == 172.16.0.2
outer sport 49160-49170|udp.srcport#1 >= 49160 && udp.srcport#1 <= 49170
outer dport 6081 and outer host fd00::2|ipv6.dst#1 == fd00::2
vni 100 or vni 200 and inner tcp|geneve.vni == 100 || (geneve.vni == 200 && tcp)
not vni 5 and (inner icmp or inner icmp6)|!(geneve.vni == 5) && (icmp || icmpv6)
(vni 5 or vni 150) && ! inner net fd00::/8 or inner udp|(geneve.vni == 5 || geneve.vni == 150) && !ipv6.src == fd10::/8 || udp.port == 53 || udp.port == 123
udp and vni 201 and (inner tcp or inner icmp)|geneve.vni == 201 && (tcp || icmp)
TABLE
finish
