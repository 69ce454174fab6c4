#!/bin/sh
# extreme.sh: extreme but valid scenarios either run, with every number of
# the file finite, or are refused before the run; and a non-finite result
# stops a run with a message naming it.
#
#  - runs: a region of 1 person; 100 % enrolment (every participation and
#    share of newborns 1); zero costs (every cost of care and of the chronic
#    conditions 0); a 100-year horizon (on the shipped UN data extended past
#    2100 by their last values); and the four at once;
#  - refused before the run, exit status 2: a 100-year horizon on the shipped
#    data, which end in 2100, with the setting, the data file and its line;
#  - a population of 1e300 overflows: exit status 1, the variable, region,
#    year and path named, no file left (output/finite.h); so does a variant
#    of `fundsim compare` paying 1e300 yuan a birth, naming the variant.
#
# Usage: tests/extreme.sh FUNDSIM SOURCE_DIR
set -u
fundsim=$1
src=$2
scenario=$src/tests/scenarios/minimal.cfg
dir=$(mktemp -d /tmp/fundsim-extreme-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# The shipped UN tables, extended to 2125 by their last column.
wpp=$src/scenarios/data/wpp
for f in china_mxM5 china_mxF5 china_percentASFR5; do # five-year periods
    awk -F, -v OFS=, 'NR == 1 { for (y = 2100; y < 2125; y += 5) $(NF + 1) = y "-" y + 5; print; next }
        { v = $NF; for (k = 0; k < 5; k++) $(NF + 1) = v; print }' "$wpp/$f.csv" >"$dir/$f.csv"
done
for f in china_e0Mproj china_e0Fproj china_tfrprojMed china_sexRatio; do # years
    awk -F, -v OFS=, 'NR == 1 { last = $NF; for (y = last + 1; y <= 2125; y++) $(NF + 1) = y; print; n = 2125 - last; next }
        { v = $NF; for (k = 0; k < n; k++) $(NF + 1) = v; print }' "$wpp/$f.csv" >"$dir/$f.csv"
done
long_data="--set demography.mortality.male=\"$dir/china_mxM5.csv\"
--set demography.mortality.female=\"$dir/china_mxF5.csv\"
--set demography.mortality.e0_male=\"$dir/china_e0Mproj.csv\"
--set demography.mortality.e0_female=\"$dir/china_e0Fproj.csv\"
--set demography.fertility.tfr=\"$dir/china_tfrprojMed.csv\"
--set demography.fertility.pattern=\"$dir/china_percentASFR5.csv\"
--set demography.fertility.sex_ratio=\"$dir/china_sexRatio.csv\""
one_person="--set regions[0].population_total=1.0"
full_enrolment="--set enrollment.participation=1.0 --set enrollment.vulnerable_participation=1.0
--set enrollment.student_participation=1.0 --set enrollment.newborn_share=1.0
--set enrollment.late_share=0.0"
levels_zero="{grassroots=0.0;county=0.0;city=0.0;provincial=0.0;}"
zero_costs="--set utilization.inpatient.cost_yuan=$levels_zero
--set utilization.outpatient.cost_yuan=$levels_zero
--set disease.conditions.hypertension.annual_cost_yuan=0.0"
century="--set simulation.years=100"

# $1: a name; then the options. (The lists of options above are split into
# words on purpose where they are used: none holds a space.)
# Runs 20 paths and checks that every number of the file is finite.
runs() {
    name=$1
    shift
    out=$dir/$name.h5
    "$fundsim" run "$scenario" "$@" --paths 20 --threads 2 --quiet -o "$out" 2>"$dir/err" ||
        fail "$name: exit status $?: $(cat "$dir/err")"
    /usr/bin/python3 - "$out" "$name" <<'PY' || fail "$name: a number of the file is not finite"
import sys
import h5py
import numpy as np

bad, n = [], 0
def visit(name, obj):
    global n
    if isinstance(obj, h5py.Dataset) and obj.dtype.kind == "f":
        n += obj.size
        if not np.isfinite(obj[()]).all():
            bad.append(name)
with h5py.File(sys.argv[1], "r") as f:
    f.visititems(visit)
    years = len(f["years"])
    balance = f["paths/balance"][()]
print(f"{sys.argv[2]}: {years} years, {n} numbers, all finite; last balance of path 0: "
      f"{balance[0, -1, 0]:.6g} yuan")
sys.exit(1 if bad or n == 0 else 0)
PY
}
runs one-person $one_person
runs full-enrolment $full_enrolment
runs zero-costs $zero_costs
runs century $century $long_data
runs all-four $one_person $full_enrolment $zero_costs $century $long_data

# Refused before the run: the shipped data stop in 2100.
status=0
"$fundsim" run "$scenario" $century --paths 20 --quiet -o "$dir/refused.h5" 2>"$dir/err" ||
    status=$?
[ $status -eq 2 ] || fail "a century on the shipped data: exit status $status, expected 2"
grep -q "^error: demography.mortality.male: expected periods covering the years 2020 to 2121 (from the age structure's year to the last simulated year), got 1950 to 2099 ($wpp/china_mxM5.csv:1)$" "$dir/err" ||
    fail "a century on the shipped data: the message: $(cat "$dir/err")"
[ ! -e "$dir/refused.h5" ] || fail "a refused scenario left a file"
echo "a century on the shipped data: refused, $(grep -c '^error' "$dir/err") errors"

# A population of 1e300 overflows the maternity benefits.
status=0
"$fundsim" run "$scenario" --set 'regions[0].population_total=1e300' --paths 3 --threads 1 \
    --quiet -o "$dir/overflow.h5" 2>"$dir/err" || status=$?
[ $status -eq 1 ] || fail "an overflow: exit status $status, expected 1"
grep -q "^fundsim run: minimal: [a-z_]* is [+-]infinity in Testshire in 202[234] on path [0-2] (from 0): a figure of the scenario is too large or divides by zero somewhere; the run stops, nothing was written$" "$dir/err" ||
    fail "an overflow: the message: $(cat "$dir/err")"
[ -z "$(ls "$dir" | grep overflow)" ] || fail "an overflow left a file"
echo "an overflow: $(cat "$dir/err")"

# A variant's overflow, in `fundsim compare`: the variant is named.
cat >"$dir/huge-maternity.cfg" <<EOF
base = "$scenario";
name = "huge-maternity";
policy = { maternity = { natural_yuan = 1e300; caesarean_yuan = 1e300; }; };
EOF
status=0
"$fundsim" compare "$scenario" "$dir/huge-maternity.cfg" --set 'regions[0].population_total=1e11' \
    --paths 3 --threads 1 --quiet -o "$dir/compare.h5" 2>"$dir/err" || status=$?
[ $status -eq 1 ] || fail "a variant's overflow: exit status $status, expected 1"
grep -q "^fundsim compare: huge-maternity: fund_maternity is +infinity in Testshire in 2022 on path 0 (from 0): " "$dir/err" ||
    fail "a variant's overflow: the message: $(cat "$dir/err")"
[ -z "$(ls "$dir" | grep compare)" ] || fail "a variant's overflow left a file"
echo "a variant's overflow: $(cat "$dir/err")"
