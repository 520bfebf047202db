"""What the committee needs to know: the few findings that open a report, chosen by rule.

Internal pages (a quarterly report, a deep dive) open with at most five items, public ones with
"the three things to know" in plain words. Each item is one sentence with its figures, a link to
what explains it on the page (the exception, else the tile; a deep dive's section on the
indicator; the action's update), a link to the indicator's deep dive where one is published, and,
for members, the question it raises. Nothing is said that the figures do not raise.

The rules, in this order; an indicator is raised once, under the first rule that finds it:

1. ``off_target``: off target (red), the widest margin first: how far on the wrong side of its
   target as a share of the target (polarity-aware; a target of 0 missed at all is the widest);
2. ``new_concern``: a special cause of concern in the judged period's value (the SPC signal of
   the latest point), the shortest run of such values first (the newest signal);
3. ``green_bottom_quartile``: on target but in the worst 25% of the comparator group, the lowest
   place among them first (rank over the number of councils);
4. ``slipped_action``: a council plan action off track, or not complete when its due period has
   ended, as at the end of the report's period: overdue before off track, then the earliest due;
5. ``missing_data``: no figure for the period.

Ties go to the indicator (or action) id. The items chosen are the first of each rule in turn,
then the next of each rule in the same order, until the cap; they are shown in rule order. What
the cap leaves out is listed in full behind a drill-down beneath, never as a bare "and N more".

>>> committee_block(readings, actions, period, words_for("internal"), page="quarterly")   # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from pmkit.components.actions import STATUS_WORDS, end_date
from pmkit.components.anchors import slugify, xref
from pmkit.components.polarity import against_target
from pmkit.components.questions import QUESTIONS
from pmkit.components.spc_chart import _line, describe
from pmkit.components.templating import Markup, render
from pmkit.components.tile import _projection_clause
from pmkit.components.words import Words
from pmkit.io import measure, periods
from pmkit.io.units import format_value
from pmkit.judge.reading import Reading

RULES = ("off_target", "new_concern", "green_bottom_quartile", "slipped_action", "missing_data")
CAP = {"internal": 5, "public": 3}
NUMBER_WORDS = {1: "one", 2: "two", 3: "three"}
ASKED = {
    "off_target": QUESTIONS["below_target"][0],
    "new_concern": QUESTIONS["special_cause"],
    "green_bottom_quartile": QUESTIONS["green_bottom_quartile"][0],
    "slipped_action": "What is holding it up, what is the new date, and what does the delay mean for residents?",
    "missing_data": "Why is the figure missing, and when will it be reported?",
}


@dataclass(frozen=True)
class Item:
    """One thing to know: the rule that raised it, what it is about (linked to what explains it on
    the page), the rest of its sentence, links to other reports, and the question it raises."""

    rule: str
    key: str
    name: str
    href: str
    said: str
    question: str = ""
    xrefs: tuple[Markup, ...] = field(default_factory=tuple)

    @property
    def text(self) -> str:
        """The whole sentence, as read."""
        return f"{self.name}{self.said}"


def committee_items(
    readings: Iterable[Reading],
    actions: pd.DataFrame | None,
    as_at: periods.Period,
    words: Words,
    page: str = "quarterly",
) -> tuple[list[Item], list[Item]]:
    """(the items chosen, in rule order; the rest found, in rule order) for a page of kind ``page``
    (``quarterly`` or ``deep-dive``). ``actions`` are read as at the period's end (`pmkit.judge.actions.as_at`)."""
    ranked = _ranked(list(readings), actions, as_at)
    taken: list[tuple[str, int]] = []
    cap = CAP[words.audience]
    depth = 0
    while len(taken) < cap and any(depth < len(ranked[rule]) for rule in RULES):
        for rule in RULES:
            if depth < len(ranked[rule]) and len(taken) < cap:
                taken.append((rule, depth))
        depth += 1
    order = {rule: i for i, rule in enumerate(RULES)}
    chosen = sorted(taken, key=lambda t: (order[t[0]], t[1]))
    rest = [(rule, i) for rule in RULES for i in range(len(ranked[rule])) if (rule, i) not in taken]
    make = lambda t: _item(t[0], ranked[t[0]][t[1]], as_at, words, page)  # noqa: E731
    return [make(t) for t in chosen], [make(t) for t in rest]


