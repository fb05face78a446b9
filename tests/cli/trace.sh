#!/usr/bin/env bash
# genv trace packet, offline (-f): one check per route type and per drop
# reason the pipeline has, the fixed final lines, JSON, the input forms
# (packet language, --hex, -r pcap), and the errors.  No root, no router.
# (That a trace changes no counter is tests/unit/test_trace.c: it needs
# the tables in one process.)
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-trace.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
T=tests/fixtures/topo/h1.genv

# final VERDICT EGRESS REASON NAME -- ARGS...: the three fixed lines
final() {
	local verdict=$1 egress=$2 reason=$3 name=$4 got want
	shift 5
	"$GENV" trace packet -f "$T" "$@" >"$tmp/out" 2>"$tmp/err"
	local rc=$?
	got=$(tail -n 3 "$tmp/out" | sed -E 's/^(reason: [a-z._]+).*/\1/')
	want=$(printf 'verdict: %s\negress: %s\nreason: %s' "$verdict" "$egress" "$reason")
	if [ "$rc" = 0 ] && [ "$got" = "$want" ]; then
		ok "$name"
	else
		fail "$name" "exit $rc: $(tr '\n' '|' <<<"$got") $(head -c 200 "$tmp/err")"
	fi
}

E5='eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5'
U='eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve'
IN='eth / ipv4 src=10.0.2.7'

# ---- route types ----
final deliver tap1 none "local endpoint: deliver" -- --in tap0 "$E5 dst=10.0.1.6 / tcp dport=80"
final forward "underlay 10.200.0.2" none "remote endpoint: encapsulate to its host" -- --in tap0 "$E5 dst=10.0.2.7 / icmp"
final forward "underlay 10.200.0.6" none "scaled endpoint: a host by flow hash" -- --in tap0 "$E5 dst=10.0.3.3 / tcp dport=80"
final forward "underlay 10.200.0.3" none "known network: its bouncer" -- --in tap0 "$E5 dst=10.0.4.9 / icmp"
# a scaled endpoint with backends: the sender's router picks one (stage scaled)
{ cat "$T"; echo "add ep 100 10.0.9.1 mac 02:00:00:00:09:01 type scaled backends 10.0.2.7 10.0.1.6"; } >"$tmp/scaled.genv"
for sp in 1000 1001 1002 1003 1004 1005; do
	"$GENV" trace packet -f "$tmp/scaled.genv" --in tap0 "$E5 dst=10.0.9.1 / tcp sport=$sp dport=80" 2>&1
done >"$tmp/sc"
check_eq "scaled endpoint: the trace shows the backend choice" 6 "$(grep -cE ' scaled +maglev +10\.0\.9\.1 -> backend 10\.0\.(2\.7|1\.6) ' "$tmp/sc")"
[ "$(grep -c '^verdict: forward' "$tmp/sc")" -ge 1 ] && [ "$(grep -c '^verdict: deliver' "$tmp/sc")" -ge 1 ] &&
	ok "scaled endpoint: flows reach both the remote and the local backend" ||
	fail "scaled endpoint: flows reach both the remote and the local backend" "$(grep '^verdict' "$tmp/sc" | tr '\n' ' ')"
final forward "underlay 10.200.0.9" none "otherwise: the VPC divider" -- --in tap0 "$E5 dst=10.0.9.9 / udp dport=53"
final reply tap0 none "ARP request answered" -- --in tap0 "eth src=02:00:00:00:01:05 dst=ff:ff:ff:ff:ff:ff / arp op=1 spa=10.0.1.5 tpa=10.0.1.6"
final reply tap0 none "ND solicitation answered" -- --in tap0 "eth src=02:00:00:00:01:05 / ipv6 src=fd00::5 dst=ff02::1:ff00:1 hlim=255 / icmp6 type=135 / payload hex=fd000000000000000000000000000001"
final reply tap0 none "echo to the gateway answered" -- --in tap0 "$E5 dst=10.0.1.1 / icmp"
final deliver tap0 none "underlay: local endpoint" -- --in underlay "$U vni=100 / $IN dst=10.0.1.5 / icmp"
final forward "underlay 10.200.0.4" none "underlay: bouncer forwards onward" -- --in underlay "$U vni=100 / $IN dst=10.0.5.8 / icmp"
final control control none "underlay: O bit goes to the control handler" -- --in underlay "$U vni=100 oam=1 opt=trace:id=1,seq=1 / $IN dst=10.0.1.5 / icmp"

# ---- drop reasons (port.unknown, internal.headroom and icmp.ratelimit
# cannot happen in a trace: ports are named, the headroom is ours, and a
# dry run never spends the ICMP budget) ----
final drop none port.no_endpoint "drop port.no_endpoint" -- --in empty "$E5 dst=10.0.1.6 / icmp"
final drop none frame.malformed "drop frame.malformed" -- --in tap0 "$E5 dst=10.0.1.6 len=10 / icmp"
final drop none frame.vlan "drop frame.vlan" -- --in tap0 "eth src=02:00:00:00:01:05 / vlan id=5 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp"
final drop none frame.ethertype "drop frame.ethertype" -- --in tap0 "eth src=02:00:00:00:01:05 type=0x88cc / payload len=40"
final drop none frame.multicast "drop frame.multicast" -- --in tap0 "$E5 dst=224.0.0.5 / udp"
final drop none spoof.mac "drop spoof.mac" -- --in tap0 "eth src=02:00:00:00:01:99 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp"
final drop none spoof.ip "drop spoof.ip" -- --in tap0 "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.99 dst=10.0.1.6 / icmp"
final drop none arp.ignored "drop arp.ignored" -- --in tap0 "eth src=02:00:00:00:01:05 / arp op=2 spa=10.0.1.5 tpa=10.0.1.6"
final drop none nd.ignored "drop nd.ignored" -- --in tap0 "eth src=02:00:00:00:01:05 / ipv6 src=fd00::5 dst=ff02::2 hlim=255 / icmp6 type=133 / payload len=4"
final drop none route.none "drop route.none (ICMP unreachable)" -- --in tap2 "eth src=02:00:00:00:03:05 / ipv4 src=10.3.0.5 dst=10.3.9.9 / icmp"
grep -q '^reply: 10.3.0.1 > 10.3.0.5 ICMP unreachable' "$tmp/out" && ok "route.none: the ICMP unreachable is shown" ||
	fail "route.none: the ICMP unreachable is shown" "$(head -c 300 "$tmp/out")"
