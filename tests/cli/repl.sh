#!/usr/bin/env bash
# genv repl: batches from files and pipes (quoting, FILE:LINE errors, exit
# status, --force, set/source/exit, -j for every command), then real
# terminal sessions in a tmux pseudo-terminal: the prompt, Tab completion
# of every command and option of the table, values and files, history
# (file written, bounded, reloaded, HOME unset), Ctrl-R, Ctrl-C at the
# prompt and during long commands, `help CMD` through man, and the
# terminal modes restored on exit.  `set router`: the session's control
# socket for route/trace/top, the prompt naming the router that answers
# there and Tab completing its live objects (a router in a private network
# namespace, when root).  `genv help CMD` runs man(1) on a terminal only.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-repl.XXXXXX)
sock=genv-repl-test-$$-0
nsock=0
rpid=
# shellcheck disable=SC2317  # called by the trap
cleanup() {
	command -v tmux >/dev/null && tmux -L "$sock" kill-server 2>/dev/null
	[ -n "$rpid" ] && kill "$rpid" 2>/dev/null && wait "$rpid" 2>/dev/null
	rm -rf "$tmp"
}
trap cleanup EXIT
genv_abs=$(readlink -f "$GENV")
# no router on the default socket may change the prompt or the completions
export GENV_SOCKET=$tmp/none.sock
PKT='geneve vni=5 / ipv4 / icmp'
HEX5=$("$GENV" craft --hex "$PKT")
HEX7=$("$GENV" craft --hex 'geneve vni=7 / ipv4 / icmp')

# ---- batches ----

