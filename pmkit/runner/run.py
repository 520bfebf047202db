"""Runs: execute report notebooks with papermill, render them, publish atomically, write the index.

One failing report does not stop the others; the run's result lists each report, and a failed
report keeps the last good HTML file in place.
"""

from __future__ import annotations

import json
import logging
import os
import queue
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.errors import PmkitError, ReportError
from pmkit.io.settings import check_layer, find_project, kind_params, load_settings
from pmkit.io.sources import Source, open_source, write_snapshot
from pmkit.reports import KINDS, Plan, ReportKind
from pmkit.reports.context import assess_with_settings
from pmkit.runner import layout, links, publish, render, site

if TYPE_CHECKING:
    from collections.abc import Callable

    from pmkit.runner.kernels import WarmKernels
    from pmkit.runner.progress import RunObserver


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
    fingerprint: str = ""  # notebook, parameters, input data and pmkit version (see pmkit.runner.fingerprint)
    label: str = ""  # how progress names it: its title, with the audience when a batch has two
    pdf: bool = False  # --pdf: a PDF of the page is written beside it (see pmkit.runner.pdf)

    def __post_init__(self) -> None:
        self.label = self.label or self.title


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


@dataclass
class _PlannedRun:
    """One project and audience's part of a batch: its plan and jobs, then what `_finish` writes."""

    kind: ReportKind
    root: Path
    src: Source
    settings: dict
    plan: Plan
    outputs: Path
    tmp: Path
    audience: str
    engine: str
    parameters: dict  # the run's own parameters, for the manifest
    jobs: list[ReportJob] = field(default_factory=list)
    skipped: list[ReportResult] = field(default_factory=list)


def run_report(kind: str, audience: str = "internal", root: Path | None = None, **kwargs: object) -> RunResult:
    """A run of report kind ``kind`` for one project and audience: `run_batch` with one of each."""
    return run_batch(kind, [root], [audience], **kwargs)[0]


def run_batch(
    kind: str,
    roots: list[Path | None],
    audiences: list[str],
    source: str | None = None,
    out: str | Path | None = None,
    engine: str = "auto",
    jobs: int = 1,
    overrides: dict | None = None,
    params: dict | None = None,
    changed_only: bool = False,
    scheduler: str | None = None,
    progress: RunObserver | None = None,
    pdf: bool = False,
    **options: object,
) -> list[RunResult]:
    """Run report kind ``kind`` (its own ``options``) for each project in ``roots`` and each audience,
    as one batch: a `RunResult` per project and audience, in that order.

    Every project's source is opened and validated once, and every plan made, before any report
    starts; wrong options, an invalid source or a period without data stop the batch then. Settings
    come in layers: ``params/defaults.yaml`` < ``params/<kind>.yaml`` < a report's params file (a
    directorate's) < ``params`` (``-p key value``) and ``overrides`` (options such as
    ``--comparator-group``). The reports run on ``jobs`` warm kernels here, or on the Dask cluster at
    ``scheduler`` (``local`` starts one); each page is published atomically as it is ready, then each
    folder's open data, manifest and index. ``changed_only`` skips a report whose fingerprint equals the
    one of its last successful publication. ``progress`` (see `pmkit.runner.progress`) is told each report's
    state as it changes; without it the run prints nothing. ``pdf`` prints each published page to a PDF
    beside it (`pmkit.runner.pdf.write_pdf`).
    """
    report_kind = KINDS.get(kind)
    if pdf:
        from pmkit.runner.pdf import chromium

        chromium()  # no Chromium to print with: said before any report runs
    engine = render.choose_engine(engine)
    roots = [find_project(root) for root in roots]
    if out and len(roots) > 1:
        raise PmkitError("--out names one folder; with several projects, each publishes in its own outputs/ folder")
    checked = [_check(report_kind, root, source, overrides, params, **options) for root in roots]
    with ExitStack() as stack:
        kernels = None
        if not scheduler:  # the kernels warm up while the sources are validated and the reports planned
            from pmkit.runner.kernels import WarmKernels

            kernels = stack.enter_context(WarmKernels(jobs))
            kernels.prestart()
        return _run_planned(
            report_kind,
            roots,
            checked,
            audiences,
            source,
            out,
            engine,
            jobs,
            changed_only,
            scheduler,
            kernels,
            progress,
            options,
            pdf,
        )


