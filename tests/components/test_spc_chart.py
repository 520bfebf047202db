"""The XmR chart (PNG data URI and an alt text that states its message), describe(), and the icons."""

import base64
import re
import xml.etree.ElementTree as ET

import pytest
from component_helpers import reading as make_reading
from component_helpers import register_row, soup, status_row, text
from component_helpers import view as make_view

from pmkit.components.spc_chart import (
    BLUE,
    GREY,
    ORANGE,
    PURPLE,
    assurance_icon,
    describe,
    spc_chart,
    spc_section,
    variation_icon,
)
from pmkit.components.words import words_for
from pmkit.io import periods
from pmkit.judge import spc

WORDS = words_for("internal")
VARIATION_WORDS = {name: WORDS.variation(name, "monthly") for name in (*spc.VARIATIONS, None)}
ASSURANCE_WORDS = {name: WORDS.assurance(name) for name in spc.ASSURANCES}

SVG = "{http://www.w3.org/2000/svg}"


def quarters(first: str, n: int) -> list[str]:
    start = periods.parse(first).start
    return [periods.label_of(start + 3 * i, "quarterly") for i in range(n)]


# Twelve steady quarters, then seven below the mean: a shift of concern when higher is better.
STEADY_THEN_LOW = [52, 48, 51, 49, 53, 47, 50, 52, 48, 51, 49, 50, 45, 44, 46, 45, 44, 46, 45]
LABELS = quarters("2021/22 Q2", len(STEADY_THEN_LOW))


def png_bytes(uri: str) -> bytes:
    assert uri.startswith("data:image/png;base64,")
    return base64.b64decode(uri.split(",", 1)[1])


def test_chart_is_a_png_data_uri_with_an_alt_text_stating_the_message():
    res = spc.xmr(STEADY_THEN_LOW, target=50)
    uri, alt = spc_chart(res, "Repairs completed on time", unit="percent", period_labels=LABELS)
    assert png_bytes(uri)[:8] == b"\x89PNG\r\n\x1a\n"
    assert LABELS[12] == "2024/25 Q2"
    assert "Special cause of concern: 7 quarters below the mean since 2024/25 Q2." in alt
    assert "Variation icon: special cause concern (low values)." in alt
    assert "Assurance icon: hit and miss" in alt
    assert "Latest value 45.0% (2025/26 Q4)" in alt
    assert alt.startswith("Repairs completed on time: XmR chart of 19 quarters, 2021/22 Q2 to 2025/26 Q4.")


def test_alt_text_notes_missing_values_and_the_chart_still_draws():
    values = STEADY_THEN_LOW[:5] + [None] + STEADY_THEN_LOW[5:]
    labels = quarters("2021/22 Q2", len(values))
    uri, alt = spc_chart(spc.xmr(values), "Repairs", period_labels=labels)
    assert png_bytes(uri)
    assert f"1 missing value left out ({labels[5]})." in alt


def test_describe_names_trends_and_limits():
    rising = [7, 13] * 7 + [6, 8, 9, 11, 12, 14]
    months = [periods.label_of(periods.parse("Apr 2023").start + i, "monthly") for i in range(len(rising))]
    assert describe(spc.xmr(rising), months) == "Special cause of improvement: 6 months rising in a row since Jun 2024."
    assert describe(spc.xmr(rising)) == "Special cause of improvement: 6 points rising in a row since point 15."
    spike = spc.xmr([0, 1] * 7 + [9], improvement="neutral")
    assert describe(spike) == "Special cause variation (neutral): the latest value is above the upper process limit."
    calm = spc.xmr([0, 1] * 7 + [9, 0.5], fix_after_n_points=14)
    assert describe(calm).startswith("Common cause variation: the latest value shows no signal of change.")
    assert "Earlier, 1 value showed special cause variation." in describe(calm)


