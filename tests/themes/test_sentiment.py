"""Sentiment per comment: VADER plus the service-feedback adjustments in pmkit/data/sentiment.yaml."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.themes import sentiment


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("The crew were brilliant and so kind", "positive"),
        ("Absolutely disgusting service, nobody cares", "negative"),
        ("The bin was collected on Tuesday", "neutral"),
        ("They arrived quickly and were very professional", "positive"),
        ("Waited 3 hours on hold", "negative"),
        ("Nothing. Very happy with the service", "positive"),
        ("Could have been quicker", "negative"),
        ("More staff please", "negative"),
        ("Couldn't have been better", "positive"),
        ("The officer didn't listen", "negative"),
        ("First class", "positive"),
    ],
)
def test_labels(text, expected):
    assert sentiment([text])["sentiment"].iloc[0] == expected


def test_scores_align_with_the_input_index_and_repeat_for_duplicates():
    texts = pd.Series(["Great help", None, "Terrible", "Great help"], index=["a", "b", "c", "d"])
    scored = sentiment(texts)
    assert scored.index.tolist() == ["a", "b", "c", "d"]
    assert scored["sentiment"].tolist() == ["positive", "neutral", "negative", "positive"]
    assert scored.loc["a", "compound"] == scored.loc["d", "compound"]
    assert scored["compound"].between(-1, 1).all()


def test_empty_input():
    scored = sentiment([])
    assert scored.empty and list(scored.columns) == ["compound", "sentiment"]
