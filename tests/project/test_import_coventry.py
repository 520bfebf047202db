"""The Coventry council-plan importer: cell parsers on the published quirks, then the real files.

The real-data tests read Coventry's published tables from ``../shared/data/real/coventry-council-plan``
beside the repository and skip when that folder is absent. The files are imported as a project
(what ``pmkit import coventry DIR --out PROJECT`` writes); the data checks read the folder source
inside it, ``PROJECT/data/coventry-council-plan``.
"""

from pathlib import Path

import pandas as pd
import pytest
import yaml

import pmkit
from pmkit.cli import main
from pmkit.errors import PmkitError, SourceError
from pmkit.project.importers.coventry import (
    comparator_group,
    compare_with_published,
    import_coventry,
    import_coventry_project,
    normalise_unit,
    parse_target,
    parse_value,
    quality_of,
)

DATA = Path(__file__).resolve().parents[2].parent / "shared" / "data" / "real" / "coventry-council-plan"
needs_data = pytest.mark.skipif(not DATA.is_dir(), reason=f"Coventry's published tables are not at {DATA}")


# --- values ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "percent", "value", "kind"),
    [
        ("43.7", True, 43.7, "plain number"),
        ("-0.05", False, -0.05, "plain number"),
        (" 2016\n", False, 2016.0, "plain number"),
        ("1,299", False, 1299.0, "thousands separators"),
        ("8,914,227", False, 8914227.0, "thousands separators"),
        ("16%", False, 16.0, "percent sign"),
        ("21.5m", False, 21_500_000.0, "money in millions (m)"),
        ("5.193m", False, 5_193_000.0, "money in millions (m)"),
    ],
)
def test_numbers_are_read(text, percent, value, kind):
    parsed = parse_value(text, percent)
    assert parsed.value == pytest.approx(value)
    assert parsed.kind == kind


def test_a_fraction_of_a_percentage_keeps_numerator_and_denominator():
    parsed = parse_value("425/736", percent=True)
    assert parsed.value == pytest.approx(100 * 425 / 736)
    assert (parsed.numerator, parsed.denominator) == (425, 736)
    assert parse_value("23 out of 35", percent=True).value == pytest.approx(100 * 23 / 35)


def test_a_fraction_under_another_unit_is_not_guessed():
    parsed = parse_value("425/736", percent=False)
    assert parsed.value is None
    assert parsed.kind == "fraction, unit not a percentage"
    assert (parsed.numerator, parsed.denominator) == (425, 736)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("<5", "suppressed small number"),
        ("N/A", "not available (N/A)"),
        ("NA", "not available (N/A)"),
        ("C+", "grade"),
        ("A-", "grade"),
        ("Merit +", "grade"),
        ("Merit+", "grade"),
        ("Distinction -", "grade"),
        ("Pass +", "grade"),
        ("6.7m Overspent", "number with qualifying text"),
        ("1.8m underspend", "number with qualifying text"),
        ("3358 excluding mental health", "number with qualifying text"),
        ("Balanced budget 2025/26-future years show a deficit", "free text"),
        ("Balanced", "free text"),
        ("Female - 68.23 Male -31.77", "free text"),
    ],
)
def test_what_is_not_a_number_is_named_not_read(text, kind):
    parsed = parse_value(text, percent=True)
    assert parsed.value is None
    assert parsed.kind == kind


# --- targets ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value", "direction", "marker"),
    [
        ("<89", 89.0, "lower_is_better", ""),
        ("< 3500", 3500.0, "lower_is_better", ""),
        ("<23.6%", 23.6, "lower_is_better", "%"),
        (">62%", 62.0, "higher_is_better", "%"),
        (">1250", 1250.0, "higher_is_better", ""),
        ("97%+", 97.0, "higher_is_better", "%"),
        ("95%", 95.0, None, "%"),
        ("0", 0.0, None, ""),
        ("Less than or equal to 4%", 4.0, "lower_is_better", "%"),
        ("£297.5m", 297_500_000.0, None, "m"),
    ],
)
def test_numeric_targets(text, value, direction, marker):
    target = parse_target(text)
    assert (target.value, target.direction, target.kind, target.marker) == (value, direction, "numeric", marker)


