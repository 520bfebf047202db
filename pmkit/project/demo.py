"""The demo council: a deterministic, fictional Thornbury Vale Council.

Everything pmkit needs to show itself off and to be tested end to end: a KPI register of six
directorates, five and a half years of measures (April 2020 to September 2025) with trends,
seasonality, step changes, a missing return and provisional values, year-by-year targets,
nearest-neighbour and England benchmarks, officers' commentary, three thousand and more
citizen comments and six case studies. The catalogue, the feedback themes and the case studies
live as data under ``pmkit/data/demo/``; this module turns them into tables with one seeded
``numpy`` generator, so the same seed always gives the same council.

>>> demo = build_demo()                                        # doctest: +SKIP
>>> demo.tables["indicators"].groupby("directorate").size()   # doctest: +SKIP
>>> write_demo_store("data/pmkit.duckdb")                      # doctest: +SKIP
"""

from __future__ import annotations

import os
import re
import zlib
from dataclasses import dataclass
from datetime import date
from functools import partial
from importlib import resources
from pathlib import Path
from statistics import NormalDist

import numpy as np
import pandas as pd
import yaml

from pmkit.io import measure, periods
from pmkit.io.schema import TABLES
from pmkit.io.sources import write_duckdb
from pmkit.io.units import format_value
from pmkit.judge import status

FIRST = periods.parse("Apr 2020")
LATEST = periods.parse("2025/26 Q2")
COMMENTARY_QUARTERS = ("2024/25 Q4", "2025/26 Q1", "2025/26 Q2")
YEAR_END = "2024/25 Q4"  # the quarter whose commentary is the officers' year-end story (`year_end` in the catalogue)
BENCHMARK_FROM = periods.parse("2022/23")  # monthly and quarterly peers from here; annual from the start
FEEDBACK_MONTHS = ("2023-04", "2025-09")
FEEDBACK_VOLUME = 3600
PERSONAL_SHARE = 0.03
RANK_FOR_QUARTILE = {1: 2, 2: 6, 3: 10, 4: 15}  # designed rank among 16 (the council and 15 peers)

PEERS = [
    ("E06000901", "Ashworth"),
    ("E06000902", "Brackley Moor"),
    ("E06000903", "Calderbridge"),
    ("E06000904", "Dunmere"),
    ("E06000905", "Eastwold"),
    ("E06000906", "Fernham Vale"),
    ("E06000907", "Greyhaven"),
    ("E06000908", "Hollinsford"),
    ("E06000909", "Kestermoor"),
    ("E06000910", "Larkfield Downs"),
    ("E06000911", "Marrowby"),
    ("E06000912", "Northcote"),
    ("E06000913", "Pellingford"),
    ("E06000914", "Redmarsh"),
    ("E06000915", "Wexcombe"),
]
ENGLAND = ("E92000001", "England")

_GAP = {"green": (1, 0.2, 0.9), "amber": (-1, 0.35, 0.65), "red": (-1, 1.8, 3.0)}  # side, band multiples
_MONTHS = {
    name.lower(): i
    for i, name in enumerate(["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"])
}
_EARLIER_STORIES = [  # commentary for a quarter between the year end and the latest: why, actions, public why, public actions
    (
        "Demand on {service} was higher than planned during the period and the service carried vacancies.",
        "Review of demand and capacity with the service manager; weekly tracking until back on target.",
        "The service was busier than planned and short of staff.",
        "We reviewed staffing against demand and checked progress every week.",
    ),
    (
        "Part of the dip reflects records entered late after a change to the {service} case recording process.",
        "Data quality check of the period's records; refresher training on the new recording steps.",
        "Some of the dip was caused by records being entered late after a change in how we record cases.",
        "We checked the records and trained staff on the new process.",
    ),
    (
        "Pressures from the previous period carried on while {service} worked through a backlog.",
        "Recovery plan agreed with the director; the service manager reports to the next performance board.",
        "Problems from earlier in the year took longer to fix than we hoped.",
        "A recovery plan is in place and senior managers check it every month.",
    ),
]
_PREVIOUS = {"monthly": "the previous month", "quarterly": "the previous quarter", "annual": "the previous year"}
_TRAVEL = {"improving": "an improvement on", "declining": "worse than", "no_change": "about the same as"}


@dataclass
class Demo:
    """The demo council's tables (keyed as in `pmkit.io.schema.TABLES`) and case studies."""

    tables: dict[str, pd.DataFrame]
    case_studies: list[tuple[str, str]]


