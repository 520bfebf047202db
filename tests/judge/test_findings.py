"""Deep-dive findings and the committee questions they raise, each checked against figures worked out by hand."""

import pandas as pd
import pytest
from component_helpers import month_labels, reading, register_row, status_row, view

from pmkit.components.questions import ask
from pmkit.components.words import words_for
from pmkit.judge import benchmarking, findings, spc
from pmkit.judge.funnel import funnel
from pmkit.judge.themes import ThemeSummary

INTERNAL, PUBLIC = words_for("internal"), words_for("public")


def history(rags, values=None, targets=None, quality=None, first="Apr 2025"):
    n = len(rags)
    return pd.DataFrame(
        {
            "period": month_labels(first, n),
            "value": values or [80.0] * n,
            "target": targets or [88.0] * n,
            "rag": rags,
            "quality": quality or ["final"] * n,
        }
    )


# --- below target ---------------------------------------------------------------------------------------


def test_a_run_below_target_reaching_the_latest_period_is_found_with_its_length():
    found = findings.below_target(history(["green", "red", "amber", "red"], values=[90.0, 85.0, 86.0, 84.5]), "R")
    assert found.facts == {"periods": 3, "since": "May 2025", "latest": "Jul 2025", "value": 84.5, "target": 88.0}


@pytest.mark.parametrize("rags", [["red", "red", "green"], ["green", "green", "red"], []])
def test_no_run_when_the_latest_is_on_target_or_the_miss_is_a_single_period(rags):
    assert findings.below_target(history(rags), "R") is None


def test_below_target_question_cites_the_run():
    found = findings.below_target(history(["green", "red", "amber", "red"], values=[90.0, 85.0, 86.0, 84.5]), "R")
    said, asked = ask(found, reading(), INTERNAL)
    assert said == (
        "Repairs completed on time has been below its target (worse) for 3 months in a row, since May 2025: "
        "84.5% in Jul 2025 against a target of 88.0%."
    )
    assert asked == "What is the recovery plan, what does it cost, and when will the indicator be back on target?"
    assert ask(found, reading(), PUBLIC)[1] == "What is being done to bring it back to target, and by when?"


# --- targets --------------------------------------------------------------------------------------------

TARGETS = pd.DataFrame(
    {
        "indicator_id": "R",
        "period": ["2022/23", "2023/24", "2024/25", "Sep 2025", "2025/26"],
        "target": [90.0, 92.0, 89.0, 95.0, 91.0],
    }
)


def test_target_history_is_oldest_first_and_the_year_applies_where_no_exact_target_is_set():
    h = findings.target_history(TARGETS, "R")
    assert h["period"].tolist() == ["2022/23", "2023/24", "2024/25", "2025/26", "Sep 2025"]
    assert findings.targets_at(h, ["Mar 2025", "Aug 2025", "Sep 2025"]) == [89.0, 91.0, 95.0]


def test_an_eased_target_is_found_and_raised_with_its_years():
    h = findings.target_history(TARGETS, "R")
    eased = findings.target_eased(h, "R", "higher_is_better")
    assert [f.facts for f in eased] == [{"from_period": "2023/24", "from": 92.0, "to_period": "2024/25", "to": 89.0}]
    assert [f.facts["to_period"] for f in findings.target_eased(h, "R", "lower_is_better")] == ["2023/24", "2025/26"]
    assert findings.target_eased(h, "R", "neutral") == []
    said, asked = ask(eased[0], reading(), INTERNAL)
    assert said == "Repairs completed on time: target eased from 92.0% in 2023/24 to 89.0% in 2024/25."
    assert asked == "Why was the target eased, and who agreed it?"


# --- SPC: special cause and suggested rebase ------------------------------------------------------------

STEADY = [10.0, 11.0] * 7  # fourteen values from Jan 2024: mean 10.5, limits 7.84 to 13.16
PLANTED = STEADY + [13.0, 12.5, 13.2, 12.8, 13.1, 12.9, 13.0]  # a step up from Mar 2025, seven months long


