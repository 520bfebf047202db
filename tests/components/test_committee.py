"""What the committee needs to know: every item checked against figures worked out by hand here.

The council below has, for 2025/26 Q2 (September 2025 for the monthly ones):

- three indicators off target: a running total (affordable homes, 93 against 105 for the year so
  far: 12 short, 11.4% of the target), a higher-is-better rate (calls answered, 72.0% against 80.0%:
  8.0 points, 10%) and a lower-is-better stock (households in temporary accommodation, 412 against
  380: 32 over, 8.4%), so the widest margin is the running total's;
- a new special cause of concern (emergency repairs: 96.0% and 97.0% in turn for 14 months, then
  90.0%: mean 1441/15 = 96.07%, mean moving range 20/14, limits 96.07 ± 2.66 × 20/14 = 92.27% to
  99.87%), on target;
- one on target but 15th of 16 similar councils (days to relet, lower is better: 20 days against 21; the
  15 others' middle figure 17 days);
- two slipped actions (one overdue since Q1, one off track) and one at risk, which has not slipped;
- one figure missing (tenant satisfaction: none for Q2; 71.0% in Q1).
"""

import re

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text, view

from pmkit.components.committee import committee_block, committee_items
from pmkit.components.narrative import headline_block
from pmkit.io import periods
from pmkit.judge import spc
from pmkit.judge.reading import SpcView

Q2 = periods.parse("2025/26 Q2")


def seen(node) -> str:
    """The text a reader sees: hidden elements (a link to a report not yet published) left out."""
    node = soup(str(node))
    for hidden in node.select("[hidden]"):
        hidden.decompose()
    return " ".join(node.get_text().split())


def quarterly(iid, title, **row):
    info = {k: row.pop(k) for k in ("unit", "decimals", "polarity", "aggregation", "cumulative") if k in row}
    return reading(
        status_row(indicator_id=iid, title=title, period="2025/26 Q2", **row),
        register_row(indicator_id=iid, title=title, frequency="quarterly", **info),
    )


def affordable_homes():
    return quarterly(
        "HOU-10",
        "Affordable homes delivered (year to date)",
        value=93.0,
        target=105.0,
        rag="red",
        exceptions=["red"],
        unit="count",
        decimals=0,
        cumulative=True,
        projected_year_end=186.0,
        annual_target=233.0,
        on_track=False,
    )


def calls_answered():
    return reading(
        status_row(
            indicator_id="CS-01", title="Calls answered", value=72.0, target=80.0, rag="red", exceptions=["red"]
        ),
        register_row(indicator_id="CS-01", title="Calls answered"),
    )


def temporary_accommodation():
    return quarterly(
        "HOU-01",
        "Households in temporary accommodation",
        value=412.0,
        target=380.0,
        rag="red",
        exceptions=["red"],
        unit="count",
        decimals=0,
        polarity="lower_is_better",
        aggregation="last",
    )


def emergency_repairs():
    trail = view([96.0, 97.0] * 7 + [90.0], first="Jul 2024", target=85.0)
    return reading(
        status_row(
            indicator_id="HOU-07",
            title="Emergency repairs within 24 hours",
            value=90.0,
            target=85.0,
            rag="green",
            exceptions=["spc_concern"],
        ),
        register_row(indicator_id="HOU-07", title="Emergency repairs within 24 hours"),
        trail,
    )


def days_to_relet():
    others = {
        f"Council {i}": v for i, v in enumerate([10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 19.5, 19.8, 19.9, 19.95, 25])
    }
    group = peers(others, 20.0, higher_better=False)
    return reading(
        status_row(
            indicator_id="HOU-05",
            title="Days to relet",
            period="2025/26 Q2",
            value=20.0,
            target=21.0,
            rag="green",
            rank=15,
            quartile=4,
            exceptions=["green_bottom_quartile"],
        ),
        register_row(indicator_id="HOU-05", title="Days to relet", unit="days", decimals=0, polarity="lower_is_better"),
        peer_group=group,
    )


def tenant_satisfaction():
    r = quarterly(
        "HOU-09", "Tenant satisfaction", value=float("nan"), target=75.0, rag="no_data", exceptions=["missing_data"]
    )
    return reading(r.row, r.info, SpcView(spc.xmr([71.0]), ["2025/26 Q1"], 75.0))


def council():
    return [
        calls_answered(),
        temporary_accommodation(),
        affordable_homes(),
        emergency_repairs(),
        days_to_relet(),
        tenant_satisfaction(),
    ]


