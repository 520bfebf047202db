"""The "scrutiny in a day" deep dive: one briefing on one indicator or a topic (a set of indicators
named in ``params/topics.yaml``) for a scrutiny committee.

It opens with what the committee needs to know (`pmkit.components.committee`). For each indicator:
where it stands, with a link back to its tile in the quarterly report; what officers say about it and
what is being done; its whole history on an XmR chart with the register's rebases
and any suggested rebase (a sustained shift the register does not yet rebase: when and why); its
target history; how it compares with similar councils over time (chart and rank trajectory); its
breakdowns as funnel plots. Then what residents said, the questions the committee may wish to ask
(each citing the finding it comes from), and the data's limitations.

>>> report = DeepDiveReport(topic="homelessness")   # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from pmkit.components.anchors import slugify, xref
from pmkit.components.benchmark_chart import benchmark_trend
from pmkit.components.funnel_chart import breakdown_section
from pmkit.components.limitations import limitations, limitations_block
from pmkit.components.narrative import headline_block
from pmkit.components.questions import questions_block
from pmkit.components.spc_chart import spc_section
from pmkit.components.targets import target_block
from pmkit.components.templating import Markup, markdown, plural, render
from pmkit.components.tile import kpi_tile
from pmkit.components.words import Words
from pmkit.errors import PmkitError
from pmkit.io import periods
from pmkit.io.settings import (
    check_layer,
    latest_with_data,
    report_period,
    reporting_frequency,
    reports_without_data,
    retired_reasons,
)
from pmkit.io.sources import Source
from pmkit.judge import benchmarking, findings, status, themes
from pmkit.judge import commentary as notes
from pmkit.judge.actions import as_at
from pmkit.judge.reading import Reading
from pmkit.reports.context import ReportContext
from pmkit.reports.kind import Job, Plan
from pmkit.reports.options import DeepDiveOptions

TOPICS_FILE = Path("params/topics.yaml")
HISTORY_PERIODS = 24  # periods of each indicator's own frequency judged for runs below target


def load_topics(root: Path) -> dict[str, dict]:
    """The project's topics: name -> {title, indicators, description}."""
    path = root / TOPICS_FILE
    if not path.exists():
        return {}
    document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    topics = document.get("topics") or {}
    if not isinstance(topics, dict):
        raise PmkitError(f"{TOPICS_FILE}: expected 'topics:' to map each topic name to its title and indicators")
    return {str(name): spec for name, spec in topics.items()}


def topic_settings(root: Path, topic: str) -> dict:
    """A topic's own ``settings:`` (its layer over ``params/deep-dive.yaml``, as a directorate's params file is)."""
    settings = load_topics(root)[topic].get("settings") or {}
    if not isinstance(settings, dict):
        raise PmkitError(f"{TOPICS_FILE}: topic {topic!r}: expected settings: to hold key: value lines")
    check_layer(settings, f"{TOPICS_FILE}: topic {topic!r}")
    return settings


def resolve(root: Path, indicator: str | None, topic: str | None) -> tuple[list[str], str, str, str]:
    """(indicator ids, slug, title, description) for ``--indicator ID`` or ``--topic NAME``."""
    if bool(indicator) == bool(topic):
        raise PmkitError("a deep dive needs either --indicator ID or --topic NAME (one of them)")
    if indicator:
        return [indicator], slugify(indicator), "", ""
    topics = load_topics(root)
    if topic not in topics:
        known = ", ".join(topics) or f"none: {TOPICS_FILE} has no topics"
        raise PmkitError(f"topic {topic!r} is not in {TOPICS_FILE}; expected one of: {known}")
    spec = topics[topic]
    ids = [str(i) for i in spec.get("indicators") or []]
    if not ids:
        raise PmkitError(f"{TOPICS_FILE}: topic {topic!r} names no indicators")
    return ids, slugify(topic), str(spec.get("title") or topic), str(spec.get("description") or "")


