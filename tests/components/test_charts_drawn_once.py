"""Charts drawn once per content: a second draw of the same chart reuses the first, in this process and,
through a shared folder, in another; a change in anything drawn draws anew; a reused drawing is the
fresh one byte for byte, with its size and smallest text."""

import os
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from pmkit.components import charts
from pmkit.components import spc_chart as chart_module
from pmkit.components.words import words_for
from pmkit.judge import spc

ROOT = Path(__file__).resolve().parents[2]
VALUES = [52, 48, 51, 49, 53, 47, 50, 52, 48, 51, 49, 50, 45, 44, 46, 45]
LABELS = [f"{2021 + i // 4}/{(22 + i // 4) % 100:02d} Q{i % 4 + 1}" for i in range(len(VALUES))]


@pytest.fixture
def draws(monkeypatch):
    """The real drawings the SPC chart and the sparkline make: each call of the PNG encoder, counted."""
    made = []
    real = charts.figure_to_data_uri

    def counted(fig, **savefig):
        made.append(fig)
        return real(fig, **savefig)

    monkeypatch.setattr(chart_module, "figure_to_data_uri", counted)
    monkeypatch.setattr(charts, "figure_to_data_uri", counted)
    return made


def draw(values=VALUES, target=50.0, title="Repairs completed on time", labels=LABELS, **options):
    """An SPC chart drawn from a result computed afresh: equal content, never the same objects."""
    return chart_module.spc_chart(
        spc.xmr(list(values), target=target), title, unit="percent", period_labels=list(labels), **options
    )


def test_a_second_draw_of_the_same_chart_reuses_the_first_byte_for_byte(draws):
    first_uri, first_alt = draw()
    second_uri, second_alt = draw()
    assert len(draws) == 1  # one figure encoded for two calls
    assert second_uri == first_uri and second_alt == first_alt
    assert (second_uri.width, second_uri.height, second_uri.min_text_px) == (
        first_uri.width,
        first_uri.height,
        first_uri.min_text_px,
    )
    assert first_uri.width == 820  # 8.2 inches at 100 dpi, worked out from the wide layout


@pytest.mark.parametrize(
    "change",
    [
        {"values": [*VALUES[:-1], 46]},  # one value, the last, 45 -> 46
        {"target": 51.0},
        {"title": "Repairs completed in time"},  # one word of the title
        {"labels": ["2020/21 Q4", *LABELS[1:]]},  # the first period's label, under the first tick
        {"layout": charts.PHONE},
        {"two_sigma": True},
        {"info": {"unit": "percent", "maximum": 52.0}},  # the upper limit held at the highest possible value
    ],
    ids=["value", "target", "title word", "period label", "layout", "two sigma", "bound"],
)
def test_a_change_in_anything_drawn_draws_a_new_chart(draws, change):
    before, _ = draw()
    after, _ = draw(**change)
    assert len(draws) == 2
    assert after != before


@pytest.mark.parametrize(
    "change",
    [{"words": words_for("public")}, {"notes": ["Figures from March are provisional."]}],
    ids=["audience", "note"],
)
def test_what_is_said_about_a_chart_changes_its_alt_text_not_its_picture(draws, change):
    # Both audiences see one picture in the same plain words; their own words are the alt text and the page's.
    before, before_alt = draw()
    after, after_alt = draw(**change)
    assert len(draws) == 1
    assert after == before and after_alt != before_alt


def test_the_sparkline_is_drawn_once_per_content(draws):
    first = charts.sparkline(np.array([3.0, 4.0, 5.0]), 4.0)
    same = charts.sparkline(np.array([3.0, 4.0, 5.0]), 4.0)
    other_target = charts.sparkline(np.array([3.0, 4.0, 5.0]), 4.5)
    other_value = charts.sparkline(np.array([3.0, 4.0, 5.5]), 4.0)
    assert len(draws) == 3
    assert same == first and other_target != first and other_value != first


def test_a_chart_setting_changed_by_the_analyst_draws_anew(draws, monkeypatch):
    before = charts.sparkline(np.array([1.0, 2.0, 1.5]))
    monkeypatch.setitem(matplotlib.rcParams, "lines.markeredgewidth", 3.0)  # the latest figure's dot
    after = charts.sparkline(np.array([1.0, 2.0, 1.5]))
    assert len(draws) == 2 and after != before


