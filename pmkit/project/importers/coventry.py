"""Import Coventry City Council's published council-plan indicator tables as a folder source.

Coventry publishes one CSV per report (``council-plan-2016-17-hy.csv`` …
``council-plan-2024-25-eoy.csv``). The latest end-of-year file is cumulative: every metric with
its value, scope and reference date for each report period since 2015/16, plus a comparator
(region, statistical neighbours, …) and an England value. The importer reads that file for the
register, the end-of-year values (each report period becomes the annual period ``2015/16`` …),
the current targets and the benchmarks; the older files give polarity (``Directionality``) and
the targets of their own years. Half-year snapshots are ignored: a half year (April–September)
is not a period of the data model.

Cells are messy and nothing is guessed silently: every kind of value or target that is not
read as a number is counted, with examples, in the `ImportSummary`. Indicator ids follow the
cumulative table's row order (``COV-001`` is its first row), so they are stable for the same files.

`import_coventry_project` (what ``pmkit import coventry`` runs) makes a whole project of it: the
source under ``PROJECT/data/coventry-council-plan/``, then `pmkit.project.create.init_project` for
Coventry City Council with annual reporting (every indicator is annual), ranking against
statistical neighbours (``nearest_neighbours``) and England as the national line, and a params
file per plan vision (the directorates). `import_coventry` writes the folder source alone.

`compare_with_published` sets pmkit's status beside Coventry's own published verdicts
(``Target Status`` and ``Progress towards 2022-30 Plan``) to measure how far they agree.

>>> summary = import_coventry_project("../shared/data/real/coventry-council-plan", "coventry")  # doctest: +SKIP
>>> print("\\n".join(summary.lines()))                                                       # doctest: +SKIP
Coventry council plan -> coventry/data/coventry-council-plan
...
project for Coventry City Council in coventry: ...
>>> summary = import_coventry("data/coventry", "build/coventry")  # doctest: +SKIP
"""

from __future__ import annotations

import io
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from pmkit.errors import PmkitError, SourceError
from pmkit.io import measure, periods
from pmkit.io.settings import DEFAULTS_FILE
from pmkit.io.sources import decode, open_source, write_folder
from pmkit.judge import status

DATA_SOURCE = (
    "Coventry City Council, Council Plan performance indicator tables "
    "(github.com/coventry-city-council/council-plan-indicators). Contains public sector information "
    "licensed under the Open Government Licence v3.0."
)
_ENGLAND = ("E92000001", "England")
COUNCIL = "Coventry City Council"
SOURCE_FOLDER = "coventry-council-plan"  # under the project's data/
COMPARATOR_GROUP = "nearest_neighbours"  # statistical neighbours, CIPFA near neighbours, family group
NATIONAL_GROUP = "england"
_FILE = re.compile(r"^council-plan-(?P<y>\d{4})-(?P<y2>\d{2})-(?P<kind>eoy|hy)\.csv$")
_COLUMN = re.compile(
    r"^(?P<period>\d{4}[/-]\d{2}) (?P<when>end of year|half year) (?:metric )?"
    r"(?:(?P<bench>comparator|national) )?(?:metric )?(?P<field>value|scope|date)$"
)
_NUM = r"[-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?"


# --- cells -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One value cell: the number read (None when there is none) and the kind of text it was."""

    value: float | None
    kind: str
    numerator: float | None = None
    denominator: float | None = None
    decimals: int = 0
    marker: str = ""  # "%" or "m" when the text itself names a unit


_SUPPRESSED = re.compile(r"^<\s*\d+$")
_PERCENT = re.compile(rf"^(?P<num>{_NUM})\s*%$")
_MONEY = re.compile(rf"^£?\s*(?P<num>{_NUM})\s*m$", re.I)
_FRACTION = re.compile(rf"^(?P<num>{_NUM})\s*(?:/|out of)\s*(?P<den>{_NUM})$", re.I)
_PLAIN = re.compile(rf"^£?\s*(?P<num>{_NUM})$")
_GRADE = re.compile(r"^(?:[A-G]\*?|distinction\*?|merit|pass)\s*[+-]?$", re.I)
_LEADING_NUMBER = re.compile(rf"^£?\s*{_NUM}\s*m?\s+\w", re.I)
_NOT_AVAILABLE = {"n/a", "na", "n.a.", "not available"}


def _number(text: str) -> tuple[float, int]:
    """A number written with optional thousands separators, and its count of decimals."""
    plain = text.replace(",", "")
    return float(plain), len(plain.partition(".")[2])