def actions():
    return pd.DataFrame(
        {
            "action_id": ["ACT-1", "ACT-2", "ACT-3", "ACT-4"],
            "title": ["Open a family hostel", "Second repairs contractor", "New lettings policy", "Damp survey"],
            "due": ["2025/26 Q4", "2025/26 Q1", "2025/26 Q4", "2025/26 Q1"],
            "status": ["off_track", "on_track", "at_risk", "complete"],
            "percent_complete": [40.0, 80.0, 50.0, 100.0],
            "lead": ["Head of Housing"] * 4,
            "update": [""] * 4,
            "priority": ["Homes"] * 4,
            "directorate": ["Housing"] * 4,
            "public": [True] * 4,
        }
    )


OFF_TARGET_HOMES = (
    "Affordable homes delivered (year to date): 93 in the year to 30 September 2025, below its target of 105 "
    "for the year so far (worse) by 12, 11% of the target; on course for 186 by 31 March 2026, missing its "
    "target of 233."
)
CONCERN = (
    "Emergency repairs within 24 hours: 90.0% in Sep 2025, a special cause of concern: the latest value is below the "
    "lower process limit (mean 96.1%, process limits 92.3% to 99.9%)."
)
BOTTOM = (
    "Days to relet: 20 days in 2025/26 Q2, below its target of 21 days (better), but ranked 15 of 16 in its comparator "
    "group, in the bottom quartile (peer median 17 days)."
)
OVERDUE = "Second repairs contractor (ACT-2): overdue at 30 September 2025: due 2025/26 Q1, on track, 80% done."
MISSING = "Tenant satisfaction: no value supplied for 2025/26 Q2; the latest is 71.0% in 2025/26 Q1."
CALLS = (
    "Calls answered: 72.0% in Sep 2025, below its target of 80.0% (worse) by 8.0 percentage points, 10% of the target."
)
STOCK = (
    "Households in temporary accommodation: 412 at 30 September 2025, above its target of 380 (worse) by 32, 8% of "
    "the target."
)
OFF_TRACK = "Open a family hostel (ACT-1): off track at 30 September 2025, due 2025/26 Q4, 40% done."


def test_five_items_one_per_rule_then_the_rest_listed_one_click_away(internal):
    html = soup(committee_block(council(), actions(), Q2, internal)[1])
    chosen = html.select("div.committee > ol.committee-items > li")
    assert [seen(li.select_one(".committee-said")) for li in chosen] == [
        OFF_TARGET_HOMES,
        CONCERN,
        BOTTOM,
        OVERDUE,
        MISSING,
    ]
    assert [li["data-rule"] for li in chosen] == [
        "off_target",
        "new_concern",
        "green_bottom_quartile",
        "slipped_action",
        "missing_data",
    ]
    rest = html.select_one("details.committee-rest")
    assert text(rest.summary) == "3 more findings beyond these 5"
    assert rest.select_one("ol")["start"] == "6"  # numbered on from the five (a printed page shows no summary)
    assert [seen(li.select_one(".committee-said")) for li in rest.select("li")] == [CALLS, STOCK, OFF_TRACK]


def test_each_item_links_to_what_explains_it_and_asks_its_question(internal):
    html = soup(committee_block(council(), actions(), Q2, internal)[1])
    first, concern, _, action, missing = html.select("div.committee > ol.committee-items > li")
    assert first.select_one(".committee-said > a[href]")["href"] == "#exception-HOU-10"
    assert action.select_one(".committee-said > a[href]")["href"] == "#action-act-2"
    assert missing.select_one(".committee-said > a[href]")["href"] == "#exception-HOU-09"
    deep = first.select_one("a.xref")
    assert deep["data-xref"] == "deep-dive indicator-hou-10" and deep.has_attr("hidden") and not deep.has_attr("href")
    assert text(first.select_one(".committee-question")) == (
        "Question: What is the recovery plan, what does it cost, and when will the indicator be back on target?"
    )
    assert (
        text(concern.select_one(".committee-question"))
        == "Question: What changed then, and what is being done about it?"
    )
    assert text(action.select_one(".committee-question")) == (
        "Question: What is holding it up, what is the new date, and what does the delay mean for residents?"
    )


def test_a_deep_dive_links_each_item_to_its_section_and_back_to_the_quarterly_tile(internal):
    html = soup(committee_block([calls_answered()], None, Q2, internal, page="deep-dive")[1])
    item = html.select_one("ol.committee-items > li")
    assert item.select_one(".committee-said > a[href]")["href"] == "#indicator-cs-01"
    assert item.select_one("a.xref")["data-xref"] == "quarterly kpi-CS-01"


