"""Agreement with human coders on real NHS Friends and Family Test comments.

Runs benchmarks/fft_agreement.py's evaluation; the floors sit just below what it measures (see
the table the script prints). Skips when the shared data folder is not beside the project.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[3]
DATA = ROOT.parent / "shared" / "data" / "real" / "nhs-fft-comments"


def load_benchmark(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def result():
    fft = load_benchmark("fft_agreement")
    if not (DATA / fft.CSV_NAME).exists():
        pytest.skip(f"the NHS FFT comments are not at {DATA} (they come with the shared data folder)")
    return fft.evaluate(DATA)


def test_placeholders_are_dropped_and_every_theme_is_labelled(result):
    assert 5_500 <= result["comments"] <= 5_700  # 7,908 rows less non-answers such as "Did not answer", "Nothing."
    assert (result["scores"]["all"]["labelled"] > 50).all()


def test_macro_f1_on_the_covered_themes(result):
    assert result["macro_f1"]["held-out"] >= 0.66
    assert result["macro_f1"]["all"] >= 0.67


def test_no_covered_theme_is_poor(result):
    f1 = result["scores"]["all"]["f1"]
    assert (f1 >= 0.55).all(), f1[f1 < 0.55]


def test_sentiment_agrees_with_human_positive_and_negative_scores(result):
    assert result["sentiment"]["held-out"]["agreement"] >= 0.72
    assert result["sentiment"]["all"]["agreement"] >= 0.72
    assert result["sentiment"]["all"]["positive_recall"] >= 0.8
