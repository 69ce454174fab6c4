"""single_html.py: the report's page as one self-contained HTML file.

report.py writes a folder: index.html and the charts beside it, as files. This
file is that page with every chart inlined (`<img src="data:image/png;base64,...">`,
SVG as image/svg+xml), so that it can be sent as a single file (by e-mail, on
WeChat) and opens anywhere. Links inside the page (#section) stay; a chart the
page names but the folder lacks is an error, not a broken image. Written under a
temporary name and renamed onto its path.
"""

import base64
import os
import re

MEDIA_TYPES = {".png": "image/png", ".svg": "image/svg+xml", ".jpg": "image/jpeg",
               ".jpeg": "image/jpeg", ".gif": "image/gif"}
# src= and href= of the page: quoted with ' or "
REFERENCE = re.compile(r"""\b(src|href)\s*=\s*(['"])(.*?)\2""", re.IGNORECASE | re.DOTALL)


def is_inside(target):
    """Whether a reference needs no other file: a link within the page, or data."""
    return target.startswith("#") or target.lower().startswith("data:")


def data_uri(folder, name):
    """The file folder/name as a data: URI. Raises OSError when it cannot be read
    or is not an image."""
    media = MEDIA_TYPES.get(os.path.splitext(name)[1].lower())
    if media is None:
        raise OSError(f"{name}: not an image the page can inline")
    with open(os.path.join(folder, name), "rb") as f:
        return f"data:{media};base64," + base64.b64encode(f.read()).decode("ascii")


def inline(html, folder):
    """The page with every reference to a file of `folder` inlined. Raises OSError
    for a reference it cannot inline (a missing chart; a link to another page)."""
    def replace(m):
        attr, quote, target = m.group(1), m.group(2), m.group(3)
        if is_inside(target):
            return m.group(0)
        if attr.lower() == "href":
            raise OSError(f"the page links to {target}: not a single file")
        return f"{attr}={quote}{data_uri(folder, target)}{quote}"
    return REFERENCE.sub(replace, html)


def external(html):
    """The references of a page to other files (none in a self-contained page)."""
    return [m.group(3) for m in REFERENCE.finditer(html) if not is_inside(m.group(3))]


def write(index_html, path):
    """Writes the page `index_html`, its charts inlined, to `path`. Returns the
    number of charts inlined. Raises OSError when it cannot."""
    with open(index_html, encoding="utf-8") as f:
        html = f.read()
    n = len(external(html))
    page = inline(html, os.path.dirname(os.path.abspath(index_html)))
    tmp = f"{path}.tmp-{os.getpid()}"
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            out.write(page)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return n
