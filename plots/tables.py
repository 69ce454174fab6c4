"""tables.py: the report's summary tables, as HTML, from the file alone.

The same tables as `fundsim summary` (output/README.md), for the same years
(the first, every fifth and the last): the warning table (per region and the
province, balance and months at 5, 50 and 95 %, P(depleted), the most likely
level), each region's first year at risk, the budget burden, and per variant
the province's difference. When the run lacks a level, the nearest one is used
and the column's header says which. Amounts are in 亿元 (1e8 yuan).
"""

from html import escape

import numpy as np

from fundfile import YUAN_PER_1E8, texts
from budget import GOVERNMENT
from maps import LEVEL_COLORS, OTHER_LEVEL_COLOR

TARGETS = (0.05, 0.5, 0.95)


def table_years(years, first=0):
    """Indices of the first year (of the projection: `first`), every fifth year, and the
    last."""
    return sorted(set(range(first, len(years) - 1, 5)) | {len(years) - 1})


def nearest(fund, level):
    """Index and name (p5, p50, ...) of the file's level nearest to `level`."""
    i = int(np.argmin([abs(q - level) for q in fund.levels]))
    return i, f"p{fund.levels[i] * 100:g}"


def cell(value, digits=2):
    return f"<td>{value:.{digits}f}</td>"


def table(head, rows, caption):
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "\n".join(f"<tr>{r}</tr>" for r in rows)
    return (f"<table>\n<caption>{escape(caption)}</caption>\n"
            f"<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")


def warning_table(fund):
    if not fund.levels:
        return "<p>The file has no quantile levels: no warning table.</p>"
    idx = [nearest(fund, t) for t in TARGETS]
    names = [n for _, n in idx]
    bq, mq = fund.read("summary/balance_quantiles"), fund.read("summary/months_quantiles")
    p_depl, level = fund.read("warning/p_depleted"), fund.read("warning/level")
    p_level = fund.read("warning/p_level")
    level_names = texts(fund.f["warning/levels"])
    pq = (fund.read("summary/province/balance_quantiles"),
          fund.read("summary/province/months_quantiles"))
    province_p_depl = fund.read("warning/province_p_depleted")
    rows = []
    for y in table_years(fund.years, fund.first):
        for g, region in enumerate(fund.regions):
            zh = fund.names_zh[g]
            label = escape(f"{zh} {region}" if zh else region)
            lv = int(level[y, g])
            name = level_names[lv] if lv < len(level_names) else str(lv)
            rows.append(f"<td>{fund.years[y]}</td><td class='name'>{label}</td>"
                        + "".join(cell(bq[y, g, i] / YUAN_PER_1E8) for i, _ in idx)
                        + "".join(cell(mq[y, g, i], 1) for i, _ in idx)
                        + cell(p_depl[y, g], 3)
                        + f"<td style='background:{LEVEL_COLORS.get(name, OTHER_LEVEL_COLOR)}'>"
                        f"{escape(name)} {p_level[y, g, lv]:.2f}</td>")
        rows.append(f"<td>{fund.years[y]}</td><td class='name'><b>全省 province</b></td>"
                    + "".join(cell(pq[0][y, i] / YUAN_PER_1E8) for i, _ in idx)
                    + "".join(cell(pq[1][y, i], 1) for i, _ in idx)
                    + cell(province_p_depl[y], 3) + "<td>-</td>")
    head = (["year", "region"] + [f"balance {n}" for n in names]
            + [f"months {n}" for n in names] + ["P(depleted)", "level, its P"])
    return table(head, rows, "Balance at the end of the year (亿元, 1e8 yuan), months of "
                 "payment, probability of depletion and the most likely warning level")


def first_year_table(fund):
    first = fund.read("depletion/first_year_at_risk")
    threshold = fund.attr("depletion_probability", "?", "warning")
    rows = []
    for g, region in enumerate(fund.regions):
        zh = fund.names_zh[g]
        year = int(first[g])
        rows.append(f"<td class='name'>{escape(f'{zh} {region}' if zh else region)}</td>"
                    f"<td>{year if year else f'none to {fund.years[-1]}'}</td>")
    return table(["region", "first year"], rows,
                 f"First year {'of the projection ' if fund.first else ''}with P(depleted) "
                 f"at or above {threshold}")


