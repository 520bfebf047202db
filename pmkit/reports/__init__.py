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

from pmkit.errors import PmkitError
from pmkit.reports.kind import Job, Plan, ReportKind


class ReportKinds:
    """Report kinds by name."""

    def __init__(self) -> None:
        self._kinds: dict[str, ReportKind] = {}

    def register(self, kind: ReportKind) -> None:
        self._kinds[kind.name] = kind

    def get(self, name: str) -> ReportKind:
        if name not in self._kinds:
            raise PmkitError(f"report kind {name!r} is not known; expected one of: {', '.join(self._kinds)}")
        return self._kinds[name]

    def names(self) -> list[str]:
        return list(self._kinds)


def _builtins() -> ReportKinds:
    from pmkit.reports.annual import Annual
    from pmkit.reports.deep_dive import DeepDive
    from pmkit.reports.quarterly import Quarterly

    kinds = ReportKinds()
    for kind in (Quarterly(), Annual(), DeepDive()):
        kinds.register(kind)
    return kinds


KINDS = _builtins()

__all__ = ["KINDS", "Job", "Plan", "ReportKind", "ReportKinds"]
