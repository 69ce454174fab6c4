#!/usr/bin/python3
"""test_report_lang.py: plots/report.py --lang zh on a small Zhengzhou run and comparison.

Every label a reader sees is collected: in the charts, each visible text of the
figure when it is saved (titles, axis labels, tick labels, legends, colour bars,
the words in the cells); in index.html, every text node and the images' alt
text. In the Chinese report none of them may hold an ASCII word outside the
allowed units, codes and file names (a token with a digit, `_`, `.` or `-`,
such as p50, cap-600, run.h5, costs.inflation). Then what the issue asks of the
report: one region, so no 全省 (province) label; the balance and months charts
end AFTER_DEPLETION years past the median depletion year and months are not
drawn below 0; the warning map uses no warning colour; the comparison's report
opens with who gains and who pays, whose rows are the file's means, the
unchanged outlays named once; where the base is depleted in every path (the
file edited so), the change in the shortfall is -Δ balance; and the English
report is in English.

Usage: tests/test_report_lang.py build/fundsim SOURCE_DIR
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import unittest
import warnings
from html.parser import HTMLParser

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.figure  # noqa: E402
import matplotlib.text  # noqa: E402
import numpy as np  # noqa: E402

FUNDSIM, SOURCE = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SOURCE, "plots"))
import fan  # noqa: E402
import maps  # noqa: E402
import report  # noqa: E402
import tables  # noqa: E402
from fonts import setup_fonts  # noqa: E402
from fundfile import FundFile  # noqa: E402
from terms import Terms  # noqa: E402

SCENARIO = os.path.join(SOURCE, "scenarios/zhengzhou-2024.cfg")
VARIANT = os.path.join(SOURCE, "tests/scenarios/zhengzhou-cap.cfg")
SMALL = ["--paths", "24", "--set", "simulation.years=16", "--threads", "2", "--quiet"]
# ASCII words allowed in the Chinese report: the program's name, and the
# abbreviation of actual / expected in the backtest table
ALLOWED = {"fundsim", "A/E"}
TOKEN = re.compile(r"[A-Za-z0-9_./:\-]+")


def english_words(s):
    """The ASCII words of s (tokens with a letter) that are neither allowed nor a code, a
    date or a file name (those have a digit, `_`, `.` or `-`)."""
    return [w for w in TOKEN.findall(s) if re.search(r"[A-Za-z]", w)
            and w not in ALLOWED and not re.search(r"[0-9_.\-]", w)]


class Page(HTMLParser):
    """index.html's visible texts: text nodes (not in <style>) and alt attributes."""

    def __init__(self):
        super().__init__()
        self.texts, self.h2, self.skip, self.in_h2 = [], [], False, False

    def handle_starttag(self, tag, attrs):
        self.skip = tag in ("style", "script")
        self.in_h2 = tag == "h2"
        self.texts += [v for k, v in attrs if k == "alt" and v]

    def handle_endtag(self, tag):
        self.skip = self.in_h2 = False

    def handle_data(self, data):
        if self.skip or not data.strip():
            return
        self.texts.append(data.strip())
        if self.in_h2:
            self.h2.append(data.strip())


def make_report(h5, out_dir, lang):
    """Runs report.main in this process, keeping each saved chart's visible texts and
    its axes' limits: {file name: (texts, [(xlim, ylim)])}; and the page's texts."""
    charts = {}
    save = matplotlib.figure.Figure.savefig

    def keeping(fig, path, *args, **kwargs):
        texts = [t.get_text() for t in fig.findobj(matplotlib.text.Text)
                 if t.get_visible() and t.get_text().strip()]
        limits = [(ax.get_xlim(), ax.get_ylim()) for ax in fig.axes if ax.get_visible()]
        images = [im.get_cmap().name for ax in fig.axes for im in ax.get_images()]
        charts[os.path.basename(path)] = (texts, limits, images)
        return save(fig, path, *args, **kwargs)

    matplotlib.figure.Figure.savefig = keeping
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # a glyph missing from the font fails
            status = report.main([h5, "-o", out_dir, "--lang", lang])
    finally:
        matplotlib.figure.Figure.savefig = save
    page = Page()
    with open(os.path.join(out_dir, "index.html"), encoding="utf-8") as f:
        page.feed(f.read())
    return status, charts, page


class ReportLangTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        cls.run_h5, cls.cmp_h5 = os.path.join(d, "run.h5"), os.path.join(d, "cmp.h5")
        subprocess.run([FUNDSIM, "run", SCENARIO, *SMALL, "-o", cls.run_h5], check=True,
                       stdout=subprocess.DEVNULL)
        subprocess.run([FUNDSIM, "compare", SCENARIO, VARIANT, *SMALL, "-o", cls.cmp_h5],
                       check=True, stdout=subprocess.DEVNULL)
        cls.zh = {name: make_report(h5, os.path.join(d, f"{name}-zh"), "zh")
                  for name, h5 in (("run", cls.run_h5), ("cmp", cls.cmp_h5))}
        cls.en = make_report(cls.cmp_h5, os.path.join(d, "cmp-en"), "en")
        cls.t = Terms("zh")

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_checker_finds_english(self):
        """The check itself: English is found, codes, file names and units are not."""
        self.assertEqual(english_words("balance at year end, 亿元"), ["balance", "at", "year",
                                                                    "end"])
        self.assertEqual(english_words("run.h5 p50 cap-600 costs.inflation fundsim 410100 "
                                       "2026-12-03T07:34:57Z"), [])
        self.assertEqual(english_words("注：note: 甲 x"), ["note:", "x"])

    def test_no_english_word_in_zh(self):
        for name, (status, charts, page) in self.zh.items():
            self.assertEqual(status, 0)
            self.assertIn("current.png", charts)
            for chart, (texts, _, _) in charts.items():
                for s in texts:
                    self.assertEqual(english_words(s), [], f"{name} {chart}: {s!r}")
            self.assertGreater(len(page.texts), 50)
            for s in page.texts:
                self.assertEqual(english_words(s), [], f"{name} index.html: {s!r}")

    def test_one_region_no_province_label(self):
        _, charts, page = self.zh["run"]
        texts = [s for c in charts.values() for s in c[0]] + page.texts
        self.assertFalse([s for s in texts if "全省" in s])
        self.assertTrue([s for s in texts if "郑州市累计结余" in s])
        # the first warning's headers, from the term table
        for code in ("enrollees", "current_surplus", "current_deficit_p"):
            self.assertTrue([s for s in page.texts if s.startswith(self.t(code))], code)

    def test_depletion_window_and_months_floor(self):
        _, charts, _ = self.zh["run"]
        fund = FundFile(self.run_h5)
        try:
            d = fan.median_depletion(fund)
            years = fund.years
        finally:
            fund.close()
        # this run is depleted in the median well before its last year
        self.assertIsNotNone(d)
        self.assertLess(d + fan.AFTER_DEPLETION, len(years) - 1)
        last = years[d + fan.AFTER_DEPLETION]
        note = self.t("note_shown_to").format(n=fan.AFTER_DEPLETION, year=years[d])
        for chart in ("balance-province.png", "months-province.png"):
            texts, limits, _ = charts[chart]
            (x0, x1), _ = limits[0]
            self.assertTrue(last - 0.5 < x1 < last + 1, (chart, x1, last))
            self.assertTrue([s for s in texts if note in s], chart)
        self.assertEqual(charts["months-province.png"][1][0][1][0], 0.0)
        self.assertEqual(charts["months-regions.png"][1][0][1][0], 0.0)
        # the shortfall has a chart of its own, from 0
        self.assertEqual(charts["shortfall.png"][1][0][1][0], 0.0)

    def test_no_warning_colour_scale(self):
        _, charts, _ = self.zh["run"]
        self.assertEqual(charts["warning-level.png"][2], [maps.WARNING_CMAP])
        self.assertEqual(charts["p-depleted.png"][2], [maps.DEPLETED_CMAP])
        warm = {"YlOrRd", "YlOrBr", "Reds", "Oranges", "RdYlGn", "autumn", "hot"}
        self.assertFalse([c for _, _, cm in charts.values() for c in cm if c in warm])
        # the budget panels' axes start at 0
        self.assertTrue(all(lim[1][0] == 0.0 for lim in charts["budget.png"][1]))

    def test_compare_opens_with_findings(self):
        _, _, page = self.zh["cmp"]
        self.assertEqual(page.h2[0], self.t("who_gains"))
        self.assertEqual(page.h2[1], self.t("sec_assumptions"))
        fund = FundFile(self.cmp_h5)
        try:
            s = "diff/cap-600/summary/province/"
            year = int(fund.years[-1])
            for var, code in (("fund_outpatient", "fund_outpatient"),
                              ("out_of_pocket", "out_of_pocket")):
                mean = fund.read(s + var + "_mean")[-1] / 1e8
                row = page.texts.index(self.t(code))
                # the row's last cell is the last year's mean change
                self.assertEqual(page.texts[row + 1], self.t("unit_1e8_yuan"))
                cells = page.texts[row + 2:row + 2 + len(fund.years)]
                self.assertIn(f"{mean:+.2f}", cells, (code, year))
            self.assertGreater(fund.read(s + "fund_outpatient_mean")[-1], 0)
            self.assertLess(fund.read(s + "out_of_pocket_mean")[-1], 0)
        finally:
            fund.close()
        # every level's outlay is unchanged: named once, not tabled
        zero = [x for x in page.texts if x.startswith(self.t("zero_rows").split("{")[0])]
        self.assertEqual(len(zero), 1)
        for level in ("gov_central", "gov_province", "gov_city"):
            self.assertIn(self.t("outlay_of").format(level=self.t(level)), zero[0])

    def test_base_depleted_shows_shortfall_change(self):
        """Where the base is depleted in every path (no backstop), the findings show the
        change in the shortfall, -Δ balance, not a change in P(depleted) of 0."""
        h5 = os.path.join(self.tmp.name, "depleted.h5")
        shutil.copyfile(self.cmp_h5, h5)
        with h5py.File(h5, "r+") as f:
            p = f["warning/province_p_depleted"]
            depleted = np.arange(len(p)) >= len(p) - 6  # the last six years, every path
            p[...] = np.where(depleted, 1.0, p[()])
            if "summary/province/backstop_mean" in f:
                f["summary/province/backstop_mean"][...] = 0.0
            balance = f["diff/cap-600/summary/province/balance_mean"][()]
        fund = FundFile(h5)
        try:
            labels = setup_fonts("zh")
            page = Page()
            page.feed(tables.gains_html(fund, "cap-600", labels))
            chosen = tables.table_years(fund.years, fund.first)
        finally:
            fund.close()
        row = page.texts.index(self.t("shortfall_change"))
        cells = page.texts[row + 2:row + 2 + len(chosen)]
        expected = [f"{-balance[y] / 1e8:+.2f}" if depleted[y] else "·" for y in chosen]
        self.assertEqual(cells, expected)
        self.assertIn("·", cells)
        self.assertIn(self.t("note_shortfall_change"), page.texts)

    def test_english_report(self):
        status, charts, page = self.en
        self.assertEqual(status, 0)
        self.assertEqual(page.h2[0], "Who gains and who pays")
        self.assertTrue([s for s in charts["balance-province.png"][0]
                         if s.startswith("Accumulated balance, 郑州市 Zhengzhou")])


if __name__ == "__main__":
    unittest.main(argv=sys.argv[:1], verbosity=2)