@pytest.mark.parametrize(
    ("text", "direction", "kind"),
    [
        ("To increase", "higher_is_better", "to increase"),
        ("To decrease", "lower_is_better", "to decrease"),
        ("To reduce", "lower_is_better", "to decrease"),
        ("To reduce by 5%", "lower_is_better", "relative change"),
        ("None set", None, "none set"),
        ("N/A", None, "none set"),
        ("Better than statistical neighbours", None, "relative to other areas"),
        ("Better or equal to national average", None, "relative to other areas"),
        ("Below (better than) national average", "lower_is_better", "relative to other areas"),
        ("Above or equal to national average", "higher_is_better", "relative to other areas"),
        ("50 by 2020", None, "target for a later year"),
        ("50%+ by 2020", None, "target for a later year"),
        ("A", None, "grade"),
        ("A&B = 100%", None, "other text"),
        ("Sustainable", None, "other text"),
        ("To be more representative of the city", None, "other text"),
    ],
)
def test_targets_without_a_number_say_what_they_are(text, direction, kind):
    target = parse_target(text)
    assert (target.value, target.direction, target.kind) == (None, direction, kind)


# --- units, quality, comparators -------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "unit", "scale"),
    [
        ("%", "percent", 1),
        ("% difference", "percent", 1),
        ("number ", "count", 1),
        ("Number", "count", 1),
        ("average score", "score", 1),
        ("pounds", "gbp", 1),
        ("millions of pounds", "gbp", 1e6),
        ("rate per 100,0000 population 10-17", "rate", 1),
        ("days per full-time equivalent", "days", 1),
        ("years", "count", 1),
    ],
)
def test_units_are_normalised(text, unit, scale):
    assert normalise_unit(text)[:2] == (unit, scale)


def test_only_inexact_unit_mappings_are_flagged():
    assert normalise_unit("years")[2] is False
    assert normalise_unit("%")[2] is True


@pytest.mark.parametrize(
    ("reference", "quality"),
    [
        ("2023 provisional", "provisional"),
        ("2023/24 provisonal", "provisional"),
        ("2019/20 not validated", "provisional"),
        ("2021/22 revised estimated", "estimated"),
        ("Jan-Dec 2019 revised", "final"),
        ("", "final"),
    ],
)
def test_quality_comes_from_the_reference_date(reference, quality):
    assert quality_of(reference) == quality


def test_comparator_scopes_become_peer_groups():
    assert comparator_group("Statistical Neighbours")[0] == "nearest_neighbours"
    assert comparator_group("West Midland Region")[:2] == ("region", "E12000005")
    assert comparator_group("WMCA`")[0] == "combined_authority"
    assert comparator_group("Boys England") is None


# --- the real files --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    project = tmp_path_factory.mktemp("coventry") / "project"
    summary = import_coventry_project(DATA, project)
    return summary, pmkit.open_source(summary.out)


def _measure(src, title_start, period):
    ind = src.indicators()
    ids = ind.loc[ind["title"].str.startswith(title_start), "indicator_id"]
    assert len(ids) == 1, title_start
    m = src.measures()
    row = m[(m["indicator_id"] == ids.iloc[0]) & (m["period"] == period)].iloc[0]
    return row, ind.set_index("indicator_id").loc[ids.iloc[0]]


@needs_data
def test_the_import_is_a_valid_source_with_every_year(imported):
    summary, src = imported
    tables = src.tables()
    assert len(tables["indicators"]) == 236
    assert tables["indicators"]["indicator_id"].iloc[0] == "COV-001"
    assert summary.periods == tuple(f"{y}/{(y + 1) % 100:02d}" for y in range(2015, 2025))
    assert set(tables["indicators"]["frequency"]) == {"annual"}
    assert summary.values.total + summary.unparsed.total == summary.measures == len(tables["measures"])


@needs_data
def test_ids_are_stable_across_runs(imported, tmp_path):
    summary, _ = imported
    import_coventry(DATA, tmp_path)
    assert (tmp_path / "indicators.csv").read_bytes() == (summary.out / "indicators.csv").read_bytes()
    assert (tmp_path / "measures.csv").read_bytes() == (summary.out / "measures.csv").read_bytes()


