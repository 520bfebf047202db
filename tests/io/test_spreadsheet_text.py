"""Text that leaves pmkit as a spreadsheet stays text: a title ``=2+3`` or commentary ``=HYPERLINK(...)`` is never a
live formula in a workbook pmkit writes or a CSV it publishes, and pmkit reads what it wrote back as it was typed."""

import csv
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

import pmkit
from pmkit.io.sources import write_folder
from pmkit.io.spreadsheet import keep_text, neutralise, neutralise_frame, restore
from pmkit.judge import status
from pmkit.runner.publish import write_open_data

DATA = Path(__file__).parents[1] / "data"
MINI, EXTRA = DATA / "mini_council", DATA / "fingerprint"
PERIOD = "2025/26 Q2"
LINK = '=HYPERLINK("http://example.invalid","click me")'

# Every text field that reaches a CSV or a workbook, each holding something a spreadsheet would run. A text that
# begins with an apostrophe (the quote itself, or before a letter) must come back as it was too.
PAYLOADS = {
    ("indicators", "HOU-01", "title"): "=2+3",
    ("indicators", "HOU-01", "definition"): LINK,
    ("indicators", "HOU-02", "title"): "@SUM(1+1) repairs on time",
    ("indicators", "HOU-02", "definition"): "-2+3 jobs done within the target time",
    ("indicators", "PL-01", "title"): "'Tis the waste sent to landfill",
    ("indicators", "PL-01", "definition"): "+ household waste, by weight",
    ("commentary", "HOU-01", "text"): LINK,
    ("commentary", "HOU-01", "actions"): "- Open a new hostel\n- Review demand",
    ("actions", "CP-1", "title"): LINK,
    ("actions", "CP-1", "update"): "@Head of Housing: site bought",
    ("actions", "CP-2", "title"): "+20 food waste rounds",
    ("actions", "CP-2", "update"): "'=2+3 as typed, quote and all",
    ("feedback", "F1", "text"): "=2+3",
    ("feedback", "F2", "text"): "-- bins missed twice in August",
}
KEYS = {"indicators": "indicator_id", "commentary": "indicator_id", "actions": "action_id", "feedback": "feedback_id"}


def payload_tables() -> dict[str, pd.DataFrame]:
    """The mini council with feedback and actions, every text field above holding its payload, and a budget
    variance whose figures are negative numbers (which must stay numbers)."""
    tables = {
        p.stem: pd.read_csv(p, dtype=str, keep_default_na=False)
        for folder in (MINI, EXTRA)
        for p in folder.glob("*.csv")
    }
    tables["indicators"]["definition"] = ""
    for (table, key, column), text in PAYLOADS.items():
        frame = tables[table]
        frame.loc[frame[KEYS[table]] == key, column] = text
    budget = {
        "indicator_id": "FIN-01",
        "title": "Budget variance",
        "directorate": "Resources",
        "service": "Finance",
        "priority": "Homes",
        "owner": "Head of Finance",
        "unit": "gbp",
        "polarity": "higher_is_better",
        "frequency": "quarterly",
        "decimals": "2",
        "tolerance": "0.05",
        "tolerance_type": "relative",
        "public": "yes",
        "seasonal": "no",
        "minimum": "-1000000",
    }
    tables["indicators"] = pd.concat([tables["indicators"], pd.DataFrame([budget])], ignore_index=True).fillna("")
    tables["measures"] = pd.concat(
        [
            tables["measures"],
            pd.DataFrame(
                {"indicator_id": "FIN-01", "period": ["2025/26 Q1", PERIOD], "value": [-1.25, -3.5], "quality": "final"}
            ),
        ],
        ignore_index=True,
    )
    return tables


def assert_payloads_read_back(src) -> None:
    tables = src.tables()
    for (table, key, column), text in PAYLOADS.items():
        frame = tables[table]
        if table == "commentary":
            frame = frame[(frame["period"] == PERIOD) & (frame["audience"] == "internal")]
        assert frame.loc[frame[KEYS[table]] == key, column].tolist() == [text], (table, key, column)


