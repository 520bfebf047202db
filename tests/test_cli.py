"""The command line: tables, drafts and errors as a user sees them."""

import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pmkit.io.sources import write_duckdb
from pmkit.project.demo import build_demo

MINI = Path(__file__).parent / "data" / "mini_council"


def pmkit_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "pmkit.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    demo = build_demo()
    return write_duckdb(demo.tables, tmp_path_factory.mktemp("store") / "pmkit.duckdb", demo.case_studies)


def test_status_prints_a_table_for_the_period(store):
    done = pmkit_cli("status", str(store), "--period", "2025-26-Q2", "--directorate", "Housing")
    assert done.returncode == 0, done.stderr
    assert "Status for 2025/26 Q2 (11 indicators)" in done.stdout
    assert "ASC-01" not in done.stdout
    # HOU-01 as the checked backtest table has it: 3.93 against 3.6, red, improving, quartile 3, two exceptions.
    row = next(line for line in done.stdout.splitlines() if "HOU-01" in line)
    cells = [c.strip() for c in row.strip("│┃| ").split("│")]
    assert cells[0] == "HOU-01" and cells[2:] == [
        "2025/26 Q2",
        "3.93",
        "3.6",
        "red",
        "improving",
        "3",
        "red spc_concern",
    ], cells


def test_status_with_a_bad_period_is_one_line_and_exit_2():
    done = pmkit_cli("status", str(MINI), "--period", "2025 Q9")
    assert done.returncode == 2
    assert done.stderr.startswith("pmkit: cannot read period '2025 Q9'") and "Traceback" not in done.stderr


def test_themes_suggest_writes_an_editable_draft(store, tmp_path):
    out = tmp_path / "draft.yaml"
    done = pmkit_cli("themes", "suggest", str(store), "--out", str(out), "--topics", "4")
    assert done.returncode == 0, done.stderr
    draft = yaml.safe_load(out.read_text(encoding="utf-8"))
    assert len(draft["themes"]) == 4
    assert all(theme["keywords"] for theme in draft["themes"].values())
    assert "@" not in out.read_text(encoding="utf-8")  # example comments are redacted


WRONG = {
    ("run", "quarterly", "--period", "nonsense"): "pmkit: cannot read period 'nonsense'",
    ("run", "annual", "--year", "2024/26"): "pmkit: cannot read period '2024/26'",
    ("run", "deep-dive", "--indicator", "ASC-02", "--period", "Q5"): "pmkit: cannot read period 'Q5'",
    ("run", "quarterly", "--perod", "2025/26 Q2"): "unrecognized arguments: --perod",
    ("run", "quartely"): "invalid choice: 'quartely'",
    ("run", "deep-dive"): "one of the arguments --indicator --topic is required",
    ("run", "quarterly", "--engine", "word"): "invalid choice: 'word'",
    ("status", "--period", "2025 Q9"): "pmkit: cannot read period '2025 Q9'",
}


@pytest.mark.parametrize("argv", list(WRONG), ids=" ".join)
def test_a_wrong_argument_is_answered_before_pandas_or_matplotlib_load(argv):
    # What makes the answer quick (benchmarks/bad_argument.py times it): nothing heavy is imported first.
    probe = (
        "import sys\nfrom pmkit.cli import main\n"
        "try:\n    code = main(sys.argv[1:])\nexcept SystemExit as exc:\n    code = exc.code\n"
        "heavy = sorted(m for m in ('pandas', 'numpy', 'matplotlib', 'duckdb', 'papermill') if m in sys.modules)\n"
        "print('loaded:', heavy, file=sys.stderr)\nsys.exit(code)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe, *argv], capture_output=True, text=True, cwd=MINI)
    assert done.returncode == 2
    assert WRONG[argv] in done.stderr and "Traceback" not in done.stderr
    assert "loaded: []" in done.stderr


def test_report_kinds_load_when_first_used():
    probe = (
        "import sys\nfrom pmkit.reports import KINDS\n"
        "print([KINDS.options(n).label for n in KINDS.names()], 'pmkit.reports.annual' in sys.modules)\n"
        "kind = KINDS.get('annual')\n"
        "print(type(kind).__module__, 'pmkit.reports.annual' in sys.modules, 'pmkit.reports.quarterly' in sys.modules)\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == [
        "['Quarterly directorate reports', 'Annual report', 'Deep dives'] False",
        "pmkit.reports.annual True False",
    ]
