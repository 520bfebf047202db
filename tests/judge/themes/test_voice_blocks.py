"""Report components for the citizen's voice: theme summary block and case-study block."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from pmkit.components.case_study import case_study_block
from pmkit.components.theme_summary import theme_summary_block
from pmkit.errors import PmkitError
from pmkit.judge.themes import summarise


class Outline(HTMLParser):
    """Tags, attributes and text of an HTML fragment, to check structure rather than strings."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text.append(data)

    def all(self, tag: str) -> list[dict]:
        return [attrs for name, attrs in self.tags if name == tag]


@pytest.fixture
def internal(feedback, book):
    return summarise(feedback, book, period="2025/26 Q2")


def test_the_summary_block_has_a_real_table_a_described_chart_and_quotes(internal):
    html = theme_summary_block(internal)
    outline = Outline(html)
    assert html.startswith('<section class="pmkit-themes" data-audience="internal">')
    headers = ["".join(t) for t in re.findall(r'<th scope="col">([^<]*)</th>', html)]
    assert headers[:5] == ["Theme", "Comments", "Share", "Change on 2025/26 Q1", "Sentiment"]
    images = outline.all("img")
    assert len(images) == 1 and images[0]["src"].startswith("data:image/png;base64,")
    assert base64.b64decode(images[0]["src"].split(",", 1)[1])[:8] == b"\x89PNG\r\n\x1a\n"
    assert "Waste and bins was the most common (8 comments" in images[0]["alt"]
    assert "largest rise on 2025/26 Q1 was Waste and bins (up 4)" in images[0]["alt"]
    assert len(outline.all("blockquote")) >= 3


def test_change_and_sentiment_are_written_in_words(internal):
    text = " ".join(Outline(theme_summary_block(internal)).text)
    assert "up 4 (+100%)" in text
    assert "no change" in text
    assert "new this period" in text
    assert "Mostly negative" in text


def test_text_from_data_is_escaped(book):
    rows = pd.DataFrame(
        {"text": ['<script>alert("bin")</script> the bin was <b>late</b>'] * 2, "service": "<i>Waste</i>"}
    )
    hostile_book = {"themes": {"waste": {"label": "Bins <img src=x onerror=alert(1)>", "keywords": ["bin"]}}}
    html = theme_summary_block(summarise(rows, hostile_book))
    assert "<script" not in html and "<b>" not in html and "<i>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;" in html and "Bins &lt;img src=x onerror=alert(1)&gt;" in html


def test_the_public_block_shows_small_numbers_as_less_than_5(feedback, book):
    public = summarise(feedback, book, period="2025/26 Q2", audience="public")
    html = theme_summary_block(public)
    assert 'data-audience="public"' in html and "Comments received" in html
    assert "&lt;5" in html
    other_row = re.search(r'<tr data-theme="other">.*?</tr>', html).group()
    assert "&lt;5" in other_row
    assert "Other themes" not in " ".join(re.findall(r"<figcaption>([^<]*)</figcaption>", html))


def test_a_public_block_cannot_be_made_from_an_internal_summary(internal):
    with pytest.raises(PmkitError, match="audience='public'"):
        theme_summary_block(internal, audience="public")


def test_case_study_block_is_an_article_with_a_heading_and_safe_content():
    study = {
        "name": "warm-homes",
        "title": "Warm <homes>",
        "directorate": "Place",
        "priority": "Green city",
        "period": "2025/26 Q2",
        "image": "img/warm.png",
        "quote": 'It made a "huge" difference <3',
        "body": "## What we did\n\nInsulated 200 homes. <script>alert(1)</script>",
    }
    html = case_study_block(study)
    outline = Outline(html)
    assert html.startswith('<article class="pmkit-case-study" data-case-study="warm-homes">')
    assert "<h3>Warm &lt;homes&gt;</h3>" in html
    assert "<h4>What we did</h4>" in html
    assert outline.all("img") == [{"src": "img/warm.png", "alt": "Picture for the case study: Warm <homes>"}]
    assert "<blockquote><p>It made a &#34;huge&#34; difference &lt;3</p></blockquote>" in html
    assert "<script" not in html and html.endswith("</article>")