def formulas_in(path: Path) -> list[str]:
    """The formula elements of every sheet of a saved workbook, as its XML has them."""
    with zipfile.ZipFile(path) as book:
        return [
            f
            for name in book.namelist()
            if name.startswith("xl/worksheets/")
            for f in re.findall(r"<f[ >].*?</f>", book.read(name).decode("utf-8"))
        ]


def text_cells(path: Path) -> dict[str, str]:
    """Every cell holding a string, as ``sheet!A1`` -> its stored type, reopened with openpyxl."""
    book = openpyxl.load_workbook(path)
    return {
        f"{ws.title}!{c.coordinate}": c.data_type
        for ws in book.worksheets
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str)
    }


def type_text(cell, text: str) -> None:
    """What Excel stores when someone types text (a quote first if it begins with =): a text cell."""
    cell.value = text
    cell.data_type = "s"


def pmkit_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pmkit.cli", *args], cwd=cwd, capture_output=True, text=True)


# --- the rule itself --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["=2+3", "+2+3", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1", LINK, "- a list"])
def test_a_text_a_spreadsheet_would_run_gets_a_quote_and_loses_it_when_read(text):
    assert neutralise(text) == "'" + text
    assert restore("'" + text) == text


@pytest.mark.parametrize("text", ["-3.5", "+2", "-1e5", "12", "'Tis the season", "'quoted'", "Fine = good", "", "'"])
def test_numbers_and_ordinary_text_are_left_as_they_are(text):
    assert neutralise(text) == text
    assert restore(text) == text


@given(st.text())
def test_every_text_comes_back_exactly_and_none_is_written_as_a_formula(text):
    written = neutralise(text)
    assert restore(written) == text
    assert not written.startswith(("=", "+", "-", "@", "\t", "\r")) or re.fullmatch(r"[+-][\d.eE+-]+", written)


def test_only_text_cells_of_a_table_are_quoted():
    frame = pd.DataFrame(
        {
            "title": ["=2+3", "Fine", None],
            "value": [-3.5, 2.0, None],
            "code": pd.array(["-x", pd.NA, "y"], dtype="string"),
        }
    )
    out = neutralise_frame(frame)
    assert out["title"].tolist()[:2] == ["'=2+3", "Fine"] and out["value"].tolist()[:2] == [-3.5, 2.0]
    assert out["code"].tolist()[0] == "'-x" and frame["title"].tolist()[0] == "=2+3"  # the caller's frame is untouched


def test_a_string_openpyxl_would_store_as_a_formula_or_an_error_is_stored_as_text(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["=2+3", "#N/A", "-2+3", "plain", 42])
    keep_text(book.worksheets)
    book.save(tmp_path / "b.xlsx")
    assert formulas_in(tmp_path / "b.xlsx") == []
    ws = openpyxl.load_workbook(tmp_path / "b.xlsx").active
    assert [c.value for c in ws[1]] == ["=2+3", "#N/A", "-2+3", "plain", 42]
    assert [c.data_type for c in ws[1]] == ["s", "s", "s", "s", "n"]
    assert [c.quotePrefix for c in ws[1]] == [True, False, True, False, False]  # Excel keeps them text when edited


# --- CSV sources and the published status.csv --------------------------------------------------------------------


@pytest.fixture
def folder(tmp_path) -> Path:
    """The payload council as a folder source, written by pmkit as its importers write one."""
    out = write_folder(payload_tables(), tmp_path / "council")
    (out / "case_studies").mkdir()
    return out


def test_a_folder_pmkit_writes_quotes_formulas_and_validate_reads_them_back_as_typed(folder):
    rows = {
        r["indicator_id"]: r
        for r in csv.DictReader(io.StringIO((folder / "indicators.csv").read_text(encoding="utf-8")))
    }
    assert rows["HOU-01"]["title"] == "'=2+3" and rows["HOU-01"]["definition"] == "'" + LINK
    assert rows["PL-01"]["title"] == "'Tis the waste sent to landfill"  # an apostrophe before a letter: as typed
    measures = (folder / "measures.csv").read_text(encoding="utf-8")
    assert "FIN-01,2025/26 Q2,-3.5,final" in measures  # a negative number stays a number
    actions = {
        r["action_id"]: r for r in csv.DictReader(io.StringIO((folder / "actions.csv").read_text(encoding="utf-8")))
    }
    assert actions["CP-2"]["update"] == "''=2+3 as typed, quote and all"
    done = pmkit_cli("validate", str(folder), cwd=folder.parent)
    assert done.returncode == 0, done.stderr
    assert_payloads_read_back(pmkit.open_source(folder))


