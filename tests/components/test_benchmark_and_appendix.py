"""Benchmark charts (alt text, ranks with ties, national figure) and the appendix table."""

from component_helpers import peers, reading, register_row, soup, status_row, text

from pmkit.components.appendix import appendix_table
from pmkit.components.benchmark_chart import benchmark_section


def ranked():
    # This council 87.0% against five peers; C ties with it. Best first: A 95, B 93, C 87 = us 87, D 80, E 75.
    # Two peers are better, so this council ranks 3rd of 6 (ties share the better rank): quartile ceil(4*3/6) = 2.
    group = peers({"A": 95.0, "B": 93.0, "C": 87.0, "D": 80.0, "E": 75.0}, own=87.0, national=88.4)
    row = status_row(quartile=2, rank=3, n_peers=5, peer_median=87.0)
    return reading(row, peer_group=group)


def test_chart_alt_text_states_rank_median_best_worst_and_national(internal, public):
    section = soup(benchmark_section([ranked()], "Thornbury Vale", internal))
    img = section.select_one("img.benchmark-chart")
    assert img["src"].startswith("data:image/png;base64,")
    assert img["alt"] == (
        "Repairs completed on time, Sep 2025: bar chart of Thornbury Vale and 5 nearest neighbours, best first. "
        "Thornbury Vale: 87.0%, ranked 3 of 6 (2nd quartile). Peer median 87.0%; best A 95.0%; lowest ranked E 75.0%. "
        "England: 88.4%."
    )
    plain = soup(benchmark_section([ranked()], "Thornbury Vale", public)).select_one("img.benchmark-chart")["alt"]
    assert "quartile" not in plain and "similar councils" in plain and "Middle figure 87.0%" in plain


def test_data_table_ranks_ties_together_and_marks_this_council(internal):
    rows = [
        [text(c) for c in tr.select("th, td")]
        for tr in soup(benchmark_section([ranked()], "Thornbury Vale", internal)).select("tbody tr")
    ]
    assert rows == [
        ["1", "A", "95.0%", "1st"],
        ["2", "B", "93.0%", "2nd"],
        ["3", "Thornbury Vale (this council)", "87.0%", "2nd"],
        ["3", "C", "87.0%", "2nd"],
        ["5", "D", "80.0%", "4th"],
        ["6", "E", "75.0%", "4th"],
        ["", "England", "88.4%", ""],
    ]


def test_indicators_without_peers_get_no_chart(internal):
    assert soup(benchmark_section([reading()], "Thornbury Vale", internal)).select("section.benchmark") == []


def test_appendix_has_a_row_per_indicator_with_its_figures(internal, public):
    table = soup(
        appendix_table(
            [
                ranked(),
                reading(
                    status_row(
                        indicator_id="X", title="No target yet", target=float("nan"), rag="no_target", exceptions=[]
                    ),
                    register_row(indicator_id="X"),
                ),
            ],
            internal,
        )
    )
    rows = [[text(c) for c in tr.select("th, td")] for tr in table.select("tbody tr")]
    assert rows[0] == [
        "REP-01",
        "Repairs completed on time",
        "Sep 2025",
        "87.0%",
        "92.0%",
        "\u2716 Off target",
        "Declining since previous month",
        "2nd quartile, rank 3 of 6",
        "Off target",
        "Head of Repairs",
    ]
    assert rows[1][4] == "No target" and rows[1][1] == "No target yet"
    assert table.select_one("tbody th a")["href"] == "#kpi-REP-01"
    plain = [
        [text(c) for c in tr.select("th, td")] for tr in soup(appendix_table([ranked()], public)).select("tbody tr")
    ]
    assert plain[0] == [
        "Repairs completed on time",
        "Sep 2025",
        "87.0%",
        "92.0%",
        "\u2716 Off target",
        "Worse than last month",
        "In the middle of similar councils",
        "Missed its target",
    ]


def test_benchmark_sentences_keep_the_registers_decimals(internal):
    group = peers({"A": 95.0, "B": 93.0, "C": 87.0, "D": 80.0, "E": 75.0}, own=87.0, national=88.4)
    r = reading(status_row(quartile=2, rank=3, n_peers=5, peer_median=87.0), register_row(decimals=2), peer_group=group)
    section = soup(benchmark_section([r], "Thornbury Vale", internal))
    assert "peer median 87.00%" in text(section.select_one("p"))
    assert "Thornbury Vale: 87.00%, ranked 3 of 6" in section.select_one("img.benchmark-chart")["alt"]


def test_appendix_keeps_decimals_compares_a_seasonal_figure_with_last_year_and_names_the_period(internal, public):
    # Two decimals in the register; seasonal, so the direction compares Sep 2025 (87.0%) with Sep 2024 (85.0%).
    r = reading(
        status_row(dot="improving", exceptions=["declining_twice"]),
        register_row(decimals=2, seasonal=True),
    )
    row = [text(c) for c in soup(appendix_table([r], internal)).select("tbody tr th, tbody tr td")]
    assert row[3:7] == ["87.00%", "92.00%", "\u2716 Off target", "Improving since same period last year"]
    plain = [text(c) for c in soup(appendix_table([r], public)).select("tbody tr th, tbody tr td")]
    assert plain[5:] == ["Better than the same month last year", "", "Worse two months running"]


def test_the_benchmark_tables_columns_are_named_for_each_audience(internal, public):
    inside = soup(benchmark_section([ranked()], "Thornbury Vale", internal))
    assert [text(th) for th in inside.select("table thead th")] == ["Rank", "Council", "Value", "Quartile"]
    outside = soup(benchmark_section([ranked()], "Thornbury Vale", public))
    assert [text(th) for th in outside.select("table thead th")] == [
        "Rank",
        "Council",
        "Figure",
        "Among similar councils",
    ]
