"""What a report says, in the words of each audience.

Members and officers (``internal``) read the method's own terms: Making Data Count's variation
and assurance, quartiles and peer medians. Residents (``public``) read the same findings in plain
words that keep the numbers: "unusually low this month: better than usual", "better than most
similar councils". Every component takes its words from here, so one change of wording reaches
every report kind.

>>> words_for("public").variation("improvement_low", "monthly")
'Unusually low this month: better than usual'
>>> words_for("internal").variation("improvement_low", "monthly")
'Special cause improvement (low values)'
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pmkit.components.templating import ordinal, plural
from pmkit.errors import PmkitError
from pmkit.io.schema import AUDIENCES
from pmkit.judge.status import DOT_WORDS, EXCEPTION_WORDS, RAG_WORDS

PERIOD_NOUN = {"monthly": "month", "quarterly": "quarter", "annual": "year"}

_VARIATION = {
    "internal": {
        "common_cause": "Common cause variation",
        "improvement_high": "Special cause improvement (high values)",
        "improvement_low": "Special cause improvement (low values)",
        "concern_high": "Special cause concern (high values)",
        "concern_low": "Special cause concern (low values)",
        "neutral_high": "Special cause, neutral (high values)",
        "neutral_low": "Special cause, neutral (low values)",
    },
    "public": {
        "common_cause": "Within its usual range this {period}",
        "improvement_high": "Unusually high this {period}: better than usual",
        "improvement_low": "Unusually low this {period}: better than usual",
        "concern_high": "Unusually high this {period}: worse than usual",
        "concern_low": "Unusually low this {period}: worse than usual",
        "neutral_high": "Unusually high this {period}",
        "neutral_low": "Unusually low this {period}",
    },
}
_ASSURANCE = {
    "internal": {
        "consistent_pass": "Will consistently meet the target",
        "consistent_fail": "Will consistently miss the target",
        "inconsistent": "Hit and miss: may or may not meet the target",
    },
    "public": {
        "consistent_pass": "Reliably meets its target",
        "consistent_fail": "Falls short of its target time after time",
        "inconsistent": "Sometimes meets its target, sometimes not",
    },
}
_PUBLIC_EXCEPTIONS = {
    "red": "Missed its target",
    "declining_twice": "Worse two {period}s running",
    "spc_concern": "Unusually poor result",
    "green_bottom_quartile": "Met its target but among the worst 25% of similar councils",
    "missing_data": "No figure yet for this period",
    "provisional_data": "The figure is provisional and may change",
}
# A quartile among similar councils, as residents read it: shares, not statistical terms.
_PUBLIC_QUARTERS = {1: "best 25%", 2: "second-best 25%", 3: "second-worst 25%", 4: "worst 25%"}
_PUBLIC_DOT = {
    "improving": "Better than",
    "declining": "Worse than",
    "no_change": "About the same as",
    "increasing": "Higher than",
    "decreasing": "Lower than",
}
_PUBLIC_DOT_WORD = {
    "improving": "Getting better",
    "declining": "Getting worse",
    "no_change": "About the same",
    "increasing": "Going up",
    "decreasing": "Going down",
    "not_comparable": "No earlier figure",
}
# Section id -> (title, introduction), per audience. Sections absent from a report are not shown.
_SECTIONS = {
    "internal": {
        "headlines": ("Headlines", ""),
        "summary": (
            "At a glance",
            "How many indicators are on, near or off target, and how many are improving or declining.",
        ),
        "exceptions": (
            "Exceptions",
            "The indicators that need attention this period, off-target ones first, with what officers say about them and what is being done.",
        ),
        "tiles": (
            "Indicators by council priority",
            "One tile per indicator: the latest value, one sentence joining its status against target, its direction of "
            "travel and any SPC signal, then its status, direction and recent trend. Open About this indicator for its SPC "
            "icons, its position among similar councils where it has one, its definition, target and commentary.",
        ),
        "trends": (
            "Trends: statistical process control",
            "Each XmR chart shows an indicator's history with its mean and process limits, as NHS England's Making Data Count "
            "uses them. Every special-cause point is marked and named with the rule that flagged it: a value beyond a limit, "
            "a run on one side of the mean, a trend, or two of three values near a limit.",
        ),
        "benchmarks": (
            "Benchmarking",
            "Each chart places this council among its comparator group for the same period, best first, with the peer median, "
            "the quartile boundaries and the national figure where there is one.",
        ),
        "voice": (
            "What residents told us",
            "Themes in the complaints, compliments, survey comments and other feedback about these services in the report's period, "
            "with the change on the period before, sentiment and typical comments. Names, contact details, addresses and "
            "streets are removed from every quote.",
        ),
        "case_studies": ("Case studies", "The stories behind the figures."),
        "appendix": (
            "Appendix: every indicator",
            "Every indicator in this report in one table, for reference and printing.",
        ),
        "actions": (
            "Council plan actions",
            "Every council plan action of the directorate as it stood at the end of the period, then those "
            "at risk, off track or overdue then, with their update for the period.",
        ),
        "year_in_numbers": ("The year in numbers", ""),
        "next_steps": (
            "What comes next",
            "The indicators that ended the year off target, and the council plan actions still open at its end.",
        ),
        "questions": (
            "Questions the committee may wish to ask",
            "Each question comes from something in the data, stated first.",
        ),
        "limitations": ("Limitations of the data", "What to bear in mind before relying on these figures."),
        "overview": ("Director's overview", ""),
        "foreword": ("Foreword", ""),
        "about": ("About this report", ""),
        "committee": (
            "What the committee needs to know",
            "At most five findings, chosen by rule: the widest misses of target "
            "first, then new special causes of concern, indicators on target but in the bottom quartile of their "
            "comparator group, council plan actions that slipped, and missing figures; each with the question it raises.",
        ),
    },
    "public": {
        "headlines": ("Headlines", ""),
        "summary": (
            "At a glance",
            "How many measures met their target, came close or missed it, and how many got better or worse.",
        ),
        "exceptions": (
            "Where we need to improve",
            "The measures that need attention, those that missed their target first, with what the council is doing about them.",
        ),
        "tiles": (
            "All measures by council priority",
            "The latest figure for each measure, whether it met its target and whether it is getting better. Open About "
            "this measure for how it compares with similar councils, what it counts and why it matters.",
        ),
        "trends": (
            "How each measure has changed over time",
            "Each chart shows a measure's history with its average and the range it usually stays within. Marked points are "
            "unusual: outside the usual range, or part of a run of results higher or lower than usual.",
        ),
        "benchmarks": (
            "How we compare with similar councils",
            "Each chart shows the council's latest figure beside similar councils' figures for the same period, best first.",
        ),
        "voice": (
            "What residents told us",
            "What people said in complaints, compliments, surveys and comments about these services in this period. Names, "
            "contact details, streets, health conditions, family members and ages are removed from every quote, and small "
            "numbers are not shown.",
        ),
        "case_studies": ("Stories behind the figures", "What changed for the people these services work with."),
        "appendix": ("Appendix: every measure", "Every measure in this report in one table."),
        "actions": (
            "What we said we would do",
            "How far we had got with the things we promised in the council plan by the end of the "
            "period, and what was late or at risk then.",
        ),
        "year_in_numbers": ("The year in numbers", ""),
        "next_steps": ("What comes next", "Where we fell short this year, and what we still have to do."),
        "questions": (
            "Questions the committee may wish to ask",
            "Each question comes from something in the figures, stated first.",
        ),
        "limitations": ("What to bear in mind about these figures", "Things that make some figures less certain."),
        "overview": ("Overview", ""),
        "foreword": ("Foreword", ""),
        "about": ("About this report", ""),
        "committee": (
            "The three things to know",
            "The most important things in this report, each with its figures and a link to more about it.",
        ),
    },
}


@dataclass(frozen=True)
class Words:
    """The vocabulary of one audience."""

    audience: str
    indicator: str  # what an indicator is called
    rag: dict[str, str] = field(default_factory=lambda: dict(RAG_WORDS))

    @property
    def public(self) -> bool:
        return self.audience == "public"

    def section(self, name: str) -> tuple[str, str]:
        """(title, introduction) of a report section."""
        return _SECTIONS[self.audience][name]

    def variation(self, name: str | None, frequency: str) -> str:
        if name is None:
            return "Variation not assessed"
        return _VARIATION[self.audience][name].format(period=PERIOD_NOUN.get(frequency, "period"))

    def quarter(self, quartile: int) -> str:
        """A quartile among similar councils: ``1st quartile`` (internal), ``best 25%`` (public)."""
        if self.public:
            return _PUBLIC_QUARTERS[int(quartile)]
        return f"{ordinal(quartile)} quartile"

    def assurance(self, name: str) -> str:
        return _ASSURANCE[self.audience][name]

    def exception(self, code: str, frequency: str) -> str:
        if self.public:
            return _PUBLIC_EXCEPTIONS[code].format(period=PERIOD_NOUN.get(frequency, "period"))
        return EXCEPTION_WORDS[code]

    def dot_word(self, dot: str) -> str:
        """A direction of travel on its own, e.g. "Improving" (internal) or "Getting better" (public)."""
        return _PUBLIC_DOT_WORD[dot] if self.public else DOT_WORDS[dot]

    def direction(self, dot: str, frequency: str, which: str = "previous") -> str:
        """A direction of travel with what it compares with, e.g. "Improving since previous quarter"."""
        noun = PERIOD_NOUN.get(frequency, "period")
        if dot == "not_comparable":
            return "No earlier figure to compare with" if self.public else "Not comparable"
        if self.public:
            since = f"the same {noun} last year" if which == "last_year" else f"last {noun}"
            return f"{_PUBLIC_DOT[dot]} {since}"
        since = "same period last year" if which == "last_year" else f"previous {noun}"
        return f"{DOT_WORDS[dot]} since {since}"

    def stale(self, side: str, start: str, values: int, frequency: str) -> str:
        """The notice that replaces an assurance verdict when the limits are out of date."""
        noun = PERIOD_NOUN.get(frequency, "period")
        if self.public:
            level = "higher" if side == "above" else "lower"
            return (
                f"Consistently {level} than before since {start}, so it is too early to say whether it will "
                "reliably meet its target."
            )
        return (
            f"Limits out of date: {plural(values, noun)} in a row {side} the mean since {start}, a sustained shift. "
            f"No assurance verdict from the old limits; suggested rebase: {start}."
        )

    def disagreement(self, code: str, rag: str, frequency: str, lower: str, upper: str) -> str:
        """Why a status and an assurance icon that seem to disagree are both right."""
        noun = PERIOD_NOUN.get(frequency, "period")
        if self.public:
            if code == "unusual_miss":
                return (
                    f"It usually meets its target, so missing it this {noun} is unusual: the figure is outside "
                    f"the range it normally stays within ({lower} to {upper})."
                )
            return (
                f"It usually falls short of its target, so meeting it this {noun} is unusual: the figure is "
                f"outside the range it normally stays within ({lower} to {upper})."
            )
        if code == "unusual_miss":
            return (
                f"{self.rag[rag]} this {noun}, although the process limits ({lower} to {upper}) lie wholly on the "
                "right side of the target, so the process would consistently meet it: this value is outside the "
                "limits, a special cause to investigate."
            )
        return (
            f"{self.rag[rag]} this {noun}, although the process limits ({lower} to {upper}) lie wholly on the wrong "
            "side of the target, so the process would consistently miss it: this value is outside the limits, a "
            "special cause rather than a sign that the process now meets the target."
        )


def words_for(audience: str) -> Words:
    """The vocabulary for ``internal`` or ``public``."""
    if audience not in AUDIENCES:
        raise PmkitError(f"audience '{audience}' is not one of {', '.join(AUDIENCES)}")
    return Words(audience, "measure" if audience == "public" else "indicator")


CHART_WORDS = words_for("public")
"""The words drawn inside a chart, on every audience's page: a chart's picture is the same on the internal
and the public page (so a batch draws it once), in the plain words both can read. What differs by audience
(alt text, the sentences beside a chart, captions, tables) is the page's text around it."""
