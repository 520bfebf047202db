"""Validation of sources: messy-but-valid inputs are accepted; malformed ones are rejected line by line."""

import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

import pmkit
from pmkit.errors import ValidationError

MINI = Path(__file__).parents[1] / "data" / "mini_council"


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "src"
    shutil.copytree(MINI, folder)
    return folder


def pmkit_cli(*args):
    return subprocess.run([sys.executable, "-m", "pmkit.cli", *args], capture_output=True, text=True)


def problems(folder):
    with pytest.raises(ValidationError) as caught:
        pmkit.open_source(folder).tables()
    return [str(p) for p in caught.value.problems]


def test_valid_source_exits_zero(source):
    done = pmkit_cli("validate", str(source))
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        f"{source}: valid (indicators 3, measures 7, targets 2, benchmarks 2, commentary 1, case_studies 1); 1 warning"
    ]
    # valid, but its benchmarks have two councils for a comparator group: a warning, and exit 0
    assert done.stderr.splitlines() == [
        "warning: params/defaults.yaml::comparator_group: 'nearest_neighbours' has at most 2 councils a period besides "
        "this council, fewer than 3 peers, so a rank among them says little; the groups in the benchmarks: "
        "nearest_neighbours (2 councils a period)",
    ]


def test_messy_but_valid_is_accepted(source):
    text = (source / "indicators.csv").read_text(encoding="utf-8")
    text = text.replace("Head of Housing", "  Head of Housing £ services  ").replace(",yes,no", ", Yes , No ")
    (source / "indicators.csv").write_bytes(text.encode("cp1252"))
    measures = (
        (source / "measures.csv")
        .read_text(encoding="utf-8")
        .replace("2025/26 Q1", " 2025-26-Q1 ")
        .replace("Aug 2025", "2025-08")
    )
    (source / "measures.csv").write_bytes(b"\xef\xbb\xbf" + measures.encode("utf-8"))
    tables = pmkit.open_source(source).tables()
    ind = tables["indicators"].set_index("indicator_id")
    assert ind.loc["HOU-01", "owner"] == "Head of Housing £ services"
    assert bool(ind.loc["HOU-01", "public"]) is True and bool(ind.loc["HOU-01", "seasonal"]) is False
    assert set(tables["measures"]["period"]) == {
        "2025/26 Q1",
        "2025/26 Q2",
        "Jul 2025",
        "Aug 2025",
        "Sep 2025",
        "2023/24",
        "2024/25",
    }


def test_excel_files_are_read(source):
    pd.read_csv(source / "measures.csv", dtype=str).to_excel(source / "measures.xlsx", index=False)
    (source / "measures.csv").unlink()
    assert len(pmkit.open_source(source).measures()) == 7


def test_dates_and_numbers_as_a_uk_spreadsheet_saves_them_are_read(source):
    (source / "measures.csv").write_text(
        "indicator_id,period,value,quality\n"
        'HOU-01,01/04/2025,"1,120",final\n'  # the first day of a quarter, UK style
        'HOU-01,2025-07-01," 1,130 ",provisional\n'
        "HOU-02,2025-08-01 00:00:00,91%,final\n"  # what a date cell becomes through pd.read_excel(dtype=str)
        "HOU-02,17/09/2025,88.5 %,final\n"  # any day of a month
        "PL-01,01/04/2024,\xa019.0\xa0,final\n",
        encoding="utf-8",
    )
    m = pmkit.open_source(source).measures()
    assert list(zip(m.period, m.value)) == [
        ("2025/26 Q1", 1120.0),
        ("2025/26 Q2", 1130.0),
        ("Aug 2025", 91.0),
        ("Sep 2025", 88.5),
        ("2024/25", 19.0),
    ]


def test_fully_empty_csv_rows_are_skipped_and_rows_keep_their_numbers(source):
    text = (
        (source / "measures.csv")
        .read_text(encoding="utf-8")
        .replace("HOU-02,Aug 2025,91.0", "\n,,,\nHOU-02,Aug 2025,9 1")
    )
    (source / "measures.csv").write_text(text + ",,,\n,,,\n", encoding="utf-8")
    assert problems(source) == [
        "measures.csv:6:value: '9 1' is not a number: a space inside a number is ambiguous; write 91 without spaces"
    ]


