"""How a value reads in a report: the number to the register's decimals, with its unit."""

from __future__ import annotations

import math

SUFFIXED = ("days", "weeks")


def format_value(value: float | None, unit: str | None, decimals: float | None = None, missing: str = "No data") -> str:
    """``76.0%``, ``£1,250``, ``12.5 days``; without ``decimals``, places suit the size of the value.

    >>> format_value(76, "percent", 1), format_value(-1250, "gbp", 0), format_value(12.5, "days")
    ('76.0%', '-£1,250', '12.5 days')
    """
    if value is None or not math.isfinite(value):
        return missing
    if decimals is None or not math.isfinite(decimals):
        places = 0 if abs(value) >= 100 else 1 if abs(value) >= 10 else 2
    else:
        places = int(decimals)
    number = f"{abs(value):,.{places}f}"
    sign = "-" if value < 0 and float(number.replace(",", "")) != 0 else ""
    if unit == "percent":
        return f"{sign}{number}%"
    if unit == "gbp":
        return f"{sign}£{number}"
    if unit in SUFFIXED:
        return f"{sign}{number} {unit}"
    return sign + number
