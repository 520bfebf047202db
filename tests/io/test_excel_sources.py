"""Excel as analysts use it: a sheet per table, typed cells read exactly, numbers and dates never guessed."""

import datetime as dt
import sys
from decimal import Decimal
from unittest.mock import patch

import pandas as pd
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import pmkit
from pmkit.cli import main
from pmkit.errors import SourceError
from pmkit.io import periods
from pmkit.io.sources import FolderSource, WorkbookSource
from pmkit.io.validate import RawTable, cell_text, validate_tables

DAY, MONTH, GBP = "dd/mm/yyyy", "mmm yyyy", '"£"#,##0.00'


def cell(value, number_format=None):
    return (value, number_format)


def put(ws, rows, first_row=1):
    """Rows of values, or (value, number format) pairs, from ``first_row`` down."""
    for r, row in enumerate(rows, start=first_row):
        for c, value in enumerate(row, start=1):
            value, number_format = value if isinstance(value, tuple) else (value, None)
            target = ws.cell(r, c, value)
            if number_format:
                target.number_format = number_format


def council(path, edit=None):
    """A council's workbook as an analyst keeps it: a sheet per table, dates, percentages and pounds as Excel holds them."""
    wb = Workbook()
    put(
        wb.active,
        [
            [
                "Indicator ID",
                "Title",
                "Directorate",
                "Unit",
                "Polarity",
                "Frequency",
                "Decimals",
                "Tolerance",
                "Tolerance type",
                "Benchmark metric",
                "Public",
            ],
            [
                "HOU-01",
                "Homeless households in temporary accommodation",
                "Housing",
                "count",
                "lower_is_better",
                "quarterly",
                0,
                cell(0.05, "0%"),
                "relative",
                None,
                True,
            ],
            [
                "HOU-02",
                "Repairs completed on time",
                "Housing",
                "percent",
                "higher_is_better",
                "monthly",
                1,
                "5%",
                "relative",
                "rep",
                True,
            ],
            [
                "RES-01",
                "Cost per council tax account",
                "Resources",
                "gbp",
                "lower_is_better",
                "annual",
                2,
                2,
                "Absolute",
                None,
                False,
            ],
        ],
    )
    wb.active.title = "Indicators"
    measures = wb.create_sheet("Measures")
    put(
        measures,
        [  # two empty rows above the header, an empty row inside, empty formatted rows below
            ["Indicator ID", "Period", "Value", "Quality", "Note"],
            ["HOU-01", cell(dt.datetime(2025, 4, 1), DAY), " 1,234 ", "final", None],
            ["HOU-01", cell(dt.datetime(2025, 7, 1), DAY), cell(1250, "#,##0"), "provisional", "=A4"],
            [],
            ["HOU-02", cell(dt.datetime(2025, 7, 1), MONTH), cell(0.881, "0.0%"), "final", None],
            ["HOU-02", cell(dt.datetime(2025, 8, 1), MONTH), "91.5%", "final", None],
            ["HOU-02", cell(dt.datetime(2025, 9, 18), MONTH), cell(88.5, '0.0"%"'), "final", None],
            ["RES-01", cell(dt.datetime(2025, 4, 1), DAY), cell(1200.5, GBP), "final", None],
            ["RES-01", "2024/25", "£1,150.25", "final", None],
            [cell(None, "0.0"), cell(None, DAY), cell(None, "0.0%")],
            [cell(None, "0.0"), cell(None, DAY), cell(None, "0.0%")],
        ],
        first_row=3,
    )
    put(
        wb.create_sheet("Targets"),
        [
            ["indicator_id", "period", "target"],
            ["HOU-01", "2025/26", cell(1100, "#,##0")],
            ["HOU-02", "2025/26", cell(0.92, "0%")],
            ["RES-01", cell(dt.datetime(2025, 4, 1), DAY), "£1,100"],
        ],
    )
    put(
        wb.create_sheet("Benchmarks"),
        [
            ["metric", "authority_code", "period", "value", "group"],
            ["rep", "X1", cell(dt.datetime(2025, 9, 1), MONTH), cell(0.95, "0%"), "nearest_neighbours"],
            ["rep", "X2", "Sep 2025", "80.5 %", "nearest_neighbours"],
        ],
    )
    put(
        wb.create_sheet("Actions"),
        [
            ["action_id", "title", "due", "status", "percent_complete"],
            ["A1", "Open two housing hubs", cell(dt.datetime(2025, 12, 31), DAY), "On track", cell(0.4, "0%")],
        ],
    )
    put(
        wb.create_sheet("Breakdowns"),
        [
            ["indicator_id", "period", "dimension", "category", "value", "numerator", "denominator"],
            ["HOU-02", cell(dt.datetime(2025, 9, 1), MONTH), "ward", "Saltings", cell(0.875, "0.0%"), 35, "1,040"],
        ],
    )
    put(
        wb.create_sheet("Feedback"),
        [
            ["feedback_id", "date", "directorate", "channel", "text", "rating"],
            [
                "F1",
                cell(dt.datetime(2025, 7, 3, 9, 30), "dd/mm/yyyy hh:mm"),
                "Housing",
                "compliment",
                "Quick repair",
                5,
            ],
        ],
    )
    if edit:
        edit(wb)
    wb.save(path)
    return path


