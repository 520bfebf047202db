"""The commentary round trip: a template for service managers, filled in, imported, shown by the next
report; and every mistake in a returned workbook refused with FILE:ROW:COLUMN, nothing half-loaded."""

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from demo_project import make_demo_project
from openpyxl import load_workbook

import pmkit
from pmkit.judge import commentary as notes
from pmkit.runner.layout import page_folder

PERIOD = "2025/26 Q2"
HEADERS = [
    "Indicator ID",
    "Indicator",
    "Directorate",
    "Period",
    "Value",
    "Target",
    "Status",
    "Why it is asked about",
    "Previous commentary",
    "Commentary for members and officers",
    "Actions",
    "Commentary for residents",
    "What we are doing (for residents)",
]


def pmkit_cli(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkit.cli", *args], cwd=project, capture_output=True, text=True)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """A demo project and the Housing return its template command wrote."""
    project = make_demo_project(tmp_path_factory.mktemp("commentary") / "project")
    done = pmkit_cli(
        project, "commentary", "template", "--period", PERIOD, "--directorate", "Housing", "--out", "housing.xlsx"
    )
    assert done.returncode == 0, done.stderr
    assert "8 indicators asking for commentary" in done.stdout
    return project, project / "housing.xlsx"


@pytest.fixture
def project(template, tmp_path):
    """A copy of the project for one test to change."""
    shutil.copytree(template[0], tmp_path / "p")
    return tmp_path / "p"


def rows_of(path: Path) -> list[dict]:
    ws = load_workbook(path)["Commentary"]
    header = [c.value for c in ws[1]]
    return [dict(zip(header, (c.value or "" for c in row), strict=True)) for row in ws.iter_rows(min_row=2)]


def fill_in(path: Path, edit=None) -> Path:
    """Write commentary into every yellow cell as a service manager would, then apply ``edit(sheet, rows)``."""
    book = load_workbook(path)
    ws = book["Commentary"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    rows = {}
    for r in range(2, ws.max_row + 1):
        iid, directorate = ws.cell(r, 1).value or "", ws.cell(r, 3).value
        name = iid or f"{directorate} overview"
        rows[name] = r
        ws.cell(r, col["Commentary for members and officers"]).value = f"Returned commentary on {name}."
        ws.cell(r, col["Actions"]).value = f"Returned actions for {name}."
        ws.cell(r, col["Commentary for residents"]).value = f"What residents read about {name}."
        ws.cell(r, col["What we are doing (for residents)"]).value = ""
    if edit:
        edit(ws, rows, col)
    book.save(path)
    return path


def test_the_template_asks_about_each_flagged_indicator_with_its_figures_and_only_text_can_be_edited(template):
    project, path = template
    rows = rows_of(path)
    assert list(rows[0]) == HEADERS
    src = pmkit.open_source(project / "data" / "pmkit.duckdb")
    ind = src.indicators()
    st = pmkit.judge.status.assess(
        src.measures(),
        ind[ind["directorate"] == "Housing"],
        PERIOD,
        targets=src.targets(),
        benchmarks=src.benchmarks(),
        rag_suspended=["2020/21"],
    )
    flagged = st[st["rag"].isin(["red", "amber"]) | st["exceptions"].map(len).gt(0)]
    red = sorted(
        flagged.loc[flagged["rag"] == "red", "indicator_id"]
    )  # HOU-01, HOU-03 (a zero-tolerance limit), HOU-06, HOU-10
    assert [r["Indicator ID"] for r in rows] == ["", *red, *sorted(set(flagged["indicator_id"]) - set(red))]
    assert rows[0]["Indicator"] == "Directorate overview" and rows[0]["Period"] == PERIOD
    by_id = {r["Indicator ID"]: r for r in rows}
    # the figures the published Housing page states (by hand from the demo page): 3.93 against 3.60, 78.3% against 88.4%
    assert (by_id["HOU-01"]["Value"], by_id["HOU-01"]["Target"], by_id["HOU-01"]["Status"]) == (
        "3.93",
        "3.60",
        "Off target",
    )
    assert (by_id["HOU-06"]["Period"], by_id["HOU-06"]["Value"], by_id["HOU-06"]["Target"]) == (
        "Sep 2025",
        "78.3%",
        "88.4%",
    )
    assert by_id["HOU-06"]["Previous commentary"].startswith(
        "**Off target:** 77.2% in Jun 2025"
    )  # last quarter's, not Aug's (none)
    ws = load_workbook(path)["Commentary"]
    assert ws.protection.sheet and ws.freeze_panes == "C2"
    editable = {HEADERS[c.column - 1] for row in ws.iter_rows(min_row=2) for c in row if not c.protection.locked}
    assert editable == set(HEADERS[9:])
    assert all(c.protection.locked for c in ws[1])
    validated = {str(v.sqref).split(":")[0][0] for v in ws.data_validations.dataValidation}
    assert validated == {"J", "K", "L", "M"}


def test_a_filled_return_is_loaded_once_and_the_next_report_shows_it(project):
    store = project / "data" / "pmkit.duckdb"
    before = pmkit.open_source(store).commentary()
    path = fill_in(project / "housing.xlsx")
    done = pmkit_cli(project, "commentary", "import", str(path))
    assert done.returncode == 0, done.stderr
    after = pmkit.open_source(store).commentary()
    # 9 rows (8 indicators and the overview), internal and public each: the demo already had every one of them
    assert "0 rows added, 18 changed, 0 unchanged" in done.stdout, done.stdout
    assert len(after) == len(before)
    returned = {r["Indicator ID"]: r["Period"] for r in rows_of(path)}

    def untouched(frame):  # every row but those the return holds (an indicator's period, or Housing's overview)
        mine = [
            returned.get(i) == p if i else (d == "Housing" and p == PERIOD)
            for i, d, p in zip(frame["indicator_id"], frame["directorate"], frame["period"], strict=True)
        ]
        return frame[[not m for m in mine]].reset_index(drop=True)

    assert len(untouched(before)) == len(before) - 18
    pd.testing.assert_frame_equal(untouched(before), untouched(after))
    note = notes.for_indicator(after, "HOU-01", PERIOD, "internal")
    assert (note["text"], note["actions"]) == ("Returned commentary on HOU-01.", "Returned actions for HOU-01.")
    assert notes.for_indicator(after, "HOU-06", "Sep 2025", "public")["text"] == "What residents read about HOU-06."
    overview = notes.for_directorate(after, "Housing", PERIOD, "public")
    assert overview["text"] == "What residents read about Housing overview."
    stamp = digest(store)
    again = pmkit_cli(project, "commentary", "import", str(path))
    assert again.returncode == 0 and "nothing changed (18 rows already in the source" in again.stdout, again.stdout
    assert digest(store) == stamp

    run = pmkit_cli(
        project,
        "run",
        "quarterly",
        "--period",
        PERIOD,
        "--directorate",
        "housing",
        "--engine",
        "nbconvert",
        "--audience",
        "internal",
        "--audience",
        "public",
    )
    assert run.returncode == 0, run.stdout + run.stderr
    from bs4 import BeautifulSoup

    for audience, overview_words, hou01 in [
        ("internal", "Returned commentary on Housing overview.", "Returned commentary on HOU-01."),
        ("public", "What residents read about Housing overview.", "What residents read about HOU-01."),
    ]:
        page = BeautifulSoup(
            (page_folder(project / "outputs", "2025-26-Q2", audience) / "housing.html").read_text(), "html.parser"
        )
        assert overview_words in page.get_text(" ")
        item = page.select_one('li.exception[data-indicator="HOU-01"]')
        assert hou01 in item.select_one(".commentary").get_text(" ")


def _set(column: str, name: str, value):
    def edit(ws, rows, col):
        ws.cell(rows[name], col[column]).value = value

    return edit


@pytest.mark.parametrize(
    "edit, expected",
    [
        (
            _set("Indicator ID", "HOU-06", "HOU-99"),
            "housing.xlsx[Commentary]:5:Indicator ID: 'HOU-99' is not in the register",
        ),
        (
            _set("Indicator ID", "HOU-06", "HOU-04"),
            "housing.xlsx[Commentary]:5:Indicator ID: 'HOU-04' is not asked about in the 2025/26 Q2 return",
        ),
        (
            _set("Period", "HOU-06", "Aug 2025"),
            "housing.xlsx[Commentary]:5:Period: 'Aug 2025' is not the period this return asks about; expected Sep 2025",
        ),
        (
            _set("Commentary for members and officers", "HOU-10", None),
            "housing.xlsx[Commentary]:6:Commentary for members and officers: is empty",
        ),
        (
            _set("Value", "HOU-01", "3.50"),
            "housing.xlsx[Commentary]:3:Value: '3.50' is not the figure the source holds (3.93)",
        ),
        (
            _set("Status", "HOU-01", "On target"),
            "housing.xlsx[Commentary]:3:Status: 'On target' is not the figure the source holds (Off target)",
        ),
        (
            _set("Directorate", "HOU-01", "Hosuing"),
            "housing.xlsx[Commentary]:3:Directorate: 'Hosuing' is not a directorate of the source",
        ),
        (
            _set("Commentary for members and officers", "HOU-01", "x" * 4001),
            "housing.xlsx[Commentary]:3:Commentary for members and officers: is 4,001 characters long",
        ),
    ],
)
def test_a_mistake_in_a_return_is_named_and_nothing_is_loaded(project, edit, expected):
    store = project / "data" / "pmkit.duckdb"
    stamp = digest(store)
    path = fill_in(project / "housing.xlsx", edit)
    done = pmkit_cli(project, "commentary", "import", str(path))
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert any(line.startswith(expected) for line in done.stderr.splitlines()), done.stderr
    assert digest(store) == stamp  # the good rows of the same return were not loaded either
    assert [p.name for p in store.parent.iterdir()] == ["pmkit.duckdb"]


def test_a_file_that_is_not_a_return_is_refused(project):
    (project / "notes.xlsx").write_text("indicator_id,text\nHOU-01,hello\n")
    done = pmkit_cli(project, "commentary", "import", "notes.xlsx")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.startswith("notes.xlsx::: cannot be read as an Excel workbook"), done.stderr
    book = load_workbook(project / "housing.xlsx")
    book["About"]["B2"].value = "next spring"
    book.save(project / "odd.xlsx")
    done = pmkit_cli(project, "commentary", "import", "odd.xlsx")
    assert done.returncode == 2 and done.stderr.startswith(
        "odd.xlsx[About]:2:Reporting period: 'next spring' is not a period"
    ), done.stderr
    done = pmkit_cli(project, "commentary", "template", "--period", "Q9")
    assert done.returncode == 2 and "cannot read period 'Q9'" in done.stderr and "Traceback" not in done.stderr
    done = pmkit_cli(project, "commentary", "template", "--directorate", "Parks")
    assert done.returncode == 2 and "directorate Parks is not in the source" in done.stderr


MINI = Path(__file__).parents[1] / "data" / "mini_council"


def _as_workbook(folder: Path, path: Path) -> None:
    with pd.ExcelWriter(path) as book:
        for csv in sorted(folder.glob("*.csv")):
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_excel(book, sheet_name=csv.stem, index=False)
    shutil.copytree(folder / "case_studies", path.parent / "case_studies")


def _as_sqlite(folder: Path, path: Path) -> str:
    from sqlalchemy import create_engine

    engine = create_engine(f"sqlite:///{path}")
    with engine.begin() as con:
        for csv in sorted(folder.glob("*.csv")):
            pd.read_csv(csv, dtype=str, keep_default_na=False).to_sql(csv.stem, con, index=False)
    engine.dispose()
    return f"sqlite:///{path}"


@pytest.mark.parametrize(
    "kind", ["folder of CSV files", "folder with commentary.xlsx", "one workbook", "SQLite database"]
)
def test_commentary_is_written_back_into_every_kind_of_source_and_the_rest_is_untouched(tmp_path, kind):
    from pmkit.io.writeback import replace_table

    folder = tmp_path / "mini"
    shutil.copytree(MINI, folder)
    if kind == "folder with commentary.xlsx":
        pd.read_csv(folder / "commentary.csv", dtype=str).to_excel(
            folder / "commentary.xlsx", sheet_name="Commentary", index=False
        )
        (folder / "commentary.csv").unlink()
    location = folder
    if kind == "one workbook":
        (tmp_path / "book").mkdir()
        location = tmp_path / "book" / "council.xlsx"
        _as_workbook(MINI, location)
    elif kind == "SQLite database":
        location = _as_sqlite(MINI, tmp_path / "council.db")
    src = pmkit.open_source(location)
    before = src.tables()
    old = before["commentary"]
    new = pd.concat(
        [
            old,
            pd.DataFrame(
                [
                    {
                        "indicator_id": "HOU-01",
                        "directorate": "",
                        "period": "2025/26 Q1",
                        "audience": "public",
                        "text": "Demand rose, £ and “quotes” kept",
                        "actions": "",
                    }
                ]
            ),
        ],
        ignore_index=True,
    )
    replace_table(src, "commentary", new)
    after = pmkit.open_source(location).tables()
    got = after["commentary"][list(new.columns)].reset_index(drop=True)
    pd.testing.assert_frame_equal(got, new.astype(got.dtypes.to_dict()), check_dtype=False)
    for name in before:
        if name != "commentary":
            pd.testing.assert_frame_equal(before[name], after[name])
    if kind != "SQLite database":
        assert not [
            p.name
            for p in Path(location if Path(location).is_dir() else Path(location).parent).iterdir()
            if p.name.startswith(".")
        ]
