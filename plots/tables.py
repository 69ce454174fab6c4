"""tables.py: the report's summary tables, as HTML, from the file alone.

The same tables as `fundsim summary` (output/README.md), for the same years
(the first, every fifth and the last), their words from the term table
(labels.t): the assumptions (/assumptions: each key driver's value and where
it comes from); the warning table (per region and, with several regions, the
province: balance and months at 5, 50 and 95 %, P(depleted), the most likely
level); the first warning (enrollees in 万人, income, expenditure, the current
surplus and P(current deficit), with the balance and months beside them); each
region's first year at risk; the budget burden; and per variant who gains and
who pays (`gains_html`, as `fundsim summary --table gains` prints it) and the
province's difference. When the run lacks a level, the nearest one is used and
the column's header says which. Amounts are in 亿元.
"""

import re
from html import escape

import numpy as np

from budget import GOVERNMENT, level_label
from fundfile import YUAN_PER_1E8, texts
from maps import LEVEL_COLORS, OTHER_LEVEL_COLOR, level_name

TARGETS = (0.05, 0.5, 0.95)
PERSONS_PER_1E4 = 1e4


def table_years(years, first=0):
    """Indices of the first year (of the projection: `first`), every fifth year, and the
    last."""
    return sorted(set(range(first, len(years) - 1, 5)) | {len(years) - 1})


def nearest(fund, level):
    """Index and name (p5, p50, ...) of the file's level nearest to `level`."""
    i = int(np.argmin([abs(q - level) for q in fund.levels]))
    return i, f"p{fund.levels[i] * 100:g}"


def cell(value, digits=2, sign=False):
    return f"<td>{value:{'+' if sign else ''}.{digits}f}</td>"


def table(head, rows, caption):
    header = "".join(f"<th>{escape(h)}</th>" for h in head)
    body = "\n".join(f"<tr>{r}</tr>" for r in rows)
    return (f"<table>\n<caption>{escape(caption)}</caption>\n"
            f"<thead><tr>{header}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>")


def name_cell(label, bold=False):
    inner = f"<b>{escape(label)}</b>" if bold else escape(label)
    return f"<td class='name'>{inner}</td>"


def paragraph(s, strong=False):
    return f"<p><strong>{escape(s)}</strong></p>" if strong else f"<p>{escape(s)}</p>"


def with_province(fund):
    """Whether the tables add the province's row: only with several regions."""
    return len(fund.regions) > 1


def warning_table(fund, labels):
    if not fund.levels:
        return paragraph(labels.t("note_no_levels"))
    t = labels.t
    idx = [nearest(fund, q) for q in TARGETS]
    names = [n for _, n in idx]
    bq, mq = fund.read("summary/balance_quantiles"), fund.read("summary/months_quantiles")
    p_depl, level = fund.read("warning/p_depleted"), fund.read("warning/level")
    p_level = fund.read("warning/p_level")
    level_names = texts(fund.f["warning/levels"])
    pq = (fund.read("summary/province/balance_quantiles"),
          fund.read("summary/province/months_quantiles"))
    province_p_depl = fund.read("warning/province_p_depleted")
    regions = fund.region_labels(labels)
    rows = []
    for y in table_years(fund.years, fund.first):
        for g, label in enumerate(regions):
            lv = int(level[y, g])
            name = level_names[lv] if lv < len(level_names) else str(lv)
            rows.append(f"<td>{fund.years[y]}</td>{name_cell(label)}"
                        + "".join(cell(bq[y, g, i] / YUAN_PER_1E8) for i, _ in idx)
                        + "".join(cell(mq[y, g, i], 1) for i, _ in idx)
                        + cell(p_depl[y, g], 3)
                        + f"<td style='background:{LEVEL_COLORS.get(name, OTHER_LEVEL_COLOR)}'>"
                        f"{escape(level_name(labels, name))} {p_level[y, g, lv]:.2f}</td>")
        if with_province(fund):
            rows.append(f"<td>{fund.years[y]}</td>{name_cell(labels.province, True)}"
                        + "".join(cell(pq[0][y, i] / YUAN_PER_1E8) for i, _ in idx)
                        + "".join(cell(pq[1][y, i], 1) for i, _ in idx)
                        + cell(province_p_depl[y], 3) + "<td>-</td>")
    head = ([t("year"), t("region")] + [f"{t('balance')} {n}" for n in names]
            + [f"{t('months_payable')} {n}" for n in names] + [t("depletion_p"),
                                                                t("level_and_p")])
    return table(head, rows, labels.fmt("caption_warning", unit=labels.money))


