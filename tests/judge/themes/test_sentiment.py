"""Sentiment per comment: VADER plus the service-feedback adjustments in pmkit/data/sentiment.yaml."""

from __future__ import annotations

import pandas as pd
import pytest

from pmkit.judge.themes import sentiment


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


# The channel gives the polarity: a compliment is positive and a complaint negative unless the text
# is strongly of the other sign; survey answers and comments are labelled by their text alone.
PLUMBER = "Plumber fixed the leak the same day, very polite and tidy"  # VADER alone: negative
GREEN_BIN = "Green bin not emptied, missed bin again"  # VADER alone: positive ("missed")


def test_the_text_alone_gets_these_two_wrong_so_the_channel_matters():
    assert sentiment([PLUMBER, GREEN_BIN])["sentiment"].tolist() == ["negative", "positive"]


def test_a_compliment_is_positive_and_a_complaint_negative():
    scored = sentiment([PLUMBER, GREEN_BIN], ["compliment", "complaint"])
    assert scored["sentiment"].tolist() == ["positive", "negative"]
    assert scored["compound"].tolist() == sentiment([PLUMBER, GREEN_BIN])["compound"].tolist()  # the text's own score


def test_text_strongly_of_the_other_sign_overrides_its_channel():
    texts = [
        "Not happy at all, the worst service I have ever had",
        "Thank you so much, brilliant help, wonderful staff",
        "Thank you but the repair was poor",
        "Can someone please look into this. The road surface is breaking up. Please can someone call me back.",
    ]
    scored = sentiment(texts, ["compliment", "complaint", "compliment", "complaint"])
    # a strongly negative compliment and a strongly positive complaint go by their text; a mildly negative
    # compliment and a politely worded complaint (VADER: positive, "please") keep their channel's polarity
    assert scored["sentiment"].tolist() == ["negative", "positive", "positive", "negative"]
    assert sentiment(texts[3:])["sentiment"].tolist() == ["positive"]


def test_surveys_and_comments_are_scored_on_their_text():
    scored = sentiment([PLUMBER, GREEN_BIN, GREEN_BIN], ["survey", "comment", ""])
    assert scored["sentiment"].tolist() == ["negative", "positive", "positive"]