def committee_block(
    readings: Iterable[Reading],
    actions: pd.DataFrame | None,
    as_at: periods.Period,
    words: Words,
    page: str = "quarterly",
) -> tuple[str, str]:
    """(the section's heading, its HTML): "What the committee needs to know" for members, "The three
    things to know" (or two, or one) for residents."""
    chosen, rest = committee_items(readings, actions, as_at, words, page)
    if words.public:
        count = NUMBER_WORDS.get(len(chosen))
        title = f"The {count} thing{'s' if len(chosen) > 1 else ''} to know" if count else "What to know"
    else:
        title = "What the committee needs to know"
    return title, render("committee.html.j2", items=chosen, rest=rest, words=words, cap=CAP[words.audience])


# --- choosing -----------------------------------------------------------------------------------


def _ranked(readings: list[Reading], actions: pd.DataFrame | None, as_at: periods.Period) -> dict[str, list]:
    """Each rule's candidates, best first; an indicator only under the first rule that finds it."""
    by_id = sorted(readings, key=lambda r: r.indicator_id)
    seen: set[str] = set()

    def fresh(found: list[Reading]) -> list[Reading]:
        kept = [r for r in found if r.indicator_id not in seen]
        seen.update(r.indicator_id for r in kept)
        return kept

    red = sorted(
        (r for r in by_id if r.row["rag"] == "red" and r.has_value and r.has_target), key=lambda r: -shortfall(r)
    )
    concern = sorted((r for r in by_id if r.latest_signal == "concern"), key=_run_length)
    bottom = sorted(
        (r for r in by_id if "green_bottom_quartile" in r.row["exceptions"] and r.peers is not None),
        key=lambda r: -int(r.row["rank"]) / (r.peers.n_peers + 1),
    )
    missing = [r for r in by_id if not r.has_value]
    return {
        "off_target": fresh(red),
        "new_concern": fresh(concern),
        "green_bottom_quartile": fresh(bottom),
        "slipped_action": slipped(actions, as_at),
        "missing_data": fresh(missing),
    }


def shortfall(r: Reading) -> float:
    """How far on the wrong side of its target a figure is, as a share of the target (infinite for a
    target of 0 that is missed; 0 when on the right side)."""
    value, target = float(r.row["value"]), float(r.row["target"])
    gap = value - target if str(r.info["polarity"]) == "lower_is_better" else target - value
    if gap <= 0:
        return 0.0
    return gap / abs(target) if target else float("inf")


def _run_length(r: Reading) -> int:
    kinds = r.spc.result.points["point_type"].astype(str).tolist()
    n = 0
    for kind in reversed(kinds):
        if kind != "special_cause_concern":
            break
        n += 1
    return n


def slipped(actions: pd.DataFrame | None, as_at: periods.Period) -> list[pd.Series]:
    """Actions off track, or not complete when their due period has ended, as at ``as_at``'s end:
    overdue first, then off track, each the earliest due first, then by id."""
    if actions is None or actions.empty:
        return []
    due = actions["due"].map(lambda p: periods.parse(p).end)
    overdue = (due <= as_at.end) & (actions["status"] != "complete")
    late = actions.assign(_overdue=overdue, _due=due)[overdue | (actions["status"] == "off_track")]
    late = late.sort_values(["_overdue", "_due", "action_id"], ascending=[False, True, True])
    return [row for _, row in late.iterrows()]


# --- saying -------------------------------------------------------------------------------------


def _item(rule: str, subject, as_at: periods.Period, words: Words, page: str) -> Item:
    if rule == "slipped_action":
        return _action_item(subject, as_at, words, page)
    r: Reading = subject
    said = {
        "off_target": _off_target,
        "new_concern": _concern,
        "green_bottom_quartile": _bottom_quartile,
        "missing_data": _missing,
    }[rule](r, words)
    if page == "deep-dive":
        href, links = (
            f"#indicator-{slugify(r.indicator_id)}",
            (xref("quarterly", f"kpi-{r.indicator_id}", "In the quarterly report"),),
        )
    else:
        href = f"#exception-{r.indicator_id}" if len(r.row["exceptions"]) else f"#kpi-{r.indicator_id}"
        links = (xref("deep-dive", f"indicator-{slugify(r.indicator_id)}", "Deep dive"),)
    return Item(rule, r.indicator_id, r.title, href, said, "" if words.public else ASKED[rule], links)


def _fmt(r: Reading, value: float) -> str:
    return format_value(value, r.unit, r.decimals)


def figure(r: Reading) -> str:
    """The judged figure with its period as what it is: ``78.3% in Sep 2025``, a stock's ``3.93 at 30
    September 2025``, a running total's ``93 in the year to 30 September 2025``."""
    value, period = _fmt(r, r.row["value"]), periods.parse(r.row["period"])
    if r.cumulative:
        return f"{value} in the year to {end_date(period)}"
    if measure.aggregation(r.info) == "last":
        return f"{value} at {end_date(period)}"
    return f"{value} in {r.row['period']}"


