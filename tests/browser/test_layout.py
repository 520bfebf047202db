"""Every report page (each kind and audience, every engine) on a phone (390 px) and a desktop (1280 px):
no text cut off, no sideways scrolling of the page, chart labels at least 11 CSS px, wide tables either
fitting or scrolling in a box that says so with the row's name kept in view, and a quarterly page within
about 12,000 px on a phone with its drill-downs closed.

One page load per page and width; every check runs in one ``page.evaluate``.
"""

import pytest

pytestmark = pytest.mark.e2e

WIDTHS = (390, 1280)
SMALLEST_LABEL = 11  # CSS px
PHONE_HEIGHT = 12_000  # CSS px, a quarterly page with its drill-downs closed
KINDS = ("quarterly", "annual", "deep-dive")

CHECKS = """async () => {
  const problems = [], width = window.innerWidth, root = document.scrollingElement;
  const where = e => (e.closest('[id]') ? '#' + e.closest('[id]').id + ' ' : '') + e.tagName.toLowerCase()
    + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : '');
  const height = root.scrollHeight;  // as a reader first sees it: drill-downs closed
  document.querySelectorAll('details').forEach(d => d.open = true);  // the rest is checked with everything open
  await new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)));  // scroll-state queries settle
  if (root.scrollWidth > width) problems.push(`the page scrolls sideways: ${root.scrollWidth}px wide`);
  const scrolls = e => e.closest('.table-wrap, pre');
  for (const e of document.querySelectorAll('main *')) {
    if (!e.getClientRects().length || e.closest('.visually-hidden, .skip-link')) continue;
    const style = getComputedStyle(e);
    if (/hidden|clip/.test(style.overflowX + style.overflow) && e.scrollWidth > e.clientWidth + 1 && e.textContent.trim())
      problems.push(`text cut off in ${where(e)}: ${e.scrollWidth}px of text in ${e.clientWidth}px`);
  }
  const walker = document.createTreeWalker(document.querySelector('main') || document.body, NodeFilter.SHOW_TEXT);
  const range = document.createRange();
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim() || scrolls(node.parentElement) || node.parentElement.closest('.visually-hidden, .skip-link')) continue;
    range.selectNodeContents(node);
    const box = range.getBoundingClientRect();
    if (box.width && (box.right > width + 1 || box.left < -1))
      problems.push(`text beyond the screen's edge in ${where(node.parentElement)}: "${node.textContent.trim().slice(0, 40)}"`);
  }
  for (const img of document.querySelectorAll('main img')) {
    if (img.classList.contains('sparkline') || img.closest('.pmkit-case-study') || !img.getClientRects().length) continue;
    const source = img.closest('picture') && img.closest('picture').querySelector('source');
    const phone = source && img.currentSrc === source.srcset;
    const smallest = Number(phone ? img.dataset.phoneMinTextPx : img.dataset.minTextPx);
    if (!smallest) { problems.push(`a chart without its smallest text size: ${where(img)}`); continue; }
    const shown = smallest * img.getBoundingClientRect().width / img.naturalWidth;
    if (shown < SMALLEST) problems.push(`chart labels ${shown.toFixed(1)}px in ${where(img)} (${img.alt.slice(0, 50)})`);
  }
  for (const table of document.querySelectorAll('main table')) {
    if (!table.getClientRects().length) continue;
    const wrap = table.closest('.table-wrap');
    const box = (wrap || table.parentElement).getBoundingClientRect();
    if (table.getBoundingClientRect().width <= box.width + 1) continue;
    const cue = wrap && wrap.querySelector('.scroll-cue');
    const name = table.querySelector('tbody th[scope=row]');
    if (!wrap || !cue || !cue.getClientRects().length)
      problems.push(`a table wider than its box without a cue to scroll: ${where(table)} (${table.caption ? table.caption.textContent.slice(0, 50) : ''})`);
    else if (!name || getComputedStyle(name).position !== 'sticky')
      problems.push(`a scrolled table loses its row names from view: ${where(table)}`);
  }
  return {height, problems};
}""".replace("SMALLEST", str(SMALLEST_LABEL))


def test_pages_read_well_on_a_phone_and_a_desktop(browser, demo_render):
    found, heights, checked = {}, {}, 0
    for width in WIDTHS:
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        for engine in demo_render.engines:
            for audience in ("internal", "public"):
                for kind in KINDS:
                    for path in demo_render.pages(engine, audience, kind):
                        page.goto(path.as_uri())
                        result = page.evaluate(CHECKS)
                        name = f"{engine}/{audience}/{path.name} at {width}px"
                        if result["problems"]:
                            found[name] = sorted(set(result["problems"]))[:8]
                        if kind == "quarterly" and width == 390 and result["height"] > PHONE_HEIGHT:
                            heights[name] = result["height"]
                        checked += 1
        context.close()
    assert checked == len(WIDTHS) * 2 * 9 * len(demo_render.engines)  # 6 quarterly, 2 deep dives and the annual report
    assert not found, found
    assert not heights, f"quarterly pages taller than {PHONE_HEIGHT:,}px on a phone: {heights}"
