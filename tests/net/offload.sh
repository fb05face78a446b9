#!/bin/bash
# genv offload against ethtool(8) on lo, veth, tap, dummy, bridge, macvlan,
# vxlan, geneve and ifb devices in a private network namespace: every
# feature's active and fixed state as `ethtool -k` shows it, UDP tunnel port
# tables (--show-tunnels), RSS fields for udp4/udp6 (-n rx-flow-hash), the driver as `ethtool -i` shows it,
# the drop/error counters (-S) and --interval deltas, a
# set/reset round trip on a veth, JSON validity and keys, exit statuses.
# Needs root; skips (77) without it or without `ip netns`.
. tests/lib.sh

GENV=$(readlink -f "$GENV")
NS=genv-off-$$
TMP=

require offload root ethtool
if ! ip netns add "$NS" 2>/dev/null; then
	skip "offload" "ip netns add failed"
	finish
fi
cleanup() {
	ip netns del "$NS" 2>/dev/null
	[ -n "$TMP" ] && rm -rf "$TMP"
}
trap cleanup EXIT
TMP=$(mktemp -d /tmp/genv-off.XXXXXX)

nsx() { ip netns exec "$NS" "$@"; }

nsx ip link set lo up
nsx ip link add v0 type veth peer name v1
nsx ip link set v0 up
nsx ip link set v1 up
devs="lo v0"
if nsx ip tuntap add t0 mode tap 2>/dev/null; then devs="$devs t0"; else skip "tap" "cannot create a tap device"; fi
if nsx ip link add d0 type dummy 2>/dev/null; then devs="$devs d0"; else skip "dummy" "kernel has no dummy driver"; fi
if nsx ip link add br0 type bridge 2>/dev/null; then devs="$devs br0"; else skip "bridge" "cannot create a bridge"; fi
if nsx ip link add link v0 name mv0 type macvlan mode bridge 2>/dev/null; then
	devs="$devs mv0"
else
	skip "macvlan" "cannot create a macvlan device"
fi
if nsx ip link add vx0 type vxlan id 42 dstport 4789 local 127.0.0.1 2>/dev/null; then
	devs="$devs vx0"
else
	skip "vxlan" "cannot create a vxlan device"
fi
if nsx ip link add gn0 type geneve id 42 remote 127.0.0.2 2>/dev/null; then
	devs="$devs gn0"
else
	skip "geneve" "cannot create a geneve device"
fi
if nsx ip link add ifb0 type ifb 2>/dev/null; then devs="$devs ifb0"; else skip "ifb" "kernel has no ifb driver"; fi

# compare_nic DEV RC: the drop/error counters against ethtool -S, filtered
# with the same words (genv-offload(8)).
compare_nic() {
	python3 - "$TMP/$1.json" "$TMP/$1.S" "$2" <<'EOF2'
import json, re, sys
n = json.load(open(sys.argv[1]))['nic_counters']
text, rc = open(sys.argv[2]).read(), int(sys.argv[3])
words = ['drop', 'discard', 'err', 'miss', 'fifo', 'overrun', 'overflow', 'lost', 'crc', 'timeout', 'fail']
if rc != 0:
    print('ok not supported' if not n['supported'] and n['counters'] is None else 'supported, but ethtool -S failed: %r' % n)
    sys.exit()
allc = dict((m.group(1), int(m.group(2))) for m in re.finditer(r'^\s+(\S[^:]*):\s+(\d+)$', text, re.M))
want = dict((k, v) for k, v in allc.items() if any(w in k.lower() for w in words))
got = dict((k, v['value']) for k, v in (n['counters'] or {}).items())
if n['supported'] and got == want and n['total'] == len(allc):
    print('ok %d of %d' % (len(want), len(allc)))
else:
    print('genv %r (total %r), ethtool %r (total %d)' % (got, n['total'], want, len(allc)))
EOF2
}