def build_demo(seed: int = 2025) -> Demo:
    """Build the demo council from ``seed``; the same seed always gives identical tables.

    >>> demo = build_demo(2025)                      # doctest: +SKIP
    >>> len(demo.tables["feedback"]) > 3000          # doctest: +SKIP
    True
    """
    catalogue = _load("indicators.yaml")
    specs = catalogue["indicators"]
    rngs = [_rng(seed, spec["id"]) for spec in specs]
    indicators = _register(specs, catalogue["priorities"])
    simulated = [_simulate(spec, rng) for spec, rng in zip(specs, rngs)]
    measures = pd.concat([frame for frame, _ in simulated], ignore_index=True)
    targets = pd.concat(
        [_targets(spec, frame, rng) for spec, (frame, _), rng in zip(specs, simulated, rngs)], ignore_index=True
    )
    benchmarks = pd.concat(
        [
            _benchmarks(spec, frame, shared, rng)
            for spec, (frame, shared), rng in zip(specs, simulated, rngs)
            if spec.get("benchmark_metric")
        ],
        ignore_index=True,
    )
    tables = {
        "indicators": indicators,
        "measures": measures,
        "targets": targets,
        "benchmarks": benchmarks,
        "commentary": _commentary(specs, indicators, measures, targets, benchmarks, _rng(seed, "commentary")),
        "feedback": _feedback(_load("feedback.yaml"), _rng(seed, "feedback")),
        "actions": _actions(plan := _load("actions.yaml"), catalogue["priorities"]),
        "action_updates": _action_updates(plan),
        "breakdowns": _breakdowns(measures, _load("feedback.yaml")["wards"], _rng(seed, "breakdowns")),
    }
    return Demo(tables, _case_studies())


DEMO_RUNS = [  # what `pmkit demo` renders, for both audiences: (report kind, its options)
    ("quarterly", {}),
    ("annual", {}),
    ("deep-dive", {"indicator": "ASC-02"}),
    ("deep-dive", {"topic": "repairs"}),
]


def write_demo_store(path: str | os.PathLike = "data/pmkit.duckdb", seed: int = 2025) -> Path:
    """Build the demo council and write it as a DuckDB store at ``path``; returns the path.

    >>> write_demo_store("data/pmkit.duckdb")        # doctest: +SKIP
    PosixPath('data/pmkit.duckdb')
    """
    demo = build_demo(seed)
    return write_duckdb(demo.tables, path, demo.case_studies)


# ---------------------------------------------------------------------------- catalogue


def _rng(seed: int, key: str) -> np.random.Generator:
    """A generator per indicator (or table), so editing one leaves the others' numbers unchanged."""
    return np.random.default_rng([seed, zlib.crc32(key.encode())])


def _load(name: str) -> dict:
    text = (resources.files("pmkit") / "data" / "demo" / name).read_text(encoding="utf-8")
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # libyaml when present


def _register(specs: list[dict], priorities: dict[str, str]) -> pd.DataFrame:
    """The `indicators` table: register columns only, defaults filled from the schema."""
    columns = TABLES["indicators"].columns
    rows = []
    for spec in specs:
        row = {name: spec.get(name, column.default) for name, column in columns.items()}
        row["indicator_id"] = spec["id"]
        row["priority"] = priorities[spec["priority"]]
        row["public"] = bool(spec.get("public", True))
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(columns))
    return frame.fillna({name: "" for name, column in columns.items() if column.kind in ("text", "choice")})


# ---------------------------------------------------------------------------- measures


def _starts(frequency: str) -> np.ndarray:
    """Start months of every period of ``frequency`` from April 2020 to the latest complete one."""
    last = periods.latest_start(np.array([LATEST.end]), frequency)[0]
    return np.arange(FIRST.start, last + 1, periods.MONTHS_IN[frequency])


def _fy(starts: np.ndarray) -> np.ndarray:
    return starts - (starts - periods.APRIL) % 12


def _seasonal_factor(starts: np.ndarray, months: int, amplitude: float, peak: str) -> np.ndarray:
    """Mean over each period's months of ``1 + amplitude * cos(month - peak)``; 1 for years."""
    if months == 12 or not amplitude:
        return np.ones(len(starts))
    offset = starts[:, None] + np.arange(months)[None, :] - _MONTHS[peak.lower()]
    return 1 + amplitude * np.cos(2 * np.pi * offset / 12).mean(axis=1)