def test_case_study_block_drops_unsafe_images_and_handles_missing_fields():
    html = case_study_block(
        pd.Series({"name": "x", "title": "T", "image": "javascript:alert(1)", "quote": None, "body": ""})
    )
    assert "<img" not in html and "javascript" not in html and "<blockquote>" not in html
    assert "<h2>T</h2>" in case_study_block({"name": "x", "title": "T"}, heading_level=2)


def test_sentiment_follows_the_channel_in_the_rendered_summary():
    book = {
        "themes": {
            "staff": {"label": "Staff attitude", "keywords": ["polite", "rude"]},
            "bins": {"label": "Waste and bins", "keywords": ["bin"]},
        }
    }
    rows = pd.DataFrame(
        {
            "date": pd.to_datetime(["2025-08-01", "2025-08-02"]),
            "channel": ["compliment", "complaint"],
            "service": ["Repairs", "Waste"],
            "text": [
                "Plumber fixed the leak the same day, very polite and tidy",
                "Green bin not emptied, missed bin again",
            ],
        }
    )
    html = theme_summary_block(summarise(rows, book))
    staff = re.search(r'<tr data-theme="staff">.*?</tr>', html, re.S).group()
    bins = re.search(r'<tr data-theme="bins">.*?</tr>', html, re.S).group()
    assert "Staff attitude" in staff and "Mostly positive (1 positive, 0 negative)" in staff
    assert "Waste and bins" in bins and "Mostly negative (0 positive, 1 negative)" in bins


def test_a_public_quote_carries_no_street_health_family_or_age():
    book = {"themes": {"damp": {"label": "Damp and mould", "keywords": ["damp", "mould"]}}}
    texts = [
        "Damp coming through the wall in our flat on Church Street, my daughter has asthma",
        "Mould in the bathroom again, I am 84 and disabled",
        "Damp in every room since the spring and no one has come",
        "Mould on the bedroom ceiling, my son has autism",
        "Black mould behind the wardrobe, reported in May",
    ]
    rows = pd.DataFrame(
        {"date": pd.to_datetime(["2025-08-01"] * 5), "channel": "complaint", "service": "Repairs", "text": texts}
    )
    public = " ".join(Outline(theme_summary_block(summarise(rows, book, audience="public", quotes=5))).text)
    assert "Damp coming through the wall in our flat on [street], my [family member] has [health condition]" in public
    assert "Mould in the bathroom again, I am [age] and [health condition]" in public
    assert "Mould on the bedroom ceiling, my [family member] has [health condition]" in public
    for detail in ("Church Street", "daughter", "asthma", "84", "disabled", "son has", "autism"):
        assert detail not in public
    internal = " ".join(Outline(theme_summary_block(summarise(rows, book, quotes=5))).text)
    assert "Damp coming through the wall in our flat on [street], my daughter has asthma" in internal
    assert "Church Street" not in internal


def test_comments_that_read_alike_once_redacted_are_quoted_once():
    book = {"themes": {"leaves": {"label": "Leaves", "keywords": ["leaves"]}}}
    texts = [
        "The leaves on Beech Avenue have not been swept this autumn",
        "The leaves on Larch Grove have not been swept this autumn",
        "Wet leaves everywhere near the school and someone will slip",
    ]
    rows = pd.DataFrame({"date": pd.to_datetime(["2025-10-01"] * 3), "channel": "complaint", "text": texts})
    quotes = summarise(rows, book, quotes=3).themes.set_index("theme").loc["leaves", "quotes"]
    assert quotes.count("The leaves on [street] have not been swept this autumn") == 1
