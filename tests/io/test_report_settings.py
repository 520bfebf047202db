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
