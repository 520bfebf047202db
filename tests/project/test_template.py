"""`pmkit.project.template.write_template`: the empty source workbook, checked against `pmkit.io.schema`."""

from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from pmkit.errors import PmkitError
from pmkit.io.schema import TABLES
from pmkit.io.validate import RawTable, validate_tables
from pmkit.project.template import ABOUT_SHEET, FILENAME, write_template

ABOUT_HEADER = ["table", "column", "required", "kind", "allowed values", "default", "description", "key", "refers to"]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    return write_template(tmp_path_factory.mktemp("template"))


@pytest.fixture(scope="module")
def book(template):
    return openpyxl.load_workbook(template)


def letter(table: str, column: str) -> str:
    return get_column_letter(list(TABLES[table].columns).index(column) + 1)


def validation_at(sheet, cell: str):
    """The one data validation covering ``cell``."""
    found = [dv for dv in sheet.data_validations.dataValidation if cell in dv.sqref]
    assert len(found) == 1, f"{sheet.title}!{cell}: {len(found)} validations"
    return found[0]


def test_writes_the_named_file_in_the_folder(tmp_path):
    path = write_template(tmp_path / "new" / "folder")
    assert path == tmp_path / "new" / "folder" / FILENAME
    assert path.is_file()
    assert [p.name for p in path.parent.iterdir()] == [FILENAME]  # no temporary file left behind


def test_one_sheet_per_table_in_schema_order_then_about(book):
    assert book.sheetnames == [*TABLES, ABOUT_SHEET]
    assert book.active.title == "indicators"


def test_headers_are_the_schema_columns_with_required_ones_bold(book):
    for name, table in TABLES.items():
        sheet = book[name]
        assert [c.value for c in sheet[1]] == list(table.columns), name
        assert [c.font.b for c in sheet[1]] == [col.required for col in table.columns.values()], name
        assert sheet.max_row == 1, f"{name}: the template holds no data rows"
        assert sheet.freeze_panes == "A2", name
        for i, column in enumerate(table.columns, start=1):
            width = sheet.column_dimensions[get_column_letter(i)].width
            assert len(column) < width <= 43, (name, column, width)


def test_measures_header_by_hand(book):
    header = [c.value for c in book["measures"][1]]
    assert header == ["indicator_id", "period", "value", "numerator", "denominator", "quality", "note"]
    assert [c.font.b for c in book["measures"][1]] == [True, True, False, False, False, False, False]


def test_choice_and_boolean_columns_have_list_validations_from_the_schema(book):
    for name, table in TABLES.items():
        for column, col in table.columns.items():
            if col.kind not in ("choice", "boolean"):
                continue
            values = col.choices if col.kind == "choice" else ("true", "false")
            dv = validation_at(book[name], f"{letter(name, column)}2")
            assert dv.type == "list", (name, column)
            assert dv.formula1 == '"' + ",".join(values) + '"', (name, column)
            assert len(dv.formula1) <= 255, "Excel limits an inline list to 255 characters"
            assert f"{letter(name, column)}1000" in dv.sqref
            assert f"{letter(name, column)}1" not in dv.sqref  # not the header


def test_named_list_validations_by_hand(book):
    polarity = validation_at(book["indicators"], "H2")
    assert book["indicators"]["H1"].value == "polarity"
    assert polarity.type == "list"
    assert polarity.formula1 == '"higher_is_better,lower_is_better,neutral"'
    assert polarity.showErrorMessage and polarity.errorStyle == "stop"
    public = validation_at(book["indicators"], f"{letter('indicators', 'public')}2")
    assert public.formula1 == '"true,false"'
    assert validation_at(book["actions"], f"{letter('actions', 'public')}500").formula1 == '"true,false"'


def test_number_columns_are_checked_with_the_schema_bounds(book):
    for name, table in TABLES.items():
        for column, col in table.columns.items():
            if col.kind not in ("number", "integer"):
                continue
            dv = validation_at(book[name], f"{letter(name, column)}2")
            assert dv.type == ("whole" if col.kind == "integer" else "decimal"), (name, column)
            if col.minimum is not None and col.maximum is not None:
                assert (dv.operator, float(dv.formula1), float(dv.formula2)) == ("between", col.minimum, col.maximum)
            elif col.minimum is not None:
                assert (dv.operator, float(dv.formula1)) == ("greaterThanOrEqual", col.minimum)
            elif col.maximum is not None:
                assert (dv.operator, float(dv.formula1)) == ("lessThanOrEqual", col.maximum)


