"""A council from scratch, the way an analyst would bring one: an Excel workbook with a sheet per
table, date cells and UK number formats, then `pmkit init`, `validate` and `run quarterly` in a
fresh folder. The pages must carry the council's own name, directorates and figures, and nothing
of the demo council's.

Expected figures are worked out by hand from the workbook below:
- BOR-HW1 potholes repaired within 28 days (percent, higher is better, monthly): Sep 2025 is a
  percent-formatted cell 0.874, so 87.4%; the 2025/26 target is a percent cell 0.9, so 90%; the
  tolerance "5%" makes 85.5% the edge of amber, so Near target (amber).
- BOR-HW2 street lights out of action (count, lower is better, quarterly): 2025/26 Q2 is the text
  " 1,312 " in the row dated 01/07/2025; target "1,150", tolerance 5% so amber up to 1,207.5: Off
  target (red).
- BOR-LB1 library visits (count, quarterly, no target): 2025/26 Q2 is the number cell 45210, shown
  45,210.
- BOR-LB2 net cost per library visit (gbp, lower is better, annual): 2024/25 "£3.87" against a
  target "£4.00": On target (green), judged on 2024/25 in the Q2 report.
"""

import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from openpyxl import Workbook

from pmkit.runner.layout import page_folder

pytestmark = pytest.mark.e2e
COUNCIL = "Borsetshire County Council"
PMKIT = [sys.executable, "-m", "pmkit.cli"]

INDICATORS = [
    (
        "indicator_id",
        "title",
        "directorate",
        "priority",
        "owner",
        "unit",
        "polarity",
        "frequency",
        "decimals",
        "tolerance",
        "public",
    ),
    (
        "BOR-HW1",
        "Potholes repaired within 28 days",
        "Highways & Transport",
        "Safe roads",
        "Head of Highways",
        "percent",
        "higher_is_better",
        "monthly",
        1,
        "5%",
        "yes",
    ),
    (
        "BOR-HW2",
        "Street lights out of action",
        "Highways & Transport",
        "Safe roads",
        "Head of Highways",
        "count",
        "lower_is_better",
        "quarterly",
        0,
        0.05,
        "yes",
    ),
    (
        "BOR-LB1",
        "Library visits",
        "Libraries & Culture",
        "Thriving communities",
        "Head of Libraries",
        "count",
        "higher_is_better",
        "quarterly",
        0,
        0.05,
        "yes",
    ),
    (
        "BOR-LB2",
        "Net cost per library visit",
        "Libraries & Culture",
        "Thriving communities",
        "Head of Libraries",
        "gbp",
        "lower_is_better",
        "annual",
        2,
        0.05,
        "yes",
    ),
]
QUARTER_STARTS = [
    datetime(2023, 4, 1),
    datetime(2023, 7, 1),
    datetime(2023, 10, 1),
    datetime(2024, 1, 1),
    datetime(2024, 4, 1),
    datetime(2024, 7, 1),
    datetime(2024, 10, 1),
    datetime(2025, 1, 1),
    datetime(2025, 4, 1),
    datetime(2025, 7, 1),
]  # 2023/24 Q1 to 2025/26 Q2, as first days
# the last two monthly values are Aug 2025 86.1% and Sep 2025 87.4%
POTHOLES = [
    0.81,
    0.83,
    0.80,
    0.82,
    0.84,
    0.83,
    0.85,
    0.82,
    0.84,
    0.86,
    0.83,
    0.85,
    0.84,
    0.86,
    0.85,
    0.83,
    0.84,
    0.86,
    0.85,
    0.87,
    0.84,
    0.86,
    0.85,
    0.87,
    0.86,
    0.85,
    0.88,
    0.86,
    0.861,
    0.874,
]
LIGHTS = [" 1,180 ", "1,205", " 1,190", "1,230 ", "1,175", "1,240", "1,199", "1,221", "1,260", " 1,312 "]
VISITS = [41200, 43950, 40100, 39800, 42500, 44100, 41300, 40900, 44800, 45210]


