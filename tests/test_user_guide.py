"""The user guide (docs/) says what pmkit does: every command in a `console` block is run here, in
a fresh copy of the demo project, and what the guide shows under it must be in what it prints (white
space aside), with the exit status shown (`[exit N]`, else 0). The column reference is the one
generated from the schema, and every link and image resolves."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from demo_project import make_demo_project

from pmkit.project.template import columns_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BIN = Path(sys.executable).parent
FENCE = re.compile(r"(<!-- run without quarto -->\n)?```(\w*)\n(.*?)```", re.S)
NOT_RUN = {"make demo", "make test", "python -m ipykernel install --user --name python3"}  # see test below
NOT_RUN |= {"make mutation", "make mutation-sample"}  # docs/testing.md: an hour to many hours, not for every run
NOT_RUN |= {"PMKIT_REDRAW_PICTURES=1 .venv/bin/pytest tests/components/test_chart_pictures.py"}  # remakes references


def blocks(page: Path) -> list[tuple[str, str, bool]]:
    """(info string, body, without quarto) of every fenced block of a page."""
    return [(m.group(2), m.group(3), bool(m.group(1))) for m in FENCE.finditer(page.read_text(encoding="utf-8"))]


def steps(body: str) -> list[tuple[str, list[str], int]]:
    """(command, lines it must print, exit status) of a console block."""
    found: list[tuple[str, list[str], int]] = []
    for line in body.splitlines():
        if line.startswith("$ "):
            found.append((line[2:], [], 0))
        elif (code := re.fullmatch(r"\[exit (\d+)\]", line.strip())) is not None:
            found[-1] = (found[-1][0], found[-1][1], int(code.group(1)))
        elif line.strip():
            found[-1][1].append(line)
    return found


PAGES = sorted(p for p in DOCS.glob("*.md") if any(info == "console" for info, _, _ in blocks(p)))


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Path:
    from pmkit.project.demo import write_demo_store

    return write_demo_store(tmp_path_factory.mktemp("guide-store") / "pmkit.duckdb")


@pytest.mark.e2e
@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_every_command_of_the_guide_runs_and_prints_what_the_guide_shows(page, demo_store, tmp_path):
    project = make_demo_project(tmp_path / "project", demo_store, ("params", "notebooks", "docs/examples"))
    path = [str(BIN), *os.environ["PATH"].split(os.pathsep)]
    quarto = shutil.which("quarto")
    for info, body, without_quarto in blocks(page):
        if info != "console":
            continue
        env = {
            **os.environ,
            "PATH": os.pathsep.join(
                p for p in path if not (without_quarto and quarto and Path(p) == Path(quarto).parent)
            ),
        }
        for command, shown, status in steps(body):
            done = subprocess.run(
                ["bash", "-c", command], cwd=project, env=env, capture_output=True, text=True, timeout=600
            )
            said = " ".join((done.stdout + done.stderr).split())
            assert done.returncode == status, f"{page.name}: $ {command}\n{done.stdout}{done.stderr}"
            assert "Traceback" not in said, f"{page.name}: $ {command}\n{done.stderr}"
            for line in shown:
                assert " ".join(line.split()) in said, (
                    f"{page.name}: $ {command}\nshows: {line}\nprinted: {done.stdout}{done.stderr}"
                )


def test_commands_the_guide_does_not_run_are_the_setup_ones_only():
    for page in DOCS.glob("*.md"):
        for info, body, _ in blocks(page):
            if info in ("console", "mermaid"):  # run above; a diagram (docs/architecture.md) is no command
                continue
            commands = {line.split("#")[0].strip() for line in body.splitlines() if line.strip()}
            assert commands <= NOT_RUN, f"{page.name}: a command the tests do not run: {commands - NOT_RUN}"


def test_the_column_reference_is_the_one_generated_from_the_schema():
    text = (DOCS / "your-data.md").read_text(encoding="utf-8")
    start = text.index("-->", text.index("<!-- columns:start")) + 3
    shown = text[start : text.index("<!-- columns:end -->")].strip()
    assert shown == columns_markdown().strip(), (
        "docs/your-data.md is out of step with pmkit/io/schema.py; regenerate the part between the columns "
        "markers with pmkit.project.template.columns_markdown()"
    )


def test_every_link_and_image_of_the_guide_resolves_and_the_readme_links_it():
    for page in DOCS.glob("*.md"):
        for target in re.findall(r"\]\(([^)#\s]+)[^)]*\)", page.read_text(encoding="utf-8")):
            if not target.startswith(("http://", "https://")):
                assert (page.parent / target).exists(), f"{page.name} links {target}, which is missing"
    images = re.findall(r"!\[([^\]]*)\]\(([^)]+)\)", (DOCS / "reports.md").read_text(encoding="utf-8"))
    assert len(images) == 3 and all(alt.strip() for alt, _ in images)
    assert "](docs/README.md)" in (ROOT / "README.md").read_text(encoding="utf-8")
