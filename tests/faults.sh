#!/bin/sh
# faults.sh: what a run leaves when it is killed, interrupted, or cannot write.
#
#  1. SIGKILL at moments spread over a run (measured first), the last ones
#     around its commit: OUT.h5 is either the previous file, byte for byte, or
#     (the kill came after the rename) the new run's complete file. A
#     checkpoint OUT.h5.ckpt with finished blocks makes a new run refuse, and
#     `--resume OUT.h5` finishes the run into a file identical to an
#     uninterrupted run's, removing the temporary file of a run killed while
#     writing it, and the checkpoint.
#  2. SIGINT and SIGTERM: exit status 130 and 143, the message saying how
#     far the run went and what to do, no temporary file, OUT.h5 untouched, the
#     finished blocks in OUT.h5.ckpt.
#  3. A full disk (`ulimit -f` with SIGXFSZ left to its default, which fundsim
#     ignores so that write(2) fails with EFBIG; and, as root where mounting
#     works, a 1 MiB tmpfs): exit status 1, a message naming the file and the
#     reason, no temporary file (neither OUT.h5.tmp-<pid> nor a block's .tmp),
#     the previous OUT.h5 untouched, and the checkpoint only when it holds
#     finished paths (the message says so; --resume then finishes the run).
#  4. What --resume refuses, each naming what differs: another seed, number
#     of paths, setting of the scenario (with the line of `fundsim show`), or
#     fundsim version (the checkpoint's identity edited to an older one);
#     and nothing to resume.
#  5. An unwritable folder (a folder without write permission, or as root a
#     read-only tmpfs): exit status 1, a message naming the file.
#  6. What is not fundsim's at OUT.h5.ckpt or OUT.h5.ckpt.removed (a symbolic
#     link to a folder or a file, a folder of someone else's files, an empty
#     OUT.h5.ckpt, a folder with fundsim's marker and a stranger's file): `run`
#     and `run --resume` refuse with exit status 1, naming it, and leave
#     everything as it was (the link, the folder it points to, every file).
#     None of it needs root.
#  7. A checkpoint of every block (a run stopped by `ulimit -f`): fundsim's
#     own OUT.h5.ckpt.removed goes, and an empty one (a kill between its
#     last file and the folder); and damaged (a bit flipped in a block, or
#     a block truncated), --resume says which block was damaged, computes it
#     again, and writes the uninterrupted run's file.
#  8. What -o may name (run, compare, merge, --resume): a FIFO, a socket, a
#     character device (as root a copy made by mknod; otherwise /dev/null
#     itself, which the user cannot replace anyway), a symbolic link to a
#     FIFO or to a regular file, a folder, '', a name in a missing folder or
#     under a regular file: exit status 2 at once, one line naming it, nothing
#     created, and the thing named as it was.
#  9. A FIFO put in the place of OUT.h5 while the run goes: the rename does
#     not replace it (exit status 1, the FIFO and no temporary file left, the
#     checkpoint kept).
# 10. SIGINT and SIGTERM while the file is made from that checkpoint (every
#     block): exit status 130 and 143, the message saying so, no temporary
#     file, OUT.h5 untouched, every block kept; --resume then writes the file.
# 11. The default output (no -o) is the scenario's name + .h5 in the current
#     folder: a name with '/' (relative or absolute), empty, ".", "..", or
#     hidden is refused (exit status 2), and nothing is written anywhere.
#
# Run by root, it also does what only root can (tmpfs mounts, mknod); run by
# another user (the suite's test faults_user), it says what it skips.
# FAULTS_SKIP lists sections not to run: faults_user leaves out 1, 2 and 4,
# which only the time they take tells apart from root's.
#
# Usage: [FAULTS_SKIP="N..."] tests/faults.sh FUNDSIM SOURCE_DIR
set -u
fundsim=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") || exit 1 # meson may give ./fundsim
srcdir=$(cd "$2" && pwd -P) || exit 1
echo "faults.sh as $(id -un) (uid $(id -u))"
scenario=$srcdir/tests/scenarios/minimal.cfg
dir=$(mktemp -d /tmp/fundsim-faults-XXXXXX) || exit 1
mounted=""
cleanup() {
    for m in $mounted; do umount "$m" 2>/dev/null; done
    chmod -R u+w "$dir" 2>/dev/null
    rm -rf "$dir"
}
trap cleanup EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}
# Whether to run section $1 (not in FAULTS_SKIP); says so when not.
want() {
    case " ${FAULTS_SKIP:-} " in
    *" $1 "*)
        echo "section $1: skipped (FAULTS_SKIP)"
        return 1
        ;;
    esac
}
# Seconds since the epoch, with fractions.
now() { date +%s.%N; }
# No temporary file of OUT.h5 in folder $1.
no_tmp() { [ -z "$(find "$1" -name 'out.h5.tmp-*')" ]; }
# The finished blocks in the checkpoint of $1.
blocks() { find "$1.ckpt" -name 'block-*' ! -name '*.tmp' 2>/dev/null | wc -l; }
# Waits until the run of 100,000 paths (tens of seconds) has finished a block.
wait_for_block() {
    waited=0
    until [ "$(blocks "$out")" -gt 0 ]; do
        sleep 0.1
        waited=$((waited + 1))
        [ $waited -lt 600 ] || fail "no finished block after 60 s"
    done
}

