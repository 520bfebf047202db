"""Projects: `pmkit init`, settings from the project a command runs in, and runs that fail early and clearly."""

import filecmp
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pmkit.cli import main
from pmkit.io import periods
from pmkit.io.settings import period_coverage, report_period
from pmkit.io.sources import open_source
from pmkit.judge.benchmarking import benchmark_groups
from pmkit.project.create import SCAFFOLD, init_project
from pmkit.runner.publish import write_atomic

ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parents[1] / "data" / "mini_council"


def listing(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_the_demo_project_uses_the_scaffold_s_notebooks_and_codebook_unchanged():
    """`pmkit init` copies the package's scaffold; the repository's own project must not drift from it."""
    for notebook in (ROOT / "notebooks").glob("*.ipynb"):
        assert filecmp.cmp(notebook, SCAFFOLD / "notebooks" / notebook.name, shallow=False), notebook.name
    assert sorted(p.name for p in (SCAFFOLD / "notebooks").glob("*.ipynb")) == sorted(
        p.name for p in (ROOT / "notebooks").glob("*.ipynb")
    )
    assert filecmp.cmp(ROOT / "params" / "codebook.yaml", SCAFFOLD / "params" / "codebook.yaml", shallow=False)


def test_init_with_a_source_writes_a_project_for_that_council(tmp_path, capsys):
    source = shutil.copytree(MINI, tmp_path / "returns")
    assert (
        main(
            [
                "init",
                str(tmp_path / "borsetshire"),
                "--council",
                "Borsetshire & Felpersham Council",
                "--source",
                str(source),
            ]
        )
        == 0
    )
    project = tmp_path / "borsetshire"
    defaults = yaml.safe_load((project / "params" / "defaults.yaml").read_text())
    assert defaults["council"] == "Borsetshire & Felpersham Council"
    assert defaults["source"] == str(source.resolve())  # outside the project: absolute
    assert defaults["rag_suspended"] == [] and defaults["reporting"] == "quarterly"
    assert defaults["comparator_group"] == "nearest_neighbours"  # the mini council's only benchmark group
    files = {p.name: yaml.safe_load(p.read_text()) for p in (project / "params" / "directorates").glob("*.yaml")}
    assert files == {"housing.yaml": {"directorate": "Housing"}, "place.yaml": {"directorate": "Place"}}
    assert sorted(p.name for p in (project / "notebooks").iterdir()) == [
        "annual_report.ipynb",
        "deep_dive.ipynb",
        "explore.ipynb",
        "service_area.ipynb",
    ]
    assert (project / "params" / "codebook.yaml").exists() and (project / "outputs").is_dir()
    assert list((project / "outputs").iterdir()) == []
    readme = (project / "README.md").read_text()
    assert readme.startswith("# Borsetshire & Felpersham Council: performance reports")
    assert "pmkit run quarterly" in readme and "--directorate housing" in readme
    assert "Thornbury" not in "".join(p.read_text(encoding="utf-8") for p in project.rglob("*.yaml"))
    assert "next steps are in" in capsys.readouterr().out


def test_init_inside_the_project_names_the_source_relative_to_it(tmp_path):
    shutil.copytree(MINI, tmp_path / "data" / "returns")
    init_project(tmp_path, "Borsetshire Council", str(tmp_path / "data" / "returns"))
    assert yaml.safe_load((tmp_path / "params" / "defaults.yaml").read_text())["source"] == "data/returns"


def test_init_without_a_source_explains_how_to_add_directorates(tmp_path):
    init_project(tmp_path / "new", "Borsetshire Council")
    project = tmp_path / "new"
    assert list((project / "params" / "directorates").glob("*.yaml")) == []
    note = (project / "params" / "directorates" / "README.txt").read_text()
    assert "directorate:" in note and "every directorate in the source gets a report" in note
    assert "pmkit template data" in (project / "README.md").read_text()
    assert yaml.safe_load((project / "params" / "defaults.yaml").read_text())["source"] == ""


def test_init_refuses_an_existing_project_and_an_invalid_source_writing_nothing(tmp_path, capsys):
    init_project(tmp_path / "p", "Borsetshire Council")
    before = listing(tmp_path / "p")
    assert main(["init", str(tmp_path / "p"), "--council", "Other"]) == 2
    assert "already a pmkit project" in capsys.readouterr().err
    assert listing(tmp_path / "p") == before
    bad = shutil.copytree(MINI, tmp_path / "bad")
    (bad / "measures.csv").write_text("indicator_id,period,value\nHOU-01,2025/26 Q2,45,2\n".replace("45,2", '"45,2"'))
    assert main(["init", str(tmp_path / "q"), "--council", "Borsetshire Council", "--source", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "measures.csv:2:value:" in err and "Traceback" not in err
    assert not (tmp_path / "q").exists()


def test_benchmark_groups_rank_in_the_smallest_and_draw_the_largest_as_national():
    rows = [("family_group", f"c{i}") for i in range(8)] + [("scotland", f"c{i}") for i in range(32)]
    groups = benchmark_groups(pd.DataFrame(rows, columns=["group", "authority_code"]))
    assert (groups.comparator, groups.national, groups.found) == (
        "family_group",
        "scotland",
        ("family_group", "scotland"),
    )


def test_a_command_outside_any_project_says_how_to_make_one(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["run", "quarterly"]) == 2
    err = capsys.readouterr().err
    assert "not a pmkit project" in err and "pmkit init DIR --council NAME" in err
    assert main(["run", "quarterly", "--project", str(tmp_path / "nowhere")]) == 2
    assert "has no params/defaults.yaml" in capsys.readouterr().err


@pytest.fixture
def project(tmp_path):
    shutil.copytree(MINI, tmp_path / "data" / "returns")
    return init_project(tmp_path / "borsetshire", "Borsetshire Council", str(tmp_path / "data" / "returns"))


def test_settings_come_from_the_project_the_command_runs_in(project, tmp_path, monkeypatch, capsys):
    """`pmkit status` inside the project, and from elsewhere with --project, uses its source and its settings."""
    (project / "params" / "defaults.yaml").write_text(
        (project / "params" / "defaults.yaml").read_text().replace("reporting: quarterly", "reporting: annual")
    )
    monkeypatch.chdir(project)
    assert main(["status", "--width", "200"]) == 0
    inside = capsys.readouterr().out
    monkeypatch.chdir(tmp_path)
    assert main(["status", "--project", str(project), "--width", "200"]) == 0
    assert capsys.readouterr().out == inside
    assert "Status for 2024/25" in inside  # annual reporting: the latest year with data for most indicators


def test_a_wrong_argument_fails_at_once_before_the_data_is_read(project):
    (project / "params" / "defaults.yaml").write_text(
        (project / "params" / "defaults.yaml").read_text().replace("data/returns", "data/missing-folder")
    )
    pmkit = [sys.executable, "-m", "pmkit.cli"]
    for args, message in [
        (["--period", "2025/26 Q5"], "cannot read period '2025/26 Q5'"),
        (
            ["--directorate", "adults"],
            "no params file or directorate called adults; expected one of: housing (Housing), place (Place)",
        ),
    ]:
        done = subprocess.run(
            [*pmkit, "run", "quarterly", *args], cwd=project, capture_output=True, text=True, timeout=60
        )
        # the source folder does not exist, so the argument was refused before any data was read
        assert done.returncode == 2 and done.stderr.strip() == f"pmkit: {message}" or message in done.stderr, (
            done.stderr
        )
        assert "missing-folder" not in done.stderr and "Traceback" not in done.stderr
    assert list((project / "outputs").iterdir()) == []


def test_a_period_without_data_is_refused_naming_the_latest_period_with_data(project, monkeypatch, capsys):
    monkeypatch.chdir(project)
    assert main(["run", "quarterly", "--period", "2025/26 Q4"]) == 2
    err = capsys.readouterr().err
    assert (
        "2025/26 Q4 has no data for Housing (its latest figures: Sep 2025), Place (its latest figures: 2024/25); "
        "the latest quarter with data for most indicators is 2025/26 Q2"
    ) in err
    assert list((project / "outputs").iterdir()) == []


def test_a_params_file_for_another_council_stops_a_full_run_before_any_report(project, monkeypatch, capsys):
    shutil.copy(ROOT / "params" / "directorates" / "adults.yaml", project / "params" / "directorates" / "adults.yaml")
    monkeypatch.chdir(project)
    assert main(["run", "quarterly"]) == 2
    err = capsys.readouterr().err
    assert (
        'params/directorates/adults.yaml names "Adults\' Social Care", which is not a directorate in the source' in err
    )
    assert "(its directorates: Housing, Place)" in err and "delete it" in err
    assert list((project / "outputs").iterdir()) == []


def test_a_params_file_that_names_no_directorate_is_an_error_naming_it(project, monkeypatch, capsys):
    (project / "params" / "directorates" / "roads.yaml").write_text("# to do\n")
    monkeypatch.chdir(project)
    assert main(["run", "quarterly"]) == 2
    assert "params/directorates/roads.yaml: names no directorate" in capsys.readouterr().err


def test_the_default_period_is_the_latest_with_data_for_most_indicators():
    """Six of ten indicators published for 2024/25 is most; two of ten for 2025/26 is not."""
    register = pd.DataFrame({"indicator_id": [f"I{i}" for i in range(10)], "frequency": ["annual"] * 10})
    rows = [(f"I{i}", "2023/24", 1.0) for i in range(10)] + [(f"I{i}", "2024/25", 1.0) for i in range(6)]
    rows += [(f"I{i}", "2025/26", 1.0) for i in range(2)] + [("I9", "2025/26", None)]
    measures = pd.DataFrame(rows, columns=["indicator_id", "period", "value"])
    coverage = period_coverage(measures, register, "annual")
    labels = {periods.Period(int(s), "annual").label: (w, o) for s, w, o in coverage.itertuples(index=False)}
    assert labels == {"2023/24": (10, 10), "2024/25": (6, 10), "2025/26": (2, 10)}

    class Held:
        def measures(self):
            return measures

        def indicators(self):
            return register

    assert report_period(Held(), None, "annual").label == "2024/25"
    assert report_period(Held(), "2025/26", "annual").label == "2025/26"  # asked for: taken as asked


def test_published_files_get_the_mode_the_umask_gives_a_new_file(tmp_path):
    path = write_atomic(tmp_path / "page.html", "<p>hello</p>")
    umask = os.umask(0o022)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask
    probe = tmp_path / "probe"
    probe.write_text("x")  # an ordinary new file, for comparison
    assert path.stat().st_mode & 0o777 == probe.stat().st_mode & 0o777


def test_a_stray_params_file_is_only_noted_when_the_run_asks_for_other_directorates(project):
    from pmkit.io.settings import load_settings
    from pmkit.reports.quarterly import Quarterly

    shutil.copy(ROOT / "params" / "directorates" / "adults.yaml", project / "params" / "directorates" / "adults.yaml")
    settings = load_settings(None, project)
    plan = Quarterly().plan(open_source(settings["source"]), settings, project, directorate=["housing"])
    assert [job.name for job in plan.jobs] == ["housing"]
    assert plan.notes == (
        'params/directorates/adults.yaml names "Adults\' Social Care", which is not in the source; it was left out',
    )
    assert plan.directorates == ["Housing", "Place"]  # the open data still covers the council's directorates


def test_a_directorate_without_figures_for_the_default_period_is_left_out_and_said_so(project, monkeypatch, capsys):
    """Parks last reported in 2024/25 Q4: a run for the default quarter (2025/26 Q2) leaves it out with a
    note; asking for Parks by name is refused, since its page would say only "No data"."""
    from pmkit.io.settings import load_settings
    from pmkit.reports.quarterly import Quarterly

    returns = project.parent / "data" / "returns"
    with open(returns / "indicators.csv", "a", encoding="utf-8") as f:
        f.write(
            "PK-01,Parks with a Green Flag,Parks,Parks,Green spaces,Head of Parks,count,higher_is_better,quarterly,0,0.05,relative,,yes,no\n"
        )
    with open(returns / "measures.csv", "a", encoding="utf-8") as f:
        f.write("PK-01,2024/25 Q3,11,final\nPK-01,2024/25 Q4,12,final\n")
    (project / "params" / "directorates" / "parks.yaml").write_text("directorate: Parks\n")
    settings = load_settings(None, project)
    plan = Quarterly().plan(open_source(settings["source"]), settings, project)
    assert plan.period.label == "2025/26 Q2" and [job.name for job in plan.jobs] == ["housing", "place"]
    assert plan.notes == (
        "Parks has no figures for 2025/26 Q2 (its latest: 2024/25 Q4), so it has no report this time",
    )
    monkeypatch.chdir(project)
    assert main(["run", "quarterly", "--directorate", "parks"]) == 2
    assert "2025/26 Q2 has no data for Parks (its latest figures: 2024/25 Q4)" in capsys.readouterr().err
