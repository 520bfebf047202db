"""Page pieces (raw blocks, escaped headings, contents, method note, index pages) and the public vocabulary."""

import re

import pandas as pd
import pytest
from component_helpers import soup, text

from pmkit.components import page
from pmkit.components.templating import render_string
from pmkit.components.words import _SECTIONS, words_for
from pmkit.judge import spc

JARGON = re.compile(
    r"special cause|common cause|quartile|xmr|process limit|peer median|\bspc\b|hit and miss|"
    r"statistical process control|assurance|variation|sigma|rebase",
    re.I,
)


def test_autoescaping_is_the_default():
    assert render_string("<p title='{{ t }}'>{{ t }}</p>", t="\"'><script>") == (
        "<p title='&#34;&#39;&gt;&lt;script&gt;'>&#34;&#39;&gt;&lt;script&gt;</p>"
    )


def test_a_raw_block_cannot_be_closed_by_backticks_in_the_data():
    block = page.raw_html_block("<p>a ``` b ```` c</p>")
    fence = block.split("{=html}")[0]
    assert fence == "`" * 5 and block.endswith("\n`````")


def test_markdown_headings_escape_every_punctuation_mark():
    assert page.markdown_heading("A [link](javascript:x) *b*", "x") == (
        "## A \\[link\\]\\(javascript\\:x\\) \\*b\\* {#x}"
    )


def test_contents_lists_the_level_two_headings_in_order():
    html = (
        '<h1>T</h1><!-- pmkit:contents --><h2 id="headlines">Headlines</h2><h3 id="z">No</h3>'
        '<h2 id="about">About <em>this</em> report</h2><h2 id="c">Culture &amp; Leisure</h2>'
    )
    nav = soup(page.contents(html)).select_one("nav.contents")
    assert [(a["href"], text(a)) for a in nav.select("a")] == [
        ("#headlines", "Headlines"),
        ("#about", "About this report"),
        ("#c", "Culture & Leisure"),
    ]
    assert "&amp;amp;" not in str(nav)


def test_contents_takes_a_headings_anchor_from_the_section_it_opens():
    """Quarto's minimal HTML puts a heading's id on the section it opens, not on the heading."""
    html = (
        '<h1 class="title">T</h1><!-- pmkit:contents -->'
        '<section id="committee" class="cell-output cell-output-display">\n<h2>What the committee needs to know</h2>'
        '<section class="spc" id="spc-asc-02"><h3>Not a section heading</h3></section></section>'
        '<section id="indicator-asc-02" class="cell-output"><h2>Older people at home &amp; well</h2></section>'
    )
    nav = soup(page.contents(html)).select_one("nav.contents")
    assert [(a["href"], text(a)) for a in nav.select("a")] == [
        ("#committee", "What the committee needs to know"),
        ("#indicator-asc-02", "Older people at home & well"),
    ]


def test_method_note_states_the_rules_in_force(internal, public):
    register = pd.DataFrame({"tolerance": [0.1, 0.1, 2.0], "tolerance_type": ["relative", "relative", "absolute"]})
    settings = {"dot_threshold": 0.02, "rag_suspended": ["2020/21", "2021/22 Q1"]}
    note = text(soup(page.method_note("2025/26 Q2", settings, register, "returns.xlsx", internal)))
    assert "within the indicator's tolerance (10% of the target for 2 of 3; each one's own for the rest)" in note
    assert "changes of 2% of the earlier value or less count as no change" in note
    assert "Periods not judged against target: 2020/21, 2021/22 Q1." in note
    assert "Source: returns.xlsx" in note
    plain = text(soup(page.method_note("2025/26 Q2", {}, register.iloc[:2], "council performance returns", public)))
    assert (
        "Near target: within 10% of the target." in plain and "a change of more than 1% of the earlier figure" in plain
    )
    assert not JARGON.search(plain)


