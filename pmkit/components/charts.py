"""Charts as self-contained data-URI images; callers pair each with alt text that states its message.

Figures are built with matplotlib's object API (no pyplot state), so charts can be drawn from
several threads and nothing needs closing. Seaborn's style is applied when a chart is made, so
importing the component library does not import seaborn (or scipy behind it).
"""

from __future__ import annotations

import base64
import contextlib
import io
from collections.abc import Iterator

import numpy as np
from matplotlib.figure import Figure

LINE = "#1d70b8"
TARGET = "#505a5f"


def figure_to_data_uri(fig: Figure, **savefig: object) -> str:
    """PNG data URI of a figure, on a white background."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", facecolor="white", **savefig)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


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
