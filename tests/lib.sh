# shellcheck shell=bash
# Test helpers for tests/*/*.sh.  Each script prints one line per check:
#   ok - NAME | not ok - NAME: detail | skip - NAME (reason)
# and ends with `finish`: exit 0 (no failure), 1 (a failure), 77 (all skipped).
GENV=${GENV:-$PWD/genv}
_t_pass=0 _t_fail=0 _t_skip=0

ok()   { _t_pass=$((_t_pass + 1)); echo "ok - $1"; }
fail() { _t_fail=$((_t_fail + 1)); echo "not ok - $1${2:+: $2}"; }
skip() { _t_skip=$((_t_skip + 1)); echo "skip - $1 (${2:-skipped})"; }

# check NAME CMD...: ok when CMD exits 0
check() {
	local name=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$name"; else fail "$name" "command failed: $*"; fi
}

# check_eq NAME EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "expected '$2', got '$3'"; fi
}

# check_exit NAME STATUS CMD...: ok when CMD exits with STATUS
check_exit() {
	local name=$1 want=$2 got; shift 2
	"$@" >/dev/null 2>&1; got=$?
	if [ "$got" = "$want" ]; then ok "$name"; else fail "$name" "exit $got, expected $want: $*"; fi
}

# report PREFIX: ok/fail lines from "PASS<tab>NAME" and "FAIL<tab>NAME<tab>WHY"
# on stdin (what the python halves of tests/cross print)
report() {
	local v name why
	while IFS=$'\t' read -r v name why; do
		case $v in
		PASS) ok "$1: $name" ;;
		FAIL) fail "$1: $name" "$why" ;;
		esac
	done
}

finish() {
	echo "# $_t_pass passed, $_t_fail failed, $_t_skip skipped"
	[ "$_t_fail" -gt 0 ] && exit 1
	[ "$_t_pass" -eq 0 ] && [ "$_t_skip" -gt 0 ] && exit 77
	exit 0
}

# require NAME [root] [tun] [TOOL...]: skip the whole script (exit 77) when a
# prerequisite is missing -- network tests need root, TAP and their tools.
require() {
	local name=$1 need; shift
	for need in "$@"; do
		case $need in
		root) [ "$(id -u)" = 0 ] || { skip "$name" "needs root"; finish; } ;;
		tun)  [ -c /dev/net/tun ] || { skip "$name" "no /dev/net/tun"; finish; } ;;
		*)    command -v "$need" >/dev/null 2>&1 ||
			{ skip "$name" "$need not installed (make deps)"; finish; } ;;
		esac
	done
}
