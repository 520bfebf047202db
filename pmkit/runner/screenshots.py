"""Full-page screenshots of published reports, to look at them as a councillor or a resident would.

Each report page under an outputs folder (``<period>/<audience>/<name>.html``) is loaded in
headless Chromium, driven by Playwright, and saved as a PNG under ``<outputs>/screenshots/``
with the same folders. Needs the ``playwright`` package (``pip install 'pmkit[browser]'``) and a
Chromium executable (Debian's ``chromium``, or ``PMKIT_CHROMIUM`` naming one).

>>> screenshot_reports(Path("outputs"))   # doctest: +SKIP
[PosixPath('outputs/screenshots/2025-26-Q2/internal/adults.png'), ...]
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pmkit.errors import PmkitError

FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def report_pages(outputs: Path) -> list[Path]:
    """Every published report page (index pages and executed notebooks left out)."""
    return sorted(p for p in outputs.glob("*/*/*.html") if p.stem != "index" and not p.parts[-3].startswith("_"))


def screenshot_reports(outputs: Path, out: Path | None = None, width: int = 1280) -> list[Path]:
    """A full-page PNG of every report page under ``outputs``, written under ``out`` (default ``outputs/screenshots``)."""
    outputs = Path(outputs)
    out = Path(out) if out else outputs / "screenshots"
    pages = report_pages(outputs)
    if not pages:
        raise PmkitError(f"{outputs}: no report pages to photograph; run `pmkit demo` or `pmkit run quarterly` first")
    executable = os.environ.get("PMKIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if executable is None:
        raise PmkitError(
            "no Chromium found: install Debian's chromium (or set PMKIT_CHROMIUM to a Chromium executable)"
        )
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise PmkitError("screenshots need the playwright package: pip install 'pmkit[browser]'") from None
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for path in pages:
            target = out / path.relative_to(outputs).with_suffix(".png")
            target.parent.mkdir(parents=True, exist_ok=True)
            page.goto(path.resolve().as_uri(), wait_until="load")
            page.screenshot(path=str(target), full_page=True)
            written.append(target)
        browser.close()
    return written
