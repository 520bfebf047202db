"""The nbconvert page is the page nbconvert's own HTML exporter makes with pmkit's template, for every
kind of output a notebook can hold: pmkit writes it with the template exporter, without the HTML
exporter's second reading of the page, which only spells the same markup otherwise."""

from pathlib import Path

import nbformat
from bs4 import BeautifulSoup
from nbconvert import HTMLExporter

from pmkit.components.page import contents
from pmkit.components.safehtml import markdown_to_html
from pmkit.runner.render import TEMPLATES, render_nbconvert

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'


def outputs() -> list:
    display = nbformat.v4.new_output
    return [
        display(
            "display_data", data={"text/html": '<section id="a"><h2 id="a-h">Trends</h2><p>One &amp; two</p></section>'}
        ),
        display("display_data", data={"text/markdown": "**Bold** and a [link](https://example.org)"}),
        display("display_data", data={"image/png": PNG, "text/plain": "<Figure>"}, metadata={"alt": "A chart"}),
        display("display_data", data={"image/svg+xml": SVG, "text/plain": "<svg>"}),
        display("display_data", data={"text/plain": "plain <text> only"}),
        # several formats: which one a page shows depends on the exporter's order of preference
        display("display_data", data={"text/markdown": "*markdown*", "image/png": PNG, "text/plain": "x"}),
        display("display_data", data={"text/latex": "$x^2$", "image/png": PNG, "text/plain": "x"}),
        display("display_data", data={"text/html": "<p>html</p>", "text/markdown": "*md*", "text/plain": "x"}),
        display("execute_result", data={"text/plain": "42"}, execution_count=1),
        display("stream", name="stdout", text="printed\n"),
        display("stream", name="stderr", text="a warning the page leaves out\n"),
    ]


def notebook(tmp_path: Path) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# A heading\n\nSome *narrative* <script>alert(1)</script>"),
        nbformat.v4.new_code_cell("report.trends()", outputs=outputs()),
        nbformat.v4.new_raw_cell("raw text the page leaves out"),
    ]
    path = tmp_path / "executed.ipynb"
    nbformat.write(nb, path)
    return path


def html_exporter_page(path: Path, title: str) -> str:
    """The page as nbconvert's HTML exporter makes it with pmkit's template and options."""
    exporter = HTMLExporter(
        template_name="pmkit",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.register_filter("pmkit_markdown", markdown_to_html)
    nb = nbformat.read(path, as_version=4)
    nb.metadata["pmkit"] = {"title": title}
    body, _ = exporter.from_notebook_node(
        nb, resources={"pmkit_css": (TEMPLATES / "report.css").read_text(encoding="utf-8")}
    )
    return contents(body)


def test_the_page_is_the_html_exporters_for_every_kind_of_output(tmp_path):
    path = notebook(tmp_path)
    page = render_nbconvert(path, "Housing: performance report, 2025/26 Q2")
    expected = html_exporter_page(path, "Housing: performance report, 2025/26 Q2")
    assert str(BeautifulSoup(page, "html.parser")) == str(BeautifulSoup(expected, "html.parser"))
    # the page shows what it should, so the comparison is not of two empty pages
    shown = BeautifulSoup(page, "html.parser")
    assert shown.title.string == "Housing: performance report, 2025/26 Q2"
    assert shown.find("img", alt="A chart") and shown.find("svg")
    assert "printed" in page and "plain &lt;text&gt; only" in page
    assert "<em>markdown</em>" in page and "<p>html</p>" in page and "*md*" not in page
    assert "a warning the page leaves out" not in page and "raw text the page leaves out" not in page
    assert "report.trends()" not in page and "<script>" not in page
