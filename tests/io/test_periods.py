"""Financial-year periods: every accepted label parses to one canonical period."""

import pytest

from pmkit.errors import PeriodError
from pmkit.io import periods


@pytest.mark.parametrize(
    ("text", "label", "frequency"),
    [
        ("2025/26 Q2", "2025/26 Q2", "quarterly"),
        ("2025-26-Q2", "2025/26 Q2", "quarterly"),
        ("2025/26Q2", "2025/26 Q2", "quarterly"),
        (" 2025/26  q4 ", "2025/26 Q4", "quarterly"),
        ("2018-19;Q1", "2018/19 Q1", "quarterly"),
        ("2025/26", "2025/26", "annual"),
        ("2025-26", "2025/26", "annual"),
        ("2025/2026", "2025/26", "annual"),
        ("2010-11", "2010/11", "annual"),
        ("1999/00", "1999/00", "annual"),
        ("Jul 2025", "Jul 2025", "monthly"),
        ("July 2025", "Jul 2025", "monthly"),
        ("2025-07", "Jul 2025", "monthly"),
        ("Jul-2025", "Jul 2025", "monthly"),
        ("sept 2025", "Sep 2025", "monthly"),
    ],
)
def test_accepted_labels(text, label, frequency):
    p = periods.parse(text)
    assert (p.label, p.frequency) == (label, frequency)
    assert periods.parse(p.label) == p
    assert periods.parse(p.slug) == p


@pytest.mark.parametrize("text", ["2025/27", "2025-13", "Q2 2025", "2025/26 Q5", "", "Smarch 2025"])
def test_rejected_labels_say_what_was_expected(text):
    with pytest.raises(PeriodError, match="expected a period such as 2025/26 Q2"):
        periods.parse(text)


def test_quarters_follow_the_financial_year():
    q2 = periods.parse("2025/26 Q2")
    assert q2.start_date.isoformat() == "2025-07-01"
    assert periods.parse("2025/26 Q4").start_date.isoformat() == "2026-01-01"
    assert q2.year.label == "2025/26"
    assert q2.shift(-1).label == "2025/26 Q1" and q2.shift(-2).label == "2024/25 Q4"
    assert periods.parse("Jan 2026").year.label == "2025/26"


def test_latest_period_of_another_frequency():
    q2 = periods.parse("2025/26 Q2")
    assert q2.latest("monthly").label == "Sep 2025"
    assert q2.latest("quarterly").label == "2025/26 Q2"
    assert q2.latest("annual").label == "2024/25"
    assert periods.parse("2025/26 Q4").latest("annual").label == "2025/26"
    assert periods.parse("Aug 2025").latest("quarterly").label == "2025/26 Q1"


def test_slug_is_the_label_with_dashes():
    assert periods.parse("2025/26 Q2").slug == "2025-26-Q2"
    assert periods.parse("2025/26").slug == "2025-26"


def test_parse_column_parses_each_distinct_label_once():
    import pandas as pd

    parsed = periods.parse_column(pd.Series(["2025-07", "Jul 2025", "nonsense", None]))
    assert parsed["label"].tolist()[:2] == ["Jul 2025", "Jul 2025"]
    assert parsed["label"].isna().tolist()[2:] == [True, True]