def _run_planned(
    report_kind: ReportKind,
    roots: list[Path],
    checked: list[tuple[dict, dict]],
    audiences: list[str],
    source: str | None,
    out: str | Path | None,
    engine: str,
    jobs: int,
    changed_only: bool,
    scheduler: str | None,
    kernels: WarmKernels | None,
    progress: RunObserver | None,
    options: dict,
    pdf: bool = False,
) -> list[RunResult]:
    """`run_batch` once every check that needs no data has passed: validate, plan, execute, publish."""
    planned = []
    for root, (settings, layers) in zip(roots, checked, strict=True):
        src = open_source(settings["source"])
        src.tables()  # validated once for every report of the batch
        plans = [
            (audience, report_kind.plan(src, {**settings, "audience": audience}, root, **options))
            for audience in audiences
        ]
        planned.append((root, settings, layers, src, plans))
    runs = []
    with ExitStack() as stack:
        for root, settings, layers, src, plans in planned:
            outputs = Path(out) if out else root / "outputs"
            tmp = stack.enter_context(publish.work_folder(outputs))  # temporary files: never in the published folders
            snapshot = write_snapshot(src, tmp / "source")
            for audience, plan in plans:
                runs.append(
                    _jobs(
                        report_kind,
                        plan,
                        root,
                        src,
                        settings,
                        layers,
                        audience,
                        outputs,
                        tmp,
                        snapshot,
                        engine,
                        changed_only,
                        options,
                    )
                )
        for run in runs:
            for job in run.jobs:
                job.label = _label(job.title, run.audience, audiences)
                job.pdf = pdf
        pending = [job for run in runs for job in run.jobs]
        if progress is not None:
            skipped = [(_label(r.title, run.audience, audiences), r) for run in runs for r in run.skipped]
            progress.planned([job.label for job in pending] + [label for label, _ in skipped])
            for label, _ in skipped:
                progress.changed(label, "skipped", 0.0)
        started = time.perf_counter()
        done = _execute(pending, engine, jobs, scheduler, kernels, progress)
        return [_finish(run, done, time.perf_counter() - started) for run in runs]


def run_quarterly(period: str | None = None, directorates: list[str] | None = None, **kwargs: object) -> RunResult:
    """The quarterly reports, one per directorate: `run_report` for kind ``quarterly``."""
    return run_report("quarterly", period=period, directorate=directorates, **kwargs)


def _check(
    kind: ReportKind, root: Path, source: str | None, overrides: dict | None, params: dict | None, **options: object
) -> tuple[dict, dict]:
    """The project's settings and layers for this kind, after every check that needs no data."""
    notebook = root / "notebooks" / kind.notebook
    if not notebook.exists():
        raise PmkitError(
            f"{notebook} is missing; a project's notebooks/ folder holds the report notebooks (pmkit init writes them)"
        )
    kind.check(root, **options)
    for key in params or {}:
        check_layer({key: None}, f"-p {key}")
    layers = {
        "kind": kind_params(root, kind.name),
        "command_line": dict(params or {}),
        "options": {k: v for k, v in (overrides or {}).items() if v is not None},
    }
    settings = load_settings({**layers["kind"], **layers["command_line"], **layers["options"], "source": source}, root)
    if not settings.get("source"):
        raise PmkitError(
            f"{root / 'params' / 'defaults.yaml'} names no source; set source: to your data, or give --source"
        )
    return settings, layers


