#!/usr/bin/python3
"""test_plots.py: plots/report.py on small runs of fundsim.

A run (tests/scenarios/minimal.cfg, 20 paths, 6 years, its region given a
Chinese name) and a comparison with cap-600.cfg go through report.py with
every Python warning an error (so a glyph missing from the font fails it).
Each chart must exist at its size and not be blank; index.html must show
every chart and only those. Then: the bands a run did not keep are computed
from the paths exactly as fundsim computes its own quantiles; a comparison of pooled funds
(two-pools-province.cfg) draws the transfers and the chance that some fund
is depleted; a summary-only
run without them says which levels are missing; the labels draw Chinese
without a missing glyph, or fall back to pinyin; a missing or foreign file
exits with status 2.

Usage: tests/test_plots.py build/fundsim SOURCE_DIR
"""

import os
import re
import subprocess
import sys
import tempfile
import unittest
import warnings

import h5py
import matplotlib

matplotlib.use("Agg")
import matplotlib.image as mpimg  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

FUNDSIM, SOURCE = sys.argv[1], sys.argv[2]
sys.path.insert(0, os.path.join(SOURCE, "plots"))
import fonts  # noqa: E402
from terms import Terms  # noqa: E402
from fundfile import FundFile  # noqa: E402

SCENARIO = os.path.join(SOURCE, "tests/scenarios/minimal.cfg")
VARIANT = os.path.join(SOURCE, "tests/scenarios/cap-600.cfg")
REPORT = os.path.join(SOURCE, "plots/report.py")
SMALL = ["--paths", "20", "--set", "simulation.years=6", "--threads", "2", "--quiet"]
ZH = "测试市"

# (height, width) in pixels of each chart for one region and six years.
RUN_CHARTS = {
    "per-enrollee.png": (480, 900),
    "balance-province.png": (650, 1200),
    "balance-regions.png": (380, 800),
    "months-province.png": (650, 1200),
    "months-regions.png": (380, 800),
    "current.png": (800, 1200),
    "warning-level.png": (330, 892),
    "p-depleted.png": (330, 800),  # one region: no province row
    "first-depletion.png": (330, 842),
    "budget.png": (950, 1400),
}
COMPARE_CHARTS = dict(RUN_CHARTS, **{
    "variant1-cap-600-balance.png": (650, 1200),
    "variant1-cap-600-depletion.png": (550, 1200),
})
MIN_VARIANCE = 1e-3  # of the RGB values in [0, 1]; a blank image has 0


def fundsim(*args):
    subprocess.run([FUNDSIM, *args], check=True, stdout=subprocess.DEVNULL)


def report(h5, out_dir):
    """Runs report.py with every warning an error; returns the finished process."""
    return subprocess.run(["/usr/bin/python3", "-W", "error", REPORT, h5, "-o", out_dir,
                           "--lang", "en"],
                          capture_output=True, text=True)


class ReportTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        cls.run_h5 = os.path.join(cls.dir, "run.h5")
        cls.cmp_h5 = os.path.join(cls.dir, "cmp.h5")
        fundsim("run", SCENARIO, *SMALL, "--set", f'regions[0].name_zh="{ZH}"', "-o", cls.run_h5)
        fundsim("compare", SCENARIO, VARIANT, *SMALL, "-o", cls.cmp_h5)
        cls.done = {}
        for name, h5 in (("run", cls.run_h5), ("cmp", cls.cmp_h5)):
            out = os.path.join(cls.dir, name + "-report")
            cls.done[name] = (out, report(h5, out))

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def check_report(self, name, charts):
        out, proc = self.done[name]
        self.assertEqual(proc.returncode, 0, proc.stderr)
        index = os.path.join(out, "index.html")
        self.assertEqual(proc.stdout.strip(), index)
        for png, size in charts.items():
            image = mpimg.imread(os.path.join(out, png))
            self.assertEqual(image.shape[:2], size, png)
            self.assertGreater(float(image[..., :3].var()), MIN_VARIANCE, png)
        with open(index, encoding="utf-8") as f:
            html = f.read()
        shown = re.findall(r"<img src='([^']+)'", html)
        self.assertEqual(sorted(shown), sorted(charts))
        self.assertEqual(sorted(p for p in os.listdir(out) if p.endswith(".png")),
                         sorted(charts))
        return html

    def test_run_report(self):
        html = self.check_report("run", RUN_CHARTS)
        # The summary table, from the file: the region's name and its median
        # balance in the first year, as fundsim summary prints it.
        with h5py.File(self.run_h5, "r") as f:
            median = f["summary/balance_quantiles"][0, 0, 3] / 1e8
        self.assertIn(f"{ZH} Testshire", html)
        self.assertIn(f"<td>{median:.2f}</td>", html)
        self.assertIn("Budget burden", html)
        # The page opens with the assumptions and the actuarial balance, before any chart.
        opening = html.index("Assumptions and outlook</h2>")
        self.assertLess(opening, html.index("<img"))
        self.assertIn("Individual contribution:", html)
        self.assertIn("Actuarial balance 2022-", html)

    def test_compare_report(self):
        html = self.check_report("cmp", COMPARE_CHARTS)
        self.assertIn("Variant cap-600 - base, Testshire: balance difference", html)
        # a comparison's report opens with who gains and who pays
        self.assertLess(html.index("Who gains and who pays</h2>"),
                        html.index("Assumptions and outlook</h2>"))

    def test_pooling_report(self):
        """A variant that pools two regions' funds: its transfers and the chance
        that some fund is depleted are drawn; the weak region draws on average."""
        h5 = os.path.join(self.dir, "pool.h5")
        fundsim("compare", os.path.join(SOURCE, "tests/scenarios/two-pools.cfg"),
                os.path.join(SOURCE, "tests/scenarios/two-pools-province.cfg"), *SMALL,
                "-o", h5)
        out = os.path.join(self.dir, "pool-report")
        proc = report(h5, out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        for png in ("variant1-two-pools-province-transfers.png",
                    "variant1-two-pools-province-some-fund.png"):
            image = mpimg.imread(os.path.join(out, png))
            self.assertGreater(float(image[..., :3].var()), MIN_VARIANCE, png)
        with h5py.File(h5, "r") as f:
            s = "diff/two-pools-province/summary/"
            net = f[s + "adjustment_received_mean"][()] - f[s + "adjustment_paid_mean"][()]
            self.assertGreater(net[-1, 1], 0)  # Poorshire draws
            self.assertLess(net[-1, 0], 0)  # the pooled fund's row pays out for it
            w = "diff/two-pools-province/warning/"
            self.assertGreater(f[w + "p_any_depleted_base"][-1], 0.5)
            self.assertEqual(f[w + "p_any_depleted_variant"][-1], 0)
        # the CSV diff table carries the pooling figures: the chance that some
        # fund is depleted, and each row's transfers (the province's: the money
        # moved, received = paid)
        csv = subprocess.run([FUNDSIM, "summary", "--table", "diff", "--csv", h5], check=True,
                             capture_output=True, text=True).stdout.splitlines()
        header = csv[0].split(",")
        for column in ("p_any_depleted_base", "p_any_depleted_variant",
                       "adjustment_received_mean_1e8_yuan", "adjustment_paid_p95_1e8_yuan"):
            self.assertIn(column, header)
        rows = [dict(zip(header, line.split(","))) for line in csv[1:]]
        last = [r for r in rows if r["year"] == rows[-1]["year"]]
        self.assertEqual(len(last), 3)  # the two regions, then the province
        self.assertGreater(float(last[0]["p_any_depleted_base"]), 0.5)
        self.assertEqual(float(last[0]["p_any_depleted_variant"]), 0)
        self.assertGreater(float(last[1]["adjustment_received_mean_1e8_yuan"]), 0)
        self.assertEqual(last[2]["adjustment_received_mean_1e8_yuan"],
                         last[2]["adjustment_paid_mean_1e8_yuan"])
        self.assertGreater(float(last[2]["adjustment_paid_mean_1e8_yuan"]), 0)

    def test_backtest_table(self):
        # a run's file with a /backtest group as `fundsim backtest -o` writes it
        # (output/README.md): the report shows its rows, 亿元 for money
        self.assertNotIn("Backtest", self.check_report("run", RUN_CHARTS))
        h5 = os.path.join(self.dir, "backtest.h5")
        with open(self.run_h5, "rb") as src, open(h5, "wb") as dst:
            dst.write(src.read())
        with h5py.File(h5, "a") as f:
            g = f.create_group("backtest")
            utf8 = h5py.string_dtype("utf-8")
            g["region"] = np.array(["Testshire", "Testshire"], dtype=utf8)
            g["line"] = np.array(["enrollees", "expenditure"], dtype=utf8)
            g["year"] = np.array([2024, 2024], dtype=np.int32)
            for k, v in (("actual", [700000.0, 6.3e8]), ("mean", [690000.0, 5.25e8]),
                         ("median", [691000.0, 5.2e8]), ("p05", [680000.0, 5.0e8]),
                         ("p95", [701000.0, 5.5e8]), ("ae", [700 / 690, 1.2])):
                g[k] = np.array(v)
            g["inside"] = np.array([1, 0], dtype=np.uint8)
            g.attrs["from_year"] = 2022
        out = os.path.join(self.dir, "backtest-report")
        proc = report(h5, out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn("Backtest: calibrated on the actuals up to 2022", html)
        self.assertIn("<td>700000</td><td>690000</td>", html)
        self.assertIn("<td>6.30</td><td>5.25</td><td>5.20</td><td>5.00</td><td>5.50</td>"
                      "<td>1.2000</td><td>no</td>", html)

    def test_history_marked(self):
        # a calibrated run's file (root attribute history_end_year): the headline, the
        # actuarial balance and the tables start the year after it, the charts shade it
        h5 = os.path.join(self.dir, "history.h5")
        with open(self.run_h5, "rb") as src, open(h5, "wb") as dst:
            dst.write(src.read())
        with h5py.File(h5, "a") as f:
            years = [int(y) for y in f["years"][()]]
            f.attrs["history_end_year"] = np.int32(years[0])
        out = os.path.join(self.dir, "history-report")
        proc = report(h5, out)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        with open(os.path.join(out, "index.html"), encoding="utf-8") as f:
            html = f.read()
        self.assertIn(f"Calibrated to the accounts up to {years[0]}", html)
        # one region: its name, not "province"
        self.assertIn(f"Actuarial balance {years[1]}-{years[-1]} ({ZH} ", html)
        self.assertIn("First year of the projection with P(depleted)", html)
        self.assertNotIn(f"<td>{years[0]}</td><td class='name'>", html)
        self.assertIn(f"<td>{years[1]}</td><td class='name'>", html)

    def test_missing_or_foreign_file(self):
        other = os.path.join(self.dir, "other.h5")
        with h5py.File(other, "w") as f:
            f["x"] = np.zeros(3)
        text = os.path.join(self.dir, "text.h5")
        with open(text, "w") as f:
            f.write("not HDF5\n")
        for path, says in ((os.path.join(self.dir, "none.h5"), "cannot read"),
                           (text, "cannot read"), (other, "not a fundsim output file")):
            out = os.path.join(self.dir, "bad-report")
            proc = report(path, out)
            self.assertEqual(proc.returncode, 2, path)
            self.assertIn(says, proc.stderr)
            self.assertIn(path, proc.stderr)
            self.assertFalse(os.path.exists(out))

    def test_levels_from_paths(self):
        """Levels the run did not keep come from the paths, as fundsim's own do."""
        h5 = os.path.join(self.dir, "levels.h5")
        fundsim("run", SCENARIO, *SMALL, "--set", "simulation.quantiles=[0.1, 0.5, 0.9]",
                "-o", h5)
        fund = FundFile(h5)
        for var in ("balance", "months"):
            for province in (False, True):
                q = fund.quantiles(var, (0.05, 0.1, 0.5, 0.9), province=province)
                self.assertTrue(q.from_paths)
                self.assertEqual(q.missing, [])
                self.assertEqual(q.absent, [0.05])
                kept = fund.read(f"summary/{'province/' if province else ''}{var}_quantiles")
                for i, level in enumerate((0.1, 0.5, 0.9)):
                    np.testing.assert_allclose(q.get(level), kept[..., i], rtol=1e-12)
                self.assertTrue(np.all(q.get(0.05) <= q.get(0.1)))
        fund.close()

    def test_levels_missing(self):
        """Without the paths, the charts say which levels the file lacks."""
        h5 = os.path.join(self.dir, "summary-only.h5")
        fundsim("run", SCENARIO, *SMALL, "--summary-only", "--set",
                "simulation.quantiles=[0.1, 0.5, 0.9]", "-o", h5)
        fund = FundFile(h5)
        q = fund.quantiles("balance", (0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95), province=True)
        self.assertEqual(q.missing, [0.05, 0.25, 0.75, 0.95])
        self.assertIsNotNone(q.get(0.1))
        fund.close()
        proc = report(h5, os.path.join(self.dir, "summary-only-report"))
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("balance-province.png: levels not in the file: 0.05, 0.25, 0.75, 0.95",
                      proc.stderr)


class LabelsTest(unittest.TestCase):
    def test_chinese_labels_have_every_glyph(self):
        labels = fonts.setup_fonts()
        self.assertIsNotNone(labels.cjk_font, "no CJK font: install fonts-noto-cjk")
        self.assertEqual(labels.region("Jiyuan", "济源示范区"), "济源示范区 Jiyuan")
        fig, ax = plt.subplots()
        ax.set_title(labels.region("Zhengzhou", "郑州市") + " " + labels.province)
        ax.set_ylabel(labels.money)
        ax.set_yticks([0, 1], [labels.region("Luyi County", "鹿邑县"), "−1"])
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fig.savefig(os.devnull, format="png")
        plt.close(fig)

    def test_without_cjk_font_pinyin_only(self):
        labels = fonts.Labels(None, Terms("en"))
        self.assertEqual(labels.region("Zhengzhou", "郑州市"), "Zhengzhou")
        self.assertEqual(labels.money, "100 million yuan")
        self.assertEqual(fonts.Labels("Noto Sans CJK SC", Terms("en")).region("Hebi", ""), "Hebi")
        # in Chinese a region is named in Chinese only
        zh = fonts.Labels("Noto Sans CJK SC", Terms("zh"))
        self.assertEqual(zh.region("Zhengzhou", "郑州市"), "郑州市")
        self.assertEqual(zh.money, "亿元")
        self.assertIsNone(fonts.find_cjk_font(families=("No Such Font",)))


if __name__ == "__main__":
    unittest.main(argv=[sys.argv[0], "-v"])