def test_named_number_validations_by_hand(book):
    percent = validation_at(book["actions"], f"{letter('actions', 'percent_complete')}2")
    assert (percent.type, percent.operator, percent.formula1, percent.formula2) == ("decimal", "between", "0", "100")
    decimals = validation_at(book["indicators"], f"{letter('indicators', 'decimals')}2")
    assert (decimals.type, decimals.operator, decimals.formula1) == ("whole", "greaterThanOrEqual", "0")


def test_every_column_has_its_description_as_input_message(book):
    for name, table in TABLES.items():
        assert table.description, name
        for column, col in table.columns.items():
            assert col.description, (name, column)
            assert len(col.description) <= 255, f"{name}.{column}: Excel cuts input messages at 255 characters"
            dv = validation_at(book[name], f"{letter(name, column)}2")
            assert dv.showInputMessage and dv.prompt == col.description, (name, column)
            assert dv.promptTitle.startswith(column)
            assert book[name][f"{letter(name, column)}1"].comment.text == col.description


def test_period_and_text_columns_are_formatted_as_text(book):
    assert book["measures"].column_dimensions["B"].number_format == "@"  # measures.period
    for name, table in TABLES.items():
        for column, col in table.columns.items():
            fmt = book[name].column_dimensions[letter(name, column)].number_format
            if col.kind in ("period", "text"):
                assert fmt == "@", (name, column)
            elif col.kind in ("number", "integer", "boolean", "choice"):
                assert fmt == "General", (name, column)


def test_about_sheet_lists_every_table_and_column_once(book):
    sheet = book[ABOUT_SHEET]
    rows = list(sheet.iter_rows(values_only=True))
    assert "one sheet per table" in rows[0][0] and "header row" in rows[0][0]
    assert list(rows[1]) == ABOUT_HEADER
    records = [dict(zip(ABOUT_HEADER, ("" if v is None else v for v in row))) for row in rows[2:]]
    tables = [r for r in records if r["column"] == ""]
    columns = [r for r in records if r["column"] != ""]
    assert [r["table"] for r in tables] == list(TABLES)
    assert [(r["table"], r["column"]) for r in columns] == [(t, c) for t in TABLES for c in TABLES[t].columns]
    for r in tables:
        assert r["required"] == ("yes" if TABLES[r["table"]].required else "no")
        assert r["description"].startswith(TABLES[r["table"]].description)
    for r in columns:
        table = TABLES[r["table"]]
        col = table.columns[r["column"]]
        assert r["required"] == ("yes" if col.required else "no")
        assert r["kind"] == col.kind
        assert r["description"] == col.description
        assert r["key"] == ("yes" if r["column"] in table.key else "")
        assert r["refers to"] == ".".join(table.references.get(r["column"], ()))
        if col.kind == "choice":
            assert r["allowed values"] == ", ".join(col.choices)
    by_name = {(r["table"], r["column"]): r for r in columns}
    assert by_name["indicators", "tolerance_type"]["default"] == "relative"
    assert by_name["indicators", "tolerance"]["default"] == "0.05"
    assert by_name["indicators", "public"]["default"] == "false"
    assert by_name["measures", "indicator_id"]["refers to"] == "indicators.indicator_id"
    assert by_name["measures", "period"]["key"] == "yes"
    assert by_name["actions", "percent_complete"]["allowed values"] == "a number from 0 to 100"


def test_refuses_to_overwrite_unless_asked(tmp_path):
    path = write_template(tmp_path)
    path.write_bytes(b"someone's work")
    with pytest.raises(PmkitError, match=FILENAME):
        write_template(tmp_path)
    assert path.read_bytes() == b"someone's work"
    assert write_template(tmp_path, overwrite=True) == path
    assert openpyxl.load_workbook(path).sheetnames[0] == "indicators"


