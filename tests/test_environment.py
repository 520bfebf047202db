"""environment.yml (the conda route) stays in step with pyproject.toml (the pip route): every
package pip installs for `make test` is in the conda environment too."""

import re
import tomllib
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CONDA_NAMES = {"matplotlib": "matplotlib-base"}  # conda-forge's name where it differs


def test_every_pip_dependency_is_in_the_conda_environment():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    names = {re.split(r"[\[<>=! ]", spec, maxsplit=1)[0].lower() for spec in wanted}
    conda = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))["dependencies"]
    have = {re.split(r"[<>=! ]", item, maxsplit=1)[0].lower() for item in conda if isinstance(item, str)}
    missing = sorted(n for n in names if CONDA_NAMES.get(n, n) not in have)
    assert not missing, f"in pyproject.toml but not environment.yml: {missing}"
