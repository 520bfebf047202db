"""The annual report: council-wide, organised by council priority (the golden thread: priority ->
indicators -> actions -> case studies -> what residents said), for a financial year.

It opens with the year in numbers (figures chosen by rule: targets met, actions completed, the
largest improvements, the largest volumes of service delivered) and headlines; each priority has
its own headlines, council plan actions, year-end figures with five years of history, case
studies and residents' comments; it ends with what comes next and a data note. Every comparison
is with the year before.

>>> report = AnnualReport("2024/25", audience="public")   # doctest: +SKIP
>>> report.year_in_numbers()                             # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmkit import commentary as notes
from pmkit import components, periods, themes
from pmkit.components.actions import action_summary, next_steps
from pmkit.components.figures import KeyFigure, key_figures
from pmkit.components.narrative import headline_block
from pmkit.components.templating import definite, plural
from pmkit.components.tile import NO_PRIORITY
from pmkit.components.words import words_for
from pmkit.components.year_end import shortfall, year_end_table
from pmkit.reading import Reading
from pmkit.reports.context import ReportContext
from pmkit.reports.kind import Job, Plan, ReportKind, slugify
from pmkit.settings import complete_year, reports_without_data
from pmkit.sources import Source
from pmkit.units import format_value

YEARS_SHOWN = 5


class AnnualReport(ReportContext):
    """The annual report for one financial year and audience."""

    def __init__(self, year: str | None = None, audience: str = "internal", source: str | None = None, engine: str = "nbconvert",
                 overrides: dict | None = None):
        super().__init__(audience, source, engine, overrides)
        self.year = complete_year(self.source, year)
        self.indicators = self.register
        self.status = self.assess(self.indicators, self.year)
        self.readings = self.read(self.status, self.indicators, self.year, headline="last_year")
        self.years = [self.year.shift(k - YEARS_SHOWN + 1) for k in range(YEARS_SHOWN)]
        self.history = pd.concat([
            self.assess(self.indicators, y)[["indicator_id", "value"]].assign(year=y.label) for y in self.years
        ], ignore_index=True)
        actions = self.source.actions()
        self.actions = actions[actions["public"]] if self.words.public else actions
        # The golden thread runs through the council plan's priorities; a register without them
        # (an imported benchmarking set, say) is organised by directorate instead.
        self.grouping = "priority" if self.indicators["priority"].fillna("").str.strip().ne("").any() else "directorate"
        self.groups = self.indicators[self.grouping].fillna("").astype(str).str.strip().replace("", NO_PRIORITY)
        self.priorities = list(dict.fromkeys(self.groups))

    @property
    def title(self) -> str:
        return f"{self.council}: annual report {self.year.label}"

    def header(self) -> None:
        audience = "for members and officers" if self.audience == "internal" else "for residents"
        noun = plural(len(self.status), self.words.indicator)
        super().header(f"How {self.council} did in {self.year.label} ({self.year.start_date:%B %Y} to "
                       f"{self.year.shift(1).start_date - pd.Timedelta(days=1):%B %Y}) "
                       + (f"on {definite(len(self.priorities), 'priority')} of its council plan" if self.grouping == "priority"
                          else f"across its {plural(len(self.priorities), 'service area')}")
                       + f": {noun}, {audience}.")
        self.officers_words("foreword", notes.foreword(self.commentary, self.year.label, self.audience))

    def year_in_numbers(self) -> None:
        """A handful of headline figures, chosen by rule from the data."""
        figures = year_in_numbers(self.readings, self.measures, self.actions, self.year, self.words.public)
        self.section("year_in_numbers", key_figures(figures))

    def headlines(self) -> None:
        self.section("headlines", headline_block(self.readings, self.words))

    def priorities_sections(self) -> None:
        """A section per council priority: headlines, actions, year-end figures, case studies, residents' comments."""
        feedback = self.source.feedback()
        group_of = dict(zip(self.indicators["indicator_id"], self.groups))
        sections = []
        for priority in self.priorities:
            mine = [r for r in self.readings if group_of[r.indicator_id] == priority]
            parts = [headline_block(mine, self.words)]
            actions = self.actions[self.actions[self.grouping] == priority]
            if len(actions):
                parts.append(f"<h3>{'What we said we would do' if self.words.public else 'Council plan actions'}</h3>")
                parts.append(action_summary(actions, self.year, self.words, heading_level=4))
            parts.append(f"<h3>{'The figures' if self.words.public else 'Year-end figures'}</h3>")
            parts.append(year_end_table(mine, [y.label for y in self.years], self.history, self.commentary, self.words))
            studies = self.chosen_case_studies(self.year, **{self.grouping: priority}, years=1)
            if len(studies):
                parts.append("<h3>Stories from the year</h3>")
                parts.append(self.case_study_blocks(studies, heading_level=4))
            services = {str(s).casefold() for s in self.indicators.loc[self.groups == priority, "service"] if str(s)}
            comments = feedback[feedback["service"].str.casefold().isin(services)]
            if len(comments):
                summary = themes.summarise(comments, codebook=self.settings.get("codebook"), period=self.year, audience=self.audience)
                parts.append(components.theme_summary_block(summary, self.audience, heading_level=3))
            sections.append((priority, f"priority-{slugify(priority)}", "\n".join(parts)))
        self.titled_sections(sections)

    def next_steps(self) -> None:
        """What comes next: indicators that ended the year off target, and actions still open."""
        red = [r for r in self.readings if r.row["rag"] == "red"]
        items = [shortfall(r) for r in red]
        open_actions = self.actions[self.actions["status"] != "complete"]
        self.section("next_steps", next_steps(items, open_actions, self.year, self.words))

    def method_note(self) -> None:
        super().method_note(self.year, self.indicators)