def test_a_workbook_with_a_sheet_per_table_is_read_exactly(tmp_path):
    src = pmkit.open_source(council(tmp_path / "council.xlsx"))
    assert isinstance(src, WorkbookSource)
    ind = src.indicators().set_index("indicator_id")
    assert ind["tolerance"].to_dict() == {"HOU-01": 0.05, "HOU-02": 0.05, "RES-01": 2.0}
    assert ind["public"].tolist() == [True, True, False]
    m = src.measures()
    assert list(zip(m.indicator_id, m.period, m.value, m.quality, m.note)) == [
        ("HOU-01", "2025/26 Q1", 1234.0, "final", ""),
        ("HOU-01", "2025/26 Q2", 1250.0, "provisional", ""),  # a formula never calculated is empty
        ("HOU-02", "Jul 2025", 88.1, "final", ""),
        ("HOU-02", "Aug 2025", 91.5, "final", ""),
        ("HOU-02", "Sep 2025", 88.5, "final", ""),  # "%" in quotes shows a sign without scaling
        ("RES-01", "2025/26", 1200.5, "final", ""),
        ("RES-01", "2024/25", 1150.25, "final", ""),
    ]
    t = src.targets()
    assert list(zip(t.period, t.target)) == [("2025/26", 1100.0), ("2025/26", 92.0), ("2025/26", 1100.0)]
    b = src.benchmarks()
    assert list(zip(b.period, b.value)) == [("Sep 2025", 95.0), ("Sep 2025", 80.5)]
    a = src.actions()
    assert (a.loc[0, "due"], a.loc[0, "status"], a.loc[0, "percent_complete"]) == ("Dec 2025", "on_track", 40.0)
    d = src.breakdowns()
    assert (d.loc[0, "period"], d.loc[0, "value"], d.loc[0, "numerator"], d.loc[0, "denominator"]) == (
        "Sep 2025",
        87.5,
        35,
        1040,
    )
    assert src.feedback().loc[0, "date"] == pd.Timestamp("2025-07-03 09:30")


@pytest.mark.parametrize(
    "value, percent, text",
    [
        (0.1 + 0.2, False, "0.30000000000000004"),
        (1e-7, False, "0.0000001"),
        (1e20, False, "100000000000000000000"),
        (42.0, False, "42"),
        (7, False, "7"),
        (0.125, True, "12.5%"),
        (0.881, True, "88.1%"),
        (1, True, "100%"),
        (dt.datetime(2025, 7, 1), False, "2025-07-01"),
        (dt.datetime(2025, 7, 1, 9, 30), False, "2025-07-01 09:30:00"),
        (dt.date(2025, 7, 1), False, "2025-07-01"),
        (True, False, "true"),
        (None, False, ""),
        (" 1,234 ", False, " 1,234 "),
    ],
)
def test_typed_cells_become_unambiguous_text(value, percent, text):
    assert cell_text(value, percent=percent) == text


