"""The ``pmkit`` command line. User errors become one line each and a non-zero exit, never a traceback."""

from __future__ import annotations

import argparse
import functools
import sys
import time
from pathlib import Path

from pmkit.errors import PmkitError, ValidationError, shell

EXIT_INVALID = 2
EXIT_FAILED = 1


def cmd_validate(args: argparse.Namespace) -> int:
    from pmkit.io.settings import DEFAULTS_FILE, find_project, load_settings, project_root
    from pmkit.io.sources import open_source
    from pmkit.judge.benchmarking import benchmark_warnings

    # the project's settings (its council, comparator group) read the source's warnings, when there is a project
    root = find_project(args.project) if args.project or not args.source else project_root()
    settings = load_settings(None, root) if (root / DEFAULTS_FILE).exists() else {}
    source = args.source or settings.get("source")
    if not source:
        raise PmkitError("no source to validate: give SOURCE, or set source: in params/defaults.yaml")
    src = open_source(source)
    tables = src.tables()
    studies = src.case_studies()
    counts = ", ".join(f"{name} {len(t):,}" for name, t in tables.items() if len(t))
    warnings = [str(w) for w in src.warnings] + [
        str(p) for p in benchmark_warnings(src, settings)
    ]  # worth a look: exit 0
    _print_warnings(warnings)
    warned = f"; {len(warnings)} warning{'s' if len(warnings) != 1 else ''}" if warnings else ""
    print(f"{src.describe()}: valid ({counts}, case_studies {len(studies)}){warned}")
    return 0


def _print_warnings(lines: object) -> None:
    """Each warning once, on standard error: worth a look, but not a reason to stop (the exit code stays 0)."""
    sys.stdout.flush()
    for line in dict.fromkeys(lines):
        print(f"warning: {line}", file=sys.stderr, flush=True)


def cmd_status(args: argparse.Namespace) -> int:
    from rich.console import Console
    from rich.table import Table

    from pmkit.io import periods
    from pmkit.io.settings import (
        find_project,
        load_settings,
        report_period,
        reporting_frequency,
        reports_without_data,
        retired_note,
        retired_reasons,
    )
    from pmkit.io.sources import open_source
    from pmkit.reports.context import assess_with_settings

    settings = load_settings({"source": args.source}, find_project(args.project) if not args.source else None)
    if args.period:
        periods.parse(args.period)  # an unreadable period is refused before the data is read
    src = open_source(settings["source"])
    frequency = reporting_frequency(settings)
    period = report_period(src, args.period, frequency)
    ind = src.indicators()
    wanted = _directorates(args, sorted(ind["directorate"].unique()))
    if wanted:
        ind = ind[ind["directorate"].isin(wanted)]
    gone = retired_reasons(ind, src.measures(), period)  # no longer reported: left out, as the reports leave them out
    ind = ind[~ind["indicator_id"].isin(list(gone))]
    reports_without_data(src, {"the status table": list(ind["indicator_id"])}, period, frequency, asked=True)
    st = assess_with_settings(
        src,
        {
            **settings,
            "comparator_group": args.comparator_group or settings.get("comparator_group", "nearest_neighbours"),
        },
        ind,
        period,
    )
    table = Table(title=f"Status for {period.label} ({len(st)} indicators)")
    columns = ["indicator_id", "title", "period", "value", "target", "rag", "dot", "quartile", "exceptions"]
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in st[columns].itertuples(index=False):
        table.add_row(
            *[
                ""
                if v is None or (isinstance(v, float) and v != v) or str(v) == "<NA>"
                else (" ".join(v) if isinstance(v, list) else f"{v:g}" if isinstance(v, float) else str(v))
                for v in row
            ]
        )
    console = Console(width=args.width)
    if args.width is None and not console.is_terminal:
        console = Console(width=200)
    console.print(table)
    if gone:
        print(f"note: {retired_note(gone, period)}")
    return 0


def _run_with_progress(**kwargs: object):
    """`run_batch` with progress on the console: a live display on a terminal, log lines otherwise."""
    from pmkit.runner.progress import for_console
    from pmkit.runner.run import run_batch

    if kwargs.get("engine") == "auto":
        _note_without_quarto()
    with for_console() as progress:
        return run_batch(progress=progress, **kwargs)


@functools.cache
def _note_without_quarto() -> None:
    """Once per command: why the pages are rendered with nbconvert, and how to have Quarto."""
    from pmkit.runner.render import WITHOUT_QUARTO, quarto_available

    if not quarto_available():
        print(f"note: {WITHOUT_QUARTO}", file=sys.stderr, flush=True)


