"""Writing one table back into a source, all rows or none, the other tables untouched.

A file is written beside the old one and renamed over it only once complete; a database table is
replaced inside one transaction. Used by `pmkit commentary import`.

>>> replace_table(open_source("data/pmkit.duckdb"), "commentary", frame)   # doctest: +SKIP
'pmkit.duckdb:commentary'
"""

from __future__ import annotations

import os
import tempfile
from datetime import datetime
from pathlib import Path

import pandas as pd

from pmkit.errors import SourceError
from pmkit.io.sources import (
    TABLE_KEYS,
    DuckDBSource,
    FolderSource,
    Source,
    SQLSource,
    WorkbookSource,
    excel_text,
    table_key,
)
from pmkit.io.spreadsheet import keep_text, neutralise_frame
from pmkit.io.validate import normalise_name


def replace_table(src: Source, name: str, frame: pd.DataFrame) -> str:
    """Replace table ``name`` of ``src`` with ``frame`` (every row); returns where it was written.
    ``src`` reads its tables afresh afterwards."""
    try:
        return _replace(src, name, frame)
    finally:
        src.forget()


def _replace(src: Source, name: str, frame: pd.DataFrame) -> str:
    if isinstance(src, DuckDBSource):
        return _replace_duckdb(Path(src.location), name, frame)
    if isinstance(src, SQLSource):
        return _replace_sql(src, name, frame)
    if isinstance(src, WorkbookSource):
        return _replace_sheet(Path(src.location), name, frame)
    if isinstance(src, FolderSource):
        folder = Path(src.location)
        raws = src.read_raw()
        where = raws[name].where if name in raws else f"{name}.csv"
        if where.endswith("]"):  # a sheet of a workbook holding several tables: file.xlsx[Sheet]
            file, sheet = where[:-1].split("[", 1)
            return _replace_sheet(folder / file, name, frame, sheet)
        if where.lower().endswith(".csv"):
            _write_atomic(
                folder / where, lambda tmp: neutralise_frame(frame).to_csv(tmp, index=False, encoding="utf-8")
            )
            return where
        return _replace_sheet(folder / where, name, frame)
    raise SourceError(
        f"{src.describe()}: pmkit cannot write to this kind of source; "
        "expected a folder of CSV/Excel files, one workbook, a .duckdb file or a database URL"
    )


def _write_atomic(target: Path, write) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    os.close(fd)
    try:
        write(tmp)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def _replace_sheet(path: Path, name: str, frame: pd.DataFrame, sheet: str | None = None) -> str:
    """Rewrite one sheet of a workbook in place, every other sheet as it was: ``sheet``, else the one
    holding table ``name`` as `pmkit.io.sources` reads it (named after it, else the first).

    A sheet that exists keeps its place, its own header row (each column under its own heading; a
    column the frame adds is put at the end only when it has a value) and whatever is above it, and
    a copy of it as it was is kept at the end of the workbook (`backup_title`); a new sheet gets the
    frame's column names."""
    import warnings

    from openpyxl import Workbook, load_workbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops
        book = load_workbook(path) if path.exists() else Workbook()
    named = [title for title in book.sheetnames if TABLE_KEYS.get(table_key(title)) == name]
    title = sheet or (named or book.sheetnames or [name])[0]
    header_row, columns = _header(book[title]) if title in book.sheetnames else (None, {})
    if header_row is None:
        index = book.sheetnames.index(title) if title in book.sheetnames else len(book.sheetnames)
        if title in book.sheetnames:
            book.remove(book[title])
        ws = book.create_sheet(title, index)
        header_row, columns = 1, {}
    else:
        ws = book[title]
        book.copy_worksheet(ws).title = backup_title(title, set(book.sheetnames))
        if ws.max_row > header_row:
            ws.delete_rows(header_row + 1, ws.max_row - header_row)
    new_sheet = not columns
    for column in frame.columns:
        if column not in columns and (new_sheet or (frame[column].fillna("").astype("str").str.strip() != "").any()):
            columns[column] = max(columns.values(), default=0) + 1
            ws.cell(header_row, columns[column], column)
    for number, row in enumerate(frame.itertuples(index=False), start=header_row + 1):
        for column, value in zip(frame.columns, row):
            if column in columns:
                ws.cell(number, columns[column], None if pd.isna(value) or value == "" else value)
    keep_text([ws])
    _write_atomic(path, book.save)
    return f"{path.name}[{title}]"


def _header(ws) -> tuple[int | None, dict[str, int]]:
    """A sheet's header row as `pmkit.io.sources.read_sheet` finds it (its first non-empty row): its
    number and each named column's position, by the column name a table reads (`normalise_name`)."""
    for row in ws.iter_rows():
        names = {normalise_name(excel_text(c)): c.column for c in row if excel_text(c).strip()}
        if names:
            return row[0].row, names
    return None, {}


def backup_title(title: str, taken: set[str], now: datetime | None = None) -> str:
    """The title of the copy of a sheet kept before pmkit rewrites it: ``Commentary before 20261206-2330``
    (cut to Excel's 31 characters; a number added if taken). No table is read from it.

    >>> backup_title("Commentary", set(), datetime(2026, 12, 6, 23, 30))
    'Commentary before 20261206-2330'
    """
    suffix = f" before {(now or datetime.now()):%Y%m%d-%H%M}"
    for n in range(1, 100):
        extra = "" if n == 1 else f" {n}"
        candidate = title[: 31 - len(suffix) - len(extra)] + suffix + extra
        if candidate not in taken:
            return candidate
    raise SourceError(f"{title}: too many copies of the sheet kept this minute; delete some")


def _replace_duckdb(path: Path, name: str, frame: pd.DataFrame) -> str:
    import duckdb

    try:
        with duckdb.connect(str(path)) as con:
            con.begin()
            con.register("pmkit_frame", frame)
            con.execute(f'create or replace table "{name}" as select * from pmkit_frame')
            con.unregister("pmkit_frame")
            con.commit()
    except duckdb.Error as exc:
        raise SourceError(
            f"{path}: table {name} could not be written ({' '.join(str(exc).split())}); nothing was changed"
        ) from None
    return f"{path.name}:{name}"


def _replace_sql(src: SQLSource, name: str, frame: pd.DataFrame) -> str:
    from sqlalchemy import create_engine, inspect, text
    from sqlalchemy.exc import SQLAlchemyError

    engine = create_engine(src.location)
    try:
        with engine.begin() as con:  # one transaction: every row replaced, or none
            if inspect(con).has_table(name):
                have = {c["name"] for c in inspect(con).get_columns(name)}
                frame = frame.drop(columns=[c for c in frame.columns if c not in have and (frame[c] == "").all()])
                missing = set(frame.columns) - have
                if missing:
                    raise SourceError(
                        f"{src.describe()}: table {name} has no column {', '.join(sorted(missing))}; "
                        "add it (text), then import again; nothing was changed"
                    )
                con.execute(text(f"DELETE FROM {con.dialect.identifier_preparer.quote(name)}"))
            frame.to_sql(name, con, if_exists="append", index=False)
    except SQLAlchemyError as exc:
        raise SourceError(
            f"{src.describe()}: table {name} could not be written ({' '.join(str(exc).split())[:300]}); "
            "nothing was changed"
        ) from None
    finally:
        engine.dispose()
    return f"{src.describe()}:{name}"
