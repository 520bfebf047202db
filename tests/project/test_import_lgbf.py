"""The LGBF importer on the real Scottish benchmarking files.

The data lives outside the repository, in ``../shared/data/real/scotland-lgbf`` beside it; the
tests are skipped where it is absent. Expected values are computed here from the raw files with
plain pandas, independently of the importer. Each council is imported as a project (what
``pmkit import lgbf DIR --council NAME --out PROJECT`` writes); the data checks read the folder
source inside it, ``PROJECT/data/<council-code>-lgbf``.
"""

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

import pmkit
from pmkit.cli import main
from pmkit.errors import PmkitError, SourceError
from pmkit.project.importers.lgbf import (
    UnknownCouncilError,
    council_code,
    council_key,
    cover_name,
    import_lgbf,
    import_lgbf_project,
)

LGBF = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "scotland-lgbf").resolve()

pytestmark = pytest.mark.skipif(
    not (LGBF / "lgbf-values-real.csv").is_file(),
    reason="real LGBF data not found in ../shared/data/real/scotland-lgbf beside the repository",
)

COUNCILS = ["Stirling", "Aberdeen City"]
AGGREGATE_ONLY = {
    "C&L05a",
    "C&L05b",
    "C&L05c",
    "C&L05d",
    "CHN10",
    "ENV04b",
    "ENV04c",
    "ENV04d",
    "ENV04e",
    "ENV07a",
    "ENV07b",
}


@pytest.fixture(scope="module")
def raw():
    """The three LGBF files as published, with a single-year flag and a pmkit label per row."""
    values = pd.read_csv(LGBF / "lgbf-values-real.csv", encoding="utf-8-sig").dropna(subset=["Code"])
    start, end = values["Year"].str[:4].astype(int), values["Year"].str[5:].astype(int)
    values["single_year"] = end == (start + 1) % 100
    values["label"] = start.astype(str) + "/" + values["Year"].str[5:]
    info = pd.read_csv(LGBF / "lgbf-indicator-information.csv", encoding="utf-8-sig").set_index("Code")
    groups = pd.read_csv(LGBF / "lgbf-family-groups.csv", encoding="utf-8-sig")
    return values, info, groups


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    """Each test council imported once as a project: council -> (summary, validated tables of its source)."""
    result = {}
    for council in COUNCILS:
        project = tmp_path_factory.mktemp("lgbf") / council_code(council)
        summary = import_lgbf_project(LGBF, council, project)
        result[council] = (summary, pmkit.open_source(summary.out).tables())
    return result


def family_of(groups: pd.DataFrame, council: str, grouping: str) -> list[str]:
    """Every council in ``council``'s family group for ``grouping`` (itself included)."""
    typed = groups[groups["Type"] == grouping]
    family = typed.loc[typed["Local_Authority"] == council, "Family_Group"].item()
    return typed.loc[typed["Family_Group"] == family, "Local_Authority"].tolist()


def scale_of(info: pd.DataFrame, code: str) -> float:
    return 100.0 if info.at[code, "MeasureType"] == "Percentage" and code not in {"CHN14a", "CHN14b"} else 1.0


@pytest.mark.parametrize("council", COUNCILS)
def test_output_is_a_valid_folder_source(imported, council):
    summary, tables = imported[council]
    ind, m, b = tables["indicators"], tables["measures"], tables["benchmarks"]
    assert (summary.indicators, summary.measures, summary.benchmark_rows) == (len(ind), len(m), len(b))
    assert summary.council == council
    assert len(ind) > 80 and len(m) > 900
    assert (ind["benchmark_metric"] == ind["indicator_id"]).all()
    assert ind["public"].all() and (ind["frequency"] == "annual").all()
    assert set(ind["unit"]) <= {"percent", "gbp", "days", "weeks", "rate", "score"}
    assert tables["targets"].empty
    assert set(m["indicator_id"]) == set(ind["indicator_id"])
    assert m["value"].notna().all()


def test_units_and_polarity_follow_the_information_file(imported, raw):
    _, info, _ = raw
    ind = imported["Stirling"][1]["indicators"].set_index("indicator_id")
    expected = info.loc[ind.index, "Ranking_Type"].map(
        {"Ascending": "lower_is_better", "Descending": "higher_is_better", "Goldilocks": "neutral"}
    )
    pd.testing.assert_series_equal(ind["polarity"], expected, check_names=False)
    assert ind.loc[["ENV01a", "ENV06", "CORP03b", "CORP11"], "polarity"].tolist() == [
        "lower_is_better",
        "higher_is_better",
        "neutral",
        "neutral",
    ]
    units = ind.loc[["ENV01a", "ENV06", "CORP06a", "ECON03", "SW06", "ECON05", "CHN12a", "CLIM01"], "unit"]
    assert units.tolist() == ["gbp", "percent", "days", "weeks", "rate", "rate", "score", "rate"]
    assert ind.loc["ENV06", "directorate"] == "Environmental Services"
    assert ind.loc["ENV06", "title"] == info.at["ENV06", "Title"]
    assert "closeness to 50" in ind.loc["CORP03b", "definition"]  # the Goldilocks midpoint, on the 0-100 scale
    assert ind.loc[["ENV01a", "ENV06", "CORP09"], "decimals"].tolist() == [0, 1, 2]


