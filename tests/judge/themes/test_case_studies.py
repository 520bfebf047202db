"""Case studies: sanitised rendering and selection for a report."""

from __future__ import annotations

import pytest

from pmkit.components.safehtml import markdown_to_html as render
from pmkit.components.safehtml import sanitise
from pmkit.errors import PmkitError
from pmkit.io.sources import parse_case_studies
from pmkit.judge.casestudies import select

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="

ATTACKS = [
    "<script>alert(1)</script>",
    '<img src="x.png" onerror="alert(1)" alt="x">',
    "[click](javascript:alert(1))",
    '<a href="JaVaScRiPt:alert(1)">j</a>',
    '<a href="  javascript:alert(1)">j</a>',
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<p style="background:url(javascript:alert(1))">painted</p>',
    "<style>body { display: none }</style>",
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    '<iframe src="https://example.org"></iframe>',
    '<div onmouseover="alert(1)">hover</div>',
    '<form action="https://evil.example"><input name="q"></form>',
    '<object data="x.swf"></object><embed src="x.swf">',
    '<a href="https://example.org" onclick="alert(1)">ok</a>',
    '<math><mi xlink:href="javascript:alert(1)">x</mi></math>',
]


@pytest.mark.parametrize("attack", ATTACKS)
def test_nothing_executable_survives(attack):
    html = render(f"Before\n\n{attack}\n\nAfter").lower()
    for forbidden in (
        "<script",
        "javascript:",
        " on",
        "style=",
        "<style",
        "<iframe",
        "<svg",
        "<form",
        "<object",
        "<embed",
        "data:text",
    ):
        assert forbidden not in html, (attack, html)
    assert "before" in html and "after" in html


def test_markdown_becomes_structure():
    html = render("## Outcome\n\n- waits fell\n- **satisfaction** rose\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    assert "<h2>Outcome</h2>" in html
    assert "<li><strong>satisfaction</strong> rose</li>" in html
    assert "<table>" in html and "<th>a</th>" in html


def test_safe_links_keep_a_rel():
    assert (
        render("[site](https://example.org)")
        == '<p><a href="https://example.org" rel="noopener noreferrer">site</a></p>'
    )
    assert 'href="report.html"' in render("[report](report.html)")


def test_images_must_be_embedded_or_relative_and_described():
    assert f'<img alt="Chart of waits" src="{PNG}">' in render(f"![Chart of waits]({PNG})")
    assert '<img alt="Team photo" src="img/team.png">' in render("![Team photo](img/team.png)")
    assert "<img" not in render("![](img/team.png)")  # no alt text
    remote = render("![Remote photo](https://example.org/p.png)")
    assert "<img" not in remote and "Remote photo" in remote  # alt text kept as text
    assert "<img" not in render("![svg](data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=)")


def test_headings_can_start_below_the_report_heading():
    assert render("# A\n\n## B", top_heading=4) == "<h4>A</h4>\n<h5>B</h5>"


def test_sanitise_escapes_text_it_keeps():
    assert sanitise("<p>5 < 6 & 7 > 3</p>") == "<p>5 &lt; 6 &amp; 7 &gt; 3</p>"


def case_studies():
    files = [
        (
            "a-warm-homes",
            "---\ntitle: Warm homes\ndirectorate: Place\npriority: Green city\nperiod: 2025/26 Q2\npublic: yes\n---\nBody",
        ),
        (
            "b-reablement",
            "---\ntitle: Reablement\ndirectorate: Adults\npriority: Healthy lives\nperiod: 2025/26 Q1\npublic: no\n---\nBody",
        ),
        (
            "c-carers",
            "---\ntitle: Carers\ndirectorate: adults \npriority: Healthy lives\nperiod: Aug 2025\npublic: true\n---\nBody",
        ),
        ("d-undated", "---\ntitle: Undated\ndirectorate: Adults\npublic: true\n---\nBody"),
        ("e-last-year", "---\ntitle: Last year\ndirectorate: Adults\nperiod: 2024/25\npublic: true\n---\nBody"),
    ]
    return parse_case_studies(files, "test")


def names(frame):
    return frame["name"].tolist()


def test_select_by_directorate_and_priority_ignoring_case():
    studies = case_studies()
    assert names(select(studies, directorate="ADULTS")) == ["b-reablement", "c-carers", "d-undated", "e-last-year"]
    assert names(select(studies, priority="healthy lives")) == ["b-reablement", "c-carers"]


def test_select_by_period_keeps_what_lies_within_it():
    studies = case_studies()
    assert names(select(studies, period="2025/26")) == ["a-warm-homes", "b-reablement", "c-carers"]
    assert names(select(studies, period="2025/26 Q2")) == ["a-warm-homes", "c-carers"]
    assert names(select(studies, period="Aug 2025")) == ["c-carers"]


def test_the_public_sees_only_public_case_studies():
    studies = case_studies()
    assert names(select(studies, directorate="Adults", period="2025/26", audience="public")) == ["c-carers"]
    assert "b-reablement" in names(select(studies, audience="internal"))
    with pytest.raises(PmkitError, match="audience"):
        select(studies, audience="everyone")
