"""Validation of source tables against `pmkit.io.schema`, vectorised per column.

Each raw table arrives as text cells (whatever the source held) with the row number a
user would see; the result is typed frames plus a list of `Problem`s naming file, row,
column, what is wrong and what was expected. Written by hand rather than with pandera
because the messages (file row numbers, Excel-style booleans, period labels) are the
interface and a generic schema library's failure cases would need translating anyway.

Numbers are read as a UK spreadsheet shows them and never guessed: ``1,234.5`` and ``.5``
are read, ``12.5%`` only where the row's indicator unit is percent, ``£1,200`` only where it
is gbp; ``45,2``, ``1 234`` and ``(5)`` are ambiguous and rejected. A date in a period column
becomes the period of the row's indicator frequency that starts or ends on it (any day for a month).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import numpy as np
import pandas as pd

from pmkit.errors import Problem, ValidationError
from pmkit.io import measure, periods
from pmkit.io.redaction import find_personal_data
from pmkit.io.schema import TABLES, Column, Table

_TRUE = {"true", "yes", "y", "1", "t"}
_FALSE = {"false", "no", "n", "0", "f"}
NUMBER_EXPECTED = "expected a number such as 42 or 3.5"
PERIOD_EXPECTED = "expected a label such as 2025/26 Q2, 2025/26, Jul 2025 or 2025-07"
MUST_BE_PRESENT = {("measures", "value")}  # columns a table needs even though their cells may be empty
MAX_CELL = 1000  # characters in a cell that is not free text (a number, period, date, code)
LARGEST_WHOLE = 2**53  # whole numbers beyond this are not exact as floats
UNIT_COLUMNS = {("measures", "value"), ("targets", "target"), ("breakdowns", "value"), ("benchmarks", "value")}

_NUMBER = r"^(?P<minus>[-+]?)(?P<pound>£\s*)?(?P<digits>[1-9]\d{0,2}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)(?P<percent>\s*%)?$"
_ISO_DATE = r"^(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})(?:[ T]00:00(?::00)?)?$"
_UK_DATE = r"^(?P<d>\d{1,2})/(?P<m>\d{1,2})/(?P<y>\d{4})$"


@dataclass
class RawTable:
    """A table as read: text cells, where it came from and each row's number there."""

    frame: pd.DataFrame
    where: str  # file name or table name shown in problems
    rows: pd.Series  # row number per frame row, as a user would count it


@dataclass
class _Rows:
    """What a table's cells are read against: its text and each row's indicator unit and frequency ('' if unknown)."""

    table: str
    text: pd.DataFrame
    unit: pd.Series
    frequency: pd.Series


def normalise_name(name: object) -> str:
    return "_".join(str(name).replace("\ufeff", "").strip().lower().split())