def test_a_folder_matches_files_and_sheets_by_name(tmp_path):
    wb = Workbook()
    put(
        wb.active,
        [
            ["indicator_id", "title", "directorate", "unit", "polarity", "frequency", "benchmark_metric"],
            ["HOU-02", "Repairs on time", "Housing", "percent", "higher_is_better", "monthly", "rep"],
        ],
    )
    wb.save(tmp_path / "Indicators.xlsx")  # one table, on the default Sheet
    (tmp_path / "measure.csv").write_text("indicator_id,period,value\nHOU-02,01/09/2025,88.5%\n", encoding="utf-8")
    wb = Workbook()
    wb.active.title = "Notes"
    put(wb.create_sheet("Targets "), [["indicator_id", "period", "target"], ["HOU-02", "2025/26", "92%"]])
    put(
        wb.create_sheet("Bench-marks"),
        [["metric", "authority_code", "period", "value", "group"], ["rep", "X1", "Sep 2025", 95, "nn"]],
    )
    put(wb.create_sheet("Case_studies"), [["title"], ["Not a table"]])
    wb.save(tmp_path / "council.xlsx")
    wb = Workbook()
    wb.active.title = "README"
    put(wb.active, [["How to fill this in"]])
    put(
        wb.create_sheet("breakdowns"),
        [
            ["indicator_id", "period", "dimension", "category", "value"],
            ["HOU-02", "Sep 2025", "ward", "Saltings", "87.5%"],
        ],
    )
    wb.save(tmp_path / "Break_Downs.xlsx")  # one table, on the sheet named after it
    (tmp_path / "notes.txt").write_text("not data", encoding="utf-8")
    (tmp_path / "~$council.xlsx").write_bytes(b"Excel's lock file")
    src = pmkit.open_source(tmp_path)
    assert isinstance(src, FolderSource)
    assert {name: raw.where for name, raw in src.read_raw().items()} == {
        "indicators": "Indicators.xlsx",
        "measures": "measure.csv",
        "targets": "council.xlsx[Targets ]",
        "benchmarks": "council.xlsx[Bench-marks]",
        "breakdowns": "Break_Downs.xlsx",
    }
    tables = src.tables()
    assert tables["measures"][["period", "value"]].values.tolist() == [["Sep 2025", 88.5]]
    assert tables["targets"]["target"].tolist() == [92.0]
    assert tables["breakdowns"]["value"].tolist() == [87.5]


def test_problems_name_the_workbook_sheet_row_and_column(tmp_path, capsys):
    wb = Workbook()
    put(
        wb.active,
        [
            ["indicator_id", "title", "directorate", "unit", "polarity", "frequency"],
            ["HOU-02", "Repairs on time", "Housing", "percent", "higher_is_better", "monthly"],
        ],
    )
    wb.active.title = "indicators"
    rows = [["HOU-02", cell(periods.Period(2022 * 12 + m, "monthly").start_date, MONTH), 90] for m in range(40)]
    put(wb.create_sheet("Measures"), [["indicator_id", "period", "value"], *rows, ["HOU-02", "Q7 2025", 90]])
    wb.save(tmp_path / "council.xlsx")
    assert main(["validate", str(tmp_path / "council.xlsx")]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "council.xlsx[Measures]:42:period: 'Q7 2025' is not a period; expected a label such as 2025/26 Q2, 2025/26, Jul 2025 or 2025-07"
    ]


def _set(sheet, ref, value, number_format=None):
    def edit(wb):
        wb[sheet][ref] = value
        if number_format:
            wb[sheet][ref].number_format = number_format

    return edit


