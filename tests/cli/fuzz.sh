#!/usr/bin/env bash
# The libFuzzer targets (decoder, router pipeline, pcap file reader, command
# language): corpus
# replay plus a short fuzz run
# (see tests/fuzz/run.sh; skipped without clang's fuzzer runtime).
cd "$(dirname "$0")/../.." || exit 1
exec tests/fuzz/run.sh "$@"
