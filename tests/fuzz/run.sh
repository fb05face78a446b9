#!/usr/bin/env bash
# Fuzz tier for `make check` (decoder, router pipeline, pcap file reader
# and command language targets): replay
# every corpus and regression input once,
# then a short bounded fuzz run (FUZZ_TIME seconds, default 20).  Crashers
# found are written to tests/fuzz/regress/ and replayed by later runs.
# Skips (77) when clang or its libFuzzer runtime is missing.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
FUZZ_CC=${FUZZ_CC:-clang}
FUZZ_TIME=${FUZZ_TIME:-20}
tmp=$(mktemp -d /tmp/genv-fuzz.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

if ! command -v "$FUZZ_CC" >/dev/null 2>&1; then
	skip "fuzz" "$FUZZ_CC not installed"; finish
fi
printf 'int LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n);\nint LLVMFuzzerTestOneInput(const unsigned char *d, unsigned long n) { (void)d; (void)n; return 0; }\n' >"$tmp/t.c"
if ! "$FUZZ_CC" -fsanitize=fuzzer,address,undefined -o "$tmp/t" "$tmp/t.c" >/dev/null 2>&1; then
	skip "fuzz" "no libFuzzer runtime for $FUZZ_CC (libclang-rt-dev)"; finish
fi

if make -s -f tests/fuzz/Makefile FUZZ_CC="$FUZZ_CC" >"$tmp/build.log" 2>&1; then
	ok "fuzz: build target"
else
	fail "fuzz: build target" "$(tail -n 20 "$tmp/build.log")"; finish
fi

# the same from the fuzz folder (its paths are the root's: it runs itself there)
if make -s -C tests/fuzz FUZZ_CC="$FUZZ_CC" >"$tmp/dir.log" 2>&1; then
	ok "fuzz: make -C tests/fuzz builds the targets too"
else
	fail "fuzz: make -C tests/fuzz builds the targets too" "$(tail -n 5 "$tmp/dir.log")"
fi

n=$(find tests/fuzz/corpus tests/fuzz/corpus-pipeline tests/fuzz/corpus-pcap tests/fuzz/corpus-config tests/fuzz/corpus-filter tests/fuzz/corpus-k8s tests/fuzz/corpus-ethnl tests/fuzz/corpus-tso tests/fuzz/corpus-store tests/fuzz/corpus-xdp tests/fuzz/corpus-nat tests/fuzz/corpus-optfile tests/fuzz/regress -type f 2>/dev/null | wc -l)
if make -s -f tests/fuzz/Makefile regress >"$tmp/regress.log" 2>&1; then
	ok "fuzz: $n corpus and regression inputs replay cleanly"
else
	fail "fuzz: corpus and regression inputs replay" "$(tail -n 30 "$tmp/regress.log")"
fi

before=$(find tests/fuzz/regress -type f 2>/dev/null | wc -l)
# the decoder runs FUZZ_TIME, the other targets 5-10 s each plus start-up:
# a bound that grows with the number of targets, not a timed assertion
ntargets=$(grep -c '^\s*$(B)/fuzz_[a-z0-9_]* -max_total_time' tests/fuzz/Makefile)
if timeout $((FUZZ_TIME + 30 * ntargets)) make -s -f tests/fuzz/Makefile run FUZZ_TIME="$FUZZ_TIME" \
	>"$tmp/run.log" 2>&1; then
	execs=$(sed -n 's/.*stat::number_of_executed_units: *//p' "$tmp/run.log" | tail -n 1)
	ok "fuzz: decoder ${FUZZ_TIME} s, pipeline, pcap reader, command language, filter compiler and k8s YAML 10 s each, ethnl replies and tso 5 s, store replies 5 s, xdp underlay frames 5 s, gateway NAT 5 s, options files 5 s, no crash (${execs:-?} inputs in the last target)"
else
	after=$(find tests/fuzz/regress -type f 2>/dev/null | wc -l)
	fail "fuzz: ${FUZZ_TIME} s run" \
		"$((after - before)) new crasher(s) in tests/fuzz/regress/: $(grep -m3 -E 'ERROR|SUMMARY|runtime error' "$tmp/run.log" | tr '\n' ' ')"
fi
finish