def test_malformed_cells_are_each_reported_with_file_row_and_column(source):
    m = pd.read_csv(source / "measures.csv", dtype=str)
    m.loc[1, "value"] = "lots"  # file row 3
    m.loc[2, "period"] = "Q7 2025"  # row 4
    m.loc[3, "indicator_id"] = "HOU-99"  # row 5
    m.loc[4, "period"] = "2025/26 Q2"  # row 6: a quarter for a monthly indicator
    m.loc[0, "quality"] = "guessed"  # row 2
    m.to_csv(source / "measures.csv", index=False)
    found = problems(source)
    assert "measures.csv:3:value: 'lots' is not a number; expected a number such as 42 or 3.5" in found
    assert any(p.startswith("measures.csv:4:period: 'Q7 2025' is not a period") for p in found)
    assert any(p.startswith("measures.csv:5:indicator_id: 'HOU-99' is not in indicators.indicator_id") for p in found)
    assert any(
        p.startswith(
            "measures.csv:6:period: '2025/26 Q2' does not match the indicator's frequency; expected a monthly period"
        )
        for p in found
    )
    assert any(
        p.startswith("measures.csv:2:quality: 'guessed' is not allowed; expected one of final, provisional, estimated")
        for p in found
    )


def test_register_rules(source):
    ind = pd.read_csv(source / "indicators.csv", dtype=str)
    ind.loc[1, "indicator_id"] = "HOU-01"  # duplicate key, row 3
    ind.loc[0, "polarity"] = "up"  # row 2
    ind.loc[0, "public"] = "maybe"
    ind.loc[0, "decimals"] = "1.5"
    ind = ind.drop(columns=["unit"])
    ind.to_csv(source / "indicators.csv", index=False)
    found = problems(source)
    assert "indicators.csv::unit: column is missing; it is required" in found
    assert any(p.startswith("indicators.csv:3:indicator_id: duplicate of an earlier row (HOU-01)") for p in found)
    assert any(
        p.startswith("indicators.csv:2:polarity: 'up' is not allowed; expected one of higher_is_better") for p in found
    )
    assert any(p.startswith("indicators.csv:2:public: 'maybe' is not a yes/no value") for p in found)
    assert any(p.startswith("indicators.csv:2:decimals: '1.5' is not a whole number") for p in found)


def test_missing_required_table(source):
    (source / "indicators.csv").unlink()
    assert problems(source) == [
        "indicators::: table 'indicators' is missing; it is required. Found: benchmarks.csv, commentary.csv, measures.csv, "
        "targets.csv. Expected a file or sheet named indicators (any case; a trailing s is optional)"
    ]


def test_bad_case_study_front_matter(source):
    (source / "case_studies" / "bad.md").write_text("---\ntitle: x\npublic: perhaps\n---\nBody\n", encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        pmkit.open_source(source).case_studies()
    lines = caught.value.lines()
    assert "case_studies/bad.md:1:directorate: is missing; every case study needs a title and a directorate" in lines
    assert "case_studies/bad.md:1:public: 'perhaps' is not a yes/no value" in lines


def test_cli_reports_each_problem_exit_2_no_traceback_nothing_written(source):
    m = (source / "measures.csv").read_text(encoding="utf-8").replace("88.5", "eighty")
    (source / "measures.csv").write_text(m, encoding="utf-8")
    before = sorted(p.name for p in source.rglob("*"))
    done = pmkit_cli("validate", str(source))
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "measures.csv:5:value: 'eighty' is not a number; expected a number such as 42 or 3.5"
    ]
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in source.rglob("*")) == before


def test_not_a_source(tmp_path):
    done = pmkit_cli("validate", str(tmp_path / "nothing-here"))
    assert done.returncode == 2
    assert "not a source" in done.stderr and "Traceback" not in done.stderr


def test_actions_and_breakdowns_are_validated_like_the_other_tables(source):
    pd.DataFrame(
        {
            "action_id": ["A1", "A2", "A2"],
            "title": ["Open hubs", "", "Buy homes"],
            "due": ["2025/26 Q3", "soon", "2025/26 Q4"],
            "status": ["complete", "late", "on track"],
            "percent_complete": ["100", "130", "40%"],
        }
    ).to_csv(source / "actions.csv", index=False)
    pd.DataFrame(
        {
            "indicator_id": ["HOU-02", "NOPE"],
            "period": ["Sep 2025", "Sep 2025"],
            "dimension": ["ward", "ward"],
            "category": ["Saltings", "Abbeymead"],
            "numerator": ["40", "-3"],
            "denominator": ["50", "60"],
        }
    ).to_csv(source / "breakdowns.csv", index=False)
    found = problems(source)
    assert found == [
        "actions.csv:3:title: is empty; a value is required",
        "actions.csv:3:due: 'soon' is not a period; expected a label such as 2025/26 Q2, 2025/26, Jul 2025 or 2025-07",
        "actions.csv:3:status: 'late' is not allowed; expected one of complete, on_track, at_risk, off_track, not_started",
        "actions.csv:3:percent_complete: '130' is above the maximum 100",
        "actions.csv:4:action_id: duplicate of an earlier row (A2); each action_id must be unique",
        "breakdowns.csv:3:numerator: '-3' is below the minimum 0",
        "breakdowns.csv:3:indicator_id: 'NOPE' is not in indicators.indicator_id; expected a known indicator_id",
    ]


