"""How long the status engine and SPC take for a national set: every council's indicators in one run.

Builds a synthetic national set, reproducibly (seeded numpy): 400 authorities x 500 indicators x
40 quarters (8 million measures, to 2025/26 Q2), each authority's indicators prefixed by its code
(``E0007-I0123``), with an indicator register, annual and some quarterly targets, a few rebases,
missing and provisional values, and benchmarks for the last four quarters in two groups: each
authority's comparator group of 16 (``nearest_neighbours``, metric ``NN07:I0123``) and the whole
country (``england``, metric ``I0123``). Then, for each of ``status.assess`` (judging 2025/26 Q2,
comparator group ``nearest_neighbours``) and ``spc.xmr_frame`` (over ``status.history``):

* the baseline: the same call one authority at a time over a sample of authorities, scaled per row;
* the national run: one call over the whole set;
* a check that the national answers for the sampled authorities equal the one-at-a-time ones exactly.

Each function is measured in a fresh process, ``--repeats`` times (median and range); its peak memory
is the process's resident peak during the national call (inputs included; on Linux the peak is reset
after the inputs are built, elsewhere it is ``ru_maxrss`` and counts their building too), and ``call MB``
what the call adds to the inputs. The target is
at most 5 s and 2 GB in total on a two-core machine.

    python benchmarks/status_scale.py                                   # the national set
    python benchmarks/status_scale.py --repeats 3                       # medians of three
    python benchmarks/status_scale.py --authorities 40 --indicators 100 --quarters 40 --sample 4
"""

from __future__ import annotations

import argparse
import gc
import json
import resource
import subprocess
import sys
import time

import numpy as np
import pandas as pd

from pmkit.io import periods
from pmkit.judge import spc, status

REPORT = "2025/26 Q2"
GROUP_SIZE = 16  # authorities per comparator group
BENCHMARK_QUARTERS = 4


def ids(authorities: int, indicators: int) -> tuple[np.ndarray, np.ndarray]:
    """Authority codes and, authority by authority, their indicator ids."""
    codes = np.array([f"E{a:04d}" for a in range(authorities)], dtype=object)
    kpis = [f"I{m:04d}" for m in range(indicators)]
    return codes, np.array([f"{c}-{k}" for c in codes for k in kpis], dtype=object)


