"""Charts as self-contained data-URI images; callers pair each with alt text that states its message.

Figures are built with matplotlib's object API (no pyplot state), so charts can be drawn from
several threads and nothing needs closing. They are drawn in seaborn's white-grid style (`CHART_STYLE`),
applied when a chart is made.

Each chart is drawn once per content (`drawn_once`): a drawing is kept under a hash of everything that
is drawn (the chart function's arguments, layout included, and the version of the drawing code), in
this process and in a folder other processes share (`share_drawings`: a run's kernels use their outputs
folder's store, `pmkit.runner.publish.drawing_store`), so every page that shows the same chart, in the
batch or in a later run, reuses the same bytes.
"""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import datetime
import decimal
import functools
import hashlib
import inspect
import io
import json
import os
import textwrap
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

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


def _wrap_overflowing(fig: Figure, renderer) -> bool:
    """Re-wrap any text that runs past the figure's left or right edge (a long title, a note), where the last
    drawing placed it, measured with ``renderer``; whether any was."""
    right = fig.bbox.width
    legends = {
        id(t) for legend in [*fig.legends, *(ax.get_legend() for ax in fig.axes)] if legend for t in legend.get_texts()
    }
    wrapped = False
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
        wrapped = True
    return wrapped


def figure_to_data_uri(fig: Figure, **savefig: object) -> Drawing:
    """PNG data URI of a figure, on a white background, with its size and smallest text size.

    The PNG keeps 64 colours (a chart has a handful, plus their anti-aliased edges): a fifth of the bytes
    of full colour, and no difference a reader can see."""
    from PIL import Image

    canvas = FigureCanvasAgg(fig)  # the figure's own: its renderer, with the texts measured, outlives savefig
    engine = fig.get_layout_engine() if savefig.get("bbox_inches") is None else None  # "tight" crops: savefig's way
    if engine is not None:
        fig.set_dpi(savefig.get("dpi") or fig.dpi)  # the layout is worked out at the resolution it is drawn
        fig.set_layout_engine(None)

    def draw() -> Image.Image:
        """The figure's pixels as drawn for ``savefig`` (cropped when it asks), without a PNG in between.

        A figure with a layout engine has its layout worked out here, then is drawn once. Given the
        engine, savefig would draw it twice: once, drawing nothing, to run the layout, and once for
        real. The pixels are the same; the first pass was a sixth of a chart's time."""
        if engine is not None:
            engine.execute(fig)
        pixels = io.BytesIO()
        fig.savefig(pixels, format="rgba", facecolor="white", **savefig)
        size = (int(canvas.renderer.width), int(canvas.renderer.height))  # the renderer savefig drew with
        return Image.frombuffer("RGBA", size, pixels.getbuffer(), "raw", "RGBA", 0, 1)

    image = draw()
    # The renderer the drawing used, its texts already measured, unless savefig drew at another size or resolution.
    if _wrap_overflowing(fig, canvas.get_renderer()):  # drawn once more only where a text had to be re-wrapped
        image = draw()
    image = image.convert("RGB")
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


def content_digest(value: object) -> str:
    """The sha256 of what ``value`` holds: scalars, strings, sequences, mappings, NumPy arrays, pandas
    frames, series and indexes (values, dtypes, index and names), and dataclasses (their type and fields),
    nested in any way. Equal content gives the same digest in any process; a ``TypeError`` for anything
    else, so that nothing is cached on an incomplete key.

    >>> content_digest([1, 2.5, "a"]) == content_digest([1, 2.5, "a"]) != content_digest([1, 2.5, "b"])
    True
    """
    digest = hashlib.sha256()
    _feed(digest, value)
    return digest.hexdigest()


def _feed(digest, value: object) -> None:
    """Add ``value`` to ``digest``, each part tagged with its type so that 1, 1.0, "1" and [1] differ."""
    import pandas as pd

    digest.update(f"<{type(value).__module__}.{type(value).__qualname__}>".encode())
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        digest.update(repr(value.tobytes() if isinstance(value, np.generic) else value).encode())
    elif isinstance(value, (datetime.date, datetime.timedelta, decimal.Decimal, pd.Period)) or value is pd.NA:
        digest.update(repr(value).encode())  # their repr is their content (pandas' Timestamp is a datetime)
    elif isinstance(value, np.ndarray):
        digest.update(f"{value.dtype.str}{value.shape}".encode())
        if value.dtype.hasobject:
            _feed(digest, value.tolist())
        else:
            digest.update(np.ascontiguousarray(value).tobytes())
    elif isinstance(value, pd.Index):
        _feed(digest, [value.name, str(value.dtype)])
        _feed(digest, _hashed(value))
    elif isinstance(value, pd.Series):
        _feed(digest, [value.name, value.index, value.reset_index(drop=True).to_frame("values")])
    elif isinstance(value, pd.DataFrame):
        _feed(digest, [value.columns, value.index, [str(t) for t in value.dtypes]])
        for column in range(value.shape[1]):
            values = value.iloc[:, column]
            if isinstance(values.dtype, np.dtype) and not values.dtype.hasobject:  # numbers, times: their bytes
                _feed(digest, values.to_numpy())
            else:
                _feed(digest, _hashed(values))
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        _feed(digest, [(f.name, getattr(value, f.name)) for f in dataclasses.fields(value)])
    elif isinstance(value, dict):
        _feed(digest, sorted(((repr(k), v) for k, v in value.items()), key=lambda item: item[0]))
    elif isinstance(value, (list, tuple)):
        digest.update(str(len(value)).encode())
        for item in value:
            _feed(digest, item)
    elif isinstance(value, os.PathLike):
        digest.update(os.fspath(value).encode())
    else:
        raise TypeError(f"no content digest for a {type(value).__qualname__}")