final drop none mtu.exceeded "drop mtu.exceeded (port, ICMP frag-needed)" -- --in tap0 "$E5 dst=10.0.1.6 / icmp / payload len=1400"
final drop none mtu.exceeded "drop mtu.exceeded (underlay)" -- --in underlay "$U vni=100 / $IN dst=10.0.1.6 / icmp / payload len=1400"
final drop none route.not_local "drop route.not_local" -- --in underlay "$U vni=100 / $IN dst=10.0.2.8 / icmp"
final drop none route.none "drop route.none (underlay)" -- --in underlay "$U vni=100 / $IN dst=10.0.5.9 / icmp"
final drop none route.loop "drop route.loop" -- --in underlay --from 10.200.0.4 "$U vni=100 / eth / ipv4 src=10.0.5.8 dst=10.0.5.8 / icmp"
final drop none ttl.exceeded "drop ttl.exceeded" -- --in underlay --ttl 1 "$U vni=100 / $IN dst=10.0.5.8 / icmp"
final drop none geneve.malformed "drop geneve.malformed" -- --in underlay "$U vni=100 optlen=63 / $IN dst=10.0.1.5 / icmp"
final drop none geneve.version "drop geneve.version" -- --in underlay "$U vni=100 ver=1 / $IN dst=10.0.1.5 / icmp"
final drop none geneve.critical "drop geneve.critical" -- --in underlay "$U vni=100 opt=0x0105:0x80:00000000 / $IN dst=10.0.1.5 / icmp"
final drop none geneve.proto "drop geneve.proto" -- --in underlay "$U vni=100 proto=0x0800 / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp"
final drop none vni.unknown "drop vni.unknown" -- --in underlay "$U vni=7 / $IN dst=10.0.1.5 / icmp"
final drop none inner.malformed "drop inner.malformed" -- --in underlay "$U vni=100 / $IN dst=10.0.1.5 len=5 / icmp"
final drop none ecn.ce_not_ect "drop ecn.ce_not_ect" -- --in underlay --tos 3 "$U vni=100 / $IN dst=10.0.1.5 tos=0 / icmp"
# trust: Geneve only from hosts of the VPC, an endpoint only from its own host
final drop none underlay.unknown_peer "drop underlay.unknown_peer" -- --in underlay --from 10.200.0.77 "$U vni=100 / $IN dst=10.0.1.5 / icmp"
final drop none underlay.unknown_peer "drop underlay.unknown_peer (a host of another VPC only)" -- --in underlay "$U vni=200 / $IN dst=10.0.1.5 / icmp"
final drop none spoof.remote "drop spoof.remote (endpoint of another host)" -- --in underlay --from 10.200.0.4 "$U vni=100 / $IN dst=10.0.1.5 / icmp"
final drop none spoof.remote "drop spoof.remote (endpoint of this host)" -- --in underlay "$U vni=100 / eth / ipv4 src=10.0.1.6 dst=10.0.1.5 / icmp"
final drop none spoof.remote "drop spoof.remote (no endpoint, sender no relay or peer)" -- --in underlay "$U vni=100 / eth / ipv4 src=10.0.7.7 dst=10.0.1.5 / icmp"
final deliver tap0 none "underlay: relayed by the divider, any source" -- --in underlay --from 10.200.0.9 "$U vni=100 / eth / ipv4 src=10.0.7.7 dst=10.0.1.5 / icmp"
final deliver tap0 none "underlay: relayed by a bouncer, another host's endpoint" -- --in underlay --from 10.200.0.3 "$U vni=100 / $IN dst=10.0.1.5 / icmp"

# direct path answers (genv-route(8), DIRECT PATH): from the host they name, of the VPC
RTS='oam=1 opt=rts:host=10.200.0.2,mac=02:00:00:00:00:01'
final control control none "direct path: an answer from the host it names is taken" -- --in underlay "$U vni=100 $RTS / eth / ipv4 src=10.0.4.4 dst=10.0.1.5 proto=253"
grep -qE '^ +[0-9]+ direct +learn +10.0.4.4 vpc 100 on host 10.200.0.2' "$tmp/out" &&
	ok "trace names the direct-path entry it would learn" || fail "trace names the direct-path entry" "$(cat "$tmp/out")"
final drop none rts.untrusted "drop rts.untrusted (answer naming another host)" -- --in underlay "$U vni=100 oam=1 opt=rts:host=10.200.0.7,mac=02:00:00:00:00:01 / eth / ipv4 src=10.0.4.4 dst=10.0.1.5 proto=253"
final drop none rts.malformed "drop rts.malformed (answer without the endpoint)" -- --in underlay "$U vni=100 $RTS"
# health keepalives (router/health.h): no inner frame; answered for a host of the VPC
# a dry run sends nothing: the trace says what a live router would do
final control control none "health request from a host of the VPC: would be answered" -- --in underlay "$U vni=100 oam=1 opt=health:seq=1"
grep -q 'health    pass       health request 1: would be answered (dry run: nothing sent)' "$tmp/out" &&
	! grep -q ': answered' "$tmp/out" && ok "the trace shows the health stage, as a dry run" ||
	fail "the trace shows the health stage, as a dry run" "$(head -c 600 "$tmp/out")"
final control control none "health answer with no request of ours" -- --in underlay "$U vni=100 oam=1 opt=health:seq=1,answer=1"
grep -q 'health answer 1: no request of ours to that host' "$tmp/out" && ok "the trace of a stale health answer" ||
	fail "the trace of a stale health answer" "$(head -c 600 "$tmp/out")"