NUMBER = "expected a number such as 42 or 3.5"
COMMA = "is ambiguous: a comma must separate thousands in groups of three (1,234)"
REJECTIONS = {
    "decimal comma": (
        _set("Measures", "C4", "45,2"),
        [f"council.xlsx[Measures]:4:value: '45,2' {COMMA}; write 45.2 for a decimal"],
    ),
    "decimal comma after zero": (
        _set("Measures", "C7", "0,5"),
        [f"council.xlsx[Measures]:7:value: '0,5' {COMMA}; write 0.5 for a decimal"],
    ),
    "two decimal points": (
        _set("Measures", "C4", "1.2.3"),
        [f"council.xlsx[Measures]:4:value: '1.2.3' is not a number: it has more than one decimal point; {NUMBER}"],
    ),
    "comma before two digits": (
        _set("Measures", "C4", "1,23"),
        [f"council.xlsx[Measures]:4:value: '1,23' {COMMA}; write 1.23 for a decimal"],
    ),
    "lakh grouping": (_set("Measures", "C4", "12,34,567"), [f"council.xlsx[Measures]:4:value: '12,34,567' {COMMA}"]),
    "percent in a count": (
        _set("Measures", "C4", "12%"),
        [f"council.xlsx[Measures]:4:value: '12%' has a % sign but the indicator's unit is count; {NUMBER}"],
    ),
    "percent-formatted cell in a count": (
        _set("Measures", "C4", 0.12, "0%"),
        [f"council.xlsx[Measures]:4:value: '12%' has a % sign but the indicator's unit is count; {NUMBER}"],
    ),
    "spaced percent in a count": (
        _set("Measures", "C4", "12 %"),
        [f"council.xlsx[Measures]:4:value: '12 %' has a % sign but the indicator's unit is count; {NUMBER}"],
    ),
    "pounds in a percent": (
        _set("Measures", "C7", "£5"),
        [f"council.xlsx[Measures]:7:value: '£5' has a £ sign but the indicator's unit is percent; {NUMBER}"],
    ),
    "brackets for a minus": (
        _set("Measures", "C4", "(5)"),
        [
            "council.xlsx[Measures]:4:value: '(5)' is not a number: brackets are not read as a minus sign; write -5 for a negative number"
        ],
    ),
    "space as thousands separator": (
        _set("Measures", "C4", "1 234"),
        [
            "council.xlsx[Measures]:4:value: '1 234' is not a number: a space inside a number is ambiguous; write 1234 without spaces"
        ],
    ),
    "text": (_set("Measures", "C4", "n/a"), [f"council.xlsx[Measures]:4:value: 'n/a' is not a number; {NUMBER}"]),
    "percent tolerance that is absolute": (
        _set("Indicators", "H4", "5%"),
        [f"council.xlsx[Indicators]:4:tolerance: '5%' has a % sign but tolerance_type is absolute; {NUMBER}"],
    ),
    "pounds in percent_complete": (
        _set("Actions", "E2", "£40"),
        [
            f"council.xlsx[Actions]:2:percent_complete: '£40' has a £ sign but percent_complete takes a number or a percentage; {NUMBER}"
        ],
    ),
    "percent in a numerator": (
        _set("Breakdowns", "F2", "35%"),
        [f"council.xlsx[Breakdowns]:2:numerator: '35%' has a % sign but numerator takes plain numbers; {NUMBER}"],
    ),
    "quarterly date cell not on a quarter's first or last day": (
        _set("Measures", "B5", dt.datetime(2025, 7, 15), DAY),
        [
            "council.xlsx[Measures]:5:period: '2025-07-15' is a date but not the first or last day of a quarter; "
            "expected a quarter's first or last day such as 2025-07-01 or 2025-09-30 (2025/26 Q2) or a label such as 2025/26 Q2"
        ],
    ),
    "quarterly UK date text not on a quarter's first or last day": (
        _set("Measures", "B5", "15/07/2025"),
        [
            "council.xlsx[Measures]:5:period: '15/07/2025' is a date but not the first or last day of a quarter; "
            "expected a quarter's first or last day such as 01/07/2025 or 30/09/2025 (2025/26 Q2) or a label such as 2025/26 Q2"
        ],
    ),
    "annual date not on 1 April or 31 March": (
        _set("Measures", "B10", dt.datetime(2025, 7, 1), DAY),
        [
            "council.xlsx[Measures]:10:period: '2025-07-01' is a date but not the first or last day of a financial year; "
            "expected a year's first or last day such as 2025-04-01 or 2026-03-31 (2025/26) or a label such as 2025/26"
        ],
    ),
    "target dated 1 April for a quarterly indicator": (
        _set("Targets", "B2", dt.datetime(2025, 4, 1), DAY),
        [
            "council.xlsx[Targets]:2:period: '2025-04-01' is ambiguous in targets: 1 April starts both 2025/26 Q1 and the year "
            "2025/26; write 2025/26 Q1 or 2025/26"
        ],
    ),
    "benchmark of no indicator": (
        _set("Benchmarks", "A2", "vacancy"),
        [
            "council.xlsx[Benchmarks]:2:period: '2025-09-01' is a date but the row's indicator frequency is unknown; "
            "expected a label such as 2025/26 Q2, 2025/26, Jul 2025 or 2025-07",
            f"council.xlsx[Benchmarks]:2:value: '95%' has a % sign but the row's unit is unknown; {NUMBER}",
        ],
    ),
}