def test_describe_says_when_there_are_too_few_points_under_each_rule_set():
    few = [3, 4, 5, 4, 3, 4, 5, 6]
    assert describe(spc.xmr(few)) == (
        "Not enough data for SPC: 8 points; at least 13 are needed before process limits and icons are shown."
    )
    with pytest.warns(spc.SPCWarning):
        nhsr = spc.xmr(few, rules="nhsr")
    assert describe(nhsr).startswith("Only 8 points, so the process limits are unreliable (13 or more are needed).")
    uri, alt = spc_chart(spc.xmr(few), "Few")
    assert png_bytes(uri) and "Not enough data for SPC: 8 points" in alt and "Variation icon" not in alt
    assert describe(spc.xmr([])) == "No data for SPC."


def test_chart_options_and_refusals():
    res = spc.xmr(STEADY_THEN_LOW, rebase_at=[12], fix_after_n_points=10)
    uri, alt = spc_chart(res, "Rebased", unit="days", target=[48] * len(LABELS), period_labels=LABELS, two_sigma=True)
    assert png_bytes(uri) and "Limits fixed from the first 10 values of each section." in alt
    with pytest.raises(ValueError, match="improvement"):
        spc_chart(res, "Mismatch", improvement="decrease")
    with pytest.raises(ValueError, match="period_labels"):
        spc_chart(res, "Short labels", period_labels=LABELS[:-1])


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def parse(icon: str) -> tuple[ET.Element, str]:
    svg = re.search(r"<svg.*</svg>", icon).group(0)
    label = re.search(r'<span class="pmkit-spc-icon-label" aria-hidden="true">([^<]+)</span>', icon).group(1)
    return ET.fromstring(svg), label


ICONS = [(variation_icon, name, VARIATION_WORDS[name]) for name in spc.VARIATIONS] + [
    (assurance_icon, name, ASSURANCE_WORDS[name]) for name in spc.ASSURANCES
]


@pytest.mark.parametrize(("make", "name", "words"), ICONS + [(variation_icon, None, VARIATION_WORDS[None])])
def test_icons_are_accessible_svg_with_a_title_a_letter_and_a_visible_label(make, name, words):
    svg, label = parse(make(name))
    assert svg.get("role") == "img"
    assert svg.find(f"{SVG}title").text.endswith(words)
    assert label == words
    shape = next(e for e in svg if e.tag != f"{SVG}title" and e.tag != f"{SVG}text")
    letter = svg.find(f"{SVG}text")
    assert letter.text.strip()
    assert contrast(shape.get("stroke"), "#FFFFFF") >= 3  # the shape stands out from a white page
    if name is not None:
        assert contrast(letter.get("fill"), shape.get("fill")) >= 4.5  # the letter is readable on its fill


def test_icons_use_mdc_colours_and_never_colour_alone():
    fills = {name: parse(make(name))[0][1].get("fill") for make, name, _ in ICONS}
    assert fills["improvement_high"] == BLUE and fills["concern_low"] == ORANGE
    assert fills["neutral_high"] == PURPLE and fills["common_cause"] == GREY
    assert fills["consistent_pass"] == BLUE and fills["consistent_fail"] == ORANGE
    signature = {}
    for make, name, _ in ICONS:
        svg, _ = parse(make(name))
        signature[name] = (svg[1].tag, svg[1].get("points"), svg.find(f"{SVG}text").text)
    assert len(set(signature.values())) == len(signature)  # shape and letter tell every icon apart


def test_unknown_icons_are_refused():
    with pytest.raises(ValueError):
        variation_icon("improving")
    with pytest.raises(ValueError):
        assurance_icon("pass")


# --- the SPC section: every flagged point names its rule; stale limits are said; public words ---------------


PUBLIC = words_for("public")
# Higher is worse. Thirteen steady values, then a jump above the upper limit that starts a falling
# trend of six: Making Data Count counts the jump as improvement (the trend wins).
JUMP = [5.0, 5.2, 4.9, 5.1, 5.0, 4.8, 5.1, 5.0, 4.9, 5.2, 5.0, 4.9, 5.1, 9.0, 8.0, 7.0, 6.0, 5.5, 5.05]


