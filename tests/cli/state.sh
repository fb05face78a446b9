#!/usr/bin/env bash
# The router's files (router/state.c): a --state file is framed so a cut
# is refused, written 0600, stale temporary files go at start, control
# bytes in -f and --state lines are refused with their position.  Runs
# `genv route run` with no ports and no underlay (no privileges needed).
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-state.XXXXXX)
pid=
cleanup() { [ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$tmp"; }
trap cleanup EXIT

# The router binds the Geneve port (6081) on the wildcard address: it needs
# the port free (another router, or tests/cli/top.sh's, would hold it).
if ! /usr/bin/python3 -c 'import socket; s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("0.0.0.0", 6081))' 2>/dev/null; then
	skip "state files" "UDP port 6081 is in use"
	finish
fi

# start [ARGS...]: run a router on $tmp/s.sock until it listens; its exit
# status in $rc when it stops by itself, its log in $tmp/log
start() {
	rc=
	rm -f "$tmp/s.sock"	# a router killed with -9 leaves its socket behind
	"$GENV" route run -S "$tmp/s.sock" "$@" >"$tmp/log" 2>&1 &
	pid=$!
	for _ in $(seq 100); do
		[ -S "$tmp/s.sock" ] && return 0
		kill -0 "$pid" 2>/dev/null || { wait "$pid"; rc=$?; pid=; return 1; }
		sleep 0.05
	done
	return 1
}
stop() {
	[ -n "$pid" ] || return 0
	kill -TERM "$pid"
	wait "$pid" 2>/dev/null
	pid=
}

printf 'add vpc 100 name blue cidr 10.0.0.0/16\nadd net 100 10.0.1.0/24\n' >"$tmp/topo"
start -f "$tmp/topo" --state "$tmp/st" && ok "router runs with -f and --state" ||
	fail "router runs with -f and --state" "$(cat "$tmp/log")"
"$GENV" route -S "$tmp/s.sock" add vpc 200 cidr 10.2.0.0/16 >/dev/null 2>&1
stop
check_eq "state file: first line" "# genv state 1" "$(head -n 1 "$tmp/st")"
check_eq "state file: end line counts the commands" "# genv state end: 4 commands" "$(tail -n 1 "$tmp/st")"
check_eq "state file is 0600 (it describes every tenant)" 600 "$(stat -c %a "$tmp/st")"
cp "$tmp/st" "$tmp/good"

# a cut at a line boundary: refused, the file left as it was
head -n 4 "$tmp/good" >"$tmp/st"
cp "$tmp/st" "$tmp/cut"
start --state "$tmp/st" -f "$tmp/topo"; stop
check_eq "a state file cut short is refused (exit 1)" 1 "${rc:-running}"
grep -q "st:4: state file ends without '# genv state end: N commands'" "$tmp/log" &&
	ok "the refusal names file and line" || fail "the refusal names file and line" "$(cat "$tmp/log")"
check "the refused file is left as it was" cmp -s "$tmp/st" "$tmp/cut"
# a wrong count
{ head -n 4 "$tmp/good"; echo "# genv state end: 4 commands"; } >"$tmp/st"
start --state "$tmp/st"; stop
check_eq "an end line with the wrong count is refused" 1 "${rc:-running}"
grep -q "the end line counts 4 commands, the file holds 3" "$tmp/log" && ok "the count is named" ||
	fail "the count is named" "$(cat "$tmp/log")"
# a count that overflows: refused as such, not read as a wrapped number
{ head -n 4 "$tmp/good"; echo "# genv state end: 18446744073709551619 commands"; } >"$tmp/st"
start --state "$tmp/st"; stop
check_eq "an end line whose count overflows is refused" 1 "${rc:-running}"
grep -q "st:5: the end line's count '18446744073709551619' is out of range: refused" "$tmp/log" &&
	ok "the overflowing count is named" || fail "the overflowing count is named" "$(cat "$tmp/log")"
# a sign or trailing bytes after the count: no end line
for bad in "-1 commands" "+3 commands" "3 commands " "3 commandsX" " 3 commands"; do
	{ head -n 4 "$tmp/good"; echo "# genv state end: $bad"; } >"$tmp/st"
	start --state "$tmp/st"; stop
	check_eq "end line '$bad' is refused" 1 "${rc:-running}"
done
# a command after the end line: refused, named
{ cat "$tmp/good"; echo "add vpc 9 cidr 10.9.0.0/16"; } >"$tmp/st"
start --state "$tmp/st"; stop
check_eq "a command after the end line is refused" 1 "${rc:-running}"
grep -q "st:7: a command after the end line: refused" "$tmp/log" && ok "the command after the end is named" ||
	fail "the command after the end is named" "$(cat "$tmp/log")"
# empty: refused, and -f is not silently ignored
: >"$tmp/st"
start --state "$tmp/st" -f "$tmp/topo"; stop
check_eq "an empty state file is refused, not read as no configuration" 1 "${rc:-running}"
grep -q "empty state file" "$tmp/log" && ok "the empty file is named" || fail "the empty file is named" "$(cat "$tmp/log")"

# stale temporary files of a cut write go at start; others stay
cp "$tmp/good" "$tmp/st"
: >"$tmp/st.aB3xYz"
: >"$tmp/st.keep-me"
start --state "$tmp/st" && ok "a good state file loads" || fail "a good state file loads" "$(cat "$tmp/log")"
check_eq "restored: host, two VPCs and a net" 4 "$("$GENV" route -S "$tmp/s.sock" show config 2>/dev/null | grep -c .)"
stop
[ ! -e "$tmp/st.aB3xYz" ] && [ -e "$tmp/st.keep-me" ] && ok "stale st.XXXXXX removed, other files kept" ||
	fail "stale st.XXXXXX removed, other files kept" "$(ls "$tmp")"

# a state file from before the frame (no first line) still loads
grep -v '^#' "$tmp/good" >"$tmp/st"
start --state "$tmp/st" && ok "an unframed (older) state file loads" || fail "an unframed (older) state file loads" "$(cat "$tmp/log")"
stop

# control bytes: a NUL in a -f line is refused with its position
rm -f "$tmp/st"
printf 'add vpc 300 cidr 10.3.0.0/16\nadd vpc 777 cidr 10.77.0.0/16\0junk\n' >"$tmp/nul"
start -f "$tmp/nul"; stop
check_eq "a NUL in a -f line stops the start" 1 "${rc:-running}"
grep -q "nul:2: control byte 0x00 at column 30" "$tmp/log" && ok "the NUL is named by line and column" ||
	fail "the NUL is named by line and column" "$(cat "$tmp/log")"
printf 'add vpc 300 cidr 10.3.0.0/16\n\0\0\0\n' >"$tmp/nul"
start -f "$tmp/nul"; stop
check_eq "a line of NULs is not an empty command" 1 "${rc:-running}"
printf 'add vpc 300\tcidr 10.3.0.0/16\r\n' >"$tmp/tab"
start -f "$tmp/tab" && ok "tab and CR LF are fine" || fail "tab and CR LF are fine" "$(cat "$tmp/log")"
stop

# kill -9 at random moments during a stream of changes: after each restart
# the state holds every acknowledged change (and maybe the one in flight),
# loads (never cut or corrupt), and no temporary file is left
rm -f "$tmp"/st "$tmp"/st.*
: >"$tmp/acked"
vni=1000 bad=
for round in $(seq 12); do
	if ! start --state "$tmp/st"; then
		bad="round $round: restart failed: $(tail -n 2 "$tmp/log")"
		break
	fi
	"$GENV" route -S "$tmp/s.sock" show config >"$tmp/cfg" 2>&1
	while read -r v; do
		grep -q "^add vpc $v " "$tmp/cfg" || bad="round $round: acknowledged vpc $v lost (state: $(grep -c "^add vpc" "$tmp/st") vpcs, acked $(wc -l <"$tmp/acked"), last $(tail -n 1 "$tmp/acked"); $(tail -n 3 "$tmp/log" | tr "\n" " "))"
	done <"$tmp/acked"
	ls "$tmp" | grep -q '^st\.......$' && bad="round $round: a stale temporary file survived the start"
	[ -n "$bad" ] && break
	(
		for _ in $(seq 200); do
			vni=$((vni + 1))
			"$GENV" route -S "$tmp/s.sock" add vpc "$vni" cidr "10.$((vni % 250)).0.0/16" \
				>/dev/null 2>&1 || break
			echo "$vni" >>"$tmp/acked"
		done
	) &
	writer=$!
	sleep "0.$((RANDOM % 3))$((RANDOM % 10))"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
	wait "$writer" 2>/dev/null
	vni=$(( $(tail -n 1 "$tmp/acked" 2>/dev/null || echo 1000) + 1000 ))
done
stop
[ -z "$bad" ] && ok "kill -9 during changes, 12 rounds ($(wc -l <"$tmp/acked") changes acknowledged): every one survives, the state loads" ||
	fail "kill -9 during changes" "$bad"

finish