def test_a_planted_shift_gives_a_suggested_rebase_at_its_first_month():
    r = reading(
        status_row(value=13.0, target=12.0, rag="green", exceptions=[], period="Sep 2025"),
        register_row(decimals=1),
        view(PLANTED, "Jan 2024", target=12.0),
    )
    found = findings.stale_limits(r)
    assert found.facts == {"since": "Mar 2025", "values": 7, "side": "above", "rebased_before": False}
    said, asked = ask(found, r, INTERNAL)
    assert said == (
        "Repairs completed on time shows a sustained shift since Mar 2025 (7 months above the mean) that its "
        "chart does not yet allow for, so its process limits describe the old process."
    )
    assert asked.endswith("should the limits be recalculated from then?") and "rebase_at" not in asked


def test_no_rebase_is_suggested_without_a_shift_or_once_the_register_rebases_it():
    calm = reading(spc_view=view(STEADY + [10.0, 11.0, 10.0, 11.0, 10.0, 11.0, 10.5], "Jan 2024"))
    assert findings.stale_limits(calm) is None
    rebased = reading(spc_view=findings_view_rebased())
    assert findings.stale_limits(rebased) is None


def findings_view_rebased():
    from pmkit.judge.reading import SpcView

    return SpcView(spc.xmr(PLANTED, rebase_at=[14], target=12.0), month_labels("Jan 2024", len(PLANTED)), 12.0)


def test_special_cause_says_since_when_and_by_which_rule():
    values = [95.0, 96.0] * 7 + [90.0]  # the last value below the lower limit (92.28 here)
    r = reading(
        status_row(value=90.0, target=91.0, rag="amber", exceptions=["spc_concern"], period="Mar 2025"),
        spc_view=view(values, "Jan 2024", target=91.0),
    )
    found = findings.special_cause(r)
    assert found.facts == {"type": "concern", "rule": "outside", "since": "Mar 2025", "values": 1, "latest": "Mar 2025"}
    said, asked = ask(found, r, INTERNAL)
    assert said == (
        "Repairs completed on time has been a special cause of concern since Mar 2025 (1 month to Mar 2025; "
        "the latest beyond the process limits)."
    )
    assert asked == "What changed then, and what is being done about it?"
    assert ask(found, r, PUBLIC)[0].startswith("Repairs completed on time has been worse than usual since Mar 2025")


# --- provisional data, bottom quartile, rising complaints -------------------------------------------------


def test_provisional_values_are_listed():
    found = findings.provisional(history(["red", "red", "red"], quality=["final", "provisional", "estimated"]), "R")
    assert found.facts == {"periods": ["May 2025", "Jun 2025"], "quality": ["provisional", "estimated"]}
    assert ask(found, reading(), INTERNAL)[0] == (
        "Repairs completed on time: the figures for May 2025, Jun 2025 are provisional and may change."
    )


def test_a_complaint_theme_up_by_a_quarter_with_five_or_more_is_rising():
    table = pd.DataFrame(
        {
            "theme": ["repairs", "noise", "parking"],
            "label": ["Housing repairs", "Noise", "Parking"],
            "count": [15, 4, 6],
            "previous": [10, 1, 6],
            "change_pct": [0.5, 3.0, 0.0],
        }
    )
    summary = ThemeSummary(table, pd.DataFrame(), {}, 25, "2025/26 Q2", "2025/26 Q1", "internal")
    found = findings.rising_themes(summary)
    assert [f.facts["theme"] for f in found] == ["Housing repairs"]  # noise has fewer than 5 now; parking is flat
    assert (
        ask(found[0], None, INTERNAL)[0]
        == "Complaints about housing repairs rose from 10 in 2025/26 Q1 to 15 in 2025/26 Q2 (+50%)."
    )


# --- funnel plots and benchmarking over time --------------------------------------------------------------


def test_funnel_limits_and_signals_by_hand():
    # Overall 630/800 = 0.7875. For 100 cases the spread is sqrt(0.7875 x 0.2125 / 100) = 0.04091, so the
    # 95% limits are 0.7073 to 0.8677 and the 99.8% limits 0.6611 to 0.9139; for 600 cases 0.7548 to 0.8202 (95%).
    f = funnel(pd.DataFrame({"category": ["A", "B", "C"], "numerator": [90, 40, 500], "denominator": [100, 100, 600]}))
    assert f["overall"].iloc[0] == pytest.approx(0.7875)
    assert f.loc[0, ["lower_95", "upper_95", "lower_998", "upper_998"]].tolist() == pytest.approx(
        [0.7073, 0.8677, 0.6611, 0.9139], abs=1e-4
    )
    assert f["signal"].tolist() == ["possible_high", "low", "possible_high"]


