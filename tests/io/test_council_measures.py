"""A council's own workbook, typed by hand, with every kind of measure: a flow, a stock, a running
total, a rate with numerators and denominators and a percentage without them, an England row and a
peer group that holds the council's own row (as an LG Inform download does). It goes through
`pmkit init`, `validate` and all three report kinds, and every page states the figures worked out by
hand below.

Wessex Vale District Council, financial years 2023/24 and 2024/25, then 2025/26 Q1-Q2:
- WV-CALL calls answered (count, higher is better, monthly, a flow): 2024/25 months 13,500 each but
  March 12,293: the year is 11 x 13,500 + 12,293 = 160,793 against a target of 12 x 13,000 = 156,000:
  on target. March alone (12,293 against 13,000) would be off target.
- WV-WAIT people waiting for an assessment (count, lower is better, monthly, a stock: `last`): the
  2024/25 year is March's 410 ("At 31 March"), against a target of 400 with 5% tolerance: near target.
- WV-EHCP plans issued within 20 weeks (percent, higher is better, monthly, with counts): 2024/25
  numerators 10 a month, denominators 20 (Apr-Sep) and 30 (Oct-Mar): 120 / 300 = 40.0% for the year,
  though March alone is 33.3%; 2023/24: 9 a month of 20: 108 / 240 = 45.0%.
- WV-HOMES affordable homes delivered, year to date (count, quarterly, cumulative): 2024/25 44, 93,
  150, 251: the year is 251 ("Year to date at 31 March"); 2023/24 ended at 230.
- WV-REC household waste recycled (percent, quarterly, no counts: `mean`): 2024/25 52.8, 53.2, 47.0,
  44.2: the year is 197.2 / 4 = 49.3% ("Average a quarter"), not Q4's 44.2%; benchmarked in the group
  `cipfa` of 5 neighbours plus the council's own row, and an England row each quarter. In 2025/26 Q2
  the council's 51.0% ranks 2nd of 6 (one neighbour, 55.0, is better), never "of 7".
- WV-WAIT's deep dive for 2025/26 Q2: Aug 2025 and Sep 2025 are 430 and 445 against the 2025/26 target
  of 400 (tolerance 5%: amber up to 420): off target two months running, which for a lower-is-better
  indicator is ABOVE its target (worse).
"""

import subprocess
import sys
from datetime import datetime
from pathlib import Path

import pytest
import yaml
from bs4 import BeautifulSoup
from openpyxl import Workbook

from pmkit.runner.layout import page_folder

