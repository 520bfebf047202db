"""`pmkit template`: an empty Excel workbook with a sheet per table, generated from `pmkit.io.schema`.

Written with openpyxl because it writes what a council's Excel users need and pandas cannot:
drop-down lists and number checks (data validation), input messages, bold and frozen headers,
column widths and text-formatted columns. Every column, choice and description comes from the
schema, so the template cannot drift from what `pmkit.io.validate` accepts.
"""

from __future__ import annotations

import io
from pathlib import Path

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from pmkit.errors import PmkitError
from pmkit.io import periods
from pmkit.io.schema import TABLES, Column, Table
from pmkit.io.spreadsheet import keep_text
from pmkit.runner.publish import write_atomic

FILENAME = "pmkit-data-template.xlsx"
EXAMPLE_FILENAME = "pmkit-data-example.xlsx"
EXAMPLE_DIRECTORATE = "Housing"
ABOUT_SHEET = "About the columns"  # matches no table, so sources skip it
LAST_ROW = 1_048_576  # validations and formats cover every data row Excel has
BOOLEAN_LIST = ("true", "false")
ABOUT_HEADER = ("table", "column", "required", "kind", "allowed values", "default", "description", "key", "refers to")
ABOUT_WIDTHS = (14, 18, 10, 10, 36, 10, 90, 6, 24)
TEXT_FORMATS = {"text": "@", "period": "@", "date": "yyyy-mm-dd"}  # '@' stops Excel making Jul 2025 a date
KIND_HINTS = {
    "text": "any text",
    "period": "a period such as Jul 2025, 2025/26 Q2 or 2025/26",
    "date": "a date such as 2025-07-31 or 31/07/2025",
    "boolean": "true or false (yes/no and 1/0 are read too)",
}
KIND_WIDTHS = {"text": 18, "period": 12, "date": 12, "number": 12, "integer": 9, "boolean": 8}
HEADER_FILL = PatternFill("solid", fgColor="DDE3EA")


def write_template(folder: Path, *, overwrite: bool = False, example: bool = False) -> Path:
    """Write ``folder/pmkit-data-template.xlsx`` (an empty source workbook) and return its path; with
    ``example``, ``folder/pmkit-data-example.xlsx``: the same workbook holding one directorate of the
    demo council (see `example_rows`), a valid source to copy from.

    Raises `PmkitError` if the file exists and ``overwrite`` is false.
    """
    folder = Path(folder)
    path = folder / (EXAMPLE_FILENAME if example else FILENAME)
    if folder.exists() and not folder.is_dir():
        raise PmkitError(f"{folder}: not a folder; give the folder to write {FILENAME} in")
    if path.exists() and not overwrite:
        raise PmkitError(f"{path} already exists; not overwriting it (delete it, or choose another folder)")
    folder.mkdir(parents=True, exist_ok=True)
    book = Workbook()
    book.remove(book.active)
    rows = example_rows() if example else {}
    for table in TABLES.values():
        sheet = book.create_sheet(table.name)
        _table_sheet(sheet, table)
        for row in rows.get(table.name, []):
            sheet.append(row)
    _about_sheet(book.create_sheet(ABOUT_SHEET))
    keep_text(book.worksheets)
    book.active = 0
    data = io.BytesIO()
    book.save(data)
    return write_atomic(path, data.getvalue())


def _table_sheet(sheet: Worksheet, table: Table) -> None:
    for i, (name, col) in enumerate(table.columns.items(), start=1):
        letter = get_column_letter(i)
        cell = sheet.cell(row=1, column=i, value=name)
        cell.font = Font(bold=col.required)
        cell.fill = HEADER_FILL
        cell.number_format = "@"
        if col.description:
            cell.comment = Comment(col.description, "pmkit", width=300, height=120)
        dimension = sheet.column_dimensions[letter]
        dimension.width = _width(name, col)
        if col.kind in TEXT_FORMATS:  # a column style: Excel applies it to whatever is typed below
            dimension.number_format = TEXT_FORMATS[col.kind]
        validation = _validation(name, col)
        validation.add(f"{letter}2:{letter}{LAST_ROW}")
        sheet.add_data_validation(validation)
    sheet.freeze_panes = "A2"


def _validation(name: str, col: Column) -> DataValidation:
    """A check on what may be typed in the column, and its description as an input message."""
    title = f"{name} (required)" if col.required else name
    prompt = dict(promptTitle=title[:32], prompt=col.description[:255], showInputMessage=bool(col.description))
    error = dict(showErrorMessage=True, errorStyle="stop", errorTitle=f"Not a valid {name}"[:32])
    if col.kind == "choice" or col.kind == "boolean":
        values = col.choices if col.kind == "choice" else BOOLEAN_LIST
        return DataValidation(
            type="list",
            formula1='"' + ",".join(values) + '"',
            allow_blank=True,
            error=f"Choose one of: {', '.join(values)}."[:255],
            **prompt,
            **error,
        )
    if col.kind in ("number", "integer"):
        low, high = col.minimum, col.maximum
        if low is not None and high is not None:
            operator, formulas = "between", (_number(low), _number(high))
        elif low is not None:
            operator, formulas = "greaterThanOrEqual", (_number(low), None)
        elif high is not None:
            operator, formulas = "lessThanOrEqual", (_number(high), None)
        else:
            operator, formulas = "between", ("-1E+300", "1E+300")
        return DataValidation(
            type="whole" if col.kind == "integer" else "decimal",
            operator=operator,
            formula1=formulas[0],
            formula2=formulas[1],
            allow_blank=True,
            error=f"Enter {_allowed(col)}."[:255],
            **prompt,
            **error,
        )
    return DataValidation(allow_blank=True, **prompt)  # any value: the input message alone


