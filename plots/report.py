#!/usr/bin/python3
"""report.py: a folder with every chart of a fundsim HDF5 file and an index.html.

Usage: plots/report.py OUT.h5 -o DIR

Reads the file only (output/README.md's layout) and writes into DIR, made if
needed: the fan charts of the balance and of the months of payment (province,
and the regions as small multiples), the warning maps, the first depletion
year, the budget burden, and for a `fundsim compare` file each variant's
difference charts; then index.html with every chart and the summary tables (and,
for a `fundsim backtest` file, its actual-vs-expected table).
`CHARTS` lists them, each with the datasets it needs: a chart whose datasets
the file lacks is left out, and said so. Prints the path of index.html.

Exit status: 0 done; 1 the report cannot be written; 2 bad usage, or the file
is missing, unreadable or not a fundsim file (no /summary).
"""

import argparse
import os
import sys
from html import escape

import matplotlib

matplotlib.use("Agg")

import budget  # noqa: E402  (the backend is chosen before pyplot is imported)
import fan  # noqa: E402
import maps  # noqa: E402
import tables  # noqa: E402
import tornado  # noqa: E402
import variants  # noqa: E402
from fonts import setup_fonts  # noqa: E402
from fundfile import FundFile, NotFundsimFile  # noqa: E402

# (file, section, caption, needed datasets, draw(fund, labels, path) -> note or None)
CHARTS = (
    ("per-enrollee.png", "Assumptions and outlook", "The province's financing (contributions, "
     "subsidy, other income) and benefit expenditure per enrollee: medians and 90 % bands. "
     "After the last dated financing rule both follow the assumptions above.",
     ["summary/national/income_per_enrollee_quantiles"], fan.per_enrollee_chart),
    ("balance-province.png", "Balance", "The province's accumulated balance: median and "
     "50/80/90 % bands across paths; below 0 the fund is depleted.",
     ["summary/province/balance_quantiles"],
     lambda f, lb, p: fan.province_fan(f, "balance", lb, p)),
    ("balance-regions.png", "Balance", "Each region's accumulated balance (each panel its "
     "own scale).", ["summary/balance_quantiles"],
     lambda f, lb, p: fan.regions_fan(f, "balance", lb, p)),
    ("months-province.png", "Months of payment", "The province's months of payment: its "
     "balance over its average monthly benefits; under 3 months is the orange warning.",
     ["summary/province/months_quantiles"],
     lambda f, lb, p: fan.province_fan(f, "months", lb, p)),
    ("months-regions.png", "Months of payment", "Each region's months of payment.",
     ["summary/months_quantiles"], lambda f, lb, p: fan.regions_fan(f, "months", lb, p)),
    ("warning-level.png", "Early warning", "The most likely warning level of each region "
     "and year.", ["warning/level", "warning/levels"], maps.warning_level_map),
    ("p-depleted.png", "Early warning", "The probability that the balance is below 0 at "
     "the end of each year.", ["warning/p_depleted"], maps.depleted_map),
    ("first-depletion.png", "Depletion", "When each region's balance first falls below 0: "
     "the probability of each year, the median year, and the probability of never.",
     ["depletion/p_first_year", "depletion/p_never"], maps.first_depletion_map),
    ("budget.png", "Budget burden", "What each level of government pays by year, stacked "
     "(means), and each level's 5-95 % band.",
     ["summary/province/outlay_central_mean"], budget.budget_chart),
    ("tornado.png", "Sensitivity", "Each assumption moved alone to its low and high value "
     "(`fundsim sensitivity`), on common random numbers: the change in the province's "
     "actuarial balance and in its probability of depletion, widest swing on top.",
     ["sensitivity/order"], tornado.tornado_chart),
)


def variant_charts(fund):
    """The CHARTS-like entries of each variant of a comparison file."""
    out = []
    for i, v in enumerate(fund.variants()):
        stem = variants.file_stem(i, v)
        out.append((f"{stem}-balance.png", f"Variant {v}", f"Variant {v} - base: the "
                    "province's balance difference on common random numbers, its "
                    "quantiles, mean and 95 % CI.",
                    [f"diff/{v}/summary/province/balance_quantiles"],
                    lambda f, lb, p, v=v: variants.difference_fan(f, v, lb, p)))
        out.append((f"{stem}-depletion.png", f"Variant {v}", f"Variant {v} - base: the "
                    "change in the province's probability of depletion, with its 95 % CI.",
                    [f"diff/{v}/warning/province_delta_p_depleted"],
                    lambda f, lb, p, v=v: variants.depletion_change(f, v, lb, p)))
        if not variants.has_transfers(fund, v):
            continue
        out.append((f"{stem}-transfers.png", f"Variant {v}", f"Variant {v} - base: each "
                    "region's mean net transfer between funds by year: what the fund it pools "
                    "with pays for it beyond its own income (blue), or what it pays in (red). "
                    "The row of the region that holds a pooled fund shows the other side.",
                    [f"diff/{v}/summary/adjustment_received_mean"],
                    lambda f, lb, p, v=v: variants.transfers_map(f, v, lb, p)))
        out.append((f"{stem}-some-fund.png", f"Variant {v}", f"Variant {v}: the probability "
                    "that some fund is depleted (some region's balance, or a pooled fund's, "
                    "below 0), base and variant, and the province's sums.",
                    [f"diff/{v}/warning/p_any_depleted_variant"],
                    lambda f, lb, p, v=v: variants.some_fund_depleted(f, v, lb, p)))
    return out


