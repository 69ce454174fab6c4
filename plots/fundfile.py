"""fundfile.py: a fundsim HDF5 file as the charts read it.

`FundFile` opens the file, checks that it is fundsim's (it has /summary) and
holds what every chart needs: years, region names, the quantile levels. Its
`quantiles` answers "these levels of this variable, per region or for the
province" from the summaries, or, when the run did not keep a level, from the
per-path datasets (/paths/<var>, or /diff/<v>/<var> for a variant), computed
as fundsim does (linear interpolation between order statistics, GSL's
quantile_from_sorted_data). The layout is output/README.md's.
"""

from dataclasses import dataclass

import h5py
import numpy as np

YUAN_PER_1E8 = 1e8
MAX_MONTHS = 9999.0  # output/record.h: RECORD_MAX_MONTHS


class NotFundsimFile(Exception):
    """The file cannot be read, or it is not a fundsim output file."""


@dataclass(frozen=True)
class Source:
    """Where a scenario's (or a difference's) summaries and paths live."""

    summary: str  # "summary/" or "diff/<v>/summary/"
    paths: str  # "paths/" or "diff/<v>/"


BASE = Source("summary/", "paths/")
# The file's pooling attribute for merged pools, and the transfer line each
# province total leaves out there.
MERGED_POOLS = ("province", "city_merges")
NETTED = {"income": "adjustment_received", "expenditure": "adjustment_paid"}


def variant_source(variant):
    return Source(f"diff/{variant}/summary/", f"diff/{variant}/")


@dataclass
class Quantiles:
    """Quantiles of one variable: {level: array [year] or [year][region]}."""

    values: dict
    absent: list  # wanted levels that are not among the file's /quantiles
    from_paths: bool  # computed from the per-path datasets

    @property
    def missing(self):
        """Wanted levels neither the summaries nor the paths could give."""
        return [] if self.from_paths else [q for q in self.absent if self.get(q) is None]

    def only(self, region):
        """The same quantiles for one region (index into the last axis)."""
        return Quantiles({q: v[..., region] for q, v in self.values.items()}, self.absent,
                         self.from_paths)

    def get(self, level):
        return next((v for q, v in self.values.items() if np.isclose(q, level)), None)


def text(value):
    """An HDF5 string (str, bytes, or a one-element array of them) as str."""
    if isinstance(value, np.ndarray):
        value = value.reshape(-1)[0] if value.size else ""
    return value.decode("utf-8") if isinstance(value, bytes) else str(value)


def texts(dataset):
    return [text(v) for v in dataset[()]]


class FundFile:
    def __init__(self, path):
        try:
            self.f = h5py.File(path, "r")
        except (OSError, ValueError) as e:
            raise NotFundsimFile(f"cannot read {path}: {e}") from e
        if "summary" not in self.f or "years" not in self.f or "regions" not in self.f:
            self.f.close()
            raise NotFundsimFile(f"{path} is not a fundsim output file (no /summary)")
        self.path = path
        self.years = self.f["years"][()].astype(int)
        self.regions = texts(self.f["regions"])
        zh = texts(self.f["region_names_zh"]) if "region_names_zh" in self.f else []
        self.names_zh = zh if len(zh) == len(self.regions) else [""] * len(self.regions)
        self.levels = [float(q) for q in self.f["quantiles"][()]] if "quantiles" in self.f else []
        # a calibrated run's last actual year (history_end_year): its years up to it are
        # history, the projection (and every headline figure) starts at the next index
        self.history_end_year = int(self.f.attrs.get("history_end_year", 0))
        self.first = 0
        if self.history_end_year >= self.years[0]:
            self.first = min(self.history_end_year - int(self.years[0]) + 1, len(self.years) - 1)

    def close(self):
        self.f.close()

    def has(self, name):
        return name in self.f

    def read(self, name):
        return self.f[name][()]

    def attr(self, name, default="", obj="/"):
        node = self.f[obj]
        return text(node.attrs[name]) if name in node.attrs else default

    def variants(self):
        if "diff" not in self.f or "variants" not in self.f["diff"].attrs:
            return []
        return [text(v) for v in np.atleast_1d(self.f["diff"].attrs["variants"])]

    def region_labels(self, labels):
        return [labels.region(n, z) for n, z in zip(self.regions, self.names_zh)]

    def level_index(self, level):
        return next((i for i, q in enumerate(self.levels) if np.isclose(q, level)), None)

    def quantiles(self, var, wanted, province=False, source=BASE):
        """The `wanted` levels of `var`, from the summaries or the paths."""
        kept = [q for q in wanted if self.level_index(q) is not None]
        absent = [q for q in wanted if self.level_index(q) is None]
        name = source.summary + ("province/" if province else "") + var + "_quantiles"
        if not absent and name in self.f:
            data = self.f[name][()]
            return Quantiles({q: data[..., self.level_index(q)] for q in wanted}, [], False)
        per_path = self._per_path(var, province, source)
        if per_path is not None:
            return Quantiles(dict(zip(wanted, np.quantile(per_path, wanted, axis=0))), absent,
                             True)
        if name not in self.f:
            return Quantiles({}, list(wanted), False)
        data = self.f[name][()]
        return Quantiles({q: data[..., self.level_index(q)] for q in kept}, absent, False)

    def _per_path(self, var, province, source):
        """[path][year][region], or for the province [path][year]; None if not kept."""
        if source.paths + var not in self.f:
            return None
        if not province:
            return self.f[source.paths + var][()]
        if var in NETTED and source == BASE and self.attr("pooling") in MERGED_POOLS:
            # merged pools: the transfers between the province's own funds are
            # not its income or expenditure (output/README.md)
            transfer = source.paths + NETTED[var]
            if transfer not in self.f:
                return None
            return (self.f[source.paths + var][()] - self.f[transfer][()]).sum(axis=2)
        if var != "months":
            return self.f[source.paths + var][()].sum(axis=2)
        # The province's months: its summed balance over its summed benefits
        # (expenditure without what it pays into the adjustment fund).
        needed = [source.paths + v for v in ("balance", "expenditure", "adjustment_paid")]
        if not all(n in self.f for n in needed):
            return None
        balance, expenditure, paid = (self.f[n][()].sum(axis=2) for n in needed)
        benefits = expenditure - paid
        with np.errstate(divide="ignore", invalid="ignore"):
            months = np.where(benefits > 0, balance / (benefits / 12),
                              np.where(balance >= 0, MAX_MONTHS, -MAX_MONTHS))
        return np.clip(months, -MAX_MONTHS, MAX_MONTHS)
