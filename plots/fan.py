"""fan.py: fan charts, a quantity's median by year with its 50, 80 and 90 % bands.

`draw_fan` draws one panel from a {level: series} mapping (fundfile.Quantiles);
`province_fan` and `regions_fan` make the figures of the accumulated balance
and of the months of payment: one large chart for the province, and small
multiples (a grid, four panels a row, each with its own scale) for the regions.
A run with `--deterministic` adds its best-estimate path (/best_estimate) as a
dashed line. `shortfall_fan` draws the province's cumulative shortfall.
After depletion a balance falls without bound and would flatten the years
that matter: the balance and months charts stop `AFTER_DEPLETION` years past
the median depletion year (the first year P(depleted) reaches 1/2), and the
months of payment are not drawn below 0; the shortfall has its own chart.
Reference lines (0, and the orange warning's months) are drawn and named in
the legend. Bands the file cannot give are left out and the figure says which
levels are missing. Every word comes from the term table (labels.t).
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
AFTER_DEPLETION = 3  # years shown past the median depletion year
BEST_COLOR = "#1a202c"  # not a warning colour


def draw_fan(ax, years, q, labels, scale=1.0, floor=None):
    """Bands and median of q (fundfile.Quantiles) for one series, the first len(years)
    years, not below `floor` when given; returns legend handles."""
    n = len(years)

    def cut(v):
        v = np.asarray(v[:n], dtype=float) / scale
        return v if floor is None else np.maximum(v, floor)

    handles = []
    for low, high, name, alpha in BANDS:
        lo, hi = q.get(low), q.get(high)
        if lo is None or hi is None:
            continue
        ax.fill_between(years, cut(lo), cut(hi), color=BAND_COLOR, alpha=alpha, lw=0)
        handles.append(Patch(color=BAND_COLOR, alpha=alpha, label=labels.fmt("band", name=name)))
    median = q.get(0.5)
    if median is not None:
        handles += ax.plot(years, cut(median), color="#1a365d", lw=1.8, label=labels.t("median"))
    return handles


def median_depletion(fund, region=None):
    """Index of the first projection year the province's (or a region's) P(depleted)
    reaches 1/2, or None."""
    if region is None:
        name = "warning/province_p_depleted"
        if not fund.has(name):
            return None
        p = fund.read(name)
    else:
        p = fund.read("warning/p_depleted")[:, region]
    reached = np.flatnonzero(p[fund.first:] >= 0.5)
    return int(reached[0]) + fund.first if reached.size else None


def shown(fund, region=None):
    """(number of years to draw, the median depletion year or None): every year, or up
    to AFTER_DEPLETION years past the median depletion."""
    d = median_depletion(fund, region)
    if d is None or d + AFTER_DEPLETION >= len(fund.years) - 1:
        return len(fund.years), None
    return d + AFTER_DEPLETION + 1, int(fund.years[d])


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


def draw_best_estimate(ax, years, series, labels, scale=1.0, floor=None):
    """The best-estimate path as a dashed line (its first len(years) years); returns its
    legend handle."""
    if series is None:
        return []
    y = np.asarray(series[:len(years)], dtype=float) / scale
    if floor is not None:
        y = np.maximum(y, floor)
    return ax.plot(years, y, color=BEST_COLOR, ls="--", lw=1.5, label=labels.t("best_estimate"))


def draw_history(ax, fund, labels):
    """A calibrated run's history years (up to history_end_year) as a grey span; returns
    its legend handle (none without history)."""
    if not fund.first:
        return []
    ax.axvspan(fund.years[0] - 0.5, fund.years[fund.first] - 0.5, color="#cccccc", alpha=0.35,
               lw=0, zorder=0)
    return [Patch(color="#cccccc", alpha=0.35,
                  label=labels.fmt("history_years", year=fund.history_end_year))]


def draw_lines(ax, lines):
    """Horizontal reference lines [(y, label, color, style)]; returns legend handles."""
    return [ax.axhline(y, color=color, ls=style, lw=1.1, label=label, zorder=1)
            for y, label, color, style in lines]


def clip_limits(ax, q, lines, n):
    """Keeps the months' clamp value (9999: no benefits paid) out of the scale; from 0 up
    (the first n years)."""
    data = np.concatenate([np.ravel(v[:n]) for v in q.values.values()]
                          + [[y for y, *_ in lines]])
    data = data[np.abs(data) < MAX_MONTHS]
    hi = max(float(data.max()), 1.0)
    ax.set_ylim(0.0, 1.05 * hi)


def missing_note(q, labels):
    """What the chart lacks, or where its levels came from, when not the summaries."""
    if q.missing:
        return labels.fmt("note_levels_missing",
                          levels=", ".join(f"{m:g}" for m in q.missing))
    if q.from_paths and q.absent:
        return labels.fmt("note_levels_from_paths", levels=", ".join(f"{m:g}" for m in q.absent))
    return labels.t("note_from_paths") if q.from_paths else ""


def quantity(fund, var, labels):
    """(title word, axis label, divisor, reference lines, floor) of balance or months."""
    zero = (0.0, labels.t("line_depleted_below"), "#c53030", "-")
    if var == "balance":
        return (labels.t("balance"), labels.fmt("axis_balance", unit=labels.money),
                YUAN_PER_1E8, [zero], None)
    low = float(fund.attr("insufficient_months", "3", "warning") or 3)
    return (labels.t("months_payable"), labels.t("axis_months"), 1.0,
            [(low, labels.fmt("line_orange_months", months=f"{low:g}"), "#dd6b20", "--")], 0.0)


def window_note(labels, year):
    return labels.fmt("note_shown_to", n=AFTER_DEPLETION, year=year) if year else ""


def province_fan(fund, var, labels, out_path):
    title, ylabel, scale, lines, floor = quantity(fund, var, labels)
    q = fund.quantiles(var, LEVELS, province=True)
    n, depleted = shown(fund)
    years = fund.years[:n]
    fig, ax = plt.subplots(figsize=(12, 6.5), dpi=DPI)
    handles = (draw_fan(ax, years, q, labels, scale, floor) + draw_lines(ax, lines)
               + draw_history(ax, fund, labels))
    handles += draw_best_estimate(ax, years, best_estimate(fund, var), labels, scale, floor)
    if var == "months":
        clip_limits(ax, q, lines, n)
    note = missing_note(q, labels)
    extra = [x for x in (window_note(labels, depleted), note) if x]
    ax.set_title(labels.fmt("title_fan", what=title, area=labels.area(fund),
                            paths=fund.attr("paths", "?"))
                 + "".join(f"\n({x})" if not labels.zh else f"\n（{x}）" for x in extra))
    ax.set_xlabel(labels.t("year"))
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="best", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
    return note


def regions_fan(fund, var, labels, out_path):
    title, ylabel, scale, lines, floor = quantity(fund, var, labels)
    q = fund.quantiles(var, LEVELS)
    names = fund.region_labels(labels)
    n = len(names)
    cols = min(4, n)
    rows = math.ceil(n / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(max(8.0, 4.0 * cols), 2.4 * rows + 1.4),
                             dpi=DPI, squeeze=False)
    handles = []
    cut = False
    for g, ax in enumerate(axes.flat):
        if g >= n:
            ax.set_visible(False)
            continue
        region_q = q.only(g)
        shown_n, depleted = shown(fund, g)
        cut |= depleted is not None
        years = fund.years[:shown_n]
        handles = (draw_fan(ax, years, region_q, labels, scale, floor) + draw_lines(ax, lines)
                   + draw_history(ax, fund, labels)
                   + draw_best_estimate(ax, years, best_estimate(fund, var, g), labels, scale,
                                        floor))
        if var == "months":
            clip_limits(ax, region_q, lines, shown_n)
        ax.set_title(names[g], fontsize=10)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
    note = missing_note(q, labels)
    lines_of_title = [labels.fmt("title_regions_fan", what=title),
                      labels.fmt("own_scale", axis=ylabel)]
    lines_of_title += [labels.fmt("note_each_shown_to", n=AFTER_DEPLETION)] if cut else []
    lines_of_title += [f"({note})"] if note else []
    height = fig.get_figheight()
    fig.suptitle("\n".join(lines_of_title), fontsize=12, y=1 - 0.1 / height, va="top")
    # as many legend entries a row as the figure's width holds (about 2.6 inches each)
    ncol = max(1, min(len(handles), int(fig.get_figwidth() / 2.6)))
    legend_rows = math.ceil(len(handles) / ncol)
    fig.legend(handles=handles, loc="lower center", ncol=ncol, fontsize=9, frameon=False)
    # the suptitle makes its own room
    fig.tight_layout(rect=(0, (0.1 + 0.25 * legend_rows) / height, 1, 1))
    fig.savefig(out_path)
    plt.close(fig)
    return note


def shortfall_fan(fund, labels, out_path):
    """The province's cumulative shortfall (累计缺口): the negative balance carried, or the
    backstops paid so far; no chart when it is 0 in every path."""
    q = fund.quantiles("shortfall", LEVELS, province=True)
    if not q.values or all(not np.any(v) for v in q.values.values()):
        return Skip(labels.t("note_no_shortfall"))
    fig, ax = plt.subplots(figsize=(12, 6), dpi=DPI)
    handles = draw_fan(ax, fund.years, q, labels, YUAN_PER_1E8) + draw_history(ax, fund, labels)
    note = missing_note(q, labels)
    ax.set_title(labels.fmt("title_fan", what=labels.t("shortfall"), area=labels.area(fund),
                            paths=fund.attr("paths", "?"))
                 + (f"\n({note})" if note else ""))
    ax.set_xlabel(labels.t("year"))
    ax.set_ylabel(labels.fmt("axis_shortfall", unit=labels.money))
    ax.set_ylim(bottom=0)
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="upper left", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
    return note


class Skip(str):
    """A draw function's answer when the chart has nothing to show: why."""


