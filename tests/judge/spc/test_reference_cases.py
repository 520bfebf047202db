"""Every published reference case (NHSRplotthedots 0.2.2 and the MDC testing document) under its rule set.

The cases live in ``tests/data/spc-reference-cases.json`` (sources and licences in
``tests/data/README.md``); indices in the file are 1-based, ``null`` expectations are not asserted.
"""

import json
import warnings
from pathlib import Path

import pytest

from pmkit.judge import spc

CASES_FILE = Path(__file__).resolve().parents[2] / "data" / "spc-reference-cases.json"
CASES = json.loads(CASES_FILE.read_text())["cases"] if CASES_FILE.exists() else []
NHSR_LABELS = {  # NHSRplotthedots' special_cause_type labels for (rule, high)
    ("outside", True): "Above UCL",
    ("outside", False): "Below LCL",
    ("trend", True): "7 Point Trend (Increasing)",
    ("trend", False): "7 Point Trend (Decreasing)",
    ("two_in_three", True): "2 in 3 Above CL",
    ("two_in_three", False): "2 in 3 Below CL",
    ("shift", True): "7 Points Above CL",
    ("shift", False): "7 Points Below CL",
}

pytestmark = pytest.mark.skipif(not CASES, reason=f"{CASES_FILE} is missing: the SPC reference cases are not available")


def rule_set(case: dict) -> str:
    return "nhsr" if case["ruleset"].startswith("NHSRplotthedots") else "mdc"


def run(case: dict) -> spc.XmRResult:
    options = case["options"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.SPCWarning)
        return spc.xmr(
            case["values"],
            improvement=case["improvement_direction"],
            target=case["target"],
            rules=rule_set(case),
            screen_outliers=options["screen_outliers"],
            shift_points=options["shift_points"],
            trend_points=options["trend_points"],
            rebase_at=[p - 1 for p in options["rebase_at"] or []],
            fix_after_n_points=options["fix_after_n_points"],
        )


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_case_options_are_the_rule_sets_own(case):
    rs, options = spc.RULE_SETS[rule_set(case)], case["options"]
    assert options["rules_cross_rebase"] == rs.runs_cross_sections
    assert options["conflict"].startswith("improvement wins") == rs.improvement_wins
    assert not options["two_in_three_counts_points_beyond_limits"]
    if rs.name == "mdc":
        assert (options["shift_points"], options["trend_points"], options["screen_outliers"]) == (6, 6, False)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_limits(case):
    expected, p = case["expected"], run(case).points
    tolerance = expected.get("tolerance", 1e-6)
    for column in ("mean", "lpl", "upl"):
        assert p[column].iloc[-1] == pytest.approx(expected[column], abs=tolerance), column
    for group in expected.get("groups", []):
        row = p.iloc[group["first_point"] - 1]
        assert row["section"] == expected["groups"].index(group)
        for column in ("mean", "lpl", "upl"):
            assert row[column] == pytest.approx(group[column], abs=tolerance), (group["first_point"], column)


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_point_types(case):
    got = run(case).points["point_type"].astype(str).tolist()
    expected = case["expected"]["point_type"]
    differ = [i + 1 for i, (g, e) in enumerate(zip(got, expected, strict=True)) if e is not None and g != e]
    assert not differ, f"points {differ}: got {[got[i - 1] for i in differ]}"
    flags = case["expected"].get("special_cause_flag") or [None] * len(got)
    assert all(f is None or f == (g != "common_cause") for f, g in zip(flags, got))


@pytest.mark.parametrize(
    "case",
    [c for c in CASES if "special_cause_rule" in c["expected"]],
    ids=[c["name"] for c in CASES if "special_cause_rule" in c["expected"]],
)
def test_deciding_rules_match_nhsrplotthedots_labels(case):
    res = run(case)
    improvement = case["improvement_direction"]
    labels = []
    for kind, rule in zip(res.points["point_type"].astype(str), res.points["rule"].astype(object)):
        if kind == "common_cause":
            labels.append("Common Cause")
            continue
        if improvement == "neutral":
            high = kind.endswith("_high")
        else:
            high = (kind == "special_cause_improvement") == (improvement == "increase")
        labels.append(NHSR_LABELS[rule, high])
    assert labels == case["expected"]["special_cause_rule"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_icons(case):
    res = run(case)
    assert res.variation == case["expected"]["variation_icon"]
    assert res.assurance == case["expected"]["assurance_icon"]


def test_nhsr_warns_for_the_short_case():
    short = [c for c in CASES if rule_set(c) == "nhsr" and len(c["values"]) < spc.MIN_POINTS]
    assert short
    with pytest.warns(spc.SPCWarning):
        spc.xmr(short[0]["values"], rules="nhsr")
