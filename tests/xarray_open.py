#!/usr/bin/python3
"""xarray_open.py: every group of fundsim's files opens in xarray (issue 24,
item 9), with named dimensions and coordinates that are the file's own.

Files: a run of tests/scenarios/two-pools.cfg (2 regions, 6 years) with the
best-estimate path; a slice of it (paths 8 .. 15); a comparison of
tests/scenarios/minimal.cfg with variant-cap.cfg; a sensitivity file of one
assumption with the variance shares. For each, every group (found with h5py)
is opened with `xarray.open_dataset(FILE, engine="h5netcdf", group=G)` and:
 - every dimension of every variable has a coordinate;
 - each coordinate holds what the file says: `years` the calendar years from
   the root attribute start_year (2022 ..), `regions` /regions (pinyin), with
   `region_codes` and `region_names_zh` as /region_codes and /region_names_zh,
   `quantiles` /quantiles, `levels` /warning/levels, `path` the run's path
   numbers (8 .. 15 in the slice), `term` /assumptions/term, `side` and
   `bound` low and high, `order` /sensitivity/order, `groups` /variance/groups;
 - every dataset of the group is in the xarray dataset (none dropped);
 - a value picked by label equals the value h5py reads at that index.

Usage: xarray_open.py FUNDSIM SOURCE_DIR
"""
import os
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import xarray as xr

FUNDSIM, SRC = sys.argv[1], sys.argv[2]
SCEN = os.path.join(SRC, "tests/scenarios")
failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def fundsim(*args):
    r = subprocess.run([FUNDSIM, *args, "--quiet"], capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit(f"fundsim {' '.join(args)}: exit {r.returncode}\n{r.stderr}")


def texts(ds):
    return [v.decode() if isinstance(v, bytes) else str(v) for v in np.asarray(ds[()]).ravel()]


def groups(f):
    out = ["/"]
    f.visit(lambda n: out.append("/" + n) if isinstance(f[n], h5py.Group) else None)
    return out


def expected_coords(f, g):
    """What each coordinate of group g must hold, from the file's own datasets."""
    want = {"side": ["low", "high"], "bound": ["low", "high"]}
    if "years" in f:  # a run's file (a sensitivity file has none of these)
        start, years = int(f.attrs["start_year"]), int(f.attrs["years"])
        first = int(f.attrs.get("paths_from", 0))
        want.update({"years": list(range(start, start + years)),
                     "regions": texts(f["regions"]), "region_codes": texts(f["region_codes"]),
                     "region_names_zh": texts(f["region_names_zh"]),
                     "quantiles": [float(q) for q in f["quantiles"][()]],
                     "path": list(range(first, first + int(f.attrs["paths"])))})
    for name, where in [("levels", "warning/levels"), ("term", "assumptions/term"),
                        ("order", "sensitivity/order"), ("groups", "variance/groups")]:
        if where in f:
            want[name] = texts(f[where])
    return want


def check_group(path, f, g, want):
    try:
        ds = xr.open_dataset(path, engine="h5netcdf", group=g)
    except Exception as e:  # noqa: BLE001: any failure to open is the finding
        fail(f"{os.path.basename(path)} {g}: does not open: {type(e).__name__}: {e}")
        return 0
    with ds:
        h5 = f[g]
        names = [k for k in h5 if isinstance(h5[k], h5py.Dataset)]
        missing = [k for k in names if k not in ds.variables]
        if missing:
            fail(f"{g}: datasets not in xarray's: {missing}")
        for dim in ds.dims:
            if dim not in ds.coords:
                fail(f"{g}: dimension {dim} has no coordinate")
            elif dim not in want:
                fail(f"{g}: dimension {dim} is not one of the file's kinds")
        for name, coord in ds.coords.items():
            if name not in want:
                fail(f"{g}: unexpected coordinate {name}")
                continue
            got = coord.values.tolist()
            got = [v.decode() if isinstance(v, bytes) else v for v in got]
            if got != want[name]:
                fail(f"{g}: coordinate {name} is {got[:8]}, not {want[name][:8]}")
        if "region_codes" in ds.coords and ds["region_codes"].dims != ("regions",):
            fail(f"{g}: region_codes is not along regions")
        # a value by label: the last year, the last region, the largest quantile
        for k in names:
            v = ds[k]
            if not v.dims or v.dtype.kind not in "fi" or k in ds.coords:
                continue
            sel = {d: ds[d].values[-1] for d in v.dims if d in ("years", "quantiles", "path")}
            sel.update({d: ds[d].values[-1] for d in v.dims if d == "regions"})
            by_label = v.sel(sel).values
            index = tuple(-1 if d in sel else slice(None) for d in v.dims)
            if not np.array_equal(np.asarray(by_label), np.asarray(h5[k][()])[index],
                                  equal_nan=True):
                fail(f"{g}/{k}: the value at {sel} is not h5py's at {index}")
        return len(names)


def check_file(path, musts):
    seen, n = set(), 0
    with h5py.File(path, "r") as f:
        for g in groups(f):
            want = expected_coords(f, g)
            n += check_group(path, f, g, want) or 0
            try:
                with xr.open_dataset(path, engine="h5netcdf", group=g) as ds:
                    seen |= set(ds.dims)
            except Exception:  # noqa: BLE001: said by check_group
                pass
    for dim in musts:
        if dim not in seen:
            fail(f"{os.path.basename(path)}: no group has the dimension {dim}")
    print(f"{os.path.basename(path)}: {len(groups(h5py.File(path, 'r')))} groups, "
          f"{n} datasets, dimensions {sorted(seen)}")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run.h5")
        fundsim("run", os.path.join(SCEN, "two-pools.cfg"), "--paths", "16", "--deterministic",
                "-o", run)
        check_file(run, ["years", "regions", "quantiles", "levels", "path", "term"])
        part = os.path.join(tmp, "slice.h5")
        fundsim("run", os.path.join(SCEN, "two-pools.cfg"), "--paths", "16", "--paths-from", "8",
                "--paths-to", "16", "-o", part)
        check_file(part, ["path"])
        with h5py.File(part, "r") as f:
            if f["paths/path"][()].tolist() != list(range(8, 16)):
                fail(f"the slice's path numbers are {f['paths/path'][()].tolist()}")
        cmp = os.path.join(tmp, "compare.h5")
        fundsim("compare", os.path.join(SCEN, "minimal.cfg"), os.path.join(SCEN, "variant-cap.cfg"),
                "--paths", "16", "-o", cmp)
        check_file(cmp, ["years", "regions", "quantiles", "path"])
        with xr.open_dataset(cmp, engine="h5netcdf", group="/diff/variant-cap/summary") as d:
            if d.years.values[0] != 2022 or "419999" not in d.region_codes.values.tolist():
                fail("the comparison's summary lacks 2022 or the code 419999")
        sens = os.path.join(tmp, "sens.h5")
        fundsim("sensitivity", os.path.join(SCEN, "minimal.cfg"), "--paths", "16", "--only",
                "income_growth", "--variance", "-o", sens)
        check_file(sens, ["side", "bound", "order", "groups"])
    if failures:
        sys.exit(f"{len(failures)} failures")
    print("every group opens in xarray with its coordinates")


main()