def cell_text(value: object, percent: bool = False) -> str:
    """A typed cell as text read unambiguously: exact plain decimals (``12.5%`` for 0.125 with
    ``percent``), ISO dates (with a time only when not midnight) and true/false."""
    if isinstance(value, str):
        return value
    if value is None or pd.isna(value):
        return ""
    if isinstance(value, bool | np.bool_):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time() else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float | np.floating):
        number = Decimal(repr(float(value)))
    elif isinstance(value, int | np.integer | Decimal):
        number = Decimal(value if isinstance(value, Decimal) else int(value))
    else:
        return str(value)
    text = format(number * 100 if percent else number, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return ("0" if text == "-0" else text) + ("%" if percent else "")


def as_text(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells as stripped text (typed cells through `cell_text`), missing as empty string; column names normalised."""
    out = pd.DataFrame(index=frame.index)
    for col, values in frame.items():
        if not isinstance(values.dtype, pd.StringDtype):
            values = values.map(cell_text)
        out[normalise_name(col)] = values.astype("string").fillna("").str.strip()
    return out


def _rows(spec: Table, text: pd.DataFrame, indicators: pd.DataFrame | None) -> _Rows:
    """Each row's indicator (by ``indicator_id``, or for benchmarks by ``metric``); actions are monthly."""
    name, blank = spec.name, pd.Series("", index=text.index, dtype="str")
    rows = _Rows(name, text, blank, blank.replace("", "monthly") if name in ("actions", "action_updates") else blank)
    if indicators is None or indicators.empty:
        return rows
    ind = indicators[indicators["indicator_id"] != ""].drop_duplicates("indicator_id")
    if spec.references.get("indicator_id") == ("indicators", "indicator_id") and "indicator_id" in text:
        key, known = text["indicator_id"], ind.set_index("indicator_id")
    elif name == "benchmarks" and "metric" in text:
        linked = ind[ind["benchmark_metric"] != ""].groupby("benchmark_metric")[["unit", "frequency"]]
        key, known = text["metric"], linked.agg(lambda s: s.iloc[0] if s.nunique() == 1 else "")
    else:
        return rows
    rows.unit, rows.frequency = (
        pd.Series(known[c].astype("str").reindex(key.to_numpy()).fillna("").to_numpy(), index=text.index, dtype="str")
        for c in ("unit", "frequency")
    )
    return rows


def _signs(col: str, rows: _Rows) -> tuple[pd.Series, pd.Series, object, object, pd.Series]:
    """Per row: may a cell carry % and £, why not (for each), and whether % means hundredths."""
    no = pd.Series(False, index=rows.text.index)
    if (rows.table, col) in UNIT_COLUMNS:
        why = ("the indicator's unit is " + rows.unit).where(rows.unit != "", "the row's unit is unknown")
        return rows.unit == "percent", rows.unit == "gbp", why, why, no
    if (rows.table, col) in (("actions", "percent_complete"), ("action_updates", "percent_complete")):
        return ~no, no, "", f"{col} takes a number or a percentage", no
    if (rows.table, col) == ("indicators", "tolerance"):
        kind = rows.text["tolerance_type"] if "tolerance_type" in rows.text else no.astype("str")
        relative = kind.str.lower() != "absolute"
        return relative, no, "tolerance_type is absolute", f"{col} takes a number or a percentage", relative
    return no, no, f"{col} takes plain numbers", f"{col} takes plain numbers", no


def _not_a_number(value: str) -> str:
    """Why a cell is not a number, and what to write instead."""
    if re.fullmatch(r"[-+]?(?:inf|infinity|nan)", value, flags=re.IGNORECASE):
        return f"'{value}' is not a finite number; {NUMBER_EXPECTED}"
    if re.fullmatch(r"[-+]?(?:\d+\.?\d*|\.\d+)[eE][-+]?\d{1,6}", value):
        if not np.isfinite(float(value)):
            return f"'{value}' is too large to be a number (beyond about 1.8e308); {NUMBER_EXPECTED}"
        full = format(Decimal(value), "f")
        hint = f"; write {full}" if len(full) <= 30 else ""
        return f"'{value}' is in scientific notation, which is not read{hint}; {NUMBER_EXPECTED}"
    bracketed = re.fullmatch(r"\(\s*(.*?)\s*\)", value)
    if bracketed and re.match(_NUMBER, bracketed.group(1)):
        return f"'{value}' is not a number: brackets are not read as a minus sign; write -{bracketed.group(1)} for a negative number"
    numeric = re.fullmatch(r"[-+]?£?\s*[\d.,]*\d[\d.,]*\s*%?", value)
    if numeric and value.count(".") > 1:
        return f"'{value}' is not a number: it has more than one decimal point; {NUMBER_EXPECTED}"
    if numeric and "," in value:
        decimal = re.fullmatch(r"[^,.]*\d,\d[^,.]*", value)
        hint = f"; write {value.replace(',', '.')} for a decimal" if decimal else ""
        return f"'{value}' is ambiguous: a comma must separate thousands in groups of three (1,234){hint}"
    if re.fullmatch(r"[-+]?£?\s*\d[\d\s]*\d(?:\.\d+)?\s*%?", value):
        joined = re.sub(r"\s", "", value)
        return f"'{value}' is not a number: a space inside a number is ambiguous; write {joined} without spaces"
    return f"'{value}' is not a number; {NUMBER_EXPECTED}"


def _number(col: str, text: pd.Series, empty: pd.Series, rows: _Rows, flag: Callable) -> pd.Series:
    """Numbers as a UK spreadsheet shows them; % and £ only where the row's unit allows them."""
    parts = text.str.extract(_NUMBER)
    matched = parts["digits"].notna()
    digits = (parts["minus"] + parts["digits"].str.replace(",", "", regex=False)).where(matched)
    percent, pound = matched & parts["percent"].notna(), matched & parts["pound"].notna()
    percent_ok, pound_ok, percent_why, pound_why, hundredths = _signs(col, rows)
    number = digits.map({d: float(d) for d in digits.dropna().unique()}).astype("float64")
    scaled = percent & hundredths
    number[scaled] = digits[scaled].map({d: float(Decimal(d).scaleb(-2)) for d in digits[scaled].unique()})
    bad_text = ~empty & ~matched
    flag(bad_text, text.map({v: _not_a_number(v) for v in text[bad_text].unique()}))
    infinite = number.notna() & ~np.isfinite(number)
    flag(infinite, f"'{{value}}' is too large to be a number (beyond about 1.8e308); {NUMBER_EXPECTED}")
    number = number.mask(infinite)
    bad_percent, bad_pound = percent & ~percent_ok, pound & ~pound_ok
    flag(bad_percent, "'" + text + "' has a % sign but " + percent_why + "; " + NUMBER_EXPECTED)
    flag(bad_pound, "'" + text + "' has a £ sign but " + pound_why + "; " + NUMBER_EXPECTED)
    return number.mask(bad_percent | bad_pound)


def _date_problem(value: str, y: int, m: int, d: int, frequency: str, table: str, uk: bool) -> str:
    """Why a date in a period column names no period of the row's frequency."""
    month = y * 12 + m - 1

    def example(start: int, frequency: str) -> tuple[str, str, str]:
        first = date(start // 12, start % 12 + 1, 1)
        end = start + periods.MONTHS_IN[frequency]
        last = date(end // 12, end % 12 + 1, 1) - pd.Timedelta(days=1)
        shown = (f"{first:%d/%m/%Y}", f"{last:%d/%m/%Y}") if uk else (first.isoformat(), last.isoformat())
        return *shown, periods.label_of(start, frequency)

    if frequency == "quarterly" and not _starts_or_ends(y, m, d, 3):
        first, last, label = example(month - (month - periods.APRIL) % 3, "quarterly")
        return (
            f"'{value}' is a date but not the first or last day of a quarter; "
            f"expected a quarter's first or last day such as {first} or {last} ({label}) or a label such as {label}"
        )
    if frequency == "annual" and not _starts_or_ends(y, m, d, 12):
        first, last, label = example(periods.fy_start(month), "annual")
        return (
            f"'{value}' is a date but not the first or last day of a financial year; "
            f"expected a year's first or last day such as {first} or {last} ({label}) or a label such as {label}"
        )
    if frequency in ("monthly", "quarterly") and d == 1:  # a target dated 1 April
        first, year = periods.label_of(month, frequency), periods.label_of(month, "annual")
        return f"'{value}' is ambiguous in {table}: 1 April starts both {first} and the year {year}; write {first} or {year}"
    if frequency in ("monthly", "quarterly"):  # a target dated 31 March
        last, year = (
            periods.label_of(month - periods.MONTHS_IN[frequency] + 1, frequency),
            periods.label_of(month - 11, "annual"),
        )
        return (
            f"'{value}' is ambiguous in {table}: 31 March ends both {last} and the year {year}; write {last} or {year}"
        )
    return f"'{value}' is a date but the row's indicator frequency is unknown; {PERIOD_EXPECTED}"


def _starts_or_ends(y: int, m: int, d: int, months: int) -> bool:
    """Whether a date is the first or the last day of a financial quarter (``months`` 3) or year (12)."""
    month = y * 12 + m - 1
    last_day = (date(y + m // 12, m % 12 + 1, 1) - pd.Timedelta(days=1)).day
    return (d == 1 and (month - periods.APRIL) % months == 0) or (
        d == last_day and (month + 1 - periods.APRIL) % months == 0
    )


def _period(text: pd.Series, empty: pd.Series, rows: _Rows, flag: Callable) -> pd.Series:
    """Period labels, or dates read as the period of the row's frequency starting on them (any day
    for a month) or ending on them (a quarter keyed by 30/06/2025, a year by 31/03/2026)."""
    labels = periods.parse_column(text.where(~empty))["label"]
    maybe = text.where(~empty & labels.isna())
    iso = maybe.str.extract(_ISO_DATE)
    ymd = iso.combine_first(maybe.str.extract(_UK_DATE))[["y", "m", "d"]].apply(pd.to_numeric).astype("float64")
    dates = pd.to_datetime(ymd.set_axis(["year", "month", "day"], axis=1), errors="coerce")
    valid = dates.notna()
    y, m, d = (ymd[c].where(valid).astype("Int64") for c in "ymd")
    month, freq = y * 12 + m - 1, rows.frequency
    last_day = (d == pd.Series(dates.dt.days_in_month, index=text.index).astype("Int64")).fillna(False)
    year_start = ((d == 1) & (m == periods.APRIL + 1)).fillna(False)
    year_end = (last_day & (m == periods.APRIL)).fillna(False)  # 31 March
    quarter_start = ((d == 1) & ((month - periods.APRIL) % 3 == 0)).fillna(False)
    quarter_end = (last_day & ((month + 1 - periods.APRIL) % 3 == 0)).fillna(False)
    starts = (
        (freq == "monthly")
        | ((freq == "quarterly") & (quarter_start | quarter_end))
        | ((freq == "annual") & (year_start | year_end))
    )
    if rows.table == "targets":  # targets may be annual: 1 April could start either, 31 March end either
        starts &= ~(year_start | year_end) | (freq == "annual")
    read = (valid & starts).fillna(False).astype(bool)
    size = freq.map(periods.MONTHS_IN).fillna(1).astype("int64")
    first = month.where(
        ~(quarter_end | year_end) | (freq == "monthly"), month - size + 1
    )  # a period keyed by its last day
    names = {(s, f): periods.label_of(s, f) for s, f in set(zip(first[read], freq[read]))}
    labels[read] = [names[k] for k in zip(first[read], freq[read])]
    unread = valid & ~read
    uk = iso["y"].isna()
    why = {i: _date_problem(text[i], y[i], m[i], d[i], freq[i], rows.table, uk[i]) for i in text.index[unread]}
    flag(unread, pd.Series(why, dtype="object"))
    flag(~empty & labels.isna() & ~valid, f"'{{value}}' is not a period; {PERIOD_EXPECTED}")
    return labels.fillna("").astype("str")


_EXPECTED = {
    "number": NUMBER_EXPECTED,
    "integer": "expected a whole number such as 42",
    "period": PERIOD_EXPECTED,
    "date": "expected a date such as 2025-07-31 or 31/07/2025",
    "boolean": "expected true/false, yes/no or 1/0",
    "choice": "expected one of the listed codes",
}


def _coerce(col: str, spec: Column, text: pd.Series, raw: RawTable, problems: list[Problem], rows: _Rows) -> pd.Series:
    empty = text == ""

    def flag(mask: pd.Series, message: str | pd.Series) -> None:
        """A problem per masked row: ``message`` formatted with the cell, or a message per row."""
        if isinstance(message, str):
            messages = [message.format(value=value) for value in text[mask]]
        else:
            messages = message.reindex(text.index)[mask]
        for row, said in zip(raw.rows[mask], messages):
            problems.append(Problem(raw.where, int(row), col, said))

    if spec.required:
        flag(empty, "is empty; a value is required")
    if spec.kind != "text":  # a code, number, period or date is short: a long cell is pasted text
        long = text.str.len() > MAX_CELL
        if long.any():
            for row, value in zip(raw.rows[long], text[long]):
                problems.append(
                    Problem(
                        raw.where,
                        int(row),
                        col,
                        f"'{value[:40]}...' is {len(value):,} characters long, "
                        f"too long for a {spec.kind} cell; {_EXPECTED.get(spec.kind, 'expected a short value')}",
                    )
                )
            text, empty = text.mask(long, ""), empty | long
    if spec.kind == "text":
        return text.where(~empty, "" if spec.default is None else spec.default).astype("str")
    if spec.kind in ("number", "integer"):
        number = _number(col, text, empty, rows, flag)
        if spec.kind == "integer":
            fraction = number.notna() & (number % 1 != 0)
            flag(fraction, "'{value}' is not a whole number")
            huge = number.abs() >= LARGEST_WHOLE
            flag(
                huge & ~fraction,
                f"'{{value}}' is too large for a whole number here; expected a whole number below {LARGEST_WHOLE:,}",
            )
            number = number.mask(fraction | huge)
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
        return _period(text, empty, rows, flag)
    if spec.kind == "date":
        iso = pd.to_datetime(text.where(~empty), format="ISO8601", errors="coerce")
        uk = pd.to_datetime(text.where(~empty & iso.isna()), dayfirst=True, format="mixed", errors="coerce")
        dates = iso.fillna(uk)
        flag(~empty & dates.isna(), "'{value}' is not a date; expected a date such as 2025-07-31 or 31/07/2025")
        return dates
    raise AssertionError(f"unknown column kind {spec.kind}")


def coerce_table(
    spec: Table, raw: RawTable, problems: list[Problem], indicators: pd.DataFrame | None = None
) -> pd.DataFrame:
    """Type one table's columns, reading numbers and dates by each row's indicator; check its key."""
    names = [normalise_name(c) for c in raw.frame.columns]
    for col in sorted({n for n in names if names.count(n) > 1}):
        problems.append(Problem(raw.where, None, col, "column appears more than once; keep one"))
    text = as_text(raw.frame)
    for col, colspec in spec.columns.items():
        if (colspec.required or (spec.name, col) in MUST_BE_PRESENT) and col not in text.columns:
            problems.append(Problem(raw.where, None, col, "column is missing; it is required"))
    rows = _rows(spec, text, indicators)
    out = pd.DataFrame(index=text.index)
    for col, colspec in spec.columns.items():
        cells = text[col] if col in text.columns else pd.Series("", index=text.index, dtype="str")
        if col not in text.columns and colspec.required:
            out[col] = cells
            continue
        out[col] = _coerce(col, colspec, cells, raw, problems, rows)
    for col in text.columns.difference(list(spec.columns), sort=False):
        out[col] = text[col].astype("str")
    if spec.key and all(k in text.columns for k in spec.key):
        filled = [k for k in spec.key if spec.columns[k].required]  # an optional key column may be empty
        dup = out.duplicated(list(spec.key), keep="first") & (out[filled] != "").all(axis=1)
        for row, values in zip(raw.rows[dup], out.loc[dup, list(spec.key)].itertuples(index=False)):
            shown = ", ".join(map(str, values))
            problems.append(
                Problem(
                    raw.where,
                    int(row),
                    spec.key[-1],
                    f"duplicate of an earlier row ({shown}); each {' + '.join(spec.key)} must be unique",
                )
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
            hints = _did_you_mean(frame.loc[bad, col].unique(), known)
            for row, value in zip(rows[bad], frame.loc[bad, col]):
                problems.append(
                    Problem(
                        raw.where,
                        int(row),
                        col,
                        f"'{value}' is not in {ref_table}.{ref_col}; expected a known {ref_col}{hints.get(value, '')}",
                    )
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
                Problem(
                    raw.where,
                    int(row),
                    "period",
                    f"'{period}' does not match the indicator's frequency; expected {'an' if freq == 'annual' else 'a'} {freq} period",
                )
            )


BOUNDED = (("measures", "value"), ("targets", "target"), ("breakdowns", "value"))


def check_meaning(tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], problems: list[Problem]) -> None:
    """What each measure means (`pmkit.io.measure`): figures and targets within the measure's bounds, no
    percentage typed as a fraction among figures typed as percentages, a numerator and denominator for
    every figure of a ``ratio`` measure."""
    ind = tables["indicators"].drop_duplicates("indicator_id").set_index("indicator_id")
    limits = pd.DataFrame([measure.bounds(row) for _, row in ind.iterrows()], index=ind.index, columns=["low", "high"])
    for name, col in BOUNDED:
        if name not in tables or col not in tables[name] or "indicator_id" not in tables[name]:
            continue
        frame, rows = tables[name], raws[name].rows.reset_index(drop=True)
        low = frame["indicator_id"].map(limits["low"]).to_numpy(dtype="float64", na_value=np.nan)
        high = frame["indicator_id"].map(limits["high"]).to_numpy(dtype="float64", na_value=np.nan)
        value = pd.to_numeric(frame[col], errors="coerce").to_numpy(dtype="float64", na_value=np.nan)
        with np.errstate(invalid="ignore"):
            outside = (value < low) | (value > high)
        for i in np.flatnonzero(outside):
            info = ind.loc[frame["indicator_id"].iloc[i]]
            lo, hi = low[i], high[i]
            allowed = (
                f"between {lo:g} and {hi:g}"
                if np.isfinite(lo) and np.isfinite(hi)
                else f"at least {lo:g}"
                if np.isfinite(lo)
                else f"at most {hi:g}"
            )
            own = "minimum" if value[i] < lo else "maximum"
            problems.append(
                Problem(
                    raws[name].where,
                    int(rows[i]),
                    col,
                    f"{value[i]:g} is outside what {frame['indicator_id'].iloc[i]} can take ({info['unit']}: "
                    f"expected a figure {allowed}); if such figures are possible, set its {own} in the indicators table",
                )
            )
    _fractions(tables, raws, ind, problems)
    _ratios(tables, raws, ind, problems)


def _fractions(
    tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], ind: pd.DataFrame, problems: list[Problem]
) -> None:
    """A percentage at or under 1 that, times 100, would sit among the same indicator's figures of the
    periods either side of it (between them, give or take the way its figures usually move from one period
    to the next), while as typed it lies far below them, was typed as a fraction: 0.944 between 95.0 and
    94.2. A small percentage among other small ones (under 10%, where a fraction and a percentage cannot be
    told apart), or away from its neighbours either way (the LGBF's 0.6 between 68.5 and 68.0), is left
    as it is."""
    if "measures" not in tables:
        return
    frame, rows = tables["measures"], raws["measures"].rows.reset_index(drop=True)
    value = pd.to_numeric(frame["value"], errors="coerce")
    percent = frame["indicator_id"].map(ind["unit"]).eq("percent") & value.notna()
    if not percent.any():
        return
    start = periods.parse_column(frame["period"].where(frame["period"] != ""))["start"]
    mine = pd.DataFrame({"id": frame["indicator_id"], "start": start, "value": value})[percent & start.notna()]
    for indicator_id, series in mine.sort_values("start").groupby("id", sort=False):
        values = series["value"].to_numpy(dtype="float64")
        whole = values > 1
        moves = np.abs(np.diff(values[whole]))
        usual = float(np.median(moves)) if len(moves) else 0.0
        for i in np.flatnonzero((values > 0) & (values <= 1)):
            around = [
                v
                for v in (
                    *values[max(0, i - 2) : i][whole[max(0, i - 2) : i]],
                    *values[i + 1 : i + 3][whole[i + 1 : i + 3]],
                )
            ]
            if not around:
                continue
            if (
                min(around) - usual <= values[i] * 100 <= max(around) + usual and values[i] >= 0.1 and min(around) >= 10
            ):  # 0.01 among 2% and 3% could be either: never a guess
                where = series.index[i]
                problems.append(
                    Problem(
                        raws["measures"].where,
                        int(rows[where]),
                        "value",
                        f"{values[i]:g} looks like a fraction: {indicator_id}'s figures either side are "
                        f"percentages ({', '.join(f'{v:g}' for v in around)}); did you mean {values[i] * 100:g}%? "
                        "Write percentages as 94.4, not 0.944",
                    )
                )


def _ratios(
    tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], ind: pd.DataFrame, problems: list[Problem]
) -> None:
    """A measure whose register says ``ratio`` needs a numerator and denominator with every figure."""
    if "measures" not in tables or "aggregation" not in ind:
        return
    frame, rows = tables["measures"], raws["measures"].rows.reset_index(drop=True)
    ratio = frame["indicator_id"].map(ind["aggregation"]).eq("ratio")
    value = pd.to_numeric(frame["value"], errors="coerce")
    for col in ("numerator", "denominator"):
        given = pd.to_numeric(frame[col], errors="coerce") if col in frame else pd.Series(np.nan, index=frame.index)
        for i in np.flatnonzero((ratio & value.notna() & given.isna()).to_numpy()):
            problems.append(
                Problem(
                    raws["measures"].where,
                    int(rows[i]),
                    col,
                    f"is empty but {frame['indicator_id'].iloc[i]}'s aggregation is ratio (numerators and "
                    f"denominators added, then divided); give its {col}, or change its aggregation",
                )
            )


# Names that group indicators and the tables beside them: (table, column) per kind of name. Two
# names of a kind that differ by a typo are an error (`check_names`).
NAME_COLUMNS = {
    "directorate": (("indicators", "directorate"), ("actions", "directorate"), ("feedback", "directorate")),
    "priority": (("indicators", "priority"),),
    "service": (("indicators", "service"),),
}
TYPO_LENGTHS = (6, 10)  # a name this long may differ by a typo of one character, or two from the second length on


def edit_distance(a: str, b: str, limit: int = 2) -> int:
    """Levenshtein distance (characters inserted, deleted or replaced), or ``limit + 1`` once it is
    sure to exceed ``limit``. Names are short and few, so the plain dynamic programme is enough
    (no edit-distance library is among pmkit's dependencies).

    >>> edit_distance("Housing & Communites", "Housing & Communities"), edit_distance("ASC", "CSC")
    (1, 1)
    """
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, start=1):
        current = [i]
        for j, y in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def typo_of(name: str, other: str) -> str | None:
    """How ``name`` differs from ``other`` when it looks like a typo of it ("only by case or spaces",
    "by one character"), else None. Case and spaces count whatever the length; a character or two
    only for names of six characters or more (one) or ten or more (two), so that short codes such as
    ASC and CSC stay different names.

    >>> typo_of("Adult", "Adults"), typo_of("Parks", "Parking"), typo_of("ASC", "CSC")
    ('by one character', None, None)
    """
    if name == other:
        return None
    a, b = (" ".join(n.split()).casefold() for n in (name, other))
    if a == b:
        return "only by case or spaces"
    longer = max(len(a), len(b))
    allowed = 2 if longer >= TYPO_LENGTHS[1] else 1 if longer >= TYPO_LENGTHS[0] else 0
    distance = edit_distance(a, b, allowed) if allowed else allowed + 1
    return None if distance > allowed else f"by {'one character' if distance == 1 else 'two characters'}"


def _did_you_mean(values, known: set[str], most: int = 50) -> dict[str, str]:
    """``; did you mean 'X'?`` per value that is a typo of a known name (`typo_of`); the first ``most`` values only."""
    hints = {}
    for value in list(values)[:most]:
        near = [k for k in sorted(known, key=str) if typo_of(str(value), str(k))]
        if near:
            hints[value] = f"; did you mean '{near[0]}'?"
    return hints


def check_names(tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], problems: list[Problem]) -> None:
    """Directorates, priorities and services whose names differ by a typo from a name used more
    (the register's names first): an error on each row of the rarer name, with "did you mean"."""
    for kind, places in NAME_COLUMNS.items():
        cells = [(table, col, tables[table][col]) for table, col in places if table in tables and col in tables[table]]
        if not cells:
            continue
        used = pd.concat([values[values != ""] for _, _, values in cells]).value_counts()
        register = set(cells[0][2]) if cells[0][0] == "indicators" else set()
        order = {name: i for i, name in enumerate(pd.concat([values for _, _, values in cells]).drop_duplicates())}
        ranked = sorted(used.index, key=lambda n: (n not in register, -used[n], order[n]))
        meant: dict[str, tuple[str, str]] = {}
        for i, name in enumerate(ranked):
            for better in ranked[:i]:
                how = typo_of(name, better)
                if how and better not in meant:
                    meant[name] = (better, how)
                    break
        for table, col, values in cells:
            rows = raws[table].rows.reset_index(drop=True)
            wrong = values.isin(list(meant))
            for row, value in zip(rows[wrong.to_numpy()], values[wrong]):
                right, how = meant[value]
                problems.append(
                    Problem(
                        raws[table].where,
                        int(row),
                        col,
                        f"'{value}' differs from the {kind} '{right}' (used in {used[right]} "
                        f"{'row' if used[right] == 1 else 'rows'}) {how}; did you mean '{right}'?",
                    )
                )


def validate_tables(
    raws: dict[str, RawTable],
    missing_hint: Callable[[str], str] | None = None,
    read_problems: list[Problem] = (),
    unreadable: set[str] | frozenset[str] = frozenset(),
    warnings: list[Problem] | None = None,
) -> dict[str, pd.DataFrame]:
    """Type and check every table, indicators first (the others read their cells by its units and
    frequencies); raise `ValidationError` listing every problem. ``missing_hint(name)`` says what
    a source found instead of a missing table; ``read_problems`` are the source's own (files it could
    not read), listed first, and the tables in ``unreadable`` are not also reported missing. What is
    worth a look but may be meant (`screen_public_text`) is appended to ``warnings``."""
    problems: list[Problem] = list(read_problems)
    tables: dict[str, pd.DataFrame] = {}
    for name in sorted(TABLES, key=lambda n: n != "indicators"):
        if name in raws:
            tables[name] = coerce_table(TABLES[name], raws[name], problems, tables.get("indicators"))
        elif TABLES[name].required and name not in unreadable:
            hint = missing_hint(name) if missing_hint else ""
            problems.append(
                Problem(name, None, "", f"table '{name}' is missing; it is required{'. ' + hint if hint else ''}")
            )
    check_references(tables, raws, problems)
    if "indicators" in tables and not any(p.file == raws["indicators"].where for p in problems):
        check_meaning(tables, raws, problems)
    check_names(tables, raws, problems)
    if problems:
        raise ValidationError(problems)
    if warnings is not None:
        warnings.extend(screen_public_text(tables, raws))
    return tables


SCREENED_KINDS = (
    "email",
    "nhs_number",
    "ni_number",
    "phone",
    "postcode",
    "address",
    "name",
)  # not a street: officers name them
_KIND_WORDS = {
    "email": ("an e-mail address", "e-mail addresses"),
    "nhs_number": ("an NHS number", "NHS numbers"),
    "ni_number": ("a National Insurance number", "National Insurance numbers"),
    "phone": ("a phone number", "phone numbers"),
    "postcode": ("a postcode", "postcodes"),
    "address": ("a street address", "street addresses"),
    "name": ("a name", "names"),
}


def screen_public_text(tables: dict[str, pd.DataFrame], raws: dict[str, RawTable]) -> list[Problem]:
    """Warnings for personal data in what officers write for the public: public commentary (``text``
    and ``actions``) and the updates of public actions (``actions.update``, ``action_updates.update``).
    Warnings, not problems: a service's phone number or a named councillor may be meant.

    >>> frame = pd.DataFrame({"audience": ["public"], "text": ["Ring Jo Bloggs on 01632 960111"], "actions": [""]})
    >>> raw = RawTable(frame, "commentary.csv", pd.Series([2]))
    >>> print(screen_public_text({"commentary": frame}, {"commentary": raw})[0])
    commentary.csv:2:text: public commentary contains a name (Jo Bloggs) and a phone number (01632 960111); check it may be published
    """
    screened = []
    commentary = tables.get("commentary")
    if commentary is not None and len(commentary):
        screened.append(("commentary", commentary["audience"] == "public", ("text", "actions"), "public commentary"))
    actions = tables.get("actions")
    public_actions = set()
    if actions is not None and len(actions):
        public = actions["public"].fillna(False).astype(bool)
        public_actions = set(actions.loc[public, "action_id"])
        screened.append(("actions", public, ("update",), "the update of a public action"))
    updates = tables.get("action_updates")
    if updates is not None and len(updates):
        screened.append(
            ("action_updates", updates["action_id"].isin(public_actions), ("update",), "the update of a public action")
        )
    warnings = []
    for name, chosen, columns, what in screened:
        frame, raw = tables[name], raws[name]
        rows = raw.rows.reset_index(drop=True)
        for column in columns:
            if column not in frame:
                continue
            for index, text in frame.loc[chosen.to_numpy(dtype=bool), column].items():
                found: dict[str, list[str]] = {}
                for span in find_personal_data(str(text), SCREENED_KINDS):
                    found.setdefault(span.kind, []).append(str(text)[span.start : span.end])
                if found:
                    said = [f"{_KIND_WORDS[k][len(v) > 1]} ({', '.join(v)})" for k, v in found.items()]
                    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " and " + said[-1]
                    warnings.append(
                        Problem(
                            raw.where, int(rows[index]), column, f"{what} contains {listed}; check it may be published"
                        )
                    )
    return warnings


def empty_table(name: str) -> pd.DataFrame:
    """A typed, empty frame with a table's columns (for optional tables a source lacks)."""
    spec = TABLES[name]
    raw = RawTable(
        pd.DataFrame({c: pd.Series([], dtype="str") for c in spec.columns}), name, pd.Series([], dtype=np.int64)
    )
    return coerce_table(spec, raw, [])
