"""Officers' commentary found as each page asks for it: the indicator's for the period and audience, the
directorate's overview, the foreword, and the latest note before a period (all worked out by hand below)."""

import pandas as pd

from pmkit.judge import commentary

ROWS = [
    # indicator_id, directorate, period, audience, text
    ("ASC-02", "", "2024/25 Q4", "internal", "Q4: winter pressures eased."),
    ("ASC-02", "", "2025/26 Q1", "internal", "Q1: discharges rose."),
    ("ASC-02", "", "2025/26 Q1", "public", "Q1, for residents."),
    ("ASC-02", "", "Aug 2025", "internal", "August: still rising."),  # within Q2, so not before it
    ("ASC-02", "", "next spring", "internal", "A label that is not a period."),
    ("ASC-02", "", "2025/26 Q2", "internal", "Q2: back on target."),
    ("", "Housing", "2025/26 Q2", "internal", "Housing overview."),
    ("", "Housing", "2025/26 Q2", "public", "Housing, for residents."),
    ("", "", "2025/26", "public", "Foreword for residents."),
    ("", "Adults' Social Care", "2025/26 Q2", "internal", "Adults overview."),
]
NOTES = pd.DataFrame(ROWS, columns=["indicator_id", "directorate", "period", "audience", "text"])


def said(row):
    return None if row is None else row["text"]


def test_the_latest_note_before_a_period_is_the_last_one_that_ended_before_it_began():
    assert said(commentary.latest_before(NOTES, "ASC-02", "2025/26 Q2", "internal")) == "Q1: discharges rose."
    assert said(commentary.latest_before(NOTES, "ASC-02", "2025/26 Q2", "public")) == "Q1, for residents."
    assert said(commentary.latest_before(NOTES, "ASC-02", "2025/26 Q1", "internal")) == "Q4: winter pressures eased."
    assert said(commentary.latest_before(NOTES, "ASC-02", "2024/25 Q4", "internal")) is None
    assert said(commentary.latest_before(NOTES, "ASC-01", "2025/26 Q2", "internal")) is None
    assert commentary.latest_before(None, "ASC-02", "2025/26 Q2", "internal") is None


def test_an_indicators_note_is_for_its_period_and_audience():
    assert said(commentary.for_indicator(NOTES, "ASC-02", "2025/26 Q2", "internal")) == "Q2: back on target."
    assert said(commentary.for_indicator(NOTES, "ASC-02", "2025/26 Q2", "public")) is None
    assert said(commentary.for_indicator(NOTES, "", "2025/26 Q2", "internal")) is None


def test_a_directorates_overview_is_its_own_whatever_the_case_or_spaces_of_its_name():
    assert said(commentary.for_directorate(NOTES, " housing ", "2025/26 Q2", "internal")) == "Housing overview."
    assert said(commentary.for_directorate(NOTES, "Housing", "2025/26 Q2", "public")) == "Housing, for residents."
    assert (
        said(commentary.for_directorate(NOTES, "Adults' Social Care", "2025/26 Q2", "internal")) == "Adults overview."
    )
    assert said(commentary.for_directorate(NOTES, "Place", "2025/26 Q2", "internal")) is None
    assert said(commentary.for_directorate(NOTES, "", "2025/26 Q2", "internal")) is None


def test_the_foreword_has_neither_an_indicator_nor_a_directorate():
    assert said(commentary.foreword(NOTES, "2025/26", "public")) == "Foreword for residents."
    assert said(commentary.foreword(NOTES, "2025/26", "internal")) is None
