"""Theme summaries: shape, counts, change on the previous period, sentiment, quotes, breakdowns."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.errors import PmkitError
from pmkit.judge.themes import OTHER, THEME_COLUMNS, UNCODED, summarise


@pytest.fixture
def summary(feedback, book):
    return summarise(feedback, book, period="2025/26 Q2")


def row(summary, theme):
    return summary.themes.set_index("theme").loc[theme]


def test_one_row_per_theme_largest_first_then_uncoded(summary):
    assert list(summary.themes.columns) == THEME_COLUMNS
    assert summary.themes["theme"].tolist() == ["waste", "roads", "parking", "noise", UNCODED]
    assert summary.period == "2025/26 Q2" and summary.previous_period == "2025/26 Q1"
    assert summary.total == 19


def test_counts_share_and_uncoded(summary):
    waste = row(summary, "waste")
    assert waste["count"] == 8
    assert waste["share"] == pytest.approx(8 / 19)
    assert row(summary, UNCODED)["count"] == 2


def test_change_against_the_previous_period_of_the_same_length(summary):
    assert (row(summary, "waste")["previous"], row(summary, "waste")["change"]) == (4, 4)
    assert row(summary, "waste")["change_pct"] == pytest.approx(1.0)
    assert (row(summary, "roads")["previous"], row(summary, "roads")["change"]) == (6, 0)
    noise = row(summary, "noise")
    assert (noise["previous"], noise["change"]) == (0, 1) and pd.isna(noise["change_pct"])


def test_a_month_compares_with_the_month_before(feedback, book):
    july = summarise(feedback, book, period="Jul 2025")
    assert july.previous_period == "Jun 2025"
    assert row(july, "waste")[["count", "previous"]].tolist() == [5, 0]


def test_without_a_period_everything_is_summarised_and_nothing_compared(feedback, book):
    everything = summarise(feedback, book)
    assert everything.total == len(feedback)
    assert everything.period is None and everything.themes["previous"].isna().all()


def test_sentiment_balance(summary):
    waste = row(summary, "waste")
    assert waste["positive"] + waste["neutral"] + waste["negative"] == waste["count"]
    assert waste["balance"] == pytest.approx((waste["positive"] - waste["negative"]) / waste["count"])
    assert row(summary, "roads")["sentiment"] == "mostly negative"


def test_quotes_are_few_distinct_and_redacted(summary):
    quotes = row(summary, "waste")["quotes"]
    assert 1 <= len(quotes) <= 3
    assert len(set(quotes)) == len(quotes)
    assert not any("Patel" in q or "07700" in q for q in quotes)
    assert row(summary, UNCODED)["quotes"] == []


def test_the_quote_is_the_most_typical_comment_not_the_odd_one_out(book):
    # Four comments about missed bin collections and one that only mentions a bin in passing:
    # the theme's centre lies among the four, so the one quote comes from them.
    typical = [
        "The bin collection was missed again this week",
        "Our bin collection was missed on Tuesday",
        "Missed bin collection and nobody came back",
        "Bin collection missed twice this month",
    ]
    odd = "Lovely weather today and we saw a fox near the bin"
    rows = pd.DataFrame({"text": typical + [odd]})
    assert summarise(rows, book, quotes=1).themes.set_index("theme").loc["waste", "quotes"][0] in typical


def test_a_comment_is_quoted_under_one_theme_at_most(book):
    both = [f"Pothole {n} outside and the bin collection was missed on the same road" for n in ("one", "two", "three")]
    rows = pd.DataFrame(
        {
            "text": both
            + [
                "Deep pothole on the main road by the school gates",
                "Pothole reported twice, still there",
                "Recycling bin not emptied for the second week",
                "Bin lorry blocked the road again",
            ]
        }
    )
    quotes = summarise(rows, book).themes.set_index("theme")["quotes"]
    quoted = [q for theme in ("waste", "roads") for q in quotes[theme]]
    assert len(quoted) == len(set(quoted)) and quoted


def test_quotes_are_redacted_when_chosen(book):
    rows = pd.DataFrame({"text": ["Please ring Mrs Patel on 07700 900123 about the bin collection"] * 3})
    quotes = row(summarise(rows, book), "waste")["quotes"]
    assert quotes == ["Please ring Mrs [name] on [phone] about the bin collection"]


def test_breakdowns_by_service_and_channel(summary, feedback, book):
    assert set(summary.breakdowns) == {"service", "channel"}
    by_channel = summary.breakdowns["channel"]
    assert by_channel.loc["Waste and bins", "complaint"] == 5
    assert by_channel.loc["Waste and bins", "compliment"] == 2
    assert list(summarise(feedback, book, by="service").breakdowns) == ["service"]


def test_sub_themes_are_counted(summary):
    missed = summary.subthemes.set_index("subtheme").loc["missed"]
    assert (missed["theme"], missed["count"], missed["previous"]) == ("waste", 6, 4)


def test_unknown_audience_is_refused(feedback, book):
    with pytest.raises(PmkitError, match="audience"):
        summarise(feedback, book, audience="press")


def test_a_period_with_no_feedback_gives_an_empty_summary(feedback, book):
    empty = summarise(feedback, book, period="2023/24 Q1")
    assert empty.total == 0
    assert empty.themes["theme"].tolist() == [UNCODED]
    assert OTHER not in empty.themes["theme"].tolist()
