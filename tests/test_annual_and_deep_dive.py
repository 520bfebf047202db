"""End to end: the demo's annual report and deep dives, and a real Scottish council's annual report,
read as a reader would and checked against the data worked out independently here."""

import csv
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from pages import JARGON, load, text, visible_text

import pmkit
from pmkit import periods
from pmkit.run import run_report

pytestmark = pytest.mark.e2e
ROOT = Path(__file__).resolve().parents[1]
LGBF = (ROOT / ".." / "shared" / "data" / "real" / "scotland-lgbf").resolve()
PRIORITIES = ["Independent and healthy lives", "The best start in life", "Good homes and safe neighbourhoods",
              "A clean, green and thriving place", "A council that listens and delivers"]


def fmt(value, unit, decimals):
    number = f"{value:,.{int(decimals)}f}"
    return {"percent": f"{number}%", "gbp": f"£{number}", "days": f"{number} days"}.get(unit, number)


@pytest.fixture(scope="module")
def demo(demo_render):
    return demo_render, pmkit.open_source(demo_render.store)


def test_the_indexes_list_every_kind_under_its_heading(demo):
    render, _ = demo
    quarter = load(render.folder("nbconvert", "internal") / "index.html")
    assert [text(c) for c in quarter.select("caption")] == ["Quarterly directorate reports", "Deep dives"]
    assert {a["href"] for a in quarter.select("table a")} >= {"deep-dive-asc-02.html", "deep-dive-repairs.html", "housing.html"}
    year = load(render.folder("nbconvert", "public", "2024-25") / "index.html")
    assert [text(c) for c in year.select("caption")] == ["Annual report"]
    assert [a["href"] for a in year.select("table a")] == ["annual-report.html"]


def test_the_year_in_numbers_follows_its_rules(demo):
    render, src = demo
    ind = src.indicators()
    st = pmkit.status.assess(src.measures(), ind, "2024/25", targets=src.targets(), rag_suspended=["2020/21"])
    judged = st[st["rag"].isin(["green", "amber", "red"])]
    actions = src.actions()
    figures = load(render.pages("nbconvert", "internal", "annual")[0]).select(".key-figures li")
    said = [(text(f.select_one(".key-figure")), text(f.select_one(".key-label"))) for f in figures]
    assert said[0] == (f"{(judged['rag'] == 'green').sum()} of {len(judged)}", "indicators on target at year end")
    assert said[1] == (f"{(actions['status'] == 'complete').sum()} of {len(actions)}", "council plan actions completed")
    # Volumes: the library visits of 2024/25 summed here month by month from the measures.
    months = [periods.label_of(periods.parse("2024/25").start + i, "monthly") for i in range(12)]
    m = src.measures()
    visits = m[(m["indicator_id"] == "COM-01") & m["period"].isin(months)]["value"].sum()
    assert (f"{visits:,.0f}", "Library visits in 2024/25") in said


def test_the_annual_report_goes_priority_by_priority_with_year_end_figures_and_actions(demo):
    render, src = demo
    ind = src.indicators().set_index("indicator_id")
    st = pmkit.status.assess(src.measures(), src.indicators(), "2024/25", targets=src.targets(), rag_suspended=["2020/21"])
    actions = src.actions()
    page = load(render.pages("nbconvert", "internal", "annual")[0])
    assert [text(h) for h in page.select("h2") if text(h) in PRIORITIES] == PRIORITIES
    for row in page.select("table.year-end tbody tr"):
        iid = row["data-indicator"]
        latest = text(row.select("td")[4])
        value = st.set_index("indicator_id").loc[iid, "value"]
        assert latest == ("–" if pd.isna(value) else fmt(value, ind.loc[iid, "unit"], ind.loc[iid, "decimals"])), iid
    counts = [text(p) for p in page.select(".actions-count")]
    for priority, said in zip(PRIORITIES, counts):
        mine = actions[actions["priority"] == priority]
        assert said.startswith(f"{(mine['status'] == 'complete').sum()} of {len(mine)} actions completed."), priority
    public = load(render.pages("nbconvert", "public", "annual")[0])
    assert len(public.select("table.year-end tbody tr")) == int(src.indicators()["public"].sum())
    assert "Head of" not in visible_text(public)


def run_lengths_below_target(src, iid, period):
    """Periods in a row off or near target up to ``period``, worked out one period at a time."""
    ind = src.indicators()
    one = ind[ind["indicator_id"] == iid]
    months = periods.MONTHS_IN[one["frequency"].iloc[0]]
    p, run = periods.parse(period).latest(one["frequency"].iloc[0]), 0
    while True:
        row = pmkit.status.assess(src.measures(), one, p, targets=src.targets(), rag_suspended=["2020/21"], spc_rules=None).iloc[0]
        if row["rag"] not in ("red", "amber"):
            return run
        run, p = run + 1, periods.Period(p.start - months, p.frequency)