def build_workbook(path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("Indicators")
    for row in INDICATORS:
        sheet.append(row)
    sheet = book.create_sheet("Measures ")  # a stray space, as sheet names get
    sheet.append(["Indicator_ID", "Period", "Value"])
    for i, value in enumerate(POTHOLES):
        sheet.append(["BOR-HW1", datetime(2023 + (3 + i) // 12, (3 + i) % 12 + 1, 1), value])
        sheet.cell(sheet.max_row, 2).number_format = "mmm yyyy"  # typed "Apr 2023": Excel keeps a date
        sheet.cell(sheet.max_row, 3).number_format = "0.0%"  # typed "81%": Excel keeps 0.81
    for start, value in zip(QUARTER_STARTS, LIGHTS):
        sheet.append(["BOR-HW2", start, value])
        sheet.cell(sheet.max_row, 2).number_format = "dd/mm/yyyy"
    labels = [f"{2023 + i // 4}/{(24 + i // 4) % 100:02d} Q{i % 4 + 1}" for i in range(10)]
    for label, value in zip(labels, VISITS):
        sheet.append(["BOR-LB1", label, value])
        sheet.cell(sheet.max_row, 3).number_format = "#,##0"
    for label, value in [("2022/23", "£4.25"), ("2023/24", "£4.02"), ("2024/25", "£3.87")]:
        sheet.append(["BOR-LB2", label, value])
    sheet = book.create_sheet("targets")
    sheet.append(["indicator_id", "period", "target"])
    sheet.append(["BOR-HW1", "2025/26", 0.9])
    sheet.cell(sheet.max_row, 3).number_format = "0%"
    sheet.append(["BOR-HW2", "2025/26", "1,150"])
    sheet.append(["BOR-LB2", "2024/25", "£4.00"])
    sheet = book.create_sheet("Commentary")
    sheet.append(["indicator_id", "period", "audience", "text", "actions"])
    sheet.append(
        [
            "BOR-HW2",
            "2025/26 Q2",
            "internal",
            "Two contractor crews were moved to flood repairs in July.",
            "A second contractor starts in October.",
        ]
    )
    book.save(path)
    return path


def published(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file() and "_executed" not in p.parts]


def tile(page: BeautifulSoup, indicator: str):
    found = page.find(attrs={"data-indicator": indicator})
    assert found is not None, f"no tile for {indicator}"
    return found


def test_a_council_built_from_an_excel_workbook_runs_under_its_own_name(tmp_path):
    workbook = build_workbook(tmp_path / "Borsetshire returns.xlsx")
    done = subprocess.run(
        [*PMKIT, "init", "borsetshire", "--council", COUNCIL, "--source", workbook.name],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    project = tmp_path / "borsetshire"
    assert sorted(p.name for p in (project / "params" / "directorates").glob("*.yaml")) == [
        "highways-transport.yaml",
        "libraries-culture.yaml",
    ]
    defaults = project / "params" / "defaults.yaml"
    defaults.write_text(
        defaults.read_text().replace("dot_threshold: 0.01", "dot_threshold: 0.02")
    )  # the analyst's own rule

    done = subprocess.run([*PMKIT, "validate"], cwd=project, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "valid (indicators 4, measures 53, targets 3, commentary 1" in done.stdout

    done = subprocess.run(
        [
            *PMKIT,
            "run",
            "quarterly",
            "--engine",
            "nbconvert",
            "--audience",
            "internal",
            "--audience",
            "public",
            "--jobs",
            "2",
        ],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    folder = project / "outputs" / "2025-26-Q2"  # the latest quarter with data for most indicators
    internal = folder / "internal"

    roads = BeautifulSoup((internal / "highways-transport.html").read_text(encoding="utf-8"), "html.parser")
    assert roads.h1.get_text(strip=True) == "Highways & Transport: performance report, 2025/26 Q2"
    assert COUNCIL in roads.get_text(" ")
    potholes = tile(roads, "BOR-HW1")
    assert potholes["data-status"] == "amber" and "87.4%" in potholes.get_text(" ")
    lights = tile(roads, "BOR-HW2")
    assert lights["data-status"] == "red" and "1,312" in lights.get_text(" ")
    text = " ".join(roads.get_text(" ").split())
    assert "Two contractor crews were moved to flood repairs in July." in text
    assert "changes of 2% of the earlier value or less count as no change" in text  # the project's setting
    assert "within the indicator's tolerance (5% of the target)" in text
    assert "Periods not judged against target: none" in text

    libraries = BeautifulSoup((internal / "libraries-culture.html").read_text(encoding="utf-8"), "html.parser")
    assert "45,210" in tile(libraries, "BOR-LB1").get_text(" ")
    cost = tile(libraries, "BOR-LB2")
    assert cost["data-status"] == "green" and "£3.87" in cost.get_text(" ")

    public = BeautifulSoup(
        (page_folder(project / "outputs", "2025-26-Q2", "public") / "highways-transport.html").read_text(
            encoding="utf-8"
        ),
        "html.parser",
    )
    assert "87.4%" in tile(public, "BOR-HW1").get_text(" ") and COUNCIL in public.get_text(" ")

    umask = os.umask(0o022)
    os.umask(umask)
    for path in published(project / "outputs"):
        content = path.read_text(encoding="utf-8", errors="replace")
        assert "Thornbury" not in content, path  # nothing of the demo council
        assert str(tmp_path) not in content, path  # no server path in anything published
        assert path.stat().st_mode & 0o777 == 0o666 & ~umask, path  # readable as the umask allows
    index = (internal / "index.html").read_text(encoding="utf-8")
    assert re.search(rf"{re.escape(COUNCIL)} performance reports: 2025/26 Q2", index)