# The previous output: another seed than the runs below, so it differs from theirs.
out=$dir/out.h5
"$fundsim" run "$scenario" --paths 20 --seed 7 --quiet -o "$out" || fail "the first run"
cp "$out" "$dir/previous.h5"

# ---- 1. SIGKILL ----
paths=1000
t0=$(now)
"$fundsim" run "$scenario" --paths $paths --threads 1 --quiet -o "$dir/timed.h5" ||
    fail "the timed run"
t1=$(now)
full=$(awk "BEGIN { print $t1 - $t0 }")
echo "a run of $paths paths takes $full s"
# (the run above is 7's too)
if want 1; then # (the section is not indented)
killed=0
resumed=0
for f in 0.02 0.2 0.4 0.6 0.8 0.9 0.95 0.98 1.0 1.02 1.05; do
    "$fundsim" run "$scenario" --paths $paths --threads 1 --quiet -o "$out" &
    pid=$!
    sleep "$(awk "BEGIN { print $full * $f }")"
    kill -KILL $pid 2>/dev/null
    status=0
    wait $pid || status=$?
    [ $status -eq 137 ] || [ $status -eq 0 ] || fail "SIGKILL at $f of a run: exit status $status"
    if cmp -s "$out" "$dir/previous.h5"; then
        [ $status -eq 137 ] || fail "the run finished, yet $out is the previous file"
        killed=$((killed + 1))
        echo "SIGKILL at $f of the run: exit status $status; $out is the previous file;" \
            "$(blocks "$out") blocks in the checkpoint"
    else
        # renamed, so complete (the kill may have come after the rename, at exit)
        h5dump -H "$out" >/dev/null && h5dump -d /depletion/first_year_at_risk "$out" >/dev/null ||
            fail "SIGKILL at $f of a run: $out is neither the previous file nor a complete one"
        echo "SIGKILL at $f of the run: exit status $status; $out is the new run's, complete"
    fi
    if [ "$(blocks "$out")" -gt 0 ]; then
        status=0
        "$fundsim" run "$scenario" --paths $paths --threads 1 -o "$out" >/dev/null \
            2>"$dir/err" || status=$?
        [ $status -eq 1 ] && grep -q "^fundsim run: $out.ckpt holds [0-9]* finished blocks\? of paths of an interrupted run: add --resume to the command to finish it, or remove $out.ckpt to start over$" "$dir/err" ||
            fail "a new run beside a checkpoint: exit status $status, $(cat "$dir/err")"
        "$fundsim" run "$scenario" --paths $paths --threads 2 --quiet --resume "$out" ||
            fail "resuming after SIGKILL at $f"
        "$srcdir/tests/h5same.py" "$dir/timed.h5" "$out" >/dev/null ||
            fail "resumed after SIGKILL at $f: not the uninterrupted run's file"
        no_tmp "$dir" && [ ! -e "$out.ckpt" ] ||
            fail "resumed after SIGKILL at $f: a temporary file or the checkpoint is left"
        resumed=$((resumed + 1))
        echo "  resumed on 2 threads: the same datasets as the uninterrupted run"
    fi
    rm -rf "$out.ckpt"
    cp "$dir/previous.h5" "$out"
done
[ $killed -ge 3 ] || fail "only $killed runs were killed before they finished"
# And, whatever the timing above: a run killed as soon as a block is finished.
# (Over two years: one benefit table to build, not two, in each of the runs.)
two_years="--set simulation.years=2"
"$fundsim" run "$scenario" --paths 3000 $two_years --threads 2 --quiet -o "$dir/whole.h5" ||
    fail "the run of 3000 paths"
