"""Report settings: params that change judgements without editing the register."""

import pandas as pd

from pmkit.io.settings import apply_rebase_settings, load_settings


def test_rebase_periods_in_params_override_the_register():
    ind = pd.DataFrame({"indicator_id": ["A", "B", "C"], "rebase_at": ["", "Oct 2023", "Jun 2023"]})
    out = apply_rebase_settings(ind, {"rebase_at": {"A": "2024/25 Q1", "B": ["Jan 2024", "Apr 2025"]}})
    assert out["rebase_at"].tolist() == ["2024/25 Q1", "Jan 2024, Apr 2025", "Jun 2023"]
    assert apply_rebase_settings(ind, {}) is ind


def test_settings_resolve_relative_paths_against_the_project(tmp_path):
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "defaults.yaml").write_text(
        "source: data/x.duckdb\ncodebook: params/codebook.yaml\ncouncil: Test\n"
    )
    settings = load_settings({"audience": "public", "source": None}, tmp_path)
    assert settings["source"] == str(tmp_path / "data" / "x.duckdb")
    assert settings["codebook"] == str(tmp_path / "params" / "codebook.yaml")
    assert settings["audience"] == "public"
    assert load_settings({"source": "postgresql+psycopg://u@h/db"}, tmp_path)["source"] == "postgresql+psycopg://u@h/db"


def small_project(root, settings):
    """Three quarterly indicators of a housing directorate, typed here, and the project's settings."""
    import yaml

    (root / "data").mkdir(parents=True)
    (root / "params").mkdir()
    (root / "data" / "indicators.csv").write_text(
        "indicator_id,title,directorate,service,priority,unit,polarity,frequency,decimals,public\n"
        "REP-01,Repairs completed on time,Housing,Repairs,Homes,percent,higher_is_better,quarterly,1,yes\n"
        "HOU-01,Households in temporary accommodation,Housing,Housing Options,Homes,count,lower_is_better,quarterly,0,yes\n"
        "HOU-02,Missed rent visits,Housing,Tenancy,Homes,count,lower_is_better,quarterly,0,yes\n",
        encoding="utf-8",
    )
    (root / "data" / "measures.csv").write_text(
        "indicator_id,period,value,quality\n"
        "REP-01,2025/26 Q1,80.0,final\nREP-01,2025/26 Q2,82.0,final\n"
        "HOU-01,2025/26 Q1,200,final\nHOU-01,2025/26 Q2,194,final\n"
        "HOU-02,2025/26 Q1,100,final\nHOU-02,2025/26 Q2,80,final\n",
        encoding="utf-8",
    )
    (root / "data" / "targets.csv").write_text(
        "indicator_id,period,target\nREP-01,2025/26,90\nHOU-01,2025/26,180\nHOU-02,2025/26,70\n", encoding="utf-8"
    )
    (root / "params" / "defaults.yaml").write_text(
        yaml.safe_dump({"council": "Ashworth Borough Council", "source": "data", **settings}), encoding="utf-8"
    )
    return root


def directions_said(root, monkeypatch) -> tuple[dict[str, str], dict[str, str], str]:
    """Each tile's headline direction on the quarterly page and in a deep dive, and the quarterly method note's text."""
    from component_helpers import soup, text

    from pmkit.components import page
    from pmkit.reports.deep_dive import DeepDiveReport
    from pmkit.reports.quarterly import DirectorateReport

    monkeypatch.chdir(root)
    shown = []
    monkeypatch.setattr(page, "show_sections", lambda sections, engine="nbconvert": shown.extend(sections))
    report = DirectorateReport("Housing", "2025/26 Q2")
    report.tiles()
    report.method_note()
    (_, tiles), (_, note) = shown
    quarterly = {t["data-indicator"]: text(t.select_one("p.direction")) for t in soup(tiles).select("article.kpi")}
    shown.clear()
    DeepDiveReport(indicator="HOU-01", period="2025/26 Q2").indicators_sections()
    deep = {t["data-indicator"]: text(t.select_one("p.direction")) for t in soup(shown[0][1]).select("article.kpi")}
    return quarterly, deep, text(soup(note))


def test_the_projects_direction_threshold_changes_the_judgements_the_method_note_states(tmp_path, monkeypatch):
    # Repairs on time rose from 80.0% to 82.0% (higher is better): 2.0 / 80.0 = 2.5% of the earlier figure.
    # Households in temporary accommodation fell from 200 to 194 (lower is better): 6 / 200 = 3%.
    # Missed rent visits fell from 100 to 80 (lower is better): 20%.
    # Under the default rule (more than 1% counts) all three improved; under the project's 5%, only missed visits did.
    quarterly, deep, note = directions_said(small_project(tmp_path / "default", {}), monkeypatch)
    assert quarterly == {
        "REP-01": "↗ Improving since previous quarter",
        "HOU-01": "↗ Improving since previous quarter",
        "HOU-02": "↗ Improving since previous quarter",
    }
    assert deep == {"HOU-01": "↗ Improving since previous quarter"}
    assert "changes of 1% of the earlier value or less count as no change" in note

    quarterly, deep, note = directions_said(small_project(tmp_path / "five", {"dot_threshold": 0.05}), monkeypatch)
    assert quarterly == {
        "REP-01": "→ No change since previous quarter",
        "HOU-01": "→ No change since previous quarter",
        "HOU-02": "↗ Improving since previous quarter",
    }
    assert deep == {"HOU-01": "→ No change since previous quarter"}
    assert "changes of 5% of the earlier value or less count as no change" in note
