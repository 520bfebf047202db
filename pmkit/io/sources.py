"""Data sources: a folder of CSV/XLSX files, one Excel workbook, the embedded DuckDB store, or any SQLAlchemy URL.

Every source reads raw tables, validates them once (`pmkit.io.validate`) and then serves typed
pandas frames. Source kinds live in a small registry, as papermill keeps its I/O handlers.

>>> src = open_source("data/pmkit.duckdb")              # doctest: +SKIP
>>> src.indicators().columns[:3].tolist()               # doctest: +SKIP
['indicator_id', 'title', 'directorate']
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import yaml

from pmkit.errors import Problem, SourceError, ValidationError
from pmkit.io import periods
from pmkit.io.schema import CASE_STUDY_FIELDS, TABLES
from pmkit.io.spreadsheet import neutralise_frame, restore
from pmkit.io.validate import RawTable, cell_text, empty_table, normalise_name, validate_tables

DEFAULT_STORE = Path("data/pmkit.duckdb")
CASE_STUDY_COLUMNS = ("name", *CASE_STUDY_FIELDS, "body")
EXCEL = (".xlsx", ".xlsm")


def table_key(name: str) -> str:
    """A file stem or sheet name as matched to a table: any case, no spaces, _ or -, one trailing s optional."""
    key = re.sub(r"[\s_-]+", "", name.lower())
    return key[:-1] if key.endswith("s") else key


TABLE_KEYS = {table_key(name): name for name in TABLES}


class Source:
    """Base of all sources: subclasses implement `read_raw` and `read_case_studies`."""

    expected = ""  # for sources that find tables by name: what a table's file or sheet is called

    def __init__(self, location: str):
        self.location = location
        self.found: list[str] = []  # what `read_raw` saw, listed when a required table is missing
        self.read_problems: list[Problem] = []  # files `read_raw` could not read
        self.unreadable: set[str] = set()  # tables whose file could not be read (so not reported missing too)
        self.warnings: list[Problem] = []  # what validation found worth a look (personal data in public text)
        self._tables: dict[str, pd.DataFrame] | None = None
        self._case_studies: pd.DataFrame | None = None
        self._places: dict[str, tuple[str, pd.Series]] = {}  # table -> (where it was read, each row's number there)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.describe()!r})"

    def describe(self) -> str:
        return self.location

    def read_raw(self) -> dict[str, RawTable]:
        raise NotImplementedError

    def read_case_studies(self) -> list[tuple[str, str]]:
        """(name, Markdown text with front matter) per case study."""
        return []

    def missing_hint(self, name: str) -> str:
        """What was found instead of a missing table, and what name was expected."""
        if not self.expected:
            return ""
        found = ", ".join(self.found) or "nothing"
        return f"Found: {found}. Expected {self.expected} named {name} (any case; a trailing s is optional)"

    def forget(self) -> None:
        """Read and validate the tables afresh when next asked (after pmkit has written to the source)."""
        self._tables, self._case_studies = None, None

    def tables(self) -> dict[str, pd.DataFrame]:
        """Every table, validated; raises `ValidationError` listing every problem (``warnings`` then
        holds what is worth a look)."""
        if self._tables is None:
            raws = self.read_raw()
            self._places = {name: (raw.where, raw.rows.reset_index(drop=True)) for name, raw in raws.items()}
            self.warnings = []
            tables = validate_tables(raws, self.missing_hint, self.read_problems, self.unreadable, self.warnings)
            for name in TABLES:
                tables.setdefault(name, empty_table(name))
            self._tables = tables
        return self._tables

    def table(self, name: str) -> pd.DataFrame:
        return self.tables()[name].copy()

    def place(self, name: str, position: int) -> tuple[str, int | None]:
        """Where the table's row at ``position`` (0 first) was read: (file or table, row number a user sees)."""
        where, rows = self._places.get(name, (name, pd.Series([], dtype="int64")))
        return where, (int(rows.iloc[position]) if position < len(rows) else None)

    def indicators(self) -> pd.DataFrame:
        return self.table("indicators")

    def measures(self) -> pd.DataFrame:
        return self.table("measures")

    def targets(self) -> pd.DataFrame:
        return self.table("targets")

    def benchmarks(self) -> pd.DataFrame:
        return self.table("benchmarks")

    def commentary(self) -> pd.DataFrame:
        return self.table("commentary")

    def feedback(self) -> pd.DataFrame:
        return self.table("feedback")

    def actions(self) -> pd.DataFrame:
        """Council plan actions (optional: empty when the source has none)."""
        return self.table("actions")

    def action_updates(self) -> pd.DataFrame:
        """Each action's history of updates (optional: empty when the source has none)."""
        return self.table("action_updates")

    def breakdowns(self) -> pd.DataFrame:
        """Indicators split by place or group (optional: empty when the source has none)."""
        return self.table("breakdowns")

    def case_studies(self) -> pd.DataFrame:
        """One row per case study: front-matter fields plus the Markdown ``body``."""
        if self._case_studies is None:
            self._case_studies = parse_case_studies(self.read_case_studies(), self.describe())
        return self._case_studies.copy()

    def latest_period(self) -> periods.Period:
        """The latest period that has a measure (for runs without ``--period``), of the indicators
        not marked ``retired`` in the register (of all of them when every one is)."""
        measures, register = self.measures(), self.indicators()
        gone = (
            register.loc[register["retired"].fillna(False).astype(bool), "indicator_id"]
            if "retired" in register
            else []
        )
        current = measures[~measures["indicator_id"].isin(list(gone))]
        labels = (current if len(current) else measures)["period"].unique()
        if len(labels) == 0:
            raise SourceError(f"{self.describe()}: the measures table is empty")
        return periods.latest_of(labels)