def make_charts(fund, labels, out_dir):
    """Draws every chart the file allows; returns [(file, section, caption)]."""
    made = []
    for name, section, caption, needed, draw in list(CHARTS) + variant_charts(fund):
        lacking = [d for d in needed if not fund.has(d)]
        if lacking:
            print(f"report.py: no {name}: the file has no /{', /'.join(lacking)}",
                  file=sys.stderr)
            continue
        note = draw(fund, labels, os.path.join(out_dir, name))
        if note:
            print(f"report.py: {name}: {note}", file=sys.stderr)
        made.append((name, section, caption))
    return made


STYLE = """body { font-family: "Noto Sans CJK SC", "Noto Sans", sans-serif; margin: 2em; }
img { max-width: 100%; border: 1px solid #ddd; }
figure { margin: 1em 0 2em 0; }
table { border-collapse: collapse; margin: 1em 0 2em 0; font-size: 0.85em; }
caption { text-align: left; font-weight: bold; padding: 0.3em 0; }
th, td { border: 1px solid #ccc; padding: 0.15em 0.5em; text-align: right; }
td.name { text-align: left; white-space: nowrap; }"""


def page(fund, made):
    """index.html: a header, then each section's charts and tables."""
    title = f"fundsim report: {fund.attr('scenario_name', os.path.basename(fund.path))}"
    meta = (f"File {fund.path}: {fund.attr('paths', '?')} paths, seed {fund.attr('seed', '?')}, "
            f"years {fund.years[0]}-{fund.years[-1]}, {len(fund.regions)} regions, "
            f"pooling {fund.attr('pooling', '?')}, fundsim {fund.attr('fundsim_version', '?')}, "
            f"created {fund.attr('created', '?')}.")
    extra = {"Assumptions and outlook": [tables.assumptions_html(fund), tables.outlook_html(fund),
                                         tables.actuarial_table(fund)],
             "Early warning": [tables.warning_table(fund), tables.first_year_table(fund)],
             "Budget burden": [tables.budget_table(fund)]}
    if fund.has("backtest/actual"):
        extra["Backtest"] = [tables.backtest_table(fund)]
    for v in fund.variants():
        extra[f"Variant {v}"] = [tables.variant_table(fund, v)]
    # the assumptions first: the headline figures rest on them
    sections = list(dict.fromkeys(["Assumptions and outlook"] + [s for _, s, _ in made] +
                                  list(extra)))
    body = [f"<h1>{escape(title)}</h1>", f"<p>{escape(meta)}</p>", "<ul>"]
    body += [f"<li><a href='#s{i}'>{escape(s)}</a></li>" for i, s in enumerate(sections)]
    body.append("</ul>")
    for i, section in enumerate(sections):
        body.append(f"<h2 id='s{i}'>{escape(section)}</h2>")
        texts_first = section == "Assumptions and outlook"
        if texts_first:
            body += [t for t in extra.get(section, []) if t]
        for name, s, caption in made:
            if s == section:
                body.append(f"<figure><img src='{escape(name)}' alt='{escape(caption)}'>"
                            f"<figcaption>{escape(caption)}</figcaption></figure>")
        if not texts_first:
            body += [t for t in extra.get(section, []) if t]
    return ("<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
            f"<title>{escape(title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def main(argv):
    parser = argparse.ArgumentParser(
        prog="report.py", description="Every chart of a fundsim HDF5 file as PNG, and an "
        "index.html that shows them with the summary tables.")
    parser.add_argument("file", metavar="OUT.h5", help="a file of fundsim run or compare")
    parser.add_argument("-o", "--output", metavar="DIR", required=True,
                        help="the report's folder (made if needed)")
    args = parser.parse_args(argv)
    try:
        fund = FundFile(args.file)
    except NotFundsimFile as e:
        print(f"report.py: {e}", file=sys.stderr)
        return 2
    labels = setup_fonts()
    if not labels.cjk_font:
        print("report.py: note: no CJK font found (install fonts-noto-cjk); regions are "
              "named in pinyin only", file=sys.stderr)
    try:
        os.makedirs(args.output, exist_ok=True)
        made = make_charts(fund, labels, args.output)
        index = os.path.join(args.output, "index.html")
        with open(index, "w", encoding="utf-8") as out:
            out.write(page(fund, made))
    except OSError as e:
        print(f"report.py: cannot write the report in {args.output}: {e}", file=sys.stderr)
        return 1
    finally:
        fund.close()
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