"$fundsim" run "$scenario" --paths 3000 $two_years --threads 1 --quiet -o "$out" &
pid=$!
until [ "$(blocks "$out")" -gt 0 ] || ! kill -0 $pid 2>/dev/null; do sleep 0.02; done
kill -KILL $pid 2>/dev/null
wait $pid
n=$(blocks "$out")
[ "$n" -gt 0 ] && [ "$n" -lt 47 ] || fail "the kill after the first block: $n blocks kept"
"$fundsim" run "$scenario" --paths 3000 $two_years --threads 2 --quiet --resume "$out" ||
    fail "resuming the run killed after its first block"
"$srcdir/tests/h5same.py" "$dir/whole.h5" "$out" >/dev/null ||
    fail "the run killed after its first block, resumed: not the uninterrupted run's file"
echo "killed with $n of 47 blocks finished, resumed on 2 threads: the uninterrupted run's datasets"
cp "$dir/previous.h5" "$out"
fi # 1

# ---- 2. SIGINT and SIGTERM ----
if want 2; then # (the section is not indented)
for sig in INT TERM; do
    "$fundsim" run "$scenario" --paths 100000 --threads 1 --quiet -o "$out" 2>"$dir/err" &
    pid=$!
    wait_for_block
    kill -$sig $pid
    status=0
    wait $pid || status=$?
    want=130
    [ $sig = TERM ] && want=143
    [ $status -eq $want ] || fail "SIG$sig: exit status $status, expected $want"
    grep -Eq "^fundsim run: interrupted with [0-9]+ of 100000 paths finished, kept in $out.ckpt: run the same command with --resume to finish$" "$dir/err" ||
        fail "SIG$sig: the message: $(cat "$dir/err")"
    no_tmp "$dir" || fail "SIG$sig left a temporary file"
    cmp -s "$out" "$dir/previous.h5" || fail "SIG$sig changed $out"
    [ "$(blocks "$out")" -gt 0 ] || fail "SIG$sig: no finished block kept"
    echo "SIG$sig: exit status $status; $(cat "$dir/err")"
    rm -rf "$out.ckpt"
done
fi # 2

# ---- 3. a full disk ----
# $1: the folder; $2: the expected reason; then the command's prefix.
full_disk() {
    d=$1
    reason=$2
    shift 2
    cp "$dir/previous.h5" "$d/out.h5"
    status=0
    "$@" "$fundsim" run "$scenario" --paths 2000 --threads 1 --quiet -o "$d/out.h5" \
        2>"$dir/err" || status=$?
    [ $status -eq 1 ] || fail "a full disk ($reason): exit status $status, expected 1"
    # the checkpoint, the output file (or, with very many paths, the quantiles'
    # scratch file) beside it,
    # whichever fills first; or, when the folder's free space is known to be too
    # small, the refusal up front
    grep -Eq "^fundsim run: (($d/out.h5.tmp-[0-9]*: .*|cannot write the scratch file of the quantiles in $d|cannot write $d/out.h5.ckpt/block-[0-9]*): $reason \(the disk is full|2000 paths need .* beside $d/out.h5 \(the checkpoint's blocks .*, the file itself about .*\) in $d, and it has .* free)" "$dir/err" ||
        fail "a full disk ($reason): the message: $(cat "$dir/err")"
    no_tmp "$d" && [ -z "$(find "$d" -name '*.tmp')" ] ||
        fail "a full disk ($reason) left a temporary file: $(find "$d" -name '*.tmp*')"
    cmp -s "$d/out.h5" "$dir/previous.h5" || fail "a full disk ($reason) changed out.h5"
    if [ "$(blocks "$d/out.h5")" -gt 0 ]; then
        grep -q "the [0-9]* paths finished are kept in $d/out.h5.ckpt: --resume finishes the run once the cause is mended$" "$dir/err" ||
            fail "a full disk ($reason): a checkpoint, but no word of it: $(cat "$dir/err")"
        "$fundsim" run "$scenario" --paths 2000 --threads 1 --quiet --resume "$d/out.h5" ||
            fail "a full disk ($reason): --resume without the limit"
        [ ! -e "$d/out.h5.ckpt" ] || fail "a full disk ($reason): the checkpoint after --resume"
        echo "a full disk: exit status 1; $(cat "$dir/err"); --resume finished it"
    else
        [ ! -e "$d/out.h5.ckpt" ] || fail "a full disk ($reason): an empty checkpoint is left"
        echo "a full disk: exit status 1; $(cat "$dir/err")"
    fi
}
mkdir "$dir/small"
# The limit (in blocks of 512 or 1024 bytes) and the tmpfs (beside the previous
# file of 0.4 MB) are under the run's file of 1.6 MB.
# SIGXFSZ as a user's shell leaves it: its default kills the process unless
# fundsim ignores it.
full_disk "$dir/small" "File too large" sh -c 'ulimit -f 200; exec "$@"' sh env --default-signal=XFSZ
mkdir "$dir/tmpfs"
if [ "$(id -u)" -eq 0 ] && mount -t tmpfs -o size=1m tmpfs "$dir/tmpfs" 2>/dev/null; then
    mounted="$dir/tmpfs"
    full_disk "$dir/tmpfs" "No space left on device" env
    umount "$dir/tmpfs" && mounted=""
