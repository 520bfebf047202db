"""Executing one report: its notebook run by papermill on a warm kernel, its page rendered and published.

Every runner executes a job this way (`execute_and_publish`), here in a thread or on a Dask worker; a
failure (a cell's error, a kernel that died, a renderer's crash) fails that report only and is told to the
run's progress observer.
"""

from __future__ import annotations

import logging
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.errors import PmkitError, ReportError
from pmkit.runner import publish, render
from pmkit.runner.jobs import ReportJob, ReportResult

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmkit.runner.kernels import WarmKernels
    from pmkit.runner.progress import RunObserver


def execute_and_publish(
    job: ReportJob, render_page: Callable[[Path, str], str], kernels: WarmKernels, progress: RunObserver | None = None
) -> ReportResult:
    """Execute one notebook on a warm kernel from ``kernels``, make its page with ``render_page`` (one of
    `pmkit.runner.render.RENDERERS`) and publish it; errors are caught and reported. ``progress`` is told of
    each state change (``running`` once it has a kernel, ``rendering``, ``published`` or ``failed``);
    the report's seconds count from then."""
    started = execute_report(job, kernels, progress)
    if isinstance(started, ReportResult):
        return started
    _tell(progress, job, "rendering", started)
    try:
        page: str | Exception = render_page(job.executed, job.title)
    except Exception as exc:  # noqa: BLE001 - a renderer crash fails this report only
        page = exc
    return _publish_page(job, page, started, progress)


def execute_then_render_together(
    jobs: list[ReportJob], kernels: WarmKernels, size: int, progress: RunObserver | None = None
) -> list[ReportResult]:
    """Quarto's way through a batch: ``size`` workers take reports in turn and execute them on warm
    kernels; when none is left to take, each worker makes the pages of the reports it executed in one
    ``quarto render``. Quarto's start-up costs about as much as a page, so it is paid once per worker
    instead of once per page, and the first worker to finish renders while the others still execute.
    A page does not depend on its company (see `pmkit.runner.render.render_quarto_together`)."""
    waiting = queue.SimpleQueue()
    for i in range(len(jobs)):
        waiting.put(i)
    results: dict[int, ReportResult] = {}

    def work() -> None:
        executed: dict[int, float] = {}
        while True:
            try:
                i = waiting.get_nowait()
            except queue.Empty:
                break
            outcome = execute_report(jobs[i], kernels, progress)
            if isinstance(outcome, ReportResult):
                results[i] = outcome
            else:
                executed[i] = outcome
        if not executed:
            return
        for i, started in executed.items():
            _tell(progress, jobs[i], "rendering", started)
        pages = render.render_quarto_together([(jobs[i].executed, jobs[i].title) for i in executed])
        for (i, started), page in zip(executed.items(), pages, strict=True):
            results[i] = _publish_page(jobs[i], page, started, progress)

    with ThreadPoolExecutor(size) as pool:
        for done in [pool.submit(work) for _ in range(size)]:
            done.result()
    return [results[i] for i in range(len(jobs))]


def execute_report(job: ReportJob, kernels: WarmKernels, progress: RunObserver | None = None) -> float | ReportResult:
    """Execute one notebook with papermill on a warm kernel from ``kernels``: the time it started, or
    its failed result (told to ``progress``).

    The kernels' own output (their logs, and anything written to their stdout and stderr outside a
    cell) goes to files in the run's private folder, not to pmkit's console; when a kernel dies, the
    error names the end of its log.

    Papermill writes the executed notebook once, when the report is done or a cell failed (not after
    every cell, which cost the batch's own process seconds of JSON); a notebook an earlier run left is
    removed first, so a report whose kernel died names no executed notebook rather than a stale one."""
    import papermill  # imported when a report runs, so that a wrong argument is refused at once

    job.executed.parent.mkdir(parents=True, exist_ok=True)
    job.executed.unlink(missing_ok=True)
    _quiet_papermill()
    started = time.perf_counter()
    kernel = None
    try:
        with kernels.lend(job.project, job.drawings) as kernel:  # drawings shared with other kernels and runs
            started = time.perf_counter()
            _tell(progress, job, "running", started)
            papermill.execute_notebook(
                str(job.notebook),
                str(job.executed),
                parameters=job.parameters,
                km=kernel.manager,
                progress_bar=False,
                log_output=False,
                request_save_on_cell_execute=False,
            )
        return started
    except (papermill.PapermillExecutionError, PmkitError) as exc:
        error = _short_error(exc)
    except Exception as exc:  # a kernel that died must not stop the other reports
        log = kernel.manager.pmkit_kernel_log if kernel is not None else None
        error = f"{type(exc).__name__}: {exc}" + (_kernel_log_tail(log) if log else "")
    return _result(job, started, error, progress)


def _publish_page(job: ReportJob, page: str | Exception, started: float, progress: RunObserver | None) -> ReportResult:
    """Publish a rendered page atomically (or report why there is none)."""
    try:
        if isinstance(page, Exception):
            raise page
        publish.write_atomic(job.html, page, job.tmp)
        error = ""
    except (ReportError, PmkitError) as exc:
        error = str(exc)
    except Exception as exc:  # noqa: BLE001 - a renderer crash or a full disk fails this report only
        error = f"{type(exc).__name__}: {exc}"
    return _result(job, started, error, progress)


def _result(job: ReportJob, started: float, error: str, progress: RunObserver | None) -> ReportResult:
    result = ReportResult(
        name=job.name,
        title=job.title,
        file=job.html.name,
        ok=not error,
        seconds=round(time.perf_counter() - started, 2),
        executed=job.written_notebook(),
        error=error,
    )
    _tell(progress, job, "published" if result.ok else "failed", started, error)
    return result


def _tell(progress: RunObserver | None, job: ReportJob, state: str, started: float, error: str = "") -> None:
    if progress is not None:
        progress.changed(job.label, state, round(time.perf_counter() - started, 2), error)


class _UnknownParameterFilter(logging.Filter):
    """Papermill warns of each parameter the notebook does not declare; pmkit passes the same set
    (audience, source, engine, overrides) to every notebook, and a notebook need not use them all."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Passed unknown parameter")


def _quiet_papermill() -> None:
    """Drop papermill's unknown-parameter warnings (its other warnings and errors still show)."""
    logger = logging.getLogger("papermill")
    if not any(isinstance(f, _UnknownParameterFilter) for f in logger.filters):
        logger.addFilter(_UnknownParameterFilter())


def _kernel_log_tail(path: Path, lines: int = 15) -> str:
    """The end of a kernel's log, to explain a kernel that died (empty when it holds nothing)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
    kept = [line for line in text.splitlines() if "KeyboardInterrupt caught in kernel" not in line]
    return f"\nkernel log ({path.name}, beside the executed notebook):\n" + "\n".join(kept[-lines:]) if kept else ""


def _short_error(exc: Exception) -> str:
    from papermill import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return str(exc)
