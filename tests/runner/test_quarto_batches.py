"""Quarto renders a batch's pages together: each page is the page it would be alone, whatever the
order and company, a notebook Quarto cannot render fails only its own page, and no page loads a
script from outside (Quarto adds require.js and jQuery from a CDN to any page with HTML outputs)."""

import re

import nbformat
import pytest
from test_engines import LOADS

from pmkit.components.page import markdown_heading, raw_html_block
from pmkit.errors import ReportError
from pmkit.runner.render import TEMPLATES, quarto_available, render_quarto, render_quarto_together

pytestmark = pytest.mark.skipif(
    not quarto_available(),
    reason="Quarto is not installed here (no `quarto` on PATH); "
    "users get it from conda-forge or its installer, and .ci/run installs it where the shared kit is",
)
PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="


def executed(folder, name: str, status: str):
    """A small report executed as the Quarto engine leaves it: a heading, a tile and a chart as
    Markdown outputs holding raw HTML blocks, and a printed line between them."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("show_sections(...)")
    tile = f'<article class="kpi" data-indicator="{name}-1" data-status="{status}"><p>{name} 87.4%</p></article>'
    chart = f'<figure><img alt="{name} trend" src="{PNG}"/></figure>'
    cell.outputs = [
        nbformat.v4.new_output(
            "display_data",
            data={
                "text/markdown": markdown_heading(f"{name} at a glance", f"{name}-glance")
                + "\n\n"
                + raw_html_block(tile)
            },
        ),
        nbformat.v4.new_output("stream", name="stdout", text=f"{name} printed this line\n"),
        nbformat.v4.new_output("display_data", data={"text/markdown": raw_html_block(chart)}),
    ]
    nb.cells.append(cell)
    path = folder / f"{name}.ipynb"
    nbformat.write(nb, path)
    return path, f"{name}: performance report"


def test_a_page_is_the_page_it_would_be_alone_in_any_order_and_company(tmp_path):
    notebooks = [executed(tmp_path, name, status) for name, status in [("adults", "red"), ("place", "green")]]
    alone = [render_quarto(path, title) for path, title in notebooks]
    together = render_quarto_together(notebooks[::-1])[::-1]
    assert together == alone
    for page, (path, _title) in zip(alone, notebooks):
        name = path.stem
        assert f"<title>{name}: performance report</title>" in page
        assert re.search(rf'<section id="{name}-glance"[^>]*>\s*<h2>{name} at a glance', page)
        assert re.search(
            rf'<article class="kpi" data-indicator="{name}-1" data-status="\w+"><p>{name} 87.4%</p></article>', page
        )
        assert re.search(rf'<img [^>]*alt="{name} trend" src="{re.escape(PNG)}"', page)  # Quarto adds a role before
        # the output's order is kept: the tile, the printed line, then the chart
        assert page.index(f"{name} 87.4%") < page.index(f"{name} printed this line") < page.index(f"{name} trend")
        assert not LOADS.search(page), LOADS.search(page).group(0)
        assert "jsdelivr" not in page and not re.search(r"<script[^>]*src=[^>]*(require|jquery)", page, re.I)


def test_a_notebook_quarto_cannot_render_fails_its_own_page_only(tmp_path):
    good = [executed(tmp_path, name, "green") for name in ("adults", "place")]
    bad = tmp_path / "broken.ipynb"
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_raw_cell("---\ntitle: [a list that never closes\n---"))
    nbformat.write(nb, bad)
    outcomes = render_quarto_together([good[0], (bad, "Broken"), good[1]])
    for page, name in [(outcomes[0], "adults"), (outcomes[2], "place")]:
        assert isinstance(page, str), page
        assert f"<title>{name}: performance report</title>" in page and f"{name} 87.4%" in page
    assert isinstance(outcomes[1], ReportError) and "broken.ipynb" in str(outcomes[1])
    assert "adults.ipynb" not in str(outcomes[1])  # the error names the notebook that failed, not its company


def test_a_page_embeds_only_what_it_shows_in_the_frame_of_nbconverts_page(tmp_path):
    """Quarto's minimal HTML: no scripts, no Bootstrap theme or icon font, only pmkit's stylesheet and a few
    lines of Quarto's own; the page opens with the skip link to its main landmark and closes with the footer
    after it, as nbconvert's page does, so report.css lays out both alike."""
    path, title = executed(tmp_path, "adults", "red")
    page = render_quarto(path, title)
    assert "<script" not in page and "<link" not in page
    assert not re.search(r"bootstrap|clipboard|tippy|popper|anchor\.min|quarto\.js|@font-face|woff", page, re.I)
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    styles = re.findall(r"<style[^>]*>(.*?)</style>", page, re.S)
    assert ".kpi-grid { display: grid;" in styles[-1]  # report.css (Quarto drops its comments and indents)
    assert sum(len(style) for style in styles) < len(css) + 1000  # Quarto's own: a few hundred characters
    body = page[page.index("<body") :]
    assert re.match(
        r'<body>\s*<a class="skip-link" href="#main">Skip to main content</a>\s*<main id="main">\s*'
        r'<header id="title-block-header">\s*<h1 class="title">adults: performance report</h1>',
        body,
    ), body[:300]
    assert re.search(
        r'adults trend.*</main>\s*<footer class="page-footer"><p>Produced with pmkit from the council(&#39;|\')s '
        r"performance data\.</p></footer>\s*</body>",
        body,
        re.S,
    ), body[-300:]
