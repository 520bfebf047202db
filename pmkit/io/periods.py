"""Financial-year periods: months, quarters and years (April to March).

A period is its frequency and its start month. Months are numbered on one
integer axis (``year * 12 + month - 1``) so that whole columns of periods can
be compared and shifted with integer arithmetic.

>>> p = parse("2025-26-Q2")
>>> p.label, p.slug, p.months
('2025/26 Q2', '2025-26-Q2', 3)
>>> parse("Sep 2025").label
'Sep 2025'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from pmkit.errors import PeriodError

FREQUENCIES = ("monthly", "quarterly", "annual")
MONTHS_IN = {"monthly": 1, "quarterly": 3, "annual": 12}
if TYPE_CHECKING:  # numpy and pandas are imported where columns are read: a period typed on the command
    import numpy as np  # line is checked before they load
    import pandas as pd

APRIL = 3  # zero-based month of the financial year's start
_MONTH_NAMES = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_MONTH_LOOKUP = {name.lower(): i for i, name in enumerate(_MONTH_NAMES)}
_MONTH_LOOKUP.update(
    {
        full.lower(): i
        for i, full in enumerate(
            [
                "January",
                "February",
                "March",
                "April",
                "May",
                "June",
                "July",
                "August",
                "September",
                "October",
                "November",
                "December",
            ]
        )
    }
)
_MONTH_LOOKUP["sept"] = 8

_FY = r"(?P<fy>\d{4})\s*[/-]\s*(?P<fy2>\d{2}|\d{4})"
_PATTERNS = [
    ("quarterly", re.compile(rf"^{_FY}\s*[-\s;]?\s*Q(?P<q>[1-4])$", re.I)),
    ("annual", re.compile(rf"^(?:FY\s*)?{_FY}$", re.I)),
    ("monthly", re.compile(r"^(?P<y>\d{4})-(?P<m>\d{1,2})$")),
    ("monthly", re.compile(r"^(?P<mname>[A-Za-z]{3,9})\.?[\s-]+(?P<y>\d{4})$")),
]


@dataclass(frozen=True, order=True)
class Period:
    """One reporting period: ``start`` is the month index of its first month."""

    start: int
    frequency: str

    @property
    def months(self) -> int:
        return MONTHS_IN[self.frequency]

    @property
    def end(self) -> int:
        """Month index just after the period's last month."""
        return self.start + self.months

    @property
    def fy_start(self) -> int:
        """Month index of the April that starts this period's financial year."""
        return fy_start(self.start)

    @property
    def year(self) -> Period:
        """The financial year that contains this period."""
        return Period(self.fy_start, "annual")

    @property
    def label(self) -> str:
        y = self.fy_start // 12
        if self.frequency == "annual":
            return f"{y}/{(y + 1) % 100:02d}"
        if self.frequency == "quarterly":
            return f"{y}/{(y + 1) % 100:02d} Q{(self.start - self.fy_start) // 3 + 1}"
        return f"{_MONTH_NAMES[self.start % 12]} {self.start // 12}"

    @property
    def slug(self) -> str:
        """File-name form: the label with ``/`` and spaces as ``-``."""
        return self.label.replace("/", "-").replace(" ", "-")

    @property
    def start_date(self) -> date:
        return date(self.start // 12, self.start % 12 + 1, 1)

    def shift(self, n: int) -> Period:
        """The period ``n`` steps of its own frequency later (earlier if negative)."""
        return Period(self.start + n * self.months, self.frequency)

    def latest(self, frequency: str) -> Period:
        """The latest period of ``frequency`` that ends on or before this period's end."""
        return Period(int(latest_start(self.end, frequency)), frequency)

    def __str__(self) -> str:
        return self.label


def fy_start(month_index: int) -> int:
    return month_index - (month_index - APRIL) % 12


def latest_start(end: np.ndarray | int, frequency: str) -> np.ndarray | int:
    """Start month of the latest ``frequency`` period ending on or before ``end`` (an array or one month)."""
    size = MONTHS_IN[frequency]
    aligned_end = end - (end - APRIL) % size
    return aligned_end - size


def parse(label: str | Period) -> Period:
    """Parse any accepted period label (``2025/26 Q2``, ``2025-26-Q2``, ``2025/26``, ``Jul 2025``, ``2025-07``).

    ``2010-11`` style text is read as a financial year (as LGBF and councils write it), not
    as an ISO month; an ISO month is only taken when it cannot be a financial year.
    """
    if isinstance(label, Period):
        return label
    text = " ".join(str(label).strip().split())
    for frequency, pattern in _PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        groups = match.groupdict()
        if "fy" in groups and groups["fy"]:
            y = int(groups["fy"])
            y2 = int(groups["fy2"])
            if y2 != (y + 1 if y2 >= 100 else (y + 1) % 100):
                continue  # not a financial year: perhaps an ISO month such as 2025-07
            start = y * 12 + APRIL
            if frequency == "quarterly":
                start += (int(groups["q"]) - 1) * 3
            return Period(start, frequency)
        if groups.get("mname"):
            month = _MONTH_LOOKUP.get(groups["mname"].lower())
            if month is None:
                break
        else:
            month = int(groups["m"]) - 1
            if not 0 <= month < 12:
                break
        return Period(int(groups["y"]) * 12 + month, "monthly")
    raise PeriodError(label)


def try_parse(label: object) -> Period | None:
    try:
        return parse(str(label))
    except PeriodError:
        return None


def parse_column(labels: pd.Series) -> pd.DataFrame:
    """Parse a column of labels once per distinct value.

    Returns a frame aligned with ``labels`` holding ``start`` (Int64), ``frequency`` and
    the canonical ``label``; unparseable labels give missing values.
    """
    import pandas as pd

    distinct = pd.unique(labels.dropna())
    parsed = {value: try_parse(value) for value in distinct}
    starts = {k: (v.start if v else pd.NA) for k, v in parsed.items()}
    freqs = {k: (v.frequency if v else pd.NA) for k, v in parsed.items()}
    canon = {k: (v.label if v else pd.NA) for k, v in parsed.items()}
    return pd.DataFrame(
        {
            "start": labels.map(starts).astype("Int64"),
            "frequency": labels.map(freqs).astype("string"),
            "label": labels.map(canon).astype("string"),
        },
        index=labels.index,
    )


def latest_of(labels) -> Period | None:
    """The period of ``labels`` that ends last (the shorter of two ending together), None for none."""
    return max((parse(p) for p in labels), key=lambda p: (p.end, -p.months), default=None)


def label_of(start: int, frequency: str) -> str:
    return Period(int(start), frequency).label