def current_table(fund, labels):
    """The first warning: enrollees, income, expenditure, the current surplus and
    P(current deficit) per region and year, beside the balance and months (medians)."""
    needed = ["summary/enrollees_quantiles", "summary/income_quantiles",
              "summary/expenditure_quantiles", "summary/surplus_quantiles", "warning/p_deficit"]
    if not fund.levels or not all(fund.has(n) for n in needed):
        return ""
    t = labels.t
    idx = [nearest(fund, q) for q in TARGETS]
    mid, mid_name = nearest(fund, 0.5)
    var = ("enrollees", "income", "expenditure", "surplus", "balance", "months")
    regional = {v: fund.read(f"summary/{v}_quantiles") for v in var}
    regional["p"] = fund.read("warning/p_deficit")
    columns = [(regional, g, label) for g, label in enumerate(fund.region_labels(labels))]
    if with_province(fund) and all(fund.has(f"summary/province/{v}_quantiles") for v in var) \
            and fund.has("warning/province_p_deficit"):
        province = {v: fund.read(f"summary/province/{v}_quantiles")[:, None, :] for v in var}
        province["p"] = fund.read("warning/province_p_deficit")[:, None]
        columns.append((province, 0, labels.province))
    rows = []
    for y in table_years(fund.years, fund.first):
        for data, g, label in columns:
            p = data["p"][y, g]
            style = " style='font-weight:bold'" if p >= 0.5 else ""
            rows.append(f"<td>{fund.years[y]}</td>{name_cell(label, data is not regional)}"
                        + cell(data["enrollees"][y, g, mid] / PERSONS_PER_1E4, 1)
                        + cell(data["income"][y, g, mid] / YUAN_PER_1E8)
                        + cell(data["expenditure"][y, g, mid] / YUAN_PER_1E8)
                        + "".join(cell(data["surplus"][y, g, i] / YUAN_PER_1E8, 2, True)
                                  for i, _ in idx)
                        + f"<td{style}>{p:.3f}</td>"
                        + cell(data["balance"][y, g, mid] / YUAN_PER_1E8)
                        + cell(data["months"][y, g, mid], 1))
    head = ([t("year"), t("region"), f"{t('enrollees')} {mid_name}",
             f"{t('income')} {mid_name}", f"{t('expenditure')} {mid_name}"]
            + [f"{t('current_surplus')} {n}" for _, n in idx]
            + [t("current_deficit_p"), f"{t('balance')} {mid_name}",
               f"{t('months_payable')} {mid_name}"])
    return table(head, rows, labels.fmt("caption_current", unit=labels.money,
                                        persons=t("unit_1e4_persons")))


def first_year_table(fund, labels):
    first = fund.read("depletion/first_year_at_risk")
    threshold = fund.attr("depletion_probability", "?", "warning")
    rows = []
    for g, label in enumerate(fund.region_labels(labels)):
        year = int(first[g])
        rows.append(f"{name_cell(label)}"
                    f"<td>{year if year else escape(labels.fmt('none_to', year=fund.years[-1]))}"
                    "</td>")
    return table([labels.t("region"), labels.t("first_year_at_risk")], rows,
                 labels.fmt("caption_first_year", threshold=threshold))