def budget_table(fund):
    if not fund.levels:
        return ""
    idx = [nearest(fund, t) for t in TARGETS]
    present = [g for g, _ in GOVERNMENT if fund.has(f"summary/province/outlay_{g}_quantiles")]
    data = {g: (fund.read(f"summary/province/outlay_{g}_quantiles"),
                fund.read(f"summary/province/outlay_{g}_mean")) for g in present}
    rows = []
    for y in table_years(fund.years, fund.first):
        for g in present:
            q, mean = data[g]
            rows.append(f"<td>{fund.years[y]}</td><td class='name'>{g}</td>"
                        + "".join(cell(q[y, i] / YUAN_PER_1E8) for i, _ in idx)
                        + cell(mean[y] / YUAN_PER_1E8))
        total = sum(data[g][1][y] for g in present) / YUAN_PER_1E8
        rows.append(f"<td>{fund.years[y]}</td><td class='name'><b>total</b></td>"
                    + "<td></td>" * len(idx) + cell(total))
    return table(["year", "level"] + [n for _, n in idx] + ["mean"], rows,
                 "Budget burden: each level of government's outlay in the province "
                 "(亿元, 1e8 yuan); total: the sum of the means")


def variant_table(fund, variant):
    s, w = f"diff/{variant}/summary/province/", f"diff/{variant}/warning/"
    if not fund.levels or not fund.has(s + "balance_quantiles"):
        return ""
    idx = [nearest(fund, t) for t in TARGETS]
    q = fund.read(s + "balance_quantiles")
    mean, low, high = (fund.read(s + "balance_" + k) / YUAN_PER_1E8
                       for k in ("mean", "ci_low", "ci_high"))
    better = fund.read(w + "province_p_better")
    dp, dlow, dhigh = (fund.read(w + "province_delta_p_depleted" + k)
                       for k in ("", "_ci_low", "_ci_high"))
    rows = [f"<td>{fund.years[y]}</td>" + cell(mean[y]) + cell(low[y]) + cell(high[y])
            + "".join(cell(q[y, i] / YUAN_PER_1E8) for i, _ in idx)
            + cell(better[y], 3) + cell(dp[y], 3) + cell(dlow[y], 3) + cell(dhigh[y], 3)
            for y in table_years(fund.years, fund.first)]
    head = (["year", "mean", "CI low", "CI high"] + [n for _, n in idx]
            + ["P(better)", "ΔP(depleted)", "CI low", "CI high"])
    return table(head, rows, f"Variant {variant} - base, the province: balance difference "
                 "(亿元, 1e8 yuan) with its 95 % CI and quantiles, P(the variant's balance "
                 "is higher), change in P(depleted) with its 95 % CI")


def assumptions_html(fund):
    """The run's assumptions (the root attribute `assumptions`, a line each) as a list,
    with the NOTE lines (an assumption that alone produces a result) set apart."""
    text = fund.attr("assumptions", "")
    if not text:
        return "<p>The file states no assumptions (made by an older fundsim).</p>"
    items = []
    for line in text.splitlines():
        if line.startswith("NOTE:"):
            items.append(f"<li><strong>{escape(line)}</strong></li>")
        elif line:
            items.append(f"<li>{escape(line)}</li>")
    return ("<p>What the projection assumes where no notice or data says; the headline "
            "figures rest on it:</p>\n<ul>\n" + "\n".join(items) + "\n</ul>")


def growth_of_medians(fund, name, start, end):
    """Yearly growth of the median of /summary/national/<name> from year index start to end."""
    i, _ = nearest(fund, 0.5)
    q = fund.read(f"summary/national/{name}_quantiles")[:, i]
    if end <= start or not (q[start] > 0 and q[end] > 0):
        return None
    return (q[end] / q[start]) ** (1.0 / (end - start)) - 1


