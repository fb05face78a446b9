#!/usr/bin/env bash
# Static analysis of the project's own sources (libcore, cmd, router,
# trace; tests/unit for the compiler too): clang -Werror beside gcc's
# build, cppcheck, clang-tidy with the checks of tests/static/
# clang-tidy.checks, and no number parser but libcore/num.c's (STYLE
# rule 14: atoi, strtol and sscanf conversions neither refuse overflow
# nor trailing bytes).  A tool that is not installed is a skip (make deps
# installs them).  Suppressions: tests/static/cppcheck.supp and inline
# comments (cppcheck-suppress, NOLINT), each with its reason.
# Results are kept in $O/static: cppcheck's build dir, and a stamp per
# source file clang-tidy passed, named by the hash of its preprocessed
# text (comments kept) with the checks and flags, so an unchanged file
# is not analysed again.  A cold clang-tidy run is minutes of CPU (about
# 380 s for the 102 files), so make check gives it a budget:
#   - files not started within STATIC_TIDY_SECONDS (default 60) are left
#     for the next run, which goes on from the stamps;
#   - the files to analyse go oldest-checked first (the time of each
#     one's last clean check, $O/static/tidy-seen; never-checked first),
#     ties in an order that starts at a place given by the HEAD commit,
#     so fresh clones of successive commits begin at different files;
#   - a file left for later STATIC_TIDY_MAX_SKIPS runs in a row (default
#     3; $O/static/tidy-skips) is analysed on the next one whatever the
#     budget: no file can be skipped forever while the cache is kept;
#   - `make static` (STATIC_TIDY_SECONDS=0) analyses every file, no
#     budget: run it before a release and after changing the checks.
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

