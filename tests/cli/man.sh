#!/usr/bin/env bash
# Man pages: every man/*.[1-8] is lint-clean (mandoc -Tlint, groff -ww),
# and every command's page (named by `genv CMD --help`, from cmd->man)
# has the standard sections, a SYNOPSIS naming the command, and documents
# exactly the options its --help prints (both come from the option table).
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-man.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# render PAGE: plain text, wide lines, no overstrike
render() {
	mandoc -Tascii -Owidth=200 "$1" 2>/dev/null | col -bx
}

# section TEXT NAME: the body of section NAME of rendered TEXT (on stdin)
section() {
	awk -v want="$1" '
		/^[A-Z][A-Z0-9 ]*$/ { insec = ($0 == want); next }
		insec { print }'
}

pages=(man/*.[1-8])
if [ ! -e "${pages[0]}" ]; then
	fail "man pages exist" "no man/*.[1-8]"
	finish
fi

for m in "${pages[@]}"; do
	if ! command -v mandoc >/dev/null; then
		skip "mandoc -Tlint $m" "mandoc not installed"
	else
		# Warnings and errors fail.  Style messages fail too, except
		# "referenced manual not found": pages cross-reference each other
		# and the tools they mention (ethtool(8), pcap-filter(7)), which
		# need not be installed where the test runs.
		out=$(mandoc -Tlint -W style "$m" 2>&1 |
			grep -v 'STYLE: referenced manual not found')
		[ -z "$out" ] && ok "mandoc -Tlint $m" || fail "mandoc -Tlint $m" "$(head -n 3 <<<"$out" | tr '\n' '|')"
	fi
	if ! command -v groff >/dev/null; then
		skip "groff -man -ww $m" "groff not installed"
	else
		out=$(groff -man -ww -z "$m" 2>&1)
		[ -z "$out" ] && ok "groff -man -ww $m" || fail "groff -man -ww $m" "$(head -n 3 <<<"$out" | tr '\n' '|')"
	fi
	# the page's own name matches its file name
	base=${m##*/}
	th=$(sed -n 's/^\.TH  *"\{0,1\}\([^" ]*\)"\{0,1\}  *"\{0,1\}\([0-9]\).*/\1.\2/p' "$m" | head -n 1)
	check_eq "$m: .TH names the file" "$base" "$(tr '[:upper:]' '[:lower:]' <<<"$th")"
done

