"""The import paths of pmkit before its modules moved into packages by stage, kept working.

A council's notebooks or scripts written against ``pmkit.status`` or ``pmkit.run`` still import: each old
name is the module at its new place (the same module object, so monkeypatching and pickles agree), imported
only when asked for. New code imports the new paths (``pmkit.judge.status``, ``pmkit.runner.run``); the
report notebooks made by ``pmkit init`` import only ``pmkit.reports`` and ``pmkit.explore``, which did not move.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

STAGES = {
    "io": (
        "schema",
        "periods",
        "units",
        "measure",
        "spreadsheet",
        "redaction",
        "validate",
        "sources",
        "writeback",
        "settings",
    ),
    "judge": (
        "tolerance",
        "spc",
        "status",
        "benchmarking",
        "funnel",
        "reading",
        "findings",
        "themes",
        "casestudies",
        "commentary",
        "actions",
    ),
    "components": ("safehtml",),
    "runner": (
        "run",
        "kernels",
        "cluster",
        "progress",
        "publish",
        "render",
        "fingerprint",
        "pdf",
        "links",
        "layout",
        "site",
        "screenshots",
    ),
    "project": ("template", "demo", "commentary_return", "importers"),
}
MOVED = {f"pmkit.{name}": f"pmkit.{stage}.{name}" for stage, names in STAGES.items() for name in names}
# (``pmkit.project`` is now the package of a council's project: `init_project` is in ``pmkit.project.create``)


class OldPaths(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``pmkit.<old name>`` (and its submodules, e.g. ``pmkit.importers.lgbf``) at its new place."""

    def find_spec(self, fullname, path=None, target=None):
        head = next((old for old in MOVED if fullname == old or fullname.startswith(old + ".")), None)
        return importlib.util.spec_from_loader(fullname, self) if head else None

    def create_module(self, spec):
        head = next(old for old in MOVED if spec.name == old or spec.name.startswith(old + "."))
        return importlib.import_module(MOVED[head] + spec.name[len(head) :])

    def exec_module(self, module):
        """Nothing to run: the module was imported at its new place."""


def install() -> None:
    """Put the finder first on the import path, once."""
    if not any(isinstance(f, OldPaths) for f in sys.meta_path):
        sys.meta_path.insert(0, OldPaths())  # before any finder that could still see an old file
