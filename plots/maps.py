"""maps.py: region x year heatmaps of the early warning and of depletion.

`warning_level_map` colours each region and year by the probability of the
worst levels, P(red) + P(orange) (/warning/p_level, named by /warning/levels),
on a scale of no warning colour, and writes the most likely level in the cell
as a word (红/橙/黄/绿/多): a region at P(depleted) 0.10 is not painted green,
nor one at 0.28 solid red. `depleted_map` shows the probability of depletion
(/warning/p_depleted, with the province's row when there are several regions);
`first_depletion_map` when depletion first happens (/depletion/p_first_year,
the median first year from /depletion/year_at_quantile, and /depletion/p_never
beside it). The warning colours (LEVEL_COLORS) mean the levels only. Rows are
regions, top to bottom in the file's order; the figure's height grows with the
number of regions so that 28 names stay apart.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.patches import Patch

from fan import DPI
from fundfile import texts

LEVEL_COLORS = {"red": "#d62728", "orange": "#ff8c1a", "yellow": "#f5d300",
                "green": "#2ca02c", "excess": "#7f9cbf"}
OTHER_LEVEL_COLOR = "#aaaaaa"
ROW_INCHES = 0.3


def map_size(regions, years, extra_inches=0.0):
    return (max(8.0, 3.5 + 0.32 * years + extra_inches), 3.0 + ROW_INCHES * regions)


# /warning/levels' names -> the term of the level, and of its one-word cell label
LEVEL_TERMS = {"red": "level_red", "orange": "level_orange", "yellow": "level_yellow",
               "green": "level_green", "excess": "level_surplus"}
WORST = ("red", "orange")
WARNING_CMAP = "Purples"  # the probability scales: no warning colour
DEPLETED_CMAP = "Blues"
FIRST_CMAP = "Greys"


def level_name(labels, name):
    """红色 / red: a level's name in the report's language."""
    return labels.t(LEVEL_TERMS[name]) if name in LEVEL_TERMS else name


def year_axis(ax, years, labels):
    """Every year's column, a label on few enough to stay apart."""
    step = math.ceil(len(years) / 15)
    ticks = range(0, len(years), step)
    ax.set_xticks(list(ticks), [str(years[i]) for i in ticks], fontsize=8)
    ax.set_xlabel(labels.t("year"))


def region_axis(ax, names, columns):
    ax.set_yticks(range(len(names)), names, fontsize=9)
    # Thin white lines between the cells, so that a row can be followed.
    ax.set_xticks([x + 0.5 for x in range(columns - 1)], minor=True)
    ax.set_yticks([y + 0.5 for y in range(len(names) - 1)], minor=True)
    ax.grid(which="minor", color="white", lw=0.6)
    ax.tick_params(which="minor", length=0)


def level_meanings(fund, labels):
    """What each level means, from the thresholds stored on /warning."""
    low, short, excess = (f"{float(fund.attr(k, 'nan', 'warning')):g}" for k in
                          ("insufficient_months", "low_months", "excess_months"))
    return {"red": labels.t("meaning_red"), "orange": labels.fmt("meaning_orange", low=low),
            "yellow": labels.fmt("meaning_between", low=low, high=short),
            "green": labels.fmt("meaning_between", low=short, high=excess),
            "excess": labels.fmt("meaning_excess", high=excess)}


def worst_probability(fund):
    """[year][region]: P(red) + P(orange), from /warning/p_level."""
    names = texts(fund.f["warning/levels"])
    p = fund.read("warning/p_level")
    return sum(p[..., names.index(n)] for n in WORST if n in names)