def _jobs(
    kind: ReportKind,
    plan: Plan,
    root: Path,
    src: Source,
    settings: dict,
    layers: dict,
    audience: str,
    outputs: Path,
    tmp: Path,
    snapshot: Path,
    engine: str,
    changed_only: bool,
    options: dict,
) -> _PlannedRun:
    """The jobs of one project and audience's plan, each with its settings layered and its fingerprint."""
    from pmkit.runner import fingerprint

    folder = layout.page_folder(outputs, plan.period.slug, audience)
    work = outputs / "_executed" / plan.period.slug / audience
    notebook = root / "notebooks" / kind.notebook
    declared = notebook_parameters(notebook)
    settings_keys = {k: v for k, v in {**layers["command_line"], **layers["options"]}.items() if k not in declared}
    run = _PlannedRun(
        kind,
        root,
        src,
        settings,
        plan,
        outputs,
        tmp,
        audience,
        engine,
        {
            "period": plan.period.label,
            "audience": audience,
            "engine": engine,
            **layers["command_line"],
            **layers["options"],
            **{k: v for k, v in options.items() if v is not None},
        },
    )
    earlier = _earlier_publications(layout.manifest_path(outputs, plan.period.slug, audience)) if changed_only else {}
    tables, studies = src.tables(), src.case_studies()
    version = fingerprint.code_version()
    # settings files a page reads besides its parameters: defaults.yaml is in ``settings`` itself
    files = fingerprint.file_digests([Path(settings.get("codebook") or ""), root / "params" / "topics.yaml"])
    for job in plan.jobs:
        layer = {**layers["kind"], **job.parameters, **layers["command_line"]}
        overrides = {**{k: v for k, v in layer.items() if k not in declared}, **settings_keys}
        parameters = {
            **{k: v for k, v in layer.items() if k in declared},
            "audience": audience,
            "engine": engine,
            "overrides": overrides,
        }
        in_force = {k: v for k, v in {**settings, **overrides}.items() if k not in ("source", "codebook")}
        digests = {**fingerprint.scoped_digests(tables, case_studies=studies, **kind.scope(job)), **files}
        print_ = fingerprint.report_fingerprint(notebook, {**parameters, "settings": in_force}, digests, version)
        html = folder / f"{job.name}.html"
        previous = earlier.get(job.name)
        if previous and previous.get("ok") and previous.get("fingerprint") == print_ and html.exists():
            run.skipped.append(ReportResult(job.name, job.title, html.name, True, 0.0, "", skipped=True))
            continue
        run.jobs.append(
            ReportJob(
                name=job.name,
                title=job.title,
                notebook=notebook,
                # the snapshot's path is relative to the project: executed notebooks then name no server path
                parameters={**parameters, "source": os.path.relpath(snapshot, root)},
                html=html,
                executed=work / f"{job.name}.ipynb",
                project=root,
                tmp=tmp,
                fingerprint=print_,
            )
        )
    return run


def _execute(
    jobs: list[ReportJob],
    engine: str,
    workers: int,
    scheduler: str | None,
    kernels: WarmKernels | None,
    progress: RunObserver | None,
) -> dict[tuple[Path, str], ReportResult]:
    """Each job's result, by (page, name): on the warm ``kernels`` in threads here, or on a Dask cluster."""
    if not jobs:
        return {}
    if kernels is None:
        from pmkit.runner.cluster import execute_on_cluster

        results = execute_on_cluster(jobs, engine, scheduler, workers, progress)
    else:
        size = min(max(1, workers), len(jobs))
        kernels.shrink(size)
        try:
            if engine == "quarto":
                results = execute_then_render_together(jobs, kernels, size, progress)
            else:
                with ThreadPoolExecutor(size) as pool:
                    render_page = render.RENDERERS[engine]
                    results = list(pool.map(lambda job: execute_and_publish(job, render_page, kernels, progress), jobs))
        finally:
            kernels.keep_logs(jobs[0].executed.parents[2] / "kernels")  # outputs/_executed/kernels
    return {(job.html, job.name): result for job, result in zip(jobs, results, strict=True)}


def _finish(run: _PlannedRun, done: dict[tuple[Path, str], ReportResult], seconds: float) -> RunResult:
    """A project and audience's open data, manifest and index, and the links between its pages, after its reports ran."""
    plan, src, settings, audience = run.plan, run.src, run.settings, run.audience
    folder = layout.page_folder(run.outputs, plan.period.slug, audience)
    manifest_file = layout.manifest_path(run.outputs, plan.period.slug, audience)
    order = {job.name: i for i, job in enumerate(plan.jobs)}
    reports = sorted([done[(job.html, job.name)] for job in run.jobs] + run.skipped, key=lambda r: order[r.name])
    result = RunResult(
        folder,
        plan.period.label,
        audience,
        run.engine,
        reports,
        notes=plan.notes,
        warnings=tuple(str(w) for w in src.warnings),
    )
    indicators = src.indicators()
    table = assess_with_settings(
        src, settings, indicators[indicators["public"]] if audience == "public" else indicators, plan.period
    )
    if plan.directorates is not None:
        table = table[table["directorate"].isin(plan.directorates)]  # open data covers the whole council
    council = settings.get("council", "")
    tmp = run.tmp
    open_data = table.assign(exceptions=table["exceptions"].map(" ".join))
    extras = [
        (f, f)
        for f in publish.write_open_data(folder, open_data, f"{council} performance status {plan.period.label}", tmp)
    ]
    published = _published(manifest_file, result.reports, run.kind, run.jobs)
    manifest = {
        "kind": run.kind.name,
        "parameters": run.parameters,
        "source": _source_name(src.describe(), run.root),
        "inputs": publish.file_hashes(settings["source"]) if "://" not in settings["source"] else {},
        "versions": publish.versions(),
        "git_commit": publish.git_commit(run.root),
        "seconds": round(seconds, 2),  # the whole batch's reports
        "reports": [
            {**asdict(r), "executed": _shown_path(r.executed, folder) if r.executed else ""} for r in result.reports
        ],
        "published": published,
    }
    publish.write_atomic(manifest_file, json.dumps(manifest, indent=2, default=str), tmp)
    links.resolve(run.outputs, audience, tmp)  # links between reports, now that this run's pages are listed
    printed = print_pdfs(run.jobs, result.reports)  # after the links: the PDF has the page's final links
    if printed != result.reports:
        result.reports = printed
        manifest["reports"] = [
            {**asdict(r), "executed": _shown_path(r.executed, folder) if r.executed else ""} for r in printed
        ]
        publish.write_atomic(manifest_file, json.dumps(manifest, indent=2, default=str), tmp)
    if (
        audience == "public" and settings.get("public_site", True) is not False
    ):  # the site, each period's index among them
        site.build_site(run.outputs, src, settings, run.root, tmp)
    else:  # public_site: false keeps a plain index of the period's pages, as for the internal side
        labels = {name: KINDS.get(name).label for name in KINDS.names()}
        manifest_link = (
            []
            if audience == "public"
            else [("manifest.json", "manifest.json (parameters, input hashes, versions, timings)")]
        )
        publish.write_index(
            folder,
            f"{council} performance reports: {plan.period.label} ({audience})",
            published,
            [*extras, *manifest_link],
            labels,
            tmp,
        )
    publish.write_outputs_home(run.outputs, tmp, council)
    return result


