"""Runs: plan a batch of reports, hand its jobs to a runner, and finish each folder it published to.

A runner (`pmkit.runner.runners`) executes the notebooks with papermill, renders and publishes each
page atomically; this module plans the jobs before any starts and, after, writes each folder's open
data, manifest and index, settles the links between reports and prints the PDFs. One failing report
does not stop the others; the run's result lists each report, and a failed report keeps the last
good HTML file in place.
"""

from __future__ import annotations

import json
import os
import time
from contextlib import ExitStack
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from pmkit.components import charts
from pmkit.errors import PmkitError, ReportError
from pmkit.io.settings import check_layer, find_project, kind_params, load_settings
from pmkit.io.sources import Source, open_source, write_snapshot
from pmkit.reports import KINDS, Plan, ReportKind
from pmkit.reports.context import assess_with_settings
from pmkit.runner import layout, links, publish, render, site
from pmkit.runner.jobs import ReportJob, ReportResult, RunResult
from pmkit.runner.runners import RUNNERS, Runner

if TYPE_CHECKING:
    from pmkit.runner.progress import RunObserver


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
    drawings: Path  # the outputs folder's drawing store (`pmkit.runner.publish.drawing_store`)
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
    ``scheduler`` (``local`` starts one), as `pmkit.runner.runners.RUNNERS` chooses; each page is published
    atomically as it is ready, then each folder's open data, manifest and index. ``changed_only`` skips a report whose fingerprint equals the
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
    # entered now, a runner warms up (the local one's kernels) while the sources are validated and the reports planned
    with RUNNERS.start(scheduler, jobs) as runner:
        return _run_planned(
            report_kind,
            roots,
            checked,
            audiences,
            source,
            out,
            engine,
            changed_only,
            runner,
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
    changed_only: bool,
    runner: Runner,
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
            drawings = publish.drawing_store(outputs)
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
                        drawings,
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
        results = runner.execute(pending, engine, progress)
        done = {(job.html, job.name): result for job, result in zip(pending, results, strict=True)}
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
    drawings: Path,
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
        drawings,
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
                drawings=drawings,
                fingerprint=print_,
            )
        )
    return run


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
        with charts.drawings_in(run.drawings):  # the measures' pages reuse the charts the batch's pages drew
            site.build_site(run.outputs, src, settings, run.root, tmp)
    else:  # public_site: false keeps a plain index of the period's pages, as for the internal side
        labels = {name: KINDS.options(name).label for name in KINDS.names()}
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
