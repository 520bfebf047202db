"""Shared fixtures: paths to the shared real data, and a throwaway PostgreSQL server."""

import getpass
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

from pmkit.runner.layout import page_folder, published_folders

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server started for this test session on 127.0.0.1 (skipped where none can start)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or (
        [shutil.which("initdb")] if shutil.which("initdb") else []
    )
    if not found:
        pytest.skip("no PostgreSQL server binaries (Debian package postgresql); .ci/run installs them")
    bindir = Path(found[-1]).parent
    as_root = getpass.getuser() == "root"
    if as_root and shutil.which("runuser") is None:
        pytest.skip("running as root without runuser: PostgreSQL refuses to run as root")
    user = "postgres" if as_root else getpass.getuser()
    folder = Path(tempfile.mkdtemp(prefix="pmkit-pg-"))
    data = folder / "data"
    if as_root:
        shutil.chown(folder, user)
    prefix = ["runuser", "-u", user, "--"] if as_root else []
    port = _free_port()

    def run(*cmd):
        return subprocess.run([*prefix, *cmd], capture_output=True, text=True, timeout=120)

    done = run(str(bindir / "initdb"), "-D", str(data), "-U", "pmkit", "--auth=trust", "-E", "UTF8", "--no-sync")
    if done.returncode != 0:
        pytest.skip(f"initdb failed: {done.stderr.strip()[:300]}")
    done = run(
        str(bindir / "pg_ctl"),
        "-D",
        str(data),
        "-l",
        str(folder / "log"),
        "-w",
        "-t",
        "60",
        "-o",
        f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off",
        "start",
    )
    if done.returncode != 0:
        pytest.skip(f"PostgreSQL did not start: {done.stderr.strip()[:300]}")
    try:
        yield f"postgresql+psycopg://pmkit@127.0.0.1:{port}/postgres"
    finally:
        run(str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        time.sleep(0.2)
        shutil.rmtree(folder, ignore_errors=True)


def shared_data(*parts: str) -> Path:
    """A path in the shared real data, or a skip with the reason when a clone has no shared folder."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(
            f"{'/'.join(parts)} is not here: the shared data folder sits beside the project only in the team's checkout"
        )
    return path


os.environ.setdefault("MPLBACKEND", "Agg")


# --- the demo council's reports, rendered once per test run and shared by the xdist workers --------------

ROOT_DIR = Path(__file__).resolve().parents[1]
AUDIENCES = ("internal", "public")


class DemoRender:
    """Where the demo council's quarterly reports were rendered: one outputs folder per engine."""

    def __init__(self, root: Path):
        self.root = root
        self.store = root / "pmkit.duckdb"
        self.engines = sorted(p.name for p in root.iterdir() if p.is_dir())

    def folder(self, engine: str = "nbconvert", audience: str = "internal", period: str = "2025-26-Q2") -> Path:
        return page_folder(self.root / engine / "outputs", period, audience)

    def pages(self, engine: str = "nbconvert", audience: str = "internal", kind: str = "quarterly") -> list[Path]:
        """A kind's pages: the six directorates, the annual report, or the deep dives."""
        if kind == "annual":
            return [self.folder(engine, audience, "2024-25") / "annual-report.html"]
        pages = sorted(p for p in self.folder(engine, audience).glob("*.html") if p.stem != "index")
        deep = [p for p in pages if p.stem.startswith("deep-dive-")]
        return deep if kind == "deep-dive" else [p for p in pages if p not in deep]

    def every_page(self, engine: str = "nbconvert", audience: str = "internal") -> list[Path]:
        """Every report page and index of an engine and audience, all kinds."""
        outputs = self.root / engine / "outputs"
        return sorted(p for folder in published_folders(outputs, audience) for p in folder.glob("*.html"))


def _render_demo(root: Path) -> None:
    import json

    from pmkit.project.demo import DEMO_RUNS, write_demo_store
    from pmkit.runner.render import quarto_available
    from pmkit.runner.run import run_report

    root.mkdir(parents=True, exist_ok=True)
    store = write_demo_store(root / "pmkit.duckdb")
    failed = []
    for engine in ["nbconvert"] + (["quarto"] if quarto_available() else []):
        for kind, options in DEMO_RUNS:
            for audience in AUDIENCES:
                result = run_report(
                    kind,
                    audience=audience,
                    source=str(store),
                    out=root / engine / "outputs",
                    engine=engine,
                    jobs=2,
                    root=ROOT_DIR,
                    **options,
                )
                failed += [f"{engine} {audience} {r.name}: {r.error}" for r in result.reports if not r.ok]
    (root / "failed.json").write_text(json.dumps(failed))


@pytest.fixture(scope="session")
def demo_render(tmp_path_factory, worker_id) -> DemoRender:
    """The demo council's reports as `pmkit demo` makes them (six quarterly, the annual report, an indicator
    and a topic deep dive), for both audiences, with nbconvert and with Quarto where it is installed."""
    import json

    from filelock import FileLock

    base = tmp_path_factory.getbasetemp()
    root = (base if worker_id == "master" else base.parent) / "demo-render"
    if os.environ.get("PMKIT_DEMO_RENDER"):  # a folder kept from an earlier run, to iterate on page tests quickly
        root = Path(os.environ["PMKIT_DEMO_RENDER"])
    with FileLock(str(root) + ".lock"):
        if not (root / "failed.json").exists():
            _render_demo(root)
    failed = json.loads((root / "failed.json").read_text())
    assert not failed, failed
    return DemoRender(root)


@pytest.fixture(autouse=True)
def _charts_drawn_afresh():
    """Each test starts with no drawing kept by an earlier one (chart tests look at what is drawn)."""
    from pmkit.components import charts

    charts.forget_drawings()
    charts.share_drawings(None)
    yield
    charts.share_drawings(None)
