#!/bin/sh
# check.sh: one case of the bad-scenario corpus (see README.md).
#
# Usage: check.sh FUNDSIM CASE [EXPECTED...]
#
# Runs `fundsim check CASE` in the case's folder. Passes when fundsim exits with
# status 2 and its error lines are exactly the expected ones, in order: the
# case's `# expect: ` comments, or the EXPECTED arguments for a case that
# cannot hold comments. In an expected line, @HERE@ stands for the case's
# folder and @UP@ for its parent. Five cases are not in the repository but
# made here: huge.cfg, 10 MB of valid settings; many-regions.cfg, 1001
# complete regions; regions-flood.cfg, 300,000 empty ones (refused before
# libconfig reads them, in a fraction of a second under AddressSanitizer);
# group-flood.cfg, a group of 10,001 settings from two included files;
# include-too-much.cfg, which includes a file of 3 MB twice.
set -u
fundsim=$(cd "$(dirname "$1")" && pwd -P)/$(basename "$1") || exit 1 # meson gives ./fundsim
case=$2
shift 2
name=$(basename "$case")
dir=$(cd "$(dirname "$case")" && pwd -P) || exit 1
# the base of the cases made here
export MINIMAL="$dir/../minimal.cfg"
tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

made=$tmp/case
case $name in
huge.cfg)
    dir=$made
    mkdir "$dir" && yes 'padding = 1;' | head -n 900000 > "$dir/$name" || exit 1
    ;;
many-regions.cfg)
    dir=$made
    mkdir "$dir" && awk 'BEGIN {
        printf "base = \"%s\";\nregions = (\n", ENVIRON["MINIMAL"]
        for (k = 0; k < 1001; k++)
            printf "  { name = \"r%d\"; code = \"%06d\"; population_total = 1000.0; district_share = 0.5; employee_share = 0.2; opening_balance_yuan = 0.0; serious_premium_yuan = 70.0; categories = { extreme_poverty = 0.0; minimum_living = 0.0; rural_at_risk = 0.0; hardship = 0.0; }; }%s\n", k, 400000 + k, k < 1000 ? "," : ""
        print ");"
    }' > "$dir/$name" || exit 1
    ;;
regions-flood.cfg)
    dir=$made
    mkdir "$dir" && awk 'BEGIN {
        printf "base = \"%s\";\nregions = ({}", ENVIRON["MINIMAL"]
        for (k = 1; k < 300000; k++) printf ", {}"
        print ");"
    }' > "$dir/$name" || exit 1
    ;;
group-flood.cfg)
    dir=$made
    mkdir "$dir" && awk 'BEGIN { for (k = 0; k < 5000; k++) printf "a%d = 1;\n", k }' \
        > "$dir/a.inc" && awk 'BEGIN { for (k = 0; k < 5001; k++) printf "b%d = 1;\n", k }' \
        > "$dir/b.inc" &&
        printf 'base = "%s";\npolicy = {\n@include "a.inc"\n@include "b.inc"\n};\n' "$MINIMAL" \
            > "$dir/$name" || exit 1
    ;;
include-too-much.cfg)
    dir=$made
    mkdir "$dir" && yes '# a comment line of fifty bytes, to make 3 MB ....' | head -n 60000 \
        > "$dir/part.inc" &&
        printf 'base = "%s";\n@include "part.inc"\n@include "part.inc"\n' "$MINIMAL" \
            > "$dir/$name" || exit 1
    ;;
esac

if [ $# -gt 0 ]; then
    printf '%s\n' "$@" > "$tmp/expected"
else
    sed -n 's/^# expect: //p' "$dir/$name" > "$tmp/expected"
fi
sed -i "s|@HERE@|$dir|g; s|@UP@|$(dirname "$dir")|g" "$tmp/expected"
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
