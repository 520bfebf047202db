"""Publishing: atomic file replacement, the index page, open data and the run manifest."""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from pmkit.components.page import home_page, index_page
from pmkit.render import TEMPLATES

PACKAGES = ("pmkit", "pandas", "numpy", "duckdb", "papermill", "nbconvert", "nbformat", "matplotlib", "seaborn")


def _umask() -> int:
    umask = os.umask(0o077)  # reading the umask means setting it: done once, at import, before any thread runs
    os.umask(umask)
    return umask


ORDINARY_FILE_MODE = 0o666 & ~_umask()  # what the umask gives a new file: 0644 under the usual 022


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write ``path`` via a temporary file in the same folder, so readers only ever see a complete file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(tmp, ORDINARY_FILE_MODE)  # mkstemp's 0600 would hide pages from a web server or colleagues
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def file_hashes(location: str) -> dict[str, str]:
    """SHA-256 of each input file behind a source (none for a database URL)."""
    path = Path(location)
    files = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path] if path.is_file() else []
    return {str(p.relative_to(path) if path.is_dir() else p.name): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


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


def write_open_data(folder: Path, table: pd.DataFrame, title: str) -> list[str]:
    """The status table as CSV plus a Frictionless ``datapackage.json`` describing it."""
    csv = table.to_csv(index=False)
    write_atomic(folder / "status.csv", csv)
    kinds = {"float64": "number", "Float64": "number", "Int64": "integer", "int64": "integer", "bool": "boolean", "boolean": "boolean"}
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
                "hash": "sha256:" + hashlib.sha256(csv.encode("utf-8")).hexdigest(),
                "schema": {"fields": [{"name": c, "type": kinds.get(str(t), "string")} for c, t in table.dtypes.items()]},
            }
        ],
    }
    write_atomic(folder / "datapackage.json", json.dumps(package, indent=2))
    return ["status.csv", "datapackage.json"]


def write_index(folder: Path, title: str, reports: list[dict], extras: list[tuple[str, str]],
                labels: dict[str, str] | None = None) -> Path:
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
    return write_atomic(folder / "index.html", page)


def write_outputs_home(outputs: Path) -> Path:
    """``outputs/index.html`` linking every period and audience folder that has an index."""
    folders = sorted((p.parent for p in outputs.glob("*/*/index.html")), reverse=True)
    links = [(f"{f.relative_to(outputs).as_posix()}/index.html", f.parent.name, f.name) for f in folders]
    page = home_page(links, (TEMPLATES / "report.css").read_text(encoding="utf-8"))
    return write_atomic(outputs / "index.html", page)
