"""fan.py: fan charts, a quantity's median by year with its 50, 80 and 90 % bands.

`draw_fan` draws one panel from a {level: series} mapping (fundfile.Quantiles);
`province_fan` and `regions_fan` make the figures of the accumulated balance
and of the months of payment: one large chart for the province, and small
multiples (a grid, four panels a row, each with its own scale) for the regions.
A run with `--deterministic` adds its best-estimate path (/best_estimate) as a
dashed line.
Reference lines (0, and 3 months) are drawn and named in the legend. Bands the
file cannot give are left out and the figure says which levels are missing.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from fundfile import MAX_MONTHS, YUAN_PER_1E8

BAND_COLOR = "#2b6cb0"
# (low, high, name, opacity): the widest band first, drawn underneath.
BANDS = ((0.05, 0.95, "90 %", 0.18), (0.10, 0.90, "80 %", 0.28), (0.25, 0.75, "50 %", 0.45))
LEVELS = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
DPI = 100


def draw_fan(ax, years, q, scale=1.0):
    """Bands and median of q (fundfile.Quantiles) for one series; returns legend handles."""
    handles = []
    for low, high, name, alpha in BANDS:
        lo, hi = q.get(low), q.get(high)
        if lo is None or hi is None:
            continue
        ax.fill_between(years, lo / scale, hi / scale, color=BAND_COLOR, alpha=alpha, lw=0)
        handles.append(Patch(color=BAND_COLOR, alpha=alpha, label=f"{name} band"))
    median = q.get(0.5)
    if median is not None:
        handles += ax.plot(years, median / scale, color="#1a365d", lw=1.8, label="median")
    return handles


def best_estimate(fund, var, region=None):
    """The run's best-estimate path of var (`fundsim run --deterministic`, /best_estimate):
    the province's balance, or a region's balance or months; None when absent."""
    if region is None:
        name = "best_estimate/province/balance" if var == "balance" else None
    else:
        name = f"best_estimate/{var}"
    if name is None or not fund.has(name):
        return None
    data = fund.read(name)
    return data if region is None else data[:, region]


def draw_best_estimate(ax, years, series, scale=1.0):
    """The best-estimate path as a dashed line; returns its legend handle."""
    if series is None:
        return []
    return ax.plot(years, series / scale, color="#9b2c2c", ls="--", lw=1.5,
                   label="best estimate (every driver at its expected value)")


def draw_history(ax, fund):
    """A calibrated run's history years (up to history_end_year) as a grey span; returns
    its legend handle (none without history)."""
    if not fund.first:
        return []
    ax.axvspan(fund.years[0] - 0.5, fund.years[fund.first] - 0.5, color="#cccccc", alpha=0.35,
               lw=0, zorder=0)
    return [Patch(color="#cccccc", alpha=0.35,
                  label=f"history (to {fund.history_end_year})")]


def draw_lines(ax, lines):
    """Horizontal reference lines [(y, label, color, style)]; returns legend handles."""
    return [ax.axhline(y, color=color, ls=style, lw=1.1, label=label, zorder=1)
            for y, label, color, style in lines]


def clip_limits(ax, q, lines):
    """Keeps the months' clamp value (±9999: no benefits paid) out of the scale."""
    data = np.concatenate([np.ravel(v) for v in q.values.values()] + [[y for y, *_ in lines]])
    data = data[np.abs(data) < MAX_MONTHS]
    lo, hi = data.min(), data.max()
    pad = 0.05 * (hi - lo or 1.0)
    ax.set_ylim(lo - pad, hi + pad)


def missing_note(q):
    """What the chart lacks, or where its levels came from, when not the summaries."""
    if q.missing:
        return "levels not in the file: " + ", ".join(f"{m:g}" for m in q.missing)
    if q.from_paths and q.absent:
        return ("levels " + ", ".join(f"{m:g}" for m in q.absent)
                + " computed from the per-path datasets")
    return "computed from the per-path datasets" if q.from_paths else ""


