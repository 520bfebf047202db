"""Public summaries: no count below 5 is shown, small themes merge into Other, which gets no quotes."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.judge.themes import OTHER, SUPPRESSED, UNCODED, WITHHELD, summarise


@pytest.fixture
def public(feedback, book):
    return summarise(feedback, book, period="2025/26 Q2", audience="public")


def by_theme(summary):
    return summary.themes.set_index("theme")


def shown_numbers(frame: pd.DataFrame) -> list[int]:
    """Every number a reader can see in a public frame's count cells."""
    cells = frame.astype("string").stack().dropna()
    return [int(v) for v in cells if str(v).isdigit()]


def test_themes_with_fewer_than_5_comments_merge_into_other(public):
    assert public.themes["theme"].tolist() == ["waste", "roads", OTHER, UNCODED]
    other = by_theme(public).loc[OTHER]
    assert other["count"] == SUPPRESSED  # parking (2) and noise (1): 3 comments
    assert other["label"].startswith("Other themes")


def test_other_gets_no_quotes_and_named_themes_keep_theirs(public):
    assert by_theme(public).loc[OTHER, "quotes"] == []
    assert by_theme(public).loc["waste", "quotes"]
    assert not any("parking" in q.lower() or "noise" in q.lower() for q in public.themes["quotes"].explode().dropna())


def test_every_count_below_5_reads_less_than_5(public):
    themes = public.themes
    assert themes.loc[themes["theme"] == UNCODED, "count"].item() == SUPPRESSED
    assert by_theme(public).loc["waste", "previous"] == SUPPRESSED  # 4 last quarter
    counts = themes[["count", "previous"]]
    assert all(n >= 5 for n in shown_numbers(counts))
    for frame in public.breakdowns.values():
        assert all(n >= 5 for n in shown_numbers(frame))
    assert all(n >= 5 for n in shown_numbers(public.subthemes[["count", "previous"]]))


def test_figures_that_would_reveal_a_small_count_are_blank(public):
    waste = by_theme(public).loc["waste"]
    assert pd.isna(waste["change"]) and pd.isna(waste["change_pct"])  # would reveal last quarter's 4
    assert public.themes[["positive", "neutral", "negative", "balance"]].isna().all().all()
    assert waste["sentiment"]  # the balance is still given in words
    assert pd.isna(by_theme(public).loc[UNCODED, "share"])


def test_a_breakdown_row_with_one_small_cell_withholds_another(book):
    channels = ["complaint"] * 10 + ["compliment"] * 2 + ["survey"] * 7
    rows = pd.DataFrame({"text": "bin", "channel": channels, "service": "Waste"})
    by_channel = summarise(rows, book, audience="public", by="channel").breakdowns["channel"].loc["Waste and bins"]
    # the 2 compliments read <5; the 7 surveys are withheld, else 19 - 10 - 7 would give the 2 away
    assert by_channel.to_dict() == {"complaint": "10", "compliment": SUPPRESSED, "survey": WITHHELD}


def test_a_small_total_is_suppressed(book):
    tiny = pd.DataFrame({"text": ["bin", "bin", "pothole"], "date": pd.to_datetime(["2025-07-01"] * 3)})
    assert summarise(tiny, book, audience="public").total == SUPPRESSED


def test_internal_summaries_show_everything(feedback, book):
    internal = summarise(feedback, book, period="2025/26 Q2")
    assert by_theme(internal).loc["parking", "count"] == 2
    assert by_theme(internal).loc["noise", "count"] == 1
