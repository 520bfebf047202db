"""Names a page is addressed by: slugs for file names and anchors, and links to another report.

A link to another report is a marker, ``<a data-xref="KIND ANCHOR">``, hidden until the run that
publishes the pages gives it the address of the page it names (`pmkit.runner.links.resolve`).

>>> slugify("Adults' Social Care")
'adults-social-care'
>>> str(xref("deep-dive", "indicator-asc-02", "Deep dive"))
'<a class="xref" data-xref="deep-dive indicator-asc-02" hidden>Deep dive</a>'
"""

from __future__ import annotations

import re

from markupsafe import Markup

LINK_KINDS = ("deep-dive", "quarterly", "annual", "latest-quarterly")


def slugify(text: str) -> str:
    """``Adults' Social Care`` -> ``adults-social-care``: safe in a file name and an anchor."""
    return re.sub(r"[\W_]+", "-", str(text).lower().replace("'", "").replace("\u2019", "")).strip("-")


def xref(kind: str, anchor: str, text: str, keep_text: bool = False, css: str = "xref") -> Markup:
    """A link to another report's element ``anchor`` (``kind`` one of `LINK_KINDS`), hidden until the
    run resolves it; with ``keep_text``, its text shows (unlinked) when there is no such page."""
    if kind not in LINK_KINDS:
        raise ValueError(f"unknown kind of link {kind!r}; expected one of {', '.join(LINK_KINDS)}")
    shown = " data-xref-keep" if keep_text else " hidden"
    return Markup('<a class="{}" data-xref="{} {}"{}>{}</a>').format(css, kind, anchor, Markup(shown), text)
