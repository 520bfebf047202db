"""Officers' commentary at three levels: an indicator's (why, and what is being done), a
directorate's overview of a period (it opens the quarterly report) and the council's foreword (it
opens the annual report).

>>> for_indicator(src.commentary(), "ASC-02", "2025/26 Q2", "internal")["text"]   # doctest: +SKIP
>>> for_directorate(src.commentary(), "Housing", "2025/26 Q2", "public")          # doctest: +SKIP
"""

from __future__ import annotations

import pandas as pd


def _last(
    commentary: pd.DataFrame | None, period: str, audience: str, indicator_id: str = "", directorate: str | None = ""
) -> pd.Series | None:
    if commentary is None or commentary.empty:
        return None
    rows = commentary[
        (commentary["indicator_id"] == indicator_id)
        & (commentary["audience"] == audience)
        & (commentary["period"] == period)
    ]
    if directorate is not None and "directorate" in rows:
        rows = rows[rows["directorate"].str.strip().str.casefold() == directorate.strip().casefold()]
    return None if rows.empty else rows.iloc[-1]


def for_indicator(commentary: pd.DataFrame | None, indicator_id: str, period: str, audience: str) -> pd.Series | None:
    """The commentary for one indicator's judged period and audience (the last such row), or None."""
    if not indicator_id:
        return None
    return _last(commentary, period, audience, indicator_id, directorate=None)


def for_directorate(commentary: pd.DataFrame | None, directorate: str, period: str, audience: str) -> pd.Series | None:
    """A directorate's overview of ``period`` for ``audience`` (a row with the directorate and no
    indicator), or None."""
    return _last(commentary, period, audience, directorate=directorate) if directorate else None


def foreword(commentary: pd.DataFrame | None, period: str, audience: str) -> pd.Series | None:
    """The council's foreword for ``period`` (a year, e.g. 2025/26) and ``audience``: a row with
    neither an indicator nor a directorate, or None."""
    return _last(commentary, period, audience)


def latest_before(commentary: pd.DataFrame | None, indicator_id: str, period: str, audience: str) -> pd.Series | None:
    """The most recent commentary on an indicator for a period that ended before ``period`` began
    (last month's or quarter's, or the last one written when there was none then), or None."""
    from pmkit.io import periods

    if commentary is None or commentary.empty or not indicator_id:
        return None
    rows = commentary[(commentary["indicator_id"] == indicator_id) & (commentary["audience"] == audience)]
    begins = periods.parse(period).start
    ends = [found.end if (found := periods.try_parse(label)) else None for label in rows["period"]]
    earlier = [(end, i) for i, end in enumerate(ends) if end is not None and end <= begins]
    return rows.iloc[max(earlier)[1]] if earlier else None
