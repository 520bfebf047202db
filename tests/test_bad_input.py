"""Bad input never gets a traceback: every damaged source and every wrong argument is one line per
problem and exit 2, and `pmkit validate` writes nothing."""

import csv
import hashlib
import io
import os
import re
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmkit.cli import main
from pmkit.io.schema import TABLES
from pmkit.io.validate import MUST_BE_PRESENT, normalise_name
from pmkit.project.create import init_project

MINI = Path(__file__).parent / "data" / "mini_council"
TABLE_FILES = sorted(p.name for p in MINI.glob("*.csv"))
PROBLEM_LINE = re.compile(r"^\S.*:\d*:[^:]*: .+")
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
NON_FINITE = ["1e400", "9" * 400, "-1e400", "inf", "-inf", "Infinity", "nan", "NaN"]


def snapshot(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def validate(folder: Path, capsys) -> tuple[int, str, str]:
    """`pmkit validate FOLDER`: its exit code, stdout and stderr; checks it wrote nothing and printed no traceback."""
    capsys.readouterr()
    before = snapshot(folder)
    code = main(["validate", str(folder)])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert snapshot(folder) == before, "validate changed the source"
    return code, out, err


def assert_clean_refusal(code: int, err: str) -> list[str]:
    """Exit 2 and every stderr line FILE:ROW:COLUMN: message or pmkit: message."""
    lines = err.splitlines()
    assert code == 2, err
    assert lines, "no problem printed"
    for line in lines:
        assert PROBLEM_LINE.match(line) or line.startswith("pmkit: "), line
    return lines


def check(folder: Path, capsys, invalid: bool) -> None:
    code, out, err = validate(folder, capsys)
    if code == 0 and not invalid:
        # valid; standard error holds only warnings (the mini council's two neighbours are few peers)
        assert "valid (" in out and all(line.startswith("warning: ") for line in err.splitlines())
    else:
        assert_clean_refusal(code, err)


def read_rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def write_rows(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> None:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding, errors="replace"))


def must_be_present(file: str, column: str) -> bool:
    table = file.removesuffix(".csv")
    spec = TABLES[table].columns.get(column)
    return bool(spec and spec.required) or (table, column) in MUST_BE_PRESENT


# Damages: each draws its parameters and returns (damage(folder), whether the result must be invalid).
files = st.sampled_from(TABLE_FILES)


@st.composite
def flipped_bytes(draw):
    file, flips = (
        draw(files),
        draw(st.lists(st.tuples(st.floats(0, 1, exclude_max=True), st.integers(0, 255)), min_size=1, max_size=8)),
    )

    def damage(folder):
        data = bytearray((folder / file).read_bytes())
        for where, byte in flips:
            data[int(where * len(data))] = byte
        (folder / file).write_bytes(bytes(data))

    return damage, False


@st.composite
def truncated(draw):
    file, keep = draw(files), draw(st.floats(0, 1, exclude_max=True))

    def damage(folder):
        data = (folder / file).read_bytes()
        (folder / file).write_bytes(data[: int(keep * len(data))])

    return damage, keep == 0


@st.composite
def re_encoded(draw):
    file, encoding = (
        draw(files),
        draw(st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "latin-1", "cp1252", "utf-8-sig"])),
    )

    def damage(folder):
        rows = read_rows(folder / file)
        rows[-1][-1] += " café £5"  # something the encodings spell differently
        write_rows(folder / file, rows, encoding)

    return damage, False


@st.composite
def column_dropped(draw):
    file = draw(files)
    header = read_rows(MINI / file)[0]
    index = draw(st.integers(0, len(header) - 1))

    def damage(folder):
        write_rows(folder / file, [row[:index] + row[index + 1 :] for row in read_rows(folder / file)])

    return damage, must_be_present(file, header[index])


@st.composite
def column_renamed(draw):
    file = draw(files)
    header = read_rows(MINI / file)[0]
    index, name = draw(st.integers(0, len(header) - 1)), draw(st.text(max_size=20))

    def damage(folder):
        rows = read_rows(folder / file)
        rows[0][index] = name
        write_rows(folder / file, rows)

    return damage, must_be_present(file, header[index]) and normalise_name(name) != header[index]


def cell_changed(values: st.SearchStrategy, invalid: bool = False):
    @st.composite
    def strategy(draw):
        file = draw(files)
        rows = read_rows(MINI / file)
        row, column = draw(st.integers(1, len(rows) - 1)), draw(st.integers(0, len(rows[0]) - 1))
        value = draw(values)

        def damage(folder):
            table = read_rows(folder / file)
            table[row][column] = value
            write_rows(folder / file, table)

        return damage, invalid

    return strategy()


