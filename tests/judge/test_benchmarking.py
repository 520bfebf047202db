"""Benchmarking judgements on a small real source: the groups a project ranks in and draws as the national
line, the national figure's name, the rank trajectory's shape, and what `pmkit validate` warns about
the benchmarks (a comparator group missing or too small, the council's own row disagreeing with its
figure). Expected sentences are worked out by hand from the CSV files below."""

import numpy as np
import pandas as pd
import pytest

from pmkit.errors import Problem
from pmkit.io.sources import FolderSource
from pmkit.judge.benchmarking import (
    COLUMNS,
    benchmark_groups,
    benchmark_warnings,
    councils_a_period,
    national_figures,
    trajectory,
)

INDICATORS = """indicator_id,title,directorate,service,priority,owner,unit,polarity,frequency,decimals,benchmark_metric
REP,Repairs completed on time,Housing,Repairs,Homes,Head of Repairs,percent,higher_is_better,monthly,1,rep
RELET,Days to re-let a home,Housing,Lettings,Homes,Head of Lettings,days,lower_is_better,quarterly,,relet
"""
MEASURES = """indicator_id,period,value,quality
REP,Aug 2025,87.0,final
REP,Sep 2025,90.0,final
RELET,2025/26 Q2,30.0,final
"""
# Line 1 is the header: the own row for repairs in Aug 2025 (87.2, measures 87.0) is line 7.
BENCHMARKS = """metric,authority_code,authority_name,period,value,group
rep,X1,Abbeyford,Sep 2025,95,nearest_neighbours
rep,X2,Brookley,Sep 2025,92,nearest_neighbours
rep,X3,Castlemere,Sep 2025,85,nearest_neighbours
rep,X4,Dunholm,Sep 2025,80,nearest_neighbours
rep,E07000999,Ashworth,Sep 2025,90.04,nearest_neighbours
rep,E07000999,Ashworth,Aug 2025,87.2,nearest_neighbours
relet,X1,Abbeyford,2025/26 Q2,25,nearest_neighbours
relet,X2,Brookley,2025/26 Q2,28,nearest_neighbours
relet,X3,Castlemere,2025/26 Q2,33,nearest_neighbours
relet,X4,Dunholm,2025/26 Q2,35,nearest_neighbours
relet,E07000999,Ashworth,2025/26 Q2,30.04,nearest_neighbours
rep,E92000001,England,Sep 2025,88,england
relet,E92000001,England,2025/26 Q2,31,england
rep,X1,Abbeyford,Sep 2025,95,pair
rep,X2,Brookley,Sep 2025,92,pair
"""
ASHWORTH = {"council": "Ashworth Borough Council", "comparator_group": "nearest_neighbours"}


