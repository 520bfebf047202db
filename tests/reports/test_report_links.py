"""End to end on the demo council: what the committee needs to know opens the pages, and every link between
the reports goes somewhere (its file and its anchor), as `pmkit demo` runs the kinds: quarterly, annual, then
the deep dives."""

import re
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from pages import load, text

import pmkit
from pmkit.components.safehtml import markdown_to_html
from pmkit.judge import commentary

pytestmark = pytest.mark.e2e


@cache
def ids(page: Path) -> frozenset[str]:
    return frozenset(node["id"] for node in load(page).find_all(id=True))


def broken_links(page: Path) -> list[str]:
    """Every link on ``page`` to a page or element that is not there (outside links and data left out)."""
    soup = load(page)
    broken = []
    for a in soup.select("a[href]"):
        href = a["href"]
        parts = urlsplit(href)
        if parts.scheme or href.startswith("//"):
            continue
        target = (page.parent / parts.path).resolve() if parts.path else page
        if not target.exists():
            broken.append(f"{page.name}: {href} (no such file)")
        elif parts.fragment and target.suffix == ".html":
            if parts.fragment not in ids(target):
                broken.append(f"{page.name}: {href} (no element {parts.fragment} there)")
    return broken


@pytest.mark.parametrize("audience", ["internal", "public"])
def test_every_link_between_the_reports_resolves(demo_render, audience):
    for engine in demo_render.engines:
        pages = demo_render.every_page(engine, audience)
        assert pages
        broken = [b for page in pages for b in broken_links(page)]
        assert not broken, f"{engine}: {broken}"
        for page in pages:  # a link with nowhere to go is hidden, never shown without an address
            for a in load(page).select("a[data-xref]:not([href])"):
                assert a.has_attr("hidden") or a.has_attr("data-xref-keep"), f"{page.name}: {a}"


def test_the_exception_links_to_the_deep_dive_which_links_back_with_the_commentary(demo_render):
    folder = demo_render.folder("nbconvert", "internal")
    adults = load(folder / "adults.html")
    exception = adults.find(id="exception-ASC-02")
    assert exception.select_one('a[data-xref^="deep-dive"]')["href"] == "deep-dive-asc-02.html#indicator-asc-02"
    annual = load(demo_render.pages("nbconvert", "internal", "annual")[0])
    to_year = exception.select_one('a[data-xref^="annual"]')
    if annual.find(id="ind-asc-02") is not None:  # the year-end table's rows carry their indicator's anchor
        assert to_year["href"] == "../../2024-25/internal/annual-report.html#ind-asc-02"
    else:
        assert to_year.has_attr("hidden") and not to_year.has_attr("href")
    tile = annual.select_one('a[data-xref="latest-quarterly kpi-ASC-02"]')
    assert tile["href"] == "../../2025-26-Q2/internal/adults.html#kpi-ASC-02"

    dive = load(folder / "deep-dive-asc-02.html")
    assert [a["href"] for a in dive.select('a[data-xref="quarterly kpi-ASC-02"]')][-1] == "adults.html#kpi-ASC-02"
    src = pmkit.open_source(demo_render.store)
    note = commentary.for_indicator(src.commentary(), "ASC-02", "2025/26 Q2", "internal")
    said = text(BeautifulSoup(markdown_to_html(note["text"]), "html.parser"))
    part = next(h.parent for h in dive.select(".deep-dive-part > h3") if text(h) == "What officers say")
    assert said and said in text(part)
    if note["actions"]:
        assert text(BeautifulSoup(markdown_to_html(note["actions"]), "html.parser")) in text(
            part.select_one(".actions")
        )


@pytest.mark.parametrize(
    ("audience", "heading"),
    [("internal", r"What the committee needs to know"), ("public", r"The (one thing|two things|three things) to know")],
)
def test_the_pages_open_with_what_to_know_before_the_overview(demo_render, audience, heading):
    for page in demo_render.pages("nbconvert", audience) + demo_render.pages("nbconvert", audience, "deep-dive"):
        soup = load(page)
        headings = [h.get("id") for h in soup.select("main h2[id]") if h.get("id") != "contents-title"]
        assert headings[0] == "committee", page.name
        assert re.fullmatch(heading, text(soup.find(id="committee"))), page.name
        assert re.search(heading, text(soup.select_one("nav.contents"))), page.name
        if "overview" in headings:
            assert headings.index("committee") < headings.index("overview")
        for item in soup.select("ol.committee-items > li"):
            if audience == "internal":
                assert item.select_one(".committee-question"), page.name
