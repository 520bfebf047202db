"""Charts as self-contained data-URI images; callers pair each with alt text that states its message.

Figures are built with matplotlib's object API (no pyplot state), so charts can be drawn from
several threads and nothing needs closing. Seaborn's style is applied when a chart is made, so
importing the component library does not import seaborn (or scipy behind it).
"""

from __future__ import annotations

import base64
import contextlib
import io
import textwrap
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

LINE = "#1d70b8"
TARGET = "#505a5f"


@dataclass(frozen=True)
class Layout:
    """How big a chart is drawn: its width in inches, a factor on every font size, and the most x-axis labels."""

    width: float
    text: float = 1.0
    ticks: int = 12

    def pt(self, size: float) -> float:
        """A font size of the wide drawing, scaled for this layout."""
        return size * self.text


WIDE = Layout(8.2)
# Drawn 460 px wide and shown about 340 px wide on a 390 px phone: an 8 pt label becomes 11.2 pt (15.6 px), 11.5 CSS px.
PHONE = Layout(4.6, text=1.4, ticks=6)


class Drawing(str):
    """A chart's PNG data URI (a ``str``) that also knows its natural size in pixels and its smallest text,
    ``min_text_px``: the font size of the smallest visible label in image pixels (None when it has no text)."""

    width: int
    height: int
    min_text_px: float | None

    def __new__(cls, uri: str, width: int, height: int, min_text_px: float | None) -> Drawing:
        drawing = super().__new__(cls, uri)
        drawing.width, drawing.height, drawing.min_text_px = width, height, min_text_px
        return drawing


def _texts(fig: Figure) -> list[Text]:
    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def fit_texts(fig: Figure) -> None:
    """Re-wrap any text that runs past the figure's left or right edge (a long title, a note) so it fits."""
    renderer = FigureCanvasAgg(fig).get_renderer()
    fig.draw_without_rendering()
    right = fig.bbox.width
    legends = {
        id(t) for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if legend for t in legend.get_texts()
    }
    for text in _texts(fig):
        if id(text) in legends:
            continue
        box = text.get_window_extent(renderer)
        if box.x0 >= -1 and box.x1 <= right + 1:
            continue
        words = " ".join(text.get_text().split())
        width = max(map(len, text.get_text().splitlines()))
        while width > 10 and (box.x0 < -1 or box.x1 > right + 1):
            width -= max(1, width // 12)
            text.set_text(textwrap.fill(words, width))
            box = text.get_window_extent(renderer)


def figure_to_data_uri(fig: Figure, **savefig: object) -> Drawing:
    """PNG data URI of a figure, on a white background, with its size and smallest text size.

    The PNG keeps 64 colours (a chart has a handful, plus their anti-aliased edges): a fifth of the bytes
    of full colour, and no difference a reader can see."""
    from PIL import Image

    drawn = io.BytesIO()
    fig.savefig(drawn, format="png", facecolor="white", **savefig)
    image = Image.open(drawn).convert("RGB")
    buffer = io.BytesIO()
    image.quantize(colors=64, method=Image.Quantize.FASTOCTREE).save(buffer, format="PNG", optimize=True)
    data = buffer.getvalue()
    width, height = image.size
    dpi = float(savefig.get("dpi") or fig.dpi)
    sizes = [t.get_fontsize() * dpi / 72 for t in _texts(fig)]
    return Drawing(
        "data:image/png;base64," + base64.b64encode(data).decode("ascii"),
        width,
        height,
        round(min(sizes), 1) if sizes else None,
    )


def chart_pair(draw, *args: object, **kwargs: object) -> tuple[Drawing, Drawing, str]:
    """A chart drawn twice by ``draw(*args, layout=..., **kwargs)`` (which returns a data URI and alt text):
    wide for screens and print, narrow with larger text for phones; returns both drawings and the alt text."""
    wide, alt = draw(*args, layout=WIDE, **kwargs)
    phone, _ = draw(*args, layout=PHONE, **kwargs)
    return wide, phone, alt


def scale_texts(fig: Figure, layout: Layout) -> None:
    """Every font size of ``fig`` times ``layout.text`` (tick labels made later too), then long texts re-wrapped
    to fit the figure's width."""
    if layout.text != 1:
        fig.draw_without_rendering()
        ticks = [
            (axis, axis.get_ticklabels()[0].get_fontsize())
            for ax in fig.axes
            for axis in (ax.xaxis, ax.yaxis)
            if axis.get_ticklabels()
        ]
        for text in _texts(fig):
            text.set_fontsize(text.get_fontsize() * layout.text)
        for axis, size in ticks:
            axis.set_tick_params(labelsize=size * layout.text)
    fit_texts(fig)


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """Seaborn's white grid with light lines, for figures created inside the block."""
    import seaborn as sns

    with sns.axes_style("whitegrid", {"grid.color": "#E6E6E6", "axes.edgecolor": "#B3B3B3"}):
        yield


def sparkline(values, target=None, width: float = 2.4, height: float = 0.7) -> str:
    """A small trend line of ``values`` (oldest first) with a dashed target line; returns a data URI.

    ``target`` is one figure, or one per value (the target as it was then, NaN where none), drawn as a
    step line."""
    y = np.asarray(values, dtype="float64")
    fig = Figure(figsize=(width, height))
    ax = fig.subplots()
    x = np.arange(len(y))
    ax.plot(x, y, color=LINE, linewidth=1.6)
    finite = np.flatnonzero(~np.isnan(y))
    if finite.size:
        ax.plot(x[finite[-1]], y[finite[-1]], "o", color=LINE, markersize=4)
    if target is not None and np.ndim(target):
        steps = np.asarray(target, dtype="float64")
        ax.step(x, steps, where="mid", color=TARGET, linewidth=1, linestyle=(0, (3, 2)))
        ax.plot(x, steps, ls="", marker="_", markersize=6, color=TARGET)  # a lone period's target shows too
    elif target is not None and not np.isnan(target):
        ax.axhline(target, color=TARGET, linewidth=1, linestyle=(0, (3, 2)))
    ax.set_axis_off()
    ax.margins(x=0.04, y=0.25)
    return figure_to_data_uri(fig, dpi=110, bbox_inches="tight")