# batch NAME: run genv repl on $tmp/NAME.genv; $out, $err, $rc
batch() {
	"$GENV" repl "${@:2}" -f "$tmp/$1.genv" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

cat >"$tmp/quotes.genv" <<EOF
# comments and blank lines are ignored

craft '$PKT' --hex
craft "$PKT" --hex   # a comment after the words
craft geneve\ vni=5\ /\ ipv4\ /\ icmp --hex
craft 'geneve vni=5 / ipv4'\\
' / icmp' --hex
craft 'geneve vni=5 /
ipv4 / icmp' --hex
EOF
batch quotes
check_eq "batch: quoting as in a shell (' \" \\ and continuation lines)" \
	"$(printf '%s\n' "$HEX5" "$HEX5" "$HEX5" "$HEX5" "$HEX5")" "$out"
[ "$rc" = 0 ] && [ -z "$err" ] && ok "batch: exit 0, nothing on stderr" ||
	fail "batch: exit 0, nothing on stderr" "exit $rc: $err"

# the same output as the command run from a shell, text and JSON
printf '%s\n' "craft -v --print '$PKT'" "decode --hex $HEX5" "-j decode --hex $HEX5" \
	"decode -j -v --hex $HEX5" >"$tmp/same.genv"
batch same
want=$("$GENV" craft -v --print "$PKT"; "$GENV" decode --hex "$HEX5"; "$GENV" -j decode --hex "$HEX5"
	"$GENV" decode -j -v --hex "$HEX5")
check_eq "batch: output is exactly the commands' own (text, -j, leading -j)" "$want" "$out"

# stop at the first failure with FILE:LINE and that command's status
printf '%s\n' "craft --hex '$PKT'" "" "decode -r $tmp/nonexistent.pcap" "craft --hex '$PKT'" >"$tmp/fail.genv"
batch fail
[ "$rc" = 1 ] && [ "$out" = "$HEX5" ] && grep -q "^genv decode: cannot open" <<<"$err" &&
	grep -qF "genv repl: $tmp/fail.genv:3: 'decode' failed (exit 1)" <<<"$err" &&
	ok "batch: stops at the first failure, FILE:LINE, its exit status" ||
	fail "batch: stops at the first failure, FILE:LINE, its exit status" "exit $rc, out '$out', err '$err'"
batch fail --force
[ "$rc" = 1 ] && [ "$out" = "$(printf '%s\n' "$HEX5" "$HEX5")" ] &&
	ok "batch --force: goes on, exits with the first failure's status" ||
	fail "batch --force: goes on, exits with the first failure's status" "exit $rc, out '$out'"
printf '%s\n' "craft --bogus x" "craft --hex '$PKT'" >"$tmp/usage.genv"
batch usage
[ "$rc" = 2 ] && [ -z "$out" ] && grep -qF "usage.genv:1: 'craft' failed (exit 2)" <<<"$err" &&
	ok "batch: a usage error stops with status 2" || fail "batch: a usage error stops with status 2" "exit $rc: $err"

# stdin: `genv < script`, `genv repl < script`, a pipe; errors are -:LINE
"$GENV" <"$tmp/quotes.genv" >"$tmp/out" 2>"$tmp/err"; rc=$?
check_eq "genv < script runs the batch" "0 $(printf '%s\n' "$HEX5" "$HEX5" "$HEX5" "$HEX5" "$HEX5")" "$rc $(cat "$tmp/out")"
printf '%s\n' "craft --hex '$PKT'" "decode -r $tmp/nonexistent.pcap" | "$GENV" repl >"$tmp/out" 2>"$tmp/err"; rc=$?
[ "$rc" = 1 ] && grep -qF "genv repl: -:2: 'decode' failed (exit 1)" "$tmp/err" &&
	ok "a pipe into genv repl: errors name -:LINE" || fail "a pipe into genv repl: errors name -:LINE" "exit $rc: $(cat "$tmp/err")"
"$GENV" </dev/null >/dev/null 2>&1; rc=$?
check_eq "genv </dev/null still prints its usage (exit 2)" 2 "$rc"
check_exit "genv repl -f missing: exit 1" 1 "$GENV" repl -f "$tmp/missing.genv"
check_exit "genv repl with an argument: exit 2" 2 "$GENV" repl extra

# -j for the whole session; errors become JSON documents
printf '%s\n' "craft --hex '$PKT'" "decode -r $tmp/nonexistent.pcap" >"$tmp/json.genv"
batch json -j
if [ "$rc" = 1 ] && /usr/bin/python3 -c '
import json, sys
docs = [json.loads(l) for l in sys.stdin]
assert docs[0]["schema"] == 1 and "hex" in docs[0]
assert docs[1]["error"]["command"] == "decode"
assert docs[2]["error"]["command"] == "repl" and docs[2]["error"]["message"].endswith(":2: '"'"'decode'"'"' failed (exit 1)")
' <"$tmp/out"; then
	ok "genv repl -j: JSON from every command, errors as JSON"
else
	fail "genv repl -j: JSON from every command, errors as JSON" "exit $rc: $out"
fi

# set, source, exit, help, nesting
cat >"$tmp/inner.genv" <<EOF
set json on
craft --hex '$PKT'
decode -r $tmp/nonexistent.pcap
craft --hex '$PKT'
EOF
cat >"$tmp/set.genv" <<EOF
set
set pretty on
set
set pretty off
set verbose 2
set color never
set quiet on
set
set quiet off
set verbose 0
set json off
source $tmp/inner.genv
EOF
batch set
want=$(printf '%s\n' "json off" "pretty off" "quiet off" "color auto" "verbose 0")
[ "$(head -n 5 <<<"$out")" = "$want" ] && ok "set: lists the defaults" || fail "set: lists the defaults" "$(head -n 5 <<<"$out")"
grep -q '^  "pretty": true' <<<"$out" && ok "set pretty on: pretty JSON (implies json)" || fail "set pretty on: pretty JSON (implies json)"
grep -qxF '{"schema":1,"json":true,"pretty":false,"quiet":true,"color":"never","verbose":2,"router":"'"$GENV_SOCKET"'"}' <<<"$out" &&
	ok "set quiet/color/verbose" || fail "set quiet/color/verbose" "$out"
grep -q '"hex":' <<<"$out" && ok "source: runs the file; its set json on applies" || fail "source: runs the file; its set json on applies"
[ "$(grep -c '"hex":' <<<"$out")" = 1 ] && grep -qF "inner.genv:3: 'decode' failed" <<<"$out" &&
	grep -qF "set.genv:12: 'source' failed" <<<"$out" && [ "$rc" = 1 ] &&
	ok "source: stops at its first failure with FILE:LINE" || fail "source: stops at its first failure with FILE:LINE" "$out"
# set router: the session's control socket for route, trace and top
cat >"$tmp/router.genv" <<EOF
set router $tmp/r1.sock
set
set json on
set
set json off
route show host
top -b -n 1
trace drops --once
route -S $tmp/r2.sock show host
set router default
set
set router ''
EOF
batch router --force
[ "$(sed -n 6p "$tmp/out")" = "router $tmp/r1.sock" ] && grep -qF '"router":"'"$tmp"'/r1.sock"}' "$tmp/out" &&
	ok "set router PATH: listed by set, text and JSON" || fail "set router PATH: listed by set, text and JSON" "$out"
[ "$(tail -n 1 "$tmp/out")" = "router $GENV_SOCKET" ] && ok "set router default: back to \$GENV_SOCKET" ||
	fail "set router default: back to \$GENV_SOCKET" "$(tail -n 1 "$tmp/out")"
for c in route top trace; do
	grep -q "^genv $c: .*'$tmp/r1.sock'" <<<"$err" && ok "set router: genv $c uses the session's socket" ||
		fail "set router: genv $c uses the session's socket" "$err"
done
grep -q "^genv route: .*'$tmp/r2.sock'" <<<"$err" && ok "set router: -S on a line still wins" ||
	fail "set router: -S on a line still wins" "$err"
[ "$rc" = 1 ] && grep -qF "router.genv:12: 'set' failed (exit 2)" <<<"$err" && ok "set router '': a usage error" ||
	fail "set router '': a usage error" "exit $rc: $err"

printf '%s\n' "set jsn on" >"$tmp/badset.genv"
batch badset
[ "$rc" = 2 ] && grep -qF "genv repl: set: 'jsn' is not one of" <<<"$err" && ok "set: unknown key is a usage error" ||
	fail "set: unknown key is a usage error" "exit $rc: $err"
printf '%s\n' "help" "help set" "help decode" "repl" >"$tmp/help.genv"
batch help --force
grep -qE '^  decode +decode' <<<"$out" && grep -qE '^  source FILE +run' <<<"$out" &&
	grep -q '^Usage: set ' <<<"$out" && grep -q '^Usage: genv decode' <<<"$out" &&
	ok "help, help set, help decode (plain text off a terminal)" || fail "help, help set, help decode (plain text off a terminal)" "$out"
grep -q "genv repl: already in the REPL" <<<"$err" && ok "repl inside the REPL is refused" || fail "repl inside the REPL is refused" "$err"
printf '%s\n' "craft --hex '$PKT'" "exit 3" "craft --hex '$PKT'" >"$tmp/exit.genv"
batch exit
check_eq "exit N ends the batch with status N" "3 $HEX5" "$rc $out"
printf '%s\n' "craft 'geneve" >"$tmp/open.genv"
batch open
[ "$rc" = 2 ] && grep -qF "open.genv:1: unterminated quote" <<<"$err" && ok "an unterminated quote is reported" ||
	fail "an unterminated quote is reported" "exit $rc: $err"

# ---- genv help CMD: man(1) on a terminal, the --help text otherwise ----
# a fake man(1) records how it is called
mkdir -p "$tmp/fakeman"
cat >"$tmp/fakeman/man" <<EOF
#!/bin/sh
printf '%s\n' "\$*" >>"$tmp/man.log"
[ -e "$tmp/man.fail" ] && exit 16
echo "FAKE MAN PAGE"
EOF
chmod +x "$tmp/fakeman/man"
if command -v script >/dev/null; then
	# script(1) gives genv a terminal on stdout
	PATH=$tmp/fakeman:$PATH script -qec "$genv_abs help decode" /dev/null >"$tmp/out" 2>&1 </dev/null
	if [ -f "$(dirname "$genv_abs")/../man/genv-decode.1" ]; then
		want="-l $(dirname "$genv_abs")/../man/genv-decode.1"
	else
		want="1 genv-decode"
	fi
	check_eq "genv help decode on a terminal: runs man $want" "$want" "$(cat "$tmp/man.log" 2>/dev/null)"
	grep -q "FAKE MAN PAGE" "$tmp/out" && ! grep -q '^Usage: genv decode' "$tmp/out" &&
		ok "genv help decode on a terminal: the man page, not --help" ||
		fail "genv help decode on a terminal: the man page, not --help" "$(head -n 3 "$tmp/out")"
	: >"$tmp/man.fail"
	PATH=$tmp/fakeman:$PATH script -qec "$genv_abs help decode" /dev/null >"$tmp/out" 2>&1 </dev/null
	grep -q '^Usage: genv decode' "$tmp/out" && ok "genv help decode: man fails -> the --help text" ||
		fail "genv help decode: man fails -> the --help text" "$(head -n 3 "$tmp/out")"
	rm -f "$tmp/man.fail" "$tmp/man.log"
	PATH=$tmp/fakeman:$PATH "$GENV" help decode >"$tmp/out" 2>&1
	[ ! -e "$tmp/man.log" ] && grep -q '^Usage: genv decode' "$tmp/out" &&
		ok "genv help decode off a terminal: --help text, no man" ||
		fail "genv help decode off a terminal: --help text, no man" "man called: $(cat "$tmp/man.log" 2>/dev/null)"
	PATH=$tmp/fakeman:$PATH script -qec "$genv_abs -j help decode" /dev/null >"$tmp/out" 2>&1 </dev/null
	[ ! -e "$tmp/man.log" ] && ok "genv -j help decode: no man on a terminal either" ||
		fail "genv -j help decode: no man on a terminal either" "$(cat "$tmp/man.log")"
else
	skip "genv help decode through man(1)" "script(1) not installed"
fi

# ---- a terminal session in tmux ----

if ! command -v tmux >/dev/null; then
	skip "terminal session" "tmux not installed"
	finish
fi

home=$tmp/home
mkdir -p "$home" "$tmp/files/sub"
: >"$tmp/files/capture.pcap"
T() { tmux -L "$sock" "$@"; }
screen() { T capture-pane -p -J -t s -S "-${1:-300}" 2>/dev/null; }
keys() { T send-keys -t s "$@"; }
# wait_for ERE [SECONDS]: until the screen matches
wait_for() {
	local i n=$((${2:-5} * 10))
	for ((i = 0; i < n; i++)); do
		screen | grep -qE -- "$1" && return 0
		sleep 0.1
	done
	return 1
}
# fresh: an empty screen and scrollback, at an empty prompt
fresh() {
	keys C-u C-l
	T clear-history -t s
	wait_for '^genv> $' 3
	T clear-history -t s
}
# start [ENV=VALUE...]: a shell in a new tmux server, then genv in it
start() {
	T kill-server 2>/dev/null
	nsock=$((nsock + 1))
	sock=genv-repl-test-$$-$nsock	# a new server: the old one may still be exiting
	T -f /dev/null new-session -d -s s -x 200 -y 50 \
		env "$@" PS1='$ ' HISTFILE=/dev/null bash --norc --noprofile -i || return 1
	wait_for '^\$ $' 5 || return 1
	keys "cd $tmp/files; stty -g >$tmp/stty.before; $genv_abs; r=\$?; stty -g >$tmp/stty.after; echo rc=\$r" Enter
	wait_for '^genv> $' 5
}
# quit: Ctrl-D at the prompt; the shell reports the status
quit() {
	keys C-u C-d
	wait_for '^rc=[0-9]+' 5
}

if ! start HOME="$home" MANPAGER=cat MANWIDTH=80; then
	fail "terminal session: prompt 'genv> '" "$(screen | tail -n 5)"
	finish
fi
ok "terminal session: prompt 'genv> '"

# Tab at an empty line: every command of the table and the REPL's own
mapfile -t cmds < <("$GENV" __complete '')
fresh
keys Tab
wait_for 'history' 3
listed=$(screen | sed 1d)
missing=
for c in "${cmds[@]}" set history source quit exit; do
	grep -qE "(^| )$c( |$)" <<<"$listed" || missing="$missing $c"
done
[ -z "$missing" ] && ok "Tab lists every command and REPL command" || fail "Tab lists every command and REPL command" "missing:$missing"

fresh
keys "cra" Tab
wait_for '^genv> craft $' 3 && ok "Tab completes a unique command" || fail "Tab completes a unique command" "$(screen | tail -n 2)"

# every option of every command (as --help prints them)
for c in "${cmds[@]}"; do
	fresh
	keys "$c -" Tab
	wait_for '--help' 3
	listed=$(screen | sed 1d)
	missing=
	for o in $("$GENV" "$c" --help 2>/dev/null |
		sed -n -E 's/^  (-([^ -]), )?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\3 -\2/p;s/^      (--[A-Za-z0-9][A-Za-z0-9-]*).*/\1/p' |
		tr ' ' '\n' | grep -v '^-$' | sort -u); do
		grep -qE -- "(^| )$o( |$)" <<<"$listed" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok "Tab: '$c -' offers every option of genv $c --help" ||
		fail "Tab: '$c -' offers every option of genv $c --help" "missing:$missing"
done

# values: enums, interfaces, files, REPL settings
fresh
keys "decode --color " Tab
wait_for 'always' 3 && screen | grep -qE '(^| )always +auto +never' && ok "Tab completes an enum value" ||
	fail "Tab completes an enum value" "$(screen | tail -n 3)"
fresh
keys "decode -i l" Tab
wait_for '^genv> decode -i lo $' 3 && ok "Tab completes an interface name" || fail "Tab completes an interface name" "$(screen | tail -n 2)"
fresh
keys "decode -r cap" Tab
wait_for '^genv> decode -r capture.pcap $' 3 && ok "Tab completes a file name" || fail "Tab completes a file name" "$(screen | tail -n 2)"
fresh
keys "decode --read=su" Tab
wait_for '^genv> decode --read=sub/$' 3 && ok "Tab completes --opt=FILE and directories" || fail "Tab completes --opt=FILE and directories" "$(screen | tail -n 2)"
fresh
keys "set col" Tab "n" Tab
wait_for '^genv> set color never $' 3 && ok "Tab completes set keys and values" || fail "Tab completes set keys and values" "$(screen | tail -n 2)"

# commands run in-process with the same output; errors return to the prompt
fresh
keys "craft '$PKT' --hex" Enter
wait_for "^$HEX5\$" 5 && wait_for '^genv> $' 3 && ok "craft with a quoted packet prints what genv craft prints" ||
	fail "craft with a quoted packet prints what genv craft prints" "$(screen | tail -n 3)"
fresh
keys "decode -r nonexistent.pcap" Enter
wait_for "^genv decode: cannot open 'nonexistent.pcap'" 5 && wait_for '^genv> $' 3 &&
	ok "an error prints and returns to the prompt" || fail "an error prints and returns to the prompt" "$(screen | tail -n 3)"
fresh
keys "set json on" Enter "craft --hex 'geneve vni=7 / ipv4 / icmp'" Enter "set json off" Enter
wait_for '^\{"schema":1,"frame":1,.*"hex":' 5 && ok "set json on: JSON from later commands" || fail "set json on: JSON from later commands" "$(screen | tail -n 4)"

fresh
keys "craft --hex 'geneve vni=5 /" Enter
wait_for '^> $' 3
keys "ipv4 / icmp'" Enter
wait_for "^$HEX5\$" 5 && ok "an open quote continues on the next line (prompt '> ')" ||
	fail "an open quote continues on the next line (prompt '> ')" "$(screen | tail -n 3)"

# Ctrl-C at the prompt abandons the line; during a command, interrupts it
fresh
keys "craft --hex geneve vni=9"
wait_for 'vni=9$' 3	# Ctrl-C discards what the terminal has not delivered yet
keys C-c
wait_for '^genv> craft --hex geneve vni=9\^C$' 3 && wait_for '^genv> $' 3 && ! screen | grep -q '^0200' &&
	ok "Ctrl-C at the prompt abandons the line" || fail "Ctrl-C at the prompt abandons the line" "$(screen | tail -n 3)"
fresh
keys "craft -c 100000 --rate 5 -w $tmp/slow.pcap '$PKT'" Enter
sleep 1
keys C-c
if wait_for '^genv> $' 5; then
	keys "set" Enter
	wait_for '^verbose 0$' 3 && ok "Ctrl-C interrupts a long craft; the REPL goes on" ||
		fail "Ctrl-C interrupts a long craft; the REPL goes on" "$(screen | tail -n 3)"
else
	fail "Ctrl-C interrupts a long craft; the REPL goes on" "no prompt: $(screen | tail -n 3)"
fi
if timeout 2 "$GENV" decode -c 1 -i lo >/dev/null 2>"$tmp/err" || [ $? = 124 ]; then
	fresh
	keys "decode -i lo" Enter
	sleep 1
	keys C-c
	if wait_for '^genv> $' 5; then
		keys "set" Enter
		wait_for '^verbose 0$' 3 && ok "Ctrl-C interrupts decode -i; the REPL goes on" ||
			fail "Ctrl-C interrupts decode -i; the REPL goes on" "$(screen | tail -n 3)"
	else
		fail "Ctrl-C interrupts decode -i; the REPL goes on" "no prompt: $(screen | tail -n 3)"
	fi
else
	skip "Ctrl-C interrupts decode -i" "cannot capture on lo: $(head -n 1 "$tmp/err")"
fi

# history: Up recalls, Ctrl-R searches, `history` lists
fresh
keys Up
wait_for '^genv> set$' 3 && ok "Up recalls the last line" || fail "Up recalls the last line" "$(screen | tail -n 2)"
fresh
keys C-r "vni=7"
sleep 0.3
keys Enter
wait_for "^$HEX7\$" 5 && ok "Ctrl-R finds and runs an earlier line" || fail "Ctrl-R finds and runs an earlier line" "$(screen | tail -n 3)"
fresh
keys "history 2" Enter
wait_for '^ +[0-9]+  history 2$' 3 && screen | grep -qE "^ +[0-9]+  craft --hex 'geneve vni=7" &&
	ok "history N lists the last N lines" || fail "history N lists the last N lines" "$(screen | tail -n 4)"

# help CMD: the man page on a terminal
# genv finds the page next to its binary (build/genv -> man/) or installed
page=$(dirname "$genv_abs")/../man/genv-decode.1
[ -f "$page" ] || page=$(man -w 1 genv-decode 2>/dev/null)
if [ -n "$page" ] && man -l "$page" >/dev/null 2>&1 </dev/null; then
	fresh
	keys "help decode" Enter
	wait_for '^genv> $' 5 && screen 5000 | grep -q 'genv-decode - decode Geneve' && ok "help decode shows the man page on a terminal" ||
		fail "help decode shows the man page on a terminal" "$(screen | head -n 5)"
else
	skip "help decode shows the man page on a terminal" "no page next to $genv_abs or installed, or no man(1)"
fi

quit
check_eq "Ctrl-D ends the session with status 0" "rc=0" "$(screen | grep -E '^rc=' | tail -n 1)"
cmp -s "$tmp/stty.before" "$tmp/stty.after" && ok "terminal modes restored on exit" ||
	fail "terminal modes restored on exit" "$(cat "$tmp/stty.before") vs $(cat "$tmp/stty.after")"

hist=$home/.genv_history
if [ -f "$hist" ] && grep -qF "craft\\040'geneve\\040vni=5" "$hist" && ! grep -q 'vni=9' "$hist"; then
	ok "history file written (not the abandoned line)"
else
	fail "history file written (not the abandoned line)" "$(head -n 5 "$hist" 2>&1)"
fi
check_eq "history file mode 0600" 600 "$(stat -c %a "$hist" 2>/dev/null)"

# the history persists: a new session recalls the last line
last=$(tail -n 1 "$hist" | sed 's/\\040/ /g')
start HOME="$home"
keys Up
wait_for "^genv> $last\$" 3 && ok "history reloaded by the next session" || fail "history reloaded by the next session" "$(screen | tail -n 2)"
quit

# bounded: a long file is cut to the newest 1000 lines
{
	echo _HiStOrY_V2_
	for i in $(seq 1 1500); do printf 'help\\040set\\040#%d\n' "$i"; done
} >"$hist"
start HOME="$home"
keys "set" Enter
wait_for '^verbose 0$' 3
quit
n=$(wc -l <"$hist")
[ "$n" -le 1001 ] && [ "$(tail -n 1 "$hist")" = set ] && grep -q '#1500$' "$hist" &&
	ok "history file bounded to 1000 entries" || fail "history file bounded to 1000 entries" "$n lines, last '$(tail -n 1 "$hist")'"

# HOME unset: no history file, no crash
start -u HOME
keys "craft --hex '$PKT'" Enter
wait_for "^$HEX5\$" 5
quit
check_eq "HOME unset: the session works, exit 0" "rc=0" "$(screen | grep -E '^rc=' | tail -n 1)"

# killed at the prompt: libedit restores the terminal
start HOME="$home"
pid=$(pgrep -P "$(T display -p -t s '#{pane_pid}')" -x genv | head -n 1)
if [ -n "$pid" ]; then
	kill -TERM "$pid"
	wait_for '^rc=' 5
	cmp -s "$tmp/stty.before" "$tmp/stty.after" && ok "terminal modes restored after SIGTERM" ||
		fail "terminal modes restored after SIGTERM" "$(cat "$tmp/stty.after")"
else
	skip "terminal modes restored after SIGTERM" "genv process not found"
fi

# ---- set router: the prompt names the router; Tab completes its objects ----
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && [ -c /dev/net/tun ]; then
	cat >"$tmp/live.genv" <<-'EOF'
		set host addr 10.200.0.1 id h1
		add vpc 100 name blue cidr 10.0.0.0/16
		add vpc 200 name red cidr 10.0.0.0/16
		add port rpt0
		add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port rpt0
		add ep 100 10.0.1.6 mac 02:00:00:00:01:06 host 10.200.0.2
	EOF
	rsock=$tmp/live.sock
	# a private network namespace: no clash with another router's UDP 6081
	unshare -n "$genv_abs" route run -q -f "$tmp/live.genv" -S "$rsock" 2>"$tmp/router.err" &
	rpid=$!
	for _ in $(seq 50); do "$GENV" route -S "$rsock" show host >/dev/null 2>&1 && break; sleep 0.1; done
	out=$(printf '%s\n' "set router $rsock" "route show vpc 200" | "$GENV" repl 2>&1)
	grep -q '^vpc 200 name red' <<<"$out" && ok "batch: route uses the router of 'set router'" ||
		fail "batch: route uses the router of 'set router'" "$out"

	start HOME="$home"
	keys "set router $rsock" Enter
	wait_for '^genv h1> $' 5 && ok "set router: the prompt names the router (genv h1> )" ||
		fail "set router: the prompt names the router (genv h1> )" "$(screen | tail -n 2)"
	# rfresh: an empty screen at the router's prompt
	rfresh() {
		keys C-u C-l
		T clear-history -t s
		wait_for '^genv h1> $' 3
		T clear-history -t s
	}
	rfresh
	keys "route del vpc " Tab
	wait_for '(^| )100 +200( |$)' 3 && ok "Tab: live VPC ids after 'route del vpc'" ||
		fail "Tab: live VPC ids after 'route del vpc'" "$(screen | tail -n 3)"
	rfresh
	keys "route del ep 100 " Tab	# the common prefix, then the list
	wait_for '^genv h1> route del ep 100 10\.0\.1\.$' 3
	keys Tab
	wait_for '(^| )10\.0\.1\.5 +10\.0\.1\.6( |$)' 3 && ok "Tab: live endpoint addresses after 'route del ep 100'" ||
		fail "Tab: live endpoint addresses after 'route del ep 100'" "$(screen | tail -n 3)"
	rfresh
	keys "route del port r" Tab
	wait_for '^genv h1> route del port rpt0 $' 3 && ok "Tab: a live port name after 'route del port'" ||
		fail "Tab: a live port name after 'route del port'" "$(screen | tail -n 2)"
	rfresh
	keys "trace drops --vpc 2" Tab
	wait_for '^genv h1> trace drops --vpc 200 $' 3 && ok "Tab: live VPC id after 'trace --vpc'" ||
		fail "Tab: live VPC id after 'trace --vpc'" "$(screen | tail -n 2)"
	rfresh
	keys "route show vpc 100" Enter
	wait_for '^vpc 100 name blue' 5 && ok "route in the session: the router of 'set router'" ||
		fail "route in the session: the router of 'set router'" "$(screen | tail -n 3)"
	# the router stops: the next prompt is plain again
	kill "$rpid" 2>/dev/null
	wait "$rpid" 2>/dev/null
	rpid=
	keys C-u Enter
	wait_for '^genv> $' 5 && ok "router gone: the prompt is 'genv> ' again" ||
		fail "router gone: the prompt is 'genv> ' again" "$(screen | tail -n 2)"
	keys C-u "route del vpc " Tab
	sleep 0.5
	[ "$(screen | grep -c '^genv> route del vpc $')" -ge 1 ] && ! screen | grep -q '100 +200' &&
		ok "router gone: no live candidates, no error" || fail "router gone: no live candidates, no error" "$(screen | grep -v "^$" | tail -n 3)"
	quit
else
	skip "set router: prompt and live completion" "needs root, unshare and /dev/net/tun"
fi


# global options before a REPL builtin apply to it
out=$(printf -- '-j set\n' | "$GENV" repl 2>&1)
case $out in
'{"schema":1,'*'"router":'*) ok "batch: '-j set' prints the session settings as JSON" ;;
*) fail "batch: '-j set' prints the session settings as JSON" "$out" ;;
esac
check_exit "batch: '-x set' is a usage error" 2 sh -c "printf -- '-x set\\n' | '$GENV' repl"
finish
