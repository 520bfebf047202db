"""End to end on the demo council: every directorate's report for both audiences, inspected as HTML."""

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

import pmkit
from pmkit.demo import write_demo_store
from pmkit.run import run_quarterly

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
DIRECTORATES = {"adults", "childrens", "housing", "place", "communities", "resources"}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo")
    store = write_demo_store(out / "pmkit.duckdb")
    runs = {a: run_quarterly(audience=a, source=str(store), out=out / "outputs", engine="nbconvert", jobs=2, root=ROOT) for a in ("internal", "public")}
    return store, runs


class Outline(HTMLParser):
    """Headings in order, images with their alt text, and KPI tiles' data attributes."""

    def __init__(self):
        super().__init__()
        self.headings, self.images, self.tiles, self._in = [], [], [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self._in = [int(tag[1]), ""]
        if tag == "img":
            self.images.append(a)
        if tag == "article" and "data-indicator" in a:
            self.tiles.append((a["data-indicator"], a.get("data-status")))

    def handle_data(self, data):
        if self._in is not None:
            self._in[1] += data

    def handle_endtag(self, tag):
        if self._in is not None and tag == f"h{self._in[0]}":
            self.headings.append(tuple(self._in))
            self._in = None


def outline(path):
    parser = Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_a_report_per_directorate_and_an_index_for_each_audience(demo):
    _, runs = demo
    for result in runs.values():
        assert result.period == "2025/26 Q2"  # the latest quarter with data
        assert all(r.ok for r in result.reports), [r.error for r in result.reports if not r.ok]
        assert {p.stem for p in result.folder.glob("*.html")} == DIRECTORATES | {"index"}
        index = (result.folder / "index.html").read_text(encoding="utf-8")
        assert all(f'href="{d}.html"' in index for d in DIRECTORATES)


def test_every_indicator_has_a_tile_with_its_status(demo):
    store, runs = demo
    src = pmkit.open_source(store)
    ind = src.indicators()
    st = pmkit.status.assess(src.measures(), ind, "2025/26 Q2", targets=src.targets(), benchmarks=src.benchmarks(), rag_suspended=["2020/21"])
    expected = dict(zip(st.indicator_id, st.rag))
    for audience, result in runs.items():
        shown = {}
        for page in result.folder.glob("*.html"):
            if page.stem != "index":
                shown.update(outline(page).tiles)
        wanted = ind if audience == "internal" else ind[ind["public"]]
        assert set(shown) == set(wanted["indicator_id"])
        assert all(shown[i] == expected[i] for i in shown)


def test_pages_are_accessible_self_contained_and_script_free(demo):
    _, runs = demo
    for result in runs.values():
        for page in result.folder.glob("*.html"):
            text = page.read_text(encoding="utf-8")
            assert '<html lang="en">' in text
            assert "<script" not in text.lower() and "javascript:" not in text.lower()
            assert not re.search(r"(src|href)=\"(https?:)?//", text)
            if page.stem == "index":
                continue
            o = outline(page)
            levels = [level for level, _ in o.headings]
            assert levels[0] == 1 and levels.count(1) == 1
            assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), f"{page.name} skips a heading level"
            assert o.images and all(img.get("alt", "").strip() for img in o.images)


def test_spc_charts_and_icons_for_every_indicator_with_enough_history(demo):
    _, runs = demo
    path = runs["internal"].folder / "housing.html"
    page = path.read_text(encoding="utf-8")
    charts = [img["alt"] for img in outline(path).images if img.get("class") == "spc-chart" and img["src"].startswith("data:image/png;base64,")]
    too_few = page.count("Not enough data for SPC")
    assert len(charts) + too_few // 2 >= 11  # the sentence appears on the tile and in the trends section
    assert any("Special cause of concern" in alt for alt in charts)
    assert 'data-icon="concern_low"' in page or 'data-icon="concern_high"' in page
    assert "<title>Assurance:" in page


def test_public_reports_leave_out_internal_only_indicators_and_owners(demo):
    store, runs = demo
    ind = pmkit.open_source(store).indicators()
    internal_only = set(ind.loc[~ind["public"], "indicator_id"])
    owners = set(ind["owner"])
    for page in runs["public"].folder.glob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert not any(f'data-indicator="{i}"' in text for i in internal_only)
        assert not any(f"<dd>{o}</dd>" in text for o in owners if o)


PERSONAL = {
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.]+"),
    "phone": re.compile(r"(?:\+44\s?|\b0)(?:\d\s?){9,10}\b"),
    "postcode": re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.I),
}


def theme_sections(text):
    return re.findall(r'<section class="pmkit-themes".*?</section>', text, flags=re.S)


def test_public_reports_carry_the_citizen_voice_without_personal_data_or_small_counts(demo):
    store, runs = demo
    feedback = pmkit.open_source(store).feedback()
    planted = feedback[feedback["text"].str.contains("@|07700|01632", regex=True)]
    assert len(planted) > 20  # the demo plants personal details in some comments
    for page in runs["public"].folder.glob("*.html"):
        if page.stem == "index":
            continue
        text = page.read_text(encoding="utf-8")
        sections = theme_sections(text)
        assert sections, f"{page.name} has no theme summary"
        for kind, pattern in PERSONAL.items():
            assert not pattern.search(re.sub(r"<[^>]+>", " ", text)), f"{page.name} shows an unredacted {kind}"
        for section in sections:
            counts = [int(n) for n in re.findall(r"<td[^>]*>(\d+)</td>", section)]
            assert counts and not [n for n in counts if 0 < n < 5], f"{page.name} shows a count below 5"


def test_case_studies_are_woven_in_and_internal_ones_stay_internal(demo):
    store, runs = demo
    studies = pmkit.open_source(store).case_studies()
    internal_only = set(studies.loc[~studies["public"], "name"])
    shown = {a: set() for a in runs}
    for audience, result in runs.items():
        for page in result.folder.glob("*.html"):
            shown[audience] |= set(re.findall(r'data-case-study="([^"]+)"', page.read_text(encoding="utf-8")))
    assert internal_only and not internal_only & shown["public"]
    assert len(shown["public"]) >= 5  # this year's and last year's public case studies, one per directorate
    assert shown["public"] <= shown["internal"]
