"""What each chart looks like, pixel for pixel: the SPC chart (wide and phone), the comparator bars, the
comparison over time, the funnel plot and the sparkline, drawn from fixed figures and compared with
reference pictures in ``tests/data/pictures`` that a person has looked at.

A chart's picture carries what no sentence does (marker shapes and sizes, line styles, bands, legend,
labels, the plain words of `CHART_WORDS`), so any visible change fails here, including a change of
style no other test reads. After a deliberate change, look at the new pictures, then remake the
references with ``PMKIT_REDRAW_PICTURES=1 pytest tests/components/test_chart_pictures.py`` and commit
them with the change.

The references were drawn with the locked matplotlib and its own font (DejaVu Sans); on a machine whose
fonts resolve otherwise, text is drawn differently, so the comparison is skipped there with the reason.
"""

import base64
import io
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from component_helpers import peers, reading, status_row
from matplotlib import font_manager, rc_context
from PIL import Image
from test_breakdowns_and_trends import BENCHMARKS, OWN, WARDS, visits

from pmkit.components import charts
from pmkit.components.benchmark_chart import _trend_chart, benchmark_chart
from pmkit.components.charts import PHONE, WIDE, styled
from pmkit.components.funnel_chart import funnel_chart
from pmkit.components.spc_chart import spc_chart
from pmkit.judge import benchmarking, spc
from pmkit.judge.funnel import funnel

REFERENCES = Path(__file__).resolve().parents[1] / "data" / "pictures"
LABELS = [f"{2019 + i // 4}/{(20 + i // 4) % 100:02d} Q{i % 4 + 1}" for i in range(24)]
# A rise to a new level after 15 quarters (a run above the mean, and the last point above the upper limit).
VALUES = [71, 74, 70, 73, 72, 69, 74, 71, 70, 73, 72, 71, 69, 74, 72, 78, 79, 77, 80, 78, 79, 81, 80, 88]


def own_font() -> str:
    with styled():
        with rc_context():
            return Path(font_manager.findfont(font_manager.FontProperties(family=["sans-serif"]))).name


pytestmark = pytest.mark.skipif(
    own_font() != "DejaVuSans.ttf",
    reason=f"charts here are drawn in {own_font()}, the references in matplotlib's own DejaVu Sans",
)


def pixels(uri: str) -> np.ndarray:
    png = base64.b64decode(uri.split(",", 1)[1])
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def same_picture(name: str, uri: str, tmp_path: Path) -> None:
    reference = REFERENCES / f"{name}.png"
    drawn = pixels(uri)
    if os.environ.get("PMKIT_REDRAW_PICTURES"):
        REFERENCES.mkdir(parents=True, exist_ok=True)
        Image.fromarray(drawn).save(reference, optimize=True)
    expected = np.asarray(Image.open(reference).convert("RGB"))
    if drawn.shape != expected.shape or (drawn != expected).any():
        Image.fromarray(drawn).save(tmp_path / f"{name}.png")
        differ = (
            "a different size" if drawn.shape != expected.shape else f"{int((drawn != expected).any(-1).sum())} pixels"
        )
        pytest.fail(f"{name}: {differ} differ from {reference.name}; drawn now: {tmp_path / name}.png")


@pytest.mark.parametrize("layout", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_spc_chart(layout, tmp_path, internal):
    result = spc.xmr(VALUES, target=78.0)
    uri, _ = spc_chart(
        result,
        "Residents satisfied with their home",
        unit="percent",
        period_labels=LABELS,
        target=[75.0] * 12 + [78.0] * 12,
        decimals=0,
        two_sigma=True,
        stale="The limits are out of date.",
        words=internal,
        layout=layout,
    )
    same_picture(f"spc-{'wide' if layout == WIDE else 'phone'}", uri, tmp_path)


def test_an_spc_chart_with_recalculated_limits_and_a_concern_where_lower_is_better(tmp_path, internal):
    values = [30, 32, 29, 31, 33, 30, 28, 31, 30, 32, 22, 21, 23, 20, 22, 21, 23, 22, 21, 22, 30]
    result = spc.xmr(values, improvement="decrease", rebase_at=[10])
    uri, _ = spc_chart(
        result, "Days to re-let a home", unit="days", period_labels=LABELS[: len(values)], words=internal
    )
    same_picture("spc-rebased", uri, tmp_path)


@pytest.mark.parametrize("layout", [WIDE, PHONE], ids=["wide", "phone"])
def test_the_comparator_bars(layout, tmp_path, public):
    group = peers(
        {"Abbeyford": 91.0, "Brookley": 88.5, "Castlemere": 86.0, "Dunholm": 83.0, "Eastwick": 80.5},
        87.0,
        national=85.0,
    )
    uri, _ = benchmark_chart(
        reading(status_row(quartile=2, rank=3, n_peers=5, peer_median=86.0), peer_group=group),
        "Thornbury Vale",
        public,
        layout=layout,
    )
    same_picture(f"benchmark-{'wide' if layout == WIDE else 'phone'}", uri, tmp_path)


def test_the_comparison_over_time(tmp_path, internal):
    history = benchmarking.trajectory("visits", "higher_is_better", OWN, BENCHMARKS, "nn")
    uri, _ = _trend_chart(visits("higher_is_better"), history, "Thornbury Vale", internal)
    same_picture("benchmark-trend", uri, tmp_path)


def test_the_funnel_plot(tmp_path, internal):
    latest = WARDS[WARDS["period"] == "Sep 2025"]
    uri, _ = funnel_chart(funnel(latest), "Repairs completed on time", "ward", "Sep 2025", internal)
    same_picture("funnel", uri, tmp_path)


def test_the_sparkline(tmp_path):
    uri = charts.sparkline(np.array([4.0, 5.5, np.nan, 5.0, 6.5]), pd.Series([5.0, 5.0, 5.5, 5.5, 6.0]).to_numpy())
    same_picture("sparkline", uri, tmp_path)