@needs_data
def test_real_quirks_are_read_or_reported(imported):
    summary, src = imported
    looked_after, ind = _measure(src, "Looked after children (rate", "2024/25")
    assert looked_after["value"] == 85.5 and ind["polarity"] == "lower_is_better" and ind["unit"] == "rate"
    agency, _ = _measure(src, "Spend on agency staff", "2021/22")
    assert agency["value"] == 8_914_227
    funding, ind = _measure(src, "New funding for environmental technologies", "2024/25")
    assert funding["value"] == 21_500_000 and ind["unit"] == "gbp"
    breastfeeding, _ = _measure(src, "Breastfeeding rates at 6-8 weeks", "2019/20")
    assert breastfeeding["value"] == 48 and "proportion" in breastfeeding["note"]
    visitors, _ = _measure(src, "Visitor trips", "2018/19")
    assert "same figure and reference period as the 2017/18 report" in visitors["note"]
    assert summary.unparsed.counts["suppressed small number"] == 9
    grades = [line for line in summary.lines() if line.strip().startswith("grade:")]
    assert grades and "(e.g. '" in grades[0]
    assert summary.values.counts["money in millions (m)"] == 3


@needs_data
def test_reference_dates_set_quality_and_notes(imported):
    _, src = imported
    gdp, _ = _measure(src, "Regional gross domestic product", "2024/25")
    assert gdp["quality"] == "provisional" and gdp["note"] == "reference period: 2023 provisional"


@needs_data
def test_targets_belong_to_their_year_and_unit(imported):
    summary, src = imported
    targets = src.targets().merge(src.indicators()[["indicator_id", "title"]], on="indicator_id")
    council_tax = targets[targets["title"] == "Council tax collection rate"].set_index("period")["target"]
    assert council_tax["2024/25"] == 94 and council_tax["2023/24"] == 95 and council_tax["2016/17"] == 96
    # Coventry's 2016/17 table gives the business-rates collection rate (a percentage) a target of £297.5m.
    collection = targets[targets["title"] == "Business rates collection rate"]
    assert "2016/17" not in set(collection["period"])
    assert summary.target_kinds.counts["numeric in gbp, but the indicator is in percent"] == 1
    assert summary.target_kinds.counts["to increase"] > 0


@needs_data
def test_polarity_sources_are_counted(imported):
    summary, src = imported
    assert summary.polarity.counts["Directionality in the older tables (joined on the metric name)"] == 137
    assert summary.polarity.total == 236
    assert src.indicators()["polarity"].value_counts()["neutral"] == summary.polarity.counts["neither (neutral)"]


@needs_data
def test_benchmarks_are_peer_groups_and_england(imported):
    _, src = imported
    bench = src.benchmarks()
    assert {"england", "region", "nearest_neighbours"} <= set(bench["group"])
    assert set(bench.loc[bench["group"] == "england", "authority_code"]) == {"E92000001"}
    ind = src.indicators()
    assert set(bench["metric"]) == set(ind.loc[ind["benchmark_metric"] != "", "indicator_id"])


@needs_data
def test_the_project_is_set_up_for_coventry(imported):
    summary, src = imported
    project = summary.project
    assert summary.out == project / "data" / "coventry-council-plan"
    settings = yaml.safe_load((project / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    assert settings["council"] == "Coventry City Council"
    assert settings["source"] == "data/coventry-council-plan"
    # every indicator is annual; ranked against statistical neighbours, England the national line
    assert (settings["reporting"], settings["comparator_group"], settings["national_group"]) == (
        "annual",
        "nearest_neighbours",
        "england",
    )
    assert (summary.reporting, summary.comparator_group, summary.national_group) == (
        "annual",
        "nearest_neighbours",
        "england",
    )
    params = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))["directorate"]
        for path in (project / "params" / "directorates").glob("*.yaml")
    }
    assert sorted(params.values()) == sorted(src.indicators()["directorate"].unique())
    assert params["supporting-indicators"] == "Supporting indicators" and len(params) == 8
    assert summary.directorates == tuple(sorted(params))
    assert (project / "notebooks" / "service_area.ipynb").is_file() and (project / "README.md").is_file()
    assert summary.lines()[-1].startswith(f"project for Coventry City Council in {project}")