final drop none health.untrusted "drop health.untrusted (request from no host of the VPC)" -- --in underlay "eth / ipv4 src=10.200.0.99 dst=10.200.0.1 / udp / geneve vni=100 oam=1 opt=health:seq=1"
final drop none health.malformed "drop health.malformed (4 bytes)" -- --in underlay "$U vni=100 oam=1 opt=0xffa7:0x08:00000001"

# network policy (tests/fixtures/topo/policy.genv; tests/cli/policy_truth.sh and tests/net/policy.sh have the rest)
P=tests/fixtures/topo/policy.genv
C6='eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6'
UP='eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=100'
T=$P final deliver tap0 none "policy: ingress allowed by a rule" -- --in tap1 "$C6 dst=10.0.1.5 / tcp dport=80"
T=$P final drop none policy.ingress_denied "drop policy.ingress_denied (client of another namespace)" -- --in underlay "$UP / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / tcp dport=80"
T=$P final drop none policy.egress_denied "drop policy.egress_denied (client to tcp/22)" -- --in tap1 "$C6 dst=10.0.2.7 / tcp dport=22"
T=$P final drop none policy.identity_untrusted "drop policy.identity_untrusted (forged identity)" -- --in underlay "$UP opt=ident:12345678 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / tcp dport=80"
T=$P final drop none policy.identity_missing "drop policy.identity_missing (peer, no identity)" -- --in underlay --from 10.200.0.9 "$UP / eth / ipv4 src=10.0.7.7 dst=10.0.1.5 / tcp dport=80"
T=$P final deliver tap0 none "policy: ipBlock allows a peer's source" -- --in underlay --from 10.200.0.9 "$UP / eth / ipv4 src=10.9.2.2 dst=10.0.1.5 / tcp dport=443"
T=$P final drop none policy.identity_missing "drop policy.identity_missing (ipBlock except)" -- --in underlay --from 10.200.0.9 "$UP / eth / ipv4 src=10.9.1.2 dst=10.0.1.5 / tcp dport=443"

# QoS (tests/fixtures/topo/qos.genv): the class's DSCP on the outer header
# with the inner ECN copied, the class remarked into the inner DSCP on
# arrival, and a QoS option that does not fit its layout
Q=tests/fixtures/topo/qos.genv
UQ='eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=100'
T=$Q final forward "underlay 10.200.0.2" none "qos: premium endpoint encapsulates" -- --in tap0 "$E5 dst=10.0.2.7 tos=2 / udp dport=53"
grep -q 'tos 0xba$' "$tmp/out" && grep -q '^ *[0-9]* qos  *pass  *class premium: dscp 46 priority 0; rate 100mbit' "$tmp/out" &&
	ok "qos: outer tos is EF with the inner ECT(0), the trace names class and rate" ||
	fail "qos: outer tos is EF with the inner ECT(0), the trace names class and rate" "$(head -c 600 "$tmp/out")"
T=$Q final forward "underlay 10.200.0.2" none "qos: expedited with its configured dscp" -- --in tap1 "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.2.7 / udp dport=53"
grep -q 'tos 0x68$' "$tmp/out" && grep -q 'qos class=expedited prio=5' "$tmp/out" &&
	ok "qos: dscp 26 on the wire, class and priority in the option" ||
	fail "qos: dscp 26 on the wire, class and priority in the option" "$(head -c 600 "$tmp/out")"
T=$Q final deliver tap0 none "qos: the class arrives" -- --in underlay --tos 3 "$UQ opt=qos:premium,prio=0 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 tos=1 / icmp"
grep -q 'qos  *class  *class premium priority 0, inner dscp 46 (remarked)' "$tmp/out" && grep -q 'tos=0xbb' "$tmp/out" &&
	ok "qos: premium remarks the inner DSCP, CE from the outer kept" ||
	fail "qos: premium remarks the inner DSCP, CE from the outer kept" "$(head -c 900 "$tmp/out")"
T=$Q final drop none qos.malformed "drop qos.malformed (class 9)" -- --in underlay "$UQ opt=0xffa7:0x04:09000000 / eth / ipv4 src=10.0.2.7 dst=10.0.1.5 / icmp"

# gateway endpoints (genv-route(8) GATEWAY): h1 as the gateway host of VPC 100
{ cat "$T"; echo "add ep 100 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.1 nat-ports 20000-20009"; } >"$tmp/gw.genv"
{ cat "$T"; echo "add ep 100 10.0.0.254 mac 02:00:00:00:00:fe type gateway host 10.200.0.3"; } >"$tmp/gw3.genv"
T=$tmp/gw.genv
final drop none nat.ttl_exceeded "drop nat.ttl_exceeded: not sent out with TTL 1" -- --in underlay "$U vni=100 / $IN dst=192.0.2.80 ttl=1 / udp"
final egress "underlay side (gateway NAT)" none "gateway host: out with source NAT" -- --in underlay "$U vni=100 / $IN dst=192.0.2.80 / udp sport=5000 dport=53"
grep -qE '^ +[0-9]+ nat +egress +new mapping vpc 100 proto 17 10\.0\.2\.7:5000 <-> :200[0-9][0-9], remote 192\.0\.2\.80:53' "$tmp/out" &&
	ok "trace names the mapping the gateway would make" || fail "trace names the mapping the gateway would make" "$(cat "$tmp/out")"
final drop none nat.unsupported "drop nat.unsupported (ICMP timestamp outward)" -- --in underlay "$U vni=100 / $IN dst=192.0.2.80 / icmp type=13"
T=$tmp/gw3.genv
final forward "underlay 10.200.0.3" none "a VM's router: outside the VPC to its gateway host" -- --in tap0 "$E5 dst=192.0.2.80 / udp"
T=tests/fixtures/topo/h1.genv
# proxied endpoints (tests/fixtures/topo/proxied.genv): redirected to the
# proxy with the original destination in the option, the proxy's own
# packets untouched, the receiver's checks
X=tests/fixtures/topo/proxied.genv
UX='eth / ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=100'
T=$X final forward "underlay 10.200.0.2" none "proxied: redirected to its remote proxy" -- --in tap0 "$E5 dst=10.0.1.9 / tcp dport=80"
grep -q 'odst addr=10.0.1.9 mac=02:00:00:00:01:09' "$tmp/out" && grep -q '^ *[0-9]* proxied  *proxy ' "$tmp/out" &&
	ok "proxied: the trace shows the redirect and the odst option" ||
	fail "proxied: the trace shows the redirect and the odst option" "$(head -c 900 "$tmp/out")"
