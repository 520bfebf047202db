"""Settings a run uses: the project it runs in, ``params/defaults.yaml`` with overrides, the period.

The project is the nearest folder at or above the working folder that holds
``params/defaults.yaml``; paths in it are relative to that folder.

>>> load_settings({"audience": "public"})["audience"]   # doctest: +SKIP
'public'
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from pmkit import periods
from pmkit.errors import PmkitError
from pmkit.sources import Source

DEFAULTS_FILE = Path("params/defaults.yaml")


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working folder) holding ``params/defaults.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULTS_FILE).exists():
            return folder
    return here


def load_settings(overrides: dict | None = None, root: Path | None = None) -> dict:
    """``params/defaults.yaml`` merged with ``overrides`` (entries that are None are ignored)."""
    root = root or project_root()
    path = root / DEFAULTS_FILE
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    for key in ("source", "codebook"):
        value = settings.get(key)
        if value and "://" not in str(value) and not Path(value).is_absolute():
            settings[key] = str(root / value)
    return settings


def report_period(src: Source, period: str | None, frequency: str = "quarterly") -> periods.Period:
    """The report period asked for, or the latest ``frequency`` period with data in the source."""
    if period:
        return periods.parse(period)
    return src.latest_period().latest(frequency) if frequency != "monthly" else src.latest_period()


def apply_rebase_settings(indicators: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Rebase periods given in params (``rebase_at: {ASC-06: "Oct 2023"}``) override the register's."""
    extra = settings.get("rebase_at") or {}
    if not extra:
        return indicators
    out = indicators.copy()
    listed = out["indicator_id"].map({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in extra.items()})
    out["rebase_at"] = listed.fillna(out["rebase_at"] if "rebase_at" in out else "")
    return out


def latest_complete_year(src: Source) -> periods.Period:
    """The latest financial year whose last month, quarter or year has a measure in the source."""
    latest = src.latest_period()
    year = latest.year
    return year if latest.end == year.end else year.shift(-1)


def complete_year(src: Source, year: str | None) -> periods.Period:
    """The financial year asked for (it must be complete in the source), or the latest complete one."""
    if not year:
        return latest_complete_year(src)
    chosen = periods.parse(year)
    if chosen.frequency != "annual":
        raise PmkitError(f"'{year}' is not a financial year; expected e.g. 2024/25")
    latest = src.latest_period()
    if latest.end < chosen.end:
        raise PmkitError(
            f"{chosen.label} is not complete in the source (its latest data is for {latest.label}); "
            f"the latest complete year is {latest_complete_year(src).label}"
        )
    return chosen
