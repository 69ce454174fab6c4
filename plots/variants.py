"""variants.py: charts of a policy variant against its base (`fundsim compare`).

For each variant listed in /diff's `variants`, on common random numbers:
`difference_fan`, the fan chart of the province's balance difference variant -
base (/diff/<v>/summary/province/balance_quantiles) with the mean difference
and its 95 % confidence interval; `depletion_change`, the change in the
province's probability of depletion by year (/diff/<v>/warning/
province_delta_p_depleted) with its 95 % interval. For a variant that moves
money between funds (merged pools: pooling.mode = "province", pooling.merges),
`transfers_map`, each region's mean net transfer by year (what the fund it
pools with pays for it beyond its own income, less what it pays in:
/diff/<v>/summary/adjustment_received_mean - adjustment_paid_mean), and
`some_fund_depleted`, the probability that some fund is depleted, base and
variant, with the province's (/diff/<v>/warning/p_any_depleted_*).
"""

import re

import matplotlib.pyplot as plt
import numpy as np

from fan import DPI, LEVELS, draw_fan, draw_lines, missing_note
from fundfile import YUAN_PER_1E8, variant_source
from maps import map_size, region_axis, year_axis


def file_stem(index, variant):
    """A file name part for the variant: its position and its name, safe on any disk."""
    return f"variant{index + 1}-" + re.sub(r"[^A-Za-z0-9_-]+", "_", variant)


def has_cjk(s):
    return any("\u4e00" <= c <= "\u9fff" for c in s)


def subtitle(fund, variant, labels):
    """The variant's description (the scenario's own words): in a Chinese report only when
    it is written in Chinese."""
    description = fund.attr("description", "", f"diff/{variant}")
    if labels.zh and not has_cjk(description):
        return ""
    return f"\n{description}" if description else ""


def difference_fan(fund, variant, labels, out_path):
    src = variant_source(variant)
    q = fund.quantiles("balance", LEVELS, province=True, source=src)
    fig, ax = plt.subplots(figsize=(12, 6.5), dpi=DPI)
    handles = draw_fan(ax, fund.years, q, labels, YUAN_PER_1E8)
    mean_name = src.summary + "province/balance_mean"
    if fund.has(mean_name):
        handles += ax.plot(fund.years, fund.read(mean_name) / YUAN_PER_1E8, color="black",
                           ls="--", lw=1.4, label=labels.t("mean"))
    low, high = (src.summary + "province/balance_ci_" + s for s in ("low", "high"))
    if fund.has(low) and fund.has(high):
        handles.append(ax.fill_between(fund.years, fund.read(low) / YUAN_PER_1E8,
                                       fund.read(high) / YUAN_PER_1E8, facecolor="none",
                                       edgecolor="black", hatch="////", lw=0.6,
                                       label=labels.t("ci_of_mean")))
    handles += draw_lines(ax, [(0.0, labels.t("line_no_difference"), "#1a202c", "-")])
    note = missing_note(q, labels)
    ax.set_title(labels.fmt("title_variant_balance", variant=variant, area=labels.area(fund))
                 + subtitle(fund, variant, labels) + (f" ({note})" if note else ""))
    ax.set_xlabel(labels.t("year"))
    ax.set_ylabel(labels.fmt("axis_balance_difference", unit=labels.money))
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="best", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
    return note


def depletion_change(fund, variant, labels, out_path):
    name = f"diff/{variant}/warning/province_delta_p_depleted"
    points = 100.0  # probability to percentage points
    fig, ax = plt.subplots(figsize=(12, 5.5), dpi=DPI)
    handles = []
    if fund.has(name + "_ci_low") and fund.has(name + "_ci_high"):
        handles.append(ax.fill_between(fund.years, fund.read(name + "_ci_low") * points,
                                       fund.read(name + "_ci_high") * points,
                                       color="#9f7aea", alpha=0.3, lw=0, label=labels.t("ci95")))
    handles += ax.plot(fund.years, fund.read(name) * points, color="#553c9a", lw=1.8,
                       marker="o", ms=3, label=labels.t("change_p_depleted"))
    handles += draw_lines(ax, [(0.0, labels.t("line_no_change"), "black", "-")])
    ax.set_title(labels.fmt("title_variant_depletion", variant=variant, area=labels.area(fund))
                 + subtitle(fund, variant, labels))
    ax.set_xlabel(labels.t("year"))
    ax.set_ylabel(labels.t("axis_change_points"))
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="best", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)