class FolderSource(Source):
    """A folder with a CSV or XLSX file per table (or workbooks with a sheet per table) and a ``case_studies/`` folder.

    Files and sheets match tables by `table_key`; a workbook whose name matches no table
    contributes its matching sheets.
    """

    expected = "a file or sheet"

    def read_raw(self) -> dict[str, RawTable]:
        folder = Path(self.location)
        raws: dict[str, RawTable] = {}
        self.found, self.read_problems, self.unreadable = [], [], set()
        try:
            entries = sorted(folder.iterdir(), key=lambda p: p.name.lower())
        except OSError as exc:
            raise SourceError(f"{self.location}: cannot be read ({_reason(exc)})") from None
        for path in entries:
            suffix, table = path.suffix.lower(), TABLE_KEYS.get(table_key(path.stem))
            if path.name.startswith((".", "~$")):
                continue
            if path.is_dir():
                if table and suffix in (".csv", *EXCEL):
                    self.found.append(path.name + " (a folder)")
                    self.read_problems.append(
                        Problem(
                            path.name,
                            None,
                            "",
                            f"is a folder, not a file; expected a CSV or Excel file holding the {table} table",
                        )
                    )
                    self.unreadable.add(table)
                continue
            if not path.is_file():
                continue
            try:
                if suffix == ".csv" and table:
                    self.found.append(path.name)
                    _put(raws, table, read_csv_table(path), folder)
                elif suffix in EXCEL or (suffix == ".xls" and table):
                    book = open_workbook(path)
                    self.found.append(_listing(path, book))
                    if table:
                        _put(raws, table, read_sheet(_sheet_for(book, table), path.name), folder)
                    else:
                        _put_sheets(raws, book, path, folder)
                else:
                    self.found.append(path.name + (" (an .xls workbook: save it as .xlsx)" if suffix == ".xls" else ""))
            except ValidationError as exc:  # an unreadable file: say so, and read the others
                self.read_problems.extend(exc.problems)
                if table:
                    self.unreadable.add(table)
        return raws

    def read_case_studies(self) -> list[tuple[str, str]]:
        return _case_study_files(Path(self.location) / "case_studies")


class WorkbookSource(Source):
    """One Excel workbook with a sheet per table (matched by `table_key`); case studies in ``case_studies/`` beside it."""

    expected = "a sheet"

    def read_raw(self) -> dict[str, RawTable]:
        path = Path(self.location)
        if not path.is_file():
            raise SourceError(f"{self.location}: no such workbook")
        book = open_workbook(path)
        self.found = [_listing(path, book)]
        raws: dict[str, RawTable] = {}
        _put_sheets(raws, book, path, path)
        return raws

    def read_case_studies(self) -> list[tuple[str, str]]:
        return _case_study_files(Path(self.location).parent / "case_studies")


def _listing(path: Path, book) -> str:
    return f"{path.name} (sheets: {', '.join(ws.title for ws in book.worksheets)})"


