"""Coding comments with a codebook: how terms match, exclusions, sub-themes, uncoded comments."""

from __future__ import annotations

import pandas as pd

from pmkit.judge.themes import code


def themes_of(texts: list[str], book: dict) -> list[list[str]]:
    return code(pd.DataFrame({"text": texts}), book)["themes"].tolist()


def test_keywords_match_whole_words_plurals_and_any_case():
    book = {"themes": {"waste": {"keywords": ["bin", "bus"]}}}
    assert themes_of(["BINS everywhere", "the council's bin", "two buses", "a cabinet", "binary"], book) == [
        ["waste"],
        ["waste"],
        ["waste"],
        [],
        [],
    ]


def test_a_star_matches_any_ending_and_phrases_ignore_hyphens_and_spacing():
    book = {"themes": {"repairs": {"keywords": ["repair*"]}, "tipping": {"phrases": ["fly tipping"]}}}
    assert themes_of(["Repairs overdue", "it was repaired", "fly-tipping", "fly   tipping", "flying tips"], book) == [
        ["repairs"],
        ["repairs"],
        ["tipping"],
        ["tipping"],
        [],
    ]


def test_patterns_and_exclusions():
    book = {
        "themes": {
            "waits": {"patterns": [r"\b\d+\s*weeks?\b"]},
            "praise": {"keywords": ["thank*"], "exclude": ["thanks for nothing"], "exclude_patterns": [r"no thanks"]},
        }
    }
    assert themes_of(["waited 6 weeks", "Thanks for nothing", "no thanks to you", "thank you"], book) == [
        ["waits"],
        [],
        [],
        ["praise"],
    ]


def test_a_sub_theme_brings_its_theme_and_the_theme_exclusions_apply_to_it():
    book = {
        "themes": {
            "waste": {
                "keywords": ["bin"],
                "exclude": ["litter bin"],
                "subthemes": {"garden": {"phrases": ["garden waste"]}},
            }
        }
    }
    coded = code(pd.DataFrame({"text": ["garden waste not taken", "garden waste in the litter bin", "bin day"]}), book)
    assert coded["themes"].tolist() == [["waste"], [], ["waste"]]
    assert coded["subthemes"].tolist() == [["garden"], [], []]


def test_uncoded_comments_are_kept_and_counted(feedback, book):
    coded = code(feedback, book)
    assert len(coded) == len(feedback)
    assert coded.index.equals(feedback.index)
    assert list(coded.columns[: len(feedback.columns)]) == list(feedback.columns)
    uncoded = coded[~coded["coded"]]
    assert uncoded["text"].tolist() == ["Hello, just saying hi", "The new website is confusing"]
    assert uncoded["themes"].map(len).eq(0).all()


def test_missing_text_is_uncoded_not_an_error():
    coded = code(
        pd.DataFrame({"text": ["bin", None, float("nan"), ""]}, index=[10, 11, 12, 13]),
        {"themes": {"w": {"keywords": ["bin"]}}},
    )
    assert coded["coded"].tolist() == [True, False, False, False]
    assert coded.index.tolist() == [10, 11, 12, 13]


def test_a_comment_can_have_several_themes_in_codebook_order(feedback, book):
    coded = code(pd.DataFrame({"text": ["Loud bins and a pothole"]}), book)
    assert coded.loc[0, "themes"] == ["waste", "roads", "noise"]
