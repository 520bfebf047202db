"""A council's project: the folder whose settings, params and notebooks a run uses, and `pmkit init`.

A project has this repository's top-level layout (``notebooks/ params/ outputs/``); the
repository itself is the demo council's project. `init_project` writes a new one from the
package's scaffold (``pmkit/scaffold``: the report notebooks, the themes codebook, templates for
the settings and the README), reading the council's source to name its directorates and
benchmark groups.

>>> init_project("my-council", "Borsetshire County Council", "data/borsetshire.xlsx")  # doctest: +SKIP
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import jinja2
import pandas as pd

from pmkit.errors import PmkitError, shell
from pmkit.io.settings import DEFAULTS_FILE

SCAFFOLD = Path(__file__).parents[1] / "scaffold"
DIRECTORATES = Path("params/directorates")


def source_setting(source: str, folder: Path) -> str:
    """How ``params/defaults.yaml`` names the source: a URL as given, a path relative to the project
    when it lies inside it, else the absolute path."""
    if "://" in source:
        return source
    path = Path(source).resolve()
    try:
        return path.relative_to(folder.resolve()).as_posix()
    except ValueError:
        return str(path)


def init_project(
    folder: str | os.PathLike,
    council: str,
    source: str | None = None,
    *,
    reporting: str | None = None,
    comparator_group: str | None = None,
    national_group: str | None = None,
    say: Callable[[str], None] | None = None,
) -> Path:
    """Write a working project for ``council`` in ``folder`` and return it.

    With a ``source``, it is validated first (nothing is written when it is not valid) and each of
    its directorates gets a params file; ``reporting`` defaults to annual when every indicator is
    annual; the benchmark groups default to those `benchmark_groups` finds, and ``say`` (e.g.
    ``print``) is told which and why. Refuses a folder that already holds a project.
    """
    from pmkit.components.anchors import slugify
    from pmkit.io.sources import open_source
    from pmkit.judge.benchmarking import benchmark_groups, own_authority

    folder = Path(folder)
    if (folder / DEFAULTS_FILE).exists():
        raise PmkitError(f"{folder / DEFAULTS_FILE} already exists: {folder} is already a pmkit project")
    if not str(council).strip():
        raise PmkitError('--council needs the council\'s name, e.g. --council "Borsetshire County Council"')
    directorates: list[tuple[str, str]] = []
    groups = benchmark_groups(pd.DataFrame(columns=["group", "authority_code"]))
    setting = ""
    if source:
        location = source if "://" in source else str(Path(source).resolve())
        src = open_source(location)
        register = src.indicators()  # validates every table; raises before anything is written
        directorates = [(slugify(d), d) for d in sorted(register["directorate"].unique())]
        benchmarks = src.benchmarks()
        own = own_authority(benchmarks, {"council": council})  # the council's own rows are not its peers
        groups = benchmark_groups(benchmarks[~benchmarks["authority_code"].astype(str).isin(list(own))])
        if reporting is None:
            reporting = "annual" if (register["frequency"] == "annual").all() else "quarterly"
        setting = source_setting(location, folder)
        if say and groups.found and not (comparator_group or national_group):
            say(f"benchmark groups: {groups.why}")

    (folder / "outputs").mkdir(parents=True, exist_ok=True)
    (folder / DIRECTORATES).mkdir(parents=True, exist_ok=True)
    shutil.copytree(SCAFFOLD / "notebooks", folder / "notebooks", dirs_exist_ok=True)
    shutil.copy(SCAFFOLD / "params" / "codebook.yaml", folder / "params" / "codebook.yaml")
    if not (folder / "params" / "topics.yaml").exists():
        shutil.copy(SCAFFOLD / "topics.yaml", folder / "params" / "topics.yaml")
    shutil.copy(SCAFFOLD / "directorates.txt", folder / DIRECTORATES / "README.txt")
    for stem, name in directorates:
        (folder / DIRECTORATES / f"{stem}.yaml").write_text(
            f"# The quarterly report of {name}: {shell('pmkit', 'run', 'quarterly', '--directorate', stem)}\n"
            f"directorate: {_yaml_string(name)}\n",
            encoding="utf-8",
        )
    values = {
        "council": council.strip(),
        "source": setting,
        "reporting": reporting or "quarterly",
        "comparator_group": comparator_group or groups.comparator,
        "national_group": national_group or groups.national,
        "groups": groups.found,
        "directorates": directorates,
        "folder_name": folder.name,
    }
    (folder / DEFAULTS_FILE).write_text(_render("defaults.yaml.j2", values), encoding="utf-8")
    (folder / "README.md").write_text(_render("README.md.j2", values), encoding="utf-8")
    return folder


def _render(name: str, values: dict) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(SCAFFOLD),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        autoescape=False,
    )
    env.filters["quoted"] = _yaml_string
    env.filters["shell"] = shell  # a word of a command, quoted for a shell where it needs it
    return env.get_template(name).render(**values)


def _yaml_string(text: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is valid YAML)."""
    return json.dumps(str(text), ensure_ascii=False)
