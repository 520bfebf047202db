"""Fingerprints of report inputs: equal for equal data from any kind of source, changed by any change in scope."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

import pmkit
from pmkit.io.schema import TABLES
from pmkit.io.sources import DuckDBSource, FolderSource, WorkbookSource, write_duckdb
from pmkit.runner.fingerprint import report_fingerprint, scope_rows, scoped_digests, table_digests

DATA = Path(__file__).parents[1] / "data"
MINI, EXTRA = DATA / "mini_council", DATA / "fingerprint"  # EXTRA adds feedback, actions and a Place case study
HOUSING_IDS, PLACE_IDS = {"HOU-01", "HOU-02"}, {"PL-01"}


def council_folder(path: Path) -> Path:
    """The mini council with feedback, actions and a second case study, as a folder source."""
    shutil.copytree(MINI, path)
    shutil.copytree(EXTRA, path, dirs_exist_ok=True)
    return path


@cache
def council() -> tuple[dict[str, pd.DataFrame], pd.DataFrame]:
    """The folder source's validated tables and case studies (copy before changing them)."""
    with tempfile.TemporaryDirectory() as tmp:
        src = pmkit.open_source(council_folder(Path(tmp) / "council"))
        return src.tables(), src.case_studies()


def tables() -> dict[str, pd.DataFrame]:
    return {name: frame.copy() for name, frame in council()[0].items()}


def typed(text: str) -> object:
    """A CSV cell as Excel would hold it: numbers, dates and yes/no typed, empty as no value."""
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+\.\d+", text):
        return float(text)
    if text in ("yes", "no"):
        return text == "yes"
    for form in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, form)
        except ValueError:
            pass
    return text or None


def write_workbook(folder: Path, path: Path) -> Path:
    """A workbook with a sheet per CSV file of ``folder``, typed cells and headers as people write them."""
    wb = Workbook()
    wb.remove(wb.active)
    for csv in sorted(folder.glob("*.csv")):
        frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
        ws = wb.create_sheet(csv.stem.title())
        ws.append([name.replace("_", " ").capitalize() for name in frame.columns])
        for row in frame.itertuples(index=False):
            ws.append([typed(cell) for cell in row])
    wb.save(path)
    shutil.copytree(folder / "case_studies", path.parent / "case_studies")
    return path


def with_value(frame: pd.DataFrame, indicator: str, period: str, value: float) -> pd.DataFrame:
    frame = frame.copy()
    frame.loc[(frame["indicator_id"] == indicator) & (frame["period"] == period), "value"] = value
    return frame


def test_a_folder_a_workbook_and_a_duckdb_file_holding_the_same_data_give_the_same_digests(tmp_path):
    folder = council_folder(tmp_path / "folder")
    (tmp_path / "book").mkdir()
    book = write_workbook(folder, tmp_path / "book" / "Council.xlsx")
    studies = [(p.stem, p.read_text(encoding="utf-8")) for p in sorted((folder / "case_studies").glob("*.md"))]
    original = pmkit.open_source(folder)
    store = write_duckdb({k: v for k, v in original.tables().items() if len(v)}, tmp_path / "council.duckdb", studies)
    sources = [pmkit.open_source(folder), pmkit.open_source(book), pmkit.open_source(store)]
    assert [type(s) for s in sources] == [FolderSource, WorkbookSource, DuckDBSource]

    digests = [scoped_digests(s.tables(), case_studies=s.case_studies()) for s in sources]
    assert set(digests[0]) == {*TABLES, "case_studies"}
    assert all(re.fullmatch(r"[0-9a-f]{64}", d) for d in digests[0].values())
    assert digests[1] == digests[0]
    assert digests[2] == digests[0]
    housing = [scoped_digests(s.tables(), "Housing", case_studies=s.case_studies()) for s in sources]
    assert housing[1] == housing[0] and housing[2] == housing[0]


