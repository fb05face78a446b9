#!/usr/bin/env bash
# NetworkPolicy conformance: truth tables of tests/policy/gen.py (fixed
# Kubernetes-style scenarios plus seeded random ones), every case traced
# offline with 'genv trace packet -f' and compared with the independent
# reference evaluator tests/policy/ref.py.  One TAP line per scenario;
# each mismatch names the scenario, the case and both verdicts.
# shellcheck disable=SC2015
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-poltruth.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
python3 tests/policy/gen.py "$tmp" --random "${POLICY_RANDOM:-4}" --seed "${POLICY_SEED:-7}" ||
	{ fail "gen.py" "generator failed"; exit 1; }

# check CONF CASES: prints mismatches, returns 1 when there is one
# (bash pattern matching only: a case costs one genv process, no more)
check() {
	local conf=$1 cases=$2 bad=0 name tap pkt want got out v r re_v='(^|'$'\n'')verdict: ([a-z]+)' re_r=$'\n''reason: ([a-z._]+)'
	while IFS=$'\t' read -r name tap pkt want; do
		out=$("$GENV" trace packet -f "$conf" --in "$tap" "$pkt" 2>&1)
		v= r=
		[[ $out =~ $re_v ]] && v=${BASH_REMATCH[2]}
		[[ $out =~ $re_r ]] && r=${BASH_REMATCH[1]}
		case "$v/$r" in
		deliver/none) got=allow ;;
		drop/policy.*) got=deny ;;
		*) got="error($v $r)" ;;
		esac
		if [ "$got" != "$want" ]; then
			echo "# $(basename "$conf" .genv): $name: genv $got, ref.py $want"
			bad=1
		fi
	done <"$cases"
	return $bad
}

# two scenarios at a time (the machine has 2 cores); reported in order
n=0
for conf in "$tmp"/*.genv; do
	s=$(basename "$conf" .genv)
	{ check "$conf" "$tmp/$s.cases" >"$tmp/$s.out"; echo $? >"$tmp/$s.rc"; } &
	n=$((n + 1))
	[ $((n % 2)) -eq 0 ] && wait
done
wait
for conf in "$tmp"/*.genv; do
	s=$(basename "$conf" .genv)
	cat "$tmp/$s.out"
	[ "$(cat "$tmp/$s.rc")" = 0 ] && ok "policy truth table: $s" ||
		fail "policy truth table: $s" "mismatches above"
done

# self-check: one flipped expectation must be reported
c=$tmp/default-allow.cases
sed '1s/\tallow$/\tdeny/' "$c" >"$tmp/flip.cases"
check "$tmp/default-allow.genv" "$tmp/flip.cases" >"$tmp/flip.out" &&
	fail "self-check: a flipped expectation is a mismatch" "not detected" ||
	{ grep -q 'genv allow, ref.py deny' "$tmp/flip.out" && ok "self-check: a flipped expectation is a mismatch" ||
		fail "self-check: a flipped expectation is a mismatch" "$(cat "$tmp/flip.out")"; }
finish