def _simulate(spec: dict, rng: np.random.Generator) -> tuple[pd.DataFrame, np.ndarray]:
    """One indicator's measures, and the noise-free level it shares with other councils.

    The shared level is the trend and season without this council's own step change, so that
    peers do not move when the council changes its service.
    """
    model, frequency, unit = spec["model"], spec["frequency"], spec["unit"]
    months = periods.MONTHS_IN[frequency]
    starts = _starts(frequency)
    levels = np.asarray(model["levels"], dtype=float)
    cumulative = bool(spec.get("cumulative"))
    if cumulative:  # each year's own total, spread over the year by the profile
        profile = np.diff(np.concatenate([[0.0], model["profile"]]))
        level = levels[(_fy(starts) - FIRST.start) // 12] * profile[(starts - _fy(starts)) // months]
    else:
        level = np.interp(starts + months / 2, FIRST.start + 6 + 12 * np.arange(len(levels)), levels)
    season = _seasonal_factor(starts, months, model.get("season", 0.0), model.get("peak", "Jan"))
    shared = level * season
    if step := model.get("step"):
        level = level + np.where(starts >= periods.parse(step["at"]).start, step["by"], 0.0)
    level = level * season
    noise = rng.normal(0.0, model.get("noise", 0.02), len(starts))
    value = rng.poisson(level).astype(float) if model.get("poisson") else level * (1 + noise)
    numerator = denominator = np.full(len(starts), np.nan)
    if cumulative:
        value = pd.Series(value).groupby(_fy(starts)).cumsum().to_numpy()
        shared = pd.Series(shared).groupby(_fy(starts)).cumsum().to_numpy()
    if unit == "percent":
        value = np.clip(value, 0.0, 100.0)
        if size := model.get("denominator"):
            denominator = np.maximum(1, np.round(size * (1 + rng.normal(0.0, 0.08, len(starts)))))
            numerator = np.round(value / 100 * denominator)
            value = 100 * numerator / denominator
    elif unit == "score":
        value = np.clip(value, 1.0, 5.0)
    value = np.round(np.maximum(value, 0.0), int(spec.get("decimals", 1)))
    labels = np.array([periods.label_of(s, frequency) for s in starts])
    quality = np.full(len(starts), "final", dtype=object)
    note = np.full(len(starts), "", dtype=object)
    for kind, text in (
        ("provisional", "Provisional: not yet validated."),
        ("estimated", "Estimated: part of the data was unavailable."),
    ):
        if count := model.get(kind):
            quality[-count:], note[-count:] = kind, text
    if step:
        note[np.searchsorted(starts, periods.parse(step["at"]).start)] = step["note"]
    if model.get("missing"):
        value[-1] = numerator[-1] = denominator[-1] = np.nan
        note[-1] = "Return not received: the quarterly extract failed during the case system upgrade."
    frame = pd.DataFrame(
        {
            "indicator_id": spec["id"],
            "period": labels,
            "value": value,
            "numerator": numerator,
            "denominator": denominator,
            "quality": quality.astype(str),
            "note": note.astype(str),
        }
    )
    return frame, shared


# ---------------------------------------------------------------------------- targets


def _direction(spec: dict) -> int:
    """+1 when higher is better, -1 when lower is better (0 for neutral)."""
    return {"higher_is_better": 1, "lower_is_better": -1}.get(spec["polarity"], 0)


def _round_target(x: float, spec: dict, fine: bool = False) -> float:
    """A target as a council would set it: three significant figures, half points for percentages.

    ``fine`` keeps the indicator's own precision below 1,000 (for targets placed by design).
    """
    decimals = int(spec.get("decimals", 1))
    if abs(x) >= 1000:
        return float(round(x, -int(np.floor(np.log10(abs(x)))) + 2))
    if spec["unit"] == "percent" and decimals and not fine:
        return round(x * 2) / 2
    return round(x, decimals)


def _designed_target(value: float, spec: dict, rag: str, rng: np.random.Generator) -> float:
    """A target that puts ``value`` on the ``rag`` side of its tolerance band (by design, not judged)."""
    side, low, high = _GAP[rag]
    shift = side * _direction(spec) * rng.uniform(low, high) * float(spec.get("tolerance", 0.05))
    target = value - shift if spec.get("tolerance_type") == "absolute" else value / (1 + shift)
    return _round_target(target, spec, fine=True)


def _targets(spec: dict, measures: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Year targets (last year's outturn plus some ambition), exact-period ones, and the designed latest."""
    model = spec["model"]
    if model.get("target") == "none" or _direction(spec) == 0:
        return pd.DataFrame(columns=["indicator_id", "period", "target"])
    frequency = spec["frequency"]
    starts = _starts(frequency)
    fy = _fy(starts)
    years = FIRST.start + 12 * np.arange(6)
    cumulative = bool(spec.get("cumulative"))
    rows: dict[str, float] = {}
    if "target" in model:
        rows.update({periods.label_of(y, "annual"): float(model["target"]) for y in years})
    else:
        outturn = pd.Series(measures["value"].to_numpy()).groupby(fy).agg("last" if cumulative else "mean")
        baseline = np.asarray(model["levels"], dtype=float)
        ambition = rng.uniform(0.0, 0.04, len(years))
        for i, year in enumerate(years):
            # the first two years' targets were set for a normal year, not the pandemic's outturn
            base = baseline[1] if i < 2 else outturn.get(year - 12, baseline[min(i, len(baseline) - 1)])
            rows[periods.label_of(year, "annual")] = _round_target(base * (1 + _direction(spec) * ambition[i]), spec)
    if rag := model.get("rag"):
        latest = measures["value"].iloc[-1]
        judged = periods.Period(int(starts[-1]), frequency)
        where = model.get("exact") or (judged.label if cumulative else judged.year.label)
        rows[where] = _designed_target(latest, spec, rag, rng)
        if model.get("exact"):
            rows[judged.year.label] = _designed_target(latest, spec, "red", rng)
        if cumulative:
            share = model["profile"][(judged.start - judged.fy_start) // judged.months]
            rows[judged.year.label] = _round_target(rows[where] / share, spec)
    if cumulative:
        for year in years:
            annual = rows[periods.label_of(year, "annual")]
            for q, share in enumerate(model["profile"]):
                rows.setdefault(periods.label_of(year + 3 * q, "quarterly"), _round_target(annual * share, spec))
    if winter := model.get("winter"):
        for year in years[3:]:
            annual = rows[periods.label_of(year, "annual")]
            for month in (year + 8, year + 9):  # December and January
                rows[periods.label_of(month, "monthly")] = _round_target(annual * (1 - _direction(spec) * winter), spec)
    low, high = measure.bounds(spec)  # no ambition beyond what the measure can reach (a 102% target)
    return pd.DataFrame(
        {"indicator_id": spec["id"], "period": list(rows), "target": np.clip(list(rows.values()), low, high)}
    )


# ---------------------------------------------------------------------------- benchmarks


def _to_scale(values: np.ndarray, unit: str) -> np.ndarray:
    """Percentages on the logit scale, everything else on the log scale."""
    if unit == "percent":
        p = np.clip(values / 100, 1e-4, 1 - 1e-4)
        return np.log(p / (1 - p))
    return np.log(np.maximum(values, 1e-6))


def _from_scale(values: np.ndarray, unit: str) -> np.ndarray:
    return 100 / (1 + np.exp(-values)) if unit == "percent" else np.exp(values)


def _benchmarks(spec: dict, measures: pd.DataFrame, shared: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """Nearest neighbours around the shared level, placing this council at its designed latest rank.

    Peers sit at fixed slots of a normal distribution (on the logit or log scale) around the level
    councils share, shifted so that this council's actual latest value falls in the slot its
    `quartile` asks for; their distance drifts over the earlier years.
    """
    model, unit, frequency = spec["model"], spec["unit"], spec["frequency"]
    starts = _starts(frequency)
    keep = starts >= (FIRST.start if frequency == "annual" else BENCHMARK_FROM.start)
    level = _to_scale(shared[keep], unit)
    latest = _to_scale(measures["value"].to_numpy()[keep][-1:], unit)[0]
    own = level + np.nan_to_num(latest - level[-1])
    ramp = np.linspace(0.0, 1.0, len(level))
    slots = np.array([NormalDist().inv_cdf((k + 0.5) / 16) for k in range(16)])[::-1]  # best first
    rank = RANK_FOR_QUARTILE[model["quartile"]]
    peer_slots = rng.permutation(np.delete(slots, rank - 1))
    spread = model.get("spread", 0.35 if unit == "percent" else 0.15)
    direction = _direction(spec) or 1
    drift = rng.uniform(-1.2, 1.2) * (1 - ramp)
    scaled = own[:, None] + direction * spread * (peer_slots[None, :] - slots[rank - 1] + drift[:, None])
    scaled = scaled + rng.normal(0.0, 0.12 * spread, scaled.shape)
    values = np.round(_from_scale(scaled, unit), int(spec.get("decimals", 1)))
    unpublished = rng.random(values.shape) < 0.015
    unpublished[-2:] = False  # the latest periods are complete
    values[unpublished] = np.nan
    england = np.round(
        _from_scale(scaled.mean(axis=1) + rng.normal(0.0, 0.05 * spread, len(level)), unit),
        int(spec.get("decimals", 1)),
    )
    labels = measures["period"].to_numpy()[keep]
    n, p = values.shape
    codes = np.array([code for code, _ in PEERS] + [ENGLAND[0]])
    names = np.array([name for _, name in PEERS] + [ENGLAND[1]])
    return pd.DataFrame(
        {
            "metric": spec["benchmark_metric"],
            "authority_code": np.tile(codes, n),
            "authority_name": np.tile(names, n),
            "period": np.repeat(labels, p + 1),
            "value": np.column_stack([values, england]).ravel(),
            "group": np.tile(["nearest_neighbours"] * p + ["england"], n),
        }
    )


# ---------------------------------------------------------------------------- commentary


def _plain_period(label: str) -> str:
    """``2025/26 Q2`` as ``July to September 2025``, ``Sep 2025`` as ``September 2025``; years as they are."""
    p = periods.parse(label)
    first, last = periods.Period(p.start, "monthly").start_date, periods.Period(p.end - 1, "monthly").start_date
    return {"annual": p.label, "monthly": f"{first:%B %Y}"}.get(p.frequency, f"{first:%B} to {last:%B %Y}")


def _story(spec: dict, rag: str, is_latest: bool, at_year_end: bool, rng: np.random.Generator) -> dict | None:
    """The indicator's own story for its latest period, its own year-end story for the year's last quarter (or for
    being green but bottom quartile), else a generic one."""
    story = spec.get("story")
    if story and is_latest:
        return story
    if at_year_end and spec.get("year_end"):
        return spec["year_end"]
    if story and rag == "green":
        return story
    if rag == "green":
        return None
    why, actions, public_why, public_actions = _EARLIER_STORIES[int(rng.integers(len(_EARLIER_STORIES)))]
    return {
        "why": why.format(service=spec["service"].lower()),
        "actions": actions,
        "public": public_why,
        "public_actions": public_actions,
    }


def _commentary(specs, indicators, measures, targets, benchmarks, rng: np.random.Generator) -> pd.DataFrame:
    """Internal and public commentary for every indicator red, amber or green-but-bottom-quartile in a recent quarter.

    The latest period's commentary tells the indicator's own story (its `story` in the catalogue), the year end's
    its own year-end story (``year_end``: written for every indicator with one, whatever its status in that
    quarter, as the annual report tells it); a quarter between them gets one of a few generic explanations.
    """

    by_id = {spec["id"]: spec for spec in specs}
    judged = pd.concat(
        [
            status.assess(measures, indicators, q, targets=targets, benchmarks=benchmarks).assign(quarter=q)
            for q in COMMENTARY_QUARTERS
        ],
        ignore_index=True,
    )
    green_bottom = judged["exceptions"].map(lambda codes: "green_bottom_quartile" in codes)
    told = judged["indicator_id"].map(lambda i: "year_end" in by_id[i]) & (judged["quarter"] == YEAR_END)
    judged = judged[judged["rag"].isin(["red", "amber"]) | green_bottom | told]
    judged = judged.drop_duplicates(["indicator_id", "period"], keep="last")
    latest = {spec["id"]: LATEST.latest(spec["frequency"]).label for spec in specs}
    rows = []
    for row in judged.itertuples(index=False):
        spec = by_id[row.indicator_id]
        story = _story(spec, row.rag, row.period == latest[row.indicator_id], row.quarter == YEAR_END, rng)
        if story is None:
            continue
        # a rate's base (per 1,000 households, per 100,000 people) is in its title, so print the number alone
        unit = "count" if spec["unit"] == "rate" else spec["unit"]
        fmt = partial(format_value, unit=unit, decimals=int(spec.get("decimals", 1)))
        year_story = row.quarter == YEAR_END and story is spec.get("year_end")
        lines = (
            []
            if year_story
            else [  # the year's story is read beside the year's figures: its last month's would contradict them
                f"**{status.RAG_WORDS[row.rag]}:** {fmt(row.value)} in {row.period} against a target of {fmt(row.target)}."
            ]
        )
        if not year_story and (trend := _TRAVEL.get(row.dot)):
            compared = (
                "last year's figure for the same period" if spec.get("seasonal") else _PREVIOUS[spec["frequency"]]
            )
            lines.append(f"This is {trend} {compared}.")
        if not year_story and not pd.isna(row.quartile):
            lines.append(
                f"Ranked {row.rank} of {int(row.n_peers) + 1} with our nearest neighbours, quartile {row.quartile}"
                f" (their median {fmt(row.peer_median)})."
            )
        items = [item.strip().rstrip(".") for item in re.split(r";\s*", story["actions"])]
        rows.append(
            {
                "indicator_id": row.indicator_id,
                "period": row.period,
                "audience": "internal",
                "text": "\n\n".join([" ".join(lines), story["why"]] if lines else [story["why"]]),
                "actions": "\n".join(f"- {item[0].upper()}{item[1:]}." for item in items)
                + f"\n\nLead: {spec['owner']}.",
            }
        )
        if spec.get("public", True):
            aim = "or more" if spec["polarity"] == "higher_is_better" else "or less"
            rows.append(
                {
                    "indicator_id": row.indicator_id,
                    "period": row.period,
                    "audience": "public",
                    "text": story["public"]
                    if year_story
                    else f"We aim for {fmt(row.target)} {aim}. In "
                    f"{_plain_period(row.period)} it was {fmt(row.value)}.\n\n{story['public']}",
                    "actions": story["public_actions"],
                }
            )
    return pd.DataFrame(rows + _overviews(), columns=list(TABLES["commentary"].columns)).fillna("")


def _overviews() -> list[dict]:
    """Directorates' overviews and the council's foreword (commentary rows without an indicator)."""
    book = _load("overviews.yaml")
    rows = []
    for item in [*book["overviews"], {**book["foreword"], "directorate": ""}]:
        for audience in ("internal", "public"):
            rows.append(
                {
                    "indicator_id": "",
                    "directorate": item["directorate"],
                    "period": item["period"],
                    "audience": audience,
                    "text": item[audience].strip(),
                    "actions": item.get("actions", ""),
                }
            )
    return rows


# ---------------------------------------------------------------------------- feedback


def _month_starts(first: str, last: str) -> np.ndarray:
    return np.arange(periods.parse(first).start, periods.parse(last).start + 1)


def _feedback(book: dict, rng: np.random.Generator) -> pd.DataFrame:
    """Citizen comments: Poisson volumes per theme and month, text from templates and slot fillers."""
    themes = book["themes"]
    months = _month_starts(*FEEDBACK_MONTHS)
    rate = np.empty((len(themes), len(months)))
    for i, theme in enumerate(themes):
        rate[i] = theme["weight"] * _seasonal_factor(months, 1, theme.get("season", 0.0), theme.get("peak", "Jan"))
        for event in theme.get("events", []):
            inside = (months >= periods.parse(event["from"]).start) & (months <= periods.parse(event["to"]).start)
            rate[i, inside] *= event["factor"]
    counts = rng.poisson(rate * FEEDBACK_VOLUME / rate.sum())
    theme_of = np.repeat(np.arange(len(themes)), counts.sum(axis=1))
    month_of = np.concatenate([np.repeat(months, row) for row in counts])
    first_day = pd.to_datetime([periods.Period(int(m), "monthly").start_date for m in month_of])
    date = first_day + pd.to_timedelta(np.floor(rng.random(len(month_of)) * first_day.days_in_month), unit="D")

    channels = np.array(book["channels"])
    mixes = np.array([theme.get("mix", book["default_mix"]) for theme in themes], dtype=float)
    bounds = np.cumsum(mixes / mixes.sum(axis=1, keepdims=True), axis=1)
    bounds[:, -1] = 1.0
    channel = channels[(rng.random(len(theme_of))[:, None] > bounds[theme_of]).sum(axis=1)]
    satisfaction = np.array([theme.get("satisfaction", 0.4) for theme in themes])[theme_of]
    tone = _tones(channel, satisfaction, rng)
    rating = np.where(
        channel == "survey",
        np.select(
            [tone == "negative", tone == "mixed"], [rng.integers(1, 3, len(tone)), 3], rng.integers(4, 6, len(tone))
        ),
        np.nan,
    )
    text = [_comment(themes[t], tone[i], book, rng) for i, t in enumerate(theme_of)]
    text = _add_personal(text, book["personal"], book["slots"]["street"], rng)
    theme_index = {theme["theme"]: i for i, theme in enumerate(themes)}
    for item in book["markup"]:
        candidates = np.flatnonzero(
            (theme_of == theme_index[item["theme"]]) & np.isin(channel, ["complaint", "comment"])
        )
        text[int(rng.choice(candidates))] = item["text"]
    wards = np.array(book["wards"] + [""] * 2)
    frame = pd.DataFrame(
        {
            "date": date.normalize(),
            "directorate": [themes[t]["directorate"] for t in theme_of],
            "service": [themes[t]["service"] for t in theme_of],
            "channel": channel,
            "text": text,
            "rating": rating,
            "ward": wards[rng.integers(0, len(wards), len(theme_of))],
        }
    )
    frame = frame.sort_values("date", kind="stable").reset_index(drop=True)
    frame.insert(0, "feedback_id", [f"FB{i:05d}" for i in range(1, len(frame) + 1)])
    return frame


def _tones(channel: np.ndarray, satisfaction: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """negative / mixed / positive per comment: complaints are negative, compliments positive."""
    draw = rng.random(len(channel))
    positive = np.where(channel == "survey", satisfaction, 0.6 * satisfaction)
    mixed = 0.15
    judged = np.where(draw < positive, "positive", np.where(draw < positive + mixed, "mixed", "negative"))
    return np.select([channel == "complaint", channel == "compliment"], ["negative", "positive"], judged)


def _comment(theme: dict, tone: str, book: dict, rng: np.random.Generator) -> str:
    """One comment: an opener, a filled template and a closer of the same tone."""
    templates = theme.get(tone) or theme["negative"]
    wrap = book["tones"][tone]
    slots = {**book["slots"], **theme.get("slots", {}), "ward": book["wards"]}
    template = templates[int(rng.integers(len(templates)))]
    filled = template.format_map(
        {k: v[int(rng.integers(len(v)))] for k, v in slots.items() if "{" + k + "}" in template}
    )
    opener = wrap["openers"][int(rng.integers(len(wrap["openers"])))]
    closer = wrap["closers"][int(rng.integers(len(wrap["closers"])))]
    return f"{opener}{filled}{closer}"


def _add_personal(text: list[str], personal: dict, streets: list[str], rng: np.random.Generator) -> list[str]:
    """Append invented personal details to a share of comments (for redaction to find)."""
    chosen = rng.choice(len(text), size=round(PERSONAL_SHARE * len(text)), replace=False)
    out = list(text)
    for i in chosen:
        first = personal["first"][int(rng.integers(len(personal["first"])))]
        surname = personal["surname"][int(rng.integers(len(personal["surname"])))]
        values = {
            "first": first,
            "surname": surname,
            "email": f"{first}.{surname}".lower().replace("'", "") + "@" + personal["domains"][int(rng.integers(3))],
            "mobile": f"07700 900{int(rng.integers(0, 1000)):03d}",
            "landline": f"01632 960{int(rng.integers(0, 1000)):03d}",
            "house": str(int(rng.integers(1, 120))),
            "street": streets[int(rng.integers(len(streets)))],
            "postcode": f"TV{int(rng.integers(1, 9))} {int(rng.integers(1, 10))}{_letters(rng, 2)}",
            "ni": f"QQ {int(rng.integers(10, 100))} {int(rng.integers(10, 100))} {int(rng.integers(10, 100))} {_letters(rng, 1, 'ABCD')}",
        }
        template = personal["templates"][int(rng.integers(len(personal["templates"])))]
        out[i] = out[i] + template.format_map(values)
    return out


def _letters(rng: np.random.Generator, n: int, alphabet: str = "ABDEFGHJLNPQRSTUWXYZ") -> str:
    return "".join(alphabet[int(k)] for k in rng.integers(0, len(alphabet), n))


# ---------------------------------------------------------------------------- case studies


def _actions(book: dict, priorities: dict[str, str]) -> pd.DataFrame:
    """The council plan's actions as the `actions` table (priority keys turned into their names)."""
    rows = [
        {
            "action_id": a["id"],
            "title": a["title"],
            "priority": priorities[a["priority"]],
            "directorate": a["directorate"],
            "lead": a["lead"],
            "due": a["due"],
            "status": a["status"],
            "percent_complete": float(a["percent"]),
            "update": a["update"],
            "public": bool(a["public"]),
        }
        for a in book["actions"]
    ]
    return pd.DataFrame(rows)


PLAN_START = periods.parse("2024/25 Q1")  # the council plan's first quarter
ACTION_QUARTERS = [PLAN_START.shift(k) for k in range((LATEST.end - PLAN_START.start) // 3)]  # to LATEST


def _month_year(month: int) -> str:
    """A month index in words: ``September 2024``."""
    return f"{date(month // 12, month % 12 + 1, 1):%B %Y}"


def _action_updates(book: dict) -> pd.DataFrame:
    """A quarterly update for every action from 2024/25 Q1 to now, from each action's story in ``history``: not
    started before it began, on track with its percent rising, at risk or off track from when it slipped, complete
    in the quarter it was done (its last update); the update now is the action's own row."""
    rows, index = [], {q.label: k for k, q in enumerate(ACTION_QUARTERS)}
    for a in book["actions"]:
        story = book["history"].get(a["id"], {})
        last = len(ACTION_QUARTERS) - 1
        started = index[story["started"]] if "started" in story else last + 1
        done = index[story["done"]] if "done" in story else None
        slipped = index[story["slipped"]] if "slipped" in story else None
        end = last if done is None else done
        earlier = index[story["earlier_in"]] if "earlier_in" in story else started + (end - started) // 2
        target = 100.0 if done is not None else float(a["percent"])
        for k, quarter in enumerate(ACTION_QUARTERS[: end + 1]):
            if k == end:  # done then, or now: the action's own row
                status, percent, update = a["status"], float(a["percent"]), a["update"]
            elif k < started:
                status, percent = "not_started", 0.0
                update = (
                    f"Not started: work is planned to begin in {_month_year(ACTION_QUARTERS[started].start)}."
                    if started <= last
                    else "Not started: planned for a later year of the council plan."
                )
            else:
                late = slipped is not None and k >= slipped
                status = ("at_risk" if done is not None else a["status"]) if late else "on_track"
                percent = float(min(95, 5 * round(target * (k - started + 1) / (end - started + 1) / 5)))
                if late and k == slipped and "slip" in story:
                    update = story["slip"]
                elif k == earlier and "earlier" in story:
                    update = story["earlier"]
                elif k == started:
                    update = f"Work began: the project team and plan were agreed by {_month_year(quarter.end - 1)}."
                elif late:
                    update = (
                        f"Still {status.replace('_', ' ')} at the end of {_month_year(quarter.end - 1)}, about {percent:.0f}% done; "
                        "the recovery plan is reported to the programme board every month."
                    )
                else:
                    update = f"On course: about {percent:.0f}% done at the end of {_month_year(quarter.end - 1)}."
            rows.append(
                {
                    "action_id": a["id"],
                    "period": quarter.label,
                    "status": status,
                    "percent_complete": percent,
                    "update": update,
                }
            )
    return pd.DataFrame(rows, columns=list(TABLES["action_updates"].columns))


# indicator, dimension, categories (None: the wards), denominator range per category and period, planted
# (category, shift of its rate in the latest period) so the funnel plot has something to find.
BREAKDOWN_SPECS = [
    ("HOU-05", "ward", None, (25, 140), [("Saltings", -0.09), ("Abbeymead", 0.035)]),
    ("CS-02", "ward", None, (8, 45), [("Coldharbour", -0.18)]),
    ("ASC-02", "age_band", ["65 to 74", "75 to 84", "85 and over"], (40, 120), [("85 and over", -0.07)]),
]


def _breakdowns(measures: pd.DataFrame, wards: list[str], rng: np.random.Generator) -> pd.DataFrame:
    """Indicators split by ward or age band for their last four periods: numerators and denominators
    whose totals give the published figure to its decimals, with a few planted outliers."""
    rows = []
    for iid, dimension, categories, (low, high), planted in BREAKDOWN_SPECS:
        categories = categories or wards
        mine = measures[(measures["indicator_id"] == iid) & measures["value"].notna()]
        mine = mine.assign(_start=periods.parse_column(mine["period"])["start"]).sort_values("_start").tail(4)
        for k, (period, value) in enumerate(zip(mine["period"], mine["value"])):
            denominator = rng.integers(low, high, len(categories))
            rate = value / 100 + rng.normal(0, 0.012, len(categories))
            if k == len(mine) - 1:
                for category, shift in planted:
                    rate[categories.index(category)] += shift
            numerator = rng.binomial(denominator, np.clip(rate, 0.01, 0.995))
            wanted = _reachable(value, denominator, rng)
            fixed = (
                np.isin(categories, [c for c, _ in planted]) if k == len(mine) - 1 else np.zeros(len(categories), bool)
            )
            while numerator.sum() != wanted:  # nudge the unplanted categories one case at a time until the totals agree
                step = 1 if numerator.sum() < wanted else -1
                room = np.flatnonzero((numerator + step >= 0) & (numerator + step <= denominator) & ~fixed)
                numerator[rng.choice(room)] += step
            rows += [
                {
                    "indicator_id": iid,
                    "period": period,
                    "dimension": dimension,
                    "category": category,
                    "value": round(100 * n / d, 1),
                    "numerator": float(n),
                    "denominator": float(d),
                }
                for category, n, d in zip(categories, numerator, denominator)
            ]
    return pd.DataFrame(rows)


def _reachable(value: float, denominator: np.ndarray, rng: np.random.Generator) -> int:
    """A total numerator whose rate over the (possibly enlarged) denominators rounds to ``value``;
    denominators grow by one at a time until such a whole number exists."""
    while True:
        total = int(denominator.sum())
        for candidate in (int(round(value / 100 * total)) + k for k in (0, 1, -1)):
            if round(100 * candidate / total, 1) == round(float(value), 1):
                return candidate
        denominator[rng.integers(len(denominator))] += 1


def _case_studies() -> list[tuple[str, str]]:
    folder = resources.files("pmkit") / "data" / "demo" / "case_studies"
    return [
        (p.name.removesuffix(".md"), p.read_text(encoding="utf-8"))
        for p in sorted(folder.iterdir(), key=lambda p: p.name)
        if p.name.endswith(".md")
    ]
