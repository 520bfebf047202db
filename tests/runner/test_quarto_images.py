"""Inline chart images are set aside while Quarto renders and put back exactly (no Quarto needed)."""

from pathlib import Path

import nbformat
import pytest

from pmkit.errors import ReportError
from pmkit.runner.render import _put_images_back, _set_images_aside

PNG = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
SVG = "data:image/svg+xml;base64,PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciLz4="


def notebook_with(*htmls: str):
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("")
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/html": h}) for h in htmls]
    nb.cells.append(cell)
    return nb


def test_eleven_images_round_trip_without_one_stand_in_matching_another():
    images = [PNG if i % 2 else SVG for i in range(11)]
    nb = notebook_with(*(f'<figure><img alt="chart {i}" src="{src}"/></figure>' for i, src in enumerate(images)))
    original = [o["data"]["text/html"] for o in nb.cells[0].outputs]
    aside = _set_images_aside(nb)
    shrunk = "".join(o["data"]["text/html"] for o in nb.cells[0].outputs)
    assert len(aside) == 11 and "iVBOR" not in shrunk and "PHN2Zy" not in shrunk
    assert _put_images_back(shrunk, aside, Path("x.ipynb")) == "".join(
        original
    )  # "...000001IMAGE" is not "...000010IMAGE"


def test_a_page_that_lost_an_image_is_an_error_not_a_blank_chart():
    nb = notebook_with(f'<img alt="a" src="{PNG}"/>')
    aside = _set_images_aside(nb)
    with pytest.raises(ReportError, match=r"quarto render lost an image of x.ipynb"):
        _put_images_back("<p>the page without it</p>", aside, Path("x.ipynb"))
