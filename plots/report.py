#!/usr/bin/python3
"""report.py: a folder with every chart of a fundsim HDF5 file and an index.html.

Usage: plots/report.py OUT.h5 -o DIR [--lang zh|en]

Reads the file only (output/README.md's layout) and writes into DIR, made if
needed: the first warning (income, expenditure, the current surplus and
P(current deficit)), the fan charts of the balance and of the months of payment
(province, and the regions as small multiples), the cumulative shortfall, the
warning maps, the first depletion year, the budget burden, and for a `fundsim
compare` file each variant's difference charts; then index.html with every
chart and the summary tables (and, for a `fundsim backtest` file, its
actual-vs-expected table). The report of a compare file opens with the
variants' findings (who gains and who pays); every report then shows the
assumptions. Every word comes from output/terms.def (terms.py), in the
language of --lang (default: Chinese when LC_ALL, LC_MESSAGES or LANG starts
with zh, as fundsim's). `CHARTS` lists the charts, each with the datasets it
needs: a chart whose datasets the file lacks is left out, and said so. Prints
the path of index.html.

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
import current  # noqa: E402
import fan  # noqa: E402
import maps  # noqa: E402
import single_html  # noqa: E402
import tables  # noqa: E402
import tornado  # noqa: E402
import variants  # noqa: E402
import workbook  # noqa: E402
from fonts import setup_fonts  # noqa: E402
from fundfile import FundFile, NotFundsimFile  # noqa: E402
from terms import TermsError, default_lang  # noqa: E402

# (file, section term, caption term, needed datasets, draw(fund, labels, path) -> note)
CHARTS = (
    ("per-enrollee.png", "sec_assumptions", "cap_per_enrollee",
     ["summary/national/income_per_enrollee_quantiles"], fan.per_enrollee_chart),
    ("current.png", "first_warning", "cap_current",
     ["summary/province/surplus_quantiles", "warning/p_deficit"], current.current_chart),
    ("balance-province.png", "balance", "cap_balance_province",
     ["summary/province/balance_quantiles"],
     lambda f, lb, p: fan.province_fan(f, "balance", lb, p)),
    ("balance-regions.png", "balance", "cap_balance_regions", ["summary/balance_quantiles"],
     lambda f, lb, p: fan.regions_fan(f, "balance", lb, p)),
    ("shortfall.png", "shortfall", "cap_shortfall", ["summary/province/shortfall_quantiles"],
     fan.shortfall_fan),
    ("months-province.png", "months_payable", "cap_months_province",
     ["summary/province/months_quantiles"],
     lambda f, lb, p: fan.province_fan(f, "months", lb, p)),
    ("months-regions.png", "months_payable", "cap_months_regions",
     ["summary/months_quantiles"], lambda f, lb, p: fan.regions_fan(f, "months", lb, p)),
    ("warning-level.png", "sec_early_warning", "cap_warning_level",
     ["warning/level", "warning/levels", "warning/p_level"], maps.warning_level_map),
    ("p-depleted.png", "sec_early_warning", "cap_p_depleted", ["warning/p_depleted"],
     maps.depleted_map),
    ("first-depletion.png", "sec_depletion", "cap_first_depletion",
     ["depletion/p_first_year", "depletion/p_never"], maps.first_depletion_map),
    ("budget.png", "budget_burden", "cap_budget", ["summary/province/outlay_central_mean"],
     budget.budget_chart),
    ("tornado.png", "sec_sensitivity", "cap_tornado", ["sensitivity/order"],
     tornado.tornado_chart),
)


def variant_charts(fund, labels):
    """The CHARTS-like entries of each variant of a comparison file: (file, section,
    caption, needed, draw) with the section and caption as text."""
    out = []
    for i, v in enumerate(fund.variants()):
        stem = variants.file_stem(i, v)
        section = labels.fmt("sec_variant", variant=v)
        out.append((f"{stem}-balance.png", section, labels.fmt("cap_variant_balance", variant=v),
                    [f"diff/{v}/summary/province/balance_quantiles"],
                    lambda f, lb, p, v=v: variants.difference_fan(f, v, lb, p)))
        out.append((f"{stem}-depletion.png", section,
                    labels.fmt("cap_variant_depletion", variant=v),
                    [f"diff/{v}/warning/province_delta_p_depleted"],
                    lambda f, lb, p, v=v: variants.depletion_change(f, v, lb, p)))
        if not variants.has_transfers(fund, v):
            continue
        out.append((f"{stem}-transfers.png", section,
                    labels.fmt("cap_variant_transfers", variant=v),
                    [f"diff/{v}/summary/adjustment_received_mean"],
                    lambda f, lb, p, v=v: variants.transfers_map(f, v, lb, p)))
        out.append((f"{stem}-some-fund.png", section,
                    labels.fmt("cap_variant_some_fund", variant=v),
                    [f"diff/{v}/warning/p_any_depleted_variant"],
                    lambda f, lb, p, v=v: variants.some_fund_depleted(f, v, lb, p)))
    return out


def make_charts(fund, labels, out_dir):
    """Draws every chart the file allows; returns [(file, section, caption)] (texts)."""
    made = []
    charts = [(n, labels.t(s), labels.t(c), needed, draw) for n, s, c, needed, draw in CHARTS]
    for name, section, caption, needed, draw in charts + variant_charts(fund, labels):
        lacking = [d for d in needed if not fund.has(d)]
        if lacking:
            print(f"report.py: no {name}: the file has no /{', /'.join(lacking)}",
                  file=sys.stderr)
            continue
        note = draw(fund, labels, os.path.join(out_dir, name))
        if isinstance(note, fan.Skip):
            print(f"report.py: no {name}: {note}", file=sys.stderr)
            continue
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


def meta_line(fund, labels):
    pooling = fund.attr("pooling", "?")
    code = f"pooling_{pooling}"
    return labels.fmt("report_meta", file=os.path.basename(fund.path),
                      paths=fund.attr("paths", "?"), seed=fund.attr("seed", "?"),
                      first=fund.years[0], last=fund.years[-1], regions=len(fund.regions),
                      pooling=labels.t(code) if labels.terms.has(code) else pooling,
                      version=fund.attr("fundsim_version", "?"), created=fund.attr("created", "?"))


def page(fund, made, labels):
    """index.html: a header; for a comparison the variants' findings first; then the
    assumptions, and each section's charts and tables."""
    t = labels.t
    title = labels.fmt("report_title",
                       name=fund.attr("scenario_name", os.path.basename(fund.path)))
    findings, assumptions = t("who_gains"), t("sec_assumptions")
    extra = {assumptions: [tables.assumptions_html(fund, labels),
                           tables.outlook_html(fund, labels), tables.actuarial_table(fund, labels)],
             t("first_warning"): [tables.current_table(fund, labels)],
             t("sec_early_warning"): [tables.warning_table(fund, labels),
                                      tables.first_year_table(fund, labels)],
             t("budget_burden"): [tables.budget_table(fund, labels)]}
    if fund.variants():
        extra[findings] = [x for v in fund.variants()
                           for x in (tables.findings_html(fund, v, labels),
                                     tables.gains_html(fund, v, labels))]
    if fund.has("backtest/actual"):
        extra[t("sec_backtest")] = [tables.backtest_table(fund, labels)]
    for v in fund.variants():
        extra[labels.fmt("sec_variant", variant=v)] = [tables.variant_table(fund, v, labels)]
    # a comparison's findings first, then the assumptions: the headline figures rest on them
    opening = ([findings] if fund.variants() else []) + [assumptions, t("first_warning")]
    sections = list(dict.fromkeys(opening + [s for _, s, _ in made] + list(extra)))
    texts_first = {findings, assumptions, t("first_warning")}
    body = [f"<h1>{escape(title)}</h1>", f"<p>{escape(meta_line(fund, labels))}</p>", "<ul>"]
    body += [f"<li><a href='#s{i}'>{escape(s)}</a></li>" for i, s in enumerate(sections)]
    body.append("</ul>")
    for i, section in enumerate(sections):
        body.append(f"<h2 id='s{i}'>{escape(section)}</h2>")
        if section in texts_first:
            body += [x for x in extra.get(section, []) if x]
        for name, s, caption in made:
            if s == section:
                body.append(f"<figure><img src='{escape(name)}' alt='{escape(caption)}'>"
                            f"<figcaption>{escape(caption)}</figcaption></figure>")
        if section not in texts_first:
            body += [x for x in extra.get(section, []) if x]
    lang = "zh-CN" if labels.zh else "en"
    return (f"<!DOCTYPE html>\n<html lang='{lang}'>\n<head>\n<meta charset='utf-8'>\n"
            f"<title>{escape(title)}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n"
            + "\n".join(body) + "\n</body>\n</html>\n")


