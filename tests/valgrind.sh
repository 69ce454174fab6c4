#!/bin/sh
# valgrind.sh: a small `fundsim run` (and a `fundsim check` that finds
# problems) under valgrind's memcheck: no invalid read or write, no use of an
# uninitialised value, no leak (definitely, indirectly or possibly lost).
# Memory still reachable at exit (HDF5's and libgomp's own, kept till the end)
# is not a leak. Only for a build without sanitizers (tests/meson.build): the
# two do not mix. No suppressions are needed.
#
# Usage: tests/valgrind.sh FUNDSIM SOURCE_DIR
set -u
fundsim=$1
src=$2
dir=$(mktemp -d /tmp/fundsim-valgrind-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT

# $1: the exit status expected of fundsim; then its arguments.
memcheck() {
    want=$1
    shift
    status=0
    valgrind --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible --track-origins=yes \
        --log-file="$dir/log" "$fundsim" "$@" >/dev/null 2>"$dir/err" || status=$?
    cat "$dir/log"
    if [ $status -ne "$want" ]; then
        cat "$dir/err"
        echo "FAIL: fundsim $1: exit status $status, expected $want (99: valgrind found errors)" >&2
        exit 1
    fi
    grep -q 'ERROR SUMMARY: 0 errors' "$dir/log" || {
        echo "FAIL: fundsim $1: memcheck found errors" >&2
        exit 1
    }
    grep -Eq 'definitely lost: 0 bytes|All heap blocks were freed' "$dir/log" || {
        echo "FAIL: fundsim $1: memory was lost" >&2
        exit 1
    }
}

# Two years, not minimal.cfg's three: one benefit table to build under memcheck,
# not two (the third year's rules differ), which halves the test's time.
memcheck 0 run "$src/tests/scenarios/minimal.cfg" --paths 5 --set simulation.years=2 --threads 1 \
    --quiet -o "$dir/out.h5"
[ -f "$dir/out.h5" ] || { echo "FAIL: no file written" >&2; exit 1; }
memcheck 2 check "$src/tests/scenarios/bad/many-problems.cfg"
