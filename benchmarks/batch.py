"""How long a batch of reports takes: `pmkit run quarterly` against the naive way, side by side.

Runs the demo council's six quarterly reports, for the internal audience alone and for both audiences
(twelve pages, as ``make demo`` runs them), per engine, in one call:

- pmkit: ``pmkit run quarterly --jobs 2 --engine ENGINE --out TMP`` (with ``--audience internal
  --audience public`` for both);
- naive: a shell loop over the audiences and the directorates' params files, each running the
  ``papermill`` command line and then ``jupyter nbconvert --to html --no-input`` (or ``quarto render``
  for Quarto).

and prints both times and their ratio (pmkit / naive; lower is better). pmkit's batch writes into a new
outputs folder, so it draws every chart (a cold batch: the issue's target). It then runs once more into
the same folder, as a rerun after a commentary fix does: that rerun finds every chart in the folder's
drawing store, and its time and ratio are printed too. The naive loop has no store. The two run in
turn ``--repeats`` times; the medians and ranges of the times, and of the ratio of each pair, are
printed. Needs the demo store (``make demo`` or ``pmkit demo --no-reports``); Quarto is measured
where ``quarto`` is on the PATH.

    python benchmarks/batch.py                    # both engines where available, both cases, 3 repeats
    python benchmarks/batch.py --engine nbconvert --audiences both --repeats 1
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PERIOD = "2025/26 Q2"
CASES = {"one": ["internal"], "both": ["internal", "public"]}  # the audiences of each case


def bin_path(name: str) -> str:
    """A command of this Python's environment (the virtualenv's ``papermill``, ``jupyter``, ``pmkit``)."""
    found = Path(sys.executable).parent / name
    return str(found) if found.exists() else name


def pmkit_batch(engine: str, out: Path, audiences: list[str]) -> None:
    subprocess.run(
        [
            bin_path("pmkit"),
            "run",
            "quarterly",
            "--period",
            PERIOD,
            "--jobs",
            "2",
            "--engine",
            engine,
            "--out",
            str(out),
            *[option for audience in audiences for option in ("--audience", audience)],
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


def naive_batch(engine: str, out: Path, audiences: list[str]) -> None:
    """One papermill run and one render per page, one after another, as a shell loop would."""
    for audience in audiences:
        folder = out / audience
        folder.mkdir(parents=True, exist_ok=True)
        for params in sorted((ROOT / "params" / "directorates").glob("*.yaml")):
            executed = folder / f"{params.stem}.ipynb"
            subprocess.run(
                [
                    bin_path("papermill"),
                    "notebooks/service_area.ipynb",
                    str(executed),
                    "-f",
                    str(params),
                    "-p",
                    "period",
                    PERIOD,
                    "-p",
                    "audience",
                    audience,
                    "-p",
                    "engine",
                    engine,
                    "--no-progress-bar",
                ],
                cwd=ROOT,
                check=True,
                capture_output=True,
            )
            if engine == "quarto":
                subprocess.run(
                    ["quarto", "render", str(executed), "--to", "html"], cwd=folder, check=True, capture_output=True
                )
            else:
                subprocess.run(
                    [bin_path("jupyter"), "nbconvert", "--to", "html", "--no-input", str(executed)],
                    cwd=folder,
                    check=True,
                    capture_output=True,
                )


def timed(batch, engine: str, audiences: list[str], again: bool = False) -> tuple[float, float | None]:
    """The batch's seconds into a new outputs folder, and with ``again`` its seconds run once more into it."""
    with tempfile.TemporaryDirectory(prefix="pmkit-batch-") as scratch:
        times = []
        for _ in range(2 if again else 1):
            started = time.perf_counter()
            batch(engine, Path(scratch) / "out", audiences)
            times.append(time.perf_counter() - started)
        return times[0], times[1] if again else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--engine",
        action="append",
        choices=["nbconvert", "quarto"],
        help="repeatable; default nbconvert, and quarto where it is installed",
    )
    parser.add_argument(
        "--audiences",
        action="append",
        choices=list(CASES),
        help="repeatable: one (internal, six pages) or both (internal and public, twelve pages); default both cases",
    )
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not (ROOT / "data" / "pmkit.duckdb").exists():
        sys.exit("the demo store is missing: run `pmkit demo --no-reports` (or make demo) first")
    engines = args.engine or ["nbconvert"] + (["quarto"] if shutil.which("quarto") else [])
    cases = args.audiences or list(CASES)
    print(
        f"demo council, the six directorates' quarterly reports for {PERIOD}; medians (and ranges) of {args.repeats} runs"
    )
    print(
        f"{'engine':<10} {'audiences':<10} {'pages':>5} {'pmkit (s)':>16} {'naive loop (s)':>18} {'ratio (range)':>19}"
        f" {'pmkit rerun (s)':>18} {'ratio (range)':>19}"
    )
    for engine in engines:
        for case in cases:
            audiences = CASES[case]
            ours, reruns, naive = [], [], []
            for _ in range(args.repeats):  # in turn, so that a machine whose speed drifts slows both alike
                cold, rerun = timed(pmkit_batch, engine, audiences, again=True)
                ours.append(cold)
                reruns.append(rerun)
                naive.append(timed(naive_batch, engine, audiences)[0])
            print(
                f"{engine:<10} {case:<10} {6 * len(audiences):>5} {spread(ours, 8)} {spread(naive, 9)} "
                f"{ratio(ours, naive)} {spread(reruns, 10)} {ratio(reruns, naive)}",
                flush=True,
            )


def spread(seconds: list[float], width: int) -> str:
    """A median and its range, as the table prints them."""
    return f"{statistics.median(seconds):>{width}.1f} ({min(seconds):.1f}-{max(seconds):.1f})"


def ratio(ours: list[float], naive: list[float]) -> str:
    """The median and range of the ratio of each pair of runs made in turn."""
    ratios = [o / n for o, n in zip(ours, naive, strict=True)]
    return f"{statistics.median(ratios):>7.2f} ({min(ratios):.2f}-{max(ratios):.2f})"


if __name__ == "__main__":
    main()
