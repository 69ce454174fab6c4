"""budget.py: the budget burden, what each level of government pays by year.

The province's outlay of each level (fiscal subsidy and contribution
assistance: /summary/province/outlay_<level>_mean) stacked by year, and below
it one small panel per level with its mean and 5-95 % band across paths
(/summary/province/outlay_<level>_quantiles; from the paths, or else the
widest levels the file has, when 5 and 95 % are not kept). Every axis starts at 0;
the levels' colours are none of the warning colours.
"""

import matplotlib.pyplot as plt

from fan import BAND_COLOR, DPI
from fundfile import YUAN_PER_1E8

GOVERNMENT = (("central", "#2c5282"), ("province", "#6b46c1"), ("city", "#319795"),
              ("district", "#718096"), ("county", "#97266d"))


def level_label(labels, name):
    """中央 / central: a level of government in the report's language."""
    return labels.t(f"gov_{name}")


def outer_band(fund, var, labels):
    """The 5-95 % band of the province's var, or the widest the file has; its name."""
    q = fund.quantiles(var, (0.05, 0.95), province=True)
    if q.missing and fund.levels:
        lo, hi = min(fund.levels), max(fund.levels)
        q = fund.quantiles(var, (lo, hi), province=True)
        return q.get(lo), q.get(hi), labels.fmt("band", name=f"p{lo * 100:g}-p{hi * 100:g}")
    return q.get(0.05), q.get(0.95), labels.fmt("band", name="5-95 %")


def budget_chart(fund, labels, out_path):
    levels = [(name, color) for name, color in GOVERNMENT
              if fund.has(f"summary/province/outlay_{name}_mean")]
    means = [fund.read(f"summary/province/outlay_{name}_mean") / YUAN_PER_1E8
             for name, _ in levels]
    fig = plt.figure(figsize=(14, 9.5), dpi=DPI, layout="constrained")
    grid = fig.add_gridspec(2, max(len(levels), 1), height_ratios=(1.6, 1))
    top = fig.add_subplot(grid[0, :])
    top.stackplot(fund.years, means, colors=[c for _, c in levels],
                  labels=[level_label(labels, name) for name, _ in levels], alpha=0.85)
    top.set_title(labels.fmt("title_budget", area=labels.area(fund)))
    top.set_xlabel(labels.t("year"))
    top.set_ylabel(labels.fmt("axis_outlay", unit=labels.money))
    top.set_ylim(0, 1.15 * max(sum(means).max(), 1e-9))  # room for the legend
    top.legend(loc="upper left", fontsize=9, ncol=len(levels))
    top.grid(alpha=0.3)
    for i, ((name, color), mean) in enumerate(zip(levels, means)):
        ax = fig.add_subplot(grid[1, i])
        lo, hi, band = outer_band(fund, f"outlay_{name}", labels)
        if lo is not None and hi is not None:
            ax.fill_between(fund.years, lo / YUAN_PER_1E8, hi / YUAN_PER_1E8,
                            color=BAND_COLOR, alpha=0.25, lw=0)
        ax.plot(fund.years, mean, color=color, lw=1.8)
        ax.set_title(labels.fmt("panel_mean_band", name=level_label(labels, name), band=band),
                     fontsize=10)
        ax.set_xlabel(labels.t("year"), fontsize=9)
        ax.set_ylim(bottom=0)
        ax.tick_params(labelsize=8)
        ax.grid(alpha=0.3)
        if i == 0:
            ax.set_ylabel(labels.money, fontsize=9)
    fig.savefig(out_path)
    plt.close(fig)