def test_row_and_column_order_do_not_change_a_digest():
    frames = tables()
    measures = frames["measures"]
    reordered = measures.iloc[::-1, ::-1]
    assert list(reordered["period"])[0] == "2024/25" and list(reordered.columns)[0] == "note"
    assert table_digests({"m": reordered}) == table_digests({"m": measures})


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_any_permutation_of_rows_and_columns_keeps_every_digest(data):
    frames = tables()
    shuffled = {}
    for name, frame in frames.items():
        rows = data.draw(st.permutations(range(len(frame))), label=f"{name} rows")
        columns = data.draw(st.permutations(list(frame.columns)), label=f"{name} columns")
        shuffled[name] = frame.iloc[list(rows)][columns]
    assert table_digests(shuffled) == table_digests(frames)
    assert scoped_digests(shuffled, "Place") == scoped_digests(frames, "Place")


NUMBER_CELLS = [
    (name, col)
    for name, frame in council()[0].items()
    for col in frame.columns
    if frame[col].dtype == "float64" and len(frame)
]


@settings(max_examples=50, deadline=None)
@given(st.data())
def test_any_change_to_one_number_changes_its_tables_digest_and_no_other(data):
    name, col = data.draw(st.sampled_from(NUMBER_CELLS), label="cell")
    frames = tables()
    row = data.draw(st.integers(0, len(frames[name]) - 1), label="row")
    old = frames[name].at[row, col]
    new = data.draw(
        st.floats(allow_nan=True, allow_infinity=True) | st.just(old + 0.5) | st.just(np.nan), label="new value"
    )
    assume(not (new == old or (np.isnan(new) and np.isnan(old))))
    before = table_digests(frames)
    frames[name].at[row, col] = new
    after = table_digests(frames)
    assert {n for n in before if before[n] != after[n]} == {name}


def test_one_and_one_and_a_half_differ_and_every_copy_of_a_row_counts():
    one = pd.DataFrame({"indicator_id": ["X"], "value": [1.0]})
    assert table_digests({"t": one}) != table_digests({"t": one.assign(value=[1.5])})
    assert table_digests({"t": one}) != table_digests({"t": pd.concat([one, one])})
    assert table_digests({"t": pd.concat([one, one])}) != table_digests({"t": pd.concat([one, one, one])})


def test_column_names_count_even_where_no_row_shows_them():
    measures = tables()["measures"]
    assert table_digests({"m": measures.rename(columns={"note": "notes"})}) != table_digests({"m": measures})
    assert table_digests({"t": measures.iloc[:0]}) != table_digests({"t": measures.iloc[:0, :-1]})


def test_missing_values_hash_alike_however_written():
    frames = tables()
    measures = frames["measures"]
    ways = [np.nan, None, float("nan"), -np.nan, np.float64("nan")]
    digests = {table_digests({"m": with_value(measures, "HOU-01", "2025/26 Q1", way)})["m"] for way in ways}
    assert len(digests) == 1
    assert digests != {table_digests({"m": measures})["m"]}
    text = pd.DataFrame({"id": ["a", "b"], "note": pd.Series(["x", None], dtype=object)})
    assert table_digests({"t": text}) == table_digests({"t": text.assign(note=pd.Series(["x", np.nan], dtype=object))})
    assert table_digests({"t": text}) == table_digests({"t": text.assign(note=pd.Series(["x", None], dtype="str"))})
    assert table_digests({"t": text}) != table_digests({"t": text.assign(note=["x", "None"])})


def test_the_housing_scope_holds_exactly_housings_rows():
    scoped = scope_rows(tables(), "Housing", case_studies=council()[1])
    assert set(scoped["indicators"]["indicator_id"]) == HOUSING_IDS
    assert list(scoped["measures"]["period"]) == ["2025/26 Q1", "2025/26 Q2", "Aug 2025", "Sep 2025", "Jul 2025"]
    assert len(scoped["targets"]) == 2 and len(scoped["commentary"]) == 1
    assert len(scoped["benchmarks"]) == 2  # HOU-02's benchmark_metric is rep, the metric of both rows
    assert list(scoped["feedback"]["feedback_id"]) == [
        "F1",
        "F3",
    ]  # F3 is Resources' but about repairs, HOU-02's service
    assert list(scoped["actions"]["action_id"]) == ["CP-1"]
    assert list(scoped["action_updates"]["period"]) == ["2025/26 Q1", "2025/26 Q2"]  # CP-1's history
    assert list(scoped["case_studies"]["name"]) == ["repairs-hub"]


