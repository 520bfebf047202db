"""A demo project for end-to-end tests: this repository's params and notebooks, and the demo store."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_demo_project(
    project: Path, store: Path | None = None, folders: tuple[str, ...] = ("params", "notebooks")
) -> Path:
    """Copy ``folders`` of the repository into ``project`` and give it the demo store as
    ``data/pmkit.duckdb`` (a copy of ``store`` when given, else built afresh)."""
    from pmkit.project.demo import write_demo_store

    for folder in folders:
        shutil.copytree(ROOT / folder, project / folder)
    if store is None:
        write_demo_store(project / "data" / "pmkit.duckdb")
    else:
        (project / "data").mkdir(parents=True)
        shutil.copy(store, project / "data" / "pmkit.duckdb")
    return project
