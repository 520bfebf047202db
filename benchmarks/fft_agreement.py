"""How well pmkit's codebook coding and sentiment agree with human coders on real NHS FFT comments.

Data: NHS England / The Strategy Unit, pxtextmining (MIT), 7,908 Friends and Family Test comments
with a human sentiment score and human theme labels, expected beside the project at
``../shared/data/real/nhs-fft-comments/`` (or pass ``--data``). The codebook and its mapping to
the FFT labels are in ``tests/data/fft-codebook.yaml``.

Comments that are placeholders ("Did not answer", empty, "Nothing.", "N/A") are dropped first.
Themes are scored per theme (precision, recall, F1, macro-F1) on the development half of the
respondents (whose comments the codebook's terms were chosen from), the held-out half, and all.
Sentiment agreement counts comments the human coders scored positive (1-2) or negative (4-5)
and reports the share pmkit labels the same way (a neutral label counts as a miss).

    python benchmarks/fft_agreement.py
"""

from __future__ import annotations

import argparse
import re
import sys
import time
import zlib
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data" / "real" / "nhs-fft-comments"
CSV_NAME = "fft-comments-v6framework-230831.csv"
CODEBOOK = ROOT / "tests" / "data" / "fft-codebook.yaml"
PLACEHOLDER = re.compile(
    r"^(?:did not answer|n/?a|none|nothing|no|nil|not a thing|nothing at all|nothing really|not applicable|"
    r"no comments?|not sure|don'?t know|-+|\.+)[.!]*$",
    re.I,
)
LABEL_COLUMNS_START = 11  # the 50 one-hot label columns follow `Comment sentiment`