def budget_table(fund, labels):
    if not fund.levels:
        return ""
    t = labels.t
    idx = [nearest(fund, q) for q in TARGETS]
    present = [g for g, _ in GOVERNMENT if fund.has(f"summary/province/outlay_{g}_quantiles")]
    data = {g: (fund.read(f"summary/province/outlay_{g}_quantiles"),
                fund.read(f"summary/province/outlay_{g}_mean")) for g in present}
    rows = []
    for y in table_years(fund.years, fund.first):
        for g in present:
            q, mean = data[g]
            rows.append(f"<td>{fund.years[y]}</td>{name_cell(level_label(labels, g))}"
                        + "".join(cell(q[y, i] / YUAN_PER_1E8) for i, _ in idx)
                        + cell(mean[y] / YUAN_PER_1E8))
        total = sum(data[g][1][y] for g in present) / YUAN_PER_1E8
        rows.append(f"<td>{fund.years[y]}</td>{name_cell(t('total'), True)}"
                    + "<td></td>" * len(idx) + cell(total))
    return table([t("year"), t("government_level")] + [n for _, n in idx] + [t("mean")], rows,
                 labels.fmt("caption_budget", area=labels.area(fund), unit=labels.money))


def variant_table(fund, variant, labels):
    s, w = f"diff/{variant}/summary/province/", f"diff/{variant}/warning/"
    if not fund.levels or not fund.has(s + "balance_quantiles"):
        return ""
    t = labels.t
    idx = [nearest(fund, q) for q in TARGETS]
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
    head = ([t("year"), t("mean"), t("ci_low"), t("ci_high")] + [n for _, n in idx]
            + [t("p_better"), t("change_p_depleted"), t("ci_low"), t("ci_high")])
    return table(head, rows, labels.fmt("caption_variant", variant=variant,
                                        area=labels.area(fund), unit=labels.money))


# Who gains and who pays, in output/report_diff.c's order: who pays for care, the cost
# of care they share (without maternity), each level's outlay, the fund's account.
CARE = (("fund_inpatient", "fund_inpatient"), ("fund_outpatient", "fund_outpatient"),
        ("fund_two_diseases", "fund_two_diseases"), ("fund_chronic", "fund_chronic"),
        ("fund_maternity", "fund_maternity"), ("serious_claims", "serious_illness"),
        ("assistance_claims", "medical_assistance"), ("out_of_pocket", "out_of_pocket"))
ACCOUNT = (("serious_premium", "serious_premium", YUAN_PER_1E8),
           ("income", "income", YUAN_PER_1E8), ("expenditure", "expenditure", YUAN_PER_1E8),
           ("surplus", "current_surplus", YUAN_PER_1E8), ("balance", "balance", YUAN_PER_1E8),
           ("enrollees", "enrollees", PERSONS_PER_1E4))


def estimate(fund, variant, var):
    """(mean, ci_low, ci_high) [year] of the province's variant - base, or None."""
    s = f"diff/{variant}/summary/province/{var}_"
    if not all(fund.has(s + k) for k in ("mean", "ci_low", "ci_high")):
        return None
    return tuple(fund.read(s + k) for k in ("mean", "ci_low", "ci_high"))


def zero_everywhere(e):
    """0 in every path of every year: the mean and both ends of its interval 0."""
    return all(not np.any(x) for x in e)


def year_reaching(fund, p, level):
    """The first projection year with p >= level, or None."""
    reached = np.flatnonzero(p[fund.first:] >= level)
    return int(fund.years[reached[0] + fund.first]) if reached.size else None


def depletion_years(fund, variant):
    """((base years), (variant years)) at which the province's P(depleted) first reaches
    5, 50 and 95 %: the base's, and base + the variant's change."""
    base = fund.read("warning/province_p_depleted")
    delta = fund.read(f"diff/{variant}/warning/province_delta_p_depleted")
    return ([year_reaching(fund, base, q) for q in TARGETS],
            [year_reaching(fund, base + delta, q) for q in TARGETS])