def test_status_csv_shows_a_formula_title_as_text_and_numbers_as_numbers(folder, tmp_path):
    # as a run writes it: the status of every indicator, exceptions joined by spaces
    src = pmkit.open_source(folder)
    table = status.assess(src.measures(), src.indicators(), PERIOD, targets=src.targets(), benchmarks=src.benchmarks())
    write_open_data(tmp_path / "out", table.assign(exceptions=table["exceptions"].map(" ".join)), "status")
    text = (tmp_path / "out" / "status.csv").read_text(encoding="utf-8")
    rows = {r["indicator_id"]: r for r in csv.DictReader(io.StringIO(text))}
    assert rows["HOU-01"]["title"] == "'=2+3"
    assert rows["HOU-02"]["title"] == "'@SUM(1+1) repairs on time"
    assert rows["PL-01"]["title"] == "'Tis the waste sent to landfill"
    assert (rows["FIN-01"]["value"], rows["FIN-01"]["previous_value"]) == ("-3.5", "-1.25")
    assert "\nFIN-01,Budget variance,Resources,2025/26 Q2,-3.5," in text
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert [c for c in cells if c.startswith(("=", "+", "-", "@", "\t", "\r"))] == ["-3.5", "-1.25"]  # numbers only


# --- the commentary return: template, fill in, import, import again ----------------------------------------------