# compare_tunnels DEV: the UDP tunnel port tables against ethtool --show-tunnels.
compare_tunnels() {
	python3 - "$TMP/$1.json" "$TMP/$1.tun" "$2" <<'EOF2'
import json, re, sys
t = json.load(open(sys.argv[1]))['tunnels']
text, rc = open(sys.argv[2]).read(), int(sys.argv[3])
if rc != 0:
    ok = not t['supported'] and t['geneve_port_listed'] is None
    print('ok unsupported' if ok else 'ethtool: unsupported (%s), genv %s' % (text.strip()[:80], t))
    sys.exit()
eth = []
for line in text.splitlines():
    m = re.match(r'\s*UDP port table (\d+)', line)
    if m: eth.append({'size': None, 'types': [], 'entries': []})
    m = re.match(r'\s*Size: (\d+)', line)
    if m: eth[-1]['size'] = int(m.group(1))
    m = re.match(r'\s*Types: (.*)', line)
    if m: eth[-1]['types'] = [x.strip() for x in m.group(1).split(',') if x.strip() != 'none']
    m = re.match(r'\s*port (\d+), (\S+)', line)
    if m: eth[-1]['entries'].append((int(m.group(1)), m.group(2)))
got = [{'size': x['size'], 'types': x['types'], 'entries': [(e['port'], e['type']) for e in x['entries']]}
       for x in t['tables']]
print('ok %d tables' % len(got) if got == eth else 'genv %s ethtool %s' % (got, eth))
EOF2
}

# compare_rxfh DEV FLOW: RSS fields for udp4/udp6 against ethtool -n DEV rx-flow-hash FLOW.
compare_rxfh() {
	python3 - "$TMP/$1.json" "$TMP/$1.$2" "$2" "$3" <<'EOF2'
import json, sys
r = json.load(open(sys.argv[1]))['rx_flow_hash'][sys.argv[3]]
text, rc = open(sys.argv[2]).read(), int(sys.argv[4])
if rc != 0:
    print('ok unsupported' if not r['supported'] and r['src_port_hashed'] is None
          else 'ethtool unsupported, genv %s' % r)
    sys.exit()
names = {'L2DA': 'l2-da', 'VLAN tag': 'vlan', 'L3 proto': 'l3-proto', 'IP SA': 'ip-src', 'IP DA': 'ip-dst',
         'L4 bytes 0 & 1 [TCP/UDP src port]': 'l4-src-port', 'L4 bytes 2 & 3 [TCP/UDP dst port]': 'l4-dst-port'}
eth = sorted(names[l.strip()] for l in text.splitlines() if l.strip() in names)
got = sorted(r['fields'])
print('ok' if got == eth and r['src_port_hashed'] == ('l4-src-port' in eth)
      else 'genv %s ethtool %s' % (got, eth))
EOF2
}

# compare_features DEV: genv's features against ethtool -k, both directions.
compare_features() {
	python3 - "$TMP/$1.json" "$TMP/$1.k" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
# ethtool shows some single-feature groups under their legacy names
alias = {
    'rx-checksum': 'rx-checksumming', 'tx-generic-segmentation': 'generic-segmentation-offload',
    'rx-gro': 'generic-receive-offload', 'rx-lro': 'large-receive-offload',
    'rx-vlan-hw-parse': 'rx-vlan-offload', 'tx-vlan-hw-insert': 'tx-vlan-offload',
    'rx-ntuple-filter': 'ntuple-filters', 'rx-hashing': 'receive-hashing',
    'tx-udp-fragmentation': 'udp-fragmentation-offload',
}
groups = {'tx-checksumming', 'scatter-gather', 'tcp-segmentation-offload'}
eth = {}
for line in open(sys.argv[2]):
    m = re.match(r'^\s*([\w-]+): (on|off)( \[fixed\])?', line)
    if m:
        eth[m.group(1)] = (m.group(2) == 'on', bool(m.group(3)))
bad, seen = [], set()
for f in doc['features']:
    name = f['name']
    key = name if name in eth else alias.get(name)
    if key not in eth:
        bad.append(name + ' missing from ethtool -k')
        continue
    seen.add(key)
    if eth[key] != (f['active'], f['fixed']):
        bad.append('%s: genv active=%s fixed=%s, ethtool %s' % (name, f['active'], f['fixed'], eth[key]))
for key in eth:
    if key not in seen and key not in groups:
        bad.append(key + ' (ethtool -k) missing from genv')
if not doc['features']:
    bad.append('no features')
print('; '.join(bad[:5]) if bad else 'ok %d' % len(doc['features']))
EOF
}

