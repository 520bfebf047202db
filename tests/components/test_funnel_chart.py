"""The funnel plot draws its limits where the normal quantiles put them, the same as the funnel's signals."""

import math

import pandas as pd
import pytest

from pmkit.components import funnel_chart as chart
from pmkit.judge.funnel import funnel

# The standard normal quantiles of 0.975 and 0.999, from published tables to 16 significant figures.
Z_975, Z_999 = 1.959963984540054, 3.090232306167813


def drawn_lines(monkeypatch, frame, words) -> dict[str, tuple[list[float], list[float]]]:
    """The labelled upper line of each pair of limits the chart draws: its x (cases) and y (per cent)."""
    figures = []
    monkeypatch.setattr(chart, "figure_to_data_uri", lambda fig, **_: figures.append(fig) or "data:image/png;base64,")
    chart.funnel_chart(frame, "Repairs done on time", "ward", "2025/26 Q2", words)
    (ax,) = figures[0].axes
    return {
        line.get_label(): (list(line.get_xdata()), list(line.get_ydata()))
        for line in ax.get_lines()
        if not line.get_label().startswith("_")
    }


def test_the_998_line_is_drawn_at_the_exact_normal_quantile(monkeypatch, internal):
    # 150 of 300 and 200 of 400: the overall rate is 350 / 700 = 0.5. The chart's sizes start at 0.8 x 125 = 100 cases,
    # where sqrt(0.5 x 0.5 / 100) = 0.05, so the upper 99.8% line starts at 50 + 100 x 3.090232306167813 x 0.05
    # = 65.45116153083907% and the upper 95% line at 50 + 5 x 1.959963984540054 = 59.79981992270027%.
    frame = funnel(
        pd.DataFrame(
            {"category": ["Abbey", "Bridge", "Castle"], "numerator": [62, 150, 138], "denominator": [125, 300, 275]}
        )
    )
    assert frame["overall"].iloc[0] == 0.5
    lines = drawn_lines(monkeypatch, frame, internal)
    x998, y998 = lines["99.8% limits"]
    x95, y95 = lines["95% limits"]
    assert x998[0] == 100.0 and x95[0] == 100.0
    assert y998[0] == pytest.approx(65.45116153083907, rel=1e-13)
    assert y95[0] == pytest.approx(59.79981992270027, rel=1e-13)
    # every point of the line: 50 + 100 x z x sqrt(0.25 / n)
    assert y998 == pytest.approx([50 + 100 * Z_999 * math.sqrt(0.25 / n) for n in x998], rel=1e-13)
    # and the funnel's own limits for a unit of that size are the same line, so a unit's signal matches where it sits
    at_100 = funnel(pd.DataFrame({"category": ["A", "B"], "numerator": [50, 300], "denominator": [100, 600]}))
    assert at_100.loc[0, "upper_998"] == pytest.approx(0.6545116153083907, rel=1e-13)
    assert at_100.loc[0, "lower_95"] == pytest.approx(0.4020018007729973, rel=1e-13)


