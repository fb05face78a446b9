#!/usr/bin/env bash
# The CLI contract shared by every command: --version, help, --help on
# stdout with exit 0, exact command names with "did you mean", genv-CMD
# links, global options before or after the command, exit status 2 for
# usage errors and the one error format "genv CMD: message" on stderr.
# Commands come from the table (`genv __complete ''`), so new ones are
# covered without editing this file.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-basics.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
genv_abs=$(readlink -f "$GENV")

# run ARGS...: run genv with stdout, stderr and the status in $tmp/{out,err} and $rc
run() {
	"$GENV" "$@" >"$tmp/out" 2>"$tmp/err" </dev/null
	rc=$?
}

# An Ethernet/IPv4/UDP 6081/Geneve VNI 100/Ethernet/IPv4/ICMP echo frame.
HEX=02000000000202000000000108004500004e000100004011650c0ac800010ac80002c00017c1003a3aca000065580000640002000000010202000000010108004500001c00010000400166de0a0000010a0000020800f7ff00000000

run --version
if [ "$rc" = 0 ] && grep -qE '^genv [0-9]+\.[0-9]+' "$tmp/out" && [ ! -s "$tmp/err" ]; then
	ok "genv --version"
else
	fail "genv --version" "exit $rc, stdout '$(head -c 80 "$tmp/out")'"
fi

mapfile -t cmds < <("$GENV" __complete '')
if [ ${#cmds[@]} -eq 0 ]; then
	fail "the command table is not empty" "genv __complete '' printed nothing"
	finish
fi

run help
help_rc=$rc
cp "$tmp/out" "$tmp/help"
if [ "$help_rc" = 0 ] && [ -s "$tmp/help" ] && [ ! -s "$tmp/err" ]; then
	ok "genv help: stdout, exit 0"
else
	fail "genv help: stdout, exit 0" "exit $help_rc"
fi
for c in "${cmds[@]}"; do
	grep -qE "^ +$c " "$tmp/help" || fail "genv help lists $c"
done
run --help
check_eq "genv --help is genv help" "$(cat "$tmp/help")" "$(cat "$tmp/out")"

run help decode
if [ "$rc" = 0 ] && grep -q 'genv decode' "$tmp/out"; then
	ok "genv help decode"
else
	fail "genv help decode" "exit $rc: $(head -n 1 "$tmp/err")"
fi
run help no-such-command
check_eq "genv help no-such-command: exit 2" 2 "$rc"

# No arguments without a terminal: usage on stderr, exit 2.
run
if [ "$rc" = 2 ] && [ -s "$tmp/err" ] && [ ! -s "$tmp/out" ]; then
	ok "genv without a command: usage on stderr, exit 2"
else
	fail "genv without a command: usage on stderr, exit 2" "exit $rc"
fi

mkdir "$tmp/bin"
for c in "${cmds[@]}"; do
	run "$c" --help
	if [ "$rc" = 0 ] && head -n 1 "$tmp/out" | grep -q "^Usage: genv $c" && [ ! -s "$tmp/err" ]; then
		ok "genv $c --help: usage on stdout, exit 0"
	else
		fail "genv $c --help: usage on stdout, exit 0" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
	fi
	cp "$tmp/out" "$tmp/help-$c"
	run "$c" -h
	check_eq "genv $c -h is --help" "$(cat "$tmp/help-$c")" "$(cat "$tmp/out")"
	run help "$c"
	[ "$rc" = 0 ] && grep -q "genv $c" "$tmp/out" && ok "genv help $c" || fail "genv help $c" "exit $rc"

	# the genv-CMD link behaves like genv CMD
	ln -s "$genv_abs" "$tmp/bin/genv-$c"
	"$tmp/bin/genv-$c" --help >"$tmp/out" 2>&1
	check_eq "genv-$c --help (link) is genv $c --help" "$(cat "$tmp/help-$c")" "$(cat "$tmp/out")"

	# usage errors: exit 2, nothing on stdout, "genv CMD: message" on stderr
	run "$c" --no-such-option
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] &&
	   head -n 1 "$tmp/err" | grep -q "^genv $c: unknown option '--no-such-option'"; then
		ok "genv $c --no-such-option: exit 2, error format"
	else
		fail "genv $c --no-such-option: exit 2, error format" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
	fi
	run "$c" -%
	[ "$rc" = 2 ] && grep -q "^genv $c: " "$tmp/err" && ok "genv $c -%: exit 2" ||
		fail "genv $c -%: exit 2" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
	run "$c" --color=sometimes
	[ "$rc" = 2 ] && grep -q "^genv $c: .*sometimes" "$tmp/err" && ok "genv $c --color=sometimes: exit 2" ||
		fail "genv $c --color=sometimes: exit 2" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
	run "$c" --json=1
	[ "$rc" = 2 ] && grep -q "^genv $c: " "$tmp/err" && ok "genv $c --json=1: exit 2" ||
		fail "genv $c --json=1: exit 2" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
done

# Exact names only, with a suggestion for typos.
run decod
if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] && grep -q "^genv: .*did you mean 'decode'" "$tmp/err"; then
	ok "genv decod: exit 2, did you mean 'decode'"
else
	fail "genv decod: exit 2, did you mean 'decode'" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
fi
run craf
grep -q "did you mean 'craft'" "$tmp/err" && [ "$rc" = 2 ] && ok "genv craf: did you mean 'craft'" ||
	fail "genv craf: did you mean 'craft'" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
run dec
[ "$rc" = 2 ] && ok "genv dec: no abbreviations, exit 2" || fail "genv dec: no abbreviations, exit 2" "exit $rc"
run zzzzzzzz
if [ "$rc" = 2 ] && grep -q "^genv: 'zzzzzzzz' is not a genv command" "$tmp/err"; then
	ok "genv zzzzzzzz: exit 2"
