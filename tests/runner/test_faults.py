"""Faults: a run killed part way leaves every published page whole, no temporary file and no running
kernel behind, and the next run completes; a notebook that raises is kept and named, the other pages
are published."""

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup
from filelock import FileLock

from pmkit.runner.render import quarto_available
from pmkit.runner.run import run_quarterly

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parents[1] / "data" / "mini_council"
PERIOD = "2025/26 Q2"
FOLDER = Path("outputs") / "2025-26-Q2" / "internal"
PAGES = {
    "housing.html": "Housing: performance report, 2025/26 Q2",
    "place.html": "Place: performance report, 2025/26 Q2",
}
ALLOWED = {*PAGES, "index.html", "status.csv", "datapackage.json", "manifest.json"}
RUN = ["run", "quarterly", "--engine", "nbconvert", "--period", PERIOD]

# The run as `python -m pmkit.cli`, except that the os.replace publishing a page first names its
# temporary file in $PMKIT_TEST_PAUSE and waits: the test kills the run between write and rename.
PAUSING_CLI = """
import os, sys, time
from pathlib import Path
replace = os.replace
def pausing(src, dst):
    if str(dst).endswith(".html") and Path(dst).parent.name == "internal":
        Path(os.environ["PMKIT_TEST_PAUSE"]).write_text(str(src))
        time.sleep(60)
    return replace(src, dst)
os.replace = pausing
from pmkit.cli import main
sys.exit(main())
"""


@pytest.fixture(scope="module")
def published(tmp_path_factory, worker_id):
    """A small project (the real notebooks and defaults, the mini council as its source, two
    directorates) after one good run, and the bytes of each page that run published. Made once for
    all test workers; tests break copies of it."""
    base = tmp_path_factory.getbasetemp()
    project = (base if worker_id == "master" else base.parent) / "faults-good"
    with FileLock(str(project) + ".lock"):
        if not (project / "errors.json").exists():
            shutil.rmtree(project, ignore_errors=True)
            errors = _good_run(project)
            (project / "errors.json").write_text(json.dumps(errors))
    errors = json.loads((project / "errors.json").read_text())
    assert not errors, errors
    return project, {name: (project / FOLDER / name).read_bytes() for name in PAGES}


def _good_run(project: Path) -> list[str]:
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    (project / "params" / "directorates").mkdir(parents=True)
    defaults = (ROOT / "params" / "defaults.yaml").read_text(encoding="utf-8")
    assert "source: data/pmkit.duckdb" in defaults
    (project / "params" / "defaults.yaml").write_text(
        defaults.replace("source: data/pmkit.duckdb", "source: data/mini")
    )
    (project / "params" / "directorates" / "housing.yaml").write_text('directorate: "Housing"\n')
    (project / "params" / "directorates" / "place.yaml").write_text('directorate: "Place"\n')
    shutil.copytree(MINI, project / "data" / "mini")
    result = run_quarterly(period=PERIOD, engine="nbconvert", jobs=2, root=project)
    return [f"{r.name}: {r.error}" for r in result.reports if not r.ok]


@pytest.fixture
def project(published, tmp_path):
    """A copy of the published project, for one test to break."""
    shutil.copytree(published[0], tmp_path / "p", ignore=shutil.ignore_patterns("errors.json"))
    return tmp_path / "p"


def kernels(project: Path) -> list[int]:
    """Live (not zombie) ipykernel processes working in ``project``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if (
                proc.name.isdigit()
                and "ipykernel_launcher" in (proc / "cmdline").read_text()
                and os.readlink(proc / "cwd") == str(project)
            ):
                found.append(int(proc.name))
        except OSError:
            continue
    return found


def executed(project: Path) -> dict[str, int]:
    """The executed notebooks and when each was last written."""
    return {p.name: p.stat().st_mtime_ns for p in (project / "outputs" / "_executed").rglob("*.ipynb")}


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the run never got that far"
        time.sleep(0.01)


def assert_whole(project: Path, good: dict[str, bytes]) -> None:
    """Every page is the earlier one or a complete new one; the folder holds nothing else; the index's links work."""
    folder = project / FOLDER
    assert {p.name for p in folder.iterdir()} <= ALLOWED, "a temporary or partial file in the output folder"
    assert {p.name for p in folder.iterdir()} >= set(PAGES) | {"index.html"}
    for name, title in PAGES.items():
        page = (folder / name).read_bytes()
        if page != good[name]:
            assert page.rstrip().endswith(b"</html>"), f"{name} is cut short"
            h1 = BeautifulSoup(page, "html.parser").find_all("h1")
            assert [h.get_text(strip=True) for h in h1] == [title], f"{name} is not a whole report"
    index = BeautifulSoup((folder / "index.html").read_bytes(), "html.parser")
    links = [a["href"] for a in index.find_all("a", href=True) if not a["href"].startswith(("#", "http"))]
    assert set(PAGES) <= set(links)
    for link in links:
        assert (folder / link).exists(), f"index.html links {link}, which is missing"
    assert not list((project / "outputs").glob(".*.tmp"))


