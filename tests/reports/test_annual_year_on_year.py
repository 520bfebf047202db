"""The annual report compares each year with the year before, never its last month with the month before.

A council's two monthly counts are typed here, six financial years of each. In 2024/25 both moved far more than
they usually move from one year to the next, while their last month went the other way: an annual page that
compared March with February would tell the opposite story.
"""

import pytest
import yaml
from component_helpers import soup, text

from pmkit.components import page
from pmkit.io import periods

# Year totals 2019/20 to 2023/24, each year eleven months at the base figure and March making up the rest; then 2024/25.
# Library visits (higher is better): 1,200, 1,212, 1,206, 1,218, 1,212, then 11 x 130 + 70 = 1,500.
# Complaints (lower is better): 600, 606, 603, 609, 606, then 11 x 30 + 50 = 380.
# Year to year the totals usually move 3.267 x the mean moving range: library visits' ranges 12, 6, 12, 6, 288 (mean
# 64.8, so 211.7), complaints' 6, 3, 6, 3, 226 (mean 48.8, so 159.4); 288 and 226 are more, so both are news, and
# both improved. Listed largest change first, as a share of last year's figure (six years are too few for an XmR
# chart): complaints 226 / 606 = 37.3%, library visits 288 / 1,212 = 23.8%.
# March on February went the other way for both: visits 130 to 70 (worse), complaints 30 to 50 (worse).
COUNTS = {
    "LIB-01": (100, [1200, 1212, 1206, 1218, 1212], (130, 70)),
    "COM-01": (50, [600, 606, 603, 609, 606], (30, 50)),
}


@pytest.fixture
def annual_page(tmp_path, monkeypatch):
    (tmp_path / "data").mkdir()
    (tmp_path / "params").mkdir()
    (tmp_path / "data" / "indicators.csv").write_text(
        "indicator_id,title,directorate,service,priority,unit,polarity,frequency,decimals,aggregation,public\n"
        "LIB-01,Library visits,Communities,Libraries,Thriving places,count,higher_is_better,monthly,0,sum,yes\n"
        "COM-01,Complaints received,Resources,Customer services,A listening council,count,lower_is_better,monthly,0,"
        "sum,yes\n",
        encoding="utf-8",
    )
    rows = ["indicator_id,period,value,quality"]
    for iid, (base, totals, (month, march)) in COUNTS.items():
        for k, year in enumerate(range(2019, 2025)):
            start = periods.parse(f"{year}/{(year + 1) % 100:02d}").start
            for m in range(12):
                if year < 2024:
                    value = base if m < 11 else totals[k] - 11 * base
                else:
                    value = month if m < 11 else march
                rows.append(f"{iid},{periods.label_of(start + m, 'monthly')},{value},final")
    (tmp_path / "data" / "measures.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    (tmp_path / "params" / "defaults.yaml").write_text(
        yaml.safe_dump({"council": "Ashworth Borough Council", "source": "data"}), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    shown = []
    monkeypatch.setattr(page, "show_sections", lambda sections, engine="nbconvert": shown.extend(sections))
    from pmkit.reports.annual import AnnualReport

    report = AnnualReport("2024/25")
    report.year_in_numbers()
    report.headlines()
    return {anchor: soup(body) for (_, anchor), body in shown}


def test_the_annual_headlines_compare_the_year_with_the_year_before(annual_page):
    said = [text(li) for li in annual_page["headlines"].select("li")]
    assert said == [
        "None of the 2 indicators could be judged against a target this period.",
        "Improved: Complaints received (606 in 2023/24 to 380 in 2024/25) and "
        "Library visits (1,212 in 2023/24 to 1,500 in 2024/25).",
    ]
    assert "Mar 2025" not in text(annual_page["headlines"]) and "Feb 2025" not in text(annual_page["headlines"])


def test_the_year_in_numbers_says_each_improvement_on_the_year_before(annual_page):
    figures = [
        [text(f.select_one(c)) for c in (".key-figure", ".key-label", ".key-detail")]
        for f in annual_page["year-in-numbers"].select(".key-figures li")
    ]
    assert figures == [
        ["380", "Complaints received", "Total for the year. Down from 606 in 2023/24."],
        ["1,500", "Library visits", "Total for the year. Up from 1,212 in 2023/24."],
    ]
