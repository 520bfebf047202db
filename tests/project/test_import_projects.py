"""An imported council is a working project: `pmkit import lgbf ... --out PROJECT`, then `pmkit run
quarterly` and `pmkit status` in it, for Highland (Fife has its own tests).

The LGBF files live outside the repository, in ``../shared/data/real/scotland-lgbf`` beside it; the
tests are skipped where they are absent. What the page should say is worked out here from the raw
LGBF values file with the csv module, independently of pmkit.
"""

import contextlib
import csv
import io
import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from pmkit.cli import main

LGBF = (Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "real" / "scotland-lgbf").resolve()
COUNCIL = "Highland"
COVER = "Highland Council"
DIRECTORATE = "environmental-services"  # the params file of the LGBF service area "Environmental Services"
DEMO_COUNCIL = "Thornbury Vale"

pytestmark = pytest.mark.skipif(
    not (LGBF / "lgbf-values-real.csv").is_file(),
    reason="real LGBF data not found in ../shared/data/real/scotland-lgbf beside the repository",
)


def pmkit_command(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    """Run ``pmkit ARGS`` as a user would, in ``cwd``."""
    return subprocess.run(
        [sys.executable, "-m", "pmkit.cli", *args], cwd=cwd, capture_output=True, text=True, timeout=600
    )


def lgbf_rows(council: str) -> list[dict]:
    """The council's rows of the LGBF values file that hold a value for a single financial year (such as 2022-23)."""
    with open(LGBF / "lgbf-values-real.csv", encoding="utf-8-sig", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["LocalAuthority"] == council and r["LA_IndicatorReal"].strip()]
    single = []
    for r in rows:
        match = re.fullmatch(r"(\d{4})-(\d{2})", r["Year"].strip())
        if match and int(match[2]) == (int(match[1]) + 1) % 100:
            single.append(r)
    return single


def latest_year_with_most(council: str) -> str:
    """The latest financial year in which more than half of the council's indicators have a figure, as ``2022/23``."""
    codes_by_year = defaultdict(set)
    for r in lgbf_rows(council):
        codes_by_year[r["Year"].strip()].add(r["Code"])
    indicators = set().union(*codes_by_year.values())
    year = max(y for y, codes in codes_by_year.items() if 2 * len(codes) > len(indicators))
    return year.replace("-", "/")


def lgbf_value(council: str, code: str, year: str) -> float:
    return next(
        float(r["LA_IndicatorReal"])
        for r in lgbf_rows(council)
        if r["Code"] == code and r["Year"].strip() == year.replace("/", "-")
    )


def visible_text(page: BeautifulSoup) -> str:
    page = BeautifulSoup(str(page), "html.parser")
    for tag in page(["script", "style"]):
        tag.decompose()
    return " ".join(page.get_text(" ").split())


def cells(row) -> list[str]:
    return [" ".join(c.get_text(" ").split()) for c in row.find_all(["th", "td"])]


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """Highland imported with the command, and what the command printed."""
    folder = tmp_path_factory.mktemp("import") / "project"
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        code = main(["import", "lgbf", str(LGBF), "--council", COUNCIL, "--out", str(folder)])
    assert code == 0
    return folder, printed.getvalue().splitlines()


@pytest.fixture(scope="module")
def published(project):
    """One service area's quarterly report, run in the project with no --period."""
    folder, _ = project
    run = pmkit_command("run", "quarterly", "--engine", "nbconvert", "--directorate", DIRECTORATE, cwd=folder)
    assert run.returncode == 0, run.stdout + run.stderr
    html = re.search(r"\s+published\s+\d+\.\d\s+(\S+\.html)$", run.stdout, re.M)  # the summary row
    assert html, run.stdout
    path = folder / html[1]  # relative to the working folder
    return path, BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def test_the_import_prints_the_next_steps(project):
    folder, lines = project
    assert lines[0].startswith(f"{COUNCIL}: wrote ") and lines[0].endswith(str(folder / "data" / "highland-lgbf"))
    assert lines[-2:] == [f"  cd {folder}", "  pmkit run quarterly"]


@pytest.mark.e2e
def test_the_report_of_an_imported_council_is_its_own(project, published):
    folder, _ = project
    path, page = published
    year = latest_year_with_most(COUNCIL)
    text = visible_text(page)

    # the page is for the latest year with data for most of Highland's indicators
    assert path.parent.parent.name == year.replace("/", "-")
    assert page.title.get_text() == f"Environmental Services: performance report, {year}"
    assert f"{COVER}: how the " in text and f"of Environmental Services stood at the end of {year}" in text

    # ranked in its family group: a quartile sentence for at least one indicator
    assert re.search(r"\b(1st|2nd|3rd|4th) quartile of [5-9] \(family group and this council\), ranked \d", text)

    # Street cleanliness: LGBF stores the share acceptable as a fraction (0.961 is 96.1%)
    shown = f"{100 * lgbf_value(COUNCIL, 'ENV03c', year):.1f}%"
    appendix = page.select_one("table.appendix")
    header = cells(appendix.select_one("thead tr"))
    row = next(cells(tr) for tr in appendix.select("tbody tr") if cells(tr)[0] == "ENV03c")
    assert row[header.index("Value")] == shown
    assert row[header.index("Period")] == year
    ranking = next(
        t
        for t in page.select("table")
        if t.caption
        and t.caption.get_text().startswith(
            f"Street Cleanliness Score (% Acceptable): {year}, {COVER} and family group"
        )
    )
    own = next(cells(tr) for tr in ranking.select("tbody tr") if f"{COVER} (this council)" in cells(tr))
    assert shown in own

    # the national line is the median of the other Scottish councils, said to be so (not one council's figure)
    with open(LGBF / "lgbf-values-real.csv", encoding="utf-8-sig", newline="") as f:
        others = sorted(
            float(r["LA_IndicatorReal"])
            for r in csv.DictReader(f)
            if r["Code"] == "ENV03c"
            and r["Year"].strip() == year.replace("/", "-")
            and r["LA_IndicatorReal"].strip()
            and r["LocalAuthority"] not in (COUNCIL, "Scotland", "")
        )
    middle = len(others) // 2
    median = others[middle] if len(others) % 2 else (others[middle - 1] + others[middle]) / 2
    national = cells(ranking.select("tbody tr")[-1])
    assert national[1] == f"Scotland: median of {len(others)} councils" and national[2] == f"{100 * median:.1f}%"

    # no trace of the demo council anywhere in what the run wrote
    written = [p for p in (folder / "outputs").rglob("*") if p.is_file()]
    assert len(written) >= 5
    for p in written:
        assert DEMO_COUNCIL not in p.read_text(encoding="utf-8", errors="replace"), p


def test_status_in_the_project_prints_the_same_year(project):
    folder, _ = project
    status = pmkit_command("status", "--width", "240", cwd=folder)
    assert status.returncode == 0, status.stderr
    assert f"Status for {latest_year_with_most(COUNCIL)} (" in status.stdout
    assert "ENV03c" in status.stdout


def test_importing_into_an_existing_project_changes_nothing(tmp_path, capsys):
    folder = tmp_path / "project"
    assert main(["import", "lgbf", str(LGBF), "--council", COUNCIL, "--out", str(folder)]) == 0
    capsys.readouterr()

    def snapshot():
        return {
            p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else None)
            for p in sorted(folder.rglob("*"))
        }

    before = snapshot()
    assert main(["import", "lgbf", str(LGBF), "--council", "Stirling", "--out", str(folder)]) == 2
    err = capsys.readouterr().err
    assert f"{folder / 'params' / 'defaults.yaml'} already exists" in err
    assert snapshot() == before
    assert not (folder / "data" / "stirling-lgbf").exists()


