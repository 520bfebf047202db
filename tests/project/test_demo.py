"""The demo council: a valid, deterministic store with the mixes the reports and tests rely on."""

import re

import numpy as np
import pandas as pd
import pytest

import pmkit
from pmkit.io import periods
from pmkit.io.settings import report_period
from pmkit.io.sources import write_folder
from pmkit.judge import status
from pmkit.project import demo

DIRECTORATES = {"Adults' Social Care", "Children's Services", "Housing", "Place", "Communities", "Resources"}
PERSONAL = re.compile(
    r"@example\.(?:com|org|net)|07700 900\d{3}|01632 960\d{3}|\bTV\d \d[A-Z]{2}\b|QQ \d\d|Mrs |Mr |carer [A-Z]|\n\n(?:Thanks|Regards), "
)


@pytest.fixture(scope="module")
def built():
    return demo.build_demo()


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return demo.write_demo_store(tmp_path_factory.mktemp("demo") / "pmkit.duckdb")


@pytest.fixture(scope="module")
def source(store):
    return pmkit.open_source(store)


@pytest.fixture(scope="module")
def tables(source):
    return source.tables()


@pytest.fixture(scope="module")
def latest_status(tables):
    return status.assess(
        tables["measures"],
        tables["indicators"],
        "2025/26 Q2",
        targets=tables["targets"],
        benchmarks=tables["benchmarks"],
    ).set_index("indicator_id")


def test_store_validates_as_duckdb_and_as_a_folder(built, source, tmp_path):
    assert set(source.tables()) == set(built.tables)
    assert len(source.case_studies()) == 6
    folder = pmkit.open_source(write_folder(built.tables, tmp_path / "demo", built.case_studies))
    for name, frame in folder.tables().items():
        assert len(frame) == len(source.tables()[name]), name
    assert folder.case_studies()["title"].tolist() == source.case_studies()["title"].tolist()
    assert source.latest_period().label == "Sep 2025"
    assert report_period(source, None).label == "2025/26 Q2"  # every monthly and quarterly indicator has Q2's figure


def test_same_seed_gives_the_same_council(built):
    again = demo.build_demo()
    for name, frame in built.tables.items():
        pd.testing.assert_frame_equal(frame, again.tables[name], obj=name)
    assert again.case_studies == built.case_studies
    other = demo.build_demo(seed=7)
    assert not np.allclose(other.tables["measures"]["value"], built.tables["measures"]["value"], equal_nan=True)


def test_register_covers_six_directorates_and_every_kind_of_indicator(tables):
    ind = tables["indicators"]
    assert len(ind) >= 60
    assert set(ind["directorate"]) == DIRECTORATES
    assert ind.groupby("directorate").size().between(10, 12).all()
    assert ind["indicator_id"].str.fullmatch(r"(ASC|CS|HOU|PL|COM|RES)-\d\d").all()
    assert set(ind["frequency"]) == {"monthly", "quarterly", "annual"}
    assert ind["frequency"].value_counts().min() >= 10
    assert set(ind["polarity"]) == {"higher_is_better", "lower_is_better", "neutral"}
    assert {"percent", "count", "days", "gbp", "rate", "score"} <= set(ind["unit"])
    assert 4 <= ind["priority"].nunique() <= 5
    assert 0.4 <= (ind["benchmark_metric"] != "").mean() <= 0.6
    assert 1 <= (~ind["public"]).sum() < len(ind) / 5
    assert ind["seasonal"].sum() >= 5 and ind["cumulative"].sum() >= 2
    assert (ind["tolerance_type"] == "absolute").sum() >= 3
    assert (ind["definition"] != "").all() and (ind["owner"] != "").all() and (ind["data_source"] != "").all()


def test_measures_run_from_april_2020_to_the_latest_quarter(tables):
    m = tables["measures"].merge(tables["indicators"][["indicator_id", "frequency"]], on="indicator_id")
    m["start"] = periods.parse_column(m["period"])["start"]
    span = m.groupby("frequency")["start"].agg(["min", "max"])
    labels = {f: (periods.label_of(row["min"], f), periods.label_of(row["max"], f)) for f, row in span.iterrows()}
    assert labels == {
        "monthly": ("Apr 2020", "Sep 2025"),
        "quarterly": ("2020/21 Q1", "2025/26 Q2"),
        "annual": ("2020/21", "2024/25"),
    }


def test_one_latest_return_is_missing_and_some_are_provisional(tables, latest_status):
    assert latest_status.index[latest_status["rag"] == "no_data"].tolist() == ["ASC-09"]
    m = tables["measures"]
    latest = m.groupby("indicator_id").tail(2)
    assert (latest["quality"] == "provisional").sum() >= 4
    assert set(m["quality"]) == {"final", "provisional", "estimated"}
    assert m.loc[m["quality"] != "final", "period"].isin(["Aug 2025", "Sep 2025", "2025/26 Q2"]).all()


def test_percentages_carry_their_numerators_and_denominators(tables):
    m = tables["measures"].dropna(subset=["denominator", "value"])
    assert len(m) > 500
    np.testing.assert_allclose(m["value"], (100 * m["numerator"] / m["denominator"]).round(1))


def test_targets_change_by_year_with_exact_periods_and_some_indicators_without(tables):
    t = tables["targets"]
    kind = periods.parse_column(t["period"])["frequency"]
    yearly = t[kind == "annual"]
    assert yearly.groupby("indicator_id")["period"].nunique().min() == 6
    assert yearly.groupby("indicator_id")["target"].nunique().max() > 1
    assert (kind != "annual").sum() >= 10
    assert 3 <= (~tables["indicators"]["indicator_id"].isin(t["indicator_id"])).sum() <= 8


