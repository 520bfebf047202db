"""The benchmark scripts still run (on a small input, without timing anything)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).parents[3]


def test_the_scale_benchmark_runs(capsys):
    spec = importlib.util.spec_from_file_location("themes_scale", ROOT / "benchmarks" / "themes_scale.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--rows", "1500"]) == 0
    output = capsys.readouterr().out
    assert "1,500 comments" in output and "comments/s" in output
