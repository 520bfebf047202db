"""Validation of source tables against `pmkit.schema`, vectorised per column.

Each raw table arrives as text cells (whatever the source held) with the row number a
user would see; the result is typed frames plus a list of `Problem`s naming file, row,
column, what is wrong and what was expected. Written by hand rather than with pandera
because the messages (file row numbers, Excel-style booleans, period labels) are the
interface and a generic schema library's failure cases would need translating anyway.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pmkit import periods
from pmkit.errors import Problem, ValidationError
from pmkit.schema import TABLES, Column, Table

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}


@dataclass
class RawTable:
    """A table as read: text cells, where it came from and each row's number there."""

    frame: pd.DataFrame
    where: str  # file name or table name shown in problems
    rows: pd.Series  # row number per frame row, as a user would count it


def normalise_name(name: object) -> str:
    return "_".join(str(name).replace("\ufeff", "").strip().lower().split())


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as stripped text, missing as empty string; column names normalised."""
    out = pd.DataFrame(index=frame.index)
    for col in frame.columns:
        values = frame[col]
        text = values.astype("string").fillna("")
        if pd.api.types.is_float_dtype(values):
            text = text.str.replace(r"\.0$", "", regex=True)
        out[normalise_name(col)] = text.str.strip()
    return out


def _coerce(col: str, spec: Column, text: pd.Series, raw: RawTable, problems: list[Problem]) -> pd.Series:
    empty = text == ""

    def flag(mask: pd.Series, message: str) -> None:
        for row, value in zip(raw.rows[mask], text[mask]):
            problems.append(Problem(raw.where, int(row), col, message.format(value=value)))

    if spec.required:
        flag(empty, "is empty; a value is required")
    if spec.kind == "text":
        return text.where(~empty, "" if spec.default is None else spec.default).astype("str")
    if spec.kind in ("number", "integer"):
        cleaned = text.str.replace(r"^£|,|%$", "", regex=True).str.strip()
        number = pd.to_numeric(cleaned.where(~empty), errors="coerce").astype("float64")
        flag(~empty & number.isna(), "'{value}' is not a number; expected a number such as 42 or 3.5")
        if spec.kind == "integer":
            fraction = number.notna() & (number % 1 != 0)
            flag(fraction, "'{value}' is not a whole number")
            number = number.mask(fraction)
        if spec.minimum is not None:
            flag(number < spec.minimum, f"'{{value}}' is below the minimum {spec.minimum:g}")
        if spec.maximum is not None:
            flag(number > spec.maximum, f"'{{value}}' is above the maximum {spec.maximum:g}")
        if spec.default is not None:
            number = number.fillna(spec.default)
        return number.astype("Int64") if spec.kind == "integer" else number
    if spec.kind == "boolean":
        low = text.str.lower()
        bad = ~empty & ~low.isin(_TRUE | _FALSE)
        flag(bad, "'{value}' is not a yes/no value; expected true/false, yes/no or 1/0")
        return low.isin(_TRUE).where(~empty, bool(spec.default)).astype(bool)
    if spec.kind == "choice":
        low = text.str.lower().str.replace(r"[\s-]+", "_", regex=True)
        allowed = ", ".join(spec.choices)
        flag(~empty & ~low.isin(spec.choices), f"'{{value}}' is not allowed; expected one of {allowed}")
        return low.where(~empty, spec.default if spec.default is not None else "").astype("str")
    if spec.kind == "period":
        parsed = periods.parse_column(text.where(~empty))
        flag(
            ~empty & parsed["label"].isna(),
            "'{value}' is not a period; expected a label such as 2025/26 Q2, 2025/26, Jul 2025 or 2025-07",
        )
        return parsed["label"].fillna("").astype("str")
    if spec.kind == "date":
        iso = pd.to_datetime(text.where(~empty), format="ISO8601", errors="coerce")
        uk = pd.to_datetime(text.where(~empty & iso.isna()), dayfirst=True, format="mixed", errors="coerce")
        dates = iso.fillna(uk)
        flag(~empty & dates.isna(), "'{value}' is not a date; expected a date such as 2025-07-31 or 31/07/2025")
        return dates
    raise AssertionError(f"unknown column kind {spec.kind}")


def coerce_table(spec: Table, raw: RawTable, problems: list[Problem]) -> pd.DataFrame:
    """Type one table's columns and check its key; appends to ``problems``."""
    text = as_text(raw.frame)
    for col, colspec in spec.columns.items():
        if colspec.required and col not in text.columns:
            problems.append(Problem(raw.where, None, col, "column is missing; it is required"))
    out = pd.DataFrame(index=text.index)
    for col, colspec in spec.columns.items():
        cells = text[col] if col in text.columns else pd.Series("", index=text.index, dtype="str")
        if col not in text.columns and colspec.required:
            out[col] = cells
            continue
        out[col] = _coerce(col, colspec, cells, raw, problems)
    for col in text.columns.difference(list(spec.columns), sort=False):
        out[col] = text[col].astype("str")
    if spec.key and all(k in text.columns for k in spec.key):
        dup = out.duplicated(list(spec.key), keep="first") & (out[list(spec.key)] != "").all(axis=1)
        for row, values in zip(raw.rows[dup], out.loc[dup, list(spec.key)].itertuples(index=False)):
            shown = ", ".join(map(str, values))
            problems.append(
                Problem(raw.where, int(row), spec.key[-1], f"duplicate of an earlier row ({shown}); each {' + '.join(spec.key)} must be unique")
            )
    return out.reset_index(drop=True)