def test_off_target_widest_margin_first_and_an_indicator_only_once(internal):
    # Six off target: the margins 40%, 30%, 25%, 20%, 10% and 5% of the target; the 30% one is also a special
    # cause of concern, raised once, as off target.
    margins = {"A": 72.0, "B": 84.0, "C": 90.0, "D": 96.0, "E": 108.0, "F": 114.0}  # target 120, higher is better
    readings = [
        reading(
            status_row(indicator_id=i, title=f"Measure {i}", value=v, target=120.0, rag="red", exceptions=["red"]),
            register_row(indicator_id=i, title=f"Measure {i}", decimals=0, unit="count"),
        )
        for i, v in reversed(margins.items())
    ]
    b = readings[4]
    readings[4] = reading(b.row, b.info, view([100.0, 101.0] * 7 + [84.0], first="Jul 2024", target=120.0))
    chosen, rest = committee_items(readings, None, Q2, internal)
    assert [(i.rule, i.key) for i in chosen] == [("off_target", k) for k in "ABCDE"]
    assert [(i.rule, i.key) for i in rest] == [("off_target", "F")]
    assert chosen[0].text == "Measure A: 72 in Sep 2025, below its target of 120 (worse) by 48, 40% of the target."


def test_lower_is_better_off_target_is_above_its_target(internal):
    (item,), _ = committee_items([temporary_accommodation()], None, Q2, internal)
    assert item.text == STOCK


def test_public_pages_open_with_the_three_things_to_know_in_plain_words(public):
    title, body = committee_block(council(), actions(), Q2, public)
    html = soup(body)
    assert title == "The three things to know"
    chosen = [seen(li.select_one(".committee-said")) for li in html.select("div.committee > ol.committee-items > li")]
    assert chosen == [
        "Affordable homes delivered (year to date) missed its target: 93 in the year to 30 September 2025, below its target "
        "of 105 for the year so far (worse); on course for 186 by 31 March 2026, missing its target of 233.",
        "Emergency repairs within 24 hours was worse than usual: 90.0% in Sep 2025; the latest figure is below its usual "
        "range (it usually stays between 92.3% and 99.9%, 96.1% on average).",
        "Days to relet met its target: 20 days in 2025/26 Q2 against a target of 21 days, but it was among the worst 25% "
        "of similar councils: 15 of 16, where the middle figure was 17 days.",
    ]
    assert not html.select(".committee-question")
    rest = html.select_one("details.committee-rest")
    assert text(rest.summary) == "5 more things beyond these 3"
    said = seen(html)
    assert "Open a family hostel: behind schedule at 30 September 2025 (40% done)." in said
    assert (
        "Second repairs contractor: late: due by 2025/26 Q1 and not finished by 30 September 2025 (80% done)." in said
    )
    assert "Tenant satisfaction: no figure yet for 2025/26 Q2; the latest is 71.0% in 2025/26 Q1." in said
    assert not re.search(r"special cause|process limit|quartile|SPC", said, re.I)


def test_fewer_things_are_counted_as_they_are(public):
    title, body = committee_block([calls_answered(), days_to_relet()], None, Q2, public)
    assert title == "The two things to know"
    assert not soup(body).select("details")


def test_nothing_to_raise_is_said_plainly(internal, public):
    fine = reading(status_row(value=95.0, rag="green", exceptions=[]))
    assert text(soup(committee_block([fine], None, Q2, internal)[1])).startswith(
        "Nothing here needs the committee's attention"
    )
    assert text(soup(committee_block([fine], None, Q2, public)[1])) == (
        "Every measure met or came close to its target, none was worse than usual and every figure is in."
    )


def test_the_headlines_list_what_and_n_more_stands_for(internal):
    # Five off target, the largest shortfall first: three named in the sentence, two behind the drill-down.
    readings = [
        reading(
            status_row(indicator_id=i, title=f"Measure {i}", value=v, target=100.0, rag="red", exceptions=["red"]),
            register_row(indicator_id=i, title=f"Measure {i}", unit="count", decimals=0),
        )
        for i, v in zip("ABCDE", [50.0, 60.0, 70.0, 80.0, 90.0])
    ]
    item = soup(headline_block(readings, internal)).select_one('li[data-kind="off_target"]')
    assert text(item).startswith(
        "Off target: Measure A at 50 against a target of 100; Measure B at 60 against a target of "
        "100; Measure C at 70 against a target of 100; and 2 more."
    )
    more = item.select_one("details.headline-more")
    assert text(more.summary) == "Which 2?"
    assert [text(li) for li in more.select("li")] == [
        "Measure D at 80 against a target of 100",
        "Measure E at 90 against a target of 100",
    ]