def test_commentary_at_three_levels_and_its_mistakes(source):
    rows = [
        "indicator_id,directorate,period,audience,text,actions",
        "HOU-01,,2025/26 Q2,internal,Demand rose,Open new hostel",  # an indicator's (row 2)
        ",Housing,2025/26 Q2,internal,The directorate's quarter in a paragraph,",  # a directorate's overview (3)
        ",,2024/25,public,The council's foreword,",  # the council's foreword (4)
        ",Housing,2025/26 Q3,internal,Next quarter's overview,",  # another period: not a duplicate (5)
    ]
    (source / "commentary.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    c = pmkit.open_source(source).commentary()
    assert list(zip(c["indicator_id"], c["directorate"])) == [
        ("HOU-01", ""),
        ("", "Housing"),
        ("", ""),
        ("", "Housing"),
    ]
    (source / "commentary.csv").write_text(
        "\n".join(
            [
                *rows,
                ",Housing,2025/26 Q2,internal,The same overview again,",  # row 6: a second overview of the quarter
                ",Hosuing,2025/26 Q2,internal,A directorate nobody has,",  # row 7
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    found = problems(source)
    assert any(
        p.startswith("commentary.csv:6:audience: duplicate of an earlier row (, Housing, 2025/26 Q2, internal)")
        for p in found
    ), found
    assert any(
        p.startswith("commentary.csv:7:directorate: 'Hosuing' is not in indicators.directorate") for p in found
    ), found
    assert len(found) == 2, found


def test_personal_data_in_public_commentary_and_action_updates_is_a_warning_not_an_error(source):
    (source / "commentary.csv").write_text(
        "\n".join(
            [
                "indicator_id,directorate,period,audience,text,actions",
                "HOU-01,,2025/26 Q2,internal,Ring Jo Bloggs on 01632 960111,",  # internal: not screened (row 2)
                "HOU-01,,2025/26 Q2,public,Ring Jo Bloggs on 01632 960111,",  # row 3
                ",Housing,2025/26 Q2,public,Resurfacing of Church Street finished in August,Email jo.bloggs@example.org",  # row 4
                ",,2024/25,public,The council's foreword,",  # row 5: nothing to see
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    pd.DataFrame(
        {
            "action_id": ["A1", "A2"],
            "title": ["Open hubs", "Buy homes"],
            "due": ["2025/26 Q3", "2025/26 Q4"],
            "status": ["on_track", "at_risk"],
            "update": ["Spoke to Mrs Patel at 12 Acacia Avenue", "Call 01632 960222"],
            "public": ["yes", "no"],
        }
    ).to_csv(source / "actions.csv", index=False)
    pd.DataFrame(
        {
            "action_id": ["A1", "A2"],
            "period": ["Sep 2025", "Sep 2025"],
            "status": ["on_track", "at_risk"],
            "update": ["Tenants can ring 0121 496 0000", "Ring Sarah Jones"],
        }
    ).to_csv(source / "action_updates.csv", index=False)
    done = pmkit_cli("validate", str(source))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().endswith("case_studies 1); 5 warnings")
    assert done.stderr.splitlines() == [
        "warning: commentary.csv:3:text: public commentary contains a name (Jo Bloggs) and a phone number (01632 960111); "
        "check it may be published",
        "warning: commentary.csv:4:actions: public commentary contains an e-mail address (jo.bloggs@example.org); "
        "check it may be published",
        "warning: actions.csv:2:update: the update of a public action contains a name (Patel) and a street address "
        "(12 Acacia Avenue); check it may be published",
        "warning: action_updates.csv:2:update: the update of a public action contains a phone number (0121 496 0000); "
        "check it may be published",
        # and the fixture's two neighbours are too few a comparator group
        "warning: params/defaults.yaml::comparator_group: 'nearest_neighbours' has at most 2 councils a period besides "
        "this council, fewer than 3 peers, so a rank among them says little; the groups in the benchmarks: "
        "nearest_neighbours (2 councils a period)",
    ]


def test_warnings_do_not_hide_errors(source):
    (source / "commentary.csv").write_text(
        "indicator_id,period,audience,text,actions\nHOU-01,2025/26 Q2,public,Ring 01632 960111,\nNOPE,2025/26 Q2,public,x,\n",
        encoding="utf-8",
    )
    done = pmkit_cli("validate", str(source))
    assert done.returncode == 2
    assert "commentary.csv:3:indicator_id: 'NOPE' is not in indicators.indicator_id" in done.stderr
    assert "Traceback" not in done.stderr
