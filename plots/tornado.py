"""tornado.py: the tornado chart of `fundsim sensitivity` (/sensitivity, output/README.md).

Each assumption moved alone to its low and its high value, on common random numbers:
the change in the province's actuarial balance (points) and in its probability of
depletion by the year, each with its 95 % interval from the paired paths; the widest
swing of the actuarial balance on top.
"""

import matplotlib.pyplot as plt
import numpy as np

from fundfile import text, texts

DPI = 100
LOW, HIGH = "#2b6cb0", "#6b46c1"  # no warning colour


def side_labels(g):
    """The low and high value as the chart names them: a number as %.3g, a rule by its name
    (value_text; files written before it have numbers only)."""
    out = []
    for k, v in enumerate(g["value"][()]):
        t = texts(g["value_text"])[k] if "value_text" in g else None
        try:
            float(t if t is not None else v)
            out.append(f"{v:.3g}")
        except ValueError:
            out.append(t)
    return out


def rows(fund):
    """[(name, setting, labels[2], ab[2], ab_ci[2][2], dp[2], dp_ci[2][2])], tornado order."""
    out = []
    for name in texts(fund.f["sensitivity/order"]):
        g = fund.f["sensitivity/" + name]
        setting = text(g.attrs["setting"]) if "setting" in g.attrs else name
        out.append((name, setting, side_labels(g), g["delta_actuarial_balance"][()],
                    g["delta_actuarial_balance_ci"][()], g["delta_p_depleted"][()],
                    g["delta_p_depleted_ci"][()]))
    return out


def panel(ax, rs, k, ci_k, xlabel, labels):
    n = len(rs)
    y = np.arange(n)[::-1]
    for side, color, label in ((0, LOW, labels.t("low_value")), (1, HIGH, labels.t("high_value"))):
        delta = np.array([r[k][side] for r in rs])
        ci = np.array([r[ci_k][side] for r in rs])
        ax.barh(y, delta, height=0.6, color=color, alpha=0.75, label=label)
        ax.errorbar(delta, y, xerr=[delta - ci[:, 0], ci[:, 1] - delta], fmt="none",
                    ecolor="#1a202c", elinewidth=0.8, capsize=2)
    ax.axvline(0, color="#1a202c", lw=0.8)
    ax.set_yticks(y)
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", alpha=0.3)


# `fundsim sensitivity`'s names of assumptions -> their terms (the others keep their code)
ASSUMPTION_TERMS = {"excess_growth": "cost_growth_excess", "inflation": "medical_inflation",
                    "utilization_trend": "utilization_growth", "elasticity":
                    "participation_elasticity", "interest_rate": "interest_rate",
                    "employee_shift": "employee_shift"}


def assumption_name(labels, name):
    """The assumption's term when the table has one (its code otherwise)."""
    code = ASSUMPTION_TERMS.get(name, name)
    return labels.t(code) if labels.terms.has(code) else name


def tornado_chart(fund, labels, path):
    rs = rows(fund)
    if not rs:
        return labels.t("note_no_sensitivity")
    s = fund.f["sensitivity"]
    year = int(s.attrs.get("year", 0))
    paths = int(s.attrs.get("paths", 0))
    fig, axes = plt.subplots(1, 2, figsize=(13, 0.45 * len(rs) + 2.2), dpi=DPI, sharey=True)
    panel(axes[0], rs, 3, 4, labels.t("axis_change_actuarial"), labels)
    panel(axes[1], rs, 5, 6, labels.fmt("axis_change_p_depleted_by", year=year), labels)
    axes[0].set_yticklabels([f"{assumption_name(labels, r[0])}\n{r[2][0]} / {r[2][1]}"
                             for r in rs], fontsize=8)
    axes[0].legend(loc="lower right", fontsize=8)
    fig.suptitle(labels.fmt("title_tornado", area=labels.area(fund), paths=paths), fontsize=11)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return None
