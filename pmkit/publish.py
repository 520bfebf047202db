"""Publishing: atomic file replacement, the index page, open data and the run manifest."""

from __future__ import annotations

import hashlib
import html
import json
import os
import platform
import subprocess
import tempfile
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path

import pandas as pd

from pmkit.render import TEMPLATES

PACKAGES = ("pmkit", "pandas", "numpy", "duckdb", "papermill", "nbconvert", "nbformat", "matplotlib", "seaborn")


def write_atomic(path: Path, data: str | bytes) -> Path:
    """Write ``path`` via a temporary file in the same folder, so readers only ever see a complete file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data.encode("utf-8") if isinstance(data, str) else data)
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


def write_index(folder: Path, title: str, reports: list[dict], extras: list[tuple[str, str]]) -> Path:
    """``index.html`` linking every report (with its result) and the open data and manifest."""
    rows = []
    for r in reports:
        name = html.escape(r["title"])
        exists = (folder / r["file"]).exists()
        link = f'<a href="{html.escape(r["file"])}">{name}</a>' if exists else name
        if r["ok"]:
            result = "Published"
        elif exists:
            result = "This run failed; the last good report is shown"
        else:
            result = "Failed: no report yet"
        rows.append(f"<tr><td>{link}</td><td>{html.escape(result)}</td></tr>")
    links = "".join(f'<li><a href="{html.escape(href)}">{html.escape(text)}</a></li>' for href, text in extras)
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{(TEMPLATES / 'report.css').read_text(encoding='utf-8')}</style></head>"
        f'<body><main id="main"><h1>{html.escape(title)}</h1>'
        '<table><caption>Reports</caption><thead><tr><th scope="col">Report</th><th scope="col">Result</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
        f"<h2>Open data and provenance</h2><ul>{links}</ul></main></body></html>"
    )
    return write_atomic(folder / "index.html", page)


def write_outputs_home(outputs: Path) -> Path:
    """``outputs/index.html`` linking every period and audience folder that has an index."""
    folders = sorted((p.parent for p in outputs.glob("*/*/index.html")), reverse=True)
    items = "".join(
        f'<li><a href="{html.escape(str(f.relative_to(outputs)))}/index.html">{html.escape(f.parent.name)}: {html.escape(f.name)}</a></li>'
        for f in folders
    )
    page = (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Performance reports</title>'
        f"<style>{(TEMPLATES / 'report.css').read_text(encoding='utf-8')}</style></head>"
        f'<body><main id="main"><h1>Performance reports</h1><ul>{items}</ul></main></body></html>'
    )
    return write_atomic(outputs / "index.html", page)
