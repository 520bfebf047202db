"""Case studies: choose the ones a report needs and render their Markdown to safe HTML.

Case studies are Markdown files with YAML front matter (``title``, ``directorate``, ``priority``,
``period``, ``public``, optional ``image`` and ``quote``); `pmkit.io.sources` reads them into a frame.
Their Markdown is rendered and sanitised by `pmkit.components.safehtml.markdown_to_html`.
"""

from __future__ import annotations

import pandas as pd

from pmkit.errors import PmkitError
from pmkit.io import periods
from pmkit.io.schema import AUDIENCES


def select(
    case_studies: pd.DataFrame,
    directorate: str | None = None,
    priority: str | None = None,
    period: str | periods.Period | None = None,
    audience: str = "internal",
) -> pd.DataFrame:
    """The case studies a report should show, in file-name order.

    ``directorate`` and ``priority`` match ignoring case and surrounding spaces; ``period`` keeps
    case studies whose own period lies within it (a year selects its quarters and months; a case
    study without a period is only kept when no period is asked for). The ``public`` audience keeps
    only case studies marked ``public``.

    >>> select(src.case_studies(), directorate="Adults", period="2025/26", audience="public")   # doctest: +SKIP
    """
    if audience not in AUDIENCES:
        raise PmkitError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    keep = pd.Series(True, index=case_studies.index)
    for column, wanted in (("directorate", directorate), ("priority", priority)):
        if wanted is not None:
            keep &= (
                case_studies[column].fillna("").astype(str).str.strip().str.casefold() == str(wanted).strip().casefold()
            )
    if period is not None:
        within = periods.parse(period)
        keep &= case_studies["period"].map(lambda label: _within(label, within))
    if audience == "public":
        keep &= case_studies["public"].fillna(False).astype(bool)
    return case_studies[keep].sort_values("name", kind="stable")


def _within(label: object, period: periods.Period) -> bool:
    own = periods.try_parse(label) if label not in (None, "") and not pd.isna(label) else None
    return own is not None and period.start <= own.start and own.end <= period.end