O=${O:-build}
cache=$O/static
jobs=$(nproc 2>/dev/null || echo 2)
tmp=$(mktemp -d /tmp/genv-static.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$cache/cppcheck" "$cache/tidy" || { fail "static: cache directory $cache"; finish; }

mapfile -t src < <(ls libcore/*.c cmd/*.c cmd/*/*.c router/*.c trace/*.c | grep -v '\.bpf\.c$')
mapfile -t unit < <(ls tests/unit/*.c)
FLAGS=$(make -s static-flags) || { fail "static: make static-flags"; finish; }
export FLAGS
read -r -a flags <<<"$FLAGS"

# report NAME LOG: ok when LOG has no finding, else the findings and not ok
report() {
	local name=$1 log=$2 n
	n=$(grep -c . "$log")
	if [ "$n" -eq 0 ]; then
		ok "$name"
	else
		sed 's/^/# /' "$log" | head -n 60
		fail "$name" "$n finding lines (above)"
	fi
}

# -- the number parsers libcore/num.c replaces (banned outside it)
banned='\b(atoi|atol|atoll|atof|strtol|strtoul|strtoll|strtoull|strtoimax|strtoumax|strtod|strtof|strtold)[[:space:]]*\('
numscan='\b[vf]?sscanf[[:space:]]*\(.*%[-0-9*]*(hh|h|ll|l|j|z|t|L)?[diouxXaAeEfFgG]'
grep -nE "$banned|$numscan" "${src[@]}" | grep -v '^libcore/num\.c:' >"$tmp/banned"
report "static: no atoi/strtol/sscanf number parsing outside libcore/num.c (${#src[@]} files)" "$tmp/banned"

# -- clang -Werror, with the flags gcc builds with
if command -v clang >/dev/null 2>&1; then
	start=$SECONDS
	printf '%s\n' "${src[@]}" "${unit[@]}" |
		nice xargs -P "$jobs" -n 8 clang -fsyntax-only "${flags[@]}" >"$tmp/clang" 2>&1
	grep -E 'error:|warning:' "$tmp/clang" >"$tmp/clang.f"
	report "static: clang -Werror -fsyntax-only, $((${#src[@]} + ${#unit[@]})) files ($((SECONDS - start)) s)" "$tmp/clang.f"
else
	skip "static: clang -Werror" "clang not installed (make deps)"
fi

# -- cppcheck
if command -v cppcheck >/dev/null 2>&1; then
	start=$SECONDS
	nice cppcheck -j "$jobs" --quiet --enable=warning,portability,performance --std=c11 \
		-D_GNU_SOURCE -D__linux__ -D__x86_64__ --inline-suppr \
		--suppressions-list=tests/static/cppcheck.supp --cppcheck-build-dir="$cache/cppcheck" \
		--template='{file}:{line}: {severity}: {id}: {message}' "${src[@]}" >"$tmp/cppcheck" 2>&1
	grep -E '^[^ ]+:[0-9]+: ' "$tmp/cppcheck" | sort -u >"$tmp/cppcheck.f"
	report "static: cppcheck warning,portability,performance ($((SECONDS - start)) s)" "$tmp/cppcheck.f"
else
	skip "static: cppcheck" "cppcheck not installed (make deps)"
fi

# -- clang-tidy
if command -v clang-tidy >/dev/null 2>&1 && command -v clang >/dev/null 2>&1; then
	start=$SECONDS
	CHECKS=$(grep -v '^#' tests/static/clang-tidy.checks | grep . | paste -sd, -)
	VERSION=$(clang-tidy --version | tr '\n' ' ')
	TMP=$tmp CACHE=$cache HFILTER="^$PWD/(libcore|cmd|router|trace)/"
	budget=${STATIC_TIDY_SECONDS:-60}
	MAXSKIP=${STATIC_TIDY_MAX_SKIPS:-3}
	if [ "$budget" -eq 0 ]; then DEADLINE=0; else DEADLINE=$(($(date +%s) + budget)); fi
	export CHECKS VERSION TMP CACHE HFILTER DEADLINE MAXSKIP
	mkdir -p "$cache/tidy-seen" "$cache/tidy-skips"
	# the order: last clean check (epoch, 0 never), then the rotation
	rot=$(git rev-parse HEAD 2>/dev/null | cut -c1-6)
	rot=$((16#${rot:-0} % ${#src[@]}))
	for i in "${!src[@]}"; do
		f=${src[$i]}
		seen=$(stat -c %Y "$cache/tidy-seen/${f//\//_}" 2>/dev/null || echo 0)
		echo "$seen $(((i - rot + ${#src[@]}) % ${#src[@]})) $f"
	done | sort -n -k1,1 -k2,2 | cut -d' ' -f3 >"$tmp/order"
	# tidy_one FILE: analyse FILE unless its stamp says it passed as it is
	tidy_one() {
		local f=$1 id=${1//\//_} key out n
		read -r -a fl <<<"$FLAGS"
		key=$({ echo "$VERSION|$CHECKS|$FLAGS"; clang -E -C "${fl[@]}" "$f" 2>&1; } | sha1sum | cut -c1-40)
		[ -e "$CACHE/tidy/$key" ] && return 0
		if [ "$DEADLINE" -ne 0 ] && [ "$(date +%s)" -ge "$DEADLINE" ]; then
			n=$(cat "$CACHE/tidy-skips/$id" 2>/dev/null || echo 0)
			if [ "$n" -lt "$MAXSKIP" ]; then
				echo $((n + 1)) >"$CACHE/tidy-skips/$id"
				: >"$TMP/late.$id"
				return 0
			fi
			: >"$TMP/forced.$id"	# left for later MAXSKIP times: now
		fi
		rm -f "$CACHE/tidy-skips/$id"
		out="$TMP/out.$id"
		if clang-tidy --quiet --checks="$CHECKS" --warnings-as-errors='*' --header-filter="$HFILTER" \
			"$f" -- "${fl[@]}" >"$out" 2>&1; then
			: >"$CACHE/tidy/$key"
			: >"$CACHE/tidy-seen/$id"
			rm -f "$out"
		fi
	}
	export -f tidy_one
	nice xargs -P "$jobs" -n 1 bash -c 'tidy_one "$1"' _ <"$tmp/order"
	# a file that failed: its findings, or how it failed (out.*, not
	# tidy.*: the glob must not meet tidy.f, which the pipe opens first)
	for o in "$tmp"/out.*; do
		[ -e "$o" ] || continue
		grep -E '(warning|error):' "$o" || echo "${o#"$tmp"/out.}: clang-tidy failed: $(tail -n 1 "$o")"
	done | sed "s|^$PWD/||" | sort -u >"$tmp/tidy.f"
	late=$(find "$tmp" -name 'late.*' | wc -l)
	forced=$(find "$tmp" -name 'forced.*' | wc -l)
	report "static: clang-tidy, checks of tests/static/clang-tidy.checks, $((${#src[@]} - late)) files ($forced after $MAXSKIP runs left for later; $((SECONDS - start)) s)" "$tmp/tidy.f"
	[ "$late" -eq 0 ] || skip "static: clang-tidy of $late more files" \
		"not started within STATIC_TIDY_SECONDS=$budget; the next run goes on, oldest-checked first, and analyses a file left for later $MAXSKIP times whatever the budget; make static: all"
else
	skip "static: clang-tidy" "clang-tidy not installed (make deps)"
fi

finish
