"""Progress while a run runs and the summary after it: plain lines off a terminal, a rich display on
one, a closing table, and no kernel or library chatter on the console."""

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from rich.console import Console

from pmkit.runner.jobs import ReportResult, RunResult
from pmkit.runner.progress import LiveProgress, PlainProgress, estimate_left, plain_summary, print_summary, summary_rows
from pmkit.runner.run import run_quarterly

ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parents[1] / "data" / "mini_council"
HOUSING = "Housing: performance report, 2025/26 Q2"
PLACE = "Place: performance report, 2025/26 Q2"


@pytest.fixture
def project(tmp_path):
    """A small project: the real notebook and defaults, the mini council as its source, two directorates."""
    shutil.copytree(ROOT / "notebooks", tmp_path / "notebooks")
    (tmp_path / "params" / "directorates").mkdir(parents=True)
    defaults = (ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8")
    (tmp_path / "params" / "defaults.yaml").write_text(
        defaults.replace("source: data/pmkit.duckdb", "source: data/mini")
    )
    (tmp_path / "params" / "directorates" / "housing.yaml").write_text('directorate: "Housing"\n')
    (tmp_path / "params" / "directorates" / "place.yaml").write_text('directorate: "Place"\n')
    shutil.copytree(MINI, tmp_path / "data" / "mini")
    return tmp_path


def edit_notebook(project: Path, change) -> None:
    path = project / "notebooks" / "service_area.ipynb"
    nb = nbformat.read(path, as_version=4)
    change(nb)
    nbformat.write(nb, path)


@pytest.mark.e2e
def test_plain_lines_name_each_state_change_that_matters(project):
    edit_notebook(
        project,
        lambda nb: nb.cells.append(
            nbformat.v4.new_code_cell(
                'if directorate == "Place":\n    raise RuntimeError("the Place data feed is broken")'
            )
        ),
    )
    out = io.StringIO()
    cwd = os.getcwd()
    result = run_quarterly(period="2025/26 Q2", engine="nbconvert", jobs=2, root=project, progress=PlainProgress(out))
    assert os.getcwd() == cwd  # papermill's chdir from two threads must not leave the run in the project
    assert [r.ok for r in result.reports] == [True, False], [r.error for r in result.reports]
    lines = out.getvalue().splitlines()
    assert sorted(lines[:2]) == [f"started {HOUSING}", f"started {PLACE}"]
    assert len(lines) == 4, lines
    published = next(line for line in lines if line.startswith("published"))
    assert re.fullmatch(rf"published {re.escape(HOUSING)} \(\d+\.\d s\)", published)
    assert f"published {HOUSING} ({result.reports[0].seconds:.1f} s)" == published
    failed = next(line for line in lines if line.startswith("FAILED"))
    assert re.fullmatch(rf"FAILED {re.escape(PLACE)}: RuntimeError: the Place data feed is broken \(cell \d+\)", failed)


def test_a_run_without_an_observer_prints_nothing_of_its_own():
    import inspect

    from pmkit.runner.run import run_batch

    assert inspect.signature(run_batch).parameters["progress"].default is None


def test_summary_rows_and_plain_table(tmp_path):
    folder = tmp_path / "outputs" / "2025-26-Q2" / "internal"
    folder.mkdir(parents=True)
    (folder / "housing.html").write_text("<html></html>")
    (folder / "place.html").write_text("<html>last good</html>")
    result = RunResult(
        folder,
        "2025/26 Q2",
        "internal",
        "nbconvert",
        reports=[
            ReportResult("housing", HOUSING, "housing.html", True, 12.34, "x.ipynb"),
            ReportResult("place", PLACE, "place.html", False, 3.0, "y.ipynb", "RuntimeError: broken (cell 15)"),
            ReportResult("parks", "Parks", "parks.html", False, 0.5, "z.ipynb", "KeyError: 'x'"),
        ],
    )
    assert summary_rows(result, tmp_path) == [
        (HOUSING, "published", "12.3", "outputs/2025-26-Q2/internal/housing.html"),
        (PLACE, "failed", "3.0", "outputs/2025-26-Q2/internal/place.html (last good page)"),
        ("Parks", "failed", "0.5", "-"),
    ]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert summary_rows(result, elsewhere)[0][3] == str(folder / "housing.html")  # outside the working folder: in full
    assert plain_summary(summary_rows(result, tmp_path)).splitlines() == [
        "report                                   result     seconds  page",
        "Housing: performance report, 2025/26 Q2  published     12.3  outputs/2025-26-Q2/internal/housing.html",
        "Place: performance report, 2025/26 Q2    failed         3.0  outputs/2025-26-Q2/internal/place.html (last good page)",
        "Parks                                    failed         0.5  -",
    ]


def test_the_rich_display_and_table_render_on_a_terminal(tmp_path):
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with LiveProgress(console) as progress:
        progress.planned([HOUSING, PLACE, "Parks"])
        progress.changed(HOUSING, "running", 0.0)
        progress.changed(PLACE, "running", 0.0)
        progress.changed(HOUSING, "rendering", 4.0)
        progress.changed(HOUSING, "published", 5.0)
        progress.changed(PLACE, "failed", 3.0, "RuntimeError: broken")
        console.print(progress.render())
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert HOUSING in text and "published" in text and "failed" in text and "waiting" in text
    assert "2 of 3 reports" in text and "s left" in text and "5.0 s" in text
    assert estimate_left(10.0, 2, 4) == 10.0 and estimate_left(3.0, 0, 4) is None

    folder = tmp_path / "outputs"
    folder.mkdir()
    result = RunResult(
        folder,
        "2025/26 Q2",
        "internal",
        "nbconvert",
        reports=[ReportResult("housing", HOUSING, "housing.html", True, 12.34, "x.ipynb")],
    )
    out = io.StringIO()
    print_summary(result, Console(file=out, force_terminal=True, width=160), cwd=tmp_path)
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", out.getvalue())
    assert "┃ report" in text and HOUSING in text and "published" in text and "outputs/housing.html" in text


@pytest.mark.e2e
def test_a_run_on_the_console_has_no_kernel_or_library_chatter(project):
    # A notebook of an older project that declares fewer parameters than pmkit passes: papermill
    # would warn "Passed unknown parameter" for each.
    def older(nb):
        cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
        cell.source = "\n".join(
            line for line in cell.source.splitlines() if not line.startswith(("engine", "overrides"))
        )
        # the kernel's own log, as "[IPKernelApp] ERROR | KeyboardInterrupt caught in kernel." reaches it
        # when jupyter_client's interrupt before shutdown lands inside a message handler (now and then)
        nb.cells.append(
            nbformat.v4.new_code_cell(
                "from ipykernel.kernelapp import IPKernelApp\nIPKernelApp.instance().log.error('kernel chatter')"
            )
        )

    edit_notebook(project, older)
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
            "2025/26 Q2",
            "--jobs",
            "2",
        ],
        cwd=project,
        capture_output=True,
        text=True,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert (
        "[IPKernelApp]" not in output and "Passed unknown parameter" not in output and "KeyboardInterrupt" not in output
    )
    assert done.stderr == "", done.stderr
    assert "kernel chatter" not in output
    logs = project / "outputs" / "_executed" / "kernels"  # each warm kernel's own output: kept, not shown
    assert any("[IPKernelApp] ERROR | kernel chatter" in log.read_text() for log in logs.glob("kernel-*.log"))
    assert f"started {HOUSING}" in done.stdout and re.search(
        rf"published {re.escape(PLACE)} \(\d+\.\d s\)", done.stdout
    )
    assert re.search(
        rf"{re.escape(HOUSING)}\s+published\s+\d+\.\d\s+outputs/2025-26-Q2/internal/housing.html", done.stdout
    )
    assert "index: " in done.stdout
