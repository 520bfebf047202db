"""Every demo page (both audiences, every engine, the indexes too) in a real browser: no serious or
critical WCAG 2.2 A/AA violation found by axe-core, and nothing loaded from outside."""

import pytest
from browser_helpers import axe_violations

pytestmark = pytest.mark.e2e


def pages(render):
    for engine in render.engines:
        for audience in ("internal", "public"):
            yield engine, audience, render.every_page(engine, audience)
    yield "nbconvert", "home", [render.root / "nbconvert" / "outputs" / "index.html"]


def test_no_serious_or_critical_violations_and_no_outside_requests(axe_source, browser, demo_render):
    found, outside, checked = {}, [], 0
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route(
        "**/*",
        lambda route: (
            route.continue_()
            if route.request.url.startswith(("file:", "data:"))
            else (outside.append(route.request.url), route.abort())
        ),
    )
    page = context.new_page()
    for engine, audience, paths in pages(demo_render):
        for path in paths:
            page.goto(path.as_uri(), wait_until="load")
            violations = axe_violations(page, axe_source)
            if violations:
                found[f"{engine}/{audience}/{path.name}"] = violations
            checked += 1
    context.close()
    assert not found, found
    assert not outside, outside
    assert (
        checked == 2 * 11 * len(demo_render.engines) + 1
    )  # 6 quarterly, 2 deep dives, the annual report, 2 indexes; home


def test_the_page_reflows_at_320_pixels_without_sideways_scrolling(browser, demo_render):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    for engine in demo_render.engines:
        for audience in ("internal", "public"):
            for path in [
                demo_render.folder(engine, audience) / "housing.html",
                *demo_render.pages(engine, audience, "annual"),
                *demo_render.pages(engine, audience, "deep-dive"),
            ]:
                page.goto(path.as_uri())
                width = page.evaluate("document.documentElement.scrollWidth")
                assert width <= 320, f"{engine}/{audience}/{path.name}: the page is {width}px wide at a 320px viewport"
    context.close()


def test_printing_opens_every_drill_down(browser, demo_render):
    context = browser.new_context()
    page = context.new_page()
    page.goto((demo_render.folder("nbconvert", "internal") / "housing.html").as_uri())
    page.emulate_media(media="print")
    hidden = page.evaluate("""() => [...document.querySelectorAll('details dd, details table')]
        .filter(e => e.getClientRects().length === 0).length""")
    shown = page.evaluate("document.querySelectorAll('details dd, details table').length")
    nav = page.evaluate("getComputedStyle(document.querySelector('nav.report-nav')).display")
    context.close()
    assert shown > 0 and hidden == 0, f"{hidden} of {shown} drill-down items stay hidden in print"
    assert nav == "none"