T=$X final deliver tap1 none "proxied: a local proxy gets it" -- --in tap0 "$E5 dst=10.0.3.3 / udp dport=53"
T=$X final forward "underlay 10.200.0.3" none "proxied: the proxy's own packet goes to the endpoint" -- --in tap1 "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.3.3 / udp dport=53"
T=$X final deliver tap1 none "proxied: from its proxy, delivered" -- --in underlay "$UX / eth / ipv4 src=10.0.2.7 dst=10.0.1.9 / udp"
T=$X final drop none proxy.bypass "drop proxy.bypass (not from the proxy)" -- --in underlay "$UX / eth / ipv4 src=10.0.2.8 dst=10.0.1.9 / udp"
T=$X final drop none proxy.malformed "drop proxy.malformed (8 bytes)" -- --in underlay "$UX opt=0xffa7:0x07:0004000000000000 / eth / ipv4 src=10.0.2.7 dst=10.0.1.6 / udp"

# every drop reason of the router is either checked above or listed as
# unreachable by a traced packet (frame.oversize is decided by the port
# before the pipeline: tests/net/route.sh checks it)
reasons=$(sed -n 's/^	X([A-Z_0-9]*, *"\([a-z._]*\)".*/\1/p' router/stats.h | grep -v '^none$')
missing=
for r in $reasons; do
	# qos.rate_limit: a dry run never spends the bucket (test_rt_pipeline qos_rate_limit)
	# nat.ports_exhausted: a dry run makes no mapping; nat.no_mapping and
	# nat.icmp_malformed: packets from the underlay side, which a trace does not
	# take (test_rt_nat and tests/net/gateway.sh check them)
	case $r in port.unknown | internal.headroom | icmp.ratelimit | frame.oversize | qos.rate_limit) continue ;; esac
	case $r in nat.ports_exhausted | nat.no_mapping | nat.icmp_malformed) continue ;; esac
	grep -qE "^(T=\\\$[PQX] )?final drop none $r " "$0" || missing="$missing $r"
done
[ -n "$reasons" ] && [ -z "$missing" ] && ok "every drop reason has a check" ||
	fail "every drop reason has a check" "missing:$missing"

# ---- the explanation ----
"$GENV" trace packet -f "$T" --in tap0 "$E5 dst=10.0.2.7 / icmp" >"$tmp/out" 2>&1
for want in '^ingress: port tap0 \(index 0\)$' '^packet: 10.0.1.5 > 10.0.2.7 ICMP echo request' \
	'^  eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.5 dst=10.0.2.7 / icmp$' '^pipeline:$' \
	'^ +[0-9]+ spoof +pass +endpoint 10.0.1.5 mac 02:00:00:00:01:05' \
	'^ +[0-9]+ endpoint +remote +10.0.2.7 vpc 100 type simple on host 10.200.0.2' \
	'^output: 10.200.0.1.[0-9]+ > 10.200.0.2.6081: Geneve vni 100 opts \[eptype type=simple, ident id=657740323\]' \
	'geneve vni=100 opt=eptype:simple opt=ident:657740323,critical=0 / eth dst=02:00:00:00:02:07'; do
	grep -qE -- "$want" "$tmp/out" && ok "text output: $want" || fail "text output: $want" "$(head -c 400 "$tmp/out")"
done

# ---- JSON ----
"$GENV" trace packet -j -f "$T" --in tap0 "$E5 dst=10.0.2.7 / icmp" >"$tmp/json" 2>&1
if /usr/bin/python3 - "$tmp/json" <<-'EOF'; then ok "JSON: schema, stages, verdict, egress"; else fail "JSON: schema, stages, verdict, egress" "$(head -c 300 "$tmp/json")"; fi
	import json, sys
	d = json.load(open(sys.argv[1]))
	assert d["schema"] == 1
	assert d["ingress"] == {"kind": "port", "port": "tap0", "from": None, "ttl": None, "tos": None}
	assert d["verdict"] == "forward" and d["reason"] == "none"
	assert d["egress"]["kind"] == "underlay" and d["egress"]["addr"] == "10.200.0.2" and d["egress"]["port"] is None
	assert [s["stage"] for s in d["stages"]][:3] == ["port", "parse", "spoof"]
	assert d["packet"]["decoded"]["outer"]["ip"]["dst"] == "10.0.2.7"
	assert d["output"]["decoded"]["geneve"]["vni"] == 100
	assert d["vni"] == 100
EOF
"$GENV" trace packet -p -f "$T" --in tap0 "eth src=02:00:00:00:01:99 / ipv4 src=10.0.1.5 dst=10.0.1.6 / icmp" >"$tmp/json" 2>&1
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["verdict"]=="drop" and d["reason"]=="spoof.mac" and d["output"] is None and d["egress"]["kind"]=="none"' "$tmp/json" 2>/dev/null &&
	[ "$(wc -l <"$tmp/json")" -gt 5 ] && ok "JSON -p: a drop, indented" || fail "JSON -p: a drop, indented" "$(head -c 300 "$tmp/json")"

