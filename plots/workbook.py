"""workbook.py: the report's tables as one Excel workbook (.xlsx), a sheet per table.

The tables are those of the report's page (index.html, made by report.py from
tables.py, in the report's language: its headers come from output/terms.def
through terms.py), read back in the page's order, so the workbook always shows
what the page shows, but with the assumptions table (/assumptions) first
(a comparison's page opens with the variants' findings): then the findings,
the actuarial balance, the first warning, the warning table, the first year
at risk, the budget burden and each variant's tables. Each sheet: the table's
caption in A1, its header row (bold, frozen) in row 2, its rows below; a cell
that is a number on the page (12.34, −0.5, 45 %) is a number in Excel
(45 % as 0.45, shown as a percentage), any other a text.

The workbook is written under a temporary name and renamed onto its path, so
that a failed write leaves no half-written file. Uses Debian's
python3-openpyxl.
"""

import os
import re
from html.parser import HTMLParser

from openpyxl import Workbook
from openpyxl.styles import Font

from terms import Terms

# Excel's limit, and the characters a sheet's name cannot hold
SHEET_NAME_MAX = 31
NOT_IN_SHEET_NAMES = re.compile(r"[\[\]:*?/\\]")
# a sheet's name: the caption up to its first colon, bracket or comma
NAME_END = re.compile(r"[：:（(,，;；]")
NUMBER = re.compile(r"^[+\-−]?(\d+(\.\d*)?|\.\d+)([eE][+\-]?\d+)?\s*(%?)$")


class Table:
    def __init__(self):
        self.caption, self.head, self.rows = "", [], []


class PageTables(HTMLParser):
    """The <table>s of a page: caption, header cells (<th> of <thead>) and rows."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables, self.table, self.row, self.text, self.where = [], None, None, None, None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.table = Table()
        elif self.table is None:
            return
        elif tag == "caption":
            self.text, self.where = [], "caption"
        elif tag == "tr":
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.text, self.where = [], "cell"
        elif tag == "br" and self.text is not None:
            self.text.append(" ")

    def handle_endtag(self, tag):
        if self.table is None:
            return
        if tag == "caption" and self.where == "caption":
            self.table.caption = clean("".join(self.text))
            self.text = self.where = None
        elif tag in ("td", "th") and self.where == "cell":
            self.row.append(clean("".join(self.text)))
            self.text = self.where = None
        elif tag == "tr" and self.row is not None:
            if not self.table.head and not self.table.rows:
                self.table.head = self.row
            else:
                self.table.rows.append(self.row)
            self.row = None
        elif tag == "table":
            self.tables.append(self.table)
            self.table = None

    def handle_data(self, data):
        if self.text is not None:
            self.text.append(data)


def clean(text):
    return " ".join(text.split())


def page_tables(html):
    """[Table] of an HTML page, in its order."""
    parser = PageTables()
    parser.feed(html)
    parser.close()
    return parser.tables


def cell_value(text):
    """A page's cell as Excel's: (value, number format or None)."""
    m = NUMBER.match(text.replace("\u2009", "").replace(",", ""))
    if not m:
        return text, None
    number = float(text.replace("−", "-").replace("%", "").replace(",", "")
                   .replace("\u2009", "").strip())
    if m.group(4):
        return number / 100, "0.0%"
    if m.group(2) is None and abs(number) < 2 ** 53:
        return int(number), "0"
    digits = len(m.group(2)) - 1 if m.group(2) else 0
    return number, "0." + "0" * digits if digits else "0"


def sheet_name(caption, number, taken):
    """A unique sheet name from the table's caption (or "Table N")."""
    name = NAME_END.split(caption, 1)[0].strip() if caption else ""
    name = NOT_IN_SHEET_NAMES.sub(" ", name).strip()[:SHEET_NAME_MAX].strip() or f"Table {number}"
    base, k = name, 2
    while name.lower() in taken:
        suffix = f" {k}"
        name = base[:SHEET_NAME_MAX - len(suffix)] + suffix
        k += 1
    taken.add(name.lower())
    return name


def width(text):
    """Columns a text takes, a CJK character two."""
    return sum(2 if ord(c) > 0x2E80 else 1 for c in str(text))


def build(tables):
    """The workbook of `tables`: a sheet each, in their order."""
    book = Workbook()
    book.remove(book.active)
    if not tables:  # a workbook needs a sheet
        tables = [Table()]
    taken = set()
    bold = Font(bold=True)
    for number, t in enumerate(tables, 1):
        ws = book.create_sheet(sheet_name(t.caption, number, taken))
        ws.cell(row=1, column=1, value=t.caption).font = bold
        for c, text in enumerate(t.head, 1):
            ws.cell(row=2, column=c, value=text).font = bold
        for r, row in enumerate(t.rows, 3):
            for c, text in enumerate(row, 1):
                value, fmt = cell_value(text)
                cell = ws.cell(row=r, column=c, value=value)
                if fmt:
                    cell.number_format = fmt
        ws.freeze_panes = "A3"
        for c in range(1, max([len(t.head)] + [len(r) for r in t.rows]) + 1):
            texts = [t.head[c - 1] if c <= len(t.head) else ""]
            texts += [r[c - 1] for r in t.rows if c <= len(r)]
            letter = ws.cell(row=2, column=c).column_letter
            ws.column_dimensions[letter].width = min(60, max(8, max(map(width, texts)) + 2))
    return book


def assumptions_first(tables, lang):
    """The tables with the assumptions' (its header the term table's assumption, value,
    source, detail in `lang`) first: a comparison's page opens with its findings."""
    t = Terms(lang)
    head = [t("assumption"), t("value"), t("source"), t("detail")]
    first = [x for x in tables if x.head == head]
    return first + [x for x in tables if x.head != head]


def write(index_html, path, lang):
    """Writes the tables of the page `index_html`, in the language `lang` (zh, en), into
    the workbook `path`. Returns the number of sheets. Raises OSError when it cannot be
    written."""
    with open(index_html, encoding="utf-8") as f:
        tables = assumptions_first(page_tables(f.read()), lang)
    book = build(tables)
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        book.save(tmp)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return len(tables)