else
    echo "a full tmpfs: skipped (needs root and mount)"
fi

# ---- 4. what --resume refuses ----
if want 4; then # (the section is not indented)
"$fundsim" run "$scenario" --paths 100000 --threads 1 --quiet -o "$out" 2>/dev/null &
pid=$!
wait_for_block
kill -INT $pid
wait $pid
# $1: what the message says; then the options.
refused() {
    want=$1
    shift
    status=0
    "$fundsim" run "$scenario" --threads 1 --quiet --resume "$out" "$@" 2>"$dir/err" || status=$?
    [ $status -eq 1 ] && grep -q "^fundsim run: $want" "$dir/err" ||
        fail "--resume $*: exit status $status, $(cat "$dir/err")"
    echo "refused: $(cat "$dir/err")"
}
refused "cannot resume: the seed differs: 42 in the checkpoint $out.ckpt, 43 now$" \
    --paths 100000 --seed 43
refused "cannot resume: the number of paths differs: 100000 in the checkpoint $out.ckpt, 99999 now$" \
    --paths 99999
refused "cannot resume: the scenario differs from the checkpoint's ($out.ckpt), first in the line \"  interest_rate = 0.02;\" of \`fundsim show\`$" \
    --paths 100000 --set economy.interest_rate=0.02
sed -i '2s/^version .*/version 0.0.1/' "$out.ckpt/run"
refused "cannot resume: the checkpoint was made by fundsim 0.0.1, and this is fundsim [0-9.]* (results could differ); remove $out.ckpt to start over$" \
    --paths 100000
rm -rf "$out.ckpt"
refused "nothing to resume: $out is complete (there is no $out.ckpt)$" --paths 100000
cmp -s "$out" "$dir/previous.h5" || fail "a refused --resume changed $out"
fi # 4

# ---- 5. an unwritable folder ----
# $1: the output; $2: the expected reason.
unwritable() {
    status=0
    "$fundsim" run "$scenario" --paths 3 --quiet -o "$1" 2>"$dir/err" || status=$?
    [ $status -eq 1 ] || fail "$1: exit status $status, expected 1"
    grep -q "^fundsim run: cannot make the checkpoint folder $1.ckpt: $2$" "$dir/err" ||
        fail "$1: the message: $(cat "$dir/err")"
    echo "unwritable: exit status 1; $(cat "$dir/err")"
}
mkdir "$dir/locked"
if [ "$(id -u)" -ne 0 ]; then
    chmod a-w "$dir/locked"
    unwritable "$dir/locked/out.h5" "Permission denied"
elif mount -t tmpfs -o ro,size=64k tmpfs "$dir/locked" 2>/dev/null; then
    mounted="$dir/locked"
    unwritable "$dir/locked/out.h5" "Read-only file system"
else
    echo "a read-only folder: skipped (root ignores permissions, and mount is not allowed)"
fi

