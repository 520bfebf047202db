"""Builders for the status-rule tests."""


def indicator(indicator_id="A", **overrides):
    row = {
        "indicator_id": indicator_id,
        "title": f"Indicator {indicator_id}",
        "directorate": "Place",
        "polarity": "higher_is_better",
        "frequency": "quarterly",
        "tolerance": 0.05,
        "tolerance_type": "relative",
        "seasonal": False,
        "cumulative": False,
        "benchmark_metric": "",
    }
    row.update(overrides)
    return row
