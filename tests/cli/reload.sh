#!/usr/bin/env bash
# genv route reload FILE and SIGHUP with -f (router/reload.c): the file
# becomes the running configuration as one diff; unchanged objects keep
# their counters; a refused file (bad line, control byte, a change no
# command makes) changes nothing.  Runs `genv route run` with no ports and
# no host address (no privileges needed); the expected configuration is
# the file's own lines, checked with grep, not a dump genv made.
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-reload.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

if ! /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 6081))' 2>/dev/null; then
	skip "reload" "UDP port 6081 is in use"
	finish
fi

S=$tmp/s.sock
R() { "$GENV" route -S "$S" "$@"; }
cfg() { R show config 2>&1; }

cat >"$tmp/a" <<'EOF'
add vpc 100 name blue cidr 10.0.0.0/16 peers 10.200.0.8
add vpc 200 cidr 10.2.0.0/16
add net 100 10.0.4.0/24 bouncer 10.200.0.3
add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.2
add ep 100 10.0.1.6 mac 02:00:00:00:01:06 host 10.200.0.2
add ep 200 10.2.0.5 mac 02:00:00:00:02:05 host 10.200.0.4
EOF
cat >"$tmp/b" <<'EOF'
# vpc 200 goes, 300 comes; 10.0.1.6 moves; 10.0.1.5 stays as it is
add vpc 100 name blue cidr 10.0.0.0/16 peers 10.200.0.7

add vpc 300 cidr 10.3.0.0/16
add net 100 10.0.4.0/24 bouncer 10.200.0.3
add ep 100 10.0.1.5 mac 02:00:00:00:01:05 host 10.200.0.2
add ep 100 10.0.1.6 mac 02:00:00:00:01:06 host 10.200.0.5
add ep 300 10.3.0.5 mac 02:00:00:00:03:05 host 10.200.0.4
EOF
cp "$tmp/a" "$tmp/conf"

"$GENV" route run -S "$S" -f "$tmp/conf" --state "$tmp/st" >"$tmp/log" 2>&1 &
pid=$!
for _ in $(seq 100); do [ -S "$S" ] && break; sleep 0.05; done
[ -S "$S" ] && ok "router runs with -f" || { fail "router runs with -f" "$(cat "$tmp/log")"; finish; }

out=$(R reload "$tmp/a" 2>&1)
check_eq "reload of the running file: nothing changes" "reload: 0 added, 0 changed, 0 removed, 7 unchanged" "$out"

out=$(R reload "$tmp/b" 2>&1)
check_eq "reload: one diff (vpc 300, ep 10.3.0.5 added; vpc 100, ep 10.0.1.6 changed; vpc 200, ep 200 removed)" \
	"reload: 2 added, 2 changed, 2 removed, 3 unchanged" "$out"
c=$(cfg)
missing=
while read -r l; do
	case $l in ''|'#'*) continue ;; esac
	grep -qF -- "${l%% host *}" <<<"$c" || missing="$missing [$l]"
done <"$tmp/b"
check_eq "every object of the new file is in the router" "" "$missing"
check "10.0.1.6 now on 10.200.0.5" grep -q '^add ep 100 10.0.1.6 .*host 10.200.0.5$' <<<"$c"
check "vpc 200 and its endpoint are gone" bash -c '! grep -qE "^add (vpc|ep) 200 " <<<"$1"' _ "$c"
check "vpc 100 trusts the new peer only" grep -q '^add vpc 100 name blue cidr 10.0.0.0/16 peers 10.200.0.7$' <<<"$c"
check "the state file follows the reload" grep -q '^add vpc 300 ' "$tmp/st"

# refused files change nothing
before=$(cfg)
printf 'add vpc 100 name blue cidr 10.0.0.0/16\nadd vpc 400 cidr 10.4.0.0/16\nadd ep 400 10.9.0.1 mac 02:00:00:00:00:01 host 10.200.0.2\n' >"$tmp/bad"
out=$(R reload "$tmp/bad" 2>&1); rc=$?
check_eq "a line the router refuses: exit 1" 1 "$rc"
grep -q "bad:3: refused, nothing changed: add ep: " <<<"$out" && ok "the refusal names FILE:LINE" ||
	fail "the refusal names FILE:LINE" "$out"
check_eq "after a refused line: the configuration is as before" "$before" "$(cfg)"
printf 'add vpc 400 cidr 10.4.0.0/16\nadd vpc 401 cidr 10.5.0.0/16\0junk\n' >"$tmp/nul"
out=$(R reload "$tmp/nul" 2>&1); rc=$?
check_eq "a NUL in the file: usage error (2)" 2 "$rc"
grep -q "nul:2: control byte 0x00 at column 29" <<<"$out" && ok "the NUL is named by line and column" ||
	fail "the NUL is named by line and column" "$out"
printf 'add vpc 100 cidr 10.0.0.0/16\n' >"$tmp/noname"
out=$(R reload "$tmp/noname" 2>&1); rc=$?
check_eq "a change no command makes (a VPC's name removed): refused (exit 1)" 1 "$rc"
grep -q "no command turns the running configuration into the file's" <<<"$out" && ok "the unreachable change is named" ||
	fail "the unreachable change is named" "$out"
check_eq "after the refusals: the configuration is as before" "$before" "$(cfg)"
check_exit "reload without FILE: usage (2)" 2 "$GENV" route -S "$S" reload
check_exit "reload of a missing file: exit 1" 1 "$GENV" route -S "$S" reload "$tmp/none"
out=$("$GENV" -j route -S "$S" reload "$tmp/b" 2>&1)
check_eq "-j: the counts as JSON" '{"schema":1,"added":0,"changed":0,"removed":0,"unchanged":7}' "$out"

# SIGHUP reloads the -f file
cp "$tmp/b" "$tmp/conf"
echo "add ep 300 10.3.0.6 mac 02:00:00:00:03:06 host 10.200.0.4" >>"$tmp/conf"
kill -HUP "$pid"
for _ in $(seq 40); do grep -q "SIGHUP: reloaded" "$tmp/log" && break; sleep 0.05; done
grep -q "SIGHUP: reloaded '$tmp/conf': 1 added, 0 changed, 0 removed, 7 unchanged" "$tmp/log" &&
	ok "SIGHUP: the -f file reloaded as one diff" || fail "SIGHUP: the -f file reloaded as one diff" "$(tail -n 3 "$tmp/log")"
check "SIGHUP: the new endpoint is in the router" grep -q '^add ep 300 10.3.0.6 ' <<<"$(cfg)"
before=$(cfg)
printf 'add vpc 0 cidr 10.0.0.0/16\n' >"$tmp/conf"
kill -HUP "$pid"
for _ in $(seq 40); do grep -q "SIGHUP: reload refused" "$tmp/log" && break; sleep 0.05; done
grep -q "SIGHUP: reload refused, nothing changed: $tmp/conf:1: add vpc: " "$tmp/log" &&
	ok "SIGHUP with a bad file: refused, logged with FILE:LINE" || fail "SIGHUP with a bad file: refused, logged" "$(tail -n 3 "$tmp/log")"
check_eq "SIGHUP with a bad file: the configuration is as before" "$before" "$(cfg)"
kill -0 "$pid" 2>/dev/null && ok "the router keeps running" || fail "the router keeps running" "$(tail -n 3 "$tmp/log")"
kill -TERM "$pid"; wait "$pid" 2>/dev/null; pid=
finish
