#!/usr/bin/env bash
# The AF_XDP generator (genv craft --xdp) and sink (genv decode --xdp
# --stats) over a veth pair between two namespaces:
#
#   s (10.9.0.1, vs)  ==veth==  r (10.9.0.2, vr)
#
# Checks: usage and runtime errors (exit 2 and 1, with their messages);
# generator -> sink counts match exactly for -c N at a moderate --rate;
# tcpdump and tshark on the receiving side decode what the generator sent
# (VNI spread of --vary, the Geneve option, inner UDP); --rate holds
# (reported, bounded generously); no XDP program left after the sink exits
# by count, by SIGINT, and after kill -9 and a second run; a second sink
# on the interface refused.
# Needs root; exits 77 (skip) without it or without the tools.
# shellcheck disable=SC2015
set -u
. tests/lib.sh
# shellcheck source=tests/netns.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=xg$$
TMP=
pids=()

require xdpgen root ip tcpdump tshark python3 timeout
# bounded: never hold the namespace lock forever (a 1 s sleep at a time, so
# a watchdog killed at the end holds the inherited lock fd no longer)
( for _ in $(seq 100); do sleep 1; done; kill -TERM $$ 2>/dev/null ) &
watchdog=$!

NSS="s r"
cleanup() { kill "$watchdog" 2>/dev/null; netns_cleanup; }
trap cleanup EXIT
trap 'exit 1' INT TERM
TMP=$(mktemp -d /tmp/genv-xdpgen.XXXXXX)
mountpoint -q /sys/fs/bpf || mount -t bpf bpf /sys/fs/bpf 2>/dev/null
for n in $NSS; do
	ip netns add "$P-$n" || { skip xdpgen "ip netns add failed"; finish; }
	nsx "$n" ip link set lo up
done
ip link add vs netns "$P-s" type veth peer name vr netns "$P-r"
# no IPv6 chatter (router solicitations, MLD): the sink counts every frame
nsx s sysctl -qw net.ipv6.conf.vs.disable_ipv6=1
nsx r sysctl -qw net.ipv6.conf.vr.disable_ipv6=1
nsx s ip addr add 10.9.0.1/24 dev vs
nsx r ip addr add 10.9.0.2/24 dev vr
nsx s ip link set vs up
nsx r ip link set vr up
MAC_R=$(nsx r cat /sys/class/net/vr/address)
nsx s ip neigh add 10.9.0.2 lladdr "$MAC_R" dev vs
PKT='eth / ipv4 dst=10.9.0.2 / udp / geneve vni=5 opt=0x0102:0x80:0001000a / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / udp dport=9 / payload len=16'

jfield() {	# FILE KEY...: a number from the JSON object in FILE
	python3 -c 'import json,sys
d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[k]
print(d)' "$@" 2>/dev/null
}
has_prog() { ip -n "$P-r" link show vr | grep -c "xdp"; }

