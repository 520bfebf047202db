"""Redaction of personal data, scored on a labelled set of 250+ sentences.

Run as a script to print recall and precision per kind:
``python tests/judge/themes/test_redaction.py``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmkit.judge.themes import KINDS, find_personal_data, redact

CASES = Path(__file__).parents[2] / "data" / "redaction_cases.yaml"
PLACEHOLDER = re.compile(r"\[(" + "|".join(KINDS) + r")\]")

# Floors just below what the labelled set scores (see the table the script prints).
RECALL_FLOORS = {
    "email": 0.95,
    "phone": 0.95,
    "postcode": 0.95,
    "nhs_number": 0.95,
    "ni_number": 0.95,
    "address": 0.9,
    "street": 0.9,
    "name": 0.85,
}
PRECISION_FLOORS = {kind: 0.9 for kind in KINDS}


def load_cases() -> list[dict]:
    return yaml.safe_load(CASES.read_text(encoding="utf-8"))["cases"]


def gold_spans(text: str, expected: str) -> list[tuple[int, int, str]]:
    """The spans of ``text`` that the placeholders in ``expected`` stand for."""
    kinds = PLACEHOLDER.findall(expected)
    pieces = PLACEHOLDER.split(expected)[0::2]
    pattern = "(.+?)".join(re.escape(p) for p in pieces)
    match = re.fullmatch(pattern, text, re.S)
    assert match, f"expected output does not fit its text: {text!r} -> {expected!r}"
    return [(match.start(i + 1), match.end(i + 1), kind) for i, kind in enumerate(kinds)]


def score(cases: list[dict]) -> pd.DataFrame:
    """Recall and precision per kind: a span counts when it overlaps one of the same kind."""
    rows = {kind: {"gold": 0, "found": 0, "recalled": 0, "correct": 0} for kind in KINDS}
    for case in cases:
        gold = gold_spans(case["text"], case["expected"])
        found = find_personal_data(case["text"])
        for start, end, kind in gold:
            rows[kind]["gold"] += 1
            rows[kind]["recalled"] += any(s.kind == kind and s.start < end and start < s.end for s in found)
        for span in found:
            rows[span.kind]["found"] += 1
            rows[span.kind]["correct"] += any(k == span.kind and span.start < e and s < span.end for s, e, k in gold)
    table = pd.DataFrame.from_dict(rows, orient="index")
    table["recall"] = table["recalled"] / table["gold"]
    table["precision"] = table["correct"] / table["found"].where(table["found"] > 0)
    return table


@pytest.fixture(scope="module")
def cases() -> list[dict]:
    return load_cases()


def test_the_labelled_set_is_large_and_consistent(cases):
    assert len(cases) >= 200
    for case in cases:
        gold_spans(case["text"], case["expected"])
    negatives = [c for c in cases if c["text"] == c["expected"]]
    assert len(negatives) >= 40


@pytest.mark.parametrize("kind", KINDS)
def test_recall_and_precision_per_kind(cases, kind):
    row = score(cases).loc[kind]
    assert row["gold"] >= 15, "too few labelled examples to judge"
    assert row["recall"] >= RECALL_FLOORS[kind], row.to_dict()
    assert row["precision"] >= PRECISION_FLOORS[kind], row.to_dict()


def test_most_sentences_come_out_exactly_as_labelled(cases):
    exact = sum(redact(c["text"]) == c["expected"] for c in cases)
    assert exact / len(cases) >= 0.9


def test_negatives_stay_untouched(cases):
    changed = [c["text"] for c in cases if c["text"] == c["expected"] and redact(c["text"]) != c["text"]]
    assert len(changed) <= 2, changed


def test_design_example():
    assert redact("Call Mrs Patel on 07700 900123") == "Call Mrs [name] on [phone]"


def test_titles_and_roles_stay_and_only_the_name_goes():
    assert redact("my social worker, Tom") == "my social worker, [name]"
    assert redact("Regards\nJane Smith") == "Regards\n[name]"
    assert redact("Thank you") == "Thank you"


# A public quote never carries the street, a health condition, a family member or the age of the person who wrote
# it; an internal one keeps all but the street.
PUBLIC_DETAILS = [
    (
        "Damp coming through the wall in our flat on Church Street, my daughter has asthma",
        "Damp coming through the wall in our flat on [street], my [family member] has [health condition]",
        "Damp coming through the wall in our flat on [street], my daughter has asthma",
    ),
    (
        "my son has autism and the respite service closed",
        "my [family member] has [health condition] and the respite service closed",
        "my son has autism and the respite service closed",
    ),
    (
        "I am 84 and disabled and the bins are left at the end of Mill Lane",
        "I am [age] and [health condition] and the bins are left at the end of [street]",
        "I am 84 and disabled and the bins are left at the end of [street]",
    ),
    (
        "my wife's dementia means she cannot be left alone",
        "my [family member]'s [health condition] means she cannot be left alone",
        "my wife's dementia means she cannot be left alone",
    ),
    (
        "Nobody came to 27 Orchard Road about my husband's stairlift",
        "Nobody came to [address] about my [family member]'s stairlift",
        "Nobody came to [address] about my husband's stairlift",
    ),
    (
        "My 3 year old grandson loves the library on Acacia Avenue",
        "My [age] [family member] loves the library on [street]",
        "My 3 year old grandson loves the library on [street]",
    ),
    (
        "She is 92, housebound and lives alone on Kingsway Close",
        "She is [age], [health condition] and lives alone on [street]",
        "She is 92, housebound and lives alone on [street]",
    ),
    (
        "In my late eighties I cannot drag the bins up Queens Road",
        "In my [age] I cannot drag the bins up [street]",
        "In my late eighties I cannot drag the bins up [street]",
    ),
    (
        "Carers only stay ten minutes when Mum is supposed to have half an hour, and nobody checked on Dad",
        "Carers only stay ten minutes when [family member] is supposed to have half an hour, and nobody checked on [family member]",
        "Carers only stay ten minutes when Mum is supposed to have half an hour, and nobody checked on Dad",
    ),
    (
        "we live on church avenue and my mum is registered blind",
        "we live on [street] and my [family member] is registered [health condition]",
        "we live on [street] and my mum is registered blind",
    ),
]


@pytest.mark.parametrize(("text", "public", "internal"), PUBLIC_DETAILS)
def test_public_quotes_lose_street_health_family_and_age(text, public, internal):
    assert redact(text, audience="public") == public
    assert redact(text) == redact(text, audience="internal") == internal


@pytest.mark.parametrize(
    "text",
    [
        "The disabled toilet at the library was dirty",
        "I am 5 minutes from the tip",
        "The anxiety this caused residents",
        "Waited 84 days for a repair",
        "Family hub staff were kind",
        "The children's centre is brilliant",
        "Blue badge and disabled parking bays are always full",
        "The heart of the town is the market",
    ],
)
def test_public_redaction_leaves_service_words_alone(text):
    assert redact(text, audience="public") == text


def test_nhs_number_needs_context_or_a_valid_check_digit():
    assert redact("order 4830166134 arrived") == "order [nhs_number] arrived"  # valid check digit
    assert redact("order 4830166135 arrived") == "order 4830166135 arrived"
    assert redact("NHS number 4830166135") == "NHS number [nhs_number]"


def test_non_text_passes_through():
    assert redact("") == ""
    assert redact(None) is None


if __name__ == "__main__":
    all_cases = load_cases()
    table = score(all_cases)
    exact = sum(redact(c["text"]) == c["expected"] for c in all_cases)
    print(f"{len(all_cases)} labelled sentences, {exact} redacted exactly as labelled")
    print(table.to_string(float_format=lambda v: f"{v:.3f}"))
    for case in all_cases:
        if redact(case["text"]) != case["expected"]:
            print(f"  {case['text']!r}\n    expected {case['expected']!r}\n    got      {redact(case['text'])!r}")