def parse_value(text: str, percent: bool = False) -> Value:
    """Read one published value; ``percent`` says whether the indicator's unit is a percentage.

    Numbers (``1,299``, ``16%``, ``21.5m`` = 21,500,000) are read; a fraction ``425/736``
    becomes 100 × 425 / 736 only for a percentage. Suppressed counts (``<5``), grades,
    ``N/A`` and free text give ``value=None`` and say which kind they are.

    >>> round(parse_value("425/736", percent=True).value, 2)
    57.74
    >>> parse_value("<5").kind
    'suppressed small number'
    """
    text = " ".join(str(text).split())
    if not text:
        return Value(None, "empty")
    if text.lower() in _NOT_AVAILABLE:
        return Value(None, "not available (N/A)")
    if _SUPPRESSED.match(text):
        return Value(None, "suppressed small number")
    if match := _PERCENT.match(text):
        number, decimals = _number(match["num"])
        return Value(number, "percent sign", decimals=decimals, marker="%")
    if match := _MONEY.match(text):
        number, _ = _number(match["num"])
        return Value(round(number * 1e6, 2), "money in millions (m)", marker="m")
    if match := _FRACTION.match(text):
        numerator, _ = _number(match["num"])
        denominator, _ = _number(match["den"])
        if not percent or denominator == 0:
            return Value(None, "fraction, unit not a percentage", numerator, denominator)
        return Value(100 * numerator / denominator, "fraction of a percentage", numerator, denominator, decimals=1)
    if match := _PLAIN.match(text):
        number, decimals = _number(match["num"])
        return Value(number, "thousands separators" if "," in text else "plain number", decimals=decimals)
    if _GRADE.match(text):
        return Value(None, "grade")
    if _LEADING_NUMBER.match(text):
        return Value(None, "number with qualifying text")
    return Value(None, "free text")


@dataclass(frozen=True)
class Target:
    """One target cell: the number (None when not numeric), the direction it implies, its kind."""

    value: float | None
    direction: str | None
    kind: str
    marker: str = ""  # "%" or "m" (money in millions, ``£297.5m``) when the text names a unit


_TARGET_NUMBER = re.compile(
    r"^(?P<op><=|>=|<|>|less than or equal to|less than|no more than|more than|greater than|at least|above|below)?"
    rf"\s*£?\s*(?P<num>{_NUM})\s*(?P<suffix>%|m)?\s*(?P<plus>\+)?$",
    re.I,
)
_HIGHER, _LOWER = "higher_is_better", "lower_is_better"
_MARKER_UNITS = {"%": "percent", "m": "gbp"}
_LOWER_OPS = {"<", "<=", "less than", "less than or equal to", "no more than", "below"}
_LATER_YEAR = re.compile(r"\bby 20\d\d\b", re.I)
_RELATIVE = re.compile(rf"^to (?P<verb>reduce|decrease|increase) by {_NUM}\s*%?$", re.I)
_BENCHMARK_WORDS = re.compile(r"average|neighbour|national", re.I)


def parse_target(text: str) -> Target:
    """Read one published target: ``<89`` (at most 89, lower is better), ``>62%``, ``95%``, ``97%+``.

    Words give a direction but no number (``To increase``); targets relative to other areas
    (``Better than statistical neighbours``), to a later year (``50 by 2020``) or otherwise not
    numeric are returned with ``value=None`` and their kind.

    >>> parse_target("<89")
    Target(value=89.0, direction='lower_is_better', kind='numeric', marker='')
    """
    text = " ".join(str(text).split())
    low = text.lower()
    if low in ("", "n/a", "na", "none set", "no target set", "none"):
        return Target(None, None, "none set")
    if low in ("to increase", "to decrease", "to reduce"):
        return Target(None, _HIGHER if low == "to increase" else _LOWER, low.replace("reduce", "decrease"))
    if match := _RELATIVE.match(text):
        return Target(None, _HIGHER if match["verb"].lower() == "increase" else _LOWER, "relative change")
    if _LATER_YEAR.search(text):
        return Target(None, None, "target for a later year")
    if match := _TARGET_NUMBER.match(text):
        op = (match["op"] or "").lower()
        direction = _LOWER if op in _LOWER_OPS else _HIGHER if op or match["plus"] else None
        number, _ = _number(match["num"])
        marker = (match["suffix"] or "").lower()
        return Target(number * 1e6 if marker == "m" else number, direction, "numeric", marker)
    if _BENCHMARK_WORDS.search(text):
        direction = (
            _LOWER if re.match(r"below|less than", low) else _HIGHER if re.match(r"above|more than", low) else None
        )
        return Target(None, direction, "relative to other areas")
    if _GRADE.match(text):
        return Target(None, None, "grade")
    return Target(None, None, "other text")