def test_benchmarking_over_time_ranks_like_the_status_engine():
    bench = pd.DataFrame(
        {
            "metric": "m",
            "authority_code": list("ABCD") * 2 + ["E", "E"],
            "period": ["2024/25"] * 4 + ["2025/26"] * 4 + ["2024/25", "2025/26"],
            "value": [10.0, 20.0, 30.0, 40.0, 12.0, 22.0, 32.0, 42.0, 25.0, 27.0],
            "group": ["nn"] * 8 + ["england"] * 2,
        }
    )
    own = pd.Series({"2024/25": 30.0, "2025/26": 15.0})
    t = benchmarking.trajectory("m", "higher_is_better", own, bench, "nn")
    assert t["period"].tolist() == ["2024/25", "2025/26"]
    assert t["rank"].tolist() == [2, 4] and t["councils"].tolist() == [5, 5] and t["quartile"].tolist() == [2, 4]
    assert t["median"].tolist() == [25.0, 27.0] and t["national"].tolist() == [25.0, 27.0]
    assert t["best_quarter"].tolist() == [32.5, 34.5] and t["worst_quarter"].tolist() == [17.5, 19.5]
    lower = benchmarking.trajectory("m", "lower_is_better", own, bench, "nn")
    assert lower["rank"].tolist() == [3, 2] and lower["best_quarter"].tolist() == [17.5, 19.5]


# --- surviving mutants: what a reader would see differently --------------------------------------------------


def test_a_run_is_found_after_on_target_periods_early_in_the_history():
    found = findings.below_target(history(["green", "green", "red", "amber"], values=[90.0, 89.0, 85.0, 86.5]), "R")
    assert found.facts == {"periods": 2, "since": "Jun 2025", "latest": "Jul 2025", "value": 86.5, "target": 88.0}


def test_a_theme_up_by_exactly_a_quarter_is_rising_and_a_suppressed_count_is_not():
    table = pd.DataFrame(
        {
            "theme": ["repairs", "noise"],
            "label": ["Housing repairs", "Noise"],
            "count": [5, "<5"],  # fewer than five are shown as "<5" on public pages
            "previous": [4, 1],
            "change_pct": [0.25, 2.0],
        }
    )
    summary = ThemeSummary(table, pd.DataFrame(), {}, 9, "2025/26 Q2", "2025/26 Q1", "public")
    found = findings.rising_themes(summary)
    assert [f.facts["theme"] for f in found] == ["Housing repairs"]
    assert ask(found[0], None, PUBLIC)[0].startswith("Complaints about housing repairs rose from 4 in 2025/26 Q1 to 5")


def test_on_target_but_in_the_bottom_quartile_is_a_finding_with_its_rank_and_median():
    from component_helpers import peers

    group = peers({f"Council {i}": v for i, v in enumerate([95.0, 94.0, 93.0, 92.5, 90.0])}, 91.0)
    r = reading(
        status_row(value=91.0, target=90.0, rag="green", rank=5, quartile=4, exceptions=["green_bottom_quartile"]),
        register_row(),
        peer_group=group,
    )
    found = findings.green_bottom_quartile(r)
    assert found.facts == {
        "value": 91.0,
        "target": 90.0,
        "rank": 5,
        "councils": 6,
        "median": 93.0,  # the five others: 95, 94, 93, 92.5, 90
        "period": "Sep 2025",
    }


def test_an_indicators_findings_include_a_target_eased_in_the_last_three_years():
    r = reading(status_row(indicator_id="R", period="Sep 2025"), register_row(indicator_id="R"))
    eased = [f for f in findings.for_indicator(r, pd.DataFrame(), TARGETS) if f.kind == "target_eased"]
    assert [f.facts for f in eased] == [{"from_period": "2023/24", "from": 92.0, "to_period": "2024/25", "to": 89.0}]
