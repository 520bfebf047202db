"""The quarterly directorate report: one page per directorate for members, officers and residents.

>>> report = DirectorateReport("Housing", period="2025/26 Q2")   # doctest: +SKIP
>>> report.summary()                                            # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pmkit import components
from pmkit.components.actions import action_summary
from pmkit.components.anchors import slugify
from pmkit.components.templating import definite
from pmkit.errors import PmkitError
from pmkit.io.settings import (
    check_layer,
    latest_with_data,
    report_period,
    reporting_frequency,
    reports_without_data,
    retired_note,
    retired_reasons,
)
from pmkit.io.sources import Source
from pmkit.judge import commentary as notes
from pmkit.judge.actions import as_at
from pmkit.reports.context import ReportContext
from pmkit.reports.kind import Job, Plan
from pmkit.reports.options import QuarterlyOptions

DIRECTORATES = Path("params/directorates")


class DirectorateReport(ReportContext):
    """The quarterly report for one directorate and audience: data loaded once, then each section."""

    def __init__(
        self,
        directorate: str,
        period: str | None = None,
        audience: str = "internal",
        source: str | None = None,
        engine: str = "nbconvert",
        overrides: dict | None = None,
    ):
        super().__init__(audience, source, engine, overrides)
        self.directorate = directorate
        self.period = report_period(self.source, period, self.reporting)
        self.indicators = self.leave_out_retired(self.indicators_of(directorate), self.period)
        self.status = self.assess(self.indicators, self.period)
        self.readings = self.read(self.status, self.indicators, self.period)

    @property
    def title(self) -> str:
        return f"{self.directorate}: performance report, {self.period.label}"

    def header(self) -> None:
        """What the report covers and the way back to the period's index, what the committee needs to know (the
        three things to know, for residents), then the director's overview."""
        audience = "for members and officers" if self.audience == "internal" else "for residents"
        noun = definite(len(self.status), self.words.indicator)
        super().header(
            f"{self.council}: how {noun} of {self.directorate} stood at the end of {self.period.label}, {audience}."
        )
        self.committee(self.readings, self.plan_actions(), self.period, "quarterly")
        self.officers_words(
            "overview", notes.for_directorate(self.commentary, self.directorate, self.period.label, self.audience)
        )

    def headlines(self) -> None:
        """What improved, what declined and what needs attention, with the figures."""
        self.section("headlines", components.headline_block(self.readings, self.words))

    def summary(self) -> None:
        self.section("summary", components.summary_strip(self.status, self.words))

    def exceptions(self) -> None:
        self.section("exceptions", components.exception_list(self.readings, self.commentary, self.words))

    def actions(self) -> None:
        """Every council plan action of the directorate counted as it stood at the period's end, and those at risk,
        off track or overdue then listed (nothing when the directorate has no actions)."""
        actions = self.plan_actions()
        if len(actions):
            self.section("actions", action_summary(actions, self.period, self.words))

    def plan_actions(self):
        """The directorate's council plan actions this audience may read, as they stood at the period's end."""
        actions = self.source.actions()
        actions = actions[actions["directorate"] == self.directorate]
        if self.words.public:
            actions = actions[actions["public"]]
        return as_at(actions, self.source.action_updates(), self.period)

    def tiles(self) -> None:
        self.section("tiles", components.kpi_tiles(self.readings, self.commentary, self.words))

    def trends(self) -> None:
        """An XmR chart per indicator (internally, a sentence for those with too few points); for the
        public, no section at all when no indicator has enough figures for a chart."""
        body = components.spc_section(self.readings, self.words)
        if body:
            self.section("trends", body)

    def benchmarks(self) -> None:
        """A comparator chart per indicator that has peers this period."""
        if any(r.peers is not None for r in self.readings):
            self.section("benchmarks", components.benchmark_section(self.readings, self.council, self.words))

    def citizen_voice(self) -> None:
        """Themes in residents' comments, complaints and compliments about this directorate this period."""
        feedback = self.source.feedback()
        super().citizen_voice(feedback[feedback["directorate"] == self.directorate], self.period)

    def case_studies(self) -> None:
        """Case studies for this directorate from this financial year and the last, none after the report period."""
        chosen = self.chosen_case_studies(self.period, directorate=self.directorate)
        if len(chosen):
            self.section("case_studies", self.case_study_blocks(chosen))

    def appendix(self) -> None:
        self.section("appendix", components.appendix_table(self.readings, self.words))

    def method_note(self) -> None:
        super().method_note(self.period, self.indicators)


def params_files(root: Path) -> list[tuple[str, dict]]:
    """(file name without ``.yaml``, params) per file in ``params/directorates``; each must name its directorate."""
    found = []
    for path in sorted((root / DIRECTORATES).glob("*.yaml")):
        try:
            params = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            raise PmkitError(f"{DIRECTORATES / path.name}: not valid YAML ({exc})") from None
        if not isinstance(params, dict) or not str(params.get("directorate") or "").strip():
            raise PmkitError(
                f"{DIRECTORATES / path.name}: names no directorate; expected a line such as directorate: Housing"
            )
        check_layer(params, str(DIRECTORATES / path.name), allowed=("directorate",))
        found.append((path.stem, params))
    return found


def names_directorate(wanted: str, stem: str, directorate: str) -> bool:
    """Whether ``--directorate wanted`` names a report: its params file name or directorate, or
    either written as a slug (``adults-social-care`` for "Adults' Social Care"), in any case."""
    return wanted in (stem, directorate) or slugify(wanted) in (stem, slugify(directorate))