# ---- input forms agree ----
hex=$("$GENV" craft --hex "$U vni=100 / $IN dst=10.0.1.5 / icmp")
"$GENV" trace packet -f "$T" --in underlay "$U vni=100 / $IN dst=10.0.1.5 / icmp" >"$tmp/a" 2>&1
"$GENV" trace packet -f "$T" --in underlay --hex "$hex" >"$tmp/b" 2>&1
check_eq "--hex traces like the packet language" "$(cat "$tmp/a")" "$(cat "$tmp/b")"
"$GENV" craft -w "$tmp/two.pcap" "$E5 dst=10.0.1.6 / icmp" 2>/dev/null
"$GENV" craft -w "$tmp/one.pcap" "$U vni=100 / $IN dst=10.0.1.5 / icmp" 2>/dev/null
if command -v mergecap >/dev/null; then
	mergecap -a -F pcap -w "$tmp/m.pcap" "$tmp/two.pcap" "$tmp/one.pcap" 2>/dev/null
	"$GENV" trace packet -f "$T" --in underlay -r "$tmp/m.pcap" --frame 2 >"$tmp/c" 2>&1
	check_eq "-r FILE --frame 2 traces like the packet language" "$(cat "$tmp/a")" "$(cat "$tmp/c")"
	check_exit "-r FILE --frame beyond the end: exit 1" 1 "$GENV" trace packet -f "$T" --in underlay -r "$tmp/m.pcap" --frame 3
else
	skip "-r FILE --frame 2" "mergecap not installed"
fi
ipraw=$("$GENV" craft --hex "ipv4 src=10.200.0.2 dst=10.200.0.1 / udp / geneve vni=100 / $IN dst=10.0.1.5 / icmp")
"$GENV" trace packet -f "$T" --in underlay --raw --hex "$ipraw" | tail -n 3 >"$tmp/d" 2>&1
check_eq "--raw: an underlay frame without Ethernet" "$(tail -n 3 "$tmp/a")" "$(cat "$tmp/d")"

# ---- a super-frame from a VM (virtio-net GSO): the segmentation, not frag-needed ----
SF="$E5 dst=10.0.2.7 / tcp sport=5000 dport=80 seq=1000 flags=A / payload len=20000"
final drop none mtu.exceeded "super-frame without --gso: frag-needed" -- --in tap0 "$SF"
final forward "underlay 10.200.0.2" none "super-frame with --gso 1300: forwarded" -- --in tap0 --gso 1300 "$SF"
grep -q '^segmentation: TCPv4 super-frame, gso_size 1300 (virtio-net GSO): 16 segments of 1300 payload bytes, the last 500;' "$tmp/out" &&
	grep -q '^segments: 16 forward$' "$tmp/out" &&
	grep -q '^train: 16 Geneve datagrams to underlay 10.200.0.2, 1378 bytes of Geneve payload each (the last 578): ' "$tmp/out" &&
	grep -q '^   1 port      pass       port tap0 (index 0), 1354 bytes$' "$tmp/out" &&
	ok "--gso: segments, sizes and the train" || fail "--gso: segments, sizes and the train" "$(cat "$tmp/out")"
# the numbers from the frame itself (its sizes as python counts them, not genv):
# ceil(payload / mss) segments; Geneve payload = 8 + options + inner Ethernet + IP + TCP + segment
"$GENV" trace packet -j -f "$T" --in tap0 --gso 1300 "$SF" >"$tmp/json" 2>&1
/usr/bin/python3 -c '
import json, math, sys
d = json.load(open(sys.argv[1]))
g = d["segmentation"]
assert g["type"] == "TCPv4" and g["gso_size"] == 1300 and g["port_mtu"] is None, g
assert g["segments"] == math.ceil(20000 / 1300) and g["segment_payload"] == 1300 and g["last_payload"] == 20000 % 1300, g
assert g["verdicts"] == {"forward": 16, "deliver": 0, "drop": 0, "other": 0}, g
t = g["train"]
assert t["datagrams"] == 16 and t["size"] - t["last_size"] == 1300 - 500, t
assert t["size"] == 8 + 16 + 14 + 20 + 20 + 1300, t   # Geneve header, eptype + ident options
assert d["verdict"] == "forward" and d["stages"][0]["detail"].endswith("1354 bytes"), d["stages"][0]' "$tmp/json" 2>"$tmp/err" &&
	ok "--gso -j: segmentation and train" || fail "--gso -j: segmentation and train" "$(cat "$tmp/err"; head -c 300 "$tmp/json")"
# tshark's count of the super-frame's TCP payload, and the segment count from it
if command -v tshark >/dev/null; then
	"$GENV" craft -q -w "$tmp/sf.pcap" "$SF" 2>/dev/null
	tlen=$(tshark -r "$tmp/sf.pcap" -T fields -e tcp.len 2>/dev/null | head -n 1)
	check_eq "--gso: segments = ceil(tshark's tcp.len / 1300)" "$(( (tlen + 1299) / 1300 ))" \
		"$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["segmentation"]["segments"])' "$tmp/json")"
else
	skip "--gso against tshark" "tshark not installed"
fi
# gso_size above what the port's MTU (1400 on tap1) allows: cut to fit, as the router does
"$GENV" trace packet -f "$T" --in tap1 --gso 9000 "eth src=02:00:00:00:01:06 / ipv4 src=10.0.1.6 dst=10.0.2.7 / tcp flags=A / payload len=4000" >"$tmp/out" 2>&1
grep -q '^segmentation: TCPv4 super-frame, gso_size 9000 (virtio-net GSO): 3 segments of 1360 payload bytes, the last 1280 (cut below gso_size to fit the port.s MTU 1400)' "$tmp/out" &&
	ok "--gso larger than the port's MTU: cut to it" || fail "--gso larger than the port's MTU: cut to it" "$(head -n 5 "$tmp/out")"
"$GENV" trace packet -f "$T" --in tap0 --gso 1000 "$E5 dst=10.0.1.6 / udp dport=53 / payload len=2500" >"$tmp/out" 2>&1
grep -q '^segmentation: UDP super-frame, gso_size 1000 (virtio-net GSO): 3 segments of 1000 payload bytes, the last 500' "$tmp/out" &&
	grep -q '^segments: 3 deliver$' "$tmp/out" && ok "--gso: a UDP super-frame (USO) delivered locally" ||
	fail "--gso: a UDP super-frame (USO) delivered locally" "$(cat "$tmp/out")"
