"""xmr_frame: many series at once, with the same answers as xmr per series."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spc_helpers import series_values

from pmkit.judge import spc

IMPROVEMENT = st.sampled_from(spc.IMPROVEMENTS)
RULES = st.sampled_from(sorted(spc.RULE_SETS))


@st.composite
def one_series(draw):
    values = draw(series_values(missing=True))
    rebase = draw(st.lists(st.integers(0, max(len(values) - 1, 0)), max_size=3)) if values else []
    target = draw(st.one_of(st.none(), st.integers(-12, 12)))
    return dict(values=values, rebase_at=sorted(set(rebase)), improvement=draw(IMPROVEMENT), target=target)


def long_frame(series: list[dict], shuffle_seed: int) -> pd.DataFrame:
    rows = []
    for key, s in enumerate(series):
        for t, v in enumerate(s["values"]):
            rows.append(
                dict(
                    kpi=f"K{key:02d}",
                    area="X",
                    t=t,
                    value=v,
                    improvement=s["improvement"],
                    target=np.nan if s["target"] is None else s["target"],
                    rebase=t in s["rebase_at"],
                )
            )
    df = pd.DataFrame(rows, columns=["kpi", "area", "t", "value", "improvement", "target", "rebase"])
    return df.sample(frac=1, random_state=shuffle_seed)


def frame(df: pd.DataFrame, rules: str, **kwargs) -> spc.XmRFrame:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.SPCWarning)
        return spc.xmr_frame(
            df,
            by=["kpi", "area"],
            improvement="improvement",
            target="target",
            rules=rules,
            rebase_at="rebase",
            order="t",
            **kwargs,
        )


def single(s: dict, rules: str) -> spc.XmRResult:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.SPCWarning)
        return spc.xmr(
            s["values"], improvement=s["improvement"], target=s["target"], rules=rules, rebase_at=s["rebase_at"]
        )


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.lists(one_series(), min_size=1, max_size=6), RULES, st.integers(0, 1000))
def test_xmr_frame_equals_xmr_per_series(series, rules, seed):
    points, summary = frame(long_frame(series, seed), rules)
    keyed = [s for s in series if s["values"]]
    assert len(summary) == len(keyed)
    for key, s in enumerate(series):
        if not s["values"]:
            continue
        res = single(s, rules)
        mine = points[points["kpi"] == f"K{key:02d}"]
        pd.testing.assert_frame_equal(
            mine[spc.POINT_COLUMNS].reset_index(drop=True), res.points.reset_index(drop=True), check_exact=True
        )
        row = summary.set_index("kpi").loc[f"K{key:02d}"]
        assert row["n"] == res.n and row["dropped"] == res.dropped
        assert names(pd.Series([row["variation"], row["assurance"]])) == [res.variation, res.assurance]
        if res.n:
            last = res.points.iloc[-1]
            assert row["latest_point_type"] == last["point_type"] and row["latest_value"] == last["value"]
            for column in ("mean", "lpl", "upl"):
                assert row[column] == last[column] or (np.isnan(row[column]) and np.isnan(last[column]))
            assert row["sections"] == last["section"] + 1


def names(column: pd.Series) -> list:
    """A categorical column as a list of names, None where missing."""
    return [None if pd.isna(v) else v for v in column.astype(object)]


def swapped(name):
    if name is None:
        return None
    for a, b in (("improvement", "concern"), ("concern", "improvement"), ("pass", "fail"), ("fail", "pass")):
        if a in name:
            return name.replace(a, b)
    return name


@SETTINGS
@given(st.lists(one_series(), min_size=1, max_size=4), RULES)
def test_reversing_improvement_swaps_improvement_and_concern(series, rules):
    series = [{**s, "improvement": "increase"} for s in series]
    flipped = [{**s, "improvement": "decrease"} for s in series]
    up, up_summary = frame(long_frame(series, 0), rules)
    down, down_summary = frame(long_frame(flipped, 0), rules)
    assert names(up["special_cause"]) == names(down["special_cause"])
    before, after = names(up["point_type"]), names(down["point_type"])
    if rules == "nhsr":  # the first rule decides, whatever the direction
        assert after == [swapped(k) for k in before]
        assert names(up["rule"]) == names(down["rule"])
        assert names(down_summary["variation"]) == [swapped(v) for v in names(up_summary["variation"])]
    else:  # improvement wins a conflict, so a value flagged both ways is improvement either way
        for b, a in zip(before, after):
            assert (b, a) in {
                ("common_cause", "common_cause"),
                ("special_cause_concern", "special_cause_improvement"),
                ("special_cause_improvement", "special_cause_concern"),
                ("special_cause_improvement", "special_cause_improvement"),
            }
    assert names(down_summary["assurance"]) == [swapped(a) for a in names(up_summary["assurance"])]


@SETTINGS
@given(st.lists(one_series(), min_size=1, max_size=4), RULES, st.integers(-10_000, 10_000))
def test_adding_a_constant_moves_the_lines_and_changes_no_flag(series, rules, shift):
    moved = [
        {
            **s,
            "values": [v + shift for v in s["values"]],
            "target": None if s["target"] is None else s["target"] + shift,
        }
        for s in series
    ]
    base, base_summary = frame(long_frame(series, 0), rules)
    plus, plus_summary = frame(long_frame(moved, 0), rules)
    for column in ("special_cause", "point_type", "rule", "section", "position"):
        pd.testing.assert_series_equal(base[column], plus[column])
    for column in ("mean", "lpl", "upl", "lower_two_sigma", "upper_two_sigma"):
        np.testing.assert_allclose(plus[column], base[column] + shift, rtol=0, atol=1e-9)
    np.testing.assert_allclose(plus["moving_range"], base["moving_range"], rtol=0, atol=0)
    for column in ("variation", "assurance", "latest_point_type", "latest_rule"):
        pd.testing.assert_series_equal(base_summary[column], plus_summary[column])


def test_summary_columns_and_scalar_arguments():
    df = pd.DataFrame({"kpi": np.repeat(["B", "A"], 15), "value": np.tile(np.r_[np.arange(14.0), 40.0], 2)})
    points, summary = spc.xmr_frame(df, by="kpi", improvement="decrease", target=100.0)
    assert list(summary.columns) == ["kpi", *spc.SUMMARY_COLUMNS]
    assert list(points.columns) == ["kpi", *spc.POINT_COLUMNS]
    assert summary["kpi"].tolist() == ["A", "B"]  # sorted by the keys
    assert summary["latest_point_type"].astype(str).tolist() == ["special_cause_concern"] * 2
    assert summary["assurance"].astype(str).tolist() == ["consistent_pass"] * 2
    assert sorted(points.index) == list(df.index)  # rows keep their labels


def test_improvement_column_accepts_polarity_names_and_refuses_others():
    df = pd.DataFrame(
        {
            "kpi": ["A"] * 13 + ["B"] * 13,
            "value": list(range(13)) * 2,
            "polarity": ["higher_is_better"] * 13 + ["lower_is_better"] * 13,
        }
    )
    summary = spc.xmr_frame(df, by="kpi", improvement="polarity").summary
    assert summary["variation"].astype(str).tolist() == ["improvement_high", "concern_high"]
    assert summary["improvement"].astype(str).tolist() == ["increase", "decrease"]
    with pytest.raises(ValueError, match="sideways"):
        spc.xmr_frame(df.assign(polarity="sideways"), by="kpi", improvement="polarity")


def test_rebase_positions_apply_to_every_series_and_missing_values_are_counted():
    values = [20, 24, 20, 26, 22, 16, 18, 16, 31, 28, 34, 26, 30, 19, 18]
    df = pd.DataFrame({"kpi": ["A"] * 16 + ["B"] * 16, "value": values + [None] + [v * 2 for v in values] + [5]})
    points, summary = spc.xmr_frame(df, by="kpi", rebase_at=[8])
    assert summary["sections"].tolist() == [2, 2] and summary["dropped"].tolist() == [1, 0]
    a = spc.xmr(values + [None], rebase_at=[8])
    assert summary["upl"].iloc[0] == a.points["upl"].iloc[-1]


def test_a_series_with_no_values_has_an_empty_summary_row():
    df = pd.DataFrame({"kpi": ["A", "A", "B"], "value": [np.nan, np.nan, 3.0]})
    summary = spc.xmr_frame(df, by="kpi").summary
    assert summary["n"].tolist() == [0, 1] and summary["dropped"].tolist() == [2, 0]
    assert summary["variation"].isna().all() and np.isnan(summary["mean"].iloc[0])


def test_nhsr_warns_once_for_all_short_series():
    df = pd.DataFrame({"kpi": np.repeat(["A", "B", "C"], 5), "value": np.arange(15.0)})
    with pytest.warns(spc.SPCWarning, match="3 series have fewer than 13 values") as record:
        spc.xmr_frame(df, by="kpi", rules="nhsr")
    assert len(record) == 1


def test_an_infinite_value_or_target_is_refused_naming_its_column():
    df = pd.DataFrame({"kpi": ["A"] * 3, "rate": [1.0, np.inf, 2.0], "goal": [1.0, 1.0, np.inf]})
    with pytest.raises(ValueError, match="^rate holds infinite values$"):
        spc.xmr_frame(df, by="kpi", value="rate")
    with pytest.raises(ValueError, match="^goal holds infinite values$"):
        spc.xmr_frame(df.assign(rate=[1.0, 2.0, 3.0]), by="kpi", value="rate", target="goal")