def per_enrollee_chart(fund, labels, path):
    """Income (financing) and expenditure per enrollee of the province: median and bands
    of each, on one chart, so that the gap the assumptions make is seen."""
    fig, ax = plt.subplots(figsize=(9, 4.8), dpi=DPI)
    years = fund.years
    handles = []
    for name, color, label in (("income_per_enrollee", "#2b6cb0", labels.t("income_per_enrollee")),
                               ("expenditure_per_enrollee", "#6b46c1",
                                labels.t("expenditure_per_enrollee_line"))):
        data = fund.read(f"summary/national/{name}_quantiles")
        lo, hi, mid = (fund.level_index(q) for q in (0.05, 0.95, 0.5))
        if lo is not None and hi is not None:
            ax.fill_between(years, data[:, lo], data[:, hi], color=color, alpha=0.2, lw=0)
        if mid is not None:
            handles += ax.plot(years, data[:, mid], color=color, lw=1.8,
                               label=labels.fmt("median_and_90", what=label))
    end = fund.attr("rules_end_year", "")
    if end:
        handles.append(ax.axvline(int(end), color="#718096", ls=":", lw=1.1,
                                  label=labels.fmt("last_dated_rule", year=end)))
    ax.set_ylabel(labels.t("axis_per_enrollee"))
    ax.set_title(labels.fmt("title_per_enrollee", area=labels.area(fund)))
    ax.legend(handles=handles, loc="upper left", fontsize=8)
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return None
