"""Small builders shared by the SPC rule tests."""

import math

from hypothesis import strategies as st

from pmkit.judge import spc

# Fourteen values alternating 0 and 1: mean 0.5 and mean moving range 1, so with these as a fixed
# baseline the lines are exact binary fractions: limits 0.5 ± 2.66, two-sigma lines 0.5 ± 1.7733.
ALTERNATING = [0.0, 1.0] * 7
UPL, LPL = 0.5 + spc.LIMIT, 0.5 - spc.LIMIT
UPPER_2S, LOWER_2S = 0.5 + spc.TWO_SIGMA, 0.5 - spc.TWO_SIGMA


def after_baseline(tail, **kwargs) -> spc.XmRResult:
    """``tail`` judged against the fixed ALTERNATING baseline's lines."""
    return spc.xmr(ALTERNATING + list(tail), fix_after_n_points=len(ALTERNATING), **kwargs)


def kinds(res: spc.XmRResult) -> list[str]:
    return res.points["point_type"].astype(str).tolist()


def rules(res: spc.XmRResult) -> list:
    return [None if isinstance(r, float) else r for r in res.points["rule"].astype(object)]


# Random series built from pieces that trigger the rules: noise, ramps (trends and peaks), level
# shifts and spikes. Whole numbers keep sums exact, so ties (equal neighbours, values on the mean) occur.
_NOISE = st.lists(st.integers(-2, 2), min_size=1, max_size=8)
_RAMP = st.builds(
    lambda start, step, n: [start + step * i for i in range(n)],
    st.integers(-6, 6),
    st.sampled_from([-2, -1, 1, 2]),
    st.integers(3, 9),
)
_LEVEL = st.builds(lambda level, noise: [level + v for v in noise], st.integers(-8, 8), _NOISE)
_SPIKE = st.lists(st.integers(-14, 14), min_size=1, max_size=2)


@st.composite
def series_values(draw, min_size: int = 0, max_size: int = 40, missing: bool = False) -> list[float]:
    """A random series for property tests, optionally with missing values (NaN)."""
    pieces = draw(st.lists(st.one_of(_NOISE, _RAMP, _LEVEL, _SPIKE), min_size=1, max_size=6))
    values = [float(v) for piece in pieces for v in piece][: draw(st.integers(min_size, max_size))]
    if missing and values:
        holes = draw(st.sets(st.integers(0, len(values) - 1), max_size=3))
        values = [math.nan if i in holes else v for i, v in enumerate(values)]
    return values