def test_two_processes_share_drawings_through_the_batch_folder(tmp_path, draws):
    folder = tmp_path / "charts"
    other = textwrap.dedent(
        f"""
        import sys
        sys.path.insert(0, {str(Path(__file__).parent)!r})
        from test_charts_drawn_once import draw
        from pmkit.components import charts
        charts.share_drawings({str(folder)!r})
        uri, alt = draw()
        open({str(tmp_path / "uri.txt")!r}, "w").write(uri)
        """
    )
    subprocess.run([sys.executable, "-c", other], check=True, cwd=ROOT, timeout=300)
    assert len(list(folder.glob("*.json"))) == 1  # one chart drawn: one drawing in the folder
    drawn_there = (tmp_path / "uri.txt").read_text()

    charts.share_drawings(folder)
    uri, _ = draw()
    assert draws == []  # found in the folder, not drawn here
    assert uri == drawn_there
    assert uri.width == 820

    charts.share_drawings(None)
    charts.forget_drawings()
    fresh, _ = draw()
    assert len(draws) == 1
    assert fresh == uri and (fresh.height, fresh.min_text_px) == (uri.height, uri.min_text_px)

    charts.share_drawings(folder)
    draw(target=51.0)
    assert len(list(folder.glob("*.json"))) == 2
    assert not list(folder.glob(".*"))  # no temporary file left behind


def test_equal_content_has_one_digest_and_any_difference_another():
    frame = pd.DataFrame({"area": ["North", "South"], "value": [1.5, 2.0]}, index=[10, 11])
    digest = charts.content_digest(frame)
    assert charts.content_digest(frame.copy()) == digest
    assert (
        charts.content_digest(pd.DataFrame({"area": ["North", "South"], "value": [1.5, 2.0]}, index=[10, 11])) == digest
    )
    changed = [
        frame.assign(value=[1.5, 2.5]),  # one value
        frame.assign(area=["North", "East"]),  # one word
        frame.rename(columns={"value": "rate"}),  # a column's name
        frame.set_axis([10, 12]),  # the index
        frame.assign(value=frame["value"].astype("float32")),  # the dtype
        frame.iloc[::-1],  # the order of the rows
    ]
    assert len({digest, *map(charts.content_digest, changed)}) == 1 + len(changed)
    flags = pd.DataFrame({"flags": [["outside"], []]})  # lists in cells, as an XmR result's points hold
    assert charts.content_digest(flags) == charts.content_digest(flags.copy())
    assert charts.content_digest(flags) != charts.content_digest(pd.DataFrame({"flags": [["shift"], []]}))
    when = pd.Series([pd.Timestamp("2025-09-30"), pd.NA], dtype=object)
    assert charts.content_digest(when) != charts.content_digest(
        pd.Series([pd.Timestamp("2025-10-01"), pd.NA], dtype=object)
    )
    series = pd.Series([1.0, np.nan], name="value")
    assert charts.content_digest(series) == charts.content_digest(series.copy())
    assert charts.content_digest(series) != charts.content_digest(series.rename("rate"))
    assert charts.content_digest(1) != charts.content_digest(1.0) != charts.content_digest("1")
    assert charts.content_digest(0.0) != charts.content_digest(-0.0)
    assert charts.content_digest(np.array([1, 2])) != charts.content_digest(np.array([1.0, 2.0]))

    @dataclass(frozen=True)
    class Box:
        label: str
        numbers: tuple

    assert charts.content_digest(Box("a", (1, 2))) == charts.content_digest(Box("a", (1, 2)))
    assert charts.content_digest(Box("a", (1, 2))) != charts.content_digest(Box("a", (1, 3)))


def test_an_argument_without_a_digest_is_drawn_every_time():
    calls = []

    @charts.drawn_once
    def chart(thing):
        calls.append(thing)
        return "data:image/png;base64,"

    with pytest.raises(TypeError, match="no content digest for a object"):
        charts.content_digest(object())
    token = object()
    chart(token)
    chart(token)
    assert calls == [token, token]


def test_a_drawing_used_from_memory_is_kept_in_the_folder_in_use_too_and_each_use_renews_its_date(tmp_path, draws):
    # One process, two runs into two outputs folders: the second finds the chart in memory, and its
    # folder must still hold it for the runs after it.
    first, second = tmp_path / "first", tmp_path / "second"
    with charts.drawings_in(first):
        drawn, _ = draw()
    with charts.drawings_in(second):
        again, _ = draw()
    assert len(draws) == 1 and again == drawn
    (kept,) = second.glob("*.json")
    assert kept.name == next(first.glob("*.json")).name
    umask = os.umask(0o022)
    os.umask(umask)
    assert kept.stat().st_mode & 0o777 == 0o666 & ~umask  # colleagues sharing the folder read it as the umask allows

    old = kept.stat().st_mtime - 30 * 24 * 3600
    os.utime(kept, (old, old))
    charts.forget_drawings()
    with charts.drawings_in(second):
        draw()
    assert len(draws) == 1  # read from the folder, not drawn
    assert kept.stat().st_mtime > old + 29 * 24 * 3600  # and its date renewed by the use
