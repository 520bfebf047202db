"""What a report notebook calls: load settings and data once, then emit each section.

A notebook stays a parameters cell, a handful of calls on a report object, and Markdown
narrative; everything computed lives here and in the modules it calls.

>>> report = DirectorateReport("Housing", period="2025/26 Q2")   # doctest: +SKIP
>>> report.summary()                                            # doctest: +SKIP
"""

from __future__ import annotations

import html
import warnings
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from pmkit import casestudies, components, periods, spc, status, themes, voice
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


@dataclass(frozen=True)
class SpcView:
    """An XmR result with the period label of each value and the target it was judged against."""

    result: spc.XmRResult
    labels: list[str]
    target: float | None


def spc_results(measures: pd.DataFrame, indicators: pd.DataFrame, st: pd.DataFrame, period, rules: str) -> dict[str, SpcView]:
    """Each indicator's XmR result over its history to the judged period, with labels and target."""
    values = status.history(measures, indicators, period)
    targets = st.set_index("indicator_id")["target"]
    out = {}
    for indicator_id, rows in values.groupby("indicator_id", sort=False):
        target = targets.get(indicator_id)
        target = None if target is None or pd.isna(target) else float(target)
        with warnings.catch_warnings():  # short series are described in words in the report
            warnings.simplefilter("ignore", spc.SPCWarning)
            result = spc.xmr(
                rows["value"].to_numpy(),
                improvement=rows["improvement"].iloc[0],
                target=target,
                rules=rules,
                rebase_at=[int(i) for i in np.flatnonzero(rows["rebase"].to_numpy())] or None,
            )
        out[indicator_id] = SpcView(result, rows["period"].tolist(), target)
    return out


class DirectorateReport:
    """The quarterly report for one directorate and audience."""

    def __init__(self, directorate: str, period: str | None = None, audience: str = "internal", source: str | None = None, engine: str = "nbconvert"):
        if audience not in ("internal", "public"):
            raise PmkitError(f"audience {audience!r} is not known; expected internal or public")
        self.settings = load_settings({"source": source, "audience": audience})
        self.engine, self.audience = engine, audience
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
        self.status = status.assess(
            self.measures,
            self.indicators,
            self.period,
            targets=self.source.targets(),
            benchmarks=self.source.benchmarks(),
            comparator_group=self.settings.get("comparator_group", "nearest_neighbours"),
            rag_suspended=self.settings.get("rag_suspended") or (),
            dot_threshold=float(self.settings.get("dot_threshold", 0.01)),
            spc_rules=self.settings.get("spc_rules", "mdc"),
        )
        self.spc = spc_results(self.measures, self.indicators, self.status, self.period, self.settings.get("spc_rules", "mdc"))

    @property
    def title(self) -> str:
        return f"{self.directorate}: performance report, {self.period.label}"

    def _show(self, fragment: str) -> None:
        components.show(fragment, self.engine)

    def header(self) -> None:
        """The report's title and what it covers."""
        audience = "for members and officers" if self.audience == "internal" else "for the public"
        council = self.settings.get("council", "")
        self._show(
            f"<header><h1>{html.escape(self.title)}</h1>"
            f'<p class="lede">{html.escape(council)}: how the {len(self.status)} indicators of '
            f"{html.escape(self.directorate)} stood at the end of {html.escape(self.period.label)}, {audience}.</p></header>"
        )

    def summary(self) -> None:
        self._show(components.summary_strip(self.status))

    def exceptions(self) -> None:
        self._show(components.exception_list(self.status, self.indicators, self.commentary, self.audience))

    def tiles(self) -> None:
        self._show(components.kpi_tiles(self.status, self.indicators, self.measures, self.commentary, self.audience, self.spc))

    def trends(self) -> None:
        """An XmR chart per indicator (or a sentence saying there are too few points)."""
        self._show(components.spc_section(self.status, self.indicators, self.spc))

    def citizen_voice(self) -> None:
        """Themes in residents' comments, complaints and compliments about this directorate this period."""
        feedback = self.source.feedback()
        feedback = feedback[feedback["directorate"] == self.directorate]
        if feedback.empty:
            self._show("<p>No feedback was recorded for this directorate.</p>")
            return
        summary = themes.summarise(feedback, codebook=self.settings.get("codebook"), period=self.period, audience=self.audience)
        self._show(voice.theme_summary_block(summary, self.audience))

    def case_studies(self) -> None:
        """Case studies for this directorate from this financial year and the last, newest first, none after the report period."""
        studies = self.source.case_studies()
        this_year = self.period.year
        chosen = pd.concat(
            [casestudies.select(studies, directorate=self.directorate, period=year, audience=self.audience) for year in (this_year, this_year.shift(-1))]
        )
        chosen = chosen[[periods.parse(p).end <= self.period.end for p in chosen["period"]]]
        if chosen.empty:
            self._show("<p>No case studies were published for this directorate in the last two years.</p>")
            return
        self._show("".join(voice.case_study_block(row) for _, row in chosen.iterrows()))

    def method_note(self) -> None:
        """How the judgements were made and where the data came from."""
        suspended = ", ".join(self.settings.get("rag_suspended") or []) or "none"
        self._show(
            '<section class="method"><ul>'
            "<li>Each indicator is judged on its latest period of its own frequency up to the end of "
            f"{html.escape(self.period.label)} (a monthly indicator on its last month, an annual one on its last complete year).</li>"
            "<li>On target: at or better than target. Near target: within the indicator's tolerance "
            "(5% of the target unless stated). Off target: beyond it.</li>"
            "<li>Direction of travel compares with the previous period, or the same period last year for seasonal "
            "indicators; changes of 1% or less count as no change.</li>"
            f"<li>Periods not judged against target: {html.escape(suspended)}.</li>"
            f"<li>Source: {html.escape(self.source.describe() if self.audience == 'internal' else 'council performance returns')}; "
            f"produced {datetime.now():%d %B %Y}.</li>"
            "</ul></section>"
        )

    def status_table(self) -> pd.DataFrame:
        """The status rows as open data (lists joined, for CSV)."""
        return self.status.assign(exceptions=self.status["exceptions"].map(" ".join))
