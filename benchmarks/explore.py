"""How quickly the explorer answers a change of indicator, beside what re-running its notebook would cost.

On the demo council (the demo store, ``pmkit demo --no-reports``), in one process:

- the baseline: building the explorer from nothing (opening and checking the source, the status
  table, the first indicator's outputs), which is what re-running the notebook's cells pays;
- a change of indicator: the tile, XmR chart, benchmark chart, breakdowns and feedback themes of
  another indicator, as the combobox's observer redraws them (the register's indicators in turn,
  each for the first time, so a service's feedback themes are worked out when first shown);
- a change of period and of audience, each of which also redraws the status table.

Prints the medians (and spread) and each one's ratio to the baseline. The aim: a change of indicator
well under a second once the data is loaded.

    python benchmarks/explore.py
    python benchmarks/explore.py --changes 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--changes", type=int, default=30, help="indicator changes to time (default 30)")
    parser.add_argument("--builds", type=int, default=3, help="explorers built from nothing (default 3)")
    args = parser.parse_args()
    if not (ROOT / "data" / "pmkit.duckdb").exists():
        sys.exit("no demo store: run `pmkit demo --no-reports` (or `make demo`) first")
    os.chdir(ROOT / "notebooks")  # where JupyterLab runs the explorer's kernel
    from pmkit.explore import Explorer

    builds = []
    for _ in range(args.builds):
        started = time.perf_counter()
        explorer = Explorer()
        builds.append(time.perf_counter() - started)
    options = list(explorer.indicator.options)
    changes = []
    for option in options[1 : args.changes + 1]:
        changes.append(timed(lambda option=option: setattr(explorer.indicator, "value", option)))
    periods = explorer.period.options
    period_changes = [
        timed(lambda end=end: setattr(explorer.period, "value", (periods[0], end))) for end in periods[-6:]
    ]
    audiences = [timed(lambda a=a: setattr(explorer.audience, "value", a)) for a in ("public", "internal") * 2]

    def line(name: str, times: list[float], base: float) -> str:
        median = statistics.median(times)
        return (
            f"{name:<34}{median:>8.3f} s ({min(times):.3f}-{max(times):.3f})  n={len(times):<3} "
            f"ratio to baseline {median / base:.2f}"
        )

    base = statistics.median(builds)
    print(f"demo council, {len(options)} indicators; medians (min-max)")
    print(line("build from nothing (baseline)", builds, base))
    print(line("change of indicator", changes, base))
    print(line("change of period", period_changes, base))
    print(line("change of audience", audiences, base))
    return 0


if __name__ == "__main__":
    sys.exit(main())
