"""Report kinds in a registry: pmkit run KIND dispatches through it; bad choices are clear errors."""

import subprocess
import sys
from pathlib import Path

import pytest

from pmkit.errors import PmkitError
from pmkit.io.sources import open_source
from pmkit.reports import KINDS, Job, Plan, ReportKind, ReportKinds
from pmkit.reports.deep_dive import resolve

ROOT = Path(__file__).resolve().parents[2]
MINI = Path(__file__).parents[1] / "data" / "mini_council"


def pmkit_cli(*args, cwd=ROOT):
    return subprocess.run([sys.executable, "-m", "pmkit.cli", *args], capture_output=True, text=True, cwd=cwd)


def test_the_three_built_in_kinds_name_their_notebooks_and_labels():
    assert KINDS.names() == ["quarterly", "annual", "deep-dive"]
    assert [KINDS.get(k).notebook for k in KINDS.names()] == [
        "service_area.ipynb",
        "annual_report.ipynb",
        "deep_dive.ipynb",
    ]
    assert all((ROOT / "notebooks" / KINDS.get(k).notebook).exists() for k in KINDS.names())
    with pytest.raises(
        PmkitError, match="report kind 'monthly' is not known; expected one of: quarterly, annual, deep-dive"
    ):
        KINDS.get("monthly")


def test_a_kind_of_ones_own_can_be_registered():
    class Ward(ReportKind):
        name, notebook, label = "ward", "ward.ipynb", "Ward profiles"

        def plan(self, src, settings, root, **options):
            return Plan(src.latest_period(), [Job("ward-a", "Ward A", {"ward": "A"})])

    kinds = ReportKinds()
    kinds.register(Ward())
    plan = kinds.get("ward").plan(open_source(MINI), {}, ROOT)
    assert kinds.names() == ["ward"] and [j.name for j in plan.jobs] == ["ward-a"]


def test_plans_name_pages_and_periods():
    src = open_source(MINI)
    annual = KINDS.get("annual").plan(src, {"council": "Mini"}, ROOT)
    assert (annual.period.label, [(j.name, j.title) for j in annual.jobs]) == (
        "2024/25",
        [("annual-report", "Mini: annual report 2024/25")],
    )
    deep = KINDS.get("deep-dive").plan(src, {}, ROOT, indicator="HOU-02", period="2025/26 Q2")
    assert [(j.name, j.title) for j in deep.jobs] == [
        ("deep-dive-hou-02", "Deep dive: Repairs completed on time, 2025/26 Q2")
    ]


def test_topics_come_from_the_projects_topics_file():
    ids, slug, title, _ = resolve(ROOT, None, "homelessness")
    assert (ids, slug, title) == (
        ["HOU-01", "HOU-02", "HOU-03"],
        "homelessness",
        "Homelessness and temporary accommodation",
    )
    with pytest.raises(
        PmkitError,
        match="topic 'parks' is not in params/topics.yaml; expected one of: hospital-discharge, homelessness, repairs",
    ):
        resolve(ROOT, None, "parks")
    with pytest.raises(PmkitError, match="either --indicator ID or --topic NAME"):
        resolve(ROOT, "ASC-02", "homelessness")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["run", "annual", "--year", "2025/26", "--source", str(MINI)], "2025/26 is not complete in the source"),
        (["run", "annual", "--year", "2024/25 Q2", "--source", str(MINI)], "is not a financial year"),
        (["run", "deep-dive", "--topic", "parks", "--source", str(MINI)], "topic 'parks' is not in params/topics.yaml"),
        (
            ["run", "deep-dive", "--indicator", "NOPE-1", "--source", str(MINI)],
            "indicator NOPE-1 is not in the register",
        ),
    ],
)
def test_bad_choices_are_one_line_and_exit_2(args, message):
    done = pmkit_cli(*args)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr


def test_a_deep_dive_needs_an_indicator_or_a_topic():
    done = pmkit_cli("run", "deep-dive", "--source", str(MINI))
    assert done.returncode == 2 and "one of the arguments --indicator --topic is required" in done.stderr


def test_a_public_deep_dive_says_how_many_of_its_topics_measures_it_leaves_out(tmp_path, monkeypatch):
    import shutil

    import pandas as pd
    import yaml

    from pmkit.components import page
    from pmkit.reports.deep_dive import DeepDiveReport

    shutil.copytree(MINI, tmp_path / "data")
    register = pd.read_csv(tmp_path / "data" / "indicators.csv", dtype=str)
    register.loc[register["indicator_id"] == "HOU-02", "public"] = "no"
    register.to_csv(tmp_path / "data" / "indicators.csv", index=False)
    (tmp_path / "params").mkdir()
    (tmp_path / "params" / "defaults.yaml").write_text(
        yaml.safe_dump({"council": "Mini", "source": "data"}), encoding="utf-8"
    )
    (tmp_path / "params" / "topics.yaml").write_text(
        yaml.safe_dump({"topics": {"homes": {"title": "Homes", "indicators": ["HOU-01", "HOU-02"]}}}), encoding="utf-8"
    )
    monkeypatch.chdir(tmp_path)
    shown = []
    monkeypatch.setattr(page, "show_sections", lambda sections, engine="nbconvert": shown.extend(sections))
    report = DeepDiveReport(topic="homes", period="2025/26 Q2", audience="public")
    report.header()
    assert [r.indicator_id for r in report.readings] == ["HOU-01"]
    assert "1 other measure in this topic is for internal use and not shown." in shown[0][1]
