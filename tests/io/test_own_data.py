"""A council's own data, handled: retired indicators and the default period, comparator and
national groups at init, the council's own row in its benchmarks, typos in names, periods keyed by
their last day, directorates by name or slug, commands quoted for a shell, and commentary imported
into a workbook source.

Every source here is typed by hand in the test: a folder of CSVs (or a workbook) in a tmp folder.
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from pmkit.components import page

REGISTER = [
    "indicator_id",
    "title",
    "directorate",
    "service",
    "priority",
    "unit",
    "polarity",
    "frequency",
    "decimals",
    "benchmark_metric",
    "public",
    "retired",
]


def write_csv(path: Path, header: list[str], rows: list[list[object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as file:
        writer = csv.writer(file)
        writer.writerow(header)
        writer.writerows(rows)


def project(root: Path, settings: dict | None = None) -> Path:
    """A project folder whose source is ``root/data`` (the tables written by the test)."""
    (root / "params").mkdir(parents=True, exist_ok=True)
    (root / "params" / "defaults.yaml").write_text(
        yaml.safe_dump({"council": "Ashworth Borough Council", "source": "data", **(settings or {})}), encoding="utf-8"
    )
    return root


def captured(monkeypatch) -> list:
    """Every section a report shows, as (heading, html) pairs."""
    shown: list = []
    monkeypatch.setattr(page, "show_sections", lambda sections, engine="nbconvert": shown.extend(sections))
    return shown


def html_of(shown: list) -> str:
    return "\n".join(body for _, body in shown)


# --- a. retired indicators and the default period -----------------------------------------------

YEARS = [f"{y}/{(y + 1) % 100:02d}" for y in range(2017, 2025)]  # 2017/18 .. 2024/25


@pytest.fixture
def retiring(tmp_path):
    """Three indicators of an old plan (figures 2017/18 to 2019/20 only), one marked retired though
    it still has figures, and two current ones (2019/20 to 2024/25). In 2019/20 all six have a
    figure; in 2024/25 only three do (two current and the one marked retired), not most of six."""
    data = tmp_path / "data"
    rows = [
        [
            "OLD-01",
            "Visits to the old leisure centre",
            "Communities",
            "Leisure",
            "Old plan",
            "count",
            "higher_is_better",
            "annual",
            0,
            "",
            "yes",
            "",
        ],
        [
            "OLD-02",
            "Old plan pledges met",
            "Communities",
            "Leisure",
            "Old plan",
            "percent",
            "higher_is_better",
            "annual",
            1,
            "",
            "yes",
            "",
        ],
        [
            "OLD-03",
            "Old plan complaints",
            "Communities",
            "Leisure",
            "Old plan",
            "count",
            "lower_is_better",
            "annual",
            0,
            "",
            "yes",
            "",
        ],
        [
            "RET-01",
            "Paper forms processed",
            "Resources",
            "Revenues",
            "Good council",
            "count",
            "lower_is_better",
            "annual",
            0,
            "",
            "yes",
            "true",
        ],
        [
            "CUR-01",
            "Council tax collected",
            "Resources",
            "Revenues",
            "Good council",
            "percent",
            "higher_is_better",
            "annual",
            1,
            "",
            "yes",
            "",
        ],
        [
            "CUR-02",
            "Households in temporary accommodation",
            "Resources",
            "Housing Options",
            "Good council",
            "count",
            "lower_is_better",
            "annual",
            0,
            "",
            "yes",
            "",
        ],
    ]
    write_csv(data / "indicators.csv", REGISTER, rows)
    measures = []
    for i, year in enumerate(YEARS):
        if year <= "2019/20":
            measures += [["OLD-01", year, 1000 + i], ["OLD-02", year, 60 + i], ["OLD-03", year, 40 - i]]
        if year >= "2019/20":
            measures += [["RET-01", year, 500 - i], ["CUR-01", year, 94 + i / 10], ["CUR-02", year, 300 + i]]
    write_csv(data / "measures.csv", ["indicator_id", "period", "value"], measures)
    write_csv(
        data / "targets.csv",
        ["indicator_id", "period", "target"],
        [["CUR-01", "2024/25", 95], ["CUR-02", "2024/25", 250]],
    )
    return project(tmp_path, {"reporting": "annual"})


def test_retired_indicators_do_not_choose_the_default_year(retiring):
    from pmkit.io.settings import complete_year, report_period, retired_reasons
    from pmkit.io.sources import open_source

    src = open_source(retiring / "data")
    assert retired_reasons(src.indicators(), src.measures()) == {
        "RET-01": "marked retired in the register",
        "OLD-01": "no figure since 2019/20",
        "OLD-02": "no figure since 2019/20",
        "OLD-03": "no figure since 2019/20",
    }
    assert report_period(src, None, "annual").label == "2024/25"
    assert complete_year(src, None).label == "2024/25"


def test_the_annual_plan_and_page_leave_retired_indicators_out_and_say_so(retiring, monkeypatch):
    from pmkit.io.settings import load_settings
    from pmkit.io.sources import open_source
    from pmkit.reports import KINDS
    from pmkit.reports.annual import AnnualReport

    monkeypatch.chdir(retiring)
    plan = KINDS.get("annual").plan(open_source(retiring / "data"), load_settings(None, retiring), retiring)
    said = (
        "4 indicators the council no longer reports are left out: 1 marked retired in the register "
        "and 3 with no figure in the two years to 2024/25."
    )
    assert plan.period.label == "2024/25" and plan.notes == (said,)
    shown = captured(monkeypatch)
    report = AnnualReport()
    assert report.year.label == "2024/25"
    assert [r.indicator_id for r in report.readings] == ["CUR-01", "CUR-02"]
    report.method_note()
    assert f"<li>{said}</li>" in html_of(shown)


def test_a_quarterly_run_leaves_a_directorate_of_retired_indicators_out(retiring):
    from pmkit.io.settings import load_settings
    from pmkit.io.sources import open_source
    from pmkit.reports import KINDS

    plan = KINDS.get("quarterly").plan(open_source(retiring / "data"), load_settings(None, retiring), retiring)
    assert plan.period.label == "2024/25"
    assert [j.parameters["directorate"] for j in plan.jobs] == ["Resources"]
    assert "Communities: every indicator of it is no longer reported, so it has no report" in plan.notes


def test_a_deep_dive_on_a_retired_indicator_still_works_and_says_it_is_retired(retiring, monkeypatch):
    from pmkit.io.settings import load_settings
    from pmkit.io.sources import open_source
    from pmkit.reports import KINDS
    from pmkit.reports.deep_dive import DeepDiveReport

    monkeypatch.chdir(retiring)
    plan = KINDS.get("deep-dive").plan(
        open_source(retiring / "data"), load_settings(None, retiring), retiring, indicator="OLD-01"
    )
    assert plan.period.label == "2019/20"
    shown = captured(monkeypatch)
    report = DeepDiveReport(indicator="OLD-01")
    report.header()
    assert report.period.label == "2019/20" and report.readings[0].row["value"] == 1002
    assert "Visits to the old leisure centre is no longer reported (no figure since 2019/20)." in html_of(shown)


def test_a_new_indicator_without_figures_is_not_retired(retiring):
    from pmkit.io.settings import retired_reasons
    from pmkit.io.sources import open_source

    with (retiring / "data" / "indicators.csv").open("a", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(
            ["NEW-01", "New measure", "Resources", "", "", "count", "higher_is_better", "annual", 0, "", "yes", ""]
        )
    src = open_source(retiring / "data")
    assert "NEW-01" not in retired_reasons(src.indicators(), src.measures())


# --- b. comparator and national groups at init; c. the council's own row in its benchmarks -----

OWN_CODE = "E07000999"


def council_workbook(path: Path, neighbours: int = 15) -> Path:
    """A council's own workbook, a sheet per table, as an officer would type it: two annual
    indicators with benchmark metrics; benchmarks as an LG Inform download has them (CIPFA
    nearest neighbours including the council's own row, Ashworth) and an England row a period.

    2024/25, repairs (higher is better): Ashworth 92.0; neighbours 80, 81 ... 94. Relets (days,
    lower is better): no figure in measures; Ashworth's own row says 28; neighbours 20, 21 ... 34.
    2023/24: Ashworth's own row gives repairs 90.5 where measures has 90.0."""
    from openpyxl import Workbook

    book = Workbook()
    sheets = {
        "indicators": [
            [
                "indicator_id",
                "title",
                "directorate",
                "service",
                "priority",
                "unit",
                "polarity",
                "frequency",
                "decimals",
                "benchmark_metric",
                "public",
            ],
            [
                "REP-01",
                "Repairs completed on time",
                "Housing",
                "Repairs",
                "Homes",
                "percent",
                "higher_is_better",
                "annual",
                1,
                "rep",
                "yes",
            ],
            [
                "REL-01",
                "Days to relet an empty home",
                "Housing",
                "Lettings",
                "Homes",
                "days",
                "lower_is_better",
                "annual",
                0,
                "relet",
                "yes",
            ],
        ],
        "measures": [
            ["indicator_id", "period", "value"],
            ["REP-01", "2023/24", 90.0],
            ["REP-01", "2024/25", 92.0],
            ["REL-01", "2023/24", 30],
        ],
        "targets": [["indicator_id", "period", "target"], ["REP-01", "2024/25", 90], ["REL-01", "2024/25", 25]],
    }
    bench = [["metric", "authority_code", "authority_name", "period", "value", "group"]]
    for period, rep_own in (("2023/24", 90.5), ("2024/25", 92.0)):
        for i in range(neighbours):
            bench.append(["rep", f"E0700{i:04d}", f"Neighbour {i + 1}", period, 80 + i, "nearest_neighbours"])
            bench.append(["relet", f"E0700{i:04d}", f"Neighbour {i + 1}", period, 20 + i, "nearest_neighbours"])
        bench.append(["rep", OWN_CODE, "Ashworth", period, rep_own, "nearest_neighbours"])
        bench.append(["relet", OWN_CODE, "Ashworth", period, 28 if period == "2024/25" else 30, "nearest_neighbours"])
        bench.append(["rep", "E92000001", "England", period, 91.0, "england"])
        bench.append(["relet", "E92000001", "England", period, 26, "england"])
    sheets["benchmarks"] = bench
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def test_init_ranks_among_the_neighbours_and_draws_england_as_the_national_line(tmp_path, capsys):
    from pmkit.cli import main

    source = council_workbook(tmp_path / "returns" / "ashworth.xlsx")
    assert (
        main(["init", str(tmp_path / "ashworth"), "--council", "Ashworth Borough Council", "--source", str(source)])
        == 0
    )
    out = capsys.readouterr().out
    assert (
        "benchmark groups: ranked in nearest_neighbours (15 councils a period, the smallest group of several "
        "councils); national line england (one figure a period)"
    ) in out
    settings = yaml.safe_load((tmp_path / "ashworth" / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    assert (settings["comparator_group"], settings["national_group"]) == ("nearest_neighbours", "england")


def test_benchmark_groups_tell_several_councils_from_one_figure_a_period():
    import pandas as pd

    from pmkit.judge.benchmarking import benchmark_groups

    rows = [("england", "E92000001", "m", p) for p in ("2023/24", "2024/25")]
    rows += [("nearest_neighbours", f"c{i}", "m", p) for i in range(15) for p in ("2023/24", "2024/25")]
    groups = benchmark_groups(pd.DataFrame(rows, columns=["group", "authority_code", "metric", "period"]))
    assert (groups.comparator, groups.national) == ("nearest_neighbours", "england")


def test_validate_warns_when_the_comparator_group_has_fewer_than_three_peers(tmp_path, capsys):
    from pmkit.cli import main

    council_workbook(tmp_path / "ashworth" / "data" / "ashworth.xlsx", neighbours=2)
    project(tmp_path / "ashworth", {"source": "data/ashworth.xlsx", "comparator_group": "nearest_neighbours"})
    assert main(["validate", "--project", str(tmp_path / "ashworth")]) == 0
    out = capsys.readouterr().err  # warnings go to standard error; the exit code stays 0
    assert (
        "warning: params/defaults.yaml::comparator_group: 'nearest_neighbours' has at most 2 councils a period "
        "besides this council, fewer than 3 peers"
    ) in out


def test_the_councils_own_row_is_its_figure_never_its_peer_and_a_disagreement_is_a_warning(
    tmp_path, monkeypatch, capsys
):
    from pmkit.cli import main
    from pmkit.reports.quarterly import DirectorateReport

    council_workbook(tmp_path / "ashworth" / "data" / "ashworth.xlsx")
    root = project(
        tmp_path / "ashworth",
        {
            "source": "data/ashworth.xlsx",
            "reporting": "annual",
            "comparator_group": "nearest_neighbours",
            "national_group": "england",
        },
    )
    assert main(["validate", "--project", str(root)]) == 0
    out = capsys.readouterr().err
    # the own row is the 31st row of 2023/24 (header, then 15 x 2 neighbours' rows, then its repairs row)
    assert (
        "warning: ashworth.xlsx[benchmarks]:32:value: the council's own row (Ashworth, E07000999) gives 90.5 for rep "
        "in 2023/24, but ashworth.xlsx[measures]:2 gives 90.0 for REP-01; the reports use 90.0, from measures"
    ) in out
    assert out.count("warning:") == 1

    monkeypatch.chdir(root)
    shown = captured(monkeypatch)
    report = DirectorateReport("Housing", "2024/25")
    report.tiles()
    tiles = html_of(shown)
    # Repairs 92.0 among 15 neighbours (80..94): 93 and 94 are better, so 3rd of 16; quartile ceil(4 x 3 / 16) = 1;
    # the peer median is the neighbours' middle figure, 87.0.
    assert "1st quartile of 16 (nearest neighbours and this council), ranked 3; peer median 87.0%" in tiles
    # Relets: no figure in measures, 28 days from the own row; 20..27 are better (lower), so 9th of 16, quartile 3.
    assert "3rd quartile of 16 (nearest neighbours and this council), ranked 9; peer median 27 days" in tiles
    relet = next(r for r in report.readings if r.indicator_id == "REL-01")
    assert relet.row["value"] == 28 and relet.peers.n_peers == 15


# --- d. typos in names ---------------------------------------------------------------------------


def typo_source(
    folder: Path,
    directorates: list[str],
    services: list[str] | None = None,
    action_directorates: list[str] = (),
    overview_directorate: str | None = None,
) -> Path:
    rows = [
        [
            f"IND-{i:02d}",
            f"Indicator {i}",
            d,
            (services or [""] * len(directorates))[i - 1],
            "Homes",
            "count",
            "higher_is_better",
            "annual",
            0,
            "",
            "yes",
            "",
        ]
        for i, d in enumerate(directorates, start=1)
    ]
    write_csv(folder / "indicators.csv", REGISTER, rows)
    write_csv(folder / "measures.csv", ["indicator_id", "period", "value"], [[r[0], "2024/25", 10] for r in rows])
    if action_directorates:
        write_csv(
            folder / "actions.csv",
            ["action_id", "title", "directorate", "due", "status"],
            [[f"CP-{i}", f"Action {i}", d, "2025/26", "on_track"] for i, d in enumerate(action_directorates, start=1)],
        )
    if overview_directorate:
        write_csv(
            folder / "commentary.csv",
            ["directorate", "period", "audience", "text"],
            [[overview_directorate, "2024/25", "internal", "A good year."]],
        )
    return folder


def problems_of(folder: Path) -> list[str]:
    from pmkit.errors import ValidationError
    from pmkit.io.sources import open_source

    with pytest.raises(ValidationError) as caught:
        open_source(folder).tables()
    return [str(p) for p in caught.value.problems]


def test_a_directorate_typed_with_a_typo_is_an_error_saying_what_was_meant(tmp_path):
    folder = typo_source(tmp_path, ["Housing & Communities"] * 3 + ["Housing & Communites"])
    assert problems_of(folder) == [
        "indicators.csv:5:directorate: 'Housing & Communites' differs from the directorate 'Housing & Communities' "
        "(used in 3 rows) by one character; did you mean 'Housing & Communities'?"
    ]


def test_names_differing_by_case_or_spaces_are_an_error_however_short(tmp_path):
    folder = typo_source(tmp_path, ["Place", "Place", "place ", "Adults", "Adults", "Adult"])
    assert problems_of(folder) == [
        "indicators.csv:4:directorate: 'place' differs from the directorate 'Place' (used in 2 rows) only by case or "
        "spaces; did you mean 'Place'?",
        "indicators.csv:7:directorate: 'Adult' differs from the directorate 'Adults' (used in 2 rows) by one "
        "character; did you mean 'Adults'?",
    ]


def test_short_codes_and_genuinely_different_names_are_not_typos(tmp_path):
    from pmkit.io.sources import open_source

    folder = typo_source(
        tmp_path, ["ASC", "CSC", "Housing", "Housing"], services=["Parks", "Parking", "Roads", "Rates"]
    )
    assert len(open_source(folder).indicators()) == 4


def test_a_directorate_in_actions_or_an_overview_with_a_typo_says_what_was_meant(tmp_path):
    folder = typo_source(
        tmp_path,
        ["Adult Social Care", "Adult Social Care"],
        action_directorates=["Adult Social Car"],
        overview_directorate="Adult Social  Care",
    )
    assert problems_of(folder) == [
        "commentary.csv:2:directorate: 'Adult Social  Care' is not in indicators.directorate; expected a known "
        "directorate; did you mean 'Adult Social Care'?",
        "actions.csv:2:directorate: 'Adult Social Car' differs from the directorate 'Adult Social Care' (used in 2 rows) "
        "by one character; did you mean 'Adult Social Care'?",
    ]


# --- e. a quarter or year keyed by its last day -------------------------------------------------


def test_quarters_and_years_keyed_by_their_last_day_are_read_like_their_first(tmp_path):
    import datetime as dt

    from openpyxl import Workbook

    from pmkit.io.sources import open_source

    book = Workbook()
    book.remove(book.active)
    for name, rows in {
        "indicators": [
            ["indicator_id", "title", "directorate", "unit", "polarity", "frequency"],
            ["HOU-03", "Households in temporary accommodation", "Housing", "count", "lower_is_better", "quarterly"],
            ["PL-01", "Household waste recycled", "Place", "percent", "higher_is_better", "annual"],
        ],
        # dates as Excel holds them (date cells) and as typed text, UK style
        "measures": [
            ["indicator_id", "period", "value"],
            ["HOU-03", dt.datetime(2025, 6, 30), 120],
            ["HOU-03", "30/09/2025", 131],
            ["HOU-03", dt.datetime(2026, 3, 31), 140],
            ["PL-01", "31/03/2025", 44.0],
            ["PL-01", dt.datetime(2026, 3, 31), 47.5],
        ],
        "targets": [["indicator_id", "period", "target"], ["HOU-03", "31/12/2025", 110], ["PL-01", "31/03/2026", 50]],
    }.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(tmp_path / "council.xlsx")
    src = open_source(tmp_path / "council.xlsx")
    assert src.measures()[["indicator_id", "period", "value"]].values.tolist() == [
        ["HOU-03", "2025/26 Q1", 120],
        ["HOU-03", "2025/26 Q2", 131],
        ["HOU-03", "2025/26 Q4", 140],
        ["PL-01", "2024/25", 44.0],
        ["PL-01", "2025/26", 47.5],
    ]
    assert src.targets()[["indicator_id", "period"]].values.tolist() == [["HOU-03", "2025/26 Q3"], ["PL-01", "2025/26"]]


def test_a_target_dated_31_march_for_a_quarterly_indicator_is_ambiguous(tmp_path):
    write_csv(
        tmp_path / "indicators.csv",
        ["indicator_id", "title", "directorate", "unit", "polarity", "frequency"],
        [["HOU-03", "Households in temporary accommodation", "Housing", "count", "lower_is_better", "quarterly"]],
    )
    write_csv(tmp_path / "measures.csv", ["indicator_id", "period", "value"], [["HOU-03", "31/03/2026", 140]])
    write_csv(tmp_path / "targets.csv", ["indicator_id", "period", "target"], [["HOU-03", "31/03/2026", 110]])
    assert problems_of(tmp_path) == [
        "targets.csv:2:period: '31/03/2026' is ambiguous in targets: 31 March ends both 2025/26 Q4 and the year 2025/26; "
        "write 2025/26 Q4 or 2025/26"
    ]


# --- f. directorates by name or slug; commands quoted for a shell; commentary into a workbook ----


@pytest.fixture
def two_directorates(tmp_path):
    """Adults' Social Care (a name with an apostrophe and spaces) and Housing, one quarterly indicator each."""
    data = tmp_path / "council" / "data"
    write_csv(
        data / "indicators.csv",
        REGISTER,
        [
            [
                "ASC-01",
                "Reviews completed",
                "Adults' Social Care",
                "Reviews",
                "Care",
                "percent",
                "higher_is_better",
                "quarterly",
                1,
                "",
                "yes",
                "",
            ],
            [
                "HOU-01",
                "Homes let",
                "Housing",
                "Lettings",
                "Homes",
                "count",
                "higher_is_better",
                "quarterly",
                0,
                "",
                "yes",
                "",
            ],
        ],
    )
    write_csv(
        data / "measures.csv",
        ["indicator_id", "period", "value"],
        [["ASC-01", "2025/26 Q1", 80.5], ["HOU-01", "2025/26 Q1", 120]],
    )
    return project(tmp_path / "council")


@pytest.mark.parametrize("wanted", ["Adults' Social Care", "adults-social-care"])
def test_status_takes_a_directorate_by_its_name_or_its_slug(two_directorates, wanted, capsys):
    from pmkit.cli import main

    assert main(["status", "--project", str(two_directorates), "--directorate", wanted, "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "ASC-01" in out and "HOU-01" not in out and "Status for 2025/26 Q1 (1 indicators)" in out


def test_a_quarterly_run_plans_a_directorate_named_by_its_slug(two_directorates):
    from pmkit.io.settings import load_settings
    from pmkit.io.sources import open_source
    from pmkit.reports import KINDS

    plan = KINDS.get("quarterly").plan(
        open_source(two_directorates / "data"),
        load_settings(None, two_directorates),
        two_directorates,
        directorate=["adults-social-care"],
    )
    assert [j.parameters["directorate"] for j in plan.jobs] == ["Adults' Social Care"]


def test_an_unknown_directorate_lists_names_and_slugs(two_directorates, capsys):
    from pmkit.cli import main

    assert main(["status", "--project", str(two_directorates), "--directorate", "Parks"]) == 2
    assert (
        "directorate Parks is not in the source; expected a name or slug, one of: adults-social-care "
        "(Adults' Social Care), housing (Housing)"
    ) in capsys.readouterr().err


def test_the_commentary_template_takes_a_slug_and_prints_a_quoted_command(two_directorates, monkeypatch, capsys):
    import shlex

    from pmkit.cli import main

    monkeypatch.chdir(two_directorates)
    out = two_directorates / "returns for Q1" / "adults' return.xlsx"
    out.parent.mkdir()
    assert main(["commentary", "template", "--directorate", "adults-social-care", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    command = said.split("then ", 1)[1].strip()
    assert command == f"pmkit commentary import '{two_directorates}/returns for Q1/adults'\"'\"' return.xlsx'"
    assert shlex.split(command) == ["pmkit", "commentary", "import", str(out)]


def test_init_prints_a_cd_a_shell_can_run(tmp_path, capsys):
    import shlex

    from pmkit.cli import main

    folder = tmp_path / "St Albans' council"
    assert main(["init", str(folder), "--council", "St Albans City and District Council"]) == 0
    cd = [line.strip() for line in capsys.readouterr().out.splitlines() if line.strip().startswith("cd ")]
    assert cd == [f"cd '{tmp_path}/St Albans'\"'\"' council'"] and shlex.split(cd[0]) == ["cd", str(folder)]


def commentary_workbook(path: Path) -> Path:
    """One workbook, a sheet per table; the Commentary sheet has its own headers (Indicator ID,
    Period, Audience, Text, Actions and a column of its own, Officer) and rows in the officer's order."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sheets = {
        "Indicators": [
            ["indicator_id", "title", "directorate", "unit", "polarity", "frequency"],
            ["HOU-01", "Homes let", "Housing", "count", "higher_is_better", "quarterly"],
            ["HOU-02", "Days to relet", "Housing", "days", "lower_is_better", "quarterly"],
        ],
        "Measures": [
            ["indicator_id", "period", "value"],
            ["HOU-01", "2025/26 Q1", 120],
            ["HOU-02", "2025/26 Q1", 30],
            ["HOU-01", "2025/26 Q2", 131],
            ["HOU-02", "2025/26 Q2", 28],
        ],
        "Commentary": [
            ["Indicator ID", "Period", "Audience", "Text", "Actions", "Officer"],
            ["HOU-02", "2025/26 Q1", "internal", "Relets slowed in the heat.", "", "Jo"],
            ["HOU-01", "2025/26 Q1", "internal", "Lettings on plan.", "", "Sam"],
            ["HOU-01", "2025/26 Q2", "internal", "Old words.", "", "Sam"],
        ],
    }
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_commentary_saved_into_a_workbook_keeps_its_headers_order_and_a_copy_of_the_sheet(tmp_path):
    import pandas as pd
    from openpyxl import load_workbook

    from pmkit.io.sources import open_source
    from pmkit.project.commentary_return import save_commentary

    path = commentary_workbook(tmp_path / "council.xlsx")
    src = open_source(path)
    new = pd.DataFrame(
        [
            {
                "indicator_id": "HOU-01",
                "directorate": "",
                "period": "2025/26 Q2",
                "audience": "internal",
                "text": "131 homes let, the most this year.",
                "actions": "Keep the voids team.",
            },
            {
                "indicator_id": "HOU-02",
                "directorate": "",
                "period": "2025/26 Q2",
                "audience": "internal",
                "text": "Relets back to 28 days.",
                "actions": "",
            },
        ]
    )
    done = save_commentary(src, new)
    assert (done.added, done.changed, done.written_to) == (1, 1, "council.xlsx[Commentary]")
    book = load_workbook(path)
    assert book.sheetnames[:3] == ["Indicators", "Measures", "Commentary"]
    copies = [name for name in book.sheetnames if name.startswith("Commentary before ")]
    assert len(copies) == 1 and book.sheetnames[3:] == copies
    rows = [[c for c in row] for row in book["Commentary"].iter_rows(values_only=True)]
    assert rows == [
        ["Indicator ID", "Period", "Audience", "Text", "Actions", "Officer"],
        ["HOU-02", "2025/26 Q1", "internal", "Relets slowed in the heat.", None, "Jo"],
        ["HOU-01", "2025/26 Q1", "internal", "Lettings on plan.", None, "Sam"],
        ["HOU-01", "2025/26 Q2", "internal", "131 homes let, the most this year.", "Keep the voids team.", "Sam"],
        ["HOU-02", "2025/26 Q2", "internal", "Relets back to 28 days.", None, None],
    ]
    kept = [list(row) for row in book[copies[0]].iter_rows(values_only=True)]
    assert kept[3] == ["HOU-01", "2025/26 Q2", "internal", "Old words.", None, "Sam"] and len(kept) == 4
    assert len(open_source(path).commentary()) == 4  # the copy is not read as a table


def test_the_status_table_leaves_retired_indicators_out_and_says_so(retiring, capsys):
    from pmkit.cli import main

    assert main(["status", "--project", str(retiring), "--width", "200"]) == 0
    out = capsys.readouterr().out
    assert "Status for 2024/25 (2 indicators)" in out and "CUR-01" in out and "OLD-01" not in out
    assert out.rstrip().endswith(
        "note: 4 indicators the council no longer reports are left out: 1 marked retired in the "
        "register and 3 with no figure in the two years to 2024/25."
    )
