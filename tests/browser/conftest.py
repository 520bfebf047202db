"""A real browser for the page tests: Debian's Chromium driven by Playwright, with axe-core for WCAG checks.

`.ci/run` installs Chromium and axe-core (``npm ci`` in this folder) where they are missing; a
user's ``make test`` without them skips these tests and says why.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM_ARGS, chromium_path

HERE = Path(__file__).parent
AXE = Path(os.environ.get("PMKIT_AXE", HERE / "node_modules" / "axe-core" / "axe.min.js"))


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the session (skipped, with the reason, where it cannot start)."""
    executable = chromium_path()
    if executable is None:
        pytest.skip("no Chromium on PATH (Debian package chromium); .ci/run installs it")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("the playwright package is not installed (pip install -e '.[test]')")
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        pytest.skip(
            "axe-core is not installed (tests/browser/node_modules); run `npm ci --prefix tests/browser` (.ci/run does)"
        )
    return AXE.read_text(encoding="utf-8")
