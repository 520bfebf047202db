"""Small hand-built feedback tables and a codebook whose counts the tests can work out by hand."""

from __future__ import annotations

import pandas as pd
import pytest

BOOK = {
    "themes": {
        "waste": {
            "label": "Waste and bins",
            "keywords": ["bin", "recycling"],
            "subthemes": {"missed": {"label": "Missed collections", "phrases": ["missed collection", "not collected"]}},
        },
        "roads": {"label": "Roads", "keywords": ["pothole", "pavement"]},
        "parking": {"label": "Parking", "keywords": ["parking", "permit"]},
        "noise": {"label": "Noise", "keywords": ["noise", "loud"]},
    }
}

# (month, service, channel, text): 2025/26 Q1 is April to June 2025, Q2 July to September 2025.
ROWS = [
    *[("2025-05", "Waste", "complaint", f"Bin not collected again on round {i}") for i in range(4)],
    *[("2025-05", "Highways", "complaint", f"Pothole number {i} on the main road") for i in range(6)],
    ("2025-06", "Parking", "comment", "Parking permit renewal was easy"),
    *[("2025-07", "Waste", "complaint", f"My bin was not collected, street {i}, still waiting") for i in range(5)],
    ("2025-08", "Waste", "compliment", "Thank you to the recycling crew, brilliant and friendly service"),
    ("2025-08", "Waste", "compliment", "Thank you to the recycling crew, brilliant and friendly service"),
    (
        "2025-08",
        "Waste",
        "survey",
        "Call Mrs Patel on 07700 900123 about the bin, the missed collection was sorted quickly",
    ),
    *[
        ("2025-08", "Highways", "complaint", f"Dangerous pothole {i} near the school, rude staff on the phone")
        for i in range(6)
    ],
    ("2025-09", "Parking", "complaint", "Parking permit took weeks"),
    ("2025-09", "Parking", "complaint", "No parking permit yet and a ticket"),
    ("2025-09", "Environmental health", "complaint", "Loud noise from the pub every night"),
    ("2025-09", "Customer services", "comment", "Hello, just saying hi"),
    ("2025-09", "Customer services", "comment", "The new website is confusing"),
]


def make_feedback(rows: list[tuple[str, str, str, str]] = ROWS) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "feedback_id": [f"F{i:03d}" for i in range(len(rows))],
            "date": pd.to_datetime([f"{month}-15" for month, *_ in rows]),
            "directorate": "Place",
            "service": [service for _, service, _, _ in rows],
            "channel": [channel for _, _, channel, _ in rows],
            "text": [text for *_, text in rows],
            "rating": float("nan"),
            "ward": "",
        }
    )


@pytest.fixture
def feedback() -> pd.DataFrame:
    return make_feedback()


@pytest.fixture
def book() -> dict:
    return BOOK
