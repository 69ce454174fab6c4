"""terms.py: the words of the charts and the page, from the one table of terms.

output/terms.def holds every label people read as `TERM(code, "English",
"中文")` lines (output/terms.h reads the same file as an X-macro). `load`
parses it; `Terms(lang)` gives a code's text in English or Chinese, and
`fmt(code, **values)` fills a text's `{name}` fields (texts that only the
report uses may have them). `default_lang` picks the language as fundsim
does: Chinese when LC_ALL, LC_MESSAGES or LANG starts with zh.
"""

import os
import re

TERMS_DEF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "output",
                         "terms.def")
# TERM(code, "en", "zh"): C string literals with only \" and \\ escaped
LITERAL = r'"((?:[^"\\]|\\.)*)"'
LINE = re.compile(r"^TERM\((\w+),\s*" + LITERAL + r",\s*" + LITERAL + r"\)\s*$")
LANGS = ("en", "zh")


class TermsError(Exception):
    """terms.def cannot be read, or a line of it is malformed."""


def unescape(literal):
    return re.sub(r"\\(.)", r"\1", literal)


def load(path=TERMS_DEF):
    """{code: {"en": text, "zh": text}} from terms.def."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
    except OSError as e:
        raise TermsError(f"cannot read {path}: {e}") from e
    table = {}
    for number, line in enumerate(lines, 1):
        if not line.startswith("TERM("):
            continue
        m = LINE.match(line.strip())
        if not m:
            raise TermsError(f"{path}:{number}: not a TERM(code, \"en\", \"zh\") line")
        code, en, zh = m.group(1), unescape(m.group(2)), unescape(m.group(3))
        if code in table:
            raise TermsError(f"{path}:{number}: the code {code} is defined twice")
        table[code] = {"en": en, "zh": zh}
    return table


def default_lang(environ=os.environ):
    """"zh" when the first of LC_ALL, LC_MESSAGES, LANG that is set starts with zh."""
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = environ.get(name, "")
        if value:
            return "zh" if value.startswith("zh") else "en"
    return "en"


class Terms:
    """The table's texts in one language."""

    def __init__(self, lang, table=None):
        if lang not in LANGS:
            raise ValueError(f"unknown language {lang!r}: zh or en")
        self.lang = lang
        self.table = load() if table is None else table

    @property
    def zh(self):
        return self.lang == "zh"

    def __call__(self, code):
        try:
            return self.table[code][self.lang]
        except KeyError:
            raise KeyError(f"no term {code!r} in output/terms.def") from None

    def fmt(self, code, **values):
        return self(code).format(**values)

    def has(self, code):
        return code in self.table

    def join(self, items):
        """A list in running text: 甲、乙、丙 or a, b, c."""
        return ("、" if self.zh else ", ").join(items)

    def colon(self):
        return "：" if self.zh else ": "