@pytest.mark.parametrize("council", COUNCILS)
def test_percentages_are_scaled_to_0_100_except_the_attainment_gaps(imported, raw, council):
    values, info, _ = raw
    _, tables = imported[council]
    own = values[(values["LocalAuthority"] == council) & values["single_year"]]
    joined = tables["measures"].merge(
        own, left_on=["indicator_id", "period"], right_on=["Code", "label"], validate="1:1"
    )
    assert len(joined) == len(tables["measures"])
    factor = joined["indicator_id"].map(lambda code: scale_of(info, code))
    np.testing.assert_allclose(joined["value"], joined["LA_IndicatorReal"] * factor, rtol=1e-12)

    m = tables["measures"].set_index(["indicator_id", "period"])["value"]
    assert set(factor[joined["indicator_id"].str.startswith("CHN14")]) == {1.0}
    assert 5 < m["CHN14a"].min() and m["CHN14a"].max() < 50  # percentage points, left as they are
    assert 1 < m["ENV06"].min() and m["ENV06"].max() < 100

    peers = values[(values["LocalAuthority"] != council) & values["single_year"]]
    bench = tables["benchmarks"].merge(
        peers,
        left_on=["metric", "authority_name", "period"],
        right_on=["Code", "LocalAuthority", "label"],
        validate="m:1",
    )
    assert len(bench) == len(tables["benchmarks"])
    np.testing.assert_allclose(
        bench["value"], bench["LA_IndicatorReal"] * bench["metric"].map(lambda code: scale_of(info, code)), rtol=1e-12
    )


def test_multi_year_aggregate_periods_are_skipped_and_counted(imported, raw):
    values, _, _ = raw
    summary, tables = imported["Stirling"]
    aggregate = values[~values["single_year"]]
    assert summary.skipped_aggregate_rows == len(aggregate) == 3904
    assert summary.council_aggregate_rows == (aggregate["LocalAuthority"] == "Stirling").sum() == 122
    assert {"2010-14", "2018-20", "2010-12"} <= set(summary.aggregate_periods)
    assert set(summary.aggregate_periods) == set(aggregate["Year"])
    # "2010-12" is a two-year span, not December 2010: every imported period is a financial year
    assert tables["measures"]["period"].str.fullmatch(r"\d{4}/\d{2}").all()
    assert tables["benchmarks"]["period"].str.fullmatch(r"\d{4}/\d{2}").all()
    assert set(summary.skipped_indicators["no single-year value for Stirling"]) == AGGREGATE_ONLY
    assert not AGGREGATE_ONLY & set(tables["indicators"]["indicator_id"])
    assert "skipped 3,904 rows with multi-year aggregate periods (2007-11, 2008-12, 2009-11, 2009-13, …" in "\n".join(
        summary.lines()
    )


@pytest.mark.parametrize("council", COUNCILS)
def test_benchmark_groups_are_the_other_councils_of_the_right_family(imported, raw, council):
    values, info, groups = raw
    _, tables = imported[council]
    bench = tables["benchmarks"]
    assert set(bench["group"]) == {"family_group", "scotland"}
    assert council not in set(bench["authority_name"])
    assert bench["authority_code"].nunique() == bench["authority_name"].nunique() == 31

    sizes = bench.groupby(["metric", "period", "group"]).size()
    assert sizes.xs("family_group", level="group").max() == 7  # family group of 8, less the council itself
    assert sizes.xs("scotland", level="group").max() == 31

    family = bench[bench["group"] == "family_group"]
    for grouping, metrics in info.groupby("FamilyGrouping").groups.items():
        members = family.loc[family["metric"].isin(metrics), "authority_name"]
        expected = set(family_of(groups, council, grouping)) - {council}
        assert len(expected) == 7
        assert set(members) == expected


def test_family_group_average_matches_the_recomputed_lgbf_figure(imported):
    # The data README recomputes CHN01 2021-22 for Stirling's children's family group as 6815.29
    _, tables = imported["Stirling"]
    m, b = tables["measures"], tables["benchmarks"]
    own = m.loc[(m["indicator_id"] == "CHN01") & (m["period"] == "2021/22"), "value"]
    peers = b.loc[(b["metric"] == "CHN01") & (b["period"] == "2021/22") & (b["group"] == "family_group"), "value"]
    assert (own.sum() + peers.sum()) / (len(own) + len(peers)) == pytest.approx(6815.29, abs=0.01)


