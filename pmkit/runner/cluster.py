"""The ``dask`` runner: reports on a Dask distributed cluster, ``pmkit run KIND --scheduler ADDRESS``
(``local`` starts a `distributed.LocalCluster` with one worker process per ``--jobs``).

Each report is one Dask task, `run_on_worker`, which executes and publishes it exactly as a local run
does (`pmkit.runner.execute.execute_and_publish`) on a warm kernel its worker process keeps for the next report.
Workers publish to the same folders, so they must see the project and its outputs at the same paths
(one machine, or a shared file system). States travel back as Dask events on the ``pmkit-progress``
topic, so the progress display shows a report running on a worker as it would a local one.
"""

from __future__ import annotations

import logging
from contextlib import ExitStack
from typing import TYPE_CHECKING

from pmkit.errors import PmkitError
from pmkit.runner.jobs import ReportJob, ReportResult

if TYPE_CHECKING:
    from pmkit.runner.kernels import WarmKernels
    from pmkit.runner.progress import RunObserver

TOPIC = "pmkit-progress"

_KERNELS: WarmKernels | None = None  # in a worker process: its warm kernel, kept between reports


class DaskRunner:
    """Each report a task on the Dask cluster at ``address`` (``local``: a new LocalCluster of ``workers``);
    a `pmkit.runner.runners.Runner`."""

    def __init__(self, workers: int, address: str | None = None):
        self.workers = max(1, workers)
        self.address = address or "local"

    def __enter__(self) -> DaskRunner:
        return self

    def __exit__(self, *exc: object) -> None:
        """The cluster a batch starts is stopped by the batch's `execute`."""

    def execute(self, jobs: list[ReportJob], engine: str, progress: RunObserver | None) -> list[ReportResult]:
        """Each job's result, in order. A task whose worker died gives a failed result naming the cause;
        the others still publish."""
        if not jobs:
            return []
        return _execute_on_cluster(jobs, engine, self.address, self.workers, progress)


def _execute_on_cluster(
    jobs: list[ReportJob], engine: str, scheduler: str, workers: int, progress: RunObserver | None
) -> list[ReportResult]:
    from distributed import Client, LocalCluster, as_completed

    with ExitStack() as stack:
        if scheduler == "local":
            cluster = stack.enter_context(
                LocalCluster(
                    n_workers=max(1, workers),
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    # no dashboard; its health server on a free port, not 8787 (taken when another cluster runs)
                    scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                    silence_logs=logging.ERROR,
                )
            )
            client = stack.enter_context(Client(cluster))
        else:
            try:
                client = stack.enter_context(Client(scheduler, timeout="20s"))
            except (OSError, TimeoutError) as exc:
                raise PmkitError(f"--scheduler {scheduler}: no Dask scheduler answered there ({exc})") from None
        if progress is not None:
            client.subscribe_topic(TOPIC, lambda event: progress.changed(*event[1]))
        futures = client.map(
            run_on_worker,
            jobs,
            engine=engine,
            pure=False,
            key=[f"pmkit-report-{i}-{job.name}" for i, job in enumerate(jobs)],
        )
        results: dict[str, ReportResult] = {}
        for future in as_completed(futures):
            job = jobs[futures.index(future)]
            try:
                results[future.key] = future.result()
            except Exception as exc:  # the worker died (or the task could not run there)
                error = f"the Dask worker running it failed: {type(exc).__name__}: {exc}"
                results[future.key] = ReportResult(
                    job.name,
                    job.title,
                    job.html.name,
                    False,
                    0.0,
                    job.written_notebook(),
                    error,
                )
                if progress is not None:
                    progress.changed(job.label, "failed", 0.0, error)
        return [results[future.key] for future in futures]


def run_on_worker(job: ReportJob, engine: str) -> ReportResult:
    """A Dask task: execute and publish one report on this worker's warm kernel."""
    from pmkit.runner import render
    from pmkit.runner.execute import execute_and_publish

    global _KERNELS
    if _KERNELS is None:
        from pmkit.runner.kernels import WarmKernels

        _KERNELS = WarmKernels(1, job.tmp)
    _KERNELS.log_folder = job.tmp  # its log goes with this run's temporary files (a worker outlives runs)
    return execute_and_publish(job, render.RENDERERS[engine], _KERNELS, _WorkerProgress())


class _WorkerProgress:
    """A report's states, sent from the worker to the client as Dask events."""

    def changed(self, title: str, state: str, seconds: float, error: str = "") -> None:
        from distributed import get_worker

        get_worker().log_event(TOPIC, (title, state, seconds, error))
