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
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pandas as pd

from pmkit.errors import PmkitError, shell
from pmkit.io.settings import DEFAULTS_FILE

SCAFFOLD = Path(__file__).parents[1] / "scaffold"
DIRECTORATES = Path("params/directorates")


@dataclass(frozen=True)
class Groups:
    """The benchmark groups a project ranks in and draws as the national line, all those found, and
    why these two were chosen (a sentence `pmkit init` prints)."""

    comparator: str
    national: str
    found: tuple[str, ...]
    why: str = ""


NATIONAL_NAMES = (
    "england",
    "national",
    "wales",
    "scotland",
    "northern ireland",
    "united kingdom",
    "uk",
    "great britain",
)


def benchmark_groups(benchmarks: pd.DataFrame) -> Groups:
    """The comparator group is a group with several councils a period (similar councils: the
    smallest such group), the national line a group with one figure a period (``England``: one
    named like a nation first), else the largest other group of several (its median is drawn);
    with no group of several councils, no ranking; with no groups, the defaults of an English council.

    Councils a period are counted per metric and period (an LG Inform download holds the council's
    own row in its group too).
    """
    if benchmarks.empty:
        return Groups("nearest_neighbours", "england", ())
    size, most = group_sizes(benchmarks)
    found = tuple(size.sort_values(kind="stable").index)
    several = [g for g in found if most[g] > 1]
    single = [g for g in found if most[g] <= 1]
    comparator = several[0] if several else ""
    named = [g for g in single if str(g).replace("_", " ").strip().lower() in NATIONAL_NAMES]
    others = [g for g in several if g != comparator]
    national = (named or single or others[::-1] or [""])[0]

    def councils(group: str) -> str:
        return councils_a_period(size[group])

    parts = []
    if comparator:
        parts.append(f"ranked in {comparator} ({councils(comparator)}, the smallest group of several councils)")
    else:
        parts.append("not ranked: no group has several councils a period (set comparator_group when one has)")
    if national in single:
        parts.append(f"national line {national} (one figure a period)")
    elif national:
        parts.append(
            f"national line {national} (no group has one figure a period, so the median of its {councils(national)})"
        )
    else:
        parts.append("no national line (no other group)")
    return Groups(comparator, national, found, "; ".join(parts))


def group_sizes(benchmarks: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Per benchmark group, the councils it has a period: the median and the most over its metrics and periods."""
    keys = [c for c in ("metric", "period") if c in benchmarks]
    counts = benchmarks.groupby(["group", *keys])["authority_code"].nunique()
    per = counts.groupby(level="group")
    return per.median(), per.max()


def councils_a_period(size: float) -> str:
    """``15 councils a period``, or ``one figure a period`` for a group of one."""
    return "one figure a period" if size == 1 else f"{size:g} councils a period"


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
    from pmkit.io.sources import open_source
    from pmkit.judge.benchmarking import own_authority
    from pmkit.reports.kind import slugify

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
