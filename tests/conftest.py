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

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = ROOT.parent / "shared" / "data"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_url():
    """A PostgreSQL server started for this test session on 127.0.0.1 (skipped where none can start)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb")) or ([shutil.which("initdb")] if shutil.which("initdb") else [])
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
        str(bindir / "pg_ctl"), "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60",
        "-o", f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start",
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
        pytest.skip(f"{'/'.join(parts)} is not here: the shared data folder sits beside the project only in the team's checkout")
    return path


os.environ.setdefault("MPLBACKEND", "Agg")
