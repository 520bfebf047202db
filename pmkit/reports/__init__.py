"""Report kinds, kept in a registry the way papermill keeps its engines.

Each kind names its notebook, its command-line options and how it plans a run (its pages, their
titles, parameters and file names); `pmkit run KIND` looks the kind up here. Three are built in:
``quarterly`` (a page per directorate), ``annual`` (the council's annual report) and
``deep-dive`` (a scrutiny briefing on one indicator or topic). Register your own with
``KINDS.register(MyKind())``.

>>> KINDS.names()
['quarterly', 'annual', 'deep-dive']
"""

from __future__ import annotations

import importlib

from pmkit.errors import PmkitError
from pmkit.reports.kind import Job, Plan, ReportKind
from pmkit.reports.options import AnnualOptions, DeepDiveOptions, QuarterlyOptions


class ReportKinds:
    """Report kinds by name. A kind registered with `register_lazy` loads its module when first used;
    until then its options (name, heading, command-line options) answer for it."""

    def __init__(self) -> None:
        self._kinds: dict[str, ReportKind] = {}
        self._where: dict[str, str] = {}  # name -> "module:Class" of a kind not loaded yet

    def register(self, kind: ReportKind) -> None:
        self._kinds[kind.name] = kind
        self._where.pop(kind.name, None)

    def register_lazy(self, options: ReportKind, where: str) -> None:
        """Register the kind ``where`` names (``"package.module:Class"``), described until it loads by ``options``."""
        self._kinds[options.name] = options
        self._where[options.name] = where

    def get(self, name: str) -> ReportKind:
        """The kind, loaded."""
        self.options(name)
        if name in self._where:
            module, cls = self._where[name].split(":")
            self.register(getattr(importlib.import_module(module), cls)())
        return self._kinds[name]

    def options(self, name: str) -> ReportKind:
        """The kind as the command line sees it (its name, label and `add_arguments`), without loading it."""
        if name not in self._kinds:
            raise PmkitError(f"report kind {name!r} is not known; expected one of: {', '.join(self._kinds)}")
        return self._kinds[name]

    def names(self) -> list[str]:
        return list(self._kinds)


KINDS = ReportKinds()
KINDS.register_lazy(QuarterlyOptions(), "pmkit.reports.quarterly:Quarterly")
KINDS.register_lazy(AnnualOptions(), "pmkit.reports.annual:Annual")
KINDS.register_lazy(DeepDiveOptions(), "pmkit.reports.deep_dive:DeepDive")

__all__ = ["KINDS", "Job", "Plan", "ReportKind", "ReportKinds"]
