#!/usr/bin/env bash
# Cross-check the option layouts and notations against other tools:
#  - Open vSwitch (a private ovs-vswitchd with the dummy datapath: no kernel
#    device, no namespace): options written in OVS's datapath notation the
#    way a person would (decimal classes, leading zeros, masks) go into a
#    datapath flow; the geneve(...) that `ovs-appctl dpctl/dump-flows`
#    prints back must be what `genv decode --opt-format ovs` prints for the
#    same options, and `genv craft` must build the original bytes from
#    OVS's text (and from the -v line of decode --opt-format ovs);
#  - tshark: the option TLVs of frames crafted with the AWS GWLB, Oxide and
#    options-file names are the bytes the layouts say;
#  - scapy: frames scapy builds with those options decode by name, with the
#    field values scapy put in (a user layout from an options file too).
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PY=/usr/bin/python3
tmp=$(mktemp -d /tmp/genv-options.XXXXXX)
ovs_pids=()
# shellcheck disable=SC2317  # run by the EXIT trap
cleanup() {
	local p
	for p in "${ovs_pids[@]}"; do kill "$p" 2>/dev/null; done
	rm -rf "$tmp"
}
trap cleanup EXIT

[ -x "$GENV" ] || { skip "options" "genv not built"; finish; }

cat >"$tmp/acme.conf" <<'EOF'
# a team's own layouts (genv-options(7) OPTIONS FILES)
acme.tenant 0xff10 0x01 tenant:24 -:4 zone:4 "ACME tenant tag"
acme.peer   0xff10 0x02 addr:32:ip4 mac:48:mac -:16 up:1:bool -:31
EOF

ovs_tlvs() {	# HEX of the options area -> OVS text typed the long way
	"$PY" - "$1" <<'EOF'
import sys
b = bytes.fromhex(sys.argv[1]); out = []; i = 0
while i < len(b):
    cls, typ, ln = int.from_bytes(b[i:i+2], "big"), b[i+2], (b[i+3] & 0x1f) * 4
    d = b[i+4:i+4+ln]
    # decimal class, hex type, every leading zero kept
    out.append("{class=%d,type=%#x,len=%d%s}" % (cls, typ, ln, ",0x" + d.hex() if ln else ""))
    i += 4 + ln
print("geneve(" + "".join(out) + ")")
EOF
}

