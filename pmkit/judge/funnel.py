"""Funnel plots: comparing units of different sizes (wards, age bands) without a league table.

Each unit's rate (numerator / denominator) is set against the overall rate, with control limits
that narrow as the denominator grows: ``p ± z × sqrt(p (1 - p) / n)`` for a proportion, at
z = 1.96 (95%) and z = 3.09 (99.8%), the standard normal quantiles of 0.975 and 0.999. A unit
beyond the 99.8% limits is a special cause worth asking about; one between the 95% and 99.8%
limits is a possible one; inside, its difference from the overall rate is what chance alone
would give for its size (Spiegelhalter, 2005).

>>> f = funnel(pd.DataFrame({"category": ["A", "B", "C"], "numerator": [90, 40, 500], "denominator": [100, 100, 600]}))
>>> f[["category", "signal"]].values.tolist()
[['A', 'possible_high'], ['B', 'low'], ['C', 'possible_high']]
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np
import pandas as pd

Z95, Z998 = NormalDist().inv_cdf(0.975), NormalDist().inv_cdf(0.999)  # two-sided 95% and 99.8%
LEVELS = {"95": Z95, "998": Z998}  # each pair of limits by its name in `funnel`'s columns


def limits(overall: float, sizes: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The (lower, upper) limits of each level in `LEVELS` around the rate ``overall`` for units of
    ``sizes`` cases, within 0 to 1: the lines the funnel plot draws and the units' signals use.

    >>> [round(float(v[0]), 4) for v in limits(0.5, np.array([100.0]))["998"]]
    [0.3455, 0.6545]
    """
    spread = np.sqrt(overall * (1 - overall) / np.asarray(sizes, dtype=float))
    return {
        name: (np.clip(overall - z * spread, 0, 1), np.clip(overall + z * spread, 0, 1)) for name, z in LEVELS.items()
    }


def funnel(units: pd.DataFrame) -> pd.DataFrame:
    """Per unit: ``rate``, the 95% and 99.8% limits at its size, and ``signal`` (``high``, ``low``,
    ``possible_high``, ``possible_low`` or ``within``); ``overall`` is the pooled rate.

    ``units`` has ``category``, ``numerator`` and ``denominator`` (units without a positive
    denominator are left out). Rates are proportions (0 to 1).
    """
    usable = units[pd.to_numeric(units["denominator"], errors="coerce").fillna(0) > 0].copy()
    num = usable["numerator"].to_numpy(dtype=float)
    den = usable["denominator"].to_numpy(dtype=float)
    overall = num.sum() / den.sum() if len(den) else np.nan
    usable["rate"] = num / den
    usable["overall"] = overall
    for name, (lower, upper) in limits(overall, den).items():
        usable[f"lower_{name}"] = lower
        usable[f"upper_{name}"] = upper
    rate = usable["rate"]
    usable["signal"] = np.select(
        [rate > usable["upper_998"], rate < usable["lower_998"], rate > usable["upper_95"], rate < usable["lower_95"]],
        ["high", "low", "possible_high", "possible_low"],
        "within",
    )
    return usable.reset_index(drop=True)
