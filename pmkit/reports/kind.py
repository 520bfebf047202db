"""What a report kind is: the notebook it runs, its command-line options, and how it plans a run.

A kind turns the options of ``pmkit run KIND`` into a `Plan`: the period whose folder the pages go
in, and one `Job` per page (its file name, title and notebook parameters). `pmkit.runner.run` executes
the plan the same way for every kind.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.io import periods

if TYPE_CHECKING:
    from pmkit.io.sources import Source


@dataclass(frozen=True)
class Job:
    """One page: its file name (without ``.html``), title and the notebook's parameters."""

    name: str
    title: str
    parameters: dict


@dataclass(frozen=True)
class Plan:
    """A run's period (its folder under outputs) and its pages; ``directorates`` scope the open data."""

    period: periods.Period
    jobs: list[Job]
    directorates: list[str] | None = field(default=None)
    notes: tuple[str, ...] = ()  # what the run should tell the user (params files left out, and why)


class ReportKind:
    """A kind of report. Subclasses set ``name``, ``notebook`` and ``label`` and implement `plan`."""

    name: str = ""
    notebook: str = ""  # in the project's notebooks/ folder
    label: str = ""  # the heading its pages are listed under in an index

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        """Add the kind's own options to ``pmkit run KIND``."""

    def check(self, root: Path, **options: object) -> None:
        """Refuse wrong options before any data is loaded (a period or year that cannot be read)."""
        for name in ("period", "year"):
            if options.get(name):
                periods.parse(str(options[name]))

    def plan(self, src: Source, settings: dict, root: Path, **options: object) -> Plan:
        raise NotImplementedError

    def scope(self, job: Job) -> dict:
        """The part of the source a page reads, as `pmkit.runner.fingerprint.scoped_digests` takes it: all of
        it unless a kind says otherwise (so ``--changed-only`` reruns it after any change)."""
        return {}