@pytest.fixture
def source(tmp_path):
    for name, text in (("indicators", INDICATORS), ("measures", MEASURES), ("benchmarks", BENCHMARKS)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    return FolderSource(str(tmp_path))


def test_the_councils_own_row_that_disagrees_at_the_indicators_decimals_is_the_one_warning(source):
    # Repairs, Sep 2025: 90.04 against 90.0 is 90.0 at 1 decimal: the same. Re-lets: no decimals in the
    # register, so 1 decimal: 30.04 against 30.0, the same. Repairs, Aug 2025: 87.2 against 87.0 differ.
    assert benchmark_warnings(source, ASHWORTH) == [
        Problem(
            "benchmarks.csv",
            7,
            "value",
            "the council's own row (Ashworth, E07000999) gives 87.2 for rep in Aug 2025, but measures.csv:2 "
            "gives 87.0 for REP; the reports use 87.0, from measures",
        )
    ]


def test_a_council_without_own_rows_gets_no_disagreement(source):
    assert benchmark_warnings(source, {**ASHWORTH, "council": "Somewhere Else Council"}) == []


def test_a_comparator_group_missing_from_the_benchmarks_is_a_warning_naming_what_init_would_choose(source):
    problem, disagreement = benchmark_warnings(source, {**ASHWORTH, "comparator_group": "cipfa"})
    assert disagreement.column == "value"
    assert (problem.file, problem.row, problem.column) == ("params/defaults.yaml", None, "comparator_group")
    assert problem.message == (
        "'cipfa' is not a group in the benchmarks (groups found: england, pair, nearest_neighbours), so nothing "
        "is ranked; pmkit init would choose: ranked in pair (2 councils a period, the smallest group of several "
        "councils); national line england (one figure a period)"
    )


def test_a_comparator_group_of_fewer_than_three_peers_is_a_warning_listing_the_groups(source):
    warnings = benchmark_warnings(source, {**ASHWORTH, "comparator_group": "pair"})
    assert warnings[0] == Problem(
        "params/defaults.yaml",
        None,
        "comparator_group",
        "'pair' has at most 2 councils a period besides this council, fewer than 3 peers, so a rank among them "
        "says little; the groups in the benchmarks: england (one figure a period), nearest_neighbours "
        "(4 councils a period), pair (2 councils a period)",
    )
    assert len(warnings) == 2  # and the own row's disagreement


def test_without_a_comparator_group_set_the_one_init_would_choose_is_checked(source):
    # The smallest group of several councils is the pair: too few peers, so warned about.
    warnings = benchmark_warnings(source, {"council": "Ashworth Borough Council"})
    assert [p.column for p in warnings] == ["comparator_group", "value"]
    assert warnings[0].message.startswith("'pair' has at most 2 councils a period")


def test_groups_rank_in_the_smallest_of_several_and_draw_the_group_of_one_as_the_national_line(source):
    peers = source.benchmarks()
    peers = peers[peers["authority_code"] != "E07000999"]
    groups = benchmark_groups(peers)
    assert (groups.comparator, groups.national) == ("pair", "england")
    assert groups.found == ("england", "pair", "nearest_neighbours")
    only_neighbours = benchmark_groups(peers[peers["group"] == "nearest_neighbours"])
    assert (only_neighbours.comparator, only_neighbours.national) == ("nearest_neighbours", "")
    assert only_neighbours.why == (
        "ranked in nearest_neighbours (4 councils a period, the smallest group of several councils); "
        "no national line (no other group)"
    )


@pytest.mark.parametrize(
    ("size", "said"), [(1, "one figure a period"), (15, "15 councils a period"), (7.5, "7.5 councils a period")]
)
def test_councils_a_period(size, said):
    assert councils_a_period(size) == said


def test_a_national_figure_is_named_by_its_row_or_as_the_median_of_a_group_of_several():
    one = pd.DataFrame(
        {"metric": ["m"], "period": ["2024/25"], "group": ["england"], "authority_code": ["E92000001"], "value": [4.0]}
    )
    # No authority names in the download: the one row is named by its code.
    assert national_figures(one, "england").loc[("m", "2024/25"), "name"] == "E92000001"
    several = pd.DataFrame(
        {
            "metric": ["m"] * 3,
            "period": ["2024/25"] * 3,
            "group": ["northern_ireland"] * 3,
            "authority_name": ["Antrim", "Derry", "Newry"],
            "value": [3.0, 9.0, 4.0],
        }
    )
    named = national_figures(several, "northern_ireland").loc[("m", "2024/25")]
    assert (named["name"], named["value"]) == ("Northern ireland: median of 3 councils", 4.0)
    assert national_figures(several, None).empty


def test_a_trajectory_without_peers_in_the_group_is_an_empty_table_with_its_columns(source):
    bench = source.benchmarks()
    empty = trajectory("rep", "higher_is_better", pd.Series({"Sep 2025": 90.0}), bench, "cipfa")
    assert empty.empty and list(empty.columns) == COLUMNS


def test_a_period_without_the_councils_figure_has_no_rank_and_a_missing_figure(source):
    bench = source.benchmarks()
    frame = trajectory(
        "rep", "higher_is_better", pd.Series(dtype="float64"), bench, "nearest_neighbours", own_authority={"E07000999"}
    )
    row = frame.iloc[0]
    assert frame["own"].dtype == np.float64 and np.isnan(row["own"])
    assert pd.isna(row["rank"]) and pd.isna(row["quartile"])
    assert (row["median"], row["councils"], row["national"]) == (88.5, 5, 88.0)  # median of 95, 92, 85, 80
