"""Case studies: choose the ones a report needs and render their Markdown to safe HTML.

Case studies are Markdown files with YAML front matter (``title``, ``directorate``, ``priority``,
``period``, ``public``, optional ``image`` and ``quote``); `pmkit.sources` reads them into a frame.
Rendering passes python-markdown's output through nh3 with an allow-list, so nothing an author
(or an attacker) writes can run script, attach event handlers, inject styles or link to
``javascript:``; images must be embedded (``data:image/...``) or relative, and need alt text.

>>> render("**Result:** waits fell by *half*")
'<p><strong>Result:</strong> waits fell by <em>half</em></p>'
"""

from __future__ import annotations

import html
import re

import markdown
import nh3
import pandas as pd

from pmkit import periods
from pmkit.errors import PmkitError
from pmkit.schema import AUDIENCES

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "sub", "sup",
    "blockquote", "q", "cite", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd", "a", "img", "figure",
    "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td", "abbr", "small", "mark",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"scope", "colspan", "rowspan"},
    "td": {"colspan", "rowspan"},
    "ol": {"start"},
}
_IMAGE_DATA = re.compile(r"^data:image/(?:png|jpe?g|gif|webp);base64,[a-z0-9+/=\s]+$", re.I)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.I)
_LINK_SCHEMES = {"http", "https", "mailto", "tel"}
_IMG_TAG = re.compile(r'<img(?:\s+[\w-]+(?:="[^"]*")?)*\s*/?>')
_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')
_HEADING = re.compile(r"<(/?)h([1-6])>")


def is_relative_url(url: str) -> bool:
    """True for a URL without a scheme or host (``images/team.png``, ``../a.jpg``).

    >>> is_relative_url("img/a.png"), is_relative_url("https://x.org/a.png"), is_relative_url("//x.org/a.png")
    (True, False, False)
    """
    stripped = url.strip()
    return bool(stripped) and not _SCHEME.match(stripped) and not stripped.startswith(("//", "\\\\"))


def safe_image_source(url: str) -> bool:
    """Images may only be embedded PNG/JPEG/GIF/WebP data or relative paths (reports are self-contained).

    >>> safe_image_source("data:image/png;base64,iVBORw0KGgo="), safe_image_source("data:image/svg+xml,<svg/>")
    (True, False)
    """
    return bool(_IMAGE_DATA.match(url.strip())) or is_relative_url(url)


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src":
        return value if safe_image_source(value) else None
    if tag == "a" and attribute == "href":
        scheme = _SCHEME.match(value)
        return value if scheme is None or scheme.group(1).lower() in _LINK_SCHEMES else None
    return value


def _keep_described_images(fragment: str) -> str:
    """Drop images without a source or without alt text; an image with alt text but no usable
    source becomes its alt text."""

    def replace(match: re.Match) -> str:
        attributes = dict(_ATTRIBUTE.findall(match.group()))
        alt = html.unescape(attributes.get("alt", "")).strip()
        if alt and attributes.get("src"):
            return match.group()
        return html.escape(alt)

    return _IMG_TAG.sub(replace, fragment)


def sanitise(fragment: str) -> str:
    """Clean an HTML fragment to pmkit's allow-list (no script, handlers, styles or unsafe URLs).

    >>> sanitise('<p onclick="x()">Hi<script>alert(1)</script></p>')
    '<p>Hi</p>'
    """
    cleaned = nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        clean_content_tags={"script", "style"},
        url_schemes=_LINK_SCHEMES | {"data"},
        attribute_filter=_filter_attribute,
        link_rel="noopener noreferrer",
    )
    return _keep_described_images(cleaned)


def render(text: str, top_heading: int | None = None) -> str:
    """Markdown to sanitised HTML; with ``top_heading`` the body's highest heading becomes that level
    (deeper ones keep their depth below it), so it fits under the report's own headings.

    >>> render("## Outcome", top_heading=4)
    '<h4>Outcome</h4>'
    """
    body = markdown.markdown(text or "", extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    cleaned = sanitise(body)
    levels = [int(level) for _, level in _HEADING.findall(cleaned)]
    if top_heading is None or not levels:
        return cleaned
    shift = top_heading - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, max(1, int(m.group(2)) + shift))}>", cleaned)


def select(
    case_studies: pd.DataFrame,
    directorate: str | None = None,
    priority: str | None = None,
    period: str | periods.Period | None = None,
    audience: str = "internal",
) -> pd.DataFrame:
    """The case studies a report should show, in file-name order.

    ``directorate`` and ``priority`` match ignoring case and surrounding spaces; ``period`` keeps
    case studies whose own period lies within it (a year selects its quarters and months; a case
    study without a period is only kept when no period is asked for). The ``public`` audience keeps
    only case studies marked ``public``.

    >>> select(src.case_studies(), directorate="Adults", period="2025/26", audience="public")   # doctest: +SKIP
    """
    if audience not in AUDIENCES:
        raise PmkitError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    keep = pd.Series(True, index=case_studies.index)
    for column, wanted in (("directorate", directorate), ("priority", priority)):
        if wanted is not None:
            keep &= case_studies[column].fillna("").astype(str).str.strip().str.casefold() == str(wanted).strip().casefold()
    if period is not None:
        within = periods.parse(period)
        keep &= case_studies["period"].map(lambda label: _within(label, within))
    if audience == "public":
        keep &= case_studies["public"].fillna(False).astype(bool)
    return case_studies[keep].sort_values("name", kind="stable")


def _within(label: object, period: periods.Period) -> bool:
    own = periods.try_parse(label) if label not in (None, "") and not pd.isna(label) else None
    return own is not None and period.start <= own.start and own.end <= period.end
