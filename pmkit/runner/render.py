"""Renderers: an executed notebook to one self-contained HTML page, code hidden.

Two engines in a small registry: ``nbconvert`` with pmkit's own template (always available) and
``quarto`` (when a ``quarto`` executable is on PATH). ``auto`` picks Quarto when present.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from pmkit.components.page import contents, markdown_escape
from pmkit.components.safehtml import markdown_to_html
from pmkit.errors import ReportError

TEMPLATES = Path(__file__).parents[1] / "templates"
# Quarto's minimal HTML (no Bootstrap theme, no scripts): report.css carries the layout, and the page
# opens and closes with nbconvert's skip link, main landmark and footer (the same files).
PAGE_PARTS = ("page-start.html", "page-end.html")
QUARTO_PROJECT = """\
project:
  type: default
format:
  html:
    embed-resources: true
    minimal: true
    include-before-body: page-start.html
    include-after-body: page-end.html
    toc: false
    html-math-method: plain
    lang: en
    css: report.css
    html-table-processing: none
execute:
  echo: false
"""


def quarto_executable() -> str | None:
    """The ``quarto`` on PATH, else the one beside pmkit's Python (``pip install 'pmkit[quarto]'`` puts it
    there, which is not on PATH when ``.venv/bin/pmkit`` is called without activating the environment)."""
    beside = Path(sys.executable).parent
    return shutil.which("quarto") or shutil.which("quarto", path=str(beside))


def quarto_available() -> bool:
    return quarto_executable() is not None


WITHOUT_QUARTO = (
    "Quarto is not installed, so pages are rendered with nbconvert (the same content and look). To render "
    "with Quarto: `conda install -c conda-forge quarto`, `make quarto` (PyPI's quarto-cli, which downloads "
    "Quarto from its release page), or the installer from quarto.org."
)


def choose_engine(engine: str = "auto") -> str:
    """``auto`` → ``quarto`` when it is on PATH, else ``nbconvert``; explicit choices are checked."""
    if engine == "auto":
        return "quarto" if quarto_available() else "nbconvert"
    if engine not in RENDERERS:
        raise ReportError(f"engine {engine!r} is not known; expected auto, {', '.join(RENDERERS)}")
    if engine == "quarto" and not quarto_available():
        raise ReportError(
            "engine quarto was asked for but no `quarto` executable is on PATH; install Quarto or use --engine nbconvert"
        )
    return engine


def _read_titled(notebook: Path, title: str):
    """The executed notebook with the page title in its metadata (nbformat is imported only to render)."""
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    nb.metadata.setdefault("pmkit", {})["title"] = title
    return nb


def render_nbconvert(notebook: Path, title: str) -> str:
    """HTML from nbconvert with the ``pmkit`` template: inputs, prompts and stderr hidden.

    nbconvert's template exporter writes it, set up as its HTML exporter is. The HTML exporter itself
    would then read the page again with BeautifulSoup, to add alt texts and tab stops to JupyterLab's
    cell markup, which this template does not write, and write it out again: the same page, its markup
    spelt otherwise (``<meta ...>`` as ``<meta .../>``), at six times the cost."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters import TemplateExporter

    exporter = TemplateExporter(
        config=HTMLExporter().default_config,  # which of an output's formats a page shows, as before
        template_name="pmkit",
        template_file="index.html.j2",
        extra_template_basedirs=[str(TEMPLATES)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    exporter.output_mimetype = "text/html"
    exporter.register_filter("pmkit_markdown", markdown_to_html)
    nb = _read_titled(notebook, title)
    body, _ = exporter.from_notebook_node(
        nb, resources={"pmkit_css": (TEMPLATES / "report.css").read_text(encoding="utf-8")}
    )
    return contents(body)


INLINE_IMAGE = re.compile(r"data:image/[a-z+]+;base64,[A-Za-z0-9+/=\s]+")


def _set_images_aside(nb) -> dict[str, str]:
    """Replace each inline image of the notebook's HTML outputs with a short stand-in (itself a data
    URI, which Quarto leaves alone); returns stand-in -> image. Quarto's filters and Pandoc then work
    on a page of kilobytes instead of megabytes of base64 (about 4 s less per demo report)."""
    images: dict[str, str] = {}

    def aside(found: re.Match) -> str:
        stand_in = f"data:image/png;base64,PMKIT{len(images):06d}IMAGE"
        images[stand_in] = found.group(0)
        return stand_in

    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            for mime in ("text/markdown", "text/html"):  # Quarto's outputs are Markdown with raw HTML blocks
                if mime in data:
                    data[mime] = INLINE_IMAGE.sub(aside, "".join(data[mime]))
    return images


def _put_images_back(page: str, images: dict[str, str], notebook: Path) -> str:
    for stand_in, image in images.items():
        if stand_in not in page:
            raise ReportError(f"quarto render lost an image of {notebook} (its stand-in {stand_in} is not on the page)")
        page = page.replace(stand_in, image)
    return page


def _for_quarto(notebook: Path, title: str):
    """The executed notebook as Quarto should read it: the title as front matter and the inline images
    set aside. Returns the notebook and its images (see `_set_images_aside`)."""
    import nbformat

    nb = _read_titled(notebook, title)
    images = _set_images_aside(nb)
    nb.cells.insert(
        0,
        nbformat.v4.new_raw_cell(f"---\ntitle: {json.dumps(markdown_escape(title))}\nlang: en\n---", id="pmkit-title"),
    )
    return nb, images


def _quarto_pages(notebooks: list[tuple[Path, str]]) -> list[str]:
    """Pages for ``notebooks`` (path, title) from one ``quarto render`` of a scratch project holding
    them all: Quarto's start-up (Deno, its filters, the theme) is paid once for the lot."""
    import nbformat

    with tempfile.TemporaryDirectory(prefix="pmkit-quarto-") as scratch:
        folder = Path(scratch)
        (folder / "_quarto.yml").write_text(QUARTO_PROJECT, encoding="utf-8")
        shutil.copy(TEMPLATES / "report.css", folder / "report.css")
        for part in PAGE_PARTS:
            shutil.copy(TEMPLATES / "pmkit" / part, folder / part)
        aside = []
        for i, (notebook, title) in enumerate(notebooks):
            nb, images = _for_quarto(notebook, title)
            nbformat.write(nb, folder / f"page-{i}.ipynb")
            aside.append(images)
        done = subprocess.run(
            [quarto_executable(), "render", "--to", "html"], cwd=folder, capture_output=True, text=True
        )
        written = [folder / f"page-{i}.html" for i in range(len(notebooks))]
        if done.returncode != 0 or not all(page.exists() for page in written):
            names = ", ".join(str(notebook) for notebook, _ in notebooks)
            raise ReportError(f"quarto render failed for {names}: {done.stderr.strip()[-2000:]}")
        return [
            contents(_put_images_back(page.read_text(encoding="utf-8"), images, notebook))
            for page, images, (notebook, _) in zip(written, aside, notebooks, strict=True)
        ]


def render_quarto(notebook: Path, title: str) -> str:
    """HTML from ``quarto render`` in a scratch project that reuses the stored outputs (their inline
    images set aside while Quarto works, and put back in the page it writes)."""
    return _quarto_pages([(Path(notebook), title)])[0]


def render_quarto_together(notebooks: list[tuple[Path, str]]) -> list[str | Exception]:
    """Pages for several notebooks (path, title) from one ``quarto render``, each page or the error
    that stopped it. When the shared render fails, each notebook is rendered alone, so a notebook
    Quarto cannot render fails its own page only. A page does not depend on its company."""
    try:
        return list(_quarto_pages(notebooks))
    except Exception as shared:  # noqa: BLE001 - the caller reports it against the page
        if len(notebooks) == 1:
            return [shared]
        return [render_quarto_together([notebook])[0] for notebook in notebooks]


RENDERERS = {"nbconvert": render_nbconvert, "quarto": render_quarto}


def render(notebook: Path, title: str, engine: str = "auto") -> str:
    """Render an executed notebook to one HTML page with the chosen engine."""
    return RENDERERS[choose_engine(engine)](Path(notebook), title)
