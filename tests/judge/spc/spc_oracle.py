"""A plain, loop-by-loop reading of spc.md in exact arithmetic, to check the vectorised engine.

Slow and obvious on purpose: one Python loop per rule, fractions instead of floats. ``oracle``
also reports whether any value lies exactly on a limit or two-sigma line, where float rounding
may legitimately decide either way.
"""

from dataclasses import dataclass
from fractions import Fraction

LIMIT = Fraction(266, 100)
TWO_SIGMA = Fraction(2, 3) * LIMIT
SCREEN = Fraction(3267, 1000)
SETS = {
    "mdc": dict(screen=False, shift=6, trend=6, improvement_wins=True, cross=True, blank_short=True),
    "nhsr": dict(screen=True, shift=7, trend=7, improvement_wins=False, cross=False, blank_short=False),
}


@dataclass
class Answer:
    point_type: list
    rule: list
    mean: list
    half: list  # 2.66 × MRbar of each value's section, None where no limits
    variation: object
    tie: bool


def oracle(values, improvement="increase", rules="mdc", rebase_at=(), fix_after_n_points=None, target=None):
    cfg = SETS[rules]
    x = [Fraction(v) for v in values]
    n = len(x)
    starts = sorted({0, *rebase_at})
    bounds = [(s, e) for s, e in zip(starts, starts[1:] + [n])]
    mean, half, half2, section = [None] * n, [None] * n, [None] * n, [0] * n
    for k, (s, e) in enumerate(bounds):
        base = x[s:e] if fix_after_n_points is None else x[s : min(e, s + fix_after_n_points)]
        m = sum(base) / len(base)
        ranges = [abs(base[i] - base[i - 1]) for i in range(1, len(base))]
        mr = sum(ranges) / len(ranges) if ranges else None
        if cfg["screen"] and mr is not None:
            kept = [r for r in ranges if r < SCREEN * mr]
            mr = sum(kept) / len(kept) if kept else None
        if cfg["blank_short"] and n < 13:
            mr = None
        for i in range(s, e):
            mean[i], section[i] = m, k
            half[i] = None if mr is None else LIMIT * mr
            half2[i] = None if mr is None else TWO_SIGMA * mr

    tie = False
    side, out, near = [0] * n, [0] * n, [0] * n
    for i in range(n):
        d = x[i] - mean[i]
        side[i] = (d > 0) - (d < 0)
        if half[i] is not None:
            tie |= half[i] > 0 and abs(d) in (half[i], half2[i])
            out[i] = side[i] if abs(d) > half[i] else 0
            near[i] = side[i] if not out[i] and abs(d) > half2[i] else 0

    chunks = [(0, n)] if cfg["cross"] else bounds
    flags = [[] for _ in range(n)]  # (rule, +1/-1) pairs in the order they are found
    for i in range(n):
        if out[i]:
            flags[i].append(("outside", out[i]))
    for s, e in chunks:
        for direction in (1, -1):  # trends: maximal strictly monotone runs
            i = s
            while i < e:
                j = i
                while j + 1 < e and (x[j + 1] - x[j]) * direction > 0:
                    j += 1
                if j - i + 1 >= cfg["trend"]:
                    for p in range(i, j + 1):
                        flags[p].append(("trend", direction))
                i = j if j > i else i + 1
        for w in range(s, e - 2):  # two in three
            sides = {side[w], side[w + 1], side[w + 2]}
            if len(sides) == 1 and 0 not in sides:
                hits = [p for p in range(w, w + 3) if near[p]]
                if len(hits) >= 2:
                    for p in hits:
                        flags[p].append(("two_in_three", side[p]))
        i = s
        while i < e:  # shifts
            j = i
            while j + 1 < e and side[j + 1] == side[i]:
                j += 1
            if side[i] and j - i + 1 >= cfg["shift"]:
                for p in range(i, j + 1):
                    flags[p].append(("shift", side[i]))
            i = j + 1
    if cfg["blank_short"] and n < 13:
        flags = [[] for _ in range(n)]

    good = {"increase": 1, "decrease": -1, "neutral": 1}[improvement]
    order = ["outside", "trend", "two_in_three", "shift"]
    types, chosen_rules, highs = [], [], []
    for i in range(n):
        if not flags[i]:
            types.append("common_cause")
            chosen_rules.append(None)
            highs.append(None)
            continue
        ranked = sorted(set(flags[i]), key=lambda f: order.index(f[0]))
        if cfg["improvement_wins"]:
            preferred = [f for f in ranked if f[1] == good]
            rule, direction = (preferred or ranked)[0]
        else:
            rule = ranked[0][0]
            directions = {d for r, d in ranked if r == rule}
            direction = directions.pop() if len(directions) == 1 else (1 if x[i + 1] > x[i] else -1)
        if improvement == "neutral":
            kind = "special_cause_neutral_high" if direction > 0 else "special_cause_neutral_low"
        else:
            kind = "special_cause_improvement" if direction == good else "special_cause_concern"
        types.append(kind)
        chosen_rules.append(rule)
        highs.append(direction > 0)

    variation = None
    if n and not (cfg["blank_short"] and n < 13):
        last = types[-1]
        variation = (
            "common_cause"
            if last == "common_cause"
            else (
                last.removeprefix("special_cause_").removesuffix("_high").removesuffix("_low")
                + ("_high" if highs[-1] else "_low")
            )
        )
    return Answer(types, chosen_rules, mean, half, variation, tie)