# ---- 6. what is not fundsim's ----
mkdir "$dir/guard"
g=$dir/guard/out.h5
# Everything under the folder guard/ (links not followed, their targets named),
# with every file's contents.
snapshot() {
    (cd "$dir/guard" && find . -printf '%p %y %s %m %T@ %l\n' | sort &&
        find . -type f -exec cat {} +) >"$1"
}
# $1: what the message says first, after the command's name; then the options.
refuses() {
    want=$1
    shift
    snapshot "$dir/before"
    status=0
    "$fundsim" run "$scenario" --paths 3 --quiet "$@" 2>"$dir/err" || status=$?
    snapshot "$dir/after"
    [ $status -eq 1 ] && grep -q "^fundsim run: $want" "$dir/err" ||
        fail "refusing ($*): exit status $status, $(cat "$dir/err")"
    cmp -s "$dir/before" "$dir/after" ||
        fail "refusing ($*): guard/ changed: $(diff "$dir/before" "$dir/after")"
    echo "refused, untouched: $(cat "$dir/err")"
}
leave="; fundsim leaves it as it is: remove it yourself, or give the run another output$"
mkdir "$dir/guard/precious"
echo "a stranger's results" >"$dir/guard/precious/results.csv"
cp "$dir/previous.h5" "$g"
ln -s precious "$g.ckpt"
refuses "$g.ckpt is a symbolic link (fundsim writes its checkpoint only into a folder it made)$leave" -o "$g"
refuses "$g.ckpt is a symbolic link" --resume "$g"
rm "$g.ckpt"
ln -s precious/results.csv "$g.ckpt"
refuses "$g.ckpt is a symbolic link" -o "$g"
rm "$g.ckpt"
# a stranger's folder; an empty one; one with fundsim's marker and a stranger's file
mkdir "$g.ckpt"
echo "a stranger's file" >"$g.ckpt/notes"
refuses "$g.ckpt holds \"notes\", which fundsim did not write$leave" -o "$g"
refuses "$g.ckpt holds \"notes\", which fundsim did not write" --resume "$g"
rm "$g.ckpt/notes"
refuses "$g.ckpt is not a checkpoint fundsim made (it has no file \"run\" beginning \"fundsim checkpoint\")$leave" -o "$g"
printf 'fundsim checkpoint 1\n' >"$g.ckpt/run"
mkdir "$g.ckpt/block-00000001"
refuses "$g.ckpt holds \"block-00000001\", which fundsim did not write" -o "$g"
rm -r "$g.ckpt"
# a stranger's OUT.h5.ckpt.removed, or a link there
mkdir "$g.ckpt.removed"
echo "a stranger's file" >"$g.ckpt.removed/lock.txt"
refuses "$g.ckpt.removed holds \"lock.txt\", which fundsim did not write$leave" -o "$g"
rm -r "$g.ckpt.removed"
ln -s precious "$g.ckpt.removed"
refuses "$g.ckpt.removed is a symbolic link" -o "$g"
rm "$g.ckpt.removed"
cmp -s "$g" "$dir/previous.h5" || fail "a refused run changed $g"

# ---- 7. a damaged checkpoint ----
# A checkpoint of all 16 blocks (63 kB each) of the 1000 paths of timed.h5:
# every block is stored, then the file is too large for `ulimit -f`.
status=0
(trap "" XFSZ && ulimit -f 200 && exec "$fundsim" run "$scenario" --paths $paths --threads 1 \
    --quiet -o "$g") 2>/dev/null || status=$?
[ $status -eq 1 ] && [ "$(blocks "$g")" -eq 16 ] ||
    fail "a run stopped by the file size limit: exit status $status, $(blocks "$g") blocks"
mv "$g.ckpt" "$dir/stored.ckpt"
# fundsim's own leftover, as a run killed while removing its checkpoint leaves it: it goes
cp -r "$dir/stored.ckpt" "$g.ckpt.removed"
"$fundsim" run "$scenario" --paths 3 --quiet -o "$g" || fail "a run beside fundsim's .removed"
[ ! -e "$g.ckpt.removed" ] && [ ! -e "$g.ckpt" ] || fail "fundsim's own $g.ckpt.removed is left"
echo "fundsim's own $g.ckpt.removed: removed"
# killed after its last file went, before the folder did: an empty one goes too
mkdir "$g.ckpt.removed"
"$fundsim" run "$scenario" --paths 3 --quiet -o "$g" || fail "a run beside an empty .removed"
[ ! -e "$g.ckpt.removed" ] || fail "an empty $g.ckpt.removed is left"
echo "an empty $g.ckpt.removed: removed"
# $1: what is done to the checkpoint's blocks; $2: the message expected.
damaged() {
    cp -r "$dir/stored.ckpt" "$g.ckpt"
    eval "$1" || fail "$1"
    status=0
    "$fundsim" run "$scenario" --paths $paths --threads 2 --quiet --resume "$g" 2>"$dir/err" ||
        status=$?
    [ $status -eq 0 ] || fail "$1, resumed: exit status $status, $(cat "$dir/err")"
    grep -q "^fundsim run: $g.ckpt: $2$" "$dir/err" || fail "$1, resumed: the message: $(cat "$dir/err")"
    "$srcdir/tests/h5same.py" "$dir/timed.h5" "$g" >/dev/null ||
        fail "$1, resumed: not the uninterrupted run's file"
    [ ! -e "$g.ckpt" ] || fail "$1, resumed: the checkpoint is left"
    echo "$1, resumed: $(cat "$dir/err"); the uninterrupted run's datasets"
}
# $1: a file; flips a bit of the byte at offset $2.
flip() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import sys
with open(sys.argv[1], "r+b") as f:
    f.seek(int(sys.argv[2]))
    b = f.read(1)[0]
    f.seek(int(sys.argv[2]))
    f.write(bytes([b ^ 0x10]))
