"""How long ``pmkit`` takes to answer a wrong argument, against Python's own start and a report kind's imports.

Each command runs ``--repeats`` times as a new process (as a user types it); the median and the spread
(lowest to highest) are printed beside two baselines measured in the same run: ``python -c pass`` (the
least any command can take) and importing a report kind's module (what a wrong argument cost when the
command line loaded every kind first). Target: every wrong argument answered in under 0.5 s.

    python benchmarks/bad_argument.py
    python benchmarks/bad_argument.py --repeats 9
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PMKIT = [sys.executable, "-m", "pmkit.cli"]
COMMANDS = {
    "python -c pass (baseline)": [sys.executable, "-c", "pass"],
    "import a report kind (baseline)": [sys.executable, "-c", "import pmkit.reports.quarterly"],
    "pmkit run quarterly --period nonsense": [*PMKIT, "run", "quarterly", "--period", "nonsense"],
    "pmkit run annual --year 2024/26": [*PMKIT, "run", "annual", "--year", "2024/26"],
    "pmkit run quarterly --perod 2025/26": [*PMKIT, "run", "quarterly", "--perod", "2025/26"],
    "pmkit run quartely": [*PMKIT, "run", "quartely"],
    "pmkit run deep-dive (no --indicator)": [*PMKIT, "run", "deep-dive"],
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    seconds(COMMANDS["import a report kind (baseline)"])  # the first run fills the file cache
    times = {name: [] for name in COMMANDS}
    for _ in range(args.repeats):  # interleaved, so a busy moment touches every command alike
        for name, command in COMMANDS.items():
            times[name].append(seconds(command))
    start = statistics.median(times["python -c pass (baseline)"])
    print(f"medians of {args.repeats} runs (spread: lowest-highest); target under 0.50 s")
    print(f"{'command':<42} {'median':>8} {'spread':>13} {'x python':>9}")
    for name, taken in times.items():
        m = statistics.median(taken)
        print(f"{name:<42} {m:>7.2f}s {min(taken):>5.2f}-{max(taken):.2f}s {m / start:>8.1f}x")


if __name__ == "__main__":
    main()
