"""Publishing: atomic file replacement, the index page, open data and the run manifest."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import platform
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from pmkit.components.page import home_page, index_page
from pmkit.io.spreadsheet import neutralise_frame
from pmkit.runner import layout
from pmkit.runner.render import TEMPLATES

PACKAGES = ("pmkit", "pandas", "numpy", "duckdb", "papermill", "nbconvert", "nbformat", "matplotlib", "seaborn")


def _umask() -> int:
    umask = os.umask(0o077)  # reading the umask means setting it: done once, at import, before any thread runs
    os.umask(umask)
    return umask


ORDINARY_FILE_MODE = 0o666 & ~_umask()  # what the umask gives a new file: 0644 under the usual 022


def write_atomic(path: Path, data: str | bytes, work: Path | None = None) -> Path:
    """Write ``path`` via a temporary file renamed over it, so readers only ever see a complete file.

    The temporary file is made in ``work`` (a hidden work folder on the same filesystem, see
    `work_folder`), so that a process killed between writing and renaming leaves nothing in the
    target's folder; without ``work`` it is made beside ``path``.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    folder = work if work is not None else path.parent
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename: a crash cannot leave the new name on an empty file
        os.chmod(tmp, ORDINARY_FILE_MODE)  # mkstemp's 0600 would hide pages from a web server or colleagues
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


WORK = ".pmkit-tmp"  # under the outputs folder: temporary files of the runs writing to it
DRAWINGS = ".pmkit-drawings"  # under the outputs folder: the charts its runs drew, for the runs after them
DRAWINGS_KEPT_DAYS = 14  # a drawing no run has used for this long is removed


def drawing_store(outputs: Path) -> Path:
    """The folder where the runs writing to ``outputs`` keep the charts they draw, one per version of the
    drawing code: ``outputs/.pmkit-drawings/<version>/``. A later run (the deep dive after the quarterly
    pages, a rerun after a commentary fix) reuses every chart whose content is unchanged
    (`pmkit.components.charts.drawn_once`).

    Tidied first: the folders of other code versions go (their drawings are never served again), and so
    do drawings no run has used for `DRAWINGS_KEPT_DAYS` days (each use renews a drawing's date)."""
    from pmkit.components.charts import drawing_code_version

    base = outputs / DRAWINGS
    store = base / drawing_code_version()[:16]
    store.mkdir(parents=True, exist_ok=True)
    oldest = time.time() - DRAWINGS_KEPT_DAYS * 24 * 3600
    for entry in base.iterdir():
        if entry.is_dir() and entry != store:
            shutil.rmtree(entry, ignore_errors=True)
        elif entry.is_file():
            entry.unlink(missing_ok=True)
    for drawing in store.iterdir():
        with contextlib.suppress(OSError):  # another run's, just written or just removed
            if drawing.stat().st_mtime < oldest:
                drawing.unlink()
    return store


@contextmanager
def work_folder(outputs: Path) -> Iterator[Path]:
    """A private folder for one run's temporary files, ``outputs/.pmkit-tmp/run-…``, removed when the
    run ends; what killed runs left there (and temporary files an older pmkit left in the output
    folders) is removed first.

    Each run holds an exclusive lock on a file in its folder for as long as it runs; the operating
    system releases it when the process dies, however it dies, so a folder whose lock can be taken
    belongs to no running run and is removed, while the folders of a concurrent run are left alone.
    """
    base = outputs / WORK
    base.mkdir(parents=True, exist_ok=True)
    _remove_stale(base)
    _remove_legacy_temporaries(outputs)
    own = Path(tempfile.mkdtemp(prefix=f"run-{os.getpid()}-", dir=base))
    lock = open(own / "lock.new", "w")  # noqa: SIM115 (held open for the whole run)
    try:
        _lock(lock, blocking=True)
        os.replace(own / "lock.new", own / "lock")  # named "lock" only once locked: never taken for a dead run's
        yield own
    finally:
        lock.close()
        shutil.rmtree(own, ignore_errors=True)  # the work folder itself stays: a concurrent run may be starting in it


def _lock(file, blocking: bool) -> bool:
    """An exclusive lock on ``file`` (held until it is closed or the process dies); False when taken."""
    try:
        import fcntl
    except ImportError:  # Windows: a run's folder is then judged stale by its age
        return blocking or time.time() - os.path.getmtime(file.name) > STALE_SECONDS
    try:
        fcntl.flock(file.fileno(), fcntl.LOCK_EX | (0 if blocking else fcntl.LOCK_NB))
    except BlockingIOError:
        return False
    return True


