"""The national-scale paths give the same answers as the small ones (benchmarks/status_scale.py, small)."""

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pmkit.io import measure, periods
from pmkit.judge import spc, status

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))

import spc_scale  # noqa: E402
import status_scale  # noqa: E402


@pytest.fixture(scope="module")
def national():
    return status_scale.synthetic(6, 25, 40, seed=7)


def test_one_run_over_all_authorities_equals_one_run_per_authority(national):
    whole = status_scale.run_assess(national)
    for code in national["codes"]:
        alone = status_scale.run_assess(status_scale.authority_slice(national, code))
        mine = whole[whole["indicator_id"].str.startswith(code + "-")].reset_index(drop=True)
        pd.testing.assert_frame_equal(mine, alone, check_exact=True)


def test_spc_concern_matches_xmr_frame_over_the_history(national):
    for rules in ("mdc", "nhsr"):
        st = status.assess(national["measures"], national["indicators"], status_scale.REPORT, spc_rules=rules)
        history = status.history(national["measures"], national["indicators"], status_scale.REPORT)
        summary = spc.xmr_frame(
            history, by="indicator_id", improvement="improvement", rules=rules, rebase_at="rebase", order="start"
        ).summary.set_index("indicator_id")
        concern = summary["latest_point_type"].astype("str").eq("special_cause_concern")
        want = concern.reindex(st["indicator_id"]).fillna(False).to_numpy(dtype=bool)
        got = st["exceptions"].map(lambda e: "spc_concern" in e).to_numpy()
        assert (got == want).all()  # every series reaches the judged quarter here


@pytest.mark.parametrize("rules", ["mdc", "nhsr"])
@pytest.mark.parametrize(
    "options", [{}, {"screen_outliers": True, "fix_after_n_points": 15}, {"shift_points": 4, "trend_points": 5}]
)
def test_engine_summary_from_last_points_only_equals_the_full_one(rules, options):
    df = spc_scale.synthetic(400, 30, seed=3)
    df = df[df["value"].notna()]
    series = df["series"].to_numpy()
    new_section = spc._section_starts(series) | df["rebase"].to_numpy()
    direction = spc._direction_column(df.groupby("series")["improvement"].first().to_numpy())
    target = df.groupby("series")["target"].first().to_numpy()
    opts = spc._options(
        rules,
        options.get("screen_outliers"),
        options.get("shift_points"),
        options.get("trend_points"),
        options.get("fix_after_n_points"),
    )
    args = (df["value"].to_numpy(), series, new_section, direction, target, opts, 400)
    _, full = spc._engine(*args)
    points, latest = spc._engine(*args, points=False)
    assert points == {}
    assert full.keys() == latest.keys()
    for key in full:
        np.testing.assert_array_equal(full[key], latest[key])
        assert full[key].dtype == latest[key].dtype


def test_rows_already_in_order_are_charted_as_if_sorted():
    df = spc_scale.synthetic(300, 20, seed=4)
    kwargs = dict(by="series", improvement="improvement", target="target", rebase_at="rebase", order="t")
    ordered = spc.xmr_frame(df, **kwargs)
    shuffled = spc.xmr_frame(df.sample(frac=1, random_state=0), **kwargs)
    pd.testing.assert_frame_equal(ordered.summary, shuffled.summary, check_exact=True)
    pd.testing.assert_frame_equal(ordered.points, shuffled.points.loc[ordered.points.index], check_exact=True)


@pytest.fixture(scope="module")
def demo_tables():
    from pmkit.project.demo import build_demo

    return build_demo().tables


@pytest.fixture(scope="module")
def mini_tables():
    from pmkit.io.sources import FolderSource

    return FolderSource(str(Path(__file__).resolve().parents[1] / "data" / "mini_council")).tables()


