"""The data model: every table's columns, types, allowed values, keys and references.

This is the contract between sources and the rest of pmkit; `pmkit.io.validate` enforces it.
Descriptions are plain English for the people filling a source in (`pmkit template` shows them).
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
    description: str = ""  # what goes in it, for people filling a source in


@dataclass(frozen=True)
class Table:
    name: str
    columns: dict[str, Column]
    key: tuple[str, ...] = ()
    references: dict[str, tuple[str, str]] = field(default_factory=dict)  # column -> (table, column)
    required: bool = False
    description: str = ""  # one line: what a row of the table is


UNITS = ("percent", "count", "days", "gbp", "rate", "score", "ratio", "weeks")
POLARITIES = ("higher_is_better", "lower_is_better", "neutral")
FREQUENCIES = ("monthly", "quarterly", "annual")
QUALITIES = ("final", "provisional", "estimated")
AUDIENCES = ("internal", "public")
CHANNELS = ("complaint", "compliment", "survey", "comment")
ACTION_STATUSES = ("complete", "on_track", "at_risk", "off_track", "not_started")
AGGREGATIONS = ("sum", "ratio", "mean", "last")

_INDICATOR = "The indicator this row is about: its indicator_id from the indicators table, e.g. HOU-01."
_FIGURE = "in the indicator's unit (a percent as 87.5, not 87.5% or 0.875; money in pounds, e.g. 1250)"

TABLES: dict[str, Table] = {
    t.name: t
    for t in [
        Table(
            "indicators",
            {
                "indicator_id": Column(
                    "text",
                    required=True,
                    description="A short code for the indicator that never changes, e.g. HOU-01 or ASC-06; "
                    "the other tables refer to it.",
                ),
                "title": Column(
                    "text",
                    required=True,
                    description="The indicator's name as readers will see it, e.g. Repairs completed on time.",
                ),
                "directorate": Column(
                    "text",
                    required=True,
                    description="The directorate that owns the indicator, e.g. Housing or Adult Social Care.",
                ),
                "service": Column(
                    "text",
                    default="",
                    description="The service within the directorate, e.g. Housing Options.",
                ),
                "priority": Column(
                    "text",
                    default="",
                    description="The council plan priority the indicator serves (the golden thread), e.g. Homes.",
                ),
                "owner": Column(
                    "text",
                    default="",
                    description="Who is accountable for the indicator, by role, e.g. Head of Housing.",
                ),
                "unit": Column(
                    "choice",
                    required=True,
                    choices=UNITS,
                    description="What the figures are: percent (87.5 means 87.5%), count, days, weeks, gbp "
                    "(pounds), rate (say per 1,000 or per 100,000 in the title), score or ratio.",
                ),
                "polarity": Column(
                    "choice",
                    required=True,
                    choices=POLARITIES,
                    description="Which way is good: higher_is_better, lower_is_better, or neutral "
                    "(reported but not judged against a target).",
                ),
                "frequency": Column(
                    "choice",
                    required=True,
                    choices=FREQUENCIES,
                    description="How often a figure is reported: monthly, quarterly or annual; "
                    "every measure's period must be of this kind.",
                ),
                "decimals": Column(
                    "integer",
                    default=1,
                    minimum=0,
                    description="Decimal places shown in reports, a whole number, e.g. 1 shows 87.5%.",
                ),
                "definition": Column(
                    "text",
                    default="",
                    description="How the figure is worked out, in plain words: what is counted, out of what, "
                    "and any exclusions.",
                ),
                "rationale": Column(
                    "text",
                    default="",
                    description="Why the indicator matters to residents and to the council.",
                ),
                "data_source": Column(
                    "text",
                    default="",
                    description="Where the figures come from, e.g. the case management system or a statutory return.",
                ),
                "tolerance": Column(
                    "number",
                    default=0.05,
                    minimum=0,
                    description="How far from target is amber rather than red: a fraction of the target "
                    "(0.05 = within 5%) when tolerance_type is relative, or an amount in the indicator's unit "
                    "when it is absolute.",
                ),
                "tolerance_type": Column(
                    "choice",
                    choices=("relative", "absolute"),
                    default="relative",
                    description="How tolerance is read: relative (a fraction of the target) or absolute "
                    "(in the indicator's unit, e.g. 2 percentage points).",
                ),
                "benchmark_metric": Column(
                    "text",
                    default="",
                    description="The metric code for this indicator in the benchmarks table, to compare it "
                    "with other councils, e.g. rep; empty if there is none.",
                ),
                "public": Column(
                    "boolean",
                    default=False,
                    description="true if the indicator may appear in public reports; false keeps it internal.",
                ),
                "seasonal": Column(
                    "boolean",
                    default=False,
                    description="true to judge direction of travel against the same period last year rather "
                    "than the period before (for figures with a yearly pattern).",
                ),
                "cumulative": Column(
                    "boolean",
                    default=False,
                    description="true if the figures are year to date (they build up through the year, so "
                    "the last one is the year's total).",
                ),
                "rebase_at": Column(
                    "text",
                    default="",
                    description="Periods from which the SPC chart's limits start afresh after a known change "
                    "in the service, e.g. Oct 2023; separate several with commas. Usually empty.",
                ),
                "aggregation": Column(
                    "choice",
                    choices=AGGREGATIONS,
                    default="",
                    description="How figures add up to a quarter or year: sum (a flow: visits, spend), ratio "
                    "(numerators and denominators added, then divided), mean, or last (a stock such as people "
                    "waiting). Empty: ratio with numerators, sum for count or money, else mean.",
                ),
                "minimum": Column(
                    "number",
                    description="The lowest value a figure can take, when it is not the unit's own (counts and money "
                    "at least 0, percentages 0 to 100), e.g. -100 for a budget variance. Usually empty.",
                ),
                "maximum": Column(
                    "number",
                    description="The highest value a figure can take, when it is not the unit's own, e.g. 110 for rent "
                    "collected as a percentage of rent due (arrears collected pass 100%). Usually empty.",
                ),
                "zero_tolerance": Column(
                    "boolean",
                    default=False,
                    description="true for a statutory limit or any target where every figure worse than target is a "
                    "failure: it is off target, never near target.",
                ),
                "retired": Column(
                    "boolean",
                    default=False,
                    description="true for an indicator the council no longer reports: it is kept for its history but "
                    "left out of current reports.",
                ),
            },
            key=("indicator_id",),
            required=True,
            description="The register of indicators (KPIs): one row per indicator, with its definition and source.",
        ),
        Table(
            "measures",
            {
                "indicator_id": Column("text", required=True, description=_INDICATOR),
                "period": Column(
                    "period",
                    required=True,
                    description="The period the figure is for, matching the indicator's frequency: "
                    "Jul 2025 (a month), 2025/26 Q2 (July to September 2025) or 2025/26 (a financial year).",
                ),
                "value": Column(
                    "number",
                    description=f"The figure for the period, {_FIGURE}. Leave empty if there is none.",
                ),
                "numerator": Column(
                    "number",
                    description="For a percent or rate, the count on top, e.g. 875 repairs on time of 1000.",
                ),
                "denominator": Column(
                    "number",
                    description="For a percent or rate, the count underneath, e.g. 1000 repairs in all.",
                ),
                "quality": Column(
                    "choice",
                    choices=QUALITIES,
                    default="final",
                    description="How settled the figure is: final, provisional (may be revised) or estimated.",
                ),
                "note": Column(
                    "text",
                    default="",
                    description="Anything a reader should know about this figure, e.g. Includes two weeks "
                    "of system outage.",
                ),
            },
            key=("indicator_id", "period"),
            references={"indicator_id": ("indicators", "indicator_id")},
            required=True,
            description="The figures: one row per indicator and period.",
        ),
        Table(
            "targets",
            {
                "indicator_id": Column("text", required=True, description=_INDICATOR),
                "period": Column(
                    "period",
                    required=True,
                    description="The period the target is for: one of the indicator's frequency, "
                    "or a whole financial year such as 2025/26 to cover every period in it.",
                ),
                "target": Column(
                    "number",
                    required=True,
                    description=f"The target, {_FIGURE}.",
                ),
            },
            key=("indicator_id", "period"),
            references={"indicator_id": ("indicators", "indicator_id")},
            description="Targets: one row per indicator and period (or financial year); they may change "
            "from year to year.",
        ),
        Table(
            "benchmarks",
            {
                "metric": Column(
                    "text",
                    required=True,
                    description="The code of the measure being compared, as named in indicators.benchmark_metric, "
                    "e.g. rep.",
                ),
                "authority_code": Column(
                    "text",
                    required=True,
                    description="The council's ONS code, e.g. E06000901.",
                ),
                "authority_name": Column(
                    "text",
                    default="",
                    description="The council's name, e.g. Ashworth.",
                ),
                "period": Column(
                    "period",
                    required=True,
                    description="The period the figure is for, e.g. 2024/25 or 2025/26 Q2.",
                ),
                "value": Column(
                    "number",
                    description="That council's figure, in the same unit as the indicator (a percent as 87.5). "
                    "Leave empty if it is not published.",
                ),
                "group": Column(
                    "text",
                    required=True,
                    description="The comparison group the row belongs to, e.g. nearest_neighbours, region or england.",
                ),
            },
            key=("metric", "authority_code", "period", "group"),
            description="Other councils' figures for comparison (LG Inform or LGBF style): one row per metric, "
            "council, period and group.",
        ),
        Table(
            "commentary",
            {
                "indicator_id": Column(
                    "text",
                    default="",
                    description=_INDICATOR[:-1]
                    + "; leave it empty for a directorate's overview or the council's foreword.",
                ),
                "directorate": Column(
                    "text",
                    default="",
                    description="For a directorate's overview of the period (it opens the directorate's quarterly "
                    "report), the directorate as the indicators table names it, e.g. Housing; leave it and "
                    "indicator_id empty for the council's foreword (it opens the annual report).",
                ),
                "period": Column(
                    "period",
                    required=True,
                    description="The period the commentary is about, e.g. 2025/26 Q2.",
                ),
                "audience": Column(
                    "choice",
                    required=True,
                    choices=AUDIENCES,
                    description="Who may read it: internal (officers and members) or public.",
                ),
                "text": Column(
                    "text",
                    required=True,
                    description="Why the figure is as it is, in a few sentences (Markdown allowed, e.g. **bold**).",
                ),
                "actions": Column(
                    "text",
                    default="",
                    description="What is being done about it, e.g. Opening a new hostel in January.",
                ),
            },
            key=("indicator_id", "directorate", "period", "audience"),
            references={"indicator_id": ("indicators", "indicator_id"), "directorate": ("indicators", "directorate")},
            description="Officers' narrative: one row per indicator, period and audience; a row with only a "
            "directorate is its overview for the period, a row with neither is the council's foreword.",
        ),
        Table(
            "feedback",
            {
                "feedback_id": Column(
                    "text",
                    required=True,
                    description="A unique reference for the item, e.g. its case number CF-2025-0142.",
                ),
                "date": Column(
                    "date",
                    required=True,
                    description="The day it was received, e.g. 2025-07-31 or 31/07/2025.",
                ),
                "directorate": Column(
                    "text",
                    required=True,
                    description="The directorate it is about, e.g. Housing.",
                ),
                "service": Column(
                    "text",
                    default="",
                    description="The service it is about, e.g. Repairs.",
                ),
                "channel": Column(
                    "choice",
                    required=True,
                    choices=CHANNELS,
                    description="What kind of feedback it is: complaint, compliment, survey or comment.",
                ),
                "text": Column(
                    "text",
                    required=True,
                    description="What the resident said, as written; personal details are removed before "
                    "any report shows it.",
                ),
                "rating": Column(
                    "number",
                    description="A survey score if there is one, e.g. 4 on a 1 to 5 scale; otherwise empty.",
                ),
                "ward": Column(
                    "text",
                    default="",
                    description="The ward it comes from, if known, e.g. Riverside.",
                ),
            },
            key=("feedback_id",),
            description="Residents' complaints, compliments, survey answers and comments: one row per item.",
        ),
        Table(
            "actions",
            {
                "action_id": Column(
                    "text",
                    required=True,
                    description="A short code for the action that never changes, e.g. CP-12.",
                ),
                "title": Column(
                    "text",
                    required=True,
                    description="What the council said it would do, e.g. Open a new family hostel.",
                ),
                "priority": Column(
                    "text",
                    default="",
                    description="The council plan priority it serves, e.g. Homes.",
                ),
                "directorate": Column(
                    "text",
                    default="",
                    description="The directorate leading it, e.g. Housing.",
                ),
                "lead": Column(
                    "text",
                    default="",
                    description="Who leads it, by role, e.g. Head of Housing.",
                ),
                "due": Column(
                    "period",
                    required=True,
                    description="When it is due, as a period, e.g. Mar 2026, 2025/26 Q4 or 2025/26.",
                ),
                "status": Column(
                    "choice",
                    required=True,
                    choices=ACTION_STATUSES,
                    description="Where it stands: complete, on_track, at_risk, off_track or not_started.",
                ),
                "percent_complete": Column(
                    "number",
                    minimum=0,
                    maximum=100,
                    description="How far through it is, from 0 to 100, e.g. 60 (not 60% or 0.6).",
                ),
                "update": Column(
                    "text",
                    default="",
                    description="The latest progress in a few sentences (Markdown allowed).",
                ),
                "public": Column(
                    "boolean",
                    default=False,
                    description="true if the action may appear in public reports; false keeps it internal.",
                ),
            },
            key=("action_id",),
            description="Council plan actions, reported beside the indicators: one row per action.",
        ),
        Table(
            "action_updates",
            {
                "action_id": Column(
                    "text",
                    required=True,
                    description="The action this update is about: its action_id from the actions table, e.g. CP-12.",
                ),
                "period": Column(
                    "period",
                    required=True,
                    description="The period the update reports on, e.g. Sep 2025 or 2025/26 Q2: the action stood "
                    "so at that period's end.",
                ),
                "status": Column(
                    "choice",
                    required=True,
                    choices=ACTION_STATUSES,
                    description="Where it stood then: complete, on_track, at_risk, off_track or not_started.",
                ),
                "percent_complete": Column(
                    "number",
                    minimum=0,
                    maximum=100,
                    description="How far through it was then, from 0 to 100.",
                ),
                "update": Column(
                    "text",
                    default="",
                    description="The progress reported then, in a few sentences (Markdown allowed).",
                ),
            },
            key=("action_id", "period"),
            references={"action_id": ("actions", "action_id")},
            description="The history of each council plan action: one row per action and period reported; "
            "a report reads each action as it stood at its period's end.",
        ),
        Table(
            "breakdowns",
            {
                "indicator_id": Column("text", required=True, description=_INDICATOR),
                "period": Column(
                    "period",
                    required=True,
                    description="The period the figure is for, e.g. 2025/26 Q2.",
                ),
                "dimension": Column(
                    "text",
                    required=True,
                    description="What the indicator is split by, e.g. ward or age_band.",
                ),
                "category": Column(
                    "text",
                    required=True,
                    description="The group within the dimension, e.g. Riverside or 65-74.",
                ),
                "value": Column(
                    "number",
                    description=f"The figure for this group, {_FIGURE}.",
                ),
                "numerator": Column(
                    "number",
                    minimum=0,
                    description="For a percent or rate, the group's count on top, e.g. 42 of 50.",
                ),
                "denominator": Column(
                    "number",
                    minimum=0,
                    description="For a percent or rate, the group's count underneath, e.g. 50; "
                    "it sizes the group in funnel plots.",
                ),
            },
            key=("indicator_id", "period", "dimension", "category"),
            references={"indicator_id": ("indicators", "indicator_id")},
            description="Indicators split by place or group: one row per indicator, period, dimension and category.",
        ),
    ]
}

CASE_STUDY_FIELDS = ("title", "directorate", "priority", "period", "public", "image", "quote")