@pytest.mark.parametrize("council", COUNCILS)
@pytest.mark.parametrize("group", ["family_group", "scotland"])
@pytest.mark.parametrize("year", ["2012/13", "2016/17", "2019/20", "2021/22"])
def test_status_rank_and_quartile_match_an_independent_ranking(imported, raw, council, group, year):
    values, info, groups = raw
    _, tables = imported[council]
    st = pmkit.judge.status.assess(
        tables["measures"], tables["indicators"], year, benchmarks=tables["benchmarks"], comparator_group=group
    ).set_index("indicator_id")
    judged = st[st["value"].notna() & (tables["indicators"].set_index("indicator_id")["polarity"] != "neutral")]
    assert len(judged) > 40

    pool = values[(values["label"] == year) & values["LA_IndicatorReal"].notna()]
    pool = pool.join(info[["FamilyGrouping", "Ranking_Type"]], on="Code")
    if group == "family_group":
        members = [(g, name) for g in groups["Type"].unique() for name in family_of(groups, council, g)]
        pool = pool.merge(pd.DataFrame(members, columns=["FamilyGrouping", "LocalAuthority"]))
    by_code = pool.groupby("Code")["LA_IndicatorReal"]
    ascending, descending = by_code.rank(method="min"), by_code.rank(method="min", ascending=False)
    pool["rank"] = ascending.where(pool["Ranking_Type"] == "Ascending", descending)
    own = pool[pool["LocalAuthority"] == council].set_index("Code")
    peers = pool[pool["LocalAuthority"] != council].groupby("Code")["LA_IndicatorReal"]
    expected = pd.DataFrame({"rank": own["rank"], "n_peers": peers.size()}).loc[judged.index]
    expected["quartile"] = np.ceil(4 * expected["rank"] / (expected["n_peers"] + 1))
    scale = pd.Series({code: scale_of(info, code) for code in judged.index})
    expected["peer_median"] = peers.median().loc[judged.index] * scale

    for column in ["rank", "n_peers", "quartile"]:
        assert judged[column].astype(int).tolist() == expected[column].astype(int).tolist(), column
    np.testing.assert_allclose(judged["peer_median"].astype(float), expected["peer_median"], rtol=1e-9)


def test_unknown_council_lists_the_valid_names(tmp_path):
    with pytest.raises(UnknownCouncilError) as caught:
        import_lgbf_project(LGBF, "Stirlingshire", tmp_path / "out")
    message = str(caught.value)
    assert isinstance(caught.value, PmkitError)
    assert "'Stirlingshire'" in message and "Did you mean Stirling" in message
    assert "Aberdeen City" in message and "West Lothian" in message and "Eilean Siar" in message
    assert not (tmp_path / "out").exists()


