#!/bin/sh
# run.sh: runs the fuzz target of the scenario loader for SECONDS seconds on
# one core, seeded with every scenario of the repository (the shipped ones,
# the test ones and the bad-scenario corpus). Passes when the fuzzer finds
# nothing: no crash, sanitizer report, leak, timeout (10 s an input) or
# memory blow-up (2 GiB). A failing input is kept in the folder printed, to
# become a case of tests/scenarios/bad (README.md).
#
# Usage: tests/fuzz/run.sh FUZZ_SCENARIO SOURCE_DIR SECONDS [CORPUS_DIR]
#   CORPUS_DIR keeps the corpus between runs (default: a scratch folder).
set -u
fuzzer=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") || exit 1
src=$2
seconds=$3
work=$(mktemp -d /tmp/fundsim-fuzz-XXXXXX) || exit 1
corpus=${4:-$work/corpus}
mkdir -p "$corpus" "$work/seeds" "$work/found" || exit 1
cp "$src"/scenarios/*.cfg "$src"/scenarios/variants/*.cfg "$src"/tests/scenarios/*.cfg \
    "$src"/tests/scenarios/hand/*.cfg "$src"/tests/scenarios/bad/*.cfg \
    "$src"/tests/scenarios/bad/*.inc "$work/seeds/" || exit 1

# the sanitizers of the fuzzing build report through libFuzzer, which stops
export ASAN_OPTIONS="detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$src/tests/lsan.supp:print_suppressions=0"
cd "$work" || exit 1
"$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
    -dict="$src/tests/fuzz/scenario.dict" -artifact_prefix="$work/found/" -print_final_stats=1 \
    "$corpus" "$work/seeds" 2>"$work/log"
status=$?
grep -E '^#[0-9]+.*(DONE|pulse)|^stat::|ERROR|SUMMARY|^artifact_prefix|Test unit written' \
    "$work/log" | tail -n 20
if [ -n "$(ls "$work/found")" ]; then
    tail -n 60 "$work/log"
    echo "FAIL: the fuzzer found a failing input: kept in $work/found" >&2
    exit 1
elif [ $status -ne 0 ]; then
    tail -n 60 "$work/log"
    echo "FAIL: the fuzzer stopped with status $status (log: $work/log)" >&2
    exit 1
fi
rm -rf "$work"
