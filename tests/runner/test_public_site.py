"""The demo council's public site, crawled from its front page as a resident's browser would follow it:
every link stays in the site and resolves (anchors too), nothing internal is reachable, every public
measure has a page, and a measure's page says what its quarterly tile says."""

import posixpath
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from pages import JARGON, load, text, visible_text

import pmkit
from pmkit.runner import site

pytestmark = pytest.mark.e2e


def crawl(front: Path) -> tuple[dict[Path, object], list[str]]:
    """Every page and file reachable from ``front`` by its links and images, and what is wrong with any link."""
    root = front.parent.resolve()
    pages, files, problems, todo = {}, set(), [], [front.resolve()]
    while todo:
        path = todo.pop()
        if path in pages:
            continue
        page = pages[path] = load(path)
        for tag, attr in (("a", "href"), ("img", "src"), ("link", "href")):
            for element in page.find_all(tag):
                href = element.get(attr, "")
                if href.startswith(("data:", "http://", "https://", "mailto:")):
                    continue
                parts = urlsplit(href)
                target = path if not parts.path else Path(posixpath.normpath(path.parent / unquote(parts.path)))
                where = f"{path.relative_to(root)}: {href}"
                if root not in target.parents and target != root:
                    problems.append(f"{where} leaves the site")
                    continue
                if not target.is_file():
                    problems.append(f"{where} does not exist")
                    continue
                if target.suffix == ".html":
                    if parts.fragment and load(target).find(id=parts.fragment) is None:
                        problems.append(f"{where}: no #{parts.fragment} there")
                    todo.append(target)
                else:
                    files.add(target)
    return {**pages, **{f: None for f in files}}, problems


@pytest.fixture(scope="module")
def public(demo_render):
    folder = demo_render.root / "nbconvert" / "outputs" / "public"
    reached, problems = crawl(folder / "index.html")
    src = pmkit.open_source(demo_render.store)
    return folder, reached, problems, src


def test_every_link_of_the_public_site_resolves_inside_it_and_nothing_internal_is_reachable(public):
    folder, reached, problems, src = public
    assert problems == []
    names = {p.relative_to(folder.resolve()).as_posix() for p in reached}
    assert not [n for n in names if re.search(r"internal|manifest|_executed|\.ipynb|kernels", n)]
    # every page of the site is one the front page leads to: reports, period indexes, measures
    published = {p.relative_to(folder).as_posix() for p in folder.glob("*/*.html")}
    assert published <= names
    assert {
        "index.html",
        "archive.html",
        "how-to-read.html",
        "indicators/index.html",
        "indicators/datapackage.json",
        "2025-26-Q2/status.csv",
        "2025-26-Q2/datapackage.json",
        "2024-25/status.csv",
    } <= names
    register = src.indicators()
    wanted = {f"indicators/{i.lower()}.html" for i in register[register["public"]]["indicator_id"]}
    assert len(wanted) == 60 and wanted <= names
    assert not {f"indicators/{i.lower()}.html" for i in register[~register["public"]]["indicator_id"]} & names
    reports = {p.resolve() for p in folder.glob("*/*.html") if p.parent.name != "indicators" and p.name != "index.html"}
    for path in {p for p, page in reached.items() if page is not None} - reports:
        page = load(path)  # the site's own pages, in the site's words (officers' commentary aside)
        for words in page.select(".commentary, .actions"):
            words.decompose()
        said = visible_text(page)
        assert not JARGON.search(said), (path.name, JARGON.search(said).group(0))
        assert "Result" not in [text(th) for th in page.find_all("th")], path.name


def test_the_front_page_names_the_council_and_leads_with_the_latest_report_of_each_kind(public):
    folder, *_ = public
    front = load(folder / "index.html")
    assert text(front.select_one("h1")) == "Thornbury Vale Council: how the council is doing"
    assert [text(h) for h in front.select("main h2")][:3] == [
        "Quarterly reports: 2025/26 Q2",
        "Annual report: 2024/25",
        "Deep dives: 2025/26 Q2",
    ]
    links = [(a["href"], text(a)) for a in front.select("main a")]
    assert ("2025-26-Q2/housing.html", "Housing") in links
    assert ("2024-25/annual-report.html", "Thornbury Vale Council: annual report 2024/25") in links
    assert ("2025-26-Q2/deep-dive-repairs.html", "Council housing repairs") in links
    assert {
        "2025-26-Q2/status.csv",
        "2025-26-Q2/datapackage.json",
        "indicators/datapackage.json",
        "how-to-read.html",
        "archive.html",
    } <= {href for href, _ in links}
    archive = load(folder / "archive.html")
    assert [text(h) for h in archive.select("main h2")] == ["2025/26", "2024/25"]
    assert [text(h) for h in archive.select("main h3")] == [
        "2025/26 Q2 (July to September 2025)",
        "2024/25 (April 2024 to March 2025)",
    ]
    period = load(folder / "2025-26-Q2" / "index.html")
    assert "../index.html" in [a["href"] for a in period.select("a")]
    assert "manifest" not in str(period) and "Result" not in visible_text(period)


