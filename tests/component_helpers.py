"""Readings built by hand for component tests: every expected figure in the tests is worked out here or in the test."""

from __future__ import annotations

import pandas as pd
from bs4 import BeautifulSoup

from pmkit.io import periods
from pmkit.judge import spc
from pmkit.judge.reading import Peers, Reading, SpcView


def month_labels(first: str, n: int) -> list[str]:
    start = periods.parse(first).start
    return [periods.label_of(start + i, "monthly") for i in range(n)]


def status_row(**changes) -> pd.Series:
    """A status row for "Repairs completed on time" in Sep 2025: 87.0% against a 92.0% target."""
    row = {
        "indicator_id": "REP-01",
        "title": "Repairs completed on time",
        "directorate": "Housing",
        "period": "Sep 2025",
        "value": 87.0,
        "target": 92.0,
        "rag": "red",
        "dot_previous": "declining",
        "dot_last_year": "improving",
        "dot": "declining",
        "quartile": pd.NA,
        "rank": pd.NA,
        "n_peers": pd.NA,
        "peer_median": float("nan"),
        "exceptions": ["red"],
        "previous_value": 89.5,
        "last_year_value": 85.0,
        "quality": "final",
    }
    row.update(changes)
    return pd.Series(row)


def register_row(**changes) -> pd.Series:
    row = {
        "indicator_id": "REP-01",
        "title": "Repairs completed on time",
        "directorate": "Housing",
        "service": "Repairs",
        "priority": "Good homes",
        "owner": "Head of Repairs",
        "unit": "percent",
        "polarity": "higher_is_better",
        "frequency": "monthly",
        "decimals": 1,
        "definition": "Repairs done within the agreed time.",
        "rationale": "Tenants wait less.",
        "data_source": "Repairs system",
        "seasonal": False,
        "public": True,
    }
    row.update(changes)
    return pd.Series(row)


def view(
    values: list[float], first: str = "Apr 2024", improvement: str = "increase", target: float | None = 92.0
) -> SpcView:
    return SpcView(spc.xmr(values, improvement=improvement, target=target), month_labels(first, len(values)), target)


def peers(values: dict[str, float], own: float, higher_better: bool = True, national: float | None = None) -> Peers:
    """Peers as the reading layer makes them, sorted best first, with this council's row marked."""
    table = pd.DataFrame(
        {
            "authority_name": [*values, "Thornbury Vale"],
            "value": [*values.values(), own],
            "own": [False] * len(values) + [True],
        }
    )
    table = table.sort_values(["value", "own"], ascending=[not higher_better, False]).reset_index(drop=True)
    others = pd.Series(list(values.values()))
    better = (others > own) if higher_better else (others < own)
    worse = (others < own) if higher_better else (others > own)
    return Peers(
        "nearest_neighbours",
        "Sep 2025",
        table,
        float(others.median()),
        national,
        "England" if national else None,
        int(better.sum()),
        int(worse.sum()),
    )


def reading(
    row: pd.Series | None = None,
    info: pd.Series | None = None,
    spc_view: SpcView | None = None,
    peer_group: Peers | None = None,
) -> Reading:
    return Reading(
        row if row is not None else status_row(), info if info is not None else register_row(), spc_view, peer_group
    )


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def text(node) -> str:
    """Visible text with white space collapsed."""
    return " ".join(node.get_text(" ").split())
