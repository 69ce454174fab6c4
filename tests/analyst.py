#!/usr/bin/env python3
"""analyst.py: what an analyst reads (issue 24): the Chinese summary, the
first warning, the CSV for Excel and compare's who gains and who pays.

 1. `fundsim summary --lang zh` of a Zhengzhou run (one region) shows no
    English word but the file's name, the scenario's name and the settings'
    names (codes): each word of Latin letters is checked against that
    allow-list; no province row (全省) for a single city; LANG=zh_CN.UTF-8
    gives the same text, and --lang en English.
 2. `summary --excel` opens with the UTF-8 byte-order mark (`--csv` without);
    `--years 2022-2051` gives 30 rows per region and the province, every
    year once; `--table all --csv` holds every table, each under "# NAME".
 3. compare of scenarios/variants/outpatient-cap-600.cfg (a larger outpatient
    cap from 2024): in 2027 the fund spends more on general outpatient care
    and the patients pay less out of pocket; the bills are the same, so the
    changes of the payers (the fund's benefit lines, serious-illness
    insurance, assistance, out of pocket) sum to 0, the cost of care; the
    text names both, and the rows 0 in every path once; in Chinese, with no
    English word but the scenarios' names.

Usage: analyst.py FUNDSIM SOURCE_DIR
"""
import csv
import io
import os
import re
import subprocess
import sys
import tempfile

FUNDSIM, SRC = os.path.abspath(sys.argv[1]), sys.argv[2]


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def fundsim(*args, env=None):
    e = dict(os.environ, LC_ALL="", LC_MESSAGES="", LANG="C.UTF-8")
    e.update(env or {})
    p = subprocess.run([FUNDSIM, *args], capture_output=True, env=e)
    if p.returncode != 0:
        fail(f"fundsim {' '.join(args)}: status {p.returncode}: {p.stderr.decode()}")
    return p.stdout


def words_not_allowed(text, allowed):
    """The words of Latin letters in text that are not allowed: setting
    names (a.b_c) and the allowed words are codes, numbers carry units."""
    text = re.sub(r"\b[a-z_]+(\.[a-z_]+)+\b", " ", text)  # settings: costs.inflation
    return sorted({w for w in re.findall(r"[A-Za-z]+", text) if w not in allowed})


