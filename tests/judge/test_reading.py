"""Readings: what every component says about an indicator, decided once (peers, stale limits, disagreements, directions)."""

import numpy as np
import pandas as pd

from pmkit.io import periods
from pmkit.judge import reading, status

REGISTER = pd.DataFrame(
    {
        "indicator_id": ["UP", "DOWN"],
        "title": ["Satisfaction", "Days to relet"],
        "directorate": "Housing",
        "unit": ["percent", "days"],
        "polarity": ["higher_is_better", "lower_is_better"],
        "frequency": "monthly",
        "decimals": 1,
        "benchmark_metric": ["sat", "relet"],
        "seasonal": [False, True],
        "priority": "Homes",
    }
)


def months(first, values):
    start = periods.parse(first).start
    return [periods.label_of(start + i, "monthly") for i in range(len(values))]


def measures(values_up, values_down, first="Jan 2024"):
    return pd.concat(
        [
            pd.DataFrame({"indicator_id": "UP", "period": months(first, values_up), "value": values_up}),
            pd.DataFrame({"indicator_id": "DOWN", "period": months(first, values_down), "value": values_down}),
        ]
    )


BENCH = pd.DataFrame(
    {
        "metric": ["sat"] * 5 + ["relet"] * 3 + ["sat"],
        "authority_code": list("ABCDE") + list("ABC") + ["ENG"],
        "authority_name": list("ABCDE") + list("ABC") + ["England"],
        "period": ["Sep 2025"] * 9,
        "value": [90.0, 80.0, 70.0, 70.0, 60.0, 20.0, 30.0, 40.0, 72.5],
        "group": ["nearest_neighbours"] * 8 + ["england"],
    }
)


def readings(values_up, values_down, targets=None):
    m = measures(values_up, values_down)
    t = pd.DataFrame(
        {"indicator_id": list(targets or {}), "period": "2025/26", "target": list((targets or {}).values())}
    )
    st = status.assess(m, REGISTER, "Sep 2025", targets=t, benchmarks=BENCH)
    views = reading.spc_views(m, REGISTER, st, "Sep 2025")
    peers = reading.peer_groups(st, REGISTER, BENCH, "Us")
    return reading.read(st, REGISTER, views, peers)


STEADY = [70.0, 71.0] * 10 + [70.0]  # 21 months, Jan 2024 to Sep 2025
DOWN = [30.0, 31.0] * 10 + [30.0]


def test_peers_are_counted_strictly_and_sorted_best_first_by_polarity():
    r = readings(STEADY, DOWN)
    up, down = r["UP"].peers, r["DOWN"].peers
    assert (up.n_better, up.n_worse, up.median, up.national, up.national_name) == (2, 1, 70.0, 72.5, "England")
    assert up.table["authority_name"].tolist() == ["A", "B", "Us", "C", "D", "E"]  # a tie lists this council first
    assert int(r["UP"].row["rank"]) == up.n_better + 1 == 3
    assert down.table["authority_name"].tolist() == ["A", "Us", "B", "C"]  # lower is better
    assert (down.n_better, down.n_worse, down.national) == (1, 1, None)  # B ties at 30.0


def test_no_peers_without_a_value_or_benchmark_rows():
    r = readings(STEADY[:-1], DOWN)  # UP has no Sep 2025 value
    assert r["UP"].peers is None and r["DOWN"].peers is not None


def test_a_sustained_shift_makes_the_limits_stale_and_suggests_the_period():
    shifted = [70.0, 71.0] * 7 + [75.0, 75.5, 74.8, 75.2, 75.1, 74.9, 75.0]  # from Mar 2025 on
    r = readings(shifted, DOWN, targets={"UP": 72.0})["UP"]
    assert r.stale and r.rebase_label == "Mar 2025" and r.assurance is None
    # Without the shift: mean 70.48, mean moving range 1, limits 67.8 to 73.1 around the 72.0 target.
    assert readings(STEADY, DOWN, targets={"UP": 72.0})["UP"].assurance == "inconsistent"


def test_disagreement_only_when_status_and_assurance_point_opposite_ways():
    # Twenty values at 95-96, then 90: mean 2000/21 = 95.24, mean moving range 25/20 = 1.25, limits
    # 91.91 to 98.56, all above the 91.0 target; 90.0 is within 5% of 91 (amber) and below the limit.
    dip = [95.0, 96.0] * 10 + [90.0]
    r = readings(dip, DOWN, targets={"UP": 91.0})["UP"]
    assert (r.row["rag"], r.assurance, r.disagreement) == ("amber", "consistent_pass", "unusual_miss")
    calm = readings([95.0, 96.0] * 10 + [95.0], DOWN, targets={"UP": 91.0})["UP"]
    assert (calm.row["rag"], calm.assurance, calm.disagreement) == ("green", "consistent_pass", None)


def test_the_other_direction_is_shown_only_when_it_tells_a_different_story():
    # UP: 71 in Aug to 70 in Sep is a fall of 1.4% (declining); Sep 2024 was 70 too (no change on the year).
    r = readings(STEADY, DOWN)
    up = r["UP"]
    assert (up.row["dot_previous"], up.row["dot_last_year"]) == ("declining", "no_change")
    assert up.headline_dot == "previous" and up.other_dot == "last_year"
    same = readings([70.0] * 21, DOWN)["UP"]  # no change either way: one line
    assert (same.row["dot_previous"], same.row["dot_last_year"], same.other_dot) == ("no_change", "no_change", None)
    down = r["DOWN"]  # seasonal: the year is the headline
    assert down.headline_dot == "last_year" and down.row["dot"] == "no_change"
    assert (down.row["dot_previous"], down.other_dot) == ("improving", "previous")


def test_the_spc_label_says_when_the_chart_ends_before_the_judged_period():
    r = readings(STEADY[:-1] + [np.nan], DOWN)
    assert r["UP"].row["period"] == "Sep 2025" and r["UP"].spc_label == "Aug 2025"
    assert readings(STEADY, DOWN)["UP"].spc_label == "Sep 2025"
