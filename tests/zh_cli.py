#!/usr/bin/env python3
"""zh_cli.py: the command line in Chinese (issue 24, item 1): everything that
run, compare, summary --csv, solve, sensitivity and check print for people,
with --lang zh or LANG=zh_CN.UTF-8, on a small Zhengzhou case (8 paths,
6 years).

 0. output/terms.def: a term whose text is a printf format (the messages, the
    CSV's column names) takes the same arguments in English and Chinese: the
    same conversions in the same order (flags, widths and precisions aside;
    "%.0s" takes the English plural's "s" and prints nothing), so that one
    call serves both, and has no bare %; codes are unique.
 1. check: its summary line in Chinese, by --lang zh and by the locale;
    --lang en under LANG=zh_CN.UTF-8 gives the English line, unchanged; the
    count of problems in Chinese.
 2. run (LANG=zh_CN.UTF-8, no --lang), compare, solve and sensitivity
    (--lang zh), and summary --csv --table all --lang zh of the compare
    file: stdout and stderr hold no word of two or more Latin letters but
    the allowed ones: units (kB, MB), codes (the scenarios' names, the
    region's code, an assumption's name), file names, option and setting
    names (costs.inflation), fundsim's name and its commands, Wilson's; and
    they hold the standard terms. Errors stay English (README.md), so none
    is provoked here.
 3. --lang en under LANG=zh_CN.UTF-8: run and the CSV are English; the CSV's
    header is the one of before (year,region,name_zh,balance_p5_1e8_yuan...).

Usage: zh_cli.py FUNDSIM SOURCE_DIR
"""
import os
import re
import subprocess
import sys
import tempfile

FUNDSIM, SRC = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
ZZ = os.path.join(SRC, "scenarios/zhengzhou-2024.cfg")
SMALL = ["--paths", "8", "--threads", "2", "--set", "simulation.years=6"]
# units, codes, file names, option names, fundsim's name and its commands
# (the messages' "fundsim run: "), Wilson's, the assumption "inflation" of
# sensitivity --only (lower case)
ALLOWED = {"kb", "mb", "fundsim", "run", "compare", "solve", "check", "sensitivity", "set",
           "zhengzhou", "cap", "h5", "cfg", "wilson", "inflation"}


def fail(msg):
    print("FAIL:", msg, file=sys.stderr)
    sys.exit(1)


def fundsim(*args, lang_env="C.UTF-8", status=0):
    """stdout and stderr of fundsim ARGS with LANG=lang_env (LC_ALL and
    LC_MESSAGES unset), after checking its exit status."""
    env = dict(os.environ, LANG=lang_env)
    env.pop("LC_ALL", None)
    env.pop("LC_MESSAGES", None)
    p = subprocess.run([FUNDSIM, *args], capture_output=True, env=env)
    if p.returncode != status:
        fail(f"fundsim {' '.join(args)}: status {p.returncode}: {p.stderr.decode()}")
    return p.stdout.decode(), p.stderr.decode()


def english_words(text, paths):
    """The words of two or more Latin letters in text outside the allowed
    ones, after the paths and the settings' names (a.b_c) are taken out."""
    for p in sorted(paths, key=len, reverse=True):
        text = text.replace(p, " ")
    text = re.sub(r"\b[a-z_]+(\.[a-z_\[\]0-9]+)+\b", " ", text)
    return sorted({w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in ALLOWED})


def expect_chinese(what, text, paths, terms):
    bad = english_words(text, paths)
    if bad: fail(f"English words in {what}: {bad}\n{text}")
    for t in terms:
        if t not in text: fail(f"{what} lacks {t}:\n{text}")


# 0. The term table's formats.
# (without the space flag, which no term uses: "95 % interval" is text, not "% i")
CONV = re.compile(r"%(%|[-+#0']*(\d+|\*)?(\.(\d+|\*))?(hh|h|ll|l|z|j|t|L)?[diouxXeEfFgGaAcsp])")


def conversions(s):
    """The conversions of printf format s, as %s, %zu, %g: without %%,
    flags, widths and precisions ("%.0s" takes a string as "%s" does)."""
    return [re.sub(r"^%[-+#0']*(\d+|\*)?(\.(\d+|\*))?", "%", m.group(0))
            for m in CONV.finditer(s) if m.group(0) != "%%"]


codes = set()
n_formats = 0
with open(os.path.join(SRC, "output/terms.def"), encoding="utf-8") as f:
    for line in f:
        m = re.match(r'TERM\((\w+), "((?:[^"\\]|\\.)*)", "((?:[^"\\]|\\.)*)"\)$', line.strip())
        if not m: continue
        code, en, zh = m.groups()
        if code in codes: fail(f"terms.def: {code} twice")
        codes.add(code)
        if conversions(en) != conversions(zh):
            fail(f"terms.def: {code}: English {conversions(en)}, Chinese {conversions(zh)}")
        n_formats += bool(conversions(en))
        # a bare % in a format (not %% or a conversion) would print garbage
        for s in (en, zh):
            bare = r"%(?![-+#0']*\d*(\.\d+)?[hlzjtL]*[diouxXeEfFgGaAcsp])"
            if conversions(en) and re.search(bare, s.replace("%%", "")):
                fail(f"terms.def: {code}: a bare % in a format: {s}")
