#!/bin/sh
# sens_resume.sh: `fundsim sensitivity --resume` after a kill (issue 23).
#
# 1. An analysis of the full default list with --variance, never stopped, on
#    2 threads: the reference.
# 2. The same on 1 thread, killed (SIGKILL: no handler runs) as soon as its
#    first side's note is out: no output file, and the checkpoint holds the
#    base and at least that side, not every run.
# 3. A new analysis onto it is refused (exit 2, offering --resume); so is a
#    --resume with another option (--spread), naming the line that differs.
# 4. --resume on 2 threads computes the rest and writes a file equal to the
#    reference bit for bit (tests/h5same.py), says which runs it took from the
#    checkpoint, and removes the checkpoint.
# 5. Killed again, one byte of a stored run flipped: --resume refuses it
#    (exit 2), naming the file, and leaves the checkpoint as it is.
#
# Usage: tests/sens_resume.sh build/fundsim SOURCE_DIR
set -eu
fundsim=$1
src=$2
scenario=$src/tests/scenarios/minimal.cfg
dir=$(mktemp -d)
pid=
trap '[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null; rm -rf "$dir"' EXIT
fail() {
    echo "sens_resume: $*" >&2
    exit 1
}

set -- --paths 24 --variance
"$fundsim" sensitivity "$scenario" "$@" --threads 2 --quiet -o "$dir/ref.h5"

# Starts the analysis into $dir/out.h5 and kills it once a side is stored.
killed_run() {
    # emptied first: the background job truncates it only once it has started, and
    # the loop below must not read the notes of the run before
    : >"$dir/err"
    "$fundsim" sensitivity "$scenario" "$@" --threads 1 -o "$dir/out.h5" \
        >/dev/null 2>"$dir/err" &
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
}

killed_run "$@"
ckpt=$dir/out.h5.sens-ckpt
[ ! -e "$dir/out.h5" ] || fail "a killed analysis left its output"
[ -f "$ckpt/run-0000" ] || fail "the base is not in the checkpoint"
[ -f "$ckpt/run-0001" ] || fail "the first side is not in the checkpoint"
runs=$(ls "$ckpt" | grep -c '^run-[0-9]*$')
[ "$runs" -lt 32 ] || fail "the kill came after every run ($runs)"

set +e
"$fundsim" sensitivity "$scenario" "$@" --quiet -o "$dir/out.h5" 2>"$dir/err"
status=$?
set -e
[ "$status" -eq 2 ] || fail "a new analysis onto a checkpoint: exit $status"
grep -q "add --resume $dir/out.h5" "$dir/err" || fail "no offer to resume: $(cat "$dir/err")"

set +e
"$fundsim" sensitivity "$scenario" "$@" --spread 2 --resume "$dir/out.h5" 2>"$dir/err"
status=$?
set -e
[ "$status" -eq 2 ] || fail "--resume with another --spread: exit $status"
grep -q 'another analysis.*spread 1" there, "spread 2" now' "$dir/err" ||
    fail "the difference not named: $(cat "$dir/err")"

"$fundsim" sensitivity "$scenario" "$@" --threads 2 --resume "$dir/out.h5" \
    >/dev/null 2>"$dir/err"
grep -q "resuming: $runs runs finished" "$dir/err" || fail "$(cat "$dir/err")"
grep -q 'costs.excess_growth = .*: from the checkpoint' "$dir/err" || fail "$(cat "$dir/err")"
[ ! -e "$ckpt" ] || fail "the checkpoint is left after the file was written"
/usr/bin/python3 "$src/tests/h5same.py" "$dir/ref.h5" "$dir/out.h5"
echo "sens_resume: resumed after a kill, the same file bit for bit"

rm "$dir/out.h5"
killed_run "$@"
/usr/bin/python3 - "$ckpt/run-0001" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(40)
    b = f.read(1)
    f.seek(40)
    f.write(bytes([b[0] ^ 1]))
PY
set +e
"$fundsim" sensitivity "$scenario" "$@" --resume "$dir/out.h5" 2>"$dir/err"
status=$?
set -e
[ "$status" -eq 2 ] || fail "--resume onto a damaged run: exit $status"
grep -q "run-0001 is damaged (a wrong checksum)" "$dir/err" || fail "$(cat "$dir/err")"
[ -f "$ckpt/run-0001" ] && [ ! -e "$dir/out.h5" ] || fail "the damaged checkpoint was touched"
echo "sens_resume: a damaged run refused"
