#!/usr/bin/python3
"""h5same.py: whether two fundsim files hold the same data, bit for bit.

Usage: tests/h5same.py [--rtol X] A.h5 B.h5 [NAME...]

Compares every group and dataset (names, shapes, types and every value's bytes)
and every attribute, except the root attribute `created` (the time of writing)
and the dimension-scale bookkeeping (REFERENCE_LIST, DIMENSION_LIST), whose
object references hold file addresses. Prints the first differences and exits 1,
or prints "same: N datasets" and exits 0.

With --rtol X, floating-point datasets may differ in value: it prints each
such dataset's largest relative difference |a - b| / max(|a|, |b|) (0 where
both are 0; the element's index with it), and the datasets and attributes
must otherwise be the same; it exits 0 when every largest difference is at
most X ("within X: N datasets, largest D"). Beside it, the largest
difference relative to the dataset's largest magnitude ("of scale"), the
figure for lines that cross zero (a balance, a surplus). Default: bit for bit.

Names after the files compare only the datasets whose paths start with one of
them (e.g. /paths/fund_ /paths/serious_claims).
"""
import sys

import h5py
import numpy as np

SKIP_ATTRS = {"REFERENCE_LIST", "DIMENSION_LIST"}


def items(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__(name, obj))
    return out


def same_value(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype.kind != b.dtype.kind:
        return False
    if a.dtype.kind in "fiu":
        return a.dtype == b.dtype and a.tobytes() == b.tobytes()
    return a.tolist() == b.tolist()


def attrs_diff(name, x, y, problems):
    keys = (set(x.attrs) | set(y.attrs)) - SKIP_ATTRS
    if name == "/":
        keys.discard("created")
    for k in sorted(keys):
        if k not in x.attrs or k not in y.attrs:
            problems.append(f"{name}: attribute {k} only in one file")
        elif not same_value(x.attrs[k], y.attrs[k]):
            problems.append(f"{name}: attribute {k} differs")


def rel_diff(a, b):
    """The largest relative difference of two float arrays and its index."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    scale = np.maximum(np.abs(a), np.abs(b))
    with np.errstate(invalid="ignore", divide="ignore"):
        r = np.where(a == b, 0.0, np.abs(a - b) / scale)
    r = np.where(np.isnan(a) & np.isnan(b), 0.0, r)
    r = np.where(np.isnan(r), np.inf, r)
    if r.size == 0:
        return 0.0, ()
    i = np.unravel_index(np.argmax(r), r.shape)
    return float(r[i]), tuple(int(k) for k in i)


def main():
    args = sys.argv[1:]
    rtol = None
    if len(args) >= 4 and args[0] == "--rtol":
        try:
            rtol = float(args[1])
        except ValueError:
            sys.exit(__doc__)
        args = args[2:]
    if len(args) < 2 or (rtol is not None and not rtol >= 0):
        sys.exit(__doc__)
    names = [n.lstrip("/") for n in args[2:]]
    sys.argv[1:] = args[:2]
    problems = []
    largest = 0.0
    with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
        ia, ib = items(a), items(b)
        if names:
            keep = lambda n: any(n.startswith(p) for p in names)
            ia = {n: v for n, v in ia.items() if keep(n)}
            ib = {n: v for n, v in ib.items() if keep(n)}
        for name in sorted(set(ia) ^ set(ib)):
            problems.append(f"/{name}: only in {sys.argv[1] if name in ia else sys.argv[2]}")
        if not names:
            attrs_diff("/", a, b, problems)
        datasets = 0
        for name in sorted(set(ia) & set(ib)):
            x, y = ia[name], ib[name]
            attrs_diff("/" + name, x, y, problems)
            if isinstance(x, h5py.Dataset) != isinstance(y, h5py.Dataset):
                problems.append(f"/{name}: a dataset in one file, a group in the other")
            elif isinstance(x, h5py.Dataset):
                datasets += 1
                if x.dtype != y.dtype or x.shape != y.shape:
                    problems.append(f"/{name}: values differ")
                elif not same_value(x[()], y[()]):
                    if rtol is None or x.dtype.kind != "f":
                        problems.append(f"/{name}: values differ")
                        continue
                    d, at = rel_diff(x[()], y[()])
                    largest = max(largest, d)
                    xa, ya = np.asarray(x[()], np.float64), np.asarray(y[()], np.float64)
                    top = np.nanmax(np.abs(xa)) if xa.size else 0.0
                    of_scale = np.nanmax(np.abs(xa - ya)) / top if top > 0 else 0.0
                    print(f"/{name}: largest relative difference {d:.3g} at {list(at)}"
                          f" ({of_scale:.3g} of scale)")
                    if not d <= rtol:
                        problems.append(f"/{name}: {d:.3g} > {rtol:g}")
    if problems:
        print("\n".join(problems[:20]))
        print(f"{len(problems)} differences")
        sys.exit(1)
    if rtol is None:
        print(f"same: {datasets} datasets")
    else:
        print(f"within {rtol:g}: {datasets} datasets, largest {largest:.3g}")


main()