# compare_settings DEV: channels (ethtool -l), rings (-g), speed, duplex and
# link detection (ethtool DEV) against genv's JSON.
compare_settings() {
	python3 - "$TMP/$1.json" "$TMP/$1.l" "$TMP/$1.g" "$TMP/$1.s" <<'EOF'
import json, re, sys
doc = json.load(open(sys.argv[1]))
bad = []
def sections(path, names):
    """{'max': {...}, 'cur': {...}} from ethtool -l/-g output, or None if unsupported"""
    text = open(path).read()
    if 'Pre-set maximums' not in text:
        return None
    out, cur = {'max': {}, 'cur': {}}, None
    for line in text.splitlines():
        if line.startswith('Pre-set maximums'): cur = 'max'
        elif line.startswith('Current hardware settings'): cur = 'cur'
        else:
            m = re.match(r'^([A-Za-z ]+):\s+(\S+)', line)
            if cur and m and m.group(1) in names:
                out[cur][names[m.group(1)]] = 0 if m.group(2) == 'n/a' else int(m.group(2))
    return out
for key, path, names in [
        ('channels', sys.argv[2], {'RX': 'rx', 'TX': 'tx', 'Other': 'other', 'Combined': 'combined'}),
        ('rings', sys.argv[3], {'RX': 'rx', 'RX Mini': 'rx_mini', 'RX Jumbo': 'rx_jumbo', 'TX': 'tx'})]:
    eth, g = sections(path, names), doc[key]
    if eth is None:
        if g['supported']:
            bad.append(key + ': ethtool says unsupported, genv supported')
        continue
    if not g['supported']:
        bad.append(key + ': genv says unsupported')
        continue
    for k, v in eth['cur'].items():
        if g[k] != v: bad.append('%s.%s genv %s ethtool %s' % (key, k, g[k], v))
    for k, v in eth['max'].items():
        if g['max_' + k] != v: bad.append('%s.max_%s genv %s ethtool %s' % (key, k, g['max_' + k], v))
text, link = open(sys.argv[4]).read(), doc['link']
m = re.search(r'Speed: (\d+)Mb/s', text)
if link['supported'] and m and link['speed'] != int(m.group(1)):
    bad.append('speed genv %s ethtool %s' % (link['speed'], m.group(1)))
m = re.search(r'Duplex: (\w+)', text)
if link['supported'] and m and m.group(1).lower() in ('full', 'half') and link['duplex'] != m.group(1).lower():
    bad.append('duplex genv %s ethtool %s' % (link['duplex'], m.group(1)))
m = re.search(r'Link detected: (yes|no)', text)
if m and link['detected'] != (m.group(1) == 'yes'):
    bad.append('link detected genv %s ethtool %s' % (link['detected'], m.group(1)))
print('; '.join(bad[:5]) if bad else 'ok')
EOF
}