pytestmark = pytest.mark.e2e
COUNCIL = "Wessex Vale District Council"
PMKIT = [sys.executable, "-m", "pmkit.cli"]
MONTHS_2324 = [datetime(2023 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]
MONTHS_2425 = [datetime(2024 + (3 + i) // 12, (3 + i) % 12 + 1, 1) for i in range(12)]
MONTHS_2526 = [datetime(2025, 4 + i, 1) for i in range(6)]
QUARTERS = [
    "2023/24 Q1",
    "2023/24 Q2",
    "2023/24 Q3",
    "2023/24 Q4",
    "2024/25 Q1",
    "2024/25 Q2",
    "2024/25 Q3",
    "2024/25 Q4",
    "2025/26 Q1",
    "2025/26 Q2",
]


def build_workbook(path: Path) -> Path:
    book = Workbook()
    book.remove(book.active)
    sheet = book.create_sheet("Indicators")
    sheet.append(
        [
            "indicator_id",
            "title",
            "directorate",
            "priority",
            "unit",
            "polarity",
            "frequency",
            "decimals",
            "aggregation",
            "cumulative",
            "benchmark_metric",
            "public",
        ]
    )
    sheet.append(
        [
            "WV-CALL",
            "Calls answered",
            "Customer Services",
            "Listening council",
            "count",
            "higher_is_better",
            "monthly",
            0,
            "sum",
            "no",
            "",
            "yes",
        ]
    )
    sheet.append(
        [
            "WV-WAIT",
            "People waiting for an assessment",
            "Adult Care",
            "Healthy lives",
            "count",
            "lower_is_better",
            "monthly",
            0,
            "last",
            "no",
            "",
            "yes",
        ]
    )
    sheet.append(
        [
            "WV-EHCP",
            "Plans issued within 20 weeks",
            "Children's Services",
            "Best start",
            "percent",
            "higher_is_better",
            "monthly",
            1,
            "",
            "no",
            "",
            "yes",
        ]
    )
    sheet.append(
        [
            "WV-HOMES",
            "Affordable homes delivered (year to date)",
            "Housing",
            "Good homes",
            "count",
            "higher_is_better",
            "quarterly",
            0,
            "",
            "yes",
            "",
            "yes",
        ]
    )
    sheet.append(
        [
            "WV-REC",
            "Household waste recycled",
            "Environment",
            "Clean place",
            "percent",
            "higher_is_better",
            "quarterly",
            1,
            "mean",
            "no",
            "rec",
            "yes",
        ]
    )

    sheet = book.create_sheet("Measures")
    sheet.append(["indicator_id", "period", "value", "numerator", "denominator", "quality"])
    calls = [13000] * 12 + [13500] * 11 + [12293] + [13600] * 6
    waits = [
        380,
        385,
        390,
        395,
        392,
        388,
        394,
        398,
        401,
        396,
        392,
        390,
        380,
        395,
        402,
        390,
        385,
        399,
        420,
        431,
        415,
        405,
        400,
        410,
        405,
        398,
        402,
        410,
        430,
        445,
    ]
    for month, call, wait in zip(MONTHS_2324 + MONTHS_2425 + MONTHS_2526, calls, waits):
        sheet.append(["WV-CALL", month, call, None, None, "final"])
        sheet.append(["WV-WAIT", month, wait, None, None, "final"])
    ehcp = [(9, 20)] * 12 + [(10, 20)] * 6 + [(10, 30)] * 6 + [(12, 25)] * 6
    for month, (num, den) in zip(MONTHS_2324 + MONTHS_2425 + MONTHS_2526, ehcp):
        sheet.append(["WV-EHCP", month, round(100 * num / den, 1), num, den, "final"])
    for label, homes, rec in zip(
        QUARTERS,
        [50, 110, 160, 230, 44, 93, 150, 251, 40, 85],
        [50.1, 50.6, 46.2, 43.5, 52.8, 53.2, 47.0, 44.2, 52.0, 51.0],
    ):
        sheet.append(["WV-HOMES", label, homes, None, None, "final"])
        sheet.append(["WV-REC", label, rec, None, None, "final"])

    sheet = book.create_sheet("Targets")
    sheet.append(["indicator_id", "period", "target"])
    for year in ("2023/24", "2024/25", "2025/26"):
        sheet.append(["WV-CALL", year, 13000])
        sheet.append(["WV-WAIT", year, 400])
        sheet.append(["WV-EHCP", year, 40])
        sheet.append(["WV-REC", year, 48])
    sheet.append(["WV-HOMES", "2024/25", 240])
    sheet.append(["WV-HOMES", "2025/26", 240])

    sheet = book.create_sheet("Benchmarks")
    sheet.append(["metric", "authority_code", "authority_name", "period", "value", "group"])
    neighbours = {
        "E07000101": ("Ashby", 55.0),
        "E07000102": ("Brill", 49.0),
        "E07000103": ("Cotter", 47.5),
        "E07000104": ("Dunmore", 45.0),
        "E07000105": ("Elsey", 42.0),
    }
    for label in QUARTERS:
        for code, (name, value) in neighbours.items():
            sheet.append(["rec", code, name, label, value, "cipfa"])
        sheet.append(["rec", "E07000199", COUNCIL, label, 51.0 if label == "2025/26 Q2" else 49.0, "cipfa"])  # own row
        sheet.append(["rec", "E92000001", "England", label, 44.5, "england"])
    book.save(path)
    return path


def page(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def said(node) -> str:
    return " ".join(node.get_text(" ").split())


def run(args, cwd):
    done = subprocess.run([*PMKIT, *args], cwd=cwd, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    return done


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("wessex")
    build_workbook(root / "returns.xlsx")
    done = run(["init", "wessex", "--council", COUNCIL, "--source", "returns.xlsx"], root)
    project = root / "wessex"
    # England has one figure a quarter: the national line; cipfa has several councils: the comparator group.
    assert "ranked in cipfa" in done.stdout and "national line england (one figure a period)" in done.stdout
    defaults = yaml.safe_load((project / "params" / "defaults.yaml").read_text(encoding="utf-8"))
    assert (defaults["comparator_group"], defaults["national_group"]) == ("cipfa", "england")
    done = run(["validate"], project)
    assert "valid (indicators 5" in done.stdout
    run(["run", "annual", "--year", "2024/25", "--engine", "nbconvert"], project)
    run(
        [
            "run",
            "quarterly",
            "--period",
            "2025/26 Q2",
            "--engine",
            "nbconvert",
            "--audience",
            "internal",
            "--audience",
            "public",
        ],
        project,
    )
    run(["run", "deep-dive", "--indicator", "WV-WAIT", "--period", "2025/26 Q2", "--engine", "nbconvert"], project)
    return project


def test_the_annual_report_states_each_measures_year(project):
    annual = page(project / "outputs" / "2024-25" / "internal" / "annual-report.html")
    rows = {tr["data-indicator"]: tr for tr in annual.select("table.year-end tbody tr")}
    cells = {iid: [said(td) for td in tr.select("td")] for iid, tr in rows.items()}
    assert "160,793" in cells["WV-CALL"] and "12,293" not in cells["WV-CALL"]
    assert "410" in cells["WV-WAIT"]
    assert "40.0%" in cells["WV-EHCP"] and "45.0%" in cells["WV-EHCP"] and "33.3%" not in cells["WV-EHCP"]
    assert "251" in cells["WV-HOMES"] and "230" in cells["WV-HOMES"]
    assert "49.3%" in cells["WV-REC"] and "44.2%" not in cells["WV-REC"]
    assert rows["WV-CALL"]["data-status"] == "green"  # the year, not March (which would be red)
    assert rows["WV-WAIT"]["data-status"] == "amber"
    heads = {iid: said(tr.select_one("th")) for iid, tr in rows.items()}
    assert heads["WV-CALL"] == "Calls answered Total for the year"
    assert heads["WV-WAIT"] == "People waiting for an assessment At 31 March"
    assert heads["WV-HOMES"] == "Affordable homes delivered (year to date) Year to date at 31 March"
    assert heads["WV-REC"] == "Household waste recycled Average a quarter"
    figures = [said(li) for li in annual.select(".key-figures li")]
    assert any(f.startswith("160,793 Calls answered in 2024/25") for f in figures), figures
    assert not any("12,293" in f for f in figures)


def test_the_quarterly_page_ranks_the_council_once_among_its_peers(project):
    quarter = page(project / "outputs" / "2025-26-Q2" / "internal" / "environment.html")
    tile = quarter.find(attrs={"data-indicator": "WV-REC"})
    text = said(tile)
    assert "51.0%" in text
    assert "ranked 2" in text and "of 6" in text and "of 7" not in text
    public = page(page_folder(project / "outputs", "2025-26-Q2", "public") / "environment.html")
    assert "ranked 2nd of 6" in said(public.find(attrs={"data-indicator": "WV-REC"}))


def test_the_quarterly_page_reads_a_running_total_against_the_same_point_last_year(project):
    housing = page(project / "outputs" / "2025-26-Q2" / "internal" / "housing.html")
    text = said(housing.find(attrs={"data-indicator": "WV-HOMES"}))
    # 85 in 2025/26 Q2 against 93 in 2024/25 Q2: worse than a year ago; never against Q1's 40.
    assert "Declining since same period last year" in text and "quarter" not in text.lower().replace("2025/26 q2", "")


def test_the_deep_dive_on_a_lower_is_better_indicator_says_above_its_target(project):
    dive = page(project / "outputs" / "2025-26-Q2" / "internal" / "deep-dive-wv-wait.html")
    findings = [said(p) for p in dive.select(".questions .finding")]
    assert any("above its target (worse)" in f and "445" in f and "400" in f for f in findings), findings
    assert not any("below its target" in f for f in findings)