def outlook_html(fund):
    """The headline: yearly growth per enrollee after the last dated financing rule, and
    the province's actuarial balance over the whole horizon with its band."""
    if not fund.has("summary/national/actuarial_balance_quantiles") or not fund.levels:
        return ""
    years = list(fund.years)
    end_year = int(fund.attr("rules_end_year", years[0]) or years[0])
    start = years.index(end_year) if end_year in years else 0
    start = max(start, fund.first)
    last = len(years) - 1
    parts = []
    gi = growth_of_medians(fund, "income_per_enrollee", start, last)
    ge = growth_of_medians(fund, "expenditure_per_enrollee", start, last)
    if gi is not None and ge is not None:
        parts.append(f"Per enrollee, {years[start]}-{years[last]} (medians of the province): "
                     f"income {100 * gi:+.1f} % a year, expenditure {100 * ge:+.1f} % a year.")
    ab = fund.read("summary/national/actuarial_balance_quantiles")[last]
    (lo, lo_name), (mid, _), (hi, hi_name) = [nearest(fund, t) for t in TARGETS]
    verdict = "short of" if ab[mid] < 0 else "ahead of"
    if fund.first:
        parts.insert(0, f"Calibrated to the accounts up to {fund.history_end_year}: the years "
                     f"{years[0]}-{years[fund.first - 1]} are history; the projection and these "
                     f"figures start in {years[fund.first]}.")
    parts.append(f"Actuarial balance {years[fund.first]}-{years[last]} (province, median): "
                 f"{ab[mid]:+.1f} % ({lo_name} {ab[lo]:+.1f} %, {hi_name} {ab[hi]:+.1f} %): "
                 f"financing is {abs(ab[mid]):.1f} % of expenditure {verdict} paying the benefits "
                 "and the reserve at the end, in present value.")
    return "\n".join(f"<p><strong>{escape(p)}</strong></p>" for p in parts)


def actuarial_table(fund):
    """The actuarial balance per region and for the province over the first ten years
    and the whole horizon (per cent)."""
    if not fund.has("summary/actuarial_balance_quantiles") or not fund.levels:
        return ""
    idx = [nearest(fund, t) for t in TARGETS]
    years = list(fund.years)
    horizons = sorted({min(fund.first + 9, len(years) - 1), len(years) - 1})
    rq = fund.read("summary/actuarial_balance_quantiles")
    pq = fund.read("summary/national/actuarial_balance_quantiles")
    head = ["region"] + [f"{years[fund.first]}-{years[h]} {n}" for h in horizons for _, n in idx]
    rows = []
    for g, region in enumerate(fund.regions + ["province"]):
        zh = fund.names_zh[g] if g < len(fund.regions) else ("全省" if len(fund.regions) > 1
                                                             else "")
        label = escape(f"{zh} {region}" if zh else region)
        cells = "".join(cell((rq[h, g, i] if g < len(fund.regions) else pq[h, i]), 1)
                        for h in horizons for i, _ in idx)
        rows.append(f"<td class='name'>{label}</td>{cells}")
    return table(head, rows, "Actuarial balance, per cent: (income + opening balance - the "
                 "reserve at the end) / expenditure - 1, discounted at the fund's interest "
                 "rates; below 0, financing is short")


def backtest_table(fund):
    """`fundsim backtest`'s table (/backtest): each later actual against the calibrated
    projection, with A/E = actual / the model's mean and whether it lies in the 5-95 % band."""
    if not fund.has("backtest/actual"):
        return ""
    regions = texts(fund.f["backtest/region"])
    lines = texts(fund.f["backtest/line"])
    years = fund.read("backtest/year")
    col = {k: fund.read(f"backtest/{k}") for k in ("actual", "mean", "median", "p05", "p95", "ae")}
    inside = fund.read("backtest/inside")
    head = ["region", "year", "line", "actual", "model mean", "median", "5 %", "95 %", "A/E",
            "inside"]
    rows = []
    for j, line in enumerate(lines):
        scale = 1.0 if line == "enrollees" else YUAN_PER_1E8
        digits = 0 if line == "enrollees" else 2
        cells = "".join(cell(col[k][j] / scale, digits)
                        for k in ("actual", "mean", "median", "p05", "p95"))
        rows.append(f"<td class='name'>{escape(regions[j])}</td><td>{int(years[j])}</td>"
                    f"<td class='name'>{escape(line)}</td>{cells}{cell(col['ae'][j], 4)}"
                    f"<td>{'yes' if inside[j] else 'no'}</td>")
    frm = fund.attr("from_year", "?", "/backtest")
    return table(head, rows, f"Backtest: calibrated on the actuals up to {frm}, the later "
                 "actuals against the projection (persons; money in 亿元); A/E = actual / "
                 "the model's mean")