@pytest.mark.parametrize("case", list(REJECTIONS))
def test_ambiguous_or_mismatched_cells_are_rejected_exit_2(case, tmp_path, capsys):
    edit, expected = REJECTIONS[case]
    path = council(tmp_path / "council.xlsx", edit)
    assert main(["validate", str(path)]) == 2
    out = capsys.readouterr()
    assert out.err.splitlines() == expected
    assert out.out == "" and "Traceback" not in out.err


def test_missing_tables_list_the_files_and_sheets_found(tmp_path, capsys):
    wb = Workbook()
    wb.active.title = "Sheet1"  # as Excel names it
    put(wb.active, [["indicator_id"], ["HOU-01"]])
    wb.save(tmp_path / "Indicatorz.xlsx")
    (tmp_path / "notes.txt").write_text("to do", encoding="utf-8")
    (tmp_path / "case_studies").mkdir()
    assert main(["validate", str(tmp_path)]) == 2
    found = "Found: Indicatorz.xlsx (sheets: Sheet1), notes.txt. Expected a file or sheet named"
    assert capsys.readouterr().err.splitlines() == [
        f"indicators::: table 'indicators' is missing; it is required. {found} indicators (any case; a trailing s is optional)",
        f"measures::: table 'measures' is missing; it is required. {found} measures (any case; a trailing s is optional)",
    ]


