"""maps.py: region x year heatmaps of the early warning and of depletion.

`warning_level_map` colours each region and year by its most likely warning
level (/warning/level, named by /warning/levels); `depleted_map` by the
probability of depletion (/warning/p_depleted, with the province's row);
`first_depletion_map` shows when depletion first happens (/depletion/
p_first_year, the median first year from /depletion/year_at_quantile, and
/depletion/p_never beside it). Rows are regions, top to bottom in the file's
order; the figure's height grows with the number of regions so that 28 names
stay apart.
"""

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.colors import BoundaryNorm, ListedColormap
from matplotlib.patches import Patch

from fan import DPI
from fundfile import texts

LEVEL_COLORS = {"red": "#d62728", "orange": "#ff8c1a", "yellow": "#f5d300",
                "green": "#2ca02c", "excess": "#7f9cbf"}
OTHER_LEVEL_COLOR = "#aaaaaa"
ROW_INCHES = 0.3


def map_size(regions, years, extra_inches=0.0):
    return (max(8.0, 3.5 + 0.32 * years + extra_inches), 3.0 + ROW_INCHES * regions)


def year_axis(ax, years):
    """Every year's column, a label on few enough to stay apart."""
    step = math.ceil(len(years) / 15)
    ticks = range(0, len(years), step)
    ax.set_xticks(list(ticks), [str(years[i]) for i in ticks], fontsize=8)
    ax.set_xlabel("year")


def region_axis(ax, names, columns):
    ax.set_yticks(range(len(names)), names, fontsize=9)
    # Thin white lines between the cells, so that a row can be followed.
    ax.set_xticks([x + 0.5 for x in range(columns - 1)], minor=True)
    ax.set_yticks([y + 0.5 for y in range(len(names) - 1)], minor=True)
    ax.grid(which="minor", color="white", lw=0.6)
    ax.tick_params(which="minor", length=0)


def level_meanings(fund):
    """What each level means, from the thresholds stored on /warning."""
    low, short, excess = (f"{float(fund.attr(k, 'nan', 'warning')):g}" for k in
                          ("insufficient_months", "low_months", "excess_months"))
    return {"red": "depleted (balance < 0)", "orange": f"< {low} months",
            "yellow": f"{low}-{short} months", "green": f"{short}-{excess} months",
            "excess": f"> {excess} months (excess balance)"}


def warning_level_map(fund, labels, out_path):
    level = fund.read("warning/level")  # [year][region]
    names = texts(fund.f["warning/levels"])
    colors = [LEVEL_COLORS.get(n, OTHER_LEVEL_COLOR) for n in names]
    regions = fund.region_labels(labels)
    fig, ax = plt.subplots(figsize=map_size(len(regions), len(fund.years), 2.5), dpi=DPI,
                           layout="constrained")
    ax.imshow(level.T, cmap=ListedColormap(colors),
              norm=BoundaryNorm(np.arange(len(names) + 1) - 0.5, len(names)),
              aspect="auto", interpolation="nearest")
    year_axis(ax, fund.years)
    region_axis(ax, regions, len(fund.years))
    meaning = level_meanings(fund)
    ax.legend(handles=[Patch(color=c, label=f"{n}: {meaning.get(n, n)}")
                       for n, c in zip(names, colors)],
              loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=9, frameon=False,
              title="level", title_fontsize=9, alignment="left")
    ax.set_title("Early warning: the most likely level by region and year "
                 f"(across {fund.attr('paths', '?')} paths)")
    fig.savefig(out_path)
    plt.close(fig)


def depleted_map(fund, labels, out_path):
    p = fund.read("warning/p_depleted").T  # [region][year]
    rows = fund.region_labels(labels)
    if fund.has("warning/province_p_depleted"):
        p = np.vstack([p, fund.read("warning/province_p_depleted")[None, :]])
        rows.append(labels.province)
    fig, ax = plt.subplots(figsize=map_size(len(rows), len(fund.years), 1.2), dpi=DPI,
                           layout="constrained")
    im = ax.imshow(p, cmap="YlOrRd", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest")
    if len(rows) > len(fund.regions):
        ax.axhline(len(fund.regions) - 0.5, color="black", lw=1.5)
    year_axis(ax, fund.years)
    region_axis(ax, rows, len(fund.years))
    fig.colorbar(im, ax=ax, label="P(balance < 0 at the end of the year)", shrink=0.8,
                 fraction=0.04)
    ax.set_title("Probability of depletion by region and year")
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
    im = ax.imshow(first, cmap="Purples", vmin=0.0, vmax=top, aspect="auto",
                   interpolation="nearest")
    year_axis(ax, fund.years)
    region_axis(ax, regions, len(fund.years))
    median = fund.level_index(0.5)
    title = "When the balance first falls below 0: probability by region and year"
    if median is not None and fund.has("depletion/year_at_quantile"):
        year = fund.read("depletion/year_at_quantile")[:, median]
        rows = np.flatnonzero(year > 0)
        if rows.size:
            ax.plot(np.searchsorted(fund.years, year[rows]), rows, "o", color="#f6ad55",
                    mec="black", ms=6)
            title += "\n(dots: the median first depletion year)"
    fig.colorbar(im, ax=ax, label="P(first depleted in that year)", location="bottom",
                 shrink=0.6, fraction=0.05, aspect=40)
    bar.barh(range(len(regions)), never, color="#4a5568")
    for g, v in enumerate(never):
        bar.text(min(v, 1.0) + 0.02, g, f"{v:.0%}", va="center", fontsize=8)
    bar.set_xlim(0, 1.25)
    bar.set_xticks([0, 0.5, 1], ["0", "50 %", "100 %"], fontsize=8)
    bar.set_xlabel(f"P(never, to {fund.years[-1]})")
    bar.tick_params(axis="y", which="both", length=0, labelleft=False)
    ax.set_title(title)
    fig.savefig(out_path)
    plt.close(fig)