def _put_sheets(raws: dict[str, RawTable], book, path: Path, location: Path) -> None:
    """Every sheet named after a table, read as ``file.xlsx[Sheet]``."""
    for ws in book.worksheets:
        if table_key(ws.title) in TABLE_KEYS:
            _put(raws, TABLE_KEYS[table_key(ws.title)], read_sheet(ws, f"{path.name}[{ws.title}]"), location)


def _put(raws: dict[str, RawTable], table: str, raw: RawTable, location: Path) -> None:
    if table in raws:
        raise SourceError(
            f"{location}: table '{table}' is found twice, in {raws[table].where} and {raw.where}; keep one"
        )
    raws[table] = raw


def _case_study_files(folder: Path) -> list[tuple[str, str]]:
    studies, problems = [], []
    for path in sorted(folder.glob("*.md")):
        if not path.is_file():
            continue
        try:
            studies.append(
                (path.stem, read_text(path, f"case_studies/{path.name}", "a Markdown file saved as UTF-8 text"))
            )
        except ValidationError as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationError(problems)
    return studies


class DuckDBSource(Source):
    """The embedded store: one DuckDB table per model table (``case_studies`` too)."""

    def _connect(self):
        import duckdb

        path = Path(self.location)
        if not path.exists():
            raise SourceError(f"{self.location}: no such DuckDB file (run `pmkit demo` to build the demo store)")
        if path.is_dir():
            raise SourceError(f"{self.location}: is a folder, not a DuckDB file")
        try:
            return duckdb.connect(self.location, read_only=True)
        except (duckdb.Error, OSError) as exc:
            raise self._unreadable(exc) from None

    def _unreadable(self, exc: Exception) -> SourceError:
        why = " ".join(str(exc).split())
        return SourceError(
            f"{self.location}: cannot be read as a DuckDB database ({type(exc).__name__}: {why}); "
            "expected a .duckdb file such as `pmkit demo` writes"
        )

    def read_raw(self) -> dict[str, RawTable]:
        import duckdb

        with self._connect() as con:
            try:
                present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
                return {
                    name: _db_raw(con.execute(f'select * from "{name}"').df(), f"{Path(self.location).name}:{name}")
                    for name in TABLES
                    if name in present
                }
            except duckdb.Error as exc:
                raise self._unreadable(exc) from None

    def read_case_studies(self) -> list[tuple[str, str]]:
        import duckdb

        with self._connect() as con:
            try:
                present = {r[0] for r in con.execute("select table_name from information_schema.tables").fetchall()}
                if "case_studies" not in present:
                    return []
                return [
                    tuple(r) for r in con.execute("select name, markdown from case_studies order by name").fetchall()
                ]
            except duckdb.Error as exc:
                raise self._unreadable(exc) from None


class SQLSource(Source):
    """Any database SQLAlchemy can reach, holding tables named as in the data model."""

    def describe(self) -> str:
        from sqlalchemy.engine import make_url

        return make_url(self.location).render_as_string(hide_password=True)

    def _engine(self):
        from sqlalchemy import create_engine

        try:
            return create_engine(self.location)
        except Exception as exc:  # bad URL or missing driver
            raise SourceError(f"{self.describe()}: cannot open ({exc})") from None

    def read_raw(self) -> dict[str, RawTable]:
        from sqlalchemy import inspect

        engine = self._engine()
        try:
            with engine.connect() as con:
                present = set(inspect(con).get_table_names())
                return {name: _db_raw(pd.read_sql_table(name, con), name) for name in TABLES if name in present}
        except SourceError:
            raise
        except Exception as exc:
            raise SourceError(f"{self.describe()}: cannot read ({type(exc).__name__}: {exc})") from None
        finally:
            engine.dispose()

    def read_case_studies(self) -> list[tuple[str, str]]:
        from sqlalchemy import inspect, text

        engine = self._engine()
        try:
            with engine.connect() as con:
                if "case_studies" not in inspect(con).get_table_names():
                    return []
                rows = con.execute(text("select name, markdown from case_studies order by name")).fetchall()
                return [tuple(r) for r in rows]
        finally:
            engine.dispose()


SNAPSHOT = ".pmkit-snapshot"


class SnapshotSource(Source):
    """A run's copy of a validated source (`write_snapshot`): every report of a run reads it instead of
    opening and validating the source again. It describes itself as the source it was made from.

    A kernel keeps the last snapshots it read (`_SNAPSHOTS`), so the reports a warm kernel runs in one
    batch load it once.
    """

    def __init__(self, location: str):
        super().__init__(location)
        data = _read_snapshot(Path(location))
        self._origin = data["describe"]
        self._tables, self._case_studies = data["tables"], data["case_studies"]

    def describe(self) -> str:
        return self._origin


