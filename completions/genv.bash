# bash completion for genv and its genv-COMMAND links          -*- shell-script -*-
#
# Nothing here knows genv's commands or options: the binary answers
# `genv __complete WORD...` from its command table, one candidate per line;
# the line ":file" asks for file-name completion.

_genv()
{
	local cur words cword
	if declare -F _init_completion >/dev/null; then
		# keep --name=value and IPv6 addresses in one word; '=' and ':'
		# are still readline word breaks (handled below)
		_init_completion -n =: || return
	else
		# without bash-completion: split the line at blanks only, so that
		# --name=value stays one word (quoting is not interpreted)
		read -ra words <<<"${COMP_LINE:0:COMP_POINT}"
		[[ ${COMP_LINE:0:COMP_POINT} == *[[:blank:]] ]] && words+=("")
		cword=$((${#words[@]} - 1))
		cur=${words[cword]}
	fi

	local prog=${words[0]} genv=${words[0]} base=${words[0]##*/}
	local -a args=("${words[@]:1:cword}")
	if [[ $base == genv-?* ]]; then
		# genv-decode ... is genv decode ...; ask the genv next to the link
		args=("${base#genv-}" "${args[@]}")
		genv=genv
		[[ $prog == */* ]] && genv=${prog%/*}/genv
	fi
	# a literal ~/ typed on the line (the word is not expanded)
	# shellcheck disable=SC2088
	[[ $genv == "~/"* ]] && genv=$HOME/${genv#"~/"}
	type -P -- "$genv" >/dev/null || return

	local -a cands
	mapfile -t cands < <("$genv" __complete "${args[@]}" 2>/dev/null)

	# readline replaces only the text after the last word break in the
	# word: after the last '=' (--name=value, opt=NAME), after the last ':' of an address
	local pfx=
	[[ $cur == *=* && $COMP_WORDBREAKS == *=* ]] && pfx=${cur%=*}=
	[[ $cur == *:* && $COMP_WORDBREAKS == *:* ]] && pfx=${cur%:*}:

	COMPREPLY=()
	local c file=
	for c in "${cands[@]}"; do
		if [[ $c == :file ]]; then
			file=1
		else
			COMPREPLY+=("${c#"$pfx"}")
		fi
	done
	if [[ $file ]]; then
		cur=${cur#"$pfx"}
		if declare -F _filedir >/dev/null; then
			_filedir
		else
			compopt -o filenames 2>/dev/null
			mapfile -t -O "${#COMPREPLY[@]}" COMPREPLY < <(compgen -f -- "$cur")
		fi
	fi
} &&
	complete -F _genv genv &&
	{
		# the genv-COMMAND links: the command list comes from the binary too
		_genv_links()
		{
			local c
			type -P genv >/dev/null || return 0
			for c in $(genv __complete '' 2>/dev/null); do
				complete -F _genv "genv-$c"
			done
		}
		_genv_links
		unset -f _genv_links
	}

# ex: filetype=sh
