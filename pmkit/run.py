"""Runs: execute report notebooks with papermill, render them, publish atomically, write the index.

One failing report does not stop the others; the run's result lists each report, and a failed
report keeps the last good HTML file in place.
"""

from __future__ import annotations

import json
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path

import papermill
import yaml

from pmkit import publish, render, status
from pmkit.errors import PmkitError, ReportError
from pmkit.report import load_settings, project_root, report_period
from pmkit.sources import open_source


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

    @property
    def failed(self) -> list[ReportResult]:
        return [r for r in self.reports if not r.ok]


def directorate_params(root: Path, wanted: list[str] | None, known: list[str]) -> list[tuple[str, dict]]:
    """(name, params) per directorate: params files in ``params/directorates``, filtered by ``wanted``."""
    files = sorted((root / "params" / "directorates").glob("*.yaml"))
    found = [(f.stem, yaml.safe_load(f.read_text(encoding="utf-8")) or {}) for f in files]
    if not found:
        found = [(slugify(d), {"directorate": d}) for d in known]
    if wanted:
        chosen = [(n, p) for n, p in found if n in wanted or p.get("directorate") in wanted]
        missing = set(wanted) - {n for n, _ in chosen} - {p.get("directorate") for _, p in chosen}
        if missing:
            names = ", ".join(n for n, _ in found)
            raise PmkitError(f"no params file or directorate called {', '.join(sorted(missing))}; expected one of: {names}")
        found = chosen
    for name, params in found:
        if params.get("directorate") not in known:
            raise PmkitError(
                f"params/directorates/{name}.yaml names directorate {params.get('directorate')!r}, "
                f"which is not in the source; expected one of: {', '.join(known)}"
            )
    return found


def slugify(text: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")


def run_quarterly(
    period: str | None = None,
    directorates: list[str] | None = None,
    audience: str = "internal",
    source: str | None = None,
    out: str | Path | None = None,
    engine: str = "auto",
    jobs: int = 1,
    root: Path | None = None,
) -> RunResult:
    """Execute ``notebooks/service_area.ipynb`` once per directorate and publish the pages and index."""
    root = root or project_root()
    settings = load_settings({"source": source, "audience": audience}, root)
    engine = render.choose_engine(engine)
    src = open_source(settings["source"])
    indicators = src.indicators()
    chosen = report_period(src, period)
    params = directorate_params(root, directorates, sorted(indicators["directorate"].unique()))
    outputs = Path(out) if out else root / "outputs"
    folder = outputs / chosen.slug / audience
    work = outputs / "_executed" / chosen.slug / audience
    notebook = root / "notebooks" / "service_area.ipynb"
    run_jobs = [
        ReportJob(
            name=name,
            title=f"{p['directorate']}: performance report, {chosen.label}",
            notebook=notebook,
            parameters={**p, "period": chosen.label, "audience": audience, "source": settings["source"], "engine": engine},
            html=folder / f"{name}.html",
            executed=work / f"{name}.ipynb",
        )
        for name, p in params
    ]
    started = time.perf_counter()
    result = RunResult(folder, chosen.label, audience, engine)
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        result.reports = list(pool.map(lambda job: execute_and_publish(job, engine, root), run_jobs))

    table = status.assess(
        src.measures(),
        indicators[indicators["public"]] if audience == "public" else indicators,
        chosen,
        targets=src.targets(),
        benchmarks=src.benchmarks(),
        comparator_group=settings.get("comparator_group", "nearest_neighbours"),
        rag_suspended=settings.get("rag_suspended") or (),
    )
    every = directorate_params(root, None, sorted(indicators["directorate"].unique()))
    table = table[table["directorate"].isin([p["directorate"] for _, p in every])]  # open data covers the whole council
    council = settings.get("council", "")
    extras = [(f, f) for f in publish.write_open_data(folder, table.assign(exceptions=table["exceptions"].map(" ".join)), f"{council} performance status {chosen.label}")]
    published = _published(folder / "manifest.json", result.reports)
    manifest = {
        "kind": "quarterly",
        "parameters": {"period": chosen.label, "audience": audience, "engine": engine, "directorates": [n for n, _ in params]},
        "source": _source_name(src.describe(), root),
        "inputs": publish.file_hashes(settings["source"]) if "://" not in settings["source"] else {},
        "versions": publish.versions(),
        "git_commit": publish.git_commit(root),
        "seconds": round(time.perf_counter() - started, 2),
        "reports": [{**asdict(r), "executed": _shown_path(r.executed, folder)} for r in result.reports],
        "published": published,
    }
    publish.write_atomic(folder / "manifest.json", json.dumps(manifest, indent=2, default=str))
    publish.write_index(
        folder,
        f"{council} performance reports: {chosen.label} ({audience})",
        published,
        [*extras, ("manifest.json", "manifest.json (parameters, input hashes, versions, timings)")],
    )
    publish.write_outputs_home(outputs)
    return result


def _published(manifest: Path, reports: list[ReportResult]) -> list[dict]:
    """Every report in the folder: earlier runs' entries, updated by this run's results."""
    earlier = json.loads(manifest.read_text(encoding="utf-8")).get("published", []) if manifest.exists() else []
    merged = {r["name"]: r for r in earlier}
    merged.update({r.name: {"name": r.name, "title": r.title, "file": r.file, "ok": r.ok} for r in reports})
    return sorted(merged.values(), key=lambda r: r["name"])


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


def execute_and_publish(job: ReportJob, engine: str, root: Path) -> ReportResult:
    """Execute one notebook with papermill and publish its page; errors are caught and reported."""
    started = time.perf_counter()
    job.executed.parent.mkdir(parents=True, exist_ok=True)
    try:
        papermill.execute_notebook(
            str(job.notebook),
            str(job.executed),
            parameters=job.parameters,
            cwd=str(root),
            progress_bar=False,
            log_output=False,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],  # keep the kernel's start-up chatter out of the console
        )
        page = render.render(job.executed, job.title, engine)
        publish.write_atomic(job.html, page)
        error = ""
    except (papermill.PapermillExecutionError, ReportError, PmkitError) as exc:
        error = _short_error(exc)
    except Exception as exc:  # a kernel that died or a renderer crash must not stop the other reports
        error = f"{type(exc).__name__}: {exc}"
    return ReportResult(
        name=job.name,
        title=job.title,
        file=job.html.name,
        ok=not error,
        seconds=round(time.perf_counter() - started, 2),
        executed=str(job.executed),
        error=error,
    )


def _short_error(exc: Exception) -> str:
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"{exc.ename}: {exc.evalue} (cell {exc.exec_count})"
    return str(exc)
