"""Both engines, really: where Quarto is installed, its pages say what nbconvert's say.

Same title (once), same section headings, same tiles with the same status, same images with the
same alt text in the same order, the link back to the index, and nothing loaded from outside.
"""

import re

import pytest
from pages import load, text

from pmkit.runner.render import quarto_available

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(
        not quarto_available(),
        reason="Quarto is not installed here (no `quarto` on PATH); "
        "users get it from conda-forge or its installer, and .ci/run installs it where the shared kit is",
    ),
]
LOADS = re.compile(r"""<(?:script|img|link|iframe|source)\b[^>]*\b(?:src|href)\s*=\s*["']?(?:https?:)?//""", re.I)


def outline(path):
    page = load(path)
    body = page.select_one("main") or page
    contents = [(a["href"], text(a)) for a in body.select("nav.contents a")]
    for nav in body.select("#TOC, nav.contents, .quarto-title-meta"):
        nav.decompose()
    return {
        "h1": [text(h) for h in page.select("h1")],
        "contents": contents,
        "h2": [text(h) for h in body.select("h2")],
        "tiles": [(t["data-indicator"], t["data-status"]) for t in body.select("article.kpi")],
        "alts": [img.get("alt", "") for img in body.select("img")],
        "sources": {img["src"][:22] for img in body.select("img")},
        "index": [a["href"] for a in body.select("nav.report-nav a")],
        "tables": len(body.select("table")),
        "exceptions": [li["data-indicator"] for li in body.select("li.exception")],
        "headlines": [text(li) for li in body.select(".headlines li")],
    }


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_quarto_pages_say_what_nbconvert_pages_say(demo_render, audience):
    assert "quarto" in demo_render.engines
    for kind in ("quarterly", "annual", "deep-dive"):
        for path, other in zip(
            demo_render.pages("nbconvert", audience, kind), demo_render.pages("quarto", audience, kind)
        ):
            ours, theirs = outline(path), outline(other)
            assert path.name == other.name and theirs == ours, path.name
        assert (
            len(ours["h1"]) == 1 and ours["index"] == ["index.html"] and ours["sources"] == {"data:image/png;base64,"}
        )
        assert [text for _, text in ours["contents"]] == ours["h2"], path.name  # every section is in the contents


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_quarto_pages_weigh_what_nbconvert_pages_weigh(demo_render, audience):
    """A Quarto page embeds only what it shows (no theme, no scripts): within 10% of nbconvert's page of the
    same report, in bytes."""
    for kind in ("quarterly", "annual", "deep-dive"):
        nbconvert, quarto = demo_render.pages("nbconvert", audience, kind), demo_render.pages("quarto", audience, kind)
        assert [p.name for p in quarto] == [p.name for p in nbconvert] != []
        for ours, theirs in zip(nbconvert, quarto):
            size, quarto_size = ours.stat().st_size, theirs.stat().st_size
            assert abs(quarto_size - size) <= size / 10, (
                f"{theirs.name}: Quarto {quarto_size:,} bytes, nbconvert {size:,}"
            )


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_quarto_pages_are_one_self_contained_file(demo_render, audience):
    for path in demo_render.every_page("quarto", audience):
        raw = path.read_text(encoding="utf-8")
        assert not LOADS.search(raw), (path.name, LOADS.search(raw).group(0))
        assert not re.search(r"<script[^>]*src=[^>]*(require|jquery)", raw, re.I)
        assert re.search(r'<html[^>]*\blang="en"', raw)
