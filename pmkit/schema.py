"""The data model: every table's columns, types, allowed values, keys and references.

This is the contract between sources and the rest of pmkit; `pmkit.validate` enforces it.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    kind: str  # text, number, integer, boolean, date, period, choice
    required: bool = False  # must be present as a column and filled in every row
    choices: tuple[str, ...] = ()
    default: object = None  # used when the column is absent or the cell is empty
    minimum: float | None = None
    maximum: float | None = None


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, Column]
    key: tuple[str, ...] = ()
    references: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, column)
    required: bool = False


UNITS = ("percent", "count", "days", "gbp", "rate", "score", "ratio", "weeks")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
FREQUENCIES = ("monthly", "quarterly", "annual")
QUALITIES = ("final", "provisional", "estimated")
AUDIENCES = ("internal", "public")
CHANNELS = ("complaint", "compliment", "survey", "comment")
ACTION_STATUSES = ("complete", "on_track", "at_risk", "off_track", "not_started")

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "indicators",
            {
                "indicator_id": Column("text", required=True),
                "title": Column("text", required=True),
                "directorate": Column("text", required=True),
                "service": Column("text", default=""),
                "priority": Column("text", default=""),
                "owner": Column("text", default=""),
                "unit": Column("choice", required=True, choices=UNITS),
                "polarity": Column("choice", required=True, choices=POLARITIES),
                "frequency": Column("choice", required=True, choices=FREQUENCIES),
                "decimals": Column("integer", default=1, minimum=0),
                "definition": Column("text", default=""),
                "rationale": Column("text", default=""),
                "data_source": Column("text", default=""),
                "tolerance": Column("number", default=0.05, minimum=0),
                "tolerance_type": Column("choice", choices=("relative", "absolute"), default="relative"),
                "benchmark_metric": Column("text", default=""),
                "public": Column("boolean", default=False),
                "seasonal": Column("boolean", default=False),
                "cumulative": Column("boolean", default=False),
                "rebase_at": Column("text", default=""),
            },
            key=("indicator_id",),
            required=True,
        ),
        Table(
            "measures",
            {
                "indicator_id": Column("text", required=True),
                "period": Column("period", required=True),
                "value": Column("number"),
                "numerator": Column("number"),
                "denominator": Column("number"),
                "quality": Column("choice", choices=QUALITIES, default="final"),
                "note": Column("text", default=""),
            },
            key=("indicator_id", "period"),
            references={"indicator_id": ("indicators", "indicator_id")},
            required=True,
        ),
        Table(
            "targets",
            {
                "indicator_id": Column("text", required=True),
                "period": Column("period", required=True),
                "target": Column("number", required=True),
            },
            key=("indicator_id", "period"),
            references={"indicator_id": ("indicators", "indicator_id")},
        ),
        Table(
            "benchmarks",
            {
                "metric": Column("text", required=True),
                "authority_code": Column("text", required=True),
                "authority_name": Column("text", default=""),
                "period": Column("period", required=True),
                "value": Column("number"),
                "group": Column("text", required=True),
            },
            key=("metric", "authority_code", "period", "group"),
        ),
        Table(
            "commentary",
            {
                "indicator_id": Column("text", required=True),
                "period": Column("period", required=True),
                "audience": Column("choice", required=True, choices=AUDIENCES),
                "text": Column("text", required=True),
                "actions": Column("text", default=""),
            },
            key=("indicator_id", "period", "audience"),
            references={"indicator_id": ("indicators", "indicator_id")},
        ),
        Table(
            "feedback",
            {
                "feedback_id": Column("text", required=True),
                "date": Column("date", required=True),
                "directorate": Column("text", required=True),
                "service": Column("text", default=""),
                "channel": Column("choice", required=True, choices=CHANNELS),
                "text": Column("text", required=True),
                "rating": Column("number"),
                "ward": Column("text", default=""),
            },
            key=("feedback_id",),
        ),
        Table(
            "actions",
            {
                "action_id": Column("text", required=True),
                "title": Column("text", required=True),
                "priority": Column("text", default=""),
                "directorate": Column("text", default=""),
                "lead": Column("text", default=""),
                "due": Column("period", required=True),
                "status": Column("choice", required=True, choices=ACTION_STATUSES),
                "percent_complete": Column("number", minimum=0, maximum=100),
                "update": Column("text", default=""),
                "public": Column("boolean", default=False),
            },
            key=("action_id",),
        ),
        Table(
            "breakdowns",
            {
                "indicator_id": Column("text", required=True),
                "period": Column("period", required=True),
                "dimension": Column("text", required=True),
                "category": Column("text", required=True),
                "value": Column("number"),
                "numerator": Column("number", minimum=0),
                "denominator": Column("number", minimum=0),
            },
            key=("indicator_id", "period", "dimension", "category"),
            references={"indicator_id": ("indicators", "indicator_id")},
        ),
    ]
}

CASE_STUDY_FIELDS = ("title", "directorate", "priority", "period", "public", "image", "quote")
