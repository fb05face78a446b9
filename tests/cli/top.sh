#!/usr/bin/env bash
# genv top: batch text and JSON over a crafted capture (exact counts per
# VNI, rates within tolerance), counter resets and reconnects against a
# scripted control socket, a real router on the loopback when it can
# bind, and the screen driven in a real terminal (tmux).  No root needed.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015,SC2317  # cleanup runs from the trap
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-top.XXXXXX)
TMUX_L=genv-top-test-$$
router_pid=
cleanup() {
	tmux -L "$TMUX_L" kill-server 2>/dev/null
	[ -n "$router_pid" ] && kill "$router_pid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
PY=/usr/bin/python3

# ---- fixtures: 2000 frames at 1000/s over VNIs 100-102 (two flows each),
# and 20 invalid frames in VNI 100 inside the same second ----
"$GENV" craft -q -c 2000 --rate 1000 --vary vni=100-102 --vary inner.sport=1000-1001 \
	-w "$tmp/good.pcap" 'geneve / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / udp dport=53 / payload len=10' ||
	fail "craft the fixture"
"$GENV" craft -q -c 20 --rate 100 -w "$tmp/bad.pcap" \
	'geneve vni=100 critical=0 opt=ovn:in=1,out=2 / eth / ipv4 / udp' || fail "craft the bad frames"
# merge by time (python: no mergecap needed)
$PY - "$tmp/good.pcap" "$tmp/bad.pcap" "$tmp/mix.pcap" <<-'EOF'
	import struct, sys
	def read(p):
	    d = open(p, 'rb').read(); o = 24; out = []
	    while o + 16 <= len(d):
	        s, us, cl, wl = struct.unpack('<IIII', d[o:o+16])
	        out.append(((s, us), d[o:o+16+cl])); o += 16 + cl
	    return d[:24], out
	h, a = read(sys.argv[1]); _, b = read(sys.argv[2])
	# the invalid frames start 0.5 s into the good ones
	t0 = a[0][0][0] * 1000000 + a[0][0][1] + 500000
	b0 = b[0][0][0] * 1000000 + b[0][0][1]
	def shift(r):
	    t = r[0][0] * 1000000 + r[0][1] - b0 + t0
	    return ((t // 1000000, t % 1000000), struct.pack('<II', t // 1000000, t % 1000000) + r[1][8:])
	b = [shift(r) for r in b]
	with open(sys.argv[3], 'wb') as f:
	    f.write(h)
	    for _, rec in sorted(a + b, key=lambda r: r[0]): f.write(rec)
EOF

# ---- batch text ----
out=$("$GENV" top -b --fast -d 3600 -r "$tmp/good.pcap" 2>&1)
check_eq "top -b: one snapshot for the whole capture" 1 "$(grep -c '^genv top - capture' <<<"$out")"
grep -q 'end of capture' <<<"$out" && ok "top -b: last snapshot says end of capture" ||
	fail "top -b: last snapshot says end of capture" "$out"
row() { awk -v v="$1" '$1 == v { print $3, $4, $5; exit }' <<<"$out"; }
check_eq "top -b: VNI 100 eps flows pkts" "2 2 667" "$(row 100)"
check_eq "top -b: VNI 101 eps flows pkts" "2 2 667" "$(row 101)"
check_eq "top -b: VNI 102 eps flows pkts" "2 2 666" "$(row 102)"

out=$("$GENV" top -b --fast -d 1 -r "$tmp/good.pcap" 2>&1)
check_eq "top -b -d 1: two snapshots of a 2 s capture" 2 "$(grep -c '^genv top - capture' <<<"$out")"
out=$("$GENV" top -b --fast -n 1 -d 1 -r "$tmp/good.pcap" 2>&1)
check_eq "top -b -n 1: one snapshot" 1 "$(grep -c '^genv top - capture' <<<"$out")"
check_eq "top -b -n 1: first second of VNI 100" "2 2 334" "$(row 100)"

# sorting: by packets, largest first, then by VNI; --reverse
out=$("$GENV" top -b --fast -d 3600 -s pkts -r "$tmp/good.pcap")
check_eq "top -s pkts: order" "100 101 102" "$(awk '/^ *VNI/ { t = 1; next } t && NF { printf "%s ", $1 }' <<<"$out" | sed 's/ $//')"
out=$("$GENV" top -b --fast -d 3600 --reverse -r "$tmp/good.pcap")
check_eq "top --reverse: order" "102 101 100" "$(awk '/^ *VNI/ { t = 1; next } t && NF { printf "%s ", $1 }' <<<"$out" | sed 's/ $//')"

# drops and flows
out=$("$GENV" top -b --fast -d 3600 --vni 100 -r "$tmp/mix.pcap")
grep -qE '^geneve\.critical_without_c +20 ' <<<"$out" && ok "top -b: drops by reason" ||
	fail "top -b: drops by reason" "$out"
grep -qE '^udp +10\.0\.0\.1:1000 +10\.0\.0\.2:53 +334 ' <<<"$out" && ok "top -b --vni: flows of the VPC" ||
	fail "top -b --vni: flows of the VPC" "$out"
check_eq "top -b: invalid frames are not rx" "2 2 667" "$(row 100)"
grep -qE '^udp +10\.0\.0\.1:1000 +10\.0\.0\.2:53 +334 .* - +- +- +-$' <<<"$out" &&
	ok "top -b --vni: a capture without genv options knows no endpoint, path or verdict" ||
	fail "top -b --vni: a capture without genv options knows no endpoint, path or verdict" "$out"
grep -qE '^PROTO .* AGE SRC-EP +DST-EP +PATH +VERDICT +POLICY$' <<<"$out" && ok "top -b --vni: flow columns" ||
	fail "top -b --vni: flow columns" "$out"

# what a capture tells of a flow's path: genv's eptype option (the source
# is an endpoint), RTS (via a bouncer or divider), --local (the peer)
"$GENV" craft -q -c 3 -w "$tmp/ind.pcap" 'eth / ipv4 src=192.0.2.1 dst=192.0.2.2 / udp dport=6081 / geneve vni=100 opt=eptype:simple opt=rts:host=192.0.2.1,mac=02:00:00:00:00:01 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / udp sport=5 dport=53' &&
	"$GENV" craft -q -c 2 -w "$tmp/dir.pcap" 'eth / ipv4 src=192.0.2.3 dst=192.0.2.1 / udp dport=6081 / geneve vni=100 opt=eptype:simple / eth / ipv4 src=10.0.0.3 dst=10.0.0.1 / udp sport=6 dport=53' ||
	fail "craft the path fixtures"
{ cat "$tmp/ind.pcap"; tail -c +25 "$tmp/dir.pcap"; } >"$tmp/paths.pcap"
out=$("$GENV" top -b --fast -d 3600 --vni 100 --local 192.0.2.1 -r "$tmp/paths.pcap" 2>&1)
grep -qE '^udp +10\.0\.0\.1:5 +10\.0\.0\.2:53 +3 .* 10\.0\.0\.1 +- +indirect@192\.0\.2\.2 +- +-$' <<<"$out" &&
	ok "top -r: RTS option: indirect path, eptype: source endpoint, --local: peer" ||
	fail "top -r: RTS option: indirect path, eptype: source endpoint, --local: peer" "$out"
grep -qE '^udp +10\.0\.0\.3:6 +10\.0\.0\.1:53 +2 .* 10\.0\.0\.3 +- +-@192\.0\.2\.3 +- +-$' <<<"$out" &&
	ok "top -r: no RTS option: path unknown, peer from --local" ||
	fail "top -r: no RTS option: path unknown, peer from --local" "$out"
out=$("$GENV" top -j --fast -d 3600 --vni 100 -r "$tmp/paths.pcap" 2>&1)
if $PY -c '
import json, sys
f = {x["sport"]: x for x in json.loads(sys.argv[1])["flows"]}
assert f[5]["src_ep"] == "10.0.0.1" and f[5]["dst_ep"] is None and f[5]["path"] == "indirect", f[5]
assert f[6]["path"] == "-" and f[6]["host"] is None and f[5]["host"] is None, f
assert all(x["verdict"] == "-" and x["reason"] is None for x in f.values()), f
' "$out"; then ok "top -j -r: flow endpoint, path and verdict keys"
else fail "top -j -r: flow endpoint, path and verdict keys" "$out"
fi

# ---- JSON ----
"$GENV" top -j --fast -d 1 --vni 101 -r "$tmp/mix.pcap" >"$tmp/j" 2>&1
if $PY - "$tmp/j" <<-'EOF'
	import json, sys
	docs = [json.loads(l) for l in open(sys.argv[1])]
	assert len(docs) == 2, len(docs)
	for d in docs:
	    assert d["schema"] == 1 and d["source"] == "capture"
	    for k in ("time", "elapsed", "interval", "end", "totals", "ports", "vpcs", "drops", "flows_vni", "flows"):
	        assert k in d, k
	first, last = docs
	v = {x["vni"]: x for x in first["vpcs"]}
	# 1000 frames in the first second: 334/333/333, all rx
	assert [v[n]["rx_packets"] for n in (100, 101, 102)] == [334, 333, 333]
	for n in (100, 101, 102):
	    r = v[n]["rx_pps"]
	    assert abs(r - 333.3) < 333.3 * 0.05, (n, r)
	    assert abs(v[n]["rx_bps"] - r * 8 * 102) < 1, v[n]
	    assert v[n]["reset"] is False
	assert abs(first["totals"]["rx_pps"] - 1000) < 50
	assert first["totals"]["drops"] == 20 and v[100]["drops"] == 20
	assert abs(first["totals"]["drops_ps"] - 20) < 1
	assert first["drops"] == [{"reason": "geneve.critical_without_c", "count": 20, "rate": first["drops"][0]["rate"]}]
	v = {x["vni"]: x for x in last["vpcs"]}
	assert last["end"] is True
	assert [v[n]["rx_packets"] for n in (100, 101, 102)] == [667, 667, 666]
	assert all(v[n]["endpoints"] == 2 and v[n]["flows"] == 2 for n in v)
	assert last["totals"]["frames"] == 2020 and last["totals"]["other"] == 0
	assert last["flows_vni"] == 101 and len(last["flows"]) == 2
	assert sum(f["packets"] for f in last["flows"]) == 667
	for f in last["flows"]:
	    assert f["src"] == "10.0.0.1" and f["dst"] == "10.0.0.2" and f["proto"] == 17
	    assert abs(f["pps"] - 166.7) < 166.7 * 0.1, f
EOF
then ok "top -j: valid JSON Lines, exact counts, rates within 5%"
else fail "top -j: valid JSON Lines, exact counts, rates within 5%" "$(head -c 300 "$tmp/j")"
fi
check_exit "top -j -p: pretty JSON parses" 0 \
	sh -c "'$GENV' top -p --fast -d 3600 -r '$tmp/good.pcap' | $PY -c 'import json,sys; json.load(sys.stdin)'"

# ---- usage and errors ----
check_exit "top without a terminal or -b: usage error" 2 "$GENV" top -r "$tmp/good.pcap"
check_exit "top -d 0: usage error" 2 "$GENV" top -b -d 0 -r "$tmp/good.pcap"
check_exit "top -s bogus: usage error" 2 "$GENV" top -b -s bogus -r "$tmp/good.pcap"
check_exit "top -r missing file: runtime failure" 1 "$GENV" top -b -r "$tmp/nope.pcap"
check_exit "top -b without a router: runtime failure" 1 "$GENV" top -b -n 1 -S "$tmp/none.sock"
check_exit "top -b | head: quiet success" 0 \
	bash -o pipefail -c "'$GENV' top -b --fast -d 0.1 -r '$tmp/good.pcap' | head -n 1 >/dev/null"

# ---- counter resets and reconnects: a scripted control socket ----
# JSON replies to "show top" in order (router/ctl.h wire format; top asks for JSON).  VPC 100 rx:
# 1000 (baseline), 1300, 100 (went back: clear stats), 400, 700, then the
# connection closes and the next reply, 100000 on a new connection (a
# restarted router), is a new baseline too.
$PY - "$tmp/fake.sock" >"$tmp/fake.log" 2>&1 <<-'EOF' &
	import json, socket, sys
	vals = [1000, 1300, 100, 400, 700, 100000, 100300]
	srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	srv.bind(sys.argv[1]); srv.listen(4); srv.settimeout(20)
	i = 0
	while i < len(vals):
	    c, _ = srv.accept(); buf = b""
	    while i < len(vals):
	        while b"\n" not in buf:
	            d = c.recv(4096)
	            if not d: break
	            buf += d
	        if b"\n" not in buf: break
	        buf = buf[buf.index(b"\n") + 1:]
	        v = vals[i]
	        body = json.dumps({"schema": 1, "now_ns": 1,
	            "stats": {"port_rx": 0, "underlay_rx": 0, "delivered": 0, "forwarded": 0, "drops": v // 10, "tx_errors": 0},
	            "ports": [],
	            "vpcs": [{"vni": 100, "name": "blue", "endpoints": 3, "flows": 1, "rx_packets": v,
	                      "rx_bytes": v * 100, "tx_packets": 0, "tx_bytes": 0, "drops": v // 10}],
	            "drops": {"route.none": v // 10, "spoof.ip": 0}, "flows": []}).encode()
	        c.sendall(b"0 %d\n" % len(body) + body)
	        i += 1
	        if i == 5: break     # close: top must reconnect
	    c.close()
EOF
fake_pid=$!
for _ in $(seq 50); do [ -S "$tmp/fake.sock" ] && break; sleep 0.1; done
"$GENV" top -j -n 6 -d 0.3 -S "$tmp/fake.sock" >"$tmp/r.json" 2>"$tmp/r.err"
wait "$fake_pid" 2>/dev/null
if $PY - "$tmp/r.json" <<-'EOF'
	import json, sys
	docs = [json.loads(l) for l in open(sys.argv[1])]
	assert len(docs) == 6, len(docs)
	want = [(300, False), (None, True), (300, False), (300, False), (None, True), (300, False)]
	for d, (delta, reset) in zip(docs, want):
	    assert d["source"] == "router"
	    v = d["vpcs"][0]
	    assert v["vni"] == 100 and v["name"] == "blue" and v["endpoints"] == 3
	    assert v["reset"] is reset, (v, reset)
	    if delta is None:
	        assert v["rx_pps"] == 0 and v["rx_bps"] == 0 and v["drops_ps"] == 0
	    else:
	        # the rate is the delta over the measured interval, exactly
	        assert abs(v["rx_pps"] * d["interval"] - delta) < 1e-4 * delta, (v, d["interval"])  # JSON keeps 6 digits
	        assert abs(v["rx_bps"] * d["interval"] - delta * 800) < 1e-4 * delta * 800
	        assert abs(v["drops_ps"] * d["interval"] - delta / 10) < 1e-4 * delta
	        assert 0.2 < d["interval"] < 1.0
	assert abs(docs[2]["drops"][0]["rate"] * docs[2]["interval"] - 30) < 1e-3
EOF
then ok "top: counter that goes back and a reconnect start new baselines"
else fail "top: counter that goes back and a reconnect start new baselines" "$(cat "$tmp/r.err" "$tmp/fake.log"; head -c 400 "$tmp/r.json")"
fi

# ---- the policy column: what the router says decided each flow ----
# (the server is kept in a file: the screen test below runs it again)
cat >"$tmp/pol.py" <<-'EOF'
	import json, socket, sys
	srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
	srv.bind(sys.argv[1]); srv.listen(4); srv.settimeout(20)
	def flow(sport, verdict, reason, policy, rule):
	    return {"vni": 100, "proto": 6, "src": "10.0.1.6", "sport": sport, "dst": "10.0.1.5", "dport": 80,
	            "packets": 1, "bytes": 60, "first_ns": 1, "last_ns": 1, "src_ep": "10.0.1.6", "dst_ep": "10.0.1.5",
	            "path": "local", "host": None, "verdict": verdict, "reason": reason,
	            "policy": policy, "policy_rule": rule}
	body = json.dumps({"schema": 1, "now_ns": 1,
	    "stats": {"port_rx": 0, "underlay_rx": 0, "delivered": 0, "forwarded": 0, "drops": 0, "tx_errors": 0},
	    "ports": [], "vpcs": [{"vni": 100, "name": "blue", "endpoints": 2, "flows": 3, "rx_packets": 3,
	                           "rx_bytes": 180, "tx_packets": 0, "tx_bytes": 0, "drops": 1}],
	    "drops": {"policy.ingress_denied": 1},
	    "flows": [flow(4000, "deliver", None, "allow", "prod/web ingress rule 2"),
	              flow(4001, "drop", "policy.ingress_denied", "deny", None),
	              flow(4002, "deliver", None, "tracked", None)]}).encode()
	srv.settimeout(5)
	try:
	    while True:    # every request on every connection, until top is done
	        c, _ = srv.accept(); buf = b""
	        while True:
	            while b"\n" not in buf:
	                d = c.recv(4096)
	                if not d: break
	                buf += d
	            if b"\n" not in buf: break
	            buf = buf[buf.index(b"\n") + 1:]
	            c.sendall(b"0 %d\n" % len(body) + body)
	        c.close()
	except socket.timeout:
	    pass
EOF
$PY "$tmp/pol.py" "$tmp/pol.sock" >"$tmp/pol.log" 2>&1 &
pol_pid=$!
for _ in $(seq 50); do [ -S "$tmp/pol.sock" ] && break; sleep 0.1; done
out=$("$GENV" top -b -n 1 --vni 100 -S "$tmp/pol.sock" 2>&1)
grep -qE ':4000 .* deliver +allow prod/web ingress rule 2$' <<<"$out" &&
	grep -qE ':4001 .* drop:policy.ingress_denied +deny$' <<<"$out" &&
	grep -qE ':4002 .* deliver +tracked$' <<<"$out" &&
	ok "top -b: the policy column names the rule, deny and tracked" ||
	fail "top -b: the policy column names the rule, deny and tracked" "$out"
# a description longer than its column is cut with "...", never mid-word silently
grep -qE '^policy\.ingress_denied +1 +0\.0 no network policy of the destination endpoint .*[^.]\.\.\.$' <<<"$out" &&
	ok "top -b: a cut cell ends in ..." || fail "top -b: a cut cell ends in ..." "$out"
out=$("$GENV" top -j -n 1 --vni 100 -S "$tmp/pol.sock" 2>&1)
if $PY -c '
import json, sys
f = {x["sport"]: x for x in json.loads(sys.argv[1])["flows"]}
assert f[4000]["policy"] == "allow" and f[4000]["policy_rule"] == "prod/web ingress rule 2", f[4000]
assert f[4001]["policy"] == "deny" and f[4001]["policy_rule"] is None, f[4001]
assert f[4002]["policy"] == "tracked" and f[4002]["policy_rule"] is None, f[4002]
' "$out"; then ok "top -j: policy and policy_rule per flow"; else fail "top -j: policy and policy_rule per flow" "$out"; fi
kill "$pol_pid" 2>/dev/null
wait "$pol_pid" 2>/dev/null

# ---- a real router on the loopback (no namespace): known traffic ----
send_geneve() {	# send_geneve COUNT RATE: Geneve payloads to 127.0.0.1:6081
	$PY - "$1" "$2" "$("$GENV" craft --hex 'geneve vni=100 / eth / ipv4 src=10.0.0.1 dst=10.0.0.2 / udp sport=1000 dport=53 / payload len=10')" <<-'EOF'
		import socket, sys, time
		n, rate, frame = int(sys.argv[1]), float(sys.argv[2]), bytes.fromhex(sys.argv[3])
		s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); t0 = time.monotonic()
		for i in range(n):
		    d = t0 + i / rate - time.monotonic()
		    if d > 0: time.sleep(d)
		    s.sendto(frame[42:], ("127.0.0.1", 6081))
	EOF
}
if ! $PY -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 6081))' 2>/dev/null; then
	skip "top against a router" "127.0.0.1:6081 is in use"
else
	"$GENV" route run -S "$tmp/r.sock" >"$tmp/route.log" 2>&1 &
	router_pid=$!
	for _ in $(seq 50); do [ -S "$tmp/r.sock" ] && break; sleep 0.1; done
	# the Geneve comes from the loopback, a source no endpoint: 127.0.0.1 is a peer
	if "$GENV" route -S "$tmp/r.sock" add vpc 100 name blue cidr 10.0.0.0/16 peers 127.0.0.1 >/dev/null 2>&1 &&
		"$GENV" route -S "$tmp/r.sock" set host addr 127.0.0.1 >/dev/null 2>&1; then
		send_geneve 600 200 &
		send_pid=$!
		sleep 0.3
		"$GENV" top -j -n 2 -d 1 --vni 100 -S "$tmp/r.sock" >"$tmp/rt1.json" 2>&1
		wait "$send_pid"
		sleep 0.2
		"$GENV" top -j -n 1 -d 0.2 -S "$tmp/r.sock" >"$tmp/rt2.json" 2>&1
		if $PY - "$tmp/rt1.json" "$tmp/rt2.json" <<-'EOF'
			import json, sys
			during = [json.loads(l) for l in open(sys.argv[1])]
			after = json.loads(open(sys.argv[2]).readline())
			assert len(during) == 2
			for d in during:
			    v = d["vpcs"][0]
			    assert v["vni"] == 100 and v["name"] == "blue"
			    assert abs(v["rx_pps"] - 200) < 200 * 0.15, v
			    assert abs(v["drops_ps"] - 200) < 200 * 0.15, v
			    assert d["flows_vni"] == 100 and len(d["flows"]) == 1
			    f = d["flows"][0]
			    # from the underlay, for an unknown address this host routes nothing to
			    assert f["src_ep"] is None and f["dst_ep"] is None, f
			    assert f["path"] == "-" and f["host"] is None, f
			    assert f["verdict"] == "drop" and f["reason"] == "route.not_local", f
			v = after["vpcs"][0]
			assert v["rx_packets"] == 600 and v["drops"] == 600, v
			assert after["drops"] == [{"reason": "route.not_local", "count": 600, "rate": 0}], after["drops"]
		EOF
		then ok "top against a router: counts exact, rates within 15%, flow verdict"
		else fail "top against a router: counts exact, rates within 15%, flow verdict" "$(head -c 400 "$tmp/rt1.json"; tail -n 3 "$tmp/route.log")"
		fi
	else
		skip "top against a router" "router did not start: $(tail -n 1 "$tmp/route.log")"
	fi
	kill "$router_pid" 2>/dev/null
	wait "$router_pid" 2>/dev/null
	router_pid=
fi

# ---- the screen, in tmux ----
if ! command -v tmux >/dev/null; then
	skip "top screen in tmux" "tmux not installed"
	finish
fi
T() { tmux -L "$TMUX_L" "$@" 2>/dev/null; }
pane() { T capture-pane -p -t top; }
# wait_for NAME REGEX: ok when the pane shows REGEX within 5 s
wait_for() {
	local _
	for _ in $(seq 50); do
		pane | grep -qE -- "$2" && { ok "$1"; return 0; }
		T has-session -t top || break
		sleep 0.1
	done
	fail "$1" "pane: $(pane | grep -v '^$' | head -n 12 | tr '\n' '|')"
	return 1
}
keys() { T send-keys -t top "$@"; sleep 0.3; }

T new-session -d -s top -x 100 -y 30 \
	"'$GENV' top -r '$tmp/mix.pcap'; echo EXIT=\$?; stty -a | tr ' ;' '\n\n' | grep -xE 'icanon|echo|-icanon|-echo' | tr '\n' ' '; echo; sleep 60"
wait_for "screen: header and VPC rows" '^ +100 blue|^ +100 -'
wait_for "screen: plays the capture to its end" 'end of capture'
pane >"$tmp/p1"
grep -q '^genv top - capture' "$tmp/p1" && grep -q '^Totals: 3 vpcs' "$tmp/p1" && grep -q '^Capture: 2020 frames' "$tmp/p1" &&
	ok "screen: title, totals, capture lines" || fail "screen: title, totals, capture lines" "$(head -n 4 "$tmp/p1" | tr '\n' '|')"
first_row() { pane | awk '/^ +VNI/ { getline; print $1; exit }'; }
# wait_row NAME WANT: the first row's VNI becomes WANT within 5 s
wait_row() {
	local _ got
	for _ in $(seq 50); do
		got=$(first_row)
		[ "$got" = "$2" ] && break
		sleep 0.1
	done
	check_eq "$1" "$2" "$got"
}
wait_row "screen: sorted by VNI" 100
keys r
wait_row "screen: r reverses" 102
keys r s
wait_for "screen: s sorts by the next column" 'sort NAME'
keys '<'
wait_for "screen: < sorts by the previous column" 'sort VNI'
keys '<'
wait_for "screen: < wraps to the last column" 'sort DROP/s'
wait_row "screen: busiest drops first" 100
keys '<' '<' '<' '<' '<' '<' '<' '<' '<'
wait_for "screen: back to VNI" 'sort VNI'
keys / 1 0 1 Enter
wait_for "screen: / filters rows" "filter '101': 1 rows"
pane | grep -qE '^ +100 ' && fail "screen: filter hides other rows" || ok "screen: filter hides other rows"
keys /
wait_for "screen: the / prompt starts empty, not with the current filter" '^filter \(Enter apply, Esc cancel\): *$'
keys Enter
wait_for "screen: empty filter shows all" '^ +102 '
keys Down Enter
wait_for "screen: Enter shows the selected VPC's flows" 'VPC 101 flows: 2'
wait_for "screen: flow rows" '^udp +10\.0\.0\.1:100[01] +10\.0\.0\.2:53 '
keys Right Right Right Right Right Right Right Right
wait_for "screen: Right scrolls to the endpoint, path and verdict columns" '^SRC-EP +DST-EP +PATH +VERDICT'
wait_for "screen: scrolled flow rows" '^- +- +- +- +-$'
keys Right Right Right Right Right Right Right Right
wait_for "screen: Right stops once the last column is on screen" '^PATH +VERDICT +POLICY'
keys Left Left
keys Left Left Left Left Left Left Left Left
wait_for "screen: Left scrolls back" '^PROTO +SOURCE '
pane | grep -q 'VPC 101 flows' && ok "screen: Left at the first column stays until then" ||
	fail "screen: Left at the first column stays until then" "$(pane | head -n 6 | tr '\n' '|')"
keys Escape
wait_for "screen: Esc goes back" '^\[VPCs\]'
keys D
wait_for "screen: D shows drops by reason" '^geneve\.critical_without_c +20 '
T resize-window -t top -x 60 -y 30
wait_for "screen: a description cut at the screen's edge ends in ..." '^geneve\.critical_without_c +20 +[0-9.]+ critical o\.\.\.$'
T resize-window -t top -x 55 -y 30
wait_for "screen: a column title cut at the edge ends in ..." '^REASON +COUNT +RATE/s DESCR\.\.\.$'
T resize-window -t top -x 100 -y 30
wait_for "screen: the description whole when it fits" '^geneve\.critical_without_c +20 +[0-9.]+ critical option present but the C bit is clear$'
keys D
wait_for "screen: D again goes back" '^\[VPCs\]'
keys h
wait_for "screen: h shows the keys" 'genv top - keys'
keys x
pane | grep -q 'genv top - keys' && fail "screen: any key closes the help" || ok "screen: any key closes the help"
keys p
wait_for "screen: p pauses" 'PAUSED'
keys p
T resize-window -t top -x 60 -y 15
for _ in $(seq 50); do
	pane >"$tmp/p2"
	[ "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/p2")" = 60 ] &&
		grep -qE '^ +100 ' "$tmp/p2" && break
	sleep 0.1
done
check_eq "screen: resized to 60 columns" 60 "$(awk '{ if (length($0) > m) m = length($0) } END { print m }' "$tmp/p2")"
grep -q '^genv top - capture' "$tmp/p2" && grep -qE '^ +100 ' "$tmp/p2" &&
	ok "screen: redrawn after resize" || fail "screen: redrawn after resize" "$(tr '\n' '|' <"$tmp/p2")"
T resize-window -t top -x 30 -y 6
wait_for "screen: too small says so" '^too small: 30x6, need 40x8$'
T resize-window -t top -x 50 -y 6
wait_for "screen: too small, whole when it fits" '^terminal too small \(50x6, need 40x8\)$'
T resize-window -t top -x 12 -y 6
wait_for "screen: too small, one word a line rather than cut" '^need$'
pane | grep -qx '40x8' && pane | grep -qx 'too small:' && ok "screen: too small message never cut mid-word" ||
	fail "screen: too small message never cut mid-word" "$(pane | tr '\n' '|')"
T resize-window -t top -x 100 -y 30
wait_for "screen: back to full size" '^Totals: 3 vpcs'
keys q
wait_for "screen: q quits with status 0" '^EXIT=0'
pane | grep -q '^genv top - capture' && fail "screen: the terminal's screen is restored" ||
	ok "screen: the terminal's screen is restored"
wait_for "screen: terminal modes restored (icanon echo)" '^icanon echo'
T kill-session -t top

# a description longer than the batch column (60) is whole when the screen has room
$PY "$tmp/pol.py" "$tmp/pol2.sock" >"$tmp/pol2.log" 2>&1 &
pol_pid=$!
for _ in $(seq 50); do [ -S "$tmp/pol2.sock" ] && break; sleep 0.1; done
T new-session -d -s top -x 200 -y 30 "'$GENV' top -S '$tmp/pol2.sock'; sleep 60"
wait_for "screen on a router: starts" '^ +100 blue'
keys D
wait_for "screen: a long description whole on a wide screen (not cut at 60)" \
	'^policy\.ingress_denied +1 +[0-9.]+ no network policy of the destination endpoint [^.]*[a-z)]$'
T resize-window -t top -x 80 -y 30
wait_for "screen: and cut with ... at a narrow one" '^policy\.ingress_denied +1 +[0-9.]+ no network [a-z ]{19}\.\.\.$'
T send-keys -t top q
T kill-session -t top
kill "$pol_pid" 2>/dev/null
wait "$pol_pid" 2>/dev/null

# colour, and none with NO_COLOR (SGR 30-37/40-47 are colours)
for nc in "" 1; do
	T new-session -d -s top -x 100 -y 30 "NO_COLOR=$nc '$GENV' top --fast -r '$tmp/good.pcap'; sleep 60"
	wait_for "screen${nc:+ with NO_COLOR}: starts" 'end of capture'
	if T capture-pane -e -p -t top | grep -qE $'\e\\[([0-9;]*;)?[34][0-7](;[0-9;]*)?m'; then
		[ -z "$nc" ] && ok "screen: colour" || fail "screen with NO_COLOR: no colour"
	else
		[ -z "$nc" ] && fail "screen: colour" || ok "screen with NO_COLOR: no colour"
	fi
	T send-keys -t top q
	T kill-session -t top
done

finish