_UNITS = [  # published unit (lower case, pattern) -> pmkit unit, scale, whether the mapping is exact
    (r"^%", "percent", 1.0, True),
    (r"^millions of pounds$", "gbp", 1e6, True),
    (r"^(pounds|£)", "gbp", 1.0, True),
    (r"^rate per", "rate", 1.0, True),
    (r"^days", "days", 1.0, True),
    (r"^(average score|score|relative difference|rating|grade|index)$", "score", 1.0, True),
    (r"^number$", "count", 1.0, True),
    (r"^(number kwh|full-time equivalents|tonnes|years)$", "count", 1.0, False),
]


def normalise_unit(text: str) -> tuple[str, float, bool]:
    """pmkit unit, scale to apply to values, and whether pmkit has an exact equivalent.

    >>> normalise_unit("millions of pounds")
    ('gbp', 1000000.0, True)
    """
    low = " ".join(str(text).split()).lower()
    for pattern, unit, scale, exact in _UNITS:
        if re.search(pattern, low):
            return unit, scale, exact
    return "count", 1.0, False


def quality_of(reference: str) -> str:
    """Data quality from Coventry's reference-date text (``2023 provisional``, ``2019/20 estimate``)."""
    low = reference.lower()
    if "estimate" in low:
        return "estimated"
    if re.search(r"provis|not validated|failed validation", low):
        return "provisional"
    return "final"


_COMPARATORS = [  # comparator scope pattern -> group, authority code, authority name
    (r"statistical neighbours", "nearest_neighbours", "statistical-neighbours", "Statistical neighbours (average)"),
    (r"cipfa", "nearest_neighbours", "cipfa-near-neighbours", "CIPFA near neighbours (average)"),
    (r"family group", "nearest_neighbours", "family-group", "Family group (average)"),
    (r"combine|wmca|tfwm|twfm", "combined_authority", "E47000007", "West Midlands Combined Authority"),
    (r"^(west midlands?|wmr)( region)?$", "region", "E12000005", "West Midlands"),
    (r"^birmingham$", "comparator_authority", "E08000025", "Birmingham"),
    (r"^leicester$", "comparator_authority", "E06000016", "Leicester"),
    (r"^wolverhampton$", "comparator_authority", "E08000031", "Wolverhampton"),
]


def comparator_group(scope: str) -> tuple[str, str, str] | None:
    """(group, authority_code, authority_name) for a comparator scope, None when not a peer group."""
    low = " ".join(scope.replace("`", "").split()).lower()
    for pattern, group, code, name in _COMPARATORS:
        if re.search(pattern, low):
            return group, code, name
    return None


# --- summary ---------------------------------------------------------------------------------


@dataclass
class Tally:
    """Counts by kind, with up to three distinct examples of each."""

    counts: Counter[str] = field(default_factory=Counter)
    examples: dict[str, list[str]] = field(default_factory=dict)

    def add(self, kind: str, example: str = "") -> None:
        self.counts[kind] += 1
        shown = self.examples.setdefault(kind, [])
        if example and example not in shown and len(shown) < 3:
            shown.append(example)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    def lines(self, indent: str = "  ") -> list[str]:
        out = []
        for kind, n in self.counts.most_common():
            shown = ", ".join(repr(e) for e in self.examples.get(kind, []))
            out.append(f"{indent}{kind}: {n}" + (f" (e.g. {shown})" if shown else ""))
        return out


@dataclass
class ImportSummary:
    """What an import read, what it could not read, and what it wrote."""

    out: Path
    indicators: int = 0
    measures: int = 0
    periods: tuple[str, ...] = ()
    targets: int = 0
    benchmarks: int = 0
    values: Tally = field(default_factory=Tally)
    unparsed: Tally = field(default_factory=Tally)
    target_kinds: Tally = field(default_factory=Tally)
    polarity: Tally = field(default_factory=Tally)
    adjustments: Tally = field(default_factory=Tally)
    skipped: Tally = field(default_factory=Tally)
    project: Path | None = None  # the project written around the source (`import_coventry_project`)
    reporting: str = ""  # the project's settings: annual or quarterly, and its benchmark groups
    comparator_group: str = ""
    national_group: str = ""
    directorates: tuple[str, ...] = ()  # the project's params files

    def lines(self) -> list[str]:
        """Plain-text report for the command line."""
        span = f"{self.periods[0]} to {self.periods[-1]}" if self.periods else "no periods"
        project = (
            [
                f"project for {COUNCIL} in {self.project}: {DEFAULTS_FILE} ({self.reporting} reporting, ranked in "
                f"{self.comparator_group}, national line {self.national_group}) and {len(self.directorates)} "
                f"params files in params/directorates ({', '.join(self.directorates)})"
            ]
            if self.project is not None
            else []
        )
        return [
            f"Coventry council plan -> {self.out}",
            f"{self.indicators} indicators; {self.measures} measures ({span}); "
            f"{self.targets} numeric targets; {self.benchmarks} benchmark values",
            f"values read as numbers: {self.values.total}",
            *self.values.lines(),
            f"values not read (kept as a note, no value): {self.unparsed.total}",
            *self.unparsed.lines(),
            f"target cells by kind, in this and the older end-of-year tables (year in brackets): {self.target_kinds.total}",
            *self.target_kinds.lines(),
            "polarity from:",
            *self.polarity.lines(),
            "adjustments made (each noted on its row):",
            *self.adjustments.lines(),
            "left out:",
            *self.skipped.lines(),
            *project,
        ]


