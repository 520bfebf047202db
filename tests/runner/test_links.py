"""Links between reports: a link shows once the page it names is published, whatever order the kinds run in,
and goes away again when that page does."""

import json
from pathlib import Path

from bs4 import BeautifulSoup

from pmkit.components.anchors import xref
from pmkit.runner import layout
from pmkit.runner.links import resolve


def publish(outputs: Path, slug: str, audience: str, kind: str, file: str, body: str) -> Path:
    """A page as a run leaves it: the file, and its entry in the folder's manifest."""
    folder = layout.page_folder(outputs, slug, audience)
    folder.mkdir(parents=True, exist_ok=True)
    page = folder / file
    page.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")
    manifest = layout.manifest_path(outputs, slug, audience)
    manifest.parent.mkdir(parents=True, exist_ok=True)
    entries = json.loads(manifest.read_text())["published"] if manifest.exists() else []
    entries = [e for e in entries if e["file"] != file] + [{"name": page.stem, "kind": kind, "file": file, "ok": True}]
    manifest.write_text(json.dumps({"published": entries}))
    return page


def link(page: Path, kind: str) -> dict:
    """The marker of ``kind`` on a page: its address (None when it has none) and whether it is hidden."""
    a = next(
        a
        for a in BeautifulSoup(page.read_text(), "html.parser").select("a[data-xref]")
        if a["data-xref"].startswith(kind)
    )
    return {"href": a.get("href"), "hidden": a.has_attr("hidden")}


QUARTERLY = (
    f'<article id="kpi-ASC-02">tile</article><li id="exception-ASC-02">'
    f"{xref('deep-dive', 'indicator-asc-02', 'Deep dive')} {xref('annual', 'ind-asc-02', 'In the annual report')}</li>"
)
DEEP_DIVE = f'<section id="indicator-asc-02"><article id="kpi-ASC-02"></article>{xref("quarterly", "kpi-ASC-02", "Back")}</section>'
TOPIC = '<section id="indicator-asc-01"></section><section id="indicator-asc-02"></section>'
ANNUAL = f'<tr id="ind-asc-02"><th>{xref("latest-quarterly", "kpi-ASC-02", "Reablement", keep_text=True)}</th></tr>'


def test_links_appear_as_their_pages_are_published_in_any_order(tmp_path):
    outputs = tmp_path / "outputs"
    # The annual report first: no quarterly page yet, so its indicator's name stays plain text (nothing to rewrite).
    annual = publish(outputs, "2024-25", "internal", "annual", "annual-report.html", ANNUAL)
    assert resolve(outputs, "internal") == []
    assert link(annual, "latest-quarterly") == {"href": None, "hidden": False}

    # Then the quarterly page: the annual report now links to its tile, the exception to the year's line;
    # there is no deep dive yet, so that link stays hidden.
    adults = publish(outputs, "2025-26-Q2", "internal", "quarterly", "adults.html", QUARTERLY)
    resolve(outputs, "internal")
    assert link(annual, "latest-quarterly") == {
        "href": "../../2025-26-Q2/internal/adults.html#kpi-ASC-02",
        "hidden": False,
    }
    assert link(adults, "annual") == {"href": "../../2024-25/internal/annual-report.html#ind-asc-02", "hidden": False}
    assert link(adults, "deep-dive") == {"href": None, "hidden": True}

    # A topic's deep dive and the indicator's own: the exception goes to the indicator's own, which links back.
    topic = publish(outputs, "2025-26-Q2", "internal", "deep-dive", "deep-dive-adults.html", TOPIC)
    dive = publish(outputs, "2025-26-Q2", "internal", "deep-dive", "deep-dive-asc-02.html", DEEP_DIVE)
    assert set(resolve(outputs, "internal")) == {adults, dive}
    assert link(adults, "deep-dive") == {"href": "deep-dive-asc-02.html#indicator-asc-02", "hidden": False}
    assert link(dive, "quarterly") == {"href": "adults.html#kpi-ASC-02", "hidden": False}

    # Nothing changed: nothing is rewritten. A later quarter becomes the latest tile.
    assert resolve(outputs, "internal") == []
    publish(outputs, "2025-26-Q3", "internal", "quarterly", "adults.html", QUARTERLY)
    resolve(outputs, "internal")
    assert link(annual, "latest-quarterly")["href"] == "../../2025-26-Q3/internal/adults.html#kpi-ASC-02"

    # A page that goes takes its links with it: to the topic's deep dive, then to none.
    dive.unlink()
    resolve(outputs, "internal")
    assert link(adults, "deep-dive") == {"href": "deep-dive-adults.html#indicator-asc-02", "hidden": False}
    topic.unlink()
    resolve(outputs, "internal")
    assert link(adults, "deep-dive") == {"href": None, "hidden": True}


def test_an_exception_links_only_to_an_annual_report_of_a_year_ended_by_its_period(tmp_path):
    outputs = tmp_path / "outputs"
    adults = publish(outputs, "2024-25-Q2", "internal", "quarterly", "adults.html", QUARTERLY)
    publish(outputs, "2024-25", "internal", "annual", "annual-report.html", ANNUAL)  # ends March 2025, after Q2
    publish(outputs, "2023-24", "internal", "annual", "annual-report.html", "<p>no line for ASC-02</p>")
    resolve(outputs, "internal")
    assert link(adults, "annual") == {"href": None, "hidden": True}
    publish(outputs, "2022-23", "internal", "annual", "annual-report.html", ANNUAL)
    resolve(outputs, "internal")
    assert link(adults, "annual")["href"] == "../../2022-23/internal/annual-report.html#ind-asc-02"


def test_public_pages_link_within_the_public_site(tmp_path):
    outputs = tmp_path / "outputs"
    adults = publish(outputs, "2025-26-Q2", "public", "quarterly", "adults.html", QUARTERLY)
    publish(outputs, "2024-25", "public", "annual", "annual-report.html", ANNUAL)
    publish(outputs, "2025-26-Q2", "internal", "deep-dive", "deep-dive-asc-02.html", DEEP_DIVE)  # not the public's
    resolve(outputs, "public")
    assert link(adults, "annual")["href"] == "../2024-25/annual-report.html#ind-asc-02"
    assert link(adults, "deep-dive") == {"href": None, "hidden": True}
