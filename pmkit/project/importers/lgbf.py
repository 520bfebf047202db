"""Import the Scottish Local Government Benchmarking Framework (LGBF) for one council, or for every council.

Reads the LGBF extract (real-terms values, indicator information and family groups, as kept in
``../shared/data/real/scotland-lgbf`` beside the project) and writes a pmkit folder source: the
council's indicators and annual measures, and benchmark rows for its family group and for the
rest of Scotland.

`import_lgbf_project` (what ``pmkit import lgbf`` runs) makes a whole project of it: the source
under ``PROJECT/data/<council-code>-lgbf/``, then `pmkit.project.create.init_project` with the council's
name, annual reporting, ranking in its family group and Scotland as the national line, and a
params file per LGBF service area. `import_lgbf` writes the folder source alone, and
`import_lgbf_club` a project for each of the 32 councils (``pmkit import lgbf --council all``),
reading the files once for all of them.

>>> summary = import_lgbf_project("../shared/data/real/scotland-lgbf", "Stirling", "stirling")  # doctest: +SKIP
>>> print("\\n".join(summary.lines()))                                                        # doctest: +SKIP
Stirling: wrote 94 indicators, ... benchmark rows to stirling/data/stirling-lgbf
...
project for Stirling Council in stirling: ...
>>> summary = import_lgbf("../shared/data/real/scotland-lgbf", "Stirling", "data/lgbf-stirling")  # doctest: +SKIP
>>> club = import_lgbf_club("../shared/data/real/scotland-lgbf", "club")  # doctest: +SKIP
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from pmkit.errors import PmkitError, SourceError
from pmkit.io import measure, periods
from pmkit.io.settings import DEFAULTS_FILE
from pmkit.io.sources import write_folder

VALUES_FILE = "lgbf-values-real.csv"
INFO_FILE = "lgbf-indicator-information.csv"
GROUPS_FILE = "lgbf-family-groups.csv"
INFO_COLUMNS = [
    "Code",
    "Title",
    "MeasureType",
    "NumberFormat",
    "ISCategory",
    "FamilyGrouping",
    "Ranking_Type",
    "Ranking_GoldilocksMidpoint",
    "Source",
    "Numerator_Correct",
    "Denominator_Correct",
]

ATTRIBUTION = "Source: Improvement Service LGBF, via github.com/SC-TPP/LGBF."
REAL_TERMS = "Real-terms extract (costs adjusted for inflation)."

UNITS = {
    "percentage": "percent",
    "cost": "gbp",
    "days": "days",
    "weeks": "weeks",
    "score": "score",
    "rate per 1,000": "rate",
    "rate per 10,000": "rate",
    "other measurement": "rate",  # tonnes of CO2 per head of population
}
POLARITIES = {"ascending": "lower_is_better", "descending": "higher_is_better", "goldilocks": "neutral"}
# Percentages are stored as fractions, except these percentage-point gaps already on a 0-100 scale.
ALREADY_POINTS = frozenset({"CHN14a", "CHN14b"})

FAMILY_GROUP = "family_group"
SCOTLAND = "scotland"

# Names a report cover prints where "<LGBF name> Council" is not the council's own name.
_COVER_NAMES = {"edinburgh": "City of Edinburgh Council", "eilean siar": "Comhairle nan Eilean Siar"}

_DROP_WORDS = {"council", "comhairle", "nan", "city", "of", "the", "islands"}
_ALIASES = {
    "na h eileanan siar": "eilean siar",
    "western isles": "eilean siar",
    "borders": "scottish borders",
}
_YEAR = re.compile(r"^\s*(?P<start>\d{4})\s*[-/]\s*(?P<end>\d{2}|\d{4})\s*$")


class UnknownCouncilError(PmkitError):
    """A council name that matches no council in the LGBF data."""

    def __init__(self, name: str, valid: list[str]):
        close = difflib.get_close_matches(name, valid, n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(close)}?" if close else ""
        super().__init__(f"unknown council {name!r}.{hint} Valid names: {', '.join(valid)}")
        self.name = name
        self.valid = valid


@dataclass(frozen=True)
class ImportSummary:
    """What an import wrote and what it left out, with reasons."""

    council: str
    out: Path
    indicators: int
    measures: int
    benchmark_rows: int
    skipped_aggregate_rows: int  # rows of the values file (all councils) with multi-year periods
    council_aggregate_rows: int  # of those, the council's own
    aggregate_periods: tuple[str, ...]
    skipped_rows: dict[str, int]  # other skipped rows of the values file, by reason
    skipped_indicators: dict[str, tuple[str, ...]]  # indicator codes left out, by reason
    project: Path | None = None  # the project written around the source (`import_lgbf_project`)
    report_name: str = ""  # the council's name as the project's reports print it
    directorates: tuple[str, ...] = ()  # the project's params files (LGBF service areas)

    def lines(self) -> list[str]:
        """Human-readable lines for the command line."""
        lines = [
            f"{self.council}: wrote {self.indicators:,} indicators, {self.measures:,} measures and "
            f"{self.benchmark_rows:,} benchmark rows to {self.out}"
        ]
        if self.skipped_aggregate_rows:
            shown = ", ".join(self.aggregate_periods[:4]) + (", …" if len(self.aggregate_periods) > 4 else "")
            lines.append(
                f"skipped {self.skipped_aggregate_rows:,} rows with multi-year aggregate periods ({shown}; "
                f"{self.council_aggregate_rows:,} of them {self.council}'s): pmkit periods are single years"
            )
        lines += [
            f"skipped {n:,} {'row' if n == 1 else 'rows'}: {reason}" for reason, n in self.skipped_rows.items() if n
        ]
        lines += [
            f"left out {len(codes)} indicators ({reason}): {', '.join(codes)}"
            for reason, codes in self.skipped_indicators.items()
            if codes
        ]
        if self.project is not None:
            lines.append(
                f"project for {self.report_name} in {self.project}: {DEFAULTS_FILE} (annual reporting, ranked in "
                f"{FAMILY_GROUP}, national line {SCOTLAND}) and {len(self.directorates)} service-area params files "
                f"in params/directorates ({', '.join(self.directorates)})"
            )
        return lines


def council_key(name: str) -> str:
    """A spelling-independent key for a council name ("City of Edinburgh" = "Edinburgh City")."""
    words = re.sub(r"[^a-z0-9]+", " ", str(name).lower().replace("&", " and ")).split()
    key = " ".join(w for w in words if w not in _DROP_WORDS)
    return _ALIASES.get(key, key)


def council_code(name: str) -> str:
    """The stable ``authority_code`` slug for a council name (e.g. ``argyll-and-bute``)."""
    return council_key(name).replace(" ", "-")


def cover_name(name: str) -> str:
    """The name a report cover prints for an LGBF council: ``Fife`` -> ``Fife Council``.

    >>> cover_name("Perth & Kinross"), cover_name("Edinburgh City")
    ('Perth & Kinross Council', 'City of Edinburgh Council')
    """
    return _COVER_NAMES.get(council_key(name), f"{name} Council")


def _grouping_key(text: pd.Series) -> pd.Series:
    return text.str.lower().str.replace("&", " and ").str.replace(r"[^a-z0-9]+", " ", regex=True).str.strip()


def _read(directory: Path, name: str, columns: list[str]) -> pd.DataFrame:
    path = directory / name
    if not path.is_file():
        raise SourceError(f"{path}: file not found; an LGBF folder needs {VALUES_FILE}, {INFO_FILE} and {GROUPS_FILE}")
    try:
        frame = pd.read_csv(path, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read as CSV ({exc})") from None
    frame.columns = [str(c).replace("\ufeff", "").strip() for c in frame.columns]
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise SourceError(f"{path}: missing column(s) {', '.join(missing)}")
    return frame[columns].apply(lambda col: col.str.strip())


def _council_names(values: pd.DataFrame) -> pd.Series:
    """Canonical spelling (the values file's most common one) per council key."""
    named = values.loc[values["LocalAuthority"] != "", ["key", "LocalAuthority"]]
    return named.groupby("key")["LocalAuthority"].agg(lambda s: s.value_counts().index[0])


def _resolve_council(council: str, names: pd.Series) -> str:
    key = council_key(council)
    if key not in names.index:
        raise UnknownCouncilError(council, sorted(names))
    return key


def _keyed_groups(groups: pd.DataFrame) -> pd.DataFrame:
    """The family groups file with each row's council key and grouping key."""
    return groups.assign(key=groups["Local_Authority"].map(council_key), grouping=_grouping_key(groups["Type"]))


def _family_peers(groups: pd.DataFrame, names: pd.Series, key: str, groups_path: Path) -> pd.DataFrame:
    """(grouping, peer key) for every other member of the council's family group in each grouping.

    ``groups`` is the family groups file as `_keyed_groups` returns it.
    """
    unknown = sorted(set(groups.loc[~groups["key"].isin(names.index), "Local_Authority"]))
    if unknown:
        raise SourceError(f"{groups_path}: council(s) not found in {VALUES_FILE}: {', '.join(unknown)}")
    own = groups.loc[groups["key"] == key, ["grouping", "Family_Group"]]
    if own["grouping"].duplicated().any():
        raise SourceError(f"{groups_path}: {names[key]} is in more than one family group of the same grouping")
    missing = sorted(set(groups.loc[~groups["grouping"].isin(own["grouping"]), "Type"]))
    if missing:
        raise SourceError(f"{groups_path}: {names[key]} has no family group for {'; '.join(missing)}")
    peers = groups.merge(own, on=["grouping", "Family_Group"])
    return peers.loc[peers["key"] != key, ["grouping", "key"]].drop_duplicates()


def _decimals(number_format: pd.Series) -> pd.Series:
    return number_format.str.extract(r"\.(0+)", expand=False).str.len().fillna(0).astype(int)


def _definitions(info: pd.DataFrame, scale: pd.Series) -> pd.Series:
    numerator = ("Numerator: " + info["Numerator_Correct"] + ". ").where(info["Numerator_Correct"] != "", "")
    denominator = ("Denominator: " + info["Denominator_Correct"] + ". ").where(info["Denominator_Correct"] != "", "")
    midpoint = pd.to_numeric(info["Ranking_GoldilocksMidpoint"], errors="coerce") * scale
    goldilocks = ("LGBF ranks councils by closeness to " + midpoint.map("{:g}".format) + " (best).").where(
        info["Ranking_Type"].str.lower().eq("goldilocks") & midpoint.notna(), ""
    )
    return (numerator + denominator + goldilocks).str.strip()


def _indicator_register(info: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Map the information file onto the indicators table; returns it and the codes it cannot map."""
    unit = info["MeasureType"].str.lower().map(UNITS)
    polarity = info["Ranking_Type"].str.lower().map(POLARITIES)
    scale = pd.Series(np.where((unit == "percent") & ~info["Code"].isin(ALREADY_POINTS), 100.0, 1.0), index=info.index)
    source_note = info["Source"].str.replace(r"\s+", " ", regex=True)
    register = pd.DataFrame(
        {
            "indicator_id": info["Code"],
            "title": info["Title"],
            "directorate": info["ISCategory"],
            "unit": unit,
            "polarity": polarity,
            "frequency": "annual",
            "decimals": _decimals(info["NumberFormat"]),
            "definition": _definitions(info, scale),
            "data_source": (ATTRIBUTION + " " + REAL_TERMS + " " + source_note).str.strip(),
            "benchmark_metric": info["Code"],
            "public": True,
            "scale": scale,
            "grouping": _grouping_key(info["FamilyGrouping"]),
        }
    )
    unmapped = {
        "unknown MeasureType": tuple(info.loc[unit.isna(), "Code"]),
        "unknown Ranking_Type": tuple(info.loc[polarity.isna(), "Code"]),
    }
    return register.loc[unit.notna() & polarity.notna()], unmapped


def _annual_labels(year: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Canonical financial-year label per row (missing when not a single year) and a multi-year mask."""
    parts = year.str.extract(_YEAR)
    start = pd.to_numeric(parts["start"], errors="coerce")
    end = pd.to_numeric(parts["end"], errors="coerce")
    span = np.where(parts["end"].str.len() == 2, (end - start) % 100, end - start)
    single = pd.Series(span == 1, index=year.index)
    labels = periods.parse_column(year.where(single))["label"]
    return labels, parts["start"].notna() & ~single


def _usable_rows(values: pd.DataFrame, known_codes: pd.Series) -> tuple[pd.DataFrame, pd.Series, dict[str, int]]:
    """Single-year rows with a value, plus the multi-year mask and the other skips by reason.

    Each skipped row is counted once, under the first reason that applies.
    """
    labels, aggregate = _annual_labels(values["Year"])
    value = pd.to_numeric(values["LA_IndicatorReal"], errors="coerce")
    reasons = {
        "empty row": (values[["Code", "LocalAuthority", "Year"]] == "").all(axis=1),
        "no council name": values["LocalAuthority"] == "",
        "period is not a financial year": labels.isna(),
        "blank or non-numeric value": value.isna(),
        f"indicator code not in {INFO_FILE}": ~values["Code"].isin(known_codes),
    }
    skipped = aggregate.copy()
    counts = {}
    for reason, mask in reasons.items():
        counts[reason] = int((mask & ~skipped).sum())
        skipped |= mask
    rows = values.assign(period=labels, value=value).loc[~skipped]
    duplicate = rows.duplicated(["Code", "key", "period"])
    counts["duplicate of an earlier row"] = int(duplicate.sum())
    return rows.loc[~duplicate], aggregate, counts


def _benchmark_table(
    others: pd.DataFrame, register: pd.DataFrame, peers: pd.DataFrame, names: pd.Series
) -> pd.DataFrame:
    """Other councils' rows as benchmarks: their family group (by grouping) and all of Scotland."""
    pairs = register[["indicator_id", "grouping"]].merge(peers, on="grouping")
    family = others.merge(pairs.rename(columns={"indicator_id": "Code"})[["Code", "key"]], on=["Code", "key"])
    both = pd.concat([family.assign(group=FAMILY_GROUP), others.assign(group=SCOTLAND)], ignore_index=True)
    return pd.DataFrame(
        {
            "metric": both["Code"],
            "authority_code": both["key"].str.replace(" ", "-"),
            "authority_name": both["key"].map(names),
            "period": both["period"],
            "value": both["value"],
            "group": both["group"],
        }
    )


@dataclass(frozen=True)
class _Extract:
    """The LGBF files read and parsed once: everything the import of any council shares."""

    folder: Path
    values: pd.DataFrame  # the values file as read, with each row's council key
    groups: pd.DataFrame  # the family groups file, with council and grouping keys
    names: pd.Series  # canonical council name by council key
    register: pd.DataFrame  # the indicators that map onto pmkit, with their scale and family grouping
    unmapped: dict[str, tuple[str, ...]]  # indicator codes that do not, by reason
    rows: pd.DataFrame  # usable rows of the values file (all councils), values scaled
    aggregate: pd.Series  # mask of the values file's rows with multi-year periods
    skipped_rows: dict[str, int]


def _read_extract(directory: str | os.PathLike) -> _Extract:
    """Read and parse the three LGBF files in ``directory``; `SourceError` when one is missing or unreadable."""
    folder = Path(directory)
    values = _read(folder, VALUES_FILE, ["Code", "LocalAuthority", "Year", "LA_IndicatorReal"])
    info = _read(folder, INFO_FILE, INFO_COLUMNS)
    groups = _read(folder, GROUPS_FILE, ["Family_Group", "Local_Authority", "Type"])

    keys = {name: council_key(name) for name in values["LocalAuthority"].unique()}
    values = values.assign(key=values["LocalAuthority"].map(keys))
    register, unmapped = _indicator_register(info.loc[info["Code"] != ""].drop_duplicates("Code"))
    rows, aggregate, skipped_rows = _usable_rows(values, info["Code"])
    rows = rows.loc[rows["Code"].isin(register["indicator_id"])]
    scale = rows["Code"].map(register.set_index("indicator_id")["scale"])
    rows = rows.assign(value=(rows["value"] * scale).round(10))  # rounding drops float noise such as 56.00000000000001
    register = measure.observed_bounds(register, rows[["Code", "value"]].rename(columns={"Code": "indicator_id"}))
    names = _council_names(values)
    return _Extract(folder, values, _keyed_groups(groups), names, register, unmapped, rows, aggregate, skipped_rows)


def _checked_peers(extract: _Extract, key: str) -> pd.DataFrame:
    """The council's family peers (`_family_peers`), once every indicator's grouping is known to have them."""
    peers = _family_peers(extract.groups, extract.names, key, extract.folder / GROUPS_FILE)
    register = extract.register
    unmatched = register.loc[~register["grouping"].isin(peers["grouping"]), "indicator_id"]
    if not unmatched.empty:
        codes = ", ".join(unmatched)
        raise SourceError(f"{extract.folder / INFO_FILE}: FamilyGrouping of {codes} matches no Type in {GROUPS_FILE}")
    return peers


def _write_source(extract: _Extract, key: str, peers: pd.DataFrame, out: str | os.PathLike) -> ImportSummary:
    """Write the folder source of the council with ``key`` to ``out``."""
    register, rows, name = extract.register, extract.rows, extract.names[key]
    own = rows["key"] == key
    measures = rows.loc[own, ["Code", "period", "value"]].rename(columns={"Code": "indicator_id"})
    kept = register["indicator_id"].isin(measures["indicator_id"])
    indicators = register.loc[kept].drop(columns=["scale", "grouping"])
    others = rows.loc[~own & rows["Code"].isin(indicators["indicator_id"])]
    benchmarks = _benchmark_table(others, register, peers, extract.names)

    write_folder({"indicators": indicators, "measures": measures, "benchmarks": benchmarks}, out)
    values, aggregate = extract.values, extract.aggregate
    return ImportSummary(
        council=name,
        out=Path(out),
        indicators=len(indicators),
        measures=len(measures),
        benchmark_rows=len(benchmarks),
        skipped_aggregate_rows=int(aggregate.sum()),
        council_aggregate_rows=int((aggregate & (values["key"] == key)).sum()),
        aggregate_periods=tuple(sorted(values.loc[aggregate, "Year"].unique())),
        skipped_rows=dict(extract.skipped_rows),
        skipped_indicators={
            **extract.unmapped,
            f"no single-year value for {name}": tuple(register.loc[~kept, "indicator_id"]),
        },
    )


def _refuse_project(folder: Path) -> None:
    """`PmkitError` when ``folder`` is already a pmkit project."""
    if (folder / DEFAULTS_FILE).exists():
        raise PmkitError(
            f"{folder / DEFAULTS_FILE} already exists: {folder} is already a pmkit project; import into a new folder"
        )


def _write_project(extract: _Extract, key: str, peers: pd.DataFrame, project: Path) -> ImportSummary:
    """Write the project of the council with ``key`` in ``project`` (see `import_lgbf_project`)."""
    from pmkit.project.create import DIRECTORATES, init_project

    summary = _write_source(extract, key, peers, project / "data" / f"{council_code(extract.names[key])}-lgbf")
    name = cover_name(summary.council)
    init_project(project, name, str(summary.out), reporting="annual", comparator_group=FAMILY_GROUP)
    directorates = tuple(sorted(p.stem for p in (project / DIRECTORATES).glob("*.yaml")))
    return replace(summary, project=project, report_name=name, directorates=directorates)


def import_lgbf(directory: str | os.PathLike, council: str, out: str | os.PathLike) -> ImportSummary:
    """Write a pmkit folder source for one Scottish council from the LGBF files in ``directory``.

    Raises `UnknownCouncilError` for a council not in the data and `SourceError` for missing or
    inconsistent files; nothing is written then.
    """
    extract = _read_extract(directory)
    key = _resolve_council(council, extract.names)
    return _write_source(extract, key, _checked_peers(extract, key), out)


def import_lgbf_project(directory: str | os.PathLike, council: str, project: str | os.PathLike) -> ImportSummary:
    """Write a pmkit project for one Scottish council in ``project`` from the LGBF files in ``directory``.

    The folder source goes to ``project/data/<council-code>-lgbf`` (as `import_lgbf` writes it);
    then `pmkit.project.create.init_project` names the council as a report cover prints it
    (`cover_name`), reports annually, ranks in the council's family group and draws Scotland
    as the national line, with a params file per LGBF service area. A folder that already holds
    ``params/defaults.yaml`` is refused, as are an unknown council and missing or inconsistent
    files, before anything is written.
    """
    project = Path(project)
    _refuse_project(project)
    extract = _read_extract(directory)
    key = _resolve_council(council, extract.names)
    return _write_project(extract, key, _checked_peers(extract, key), project)


def import_lgbf_club(directory: str | os.PathLike, out: str | os.PathLike) -> list[ImportSummary]:
    """Write a project for every council in the LGBF files, each in ``out/<council-code>``, reading the files once.

    Each project is what `import_lgbf_project` writes for that council into the same folder.
    Refuses an ``out`` that already holds any of the projects, and missing or inconsistent
    files, before anything is written. Returns the summaries sorted by council code.
    """
    out = Path(out)
    extract = _read_extract(directory)
    projects = {key: out / council_code(name) for key, name in extract.names.items()}
    taken = [folder for folder in projects.values() if (folder / DEFAULTS_FILE).exists()]
    if taken:
        raise PmkitError(
            f"{out} already holds {len(taken)} of the councils' projects "
            f"({', '.join(folder.name for folder in taken)}; {taken[0] / DEFAULTS_FILE} exists): "
            f"import into a new folder"
        )
    peers = {key: _checked_peers(extract, key) for key in projects}
    return [_write_project(extract, key, peers[key], folder) for key, folder in projects.items()]