check_exit "--gso: not TCP/UDP, exit 2" 2 "$GENV" trace packet -f "$T" --in tap0 --gso 1000 "$E5 dst=10.0.2.7 / icmp"
check_exit "--gso with --in underlay, exit 2" 2 "$GENV" trace packet -f "$T" --in underlay --gso 1000 "$U vni=100 / $IN dst=10.0.1.5 / icmp"
check_exit "--gso 0, exit 2" 2 "$GENV" trace packet -f "$T" --in tap0 --gso 0 "$SF"
# online the frame goes in hex on the router's 8 KB line: too long is said before connecting
"$GENV" trace packet -S "$tmp/no.sock" --in tap0 --gso 1300 "$SF" >/dev/null 2>"$tmp/err"
check_eq "online: a frame too long for the router's line, exit 2" 2 "$?"
grep -q "a 20054-byte frame is too long for the router's command line .*offline with -f" "$tmp/err" &&
	ok "online: too long says so and what to do" || fail "online: too long says so and what to do" "$(cat "$tmp/err")"
check_exit "--gso applies to packet only" 2 "$GENV" trace path -f "$T" --gso 1000 --vpc 100 --src 10.0.1.5 --dst 10.0.2.7

# ---- trace path, offline: every -f file is a host, probes travel between them ----
F=(-f tests/fixtures/topo/h1.genv -f tests/fixtures/topo/h3.genv -f tests/fixtures/topo/h2.genv -f tests/fixtures/topo/h9.genv)
# hops DST EXPECTED...: the hop lines as "router role verdict reason"
hops() {
	local dst=$1 got want
	shift
	got=$("$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.1.5 --dst "$dst" -c 2 2>&1 |
		awk '/^ +[0-9]+  /{ print $2, $3, $4, $7 }')
	want=$(printf '%s\n' "$@")
	check_eq "trace path to $dst: $(tr '\n' ';' <<<"$want")" "$want" "$got"
}
hops 10.0.2.7 "10.200.0.1 host forward -" "10.200.0.2 host deliver -"
hops 10.0.4.4 "10.200.0.1 host forward -" "10.200.0.3 bouncer forward -" "10.200.0.2 host deliver -"
hops 10.0.9.9 "10.200.0.1 host forward -" "10.200.0.9 divider forward -" "10.200.0.2 host deliver -"
hops 10.0.4.5 "10.200.0.1 host forward -" "10.200.0.3 bouncer drop route.none"
hops 10.0.1.6 "10.200.0.1 host deliver -"
"$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.5 >"$tmp/out" 2>&1
check_eq "trace path: fixed final lines of a dropped path" "$(printf 'verdict: drop\negress: 10.200.0.3\nreason: route.none')" "$(tail -n 3 "$tmp/out")"
grep -q '^3/3 answered, 0% loss' "$tmp/out" && ok "trace path: answered and loss" || fail "trace path: answered and loss" "$(cat "$tmp/out")"
"$GENV" trace path -j "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.4 -c 2 >"$tmp/json" 2>&1
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] == 1 and d["sent"] == 2 and d["answered"] == 2 and d["verdict"] == "deliver"
assert [(h["router"], h["role"]) for h in d["hops"]] == [("10.200.0.1", "host"), ("10.200.0.3", "bouncer"), ("10.200.0.2", "host")]
assert d["rtt_ms"]["min"] <= d["rtt_ms"]["max"]' "$tmp/json" 2>/dev/null && ok "trace path -j" || fail "trace path -j" "$(head -c 300 "$tmp/json")"
# the scaled endpoint's hosts are not simulated: the probes are lost
check_exit "trace path: no answer, exit 1" 1 "$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.3.3 -c 1
# a host without a file is a dead router: the hops up to it and the break
"$GENV" trace path "${F[@]:0:4}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.4 -c 2 >"$tmp/out" 2>&1
check_eq "trace path, dead last router: the hops before it" \
	"$(printf '10.200.0.1 host forward -\n10.200.0.3 bouncer forward -')" \
	"$(awk '/^ +[0-9]+  /{ print $2, $3, $4, $7 }' "$tmp/out")"
check_eq "trace path, dead last router: the break named" \
	"no answer after hop 2 (10.200.0.3): next hop 10.200.0.2 did not answer" \
	"$(grep '^no answer' "$tmp/out")"
"$GENV" trace path -j "${F[@]:0:4}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.4 -c 2 >"$tmp/json" 2>&1
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["answered"] == 0 and [h["router"] for h in d["hops"]] == ["10.200.0.1", "10.200.0.3"]
assert d["break"] == {"after_hop": 2, "router": "10.200.0.3", "next_hop": "10.200.0.2", "probes": 2}' "$tmp/json" 2>/dev/null &&
	ok "trace path -j: the hops and the break" || fail "trace path -j: the hops and the break" "$(head -c 400 "$tmp/json")"
"$GENV" trace path -j "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.4 -c 1 >"$tmp/json" 2>&1
/usr/bin/python3 -c 'import json, sys; d = json.load(open(sys.argv[1])); assert d["break"] is None and d["answered"] == 1' \
	"$tmp/json" 2>/dev/null && ok "trace path -j: no break when answered" || fail "trace path -j: no break when answered" "$(cat "$tmp/json")"
check_exit "trace path --strict: a broken path, exit 1" 1 "$GENV" trace path "${F[@]:0:4}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.4 -c 1 --strict
# --strict: a probe answered but dropped on the way is a failure; delivered is success
check_exit "trace path: dropped probe, exit 0 by default" 0 "$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.2.99 -c 1
check_exit "trace path --strict: dropped probe, exit 1" 1 "$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.2.99 -c 1 --strict
check_exit "trace path --strict: delivered, exit 0" 0 "$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.1.5 --dst 10.0.4.4 -c 2 --strict
check_exit "--strict applies to path only" 2 "$GENV" trace packet "${F[@]}" --strict --in tap0 'eth / ipv4 / udp'
check_exit "trace path: needs --vpc, --src, --dst" 2 "$GENV" trace path "${F[@]}" --src 10.0.1.5 --dst 10.0.2.7
check_exit "trace path: --src must be a local endpoint" 2 "$GENV" trace path "${F[@]}" --vpc 100 --src 10.0.2.7 --dst 10.0.1.5
check_exit "trace path: -f more than once only for path" 2 "$GENV" trace packet "${F[@]}" --in tap0 "$E5 / icmp"