def test_index_and_home_pages_link_every_report():
    index = soup(
        page.index_page(
            "Reports",
            {
                "Quarterly directorate reports": [
                    {"title": "Housing <1>", "file": "housing.html", "exists": True, "result": "Published"},
                    {"title": "Place", "file": "place.html", "exists": False, "result": "Failed: no report yet"},
                ]
            },
            [("status.csv", "status.csv")],
            css="",
        )
    )
    assert [text(c) for c in index.select("caption")] == ["Quarterly directorate reports"]
    assert [(a["href"], text(a)) for a in index.select("main a")] == [
        ("../../index.html", "All periods"),
        ("housing.html", "Housing <1>"),
        ("status.csv", "status.csv"),
    ]
    home = soup(
        page.home_page(
            [("2025-26-Q2/internal/index.html", "2025-26-Q2")],
            css="",
            council="Borsetshire <Council>",
            public="public/index.html",
        )
    )
    assert text(home.select_one("h1")) == "Borsetshire <Council>: performance reports for members and officers"
    assert [(a["href"], text(a)) for a in home.select("a")] == [
        ("2025-26-Q2/internal/index.html", "2025-26-Q2"),
        ("public/index.html", "The public site's front page"),
    ]
    assert "No public reports yet." in text(soup(page.home_page([], css="")))


@pytest.mark.parametrize("frequency", ["monthly", "quarterly", "annual"])
def test_public_words_carry_no_jargon(frequency):
    words = words_for("public")
    said = [words.variation(v, frequency) for v in spc.VARIATIONS] + [words.assurance(a) for a in spc.ASSURANCES]
    said += [
        words.exception(c, frequency)
        for c in ("red", "declining_twice", "spc_concern", "green_bottom_quartile", "missing_data", "provisional_data")
    ]
    said += [
        words.direction(d, frequency, w)
        for d in ("improving", "declining", "no_change", "increasing", "decreasing", "not_comparable")
        for w in ("previous", "last_year")
    ]
    said += [
        words.stale("above", "Apr 2025", 7, frequency),
        words.disagreement("unusual_miss", "red", frequency, "1", "2"),
        words.disagreement("unusual_hit", "green", frequency, "1", "2"),
    ]
    said += [t for pair in _SECTIONS["public"].values() for t in pair]
    assert [s for s in said if JARGON.search(s)] == []


def test_public_variation_words_name_the_period():
    assert words_for("public").variation("concern_high", "quarterly") == "Unusually high this quarter: worse than usual"


def cell_outputs(show, *args):
    """What a notebook cell's outputs are after ``show(*args)``: each display's data, as a kernel records it."""
    from IPython.core.interactiveshell import InteractiveShell
    from IPython.utils.capture import capture_output

    InteractiveShell.instance()
    try:
        with capture_output() as captured:
            show(*args)
    finally:
        InteractiveShell.clear_instance()
    return [output.data for output in captured.outputs]


def shown(sections, engine):
    """The one output a notebook cell gets from ``page.show_sections``."""
    outputs = cell_outputs(page.show_sections, sections, engine)
    assert len(outputs) == 1
    return outputs[0]


def test_each_engine_gets_its_sections_as_one_output_with_their_headings():
    sections = [(("Adults & children", "adults"), "<p>One</p>"), (None, "<p>Two</p>")]
    assert shown(sections, "nbconvert") == {
        "text/html": '<h2 id="adults">Adults &amp; children</h2>\n<p>One</p><p>Two</p>'
    }
    assert shown(sections, "quarto") == {
        "text/markdown": "## Adults \\& children {#adults}\n\n```{=html}\n<p>One</p>\n```\n\n```{=html}\n<p>Two</p>\n```"
    }


def test_show_passes_the_engine_and_heading_on():
    assert cell_outputs(page.show, "<p>Two</p>", "quarto", ("Summary", "summary")) == [
        {"text/markdown": "## Summary {#summary}\n\n```{=html}\n<p>Two</p>\n```"}
    ]


def test_a_section_anchor_is_its_name_with_hyphens(internal):
    (title, anchor), _ = page.section("case_studies", "<p>Story</p>", internal)
    assert (title, anchor) == ("Case studies", "case-studies")