def _gap(r: Reading) -> str:
    """How far a figure is from its target: ``10.1 percentage points`` or ``0.33``, with its share
    of the target where the target is not 0."""
    gap = abs(float(r.row["value"]) - float(r.row["target"]))
    places = r.decimals if r.decimals is not None else 1
    amount = f"{gap:,.{places}f} percentage points" if r.unit == "percent" else _fmt(r, gap)
    target = abs(float(r.row["target"]))
    if not target:
        return amount
    share = gap / target
    return f"{amount}, {f'{share:.0%}' if share >= 0.005 else 'less than 1%'} of the target"


def _off_target(r: Reading, words: Words) -> str:
    target = _fmt(r, r.row["target"]) + (" for the year so far" if r.cumulative else "")
    where = against_target(r.row["value"], r.row["target"], str(r.info["polarity"]), target)
    lead = " missed its target" if words.public else ""
    text = f"{lead}: {figure(r)}, {where}" + ("" if words.public else f" by {_gap(r)}")
    projection = _projection_clause(r)
    return text + (f"; {projection}" if projection else "") + "."


def _concern(r: Reading, words: Words) -> str:
    result, point = r.spc.result, r.latest_point
    # at the limits' decimals: 94.29% below a limit of 94.31%, never "94.3%" beside it
    value = _line(point["value"], r.unit, r.decimals, result) + (
        " on its own (not the running total)" if r.spc.in_period else ""
    )
    reason = describe(result, r.spc.labels, words).split(": ", 1)[-1].rstrip(".")
    lower, upper, mean = (_line(point[c], r.unit, r.decimals, result) for c in ("lpl", "upl", "mean"))
    if words.public:
        return (
            f" was worse than usual: {value} in {r.spc_label}; {reason} (it usually stays between {lower} and {upper}, "
            f"{mean} on average)."
        )
    return f": {value} in {r.spc_label}, a special cause of concern: {reason} (mean {mean}, process limits {lower} to {upper})."


def _bottom_quartile(r: Reading, words: Words) -> str:
    where = against_target(r.row["value"], r.row["target"], str(r.info["polarity"]), _fmt(r, r.row["target"]))
    councils = r.peers.n_peers + 1
    if words.public:
        return (
            f" met its target: {figure(r)} against a target of {_fmt(r, r.row['target'])}, but it was among the "
            f"{words.quarter(4)} of similar councils: "
            f"{int(r.row['rank'])} of {councils}, where the middle figure was {_fmt(r, r.peers.median)}."
        )
    return (
        f": {figure(r)}, {where}, but ranked {int(r.row['rank'])} of {councils} in its comparator group, "
        f"in the bottom quartile (peer median {_fmt(r, r.peers.median)})."
    )


def _missing(r: Reading, words: Words) -> str:
    earlier = r.history().dropna()
    said = f": {'no figure yet' if words.public else 'no value supplied'} for {r.row['period']}"
    if len(earlier):
        said += f"; the latest is {_fmt(r, earlier.iloc[-1])} in {earlier.index[-1]}"
    return said + "."


def _action_item(row: pd.Series, as_at: periods.Period, words: Words, page: str) -> Item:
    overdue = periods.parse(row["due"]).end <= as_at.end and row["status"] != "complete"
    done = "" if pd.isna(row["percent_complete"]) else f"{int(row['percent_complete'])}% done"
    when = end_date(as_at)
    if words.public:
        state = f"late: due by {row['due']} and not finished by {when}" if overdue else f"behind schedule at {when}"
        said = f": {state}" + (f" ({done})" if done else "") + "."
    else:
        state = (
            f"overdue at {when}: due {row['due']}, {STATUS_WORDS[row['status']].lower()}"
            if overdue
            else f"{STATUS_WORDS[row['status']].lower()} at {when}, due {row['due']}"
        )
        said = f" ({row['action_id']}): {state}" + (f", {done}" if done else "") + "."
    anchor = f"action-{slugify(row['action_id'])}"
    if page == "deep-dive":
        return Item(
            "slipped_action",
            str(row["action_id"]),
            str(row["title"]),
            "",
            said,
            "" if words.public else ASKED["slipped_action"],
            (xref("quarterly", anchor, "The action's update"),),
        )
    return Item(
        "slipped_action",
        str(row["action_id"]),
        str(row["title"]),
        f"#{anchor}",
        said,
        "" if words.public else ASKED["slipped_action"],
    )