def test_every_glossary_worthy_term_on_the_public_pages_has_an_entry(public):
    folder, reached, *_ = public
    said = " ".join(visible_text(page) for page in reached.values() if page is not None)
    found = [t for t in site.vocabulary() if re.search(rf"(?<![\w-]){re.escape(t)}(?!\w)", said, re.I)]
    entries = {text(dt).casefold() for dt in load(folder / "how-to-read.html").select("dl.glossary dt")}
    assert len(found) > 15  # status, direction, comparisons, chart lines and "<5" are all used
    assert [t for t in found if t.casefold() not in entries] == []


@pytest.mark.parametrize(
    ("iid", "page", "figure", "target", "changes"),
    [
        # lower is better: the damp and mould cases of September 2025 (191 in the measures), its 2025/26 target 186
        (
            "HOU-07",
            "housing.html",
            "191",
            "186",
            [
                "144 from 2020/21.",
                "Eased from 193 to 283 in 2024/25 (easier to meet).",
                "Tightened from 283 to 186 in 2025/26 (harder to meet).",
            ],
        ),
        # higher is better: still at home after reablement in 2025/26 Q2 (245 of 304, given as 80.6), target 91.7%
        (
            "ASC-02",
            "adults.html",
            "80.6%",
            "91.7%",
            [
                "84.5% from 2020/21.",
                "Eased from 84.5% to 82.5% in 2021/22 (easier to meet).",
                "Tightened from 87.0% to 91.7% in 2025/26 (harder to meet).",
            ],
        ),
    ],
)
def test_a_measures_page_agrees_with_its_quarterly_tile(public, iid, page, figure, target, changes):
    folder, *_ = public
    mine = load(folder / "indicators" / f"{iid.lower()}.html")
    tile = load(folder / "2025-26-Q2" / page).select_one(f"#kpi-{iid}")
    for shown in (mine.select_one(".kpi"), tile):
        assert text(shown.select_one(".kpi-value .value")) == figure
        assert text(shown.select_one(".target")) == f"Target: {target}"
    first = mine.select_one("#figures ~ details tbody tr")
    assert [text(c) for c in first.find_all(["th", "td"])][1:] == [figure, target]
    said = [text(li) for li in mine.select("#target + ul li")]
    assert said[0] == changes[0] and all(change in said for change in changes[1:]), said
    reports = [a["href"] for a in mine.select("#reports + ul a")]
    assert f"../2025-26-Q2/{page}#kpi-{iid}" in reports and any("annual-report.html" in r for r in reports)
    assert any(r.startswith("../2025-26-Q2/deep-dive-asc-02.html") for r in reports) == (iid == "ASC-02")
    assert mine.select_one("img.spc-chart")["src"].startswith("data:image/")
    assert (folder / "indicators" / f"{iid.lower()}.csv").read_text().splitlines()[
        0
    ] == "indicator_id,title,period,value,unit,target"
    assert "What we are doing" in visible_text(mine)  # the latest public commentary, whole


def test_the_sites_own_pages_carry_the_reports_stylesheet_as_written(public):
    """The front page, archive, how to read and each measure's page style themselves with the reports'
    own CSS, as it is (escaped, its quoted font names and child selectors would be lost: a serif page
    whose phone-only folds show their summaries on a desktop)."""
    css = (Path(pmkit.__file__).parent / "templates" / "report.css").read_text(encoding="utf-8")
    root = public[0]
    pages = [
        root / "index.html",
        root / "archive.html",
        root / "how-to-read.html",
        *sorted((root / "indicators").glob("*.html")),
    ]
    assert len(pages) > 60
    for page in pages:
        assert css in page.read_text(encoding="utf-8"), page.name
