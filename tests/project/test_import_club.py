"""The benchmarking club: a project for every Scottish council from one reading of the LGBF files.

The data lives outside the repository, in ``../shared/data/real/scotland-lgbf`` beside it; the
tests are skipped where it is absent. Expected figures are worked out here from the raw values
file with the csv module, independently of the importer.
"""

import csv
import os
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmkit.errors import PmkitError
from pmkit.project.importers.lgbf import council_code, cover_name, import_lgbf_club, import_lgbf_project
from pmkit.runner.layout import manifest_path

LGBF = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "scotland-lgbf").resolve()
VALUES = LGBF / "lgbf-values-real.csv"

pytestmark = [
    pytest.mark.skipif(
        not VALUES.is_file(),
        reason="real LGBF data not found in ../shared/data/real/scotland-lgbf beside the repository",
    ),
    pytest.mark.xdist_group("lgbf-club"),  # one worker imports the club once for all these tests
]


def read_csv_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f))


def lgbf_councils() -> set[str]:
    return {r["LocalAuthority"] for r in read_csv_rows(VALUES)} - {""}


def expected_measures(council: str) -> dict[tuple[str, str], float]:
    """(code, ``2022/23``) -> value for the council's single-year rows, percentages (but the gaps CHN14a/b) x 100."""
    info = {r["Code"]: r["MeasureType"] for r in read_csv_rows(LGBF / "lgbf-indicator-information.csv")}
    expected = {}
    for r in read_csv_rows(VALUES):
        year = re.fullmatch(r"(\d{4})-(\d{2})", r["Year"].strip())
        if r["LocalAuthority"] != council or not year or int(year[2]) != (int(year[1]) + 1) % 100:
            continue
        try:
            value = float(r["LA_IndicatorReal"])
        except ValueError:
            continue
        percent = info[r["Code"]] == "Percentage" and r["Code"] not in {"CHN14a", "CHN14b"}
        expected[(r["Code"], f"{year[1]}/{year[2]}")] = value * (100 if percent else 1)
    return expected


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def club(tmp_path_factory):
    """Every council imported into one folder, counting how often the values file is read."""
    out = tmp_path_factory.mktemp("club") / "club"
    reads = []
    read_csv = pd.read_csv

    def counting_read_csv(path, *args, **kwargs):
        if isinstance(path, (str, os.PathLike)):
            reads.append(Path(path).name)
        return read_csv(path, *args, **kwargs)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pd, "read_csv", counting_read_csv)
        summaries = import_lgbf_club(LGBF, out)
    return out, summaries, reads


def test_a_project_for_each_of_the_32_councils(club):
    out, summaries, reads = club
    councils = lgbf_councils()
    assert len(councils) == 32
    assert sorted(p.name for p in out.iterdir()) == sorted(council_code(c) for c in councils)
    assert {s.council for s in summaries} == councils
    assert reads.count(VALUES.name) == 1
    for summary in summaries:
        code = council_code(summary.council)
        assert summary.project == out / code and summary.out == out / code / "data" / f"{code}-lgbf"
        settings = yaml.safe_load((summary.project / "params" / "defaults.yaml").read_text(encoding="utf-8"))
        assert settings["council"] == summary.report_name == cover_name(summary.council)
        assert settings["source"] == f"data/{code}-lgbf"


@pytest.mark.parametrize("council", ["Eilean Siar", "Perth & Kinross"])
def test_each_project_holds_the_councils_own_figures(club, council):
    out, _, _ = club
    written = read_csv_rows(out / council_code(council) / "data" / f"{council_code(council)}-lgbf" / "measures.csv")
    got = {(r["indicator_id"], r["period"]): float(r["value"]) for r in written}
    expected = expected_measures(council)
    assert len(got) == len(written) == len(expected) > 800
    assert got.keys() == expected.keys()
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-12), key


@pytest.mark.parametrize("council", ["Stirling", "Edinburgh City"])
def test_each_project_is_what_the_single_import_writes(club, council, tmp_path):
    out, summaries, _ = club
    code = council_code(council)
    single = import_lgbf_project(LGBF, council, tmp_path / code)
    assert files_of(out / code) == files_of(tmp_path / code)
    in_club = next(s for s in summaries if s.council == council)
    assert in_club.lines() == [line.replace(str(tmp_path), str(out)) for line in single.lines()]


