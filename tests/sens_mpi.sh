#!/bin/sh
# sens_mpi.sh: `fundsim sensitivity` on MPI ranks (issue 23). Run k of the
# checkpoint's numbering goes to rank k mod size; the first rank reads them
# all and writes the file. On 2 and 3 ranks the file is the one process's
# bit for bit (tests/h5same.py), the checkpoint is gone, and no rank but the
# first prints; an analysis killed after its first side on one process
# resumes on 2 ranks to the same file.
#
# Usage: tests/sens_mpi.sh tests/mpirun.sh MPIRUN build-mpi/fundsim SOURCE_DIR
set -eu
ranks=$1
mpirun=$2
fundsim=$3
src=$4
scenario=$src/tests/scenarios/minimal.cfg
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() {
    echo "sens_mpi: $*" >&2
    exit 1
}
set -- --paths 24 --variance --threads 1

"$fundsim" sensitivity "$scenario" "$@" --quiet -o "$dir/one.h5"
for n in 2 3; do
    sh "$ranks" "$mpirun" "$n" "$fundsim" sensitivity "$scenario" "$@" -o "$dir/np$n.h5" \
        >"$dir/out" 2>"$dir/err"
    [ "$(grep -c '^Sensitivity of minimal' "$dir/out")" -eq 1 ] || fail "$n ranks: $(cat "$dir/out")"
    [ ! -e "$dir/np$n.h5.sens-ckpt" ] || fail "$n ranks left the checkpoint"
    /usr/bin/python3 "$src/tests/h5same.py" "$dir/one.h5" "$dir/np$n.h5"
done

"$fundsim" sensitivity "$scenario" "$@" -o "$dir/out.h5" >/dev/null 2>"$dir/err" &
pid=$!
tries=0
until grep -q ' = .*: P(depleted)' "$dir/err"; do
    kill -0 "$pid" 2>/dev/null || fail "the analysis ended before its first side"
    tries=$((tries + 1))
    [ "$tries" -lt 3000 ] || fail "no side's note after 300 s"
    sleep 0.1
done
kill -9 "$pid"
wait "$pid" 2>/dev/null || true
pid=
[ -f "$dir/out.h5.sens-ckpt/run-0001" ] && [ ! -e "$dir/out.h5" ] || fail "no checkpoint kept"
sh "$ranks" "$mpirun" 2 "$fundsim" sensitivity "$scenario" "$@" --quiet --resume "$dir/out.h5"
/usr/bin/python3 "$src/tests/h5same.py" "$dir/one.h5" "$dir/out.h5"
echo "sens_mpi: 2 and 3 ranks, and a resume on 2 ranks, give the one process's file"