def net_transfer(fund, variant):
    """[year][region]: the mean of received - paid (variant - base), yuan."""
    src = variant_source(variant).summary
    return fund.read(src + "adjustment_received_mean") - fund.read(src + "adjustment_paid_mean")


def has_transfers(fund, variant):
    """Whether the variant moves money between funds (the transfer charts apply)."""
    src = variant_source(variant).summary
    needed = [src + "adjustment_received_mean", src + "adjustment_paid_mean",
              f"diff/{variant}/warning/p_any_depleted_base"]
    return all(fund.has(n) for n in needed) and bool(np.any(net_transfer(fund, variant) != 0))


def transfers_map(fund, variant, labels, out_path):
    net = net_transfer(fund, variant).T / YUAN_PER_1E8  # [region][year]
    regions = fund.region_labels(labels)
    # The row of a pooled fund's host mirrors all its members, and the year a
    # region joins carries its balance: the colours saturate at the 90th
    # percentile of the non-zero cells, so that the members' own years show.
    moved = np.abs(net[net != 0])
    top = max(float(np.percentile(moved, 90)) if moved.size else 0.0, 1e-9)
    fig, ax = plt.subplots(figsize=map_size(len(regions), len(fund.years), 1.2), dpi=DPI,
                           layout="constrained")
    im = ax.imshow(net, cmap="BrBG", vmin=-top, vmax=top, aspect="auto",
                   interpolation="nearest")
    year_axis(ax, fund.years, labels)
    region_axis(ax, regions, len(fund.years))
    fig.colorbar(im, ax=ax, shrink=0.8, fraction=0.04, extend="both",
                 label=labels.fmt("axis_net_transfer", unit=labels.money))
    ax.set_title(labels.fmt("title_transfers", variant=variant) + subtitle(fund, variant, labels))
    fig.savefig(out_path)
    plt.close(fig)


def some_fund_depleted(fund, variant, labels, out_path):
    w = f"diff/{variant}/warning/"
    points = 100.0
    fig, ax = plt.subplots(figsize=(12, 5.5), dpi=DPI)
    lines = [("p_any_depleted_base", labels.t("some_fund_base"), "#1a202c", "-"),
             ("p_any_depleted_variant", labels.t("some_fund_variant"), "#2b6cb0", "-")]
    handles = []
    for name, label, color, style in lines:
        handles += ax.plot(fund.years, fund.read(w + name) * points, color=color, ls=style,
                           lw=1.8, marker="o", ms=3, label=label)
    if fund.has("warning/province_p_depleted") and fund.has(w + "province_delta_p_depleted"):
        base = fund.read("warning/province_p_depleted")
        handles += ax.plot(fund.years, base * points, color="#1a202c", ls="--", lw=1.2,
                           label=labels.fmt("sums_base", area=labels.area(fund)))
        handles += ax.plot(fund.years, (base + fund.read(w + "province_delta_p_depleted"))
                           * points, color="#2b6cb0", ls="--", lw=1.2,
                           label=labels.fmt("sums_variant", area=labels.area(fund)))
    ax.set_ylim(-2, 102)
    ax.set_title(labels.fmt("title_some_fund", variant=variant) + subtitle(fund, variant, labels))
    ax.set_xlabel(labels.t("year"))
    ax.set_ylabel(labels.t("axis_p_percent"))
    ax.grid(alpha=0.3)
    ax.legend(handles=handles, loc="best", fontsize=9)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