def _hashed(values) -> object:
    """A column or index by content: pandas' hash of each value, or the values one by one where pandas
    cannot hash them (a list in a cell)."""
    import pandas as pd

    try:
        return pd.util.hash_pandas_object(values, index=False).to_numpy()
    except TypeError:
        return list(values)


@functools.cache
def drawing_code_version() -> str:
    """A digest of the code that draws: every source file of pmkit and the versions of the libraries
    that draw and encode the charts. A change to any of them never serves an older drawing."""
    from importlib.metadata import version

    libraries = " ".join(f"{name} {version(name)}" for name in ("matplotlib", "pillow", "numpy", "pandas"))
    digest = hashlib.sha256(libraries.encode())
    package = Path(__file__).resolve().parents[1]
    for source in sorted(package.rglob("*.py")):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.hexdigest()


def _style() -> str:
    """Matplotlib's settings as they are now (a chart is drawn with them), less the backend, which draws
    nothing here (every chart is saved with Agg)."""
    import matplotlib

    return repr(sorted((k, v) for k, v in dict.items(matplotlib.rcParams) if k != "backend"))


class _Drawings:
    """Drawings kept by key: the last ``size`` in memory, and all of them in ``folder`` when one is shared."""

    def __init__(self, size: int = 256):
        self.size = size
        self.memory: OrderedDict[str, object] = OrderedDict()
        self.folder: Path | None = None
        self.lock = threading.Lock()

    def get(self, key: str) -> object | None:
        with self.lock:
            found = self.memory.get(key)
            if found is not None:
                self.memory.move_to_end(key)
        folder = self.folder
        if folder is None:
            return found
        path = folder / f"{key}.json"
        if found is None:
            try:
                found = _loads(json.loads(path.read_text(encoding="utf-8")))
            except (OSError, ValueError):  # not drawn yet (or unreadable): drawn here
                return None
            self._remember(key, found)
        try:
            os.utime(path)  # used now: a store keeps what its runs use (`pmkit.runner.publish.drawing_store`)
        except FileNotFoundError:  # remembered from a run into another folder: this folder keeps it too
            self._write(folder, key, found)
        except OSError:
            pass
        return found

    def put(self, key: str, value: object) -> None:
        self._remember(key, value)
        folder = self.folder
        if folder is not None:
            self._write(folder, key, value)

    @staticmethod
    def _write(folder: Path, key: str, value: object) -> None:
        text = json.dumps(_dumps(value))
        try:
            folder.mkdir(parents=True, exist_ok=True)
            # a name of this thread's own; created as any file is (not mkstemp's 0600), so that colleagues
            # sharing the outputs folder read the drawings as the umask allows
            temporary = folder / f".{key}-{os.getpid()}-{threading.get_ident()}.tmp"
            with temporary.open("x", encoding="utf-8") as out:
                out.write(text)
            os.replace(temporary, folder / f"{key}.json")  # another process never reads half a drawing
        except OSError:  # a full disk costs the other kernels a drawing each, not this report its page
            pass

    def _remember(self, key: str, value: object) -> None:
        with self.lock:
            self.memory[key] = value
            self.memory.move_to_end(key)
            while len(self.memory) > self.size:
                self.memory.popitem(last=False)


_DRAWINGS = _Drawings()


def share_drawings(folder: str | os.PathLike | None) -> None:
    """Keep drawings in ``folder`` too, where other processes (the kernels of a batch, later runs) find
    them; None keeps them in this process only. A run gives its kernels its outputs folder's store."""
    _DRAWINGS.folder = None if folder is None else Path(folder)


@contextlib.contextmanager
def drawings_in(folder: str | os.PathLike | None) -> Iterator[None]:
    """`share_drawings` for the block only: the folder this process used before is used again after it."""
    before = _DRAWINGS.folder
    share_drawings(folder)
    try:
        yield
    finally:
        _DRAWINGS.folder = before


def forget_drawings() -> None:
    """Forget the drawings this process keeps in memory (those in a shared folder stay there)."""
    with _DRAWINGS.lock:
        _DRAWINGS.memory.clear()