# ---- errors ----
out=$("$GENV" craft --xdp -c 1 "$PKT" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "genv craft: --xdp needs -i IFACE" <<<"$out" && ok "craft --xdp without -i: exit 2" ||
	fail "craft --xdp without -i: exit 2" "exit $rc: $out"
out=$("$GENV" craft --xdp -w "$TMP/x.pcap" "$PKT" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "does not combine with -w" <<<"$out" && ok "craft --xdp -w: exit 2" ||
	fail "craft --xdp -w: exit 2" "exit $rc: $out"
out=$("$GENV" craft --duration 1 -w "$TMP/x.pcap" "$PKT" 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "duration applies to --xdp" <<<"$out" && ok "craft --duration without --xdp: exit 2" ||
	fail "craft --duration without --xdp: exit 2" "exit $rc: $out"
out=$(nsx s "$GENV" craft -i nosuch0 --xdp -c 1 "$PKT" 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "genv craft: cannot open 'nosuch0'" <<<"$out" && ok "craft --xdp, no such interface: exit 1" ||
	fail "craft --xdp, no such interface: exit 1" "exit $rc: $out"
out=$("$GENV" decode -i vr --xdp 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "give --stats" <<<"$out" && ok "decode --xdp without --stats: exit 2" ||
	fail "decode --xdp without --stats: exit 2" "exit $rc: $out"
out=$("$GENV" decode -r "$TMP/x.pcap" --xdp --stats 2>&1); rc=$?
[ $rc -eq 2 ] && grep -q "needs -i IFACE" <<<"$out" && ok "decode --xdp without -i: exit 2" ||
	fail "decode --xdp without -i: exit 2" "exit $rc: $out"
out=$(nsx r "$GENV" decode -i nosuch0 --xdp --stats 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "genv decode: 'nosuch0': no such interface" <<<"$out" && ok "decode --xdp, no such interface: exit 1" ||
	fail "decode --xdp, no such interface: exit 1" "exit $rc: $out"
if command -v setpriv >/dev/null; then
	out=$(nsx s setpriv --bounding-set -net_raw,-sys_admin,-bpf "$GENV" craft -i vs --xdp -c 1 "$PKT" 2>&1); rc=$?
	[ $rc -eq 1 ] && grep -q "AF_XDP needs CAP_NET_RAW" <<<"$out" && ok "craft --xdp without CAP_NET_RAW: exit 1, says why" ||
		fail "craft --xdp without CAP_NET_RAW: exit 1, says why" "exit $rc: $out"
	out=$(nsx r setpriv --bounding-set -net_admin,-sys_admin,-bpf "$GENV" decode -i vr --xdp --stats --duration 1 2>&1); rc=$?
	[ $rc -eq 1 ] && grep -q "AF_XDP needs CAP_NET_ADMIN" <<<"$out" && [ "$(has_prog)" = 0 ] &&
		ok "decode --xdp without CAP_NET_ADMIN: exit 1, says why" ||
		fail "decode --xdp without CAP_NET_ADMIN: exit 1, says why" "exit $rc: $out"
fi

# ---- generator -> sink, exact counts ----
N=20000
nsx r timeout 40 "$GENV" decode -j -i vr --xdp --stats -c $N --duration 30 >"$TMP/sink.json" 2>"$TMP/sink.err" &
sink=$!
pids+=("$sink")
for _ in $(seq 50); do [ "$(has_prog)" != 0 ] && break; sleep 0.1; done
[ "$(has_prog)" != 0 ] && ok "sink attaches its XDP program" || fail "sink attaches its XDP program"
sleep 0.3
nsx s timeout 30 "$GENV" craft -j -i vs --xdp -c $N --rate 20000 --vary vni=1-100 "$PKT" >"$TMP/gen.json" 2>"$TMP/gen.err"
rc=$?
check_eq "generator exits 0" 0 "$rc"
wait "$sink"; rc=$?
check_eq "sink exits 0 after -c $N" 0 "$rc"
check_eq "generator: $N sent" $N "$(jfield "$TMP/gen.json" packets)"
check_eq "generator: 0 errors" 0 "$(jfield "$TMP/gen.json" errors)"
check_eq "generator: 100 distinct frames (--vary vni=1-100)" 100 "$(jfield "$TMP/gen.json" frames)"
check_eq "generator on veth: copy mode" copy "$(jfield "$TMP/gen.json" mode)"
check_eq "sink: $N frames received" $N "$(jfield "$TMP/sink.json" xdp packets)"
check_eq "sink: all $N Geneve" $N "$(jfield "$TMP/sink.json" geneve)"
check_eq "sink: 100 VNIs" 100 "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["vnis"]))' "$TMP/sink.json" 2>&1)"
check_eq "sink: VNI 1 got 200 packets" 200 "$(python3 -c 'import json,sys
print([v["packets"] for v in json.load(open(sys.argv[1]))["vnis"] if v["vni"] == 1][0])' "$TMP/sink.json" 2>&1)"
check_eq "sink: 0 malformed" 0 "$(jfield "$TMP/sink.json" malformed)"
check_eq "sink: 0 errors" 0 "$(jfield "$TMP/sink.json" xdp errors)"
check_eq "no XDP program left after the sink's -c (ip link)" 0 "$(has_prog)"
if command -v bpftool >/dev/null; then
	check_eq "no XDP program left (bpftool net)" 0 "$(nsx r bpftool net 2>/dev/null | grep -c "genv\|dispatch")"
fi
r=$(jfield "$TMP/gen.json" pps)
echo "# --rate 20000: generator measured ${r%.*} pps"

# ---- the text summary ----
out=$(nsx s timeout 20 "$GENV" craft -i vs --xdp -c 100 "$PKT" 2>&1)
grep -q "^sent 100 packets (.* bytes) on vs in .* s: .* pps, .* Mbit/s, 0 errors$" <<<"$out" &&
	grep -q "^vs: AF_XDP copy mode (driver veth has no zero-copy" <<<"$out" &&
	ok "text summary: sent, seconds, rate, errors, mode" || fail "text summary: sent, seconds, rate, errors, mode" "$out"
out=$(nsx s timeout 20 "$GENV" craft -v -i vs --xdp --rate 2000 --duration 2.5 "$PKT" 2>&1 >/dev/null)
n=$(grep -c "^genv craft: .* s: .* sent, .* pps, .* Mbit/s$" <<<"$out")
[ "$n" -ge 1 ] && [ "$n" -le 3 ] && ok "-v: a rate line once a second ($n in 2.5 s)" ||
	fail "-v: a rate line once a second" "$n lines: $out"

# ---- what tcpdump and tshark see ----
nsx r timeout 15 tcpdump -n -U -i vr -c 300 -w "$TMP/rx.pcap" udp port 6081 >/dev/null 2>"$TMP/tcpdump.err" &
tcpd=$!
pids+=("$tcpd")
for _ in $(seq 30); do grep -q "listening" "$TMP/tcpdump.err" && break; sleep 0.1; done
sleep 0.3
nsx s timeout 20 "$GENV" craft -q -i vs --xdp -c 300 --rate 3000 --vary vni=1-100 --vary inner.sport=1000-1002 "$PKT"
wait "$tcpd"
n=$(tcpdump -n -r "$TMP/rx.pcap" 2>/dev/null | grep -c "Geneve.*vni 0x")
check_eq "tcpdump: 300 Geneve frames" 300 "$n"
tshark -n -r "$TMP/rx.pcap" -T fields -e geneve.vni 2>/dev/null |
	python3 -c 'import sys; [print(int(l, 0)) for l in sys.stdin if l.strip()]' >"$TMP/vnis"
vnis=$(sort -un "$TMP/vnis" | wc -l)
check_eq "tshark: 100 distinct VNIs (--vary spread)" 100 "$vnis"
first=$(head -n 3 "$TMP/vnis" | tr '\n' ' ')
check_eq "tshark: VNIs in order 1 2 3" "1 2 3 " "$first"
sp=$(tshark -n -r "$TMP/rx.pcap" -Y 'geneve' -T fields -e udp.srcport 2>/dev/null | cut -d, -f2 | sort -un | grep -c "^100[012]$")
check_eq "tshark: inner UDP source ports 1000-1002" 3 "$sp"
opt=$(tshark -n -r "$TMP/rx.pcap" -V -c 1 2>/dev/null | grep -ci "option.*class.*0x0102\|class: .*0x0102")
[ "$opt" -ge 1 ] && ok "tshark: the Geneve option class 0x0102" || fail "tshark: the Geneve option class 0x0102" "$(tshark -n -r "$TMP/rx.pcap" -V -c 1 2>&1 | grep -i -A3 option)"
bad=$(tshark -n -r "$TMP/rx.pcap" -o udp.check_checksum:TRUE -o ip.check_checksum:TRUE -Y "udp.checksum.status == 2 || ip.checksum.status == 2" 2>/dev/null | wc -l)
check_eq "tshark: no bad IP or UDP checksum" 0 "$bad"

# ---- --rate holds ----
RATE=10000
nsx s timeout 20 "$GENV" craft -j -i vs --xdp -c 30000 --rate $RATE "$PKT" >"$TMP/rate.json" 2>/dev/null
pps=$(jfield "$TMP/rate.json" pps)
echo "# --rate $RATE: measured ${pps%.*} pps"
python3 -c 'import sys; p=float(sys.argv[1]); r=float(sys.argv[2]); sys.exit(0 if 0.5 * r <= p <= 1.1 * r else 1)' "${pps:-0}" $RATE &&
	ok "--rate $RATE holds (${pps%.*} pps; bound 50%-110%)" || fail "--rate $RATE holds" "${pps:-none} pps"

# ---- teardown: SIGINT, a second sink, kill -9 and a re-run ----
# (ip netns exec execs genv: $! is the sink itself, to signal)
ip netns exec "$P-r" "$GENV" decode -i vr --xdp --stats --duration 20 >"$TMP/int.out" 2>&1 &
sink=$!
pids+=("$sink")
for _ in $(seq 50); do [ "$(has_prog)" != 0 ] && break; sleep 0.1; done
out=$(nsx r timeout 10 "$GENV" decode -i vr --xdp --stats --duration 1 2>&1); rc=$?
[ $rc -eq 1 ] && grep -q "another genv router or sink has an AF_XDP port on this interface" <<<"$out" &&
	ok "a second sink on vr refused" || fail "a second sink on vr refused" "exit $rc: $out"
nsx s timeout 20 "$GENV" craft -q -i vs --xdp -c 50 "$PKT"
sleep 0.3
kill -INT "$sink"; wait "$sink"; rc=$?
check_eq "SIGINT: sink exits 0" 0 "$rc"
grep -q "^received 50 frames" "$TMP/int.out" && ok "SIGINT: summary printed (50 frames)" ||
	fail "SIGINT: summary printed" "$(cat "$TMP/int.out")"
check_eq "SIGINT: no XDP program left" 0 "$(has_prog)"
ip netns exec "$P-r" "$GENV" decode -i vr --xdp --stats --duration 20 >/dev/null 2>&1 &
sink=$!
pids+=("$sink")
for _ in $(seq 50); do [ "$(has_prog)" != 0 ] && break; sleep 0.1; done
kill -9 "$sink"; wait "$sink" 2>/dev/null
[ "$(has_prog)" != 0 ] && ok "kill -9: the program is left" || fail "kill -9: the program is left"
nsx s ping -c 1 -W 2 10.9.0.2 >/dev/null 2>&1 && ok "the leftover program passes frames to the kernel (ping)" ||
	fail "the leftover program passes frames to the kernel (ping)"
out=$(nsx r timeout 10 "$GENV" decode -i vr --xdp --stats --duration 0.5 2>&1); rc=$?
[ $rc -eq 0 ] && grep -q "replaced a program a killed genv left" <<<"$out" && ok "re-run after kill -9 replaces the leftover program" ||
	fail "re-run after kill -9 replaces the leftover program" "exit $rc: $out"
check_eq "after the re-run: no XDP program left (ip link)" 0 "$(has_prog)"
if command -v bpftool >/dev/null; then
	check_eq "after the re-run: no XDP program left (bpftool net)" 0 "$(nsx r bpftool net 2>/dev/null | grep -c "genv\|dispatch")"
fi
finish
