"""End to end: papermill executes the report notebook per directorate; pages are published atomically."""

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from pmkit.runner import render
from pmkit.runner.layout import page_folder
from pmkit.runner.run import run_quarterly

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parents[1] / "data" / "mini_council"


@pytest.fixture
def project(tmp_path):
    """A small project: the real notebook and defaults, the mini council, two directorates."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "params" / "directorates").mkdir(parents=True)
    shutil.copy(ROOT / "params" / "defaults.yaml", tmp_path / "params" / "defaults.yaml")
    (tmp_path / "params" / "directorates" / "housing.yaml").write_text('directorate: "Housing"\n')
    (tmp_path / "params" / "directorates" / "place.yaml").write_text('directorate: "Place"\n')
    shutil.copytree(MINI, tmp_path / "data" / "mini")
    return tmp_path


def run(project, **kwargs):
    return run_quarterly(
        period="2025/26 Q2", source=str(project / "data" / "mini"), engine="nbconvert", root=project, **kwargs
    )


def test_each_directorate_gets_a_page_an_index_open_data_and_a_manifest(project):
    result = run(project, jobs=2)
    assert [r.ok for r in result.reports] == [True, True], [r.error for r in result.reports]
    folder = project / "outputs" / "2025-26-Q2" / "internal"
    assert result.folder == folder
    page = (folder / "housing.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in page and '<h1 class="title">Housing: performance report, 2025/26 Q2</h1>' in page
    assert re.search(r'data-indicator="HOU-01" data-status="red"', page)
    assert re.search(r'data-indicator="HOU-02" data-status="amber"', page)
    assert "Off target" in page and "Near target" in page  # words, not colour alone
    assert "<script" not in page.lower()  # commentary held a script tag; none survives, and no page script
    assert "DirectorateReport" not in page  # code hidden
    assert not re.search(r"(src|href)=\"https?://", page)  # self-contained
    alts = [re.search(r'alt="([^"]*)"', img) for img in re.findall(r"<img[^>]*>", page)]
    assert alts and all(a and len(a.group(1).strip()) > 20 for a in alts)
    index = (folder / "index.html").read_text(encoding="utf-8")
    assert 'href="housing.html"' in index and 'href="place.html"' in index and 'href="status.csv"' in index
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["period"] == "2025/26 Q2"
    assert set(manifest["inputs"]) >= {"indicators.csv", "measures.csv"}
    assert manifest["versions"]["papermill"]
    assert [r["ok"] for r in manifest["reports"]] == [True, True]
    package = json.loads((folder / "datapackage.json").read_text())
    assert package["resources"][0]["path"] == "status.csv"
    assert (project / "outputs" / "index.html").exists()


def test_public_audience_leaves_out_internal_only_indicators(project):
    path = project / "data" / "mini" / "indicators.csv"
    ind = pd.read_csv(path, dtype=str)
    ind.loc[ind.indicator_id == "HOU-02", "public"] = "no"
    ind.to_csv(path, index=False)
    result = run(project, audience="public", directorates=["housing"])
    page = (result.folder / "housing.html").read_text(encoding="utf-8")
    assert 'data-indicator="HOU-01"' in page and 'data-indicator="HOU-02"' not in page
    assert "Head of Housing" not in page  # owners are for internal reports
    assert result.folder == project / "outputs" / "public" / "2025-26-Q2"  # the public site
    site = project / "outputs" / "public"  # the run builds the public site: a page per public measure only
    assert (site / "index.html").exists() and (site / "indicators" / "hou-01.html").exists()
    assert not (site / "indicators" / "hou-02.html").exists()


def test_a_failing_report_keeps_the_last_good_page_and_does_not_stop_the_others(project):
    assert all(r.ok for r in run(project).reports)
    place = project / "outputs" / "2025-26-Q2" / "internal" / "place.html"
    good = place.read_bytes()
    nb = nbformat.read(project / "notebooks" / "service_area.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('assert directorate != "Place", "the Place data feed is broken"'))
    nbformat.write(nb, project / "notebooks" / "service_area.ipynb")
    result = run(project)
    outcome = {r.name: r for r in result.reports}
    assert outcome["housing"].ok and not outcome["place"].ok
    assert "the Place data feed is broken" in outcome["place"].error
    assert Path(outcome["place"].executed).exists()
    assert place.read_bytes() == good
    index = (result.folder / "index.html").read_text(encoding="utf-8")
    assert "This run failed; the last good report is shown" in index
    assert not list(result.folder.glob(".*.tmp"))


def test_plain_papermill_cli_runs_the_notebook_unchanged(project, tmp_path):
    out = tmp_path / "out.ipynb"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "papermill",
            "notebooks/service_area.ipynb",
            str(out),
            "-f",
            "params/directorates/housing.yaml",
            "-p",
            "source",
            "data/mini",
            "-p",
            "period",
            "2025/26 Q2",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    html = "".join(
        o.get("data", {}).get("text/html", "")
        for c in nbformat.read(out, as_version=4).cells
        for o in c.get("outputs", [])
    )
    assert 'data-indicator="HOU-01"' in html


def test_unknown_directorate_is_a_clear_error(project):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmkit.cli",
            "run",
            "quarterly",
            "--directorate",
            "parks",
            "--source",
            "data/mini",
            "--engine",
            "nbconvert",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 2
    assert "no params file or directorate called parks" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.skipif(
    not render.quarto_available(),
    reason="Quarto is not installed here (no `quarto` on PATH); the nbconvert path is tested instead",
)
def test_quarto_engine_renders_a_self_contained_page(project):
    result = run_quarterly(
        period="2025/26 Q2",
        source=str(project / "data" / "mini"),
        engine="quarto",
        root=project,
        directorates=["housing"],
    )
    assert result.reports[0].ok, result.reports[0].error
    page = (result.folder / "housing.html").read_text(encoding="utf-8")
    assert 'data-indicator="HOU-01" data-status="red"' in page
    # Judged by what the page loads: no src or href to another host, and no require.js or jQuery script
    # added (Quarto's own inline Bootstrap code may name jQuery in its text; that loads nothing).
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page, re.I)
    assert not re.search(r"<script[^>]*src=[^>]*(require|jquery)", page, re.I)
    assert page.count("<h1") == 1 and 'href="index.html"' in page


def test_quarto_engine_without_quarto_is_a_clear_error(project, monkeypatch):
    monkeypatch.setattr(render, "quarto_available", lambda: False)
    with pytest.raises(render.ReportError, match="no `quarto` executable is on PATH"):
        render.choose_engine("quarto")


def test_a_run_for_one_directorate_keeps_the_others_in_the_index(project):
    run(project)
    result = run(project, directorates=["place"])
    index = (result.folder / "index.html").read_text(encoding="utf-8")
    assert 'href="housing.html"' in index and 'href="place.html"' in index
    status = (result.folder / "status.csv").read_text(encoding="utf-8")
    assert "HOU-01" in status and "PL-01" in status  # open data covers the whole council


def test_a_run_warns_of_personal_data_in_public_commentary_and_still_publishes(project):
    (project / "data" / "mini" / "commentary.csv").write_text(
        "indicator_id,period,audience,text,actions\nHOU-01,2025/26 Q2,public,Ring Jo Bloggs on 01632 960111,\n",
        encoding="utf-8",
    )
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmkit.cli",
            "run",
            "quarterly",
            "--directorate",
            "housing",
            "--source",
            "data/mini",
            "--engine",
            "nbconvert",
            "--period",
            "2025/26 Q2",
            "--audience",
            "public",
            "--audience",
            "internal",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    warning = (
        "warning: commentary.csv:2:text: public commentary contains a name (Jo Bloggs) and a phone number "
        "(01632 960111); check it may be published"
    )
    assert done.stderr.splitlines().count(warning) == 1, done.stderr  # once, though two audiences were run
    assert (page_folder(project / "outputs", "2025-26-Q2", "public") / "housing.html").exists()