def test_the_header_links_back_to_the_period_index():
    nav = soup(page.header("What happened in 2025/26 Q2.")).select_one("nav a")
    assert (nav["href"], text(nav)) == ("index.html", "All reports for this period")
    assert soup(page.header("What happened.", index_link=False)).select_one("nav") is None


def test_the_method_note_names_making_data_count_rules_unless_told_otherwise(internal):
    register = pd.DataFrame({"tolerance": [0.05]})
    note = text(soup(page.method_note("2025/26 Q2", {}, register, "returns.xlsx", internal)))
    assert "SPC: XmR charts under Making Data Count rules" in note


@pytest.mark.parametrize(
    ("register", "expected"),
    [
        # no tolerance type: each is relative; two of three at 5%
        (pd.DataFrame({"tolerance": [0.05, 0.05, 0.1]}), "5% of the target for 2 of 3; each one's own for the rest"),
        # a blank type is relative; an absolute one is said in the unit
        (
            pd.DataFrame({"tolerance": [0.1, 0.1, 2.0], "tolerance_type": [None, "", "absolute"]}),
            "10% of the target for 2 of 3; each one's own for the rest",
        ),
        # no tolerance column: the default 5%
        (pd.DataFrame({"tolerance_type": ["relative", "absolute"]}), "5% of the target"),
    ],
)
def test_tolerance_words_read_the_register_with_its_defaults(register, expected):
    assert page.tolerance_words(register) == expected


def test_internal_words_for_no_earlier_figure_and_a_hit_outside_limits_that_sit_below_the_target(internal):
    assert internal.direction("not_comparable", "monthly") == "Not comparable"
    assert internal.disagreement("unusual_hit", "green", "quarterly", "80.1%", "88.3%") == (
        "On target this quarter, although the process limits (80.1% to 88.3%) lie wholly on the wrong side of the "
        "target, so the process would consistently miss it: this value is outside the limits, a special cause rather "
        "than a sign that the process now meets the target."
    )


def test_words_for_a_quartile_a_sustained_shift_and_no_variation_verdict(internal, public):
    assert internal.quarter(2) == "2nd quartile"
    assert public.quarter(4) == "worst 25%"
    assert public.stale("above", "Apr 2025", 7, "monthly") == (
        "Consistently higher than before since Apr 2025, so it is too early to say whether it will reliably meet "
        "its target."
    )
    assert public.stale("below", "Apr 2025", 7, "monthly") == (
        "Consistently lower than before since Apr 2025, so it is too early to say whether it will reliably meet "
        "its target."
    )
    assert internal.variation(None, "monthly") == "Variation not assessed"


def test_ordinals_by_hand():
    from pmkit.components.templating import ordinal

    cases = {1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 10: "10th", 11: "11th", 12: "12th", 13: "13th", 20: "20th"}
    cases |= {
        21: "21st",
        22: "22nd",
        23: "23rd",
        101: "101st",
        111: "111th",
        112: "112th",
        113: "113th",
        0: "0th",
        1111: "1111th",
    }
    assert {n: ordinal(n) for n in cases} == cases


def test_each_spc_rule_says_which_side_it_is_on(internal, public):
    from pmkit.components.spc_chart import rule_phrase
    from pmkit.judge import spc

    result = spc.xmr([10.0, 11.0] * 7)  # Making Data Count rules: a shift is 6 values on one side
    assert rule_phrase("shift", "high", result, internal) == "part of a run of 6 or more values above the mean"
    assert rule_phrase("shift", "low", result, internal) == "part of a run of 6 or more values below the mean"
    assert rule_phrase("shift", "high", result, public) == "part of a run of 6 or more figures above the average"
    assert rule_phrase("two_in_three", "high", result, internal) == (
        "two of three values beyond two sigma, near the upper limit"
    )
    assert rule_phrase("two_in_three", "low", result, internal) == (
        "two of three values beyond two sigma, near the lower limit"
    )
