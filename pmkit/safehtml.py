"""Markdown from text fields (commentary, case studies) to HTML that cannot carry script."""

from __future__ import annotations

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre", "a", "h2", "h3", "h4",
    "table", "thead", "tbody", "tr", "th", "td", "caption", "img", "figure", "figcaption", "hr", "abbr",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "width", "height"}, "th": {"scope"}, "abbr": {"title"}}
URL_SCHEMES = {"http", "https", "mailto", "data"}


def markdown_to_html(text: object) -> str:
    """Render Markdown and sanitise it: no script, event handler, style or ``javascript:`` URL survives.

    >>> markdown_to_html("**Done** <script>alert(1)</script>")
    '<p><strong>Done</strong> </p>'
    """
    if text is None or (isinstance(text, float) and text != text):
        return ""
    rendered = markdown.markdown(str(text), extensions=["tables", "sane_lists"])
    return sanitise(rendered)


def sanitise(fragment: str) -> str:
    """Keep only safe tags and attributes; links get ``rel="noopener noreferrer"``."""
    return nh3.clean(
        fragment,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
