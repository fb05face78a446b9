#!/usr/bin/env bash
# The Makefile's binaries: `make SAN=1 genv` builds build-san/genv and leaves
# ./genv (the symlink to build/genv) alone; SAN_LINK=1 points ./genv at the
# sanitizer build when asked; `make SAN=1 check` and `demo` test the binary
# of the build they made.  Read from `make -n` (what make would run): no build.
set -u
# shellcheck source=tests/lib.sh
. tests/lib.sh

# run from `make SAN=1 check` too: the parent's MAKEFLAGS (SAN=1) must not
# leak into the plain build's dry run
mk() { env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL make "$@"; }
touches_genv() { grep -E '(^|[;&| ])(rm -f|ln -s [^ ]+|cp [^ ]+) genv( |;|$)'; }

plain=$(mk -n SAN= genv 2>&1)
echo "$plain" | grep -q 'ln -s build/genv genv' &&
	ok "make genv: ./genv -> build/genv" || fail "make genv: ./genv -> build/genv" "$plain"

san=$(mk -n SAN=1 genv 2>&1)
if echo "$san" | touches_genv >/dev/null; then
	fail "make SAN=1 genv leaves ./genv alone" "$(echo "$san" | touches_genv)"
else
	ok "make SAN=1 genv leaves ./genv alone"
fi
echo "$san" | grep -q -- '-o build-san/genv' || [ -x build-san/genv ] &&
	ok "make SAN=1 genv: links build-san/genv" || fail "make SAN=1 genv: links build-san/genv" "$san"

link=$(mk -n SAN=1 SAN_LINK=1 genv 2>&1)
echo "$link" | grep -q 'ln -s build-san/genv genv' &&
	ok "make SAN=1 SAN_LINK=1 genv: ./genv -> build-san/genv" ||
	fail "make SAN=1 SAN_LINK=1 genv: ./genv -> build-san/genv" "$link"

# check: its recursive $(MAKE) runs under -n too, and deps only prints
chk=$(mk -n SAN=1 check 2>&1)
echo "$chk" | grep -q "GENV=$PWD/build-san/genv O=build-san tests/run.sh" &&
	ok "make SAN=1 check tests build-san/genv" || fail "make SAN=1 check tests build-san/genv" "$(echo "$chk" | grep run.sh)"
demo=$(mk -n SAN=1 demo 2>&1)
echo "$demo" | grep -q "GENV=$PWD/build-san/genv ./tests/demo.sh" &&
	ok "make SAN=1 demo runs build-san/genv" || fail "make SAN=1 demo runs build-san/genv" "$(echo "$demo" | grep demo.sh)"
finish
