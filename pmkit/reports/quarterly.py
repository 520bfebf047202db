"""The quarterly directorate report: one page per directorate for members, officers and residents.

>>> report = DirectorateReport("Housing", period="2025/26 Q2")   # doctest: +SKIP
>>> report.summary()                                            # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import yaml

from pmkit import components
from pmkit.components.actions import action_summary, slipped
from pmkit.components.templating import plural
from pmkit.errors import PmkitError
from pmkit.reports.context import ReportContext
from pmkit.reports.kind import Job, Plan, ReportKind, slugify
from pmkit.settings import report_period
from pmkit.sources import Source


class DirectorateReport(ReportContext):
    """The quarterly report for one directorate and audience: data loaded once, then each section."""

    def __init__(self, directorate: str, period: str | None = None, audience: str = "internal", source: str | None = None,
                 engine: str = "nbconvert"):
        super().__init__(audience, source, engine)
        self.directorate = directorate
        self.indicators = self.indicators_of(directorate)
        self.period = report_period(self.source, period)
        self.status = self.assess(self.indicators, self.period)
        self.readings = self.read(self.status, self.indicators, self.period)

    @property
    def title(self) -> str:
        return f"{self.directorate}: performance report, {self.period.label}"

    def header(self) -> None:
        """What the report covers, and the way back to the period's index."""
        audience = "for members and officers" if self.audience == "internal" else "for residents"
        noun = plural(len(self.status), self.words.indicator)
        super().header(f"{self.council}: how the {noun} of {self.directorate} stood at the end of {self.period.label}, {audience}.")

    def headlines(self) -> None:
        """What improved, what declined and what needs attention, with the figures."""
        self.section("headlines", components.headline_block(self.readings, self.words))

    def summary(self) -> None:
        self.section("summary", components.summary_strip(self.status, self.words))

    def exceptions(self) -> None:
        self.section("exceptions", components.exception_list(self.readings, self.commentary, self.words))

    def actions(self) -> None:
        """The directorate's council plan actions at risk, off track or overdue (nothing when all are on course)."""
        actions = self.source.actions()
        actions = actions[actions["directorate"] == self.directorate]
        if self.words.public:
            actions = actions[actions["public"]]
        late = slipped(actions, self.period)
        if len(late):
            self.section("actions", action_summary(late, self.period, self.words))

    def tiles(self) -> None:
        self.section("tiles", components.kpi_tiles(self.readings, self.commentary, self.words))

    def trends(self) -> None:
        """An XmR chart per indicator (internally, a sentence for those with too few points)."""
        self.section("trends", components.spc_section(self.readings, self.words))

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


def directorate_params(root: Path, wanted: list[str] | None, known: list[str]) -> list[tuple[str, dict]]:
    """(name, params) per directorate: params files in ``params/directorates``, filtered by ``wanted``."""
    files = sorted((root / "params" / "directorates").glob("*.yaml"))
    found = [(f.stem, yaml.safe_load(f.read_text(encoding="utf-8")) or {}) for f in files]
    if not found:
        found = [(slugify(d), {"directorate": d}) for d in known]
    if wanted:
        chosen = [(n, p) for n, p in found if n in wanted or p.get("directorate") in wanted]
        missing = set(wanted) - {n for n, _ in chosen} - {p.get("directorate") for _, p in chosen}
        if missing:
            names = ", ".join(n for n, _ in found)
            raise PmkitError(f"no params file or directorate called {', '.join(sorted(missing))}; expected one of: {names}")
        found = chosen
    for name, params in found:
        if params.get("directorate") not in known:
            raise PmkitError(
                f"params/directorates/{name}.yaml names directorate {params.get('directorate')!r}, "
                f"which is not in the source; expected one of: {', '.join(known)}"
            )
    return found


class Quarterly(ReportKind):
    """One report per directorate (a params file each in ``params/directorates``), per quarter."""

    name = "quarterly"
    notebook = "service_area.ipynb"
    label = "Quarterly directorate reports"

    def add_arguments(self, parser) -> None:
        parser.add_argument("--period", help="a quarter such as 2025/26 Q2 (default: the latest with data)")
        parser.add_argument("--directorate", action="append", help="a params file name (adults) or a directorate; repeatable")

    def plan(self, src: Source, settings: dict, root: Path, period: str | None = None, directorate: list[str] | None = None,
             **_: object) -> Plan:
        chosen = report_period(src, period)
        known = sorted(src.indicators()["directorate"].unique())
        jobs = [
            Job(name, f"{p['directorate']}: performance report, {chosen.label}", {**p, "period": chosen.label})
            for name, p in directorate_params(root, directorate, known)
        ]
        every = [p["directorate"] for _, p in directorate_params(root, None, known)]
        return Plan(chosen, jobs, directorates=every)