for d in $devs; do
	if ! nsx "$GENV" offload -j "$d" >"$TMP/$d.json" 2>"$TMP/$d.err"; then
		fail "$d: genv offload -j" "$(head -c 300 "$TMP/$d.err")"
		continue
	fi
	nsx ethtool -k "$d" >"$TMP/$d.k" 2>&1
	res=$(compare_features "$d")
	case $res in
	ok*) ok "$d: every feature matches ethtool -k (${res#ok })" ;;
	*) fail "$d: features match ethtool -k" "$res" ;;
	esac

	nsx ethtool -l "$d" >"$TMP/$d.l" 2>&1
	nsx ethtool -g "$d" >"$TMP/$d.g" 2>&1
	nsx ethtool "$d" >"$TMP/$d.s" 2>&1
	res=$(compare_settings "$d")
	check_eq "$d: channels, rings and link match ethtool -l, -g and ethtool" ok "$res"

	nsx ethtool --show-tunnels "$d" >"$TMP/$d.tun" 2>&1
	res=$(compare_tunnels "$d" $?)
	case $res in
	ok*) ok "$d: UDP tunnel port tables match ethtool --show-tunnels (${res#ok })" ;;
	*) fail "$d: UDP tunnel port tables match ethtool --show-tunnels" "$res" ;;
	esac
	for flow in udp4 udp6; do
		nsx ethtool -n "$d" rx-flow-hash $flow >"$TMP/$d.$flow" 2>&1
		res=$(compare_rxfh "$d" $flow $?)
		case $res in
		ok*) ok "$d: RSS hash fields for $flow match ethtool -n rx-flow-hash $flow" ;;
		*) fail "$d: RSS hash fields for $flow match ethtool -n rx-flow-hash $flow" "$res" ;;
		esac
	done

	nsx ethtool -S "$d" >"$TMP/$d.S" 2>&1
	res=$(compare_nic "$d" $?)
	case $res in
	ok*) ok "$d: NIC drop/error counters match ethtool -S (${res#ok })" ;;
	*) fail "$d: NIC drop/error counters match ethtool -S" "$res" ;;
	esac

	want=$(nsx ethtool -i "$d" 2>/dev/null | sed -n 's/^driver: //p')
	got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))["driver"]; print(d["name"] or "")' \
		"$TMP/$d.json" 2>/dev/null)
	check_eq "$d: driver matches ethtool -i (${want:-not supported})" "$want" "$got"

	if python3 -m json.tool "$TMP/$d.json" >/dev/null 2>&1 &&
	   python3 - "$TMP/$d.json" <<'EOF'
import json, sys
d = json.load(open(sys.argv[1]))
need = ['schema', 'ifname', 'driver', 'features', 'channels', 'rings', 'link', 'xdp', 'geneve',
        'tunnels', 'rx_flow_hash']
assert all(k in d for k in need), [k for k in need if k not in d]
assert d['schema'] == 1
for f in d['features']:
    assert set(f) >= {'name', 'available', 'requested', 'active', 'fixed'}
g = d['geneve']
for k in ['udp_tnl_segmentation', 'udp_tnl_csum_segmentation', 'tx_checksum',
          'udp_tunnel_port_offload', 'gro', 'xsk_zerocopy', 'fix', 'endpoint_mtu']:
    assert k in g, k
m = g['endpoint_mtu']
assert m['ipv4'] == max(d['mtu'] - 50, 0) and m['ipv6'] == max(d['mtu'] - 70, 0), m
EOF
	then
		ok "$d: -j is valid JSON with the required keys"
	else
		fail "$d: -j is valid JSON with the required keys"
	fi

	if nsx "$GENV" offload "$d" >"$TMP/$d.txt" 2>&1 && grep -q '^Geneve:' "$TMP/$d.txt" &&
	   grep -q 'endpoint MTU' "$TMP/$d.txt"; then
		ok "$d: text output has the Geneve summary"
	else
		fail "$d: text output has the Geneve summary" "$(head -c 300 "$TMP/$d.txt")"
	fi
done

# --interval: the counters every interval with their change, --count samples
t0=$(date +%s%N)
nsx "$GENV" offload v0 --interval 200 --count 2 -j >"$TMP/watch.json" 2>&1
rc=$?
ms=$((($(date +%s%N) - t0) / 1000000))
res=$(python3 - "$TMP/watch.json" <<'EOF'
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1])]
assert [d['sample'] for d in docs] == [1, 2], docs
for d in docs:
    c = d['nic_counters']['counters']
    assert d['interval_ms'] == 200 and c and all(v['delta'] == 0 for v in c.values()), d
    assert 'rx_queue_0_drops' in c, sorted(c)
print('ok')
EOF
)
check_eq "--interval 200 --count 2: two samples of v0's counters with deltas (exit $rc)" "ok 0" "$res $rc"
[ "$ms" -ge 400 ] && [ "$ms" -lt 3000 ] && ok "--interval 200 --count 2 takes about 400 ms (${ms} ms)" ||
	fail "--interval 200 --count 2 takes about 400 ms" "${ms} ms"
