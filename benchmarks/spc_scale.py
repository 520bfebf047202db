"""How long SPC takes for many series: the vectorised ``xmr_frame`` against ``xmr`` in a loop.

Builds 100,000 synthetic series of 60 points (noise, with shifts and trends planted in some,
a rebase in some, a few missing values, mixed improvement directions and targets), times
``xmr_frame`` over all of them, times ``xmr`` called once per series on a sample and scales
that up, and checks on the sample that both give the same answers.

    python benchmarks/spc_scale.py                       # 100,000 series, sample of 1,000
    python benchmarks/spc_scale.py --series 20000 --sample 500 --rules nhsr
"""

from __future__ import annotations

import argparse
import time
import warnings

import numpy as np
import pandas as pd

from pmkit.judge import spc


def synthetic(n_series: int, n_points: int, seed: int = 0) -> pd.DataFrame:
    """A long frame of ``n_series`` series: ``series``, ``t``, ``value``, ``improvement``, ``target``, ``rebase``."""
    rng = np.random.default_rng(seed)
    values = rng.normal(50, 5, size=(n_series, n_points))
    t = np.arange(n_points)
    shifted = rng.random(n_series) < 0.3
    values[shifted] += np.where(t >= n_points * 2 // 3, 8, 0)
    trending = rng.random(n_series) < 0.2
    values[trending] += 0.4 * t
    values[rng.random(values.shape) < 0.01] = np.nan
    rebase = np.zeros((n_series, n_points), dtype=bool)
    rebase[rng.random(n_series) < 0.25, n_points // 2] = True
    return pd.DataFrame(
        {
            "series": np.repeat(np.arange(n_series), n_points),
            "t": np.tile(t, n_series),
            "value": values.ravel(),
            "improvement": np.repeat(rng.choice(["increase", "decrease", "neutral"], n_series), n_points),
            "target": np.repeat(rng.normal(50, 8, n_series).round(), n_points),
            "rebase": rebase.ravel(),
        }
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--series", type=int, default=100_000)
    parser.add_argument("--points", type=int, default=60)
    parser.add_argument("--sample", type=int, default=1_000)
    parser.add_argument("--rules", choices=sorted(spc.RULE_SETS), default="mdc")
    args = parser.parse_args()

    df = synthetic(args.series, args.points)
    kwargs = dict(improvement="improvement", target="target", rules=args.rules, rebase_at="rebase")
    start = time.perf_counter()
    frame = spc.xmr_frame(df, by="series", **kwargs)
    vectorised = time.perf_counter() - start

    sample = [
        dict(
            values=g["value"].to_numpy(),
            improvement=g["improvement"].iloc[0],
            target=g["target"].iloc[0],
            rebase_at=np.flatnonzero(g["rebase"].to_numpy()),
        )
        for _, g in df[df["series"] < args.sample].groupby("series", sort=True)
    ]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", spc.SPCWarning)
        results = [spc.xmr(**one, rules=args.rules) for one in sample]
    loop = (time.perf_counter() - start) * args.series / args.sample

    head = frame.summary.iloc[: args.sample]
    agree = (
        [r.variation for r in results]
        == head["variation"].astype(object).where(head["variation"].notna(), None).tolist()
        and [r.assurance for r in results]
        == head["assurance"].astype(object).where(head["assurance"].notna(), None).tolist()
        and np.allclose([r.points["upl"].iloc[-1] for r in results], head["upl"], equal_nan=True)
    )
    n_points = len(df)
    print(f"{args.series:,} series x {args.points} points ({n_points:,} values), rules={args.rules}")
    print(f"{'xmr_frame (all series)':<34}{vectorised:>9.2f} s")
    print(f"{'xmr per series (estimated)':<34}{loop:>9.2f} s   (timed on {args.sample:,} series, scaled)")
    print(f"{'speed-up':<34}{loop / vectorised:>9.1f} x")
    print(f"{'same answers on the sample':<34}{'yes' if agree else 'NO':>9}")
    counts = frame.summary["variation"].value_counts(dropna=False)
    print("variation icons:", ", ".join(f"{k}={v:,}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
