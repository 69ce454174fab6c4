"""current.py: the first warning, the current surplus and P(current deficit) by year.

Analysts watch a current deficit (当期收不抵支) first, years before depletion.
`current_chart` draws, for the province (or the one region), the medians of
fund income and expenditure and the current surplus with its 90 % band
(/summary/province/{income,expenditure,surplus}_quantiles) and, below, the
probability of a current deficit (/warning/province_p_deficit) as bars from 0.
No warning colour is used.
"""

import matplotlib.pyplot as plt

from fan import BAND_COLOR, DPI, draw_history
from fundfile import YUAN_PER_1E8

INCOME_COLOR, EXPENDITURE_COLOR, SURPLUS_COLOR = "#2b6cb0", "#6b46c1", "#1a202c"


def current_chart(fund, labels, out_path):
    years = fund.years
    q = {v: fund.quantiles(v, (0.05, 0.5, 0.95), province=True)
         for v in ("income", "expenditure", "surplus")}
    fig, (top, bottom) = plt.subplots(2, 1, figsize=(12, 8), dpi=DPI, sharex=True,
                                      gridspec_kw={"height_ratios": (2, 1)})
    handles = []
    for var, code, color in (("income", "income", INCOME_COLOR),
                             ("expenditure", "expenditure", EXPENDITURE_COLOR)):
        median = q[var].get(0.5)
        if median is not None:
            handles += top.plot(years, median / YUAN_PER_1E8, color=color, lw=1.8,
                                label=f"{labels.t(code)}{labels.terms.colon()}"
                                f"{labels.t('median')}")
    lo, mid, hi = (q["surplus"].get(x) for x in (0.05, 0.5, 0.95))
    if lo is not None and hi is not None:
        handles.append(top.fill_between(years, lo / YUAN_PER_1E8, hi / YUAN_PER_1E8,
                                        color=BAND_COLOR, alpha=0.2, lw=0,
                                        label=labels.fmt("band_of", what=labels.t(
                                            "current_surplus"), name="90 %")))
    if mid is not None:
        handles += top.plot(years, mid / YUAN_PER_1E8, color=SURPLUS_COLOR, lw=1.8, ls="--",
                            label=f"{labels.t('current_surplus')}{labels.terms.colon()}"
                            f"{labels.t('median')}")
    handles.append(top.axhline(0, color="black", lw=0.8, label=labels.t("line_zero")))
    handles += draw_history(top, fund, labels)
    top.set_ylabel(labels.fmt("axis_per_year", unit=labels.money))
    top.set_title(labels.fmt("title_current", area=labels.area(fund),
                             paths=fund.attr("paths", "?")))
    top.grid(alpha=0.3)
    top.legend(handles=handles, loc="upper left", fontsize=9)
    name = ("warning/province_p_deficit" if fund.has("warning/province_p_deficit")
            else None)
    p = fund.read(name) if name else fund.read("warning/p_deficit")[:, 0]
    bottom.bar(years, p, color="#4a5568", width=0.7)
    bottom.set_ylim(0, 1)
    bottom.set_ylabel(labels.t("current_deficit_p"))
    bottom.set_xlabel(labels.t("year"))
    bottom.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out_path)
    plt.close(fig)
    return None