@pytest.mark.parametrize("council", ["demo_tables", "mini_tables"])
@pytest.mark.parametrize("rules", ["mdc", "nhsr"])
def test_engine_in_chunks_of_series_equals_one_pass(council, rules, request, monkeypatch):
    tables = request.getfixturevalue(council)
    history = status.history(tables["measures"], tables["indicators"], "2025/26 Q2")
    kwargs = dict(by="indicator_id", improvement="improvement", rules=rules, rebase_at="rebase", order="start")

    def answers():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", spc.SPCWarning)
            chart = spc.xmr_frame(history, **kwargs, value="spc_value")
            st = status.assess(
                tables["measures"],
                tables["indicators"],
                "2025/26 Q2",
                targets=tables.get("targets"),
                benchmarks=tables.get("benchmarks"),
                spc_rules=rules,
            )
        return chart.points, chart.summary, st

    one_pass = answers()
    monkeypatch.setattr(spc, "CHUNK", max(len(history) // 8, 1))  # chunks cut wherever a series starts
    assert len(history) > 3 * spc.CHUNK
    for got, want in zip(answers(), one_pass, strict=True):
        pd.testing.assert_frame_equal(got, want, check_exact=True)


def test_in_period_figures_of_many_series_at_once_equal_one_series_at_a_time(demo_tables):
    indicators = demo_tables["indicators"].copy()
    indicators["cumulative"] = True  # every demo indicator read as a running total
    history = status.history(demo_tables["measures"], indicators, "2025/26 Q2")
    months = indicators.set_index("indicator_id")["frequency"].map(periods.MONTHS_IN)
    for kpi, rows in history.groupby("indicator_id"):
        alone = measure.in_period(rows["value"], rows["start"], True, int(months[kpi]))
        np.testing.assert_array_equal(rows["spc_value"].to_numpy(), alone)
    assert history["spc_value"].isna().sum() < len(history)


def test_in_period_does_not_take_a_difference_across_two_series():
    # Two running totals, the second's first quarter straight after the first's last in the same year.
    starts = [periods.parse(p).start for p in ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]]
    got = measure.in_period([10.0, 25.0, 7.0, 20.0], starts, True, [3, 3, 3, 3], series=[0, 0, 1, 1])
    # Q3 has no Q2 of its own series: its own quarter cannot be told (NaN); Q4 is 20 - 7.
    np.testing.assert_array_equal(got, [10.0, 15.0, np.nan, 13.0])


@pytest.mark.parametrize("council", ["demo_tables", "mini_tables"])
def test_measures_in_order_are_judged_as_when_shuffled_with_a_repeat(council, request):
    tables = request.getfixturevalue(council)
    measures = tables["measures"]
    start = periods.parse_column(measures["period"].astype("str"))["start"].to_numpy()
    ordered = measures.assign(_start=start).sort_values(["indicator_id", "_start"], kind="stable")
    ordered = ordered.drop(columns="_start").reset_index(drop=True)
    shuffled = ordered.sample(frac=1, random_state=1)
    stale = shuffled.iloc[:1].assign(value=-1.0, quality="estimated")  # given first, then superseded
    shuffled = pd.concat([stale, shuffled], ignore_index=True)
    assert status._index_measures(ordered).source is None  # the in-order path: no sort
    assert status._index_measures(shuffled).source is not None

    def judged(measures):
        return status.assess(
            measures,
            tables["indicators"],
            "2025/26 Q2",
            targets=tables.get("targets"),
            benchmarks=tables.get("benchmarks"),
        )

    pd.testing.assert_frame_equal(judged(ordered), judged(shuffled), check_exact=True)
    pd.testing.assert_frame_equal(
        status.history(ordered, tables["indicators"], "2025/26 Q2"),
        status.history(shuffled, tables["indicators"], "2025/26 Q2"),
        check_exact=True,
    )


def test_points_of_a_frame_in_order_are_not_views_of_its_columns():
    df = spc_scale.synthetic(20, 20, seed=5).sort_values(["series", "t"]).reset_index(drop=True)
    df = df[df["value"].notna()].reset_index(drop=True)
    before = df.copy()
    chart = spc.xmr_frame(df, by="series", improvement="improvement", order="t")
    chart.points["value"] *= 2  # a reader's own arithmetic on the chart
    chart.points.loc[chart.points.index[0], "series"] = -1
    pd.testing.assert_frame_equal(df, before)


def test_a_rebase_on_a_running_total_figure_that_cannot_be_told_starts_at_the_next_one():
    # Running totals whose 2022/23 Q2 is missing, so 2022/23 Q3's own quarter cannot be told: the
    # rebase listed at 2022/23 Q3 must start the new limits at Q4, as the XmR chart of the history does.
    rng = np.random.default_rng(11)
    labels = [periods.label_of(periods.parse("2019/20 Q3").start + 3 * i, "quarterly") for i in range(26)]
    rebase_at = labels.index("2022/23 Q3")
    rows, register = [], []
    for n in range(60):
        own = rng.normal(100, 8, len(labels)) + np.where(np.arange(len(labels)) >= rebase_at, 15 * (n % 3), 0)
        own[-3] += 40 * (n % 2)  # a jump at the judged quarter for half of them (2025/26 Q2)
        year_to_date = own.copy()
        for i, label in enumerate(labels):
            if not label.endswith("Q1"):
                year_to_date[i] += year_to_date[i - 1]
        for label, value in zip(labels, year_to_date):
            rows.append(
                {"indicator_id": f"R{n:02d}", "period": label, "value": np.nan if label == "2022/23 Q2" else value}
            )
        register.append(
            {
                "indicator_id": f"R{n:02d}",
                "title": f"Running total {n}",
                "directorate": "Place",
                "polarity": "lower_is_better",
                "frequency": "quarterly",
                "cumulative": True,
                "rebase_at": "2022/23 Q3",
            }
        )
    measures, indicators = pd.DataFrame(rows), pd.DataFrame(register)
    assert labels[-2] == "2025/26 Q3"  # figures after the judged quarter are there and left out

    def concerns(indicators):
        st = status.assess(measures, indicators, "2025/26 Q2")
        return st.set_index("indicator_id")["exceptions"].map(lambda e: "spc_concern" in e)

    history = status.history(measures, indicators, "2025/26 Q2")
    assert history.loc[history["period"] == "2022/23 Q3", "spc_value"].isna().all()
    summary = spc.xmr_frame(
        history, by="indicator_id", value="spc_value", improvement="improvement", rebase_at="rebase", order="start"
    ).summary.set_index("indicator_id")
    want = summary["latest_point_type"].astype("str").eq("special_cause_concern")
    got = concerns(indicators)
    pd.testing.assert_series_equal(got, want.reindex(got.index), check_names=False)
    assert 0 < got.sum() < len(got)
    assert (concerns(indicators.assign(rebase_at="")) != got).any()  # the rebase decides some of them


@pytest.mark.parametrize(
    "values",
    [
        ["A", "A", "B", "C", "C"],  # sorted: no hashing
        ["C", "C", "A", "B", "B", "A"],  # a run repeated, out of order
        ["A", np.nan, np.nan, "B", "B"],  # missing values among the texts
        [np.nan, np.nan],
        ["A"],
        [],
    ],
)
def test_factorizing_runs_equals_pandas(values):
    values = np.array(values, dtype=object)
    codes, distinct = spc.factorize_runs(values)
    want_codes, want_distinct = pd.factorize(values, sort=True, use_na_sentinel=False)
    np.testing.assert_array_equal(codes, want_codes)
    assert pd.Index(distinct).equals(pd.Index(want_distinct))
