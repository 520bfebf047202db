"""The committed notebooks already satisfy the project's pre-commit hooks (ruff, ruff format,
nbstripout keeping the kernelspec, trailing whitespace, no large files), and those hooks do catch a
notebook saved with its outputs. (That every notebook runs top to bottom against the demo store is
tested where each is run: the report notebooks by `pmkit run` in the demo render, the explorer in
test_explore.py.)"""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
NOTEBOOKS = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("pmkit/scaffold/notebooks/*.ipynb")])

pytestmark = pytest.mark.skipif(
    not (BIN / "pre-commit").exists() and not shutil.which("pre-commit"),
    reason="pre-commit is not installed (pip install -e '.[test]' installs it)",
)


def hooks(folder: Path, files: list[str]) -> subprocess.CompletedProcess:
    env = {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ['PATH']}",
        "PRE_COMMIT_HOME": str(folder.parent / "pre-commit-home"),
    }
    return subprocess.run(["pre-commit", "run", "--files", *files], cwd=folder, env=env, capture_output=True, text=True)


@pytest.fixture
def checkout(tmp_path) -> Path:
    """A git repository holding the project's notebooks, pre-commit configuration and ruff settings."""
    folder = tmp_path / "repo"
    for path in [*NOTEBOOKS, ROOT / ".pre-commit-config.yaml", ROOT / "pyproject.toml"]:
        (folder / path.relative_to(ROOT)).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, folder / path.relative_to(ROOT))
    subprocess.run(["git", "init", "-q"], cwd=folder, check=True)
    subprocess.run(["git", "add", "-A"], cwd=folder, check=True)
    return folder


def test_the_committed_notebooks_pass_every_hook_unchanged(checkout):
    assert {p.name for p in NOTEBOOKS} >= {
        "service_area.ipynb",
        "annual_report.ipynb",
        "deep_dive.ipynb",
        "explore.ipynb",
    }
    files = [str(p.relative_to(ROOT)) for p in NOTEBOOKS]
    before = {f: (checkout / f).read_bytes() for f in files}
    done = hooks(checkout, files)
    assert done.returncode == 0, done.stdout + done.stderr
    assert all(line.endswith("Passed") for line in done.stdout.splitlines() if "....." in line), done.stdout
    assert {f: (checkout / f).read_bytes() for f in files} == before
    for f in files:
        assert json.loads(before[f])["metadata"]["kernelspec"]["name"] == "python3", f


def test_the_hooks_strip_a_notebook_saved_with_outputs(checkout):
    path = checkout / "notebooks" / "explore.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[-1].outputs = [nbformat.v4.new_output("stream", name="stdout", text="left behind\n")]
    nb.cells[-1].execution_count = 7
    nb.cells[-1].source += "   "  # trailing spaces in the code
    nbformat.write(nb, path)
    done = hooks(checkout, ["notebooks/explore.ipynb"])
    assert done.returncode == 1, done.stdout
    assert "nbstripout" in done.stdout and "Failed" in done.stdout
    fixed = nbformat.read(path, as_version=4)
    assert fixed.cells[-1].outputs == [] and fixed.cells[-1].execution_count is None
    assert fixed.metadata.kernelspec.name == "python3"


def test_no_file_in_the_tree_would_be_reformatted():
    """One style: `ruff format --check` finds nothing to change in the package, tests, benchmarks or notebooks."""
    ruff = BIN / "ruff" if (BIN / "ruff").exists() else shutil.which("ruff")
    done = subprocess.run([str(ruff), "format", "--check", "."], cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "would be reformatted" not in done.stdout
