"""Officers' commentary: the row that belongs to an indicator, period and audience.

>>> for_indicator(src.commentary(), "ASC-02", "2025/26 Q2", "internal")["text"]   # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd


def for_indicator(commentary: pd.DataFrame | None, indicator_id: str, period: str, audience: str) -> pd.Series | None:
    """The commentary for one indicator's judged period and audience (the last such row), or None."""
    if commentary is None or commentary.empty:
        return None
    rows = commentary[
        (commentary["indicator_id"] == indicator_id) & (commentary["audience"] == audience) & (commentary["period"] == period)
    ]
    return None if rows.empty else rows.iloc[-1]
