"""Runners, kept in a registry the way report kinds are: how a batch's jobs are executed.

A runner is entered around a batch (it may start kernels or a cluster then, while the batch plans),
executes the jobs it is handed (each with `pmkit.runner.execute.execute_and_publish`), tells the run's
progress observer each report's state, and gives back one `ReportResult` per job, in order. Two are built
in: ``local``, warm Jupyter kernels in this process's threads, and ``dask``, a Dask distributed cluster
(``pmkit run --scheduler ADDRESS``, or ``local`` for a new one on this machine). Register your own with
``RUNNERS.register("name", MyRunner)``.

>>> RUNNERS.names()
['local', 'dask']
>>> RUNNERS.for_scheduler(None), RUNNERS.for_scheduler("tcp://10.0.0.5:8786")
('local', 'dask')
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

from pmkit.errors import PmkitError
from pmkit.runner.cluster import DaskRunner
from pmkit.runner.local import LocalRunner

if TYPE_CHECKING:
    from pmkit.runner.jobs import ReportJob, ReportResult
    from pmkit.runner.progress import RunObserver


class Runner(Protocol):
    """Executes a batch's jobs, ``workers`` at once; ``address`` says where, for runners that need one.
    Entered as a context manager around the batch: it may start kernels or a cluster then."""

    def __init__(self, workers: int, address: str | None = None) -> None: ...

    def __enter__(self) -> Runner: ...

    def __exit__(self, *exc: object) -> None: ...

    def execute(self, jobs: list[ReportJob], engine: str, progress: RunObserver | None) -> list[ReportResult]:
        """Each job executed, rendered with ``engine`` and published: its result, in the jobs' order."""
        ...


class Runners:
    """Runners by name."""

    def __init__(self) -> None:
        self._runners: dict[str, type[Runner]] = {}

    def register(self, name: str, runner: type[Runner]) -> None:
        self._runners[name] = runner

    def get(self, name: str) -> type[Runner]:
        if name not in self._runners:
            raise PmkitError(f"runner {name!r} is not known; expected one of: {', '.join(self._runners)}")
        return self._runners[name]

    def names(self) -> list[str]:
        return list(self._runners)

    @staticmethod
    def for_scheduler(scheduler: str | None) -> str:
        """The runner ``--scheduler`` chooses: none runs here (``local``), an address or ``local`` on Dask."""
        return "dask" if scheduler else "local"

    def start(self, scheduler: str | None, workers: int) -> Runner:
        """The runner for ``--scheduler`` and ``--jobs``, not yet entered."""
        return self.get(self.for_scheduler(scheduler))(workers, scheduler)


def _builtins() -> Runners:
    runners = Runners()
    runners.register("local", LocalRunner)
    runners.register("dask", DaskRunner)
    return runners


RUNNERS = _builtins()
