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

REGISTER = ["indicator_id", "title", "directorate", "service", "priority", "unit", "polarity", "frequency", "decimals",
            "benchmark_metric", "public", "retired"]


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
        yaml.safe_dump({"council": "Ashworth Borough Council", "source": "data", **(settings or {})}), encoding="utf-8")
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
        ["OLD-01", "Visits to the old leisure centre", "Communities", "Leisure", "Old plan", "count", "higher_is_better", "annual", 0, "", "yes", ""],
        ["OLD-02", "Old plan pledges met", "Communities", "Leisure", "Old plan", "percent", "higher_is_better", "annual", 1, "", "yes", ""],
        ["OLD-03", "Old plan complaints", "Communities", "Leisure", "Old plan", "count", "lower_is_better", "annual", 0, "", "yes", ""],
        ["RET-01", "Paper forms processed", "Resources", "Revenues", "Good council", "count", "lower_is_better", "annual", 0, "", "yes", "true"],
        ["CUR-01", "Council tax collected", "Resources", "Revenues", "Good council", "percent", "higher_is_better", "annual", 1, "", "yes", ""],
        ["CUR-02", "Households in temporary accommodation", "Resources", "Housing Options", "Good council", "count", "lower_is_better", "annual", 0, "", "yes", ""],
    ]
    write_csv(data / "indicators.csv", REGISTER, rows)
    measures = []
    for i, year in enumerate(YEARS):
        if year <= "2019/20":
            measures += [["OLD-01", year, 1000 + i], ["OLD-02", year, 60 + i], ["OLD-03", year, 40 - i]]
        if year >= "2019/20":
            measures += [["RET-01", year, 500 - i], ["CUR-01", year, 94 + i / 10], ["CUR-02", year, 300 + i]]
    write_csv(data / "measures.csv", ["indicator_id", "period", "value"], measures)
    write_csv(data / "targets.csv", ["indicator_id", "period", "target"], [["CUR-01", "2024/25", 95], ["CUR-02", "2024/25", 250]])
    return project(tmp_path, {"reporting": "annual"})


def test_retired_indicators_do_not_choose_the_default_year(retiring):
    from pmkit.settings import complete_year, report_period, retired_reasons
    from pmkit.sources import open_source

    src = open_source(retiring / "data")
    assert retired_reasons(src.indicators(), src.measures()) == {
        "RET-01": "marked retired in the register", "OLD-01": "no figure since 2019/20",
        "OLD-02": "no figure since 2019/20", "OLD-03": "no figure since 2019/20"}
    assert report_period(src, None, "annual").label == "2024/25"
    assert complete_year(src, None).label == "2024/25"


def test_the_annual_plan_and_page_leave_retired_indicators_out_and_say_so(retiring, monkeypatch):
    from pmkit.reports import KINDS
    from pmkit.reports.annual import AnnualReport
    from pmkit.settings import load_settings
    from pmkit.sources import open_source

    monkeypatch.chdir(retiring)
    plan = KINDS.get("annual").plan(open_source(retiring / "data"), load_settings(None, retiring), retiring)
    said = ("4 indicators the council no longer reports are left out: 1 marked retired in the register "
            "and 3 with no figure in the two years to 2024/25.")
    assert plan.period.label == "2024/25" and plan.notes == (said,)
    shown = captured(monkeypatch)
    report = AnnualReport()
    assert report.year.label == "2024/25"
    assert [r.indicator_id for r in report.readings] == ["CUR-01", "CUR-02"]
    report.method_note()
    assert f"<li>{said}</li>" in html_of(shown)


def test_a_quarterly_run_leaves_a_directorate_of_retired_indicators_out(retiring):
    from pmkit.reports import KINDS
    from pmkit.settings import load_settings
    from pmkit.sources import open_source

    plan = KINDS.get("quarterly").plan(open_source(retiring / "data"), load_settings(None, retiring), retiring)
    assert plan.period.label == "2024/25"
    assert [j.parameters["directorate"] for j in plan.jobs] == ["Resources"]
    assert "Communities: every indicator of it is no longer reported, so it has no report" in plan.notes


def test_a_deep_dive_on_a_retired_indicator_still_works_and_says_it_is_retired(retiring, monkeypatch):
    from pmkit.reports import KINDS
    from pmkit.reports.deep_dive import DeepDiveReport
    from pmkit.settings import load_settings
    from pmkit.sources import open_source

    monkeypatch.chdir(retiring)
    plan = KINDS.get("deep-dive").plan(open_source(retiring / "data"), load_settings(None, retiring), retiring, indicator="OLD-01")
    assert plan.period.label == "2019/20"
    shown = captured(monkeypatch)
    report = DeepDiveReport(indicator="OLD-01")
    report.header()
    assert report.period.label == "2019/20" and report.readings[0].row["value"] == 1002
    assert "Visits to the old leisure centre is no longer reported (no figure since 2019/20)." in html_of(shown)


def test_a_new_indicator_without_figures_is_not_retired(retiring):
    from pmkit.settings import retired_reasons
    from pmkit.sources import open_source

    with (retiring / "data" / "indicators.csv").open("a", newline="", encoding="utf-8") as file:
        csv.writer(file).writerow(["NEW-01", "New measure", "Resources", "", "", "count", "higher_is_better", "annual", 0, "", "yes", ""])
    src = open_source(retiring / "data")
    assert "NEW-01" not in retired_reasons(src.indicators(), src.measures())
