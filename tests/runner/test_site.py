"""The public site's parts that need no rendered reports: its glossary, the periods it reads from
the public manifests, and the internal home page that links it."""

import json
import re
from pathlib import Path

from component_helpers import soup, text

from pmkit.io import periods
from pmkit.io.sources import open_source
from pmkit.runner import publish, site


def test_every_public_word_the_components_use_has_a_glossary_entry():
    terms = site.vocabulary()
    # read from the words the components use: a status, a direction, a comparison, a chart's lines and small numbers
    assert {
        "On target",
        "Near target",
        "Off target",
        "Getting better",
        "best 25%",
        "worst 25%",
        "Unusually high",
        "Within its usual range",
        "better than usual",
        "Top of usual range",
        "Average",
        "lower is better",
        "<5",
    } <= set(terms)
    assert not any("{" in term for term in terms)
    assert [term for term in terms if term not in site.GLOSSARY] == []


def test_a_period_in_plain_words():
    assert site.plain_period(periods.parse("2025/26 Q3")) == "October to December 2025"
    assert site.plain_period(periods.parse("2025/26 Q4")) == "January to March 2026"
    assert site.plain_period(periods.parse("2024/25")) == "April 2024 to March 2025"
    assert site.plain_period(periods.parse("Sep 2025")) == "September 2025"


def _page(path, body="<p>x</p>"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'<!DOCTYPE html><html lang="en"><body>{body}</body></html>', encoding="utf-8")


def test_the_site_lists_a_periods_reports_from_its_public_manifest_outside_the_site(tmp_path):
    outputs = tmp_path / "outputs"
    _page(outputs / "public" / "2025-26-Q2" / "housing.html")
    _page(outputs / "public" / "2024-25" / "annual-report.html")
    _page(outputs / "public" / "notes" / "readme.html")  # not a period: not part of the archive
    manifest = outputs / "2025-26-Q2" / "internal" / "public-manifest.json"
    manifest.parent.mkdir(parents=True)
    manifest.write_text(
        json.dumps(
            {
                "published": [
                    {
                        "name": "housing",
                        "kind": "quarterly",
                        "title": "Housing: performance report, 2025/26 Q2",
                        "file": "housing.html",
                        "ok": True,
                        "parameters": {"directorate": "Housing"},
                    },
                    {
                        "name": "place",
                        "kind": "quarterly",
                        "title": "Place: performance report, 2025/26 Q2",
                        "file": "place.html",
                        "ok": False,
                        "parameters": {"directorate": "Place"},
                    },  # failed, never published: not listed
                ]
            }
        )
    )
    found = site.editions(outputs)
    assert [(e.period.label, e.slug) for e in found] == [("2025/26 Q2", "2025-26-Q2"), ("2024/25", "2024-25")]
    assert [(r.kind, r.name, r.file) for r in found[0].reports] == [("quarterly", "Housing", "housing.html")]
    assert [r.file for r in found[1].reports] == ["annual-report.html"]  # no manifest: its pages by name
    assert site.as_at(found).label == "2025/26 Q2"
    assert site.as_at(found[1:]).label == "2024/25 Q4"  # a year is read at its last quarter


def test_the_internal_home_names_the_council_lists_internal_periods_and_links_the_public_front_page(tmp_path):
    outputs = tmp_path / "outputs"
    for slug in ("2024-25", "2025-26-Q2"):
        _page(outputs / slug / "internal" / "index.html")
        _page(outputs / "public" / slug / "index.html")
    publish.write_outputs_home(outputs, council="Borsetshire County Council")
    home = soup((outputs / "index.html").read_text(encoding="utf-8"))
    assert text(home.select_one("title")) == "Borsetshire County Council: performance reports for members and officers"
    assert [a["href"] for a in home.select("a")] == ["2025-26-Q2/internal/index.html", "2024-25/internal/index.html"]
    _page(outputs / "public" / "index.html")
    publish.write_outputs_home(outputs, council="Borsetshire County Council")
    home = soup((outputs / "index.html").read_text(encoding="utf-8"))
    assert [a["href"] for a in home.select("a")][-1] == "public/index.html"
    assert not any("public/2025-26-Q2" in a["href"] for a in home.select("a"))  # the public periods are the site's


def test_a_site_with_no_reports_yet_says_so_and_every_link_of_its_pages_resolves(tmp_path):
    outputs = tmp_path / "outputs"
    src = open_source(str(Path(__file__).parents[1] / "data" / "mini_council"))
    written = site.build_site(outputs, src, {"council": "Borsetshire County Council"})
    assert "No reports have been published yet." in written[0].read_text(encoding="utf-8")
    for page in written:
        for href in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            assert (page.parent / href).exists(), (page.name, href)


def test_the_public_sites_period_folders_leave_out_its_measures_pages(tmp_path):
    from pmkit.runner.layout import published_folders

    outputs = tmp_path / "outputs"
    _page(outputs / "public" / "2025-26-Q2" / "housing.html")
    _page(outputs / "public" / "indicators" / "hou-07.html")
    assert [p.name for p in published_folders(outputs, "public")] == ["2025-26-Q2"]