def test_deep_dive_questions_cite_what_the_data_shows(demo):
    render, src = demo
    page = load(render.folder("nbconvert", "internal") / "deep-dive-asc-02.html")
    findings = [text(p) for p in page.select(".questions .finding")]
    run = run_lengths_below_target(src, "ASC-02", "2025/26 Q2")
    assert run >= 2
    assert any(f.startswith(f"Older people still at home 91 days after leaving hospital into reablement has been below its "
                            f"target (worse) for {run} quarters in a row") and "80.6% in 2025/26 Q2 against a target of 91.7%" in f
               for f in findings), findings
    assert all(q.select_one(".question strong") for q in page.select(".questions li"))


def test_the_topic_deep_dive_covers_each_indicator_with_its_history_targets_peers_and_breakdowns(demo):
    render, src = demo
    page = load(render.folder("nbconvert", "internal") / "deep-dive-repairs.html")
    titles = [text(h) for h in page.select("h2")]
    for iid in ("HOU-05", "HOU-06", "HOU-07"):
        assert src.indicators().set_index("indicator_id").loc[iid, "title"] in titles
    parts = [text(h) for h in page.select(".deep-dive-part h3")]
    assert parts.count("Where it stands") == 3 and parts.count("The whole history") == 3 and parts.count("Targets") == 3
    funnel = page.select_one("img.funnel-chart")
    assert funnel is not None and "Saltings" in funnel["alt"] and "outside the limits" in funnel["alt"].lower()
    hou06 = [text(p) for p in page.select(".history-note")]
    assert any(n.startswith("Suggested rebase: ") for n in hou06) and not any("rebase_at" in n for n in hou06)
    assert any("rebase_at" in text(n) for n in page.select("details.analyst-note"))


def test_public_annual_and_deep_dive_pages_speak_plainly(demo):
    render, _ = demo
    for path in [*render.pages("nbconvert", "public", "annual"), *render.pages("nbconvert", "public", "deep-dive")]:
        page = load(path)
        alts = " ".join(img.get("alt", "") for img in page.select("img"))
        for written in page.select(".commentary, .actions, blockquote, .pmkit-case-study, dd"):
            written.decompose()
        said = visible_text(page) + " " + alts
        assert not JARGON.search(said), (path.name, JARGON.search(said).group(0))


# --- a real council: Fife, from the Improvement Service's LGBF data --------------------------------------

def lgbf_value(folder, code, year):
    with open(folder / "lgbf-values-real.csv", encoding="utf-8-sig", newline="") as f:
        return next(float(r["LA_IndicatorReal"]) for r in csv.DictReader(f)
                    if r["Code"] == code and r["LocalAuthority"] == "Fife" and r["Year"] == year)


@pytest.fixture(scope="module")
def fife(tmp_path_factory):
    if not (LGBF / "lgbf-values-real.csv").is_file():
        pytest.skip("real LGBF data not found in ../shared/data/real/scotland-lgbf beside the repository")
    data = LGBF
    project = tmp_path_factory.mktemp("fife")
    from pmkit.importers.lgbf import import_lgbf

    import_lgbf(data, "Fife", project / "data")
    shutil.copytree(ROOT / "notebooks", project / "notebooks")
    (project / "params").mkdir()
    shutil.copy(ROOT / "params" / "codebook.yaml", project / "params" / "codebook.yaml")
    (project / "params" / "defaults.yaml").write_text(yaml.safe_dump({
        "council": "Fife Council", "source": "data", "comparator_group": "family_group", "national_group": "scotland",
        "rag_suspended": [], "codebook": "params/codebook.yaml"}), encoding="utf-8")
    result = run_report("annual", year="2022/23", engine="nbconvert", root=project, audience="internal")
    assert all(r.ok for r in result.reports), [r.error for r in result.reports]
    return data, load(result.folder / "annual-report.html")


@pytest.mark.parametrize(("code", "title", "shown"), [
    ("ENV03c", "Street Cleanliness Score (% Acceptable)", lambda v: f"{100 * v:.1f}%"),
    ("C&L03", "Cost of Museums per Visit", lambda v: f"£{v:,.2f}"),
    ("ENV01a", "Net Cost of Waste Collection per Premises", lambda v: f"£{v:,.0f}"),
])
def test_three_fife_figures_match_the_lgbf_files(fife, code, title, shown):
    data, page = fife
    row = next(tr for tr in page.select("table.year-end tbody tr") if text(tr.th) == title)
    cells = [text(td) for td in row.select("td")]
    assert cells[3] == shown(lgbf_value(data, code, "2021-22")) and cells[4] == shown(lgbf_value(data, code, "2022-23"))


def test_the_fife_report_is_organised_by_service_area_and_compared_with_its_family_group(fife):
    _, page = fife
    headings = [text(h) for h in page.select("h2")]
    assert "Environmental Services" in headings and "Children's Services" in headings
    assert re.search(r"indicators benchmarked against family group", visible_text(page))
