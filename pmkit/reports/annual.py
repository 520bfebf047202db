"""The annual report: council-wide, organised by council priority (the golden thread: priority ->
indicators -> actions -> case studies -> what residents said), for a financial year.

It opens with the year in numbers (figures chosen by rule: targets met, actions completed, the
largest improvements, the largest volumes of service delivered) and headlines; each priority opens
with what went well, what did not (each off-target indicator's full-year story one click away) and
what happens next, then its council plan actions, year-end figures with five years of history, case
studies and residents' comments; it ends with what comes next and a data note. Every comparison
is with the year before.

>>> report = AnnualReport("2024/25", audience="public")   # doctest: +SKIP
>>> report.year_in_numbers()                             # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmkit import components
from pmkit.components.actions import completed_later, completed_later_sentence, end_date, next_steps, year_actions
from pmkit.components.anchors import slugify
from pmkit.components.figures import KeyFigure, key_figures
from pmkit.components.limitations import limitations, limitations_block
from pmkit.components.narrative import headline_block
from pmkit.components.templating import definite, plural
from pmkit.components.tile import NO_PRIORITY
from pmkit.components.words import words_for
from pmkit.components.year_end import shortfall, year_end_table
from pmkit.components.year_story import year_story_block
from pmkit.io import measure, periods
from pmkit.io.settings import complete_year, reports_without_data, retired_note, retired_reasons
from pmkit.io.sources import Source
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge import themes
from pmkit.judge.actions import as_at, due_within
from pmkit.judge.reading import Reading
from pmkit.reports.context import ReportContext
from pmkit.reports.kind import Job, Plan
from pmkit.reports.options import AnnualOptions

YEARS_SHOWN = 5


class AnnualReport(ReportContext):
    """The annual report for one financial year and audience."""

    def __init__(
        self,
        year: str | None = None,
        audience: str = "internal",
        source: str | None = None,
        engine: str = "nbconvert",
        overrides: dict | None = None,
    ):
        super().__init__(audience, source, engine, overrides)
        self.year = complete_year(self.source, year)
        self.indicators = self.leave_out_retired(self.register, self.year)
        # Each indicator's year is its figures added up as the register says (a flow's months summed, a
        # rate's numerators and denominators, a stock's last figure), judged by the status engine's rules.
        self.yearly = measure.rolled(
            self.measures, self.indicators, self.source.targets(), self.source.benchmarks(), "annual"
        )
        self.status = with_basis(
            self.assess(
                self.yearly.indicators, self.year, self.yearly.measures, self.yearly.targets, self.yearly.benchmarks
            ),
            self.yearly.measures,
            self.year,
        )
        self.readings = self.read(
            self.status,
            self.yearly.indicators,
            self.year,
            headline="last_year",
            measures=self.yearly.measures,
            benchmarks=self.yearly.benchmarks,
            targets=self.yearly.targets,
        )
        self.years = [self.year.shift(k - YEARS_SHOWN + 1) for k in range(YEARS_SHOWN)]
        shown = self.yearly.measures[self.yearly.measures["period"].isin([y.label for y in self.years])]
        self.history = shown.rename(columns={"period": "year"})[["indicator_id", "value", "year"]]
        actions = self.source.actions()
        actions = actions[actions["public"]] if self.words.public else actions
        self.actions = as_at(actions, self.source.action_updates(), self.year)  # as they stood at the year's end
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
        super().header(
            f"How {self.council} did in {self.year.label} ({self.year.start_date:%B %Y} to "
            f"{self.year.shift(1).start_date - pd.Timedelta(days=1):%B %Y}) "
            + (
                f"on {definite(len(self.priorities), 'priority')} of its council plan"
                if self.grouping == "priority"
                else f"across its {plural(len(self.priorities), 'service area')}"
            )
            + f": {noun}, {audience}."
        )
        self.officers_words("foreword", notes.foreword(self.commentary, self.year.label, self.audience))

    def year_in_numbers(self) -> None:
        """A handful of headline figures, chosen by rule from the data."""
        figures = year_in_numbers(self.readings, self.actions, self.year, self.words.public)
        self.section("year_in_numbers", key_figures(figures))

    def headlines(self) -> None:
        self.section("headlines", headline_block(self.readings, self.words))

    def priorities_sections(self) -> None:
        """A section per council priority: its counts, what went well, what did not and what happens next (with each
        off-target indicator's full-year story), actions, year-end figures, case studies, residents' comments."""
        feedback = self.source.feedback()
        group_of = dict(zip(self.indicators["indicator_id"], self.groups))
        sections = []
        for priority in self.priorities:
            mine = [r for r in self.readings if group_of[r.indicator_id] == priority]
            actions = self.actions[self.actions[self.grouping] == priority]
            # the counts and the benchmark position; what improved, declined or missed its target is the story's
            parts = [
                headline_block(mine, self.words, kinds=("overview", "missing", "benchmark")),
                year_story_block(mine, actions, self.commentary, self.year, self.words),
            ]
            told = {r.indicator_id for r in mine if r.row["rag"] == "red"}  # their full-year story is in the story
            if len(actions):
                parts.append(f"<h3>{'What we said we would do' if self.words.public else 'Council plan actions'}</h3>")
                parts.append(year_actions(actions, self.year, self.words, heading_level=4))
            parts.append(f"<h3>{'The figures' if self.words.public else 'Year-end figures'}</h3>")
            parts.append(
                year_end_table(mine, [y.label for y in self.years], self.history, self.commentary, self.words, told)
            )
            studies = self.chosen_case_studies(self.year, **{self.grouping: priority}, years=1)
            if len(studies):
                parts.append("<h3>Stories from the year</h3>")
                parts.append(self.case_study_blocks(studies, heading_level=4))
            services = {str(s).casefold() for s in self.indicators.loc[self.groups == priority, "service"] if str(s)}
            comments = feedback[feedback["service"].str.casefold().isin(services)]
            if len(comments):
                summary = themes.summarise(
                    comments, codebook=self.settings.get("codebook"), period=self.year, audience=self.audience
                )
                parts.append(components.theme_summary_block(summary, self.audience, heading_level=3, fold_quotes=True))
            sections.append((priority, f"priority-{slugify(priority)}", "\n".join(parts)))
        self.titled_sections(sections)

    def next_steps(self) -> None:
        """What comes next: indicators that ended the year off target, and actions still open at its end (those
        completed since are named in the year in numbers and the priorities instead)."""
        red = [r for r in self.readings if r.row["rag"] == "red"]
        items = [shortfall(r) for r in red]
        open_actions = self.actions[(self.actions["status"] != "complete") & (self.actions["completed_later"] == "")]
        self.section("next_steps", next_steps(items, open_actions, self.year, self.words))

    def method_note(self) -> None:
        """What to bear in mind about the year's figures (from the flags on them), then how they were judged."""
        year = self.yearly.measures[self.yearly.measures["period"] == self.year.label]
        shown = {i: rows.rename(columns={"note": "coverage"}) for i, rows in year.groupby("indicator_id")}
        items = limitations(
            self.readings,
            shown,
            self.source.breakdowns().iloc[0:0],
            self.source.targets(),
            self.words,
            self.settings.get("rag_suspended") or (),
            recent_years=1,
            sources=False,
            charts=False,
        )
        self.section("limitations", limitations_block(items))
        super().method_note(self.year, self.indicators)


def with_basis(st: pd.DataFrame, yearly: pd.DataFrame, year: periods.Period) -> pd.DataFrame:
    """The status rows with what each year's figure is (``basis``: "total for the year") and how many
    of its periods it had (``coverage``: "11 of 12 months", empty when complete), and the period of its
    last figure (``last_period``: ``Mar 2025``, whose commentary is the year-end commentary)."""
    mine = yearly[yearly["period"] == year.label].set_index("indicator_id")
    return st.assign(
        basis=st["indicator_id"].map(mine["basis"]).fillna("").to_numpy(),
        coverage=st["indicator_id"].map(mine["note"]).fillna("").to_numpy(),
        aggregation=st["indicator_id"].map(mine["aggregation"]).fillna("").to_numpy(),
        last_period=st["indicator_id"].map(mine["last"]).fillna("").to_numpy(),
    )


def year_in_numbers(
    readings: list[Reading], actions: pd.DataFrame, year: periods.Period, public: bool
) -> list[KeyFigure]:
    """The year's headline figures, chosen by rule: targets met; actions due in the year completed by its end
    (``actions`` as they stood then, `pmkit.judge.actions.as_at`), naming those completed since; the two largest
    improvements on last year that are news (`Reading.news`: larger than the indicator usually moves from
    one year to the next, or an SPC signal), largest against that usual variation first; how many are in the best
    25% of similar councils; the three largest volumes of service delivered."""
    judged = [r for r in readings if r.row["rag"] in ("green", "amber", "red")]
    figures = []
    if judged:
        met = sum(r.row["rag"] == "green" for r in judged)
        close = sum(r.row["rag"] == "amber" for r in judged)
        figures.append(
            KeyFigure(
                f"{met} of {len(judged)}",
                "measures met their target" if public else "indicators on target at year end",
                f"{close} more {'came close' if public else 'near target'}.",
            )
        )
    due = actions[due_within(actions, year).to_numpy()] if len(actions) else actions
    if len(due):
        done = int((due["status"] == "complete").sum())
        figures.append(
            KeyFigure(
                f"{done} of {len(due)}",
                f"council plan actions due in {year.label} completed by {end_date(year)}",
                completed_later_sentence(completed_later(due)),
            )
        )
    improved = sorted(
        (r for r in readings if r.news() == "improved"), key=lambda r: r.change_size("last_year"), reverse=True
    )[:2]
    for r in improved:
        before = r.compared_value("last_year")
        change = (
            f"{'Up' if r.row['value'] > before else 'Down'} from {format_value(before, r.unit, r.decimals)} "
            f"in {r.compared_label('last_year')}."
        )
        figures.append(KeyFigure(format_value(r.row["value"], r.unit, r.decimals), r.title, figure_basis(r, change)))
    benchmarked = [r for r in readings if r.peers is not None]
    if benchmarked:
        best = sum(int(r.row["quartile"]) == 1 for r in benchmarked)
        figures.append(
            KeyFigure(
                f"{best} of {len(benchmarked)}",
                f"measures among the {words_for('public').quarter(1)} of similar councils"
                if public
                else "indicators in the top quartile of their comparator group",
                "",
            )
        )
    shown = {r.indicator_id for r in improved}
    for r, total in [(r, t) for r, t in volumes(readings) if r.indicator_id not in shown][:3]:
        figures.append(
            KeyFigure(
                format_value(total, r.unit, 0),
                f"{r.title.replace(' (year to date)', '')} in {year.label}",
                figure_basis(r),
            )
        )
    return figures


def figure_basis(r: Reading, then: str = "") -> str:
    """What a year's figure is ("Total for the year", "At 31 March 2025"), then ``then``; the periods
    it lacks are said ("from 11 of 12 months")."""
    said = str(r.row.get("basis", "") or "")
    if said == "the year as a whole":
        said = ""
    if said and r.row.get("coverage"):
        said += f", from {r.row['coverage']}"
    said = said[:1].upper() + said[1:]
    return " ".join(part for part in (f"{said}." if said else "", then) if part)


def volumes(readings: list[Reading]) -> list[tuple[Reading, float]]:
    """Counts of service delivered in the year, largest first: a flow's total for the year (a year-to-date
    count's figure at the year's end), only where the year has every one of its periods; stocks and
    counts where lower is better are not volumes of service."""
    found = [
        (r, float(r.row["value"]))
        for r in readings
        if r.unit == "count"
        and r.info["polarity"] != "lower_is_better"
        and r.has_value
        and r.row.get("aggregation", "sum") == "sum"
        and not r.row.get("coverage")
    ]
    return sorted(found, key=lambda item: item[1], reverse=True)


class Annual(AnnualOptions):
    """The council's annual report for a financial year (default: the latest complete one)."""

    def plan(self, src: Source, settings: dict, root: Path, year: str | None = None, **_: object) -> Plan:
        chosen = complete_year(src, year)
        register = src.indicators()
        gone = retired_reasons(register, src.measures(), chosen)
        current = register.loc[~register["indicator_id"].isin(list(gone)), "indicator_id"]
        reports_without_data(src, {"the annual report": list(current)}, chosen, "annual", True)
        council = str(settings.get("council", "") or "This council")
        return Plan(
            chosen,
            [Job("annual-report", f"{council}: annual report {chosen.label}", {"year": chosen.label})],
            notes=(retired_note(gone, chosen),) if gone else (),
        )