@pytest.mark.parametrize(
    "moment", ["0.5 s", "2 s", "4 s", "first executed notebook and its kernel", "first page being replaced"]
)
def test_a_run_killed_part_way_leaves_the_published_pages_whole(published, project, moment):
    good = published[1]
    before = executed(project)
    env = {**os.environ, "PMKIT_TEST_PAUSE": str(project / "paused")}
    program = ["-c", PAUSING_CLI] if moment == "first page being replaced" else ["-m", "pmkit.cli"]
    run = subprocess.Popen(
        [sys.executable, *program, *RUN, "--jobs", "2"],
        cwd=project,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        if moment.endswith(" s"):
            time.sleep(float(moment.split()[0]))
        elif moment == "first executed notebook and its kernel":  # the last run's is removed as a report starts
            wait_for(lambda: executed(project) != before and kernels(project) or run.poll() is not None)
        else:
            wait_for(lambda: (project / "paused").exists() or run.poll() is not None)
            assert (project / "paused").exists(), run.stderr.read().decode()[-2000:]
            temporary = Path((project / "paused").read_text())
            assert temporary.exists()
        assert run.poll() is None, "the run ended before it was killed"
    finally:
        os.killpg(run.pid, signal.SIGKILL)
        run.wait()
        run.stderr.close()
    deadline = time.monotonic() + 0.5  # the kernels were in the killed group: gone at once, not when they notice
    while kernels(project) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert kernels(project) == [], "a killed run left its kernels running"
    assert_whole(project, good)

    again = subprocess.run(
        [sys.executable, "-m", "pmkit.cli", *RUN, "--directorate", "place"], cwd=project, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stdout + again.stderr
    assert_whole(project, good)
    assert list((project / "outputs" / ".pmkit-tmp").iterdir()) == []  # what the killed run left is removed
    if moment == "first page being replaced":
        assert not temporary.exists()


@pytest.mark.parametrize(
    "engine",
    [
        "nbconvert",
        pytest.param(
            "quarto",
            marks=pytest.mark.skipif(
                not quarto_available(),
                reason="Quarto is not installed here (no `quarto` on PATH); its batches render apart",
            ),
        ),
    ],
)
def test_a_report_that_raises_is_named_and_kept_and_the_others_are_published(published, project, engine):
    good = published[1]
    nb = nbformat.read(project / "notebooks" / "service_area.ipynb", as_version=4)
    nb.cells.append(
        nbformat.v4.new_code_cell('if directorate == "Place":\n    raise RuntimeError("the Place data feed is broken")')
    )
    nbformat.write(nb, project / "notebooks" / "service_area.ipynb")
    housing = project / FOLDER / "housing.html"
    os.utime(housing, (0, 0))
    command = [arg if arg != "nbconvert" else engine for arg in RUN]
    done = subprocess.run(
        [sys.executable, "-m", "pmkit.cli", *command, "--jobs", "2"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode != 0
    executed = project / "outputs" / "_executed" / "2025-26-Q2" / "internal" / "place.ipynb"
    assert f"FAILED {PAGES['place.html']}" in done.stdout and "the Place data feed is broken" in done.stdout
    assert f"executed notebook: {executed}" in done.stdout
    assert re.search(rf"{re.escape(PAGES['housing.html'])}\s+published\s", done.stdout)  # the summary row
    assert housing.stat().st_mtime > 0  # published again
    assert (project / FOLDER / "place.html").read_bytes() == good["place.html"]  # the last good page stays
    assert_whole(project, good)

    failing = [c for c in nbformat.read(executed, as_version=4).cells if "the Place data feed is broken" in c.source]
    errors = [o for o in failing[0].outputs if o.output_type == "error"]
    assert errors and errors[0].ename == "RuntimeError" and errors[0].traceback


def test_a_report_whose_kernel_dies_is_named_without_a_stale_notebook_and_the_others_are_published(published, project):
    good = published[1]
    nb = nbformat.read(project / "notebooks" / "service_area.ipynb", as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell('if directorate == "Place":\n    import os\n    os._exit(3)'))
    nbformat.write(nb, project / "notebooks" / "service_area.ipynb")
    executed = project / "outputs" / "_executed" / "2025-26-Q2" / "internal" / "place.ipynb"
    assert executed.exists()  # the good run's: it is not this run's, so this run must not name it
    done = subprocess.run(
        [sys.executable, "-m", "pmkit.cli", *RUN, "--jobs", "2"], cwd=project, capture_output=True, text=True
    )
    assert done.returncode != 0
    failure = done.stdout[done.stdout.index(f"FAILED {PAGES['place.html']}") :]
    assert failure.splitlines()[0].endswith("DeadKernelError: Kernel died"), failure
    assert "executed notebook" not in failure.split("index:")[0]
    assert not executed.exists()
    assert re.search(rf"{re.escape(PAGES['housing.html'])}\s+published\s", done.stdout)
    assert (project / FOLDER / "place.html").read_bytes() == good["place.html"]  # the last good page stays
    assert_whole(project, good)
    assert kernels(project) == []