def load_fft(folder: Path = DATA) -> pd.DataFrame:
    """The FFT comments as a feedback table plus ``labels`` (set of FFT labels), ``human_sentiment`` and ``half``.

    Read with pandas' C parser from UTF-8 with BOM (quoted fields hold newlines); dates are
    day-first except where only month-first is valid; placeholders are dropped.
    """
    raw = pd.read_csv(folder / CSV_NAME, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    text = raw["FFT answer"].str.strip()
    keep = (text.str.len() > 0) & ~text.str.match(PLACEHOLDER)
    raw, text = raw[keep], text[keep]
    label_columns = list(raw.columns[LABEL_COLUMNS_START:])
    flags = raw[label_columns].eq("1").to_numpy()
    date = pd.to_datetime(raw["Date"], format="%d/%m/%Y", errors="coerce")
    date = date.fillna(pd.to_datetime(raw["Date"], format="%m/%d/%Y", errors="coerce"))
    frame = pd.DataFrame(
        {
            "feedback_id": raw["Comment ID"].to_numpy(),
            "date": date.to_numpy(),
            "directorate": raw["Trust"].to_numpy(),
            "service": raw["Service type 1"].str.replace("\u00a0", " ").str.split().str.join(" ").to_numpy(),
            "channel": "survey",
            "text": text.to_numpy(),
            "question": raw["FFT question"].str.split().str.join(" ").to_numpy(),
            "human_sentiment": pd.to_numeric(raw["Comment sentiment"], errors="coerce").to_numpy(),
            "labels": [frozenset(np.asarray(label_columns)[row]) for row in flags],
            "half": np.where(
                [zlib.crc32(r.encode()) % 2 == 0 for r in raw["Respondent ID"]], "development", "held-out"
            ),
        }
    )
    frame.attrs["label_columns"] = label_columns
    return frame


def load_mapping(path: Path = CODEBOOK) -> tuple[dict, dict[str, list[str]]]:
    """(codebook document, theme id -> FFT label columns)."""
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    return document["codebook"], document["labels"]


def check_mapping(mapping: dict[str, list[str]], columns: list[str]) -> None:
    """Fail loudly when the mapping names an FFT label column that does not exist."""
    unknown = sorted({label for labels in mapping.values() for label in labels} - set(columns))
    if unknown:
        raise ValueError(f"{CODEBOOK.name}: unknown FFT label column(s): {unknown}")


def theme_scores(coded: pd.DataFrame, mapping: dict[str, list[str]]) -> pd.DataFrame:
    """Precision, recall and F1 per mapped theme, from coded comments with their human ``labels``."""
    rows = []
    for theme, labels in mapping.items():
        predicted = coded["themes"].map(lambda themes, t=theme: t in themes).to_numpy()
        actual = coded["labels"].map(lambda found, wanted=frozenset(labels): bool(found & wanted)).to_numpy()
        tp = int((predicted & actual).sum())
        precision = tp / predicted.sum() if predicted.sum() else float("nan")
        recall = tp / actual.sum() if actual.sum() else float("nan")
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        rows.append(
            {
                "theme": theme,
                "labelled": int(actual.sum()),
                "coded": int(predicted.sum()),
                "precision": precision,
                "recall": recall,
                "f1": f1,
            }
        )
    return pd.DataFrame(rows).set_index("theme")


def sentiment_agreement(frame: pd.DataFrame, predicted: pd.Series) -> dict[str, float]:
    """Share of human-positive (1-2) and human-negative (4-5) comments that pmkit labels the same way."""
    human = frame["human_sentiment"]
    judged = human.isin([1, 2, 4, 5])
    expected = np.where(human[judged] <= 2, "positive", "negative")
    got = predicted[judged].to_numpy()
    agree = got == expected
    return {
        "comments": int(judged.sum()),
        "agreement": float(agree.mean()),
        "positive_recall": float(agree[expected == "positive"].mean()),
        "negative_recall": float(agree[expected == "negative"].mean()),
        "neutral_share": float((got == "neutral").mean()),
    }


def evaluate(folder: Path = DATA, codebook: Path = CODEBOOK) -> dict[str, object]:
    """Everything the script prints: theme scores per half, macro-F1 and sentiment agreement."""
    from pmkit.judge import themes

    frame = load_fft(folder)
    book, mapping = load_mapping(codebook)
    check_mapping(mapping, frame.attrs["label_columns"])
    started = time.perf_counter()
    coded = themes.code(frame, book)
    moods = themes.sentiment(frame["text"])["sentiment"]
    seconds = time.perf_counter() - started
    halves = {"development": coded["half"] == "development", "held-out": coded["half"] == "held-out"}
    scores = {name: theme_scores(coded[mask], mapping) for name, mask in halves.items()}
    scores["all"] = theme_scores(coded, mapping)
    return {
        "comments": len(frame),
        "seconds": seconds,
        "scores": scores,
        "macro_f1": {name: float(table["f1"].mean()) for name, table in scores.items()},
        "sentiment": {name: sentiment_agreement(frame[mask], moods[mask]) for name, mask in halves.items()}
        | {"all": sentiment_agreement(frame, moods)},
        "uncoded_share": float((~coded["coded"]).mean()),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA, help="folder holding the FFT CSV")
    parser.add_argument("--codebook", type=Path, default=CODEBOOK)
    args = parser.parse_args(argv)
    if not (args.data / CSV_NAME).exists():
        print(f"FFT data not found at {args.data}", file=sys.stderr)
        return 2
    result = evaluate(args.data, args.codebook)
    print(
        f"{result['comments']} comments after dropping placeholders; coded and scored in {result['seconds']:.1f} s; "
        f"{result['uncoded_share']:.0%} uncoded\n"
    )
    table = pd.concat({name: t[["precision", "recall", "f1"]] for name, t in result["scores"].items()}, axis=1)
    table.insert(0, ("", "labelled"), result["scores"]["all"]["labelled"])
    print(table.to_string(float_format=lambda v: f"{v:.2f}"))
    print("\nmacro-F1: " + ", ".join(f"{name} {value:.3f}" for name, value in result["macro_f1"].items()))
    print("\nsentiment agreement with human positive (1-2) / negative (4-5) scores:")
    for name, s in result["sentiment"].items():
        print(
            f"  {name:<12} {s['agreement']:.1%} of {s['comments']} (positive {s['positive_recall']:.1%}, "
            f"negative {s['negative_recall']:.1%}, labelled neutral {s['neutral_share']:.1%})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
