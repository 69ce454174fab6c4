#!/bin/sh
# check.sh: one case of the bad-scenario corpus (see README.md).
#
# Usage: check.sh FUNDSIM CASE [EXPECTED...]
#
# Runs `fundsim check CASE` in the case's folder. Passes when fundsim exits with
# status 2 and its error lines are exactly the expected ones, in order: the
# case's `# expect: ` comments, or the EXPECTED arguments for a case that
# cannot hold comments. In an expected line, @HERE@ stands for the case's
# folder. huge.cfg is not in the repository: it is made here, 10 MB of valid
# settings.
set -u
fundsim=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") || exit 1 # meson gives ./fundsim
case=$2
shift 2
name=$(basename "$case")
dir=$(cd "$(dirname "$case")" && pwd -P) || exit 1
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

if [ "$name" = huge.cfg ]; then
    dir=$tmp/case
    mkdir "$dir" && yes 'padding = 1;' | head -n 900000 > "$dir/$name" || exit 1
fi

if [ $# -gt 0 ]; then
    printf '%s\n' "$@" > "$tmp/expected"
else
    sed -n 's/^# expect: //p' "$dir/$name" > "$tmp/expected"
fi
sed -i "s|@HERE@|$dir|g" "$tmp/expected"
if [ ! -s "$tmp/expected" ]; then
    echo "$name: no expected messages (a test that cannot fail)" >&2
    exit 1
fi

(cd "$dir" && "$fundsim" check "$name") > "$tmp/out" 2> "$tmp/err"
status=$?
grep '^error: ' "$tmp/err" > "$tmp/got"
cat "$tmp/err"
if [ $status -ne 2 ]; then
    echo "FAIL: $name: exit status $status, expected 2" >&2
    exit 1
fi
if ! diff -u "$tmp/expected" "$tmp/got" >&2; then
    echo "FAIL: $name: the errors differ from the expected ones (- expected, + got)" >&2
    exit 1
fi