# --- reading the files -----------------------------------------------------------------------


def _read_csv(path: Path) -> pd.DataFrame:
    frame = pd.read_csv(io.StringIO(decode(path.read_bytes())), dtype=str, keep_default_na=False)
    frame.columns = [" ".join(str(c).split()) for c in frame.columns]
    return frame


def _name_key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


Snapshot = tuple[str, str, pd.DataFrame]  # (financial year, "eoy" or "hy", table) of one older report


def _ids(table: pd.DataFrame) -> list[str]:
    """Indicator ids in the cumulative table's row order: ``COV-001`` is its first row."""
    return [f"COV-{i + 1:03d}" for i in range(len(table))]


def _tables(directory: Path) -> tuple[str, pd.DataFrame, list[Snapshot]]:
    """The cumulative table with its year, and every older snapshot as (year, kind, frame)."""
    found = []
    for path in sorted(directory.glob("council-plan-*.csv")):
        if match := _FILE.match(path.name):
            found.append((f"{match['y']}/{match['y2']}", match["kind"], path))
    ends = [f for f in found if f[1] == "eoy"]
    if not ends:
        raise SourceError(f"{directory}: no council-plan-YYYY-YY-eoy.csv file; expected Coventry's published tables")
    year, _, latest = max(ends, key=lambda f: f[0])
    older = [(y, kind, _read_csv(path)) for y, kind, path in found if path != latest]
    return year, _read_csv(latest), older


def _column_sets(frame: pd.DataFrame) -> dict[tuple[str, str], dict[str, str]]:
    """{(report period label, own|comparator|national): {value|scope|date: column}} for end-of-year columns."""
    sets: dict[tuple[str, str], dict[str, str]] = {}
    for col in frame.columns:
        match = _COLUMN.match(col)
        if match and match["when"] == "end of year":
            key = (periods.parse(match["period"]).label, match["bench"] or "own")
            sets.setdefault(key, {})[match["field"]] = col
    return dict(sorted(sets.items()))


def _unique_lookup(frame: pd.DataFrame, column: str) -> dict[str, pd.Series]:
    """Rows of an older snapshot by metric name, leaving out names that occur twice."""
    name_col = next(c for c in ("Metric", "Indicator", "Indicator Description") if c in frame.columns)
    keys = frame[name_col].map(_name_key)
    once = ~keys.duplicated(keep=False)
    return {k: row for k, (_, row) in zip(keys[once], frame[once].iterrows()) if row.get(column, "").strip()}


# --- the import ------------------------------------------------------------------------------


def import_coventry(directory: str | os.PathLike, out: str | os.PathLike) -> ImportSummary:
    """Turn Coventry's council-plan CSVs in ``directory`` into a folder source at ``out``.

    Writes ``indicators``, ``measures``, ``targets`` and ``benchmarks`` CSVs, checks that the
    folder opens as a valid source, and returns what was read and what was not.
    """
    year, table, older = _tables(Path(directory))
    summary = ImportSummary(Path(out))
    sets = _column_sets(table)
    register = _register(table, older, summary)
    cells = _cells(table, register, sets)
    _fit_units(register, cells, summary)
    measures = _measures(cells, register, summary)
    targets = _targets(_target_cells(table, year, older, register), register, summary)
    benchmarks = _benchmarks(table, register, sets, summary)
    register["benchmark_metric"] = register["indicator_id"].where(
        register["indicator_id"].isin(benchmarks["metric"]), ""
    )
    _count_half_years(table, summary)
    register = measure.observed_bounds(
        register,
        pd.concat(
            [
                measures[["indicator_id", "value"]],
                targets.rename(columns={"target": "value"})[["indicator_id", "value"]],
            ]
        ),
    )
    write_folder(
        {
            "indicators": register.drop(columns=_WORKING_COLUMNS),
            "measures": measures,
            "targets": targets,
            "benchmarks": benchmarks,
        },
        out,
    )
    open_source(out).tables()
    summary.indicators, summary.measures = len(register), len(measures)
    summary.periods = tuple(sorted(measures["period"].unique(), key=periods.parse))
    summary.targets, summary.benchmarks = len(targets), len(benchmarks)
    return summary


