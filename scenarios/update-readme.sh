#!/bin/sh
# update-readme.sh: rewrites the settings table of scenarios/README.md from the
# schema (`fundsim settings --markdown`); the test test_schema checks it.
set -eu
cd "$(dirname "$0")"
fundsim=${1:-../build/fundsim}
begin='<!-- settings: begin (fundsim settings --markdown) -->'
end='<!-- settings: end -->'
{
    sed -n "1,/^$begin\$/p" README.md
    "$fundsim" settings --markdown
    sed -n "/^$end\$/,\$p" README.md
} > README.md.new
mv README.md.new README.md
