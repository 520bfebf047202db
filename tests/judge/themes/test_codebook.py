"""Loading codebooks: the shipped one, dicts, per-directorate extensions and helpful errors."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmkit.judge.themes import CodebookError, code, load_codebook

ROOT = Path(__file__).parents[3]
SHIPPED = ROOT / "params" / "codebook.yaml"


def test_the_shipped_codebook_covers_what_councils_hear():
    book = load_codebook(SHIPPED)
    expected = {
        "waste",
        "street_cleaning",
        "roads",
        "parking",
        "housing_repairs",
        "damp_mould",
        "timeliness",
        "staff_attitude",
        "communication",
        "contact",
        "social_care",
        "noise_asb",
        "planning",
        "council_tax_benefits",
        "libraries_leisure",
        "positive_experience",
    }
    assert expected <= set(book.themes)
    assert len(book.subthemes) >= 20
    assert all(book.labels[t] for t in book.labels)


def test_a_path_and_the_same_mapping_give_the_same_codebook():
    from_path = load_codebook(SHIPPED)
    from_dict = load_codebook(yaml.safe_load(SHIPPED.read_text(encoding="utf-8")))
    assert from_path.labels == from_dict.labels
    assert from_path.rules == from_dict.rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("My wheelie bins were missed again this week", {"waste"}),
        ("Huge potholes on the pavement outside the school", {"roads"}),
        ("Black mould in the bedroom and the boiler is leaking", {"damp_mould", "housing_repairs"}),
        ("Fly-tipping behind the shops for weeks", {"street_cleaning", "timeliness"}),
        ("On hold for an hour and nobody called back", {"contact", "communication"}),
        ("The officer was rude and dismissive", {"staff_attitude"}),
        ("My council tax direct debit was taken twice", {"council_tax_benefits"}),
        ("Loud music from next door every night", {"noise_asb"}),
        (
            "Thank you, the library staff went above and beyond",
            {"positive_experience", "libraries_leisure", "staff_attitude"},
        ),
        ("Nowhere to park near my house", set()),
        ("Thanks for nothing", set()),
    ],
)
def test_the_shipped_codebook_codes_typical_comments(text, expected):
    coded = code(pd.DataFrame({"text": [text]}), SHIPPED)
    assert set(coded.loc[0, "themes"]) == expected


def test_directorate_extensions_apply_only_to_that_directorate():
    book = {
        "themes": {"social_care": {"keywords": ["carer"]}},
        "directorates": {
            "Adults' Services": {
                "themes": {
                    "social_care": {"phrases": ["care act"]},
                    "day_opportunities": {"label": "Day opportunities", "phrases": ["day centre"]},
                }
            }
        },
    }
    frame = pd.DataFrame(
        {
            "text": ["Assessment under the Care Act", "The day centre closed", "The day centre closed", "My carer"],
            "directorate": ["adults services", "Adults' Services", "Place", "Place"],
        }
    )
    themes = code(frame, book)["themes"].tolist()
    assert themes == [["social_care"], ["day_opportunities"], [], ["social_care"]]
    assert load_codebook(book).labels["day_opportunities"] == "Day opportunities"


def test_feedback_without_a_directorate_column_uses_only_the_shared_rules():
    book = {"themes": {"a": {"keywords": ["bin"]}}, "directorates": {"Place": {"themes": {"a": {"keywords": ["tip"]}}}}}
    assert code(pd.DataFrame({"text": ["the tip", "a bin"]}), book)["themes"].tolist() == [[], ["a"]]


def test_errors_name_every_entry_at_fault():
    bad = {
        "themes": {
            "Bad Id": {"keywords": ["x"]},
            "roads": {"keyword": ["pothole"], "patterns": ["(unclosed"], "phrases": ["fly tip*"]},
            "bins": {"keywords": "bin"},
        },
        "extra": 1,
    }
    with pytest.raises(CodebookError) as caught:
        load_codebook(bad)
    message = str(caught.value)
    for fragment in (
        "extra: unknown section",
        "themes.Bad Id",
        "themes.roads.keyword: unknown key",
        "themes.roads.patterns: '(unclosed' is not a valid regular expression",
        "wildcard is only allowed on a single word",
        "themes.bins.keywords: expected a list",
    ):
        assert fragment in message


def test_a_missing_or_broken_file_is_a_user_error(tmp_path):
    with pytest.raises(CodebookError, match="no such codebook file"):
        load_codebook(tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("themes: [unclosed", encoding="utf-8")
    with pytest.raises(CodebookError, match="not valid YAML"):
        load_codebook(broken)
    with pytest.raises(CodebookError, match="'themes:' section"):
        load_codebook({"version": 1})


def test_reserved_and_reused_ids_are_refused():
    with pytest.raises(CodebookError, match="not a usable id"):
        load_codebook({"themes": {"other": {"keywords": ["x"]}}})
    with pytest.raises(CodebookError, match="already used"):
        load_codebook(
            {"themes": {"a": {"keywords": ["x"], "subthemes": {"b": {"keywords": ["y"]}}}, "b": {"keywords": ["z"]}}}
        )


def test_figures_of_speech_never_count_for_a_theme():
    book = load_codebook(
        {
            "ignore": ["quick note", "kind regards", "would like a reply"],
            "themes": {
                "speed": {"keywords": ["quick"]},
                "staff": {"keywords": ["kind"]},
                "replies": {"keywords": ["reply"]},
            },
        }
    )
    texts = [
        "Just a quick note to say thanks",
        "Kind regards, Ann",
        "Bins missed again. I would like a reply.",
        "They were quick and kind, and the reply came the same day",
    ]
    assert code(pd.DataFrame({"text": texts}), book)["themes"].tolist() == [[], [], [], ["speed", "staff", "replies"]]


def test_an_ignore_entry_must_have_words():
    with pytest.raises(CodebookError, match="ignore"):
        load_codebook({"ignore": ["!!"], "themes": {"a": {"keywords": ["a"]}}})


def test_a_problem_in_a_subtheme_is_placed_by_its_path_in_the_codebook():
    with pytest.raises(CodebookError) as caught:
        load_codebook(
            {"themes": {"repairs": {"label": "Repairs", "keywords": ["leak"], "subthemes": {"damp": "mould"}}}}
        )
    assert "themes.repairs.subthemes.damp: expected a mapping with a label and keywords, phrases or patterns" in str(
        caught.value
    )