_WORKING_COLUMNS = ["base_unit", "scale", "name_key"]  # used while importing, not written


def import_coventry_project(directory: str | os.PathLike, project: str | os.PathLike) -> ImportSummary:
    """Write a pmkit project for Coventry City Council in ``project`` from the tables in ``directory``.

    The folder source goes to ``project/data/coventry-council-plan`` (as `import_coventry` writes
    it); then `pmkit.project.create.init_project` writes the settings, a params file per plan vision (the
    source's directorates) and the notebooks. Reporting follows the data (annual: every indicator
    is annual); the council is ranked against its statistical neighbours and England is the
    national line. `init_project` would take the groups with the fewest and most authorities,
    which for Coventry, whose benchmarks are one average per group, are the combined authority and
    the neighbour averages. A folder that already holds ``params/defaults.yaml`` is refused
    before anything is written.
    """
    from pmkit.io.settings import load_settings
    from pmkit.project.create import DIRECTORATES, init_project

    project = Path(project)
    if (project / DEFAULTS_FILE).exists():
        raise PmkitError(
            f"{project / DEFAULTS_FILE} already exists: {project} is already a pmkit project; import into a new folder"
        )
    _tables(Path(directory))  # no council-plan tables: stop before writing anything
    summary = import_coventry(directory, project / "data" / SOURCE_FOLDER)
    groups = set(pd.read_csv(summary.out / "benchmarks.csv", dtype=str, keep_default_na=False)["group"])
    init_project(
        project,
        COUNCIL,
        str(summary.out),
        comparator_group=COMPARATOR_GROUP if COMPARATOR_GROUP in groups else None,
        national_group=NATIONAL_GROUP if NATIONAL_GROUP in groups else None,
    )
    settings = load_settings(None, project)
    summary.project = project
    summary.reporting = settings["reporting"]
    summary.comparator_group = settings["comparator_group"]
    summary.national_group = settings["national_group"]
    summary.directorates = tuple(sorted(p.stem for p in (project / DIRECTORATES).glob("*.yaml")))
    return summary


def _count_half_years(table: pd.DataFrame, summary: ImportSummary) -> None:
    for col in table.columns:
        match = _COLUMN.match(col)
        if match and match["when"] == "half year" and match["field"] == "value":
            for text in table[col][table[col].str.strip() != ""]:
                summary.skipped.add(
                    "half-year values (a half year is not a period of the model)", f"{match['period']}: {text}"
                )


def _register(table: pd.DataFrame, older: list[Snapshot], summary: ImportSummary) -> pd.DataFrame:
    """One indicator per row of the cumulative table, in its order."""
    names = table["Metric"].map(lambda s: " ".join(s.split()))
    duplicated = names.duplicated(keep=False)
    units = table["Unit"].map(normalise_unit)
    vision = table["One Coventry Plan 2022-30 Vision"].str.strip()
    old_vision = table["One Coventry Plan 2016-24 Vision"].str.strip()
    old_priority = table["One Coventry Plan 2016-24 Priority"].str.strip()
    headline = table["Council Plan 2022-30 Metric"].str.strip().str.upper() == "TRUE"
    keys = names.map(_name_key).where(~duplicated, "")
    for text, (unit, _, exact) in zip(table["Unit"], units):
        if not exact:
            summary.adjustments.add(f"unit with no pmkit equivalent, shown as {unit}", text.strip())
    return pd.DataFrame(
        {
            "indicator_id": _ids(table),
            "title": names.where(~duplicated, names + " (" + table["Unit"].str.strip() + ")"),
            "directorate": vision.where(vision != "", old_vision.where(old_vision != "", "Supporting indicators")),
            "priority": vision.where(vision != "", old_priority),
            "unit": [u[0] for u in units],
            "polarity": _polarities(keys, table["Target"], older, summary),
            "frequency": "annual",
            "decimals": 1,
            "definition": "Unit as published: " + table["Unit"].str.strip() + ".",
            "rationale": np.where(headline, "Headline metric of the One Coventry Plan 2022-30.", ""),
            "data_source": DATA_SOURCE,
            "tolerance": 0.05,
            "public": True,
            "base_unit": [u[0] for u in units],
            "scale": [u[1] for u in units],
            "name_key": keys,
        }
    )


