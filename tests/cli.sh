#!/bin/sh
# cli.sh: the command line's numbers, thread counts and memory (README.md,
# "Reliability and limits"; issue 18, items 7, 9, 11, 13, 17, 18).
#
#  1. --paths, --seed, --paths-from, --paths-to and --threads take a whole
#     number as written, digits with an optional L, nothing cut or trimmed:
#     anything else is refused naming the option (exit 2); an explicit empty
#     slice (--paths-to 0) is refused too.
#  2. A seed or a number of paths beyond 32 bits, up to the schema's maximum,
#     works with or without L in run, compare (and --independent), solve, and
#     in check and show through --set; the messages name what the user typed,
#     and the advice they give for a file works when applied.
#  3. The limit 1e300 of money and people is stated, in the message and in
#     `fundsim settings`.
#  4. OMP_NUM_THREADS beyond 4096 (libgomp crashes on 100000): run, compare
#     and solve refuse it, naming it (exit 2); --threads overrides it; the
#     other commands run (capped).
#  5. `ulimit -v` at levels from where fundsim can start to where a run
#     succeeds: every run, compare and check ends with status 0, or 1 and a
#     message, never a signal, and leaves no temporary file. Skipped under
#     AddressSanitizer, whose shadow memory needs terabytes of address space.
#
# Usage: tests/cli.sh FUNDSIM SOURCE_DIR
set -u
fundsim=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") || exit 1 # meson gives ./fundsim
srcdir=$(cd "$2" && pwd -P) || exit 1
scenario=$srcdir/tests/scenarios/minimal.cfg
variant=$srcdir/tests/scenarios/variant-cap.cfg
dir=$(mktemp -d /tmp/fundsim-cli-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
mkdir "$dir/work" && cd "$dir/work" || exit 1 # the outputs; stdout and stderr beside
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# Runs fundsim with the arguments; $status, and its stderr in $dir/err.
try() {
    status=0
    "$fundsim" "$@" >"$dir/out" 2>"$dir/err" || status=$?
}
# The last command exited with status $1 and its stderr holds the line $2.
expect() {
    [ "$status" -eq "$1" ] && grep -qxF -- "$2" "$dir/err" ||
        fail "expected status $1 and \"$2\", got status $status and: $(cat "$dir/err")"
}
# The seed of the run in $1 is $2.
seed_is() {
    "$fundsim" summary "$1" | grep -q "^$1: scenario [a-z-]*, [0-9]* paths, seed $2, " ||
        fail "$1: not seed $2: $("$fundsim" summary "$1" | head -1)"
}

# ---- 1. whole numbers as written ----
spaces="4                                              2" # 46 spaces: cut to "4" once
for bad in "$spaces" " 42" "42 " "+42" "42x" "4.0" "1e3" "" "42LL" "42l" "0x2a"; do
    try run --seed "$bad" --quiet "$scenario"
    expect 2 "fundsim run: --seed expects a whole number from 0 to 9200000000000000000, got \"$bad\""
done
try run --paths 0 "$scenario"
expect 2 'fundsim run: --paths expects a whole number from 1 to 1000000000000, got "0"'
try run --paths 1000000000001 "$scenario"
expect 2 'fundsim run: --paths expects a whole number from 1 to 1000000000000, got "1000000000001"'
try compare --paths " 3" "$scenario" "$variant"
expect 2 'fundsim compare: --paths expects a whole number from 1 to 1000000000000, got " 3"'
try solve --seed "$spaces" "$scenario" --target "P(depletion by 2024) <= 0.5" \
    --adjust policy.contribution.individual_yuan
expect 2 "fundsim solve: --seed expects a whole number from 0 to 9200000000000000000, got \"$spaces\""
try run --threads " 2" "$scenario"
expect 2 'fundsim run: --threads expects a whole number from 1 to 4096, got " 2"'
try run --paths-from " 1" "$scenario"
expect 2 'fundsim run: --paths-from expects a whole number from 0 to 1000000000000, got " 1"'
try run --paths 4 --paths-from 0 --paths-to 0 --quiet "$scenario"
expect 2 'fundsim run: --paths-from 0 --paths-to 0 is not a slice of the scenario'"'"'s 4 paths (0 <= A < B <= 4)'
try run --paths 4 --paths-to 0 --quiet "$scenario"
expect 2 'fundsim run: --paths-from 0 --paths-to 0 is not a slice of the scenario'"'"'s 4 paths (0 <= A < B <= 4)'
[ -z "$(ls)" ] || fail "refused command lines left files: $(ls)"
echo "whole numbers: spaces, signs, fractions, suffixes and an empty slice refused, naming the option"

# ---- 2. beyond 32 bits, with or without L ----
# (two years, one thread: one benefit table to build for each run, not two)
small="--paths 2 --set simulation.years=2 --threads 1 --quiet"
for seed in 3000000000 3000000000L 9200000000000000000 9200000000000000000L; do
    v=${seed%L}
    try run --seed $seed $small -o run.h5 "$scenario"
    [ $status -eq 0 ] || fail "run --seed $seed: status $status, $(cat "$dir/err")"
    seed_is run.h5 "$v"
    try compare --seed $seed $small --independent -o cmp.h5 "$scenario" "$variant"
    [ $status -eq 0 ] || fail "compare --seed $seed: status $status, $(cat "$dir/err")"
    seed_is cmp.h5 "$v"
    try check --set simulation.seed=$seed "$scenario"
    [ $status -eq 0 ] || fail "check --set simulation.seed=$seed: status $status, $(cat "$dir/err")"
    try show --set simulation.seed=$seed "$scenario"
    grep -qx "  seed = ${v}L;" "$dir/out" || fail "show --set simulation.seed=$seed: $(grep seed "$dir/out")"
    rm -f run.h5 cmp.h5
done
try solve --seed 3000000000L --paths 4 --quiet "$scenario" \
    --target "P(depletion by 2024) <= 0.5" --adjust policy.contribution.individual_yuan
head -1 "$dir/out" | grep -q "(seed 3000000000)$" ||
    fail "solve --seed 3000000000L: status $status, $(head -1 "$dir/out") $(cat "$dir/err")"
# 2^31 paths are a number, not a --set with advice: a slice of them runs
try run --paths 2147483648 --paths-from 0 --paths-to 2 --quiet -o slice.h5 "$scenario"
[ $status -eq 0 ] || fail "run --paths 2147483648 with a slice: status $status, $(cat "$dir/err")"
h5dump -A slice.h5 | grep -q "paths = 2147483648L;" || fail "the slice's scenario has not 2147483648 paths"
try check --set simulation.seed=99999999999999999999L "$scenario"
expect 2 'error: the integer 99999999999999999999 does not fit in 64 bits (from -9223372036854775808 to 9223372036854775807) (--set simulation.seed=99999999999999999999L)'
# the advice of a file's integer beyond 32 bits, applied, works: decimal and hexadecimal
for literal in 20220913001 0x100000000; do
    printf 'base = "%s";\nsimulation = { seed = %s; };\n' "$scenario" $literal >big.cfg
    try check big.cfg
    expect 2 "error: the integer $literal does not fit in 32 bits: write it with the suffix L (${literal}L), as libconfig reads a 64-bit integer (big.cfg:2)"
    sed -i "s/$literal/${literal}L/" big.cfg
    try show big.cfg
    [ $status -eq 0 ] || fail "the advice for $literal applied: status $status, $(cat "$dir/err")"
    grep -qx "  seed = $(printf %d $literal)L;" "$dir/out" || fail "$literal: $(grep seed "$dir/out")"
done
echo "seeds and paths beyond 32 bits: with or without L, in run, compare, solve, check and show"

# ---- 3. the limit 1e300 ----
try check --set policy.outpatient.annual_cap_yuan=1e305 "$scenario"
expect 2 'error: policy.outpatient.annual_cap_yuan: expected a number of yuan in [0, 1e+300], got 1e+305 (--set policy.outpatient.annual_cap_yuan=1e305)'
"$fundsim" settings | grep -qxF 'policy.outpatient.annual_cap_yuan  (timeline, yuan, [0, 1e+300]; required)' ||
    fail "fundsim settings does not state the limit 1e+300"
echo "the limit 1e+300: in the message and in fundsim settings"

# ---- 4. OMP_NUM_THREADS ----
many="OMP_NUM_THREADS=100000"
status=0
env $many "$fundsim" run --paths 2 --quiet -o omp.h5 "$scenario" 2>"$dir/err" || status=$?
expect 2 "fundsim run: OMP_NUM_THREADS=100000 asks for more than 4096 threads, the most fundsim runs: set it lower, or give --threads"
status=0
env $many "$fundsim" compare --paths 2 --quiet -o omp.h5 "$scenario" "$variant" 2>"$dir/err" || status=$?
expect 2 "fundsim compare: OMP_NUM_THREADS=100000 asks for more than 4096 threads, the most fundsim runs: set it lower, or give --threads"
status=0
env OMP_NUM_THREADS=99999999999999999999,2 "$fundsim" solve --paths 2 --quiet "$scenario" \
    --target "P(depletion by 2024) <= 0.5" --adjust policy.contribution.individual_yuan \
    2>"$dir/err" || status=$?
expect 2 "fundsim solve: OMP_NUM_THREADS=99999999999999999999,2 asks for more than 4096 threads, the most fundsim runs: set it lower, or give --threads"
[ ! -e omp.h5 ] && [ ! -e omp.h5.ckpt ] || fail "a refused OMP_NUM_THREADS left a file"
env $many "$fundsim" run --threads 2 --paths 2 --quiet -o omp.h5 "$scenario" ||
    fail "OMP_NUM_THREADS=100000 with --threads 2"
env $many "$fundsim" summary omp.h5 >/dev/null || fail "summary with OMP_NUM_THREADS=100000"
env $many "$fundsim" check "$scenario" >/dev/null || fail "check with OMP_NUM_THREADS=100000"
env $many "$fundsim" merge -o merged.h5 omp.h5 >/dev/null 2>&1
[ $? -lt 128 ] || fail "merge with OMP_NUM_THREADS=100000: killed by a signal"
echo "OMP_NUM_THREADS=100000: refused by run, compare and solve, --threads wins, no crash elsewhere"
rm -f ./*.h5

# ---- 5. ulimit -v ----
if ldd "$fundsim" 2>/dev/null | grep -q libasan; then
    echo "SKIP: ulimit -v under AddressSanitizer (its shadow memory needs terabytes of address space)"
    exit 0
fi
# Runs "$@" under `ulimit -v $kb`: status 0, or 1 with a message; never a
# signal, nothing left behind but a complete output (or a checkpoint that the
# message offers to --resume).
limited() {
    status=0
    (ulimit -v $kb && exec "$fundsim" "$@") >/dev/null 2>"$dir/err" || status=$?
    [ $status -eq 0 ] || { [ $status -eq 1 ] && [ -s "$dir/err" ]; } ||
        fail "ulimit -v $kb: fundsim $*: status $status, $(cat "$dir/err")"
    if grep -q "kept in .*\.ckpt: --resume" "$dir/err"; then rm -r ./*.ckpt; fi
    [ -z "$(find . -name '*.tmp*' -o -name '*.ckpt*')" ] ||
        fail "ulimit -v $kb: fundsim $*: left $(find . -name '*.tmp*' -o -name '*.ckpt*')"
}
kb=8000 # from where the dynamic loader can map fundsim and its libraries
until (ulimit -v $kb && exec "$fundsim" --version) >/dev/null 2>&1; do
    kb=$((kb + 100))
    [ $kb -lt 400000 ] || fail "fundsim --version does not start even in 400 MB"
done
start=$kb
# run and compare while the scenario is what runs out of memory: past it,
# HDF5 1.10 may crash on an allocation that fails while it writes the file
# (H5DSattach_scale; not the loader's, and not tested here)
loading=true
ran=0 # levels in a row where check succeeded
oom=0
while [ $ran -lt 5 ]; do
    limited check "$scenario"
    if [ $status -eq 0 ]; then ran=$((ran + 1)); else ran=0; fi
    grep -q "^fundsim check: out of memory reading the scenario$" "$dir/err" && oom=$((oom + 1))
    limited show "$variant"
    if $loading; then
        limited run --paths 2 --quiet -o run.h5 "$scenario"
        grep -q "^fundsim run: out of memory reading the scenario$" "$dir/err" || loading=false
        limited compare --paths 2 --quiet -o cmp.h5 "$scenario" "$variant"
    fi
    rm -f ./*.h5
    kb=$((kb + 100))
    [ $kb -lt 1000000 ] || fail "check does not succeed even under ulimit -v 1000000"
done
[ $oom -gt 0 ] || fail "no level between $start and $kb kB said out of memory"
echo "ulimit -v $start to $kb kB in steps of 100: status 0, or 1 with a message ($oom said out of memory reading the scenario); nothing left"
