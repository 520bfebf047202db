"""The summary strip: how many indicators are in each status, and in each direction of travel."""

from __future__ import annotations

import pandas as pd

from pmkit.components.templating import render
from pmkit.components.words import Words
from pmkit.judge.status import RAG_CODES

DOT_ORDER = ("improving", "no_change", "declining", "increasing", "decreasing", "not_comparable")


def summary_strip(status: pd.DataFrame, words: Words) -> str:
    """Two small tables: counts by status against target, and by headline direction of travel."""
    rag = status["rag"].value_counts()
    dot = status["dot"].value_counts()
    return render(
        "summary.html.j2",
        words=words,
        total=len(status),
        rag=[(code, int(rag[code])) for code in RAG_CODES if rag.get(code, 0)],
        dot=[(code, int(dot[code])) for code in DOT_ORDER if dot.get(code, 0)],
    )