# ---------------------------------------------------------------- frames
# each: NAME|PACKET (crafted with genv from its own names or raw options)
frames=(
	"ovn|geneve vni=5 opt=ovn:in=1,out=11 / eth / ipv4 / icmp"
	"aws|geneve vni=6 opt=aws.endpoint:0x0123456789abcdef opt=aws.attachment:id=0x42 opt=aws.cookie:0xdeadbeef / ipv4 / icmp"
	"oxide|geneve vni=77 opt=oxide.external opt=oxide.mcast:both opt=oxide.mss:1460 / eth / ipv6 / icmp6"
	"zeros|geneve vni=1 opt=0x0000:0x00:00000000 opt=0xffa7:0x02:00000000000000ff / eth / ipv4 / icmp"
	"long|geneve vni=2 opt=0xffff:0xff:$(printf '%0248d' 1) / eth / ipv4 / icmp"
	"acme|geneve vni=9 opt=acme.tenant:tenant=7,zone=3 opt=acme.peer:addr=10.1.2.3,mac=02:00:00:00:00:09,up=1 / eth / ipv4 / icmp"
)
declare -A hex opts
for f in "${frames[@]}"; do
	n=${f%%|*} p=${f#*|}
	h=$("$GENV" craft --options "$tmp/acme.conf" --hex "$p" 2>"$tmp/err") ||
		{ fail "$n: genv craft" "$(head -c 300 "$tmp/err")"; continue; }
	hex[$n]=$h
	"$GENV" craft --options "$tmp/acme.conf" -w "$tmp/$n.pcap" "$p" 2>/dev/null
	# the option area: Geneve after 14+20+8 bytes (IPv4 outer), opt_len words
	opts[$n]=$("$PY" -c 'import sys; b=bytes.fromhex(sys.argv[1]); g=b[42:]; print(g[8:8+(g[0]&0x3f)*4].hex())' "$h")
done

# ---------------------------------------------------------------- tshark
if command -v tshark >/dev/null 2>&1; then
	for n in "${!hex[@]}"; do
		got=$(tshark -r "$tmp/$n.pcap" -T fields -E occurrence=a -E aggregator=, -e geneve.option 2>/dev/null | tr -d ',')
		check_eq "tshark: $n: the option TLVs are the layout's bytes" "${opts[$n]}" "$got"
	done
	got=$(tshark -r "$tmp/aws.pcap" -T fields -E occurrence=a -E aggregator=, -e geneve.option.class -e geneve.option.type 2>/dev/null)
	check_eq "tshark: aws: classes and types" $'0x0108,0x0108,0x0108\t0x01,0x02,0x03' "$got"
	got=$(tshark -r "$tmp/oxide.pcap" -T fields -E occurrence=a -E aggregator=, -e geneve.option.class -e geneve.option.type 2>/dev/null)
	check_eq "tshark: oxide: classes and types" $'0x0129,0x0129,0x0129\t0x00,0x01,0x02' "$got"
else
	skip "tshark" "tshark not installed"
fi

# ---------------------------------------------------------------- scapy
if "$PY" -c 'import scapy' 2>/dev/null; then
	"$PY" - "$tmp/scapy.pcap" <<'EOF'
import logging, sys
logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import Ether, IP, UDP, ICMP, wrpcap
from scapy.contrib.geneve import GENEVE, GeneveOptions
def o(c, t, d):
    return GeneveOptions(classid=c, type=t, length=len(d) // 4, data=d)
opts = [o(0x0108, 1, bytes.fromhex("8877665544332211")), o(0x0108, 2, (7).to_bytes(8, "big")),
        o(0x0108, 3, (123456).to_bytes(4, "big")), o(0x0129, 0, b""),
        o(0x0129, 1, bytes([0x40, 0, 0, 0])), o(0x0129, 2, (8948).to_bytes(4, "big")),
        o(0xff10, 1, bytes([0x00, 0x30, 0x39, 0x05])),
        o(0xff10, 2, bytes([192, 0, 2, 7, 2, 0, 0, 0, 0, 0x0a, 0, 0, 0x80, 0, 0, 0]))]
g = GENEVE(vni=42, proto=0x0800, optionlen=sum(4 + len(x.data) for x in opts) // 4, options=opts)
wrpcap(sys.argv[1], [Ether() / IP(src="192.0.2.1", dst="192.0.2.2") / UDP(sport=5000, dport=6081) / g /
                     IP(src="10.0.0.1", dst="10.0.0.2") / ICMP()])
EOF
	got=$("$GENV" decode --options "$tmp/acme.conf" -j -r "$tmp/scapy.pcap" 2>&1 | "$PY" -c '
import json, sys
f = json.loads(sys.stdin.readline())
for o in f["geneve"]["options"]:
    print(o["name"], ",".join("%s=%s" % kv for kv in (o["fields"] or {}).items()))')
	want="aws.endpoint id=9833440827789222417
aws.attachment id=7
aws.cookie cookie=123456
oxide.external 
oxide.mcast replication=underlay
oxide.mss mss=8948
acme.tenant tenant=12345,zone=5
acme.peer addr=192.0.2.7,mac=02:00:00:00:00:0a,up=True"
	check_eq "scapy: AWS, Oxide and options-file options decode by name with scapy's values" "$want" "$got"
	for flt in 'opt aws.cookie' 'aws.cookie.cookie == 123456' 'oxide.mss.mss == 8948' \
		'oxide.mcast.replication == underlay' 'acme.tenant.zone == 5' 'acme.peer.up == 1'; do
		n=$("$GENV" decode --options "$tmp/acme.conf" -r "$tmp/scapy.pcap" "$flt" 2>&1 | grep -c Geneve)
		check_eq "scapy: filter '$flt' matches" 1 "$n"
	done
	n=$("$GENV" decode --options "$tmp/acme.conf" -r "$tmp/scapy.pcap" 'acme.tenant.zone == 6' 2>&1 | grep -c Geneve)
	check_eq "scapy: filter 'acme.tenant.zone == 6' does not match" 0 "$n"
else
	skip "scapy" "python3-scapy not installed"
fi

# ---------------------------------------------------------------- genv round trips
for n in "${!hex[@]}"; do
	line=$("$GENV" decode --options "$tmp/acme.conf" --opt-format ovs -v --hex "${hex[$n]}" | sed -n 2p)
	again=$("$GENV" craft --options "$tmp/acme.conf" --hex "$line" 2>&1)
	check_eq "$n: decode --opt-format ovs -v crafts back to the same bytes" "${hex[$n]}" "$again"
done

# ---------------------------------------------------------------- Open vSwitch
ovs_ok=1
for t in ovsdb-tool ovsdb-server ovs-vsctl ovs-vswitchd ovs-appctl; do
	command -v "$t" >/dev/null 2>&1 || ovs_ok=0
done
[ -f /usr/share/openvswitch/vswitch.ovsschema ] || ovs_ok=0
[ "$(id -u)" = 0 ] || ovs_ok=0
if [ "$ovs_ok" = 0 ]; then
	skip "open vswitch" "openvswitch-switch not installed or not root"
	finish
fi
D=$tmp/ovs
mkdir -p "$D"
export OVS_RUNDIR=$D OVS_LOGDIR=$D OVS_DBDIR=$D OVS_SYSCONFDIR=$D
ovsdb-tool create "$D/conf.db" /usr/share/openvswitch/vswitch.ovsschema >/dev/null 2>&1 &&
	timeout 20 ovsdb-server "$D/conf.db" --remote=punix:"$D/db.sock" --pidfile="$D/db.pid" --detach \
		--log-file="$D/db.log" >/dev/null 2>&1 &&
	ovs_pids+=("$(cat "$D/db.pid")") &&
	timeout 20 ovs-vsctl --db=unix:"$D/db.sock" --no-wait init &&
	timeout 20 ovs-vswitchd unix:"$D/db.sock" --enable-dummy=override --disable-system \
		--pidfile="$D/vs.pid" --detach --log-file="$D/vs.log" >/dev/null 2>&1 &&
	ovs_pids+=("$(cat "$D/vs.pid")") ||
	{ fail "open vswitch: start a private ovs-vswitchd (dummy datapath)" "$(tail -3 "$D"/*.log 2>/dev/null)"; finish; }
V=(timeout 20 ovs-vsctl --db=unix:"$D/db.sock" --timeout=10)
"${V[@]}" add-br br0 -- set bridge br0 datapath_type=dummy &&
	"${V[@]}" add-port br0 gnv0 -- set interface gnv0 type=geneve options:remote_ip=flow \
		options:key=flow ofport_request=2 ||
	{ fail "open vswitch: dummy bridge and geneve port" "$(tail -3 "$D/vs.log")"; finish; }
A=(timeout 20 ovs-appctl -t "$D/ovs-vswitchd.$(cat "$D/vs.pid").ctl")
# the revalidators delete datapath flows that no OpenFlow rule explains:
# pause them so the flows added below stay to be dumped
"${A[@]}" revalidator/pause >/dev/null 2>&1 ||
	{ fail "open vswitch: revalidator/pause" "$(tail -3 "$D/vs.log")"; finish; }
key() {	# TUN_ID OVS_GENEVE -> a whole datapath flow key around it
	printf 'recirc_id(0),tunnel(tun_id=%#x,src=192.0.2.1,dst=192.0.2.2,ttl=64,tp_dst=6081,%s,flags(+key)),in_port(2),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02),eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=1,tos=0,ttl=64,frag=no),icmp(type=8,code=0)' "$1" "$2"
}
dumped() {	# TUN_ID -> the geneve(...) of that flow in dpctl/dump-flows (a few tries)
	local try out
	for try in 1 2 3 4 5; do
		out=$("${A[@]}" dpctl/dump-flows | grep "tun_id=$(printf '%#x' "$1")," | grep -o 'geneve({[^)]*})')
		[ -n "$out" ] && break
		sleep 0.2
	done
	printf '%s\n' "$out"
}
id=16
for n in "${!hex[@]}"; do
	typed=$(ovs_tlvs "${opts[$n]}")
	id=$((id + 1))
	if ! "${A[@]}" dpctl/add-flow "$(key "$id" "$typed")" 1 >"$tmp/err" 2>&1; then
		fail "ovs: $n: dpctl/add-flow takes $typed" "$(head -c 300 "$tmp/err")"
		continue
	fi
	ovs=$(dumped "$id")
	mine=$("$GENV" decode --options "$tmp/acme.conf" --opt-format ovs --hex "${hex[$n]}" | grep -o 'geneve({[^)]*})')
	check_eq "ovs: $n: dpctl/dump-flows prints the options as decode --opt-format ovs does" "$ovs" "$mine"
	p=$(printf '%s\n' "${frames[@]}" | sed -n "s/^$n|//p")
	pre=${p%% opt=*} post=${p#* / }
	again=$("$GENV" craft --hex "$pre opt=$ovs / $post" 2>&1)
	check_eq "ovs: $n: craft opt=<dump-flows text> builds the same bytes" "${hex[$n]}" "$again"
done
# the masked form of a megaflow: OVS keeps the value and the mask, craft the value
if "${A[@]}" dpctl/add-flow "$(key 1 'geneve({class=0x102,type=0x80,len=4,0x1000b/0x7fff})')" 1 >"$tmp/err" 2>&1; then
	ovs=$(dumped 1)
	case $ovs in
	*/*) ok "ovs: a masked geneve() key is dumped with its mask ($ovs)" ;;
	*) fail "ovs: a masked geneve() key is dumped with its mask" "got '$ovs'" ;;
	esac
	again=$("$GENV" craft --hex "geneve vni=5 opt=$ovs / eth / ipv4 / icmp" 2>&1)
	check_eq "ovs: craft takes the masked dump and sends the value" "${hex[ovn]}" "$again"
else
	fail "ovs: dpctl/add-flow takes a masked geneve() key" "$(head -c 300 "$tmp/err")"
fi
finish