def print_pdfs(jobs: list[ReportJob], reports: list[ReportResult]) -> list[ReportResult]:
    """A PDF beside each page this run published whose job asks for one (`pmkit.runner.pdf.write_pdf`); a
    report whose PDF could not be printed is failed with the reason, its page left published."""
    asked = {job.name: job for job in jobs if job.pdf}
    out = []
    for report in reports:
        job = asked.get(report.name)
        if job is not None and report.ok and not report.skipped:
            from pmkit.runner.pdf import write_pdf

            try:
                write_pdf(job.html, job.tmp)
            except (ReportError, PmkitError, OSError) as exc:
                report = replace(report, ok=False, error=f"the page was published but its PDF was not printed: {exc}")
        out.append(report)
    return out


def _label(title: str, audience: str, audiences: list[str]) -> str:
    """A report's name in the progress display: a batch of two audiences has each title twice."""
    return f"{title} ({audience})" if len(audiences) > 1 else title


def notebook_parameters(notebook: Path) -> set[str]:
    """The names a notebook's ``parameters`` cell declares (papermill's reading of it)."""
    import papermill

    return set(papermill.inspect_notebook(str(notebook)))


def _earlier_publications(manifest: Path) -> dict[str, dict]:
    """The published entries of a folder's manifest, by name (none when it has no readable manifest)."""
    try:
        return {r["name"]: r for r in json.loads(manifest.read_text(encoding="utf-8")).get("published", [])}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def _published(manifest: Path, reports: list[ReportResult], kind: ReportKind, jobs: list[ReportJob]) -> list[dict]:
    """Every report in the folder, of any kind: earlier runs' entries, updated by this run's results."""
    earlier = _earlier_publications(manifest)
    merged = dict(earlier)
    parameters = {
        job.name: {k: v for k, v in job.parameters.items() if k not in ("source", "engine") and v != {}} for job in jobs
    }
    fingerprints = {job.name: job.fingerprint for job in jobs}
    for r in reports:
        if r.skipped:
            continue  # its entry, fingerprint included, stays as the publication it stands on
        entry = {
            "name": r.name,
            "kind": kind.name,
            "title": r.title,
            "file": r.file,
            "ok": r.ok,
            "parameters": parameters[r.name],
        }
        # a failed run keeps the last good page: it also keeps that page's fingerprint
        old = earlier.get(r.name, {})
        entry["fingerprint"] = fingerprints[r.name] if r.ok else old.get("fingerprint", "")
        merged[r.name] = entry
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
    error names the end of its log."""
    import papermill  # imported when a report runs, so that a wrong argument is refused at once

    job.executed.parent.mkdir(parents=True, exist_ok=True)
    _quiet_papermill()
    started = time.perf_counter()
    kernel = None
    try:
        with kernels.lend(job.project) as kernel:
            started = time.perf_counter()
            _tell(progress, job, "running", started)
            papermill.execute_notebook(
                str(job.notebook),
                str(job.executed),
                parameters=job.parameters,
                km=kernel.manager,
                progress_bar=False,
                log_output=False,
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
        executed=str(job.executed),
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