out=$(nsx "$GENV" offload v0 --interval 100 -c 1 2>&1)
grep -q '^  rx_queue_0_drops  *[0-9][0-9]*  +0$' <<<"$out" && ok "--interval text: value and +change per counter" ||
	fail "--interval text: value and +change per counter" "$out"
check_exit "--interval on a device without ethtool -S (lo): exit 1" 1 nsx "$GENV" offload lo --interval 100 -c 1
check_exit "--interval without an interface: exit 2" 2 nsx "$GENV" offload --interval 100
check_exit "--count without --interval: exit 2" 2 nsx "$GENV" offload v0 --count 2
check_exit "--interval 5 (below 10 ms): exit 2" 2 nsx "$GENV" offload v0 --interval 5

# Brief listing of every interface, text and JSON.
if out=$(nsx "$GENV" offload 2>&1) && echo "$out" | grep -q '^v0 ' && echo "$out" | grep -q '^lo '; then
	ok "no interface: lists all interfaces"
else
	fail "no interface: lists all interfaces" "$out"
fi
if nsx "$GENV" offload -j | python3 -c '
import json, sys
d = json.load(sys.stdin)
names = {i["ifname"] for i in d["interfaces"]}
assert d["schema"] == 1 and {"lo", "v0", "v1"} <= names, names
assert all("geneve" in i and "driver" in i for i in d["interfaces"])
' 2>/dev/null; then
	ok "no interface: -j lists all interfaces"
else
	fail "no interface: -j lists all interfaces"
fi

# The attached XDP program, as `ip link` sees it (needs clang's BPF target).
printf '%s\n' '__attribute__((section("xdp"), used)) int genv_xdp_pass(void *ctx) { return 2; }' \
	'char _license[] __attribute__((section("license"), used)) = "GPL";' >"$TMP/xdp.c"
if ! clang -O2 -target bpf -c "$TMP/xdp.c" -o "$TMP/xdp.o" 2>/dev/null; then
	skip "v1: attached XDP program" "clang cannot build BPF objects"
elif ! nsx ip link set dev v1 xdpdrv obj "$TMP/xdp.o" sec xdp 2>/dev/null; then
	skip "v1: attached XDP program" "cannot attach XDP to a veth"