# ---- online: the CLI against a stand-in router on the control socket ----
sp1=$("$GENV" craft --hex "eth src=02:00:00:00:01:05 / ipv4 src=10.0.1.9 dst=10.0.1.6 / icmp")
sp2=$("$GENV" craft --hex "eth src=02:00:00:00:02:05 / ipv4 src=10.0.1.5 dst=10.0.1.77 / tcp dport=80")
ul=$("$GENV" craft --hex "geneve vni=7 / $IN dst=10.0.1.5 / icmp" | cut -c85-)
{
	echo "drop seq=1 time_ns=1795779602123456000 reason=spoof.ip ingress=port port=tap0 vni=100 len=42 data=$sp1"
	echo "drop seq=2 time_ns=1795779603000001000 reason=vni.unknown ingress=underlay from=10.200.0.2 self=10.200.0.1 vni=7 len=50 data=$ul"
	echo "drop seq=3 time_ns=1795779604000000000 reason=route.none ingress=port port=tap2 vni=200 len=54 data=$sp2"
	echo "pkt seq=1 time_ns=1795779605000000000 dir=rx reason=none ingress=port port=tap0 vni=100 len=42 data=$sp1"
	echo "pkt seq=2 time_ns=1795779605000001000 dir=tx reason=none ingress=underlay to=10.200.0.2 self=10.200.0.1 vni=7 len=50 data=$ul"
} >"$tmp/drops"
sock=$tmp/fake.sock
/usr/bin/python3 tests/cli/fakerouter.py "$sock" "$GENV" "$T" "$tmp/drops" 2>"$tmp/fake.err" &
fake=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
if [ -S "$sock" ]; then
	"$GENV" trace drops --once -S "$sock" >"$tmp/out" 2>&1
	[ "$(wc -l <"$tmp/out")" = 3 ] &&
		grep -q '^2026-11-27 .* spoof.ip port tap0 vpc 100: 10.0.1.9 > 10.0.1.6 ICMP echo request' "$tmp/out" &&
		grep -q ' vni.unknown underlay 10.200.0.2 vpc 7: 10.200.0.2.6081 > 10.200.0.1.6081: Geneve vni 7: 10.0.2.7 > 10.0.1.5 ICMP' "$tmp/out" &&
		ok "drops: one line per drop, decoded" || fail "drops: one line per drop, decoded" "$(cat "$tmp/out")"
	check_eq "drops --reason" "1" "$("$GENV" trace drops --once -S "$sock" --reason route.none | wc -l)"
	check_eq "drops --vpc" "1" "$("$GENV" trace drops --once -S "$sock" --vpc 7 | wc -l)"
	check_eq "drops --endpoint (inner or outer address)" "2" "$("$GENV" trace drops --once -S "$sock" --endpoint 10.0.1.5 | wc -l)"
	check_eq "drops -c" "2" "$("$GENV" trace drops -S "$sock" -c 2 | wc -l)"
	"$GENV" trace drops --once -j -S "$sock" >"$tmp/json" 2>&1
	/usr/bin/python3 -c '
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
assert [x["reason"] for x in d] == ["spoof.ip", "vni.unknown", "route.none"]
assert all(x["schema"] == 1 for x in d)
assert d[1]["ingress"] == "underlay" and d[1]["from"] == "10.200.0.2" and d[1]["port"] is None
assert d[0]["port"] == "tap0" and d[0]["vni"] == 100 and d[0]["packet"]["outer"]["ip"]["src"] == "10.0.1.9"' "$tmp/json" &&
		ok "drops -j" || fail "drops -j" "$(head -c 300 "$tmp/json")"
	"$GENV" trace drops --once -q -S "$sock" -w "$tmp/drops.pcap" >/dev/null 2>&1
	"$GENV" decode -r "$tmp/drops.pcap" >"$tmp/dec" 2>&1
	[ "$(wc -l <"$tmp/dec")" = 3 ] && grep -q 'Geneve vni 7: 10.0.2.7 > 10.0.1.5 ICMP' "$tmp/dec" &&
		ok "drops -w: the packets in a pcap" || fail "drops -w: the packets in a pcap" "$(cat "$tmp/dec")"
	# online trace packet: the request reaches the router, its answer is printed as is
	"$GENV" trace packet -S "$sock" --in tap0 "$E5 dst=10.0.2.7 / icmp" >"$tmp/on" 2>&1
	"$GENV" trace packet -f "$T" --in tap0 "$E5 dst=10.0.2.7 / icmp" >"$tmp/off" 2>&1
	check_eq "online trace packet prints what the router answers" "$(cat "$tmp/off")" "$(cat "$tmp/on")"
	"$GENV" trace packet -S "$sock" --in underlay --from 10.200.0.4 --ttl 9 --tos 2 "$U vni=100 / $IN dst=10.0.1.5 / icmp" >/dev/null 2>&1
	grep -q "^trace packet underlay from 10.200.0.4 ttl 9 tos 2 hex $hex\$" "$sock.log" &&
		ok "online trace packet: the request words" || fail "online trace packet: the request words" "$(tail -n 1 "$sock.log" | head -c 200)"
	check_exit "online trace packet: the router's error is a usage error" 2 "$GENV" trace packet -S "$sock" --in nosuch "$E5 / icmp"
	# capture --router: the router's mirror, through decode's filters
	"$GENV" trace capture --router --once -S "$sock" >"$tmp/out" 2>&1
	[ "$(wc -l <"$tmp/out")" = 2 ] && grep -q ' rx port tap0 vpc 100: 10.0.1.9 > 10.0.1.6 ICMP' "$tmp/out" &&
		grep -q ' tx underlay 10.200.0.2 vpc 7: 10.200.0.1.6081 > 10.200.0.2.6081: Geneve vni 7' "$tmp/out" &&
		ok "capture --router: rx and tx, decoded" || fail "capture --router: rx and tx, decoded" "$(cat "$tmp/out")"
	check_eq "capture --router FILTER (vni 7)" 1 "$("$GENV" trace capture --router --once -S "$sock" vni 7 | wc -l)"
	check_eq "capture --router FILTER (pcap: icmp and not udp)" 1 "$("$GENV" trace capture --router --once -S "$sock" icmp and not udp | wc -l)"
	grep -q '^mirror on$' "$sock.log" && grep -q '^mirror off$' "$sock.log" && ok "capture --router: mirror on, then off" ||
		fail "capture --router: mirror on, then off" "$(tail -n 5 "$sock.log")"
	"$GENV" trace capture --router --once -j -S "$sock" >"$tmp/json" 2>&1
	/usr/bin/python3 -c '
