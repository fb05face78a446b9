#!/usr/bin/env bash
# Completions come from the command table: every command and every option
# that `genv CMD --help` prints must be offered by `genv __complete`, by the
# bash completion function (driven through bash-completion), by fish, and
# the zsh and fish scripts must at least parse.
# "A && ok || fail" is safe: ok never fails
# shellcheck disable=SC2015
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

tmp=$(mktemp -d /tmp/genv-completion.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
genv_abs=$(readlink -f "$GENV")
mkdir -p "$tmp/bin" "$tmp/files"
ln -s "$genv_abs" "$tmp/bin/genv"
export PATH="$tmp/bin:$PATH"

mapfile -t cmds < <(genv __complete '')
if [ ${#cmds[@]} -eq 0 ]; then
	fail "__complete lists commands" "genv __complete '' printed nothing"
	finish
fi
for c in "${cmds[@]}"; do ln -s genv "$tmp/bin/genv-$c"; done

# The commands `genv help` lists, for comparison with the engine's list.
listed=$(genv help | sed -n '/^Commands:/,/^$/s/^  \([a-z][a-z0-9-]*\) .*/\1/p' | sort)
check_eq "__complete '' lists the commands of 'genv help'" "$listed" \
	"$(printf '%s\n' "${cmds[@]}" | sort)"

# help_opts CMD: the long and short options `genv CMD --help` prints, one a line.
help_opts() {
	genv "$1" --help 2>/dev/null |
		sed -n -E 's/^  (-([^ -]), )?(--[A-Za-z0-9][A-Za-z0-9-]*).*/\3 -\2/p;s/^      (--[A-Za-z0-9][A-Za-z0-9-]*).*/\1/p' |
		tr ' ' '\n' | grep -v '^-$' | sort -u
}

# value_opts CMD: the long options that take a value (a METAVAR follows them).
value_opts() {
	genv "$1" --help 2>/dev/null |
		sed -n -E 's/^  (-[^ -], |    )(--[A-Za-z0-9][A-Za-z0-9-]*)[ =][A-Z].*/\2/p' | sort -u
}

# has WORD LIST...: WORD is one of the LIST lines
has() {
	local w=$1; shift
	printf '%s\n' "$@" | grep -qxF -- "$w"
}

# missing EXPECTED-LINES ACTUAL-LINES: the expected lines not in actual
missing() {
	comm -23 <(printf '%s\n' "$1" | grep -v '^$' | sort -u) <(printf '%s\n' "$2" | sort -u) | tr '\n' ' '
}

# ---- bash, through bash-completion ----
bc=/usr/share/bash-completion/bash_completion
have_bc=1
if [ -r "$bc" ]; then
	# bash_completion expects an interactive-looking shell
	# shellcheck disable=SC1090
	. "$bc" >/dev/null 2>&1 || have_bc=
else
	have_bc=
fi
# shellcheck disable=SC1091
. completions/genv.bash

# bash_comp LINE: run the registered completion function as readline would
# with the cursor at the end of LINE (words split at blanks and at '=') and
# print COMPREPLY, one a line.
bash_comp() {
	local line=$1 w fn
	local -a parts
	COMP_LINE=$line COMP_POINT=${#line} COMP_WORDS=()
	read -ra parts <<<"$line"
	for w in "${parts[@]}"; do
		while [[ $w == *=* ]]; do
			COMP_WORDS+=("${w%%=*}" "=")
			w=${w#*=}
		done
		[ -n "$w" ] && COMP_WORDS+=("$w")
	done
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	fn=$(complete -p "${COMP_WORDS[0]}" 2>/dev/null || complete -p "${COMP_WORDS[0]##*/}" 2>/dev/null)
	fn=$(sed -n 's/.* -F \([^ ]*\) .*/\1/p' <<<"$fn")
	[ -n "$fn" ] || return 1
	"$fn" "${COMP_WORDS[0]}" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}" 2>/dev/null
	[ ${#COMPREPLY[@]} -gt 0 ] && printf '%s\n' "${COMPREPLY[@]}"
	return 0
}

[ -n "$have_bc" ] || skip "bash-completion loaded" "no $bc; testing the script's fallback path"

out=$(bash_comp "genv ")
m=$(missing "$(printf '%s\n' "${cmds[@]}")" "$out")
[ -z "$m" ] && ok "bash: genv <TAB> offers every command" || fail "bash: genv <TAB> offers every command" "missing: $m"
out=$(bash_comp "genv -j ")
m=$(missing "$(printf '%s\n' "${cmds[@]}")" "$out")
[ -z "$m" ] && ok "bash: commands after a global option" || fail "bash: commands after a global option" "missing: $m"
out=$(bash_comp "genv help ")
m=$(missing "$(printf '%s\n' "${cmds[@]}")" "$out")
[ -z "$m" ] && ok "bash: genv help <TAB> offers every command" || fail "bash: genv help <TAB> offers every command" "missing: $m"
out=$(bash_comp "genv --color=")
check_eq "bash: --color=<TAB> offers the choices" "always auto never" "$(sort <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
out=$(bash_comp "genv --color=al")
check_eq "bash: --color=al<TAB>" "always" "$out"
out=$(bash_comp "genv --color ")
check_eq "bash: --color <TAB> offers the choices" "always auto never" "$(sort <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
check_eq "bash: unknown command offers nothing" "" "$(bash_comp "genv nosuchcmd ")"

# ---- option names: the built-in layouts and the options files' (decode's
# filter 'opt NAME', craft's opt=NAME, trace's both)
conf=tests/fixtures/optfile/good.conf
check_eq "decode opt <TAB>: the built-in names" "$("$GENV" __complete decode -r x.pcap opt '' | sort | tr '\n' ' ')" \
	"$(/usr/bin/python3 -c 'import sys; print(" ".join(sorted(sys.argv[1:])) + " ")' label eptype rts qos trace ident ovn cilium.dsr gcp.vnid gcp.endpoint gcp.profile cpacket mizar.rts mizar.scaled mizar.pod mizar.ns odst health aws.endpoint aws.attachment aws.cookie oxide.external oxide.mcast oxide.mss)"
check_eq "decode --options FILE opt acme<TAB>" "acme.blob acme.peer acme.tenant acme.v6" \
	"$(genv __complete decode --options "$conf" -r x.pcap opt acme | sort | tr '\n' ' ' | sed 's/ $//')"
check_eq "decode --options=FILE opt acme.t<TAB>" "acme.tenant" "$(genv __complete decode --options="$conf" opt acme.t)"
check_eq "decode opt acme<TAB> with \$GENV_OPTIONS" "4" "$(GENV_OPTIONS=$conf genv __complete decode opt acme | wc -l)"
mkdir -p "$tmp/home/.config/genv" && cp "$conf" "$tmp/home/.config/genv/options.conf"
check_eq "decode opt acme<TAB> from ~/.config/genv/options.conf" "4" \
	"$(HOME=$tmp/home XDG_CONFIG_HOME='' GENV_OPTIONS='' genv __complete decode opt acme | wc -l)"
check_eq "no options file: no private names" "0" \
	"$(HOME=$tmp/nohome XDG_CONFIG_HOME='' GENV_OPTIONS='' genv __complete decode opt acme | wc -l)"
check_eq "a bad options file: quietly nothing" "" \
	"$(genv __complete decode --options tests/fixtures/optfile/bad-name.conf opt acme 2>&1)"
check_eq "craft opt=acme.p<TAB>" "opt=acme.peer" "$(genv __complete craft --options "$conf" geneve opt=acme.p)"
check_eq "craft opt=oxide.m<TAB>" "opt=oxide.mcast opt=oxide.mss" "$(genv __complete craft geneve opt=oxide.m | tr '\n' ' ' | sed 's/ $//')"
check_eq "trace packet opt=acme.b<TAB>" "opt=acme.blob" "$(genv __complete trace packet --options "$conf" --in underlay geneve opt=acme.b)"
check_eq "descriptions: the file's" "acme.tenant	ACME tenant tag" \
	"$(GENV_COMPLETE_DESC=1 genv __complete decode --options "$conf" opt acme.te)"
out=$(GENV_OPTIONS=$conf bash_comp "genv craft geneve opt=acme.te")
check_eq "bash: craft geneve opt=acme.te<TAB>" "acme.tenant" "$out"
out=$(GENV_OPTIONS=$conf bash_comp "genv decode -r x.pcap opt acme.pe")
check_eq "bash: decode opt acme.pe<TAB>" "acme.peer" "$out"

for c in "${cmds[@]}"; do
	opts=$(help_opts "$c")
	if [ -z "$opts" ]; then
		fail "$c --help lists options" "no option lines in 'genv $c --help'"
		continue
	fi
	longs=$(grep -- '^--' <<<"$opts")

	# the engine itself
	out=$(genv __complete "$c" -)
	m=$(missing "$opts" "$out")
	[ -z "$m" ] && ok "__complete $c -: every option" || fail "__complete $c -: every option" "missing: $m"
	out=$(genv __complete "$c" --)
	m=$(missing "$longs" "$out")
	[ -z "$m" ] && ok "__complete $c --: every long option" || fail "__complete $c --: every long option" "missing: $m"
	if genv __complete "$c" '' | grep -q '^-'; then
		fail "__complete $c '': no options offered for a positional word"
	fi

	# bash, as genv CMD and as the genv-CMD link
	out=$(bash_comp "genv $c -")
	m=$(missing "$opts" "$out")
	[ -z "$m" ] && ok "bash: genv $c -<TAB>: every option" || fail "bash: genv $c -<TAB>: every option" "missing: $m"
	out=$(bash_comp "genv-$c --")
	m=$(missing "$longs" "$out")
	[ -z "$m" ] && ok "bash: genv-$c --<TAB>: every long option" || fail "bash: genv-$c --<TAB>: every long option" "missing: $m"
	pfx=${c:0:2}
	out=$(bash_comp "genv $pfx")
	has "$c" "$out" && ok "bash: genv $pfx<TAB> offers $c" || fail "bash: genv $pfx<TAB> offers $c" "got: ${out//$'\n'/ }"

	# options that take a value: files complete as files
	for o in $(value_opts "$c"); do
		vals=$(genv __complete "$c" "$o" '' 2>&1) ||
			{ fail "__complete $c $o ''" "exit status $?"; continue; }
		if has :file "$vals"; then
			: >"$tmp/files/zzcomp.pcap"
			out=$(cd "$tmp/files" && bash_comp "genv $c $o zzc")
			check_eq "bash: genv $c $o FILE<TAB> completes files" "zzcomp.pcap" "$out"
			out=$(cd "$tmp/files" && bash_comp "genv $c $o=zzc")
			check_eq "bash: genv $c $o=FILE<TAB> completes files" "zzcomp.pcap" "$out"
		elif [ -n "$vals" ]; then
			# enum choices, interface names: bash offers what the engine offers
			out=$(bash_comp "genv $c $o ")
			check_eq "bash: genv $c $o <TAB> offers the values" "$(sort <<<"$vals")" "$(sort <<<"$out")"
			out=$(bash_comp "genv $c $o=")
			check_eq "bash: genv $c $o=<TAB> offers the values" "$(sort <<<"$vals")" "$(sort <<<"$out")"
		fi
	done
done

# subcommands, when a command declares them (e.g. genv trace path)
for c in "${cmds[@]}"; do
	subs=$(genv __complete "$c" '')
	[ -n "$subs" ] || continue
	out=$(bash_comp "genv $c ")
	m=$(missing "$subs" "$out")
	[ -z "$m" ] && ok "bash: genv $c <TAB> offers its arguments" || fail "bash: genv $c <TAB> offers its arguments" "missing: $m"
done

# ---- bash without bash-completion: the script's own word splitting ----
: >"$tmp/files/zzcomp.pcap"
root=$PWD
fb=$(cd "$tmp/files" && bash --norc --noprofile -c '
	. "$1/completions/genv.bash"
	t() {
		COMP_LINE=$1 COMP_POINT=${#1} COMP_WORDS=() COMP_CWORD=0 COMPREPLY=()
		_genv genv 2>/dev/null
		echo "${COMPREPLY[*]}"
	}
	t "genv --color=al"; t "genv -j dec"; t "genv decode --read=zzc"; t "genv-decode -r zzc"
	t "genv decode --color "' _ "$root")
check_eq "bash (no bash-completion): --color=al, commands, files, values" \
	"$(printf '%s\n' always decode zzcomp.pcap zzcomp.pcap 'auto always never')" "$fb"

# ---- zsh ----
if command -v zsh >/dev/null; then
	check "zsh -n completions/_genv" zsh -n completions/_genv
	# real completions through zpty: type LINE<TAB> in an interactive zsh,
	# then run `print -r -- X<the edited line>` and collect those lines
	cat >"$tmp/zsh-test" <<-'EOF'
		zmodload zsh/zpty
		zpty z zsh -f -i
		zpty -w z 'PS1="%% "; unsetopt zle_bracketed_paste; fpath=($GENV_FPATH $fpath); autoload -Uz compinit; compinit -u -D'
		for line in "$@"; do
			zpty -w -n z "$line"$'\t'
			sleep 0.5
			zpty -w -n z $'\C-a'"print -r -- X"$'\n'
		done
		zpty -w z 'print DONE$((2+3))'
		out=
		while zpty -r -t z chunk 2>/dev/null || { sleep 0.1; (( SECONDS < 20 )); }; do
			out+=$chunk; chunk=
			[[ $out == *DONE5* ]] && break
		done
		print -r -- "$out" | tr -d '\r' | grep -a '^X' | cut -c2-
		zpty -d z
	EOF
	c=${cmds[0]}
	zlines=("genv dec" "genv help ${c:0:3}" "genv --color=alw" "genv-$c --jso" "genv $c -j --pre")
	zwant=("genv decode" "genv help $c" "genv --color=always" "genv-$c --json" "genv $c -j --pretty")
	for c in "${cmds[@]}"; do
		for o in $(value_opts "$c"); do
			if has :file "$(genv __complete "$c" "$o" '')"; then
				zlines+=("genv $c $o zzc")
				zwant+=("genv $c $o zzcomp.pcap")
				break 2
			fi
		done
	done
	: >"$tmp/files/zzcomp.pcap"
	mapfile -t zgot < <(cd "$tmp/files" && GENV_FPATH="$OLDPWD/completions" timeout 30 zsh -f "$tmp/zsh-test" "${zlines[@]}" 2>&1)
	for i in "${!zlines[@]}"; do
		z=${zgot[i]:-}
		check_eq "zsh: ${zlines[i]}<TAB>" "${zwant[i]}" "${z%"${z##*[! ]}"}"
	done
else
	skip "zsh -n completions/_genv" "zsh not installed (make deps installs it)"
fi

# ---- fish ----
if command -v fish >/dev/null; then
	check "fish -n completions/genv.fish" fish -n completions/genv.fish
	fish_comp() {
		# shellcheck disable=SC2016  # fish expands $argv
		fish --no-config -c 'source completions/genv.fish; complete -C $argv[1]' "$1" 2>/dev/null |
			cut -f1
	}
	out=$(fish_comp "genv dec")
	has decode "$out" && ok "fish: complete -C 'genv dec' offers decode" ||
		fail "fish: complete -C 'genv dec' offers decode" "got: ${out//$'\n'/ }"
	out=$(fish_comp "genv ")
	m=$(missing "$(printf '%s\n' "${cmds[@]}")" "$out")
	[ -z "$m" ] && ok "fish: genv <TAB> offers every command" || fail "fish: genv <TAB> offers every command" "missing: $m"
	for c in "${cmds[@]}"; do
		longs=$(help_opts "$c" | grep -- '^--')
		out=$(fish_comp "genv $c --")
		m=$(missing "$longs" "$out")
		[ -z "$m" ] && ok "fish: genv $c --<TAB>: every long option" || fail "fish: genv $c --<TAB>: every long option" "missing: $m"
		out=$(fish_comp "genv-$c --")
		m=$(missing "$longs" "$out")
		[ -z "$m" ] && ok "fish: genv-$c --<TAB>: every long option" || fail "fish: genv-$c --<TAB>: every long option" "missing: $m"
	done
	for c in "${cmds[@]}"; do
		for o in $(value_opts "$c"); do
			has :file "$(genv __complete "$c" "$o" '')" || continue
			out=$(cd "$tmp/files" && fish_comp "genv $c $o zzc")
			check_eq "fish: genv $c $o FILE<TAB> completes files" "zzcomp.pcap" "$out"
			out=$(cd "$tmp/files" && fish_comp "genv $c $o=zzc")
			check_eq "fish: genv $c $o=FILE<TAB> completes files" "$o=zzcomp.pcap" "$out"
		done
	done
	out=$(fish_comp "genv --color=")
	check_eq "fish: --color=<TAB> offers the choices" "--color=always --color=auto --color=never" \
		"$(sort <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
else
	skip "fish -n completions/genv.fish" "fish not installed (make deps installs it)"
fi

# ---- live objects from a running router (genv route run in a private netns) ----
# static words of the router's language need no router
# (router/config.h's word lists: checked by membership, so new words need no edit here)
out=$(genv __complete route show '')
m=$(missing "$(printf '%s\n' vpc net ep port host config)" "$out")
[ -z "$m" ] && ok "__complete route show '': the show topics" || fail "__complete route show '': the show topics" "missing: $m"
out=$(genv __complete route add '')
m=$(missing "$(printf '%s\n' vpc net ep port)" "$out")
[ -z "$m" ] && ! has host "$out" && ok "__complete route add '': the objects, not host" ||
	fail "__complete route add '': the objects, not host" "got: ${out//$'\n'/ }"
has host "$(genv __complete route set '')" && ok "__complete route set '': host too" || fail "__complete route set '': host too"
check_eq "__complete route apply -f '': files" ":file" "$(genv __complete route apply -f '')"
check_eq "__complete route add port '': xdp" xdp "$(genv __complete route add port '')"
has zerocopy "$(genv __complete route add port xdp lo mode '')" && ok "__complete route add port xdp IFACE mode: the modes" ||
	fail "__complete route add port xdp IFACE mode: the modes"
has busy-poll "$(genv __complete route add port xdp lo queues 2 '')" && ok "__complete route add port xdp IFACE ...: the keywords" ||
	fail "__complete route add port xdp IFACE ...: the keywords"
has offload "$(genv __complete route set host '')" && ok "__complete route set host '': offload" ||
	fail "__complete route set host '': offload"
check_eq "__complete route set host offload '': on off" "on off" "$(genv __complete route set host offload '' | tr '\n' ' ' | sed 's/ $//')"
has netns "$(genv __complete route add port t1 '')" && ok "__complete route add port NAME '': netns" ||
	fail "__complete route add port NAME '': netns"
has apply "$(genv __complete route '')" && ok "__complete route '': apply" || fail "__complete route '': apply"
check_eq "__complete route apply --d: --dry-run" "--dry-run" "$(genv __complete route apply --d)"
# no router: no candidates, no error, at once
start=$(date +%s%N)
out=$(GENV_SOCKET=$tmp/none.sock genv __complete route del vpc '' 2>&1); rc=$?
[ "$rc" = 0 ] && [ -z "$out" ] && ok "no router: no live candidates, exit 0" || fail "no router: no live candidates, exit 0" "exit $rc: $out"
# a socket that accepts and never answers: bounded (300 ms per request)
/usr/bin/python3 -c 'import socket, sys, time
s = socket.socket(socket.AF_UNIX); s.bind(sys.argv[1]); s.listen(8); time.sleep(20)' "$tmp/hung.sock" &
hung=$!
for _ in $(seq 50); do [ -S "$tmp/hung.sock" ] && break; sleep 0.1; done
start=$(date +%s%N)
out=$(GENV_SOCKET=$tmp/hung.sock timeout 5 genv __complete route del ep 100 '' 2>&1); rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
kill "$hung" 2>/dev/null; wait "$hung" 2>/dev/null
[ "$rc" = 0 ] && [ -z "$out" ] && [ "$ms" -lt 2000 ] && ok "a router that never answers: nothing, in ${ms} ms" ||
	fail "a router that never answers: bounded" "exit $rc after $ms ms: $out"

if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null && [ -c /dev/net/tun ]; then
	cat >"$tmp/live.genv" <<-'EOF'
		set host addr 10.200.0.1 id h1
		add vpc 100 name blue cidr 10.0.0.0/16 cidr fd00:100::/64
		add vpc 200 name red cidr 10.0.0.0/16
		add net 100 10.0.1.0/24 gw 10.0.1.1
		add port cpt0
		add ep 100 10.0.1.5 mac 02:00:00:00:01:05 port cpt0
		add ep 100 10.0.1.6 mac 02:00:00:00:01:06 host 10.200.0.2
		add ep 200 10.0.1.7 mac 02:00:00:00:01:07 host 10.200.0.2
	EOF
	rsock=$tmp/live.sock
	unshare -n "$genv_abs" route run -q -f "$tmp/live.genv" -S "$rsock" 2>"$tmp/router.err" &
	rpid=$!
	trap 'kill "$rpid" 2>/dev/null; wait "$rpid" 2>/dev/null; rm -rf "$tmp"' EXIT
	for _ in $(seq 50); do genv route -S "$rsock" show host >/dev/null 2>&1 && break; sleep 0.1; done
	# live LINE... EXPECTED: candidates of `genv __complete LINE` with GENV_SOCKET set
	live() {
		local want=${*: -1}
		check_eq "live: genv ${*:1:$#-1}<TAB>" "$want" \
			"$(GENV_SOCKET=$rsock genv __complete "${@:1:$#-1}" | tr '\n' ' ' | sed 's/ $//')"
	}
	live route del vpc '' "100 200"
	live route show ep '' "100 200"
	live route add ep '' "100 200"
	live route add vpc '' ""
	live route del ep 100 '' "10.0.1.5 10.0.1.6"
	live route set ep 200 '' "10.0.1.7"
	live route del ep 100 10.0.1.5 "10.0.1.5"
	live route set net 100 '' "10.0.1.0/24"
	live route del port '' "cpt0"
	live route add ep 100 10.0.1.9 mac 02:00:00:00:01:09 port '' "cpt0"
	live route add ep 100 10.0.9.1 mac 02:00:00:00:09:01 type '' "simple scaled proxied gateway"
	live route add ep 100 10.0.9.2 mac 02:00:00:00:09:02 type proxied proxy '' "10.0.1.5 10.0.1.6"
	live route set ep 100 10.0.9.1 health '' "on off"
	live route show port '' ""
	live trace --vpc '' "100 200"
	live route apply --vpc '' "100 200"
	live top --vni= "--vni=100 --vni=200"
	live trace packet --in '' "underlay cpt0"
	check_eq "live: -S PATH on the line" "100 200" \
		"$(GENV_SOCKET=$tmp/none.sock genv __complete route -S "$rsock" del vpc '' | tr '\n' ' ' | sed 's/ $//')"
	check_eq "live: --socket=PATH on the line" "100 200" \
		"$(genv __complete route --socket="$rsock" del vpc '' | tr '\n' ' ' | sed 's/ $//')"
	check_eq "live: descriptions for fish and zsh" "100	name blue cidr 10.0.0.0/16 cidr fd00:100::/64" \
		"$(GENV_SOCKET=$rsock GENV_COMPLETE_DESC=1 genv __complete route del vpc 1 | head -n 1)"
	out=$(GENV_SOCKET=$rsock bash_comp "genv route del ep 100 10.0.1.")
	check_eq "bash: genv route del ep 100 10.0.1.<TAB>" "10.0.1.5 10.0.1.6" "$(sort <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
	if command -v fish >/dev/null; then
		out=$(GENV_SOCKET=$rsock fish_comp "genv route del vpc ")
		check_eq "fish: genv route del vpc <TAB>" "100 200" "$(sort <<<"$out" | tr '\n' ' ' | sed 's/ $//')"
	fi
else
	skip "live completion from a running router" "needs root, unshare and /dev/net/tun"
fi

finish