def check_references(tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], problems: list[Problem]) -> None:
    """Cross-table rules: references exist, and periods match each indicator's frequency."""
    indicators = tables.get("indicators")
    for name, spec in TABLES.items():
        if name not in tables:
            continue
        frame, raw = tables[name], raws[name]
        rows = raw.rows.reset_index(drop=True)
        for col, (ref_table, ref_col) in spec.references.items():
            if ref_table not in tables or col not in frame:
                continue
            known = set(tables[ref_table][ref_col])
            bad = (frame[col] != "") & ~frame[col].isin(known)
            for row, value in zip(rows[bad], frame.loc[bad, col]):
                problems.append(
                    Problem(raw.where, int(row), col, f"'{value}' is not in {ref_table}.{ref_col}; expected a known {ref_col}")
                )
        if indicators is None or "period" not in frame or "indicator_id" not in frame:
            continue
        freq_of = indicators.drop_duplicates("indicator_id").set_index("indicator_id")["frequency"]
        expected = frame["indicator_id"].map(freq_of)
        actual = periods.parse_column(frame["period"].where(frame["period"] != ""))["frequency"]
        allowed = actual == expected
        if name == "targets":
            allowed |= actual == "annual"
        bad = expected.notna() & actual.notna() & ~allowed.fillna(False)
        for row, period, freq in zip(rows[bad], frame.loc[bad, "period"], expected[bad]):
            problems.append(
                Problem(raw.where, int(row), "period", f"'{period}' does not match the indicator's frequency; expected a {freq} period")
            )


def validate_tables(raws: dict[str, RawTable]) -> dict[str, pd.DataFrame]:
    """Type and check every table; raise `ValidationError` listing every problem found."""
    problems: list[Problem] = []
    tables: dict[str, pd.DataFrame] = {}
    for name, spec in TABLES.items():
        if name in raws:
            tables[name] = coerce_table(spec, raws[name], problems)
        elif spec.required:
            problems.append(Problem(name, None, "", f"table '{name}' is missing; it is required"))
    check_references(tables, raws, problems)
    if problems:
        raise ValidationError(problems)
    return tables


def empty_table(name: str) -> pd.DataFrame:
    """A typed, empty frame with a table's columns (for optional tables a source lacks)."""
    spec = TABLES[name]
    raw = RawTable(pd.DataFrame({c: pd.Series([], dtype="str") for c in spec.columns}), name, pd.Series([], dtype=np.int64))
    return coerce_table(spec, raw, [])