def deep_dive_period(src: Source, ids: list[str], period: str | None, frequency: str) -> periods.Period:
    """The period asked for; without one, the latest with data for most indicators or, when the
    council no longer reports any of the dive's indicators (`retired_reasons`), the latest period of
    ``frequency`` that holds their last figure."""
    if not period:
        register = src.indicators()
        if set(retired_reasons(register[register["indicator_id"].isin(ids)], src.measures())) >= set(ids):
            latest = latest_with_data(src, ids)
            if latest is not None:
                return latest.latest(frequency)
    return report_period(src, period, frequency)


def history_notes(r: Reading, words: Words) -> str:
    """Where the limits were recalculated, and where the data suggests they should be (with what to set
    for it in a note for the analyst, on internal pages only)."""
    notes, analyst = [], []
    if r.spc is not None and r.spc.result.n:
        rebases = [r.spc.labels[p] for p in findings.rebase_positions(r.spc.result)]
        if rebases:
            notes.append(
                (
                    "The limits are recalculated from "
                    if not words.public
                    else "The usual range is worked out afresh from "
                )
                + ", ".join(rebases)
                + (", where a change to the service is recorded." if not words.public else ".")
            )
    stale = findings.stale_limits(r)
    if stale:
        f = stale.facts
        if words.public:
            notes.append(
                f"Since {f['since']} the figures have stayed {'higher' if f['side'] == 'above' else 'lower'} than "
                f"before ({f['values']} in a row), so the council may start working out the usual range afresh from then."
            )
        else:
            notes.append(
                f"Suggested rebase: {f['since']}. Since then {plural(f['values'], 'value')} in a row lie {f['side']} "
                "the mean, a sustained shift that the limits do not yet allow for. If the service or the way it is "
                f"counted changed in {f['since']}, the limits should be recalculated from that point."
            )
            analyst.append(
                f'To confirm the rebase, set rebase_at: {{{r.indicator_id}: "{f["since"]}"}} in '
                "params/defaults.yaml or in the register."
            )
    return render("notes.html.j2", notes=notes, analyst=analyst)