def test_every_line_drawn_is_the_funnels_own_limits(monkeypatch, internal):
    # 30 of 40, 45 of 60 and 75 of 100: overall 150 / 200 = 0.75. Each of the four lines (95% and 99.8%, lower and
    # upper) at every size the chart draws is where pmkit.judge.funnel puts the limits for a unit of that size, so a ward's
    # diamond or dot agrees with the lines around it.
    frame = funnel(
        pd.DataFrame(
            {"category": ["Abbey", "Bridge", "Castle"], "numerator": [30, 45, 75], "denominator": [40, 60, 100]}
        )
    )
    figures = []
    monkeypatch.setattr(chart, "figure_to_data_uri", lambda fig, **_: figures.append(fig) or "data:image/png;base64,")
    chart.funnel_chart(frame, "Repairs done on time", "ward", "2025/26 Q2", internal)
    drawn = [
        (line.get_linestyle(), list(line.get_xdata()), list(line.get_ydata()))
        for line in figures[0].axes[0].get_lines()
        if line.get_linestyle() in ("--", ":")
    ]
    assert len(drawn) == 4
    for style, xs, ys in drawn:
        # A unit of each drawn size at the overall rate, judged by the funnel on its own: its limits are the line.
        units = funnel(
            pd.DataFrame({"category": range(len(xs)), "numerator": [0.75 * n for n in xs], "denominator": xs})
        )
        level = "95" if style == "--" else "998"
        lower, upper = list(100 * units[f"lower_{level}"]), list(100 * units[f"upper_{level}"])
        assert ys == pytest.approx(upper, rel=1e-12) or ys == pytest.approx(lower, rel=1e-12), style
    # Both sides of both levels are drawn. The chart's sizes start at 0.8 x 40 = 32 cases, where
    # sqrt(0.75 x 0.25 / 32) = 0.0765466, so the 99.8% lines start at 75 -/+ 23.6546 and the 95% lines at 75 -/+ 15.0028.
    firsts = sorted(ys[0] for _, _, ys in drawn)
    spread = math.sqrt(0.75 * 0.25 / 32)
    assert firsts == pytest.approx([51.3454, 59.9972, 90.0028, 98.6546], abs=1e-4)
    assert firsts == pytest.approx(
        [75 - 100 * Z_999 * spread, 75 - 100 * Z_975 * spread, 75 + 100 * Z_975 * spread, 75 + 100 * Z_999 * spread],
        rel=1e-12,
    )


def drawn_figure(monkeypatch, frame, words):
    figures = []
    monkeypatch.setattr(chart, "figure_to_data_uri", lambda fig, **_: figures.append(fig) or "data:image/png;base64,")
    chart.funnel_chart(frame, "Repairs done on time", "ward", "2025/26 Q2", words)
    return figures[0]


def test_what_the_chart_writes_and_where_it_puts_a_ward_outside_the_limits(monkeypatch, internal, public):
    # 30 of 40, 45 of 60 and 95 of 100: overall 170 / 200 = 85.0%, spread sqrt(0.85 x 0.15 / n). Abbey (75%, n 40):
    # 95% limits 85 -/+ 11.07, within. Bridge (75%, n 60): 85 - 9.04 = 75.96 > 75, but 99.8% 85 - 14.24 = 70.76 < 75:
    # possibly low. Castle (95%, n 100): 85 + 7.00 = 92.0 < 95 < 85 + 11.03 = 96.03: possibly high.
    frame = funnel(
        pd.DataFrame(
            {"category": ["Abbey", "Bridge", "Castle"], "numerator": [30, 45, 95], "denominator": [40, 60, 100]}
        )
    )
    assert frame["signal"].tolist() == ["within", "possible_low", "possible_high"]
    fig = drawn_figure(monkeypatch, frame, internal)
    (ax,) = fig.axes
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == ["95% limits", "99.8% limits", "Overall 85.0%", "Different from the rest"]
    assert ax.get_xlabel() == "Cases in the ward" and ax.get_ylabel() == "Per cent"
    diamonds = [c for c in ax.collections if c.get_label() == "Different from the rest"]
    assert [list(xy) for xy in diamonds[0].get_offsets()] == [[60.0, 75.0], [100.0, 95.0]]
    assert [t.get_text() for t in ax.texts] == ["Bridge", "Castle"]
    # The picture is the same for residents: drawn once, with its own alt text.
    internal_uri, internal_alt = chart.funnel_chart(frame, "Repairs done on time", "ward", "2025/26 Q2", internal)
    public_uri, public_alt = chart.funnel_chart(frame, "Repairs done on time", "ward", "2025/26 Q2", public)
    assert public_uri == internal_uri
    assert "(below the 95% limit)" in internal_alt and "(possibly lower than the rest)" in public_alt
