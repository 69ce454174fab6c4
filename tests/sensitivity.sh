#!/bin/sh
# sensitivity.sh: `fundsim sensitivity` and `fundsim run --deterministic` against
# what is known in closed form (issue 23).
#
# The scenario: tests/scenarios/minimal.cfg with every random driver but the
# costs switched off (their spreads 0, no parameter risk; the costs' excess
# growth not correlated with the economy's income shock), 24 paths.
# 1. The opening balance B0 enters the actuarial balance linearly:
#    AB = 100 ((PV income + B0 - PV reserve) / PV expenditure - 1), the present
#    values at the path's interest (here its constant mean), none of which B0
#    moves (interest is not income in it). So moving B0 by D moves a path's AB
#    by 100 D / PV expenditure, exactly: the command's paired mean must be the
#    mean of that over the paths of a plain run's file (computed here from its
#    /paths), to rounding; and its interval is not empty (the costs vary).
# 2. Variance shares: only the costs are random, so holding them leaves every
#    path the same (share 1, exactly) and holding any other group changes
#    nothing (share 0, exactly).
# 3. A side's run, on the base's benefit tables, is a plain run at its value.
# 4. --deterministic: the best-estimate path does not depend on the seed (the
#    paths do), and holds the technology jumps at their expectation (a cost
#    index above the run without technology).
#
# Usage: tests/sensitivity.sh build/fundsim SOURCE_DIR
set -eu
fundsim=$1
src=$2
scenario=$src/tests/scenarios/minimal.cfg
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

set -- --threads 2 --quiet --paths 24 \
    --set demography.mortality.volatility=0.0 --set demography.mortality.initial_volatility=0.0 \
    --set demography.fertility.volatility=0.0 --set demography.fertility.initial_volatility=0.0 \
    --set demography.migration.volatility=0.0 --set economy.income_volatility=0.0 \
    --set economy.interest_volatility=0.0 --set utilization.volatility=0.0 \
    --set utilization.claims_noise=0.0 --set enrollment.participation_volatility=0.0 \
    --set disease.conditions.hypertension.trend_volatility=0.0 \
    --set economy.income_growth_uncertainty=0.0 --set costs.excess_growth_uncertainty=0.0 \
    --set costs.utilization_trend_uncertainty=0.0 --set enrollment.employee_shift_uncertainty=0.0 \
    --set disease.trend_uncertainty=0.0 --set costs.income_correlation=0.0

"$fundsim" run "$scenario" "$@" -o "$dir/base.h5"
key='regions.[0].opening_balance_yuan'
"$fundsim" sensitivity "$scenario" "$@" --only "$key" --assume "$key=400000000,650000000" \
    --variance -o "$dir/sens.h5"

/usr/bin/python3 - "$dir/base.h5" "$dir/sens.h5" <<'PY'
import sys
import h5py
import numpy as np

base, sens = (h5py.File(p, "r") for p in sys.argv[1:3])
B0 = base["opening_balance"][0]
assert B0 == 5e8, B0
r = base["paths/national/interest_rate"][()]            # [path][year]
assert np.all(r == r[0, 0]), "interest held at its mean"
disc = np.cumprod(1 / (1 + r), axis=1)
v = {k: base["paths/" + k][()][:, :, 0] for k in
     ("fund_inpatient", "fund_outpatient", "fund_two_diseases", "fund_chronic",
      "fund_maternity", "serious_premium")}
pv_exp = (disc * sum(v.values())).sum(axis=1)            # [path]
assert np.ptp(pv_exp) > 0, "the costs vary across paths"
g = sens["sensitivity/" + "regions.[0].opening_balance_yuan"]
for side, D in ((0, 4e8 - B0), (1, 6.5e8 - B0)):
    want = np.mean(100 * D / pv_exp)
    got = g["delta_actuarial_balance"][side]
    assert abs(got - want) <= 1e-9 * abs(want), (side, got, want)
    lo, hi = g["delta_actuarial_balance_ci"][side]
    assert lo < got < hi, (lo, got, hi)
    assert abs(g["actuarial_balance"][side] - sens["sensitivity/base/actuarial_balance"][()]
               - want) <= 1e-9 * abs(want)
assert list(g["value"][()]) == [4e8, 6.5e8]
groups = list(sens["variance/groups"].asstr()[()])
for name in ("balance_2024", "actuarial_balance"):
    share = dict(zip(groups, sens["variance/" + name + "/share"][()]))
    assert sens["variance/" + name + "/variance"][()] > 0, name
    assert share["costs"] == 1.0, (name, share)
    assert all(share[k] == 0.0 for k in groups if k != "costs"), (name, share)
print("sensitivity: closed form recovered")
PY

# A side's run borrows the base's benefit tables (participation does not move
# them): its figures are those of a plain run at that value.
"$fundsim" sensitivity "$scenario" "$@" --only participation -o "$dir/part.h5"
"$fundsim" run "$scenario" "$@" --set enrollment.participation=0.93 -o "$dir/low.h5"
/usr/bin/python3 - "$dir/part.h5" "$dir/low.h5" <<'PY'
import sys
import h5py
import numpy as np

sens, low = (h5py.File(p, "r") for p in sys.argv[1:3])
g = sens["sensitivity/participation"]
assert abs(g["value"][0] - 0.93) < 1e-15, g["value"][0]
want = low["paths/national/actuarial_balance"][:, -1].mean()
assert abs(g["actuarial_balance"][0] - want) <= 1e-12 * abs(want), (g["actuarial_balance"][0], want)
print("sensitivity: a side is the plain run at its value")
PY

# --deterministic: the same best-estimate path whatever the seed.
"$fundsim" run "$scenario" "$@" --seed 1 --deterministic -o "$dir/d1.h5"
"$fundsim" run "$scenario" "$@" --seed 2 --deterministic -o "$dir/d2.h5"
"$fundsim" run "$scenario" "$@" --set costs.inflation_volatility=0.0 \
    --set costs.excess_volatility=0.0 --set costs.technology_rate=0.0 -o "$dir/flat.h5"
/usr/bin/python3 - "$dir/d1.h5" "$dir/d2.h5" "$dir/flat.h5" <<'PY'
import sys
import h5py
import numpy as np

d1, d2, flat = (h5py.File(p, "r") for p in sys.argv[1:4])
for name in ("balance", "expenditure", "actuarial_balance", "enrollees"):
    a, b = d1["best_estimate/" + name][()], d2["best_estimate/" + name][()]
    assert np.array_equal(a, b), name
assert not np.array_equal(d1["paths/balance"][()], d2["paths/balance"][()])
# Technology held at lambda mu a year, not 0: the flat run (rate 0) is below it.
assert (d1["best_estimate/national/cost_index"][-1]
        > flat["paths/national/cost_index"][0, -1])
assert d1["best_estimate/province/balance"].shape == (3,)
print("deterministic: the same path for any seed")
PY

# --into: the sensitivity added to a run's file; the report draws the tornado
# and the fan charts' best estimate.
"$fundsim" sensitivity "$scenario" "$@" --only inflation --into "$dir/d1.h5"
/usr/bin/python3 "$src/plots/report.py" "$dir/d1.h5" -o "$dir/report" >/dev/null 2>"$dir/report.err"
test -s "$dir/report/tornado.png"
if grep -q tornado "$dir/report.err"; then cat "$dir/report.err"; exit 1; fi
grep -q tornado.png "$dir/report/index.html"
echo "report: the tornado drawn"