else
	want=$(nsx ip -j link show v1 | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["xdp"]["prog"]["id"])')
	got=$(nsx "$GENV" offload -j v1 | python3 -c '
import json, sys
x = json.load(sys.stdin)["xdp"]
print(" ".join("%s/%s/%s" % (p["id"], p["mode"], p["name"]) for p in x["programs"]))')
	check_eq "v1: attached XDP program as ip link shows it" "$want/native/genv_xdp_pass" "$got"
	nsx ip link set dev v1 xdpdrv off
	got=$(nsx "$GENV" offload -j v1 | python3 -c 'import json,sys; print(len(json.load(sys.stdin)["xdp"]["programs"]))')
	check_eq "v1: no XDP program after detaching" 0 "$got"
fi

# state DEV FEATURE: on|off as ethtool -k shows it (kernel or legacy name)
state() {
	nsx ethtool -k "$1" | sed -n "s/^[[:space:]]*$2: \(on\|off\).*/\1/p"
}

# Set and reset on a veth: a tx checksum sub-feature and GRO.
for pair in tx-checksum-ip-generic:tx-checksum-ip-generic rx-gro:generic-receive-offload; do
	f=${pair%%:*} e=${pair#*:}
	orig=$(state v0 "$e")
	[ "$orig" = on ] && flip=off || flip=on
	out=$(nsx "$GENV" offload v0 set "$f" "$flip" 2>&1); rc=$?
	now=$(state v0 "$e")
	if [ "$rc" = 0 ] && [ "$now" = "$flip" ] && echo "$out" | grep -q "^$f: asked $flip, now $flip"; then
		ok "v0: set $f $flip (ethtool agrees)"
	else
		fail "v0: set $f $flip" "rc=$rc ethtool=$now out=$out"
	fi
	out=$(nsx "$GENV" offload -j v0 set "$f" "$orig" 2>&1); rc=$?
	now=$(state v0 "$e")
	if [ "$rc" = 0 ] && [ "$now" = "$orig" ] && echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
s = d["set"][0]
assert d["schema"] == 1 and d["ok"] is True and s["name"] == sys.argv[1]
assert s["active"] == (sys.argv[2] == "on") and s["result"] == "changed", s
' "$f" "$orig" 2>/dev/null; then
		ok "v0: reset $f $orig (ethtool agrees, JSON answer)"
	else
		fail "v0: reset $f $orig" "rc=$rc ethtool=$now out=$out"
	fi
done

# ethtool -K's short names: genv's `set ALIAS off|on` leaves ethtool -k where
# `ethtool -K v0 ALIAS off|on` leaves it, from the same starting state.
nsx ethtool -k v0 >"$TMP/k.orig"
for alias in gro gso tso sg tx rx rxvlan txvlan; do
	for val in off on; do
		out=$(nsx "$GENV" offload v0 set "$alias" "$val" 2>&1); rc=$?
		nsx ethtool -k v0 >"$TMP/k.genv"
		nsx ethtool -K v0 "$alias" "$val" >/dev/null 2>&1
		nsx ethtool -k v0 >"$TMP/k.eth"
		if [ "$rc" -le 1 ] && cmp -s "$TMP/k.genv" "$TMP/k.eth"; then
			ok "v0: set $alias $val does what ethtool -K $alias $val does"
		else
			fail "v0: set $alias $val does what ethtool -K $alias $val does" \
				"rc=$rc $(diff "$TMP/k.genv" "$TMP/k.eth" | head -5 | tr '\n' ' ') out=$(echo "$out" | head -3)"
		fi
	done
done
check_exit "alias and its feature given together: exit 2" 2 nsx "$GENV" offload v0 set gro on rx-gro on
check_exit "alias with no feature available: exit 2" 2 nsx "$GENV" offload lo set ntuple on

# A feature the driver cannot change: reported honestly, exit 1.
out=$(nsx "$GENV" offload -j v0 set rx-udp_tunnel-port-offload on 2>&1); rc=$?
if [ "$rc" = 1 ] && echo "$out" | python3 -c '
import json, sys
d = json.load(sys.stdin)
assert d["ok"] is False and d["set"][0]["result"] == "fixed" and "unsupported" in d["kernel_flags"]
' 2>/dev/null; then
	ok "v0: set on a fixed feature reports 'fixed', exit 1"
else
	fail "v0: set on a fixed feature" "rc=$rc out=$out"
fi

# Errors and exit statuses.
check_exit "missing interface: exit 1" 1 nsx "$GENV" offload nosuch0
out=$(nsx "$GENV" offload nosuch0 2>&1)
check_eq "missing interface: clear error" "genv offload: no such interface 'nosuch0'" "$out"
out=$(nsx "$GENV" offload -j nosuch0 2>/dev/null)
if echo "$out" | python3 -c 'import json,sys; d=json.load(sys.stdin); assert d["error"]["message"]' 2>/dev/null; then
	ok "missing interface: JSON error in JSON mode"
else
	fail "missing interface: JSON error in JSON mode" "$out"
fi
check_exit "unknown feature: exit 2" 2 nsx "$GENV" offload v0 set no-such-feature on
check_exit "bad value: exit 2" 2 nsx "$GENV" offload v0 set rx-gro maybe
check_exit "odd set arguments: exit 2" 2 nsx "$GENV" offload v0 set rx-gro
check_exit "feature given twice: exit 2" 2 nsx "$GENV" offload v0 set rx-gro on rx-gro off
check_exit "word after interface: exit 2" 2 nsx "$GENV" offload v0 show
check_exit "--opt-budget not a multiple of 4: exit 2" 2 nsx "$GENV" offload --opt-budget 6 v0
out=$(nsx "$GENV" offload -j --opt-budget 8 v0 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["geneve"]["endpoint_mtu"]["ipv4"])' 2>/dev/null)
check_eq "--opt-budget 8: endpoint MTU 1500-50-8" 1442 "$out"

finish
