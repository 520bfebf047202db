"""One rule for "on a boundary" everywhere: a value within floating-point rounding of a line is on it.

The status engine (a value on its target or tolerance band) and SPC (a value on a process limit,
two-sigma line or the mean) compare against lines that are themselves computed, so a value that
equals a line in decimal arithmetic can differ from it in the last binary digit. Both allow the
same relative slack, so that such a value counts as on the line, never beyond it.

>>> float(slack(0.0)), float(slack(2.5e6))
(1e-09, 0.0025)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

RELATIVE_SLACK = 1e-9


def slack(reference: ArrayLike) -> np.ndarray:
    """The slack allowed around a line at ``reference``: 1e-9 of its magnitude, at least 1e-9."""
    return RELATIVE_SLACK * np.maximum(1.0, np.abs(np.asarray(reference, dtype="float64")))