def main(argv):
    parser = argparse.ArgumentParser(
        prog="report.py", description="Every chart of a fundsim HDF5 file as PNG, and an "
        "index.html that shows them with the summary tables.")
    parser.add_argument("file", metavar="OUT.h5", help="a file of fundsim run or compare")
    parser.add_argument("-o", "--output", metavar="DIR", required=True,
                        help="the report's folder (made if needed)")
    parser.add_argument("--lang", choices=("zh", "en"), default=default_lang(),
                        help="the language of the report (default: zh when LC_ALL, "
                        "LC_MESSAGES or LANG starts with zh, else en)")
    args = parser.parse_args(argv)
    try:
        fund = FundFile(args.file)
    except NotFundsimFile as e:
        print(f"report.py: {e}", file=sys.stderr)
        return 2
    try:
        labels = setup_fonts(args.lang)
    except TermsError as e:
        print(f"report.py: {e}", file=sys.stderr)
        fund.close()
        return 1
    if not labels.cjk_font:
        print("report.py: note: no CJK font found (install fonts-noto-cjk); the report is "
              "in English and regions are named in pinyin only", file=sys.stderr)
    try:
        os.makedirs(args.output, exist_ok=True)
        made = make_charts(fund, labels, args.output)
        index = os.path.join(args.output, "index.html")
        with open(index, "w", encoding="utf-8") as out:
            out.write(page(fund, made, labels))
        # beside the folder DIR: DIR.xlsx (its tables) and DIR.html (one file)
        beside = os.path.abspath(args.output)
        workbook.write(index, beside + ".xlsx", args.lang)
        single_html.write(index, beside + ".html")
    except OSError as e:
        print(f"report.py: cannot write the report in {args.output}: {e}", file=sys.stderr)
        return 1
    finally:
        fund.close()
    print(index)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
