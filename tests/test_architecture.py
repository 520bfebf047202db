"""The package's plan (docs/architecture.md): stages that import only downwards, no import loop, runners
chosen from a registry, and the import paths from before the packages by stage still working."""

import importlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pmkit.old_paths import MOVED
from pmkit.runner.cluster import DaskRunner
from pmkit.runner.local import LocalRunner
from pmkit.runner.runners import RUNNERS, Runners

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def test_every_import_points_down_a_stage_and_no_package_has_an_import_loop():
    """import-linter's contracts in pyproject.toml: the layers, and no cycle among a package's modules."""
    linter = BIN / "lint-imports" if (BIN / "lint-imports").exists() else shutil.which("lint-imports")
    if linter is None:
        pytest.skip("import-linter is not installed (pip install -e '.[test]' installs it)")
    done = subprocess.run([str(linter)], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Stages: every import points down KEPT" in done.stdout
    assert "No import loops among the modules of a package KEPT" in done.stdout


def test_the_stages_hold_the_modules_the_readme_names():
    for stage, modules in {
        "io": ["schema", "periods", "units", "sources", "validate", "writeback", "settings"],
        "judge": ["status", "spc", "tolerance", "benchmarking", "funnel", "findings", "reading", "themes"],
        "runner": ["run", "runners", "local", "cluster", "execute", "publish", "render", "progress"],
        "project": ["create", "template", "demo", "commentary_return"],
    }.items():
        for module in modules:
            assert (ROOT / "pmkit" / stage / f"{module}.py").is_file(), f"pmkit/{stage}/{module}.py"
    assert sorted(p.name for p in (ROOT / "pmkit").glob("*.py")) == [
        "__init__.py",
        "cli.py",
        "errors.py",
        "explore.py",
        "old_paths.py",
    ]


@pytest.mark.parametrize("old", sorted(MOVED))
def test_an_old_import_path_is_the_module_at_its_new_place(old):
    """``from pmkit.status import assess`` in a council's own notebook or script keeps working."""
    moved = importlib.import_module(old)
    assert moved is importlib.import_module(MOVED[old])
    assert moved.__name__ == MOVED[old]


def test_old_names_of_functions_are_the_new_functions():
    from pmkit.importers.lgbf import import_lgbf as old_import
    from pmkit.run import run_report as old_run
    from pmkit.status import assess as old_assess

    import pmkit
    from pmkit.project.importers.lgbf import import_lgbf
    from pmkit.runner.run import run_report

    assert old_run is run_report and old_import is import_lgbf and old_assess is pmkit.judge.status.assess
    assert pmkit.status.assess is old_assess and pmkit.spc.xmr is pmkit.judge.spc.xmr  # the documented API


def test_scheduler_chooses_a_registered_runner():
    assert RUNNERS.names() == ["local", "dask"]
    assert RUNNERS.get("local") is LocalRunner and RUNNERS.get("dask") is DaskRunner
    local = RUNNERS.start(None, 3)
    assert isinstance(local, LocalRunner) and local.workers == 3
    dask = RUNNERS.start("tcp://10.0.0.5:8786", 2)
    assert isinstance(dask, DaskRunner) and dask.address == "tcp://10.0.0.5:8786" and dask.workers == 2
    assert isinstance(RUNNERS.start("local", 2), DaskRunner)  # a new LocalCluster, run by the dask runner


def test_a_runner_registered_like_a_report_kind_is_found_by_name():
    class Recording:
        def __init__(self, workers, address=None):
            self.workers, self.address = workers, address

    runners = Runners()
    runners.register("recording", Recording)
    assert runners.get("recording") is Recording and runners.names() == ["recording"]
    with pytest.raises(Exception, match="runner 'slurm' is not known; expected one of: recording"):
        runners.get("slurm")