def test_the_place_scope_holds_exactly_places_rows():
    scoped = scope_rows(tables(), "  place ", case_studies=council()[1])
    assert set(scoped["indicators"]["indicator_id"]) == PLACE_IDS
    assert list(scoped["measures"]["period"]) == ["2023/24", "2024/25"]
    assert scoped["targets"].empty and scoped["benchmarks"].empty and scoped["commentary"].empty
    assert list(scoped["feedback"]["feedback_id"]) == ["F2", "F4"]
    assert list(scoped["actions"]["action_id"]) == [
        "CP-2"
    ]  # CP-3 has no directorate: only whole-council reports read it
    assert list(scoped["action_updates"]["update"]) == ["Vehicles late"]
    assert list(scoped["case_studies"]["name"]) == ["litter-pickers"]  # its directorate is written 'place'


def test_an_indicator_scope_holds_its_rows_and_its_services_feedback():
    scoped = scope_rows(tables(), indicator_ids=["HOU-02"])
    assert list(scoped["indicators"]["indicator_id"]) == ["HOU-02"]
    assert list(scoped["measures"]["period"]) == ["Aug 2025", "Sep 2025", "Jul 2025"]
    assert list(scoped["targets"]["indicator_id"]) == ["HOU-02"]
    assert scoped["commentary"].empty  # the one commentary row is HOU-01's
    assert len(scoped["benchmarks"]) == 2
    assert list(scoped["feedback"]["feedback_id"]) == ["F1", "F3"]


def test_changing_one_directorates_figure_changes_only_its_digest():
    frames, studies = tables(), council()[1]
    before = {d: scoped_digests(frames, d, case_studies=studies) for d in ("Housing", "Place", None)}
    frames["measures"] = with_value(frames["measures"], "HOU-02", "Aug 2025", 91.5)
    after = {d: scoped_digests(frames, d, case_studies=studies) for d in ("Housing", "Place", None)}
    assert after["Place"] == before["Place"]
    assert {t for t in before["Housing"] if before["Housing"][t] != after["Housing"][t]} == {"measures"}
    assert {t for t in before[None] if before[None][t] != after[None][t]} == {"measures"}
    assert scoped_digests(frames, indicator_ids=["HOU-01"]) == scoped_digests(tables(), indicator_ids=["HOU-01"])


def test_adding_a_row_changes_only_its_directorates_digest():
    frames = tables()
    before = {d: scoped_digests(frames, d) for d in ("Housing", "Place", None)}
    added = pd.DataFrame(
        {"indicator_id": ["PL-01"], "period": ["2025/26"], "value": [18.0], "quality": ["provisional"]}
    )
    frames["measures"] = pd.concat([frames["measures"], added], ignore_index=True)
    after = {d: scoped_digests(frames, d) for d in ("Housing", "Place", None)}
    assert after["Housing"] == before["Housing"]
    assert after["Place"]["measures"] != before["Place"]["measures"]
    assert after[None]["measures"] != before[None]["measures"]


def test_feedback_actions_and_case_studies_change_only_their_directorates_digest():
    frames, studies = tables(), council()[1].copy()
    before = {d: scoped_digests(frames, d, case_studies=studies) for d in ("Housing", "Place", None)}
    frames["feedback"].loc[frames["feedback"]["feedback_id"] == "F4", "rating"] = 2.0
    frames["actions"].loc[frames["actions"]["action_id"] == "CP-2", "status"] = "off_track"
    frames["action_updates"].loc[frames["action_updates"]["action_id"] == "CP-2", "percent_complete"] = 25.0
    studies.loc[studies["name"] == "litter-pickers", "body"] = "Fifty residents now pick litter.\n"
    after = {d: scoped_digests(frames, d, case_studies=studies) for d in ("Housing", "Place", None)}
    assert after["Housing"] == before["Housing"]
    changed = {"feedback", "actions", "action_updates", "case_studies"}
    assert {t for t in before["Place"] if before["Place"][t] != after["Place"][t]} == changed
    assert {t for t in before[None] if before[None][t] != after[None][t]} == changed


