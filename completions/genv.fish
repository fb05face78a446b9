# fish completion for genv and its genv-COMMAND links.
#
# Nothing here knows genv's commands or options: the binary answers
# `genv __complete WORD...` from its command table, one candidate per line;
# the line ":file" asks for file-name completion.

function __genv_complete
    set -l tokens (commandline -opc)
    set -l cur (commandline -ct)
    set -l prog $tokens[1]
    set -e tokens[1]
    set -l genv $prog
    set -l base (string replace -r -- '.*/' '' $prog)
    if string match -qr -- '^genv-.' $base
        # genv-decode ... is genv decode ...; ask the genv next to the link
        set -p tokens (string replace -r -- '^genv-' '' $base)
        set genv genv
        if string match -q -- '*/*' $prog
            set genv (string replace -r -- '/[^/]*$' '' $prog)/genv
        end
    end
    set genv (string replace -r -- '^~' $HOME $genv)
    command -q $genv; or return

    # "CAND<TAB>DESCRIPTION" is what fish shows
    for c in (GENV_COMPLETE_DESC=1 command $genv __complete $tokens "$cur" 2>/dev/null)
        if test "$c" = :file
            # files, keeping a --name= prefix in front of them
            set -l pfx (string match -r -- '^--[^=]*=' "$cur")
            set -l fcur (string replace -r -- '^--[^=]*=' '' "$cur")
            for f in (__fish_complete_path "$fcur")
                printf '%s%s\n' "$pfx" $f
            end
        else
            printf '%s\n' $c
        end
    end
end

complete -c genv -f -a '(__genv_complete)'

# the genv-COMMAND links: the command list comes from the binary too
if command -q genv
    for c in (genv __complete '' 2>/dev/null)
        complete -c genv-$c -f -a '(__genv_complete)'
    end
end
