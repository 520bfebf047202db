"""Benchmark rank, quartile, peers and peer median in the comparator group for the same period."""

import math

import pytest
from status_rules import indicator

IND = [indicator("A", benchmark_metric="m")]


def peers(values, group="nearest_neighbours", period="2025/26 Q2"):
    return [("m", f"P{i}", period, v, group) for i, v in enumerate(values)]


def test_rank_and_quartile_higher_is_better(judge):
    st = judge(IND, [("A", "2025/26 Q2", 50.0)], benchmarks=peers([90, 80, 70, 40, 30, 20, 10]))
    assert st.loc["A", "rank"] == 4
    assert st.loc["A", "n_peers"] == 7
    assert st.loc["A", "quartile"] == 2  # ceil(4*4/8)
    assert st.loc["A", "peer_median"] == 40.0


def test_lower_is_better_ranks_low_values_first(judge):
    ind = [indicator("A", benchmark_metric="m", polarity="lower_is_better")]
    st = judge(ind, [("A", "2025/26 Q2", 50.0)], benchmarks=peers([90, 80, 70, 40, 30, 20, 10]))
    assert st.loc["A", "rank"] == 5
    assert st.loc["A", "quartile"] == 3  # ceil(20/8)


def test_ties_share_the_better_rank(judge):
    st = judge(IND, [("A", "2025/26 Q2", 50.0)], benchmarks=peers([60, 50, 50, 10]))
    assert st.loc["A", "rank"] == 2


def test_worst_is_bottom_quartile(judge):
    st = judge(IND, [("A", "2025/26 Q2", 5.0)], benchmarks=peers([60, 50, 40]))
    assert (st.loc["A", "rank"], st.loc["A", "quartile"]) == (4, 4)


def test_only_rows_with_value_same_group_and_period_are_peers(judge):
    rows = peers([60, None, 40]) + peers([1, 2], group="england") + peers([99], period="2025/26 Q1")
    st = judge(IND, [("A", "2025/26 Q2", 50.0)], benchmarks=rows)
    assert st.loc["A", "n_peers"] == 2
    assert st.loc["A", "peer_median"] == 50.0


def test_other_comparator_group(judge):
    rows = peers([60, 40]) + peers([1, 2, 3], group="england")
    st = judge(IND, [("A", "2025/26 Q2", 50.0)], benchmarks=rows, comparator_group="england")
    assert (st.loc["A", "rank"], st.loc["A", "n_peers"]) == (1, 3)


def test_no_benchmark_leaves_position_empty(judge):
    st = judge([indicator("A")], [("A", "2025/26 Q2", 50.0)], benchmarks=peers([60]))
    assert st.loc["A", "rank"] is None or str(st.loc["A", "rank"]) == "<NA>"
    assert math.isnan(st.loc["A", "peer_median"])


@pytest.mark.parametrize("frequency,period", [("annual", "2024/25")])
def test_annual_indicator_benchmarked_on_its_own_period(judge, frequency, period):
    ind = [indicator("A", benchmark_metric="m", frequency=frequency)]
    st = judge(ind, [("A", period, 50.0)], benchmarks=peers([60, 40], period=period))
    assert st.loc["A", "rank"] == 2


def test_peers_of_two_metrics_and_unreadable_periods_are_kept_apart(judge):
    # Metric "a" has one period (2025/26 Q2); a row of metric "m" with an unreadable period must not be
    # taken for it, nor for "m"'s own quarter. Peers of A (metric m): 60, 40 and 30 -> median 40, A ranks 2nd.
    ind = [indicator("A", benchmark_metric="m"), indicator("B", benchmark_metric="a")]
    rows = peers([60, 40, 30]) + [("a", "P9", "2025/26 Q2", 7.0, "nearest_neighbours")]
    rows += [
        ("m", "P8", "not a period", 99.0, "nearest_neighbours"),
        ("a", "P7", "nonsense", 1.0, "nearest_neighbours"),
    ]
    st = judge(ind, [("A", "2025/26 Q2", 50.0), ("B", "2025/26 Q2", 5.0)], benchmarks=rows)
    assert (st.loc["A", "n_peers"], st.loc["A", "peer_median"], st.loc["A", "rank"]) == (3, 40.0, 2)
    assert (st.loc["B", "n_peers"], st.loc["B", "peer_median"], st.loc["B", "rank"]) == (1, 7.0, 2)


def test_even_number_of_peers_takes_the_mean_of_the_middle_two(judge):
    st = judge(IND, [("A", "2025/26 Q2", 50.0)], benchmarks=peers([10.0, 40.0, 90.0, 20.0]))
    assert st.loc["A", "peer_median"] == 30.0  # (20 + 40) / 2
    assert (st.loc["A", "rank"], st.loc["A", "quartile"]) == (2, 2)  # ceil(4*2/5)
