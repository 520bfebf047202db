"""Progress while a run runs, and the summary after it.

`pmkit.runner.run.run_report` tells an observer (its ``progress`` argument) about each report's state:
``waiting`` when the run is planned, then ``running``, ``rendering`` and ``published`` or ``failed``;
``skipped`` when ``--changed-only`` finds nothing it depends on changed since its last publication.
Reports run in threads, so observers take a lock. Two observers: `LiveProgress`, a rich display for
a terminal (a line per report with its state and time, an overall bar with the time left), and
`PlainProgress`, a log line per state change that matters (CI, cron, pipes), flushed at once.
`for_console` picks one; library callers that pass no observer get no output.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, TextIO

if TYPE_CHECKING:
    from rich.console import Console

    from pmkit.runner.jobs import RunResult

STATES = ("waiting", "running", "rendering", "published", "failed", "skipped")
DONE = ("published", "failed", "skipped")


class RunObserver(Protocol):
    """What `run_report` calls: ``planned`` once with every report's title, then ``changed`` at each
    state change of a report (from the run's worker threads), with the seconds since it started and,
    when it failed, the error."""

    def planned(self, titles: list[str]) -> None: ...

    def changed(self, title: str, state: str, seconds: float, error: str = "") -> None: ...


class PlainProgress:
    """A line per state change that matters: ``started``, ``published`` (with its time) and ``FAILED``
    (with its error), written and flushed as it happens."""

    def __init__(self, file: TextIO | None = None) -> None:
        self.file = file
        self._lock = threading.Lock()

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def planned(self, titles: list[str]) -> None:
        return None

    def changed(self, title: str, state: str, seconds: float, error: str = "") -> None:
        line = {
            "running": f"started {title}",
            "published": f"published {title} ({seconds:.1f} s)",
            "failed": f"FAILED {title}: {error}",
            "skipped": f"skipped {title} (unchanged since its last publication)",
        }.get(state)
        if line is None:
            return
        with self._lock:
            out = self.file or sys.stdout
            print(line, file=out, flush=True)


@dataclass
class _Row:
    state: str = "waiting"
    started: float | None = None
    seconds: float | None = None


class LiveProgress:
    """A rich live display: a line per report (state, elapsed time) and an overall bar with an
    estimate of the time left. Use it as a context manager around the run; it clears itself at the
    end, for the summary table."""

    def __init__(self, console: Console | None = None) -> None:
        from rich.console import Console

        self.console = console or Console()
        self._lock = threading.Lock()
        self._rows: dict[str, _Row] = {}
        self._started = time.perf_counter()
        self._live = None

    def __enter__(self) -> LiveProgress:
        from rich.live import Live

        self._started = time.perf_counter()
        self._live = Live(
            console=self.console, get_renderable=self.render, refresh_per_second=4, transient=True
        )  # the summary table takes its place
        self._live.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._live is not None:
            self._live.refresh()
            self._live.stop()
            self._live = None

    def planned(self, titles: list[str]) -> None:
        with self._lock:
            self._started = time.perf_counter()
            self._rows = {title: _Row() for title in titles}

    def changed(self, title: str, state: str, seconds: float, error: str = "") -> None:
        with self._lock:
            row = self._rows.setdefault(title, _Row())
            row.state = state
            if state == "running":
                row.started = time.perf_counter() - seconds
            if state in DONE:
                row.seconds = seconds

    def render(self):
        """What the display shows now."""
        from rich.progress_bar import ProgressBar
        from rich.table import Table
        from rich.text import Text

        styles = {
            "waiting": "dim",
            "running": "cyan",
            "rendering": "blue",
            "published": "green",
            "failed": "bold red",
            "skipped": "dim green",
        }
        now = time.perf_counter()
        with self._lock:
            rows = [
                (
                    title,
                    row.state,
                    row.seconds
                    if row.seconds is not None
                    else (now - row.started if row.started is not None else None),
                )
                for title, row in self._rows.items()
            ]
            elapsed = now - self._started
        if not rows:  # nothing planned yet (or a run refused before it started): nothing to show
            return Text("")
        table = Table.grid(padding=(0, 2))
        table.add_column("report", overflow="ellipsis", no_wrap=True)
        table.add_column("state", no_wrap=True)
        table.add_column("time", justify="right", no_wrap=True)
        for title, state, seconds in rows:
            table.add_row(
                Text(title), Text(state, style=styles.get(state, "")), "" if seconds is None else f"{seconds:.1f} s"
            )
        done = sum(state in DONE for _, state, _ in rows)
        total = len(rows)
        left = estimate_left(elapsed, done, total)
        bar = Table.grid(padding=(0, 2))
        bar.add_column(no_wrap=True)
        bar.add_column(width=30, no_wrap=True)
        bar.add_column(no_wrap=True)
        bar.add_row(
            f"{done} of {total} reports",
            ProgressBar(total=max(total, 1), completed=done, width=30),
            f"{elapsed:.0f} s elapsed"
            + ("" if left is None else f", about {left:.0f} s left")
            + (", done" if total and done == total else ""),
        )
        outer = Table.grid()
        outer.add_row(table)
        outer.add_row(bar)
        return outer


def estimate_left(elapsed: float, done: int, total: int) -> float | None:
    """Seconds left at the rate reports have finished so far (None before the first finishes)."""
    if done == 0 or done >= total:
        return None
    return elapsed / done * (total - done)


def for_console(console: Console | None = None) -> LiveProgress | PlainProgress:
    """The rich display on a terminal, plain lines otherwise."""
    from rich.console import Console

    console = console or Console()
    return LiveProgress(console) if console.is_terminal else PlainProgress()


def shown_page(path: Path, cwd: Path | None = None) -> str:
    """A page's path as the summary shows it: relative to the working folder when inside it."""
    cwd = Path(cwd or Path.cwd()).resolve()
    try:
        return str(Path(path).resolve().relative_to(cwd))
    except ValueError:
        return str(path)


def summary_rows(result: RunResult, cwd: Path | None = None) -> list[tuple[str, str, str, str]]:
    """(report, result, seconds, page) per report: published, skipped (unchanged: its page is the one
    already published), or failed (the page shown is then the last good one, when there is one)."""
    rows = []
    for r in result.reports:
        page = result.folder / r.file
        outcome = "skipped" if r.skipped else "published" if r.ok else "failed"
        where = shown_page(page, cwd) if r.ok or page.exists() else "-"
        if not r.ok and page.exists():
            where += " (last good page)"
        rows.append((r.title, outcome, f"{r.seconds:.1f}", where))
    return rows


HEADER = ("report", "result", "seconds", "page")


def plain_summary(rows: list[tuple[str, str, str, str]]) -> str:
    """The summary as aligned text."""
    table = [HEADER, *rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    lines = []
    for row in table:
        cells = [
            cell.rjust(w) if i == 2 else cell.ljust(w) for i, (cell, w) in enumerate(zip(row, widths, strict=True))
        ]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def print_summary(
    results: RunResult | list[RunResult], console: Console | None = None, cwd: Path | None = None
) -> None:
    """The closing table of a run, or one table for a batch of several (projects or audiences): rich on
    a terminal, aligned text otherwise (flushed)."""
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    results = results if isinstance(results, list) else [results]
    console = console or Console()
    rows = [row for result in results for row in summary_rows(result, cwd)]
    if console.is_terminal:
        title = " + ".join(dict.fromkeys(f"{r.period} ({r.audience})" for r in results))
        table = Table(title=Text(title), title_justify="left")
        for name in HEADER:
            table.add_column(name, justify="right" if name == "seconds" else "left", overflow="fold")
        colours = {"published": "green", "failed": "bold red", "skipped": "dim green"}
        for title, outcome, seconds, page in rows:
            table.add_row(Text(title), Text(outcome, style=colours.get(outcome, "")), seconds, Text(page))
        console.print(table)
    else:
        print(plain_summary(rows), file=console.file, flush=True)