class DeepDiveReport(ReportContext):
    """A scrutiny briefing on one indicator or one topic, as at a report period."""

    def __init__(
        self,
        indicator: str | None = None,
        topic: str | None = None,
        period: str | None = None,
        audience: str = "internal",
        source: str | None = None,
        engine: str = "nbconvert",
        overrides: dict | None = None,
    ):
        super().__init__(audience, source, engine, overrides)
        ids, self.slug, topic_title, self.description = resolve(self.root, indicator, topic)
        every = set(self.source.indicators()["indicator_id"])
        unknown = [i for i in ids if i not in every]
        if unknown:
            raise PmkitError(f"indicator {', '.join(unknown)} is not in the register")
        chosen = self.register[self.register["indicator_id"].isin(ids)]
        if chosen.empty:
            raise PmkitError(
                f"{', '.join(ids)} {'is' if len(ids) == 1 else 'are'} not marked public, so there is no public deep dive"
            )
        self.indicators = (
            chosen.set_index("indicator_id").loc[[i for i in ids if i in set(chosen["indicator_id"])]].reset_index()
        )
        self.left_out = len(ids) - len(self.indicators)  # internal-only indicators of a topic, in a public deep dive
        self.subject = topic_title or str(self.indicators["title"].iloc[0])
        self.period = deep_dive_period(self.source, ids, period, self.reporting)
        self.retired_subjects = self.retired(self.indicators)
        self.status = self.assess(self.indicators, self.period)
        self.readings = self.read(self.status, self.indicators, self.period)
        self.by_id = {r.indicator_id: r for r in self.readings}
        self.history = {r.indicator_id: self.period_history(r) for r in self.readings}
        targets = self.source.targets()
        feedback = self.source.feedback()
        services = {str(s).casefold() for s in self.indicators["service"] if str(s)}
        self.feedback = feedback[feedback["service"].str.casefold().isin(services)]
        self.found = [
            f
            for r in self.readings
            for f in findings.for_indicator(r, self.history[r.indicator_id], targets)
            if not (self.words.public and f.kind in findings.INTERNAL_ONLY)
        ]
        complaints = self.feedback[self.feedback["channel"] == "complaint"]
        if len(complaints):
            self.found += findings.rising_themes(self.summarise(complaints))

    @property
    def title(self) -> str:
        return f"Deep dive: {self.subject}, {self.period.label}"

    def summarise(self, feedback: pd.DataFrame) -> themes.ThemeSummary:
        return themes.summarise(
            feedback, codebook=self.settings.get("codebook"), period=self.period, audience=self.audience
        )

    def period_history(self, r) -> pd.DataFrame:
        """The indicator judged at each of its own last periods up to the judged one (oldest first)."""
        columns = ["period", "value", "target", "rag", "quality"]
        if r.spc is None or not r.spc.labels:
            return pd.DataFrame(columns=columns)
        months = periods.MONTHS_IN[r.frequency]
        last, first = periods.parse(r.row["period"]), periods.parse(r.spc.labels[0])
        rows = []
        one = self.indicators[self.indicators["indicator_id"] == r.indicator_id]
        targets = self.source.targets()
        for k in range(HISTORY_PERIODS - 1, -1, -1):
            p = periods.Period(last.start - k * months, r.frequency)
            if p.start < first.start:
                continue
            row = status.assess(
                self.measures,
                one,
                p,
                targets=targets,
                rag_suspended=self.settings.get("rag_suspended") or (),
                spc_rules=None,
            ).iloc[0]
            rows.append(
                {
                    "period": row["period"],
                    "value": row["value"],
                    "target": row["target"],
                    "rag": row["rag"],
                    "quality": row["quality"],
                }
            )
        return pd.DataFrame(rows, columns=columns)

    def header(self) -> None:
        noun = plural(len(self.readings), self.words.indicator)
        audience = "for the scrutiny committee" if self.audience == "internal" else "for residents"
        lede = (
            f"{self.council}: a briefing on {self.subject.lower() if len(self.readings) > 1 else self.subject} ({noun}), "
            f"with data to {self.period.label}, {audience}."
        )
        if self.description:
            lede += f" {self.description}"
        titles = dict(zip(self.indicators["indicator_id"], self.indicators["title"]))
        for indicator_id, why in self.retired_subjects.items():
            lede += f" {titles[indicator_id]} is no longer reported ({why})."
        if self.left_out:
            lede += f" {plural(self.left_out, 'other measure')} in this topic {'is' if self.left_out == 1 else 'are'} for internal use and not shown."
        super().header(lede)
        self.committee(self.readings, self.plan_actions(), self.period, "deep-dive")

    def plan_actions(self) -> pd.DataFrame:
        """The council plan actions of the indicators' directorates and priorities that this audience may read,
        as they stood at the period's end."""
        actions = self.source.actions()
        mine = actions["directorate"].isin(set(self.indicators["directorate"])) & actions["priority"].isin(
            set(self.indicators["priority"].fillna(""))
        )
        if self.words.public:
            mine &= actions["public"]
        return as_at(actions[mine], self.source.action_updates(), self.period)

    def officers_part(self, r: Reading) -> str:
        """What officers say about the indicator for the period, and what is being done (the latest earlier
        commentary, said to be so, when there is none for the period)."""
        note = notes.for_indicator(self.commentary, r.indicator_id, r.row["period"], self.audience)
        when = r.row["period"]
        if note is None:
            note = notes.latest_before(self.commentary, r.indicator_id, r.row["period"], self.audience)
            when = note["period"] if note is not None else when
        return render(
            "officers_words.html.j2",
            text=markdown(note["text"]) if note is not None else "",
            actions=markdown(note["actions"]) if note is not None and note["actions"] else "",
            when=when,
            latest=when == r.row["period"],
            period=r.row["period"],
            words=self.words,
        )

    def headlines(self) -> None:
        self.section("headlines", headline_block(self.readings, self.words))

    def indicators_sections(self) -> None:
        """A section per indicator: where it stands, its history, targets, benchmarking and breakdowns."""
        breakdowns = self.source.breakdowns()
        targets = self.source.targets()
        sections = []
        for r in self.readings:
            trend = benchmark_trend(r, self.trajectory(r), self.council, self.words)
            bench = (
                f"bench-{r.indicator_id}" if r.peers is not None else ""
            )  # where the tile's position among peers links
            back = xref(
                "quarterly", f"kpi-{r.indicator_id}", f"{r.info['directorate']}: quarterly report, {r.row['period']}"
            )
            parts = [
                render(
                    "deep_dive_part.html.j2",
                    heading="Where it stands",
                    body=Markup(kpi_tile(r, None, self.words)) + Markup('<p class="see-also">{}</p>').format(back),
                    anchor="" if trend else bench,
                )
            ]
            parts.append(
                render(
                    "deep_dive_part.html.j2",
                    heading="What the council says" if self.words.public else "What officers say",
                    body=Markup(self.officers_part(r)),
                )
            )
            parts.append(
                render(
                    "deep_dive_part.html.j2",
                    heading="The whole history",
                    body=Markup(history_notes(r, self.words) + spc_section([r], self.words)),
                )
            )
            parts.append(
                render("deep_dive_part.html.j2", heading="Targets", body=Markup(target_block(r, targets, self.words)))
            )
            if trend:
                parts.append(
                    render(
                        "deep_dive_part.html.j2",
                        heading="Compared with similar councils over time",
                        body=Markup(trend),
                        anchor=bench,
                    )
                )
            mine = breakdowns[breakdowns["indicator_id"] == r.indicator_id]
            if len(mine):
                parts.append(
                    render(
                        "deep_dive_part.html.j2",
                        heading="Breakdowns",
                        body=Markup(breakdown_section(mine, r.title, self.words)),
                    )
                )
            sections.append((r.title, f"indicator-{slugify(r.indicator_id)}", "\n".join(parts)))
        self.titled_sections(sections)

    def trajectory(self, r) -> pd.DataFrame:
        own = self.measures[self.measures["indicator_id"] == r.indicator_id]
        own = pd.Series(
            pd.to_numeric(own["value"], errors="coerce").to_numpy(),
            index=periods.parse_column(own["period"].astype(str))["label"].to_numpy(),
        )
        return benchmarking.trajectory(
            str(r.info.get("benchmark_metric") or ""),
            str(r.info["polarity"]),
            own,
            self.source.benchmarks(),
            self.settings.get("comparator_group", "nearest_neighbours"),
            self.settings.get("national_group", "england"),
            self.own_authority,
        )

    def citizen_voice(self) -> None:
        super().citizen_voice(self.feedback, self.period)

    def questions(self) -> None:
        self.section("questions", questions_block(self.found, self.by_id, self.words))

    def limitations(self) -> None:
        items = limitations(
            self.readings,
            self.history,
            self.source.breakdowns(),
            self.source.targets(),
            self.words,
            self.settings.get("rag_suspended") or (),
        )
        self.section("limitations", limitations_block(items))

    def method_note(self) -> None:
        super().method_note(self.period, self.indicators)