def _print_run(results: list) -> int:
    """The closing summary of a batch: notes, one table of every report, each failure's error, the indexes."""
    from pmkit.runner.progress import print_summary

    _print_warnings(w for result in results for w in result.warnings)
    for result in results:
        for note in result.notes:
            print(f"note: {note}")
    sys.stdout.flush()
    print_summary(results)
    failed = [r for result in results for r in result.failed]
    for r in failed:
        print(f"FAILED {r.title}: {r.error}" + (f"\n       executed notebook: {r.executed}" if r.executed else ""))
    for result in results:
        print(f"index: {result.folder / 'index.html'}", flush=True)
    if failed:
        print(f"{len(failed)} of {sum(len(result.reports) for result in results)} reports failed", file=sys.stderr)
        return EXIT_FAILED
    return 0


RUN_ARGUMENTS = {
    "audience",
    "source",
    "out",
    "engine",
    "jobs",
    "command",
    "kind",
    "func",
    "project",
    "comparator_group",
    "parameters",
    "changed_only",
    "scheduler",
    "pdf",
}


def cmd_run(args: argparse.Namespace) -> int:
    from pmkit.io.settings import command_line_params

    options = {k: v for k, v in vars(args).items() if k not in RUN_ARGUMENTS}
    source = args.source if not args.source or "://" in args.source else str(Path(args.source).resolve())
    results = _run_with_progress(
        kind=args.kind,
        roots=args.project or [None],
        audiences=args.audience or ["internal"],
        source=source,
        out=args.out,
        engine=args.engine,
        jobs=args.jobs,
        overrides={"comparator_group": args.comparator_group},
        params=command_line_params(args.parameters),
        changed_only=args.changed_only,
        scheduler=args.scheduler,
        pdf=args.pdf,
        **options,
    )
    return _print_run(results)


def cmd_demo(args: argparse.Namespace) -> int:
    from pmkit.io.settings import load_settings, project_root
    from pmkit.project.demo import DEMO_RUNS, write_demo_store

    root = project_root()
    started = time.perf_counter()
    store = write_demo_store(root / "data" / "pmkit.duckdb")
    own = Path(load_settings(None, root).get("source") or "") == store  # the demo project names its store itself
    print(f"demo store: {store} ({time.perf_counter() - started:.1f} s)")
    if args.no_reports:
        return 0
    code = 0
    for kind, options in DEMO_RUNS:
        results = _run_with_progress(
            kind=kind,
            roots=[root],
            audiences=["internal", "public"],
            source=None if own else str(store),
            engine=args.engine,
            jobs=args.jobs,
            **options,
        )
        code = max(code, _print_run(results))
    return code


def cmd_import_lgbf(args: argparse.Namespace) -> int:
    from pmkit.project.importers.lgbf import import_lgbf_club, import_lgbf_project

    if args.council.strip().lower() == "all":
        club = import_lgbf_club(args.directory, args.out)
        for summary in club:
            print(
                f"{summary.report_name}: {summary.indicators:,} indicators, {summary.measures:,} measures and "
                f"{summary.benchmark_rows:,} benchmark rows, a pmkit project in {summary.project}"
            )
        print(
            f"{len(club)} projects in {args.out}; one report for each, as one batch: "
            f"{shell('pmkit', 'run', 'annual', '--project', args.out)}/*"
        )
        return 0
    summary = import_lgbf_project(args.directory, args.council, args.out)
    print("\n".join(summary.lines()))
    print(
        f"{summary.report_name}: a pmkit project in {summary.project}; next steps are in {summary.project / 'README.md'}"
    )
    print(f"  {shell('cd', summary.project)}")
    print("  pmkit run quarterly")
    return 0


def cmd_import_coventry(args: argparse.Namespace) -> int:
    from pmkit.project.importers.coventry import COUNCIL, import_coventry_project

    summary = import_coventry_project(args.directory, args.out)
    print("\n".join(summary.lines()))
    print(f"{COUNCIL}: a pmkit project in {summary.project}; next steps are in {summary.project / 'README.md'}")
    print(f"  {shell('cd', summary.project)}")
    print("  pmkit run quarterly")
    return 0


