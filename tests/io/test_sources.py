"""The three kinds of source serve the same validated tables."""

import shutil
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from sqlalchemy import create_engine

import pmkit
from pmkit.io.sources import FolderSource, SQLSource, WorkbookSource, write_duckdb

MINI = Path(__file__).parents[1] / "data" / "mini_council"


def _same(a: pmkit.io.sources.Source, b: pmkit.io.sources.Source):
    for name, frame in a.tables().items():
        other = b.tables()[name]
        pd.testing.assert_frame_equal(frame.reset_index(drop=True), other.reset_index(drop=True), check_dtype=False)
    pd.testing.assert_frame_equal(a.case_studies(), b.case_studies())


def test_folder_source_is_recognised():
    assert isinstance(pmkit.open_source(MINI), FolderSource)


def test_a_workbook_with_a_sheet_per_table_serves_the_same_tables(tmp_path):
    with pd.ExcelWriter(tmp_path / "Council.xlsx") as book:
        for name in ("indicators", "measures", "targets", "benchmarks", "commentary"):
            frame = pd.read_csv(MINI / f"{name}.csv", dtype=str, keep_default_na=False)
            frame.to_excel(book, sheet_name=name.title(), index=False)
    shutil.copytree(MINI / "case_studies", tmp_path / "case_studies")
    src = pmkit.open_source(tmp_path / "Council.xlsx")
    assert isinstance(src, WorkbookSource)
    _same(pmkit.open_source(MINI), src)


def test_duckdb_store_round_trip(tmp_path):
    folder = pmkit.open_source(MINI)
    studies = [
        (n, (MINI / "case_studies" / f"{n}.md").read_text(encoding="utf-8")) for n in folder.case_studies()["name"]
    ]
    store = write_duckdb({k: v for k, v in folder.tables().items() if len(v)}, tmp_path / "pmkit.duckdb", studies)
    _same(folder, pmkit.open_source(store))


def test_duckdb_store_is_replaced_only_when_complete(tmp_path):
    store = write_duckdb({"indicators": pmkit.open_source(MINI).indicators()}, tmp_path / "pmkit.duckdb")
    before = store.read_bytes()
    with pytest.raises(duckdb.Error):
        write_duckdb({"indicators": object()}, store)
    assert store.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pmkit.duckdb"]


@pytest.mark.postgres
def test_sql_source_on_a_real_postgresql_server(postgres_url):
    folder = pmkit.open_source(MINI)
    engine = create_engine(postgres_url)
    with engine.begin() as con:
        for name in ("indicators", "measures", "targets", "benchmarks", "commentary"):
            raw = pd.read_csv(MINI / f"{name}.csv", dtype=str)
            raw.to_sql(name, con, if_exists="replace", index=False)
        pd.DataFrame(
            {
                "name": ["repairs-hub"],
                "markdown": [(MINI / "case_studies" / "repairs-hub.md").read_text(encoding="utf-8")],
            }
        ).to_sql("case_studies", con, if_exists="replace", index=False)
    engine.dispose()
    src = pmkit.open_source(postgres_url)
    assert isinstance(src, SQLSource)
    _same(folder, src)
    st = pmkit.judge.status.assess(src.measures(), src.indicators(), "2025/26 Q2", targets=src.targets())
    assert dict(zip(st.indicator_id, st.rag)) == {"HOU-01": "red", "HOU-02": "amber", "PL-01": "no_target"}


@pytest.mark.postgres
def test_sql_source_reports_bad_rows_by_table_and_row(postgres_url):
    engine = create_engine(postgres_url)
    with engine.begin() as con:
        pd.read_csv(MINI / "indicators.csv", dtype=str).to_sql("indicators", con, if_exists="replace", index=False)
        m = pd.read_csv(MINI / "measures.csv", dtype=str)
        m.loc[2, "value"] = "n/a"
        m.to_sql("measures", con, if_exists="replace", index=False)
        for name in ("targets", "benchmarks", "commentary", "case_studies"):
            con.exec_driver_sql(f'drop table if exists "{name}"')
    engine.dispose()
    with pytest.raises(pmkit.ValidationError) as caught:
        pmkit.open_source(postgres_url).tables()
    assert caught.value.lines() == ["measures:3:value: 'n/a' is not a number; expected a number such as 42 or 3.5"]