def test_refuses_a_file_as_folder(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(PmkitError, match="not a folder"):
        write_template(tmp_path / "file")


SMALL_COUNCIL = {
    "indicators": [
        {
            "indicator_id": "HOU-01",
            "title": "Households in temporary accommodation",
            "directorate": "Housing",
            "unit": "count",
            "polarity": "lower_is_better",
            "frequency": "quarterly",
            "decimals": 0,
            "public": True,
        },
        {
            "indicator_id": "HOU-02",
            "title": "Repairs completed on time",
            "directorate": "Housing",
            "service": "Repairs",
            "unit": "percent",
            "polarity": "higher_is_better",
            "frequency": "monthly",
            "tolerance": 2,
            "tolerance_type": "absolute",
            "public": "no",
            "rebase_at": "Jul 2025",
        },
    ],
    "measures": [
        {"indicator_id": "HOU-01", "period": "2025/26 Q1", "value": 120},
        {"indicator_id": "HOU-01", "period": "2025/26 Q2", "value": 130, "quality": "provisional"},
        {"indicator_id": "HOU-02", "period": "Jul 2025", "value": 87.5, "numerator": 875, "denominator": 1000},
        {"indicator_id": "HOU-02", "period": "Aug 2025", "value": 90, "note": "New contractor"},
    ],
    "targets": [{"indicator_id": "HOU-02", "period": "2025/26", "target": 92}],
}


@pytest.fixture
def filled(template, tmp_path) -> Path:
    """The template with a small council typed in, as a user would with Excel."""
    book = openpyxl.load_workbook(template)
    for name, rows in SMALL_COUNCIL.items():
        sheet = book[name]
        where = {c.value: c.column for c in sheet[1]}
        for i, row in enumerate(rows, start=2):
            for column, value in row.items():
                sheet.cell(row=i, column=where[column], value=value)
    path = tmp_path / "council.xlsx"
    book.save(path)
    return path


def check_small_council(tables: dict[str, pd.DataFrame]) -> None:
    ind = tables["indicators"].set_index("indicator_id")
    assert list(ind.index) == ["HOU-01", "HOU-02"]
    assert ind.loc["HOU-02", "title"] == "Repairs completed on time"
    assert list(ind["unit"]) == ["count", "percent"]
    assert list(ind["public"]) == [True, False]
    assert list(ind["decimals"]) == [0, 1]  # 1 is the schema's default
    assert list(ind["tolerance"]) == [0.05, 2.0]
    assert list(ind["tolerance_type"]) == ["relative", "absolute"]
    assert list(ind["rebase_at"]) == ["", "Jul 2025"]
    measures = tables["measures"]
    assert list(measures["period"]) == ["2025/26 Q1", "2025/26 Q2", "Jul 2025", "Aug 2025"]
    assert list(measures["value"]) == [120.0, 130.0, 87.5, 90.0]
    assert list(measures["quality"]) == ["final", "provisional", "final", "final"]
    assert measures["numerator"].iloc[2] == 875 and measures["denominator"].iloc[2] == 1000
    assert list(measures["note"]) == ["", "", "", "New contractor"]
    assert tables["targets"][["indicator_id", "period", "target"]].values.tolist() == [["HOU-02", "2025/26", 92.0]]
    for name in ("benchmarks", "commentary", "feedback", "actions", "breakdowns"):
        assert tables[name].empty, name


def test_filled_template_validates_sheet_by_sheet(filled):
    """Each table sheet, read as pandas reads a workbook, passes `pmkit.io.validate` (the About sheet is no table)."""
    sheets = pd.read_excel(filled, sheet_name=None, dtype=str, keep_default_na=False)
    raws = {
        name: RawTable(frame, f"{filled.name}:{name}", pd.Series(frame.index + 2))
        for name, frame in sheets.items()
        if name in TABLES
    }
    assert set(sheets) - set(raws) == {ABOUT_SHEET}
    check_small_council(validate_tables(raws))


def test_filled_template_round_trips_through_open_source(filled):
    from pmkit.io.sources import open_source

    check_small_council(open_source(filled).tables())


def test_the_command_writes_the_template_and_refuses_to_overwrite_it(tmp_path, capsys):
    from pmkit.cli import main

    assert main(["template", str(tmp_path / "data")]) == 0
    assert f"{tmp_path / 'data' / FILENAME}: a sheet per table" in capsys.readouterr().out
    assert main(["template", str(tmp_path / "data")]) == 2
    assert "already exists" in capsys.readouterr().err
