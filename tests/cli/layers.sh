#!/usr/bin/env bash
# Layering: cmd -> trace -> router -> libcore, no include or symbol cycles,
# one Geneve option TLV walk (libcore/opt_tlv).  The rules, the exemptions
# and the self-test are in tests/layers.py; this passes its lines on.
# Objects for the symbol check come from $O (tests/run.sh exports it).
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

out=$(/usr/bin/python3 tests/layers.py --obj "${O:-build}" 2>&1)
rc=$?
seen=0
while IFS= read -r line; do
	case $line in
	"ok - "*)     seen=1; ok "${line#ok - }" ;;
	"not ok - "*) seen=1; _t_fail=$((_t_fail + 1)); echo "$line" ;;
	"skip - "*)   seen=1; _t_skip=$((_t_skip + 1)); echo "$line" ;;
	*)            echo "# $line" ;;
	esac
done <<<"$out"
[ "$seen" = 1 ] || fail "layers: tests/layers.py ran" "exit $rc, no result lines"
[ "$rc" = 0 ] || [ "$_t_fail" -gt 0 ] || fail "layers: tests/layers.py exit status" "exit $rc"
finish
