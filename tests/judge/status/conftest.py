"""Tiny hand-built registers for the status-rule tests."""

import pandas as pd
import pytest

from pmkit.judge import status


@pytest.fixture
def judge():
    """judge(indicators, measures, targets=None, benchmarks=None, period=..., **kw) -> status frame indexed by id."""

    def run(indicators, measures, targets=None, benchmarks=None, period="2025/26 Q2", **kwargs):
        ind = pd.DataFrame(indicators)
        m = pd.DataFrame(
            measures, columns=["indicator_id", "period", "value", "quality"][: len(measures[0]) if measures else 3]
        )
        t = pd.DataFrame(targets, columns=["indicator_id", "period", "target"]) if targets else None
        b = (
            pd.DataFrame(benchmarks, columns=["metric", "authority_code", "period", "value", "group"])
            if benchmarks
            else None
        )
        return status.assess(m, ind, period, targets=t, benchmarks=b, **kwargs).set_index("indicator_id")

    return run
