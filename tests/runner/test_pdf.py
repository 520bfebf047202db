"""Committee papers: report pages printed to A4 PDFs by headless Chromium (`pmkit pdf`, `pmkit run --pdf`),
read back with pypdf as a reader of the agenda pack would see them.

The demo's Housing quarterly report, its annual report and its repairs deep dive are printed once per
session (with nbconvert; the Housing report with Quarto too where Quarto is installed: its pages lay
out on a grid that Chromium's page breaks must not be left to). Expected page counts: a quarterly
report 25 to 90 pages (its SPC data tables, open as every drill-down is, take most of them), the
annual report 15 to 60, a deep dive 10 to 45.
"""

from __future__ import annotations

import copy
import functools
import re
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from pmkit.cli import main
from pmkit.errors import PmkitError

pypdf = pytest.importorskip("pypdf", reason="pypdf reads the PDFs back (pip install -e '.[test]')")
from bs4 import BeautifulSoup  # noqa: E402

# (engine, kind, page): the page each test reads; its title and page range worked out from the demo by hand
PRINTED = {
    "quarterly": ("nbconvert", "quarterly", "housing"),
    "annual": ("nbconvert", "annual", "annual-report"),
    "deep-dive": ("nbconvert", "deep-dive", "deep-dive-repairs"),
    "quarto-quarterly": ("quarto", "quarterly", "housing"),
}
TITLES = {
    "quarterly": "Housing: performance report, 2025/26 Q2",
    "annual": "Thornbury Vale Council: annual report 2024/25",
    "deep-dive": "Deep dive: Council housing repairs, 2025/26 Q2",
    "quarto-quarterly": "Housing: performance report, 2025/26 Q2",
}
PAGE_RANGE = {"quarterly": (25, 90), "annual": (15, 60), "deep-dive": (10, 45), "quarto-quarterly": (25, 90)}
# text that sits only inside a drill-down (closed on screen), read from the demo's pages by hand
DRILL_DOWN = {
    "quarterly": [
        "Households in temporary accommodation arranged by the council under homelessness legislation "
        "at the end of the quarter, per 1,000 households in the borough."
    ],  # HOU-01's definition
    "annual": [
        "Hospital discharges into reablement rose through the winter and more people went home with complex "
        "needs after longer stays"
    ],  # ASC-02's full-year story: its officers' commentary at year end
    "deep-dive": [
        "Emergency repairs completed within 24 hours by ward, Sep 2025",
        "Abbeymead 97.4% 37 38 Within the limits",
    ],  # the figures by ward under the funnel plot
    "quarto-quarterly": [
        "Households in temporary accommodation arranged by the council under homelessness "
        "legislation at the end of the quarter, per 1,000 households in the borough."
    ],
}
# figures a reader looks for, read from the demo's pages by hand (tiles, key figures, headlines)
HAND_FIGURES = {
    "quarterly": ["3.93", "50.5%", "29.9 days", "94.3%", "78.3%", "89.0%", "98.0%", "66.7%"],
    "annual": ["35 of 62", "6 of 7", "1 of 16", "1,129,318", "725,536", "406,471"],
    "deep-dive": ["94.3%", "78.3%", "96.1% in Sep 2024 to 94.3% in Sep 2025"],
    "quarto-quarterly": ["3.93", "50.5%", "29.9 days", "94.3%", "78.3%", "89.0%", "98.0%", "66.7%"],
}
FIGURE = re.compile(r"^£?-?\d[\d,]*(\.\d+)?(%| days)?$")
NAVIGATION = ["Skip to main content", "All reports for this period"]