def _about_sheet(sheet: Worksheet) -> None:
    required = [t.name for t in TABLES.values() if t.required]
    optional = [t.name for t in TABLES.values() if not t.required]
    sheet.append(
        [
            "How to use this workbook: fill in one sheet per table, one row per record below its header row. "
            "Keep each header row as it is (bold columns must be filled in every row; the others may be left "
            "empty). Required tables: "
            + ", ".join(required)
            + ". Optional tables ("
            + ", ".join(optional)
            + ") may be left empty or their sheets deleted. Click a cell to see what goes in it; this sheet "
            "lists every column and is not read as data."
        ]
    )
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ABOUT_HEADER))
    sheet["A1"].alignment = Alignment(wrap_text=True, vertical="top")
    sheet.row_dimensions[1].height = 60
    sheet.append(list(ABOUT_HEADER))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
    for table in TABLES.values():
        key = " + ".join(table.key)
        sheet.append(
            [
                table.name,
                "",
                "yes" if table.required else "no",
                "table",
                "",
                "",
                f"{table.description} Each {key} appears once." if key else table.description,
                "",
                "",
            ]
        )
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for name, col in table.columns.items():
            target = table.references.get(name)
            sheet.append(
                [
                    table.name,
                    name,
                    "yes" if col.required else "no",
                    col.kind,
                    _allowed(col),
                    _default(col),
                    col.description,
                    "yes" if name in table.key else "",
                    ".".join(target) if target else "",
                ]
            )
    for i, width in enumerate(ABOUT_WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.number_format = "@"
    sheet.freeze_panes = "A3"


def _allowed(col: Column) -> str:
    if col.kind == "choice":
        return ", ".join(col.choices)
    if col.kind in ("number", "integer"):
        what = "a whole number" if col.kind == "integer" else "a number"
        low, high = col.minimum, col.maximum
        if low is not None and high is not None:
            return f"{what} from {_number(low)} to {_number(high)}"
        if low is not None:
            return f"{what}, {_number(low)} or more"
        if high is not None:
            return f"{what}, {_number(high)} or less"
        return what
    return KIND_HINTS.get(col.kind, "")


def _default(col: Column) -> str:
    if col.default is None or col.default == "":
        return ""
    if isinstance(col.default, bool):
        return "true" if col.default else "false"
    if isinstance(col.default, float):
        return _number(col.default)
    return str(col.default)


def _number(value: float) -> str:
    return f"{value:g}"


def _width(name: str, col: Column) -> int:
    hint = max(map(len, col.choices)) if col.choices else KIND_WIDTHS.get(col.kind, 12)
    return min(max(len(name), hint) + 3, 40)


def example_rows() -> dict[str, list[list]]:
    """One directorate of the demo council (Housing), table by table in the schema's column order:
    its indicators with their measures, targets, benchmarks since 2024/25, commentary,
    feedback, actions with their updates and breakdowns. Cells are written as a council's spreadsheet holds them
    (numbers as numbers, periods as text)."""
    import pandas as pd

    from pmkit.project.demo import build_demo

    tables = build_demo().tables
    register = tables["indicators"][tables["indicators"]["directorate"] == EXAMPLE_DIRECTORATE]
    ids, metrics = set(register["indicator_id"]), set(register["benchmark_metric"]) - {""}
    benchmarks = tables["benchmarks"]
    recent = (periods.parse_column(benchmarks["period"])["start"] >= periods.parse("2024/25").start).to_numpy()
    chosen = {
        "indicators": register,
        "benchmarks": benchmarks[benchmarks["metric"].isin(metrics) & recent],
        "feedback": tables["feedback"][tables["feedback"]["directorate"] == EXAMPLE_DIRECTORATE].head(60),
        "actions": tables["actions"][tables["actions"]["directorate"] == EXAMPLE_DIRECTORATE],
    }
    updates = tables["action_updates"]
    chosen["action_updates"] = updates[updates["action_id"].isin(chosen["actions"]["action_id"])]
    for name in ("measures", "targets", "breakdowns"):
        chosen[name] = tables[name][tables[name]["indicator_id"].isin(ids)]
    commentary = tables["commentary"]
    chosen["commentary"] = commentary[
        commentary["indicator_id"].isin(ids) | (commentary["directorate"] == EXAMPLE_DIRECTORATE)
    ]
    out = {}
    for name, frame in chosen.items():
        columns = [c for c in TABLES[name].columns if c in frame.columns]
        out[name] = [
            [None if pd.isna(v) else (v.item() if hasattr(v, "item") else v) for v in row]
            for row in frame[columns].itertuples(index=False)
        ]
    return out


def columns_markdown() -> str:
    """Every table's columns as Markdown (for the user guide): name, required, kind and allowed values, description."""
    lines = []
    for table in TABLES.values():
        lines += [
            f"### `{table.name}`{' (required)' if table.required else ''}",
            "",
            table.description,
            "",
            "| column | required | what it holds | description |",
            "|---|---|---|---|",
        ]
        for name, col in table.columns.items():
            description = col.description.replace("|", "\\|")
            lines.append(f"| `{name}` | {'yes' if col.required else ''} | {_allowed(col)} | {description} |")
        if table.key:
            lines += ["", f"Each {' + '.join(table.key)} appears once."]
        lines.append("")
    return "\n".join(lines)
