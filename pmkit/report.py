"""What a report notebook calls: load settings and data once, then emit each section.

A notebook stays a parameters cell, a handful of calls on a report object, and Markdown
narrative; everything computed lives here and in the modules it calls.

>>> report = DirectorateReport("Housing", period="2025/26 Q2")   # doctest: +SKIP
>>> report.summary()                                            # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from pmkit import casestudies, components, periods, reading, status, themes
from pmkit.components.templating import plural
from pmkit.errors import PmkitError
from pmkit.sources import Source, open_source

DEFAULTS_FILE = Path("params/defaults.yaml")


def project_root(start: Path | None = None) -> Path:
    """The nearest folder at or above ``start`` (default: the working folder) holding ``params/defaults.yaml``."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / DEFAULTS_FILE).exists():
            return folder
    return here


def load_settings(overrides: dict | None = None, root: Path | None = None) -> dict:
    """``params/defaults.yaml`` merged with ``overrides`` (entries that are None are ignored)."""
    root = root or project_root()
    path = root / DEFAULTS_FILE
    settings = yaml.safe_load(path.read_text(encoding="utf-8")) if path.exists() else {}
    settings.update({k: v for k, v in (overrides or {}).items() if v is not None})
    for key in ("source", "codebook"):
        value = settings.get(key)
        if value and "://" not in str(value) and not Path(value).is_absolute():
            settings[key] = str(root / value)
    return settings


def report_period(src: Source, period: str | None, frequency: str = "quarterly") -> periods.Period:
    """The report period asked for, or the latest ``frequency`` period with data in the source."""
    if period:
        return periods.parse(period)
    return src.latest_period().latest(frequency) if frequency != "monthly" else src.latest_period()


def apply_rebase_settings(indicators: pd.DataFrame, settings: dict) -> pd.DataFrame:
    """Rebase periods given in params (``rebase_at: {ASC-06: "Oct 2023"}``) override the register's."""
    extra = settings.get("rebase_at") or {}
    if not extra:
        return indicators
    out = indicators.copy()
    listed = out["indicator_id"].map({k: ", ".join(v) if isinstance(v, list) else str(v) for k, v in extra.items()})
    out["rebase_at"] = listed.fillna(out["rebase_at"] if "rebase_at" in out else "")
    return out


class DirectorateReport:
    """The quarterly report for one directorate and audience: data loaded once, then each section.

    Every section is emitted with its heading, in the audience's words, so that both renderers
    build the same page and the same table of contents.
    """

    def __init__(self, directorate: str, period: str | None = None, audience: str = "internal", source: str | None = None, engine: str = "nbconvert"):
        if audience not in ("internal", "public"):
            raise PmkitError(f"audience {audience!r} is not known; expected internal or public")
        self.settings = load_settings({"source": source, "audience": audience})
        self.engine, self.audience = engine, audience
        self.words = components.words_for(audience)
        self.council = str(self.settings.get("council", "") or "This council")
        self.source = open_source(self.settings["source"])
        indicators = self.source.indicators()
        known = sorted(indicators["directorate"].unique())
        if directorate not in known:
            raise PmkitError(f"directorate {directorate!r} is not in the source; expected one of: {', '.join(known)}")
        self.directorate = directorate
        mine = indicators[indicators["directorate"] == directorate]
        if audience == "public":
            mine = mine[mine["public"]]
        self.indicators = apply_rebase_settings(mine, self.settings).reset_index(drop=True)
        self.measures = self.source.measures()
        self.commentary = self.source.commentary()
        self.period = report_period(self.source, period)
        rules = self.settings.get("spc_rules", "mdc")
        comparator = self.settings.get("comparator_group", "nearest_neighbours")
        benchmarks = self.source.benchmarks()
        self.status = status.assess(
            self.measures,
            self.indicators,
            self.period,
            targets=self.source.targets(),
            benchmarks=benchmarks,
            comparator_group=comparator,
            rag_suspended=self.settings.get("rag_suspended") or (),
            dot_threshold=float(self.settings.get("dot_threshold", 0.01)),
            spc_rules=rules,
        )
        views = reading.spc_views(self.measures, self.indicators, self.status, self.period, rules)
        peers = reading.peer_groups(
            self.status, self.indicators, benchmarks, self.council, comparator, self.settings.get("national_group", "england")
        )
        self.readings = list(reading.read(self.status, self.indicators, views, peers).values())

    @property
    def title(self) -> str:
        return f"{self.directorate}: performance report, {self.period.label}"

    def _section(self, name: str, body: str) -> None:
        heading, html = components.section(name, body, self.words)
        components.show(html, self.engine, heading)

    def header(self) -> None:
        """What the report covers, and the way back to the period's index."""
        audience = "for members and officers" if self.audience == "internal" else "for residents"
        noun = plural(len(self.status), self.words.indicator)
        lede = f"{self.council}: how the {noun} of {self.directorate} stood at the end of {self.period.label}, {audience}."
        components.show(components.header(lede), self.engine)

    def headlines(self) -> None:
        """What improved, what declined and what needs attention, with the figures."""
        self._section("headlines", components.headline_block(self.readings, self.words))

    def summary(self) -> None:
        self._section("summary", components.summary_strip(self.status, self.words))

    def exceptions(self) -> None:
        self._section("exceptions", components.exception_list(self.readings, self.commentary, self.words))

    def tiles(self) -> None:
        self._section("tiles", components.kpi_tiles(self.readings, self.commentary, self.words))

    def trends(self) -> None:
        """An XmR chart per indicator (internally, a sentence for those with too few points)."""
        self._section("trends", components.spc_section(self.readings, self.words))

    def benchmarks(self) -> None:
        """A comparator chart per indicator that has peers this period."""
        if any(r.peers is not None for r in self.readings):
            self._section("benchmarks", components.benchmark_section(self.readings, self.council, self.words))

    def citizen_voice(self) -> None:
        """Themes in residents' comments, complaints and compliments about this directorate this period."""
        feedback = self.source.feedback()
        feedback = feedback[feedback["directorate"] == self.directorate]
        if feedback.empty:
            if not self.words.public:
                self._section("voice", "<p>No feedback was recorded for this directorate.</p>")
            return
        summary = themes.summarise(feedback, codebook=self.settings.get("codebook"), period=self.period, audience=self.audience)
        self._section("voice", components.theme_summary_block(summary, self.audience))

    def case_studies(self) -> None:
        """Case studies for this directorate from this financial year and the last, newest first, none after the report period."""
        studies = self.source.case_studies()
        this_year = self.period.year
        chosen = pd.concat(
            [casestudies.select(studies, directorate=self.directorate, period=year, audience=self.audience) for year in (this_year, this_year.shift(-1))]
        )
        chosen = chosen[[periods.parse(p).end <= self.period.end for p in chosen["period"]]]
        if chosen.empty:
            return
        self._section("case_studies", "\n".join(components.case_study_block(row) for _, row in chosen.iterrows()))

    def appendix(self) -> None:
        self._section("appendix", components.appendix_table(self.readings, self.words))

    def method_note(self) -> None:
        """How the judgements were made and where the data came from (no server paths)."""
        source = Path(self.source.describe()).name if self.audience == "internal" else "council performance returns"
        self._section("about", components.method_note(self.period.label, self.settings, self.indicators, source, self.words))

    def status_table(self) -> pd.DataFrame:
        """The status rows as open data (lists joined, for CSV)."""
        return self.status.assign(exceptions=self.status["exceptions"].map(" ".join))
