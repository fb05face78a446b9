#!/usr/bin/env bash
# genv craft: outputs, exit codes, errors, --vary, and the round trip
# through `genv decode -v`.
cd "$(dirname "$0")/../.." || exit 1
# shellcheck source=tests/lib.sh
. tests/lib.sh
tmp=$(mktemp -d /tmp/genv-craft.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

ex='eth / ipv4 src=10.200.0.1 dst=10.200.0.2 / udp / geneve vni=100 opt=0x0102:0x80:0001000a / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / tcp sport=40000 dport=80 flags=S / payload len=64'

# -w FILE: a pcap that tcpdump reads, checksums right
if "$GENV" craft "$ex" -w "$tmp/ex.pcap"; then ok "example -w exits 0"; else fail "example -w exits 0"; fi
out=$(tcpdump -nn -vv -r "$tmp/ex.pcap" 2>/dev/null)
case $out in
*"10.200.0.1."*" > 10.200.0.2.6081: [udp sum ok] Geneve, Flags [C], vni 0x64"*) ok "tcpdump reads the pcap" ;;
*) fail "tcpdump reads the pcap" "$out" ;;
esac
case $out in
*"10.0.0.1.40000 > 10.0.0.2.80: Flags [S], cksum"*"(correct)"*"length 64"*) ok "inner tcp correct in tcpdump" ;;
*) fail "inner tcp correct in tcpdump" "$out" ;;
esac
check_eq "one packet written" 1 "$(tcpdump -r "$tmp/ex.pcap" 2>/dev/null | wc -l)"

# --hex: one line per packet; -j: JSON Lines
hex=$("$GENV" craft --hex 'geneve vni=5 / ipv4 / icmp')
check_eq "--hex is 78 bytes of hex" 156 "${#hex}"
case $hex in *[!0-9a-f]*) fail "--hex is lowercase hex" "$hex" ;; *) ok "--hex is lowercase hex" ;; esac
check_eq "--hex -c 3 gives 3 lines" 3 "$("$GENV" craft --hex -c 3 'geneve / eth' | wc -l)"
j=$("$GENV" craft -j --hex -c 2 --vary vni=7-8 'geneve / eth' | tail -n 1)
case $j in
'{"schema":1,"frame":2,"len":64,"hex":"'*'"}') ok "-j --hex JSON lines" ;;
*) fail "-j --hex JSON lines" "$j" ;;
esac
case $j in *000008000200*) ok "--vary vni cycles" ;; *) fail "--vary vni cycles" "$j" ;; esac

# unquoted words are one description
check_eq "words joined" "$hex" "$("$GENV" craft --hex geneve vni=5 / ipv4 / icmp)"
check_eq "genv-craft via argv[0]" "$hex" "$(ln -sf "$GENV" "$tmp/genv-craft" && "$tmp/genv-craft" --hex 'geneve vni=5 / ipv4 / icmp')"

# raw bytes when stdout is not a terminal; refused on a terminal
check_eq "raw bytes to a pipe" 78 "$("$GENV" craft 'geneve vni=5 / ipv4 / icmp' | wc -c)"
if command -v script >/dev/null 2>&1; then
	out=$(script -qec "$GENV craft 'geneve / eth'" /dev/null 2>&1)
	case $out in
	*"refusing to write raw packet bytes to a terminal"*) ok "raw bytes refused on a tty" ;;
	*) fail "raw bytes refused on a tty" "$out" ;;
	esac
else
	skip "raw bytes refused on a tty" "no script(1)"
fi

# -w - writes a pcap to stdout
check_eq "-w - pcap on stdout" 2 "$("$GENV" craft -c 2 'geneve / eth' -w - | tcpdump -r - 2>/dev/null | wc -l)"

# --vary: many packets, all clean, distinct flows, outer sport follows
"$GENV" craft -c 1000 --vary vni=1-1000 --vary inner.sport=random --vary inner.dport=80-90 \
	--seed 7 "$ex" -w "$tmp/many.pcap"
check_eq "-c 1000 writes 1000" 1000 "$(tcpdump -r "$tmp/many.pcap" 2>/dev/null | wc -l)"
if command -v tshark >/dev/null 2>&1; then
	bad=$(tshark -r "$tmp/many.pcap" -o udp.check_checksum:TRUE -o tcp.check_checksum:TRUE \
		-o ip.check_checksum:TRUE -Y 'udp.checksum.status == "Bad" || tcp.checksum.status == "Bad" || ip.checksum.status == "Bad"' 2>/dev/null | wc -l)
	check_eq "tshark: no bad checksum in 1000 varied packets" 0 "$bad"
	check_eq "1000 distinct VNIs" 1000 "$(tshark -r "$tmp/many.pcap" -T fields -e geneve.vni 2>/dev/null | sort -u | wc -l)"
	nsport=$(tshark -r "$tmp/many.pcap" -T fields -e udp.srcport 2>/dev/null | sort -u | wc -l)
	if [ "$nsport" -gt 900 ]; then ok "outer sport follows the inner flow ($nsport ports)"; else fail "outer sport follows the inner flow" "$nsport"; fi
else
	skip "tshark checks of varied packets" "tshark not installed"