_SNAPSHOTS: dict[tuple[str, float], dict] = {}


def _read_snapshot(path: Path) -> dict:
    import pickle

    key = (str(path.resolve()), path.stat().st_mtime)
    if key not in _SNAPSHOTS:
        with path.open("rb") as file:
            data = pickle.load(file)  # noqa: S301 - a file pmkit wrote itself for this run, in its private work folder
        _SNAPSHOTS.clear()  # one run's snapshot at a time: a batch of many projects does not pile them up
        _SNAPSHOTS[key] = data
    return _SNAPSHOTS[key]


def write_snapshot(src: Source, path: Path) -> Path:
    """Save ``src``'s validated tables and case studies for a run's reports to read (`SnapshotSource`)."""
    import pickle

    data = {"describe": src.describe(), "tables": src.tables(), "case_studies": src.case_studies()}
    path = path.with_suffix(SNAPSHOT)
    with path.open("wb") as file:
        pickle.dump(data, file, protocol=pickle.HIGHEST_PROTOCOL)
    return path


class SourceRegistry:
    """Source kinds by name, each with a test that recognises its locations."""

    def __init__(self) -> None:
        self._kinds: dict[str, tuple[Callable[[str], bool], type[Source]]] = {}

    def register(self, name: str, recognises: Callable[[str], bool], kind: type[Source]) -> None:
        self._kinds[name] = (recognises, kind)

    def open(self, location: str | os.PathLike | None = None) -> Source:
        text = str(location if location is not None else DEFAULT_STORE)
        for recognises, kind in self._kinds.values():
            if recognises(text):
                return kind(text)
        raise SourceError(
            f"{text}: not a source; expected a folder of CSV/XLSX files, an .xlsx workbook, a .duckdb file or a SQLAlchemy URL"
        )


SOURCES = SourceRegistry()
SOURCES.register("snapshot", lambda s: s.endswith(SNAPSHOT), SnapshotSource)
SOURCES.register("sql", lambda s: "://" in s, SQLSource)
SOURCES.register("duckdb", lambda s: s.endswith((".duckdb", ".db")), DuckDBSource)
SOURCES.register(
    "workbook", lambda s: Path(s).suffix.lower() in (*EXCEL, ".xls") and not Path(s).is_dir(), WorkbookSource
)
SOURCES.register("folder", lambda s: Path(s).is_dir(), FolderSource)


def open_source(location: str | os.PathLike | None = None) -> Source:
    """Open a source: a folder, an ``.xlsx`` workbook, a ``.duckdb`` file (default ``data/pmkit.duckdb``) or a SQLAlchemy URL."""
    return SOURCES.open(location)


def decode(data: bytes) -> str:
    """Text from bytes in UTF-8 (with or without BOM) or UTF-16 with a BOM, falling back to Windows-1252;
    raises `UnicodeDecodeError` for bytes none of them reads."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252")


SIGNATURES = {  # how other kinds of file start, to say what a misnamed one is
    b"\x89PNG": "a PNG image",
    b"\xff\xd8\xff": "a JPEG image",
    b"GIF8": "a GIF image",
    b"%PDF": "a PDF document",
    b"PK\x03\x04": "a zip archive (an Excel workbook is one: name it .xlsx)",
    b"\xd0\xcf\x11\xe0": "an old Office file (.xls or .doc)",
    b"SQLite format 3": "a SQLite database",
    b"\x1f\x8b": "a gzip archive",
}


def _reason(exc: BaseException) -> str:
    """An exception in a few words on one line, e.g. ``PermissionError: Permission denied``."""
    why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return f"{type(exc).__name__}: {' '.join(str(why).split())}"


def read_text(path: Path, where: str, expected: str = "a CSV file saved as UTF-8 text") -> str:
    """A text file's contents; a file that cannot be read, is binary or holds bytes no text encoding
    reads raises `ValidationError` with one problem saying which line."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(
            [Problem(where, None, "", f"cannot be read ({_reason(exc)}); expected {expected}")]
        ) from None
    kind = next((name for magic, name in SIGNATURES.items() if data.startswith(magic)), None)
    if kind:
        raise ValidationError([Problem(where, None, "", f"is {kind}, not a text file; expected {expected}")])
    try:
        text = decode(data)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            [
                Problem(
                    where,
                    line,
                    "",
                    f"byte 0x{data[exc.start]:02x} cannot be read as text (neither UTF-8 "
                    f"nor Windows-1252); expected {expected}",
                )
            ]
        ) from None
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise ValidationError(
            [Problem(where, line, "", f"holds NUL bytes, so it is not a plain text file; expected {expected}")]
        )
    return text