def cmd_themes_suggest(args: argparse.Namespace) -> int:
    from pmkit.io.settings import load_settings
    from pmkit.io.sources import open_source
    from pmkit.judge import themes

    settings = load_settings({"source": args.source, "codebook": args.codebook})
    src = open_source(settings["source"])
    feedback = src.feedback()
    wanted = _directorates(args, sorted(set(src.indicators()["directorate"]) | set(feedback["directorate"])))
    if wanted:
        feedback = feedback[feedback["directorate"].isin(wanted)]
    suggestions = themes.suggest(feedback, codebook=settings["codebook"], n_topics=args.topics)
    path = themes.write_draft(suggestions, args.out)
    for row in suggestions.itertuples(index=False):
        print(f"{row.label}: {row.comments} comments; top terms {', '.join(row.terms[:6])}")
    print(f"draft codebook: {path} (edit it, then merge the themes you keep into {settings['codebook']})")
    return 0


def cmd_init(args: argparse.Namespace) -> int:
    from pmkit.project.create import init_project

    folder = init_project(args.directory, args.council, args.source, say=print)
    print(f"{args.council}: a pmkit project in {folder}; next steps are in {folder / 'README.md'}")
    print(f"  {shell('cd', folder)}")
    print("  pmkit validate" if args.source else "  pmkit template data   # an empty workbook to fill in")
    print("  pmkit run quarterly")
    return 0


def cmd_template(args: argparse.Namespace) -> int:
    from pmkit.project.template import write_template

    path = write_template(args.directory, overwrite=args.overwrite, example=args.example)
    if args.example:
        print(
            f"{path}: the demo council's Housing data in a sheet per table, a valid source to copy from "
            f"({shell('pmkit', 'validate', path)})"
        )
    else:
        print(
            f"{path}: a sheet per table, with a sheet explaining every column; fill it in, then {shell('pmkit', 'validate', path)}"
        )
    return 0


def _project_source(args: argparse.Namespace) -> tuple[dict, object]:
    """The settings of the project a command works in, and its source (``--source`` wins)."""
    from pmkit.io.settings import find_project, load_settings
    from pmkit.io.sources import open_source

    settings = load_settings({"source": args.source}, find_project(args.project) if not args.source else None)
    if not settings.get("source"):
        raise PmkitError("no source: give --source, or set source: in params/defaults.yaml")
    return settings, open_source(settings["source"])


def _directorates(args: argparse.Namespace, known: list[str]) -> list[str] | None:
    """The directorates ``--directorate`` names (each by name, slug or params file name), None for all."""
    from pmkit.io.settings import DEFAULTS_FILE, find_project, project_root
    from pmkit.reports.quarterly import directorate_names

    root = find_project(args.project) if getattr(args, "project", None) else project_root()
    return directorate_names(args.directorate, known, root if (root / DEFAULTS_FILE).exists() else None)


def cmd_commentary_template(args: argparse.Namespace) -> int:
    from pmkit.io import periods
    from pmkit.io.settings import report_period, reporting_frequency
    from pmkit.project.commentary_return import write_return

    if args.period:
        periods.parse(args.period)  # an unreadable period is refused before the data is read
    from pmkit.components.anchors import slugify

    settings, src = _project_source(args)
    period = report_period(src, args.period, reporting_frequency(settings))
    wanted = _directorates(args, sorted(src.indicators()["directorate"].unique()))
    names = "-".join(slugify(d) for d in wanted or [])
    out = args.out or Path(f"commentary-{period.slug}{'-' + names if names else ''}.xlsx")
    path, count = write_return(src, settings, period, wanted, out, str(settings.get("council", "") or ""))
    print(
        f"{path}: the commentary return for {period.label}, {count} indicators asking for commentary and an "
        f"overview row per directorate; send it to service managers, then {shell('pmkit', 'commentary', 'import', path)}"
    )
    return 0


def cmd_commentary_import(args: argparse.Namespace) -> int:
    from pmkit.project.commentary_return import import_return

    settings, src = _project_source(args)
    done = import_return(args.file, src, settings)
    if done.written_to is None:
        print(f"{args.file}: nothing changed ({done.unchanged} rows already in the source as they are in the return)")
    else:
        print(
            f"{args.file}: {done.added} rows added, {done.changed} changed, {done.unchanged} unchanged, "
            f"written to {done.written_to}"
        )
    return 0


def cmd_pdf(args: argparse.Namespace) -> int:
    from pmkit.runner.pdf import check_page, chromium, write_pdf

    for page in args.pages:  # every page is checked before any is printed
        check_page(page)
    browser = chromium()
    for page in args.pages:
        started = time.perf_counter()
        out = write_pdf(page, browser=browser)
        print(f"{out} ({out.stat().st_size / 1024:,.0f} KB, {time.perf_counter() - started:.1f} s)", flush=True)
    return 0


