"""Runs: execute report notebooks with papermill, render them, publish atomically, write the index.

One failing report does not stop the others; the run's result lists each report, and a failed
report keeps the last good HTML file in place.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit import publish, render, status
from pmkit.errors import PmkitError, ReportError
from pmkit.reports import KINDS, ReportKind
from pmkit.settings import find_project, load_settings
from pmkit.sources import open_source

if TYPE_CHECKING:
    from pmkit.progress import RunObserver


@dataclass
class ReportJob:
    """One notebook execution and the page it publishes."""

    name: str
    title: str
    notebook: Path
    parameters: dict
    html: Path
    executed: Path


@dataclass
class ReportResult:
    name: str
    title: str
    file: str
    ok: bool
    seconds: float
    executed: str
    error: str = ""


@dataclass
class RunResult:
    folder: Path
    period: str
    audience: str
    engine: str
    reports: list[ReportResult] = field(default_factory=list)
    notes: tuple[str, ...] = ()

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if not r.ok]


def run_report(
    kind: str,
    audience: str = "internal",
    source: str | None = None,
    out: str | Path | None = None,
    engine: str = "auto",
    jobs: int = 1,
    root: Path | None = None,
    overrides: dict | None = None,
    progress: RunObserver | None = None,
    **options: object,
) -> RunResult:
    """Plan a run of report kind ``kind`` (its own ``options``) in the project at ``root``, execute
    each page's notebook with papermill, publish the pages atomically, then the open data, manifest
    and index of the folder. ``overrides`` replace settings of ``params/defaults.yaml`` for this run.

    Wrong options, an invalid source and a period without data stop the run before any report starts.
    ``progress`` (see `pmkit.progress`) is told each report's state as it changes; without it the
    run prints nothing.
    """
    root = find_project(root)
    report_kind = KINDS.get(kind)
    overrides = {k: v for k, v in (overrides or {}).items() if v is not None}
    settings = load_settings({**overrides, "source": source, "audience": audience}, root)
    notebook = root / "notebooks" / report_kind.notebook
    if not notebook.exists():
        raise PmkitError(f"{notebook} is missing; a project's notebooks/ folder holds the report notebooks (pmkit init writes them)")
    report_kind.check(root, **options)
    engine = render.choose_engine(engine)
    if not settings.get("source"):
        raise PmkitError(f"{root / 'params' / 'defaults.yaml'} names no source; set source: to your data, or give --source")
    src = open_source(settings["source"])
    src.tables()
    plan = report_kind.plan(src, settings, root, **options)
    outputs = Path(out) if out else root / "outputs"
    folder = outputs / plan.period.slug / audience
    work = outputs / "_executed" / plan.period.slug / audience
    run_jobs = [
        ReportJob(
            name=job.name,
            title=job.title,
            notebook=notebook,
            # the project's own source is not passed: executed notebooks then name no server path
            parameters={**job.parameters, "audience": audience, "source": source, "engine": engine,
                        "overrides": overrides},
            html=folder / f"{job.name}.html",
            executed=work / f"{job.name}.ipynb",
        )
        for job in plan.jobs
    ]
    started = time.perf_counter()
    result = RunResult(folder, plan.period.label, audience, engine, notes=plan.notes)
    if progress is not None:
        progress.planned([job.title for job in run_jobs])
    with publish.work_folder(outputs) as tmp:  # temporary files: never in the published folders
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            result.reports = list(pool.map(lambda job: execute_and_publish(job, engine, root, tmp, progress), run_jobs))

        indicators = src.indicators()
        table = status.assess(
            src.measures(),
            indicators[indicators["public"]] if audience == "public" else indicators,
            plan.period,
            targets=src.targets(),
            benchmarks=src.benchmarks(),
            comparator_group=settings.get("comparator_group", "nearest_neighbours"),
            rag_suspended=settings.get("rag_suspended") or (),
            dot_threshold=float(settings.get("dot_threshold", 0.01)),
        )
        if plan.directorates is not None:
            table = table[table["directorate"].isin(plan.directorates)]  # open data covers the whole council
        council = settings.get("council", "")
        open_data = table.assign(exceptions=table["exceptions"].map(" ".join))
        extras = [(f, f) for f in publish.write_open_data(folder, open_data, f"{council} performance status {plan.period.label}", tmp)]
        published = _published(folder / "manifest.json", result.reports, report_kind, run_jobs)
        manifest = {
            "kind": report_kind.name,
            "parameters": {"period": plan.period.label, "audience": audience, "engine": engine, **overrides,
                           **{k: v for k, v in options.items() if v is not None}},
            "source": _source_name(src.describe(), root),
            "inputs": publish.file_hashes(settings["source"]) if "://" not in settings["source"] else {},
            "versions": publish.versions(),
            "git_commit": publish.git_commit(root),
            "seconds": round(time.perf_counter() - started, 2),
            "reports": [{**asdict(r), "executed": _shown_path(r.executed, folder)} for r in result.reports],
            "published": published,
        }
        publish.write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2, default=str), tmp)
        labels = {name: KINDS.get(name).label for name in KINDS.names()}
        publish.write_index(
            folder,
            f"{council} performance reports: {plan.period.label} ({audience})",
            published,
            [*extras, ("manifest.json", "manifest.json (parameters, input hashes, versions, timings)")],
            labels,
            tmp,
        )
        publish.write_outputs_home(outputs, tmp)
    return result


def run_quarterly(period: str | None = None, directorates: list[str] | None = None, **kwargs: object) -> RunResult:
    """The quarterly reports, one per directorate: `run_report` for kind ``quarterly``."""
    return run_report("quarterly", period=period, directorate=directorates, **kwargs)


def _published(manifest: Path, reports: list[ReportResult], kind: ReportKind, jobs: list[ReportJob]) -> list[dict]:
    """Every report in the folder, of any kind: earlier runs' entries, updated by this run's results."""
    earlier = json.loads(manifest.read_text(encoding="utf-8")).get("published", []) if manifest.exists() else []
    merged = {r["name"]: r for r in earlier}
    parameters = {job.name: {k: v for k, v in job.parameters.items() if k not in ("source", "engine") and v != {}}
                  for job in jobs}
    merged.update({r.name: {"name": r.name, "kind": kind.name, "title": r.title, "file": r.file, "ok": r.ok,
                            "parameters": parameters[r.name]} for r in reports})
    return sorted(merged.values(), key=lambda r: (KINDS.names().index(r.get("kind", "quarterly")), r["name"]))


def _source_name(location: str, root: Path) -> str:
    """The source as the manifest names it: a URL without its password, a path within the project, or a file name."""
    shown = _shown_path(location, root)
    return Path(shown).name if shown.startswith("..") else shown


def _shown_path(path: str, base: Path) -> str:
    """A path as the manifest shows it: relative to ``base`` when it lies beside or below it (no server paths in published files)."""
    if "://" in path:
        return path
    try:
        return os.path.relpath(path, base)
    except ValueError:
        return Path(path).name


def execute_and_publish(job: ReportJob, engine: str, root: Path, tmp: Path | None = None,
                        progress: RunObserver | None = None) -> ReportResult:
    """Execute one notebook with papermill and publish its page (its temporary file in ``tmp``); errors
    are caught and reported. ``progress`` is told of each state change (``running``, ``rendering``,
    ``published`` or ``failed``).

    The kernel's own output (its log, and anything written to its stdout and stderr outside a cell)
    goes to ``<executed>.kernel.log`` beside the executed notebook, not to pmkit's console; when the
    kernel dies, the error names the end of that log."""
    import papermill  # imported when a report runs, so that a wrong argument is refused at once

    started = time.perf_counter()

    def tell(state: str, error: str = "") -> None:
        if progress is not None:
            progress.changed(job.title, state, round(time.perf_counter() - started, 2), error)

    tell("running")
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    kernel_log = job.executed.with_suffix(".kernel.log")
    _quiet_papermill()
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(job.executed),
            parameters=job.parameters,
            # the kernel starts in the project (nbclient's resources path), not papermill's ``cwd``, which
            # changes the whole process's working folder: from two threads at once that raced, and one
            # notebook started where the project's relative source path did not resolve
            resources={"metadata": {"path": str(root)}},
            progress_bar=False,
            log_output=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # keep the kernel's start-up chatter out of its log
            kernel_manager_class=_job_kernel_manager_class(kernel_log),
        )
        tell("rendering")
        page = render.render(job.executed, job.title, engine)
        publish.write_atomic(job.html, page, tmp)
        error = ""
    except (papermill.PapermillExecutionError, ReportError, PmkitError) as exc:
        error = _short_error(exc)
    except Exception as exc:  # a kernel that died or a renderer crash must not stop the other reports
        error = f"{type(exc).__name__}: {exc}" + _kernel_log_tail(kernel_log)
    result = ReportResult(
        name=job.name,
        title=job.title,
        file=job.html.name,
        ok=not error,
        seconds=round(time.perf_counter() - started, 2),
        executed=str(job.executed),
        error=error,
    )
    if progress is not None:
        progress.changed(job.title, "published" if result.ok else "failed", result.seconds, error)
    return result


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


def _job_kernel_manager_class(kernel_log: Path) -> type:
    """`_kernel_manager_class`, with the kernel's stdout and stderr written to ``kernel_log``."""
    return type("JobKernelManager", (_kernel_manager_class(),), {"pmkit_kernel_log": kernel_log})


