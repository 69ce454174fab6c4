#!/bin/sh
# run.sh: the whole test suite, twice: once built with AddressSanitizer and
# UndefinedBehaviorSanitizer (build-sanitize/), once as shipped (build/, where
# valgrind's memcheck also runs); then the MPI build's own tests (build-mpi/,
# -Dmpi=enabled: the suite 'mpi', under mpirun); then 40 s of each fuzzer, side
# by side: the scenario loader's and the run file readers' (build-fuzz/,
# clang; tests/fuzz/README.md).
# Ends with meson's summary of the last run and one line with the count of
# all, "N passed, N failed". Exit status 0 only when everything passed.
#
# Usage: tests/run.sh [-t N] [meson test options, e.g. --suite unit]
#   -t N (or --timeout-multiplier N): every test's timeout N times longer, for
#   a slow or busy machine; other options select tests, and the fuzzer does
#   not run then.
set -u
cd "$(dirname "$0")/.."

# -t N out of the options, into $t (for meson test)
t=""
n=$#
while [ "$n" -gt 0 ]; do
    case $1 in
    -t | --timeout-multiplier)
        [ "$n" -ge 2 ] || { echo "tests/run.sh: $1 needs a number" >&2; exit 2; }
        t="--timeout-multiplier $2"
        shift
        n=$((n - 1))
        ;;
    --timeout-multiplier=*) t="--timeout-multiplier ${1#*=}" ;;
    *) set -- "$@" "$1" ;;
    esac
    shift
    n=$((n - 1))
done

[ -f build/build.ninja ] || meson setup build --buildtype=release >/dev/null || exit 1
[ -f build-sanitize/build.ninja ] ||
    meson setup build-sanitize --buildtype=debug -Db_sanitize=address,undefined \
        -Db_lundef=false >/dev/null || exit 1
[ -f build-mpi/build.ninja ] ||
    meson setup build-mpi -Dmpi=enabled --buildtype=release >/dev/null || exit 1
[ -f build-fuzz/build.ninja ] ||
    CC=clang meson setup build-fuzz --buildtype=debug -Doptimization=1 -Dfuzz=true \
        -Db_sanitize=address,undefined -Db_lundef=false >/dev/null || exit 1

# Any sanitizer report fails the test that caused it.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1"
export LSAN_OPTIONS="suppressions=$(pwd)/tests/lsan.supp:print_suppressions=0"

status=0
echo "== tests under AddressSanitizer and UndefinedBehaviorSanitizer (build-sanitize/)"
meson compile -C build-sanitize >/dev/null || exit 1
meson test -C build-sanitize --print-errorlogs $t "$@" || status=1
echo
echo "== tests of the release build (build/)"
meson compile -C build >/dev/null || exit 1
meson test -C build --print-errorlogs $t "$@" || status=1
echo
echo "== the MPI build's tests (build-mpi/, suite mpi)"
# (only what the suite mpi runs: the unit tests are built and run above)
meson compile -C build-mpi fundsim:executable tests/test_h5par >/dev/null || exit 1
FUNDSIM_SERIAL=$(pwd)/build/fundsim meson test -C build-mpi --no-rebuild --print-errorlogs \
    $t --suite mpi || status=1
rm -f build-fuzz/meson-logs/testlog.json
if [ $# -eq 0 ]; then
    echo
    echo "== 40 s of fuzzing the scenario loader and the run file readers (build-fuzz/)"
    meson compile -C build-fuzz fuzz_scenario fuzz_h5read fundsim:executable >/dev/null || exit 1
    meson test -C build-fuzz --no-rebuild --print-errorlogs --suite fuzz || status=1
fi

# Count from meson's own logs (one JSON object per test and line).
count() {
    cat build-sanitize/meson-logs/testlog.json build/meson-logs/testlog.json \
        build-mpi/meson-logs/testlog.json build-fuzz/meson-logs/testlog.json 2>/dev/null |
        grep -c "\"result\": \"$1\""
}
passed=$(count OK)
timeouts=$(count TIMEOUT)
failed=$(( $(count FAIL) + timeouts + $(count ERROR) + $(count UNEXPECTEDPASS) ))
if [ "$timeouts" -gt 0 ]; then
    echo "$timeouts timed out: on a slow or busy machine, give the tests more time," \
        "e.g. tests/run.sh -t 3 (three times the timeouts)"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ] || status=1
exit $status