def words(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Printed:
    html: Path
    pdf: Path
    seconds: float
    soup: BeautifulSoup
    reader: pypdf.PdfReader
    texts: list[str]  # each page's text, whitespace collapsed

    @functools.cached_property
    def text(self) -> str:
        """The document's text without its footers, so a sentence that runs over a page break reads whole."""
        footer = re.compile(r" ?Page \d+ of \d+" + re.escape(words(self.soup.title.get_text())) + " ?")
        return " ".join(footer.sub(" ", page).strip() for page in self.texts)

    def page_of(self, needle: str, start: int = 0) -> int:
        return next(i for i in range(start, len(self.texts)) if needle in self.texts[i])


@pytest.fixture(scope="module")
def printed(demo_render, tmp_path_factory) -> dict[str, Printed]:
    """Each page in PRINTED copied to a folder of its own and printed there by `pmkit pdf`, once."""
    from pmkit.runner.pdf import chromium

    try:
        chromium()
    except PmkitError as exc:
        pytest.skip(str(exc))
    out = {}
    for name, (engine, kind, stem) in PRINTED.items():
        if engine not in demo_render.engines:
            continue
        page = next(p for p in demo_render.pages(engine, "internal", kind) if p.stem == stem)
        copy = tmp_path_factory.mktemp(name) / page.name
        shutil.copy(page, copy)
        started = time.perf_counter()
        assert main(["pdf", str(copy)]) == 0
        seconds = time.perf_counter() - started
        reader = pypdf.PdfReader(copy.with_suffix(".pdf"))
        out[name] = Printed(
            copy,
            copy.with_suffix(".pdf"),
            seconds,
            BeautifulSoup(copy.read_text(encoding="utf-8"), "html.parser"),
            reader,
            [words(p.extract_text()) for p in reader.pages],
        )
        print(
            f"{name}: {len(reader.pages)} pages, {copy.with_suffix('.pdf').stat().st_size // 1024} KB, {seconds:.1f} s"
        )
    return out


@pytest.fixture(params=list(PRINTED))
def doc(request, printed) -> tuple[str, Printed]:
    if request.param not in printed:
        pytest.skip(f"{PRINTED[request.param][0]} is not installed: its pages were not rendered")
    return request.param, printed[request.param]


def test_a4_pages_with_the_title_and_page_numbers_in_every_footer(doc):
    name, pdf = doc
    assert words(pdf.soup.title.get_text()) == TITLES[name]
    count = len(pdf.reader.pages)
    low, high = PAGE_RANGE[name]
    assert low <= count <= high, f"{name}: {count} pages"
    for number, (page, text) in enumerate(zip(pdf.reader.pages, pdf.texts, strict=True), start=1):
        assert abs(float(page.mediabox.width) - 595) <= 1 and abs(float(page.mediabox.height) - 842) <= 1
        assert f"Page {number} of {count}" in text, f"page {number}: {text[:200]}"
        assert TITLES[name] in text, f"page {number}: {text[:200]}"


def test_headings_figures_and_drill_downs_are_in_the_text(doc):
    name, pdf = doc
    headings = [words(h.get_text(" ")) for h in pdf.soup.find_all(["h1", "h2", "h3"])]
    assert len(headings) >= 8
    missing = [h for h in headings if h not in pdf.text]
    assert not missing, missing
    figures = list(
        dict.fromkeys(
            words(cell.get_text(" "))
            for cell in pdf.soup.select(
                ".kpi-value .value, .key-figure, table.appendix td, table.year-end td, table.target-history td"
            )
        )
    )
    figures = [f for f in figures if FIGURE.match(f) and len(f) >= 3]
    assert len(figures) >= 12, figures
    assert [f for f in figures if f not in pdf.text] == []
    assert [f for f in HAND_FIGURES[name] if f not in pdf.text] == []
    for sentence in pdf.soup.select(".headlines li"):  # each headline whole, with its figures and its drill-down
        shown = copy.copy(sentence)
        for summary in shown.find_all("summary"):  # "Which one?" opens the list on screen: paper prints it open
            summary.decompose()
        assert words(shown.get_text(" ")) in pdf.text
    assert [t for t in DRILL_DOWN[name] if t not in pdf.text] == []


def test_no_navigation_on_paper(doc):
    name, pdf = doc
    shown = words(pdf.soup.get_text(" "))
    assert "All reports for this period" in shown  # the page has it, so its absence below means something
    assert [t for t in NAVIGATION if t in pdf.text] == []


def test_contents_link_to_the_pages_of_their_sections(doc):
    """Every contents entry is a link annotation on the first pages, to a named destination on the
    page where its heading is printed, and says that page's number; sections run in order."""
    name, pdf = doc
    entries = [(a["href"].lstrip("#"), words(a.get_text(" "))) for a in pdf.soup.select("nav.contents a")]
    assert len(entries) >= 6
    reader = pdf.reader
    destinations = {
        str(key).lstrip("/"): reader.get_destination_page_number(dest)
        for key, dest in reader.named_destinations.items()
    }
    links = {}
    for number, page in enumerate(reader.pages[:2]):
        for annotation in page.get("/Annots") or []:
            link = annotation.get_object()
            if link.get("/Subtype") == "/Link" and "/Dest" in link:
                links.setdefault(str(link["/Dest"]).lstrip("/"), number)
    pages = []
    for anchor, heading in entries:
        assert anchor in links, f"no link to #{anchor} in the contents"
        target = destinations[anchor]
        assert heading in pdf.texts[target], f"#{anchor}: {heading!r} is not on page {target + 1}"
        assert f"{heading} page {target + 1}" in " ".join(pdf.texts[:2]), f"#{anchor}: no page {target + 1}"
        pages.append(target)
    assert pages == sorted(pages)


def test_a_chart_is_on_the_page_of_its_heading(doc):
    """Each XmR chart of the quarterly report sits on the page where its heading and message are."""
    name, pdf = doc
    if "quarterly" not in name:
        pytest.skip("the quarterly report's SPC section")
    charts = [words(s.find("h3").get_text(" ")) for s in pdf.soup.select("section.spc") if s.find("img")]
    assert len(charts) >= 9
    start = pdf.page_of("Trends: statistical process control", 2)
    per_page: dict[int, int] = {}
    page = start
    for heading in charts:
        page = pdf.page_of(heading, page)
        per_page[page] = per_page.get(page, 0) + 1
    for page, count in per_page.items():
        assert len(pdf.reader.pages[page].images) >= count, f"page {page + 1}: {count} chart headings"


def test_pdf_refuses_a_missing_file_and_a_file_that_is_not_html(tmp_path, capsys):
    missing = tmp_path / "housing.html"
    assert main(["pdf", str(missing)]) == 2
    err = capsys.readouterr().err
    assert err == f"pmkit: {missing}: no such file; expected a report page (.html) to print\n"
    notes = tmp_path / "notes.txt"
    notes.write_text("minutes of the meeting", encoding="utf-8")
    assert main(["pdf", str(notes)]) == 2
    assert capsys.readouterr().err == (
        f"pmkit: {notes}: not an HTML page (its name ends .txt); expected a report page ending .html\n"
    )
    fake = tmp_path / "fake.html"
    fake.write_text("minutes of the meeting", encoding="utf-8")
    assert main(["pdf", str(fake)]) == 2
    assert "fake.html: not an HTML page (it does not start with <!DOCTYPE html> or <html>)" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.pdf"))


def test_pdf_without_chromium_says_so(tmp_path, monkeypatch, capsys):
    page = tmp_path / "page.html"
    page.write_text("<!DOCTYPE html><html><head><title>T</title></head><body><p>x</p></body></html>", encoding="utf-8")
    monkeypatch.setenv("PMKIT_CHROMIUM", "")
    monkeypatch.setenv("PATH", str(tmp_path))
    assert main(["pdf", str(page)]) == 2
    assert capsys.readouterr().err.startswith("pmkit: no Chromium to print PDFs with: install it")
    assert not page.with_suffix(".pdf").exists()


@pytest.fixture
def browser():
    from pmkit.runner.pdf import chromium

    try:
        return chromium()
    except PmkitError as exc:
        pytest.skip(str(exc))


def test_a_title_with_quotes_and_markup_is_printed_as_it_is(tmp_path, browser):
    """The footer's title is a CSS string: quotes, a backslash or </style> in it neither end it nor break the page;
    a closed drill-down's text is printed."""
    from pmkit.runner.pdf import write_pdf

    title = 'Adults\' "care" \\ </style> & more'
    page = tmp_path / "page.html"
    page.write_text(
        "<!DOCTYPE html><html><head><title>Adults' &quot;care&quot; \\ &lt;/style&gt; &amp; more</title></head>"
        "<body><h1>Report</h1><details><summary>Open me</summary><p>Hidden on screen: 12.5%</p></details></body></html>",
        encoding="utf-8",
    )
    pdf = write_pdf(page)
    assert pdf == tmp_path / "page.pdf"
    reader = pypdf.PdfReader(pdf)
    text = words(reader.pages[0].extract_text())
    assert title in text and "Page 1 of 1" in text
    assert "Hidden on screen: 12.5%" in text
    assert {p.name for p in tmp_path.iterdir()} == {"page.html", "page.pdf"}  # the print copy is not left beside it


def test_run_prints_a_pdf_beside_each_page_it_published_when_asked(tmp_path, browser):
    """`pmkit run --pdf`: each page the run published (not one it skipped or failed) is printed beside it,
    once the run's links are settled; a page that cannot be printed fails its report with the reason."""
    from pmkit.runner.jobs import ReportJob, ReportResult
    from pmkit.runner.run import print_pdfs

    folder = tmp_path / "outputs" / "2025-26-Q2" / "internal"
    folder.mkdir(parents=True)
    html = "<!DOCTYPE html><html><head><title>Housing: performance report</title></head><body><h1>Housing</h1></body></html>"
    jobs, reports = [], []
    for name, ok, skipped in [
        ("housing", True, False),
        ("adults", True, True),
        ("place", False, False),
        ("broken", True, False),
    ]:
        page = folder / f"{name}.html"
        page.write_text(html if name != "broken" else "not a page", encoding="utf-8")
        jobs.append(
            ReportJob(
                name=name,
                title=name,
                notebook=tmp_path / "q.ipynb",
                parameters={},
                html=page,
                executed=tmp_path / f"{name}.ipynb",
                project=tmp_path,
                tmp=tmp_path,
                pdf=True,
            )
        )
        reports.append(ReportResult(name, name, page.name, ok, 1.0, "", "" if ok else "it raised", skipped))
    after = print_pdfs(jobs, reports)
    text = words(pypdf.PdfReader(folder / "housing.pdf").pages[0].extract_text())
    assert "Housing: performance report" in text and "Page 1 of 1" in text
    assert sorted(p.name for p in folder.glob("*.pdf")) == ["housing.pdf"]
    assert [r.ok for r in after] == [True, True, False, False]
    assert after[3].error.startswith("the page was published but its PDF was not printed: ")
    jobs[0].pdf = False
    (folder / "housing.pdf").unlink()
    assert print_pdfs(jobs[:1], reports[:1]) == reports[:1] and not (folder / "housing.pdf").exists()


def test_run_with_pdf_and_no_chromium_stops_before_any_report(tmp_path, monkeypatch):
    from pmkit.runner.run import run_batch

    monkeypatch.setenv("PMKIT_CHROMIUM", "")
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(PmkitError, match="no Chromium to print PDFs with"):
        run_batch("quarterly", [tmp_path], ["internal"], engine="nbconvert", pdf=True)


def test_run_passes_pdf_to_the_batch(monkeypatch):
    import pmkit.cli

    asked = []
    monkeypatch.setattr(pmkit.cli, "_run_with_progress", lambda **kwargs: asked.append(kwargs) or [])
    assert main(["run", "quarterly", "--pdf"]) == 0
    assert main(["run", "annual"]) == 0
    assert [a["pdf"] for a in asked] == [True, False]
