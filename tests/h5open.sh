#!/bin/sh
# h5open.sh: the output of a small run opens with h5dump and with h5py (Debian's
# python3, as the plots use it) and holds the fixed names with their shapes and
# dimension scales; a run into a folder that does not exist exits 2 and leaves nothing.
#
# Usage: tests/h5open.sh build/fundsim SOURCE_DIR
set -eu
fundsim=$1
scenario=$2/tests/scenarios/minimal.cfg
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT

"$fundsim" run "$scenario" --paths 3 --threads 1 --quiet -o "$dir/out.h5"
h5dump -H "$dir/out.h5" >/dev/null
h5dump -d /paths/balance "$dir/out.h5" | grep -q 'DATASPACE  SIMPLE { ( 3, 3, 1 )'

/usr/bin/python3 - "$dir/out.h5" <<'PY'
import sys
import h5py

f = h5py.File(sys.argv[1], "r")
P, Y, R = f["/paths/balance"].shape
assert (P, Y, R) == (3, 3, 1), (P, Y, R)
for name in ["/paths/income", "/paths/expenditure", "/paths/enrollees"]:
    assert f[name].shape == (P, Y, R), name
assert f["/opening_balance"].shape == (R,)
assert list(f["/years"][:]) == [2022, 2023, 2024]
assert f["/regions"].asstr()[0] == "Testshire"
assert f["/summary/balance_quantiles"].shape == (Y, R, len(f["/quantiles"]))
assert f["/warning/p_deficit"].shape == (Y, R) and f["/warning/p_depleted"].shape == (Y, R)
assert f["/paths/balance"].dims[1][0].name == "/years"
assert f["/paths/balance"].dims[2][0].name == "/regions"
assert f["/summary/balance_quantiles"].dims[2][0].name == "/quantiles"
assert f["/paths/balance"].attrs["units"] in ("yuan", b"yuan")
PY

# A run into a folder that does not exist: refused at once, exit 2, a message
# naming the file.
status=0
"$fundsim" run "$scenario" --paths 3 --quiet -o "$dir/missing/out.h5" 2>"$dir/err" || status=$?
[ "$status" -eq 2 ]
grep -q "missing/out.h5" "$dir/err"
[ ! -e "$dir/missing" ]
echo "ok: h5dump and h5py read the output; a run into a missing folder exits 2 and leaves no file"
