"""Theme discovery: TF-IDF + NMF over uncoded comments, and the draft codebook it writes."""

from __future__ import annotations

import pandas as pd
import yaml

from pmkit.judge.themes import SUGGESTION_COLUMNS, load_codebook, suggest, write_draft

BOOK = {"themes": {"waste": {"keywords": ["bin"]}}}


def missed_topics() -> pd.DataFrame:
    parking = [f"Resident parking permit for street {i} costs too much and the permit bays are full" for i in range(30)]
    trees = [f"The overgrown trees and hedges on lane {i} block the footpath, please cut the hedges" for i in range(30)]
    coded = [f"My bin was missed on round {i}" for i in range(30)]
    texts = parking + trees + coded + ["Email jane.doe@example.com about the parking permit bays and permit costs"]
    return pd.DataFrame({"text": texts})


def test_proposes_the_topics_the_codebook_misses():
    suggestions = suggest(missed_topics(), BOOK, n_topics=2)
    assert list(suggestions.columns) == SUGGESTION_COLUMNS
    assert len(suggestions) == 2
    terms = [set(t) for t in suggestions["terms"]]
    assert any({"permit", "parking"} & t for t in terms)
    assert any({"hedges", "trees", "overgrown"} & t for t in terms)
    assert suggestions["comments"].sum() == 61  # every uncoded comment, none of the coded ones
    assert suggestions["comments"].is_monotonic_decreasing


def test_examples_are_redacted():
    examples = suggest(missed_topics(), BOOK, n_topics=2)["examples"].explode().tolist()
    assert examples and not any("@" in e for e in examples)


def test_the_draft_is_an_editable_codebook(tmp_path):
    suggestions = suggest(missed_topics(), BOOK, n_topics=2)
    path = write_draft(suggestions, tmp_path / "drafts" / "draft.yaml")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Draft codebook")
    assert "for example:" in text
    draft = load_codebook(path)
    assert draft.themes == suggestions["topic"].tolist()
    assert yaml.safe_load(text)["themes"][draft.themes[0]]["label"].startswith("Draft: ")


def test_nothing_to_propose_when_everything_is_coded(tmp_path):
    everything_coded = pd.DataFrame({"text": ["bin"] * 10})
    suggestions = suggest(everything_coded, BOOK)
    assert suggestions.empty and list(suggestions.columns) == SUGGESTION_COLUMNS
    load_codebook(write_draft(suggestions, tmp_path / "empty.yaml"))
