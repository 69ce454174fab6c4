#!/bin/sh
# mpi.sh: the MPI build gives the serial build's files, bit for bit
# (tests/h5same.py: every dataset and attribute but the time of writing):
#
#  1. `run` on 1, 2 and 4 ranks (more ranks than cores: --oversubscribe), and
#     `compare` with a variant on 3 ranks, every path written; a summaries-only
#     run on 2 ranks.
#  2. A run on 2 ranks killed (SIGKILL to every rank, as a failed node) after
#     its first blocks, then resumed on 3 ranks; and one stopped by SIGTERM
#     (as Slurm does at the walltime), resumed by the serial build.
#  3. Slices: three slices, one of them on 2 ranks, merged by `fundsim merge`.
#
# Usage: tests/mpi.sh MPIRUN_SH MPIRUN FUNDSIM_MPI SOURCE_DIR; the serial
# build's fundsim in $FUNDSIM_SERIAL (tests/run.sh sets it); without it the
# test is skipped (exit 77).
set -u
mpirun_sh=$1
mpirun=$2
fundsim=$3
src=$4
serial=${FUNDSIM_SERIAL:-}
[ -n "$serial" ] && [ -x "$serial" ] || {
    echo "FUNDSIM_SERIAL names no serial build of fundsim: skipped"
    exit 77
}
dir=$(mktemp -d /tmp/fundsim-mpi-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
same() { "$src/tests/h5same.py" "$1" "$2" >"$dir/same" || fail "$3: $(cat "$dir/same")"; }
ranks() {
    n=$1
    shift
    "$mpirun_sh" "$mpirun" "$n" "$fundsim" "$@"
}
henan=$src/scenarios/henan-2022.cfg
minimal=$src/tests/scenarios/minimal.cfg
# Henan's 28 regions over 2 years, 300 paths: 5 blocks, the last one short.
# (Every rank builds the benefit tables first; a third year, with 2024's rules,
# would double their number and the test's time.)
small="--paths 300 --set simulation.years=2 --threads 1 --quiet"

# ---- 1. the same files ----
"$serial" run "$henan" $small -o "$dir/serial.h5" || fail "the serial run"
for n in 1 2 4; do
    ranks $n run "$henan" $small -o "$dir/np$n.h5" || fail "the run on $n ranks"
    same "$dir/serial.h5" "$dir/np$n.h5" "$n ranks"
    echo "run on $n ranks: $(cat "$dir/same")"
done
variant=$src/scenarios/variants/outpatient-cap-600.cfg
"$serial" compare "$henan" "$variant" $small -o "$dir/cmp-serial.h5" || fail "the serial compare"
ranks 3 compare "$henan" "$variant" $small -o "$dir/cmp-np3.h5" || fail "compare on 3 ranks"
same "$dir/cmp-serial.h5" "$dir/cmp-np3.h5" "compare on 3 ranks"
echo "compare on 3 ranks: $(cat "$dir/same")"
"$serial" run "$henan" $small --summary-only -o "$dir/only-serial.h5" || fail "summaries only"
ranks 2 run "$henan" $small --summary-only -o "$dir/only-np2.h5" || fail "summaries only, 2 ranks"
same "$dir/only-serial.h5" "$dir/only-np2.h5" "summaries only on 2 ranks"
echo "summaries only on 2 ranks: $(cat "$dir/same")"

# ---- 2. killed and resumed ----
blocks() { find "$1.ckpt" -name 'block-*' ! -name '*.tmp' 2>/dev/null | wc -l; }
out=$dir/killed.h5
"$serial" run "$minimal" --paths 6000 --threads 1 --quiet -o "$dir/whole.h5" || fail "the whole run"
ranks 2 run "$minimal" --paths 6000 --threads 1 --quiet -o "$out" 2>/dev/null &
pid=$!
until [ "$(blocks "$out")" -gt 0 ] || ! kill -0 $pid 2>/dev/null; do sleep 0.02; done
pkill -KILL -f "fundsim run $minimal --paths 6000 --threads 1 --quiet -o $out"
wait $pid
n=$(blocks "$out")
[ "$n" -gt 0 ] && [ "$n" -lt 94 ] && [ ! -e "$out" ] ||
    fail "2 ranks killed after their first blocks: $n of 94 blocks kept"
ranks 3 run "$minimal" --paths 6000 --threads 1 --quiet --resume "$out" ||
    fail "resuming on 3 ranks"
same "$dir/whole.h5" "$out" "killed on 2 ranks, resumed on 3"
[ ! -e "$out.ckpt" ] || fail "the checkpoint is left after the resumed run"
echo "killed on 2 ranks with $n of 94 blocks kept, resumed on 3: $(cat "$dir/same")"

# (the same 6000 paths as whole.h5, which the resumed run must equal)
out=$dir/stopped.h5
ranks 2 run "$minimal" --paths 6000 --threads 1 -o "$out" 2>"$dir/err" &
pid=$!
until [ "$(blocks "$out")" -gt 0 ] || ! kill -0 $pid 2>/dev/null; do sleep 0.02; done
pkill -TERM -f "fundsim run $minimal --paths 6000 --threads 1 -o $out"
status=0
wait $pid || status=$?
grep -q "interrupted with [0-9]* of 6000 paths finished, kept in $out.ckpt" "$dir/err" ||
    fail "SIGTERM to 2 ranks: exit status $status, $(cat "$dir/err")"
[ "$(grep -c interrupted "$dir/err")" -eq 1 ] || fail "SIGTERM: said more than once: $(cat "$dir/err")"
echo "SIGTERM to 2 ranks: exit status $status; $(grep interrupted "$dir/err")"
# a checkpoint knows no ranks: the serial build finishes it
"$serial" run "$minimal" --paths 6000 --threads 2 --quiet --resume "$out" ||
    fail "resuming with the serial build"
same "$dir/whole.h5" "$out" "stopped on 2 ranks, resumed by the serial build"
echo "stopped on 2 ranks, resumed by the serial build: $(cat "$dir/same")"

# ---- 3. slices merged ----
"$serial" run "$henan" $small --paths-from 0 --paths-to 100 -o "$dir/s0.h5" || fail "slice 0"
ranks 2 run "$henan" $small --paths-from 100 --paths-to 230 -o "$dir/s1.h5" || fail "slice 1"
"$serial" run "$henan" $small --paths-from 230 -o "$dir/s2.h5" || fail "slice 2"
"$serial" merge --quiet -o "$dir/merged.h5" "$dir/s2.h5" "$dir/s0.h5" "$dir/s1.h5" ||
    fail "fundsim merge"
same "$dir/serial.h5" "$dir/merged.h5" "three slices merged"
echo "three slices (one on 2 ranks) merged: $(cat "$dir/same")"
echo "the MPI build gives the serial build's files"