NUMERIC = {
    ("measures.csv", 2),
    ("targets.csv", 2),
    ("benchmarks.csv", 3),
    ("indicators.csv", 9),
    ("indicators.csv", 10),
}


@st.composite
def non_finite_number(draw):
    file, column = draw(st.sampled_from(sorted(NUMERIC)))
    rows = read_rows(MINI / file)
    row, value = draw(st.integers(1, len(rows) - 1)), draw(st.sampled_from(NON_FINITE))

    def damage(folder):
        table = read_rows(folder / file)
        table[row][column] = value
        write_rows(folder / file, table)

    return damage, True


@st.composite
def wrong_format(draw):
    file = draw(files)
    stem = file.removesuffix(".csv")
    kind = draw(st.sampled_from(["png as csv", "binary as csv", "csv as xlsx", "zip as xlsx", "png as xlsx", "folder"]))
    noise = draw(st.binary(min_size=1, max_size=200))

    def damage(folder):
        path = folder / file
        if kind == "png as csv":
            path.write_bytes(PNG + noise)
        elif kind == "binary as csv":
            path.write_bytes(b"\x00\x81" + noise)
        elif kind == "folder":
            path.unlink()
            path.mkdir()
        else:
            data = path.read_bytes()
            path.unlink()
            book = folder / f"{stem}.xlsx"
            if kind == "csv as xlsx":
                book.write_bytes(data)
            elif kind == "png as xlsx":
                book.write_bytes(PNG + noise)
            else:
                with zipfile.ZipFile(book, "w") as z:
                    z.writestr("readme.txt", noise)

    return damage, True


DAMAGES = st.one_of(
    flipped_bytes(),
    truncated(),
    re_encoded(),
    column_dropped(),
    column_renamed(),
    non_finite_number(),
    cell_changed(
        st.sampled_from(["", " ", "x" * 1_000_000, "9" * 5000, "1e308", "-0", "1,234.5", "£12", "12%", "(5)"])
    ),
    cell_changed(st.text(max_size=30)),  # wrong types in every column
    cell_changed(
        st.text(alphabet=st.characters(max_codepoint=0x3000), max_size=5).map(lambda s: s + "\n\r\x00\x1b" + s)
    ),
    wrong_format(),
)


def test_the_mini_council_is_valid(tmp_path, capsys):
    source = shutil.copytree(MINI, tmp_path / "src")
    code, out, err = validate(source, capsys)
    assert code == 0 and "valid (" in out
    assert err.splitlines() == [  # valid, with one warning: two neighbours are too few peers to rank among
        "warning: params/defaults.yaml::comparator_group: 'nearest_neighbours' has at most 2 councils a period besides "
        "this council, fewer than 3 peers, so a rank among them says little; the groups in the benchmarks: "
        "nearest_neighbours (2 councils a period)"
    ]


