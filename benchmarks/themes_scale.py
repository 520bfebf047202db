"""Time codebook coding, sentiment and a theme summary over 50,000 comments.

The comments are synthetic: real NHS FFT comments (see benchmarks/fft_agreement.py for the data)
resampled and perturbed so that almost every text is distinct (a word dropped, an opening or a
closing clause about a council service added), spread over two quarters, four directorates, four
channels and a dozen services. Without the FFT data the base texts are generated from templates.
The target is under 30 seconds on a two-core machine for the whole summary.

    python benchmarks/themes_scale.py [--rows 50000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))

from fft_agreement import CSV_NAME, DATA, load_fft  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CODEBOOK = ROOT / "params" / "codebook.yaml"
OPENERS = ["Honestly, ", "To be fair, ", "Again. ", "As usual, ", "Overall ", "Update: ", "Second time writing. ", ""]
CLOSERS = [
    " The bins were missed again.",
    " Thanks to the team.",
    " Still waiting for the repair.",
    " Nobody called back.",
    " The pothole outside is getting worse.",
    " Staff were polite.",
    " There is black mould in the bedroom.",
    " Parking permit took weeks.",
    " Fly-tipping behind the shops.",
    " Library staff were lovely.",
    "",
]
SUBJECTS = [
    "The bin crew",
    "The repairs team",
    "The call centre",
    "My social worker",
    "The library",
    "The planning officer",
]
VERBS = [
    "was really helpful",
    "never called back",
    "took three weeks",
    "was rude on the phone",
    "sorted it quickly",
    "left rubbish everywhere",
    "explained everything clearly",
    "kept me waiting for hours",
]


def base_texts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Real FFT comments when available, else short generated complaints and compliments."""
    if (DATA / CSV_NAME).exists():
        return load_fft(DATA)["text"].to_numpy()
    return np.array([f"{rng.choice(SUBJECTS)} {rng.choice(VERBS)}." for _ in range(max(n // 20, 50))], dtype=object)


def synthetic_feedback(rows: int, seed: int = 0) -> pd.DataFrame:
    """A feedback table of ``rows`` mostly distinct comments over 2025/26 Q1 and Q2."""
    rng = np.random.default_rng(seed)
    bases = base_texts(rng, rows)
    texts = []
    for base in rng.choice(bases, rows):
        words = base.split()
        if len(words) > 4:
            del words[rng.integers(len(words))]
        texts.append(f"{rng.choice(OPENERS)}{' '.join(words)}{rng.choice(CLOSERS)}")
    services = np.array(
        [
            "Waste",
            "Highways",
            "Housing repairs",
            "Council tax",
            "Libraries",
            "Adult social care",
            "Planning",
            "Parking",
            "Customer services",
            "Parks",
            "Benefits",
            "Children's services",
        ]
    )
    directorates = np.array(["Place", "Adults", "Children's Services", "Resources"])
    return pd.DataFrame(
        {
            "feedback_id": [f"F{i:06d}" for i in range(rows)],
            "date": pd.Timestamp("2025-04-01") + pd.to_timedelta(rng.integers(0, 183, rows), unit="D"),
            "directorate": rng.choice(directorates, rows),
            "service": rng.choice(services, rows),
            "channel": rng.choice(["complaint", "compliment", "survey", "comment"], rows),
            "text": texts,
            "rating": rng.integers(1, 6, rows).astype(float),
            "ward": "",
        }
    )


def main(argv: list[str] | None = None) -> int:
    from pmkit.judge import themes

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    args = parser.parse_args(argv)
    feedback = synthetic_feedback(args.rows)
    book = themes.load_codebook(CODEBOOK)
    print(
        f"{len(feedback):,} comments, {feedback['text'].nunique():,} distinct; codebook {CODEBOOK.relative_to(ROOT)} "
        f"({len(book.themes)} themes, {len(book.subthemes)} sub-themes)"
    )
    steps = {
        "code": lambda: themes.code(feedback, book),
        "sentiment": lambda: themes.sentiment(feedback["text"]),
        "summary of all comments (codes, scores, picks quotes)": lambda: themes.summarise(feedback, book),
        "summary of 2025/26 Q2 against Q1, public": lambda: themes.summarise(feedback, book, "2025/26 Q2", "public"),
    }
    timings = {}
    for name, run in steps.items():
        started = time.perf_counter()
        result = run()
        timings[name] = time.perf_counter() - started
        print(f"  {name:<55} {timings[name]:6.2f} s")
    whole = timings["summary of all comments (codes, scores, picks quotes)"]
    print(
        f"\nsummary of {len(feedback):,} comments in {whole:.1f} s: {whole / 30:.0%} of the 30 s budget, "
        f"{len(feedback) / whole:,.0f} comments/s; public Q2 summary has {len(result.themes)} rows"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