import json, sys
d = [json.loads(l) for l in open(sys.argv[1])]
assert [x["dir"] for x in d] == ["rx", "tx"] and d[1]["peer"] == "10.200.0.2" and d[0]["port"] == "tap0"' "$tmp/json" &&
		ok "capture --router -j" || fail "capture --router -j" "$(head -c 300 "$tmp/json")"
	check_exit "capture --router: bad filter is a usage error" 2 "$GENV" trace capture --router --once -S "$sock" vni
	check_exit "capture IFACE --rate: usage error" 2 "$GENV" trace capture lo --rate 5
else
	fail "stand-in router started" "$(cat "$tmp/fake.err")"
fi
kill "$fake" 2>/dev/null
wait "$fake" 2>/dev/null

# ---- a router whose drop records do not read: an error, not a guess ----
# (each malformed record the JSON reader of cmd/trace.c refuses)
for bad in "reason=bogus ingress=port port=tap0 vni=100" \
	"reason=spoof.ip ingress=underlay from=300.1.2.3 self=- vni=7" \
	"reason=spoof.ip ingress=port port=averyveryverylongportname vni=100" \
	"reason=spoof.ip ingress=port port=tap0 vni=16777216" \
	"reason=spoof.ip ingress=elsewhere port=tap0 vni=100" \
	"dir=sideways reason=none ingress=port port=tap0 vni=100"; do
	echo "drop seq=1 time_ns=1 $bad len=1 data=00" >"$tmp/baddrops"
	/usr/bin/python3 tests/cli/fakerouter.py "$tmp/bad.sock" "$GENV" "$T" "$tmp/baddrops" 2>/dev/null &
	bfake=$!
	for _ in $(seq 50); do [ -S "$tmp/bad.sock" ] && break; sleep 0.1; done
	"$GENV" trace drops --once -S "$tmp/bad.sock" >"$tmp/out" 2>&1; rc=$?
	[ "$rc" = 1 ] && grep -q "unexpected reply from the router" "$tmp/out" &&
		ok "drops: a malformed record is refused (${bad%% *} ...${bad##* })" ||
		fail "drops: a malformed record is refused ($bad)" "rc=$rc $(head -c 200 "$tmp/out")"
	kill "$bfake" 2>/dev/null
	wait "$bfake" 2>/dev/null
	rm -f "$tmp/bad.sock"
done

# ---- errors ----
printf 'set host addr 10.200.0.1\nadd vpc 100 cidr 10.0.0.0/16\nadd ep 100 10.9.9.9 mac 02:00:00:00:00:01 host 10.200.0.2 bogus\n' >"$tmp/bad.genv"
"$GENV" trace packet -f "$tmp/bad.genv" --in underlay "$U / eth / ipv4 / icmp" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "^genv trace: $tmp/bad.genv:3: " "$tmp/err" && ok "config error: FILE:LINE, exit 1" ||
	fail "config error: FILE:LINE, exit 1" "exit $rc: $(cat "$tmp/err")"
check_exit "missing --in: exit 2" 2 "$GENV" trace packet -f "$T" "$E5 / icmp"
check_exit "unknown port: exit 2" 2 "$GENV" trace packet -f "$T" --in nosuch "$E5 / icmp"
check_exit "underlay frame that is not Geneve: exit 2" 2 "$GENV" trace packet -f "$T" --in underlay "$E5 / tcp"
check_exit "bad packet language: exit 2" 2 "$GENV" trace packet -f "$T" --in tap0 "eth / ipv9"
check_exit "two packet sources: exit 2" 2 "$GENV" trace packet -f "$T" --in tap0 --hex 00 "$E5 / icmp"
check_exit "--from with a port: exit 2" 2 "$GENV" trace packet -f "$T" --in tap0 --from 10.0.0.1 "$E5 / icmp"
check_exit "raw IP from a port: exit 2" 2 "$GENV" trace packet -f "$T" --in tap0 "ipv4 / icmp"
check_exit "missing config file: exit 1" 1 "$GENV" trace packet -f "$tmp/none.genv" --in tap0 "$E5 / icmp"
check_exit "unknown subcommand: exit 2" 2 "$GENV" trace nosuch
check_exit "drops --reason unknown: exit 2" 2 "$GENV" trace drops --reason nosuch
check_exit "capture without IFACE: exit 2" 2 "$GENV" trace capture
"$GENV" trace packet -j -f "$T" --in nosuch "$E5 / icmp" >"$tmp/out" 2>/dev/null
/usr/bin/python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["schema"]==1 and "nosuch" in d["error"]["message"]' "$tmp/out" 2>/dev/null &&
	ok "JSON error with -j" || fail "JSON error with -j" "$(cat "$tmp/out")"
"$GENV" trace packet --socket "$tmp/no.sock" --in tap0 "$E5 / icmp" >/dev/null 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -q "no router listening on '$tmp/no.sock'" "$tmp/err" && ok "online without a router: exit 1, says so" ||
	fail "online without a router: exit 1, says so" "exit $rc: $(cat "$tmp/err")"
check_exit "drops without a router: exit 1" 1 "$GENV" trace drops --once --socket "$tmp/no.sock"

finish