STALE_SECONDS = 24 * 3600


def _remove_stale(base: Path) -> None:
    for folder in base.iterdir():
        lockfile = folder / "lock"
        if not folder.is_dir():
            folder.unlink(missing_ok=True)  # a stray file: no run writes files directly in the work folder
            continue
        if not lockfile.exists():  # killed before it locked or while it was being removed, or just starting
            if time.time() - folder.stat().st_mtime > 60:
                shutil.rmtree(folder, ignore_errors=True)
            continue
        try:
            with open(lockfile, "a") as probe:
                if not _lock(probe, blocking=False):
                    continue  # a live run
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            continue


def _remove_legacy_temporaries(outputs: Path) -> None:
    """``.NAME.XXXXXXXX.tmp`` files left beside published files by runs of an older pmkit that were killed."""
    for tmp in [*outputs.glob(".*.tmp"), *outputs.glob("*/*/.*.tmp")]:
        with contextlib.suppress(OSError):
            tmp.unlink()


def file_hashes(location: str) -> dict[str, str]:
    """SHA-256 of each input file behind a source (none for a database URL)."""
    path = Path(location)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
    return {
        str(p.relative_to(path) if path.is_dir() else p.name): hashlib.sha256(p.read_bytes()).hexdigest() for p in files
    }


def git_commit(root: Path) -> str | None:
    try:
        done = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() or None if done.returncode == 0 else None


def versions() -> dict[str, str]:
    found = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return found


def write_open_data(folder: Path, table: pd.DataFrame, title: str, work: Path | None = None) -> list[str]:
    """The status table as CSV plus a Frictionless ``datapackage.json`` describing it; a text cell a
    spreadsheet would run as a formula (a title ``=2+3``) is written with a quote before it."""
    csv = neutralise_frame(table).to_csv(index=False)
    write_atomic(folder / "status.csv", csv, work)
    kinds = {
        "float64": "number",
        "Float64": "number",
        "Int64": "integer",
        "int64": "integer",
        "bool": "boolean",
        "boolean": "boolean",
    }
    package = {
        "name": "pmkit-status",
        "title": title,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "resources": [
            {
                "name": "status",
                "path": "status.csv",
                "format": "csv",
                "mediatype": "text/csv",
                "description": "A text that begins with =, +, -, @, a tab or a carriage return has a single quote (') put "
                "before it, so that a spreadsheet shows it rather than running it as a formula.",
                "hash": "sha256:" + hashlib.sha256(csv.encode("utf-8")).hexdigest(),
                "schema": {
                    "fields": [{"name": c, "type": kinds.get(str(t), "string")} for c, t in table.dtypes.items()]
                },
            }
        ],
    }
    write_atomic(folder / "datapackage.json", json.dumps(package, indent=2), work)
    return ["status.csv", "datapackage.json"]


def write_index(
    folder: Path,
    title: str,
    reports: list[dict],
    extras: list[tuple[str, str]],
    labels: dict[str, str] | None = None,
    work: Path | None = None,
) -> Path:
    """``index.html`` linking every report (with its result), grouped by kind under ``labels``, and
    the open data and manifest."""
    rows = []
    for r in reports:
        exists = (folder / r["file"]).exists()
        if r["ok"]:
            result = "Published"
        elif exists:
            result = "This run failed; the last good report is shown"
        else:
            result = "Failed: no report yet"
        rows.append({**r, "exists": exists, "result": result})
    groups: dict[str, list[dict]] = {}
    for row in rows:
        groups.setdefault((labels or {}).get(row.get("kind", ""), "Reports"), []).append(row)
    page = index_page(title, groups, extras, (TEMPLATES / "report.css").read_text(encoding="utf-8"))
    return write_atomic(folder / "index.html", page, work)


def write_outputs_home(outputs: Path, work: Path | None = None, council: str = "") -> Path:
    """``outputs/index.html``, the internal home page: the council's name, a link per internal period
    folder that has an index (newest first), and a link to the public site's front page when there is one."""
    links = [
        (f"{f.relative_to(outputs).as_posix()}/index.html", f.parent.name)
        for f in layout.published_folders(outputs, "internal")
        if (f / "index.html").exists()
    ]
    public = (outputs / layout.PUBLIC_SITE / "index.html").exists()
    page = home_page(
        links,
        (TEMPLATES / "report.css").read_text(encoding="utf-8"),
        council,
        f"{layout.PUBLIC_SITE}/index.html" if public else "",
    )
    return write_atomic(outputs / "index.html", page, work)