def warning_level_map(fund, labels, out_path):
    level = fund.read("warning/level")  # [year][region]
    names = texts(fund.f["warning/levels"])
    worst = worst_probability(fund).T  # [region][year]
    regions = fund.region_labels(labels)
    fig, ax = plt.subplots(figsize=map_size(len(regions), len(fund.years), 3.5), dpi=DPI,
                           layout="constrained")
    im = ax.imshow(worst, cmap=WARNING_CMAP, vmin=0.0, vmax=1.0, aspect="auto",
                   interpolation="nearest")
    size = 7 if len(fund.years) <= 32 else 5
    for g in range(worst.shape[0]):
        for y in range(worst.shape[1]):
            lv = int(level[y, g])
            word = labels.t(LEVEL_TERMS[names[lv]] + "_short") if lv < len(names) and \
                names[lv] in LEVEL_TERMS else "?"
            ax.text(y, g, word, ha="center", va="center", fontsize=size,
                    color="white" if worst[g, y] > 0.55 else "black")
    year_axis(ax, fund.years, labels)
    region_axis(ax, regions, len(fund.years))
    fig.colorbar(im, ax=ax, label=labels.t("axis_p_worst"), location="bottom", shrink=0.6,
                 fraction=0.05, aspect=40)
    meaning = level_meanings(fund, labels)
    # the legend says what the words mean; the cells' colour is the colour bar's
    ax.legend(handles=[Patch(facecolor="none", edgecolor="none",
                             label=f"{labels.t(LEVEL_TERMS[n] + '_short')} = "
                             f"{level_name(labels, n)}{labels.terms.colon()}{meaning.get(n, n)}")
                       for n in names if n in LEVEL_TERMS],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False,
              handlelength=0, handletextpad=0, title=labels.t("legend_cell_level"),
              title_fontsize=8, alignment="left")
    ax.set_title(labels.fmt("title_warning_map", paths=fund.attr("paths", "?")))
    fig.savefig(out_path)
    plt.close(fig)


def depleted_map(fund, labels, out_path):
    p = fund.read("warning/p_depleted").T  # [region][year]
    rows = fund.region_labels(labels)
    # the province's row, with several regions (with one it is the region's)
    if fund.has("warning/province_p_depleted") and len(fund.regions) > 1:
        p = np.vstack([p, fund.read("warning/province_p_depleted")[None, :]])
        rows.append(labels.province)
    fig, ax = plt.subplots(figsize=map_size(len(rows), len(fund.years), 1.2), dpi=DPI,
                           layout="constrained")
    im = ax.imshow(p, cmap=DEPLETED_CMAP, vmin=0.0, vmax=1.0, aspect="auto",
                   interpolation="nearest")
    if len(rows) > len(fund.regions):
        ax.axhline(len(fund.regions) - 0.5, color="black", lw=1.5)
    year_axis(ax, fund.years, labels)
    region_axis(ax, rows, len(fund.years))
    fig.colorbar(im, ax=ax, label=labels.t("axis_p_depleted"), shrink=0.8, fraction=0.04)
    ax.set_title(labels.t("title_depleted_map"))
    fig.savefig(out_path)
    plt.close(fig)


def first_depletion_map(fund, labels, out_path):
    first = fund.read("depletion/p_first_year")  # [region][year]
    never = fund.read("depletion/p_never")
    regions = fund.region_labels(labels)
    fig, (ax, bar) = plt.subplots(
        1, 2, figsize=map_size(len(regions), len(fund.years), 3.0), dpi=DPI, sharey=True,
        layout="constrained", gridspec_kw={"width_ratios": [max(len(fund.years), 4), 4]})
    top = max(float(first.max()), 0.01)
    im = ax.imshow(first, cmap=FIRST_CMAP, vmin=0.0, vmax=top, aspect="auto",
                   interpolation="nearest")
    year_axis(ax, fund.years, labels)
    region_axis(ax, regions, len(fund.years))
    median = fund.level_index(0.5)
    title = labels.t("title_first_depletion")
    if median is not None and fund.has("depletion/year_at_quantile"):
        year = fund.read("depletion/year_at_quantile")[:, median]
        rows = np.flatnonzero(year > 0)
        if rows.size:
            ax.plot(np.searchsorted(fund.years, year[rows]), rows, "o", color="white",
                    mec="black", ms=6)
            title += "\n" + labels.t("note_median_dot")
    fig.colorbar(im, ax=ax, label=labels.t("axis_p_first"), location="bottom",
                 shrink=0.6, fraction=0.05, aspect=40)
    bar.barh(range(len(regions)), never, color="#4a5568")
    for g, v in enumerate(never):
        bar.text(min(v, 1.0) + 0.02, g, f"{v:.0%}", va="center", fontsize=8)
    bar.set_xlim(0, 1.25)
    bar.set_xticks([0, 0.5, 1], ["0", "50 %", "100 %"], fontsize=8)
    bar.set_xlabel(labels.fmt("axis_p_never", year=fund.years[-1]))
    bar.tick_params(axis="y", which="both", length=0, labelleft=False)
    ax.set_title(title)
    fig.savefig(out_path)
    plt.close(fig)