def read_csv_table(path: Path) -> RawTable:
    """A CSV file (any common encoding) as text cells, skipping fully empty rows; rows numbered as in Excel.
    The header is the first line; an unnamed column is dropped when empty, else named by its letter.
    A cell quoted so that no spreadsheet runs it as a formula (``'=2+3``, see `pmkit.io.spreadsheet`) is read as ``=2+3``."""
    import io

    from openpyxl.utils import get_column_letter

    text = read_text(path, path.name)
    try:
        frame = pd.read_csv(io.StringIO(text), header=None, dtype=str, keep_default_na=False, skip_blank_lines=False)
    except pd.errors.EmptyDataError:
        raise ValidationError(
            [Problem(path.name, None, "", "is empty; expected a header row naming the columns, then a row per record")]
        ) from None
    except pd.errors.ParserError as exc:
        ragged = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(exc))
        if ragged:
            width, line, saw = map(int, ragged.groups())
            problem = Problem(
                path.name,
                line,
                "",
                f"the row has {saw} cells but the header row has {width}; expected one "
                "cell per column (a cell holding a comma needs double quotes)",
            )
        else:
            problem = Problem(
                path.name,
                None,
                "",
                f"cannot be read as CSV ({' '.join(str(exc).split())}); "
                "expected comma-separated values with a header row",
            )
        raise ValidationError([problem]) from None
    frame = frame.fillna("")
    header = [str(name).strip() for name in frame.iloc[0]]
    body = frame.iloc[1:].reset_index(drop=True)
    keep = [i for i, name in enumerate(header) if name or (body[i].str.strip() != "").any()]
    body = body[keep].set_axis([header[i] or get_column_letter(i + 1) for i in keep], axis=1).map(restore)
    filled = (
        (body.apply(lambda c: c.str.strip()) != "").any(axis=1)
        if len(body.columns)
        else pd.Series(False, index=body.index)
    )
    return RawTable(body[filled].reset_index(drop=True), path.name, pd.Series(body.index[filled] + 2))


