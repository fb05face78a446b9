#!/bin/bash
# GUE against the kernel's own (the oracle is Linux fou, not genv): two
# namespaces A and B joined by a veth pair (10.78.0.1, 10.78.0.2), each
# with `ip fou add port 6080 gue` and an ipip tunnel (10.79.0.1 <->
# 10.79.0.2) and a sit tunnel (fd79::1 <-> fd79::2) with `encap gue
# encap-dport 6080`.  A pings B through both; tcpdump captures the
# underlay on B's veth; genv decode must read the kernel's
# GUE (on 6080, genv's default port; variant 0, proto 4 and 41, the inner ICMP/ICMPv6 echoes with the
# tunnel addresses) from that capture.  The other way: genv craft -i sends
# a GUE-encapsulated echo request into A's veth, B's kernel decapsulates
# it and answers through its tunnel, and craft --expect sees the GUE reply.
# Needs root; skips without it, without fou/ipip/sit or tcpdump.  Run
# under the lock: flock -o /tmp/genv-net.lock tests/net/gue.sh
. tests/lib.sh
. tests/netns.sh

GENV=$(readlink -f "$GENV")
P=ggue$$
NSS="a b"
TMP=
pids=()

require gue-kernel root tcpdump
trap netns_cleanup EXIT
for n in $NSS; do
	ip netns add "$P-$n" 2>/dev/null || { skip "gue-kernel" "ip netns add failed"; finish; }
done
TMP=$(mktemp -d /tmp/genv-gue.XXXXXX)
ip link add v0 netns "$P-a" type veth peer name v1 netns "$P-b"
ip -n "$P-a" addr add 10.78.0.1/24 dev v0
ip -n "$P-b" addr add 10.78.0.2/24 dev v1
ip -n "$P-a" link set v0 up
ip -n "$P-b" link set v1 up
# tunnel NS LOCAL REMOTE IN4 PEER4 IN6 PEER6
tunnel() {
	local n=$1
	ip -n "$P-$n" link set lo up
	ip -n "$P-$n" fou add port 6080 gue || return 1
	ip -n "$P-$n" link add gue4 type ipip local "$2" remote "$3" \
		encap gue encap-sport auto encap-dport 6080 || return 1
	ip -n "$P-$n" link add gue6 type sit local "$2" remote "$3" \
		encap gue encap-sport auto encap-dport 6080 || return 1
	ip -n "$P-$n" addr add "$4" peer "$5" dev gue4
	ip -n "$P-$n" addr add "$6" peer "$7" dev gue6 nodad
	ip -n "$P-$n" link set gue4 up
	ip -n "$P-$n" link set gue6 up
}
if ! tunnel a 10.78.0.1 10.78.0.2 10.79.0.1/32 10.79.0.2/32 fd79::1/128 fd79::2/128 2>"$TMP/err" ||
   ! tunnel b 10.78.0.2 10.78.0.1 10.79.0.2/32 10.79.0.1/32 fd79::2/128 fd79::1/128 2>>"$TMP/err"; then
	skip "gue-kernel" "no fou/ipip/sit GUE in this kernel: $(head -c 200 "$TMP/err")"
	finish
fi

# ---- the kernel sends, genv decodes
ip netns exec "$P-b" timeout 20 tcpdump -n -i v1 -U -w "$TMP/k.pcap" -c 12 udp port 6080 2>/dev/null &
pids+=($!)
sleep 1
ip netns exec "$P-a" timeout 10 ping -q -c 3 -i 0.2 -W 2 10.79.0.2 >/dev/null 2>&1
rc4=$?
ip netns exec "$P-a" timeout 10 ping -6 -q -c 3 -i 0.2 -W 2 fd79::2 >/dev/null 2>&1
rc6=$?
wait "${pids[-1]}"
check_eq "kernel GUE ipip: ping through the tunnel" 0 "$rc4"
check_eq "kernel GUE sit: ping6 through the tunnel" 0 "$rc6"
out=$("$GENV" decode -r "$TMP/k.pcap")
check_eq "decode: 12 frames, all GUE" 12 "$(printf '%s\n' "$out" | grep -c ': GUE proto ')"
check_eq "decode: IPv4 echo request over GUE proto 4" 3 \
	"$(printf '%s\n' "$out" | grep -c '10.78.0.1.[0-9]* > 10.78.0.2.6080: GUE proto 4: 10.79.0.1 > 10.79.0.2 ICMP echo request')"
check_eq "decode: IPv4 echo reply over GUE proto 4" 3 \
	"$(printf '%s\n' "$out" | grep -c '10.78.0.2.[0-9]* > 10.78.0.1.6080: GUE proto 4: 10.79.0.2 > 10.79.0.1 ICMP echo reply')"
check_eq "decode: IPv6 echo over GUE proto 41" 6 \
	"$(printf '%s\n' "$out" | grep -c 'GUE proto 41: fd79::[12] > fd79::[12] ICMP6 echo')"
check_eq "decode: no errors in the kernel's GUE" 0 "$(printf '%s\n' "$out" | grep -c '\[!')"
check_eq "filter: gue and inner icmp6" 6 "$("$GENV" decode -r "$TMP/k.pcap" 'gue and inner icmp6' | wc -l)"
check_eq "--gue-port none: plain UDP" 0 "$("$GENV" decode --gue-port none -r "$TMP/k.pcap" gue | wc -l)"
check_eq "decode -j: variant 0, hlen 0, proto 4" "0 0 4 False" "$("$GENV" decode -j -c 1 -r "$TMP/k.pcap" |
	/usr/bin/python3 -c 'import json, sys; g = json.load(sys.stdin)["tunnel"]["gue"]; print(g["variant"], g["hlen"], g["proto"], g["control"])')"
# decode -v of every frame crafts the kernel's bytes back (tcpdump -xx
# reads them from the capture)
"$GENV" decode -v -r "$TMP/k.pcap" | sed -n 's/^    //p' >"$TMP/v"
tcpdump -r "$TMP/k.pcap" -xx 2>/dev/null | awk '
	/^[0-9]/ { if (h != "") print h; h = ""; next }
	/0x/ { for (k = 2; k <= NF; k++) h = h $k }
	END { if (h != "") print h }' >"$TMP/kern"
while IFS= read -r spec; do "$GENV" craft --hex "$spec" 2>&1; done <"$TMP/v" >"$TMP/mine"
check_eq "decode -v crafts back the kernel's bytes (tcpdump -xx)" "$(cat "$TMP/kern")" "$(cat "$TMP/mine")"

# ---- genv crafts, the kernel decapsulates and answers through GUE
mac_b=$(ip -n "$P-b" -br link show v1 | awk '{print $3}')
reply=$(ip netns exec "$P-a" timeout 10 "$GENV" craft -i v0 --timeout 3 \
	--expect 'udp port 6080 and inner icmp and inner src host 10.79.0.2' \
	"eth dst=$mac_b / ipv4 src=10.78.0.1 dst=10.78.0.2 / udp dport=6080 / gue / ipv4 src=10.79.0.1 dst=10.79.0.2 / icmp id=77 seq=1" 2>&1)
rc=$?
check_eq "craft gue -i --expect: the kernel answered" 0 "$rc"
case $reply in
*"GUE proto 4: 10.79.0.2 > 10.79.0.1 ICMP echo reply id 77 seq 1"*) ok "the answer is the kernel's GUE echo reply" ;;
*) fail "the answer is the kernel's GUE echo reply" "$reply" ;;
esac
finish