PY
}
damaged 'flip "$g.ckpt/block-00000005" 30000' \
    "1 damaged block removed, computed again: block-00000005 (paths 320-383): its checksum does not match its contents (damaged after it was written)"
damaged 'truncate -s 40000 "$g.ckpt/block-00000009"' \
    "1 damaged block removed, computed again: block-00000009 (paths 576-639): truncated (40000 of its 75332 bytes)"
# A block damaged during a summaries-only run, after the summaries took its
# values from memory: their quantiles read it again at the end, so it is checked
# whole first, and the run stops (it is not read back otherwise).
rm -f "$g"
"$fundsim" run "$scenario" --paths 3000 --threads 1 --summary-only --quiet -o "$g" 2>"$dir/err" &
pid=$!
waited=0
until [ -f "$g.ckpt/block-00000000" ]; do
    kill -0 $pid 2>/dev/null || fail "a summaries-only run ended before its first block was seen"
    sleep 0.05
    waited=$((waited + 1))
    [ $waited -lt 1200 ] || fail "no first block of a summaries-only run after 60 s"
done
flip "$g.ckpt/block-00000000" 30000
status=0
wait $pid || status=$?
pid=
[ $status -eq 1 ] || fail "a block damaged during a summaries-only run: exit status $status"
grep -q "block-00000000 (paths 0-63): its checksum does not match its contents" "$dir/err" ||
    fail "a block damaged during a summaries-only run: the message: $(cat "$dir/err")"
[ ! -e "$g" ] && [ -d "$g.ckpt" ] || fail "a block damaged during a summaries-only run: $g made or its checkpoint gone"
echo "a block damaged during a summaries-only run: exit status 1; $(cat "$dir/err")"
"$fundsim" run "$scenario" --paths 3000 --threads 2 --summary-only --quiet --resume "$g" 2>"$dir/err" ||
    fail "a block damaged during a summaries-only run, resumed: $(cat "$dir/err")"
grep -q "1 damaged block removed, computed again: block-00000000" "$dir/err" ||
    fail "a block damaged during a summaries-only run, resumed: the message: $(cat "$dir/err")"
[ -f "$g" ] && [ ! -e "$g.ckpt" ] || fail "a block damaged during a summaries-only run, resumed: no file"
echo "a block damaged during a summaries-only run, resumed: $(cat "$dir/err")"
rm -f "$g"
# ---- 8. what -o may name ----
mkdir "$dir/o"
cp "$dir/previous.h5" "$dir/o/slice.h5"
# $1: what the message says; then the command's arguments after `fundsim`.
# Refused at once: status 2, one line, no checkpoint, no temporary file, no
# new file.
refused_output() {
    want=$1
    shift
    before=$(ls -A "$dir/o" | sort)
    status=0
    "$fundsim" "$@" 2>"$dir/err" >/dev/null || status=$?
    [ $status -eq 2 ] || fail "$*: exit status $status, expected 2: $(cat "$dir/err")"
    [ "$(wc -l <"$dir/err")" -eq 1 ] && grep -q "^fundsim [a-z]*: $want$" "$dir/err" ||
        fail "$*: the message: $(cat "$dir/err")"
    [ "$(ls -A "$dir/o" | sort)" = "$before" ] || fail "$*: the folder changed: $(ls -A "$dir/o")"
    echo "refused: $(cat "$dir/err")"
}
# $1: the output; $2: what it is.
not_a_file() {
    refused_output "the output $1 is $2: fundsim writes a new file or replaces a regular one, nothing else" \
        run "$scenario" --paths 100000 -o "$1"
}
mkfifo "$dir/o/fifo"
not_a_file "$dir/o/fifo" "a FIFO (named pipe)"
said="the output $dir/o/fifo is a FIFO (named pipe): fundsim writes a new file or replaces a regular one, nothing else"
refused_output "$said" run "$scenario" --paths 100000 --resume "$dir/o/fifo"
refused_output "$said" compare "$scenario" "$srcdir/tests/scenarios/cap-600.cfg" \
    --paths 100000 -o "$dir/o/fifo"
refused_output "$said" merge -o "$dir/o/fifo" "$dir/o/slice.h5"
[ -p "$dir/o/fifo" ] || fail "the FIFO is gone"
python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$dir/o/socket" ||
    fail "cannot make a socket"
not_a_file "$dir/o/socket" "a socket"
[ -S "$dir/o/socket" ] || fail "the socket is gone"
if [ "$(id -u)" -eq 0 ] && mknod "$dir/o/null" c 1 3 2>/dev/null; then
    # as root, a fault would replace /dev/null itself: a copy of it instead
    not_a_file "$dir/o/null" "a character device"
    [ -c "$dir/o/null" ] || fail "the device made by mknod is gone"