class DeepDive(DeepDiveOptions):
    """A scrutiny briefing on one indicator (``--indicator``) or a topic (``--topic``)."""

    def check(self, root: Path, indicator: str | None = None, topic: str | None = None, **options: object) -> None:
        super().check(root, **options)
        resolve(root, indicator, topic)

    def plan(
        self,
        src: Source,
        settings: dict,
        root: Path,
        indicator: str | None = None,
        topic: str | None = None,
        period: str | None = None,
        **_: object,
    ) -> Plan:
        ids, slug, title, _description = resolve(root, indicator, topic)
        known = set(src.indicators()["indicator_id"])
        unknown = [i for i in ids if i not in known]
        if unknown:
            raise PmkitError(f"indicator {', '.join(unknown)} is not in the register")
        frequency = reporting_frequency(settings)
        chosen = deep_dive_period(src, ids, period, frequency)
        reports_without_data(src, {f"deep dive {indicator or topic}": ids}, chosen, frequency, True)
        subject = title or str(src.indicators().set_index("indicator_id").loc[ids[0], "title"])
        layer = topic_settings(root, topic) if topic else {}
        return Plan(
            chosen,
            [
                Job(
                    f"deep-dive-{slug}",
                    f"Deep dive: {subject}, {chosen.label}",
                    {**layer, "indicator": indicator, "topic": topic, "period": chosen.label},
                )
            ],
        )