def chosen_params(found: list[tuple[str, dict]], wanted: list[str] | None) -> list[tuple[str, dict]]:
    """The params files ``wanted`` names (by file name, directorate or its slug), all when it is
    empty; an unknown name is an error."""
    if not wanted:
        return found
    chosen = [(n, p) for n, p in found if any(names_directorate(w, n, p["directorate"]) for w in wanted)]
    missing = {w for w in wanted if not any(names_directorate(w, n, p["directorate"]) for n, p in chosen)}
    if missing:
        names = ", ".join(f"{n} ({p['directorate']})" for n, p in found) or "none"
        raise PmkitError(f"no params file or directorate called {', '.join(sorted(missing))}; expected one of: {names}")
    return chosen


def directorate_names(wanted: list[str] | None, known: list[str], root: Path | None = None) -> list[str] | None:
    """The directorates ``--directorate`` names, each by its name, its slug or the name of its
    params file in ``root`` (None when none is asked for); an unknown name is an error listing both."""
    if not wanted:
        return None
    found = (params_files(root) if root is not None else []) + [(slugify(d), {"directorate": d}) for d in known]
    names = []
    for w in wanted:
        hit = next(
            (
                p["directorate"]
                for n, p in found
                if names_directorate(w, n, p["directorate"]) and p["directorate"] in known
            ),
            None,
        )
        if hit is None:
            choices = ", ".join(f"{slugify(d)} ({d})" for d in known)
            raise PmkitError(f"directorate {w} is not in the source; expected a name or slug, one of: {choices}")
        names.append(hit)
    return list(dict.fromkeys(names))


def directorate_params(
    files: list[tuple[str, dict]], wanted: list[str] | None, known: list[str]
) -> tuple[list[tuple[str, dict]], list[str]]:
    """(name, params) per report asked for, and notes on params files left out.

    Without params files every directorate in the source gets a report. A params file naming a
    directorate that is not in the source stops a run that asks for it (or for every report), and
    is only noted when the run asks for other directorates.
    """
    found = files or [(slugify(d), {"directorate": d}) for d in known]
    chosen = chosen_params(found, wanted)
    unknown = [(n, p["directorate"]) for n, p in found if p["directorate"] not in known]
    blocking = [(n, d) for n, d in unknown if any(n == c for c, _ in chosen)]
    if blocking:
        files = "; ".join(f"{DIRECTORATES / n}.yaml names {d!r}" for n, d in blocking)
        raise PmkitError(
            f"{files}, which is not a directorate in the source (its directorates: {', '.join(known)}). "
            f"Rename the directorate in the file or delete it; `pmkit init DIR --council NAME --source SOURCE` "
            f"makes a project with one params file per directorate of your source"
        )
    notes = [f"{DIRECTORATES / n}.yaml names {d!r}, which is not in the source; it was left out" for n, d in unknown]
    covered = {p["directorate"] for _, p in found}
    notes += [
        f"{d} is in the source but no file in {DIRECTORATES} names it, so it has no report"
        for d in known
        if d not in covered
    ]
    return chosen, notes


class Quarterly(QuarterlyOptions):
    """One report per directorate (a params file each in ``params/directorates``), per quarter."""

    def check(self, root: Path, directorate: list[str] | None = None, **options: object) -> None:
        super().check(root, **options)
        found = params_files(root)
        if found:
            chosen_params(found, directorate)

    def plan(
        self,
        src: Source,
        settings: dict,
        root: Path,
        period: str | None = None,
        directorate: list[str] | None = None,
        **_: object,
    ) -> Plan:
        frequency = reporting_frequency(settings)
        chosen = report_period(src, period, frequency)
        register = src.indicators()
        known = sorted(register["directorate"].unique())
        files = params_files(root)
        asked, notes = directorate_params(files, directorate, known)
        gone = retired_reasons(register, src.measures(), chosen)
        if gone:
            notes.append(retired_note(gone, chosen))
        current = register[~register["indicator_id"].isin(list(gone))]
        ids = {d: list(current.loc[current["directorate"] == d, "indicator_id"]) for d in known}
        retired_only = sorted(d for d in {p["directorate"] for _, p in asked} & set(known) if not ids[d])
        if retired_only and directorate:
            raise PmkitError(
                f"every indicator of {', '.join(retired_only)} is no longer reported as at {chosen.label} "
                f"(retired in the register, or no figure in the two years to it); a deep dive on one of "
                f"them (pmkit run deep-dive --indicator ID) shows its history"
            )
        notes += [f"{d}: every indicator of it is no longer reported, so it has no report" for d in retired_only]
        asked = [(n, p) for n, p in asked if p["directorate"] not in retired_only]
        empty = reports_without_data(
            src,
            {p["directorate"]: ids.get(p["directorate"], []) for _, p in asked},
            chosen,
            frequency,
            asked=bool(period or directorate),
        )
        for d in empty:
            latest = latest_with_data(src, ids[d])
            notes.append(
                f"{d} has no figures for {chosen.label} (its latest: {latest.label if latest else 'none'}), "
                f"so it has no report this time"
            )
        jobs = [
            Job(name, f"{p['directorate']}: performance report, {chosen.label}", {**p, "period": chosen.label})
            for name, p in asked
            if p["directorate"] not in empty
        ]
        named = {p["directorate"] for _, p in files}
        every = [d for d in known if not files or d in named]
        return Plan(chosen, jobs, directorates=every, notes=tuple(notes))

    def scope(self, job: Job) -> dict:
        """A directorate's page reads only that directorate's rows (and the tables no directorate owns)."""
        return {"directorate": job.parameters["directorate"]}