else
    echo "a device made by mknod: skipped (needs root); /dev/null itself instead"
    not_a_file /dev/null "a character device"
fi
[ -c /dev/null ] || fail "/dev/null is not a character device"
ln -s fifo "$dir/o/to-fifo"
ln -s slice.h5 "$dir/o/to-file"
for o in to-fifo to-file; do
    refused_output "the output $dir/o/$o is a symbolic link: fundsim would replace the link, not the file it points to; give that file's own path" \
        run "$scenario" --paths 100000 -o "$dir/o/$o"
    [ -L "$dir/o/$o" ] || fail "the link $o is gone"
done
cmp -s "$dir/o/slice.h5" "$dir/previous.h5" || fail "the file a link points to changed"
mkdir "$dir/o/folder"
refused_output "the output $dir/o/folder is a folder: give a file name, such as $dir/o/folder/run.h5" \
    run "$scenario" --paths 100000 -o "$dir/o/folder"
refused_output "the output $dir/o/folder/ ends with '/': give a file name, such as $dir/o/folder/run.h5" \
    merge -o "$dir/o/folder/" "$dir/o/slice.h5"
[ -z "$(ls -A "$dir/o/folder")" ] || fail "the folder is not empty"
# '' in the current folder: no ./.ckpt
(cd "$dir/o" && refused_output "the output's name is empty: give a file name, such as run.h5" \
    run "$scenario" --paths 100000 -o '') || exit 1
refused_output "the folder $dir/o/missing of the output $dir/o/missing/out.h5 does not exist" \
    run "$scenario" --paths 100000 -o "$dir/o/missing/out.h5"
refused_output "$dir/o/slice.h5 is not a folder: it cannot hold the output $dir/o/slice.h5/out.h5" \
    run "$scenario" --paths 100000 -o "$dir/o/slice.h5/out.h5"

# calibrate -o replaces only a variant that calibrate wrote (its first line
# says so), never the scenario itself or a file of the user's; it writes under
# a temporary name and renames, so nothing is left beside it
actuals="regions[0].actuals=({year=2022; enrollees=600000.0;})"
printf 'base = "%s";\n' "$scenario" >"$dir/o/mine.cfg" # a variant of the user's
cp "$dir/o/mine.cfg" "$dir/mine.cfg"
refused_output "-o $dir/o/mine.cfg: a file is there that fundsim calibrate did not write (its first line does not say so): refusing to replace it; remove it or name another file" \
    calibrate "$scenario" --set "$actuals" --paths 2 -o "$dir/o/mine.cfg"
cmp -s "$dir/o/mine.cfg" "$dir/mine.cfg" || fail "calibrate changed a file it did not write"
refused_output "-o $dir/o/mine.cfg names the scenario being calibrated: name another file" \
    calibrate "$dir/o/mine.cfg" --set "$actuals" --paths 2 -o "$dir/o/mine.cfg"
not_a_calibrate() {
    refused_output "the output $1 is $2: fundsim writes a new file or replaces a regular one, nothing else" \
        calibrate "$scenario" --set "$actuals" --paths 2 -o "$1"
}
not_a_calibrate "$dir/o/fifo" "a FIFO (named pipe)"
for round in 1 2; do # a new file, then the variant it wrote replaced
    "$fundsim" calibrate "$scenario" --set "$actuals" --paths 2 --quiet -o "$dir/o/fitted.cfg" \
        >/dev/null 2>"$dir/err" || fail "calibrate -o, round $round: $(cat "$dir/err")"
    head -1 "$dir/o/fitted.cfg" | grep -qF 'written by `fundsim calibrate`' ||
        fail "the variant's first line: $(head -1 "$dir/o/fitted.cfg")"
    [ -z "$(find "$dir/o" -name 'fitted.cfg.tmp-*')" ] || fail "calibrate left a temporary file"
done
"$fundsim" check "$dir/o/fitted.cfg" >/dev/null || fail "the variant calibrate wrote is refused"
rm -f "$dir/o/mine.cfg" "$dir/o/fitted.cfg"

# ---- 9. a FIFO in the place of OUT.h5 during the run ----
# 99 quantile levels make the file slow to write beside the paths (for 10:
# half a second, from a checkpoint of 3000 paths). Options, not a function: $!
# must be fundsim's pid.
late="--paths 3000 --quiet --set simulation.quantiles=$(awk 'BEGIN {
    printf "["; for (k = 1; k < 100; k++) printf "%s%.2f", (k > 1 ? "," : ""), k / 100; print "]" }')"