def test_missing_file_is_named(tmp_path):
    for name in ("lgbf-values-real.csv", "lgbf-indicator-information.csv"):
        shutil.copy(LGBF / name, tmp_path / name)
    with pytest.raises(SourceError, match="lgbf-family-groups.csv: file not found"):
        import_lgbf_project(tmp_path, "Stirling", tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_council_names_match_across_spellings(raw):
    values, _, groups = raw
    value_keys = {council_key(n) for n in values["LocalAuthority"].unique()}
    assert len(value_keys) == 32
    assert {council_key(n) for n in groups["Local_Authority"]} == value_keys
    for spelling, name in [
        ("City of Edinburgh Council", "Edinburgh City"),
        ("Na h-Eileanan Siar", "Eilean Siar"),
        ("Comhairle nan Eilean Siar", "Eilean Siar"),
        ("Perth and Kinross", "Perth & Kinross"),
        ("Argyll and Bute Council", "Argyll & Bute"),
        ("Orkney", "Orkney Islands"),
        ("glasgow city council", "Glasgow City"),
    ]:
        assert council_key(spelling) == council_key(name)
    assert council_code("Argyll & Bute") == "argyll-and-bute"
    assert council_key("Aberdeen City") != council_key("Aberdeenshire")


def test_import_accepts_another_spelling_of_the_council(tmp_path):
    summary = import_lgbf_project(LGBF, "City of Edinburgh Council", tmp_path)
    assert summary.council == "Edinburgh City"
    assert summary.out == tmp_path / "data" / "edinburgh-lgbf"
    assert "edinburgh" not in set(pmkit.open_source(summary.out).benchmarks()["authority_code"])
    assert yaml.safe_load((tmp_path / "params" / "defaults.yaml").read_text())["council"] == "City of Edinburgh Council"


def copy_with_groups(tmp_path: Path, groups: pd.DataFrame) -> Path:
    """An LGBF folder holding the real values and information files and the given family groups."""
    folder = tmp_path / "lgbf"
    folder.mkdir()
    for name in ("lgbf-values-real.csv", "lgbf-indicator-information.csv"):
        shutil.copy(LGBF / name, folder / name)
    groups.to_csv(folder / "lgbf-family-groups.csv", index=False, encoding="utf-8-sig")
    return folder


def test_family_groups_spelt_differently_still_match(tmp_path, raw, imported):
    _, _, groups = raw
    respelt = groups.replace(
        {
            "Stirling": "Stirling Council",
            "Perth & Kinross": "Perth and Kinross",
            "Edinburgh City": "City of Edinburgh",
            "Eilean Siar": "Na h-Eileanan Siar",
        }
    )
    import_lgbf(copy_with_groups(tmp_path, respelt), "Stirling", tmp_path / "out")
    got = pmkit.open_source(tmp_path / "out").benchmarks()
    pd.testing.assert_frame_equal(got, imported["Stirling"][1]["benchmarks"])


def test_family_group_naming_an_unknown_council_is_an_error(tmp_path, raw):
    _, _, groups = raw
    folder = copy_with_groups(tmp_path, groups.replace({"Moray": "Morray"}))
    with pytest.raises(
        SourceError, match="lgbf-family-groups.csv: council.* not found in lgbf-values-real.csv: Morray"
    ):
        import_lgbf(folder, "Stirling", tmp_path / "out")


# --- the project around the source ---------------------------------------------------------------


def test_the_project_is_set_up_for_the_council(imported):
    summary, tables = imported["Stirling"]
    project = summary.project
    assert summary.out == project / "data" / "stirling-lgbf"
    settings = yaml.safe_load((project / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    assert settings["council"] == summary.report_name == "Stirling Council"
    assert settings["source"] == "data/stirling-lgbf"
    assert (settings["reporting"], settings["comparator_group"], settings["national_group"]) == (
        "annual",
        "family_group",
        "scotland",
    )
    params = {
        path.stem: yaml.safe_load(path.read_text(encoding="utf-8"))["directorate"]
        for path in (project / "params" / "directorates").glob("*.yaml")
    }
    assert sorted(params.values()) == sorted(tables["indicators"]["directorate"].unique())
    assert params["environmental-services"] == "Environmental Services" and len(params) == 9
    assert summary.directorates == tuple(sorted(params))
    for part in ("notebooks/service_area.ipynb", "params/codebook.yaml", "params/topics.yaml", "README.md"):
        assert (project / part).is_file(), part
    assert "project for Stirling Council in" in summary.lines()[-1]


def test_the_source_in_the_project_is_what_import_lgbf_writes(imported, tmp_path):
    summary, _ = imported["Aberdeen City"]
    import_lgbf(LGBF, "Aberdeen City", tmp_path)
    for name in ("indicators.csv", "measures.csv", "benchmarks.csv"):
        assert (tmp_path / name).read_bytes() == (summary.out / name).read_bytes(), name


@pytest.mark.parametrize(
    ("lgbf", "cover"),
    [
        ("Stirling", "Stirling Council"),
        ("Aberdeen City", "Aberdeen City Council"),
        ("Argyll & Bute", "Argyll & Bute Council"),
        ("Edinburgh City", "City of Edinburgh Council"),
        ("Eilean Siar", "Comhairle nan Eilean Siar"),
        ("Orkney Islands", "Orkney Islands Council"),
    ],
)
def test_cover_names(lgbf, cover):
    assert cover_name(lgbf) == cover


def test_the_command_writes_a_project_and_ends_with_the_next_steps(tmp_path, capsys):
    project = tmp_path / "aberdeen"
    assert main(["import", "lgbf", str(LGBF), "--council", "aberdeen city", "--out", str(project)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("Aberdeen City: wrote ") and lines[0].endswith(str(project / "data" / "aberdeen-lgbf"))
    assert lines[-3:-1] == [
        f"Aberdeen City Council: a pmkit project in {project}; next steps are in {project / 'README.md'}",
        f"  cd {project}",
    ]
    assert lines[-1] == "  pmkit run quarterly"
    assert (project / "params" / "defaults.yaml").is_file()


def test_an_existing_project_is_refused_before_anything_is_written(tmp_path, capsys):
    defaults = tmp_path / "params" / "defaults.yaml"
    defaults.parent.mkdir(parents=True)
    defaults.write_text("council: Somewhere Else\n", encoding="utf-8")
    with pytest.raises(PmkitError, match=r"params/defaults.yaml already exists"):
        import_lgbf_project(LGBF, "Stirling", tmp_path)
    assert main(["import", "lgbf", str(LGBF), "--council", "Stirling", "--out", str(tmp_path)]) == 2
    assert str(defaults) in capsys.readouterr().err
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["params", "params/defaults.yaml"]
    assert defaults.read_text(encoding="utf-8") == "council: Somewhere Else\n"