def as_workbook(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """The tables as one workbook, a sheet each, every text a text cell (as a council's Excel holds typed text)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, frame in tables.items():
        ws = book.create_sheet(name)
        ws.append(list(frame.columns))
        for row in frame.itertuples(index=False):
            ws.append([None if v == "" else str(v) for v in row])
    keep_text(book.worksheets)
    book.save(path)
    return path


@pytest.mark.parametrize("kind", ["folder of CSV files", "one workbook"])
def test_the_commentary_round_trip_keeps_formula_like_text_exactly(tmp_path, kind):
    location = write_folder(payload_tables(), tmp_path / "council")
    (location / "case_studies").mkdir()
    if kind == "one workbook":
        location = as_workbook(payload_tables(), tmp_path / "council.xlsx")
    done = pmkit_cli(
        "commentary",
        "template",
        "--source",
        str(location),
        "--period",
        PERIOD,
        "--directorate",
        "Housing",
        "--out",
        "return.xlsx",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    returned = tmp_path / "return.xlsx"
    assert formulas_in(returned) == []
    assert set(text_cells(returned).values()) == {"s"}
    book = openpyxl.load_workbook(returned)
    ws = book["Commentary"]
    header = [c.value for c in ws[1]]
    col = {name: header.index(name) + 1 for name in header}
    rows = {ws.cell(r, 1).value or "overview": r for r in range(2, ws.max_row + 1)}
    assert set(rows) == {"overview", "HOU-01", "HOU-02"}
    hou01, hou02 = rows["HOU-01"], rows["HOU-02"]
    assert ws.cell(hou01, col["Indicator"]).value == "=2+3"
    assert ws.cell(hou02, col["Indicator"]).value == "@SUM(1+1) repairs on time"
    assert ws.cell(hou01, col["Commentary for members and officers"]).value == LINK  # this period's, to start from
    assert ws.cell(hou01, col["Actions"]).value == "- Open a new hostel\n- Review demand"
    # a service manager writes the missing commentary, formula-like text typed as text
    typed = {
        "Commentary for members and officers": "=SUM(1,2) more jobs than planned",
        "Actions": "+ a second repairs team",
        "Commentary for residents": "@Repairs: most jobs on time",
    }
    for header_name, text in typed.items():
        type_text(ws.cell(hou02, col[header_name]), text)
    type_text(ws.cell(rows["overview"], col["Commentary for members and officers"]), "-2+3 overall")
    book.save(returned)

    done = pmkit_cli("commentary", "import", "return.xlsx", "--source", str(location), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "3 rows added, 0 changed, 1 unchanged" in done.stdout, done.stdout
    src = pmkit.open_source(location)
    notes = src.commentary()
    q2 = notes.set_index(["indicator_id", "directorate", "period", "audience"])  # HOU-02 is monthly: its Sep 2025
    assert q2.loc[("HOU-02", "", "Sep 2025", "internal"), ["text", "actions"]].tolist() == [
        "=SUM(1,2) more jobs than planned",
        "+ a second repairs team",
    ]
    assert q2.loc[("HOU-02", "", "Sep 2025", "public"), "text"] == "@Repairs: most jobs on time"
    assert q2.loc[("", "Housing", PERIOD, "internal"), "text"] == "-2+3 overall"
    assert q2.loc[("HOU-01", "", PERIOD, "internal"), ["text", "actions"]].tolist() == [
        LINK,
        "- Open a new hostel\n- Review demand",
    ]
    assert_payloads_read_back(src)  # and every other table as it was
    if kind == "folder of CSV files":
        stored = {
            (r["indicator_id"], r["directorate"], r["audience"]): r
            for r in csv.DictReader(io.StringIO((location / "commentary.csv").read_text(encoding="utf-8")))
        }
        assert stored[("HOU-02", "", "internal")]["text"] == "'=SUM(1,2) more jobs than planned"
        assert stored[("HOU-01", "", "internal")]["text"] == "'" + LINK
    else:
        assert formulas_in(location) == []
        assert set(text_cells(location).values()) == {"s"}

    again = pmkit_cli("commentary", "import", "return.xlsx", "--source", str(location), cwd=tmp_path)
    assert again.returncode == 0, again.stderr
    assert "nothing changed (4 rows already in the source as they are in the return)" in again.stdout, again.stdout


# --- the example workbook ----------------------------------------------------------------------------------------


def test_the_example_workbook_holds_formula_like_demo_text_as_text(tmp_path, monkeypatch):
    from pmkit.project import demo
    from pmkit.project.template import write_template

    real = demo.build_demo()
    tables = real.tables
    ind, acts, fb, notes = tables["indicators"], tables["actions"], tables["feedback"], tables["commentary"]
    first = ind.index[ind["directorate"] == "Housing"][0]
    iid = ind.at[first, "indicator_id"]
    ind.loc[first, ["title", "definition"]] = ["=2+3", LINK]
    act = acts.index[acts["directorate"] == "Housing"][0]
    acts.loc[act, ["title", "update"]] = [LINK, "-2+3 done"]
    fed = fb.index[fb["directorate"] == "Housing"][0]
    fb.loc[fed, "text"] = "@everyone the bins"
    note = notes.index[notes["indicator_id"] == iid][0]
    notes.loc[note, ["text", "actions"]] = [LINK, "+ more staff"]
    monkeypatch.setattr(demo, "build_demo", lambda seed=2025: real)
    path = write_template(tmp_path, example=True)
    assert formulas_in(path) == []
    assert set(text_cells(path).values()) == {"s"}
    src = pmkit.open_source(path)
    got = src.tables()
    assert got["indicators"].set_index("indicator_id").loc[iid, ["title", "definition"]].tolist() == ["=2+3", LINK]
    assert got["actions"].set_index("action_id").loc[acts.at[act, "action_id"], ["title", "update"]].tolist() == [
        LINK,
        "-2+3 done",
    ]
    assert got["feedback"].set_index("feedback_id").loc[fb.at[fed, "feedback_id"], "text"] == "@everyone the bins"
    kept = got["commentary"].set_index(["indicator_id", "period", "audience"])
    assert kept.loc[(iid, notes.at[note, "period"], notes.at[note, "audience"]), ["text", "actions"]].tolist() == [
        LINK,
        "+ more staff",
    ]