def _polarities(keys: pd.Series, targets: pd.Series, older: list[Snapshot], summary: ImportSummary) -> list[str]:
    """Polarity from the older tables' Directionality, else from the target's wording, else neutral."""
    known: dict[str, str] = {}
    for _, _, frame in older:
        if "Directionality" in frame.columns:
            for key, row in _unique_lookup(frame, "Directionality").items():
                word = row["Directionality"].strip().lower()
                if word in ("high is good", "low is good"):
                    known.setdefault(key, _HIGHER if word == "high is good" else _LOWER)
    out = []
    for key, text in zip(keys, targets):
        text = " ".join(text.split())
        implied = parse_target(text).direction
        if key in known:
            out.append(known[key])
            summary.polarity.add("Directionality in the older tables (joined on the metric name)")
            if implied and implied != known[key]:
                summary.adjustments.add("Directionality kept where the target implies the opposite", text)
        elif implied:
            out.append(implied)
            summary.polarity.add("the target's wording", text)
        else:
            out.append("neutral")
            summary.polarity.add("neither (neutral)", text or "no target")
    return out


def _cells(table: pd.DataFrame, register: pd.DataFrame, sets: dict) -> pd.DataFrame:
    """Every non-empty end-of-year value cell of Coventry's own columns, read."""
    records = []
    for (label, kind), cols in sets.items():
        if kind != "own":
            continue
        for i in register.index:
            text = " ".join(table.at[i, cols["value"]].split())
            if text:
                reference = " ".join(table.at[i, cols["date"]].split()) if "date" in cols else ""
                parsed = parse_value(text, register.at[i, "unit"] == "percent")
                records.append({"row": i, "period": label, "text": text, "reference": reference, "parsed": parsed})
    cells = pd.DataFrame.from_records(records, columns=["row", "period", "text", "reference", "parsed"])
    return cells.sort_values("row", kind="stable")  # periods stay in order within a row


def _fit_units(register: pd.DataFrame, cells: pd.DataFrame, summary: ImportSummary) -> None:
    """Money written as ``21.5m`` under a plain ``number`` unit makes the unit gbp; decimals from the text."""
    for i, group in cells.groupby("row"):
        read = [p for p in group["parsed"] if p.value is not None]
        markers = {p.marker for p in read}
        title = register.at[i, "title"]
        if markers == {"m"} and register.at[i, "unit"] == "count":
            register.at[i, "unit"] = "gbp"
            summary.adjustments.add("unit taken as gbp: every value is written as money (21.5m)", title)
        elif markers == {"%"} and register.at[i, "unit"] != "percent":
            summary.adjustments.add(
                "values written with % under a unit that is not a percentage (kept as numbers)", title
            )
        register.at[i, "decimals"] = min(max((p.decimals for p in read), default=1), 2)


def _measures(cells: pd.DataFrame, register: pd.DataFrame, summary: ImportSummary) -> pd.DataFrame:
    """One measure per cell; what could not be read stays as a note with no value."""
    records = []
    for i, group in cells.groupby("row", sort=False):
        ind = register.loc[i]
        values = [p.value for p in group["parsed"] if p.value is not None]
        others = [v for v in values if not 0 < v <= 1]
        previous: tuple[str, str, str] | None = None
        for period, text, reference, parsed in group[["period", "text", "reference", "parsed"]].itertuples(index=False):
            notes = [f"reference period: {reference}"] if reference else []
            value = parsed.value
            if value is None:
                summary.unparsed.add(parsed.kind, text)
                notes.append(f"published as '{text}' ({parsed.kind}), not read as a number")
            else:
                summary.values.add(parsed.kind, text)
                if parsed.marker != "m":
                    value *= ind["scale"]
                if ind["unit"] == "percent" and _is_stray_proportion(value, others):
                    value *= 100
                    notes.append(f"published as {text}, a proportion; scaled to a percentage")
                    summary.adjustments.add(
                        "proportion in a percentage series, scaled by 100", f"{ind['title']}: {text}"
                    )
                if previous is not None and reference and previous[1:] == (text, _reference_key(reference)):
                    notes.append(f"same figure and reference period as the {previous[0]} report")
                    summary.adjustments.add(
                        "figure repeated from the previous report (kept, noted)", f"{ind['title']} {period}"
                    )
            previous = (period, text, _reference_key(reference))
            records.append(
                {
                    "indicator_id": ind["indicator_id"],
                    "period": period,
                    "value": value,
                    "numerator": parsed.numerator,
                    "denominator": parsed.denominator,
                    "quality": quality_of(reference),
                    "note": "; ".join(notes),
                }
            )
    return pd.DataFrame.from_records(
        records, columns=["indicator_id", "period", "value", "numerator", "denominator", "quality", "note"]
    )


_STATUS_WORDS = re.compile(r"\b(revised|provisi?onal|final|refreshed|actual|estimated?|not validated)\b")


