"""The public site's own pages in a real browser: no serious or critical WCAG 2.2 A/AA violation found by
axe-core on the front page, the archive, how to read the reports, the list of measures and a measure's page,
and none of them wider than a phone's screen."""

import pytest
from browser_helpers import axe_violations

pytestmark = pytest.mark.e2e
PAGES = [
    "index.html",
    "archive.html",
    "how-to-read.html",
    "indicators/index.html",
    "indicators/hou-07.html",
    "indicators/asc-02.html",
    "2025-26-Q2/index.html",
]


def test_the_public_sites_pages_have_no_serious_or_critical_violations(axe_source, browser, demo_render):
    folder = demo_render.root / "nbconvert" / "outputs" / "public"
    found = {}
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    for name in PAGES:
        page.goto((folder / name).as_uri(), wait_until="load")
        violations = axe_violations(page, axe_source)
        if violations:
            found[name] = violations
    context.close()
    assert not found, found


def test_the_public_sites_pages_fit_a_phone(browser, demo_render):
    folder = demo_render.root / "nbconvert" / "outputs" / "public"
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    wide = {}
    for name in PAGES:
        page.goto((folder / name).as_uri())
        width = page.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            wide[name] = width
    context.close()
    assert not wide, wide