@needs_data
def test_runs_default_to_the_latest_year_of_the_indicators_coventry_still_reports(imported):
    # 236 indicators across four council plans: 223 have figures, 182 of them for 2019/20 but only
    # 76 in 2023/24 or 2024/25; 65 have a 2024/25 figure. The 147 with none since 2022/23 are no
    # longer reported, so "most indicators" is most of the 76 and the year is 2024/25, not 2019/20.
    from pmkit.io.settings import load_settings
    from pmkit.reports import KINDS

    summary, src = imported
    settings = load_settings(None, summary.project)
    said = "147 indicators with no figure in the two years to 2024/25 are left out as no longer reported."
    annual = KINDS.get("annual").plan(src, settings, summary.project)
    assert (annual.period.label, annual.notes) == ("2024/25", (said,))
    quarterly = KINDS.get("quarterly").plan(src, settings, summary.project)
    assert quarterly.period.label == "2024/25" and said in quarterly.notes


@needs_data
def test_the_command_writes_a_project_and_refuses_an_existing_one(tmp_path, capsys):
    project = tmp_path / "coventry"
    assert main(["import", "coventry", str(DATA), "--out", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"Coventry council plan -> {project / 'data' / 'coventry-council-plan'}"
    assert lines[-2:] == [f"  cd {project}", "  pmkit run quarterly"]
    before = {p: p.read_bytes() for p in project.rglob("*") if p.is_file()}
    assert main(["import", "coventry", str(DATA), "--out", str(project)]) == 2
    assert f"{project / 'params' / 'defaults.yaml'} already exists" in capsys.readouterr().err
    assert {p: p.read_bytes() for p in project.rglob("*") if p.is_file()} == before


def test_a_folder_without_coventrys_tables_writes_nothing(tmp_path):
    with pytest.raises(SourceError, match="no council-plan-YYYY-YY-eoy.csv file"):
        import_coventry_project(tmp_path, tmp_path / "project")
    assert not (tmp_path / "project").exists()


def test_an_existing_project_is_refused(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "defaults.yaml").write_text("council: Elsewhere\n", encoding="utf-8")
    with pytest.raises(PmkitError, match="params/defaults.yaml already exists"):
        import_coventry_project(tmp_path / "no-such-folder", tmp_path)
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["defaults.yaml", "params"]


# --- agreement with Coventry's own verdicts --------------------------------------------------
#
# Measured (2021/22 to 2024/25): RAG agrees on 41 of 41 rows when amber counts as Off-Target
# (35 of 41 when amber counts as On-Target: Coventry calls every near miss Off-Target, e.g. a
# council tax collection rate of 93.4% against 94%). Direction of travel agrees on 132 of 176
# rows with pmkit's 1% band and 149 of 176 when any change counts: Coventry calls small moves
# BETTER/WORSE (92.1 -> 91.2 is WORSE). The rest: Coventry judged figures as first published
# that the cumulative table later revised (looked-after children 2022/23: 90.3 then, 93 now),
# survey results moving one point called EQUALS, and verdicts the values do not bear out
# (healthy life expectancy falling from 59.3 to 58.5 years called BETTER).


@pytest.fixture(scope="module")
def agreement(tmp_path_factory):
    return compare_with_published(DATA, tmp_path_factory.mktemp("agreement"))


@needs_data
def test_rag_agrees_with_coventrys_target_status(agreement):
    rows, share = agreement.rag(amber="off")
    assert rows >= 40 and share >= 0.95
    rows, share = agreement.rag(amber="on")
    assert share >= 0.80
    rows, share = agreement.rag(amber="off", period="2024/25")
    assert rows >= 10 and share >= 0.95


@needs_data
def test_direction_of_travel_agrees_with_coventrys_progress(agreement):
    rows, share = agreement.dot()
    assert rows >= 170 and share >= 0.72
    rows, share = agreement.dot(period="2024/25")
    assert rows >= 50 and share >= 0.67


@needs_data
def test_direction_of_travel_agrees_more_when_any_change_counts(tmp_path):
    exact = compare_with_published(DATA, tmp_path, dot_threshold=0)
    rows, share = exact.dot()
    assert rows >= 170 and share >= 0.82
    assert exact.dot(period="2024/25")[1] >= 0.88


@needs_data
def test_agreement_rows_explain_themselves(agreement):
    rows = agreement.rows
    assert {"indicator_id", "period", "published_status", "rag", "published_progress", "dot"} <= set(rows.columns)
    assert rows.loc[rows["rag_compared"], "target"].notna().all()
    lines = agreement.lines()
    assert any(line.strip().startswith("all years:") for line in lines)
    assert isinstance(rows, pd.DataFrame)