def test_without_a_scope_every_table_is_hashed_whole():
    frames = tables()
    assert scoped_digests(frames) == table_digests(frames)
    frames["actions"].loc[frames["actions"]["action_id"] == "CP-3", "percent_complete"] = 10.0  # in no directorate
    assert scoped_digests(frames)["actions"] != table_digests(tables())["actions"]
    assert scoped_digests(frames, "Housing") == scoped_digests(tables(), "Housing")


@pytest.fixture
def notebook(tmp_path):
    path = tmp_path / "service_area.ipynb"
    path.write_text('{"cells": [], "nbformat": 4}\n', encoding="utf-8")
    return path


def test_a_report_fingerprint_changes_with_each_of_its_inputs(notebook):
    params = {"directorate": "Housing", "period": "2025/26 Q2", "audience": "internal"}
    digests = scoped_digests(tables(), "Housing")
    base = report_fingerprint(notebook, params, digests, "0.1.0")
    assert re.fullmatch(r"[0-9a-f]{64}", base)
    assert (
        report_fingerprint(notebook, dict(reversed(params.items())), dict(reversed(digests.items())), "0.1.0") == base
    )
    assert report_fingerprint(notebook, {**params, "audience": "public"}, digests, "0.1.0") != base
    assert report_fingerprint(notebook, params, {**digests, "measures": "0" * 64}, "0.1.0") != base
    assert report_fingerprint(notebook, params, digests, "0.1.1") != base
    notebook.write_text('{"cells": [], "nbformat": 4} \n', encoding="utf-8")
    assert report_fingerprint(notebook, params, digests, "0.1.0") != base


def test_the_parts_of_a_fingerprint_cannot_run_together(tmp_path):
    """Run together, these two would be the same bytes: X{"a":1}{}{}v."""
    short, long = tmp_path / "short.ipynb", tmp_path / "long.ipynb"
    short.write_bytes(b"X")
    long.write_bytes(b'X{"a":1}')
    assert report_fingerprint(short, {"a": 1}, {}, "{}v") != report_fingerprint(long, {}, {}, "v")
    assert report_fingerprint(short, {"a": "b"}, {}, "1") != report_fingerprint(short, {}, {"a": "b"}, "1")


STABILITY = """
import json, sys
from pathlib import Path
import pmkit
from pmkit.runner.fingerprint import report_fingerprint, scoped_digests
src = pmkit.open_source(sys.argv[1])
digests = scoped_digests(src.tables(), case_studies=src.case_studies())
params = {"directorates": {"Housing", "Place", "Resources", "Adults", "Children"}, "folder": Path("outputs")}
print(json.dumps([digests, report_fingerprint(Path(sys.argv[2]), params, digests, "0.1.0")]))
"""


def test_digests_and_fingerprints_are_the_same_in_every_process(tmp_path, notebook):
    """Python salts its own string hashes per process; nothing here may depend on them (set order included)."""
    folder = council_folder(tmp_path / "council")
    runs = [
        subprocess.run(
            [sys.executable, "-c", STABILITY, str(folder), str(notebook)],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        ).stdout
        for seed in ("1", "2")
    ]
    first, second = (json.loads(run) for run in runs)
    assert first == second
    assert first[0] == scoped_digests(council()[0], case_studies=council()[1])


def test_a_directorates_overview_is_in_its_own_scope_only():
    data = tables()
    words = pd.DataFrame(
        {
            "indicator_id": ["", "", ""],
            "directorate": ["Housing", "Place", ""],
            "period": ["2025/26 Q2", "2025/26 Q2", "2024/25"],
            "audience": ["internal"] * 3,
            "text": ["Housing's quarter", "Place's quarter", "The foreword"],
            "actions": ["", "", ""],
        }
    )
    data = {**data, "commentary": pd.concat([data["commentary"], words], ignore_index=True)}
    housing = scope_rows(data, directorate=" housing ")["commentary"]
    assert set(housing["text"]) == set(
        data["commentary"].loc[data["commentary"]["indicator_id"].isin(HOUSING_IDS), "text"]
    ) | {"Housing's quarter"}
    assert set(scope_rows(data, directorate="Place")["commentary"]["text"]) == {"Place's quarter"} | set(
        data["commentary"].loc[data["commentary"]["indicator_id"].isin(PLACE_IDS), "text"]
    )
    assert "The foreword" in set(scope_rows(data)["commentary"]["text"])  # the annual report reads every row
