"""A seeded sample of mutmut's mutants, the same number from each module, and the table of their results.

The judgement and component packages have about 17,000 mutants: all of them take many hours on two cores.
A sample of N per module (all of a module's mutants where it has fewer) gives each module's share of
survivors with a known margin, in well under an hour. Used by ``make mutation-sample`` (docs/testing.md):

    python tests/mutation_sample.py pick --per-module 30 > mutants/sample.txt   # after mutmut made its mutants
    python tests/mutation_sample.py table mutants/sample.txt                    # after mutmut ran them
    python tests/mutation_sample.py survivors mutants/sample.txt                # the names, for mutmut show
"""

from __future__ import annotations

import argparse
import json
import math
import random
from collections import Counter
from pathlib import Path

MUTANTS = Path("mutants")
# mutmut's exit codes (mutmut.stats.status_by_exit_code), as this table groups them
STATUS = {1: "killed", 3: "killed", 37: "killed", 0: "survived", 5: "no tests", 33: "no tests", None: "not run"}
TIMEOUTS = {36, 24, -24, 152, 255}


def results(folder: Path = MUTANTS) -> dict[str, int | None]:
    """Every mutant's name and mutmut's exit code for it (None: not run yet)."""
    found: dict[str, int | None] = {}
    for meta in sorted(folder.glob("pmkit/**/*.py.meta")):
        found.update(json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"])
    return found


def module_of(name: str) -> str:
    return name.rsplit(".", 1)[0]


def pick(names: list[str], per_module: int, seed: int) -> list[str]:
    """``per_module`` names of each module, drawn with ``seed`` (the same sample on every machine)."""
    by_module: dict[str, list[str]] = {}
    for name in sorted(names):
        by_module.setdefault(module_of(name), []).append(name)
    rng = random.Random(seed)
    return [
        n
        for module in sorted(by_module)
        for n in sorted(rng.sample(by_module[module], min(per_module, len(by_module[module]))))
    ]


def status(code: int | None) -> str:
    return "timeout" if code in TIMEOUTS else STATUS.get(code, "suspicious")


def table(sample: list[str], codes: dict[str, int | None]) -> str:
    """Markdown: per module, the sampled mutants by result and the survivors' share with a 95% margin."""
    counts: dict[str, Counter] = {}
    for name in sample:
        counts.setdefault(module_of(name), Counter())[status(codes.get(name))] += 1
    lines = [
        "| module | sampled | killed | survived | no tests | timeout | surviving (95% margin) |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    total = Counter()
    for module in sorted(counts):
        c = counts[module]
        total.update(c)
        lines.append(_row(module.removeprefix("pmkit."), c))
    lines.append(_row("**all**", total))
    return "\n".join(lines)


def _row(label: str, c: Counter) -> str:
    run = sum(v for k, v in c.items() if k != "not run")
    alive = c["survived"] + c["no tests"]
    share = f"{alive / run:.0%} (±{1.96 * math.sqrt(alive / run * (1 - alive / run) / run):.0%})" if run else "-"
    return f"| {label} | {sum(c.values())} | {c['killed']} | {c['survived']} | {c['no tests']} | {c['timeout']} | {share} |"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("pick", help="print a sample of mutant names")
    p.add_argument("--per-module", type=int, default=30)
    p.add_argument("--seed", type=int, default=2026)
    for command in ("table", "survivors"):
        sub.add_parser(command).add_argument("sample", type=Path)
    args = parser.parse_args()
    codes = results()
    if args.command == "pick":
        print("\n".join(pick(list(codes), args.per_module, args.seed)))
        return
    sample = args.sample.read_text(encoding="utf-8").split()
    if args.command == "table":
        print(table(sample, codes))
    else:
        print("\n".join(n for n in sample if status(codes.get(n)) in ("survived", "no tests")))


if __name__ == "__main__":
    main()