def test_benchmarks_have_fifteen_neighbours_and_england(tables):
    b = tables["benchmarks"]
    nn = b[b["group"] == "nearest_neighbours"]
    assert nn["authority_code"].nunique() == 15 and nn["authority_name"].nunique() == 15
    assert set(b.loc[b["group"] == "england", "authority_code"]) == {"E92000001"}
    assert set(b["metric"]) == set(tables["indicators"]["benchmark_metric"]) - {""}
    assert nn.groupby(["metric", "period"]).size().max() == 15


def test_latest_quarter_has_a_realistic_mix_of_status(latest_status):
    counts = latest_status["rag"].value_counts()
    assert counts["green"] >= 20 and counts["amber"] >= 8 and counts["red"] >= 8
    assert (latest_status["dot"] == "declining").sum() >= 5
    green_bottom = latest_status.index[latest_status["exceptions"].map(lambda e: "green_bottom_quartile" in e)]
    assert {"PL-01", "HOU-11"} <= set(green_bottom)
    assert latest_status.loc[latest_status["exceptions"].map(lambda e: "provisional_data" in e)].shape[0] >= 3


def test_reds_ambers_and_green_bottom_quartile_have_commentary_for_both_audiences(tables, latest_status):
    c = tables["commentary"]
    c = c[c["indicator_id"] != ""]  # an indicator's commentary, not a directorate's overview or the foreword
    green_bottom = latest_status["exceptions"].map(lambda codes: "green_bottom_quartile" in codes)
    flagged = latest_status[latest_status["rag"].isin(["red", "amber"]) | green_bottom]
    keys = set(zip(flagged.index, flagged["period"]))
    internal = set(zip(*c.loc[c["audience"] == "internal", ["indicator_id", "period"]].to_numpy().T))
    assert keys <= internal
    public_ids = set(tables["indicators"].loc[tables["indicators"]["public"], "indicator_id"])
    public = c[c["audience"] == "public"]
    assert set(public["indicator_id"]) <= public_ids and len(public) > 20
    assert c["text"].str.len().min() > 40 and (c["actions"] != "").all()


def test_two_directorates_have_an_overview_and_the_year_a_foreword_for_both_audiences(tables):
    c = tables["commentary"]
    words = c[c["indicator_id"] == ""]
    overviews = words[words["directorate"] != ""]
    assert set(zip(overviews["directorate"], overviews["period"], overviews["audience"])) == {
        (d, "2025/26 Q2", a) for d in ("Housing", "Adults' Social Care") for a in ("internal", "public")
    }
    foreword = words[words["directorate"] == ""]
    assert sorted(zip(foreword["period"], foreword["audience"])) == [("2024/25", "internal"), ("2024/25", "public")]
    assert words["text"].str.len().min() > 100


def test_feedback_volume_mix_and_awkward_text(tables):
    f = tables["feedback"]
    assert len(f) >= 3000
    assert set(f["directorate"]) == DIRECTORATES
    assert set(f["channel"]) == {"complaint", "compliment", "survey", "comment"}
    assert f["service"].nunique() >= 20 and f["ward"].nunique() >= 15
    assert f["date"].min() >= pd.Timestamp("2023-04-01") and f["date"].max() <= pd.Timestamp("2025-09-30")
    assert f["rating"].notna().eq(f["channel"] == "survey").all()
    assert set(f["rating"].dropna()) == {1, 2, 3, 4, 5}
    assert f["text"].nunique() > 0.6 * len(f)
    personal = f["text"].str.contains(PERSONAL).mean()
    assert 0.025 <= personal <= 0.04
    assert f["text"].str.contains("<script>alert(1)</script>", regex=False).sum() == 1
    assert f["text"].str.contains("<").sum() >= 5


def test_six_case_studies_one_per_directorate(source):
    cs = source.case_studies()
    assert len(cs) == 6
    assert set(cs["directorate"]) == DIRECTORATES
    assert set(cs["public"]) == {True, False}
    assert (cs["priority"] != "").all() and (cs["period"] != "").all()
    assert cs["body"].str.count(r"\n\n").min() >= 3


def test_every_action_has_a_quarterly_history_ending_where_its_row_stands_now(tables):
    from pmkit.judge.actions import as_at

    actions, updates = tables["actions"], tables["action_updates"]
    assert set(updates["action_id"]) == set(actions["action_id"])
    last = updates.groupby("action_id").tail(1).set_index("action_id").sort_index()
    now = actions.set_index("action_id").sort_index()
    pd.testing.assert_frame_equal(
        last[["status", "percent_complete", "update"]], now[["status", "percent_complete", "update"]]
    )
    # Open a family hub (ACT-09): on track through 2024/25, complete in its last quarter, not updated after.
    hubs = updates[updates["action_id"] == "ACT-09"]
    assert list(hubs["period"]) == ["2024/25 Q1", "2024/25 Q2", "2024/25 Q3", "2024/25 Q4"]
    assert list(hubs["status"]) == ["on_track", "on_track", "on_track", "complete"]
    # Online accounts (ACT-32): due in 2024/25 Q4, at risk at the year's end, launched in May 2025.
    year_end = as_at(actions, updates, "2024/25").set_index("action_id")
    assert year_end.loc["ACT-32", ["status", "completed_later"]].tolist() == ["at_risk", "2025/26 Q1"]
    # Repairs (ACT-18) slipped in 2024/25 Q3 and is still off track: the planted slipping action.
    assert year_end.loc["ACT-18", "status"] == "off_track" and now.loc["ACT-18", "status"] == "off_track"