mapfile -t cmds < <("$GENV" __complete '')
[ ${#cmds[@]} -gt 0 ] || fail "the command table is not empty" "genv __complete '' printed nothing"

for c in "${cmds[@]}"; do
	"$GENV" "$c" --help >"$tmp/help" 2>/dev/null
	ref=$(sed -n 's/^See \([a-z0-9.-]*\)(\([1-8]\))\.$/\1.\2/p' "$tmp/help" | tail -n 1)
	if [ -z "$ref" ]; then
		fail "genv $c --help names its man page" "no 'See PAGE(N).' line"
		continue
	fi
	page=man/$ref
	if [ ! -f "$page" ]; then
		fail "genv $c: man page $page exists"
		continue
	fi
	ok "genv $c: man page $page exists"
	render "$page" >"$tmp/text"

	# Standard sections.  genv(1) calls its OPTIONS "GLOBAL OPTIONS".
	for s in NAME SYNOPSIS DESCRIPTION OPTIONS "OUTPUT FORMAT" "EXIT STATUS" EXAMPLES "SEE ALSO"; do
		if grep -qx "$s" "$tmp/text" || { [ "$s" = OPTIONS ] && grep -qx "GLOBAL OPTIONS" "$tmp/text"; }; then
			ok "$page: section $s"
		else
			fail "$page: section $s" "missing"
		fi
	done

	# The SYNOPSIS shows the command (genv CMD or genv-CMD).
	if section SYNOPSIS <"$tmp/text" | grep -qE "genv[ -]$c( |$)"; then
		ok "$page: SYNOPSIS shows genv $c"
	else
		fail "$page: SYNOPSIS shows genv $c"
	fi

	# Every option --help prints is documented in the page ...
	opts=$(sed -n -E 's/^  (-([^ -]), )?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\3 -\2/p;s/^      (--[A-Za-z0-9][A-Za-z0-9-]*).*/\1/p' "$tmp/help" |
		tr ' ' '\n' | grep -v '^-$' | sort -u)
	missing=
	for o in $opts; do
		grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|$)" "$tmp/text" || missing="$missing $o"
	done
	[ -z "$missing" ] && ok "$page: documents every option of genv $c --help" ||
		fail "$page: documents every option of genv $c --help" "missing:$missing"

	# ... and the page documents no option --help does not know (stale docs).
	# Options are the tags of the OPTIONS sections: lines indented 7 spaces
	# that start with a dash.
	documented=$( { section OPTIONS <"$tmp/text"; section "GLOBAL OPTIONS" <"$tmp/text"; } |
		sed -n -E 's/^       (-[^ -][, ] *)?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\2/p' | sort -u)
	stale=
	for o in $documented; do
		[ "$o" = --version ] && continue	# handled by main(), shown by genv --help
		grep -qxF -- "$o" <<<"$opts" || stale="$stale $o"
	done
	[ -z "$stale" ] && ok "$page: no option missing from genv $c --help" ||
		fail "$page: no option missing from genv $c --help" "documented but unknown:$stale"
done

# genv(1) lists every command and refers to every command's page.
render man/genv.1 >"$tmp/genv1"
for c in "${cmds[@]}"; do
	if section COMMANDS <"$tmp/genv1" | grep -qE "^       $c( |$)"; then
		ok "genv(1) COMMANDS lists $c"
	else
		fail "genv(1) COMMANDS lists $c"
	fi
	ref=$("$GENV" "$c" --help 2>/dev/null | sed -n 's/^See \(.*\)\.$/\1/p' | tail -n 1)
	[ -n "$ref" ] || continue
	if section "SEE ALSO" <"$tmp/genv1" | grep -qF -- "$ref" || [ "$ref" = "genv(1)" ]; then
		ok "genv(1) SEE ALSO names $ref"
	else
		fail "genv(1) SEE ALSO names $ref"
	fi
done

# The EXAMPLES (and the non-root TROUBLESHOOTING recipes) work when
# followed: every "$ genv ..." line, with the variable assignments around
# it, runs in a scratch directory with genv and its links on PATH.
# Lines for root ("# ...") and other tools (ip, ethtool) are not run;
# /tmp/NAME.pcap in a recipe becomes a fixture.
exdir=$tmp/examples
mkdir -p "$exdir/bin"
ln -s "$(readlink -f "$GENV")" "$exdir/bin/genv"
for c in "${cmds[@]}"; do ln -s genv "$exdir/bin/genv-$c"; done
# one Geneve frame (Ethernet/IPv4/UDP 6081/VNI 100/Ethernet/IPv4/ICMP)
for f in capture.pcap u.pcap rx.pcap; do
	/usr/bin/python3 - "$exdir/$f" <<-'EOF'
		import struct, sys
		frame = bytes.fromhex(
		    "02000000000202000000000108004500004e000100004011650c0ac80001"
		    "0ac80002c00017c1003a3aca000065580000640002000000010202000000"
		    "010108004500001c00010000400166de0a0000010a0000020800f7ff0000"
		    "0000")
		with open(sys.argv[1], "wb") as f:
		    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
		    f.write(struct.pack("<IIII", 1700000000, 0, len(frame), len(frame)))
		    f.write(frame)
	EOF
done

# topologies for genv-trace(1)'s examples
cp tests/fixtures/topo/h1.genv "$exdir/topo.genv"
cp tests/fixtures/topo/h[0-9].genv "$exdir/"

# examples PAGE SECTION: print the runnable commands of SECTION, separated by NUL
examples() {
	render "$1" | section "$2" | awk '
		function flush() { if (cmd != "") printf "%s%c", cmd, 0; cmd = ""; cont = 0 }
		/^       \$ / { flush(); cmd = substr($0, 10); cont = ($0 ~ /[\\|]$/); next }
		cont && /^           / { cmd = cmd "\n" substr($0, 8); cont = ($0 ~ /[\\|]$/); next }
		{ flush() }
		END { flush() }'
}

for m in "${pages[@]}"; do
	for sec in EXAMPLES TROUBLESHOOTING; do
		script=$tmp/ex.sh
		: >"$script"
		n=0
		while IFS= read -r -d '' cmd; do
			first=${cmd%%$'\n'*}
			# the command word, after VAR=value assignments
			word=$(sed -E 's/^(export +)?([A-Za-z_][A-Za-z0-9_]*=("[^"]*"|'"'"'[^'"'"']*'"'"'|[^ ]*) *)*//; s/ .*//' <<<"$first")
			case $word in
			genv | genv-*) ;;
			"") ;;	# assignments only
			*) continue ;;
			esac
			if [[ $cmd =~ (^|[^a-z])(eth[0-9]+)([^a-z0-9]|$) ]] && [ ! -e "/sys/class/net/${BASH_REMATCH[2]}" ]; then
				skip "$m $sec: $first" "no interface ${BASH_REMATCH[2]} here"
				continue
			fi
			missing_tool=
			for t in $(grep -oE '[|] *[A-Za-z0-9_.-]+' <<<"$cmd" | tr -d '| '); do
				PATH="$exdir/bin:$PATH" command -v "$t" >/dev/null || missing_tool=$t
			done
			if [ -n "$missing_tool" ]; then
				skip "$m $sec: $first" "$missing_tool not installed"
				continue
			fi
			cmd=${cmd//\/tmp\//$exdir/}
			first=${first% [|\\]}
			n=$((n + 1))
			printf 'if { %s\n} >%q 2>%q; then rc=0; else rc=$?; fi\n' "$cmd" "$exdir/out" "$exdir/err" >>"$script"
			# shellcheck disable=SC2016  # expanded by the generated script
			printf 'printf "%%s\\t%%s\\t%%s\\n" %q "$rc" "$(grep -v ": warning: " %q | grep -m1 "^genv[a-z -]*: ")"\n' \
				"$first" "$exdir/err" >>"$script"
		done < <(examples "$m" "$sec")
		[ "$n" -gt 0 ] || continue
		while IFS=$'\t' read -r first rc err; do
			name="$m $sec: $first"
			if [ "$sec" = EXAMPLES ] && [ "$rc" != 0 ]; then
				fail "$name" "exit $rc${err:+: $err}"
			elif [ "$rc" -gt 1 ] || [ -n "$err" ]; then
				fail "$name" "exit $rc${err:+: $err}"
			else
				ok "$name"
			fi
		done < <(cd "$exdir" && PATH="$exdir/bin:$PATH" bash -o pipefail "$script" 2>&1 </dev/null)
	done
done

finish
