"""The charts' style is seaborn's white grid with light lines, and drawing a chart imports neither seaborn
nor SciPy (2.6 s in every process that draws)."""

import subprocess
import sys
from pathlib import Path

import seaborn as sns

from pmkit.components import charts

ROOT = Path(__file__).resolve().parents[2]


def test_the_chart_style_is_seaborns_white_grid_with_light_lines():
    theirs = dict(sns.axes_style("whitegrid", {"grid.color": "#E6E6E6", "axes.edgecolor": "#B3B3B3"}))
    assert theirs.pop("image.cmap") == "rocket"  # a colormap of seaborn's own, which no chart uses
    assert charts.CHART_STYLE == theirs


def test_drawing_a_chart_imports_neither_seaborn_nor_scipy():
    draw = """
import sys
import numpy as np
from pmkit.components import charts
from pmkit.components.spc_chart import spc_chart
from pmkit.judge import spc
charts.sparkline(np.array([1.0, 2.0, 1.5]), target=1.8)
uri, alt = spc_chart(spc.xmr([52, 48, 51, 49, 53, 47, 50, 52, 48, 51, 49, 50, 45, 44, 46, 45]), "Repairs", unit="percent")
assert uri.startswith("data:image/png;base64,")
print(sorted(m for m in ("seaborn", "scipy") if m in sys.modules))
"""
    done = subprocess.run([sys.executable, "-c", draw], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