def test_a_workbook_missing_a_sheet_lists_its_sheets(tmp_path, capsys):
    def edit(wb):
        del wb["Measures"]
        wb.create_sheet("Sheet2")

    path = council(tmp_path / "council.xlsx", edit)
    assert main(["validate", str(path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "measures::: table 'measures' is missing; it is required. Found: council.xlsx (sheets: Indicators, Targets, "
        "Benchmarks, Actions, Breakdowns, Feedback, Sheet2). Expected a sheet named measures (any case; a trailing s is optional)"
    ]


def test_a_table_found_twice_names_both_places(tmp_path, capsys):
    council(tmp_path / "council.xlsx")
    (tmp_path / "measures.csv").write_text("indicator_id,period,value\nHOU-01,2025/26 Q1,1\n", encoding="utf-8")
    with pytest.raises(SourceError, match="found twice"):
        pmkit.open_source(tmp_path).tables()
    assert main(["validate", str(tmp_path)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"pmkit: {tmp_path}: table 'measures' is found twice, in council.xlsx[Measures] and measures.csv; keep one"
    ]


def test_an_xls_workbook_asks_to_be_saved_as_xlsx(tmp_path, capsys):
    (tmp_path / "Measures.xls").write_bytes(b"\xd0\xcf\x11\xe0 an Excel 97-2003 file")
    for location in (tmp_path, tmp_path / "Measures.xls"):
        assert main(["validate", str(location)]) == 2
        err = capsys.readouterr().err
        assert err.splitlines() == [
            f"pmkit: {tmp_path / 'Measures.xls'}: .xls workbooks (Excel 97-2003) cannot be read; open it in Excel and save it as .xlsx"
        ]


# ---------------------------------------------------------------- numbers as UK spreadsheets show them

INDICATORS = RawTable(
    pd.DataFrame(
        {
            "indicator_id": ["C", "P", "G"],
            "title": ["Count", "Percent", "Pounds"],
            "directorate": ["Place"] * 3,
            "unit": ["count", "percent", "gbp"],
            "polarity": ["neutral"] * 3,
            "frequency": ["monthly"] * 3,
            # bounds as wide as floats go: these tests are about reading numbers, not about a measure's bounds
            "minimum": [f"-{int(sys.float_info.max)}"] * 3,
            "maximum": [f"{int(sys.float_info.max)}"] * 3,
        }
    ),
    "indicators.csv",
    pd.Series([2, 3, 4]),
)


def _values(indicator_ids, cells):
    """Each cell as a measure of its indicator (a month apart): the typed values, or the problems."""
    measures = pd.DataFrame(
        {
            "indicator_id": indicator_ids,
            "period": [periods.Period(2000 * 12 + i, "monthly").label for i in range(len(cells))],
            "value": cells,
        }
    )
    try:
        # reading numbers only: random figures side by side can look like a percentage typed as a fraction,
        # a different rule (tests/io/test_measure.py), so that check is left out here
        with patch("pmkit.io.validate._fractions"):
            return validate_tables(
                {
                    "indicators": INDICATORS,
                    "measures": RawTable(measures, "measures.csv", pd.Series(measures.index + 2)),
                }
            )["measures"]["value"].tolist()
    except pmkit.ValidationError as exc:
        return exc.lines()


def _shown(number: Decimal, unit: str, grouped: bool, pad: str) -> str:
    digits = f"{abs(number):,f}" if grouped else f"{abs(number):f}"
    sign = "-" if number < 0 else ""
    return pad + {"count": f"{sign}{digits}", "percent": f"{sign}{digits}%", "gbp": f"{sign}£{digits}"}[unit] + pad


shown_numbers = st.tuples(
    st.integers(-(10**12), 10**12),
    st.integers(0, 4),
    st.sampled_from(["count", "percent", "gbp"]),
    st.booleans(),
    st.sampled_from(["", " ", "\xa0"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(shown_numbers, min_size=1, max_size=12))
def test_numbers_shown_as_uk_spreadsheets_show_them_read_back_exactly(cases):
    numbers = [Decimal(n).scaleb(-places) for n, places, *_ in cases]
    cells = [_shown(number, unit, grouped, pad) for number, (_, _, unit, grouped, pad) in zip(numbers, cases)]
    ids = [{"count": "C", "percent": "P", "gbp": "G"}[unit] for _, _, unit, _, _ in cases]
    assert _values(ids, cells) == [float(n) for n in numbers]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=12))
def test_excel_numeric_cells_read_back_exactly(floats):
    assert _values(["C"] * len(floats), [cell_text(x) for x in floats]) == floats


@settings(max_examples=60, deadline=None)
@given(
    st.from_regex(r"[0-9]{1,5}", fullmatch=True),
    st.lists(st.from_regex(r"[0-9]{1,5}", fullmatch=True), min_size=1, max_size=3),
    st.sampled_from(["", ".5"]),
    st.sampled_from([("C", ""), ("P", "%"), ("G", "£")]),
)
def test_a_comma_not_in_groups_of_three_is_rejected(first, rest, fraction, unit):
    assume(not (len(first) <= 3 and first[0] != "0" and all(len(g) == 3 for g in rest)))
    indicator, sign = unit
    text = ",".join([first, *rest]) + fraction
    text = f"£{text}" if sign == "£" else text + sign
    [problem] = _values([indicator], [text])
    assert problem.startswith(
        f"measures.csv:2:value: '{text}' is ambiguous: a comma must separate thousands in groups of three"
    )