def jump_reading():
    row = status_row(value=5.05, target=5.5, rag="green", exceptions=[], period="Feb 2026")
    info = register_row(unit="days", decimals=2, polarity="lower_is_better")
    return make_reading(row, info, make_view(JUMP, "Aug 2024", improvement="decrease", target=5.5))


def signals_by_period(html):
    return {text(tr.th): text(tr.select("td")[-1]) for tr in soup(html).select(".spc-data tbody tr")}


def test_every_flagged_point_names_the_rule_and_a_conflict_says_both():
    table = signals_by_period(spc_section([jump_reading()], WORDS))
    assert table["Sep 2025"] == (
        "Improvement: part of a falling trend (6 or more values in a row); also above the upper process limit "
        "(a concern): Making Data Count counts a value flagged both ways as improvement"
    )
    assert table["Nov 2025"] == "Improvement: part of a falling trend (6 or more values in a row)"
    assert table["Aug 2024"] == "Improvement: part of a run of 6 or more values below the mean"
    assert len(table) == len(JUMP)


def test_public_table_says_the_same_in_plain_words():
    table = signals_by_period(spc_section([jump_reading()], PUBLIC))
    assert table["Sep 2025"] == (
        "Unusual: better than usual: part of a run of 6 or more falling figures; also above its usual "
        "range, which on its own would be worse than usual"
    )


def test_stale_limits_are_said_beside_the_chart_and_in_its_alt_text():
    values = [10.0, 11.0] * 7 + [13.0, 12.5, 13.2, 12.8, 13.1, 12.9, 13.0]
    r = make_reading(
        status_row(value=13.0, target=12.0, rag="green", exceptions=[]),
        register_row(decimals=1),
        make_view(values, "Jan 2024", target=12.0),
    )
    section = soup(spc_section([r], WORDS))
    notice = (
        "Limits out of date: 7 months in a row above the mean since Mar 2025, a sustained shift. "
        "No assurance verdict from the old limits; suggested rebase: Mar 2025."
    )
    assert text(section.select_one(".stale-limits")) == "\u26a0 " + notice
    alt = section.select_one("img.spc-chart")["alt"]
    assert notice in alt and "Assurance icon" not in alt


def test_public_section_leaves_out_short_series_and_uses_no_jargon():
    short = make_reading(spc_view=make_view([90.0, 91.0, 92.0], "Jul 2025"))
    assert soup(spc_section([short], PUBLIC)).select("section.spc") == []
    assert spc_section([short], PUBLIC) == ""  # nothing to chart: the report leaves out the whole section
    assert "Not enough data for SPC: 3 points" in spc_section([short], WORDS)
    html = spc_section([jump_reading()], PUBLIC)
    visible = text(soup(html)) + " " + soup(html).select_one("img.spc-chart")["alt"]
    assert not re.search(r"special cause|common cause|process limit|xmr|\bspc\b|assurance", visible, re.I)


def test_the_data_table_gives_every_mean_and_limit_at_the_decimals_that_tell_the_figure_from_its_limit():
    # 96.0% and 97.0% in turn for 14 months, then 93.043%: mean (1351 + 93.043) / 15 = 96.2695, mean moving range
    # (13 + 97 - 93.043) / 14 = 1.21121, limits 96.2695 ± 2.66 × 1.21121 = 93.0477 to 99.4913. At one decimal the
    # last figure and the lower limit would both read 93.0%, so every mean and limit of the table has two.
    r = make_reading(
        status_row(value=93.043, target=85.0, rag="green", exceptions=["spc_concern"], period="Sep 2025"),
        register_row(decimals=1),
        make_view([96.0, 97.0] * 7 + [93.043], first="Jul 2024", target=85.0),
    )
    rows = [[text(c) for c in tr.select("th, td")] for tr in soup(spc_section([r], WORDS)).select(".spc-data tbody tr")]
    assert [row[:5] for row in (rows[0], rows[-1])] == [
        ["Jul 2024", "96.0%", "96.27%", "93.05%", "99.49%"],
        ["Sep 2025", "93.0%", "96.27%", "93.05%", "99.49%"],
    ]