[ ! -e "$out.ckpt" ] || fail "a checkpoint is left from the cases before"
# shellcheck disable=SC2086 # $late: options
"$fundsim" run "$scenario" $late --threads 2 -o "$out" 2>"$dir/err" &
pid=$!
# The checkpoint's folder comes after the check of -o, and before the engine
# is built: the run is stopped while the FIFO takes the file's place.
until [ -d "$out.ckpt" ] || ! kill -0 $pid 2>/dev/null; do sleep 0.01; done
kill -STOP $pid 2>/dev/null || fail "the run ended before its checkpoint was seen"
rm "$out"
mkfifo "$out"
kill -CONT $pid
status=0
wait $pid || status=$?
[ $status -eq 1 ] || fail "a FIFO put in place of $out: exit status $status, expected 1"
grep -q "^fundsim run: not written: $out is now a FIFO (named pipe), not a regular file: it is left as it is; the 3000 paths finished are kept in $out.ckpt: --resume finishes the run once the cause is mended$" "$dir/err" ||
    fail "a FIFO put in place of $out: the message: $(cat "$dir/err")"
[ -p "$out" ] && no_tmp "$dir" || fail "a FIFO put in place of $out: replaced, or a temporary file left"
echo "a FIFO put in place during the run: exit status 1; $(cat "$dir/err")"
rm "$out"
cp "$dir/previous.h5" "$out"

# ---- 10. SIGINT and SIGTERM while the file is made ----
# From the checkpoint of every block that 9 left: --resume only makes the file.
for sig in INT TERM; do
    # shellcheck disable=SC2086
    "$fundsim" run "$scenario" $late --threads 1 --resume "$out" 2>"$dir/err" &
    pid=$!
    until [ -e "$out.tmp-$pid" ] || ! kill -0 $pid 2>/dev/null; do sleep 0.01; done
    kill -$sig $pid
    status=0
    wait $pid || status=$?
    want=130
    [ $sig = TERM ] && want=143
    [ $status -eq $want ] || fail "SIG$sig while writing the file: exit status $status, expected $want: $(cat "$dir/err")"
    grep -q "^fundsim run: interrupted while writing $out, with all 3000 paths finished, kept in $out.ckpt: run the same command with --resume to write it$" "$dir/err" ||
        fail "SIG$sig while writing the file: the message: $(cat "$dir/err")"
    no_tmp "$dir" || fail "SIG$sig while writing the file left a temporary file"
    cmp -s "$out" "$dir/previous.h5" || fail "SIG$sig while writing the file changed $out"
    [ "$(blocks "$out")" -eq 47 ] || fail "SIG$sig while writing the file: $(blocks "$out") blocks kept"
    echo "SIG$sig while writing the file: exit status $status; $(cat "$dir/err")"
done
# shellcheck disable=SC2086
"$fundsim" run "$scenario" $late --threads 2 --resume "$out" || fail "--resume after the signals"
h5dump -d /depletion/first_year_at_risk "$out" >/dev/null && [ ! -e "$out.ckpt" ] && no_tmp "$dir" ||
    fail "--resume after the signals: no complete file, or something left"
echo "--resume after them wrote $out"
cp "$dir/previous.h5" "$out"

# ---- 11. the default output: the scenario's name, in the current folder ----
mkdir "$dir/cwd" "$dir/cwd/here"
for name in ../up /up "$dir/abs" "" . .. .hidden "a/b"; do
    status=0
    (cd "$dir/cwd/here" && "$fundsim" run "$scenario" --paths 3 --quiet --set "name=\"$name\"") \
        2>"$dir/err" || status=$?
    [ $status -eq 2 ] || fail "name \"$name\": exit status $status, expected 2"
    grep -q "^error: name: the name \"$name\" cannot be the default output's file name (NAME.h5, in the current folder): it" "$dir/err" ||
        fail "name \"$name\": the message: $(cat "$dir/err")"
    [ -z "$(ls -A "$dir/cwd/here")" ] && [ "$(ls -A "$dir/cwd")" = here ] && [ ! -e /up.h5 ] &&
        [ ! -e "$dir/abs.h5" ] && [ ! -e "$dir/abs.h5.ckpt" ] || fail "name \"$name\": a file written"
    echo "name \"$name\": refused, $(head -n 1 "$dir/err")"
done
(cd "$dir/cwd/here" && "$fundsim" run "$scenario" --paths 3 --quiet --set 'name="plain"') &&
    [ "$(ls -A "$dir/cwd/here")" = plain.h5 ] || fail "name \"plain\": not plain.h5 in the current folder"

echo "all faults handled"