if n_formats < 30: fail(f"terms.def: only {n_formats} formats found: is the pattern stale?")

with tempfile.TemporaryDirectory(prefix="fundsim-zh-") as d:
    paths = [d, SRC]

    # 1. check.
    out, _ = fundsim("check", "--lang", "zh", ZZ)
    want = f"通过：{ZZ}：情景“zhengzhou-2024”，1 个地区，2024-2053 年，1000 条路径\n"
    if out != want: fail(f"check --lang zh: {out!r}, not {want!r}")
    if fundsim("check", ZZ, lang_env="zh_CN.UTF-8")[0] != want:
        fail("LANG=zh_CN.UTF-8 does not give check's Chinese")
    en = fundsim("check", "--lang", "en", ZZ, lang_env="zh_CN.UTF-8")[0]
    if en != f'ok: {ZZ}: scenario "zhengzhou-2024", 1 region, 2024-2053, 1000 paths\n':
        fail(f"check --lang en: {en!r}")
    _, err = fundsim("check", "--lang", "zh", "--set", "simulation.paths=0", ZZ, status=2)
    if not err.endswith(f"{ZZ}：1 个问题\n"): fail(f"check's count of problems: {err!r}")

    # 2. run by the locale, compare and solve by --lang zh, the CSV.
    zz = os.path.join(d, "zz.h5")
    out, err = fundsim("run", ZZ, *SMALL, "-o", zz, lang_env="zh_CN.UTF-8")
    expect_chinese("run (LANG=zh_CN.UTF-8)", out + err, paths,
                   ["条路径", "已写入", "累计结余", "可支付月数", "预警等级", "当期结余"])
    if not re.search(r"(红色|橙色|黄色|绿色|结余过多) +\d\.\d\d$", out, re.M):
        fail(f"run: no warning level in Chinese:\n{out}")
    cap = os.path.join(d, "zz-cap-600.cfg")
    with open(cap, "w", encoding="utf-8") as f:
        f.write(f'base = "{ZZ}";\nname = "zhengzhou-cap-600";\n'
                'description = "郑州市，普通门诊年度最高支付限额 600 元";\n'
                "policy = { outpatient = { annual_cap_yuan = ((2024, 600.0)); }; };\n")
    cmp_h5 = os.path.join(d, "cmp.h5")
    out, err = fundsim("compare", "--lang", "zh", ZZ, cap, *SMALL, "-o", cmp_h5)
    expect_chinese("compare --lang zh", out + err, paths,
                   ["谁受益、谁负担", "统筹基金：普通门诊", "个人自付", "已写入"])
    out, err = fundsim("summary", "--csv", "--table", "all", "--lang", "zh", cmp_h5)
    expect_chinese("summary --csv --table all --lang zh", out + err, paths,
                   ["年份,地区代码,地区名称,累计结余5%（亿元）", "# 当期预警", "# 谁受益、谁负担",
                    "方案,年份,地区代码,地区名称,累计结余变化均值（亿元）", "亿元", "中央"])
    out, err = fundsim("solve", "--lang", "zh", ZZ, "--paths", "8", "--threads", "2",
                       "--target", "P(depletion by 2026) <= 0.5",
                       "--adjust", "policy.contribution.individual_yuan")
    expect_chinese("solve --lang zh", out + err, paths,
                   ["截至 2026 年累计结余耗尽概率", "提高幅度的 95% 区间", "条路径"])

    out, err = fundsim("sensitivity", "--lang", "zh", ZZ, *SMALL, "--only", "inflation",
                       "-o", os.path.join(d, "sens.h5"))
    expect_chinese("sensitivity --lang zh", out + err, paths,
                   ["的敏感性", "精算平衡（百分点）", "耗尽年中位数", "已写入"])

    # 3. --lang en under a Chinese locale.
    out, err = fundsim("run", ZZ, *SMALL, "--lang", "en", "-o", zz, lang_env="zh_CN.UTF-8")
    if not re.search(r"^fundsim run: 8 paths in [\d.]+ s \([\d.]+ paths/s\); wrote ", err, re.M):
        fail(f"run --lang en: stderr not English:\n{err}")
    if re.search(r"[\u4e00-\u9fff]", err) or "Key drivers" not in out:
        fail(f"run --lang en is not English:\n{out}{err}")
    out, _ = fundsim("summary", "--csv", "--lang", "en", zz, lang_env="zh_CN.UTF-8")
    head = ("year,region,name_zh,balance_p5_1e8_yuan,balance_p50_1e8_yuan,balance_p95_1e8_yuan,"
            "months_p5,months_p50,months_p95,p_depleted,level,p_level,first_year_at_risk,"
            "history\n")
    if not out.startswith(head): fail(f"the English CSV's header changed: {out.splitlines()[0]}")
print("zh_cli: all checks passed")