def synthetic(authorities: int, indicators: int, quarters: int, seed: int = 0) -> dict[str, pd.DataFrame]:
    """The national set: ``measures``, ``indicators``, ``targets``, ``benchmarks`` (plus ``authority`` per indicator)."""
    rng = np.random.default_rng(seed)
    codes, indicator_ids = ids(authorities, indicators)
    n = len(indicator_ids)
    report = periods.parse(REPORT)
    starts = report.start - 3 * np.arange(quarters)[::-1]
    labels = np.array([periods.label_of(s, "quarterly") for s in starts], dtype=object)
    kpi = np.tile(np.arange(indicators), authorities)
    authority = np.repeat(np.arange(authorities), indicators)

    # Values: a level per indicator and authority, noise, and shifts, trends and a missing or provisional few.
    level = np.exp(rng.normal(4, 1, indicators))[kpi] * rng.lognormal(0, 0.2, n)
    values = level[:, None] * (1 + rng.normal(0, 0.05, (n, quarters)))
    t = np.arange(quarters)
    values[rng.random(n) < 0.3] *= np.where(t >= quarters * 2 // 3, 1.15, 1.0)
    trending = rng.random(n) < 0.2
    values[trending] *= 1 + 0.01 * t
    values = values.round(2)
    values[rng.random(values.shape) < 0.01] = np.nan
    quality = np.full((n, quarters), "final", dtype=object)
    quality[:, -1][rng.random(n) < 0.1] = "provisional"
    measures = pd.DataFrame(
        {
            "indicator_id": np.repeat(indicator_ids, quarters),
            "period": np.tile(labels, n),
            "value": values.ravel(),
            "quality": quality.ravel(),
        }
    )

    # The register: polarity, seasonality and the rest by indicator; tolerance and rebases by authority too.
    polarity = rng.choice(["higher_is_better", "lower_is_better", "neutral"], indicators, p=[0.45, 0.45, 0.1])
    benchmarked = rng.random(indicators) < 0.8
    cluster = rng.permutation(authorities) // GROUP_SIZE
    metric = np.array([f"NN{c:02d}:I{m:04d}" for c, m in zip(cluster[authority], kpi)], dtype=object)
    register = pd.DataFrame(
        {
            "indicator_id": indicator_ids,
            "title": np.array([f"Indicator {m}" for m in range(indicators)], dtype=object)[kpi],
            "directorate": np.array(["Place", "Adults", "Children's Services", "Resources"], dtype=object)[kpi % 4],
            "polarity": polarity[kpi],
            "frequency": "quarterly",
            "tolerance": rng.choice([0.02, 0.05, 0.1], n),
            "tolerance_type": np.where(rng.random(n) < 0.1, "absolute", "relative"),
            "seasonal": (rng.random(indicators) < 0.1)[kpi],
            "cumulative": (rng.random(indicators) < 0.1)[kpi],
            "benchmark_metric": np.where(benchmarked[kpi], metric, ""),
            "rebase_at": np.where(rng.random(n) < 0.05, "2020/21 Q1", ""),
        }
    )

    # Targets: annual ones for the last two years, and a quarterly one for the report quarter for some.
    quarterly = np.flatnonzero(rng.random(n) < 0.3)
    targets = pd.DataFrame(
        {
            "indicator_id": np.r_[indicator_ids, indicator_ids, indicator_ids[quarterly]],
            "period": np.repeat(["2024/25", "2025/26", REPORT], [n, n, len(quarterly)]),
            "target": np.r_[level, level * 1.02, level[quarterly] * 1.01].round(1),
        }
    )

    # Benchmarks for the last quarters: every authority's value in its comparator group and nationally.
    recent = values[:, -BENCHMARK_QUARTERS:]
    rows = np.repeat(benchmarked[kpi], BENCHMARK_QUARTERS)
    one = pd.DataFrame(
        {
            "metric": np.repeat(metric, BENCHMARK_QUARTERS),
            "authority_code": np.repeat(codes[authority], BENCHMARK_QUARTERS),
            "period": np.tile(labels[-BENCHMARK_QUARTERS:], n),
            "value": recent.ravel(),
            "group": "nearest_neighbours",
        }
    )[rows]
    national = one.assign(metric=one["metric"].str.split(":").str[1], group="england")
    benchmarks = pd.concat([one, national], ignore_index=True)
    return {
        "measures": measures,
        "indicators": register,
        "targets": targets,
        "benchmarks": benchmarks,
        "cluster": cluster,
        "codes": codes,
    }


def peak_mb() -> float:
    """This process's resident peak since the last `reset_peak` (MB)."""
    try:
        with open("/proc/self/status") as status_file:
            return next(int(line.split()[1]) for line in status_file if line.startswith("VmHWM")) / 1024
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def reset_peak() -> None:
    """Start the resident peak afresh from what is resident now (Linux; elsewhere nothing happens)."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass


def authority_slice(data: dict, code: str) -> dict[str, pd.DataFrame]:
    """One authority's measures, register and targets, and its comparator group's and the national benchmarks."""
    a = int(code[1:])
    prefix = f"NN{data['cluster'][a]:02d}:"
    b = data["benchmarks"]
    mine = lambda df: df[df["indicator_id"].str.startswith(code + "-")]  # noqa: E731
    return {
        "measures": mine(data["measures"]),
        "indicators": mine(data["indicators"]),
        "targets": mine(data["targets"]),
        "benchmarks": b[(b["group"] == "england") | b["metric"].str.startswith(prefix)],
    }


def run_assess(data: dict) -> pd.DataFrame:
    return status.assess(
        data["measures"], data["indicators"], REPORT, targets=data["targets"], benchmarks=data["benchmarks"]
    )


def run_xmr(history: pd.DataFrame) -> spc.XmRFrame:
    return spc.xmr_frame(
        history, by="indicator_id", improvement="improvement", rules="mdc", rebase_at="rebase", order="start"
    )


def measure(function: str, args: argparse.Namespace) -> dict:
    """In this process: build the set, time the baseline on the sample, the national run, and check answers."""
    data = synthetic(args.authorities, args.indicators, args.quarters, args.seed)
    rows = len(data["measures"])
    sample = data["codes"][np.linspace(0, args.authorities - 1, min(args.sample, args.authorities)).round().astype(int)]
    if function == "xmr_frame":
        history = status.history(data["measures"], data["indicators"], REPORT)
        del data
        gc.collect()
        slices = {c: history[history["indicator_id"].str.startswith(c + "-")] for c in sample}
        call, whole = run_xmr, history
    else:
        slices = {c: authority_slice(data, c) for c in sample}
        call, whole = run_assess, data
    built = peak_mb()
    gc.collect()
    reset_peak()
    inputs = peak_mb()

    baseline, small = [], {}
    for _ in range(args.repeats):
        elapsed = []
        for code, piece in slices.items():
            start = time.perf_counter()
            small[code] = call(piece)
            elapsed.append(time.perf_counter() - start)
        baseline.append(sum(elapsed))
    sample_rows = sum(len(p if function == "xmr_frame" else p["measures"]) for p in slices.values())

    national, national_cpu, national_peak = [], [], 0.0
    for _ in range(args.repeats):
        big = None
        gc.collect()
        reset_peak()
        start, cpu = time.perf_counter(), time.process_time()
        big = call(whole)
        national.append(time.perf_counter() - start)
        national_cpu.append(time.process_time() - cpu)
        national_peak = max(national_peak, peak_mb())

    same = all(_same(function, big, code, small[code]) for code in sample)
    return {
        "function": function,
        "rows": rows,
        "sample_rows": sample_rows,
        "sample": len(sample),
        "baseline_s": float(np.median(baseline)) * rows / sample_rows,
        "baseline_spread_s": float(np.ptp(baseline)) * rows / sample_rows,
        "baseline_rows_per_s": sample_rows / float(np.median(baseline)),
        "national_s": float(np.median(national)),
        "national_spread_s": float(np.ptp(national)),
        "national_cpu_s": float(np.median(national_cpu)),
        "national_rows_per_s": rows / float(np.median(national)),
        "built_mb": built,
        "inputs_mb": inputs,
        "national_peak_mb": national_peak,
        "same": bool(same),
    }


def _same(function: str, big, code: str, small) -> bool:
    """The national answers for authority ``code`` equal its one-at-a-time answers exactly."""
    if function == "assess":
        got = big[big["indicator_id"].str.startswith(code + "-")].reset_index(drop=True)
        want = small.reset_index(drop=True)
        pairs = [(got, want)]
    else:
        got_p = big.points[big.points["indicator_id"].str.startswith(code + "-")]
        got_s = big.summary[big.summary["indicator_id"].str.startswith(code + "-")].reset_index(drop=True)
        pairs = [(got_p, small.points), (got_s, small.summary.reset_index(drop=True))]
    try:
        for got, want in pairs:
            pd.testing.assert_frame_equal(got, want, check_exact=True)
    except AssertionError as error:
        print(f"{function} {code}: {error}", file=sys.stderr)
        return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--authorities", type=int, default=400)
    parser.add_argument("--indicators", type=int, default=500)
    parser.add_argument("--quarters", type=int, default=40)
    parser.add_argument("--sample", type=int, default=5, help="authorities timed one at a time for the baseline")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=1, help="runs of each call; medians and ranges are printed")
    parser.add_argument("--only", choices=["assess", "xmr_frame"], help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.only:
        print(json.dumps(measure(args.only, args)))
        return

    size = [
        "--authorities",
        str(args.authorities),
        "--indicators",
        str(args.indicators),
        "--quarters",
        str(args.quarters),
        "--sample",
        str(args.sample),
        "--seed",
        str(args.seed),
        "--repeats",
        str(args.repeats),
    ]
    results = []
    for function in ("assess", "xmr_frame"):
        done = subprocess.run([sys.executable, __file__, *size, "--only", function], capture_output=True, text=True)
        if done.returncode:
            sys.exit(done.stderr)
        sys.stderr.write(done.stderr)
        results.append(json.loads(done.stdout.strip().splitlines()[-1]))

    rows = results[0]["rows"]
    print(
        f"{args.authorities:,} authorities x {args.indicators:,} indicators x {args.quarters} quarters "
        f"({rows:,} measures), judging {REPORT}; baseline: {args.sample} authorities one at a time, scaled per row; "
        f"median (range) of {args.repeats} run{'s' if args.repeats > 1 else ''}"
    )
    print(
        f"{'':<12}{'baseline s':>18}{'national s':>18}{'(cpu s)':>9}{'speed-up':>9}{'rows/s base':>13}"
        f"{'rows/s nat':>12}{'inputs MB':>10}{'peak MB':>9}{'call MB':>9}{'same':>6}"
    )
    for r in results:
        print(
            f"{r['function']:<12}{r['baseline_s']:>9.2f} ({r['baseline_spread_s']:>5.2f})"
            f"{r['national_s']:>9.2f} ({r['national_spread_s']:>5.2f}){r['national_cpu_s']:>9.2f}"
            f"{r['baseline_s'] / r['national_s']:>8.1f}x{r['baseline_rows_per_s']:>13,.0f}{r['national_rows_per_s']:>12,.0f}"
            f"{r['inputs_mb']:>10,.0f}{r['national_peak_mb']:>9,.0f}{r['national_peak_mb'] - r['inputs_mb']:>9,.0f}"
            f"{'yes' if r['same'] else 'NO':>6}"
        )
    total = sum(r["national_s"] for r in results)
    cpu = sum(r["national_cpu_s"] for r in results)
    peak = max(r["national_peak_mb"] for r in results)
    built = max(r["built_mb"] for r in results)
    met = total <= 5 and peak <= 2048
    print(
        f"national total {total:.2f} s ({cpu:.2f} s cpu), peak {peak:,.0f} MB during the calls "
        f"({built:,.0f} MB while building the inputs) (target at most 5 s and 2,048 MB: {'met' if met else 'NOT met'})"
    )


if __name__ == "__main__":
    main()
