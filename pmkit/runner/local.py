"""The ``local`` runner: reports executed on warm Jupyter kernels in this process's threads.

The kernels start when the runner is entered, so they warm up while the batch validates its sources
and plans; a batch with fewer reports than ``--jobs`` keeps only as many kernels as it has reports.
With Quarto, each thread renders the pages of the reports it executed in one ``quarto render``.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

from pmkit.runner import render
from pmkit.runner.execute import execute_and_publish, execute_then_render_together
from pmkit.runner.kernels import WarmKernels

if TYPE_CHECKING:
    from pmkit.runner.jobs import ReportJob, ReportResult
    from pmkit.runner.progress import RunObserver


class LocalRunner:
    """Up to ``workers`` reports at once, each on a warm kernel of this process (a `pmkit.runner.runners.Runner`)."""

    def __init__(self, workers: int, address: str | None = None):
        self.workers = max(1, workers)

    def __enter__(self) -> LocalRunner:
        self.kernels = WarmKernels(self.workers)
        self.kernels.prestart()
        return self

    def __exit__(self, *exc: object) -> None:
        self.kernels.close()

    def execute(self, jobs: list[ReportJob], engine: str, progress: RunObserver | None) -> list[ReportResult]:
        if not jobs:
            return []
        size = min(self.workers, len(jobs))
        self.kernels.shrink(size)
        try:
            if engine == "quarto":
                return execute_then_render_together(jobs, self.kernels, size, progress)
            render_page = render.RENDERERS[engine]
            with ThreadPoolExecutor(size) as pool:
                return list(pool.map(lambda job: execute_and_publish(job, render_page, self.kernels, progress), jobs))
        finally:
            self.kernels.keep_logs(jobs[0].executed.parents[2] / "kernels")  # outputs/_executed/kernels
