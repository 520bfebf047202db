"""A deep dive's targets part and a page's limitations of the data, as a reader sees them. Every sentence and
figure expected here is written out by hand."""

import pandas as pd
from component_helpers import peers, reading, register_row, soup, status_row, text, view

from pmkit.components.limitations import limitations, limitations_block
from pmkit.components.targets import target_block

REPAIRS = reading(status_row(), register_row(), view([86.0, 88.0] * 8, "Jun 2024"))  # higher is better, percent
RELET = reading(
    status_row(indicator_id="RL", title="Days to re-let", value=24.0, target=22.0, rag="amber"),
    register_row(indicator_id="RL", title="Days to re-let", unit="days", decimals=0, polarity="lower_is_better"),
)


def targets(iid: str, rows: list[tuple[str, float]]) -> pd.DataFrame:
    return pd.DataFrame({"indicator_id": iid, "period": [p for p, _ in rows], "target": [t for _, t in rows]})


def rows_of(html) -> list[list[str]]:
    return [[text(c) for c in tr.select("th, td")] for tr in html.select("table.target-history tbody tr")]


def test_every_target_is_listed_and_an_eased_year_is_said(internal):
    # Higher is better: 95.0% in 2023/24, then 92.0% in 2024/25 (lower, so easier to meet: eased), then 93.5% (harder:
    # tightened, which needs no question); a quarter's own target sits after its year.
    html = soup(
        target_block(
            REPAIRS,
            targets("REP-01", [("2025/26", 93.5), ("2023/24", 95.0), ("2024/25", 92.0), ("2025/26 Q2", 94.0)]),
            internal,
        )
    )
    assert text(html.select_one("caption")) == "Repairs completed on time: targets"
    assert rows_of(html) == [
        ["2023/24", "95.0%"],
        ["2024/25", "92.0%"],
        ["2025/26", "93.5%"],
        ["2025/26 Q2", "94.0%"],
    ]
    assert [text(p) for p in html.select(".target-change")] == [
        "Repairs completed on time: target eased from 95.0% in 2023/24 to 92.0% in 2024/25."
    ]


def test_where_lower_is_better_a_higher_target_is_the_easier_one(internal, public):
    # Days to re-let: 20 days, then 25 (higher, so easier: eased), then 22 (tightened).
    mine = targets("RL", [("2023/24", 20.0), ("2024/25", 25.0), ("2025/26", 22.0)])
    html = soup(target_block(RELET, mine, internal))
    assert rows_of(html) == [["2023/24", "20 days"], ["2024/25", "25 days"], ["2025/26", "22 days"]]
    assert [text(p) for p in html.select(".target-change")] == [
        "Days to re-let: target eased from 20 days in 2023/24 to 25 days in 2024/25."
    ]
    assert rows_of(soup(target_block(RELET, mine, public))) == rows_of(html)


def test_no_target_is_said_plainly(internal, public):
    others = targets("REP-01", [("2025/26", 92.0)])
    assert text(soup(target_block(RELET, others, internal))) == "No target is set for this indicator."
    assert text(soup(target_block(RELET, others, public))) == "There is no target for this measure."


# --- limitations of the data ----------------------------------------------------------------------------------

LONG = [87.0, 88.0] * 8  # sixteen months: enough for limits
EIGHT = {k: 80.0 + i for i, k in enumerate("ABCDEFGH")}  # a full comparison


def shown(values, quality, first="Jun 2025", coverage=None) -> pd.DataFrame:
    labels = pd.period_range(pd.Period(first, "M"), periods=len(values), freq="M").strftime("%b %Y").tolist()
    frame = pd.DataFrame({"period": labels, "value": values, "quality": quality})
    return frame if coverage is None else frame.assign(coverage=coverage)


def test_estimates_short_years_and_small_breakdowns_are_each_said(internal):
    r = reading(status_row(), register_row(data_source=""), view(LONG, "Jun 2024"), peers(EIGHT, 87.0))
    breakdowns = pd.DataFrame({"indicator_id": "REP-01", "denominator": [12.0, 19.0, 20.0, 250.0]})
    items = limitations(
        [r],
        {"REP-01": shown([86.0, 87.5, 87.0], ["estimated", "final", "estimated"], coverage=["", "2 of 3 months", ""])},
        breakdowns,
        pd.DataFrame(columns=["indicator_id", "period", "target"]),
        internal,
    )
    # two estimates (Jun and Aug 2025), July made from part of its data, and two of four breakdown figures under 20 cases
    assert items == [
        "Repairs completed on time: the figures for Jun 2025 and Aug 2025 are estimated.",
        "Repairs completed on time: the Jul 2025 figure is made from 2 of 3 months only.",
        "Repairs completed on time: 2 of its breakdown figures rest on fewer than 20 cases, so they vary a lot by "
        "chance.",
    ]
    assert [text(li) for li in soup(limitations_block(items)).select("ul.limitations li")] == items


def test_the_annual_report_says_what_has_no_year_before_and_keeps_sources_off_its_pages(internal):
    # The annual report reads years without charts: a measure new this year has nothing to compare with; the
    # register's data source is not named there (``sources=False``), and a measure with no figures says so.
    new = reading(
        status_row(indicator_id="NEW", title="Tenants' digital sign-ups", last_year_value=float("nan")),
        register_row(indicator_id="NEW", title="Tenants' digital sign-ups", data_source="CRM"),
        peer_group=peers(EIGHT, 87.0),
    )
    empty = reading(
        status_row(indicator_id="NIL", title="Garden waste subscribers"),
        register_row(indicator_id="NIL", title="Garden waste subscribers"),
    )
    items = limitations(
        [new, empty],
        {"NEW": shown([87.0], "final", "Mar 2025")},
        pd.DataFrame(columns=["indicator_id", "denominator"]),
        pd.DataFrame(columns=["indicator_id", "period", "target"]),
        internal,
        recent_years=1,
        sources=False,
        charts=False,
    )
    assert items == [
        "Garden waste subscribers: no figures yet.",
        "No figure for the year before to compare with for Tenants' digital sign-ups.",
    ]
