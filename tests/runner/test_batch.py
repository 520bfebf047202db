"""Batches: warm kernels whose pages do not depend on order, settings in layers, the source validated
once per batch, several projects in one batch, and --changed-only."""

import io
import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

import pmkit.io.sources
from pmkit.errors import PmkitError
from pmkit.runner.layout import page_folder
from pmkit.runner.run import run_batch, run_quarterly

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parents[1] / "data" / "mini_council"
PERIOD = "2025/26 Q2"


def make_project(folder: Path, council: str = "Thornbury Vale Council") -> Path:
    """The real notebooks and defaults, the mini council as the project's own source, two directorates."""
    shutil.copytree(ROOT / "notebooks", folder / "notebooks")
    (folder / "params" / "directorates").mkdir(parents=True)
    defaults = (ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8")
    defaults = defaults.replace("source: data/pmkit.duckdb", "source: data/mini").replace(
        "Thornbury Vale Council", council
    )
    (folder / "params" / "defaults.yaml").write_text(defaults)
    (folder / "params" / "directorates" / "housing.yaml").write_text('directorate: "Housing"\n')
    (folder / "params" / "directorates" / "place.yaml").write_text('directorate: "Place"\n')
    shutil.copytree(MINI, folder / "data" / "mini")
    return folder


@pytest.fixture
def project(tmp_path):
    return make_project(tmp_path / "council")


def page(project: Path, name: str, audience: str = "internal") -> str:
    return (page_folder(project / "outputs", "2025-26-Q2", audience) / f"{name}.html").read_text(encoding="utf-8")


def add_cell(project: Path, source: str) -> None:
    path = project / "notebooks" / "service_area.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(source))
    nbformat.write(nb, path)


def test_a_page_does_not_depend_on_which_kernel_ran_it_or_what_ran_there_before(project):
    # A report that leaves a variable, a changed chart setting and a shown-once warning behind, and
    # reports what it found when it started: a warm kernel must have cleared all three.
    add_cell(
        project,
        "\n".join(
            [
                "import warnings, matplotlib",
                "from IPython.display import display, HTML",
                'display(HTML(f\'<p id="slate">leftover={"leftover" in globals()} \'',
                "             f'linewidth={matplotlib.rcParams[\"lines.linewidth\"]}</p>'))",
                "leftover = 1",
                "matplotlib.rcParams['lines.linewidth'] = 9",
                "warnings.warn('shown once per kernel unless the slate is clean')",
            ]
        ),
    )
    one_kernel = run_quarterly(period=PERIOD, engine="nbconvert", jobs=1, root=project)  # housing, then place on it
    assert [r.ok for r in one_kernel.reports] == [True, True], [r.error for r in one_kernel.reports]
    second = page(project, "place")
    first = page(project, "housing")
    assert '<p id="slate">leftover=False linewidth=1.5</p>' in second
    work = project / "outputs" / "_executed" / "2025-26-Q2" / "internal"
    for name in ("housing", "place"):  # warnings go to the executed notebook (the page leaves stderr out)
        assert "shown once per kernel" in (work / f"{name}.ipynb").read_text(encoding="utf-8")

    alone = run_quarterly(period=PERIOD, directorates=["place"], engine="nbconvert", jobs=1, root=project)
    assert alone.reports[0].ok
    assert page(project, "place") == second  # fresh kernel, same page, byte for byte

    side_by_side = run_quarterly(period=PERIOD, engine="nbconvert", jobs=2, root=project)
    assert [r.ok for r in side_by_side.reports] == [True, True]
    assert page(project, "housing") == first and page(project, "place") == second
    executed = work / "place.ipynb"
    counts = [c.execution_count for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    assert counts == list(range(1, len(counts) + 1))  # numbered from 1 whatever ran on the kernel before


def test_settings_come_in_layers_and_the_source_is_validated_once_per_batch(project, monkeypatch):
    (project / "params" / "quarterly.yaml").write_text("council: Quarterly Layer Council\n")
    (project / "params" / "directorates" / "housing.yaml").write_text(
        'directorate: "Housing"\ncouncil: Housing Layer Council\n'
    )
    validations = []
    real = pmkit.io.sources.validate_tables
    monkeypatch.setattr(pmkit.io.sources, "validate_tables", lambda *a, **k: validations.append(1) or real(*a, **k))

    internal, public = run_batch(
        "quarterly", [project], ["internal", "public"], period=PERIOD, engine="nbconvert", jobs=2
    )
    assert all(r.ok for r in internal.reports + public.reports), [r.error for r in internal.reports + public.reports]
    assert len(validations) == 1  # four reports, one validation
    assert "Housing Layer Council: how the" in page(project, "housing")  # the directorate's file beats the kind's
    assert "Quarterly Layer Council: how the" in page(project, "place")  # the kind's file beats defaults.yaml
    assert "Housing Layer Council: how the" in page(project, "housing", "public")
    executed = nbformat.read(
        project / "outputs" / "_executed" / "2025-26-Q2" / "internal" / "place.ipynb", as_version=4
    )
    injected = next(c.source for c in executed.cells if "injected-parameters" in c.metadata.get("tags", []))
    assert re.search(
        r'source = "outputs/\.pmkit-tmp/run-[^"]+/source\.pmkit-snapshot"', injected
    )  # not the server path

    command_line = run_quarterly(
        period=PERIOD, engine="nbconvert", jobs=2, root=project, params={"council": "Command Line Council"}
    )
    assert all(r.ok for r in command_line.reports)
    assert "Command Line Council: how the" in page(project, "housing")  # -p beats every file
    assert "Command Line Council: how the" in page(project, "place")
    manifest = json.loads((project / "outputs" / "2025-26-Q2" / "internal" / "manifest.json").read_text())
    assert manifest["parameters"]["council"] == "Command Line Council"
    entry = next(p for p in manifest["published"] if p["name"] == "housing")
    assert entry["parameters"]["overrides"] == {"council": "Command Line Council"}


def test_a_layer_cannot_set_what_a_run_option_sets(project):
    with pytest.raises(PmkitError, match=r"-p period: period cannot be set here; it is set with --period"):
        run_quarterly(engine="nbconvert", root=project, params={"period": "2025/26 Q1"})
    (project / "params" / "quarterly.yaml").write_text("source: elsewhere.duckdb\n")
    with pytest.raises(PmkitError, match=r"params/quarterly.yaml: source cannot be set here"):
        run_quarterly(engine="nbconvert", root=project)
    (project / "params" / "quarterly.yaml").unlink()
    (project / "params" / "directorates" / "place.yaml").write_text('directorate: "Place"\naudience: public\n')
    with pytest.raises(
        PmkitError, match=r"params/directorates/place.yaml: audience cannot be set here; it is set with --audience"
    ):
        run_quarterly(engine="nbconvert", root=project)


def test_changed_only_reruns_what_changed_and_says_so(project):
    first = run_quarterly(period=PERIOD, engine="nbconvert", jobs=2, root=project, changed_only=True)
    assert [(r.ok, r.skipped) for r in first.reports] == [(True, False), (True, False)]  # nothing published yet
    folder = project / "outputs" / "2025-26-Q2" / "internal"
    stamps = {name: (folder / f"{name}.html").stat().st_mtime_ns for name in ("housing", "place")}

    again = run_quarterly(period=PERIOD, engine="nbconvert", jobs=2, root=project, changed_only=True)
    assert [(r.ok, r.skipped) for r in again.reports] == [(True, True), (True, True)]
    assert {n: (folder / f"{n}.html").stat().st_mtime_ns for n in stamps} == stamps

    measures = project / "data" / "mini" / "measures.csv"
    measures.write_text(measures.read_text().replace("PL-01,2024/25,19.0,final", "PL-01,2024/25,18.0,final"))
    index_before = (folder / "index.html").stat().st_mtime_ns
    place_changed = run_quarterly(period=PERIOD, engine="nbconvert", jobs=2, root=project, changed_only=True)
    assert [(r.name, r.skipped) for r in place_changed.reports] == [("housing", True), ("place", False)]
    assert (folder / "housing.html").stat().st_mtime_ns == stamps["housing"]
    assert (folder / "place.html").stat().st_mtime_ns > stamps["place"]
    assert (folder / "index.html").stat().st_mtime_ns > index_before
    assert "18" in page(project, "place")

    add_cell(project, "print('a changed notebook')")
    notebook_changed = run_quarterly(period=PERIOD, engine="nbconvert", jobs=2, root=project, changed_only=True)
    assert [r.skipped for r in notebook_changed.reports] == [False, False]


def test_changed_only_on_the_command_line_says_which_reports_it_skipped(project):
    command = [
        sys.executable,
        "-m",
        "pmkit.cli",
        "run",
        "quarterly",
        "--engine",
        "nbconvert",
        "--period",
        PERIOD,
        "--jobs",
        "2",
        "--changed-only",
    ]
    assert subprocess.run(command, cwd=project, capture_output=True, text=True).returncode == 0
    done = subprocess.run(command, cwd=project, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "skipped Housing: performance report, 2025/26 Q2 (unchanged since its last publication)" in done.stdout
    assert re.search(
        r"Place: performance report, 2025/26 Q2\s+skipped\s+0\.0\s+outputs/2025-26-Q2/internal/place.html", done.stdout
    )


def test_several_projects_run_as_one_batch_each_publishing_in_its_own_folder(tmp_path):
    north = make_project(tmp_path / "north", "North Vale Council")
    south = make_project(tmp_path / "south", "South Vale Council")
    results = run_batch("quarterly", [north, south], ["internal"], period=PERIOD, engine="nbconvert", jobs=2)
    assert [r.folder for r in results] == [
        north / "outputs" / "2025-26-Q2" / "internal",
        south / "outputs" / "2025-26-Q2" / "internal",
    ]
    assert all(r.ok for result in results for r in result.reports)
    assert "North Vale Council: how the" in page(north, "housing")
    assert "South Vale Council: how the" in page(south, "housing")
    assert not (north / "outputs" / ".pmkit-tmp").exists() or not any((north / "outputs" / ".pmkit-tmp").iterdir())


def test_a_topic_layers_its_own_settings_over_the_deep_dive_file(project):
    from pmkit.io.settings import load_settings
    from pmkit.io.sources import open_source
    from pmkit.reports import KINDS

    (project / "params" / "topics.yaml").write_text(
        "topics:\n  homes:\n    title: Homes\n    indicators: [HOU-01, HOU-02]\n"
        "    settings: {comparator_group: family_group}\n"
    )
    src = open_source(project / "data" / "mini")
    plan = KINDS.get("deep-dive").plan(src, load_settings(None, project), project, topic="homes", period=PERIOD)
    assert plan.jobs[0].parameters == {
        "comparator_group": "family_group",
        "indicator": None,
        "topic": "homes",
        "period": PERIOD,
    }
    (project / "params" / "topics.yaml").write_text(
        "topics:\n  homes:\n    indicators: [HOU-01]\n    settings: {period: 2025/26 Q1}\n"
    )
    with pytest.raises(
        PmkitError, match=r"params/topics.yaml: topic 'homes': period cannot be set here; it is set with --period"
    ):
        KINDS.get("deep-dive").plan(src, load_settings(None, project), project, topic="homes", period=PERIOD)


def test_scheduler_local_runs_the_batch_on_a_local_dask_cluster_and_reports_progress_from_its_workers(project):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmkit.cli",
            "run",
            "quarterly",
            "--engine",
            "nbconvert",
            "--period",
            PERIOD,
            "--jobs",
            "2",
            "--scheduler",
            "local",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    for title in ("Housing: performance report, 2025/26 Q2", "Place: performance report, 2025/26 Q2"):
        assert f"started {title}" in done.stdout  # sent by the worker as a Dask event
        assert re.search(rf"published {re.escape(title)} \(\d+\.\d s\)", done.stdout)
    assert done.stderr == "", done.stderr  # no Dask or kernel chatter
    assert '<h1 class="title">Housing: performance report, 2025/26 Q2</h1>' in page(project, "housing")
    manifest = json.loads((project / "outputs" / "2025-26-Q2" / "internal" / "manifest.json").read_text())
    assert [r["ok"] for r in manifest["reports"]] == [True, True]


def test_two_audiences_in_one_batch_are_two_lines_of_progress(project):
    from pmkit.runner.progress import PlainProgress

    out = io.StringIO()
    run_batch(
        "quarterly",
        [project],
        ["internal", "public"],
        period=PERIOD,
        directorate=["place"],
        engine="nbconvert",
        jobs=2,
        progress=PlainProgress(out),
    )
    lines = out.getvalue().splitlines()
    assert sorted(line for line in lines if line.startswith("started")) == [
        "started Place: performance report, 2025/26 Q2 (internal)",
        "started Place: performance report, 2025/26 Q2 (public)",
    ]
    assert sum(line.startswith("published") for line in lines) == 2


def drawings(outputs: Path) -> dict[str, int]:
    """The drawings an outputs folder's store holds: file name -> inode (a drawing written again is a new file)."""
    return {p.name: p.stat().st_ino for p in outputs.glob(".pmkit-drawings/*/*.json")}


def test_a_chart_is_drawn_once_for_both_audiences_and_later_runs_and_each_page_is_as_it_would_be_alone(project):
    images = re.compile(r"data:image/png;base64,[A-Za-z0-9+/=]+")

    def shown(out: Path) -> set[str]:
        """Every distinct image of the pages published in ``out`` (the public site's measures' pages too)."""
        return {image for html in out.rglob("*.html") for image in images.findall(html.read_text(encoding="utf-8"))}

    def quarterly(audiences: list[str], out: Path) -> None:
        runs = run_batch(
            "quarterly",
            [project],
            audiences,
            period=PERIOD,
            directorate=["housing"],
            engine="nbconvert",
            out=out,
            jobs=2,
        )
        assert all(r.ok for run in runs for r in run.reports), [r.error for run in runs for r in run.reports]

    # Alone, into outputs folders of their own: every chart drawn afresh, one drawing per distinct image shown.
    alone = {}
    for audience in ("public", "internal"):
        out = project / f"alone-{audience}"
        quarterly([audience], out)
        alone[audience] = (page_folder(out, "2025-26-Q2", audience) / "housing.html").read_text(encoding="utf-8")
        assert len(drawings(out)) == len(shown(out))

    # Together, the store holds one drawing per distinct image of the pages. A chart's picture is the same
    # for both audiences, so every image on the public page is one the internal page shows too (the words that
    # differ are the alt text and the text around it). Each page is byte for byte the page drawn alone.
    outputs = project / "outputs"
    quarterly(["internal", "public"], outputs)
    together = {audience: page(project, "housing", audience) for audience in ("internal", "public")}
    internal, public = (set(images.findall(together[a])) for a in ("internal", "public"))
    assert len(drawings(outputs)) == len(shown(outputs))
    assert len(public) >= 3 and public <= internal
    assert together == alone

    # A later run reuses them: the deep dive of one of the directorate's indicators shows a chart of the
    # quarterly page without drawing it again, and draws only what is new to it.
    before, earlier = drawings(outputs), shown(outputs)
    runs = run_batch("deep-dive", [project], ["internal"], period=PERIOD, indicator="HOU-02", engine="nbconvert")
    assert all(r.ok for run in runs for r in run.reports), [r.error for run in runs for r in run.reports]
    dive = set(images.findall(page(project, "deep-dive-hou-02")))
    after = drawings(outputs)
    assert dive & internal
    assert {name: after[name] for name in before} == before  # none drawn again
    assert len(after) - len(before) == len(dive - earlier)