def gains_html(fund, variant, labels):
    """Who gains and who pays: per chosen year, the province's mean change in what each
    payer pays, each level's outlay, the fund's account and the enrollees, the spending
    per enrollee; rows 0 in every path left out and named once; the shortfall's change
    where the base is depleted in every path; the depletion year's shift."""
    if estimate(fund, variant, "out_of_pocket") is None:
        return ""
    t = labels.t
    chosen = table_years(fund.years, fund.first)
    rows, zero = [], []

    def row(label, unit, series, scale):
        rows.append(name_cell(label) + f"<td class='name'>{escape(unit)}</td>"
                    + "".join(cell(series[y] / scale, 2, True) for y in chosen))

    cost = np.zeros(len(fund.years))
    for var, code in CARE:
        e = estimate(fund, variant, var)
        if e is None:
            continue
        if var != "fund_maternity":
            cost = cost + e[0]
        if zero_everywhere(e):
            zero.append(t(code))
            continue
        row(t(code), labels.money, e[0], YUAN_PER_1E8)
    row(t("cost_of_care"), labels.money, cost, YUAN_PER_1E8)
    for g, _ in GOVERNMENT:
        e = estimate(fund, variant, f"outlay_{g}")
        if e is None:
            continue
        label = labels.fmt("outlay_of", level=level_label(labels, g))
        if zero_everywhere(e):
            zero.append(label)
            continue
        row(label, labels.money, e[0], YUAN_PER_1E8)
    for var, code, scale in ACCOUNT:
        e = estimate(fund, variant, var)
        if e is None:
            continue
        if zero_everywhere(e):
            zero.append(t(code))
            continue
        row(t(code), labels.money if scale == YUAN_PER_1E8 else t("unit_1e4_persons"), e[0],
            scale)
    expenditure = estimate(fund, variant, "expenditure")
    if expenditure is not None and fund.has("summary/province/enrollees_mean"):
        n = fund.read("summary/province/enrollees_mean")
        per = np.where(n > 0, expenditure[0] / np.where(n > 0, n, 1), 0.0)
        row(t("expenditure_per_enrollee_line"), t("unit_yuan"), per, 1.0)
    balance = estimate(fund, variant, "balance")
    base_p = fund.read("warning/province_p_depleted")
    backstop = (fund.read("summary/province/backstop_mean")
                if fund.has("summary/province/backstop_mean") else np.zeros(len(fund.years)))
    depleted = [y for y in chosen if base_p[y] >= 1 and backstop[y] == 0]
    if balance is not None and depleted:
        rows.append(name_cell(t("shortfall_change")) + f"<td class='name'>{escape(labels.money)}"
                    "</td>" + "".join(cell(-balance[0][y] / YUAN_PER_1E8, 2, True)
                                      if y in depleted else "<td>·</td>" for y in chosen))
    out = [table([t("item"), t("unit")] + [str(fund.years[y]) for y in chosen], rows,
                 labels.fmt("caption_gains", variant=variant, area=labels.area(fund)))]
    if zero:
        out.append(paragraph(labels.fmt("zero_rows", items=labels.terms.join(zero))))
    if depleted:
        out.append(paragraph(t("note_shortfall_change")))
    base, var = depletion_years(fund, variant)
    def show(x):
        return str(x) if x else "-"

    change = [f"{v - b:+d}" if b and v else "-" for b, v in zip(base, var)]
    out.append(table([t("depletion_year")] + ["5 %", "50 %", "95 %"],
                     [name_cell(t("base")) + "".join(f"<td>{show(x)}</td>" for x in base),
                      name_cell(t("variant")) + "".join(f"<td>{show(x)}</td>" for x in var),
                      name_cell(t("change")) + "".join(f"<td>{x}</td>" for x in change)],
                     labels.fmt("caption_depletion_year", area=labels.area(fund))))
    return "\n".join(out)