def _reference_key(reference: str) -> str:
    """A reference period without its status words: ``2015 revised`` and ``2015`` are the same year."""
    return " ".join(_STATUS_WORDS.sub("", reference.lower()).split())


def _is_stray_proportion(value: float, others: list[float]) -> bool:
    """A value in (0, 1] among percentages of 10 or more, which ×100 would sit among them."""
    return 0 < value <= 1 and bool(others) and min(others) >= 10 and min(others) / 2 <= 100 * value <= 2 * max(others)


def _target_cells(
    table: pd.DataFrame, year: str, older: list[Snapshot], register: pd.DataFrame
) -> Iterator[tuple[str, int, str, str]]:
    """(year, register row, target text, unit as published that year) for every target cell."""
    for i in register.index:
        yield year, i, table.at[i, "Target"], table.at[i, "Unit"]
    rows = {key: i for i, key in register["name_key"].items() if key}
    for old_year, kind, frame in older:
        column = next((c for c in frame.columns if c == "Target" or c.endswith("end of year target")), None)
        if kind == "eoy" and column:
            for key, row in _unique_lookup(frame, column).items():
                if key in rows:
                    yield old_year, rows[key], row[column], row.get("Unit", "")


def _targets(
    cells: Iterable[tuple[str, int, str, str]], register: pd.DataFrame, summary: ImportSummary
) -> pd.DataFrame:
    """Numeric targets, each for the year of the table it was published in."""
    records = []
    for year, i, text, unit_text in cells:
        text = " ".join(str(text).split())
        if not text:
            continue
        parsed = parse_target(text)
        kind = parsed.kind
        unit, scale, _ = normalise_unit(unit_text)
        if parsed.value is not None:
            if (unit, scale) != (register.at[i, "base_unit"], register.at[i, "scale"]):
                kind = "numeric, but published under another unit that year"
            elif parsed.marker and unit != _MARKER_UNITS[parsed.marker]:
                kind = f"numeric in {_MARKER_UNITS[parsed.marker]}, but the indicator is in {unit}"
            else:
                value = parsed.value if parsed.marker == "m" else parsed.value * scale
                records.append({"indicator_id": register.at[i, "indicator_id"], "period": year, "target": value})
        summary.target_kinds.add(kind, f"{text} ({year})")
    return pd.DataFrame.from_records(records, columns=["indicator_id", "period", "target"])


def _benchmarks(table: pd.DataFrame, register: pd.DataFrame, sets: dict, summary: ImportSummary) -> pd.DataFrame:
    """Comparator values as their peer group (region, statistical neighbours, …) and England values."""
    records = []
    for (label, kind), cols in sets.items():
        if kind == "own":
            continue
        for i, ind in register.iterrows():
            text = " ".join(table.at[i, cols["value"]].split())
            if not text:
                continue
            scope = " ".join(table.at[i, cols["scope"]].split()) if "scope" in cols else ""
            who = ("england", _ENGLAND[0], scope or _ENGLAND[1]) if kind == "national" else comparator_group(scope)
            if who is None:
                summary.skipped.add("comparator values whose scope is not a peer group", scope or "no scope")
                continue
            parsed = parse_value(text, ind["unit"] == "percent")
            if parsed.value is None:
                summary.skipped.add("benchmark values not read as numbers", text)
                continue
            value = parsed.value if parsed.marker == "m" else parsed.value * ind["scale"]
            group, code, name = who
            records.append(
                {
                    "metric": ind["indicator_id"],
                    "authority_code": code,
                    "authority_name": name,
                    "period": label,
                    "value": value,
                    "group": group,
                }
            )
    return pd.DataFrame.from_records(
        records, columns=["metric", "authority_code", "authority_name", "period", "value", "group"]
    )


# --- agreement with Coventry's own judgements ------------------------------------------------

_STATUS_COLUMN = "Target Status towards 2022-30 Plan"
_PROGRESS_COLUMN = "Progress towards 2022-30 Plan"
_PUBLISHED_STATUS = {"on-target": "on", "on target": "on", "off-target": "off", "off target": "off"}
_PUBLISHED_PROGRESS = {"better": "improving", "worse": "declining", "equals": "no_change"}