def cmd_screenshots(args: argparse.Namespace) -> int:
    from pmkit.io.settings import project_root
    from pmkit.runner.screenshots import screenshot_reports

    outputs = args.outputs or project_root() / "outputs"
    written = screenshot_reports(outputs, args.out, args.width)
    for path in written:
        print(path)
    print(f"{len(written)} full-page screenshots")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pmkit", description="Performance reports for UK councils.")
    sub = parser.add_subparsers(dest="command", required=True)
    project = argparse.ArgumentParser(add_help=False)
    project.add_argument(
        "--project", type=Path, help="the project folder (default: the one at or above the working folder)"
    )

    p = sub.add_parser("init", help="make a project for a council: settings, a params file per directorate, notebooks")
    p.add_argument("directory", type=Path)
    p.add_argument("--council", required=True, help="the council's name as reports print it")
    p.add_argument(
        "--source", help="its data: a folder of CSV/XLSX files, one .xlsx workbook, a .duckdb file or a database URL"
    )
    p.set_defaults(func=cmd_init)

    p = sub.add_parser("template", help="an empty workbook to fill in, a sheet per table, with every column explained")
    p.add_argument("directory", type=Path)
    p.add_argument("--overwrite", action="store_true")
    p.add_argument(
        "--example",
        action="store_true",
        help="write pmkit-data-example.xlsx instead: the same workbook holding the demo council's Housing data",
    )
    p.set_defaults(func=cmd_template)

    p = sub.add_parser("demo", help="build the demo store and render every demo report")
    p.add_argument("--engine", default="auto", choices=["auto", "quarto", "nbconvert"])
    p.add_argument("--jobs", type=int, default=2)
    p.add_argument("--no-reports", action="store_true", help="only build the demo store")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("validate", help="check a source against the data model", parents=[project])
    p.add_argument("source", nargs="?", help="default: the project's source")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("status", help="print the status table for a period", parents=[project])
    p.add_argument("source", nargs="?", default=None)
    p.add_argument("--period")
    p.add_argument("--directorate", action="append")
    p.add_argument("--comparator-group")
    p.add_argument("--width", type=int, default=None)
    p.set_defaults(func=cmd_status)

    from pmkit.reports import KINDS

    p = sub.add_parser("run", help="execute and render reports of one kind")
    kinds = p.add_subparsers(dest="kind", required=True)
    for name in KINDS.names():
        kind = KINDS.options(name)  # the kind's module loads only when it runs
        q = kinds.add_parser(name, help=kind.label)
        q.add_argument(
            "--project",
            type=Path,
            action="extend",
            nargs="+",
            metavar="DIR",
            help="the project folder (default: the one at or above the working folder); several "
            "(--project club/*) run the same reports for each as one batch",
        )
        kind.add_arguments(q)
        q.add_argument(
            "--audience", action="append", choices=["internal", "public"], help="repeatable; default internal"
        )
        q.add_argument("--source")
        q.add_argument("--out", type=Path)
        q.add_argument("--engine", default="auto", choices=["auto", "quarto", "nbconvert"])
        q.add_argument("--jobs", type=int, default=1)
        q.add_argument(
            "--comparator-group",
            help="the benchmark group to rank in (default: comparator_group in params/defaults.yaml)",
        )
        q.add_argument(
            "-p",
            "--parameters",
            nargs=2,
            action="append",
            metavar=("KEY", "VALUE"),
            help="a setting for this run, over params/defaults.yaml, params/KIND.yaml and a report's "
            "params file (e.g. -p dot_threshold 0.05); repeatable",
        )
        q.add_argument(
            "--changed-only",
            action="store_true",
            help="skip a report whose notebook, settings, data and pmkit version are unchanged since "
            "its last publication",
        )
        q.add_argument(
            "--pdf",
            action="store_true",
            help="also print each published page to an A4 PDF beside it, for committee papers "
            "(needs Chromium: see pmkit pdf)",
        )
        q.add_argument(
            "--scheduler",
            metavar="ADDRESS",
            help="run the reports on the Dask cluster at ADDRESS (tcp://host:8786), or on a new local "
            "one with 'local' (a worker per --jobs)",
        )
        q.set_defaults(func=cmd_run)

    p = sub.add_parser("pdf", help="print report pages to A4 PDFs for committee papers: PAGE.pdf beside each")
    p.add_argument("pages", nargs="+", type=Path, metavar="PAGE", help="a report page (.html) pmkit published")
    p.set_defaults(func=cmd_pdf)

    p = sub.add_parser("screenshots", help="full-page PNGs of every published report, to look at as a reader would")
    p.add_argument("outputs", nargs="?", type=Path, help="an outputs folder (default: the project's outputs/)")
    p.add_argument("--out", type=Path, help="where to write them (default: OUTPUTS/screenshots)")
    p.add_argument(
        "--width", type=int, default=1280, help="viewport width in pixels (320 shows the small-screen layout)"
    )
    p.set_defaults(func=cmd_screenshots)

    p = sub.add_parser("import", help="make a project for a council from published real data")
    imports = p.add_subparsers(dest="dataset", required=True)
    q = imports.add_parser("lgbf", help="Scottish LGBF benchmarking data for one council, as a project")
    q.add_argument(
        "directory",
        help="the LGBF folder (lgbf-values-real.csv, lgbf-indicator-information.csv, lgbf-family-groups.csv)",
    )
    q.add_argument(
        "--council",
        required=True,
        help="the council as the LGBF names it, e.g. Stirling; all for a project per council",
    )
    q.add_argument(
        "--out",
        required=True,
        type=Path,
        help="the project folder to write (refused when it holds params/defaults.yaml); "
        "the data goes to OUT/data/<council>-lgbf; with --council all, a project per council "
        "in OUT/<council> (refused when OUT holds any of them)",
    )
    q.set_defaults(func=cmd_import_lgbf)
    q = imports.add_parser("coventry", help="Coventry City Council's council-plan indicator tables, as a project")
    q.add_argument("directory", help="the folder of council-plan-YYYY-YY-eoy.csv tables")
    q.add_argument(
        "--out",
        required=True,
        type=Path,
        help="the project folder to write (refused when it holds params/defaults.yaml); "
        "the data goes to OUT/data/coventry-council-plan",
    )
    q.set_defaults(func=cmd_import_coventry)

    p = sub.add_parser("commentary", help="collect commentary from service managers with an Excel return")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser(
        "template",
        parents=[project],
        help="an Excel return: a row per indicator that needs commentary, figures pre-filled",
    )
    q.add_argument("--period", help="default: the latest period with data")
    q.add_argument("--directorate", action="append", help="repeatable; default every directorate")
    q.add_argument("--source", help="default: the project's source")
    q.add_argument("--out", type=Path, help="the workbook to write (default: commentary-PERIOD.xlsx here)")
    q.set_defaults(func=cmd_commentary_template)
    q = actions.add_parser("import", parents=[project], help="check a returned workbook and load it into the source")
    q.add_argument("file", type=Path)
    q.add_argument("--source", help="default: the project's source")
    q.set_defaults(func=cmd_commentary_import)

    p = sub.add_parser("themes", help="qualitative themes in the feedback table")
    actions = p.add_subparsers(dest="action", required=True)
    q = actions.add_parser("suggest", help="propose themes for comments the codebook misses, as a draft codebook")
    q.add_argument("source", nargs="?", default=None)
    q.add_argument("--out", required=True, type=Path)
    q.add_argument("--codebook", help="default: the codebook named in params/defaults.yaml")
    q.add_argument("--directorate", action="append")
    q.add_argument("--topics", type=int, default=8)
    q.set_defaults(func=cmd_themes_suggest)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        for given in (getattr(args, "period", None), getattr(args, "year", None)):
            if given:  # a mistyped period is answered at once, before pandas, the data or any report loads
                from pmkit.io import periods

                periods.parse(given)
        return args.func(args)
    except ValidationError as exc:
        for line in exc.lines():
            print(line, file=sys.stderr)
        return EXIT_INVALID
    except PmkitError as exc:
        for line in exc.lines():
            for part in line.splitlines() or [""]:
                print(f"pmkit: {part}", file=sys.stderr)
        return EXIT_INVALID
    except KeyboardInterrupt:
        print("pmkit: interrupted; published reports were left as they were", file=sys.stderr)
        return 130
    except Exception as exc:  # last resort, only for the commands that read a source: one line, no traceback
        if args.command not in ("validate", "status", "run", "init", "commentary"):
            raise
        import zipfile

        from pmkit.errors import visible

        why = f"{type(exc).__name__}: {' '.join(str(exc).split())}"
        where = getattr(exc, "filename", None) or getattr(args, "source", None) or "the project's source"
        if isinstance(exc, OSError | UnicodeError | zipfile.BadZipFile | EOFError):
            print(visible(f"pmkit: {where}: cannot be read ({why})"), file=sys.stderr)
            return EXIT_INVALID
        print(
            visible(f"pmkit: {where}: unexpected error while reading it ({why}); please report this as a pmkit bug"),
            file=sys.stderr,
        )
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
