"""What every report kind's notebook object shares: settings and data loaded once, the audience's
words, status and readings for a period, and the sections every kind can show.

A report class (quarterly, annual, deep dive) builds on `ReportContext` and adds its own sections;
each section is emitted with its heading so both renderers build the same page and contents.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pmkit import components
from pmkit.components.committee import committee_block
from pmkit.components.templating import markdown
from pmkit.errors import PmkitError
from pmkit.io import periods
from pmkit.io.schema import AUDIENCES
from pmkit.io.settings import (
    apply_rebase_settings,
    load_settings,
    project_root,
    reporting_frequency,
    retired_note,
    retired_reasons,
)
from pmkit.io.sources import Source, open_source
from pmkit.judge import benchmarking, casestudies, reading, status, themes
from pmkit.judge.benchmarking import own_authority


class ReportContext:
    """Settings, source and register for one audience; `assess` and `read` for any period."""

    def __init__(
        self,
        audience: str = "internal",
        source: str | None = None,
        engine: str = "nbconvert",
        overrides: dict | None = None,
        opened: Source | None = None,
        root: Path | None = None,
    ):
        """``opened``: a source already open (its tables already read), used instead of opening ``source``."""
        if audience not in AUDIENCES:
            raise PmkitError(f"audience {audience!r} is not known; expected internal or public")
        self.root = root or project_root()
        self.settings = load_settings({**(overrides or {}), "source": source, "audience": audience}, self.root)
        self.engine, self.audience = engine, audience
        self.words = components.words_for(audience)
        self.council = str(self.settings.get("council", "") or "This council")
        self.source = opened or open_source(self.settings["source"])
        self.own_authority = own_authority(self.source.benchmarks(), self.settings)  # the council's own benchmark rows
        register = self.source.indicators()
        if audience == "public":
            register = register[register["public"]]
        self.register = apply_rebase_settings(register, self.settings).reset_index(drop=True)
        self.measures = measures_with_own_row(self.source, self.own_authority)
        self.commentary = self.source.commentary()
        self.rules = self.settings.get("spc_rules", "mdc")
        self.reporting = reporting_frequency(self.settings)
        self.left_out: dict[str, str] = {}  # indicators left out as no longer reported -> why (`leave_out_retired`)

    def indicators_of(self, directorate: str) -> pd.DataFrame:
        """The register rows of one directorate (a clear error naming the known ones otherwise)."""
        known = sorted(self.source.indicators()["directorate"].unique())
        if directorate not in known:
            raise PmkitError(f"directorate {directorate!r} is not in the source; expected one of: {', '.join(known)}")
        return self.register[self.register["directorate"] == directorate].reset_index(drop=True)

    def retired(self, indicators: pd.DataFrame, period: periods.Period | None = None) -> dict[str, str]:
        """Which of ``indicators`` the council no longer reports as at ``period`` (default: the latest
        period with a figure), and why (`retired_reasons`)."""
        return retired_reasons(indicators, self.measures, period)

    def leave_out_retired(self, indicators: pd.DataFrame, period: periods.Period) -> pd.DataFrame:
        """``indicators`` less those no longer reported as at ``period``; the method note names how many and why."""
        self.left_out = self.retired(indicators, period)
        return indicators[~indicators["indicator_id"].isin(list(self.left_out))].reset_index(drop=True)

    def assess(
        self,
        indicators: pd.DataFrame,
        period: periods.Period,
        measures: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
        benchmarks: pd.DataFrame | None = None,
    ) -> pd.DataFrame:
        """The status table of ``indicators`` for ``period`` under the settings in force (of ``measures``,
        ``targets`` and ``benchmarks``, default the source's)."""
        return assess_with_settings(self.source, self.settings, indicators, period, measures, targets, benchmarks)

    def read(
        self,
        st: pd.DataFrame,
        indicators: pd.DataFrame,
        period: periods.Period,
        headline: str | None = None,
        measures: pd.DataFrame | None = None,
        benchmarks: pd.DataFrame | None = None,
        targets: pd.DataFrame | None = None,
    ) -> list[reading.Reading]:
        """A reading per status row: SPC over each history to ``period`` (of ``measures``, default all
        of them) with the targets in force at each period (of ``targets``, default the source's), and the
        comparator group (in ``benchmarks``, default the source's)."""
        targets = self.source.targets() if targets is None else targets
        views = reading.spc_views(
            self.measures if measures is None else measures, indicators, st, period, self.rules, targets
        )
        peers = reading.peer_groups(
            st,
            indicators,
            self.source.benchmarks() if benchmarks is None else benchmarks,
            self.council,
            self.settings.get("comparator_group", "nearest_neighbours"),
            self.settings.get("national_group", "england"),
            own_authority=self.own_authority,
        )
        return list(reading.read(st, indicators, views, peers, headline=headline, targets=targets).values())

    # --- emitting -------------------------------------------------------------------------------

    def section(self, name: str, body: str) -> None:
        """Emit a section with its heading and introduction in the audience's words."""
        heading, html = components.section(name, body, self.words)
        components.show(html, self.engine, heading)

    def titled_sections(self, sections: list[tuple[str, str, str]]) -> None:
        """Emit sections whose headings come from the data (priorities, indicators): (title, anchor, body)."""
        components.page.show_sections([((title, anchor), body) for title, anchor, body in sections], self.engine)

    def header(self, lede: str) -> None:
        components.show(components.header(lede), self.engine)

    def committee(
        self, readings: list[reading.Reading], actions: pd.DataFrame, period: periods.Period, page: str
    ) -> None:
        """What the committee needs to know (for residents, the three things to know), chosen by rule
        (`pmkit.components.committee`), as a section of the contents."""
        title, body = committee_block(readings, actions, period, self.words, page)
        components.show(components.section("committee", body, self.words)[1], self.engine, (title, "committee"))

    def officers_words(self, name: str, note: pd.Series | None) -> None:
        """A section of officers' own words (a directorate's overview, the council's foreword): their
        Markdown text, then what is being done; nothing when there is no such row."""
        if note is None or not str(note["text"]).strip():
            return
        body = f'<div class="commentary">{markdown(note["text"])}</div>'
        if str(note.get("actions", "") or "").strip():
            label = "What we are doing" if self.words.public else "Actions"
            body += f'<div class="actions"><h3>{label}</h3>{markdown(note["actions"])}</div>'
        self.section(name, body)

    # --- sections every kind can show -------------------------------------------------------------

    def citizen_voice(self, feedback: pd.DataFrame, period: periods.Period, name: str = "voice") -> None:
        """Themes in residents' comments in ``period`` (nothing at all for the public when there are none)."""
        if feedback.empty:
            if not self.words.public:
                self.section(name, "<p>No feedback was recorded for these services.</p>")
            return
        summary = themes.summarise(
            feedback, codebook=self.settings.get("codebook"), period=period, audience=self.audience
        )
        self.section(name, components.theme_summary_block(summary, self.audience))

    def case_study_blocks(self, studies: pd.DataFrame, heading_level: int = 3) -> str:
        return "\n".join(components.case_study_block(row, heading_level) for _, row in studies.iterrows())

    def chosen_case_studies(
        self, period: periods.Period, directorate: str | None = None, priority: str | None = None, years: int = 2
    ) -> pd.DataFrame:
        """Case studies from the financial year of ``period`` and the ``years - 1`` before, none after it."""
        studies = self.source.case_studies()
        chosen = pd.concat(
            [
                casestudies.select(
                    studies,
                    directorate=directorate,
                    priority=priority,
                    period=period.year.shift(-k),
                    audience=self.audience,
                )
                for k in range(years)
            ]
        )
        return chosen[[periods.parse(p).end <= period.end for p in chosen["period"]]]

    def method_note(self, period: periods.Period, indicators: pd.DataFrame) -> None:
        """How the judgements were made and where the data came from (no server paths)."""
        source = Path(self.source.describe()).name if self.audience == "internal" else "council performance returns"
        left_out = retired_note(self.left_out, period, self.words.indicator)
        self.section(
            "about", components.method_note(period.label, self.settings, indicators, source, self.words, left_out)
        )


def measures_with_own_row(src: Source, own: frozenset[str]) -> pd.DataFrame:
    """The source's measures and, where they have no figure, the council's own row in its benchmarks."""
    return benchmarking.with_own_figures(src.measures(), src.indicators(), src.benchmarks(), own)


def assess_with_settings(
    src: Source,
    settings: dict,
    indicators: pd.DataFrame,
    period: periods.Period,
    measures: pd.DataFrame | None = None,
    targets: pd.DataFrame | None = None,
    benchmarks: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The status table of ``indicators`` for ``period`` with a project's settings (comparator group,
    suspended periods, direction threshold, SPC rules, the council's own row in its benchmarks), as
    every report judges them; ``measures``, ``targets`` and ``benchmarks`` default to the source's (its
    measures with the council's own benchmark rows where they have no figure)."""
    own = own_authority(src.benchmarks(), settings)
    return status.assess(
        measures_with_own_row(src, own) if measures is None else measures,
        indicators,
        period,
        targets=src.targets() if targets is None else targets,
        benchmarks=src.benchmarks() if benchmarks is None else benchmarks,
        comparator_group=settings.get("comparator_group", "nearest_neighbours"),
        rag_suspended=settings.get("rag_suspended") or (),
        dot_threshold=float(settings.get("dot_threshold", 0.01)),
        spc_rules=settings.get("spc_rules", "mdc"),
        own_authority=own,
    )