def findings_html(fund, variant, labels):
    """One sentence per variant: in its first changed year, what the fund, the patients
    and assistance pay more or less, and the change in the median depletion year."""
    fund_spending = estimate(fund, variant, "expenditure")
    pocket = estimate(fund, variant, "out_of_pocket")
    assistance = estimate(fund, variant, "assistance_claims")
    if fund_spending is None or pocket is None or assistance is None:
        return ""
    # the first year whose change shows at the table's precision (0.01 亿元)
    shown = np.maximum(np.abs(fund_spending[0]), np.abs(pocket[0])) / YUAN_PER_1E8
    changed = np.flatnonzero(shown[fund.first:] >= 0.005) + fund.first
    base, var = depletion_years(fund, variant)
    if base[1] and var[1]:
        shift = labels.fmt("finding_depletion_shift", base=base[1], variant=var[1],
                           change=f"{var[1] - base[1]:+d}")
    else:
        shift = labels.fmt("finding_depletion_years", base=base[1] or "-", variant=var[1] or "-")
    if not changed.size:
        return paragraph(labels.fmt("finding_none", variant=variant) + " " + shift, True)
    y = int(changed[0])
    return paragraph(labels.fmt("finding", variant=variant, year=fund.years[y],
                                fund=f"{fund_spending[0][y] / YUAN_PER_1E8:+.2f}",
                                pocket=f"{pocket[0][y] / YUAN_PER_1E8:+.2f}",
                                assistance=f"{assistance[0][y] / YUAN_PER_1E8:+.2f}",
                                unit=labels.money) + " " + shift, True)


# Words of /assumptions/value (language-neutral text with units) and their terms.
VALUE_WORDS = {"yr": "value_yr", "yuan": "unit_yuan", "income": "value_income",
               "price": "value_price", "frozen": "value_frozen", "carry": "value_carry",
               "backstop": "value_backstop", "step": "value_step", "rate": "value_rate"}


def value_text(value, labels):
    """An /assumptions value in the report's language: its words from the term table."""
    return re.sub(r"[A-Za-z]+", lambda m: labels.t(VALUE_WORDS[m.group(0)])
                  if m.group(0) in VALUE_WORDS else m.group(0), value)


def assumptions_html(fund, labels):
    """The key drivers (/assumptions: term, value, source, detail) as a table; in English
    also the run's assumptions in words (the root attribute `assumptions`), NOTE lines
    set apart."""
    t = labels.t
    out = []
    if fund.has("assumptions/term"):
        g = fund.f["assumptions"]
        cols = {k: texts(g[k]) for k in ("term", "value", "source")}
        detail = texts(g["detail_zh" if labels.zh else "detail_en"])
        rows = []
        for code, value, source, what in zip(cols["term"], cols["value"], cols["source"], detail):
            name = t(code) if labels.terms.has(code) else code
            src = f"source_{source}"
            src = t(src) if labels.terms.has(src) else source
            rows.append(name_cell(name) + name_cell(value_text(value, labels)) + name_cell(src)
                        + name_cell(what))
        out.append(table([t("assumption"), t("value"), t("source"), t("detail")], rows,
                         t("caption_assumptions")))
    words = fund.attr("assumptions", "")
    if words and not labels.zh:
        items = [f"<li><strong>{escape(line)}</strong></li>" if line.startswith("NOTE:")
                 else f"<li>{escape(line)}</li>" for line in words.splitlines() if line]
        out.append(paragraph(t("intro_assumptions")) + "\n<ul>\n" + "\n".join(items)
                   + "\n</ul>")
    if not out:
        return paragraph(t("note_no_assumptions"))
    return "\n".join(out)


def growth_of_medians(fund, name, start, end):
    """Yearly growth of the median of /summary/national/<name> from year index start to end."""
    i, _ = nearest(fund, 0.5)
    q = fund.read(f"summary/national/{name}_quantiles")[:, i]
    if end <= start or not (q[start] > 0 and q[end] > 0):
        return None
    return (q[end] / q[start]) ** (1.0 / (end - start)) - 1