def test_a_folder_holding_one_of_the_projects_is_refused_before_anything_is_written(tmp_path):
    defaults = tmp_path / "fife" / "params" / "defaults.yaml"
    defaults.parent.mkdir(parents=True)
    defaults.write_text("council: Fife Council\n", encoding="utf-8")
    with pytest.raises(PmkitError) as caught:
        import_lgbf_club(LGBF, tmp_path)
    assert str(tmp_path) in str(caught.value) and str(defaults) in str(caught.value)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == [
        "fife",
        "fife/params",
        "fife/params/defaults.yaml",
    ]


@pytest.mark.e2e
def test_the_club_runs_as_one_batch_on_a_dask_cluster(club, tmp_path):
    """One public annual report per council on a LocalCluster the test starts: every page published in
    its own project, one failing council isolated, and a page the same as a local run's."""
    import html
    import shutil

    import nbformat
    from distributed import LocalCluster

    from pmkit.runner.run import run_batch, run_report

    imported, summaries, _ = club
    out = tmp_path / "club"
    shutil.copytree(imported, out)  # the other tests compare the imported projects: this one changes a notebook
    summaries = [replace(s, project=out / s.project.name) for s in summaries]
    projects = sorted(p for p in out.iterdir() if p.is_dir())
    for project in projects:  # the public site (tested on the demo) would add a minute a council to this batch
        with (project / "params" / "defaults.yaml").open("a", encoding="utf-8") as defaults:
            defaults.write("\npublic_site: false\n")
    broken = out / "fife" / "notebooks" / "annual_report.ipynb"
    nb = nbformat.read(broken, as_version=4)
    nb.cells.insert(2, nbformat.v4.new_code_cell('raise RuntimeError("the Fife feed is broken")'))
    nbformat.write(nb, broken)

    with LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        dashboard_address=None,
        scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
    ) as cluster:
        results = run_batch(
            "annual", projects, ["public"], engine="nbconvert", jobs=2, scheduler=cluster.scheduler_address
        )

    assert len(results) == 32
    outcome = {r.folder.parents[2].name: r.reports[0] for r in results}
    assert not outcome["fife"].ok and "RuntimeError: the Fife feed is broken" in outcome["fife"].error
    assert Path(outcome["fife"].executed).is_file()  # kept, with the failing cell
    assert [name for name, r in outcome.items() if not r.ok] == ["fife"]
    for result, summary in zip(results, sorted(summaries, key=lambda s: s.project), strict=True):
        assert result.folder.parents[2] == summary.project
        manifest = yaml.safe_load(
            (manifest_path(result.folder.parents[1], result.folder.name, "public")).read_text(encoding="utf-8")
        )  # JSON is YAML
        assert manifest["kind"] == "annual" and manifest["parameters"]["audience"] == "public"
        if summary.project.name == "fife":
            continue
        page = (result.folder / "annual-report.html").read_text(encoding="utf-8")
        assert html.escape(f"{summary.report_name}: annual report {result.period}", quote=False) in page
        assert 'href="annual-report.html"' in (result.folder / "index.html").read_text(encoding="utf-8")
        assert not list(result.folder.glob("*.tmp")) and not list(result.folder.glob(".*"))

    # Without --year: the latest complete year with figures for most of a council's indicators, worked
    # out here from the raw values file (LGBF's newest year holds only a few early figures)
    stirling_summary = next(s for s in summaries if s.project.name == "stirling")
    per_year = Counter(year for _, year in expected_measures("Stirling"))
    expected_year = max(y for y, n in per_year.items() if n * 2 > stirling_summary.indicators)
    assert next(r for r in results if r.folder.parents[2].name == "stirling").period == expected_year == "2022/23"

    stirling = out / "stirling"
    local = run_report("annual", audience="public", root=stirling, engine="nbconvert", out=tmp_path / "local")
    assert local.reports[0].ok
    on_cluster = outcome["stirling"]
    assert (
        (tmp_path / "local" / local.folder.relative_to(tmp_path / "local")) / "annual-report.html"
    ).read_bytes() == (
        stirling / "outputs" / local.folder.relative_to(tmp_path / "local") / on_cluster.file
    ).read_bytes()