def test_a_figure_just_beyond_a_limit_is_shown_at_the_limits_decimals(internal):
    # 96.0% and 97.0% in turn for 14 months, then 93.043%: mean (1351 + 93.043) / 15 = 96.2695, mean moving range
    # (13 + 97 - 93.043) / 14 = 1.21121, limits 96.2695 ± 2.66 × 1.21121 = 93.0477 to 99.4913. At one decimal the
    # figure and the lower limit would both read 93.0%: both are given at two.
    trail = view([96.0, 97.0] * 7 + [93.043], first="Jul 2024", target=85.0)
    r = reading(
        status_row(
            indicator_id="HOU-07",
            title="Emergency repairs within 24 hours",
            value=93.043,
            target=85.0,
            rag="green",
            exceptions=["spc_concern"],
        ),
        register_row(indicator_id="HOU-07", title="Emergency repairs within 24 hours", decimals=1),
        trail,
    )
    (item,), _ = committee_items([r], None, Q2, internal)
    assert item.text == (
        "Emergency repairs within 24 hours: 93.04% in Sep 2025, a special cause of concern: the latest value "
        "is below the lower process limit (mean 96.27%, process limits 93.05% to 99.49%)."
    )


def test_a_target_of_zero_missed_at_all_is_the_widest_margin(internal):
    # Lower is better: 2 falls against a target of 0 has no share of its target (infinitely wide), so it comes
    # before calls answered (10% of its target) and its gap is said without a share.
    falls = quarterly(
        "ASC-09",
        "Falls in care homes",
        value=2.0,
        target=0.0,
        rag="red",
        exceptions=["red"],
        unit="count",
        decimals=0,
        polarity="lower_is_better",
    )
    chosen, _ = committee_items([calls_answered(), falls], None, Q2, internal)
    assert [i.key for i in chosen] == ["ASC-09", "CS-01"]
    assert chosen[0].text == "Falls in care homes: 2 in 2025/26 Q2, above its target of 0 (worse) by 2."


def test_a_rate_without_decimals_in_the_register_is_said_to_one_place(internal):
    r = calls_answered()
    info = r.info.copy()
    info["decimals"] = None
    (item,), _ = committee_items([reading(r.row, info)], None, Q2, internal)
    assert item.text == CALLS


def test_the_bottom_quartile_lowest_place_first_as_a_share_of_each_group(internal):
    # 5th of 6 is 83% of the way down; 9th of 12 is 75%: the smaller group's place is the lower, though its rank
    # and its group are both smaller.
    def relet(iid, title, rank, others):
        group = peers({f"Council {i}": v for i, v in enumerate(others)}, 20.0, higher_better=False)
        r = days_to_relet()
        return reading(
            pd.Series(r.row.to_dict() | {"indicator_id": iid, "title": title, "rank": rank}),
            pd.Series(r.info.to_dict() | {"indicator_id": iid, "title": title}),
            peer_group=group,
        )

    six = relet("HOU-06", "Days to let a garage", 5, [10, 12, 14, 15, 25])
    twelve = relet("HOU-08", "Days to let a flat", 9, [10, 11, 12, 13, 14, 15, 16, 17, 22, 24, 25])
    chosen, _ = committee_items([twelve, six], None, Q2, internal)
    assert [i.key for i in chosen] == ["HOU-06", "HOU-08"]
    assert "ranked 5 of 6 in its comparator group" in chosen[0].text
    assert "ranked 9 of 12 in its comparator group" in chosen[1].text


def test_overdue_actions_are_listed_earliest_due_first_whatever_their_ids(internal):
    late = actions().assign(
        action_id=["ACT-9", "ACT-8", "ACT-7", "ACT-6"],
        due=["2024/25 Q3", "2025/26 Q1", "2024/25 Q2", "2025/26 Q1"],
        status=["on_track", "on_track", "at_risk", "complete"],
    )
    chosen, rest = committee_items([], late, Q2, internal)
    assert [i.key for i in chosen] == ["ACT-7", "ACT-9", "ACT-8"]  # due Q2 and Q3 of 2024/25, then 2025/26 Q1
    assert chosen[0].text == (
        "New lettings policy (ACT-7): overdue at 30 September 2025: due 2024/25 Q2, at risk, 50% done."
    )


def test_a_deep_dive_links_a_slipped_action_to_its_update_in_the_quarterly_report(internal):
    html = soup(committee_block([], actions(), Q2, internal, page="deep-dive")[1])
    first = html.select_one("ol.committee-items > li")
    assert seen(first.select_one(".committee-said")) == OVERDUE
    link = first.select_one("a.xref")
    assert link["data-xref"] == "quarterly action-act-2" and text(link) == "The action's update"