def outlook_html(fund, labels):
    """The headline: yearly growth per enrollee after the last dated financing rule, and
    the province's actuarial balance over the whole horizon with its band."""
    if not fund.has("summary/national/actuarial_balance_quantiles") or not fund.levels:
        return ""
    years = list(fund.years)
    end_year = int(fund.attr("rules_end_year", years[0]) or years[0])
    start = years.index(end_year) if end_year in years else 0
    start = max(start, fund.first)
    last = len(years) - 1
    area = labels.area(fund)
    parts = []
    gi = growth_of_medians(fund, "income_per_enrollee", start, last)
    ge = growth_of_medians(fund, "expenditure_per_enrollee", start, last)
    if gi is not None and ge is not None:
        parts.append(labels.fmt("outlook_growth", start=years[start], end=years[last], area=area,
                                income=f"{100 * gi:+.1f}", expenditure=f"{100 * ge:+.1f}"))
    ab = fund.read("summary/national/actuarial_balance_quantiles")[last]
    (lo, lo_name), (mid, _), (hi, hi_name) = [nearest(fund, q) for q in TARGETS]
    if fund.first:
        parts.insert(0, labels.fmt("outlook_history", year=fund.history_end_year,
                                   start=years[0], end=years[fund.first - 1],
                                   first=years[fund.first]))
    parts.append(labels.fmt("outlook_short" if ab[mid] < 0 else "outlook_ahead",
                            start=years[fund.first], end=years[last], area=area,
                            median=f"{ab[mid]:+.1f}", lo_name=lo_name, lo=f"{ab[lo]:+.1f}",
                            hi_name=hi_name, hi=f"{ab[hi]:+.1f}", gap=f"{abs(ab[mid]):.1f}"))
    return "\n".join(paragraph(p, True) for p in parts)


def actuarial_table(fund, labels):
    """The actuarial balance per region and, with several regions, for the province over
    the first ten years and the whole horizon (per cent)."""
    if not fund.has("summary/actuarial_balance_quantiles") or not fund.levels:
        return ""
    idx = [nearest(fund, q) for q in TARGETS]
    years = list(fund.years)
    horizons = sorted({min(fund.first + 9, len(years) - 1), len(years) - 1})
    rq = fund.read("summary/actuarial_balance_quantiles")
    pq = fund.read("summary/national/actuarial_balance_quantiles")
    head = [labels.t("region")] + [f"{years[fund.first]}-{years[h]} {n}" for h in horizons
                                   for _, n in idx]
    rows = []
    regions = fund.region_labels(labels)
    for g, label in enumerate(regions + ([labels.province] if with_province(fund) else [])):
        cells = "".join(cell((rq[h, g, i] if g < len(regions) else pq[h, i]), 1)
                        for h in horizons for i, _ in idx)
        rows.append(f"{name_cell(label, g >= len(regions))}{cells}")
    return table(head, rows, labels.t("caption_actuarial"))


BACKTEST_LINES = {"enrollees": "enrollees", "income": "income", "expenditure": "expenditure",
                  "balance": "balance"}


def backtest_table(fund, labels):
    """`fundsim backtest`'s table (/backtest): each later actual against the calibrated
    projection, with A/E = actual / the model's mean and whether it lies in the 5-95 % band."""
    if not fund.has("backtest/actual"):
        return ""
    t = labels.t
    regions = texts(fund.f["backtest/region"])
    lines = texts(fund.f["backtest/line"])
    years = fund.read("backtest/year")
    col = {k: fund.read(f"backtest/{k}") for k in ("actual", "mean", "median", "p05", "p95", "ae")}
    inside = fund.read("backtest/inside")
    head = [t("region"), t("year"), t("item"), t("actual"), t("model_mean"), t("median"), "5 %",
            "95 %", "A/E", t("inside_band")]
    rows = []
    for j, line in enumerate(lines):
        scale = 1.0 if line == "enrollees" else YUAN_PER_1E8
        digits = 0 if line == "enrollees" else 2
        cells = "".join(cell(col[k][j] / scale, digits)
                        for k in ("actual", "mean", "median", "p05", "p95"))
        name = t(BACKTEST_LINES[line]) if line in BACKTEST_LINES else line
        rows.append(f"{name_cell(regions[j])}<td>{int(years[j])}</td>"
                    f"{name_cell(name)}{cells}{cell(col['ae'][j], 4)}"
                    f"<td>{escape(t('yes') if inside[j] else t('no'))}</td>")
    frm = fund.attr("from_year", "?", "/backtest")
    return table(head, rows, labels.fmt("caption_backtest", year=frm, unit=labels.money))

