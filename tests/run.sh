#!/usr/bin/env bash
# Run every test tier: Check unit tests, then tests/cli, tests/cross and
# tests/net scripts.  Prints a closing line "N passed, N failed, N skipped".
# Usage: tests/run.sh [PATTERN]   (only scripts whose path matches PATTERN)
set -u
cd "$(dirname "$0")/.." || exit 1
export GENV=${GENV:-$PWD/genv}
O=${O:-build}
pat=${1:-}
pass=0 failed=0 skipped=0 failures=()
logdir=$(mktemp -d /tmp/genv-tests.XXXXXX)
trap 'rm -rf "$logdir"' EXIT

count() {  # count ok/not ok/skip lines of a log
	local log=$1
	pass=$((pass + $(grep -c '^ok - ' "$log")))
	failed=$((failed + $(grep -c '^not ok - ' "$log")))
	skipped=$((skipped + $(grep -c '^skip - ' "$log")))
}

if [ -z "$pat" ] || [[ unit == *"$pat"* ]]; then
	echo "== unit tests ($O/unit-tests)"
	if CK_FORK=yes CK_VERBOSITY=normal "$O/unit-tests" >"$logdir/unit" 2>&1; then
		tail -n 1 "$logdir/unit"
	else
		cat "$logdir/unit"
		failures+=("unit")
	fi
	# Check prints "100%: Checks: N, Failures: F, Errors: E"
	read -r n f e < <(sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p' "$logdir/unit" | tail -n 1)
	pass=$((pass + ${n:-0} - ${f:-0} - ${e:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
	[ -z "${n:-}" ] && failed=$((failed + 1))
fi

for t in tests/cli/*.sh tests/cross/*.sh tests/net/*.sh; do
	[ -x "$t" ] || continue
	[ -n "$pat" ] && [[ $t != *"$pat"* ]] && continue
	log="$logdir/$(echo "$t" | tr / _)"
	start=$SECONDS
	timeout 600 "$t" >"$log" 2>&1
	rc=$?
	count "$log"
	case $rc in
	0)  echo "== $t: ok ($((SECONDS - start)) s)" ;;
	77) echo "== $t: skipped ($(grep -m1 '^skip - ' "$log" | cut -c8-))" ;;
	*)  echo "== $t: FAILED (exit $rc)"; grep -v '^ok - ' "$log" | tail -n 40
	    failures+=("$t")
	    [ "$(grep -c '^not ok - ' "$log")" -eq 0 ] && failed=$((failed + 1)) ;;
	esac
done

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "$pass passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ] && [ ${#failures[@]} -eq 0 ]