@dataclass(frozen=True)
class Agreement:
    """pmkit's status beside Coventry's published verdicts, one row per indicator and year.

    RAG is compared where Coventry says On-Target or Off-Target and pmkit judged against a
    numeric target (green, amber or red); direction of travel where Coventry says BETTER,
    WORSE or EQUALS and pmkit, knowing the polarity, says improving, declining or no_change.
    """

    rows: pd.DataFrame
    dot_threshold: float

    def _share(self, compared: str, agrees: str, period: str | None) -> tuple[int, float]:
        rows = self.rows if period is None else self.rows[self.rows["period"] == period]
        hits = rows.loc[rows[compared], agrees]
        return len(hits), float(hits.mean()) if len(hits) else float("nan")

    def rag(self, amber: str = "off", period: str | None = None) -> tuple[int, float]:
        """(rows compared, share agreeing), amber counted as Off-Target (``"off"``) or On-Target (``"on"``)."""
        return self._share("rag_compared", "rag_agrees" if amber == "off" else "rag_agrees_amber_on", period)

    def dot(self, period: str | None = None) -> tuple[int, float]:
        """(rows compared, share agreeing) for direction of travel."""
        return self._share("dot_compared", "dot_agrees", period)

    def lines(self) -> list[str]:
        """Plain-text summary for the command line, per year and overall."""
        out = [
            "Agreement with Coventry's published judgements "
            f"(a direction counts when the change exceeds {self.dot_threshold:.0%} of the earlier value)"
        ]
        for period in [*sorted(self.rows["period"].unique(), key=periods.parse), None]:
            (n_rag, off), (_, on), (n_dot, dot) = self.rag("off", period), self.rag("on", period), self.dot(period)
            out.append(
                f"  {period or 'all years'}: RAG {off:.0%} of {n_rag} (amber as Off-Target; {on:.0%} as On-Target); "
                f"direction of travel {dot:.0%} of {n_dot}"
            )
        return out


def compare_with_published(
    directory: str | os.PathLike, out: str | os.PathLike, dot_threshold: float = 0.01
) -> Agreement:
    """Import into ``out``, assess every year Coventry gave 2022-30 plan verdicts for, and compare.

    The latest year's verdicts come from the cumulative table, earlier years' from their own
    end-of-year tables (joined on the metric name). ``dot_threshold`` goes to
    `pmkit.judge.status.assess`; 0 counts any change as a direction.

    >>> compare_with_published("data/coventry", "build/coventry").dot()  # doctest: +SKIP
    """
    year, table, older = _tables(Path(directory))
    import_coventry(directory, out)
    src = open_source(out)
    indicators = src.indicators()
    ids = pd.Series(_ids(table), index=table["Metric"].map(_name_key))
    ids = ids[~ids.index.duplicated(keep=False)]
    published = [_verdicts(year, table, pd.Series(_ids(table)))]
    for old_year, kind, frame in older:
        if kind == "eoy" and _STATUS_COLUMN in frame.columns:
            snapshot = pd.DataFrame(_unique_lookup(frame, "Metric").values())
            keys = snapshot["Metric"].map(_name_key)
            snapshot = snapshot[keys.isin(ids.index)]
            published.append(_verdicts(old_year, snapshot, keys[snapshot.index].map(ids)))
    judged = []
    for period in sorted({p["period"].iloc[0] for p in published}, key=periods.parse):
        st = status.assess(
            src.measures(),
            indicators,
            period,
            targets=src.targets(),
            benchmarks=src.benchmarks(),
            dot_threshold=dot_threshold,
        )
        judged.append(st[["indicator_id", "period", "title", "value", "previous_value", "target", "rag", "dot"]])
    rows = (
        pd.concat(published, ignore_index=True)
        .merge(indicators[["indicator_id", "polarity"]], on="indicator_id")
        .merge(pd.concat(judged, ignore_index=True), on=["indicator_id", "period"])
    )
    rows["rag_compared"] = rows["published_status"].notna() & rows["rag"].isin(["green", "amber", "red"])
    rows["rag_agrees"] = rows["rag_compared"] & ((rows["rag"] == "green") == (rows["published_status"] == "on"))
    rows["rag_agrees_amber_on"] = rows["rag_compared"] & (
        rows["rag"].isin(["green", "amber"]) == (rows["published_status"] == "on")
    )
    rows["dot_compared"] = (
        rows["published_progress"].notna()
        & (rows["polarity"] != "neutral")
        & rows["dot"].isin(["improving", "declining", "no_change"])
    )
    rows["dot_agrees"] = rows["dot_compared"] & (rows["dot"] == rows["published_progress"])
    return Agreement(rows, dot_threshold)


def _verdicts(year: str, table: pd.DataFrame, ids: pd.Series) -> pd.DataFrame:
    """Coventry's target status and progress verdicts of one table, normalised."""
    return pd.DataFrame(
        {
            "indicator_id": ids.to_numpy(),
            "period": year,
            "target_text": table["Target"].str.strip().to_numpy(),
            "published_status": table[_STATUS_COLUMN].str.strip().str.lower().map(_PUBLISHED_STATUS).to_numpy(),
            "published_progress": table[_PROGRESS_COLUMN].str.strip().str.lower().map(_PUBLISHED_PROGRESS).to_numpy(),
        }
    )
