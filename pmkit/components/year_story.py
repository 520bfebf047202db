"""A priority's year in three short lists: what went well, what did not, and what happens next.

Each item is one sentence with its figures: the year's figure with what it is ("total for the
year", "at 31 March"), against its target and against last year, judged in the polarity's own words
(`pmkit.components.polarity`). The items are chosen by rule, never padded:

- **went well**: on target and better than last year, or an improvement on last year that is news
  (`Reading.news`: larger than the figure usually moves, or an SPC signal);
- **did not**: off target, a decline on last year that is news, or a special cause of concern;
  each off-target indicator carries its full-year story (the officers' own year-end commentary)
  behind a ``<details>``;
- **what happens next**: the officers' stated actions for the off-target indicators, then the
  council plan actions due in the next year.

A list with nothing in it says so plainly. Every shortfall and every officers' action is in view; a
long list of improvements or plan actions shows its first three and the rest one click away (a
``<details>`` listing them), never "and N more" on its own.

>>> year_story_block(readings, actions, commentary, periods.parse("2024/25"), words_for("internal"))  # doctest: +SKIP
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from markupsafe import Markup, escape

from pmkit.components.actions import STATUS_WORDS, end_date
from pmkit.components.polarity import against_target, better_or_worse
from pmkit.components.spc_chart import describe
from pmkit.components.templating import markdown, render
from pmkit.components.words import Words
from pmkit.io import periods
from pmkit.io.units import format_value
from pmkit.judge import commentary as notes
from pmkit.judge.actions import due_within
from pmkit.judge.reading import Reading

SHOWN = 3  # items listed before the rest are folded behind "N more"
_AIM = {"higher_is_better": "or more", "lower_is_better": "or less"}


@dataclass(frozen=True)
class StoryItem:
    """One sentence of a priority's year (``kind``: ``well``, ``not`` or ``next``), the indicator it is about
    (empty for a council plan action) and its title, which the sentence opens with, and for an off-target
    indicator its full-year story (HTML)."""

    kind: str
    text: str
    indicator_id: str = ""
    title: str = ""
    story: Markup | None = None

    @property
    def rest(self) -> str:
        """The sentence after the indicator's title (the page links the title to the indicator's row)."""
        return self.text[len(self.title) :] if self.title and self.text.startswith(self.title) else self.text


def anchor(indicator_id: str) -> str:
    """The id of an indicator's row in the annual report's year-end table: ``HOU-07`` -> ``ind-hou-07``."""
    return "ind-" + re.sub(r"[\W_]+", "-", str(indicator_id).lower()).strip("-")


def what_it_is(reading: Reading) -> str:
    """What the year's figure is, in running text: ``total for the year``, ``at 31 March``, ``average a month``,
    ``for the whole year`` (with the periods it lacks: ``, from 11 of 12 months``); empty for a yearly measure."""
    said = re.sub(r"\s+\d{4}$", "", str(reading.row.get("basis", "") or ""))
    said = "for the whole year" if said == "the year as a whole" else said
    if said and reading.row.get("coverage"):
        said += f", from {reading.row['coverage']}"
    return said


def year_sentence(reading: Reading, words: Words) -> str:
    """The year's figure with what it is, against its target and against last year, judged by the polarity.

    Internal: ``Missed bin collections per 100,000 collections: 59.6 (average a month), above its target of
    48.3 (worse), up from 49.8 in 2023/24 (worse).`` Public: ``...: 59.6 (average a month), missing our aim
    of 48.3 or less, and worse than 49.8 in 2023/24.``
    """
    r, row = reading, reading.row
    polarity = str(r.info["polarity"])
    fmt = lambda v: format_value(v, r.unit, r.decimals)  # noqa: E731
    kind = what_it_is(r)
    parts = [f"{r.title}: {fmt(row['value'])}" + (f" ({kind})" if kind else "")]
    if r.has_target:
        if words.public:
            zero = polarity == "lower_is_better" and float(row["target"]) == 0  # "our aim of 0", not "0 or less"
            aim = f"our aim of {fmt(row['target'])}" + (f" {_AIM[polarity]}" if polarity in _AIM and not zero else "")
            verb = {"green": "meeting", "amber": "coming close to", "red": "missing"}.get(row["rag"], "against")
            parts.append(f"{verb} {aim}")
        else:
            parts.append(against_target(row["value"], row["target"], polarity, fmt(row["target"])))
    else:
        parts.append("with no target" if not words.public else "with no aim set")
    parts.append(_on_last_year(r, words))
    text = ", ".join(p for p in parts if p)
    if "spc_concern" in row["exceptions"] and r.spc is not None:
        reason = describe(r.spc.result, r.spc.labels, words).split(": ", 1)[-1].rstrip(".")
        text += f"; {'unusually poor' if words.public else 'special cause of concern'}: {reason}"
    return text + "."


def _on_last_year(r: Reading, words: Words) -> str:
    """``up from 49.8 in 2023/24 (worse)`` (internal), ``and worse than 49.8 in 2023/24`` (public)."""
    before = r.compared_value("last_year")
    label = r.compared_label("last_year")
    if pd.isna(before):
        return f"no figure for {label} to compare with"
    fmt = lambda v: format_value(v, r.unit, r.decimals)  # noqa: E731
    if fmt(before) == fmt(r.row["value"]):  # a change hidden by rounding is no change
        return f"{'and ' if words.public else ''}the same as in {label}"
    judged = better_or_worse(r.row["value"], before, str(r.info["polarity"]))
    if words.public:
        if judged is None:
            return f"and {'higher' if r.row['value'] > before else 'lower'} than {fmt(before)} in {label}"
        return f"and {judged} than {fmt(before)} in {label}"
    moved = "up" if r.row["value"] > before else "down"
    return f"{moved} from {fmt(before)} in {label}" + (f" ({judged})" if judged else "")


def _better_than_last_year(r: Reading) -> bool | None:
    """True or False when the year is better or worse than last year at its decimals, None when neither."""
    before = r.compared_value("last_year")
    if not r.has_value or pd.isna(before):
        return None
    if format_value(before, r.unit, r.decimals) == format_value(r.row["value"], r.unit, r.decimals):
        return None
    judged = better_or_worse(r.row["value"], before, str(r.info["polarity"]))
    return None if judged is None else judged == "better"


def _shortfall(r: Reading) -> float:
    target = float(r.row["target"])
    return abs(float(r.row["value"]) - target) / abs(target) if target else float("inf")


def went_well(readings: Iterable[Reading]) -> list[Reading]:
    """On target and better than last year, or an improvement on last year that is news; the largest changes
    (against the figure's usual variation) first. An indicator off target is never here."""
    found = [
        r
        for r in readings
        if r.has_value
        and r.row["rag"] != "red"
        and "spc_concern" not in r.row["exceptions"]
        and ((r.row["rag"] == "green" and _better_than_last_year(r)) or r.news() == "improved")
    ]
    return sorted(found, key=lambda r: r.change_size("last_year"), reverse=True)


def did_not(readings: Iterable[Reading]) -> list[Reading]:
    """Off target (the widest shortfall first), then a decline on last year that is news or a special cause of concern."""
    readings = [r for r in readings if r.has_value]
    red = sorted((r for r in readings if r.row["rag"] == "red"), key=_shortfall, reverse=True)
    other = [
        r
        for r in readings
        if r.row["rag"] != "red" and (r.news() == "declined" or "spc_concern" in r.row["exceptions"])
    ]
    return red + sorted(other, key=lambda r: r.change_size("last_year"), reverse=True)


def year_end_note(commentary: pd.DataFrame | None, reading: Reading, audience: str) -> pd.Series | None:
    """The officers' year-end commentary on an indicator: for the year itself, else for its last period in the year
    (a monthly indicator's March, a quarterly one's fourth quarter)."""
    note = notes.for_indicator(commentary, reading.indicator_id, reading.row["period"], audience)
    if note is None and reading.row.get("last_period"):
        note = notes.for_indicator(commentary, reading.indicator_id, reading.row["last_period"], audience)
    return note


def stated_actions(text: str) -> str:
    """Officers' actions (a Markdown list, then perhaps ``Lead: ...``) as one sentence:
    ``Recruit two therapists; start a seven-day pathway. Lead: Head of Reablement.``"""
    lines = [line.strip() for line in str(text).splitlines() if line.strip()]
    bullets = [
        re.sub(r"^[-*+]\s+|^\d+[.)]\s+", "", line).rstrip(".")
        for line in lines
        if re.match(r"^([-*+]|\d+[.)])\s+", line)
    ]
    rest = [line for line in lines if not re.match(r"^([-*+]|\d+[.)])\s+", line)]
    said = "; ".join(_lower_first(b) for b in bullets) + ("." if bullets else "")
    return " ".join(part for part in [said, *rest] if part)


def _lower_first(text: str) -> str:
    """``Recruit two`` -> ``recruit two``, ``A panel`` -> ``a panel``; ``EHCP reviews`` and ``A&E`` stay as they are."""
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.isalpha() and (len(first) == 1 or first[1:].islower()) else text


def _full_story(r: Reading, note: pd.Series | None, words: Words) -> Markup:
    if note is None:
        said = (
            "The council has not published an explanation of this figure."
            if words.public
            else "No year-end commentary was supplied for this indicator."
        )
        return Markup(f"<p>{escape(said)}</p>")
    story = markdown(note["text"])
    if str(note.get("actions", "") or "").strip():
        heading = "What we are doing" if words.public else "Actions"
        story += Markup(f'<p class="story-actions-heading"><strong>{heading}</strong></p>') + markdown(note["actions"])
    return story


def year_story(
    readings: Iterable[Reading],
    actions: pd.DataFrame,
    commentary: pd.DataFrame | None,
    year: periods.Period,
    words: Words,
) -> dict[str, list[StoryItem]]:
    """The three lists of a priority's year (``well``, ``not``, ``next``). ``actions`` are the priority's council
    plan actions as they stood at the year's end (`pmkit.judge.actions.as_at`)."""
    readings = list(readings)
    well = [StoryItem("well", year_sentence(r, words), r.indicator_id, r.title) for r in went_well(readings)]
    bad = did_not(readings)
    notes_of = {r.indicator_id: year_end_note(commentary, r, words.audience) for r in bad if r.row["rag"] == "red"}
    not_ = [
        StoryItem(
            "not",
            year_sentence(r, words),
            r.indicator_id,
            r.title,
            _full_story(r, notes_of[r.indicator_id], words) if r.indicator_id in notes_of else None,
        )
        for r in bad
    ]
    nxt = []
    for r in bad:
        if r.indicator_id not in notes_of:
            continue
        note = notes_of[r.indicator_id]
        said = (
            stated_actions(note["actions"]) if note is not None and str(note.get("actions", "") or "").strip() else ""
        )
        if not said:
            said = (
                "no action has been published yet." if words.public else "no action stated in the year-end commentary."
            )
        said = _lower_first(said)
        nxt.append(StoryItem("next", f"{r.title}: {said}", r.indicator_id, r.title))
    coming = year.shift(1)
    due = actions[due_within(actions, coming).to_numpy()] if len(actions) else actions
    if len(due):
        due = due.assign(_due=due["due"].map(lambda p: periods.parse(p).start)).sort_values(["_due", "action_id"])
        for _, a in due.iterrows():
            state = STATUS_WORDS[a["status"]].lower()
            nxt.append(
                StoryItem(
                    "next", f"{a['title']}: due by {end_date(periods.parse(a['due']))}; {state} at {end_date(year)}."
                )
            )
    return {"well": well, "not": not_, "next": nxt}


_HEADINGS = {"well": "What went well", "not": "What did not go well", "next": "What happens next"}
_NOTHING = {
    "internal": {
        "well": "No indicator here ended the year on target and better than last year, and none improved by more than it usually moves.",
        "not": "No indicator here ended the year off target, and none declined by more than it usually moves or showed a special cause of concern.",
        "next": "No indicator here ended the year off target, and no council plan action is due in {next}.",
    },
    "public": {
        "well": "None of these measures both met its aim and got better than last year.",
        "not": "None of these measures missed its aim or got clearly worse than last year.",
        "next": "Nothing here missed its aim, and nothing we promised is due in {next}.",
    },
}


def year_story_block(
    readings: Iterable[Reading],
    actions: pd.DataFrame,
    commentary: pd.DataFrame | None,
    year: periods.Period,
    words: Words,
    heading_level: int = 3,
) -> str:
    """The three lists as HTML: each item's indicator linked to its row in the year-end table, off-target
    indicators' full-year stories behind a ``<details>``, the rest of a long list one click away."""
    story = year_story(readings, actions, commentary, year, words)
    nothing = {k: v.format(next=year.shift(1).label) for k, v in _NOTHING[words.audience].items()}
    lists = []
    for kind in _HEADINGS:
        items = story[kind]
        # every shortfall and every officers' action stays in view; improvements and plan actions beyond SHOWN fold
        keep = (
            len(items)
            if kind == "not"
            else max(SHOWN, sum(bool(i.indicator_id) for i in items))
            if kind == "next"
            else SHOWN
        )
        lists.append(
            {
                "kind": kind,
                "heading": _HEADINGS[kind],
                "shown": items[:keep],
                "more": items[keep:],
                "nothing": nothing[kind],
            }
        )
    return render("year_story.html.j2", lists=lists, anchor=anchor, words=words, level=heading_level)