fi
check_eq "--seed is reproducible" "$("$GENV" craft --hex -c 5 --seed 3 --vary inner.sport=random "$ex" | md5sum)" \
	"$("$GENV" craft --hex -c 5 --seed 3 --vary inner.sport=random "$ex" | md5sum)"

# option class
case $("$GENV" craft --hex --opt-class 0xff01 'geneve opt=label:5 / eth') in
*ff01010100000005*) ok "--opt-class" ;; *) fail "--opt-class" ;;
esac
case $(GENV_OPT_CLASS=0xff02 "$GENV" craft --hex 'geneve opt=label:5 / eth') in
*ff02010100000005*) ok "GENV_OPT_CLASS" ;; *) fail "GENV_OPT_CLASS" ;;
esac

# --print shows every field
out=$("$GENV" craft --print 'geneve vni=5 / ipv4 / icmp')
case $out in
"eth dst=02:00:00:00:00:02 src=02:00:00:00:00:01 type=0x0800 / ipv4 "*"/ udp sport="*" dport=6081 len=44 / geneve vni=5 "*"proto=0x0800"*"/ icmp type=8 code=0 id=0 seq=0") ok "--print" ;;
*) fail "--print" "$out" ;;
esac

# errors: one line, exit 2 for usage, 1 for runtime
msg=$("$GENV" craft 'eth / ipv4 / udp sprt=5' 2>&1 >/dev/null)
check_eq "parse error names layer, field, suggestion" \
	"genv craft: layer 3 'udp': 'sprt' is not a udp field (did you mean 'sport'?)" "$msg"
check_exit "parse error exits 2" 2 "$GENV" craft 'eth / ipv4 / udp sprt=5' --hex
check_exit "unknown layer exits 2" 2 "$GENV" craft 'eth / ipx' --hex
check_exit "no packet exits 2" 2 "$GENV" craft --hex
check_exit "bad --vary exits 2" 2 "$GENV" craft --hex --vary nosuch=1 'geneve / eth'
check_exit "bad --count exits 2" 2 "$GENV" craft --hex -c 0 'geneve / eth'
check_exit "bad --opt-class exits 2" 2 "$GENV" craft --hex --opt-class 0x0102 'geneve / eth'
check_exit "-w and --hex exit 2" 2 "$GENV" craft --hex -w "$tmp/x.pcap" 'geneve / eth'
check_exit "too many options exits 2" 2 "$GENV" craft --hex "geneve $(for _ in 1 2 3; do printf 'opt=0x0102:0x01:%0248d ' 0; done) / eth"
check_exit "unwritable -w exits 1" 1 "$GENV" craft -w /nonexistent/dir/x.pcap 'geneve / eth'
check_exit "no such interface exits 1" 1 "$GENV" craft -i genv-no-such-if0 'geneve / eth'
check_exit "--help exits 0" 0 "$GENV" craft --help
check_exit "--expect without -i exits 2" 2 "$GENV" craft --hex --expect 'vni 5' 'geneve / eth'
check_exit "--timeout without --expect exits 2" 2 "$GENV" craft -i lo --timeout 1 'geneve / eth'
check_exit "bad --timeout exits 2" 2 "$GENV" craft -i lo --expect icmp --timeout soon 'geneve / eth'
msg=$("$GENV" craft -w "$tmp/x.pcapng" 'geneve / eth' 2>&1); rc=$?
case "$rc $msg" in
"2 genv craft: -w '$tmp/x.pcapng': craft writes classic pcap only"*) ok "-w FILE.pcapng is refused, naming the file (exit 2)" ;;
*) fail "-w FILE.pcapng is refused, naming the file (exit 2)" "$rc $msg" ;;
esac
[ ! -e "$tmp/x.pcapng" ] && ok "-w FILE.pcapng: no file written" || fail "-w FILE.pcapng: no file written"
msg=$("$GENV" craft -w /nonexistent/dir/x.pcap 'geneve / eth' 2>&1)
case $msg in
"genv craft: cannot open '/nonexistent/dir/x.pcap': No such file or directory") ok "open error message" ;;
*) fail "open error message" "$msg" ;;
esac

# round trip through decode -v
if "$GENV" decode --help 2>/dev/null | grep -q -- '--hex'; then
	for p in "$ex" 'geneve vni=5 / ipv4 / icmp' \
		'geneve opt=label:42,7 opt=ovn:in=1,out=2 / eth / vlan id=5 / ipv6 / udp / payload text="hi"' \
		'geneve critical=0 opt=ovn:in=1,out=2 / eth / ipv4 / udp csum=bad len=100' \
		'eth / ipv4 csum=0x1234 / udp csum=zero / payload len=3 / pad len=20' \
		'geneve optlen=5 ver=1 / eth / arp'; do
		h=$("$GENV" craft --hex "$p")
		v=$("$GENV" decode -v --hex "$h" 2>/dev/null | tail -n 1 | sed 's/^ *//')
		h2=$("$GENV" craft --hex "$v" 2>&1)
		if [ "$h" = "$h2" ]; then ok "round trip: $p"; else fail "round trip: $p" "$v"; fi
	done
else
	skip "round trip through decode -v" "decode has no --hex"
fi

finish
