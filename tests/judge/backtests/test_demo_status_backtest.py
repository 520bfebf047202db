"""Backtest: the demo council's whole status table for 2025/26 Q2 against a checked copy.

Any change to a judgement (RAG, direction, benchmark position, exception) shows here as a
named cell. The checked copy was reviewed against the demo's design (31 green, 17 amber,
13 red, 3 not judged, one missing return, two green-but-bottom-quartile indicators; families in
bed and breakfast is a zero-tolerance limit, so its 1 against 0 is red). When a rule changes on
purpose, regenerate it and review the diff.
"""

import io
from pathlib import Path

import pandas as pd

import pmkit
from pmkit.io.sources import write_duckdb
from pmkit.project.demo import build_demo

CHECKED = Path(__file__).with_name("demo-2025-26-Q2-status.csv")


def test_demo_status_matches_the_checked_table(tmp_path):
    demo = build_demo()
    src = pmkit.open_source(write_duckdb(demo.tables, tmp_path / "demo.duckdb", demo.case_studies))
    st = pmkit.judge.status.assess(
        src.measures(),
        src.indicators(),
        "2025/26 Q2",
        targets=src.targets(),
        benchmarks=src.benchmarks(),
        rag_suspended=["2020/21"],
    )
    got = pd.read_csv(
        io.StringIO(st.assign(exceptions=st["exceptions"].map(" ".join)).to_csv(index=False, float_format="%.6g")),
        dtype=str,
        keep_default_na=False,
    )
    want = pd.read_csv(CHECKED, dtype=str, keep_default_na=False)
    assert list(got.columns) == list(want.columns)
    differences = [
        f"{want.at[i, 'indicator_id']}.{col}: expected {want.at[i, col]!r}, got {got.at[i, col]!r}"
        for col in want.columns
        for i in want.index
        if got.at[i, col] != want.at[i, col]
    ]
    assert not differences, "\n".join(differences[:40])
