"""Markdown and HTML from text fields (commentary, actions, case studies) made safe to publish.

python-markdown renders; nh3 cleans to an allow-list, so nothing an author (or an attacker)
writes can run script, attach event handlers, inject styles or link to ``javascript:`` or
``data:`` pages; images must be embedded (``data:image/...``) or relative, and need alt text.

>>> markdown_to_html("**Done** <script>alert(1)</script>")
'<p><strong>Done</strong> </p>'
"""

from __future__ import annotations

import html
import re

import markdown
import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "strong",
    "em",
    "b",
    "i",
    "u",
    "s",
    "sub",
    "sup",
    "blockquote",
    "q",
    "cite",
    "code",
    "pre",
    "ul",
    "ol",
    "li",
    "dl",
    "dt",
    "dd",
    "a",
    "img",
    "figure",
    "figcaption",
    "table",
    "caption",
    "thead",
    "tbody",
    "tfoot",
    "tr",
    "th",
    "td",
    "abbr",
    "small",
    "mark",
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


def markdown_to_html(text: object, top_heading: int | None = None) -> str:
    """Markdown to sanitised HTML; with ``top_heading`` the body's highest heading becomes that level
    (deeper ones keep their depth below it), so it fits under the report's own headings.

    >>> markdown_to_html("## Outcome", top_heading=4)
    '<h4>Outcome</h4>'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    body = markdown.markdown(str(text), extensions=["tables", "fenced_code", "sane_lists"], output_format="html")
    cleaned = sanitise(body)
    levels = [int(level) for _, level in _HEADING.findall(cleaned)]
    if top_heading is None or not levels:
        return cleaned
    shift = top_heading - min(levels)
    return _HEADING.sub(lambda m: f"<{m.group(1)}h{min(6, max(1, int(m.group(2)) + shift))}>", cleaned)