@pytest.mark.e2e
def test_the_comparator_group_can_be_chosen_for_one_run(project, tmp_path):
    """`--comparator-group scotland` ranks Highland among every council for this run only."""
    folder, _ = project
    run = pmkit_command(
        "run",
        "quarterly",
        "--engine",
        "nbconvert",
        "--directorate",
        DIRECTORATE,
        "--comparator-group",
        "scotland",
        "--out",
        str(tmp_path),
        cwd=folder,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    year = latest_year_with_most(COUNCIL)
    page = BeautifulSoup(
        next(tmp_path.glob(f"*/internal/{DIRECTORATE}.html")).read_text(encoding="utf-8"), "html.parser"
    )
    with open(LGBF / "lgbf-values-real.csv", encoding="utf-8-sig", newline="") as f:
        councils = {
            r["LocalAuthority"]
            for r in csv.DictReader(f)
            if r["Code"] == "ENV03c"
            and r["Year"].strip() == year.replace("/", "-")
            and r["LA_IndicatorReal"].strip()
            and r["LocalAuthority"] not in ("Scotland", "")
        }
    ranking = next(
        t
        for t in page.select("table")
        if t.caption
        and t.caption.get_text().startswith(f"Street Cleanliness Score (% Acceptable): {year}, {COVER} and scotland")
    )
    assert len(ranking.select("tbody tr")) == len(councils) + 1  # every council, then the national line
    assert 'comparator_group: "family_group"' in (folder / "params" / "defaults.yaml").read_text()  # settings untouched