def _short_error(exc: Exception) -> str:
    from papermill import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return str(exc)


def _kernel_manager_class() -> type:
    """The kernel manager papermill uses: jupyter_client's, with each local kernel started in pmkit's own
    process group instead of a session of its own. Stopping a run's process group (Ctrl-C in a terminal,
    ``kill -- -PGID``, a scheduler's timeout) then stops its kernels with it, rather than leaving them
    running (until their parent poller notices, or for good when they were starting up)."""
    global _GROUP_KERNEL_MANAGER
    if _GROUP_KERNEL_MANAGER is None:
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_client.provisioning import LocalProvisioner

        class GroupKernelManager(AsyncKernelManager):
            pmkit_kernel_log: Path | None = None

            async def _async_launch_kernel(self, kernel_cmd: list[str], **kw: object) -> None:
                # The kernel's own output to a file of its own: jupyter_client starts it with pmkit's
                # stdout and stderr, so its log (e.g. "[IPKernelApp] ERROR | KeyboardInterrupt caught
                # in kernel." when the interrupt jupyter_client sends before shutdown lands inside a
                # message handler) would otherwise end up in pmkit's console.
                if self.pmkit_kernel_log is not None and kw.get("stderr") is None:
                    self.pmkit_kernel_log.parent.mkdir(parents=True, exist_ok=True)
                    log = open(self.pmkit_kernel_log, "wb")  # noqa: SIM115 - the child holds its own copy
                    kw = {**kw, "stdout": log, "stderr": log}
                    try:
                        return await self._pmkit_launch(kernel_cmd, **kw)
                    finally:
                        log.close()
                return await self._pmkit_launch(kernel_cmd, **kw)

            async def _pmkit_launch(self, kernel_cmd: list[str], **kw: object) -> None:
                provisioner = self.provisioner
                if os.name != "posix" or type(provisioner) is not LocalProvisioner:
                    return await super()._async_launch_kernel(kernel_cmd, **kw)
                # what jupyter_client.launcher.launch_kernel does on POSIX, less start_new_session
                popen = {k: v for k, v in kw.items() if k not in ("extra_arguments", "kernel_id", "independent")}
                env = dict(popen.pop("env", None) or os.environ)
                env["JPY_PARENT_PID"] = str(os.getpid())  # the kernel also exits when pmkit is gone
                popen.setdefault("stdin", subprocess.PIPE)
                process = subprocess.Popen([os.path.expanduser(s) for s in kernel_cmd], env=env, **popen)
                provisioner.process, provisioner.pid = process, process.pid
                provisioner.pgid = None  # interrupts and kills go to the kernel alone, never to pmkit's group
                provisioner.cwd = kw.get("cwd") or Path.cwd()
                self._reconcile_connection_info(provisioner.connection_info)

        _GROUP_KERNEL_MANAGER = GroupKernelManager
    return _GROUP_KERNEL_MANAGER


_GROUP_KERNEL_MANAGER: type | None = None
