"""fonts.py: a font that draws Chinese, and the labels that use it.

Matplotlib's default font (DejaVu Sans) has no Chinese glyphs and draws boxes
for 郑州市. `setup_fonts` finds a CJK font through matplotlib's font_manager
and puts it after DejaVu Sans in the font list (matplotlib >= 3.6 falls back
glyph by glyph), so Latin text keeps its usual look. The returned `Labels`
carries the words of the chosen language (terms.py: output/terms.def) and the
region names to every chart; without a CJK font the report is in English with
pinyin names only: never boxes.
"""

import os
from dataclasses import dataclass

import matplotlib
from matplotlib import font_manager

from terms import Terms

# Preferred first: simplified Chinese forms, then the other Noto CJK cuts
# (one .ttc holds every form), then the other common free fonts.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Droid Sans Fallback",
    "AR PL UMing CN",
    "AR PL UKai CN",
    "Noto Serif CJK SC",
    "Noto Serif CJK JP",
    "SimHei",
    "Microsoft YaHei",
)

# File names of those fonts, for a font cache made before they were installed.
CJK_FILE_HINTS = ("notosanscjk", "notoserifcjk", "sourcehansans", "wqy", "droidsansfallback",
                  "uming", "ukai", "simhei", "msyh")


@dataclass(frozen=True)
class Labels:
    """How the charts name things: the language's terms (terms.py), and regions
    with Chinese when a font has it."""

    cjk_font: str | None
    terms: Terms

    def t(self, code):
        return self.terms(code)

    def fmt(self, code, **values):
        return self.terms.fmt(code, **values)

    @property
    def zh(self):
        return self.terms.zh

    def region(self, name, name_zh):
        """'郑州市' in Chinese, '郑州市 Zhengzhou' in English when the font and the name
        allow, else 'Zhengzhou'."""
        if self.cjk_font and name_zh:
            return name_zh if self.zh else f"{name_zh} {name}"
        return name

    @property
    def money(self):
        return self.t("unit_1e8_yuan")

    @property
    def province(self):
        return self.t("province")

    def area(self, fund):
        """What the province's totals are called: 全省 (province) when the scenario has
        more than one region, else its one region's name."""
        if len(fund.regions) > 1:
            return self.province
        return self.region(fund.regions[0], fund.names_zh[0])


def find_cjk_font(families=CJK_FAMILIES):
    """The first of `families` matplotlib knows, or None.

    Fonts installed after matplotlib built its cache are not in its list; they
    are looked for among the system's font files and added.
    """
    known = {f.name for f in font_manager.fontManager.ttflist}
    for family in families:
        if family in known:
            return family
    for path in font_manager.findSystemFonts():
        if any(hint in os.path.basename(path).lower() for hint in CJK_FILE_HINTS):
            try:
                font_manager.fontManager.addfont(path)
            except (OSError, RuntimeError, ValueError):
                continue
    known = {f.name for f in font_manager.fontManager.ttflist}
    return next((family for family in families if family in known), None)


def setup_fonts(lang="en", families=CJK_FAMILIES):
    """Selects the fonts for every later chart; returns the labels to use, in `lang`
    (English when no font draws Chinese)."""
    cjk = find_cjk_font(families)
    matplotlib.rcParams["font.family"] = ["DejaVu Sans"] + ([cjk] if cjk else [])
    matplotlib.rcParams["axes.unicode_minus"] = False  # CJK fonts lack U+2212
    return Labels(cjk, Terms(lang if cjk else "en"))