else
	fail "genv zzzzzzzz: exit 2" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
fi
run --no-such-global decode --help
[ "$rc" = 2 ] && grep -q '^genv: ' "$tmp/err" && ok "unknown global option before the command: exit 2" ||
	fail "unknown global option before the command: exit 2" "exit $rc"
"$tmp/bin/genv-decode" --no-such-option >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" = 2 ] && grep -q "^genv decode: unknown option" "$tmp/err" && ok "genv-decode link: usage error format" ||
	fail "genv-decode link: usage error format" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"

# Global options before and after the command give the same result.
same() {
	local name=$1 a b ra rb; shift
	a=$("$GENV" "${@:1:$#/2}" 2>&1); ra=$?
	b=$("$GENV" "${@:$#/2+1}" 2>&1); rb=$?
	if [ "$a" = "$b" ] && [ "$ra" = "$rb" ]; then
		ok "$name"
	else
		fail "$name" "exit $ra vs $rb"
	fi
}
same "-j before or after decode" -j decode --hex "$HEX"  decode --hex "$HEX" -j
same "--json before or after decode" --json decode --hex "$HEX"  decode --hex "$HEX" --json
same "-p before or after decode" -p decode --hex "$HEX"  decode -p --hex "$HEX"
same "-v before or after decode" -v decode --hex "$HEX"  decode --hex "$HEX" -v
same "-q --color=never before or after decode" -q --color=never decode --hex "$HEX"  decode --hex "$HEX" --color=never -q
same "--color never (two words) before or after" --color never decode --hex "$HEX"  decode --color never --hex "$HEX"

# The real work behind those: one frame, decoded, in JSON with a schema.
run decode --hex "$HEX"
if [ "$rc" = 0 ] && grep -q 100 "$tmp/out"; then
	ok "genv decode --hex: VNI 100 in the text line"
else
	fail "genv decode --hex: VNI 100 in the text line" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
fi
run -j decode --hex "$HEX"
if [ "$rc" = 0 ] && /usr/bin/python3 -c '
import json, sys
docs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
assert docs and all("schema" in d for d in docs)
assert docs[0]["geneve"]["vni"] == 100
' "$tmp/out" 2>/dev/null; then
	ok "genv -j decode --hex: JSON Lines with schema, vni 100"
else
	fail "genv -j decode --hex: JSON Lines with schema, vni 100" "exit $rc, stdout '$(head -c 80 "$tmp/out")'"
fi

# Runtime failures: exit 1, "genv CMD: message" with the subject quoted.
run decode -r "$tmp/no-such.pcap"
if [ "$rc" = 1 ] && [ ! -s "$tmp/out" ] && grep -q "^genv decode: .*'$tmp/no-such.pcap'" "$tmp/err"; then
	ok "genv decode -r missing file: exit 1, error format"
else
	fail "genv decode -r missing file: exit 1, error format" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
fi
# With -j, errors are one JSON document on stdout, where scripts read.
run decode --hex "$HEX" -j --no-such-option
if [ "$rc" = 2 ] && [ "$(wc -l <"$tmp/out")" = 1 ] && /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["schema"] >= 1 and d["error"]["command"] == "decode"
assert "--no-such-option" in d["error"]["message"]
' "$tmp/out" 2>/dev/null; then
	ok "a usage error with -j: one JSON error document, exit 2"
else
	fail "a usage error with -j: one JSON error document, exit 2" "exit $rc, stdout '$(head -c 120 "$tmp/out")'"
fi
run -j decode -r "$tmp/no-such.pcap"
if [ "$rc" = 1 ] && /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["error"]["command"] == "decode" and sys.argv[2] in d["error"]["message"]
' "$tmp/out" "$tmp/no-such.pcap" 2>/dev/null; then
	ok "a runtime error with -j: JSON error document, exit 1"
else
	fail "a runtime error with -j: JSON error document, exit 1" "exit $rc, stdout '$(head -c 120 "$tmp/out")'"
fi

# Every line on stderr of a failing command carries the prefix (one error format);
# the usage hint is the only other line allowed.
run decode --hex
if [ "$rc" = 2 ] && ! grep -v -e '^genv decode: ' -e "^Try 'genv decode --help'" "$tmp/err" | grep -q .; then
	ok "genv decode --hex (missing value): exit 2, error format"
else
	fail "genv decode --hex (missing value): exit 2, error format" "exit $rc, stderr '$(head -n 2 "$tmp/err" | tr '\n' '|')'"
fi


# Long options: exact only; a prefix or a typo gets a suggestion, exit 2, and
# the command does not run.
for t in "decode --jsn:--json" "offload --opt-budge:--opt-budget" "top --ver:--verbose" \
	 "route --stat:--state" "craft --hel:--help"; do
	args=${t%%:*} want=${t#*:}
	# shellcheck disable=SC2086
	run $args
	if [ "$rc" = 2 ] && [ ! -s "$tmp/out" ] &&
	   head -n 1 "$tmp/err" | grep -qF "did you mean '$want'?"; then
		ok "genv $args: exit 2, did you mean '$want'"
	else
		fail "genv $args: did you mean '$want'" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
	fi
done
run decode --zzzzzz
if [ "$rc" = 2 ] && ! grep -q "did you mean" "$tmp/err"; then
	ok "genv decode --zzzzzz: exit 2, no suggestion for a far word"
else
	fail "genv decode --zzzzzz: no suggestion" "exit $rc, stderr '$(head -n 1 "$tmp/err")'"
fi

finish
