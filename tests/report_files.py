#!/usr/bin/python3
"""report_files.py: the report's two single files (issue 24, item 6): DIR.xlsx and
DIR.html beside the folder DIR of `plots/report.py OUT.h5 -o DIR`.

On a comparison of tests/scenarios/minimal.cfg with variant-cap.cfg (16 paths),
its report in Chinese (--lang zh):
 - DIR.xlsx has a sheet per table of DIR/index.html, in its order but the
   assumptions first (a comparison's page opens with its findings; as many as
   the page's <table>s); the first is the assumptions (/assumptions): its
   header row is the term table's 假设/取值/来源/依据 words (plots/terms.py),
   one row per /assumptions/term, named in Chinese; the median balance of the
   first year (亿元, 2 decimals, from /summary/balance_quantiles) is a number
   cell in the row of that year; every page cell that is a number (12.34,
   −0.5) is a number in the workbook;
 - DIR.html has no reference to another file (no src= or href= but data: and
   #links), an inlined image per <img> of index.html, each the bytes of the
   folder's PNG;
 - a page that names a chart the folder lacks is an error (OSError), and no
   file is left at the single file's path.

Usage: report_files.py FUNDSIM SOURCE_DIR
"""
import base64
import os
import re
import subprocess
import sys
import tempfile

import h5py
import numpy as np
import openpyxl

FUNDSIM, SRC = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SRC, "plots"))
import single_html  # noqa: E402
import terms  # noqa: E402
import workbook  # noqa: E402

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL:", msg)


def check_workbook(h5, folder):
    with open(os.path.join(folder, "index.html"), encoding="utf-8") as f:
        html = f.read()
    book = openpyxl.load_workbook(folder + ".xlsx")
    n_tables = len(re.findall(r"<table\b", html))
    if len(book.sheetnames) != n_tables:
        fail(f"{len(book.sheetnames)} sheets for the page's {n_tables} tables")
    zh = terms.Terms("zh")
    first = book.worksheets[0]
    head = [c.value for c in first[2]]
    want = [zh("assumption"), zh("value"), zh("source"), zh("detail")]
    if head[:4] != want:
        fail(f"the first sheet's header is {head}, not the assumptions' {want}")
    with h5py.File(h5, "r") as f:
        codes = [t.decode() if isinstance(t, bytes) else t for t in f["assumptions/term"][()]]
        years = f["years"][()].tolist()
        levels = f["quantiles"][()].tolist()
        median = f["summary/balance_quantiles"][0, 0, levels.index(0.5)] / 1e8
    names = [r[0].value for r in first.iter_rows(min_row=3)]
    if names != [zh(c) for c in codes]:
        fail(f"the first sheet's rows are {names}, not /assumptions/term in Chinese")
    # the median balance of the first year, a number in that year's row
    found = False
    for ws in book.worksheets:
        for row in ws.iter_rows(min_row=3, values_only=True):
            if row and row[0] == years[0] and any(
                    isinstance(v, float) and abs(v - round(median, 2)) < 1e-9 for v in row):
                found = True
    if not found:
        fail(f"no row of {years[0]} holds the median balance {median:.2f} as a number")
    # the page's numbers are the workbook's numbers
    for table, ws in zip(workbook.assumptions_first(workbook.page_tables(html), "zh"),
                         book.worksheets):
        for r, row in enumerate(table.rows, 3):
            for c, text in enumerate(row, 1):
                value = ws.cell(row=r, column=c).value
                if re.fullmatch(r"[+\-−]?\d+\.\d+", text) and (
                        not isinstance(value, (int, float))
                        or abs(value - float(text.replace("−", "-"))) > 1e-9):
                    fail(f"sheet {ws.title}, row {r}, column {c}: {value!r} for {text!r}")
                    return
    print(f"{os.path.basename(folder)}.xlsx: sheets {book.sheetnames}")


def check_single_html(folder):
    with open(os.path.join(folder, "index.html"), encoding="utf-8") as f:
        index = f.read()
    with open(folder + ".html", encoding="utf-8") as f:
        page = f.read()
    outside = single_html.external(page)
    if outside:
        fail(f"the single file refers to other files: {outside[:5]}")
    if re.search(r"<link\b|<script\b[^>]*\bsrc|url\(", page, re.IGNORECASE):
        fail("the single file loads a stylesheet, a script or a url()")
    charts = re.findall(r"<img src='([^']+)'", index)
    inlined = re.findall(r"<img src='data:image/png;base64,([^']+)'", page)
    if not charts or len(inlined) != len(charts):
        fail(f"{len(inlined)} inlined images for the page's {len(charts)} charts")
    for name, data in zip(charts, inlined):
        with open(os.path.join(folder, name), "rb") as f:
            if base64.b64decode(data) != f.read():
                fail(f"the inlined {name} is not the folder's")
    print(f"{os.path.basename(folder)}.html: {len(inlined)} charts inlined, "
          f"{os.path.getsize(folder + '.html')} bytes, no other file")


def check_missing_chart(tmp):
    folder = os.path.join(tmp, "broken")
    os.makedirs(folder)
    index = os.path.join(folder, "index.html")
    with open(index, "w", encoding="utf-8") as f:
        f.write("<html><body><img src='gone.png'></body></html>")
    try:
        single_html.write(index, folder + ".html")
        fail("a page naming a missing chart made a single file")
    except OSError:
        pass
    if os.listdir(tmp).count("broken.html"):
        fail("a failed single file was left behind")


def main():
    scen = os.path.join(SRC, "tests/scenarios")
    with tempfile.TemporaryDirectory() as tmp:
        h5 = os.path.join(tmp, "cmp.h5")
        subprocess.run([FUNDSIM, "compare", os.path.join(scen, "minimal.cfg"),
                        os.path.join(scen, "variant-cap.cfg"), "--paths", "16", "--quiet",
                        "-o", h5], check=True, stdout=subprocess.DEVNULL)
        folder = os.path.join(tmp, "report")
        r = subprocess.run(["/usr/bin/python3", os.path.join(SRC, "plots/report.py"), h5, "-o",
                            folder, "--lang", "zh"], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f"report.py: exit {r.returncode}\n{r.stderr}")
        for path in (folder + ".xlsx", folder + ".html"):
            if not os.path.isfile(path):
                sys.exit(f"report.py wrote no {path}")
        check_workbook(h5, folder)
        check_single_html(folder)
        check_missing_chart(tmp)
        leftovers = [n for n in os.listdir(tmp) if ".tmp-" in n]
        if leftovers:
            fail(f"temporary files left: {leftovers}")
    if failures:
        sys.exit(f"{len(failures)} failures")
    print("the workbook and the single HTML file hold the report")


main()