def quantity(var, labels):
    """(title word, axis label, divisor, reference lines) of balance or months."""
    if var == "balance":
        return ("Accumulated balance", f"balance at year end, {labels.money}", YUAN_PER_1E8,
                [(0.0, "0 (depleted below)", "#c53030", "-")])
    return ("Months of payment", "months (balance / average monthly benefits)", 1.0,
            [(3.0, "3 months (orange warning below)", "#dd6b20", "--"),
             (0.0, "0 (depleted below)", "#c53030", "-")])


def province_fan(fund, var, labels, out_path):
    title, ylabel, scale, lines = quantity(var, labels)
    q = fund.quantiles(var, LEVELS, province=True)
    fig, ax = plt.subplots(figsize=(12, 6.5), dpi=DPI)
    handles = draw_fan(ax, fund.years, q, scale) + draw_lines(ax, lines) + draw_history(ax, fund)
    handles += draw_best_estimate(ax, fund.years, best_estimate(fund, var), scale)
    if var == "months":
        clip_limits(ax, q, lines)
    note = missing_note(q)
    ax.set_title(f"{title}, {labels.province}: median and bands across "
                 f"{fund.attr('paths', '?')} paths" + (f"\n({note})" if note else ""))
    ax.set_xlabel("year")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="best", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
    return note


def regions_fan(fund, var, labels, out_path):
    title, ylabel, scale, lines = quantity(var, labels)
    q = fund.quantiles(var, LEVELS)
    names = fund.region_labels(labels)
    n = len(names)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(max(8.0, 4.0 * cols), 2.4 * rows + 1.4),
                             dpi=DPI, squeeze=False)
    handles = []
    for g, ax in enumerate(axes.flat):
        if g >= n:
            ax.set_visible(False)
            continue
        region_q = q.only(g)
        handles = (draw_fan(ax, fund.years, region_q, scale) + draw_lines(ax, lines)
                   + draw_history(ax, fund)
                   + draw_best_estimate(ax, fund.years, best_estimate(fund, var, g), scale))
        if var == "months":
            clip_limits(ax, region_q, lines)
        ax.set_title(names[g], fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    note = missing_note(q)
    lines_of_title = [f"{title} by region and year", f"{ylabel}; each panel its own scale"]
    lines_of_title += [f"({note})"] if note else []
    height = fig.get_figheight()
    fig.suptitle("\n".join(lines_of_title), fontsize=12, y=1 - 0.1 / height, va="top")
    fig.legend(handles=handles, loc="lower center", ncol=len(handles), fontsize=9,
               frameon=False)
    fig.tight_layout(rect=(0, 0.35 / height, 1, 1))  # the suptitle makes its own room
    fig.savefig(out_path)
    plt.close(fig)
    return note


def per_enrollee_chart(fund, labels, path):
    """Income (financing) and expenditure per enrollee of the province: median and bands
    of each, on one chart, so that the gap the assumptions make is seen."""
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=DPI)
    years = fund.years
    handles = []
    for name, color, label in (("income_per_enrollee", "#2f855a", "income per enrollee"),
                               ("expenditure_per_enrollee", "#c05621",
                                "expenditure per enrollee")):
        data = fund.read(f"summary/national/{name}_quantiles")
        lo, hi, mid = (fund.level_index(q) for q in (0.05, 0.95, 0.5))
        if lo is not None and hi is not None:
            ax.fill_between(years, data[:, lo], data[:, hi], color=color, alpha=0.2, lw=0)
        if mid is not None:
            handles += ax.plot(years, data[:, mid], color=color, lw=1.8,
                               label=f"{label}: median, 90 % band")
    end = fund.attr("rules_end_year", "")
    if end:
        handles.append(ax.axvline(int(end), color="#718096", ls=":", lw=1.1,
                                  label=f"last dated financing rule ({end})"))
    ax.set_ylabel("yuan per enrollee and year")
    ax.set_title(f"Financing and expenditure per enrollee, {labels.province}")
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return None
