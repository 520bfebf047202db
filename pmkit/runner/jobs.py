"""A batch's jobs and their results: what a runner is handed and what it gives back (all picklable)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class ReportJob:
    """One notebook execution and the page it publishes: everything a worker needs, picklable."""

    name: str
    title: str
    notebook: Path
    parameters: dict
    html: Path
    executed: Path
    project: Path  # the kernel's working folder
    tmp: Path  # the run's private folder for temporary files
    drawings: Path | None = None  # the folder of drawings its kernel shares (`pmkit.runner.publish.drawing_store`)
    fingerprint: str = ""  # notebook, parameters, input data and pmkit version (see pmkit.runner.fingerprint)
    label: str = ""  # how progress names it: its title, with the audience when a batch has two
    pdf: bool = False  # --pdf: a PDF of the page is written beside it (see pmkit.runner.pdf)

    def __post_init__(self) -> None:
        self.label = self.label or self.title

    def written_notebook(self) -> str:
        """The executed notebook's path, or "" when this run wrote none (its kernel died)."""
        return str(self.executed) if self.executed.exists() else ""


@dataclass
class ReportResult:
    name: str
    title: str
    file: str
    ok: bool
    seconds: float
    executed: str
    error: str = ""
    skipped: bool = False  # --changed-only: nothing it depends on changed since its last publication


@dataclass
class RunResult:
    folder: Path
    period: str
    audience: str
    engine: str
    reports: list[ReportResult] = field(default_factory=list)
    notes: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()  # validation's, e.g. personal data in public commentary (FILE:ROW:COLUMN: what)

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if not r.ok]
