#!/usr/bin/python3
"""h5same.py: whether two fundsim files hold the same data, bit for bit.

Usage: tests/h5same.py A.h5 B.h5

Compares every group and dataset (names, shapes, types and every value's bytes)
and every attribute, except the root attribute `created` (the time of writing)
and the dimension-scale bookkeeping (REFERENCE_LIST, DIMENSION_LIST), whose
object references hold file addresses. Prints the first differences and exits 1,
or prints "same: N datasets" and exits 0.
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


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    problems = []
    with h5py.File(sys.argv[1], "r") as a, h5py.File(sys.argv[2], "r") as b:
        ia, ib = items(a), items(b)
        for name in sorted(set(ia) ^ set(ib)):
            problems.append(f"/{name}: only in {sys.argv[1] if name in ia else sys.argv[2]}")
        attrs_diff("/", a, b, problems)
        datasets = 0
        for name in sorted(set(ia) & set(ib)):
            x, y = ia[name], ib[name]
            attrs_diff("/" + name, x, y, problems)
            if isinstance(x, h5py.Dataset) != isinstance(y, h5py.Dataset):
                problems.append(f"/{name}: a dataset in one file, a group in the other")
            elif isinstance(x, h5py.Dataset):
                datasets += 1
                if x.dtype != y.dtype or x.shape != y.shape or not same_value(x[()], y[()]):
                    problems.append(f"/{name}: values differ")
    if problems:
        print("\n".join(problems[:20]))
        print(f"{len(problems)} differences")
        sys.exit(1)
    print(f"same: {datasets} datasets")


main()