with tempfile.TemporaryDirectory(prefix="fundsim-analyst-") as d:
    # 1. The Chinese summary of a single city's run.
    zz = os.path.join(d, "zz.h5")
    fundsim("run", os.path.join(SRC, "scenarios/zhengzhou-2024.cfg"), "--paths", "8",
            "--threads", "2", "--quiet", "-o", zz)
    zh = fundsim("summary", "--lang", "zh", zz).decode()
    body = zh.replace(zz, "")
    # the scenario's name, fundsim's, and the units and codes of the values
    allowed = {"zhengzhou", "fundsim", "h5"}
    bad = words_not_allowed(body, allowed)
    if bad: fail(f"English words in summary --lang zh: {bad}\n{zh}")
    for want in ("累计结余", "可支付月数", "预警等级", "当期结余", "当期收不抵支概率", "参保人数",
                 "基金收入", "基金支出", "郑州市", "主要假设", "精算平衡"):
        if want not in zh: fail(f"summary --lang zh lacks {want}")
    if "全省" in zh: fail("a single city's summary has a province row (全省)")
    if not re.search(r"^20\d\d  郑州市 .* (红色|橙色|黄色|绿色|结余过多) ", zh, re.M):
        fail("no warning level in Chinese")
    by_locale = fundsim("summary", zz, env={"LANG": "zh_CN.UTF-8"}).decode()
    if by_locale != zh: fail("LANG=zh_CN.UTF-8 does not give the Chinese summary")
    en = fundsim("summary", "--lang", "en", zz, env={"LANG": "zh_CN.UTF-8"}).decode()
    if "First warning" not in en or "当期结余" in en: fail("--lang en is not English")

    # 3. (first: its file serves 2) compare of the 600-yuan outpatient cap, 6 years.
    cap = os.path.join(d, "cap.h5")
    fundsim("compare", os.path.join(SRC, "scenarios/henan-2022.cfg"),
            os.path.join(SRC, "scenarios/variants/outpatient-cap-600.cfg"), "--paths", "4",
            "--threads", "2", "--set", "simulation.years=6", "--quiet", "-o", cap)
    rows = list(csv.DictReader(io.StringIO(
        fundsim("summary", "--table", "gains", "--csv", "--years", "2027", cap).decode())))
    prov = {r["line"]: float(r["mean"]) for r in rows if r["region"] == "province"}
    if not prov["fund_outpatient"] > 1: fail(f"fund outpatient change {prov['fund_outpatient']}")
    if not prov["out_of_pocket"] < -1: fail(f"out-of-pocket change {prov['out_of_pocket']}")
    payers = sum(prov[k] for k in ("fund_inpatient", "fund_outpatient", "fund_two_diseases",
                                   "fund_chronic", "serious_claims", "assistance_claims",
                                   "out_of_pocket"))
    # the same bills: the payers' changes sum to the cost of care's, 0 (CSV rounding: 1e-6)
    if abs(payers - prov["cost_of_care"]) > 1e-5 or abs(prov["cost_of_care"]) > 1e-3:
        fail(f"payers' changes {payers}, cost of care {prov['cost_of_care']}")
    if abs(prov["expenditure"] - prov["fund_outpatient"]) > 1e-5:
        fail("expenditure's change is not the outpatient line's")
    text = fundsim("summary", "--table", "diff", "--years", "2027", cap).decode()
    for pat in (r"Fund: general outpatient +\+\d+\.\d\d\n", r"Out-of-pocket cost +-\d+\.\d\d\n",
                r"No change in any path or year: .*Fund: inpatient"):
        if not re.search(pat, text): fail(f"compare's text lacks {pat!r}:\n{text}")
    if re.search(r"^Fund: inpatient +", text, re.M): fail("a row 0 in every path is printed")
    zh_diff = fundsim("summary", "--lang", "zh", "--table", "diff", "--years", "2027", cap).decode()
    bad = words_not_allowed(zh_diff.replace(cap, ""), {"henan", "outpatient", "cap", "fundsim"})
    if bad: fail(f"English words in compare's text in Chinese: {bad}")
    for want in ("谁受益、谁负担", "统筹基金：普通门诊", "个人自付", "医疗救助", "大病保险"):
        if want not in zh_diff: fail(f"compare's text in Chinese lacks {want}")

    # 2. The CSV for Excel: the byte-order mark, a range of years, every table.
    excel = fundsim("summary", "--excel", "--table", "current", "--years", "2022-2027", cap)
    if not excel.startswith(b"\xef\xbb\xbfyear,region,"): fail("--excel: no byte-order mark")
    plain = fundsim("summary", "--csv", "--years", "2022-2027", cap)
    if plain.startswith(b"\xef\xbb\xbf"): fail("--csv has a byte-order mark")
    table = list(csv.DictReader(io.StringIO(excel.decode("utf-8-sig"))))
    regions = {r["region"] for r in table}
    if len(regions) != 29 or "province" not in regions: fail(f"regions {len(regions)}")
    for reg in regions:
        years = [int(r["year"]) for r in table if r["region"] == reg]
        if years != list(range(2022, 2028)): fail(f"{reg}: years {years}")
    every = fundsim("summary", "--csv", "--table", "all", "--years", "2027", cap).decode()
    for name in ("warning", "current", "budget", "actuarial", "diff", "gains"):
        if f"# {name}\n" not in every: fail(f"--table all lacks {name}")
    # the run's whole horizon, 2024-2053 for Zhengzhou: 30 rows of its one region
    full = fundsim("summary", "--csv", "--table", "current", "--years", "2024-2053", zz).decode()
    if len(full.splitlines()) != 31: fail(f"{len(full.splitlines())} lines for 30 years")
print("analyst: all checks passed")