def drawn_once(draw: Callable) -> Callable:
    """Wrap a chart function so that a call with the same content as an earlier one (every argument,
    defaults included, `content_digest` equal) gives the earlier result instead of drawing again.

    The result (a `Drawing`, a ``str`` such as alt text, or a tuple of them) comes back byte for byte,
    with the drawing's size and smallest text. An argument with no content digest draws afresh."""
    signature = inspect.signature(draw)
    name = f"{draw.__module__}.{draw.__qualname__}"

    @functools.wraps(draw)
    def cached(*args: object, **kwargs: object):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        try:
            key = content_digest([name, drawing_code_version(), _style(), list(bound.arguments.items())])
        except TypeError:
            return draw(*args, **kwargs)
        found = _DRAWINGS.get(key)
        if found is None:
            found = draw(*args, **kwargs)
            _DRAWINGS.put(key, found)
        return found

    return cached


def _dumps(value: object) -> object:
    if isinstance(value, Drawing):
        return {"drawing": str(value), "width": value.width, "height": value.height, "min_text_px": value.min_text_px}
    if isinstance(value, tuple):
        return {"tuple": [_dumps(item) for item in value]}
    if isinstance(value, str):
        return value
    raise TypeError(f"a chart function returned a {type(value).__qualname__}, not a Drawing, str or tuple")


def _loads(value: object) -> object:
    if isinstance(value, str):
        return value
    if "tuple" in value:
        return tuple(_loads(item) for item in value["tuple"])
    return Drawing(value["drawing"], value["width"], value["height"], value["min_text_px"])


def chart_pair(draw, *args: object, **kwargs: object) -> tuple[Drawing, Drawing, str]:
    """A chart drawn twice by ``draw(*args, layout=..., **kwargs)`` (which returns a data URI and alt text):
    wide for screens and print, narrow with larger text for phones; returns both drawings and the alt text."""
    wide, alt = draw(*args, layout=WIDE, **kwargs)
    phone, _ = draw(*args, layout=PHONE, **kwargs)
    return wide, phone, alt


def scale_texts(fig: Figure, layout: Layout) -> None:
    """Every font size of ``fig`` times ``layout.text``, tick labels made later too (long texts are re-wrapped
    to fit the figure's width when it is saved, `figure_to_data_uri`)."""
    if layout.text == 1:
        return
    ticks = [
        (axis, axis.get_ticklabels()[0].get_fontsize())  # asking for them makes them, without drawing
        for ax in fig.axes
        for axis in (ax.xaxis, ax.yaxis)
        if axis.get_ticklabels()
    ]
    texts = _texts(fig)
    offsets = [axis.get_offset_text() for ax in fig.axes for axis in (ax.xaxis, ax.yaxis)]  # "1e6": written when drawn
    for text in {id(t): t for t in [*texts, *offsets]}.values():
        text.set_fontsize(text.get_fontsize() * layout.text)
    for axis, size in ticks:
        axis.set_tick_params(labelsize=size * layout.text)
    for text in texts:  # a text too long for the narrow width is wrapped now, so the chart is drawn once
        em = text.get_fontsize() * fig.dpi / 72 * (0.68 if text.get_fontweight() == "bold" else 0.6)
        fits = int(fig.bbox.width / em)  # characters a line holds, about
        if max(map(len, text.get_text().splitlines())) > fits:
            text.set_text(textwrap.fill(" ".join(text.get_text().split()), max(10, fits)))


# Seaborn's white grid, ``seaborn.axes_style("whitegrid", {"grid.color": "#E6E6E6", "axes.edgecolor": "#B3B3B3"})``,
# written out: importing seaborn imports SciPy, 2.6 s in every process that draws (each kernel of a batch),
# for these settings alone. tests/components/test_chart_style.py checks them against seaborn's. Seaborn's
# colormap (``image.cmap``) is left out: no chart uses one.
CHART_STYLE = {
    "axes.axisbelow": True,
    "axes.edgecolor": "#B3B3B3",
    "axes.facecolor": "white",
    "axes.grid": True,
    "axes.labelcolor": ".15",
    "axes.spines.bottom": True,
    "axes.spines.left": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "figure.facecolor": "white",
    "font.family": ["sans-serif"],
    "font.sans-serif": ["Arial", "DejaVu Sans", "Liberation Sans", "Bitstream Vera Sans", "sans-serif"],
    "grid.color": "#E6E6E6",
    "grid.linestyle": "-",
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "text.color": ".15",
    "xtick.bottom": False,
    "xtick.color": ".15",
    "xtick.direction": "out",
    "xtick.top": False,
    "ytick.color": ".15",
    "ytick.direction": "out",
    "ytick.left": False,
    "ytick.right": False,
}


@contextlib.contextmanager
def styled() -> Iterator[None]:
    """The charts' style (`CHART_STYLE`, seaborn's white grid with light lines), for figures created inside the block."""
    import matplotlib

    with matplotlib.rc_context(CHART_STYLE):
        yield


@drawn_once
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