def year_in_numbers(readings: list[Reading], measures: pd.DataFrame, actions: pd.DataFrame, year: periods.Period,
                    public: bool) -> list[KeyFigure]:
    """The year's headline figures, chosen by rule: targets met; actions completed; the two largest
    improvements on last year (against each indicator's usual variation); how many are in the best
    25% of similar councils; the three largest volumes of service delivered."""
    judged = [r for r in readings if r.row["rag"] in ("green", "amber", "red")]
    figures = []
    if judged:
        met = sum(r.row["rag"] == "green" for r in judged)
        close = sum(r.row["rag"] == "amber" for r in judged)
        figures.append(KeyFigure(f"{met} of {len(judged)}", "measures met their target" if public else "indicators on target at year end",
                                 f"{close} more {'came close' if public else 'near target'}."))
    if len(actions):
        done = int((actions["status"] == "complete").sum())
        figures.append(KeyFigure(f"{done} of {len(actions)}", "council plan actions completed", ""))
    improved = sorted((r for r in readings if r.row["dot"] == "improving"), key=lambda r: r.change_size("last_year"), reverse=True)[:2]
    for r in improved:
        before = r.compared_value("last_year")
        figures.append(KeyFigure(format_value(r.row["value"], r.unit, r.decimals), r.title,
                                 f"{'Up' if r.row['value'] > before else 'Down'} from {format_value(before, r.unit, r.decimals)} "
                                 f"in {r.compared_label('last_year')}."))
    benchmarked = [r for r in readings if r.peers is not None]
    if benchmarked:
        best = sum(int(r.row["quartile"]) == 1 for r in benchmarked)
        figures.append(KeyFigure(f"{best} of {len(benchmarked)}", f"measures among the {words_for('public').quarter(1)} of similar councils" if public
                                 else "indicators in the top quartile of their comparator group", ""))
    shown = {r.indicator_id for r in improved}
    for r, total in [(r, t) for r, t in volumes(readings, measures, year) if r.indicator_id not in shown][:3]:
        figures.append(KeyFigure(format_value(total, r.unit, 0), f"{r.title.replace(' (year to date)', '')} in {year.label}", ""))
    return figures


def volumes(readings: list[Reading], measures: pd.DataFrame, year: periods.Period) -> list[tuple[Reading, float]]:
    """Counts of service delivered in the year, largest first: a cumulative or annual count's year-end
    value, or the sum of a monthly or quarterly count over the year (only when every period is there)."""
    parsed = periods.parse_column(measures["period"].astype(str))
    inside = (parsed["start"] >= year.start) & (parsed["start"] < year.end)
    found = []
    for r in readings:
        if r.unit != "count" or r.info["polarity"] == "lower_is_better" or not r.has_value:
            continue
        if r.frequency == "annual" or bool(r.info.get("cumulative", False)):
            found.append((r, float(r.row["value"])))
            continue
        mine = measures[inside.to_numpy() & (measures["indicator_id"] == r.indicator_id).to_numpy()]
        values = pd.to_numeric(mine["value"], errors="coerce")
        if len(values) == 12 // periods.MONTHS_IN[r.frequency] and values.notna().all():
            found.append((r, float(values.sum())))
    return sorted(found, key=lambda item: item[1], reverse=True)


class Annual(ReportKind):
    """The council's annual report for a financial year (default: the latest complete one)."""

    name = "annual"
    notebook = "annual_report.ipynb"
    label = "Annual report"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--year", help="a financial year such as 2024/25 (default: the latest complete year "
                                           "with figures for most indicators)")

    def plan(self, src: Source, settings: dict, root: Path, year: str | None = None, **_: object) -> Plan:
        chosen = complete_year(src, year)
        reports_without_data(src, {"the annual report": list(src.indicators()["indicator_id"])}, chosen, "annual", True)
        council = str(settings.get("council", "") or "This council")
        return Plan(chosen, [Job("annual-report", f"{council}: annual report {chosen.label}", {"year": chosen.label})])
