#!/bin/sh
# h5read.sh: runs the fuzz target of the readers of a run's file (`fundsim
# summary` and `fundsim merge`, fuzz_h5read.c) for SECONDS seconds on one
# core, seeded with the files of real small runs of tests/scenarios/minimal.cfg
# made here by FUNDSIM: a whole run, a slice, a summary-only file and a
# comparison. Passes when the fuzzer finds nothing: no crash, sanitizer report,
# leak (HDF5's own on damaged files aside: h5read.supp), file left behind,
# HDF5 object left open, timeout (60 s an input: the two readers' children of
# output/h5probe.c may each take 10 s of processor time) or memory blow-up
# (2 GiB; one allocation of more fails, as under a ulimit). A failing input is
# kept in the folder printed, to become a case of tests/test_h5read.c once
# fixed (README.md).
#
# Usage: tests/fuzz/h5read.sh FUZZ_H5READ FUNDSIM SOURCE_DIR SECONDS [CORPUS_DIR]
#   CORPUS_DIR keeps the corpus between runs (default: a scratch folder).
set -u
fuzzer=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") || exit 1
fundsim=$2
src=$3
seconds=$4
work=$(mktemp -d /tmp/fundsim-fuzz-h5read-XXXXXX) || exit 1
corpus=${5:-$work/corpus}
mkdir -p "$corpus" "$work/seeds" "$work/found" || exit 1

export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1:max_allocation_size_mb=2048"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$src/tests/fuzz/h5read.supp:print_suppressions=0"
cfg=$src/tests/scenarios
seeds=$work/seeds
"$fundsim" run "$cfg/minimal.cfg" --paths 3 --quiet -o "$seeds/whole.h5" &&
    "$fundsim" run "$cfg/minimal.cfg" --paths 3 --paths-from 1 --paths-to 3 --quiet \
        -o "$seeds/slice.h5" &&
    "$fundsim" run "$cfg/minimal.cfg" --paths 3 --summary-only --quiet -o "$seeds/summary.h5" &&
    "$fundsim" compare "$cfg/minimal.cfg" "$cfg/cap-600.cfg" --paths 3 --quiet \
        -o "$seeds/compare.h5" || {
    echo "FAIL: cannot make the seed files with $fundsim" >&2
    exit 1
}

# the sanitizers of the fuzzing build report through libFuzzer, which stops
cd "$work" || exit 1
# (-report_slow_units: libFuzzer keeps an input slower than 10 s as a
# "slow-unit", which the check below would take for a failure: on a busy
# machine an input of 0.7 MB takes that long, so only the timeout counts)
"$fuzzer" -max_total_time="$seconds" -timeout=60 -report_slow_units=60 -rss_limit_mb=2048 \
    -malloc_limit_mb=4096 -max_len=1048576 \
    -dict="$src/tests/fuzz/h5read.dict" -artifact_prefix="$work/found/" -print_final_stats=1 \
    "$corpus" "$seeds" 2>"$work/log"
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