@settings(
    max_examples=int(os.environ.get("PMKIT_BAD_INPUT_EXAMPLES", 50)),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(damages=st.lists(DAMAGES, min_size=1, max_size=3))
def test_a_damaged_source_is_refused_line_by_line_never_with_a_traceback(damages, capsys):
    with tempfile.TemporaryDirectory() as tmp:
        folder = shutil.copytree(MINI, Path(tmp) / "src")
        applied = []
        for damage, makes_invalid in damages:
            try:
                damage(folder)
            except (
                FileNotFoundError,
                IsADirectoryError,
                NotADirectoryError,
                IndexError,
                UnicodeDecodeError,
                csv.Error,
            ):
                continue  # an earlier damage removed or garbled what this one changes
            applied.append(makes_invalid)
        check(
            folder, capsys, applied == [True]
        )  # one damage that breaks the model must be refused; several may cancel out


# Each reported case and each kind of damage, once.


@pytest.fixture
def source(tmp_path):
    return shutil.copytree(MINI, tmp_path / "src")


def refused(folder: Path, capsys) -> list[str]:
    code, _, err = validate(folder, capsys)
    return assert_clean_refusal(code, err)


def test_a_measures_table_without_its_value_column_is_invalid(source, capsys):
    rows = read_rows(source / "measures.csv")
    write_rows(source / "measures.csv", [r[:2] + r[3:] for r in rows])
    assert "measures.csv::value: column is missing; it is required" in refused(source, capsys)


def test_empty_value_cells_are_still_no_data(source, capsys):
    rows = read_rows(source / "measures.csv")
    rows[1][2] = ""
    write_rows(source / "measures.csv", rows)
    assert validate(source, capsys)[0] == 0


@pytest.mark.parametrize("value", NON_FINITE)
def test_non_finite_numbers_are_rejected_naming_row_and_column(source, capsys, value):
    rows = read_rows(source / "measures.csv")
    rows[1][2] = value
    write_rows(source / "measures.csv", rows)
    lines = refused(source, capsys)
    assert len(lines) == 1 and lines[0].startswith("measures.csv:2:value: "), lines
    assert "finite" in lines[0] or "too large" in lines[0]


def test_a_whole_number_too_large_for_one_is_rejected(source, capsys):
    rows = read_rows(source / "indicators.csv")
    rows[1][9] = "9" * 30  # decimals
    write_rows(source / "indicators.csv", rows)
    assert any(
        line.startswith("indicators.csv:2:decimals: ") and "too large" in line for line in refused(source, capsys)
    )


def _write(path: Path, data: bytes) -> None:
    path.write_bytes(data)


def _replace(path: Path, data: bytes, new_name: str) -> None:
    path.unlink()
    (path.parent / new_name).write_bytes(data)


def _zip_not_a_workbook(folder: Path) -> None:
    (folder / "indicators.csv").unlink()
    with zipfile.ZipFile(folder / "indicators.xlsx", "w") as z:
        z.writestr("notes.txt", "not a workbook")


def _folder(path: Path) -> None:
    path.unlink()
    path.mkdir()


DAMAGE_CASES = {
    "undecodable bytes": (
        lambda f: _write(f / "measures.csv", (f / "measures.csv").read_bytes() + b"HOU-01,\x81\x8d,1\n"),
        "measures.csv:9:: byte 0x81 cannot be read as text",
    ),
    "PNG bytes as measures.csv": (lambda f: _write(f / "measures.csv", PNG), "measures.csv::: is a PNG image"),
    "binary garbage as .xlsx": (
        lambda f: _replace(f / "indicators.csv", bytes(range(256)) * 4, "indicators.xlsx"),
        "indicators.xlsx::: cannot be read as an Excel workbook",
    ),
    "CSV text as indicators.xlsx": (
        lambda f: _replace(f / "indicators.csv", (MINI / "indicators.csv").read_bytes(), "indicators.xlsx"),
        "indicators.xlsx::: cannot be read as an Excel workbook (it is text, perhaps CSV",
    ),
    "a zip that is not a workbook": (_zip_not_a_workbook, "indicators.xlsx::: cannot be read as an Excel workbook"),
    "an empty file": (lambda f: _write(f / "measures.csv", b""), "measures.csv::: is empty"),
    "a header-only indicators file": (
        lambda f: _write(f / "indicators.csv", (MINI / "indicators.csv").read_bytes().splitlines()[0]),
        "measures.csv:2:indicator_id: 'HOU-01' is not in indicators.indicator_id",
    ),
    "duplicate column names": (
        lambda f: _write(f / "measures.csv", b"indicator_id,period,value,Value\nHOU-01,2025/26 Q1,1,2\n"),
        "measures.csv::value: column appears more than once",
    ),
    "ragged rows": (
        lambda f: _write(f / "measures.csv", b"indicator_id,period,value\nHOU-01,2025/26 Q1,1,2,3\n"),
        "measures.csv:2:: the row has 5 cells but the header row has 3",
    ),
    "a 1 MB number cell": (
        lambda f: _write(
            f / "measures.csv", b"indicator_id,period,value\nHOU-01,2025/26 Q1," + b"9" * 1_000_000 + b"\n"
        ),
        "measures.csv:2:value: ",
    ),
    "NUL bytes": (
        lambda f: _write(f / "measures.csv", (f / "measures.csv").read_bytes().replace(b"130", b"1\x0030")),
        "measures.csv:3:: holds NUL bytes",
    ),
    "a table file that is a folder": (lambda f: _folder(f / "measures.csv"), "measures.csv::: is a folder, not a file"),
    "a case study that cannot be decoded": (
        lambda f: _write(f / "case_studies" / "bad.md", b"---\ntitle: \x81\n---\n"),
        "case_studies/bad.md:2:: byte 0x81 cannot be read as text",
    ),
}


@pytest.mark.parametrize("case", sorted(DAMAGE_CASES))
def test_each_kind_of_damage_is_one_clear_line(source, capsys, case):
    damage, expected = DAMAGE_CASES[case]
    damage(source)
    lines = refused(source, capsys)
    assert any(line.startswith(expected) for line in lines), lines


def test_a_1_mb_text_cell_is_read(source, capsys):
    rows = read_rows(source / "measures.csv")
    rows[0].append("note")
    rows[1].append("x" * 1_000_000)
    write_rows(source / "measures.csv", rows)
    assert validate(source, capsys)[0] == 0


def test_an_unreadable_file_is_named(source, capsys, monkeypatch):
    (source / "measures.csv").chmod(0)
    if os.access(source / "measures.csv", os.R_OK):  # root reads anything: make reading it fail instead
        real = Path.read_bytes

        def read_bytes(self):
            if self.name == "measures.csv":
                raise PermissionError(13, "Permission denied", str(self))
            return real(self)

        monkeypatch.setattr(Path, "read_bytes", read_bytes)
    try:
        lines = assert_clean_refusal(main(["validate", str(source)]), capsys.readouterr().err)
    finally:
        (source / "measures.csv").chmod(0o644)
    assert lines == [
        "measures.csv::: cannot be read (PermissionError: Permission denied); expected a CSV file saved as UTF-8 text"
    ]


@pytest.mark.parametrize("content", [b"this is not a DuckDB database", None])
def test_a_duckdb_file_that_is_not_one(tmp_path, capsys, content):
    path = tmp_path / "store.duckdb"
    path.write_bytes(content) if content is not None else path.mkdir()
    lines = assert_clean_refusal(main(["validate", str(path)]), capsys.readouterr().err)
    assert len(lines) == 1 and lines[0].startswith(f"pmkit: {path}: "), lines


@pytest.mark.parametrize(
    "error",
    [
        UnicodeDecodeError("utf-8", b"\x81", 0, 1, "invalid start byte"),
        zipfile.BadZipFile("File is not a zip file"),
        OSError(5, "Input/output error", "x.csv"),
    ],
)
def test_the_last_resort_guard_names_what_could_not_be_read(source, capsys, monkeypatch, error):
    def fail(self):
        raise error

    monkeypatch.setattr("pmkit.io.sources.FolderSource.read_raw", fail)
    lines = assert_clean_refusal(main(["validate", str(source)]), capsys.readouterr().err)
    assert len(lines) == 1 and ": cannot be read (" + type(error).__name__ + ": " in lines[0], lines


def test_an_unexpected_error_reading_a_source_is_one_line_but_not_hidden_as_bad_input(source, capsys, monkeypatch):
    def fail(self):
        raise TypeError("a bug")

    monkeypatch.setattr("pmkit.io.sources.FolderSource.read_raw", fail)
    assert main(["validate", str(source)]) == 1
    assert capsys.readouterr().err.splitlines() == [
        f"pmkit: {source}: unexpected error while reading it (TypeError: a bug); please report this as a pmkit bug"
    ]


def test_commands_that_read_no_source_keep_their_tracebacks(tmp_path, monkeypatch):
    def fail(*args, **kwargs):
        raise TypeError("a bug")

    monkeypatch.setattr("pmkit.project.template.write_template", fail)
    with pytest.raises(TypeError):
        main(["template", str(tmp_path)])


# Every command given a bad argument: exit 2 and one line.


@pytest.fixture
def project(tmp_path, monkeypatch):
    folder = init_project(tmp_path / "proj", "Test Council", str(shutil.copytree(MINI, tmp_path / "returns")))
    monkeypatch.chdir(folder)
    return folder


BAD_ARGUMENTS = [
    ["validate", "nothere"],
    ["status", "nothere"],
    ["status", "--period", "nonsense"],
    ["run", "quarterly", "--period", "nonsense"],
    ["run", "quarterly", "--period", "2030/31 Q1"],
    ["run", "quarterly", "--directorate", "Nope"],
    ["run", "quarterly", "--source", "nothere"],
    ["run", "deep-dive", "--indicator", "NOPE"],
]
STATUS_REFUSES = [  # refused like a run: a period without data, an unknown directorate
    ["status", "--period", "2030/31 Q1"],
    ["status", "--directorate", "Nope"],
]


def refuses(argv: list[str], capsys) -> None:
    capsys.readouterr()
    code = main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    assert code == 2 and len(err.splitlines()) == 1 and err.startswith("pmkit: "), (code, out, err)


@pytest.mark.parametrize("argv", BAD_ARGUMENTS, ids=" ".join)
def test_a_bad_argument_is_one_line_and_exit_2(project, capsys, argv):
    refuses(argv, capsys)


@pytest.mark.parametrize("argv", STATUS_REFUSES, ids=" ".join)
def test_status_refuses_what_a_run_refuses(project, capsys, argv):
    refuses(argv, capsys)


def test_init_with_a_missing_source_writes_nothing(tmp_path, capsys):
    refuses(["init", str(tmp_path / "new"), "--council", "Test Council", "--source", str(tmp_path / "missing")], capsys)
    assert not (tmp_path / "new").exists()


def test_init_with_a_damaged_source_writes_nothing(tmp_path, capsys):
    source = shutil.copytree(MINI, tmp_path / "returns")
    (source / "measures.csv").write_bytes(PNG)
    capsys.readouterr()
    assert main(["init", str(tmp_path / "new"), "--council", "Test Council", "--source", str(source)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "measures.csv::: is a PNG image, not a text file; expected a CSV file saved as UTF-8 text"
    ]
    assert not (tmp_path / "new").exists()
