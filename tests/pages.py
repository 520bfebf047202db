"""Reading rendered pages as a reader would: visible text, tiles, images, tables (BeautifulSoup)."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

JARGON = re.compile(
    r"special cause|common cause|quartile|\bxmr\b|process limit|peer median|\bspc\b|hit and miss|"
    r"statistical process control|assurance|sigma|rebase|No commentary was supplied",
    re.I,
)


def load(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    """Visible text of a node, white space collapsed."""
    return " ".join(node.get_text(" ").split())


def visible_text(page: BeautifulSoup) -> str:
    """The text a reader sees: no script, style or template code."""
    for hidden in page(["script", "style", "template", "noscript"]):
        hidden.decompose()
    return text(page)


def tiles(page: BeautifulSoup) -> dict[str, object]:
    return {t["data-indicator"]: t for t in page.select("article.kpi[data-indicator]")}


def report_body(page: BeautifulSoup):
    """The report's own content: Quarto's table-of-contents sidebar and title block left out."""
    main = page.select_one("main") or page
    return main