def open_workbook(path: Path):
    """An Excel workbook with each formula's cached value (none if never calculated); .xls is refused."""
    from openpyxl import load_workbook

    if path.suffix.lower() == ".xls":
        raise SourceError(
            f"{path}: .xls workbooks (Excel 97-2003) cannot be read; open it in Excel and save it as .xlsx"
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about extensions it drops (data validation, slicers)
            return load_workbook(path, data_only=True)
    except Exception as exc:  # not a zip, a zip that is no workbook, unreadable, a folder: any is the file's fault
        try:
            start = path.read_bytes()[:4096] if path.is_file() else b""
        except OSError:
            start = b""
        kind = next(
            (name for magic, name in SIGNATURES.items() if start.startswith(magic) and magic != b"PK\x03\x04"), None
        )
        if kind is None and start and b"\x00" not in start and b"," in start:
            kind = "text, perhaps CSV (name it .csv)"
        if path.is_file() and not start:
            kind = "empty"
        what = f"it is {kind}" if kind else _reason(exc)
        raise ValidationError(
            [
                Problem(
                    path.name,
                    None,
                    "",
                    f"cannot be read as an Excel workbook ({what}); expected an .xlsx file saved from Excel",
                )
            ]
        ) from None


def _sheet_for(book, table: str):
    """A one-table workbook's sheet: the one named after the table, else the first."""
    named = [ws for ws in book.worksheets if TABLE_KEYS.get(table_key(ws.title)) == table]
    return (named or book.worksheets)[0]


def excel_text(cell) -> str:
    """A cell as `cell_text` writes it: a number shown as a percentage (a ``%`` outside quotes in its format) as ``12.5%``."""
    shown_format = re.sub(r'"[^"]*"|\\.', "", cell.number_format or "")
    numeric = isinstance(cell.value, int | float) and not isinstance(cell.value, bool)
    return cell_text(cell.value, percent=numeric and "%" in shown_format)


def read_sheet(sheet, where: str) -> RawTable:
    """A worksheet as text cells: the header is the first non-empty row, fully empty rows are skipped
    and each row keeps the number Excel shows."""
    from openpyxl.utils import get_column_letter

    header: list[str] | None = None
    records, numbers = [], []
    for row in sheet.iter_rows():
        cells = [excel_text(c) for c in row]
        if not any(c.strip() for c in cells):
            continue
        if header is None:
            header = cells
        else:
            records.append(cells)
            numbers.append(row[0].row)
    if header is None:
        return RawTable(pd.DataFrame(), where, pd.Series([], dtype="int64"))
    frame = pd.DataFrame(records, columns=range(len(header)), dtype="str")
    keep = [i for i, name in enumerate(header) if name.strip() or (frame[i].str.strip() != "").any()]
    frame = frame[keep].set_axis([header[i].strip() or get_column_letter(i + 1) for i in keep], axis=1)
    return RawTable(frame, where, pd.Series(numbers, dtype="int64"))


def _db_raw(frame: pd.DataFrame, where: str) -> RawTable:
    return RawTable(frame, where, pd.Series(frame.index + 1))


def parse_case_studies(items: list[tuple[str, str]], where: str) -> pd.DataFrame:
    """Split Markdown files into front matter and body; validate the front matter."""
    records, problems = [], []
    for name, markdown in items:
        meta, body = split_front_matter(markdown)
        file = f"case_studies/{name}.md"
        if not isinstance(meta, dict):
            problems.append(Problem(file, 1, "front matter", "expected YAML front matter between --- lines"))
            continue
        meta = {normalise_name(k): v for k, v in meta.items()}
        for field in ("title", "directorate"):
            if not meta.get(field):
                problems.append(Problem(file, 1, field, "is missing; every case study needs a title and a directorate"))
        period = meta.get("period")
        parsed = periods.try_parse(period) if period not in (None, "") else None
        if period not in (None, "") and parsed is None:
            problems.append(
                Problem(file, 1, "period", f"'{period}' is not a period; expected e.g. 2025/26 Q2 or 2025/26")
            )
        public = str(meta.get("public", "false")).strip().lower()
        if public not in {"true", "false", "yes", "no", "1", "0"}:
            problems.append(Problem(file, 1, "public", f"'{public}' is not a yes/no value"))
        records.append(
            {
                "name": name,
                **{f: ("" if meta.get(f) is None else str(meta.get(f))) for f in CASE_STUDY_FIELDS},
                "period": parsed.label if parsed else "",
                "public": public in {"true", "yes", "1"},
                "body": body,
            }
        )
    if problems:
        raise ValidationError(problems)
    return pd.DataFrame(records, columns=list(CASE_STUDY_COLUMNS))


def split_front_matter(markdown: str) -> tuple[object, str]:
    lines = markdown.lstrip("\ufeff").splitlines()
    if not lines or lines[0].strip() != "---":
        return None, markdown
    for i, line in enumerate(lines[1:], start=1):
        if line.strip() in ("---", "..."):
            try:
                return yaml.safe_load("\n".join(lines[1:i])), "\n".join(lines[i + 1 :]).strip() + "\n"
            except yaml.YAMLError:
                return None, markdown
    return None, markdown


def write_folder(
    tables: dict[str, pd.DataFrame], out: str | os.PathLike, case_studies: list[tuple[str, str]] = ()
) -> Path:
    """Write tables as a folder source (UTF-8 CSV, one file per table, text a spreadsheet would run
    as a formula quoted as `read_csv_table` reads it back)."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in tables.items():
        neutralise_frame(frame).to_csv(folder / f"{name}.csv", index=False)
    if case_studies:
        (folder / "case_studies").mkdir(exist_ok=True)
        for name, markdown in case_studies:
            (folder / "case_studies" / f"{name}.md").write_text(markdown, encoding="utf-8")
    return folder


def write_duckdb(
    tables: dict[str, pd.DataFrame], path: str | os.PathLike, case_studies: list[tuple[str, str]] = ()
) -> Path:
    """Write tables into a DuckDB file, replacing any old file only once the new one is complete."""
    import duckdb

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".duckdb", dir=target.parent)
    os.close(fd)
    os.unlink(tmp)
    try:
        with duckdb.connect(tmp) as con:
            for name, frame in tables.items():
                con.register("frame", frame)
                con.execute(f'create table "{name}" as select * from frame')
                con.unregister("frame")
            con.execute("create table case_studies (name varchar primary key, markdown varchar)")
            if case_studies:
                con.executemany("insert into case_studies values (?, ?)", [list(c) for c in case_studies])
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
